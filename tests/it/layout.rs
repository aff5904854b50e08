//! The employment file is read in parallel blocks (§7); the result must not depend
//! on how the file is laid out or cut: the same assessment, the same rejects at the same
//! lines, whether lines come grouped by employer and quarter or shuffled, quoted or not,
//! in one block or in hundreds.

use crate::common::{show, Workdir};

/// The reports that must be identical (summary.json differs only by the fingerprints).
const REPORTS: [&str; 6] =
    ["assessment.csv", "levy.csv", "warnings.csv", "sectors.csv", "receipts_by_joint_committee.csv", "rejects.csv"];

fn assess(w: &Workdir, data: &str, out: &str, block: Option<&str>) {
    let env: Vec<(&str, &str)> = block.map(|b| ("RESPONSA_CSV_BLOCK_BYTES", b)).into_iter().collect();
    // Generated with faults on purpose, more than the default tolerance of §6 allows.
    let args = ["assess", "--quarter", "2023Q4", "--data", data, "--out", out, "-q", "--max-rejected-share", "100"];
    let o = w.run_env(&args, &env);
    assert!(o.status.success(), "{}", show(&o));
}

/// Compares the reports in `a` and `b`, made from the data folders `da` and `db` (whose
/// names appear in rejects.csv).
fn same_reports(w: &Workdir, (a, da): (&str, &str), (b, db): (&str, &str), what: &str) {
    for f in REPORTS {
        let x = w.read(&format!("{a}/{f}")).replace(&format!("{da}/"), "DATA/");
        let y = w.read(&format!("{b}/{f}")).replace(&format!("{db}/"), "DATA/");
        if x != y {
            let diff: Vec<String> = x
                .lines()
                .zip(y.lines())
                .filter(|(l, r)| l != r)
                .take(5)
                .map(|(l, r)| format!("  expected {l}\n  actual   {r}"))
                .collect();
            panic!("{what}: {f} differs ({} vs {} lines)\n{}", x.lines().count(), y.lines().count(), diff.join("\n"));
        }
    }
}

/// Writes `data` with its employment lines transformed by `f` (header kept).
fn variant(w: &Workdir, from: &str, to: &str, f: impl Fn(Vec<&str>) -> Vec<String>) {
    for t in ["employers.csv", "invalidity.csv"] {
        w.write(&format!("{to}/{t}"), w.read(&format!("{from}/{t}")));
    }
    let text = w.read(&format!("{from}/employment.csv"));
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let body = f(lines.collect());
    w.write(&format!("{to}/employment.csv"), format!("{header}\n{}\n", body.join("\n")));
}

#[test]
fn the_assessment_does_not_depend_on_blocks_order_or_quoting() {
    let w = Workdir::new();
    // Faults give rejects whose line numbers must survive the cutting into blocks.
    let o = w.run(&["generate", "--scale", "tiny", "--seed", "11", "--out", "base", "--faults", "0.002", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    assess(&w, "base", "out-base", None);
    assert!(w.read("out-base/rejects.csv").lines().count() > 10, "the faults give rejects");

    // Blocks of 4 KB: every few dozen lines a block ends, often inside a run of one
    // employer and quarter, whose workers must be merged across the two blocks.
    assess(&w, "base", "out-small-blocks", Some("4096"));
    same_reports(&w, ("out-base", "base"), ("out-small-blocks", "base"), "4 KB blocks");

    // Each usable line followed by a copy with no FTE and no wages: the sums do not move,
    // the worker is counted once. Then lines sorted by worker: every employer-quarter is
    // split into many runs, counted again by the second pass. Lines move, so rejects are
    // compared by reason only.
    let rejected: std::collections::BTreeSet<usize> = crate::common::read_csv(&w.path("out-base/rejects.csv"))
        .into_iter()
        .filter(|r| r["file"].ends_with("employment.csv"))
        .map(|r| r["line"].parse().unwrap_or(0))
        .collect();
    let doubled = |l: Vec<&str>| -> Vec<String> {
        let mut out = Vec::new();
        for (i, line) in l.iter().enumerate() {
            out.push(line.to_string());
            if !rejected.contains(&(i + 2)) {
                let mut f: Vec<&str> = line.split(',').collect();
                (f[3], f[6]) = ("0", "0.00");
                out.push(f.join(","));
            }
        }
        out
    };
    variant(&w, "base", "doubled", doubled);
    variant(&w, "base", "by-worker", |l| {
        let mut l = doubled(l);
        l.sort_by_key(|s| s.split(',').nth(2).unwrap_or_default().to_string());
        l
    });
    let reasons = |d: &str| {
        let mut r: Vec<String> = crate::common::read_csv(&w.path(&format!("{d}/rejects.csv")))
            .into_iter()
            .filter(|r| r["file"].ends_with("employment.csv"))
            .map(|r| r["reason"].clone())
            .collect();
        r.sort();
        r
    };
    let base = reasons("out-base");
    assert!(base.len() > 10, "employment rejects expected");
    for (data, block) in [("doubled", "4096"), ("by-worker", "4096"), ("by-worker", "")] {
        assess(&w, data, "out-variant", Some(block).filter(|b| !b.is_empty()));
        for f in &REPORTS[..5] {
            assert!(
                w.read(&format!("out-base/{f}")) == w.read(&format!("out-variant/{f}")),
                "{data} (block {block:?}): {f} differs"
            );
        }
        assert_eq!(base, reasons("out-variant"), "{data} (block {block:?}): rejects");
    }

    // Every field quoted, CRLF line ends: the quoted path, same lines.
    variant(&w, "base", "quoted", |l| {
        l.iter().map(|s| s.split(',').map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(",") + "\r").collect()
    });
    for block in [None, Some("4096")] {
        assess(&w, "quoted", "out-quoted", block);
        same_reports(&w, ("out-base", "base"), ("out-quoted", "quoted"), "quoted fields");
    }
}
