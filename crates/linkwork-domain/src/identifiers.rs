//! Health identifiers: the Scottish CHI number and the NHS number.
//! Rules restated from `shared/refdata/identifiers/identifiers_spec.md`.
//! Both are stored as text (a leading zero matters).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

fn digits(raw: &str, what: &str) -> Result<[u8; 10], String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.is_empty() {
        return Err(format!("Enter the {what}"));
    }
    if !compact.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("The {what} must contain only digits"));
    }
    if compact.len() != 10 {
        return Err(format!(
            "The {what} must be 10 digits (you entered {})",
            compact.len()
        ));
    }
    let mut out = [0u8; 10];
    for (i, b) in compact.bytes().enumerate() {
        out[i] = b - b'0';
    }
    Ok(out)
}

/// The modulus 11 check digit of the first nine digits, or `None` when no
/// valid number exists (check 10).
pub fn mod11_check(d: &[u8; 10]) -> Option<u8> {
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (10 - i as u32))
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => Some(c as u8),
    }
}

/// The 2026 modulus 10 (Luhn-style) check digit of the first nine digits:
/// digits 1, 3, 5, 7, 9 are doubled.
pub fn mod10_check(d: &[u8; 10]) -> u8 {
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 0 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A Scottish Community Health Index number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChiNumber(String);

impl ChiNumber {
    /// Valid when its first six digits are a real date (DDMMYY) and it passes
    /// the modulus 11 check or (from 2026) the modulus 10 check.
    pub fn parse(raw: &str) -> Result<ChiNumber, String> {
        let d = digits(raw, "CHI number")?;
        let day = u32::from(d[0] * 10 + d[1]);
        let month = u32::from(d[2] * 10 + d[3]);
        let yy = i32::from(d[4] * 10 + d[5]);
        // Any century will do for "is it a real date": 2000 is a leap year like 1900 is not,
        // so test both centuries that could hold a living person.
        let real = NaiveDate::from_ymd_opt(2000 + yy, month, day).is_some()
            || NaiveDate::from_ymd_opt(1900 + yy, month, day).is_some();
        if !real {
            return Err("The CHI number must start with a real date of birth (DDMMYY)".into());
        }
        let ok11 = mod11_check(&d) == Some(d[9]);
        let ok10 = mod10_check(&d) == d[9];
        if !(ok11 || ok10) {
            return Err("This is not a valid CHI number: check the digits".into());
        }
        Ok(ChiNumber(d.iter().map(|x| char::from(b'0' + x)).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The day and month of birth, and the two-digit year.
    pub fn birth_parts(&self) -> (u32, u32, i32) {
        let n = |i: usize| self.0.as_bytes()[i] - b'0';
        (
            u32::from(n(0) * 10 + n(1)),
            u32::from(n(2) * 10 + n(3)),
            i32::from(n(4) * 10 + n(5)),
        )
    }

    /// Does the CHI's date agree with a date of birth? Disagreement is a
    /// warning, never an error: some older CHIs do not match.
    pub fn matches_birth_date(&self, dob: NaiveDate) -> bool {
        use chrono::Datelike;
        let (d, m, y) = self.birth_parts();
        dob.day() == d && dob.month() == m && dob.year().rem_euclid(100) == y
    }

    /// The sex digit (9th): odd male, even female, as registered.
    pub fn registered_sex(&self) -> &'static str {
        if (self.0.as_bytes()[8] - b'0') % 2 == 1 {
            "male"
        } else {
            "female"
        }
    }
}

/// An NHS number (England, Wales, Isle of Man).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NhsNumber(String);

impl NhsNumber {
    pub fn parse(raw: &str) -> Result<NhsNumber, String> {
        let d = digits(raw, "NHS number")?;
        if mod11_check(&d) != Some(d[9]) {
            return Err("This is not a valid NHS number: check the digits".into());
        }
        if d.iter().all(|&x| x == 0) {
            return Err("This is not a valid NHS number: check the digits".into());
        }
        Ok(NhsNumber(d.iter().map(|x| char::from(b'0' + x)).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown as `943 476 5919`.
    pub fn display(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_worked_examples() {
        assert!(ChiNumber::parse("1904851231").is_ok());
        assert!(ChiNumber::parse("1904851232").is_err());
        assert_eq!(
            ChiNumber::parse("402070763").err(),
            Some("The CHI number must be 10 digits (you entered 9)".into())
        );
        assert!(ChiNumber::parse("0402070763").is_ok());
        assert!(ChiNumber::parse("2902201230").is_ok());
        assert!(
            ChiNumber::parse("2902191230").is_err(),
            "29 Feb 2019 is not a date"
        );
        assert!(ChiNumber::parse("0101010000").is_err());
        assert!(
            ChiNumber::parse("0101201234").is_ok(),
            "passes only the 2026 mod-10 rule"
        );
        assert!(ChiNumber::parse("0113011113").is_err(), "month 13");
        assert!(
            ChiNumber::parse("9999999999").is_err(),
            "passes both checksums, not a date"
        );
        assert!(
            ChiNumber::parse("0402568876").is_err(),
            "in-the-wild invalid example"
        );
        assert_eq!(
            ChiNumber::parse(" 040 207 0763 ").map(|c| c.0),
            Ok("0402070763".into())
        );
    }

    #[test]
    fn chi_date_and_sex() {
        let c = ChiNumber::parse("1904851231").unwrap_or_else(|_| ChiNumber(String::new()));
        assert!(c.matches_birth_date(NaiveDate::from_ymd_opt(1985, 4, 19).unwrap_or_default()));
        assert!(!c.matches_birth_date(NaiveDate::from_ymd_opt(1985, 4, 20).unwrap_or_default()));
        assert_eq!(c.registered_sex(), "male");
    }

    #[test]
    fn nhs_numbers() {
        assert!(NhsNumber::parse("9434765919").is_ok());
        assert_eq!(
            NhsNumber::parse("943 476 5919").map(|n| n.display()),
            Ok("943 476 5919".into())
        );
        assert!(NhsNumber::parse("4000000632").is_ok());
        assert!(NhsNumber::parse("1234567890").is_err());
        assert!(NhsNumber::parse("9434765918").is_err());
        assert!(NhsNumber::parse("0000000000").is_err());
        assert!(NhsNumber::parse("94347659").is_err());
        assert!(NhsNumber::parse("94347659AB").is_err());
    }
}
