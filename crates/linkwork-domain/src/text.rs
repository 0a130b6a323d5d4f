//! Small parsed values: names, e-mail addresses, postcodes, codes, passwords.
//! Each `parse` returns a message fit to show next to the field.

use serde::{Deserialize, Serialize};

/// Required free text, trimmed, 1..=`max` characters, no control characters.
pub fn required_text(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(format!("Enter {what}"));
    }
    optional_text(t, what, max).map(|o| o.unwrap_or_default())
}

/// Optional free text: blank becomes `None`.
pub fn optional_text(raw: &str, what: &str, max: usize) -> Result<Option<String>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(format!(
            "{} must be {max} characters or fewer",
            capitalise(what)
        ));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err(format!(
            "{} must not contain control characters",
            capitalise(what)
        ));
    }
    Ok(Some(t.to_owned()))
}

fn capitalise(s: &str) -> String {
    let s = s
        .strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .or_else(|| s.strip_prefix("the "))
        .unwrap_or(s);
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// An e-mail address, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let t = raw.trim().to_lowercase();
        if t.is_empty() {
            return Err("Enter an email address".into());
        }
        let ok = t.len() <= 254
            && !t.chars().any(|c| c.is_whitespace() || c.is_control())
            && match t.rsplit_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.is_empty()
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && domain.contains('.')
                        && !local.contains('@')
                }
                None => false,
            };
        if ok {
            Ok(Email(t))
        } else {
            Err("Enter an email address in the correct format, like name@example.org".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A UK postcode in its normal form: upper case, one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Postcode, String> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if compact.is_empty() {
            return Err("Enter a postcode".into());
        }
        let bad = || Err("Enter a real postcode, like G51 4TR".to_string());
        if compact == "GIR0AA" {
            return Ok(Postcode("GIR 0AA".into()));
        }
        let b = compact.as_bytes();
        if !(5..=7).contains(&b.len()) || !b.iter().all(|c| c.is_ascii_alphanumeric()) {
            return bad();
        }
        let (out, inw) = b.split_at(b.len() - 3);
        // Inward code: digit then two letters, never C I K M O V.
        let inward_ok = inw[0].is_ascii_digit()
            && inw[1..]
                .iter()
                .all(|c| c.is_ascii_uppercase() && !b"CIKMOV".contains(c));
        // Outward code: A9, A99, AA9, AA99, A9A, AA9A.
        let outward_ok = match out {
            [a, d] => a.is_ascii_uppercase() && d.is_ascii_digit(),
            [a, x, y] => {
                a.is_ascii_uppercase()
                    && ((x.is_ascii_digit() && (y.is_ascii_digit() || y.is_ascii_uppercase()))
                        || (x.is_ascii_uppercase() && y.is_ascii_digit()))
            }
            [a, l, d, y] => {
                a.is_ascii_uppercase()
                    && l.is_ascii_uppercase()
                    && d.is_ascii_digit()
                    && (y.is_ascii_digit() || y.is_ascii_uppercase())
            }
            _ => false,
        };
        let first_ok = !b"QVX".contains(&out[0]);
        let second_ok = !(out[1].is_ascii_uppercase() && b"IJZ".contains(&out[1]));
        if !(inward_ok && outward_ok && first_ok && second_ok) {
            return bad();
        }
        let out = String::from_utf8_lossy(out);
        let inw = String::from_utf8_lossy(inw);
        Ok(Postcode(format!("{out} {inw}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name from a register written in capitals, as people write it:
/// `DRS CRON,HOWAT,MCKINLAY` → `Drs Cron, Howat, McKinlay`;
/// `BALFRON HEALTH CENTRE` → `Balfron Health Centre`.
pub fn title_case(s: &str) -> String {
    let spaced = s.replace(',', ", ");
    spaced
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && matches!(lower.as_str(), "and" | "of" | "the" | "on" | "in") {
                return lower;
            }
            let mut out = String::new();
            let mut start = true;
            for ch in lower.chars() {
                if start && ch.is_alphabetic() {
                    out.extend(ch.to_uppercase());
                    start = false;
                } else {
                    out.push(ch);
                    if matches!(ch, '-' | '(' | '/' | '.' | '\'') {
                        start = true;
                    }
                }
                // Mc names: McKinlay, McLeod.
                if out == "Mc" {
                    start = true;
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A site's short code, unique within a programme: letters, digits, `-` and `_`,
/// upper-cased. GP practices use their practice code (e.g. `S43021`).
pub fn site_code(raw: &str) -> Result<String, String> {
    let t = raw.trim().to_uppercase();
    if t.is_empty() {
        return Err("Enter a site code".into());
    }
    if t.len() > 20
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("Site code must be up to 20 letters, digits, hyphens or underscores".into());
    }
    Ok(t)
}

/// A Scottish GP practice code as used by NHS ODS: `S` and five digits. English
/// codes (a letter and five digits) are accepted too.
pub fn practice_code(raw: &str) -> Result<String, String> {
    let t = raw.trim().to_uppercase();
    let b = t.as_bytes();
    if b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(|c| c.is_ascii_digit()) {
        Ok(t)
    } else {
        Err("Enter a practice code: a letter and five digits, like S43021".into())
    }
}

/// What kind of place a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    GpPractice,
    FoodBank,
    PartnerOrganisation,
    Other,
}

impl SiteKind {
    pub const ALL: [SiteKind; 4] = [
        SiteKind::GpPractice,
        SiteKind::FoodBank,
        SiteKind::PartnerOrganisation,
        SiteKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SiteKind::GpPractice => "gp_practice",
            SiteKind::FoodBank => "food_bank",
            SiteKind::PartnerOrganisation => "partner_organisation",
            SiteKind::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SiteKind::GpPractice => "GP practice",
            SiteKind::FoodBank => "Food bank",
            SiteKind::PartnerOrganisation => "Partner organisation",
            SiteKind::Other => "Other",
        }
    }
    /// Where people supported are registered (GP practices and food banks).
    pub fn holds_people(self) -> bool {
        matches!(self, SiteKind::GpPractice | SiteKind::FoodBank)
    }
    pub fn parse(raw: &str) -> Result<SiteKind, String> {
        let t = raw.trim().to_lowercase().replace([' ', '-'], "_");
        SiteKind::ALL
            .into_iter()
            .find(|k| k.code() == t)
            .ok_or_else(|| "Choose what kind of site this is".to_string())
    }
}

impl TryFrom<String> for SiteKind {
    type Error = crate::codes::UnknownCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SiteKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or(crate::codes::UnknownCode {
                what: "site kind",
                code: s,
            })
    }
}

impl From<SiteKind> for String {
    fn from(v: SiteKind) -> String {
        v.code().to_owned()
    }
}

/// Passwords: at least 12 characters (long passphrases welcome, up to 1,000),
/// not one of the most common passwords, not one character repeated.
pub fn check_password(raw: &str, email: Option<&str>) -> Result<(), String> {
    let n = raw.chars().count();
    if n < 12 {
        return Err("Password must be at least 12 characters".into());
    }
    if n > 1000 {
        return Err("Password must be 1,000 characters or fewer".into());
    }
    let lower = raw.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("Password must not be one character repeated".into());
    }
    if is_common_password(&lower) {
        return Err("This password is too common: choose one that is harder to guess".into());
    }
    if let Some(e) = email {
        let e = e.to_lowercase();
        let local = e.split('@').next().unwrap_or_default();
        if lower == e || (local.len() >= 6 && lower.contains(local)) {
            return Err("Password must not contain your email address".into());
        }
    }
    Ok(())
}

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The list holds common passwords of 12 characters or more (shorter ones are
/// refused for their length already), lower-case, one a line.
fn is_common_password(lower: &str) -> bool {
    COMMON_PASSWORDS.lines().any(|l| l == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_cases_register_names() {
        assert_eq!(title_case("BALFRON HEALTH CENTRE"), "Balfron Health Centre");
        assert_eq!(
            title_case("ABERFELDY AND KINLOCH RANNOCH MEDICAL PRACTICE"),
            "Aberfeldy and Kinloch Rannoch Medical Practice"
        );
        assert_eq!(title_case("THE BLUE PRACTICE"), "The Blue Practice");
        assert_eq!(
            title_case("DR O'NEILL-SMITH (BRIDGETON)"),
            "Dr O'Neill-Smith (Bridgeton)"
        );
        assert_eq!(
            title_case("DRS CRON,HOWAT,MCKINLAY,LEGGE,HUNTER"),
            "Drs Cron, Howat, McKinlay, Legge, Hunter"
        );
        // Mending a name the old import had spoiled gives the same answer.
        assert_eq!(
            title_case("Drs Cron,howat,mckinlay,legge,hunter"),
            "Drs Cron, Howat, McKinlay, Legge, Hunter"
        );
    }

    #[test]
    fn postcodes_normalise() {
        assert_eq!(
            Postcode::parse("g51 4tr").map(|p| p.0),
            Ok("G51 4TR".into())
        );
        assert_eq!(
            Postcode::parse(" G514TR ").map(|p| p.0),
            Ok("G51 4TR".into())
        );
        assert_eq!(Postcode::parse("g2 6qe").map(|p| p.0), Ok("G2 6QE".into()));
        assert_eq!(
            Postcode::parse("PA152TY").map(|p| p.0),
            Ok("PA15 2TY".into())
        );
        assert_eq!(
            Postcode::parse("EC1A 1BB").map(|p| p.0),
            Ok("EC1A 1BB".into())
        );
        assert_eq!(
            Postcode::parse("W1A 0AX").map(|p| p.0),
            Ok("W1A 0AX".into())
        );
        assert_eq!(Postcode::parse("gir0aa").map(|p| p.0), Ok("GIR 0AA".into()));
    }

    #[test]
    fn bad_postcodes_are_refused() {
        for bad in [
            "", "G51", "G51 4CI", "Q1 1AA", "GZ1 1AA", "12345", "G51 4T!", "G51 4TRR",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" A.Worker@Example.ORG ").map(|e| e.0),
            Ok("a.worker@example.org".into())
        );
        for bad in [
            "",
            "nobody",
            "a@b",
            "a b@example.org",
            "@example.org",
            "a@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(check_password("short", None).is_err());
        assert!(check_password("aaaaaaaaaaaaaaa", None).is_err());
        assert!(check_password("password1234", None).is_err());
        assert!(check_password("correct horse battery staple", None).is_ok());
        assert!(check_password("jamie.worker-2026", Some("jamie.worker@example.org")).is_err());
    }

    #[test]
    fn codes() {
        assert_eq!(practice_code("s43021"), Ok("S43021".into()));
        assert!(practice_code("S4302").is_err());
        assert_eq!(site_code(" fb-ne1 "), Ok("FB-NE1".into()));
        assert!(site_code("no spaces").is_err());
        assert!(required_text("  ", "a name", 10).is_err());
        assert!(required_text("x".repeat(11).as_str(), "a name", 10).is_err());
    }
}
