//! The sector funds' ledger (§10): one row per event of a joint committee's fund,
//! `joint_committee, date, event, amount, reference`, where `event` is `request`,
//! `payment`, `allocation` or `return` and `reference` is the notice year the event
//! concerns (`2023`: the receipts of 2023, notified by 15 February 2024) — our reading of
//! the reference column. Row faults (§6) go to `rejects.csv`: an unparseable or
//! missing field, an unknown event, a negative amount, a reference that is not a year.
//! The checks that need the notices (an unknown committee, a payment without a request,
//! more paid than available, a late request) are made by [`crate::levy::funds`].

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

use super::rejects::{Reject, TextRow};

/// One ledger row whose fields parse.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub line: i64,
    pub joint_committee: String,
    pub date: i32,
    pub event: Event,
    pub cents: i64,
    pub notice_year: i32,
}

const COLUMNS: [&str; 5] = ["joint_committee", "date", "event", "amount", "reference"];

/// Reads the ledger; a missing file or column is a structural error (exit 2).
pub fn load(path: &Path) -> Result<(Vec<LedgerRow>, Vec<Reject>, u64)> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::at(path, None, None, format!("cannot open: {e}")))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::at(path, Some(1), None, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut pos = [0usize; 5];
    for (k, c) in COLUMNS.iter().enumerate() {
        pos[k] = header.iter().position(|h| h == c).ok_or_else(|| {
            Error::at(path, Some(1), Some(c), format!("missing required column; the header has: {}", header.join(", ")))
        })?;
    }
    let file = path.display().to_string();
    let (mut rows, mut rejects, mut read) = (Vec::new(), Vec::new(), 0u64);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::at(path, e.position().map(|p| p.line()), None, e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line()) as i64;
        read += 1;
        let f = |k: usize| rec.get(pos[k]).map(str::trim).filter(|s| !s.is_empty());
        let r = TextRow::new(|name: &str| COLUMNS.iter().position(|c| *c == name).and_then(f));
        let parsed = (|| -> std::result::Result<LedgerRow, String> {
            let joint_committee = r.text("joint_committee")?.to_string();
            let date = r.date("date")?;
            let event = r.text("event")?;
            let event = Event::parse(event).ok_or_else(|| {
                format!("event: unknown event '{event}' (expected request, payment, allocation or return)")
            })?;
            let cents = r.money("amount")?;
            let notice_year = f(4)
                .filter(|s| s.len() == 4)
                .and_then(|s| s.parse::<i32>().ok())
                .ok_or_else(|| "reference: not a notice year (YYYY)".to_string())?;
            Ok(LedgerRow { line, joint_committee, date, event, cents, notice_year })
        })();
        match parsed {
            Ok(r) => rows.push(r),
            Err(reason) => rejects.push(Reject::new(file.clone(), line, reason)),
        }
    }
    Ok((rows, rejects, read))
}

/// A ledger event (§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Request,
    Payment,
    Allocation,
    Return,
}

impl Event {
    pub fn parse(s: &str) -> Option<Event> {
        match s {
            "request" => Some(Event::Request),
            "payment" => Some(Event::Payment),
            "allocation" => Some(Event::Allocation),
            "return" => Some(Event::Return),
            _ => None,
        }
    }
}
