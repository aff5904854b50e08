//! `explain --for employer` for a solidarity quarter (§8, §11): the explanation an analyst
//! can send to the employer — in its language, without internal references: a summary
//! table of its incapacities first, then each reason that applies, citing its own act and
//! article.

use crate::solidarity::assess::Assessment;
use crate::solidarity::status::Status;
use crate::words::{day_month_year, euros, in_language, percent, quarter_words};

fn status_words(s: Status, a: &Assessment, lang: &str) -> String {
    let r = &a.rules.solidarity;
    match (lang, s) {
        ("nl", Status::ShelteredWorkshop) => "maatwerkbedrijf".into(),
        ("nl", Status::SmallEmployer) => format!("minder dan {} werknemers", r.min_workers),
        ("nl", Status::ExcludedWorkerType) => "soort werknemer niet gedekt".into(),
        ("nl", Status::DisabilityRecognised) => "erkende arbeidshandicap".into(),
        ("nl", Status::AgeOutOfRange) => format!("leeftijd buiten {}–{}", r.min_age, r.max_age),
        ("nl", Status::ShortService) => format!("minder dan {} maand(en) dienst", r.min_service_months),
        ("nl", Status::NoIndemnifiedDay) => "geen vergoede dag".into(),
        ("nl", Status::Due) => "verschuldigd".into(),
        ("de", Status::ShelteredWorkshop) => "Beschützende Werkstätte".into(),
        ("de", Status::SmallEmployer) => format!("weniger als {} Arbeitnehmer", r.min_workers),
        ("de", Status::ExcludedWorkerType) => "Arbeitnehmerart nicht erfasst".into(),
        ("de", Status::DisabilityRecognised) => "anerkannte Behinderung".into(),
        ("de", Status::AgeOutOfRange) => format!("Alter außerhalb {}–{}", r.min_age, r.max_age),
        ("de", Status::ShortService) => format!("weniger als {} Monat(e) Dienst", r.min_service_months),
        ("de", Status::NoIndemnifiedDay) => "kein entschädigter Tag".into(),
        ("de", Status::Due) => "geschuldet".into(),
        (_, Status::ShelteredWorkshop) => "entreprise de travail adapté".into(),
        (_, Status::SmallEmployer) => format!("moins de {} travailleurs", r.min_workers),
        (_, Status::ExcludedWorkerType) => "type de travailleur non visé".into(),
        (_, Status::DisabilityRecognised) => "handicap reconnu".into(),
        (_, Status::AgeOutOfRange) => format!("âge hors de {}–{}", r.min_age, r.max_age),
        (_, Status::ShortService) => format!("moins de {} mois de service", r.min_service_months),
        (_, Status::NoIndemnifiedDay) => "aucun jour indemnisé".into(),
        (_, Status::Due) => "due".into(),
    }
}

/// The explanation of one employer's solidarity quarter, in `lang` (fr, nl, de).
pub fn render(a: &Assessment, employer: &str, name: Option<&str>, lang: &str) -> String {
    let t = |fr: &str, nl: &str, de: &str| in_language(lang, fr, nl, de);
    let q = quarter_words(a.quarter(), lang);
    let mine: Vec<&crate::solidarity::assess::Incapacity> =
        a.incapacities.iter().filter(|i| i.row.employer_id == employer).collect();
    let total: i64 = mine.iter().map(|i| i.contribution).sum();
    let mut out = format!(
        "{} — {q}\n{} {employer}{}\n\n",
        t("Cotisation de solidarité", "Solidariteitsbijdrage", "Solidaritätsbeitrag"),
        t("Employeur", "Werkgever", "Arbeitgeber"),
        name.map(|n| format!(" — {n}")).unwrap_or_default()
    );
    out.push_str(&format!(
        "{}: {} ({} {})\n\n",
        t("Total", "Totaal", "Summe"),
        euros(total, lang),
        t("perçu au", "te innen in het", "erhoben im"),
        quarter_words(a.due_quarter(), lang)
    ));
    out.push_str(&format!(
        "{:<14} {:<11} {:<11} {:<23} {:>5} {:>12} {:>14}  {}\n",
        t("Travailleur", "Werknemer", "Arbeitnehmer"),
        t("Début", "Begin", "Beginn"),
        t("Fin", "Einde", "Ende"),
        t("Période couverte", "Gedekte periode", "Erfasster Zeitraum"),
        t("Jours", "Dagen", "Tage"),
        t("Indemnité/j", "Uitkering/d", "Geld/Tag"),
        t("Cotisation", "Bijdrage", "Beitrag"),
        t("Statut", "Status", "Status")
    ));
    let plain = |cents: i64| euros(cents, lang).replace(['\u{a0}', '\u{202f}'], " ");
    for i in &mine {
        out.push_str(&format!(
            "{:<14} {:<11} {:<11} {:<23} {:>5} {:>12} {:>14}  {}\n",
            i.row.worker_id,
            day_month_year(i.row.incapacity_start),
            i.row.incapacity_end.map_or_else(|| "—".to_string(), day_month_year),
            format!("{} – {}", day_month_year(i.window.start), day_month_year(i.window.end)),
            i.days.indemnified,
            plain(i.row.daily_benefit),
            plain(i.contribution),
            status_words(i.status, a, lang)
        ));
    }
    // §8.2: every event that removes days from the period covered, with its date.
    let mut events = Vec::new();
    for i in &mine {
        let w = &i.row.worker_id;
        if let (Some(end), true) = (i.row.incapacity_end, i.days.after_end > 0) {
            let (d, n) = (day_month_year(end), i.days.after_end);
            events.push(t(
                &format!("{w} : fin de l'incapacité le {d} — {n} jour(s) de la période après cette date non comptés"),
                &format!(
                    "{w}: einde van de arbeidsongeschiktheid op {d} — {n} dag(en) van de periode daarna niet geteld"
                ),
                &format!("{w}: Ende der Arbeitsunfähigkeit am {d} — {n} Tag(e) des Zeitraums danach nicht gezählt"),
            ));
        }
        if let (Some(res), true) = (i.row.part_time_resumption, i.days.after_resumption > 0) {
            let (d, n) = (day_month_year(res), i.days.after_resumption);
            events.push(t(
                &format!("{w} : reprise à temps partiel le {d} — {n} jour(s) à partir de cette date non comptés"),
                &format!("{w}: deeltijdse werkhervatting op {d} — {n} dag(en) vanaf die datum niet geteld"),
                &format!("{w}: Teilzeitwiederaufnahme am {d} — {n} Tag(e) ab diesem Datum nicht gezählt"),
            ));
        }
        if i.days.no_benefit_weekday > 0 {
            let n = i.days.no_benefit_weekday;
            events.push(t(
                &format!("{w} : {n} dimanche(s) de la période, sans indemnité, non comptés"),
                &format!("{w}: {n} zondag(en) van de periode, zonder uitkering, niet geteld"),
                &format!("{w}: {n} Sonntag(e) des Zeitraums, ohne Krankengeld, nicht gezählt"),
            ));
        }
    }
    if !events.is_empty() {
        out.push_str(&format!("\n{}\n", t("Jours non comptés :", "Niet getelde dagen:", "Nicht gezählte Tage:")));
        for e in events {
            out.push_str(&format!("  - {e}\n"));
        }
    }
    out.push_str(&format!(
        "\n{} {} × {}.\n",
        t(
            "Montant d'une incapacité due :",
            "Bedrag van een verschuldigde ongeschiktheid:",
            "Betrag einer geschuldeten Arbeitsunfähigkeit:"
        ),
        percent(&a.rules.solidarity.rate_percent),
        t(
            "indemnité journalière × jours indemnisés de la période couverte",
            "dagelijkse uitkering × vergoede dagen van de gedekte periode",
            "Krankengeld × entschädigte Tage des erfassten Zeitraums"
        ),
    ));
    // Each reason that applies to one of its incapacities, with its own source; reasons
    // resting on the same act and article are listed together.
    // "Due" is the outcome, not a reason.
    let mut seen: Vec<Status> = mine.iter().map(|i| i.status).filter(|s| *s != Status::Due).collect();
    seen.sort();
    seen.dedup();
    let mut by_source: Vec<(String, Vec<String>)> = Vec::new();
    for s in seen {
        let mut sources: Vec<&str> = s.parameters().iter().map(|p| a.rules.citation_of(p, lang)).collect();
        sources.dedup();
        let source = sources.join("; ");
        match by_source.iter_mut().find(|(c, _)| *c == source) {
            Some((_, statuses)) => statuses.push(status_words(s, a, lang)),
            None => by_source.push((source, vec![status_words(s, a, lang)])),
        }
    }
    for (source, statuses) in by_source {
        out.push_str(&format!("\n{source}:\n"));
        for s in statuses {
            out.push_str(&format!("  - {s}\n"));
        }
    }
    let basis = super::SOLIDARITY.wing().basis(&a.rules, lang);
    out.push_str(&format!("\n{}\n  {basis}\n", t("Base légale :", "Rechtsgrond:", "Rechtsgrundlage:")));
    out
}
