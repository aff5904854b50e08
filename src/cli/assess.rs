//! `responsa assess`: the contributions in force for one quarter (or several), end to
//! end (§2–§6, §5 for which contribution applies).

use std::path::{Path, PathBuf};

use crate::contribution::{self, Contribution};
use crate::dataset;
use crate::error::{Error, Result};
use crate::levy::{self, assess::assess};
use crate::quarter::{Quarter, QuarterRange};
use crate::report;
use crate::solidarity;

/// Assess a quarter under the contribution in force: reports, letters, report.html.
///
/// Reads the register, the employment lines and the invalidity entries or incapacities
/// of DATA (or STORE), decides every employer's status, warning and levy, or every
/// incapacity's contribution, and writes the reports to OUT. The rule set says which
/// contribution applies to which quarter (`responsa rules --quarter Q`): the invalidity
/// levy up to 2025Q4; a quarter where none that responsa computes is in force is refused.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Inputs, in DATA (or ingested into STORE), each as NAME.csv, NAME.parquet, or a folder NAME/
with one file per quarter:
  employers      the register: one row per employer and quarter (optional columns: language)
  employment     worker lines: FTE, seniority, in service at the quarter's end, wages
  invalidity     entries into invalidity             (needed for a levy quarter, up to 2025Q4)
  incapacity     primary incapacities, with end, part-time resumption and daily benefit
                                                     (needed for a solidarity quarter, from 2026Q1)

Outputs, in OUT (several quarters: one folder OUT/YYYYQn per quarter), written whole or not at all:
  levy quarter:
    assessment.csv                    every employer of the register at Q, every intermediate figure
    levy.csv                          the liable employers and their levy
    warnings.csv                      early warnings W1/W2/W3
    sectors.csv                       the pooled ratio of every sector group
    receipts_by_joint_committee.csv   the levy split over joint committees
  solidarity quarter:
    solidarity.csv                    every incapacity of Q: window, indemnified days, status, amount
    solidarity_by_employer.csv        per employer: incapacities, days and the contribution due
  both:
    report.html                       one self-contained page: key figures, plots, the largest amounts
    letters/EMPLOYER_ID.html          a printable letter per warned or liable employer (fr, nl, de)
    rejects.csv                       every input row not used, with file, line and reason
    summary.json                      counts, totals, rule set and input fingerprints
    responsa.xlsx                     with --xlsx: every table of the run in one workbook
    what_if.csv                       with --compare-to: what differs under the reference rule set

Examples:
  responsa assess --quarter 2023Q4 --data data/example --out out
  responsa assess --quarter 2026Q1 --data data/example --out out-2026
  responsa assess --quarters 2022Q4..2023Q4 --data DIR --out out --strict
  responsa assess --quarter 2023Q4 --data DIR --out what-if --rules my-rules.toml --compare-to default
  responsa assess --quarter 2026Q1 --store STORE --out out        # after responsa ingest

Exit codes: 0 success, 2 usage or structural error, 3 --strict and rows were rejected, 1 other.")]
pub struct Args {
    /// The assessed quarter Q, e.g. 2023Q4.
    #[arg(long, value_name = "YYYYQn", required_unless_present = "quarters", conflicts_with = "quarters")]
    pub quarter: Option<Quarter>,
    /// Several quarters in one run, e.g. 2022Q4..2023Q4: inputs are read once, one report
    /// folder is written per quarter.
    #[arg(long, value_name = "FIRST..LAST")]
    pub quarters: Option<QuarterRange>,
    #[command(flatten)]
    pub inputs: super::inputs::Inputs,
    /// Folder the reports are written to (created if needed; previous reports are
    /// replaced only once the new ones are complete).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A rule file to use instead of the embedded one, for a what-if.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// What-if: also assess under this reference rule set (`default` for the embedded
    /// one, or a file) and write what_if.csv, every employer whose status, warning or
    /// levy differs, with the change in liable count and levy total.
    #[arg(long, value_name = "default|FILE")]
    pub compare_to: Option<String>,
    /// The largest share of an input's rows, in percent, that may be rejected before the
    /// run stops with exit 3 instead of reporting (default: the rule set's
    /// max_rejected_share, 1 %; --strict: none).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<crate::rules::Decimal>,
    /// Fail (exit 3) when any input row was rejected, after writing rejects.csv.
    #[arg(long)]
    pub strict: bool,
    /// Assess a quarter before the rule set's first_quarter (2022Q4).
    #[arg(long)]
    pub allow_before_first_quarter: bool,
    /// Assess a quarter even when the inputs do not cover every quarter its computation
    /// reads (the register at Q; for the levy the employment lines of Q-7..Q-1, for the
    /// solidarity contribution those of Q-4..Q-1): the missing quarters count as empty,
    /// which changes ratios and headcounts. Without it such a quarter is refused (exit 2).
    #[arg(long)]
    pub allow_incomplete_data: bool,
    /// Also write every table of the run into OUT/responsa.xlsx, one sheet per table, with
    /// numbers as numbers and dates as dates.
    #[arg(long)]
    pub xlsx: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the wall time of each stage (read, aggregate, decide, write) on stderr.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: Args) -> Result<()> {
    let quarters: Vec<Quarter> = match (a.quarter, a.quarters) {
        (Some(q), _) => vec![q],
        (None, Some(r)) => r.iter().collect(),
        (None, None) => return Err(Error::Usage("give --quarter or --quarters".into())),
    };
    let set = super::rules::load(a.rules.as_deref())?;
    let rules: Vec<_> =
        quarters.iter().map(|q| set.resolve(*q, a.allow_before_first_quarter)).collect::<Result<_>>()?;
    // §5: each quarter under the contributions in force; none in force is refused
    // before any input is read.
    let on: Vec<Vec<Contribution>> = rules.iter().map(|r| contribution::to_compute(&set, r)).collect::<Result<_>>()?;
    let needs = dataset::Needs {
        invalidity: on.iter().flatten().any(|c| *c == Contribution::InvalidityLevy),
        incapacity: on.iter().flatten().any(|c| *c == Contribution::Solidarity),
    };
    let reference: Option<Vec<_>> = match a.compare_to.as_deref() {
        None => None,
        Some(c) => {
            let set = if c == "default" {
                crate::rules::RuleSet::embedded()?
            } else {
                super::rules::load(Some(Path::new(c)))?
            };
            Some(quarters.iter().map(|q| set.resolve(*q, a.allow_before_first_quarter)).collect::<Result<_>>()?)
        }
    };
    let all_rules: Vec<_> = rules.iter().chain(reference.iter().flatten()).cloned().collect();
    let line_rules = crate::run::line_rules(&all_rules)?;
    let pb = super::spinner(a.quiet);
    let clock = std::time::Instant::now();
    let stages = std::cell::RefCell::new(Vec::<(String, f64)>::new());
    let mark = |what: &str| {
        let t = clock.elapsed().as_secs_f64();
        stages.borrow_mut().push((what.to_string(), t));
    };
    let loaded = a.inputs.open(&all_rules, &quarters, needs, &|m: &str| {
        mark(m);
        pb.set_message(m.to_string())
    })?;
    mark("assessing");
    let runs: Vec<(Quarter, Vec<Contribution>)> = quarters.iter().copied().zip(on.iter().cloned()).collect();
    if !a.allow_incomplete_data {
        crate::run::check_coverage(&loaded, &runs)?;
    }
    let rejected = loaded.rejects.len() as u64;
    // §6: an input that lost more than max_rejected_share of its rows gives no report.
    let share = a.max_rejected_share.unwrap_or(line_rules.shared.max_rejected_share);
    let gate = crate::input::rejects::gate(
        &loaded.inputs,
        &loaded.rejects,
        share,
        false,
        &loaded.register.ids,
        &a.out.join("rejects.csv"),
    );
    if let Err(e) = gate {
        pb.finish_and_clear();
        report::write_rejects_only(&a.out, &loaded.rejects)?;
        return Err(e);
    }
    if a.strict && rejected > 0 {
        pb.finish_and_clear();
        report::write_rejects_only(&a.out, &loaded.rejects)?;
        return Err(Error::Strict { rejected, rejects: a.out.join("rejects.csv").display().to_string() });
    }
    let multi = quarters.len() > 1;
    let mut book = a.xlsx.then(crate::xlsx::Book::new);
    // report.html of each quarter, written once the trend over the run's quarters is known.
    let mut pages: Vec<(PathBuf, crate::html::Page)> = Vec::new();
    let mut summaries = Vec::new();
    // §6: every output of the run (each quarter's folder, report.html, the workbook)
    // appears at once when all are written, or none does.
    let run = report::Publication::new(&a.out)?;
    for (i, r) in rules.into_iter().enumerate() {
        let q = r.quarter;
        pb.set_message(format!("assessing {q}"));
        let out = if multi { PathBuf::from(q.to_string()) } else { PathBuf::new() };
        let mut st = run.staging(&out)?;
        let mut text = String::new();
        let mut levy_summary = None;
        if on[i].contains(&Contribution::InvalidityLevy) {
            let assessment = assess(&loaded, r.clone())?;
            let compared = match &reference {
                Some(refs) => Some(levy::whatif::compare(&assess(&loaded, refs[i].clone())?, &assessment)),
                None => None,
            };
            let what_if = compared.as_ref().map(|(c, t)| (c.as_slice(), t));
            mark(&format!("writing the letters of {q}"));
            // §11: a letter for every warned employer, in its language; written on
            // another thread while the tables below are.
            let letters: Vec<(String, String)> = {
                use rayon::prelude::*;
                let warned: Vec<&levy::assess::EmployerRow> =
                    assessment.employers.iter().filter(|e| e.warning.is_some()).collect();
                let rendered: Vec<Option<(String, String)>> = warned
                    .par_iter()
                    .map(|e| {
                        let name: String = e
                            .employer_id
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
                            .collect();
                        Ok(crate::html::letters::letter(&assessment, e)?.map(|html| (format!("{name}.html"), html)))
                    })
                    .collect::<Result<_>>()?;
                rendered.into_iter().flatten().collect()
            };
            if !letters.is_empty() {
                st.texts_in("letters", letters)?;
            }
            mark(&format!("writing the levy reports of {q}"));
            levy_summary = Some(levy::report::stage(&mut st, &assessment, &loaded.inputs, what_if)?);
            let mut page = crate::html::levy_page(&assessment);
            page.quality = crate::html::quality(&loaded.inputs);
            pages.push((out.clone(), page));
            text.push_str(&format!("{}\n", Contribution::InvalidityLevy.name()));
            text.push_str(&levy::report::terminal_summary(&assessment, rejected));
            if let Some((_, t)) = &compared {
                text.push_str(&levy::whatif::terminal(t));
            }
            // Hundreds of thousands of rows are freed on another thread while this one
            // writes (tens of milliseconds at national scale).
            std::thread::spawn(move || drop((assessment, compared)));
        }
        let mut solidarity_part = None;
        let mut solidarity_assessment = None;
        if on[i].contains(&Contribution::Solidarity) {
            let sa = solidarity::assess::assess(&loaded, r.clone())?;
            let compared = match &reference {
                Some(refs) => {
                    Some(solidarity::whatif::compare(&solidarity::assess::assess(&loaded, refs[i].clone())?, &sa))
                }
                None => None,
            };
            let what_if = compared.as_ref().map(|(c, t)| (c.as_slice(), t));
            solidarity_part = Some(solidarity::report::stage(&mut st, &sa, what_if)?);
            let mut page = crate::html::solidarity_page(&sa);
            page.quality = crate::html::quality(&loaded.inputs);
            match pages.last_mut() {
                // Both contributions in force (a what-if): one page with both.
                Some((o, p)) if *o == out => {
                    p.figures.extend(page.figures);
                    p.charts.extend(page.charts);
                    p.trend_value.1 += page.trend_value.1;
                }
                _ => pages.push((out.clone(), page)),
            }
            text.push_str(&format!("{}\n", Contribution::Solidarity.name()));
            text.push_str(&solidarity::report::terminal_summary(&sa));
            if levy_summary.is_none() && rejected > 0 {
                text.push_str(&format!("rejected input rows: {rejected} (see rejects.csv)\n"));
            }
            if let Some((_, t)) = &compared {
                text.push_str(&solidarity::whatif::terminal(t));
            }
            solidarity_assessment = Some(sa);
        }
        mark(&format!("writing {q}"));
        pb.set_message(format!("writing {}", a.out.join(&out).display()));
        text.push_str(&crate::input::rejects::terminal_lines(&loaded.inputs));
        st.csv("rejects.csv", report::REJECTS_HEADER, report::rejects_rows(&loaded.rejects))?;
        match (levy_summary, solidarity_part, solidarity_assessment) {
            (Some(mut ls), part, _) => {
                ls.solidarity = part.map(serde_json::to_value).transpose().map_err(anyhow::Error::from)?;
                st.json("summary.json", &ls)?;
            }
            (None, Some(part), Some(sa)) => {
                st.json("summary.json", &solidarity::report::summary(&sa, &loaded.inputs, part))?;
            }
            _ => return Err(anyhow::anyhow!("{q}: no contribution was computed").into()),
        }
        if let Some(b) = book.as_mut() {
            let qs = q.to_string();
            for (name, path) in st.staged().iter().filter(|(n, _)| n.ends_with(".csv")) {
                b.add_csv(&crate::xlsx::sheet_name(multi.then_some(qs.as_str()), name), path)?;
            }
        }
        st.publish()?;
        summaries.push(text);
    }
    if let Some(b) = book {
        b.save(&run.path("responsa.xlsx"))?;
    }
    let values: Vec<(String, i64)> = pages.iter().map(|(_, p)| p.trend_value.clone()).collect();
    for (out, mut page) in pages {
        page.trend = crate::html::trend("Amount assessed per quarter in this run", &values);
        let path = run.path(out).join("report.html");
        std::fs::write(&path, crate::html::render(&page)?).map_err(|e| crate::error::io(&path, "write", e))?;
    }
    run.publish()?;
    pb.finish_and_clear();
    // The process ends right after: the OS takes the inputs' memory back at once, where
    // freeing it piece by piece would cost tens of milliseconds at national scale.
    std::mem::forget(loaded);
    mark("done");
    if a.timings {
        let s = stages.borrow();
        for w in s.windows(2) {
            eprintln!("{:>8.3} s  {}", w[1].1 - w[0].1, w[0].0);
        }
        eprintln!("{:>8.3} s  total", clock.elapsed().as_secs_f64());
    }
    if !a.quiet {
        println!("{}", summaries.join("\n"));
        println!("reports written to {}", a.out.display());
    }
    Ok(())
}
