//! Criterion benchmarks of `assess` at `small` scale (§7): the whole run and its
//! stages — read (register and invalidity), aggregate (employment lines), decide (the
//! computation of §3) and write (the reports).
//!
//! `cargo bench --bench assess`. The data is generated once (seed 1) under
//! `$RESPONSA_BENCH_DATA` (default `~/.cache/responsa-bench`), outside the repository.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use responsa::dataset::{load, Needs};

const LEVY: Needs = Needs { invalidity: true, incapacity: false, invalidity_back: Some(3) };
use responsa::input::{open, Table};
use responsa::levy::assess::assess;
use responsa::quarter::{Quarter, QuarterRange};
use responsa::rules::RuleSet;
use responsa::synth::{generate, Config, OutputFormat, Scale};

/// The binary's allocator, so that the stages are measured as they run in `responsa`.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn data_dir(format: OutputFormat) -> PathBuf {
    let base = std::env::var_os("RESPONSA_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/responsa-bench"));
    let name = if format == OutputFormat::Csv { "small-csv" } else { "small-parquet" };
    let dir = base.join(name);
    if !dir.join("invalidity.csv").exists() && !dir.join("invalidity.parquet").exists() {
        let range: QuarterRange = "2022Q1..2023Q4".parse().expect("range");
        let cfg = Config {
            scale: Scale::Small,
            seed: 1,
            out: dir.clone(),
            format,
            quarters: range,
            faults: 0.0,
            progress: false,
        };
        generate(&cfg).expect("generate small data");
    }
    dir
}

fn benches(c: &mut Criterion) {
    let q: Quarter = "2023Q4".parse().expect("quarter");
    let rules = RuleSet::embedded().and_then(|s| s.resolve(q, false)).expect("rules");
    let out = tempfile_dir();
    let mut g = c.benchmark_group("small");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let dir = data_dir(format);
        let tag = if format == OutputFormat::Csv { "csv" } else { "parquet" };
        g.bench_function(format!("assess_whole_{tag}"), |b| {
            b.iter(|| {
                let loaded =
                    load(&dir, Default::default(), Default::default(), &rules, &[q], LEVY, &|_| {}).expect("load");
                let a = assess(&loaded, rules.clone()).expect("assess");
                responsa::levy::report::write(&out, &a, &loaded.rejects, &loaded.inputs, None).expect("write");
            })
        });
        let employers = open(&dir, Table::Employers).expect("open");
        let invalidity = open(&dir, Table::Invalidity).expect("open");
        let employment = open(&dir, Table::Employment).expect("open");
        g.bench_function(format!("read_register_and_invalidity_{tag}"), |b| {
            b.iter(|| {
                let (reg, _, _) = responsa::input::register::load(&employers, Some(&[q])).expect("register");
                responsa::input::invalidity::load(&invalidity, &reg).expect("invalidity")
            })
        });
        let (reg, _, _) = responsa::input::register::load(&employers, Some(&[q])).expect("register");
        g.bench_function(format!("aggregate_employment_{tag}"), |b| {
            b.iter(|| {
                responsa::occupation::aggregate(
                    &employment,
                    &reg,
                    rules.levy.min_seniority_years,
                    responsa::input::employment::RowBounds::of(&rules.shared),
                    &[q],
                    &responsa::occupation::Reading::new(rules.dmfa.clone(), Default::default()),
                )
                .expect("aggregate")
            })
        });
        if format == OutputFormat::Csv {
            let loaded = load(&dir, Default::default(), Default::default(), &rules, &[q], LEVY, &|_| {}).expect("load");
            g.bench_function("decide", |b| b.iter(|| assess(&loaded, rules.clone()).expect("assess")));
            let a = assess(&loaded, rules.clone()).expect("assess");
            g.bench_function("write", |b| {
                b.iter(|| {
                    responsa::levy::report::write(&out, &a, &loaded.rejects, &loaded.inputs, None).expect("write")
                })
            });
        }
    }
    g.finish();
}

fn tempfile_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("responsa-bench-out-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("out dir");
    d
}

criterion_group!(assess_benches, benches);
criterion_main!(assess_benches);
