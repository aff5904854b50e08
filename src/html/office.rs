//! The office's own lines of the notices (§11): sender, contact, appeal and signature in
//! each language, and the notices' date, from `data/letters.toml` or `--letters FILE`.

use serde::Serialize;

use crate::error::{Error, Result};

/// The office's lines shipped with responsa, to be filled in (`data/letters.toml`).
pub const DEFAULT_OFFICE: &str = include_str!("../../data/letters.toml");

/// The office's own lines of the notices, in each language, and their date.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// `YYYY-MM-DD`; empty: the day of the run.
    #[serde(default)]
    pub date: String,
    pub fr: Lines,
    pub nl: Lines,
    pub de: Lines,
}

/// Who sends a notice, whom to contact, how to appeal, who signs.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lines {
    pub sender: String,
    pub contact: String,
    pub appeal: String,
    pub signature: String,
}

impl Office {
    pub fn embedded() -> Result<Office> {
        Office::parse(DEFAULT_OFFICE, "data/letters.toml (embedded)")
    }

    pub fn from_file(path: &std::path::Path) -> Result<Office> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("{}: cannot read the letters file (--letters): {e}", path.display())))?;
        Office::parse(&text, &path.display().to_string())
    }

    fn parse(text: &str, origin: &str) -> Result<Office> {
        let o: Office = toml::from_str(text).map_err(|e| {
            let msg = e.message().lines().next().unwrap_or("").trim().to_string();
            Error::Usage(format!("{origin}: not a letters file: {msg} (see data/letters.toml)"))
        })?;
        if !o.date.is_empty() && crate::parse::parse_date(&o.date).is_err() {
            return Err(Error::Usage(format!("{origin}: date '{}' is not YYYY-MM-DD (or leave it empty)", o.date)));
        }
        Ok(o)
    }

    /// The office's lines still holding a bracketed default of `data/letters.toml`, as
    /// `language.line` (`fr.contact`): notices written with them are not ready to send.
    pub fn unfilled(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (lang, l) in [("fr", &self.fr), ("nl", &self.nl), ("de", &self.de)] {
            for (name, v) in
                [("sender", &l.sender), ("contact", &l.contact), ("appeal", &l.appeal), ("signature", &l.signature)]
            {
                if v.trim_start().starts_with('[') {
                    out.push(format!("{lang}.{name}"));
                }
            }
        }
        out
    }

    /// The date printed on the notices, in days since 1970-01-01: the file's, else today.
    pub fn day(&self) -> i32 {
        crate::parse::parse_date(&self.date).unwrap_or_else(|_| {
            let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            (secs / 86_400) as i32
        })
    }

    pub fn lines(&self, lang: &str) -> &Lines {
        match lang {
            "nl" => &self.nl,
            "de" => &self.de,
            _ => &self.fr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_file_is_checked() {
        let office = Office::embedded().expect("the embedded letters file");
        assert!(office.fr.contact.contains("letters.toml"), "the default says what to fill in");
        let bad = DEFAULT_OFFICE.replace("date = \"\"", "date = \"01/12/2026\"");
        let e = Office::parse(&bad, "x.toml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("x.toml") && e.contains("YYYY-MM-DD"), "{e}");
        let fixed = DEFAULT_OFFICE.replace("date = \"\"", "date = \"2026-12-01\"");
        assert_eq!(
            Office::parse(&fixed, "x").expect("a file").day(),
            crate::parse::parse_date("2026-12-01").expect("d")
        );
    }
}
