//! Never bill what the extract did not bring (§6, §12.1, §12.2), each fault as an analyst
//! met it: a file cut short, a quarter's volume dropping, a one-entry correction, an
//! extract whose every row is rejected, what was billed and what a correction puts out of
//! date.

use crate::common::{example, ok, read_csv, show, Workdir};

fn example_with(w: &Workdir, folder: &str, file: &str, content: &str) {
    for f in ["employers.csv", "employment.csv", "invalidity.csv", "incapacity.csv"] {
        let text = if f == file {
            content.to_string()
        } else {
            std::fs::read_to_string(format!("{}/{f}", example())).expect("example")
        };
        w.write(&format!("{folder}/{f}"), text);
    }
}

fn employment() -> String {
    std::fs::read_to_string(format!("{}/employment.csv", example())).expect("example")
}

fn versions(w: &Workdir) -> usize {
    std::fs::read_dir(w.path("store/versions"))
        .map_or(0, |d| d.flatten().filter(|e| !e.file_name().to_string_lossy().starts_with('.')).count())
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// The employment file cut in the middle of a line inside 2023Q3 used to be assessed with
/// exit 0 and a liable B01 asked for 0,00 EUR: it is a structural error naming the line.
#[test]
fn a_file_cut_inside_a_line_is_refused_by_assess_and_ingest() {
    let w = Workdir::new();
    let full = employment();
    let at = full.find("\n2023Q3,B01,").expect("a B01 line of 2023Q3") + 15;
    let cut = &full[..at];
    let line = cut.lines().count();
    example_with(&w, "data", "employment.csv", cut);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        stderr(&o).contains(&format!("employment.csv:{line}:")) && stderr(&o).contains("cut short?"),
        "{}",
        show(&o)
    );
    assert!(!w.path("out").exists(), "no report");
    let o = w.run(&["ingest", "--data", "data", "--store", "store"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert_eq!(versions(&w), 0, "nothing committed");
    // A complete last line without its final newline is still read.
    example_with(&w, "whole", "employment.csv", full.trim_end_matches('\n'));
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", "whole", "--out", "ok", "-q"]);
}

/// A fifth of one quarter's lines gone (an extract cut at a block, a quarter half
/// delivered): refused with exit 3 naming the quarter and both counts, assessed only with
/// --allow-incomplete-data; ingest commits nothing.
#[test]
fn a_quarter_missing_a_fifth_of_its_lines_is_refused() {
    let w = Workdir::new();
    ok(&w, &["generate", "--scale", "tiny", "--seed", "3", "--out", "gen", "-q"]);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "gen", "--out", "control", "-q"]);
    assert!(o.status.success(), "the whole extract holds: {}", show(&o));
    let text = w.read("gen/employment.csv");
    let mut k = 0usize;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            if !l.starts_with("2023Q2,") {
                return true;
            }
            k += 1;
            !k.is_multiple_of(5)
        })
        .collect();
    let left = kept.iter().filter(|l| l.starts_with("2023Q2,")).count() as u64;
    w.write("gen/employment.csv", format!("{}\n", kept.join("\n")));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "gen", "--out", "out"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let thousands = |n: u64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    assert!(err.contains(&format!("2023Q2: {} lines, against ", thousands(left))), "{err}");
    assert!(err.contains("in the other quarters read: an extract cut short?"), "{err}");
    assert!(!w.path("out/levy.csv").exists(), "no report beside rejects.csv");
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", "gen", "--out", "anyway", "-q", "--allow-incomplete-data"]);
    let o = w.run(&["ingest", "--data", "gen", "--store", "store"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    assert!(stderr(&o).contains("2023Q2") && stderr(&o).contains("nothing was committed"), "{}", show(&o));
    assert_eq!(versions(&w), 0);
}

/// One late 2023Q4 entry ingested alone used to withdraw every other entry of its quarter
/// and refund whole levies. Without a word it is refused with the counts; --amend adds it
/// and the regularisation (from the version billed, by default) is exactly that entry;
/// --replace withdraws the others, saying so.
#[test]
fn a_late_entry_alone_needs_amend_or_replace_and_regularises_exactly_itself() {
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "billed", "--bill", "-q"]);
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "billed-2026", "--bill", "-q"]);
    let header = "worker_id,employer_id,primary_incapacity_start,invalidity_start,birth_date,seniority_date,resumption_authorized\n";
    // E03's fourth entry of the reference period: 0.625 % of its 450,000.00 (contract §3.6).
    w.write("late/invalidity.csv", format!("{header}E03-W950,E03,2022-11-20,2023-11-20,1975-03-01,2010-01-01,false\n"));
    let o = w.run(&["ingest", "--data", "late", "--store", "store"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = stderr(&o);
    assert!(err.contains("2023Q4 invalidity: 1 added, 2 withdrawn, 0 changed, 0 unchanged"), "{err}");
    assert!(err.contains("--amend") && err.contains("--replace"), "{err}");
    assert_eq!(versions(&w), 1, "nothing committed");

    let out = ok(&w, &["ingest", "--data", "late", "--store", "store", "--amend"]);
    assert!(out.contains("2023Q4 invalidity  1 added, 0 withdrawn, 0 changed, 2 unchanged"), "{out}");
    assert!(out.contains("version 2: "), "{out}");
    // history: exactly the billed quarter whose data changed, with the command to run.
    let h: serde_json::Value =
        serde_json::from_str(&ok(&w, &["history", "--store", "store", "--format", "json"])).expect("json");
    let late = h["out_of_date"].as_array().expect("out_of_date");
    assert_eq!(late.len(), 1, "2023Q4 levy only, not 2026Q1: {h}");
    assert_eq!((late[0]["quarter"].as_str(), late[0]["contribution"].as_str()), (Some("2023Q4"), Some("levy")));
    assert_eq!(h["versions"][1]["changes"]["2023Q4"]["invalidity"]["added"], 1);
    // regularise defaults to the version billed (1) and the latest (2).
    let out = ok(&w, &["regularise", "--store", "store", "--quarter", "2023Q4", "--out", "reg"]);
    assert!(out.starts_with("regularisation of version 2 against version 1"), "{out}");
    let rows = read_csv(&w.path("reg/regularisation.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = &rows[0];
    assert_eq!((r["employer_id"].as_str(), r["difference"].as_str()), ("E03", "2812.50"), "{r:?}");
    assert!(r["causes"].starts_with("entries 3→4"), "{r:?}");
    ok(&w, &["regularise", "--store", "store", "--quarter", "2023Q4", "--out", "reg", "--bill", "-q"]);
    let h: serde_json::Value =
        serde_json::from_str(&ok(&w, &["history", "--store", "store", "--format", "json"])).expect("json");
    assert_eq!(h["out_of_date"], serde_json::json!([]), "regularised and billed: up to date");
    let journal: serde_json::Value = serde_json::from_str(&w.read("store/journal/00000003.json")).expect("entry 3");
    assert_eq!(journal["bills"][0]["references"], serde_json::json!(["RESP/2023Q4/E03/R1"]));
    let o = w.run(&["regularise", "--store", "store", "--quarter", "2023Q4", "--from", "2", "--to", "1", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2), "--from after --to: {}", show(&o));

    // --replace: the extract is the whole truth for 2023Q4, the counts say what goes.
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    w.write("late/invalidity.csv", format!("{header}E03-W950,E03,2022-11-20,2023-11-20,1975-03-01,2010-01-01,false\n"));
    let out = ok(&w, &["ingest", "--data", "late", "--store", "store", "--replace"]);
    assert!(out.contains("2023Q4 invalidity  1 added, 2 withdrawn, 0 changed, 0 unchanged"), "{out}");
    let o = w.run(&["regularise", "--store", "store", "--quarter", "2023Q4", "--out", "reg"]);
    assert_eq!(o.status.code(), Some(2), "never billed: --from is needed: {}", show(&o));
    assert!(stderr(&o).contains("never billed"), "{}", show(&o));
}

/// An extract whose every employer lost its identifier's form is rejected whole: the
/// store's latest version stays what it was, the rejects are where the message says.
#[test]
fn an_ingest_that_rejects_every_row_commits_nothing() {
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    let broken = employment().replace(",E0", ",X0").replace(",B0", ",X0").replace(",P0", ",X0");
    example_with(&w, "broken", "employment.csv", &broken);
    let o = w.run(&["ingest", "--data", "broken", "--store", "store"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let err = stderr(&o);
    assert!(err.contains("employment") && err.contains("nothing was committed"), "{err}");
    assert_eq!(versions(&w), 1, "version 1 is still the latest");
    let path = err.split(" in ").last().and_then(|s| s.split(';').next()).expect("the rejects' path").trim();
    assert!(w.path(path).is_file() || std::path::Path::new(path).is_file(), "rejects where the message says: {path}");
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "still", "-q"]);
    // explain goes through the same gates as assess.
    let o = w.run(&["explain", "--quarter", "2023Q4", "--employer", "E01", "--data", "broken"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
}

/// explain and funds refuse the quarter assess refuses (2023Q3 reads 2021 lines the
/// example does not hold); funds --strict publishes rejects.csv alone.
#[test]
fn explain_and_funds_refuse_what_assess_refuses() {
    let w = Workdir::new();
    let o = w.run(&["explain", "--quarter", "2023Q3", "--employer", "E01", "--data", &example()]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(stderr(&o).contains("2021Q4"), "{}", show(&o));
    ok(&w, &["explain", "--quarter", "2023Q3", "--employer", "E01", "--data", &example(), "--allow-incomplete-data"]);
    let ledger = format!("{}/ledger.csv", example());
    let args =
        ["funds", "--year", "2024", "--data", &example(), "--out", "f", "--ledger", &ledger, "--as-of", "2028-03-01"];
    let mut strict = args.to_vec();
    strict.extend(["--allow-incomplete-data", "--strict"]);
    let o = w.run(&strict);
    assert_eq!(o.status.code(), Some(3), "the ledger has rejected rows: {}", show(&o));
    let mut files: Vec<String> = std::fs::read_dir(w.path("f"))
        .expect("f")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    assert_eq!(files, [".responsa-outputs", "rejects.csv"], "rejects.csv alone");
}

/// A liable employer whose wage base is 0.00 gets no notice and is listed; an employer
/// with a quarter without lines between two with lines is listed in summary.json.
#[test]
fn no_notice_asks_for_nothing_and_gaps_are_listed() {
    let w = Workdir::new();
    // B01 (liable in 2023Q4) declares its 2023Q3 lines with no wages; E05 declares no
    // line in 2023Q1.
    let text: String = employment()
        .lines()
        .filter(|l| !l.starts_with("2023Q1,E05,"))
        .map(|l| {
            if l.starts_with("2023Q3,B01,") {
                let mut f: Vec<&str> = l.split(',').collect();
                f[6] = "0.00";
                format!("{}\n", f.join(","))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    example_with(&w, "data", "employment.csv", &text);
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out", "-q"]);
    let levy = read_csv(&w.path("out/levy.csv"));
    let b01 = levy.iter().find(|r| r["employer_id"] == "B01").expect("B01 liable");
    assert_eq!(b01["levy"], "0.00", "{b01:?}");
    assert!(!w.path("out/letters/B01.html").exists(), "no notice asks for 0.00");
    assert!(w.path("out/letters/E01.html").exists(), "the other liable employer's notice");
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary");
    assert_eq!(summary["no_notice_nothing_due"], serde_json::json!(["B01"]));
    assert_eq!(summary["gaps"], serde_json::json!([{ "employer_id": "E05", "quarters": ["2023Q1"] }]));
    let page = w.read("out/report.html");
    assert!(page.contains("E05 (2023Q1)") && page.contains("B01"), "the data-quality panel lists them");
    // The example itself has neither.
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "plain", "-q"]);
    let summary: serde_json::Value = serde_json::from_str(&w.read("plain/summary.json")).expect("summary");
    assert_eq!(summary["gaps"], serde_json::json!([]));
    assert!(summary.get("no_notice_nothing_due").is_none());
}

/// A kill while --bill records its entry leaves the journal whole: history reads it, and
/// the next bill takes the next number.
#[test]
fn a_kill_during_bill_leaves_the_journal_whole() {
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "one", "--bill", "-q"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_responsa"))
        .current_dir(w.dir.path())
        .args(["assess", "--quarter", "2026Q1", "--store", "store", "--out", "two", "--bill", "-q"])
        .env("RESPONSA_PAUSE_BEFORE_JOURNAL_MS", "20000")
        .spawn()
        .expect("spawn");
    let tmp = || {
        std::fs::read_dir(w.path("store/journal"))
            .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".tmp")))
            .unwrap_or(false)
    };
    let start = std::time::Instant::now();
    while !tmp() && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(tmp(), "the entry was being written");
    child.kill().expect("kill");
    let _ = child.wait();
    let table = ok(&w, &["history", "--store", "store"]);
    assert!(table.contains("2023Q4 levy") && !table.contains("2026Q1 solidarity"), "{table}");
    let out = ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "two", "--bill"]);
    assert!(out.contains("billed: journal entry 2"), "{out}");
    let names: Vec<String> = std::fs::read_dir(w.path("store/journal"))
        .expect("journal")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 2, "two whole entries, no half-written one: {names:?}");
}

/// A store whose batches/ folder is gone is a damaged store (exit 2 naming the file).
#[test]
fn a_store_without_its_batches_names_the_file() {
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    std::fs::remove_dir_all(w.path("store/batches")).expect("remove");
    let o = w.run(&["assess", "--quarter", "2023Q4", "--store", "store", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(stderr(&o).contains("batch.json") && stderr(&o).contains("damaged"), "{}", show(&o));
}

/// A comma file read as the Belgian dialect is named as the user's file, and the message
/// says why.
#[test]
fn a_dialect_mismatch_names_the_users_file() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "out", "--csv-dialect", "belgian"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = stderr(&o);
    assert!(!err.contains("responsa-dialect"), "no temporary copy named: {err}");
    assert!(err.contains("data/example/") && err.contains("separated by commas"), "{err}");
}

/// §11: notices written with the office's bracketed default lines are said once per run,
/// on the terminal and in summary.json; a filled letters file silences it.
#[test]
fn notices_with_unfilled_office_lines_are_said_once() {
    let w = Workdir::new();
    let out = ok(
        &w,
        &["assess", "--quarters", "2023Q3..2023Q4", "--data", &example(), "--out", "out", "--allow-incomplete-data"],
    );
    assert_eq!(out.matches("warning: the notices carry the office's bracketed default lines").count(), 1, "{out}");
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/2023Q4/summary.json")).expect("summary");
    assert!(summary["notices_unfilled"].as_array().is_some_and(|a| a.iter().any(|v| v == "fr.contact")), "{summary}");
    let filled = std::fs::read_to_string(format!("{}/../letters.toml", example()))
        .expect("letters.toml")
        .lines()
        .map(|l| match l.split_once(" = \"[") {
            Some((k, _)) => format!("{k} = \"filled in\""),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    w.write("office.toml", filled);
    let out =
        ok(&w, &["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "ok", "--letters", "office.toml"]);
    assert!(!out.contains("bracketed default lines"), "{out}");
    let summary: serde_json::Value = serde_json::from_str(&w.read("ok/summary.json")).expect("summary");
    assert!(summary.get("notices_unfilled").is_none(), "{summary}");
}

/// The regularisation's page and terminal speak in words, say where the difference is
/// collected and count right; --xlsx writes its tables into a workbook.
#[test]
fn a_regularisation_in_words_and_in_a_workbook() {
    use calamine::Reader;
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "billed", "--bill", "-q"]);
    let header = "worker_id,employer_id,primary_incapacity_start,invalidity_start,birth_date,seniority_date,resumption_authorized\n";
    w.write("late/invalidity.csv", format!("{header}E03-W950,E03,2022-11-20,2023-11-20,1975-03-01,2010-01-01,false\n"));
    ok(&w, &["ingest", "--data", "late", "--store", "store", "--amend", "-q"]);
    let out = ok(&w, &["regularise", "--store", "store", "--quarter", "2023Q4", "--out", "reg", "--xlsx"]);
    assert!(out.contains("invalidity levy: 1 employer changed; to bill 1 employer, 2812.50"), "{out}");
    let page = w.read("reg/report.html");
    assert!(
        !page.contains("below_sector_multiple") && page.contains("below 2× its sector → liable"),
        "statuses in words"
    );
    assert!(page.contains("entries into invalidity 3→4"), "causes in words");
    assert!(page.contains("€\u{a0}2,812.50") && page.contains("collected or refunded in"), "amounts that never wrap");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(w.path("reg/responsa.xlsx")).expect("the workbook");
    assert_eq!(book.sheet_names(), ["summary", "regularisation"]);
    let sheet = book.worksheet_range("regularisation").expect("its sheet");
    let row: Vec<String> = sheet.rows().nth(1).expect("E03's row").iter().map(|c| c.to_string()).collect();
    assert_eq!((row[0].as_str(), row[7].as_str()), ("E03", "2812.5"), "{row:?}");
}
