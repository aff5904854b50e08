//! responsa: the Belgian employer contributions for workers' long incapacity (docs/contract.md).
//! docs/design.md draws the layers below and the one way they point.
//!
//! The law's arithmetic and its words:
//! - [`quarter`]: quarters, dates, completed years (§1, §3.1);
//! - [`parse`]: field parsers, exact money and FTE (§2, §6);
//! - [`rules`]: the rule set, every parameter with its source and date (§5);
//! - [`employer`]: the sheltered-workshop rule and the average headcount (§3.4, §3.5);
//! - [`volumes`]: volumes hold, gaps (§6);
//! - [`words`]: quarters, dates and amounts in French, Dutch and German (§11).
//!
//! Reading:
//! - [`input`]: the input files, their rows and row faults (§2, §6);
//! - [`occupation`]: employment lines aggregated per employer-quarter (§3.2, §3.4);
//! - [`dataset`]: everything a run reads, read once, and the checks it must pass (§6).
//!
//! Publishing pieces: [`report`] (outputs published whole, §4, §6), [`html`] (the page's
//! pieces, the notices' head and the office's lines, §11), [`xlsx`] (the workbook, §11).
//!
//! The contributions: [`wing`] (what a contribution is to the rest), [`assessed`] (a
//! quarter assessed), [`contribution`] (the registry, and which is in force, §5),
//! [`correction`] (a regularisation's rows and totals, §12), and one folder each:
//! - [`levy`]: the invalidity-inflow levy, *cotisation de responsabilisation* (§3, §4);
//! - [`solidarity`]: the *cotisation de solidarité*, from 2026Q1 (§8).
//!
//! [`store`]: the quarterly store, its versions and its journal (§9, §12).
//!
//! The runs: [`run`] (the one driver: resolve, read, check), [`pipeline`] (assess),
//! [`regularise`], [`explain`], [`funds`] (§10); [`synth`] (synthetic inputs, §7). The
//! command line is the binary's (`src/main.rs`, `src/cli/`).

pub mod assessed;
pub mod contribution;
pub mod correction;
pub mod dataset;
pub mod dmfa;
pub mod employer;
pub mod error;
pub mod explain;
pub mod funds;
pub mod html;
pub mod input;
pub mod levy;
pub mod lines;
pub mod memory;
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
