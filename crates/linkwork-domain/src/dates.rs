//! Dates as people type them, and the range each date field accepts.
//!
//! Accepted: `2026-11-25`, `25/11/2026`, `25-11-2026`, `25.11.2026`,
//! `25 11 2026`, `25 November 2026`, `25 Nov 2026`, and each with a
//! two-digit year (`1/1/90`). The rule for a two-digit year depends on the
//! field ([`Span::two_digit`]): for a date in the past (a date of birth, the
//! day a referral arrived) it is the latest such year that is not in the
//! future, so `90` is 1990 and `25` is 2025 (in 2026); for a date ahead (an
//! appointment, a review) it is 20yy.

use chrono::{Datelike, Months, NaiveDate};

/// How a two-digit year is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoDigitYear {
    /// The latest year ending in these digits that is not after `today`.
    NotAfter(NaiveDate),
    /// 2000 + the digits.
    ThisCentury,
}

/// The dates a field accepts, inclusive, and how it reads two-digit years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    pub two_digit: TwoDigitYear,
}

/// The earliest date of birth (and of anything else) the service accepts.
pub fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

fn plus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}

fn minus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(12 * years)).unwrap_or(d)
}

impl Span {
    /// A date of birth: from 1900 to today.
    pub fn birth(today: NaiveDate) -> Span {
        Span {
            earliest: earliest(),
            latest: today,
            two_digit: TwoDigitYear::NotAfter(today),
        }
    }

    /// Something that has happened: within the last `years` years, up to today.
    pub fn past(today: NaiveDate, years: u32) -> Span {
        Span {
            earliest: minus_years(today, years),
            latest: today,
            two_digit: TwoDigitYear::NotAfter(today),
        }
    }

    /// Something planned: from `from` to `years` years after today.
    pub fn ahead(from: NaiveDate, today: NaiveDate, years: u32) -> Span {
        Span {
            earliest: from,
            latest: plus_years(today, years),
            two_digit: TwoDigitYear::ThisCentury,
        }
    }

    /// Anything in a window around today (`back` years before, `on` after).
    pub fn around(today: NaiveDate, back: u32, on: u32) -> Span {
        Span {
            earliest: minus_years(today, back),
            latest: plus_years(today, on),
            two_digit: TwoDigitYear::ThisCentury,
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) || (w == "sept" && *m == "september"))
        .map(|i| i as u32 + 1)
}

fn year_of(raw: &str, rule: TwoDigitYear) -> Option<i32> {
    if !raw.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i32 = raw.parse().ok()?;
    match raw.len() {
        4 => Some(n),
        2 => Some(match rule {
            TwoDigitYear::ThisCentury => 2000 + n,
            TwoDigitYear::NotAfter(today) => {
                let y = today.year() - today.year().rem_euclid(100) + n;
                if y > today.year() { y - 100 } else { y }
            }
        }),
        _ => None,
    }
}

/// Read a date as typed; `None` when it is not a date.
pub fn parse(raw: &str, rule: TwoDigitYear) -> Option<NaiveDate> {
    let t = raw.trim().trim_end_matches(',');
    // ISO first: 2026-11-25.
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        && t.len() == 10
    {
        return Some(d);
    }
    let parts: Vec<&str> = t
        .split(|c: char| c == '/' || c == '-' || c == '.' || c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return None;
    }
    let day_word = parts[0]
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    if day_word.is_empty() || day_word.len() > 2 || !day_word.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let day: u32 = day_word.parse().ok()?;
    let month = if parts[1].chars().all(|c| c.is_ascii_digit()) && parts[1].len() <= 2 {
        parts[1].parse().ok()?
    } else {
        month_of(parts[1])?
    };
    let year = year_of(parts[2], rule)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// "2 Dec 2026", as dates are shown.
pub fn show(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// Read a required date field. `what` names it in a message, such as "the
/// date of birth"; `example` is a date to show as the pattern.
pub fn required(raw: &str, what: &str, span: Span) -> Result<NaiveDate, String> {
    if raw.trim().is_empty() {
        return Err(format!("Enter {what}"));
    }
    let d = parse(raw, span.two_digit).ok_or_else(|| {
        format!(
            "Enter {what} as a date, like {}",
            span.latest.format("%-d/%-m/%Y")
        )
    })?;
    within(d, what, span)
}

/// Read an optional date field: blank is `None`.
pub fn optional(raw: &str, what: &str, span: Span) -> Result<Option<NaiveDate>, String> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        required(raw, what, span).map(Some)
    }
}

/// Check that a date falls within its field's span.
pub fn within(d: NaiveDate, what: &str, span: Span) -> Result<NaiveDate, String> {
    let what = capital(what);
    if d > span.latest && span.two_digit == TwoDigitYear::NotAfter(span.latest) {
        return Err(if span.earliest == earliest() {
            format!("{what} must be in the past")
        } else {
            format!("{what} must be today or earlier")
        });
    }
    if d < span.earliest || d > span.latest {
        return Err(format!(
            "{what} must be between {} and {}",
            show(span.earliest),
            show(span.latest)
        ));
    }
    Ok(d)
}

fn capital(what: &str) -> String {
    let w = what.strip_prefix("the ").unwrap_or(what);
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_dates_as_people_type_them() {
        let today = d(2026, 12, 2);
        let past = TwoDigitYear::NotAfter(today);
        for (raw, want) in [
            ("1/1/90", d(1990, 1, 1)),
            ("01-04-1999", d(1999, 4, 1)),
            ("1 April 1999", d(1999, 4, 1)),
            ("1st Apr 1999", d(1999, 4, 1)),
            ("1999-04-01", d(1999, 4, 1)),
            ("25.11.2026", d(2026, 11, 25)),
            ("25 11 2026", d(2026, 11, 25)),
            ("3 Sept 45", d(1945, 9, 3)),
            ("2/12/26", d(2026, 12, 2)),
            ("3/12/26", d(2026, 12, 3)),
            ("4/5/27", d(1927, 5, 4)),
        ] {
            assert_eq!(parse(raw, past), Some(want), "{raw}");
        }
        assert_eq!(
            parse("3/12/27", TwoDigitYear::ThisCentury),
            Some(d(2027, 12, 3))
        );
        for bad in [
            "",
            "31/02/2020",
            "1/1",
            "tomorrow",
            "1/13/2020",
            "1 Foo 2020",
            "1/1/199",
        ] {
            assert_eq!(parse(bad, past), None, "{bad}");
        }
    }

    #[test]
    fn bounds_name_the_field_and_the_range() {
        let today = d(2026, 12, 2);
        assert_eq!(
            required("3/12/2026", "the date of birth", Span::birth(today)),
            Err("Date of birth must be in the past".into())
        );
        assert_eq!(
            required("1/1/1890", "the date of birth", Span::birth(today)),
            Err("Date of birth must be between 1 Jan 1900 and 2 Dec 2026".into())
        );
        assert_eq!(
            required(
                "31/12/9999",
                "the review date",
                Span::ahead(today, today, 2)
            ),
            Err("Review date must be between 2 Dec 2026 and 2 Dec 2028".into())
        );
        assert_eq!(
            required("3/12/2026", "the date received", Span::past(today, 5)),
            Err("Date received must be today or earlier".into())
        );
        assert_eq!(
            required("", "the date", Span::past(today, 5)),
            Err("Enter the date".into())
        );
        assert!(
            required("soon", "the date", Span::past(today, 5))
                .unwrap_err()
                .contains("as a date, like 2/12/2026")
        );
        assert_eq!(optional(" ", "the date", Span::past(today, 5)), Ok(None));
    }
}
