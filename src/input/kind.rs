//! What a typed input column holds (SPEC §2: quarters, dates, euros, FTE, booleans) and
//! how a Polars column of text or of a Parquet writer's own type becomes exact integers,
//! with the parsers of [`crate::parse`].

use polars::prelude::*;

use crate::parse;

/// What a typed column is parsed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `YYYYQn` → Int32 quarter index.
    Quarter,
    /// `YYYY-MM-DD` → Int32 days since 1970-01-01.
    Date,
    /// euros → Int64 cents.
    Money,
    /// FTE → Int64 millionths.
    Fte,
    /// → Boolean.
    Bool,
}

impl Kind {
    fn dtype(self) -> DataType {
        match self {
            Kind::Quarter | Kind::Date => DataType::Int32,
            Kind::Money | Kind::Fte => DataType::Int64,
            Kind::Bool => DataType::Boolean,
        }
    }
    /// What a valid value looks like, for reject reasons.
    pub fn what(self) -> &'static str {
        match self {
            Kind::Quarter => "a quarter (YYYYQn)",
            Kind::Date => "a date (YYYY-MM-DD)",
            Kind::Money => "an amount in euros with at most two decimals",
            Kind::Fte => "an FTE with at most six decimals",
            Kind::Bool => "a boolean (true/false, 1/0, yes/no)",
        }
    }
    fn scale(self) -> u32 {
        if self == Kind::Money {
            2
        } else {
            6
        }
    }
}

/// A Polars expression parsing column `name` as `kind`: null where the value is missing
/// or invalid (the row is then not used; the pass that locates such rows gives the
/// reason, from [`super::employment::check`]).
pub fn parsed(name: &str, kind: Kind) -> Expr {
    col(name).map(
        move |c| parse_column(c.as_materialized_series(), kind).map(Column::from),
        move |_, f| Ok(Field::new(f.name().clone(), kind.dtype())),
    )
}

fn parse_column(s: &Series, kind: Kind) -> PolarsResult<Series> {
    let name = s.name().clone();
    let out = match (kind, s.dtype()) {
        (_, DataType::String) => {
            let ca = s.str()?;
            match kind {
                Kind::Quarter => {
                    // Lines come in runs of one quarter: the parse is memoised.
                    let mut last: Option<(&str, Option<i32>)> = None;
                    ca.iter()
                        .map(|o| {
                            let v = o?;
                            match last {
                                Some((t, q)) if t == v => q,
                                _ => {
                                    let q = parse::parse_quarter_field(v).ok().map(|q| q.0);
                                    last = Some((v, q));
                                    q
                                }
                            }
                        })
                        .collect::<Int32Chunked>()
                        .into_series()
                }
                Kind::Date => {
                    ca.iter().map(|o| o.and_then(|v| parse::parse_date(v).ok())).collect::<Int32Chunked>().into_series()
                }
                Kind::Money | Kind::Fte => {
                    let scale = kind.scale();
                    ca.iter()
                        .map(|o| o.and_then(|v| parse::parse_fixed(v, scale).ok()))
                        .collect::<Int64Chunked>()
                        .into_series()
                }
                Kind::Bool => ca
                    .iter()
                    .map(|o| o.and_then(|v| parse::parse_bool(v).ok()))
                    .collect::<BooleanChunked>()
                    .into_series(),
            }
        }
        (Kind::Date, DataType::Date) => s.cast(&DataType::Int32)?,
        (Kind::Bool, DataType::Boolean) => s.clone(),
        (Kind::Money | Kind::Fte, dt) if dt.is_float() => {
            let scale = kind.scale();
            let f = s.cast(&DataType::Float64)?;
            f.f64()?
                .iter()
                .map(|o| o.and_then(|v| parse::fixed_from_f64(v, scale).ok()))
                .collect::<Int64Chunked>()
                .into_series()
        }
        (Kind::Money | Kind::Fte, dt) if dt.is_integer() => {
            let m = 10i64.pow(kind.scale());
            let i = s.cast(&DataType::Int64)?;
            i.i64()?
                .iter()
                .map(|o| o.and_then(|v| (v >= 0).then(|| v.checked_mul(m)).flatten()))
                .collect::<Int64Chunked>()
                .into_series()
        }
        _ => return parse_column(&s.cast(&DataType::String)?, kind),
    };
    Ok(out.with_name(name))
}
