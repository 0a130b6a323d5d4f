//! Years of fictional one-to-one work for the demo: people, referrals through
//! their whole lifecycle, contact attempts, appointments with realistic
//! did-not-attend and cancellation rates, notes, needs over time, goals and
//! reviews, onward support, consent, wellbeing measures that mostly improve,
//! a small share of risk flags and handovers. Everything is invented; rows go
//! in many at a time ([`linkwork_store::bulk`]) inside the demo's one
//! transaction, practice by practice.

use crate::{Progress, Result, Rng, demo_person};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use linkwork_domain::appointment::london_instant;
use linkwork_domain::referral::{REASONS, SNOMED_DECLINED, SNOMED_REFERRAL};
use linkwork_domain::wellbeing::swemwbs_metric;
use linkwork_store::Tx;
use linkwork_store::bulk::{self, Value};
use linkwork_store::row;

/// A GP practice and the link workers based there.
#[derive(Debug, Clone)]
pub struct Practice {
    pub site_id: i64,
    pub postcode: String,
    pub workers: Vec<i64>,
}

/// What was made, for the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryCounts {
    pub participants: usize,
    pub referrals: usize,
    pub appointments: usize,
}

/// Choose by weight: `items` are `(value, weight)`.
fn weighted<'a, T>(rng: &mut Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.below(u64::from(total.max(1))) as u32;
    for (v, w) in items {
        if n < *w {
            return v;
        }
        n -= w;
    }
    &items[0].0
}

const SOURCES: [(&str, u32); 6] = [
    ("gp", 45),
    ("nurse_anp", 10),
    ("practice_staff", 10),
    ("self", 20),
    ("food_bank", 5),
    ("other_agency", 10),
];
/// How often each reason comes up, in the order of the seed list.
const REASON_WEIGHTS: [u32; 17] = [30, 22, 14, 24, 8, 6, 8, 5, 4, 5, 5, 6, 8, 2, 2, 4, 3];
const MODES: [(&str, u32); 6] = [
    ("practice", 55),
    ("phone", 20),
    ("home_visit", 8),
    ("community_venue", 8),
    ("video", 4),
    ("accompanied", 5),
];
/// Outcomes of appointments that have happened: about 72% attended, 14% did
/// not attend, 8% cancelled by the person, 6% by the service.
const OUTCOMES: [(&str, u32); 4] = [
    ("attended", 72),
    ("did_not_attend", 14),
    ("cancelled_by_participant", 8),
    ("cancelled_by_service", 6),
];
const CLOSURES: [(&str, u32); 6] = [
    ("goals_met", 50),
    ("chose_to_stop", 20),
    ("moved_or_handed_over", 5),
    ("not_appropriate", 5),
    ("other", 18),
    ("died", 2),
];
const DECLINES: [&str; 3] = [
    "Needs are clinical: passed back to the GP",
    "Already well supported by another service",
    "The person did not want support just now",
];
const NOTES: [&str; 10] = [
    "Talked through what matters most right now; agreed to look at the money side first.",
    "Good conversation. Feeling a bit more settled since the last time.",
    "Went through the letters together and made the calls needed.",
    "Low this week; talked about what has helped before. Will phone on Friday.",
    "Looked at groups nearby together; keen to try one with me there the first time.",
    "Housing repair still not done; helped to report it again in writing.",
    "Went with them to the first session. It went well and they want to go back.",
    "Talked about family and who is around to help. Support network is small.",
    "Benefit claim now in payment. Relief; sleeping better.",
    "Agreed to meet fortnightly for now and review in a month.",
];
const GOALS: [&str; 10] = [
    "I want to get out of the house twice a week",
    "Sort out my debts so I can sleep at night",
    "Find a group where I can meet people",
    "Get my flat fixed so it is warm",
    "Feel able to go back to the shops on my own",
    "Get the benefits I am entitled to",
    "Start walking again, a little every day",
    "Have someone to talk to when it gets hard",
    "Cut down my drinking",
    "Learn to use the computer to keep in touch with family",
];
const SERVICES: [(&str, &str); 12] = [
    ("money", "Welfare rights advice service"),
    ("money", "Citizens Advice money advice"),
    ("food", "Community food pantry"),
    ("fuel", "Energy advice service"),
    ("loneliness", "Lunch club at the community centre"),
    ("loneliness", "Walking group"),
    ("mental_health", "Community mental health team"),
    ("mental_health", "Peer support group"),
    ("housing", "Housing association's tenancy support"),
    ("bereavement", "Bereavement support charity"),
    ("addiction", "Local addiction service"),
    ("physical_activity", "Leisure centre activity referral"),
];
const RISKS: [(&str, u32); 5] = [
    ("suicide_self_harm", 40),
    ("domestic_abuse", 25),
    ("adult_protection", 15),
    ("child_protection", 10),
    ("other", 10),
];

fn working_day(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Duration::days(2),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

fn at(d: NaiveDate, rng: &mut Rng) -> DateTime<Utc> {
    let slot = rng.range(0, 15); // 09:00 to 16:00, on the half hour
    let t = NaiveTime::from_hms_opt(9 + (slot / 2) as u32, if slot % 2 == 0 { 0 } else { 30 }, 0)
        .unwrap_or_default();
    london_instant(d, t).unwrap_or_else(|_| d.and_time(t).and_utc())
}

/// All the rows of one practice, gathered before they go in.
#[derive(Default)]
struct Batch {
    people: Vec<Vec<Value>>,
    referrals: Vec<Vec<Value>>,
    /// Per referral: its person (index into `people`).
    referral_person: Vec<usize>,
    /// (referral index, programme, reason code): one row per reason.
    referral_reasons: Vec<(usize, i64, String)>,
    /// Rows that hang off a referral: (referral index, row without the id).
    attempts: Vec<(usize, Vec<Value>)>,
    appointments: Vec<(usize, Vec<Value>)>,
    handovers: Vec<(usize, Vec<Value>)>,
    /// Rows that hang off a person: (referral index, row without the id).
    notes: Vec<(usize, Vec<Value>)>,
    consents: Vec<(usize, Vec<Value>)>,
    measures: Vec<(usize, Vec<Value>)>,
    flags: Vec<(usize, Vec<Value>)>,
    onward: Vec<(usize, Vec<Value>)>,
    /// Needs and goals, with the rows of their history.
    needs: Vec<(usize, Vec<Value>, Vec<Vec<Value>>)>,
    goals: Vec<(usize, Vec<Value>, Vec<Vec<Value>>)>,
}

/// Generate `years` of work at every practice.
#[allow(clippy::too_many_arguments)]
pub async fn generate(
    tx: &mut Tx,
    rng: &mut Rng,
    programme_id: i64,
    practices: &[Practice],
    years: u32,
    referrals_per_practice_year: u32,
    now: DateTime<Utc>,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<HistoryCounts> {
    let mut counts = HistoryCounts::default();
    let today = now.date_naive();
    let days = i64::from(years) * 365;
    let all_sites: Vec<&Practice> = practices.iter().filter(|p| !p.workers.is_empty()).collect();
    let total = all_sites.len() as u64;
    for (done, practice) in all_sites.iter().enumerate() {
        progress(&Progress {
            stage: "casework",
            done: done as u64,
            total,
        });
        let n = (u64::from(years * referrals_per_practice_year) * rng.range(80, 120) as u64 / 100)
            as usize;
        let mut received: Vec<NaiveDate> = (0..n)
            .map(|_| today - Duration::days(rng.range(0, days.max(1))))
            .collect();
        received.sort();
        let mut b = Batch::default();
        let mut known: Vec<usize> = Vec::new();
        for r in received {
            one_referral(
                rng,
                &mut b,
                &mut known,
                practice,
                &all_sites,
                programme_id,
                r,
                now,
            );
        }
        let c = write(tx, b).await?;
        counts.participants += c.participants;
        counts.referrals += c.referrals;
        counts.appointments += c.appointments;
    }
    progress(&Progress {
        stage: "casework",
        done: total,
        total,
    });
    Ok(counts)
}

#[allow(clippy::too_many_arguments)]
fn one_referral(
    rng: &mut Rng,
    b: &mut Batch,
    known: &mut Vec<usize>,
    practice: &Practice,
    all: &[&Practice],
    programme_id: i64,
    r: NaiveDate,
    now: DateTime<Utc>,
) {
    let today = now.date_naive();
    let ri = b.referrals.len();
    // A new person, or someone supported before (the door is always open).
    let person = if !known.is_empty() && rng.chance(0.18) {
        known[rng.below(known.len() as u64) as usize]
    } else {
        let f = demo_person(rng, practice.site_id, &practice.postcode);
        let created = at(r, rng);
        b.people.push(row![
            programme_id,
            practice.site_id,
            f.given_name.clone(),
            f.family_name.clone(),
            f.preferred_name.clone(),
            f.date_of_birth,
            f.chi_number.clone(),
            f.nhs_number.clone(),
            f.sex.clone(),
            f.phone.clone(),
            f.postcode.clone(),
            f.preferred_contact.clone(),
            f.interpreter_needed,
            created,
            created,
        ]);
        known.push(b.people.len() - 1);
        b.people.len() - 1
    };
    let pi = person;
    let p = &b.people[pi];
    let text = |v: &Value| match v {
        Value::Text(s) => s.clone(),
        _ => String::new(),
    };
    let name = format!("{} {}", text(&p[2]), text(&p[3]));
    let dob = match &p[5] {
        Value::Date(d) => Some(*d),
        _ => None,
    };
    let chi = match &p[6] {
        Value::OptText(c) => c.clone(),
        _ => None,
    };
    let worker = *rng.pick(&practice.workers);
    let source = *weighted(rng, &SOURCES);
    let mut reasons: Vec<&str> = Vec::new();
    let weights: Vec<(&str, u32)> = REASONS
        .iter()
        .zip(REASON_WEIGHTS)
        .map(|((c, _), w)| (*c, w))
        .collect();
    for _ in 0..rng.range(1, 3) {
        let c = *weighted(rng, &weights);
        if !reasons.contains(&c) {
            reasons.push(c);
        }
    }
    let urgency = *weighted(rng, &[("routine", 80), ("soon", 15), ("urgent", 5)]);
    let age = (today - r).num_days();
    let created = at(r, rng);
    let episode = Episode {
        programme_id,
        site_id: practice.site_id,
        name: &name,
        dob,
        chi: &chi,
        source,
        received: r,
        urgency,
        reasons: &reasons,
        created,
    };

    // Triage.
    if age > 14 && rng.chance(0.06) {
        episode.push(
            b,
            pi,
            "declined",
            None,
            Some(rng.pick(&DECLINES).to_string()),
            None,
            None,
            SNOMED_DECLINED,
        );
        return;
    }
    if age < 3 && rng.chance(0.5) {
        episode.push(b, pi, "received", None, None, None, None, SNOMED_REFERRAL);
        return;
    }
    // Contact attempts, then appointments.
    let (reached, day) = contact_attempts(rng, b, ri, programme_id, worker, r, today);
    let Some(reached) = reached else {
        let closed_on = day + Duration::days(21);
        let (status, closure, closed) = if closed_on <= today {
            ("closed", Some("no_contact_after_attempts"), Some(closed_on))
        } else {
            ("allocated", None, None)
        };
        episode.push(
            b,
            pi,
            status,
            Some(worker),
            None,
            closure,
            closed,
            SNOMED_REFERRAL,
        );
        return;
    };
    let Seen {
        first_attended,
        attended,
        last_seen,
        booked_ahead,
    } = appointments(
        rng,
        b,
        ri,
        programme_id,
        practice.site_id,
        worker,
        reached,
        now,
    );
    // Where it ended, if it has: nothing closes by itself, so a few old cases
    // stay open and show up as "not seen for a while".
    let end = working_day(last_seen + Duration::days(rng.range(7, 35)));
    let stays_open = booked_ahead || end > today || (age < 730 && rng.chance(0.02));
    let (status, closure, closed) = match (first_attended, stays_open) {
        (Some(_), true) => ("engaged", None, None),
        (None, true) => ("contacted", None, None),
        (Some(_), false) => ("closed", Some(*weighted(rng, &CLOSURES)), Some(end)),
        (None, false) => (
            "closed",
            Some(*rng.pick(&["chose_to_stop", "no_contact_after_attempts"])),
            Some(end),
        ),
    };
    episode.push(
        b,
        pi,
        status,
        Some(worker),
        None,
        closure,
        closed,
        SNOMED_REFERRAL,
    );
    let Some(first) = first_attended else {
        return;
    };
    let finished = closed.unwrap_or(today);
    let goals_met = closure == Some("goals_met");
    let e = Engaged {
        programme_id,
        ri,
        worker,
        first,
        last_seen,
        attended,
        finished,
        goals_met,
        closed,
        reasons: &reasons,
        practice,
        all,
    };
    engaged_casework(rng, b, &e);
}

/// Up to three contact attempts from a few days after `received`: the day the
/// person was reached (with their consent to be contacted), if they were,
/// and the day of the last attempt.
fn contact_attempts(
    rng: &mut Rng,
    b: &mut Batch,
    ri: usize,
    programme_id: i64,
    worker: i64,
    received: NaiveDate,
    today: NaiveDate,
) -> (Option<NaiveDate>, NaiveDate) {
    let r = received;
    let mut day = working_day(r + Duration::days(rng.range(1, 4)));
    let unreachable = rng.chance(0.08);
    let mut reached = None;
    for attempt in 0..3 {
        if day > today {
            break;
        }
        let ok = !unreachable && (attempt > 0 || rng.chance(0.8));
        let method = *weighted(
            rng,
            &[
                ("phone", 70),
                ("text", 15),
                ("letter", 10),
                ("in_person", 5),
            ],
        );
        b.attempts.push((
            ri,
            row![
                at(day, rng),
                method,
                if ok { "reached" } else { "no_answer" },
                None::<String>,
                Some(worker)
            ],
        ));
        if ok {
            reached = Some(day);
            b.consents.push((
                ri,
                row![
                    programme_id,
                    "contact",
                    None::<String>,
                    Some(worker),
                    at(day, rng)
                ],
            ));
            break;
        }
        day = working_day(day + Duration::days(rng.range(2, 5)));
    }
    (reached, day)
}

/// What the appointments of an episode came to.
struct Seen {
    first_attended: Option<NaiveDate>,
    attended: i32,
    last_seen: NaiveDate,
    /// An appointment is booked in the future.
    booked_ahead: bool,
}

/// Appointments weekly to monthly from soon after the person was reached,
/// with their outcomes; the first one after `now` is booked.
#[allow(clippy::too_many_arguments)]
fn appointments(
    rng: &mut Rng,
    b: &mut Batch,
    ri: usize,
    programme_id: i64,
    site_id: i64,
    worker: i64,
    reached: NaiveDate,
    now: DateTime<Utc>,
) -> Seen {
    let planned = rng.range(1, 8);
    let mut day = working_day(reached + Duration::days(rng.range(3, 14)));
    let mut first_attended: Option<NaiveDate> = None;
    let mut attended = 0;
    let mut last_seen = reached;
    let mut booked_ahead = false;
    for _ in 0..planned {
        let when = at(day, rng);
        let mode = *weighted(rng, &MODES);
        let status = if when > now {
            booked_ahead = true;
            "booked"
        } else {
            *weighted(rng, &OUTCOMES)
        };
        if status == "attended" {
            attended += 1;
            last_seen = day;
            first_attended.get_or_insert(day);
        }
        b.appointments.push((
            ri,
            row![
                programme_id,
                site_id,
                Some(worker),
                when,
                *rng.pick(&[30i64, 45, 45, 60]),
                mode,
                status,
                when,
            ],
        ));
        if when > now {
            break;
        }
        day = working_day(day + Duration::days(rng.range(7, 28)));
    }
    Seen {
        first_attended,
        attended,
        last_seen,
        booked_ahead,
    }
}

/// What the case work of an engaged episode is made from.
struct Engaged<'a> {
    programme_id: i64,
    /// The referral's index in the batch.
    ri: usize,
    worker: i64,
    /// The first attended appointment, and the last time the person was seen.
    first: NaiveDate,
    last_seen: NaiveDate,
    attended: i32,
    /// When the episode closed, or today if it is still open.
    finished: NaiveDate,
    goals_met: bool,
    closed: Option<NaiveDate>,
    reasons: &'a [&'a str],
    practice: &'a Practice,
    all: &'a [&'a Practice],
}

/// The case work of someone who engaged: notes, needs with their history,
/// goals, onward support, wellbeing measures, now and then a risk flag or a
/// handover from another practice.
fn engaged_casework(rng: &mut Rng, b: &mut Batch, e: &Engaged) {
    let Engaged {
        programme_id,
        ri,
        worker,
        first,
        last_seen,
        attended,
        finished,
        goals_met,
        closed,
        reasons,
        practice,
        all,
    } = *e;
    // Notes: the first conversation, and some later ones.
    let when = at(first, rng);
    b.notes
        .push((ri, note_row(rng, programme_id, worker, when)));
    for _ in 1..attended {
        if rng.chance(0.35) {
            let d = first + Duration::days(rng.range(1, (last_seen - first).num_days().max(1)));
            let when = at(d, rng);
            b.notes
                .push((ri, note_row(rng, programme_id, worker, when)));
        }
    }
    // Needs, with their history.
    for need in reasons {
        let mut history = vec![row![
            Value::I64(0),
            "identified",
            Some(worker),
            at(first, rng)
        ]];
        let mut status = "identified";
        if attended > 1 {
            status = "being_addressed";
            history.push(row![
                Value::I64(0),
                status,
                Some(worker),
                at(first + Duration::days(14), rng)
            ]);
        }
        if closed.is_some() {
            status = *weighted(
                rng,
                &[
                    ("resolved", 55),
                    ("unresolved", 25),
                    ("being_addressed", 20),
                ],
            );
            if status != "being_addressed" {
                history.push(row![Value::I64(0), status, Some(worker), at(finished, rng)]);
            }
        }
        let last = match history.last().and_then(|h| h.get(3)) {
            Some(Value::Time(t)) => *t,
            _ => at(first, rng),
        };
        b.needs.push((
            ri,
            row![programme_id, *need, status, at(first, rng), last],
            history,
        ));
    }
    // Goals in the person's own words.
    for _ in 0..rng.range(1, 2) {
        let words = *rng.pick(&GOALS);
        let status = if goals_met {
            "achieved"
        } else if closed.is_some() {
            *weighted(
                rng,
                &[("some_progress", 50), ("set_aside", 30), ("achieved", 20)],
            )
        } else {
            *weighted(rng, &[("working_on", 60), ("some_progress", 40)])
        };
        let mut reviews = Vec::new();
        if attended >= 3 {
            reviews.push(row![
                Value::I64(0),
                status,
                None::<String>,
                Some(worker),
                at(finished, rng)
            ]);
        }
        b.goals.push((
            ri,
            row![
                programme_id,
                words,
                status,
                Some(worker),
                at(first, rng),
                at(finished, rng)
            ],
            reviews,
        ));
    }
    // Onward support, matched to the reasons.
    for (_, service) in SERVICES.iter().filter(|(r, _)| reasons.contains(r)) {
        if !rng.chance(0.6) {
            continue;
        }
        let kind = *weighted(
            rng,
            &[("referral", 55), ("signposting", 35), ("accompanied", 10)],
        );
        let status = if closed.is_some() {
            *weighted(
                rng,
                &[
                    ("attended", 55),
                    ("accepted", 15),
                    ("declined", 10),
                    ("no_response", 20),
                ],
            )
        } else {
            *weighted(
                rng,
                &[("suggested", 30), ("referred", 50), ("accepted", 20)],
            )
        };
        b.onward.push((
            ri,
            row![
                programme_id,
                kind,
                *service,
                status,
                Some(worker),
                at(first, rng),
                at(finished, rng)
            ],
        ));
    }
    // Wellbeing: SWEMWBS at the start for most, and at the end for many;
    // most people feel better.
    if rng.chance(0.8) {
        let base: Vec<i64> = (0..7).map(|_| rng.range(1, 4)).collect();
        b.measures.push((
            ri,
            measure_row(programme_id, worker, "baseline", first, &base, rng),
        ));
        if closed.is_some() && attended >= 2 && rng.chance(0.65) {
            let lift = if goals_met { 2 } else { 1 };
            let exit: Vec<i64> = base
                .iter()
                .map(|x| (x + rng.range(-1, lift)).clamp(1, 5))
                .collect();
            b.measures.push((
                ri,
                measure_row(programme_id, worker, "exit", finished, &exit, rng),
            ));
        }
    }
    // ONS4 beside it for many (life satisfaction, worthwhile, happy,
    // anxious), from a random stream of its own so that adding it left the
    // rest of the demo as it was.
    let mut own = Rng::new(first.num_days_from_ce() as u64 * 7919 + ri as u64 + worker as u64);
    if own.chance(0.6) {
        let base: Vec<i64> = vec![
            own.range(2, 7),
            own.range(3, 8),
            own.range(2, 7),
            own.range(3, 9),
        ];
        b.measures.push((
            ri,
            ons4_row(programme_id, worker, "baseline", first, &base, &mut own),
        ));
        if let Some(end) = closed.filter(|_| attended >= 2 && own.chance(0.6)) {
            let lift = if goals_met { 3 } else { 2 };
            let exit: Vec<i64> = base
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let d = own.range(-1, lift);
                    (if i == 3 { x - d } else { x + d }).clamp(0, 10)
                })
                .collect();
            b.measures.push((
                ri,
                ons4_row(programme_id, worker, "exit", end, &exit, &mut own),
            ));
        }
    }
    // A small share of risk flags.
    if rng.chance(0.04) {
        let kind = *weighted(rng, &RISKS);
        b.flags.push((
            ri,
            row![
                programme_id,
                kind,
                None::<String>,
                Some(first + Duration::days(28)),
                Some(worker),
                at(first, rng),
                closed.map(|d| at(d, rng)),
                closed.map(|_| worker),
            ],
        ));
    }
    // And a few people who moved here from another practice.
    if all.len() > 1 && rng.chance(0.01) {
        let from = all[rng.below(all.len() as u64) as usize];
        if from.site_id != practice.site_id {
            b.handovers.push((
                ri,
                row![
                    programme_id,
                    from.site_id,
                    practice.site_id,
                    Some(*rng.pick(&from.workers)),
                    worker,
                    "Moved into the area. Was working on money and getting out more; doing well with the walking group.",
                    at(first, rng),
                    Some(at(first + Duration::days(2), rng)),
                ],
            ));
        }
    }
}

/// What every referral row of one episode shares.
struct Episode<'a> {
    programme_id: i64,
    site_id: i64,
    name: &'a str,
    dob: Option<NaiveDate>,
    chi: &'a Option<String>,
    source: &'a str,
    received: NaiveDate,
    urgency: &'a str,
    reasons: &'a [&'a str],
    created: DateTime<Utc>,
}

impl Episode<'_> {
    /// Add the referral row, where the episode ended up, for person `pi`.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        b: &mut Batch,
        pi: usize,
        status: &str,
        worker: Option<i64>,
        decline: Option<String>,
        closure: Option<&str>,
        closed: Option<NaiveDate>,
        snomed: &str,
    ) {
        let ri = b.referrals.len();
        for r in self.reasons {
            b.referral_reasons
                .push((ri, self.programme_id, (*r).to_owned()));
        }
        b.referral_person.push(pi);
        b.referrals.push(row![
            self.programme_id,
            self.site_id,
            self.name,
            self.dob,
            self.chi.clone(),
            self.source,
            self.received,
            self.urgency,
            self.reasons.join(","),
            status,
            worker,
            decline,
            closure.map(str::to_owned),
            closed,
            snomed,
            self.created,
            closed
                .map(|d| d.and_time(NaiveTime::MIN).and_utc())
                .unwrap_or(self.created),
        ]);
    }
}

fn note_row(rng: &mut Rng, programme_id: i64, worker: i64, when: DateTime<Utc>) -> Vec<Value> {
    row![
        programme_id,
        Some(worker),
        rng.chance(0.05),
        *rng.pick(&NOTES),
        when,
        when
    ]
}

fn measure_row(
    programme_id: i64,
    worker: i64,
    stage: &str,
    on: NaiveDate,
    items: &[i64],
    rng: &mut Rng,
) -> Vec<Value> {
    let raw: i64 = items.iter().sum();
    let answers = items
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let score = swemwbs_metric(raw as u8).unwrap_or(0.0);
    row![
        programme_id,
        "swemwbs",
        stage,
        on,
        answers,
        score,
        Some(worker),
        at(on, rng)
    ]
}

/// An ONS4 row: the score is life satisfaction (0 to 10).
fn ons4_row(
    programme_id: i64,
    worker: i64,
    stage: &str,
    on: NaiveDate,
    items: &[i64],
    rng: &mut Rng,
) -> Vec<Value> {
    let answers = items
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",");
    row![
        programme_id,
        "ons4",
        stage,
        on,
        answers,
        items.first().copied().unwrap_or(0) as f64,
        Some(worker),
        at(on, rng)
    ]
}

/// Put one practice's rows in, parents first, each child with its parent's id.
async fn write(tx: &mut Tx, b: Batch) -> Result<HistoryCounts> {
    let person_ids = bulk::insert(tx, &bulk::PARTICIPANTS, &b.people).await?;
    let referrals: Vec<Vec<Value>> = b
        .referrals
        .into_iter()
        .zip(&b.referral_person)
        .map(|(mut r, p)| {
            r.insert(3, Value::OptI64(Some(person_ids[*p])));
            r
        })
        .collect();
    let referral_ids = bulk::insert(tx, &bulk::REFERRALS, &referrals).await?;
    let reason_rows: Vec<Vec<Value>> = b
        .referral_reasons
        .iter()
        .map(|(ri, p, code)| row![referral_ids[*ri], *p, code.as_str()])
        .collect();
    bulk::insert_plain(tx, &bulk::REFERRAL_REASONS, &reason_rows).await?;
    let person_of = |ri: usize| person_ids[b.referral_person[ri]];
    // Rows keyed by referral: the referral id goes first (after programme, if any).
    let by_referral = |rows: Vec<(usize, Vec<Value>)>, at: usize| -> Vec<Vec<Value>> {
        rows.into_iter()
            .map(|(ri, mut r)| {
                r.insert(at, Value::I64(referral_ids[ri]));
                r
            })
            .collect()
    };
    let by_person = |rows: Vec<(usize, Vec<Value>)>| -> Vec<Vec<Value>> {
        rows.into_iter()
            .map(|(ri, mut r)| {
                r.insert(1, Value::I64(person_of(ri)));
                r
            })
            .collect()
    };
    bulk::insert(tx, &bulk::CONTACT_ATTEMPTS, &by_referral(b.attempts, 0)).await?;
    let appointments = by_referral(b.appointments, 1);
    let n_appointments = appointments.len();
    let appointments: Vec<Vec<Value>> = appointments
        .into_iter()
        .map(|mut r| {
            let created = r[8].clone();
            r.push(created);
            r
        })
        .collect();
    bulk::insert(tx, &bulk::APPOINTMENTS, &appointments).await?;
    bulk::insert(tx, &bulk::HANDOVERS, &by_referral(b.handovers, 1)).await?;
    bulk::insert(tx, &bulk::NOTES, &by_person(b.notes)).await?;
    bulk::insert(tx, &bulk::CONSENTS, &by_person(b.consents)).await?;
    bulk::insert(tx, &bulk::MEASURES, &by_person(b.measures)).await?;
    bulk::insert(tx, &bulk::RISK_FLAGS, &by_person(b.flags)).await?;
    bulk::insert(tx, &bulk::ONWARD_SUPPORT, &by_person(b.onward)).await?;
    // Needs and goals, then their histories with the new ids.
    let (need_rows, need_history): (Vec<_>, Vec<_>) =
        b.needs.into_iter().map(|(ri, r, h)| ((ri, r), h)).unzip();
    with_history(
        tx,
        &bulk::NEEDS,
        by_person(need_rows),
        &bulk::NEED_UPDATES,
        need_history,
    )
    .await?;
    let (goal_rows, goal_history): (Vec<_>, Vec<_>) =
        b.goals.into_iter().map(|(ri, r, h)| ((ri, r), h)).unzip();
    with_history(
        tx,
        &bulk::GOALS,
        by_person(goal_rows),
        &bulk::GOAL_REVIEWS,
        goal_history,
    )
    .await?;
    Ok(HistoryCounts {
        participants: person_ids.len(),
        referrals: referral_ids.len(),
        appointments: n_appointments,
    })
}

/// Insert parent rows, then their history rows with each parent's new id in
/// the history row's first column.
async fn with_history(
    tx: &mut Tx,
    table: &bulk::Table,
    parents: Vec<Vec<Value>>,
    child: &bulk::Table,
    history: Vec<Vec<Vec<Value>>>,
) -> Result<()> {
    let ids = bulk::insert(tx, table, &parents).await?;
    let rows: Vec<Vec<Value>> = ids
        .iter()
        .zip(history)
        .flat_map(|(id, h)| {
            h.into_iter().map(move |mut r| {
                r[0] = Value::I64(*id);
                r
            })
        })
        .collect();
    bulk::insert(tx, child, &rows).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointments_fall_on_working_days_in_working_hours() {
        let mut rng = Rng::new(5);
        for d in 0..60 {
            let day = working_day(
                NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default() + Duration::days(d),
            );
            assert!(!matches!(day.weekday(), Weekday::Sat | Weekday::Sun));
            let t = at(day, &mut rng);
            let hm =
                |h, m| london_instant(day, NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default());
            assert!(Ok(t) >= hm(9, 0) && Ok(t) <= hm(16, 30), "{t}");
        }
    }

    #[test]
    fn outcomes_follow_their_weights() {
        let mut rng = Rng::new(9);
        let n = 20_000;
        let attended = (0..n)
            .filter(|_| *weighted(&mut rng, &OUTCOMES) == "attended")
            .count();
        let share = attended as f64 / n as f64;
        assert!((0.70..0.74).contains(&share), "{share}");
    }
}
