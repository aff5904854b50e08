//! The rule set (SPEC §5): every legal parameter of the levy, in one file
//! (`data/rules.toml`, embedded in the binary), each value keyed by the quarter from
//! which it applies and carrying its legal source. Loaded strictly (unknown keys,
//! undated values and missing parameters are errors) and resolved once per assessed
//! quarter into the typed [`Rules`]; no threshold of the law is a literal elsewhere.

use std::collections::BTreeMap;
use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::quarter::{parse_quarter, Quarter};

/// The rule file shipped with responsa.
pub const DEFAULT_RULES: &str = include_str!("../data/rules.toml");

/// An exact non-negative decimal: `units / 10^scale`. Factors and the rate are decimals
/// so that "exactly twice the sector" is decided exactly (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub units: i64,
    pub scale: u32,
}

impl Decimal {
    pub fn parse(s: &str) -> Option<Decimal> {
        let t = s.trim();
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        if i.is_empty() || !i.bytes().all(|c| c.is_ascii_digit()) || !f.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if i.len() + f.len() > 17 || (t.contains('.') && f.is_empty()) {
            return None;
        }
        let units: i64 = format!("{i}{f}").parse().ok()?;
        Some(Decimal { units, scale: f.len() as u32 })
    }
    pub fn denominator(self) -> i64 {
        10i64.pow(self.scale)
    }
    pub fn to_f64(self) -> f64 {
        self.units as f64 / self.denominator() as f64
    }
    pub fn to_rational(self) -> BigRational {
        BigRational::new(BigInt::from(self.units), BigInt::from(self.denominator()))
    }
    /// The value in units of `10^-scale` (for `max_line_fte` in FTE millionths).
    pub fn in_units_of(self, scale: u32) -> Option<i64> {
        if scale >= self.scale {
            self.units.checked_mul(10i64.pow(scale - self.scale))
        } else {
            let d = 10i64.pow(self.scale - scale);
            (self.units % d == 0).then_some(self.units / d)
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.units);
        }
        let d = self.denominator();
        write!(f, "{}.{:0w$}", self.units / d, self.units % d, w = self.scale as usize)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamFile {
    description: String,
    rule: String,
    #[serde(default)]
    unit: Option<String>,
    values: BTreeMap<String, DatedFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatedFile {
    value: toml::Value,
    source: String,
}

/// One dated value of a parameter.
#[derive(Debug, Clone)]
pub struct Dated {
    pub from: Quarter,
    pub value: toml::Value,
    pub source: String,
}

/// One parameter with its history.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub description: String,
    pub rule: String,
    pub unit: Option<String>,
    /// Sorted by `from`.
    pub values: Vec<Dated>,
}

/// The parameters the law needs, in the order they are printed.
pub const PARAMETERS: &[&str] = &[
    "first_quarter",
    "max_age",
    "min_seniority_years",
    "sector_levels",
    "min_sector_employers",
    "sheltered_categories",
    "sheltered_joint_committee",
    "min_workers",
    "min_cases",
    "sector_factor",
    "private_factor",
    "warn_sector_factor",
    "warn_private_factor",
    "rate_percent",
    "payment_lag",
    "max_line_fte",
];

/// A loaded rule file: every parameter with its dated values.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// `embedded` or the path given to `--rules`.
    pub origin: String,
    pub sha256: String,
    pub parameters: BTreeMap<String, Parameter>,
}

/// The value of one parameter in force for a quarter, with where it comes from.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub name: String,
    pub value: String,
    pub from: Quarter,
    pub source: String,
    pub description: String,
    pub rule: String,
}

/// The rule set resolved for one assessed quarter (SPEC §3, §5).
#[derive(Debug, Clone)]
pub struct Rules {
    pub quarter: Quarter,
    pub first_quarter: Quarter,
    pub max_age: i32,
    pub min_seniority_years: u32,
    pub sector_levels: Vec<usize>,
    pub min_sector_employers: u64,
    pub sheltered_categories: Vec<String>,
    pub sheltered_joint_committee: String,
    pub min_workers: u64,
    pub min_cases: u64,
    pub sector_factor: Decimal,
    pub private_factor: Decimal,
    pub warn_sector_factor: Decimal,
    pub warn_private_factor: Decimal,
    pub rate_percent: Decimal,
    pub payment_lag: i32,
    /// In FTE millionths.
    pub max_line_fte_micro: i64,
    pub origin: String,
    pub sha256: String,
    pub provenance: Vec<Provenance>,
}

impl RuleSet {
    pub fn embedded() -> Result<RuleSet> {
        RuleSet::parse(DEFAULT_RULES, "embedded")
    }

    pub fn from_file(path: &std::path::Path) -> Result<RuleSet> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("{}: cannot read the rule file: {e}", path.display())))?;
        RuleSet::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<RuleSet> {
        let bad = |msg: String| Error::Usage(format!("{origin}: {msg}"));
        let raw: BTreeMap<String, ParamFile> =
            toml::from_str(text).map_err(|e| bad(format!("invalid rule file: {}", e.to_string().trim_end())))?;
        let mut parameters = BTreeMap::new();
        for (name, p) in raw {
            if !PARAMETERS.contains(&name.as_str()) {
                return Err(bad(format!("unknown parameter '{name}' (known: {})", PARAMETERS.join(", "))));
            }
            if p.values.is_empty() {
                return Err(bad(format!("parameter '{name}' has no value")));
            }
            let mut values = Vec::new();
            for (key, v) in p.values {
                let from = parse_quarter(&key).ok_or_else(|| {
                    bad(format!(
                        "parameter '{name}': value key '{key}' is not a quarter (YYYYQn): every value must be dated"
                    ))
                })?;
                if v.source.trim().is_empty() {
                    return Err(bad(format!("parameter '{name}' from {from}: the source is empty")));
                }
                values.push(Dated { from, value: v.value, source: v.source });
            }
            values.sort_by_key(|d| d.from);
            parameters.insert(
                name.clone(),
                Parameter { name, description: p.description, rule: p.rule, unit: p.unit, values },
            );
        }
        for name in PARAMETERS {
            if !parameters.contains_key(*name) {
                return Err(bad(format!("missing parameter '{name}'")));
            }
        }
        let sha256 = hex(&Sha256::digest(text.as_bytes()));
        let set = RuleSet { origin: origin.to_string(), sha256, parameters };
        // Every dated value must have the right type: check them all now, not when a
        // quarter happens to need them.
        for p in set.parameters.values() {
            for d in &p.values {
                check_type(&p.name, &d.value)
                    .map_err(|m| bad(format!("parameter '{}' from {}: {m}", p.name, d.from)))?;
            }
        }
        Ok(set)
    }

    /// The value of `name` in force at `q`: the one with the latest `from` not after `q`.
    /// Before the first dated value, the earliest one when `allow_early`.
    fn pick(&self, name: &str, q: Quarter, allow_early: bool) -> Result<&Dated> {
        let p = &self.parameters[name];
        match p.values.iter().rev().find(|d| d.from <= q) {
            Some(d) => Ok(d),
            None if allow_early => Ok(&p.values[0]),
            None => Err(Error::Usage(format!(
                "{}: parameter '{name}' has no value for {q} (its first value applies from {})",
                self.origin, p.values[0].from
            ))),
        }
    }

    /// Resolves the rule set for quarter `q`. A quarter before `first_quarter` is refused
    /// unless `allow_early` (SPEC §5).
    pub fn resolve(&self, q: Quarter, allow_early: bool) -> Result<Rules> {
        let fq_dated = self.pick("first_quarter", q, true)?;
        let first_quarter = as_quarter(&fq_dated.value).unwrap_or(q);
        if q < first_quarter && !allow_early {
            return Err(Error::Usage(format!(
                "{q} is before the first assessable quarter {first_quarter} (rule set {}); \
                 pass --allow-before-first-quarter to assess it anyway",
                self.origin
            )));
        }
        let mut provenance = Vec::new();
        let mut get = |name: &str| -> Result<toml::Value> {
            let d = self.pick(name, q, allow_early)?;
            let p = &self.parameters[name];
            provenance.push(Provenance {
                name: name.to_string(),
                value: display_value(&d.value),
                from: d.from,
                source: d.source.clone(),
                description: p.description.clone(),
                rule: p.rule.clone(),
            });
            Ok(d.value.clone())
        };
        // Types were checked at load time, so these conversions cannot fail.
        let int = |v: toml::Value| v.as_integer().unwrap_or_default();
        let dec = |v: toml::Value| as_decimal(&v).unwrap_or(Decimal { units: 0, scale: 0 });
        let _ = get("first_quarter")?;
        let max_age = int(get("max_age")?) as i32;
        let min_seniority_years = int(get("min_seniority_years")?) as u32;
        let sector_levels = get("sector_levels")?
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_integer()).map(|x| x as usize).collect())
            .unwrap_or_default();
        let min_sector_employers = int(get("min_sector_employers")?) as u64;
        let sheltered_categories = get("sheltered_categories")?
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).map(str::to_string).collect())
            .unwrap_or_default();
        let sheltered_joint_committee = get("sheltered_joint_committee")?.as_str().unwrap_or_default().to_string();
        let min_workers = int(get("min_workers")?) as u64;
        let min_cases = int(get("min_cases")?) as u64;
        let sector_factor = dec(get("sector_factor")?);
        let private_factor = dec(get("private_factor")?);
        let warn_sector_factor = dec(get("warn_sector_factor")?);
        let warn_private_factor = dec(get("warn_private_factor")?);
        let rate_percent = dec(get("rate_percent")?);
        let payment_lag = int(get("payment_lag")?) as i32;
        let max_line_fte = dec(get("max_line_fte")?);
        let max_line_fte_micro = max_line_fte
            .in_units_of(6)
            .ok_or_else(|| Error::Usage(format!("{}: max_line_fte has more than six decimals", self.origin)))?;
        Ok(Rules {
            quarter: q,
            first_quarter,
            max_age,
            min_seniority_years,
            sector_levels,
            min_sector_employers,
            sheltered_categories,
            sheltered_joint_committee,
            min_workers,
            min_cases,
            sector_factor,
            private_factor,
            warn_sector_factor,
            warn_private_factor,
            rate_percent,
            payment_lag,
            max_line_fte_micro,
            origin: self.origin.clone(),
            sha256: self.sha256.clone(),
            provenance,
        })
    }
}

impl Rules {
    /// Where a parameter's value comes from, for explanations.
    pub fn source_of(&self, name: &str) -> &str {
        self.provenance.iter().find(|p| p.name == name).map(|p| p.source.as_str()).unwrap_or("")
    }

    /// Prints the set in force as an aligned table (`responsa rules`).
    pub fn render(&self) -> String {
        let mut s = format!("rule set: {} (sha256 {})\nin force for {}\n\n", self.origin, self.sha256, self.quarter);
        let w = self.provenance.iter().map(|p| p.name.len()).max().unwrap_or(0);
        let v = self.provenance.iter().map(|p| p.value.len()).max().unwrap_or(0);
        for p in &self.provenance {
            s.push_str(&format!(
                "{:w$}  {:v$}  from {}  [{}]\n{:w$}  {}\n{:w$}  source: {}\n",
                p.name, p.value, p.from, p.rule, "", p.description, "", p.source
            ));
        }
        s
    }
}

fn check_type(name: &str, v: &toml::Value) -> std::result::Result<(), String> {
    let ok = match name {
        "first_quarter" => as_quarter(v).is_some(),
        "max_age" | "min_seniority_years" | "min_sector_employers" | "min_workers" | "min_cases" | "payment_lag" => {
            v.as_integer().is_some_and(|i| (0..=1_000_000).contains(&i))
        }
        "sector_levels" => v
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.as_integer().is_some_and(|i| (1..=5).contains(&i)))),
        "sheltered_categories" => v.as_array().is_some_and(|a| a.iter().all(|x| x.as_str().is_some())),
        "sheltered_joint_committee" => v.as_str().is_some_and(|s| !s.trim().is_empty()),
        _ => as_decimal(v).is_some(),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("value {} has the wrong type", display_value(v)))
    }
}

fn as_quarter(v: &toml::Value) -> Option<Quarter> {
    v.as_str().and_then(parse_quarter)
}

/// A decimal written as a string (`"0.625"`, exact), an integer, or a TOML float (read
/// back through its shortest decimal form, which is the literal as written).
fn as_decimal(v: &toml::Value) -> Option<Decimal> {
    match v {
        toml::Value::String(s) => Decimal::parse(s),
        toml::Value::Integer(i) if *i >= 0 => Some(Decimal { units: *i, scale: 0 }),
        toml::Value::Float(f) if f.is_finite() && *f >= 0.0 => Decimal::parse(&format!("{f}")),
        _ => None,
    }
}

fn display_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(a) => a.iter().map(display_value).collect::<Vec<_>>().join(","),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_set_resolves() {
        let set = RuleSet::embedded().unwrap();
        let r = set.resolve("2023Q4".parse().unwrap(), false).unwrap();
        assert_eq!(r.max_age, 55);
        assert_eq!(r.min_seniority_years, 3);
        assert_eq!(r.sector_levels, vec![4, 3, 2]);
        assert_eq!(r.sector_factor, Decimal { units: 2, scale: 0 });
        assert_eq!(r.rate_percent.to_string(), "0.625");
        assert_eq!(r.max_line_fte_micro, 1_500_000);
        assert_eq!(r.provenance.len(), PARAMETERS.len());
    }

    #[test]
    fn early_quarter_refused_unless_allowed() {
        let set = RuleSet::embedded().unwrap();
        let q = "2022Q3".parse().unwrap();
        let e = set.resolve(q, false).unwrap_err().to_string();
        assert!(e.contains("before the first assessable quarter 2022Q4"), "{e}");
        assert!(set.resolve(q, true).is_ok());
    }

    #[test]
    fn strict_loader() {
        let unknown = format!("{DEFAULT_RULES}\n[colour]\ndescription = \"x\"\nrule = \"x\"\nvalues = {{}}\n");
        assert!(RuleSet::parse(&unknown, "t").unwrap_err().to_string().contains("unknown parameter 'colour'"));
        let undated = DEFAULT_RULES.replace("\"2022Q4\" = { value = 55", "\"always\" = { value = 55");
        assert!(RuleSet::parse(&undated, "t").unwrap_err().to_string().contains("every value must be dated"));
        let extra_key = DEFAULT_RULES.replace("value = 55,", "value = 55, note = \"x\",");
        assert!(RuleSet::parse(&extra_key, "t").is_err());
        let dated_change = DEFAULT_RULES.replace(
            "\"2022Q4\" = { value = \"2\",",
            "\"2024Q1\" = { value = \"1.8\", source = \"what-if\" }\n\"2022Q4\" = { value = \"2\",",
        );
        let set = RuleSet::parse(&dated_change, "t").unwrap();
        assert_eq!(set.resolve("2023Q4".parse().unwrap(), false).unwrap().sector_factor.to_string(), "2");
        assert_eq!(set.resolve("2024Q1".parse().unwrap(), false).unwrap().sector_factor.to_string(), "1.8");
    }

    #[test]
    fn decimals() {
        assert_eq!(Decimal::parse("1.5"), Some(Decimal { units: 15, scale: 1 }));
        assert_eq!(Decimal::parse("0.625").unwrap().to_string(), "0.625");
        assert_eq!(as_decimal(&toml::Value::Float(1.8)), Decimal::parse("1.8"));
        assert!(Decimal::parse("-1").is_none());
    }
}
