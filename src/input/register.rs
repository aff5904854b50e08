//! The employer register (§2.1): one row per employer per quarter, validated in
//! Rust. A second row for the same employer and quarter is rejected, the first kept
//! (§6). Every employer known in any quarter gets a compact index (its rank in the
//! sorted list of identifiers) that the employment aggregation groups by.

use compact_str::CompactString;
use polars::prelude::PlHashMap;
use rayon::prelude::*;

use crate::error::Result;
use crate::input::rejects::{field_reason, InputCounts, Reject};
use crate::input::text::TextColumn;
use crate::input::{Kind, Source};
use crate::parse::{nace_digits, parse_bool, parse_nace, Fault};
use crate::quarter::{parse_quarter, Quarter};

#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub quarter: Quarter,
    // Identifiers and codes of up to 24 bytes are held inline: a national quarter is
    // 250,000 rows of five texts, each a heap allocation as a `String`.
    pub employer_id: CompactString,
    /// Five digits, dots removed.
    pub nace: CompactString,
    pub employer_category: CompactString,
    pub joint_committee: CompactString,
    pub private_sector: bool,
    /// The employer's language for letters (§11: `fr`, `nl` or `de`), when given.
    pub language: Option<CompactString>,
}

#[derive(Debug, Default)]
pub struct Register {
    /// The valid rows of the quarters that were asked for.
    pub rows: Vec<RegisterRow>,
    /// Every employer with a register row in any quarter, sorted (§6: others are
    /// unknown); an employer's index is its position here.
    pub ids: Vec<CompactString>,
    /// `ids` → index; may be left empty (the store), [`Register::position`] then searches.
    pub index: PlHashMap<CompactString, u32>,
    /// Every (employer index, quarter) with a valid register row, sorted (empty when
    /// read from the store, which checked the rows that need it at ingest).
    pub declared: Vec<(u32, i32)>,
    /// The employer's name and address at a quarter, from the register's optional `name`
    /// and `address` columns, for the notices (§11): only the rows that carry them.
    pub contacts: std::collections::HashMap<(String, i32), Contact>,
}

/// Who a notice is addressed to (§11).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Register {
    /// The register rows of quarter `q`, sorted by employer_id.
    pub fn at(&self, q: Quarter) -> Vec<&RegisterRow> {
        let mut v: Vec<&RegisterRow> = self.rows.iter().filter(|r| r.quarter == q).collect();
        v.sort_by(|a, b| a.employer_id.cmp(&b.employer_id));
        v
    }
    pub fn is_known(&self, id: &str) -> bool {
        self.position(id).is_some()
    }
    /// The employer's index: its position in `ids` (through `index` when it was built,
    /// else by a binary search of the sorted `ids`).
    pub fn position(&self, id: &str) -> Option<u32> {
        if !self.index.is_empty() {
            return self.index.get(id).copied();
        }
        self.ids.binary_search_by(|x| x.as_str().cmp(id)).ok().map(|i| i as u32)
    }
    /// Whether the employer has a register row in quarter `q` (§8.1).
    pub fn declares(&self, id: &str, q: Quarter) -> bool {
        self.position(id).is_some_and(|e| self.declared.binary_search(&(e, q.0)).is_ok())
    }
}

/// The position of each identifier of `col` in the sorted `ids` (`None`: not there): a
/// merge when `col` is sorted (as the store writes it), a binary search otherwise.
pub fn positions(ids: &[&str], col: &[&str]) -> Vec<Option<u32>> {
    if col.windows(2).all(|w| w[0] <= w[1]) {
        let mut at = 0usize;
        return col
            .iter()
            .map(|id| {
                while at < ids.len() && ids[at] < *id {
                    at += 1;
                }
                (ids.get(at) == Some(id)).then_some(at as u32)
            })
            .collect();
    }
    col.iter().map(|id| ids.binary_search(id).ok().map(|i| i as u32)).collect()
}

/// The register's identifiers at the register rows kept that differ from `id` only by
/// leading zeros, blanks or dots (a spreadsheet drops the zeros; people type the dots).
pub fn similar_ids(register: &Register, id: &str) -> Vec<String> {
    let core = |s: &str| -> String {
        s.chars().filter(|c| !matches!(c, ' ' | '.')).collect::<String>().trim_start_matches('0').to_string()
    };
    let want = core(id);
    let mut v: Vec<String> =
        register.rows.iter().filter(|r| core(&r.employer_id) == want).map(|r| r.employer_id.to_string()).collect();
    v.sort();
    v.dedup();
    v.truncate(3);
    v
}

/// What is parsed of a register row whose fields were checked; its texts are read again
/// from the columns (a copy of five of them per row held 128 MB more at the national
/// run's peak, 2 million rows).
struct Checked {
    quarter: Quarter,
    private: bool,
}

/// Reads the register; keeps the full rows of the quarters in `keep`, or of every quarter
/// (all rows are validated and counted). Rows are checked in parallel; duplicates are found by sorting
/// (employer, quarter, row), so the first row in file order is the one kept.
pub fn load(source: &Source, keep: Option<&[Quarter]>) -> Result<(Register, Vec<Reject>, InputCounts)> {
    let table = source.text_rows()?;
    let (files, lines) = (&table.file, &table.line);
    let columns = source.table.columns();
    let col = |name: &str| -> Result<&TextColumn> {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|k| table.columns.get(k))
            .ok_or_else(|| anyhow::anyhow!("register: no column {name} after reading").into())
    };
    // Values are read from the text columns in place: a copy of six columns as
    // `Option<&str>` held 192 MB more at the national run's peak (2 million rows).
    let [quarter, id, nace, cat, jc, private] = [
        col("quarter")?,
        col("employer_id")?,
        col("nace")?,
        col("employer_category")?,
        col("joint_committee")?,
        col("private_sector")?,
    ];
    // The optional language column (§11) is read for the rows kept, when the file has it.
    let language = col("language")?;
    let language = (!language.all_absent()).then_some(language);
    let (name, address) = (col("name")?, col("address")?);
    let (name, address) = ((!name.all_absent()).then_some(name), (!address.all_absent()).then_some(address));
    let check = |i: usize| -> std::result::Result<Checked, String> {
        let quarter = quarter
            .get(i)
            .map(|s| parse_quarter(s).ok_or(Fault::Unparseable))
            .unwrap_or(Err(Fault::Missing))
            .map_err(|e| field_reason("quarter", e, Kind::Quarter.what()))?;
        id.get(i).filter(|s| !s.is_empty()).ok_or_else(|| field_reason("employer_id", Fault::Missing, ""))?;
        nace.get(i)
            .map(nace_digits)
            .unwrap_or(Err(Fault::Missing))
            .map_err(|e| field_reason("nace", e, "a NACE-BEL code of 5 digits"))?;
        text(cat.get(i)).ok_or_else(|| field_reason("employer_category", Fault::Missing, ""))?;
        text(jc.get(i)).ok_or_else(|| field_reason("joint_committee", Fault::Missing, ""))?;
        let private = private
            .get(i)
            .map(parse_bool)
            .unwrap_or(Err(Fault::Missing))
            .map_err(|e| field_reason("private_sector", e, Kind::Bool.what()))?;
        Ok(Checked { quarter, private })
    };
    let checked: Vec<std::result::Result<Checked, String>> = (0..table.len()).into_par_iter().map(check).collect();

    let mut rejects = Vec::new();
    let reject = |i: usize, reason: String| {
        Reject::new(source.file_name(files[i]), lines[i], reason).of_row(id.get(i), quarter.get(i))
    };
    // §6: one row per employer and quarter; a later row for the same pair is a fault.
    // Rows are sorted by (employer_id, quarter, row): the first of each pair is kept, and
    // the identifiers come out sorted.
    let mut valid: Vec<u32> = Vec::with_capacity(checked.len());
    for (i, c) in checked.iter().enumerate() {
        match c {
            Ok(_) => valid.push(i as u32),
            Err(reason) => rejects.push(reject(i, reason.clone())),
        }
    }
    // Only valid rows are looked up: their identifier is present.
    let id_of = |i: u32| id.get(i as usize).unwrap_or_default();
    let quarter_of = |i: u32| checked[i as usize].as_ref().map(|c| c.quarter.0).unwrap_or_default();
    if valid.iter().all(|&i| id_of(i).len() <= 16) {
        // Identifiers of up to 16 bytes compare as their bytes in a u128 (zero-padded,
        // big-endian) and their length: the same order as the text, without memcmp.
        let key = |i: u32| {
            let id = id_of(i).as_bytes();
            let mut b = [0u8; 16];
            b[..id.len()].copy_from_slice(id);
            (u128::from_be_bytes(b), id.len() as u8, quarter_of(i), i)
        };
        let mut keyed: Vec<(u128, u8, i32, u32)> = valid.par_iter().map(|&i| key(i)).collect();
        // An extract lists its quarters one after the other, each by employer: a few
        // sorted runs, which the stable sort finds and merges (the national register of
        // eight quarters: 0.11 s, against 0.18 s for an unstable sort on two cores). The
        // keys are distinct (the row is the last), so stable or not gives the one order.
        keyed.sort();
        valid = keyed.into_iter().map(|k| k.3).collect();
    } else {
        valid.par_sort_unstable_by(|&a, &b| (id_of(a), quarter_of(a), a).cmp(&(id_of(b), quarter_of(b), b)));
    }
    let mut ids: Vec<CompactString> = Vec::new();
    let mut kept: Vec<u32> = Vec::new();
    let mut declared: Vec<(u32, i32)> = Vec::new();
    let mut used = 0u64;
    for same in valid.chunk_by(|&a, &b| id_of(a) == id_of(b) && quarter_of(a) == quarter_of(b)) {
        let first = same[0];
        let employer_id = id_of(first);
        used += 1;
        if ids.last().is_none_or(|l| l != employer_id) {
            ids.push(employer_id.into());
        }
        declared.push((ids.len() as u32 - 1, quarter_of(first)));
        kept.push(first);
        let f = first as usize;
        for &i in &same[1..] {
            rejects.push(reject(
                i as usize,
                format!(
                    "duplicate register row: same employer_id and quarter as {}:{} (the first is used)",
                    source.file_name(files[f]),
                    lines[f]
                ),
            ));
        }
    }
    kept.retain(|&i| checked[i as usize].as_ref().is_ok_and(|c| keep.is_none_or(|k| k.contains(&c.quarter))));
    kept.par_sort_unstable();
    // §11: letters are written in French, Dutch or German. Another language is no row
    // fault to drop quietly into French: the run stops naming the file and line.
    if let Some(l) = language {
        let unknown = kept.iter().find_map(|&i| {
            let v = text(l.get(i as usize))?;
            (!LANGUAGES.contains(&v.to_ascii_lowercase().as_str())).then_some((i as usize, v))
        });
        if let Some((i, v)) = unknown {
            return Err(crate::error::Error::at(
                std::path::Path::new(&source.file_name(files[i])),
                Some(lines[i] as u64),
                Some("language"),
                format!("unknown language '{v}': letters are written in fr, nl or de (or leave it empty for fr)"),
            ));
        }
    }
    let mut reg = Register {
        rows: kept
            .par_iter()
            .filter_map(|&i| {
                let c = checked[i as usize].as_ref().ok()?;
                Some(RegisterRow {
                    quarter: c.quarter,
                    employer_id: id_of(i).into(),
                    nace: parse_nace(nace.get(i as usize).unwrap_or_default()).unwrap_or_default().into(),
                    employer_category: text(cat.get(i as usize)).unwrap_or_default().into(),
                    joint_committee: text(jc.get(i as usize)).unwrap_or_default().into(),
                    private_sector: c.private,
                    language: text(language.and_then(|l| l.get(i as usize))).map(|l| l.to_ascii_lowercase().into()),
                })
            })
            .collect(),
        ..Register::default()
    };
    if name.is_some() || address.is_some() {
        for &i in &kept {
            let Ok(c) = &checked[i as usize] else { continue };
            let at = |col: Option<&TextColumn>| text(col.and_then(|l| l.get(i as usize))).map(str::to_string);
            let contact = Contact { name: at(name), address: at(address) };
            if contact != Contact::default() {
                reg.contacts.insert((id_of(i).to_string(), c.quarter.0), contact);
            }
        }
    }
    reg.index = ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
    reg.ids = ids;
    reg.declared = declared;
    let counts = InputCounts::of(source, table.len() as u64, used, rejects.len() as u64);
    Ok((reg, rejects, counts))
}

/// The languages of the letters (§11).
pub const LANGUAGES: [&str; 3] = ["fr", "nl", "de"];

fn text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}
