//! Synthetic incapacities for the solidarity contribution (§8.1), calibrated as the
//! README says: the rate and age profile of primary incapacities, their durations,
//! part-time resumptions, worker types, recognised disabilities and daily benefits.

use std::io::Write;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::parse::format_cents;
use crate::quarter::{format_date, Quarter};

use super::{poisson, Columns, Employer, Occupant, Rows};

/// Primary incapacities of 31 days or more per worker and quarter, before the age profile
/// (about 1.3 % of workers a quarter after it), and the share of shorter ones reported.
const INCAPACITY_RATE: f64 = 0.0115;
/// Relative incidence by age band: long incapacity grows with age.
fn incidence(age: f64) -> f64 {
    match age as u32 {
        0..=29 => 0.7,
        30..=44 => 1.0,
        45..=54 => 1.35,
        _ => 1.7,
    }
}
/// Assumed bounds of the daily sickness benefit in 2026 (about 60 % of the capped daily
/// wage at the top; a floor for low and part-time wages). Calibration, not law.
const BENEFIT_MIN_CENTS: i64 = 3_500;
const BENEFIT_MAX_CENTS: i64 = 10_700;

/// One generated incapacity row.
struct SynthIncapacity {
    worker: String,
    start: i32,
    end: Option<i32>,
    birth: i32,
    service: i32,
    worker_type: &'static str,
    disability: bool,
    resumption: Option<i32>,
    benefit: i64,
}

/// The incapacities of one employer starting in quarter `q` (§8.1): ages 16–64,
/// durations of which many end in the window (days 31–90), some by day 30 and some run
/// on, part-time resumptions, worker types (statutory staff at public employers),
/// recognised disabilities, and a daily benefit of 60 % of the daily wage within bounds.
pub(super) fn incapacities(
    e: &Employer,
    q: Quarter,
    slots: &[Occupant],
    rng: &mut ChaCha8Rng,
    rows: &mut Rows,
    cols: Option<&mut Columns>,
) {
    let lambda = INCAPACITY_RATE * 1.7 * e.size as f64;
    let n = poisson(rng, lambda).min(e.size);
    let mut taken = std::collections::BTreeSet::new();
    let mut out: Vec<SynthIncapacity> = Vec::new();
    for _ in 0..n {
        let s = rng.gen_range(0..e.size as usize);
        let age = 16.5 + 48.0 * rng.gen::<f64>().powf(0.9);
        // The age profile: keep the draw with probability incidence / 1.7.
        if rng.gen::<f64>() * 1.7 > incidence(age) || !taken.insert(s) {
            continue;
        }
        let o = &slots[s];
        let worker = format!("{}.{s}.{}", e.id, o.generation);
        let span = (q.last_day() - q.first_day()) as u32 + 1;
        let start = q.first_day() + rng.gen_range(0..span) as i32;
        let birth = start - (age * 365.25) as i32 - rng.gen_range(0..365);
        let service = o.hired.min(start);
        // Durations: 20 % end by day 30, 45 % within the window, 35 % beyond (a fifth of
        // those still running).
        let roll: f64 = rng.gen();
        let (end, days) = if roll < 0.20 {
            let d = rng.gen_range(14..=30);
            (Some(start + d - 1), d)
        } else if roll < 0.65 {
            let d = rng.gen_range(31..=91);
            (Some(start + d - 1), d)
        } else if rng.gen::<f64>() < 0.2 {
            (None, 400)
        } else {
            let d = rng.gen_range(92..=400);
            (Some(start + d - 1), d)
        };
        let resumption = (days > 45 && rng.gen::<f64>() < 0.10).then(|| start + rng.gen_range(31..=days.min(120)) - 1);
        let worker_type = if !e.private {
            if rng.gen::<f64>() < 0.65 {
                "statutory"
            } else {
                "ordinary"
            }
        } else {
            let t: f64 = rng.gen();
            match t {
                t if t < 0.890 => "ordinary",
                t if t < 0.920 => "temporary_agency",
                t if t < 0.945 => "flexi_job",
                t if t < 0.965 => "student",
                t if t < 0.980 => "occasional",
                t if t < 0.995 => "apprentice",
                _ => "foster_parent",
            }
        };
        let disability = rng.gen::<f64>() < 0.03;
        let daily = (o.wage_cents as f64 / 78.0 * 0.6) as i64;
        let benefit = daily.clamp(BENEFIT_MIN_CENTS, BENEFIT_MAX_CENTS);
        out.push(SynthIncapacity { worker, start, end, birth, service, worker_type, disability, resumption, benefit });
    }
    if let Some(c) = cols {
        for x in out {
            c.inc[0].push(x.worker);
            c.inc[1].push(e.id.clone());
            c.inc[2].push(x.worker_type.to_string());
            for (k, d) in [x.start, x.birth, x.service].into_iter().enumerate() {
                c.inc_dates[k].push(d);
            }
            c.inc_optional[0].push(x.end);
            c.inc_optional[1].push(x.resumption);
            c.inc_disability.push(x.disability);
            c.inc_benefit.push(x.benefit as f64 / 100.0);
        }
        return;
    }
    for x in out {
        let opt = |d: Option<i32>| d.map(format_date).unwrap_or_default();
        let _ = writeln!(
            rows.incapacity,
            "{},{},{},{},{},{},{},{},{},{}",
            x.worker,
            e.id,
            format_date(x.start),
            opt(x.end),
            format_date(x.birth),
            format_date(x.service),
            x.worker_type,
            x.disability,
            opt(x.resumption),
            format_cents(x.benefit)
        );
        rows.incapacity_rows += 1;
    }
}
