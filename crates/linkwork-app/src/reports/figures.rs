//! Counting the figures from the rows: every definition is here, in one
//! place, and written down in `docs/REPORTING.md` under the measure's name
//! (the names are stable: the CSV and the API use them).

use crate::Result;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use linkwork_domain::Grant;
use linkwork_domain::appointment::{london_date, london_instant};
use linkwork_domain::report::{Period, median_of, percentile_of, trend_span};
use linkwork_store::Tx;
use linkwork_store::reports::{
    self as store, AppointmentRow, CaseCount, ChangeRow, CountRow, HandoverRow, MonthRow,
    PersonEventRow, ReopenRow, Scope,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A SWEMWBS metric score change of at least this many points counts as an
/// improvement: Warwick Medical School's guidance on using (S)WEMWBS, after
/// Shah et al. (2018), who put the minimal important difference for
/// SWEMWBS at 1 to 3 points; the top of that range is the cautious choice.
pub const SWEMWBS_IMPROVED: f64 = 3.0;

/// How a figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Days,
    /// A mean or other number with decimals.
    Number,
    /// Money, in pounds.
    Pounds,
}

/// One figure, for the period and the one before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable name (CSV, API, docs).
    pub measure: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
}

/// A count split by something (reason, source, category…).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// Stable name: rows are `{measure}.{key}` in the CSV.
    pub measure: &'static str,
    pub title: &'static str,
    pub rows: Vec<BreakdownRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    pub key: String,
    pub label: String,
    pub value: i64,
    pub previous: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub title: &'static str,
    pub figures: Vec<Figure>,
    pub breakdowns: Vec<Breakdown>,
}

/// The counts that add up across practices, for one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteCounts {
    pub site_id: i64,
    pub name: String,
    pub code: String,
    /// In the order of [`ADDITIVE`].
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub sections: Vec<Section>,
    /// The additive counts of the period by practice (and any other site
    /// where something was counted): they add up to the figures above.
    pub by_site: Vec<SiteCounts>,
    /// Each paired person's ONS4 life satisfaction change, in the period
    /// and the one before (the social value estimate's input).
    #[serde(skip)]
    pub life_satisfaction: [Vec<f64>; 2],
    /// Month by month, for the chart over time (`trend_span`).
    pub months: Vec<MonthCounts>,
}

/// What happened in one UK month of the chart over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthCounts {
    /// The month's first day.
    pub month: NaiveDate,
    pub referrals_received: i64,
    pub appointments_attended: i64,
    pub cases_closed: i64,
}

/// Every month of the span with its counts (zero when nothing happened).
fn months(rows: &[MonthRow], span: (NaiveDate, NaiveDate)) -> Vec<MonthCounts> {
    use chrono::{Datelike, Months};
    let mut out = Vec::new();
    let mut m = span.0.with_day(1).unwrap_or(span.0);
    while m <= span.1 {
        let key = m.format("%Y-%m").to_string();
        let n = |what: &str| {
            rows.iter()
                .filter(|r| r.what == what && r.month == key)
                .map(|r| r.n)
                .sum()
        };
        out.push(MonthCounts {
            month: m,
            referrals_received: n("referrals"),
            appointments_attended: n("attended"),
            cases_closed: n("closed"),
        });
        let Some(next) = m.checked_add_months(Months::new(1)) else {
            break;
        };
        m = next;
    }
    out
}

impl Figures {
    /// Every figure, by its measure name.
    pub fn figure(&self, measure: &str) -> Option<&Figure> {
        self.sections
            .iter()
            .flat_map(|s| &s.figures)
            .find(|f| f.measure == measure)
    }

    pub fn breakdown(&self, measure: &str) -> Option<&Breakdown> {
        self.sections
            .iter()
            .flat_map(|s| &s.breakdowns)
            .find(|b| b.measure == measure)
    }

    /// One row per measure: (`measure`, value, previous, unit), breakdowns
    /// as `{measure}.{key}` (counts).
    pub fn rows(&self) -> Vec<(String, Option<f64>, Option<f64>, Unit)> {
        let mut out = Vec::new();
        for s in &self.sections {
            for f in &s.figures {
                out.push((f.measure.to_owned(), f.value, f.previous, f.unit));
            }
            for b in &s.breakdowns {
                for r in &b.rows {
                    out.push((
                        format!("{}.{}", b.measure, r.key),
                        Some(r.value as f64),
                        Some(r.previous as f64),
                        Unit::Count,
                    ));
                }
            }
        }
        out
    }
}

/// The measures that are counts of things each counted at one site, so
/// that the sites' counts add up to the whole.
pub const ADDITIVE: [(&str, &str); 25] = [
    ("referrals_received", "Referrals received"),
    ("new_people", "New people"),
    ("appointments_booked", "Appointments due"),
    ("appointments_attended", "Appointments attended"),
    ("appointments_did_not_attend", "Did not attend"),
    ("appointments_cancelled", "Cancelled"),
    ("open_cases", "Open cases at the end"),
    ("cases_closed", "Cases closed"),
    ("cases_reopened", "Cases reopened"),
    ("handovers", "Handovers"),
    ("needs_identified", "Needs identified"),
    ("onward_referrals", "Onward referrals"),
    ("signposting", "Signposting"),
    ("onward_taken_up", "Onward support taken up"),
    ("goals_achieved", "Goals achieved"),
    (
        "referrals_from_deep_end",
        "Referrals from Deep End practices",
    ),
    (
        "swemwbs_people_paired",
        "People with a SWEMWBS baseline and a later score",
    ),
    ("group_attendances", "Attendances at groups"),
    ("group_people", "People who came to a group"),
    ("courses_completed", "Courses completed"),
    ("practice_activities", "Practice development activities"),
    (
        "practice_activity_attendance",
        "Staff at practice development activities",
    ),
    ("vouchers_issued", "Vouchers issued"),
    (
        "onward_answered_by_partners",
        "Onward referrals answered by partners",
    ),
    (
        "referrals_from_partners",
        "Referrals from partner organisations",
    ),
];

fn slot(measure: &str) -> usize {
    ADDITIVE
        .iter()
        .position(|(m, _)| *m == measure)
        .unwrap_or(0)
}

/// The rows of both periods.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Counted by dimension, side of the current period's start, site and
    /// key ([`store::referral_counts`]).
    pub referrals: Vec<CountRow>,
    pub appointments: Vec<AppointmentRow>,
    pub cases: Vec<CaseCount>,
    pub reopenings: Vec<ReopenRow>,
    pub handovers: Vec<HandoverRow>,
    pub needs: Vec<PersonEventRow>,
    pub onward: Vec<PersonEventRow>,
    pub goals: Vec<PersonEventRow>,
    /// Groups, practice development, vouchers and partners
    /// ([`store::wider_work`]).
    pub wider: Vec<CountRow>,
    /// Wellbeing changes of the current period, and of the one before.
    pub measures: [Vec<ChangeRow>; 2],
    pub practices: Vec<store::PracticeRow>,
    /// Month by month over `trend_span` of the current period.
    pub months: Vec<MonthRow>,
    /// Months of the whole programme's counts counted afresh, to be kept
    /// as pieces ([`store::keep_pieces`]).
    pub keep: Vec<(store::Part, Vec<i64>)>,
    /// Periods (first and last day) whose wellbeing changes were counted
    /// afresh, to be kept ([`store::keep_measure_changes`]).
    pub keep_measures: Vec<(NaiveDate, NaiveDate)>,
    /// Periods whose wider work was counted afresh, to be kept
    /// ([`store::keep_wider_work`]).
    pub keep_wider: Vec<(NaiveDate, NaiveDate)>,
    /// Months at whose end the open cases were counted afresh, to be kept
    /// ([`store::keep_open_cases`]).
    pub keep_open: Vec<i64>,
}

/// The first instant of a UK day.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    // Midnight always exists in the UK (the clocks change at 1 and 2 am).
    london_instant(d, NaiveTime::MIN).unwrap_or_else(|_| d.and_time(NaiveTime::MIN).and_utc())
}

/// A period as instants: from its first UK midnight to the one after its
/// last day (a day when the clocks change is 23 or 25 hours long).
pub fn instants(p: Period) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        day_start(p.first),
        day_start(p.last.succ_opt().unwrap_or(p.last)),
    )
}

/// Logs how long each read of the figures took
/// (`LINKWORK_LOG=linkwork_app=debug`).
struct Lap(std::time::Instant);

impl Lap {
    fn new() -> Lap {
        Lap(std::time::Instant::now())
    }
    fn lap(&mut self, what: &str) {
        tracing::debug!(
            what,
            ms = self.0.elapsed().as_secs_f64() * 1e3,
            "figures read"
        );
        self.0 = std::time::Instant::now();
    }
}

impl Rows {
    /// The rows of the figures, read on `tx`, or on `tx` and `twin` side by
    /// side (a second transaction seeing the same data, on another
    /// connection: two cores count at once), each taking about half of the
    /// work.
    pub async fn read(
        tx: &mut Tx,
        twin: Option<&mut Tx>,
        g: &Grant,
        scope: Scope,
        cur: Period,
        prev: Period,
    ) -> Result<Rows> {
        let (one, two) = match twin {
            Some(twin) => {
                let (a, b) = tokio::join!(
                    rows_one(tx, g, scope, cur, prev),
                    rows_two(twin, g, scope, cur, prev)
                );
                (a?, b?)
            }
            None => (
                rows_one(tx, g, scope, cur, prev).await?,
                rows_two(tx, g, scope, cur, prev).await?,
            ),
        };
        Ok(Rows {
            appointments: two.appointments,
            wider: two.wider,
            measures: two.measures,
            practices: two.practices,
            months: two.months,
            keep: [one.keep.clone(), two.keep].concat(),
            keep_measures: two.keep_measures,
            keep_wider: two.keep_wider,
            ..one
        })
    }
}

/// The days both periods cover, as days and as instants, and the current
/// period's first instant (events are counted in the database on each
/// side of it).
struct Span {
    first: NaiveDate,
    last: NaiveDate,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
    split: DateTime<Utc>,
}

impl Span {
    fn of(cur: Period, prev: Period) -> Span {
        let (first, last) = (prev.first.min(cur.first), cur.last.max(prev.last));
        let (from, before) = instants(Period { first, last, ..cur });
        Span {
            first,
            last,
            from,
            before,
            split: instants(cur).0,
        }
    }
}

/// The referrals' dimensions, cases, reopenings, handovers, onward
/// support, goals and needs (about half of the work: the months of a long
/// period's referrals, onward support and needs weigh most).
async fn rows_one(tx: &mut Tx, g: &Grant, scope: Scope, cur: Period, prev: Period) -> Result<Rows> {
    let Span {
        first,
        last,
        from,
        before,
        split,
    } = Span::of(cur, prev);
    let mut lap = Lap::new();
    let (referrals, referral_months) =
        store::referral_counts(tx, g, scope, first, last, cur.first).await?;
    lap.lap("referrals");
    let (cases, case_months) = store::case_counts(
        tx,
        g,
        scope,
        [(cur.first, cur.last), (prev.first, prev.last)],
    )
    .await?;
    lap.lap("cases");
    let reopenings = store::reopenings(tx, g, scope, from, before).await?;
    lap.lap("reopenings");
    let handovers = store::handovers(tx, g, scope, from, before).await?;
    lap.lap("handovers");
    let days = (first, last, cur.first);
    let (onward, onward_months) =
        store::person_events(tx, g, scope, "onward", days, (from, before, split)).await?;
    lap.lap("onward");
    let (goals, goal_months) =
        store::person_events(tx, g, scope, "goals", days, (from, before, split)).await?;
    lap.lap("goals");
    let (needs, need_months) =
        store::person_events(tx, g, scope, "needs", days, (from, before, split)).await?;
    lap.lap("needs");
    let keep = vec![
        (store::Part::Referrals, referral_months),
        (store::Part::Onward, onward_months),
        (store::Part::Goals, goal_months),
        (store::Part::Closed, case_months.closed),
        (store::Part::Needs, need_months),
    ];
    Ok(Rows {
        referrals,
        keep,
        keep_open: case_months.open,
        cases,
        reopenings,
        handovers,
        onward,
        goals,
        needs,
        ..Rows::default()
    })
}

/// Appointments, the wider work, wellbeing changes, practices and the
/// months over time (the other half).
async fn rows_two(tx: &mut Tx, g: &Grant, scope: Scope, cur: Period, prev: Period) -> Result<Rows> {
    let Span {
        first,
        last,
        from,
        before,
        split,
    } = Span::of(cur, prev);
    let mut lap = Lap::new();
    let (appointments, appointment_months) = store::appointments(
        tx,
        g,
        scope,
        (first, last, cur.first),
        (from, before, split),
    )
    .await?;
    lap.lap("appointments");
    let (wider, keep_wider) = store::wider_work(
        tx,
        g,
        scope,
        (first, last, cur.first),
        (from, before, split),
    )
    .await?;
    lap.lap("wider work");
    let (now, keep_now) = store::measure_changes(tx, g, scope, cur.first, cur.last).await?;
    let (before_, keep_before) =
        store::measure_changes(tx, g, scope, prev.first, prev.last).await?;
    let measures = [now, before_];
    let keep_measures = [(cur, keep_now), (prev, keep_before)]
        .into_iter()
        .filter(|(_, keep)| *keep)
        .map(|(p, _)| (p.first, p.last))
        .collect();
    lap.lap("measures");
    let practices = store::practices(tx, g, scope).await?;
    lap.lap("practices");
    let trend = trend_span(cur);
    let trend_instants = instants(Period {
        first: trend.0,
        last: trend.1,
        ..cur
    });
    let (months, trend_months) = store::by_month(tx, g, scope, trend, trend_instants).await?;
    lap.lap("months");
    let mut keep = vec![(store::Part::Appointments, appointment_months)];
    keep.extend(trend_months);
    Ok(Rows {
        appointments,
        keep,
        months,
        keep_measures,
        keep_wider,
        wider,
        measures,
        practices,
        ..Rows::default()
    })
}

/// Names for codes and ids.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub reasons: HashMap<String, String>,
    pub sites: HashMap<i64, (String, String)>,
    pub users: HashMap<i64, String>,
}

impl Names {
    pub async fn read(tx: &mut Tx, g: &Grant) -> Result<Names> {
        let reasons = linkwork_store::reasons::list(tx, g)
            .await?
            .into_iter()
            .map(|r| (r.code, r.label))
            .collect();
        let (sites, users) = store::names(tx, g).await?;
        Ok(Names {
            reasons,
            sites: sites.into_iter().map(|(id, n, c)| (id, (n, c))).collect(),
            users: users.into_iter().collect(),
        })
    }
}

/// Age bands for who is reached.
pub(crate) const AGE_BANDS: [(&str, &str, i32); 8] = [
    ("under_18", "Under 18", 18),
    ("18_24", "18 to 24", 25),
    ("25_34", "25 to 34", 35),
    ("35_44", "35 to 44", 45),
    ("45_54", "45 to 54", 55),
    ("55_64", "55 to 64", 65),
    ("65_74", "65 to 74", 75),
    ("75_plus", "75 and over", i32::MAX),
];

/// The band of an age in whole years (counted in the database).
fn age_band(age: Option<i64>) -> &'static str {
    let Some(age) = age.map(|a| a.clamp(0, i32::MAX as i64) as i32) else {
        return "unknown";
    };
    AGE_BANDS
        .iter()
        .find(|(_, _, below)| age < *below)
        .map_or("unknown", |(k, _, _)| k)
}

fn in_period(p: Period, at: DateTime<Utc>) -> bool {
    p.contains(london_date(at))
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

fn one_dp(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A breakdown from (key, label) counts of both periods, largest first
/// (or in the order of `order` when given).
fn breakdown(
    measure: &'static str,
    title: &'static str,
    cur: &BTreeMap<String, i64>,
    prev: &BTreeMap<String, i64>,
    label: impl Fn(&str) -> String,
    order: Option<&[&str]>,
) -> Breakdown {
    let mut keys: Vec<&String> = cur.keys().chain(prev.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut rows: Vec<BreakdownRow> = keys
        .into_iter()
        .map(|k| BreakdownRow {
            key: k.clone(),
            label: label(k),
            value: cur.get(k).copied().unwrap_or(0),
            previous: prev.get(k).copied().unwrap_or(0),
        })
        .collect();
    match order {
        Some(o) => rows.sort_by_key(|r| o.iter().position(|k| *k == r.key).unwrap_or(usize::MAX)),
        None => rows.sort_by(|a, b| {
            b.value
                .cmp(&a.value)
                .then(b.previous.cmp(&a.previous))
                .then(a.key.cmp(&b.key))
        }),
    }
    Breakdown {
        measure,
        title,
        rows,
    }
}

const SIMD_ORDER: [&str; 11] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "unknown"];

fn simd_label(k: &str, of: i64) -> String {
    match k {
        "1" => "1 (most deprived)".to_owned(),
        "unknown" => "Not known (no postcode, or not in the lookup)".to_owned(),
        k if k == of.to_string() => format!("{k} (least deprived)"),
        k => k.to_owned(),
    }
}

/// What one period counts.
#[derive(Debug, Default)]
struct Tally {
    by_site: BTreeMap<i64, [i64; ADDITIVE.len()]>,
    /// Days to first contact and to first attended appointment, with how
    /// many referrals took each.
    contact_days: BTreeMap<i64, i64>,
    attended_days: BTreeMap<i64, i64>,
    workers_with_cases: HashSet<i64>,
    reasons: BTreeMap<String, i64>,
    sources: BTreeMap<String, i64>,
    ages: BTreeMap<String, i64>,
    simd_deciles: BTreeMap<String, i64>,
    simd_quintiles: BTreeMap<String, i64>,
    sexes: BTreeMap<String, i64>,
    closures: BTreeMap<String, i64>,
    caseloads: BTreeMap<String, i64>,
    needs: BTreeMap<String, i64>,
    onward_status: BTreeMap<String, i64>,
    onward_category: BTreeMap<String, i64>,
    onward_organization: BTreeMap<String, i64>,
    swemwbs_changes: Vec<f64>,
    ons4_changes: Vec<f64>,
    group_sessions: BTreeMap<String, i64>,
    group_others: i64,
    group_attendances: BTreeMap<String, i64>,
    practice_activities: BTreeMap<String, i64>,
    vouchers: BTreeMap<String, i64>,
    voucher_pence: i64,
    partner_answers: BTreeMap<String, i64>,
    partner_referrals: BTreeMap<String, i64>,
}

impl Tally {
    fn add(&mut self, site: i64, measure: &str) {
        self.add_n(site, measure, 1);
    }

    fn add_n(&mut self, site: i64, measure: &str, n: i64) {
        self.by_site.entry(site).or_insert([0; ADDITIVE.len()])[slot(measure)] += n;
    }

    fn total(&self, measure: &str) -> i64 {
        let i = slot(measure);
        self.by_site.values().map(|c| c[i]).sum()
    }
}

fn bump_n(map: &mut BTreeMap<String, i64>, key: &str, n: i64) {
    *map.entry(key.to_owned()).or_insert(0) += n;
}

/// What period `p` counts: the current one (`current`), or the one before.
fn tally(rows: &Rows, names: &Names, p: Period, current: bool) -> Tally {
    let mut t = Tally::default();
    let side = i64::from(current);
    for r in rows.referrals.iter().filter(|r| r.side == side) {
        let key = r.key.as_deref();
        let number = key.and_then(|k| k.parse::<i64>().ok());
        match r.dim.as_str() {
            "site" => {
                let key = key.unwrap_or("");
                t.add_n(r.site_id, "referrals_received", r.n);
                if key.starts_with("new") {
                    t.add_n(r.site_id, "new_people", r.n);
                }
                if key.ends_with(":deep") {
                    t.add_n(r.site_id, "referrals_from_deep_end", r.n);
                }
            }
            "source" => bump_n(&mut t.sources, key.unwrap_or(""), r.n),
            "reason" => bump_n(&mut t.reasons, key.unwrap_or(""), r.n),
            "sex" => bump_n(
                &mut t.sexes,
                key.filter(|s| !s.is_empty()).unwrap_or("not_recorded"),
                r.n,
            ),
            "age" => bump_n(&mut t.ages, age_band(number), r.n),
            "simd" => match number {
                Some(d) => {
                    bump_n(&mut t.simd_deciles, &d.to_string(), r.n);
                    bump_n(&mut t.simd_quintiles, &((d + 1) / 2).to_string(), r.n);
                }
                None => {
                    bump_n(&mut t.simd_deciles, "unknown", r.n);
                    bump_n(&mut t.simd_quintiles, "unknown", r.n);
                }
            },
            "contact" | "attended" => {
                if let Some(days) = number {
                    let map = if r.dim == "contact" {
                        &mut t.contact_days
                    } else {
                        &mut t.attended_days
                    };
                    *map.entry(days.max(0)).or_insert(0) += r.n;
                }
            }
            _ => {}
        }
    }
    for a in rows.appointments.iter().filter(|a| a.side == side) {
        t.add_n(a.site_id, "appointments_booked", a.n);
        match a.status.as_str() {
            "attended" => t.add_n(a.site_id, "appointments_attended", a.n),
            "did_not_attend" => t.add_n(a.site_id, "appointments_did_not_attend", a.n),
            s if s.starts_with("cancelled") => t.add_n(a.site_id, "appointments_cancelled", a.n),
            _ => {}
        }
    }
    for c in &rows.cases {
        let (open, closed) = if current {
            (c.open_now, c.closed_now)
        } else {
            (c.open_before, c.closed_before)
        };
        if open == 1 {
            t.add_n(c.site_id, "open_cases", c.n);
            if let Some(w) = c.link_worker_id {
                t.workers_with_cases.insert(w);
                let name = names
                    .users
                    .get(&w)
                    .cloned()
                    .unwrap_or_else(|| format!("#{w}"));
                bump_n(&mut t.caseloads, &name, c.n);
            }
        }
        if closed == 1 {
            t.add_n(c.site_id, "cases_closed", c.n);
            bump_n(
                &mut t.closures,
                c.closure_reason.as_deref().unwrap_or("other"),
                c.n,
            );
        }
    }
    for r in rows.reopenings.iter().filter(|r| in_period(p, r.at)) {
        t.add(r.site_id, "cases_reopened");
    }
    for h in rows.handovers.iter().filter(|h| in_period(p, h.created_at)) {
        t.add(h.site_id, "handovers");
    }
    for n in rows.needs.iter().filter(|n| n.side == side) {
        t.add_n(n.site_id, "needs_identified", n.n);
        bump_n(&mut t.needs, &n.what, n.n);
    }
    for o in rows.onward.iter().filter(|o| o.side == side) {
        // Practice 0: by service.
        if o.site_id == 0 {
            bump_n(
                &mut t.onward_category,
                o.category.as_deref().unwrap_or("Not in the directory"),
                o.n,
            );
            bump_n(
                &mut t.onward_organization,
                o.organization.as_deref().unwrap_or("Not in the directory"),
                o.n,
            );
            continue;
        }
        t.add_n(
            o.site_id,
            if o.what == "signposting" {
                "signposting"
            } else {
                "onward_referrals"
            },
            o.n,
        );
        let status = o.status.as_deref().unwrap_or("suggested");
        if matches!(status, "accepted" | "attended" | "support_given") {
            t.add_n(o.site_id, "onward_taken_up", o.n);
        }
        bump_n(&mut t.onward_status, status, o.n);
    }
    for g in rows.goals.iter().filter(|g| g.side == side) {
        t.add_n(g.site_id, "goals_achieved", g.n);
    }
    for r in rows.wider.iter().filter(|r| r.side == side) {
        let key = r.key.as_deref().unwrap_or("");
        match r.dim.as_str() {
            "group_attendance" => {
                t.add_n(r.site_id, "group_attendances", r.n);
                bump_n(&mut t.group_attendances, key, r.n);
            }
            "group_people" => t.add_n(r.site_id, "group_people", r.n),
            "course_completed" => t.add_n(r.site_id, "courses_completed", r.n),
            "group_sessions" => bump_n(&mut t.group_sessions, key, r.n),
            "group_others" => t.group_others += r.n,
            "practice_activity" => {
                t.add_n(r.site_id, "practice_activities", r.n);
                bump_n(&mut t.practice_activities, key, r.n);
            }
            "practice_attending" => t.add_n(r.site_id, "practice_activity_attendance", r.n),
            "vouchers" => {
                t.add_n(r.site_id, "vouchers_issued", r.n);
                bump_n(&mut t.vouchers, key, r.n);
            }
            "voucher_pence" => t.voucher_pence += r.n,
            "partner_answers" => {
                t.add_n(r.site_id, "onward_answered_by_partners", r.n);
                bump_n(&mut t.partner_answers, key, r.n);
            }
            "partner_referrals" => {
                t.add_n(r.site_id, "referrals_from_partners", r.n);
                bump_n(
                    &mut t.partner_referrals,
                    r.key.as_deref().unwrap_or("Not named"),
                    r.n,
                );
            }
            _ => {}
        }
    }
    // Wellbeing: each person's change from baseline to their latest score
    // in the period (paired in the database).
    for m in &rows.measures[usize::from(!current)] {
        let count = usize::try_from(m.n).unwrap_or(0);
        if m.kind == "swemwbs" {
            t.add_n(m.site_id, "swemwbs_people_paired", m.n);
            t.swemwbs_changes
                .extend(std::iter::repeat_n(m.change, count));
        } else {
            t.ons4_changes.extend(std::iter::repeat_n(m.change, count));
        }
    }
    t
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| one_dp(v.iter().sum::<f64>() / v.len() as f64))
}

/// Count every figure of `cur` beside `prev`.
pub fn compute(rows: &Rows, names: &Names, cur: Period, prev: Period) -> Figures {
    let (mut a, mut b) = (
        tally(rows, names, cur, true),
        tally(rows, names, prev, false),
    );
    let practices = rows.practices.len() as i64;
    let fig = |measure: &'static str,
               label: &'static str,
               unit: Unit,
               f: &dyn Fn(&mut Tally, Period) -> Option<f64>,
               a: &mut Tally,
               b: &mut Tally| Figure {
        measure,
        label,
        unit,
        value: f(a, cur),
        previous: f(b, prev),
    };
    let count = |m: &'static str| move |t: &mut Tally, _: Period| Some(t.total(m) as f64);
    let mut activity = Vec::new();
    for (m, l) in [
        ("referrals_received", "Referrals received"),
        ("new_people", "New people (their first referral)"),
    ] {
        activity.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    activity.push(fig(
        "mean_quarterly_referrals_per_practice",
        "Mean referrals per practice per quarter",
        Unit::Number,
        &|t, p| {
            (practices > 0).then(|| {
                one_dp(t.total("referrals_received") as f64 / practices as f64 / p.quarters())
            })
        },
        &mut a,
        &mut b,
    ));
    for (m, l) in [
        ("appointments_booked", "Appointments due"),
        ("appointments_attended", "Appointments attended"),
        ("appointments_did_not_attend", "Appointments not attended"),
        ("appointments_cancelled", "Appointments cancelled"),
    ] {
        activity.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    activity.push(fig(
        "did_not_attend_rate",
        "Did-not-attend rate (of appointments attended or missed)",
        Unit::Percent,
        &|t, _| {
            let dna = t.total("appointments_did_not_attend");
            percent(dna, dna + t.total("appointments_attended"))
        },
        &mut a,
        &mut b,
    ));
    let timeliness = vec![
        fig(
            "days_to_first_contact_median",
            "Days from referral to first contact: median",
            Unit::Days,
            &|t, _| median_of(&t.contact_days),
            &mut a,
            &mut b,
        ),
        fig(
            "days_to_first_contact_p90",
            "Days from referral to first contact: 90th percentile",
            Unit::Days,
            &|t, _| percentile_of(&t.contact_days, 90).map(|d| d as f64),
            &mut a,
            &mut b,
        ),
        fig(
            "days_to_first_attended_median",
            "Days from referral to first attended appointment: median",
            Unit::Days,
            &|t, _| median_of(&t.attended_days),
            &mut a,
            &mut b,
        ),
        fig(
            "days_to_first_attended_p90",
            "Days from referral to first attended appointment: 90th percentile",
            Unit::Days,
            &|t, _| percentile_of(&t.attended_days, 90).map(|d| d as f64),
            &mut a,
            &mut b,
        ),
    ];
    let mut caseload = vec![fig(
        "open_cases",
        "Open cases at the end of the period",
        Unit::Count,
        &count("open_cases"),
        &mut a,
        &mut b,
    )];
    caseload.push(fig(
        "caseload_per_link_worker",
        "Mean open cases per link worker with cases",
        Unit::Number,
        &|t, _| {
            let w = t.workers_with_cases.len() as f64;
            (w > 0.0).then(|| one_dp(t.total("open_cases") as f64 / w))
        },
        &mut a,
        &mut b,
    ));
    for (m, l) in [
        ("cases_closed", "Cases closed"),
        ("cases_reopened", "Cases reopened"),
        ("handovers", "Handovers to another practice or link worker"),
    ] {
        caseload.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    let why = vec![fig(
        "needs_identified",
        "Needs identified",
        Unit::Count,
        &count("needs_identified"),
        &mut a,
        &mut b,
    )];
    let mut onward = Vec::new();
    for (m, l) in [
        (
            "onward_referrals",
            "Onward referrals (and accompanied visits)",
        ),
        ("signposting", "Signposting"),
        (
            "onward_taken_up",
            "Taken up (accepted, attended or support given)",
        ),
    ] {
        onward.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    onward.push(fig(
        "onward_take_up_rate",
        "Share taken up",
        Unit::Percent,
        &|t, _| {
            percent(
                t.total("onward_taken_up"),
                t.total("onward_referrals") + t.total("signposting"),
            )
        },
        &mut a,
        &mut b,
    ));
    let outcomes = vec![
        fig(
            "swemwbs_people_paired",
            "People with a SWEMWBS baseline and a later score",
            Unit::Count,
            &count("swemwbs_people_paired"),
            &mut a,
            &mut b,
        ),
        fig(
            "swemwbs_mean_change",
            "SWEMWBS: mean change from baseline (metric score)",
            Unit::Number,
            &|t, _| mean(&t.swemwbs_changes),
            &mut a,
            &mut b,
        ),
        fig(
            "swemwbs_improved_percent",
            "SWEMWBS: share improving by 3 or more points",
            Unit::Percent,
            &|t, _| {
                percent(
                    t.swemwbs_changes
                        .iter()
                        .filter(|c| **c >= SWEMWBS_IMPROVED - 1e-9)
                        .count() as i64,
                    t.swemwbs_changes.len() as i64,
                )
            },
            &mut a,
            &mut b,
        ),
        fig(
            "ons4_people_paired",
            "People with an ONS4 baseline and a later score",
            Unit::Count,
            &|t, _| Some(t.ons4_changes.len() as f64),
            &mut a,
            &mut b,
        ),
        fig(
            "ons4_life_satisfaction_mean_change",
            "ONS4 life satisfaction: mean change from baseline (0 to 10)",
            Unit::Number,
            &|t, _| mean(&t.ons4_changes),
            &mut a,
            &mut b,
        ),
        fig(
            "goals_achieved",
            "Goals achieved",
            Unit::Count,
            &count("goals_achieved"),
            &mut a,
            &mut b,
        ),
    ];
    let reached = vec![
        fig(
            "referrals_from_deep_end",
            "Referrals from Deep End practices",
            Unit::Count,
            &count("referrals_from_deep_end"),
            &mut a,
            &mut b,
        ),
        fig(
            "referrals_from_deep_end_percent",
            "Share of referrals from Deep End practices",
            Unit::Percent,
            &|t, _| {
                percent(
                    t.total("referrals_from_deep_end"),
                    t.total("referrals_received"),
                )
            },
            &mut a,
            &mut b,
        ),
    ];
    let mut wider = vec![fig(
        "group_sessions",
        "Group sessions held",
        Unit::Count,
        &|t, _| Some(t.group_sessions.values().sum::<i64>() as f64),
        &mut a,
        &mut b,
    )];
    for (m, l) in [
        (
            "group_attendances",
            "Attendances at group sessions (registered people)",
        ),
        ("group_people", "People who came to a group"),
    ] {
        wider.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    wider.push(fig(
        "group_others",
        "Others who came to group sessions (not registered, or not in this scope)",
        Unit::Count,
        &|t, _| Some(t.group_others as f64),
        &mut a,
        &mut b,
    ));
    for (m, l) in [
        ("courses_completed", "Courses completed"),
        ("practice_activities", "Practice development activities"),
        (
            "practice_activity_attendance",
            "Staff attending practice development activities",
        ),
        ("vouchers_issued", "Vouchers issued"),
    ] {
        wider.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    wider.push(fig(
        "vouchers_value",
        "Value of vouchers issued",
        Unit::Pounds,
        &|t, _| Some(t.voucher_pence as f64 / 100.0),
        &mut a,
        &mut b,
    ));
    for (m, l) in [
        (
            "onward_answered_by_partners",
            "Onward referrals answered by partners' staff",
        ),
        (
            "referrals_from_partners",
            "Referrals made by partner organisations",
        ),
    ] {
        wider.push(fig(m, l, Unit::Count, &count(m), &mut a, &mut b));
    }
    let group_kind = |k: &str| linkwork_domain::group::kind_label(k).to_owned();
    let activity_kind = |k: &str| linkwork_domain::practice::activity_label(k).to_owned();
    let reason = |k: &str| {
        names
            .reasons
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.replace('_', " "))
    };
    let source = |k: &str| {
        linkwork_domain::referral::label_of(&linkwork_domain::referral::SOURCES, k).to_owned()
    };
    let same = |k: &str| k.to_owned();
    let closure = |k: &str| {
        linkwork_domain::referral::ClosureReason::parse(k)
            .map_or(k.to_owned(), |c| c.label().to_owned())
    };
    let status = |k: &str| {
        linkwork_domain::referral::OnwardStatus::parse(k)
            .map_or(k.to_owned(), |s| s.label().to_owned())
    };
    let sex = |k: &str| match k {
        "not_recorded" => "Not recorded".to_owned(),
        k => crate::participants::SEXES
            .iter()
            .find(|(c, _)| *c == k)
            .map_or(k.to_owned(), |(_, l)| (*l).to_owned()),
    };
    let age = |k: &str| {
        AGE_BANDS
            .iter()
            .find(|(c, _, _)| *c == k)
            .map_or("Not known".to_owned(), |(_, l, _)| (*l).to_owned())
    };
    let age_order: Vec<&str> = AGE_BANDS
        .iter()
        .map(|(k, _, _)| *k)
        .chain(["unknown"])
        .collect();
    let by_site = {
        let mut sites: Vec<i64> = rows.practices.iter().map(|p| p.id).collect();
        for s in a.by_site.keys() {
            if !sites.contains(s) {
                sites.push(*s);
            }
        }
        sites
            .into_iter()
            .map(|id| {
                let (name, code) = names
                    .sites
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| (format!("Site {id}"), String::new()));
                SiteCounts {
                    site_id: id,
                    name,
                    code,
                    counts: a
                        .by_site
                        .get(&id)
                        .map_or_else(|| vec![0; ADDITIVE.len()], |c| c.to_vec()),
                }
            })
            .collect()
    };
    let sections = vec![
        Section {
            title: "Activity",
            figures: activity,
            breakdowns: vec![],
        },
        Section {
            title: "How soon people are seen",
            figures: timeliness,
            breakdowns: vec![],
        },
        Section {
            title: "Caseloads",
            figures: caseload,
            breakdowns: vec![
                breakdown(
                    "cases_closed_by_reason",
                    "Cases closed, by reason",
                    &a.closures,
                    &b.closures,
                    closure,
                    None,
                ),
                breakdown(
                    "open_cases_by_link_worker",
                    "Open cases at the end, by link worker",
                    &a.caseloads,
                    &b.caseloads,
                    same,
                    None,
                ),
            ],
        },
        Section {
            title: "Why people come",
            figures: why,
            breakdowns: vec![
                breakdown(
                    "referrals_by_reason",
                    "Reasons for referral",
                    &a.reasons,
                    &b.reasons,
                    reason,
                    None,
                ),
                breakdown(
                    "referrals_by_source",
                    "Who referred",
                    &a.sources,
                    &b.sources,
                    source,
                    None,
                ),
                breakdown(
                    "needs_by_kind",
                    "Needs identified",
                    &a.needs,
                    &b.needs,
                    reason,
                    None,
                ),
            ],
        },
        Section {
            title: "Onward support",
            figures: onward,
            breakdowns: vec![
                breakdown(
                    "onward_by_status",
                    "Onward support, by where it stands",
                    &a.onward_status,
                    &b.onward_status,
                    status,
                    None,
                ),
                breakdown(
                    "onward_by_category",
                    "Onward support, by kind of service",
                    &a.onward_category,
                    &b.onward_category,
                    same,
                    None,
                ),
                breakdown(
                    "onward_by_organization",
                    "Onward support, by organisation",
                    &a.onward_organization,
                    &b.onward_organization,
                    same,
                    None,
                ),
            ],
        },
        Section {
            title: "Outcomes",
            figures: outcomes,
            breakdowns: vec![],
        },
        Section {
            title: "Groups, practices and partners",
            figures: wider,
            breakdowns: vec![
                breakdown(
                    "group_sessions_by_kind",
                    "Group sessions, by kind of group",
                    &a.group_sessions,
                    &b.group_sessions,
                    group_kind,
                    None,
                ),
                breakdown(
                    "group_attendances_by_kind",
                    "Attendances, by kind of group",
                    &a.group_attendances,
                    &b.group_attendances,
                    group_kind,
                    None,
                ),
                breakdown(
                    "practice_activities_by_kind",
                    "Practice development activities, by kind",
                    &a.practice_activities,
                    &b.practice_activities,
                    activity_kind,
                    None,
                ),
                breakdown(
                    "vouchers_by_fund",
                    "Vouchers issued, by fund",
                    &a.vouchers,
                    &b.vouchers,
                    same,
                    None,
                ),
                breakdown(
                    "partner_answers_by_status",
                    "Partners' answers to onward referrals",
                    &a.partner_answers,
                    &b.partner_answers,
                    status,
                    None,
                ),
                breakdown(
                    "referrals_from_partners_by_organization",
                    "Referrals from partner organisations, by organisation",
                    &a.partner_referrals,
                    &b.partner_referrals,
                    same,
                    None,
                ),
            ],
        },
        Section {
            title: "Who is reached",
            figures: reached,
            breakdowns: vec![
                breakdown(
                    "referrals_by_age_band",
                    "Age when referred",
                    &a.ages,
                    &b.ages,
                    age,
                    Some(&age_order),
                ),
                breakdown("referrals_by_sex", "Sex", &a.sexes, &b.sexes, sex, None),
                breakdown(
                    "referrals_by_simd_quintile",
                    "SIMD 2020v2 quintile of the person's postcode (1: most deprived)",
                    &a.simd_quintiles,
                    &b.simd_quintiles,
                    |k| simd_label(k, 5),
                    Some(&SIMD_ORDER),
                ),
                breakdown(
                    "referrals_by_simd_decile",
                    "SIMD 2020v2 decile of the person's postcode (1: most deprived)",
                    &a.simd_deciles,
                    &b.simd_deciles,
                    |k| simd_label(k, 10),
                    Some(&SIMD_ORDER),
                ),
            ],
        },
    ];
    Figures {
        sections,
        by_site,
        life_satisfaction: [a.ons4_changes.clone(), b.ons4_changes.clone()],
        months: months(&rows.months, trend_span(cur)),
    }
}
