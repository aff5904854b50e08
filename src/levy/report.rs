//! The levy's outputs (§4): `assessment.csv`, `levy.csv`, `warnings.csv`,
//! `sectors.csv`, `receipts_by_joint_committee.csv`, `rejects.csv` and `summary.json`,
//! published together through [`crate::report::Staging`].

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::input::rejects::{InputCounts, Reject};
use crate::parse::{format_cents, format_micro};
use crate::report::Col;
use crate::report::{fmt_ratio, rejects_rows, Fields, Staging, REJECTS_HEADER};

use super::assess::{Assessment, EmployerRow};
use super::status::Status;
use super::warnings::Warning;
use super::whatif;

pub const ASSESSMENT_HEADER: &[Col] = &[
    Col::text("quarter"),
    Col::text("employer_id"),
    Col::text("nace4"),
    Col::text("sector"),
    Col::text("joint_committee"),
    Col::text("employer_category"),
    Col::number("average_headcount"),
    Col::number("entries_r1"),
    Col::number("entries_r2"),
    Col::number("entries_r3"),
    Col::number("entries_r4"),
    Col::number("entries"),
    Col::number("fte_r1"),
    Col::number("fte_r2"),
    Col::number("fte_r3"),
    Col::number("fte_r4"),
    Col::number("employer_ratio"),
    Col::number("sector_ratio"),
    Col::number("private_ratio"),
    Col::number("sector_multiple"),
    Col::number("private_multiple"),
    Col::number("sector_employers"),
    Col::text("status"),
    Col::text("warning"),
    Col::money("wage_base"),
    Col::money("levy"),
    Col::text("due_quarter"),
];

/// One row of assessment.csv. The quarter, the due quarter and the private-sector ratio
/// are the same on every row: formatted once a run, not per row.
fn assessment_row((quarter, due, private): (&str, &str, &str), e: &EmployerRow, f: &mut Fields<'_>) {
    let liable = e.status == Status::Liable;
    f.plain(quarter);
    f.text(&e.employer_id);
    f.text(e.nace4());
    f.text(&e.sector.group);
    f.text(&e.joint_committee);
    f.text(&e.employer_category);
    f.plain(e.headcount.average());
    for n in e.pool.entries {
        f.plain(n);
    }
    f.plain(e.pool.entries_total());
    for x in e.pool.fte {
        f.micro(x);
    }
    f.ratio(e.ratio);
    f.ratio(e.sector_ratio);
    f.plain(private);
    f.ratio(e.sector_multiple);
    f.ratio(e.private_multiple);
    f.plain(e.sector_employers);
    f.plain(e.status.as_str());
    f.plain(e.warning.map_or("", |w| w.as_str()));
    f.plain(if liable { format_cents(e.wage_base) } else { String::new() });
    f.plain(e.levy.map(format_cents).unwrap_or_default());
    f.plain(if liable { due } else { "" });
}

pub use crate::report::RulesSummary;

#[derive(Serialize)]
pub struct Summary {
    pub quarter: String,
    pub due_quarter: String,
    pub employers: usize,
    pub private_ratio: Option<f64>,
    pub status: std::collections::BTreeMap<&'static str, usize>,
    pub warnings: std::collections::BTreeMap<&'static str, usize>,
    pub liable: usize,
    pub levy_total: String,
    pub levy_total_cents: i64,
    pub rules: RulesSummary,
    pub inputs: std::collections::BTreeMap<&'static str, InputCounts>,
    /// With `--compare-to`: the change against the reference rule set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_if: Option<whatif::Totals>,
}

pub fn summary(a: &Assessment, inputs: &std::collections::BTreeMap<&'static str, InputCounts>) -> Summary {
    Summary {
        quarter: a.quarter().to_string(),
        due_quarter: a.due_quarter().to_string(),
        employers: a.employers.len(),
        private_ratio: a.private_ratio,
        status: Status::ALL.iter().map(|s| (s.as_str(), a.count(*s))).collect(),
        warnings: Warning::ALL.iter().map(|w| (w.as_str(), a.count_warning(*w))).collect(),
        liable: a.count(Status::Liable),
        levy_total: format_cents(a.levy_total()),
        levy_total_cents: a.levy_total(),
        rules: RulesSummary::of(&a.rules),
        inputs: inputs.clone(),
        what_if: None,
    }
}

/// Writes every output of §4 for one assessment into `out`.
pub fn write(
    out: &Path,
    a: &Assessment,
    rejects: &[Reject],
    inputs: &std::collections::BTreeMap<&'static str, InputCounts>,
    what_if: Option<(&[whatif::Change], &whatif::Totals)>,
) -> Result<()> {
    let mut st = Staging::new(out)?;
    let sum = stage(&mut st, a, inputs, what_if)?;
    st.csv("rejects.csv", REJECTS_HEADER, rejects_rows(rejects))?;
    st.json("summary.json", &sum)?;
    st.publish()
}

/// Stages the levy's tables of §4 and returns its summary, for the caller to add to
/// and write with `rejects.csv`.
pub fn stage(
    st: &mut Staging,
    a: &Assessment,
    inputs: &std::collections::BTreeMap<&'static str, InputCounts>,
    what_if: Option<(&[whatif::Change], &whatif::Totals)>,
) -> Result<Summary> {
    let q = a.quarter().to_string();
    let (quarter, due) = (a.quarter().to_string(), a.due_quarter().to_string());
    let private = fmt_ratio(a.private_ratio);
    st.csv_fields("assessment.csv", ASSESSMENT_HEADER, &a.employers, |e, f| {
        assessment_row((&quarter, &due, &private), e, f)
    })?;
    st.csv(
        "levy.csv",
        &[
            Col::text("employer_id"),
            Col::text("quarter"),
            Col::text("due_quarter"),
            Col::money("wage_base"),
            Col::money("levy"),
            Col::number("employer_ratio"),
            Col::number("sector_ratio"),
            Col::number("private_ratio"),
        ],
        a.employers.iter().filter(|e| e.levy.is_some()).map(|e| {
            vec![
                e.employer_id.to_string(),
                q.clone(),
                a.due_quarter().to_string(),
                format_cents(e.wage_base),
                format_cents(e.levy.unwrap_or(0)),
                fmt_ratio(e.ratio),
                fmt_ratio(e.sector_ratio),
                fmt_ratio(a.private_ratio),
            ]
        }),
    )?;
    st.csv(
        "warnings.csv",
        &[
            Col::text("employer_id"),
            Col::text("quarter"),
            Col::text("warning"),
            Col::number("entries"),
            Col::number("sector_multiple"),
            Col::number("private_multiple"),
        ],
        a.employers.iter().filter_map(|e| {
            let w = e.warning?;
            Some(vec![
                e.employer_id.to_string(),
                q.clone(),
                w.as_str().to_string(),
                e.pool.entries_total().to_string(),
                fmt_ratio(e.sector_multiple),
                fmt_ratio(e.private_multiple),
            ])
        }),
    )?;
    st.csv(
        "sectors.csv",
        &[
            Col::text("sector"),
            Col::number("level"),
            Col::number("employers"),
            Col::number("entries_r1"),
            Col::number("entries_r2"),
            Col::number("entries_r3"),
            Col::number("entries_r4"),
            Col::number("fte_r1"),
            Col::number("fte_r2"),
            Col::number("fte_r3"),
            Col::number("fte_r4"),
            Col::number("ratio"),
        ],
        a.sectors.iter().map(|s| {
            let mut r = vec![s.sector.clone(), s.level.to_string(), s.employers.to_string()];
            r.extend(s.pool.entries.iter().map(|n| n.to_string()));
            r.extend(s.pool.fte.iter().map(|f| format_micro(*f)));
            r.push(fmt_ratio(s.ratio));
            r
        }),
    )?;
    st.csv(
        "receipts_by_joint_committee.csv",
        &[Col::text("joint_committee"), Col::number("employers"), Col::money("levy")],
        a.receipts.iter().map(|r| vec![r.joint_committee.clone(), r.employers.to_string(), format_cents(r.cents)]),
    )?;
    let mut sum = summary(a, inputs);
    if let Some((changes, totals)) = what_if {
        st.csv("what_if.csv", whatif::HEADER, whatif::rows(changes))?;
        sum.what_if = Some(totals.clone());
    }
    Ok(sum)
}

/// The short human summary printed after a run.
pub fn terminal_summary(a: &Assessment, rejected: u64) -> String {
    let mut s = format!(
        "quarter {}  (levy due {})\nprivate-sector ratio: {} entries per FTE\nemployers assessed: {}\n",
        a.quarter(),
        a.due_quarter(),
        fmt_ratio(a.private_ratio),
        a.employers.len()
    );
    for st in Status::ALL {
        s.push_str(&format!("  {:<24} {:>8}\n", st.as_str(), a.count(st)));
    }
    s.push_str(&format!(
        "warnings: W1 {}  W2 {}  W3 {}\nliable: {}   levy total: EUR {}\n",
        a.count_warning(Warning::W1),
        a.count_warning(Warning::W2),
        a.count_warning(Warning::W3),
        a.count(Status::Liable),
        format_cents(a.levy_total())
    ));
    if rejected > 0 {
        s.push_str(&format!("rejected input rows: {rejected} (see rejects.csv)\n"));
    }
    s
}
