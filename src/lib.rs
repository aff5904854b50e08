//! responsa: the Belgian employer *cotisation de responsabilisation* (SPEC.md).
//!
//! Where each part of the law lives:
//! - [`quarter`]: quarters, dates, completed years (SPEC §1, §3.1);
//! - [`parse`]: field parsers, exact money and FTE (SPEC §2, §6);
//! - [`rules`]: the rule set, every parameter with its source and date (SPEC §5);
//! - [`input`]: locating and scanning the inputs (SPEC §2, §6);
//! - [`csvblocks`]: reading a large CSV file on every core (SPEC §6, §7);
//! - [`register`]: the employer register (SPEC §2.1);
//! - [`entries`]: counted entries, the 55-year, 3-year and resumption rules (SPEC §3.1);
//! - [`occupation`]: fte3y, headcount and wages per employer-quarter (SPEC §3.2, §3.4);
//! - [`ratios`]: ratios, multiples and exact factor decisions (SPEC §3.3);
//! - [`status`]: the status table (SPEC §3.5);
//! - [`levy`]: the levy and its rounding (SPEC §3.6);
//! - [`warnings`]: early warnings W1–W3 (SPEC §3.7);
//! - [`receipts`]: the split over joint committees (SPEC §3.8);
//! - [`assess`]: the computation for a quarter, tying the above together;
//! - [`report`]: the outputs (SPEC §4); [`rejects`]: row faults (SPEC §6);
//! - [`explain`]: one employer's computation in words; [`whatif`]: two rule sets compared;
//! - [`synth`]: synthetic national-scale inputs (SPEC §7);
//! - [`cli`]: the command line.

pub mod assess;
pub mod cli;
pub mod csvblocks;
pub mod entries;
pub mod error;
pub mod explain;
pub mod input;
pub mod levy;
pub mod occupation;
pub mod parse;
pub mod quarter;
pub mod ratios;
pub mod receipts;
pub mod register;
pub mod rejects;
pub mod report;
pub mod rules;
pub mod status;
pub mod synth;
pub mod warnings;
pub mod whatif;

pub use error::Error;
