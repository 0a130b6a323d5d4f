//! Partnerships: the programme's agreements with partner organisations of
//! the community directory — what, from and to, and funding given or
//! received. The rules for what may be recorded.

use crate::dates::{self, Span};
use crate::fields::FieldErrors;
use crate::text::{optional_text, required_text};
use chrono::NaiveDate;

/// Which way money goes under an agreement.
pub const FUNDING: [(&str, &str); 3] = [
    ("none", "No money changes hands"),
    ("received", "The programme receives funding"),
    ("given", "The programme gives funding"),
];

/// The label of a funding direction.
pub fn funding_label(code: &str) -> &str {
    FUNDING
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

/// At most this much under one agreement, in pounds.
pub const MAX_POUNDS: i64 = 10_000_000;

/// An agreement as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub what: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub funding: &'static str,
    pub amount_pence: Option<i64>,
    pub notes: Option<String>,
}

/// Check an agreement as typed: what it is, when it starts (within ten
/// years either way) and ends (not before it starts), which way money goes
/// and, when it does, how much.
pub fn agreement(
    what: &str,
    starts_on: &str,
    ends_on: &str,
    funding: &str,
    amount: &str,
    notes: &str,
    today: NaiveDate,
) -> Result<Agreement, FieldErrors> {
    let mut e = FieldErrors::new();
    let what = e.check("what", required_text(what, "what the agreement is", 300));
    let span = Span::around(today, 10, 10);
    let starts_on = e.check("starts_on", dates::required(starts_on, "the start", span));
    let ends_on = e
        .check("ends_on", dates::optional(ends_on, "the end", span))
        .flatten();
    if let (Some(s), Some(end)) = (starts_on, ends_on)
        && end < s
    {
        e.add("ends_on", "The end must be on or after the start");
    }
    let funding = FUNDING
        .iter()
        .find(|(c, _)| {
            *c == if funding.trim().is_empty() {
                "none"
            } else {
                funding.trim()
            }
        })
        .map(|(c, _)| *c);
    if funding.is_none() {
        e.add(
            "funding",
            "Choose whether money is received, given or neither",
        );
    }
    let amount_pence = match (funding, amount.trim()) {
        (Some("none"), "") | (None, _) => None,
        (Some("none"), _) => {
            e.add(
                "amount",
                "Leave the amount blank when no money changes hands",
            );
            None
        }
        (Some(_), "") => {
            e.add("amount", "Enter the amount in pounds");
            None
        }
        (Some(_), raw) => e.check("amount", crate::report::parse_pounds(raw, MAX_POUNDS)),
    };
    let notes = e
        .check("notes", optional_text(notes, "the notes", 2000))
        .flatten();
    e.into_result()?;
    Ok(Agreement {
        what: what.unwrap_or_default(),
        starts_on: starts_on.unwrap_or(today),
        ends_on,
        funding: funding.unwrap_or("none"),
        amount_pence,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    fn fields(e: FieldErrors) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn an_agreement_with_funding_needs_an_amount_and_ends_after_it_starts() {
        let a = agreement(
            "Food vouchers for people the link workers support",
            "1/4/2026",
            "31/3/2027",
            "received",
            "£2,500",
            "",
            today(),
        );
        assert_eq!(
            a.map(|a| (a.funding, a.amount_pence)),
            Ok(("received", Some(250_000)))
        );
        let e = agreement("", "1/4/2026", "1/3/2026", "given", "", "", today())
            .err()
            .map(fields);
        assert_eq!(
            e,
            Some(vec![
                "what".to_owned(),
                "ends_on".to_owned(),
                "amount".to_owned()
            ])
        );
        let e = agreement("Hall hire", "1/4/2026", "", "none", "50", "", today())
            .err()
            .map(fields);
        assert_eq!(e, Some(vec!["amount".to_owned()]));
    }
}
