//! What a typed input column holds (§2: quarters, dates, euros, FTE, booleans) and
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

/// Parses a Polars column of text or of a Parquet writer's own type as `kind`: null
/// where the value is missing or invalid (the row is then not used; the pass that locates
/// such rows gives the reason, from [`super::employment::check`]).
pub fn parse_column(s: &Series, kind: Kind) -> PolarsResult<Series> {
    let name = s.name().clone();
    let out = match (kind, s.dtype()) {
        (_, DataType::String) => {
            let ca = s.str()?;
            match kind {
                Kind::Quarter => {
                    // Lines come in runs of one quarter: the parse is memoised.
                    let mut last: Option<(&str, Option<i32>)> = None;
                    map_texts::<Int32Type>(ca, |v| match last {
                        Some((t, q)) if t == v => q,
                        _ => {
                            let q = parse::parse_quarter_field(v).ok().map(|q| q.0);
                            last = Some((v, q));
                            q
                        }
                    })
                    .into_series()
                }
                Kind::Date => map_texts::<Int32Type>(ca, |v| parse::parse_date(v).ok()).into_series(),
                Kind::Money | Kind::Fte => {
                    let scale = kind.scale();
                    map_texts::<Int64Type>(ca, |v| parse::parse_fixed(v, scale).ok()).into_series()
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
            map_numbers::<_, Int64Type>(f.f64()?, |v| parse::fixed_from_f64(v, scale).ok()).into_series()
        }
        // DECIMAL(p, s), what DuckDB and Spark write for money: its integer units at
        // scale s, rescaled exactly; a value with more decimals than the kind allows, or a
        // negative one, is null (its reason comes from its text).
        (Kind::Money | Kind::Fte, DataType::Decimal(_, scale)) => {
            let scale = *scale as u32;
            let want = kind.scale();
            map_numbers::<_, Int64Type>(s.decimal()?.physical(), |v| rescale(v, scale, want)).into_series()
        }
        (Kind::Money | Kind::Fte, dt) if dt.is_integer() => {
            let m = 10i64.pow(kind.scale());
            let i = s.cast(&DataType::Int64)?;
            map_numbers::<_, Int64Type>(i.i64()?, |v| (v >= 0).then(|| v.checked_mul(m)).flatten()).into_series()
        }
        _ => return parse_column(&s.cast(&DataType::String)?, kind),
    };
    Ok(out.with_name(name))
}

// The usual column has every value present and valid. It is read from its buffers and
// written to a plain vector, with no validity mask: iterating optional values and building
// a mask for each cost a national Parquet run about a tenth of its parsing. A column with
// a missing value, or a value `f` refuses, is mapped again value by value, with its mask.

/// `f` of each number of `ca`, null where the number is missing or `f` gives none.
pub fn map_numbers<T, O>(ca: &ChunkedArray<T>, mut f: impl FnMut(T::Native) -> Option<O::Native>) -> ChunkedArray<O>
where
    T: PolarsNumericType,
    O: PolarsNumericType,
{
    if ca.null_count() == 0 {
        let values = ca.downcast_iter().flat_map(|arr| arr.values().iter()).map(|&v| f(v));
        if let Some(out) = complete(ca.len(), values) {
            return out;
        }
    }
    ca.iter().map(|o| o.and_then(&mut f)).collect()
}

/// `f` of each text of `ca`, null where the text is missing or `f` gives none.
pub fn map_texts<'a, O>(ca: &'a StringChunked, mut f: impl FnMut(&'a str) -> Option<O::Native>) -> ChunkedArray<O>
where
    O: PolarsNumericType,
{
    if ca.null_count() == 0 {
        if let Some(out) = complete(ca.len(), ca.downcast_iter().flat_map(|arr| arr.values_iter()).map(&mut f)) {
            return out;
        }
    }
    ca.iter().map(|o| o.and_then(&mut f)).collect()
}

/// The values as a column without a mask, or `None` at the first value missing.
fn complete<O: PolarsNumericType>(
    len: usize,
    values: impl Iterator<Item = Option<O::Native>>,
) -> Option<ChunkedArray<O>> {
    let mut out = Vec::with_capacity(len);
    for v in values {
        out.push(v?);
    }
    Some(ChunkedArray::from_vec(PlSmallStr::EMPTY, out))
}

/// `v` units at `from` decimals as units at `to` decimals, exactly: `None` when negative,
/// when decimals would be lost, or when it does not fit.
fn rescale(v: i128, from: u32, to: u32) -> Option<i64> {
    if v < 0 {
        return None;
    }
    let r = if to >= from {
        v.checked_mul(10i128.checked_pow(to - from)?)?
    } else {
        let d = 10i128.checked_pow(from - to)?;
        if v % d != 0 {
            return None;
        }
        v / d
    };
    i64::try_from(r).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_rescaled_exactly() {
        assert_eq!(rescale(123456, 2, 2), Some(123456), "DECIMAL(18,2) euros are cents");
        assert_eq!(rescale(1234, 1, 2), Some(12340));
        assert_eq!(rescale(123450, 3, 2), Some(12345), "a trailing zero decimal is exact");
        assert_eq!(rescale(123451, 3, 2), None, "a third decimal of a cent is refused, not rounded");
        assert_eq!(rescale(-1, 2, 2), None);
        assert_eq!(rescale(i128::MAX, 0, 2), None);
    }

    #[test]
    fn a_refused_or_missing_value_is_null_and_the_others_are_kept() {
        let text = Series::new("fte".into(), &[Some("0.5"), Some("0.1234567"), None, Some("1")]);
        let micro: Vec<Option<i64>> =
            parse_column(&text, Kind::Fte).expect("parsed").i64().expect("i64").iter().collect();
        assert_eq!(micro, vec![Some(500_000), None, None, Some(1_000_000)]);
        let float = Series::new("wages".into(), &[Some(10.5), Some(-1.0), Some(0.25)]);
        let cents: Vec<Option<i64>> =
            parse_column(&float, Kind::Money).expect("parsed").i64().expect("i64").iter().collect();
        assert_eq!(cents, vec![Some(1050), None, Some(25)], "a negative amount is refused");
        let complete = Series::new("quarter".into(), &["2023Q4", "2023Q4", "2024Q1"]);
        let q = parse_column(&complete, Kind::Quarter).expect("parsed");
        assert_eq!((q.null_count(), q.name().as_str()), (0, "quarter"));
    }

    #[test]
    fn a_decimal_column_is_read_exactly() {
        let units = Int128Chunked::from_slice("wages".into(), &[300000, 12345, 1]);
        let s = units.into_decimal(18, 2).expect("a decimal column").into_series();
        let cents = parse_column(&s, Kind::Money).expect("parsed");
        let v: Vec<Option<i64>> = cents.i64().expect("cents").iter().collect();
        assert_eq!(v, vec![Some(300000), Some(12345), Some(1)]);
        let fte = Int128Chunked::from_slice("fte".into(), &[5]).into_decimal(3, 1).expect("a decimal").into_series();
        let micro: Vec<Option<i64>> =
            parse_column(&fte, Kind::Fte).expect("parsed").i64().expect("i64").iter().collect();
        assert_eq!(micro, vec![Some(500000)], "0.5 FTE");
    }
}
