//! The *cotisation de solidarité* (NL *solidariteitsbijdrage*), from 2026Q1 (§8; the
//! law of December 2025 "exécutant une politique renforcée de retour au travail en cas
//! d'incapacité de travail", M.B. 30.12.2025, in force 1 January 2026): 30 % of the
//! sickness benefit of the two months that follow the 30th day of a primary incapacity,
//! due by employers of 50 workers or more, private and public. There is no comparison
//! with the sector.
//!
//! The law, one module per rule, each free of Polars and of I/O:
//! - [`window`]: the window after day 30 and its indemnified days;
//! - [`status`]: the status table of an incapacity;
//! - [`amount`]: 30 % of the benefit, half up to the cent once per incapacity.
//!
//! And the pipeline: [`assess`] gathers the facts, [`report`] writes the outputs of
//! §8.3, [`explain`] tells one employer's incapacities, [`whatif`] compares two rule sets.

pub mod amount;
pub mod assess;
pub mod explain;
pub mod for_employer;
pub mod notice;
pub mod page;
pub mod regularise;
pub mod report;
pub mod status;
pub mod whatif;
pub mod window;
pub mod wing;

pub use wing::{Solidarity, SOLIDARITY};
