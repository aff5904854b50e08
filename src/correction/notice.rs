//! §12.3, notices of a regularisation: per employer whose amount changes, a corrected
//! notice in its language — its own reference (the original's with `/R1`, `/R2` …) and
//! the original's, the amount billed, the corrected amount, the difference to pay or to be
//! refunded (a credit note says so), the quarter it is collected in, the causes in words,
//! and for a contribution computed per incapacity the incapacities that changed, with
//! their days and amounts before and after.

use serde::Serialize;

use super::{EmployerChange, IncapacityChange};
use crate::error::Result;
use crate::html::letters::{head, render, Head, Office, Recipient};
use crate::quarter::Quarter;
use crate::words::{day_month_year, euros, in_language, quarter_words};

/// The labels of a corrected notice, in its language.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Labels {
    pub original: &'static str,
    pub billed: &'static str,
    pub corrected: &'static str,
    pub to_pay: &'static str,
    pub to_refund: &'static str,
    pub causes: &'static str,
    pub days_before: &'static str,
    pub days_after: &'static str,
    pub amount_before: &'static str,
    pub amount_after: &'static str,
}

const FR: Labels = Labels {
    original: "Avis d'origine",
    billed: "Montant facturé",
    corrected: "Montant rectifié",
    to_pay: "Différence à payer",
    to_refund: "Différence à vous rembourser",
    causes: "Ce qui a changé dans les données :",
    days_before: "Jours avant",
    days_after: "Jours après",
    amount_before: "Montant avant",
    amount_after: "Montant après",
};

const NL: Labels = Labels {
    original: "Oorspronkelijk bericht",
    billed: "Aangerekend bedrag",
    corrected: "Rechtgezet bedrag",
    to_pay: "Te betalen verschil",
    to_refund: "Aan u terug te betalen verschil",
    causes: "Wat in de gegevens veranderde:",
    days_before: "Dagen vooraf",
    days_after: "Dagen nadien",
    amount_before: "Bedrag vooraf",
    amount_after: "Bedrag nadien",
};

const DE: Labels = Labels {
    original: "Ursprüngliche Mitteilung",
    billed: "In Rechnung gestellter Betrag",
    corrected: "Berichtigter Betrag",
    to_pay: "Zu zahlende Differenz",
    to_refund: "Ihnen zu erstattende Differenz",
    causes: "Was sich in den Daten geändert hat:",
    days_before: "Tage vorher",
    days_after: "Tage nachher",
    amount_before: "Betrag vorher",
    amount_after: "Betrag nachher",
};

fn labels(lang: &str) -> Labels {
    match lang {
        "nl" => NL,
        "de" => DE,
        _ => FR,
    }
}

#[derive(Serialize)]
struct Line {
    worker: String,
    start: String,
    days_before: String,
    days_after: String,
    amount_before: String,
    amount_after: String,
}

#[derive(Serialize)]
struct Correction {
    w: Labels,
    original: String,
    before: String,
    after: String,
    label: &'static str,
    difference: String,
    verdict: String,
    causes: Vec<String>,
    incapacities: Vec<Line>,
}

#[derive(Serialize)]
struct Notice {
    #[serde(flatten)]
    head: Head,
    intro: String,
    correction: Correction,
    basis: String,
}

/// One corrected notice to write.
pub struct Corrected<'a> {
    pub change: &'a EmployerChange,
    /// The incapacities of the employer that changed (a contribution per incapacity).
    pub incapacities: Vec<&'a IncapacityChange>,
    /// The original notice's reference, and this one's (the original's with `/Rn`).
    pub original: String,
    pub reference: String,
    /// The quarter the difference is collected or refunded in (§12.3).
    pub collected: Quarter,
    /// The rules of the quarter, whose sources the notice cites.
    pub rules: &'a crate::rules::Rules,
}

/// The corrected notice, in the recipient's language.
pub fn notice(c: &Corrected<'_>, office: &Office, to: &Recipient<'_>) -> Result<String> {
    let lang = crate::words::language(to.language);
    let ch = c.change;
    let wing = ch.contribution.wing();
    let name = wing.local_name(lang);
    let w = labels(lang);
    let difference = ch.difference()?;
    let (q, collected) = (quarter_words(ch.quarter, lang), quarter_words(c.collected, lang));
    let amount = euros(difference.abs(), lang);
    let title = in_language(
        lang,
        &format!("Avis rectificatif — {name}"),
        &format!("Rechtzetting — {name}"),
        &format!("Berichtigung — {name}"),
    );
    let intro = in_language(
        lang,
        &format!("Les données sur lesquelles reposait l'avis {} ({name}, {q}) ont été corrigées. Le montant dû est rectifié comme suit.", c.original),
        &format!("De gegevens waarop het bericht {} ({name}, {q}) steunde, werden verbeterd. Het verschuldigde bedrag wordt als volgt rechtgezet.", c.original),
        &format!("Die Daten, auf denen die Mitteilung {} ({name}, {q}) beruhte, wurden berichtigt. Der geschuldete Betrag wird wie folgt berichtigt.", c.original),
    );
    let verdict = if difference >= 0 {
        in_language(
            lang,
            &format!("Vous êtes redevable de la différence, {amount}, perçue au {collected}."),
            &format!("U bent het verschil van {amount} verschuldigd, te innen in het {collected}."),
            &format!("Sie schulden die Differenz von {amount}, erhoben im {collected}."),
        )
    } else {
        in_language(
            lang,
            &format!("Note de crédit : la différence de {amount} vous sera remboursée au {collected}."),
            &format!("Creditnota: het verschil van {amount} wordt u terugbetaald in het {collected}."),
            &format!("Gutschrift: die Differenz von {amount} wird Ihnen im {collected} erstattet."),
        )
    };
    let dash = || "—".to_string();
    let incapacities = c
        .incapacities
        .iter()
        .map(|i| Line {
            worker: i.worker_id.clone(),
            start: day_month_year(i.incapacity_start),
            days_before: i.before.map_or_else(dash, |s| s.indemnified_days.to_string()),
            days_after: i.after.map_or_else(dash, |s| s.indemnified_days.to_string()),
            amount_before: i.before.map_or_else(dash, |s| euros(s.amount, lang)),
            amount_after: i.after.map_or_else(dash, |s| euros(s.amount, lang)),
        })
        .collect();
    // A contribution computed per incapacity says what moved for each incapacity; the
    // others, what moved for the employer.
    let colon = if lang == "fr" { " : " } else { ": " };
    let causes: Vec<String> = if c.incapacities.is_empty() {
        ch.causes.iter().map(|x| cause_words(x, lang)).collect()
    } else {
        c.incapacities
            .iter()
            .map(|i| {
                let what: Vec<String> = i.causes.iter().map(|x| cause_words(x, lang)).collect();
                format!("{} ({}){colon}{}", i.worker_id, day_month_year(i.incapacity_start), what.join(", "))
            })
            .collect()
    };
    let mut h = head(lang, office, to, ch.quarter, wing.notice_code(), title);
    h.reference = c.reference.clone();
    let notice = Notice {
        head: h,
        intro,
        correction: Correction {
            w,
            original: c.original.clone(),
            before: euros(ch.amount_before, lang),
            after: euros(ch.amount_after, lang),
            label: if difference >= 0 { w.to_pay } else { w.to_refund },
            difference: amount,
            verdict,
            causes,
            incapacities,
        },
        basis: wing.basis(c.rules, lang),
    };
    render(&notice)
}

/// A cause of a regularisation (`entries 2→3`, `wage base Q-1`, `daily_benefit` …) in
/// words of the notice's language; an unknown one as it is.
pub fn cause_words(cause: &str, lang: &str) -> String {
    if let Some(base) = cause.strip_suffix(super::NOT_DECIDING) {
        let tail = match lang {
            "en" => " (moved; the status did not change)",
            "nl" => " (gewijzigd, zonder gevolg voor de status)",
            "de" => " (geändert, ohne Folge für den Status)",
            _ => " (modifié, sans effet sur le statut)",
        };
        return format!("{}{tail}", cause_words(base, lang));
    }
    // English for the office's own pages; the notices' languages otherwise.
    let t = |fr: &str, nl: &str, de: &str| in_language(lang, fr, nl, de);
    if lang == "en" {
        return english(cause);
    }
    if let Some(rest) = cause.strip_prefix("entries ") {
        return t(
            &format!("entrées en invalidité : {rest}"),
            &format!("intredes in invaliditeit: {rest}"),
            &format!("Eintritte in die Invalidität: {rest}"),
        );
    }
    if let Some(q) = cause.strip_prefix("fte3y ") {
        return t(
            &format!("emploi en ETP des travailleurs de 3 ans d'ancienneté, {q}"),
            &format!("tewerkstelling in VTE van werknemers met 3 jaar anciënniteit, {q}"),
            &format!("Beschäftigung in VZÄ der Arbeitnehmer mit 3 Jahren Dienstalter, {q}"),
        );
    }
    if let Some(field) = cause.strip_prefix("register: ") {
        return t(
            &format!("données du répertoire des employeurs ({field})"),
            &format!("gegevens van het werkgeversrepertorium ({field})"),
            &format!("Daten des Arbeitgeberverzeichnisses ({field})"),
        );
    }
    if let Some(g) = cause.strip_prefix("sector ratio (group ").and_then(|g| g.strip_suffix(')')) {
        return t(
            &format!("ratio du groupe sectoriel {g}"),
            &format!("ratio van de sectorgroep {g}"),
            &format!("Quote der Sektorgruppe {g}"),
        );
    }
    if let Some(g) = cause.strip_prefix("sector group ") {
        return t(&format!("groupe sectoriel {g}"), &format!("sectorgroep {g}"), &format!("Sektorgruppe {g}"));
    }
    match cause {
        "wage base Q-1" => t(
            "masse salariale du trimestre précédent",
            "loonmassa van het vorige kwartaal",
            "Lohnmasse des Vorquartals",
        ),
        "average headcount" => {
            t("effectif moyen", "gemiddeld personeelsbestand", "durchschnittliche Beschäftigtenzahl")
        }
        "private ratio" => t("ratio du secteur privé", "ratio van de privésector", "Quote des Privatsektors"),
        "incapacity_end" => {
            t("fin de l'incapacité", "einde van de arbeidsongeschiktheid", "Ende der Arbeitsunfähigkeit")
        }
        "part_time_resumption" => t("reprise à temps partiel", "deeltijdse werkhervatting", "Teilzeitwiederaufnahme"),
        "daily_benefit" => t("indemnité journalière", "dagvergoeding", "Tagesentschädigung"),
        "worker_type" => t("catégorie de travailleur", "categorie van werknemer", "Arbeitnehmerkategorie"),
        "disability_recognised" => t("handicap reconnu", "erkende handicap", "anerkannte Behinderung"),
        "birth_date" => t("date de naissance", "geboortedatum", "Geburtsdatum"),
        "service_start" => t("date d'entrée en service", "datum van indiensttreding", "Diensteintritt"),
        "added" => t("incapacité ajoutée", "toegevoegde arbeidsongeschiktheid", "hinzugefügte Arbeitsunfähigkeit"),
        "withdrawn" => {
            t("incapacité retirée", "ingetrokken arbeidsongeschiktheid", "zurückgezogene Arbeitsunfähigkeit")
        }
        "rules" => t("règles appliquées", "toegepaste regels", "angewandte Regeln"),
        other => other.to_string(),
    }
}

/// A cause in the words of the office's pages (report.html, the terminal).
fn english(cause: &str) -> String {
    if let Some(rest) = cause.strip_prefix("entries ") {
        return format!("entries into invalidity {rest}");
    }
    if let Some(q) = cause.strip_prefix("fte3y ") {
        return format!("FTE of 3 years' seniority, {q}");
    }
    if let Some(field) = cause.strip_prefix("register: ") {
        return format!("the register's {}", field.replace('_', " "));
    }
    if let Some(g) = cause.strip_prefix("sector ratio (group ").and_then(|g| g.strip_suffix(')')) {
        return format!("ratio of sector group {g}");
    }
    if let Some(g) = cause.strip_prefix("sector group ") {
        return format!("sector group {g}");
    }
    match cause {
        "wage base Q-1" => "wage base of the quarter before".into(),
        "private ratio" => "private-sector ratio".into(),
        "added" => "incapacity added".into(),
        "withdrawn" => "incapacity withdrawn".into(),
        "rules" => "the rules applied".into(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_said_in_the_notices_language() {
        assert_eq!(cause_words("entries 3→4", "fr"), "entrées en invalidité : 3→4");
        assert_eq!(cause_words("entries 3→4", "nl"), "intredes in invaliditeit: 3→4");
        assert_eq!(cause_words("daily_benefit", "de"), "Tagesentschädigung");
        assert_eq!(cause_words("sector ratio (group 4711)", "fr"), "ratio du groupe sectoriel 4711");
        assert_eq!(cause_words("something new", "nl"), "something new", "an unknown cause as it is");
        assert_eq!(cause_words("wage base Q-1", "en"), "wage base of the quarter before");
        assert_eq!(cause_words("part_time_resumption", "en"), "part time resumption");
    }
}
