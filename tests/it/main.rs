//! The integration tests, one binary (the library is linked once): each module runs the
//! real `responsa` program on real files in a scratch folder ([`common::Workdir`]), in the
//! manner of xsv's `tests/workdir.rs`.

#[allow(dead_code)]
mod common;

mod bad_input;
mod browser;
mod citations;
mod cli;
mod corrections;
mod dialect;
mod dmfa;
mod docs;
mod example;
mod explain;
mod funds;
mod fuzz;
mod generate;
mod golden;
mod house;
mod layout;
mod parsers;
mod record;
mod store;
mod trust;
mod xlsx;
