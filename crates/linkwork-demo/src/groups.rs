//! Demo groups (issue 11): in every area a health walk and chair yoga each
//! week, a peer support group every fortnight and a Seasons for Growth
//! course each spring, with people from the area's practices registered and
//! attending, over the demo's years.

use crate::Rng;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use linkwork_domain::Grant;
use linkwork_domain::group::{Group, Session};
use linkwork_store::Tx;
use linkwork_store::groups as store;

/// One area: its name, its practices, and a link worker who runs its groups.
pub struct Area {
    pub name: String,
    pub practices: Vec<i64>,
    pub worker: Option<i64>,
}

const FEEDBACK: &[&str] = &[
    "Everyone stayed for tea afterwards",
    "Rain, but a good turnout",
    "Two people came for the first time",
    "A quieter week",
    "People asked for a longer walk next time",
];

const COURSE_FEEDBACK: &[&str] = &[
    "I understand my feelings about the changes in my life better now",
    "It helped to meet others going through the same",
    "I would like a follow-on group",
    "The weeks went too fast",
];

/// Make the groups; returns how many sessions were recorded.
pub async fn generate(
    tx: &mut Tx,
    grant: &Grant,
    rng: &mut Rng,
    areas: &[Area],
    years: u32,
    now: DateTime<Utc>,
) -> linkwork_app::Result<u64> {
    let today = linkwork_domain::appointment::london_date(now);
    let start = today - Duration::days(365 * i64::from(years.clamp(1, 10)));
    let mut sessions = 0u64;
    for area in areas {
        let mut people = Vec::new();
        for &site in area.practices.iter().take(4) {
            people.extend(store::people_at(tx, grant, site, 6).await?);
        }
        if people.is_empty() {
            continue;
        }
        let plans: [(&str, &str, &str, i64); 4] = [
            ("health walk", "health_walk", "Tuesdays 10:30, weekly", 7),
            ("chair yoga", "exercise", "Thursdays 14:00, weekly", 7),
            (
                "peer support group",
                "peer_support",
                "Every other Wednesday, 18:00",
                14,
            ),
            (
                "Seasons for Growth course",
                "course",
                "Eight weeks from mid January",
                0,
            ),
        ];
        for (what, kind, schedule, every) in plans {
            let g = Group {
                name: format!("{} {what}", area.name),
                kind: linkwork_domain::group::GROUP_KINDS
                    .iter()
                    .map(|(c, _)| *c)
                    .find(|c| *c == kind)
                    .unwrap_or("other"),
                schedule: Some(schedule.to_owned()),
                venue: Some(format!("{} community centre", area.name)),
                in_kind: rng
                    .chance(0.5)
                    .then(|| "Room given free by the centre".to_owned()),
                facilitators: Some("Link worker and a volunteer".to_owned()),
                active: true,
                risk_assessment: (kind == "health_walk").then(|| {
                    "Hazards: uneven paths, traffic at crossings, weather. Walk leader checks the route the day before, carries a phone and first aid kit; walkers told of the route's length.".to_owned()
                }),
                ..Default::default()
            };
            let id = store::create(tx, grant, &g, area.worker, now).await?;
            let mut members: Vec<i64> = people.clone();
            rng.shuffle(&mut members);
            members.truncate(rng.range(5, 12) as usize);
            for &p in &members {
                store::add_member(tx, grant, id, p, start).await?;
            }
            let mut days: Vec<NaiveDate> = Vec::new();
            if every > 0 {
                let mut d = start + Duration::days(rng.range(0, every));
                while d < today {
                    days.push(d);
                    d += Duration::days(every);
                }
            } else {
                let mut year = start
                    .format("%Y")
                    .to_string()
                    .parse::<i32>()
                    .unwrap_or(2020);
                while let Some(first) = NaiveDate::from_ymd_opt(year, 1, 15) {
                    if first >= today {
                        break;
                    }
                    if first >= start {
                        days.extend(
                            (0..8)
                                .map(|w| first + Duration::weeks(w))
                                .filter(|d| *d < today),
                        );
                    }
                    year += 1;
                }
            }
            for d in days {
                let came: Vec<i64> = members
                    .iter()
                    .copied()
                    .filter(|_| rng.chance(0.6))
                    .collect();
                let s = Session {
                    held_on: d,
                    others: rng.range(0, 5),
                    feedback: rng.chance(0.2).then(|| (*rng.pick(FEEDBACK)).to_owned()),
                };
                store::add_session(tx, grant, id, &s, &came, area.worker, now).await?;
                sessions += 1;
            }
            if kind == "course" {
                // Feedback on each run of the course as a whole, given at
                // its last session.
                let mut year = start
                    .format("%Y")
                    .to_string()
                    .parse::<i32>()
                    .unwrap_or(2020);
                while let Some(last) =
                    NaiveDate::from_ymd_opt(year, 1, 15).map(|d| d + Duration::weeks(7))
                {
                    if last >= today {
                        break;
                    }
                    if last >= start {
                        for _ in 0..rng.range(1, 3) {
                            let f = linkwork_domain::group::Feedback {
                                given_on: last,
                                feedback: (*rng.pick(COURSE_FEEDBACK)).to_owned(),
                            };
                            store::add_feedback(tx, grant, id, &f, area.worker, now).await?;
                        }
                    }
                    year += 1;
                }
                for &p in members.iter().filter(|_| rng.chance(0.7)) {
                    store::set_completed(
                        tx,
                        grant,
                        id,
                        p,
                        Some(today.min(start + Duration::weeks(8))),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(sessions)
}
