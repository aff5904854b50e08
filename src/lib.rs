//! responsa: the Belgian employer contributions for workers' long incapacity (docs/contract.md).
//!
//! What every contribution shares:
//! - [`quarter`]: quarters, dates, completed years (§1, §3.1);
//! - [`parse`]: field parsers, exact money and FTE (§2, §6);
//! - [`rules`]: the rule set, every parameter with its source and date (§5);
//! - [`contribution`]: which contribution applies to a quarter (§1, §5);
//! - [`input`]: the input files, their rows and row faults (§2, §6);
//! - [`occupation`]: employment lines aggregated per employer-quarter (§3.2, §3.4);
//! - [`employer`]: the sheltered-workshop rule and the average headcount (§3.4, §3.5);
//! - [`dataset`]: everything a run reads, read once;
//! - [`report`]: publishing reports atomically (§4, §6);
//! - [`html`]: the HTML report and the warning letters (§11);
//! - [`store`]: the quarterly store, ingest once and assess from aggregates (§9);
//! - [`synth`]: synthetic national-scale inputs (§7);
//! - [`xlsx`]: every table of a run in one workbook (§11);
//! - [`cli`]: the command line.
//!
//! One folder per contribution:
//! - [`levy`]: the invalidity-inflow levy, *cotisation de responsabilisation* (§3, §4);
//! - [`solidarity`]: the *cotisation de solidarité*, from 2026Q1 (§8).

pub mod assessed;
pub mod contribution;
pub mod correction;
pub mod dataset;
pub mod employer;
pub mod error;
pub mod explain;
pub mod funds;
pub mod html;
pub mod input;
pub mod levy;
pub mod occupation;
pub mod parse;
pub mod pipeline;
pub mod quarter;
pub mod regularise;
pub mod report;
pub mod rules;
pub mod run;
pub mod solidarity;
pub mod store;
pub mod synth;
pub mod volumes;
pub mod wing;
pub mod words;
pub mod xlsx;

pub use error::Error;
