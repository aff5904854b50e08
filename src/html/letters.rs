//! Notices (§11): for each employer warned or liable under the levy (loi-programme du 27
//! décembre 2021, art. 145: the office informs in advance the employers whose inflow
//! evolves unfavourably), and for each employer owing the solidarity contribution, one
//! printable page in its language — French, Dutch or German from the register's optional
//! `language` column, French when absent — dated, with a reference, addressed to the
//! employer's name and address when the register carries them, with its figures, the
//! sector group used and why, what is due and when, and the office's contact and appeal
//! lines from `data/letters.toml` (or `--letters FILE`).

use minijinja::value::Serde;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::words::{date_words, quarter_words, words, Words};

pub use super::office::{Lines, Office, DEFAULT_OFFICE};
use crate::input::register::Contact;
use crate::quarter::Quarter;

pub(crate) const LETTER: &str = include_str!("../../templates/letter.html");

/// Whom a notice is addressed to: the employer, its language and, when the register
/// carries them, its name and address at the quarter.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub employer_id: &'a str,
    pub language: Option<&'a str>,
    pub contact: Option<&'a Contact>,
}

/// The file of an employer's notice: its identifier, made safe for a file name.
pub fn file_name(employer_id: &str) -> String {
    let name: String =
        employer_id.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    format!("{name}.html")
}

/// What every notice carries: its date, reference, addressee and the office's lines.
#[derive(Serialize)]
pub(crate) struct Head {
    pub(crate) lang: &'static str,
    pub(crate) t: Words,
    pub(crate) office: Lines,
    pub(crate) date: String,
    pub(crate) reference: String,
    pub(crate) employer_id: String,
    pub(crate) name: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) quarter: String,
    pub(crate) title: String,
}

pub(crate) fn head(
    lang: &'static str,
    office: &Office,
    to: &Recipient<'_>,
    q: Quarter,
    code: &str,
    title: String,
) -> Head {
    Head {
        lang,
        t: words(lang),
        office: office.lines(lang).clone(),
        date: date_words(office.day(), lang),
        reference: format!("{code}/{q}/{}", to.employer_id),
        employer_id: to.employer_id.to_string(),
        name: to.contact.and_then(|c| c.name.clone()),
        address: to.contact.and_then(|c| c.address.clone()),
        quarter: quarter_words(q, lang),
        title,
    }
}

pub(crate) fn render(value: &impl Serialize) -> Result<String> {
    let t = super::templates()?
        .get_template("letter.html")
        .map_err(|e| Error::Other(anyhow::anyhow!("letter template: {e}")))?;
    t.render(Serde(value)).map_err(|e| Error::Other(anyhow::anyhow!("letter template: {e}")))
}
