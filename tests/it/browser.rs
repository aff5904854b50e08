//! The HTML report and a warning letter in a real browser (§11): headless Chromium
//! (Debian package `chromium`; `.ci/run` installs it when missing) opens them, no console
//! message may appear (the pages carry no script), the scatter holds one mark per
//! employer of 50+ workers with a ratio, and a screenshot is saved.

use std::process::Command;

use crate::common::{read_csv, show, Workdir};

fn chromium() -> String {
    if let Ok(c) = std::env::var("RESPONSA_CHROMIUM") {
        return c;
    }
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new("sh").args(["-c", &format!("command -v {c}")]).output().is_ok_and(|o| o.status.success()) {
            return c.to_string();
        }
    }
    panic!("no Chromium: install the Debian package chromium (.ci/run does) or set RESPONSA_CHROMIUM");
}

/// Runs headless Chromium on a file: (DOM, stderr).
fn open(w: &Workdir, file: &str, extra: &[&str]) -> (String, String) {
    let url = format!("file://{}", w.path(file).display());
    let profile = w.path(&format!("profile-{}", file.replace('/', "-")));
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--user-data-dir={}", profile.display()),
        "--enable-logging=stderr".into(),
        "--v=0".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(url);
    let o = Command::new(chromium()).args(&args).output().expect("run chromium");
    assert!(o.status.success(), "chromium failed on {file}: {}", String::from_utf8_lossy(&o.stderr));
    (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string())
}

fn no_console_message(stderr: &str, file: &str) {
    let bad: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
    assert!(bad.is_empty(), "{file}: console messages:\n{}", bad.join("\n"));
}

#[test]
fn the_report_and_a_letter_in_headless_chromium() {
    let w = Workdir::new();
    let ex = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &ex, "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));

    let (dom, stderr) = open(&w, "out/report.html", &["--dump-dom"]);
    no_console_message(&stderr, "report.html");
    let expected = read_csv(&w.path("out/assessment.csv"))
        .iter()
        .filter(|r| r["average_headcount"].parse::<f64>().unwrap_or(0.0) >= 50.0 && !r["employer_ratio"].is_empty())
        .count();
    assert_eq!(
        dom.matches("<circle class=\"emp").count(),
        expected,
        "one mark per employer of 50+ workers with a ratio"
    );
    assert!(expected > 20, "the example has {expected} such employers");
    assert!(!dom.contains("<script") && !dom.contains("http://") && !dom.contains("https://"), "self-contained");

    let png = w.dir.path().join("report.png");
    let shot_arg = format!("--screenshot={}", png.display());
    let (_, stderr) = open(&w, "out/report.html", &["--window-size=1200,1900", &shot_arg]);
    no_console_message(&stderr, "report.html");
    let shot = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    assert!(shot > 20_000, "a screenshot of the report ({shot} bytes at {})", png.display());

    // E01's register row says nl: its letter is in Dutch, with its own figures.
    let (letter, stderr) = open(&w, "out/letters/E01.html", &["--dump-dom"]);
    no_console_message(&stderr, "letters/E01.html");
    assert!(letter.contains("Voorafgaande waarschuwing"), "Dutch letter");
    assert!(letter.contains("4.561,73 EUR") && letter.contains("2024Q2"), "E01's levy and due quarter");
    let (letter, _) = open(&w, "out/letters/E03.html", &["--dump-dom"]);
    assert!(letter.contains("Vorabwarnung") && letter.contains("W3"), "E03's letter is in German");
    let (letter, _) = open(&w, "out/letters/E02.html", &["--dump-dom"]);
    assert!(letter.contains("Avertissement préalable") && letter.contains("W2"), "French by default");
}

#[test]
fn every_warned_employer_has_a_letter_and_no_other() {
    let w = Workdir::new();
    let ex = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &ex, "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let warned: std::collections::BTreeSet<String> =
        read_csv(&w.path("out/warnings.csv")).into_iter().map(|r| format!("{}.html", r["employer_id"])).collect();
    let letters: std::collections::BTreeSet<String> = std::fs::read_dir(w.path("out/letters"))
        .expect("letters")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(letters, warned);
    // A quarter under the solidarity contribution has its report, and no letter.
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &ex, "--out", "s", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let page = w.read("s/report.html");
    assert!(page.contains("Contribution by employer size") && page.contains("€ 2,215.00"), "solidarity report");
    assert!(!w.path("s/letters").exists());
}
