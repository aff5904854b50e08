//! The HTML report and the notices in a real browser (§11): headless Chromium
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
    // One mark per employer the comparison can make liable (private, not sheltered, 50+
    // workers) with an entry and finite multiples; public employers are not drawn.
    let rows = read_csv(&w.path("out/assessment.csv"));
    let drawn = |r: &&std::collections::BTreeMap<String, String>| {
        !["out_of_scope", "sheltered_workshop"].contains(&r["status"].as_str())
            && r["average_headcount"].parse::<f64>().unwrap_or(0.0) >= 50.0
            && r["employer_ratio"].parse::<f64>().unwrap_or(0.0) > 0.0
            && [&r["sector_multiple"], &r["private_multiple"]].iter().all(|m| !m.is_empty() && *m != "inf")
    };
    let expected = rows.iter().filter(drawn).count();
    assert_eq!(dom.matches("<circle class=\"emp").count(), expected, "one mark per drawn employer");
    assert!(expected >= 5, "the example has {expected} such employers");
    assert!(!rows.iter().any(|r| r["status"] == "out_of_scope" && dom.contains(&format!(">{}:", r["employer_id"]))));
    assert!(dom.contains("id=\"liable\"") && dom.contains("fewer than 3 entries into invalidity"), "words, a table");
    assert!(!dom.contains("fewer_than_3_cases") && !dom.contains("SPEC"), "no code names, no internal references");
    assert!(!dom.contains("<script") && !dom.contains("http://") && !dom.contains("https://"), "self-contained");

    let png = std::env::var_os("RESPONSA_SCREENSHOTS")
        .map_or_else(|| w.dir.path().join("report.png"), |d| std::path::PathBuf::from(d).join("report-levy.png"));
    let shot_arg = format!("--screenshot={}", png.display());
    let (_, stderr) = open(&w, "out/report.html", &["--window-size=1200,1900", &shot_arg]);
    no_console_message(&stderr, "report.html");
    let shot = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    assert!(shot > 20_000, "a screenshot of the report ({shot} bytes at {})", png.display());

    // The levy's notices, one per language: E01 (nl) is liable, a levy notice with its
    // amount; E03 (de) and E02 (fr) are warned, a warning that says nothing is due. Each is
    // dated, referenced, addressed, quarters in words, amounts with non-breaking spaces.
    let (letter, stderr) = open(&w, "out/letters/E01.html", &["--dump-dom"]);
    no_console_message(&stderr, "letters/E01.html");
    assert!(letter.contains("Bericht responsabiliseringsbijdrage"), "a levy notice for W1, in Dutch");
    assert!(!letter.contains("Voorafgaande waarschuwing") && !letter.contains("W1"), "no warning, no code");
    assert!(letter.contains("4.561,73&nbsp;EUR") && letter.contains("2de&nbsp;kwartaal 2024"), "E01's levy, due");
    assert!(letter.contains("0,625&nbsp;%") && letter.contains("RESP/2023Q4/E01"), "a percent, a reference");
    assert!(letter.contains("Supermarkt Van Dyck NV") && letter.contains("Meir 12, 2000 Antwerpen"), "addressed");
    let (letter, _) = open(&w, "out/letters/E03.html", &["--dump-dom"]);
    assert!(letter.contains("Vorabwarnung") && letter.contains("es ist nichts geschuldet"), "E03: a warning in German");
    assert!(letter.contains("4.&nbsp;Quartal 2023") && !letter.contains("W3"), "quarters in words, no code");
    let (letter, _) = open(&w, "out/letters/E02.html", &["--dump-dom"]);
    assert!(letter.contains("Avertissement préalable") && letter.contains("rien n'est dû"), "French by default");
    assert!(letter.contains("4e&nbsp;trimestre 2023") && letter.contains("letters.toml"), "what to fill in");
    // B01 is compared with NACE 25: the fallback is explained.
    let (letter, _) = open(&w, "out/letters/B01.html", &["--dump-dom"]);
    assert!(letter.contains("4 chiffres (2562) : 4 employeurs") && letter.contains("2 chiffres (25)"), "the fallback");

    // The solidarity contribution's notices, one per language: E02 (fr), E04 (nl), P01 (de).
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &ex, "--out", "sol", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    for (id, lang, title, due) in [
        ("E02", "fr", "Avis de cotisation de solidarité", "4e&nbsp;trimestre 2026"),
        ("E04", "nl", "Bericht solidariteitsbijdrage", "4de&nbsp;kwartaal 2026"),
        ("P01", "de", "Mitteilung Solidaritätsbeitrag", "4.&nbsp;Quartal 2026"),
    ] {
        let file = format!("sol/letters/{id}.html");
        let (notice, stderr) = open(&w, &file, &["--dump-dom"]);
        no_console_message(&stderr, &file);
        assert!(notice.contains(&format!("lang=\"{lang}\"")) && notice.contains(title), "{id}: {title}");
        assert!(notice.contains(due) && notice.contains(&format!("SOLI/2026Q1/{id}")), "{id}: due, reference");
        assert!(notice.contains(&format!("{id}-W001")), "{id}: its incapacity listed");
    }
    let (notice, _) = open(&w, "sol/letters/E04.html", &["--dump-dom"]);
    assert!(notice.contains("04/02/2026 – 03/04/2026") || notice.contains("04/02/2026 –"), "E04's window");
    assert!(notice.contains("252,00&nbsp;EUR"), "E04's contribution");
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
    // A quarter under the solidarity contribution: a notice for every employer owing it.
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &ex, "--out", "s", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let page = w.read("s/report.html");
    assert!(page.contains("Contribution by employer size") && page.contains("€\u{a0}2,215.00"), "solidarity report");
    let owing: std::collections::BTreeSet<String> = read_csv(&w.path("s/solidarity_by_employer.csv"))
        .into_iter()
        .filter(|r| r["contribution"] != "0.00")
        .map(|r| format!("{}.html", r["employer_id"]))
        .collect();
    let notices: std::collections::BTreeSet<String> = std::fs::read_dir(w.path("s/letters"))
        .expect("letters")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(notices, owing);
}

/// The trend of a 17-quarter run across the change of law: one series per contribution,
/// the change marked, and no label overlapping another or cut by the chart's edge — the
/// boxes as Chromium lays them out, measured by a script added to a copy of the page (the
/// report itself carries none).
#[test]
fn the_trend_of_seventeen_quarters_has_no_label_overlapping_or_clipped() {
    let w = Workdir::new();
    let gen = ["generate", "--scale", "tiny", "--seed", "3", "--quarters", "2022Q1..2026Q4", "--out", "gen", "-q"];
    let o = w.run(&gen);
    assert!(o.status.success(), "{}", show(&o));
    let o = w.run(&[
        "assess",
        "--quarters",
        "2022Q4..2026Q4",
        "--data",
        "gen",
        "--out",
        "out",
        "-q",
        "--allow-incomplete-data",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let page = w.read("out/2026Q4/report.html");
    assert_eq!(page.matches("class=\"lawchange\"").count(), 1, "the change of law marked once");
    assert!(page.contains("trend levy") && page.contains("trend solidarity"), "a series per contribution");
    assert!(page.contains("id=\"change\"") && page.contains("Against 2026Q3"), "the change against the quarter before");
    assert!(!w.read("out/2026Q1/report.html").contains("id=\"change\""), "no change across the change of law");
    assert!(w.read("out/2025Q4/report.html").contains("Against 2025Q3"));
    let measure = r#"<script>
const svg = document.querySelector('#trend svg').getBoundingClientRect();
const labels = [...document.querySelectorAll('#trend text')].map(t => t.getBoundingClientRect());
let overlaps = 0, clipped = 0;
for (let i = 0; i < labels.length; i++) {
  const a = labels[i];
  if (a.left < svg.left - 0.5 || a.right > svg.right + 0.5 || a.top < svg.top - 0.5 || a.bottom > svg.bottom + 0.5) clipped++;
  for (let j = i + 1; j < labels.length; j++) {
    const b = labels[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps++;
  }
}
document.body.setAttribute('data-labels', labels.length);
document.body.setAttribute('data-overlaps', overlaps);
document.body.setAttribute('data-clipped', clipped);
</script>"#;
    w.write("measure.html", page.replace("</body>", &format!("{measure}</body>")));
    let (dom, _) = open(&w, "measure.html", &["--dump-dom", "--window-size=1200,1600"]);
    let attr = |name: &str| -> i64 {
        let key = format!("{name}=\"");
        dom.split(&key).nth(1).and_then(|s| s.split('"').next()).and_then(|v| v.parse().ok()).unwrap_or(-1)
    };
    assert_eq!(attr("data-labels"), 34, "a quarter and a value label per quarter");
    assert_eq!(attr("data-overlaps"), 0, "no two labels overlap");
    assert_eq!(attr("data-clipped"), 0, "no label cut by the chart's edge");
}

/// §12.3: after a wage correction, a late entry and corrected daily benefits, billed and
/// regularised, one corrected notice per employer whose amount changes, in its language,
/// whose difference is regularisation.csv's, with its own reference and the original's;
/// a refund is a credit note.
#[test]
fn corrected_notices_in_each_language_and_contribution() {
    let w = Workdir::new();
    let ex = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    assert!(w.run(&["ingest", "--data", &ex, "--store", "store", "-q"]).status.success());
    for q in ["2023Q4", "2026Q1"] {
        let o = w.run(&["assess", "--quarter", q, "--store", "store", "--out", &format!("billed-{q}"), "--bill", "-q"]);
        assert!(o.status.success(), "{}", show(&o));
    }
    // The corrected extract: E01's (nl) and B01's (fr) wages of 2023Q3, a late entry of
    // E03 (de); the daily benefits of E02 (fr, lower: a refund), E04 (nl) and P01 (de).
    let read = |f: &str| std::fs::read_to_string(format!("{ex}/{f}")).expect("example");
    w.write("corr/employers.csv", read("employers.csv"));
    let lines = read("employment.csv")
        .replacen("2023Q3,E01,E01-W000,1,2019-06-30,true,9123.45,", "2023Q3,E01,E01-W000,1,2019-06-30,true,9223.45,", 1)
        .replacen(
            "2023Q3,B01,B01-W000,1,2012-03-01,true,3000.00,",
            "2023Q3,B01,B01-W000,1,2012-03-01,true,3100.00,",
            1,
        );
    w.write("corr/employment.csv", lines);
    w.write(
        "corr/invalidity.csv",
        format!("{}E03-W950,E03,2022-11-20,2023-11-20,1975-03-01,2010-01-01,false\n", read("invalidity.csv")),
    );
    let inc = read("incapacity.csv")
        .replacen(
            "E02-W001,E02,2026-01-05,,1980-06-15,2015-01-01,ordinary,false,,64.15",
            "E02-W001,E02,2026-01-05,,1980-06-15,2015-01-01,ordinary,false,,60.00",
            1,
        )
        .replacen(
            "E04-W001,E04,2026-01-05,,1985-09-09,2014-04-01,ordinary,false,2026-02-18,70.00",
            "E04-W001,E04,2026-01-05,,1985-09-09,2014-04-01,ordinary,false,2026-02-18,75.00",
            1,
        )
        .replacen(
            "P01-W001,P01,2026-01-05,,1982-02-02,2016-01-01,ordinary,false,,64.15",
            "P01-W001,P01,2026-01-05,,1982-02-02,2016-01-01,ordinary,false,,70.00",
            1,
        );
    w.write("corr/incapacity.csv", inc);
    let o = w.run(&["ingest", "--data", "corr", "--store", "store"]);
    assert!(o.status.success(), "{}", show(&o));
    let euros = |cents: i64, lang: &str| {
        let (int, dec) = ((cents.abs() / 100).to_string(), cents.abs() % 100);
        let sep = if lang == "fr" { "\u{202f}" } else { "." };
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(sep);
            }
            grouped.push(c);
        }
        format!("{grouped},{dec:02}&nbsp;EUR")
    };
    let cents = |s: &str| -> i64 { s.replace(['.', '-'], "").parse().expect("an amount") };
    for (q, expected) in [
        ("2023Q4", vec![("B01", "fr", "RESP"), ("E01", "nl", "RESP"), ("E03", "de", "RESP")]),
        ("2026Q1", vec![("E02", "fr", "SOLI"), ("E04", "nl", "SOLI"), ("P01", "de", "SOLI")]),
    ] {
        let out = format!("reg-{q}");
        let o = w.run(&["regularise", "--store", "store", "--quarter", q, "--out", &out, "-q"]);
        assert!(o.status.success(), "{}", show(&o));
        let rows = read_csv(&w.path(&format!("{out}/regularisation.csv")));
        let changed: Vec<&str> =
            rows.iter().filter(|r| r["difference"] != "0.00").map(|r| r["employer_id"].as_str()).collect();
        assert_eq!(changed, expected.iter().map(|e| e.0).collect::<Vec<_>>(), "{q}: {rows:?}");
        for (id, lang, code) in expected {
            let row = rows.iter().find(|r| r["employer_id"] == id).expect("its row");
            let file = format!("{out}/letters/{id}.html");
            let (notice, stderr) = open(&w, &file, &["--dump-dom"]);
            no_console_message(&stderr, &file);
            assert!(notice.contains(&format!("lang=\"{lang}\"")), "{id}: {lang}");
            let held = crate::common::cites_in_its_language(&notice, lang, &file);
            assert!(!held.is_empty(), "{id}: the corrected notice cites its act in {lang}");
            assert!(notice.contains(&format!("{code}/{q}/{id}/R1")), "{id}: its reference");
            assert!(notice.contains(&format!("{code}/{q}/{id}<")), "{id}: the original's reference");
            let d = cents(&row["difference"]);
            assert!(
                notice.contains(&euros(d, lang)),
                "{id}: the difference {} in {lang}:\n{notice}",
                row["difference"]
            );
            assert!(notice.contains(&euros(cents(&row["amount_before"]), lang)), "{id}: billed");
            assert!(notice.contains(&euros(cents(&row["amount_after"]), lang)), "{id}: corrected");
            if row["difference"].starts_with('-') {
                assert!(
                    notice.contains("Note de crédit") || notice.contains("Creditnota") || notice.contains("Gutschrift")
                );
            }
        }
    }
    let (e03, _) = open(&w, "reg-2023Q4/letters/E03.html", &["--dump-dom"]);
    assert!(e03.contains("Eintritte in die Invalidität: 3→4"), "the cause in words");
    let (e02, _) = open(&w, "reg-2026Q1/letters/E02.html", &["--dump-dom"]);
    assert!(e02.contains("Note de crédit") && e02.contains("indemnité journalière"), "a refund, its cause in words");
}
