//! Receipts by joint committee (§3.8): the levy of each liable employer is split over
//! the joint committees of its Q-1 employment lines in proportion to their wages (the
//! employer's own committee for lines that carry none), by the largest-remainder method
//! in cents, ties to the smaller committee code, so the parts add up exactly to the levy.
//!
//! The receipts go to the sector funds (*Fonds de sécurité d'existence*) of the joint
//! committees, for prevention and reintegration (loi-programme du 27 décembre 2021,
//! art. 147; §10). How a liable employer's levy is attributed to committees is
//! §3.8's reading: in proportion to the wages of its Q-1 lines.

/// The parts of one liable employer's levy (§3.8): its Q-1 wages per joint
/// committee — the lines that carry a committee under it, every other line under the
/// employer's own `own` committee — split by [`split`]. `wage_base` is the employer's
/// whole Q-1 wages; `carried` the wages of the lines that carry a committee.
pub fn attribute(levy: i64, wage_base: i64, own: &str, carried: &[(&str, i64)]) -> Vec<(String, i64)> {
    let mut by_jc: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for (jc, w) in carried {
        *by_jc.entry(jc).or_default() += w;
    }
    let carried_total: i64 = carried.iter().map(|(_, w)| w).sum();
    *by_jc.entry(own).or_default() += wage_base - carried_total;
    let parts: Vec<(String, i64)> =
        by_jc.into_iter().filter(|(_, w)| *w > 0).map(|(jc, w)| (jc.to_string(), w)).collect();
    split(levy, &parts, own)
}

/// Splits `levy` cents over `(committee, wages)` parts. Committees must be distinct.
/// With no wages at all, the whole levy goes to `own`.
pub fn split(levy: i64, parts: &[(String, i64)], own: &str) -> Vec<(String, i64)> {
    let total: i128 = parts.iter().map(|(_, w)| *w as i128).sum();
    if total == 0 {
        return vec![(own.to_string(), levy)];
    }
    let mut shares: Vec<(String, i64, i128)> = parts
        .iter()
        .map(|(jc, w)| {
            let q = levy as i128 * *w as i128;
            (jc.clone(), (q / total) as i64, q % total)
        })
        .collect();
    let given: i64 = shares.iter().map(|s| s.1).sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].2.cmp(&shares[a].2).then_with(|| shares[a].0.cmp(&shares[b].0)));
    for &i in order.iter().take((levy - given) as usize) {
        shares[i].1 += 1;
    }
    shares.sort_by(|a, b| a.0.cmp(&b.0));
    shares.into_iter().map(|(jc, c, _)| (jc, c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_up_and_ties_go_to_the_smaller_code() {
        let parts = vec![("200".to_string(), 1), ("111".to_string(), 1), ("302".to_string(), 1)];
        let s = split(100, &parts, "200");
        assert_eq!(s, vec![("111".into(), 34), ("200".into(), 33), ("302".into(), 33)]);
        let s = split(101, &parts, "200");
        assert_eq!(s.iter().map(|x| x.1).sum::<i64>(), 101);
        assert_eq!(s, vec![("111".into(), 34), ("200".into(), 34), ("302".into(), 33)]);
        // Largest remainder first: 70/30 of 5 cents = 3.5/1.5 → tie on .5 → smaller code.
        let s = split(5, &[("300".into(), 70), ("100".into(), 30)], "300");
        assert_eq!(s, vec![("100".into(), 2), ("300".into(), 3)]);
        assert_eq!(split(7, &[("200".into(), 0)], "200"), vec![("200".into(), 7)]);
    }

    #[test]
    fn lines_without_a_committee_go_to_the_employers_own() {
        // Wage base 100: 30 on lines of 302, the other 70 on lines with none (→ own 200).
        let parts = attribute(1000, 100, "200", &[("302", 30)]);
        assert_eq!(parts, vec![("200".into(), 700), ("302".into(), 300)]);
        // Lines carrying the employer's own committee add to the same part.
        let parts = attribute(1000, 100, "200", &[("200", 50), ("302", 50)]);
        assert_eq!(parts, vec![("200".into(), 500), ("302".into(), 500)]);
        // No wages at all: the whole levy to the employer's own committee.
        assert_eq!(attribute(5, 0, "200", &[]), vec![("200".into(), 5)]);
    }
}
