//! The levy's report.html (§3, §11): key figures, who is liable, the scatter of the
//! employers in scope, the status funnel, the sectors with the highest ratios, the levy per
//! joint committee.

use super::assess::Assessment;
use super::status::Status;

use crate::html::{bars, euros, figure, Mark, Page, Rule, Scatter, Table, Tick, TrendValue, SHOWN};

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
                    "{}: {} the sector, {} the private sector, {} entries — {}",
                    e.employer_id,
                    multiple(e.sector_multiple),
                    multiple(e.private_multiple),
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
            (
                "emp",
                format!(
                    "not liable (fewer than {} entries, below a factor, or a sector too small to compare)",
                    r.min_cases
                ),
            ),
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
                    e.employer_id.to_string(),
                    e.sector.group.to_string(),
                    e.joint_committee.to_string(),
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
        quality_notes: Vec::new(),
        tables: vec![liable_table],
        footer: "responsa. Every figure is in assessment.csv and the other CSV files beside this page.".into(),
        trend_values: vec![TrendValue {
            quarter: q.to_string(),
            series: super::LEVY.short_name(),
            name: super::LEVY.name(),
            cents: a.levy_total(),
        }],
    }
}

/// A multiple as a page shows it: one decimal, `∞` for an infinite one.
fn multiple(m: Option<f64>) -> String {
    match m {
        None => String::new(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => format!("{v:.1}×"),
    }
}

/// A multiple on the log scale of the scatter: 0.1 .. 100, outside values at the edges.
fn log_pos(m: f64, from: f64, to: f64) -> f64 {
    let v = if m.is_infinite() { 100.0 } else { m.clamp(0.1, 100.0) };
    from + (v.log10() + 1.0) / 3.0 * (to - from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_are_words_with_the_rule_sets_thresholds() {
        let set = crate::rules::RuleSet::embedded().expect("rules");
        let r = set.resolve(crate::quarter::Quarter::new(2023, 4).expect("q"), false).expect("resolved");
        assert_eq!(levy_status_words(Status::FewerThanMinCases, &r.levy), "fewer than 3 entries into invalidity");
        assert_eq!(levy_status_words(Status::BelowSectorMultiple, &r.levy), "below 2× its sector");
        for s in Status::ALL {
            assert!(!levy_status_words(s, &r.levy).contains('_'), "{s:?}");
        }
    }
}
