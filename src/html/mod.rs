//! Reports people look at (§11): `report.html` beside the CSV files of every assessed
//! quarter — one self-contained page (no script, no fetched resource: every plot is inline
//! SVG drawn by the template) — and the warning letters. Pages are rendered from
//! templates (`templates/*.html`, embedded) with minijinja, which escapes every value.

pub mod letters;

use minijinja::value::Serde;
use minijinja::Environment;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::levy::assess::Assessment;
use crate::levy::status::Status;
use crate::parse::format_cents;
use crate::report::fmt_ratio;
use crate::solidarity::assess::Assessment as SolidarityAssessment;
use crate::solidarity::status::Status as SolidarityStatus;

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
    pub contribution: crate::contribution::Contribution,
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

fn figure(label: &str, value: impl ToString) -> Figure {
    Figure { label: label.to_string(), value: value.to_string() }
}

pub fn euros(cents: i64) -> String {
    let s = format_cents(cents);
    let (int, dec) = s.split_once('.').unwrap_or((&s, "00"));
    let neg = int.starts_with('-');
    let out = crate::parse::group_thousands(int.trim_start_matches('-'), ',');
    format!("€ {}{out}.{dec}", if neg { "-" } else { "" })
}

/// A levy status in words (§3.5), with the rule set's thresholds: what a reader of the
/// page understands without the code.
pub fn levy_status_words(s: Status, r: &crate::rules::LevyRules) -> String {
    match s {
        Status::OutOfScope => "out of scope (public sector)".into(),
        Status::ShelteredWorkshop => "sheltered workshop".into(),
        Status::SmallEmployer => format!("fewer than {} workers", r.min_workers),
        Status::FewerThanMinCases => format!("fewer than {} entries into invalidity", r.min_cases),
        Status::NoReferenceEmployment => "no reference employment".into(),
        Status::SectorTooSmall => "sector too small to compare".into(),
        Status::BelowSectorMultiple => format!("below {}× its sector", r.sector_factor),
        Status::BelowPrivateMultiple => format!("below {}× the private sector", r.private_factor),
        Status::Liable => "liable".into(),
    }
}

/// A solidarity status in words (§8.2), with the rule set's thresholds.
pub fn solidarity_status_words(s: SolidarityStatus, r: &crate::rules::SolidarityRules) -> String {
    match s {
        SolidarityStatus::ShelteredWorkshop => "sheltered workshop".into(),
        SolidarityStatus::SmallEmployer => format!("employer of fewer than {} workers", r.min_workers),
        SolidarityStatus::ExcludedWorkerType => "worker type not covered".into(),
        SolidarityStatus::DisabilityRecognised => "recognised work disability".into(),
        SolidarityStatus::AgeOutOfRange => format!("age outside {}–{}", r.min_age, r.max_age),
        SolidarityStatus::ShortService => format!("less than {} month(s) of service", r.min_service_months),
        SolidarityStatus::NoIndemnifiedDay => "no indemnified day in the window".into(),
        SolidarityStatus::Due => "due".into(),
    }
}

/// A whole number of workers as the page writes it (`1,000`).
fn count(x: f64) -> String {
    crate::parse::thousands(x.max(0.0) as u64)
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
const SHOWN: usize = 100;

/// A multiple as a page shows it: one decimal, `∞` for an infinite one.
fn multiple(m: Option<f64>) -> String {
    match m {
        None => String::new(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => format!("{v:.1}×"),
    }
}

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

/// A multiple on the log scale of the scatter: 0.1 .. 100, outside values at the edges.
fn log_pos(m: f64, from: f64, to: f64) -> f64 {
    let v = if m.is_infinite() { 100.0 } else { m.clamp(0.1, 100.0) };
    from + (v.log10() + 1.0) / 3.0 * (to - from)
}

/// The levy's page (§11): key figures, the status funnel, every employer of 50+
/// workers by sector and private multiple with the 2×/3× and 1.5×/2.5× lines, the
/// sectors with the highest ratios, the levy per joint committee.
pub fn levy_page(a: &Assessment) -> Page {
    let r = &a.rules.levy;
    let q = a.quarter();
    let figures = vec![
        figure("employers assessed", a.employers.len()),
        figure("liable", a.count(Status::Liable)),
        figure(&format!("levy total, due {}", a.due_quarter()), euros(a.levy_total())),
        figure(
            "warnings W1 / W2 / W3",
            format!(
                "{} / {} / {}",
                a.count_warning(crate::levy::warnings::Warning::W1),
                a.count_warning(crate::levy::warnings::Warning::W2),
                a.count_warning(crate::levy::warnings::Warning::W3)
            ),
        ),
        figure("private-sector ratio (entries per FTE)", format!("{:.6}", a.private_ratio.unwrap_or(0.0))),
    ];
    let funnel = bars(
        "Status funnel",
        "Each employer of the register gets the first status that applies, in this order.",
        Status::ALL
            .iter()
            .map(|s| (levy_status_words(*s, r), a.count(*s) as f64, crate::parse::thousands(a.count(*s) as u64)))
            .collect(),
    );
    // The scatter: the employers the comparison can make liable (private, not sheltered,
    // min_workers or more) with entries; those at the origin (no counted entry) and those
    // with an infinite multiple (a reference ratio of 0) are counted, not drawn.
    let (w, h, left, right, top, bottom) = (900.0, 560.0, 60.0, 880.0, 20.0, 520.0);
    let in_scope: Vec<&crate::levy::assess::EmployerRow> = a
        .employers
        .iter()
        .filter(|e| e.private_sector && !e.sheltered && e.headcount.at_least(r.min_workers))
        .collect();
    let finite = |m: Option<f64>| m.is_some_and(f64::is_finite);
    let at_origin = in_scope.iter().filter(|e| e.ratio == Some(0.0)).count();
    let no_ratio = in_scope.iter().filter(|e| e.ratio.is_none()).count();
    let infinite = in_scope
        .iter()
        .filter(|e| e.ratio.is_some_and(|x| x > 0.0) && !(finite(e.sector_multiple) && finite(e.private_multiple)))
        .count();
    let marks: Vec<Mark> = in_scope
        .iter()
        .filter(|e| e.ratio.is_some_and(|x| x > 0.0) && finite(e.sector_multiple) && finite(e.private_multiple))
        .map(|e| {
            let (sm, pm) = (e.sector_multiple.unwrap_or(0.0), e.private_multiple.unwrap_or(0.0));
            Mark {
                cx: (log_pos(sm, left, right) * 10.0).round() / 10.0,
                cy: (log_pos(pm, bottom, top) * 10.0).round() / 10.0,
                class: match (e.status, e.warning) {
                    (Status::Liable, _) => "emp liable",
                    (_, Some(_)) => "emp warned",
                    _ => "emp",
                },
                title: format!(
                    "{}: {} × sector, {} × private, {} entries — {}",
                    e.employer_id,
                    fmt_ratio(e.sector_multiple),
                    fmt_ratio(e.private_multiple),
                    e.pool.entries_total(),
                    levy_status_words(e.status, r)
                ),
            }
        })
        .collect();
    let x = |m: f64| log_pos(m, left, right);
    let y = |m: f64| log_pos(m, bottom, top);
    let (sf, pf, wsf, wpf) = (
        r.sector_factor.to_f64(),
        r.private_factor.to_f64(),
        r.warn_sector_factor.to_f64(),
        r.warn_private_factor.to_f64(),
    );
    let rules = vec![
        Rule {
            x1: x(sf),
            y1: top,
            x2: x(sf),
            y2: bottom,
            class: "rule",
            label: format!("{}× sector", r.sector_factor),
            lx: x(sf) + 4.0,
            ly: top + 12.0,
        },
        Rule {
            x1: left,
            y1: y(pf),
            x2: right,
            y2: y(pf),
            class: "rule",
            label: format!("{}× private", r.private_factor),
            lx: right - 80.0,
            ly: y(pf) - 4.0,
        },
        Rule {
            x1: x(wsf),
            y1: top,
            x2: x(wsf),
            y2: bottom,
            class: "rule warn",
            label: format!("{}×", r.warn_sector_factor),
            lx: x(wsf) - 28.0,
            ly: top + 12.0,
        },
        Rule {
            x1: left,
            y1: y(wpf),
            x2: right,
            y2: y(wpf),
            class: "rule warn",
            label: format!("{}×", r.warn_private_factor),
            lx: right - 40.0,
            ly: y(wpf) + 14.0,
        },
    ];
    let mut ticks = Vec::new();
    for (m, l) in [(0.1, "≤0.1"), (1.0, "1"), (10.0, "10"), (100.0, "≥100")] {
        ticks.push(Tick { x: x(m), y: bottom + 16.0, label: l.into(), anchor: "middle" });
        ticks.push(Tick { x: left - 6.0, y: y(m) + 4.0, label: l.into(), anchor: "end" });
    }
    ticks.push(Tick {
        x: (left + right) / 2.0,
        y: bottom + 34.0,
        label: "sector multiple (log scale)".into(),
        anchor: "middle",
    });
    ticks.push(Tick { x: left + 4.0, y: top - 6.0, label: "private multiple".into(), anchor: "start" });
    let count = marks.len();
    let scatter = Scatter {
        title: format!("Private employers of {}+ workers by sector and private multiple", r.min_workers),
        note: format!(
            "{count} employers with an entry drawn, of {} in scope (private, not sheltered, {}+ workers): {at_origin} \
             without a counted entry sit at the origin and are not drawn, {infinite} with an infinite multiple (their \
             sector's or the private ratio is 0) are not drawn, {no_ratio} without reference employment have no \
             ratio. Solid lines at {}× the sector and {}× the private sector, dashed at {}× and {}× (warnings).",
            in_scope.len(),
            r.min_workers,
            r.sector_factor,
            r.private_factor,
            r.warn_sector_factor,
            r.warn_private_factor
        ),
        legend: vec![
            ("emp liable", "liable".to_string()),
            ("emp warned", "warned (W2, W3): near the thresholds".to_string()),
            ("emp", format!("not liable (fewer than {} entries, or below a factor)", r.min_cases)),
        ],
        width: w,
        height: h + 20.0,
        left,
        right,
        top,
        bottom,
        ticks,
        rules,
        marks,
        count,
    };
    let mut top_sectors: Vec<&crate::levy::assess::SectorRow> = a
        .sectors
        .iter()
        .filter(|s| s.level == r.sector_levels[0] && s.employers >= r.min_sector_employers && s.ratio.is_some())
        .collect();
    top_sectors.sort_by(|a, b| {
        b.ratio.partial_cmp(&a.ratio).unwrap_or(std::cmp::Ordering::Equal).then(a.sector.cmp(&b.sector))
    });
    let sectors = bars(
        "Sectors with the highest inflow",
        &format!(
            "NACE-{} groups of at least {} base employers, by pooled ratio (entries per FTE).",
            r.sector_levels[0], r.min_sector_employers
        ),
        top_sectors
            .iter()
            .take(10)
            .map(|s| {
                (
                    format!("NACE {} ({} employers)", s.sector, s.employers),
                    s.ratio.unwrap_or(0.0),
                    format!("{:.5}", s.ratio.unwrap_or(0.0)),
                )
            })
            .collect(),
    );
    let committees = bars(
        "Levy per joint committee",
        "The levy split over the joint committees of the liable employers' lines.",
        a.receipts
            .iter()
            .map(|rc| (format!("committee {}", rc.joint_committee), rc.cents as f64, euros(rc.cents)))
            .collect(),
    );
    let mut liable: Vec<&crate::levy::assess::EmployerRow> =
        a.employers.iter().filter(|e| e.status == Status::Liable).collect();
    liable.sort_by(|x, y| y.levy.cmp(&x.levy).then_with(|| x.employer_id.cmp(&y.employer_id)));
    let liable_table = Table {
        id: "liable".into(),
        title: format!("Liable employers ({}), largest levy first", liable.len()),
        note: if liable.len() > SHOWN {
            format!("The {SHOWN} largest; every one is in levy.csv.")
        } else {
            "Every liable employer; the figures of every employer are in assessment.csv.".into()
        },
        header: ["employer", "sector group", "joint committee", "× sector", "× private", "wage base", "levy"]
            .map(String::from)
            .to_vec(),
        numeric: vec![false, false, false, true, true, true, true],
        rows: liable
            .iter()
            .take(SHOWN)
            .map(|e| {
                vec![
                    e.employer_id.clone(),
                    e.sector.group.clone(),
                    e.joint_committee.clone(),
                    multiple(e.sector_multiple),
                    multiple(e.private_multiple),
                    euros(e.wage_base),
                    euros(e.levy.unwrap_or(0)),
                ]
            })
            .collect(),
    };
    Page {
        title: format!("Cotisation de responsabilisation — {q}"),
        subtitle: format!(
            "Invalidity-inflow levy assessed for {q}, due {} (rule set {})",
            a.due_quarter(),
            a.rules.origin
        ),
        figures,
        scatter: Some(scatter),
        charts: vec![funnel, sectors, committees],
        trend: None,
        quality: Vec::new(),
        tables: vec![liable_table],
        footer: "responsa. Every figure is in assessment.csv and the other CSV files beside this page.".into(),
        trend_values: vec![TrendValue {
            quarter: q.to_string(),
            contribution: crate::contribution::Contribution::InvalidityLevy,
            cents: a.levy_total(),
        }],
    }
}

/// The solidarity contribution's page (§11): key figures, the contribution by
/// employer size, the incapacities by status.
pub fn solidarity_page(a: &SolidarityAssessment) -> Page {
    let q = a.quarter();
    let r = &a.rules.solidarity;
    let due = a.count(SolidarityStatus::Due);
    let figures = vec![
        figure("incapacities starting in the quarter", a.incapacities.len()),
        figure("due", due),
        figure("employers owing", a.liable_employers()),
        figure(&format!("contribution total, due {}", a.due_quarter()), euros(a.total())),
    ];
    let statuses = bars(
        "Incapacities by status",
        "Each incapacity gets the first status that applies, in this order.",
        SolidarityStatus::ALL
            .iter()
            .map(|s| (solidarity_status_words(*s, r), a.count(*s) as f64, crate::parse::thousands(a.count(*s) as u64)))
            .collect(),
    );
    // Sizes from the threshold up: below it nothing is owed (the status above counts them).
    let min = r.min_workers as f64;
    let mut edges: Vec<f64> = [min, 100.0, 250.0, 500.0, 1000.0].into_iter().filter(|x| *x >= min).collect();
    edges.dedup();
    let classes: Vec<(String, f64, f64)> = edges
        .iter()
        .enumerate()
        .map(|(i, lo)| match edges.get(i + 1) {
            Some(hi) => (format!("{}–{}", count(*lo), count(hi - 1.0)), *lo, *hi),
            None => (format!("{} or more", count(*lo)), *lo, f64::INFINITY),
        })
        .collect();
    let by_size = bars(
        "Contribution by employer size",
        &format!("Employers by their average headcount over Q-4..Q-1, from {} workers up.", r.min_workers),
        classes
            .iter()
            .map(|(l, lo, hi)| {
                let cents: i64 = a
                    .employers
                    .iter()
                    .filter(|e| (*lo..*hi).contains(&e.headcount.average()))
                    .map(|e| e.contribution)
                    .sum();
                (format!("{l} workers"), cents as f64, euros(cents))
            })
            .collect(),
    );
    let mut types: std::collections::BTreeMap<&str, (u64, u64, i64)> = std::collections::BTreeMap::new();
    for i in &a.incapacities {
        let t = types.entry(i.row.worker_type.as_str()).or_default();
        t.0 += 1;
        if i.status == SolidarityStatus::Due {
            t.1 += 1;
        }
        t.2 += i.contribution;
    }
    let by_type = bars(
        "Incapacities by worker type",
        "Incapacities starting in the quarter, by the worker's type; the contribution is due for the covered ones.",
        types
            .iter()
            .map(|(t, (n, d, c))| (t.to_string(), *n as f64, format!("{n} ({d} due, {})", euros(*c))))
            .collect(),
    );
    let mut owing: Vec<&crate::solidarity::assess::EmployerTotal> =
        a.employers.iter().filter(|e| e.contribution > 0).collect();
    owing.sort_by(|x, y| y.contribution.cmp(&x.contribution).then_with(|| x.employer_id.cmp(&y.employer_id)));
    let owing_table = Table {
        id: "owing".into(),
        title: format!("Employers owing the contribution ({}), largest first", owing.len()),
        note: if owing.len() > SHOWN {
            format!("The {SHOWN} largest; every one is in solidarity_by_employer.csv.")
        } else {
            "Every employer owing it; every incapacity is in solidarity.csv.".into()
        },
        header: ["employer", "average headcount", "incapacities due", "indemnified days", "contribution"]
            .map(String::from)
            .to_vec(),
        numeric: vec![false, true, true, true, true],
        rows: owing
            .iter()
            .take(SHOWN)
            .map(|e| {
                vec![
                    e.employer_id.clone(),
                    format!("{:.2}", e.headcount.average()),
                    e.due_incapacities.to_string(),
                    e.indemnified_days.to_string(),
                    euros(e.contribution),
                ]
            })
            .collect(),
    };
    Page {
        title: format!("Cotisation de solidarité — {q}"),
        subtitle: format!(
            "Solidarity contribution for incapacities starting in {q}, due {} (rule set {})",
            a.due_quarter(),
            a.rules.origin
        ),
        figures,
        scatter: None,
        charts: vec![statuses, by_size, by_type],
        trend: None,
        quality: Vec::new(),
        tables: vec![owing_table],
        footer: "responsa. Every figure is in solidarity.csv and solidarity_by_employer.csv beside this page.".into(),
        trend_values: vec![TrendValue {
            quarter: q.to_string(),
            contribution: crate::contribution::Contribution::Solidarity,
            cents: a.total(),
        }],
    }
}

/// The trend over the quarters of a run: a series per contribution, each scaled to its
/// own largest amount (the solidarity contribution is an order of magnitude above the
/// levy), a dashed line where the law changes from one to the other.
pub fn trend(title: &str, values: &[TrendValue]) -> Option<Trend> {
    use crate::contribution::Contribution;
    if values.len() < 2 {
        return None;
    }
    let (left, right, top, base) = (70.0, 850.0, 125.0, 250.0);
    let step = (right - left) / (values.len() - 1) as f64;
    let class = |c: Contribution| match c {
        Contribution::InvalidityLevy => "levy",
        Contribution::Solidarity => "solidarity",
    };
    let max_of = |c: Contribution| {
        values.iter().filter(|v| v.contribution == c).map(|v| v.cents).max().unwrap_or(0).max(1) as f64
    };
    let points: Vec<TrendPoint> = values
        .iter()
        .enumerate()
        .map(|(i, v)| TrendPoint {
            cx: (left + step * i as f64).round(),
            cy: (base - 10.0 - v.cents as f64 / max_of(v.contribution) * (base - 10.0 - top)).round(),
            label: v.quarter.clone(),
            value: euros(v.cents),
            class: class(v.contribution).to_string(),
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
        let mut n: Vec<&str> = values.iter().map(|v| v.contribution.name()).collect();
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
        assert_eq!((cell(0, 1), cell(0, 3)), ("1", "€ 30.00"), "C newly liable");
        assert_eq!((cell(1, 1), cell(1, 2)), ("1", "€ 100.00"), "A no longer liable");
        assert_eq!((cell(2, 1), cell(2, 4)), ("1", "€ 20.00"), "B: 50 → 70");
        assert_eq!((cell(3, 1), cell(3, 4)), ("3", "€ -50.00"), "in all: 150 → 100");
    }

    #[test]
    fn status_names_are_words_with_the_rule_sets_thresholds() {
        let set = crate::rules::RuleSet::embedded().expect("rules");
        let r = set.resolve(crate::quarter::Quarter::new(2023, 4).expect("q"), false).expect("resolved");
        assert_eq!(levy_status_words(Status::FewerThanMinCases, &r.levy), "fewer than 3 entries into invalidity");
        assert_eq!(levy_status_words(Status::BelowSectorMultiple, &r.levy), "below 2× its sector");
        for s in Status::ALL {
            assert!(!levy_status_words(s, &r.levy).contains('_'), "{s:?}");
        }
        for s in SolidarityStatus::ALL {
            assert!(!solidarity_status_words(s, &r.solidarity).contains('_'), "{s:?}");
        }
    }

    #[test]
    fn the_trend_has_a_series_per_contribution_and_marks_the_change_of_law() {
        use crate::contribution::Contribution::{InvalidityLevy, Solidarity};
        let v = |q: &str, c, cents| TrendValue { quarter: q.into(), contribution: c, cents };
        let values =
            [v("2025Q3", InvalidityLevy, 100), v("2025Q4", InvalidityLevy, 200), v("2026Q1", Solidarity, 3000)];
        let t = trend("t", &values).expect("a trend");
        assert_eq!(t.series.len(), 2);
        assert_eq!(t.changes.len(), 1, "one change of law");
        assert!(t.changes[0] > t.points[1].cx && t.changes[0] < t.points[2].cx, "between 2025Q4 and 2026Q1");
        assert_eq!(t.points[1].cy, t.points[2].cy, "each series on its own scale: both at their top");
    }
}
