//! The *cotisation de responsabilisation* (NL *responsabiliseringsbijdrage*), the
//! invalidity-inflow levy (§3; loi-programme du 27 décembre 2021, art. 140 ff., as
//! amended by the law of 20 November 2022), for quarters up to 2025Q4.
//!
//! > « [...] een responsabiliseringsbijdrage, geïnd via een debetbericht, op
//! > kwartaalbasis voor werkgevers bij wie gemiddeld de instroom van werknemers in de
//! > invaliditeit 2 maal hoger ligt dan in de ondernemingen uit dezelfde sector en 3 maal
//! > hoger dan in de privé sector in het algemeen. »
//! > (ONSS/RSZ administrative instructions, "Responsabiliseringsbijdrage werkgevers inzake
//! > invaliditeit")
//!
//! The law, one module per rule, each free of Polars and of I/O:
//! - [`mod@reference`]: the reference quarters r1..r4 = Q-3..Q, denominators r-4 (§3.1–§3.3);
//! - [`entries`]: counted entries, the 55-year, 3-year and resumption rules (§3.1);
//! - [`ratios`]: ratios, multiples and exact factor decisions (§3.3);
//! - [`sector`]: the comparison group, 4 → 3 → 2 digits (§3.3, art. 142 §1);
//! - [`status`]: the status table (§3.5);
//! - [`warnings`]: early warnings W1–W3 (§3.7);
//! - [`amount`]: the levy and its rounding (§3.6);
//! - [`receipts`]: the split over joint committees (§3.8);
//! - [`funds`]: the sector funds' yearly notice and three-year ledger (§10).
//!
//! And the pipeline around them: [`assess`] gathers the facts and applies the rules,
//! [`report`] writes the outputs of §4, [`explain`] tells one employer's computation,
//! [`whatif`] compares two rule sets.

pub mod amount;
pub mod assess;
pub mod entries;
pub mod explain;
pub mod for_employer;
pub mod funds;
pub mod notice;
pub mod page;
pub mod ratios;
pub mod receipts;
pub mod reference;
pub mod regularise;
pub mod report;
pub mod sector;
pub mod status;
pub mod warnings;
pub mod whatif;
pub mod wing;

pub use wing::{Levy, LEVY};
