//! The levy's notices (§11): for each employer warned or liable (loi-programme du 27
//! décembre 2021, art. 145: the office informs in advance the employers whose inflow
//! evolves unfavourably), one printable page in its language, with its figures, the sector
//! group used and why, and what is due and when.

use serde::Serialize;

use crate::error::Result;
use crate::html::letters::{head, render, Head, Office, Recipient};
use crate::parse::format_micro;
use crate::words::*;

use super::assess::{Assessment, EmployerRow};
use super::reference::Reference;
use super::warnings::Warning;

#[derive(Serialize)]
struct Row {
    quarter: String,
    entries: i64,
    fte: String,
    ratio: String,
}

#[derive(Serialize)]
struct Letter {
    #[serde(flatten)]
    head: Head,
    intro: String,
    rows: Vec<Row>,
    ratio: String,
    sector: String,
    sector_note: String,
    sector_ratio: String,
    sector_multiple: String,
    sector_threshold: String,
    private_ratio: String,
    private_multiple: String,
    private_threshold: String,
    meaning: String,
    thresholds: String,
    basis: String,
}

/// Why the sector group is the one used: the levels tried that held too few employers to
/// compare with (art. 142 §1: fewer than ten points of comparison on four digits, then
/// three, and so on). Empty when the first level qualified.
fn sector_note(e: &EmployerRow, min: u64, lang: &str) -> String {
    let fell: Vec<&crate::levy::sector::LevelTried> = e.sector.tried.iter().filter(|t| !t.qualifies).collect();
    if fell.is_empty() || !e.sector.found {
        return String::new();
    }
    let list = |digits: &str, employers: &str| -> String {
        fell.iter()
            .map(|t| format!("{} {digits} ({}) : {} {employers}", t.level, t.group, t.employers))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (level, group) = (e.sector.level, &e.sector.group);
    match lang {
        "nl" => format!(
            "Uw sector telt te weinig werkgevers om mee te vergelijken (minstens {min} nodig) op {}: de vergelijking gebeurt daarom met de NACE-groep op {level} cijfers ({group}).",
            list("cijfers", "werkgevers").replace(" : ", ": ")
        ),
        "de" => format!(
            "Ihr Sektor zählt zu wenige Arbeitgeber für einen Vergleich (mindestens {min} erforderlich) auf {}: der Vergleich erfolgt daher mit der NACE-Gruppe auf {level} Stellen ({group}).",
            list("Stellen", "Arbeitgeber").replace(" : ", ": ")
        ),
        _ => format!(
            "Votre secteur compte trop peu d'employeurs pour une comparaison (au moins {min} requis) à {} ; la comparaison se fait donc avec le groupe NACE à {level} chiffres ({group}).",
            list("chiffres", "employeurs")
        ),
    }
}

/// The notice of one employer warned or liable under the levy, in its language: a levy
/// notice for W1 (liable), a prior warning for W2 and W3.
pub fn letter(a: &Assessment, e: &EmployerRow, office: &Office, to: &Recipient<'_>) -> Result<Option<String>> {
    let Some(w) = e.warning else { return Ok(None) };
    let lang = language(to.language.or(e.language.as_deref()));
    let r = &a.rules.levy;
    let (quarter, due_quarter) = (a.quarter(), a.due_quarter());
    let (q, due) = (quarter_words(quarter, lang), quarter_words(due_quarter, lang));
    let reference = Reference::of(quarter);
    let rows = (0..4)
        .map(|k| {
            let (n, d) = (e.pool.entries[k], e.pool.fte[k]);
            Row {
                quarter: quarter_words(reference.quarter(k), lang),
                entries: n,
                fte: comma(format_micro(d)),
                ratio: if d > 0 { comma(format!("{:.6}", n as f64 * 1e6 / d as f64)) } else { "—".into() },
            }
        })
        .collect();
    let levy = e.levy.map(|c| euros(c, lang)).unwrap_or_default();
    let wage_q = quarter_words(reference.wage_quarter(), lang);
    // The levy falls due payment_lag quarters after the assessed quarter (§3.6).
    let later = quarters_later(lang, r.payment_lag);
    let (rate, sf, pf) =
        (percent(&r.rate_percent), comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()));
    let (wsf, wpf) = (comma(r.warn_sector_factor.to_string()), comma(r.warn_private_factor.to_string()));
    let title = match (lang, w) {
        ("nl", Warning::W1) => "Bericht responsabiliseringsbijdrage",
        ("nl", _) => "Voorafgaande waarschuwing — responsabiliseringsbijdrage",
        ("de", Warning::W1) => "Mitteilung Verantwortungsbeitrag",
        ("de", _) => "Vorabwarnung — Verantwortungsbeitrag",
        (_, Warning::W1) => "Avis de cotisation de responsabilisation",
        (_, _) => "Avertissement préalable — cotisation de responsabilisation",
    };
    let (intro, meaning, thresholds) = match lang {
        "nl" => (
            format!("De RSZ berekent elk kwartaal de instroom in invaliditeit van de werknemers van elke werkgever uit de privésector en vergelijkt die met zijn sector en met de hele privésector. Hieronder vindt u uw cijfers voor het {q}."),
            match w {
                Warning::W1 => format!("Uw instroom overschrijdt beide drempels: u bent de responsabiliseringsbijdrage van {levy} verschuldigd ({rate} van uw lonen van het {wage_q}), te innen in het {due}."),
                Warning::W2 => format!("U bent één getelde intrede verwijderd van de bijdrage: uw verhouding overschrijdt beide drempels al. Met één intrede meer zou een bijdrage van {rate} van uw kwartaallonen worden geïnd in het {due}. Dit is een waarschuwing: er is niets verschuldigd."),
                Warning::W3 => format!("Uw instroom nadert de drempels. Bereikt hij {sf}× uw sector en {pf}× de privésector, dan wordt een bijdrage van {rate} van uw kwartaallonen geïnd {later} (voor dit kwartaal: in het {due}). Dit is een waarschuwing: er is niets verschuldigd."),
            },
            format!("Drempels: minstens {} getelde intredes, {sf}× de verhouding van de sector en {pf}× die van de privésector; waarschuwing vanaf {wsf}× en {wpf}×.", r.min_cases),
        ),
        "de" => (
            format!("Das LSS berechnet jedes Quartal den Eintritt der Arbeitnehmer jedes Arbeitgebers des Privatsektors in die Invalidität und vergleicht ihn mit seinem Sektor und dem gesamten Privatsektor. Hier sind Ihre Zahlen für das {q}."),
            match w {
                Warning::W1 => format!("Ihr Eintritt übersteigt beide Schwellen: Sie schulden den Verantwortungsbeitrag von {levy} ({rate} Ihrer Löhne des {wage_q}), erhoben im {due}."),
                Warning::W2 => format!("Ihnen fehlt ein einziger gezählter Eintritt bis zum Beitrag: Ihr Verhältnis übersteigt beide Schwellen bereits. Mit einem Eintritt mehr würde ein Beitrag von {rate} Ihrer Quartalslöhne im {due} erhoben. Dies ist eine Warnung: es ist nichts geschuldet."),
                Warning::W3 => format!("Ihr Eintritt nähert sich den Schwellen. Erreicht er das {sf}-fache Ihres Sektors und das {pf}-fache des Privatsektors, wird ein Beitrag von {rate} Ihrer Quartalslöhne {later} erhoben (für dieses Quartal: im {due}). Dies ist eine Warnung: es ist nichts geschuldet."),
            },
            format!("Schwellen: mindestens {} gezählte Eintritte, das {sf}-fache des Verhältnisses des Sektors und das {pf}-fache des Privatsektors; Warnung ab dem {wsf}- und {wpf}-fachen.", r.min_cases),
        ),
        _ => (
            format!("L'ONSS calcule chaque trimestre l'entrée en invalidité des travailleurs de chaque employeur du secteur privé et la compare à celle de son secteur et de l'ensemble du secteur privé. Voici vos chiffres pour le {q}."),
            match w {
                Warning::W1 => format!("Votre entrée en invalidité dépasse les deux seuils : vous êtes redevable de la cotisation de responsabilisation de {levy} ({rate} de vos salaires du {wage_q}), perçue au {due}."),
                Warning::W2 => format!("Il ne vous manque qu'une entrée comptée pour être redevable : votre rapport dépasse déjà les deux seuils. Une entrée de plus entraînerait une cotisation de {rate} de vos salaires trimestriels, perçue au {due}. Ceci est un avertissement : rien n'est dû."),
                Warning::W3 => format!("Votre entrée en invalidité approche des seuils. Si elle atteignait {sf} fois celle de votre secteur et {pf} fois celle du secteur privé, une cotisation de {rate} de vos salaires trimestriels serait perçue {later} (pour ce trimestre : au {due}). Ceci est un avertissement : rien n'est dû."),
            },
            format!("Seuils : au moins {} entrées comptées, {sf} fois le rapport du secteur et {pf} fois celui du secteur privé ; avertissement à partir de {wsf} et {wpf} fois.", r.min_cases),
        ),
    };
    let letter = Letter {
        head: head(lang, office, to, quarter, "RESP", title.to_string()),
        intro,
        rows,
        ratio: ratio(e.ratio),
        sector: e.sector.group.to_string(),
        sector_note: sector_note(e, r.min_sector_employers, lang),
        sector_ratio: ratio(e.sector_ratio),
        sector_multiple: multiple(e.sector_multiple),
        sector_threshold: format!("{sf}× / {wsf}×"),
        private_ratio: ratio(a.private_ratio),
        private_multiple: multiple(e.private_multiple),
        private_threshold: format!("{pf}× / {wpf}×"),
        meaning,
        thresholds,
        basis: super::LEVY.wing().basis(&a.rules, lang),
    };
    render(&letter).map(Some)
}
