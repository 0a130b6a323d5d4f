//! The narrower filters the figures link the referrals list with: who is
//! reached (sex, age band, SIMD decile or quintile, a person's first
//! referral, Deep End practices) and cases reopened in a run of days. The
//! keys are those of the figures' breakdowns, so a row's link names its
//! own key; the web page and the API read them alike through
//! [`ReachedFilter::apply`].

use super::ReferralFilter;
use crate::participants::SEXES;
use crate::reports::figures::AGE_BANDS;
use linkwork_domain::FieldErrors;
use linkwork_domain::appointment::london_instant;
use linkwork_domain::dates::{self, TwoDigitYear};
use serde::Deserialize;

/// As given in a query string; empty means not asked for.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ReachedFilter {
    /// `female`, `male`, `other`, `not_said` or `not_recorded`.
    pub sex: String,
    /// `under_18`, `18_24` … `75_plus`, or `unknown`.
    pub age_band: String,
    /// 1 (most deprived) to 10, or `unknown`.
    pub simd_decile: String,
    /// 1 (most deprived) to 5, or `unknown`.
    pub simd_quintile: String,
    /// `yes`: only each person's first referral to the programme.
    pub new_person: String,
    /// `yes`: only referrals at Deep End practices.
    pub deep_end: String,
    /// `yes`: only referrals made by partner organisations' staff.
    pub from_partners: String,
    /// Only referrals made by this partner organisation's staff (its name).
    pub partner_organization: String,
    /// Reopened on or after this UK day, on or before this one.
    pub reopened_from: String,
    pub reopened_to: String,
}

const FIELDS: [&str; 10] = [
    "sex",
    "age_band",
    "simd_decile",
    "simd_quintile",
    "new_person",
    "deep_end",
    "from_partners",
    "partner_organization",
    "reopened_from",
    "reopened_to",
];

impl ReachedFilter {
    fn values(&self) -> [&str; 10] {
        [
            &self.sex,
            &self.age_band,
            &self.simd_decile,
            &self.simd_quintile,
            &self.new_person,
            &self.deep_end,
            &self.from_partners,
            &self.partner_organization,
            &self.reopened_from,
            &self.reopened_to,
        ]
        .map(|v| v.trim())
    }

    /// Nothing asked for.
    pub fn is_empty(&self) -> bool {
        self.values().iter().all(|v| v.is_empty())
    }

    /// The filters given, as `(name, value)` (for links and hidden fields).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        FIELDS
            .into_iter()
            .zip(self.values())
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// Check what was given and add it to `f`; a field error names each
    /// value that is not one of the keys.
    pub fn apply(&self, f: &mut ReferralFilter, e: &mut FieldErrors) {
        let [
            sex,
            age,
            decile,
            quintile,
            new_person,
            deep_end,
            partners,
            organization,
            from,
            to,
        ] = self.values();
        if yes(e, "from_partners", partners) {
            f.partner = Some(String::new());
        }
        if !organization.is_empty() {
            f.partner = Some(organization.to_owned());
        }
        match sex {
            "" => {}
            "not_recorded" => f.sex = Some(String::new()),
            s if SEXES.iter().any(|(c, _)| *c == s) => f.sex = Some(s.to_owned()),
            _ => e.add(
                "sex",
                "Sex must be female, male, other, not_said or not_recorded",
            ),
        }
        match age {
            "" => {}
            "unknown" => f.age = Some(None),
            a => match AGE_BANDS.iter().position(|(k, _, _)| *k == a) {
                Some(i) => {
                    let from = i.checked_sub(1).map_or(0, |p| AGE_BANDS[p].2);
                    f.age = Some(Some((i64::from(from), i64::from(AGE_BANDS[i].2))));
                }
                None => e.add(
                    "age_band",
                    "Age band must be one of under_18, 18_24, 25_34, 35_44, 45_54, 55_64, 65_74, 75_plus or unknown",
                ),
            },
        }
        let mut simd = |field: &str, raw: &str, of: i64| match raw {
            "" => {}
            "unknown" => f.simd_deciles = Some(Vec::new()),
            n => match n.parse::<i64>().ok().filter(|n| (1..=of).contains(n)) {
                // A quintile is two deciles (1–2 is quintile 1).
                Some(n) if of == 5 => f.simd_deciles = Some(vec![2 * n - 1, 2 * n]),
                Some(n) => f.simd_deciles = Some(vec![n]),
                None => e.add(
                    field,
                    format!(
                        "{} must be a number from 1 to {of}, or unknown",
                        label(field)
                    ),
                ),
            },
        };
        simd("simd_decile", decile, 10);
        simd("simd_quintile", quintile, 5);
        f.new_person = yes(e, "new_person", new_person);
        f.deep_end = yes(e, "deep_end", deep_end);
        let mut day = |field: &str, raw: &str| match raw {
            "" => None,
            t => {
                let d = dates::parse(t, TwoDigitYear::ThisCentury);
                if d.is_none() {
                    e.add(field, "Enter a date, like 1/4/2026 or 2026-04-01");
                }
                d
            }
        };
        let (first, last) = (day("reopened_from", from), day("reopened_to", to));
        if let (Some(a), Some(b)) = (first, last)
            && b < a
        {
            e.add("reopened_to", "The last day must not be before the first");
        }
        // UK midnights: the first day's, and the one after the last day.
        let mut start = |field: &str, d: Option<chrono::NaiveDate>| {
            let t = d.map(|d| london_instant(d, chrono::NaiveTime::MIN));
            if let Some(Err(_)) = t {
                e.add(field, "Enter a date, like 1/4/2026 or 2026-04-01");
            }
            t.and_then(Result::ok)
        };
        let begin = start("reopened_from", first);
        let end = start("reopened_to", last.and_then(|d| d.succ_opt()));
        if first.is_some() || last.is_some() {
            f.reopened = Some((begin, end));
        }
    }

    /// What the filters ask for, in words (shown above the list).
    pub fn describe(&self) -> Vec<String> {
        let [
            sex,
            age,
            decile,
            quintile,
            new_person,
            deep_end,
            partners,
            organization,
            from,
            to,
        ] = self.values();
        let mut out = Vec::new();
        if !organization.is_empty() {
            out.push(format!("Made by staff of {organization}"));
        } else if !partners.is_empty() {
            out.push("Made by partner organisations".to_owned());
        }
        if let Some(l) = SEXES.iter().find(|(c, _)| *c == sex).map(|(_, l)| *l) {
            out.push(format!("Sex: {l}"));
        } else if sex == "not_recorded" {
            out.push("Sex: not recorded".to_owned());
        }
        if let Some((_, l, _)) = AGE_BANDS.iter().find(|(k, _, _)| *k == age) {
            out.push(format!("Age when referred: {}", l.to_lowercase()));
        } else if age == "unknown" {
            out.push("Age when referred: not known".to_owned());
        }
        for (raw, what) in [(decile, "decile"), (quintile, "quintile")] {
            if !raw.is_empty() {
                let shown = if raw == "unknown" { "not known" } else { raw };
                out.push(format!(
                    "SIMD 2020v2 {what} of the person's postcode: {shown}"
                ));
            }
        }
        if !new_person.is_empty() {
            out.push("The person's first referral to the programme".to_owned());
        }
        if !deep_end.is_empty() {
            out.push("Deep End practices".to_owned());
        }
        if !from.is_empty() || !to.is_empty() {
            out.push(format!(
                "Reopened {}{}",
                if from.is_empty() {
                    String::new()
                } else {
                    format!("from {from} ")
                },
                if to.is_empty() {
                    String::new()
                } else {
                    format!("to {to}")
                }
            ));
        }
        out
    }
}

fn label(field: &str) -> &'static str {
    if field == "simd_decile" {
        "SIMD decile"
    } else {
        "SIMD quintile"
    }
}

fn yes(e: &mut FieldErrors, field: &str, raw: &str) -> bool {
    match raw {
        "" | "no" | "false" | "0" => false,
        "yes" | "true" | "1" => true,
        _ => {
            e.add(field, format!("{field} must be yes or no"));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(r: ReachedFilter) -> (ReferralFilter, FieldErrors) {
        let mut f = ReferralFilter::default();
        let mut e = FieldErrors::new();
        r.apply(&mut f, &mut e);
        (f, e)
    }

    #[test]
    fn bands_and_quintiles_become_ranges() {
        let (f, e) = applied(ReachedFilter {
            age_band: "under_18".into(),
            simd_quintile: "2".into(),
            sex: "not_recorded".into(),
            ..Default::default()
        });
        assert!(e.is_empty());
        assert_eq!(f.age, Some(Some((0, 18))));
        assert_eq!(f.simd_deciles, Some(vec![3, 4]));
        assert_eq!(f.sex.as_deref(), Some(""));
        let (f, _) = applied(ReachedFilter {
            age_band: "65_74".into(),
            simd_decile: "unknown".into(),
            ..Default::default()
        });
        assert_eq!(f.age, Some(Some((65, 75))));
        assert_eq!(f.simd_deciles, Some(vec![]));
        let (f, _) = applied(ReachedFilter {
            age_band: "unknown".into(),
            ..Default::default()
        });
        assert_eq!(f.age, Some(None));
    }

    #[test]
    fn each_bad_value_is_named() {
        let (_, e) = applied(ReachedFilter {
            sex: "x".into(),
            age_band: "30_40".into(),
            simd_decile: "11".into(),
            simd_quintile: "0".into(),
            deep_end: "maybe".into(),
            reopened_from: "2026-13-01".into(),
            ..Default::default()
        });
        for field in [
            "sex",
            "age_band",
            "simd_decile",
            "simd_quintile",
            "deep_end",
            "reopened_from",
        ] {
            assert!(e.for_field(field).is_some(), "{field}");
        }
    }

    #[test]
    fn reopened_days_are_uk_days() {
        // Summer time: the day starts at 23:00 UTC the day before.
        let (f, e) = applied(ReachedFilter {
            reopened_from: "1/7/2026".into(),
            reopened_to: "2026-07-31".into(),
            ..Default::default()
        });
        assert!(e.is_empty());
        let (a, b) = f.reopened.expect("reopened");
        assert_eq!(
            a.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-06-30T23:00:00+00:00")
        );
        assert_eq!(
            b.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-07-31T23:00:00+00:00")
        );
        // One end alone: the other is open.
        let (f, e) = applied(ReachedFilter {
            reopened_to: "2026-07-31".into(),
            ..Default::default()
        });
        assert!(e.is_empty());
        assert!(matches!(f.reopened, Some((None, Some(_)))));
    }
}
