//! §12.3: every legal citation of a notice or of `explain --for employer` is in the
//! notice's language, taken from the rule set's acts.

use crate::common::{cites_in_its_language, example, ok, Workdir};

/// The language a letter is written in, from its `<html lang="…">`.
fn language(html: &str) -> String {
    html.split("lang=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string()
}

/// The notices of both contributions, in fr, nl and de, cite their act in their language;
/// the Dutch and German notices of the solidarity contribution once cited it in French.
#[test]
fn notices_cite_the_law_in_their_language() {
    let w = Workdir::new();
    let set = responsa::rules::RuleSet::embedded().expect("rules");
    for (q, act) in [("2023Q4", "lp-2021-12-27"), ("2026Q1", "law-2025-12")] {
        ok(&w, &["assess", "--quarter", q, "--data", &example(), "--out", q, "-q"]);
        let mut languages = Vec::new();
        for entry in std::fs::read_dir(w.path(&format!("{q}/letters"))).expect("letters") {
            let path = entry.expect("entry").path();
            let html = std::fs::read_to_string(&path).expect("a letter");
            let lang = language(&html);
            let held = cites_in_its_language(&html, &lang, &path.display().to_string());
            assert!(held.contains(&set.acts[act].title(&lang).to_string()), "{}: cites {act}", path.display());
            languages.push(lang);
        }
        languages.sort();
        languages.dedup();
        assert_eq!(languages, ["de", "fr", "nl"], "{q}: a notice in each language");
    }
}

/// `explain --for employer` cites the rule of each decision in the employer's language.
#[test]
fn explanations_for_the_employer_cite_in_its_language() {
    let w = Workdir::new();
    for (q, employer, lang) in [
        ("2023Q4", "B01", "fr"),
        ("2023Q4", "E01", "nl"),
        ("2023Q4", "E03", "de"),
        ("2026Q1", "E02", "fr"),
        ("2026Q1", "E04", "nl"),
        ("2026Q1", "P01", "de"),
    ] {
        let text =
            ok(&w, &["explain", "--quarter", q, "--employer", employer, "--data", &example(), "--for", "employer"]);
        let held = cites_in_its_language(&text, lang, &format!("explain {q} {employer}"));
        assert!(!held.is_empty(), "{q} {employer}: cites an act\n{text}");
    }
}

/// The marks: a title that is ours says so in the letter's language.
#[test]
fn a_title_that_is_not_official_is_marked() {
    let set = responsa::rules::RuleSet::embedded().expect("rules");
    let act = &set.acts["law-2025-12"];
    assert!(act.cite("fr", None).ends_with("(M.B. 30.12.2025)"), "{}", act.cite("fr", None));
    assert!(!act.cite("fr", None).contains("officiel"));
    assert!(act.cite("nl", None).contains("(niet-officiële vertaling van de titel)"));
    assert!(act.cite("de", None).contains("(französischer Titel; keine amtliche Übersetzung)"));
    let lp = &set.acts["lp-2021-12-27"];
    assert_eq!(lp.cite("de", Some("art. 143")), "Programmgesetz vom 27. Dezember 2021, art. 143 (B.S. 31.12.2021)");
}
