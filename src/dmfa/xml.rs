//! Reads a DmfA file (§13) as a stream: `.xml`, or `.xml.gz` decompressed as it passes,
//! in memory bounded by one occupation whatever the file's size. The elements read are
//! the path `DmfAOriginal / Form / EmployerDeclaration / NaturalPerson / WorkerRecord /
//! Occupation / (Service | Remun)`; every other element is skipped, as the schema grows
//! every quarter. A file that is not well-formed XML, or ends inside an element (cut
//! short), is a structural error naming the file, line and column (§6).

use std::io::BufRead;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::line::{self, Fault, Remun, Service};
use crate::error::{Error, Result};

/// One employer's declaration of one quarter, as far as it was read.
#[derive(Debug, Clone, Default)]
pub struct Declaration {
    /// The line of its `<EmployerDeclaration>`.
    pub line: u64,
    /// `Quarter` as written (`20233`).
    pub quarter: String,
    /// `CompanyID` as written.
    pub company: String,
    /// `NOSSRegistrationNbr` as written.
    pub noss: String,
}

/// One occupation of a worker record, with the values its line is made of.
#[derive(Debug, Clone, Default)]
pub struct Occupation {
    /// The line of its `<Occupation>`.
    pub line: u64,
    /// The declaring worker's `INSS` as written.
    pub inss: String,
    /// `JointCommissionNbr` as written, when present.
    pub joint_committee: Option<String>,
    pub values: line::Occupation,
    /// The first value that could not be read, if any.
    pub fault: Option<Fault>,
}

/// What a reader of a DmfA file is told, in the file's order.
pub trait Visit {
    /// An occupation, at its end tag.
    fn occupation(&mut self, declaration: &Declaration, occupation: &Occupation);
    /// A declaration, at its end tag (after its occupations).
    fn declaration(&mut self, _declaration: &Declaration) {}
}

/// The elements read; any other is `Other` and skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Form,
    EmployerDeclaration,
    Quarter,
    Noss,
    CompanyId,
    NaturalPerson,
    Inss,
    WorkerRecord,
    Occupation,
    Start,
    End,
    JointCommission,
    WorkingDaysSystem,
    MeanWorkingHours,
    RefMeanWorkingHours,
    Service,
    ServiceCode,
    ServiceDays,
    ServiceHours,
    Remun,
    RemunCode,
    RemunAmount,
    Other,
}

impl Tag {
    fn of(name: &[u8]) -> Tag {
        match name {
            b"DmfAOriginal" => Tag::Root,
            b"Form" => Tag::Form,
            b"EmployerDeclaration" => Tag::EmployerDeclaration,
            b"Quarter" => Tag::Quarter,
            b"NOSSRegistrationNbr" => Tag::Noss,
            b"CompanyID" => Tag::CompanyId,
            b"NaturalPerson" => Tag::NaturalPerson,
            b"INSS" => Tag::Inss,
            b"WorkerRecord" => Tag::WorkerRecord,
            b"Occupation" => Tag::Occupation,
            b"OccupationStartingDate" => Tag::Start,
            b"OccupationEndingDate" => Tag::End,
            b"JointCommissionNbr" => Tag::JointCommission,
            b"WorkingDaysSystem" => Tag::WorkingDaysSystem,
            b"MeanWorkingHours" => Tag::MeanWorkingHours,
            b"RefMeanWorkingHours" => Tag::RefMeanWorkingHours,
            b"Service" => Tag::Service,
            b"ServiceCode" => Tag::ServiceCode,
            b"ServiceNbrDays" => Tag::ServiceDays,
            b"ServiceNbrHours" => Tag::ServiceHours,
            b"Remun" => Tag::Remun,
            b"RemunCode" => Tag::RemunCode,
            b"RemunAmount" => Tag::RemunAmount,
            _ => Tag::Other,
        }
    }

    /// The parent a value element is read under (`None`: not a value read).
    fn value_of(self) -> Option<Tag> {
        match self {
            Tag::Quarter | Tag::Noss | Tag::CompanyId => Some(Tag::EmployerDeclaration),
            Tag::Inss => Some(Tag::NaturalPerson),
            Tag::Start
            | Tag::End
            | Tag::JointCommission
            | Tag::WorkingDaysSystem
            | Tag::MeanWorkingHours
            | Tag::RefMeanWorkingHours => Some(Tag::Occupation),
            Tag::ServiceCode | Tag::ServiceDays | Tag::ServiceHours => Some(Tag::Service),
            Tag::RemunCode | Tag::RemunAmount => Some(Tag::Remun),
            _ => None,
        }
    }

    /// The element's name in messages.
    fn name(self) -> &'static str {
        match self {
            Tag::Root => "DmfAOriginal",
            Tag::Form => "Form",
            Tag::EmployerDeclaration => "EmployerDeclaration",
            Tag::Quarter => "Quarter",
            Tag::Noss => "NOSSRegistrationNbr",
            Tag::CompanyId => "CompanyID",
            Tag::NaturalPerson => "NaturalPerson",
            Tag::Inss => "INSS",
            Tag::WorkerRecord => "WorkerRecord",
            Tag::Occupation => "Occupation",
            Tag::Service => "Service",
            Tag::Remun => "Remun",
            Tag::Start => "OccupationStartingDate",
            Tag::End => "OccupationEndingDate",
            Tag::JointCommission => "JointCommissionNbr",
            Tag::WorkingDaysSystem => "WorkingDaysSystem",
            Tag::MeanWorkingHours => "MeanWorkingHours",
            Tag::RefMeanWorkingHours => "RefMeanWorkingHours",
            Tag::ServiceCode => "ServiceCode",
            Tag::ServiceDays => "ServiceNbrDays",
            Tag::ServiceHours => "ServiceNbrHours",
            Tag::RemunCode => "RemunCode",
            Tag::RemunAmount => "RemunAmount",
            Tag::Other => "element",
        }
    }
}

/// A whole number of hundredths (or cents) as the message writes it: digits, a sign
/// allowed only where `signed`.
fn hundredths(t: &str, signed: bool) -> Option<i64> {
    let digits = if signed { t.strip_prefix('-').unwrap_or(t) } else { t };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A service or remuneration code: up to three digits (`001` or `1`).
fn code(t: &str) -> Option<u16> {
    (!t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// The occupation being read, its current service and remuneration.
#[derive(Default)]
struct Building {
    occ: Occupation,
    service: (Option<u16>, Option<i64>, Option<i64>),
    remun: (Option<u16>, Option<i64>),
}

impl Building {
    fn fault(&mut self, tag: Tag, why: &'static str) {
        self.occ.fault.get_or_insert(Fault { element: tag.name(), why });
    }

    /// A value element of an occupation, a service or a remuneration.
    fn value(&mut self, tag: Tag, text: &str) {
        let t = text.trim();
        let not_number = "not a whole number of hundredths";
        match tag {
            Tag::Start | Tag::End => match crate::parse::parse_date(t) {
                Ok(d) if tag == Tag::Start => self.occ.values.start = Some(d),
                Ok(d) => self.occ.values.end = Some(d),
                Err(_) => self.fault(tag, "not a date (YYYY-MM-DD)"),
            },
            Tag::JointCommission => self.occ.joint_committee = (!t.is_empty()).then(|| t.to_string()),
            Tag::WorkingDaysSystem | Tag::MeanWorkingHours | Tag::RefMeanWorkingHours => match hundredths(t, false) {
                Some(v) if tag == Tag::WorkingDaysSystem => self.occ.values.working_days_system = Some(v),
                Some(v) if tag == Tag::MeanWorkingHours => self.occ.values.mean_hours = Some(v),
                Some(v) => self.occ.values.ref_mean_hours = Some(v),
                None => self.fault(tag, not_number),
            },
            Tag::ServiceCode => match code(t) {
                Some(c) => self.service.0 = Some(c),
                None => self.fault(tag, "not a code of up to three digits"),
            },
            Tag::ServiceDays | Tag::ServiceHours => match hundredths(t, false) {
                Some(v) if tag == Tag::ServiceDays => self.service.1 = Some(v),
                Some(v) => self.service.2 = Some(v),
                None => self.fault(tag, not_number),
            },
            Tag::RemunCode => match code(t) {
                Some(c) => self.remun.0 = Some(c),
                None => self.fault(tag, "not a code of up to three digits"),
            },
            Tag::RemunAmount => match hundredths(t, true) {
                Some(v) => self.remun.1 = Some(v),
                None => self.fault(tag, "not an amount in cents"),
            },
            _ => {}
        }
    }

    fn end_service(&mut self) {
        match std::mem::take(&mut self.service) {
            (Some(code), days, hours) => self.occ.values.services.push(Service { code, days, hours }),
            _ => self.fault(Tag::ServiceCode, "missing value"),
        }
    }

    fn end_remun(&mut self) {
        match std::mem::take(&mut self.remun) {
            (Some(code), Some(amount)) => self.occ.values.remuns.push(Remun { code, amount }),
            (None, _) => self.fault(Tag::RemunCode, "missing value"),
            (_, None) => self.fault(Tag::RemunAmount, "missing value"),
        }
    }
}

/// Opens a DmfA file for reading, decompressing a `.gz` as it passes.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let f = std::fs::File::open(path).map_err(|e| Error::at(path, None, None, format!("cannot open: {e}")))?;
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    Ok(if gz {
        Box::new(std::io::BufReader::with_capacity(1 << 18, flate2::read::MultiGzDecoder::new(f)))
    } else {
        Box::new(std::io::BufReader::with_capacity(1 << 18, f))
    })
}

/// Counts newlines, and where the last one lies from the end of `b`.
fn newlines(b: &[u8]) -> (u64, Option<usize>) {
    let n = memchr::memchr_iter(b'\n', b).count() as u64;
    (n, if n > 0 { memchr::memrchr(b'\n', b).map(|i| b.len() - i) } else { None })
}

/// Reads one DmfA file, telling `visit` each occupation and declaration. Returns the
/// bytes read (decompressed).
pub fn read(path: &Path, visit: &mut dyn Visit) -> Result<u64> {
    let mut reader = Reader::from_reader(open(path)?);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 12);
    let mut stack: Vec<Tag> = Vec::with_capacity(16);
    let mut text = String::new();
    let mut decl = Declaration::default();
    let mut inss = String::new();
    let mut b = Building::default();
    // Line of the reader's position, and the offset where that line starts (for columns).
    let (mut line, mut line_start) = (1u64, 0u64);
    let mut seen_root = false;
    loop {
        let event = reader.read_event_into(&mut buf);
        let pos = reader.buffer_position();
        let (event, trailer) = match event {
            Ok(e) => {
                let trailer = match &e {
                    Event::Start(_) | Event::End(_) => 1,
                    Event::Empty(_) => 2,
                    Event::Comment(_) => 3,
                    _ => 0,
                };
                (e, trailer)
            }
            Err(e) => {
                let at = reader.error_position();
                let column = at.saturating_sub(line_start) + 1;
                let why = match &e {
                    quick_xml::Error::Io(io) => {
                        return Err(Error::at(
                            path,
                            None,
                            None,
                            format!("cannot be read: {io} (a cut or damaged compressed file?)"),
                        ))
                    }
                    other => other.to_string(),
                };
                // A syntax error at the end of the input: the file stops inside a tag.
                let cut = if why.contains("end of input") { " (the file ends there: cut short?)" } else { "" };
                return Err(Error::Structure(format!(
                    "{}:{line}:{column}: not well-formed XML: {why}{cut}",
                    path.display()
                )));
            }
        };
        // The line this event starts on; then the reader's line after it.
        let here = line;
        let raw: &[u8] = match &event {
            Event::Start(e) | Event::Empty(e) => e[..].as_bytes(),
            Event::End(e) => e[..].as_bytes(),
            Event::Text(t) => t[..].as_bytes(),
            Event::CData(t) => t[..].as_bytes(),
            Event::Comment(t) => t[..].as_bytes(),
            Event::PI(t) => t[..].as_bytes(),
            Event::Decl(t) => t[..].as_bytes(),
            Event::DocType(t) => t[..].as_bytes(),
            _ => &[],
        };
        let (n, last) = newlines(raw);
        line += n;
        if let Some(from_end) = last {
            line_start = pos.saturating_sub(trailer + from_end as u64) + 1;
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let tag = Tag::of(e.local_name().into_inner().as_bytes());
                if !seen_root {
                    if tag != Tag::Root {
                        let name = e.local_name().into_inner().to_string();
                        return Err(Error::at(
                            path,
                            Some(here),
                            None,
                            format!("the root element is <{name}>, not <DmfAOriginal>: not a DmfA declaration file"),
                        ));
                    }
                    seen_root = true;
                }
                let parent = stack.last().copied();
                match tag {
                    Tag::EmployerDeclaration => decl = Declaration { line: here, ..Declaration::default() },
                    Tag::NaturalPerson => inss.clear(),
                    Tag::Occupation if parent == Some(Tag::WorkerRecord) => {
                        b = Building::default();
                        b.occ.line = here;
                        b.occ.inss.clone_from(&inss);
                    }
                    _ => {}
                }
                text.clear();
                let empty = matches!(event, Event::Empty(_));
                stack.push(tag);
                if empty {
                    end(tag, &mut stack, &text, &mut decl, &mut inss, &mut b, visit);
                }
            }
            Event::End(_) => {
                let tag = stack.last().copied().unwrap_or(Tag::Other);
                end(tag, &mut stack, &text, &mut decl, &mut inss, &mut b, visit);
                text.clear();
            }
            Event::Text(ref t) if stack.last().is_some_and(|t| t.value_of().is_some()) => text.push_str(&t[..]),
            Event::CData(ref t) if stack.last().is_some_and(|t| t.value_of().is_some()) => text.push_str(&t[..]),
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(Error::at(
                        path,
                        Some(line),
                        None,
                        format!(
                            "the file ends inside <{}> (opened {} element(s) deep): cut short?",
                            open_name(&stack),
                            stack.len()
                        ),
                    ));
                }
                if !seen_root {
                    return Err(Error::at(path, Some(line), None, "no element: not a DmfA declaration file"));
                }
                return Ok(pos);
            }
            _ => {}
        }
        buf.clear();
    }
}

/// The innermost open element read, by name, for a cut file's message.
fn open_name(stack: &[Tag]) -> &'static str {
    stack.iter().rev().find(|t| **t != Tag::Other).map_or("an element", |t| t.name())
}

/// Closes the innermost element `tag`: a value is stored, a service, remuneration,
/// occupation or declaration is complete.
fn end(
    tag: Tag,
    stack: &mut Vec<Tag>,
    text: &str,
    decl: &mut Declaration,
    inss: &mut String,
    b: &mut Building,
    visit: &mut dyn Visit,
) {
    stack.pop();
    let parent = stack.last().copied();
    if tag.value_of().is_some() && tag.value_of() != parent {
        return;
    }
    match tag {
        Tag::Quarter => decl.quarter = text.trim().to_string(),
        Tag::CompanyId => decl.company = text.trim().to_string(),
        Tag::Noss => decl.noss = text.trim().to_string(),
        Tag::Inss => *inss = text.trim().to_string(),
        Tag::Service if parent == Some(Tag::Occupation) => b.end_service(),
        Tag::Remun if parent == Some(Tag::Occupation) => b.end_remun(),
        Tag::Occupation if parent == Some(Tag::WorkerRecord) => visit.occupation(decl, &b.occ),
        Tag::EmployerDeclaration => visit.declaration(decl),
        t if t.value_of().is_some() => b.value(t, text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default)]
    struct Seen {
        occupations: Vec<(String, String, Occupation)>,
        declarations: Vec<u64>,
    }
    impl Visit for Seen {
        fn occupation(&mut self, d: &Declaration, o: &Occupation) {
            self.occupations.push((d.company.clone(), d.quarter.clone(), o.clone()));
        }
        fn declaration(&mut self, d: &Declaration) {
            self.declarations.push(d.line);
        }
    }

    fn read_text(xml: &str) -> Result<Seen> {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("d.xml");
        std::fs::write(&p, xml).expect("write");
        let mut s = Seen::default();
        read(&p, &mut s)?;
        Ok(s)
    }

    const ONE: &str = "<?xml version=\"1.0\"?>\n<DmfAOriginal>\n <Form><Identification>DMFAP</Identification>\n  <EmployerDeclaration>\n   <Quarter>20233</Quarter><NOSSRegistrationNbr>1234</NOSSRegistrationNbr><CompanyID>0123456789</CompanyID>\n   <NaturalPerson><INSS>85073100123</INSS>\n    <WorkerRecord><WorkerCode>495</WorkerCode>\n     <Occupation>\n      <OccupationStartingDate>2019-06-30</OccupationStartingDate><JointCommissionNbr>200</JointCommissionNbr>\n      <WorkingDaysSystem>500</WorkingDaysSystem><RefMeanWorkingHours>3800</RefMeanWorkingHours><MeanWorkingHours>3800</MeanWorkingHours>\n      <Service><ServiceCode>001</ServiceCode><ServiceNbrDays>6500</ServiceNbrDays></Service>\n      <Remun><RemunCode>001</RemunCode><RemunAmount>912345</RemunAmount></Remun>\n     </Occupation>\n    </WorkerRecord>\n   </NaturalPerson>\n  </EmployerDeclaration>\n </Form>\n</DmfAOriginal>\n";

    #[test]
    fn an_occupation_with_its_declaration_and_line() {
        let s = read_text(ONE).unwrap();
        assert_eq!(s.occupations.len(), 1);
        let (company, quarter, o) = &s.occupations[0];
        assert_eq!(
            (company.as_str(), quarter.as_str(), o.inss.as_str(), o.line),
            ("0123456789", "20233", "85073100123", 8)
        );
        assert_eq!(o.joint_committee.as_deref(), Some("200"));
        assert_eq!(o.values.services, vec![Service { code: 1, days: Some(6500), hours: None }]);
        assert_eq!(o.values.remuns, vec![Remun { code: 1, amount: 912345 }]);
        assert_eq!(o.fault, None);
        assert_eq!(s.declarations, vec![4]);
    }

    #[test]
    fn unknown_elements_are_skipped() {
        let xml = ONE.replace("<Service>", "<Novelty><Quarter>19991</Quarter></Novelty><Service>");
        let s = read_text(&xml).unwrap();
        assert_eq!(s.occupations[0].1, "20233");
    }

    #[test]
    fn a_bad_value_is_the_occupations_fault() {
        let s = read_text(&ONE.replace("<ServiceNbrDays>6500", "<ServiceNbrDays>65,00")).unwrap();
        assert_eq!(
            s.occupations[0].2.fault.as_ref().map(Fault::reason).as_deref(),
            Some("ServiceNbrDays: not a whole number of hundredths")
        );
    }

    #[test]
    fn not_well_formed_names_line_and_column() {
        let e = read_text(&ONE.replace("</Quarter>", "</Quartr>")).unwrap_err().to_string();
        assert!(e.contains("d.xml:5:") && e.contains("not well-formed XML"), "{e}");
    }

    #[test]
    fn a_cut_file_is_refused() {
        let cut = &ONE[..ONE.find("<Remun>").unwrap()];
        let e = read_text(cut).unwrap_err().to_string();
        assert!(e.contains("ends inside <Occupation>") && e.contains("cut short"), "{e}");
    }

    #[test]
    fn another_root_is_not_dmfa() {
        let e = read_text("<employment/>").unwrap_err().to_string();
        assert!(e.contains("not <DmfAOriginal>"), "{e}");
    }
}
