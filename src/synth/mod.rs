//! Synthetic inputs at Belgian national scale (§7): `responsa generate`.
//!
//! Deterministic (same seed, same bytes): every employer draws from its own random stream,
//! seeded from the run's seed and its index, and employers are written in index order
//! whatever the number of threads. Calibrated on the published orders of magnitude: a
//! heavy-tailed employer size distribution (most under 10 workers), sector-specific
//! inflow into invalidity from `data/nace_bel_2008.csv`, employer-level heterogeneity
//! (a log-normal multiplier, so that a tail has an excessive inflow), public employers,
//! sheltered workshops, several joint committees, part-time FTE, turnover between
//! quarters, and ages and seniorities that make the 55-year and 3-year rules bite.
//!
//! Incapacities (§8.1) are drawn in `incapacity.rs`; files are written by `sink.rs`.
//!
//! `--faults RATE` inserts malformed rows of every kind of §6 and lists each in
//! `faults.csv` (file, line, kind, expected reason), so a test can check that exactly
//! those come back in `rejects.csv`.

use std::io::Write;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

mod incapacity;
mod sink;

use incapacity::incapacities;
use sink::{write_parquet, Sink, EMPLOYMENT_HEADER, INCAPACITY_HEADER, INVALIDITY_HEADER};

use crate::error::{io, Error, Result};
use crate::parse::{format_cents, format_micro};
use crate::quarter::{civil_from_days, days_from_civil, format_date, Quarter, QuarterRange};

/// The NACE-BEL 2008 classes (NACE-4) with their relative inflow into invalidity, their
/// share of employers and their usual joint committee.
pub const NACE_TABLE: &str = include_str!("../../data/nace_bel_2008.csv");

#[derive(Debug, Clone)]
pub struct NaceClass {
    pub nace4: String,
    pub section: String,
    pub inflow_index: f64,
    pub employer_weight: f64,
    pub joint_committee: String,
}

pub fn nace_classes() -> Vec<NaceClass> {
    let mut r = csv::Reader::from_reader(NACE_TABLE.as_bytes());
    r.records()
        .filter_map(|rec| {
            let rec = rec.ok()?;
            Some(NaceClass {
                nace4: rec.get(0)?.to_string(),
                section: rec.get(1)?.to_string(),
                inflow_index: rec.get(3)?.parse().ok()?,
                employer_weight: rec.get(4)?.parse().ok()?,
                joint_committee: rec.get(5)?.to_string(),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// ~200 employers, ~10,000 workers a quarter.
    Tiny,
    /// ~5,000 employers, ~150,000 workers a quarter.
    Small,
    /// ~250,000 employers, ~3,000,000 workers a quarter.
    National,
}

impl Scale {
    fn employers(self) -> usize {
        match self {
            Scale::Tiny => 200,
            Scale::Small => 5_000,
            Scale::National => 250_000,
        }
    }
    /// Pareto tail index and cap of the employer size distribution: tiny and small
    /// samples lean towards larger employers so that they have something to assess.
    fn size_law(self) -> (f64, f64, f64) {
        match self {
            Scale::Tiny => (0.7, 2.0, 600.0),
            Scale::Small => (0.8, 2.0, 3_000.0),
            Scale::National => (0.88, 1.0, 3_000.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Parquet,
    /// The employment lines as DmfA declarations (`dmfa/QUARTER-NNN.xml`, §13), the other
    /// inputs as CSV.
    Dmfa,
}

impl OutputFormat {
    /// The format of the inputs other than the employment lines.
    fn tables(self) -> OutputFormat {
        match self {
            OutputFormat::Dmfa => OutputFormat::Csv,
            f => f,
        }
    }
}

/// Declarations per DmfA file the generator writes: a national quarter in files that
/// every core can read side by side.
const DMFA_DECLARATIONS_PER_FILE: usize = 20_000;

/// A worker's INSS in the generated DmfA: eleven digits, unique within its employer
/// (slot and generation), as the lines' worker_id is; the distinct workers an employer
/// counts are the same.
fn generated_inss(slot: usize, generation: u32) -> String {
    format!("{:011}", slot as u64 * 1000 + generation as u64)
}

#[derive(Debug, Clone)]
pub struct Config {
    pub scale: Scale,
    pub seed: u64,
    pub out: PathBuf,
    pub format: OutputFormat,
    pub quarters: QuarterRange,
    /// Share of malformed rows to insert (0 = clean data).
    pub faults: f64,
    pub progress: bool,
}

/// Invalidity entries per FTE per quarter, before the filters of §3.1, for a sector
/// of inflow index 1 and an employer of multiplier 1.
const BASE_INFLOW: f64 = 0.0035;
/// Employer-level heterogeneity: sigma of the log-normal multiplier (mean 1).
const EMPLOYER_SIGMA: f64 = 0.95;
/// Share of workers leaving each quarter.
const TURNOVER: f64 = 0.04;

/// One employer of the synthetic population.
#[derive(Debug, Clone)]
struct Employer {
    index: usize,
    id: String,
    nace: String,
    category: &'static str,
    joint_committee: String,
    private: bool,
    size: u32,
    inflow: f64,
    /// Index into the quarters of the first quarter with lines.
    start: usize,
    /// Share of workers whose lines carry the white-collar committee 200.
    white_collar_share: f64,
}

fn stream(seed: u64, index: usize, purpose: u64) -> ChaCha8Rng {
    let mut s = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_0fbe_1a1b_u64.wrapping_mul(purpose + 1));
    s.set_stream(index as u64);
    s
}

fn lognormal(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    // Box-Muller; mean 1.
    let u1: f64 = rng.gen::<f64>().max(1e-12);
    let u2: f64 = rng.gen();
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    (sigma * z - sigma * sigma / 2.0).exp()
}

fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda > 30.0 {
        let u1: f64 = rng.gen::<f64>().max(1e-12);
        let u2: f64 = rng.gen();
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        return (lambda + lambda.sqrt() * z).round().max(0.0) as u32;
    }
    let l = (-lambda).exp();
    let (mut k, mut p) = (0u32, 1.0f64);
    loop {
        p *= rng.gen::<f64>();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

fn employers(cfg: &Config, classes: &[NaceClass]) -> Vec<Employer> {
    let total: f64 = classes.iter().map(|c| c.employer_weight).sum();
    let mut cumulative = Vec::with_capacity(classes.len());
    let mut acc = 0.0;
    for c in classes {
        acc += c.employer_weight / total;
        cumulative.push(acc);
    }
    let public: Vec<&NaceClass> = classes.iter().filter(|c| c.section == "O" || c.nace4.starts_with("85")).collect();
    let (alpha, xmin, cap) = cfg.scale.size_law();
    let n = cfg.scale.employers();
    (0..n)
        .map(|index| {
            let mut rng = stream(cfg.seed, index, 1);
            let u: f64 = rng.gen::<f64>().max(1e-12);
            let size = (xmin * u.powf(-1.0 / alpha)).min(cap).floor().max(1.0) as u32;
            let roll: f64 = rng.gen();
            let (class, private, category, jc) = if roll < 0.025 {
                let c = public[rng.gen_range(0..public.len())];
                (c, false, "000", "000".to_string())
            } else {
                let x: f64 = rng.gen();
                let i = cumulative.partition_point(|c| *c < x).min(classes.len() - 1);
                let c = &classes[i];
                (c, true, "010", c.joint_committee.clone())
            };
            // Sheltered workshops: about 150 in the national population, by category or
            // by joint committee 327.0x.
            let sheltered = private && rng.gen::<f64>() < (3.0 / n as f64).max(0.0006);
            let (category, jc, nace) = if sheltered {
                if rng.gen::<bool>() {
                    ("073", "327.01".to_string(), "88990".to_string())
                } else {
                    ("010", format!("327.0{}", rng.gen_range(1..4)), "88990".to_string())
                }
            } else {
                let sub = if rng.gen::<f64>() < 0.7 { 0 } else { rng.gen_range(1..3) };
                (category, jc, format!("{}{sub}", class.nace4))
            };
            let size = if sheltered { size.max(40) + 40 } else { size };
            // Large employers' inflow stays closer to their sector's: the spread shrinks
            // with size.
            let sigma = EMPLOYER_SIGMA / (1.0 + size as f64 / 1_000.0);
            let inflow = class.inflow_index * lognormal(&mut rng, sigma) * if sheltered { 2.0 } else { 1.0 };
            let start = if rng.gen::<f64>() < 0.04 { rng.gen_range(1..cfg.quarters.len().max(2)) } else { 0 };
            let white_collar_share =
                if ["C", "F", "H"].contains(&class.section.as_str()) && size >= 10 { 0.25 } else { 0.0 };
            let scrambled = (index as u64 * 7_919 + 12_345) % 1_000_000_000;
            Employer {
                index,
                id: format!("0{scrambled:09}"),
                nace,
                category,
                joint_committee: jc,
                private,
                size,
                inflow,
                start,
                white_collar_share,
            }
        })
        .collect()
}

/// A malformed row inserted on purpose, to be found in `rejects.csv`.
#[derive(Debug, Clone)]
struct Fault {
    /// Row index within its chunk; made a file line when the chunk is written.
    row: usize,
    kind: &'static str,
    reason: &'static str,
}

/// The rows of one employer, already formatted for CSV, or as columns for Parquet.
#[derive(Default)]
struct Rows {
    employment: Vec<u8>,
    employment_rows: usize,
    invalidity: Vec<u8>,
    invalidity_rows: usize,
    employment_faults: Vec<Fault>,
    invalidity_faults: Vec<Fault>,
    incapacity: Vec<u8>,
    incapacity_rows: usize,
    cols: Option<Columns>,
    /// DmfA: one declaration per quarter (index into the quarters), as XML.
    dmfa: Vec<(usize, String)>,
    /// DmfA: a line whose FTE no working time gives exactly (a bug of the writer).
    dmfa_error: Option<String>,
}

#[derive(Default)]
struct Columns {
    quarter: Vec<String>,
    employer: Vec<String>,
    worker: Vec<String>,
    fte: Vec<f64>,
    seniority: Vec<i32>,
    in_service: Vec<bool>,
    wages: Vec<f64>,
    jc: Vec<Option<String>>,
    inv: [Vec<String>; 2],
    inv_dates: [Vec<i32>; 4],
    inv_resumption: Vec<bool>,
    /// Incapacities: worker, employer, worker_type.
    inc: [Vec<String>; 3],
    /// incapacity_start, birth_date, service_start.
    inc_dates: [Vec<i32>; 3],
    /// incapacity_end, part_time_resumption.
    inc_optional: [Vec<Option<i32>>; 2],
    inc_disability: Vec<bool>,
    inc_benefit: Vec<f64>,
}

impl Columns {
    fn append(&mut self, mut o: Columns) {
        self.quarter.append(&mut o.quarter);
        self.employer.append(&mut o.employer);
        self.worker.append(&mut o.worker);
        self.fte.append(&mut o.fte);
        self.seniority.append(&mut o.seniority);
        self.in_service.append(&mut o.in_service);
        self.wages.append(&mut o.wages);
        self.jc.append(&mut o.jc);
        for k in 0..2 {
            self.inv[k].append(&mut o.inv[k]);
        }
        for k in 0..4 {
            self.inv_dates[k].append(&mut o.inv_dates[k]);
        }
        self.inv_resumption.append(&mut o.inv_resumption);
        for k in 0..3 {
            self.inc[k].append(&mut o.inc[k]);
            self.inc_dates[k].append(&mut o.inc_dates[k]);
        }
        for k in 0..2 {
            self.inc_optional[k].append(&mut o.inc_optional[k]);
        }
        self.inc_disability.append(&mut o.inc_disability);
        self.inc_benefit.append(&mut o.inc_benefit);
    }
}

struct Occupant {
    generation: u32,
    hired: i32,
    fte_micro: i64,
    wage_cents: i64,
    white_collar: bool,
}

const FTE_CHOICES: [i64; 7] = [500_000, 800_000, 600_000, 750_000, 200_000, 333_333, 900_000];

fn one_year_earlier(day: i32) -> i32 {
    let (y, m, d) = civil_from_days(day);
    days_from_civil(y - 1, m, d.min(crate::quarter::days_in_month(y - 1, m)))
}

/// Employment faults: each rewrites one field of a copied line (§6, issue 3).
const EMPLOYMENT_FAULTS: [(&str, &str); 10] = [
    ("bad_date", "seniority_date: not a date"),
    ("bad_number", "fte: not an FTE"),
    ("bad_quarter", "quarter: not a quarter"),
    ("bad_bool", "in_service_at_quarter_end: not a boolean"),
    ("negative_fte", "fte: negative value"),
    ("negative_wages", "wages: negative value"),
    ("wages_decimals", "wages: too many decimals"),
    ("fte_above_max", "fte: above 1.5 FTE on one line"),
    ("seniority_after_quarter", "seniority_date: after the end of the line's quarter"),
    ("unknown_employer", "employer_id: unknown employer"),
];
const INVALIDITY_FAULTS: [(&str, &str); 4] = [
    ("birth_after_incapacity", "birth_date after primary_incapacity_start"),
    ("invalidity_before_incapacity", "invalidity_start before primary_incapacity_start"),
    ("duplicate_invalidity", "duplicate invalidity row"),
    ("unknown_employer", "employer_id: unknown employer"),
];

#[allow(clippy::too_many_arguments)]
fn employment_line(
    out: &mut Vec<u8>,
    q: &str,
    emp: &str,
    worker: &str,
    fte: &str,
    sen: &str,
    ins: bool,
    wages: &str,
    jc: &str,
) {
    let _ = writeln!(out, "{q},{emp},{worker},{fte},{sen},{ins},{wages},{jc}");
}

fn generate_employer(cfg: &Config, e: &Employer, quarters: &[Quarter], dmfa: Option<&crate::rules::DmfaRules>) -> Rows {
    // Fault kinds rotate per file, from a different start for each employer.
    let mut fault_counter = e.index;
    let mut inv_fault_counter = e.index;
    let mut rng = stream(cfg.seed, e.index, 2);
    let mut irng = stream(cfg.seed, e.index, 4);
    let mut rows = Rows::default();
    let parquet = cfg.format == OutputFormat::Parquet;
    let mut cols = Columns::default();
    let first_day = quarters[0].first_day();
    let mut slots: Vec<Occupant> = (0..e.size)
        .map(|_| {
            let years: f64 = -8.0 * rng.gen::<f64>().max(1e-9).ln();
            let hired = first_day - (years.min(40.0) * 365.25) as i32 - rng.gen_range(0..30);
            new_occupant(&mut rng, 0, hired, e.white_collar_share)
        })
        .collect();
    for (qi, q) in quarters.iter().enumerate() {
        if qi < e.start {
            continue;
        }
        let qs = q.to_string();
        let mut fte_total = 0i64;
        // DmfA: the quarter's lines (INSS, FTE, seniority, in service, wages, committee).
        let mut declared: Vec<(String, i64, i32, bool, i64, &str)> = Vec::new();
        for (s, o) in slots.iter_mut().enumerate() {
            let hired = if qi == e.start && e.start > 0 { q.first_day() + rng.gen_range(0..60) } else { o.hired };
            o.hired = hired.min(q.last_day());
            let leaving = rng.gen::<f64>() < TURNOVER;
            let worker = format!("{}.{s}.{}", e.id, o.generation);
            let jc = if o.white_collar { "200" } else { "" };
            fte_total += o.fte_micro;
            let wage = o.wage_cents + rng.gen_range(0..5_000);
            if parquet {
                cols.quarter.push(qs.clone());
                cols.employer.push(e.id.clone());
                cols.worker.push(worker);
                cols.fte.push(o.fte_micro as f64 / 1e6);
                cols.seniority.push(o.hired);
                cols.in_service.push(!leaving);
                cols.wages.push(wage as f64 / 100.0);
                cols.jc.push((!jc.is_empty()).then(|| jc.to_string()));
            } else if dmfa.is_some() {
                declared.push((generated_inss(s, o.generation), o.fte_micro, o.hired, !leaving, wage, jc));
            } else {
                let fte = format_micro(o.fte_micro);
                let sen = format_date(o.hired);
                let wages = format_cents(wage);
                employment_line(&mut rows.employment, &qs, &e.id, &worker, &fte, &sen, !leaving, &wages, jc);
                if cfg.faults > 0.0 && rng.gen::<f64>() < cfg.faults {
                    let (kind, reason) = EMPLOYMENT_FAULTS[fault_counter % EMPLOYMENT_FAULTS.len()];
                    fault_counter += 1;
                    // The clean line is local row n + 1, the faulty copy row n + 2.
                    rows.employment_faults.push(Fault { row: rows.employment_rows + 2, kind, reason });
                    rows.employment_rows += 1;
                    let bad = |field: &str| kind == field;
                    let fte_bad = match kind {
                        "bad_number" => "\"1,5\"".to_string(),
                        "negative_fte" => "-0.5".to_string(),
                        "fte_above_max" => "1.6".to_string(),
                        _ => fte.clone(),
                    };
                    let sen_bad = match kind {
                        "bad_date" => "2019-02-30".to_string(),
                        "seniority_after_quarter" => format_date(q.last_day() + 1),
                        _ => sen.clone(),
                    };
                    let wages_bad = match kind {
                        "negative_wages" => "-100.00".to_string(),
                        "wages_decimals" => "1234.567".to_string(),
                        _ => wages.clone(),
                    };
                    let q_bad = if bad("bad_quarter") { format!("{}Q5", q.year()) } else { qs.clone() };
                    let emp_bad = if bad("unknown_employer") { format!("X{}", e.id) } else { e.id.clone() };
                    let ins_bad = if bad("bad_bool") { "maybe".to_string() } else { (!leaving).to_string() };
                    let _ = writeln!(
                        rows.employment,
                        "{q_bad},{emp_bad},{worker}-f,{fte_bad},{sen_bad},{ins_bad},{wages_bad},{jc}"
                    );
                }
            }
            rows.employment_rows += 1;
            if leaving {
                let next = q.offset(1).first_day() + rng.gen_range(0..45);
                *o = new_occupant(&mut rng, o.generation + 1, next, e.white_collar_share);
            }
        }
        if let Some(r) = dmfa {
            let lines: Vec<crate::dmfa::write::Line<'_>> = declared
                .iter()
                .map(|(inss, fte_micro, sen, ins, wages, jc)| crate::dmfa::write::Line {
                    inss,
                    fte_micro: *fte_micro,
                    seniority_date: *sen,
                    in_service: *ins,
                    wages_cents: *wages,
                    joint_committee: (!jc.is_empty()).then_some(*jc),
                })
                .collect();
            let mut xml = String::with_capacity(lines.len() * 700);
            if let Err(why) = crate::dmfa::write::declaration(&mut xml, *q, &e.id, &e.id[1..], &lines, r) {
                rows.dmfa_error.get_or_insert(why);
            }
            rows.dmfa.push((qi, xml));
        }
        // Primary incapacities starting in this quarter (§8.1), from 2025 on, drawn
        // from their own random stream so that the other files do not change.
        if *q >= Quarter::new(2025, 1).unwrap_or(*q) {
            incapacities(e, *q, &slots, &mut irng, &mut rows, parquet.then_some(&mut cols));
        }
        // Entries into invalidity starting in this quarter.
        let lambda = BASE_INFLOW * e.inflow * fte_total as f64 / 1e6;
        let n = poisson(&mut rng, lambda).min(e.size);
        let mut taken = std::collections::BTreeSet::new();
        for _ in 0..n {
            let s = rng.gen_range(0..e.size as usize);
            // One entry per worker and quarter.
            if !taken.insert(s) {
                continue;
            }
            let o = &slots[s];
            let worker = format!("{}.{s}.{}", e.id, o.generation);
            let span = (q.last_day() - q.first_day()) as u32 + 1;
            let inv = q.first_day() + rng.gen_range(0..span) as i32;
            let pis = one_year_earlier(inv);
            let age = 20.0 + 45.0 * rng.gen::<f64>().powf(0.6);
            let birth = pis - (age * 365.25) as i32 - rng.gen_range(0..365);
            let sen = o.hired.min(pis);
            let resumption = rng.gen::<f64>() < 0.12;
            if parquet {
                cols.inv[0].push(worker);
                cols.inv[1].push(e.id.clone());
                for (k, d) in [pis, inv, birth, sen].into_iter().enumerate() {
                    cols.inv_dates[k].push(d);
                }
                cols.inv_resumption.push(resumption);
                continue;
            }
            let line = format!(
                "{worker},{},{},{},{},{},{resumption}\n",
                e.id,
                format_date(pis),
                format_date(inv),
                format_date(birth),
                format_date(sen)
            );
            rows.invalidity.extend_from_slice(line.as_bytes());
            rows.invalidity_rows += 1;
            if cfg.faults > 0.0 && rng.gen::<f64>() < cfg.faults.sqrt().min(1.0) {
                let (kind, reason) = INVALIDITY_FAULTS[inv_fault_counter % INVALIDITY_FAULTS.len()];
                inv_fault_counter += 1;
                let bad = match kind {
                    "birth_after_incapacity" => format!(
                        "{worker}-f,{},{},{},{},{},false\n",
                        e.id,
                        format_date(pis),
                        format_date(inv),
                        format_date(pis + 1),
                        format_date(sen)
                    ),
                    "invalidity_before_incapacity" => format!(
                        "{worker}-f,{},{},{},{},{},false\n",
                        e.id,
                        format_date(pis),
                        format_date(pis - 1),
                        format_date(birth),
                        format_date(sen)
                    ),
                    "duplicate_invalidity" => line.clone(),
                    _ => line.replacen(&format!("{worker},{},", e.id), &format!("{worker}-f,X{},", e.id), 1),
                };
                rows.invalidity.extend_from_slice(bad.as_bytes());
                rows.invalidity_rows += 1;
                rows.invalidity_faults.push(Fault { row: rows.invalidity_rows, kind, reason });
            }
        }
    }
    if parquet {
        rows.employment_rows = cols.quarter.len();
        rows.invalidity_rows = cols.inv_resumption.len();
        rows.incapacity_rows = cols.inc_benefit.len();
        rows.cols = Some(cols);
    }
    rows
}

fn new_occupant(rng: &mut ChaCha8Rng, generation: u32, hired: i32, white_collar_share: f64) -> Occupant {
    let fte_micro = if rng.gen::<f64>() < 0.7 { 1_000_000 } else { FTE_CHOICES[rng.gen_range(0..FTE_CHOICES.len())] };
    let monthly = 2_700.0 * (0.35 * (rng.gen::<f64>() - 0.5)).exp() * (1.0 + rng.gen::<f64>());
    let wage_cents = (monthly * 3.0 * fte_micro as f64 / 1e6 * 100.0) as i64;
    Occupant { generation, hired, fte_micro, wage_cents, white_collar: rng.gen::<f64>() < white_collar_share }
}

/// The population a scale and seed draw, without writing any line: employers, workers
/// in the first quarter (before turnover), employers of 50 workers or more.
pub fn population(scale: Scale, seed: u64) -> (usize, u64, usize) {
    let cfg = Config {
        scale,
        seed,
        out: PathBuf::new(),
        format: OutputFormat::Csv,
        quarters: QuarterRange { first: Quarter(2022 * 4), last: Quarter(2023 * 4 + 3) },
        faults: 0.0,
        progress: false,
    };
    let emps = employers(&cfg, &nace_classes());
    let workers = emps.iter().map(|e| e.size as u64).sum();
    (emps.len(), workers, emps.iter().filter(|e| e.size >= 50).count())
}

/// What a run wrote.
#[derive(Debug, Default, Clone)]
pub struct Generated {
    pub employers: usize,
    pub register_rows: usize,
    pub employment_rows: usize,
    pub invalidity_rows: usize,
    /// 0 when no generated quarter is from 2025 on (no incapacity file is written).
    pub incapacity_rows: usize,
    pub faults: usize,
}

pub fn generate(cfg: &Config) -> Result<Generated> {
    if cfg.faults > 0.0 && cfg.format != OutputFormat::Csv {
        return Err(Error::Usage(
            "--faults writes CSV only (faulty values cannot be typed in Parquet, nor written as DmfA)".into(),
        ));
    }
    if !(0.0..=0.5).contains(&cfg.faults) {
        return Err(Error::Usage("--faults is a share of rows between 0 and 0.5".into()));
    }
    std::fs::create_dir_all(&cfg.out)
        .map_err(|e| Error::Usage(format!("{}: cannot create the output folder (--out): {e}", cfg.out.display())))?;
    let classes = nace_classes();
    let quarters: Vec<Quarter> = cfg.quarters.iter().collect();
    let emps = employers(cfg, &classes);
    let ext = if cfg.format.tables() == OutputFormat::Csv { "csv" } else { "parquet" };
    let mut summary = Generated { employers: emps.len(), ..Default::default() };

    // The register: one row per employer and quarter.
    let reg_path = cfg.out.join(format!("employers.{ext}"));
    let mut reg_faults = Vec::new();
    {
        let mut ids = Vec::new();
        let mut cols: [Vec<String>; 5] = Default::default();
        let mut private = Vec::new();
        let mut text = b"quarter,employer_id,nace,employer_category,joint_committee,private_sector\n".to_vec();
        let mut line = 1usize;
        let mut rng = stream(cfg.seed, 0, 3);
        for q in &quarters {
            for e in &emps {
                let qs = q.to_string();
                let row = format!("{qs},{},{},{},{},{}\n", e.id, e.nace, e.category, e.joint_committee, e.private);
                text.extend_from_slice(row.as_bytes());
                line += 1;
                ids.push(e.id.clone());
                cols[0].push(qs);
                cols[1].push(e.nace.clone());
                cols[2].push(e.category.to_string());
                cols[3].push(e.joint_committee.clone());
                private.push(e.private);
                if cfg.faults > 0.0 && rng.gen::<f64>() < cfg.faults {
                    let (kind, reason, bad) = if reg_faults.len() % 2 == 0 {
                        ("duplicate_register_row", "duplicate register row", row.clone())
                    } else {
                        (
                            "nace_not_5_digits",
                            "nace: not a NACE-BEL code of 5 digits",
                            row.replacen(&e.nace, &e.nace[..4], 1),
                        )
                    };
                    text.extend_from_slice(bad.as_bytes());
                    line += 1;
                    reg_faults.push((line - 1, kind, reason));
                }
            }
        }
        summary.register_rows = line - 1;
        if cfg.format.tables() == OutputFormat::Csv {
            std::fs::write(&reg_path, text).map_err(|e| io(&reg_path, "write", e))?;
        } else {
            let mut df = df!(
                "quarter" => &cols[0],
                "employer_id" => &ids,
                "nace" => &cols[1],
                "employer_category" => &cols[2],
                "joint_committee" => &cols[3],
                "private_sector" => &private,
            )?;
            write_parquet(&reg_path, &mut df)?;
        }
    }

    let pb = if cfg.progress { ProgressBar::new(emps.len() as u64) } else { ProgressBar::hidden() };
    pb.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} employers {elapsed}/{eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let dmfa_rules = match cfg.format {
        OutputFormat::Dmfa => Some(crate::rules::RuleSet::embedded()?.resolve(Quarter(9999 * 4 + 3), true)?.dmfa),
        _ => None,
    };
    let mut emp_out = if dmfa_rules.is_none() {
        Some(Sink::new(&cfg.out, "employment", cfg.format, EMPLOYMENT_HEADER)?)
    } else {
        None
    };
    let mut dmfa_out = match dmfa_rules {
        Some(_) => Some(sink::DmfaSink::new(&cfg.out, &quarters)?),
        None => None,
    };
    let mut inv_out = Sink::new(&cfg.out, "invalidity", cfg.format.tables(), INVALIDITY_HEADER)?;
    let with_incapacity = quarters.iter().any(|q| Some(*q) >= Quarter::new(2025, 1));
    let mut inc_out = if with_incapacity {
        Some(Sink::new(&cfg.out, "incapacity", cfg.format.tables(), INCAPACITY_HEADER)?)
    } else {
        None
    };
    let mut manifest: Vec<(String, usize, &str, &str)> =
        reg_faults.iter().map(|(l, k, r)| (reg_path.display().to_string(), *l, *k, *r)).collect();
    for chunk in emps.chunks(2_000) {
        let rows: Vec<Rows> =
            chunk.par_iter().map(|e| generate_employer(cfg, e, &quarters, dmfa_rules.as_ref())).collect();
        let mut merged = Columns::default();
        for r in rows {
            if let Some(why) = &r.dmfa_error {
                return Err(anyhow::anyhow!("generate --format dmfa: {why}").into());
            }
            if let Some(emp_out) = &emp_out {
                for f in &r.employment_faults {
                    manifest.push((emp_out.path.display().to_string(), emp_out.lines + f.row, f.kind, f.reason));
                }
            }
            for f in &r.invalidity_faults {
                manifest.push((inv_out.path.display().to_string(), inv_out.lines + f.row, f.kind, f.reason));
            }
            summary.employment_rows += r.employment_rows;
            summary.invalidity_rows += r.invalidity_rows;
            match (&mut emp_out, &mut dmfa_out) {
                (Some(o), _) => o.push_text(&r.employment, r.employment_rows)?,
                (None, Some(d)) => {
                    for (qi, xml) in &r.dmfa {
                        d.push(*qi, xml)?;
                    }
                }
                (None, None) => {}
            }
            inv_out.push_text(&r.invalidity, r.invalidity_rows)?;
            summary.incapacity_rows += r.incapacity_rows;
            if let Some(o) = inc_out.as_mut() {
                o.push_text(&r.incapacity, r.incapacity_rows)?;
            }
            if let Some(c) = r.cols {
                merged.append(c);
            }
        }
        if cfg.format == OutputFormat::Parquet {
            if let Some(emp_out) = emp_out.as_mut() {
                emp_out.push_employment(&merged)?;
            }
            inv_out.push_invalidity(&merged)?;
            if let Some(o) = inc_out.as_mut() {
                o.push_incapacity(&merged)?;
            }
        }
        pb.inc(chunk.len() as u64);
    }
    if let Some(emp_out) = emp_out {
        emp_out.finish()?;
    }
    if let Some(d) = dmfa_out {
        d.finish()?;
    }
    inv_out.finish()?;
    if let Some(o) = inc_out {
        o.finish()?;
    }
    pb.finish_and_clear();
    summary.faults = manifest.len();
    if cfg.faults > 0.0 {
        let path = cfg.out.join("faults.csv");
        let mut w =
            csv::Writer::from_path(&path).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
        w.write_record(["file", "line", "kind", "reason"]).map_err(anyhow::Error::from)?;
        for (f, l, k, r) in &manifest {
            w.write_record([f.as_str(), &(l + 1).to_string(), k, r]).map_err(anyhow::Error::from)?;
        }
        w.flush().map_err(|e| io(&path, "write", e))?;
    }
    Ok(summary)
}
