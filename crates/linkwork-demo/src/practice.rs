//! Demo practice development and partners (issue 11): activities with every
//! practice's team over the demo's years, each practice's development fund
//! (a yearly allocation and a few spends), and two partner organisations
//! whose staff have answered the onward referrals sent to them.

use crate::Rng;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use linkwork_domain::Grant;
use linkwork_domain::practice::{Activity, FundLine};
use linkwork_store::Tx;
use linkwork_store::practice as store;

const ACTIVITIES: &[(&str, &str, &str)] = &[
    (
        "protected_learning",
        "GPs, nurses and the practice manager",
        "Social prescribing: what the link worker can and cannot help with",
    ),
    (
        "team_meeting",
        "Practice manager and reception team",
        "How to refer: the form, what to say to the person",
    ),
    (
        "newsletter",
        "Practice manager",
        "A piece for the patient newsletter on the lunch club",
    ),
    (
        "information_stall",
        "Reception team",
        "Stall in the waiting room during flu clinics",
    ),
    (
        "team_visit",
        "Two GPs and a practice nurse",
        "Visit to the community food pantry",
    ),
    (
        "staff_wellbeing",
        "Whole practice team",
        "Lunchtime walk for staff",
    ),
];

const SPENDS: &[(&str, i64, i64)] = &[
    ("Leaflets and posters for the waiting room", 40, 120),
    ("Refreshments for the protected learning session", 25, 80),
    ("Staff wellbeing walk: lunch afterwards", 30, 90),
    ("Information stall materials", 20, 60),
];

/// Activities and a fund for each practice, from `years` years back to today.
pub async fn practice_development(
    tx: &mut Tx,
    grant: &Grant,
    rng: &mut Rng,
    practices: &[i64],
    user_for: &dyn Fn(i64) -> i64,
    years: u32,
    now: DateTime<Utc>,
) -> linkwork_app::Result<u64> {
    let today = linkwork_domain::appointment::london_date(now);
    let start = today - Duration::days(365 * i64::from(years.max(1)));
    let mut written = 0u64;
    for &site in practices {
        let by = user_for(site);
        let mut day = start + Duration::days(rng.range(0, 60));
        while day <= today {
            let (kind, staff, notes) = *rng.pick(ACTIVITIES);
            let a = Activity {
                kind,
                held_on: day,
                staff: Some(staff.to_owned()),
                attending: Some(rng.range(3, 25)),
                notes: Some(notes.to_owned()),
            };
            store::add_activity(tx, grant, site, &a, by, now).await?;
            written += 1;
            day += Duration::days(rng.range(40, 110));
        }
        // A yearly allocation each April, and a few spends after it.
        let mut year = start.year();
        while let Some(april) = NaiveDate::from_ymd_opt(year, 4, 1) {
            if april > today {
                break;
            }
            if april >= start {
                let alloc = FundLine {
                    amount_pence: 500 * 100,
                    purpose: "Yearly practice development allocation".into(),
                    on_date: april,
                };
                store::add_fund_line(tx, grant, site, &alloc, by, now).await?;
                for _ in 0..rng.range(1, 4) {
                    let (purpose, lo, hi) = *rng.pick(SPENDS);
                    let on_date = (april + Duration::days(rng.range(10, 330))).min(today);
                    let spend = FundLine {
                        amount_pence: -rng.range(lo, hi) * 100,
                        purpose: purpose.to_owned(),
                        on_date,
                    };
                    // Refused (None) if it would take the fund below zero.
                    store::add_fund_line(tx, grant, site, &spend, by, now).await?;
                }
                written += 1;
            }
            year += 1;
        }
    }
    Ok(written)
}
