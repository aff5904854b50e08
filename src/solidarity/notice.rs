//! The solidarity contribution's notices (§11): for each employer owing it, one printable
//! page in its language with its due incapacities, their windows, indemnified days and
//! amounts, the total and the quarter it is collected in.

use serde::Serialize;

use crate::error::Result;
use crate::html::letters::{head, render, Head, Office, Recipient};
use crate::words::*;

/// One incapacity of a solidarity notice.
#[derive(Serialize)]
struct IncapacityLine {
    worker: String,
    start: String,
    window: String,
    days: i64,
    benefit: String,
    amount: String,
}

#[derive(Serialize)]
struct Notice {
    #[serde(flatten)]
    head: Head,
    intro: String,
    incapacities: Vec<IncapacityLine>,
    total: String,
    due: String,
    basis: String,
}

/// The notice of one employer owing the solidarity contribution (§8), in its language:
/// its due incapacities with their windows, indemnified days and amounts, the total and
/// the quarter it is collected in. `None` when it owes nothing.
pub fn notice(
    a: &crate::solidarity::assess::Assessment,
    due_rows: &[&crate::solidarity::assess::Incapacity],
    office: &Office,
    to: &Recipient<'_>,
) -> Result<Option<String>> {
    if due_rows.is_empty() {
        return Ok(None);
    }
    let lang = language(to.language);
    let r = &a.rules.solidarity;
    let (quarter, due_quarter) = (a.quarter(), a.due_quarter());
    let (q, due) = (quarter_words(quarter, lang), quarter_words(due_quarter, lang));
    let total: i64 = due_rows.iter().map(|i| i.contribution).sum();
    let (rate, months, day) = (percent(&r.rate_percent), r.window_months, r.window_first_day.saturating_sub(1));
    let min = r.min_workers;
    let incapacities = due_rows
        .iter()
        .map(|i| IncapacityLine {
            worker: i.row.worker_id.clone(),
            start: day_month_year(i.row.incapacity_start),
            window: format!("{} – {}", day_month_year(i.window.start), day_month_year(i.window.end)),
            days: i.days.indemnified,
            benefit: euros(i.row.daily_benefit, lang),
            amount: euros(i.contribution, lang),
        })
        .collect();
    let amount = euros(total, lang);
    let (title, intro) = match lang {
        "nl" => ("Bericht solidariteitsbijdrage", format!("De werkgever van minstens {min} werknemers betaalt een solidariteitsbijdrage van {rate} van de ziekte-uitkering van de {months} maanden na de {day}ste dag van een primaire arbeidsongeschiktheid van zijn werknemers. Voor de arbeidsongeschiktheden die begonnen in het {q} bent u {amount} verschuldigd, te innen in het {due}.")),
        "de" => ("Mitteilung Solidaritätsbeitrag", format!("Der Arbeitgeber mit mindestens {min} Arbeitnehmern zahlt einen Solidaritätsbeitrag von {rate} des Krankengeldes der {months} Monate nach dem {day}. Tag einer primären Arbeitsunfähigkeit seiner Arbeitnehmer. Für die im {q} begonnenen Arbeitsunfähigkeiten schulden Sie {amount}, erhoben im {due}.")),
        _ => ("Avis de cotisation de solidarité", format!("L'employeur d'au moins {min} travailleurs verse une cotisation de solidarité de {rate} de l'indemnité de maladie des {months} mois qui suivent le {day}e jour d'une incapacité primaire de ses travailleurs. Pour les incapacités ayant commencé au {q}, vous êtes redevable de {amount}, perçus au {due}.")),
    };
    let notice = Notice {
        head: head(lang, office, to, quarter, "SOLI", title.to_string()),
        intro,
        incapacities,
        total: amount,
        due,
        basis: super::SOLIDARITY.wing().basis(&a.rules, lang),
    };
    render(&notice).map(Some)
}
