//! `explain --for employer` for a levy quarter (§3, §11): the explanation an analyst can
//! send to the employer — in its language, without internal references, on one page: the
//! decision first, then only the steps that led to it (an employer out of scope stops at
//! the rule that excludes it), each status citing its own act and article.

use crate::levy::assess::{Assessment, EmployerRow};
use crate::levy::reference::Reference;
use crate::levy::status::Status;
use crate::words::{comma, euros, in_language, multiple, percent, quarter_words, ratio};

/// The status in the employer's language.
fn status_words(s: Status, a: &Assessment, lang: &str) -> String {
    let r = &a.rules.levy;
    let (sf, pf) = (comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()));
    match (lang, s) {
        ("nl", Status::OutOfScope) => "niet onderworpen: werkgever uit de openbare sector".into(),
        ("nl", Status::ShelteredWorkshop) => "niet onderworpen: maatwerkbedrijf".into(),
        ("nl", Status::SmallEmployer) => format!("niet verschuldigd: minder dan {} werknemers", r.min_workers),
        ("nl", Status::FewerThanMinCases) => format!("niet verschuldigd: minder dan {} getelde intredes", r.min_cases),
        ("nl", Status::NoReferenceEmployment) => {
            "niet verschuldigd: geen tewerkstelling in de referentiekwartalen".into()
        }
        ("nl", Status::SectorTooSmall) => "niet verschuldigd: sector te klein om te vergelijken".into(),
        ("nl", Status::BelowSectorMultiple) => format!("niet verschuldigd: minder dan {sf}× uw sector"),
        ("nl", Status::BelowPrivateMultiple) => format!("niet verschuldigd: minder dan {pf}× de privésector"),
        ("nl", Status::Liable) => "verschuldigd".into(),
        ("de", Status::OutOfScope) => "nicht betroffen: Arbeitgeber des öffentlichen Sektors".into(),
        ("de", Status::ShelteredWorkshop) => "nicht betroffen: Beschützende Werkstätte".into(),
        ("de", Status::SmallEmployer) => format!("nicht geschuldet: weniger als {} Arbeitnehmer", r.min_workers),
        ("de", Status::FewerThanMinCases) => {
            format!("nicht geschuldet: weniger als {} gezählte Eintritte", r.min_cases)
        }
        ("de", Status::NoReferenceEmployment) => {
            "nicht geschuldet: keine Beschäftigung in den Referenzquartalen".into()
        }
        ("de", Status::SectorTooSmall) => "nicht geschuldet: Sektor zu klein für einen Vergleich".into(),
        ("de", Status::BelowSectorMultiple) => format!("nicht geschuldet: weniger als das {sf}-fache Ihres Sektors"),
        ("de", Status::BelowPrivateMultiple) => {
            format!("nicht geschuldet: weniger als das {pf}-fache des Privatsektors")
        }
        ("de", Status::Liable) => "geschuldet".into(),
        (_, Status::OutOfScope) => "non assujetti : employeur du secteur public".into(),
        (_, Status::ShelteredWorkshop) => "non assujetti : entreprise de travail adapté".into(),
        (_, Status::SmallEmployer) => format!("non redevable : moins de {} travailleurs", r.min_workers),
        (_, Status::FewerThanMinCases) => format!("non redevable : moins de {} entrées comptées", r.min_cases),
        (_, Status::NoReferenceEmployment) => "non redevable : pas d'occupation aux trimestres de référence".into(),
        (_, Status::SectorTooSmall) => "non redevable : secteur trop petit pour une comparaison".into(),
        (_, Status::BelowSectorMultiple) => format!("non redevable : moins de {sf} fois votre secteur"),
        (_, Status::BelowPrivateMultiple) => format!("non redevable : moins de {pf} fois le secteur privé"),
        (_, Status::Liable) => "redevable".into(),
    }
}

/// The parameter whose source decides a status (the scope itself for a public employer).
fn decided_by(s: Status) -> &'static str {
    s.parameter().unwrap_or("levy.in_force")
}

/// The explanation of one employer's levy quarter, in `lang` (fr, nl, de).
pub fn render(a: &Assessment, e: &EmployerRow, name: Option<&str>, lang: &str) -> String {
    let r = &a.rules.levy;
    let q = quarter_words(a.quarter(), lang);
    let t = |fr: &str, nl: &str, de: &str| in_language(lang, fr, nl, de);
    let mut out = String::new();
    let title = t("Cotisation de responsabilisation", "Responsabiliseringsbijdrage", "Verantwortungsbeitrag");
    out.push_str(&format!("{title} — {q}\n"));
    out.push_str(&format!(
        "{} {}{}\n\n",
        t("Employeur", "Werkgever", "Arbeitgeber"),
        e.employer_id,
        name.map(|n| format!(" — {n}")).unwrap_or_default()
    ));
    out.push_str(&format!("{}: {}\n", t("Décision", "Beslissing", "Entscheidung"), status_words(e.status, a, lang)));
    out.push_str(&format!("  ({})\n\n", a.rules.citation_of(decided_by(e.status), lang)));
    // Out of scope or sheltered: the rule that excludes the employer is the whole story.
    if matches!(e.status, Status::OutOfScope | Status::ShelteredWorkshop) {
        out.push_str(&t(
            "La cotisation ne s'applique pas à votre entreprise : rien n'est dû.\n",
            "De bijdrage is niet van toepassing op uw onderneming: er is niets verschuldigd.\n",
            "Der Beitrag gilt nicht für Ihr Unternehmen: es ist nichts geschuldet.\n",
        ));
        return out;
    }
    let head = e.headcount.average();
    out.push_str(&format!(
        "1. {}: {} ({} {})\n",
        t(
            "Effectif moyen des quatre trimestres précédents",
            "Gemiddeld personeelsbestand van de vier vorige kwartalen",
            "Durchschnittlicher Personalbestand der vier vorigen Quartale"
        ),
        comma(format!("{head:.2}")),
        t("seuil :", "drempel:", "Schwelle:"),
        r.min_workers
    ));
    if e.status == Status::SmallEmployer {
        return out;
    }
    let reference = Reference::of(a.quarter());
    out.push_str(&format!(
        "2. {}\n",
        t(
            "Entrées en invalidité comptées et ETP de l'année précédente, par trimestre de référence :",
            "Getelde intredes in invaliditeit en VTE van het vorige jaar, per referentiekwartaal:",
            "Gezählte Eintritte in die Invalidität und VZÄ des Vorjahres, je Referenzquartal:",
        )
    ));
    for k in 0..4 {
        let (n, d) = (e.pool.entries[k], e.pool.fte[k]);
        out.push_str(&format!(
            "   {:<22} {:>3}  {:>10}\n",
            quarter_words(reference.quarter(k), lang).replace('\u{a0}', " "),
            n,
            comma(crate::parse::format_micro(d))
        ));
    }
    if e.status == Status::FewerThanMinCases {
        out.push_str(&format!(
            "   {} {} ({} {})\n",
            t("Total :", "Totaal:", "Summe:"),
            e.pool.entries_total(),
            t("minimum :", "minimum:", "Mindestens:"),
            r.min_cases
        ));
        return out;
    }
    out.push_str(&format!(
        "3. {}: {}\n   {} {}: {} → {}×\n   {}: {} → {}×\n",
        t("Votre rapport moyen", "Uw gemiddelde verhouding", "Ihr durchschnittliches Verhältnis"),
        ratio(e.ratio),
        t("Votre secteur, NACE", "Uw sector, NACE", "Ihr Sektor, NACE"),
        e.sector.group,
        ratio(e.sector_ratio),
        multiple(e.sector_multiple),
        t("Secteur privé", "Privésector", "Privatsektor"),
        ratio(a.private_ratio),
        multiple(e.private_multiple)
    ));
    out.push_str(&format!(
        "   {} {}× / {}×\n",
        t("Seuils (secteur / privé) :", "Drempels (sector / privé):", "Schwellen (Sektor / privat):"),
        comma(r.sector_factor.to_string()),
        comma(r.private_factor.to_string())
    ));
    if e.status == Status::Liable {
        let wage_q = quarter_words(reference.wage_quarter(), lang);
        out.push_str(&format!(
            "4. {}: {} × {} ({wage_q}) = {}, {} {}\n",
            t("Montant", "Bedrag", "Betrag"),
            percent(&r.rate_percent),
            euros(e.wage_base, lang),
            euros(e.levy.unwrap_or(0), lang),
            t("perçu au", "te innen in het", "erhoben im"),
            quarter_words(a.due_quarter(), lang)
        ));
    }
    out
}
