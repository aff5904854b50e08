//! Employment lines from DmfA files (§13), pushed to the run aggregation like CSV lines.
//! Two passes over the files, each file on its own core: the first finds each worker's
//! earliest occupation start with each employer (the seniority date, unless the optional
//! `seniority` input gives it) and the declarations a second one of the same employer
//! and quarter repeats (rejected as duplicates, the first used); the second makes each
//! occupation's line ([`crate::dmfa::line`]) and aggregates it. Memory: the earliest
//! starts, one per worker and employer; the files are streamed.

use std::path::{Path, PathBuf};

use polars::prelude::{InitHashMaps, PlHashMap, PlHashSet};
use rayon::prelude::*;

use crate::dmfa::xml::{self, Declaration, Occupation, Visit};
use crate::dmfa::{line, EmployerKey};
use crate::error::{Error, Result};
use crate::input::employment::Fields;
use crate::input::rejects::Reject;
use crate::input::InputFile;
use crate::quarter::Quarter;

use super::{Agg, Params, Part};

/// How DmfA files are read: the rule set's readings, the employer key, and the
/// occupation starts held elsewhere (§13).
#[derive(Clone)]
pub struct Reading {
    pub rules: crate::rules::DmfaRules,
    pub employer: EmployerKey,
    /// The store's earlier extracts: calls its argument with each (employer_id, INSS,
    /// start) they hold; the earliest start of a worker with an employer is taken over
    /// those and the extract's own.
    pub held: Option<std::sync::Arc<Held>>,
}

/// Occupation starts held elsewhere, told one by one (§13).
pub type Held = dyn Fn(&mut dyn FnMut(&str, u64, i32)) -> Result<()> + Send + Sync;

impl Reading {
    /// The rule set's readings and the employer key, nothing held elsewhere.
    pub fn new(rules: crate::rules::DmfaRules, employer: EmployerKey) -> Reading {
        Reading { rules, employer, held: None }
    }
}

/// A worker and an employer: the key of a seniority date (register index, INSS).
type Pair = (u32, u64);

/// What the first pass finds in the files one thread reads.
#[derive(Default)]
struct First {
    /// (employer as the register keys it, quarter as written, file, line).
    declarations: Vec<(String, String, usize, u64)>,
    starts: PlHashMap<Pair, i32>,
}

struct FirstPass<'a> {
    register: &'a crate::input::register::Register,
    rules: &'a crate::rules::DmfaRules,
    key: EmployerKey,
    /// The file's index, in name order.
    file: usize,
    out: First,
    /// The current declaration's line and register index.
    current: Option<(u64, Option<u32>)>,
}

impl FirstPass<'_> {
    fn employer(&mut self, d: &Declaration) -> Option<u32> {
        match self.current {
            Some((line, e)) if line == d.line => e,
            _ => {
                let e = self.key.of(d).and_then(|id| self.register.index.get(id.as_str()).copied());
                self.current = Some((d.line, e));
                e
            }
        }
    }
}

impl Visit for FirstPass<'_> {
    fn occupation(&mut self, d: &Declaration, o: &Occupation) {
        // Only an occupation that makes a line is held (§13): one whose values cannot be
        // read, or give no FTE or wages, gives no start.
        let makes_a_line =
            o.fault.is_none() && line::fte(&o.values, self.rules).is_ok() && line::wages(&o.values, self.rules).is_ok();
        let (true, Some(e), Some(inss), Some(start)) =
            (makes_a_line, self.employer(d), line::inss(&o.inss), o.values.start)
        else {
            return;
        };
        let s = self.out.starts.entry((e, inss)).or_insert(start);
        *s = (*s).min(start);
    }
    fn declaration(&mut self, d: &Declaration) {
        if let Some(id) = self.key.of(d) {
            self.out.declarations.push((id, d.quarter.trim().to_string(), self.file, d.line));
        }
    }
}

/// The optional `seniority` input next to the DmfA folder: `worker_id, employer_id,
/// service_start` (§13). A row that cannot be read is a structural error naming it.
fn seniority_input(data: &Path, register: &crate::input::register::Register) -> Result<PlHashMap<Pair, i32>> {
    let path = data.join(format!("{}.csv", crate::dmfa::SENIORITY));
    let mut out = PlHashMap::new();
    if !path.is_file() {
        return Ok(out);
    }
    let mut rdr =
        csv::Reader::from_path(&path).map_err(|e| Error::at(&path, None, None, format!("cannot open: {e}")))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::at(&path, Some(1), None, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            Error::at(
                &path,
                Some(1),
                Some(name),
                format!("missing required column; the header has: {}", header.join(", ")),
            )
        })
    };
    let (w, e, s) = (col("worker_id")?, col("employer_id")?, col("service_start")?);
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|err| Error::at(&path, Some(line), None, err.to_string()))?;
        let field = |c: usize| rec.get(c).unwrap_or("").trim();
        let inss = line::inss(field(w))
            .ok_or_else(|| Error::at(&path, Some(line), Some("worker_id"), "not an INSS of 11 digits"))?;
        let start = crate::parse::parse_date(field(s))
            .map_err(|_| Error::at(&path, Some(line), Some("service_start"), "not a date (YYYY-MM-DD)"))?;
        if let Some(&employer) = register.index.get(field(e)) {
            out.insert((employer, inss), start);
        }
    }
    Ok(out)
}

/// An occupation's employment line (§13), with how its FTE and seniority were found.
#[derive(Debug, Clone)]
pub struct Made {
    /// The line of its `<Occupation>`.
    pub line: u64,
    pub quarter: Quarter,
    /// As the register keys it.
    pub employer_id: String,
    /// Its register index, when the register holds it.
    pub employer: Option<u32>,
    pub worker_id: String,
    /// `worker_id` as a number.
    pub inss: u64,
    pub fte: i64,
    pub basis: line::Basis,
    pub wages: i64,
    /// The remunerations counted in the wages: (code, cents); filled when the line is
    /// listed (`responsa lines`, explanations), not when it is only aggregated.
    pub wage_codes: Vec<(u16, i64)>,
    pub seniority_date: i32,
    /// Whether the seniority date came from the `seniority` input.
    pub seniority_given: bool,
    /// The earliest occupation start held of the worker with the employer.
    pub earliest: Option<i32>,
    pub in_service: bool,
    pub joint_committee: Option<String>,
}

impl Made {
    /// The line as §2.2's fields, for the checks and the aggregation.
    fn fields(&self) -> Fields<'_> {
        Fields {
            employer_id: Some(&self.employer_id),
            employer: self.employer,
            worker_id: Some(&self.worker_id),
            quarter: Ok(self.quarter),
            fte: Ok(self.fte),
            seniority_date: Ok(self.seniority_date),
            in_service: Ok(self.in_service),
            wages: Ok(self.wages),
            joint_committee: self.joint_committee.as_deref(),
        }
    }
}

/// A DmfA occupation that makes no line: the reason, and its employer and quarter as far
/// as they were read.
struct Unmade {
    reason: String,
    employer_id: Option<String>,
    quarter: String,
}

/// The declaration being read: its line, its employer as keyed, the employer's register
/// index, its quarter.
type Current = (u64, Option<String>, Option<u32>, Option<Quarter>);

/// Makes each occupation's line, with what the first pass found.
struct Maker<'a> {
    reading: &'a Reading,
    register: &'a crate::input::register::Register,
    file: usize,
    duplicates: &'a PlHashSet<(usize, u64)>,
    seniority: &'a PlHashMap<Pair, i32>,
    starts: &'a PlHashMap<Pair, i32>,
    current: Option<Current>,
}

impl Maker<'_> {
    fn make(&mut self, d: &Declaration, o: &Occupation) -> std::result::Result<Made, Unmade> {
        if self.current.as_ref().is_none_or(|c| c.0 != d.line) {
            let id = self.reading.employer.of(d);
            let index = id.as_ref().and_then(|id| self.register.index.get(id.as_str()).copied());
            self.current = Some((d.line, id, index, line::quarter(&d.quarter)));
        }
        let (id, employer, quarter) = match &self.current {
            Some((_, id, e, q)) => (id.clone(), *e, *q),
            None => (None, None, None),
        };
        let unmade = |reason: String| Unmade {
            reason,
            employer_id: id.clone(),
            quarter: quarter.map_or_else(|| d.quarter.clone(), |q| q.to_string()),
        };
        let Some(employer_id) = id.clone() else {
            let which = self.reading.employer.element();
            return Err(unmade(format!("EmployerDeclaration/{which}: missing or not an employer number")));
        };
        let Some(quarter) = quarter else {
            return Err(unmade("EmployerDeclaration/Quarter: not a quarter (YYYYQ, e.g. 20233)".into()));
        };
        if self.duplicates.contains(&(self.file, d.line)) {
            return Err(unmade(format!(
                "duplicate declaration of employer {employer_id} for {quarter} in this extract (the first is used)"
            )));
        }
        if let Some(f) = &o.fault {
            return Err(unmade(f.reason()));
        }
        let Some(inss) = line::inss(&o.inss) else {
            return Err(unmade("NaturalPerson/INSS: missing or not 11 digits".into()));
        };
        let rules = &self.reading.rules;
        let ((fte, basis), wages) = match (line::fte(&o.values, rules), line::wages(&o.values, rules)) {
            (Ok(f), Ok(w)) => (f, w),
            (Err(f), _) | (_, Err(f)) => return Err(unmade(f.reason())),
        };
        let given = employer.and_then(|e| self.seniority.get(&(e, inss)));
        let earliest = employer.and_then(|e| self.starts.get(&(e, inss)));
        let seniority_date = match (given, earliest, o.values.start) {
            (Some(&s), _, _) | (None, Some(&s), _) | (None, None, Some(s)) => s,
            (None, None, None) => return Err(unmade("OccupationStartingDate: missing value".into())),
        };
        Ok(Made {
            line: o.line,
            quarter,
            employer_id,
            employer,
            worker_id: o.inss.trim().to_string(),
            inss,
            fte,
            basis,
            wages,
            wage_codes: Vec::new(),
            seniority_date,
            seniority_given: given.is_some(),
            earliest: earliest.copied(),
            in_service: line::in_service(o.values.end, quarter.last_day()),
            joint_committee: o.joint_committee.clone(),
        })
    }
}

/// The second pass over one file: each occupation's line, aggregated.
struct SecondPass<'a> {
    maker: Maker<'a>,
    agg: Agg<'a>,
    path: String,
    rejects: Vec<Reject>,
}

impl SecondPass<'_> {
    fn reject(&mut self, line: u64, reason: String, employer_id: Option<&str>, quarter: &str) {
        self.rejects.push(Reject::new(self.path.clone(), line as i64, reason).of_row(employer_id, Some(quarter)));
    }
}

impl Visit for SecondPass<'_> {
    fn occupation(&mut self, d: &Declaration, o: &Occupation) {
        match self.maker.make(d, o) {
            Ok(m) => match self.agg.push(&m.fields()) {
                Ok(()) => {
                    // The store keeps each pair's earliest start, for later extracts.
                    if let (Some(_), Some(e), Some(s)) = (self.agg.p.bound, m.employer, m.earliest) {
                        self.agg.part.starts.push((e, m.quarter.0, m.inss, s));
                    }
                }
                Err(fault) => self.reject(o.line, fault.reason(), Some(&m.employer_id), &m.quarter.to_string()),
            },
            Err(u) => {
                self.agg.part.invalid += 1;
                self.reject(o.line, u.reason, u.employer_id.as_deref(), &u.quarter);
            }
        }
    }
}

/// The lines of the second pass, listed rather than aggregated (`responsa lines`,
/// explanations): those of the employers `keep` accepts, each checked as §6 checks a line.
struct Listing<'a> {
    maker: Maker<'a>,
    bounds: crate::input::employment::RowBounds,
    keep: &'a (dyn Fn(&str) -> bool + Sync),
    path: String,
    lines: Vec<Made>,
    rejects: Vec<Reject>,
}

impl Visit for Listing<'_> {
    fn occupation(&mut self, d: &Declaration, o: &Occupation) {
        let made = self.maker.make(d, o);
        let employer = match &made {
            Ok(m) => Some(m.employer_id.as_str()),
            Err(u) => u.employer_id.as_deref(),
        };
        if !employer.is_some_and(|e| (self.keep)(e)) {
            return;
        }
        let unmade = match made {
            Ok(m) => match crate::input::employment::check(&m.fields(), self.bounds) {
                Ok(_) => {
                    let rules = &self.maker.reading.rules;
                    let wage_codes = line::counted(&o.values, rules).map(|r| (r.code, r.amount)).collect();
                    self.lines.push(Made { wage_codes, ..m });
                    return;
                }
                Err(f) => {
                    Unmade { reason: f.reason(), employer_id: Some(m.employer_id), quarter: m.quarter.to_string() }
                }
            },
            Err(u) => u,
        };
        self.rejects.push(
            Reject::new(self.path.clone(), o.line as i64, unmade.reason)
                .of_row(unmade.employer_id.as_deref(), Some(&unmade.quarter)),
        );
    }
}

/// The data folder holding a DmfA folder's files (for its `seniority` input).
fn data_folder(files: &[InputFile]) -> Option<PathBuf> {
    files.first().and_then(|f| f.path.parent()).and_then(Path::parent).map(Path::to_path_buf)
}

/// What the first pass finds in every file: the duplicate declarations (file, line), the
/// earliest starts, and the `seniority` input.
struct Found {
    duplicates: PlHashSet<(usize, u64)>,
    starts: PlHashMap<Pair, i32>,
    seniority: PlHashMap<Pair, i32>,
}

fn first_pass(files: &[InputFile], register: &crate::input::register::Register, reading: &Reading) -> Result<Found> {
    // Each thread folds its files into one map of earliest starts, and the threads' maps
    // are merged: memory holds a few maps, not one per file.
    let found = files
        .par_iter()
        .enumerate()
        .try_fold(First::default, |out, (file, f)| {
            let mut v = FirstPass { register, rules: &reading.rules, key: reading.employer, file, out, current: None };
            xml::read(&f.path, &mut v)?;
            Ok::<First, Error>(v.out)
        })
        .try_reduce(First::default, |a, b| {
            let (mut big, small) = if a.starts.len() >= b.starts.len() { (a, b) } else { (b, a) };
            for (k, s) in small.starts {
                let e = big.starts.entry(k).or_insert(s);
                *e = (*e).min(s);
            }
            big.declarations.extend(small.declarations);
            Ok(big)
        })?;
    let First { declarations, mut starts } = found;
    // The starts the store holds of earlier extracts, for the pairs this one declares.
    if let Some(held) = &reading.held {
        held(&mut |employer: &str, inss: u64, start: i32| {
            if let Some(s) = register.index.get(employer).and_then(|&e| starts.get_mut(&(e, inss))) {
                *s = (*s).min(start);
            }
        })?;
    }
    let mut declared: Vec<(&str, &str, usize, u64)> =
        declarations.iter().map(|(e, q, f, l)| (e.as_str(), q.as_str(), *f, *l)).collect();
    // §13: a second declaration of one employer and quarter is a duplicate; files in
    // name order, declarations in file order: the first is used.
    declared.sort_unstable();
    let mut duplicates: PlHashSet<(usize, u64)> = PlHashSet::new();
    for same in declared.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
        duplicates.extend(same[1..].iter().map(|d| (d.2, d.3)));
    }
    let seniority = match data_folder(files) {
        Some(data) => seniority_input(&data, register)?,
        None => PlHashMap::new(),
    };
    Ok(Found { duplicates, starts, seniority })
}

impl Found {
    fn maker<'a>(
        &'a self,
        reading: &'a Reading,
        register: &'a crate::input::register::Register,
        file: usize,
    ) -> Maker<'a> {
        Maker {
            reading,
            register,
            file,
            duplicates: &self.duplicates,
            seniority: &self.seniority,
            starts: &self.starts,
            current: None,
        }
    }
}

/// Every DmfA file of the employment source, in parts as the CSV blocks are.
pub(super) fn dmfa_files(files: &[InputFile], p: &Params<'_>) -> Result<(Vec<Part>, Vec<Reject>)> {
    let reading =
        p.dmfa.ok_or_else(|| anyhow::anyhow!("DmfA files read without their reading (the rule set's dmfa)"))?;
    let found = first_pass(files, p.register, reading)?;
    let done: Vec<(Part, Vec<Reject>)> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut v = SecondPass {
                maker: found.maker(reading, p.register, i),
                agg: Agg::new(p),
                path: f.path.display().to_string(),
                rejects: Vec::new(),
            };
            xml::read(&f.path, &mut v)?;
            Ok((v.agg.finish(), v.rejects))
        })
        .collect::<Result<_>>()?;
    let mut parts = Vec::with_capacity(done.len());
    let mut rejects = Vec::new();
    for (part, r) in done {
        parts.push(part);
        rejects.extend(r);
    }
    Ok((parts, rejects))
}

/// Lines with the file of each, and the occupations that make none.
pub type Listed = (Vec<(String, Made)>, Vec<Reject>);

/// The employment lines of the DmfA files of `source` (§13), of the employers `keep`
/// accepts, each checked as §6 checks a line; in file order, with the file of each.
pub fn lines(
    source: &crate::input::Source,
    register: &crate::input::register::Register,
    reading: &Reading,
    bounds: crate::input::employment::RowBounds,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Listed> {
    let files: Vec<InputFile> =
        source.files.iter().filter(|f| f.format == crate::input::Format::Dmfa).cloned().collect();
    let found = first_pass(&files, register, reading)?;
    let done: Vec<Listed> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let path = f.path.display().to_string();
            let mut v = Listing {
                maker: found.maker(reading, register, i),
                bounds,
                keep,
                path: path.clone(),
                lines: Vec::new(),
                rejects: Vec::new(),
            };
            xml::read(&f.path, &mut v)?;
            Ok((v.lines.into_iter().map(|m| (path.clone(), m)).collect(), v.rejects))
        })
        .collect::<Result<_>>()?;
    let (mut lines, mut rejects) = (Vec::new(), Vec::new());
    for (l, r) in done {
        lines.extend(l);
        rejects.extend(r);
    }
    Ok((lines, rejects))
}
