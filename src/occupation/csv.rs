//! Employment lines from CSV files (§2.2, §7): the blocks of [`crate::input::csvblocks`]
//! parsed with the field parsers and pushed to the run aggregation, each fault located at
//! its line on the way.

use sha2::Sha256;

use crate::error::Result;
use crate::input::csvblocks;
use crate::input::employment::Fields;
use crate::input::rejects::Reject;
use crate::input::InputFile;
use crate::parse::{self, Fault};
use crate::quarter::Quarter;

use super::{Agg, Params, Part};

/// Aggregates one CSV block: its records parsed with [`crate::parse`], its faults with
/// their reasons.
fn csv_block(
    block: &csvblocks::Block,
    layout: &csvblocks::Layout,
    p: &Params<'_>,
) -> std::result::Result<(u64, Part), csvblocks::BadRecord> {
    let mut agg = Agg::new(p);
    // Lines come in runs of one employer and one quarter: their lookups are memoised.
    let mut last_emp: Option<(String, Option<u32>)> = None;
    let mut last_quarter: Option<(String, std::result::Result<Quarter, Fault>)> = None;
    let lines = block.records(layout, |line, f| {
        let employer = f[1].and_then(|id| match &last_emp {
            Some((s, e)) if s == id => *e,
            _ => {
                let e = p.register.index.get(id).copied();
                last_emp = Some((id.to_string(), e));
                e
            }
        });
        let quarter = match f[0] {
            None => Err(Fault::Missing),
            Some(t) => match &last_quarter {
                Some((s, q)) if s == t => *q,
                _ => {
                    let q = parse::parse_quarter_field(t);
                    last_quarter = Some((t.to_string(), q));
                    q
                }
            },
        };
        let miss = Err(Fault::Missing);
        let fields = Fields {
            employer_id: f[1],
            employer,
            worker_id: f[2],
            quarter,
            fte: f[3].map_or(miss, parse::parse_fte),
            seniority_date: f[4].map_or(Err(Fault::Missing), parse::parse_date),
            in_service: f[5].map_or(Err(Fault::Missing), parse::parse_bool),
            wages: f[6].map_or(miss, parse::parse_money),
            joint_committee: f[7],
        };
        if let Err(fault) = agg.push(&fields) {
            if p.collect.is_none() {
                agg.part.rejects.push((line, fault.reason(), f[1].map(Into::into), f[0].map(Into::into)));
            }
        }
    })?;
    Ok((lines, agg.finish()))
}

/// One CSV file, every block in parallel. `hasher` continues the fingerprint of the
/// source's files in name order.
pub(super) fn csv_file(file: &InputFile, p: &Params<'_>, hasher: Sha256) -> Result<(Vec<Part>, Vec<Reject>, Sha256)> {
    let layout = csvblocks::Layout::of(file);
    let blocks = csvblocks::read(&file.path, &layout, hasher, |b, l| csv_block(b, l, p))?;
    let mut rejects = Vec::new();
    for (seq, part) in blocks.parts() {
        for (line, reason, employer_id, quarter) in &part.rejects {
            rejects.push(
                Reject::new(file.path.display().to_string(), blocks.line(seq, *line) as i64, reason.clone())
                    .of_row(employer_id.as_deref(), quarter.as_deref()),
            );
        }
    }
    let hasher = blocks.hasher.clone();
    Ok((blocks.into_parts().map(|(_, p)| p).collect(), rejects, hasher))
}
