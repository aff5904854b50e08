//! The rule set (§5): every legal parameter of both contributions, in one file
//! (`data/rules.toml`, embedded in the binary), each value keyed by the quarter from
//! which it applies and carrying its legal source (act, article and paragraph, the
//! Moniteur belge date, a link), in the manner of OpenFisca's parameter references.
//! Loaded strictly (unknown keys, undated values, missing parameters, wrong types are
//! errors) and resolved once per assessed quarter into the typed [`Rules`]; no
//! threshold of the law is a literal elsewhere.

mod decimal;

use std::collections::BTreeMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use decimal::Decimal;

use crate::error::{Error, Result};
use crate::quarter::{parse_quarter, Quarter};

/// The rule file shipped with responsa.
pub const DEFAULT_RULES: &str = include_str!("../../data/rules.toml");

/// What a parameter's values must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// `"YYYYQn"`.
    Quarter,
    /// A whole number from 0 to 1,000,000.
    Count,
    /// An exact decimal, written as a string (`"0.625"`) or a number.
    Decimal,
    /// `true` / `false`: a contribution's dated switch.
    Switch,
    /// A non-empty list of NACE digit levels (1 to 5).
    Levels,
    /// A list of codes (strings).
    Codes,
    /// One non-empty code.
    Code,
    /// A list of week days by their English names (`monday` … `sunday`).
    Weekdays,
    /// A day of the year, `MM-DD`.
    MonthDay,
}

/// The week days as the rule file writes them, Monday first (index 0).
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The parameters the law needs, in the order they are printed, with their type.
pub const PARAMETERS: &[(&str, Type)] = &[
    ("invalidity_levy_in_force", Type::Switch),
    ("solidarity_in_force", Type::Switch),
    ("first_quarter", Type::Quarter),
    ("sheltered_categories", Type::Codes),
    ("sheltered_joint_committee", Type::Code),
    ("max_line_fte", Type::Decimal),
    ("max_line_wages", Type::Decimal),
    ("max_daily_benefit", Type::Decimal),
    ("max_rejected_share", Type::Decimal),
    ("max_age", Type::Count),
    ("min_seniority_years", Type::Count),
    ("sector_levels", Type::Levels),
    ("min_sector_employers", Type::Count),
    ("min_workers", Type::Count),
    ("min_cases", Type::Count),
    ("sector_factor", Type::Decimal),
    ("private_factor", Type::Decimal),
    ("warn_sector_factor", Type::Decimal),
    ("warn_private_factor", Type::Decimal),
    ("rate_percent", Type::Decimal),
    ("payment_lag", Type::Count),
    ("solidarity_rate_percent", Type::Decimal),
    ("window_first_day", Type::Count),
    ("window_months", Type::Count),
    ("benefit_weekdays", Type::Weekdays),
    ("solidarity_min_workers", Type::Count),
    ("solidarity_excluded_worker_types", Type::Codes),
    ("solidarity_excludes_recognised_disability", Type::Switch),
    ("solidarity_min_age", Type::Count),
    ("solidarity_max_age", Type::Count),
    ("solidarity_min_service_months", Type::Count),
    ("solidarity_payment_lag", Type::Count),
    ("funds_notice_day", Type::MonthDay),
    ("funds_payment_days", Type::Count),
    ("funds_request_years", Type::Count),
    ("funds_allocation_years", Type::Count),
];

fn type_of(name: &str) -> Option<Type> {
    PARAMETERS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
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
    source: Source,
}

/// Where a value comes from, as precisely as the law allows (§5).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The act: its kind, date and title (`Loi-programme du 27 décembre 2021`).
    pub act: String,
    /// Article and paragraph (`art. 142, § 1er`).
    #[serde(default)]
    pub article: Option<String>,
    /// Publication date in the Moniteur belge / Belgisch Staatsblad, `YYYY-MM-DD`.
    #[serde(default)]
    pub moniteur: Option<String>,
    /// A link to the text (ejustice ELI, or the office's published instructions).
    #[serde(default)]
    pub url: Option<String>,
    /// Set when the value is responsa's reading of the sources rather than a figure the
    /// text states: what was read, and why.
    #[serde(default)]
    pub reading: Option<String>,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.act)?;
        if let Some(a) = &self.article {
            write!(f, ", {a}")?;
        }
        if let Some(m) = &self.moniteur {
            write!(f, " (M.B. {m})")?;
        }
        if let Some(u) = &self.url {
            write!(f, " <{u}>")?;
        }
        if let Some(r) = &self.reading {
            write!(f, " [reading: {r}]")?;
        }
        Ok(())
    }
}

/// One dated value of a parameter.
#[derive(Debug, Clone)]
pub struct Dated {
    pub from: Quarter,
    pub value: toml::Value,
    pub source: Source,
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

/// Which contributions the rule set switches on for the quarter (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce {
    pub invalidity_levy: bool,
    pub solidarity: bool,
}

/// Parameters both contributions use: the sheltered-workshop exclusion (§3.5, §8.2)
/// and the data-quality bound on an employment line (§6).
#[derive(Debug, Clone)]
pub struct SharedRules {
    pub sheltered_categories: Vec<String>,
    pub sheltered_joint_committee: String,
    /// In FTE millionths.
    pub max_line_fte_micro: i64,
    /// In cents: the wages of one employment line (§6).
    pub max_line_wages_cents: i64,
    /// In cents: the daily benefit of one incapacity row (§6).
    pub max_daily_benefit_cents: i64,
    /// In percent of an input's rows (§6).
    pub max_rejected_share: Decimal,
}

/// The parameters of the invalidity-inflow levy (§3).
#[derive(Debug, Clone)]
pub struct LevyRules {
    pub max_age: i32,
    pub min_seniority_years: u32,
    pub sector_levels: Vec<usize>,
    pub min_sector_employers: u64,
    pub min_workers: u64,
    pub min_cases: u64,
    pub sector_factor: Decimal,
    pub private_factor: Decimal,
    pub warn_sector_factor: Decimal,
    pub warn_private_factor: Decimal,
    pub rate_percent: Decimal,
    pub payment_lag: i32,
}

/// The parameters of the solidarity contribution (§8).
#[derive(Debug, Clone)]
pub struct SolidarityRules {
    pub rate_percent: Decimal,
    /// The window starts on this day of the incapacity (31: the day after the 30th).
    pub window_first_day: u32,
    pub window_months: u32,
    /// Indexed Monday = 0 … Sunday = 6.
    pub benefit_weekdays: [bool; 7],
    pub min_workers: u64,
    pub excluded_worker_types: Vec<String>,
    /// A recognised work disability excludes the worker (the status `disability_recognised`).
    pub excludes_recognised_disability: bool,
    pub min_age: i32,
    pub max_age: i32,
    pub min_service_months: i32,
    pub payment_lag: i32,
}

/// The deadlines of the sector funds' receipts (§10).
#[derive(Debug, Clone)]
pub struct FundsRules {
    /// The notice of the receipts of year Y is due by this day of Y+1: (month, day).
    pub notice_day: (u32, u32),
    /// Days within which the office pays a fund's request.
    pub payment_days: u32,
    /// Years after the notice within which a fund may request; later, DG HUT receives.
    pub request_years: u32,
    /// Calendar years (the payment's and the next ones) within which a fund allocates
    /// what it was paid; the rest goes back to the office.
    pub allocation_years: u32,
}

/// The rule set resolved for one assessed quarter (§3, §5).
#[derive(Debug, Clone)]
pub struct Rules {
    pub quarter: Quarter,
    pub first_quarter: Quarter,
    pub in_force: InForce,
    pub shared: SharedRules,
    pub levy: LevyRules,
    pub solidarity: SolidarityRules,
    pub funds: FundsRules,
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
        let raw: BTreeMap<String, ParamFile> = toml::from_str(text).map_err(|e| syntax_error(text, origin, &e))?;
        let mut parameters = BTreeMap::new();
        for (name, p) in raw {
            let Some(ty) = type_of(&name) else {
                let known: Vec<&str> = PARAMETERS.iter().map(|(n, _)| *n).collect();
                return Err(bad(format!("unknown parameter '{name}' (known: {})", known.join(", "))));
            };
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
                if v.source.act.trim().is_empty() {
                    return Err(bad(format!("parameter '{name}' from {from}: the source names no act")));
                }
                // Every dated value must have the right type: check them all now, not
                // when a quarter happens to need them.
                if !type_ok(ty, &v.value) {
                    return Err(bad(format!(
                        "parameter '{name}' from {from}: value {} has the wrong type",
                        display_value(&v.value)
                    )));
                }
                values.push(Dated { from, value: v.value, source: v.source });
            }
            values.sort_by_key(|d| d.from);
            parameters.insert(
                name.clone(),
                Parameter { name, description: p.description, rule: p.rule, unit: p.unit, values },
            );
        }
        for (name, _) in PARAMETERS {
            if !parameters.contains_key(*name) {
                return Err(bad(format!("missing parameter '{name}'")));
            }
        }
        let sha256 = hex(&Sha256::digest(text.as_bytes()));
        Ok(RuleSet { origin: origin.to_string(), sha256, parameters })
    }

    /// The value of `name` in force at `q`: the one with the latest `from` not after `q`.
    /// Before the first dated value, the earliest one when `allow_early`.
    fn pick(&self, name: &str, q: Quarter, allow_early: bool) -> Result<&Dated> {
        let p = self
            .parameters
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("{}: parameter '{name}' was checked at load but is gone", self.origin))?;
        match p.values.iter().rev().find(|d| d.from <= q) {
            Some(d) => Ok(d),
            None if allow_early => Ok(&p.values[0]),
            None => Err(Error::Usage(format!(
                "{}: parameter '{name}' has no value for {q} (its first value applies from {})",
                self.origin, p.values[0].from
            ))),
        }
    }

    /// The quarters during which a switch parameter is true, as inclusive ranges
    /// (`None` as the end: still in force), for messages naming a contribution's period.
    pub fn periods(&self, switch: &str) -> Vec<(Quarter, Option<Quarter>)> {
        let Some(p) = self.parameters.get(switch) else { return Vec::new() };
        let mut out: Vec<(Quarter, Option<Quarter>)> = Vec::new();
        for (i, d) in p.values.iter().enumerate() {
            if d.value.as_bool() != Some(true) {
                continue;
            }
            let end = p.values.get(i + 1).map(|n| n.from.offset(-1));
            match out.last_mut() {
                Some(last) if last.1.map(|e| e.offset(1)) == Some(d.from) => last.1 = end,
                _ => out.push((d.from, end)),
            }
        }
        out
    }

    /// Resolves the rule set for quarter `q`. A quarter before `first_quarter` is refused
    /// unless `allow_early` (§5).
    pub fn resolve(&self, q: Quarter, allow_early: bool) -> Result<Rules> {
        let first_quarter = as_quarter(&self.pick("first_quarter", q, true)?.value)
            .ok_or_else(|| anyhow::anyhow!("first_quarter: type checked at load"))?;
        if q < first_quarter && !allow_early {
            return Err(Error::Usage(format!(
                "{q} is before the first assessable quarter {first_quarter} (rule set {}); \
                 pass --allow-before-first-quarter to assess it anyway",
                self.origin
            )));
        }
        let mut r = Resolver { set: self, q, allow_early, provenance: Vec::new() };
        let in_force = InForce {
            invalidity_levy: r.switch("invalidity_levy_in_force")?,
            solidarity: r.switch("solidarity_in_force")?,
        };
        r.quarter("first_quarter")?;
        let shared = SharedRules {
            sheltered_categories: r.codes("sheltered_categories")?,
            sheltered_joint_committee: r.code("sheltered_joint_committee")?,
            max_line_fte_micro: r
                .decimal("max_line_fte")?
                .in_units_of(6)
                .ok_or_else(|| Error::Usage(format!("{}: max_line_fte has more than six decimals", self.origin)))?,
            max_line_wages_cents: r.cents("max_line_wages")?,
            max_daily_benefit_cents: r.cents("max_daily_benefit")?,
            max_rejected_share: r.decimal("max_rejected_share")?,
        };
        let levy = LevyRules {
            max_age: r.count("max_age")? as i32,
            min_seniority_years: r.count("min_seniority_years")? as u32,
            sector_levels: r.levels("sector_levels")?,
            min_sector_employers: r.count("min_sector_employers")?,
            min_workers: r.count("min_workers")?,
            min_cases: r.count("min_cases")?,
            sector_factor: r.decimal("sector_factor")?,
            private_factor: r.decimal("private_factor")?,
            warn_sector_factor: r.decimal("warn_sector_factor")?,
            warn_private_factor: r.decimal("warn_private_factor")?,
            rate_percent: r.decimal("rate_percent")?,
            payment_lag: r.count("payment_lag")? as i32,
        };
        let solidarity = SolidarityRules {
            rate_percent: r.decimal("solidarity_rate_percent")?,
            window_first_day: r.count("window_first_day")? as u32,
            window_months: r.count("window_months")? as u32,
            benefit_weekdays: r.weekdays("benefit_weekdays")?,
            min_workers: r.count("solidarity_min_workers")?,
            excluded_worker_types: r.codes("solidarity_excluded_worker_types")?,
            excludes_recognised_disability: r.switch("solidarity_excludes_recognised_disability")?,
            min_age: r.count("solidarity_min_age")? as i32,
            max_age: r.count("solidarity_max_age")? as i32,
            min_service_months: r.count("solidarity_min_service_months")? as i32,
            payment_lag: r.count("solidarity_payment_lag")? as i32,
        };
        let funds = FundsRules {
            notice_day: r.typed("funds_notice_day", as_month_day)?,
            payment_days: r.count("funds_payment_days")? as u32,
            request_years: r.count("funds_request_years")? as u32,
            allocation_years: r.count("funds_allocation_years")? as u32,
        };
        Ok(Rules {
            quarter: q,
            first_quarter,
            in_force,
            shared,
            levy,
            solidarity,
            funds,
            origin: self.origin.clone(),
            sha256: self.sha256.clone(),
            provenance: r.provenance,
        })
    }
}

/// Reads typed values for one quarter and records where each came from.
struct Resolver<'a> {
    set: &'a RuleSet,
    q: Quarter,
    allow_early: bool,
    provenance: Vec<Provenance>,
}

impl Resolver<'_> {
    fn get(&mut self, name: &str) -> Result<toml::Value> {
        let d = self.set.pick(name, self.q, self.allow_early)?;
        let p = &self.set.parameters[name];
        self.provenance.push(Provenance {
            name: name.to_string(),
            value: display_value(&d.value),
            from: d.from,
            source: d.source.to_string(),
            description: p.description.clone(),
            rule: p.rule.clone(),
        });
        Ok(d.value.clone())
    }
    /// Types were checked at load: a conversion that fails is a bug, not a zero.
    fn typed<T>(&mut self, name: &str, f: impl Fn(&toml::Value) -> Option<T>) -> Result<T> {
        let v = self.get(name)?;
        f(&v).ok_or_else(|| {
            anyhow::anyhow!("{}: parameter '{name}' lost its type after loading", self.set.origin).into()
        })
    }
    fn switch(&mut self, name: &str) -> Result<bool> {
        self.typed(name, toml::Value::as_bool)
    }
    fn quarter(&mut self, name: &str) -> Result<Quarter> {
        self.typed(name, as_quarter)
    }
    fn count(&mut self, name: &str) -> Result<u64> {
        self.typed(name, |v| v.as_integer().and_then(|i| u64::try_from(i).ok()))
    }
    fn decimal(&mut self, name: &str) -> Result<Decimal> {
        self.typed(name, as_decimal)
    }
    /// An amount in euros, in cents.
    fn cents(&mut self, name: &str) -> Result<i64> {
        let origin = self.set.origin.clone();
        self.decimal(name)?
            .in_units_of(2)
            .ok_or_else(|| Error::Usage(format!("{origin}: {name} has more than two decimals")))
    }
    fn levels(&mut self, name: &str) -> Result<Vec<usize>> {
        self.typed(name, |v| v.as_array()?.iter().map(|x| x.as_integer().map(|i| i as usize)).collect())
    }
    fn codes(&mut self, name: &str) -> Result<Vec<String>> {
        self.typed(name, |v| v.as_array()?.iter().map(|x| x.as_str().map(str::to_string)).collect())
    }
    fn code(&mut self, name: &str) -> Result<String> {
        self.typed(name, |v| v.as_str().map(str::to_string))
    }
    fn weekdays(&mut self, name: &str) -> Result<[bool; 7]> {
        self.typed(name, as_weekdays)
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

fn type_ok(ty: Type, v: &toml::Value) -> bool {
    match ty {
        Type::Quarter => as_quarter(v).is_some(),
        Type::Count => v.as_integer().is_some_and(|i| (0..=1_000_000).contains(&i)),
        Type::Decimal => as_decimal(v).is_some(),
        Type::Switch => v.as_bool().is_some(),
        Type::Levels => v
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.as_integer().is_some_and(|i| (1..=5).contains(&i)))),
        Type::Codes => v.as_array().is_some_and(|a| a.iter().all(|x| x.as_str().is_some())),
        Type::Code => v.as_str().is_some_and(|s| !s.trim().is_empty()),
        Type::Weekdays => as_weekdays(v).is_some(),
        Type::MonthDay => as_month_day(v).is_some(),
    }
}

/// `"MM-DD"`, a day that exists in every year (not 29 February).
fn as_month_day(v: &toml::Value) -> Option<(u32, u32)> {
    let (m, d) = v.as_str()?.split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && d >= 1 && d <= crate::quarter::days_in_month(2023, m)).then_some((m, d))
}

fn as_weekdays(v: &toml::Value) -> Option<[bool; 7]> {
    let mut days = [false; 7];
    for x in v.as_array()? {
        let i = WEEKDAYS.iter().position(|d| x.as_str() == Some(*d))?;
        days[i] = true;
    }
    Some(days)
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

/// A rule file the TOML parser refused, in one line: the file, the line and column of
/// the fault (from the parser's span) and its message, without the parser's caret display.
fn syntax_error(text: &str, origin: &str, e: &toml::de::Error) -> Error {
    let place = e.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(":{line}:{column}")
    });
    let message = e.message().lines().next().unwrap_or("").trim();
    Error::Usage(format!("{origin}{}: invalid rule file: {message}", place.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    #[test]
    fn embedded_set_resolves() {
        let set = RuleSet::embedded().unwrap();
        let r = set.resolve(q("2023Q4"), false).unwrap();
        assert_eq!(r.levy.max_age, 55);
        assert_eq!(r.levy.min_seniority_years, 3);
        assert_eq!(r.levy.sector_levels, vec![4, 3, 2]);
        assert_eq!(r.levy.sector_factor, Decimal { units: 2, scale: 0 });
        assert_eq!(r.levy.rate_percent.to_string(), "0.625");
        assert_eq!(r.shared.max_line_fte_micro, 1_500_000);
        assert_eq!(r.provenance.len(), PARAMETERS.len());
        let s = set.resolve(q("2026Q1"), false).unwrap().solidarity;
        assert_eq!((s.rate_percent.to_string(), s.window_first_day, s.window_months), ("30".into(), 31, 2));
        assert_eq!(s.benefit_weekdays, [true, true, true, true, true, true, false], "Monday to Saturday");
        assert_eq!((s.min_age, s.max_age, s.min_service_months, s.payment_lag), (18, 54, 1, 3));
        assert_eq!(s.excluded_worker_types.len(), 7);
        assert!(r.provenance.iter().all(|p| !p.source.is_empty()));
    }

    #[test]
    fn switches_are_dated() {
        let set = RuleSet::embedded().unwrap();
        let at = |s| set.resolve(q(s), false).unwrap().in_force;
        assert_eq!(at("2025Q4"), InForce { invalidity_levy: true, solidarity: false });
        assert_eq!(at("2026Q1"), InForce { invalidity_levy: false, solidarity: true });
        assert_eq!(set.periods("invalidity_levy_in_force"), vec![(q("2022Q4"), Some(q("2025Q4")))]);
        assert_eq!(set.periods("solidarity_in_force"), vec![(q("2026Q1"), None)]);
    }

    #[test]
    fn early_quarter_refused_unless_allowed() {
        let set = RuleSet::embedded().unwrap();
        let e = set.resolve(q("2022Q3"), false).unwrap_err().to_string();
        assert!(e.contains("before the first assessable quarter 2022Q4"), "{e}");
        assert!(set.resolve(q("2022Q3"), true).is_ok());
    }

    #[test]
    fn strict_loader() {
        let unknown = format!("{DEFAULT_RULES}\n[colour]\ndescription = \"x\"\nrule = \"x\"\nvalues = {{}}\n");
        assert!(RuleSet::parse(&unknown, "t").unwrap_err().to_string().contains("unknown parameter 'colour'"));
        let undated = DEFAULT_RULES.replace("\"2022Q4\" = { value = 55", "\"always\" = { value = 55");
        assert!(RuleSet::parse(&undated, "t").unwrap_err().to_string().contains("every value must be dated"));
        let extra_key = DEFAULT_RULES.replace("value = 55,", "value = 55, note = \"x\",");
        assert!(RuleSet::parse(&extra_key, "t").is_err());
        let wrong_type = DEFAULT_RULES.replace("value = 55,", "value = \"fifty-five\",");
        assert!(RuleSet::parse(&wrong_type, "t").unwrap_err().to_string().contains("wrong type"));
        let dated_change = DEFAULT_RULES.replace(
            "\"2022Q4\" = { value = \"2\",",
            "\"2024Q1\" = { value = \"1.8\", source = { act = \"what-if\" } }\n\"2022Q4\" = { value = \"2\",",
        );
        let set = RuleSet::parse(&dated_change, "t").unwrap();
        assert_eq!(set.resolve(q("2023Q4"), false).unwrap().levy.sector_factor.to_string(), "2");
        assert_eq!(set.resolve(q("2024Q1"), false).unwrap().levy.sector_factor.to_string(), "1.8");
    }

    #[test]
    fn decimals_from_toml() {
        assert_eq!(as_decimal(&toml::Value::Float(1.8)), Decimal::parse("1.8"));
        assert_eq!(as_decimal(&toml::Value::Integer(-1)), None);
    }
}

#[cfg(test)]
mod what_if_files {
    use super::*;

    /// The shipped what-if for the announced extension differs from the rule set only by
    /// its header and window_months from 2027Q1 (so it cannot drift from the law).
    #[test]
    fn solidarity_months_4_5_is_the_rule_set_plus_one_value() {
        let text = include_str!("../../data/what-if/solidarity-months-4-5.toml");
        let set = RuleSet::parse(text, "what-if").unwrap();
        let law = RuleSet::embedded().unwrap();
        for q in ["2026Q1", "2026Q4", "2027Q1", "2028Q2"] {
            let q: Quarter = q.parse().unwrap();
            let (a, b) = (set.resolve(q, false).unwrap(), law.resolve(q, false).unwrap());
            let months = if q >= "2027Q1".parse().unwrap() { 4 } else { 2 };
            assert_eq!(a.solidarity.window_months, months, "{q}");
            assert_eq!(b.solidarity.window_months, 2, "{q}");
            let diff: Vec<&str> = a
                .provenance
                .iter()
                .zip(&b.provenance)
                .filter(|(x, y)| x.value != y.value)
                .map(|(x, _)| x.name.as_str())
                .collect();
            let expected: Vec<&str> = if months == 4 { vec!["window_months"] } else { vec![] };
            assert_eq!(diff, expected, "{q}");
        }
    }
}
