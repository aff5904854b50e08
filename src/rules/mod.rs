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
    /// An FTE, a decimal of at most six places, read in millionths.
    Fte,
    /// An amount in euros, a decimal of at most two places, read in cents.
    Money,
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
    /// A non-empty list of code numbers (0 to 999): the DmfA's service and remuneration
    /// codes (§13).
    Numbers,
}

/// The week days as the rule file writes them, Monday first (index 0).
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The groups of the rule file: `[GROUP.NAME]` (§5).
pub const GROUPS: [&str; 5] = ["shared", "levy", "solidarity", "funds", "dmfa"];

/// Declares the parameters of one part of the rules, once each: the field of the
/// resolved struct, its Rust type, the rule file's type of its values and its name in
/// the rule file (`GROUP.FIELD`, or the name given). Generates the struct, its list of
/// parameters and the reading of them for a quarter: a new parameter is one line here
/// plus its values in `data/rules.toml`.
macro_rules! parameters {
    ($(
        $(#[$smeta:meta])*
        $S:ident in $group:literal {
            $( $(#[$fmeta:meta])* $field:ident : $fty:ty = $T:ident $(($name:literal))? ),* $(,)?
        }
    )*) => {
        $(
            $(#[$smeta])*
            #[derive(Debug, Clone, PartialEq)]
            pub struct $S {
                $( $(#[$fmeta])* pub $field: $fty, )*
            }

            impl $S {
                /// Its parameters as the rule file names them, with the type of their values.
                pub const PARAMETERS: &'static [(&'static str, Type)] =
                    &[ $( (parameters!(@name $group, $field $(, $name)?), Type::$T) ),* ];

                fn resolve(r: &mut Resolver<'_>) -> Result<$S> {
                    Ok($S { $( $field: r.read(parameters!(@name $group, $field $(, $name)?), Type::$T)? ),* })
                }
            }
        )*

        /// Every parameter of the rule set, in the order they are resolved and printed.
        pub fn parameters() -> impl Iterator<Item = (&'static str, Type)> {
            [$( $S::PARAMETERS ),*].into_iter().flatten().copied()
        }
    };
    (@name $group:literal, $field:ident) => { concat!($group, ".", stringify!($field)) };
    (@name $group:literal, $field:ident, $name:literal) => { $name };
}

parameters! {
    /// Which contributions the rule set switches on for the quarter (§5).
    InForce in "" {
        invalidity_levy: bool = Switch("levy.in_force"),
        solidarity: bool = Switch("solidarity.in_force"),
    }

    /// Parameters both contributions use: the first assessable quarter (§5), the
    /// sheltered-workshop exclusion (§3.5, §8.2) and the data-quality bounds (§6).
    SharedRules in "shared" {
        first_quarter: Quarter = Quarter,
        sheltered_categories: Vec<String> = Codes,
        sheltered_joint_committee: String = Code,
        /// In FTE millionths: one employment line (§6).
        max_line_fte_micro: i64 = Fte("shared.max_line_fte"),
        /// In cents: the wages of one employment line (§6).
        max_line_wages_cents: i64 = Money("shared.max_line_wages"),
        /// In cents: the daily benefit of one incapacity row (§6).
        max_daily_benefit_cents: i64 = Money("shared.max_daily_benefit"),
        /// In percent of an input's rows (§6).
        max_rejected_share: Decimal = Decimal,
        /// In percent of the median volume of the quarters a computation reads (§6).
        max_quarter_drop: Decimal = Decimal,
        /// Quarters after the quarter of a corrected notice's date in which its difference
        /// is collected or refunded (§12.3).
        regularisation_due_lag: i32 = Count,
    }

    /// The parameters of the invalidity-inflow levy (§3).
    LevyRules in "levy" {
        max_age: i32 = Count,
        min_seniority_years: u32 = Count,
        sector_levels: Vec<usize> = Levels,
        min_sector_employers: u64 = Count,
        min_workers: u64 = Count,
        min_cases: u64 = Count,
        sector_factor: Decimal = Decimal,
        private_factor: Decimal = Decimal,
        warn_sector_factor: Decimal = Decimal,
        warn_private_factor: Decimal = Decimal,
        rate_percent: Decimal = Decimal,
        payment_lag: i32 = Count,
    }

    /// The parameters of the solidarity contribution (§8).
    SolidarityRules in "solidarity" {
        rate_percent: Decimal = Decimal,
        /// The window starts on this day of the incapacity (31: the day after the 30th).
        window_first_day: u32 = Count,
        window_months: u32 = Count,
        /// Indexed Monday = 0 … Sunday = 6.
        benefit_weekdays: [bool; 7] = Weekdays,
        min_workers: u64 = Count,
        excluded_worker_types: Vec<String> = Codes,
        /// A recognised work disability excludes the worker (the status `disability_recognised`).
        excludes_recognised_disability: bool = Switch,
        min_age: i32 = Count,
        max_age: i32 = Count,
        min_service_months: i32 = Count,
        payment_lag: i32 = Count,
    }

    /// The deadlines of the sector funds' receipts (§10).
    FundsRules in "funds" {
        /// The notice of the receipts of year Y is due by this day of Y+1: (month, day).
        notice_day: (u32, u32) = MonthDay,
        /// Days within which the office pays a fund's request.
        payment_days: u32 = Count,
        /// Years after the notice within which a fund may request; later, DG HUT receives.
        request_years: u32 = Count,
        /// Calendar years (the payment's and the next ones) within which a fund allocates
        /// what it was paid; the rest goes back to the office.
        allocation_years: u32 = Count,
    }

    /// How an employment line is read from a DmfA occupation (§13): readings of ours,
    /// the office's own formula not being published.
    DmfaRules in "dmfa" {
        /// Remuneration codes whose amounts are the line's wages.
        wage_codes: Vec<u16> = Numbers,
        /// Service codes of paid time, counted in the line's FTE.
        paid_service_codes: Vec<u16> = Numbers,
        /// Weeks of a quarter, the FTE's denominator.
        weeks_per_quarter: u32 = Count,
    }
}

/// The names of a rule file before the parameters were grouped, with their names now.
const RENAMED: &[(&str, &str)] = &[
    ("invalidity_levy_in_force", "levy.in_force"),
    ("solidarity_in_force", "solidarity.in_force"),
    ("first_quarter", "shared.first_quarter"),
    ("sheltered_categories", "shared.sheltered_categories"),
    ("sheltered_joint_committee", "shared.sheltered_joint_committee"),
    ("max_line_fte", "shared.max_line_fte"),
    ("max_line_wages", "shared.max_line_wages"),
    ("max_daily_benefit", "shared.max_daily_benefit"),
    ("max_rejected_share", "shared.max_rejected_share"),
    ("max_age", "levy.max_age"),
    ("min_seniority_years", "levy.min_seniority_years"),
    ("sector_levels", "levy.sector_levels"),
    ("min_sector_employers", "levy.min_sector_employers"),
    ("min_workers", "levy.min_workers"),
    ("min_cases", "levy.min_cases"),
    ("sector_factor", "levy.sector_factor"),
    ("private_factor", "levy.private_factor"),
    ("warn_sector_factor", "levy.warn_sector_factor"),
    ("warn_private_factor", "levy.warn_private_factor"),
    ("rate_percent", "levy.rate_percent"),
    ("payment_lag", "levy.payment_lag"),
    ("solidarity_rate_percent", "solidarity.rate_percent"),
    ("window_first_day", "solidarity.window_first_day"),
    ("window_months", "solidarity.window_months"),
    ("benefit_weekdays", "solidarity.benefit_weekdays"),
    ("solidarity_min_workers", "solidarity.min_workers"),
    ("solidarity_excluded_worker_types", "solidarity.excluded_worker_types"),
    ("solidarity_excludes_recognised_disability", "solidarity.excludes_recognised_disability"),
    ("solidarity_min_age", "solidarity.min_age"),
    ("solidarity_max_age", "solidarity.max_age"),
    ("solidarity_min_service_months", "solidarity.min_service_months"),
    ("solidarity_payment_lag", "solidarity.payment_lag"),
    ("funds_notice_day", "funds.notice_day"),
    ("funds_payment_days", "funds.payment_days"),
    ("funds_request_years", "funds.request_years"),
    ("funds_allocation_years", "funds.allocation_years"),
];

fn type_of(name: &str) -> Option<Type> {
    parameters().find(|(n, _)| *n == name).map(|(_, t)| t)
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
    /// The act, by its key in the rule file's `[acts]`.
    pub act: String,
    /// Other acts the value rests on (an amending law, a royal decree), by key.
    #[serde(default)]
    pub also: Vec<String>,
    /// Article and paragraph (`art. 142, § 1`), as all three languages write them.
    #[serde(default)]
    pub article: Option<String>,
    /// A link to the text (ejustice ELI, or the office's published instructions).
    #[serde(default)]
    pub url: Option<String>,
    /// Set when the value is responsa's reading of the sources rather than a figure the
    /// text states: what was read, and why.
    #[serde(default)]
    pub reading: Option<String>,
}

/// The languages a notice is written in, as the rule file keys an act's titles.
pub const LANGUAGES: [&str; 3] = ["fr", "nl", "de"];

/// An act the rule set cites, with its title in each notice language (§12.3).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Act {
    pub fr: String,
    pub nl: String,
    pub de: String,
    /// The languages whose text is exact: the official title as published, or the act's
    /// kind and date alone. Elsewhere the text is ours, and a citation says so.
    pub exact: Vec<String>,
    /// Publication date in the Moniteur belge / Belgisch Staatsblad, `YYYY-MM-DD`.
    #[serde(default)]
    pub moniteur: Option<String>,
}

impl Act {
    /// Its text in `lang` (French for a language the rule file does not key).
    pub fn title(&self, lang: &str) -> &str {
        match lang {
            "nl" => &self.nl,
            "de" => &self.de,
            _ => &self.fr,
        }
    }

    /// Its citation in `lang`: the title, marked when it is not exact there (a French
    /// title left untranslated, or our translation), and the publication date.
    pub fn cite(&self, lang: &str, article: Option<&str>) -> String {
        let mut s = self.title(lang).to_string();
        if !self.exact.iter().any(|l| l == lang) {
            let french = lang != "fr" && self.title(lang) == self.fr;
            s.push_str(match (lang, french) {
                ("nl", true) => " (Franse titel; geen officiële vertaling)",
                ("nl", false) => " (niet-officiële vertaling van de titel)",
                ("de", true) => " (französischer Titel; keine amtliche Übersetzung)",
                ("de", false) => " (nichtamtliche Übersetzung des Titels)",
                _ => " (intitulé non officiel)",
            });
        }
        if let Some(a) = article {
            s.push_str(", ");
            s.push_str(a);
        }
        if let Some(m) = &self.moniteur {
            let journal = if lang == "fr" { "M.B." } else { "B.S." };
            s.push_str(&format!(" ({journal} {})", day_month_year(m)));
        }
        s
    }
}

/// `2021-12-31` → `31.12.2021`, as citations date a publication.
fn day_month_year(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

impl Source {
    /// The analyst's form (explanations, `responsa rules`): the French title of each act,
    /// the article, the publication, the link and the reading.
    fn describe(&self, acts: &BTreeMap<String, Act>) -> String {
        let mut s = self.citation(acts, "fr");
        if let Some(u) = &self.url {
            s.push_str(&format!(" <{u}>"));
        }
        if let Some(r) = &self.reading {
            s.push_str(&format!(" [reading: {r}]"));
        }
        s
    }

    /// The acts and article in `lang`, as a notice cites them: the act with its article,
    /// then the acts it also rests on.
    fn citation(&self, acts: &BTreeMap<String, Act>, lang: &str) -> String {
        let mut parts = Vec::new();
        if let Some(a) = acts.get(&self.act) {
            parts.push(a.cite(lang, self.article.as_deref()));
        }
        parts.extend(self.also.iter().filter_map(|k| acts.get(k)).map(|a| a.cite(lang, None)));
        parts.join("; ")
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
    /// The acts the sources cite, by key.
    pub acts: BTreeMap<String, Act>,
}

/// The value of one parameter in force for a quarter, with where it comes from.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub name: String,
    pub value: String,
    pub from: Quarter,
    pub source: String,
    /// The acts and article alone, as a notice to an employer cites them, in each of
    /// [`LANGUAGES`].
    pub citation: [String; 3],
    pub description: String,
    pub rule: String,
}

/// The rule set resolved for one assessed quarter (§3, §5).
#[derive(Debug, Clone)]
pub struct Rules {
    pub quarter: Quarter,
    pub in_force: InForce,
    pub shared: SharedRules,
    pub levy: LevyRules,
    pub solidarity: SolidarityRules,
    pub funds: FundsRules,
    pub dmfa: DmfaRules,
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
        use serde::Deserialize as _;
        // One line, whatever the file's keys hold (a quoted key may hold a line end).
        let bad = |msg: String| {
            let msg: String = msg.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            Error::Usage(format!("{origin}: {msg}"))
        };
        let raw: BTreeMap<String, toml::Value> = toml::from_str(text).map_err(|e| syntax_error(text, origin, &e))?;
        let known = || parameters().map(|(n, _)| n).collect::<Vec<_>>().join(", ");
        let mut parameters = BTreeMap::new();
        let mut acts: BTreeMap<String, Act> = BTreeMap::new();
        for (group, table) in raw {
            if group == "acts" {
                let toml::Value::Table(members) = table else {
                    return Err(bad("'acts' must be a group of acts ([acts.KEY])".to_string()));
                };
                for (key, value) in members {
                    let act = Act::deserialize(value).map_err(|e| {
                        bad(format!("act '{key}': {e} (each act has its title as fr, nl and de, and exact)"))
                    })?;
                    for lang in LANGUAGES {
                        if act.title(lang).trim().is_empty() {
                            return Err(bad(format!("act '{key}': its {lang} title is empty")));
                        }
                    }
                    if let Some(l) = act.exact.iter().find(|l| !LANGUAGES.contains(&l.as_str())) {
                        return Err(bad(format!("act '{key}': exact names '{l}' (languages: fr, nl, de)")));
                    }
                    acts.insert(key, act);
                }
                continue;
            }
            if let Some((_, new)) = RENAMED.iter().find(|(old, _)| *old == group) {
                return Err(bad(format!(
                    "'{group}' is now '{new}': the rule file groups its parameters by contribution ([{new}] and \
                     [{new}.values]; see data/rules.toml)"
                )));
            }
            if !GROUPS.contains(&group.as_str()) {
                return Err(bad(format!("unknown parameter '{group}' (known: {})", known())));
            }
            let toml::Value::Table(members) = table else {
                return Err(bad(format!("'{group}' must be a group of parameters ([{group}.NAME])")));
            };
            for (member, value) in members {
                let name = format!("{group}.{member}");
                let Some(ty) = type_of(&name) else {
                    return Err(bad(format!("unknown parameter '{name}' (known: {})", known())));
                };
                let p = ParamFile::deserialize(value).map_err(|e| bad(format!("parameter '{name}': {e}")))?;
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
                            "parameter '{name}' from {from}: value {} has the wrong type ({})",
                            display_value(&v.value),
                            ty.describe()
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
        }
        for (name, _) in self::parameters() {
            if !parameters.contains_key(name) {
                return Err(bad(format!("missing parameter '{name}'")));
            }
        }
        // Every act a source names is defined, with its three titles: a notice never
        // cites an act it cannot name in the employer's language (§12.3).
        for p in parameters.values() {
            for d in &p.values {
                for key in std::iter::once(&d.source.act).chain(&d.source.also) {
                    if !acts.contains_key(key) {
                        return Err(bad(format!(
                            "parameter '{}' from {}: the source names act '{key}', which [acts] does not define \
                             (known: {})",
                            p.name,
                            d.from,
                            acts.keys().cloned().collect::<Vec<_>>().join(", ")
                        )));
                    }
                }
            }
        }
        let sha256 = hex(&Sha256::digest(text.as_bytes()));
        Ok(RuleSet { origin: origin.to_string(), sha256, parameters, acts })
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
        let first_quarter = as_quarter(&self.pick("shared.first_quarter", q, true)?.value)
            .ok_or_else(|| anyhow::anyhow!("shared.first_quarter: type checked at load"))?;
        if q < first_quarter && !allow_early {
            return Err(Error::Usage(format!(
                "{q} is before the first assessable quarter {first_quarter} (rule set {}); \
                 pass --allow-before-first-quarter to assess it anyway",
                self.origin
            )));
        }
        let mut r = Resolver { set: self, q, allow_early, provenance: Vec::new() };
        Ok(Rules {
            quarter: q,
            in_force: InForce::resolve(&mut r)?,
            shared: SharedRules::resolve(&mut r)?,
            levy: LevyRules::resolve(&mut r)?,
            solidarity: SolidarityRules::resolve(&mut r)?,
            funds: FundsRules::resolve(&mut r)?,
            dmfa: DmfaRules::resolve(&mut r)?,
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
            source: d.source.describe(&self.set.acts),
            citation: LANGUAGES.map(|lang| d.source.citation(&self.set.acts, lang)),
            description: p.description.clone(),
            rule: p.rule.clone(),
        });
        Ok(d.value.clone())
    }
    /// The value in force, as the field's type. Types were checked at load: a conversion
    /// that fails is a bug, not a zero.
    fn read<T: FromParam>(&mut self, name: &str, ty: Type) -> Result<T> {
        let v = self.get(name)?;
        T::from_param(ty, &v).ok_or_else(|| {
            anyhow::anyhow!("{}: parameter '{name}' lost its type after loading", self.set.origin).into()
        })
    }
}

/// A field's type read from a parameter's value of rule-file type [`Type`].
trait FromParam: Sized {
    fn from_param(ty: Type, v: &toml::Value) -> Option<Self>;
}

impl FromParam for bool {
    fn from_param(_: Type, v: &toml::Value) -> Option<bool> {
        v.as_bool()
    }
}
impl FromParam for Quarter {
    fn from_param(_: Type, v: &toml::Value) -> Option<Quarter> {
        as_quarter(v)
    }
}
impl FromParam for Decimal {
    fn from_param(_: Type, v: &toml::Value) -> Option<Decimal> {
        as_decimal(v)
    }
}
impl FromParam for u64 {
    fn from_param(_: Type, v: &toml::Value) -> Option<u64> {
        v.as_integer().and_then(|i| u64::try_from(i).ok())
    }
}
impl FromParam for u32 {
    fn from_param(ty: Type, v: &toml::Value) -> Option<u32> {
        u64::from_param(ty, v).and_then(|i| u32::try_from(i).ok())
    }
}
impl FromParam for i32 {
    fn from_param(ty: Type, v: &toml::Value) -> Option<i32> {
        u64::from_param(ty, v).and_then(|i| i32::try_from(i).ok())
    }
}
/// FTE in millionths, or euros in cents.
impl FromParam for i64 {
    fn from_param(ty: Type, v: &toml::Value) -> Option<i64> {
        match ty {
            Type::Fte => as_decimal(v)?.in_units_of(6),
            Type::Money => as_decimal(v)?.in_units_of(2),
            _ => None,
        }
    }
}
impl FromParam for String {
    fn from_param(_: Type, v: &toml::Value) -> Option<String> {
        v.as_str().map(str::to_string)
    }
}
impl FromParam for Vec<String> {
    fn from_param(_: Type, v: &toml::Value) -> Option<Vec<String>> {
        v.as_array()?.iter().map(|x| x.as_str().map(str::to_string)).collect()
    }
}
impl FromParam for Vec<usize> {
    fn from_param(_: Type, v: &toml::Value) -> Option<Vec<usize>> {
        v.as_array()?.iter().map(|x| x.as_integer().and_then(|i| usize::try_from(i).ok())).collect()
    }
}
impl FromParam for Vec<u16> {
    fn from_param(_: Type, v: &toml::Value) -> Option<Vec<u16>> {
        v.as_array()?.iter().map(|x| x.as_integer().and_then(|i| u16::try_from(i).ok())).collect()
    }
}
impl FromParam for [bool; 7] {
    fn from_param(_: Type, v: &toml::Value) -> Option<[bool; 7]> {
        as_weekdays(v)
    }
}
impl FromParam for (u32, u32) {
    fn from_param(_: Type, v: &toml::Value) -> Option<(u32, u32)> {
        as_month_day(v)
    }
}

impl Type {
    /// What a value of the type looks like, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Type::Quarter => "a quarter, \"YYYYQn\"",
            Type::Count => "a whole number from 0 to 1,000,000",
            Type::Decimal => "a decimal, e.g. \"0.625\"",
            Type::Fte => "an FTE, a decimal of at most six places",
            Type::Money => "an amount in euros, a decimal of at most two places",
            Type::Switch => "true or false",
            Type::Levels => "a list of NACE levels from 1 to 5",
            Type::Codes => "a list of codes",
            Type::Code => "a code",
            Type::Weekdays => "a list of week days, \"monday\" … \"sunday\"",
            Type::MonthDay => "a day of the year, \"MM-DD\"",
            Type::Numbers => "a non-empty list of code numbers, 0 to 999",
        }
    }
}

impl Rules {
    /// The acts and article of a parameter's value, as an employer is told them in
    /// `lang` (fr, nl, de; French otherwise).
    pub fn citation_of(&self, name: &str, lang: &str) -> &str {
        let i = LANGUAGES.iter().position(|l| *l == lang).unwrap_or(0);
        self.provenance.iter().find(|p| p.name == name).map(|p| p.citation[i].as_str()).unwrap_or("")
    }

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
        Type::Fte => as_decimal(v).and_then(|d| d.in_units_of(6)).is_some(),
        Type::Money => as_decimal(v).and_then(|d| d.in_units_of(2)).is_some(),
        Type::Switch => v.as_bool().is_some(),
        Type::Levels => v
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.as_integer().is_some_and(|i| (1..=5).contains(&i)))),
        Type::Codes => v.as_array().is_some_and(|a| a.iter().all(|x| x.as_str().is_some())),
        Type::Code => v.as_str().is_some_and(|s| !s.trim().is_empty()),
        Type::Weekdays => as_weekdays(v).is_some(),
        Type::MonthDay => as_month_day(v).is_some(),
        Type::Numbers => Vec::<u16>::from_param(ty, v).is_some_and(|n| !n.is_empty() && n.iter().all(|&c| c <= 999)),
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
        assert_eq!(r.provenance.len(), parameters().count());
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
        assert_eq!(set.periods("levy.in_force"), vec![(q("2022Q4"), Some(q("2025Q4")))]);
        assert_eq!(set.periods("solidarity.in_force"), vec![(q("2026Q1"), None)]);
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
        let unknown = format!("{DEFAULT_RULES}\n[levy.colour]\ndescription = \"x\"\nrule = \"x\"\nvalues = {{}}\n");
        assert!(RuleSet::parse(&unknown, "t").unwrap_err().to_string().contains("unknown parameter 'levy.colour'"));
        let group = format!("{DEFAULT_RULES}\n[colour.red]\ndescription = \"x\"\nrule = \"x\"\nvalues = {{}}\n");
        assert!(RuleSet::parse(&group, "t").unwrap_err().to_string().contains("unknown parameter 'colour'"));
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

    /// §12.3: every act a source names is defined, with its three titles.
    #[test]
    fn acts_are_defined_with_three_titles() {
        let undefined = DEFAULT_RULES.replacen("act = \"law-2025-12\"", "act = \"law-2025\"", 1);
        let e = RuleSet::parse(&undefined, "t").unwrap_err().to_string();
        assert!(e.contains("names act 'law-2025', which [acts] does not define"), "{e}");
        let no_german = DEFAULT_RULES.replacen("de = \"Programmgesetz vom 27. Dezember 2021\"\n", "", 1);
        let e = RuleSet::parse(&no_german, "t").unwrap_err().to_string();
        assert!(e.contains("act 'lp-2021-12-27'") && e.contains("de"), "{e}");
        let set = RuleSet::embedded().unwrap();
        let r = set.resolve(q("2023Q4"), false).unwrap();
        assert_eq!(
            r.citation_of("levy.rate_percent", "nl"),
            "Programmawet van 27 december 2021, art. 143 (B.S. 31.12.2021)"
        );
        assert_eq!(
            r.citation_of("levy.rate_percent", "fr"),
            "Loi-programme du 27 décembre 2021, art. 143 (M.B. 31.12.2021)"
        );
    }

    /// A rule file written before the parameters were grouped names the new key.
    #[test]
    fn an_old_flat_rule_file_names_the_new_key() {
        let old =
            DEFAULT_RULES.replace("[levy.max_age]", "[max_age]").replace("[levy.max_age.values]", "[max_age.values]");
        let e = RuleSet::parse(&old, "old.toml").unwrap_err().to_string();
        assert!(e.contains("'max_age' is now 'levy.max_age'"), "{e}");
    }

    /// Every parameter is declared once: its name, the struct field it fills and its type
    /// come from one line of `parameters!`, and the rule file holds exactly those.
    #[test]
    fn every_declared_parameter_is_in_the_rule_file_under_its_group() {
        let set = RuleSet::embedded().unwrap();
        let declared: Vec<&str> = parameters().map(|(n, _)| n).collect();
        let mut names: Vec<&str> = set.parameters.keys().map(String::as_str).collect();
        let mut sorted = declared.clone();
        sorted.sort_unstable();
        names.sort_unstable();
        assert_eq!(names, sorted);
        for n in declared {
            let group = n.split('.').next().unwrap_or_default();
            assert!(GROUPS.contains(&group), "{n}");
        }
    }

    #[test]
    fn fte_and_money_take_at_most_their_places() {
        let more = DEFAULT_RULES.replace("value = \"1.5\"", "value = \"1.5000001\"");
        let e = RuleSet::parse(&more, "t").unwrap_err().to_string();
        assert!(e.contains("shared.max_line_fte") && e.contains("six places"), "{e}");
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
            let expected: Vec<&str> = if months == 4 { vec!["solidarity.window_months"] } else { vec![] };
            assert_eq!(diff, expected, "{q}");
        }
    }
}
