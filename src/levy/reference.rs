//! The quarters of the levy's arithmetic (§1, §3.1–§3.3, §3.6).
//!
//! For an assessed quarter Q (Ω in the law, the quarter in which the invalidity
//! starts), the reference quarters are r1 = Q-3, r2 = Q-2, r3 = Q-1 and r4 = Q; the
//! denominator of reference quarter r is the FTE of the corresponding quarter of the
//! previous calendar year, r-4; the wage base is the quarter Q-1.
//!
//! > « het gemiddelde van de verhoudingen tussen de intredes in invaliditeit in kwartaal
//! > Q (het kwartaal waarin de invaliditeit een aanvang neemt) en elk der drie
//! > voorafgaande kwartalen ten opzichte van de totale tewerkstellingen in de
//! > overeenstemmende kwartalen van het voorafgaande kalenderjaar »
//! > (programmawet van 27 december 2021, art. 141, as restated in Dutch by the federal
//! > prevention service Beswic, 2 February 2022; the article's own text is not quoted
//! > here because it could not be checked against the Moniteur)

use crate::quarter::Quarter;

/// The reference quarters of an assessed quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    pub assessed: Quarter,
}

/// The four reference quarters are indexed 0..4 (printed r1..r4).
pub const REFERENCE_QUARTERS: usize = 4;

impl Reference {
    pub fn of(assessed: Quarter) -> Reference {
        Reference { assessed }
    }

    /// r_k for k = 0..4, Q.
    pub fn quarter(self, k: usize) -> Quarter {
        self.assessed.offset(k as i32 - 3)
    }

    /// The index k of a reference quarter, `None` outside Q-3..Q.
    pub fn index_of(self, r: Quarter) -> Option<usize> {
        let k = r.0 - self.quarter(0).0;
        (0..REFERENCE_QUARTERS as i32).contains(&k).then_some(k as usize)
    }

    /// The denominator's quarter of r_k: r_k - 4, the same quarter a year earlier.
    pub fn denominator_quarter(self, k: usize) -> Quarter {
        self.quarter(k).offset(-4)
    }

    /// The index k whose denominator is quarter `p`, `None` when p is none of them.
    pub fn denominator_index(self, p: Quarter) -> Option<usize> {
        self.index_of(p.offset(4))
    }

    /// The quarter of the wage base: Q-1 (§3.6) and of the receipts split (§3.8).
    pub fn wage_quarter(self) -> Quarter {
        self.assessed.offset(-1)
    }

    /// `r1`..`r4`, as printed.
    pub fn label(k: usize) -> String {
        format!("r{}", k + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_of_2023q4() {
        let r = Reference::of("2023Q4".parse().unwrap());
        let names = |qs: Vec<Quarter>| qs.iter().map(|q| q.to_string()).collect::<Vec<_>>();
        assert_eq!(names((0..4).map(|k| r.quarter(k)).collect()), ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]);
        assert_eq!(names((0..4).map(|k| r.denominator_quarter(k)).collect()), ["2022Q1", "2022Q2", "2022Q3", "2022Q4"]);
        assert_eq!(r.index_of("2022Q4".parse().unwrap()), None);
        assert_eq!(r.index_of("2023Q1".parse().unwrap()), Some(0));
        assert_eq!(r.index_of("2023Q4".parse().unwrap()), Some(3));
        assert_eq!(r.index_of("2024Q1".parse().unwrap()), None);
        assert_eq!(r.denominator_index("2022Q1".parse().unwrap()), Some(0));
        assert_eq!(r.denominator_index("2023Q1".parse().unwrap()), None);
        assert_eq!(r.wage_quarter().to_string(), "2023Q3");
        assert_eq!(Reference::label(0), "r1");
    }
}
