//! A bounded fuzz campaign over the readers (CSV and Parquet) and the rule loader: rows
//! drawn from valid and broken values, quoted or not, short or long, typed or as text.
//! Whatever the input, a reader never panics; a run either stops on a structural error
//! (exit 2) or accounts for every row: read = used + rejected, per input (§6).
//! `PROPTEST_CASES` sets the number of cases (64 by default).

use std::path::Path;

use polars::prelude::*;
use proptest::prelude::*;
use responsa::dataset::{self, Needs};
use responsa::error::Error;
use responsa::quarter::Quarter;
use responsa::rules::RuleSet;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

const QUARTERS: &[&str] = &["2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023q4", " 2023Q2", "2023Q5", "", "x"];
const IDS: &[&str] = &["E1", "E2", "E3", "", "e1", "E1 ", "0001", "É"];
const FTES: &[&str] = &["1", "0.5", "1.5", "1.5000001", "-1", "abc", "", "1e3", "2,5", "0.000001"];
const DATES: &[&str] = &["2010-01-01", "2023-02-29", "2024-02-29", "31/12/2020", "", "2010-13-01", "2023-09-30"];
const BOOLS: &[&str] = &["true", "FALSE", "1", "0", "yes", "maybe", ""];
const MONEY: &[&str] = &["3000.00", "1.234", "-5", "999999999999999.99", "", "1,5", "12", "0"];
const CODES: &[&str] = &["200", "", "327.01", "\"1,2\""];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    (0..pool.len()).prop_map(move |i| pool[i].to_string())
}

/// One employment line, sometimes with a field too few or too many, or quoted.
fn employment_line() -> impl Strategy<Value = String> {
    ((pick(QUARTERS), pick(IDS), pick(IDS), pick(FTES)), (pick(DATES), pick(BOOLS), pick(MONEY), pick(CODES)), 0..8u8)
        .prop_map(|((q, e, w, f), (d, b, m, c), shape)| {
            let mut fields = vec![q, e, format!("W{w}"), f, d, b, m, c];
            match shape {
                0 => {
                    fields.pop();
                }
                1 => fields.truncate(3),
                2 => fields[2] = format!("\"{}\"", fields[2]),
                _ => {}
            }
            fields.join(",")
        })
}

fn register() -> String {
    let mut s = "quarter,employer_id,nace,employer_category,joint_committee,private_sector\n".to_string();
    for q in ["2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4"] {
        for e in ["E1", "E2"] {
            s.push_str(&format!("{q},{e},47110,010,200,true\n"));
        }
    }
    s
}

const INVALIDITY_HEADER: &str =
    "worker_id,employer_id,primary_incapacity_start,invalidity_start,birth_date,seniority_date,resumption_authorized\n";

fn invalidity_line() -> impl Strategy<Value = String> {
    (pick(IDS), pick(IDS), pick(DATES), pick(DATES), pick(DATES), pick(BOOLS))
        .prop_map(|(w, e, a, b, c, r)| format!("W{w},{e},{a},{b},{c},2000-01-01,{r}"))
}

/// Loads a data folder as `assess --quarter 2023Q4` would; a structural error is a
/// possible outcome, a panic or an unaccounted row is not.
fn load_and_reconcile(dir: &Path) -> Result<(), TestCaseError> {
    let rules = RuleSet::embedded().expect("rules").resolve(Quarter::new(2023, 4).expect("q"), true).expect("resolved");
    let needs = Needs { invalidity: true, incapacity: false, invalidity_back: None };
    let q = [Quarter::new(2023, 4).expect("q")];
    let loaded = std::panic::catch_unwind(|| {
        dataset::load(dir, Default::default(), Default::default(), &rules, &q, needs, &|_| {})
    });
    let loaded = loaded.map_err(|_| TestCaseError::fail("a reader panicked"))?;
    match loaded {
        Ok(d) => {
            for (name, c) in &d.inputs {
                prop_assert_eq!(c.read, c.used + c.rejected, "{}: read = used + rejected", name);
            }
            prop_assert_eq!(
                d.rejects.len() as u64,
                d.inputs.values().map(|c| c.rejected).sum::<u64>(),
                "every rejected row is in rejects.csv"
            );
        }
        Err(Error::Structure(_) | Error::Usage(_)) => {}
        Err(e) => return Err(TestCaseError::fail(format!("neither a result nor a structural error: {e}"))),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn csv_inputs_never_panic_and_every_row_is_accounted_for(
        lines in prop::collection::vec(employment_line(), 0..40),
        invalidity in prop::collection::vec(invalidity_line(), 0..10),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let end = if crlf { "\r\n" } else { "\n" };
        let mut employment =
            "quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages,joint_committee".to_string();
        for l in &lines {
            employment.push_str(end);
            employment.push_str(l);
        }
        if final_newline {
            employment.push_str(end);
        }
        std::fs::write(dir.path().join("employers.csv"), register()).expect("write");
        std::fs::write(dir.path().join("employment.csv"), employment).expect("write");
        std::fs::write(dir.path().join("invalidity.csv"), format!("{INVALIDITY_HEADER}{}\n", invalidity.join("\n")))
            .expect("write");
        load_and_reconcile(dir.path())?;
    }

    #[test]
    fn parquet_inputs_never_panic_and_every_row_is_accounted_for(
        rows in prop::collection::vec(
            ((pick(QUARTERS), pick(IDS), pick(FTES)), (pick(DATES), pick(BOOLS), pick(MONEY))),
            1..40,
        ),
        typed in 0..4u8,
        flip in prop::option::of((any::<prop::sample::Index>(), 1..=255u8)),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let col = |name: &str, v: Vec<String>| Column::new(name.into(), v);
        let texts = |k: usize| -> Vec<String> {
            rows.iter()
                .map(|((q, e, f), (d, b, m))| [q, e, f, d, b, m][k].clone())
                .collect()
        };
        // Money and FTE as text, as floats, as integers or as DECIMAL.
        let number = |name: &str, v: Vec<String>, scale: usize| -> Column {
            match typed {
                0 => col(name, v),
                1 => Column::new(name.into(), v.iter().map(|s| s.parse::<f64>().ok()).collect::<Vec<_>>()),
                2 => Column::new(name.into(), v.iter().map(|s| s.parse::<i64>().ok()).collect::<Vec<_>>()),
                _ => {
                    let units: Vec<Option<i128>> = v
                        .iter()
                        .map(|s| s.parse::<f64>().ok().map(|f| (f * 10f64.powi(scale as i32)).round() as i128))
                        .collect();
                    Int128Chunked::from_iter_options(name.into(), units.into_iter())
                        .into_decimal(38, scale)
                        .map(|d| d.into_series().into())
                        .unwrap_or_else(|_| col(name, v.clone()))
                }
            }
        };
        let workers: Vec<String> = (0..rows.len()).map(|i| format!("W{i}")).collect();
        let mut df = DataFrame::new_infer_height(vec![
            col("quarter", texts(0)),
            col("employer_id", texts(1)),
            col("worker_id", workers),
            number("fte", texts(2), 6),
            col("seniority_date", texts(3)),
            col("in_service_at_quarter_end", texts(4)),
            number("wages", texts(5), 2),
        ])
        .expect("a frame");
        let path = dir.path().join("employment.parquet");
        ParquetWriter::new(std::fs::File::create(&path).expect("create")).finish(&mut df).expect("written");
        if let Some((at, xor)) = flip {
            let mut bytes = std::fs::read(&path).expect("read");
            let i = at.index(bytes.len());
            bytes[i] ^= xor;
            std::fs::write(&path, bytes).expect("write");
        }
        std::fs::write(dir.path().join("employers.csv"), register()).expect("write");
        std::fs::write(dir.path().join("invalidity.csv"), INVALIDITY_HEADER).expect("write");
        load_and_reconcile(dir.path())?;
    }

    #[test]
    fn the_rule_loader_never_panics(
        cut in any::<prop::sample::Index>(),
        len in 0..40usize,
        insert in pick(&["", "\"", "[", "]", "=", "1e999", "-1", "\"2022Q4\" = { value = 1 }", "\n[max_age]\n", "ü"]),
    ) {
        let text = std::fs::read_to_string(format!("{}/data/rules.toml", env!("CARGO_MANIFEST_DIR"))).expect("rules");
        let mut at = cut.index(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + len).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{insert}{}", &text[..at], &text[end..]);
        let outcome = std::panic::catch_unwind(|| {
            RuleSet::parse(&mutated, "mutated.toml").and_then(|set| set.resolve(Quarter::new(2023, 4).expect("q"), true))
        });
        let outcome = outcome.map_err(|_| TestCaseError::fail("the rule loader panicked"))?;
        if let Err(e) = outcome {
            prop_assert!(matches!(e, Error::Usage(_)), "a rule file fault is a usage error: {}", e);
            prop_assert_eq!(e.to_string().lines().count(), 1, "one line: {}", e);
        }
    }
}
