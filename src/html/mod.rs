//! Reports people look at (§11): `report.html` beside the CSV files of every assessed
//! quarter — one self-contained page (no script, no fetched resource: every plot is inline
//! SVG drawn by the template) — and the warning letters. Pages are rendered from
//! templates (`templates/*.html`, embedded) with minijinja, which escapes every value. The
//! chart and table pieces are here; each contribution's page is in its own file (`levy.rs`,
//! `solidarity.rs`), the notices in `letters.rs`.

pub mod letters;
pub mod office;

use minijinja::value::Serde;
use minijinja::Environment;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::parse::format_cents;

const REPORT: &str = include_str!("../../templates/report.html");

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BarRow {
    pub label: String,
    pub value: String,
    pub y: u32,
    pub width: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bars {
    pub title: String,
    pub note: String,
    pub height: u32,
    pub rows: Vec<BarRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub cx: f64,
    pub cy: f64,
    pub class: &'static str,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub class: &'static str,
    pub label: String,
    pub lx: f64,
    pub ly: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub anchor: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scatter {
    pub title: String,
    pub note: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub ticks: Vec<Tick>,
    pub rules: Vec<Rule>,
    pub marks: Vec<Mark>,
    pub count: usize,
    /// What each colour means: (class, words).
    pub legend: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub cx: f64,
    pub cy: f64,
    pub label: String,
    pub value: String,
    /// The series' class (`levy`, `solidarity`).
    pub class: String,
}

/// One contribution's amounts over the run's quarters.
#[derive(Debug, Clone, Serialize)]
pub struct TrendSeries {
    pub class: String,
    pub polyline: String,
}

/// The trend over a run's quarters: a series per contribution, each on its own scale,
/// the change of law marked between them; value labels written upwards from their point
/// and quarter labels turned when the quarters are close, so that none overlaps or clips.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub title: String,
    pub note: String,
    pub height: f64,
    /// The y of the axis.
    pub base: f64,
    pub points: Vec<TrendPoint>,
    pub series: Vec<TrendSeries>,
    /// The x of each change of law between two points.
    pub changes: Vec<f64>,
    /// Quarter labels turned a quarter round (many quarters).
    pub turned: bool,
}

/// One quarter's amount under one contribution, for the trend.
#[derive(Debug, Clone)]
pub struct TrendValue {
    pub quarter: String,
    /// The contribution's short name (the series and its colour) and its name.
    pub series: &'static str,
    pub name: &'static str,
    pub cents: i64,
}

/// One input's rows, for the page's data-quality panel (§6).
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub input: String,
    pub read: String,
    pub used: String,
    pub rejected: String,
    /// The most frequent reasons, with their counts.
    pub reasons: Vec<(String, String)>,
}

/// The data-quality panel of a run's inputs.
pub fn quality(inputs: &std::collections::BTreeMap<&'static str, crate::input::rejects::InputCounts>) -> Vec<Quality> {
    use crate::parse::thousands;
    inputs
        .iter()
        .map(|(name, c)| Quality {
            input: name.to_string(),
            read: thousands(c.read),
            used: thousands(c.used),
            rejected: thousands(c.rejected),
            reasons: c.rejected_by_reason.iter().take(8).map(|(r, n)| (r.clone(), thousands(*n))).collect(),
        })
        .collect()
}

/// A table of the page, its numeric columns aligned right.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub note: String,
    pub header: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// One page: what a director reads in a minute.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub title: String,
    pub subtitle: String,
    pub figures: Vec<Figure>,
    pub scatter: Option<Scatter>,
    pub charts: Vec<Bars>,
    pub trend: Option<Trend>,
    /// The inputs' rows read, used and rejected, the rejects by reason (§6).
    pub quality: Vec<Quality>,
    /// What §6 lists without refusing: the volumes of the quarters read, the employers
    /// with a gap, those liable for nothing who get no notice.
    pub quality_notes: Vec<String>,
    /// Tables of rows (a regularisation's changes, §12).
    pub tables: Vec<Table>,
    pub footer: String,
    /// The amounts the trend plots (not rendered).
    #[serde(skip)]
    pub trend_values: Vec<TrendValue>,
}

/// The templates, parsed once per process.
pub(crate) fn templates() -> Result<&'static Environment<'static>> {
    static ENV: std::sync::OnceLock<std::result::Result<Environment<'static>, String>> = std::sync::OnceLock::new();
    let env = ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.add_template("report.html", REPORT).map_err(|e| e.to_string())?;
        env.add_template("letter.html", letters::LETTER).map_err(|e| e.to_string())?;
        Ok(env)
    });
    env.as_ref().map_err(|e| Error::Other(anyhow::anyhow!("templates: {e}")))
}

pub fn render(page: &Page) -> Result<String> {
    let t = templates()?.get_template("report.html").map_err(template_error)?;
    t.render(Serde(page)).map_err(template_error)
}

fn template_error(e: minijinja::Error) -> Error {
    Error::Other(anyhow::anyhow!("report template: {e}"))
}

pub(super) fn figure(label: &str, value: impl ToString) -> Figure {
    Figure { label: label.to_string(), value: value.to_string() }
}

pub fn euros(cents: i64) -> String {
    let s = format_cents(cents);
    let (int, dec) = s.split_once('.').unwrap_or((&s, "00"));
    let neg = int.starts_with('-');
    let out = crate::parse::group_thousands(int.trim_start_matches('-'), ',');
    // A non-breaking space: an amount never wraps between its sign and its figures.
    format!("€\u{a0}{}{out}.{dec}", if neg { "-" } else { "" })
}

/// What changed against the quarter before in the run (§11): the employers owing in
/// either quarter (`before`, `after`: employer → cents), newly owing, no longer owing, and
/// the amounts of those owing in both.
pub fn change_table(
    previous: crate::quarter::Quarter,
    before: &std::collections::BTreeMap<String, i64>,
    after: &std::collections::BTreeMap<String, i64>,
    owing: &str,
) -> Table {
    let sum = |m: &std::collections::BTreeMap<String, i64>, keep: &dyn Fn(&String) -> bool| -> (usize, i64) {
        m.iter().filter(|(k, _)| keep(k)).fold((0, 0), |(n, c), (_, v)| (n + 1, c + v))
    };
    let new = sum(after, &|k| !before.contains_key(k));
    let gone = sum(before, &|k| !after.contains_key(k));
    let stay_before = sum(before, &|k| after.contains_key(k));
    let stay_after = sum(after, &|k| before.contains_key(k));
    let total = (sum(before, &|_| true), sum(after, &|_| true));
    debug_assert_eq!(stay_before.0, stay_after.0);
    let row = |what: String, n: usize, b: i64, a: i64| {
        vec![what, crate::parse::thousands(n as u64), euros(b), euros(a), euros(a - b)]
    };
    Table {
        id: "change".into(),
        title: format!("Against {previous}"),
        note: format!("Employers {owing} in {previous} or in this quarter, and what they owe."),
        header: ["", "employers", &format!("{previous}"), "this quarter", "change"].map(String::from).to_vec(),
        numeric: vec![false, true, true, true, true],
        rows: vec![
            row(format!("newly {owing}"), new.0, 0, new.1),
            row(format!("no longer {owing}"), gone.0, gone.1, 0),
            row(format!("{owing} in both quarters"), stay_after.0, stay_before.1, stay_after.1),
            row("in all".into(), new.0 + gone.0 + stay_after.0, total.0 .1, total.1 .1),
        ],
    }
}

/// The rows a page's table shows; the CSV beside it holds them all.
pub(super) const SHOWN: usize = 100;

/// Horizontal bars scaled to the largest value.
pub fn bars(title: &str, note: &str, rows: Vec<(String, f64, String)>) -> Bars {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let rows: Vec<BarRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, v, value))| BarRow {
            label,
            value,
            y: 6 + 24 * i as u32,
            width: if max > 0.0 { (v / max * 440.0).max(if v > 0.0 { 1.0 } else { 0.0 }) } else { 0.0 },
        })
        .collect();
    Bars { title: title.into(), note: note.into(), height: 12 + 24 * rows.len() as u32, rows }
}

/// The trend over the quarters of a run: a series per contribution, each scaled to its
/// own largest amount (the solidarity contribution is an order of magnitude above the
/// levy), a dashed line where the law changes from one to the other.
pub fn trend(title: &str, values: &[TrendValue]) -> Option<Trend> {
    if values.len() < 2 {
        return None;
    }
    let (left, right, top, base) = (70.0, 850.0, 125.0, 250.0);
    let step = (right - left) / (values.len() - 1) as f64;
    let max_of =
        |series: &str| values.iter().filter(|v| v.series == series).map(|v| v.cents).max().unwrap_or(0).max(1) as f64;
    let points: Vec<TrendPoint> = values
        .iter()
        .enumerate()
        .map(|(i, v)| TrendPoint {
            cx: (left + step * i as f64).round(),
            cy: (base - 10.0 - v.cents as f64 / max_of(v.series) * (base - 10.0 - top)).round(),
            label: v.quarter.clone(),
            value: euros(v.cents),
            class: v.series.to_string(),
        })
        .collect();
    let mut series: Vec<TrendSeries> = Vec::new();
    let mut changes = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let xy = format!("{},{}", p.cx, p.cy);
        match series.last_mut() {
            Some(s) if s.class == p.class => s.polyline = format!("{} {xy}", s.polyline),
            _ => {
                if i > 0 {
                    changes.push(((points[i - 1].cx + p.cx) / 2.0).round());
                }
                series.push(TrendSeries { class: p.class.clone(), polyline: xy });
            }
        }
    }
    let names: Vec<&str> = {
        let mut n: Vec<&str> = values.iter().map(|v| v.name).collect();
        n.dedup();
        n
    };
    let note = if changes.is_empty() {
        format!("{}, by quarter assessed.", names.join(", "))
    } else {
        format!(
            "Each contribution on its own scale: {}. The dashed line marks the change of law: the levy ends \
             with 2025Q4, the solidarity contribution starts with 2026Q1.",
            names.join(" (blue), then ") + " (green)"
        )
    };
    // Quarter labels side by side need about 44 px each.
    let turned = step < 44.0;
    let height = if turned { base + 60.0 } else { base + 30.0 };
    Some(Trend { title: title.into(), note, height, base, points, series, changes, turned })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_against_the_quarter_before_counts_new_gone_and_kept() {
        let m = |v: &[(&str, i64)]| v.iter().map(|(k, c)| (k.to_string(), *c)).collect();
        let q = crate::quarter::Quarter::new(2023, 3).expect("a quarter");
        let t = change_table(q, &m(&[("A", 10_000), ("B", 5_000)]), &m(&[("B", 7_000), ("C", 3_000)]), "liable");
        let cell = |r: usize, c: usize| t.rows[r][c].as_str();
        assert_eq!((cell(0, 1), cell(0, 3)), ("1", "€\u{a0}30.00"), "C newly liable");
        assert_eq!((cell(1, 1), cell(1, 2)), ("1", "€\u{a0}100.00"), "A no longer liable");
        assert_eq!((cell(2, 1), cell(2, 4)), ("1", "€\u{a0}20.00"), "B: 50 → 70");
        assert_eq!((cell(3, 1), cell(3, 4)), ("3", "€\u{a0}-50.00"), "in all: 150 → 100");
    }

    #[test]
    fn the_trend_has_a_series_per_contribution_and_marks_the_change_of_law() {
        let (levy, solidarity) = (("levy", "the levy"), ("solidarity", "the solidarity contribution"));
        let v = |q: &str, (series, name): (&'static str, &'static str), cents| TrendValue {
            quarter: q.into(),
            series,
            name,
            cents,
        };
        let values = [v("2025Q3", levy, 100), v("2025Q4", levy, 200), v("2026Q1", solidarity, 3000)];
        let t = trend("t", &values).expect("a trend");
        assert_eq!(t.series.len(), 2);
        assert_eq!(t.changes.len(), 1, "one change of law");
        assert!(t.changes[0] > t.points[1].cx && t.changes[0] < t.points[2].cx, "between 2025Q4 and 2026Q1");
        assert_eq!(t.points[1].cy, t.points[2].cy, "each series on its own scale: both at their top");
    }
}
