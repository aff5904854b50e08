//! Employment lines (SPEC §2.2) aggregated per employer and quarter, as one Polars lazy
//! pipeline over the whole file, in a single scan:
//! - `fte3y(e, p)`: FTE of the lines of e in p whose seniority on the last day of p is at
//!   least `min_seniority_years` completed years (SPEC §3.2, the 3-year rule for the
//!   denominator), in integer millionths of an FTE;
//! - `headcount(e, p)`: distinct workers in service at the end of p (SPEC §3.4);
//! - `wages(e, p)`: wages in integer cents (SPEC §3.6);
//! - the wages of the lines that carry their own joint committee (SPEC §3.8).
//!
//! Employers are grouped by a compact index (their rank in the register), found by a hash
//! lookup that also detects lines of unknown employers. Row faults (SPEC §6) are counted
//! in the same pass; only when there are some does a second scan locate them for
//! `rejects.csv`.

use std::sync::Arc;

use polars::prelude::*;

use crate::error::Result;
use crate::input::{parsed, quarter_day, raw_rows, Kind, Source};
use crate::parse::Fault;
use crate::quarter::Quarter;
use crate::register::Register;
use crate::rejects::{field_reason, InputCounts, Reject, UNKNOWN_EMPLOYER};

/// Per employer-quarter aggregates and per employer-quarter-committee wages.
pub struct Occupation {
    /// `emp` (register index), `qi`, `n_lines`, `fte3y`, `headcount`, `wages`.
    pub by_quarter: DataFrame,
    /// `emp`, `qi`, `joint_committee`, `wages` of the lines of the committee quarters that
    /// carry a joint committee; the other lines' wages go to the employer's own.
    pub by_committee: DataFrame,
    pub rejects: Vec<Reject>,
    pub counts: InputCounts,
}

/// The register index of each line's employer, null when unknown.
fn employer_index(e: Expr, index: Arc<PlHashMap<String, u32>>) -> Expr {
    e.map(
        move |c| {
            let s = c.as_materialized_series();
            let out: UInt32Chunked = s.str()?.iter().map(|o| o.and_then(|v| index.get(v).copied())).collect();
            Ok(out.with_name(s.name().clone()).into_series().into())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::UInt32)),
    )
}

/// The typed columns of SPEC §2.2 parsed by Polars, the employer index, and `valid`.
fn typed(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    max_line_fte_micro: i64,
    lines: bool,
) -> Result<LazyFrame> {
    let index = Arc::new(register.index.clone());
    let lf = source.scan_with(false, lines)?.with_columns([
        employer_index(col("employer_id"), index).alias("emp"),
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
    let parsed_ok = ["emp", "worker_id", "qi", "fte_micro", "sen", "ins", "wages_cents"]
        .iter()
        .map(|c| col(*c).is_not_null())
        .reduce(|a, b| a.and(b))
        .unwrap_or(lit(true));
    let valid = parsed_ok.and(col("fte_micro").lt_eq(lit(max_line_fte_micro))).and(col("sen").lt_eq(col("qend")));
    Ok(lf.with_column(valid.fill_null(lit(false)).alias("valid")))
}

/// The reason a line failed `valid` (SPEC §6), from its text.
fn line_fault(f: &dyn Fn(&str) -> Option<String>, register: &Register, max_line_fte_micro: i64) -> String {
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
        if let Err(e) = k.check(f(c).as_deref()) {
            return field_reason(c, e, k.what());
        }
    }
    if !f("employer_id").is_some_and(|id| register.is_known(&id)) {
        return UNKNOWN_EMPLOYER.to_string();
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
    assessed: &[Quarter],
) -> Result<Occupation> {
    // Headcounts are needed for Q-4..Q-1 of each assessed quarter (SPEC §3.4), committee
    // wages for Q-1 (SPEC §3.8): the distinct-worker count, the costliest aggregation, is
    // restricted to those quarters.
    let mut headcount_quarters: Vec<Quarter> =
        assessed.iter().flat_map(|q| (1..=4).map(move |k| q.offset(-k))).collect();
    headcount_quarters.sort();
    headcount_quarters.dedup();
    let committee_quarters: Vec<Quarter> = assessed.iter().map(|q| q.offset(-1)).collect();
    let any_of =
        |qs: &[Quarter]| qs.iter().map(|q| col("qi").eq(lit(q.0))).reduce(|a, b| a.or(b)).unwrap_or(lit(false));
    let t = typed(source, register, min_seniority_years, max_line_fte_micro, false)?;
    // SPEC §3.2 and §3.4: one group per employer and quarter; invalid lines are counted,
    // not aggregated.
    let valid = col("valid");
    let by_quarter = t.clone().group_by([col("emp"), col("qi")]).agg([
        valid.clone().cast(DataType::Int64).sum().alias("n_lines"),
        valid.clone().not().cast(DataType::Int64).sum().alias("n_invalid"),
        when(valid.clone().and(col("sen").lt_eq(col("cutoff"))))
            .then(col("fte_micro"))
            .otherwise(lit(0i64))
            .sum()
            .alias("fte3y"),
        col("worker_id")
            .filter(valid.clone().and(col("ins")).and(any_of(&headcount_quarters)))
            .n_unique()
            .cast(DataType::Int64)
            .alias("headcount"),
        when(valid.clone()).then(col("wages_cents")).otherwise(lit(0i64)).sum().alias("wages"),
    ]);
    // SPEC §3.8: wages of the committee quarters per joint committee carried by the line.
    let by_committee = t
        .clone()
        .filter(valid.clone().and(any_of(&committee_quarters)).and(col("joint_committee").is_not_null()))
        .group_by([col("emp"), col("qi"), col("joint_committee")])
        .agg([col("wages_cents").sum().alias("wages")]);

    let mut dfs = source.collect_all(vec![by_quarter, by_committee])?.into_iter();
    let (by_quarter, by_committee) = match (dfs.next(), dfs.next()) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(anyhow::anyhow!("employment aggregation returned too few frames").into()),
    };
    let sum = |df: &DataFrame, c: &str| -> Result<i64> { Ok(df.column(c)?.as_materialized_series().sum()?) };
    let (used, invalid) = (sum(&by_quarter, "n_lines")?, sum(&by_quarter, "n_invalid")?);
    let by_quarter = by_quarter
        .lazy()
        .filter(col("n_lines").gt(lit(0i64)).and(col("emp").is_not_null()).and(col("qi").is_not_null()))
        .select([col("emp"), col("qi"), col("n_lines"), col("fte3y"), col("headcount"), col("wages")])
        .collect()?;

    // Rejected lines, located by a second scan only when there are some.
    let mut rejects = Vec::new();
    if invalid > 0 {
        let mut raw_cols = vec![col("__file"), col("__line")];
        raw_cols.extend(source.table.columns().iter().map(|c| col(*c).cast(DataType::String)));
        let t = typed(source, register, min_seniority_years, max_line_fte_micro, true)?;
        let located = source.collect_all(vec![t.filter(col("valid").not()).select(raw_cols)])?;
        let cols = source.table.columns();
        rejects = raw_rows(&located[0])?
            .into_iter()
            .map(|r| {
                let f = |name: &str| r.fields[cols.iter().position(|c| *c == name).unwrap_or(0)].clone();
                Reject {
                    file: source.file_name(r.file),
                    line: r.line,
                    reason: line_fault(&f, register, max_line_fte_micro),
                }
            })
            .collect();
    }
    let counts = InputCounts {
        read: (used + invalid) as u64,
        used: used as u64,
        rejected: rejects.len() as u64,
        sha256: String::new(),
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
    };
    Ok(Occupation { by_quarter, by_committee, rejects, counts })
}
