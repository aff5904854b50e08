//! Everything read from a data directory for one run (SPEC §2, §6): the register, the
//! employment aggregates, the invalidity rows, every rejected row and the per-input
//! counts and fingerprints. Read once, shared by every quarter and every contribution
//! assessed in the run.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Result;
use crate::input::invalidity::{self, InvalidityRow};
use crate::input::register::{self, Register};
use crate::input::rejects::{InputCounts, Reject};
use crate::input::{self, Table};
use crate::occupation::{self, Occupation};
use crate::quarter::Quarter;
use crate::rules::Rules;

/// The inputs of a run.
pub struct Dataset {
    pub register: Register,
    pub invalidity: Vec<InvalidityRow>,
    pub occupation: Occupation,
    /// Sorted by input, then file and line.
    pub rejects: Vec<Reject>,
    pub inputs: BTreeMap<&'static str, InputCounts>,
}

/// Reads and validates the inputs. `rules` supplies the parameters the line aggregation
/// needs (`min_seniority_years`, `max_line_fte`); `quarters` are the quarters that will
/// be assessed (their headcount and Q-1 committee wages are kept).
pub fn load(data: &Path, rules: &Rules, quarters: &[Quarter], progress: &dyn Fn(&str)) -> Result<Dataset> {
    let [employers, employment, invalidity] =
        [Table::Employers, Table::Employment, Table::Invalidity].map(|t| input::open(data, t));
    let (employers, employment, invalidity) = (employers?, employment?, invalidity?);
    progress("checking input files");
    // The fingerprints (SPEC §4) are computed while the inputs are read; CSV employment
    // lines are fingerprinted by their reader, as they pass.
    let hashing = {
        let lines_by_reader = employment.files.iter().all(|f| f.format == input::Format::Csv);
        let sources = [employers.clone(), employment.clone(), invalidity.clone()];
        std::thread::spawn(move || {
            sources
                .map(|s| if lines_by_reader && s.table == Table::Employment { Ok(String::new()) } else { s.sha256() })
        })
    };
    progress("reading the employer register");
    let (register, mut rejects, reg_counts) = register::load(&employers, quarters)?;
    progress("reading invalidity entries");
    let (invalidity_rows, mut inv_rejects, inv_counts) = invalidity::load(&invalidity, &register)?;
    progress("aggregating employment lines");
    let occupation = occupation::aggregate(
        &employment,
        &register,
        rules.levy.min_seniority_years,
        rules.shared.max_line_fte_micro,
        quarters,
    )?;
    rejects.sort();
    let mut emp_rejects = occupation.rejects.clone();
    emp_rejects.sort();
    inv_rejects.sort();
    rejects.extend(emp_rejects);
    rejects.extend(inv_rejects);
    progress("fingerprinting the inputs");
    let [h_emp, h_lines, h_inv] = hashing.join().map_err(|_| anyhow::anyhow!("the hashing thread failed"))?;
    let mut inputs = BTreeMap::new();
    inputs.insert("employers", InputCounts { sha256: h_emp?, ..reg_counts });
    let h_lines = h_lines?;
    let mut lines = occupation.counts.clone();
    if lines.sha256.is_empty() {
        lines.sha256 = h_lines;
    }
    inputs.insert("employment", lines);
    inputs.insert("invalidity", InputCounts { sha256: h_inv?, ..inv_counts });
    Ok(Dataset { register, invalidity: invalidity_rows, occupation, rejects, inputs })
}
