//! Employment lines (SPEC §2.2) aggregated per employer and quarter, as one Polars lazy
//! pipeline over the whole file:
//! - `fte3y(e, p)`: FTE of the lines of e in p whose seniority on the last day of p is at
//!   least `min_seniority_years` completed years (SPEC §3.2, the 3-year rule for the
//!   denominator), in integer millionths of an FTE;
//! - `headcount(e, p)`: distinct workers in service at the end of p (SPEC §3.4);
//! - `wages(e, p)`: wages in integer cents (SPEC §3.6);
//! - wages per joint committee for the receipts split (SPEC §3.8).
//!
//! Row faults (SPEC §6) are found in the same pass: a line whose fields do not parse,
//! with an FTE above `max_line_fte`, or a seniority date after its quarter's end is
//! rejected; a line of an employer absent from the register in every quarter too.

use std::collections::HashSet;

use polars::prelude::*;

use crate::error::Result;
use crate::input::{parsed, quarter_day, raw_rows, Kind, Source};
use crate::parse::Fault;
use crate::quarter::Quarter;
use crate::register::Register;
use crate::rejects::{field_reason, InputCounts, Reject, UNKNOWN_EMPLOYER};

/// Per employer-quarter aggregates and per employer-quarter-committee wages.
pub struct Occupation {
    /// `employer_id, qi, n_lines, fte3y, headcount, wages`.
    pub by_quarter: DataFrame,
    /// `employer_id, qi, joint_committee (null: the employer's own), wages`.
    pub by_committee: DataFrame,
    pub rejects: Vec<Reject>,
    pub counts: InputCounts,
}

/// The typed columns of SPEC §2.2 parsed by Polars, and `valid`.
fn typed(source: &Source, min_seniority_years: u32, max_line_fte_micro: i64) -> Result<LazyFrame> {
    let lf = source.scan(false)?.with_columns([
        parsed("quarter", Kind::Quarter).alias("qi"),
        parsed("fte", Kind::Fte).alias("fte_micro"),
        parsed("seniority_date", Kind::Date).alias("sen"),
        parsed("in_service_at_quarter_end", Kind::Bool).alias("ins"),
        parsed("wages", Kind::Money).alias("wages_cents"),
    ]);
    let lf = lf.with_columns([
        quarter_day(col("qi"), Quarter::last_day).alias("qend"),
        quarter_day(col("qi"), move |q| q.seniority_cutoff(min_seniority_years)).alias("cutoff"),
    ]);
    let parsed_ok = ["employer_id", "worker_id", "qi", "fte_micro", "sen", "ins", "wages_cents"]
        .iter()
        .map(|c| col(*c).is_not_null())
        .reduce(|a, b| a.and(b))
        .unwrap_or(lit(true));
    let valid = parsed_ok.and(col("fte_micro").lt_eq(lit(max_line_fte_micro))).and(col("sen").lt_eq(col("qend")));
    Ok(lf.with_column(valid.fill_null(lit(false)).alias("valid")))
}

/// The reason a line failed `valid` (SPEC §6), from its text.
fn line_fault(f: &dyn Fn(&str) -> Option<String>, max_line_fte_micro: i64) -> String {
    for id in ["employer_id", "worker_id"] {
        if f(id).is_none_or(|s| s.is_empty()) {
            return field_reason(id, Fault::Missing, "");
        }
    }
    let checks = [
        ("quarter", Kind::Quarter),
        ("fte", Kind::Fte),
        ("seniority_date", Kind::Date),
        ("in_service_at_quarter_end", Kind::Bool),
        ("wages", Kind::Money),
    ];
    for (c, k) in checks {
        let v = f(c);
        if let Err(e) = k.check(v.as_deref()) {
            return field_reason(c, e, k.what());
        }
    }
    let fte = f("fte").and_then(|s| crate::parse::parse_fte(&s).ok()).unwrap_or(0);
    if fte > max_line_fte_micro {
        return format!("fte: above {} FTE on one line", crate::parse::format_micro(max_line_fte_micro));
    }
    "seniority_date: after the end of the line's quarter".to_string()
}

pub fn aggregate(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    max_line_fte_micro: i64,
    committee_quarters: &[Quarter],
) -> Result<Occupation> {
    let t = typed(source, min_seniority_years, max_line_fte_micro)?;
    let lines = t.clone().filter(col("valid"));
    // SPEC §3.2 and §3.4: one group per employer and quarter.
    let fte3y = when(col("sen").lt_eq(col("cutoff"))).then(col("fte_micro")).otherwise(lit(0i64)).sum();
    let by_quarter = lines.clone().group_by([col("employer_id"), col("qi")]).agg([
        len().cast(DataType::Int64).alias("n_lines"),
        fte3y.alias("fte3y"),
        col("worker_id").filter(col("ins")).n_unique().cast(DataType::Int64).alias("headcount"),
        col("wages_cents").sum().alias("wages"),
    ]);
    // SPEC §3.8: wages of Q-1 per joint committee.
    let in_committee_quarters =
        committee_quarters.iter().map(|q| col("qi").eq(lit(q.0))).reduce(|a, b| a.or(b)).unwrap_or(lit(false));
    let by_committee = lines
        .clone()
        .filter(in_committee_quarters)
        .group_by([col("employer_id"), col("qi"), col("joint_committee")])
        .agg([col("wages_cents").sum().alias("wages")]);
    let mut raw_cols = vec![col("__file"), col("__line")];
    raw_cols.extend(source.table.columns().iter().map(|c| col(*c).cast(DataType::String)));
    let invalid = t.clone().filter(col("valid").not()).select(raw_cols);

    let mut dfs = source.collect_all(vec![by_quarter, by_committee, invalid])?.into_iter();
    let (mut by_quarter, mut by_committee, invalid) = match (dfs.next(), dfs.next(), dfs.next()) {
        (Some(a), Some(b), Some(c)) => (a, b, c),
        _ => return Err(anyhow::anyhow!("employment aggregation returned too few frames").into()),
    };

    let cols = source.table.columns();
    let mut rejects: Vec<Reject> = raw_rows(&invalid)?
        .into_iter()
        .map(|r| {
            let f = |name: &str| r.fields[cols.iter().position(|c| *c == name).unwrap_or(0)].clone();
            Reject { file: source.file_name(r.file), line: r.line, reason: line_fault(&f, max_line_fte_micro) }
        })
        .collect();

    let valid_lines: i64 = by_quarter.column("n_lines")?.as_materialized_series().sum()?;
    // SPEC §6: lines of an employer with no register row in any quarter are rejected.
    let ids = by_quarter.column("employer_id")?.str()?.clone();
    let unknown: HashSet<&str> = ids.iter().flatten().filter(|id| !register.known.contains(*id)).collect();
    let mut unknown_lines = 0i64;
    if !unknown.is_empty() {
        let mut unknown: Vec<&str> = unknown.into_iter().collect();
        unknown.sort_unstable();
        let u = df!("employer_id" => unknown.clone())?;
        let located = t
            .filter(col("valid"))
            .join(u.lazy(), [col("employer_id")], [col("employer_id")], JoinArgs::new(JoinType::Inner))
            .select([col("__file"), col("__line")]);
        let located = source.collect_all(vec![located])?;
        let df = &located[0];
        let files = df.column("__file")?.cast(&DataType::UInt32)?;
        let files = files.u32()?;
        let lns = df.column("__line")?.cast(&DataType::Int64)?;
        let lns = lns.i64()?;
        for (f, l) in files.iter().zip(lns.iter()) {
            rejects.push(Reject {
                file: source.file_name(f.unwrap_or(0)),
                line: l.unwrap_or(0),
                reason: UNKNOWN_EMPLOYER.to_string(),
            });
            unknown_lines += 1;
        }
        let keep = |df: &DataFrame| -> Result<DataFrame> {
            let ids = df.column("employer_id")?.str()?;
            let mask: BooleanChunked = ids.iter().map(|id| id.is_some_and(|id| register.known.contains(id))).collect();
            Ok(df.filter(&mask)?)
        };
        by_quarter = keep(&by_quarter)?;
        by_committee = keep(&by_committee)?;
    }
    let read = valid_lines as u64 + invalid.height() as u64;
    let counts = InputCounts {
        read,
        used: (valid_lines - unknown_lines) as u64,
        rejected: rejects.len() as u64,
        sha256: source.sha256()?,
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
    };
    Ok(Occupation { by_quarter, by_committee, rejects, counts })
}
