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
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub cx: f64,
    pub cy: f64,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub title: String,
    pub points: Vec<TrendPoint>,
    pub polyline: String,
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
    /// The quarter and the amount the trend plots (not rendered).
    #[serde(skip)]
    pub trend_value: (String, i64),
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
            width: if max > 0.0 { (v / max * 520.0).max(if v > 0.0 { 1.0 } else { 0.0 }) } else { 0.0 },
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
        "Each employer of the register gets the first status of SPEC §3.5 that applies, in this order.",
        Status::ALL.iter().map(|s| (s.as_str().to_string(), a.count(*s) as f64, a.count(*s).to_string())).collect(),
    );
    // The scatter: employers of min_workers or more with a ratio.
    let (w, h, left, right, top, bottom) = (900.0, 560.0, 60.0, 880.0, 20.0, 520.0);
    let marks: Vec<Mark> = a
        .employers
        .iter()
        .filter(|e| e.headcount.at_least(r.min_workers) && e.ratio.is_some())
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
                    e.status.as_str()
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
        title: format!("Employers of {}+ workers by sector and private multiple", r.min_workers),
        note: format!(
            "{count} employers with a ratio (those without a counted entry sit at the origin). Liable employers in red, warned ones in orange; solid lines at {}× the sector and {}× the private sector, dashed at {}× and {}× (warnings).",
            r.sector_factor, r.private_factor, r.warn_sector_factor, r.warn_private_factor
        ),
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
        "The levy split over the joint committees of the liable employers' lines (SPEC §3.8).",
        a.receipts
            .iter()
            .map(|rc| (format!("committee {}", rc.joint_committee), rc.cents as f64, euros(rc.cents)))
            .collect(),
    );
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
        tables: Vec::new(),
        footer:
            "responsa — SPEC §3 and §11. Every figure is in assessment.csv and the other CSV files beside this page."
                .into(),
        trend_value: (q.to_string(), a.levy_total()),
    }
}

/// The solidarity contribution's page (§11): key figures, the contribution by
/// employer size, the incapacities by status.
pub fn solidarity_page(a: &SolidarityAssessment) -> Page {
    let q = a.quarter();
    let due = a.count(SolidarityStatus::Due);
    let figures = vec![
        figure("incapacities starting in the quarter", a.incapacities.len()),
        figure("due", due),
        figure("employers liable", a.liable_employers()),
        figure(&format!("contribution total, due {}", a.due_quarter()), euros(a.total())),
    ];
    let statuses = bars(
        "Incapacities by status",
        "Each incapacity gets the first status of SPEC §8.2 that applies, in this order.",
        SolidarityStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), a.count(*s) as f64, a.count(*s).to_string()))
            .collect(),
    );
    let classes: [(&str, f64, f64); 6] = [
        ("under 50 workers", 0.0, 50.0),
        ("50–99", 50.0, 100.0),
        ("100–249", 100.0, 250.0),
        ("250–499", 250.0, 500.0),
        ("500–999", 500.0, 1000.0),
        ("1,000 or more", 1000.0, f64::INFINITY),
    ];
    let by_size = bars(
        "Contribution by employer size",
        "Employers by their average headcount over Q-4..Q-1 (SPEC §3.4).",
        classes
            .iter()
            .map(|(l, lo, hi)| {
                let cents: i64 = a
                    .employers
                    .iter()
                    .filter(|e| (*lo..*hi).contains(&e.headcount.average()))
                    .map(|e| e.contribution)
                    .sum();
                (l.to_string(), cents as f64, euros(cents))
            })
            .collect(),
    );
    Page {
        title: format!("Cotisation de solidarité — {q}"),
        subtitle: format!("Solidarity contribution for incapacities starting in {q}, due {} (rule set {})", a.due_quarter(), a.rules.origin),
        figures,
        scatter: None,
        charts: vec![by_size, statuses],
        trend: None,
        quality: Vec::new(),
        tables: Vec::new(),
        footer: "responsa — SPEC §8 and §11. Every figure is in solidarity.csv and solidarity_by_employer.csv beside this page.".into(),
        trend_value: (q.to_string(), a.total()),
    }
}

/// The trend over the quarters of a run: one point per quarter.
pub fn trend(title: &str, values: &[(String, i64)]) -> Option<Trend> {
    if values.len() < 2 {
        return None;
    }
    let max = values.iter().map(|v| v.1).max().unwrap_or(0).max(1) as f64;
    let step = 800.0 / (values.len() - 1) as f64;
    let points: Vec<TrendPoint> = values
        .iter()
        .enumerate()
        .map(|(i, (q, c))| TrendPoint {
            cx: (70.0 + step * i as f64).round(),
            cy: (210.0 - *c as f64 / max * 170.0).round(),
            label: q.clone(),
            value: euros(*c),
        })
        .collect();
    let polyline = points.iter().map(|p| format!("{},{}", p.cx, p.cy)).collect::<Vec<_>>().join(" ");
    Some(Trend { title: title.into(), points, polyline })
}
