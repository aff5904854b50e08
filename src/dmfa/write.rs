//! Employment lines written as DmfA (§13), for `generate --format dmfa`: one `Form` per
//! employer and quarter, one `NaturalPerson` per worker, one `Occupation` per line, in the
//! published structure's order (root `DmfAOriginal`, amounts in cents, days and hours in
//! hundredths). Each line's FTE is written as services the formula of `line.rs` gives
//! back exactly: a full-time line by days, a part-time one by hours where the hours are a
//! whole number of hundredths, else by days with a mean and reference week chosen so.

use std::fmt::Write as _;

use super::line::{self, Occupation, Service};
use crate::quarter::Quarter;
use crate::rules::DmfaRules;

/// The start of a DmfA file.
pub const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DmfAOriginal>\n";
/// The end of a DmfA file.
pub const TAIL: &str = "</DmfAOriginal>\n";

/// One employment line to write.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// The worker's INSS, eleven digits.
    pub inss: &'a str,
    pub fte_micro: i64,
    /// Days since 1970-01-01: written as the occupation's start.
    pub seniority_date: i32,
    pub in_service: bool,
    pub wages_cents: i64,
    pub joint_committee: Option<&'a str>,
}

/// How a line's working time is written: days a week, mean and reference weekly hours,
/// the paid days and, for part time by hours, the paid hours (all in hundredths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub working_days_system: i64,
    pub mean_hours: i64,
    pub ref_mean_hours: i64,
    pub days: i64,
    pub hours: Option<i64>,
}

impl Time {
    fn occupation(self) -> Occupation {
        Occupation {
            working_days_system: Some(self.working_days_system),
            mean_hours: Some(self.mean_hours),
            ref_mean_hours: Some(self.ref_mean_hours),
            services: vec![Service { code: 1, days: Some(self.days), hours: self.hours }],
            ..Occupation::default()
        }
    }
}

/// Working time whose FTE, read back under `r`, is exactly `fte_micro`; `None` when no
/// week tried gives it.
pub fn time_for(fte_micro: i64, r: &DmfaRules) -> Option<Time> {
    let weeks = r.weeks_per_quarter as i64;
    let full_days = weeks * 500;
    let exact = |t: Time| line::fte(&t.occupation(), r).ok().map(|(f, _)| f) == Some(fte_micro);
    if fte_micro == 1_000_000 {
        let t = Time { working_days_system: 500, mean_hours: 3800, ref_mean_hours: 3800, days: full_days, hours: None };
        return exact(t).then_some(t);
    }
    let scaled = |x: i64| ((fte_micro as i128 * x as i128 + 500_000) / 1_000_000) as i64;
    for ref_mean_hours in [3800, 4000, 3900, 3700, 3600, 3500, 3000] {
        let hours = scaled(weeks * ref_mean_hours);
        let t = Time {
            working_days_system: 500,
            mean_hours: scaled(ref_mean_hours),
            ref_mean_hours,
            days: scaled(full_days),
            hours: Some(hours),
        };
        if exact(t) {
            return Some(t);
        }
        let t = Time { days: full_days, hours: None, ..t };
        if exact(t) {
            return Some(t);
        }
    }
    None
}

fn date(day: i32) -> String {
    crate::quarter::format_date(day)
}

/// Writes one employer's declaration of one quarter: `employer` as its `CompanyID`
/// (`noss` its `NOSSRegistrationNbr`), the lines of one worker side by side.
pub fn declaration(
    out: &mut String,
    quarter: Quarter,
    employer: &str,
    noss: &str,
    lines: &[Line<'_>],
    r: &DmfaRules,
) -> std::result::Result<(), String> {
    let (year, q) = (quarter.year(), quarter.number());
    let _ = write!(
        out,
        "<Form>\n<Identification>DMFAP</Identification>\n<FormCreationDate>{}</FormCreationDate>\n\
         <FormCreationHour>00:00:00.000</FormCreationHour>\n<AttestationStatus>0</AttestationStatus>\n\
         <TypeForm>SU</TypeForm>\n<EmployerDeclaration>\n<Quarter>{year}{q}</Quarter>\n\
         <NOSSRegistrationNbr>{noss}</NOSSRegistrationNbr>\n<Trusteeship>0</Trusteeship>\n\
         <CompanyID>{employer}</CompanyID>\n",
        date(quarter.last_day() + 1),
    );
    let last_day = quarter.last_day();
    let mut person = 0;
    let mut i = 0;
    while i < lines.len() {
        let inss = lines[i].inss;
        let same = lines[i..].iter().take_while(|l| l.inss == inss).count();
        person += 1;
        let _ = write!(
            out,
            "<NaturalPerson>\n<NaturalPersonSequenceNbr>{person}</NaturalPersonSequenceNbr>\n<INSS>{inss}</INSS>\n\
             <WorkerRecord>\n<WorkerCode>495</WorkerCode>\n"
        );
        for (n, l) in lines[i..i + same].iter().enumerate() {
            let t = time_for(l.fte_micro, r)
                .ok_or_else(|| format!("no working time gives the FTE {} exactly", l.fte_micro))?;
            let _ = write!(
                out,
                "<Occupation>\n<OccupationSequenceNbr>{}</OccupationSequenceNbr>\n\
                 <OccupationStartingDate>{}</OccupationStartingDate>\n",
                n + 1,
                date(l.seniority_date)
            );
            if !l.in_service {
                let _ = writeln!(out, "<OccupationEndingDate>{}</OccupationEndingDate>", date(last_day - 1));
            }
            if let Some(jc) = l.joint_committee {
                let _ = writeln!(out, "<JointCommissionNbr>{jc}</JointCommissionNbr>");
            }
            let _ = write!(
                out,
                "<WorkingDaysSystem>{}</WorkingDaysSystem>\n<ContractType>{}</ContractType>\n\
                 <RefMeanWorkingHours>{}</RefMeanWorkingHours>\n<MeanWorkingHours>{}</MeanWorkingHours>\n\
                 <Service>\n<ServiceSequenceNbr>1</ServiceSequenceNbr>\n<ServiceCode>001</ServiceCode>\n\
                 <ServiceNbrDays>{}</ServiceNbrDays>\n",
                t.working_days_system,
                if t.hours.is_some() { "Parttime" } else { "Fulltime" },
                t.ref_mean_hours,
                t.mean_hours,
                t.days
            );
            if let Some(h) = t.hours {
                let _ = writeln!(out, "<ServiceNbrHours>{h}</ServiceNbrHours>");
            }
            let _ = write!(
                out,
                "</Service>\n<Remun>\n<RemunSequenceNbr>1</RemunSequenceNbr>\n<RemunCode>001</RemunCode>\n\
                 <RemunAmount>{}</RemunAmount>\n</Remun>\n</Occupation>\n",
                l.wages_cents
            );
        }
        out.push_str("</WorkerRecord>\n</NaturalPerson>\n");
        i += same;
    }
    out.push_str("</EmployerDeclaration>\n</Form>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> DmfaRules {
        DmfaRules { wage_codes: vec![1], paid_service_codes: vec![1], weeks_per_quarter: 13 }
    }

    /// Every FTE the generator draws is written as a working time giving it back exactly.
    #[test]
    fn the_generators_ftes_come_back_exactly() {
        for f in [1_000_000, 500_000, 800_000, 600_000, 750_000, 200_000, 333_333, 900_000] {
            let t = time_for(f, &rules()).unwrap_or_else(|| panic!("{f}"));
            assert_eq!(line::fte(&t.occupation(), &rules()).unwrap().0, f, "{t:?}");
        }
        assert_eq!(time_for(500_000, &rules()).and_then(|t| t.hours), Some(24_700), "half time by hours");
    }
}
