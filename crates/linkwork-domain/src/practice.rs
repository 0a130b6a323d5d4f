//! Practice development: the work link workers do with and for their
//! practices (aspect 3 of the role in PRODUCT.md), and each practice's
//! development fund. The rules for what may be recorded live here; the
//! store keeps the fund's balance from ever going below zero.

use crate::dates::{self, Span};
use crate::fields::FieldErrors;
use chrono::NaiveDate;

/// The kinds of practice development activity, as the programme's record
/// of learning counts them.
pub const ACTIVITY_KINDS: [(&str, &str); 7] = [
    ("protected_learning", "Protected learning session"),
    ("team_meeting", "Talk at a team meeting"),
    ("newsletter", "Newsletter or bulletin item"),
    ("information_stall", "Information stall"),
    (
        "team_visit",
        "Practice team visit to a community organisation",
    ),
    ("staff_wellbeing", "Staff wellbeing activity"),
    ("other", "Other"),
];

/// The label of an activity kind (the code itself when unknown).
pub fn activity_label(code: &str) -> &str {
    ACTIVITY_KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

/// At most this many people attending one activity.
pub const MAX_ATTENDING: i64 = 10_000;
/// At most this much in one fund line, in pounds.
pub const MAX_FUND_LINE_POUNDS: i64 = 100_000;

/// An activity as checked, ready to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub kind: &'static str,
    pub held_on: NaiveDate,
    pub staff: Option<String>,
    pub attending: Option<i64>,
    pub notes: Option<String>,
}

/// Check an activity as typed: `kind` one of [`ACTIVITY_KINDS`], `held_on`
/// a date within the last five years and up to a year ahead (stalls and
/// sessions are planned), `attending` a whole number from 0, `staff` and
/// `notes` free text within limits. Errors name the field.
pub fn activity(
    kind: &str,
    held_on: &str,
    staff: &str,
    attending: &str,
    notes: &str,
    today: NaiveDate,
) -> Result<Activity, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = ACTIVITY_KINDS
        .iter()
        .find(|(c, _)| *c == kind.trim())
        .map(|(c, _)| *c);
    if kind.is_none() {
        e.add("kind", "Choose what kind of activity it was");
    }
    let held_on = e.check(
        "held_on",
        dates::required(held_on, "the date", Span::around(today, 5, 1)),
    );
    let staff = e
        .check(
            "staff",
            crate::text::optional_text(staff, "the staff involved", 500),
        )
        .flatten();
    let attending = match attending.trim() {
        "" => None,
        t => e.check(
            "attending",
            t.parse::<i64>()
                .ok()
                .filter(|n| (0..=MAX_ATTENDING).contains(n))
                .ok_or(format!(
                    "Enter how many attended as a whole number, from 0 to {MAX_ATTENDING}"
                )),
        ),
    };
    let notes = e
        .check(
            "notes",
            crate::text::optional_text(notes, "the notes", 4000),
        )
        .flatten();
    e.into_result()?;
    Ok(Activity {
        kind: kind.unwrap_or("other"),
        held_on: held_on.unwrap_or(today),
        staff,
        attending,
        notes,
    })
}

/// A fund line as checked: pence (positive: allocated to the practice;
/// negative: spent), what for, and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundLine {
    pub amount_pence: i64,
    pub purpose: String,
    pub on_date: NaiveDate,
}

/// Check a fund line as typed: `direction` is `allocate` or `spend`, the
/// amount is pounds (more than nothing, at most [`MAX_FUND_LINE_POUNDS`]),
/// the purpose is required, the day within the last five years and not
/// after today.
pub fn fund_line(
    direction: &str,
    amount: &str,
    purpose: &str,
    on_date: &str,
    today: NaiveDate,
) -> Result<FundLine, FieldErrors> {
    let mut e = FieldErrors::new();
    let sign = match direction.trim() {
        "allocate" => Some(1),
        "spend" => Some(-1),
        _ => {
            e.add(
                "direction",
                "Choose whether money is allocated to the practice or spent",
            );
            None
        }
    };
    let pence = e.check(
        "amount",
        crate::report::parse_pounds(amount, MAX_FUND_LINE_POUNDS).and_then(|p| {
            if p > 0 {
                Ok(p)
            } else {
                Err("Enter an amount more than £0".to_owned())
            }
        }),
    );
    let purpose = e.check(
        "purpose",
        crate::text::required_text(purpose, "what the money is for", 300),
    );
    let on_date = if on_date.trim().is_empty() {
        Some(today)
    } else {
        e.check(
            "on_date",
            dates::required(on_date, "the date", Span::past(today, 5)),
        )
    };
    e.into_result()?;
    Ok(FundLine {
        amount_pence: sign.unwrap_or(1) * pence.unwrap_or(0),
        purpose: purpose.unwrap_or_default(),
        on_date: on_date.unwrap_or(today),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()
    }

    fn fields(e: &FieldErrors) -> Vec<String> {
        e.0.iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn an_activity_is_checked_field_by_field() {
        let a = activity(
            "team_meeting",
            "12/11/2026",
            "Practice manager, two GPs",
            "14",
            "",
            today(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(a.kind, "team_meeting");
        assert_eq!(
            a.held_on,
            NaiveDate::from_ymd_opt(2026, 11, 12).unwrap_or_default()
        );
        assert_eq!(a.attending, Some(14));
        assert_eq!(a.notes, None);
        let e = activity("party", "31/2/2026", "", "-3", "", today())
            .err()
            .unwrap_or_default();
        assert_eq!(fields(&e), ["kind", "held_on", "attending"]);
        // Far in the future: refused.
        let e = activity("other", "1/1/2030", "", "", "", today())
            .err()
            .unwrap_or_default();
        assert_eq!(fields(&e), ["held_on"]);
    }

    #[test]
    fn a_fund_line_is_signed_by_its_direction() {
        let l = fund_line(
            "spend",
            "£45.50",
            "Tea for the learning session",
            "",
            today(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((l.amount_pence, l.on_date), (-4550, today()));
        let l = fund_line(
            "allocate",
            "1,000",
            "Annual allocation",
            "1/4/2026",
            today(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(l.amount_pence, 100_000);
        let e = fund_line("take", "0", "", "4/12/2026", today())
            .err()
            .unwrap_or_default();
        assert_eq!(fields(&e), ["direction", "amount", "purpose", "on_date"]);
    }
}
