//! The rows behind the programme's figures: referrals, appointments,
//! closures, open cases, reopenings, handovers, needs, onward support,
//! wellbeing measures and goals, each narrowed to a scope (the programme, an
//! area, a cluster, a practice or a link worker, within what the grant
//! reaches) and a run of days. Each is counted in the database by practice
//! (and what else a figure splits by), so that no request moves more than a
//! few thousand rows; the app adds the practices up, so a figure and the
//! per-practice table beside it cannot disagree.

use crate::query::{Param, Where};
use crate::{Tx, bind_where, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

/// Where figures are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    Programme,
    Area(i64),
    Cluster(i64),
    /// A practice (site) by id.
    Practice(i64),
    /// A link worker (user) by id.
    Worker(i64),
}

/// Clauses narrowing rows to a scope: `site` is the column of the row's
/// practice, `worker` of its link worker (`None`: rows reached through
/// `worker_exists`, a clause true when the row belongs to the worker, `?`
/// standing for the worker's id). The query must join `sites s` on `site`
/// and `clusters c` on `s.cluster_id`.
fn scoped(grant: &Grant, scope: Scope, worker: &str) -> Where {
    let mut w = Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    match scope {
        Scope::Programme => {}
        Scope::Area(id) => {
            w.and("c.area_id = ?", [Param::I64(id)]);
        }
        Scope::Cluster(id) => {
            w.and("s.cluster_id = ?", [Param::I64(id)]);
        }
        Scope::Practice(id) => {
            w.and("s.id = ?", [Param::I64(id)]);
        }
        Scope::Worker(id) => {
            w.and(worker, [Param::I64(id)]);
        }
    }
    w
}

const SITES: &str = "JOIN sites s ON s.id = {site} JOIN clusters c ON c.id = s.cluster_id";

fn join_sites(site: &str) -> String {
    SITES.replace("{site}", site)
}

/// A participant belongs to a worker when one of their referrals does (the
/// worker's people found once, not looked for again for each row counted).
pub(crate) const PERSON_OF_WORKER: &str =
    "p.id IN (SELECT rw.participant_id FROM referrals rw WHERE rw.link_worker_id = ?)";

/// [`PERSON_OF_WORKER`] checked on rows already found, never used to look
/// them up: where another key comes first (a session's attendance), SQLite
/// would otherwise look up each session once for each of the worker's
/// people (thousands of probes for each session: 0.12 s for a worker's
/// year).
fn person_of_worker_checked() -> String {
    format!("+{PERSON_OF_WORKER}")
}

/// Narrows the scores `m` read by [`paired_scores`] to a link worker's
/// people ([`PERSON_OF_WORKER`]'s list, the worker's id written in), so
/// that their scores are looked up by person rather than the whole
/// programme's period read and then narrowed (`None`: no worker).
pub(crate) fn scores_of_worker(worker: Option<i64>) -> String {
    worker.map_or(String::new(), |id| {
        let people = PERSON_OF_WORKER.replacen("p.id", "m.participant_id", 1);
        format!(" AND {}", people.replacen('?', &id.to_string(), 1))
    })
}

fn worker_of(scope: Scope) -> Option<i64> {
    match scope {
        Scope::Worker(id) => Some(id),
        _ => None,
    }
}

/// Referrals received, counted in the database (a programme receives tens
/// of thousands a year; a nation over a million): one row per dimension,
/// side of `split` (`side` 1 on or after it), site (for `site`; else the
/// area, as minus its id, so that the pieces serve an area too) and key,
/// with how many. Dimensions:
/// - `site`: by practice; key `new` (the person's first referral to the
///   programme) or `again`, with `:deep` when the practice is Deep End;
/// - `source`, `sex` (empty when not recorded), `simd` (the decile of the
///   person's postcode's data zone), `age` (whole years when referred),
///   `reason` (each reason code of the referral);
/// - `contact` and `attended`: days from receipt to the first contact
///   reached and the first attended appointment (UK dates), for the
///   medians and 90th percentiles.
///
/// A key is `NULL` when not known (no date of birth, postcode, contact).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CountRow {
    pub dim: String,
    pub side: i64,
    pub site_id: i64,
    pub key: Option<String>,
    pub n: i64,
}

/// The referrals of `first` to `last`, on each side of `split`. For the
/// whole programme or an area and whole calendar months, the months already counted
/// and unchanged since (migration 31's pieces) are added up, and only the
/// others counted; those are given back, to be kept with [`keep_pieces`]
/// in a write of their own.
pub async fn referral_counts(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    first: NaiveDate,
    last: NaiveDate,
    split: NaiveDate,
) -> crate::Result<(Vec<CountRow>, Vec<i64>)> {
    crate::require(grant, &[Permission::ViewReports])?;
    // The pieces keep the practices' counts and each area's dimensions: a
    // cluster's or a practice's few referrals are counted directly.
    let Some(span) = Span::of(grant, scope, (first, last, split), Kept::ByArea) else {
        let mut w = scoped(grant, scope, "r.link_worker_id = ?");
        w.and("r.received_on >= ?", [Param::Date(first)]);
        w.and("r.received_on <= ?", [Param::Date(last)]);
        return Ok((count_referrals(tx, w, Some(split)).await?, Vec::new()));
    };
    let (mut rows, stale) = pieces(tx, grant, scope, Part::Referrals, &span).await?;
    let direct = span.direct(&stale);
    if !direct.is_empty() {
        let w = in_days(grant, scope, Part::Referrals, &direct);
        rows.extend(count_referrals(tx, w, Some(split)).await?);
    }
    Ok((rows, stale))
}

/// A part of the figures kept in month pieces (migration 31): its rows are
/// [`CountRow`]s, the side being the month's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// [`referral_counts`]' rows.
    Referrals,
    /// [`appointments`]' rows: `dim` the status, no key.
    Appointments,
    /// [`person_events`]' rows: `dim` what, `key` the status, `ref_id`
    /// the directory service.
    Needs,
    Onward,
    Goals,
    /// Cases closed (migration 32), by the month of their closing day:
    /// `dim` `closed`, `key` the closure reason, `ref_id` the link worker
    /// (none for a referral closed without one).
    Closed,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::Referrals,
        Part::Appointments,
        Part::Needs,
        Part::Onward,
        Part::Goals,
        Part::Closed,
    ];
    fn code(self) -> &'static str {
        match self {
            Part::Referrals => "referrals",
            Part::Appointments => "appointments",
            Part::Needs => "needs",
            Part::Onward => "onward",
            Part::Goals => "goals",
            Part::Closed => "closed",
        }
    }
}

/// The kept months of `part` from `m0` to `m1` still good (their mark
/// unchanged since they were counted).
async fn good_months(
    tx: &mut Tx,
    grant: &Grant,
    part: Part,
    (m0, m1): (i64, i64),
) -> crate::Result<Vec<i64>> {
    let sql = format!(
        "SELECT fp.month FROM figure_pieces fp WHERE fp.programme_id = $1 AND fp.part = '{}' \
         AND fp.month >= $2 AND fp.month <= $3 AND fp.mark = {} ORDER BY fp.month",
        part.code(),
        marks_of("fp.month", Marks::Month)
    );
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(&sql).bind(grant.programme_id()).bind(m0).bind(m1).fetch_all(c).await)?,
    )
}

/// The good months of `part` among the span's whole months, and the
/// others, to be counted directly.
async fn good_and_stale(
    tx: &mut Tx,
    grant: &Grant,
    part: Part,
    span: &Span,
) -> crate::Result<(Vec<i64>, Vec<i64>)> {
    let (Some(m0), Some(m1)) = (span.months.first(), span.months.last()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let good: Vec<i64> = good_months(tx, grant, part, (*m0, *m1))
        .await?
        .into_iter()
        .filter(|m| span.months.contains(m))
        .collect();
    let stale = span
        .months
        .iter()
        .copied()
        .filter(|m| !good.contains(m))
        .collect();
    Ok((good, stale))
}

/// The good months of `part` added up on each side of the span's split,
/// and the whole months that are not good, to be counted directly.
async fn pieces(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    part: Part,
    span: &Span,
) -> crate::Result<(Vec<CountRow>, Vec<i64>)> {
    let (good, stale) = good_and_stale(tx, grant, part, span).await?;
    let at = span.at;
    if good.is_empty() {
        return Ok((Vec::new(), stale));
    }
    let sql = format!(
        "SELECT dim, CAST(CASE WHEN month >= $2 THEN 1 ELSE 0 END AS BIGINT) AS side, site_id, key, \
         CAST(SUM(n) AS BIGINT) AS n FROM {} WHERE programme_id = $1{} GROUP BY 1, 2, 3, 4",
        good_rows(tx, grant, part, at, &good).await?,
        piece_sites(scope)
    );
    let rows = on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(at).fetch_all(c).await)?;
    Ok((rows, stale))
}

/// The roll-ups of month pieces (migration 31's pieces, added up): a
/// calendar year (`:y`, from January), a financial year (`:f`, from
/// April) and a quarter (`:q`), each by its code suffix, length and the
/// month of the year it starts in (`None`: any third month).
const ROLL_UPS: [(&str, i64, Option<i64>); 3] =
    [("y", 12, Some(0)), ("f", 12, Some(3)), ("q", 3, None)];

/// The piece rows of `part`'s good months (`good`, whole months of a span
/// split at month `at`), as a table `pr` of `figure_piece_rows`: the
/// months are covered, earliest first, by the calendar years, financial
/// years and quarters all of whose months are good and which the split
/// does not cut, each read from its roll-up ([`keep_roll_ups`]) where that
/// is good too, one row where its months would be twelve or three; the
/// other months one by one.
async fn good_rows(
    tx: &mut Tx,
    grant: &Grant,
    part: Part,
    at: i64,
    good: &[i64],
) -> crate::Result<String> {
    let code = part.code();
    // In order: the months are covered earliest first.
    let mut good = good.to_vec();
    good.sort_unstable();
    good.dedup();
    let good = &good[..];
    let mut rolled: Vec<Vec<i64>> = Vec::new();
    for (suffix, len, start) in ROLL_UPS {
        let starts: Vec<i64> = good
            .iter()
            .copied()
            .filter(|m| {
                start.map_or(m.rem_euclid(3) == 0, |s| m.rem_euclid(12) == s)
                    && (at <= *m || at > m + len - 1)
                    && (*m..m + len).all(|x| good.contains(&x))
            })
            .collect();
        rolled.push(if starts.is_empty() {
            Vec::new()
        } else {
            let sql = format!(
                "SELECT fp.month FROM figure_pieces fp WHERE fp.programme_id = $1 AND fp.part = '{code}:{suffix}' \
                 AND fp.month IN ({}) AND fp.mark = {}",
                numbers(&starts),
                marks_of("fp.month", Marks::Block(len))
            );
            on_tx!(tx, c => sqlx::query_scalar(&sql).bind(grant.programme_id()).fetch_all(c).await)?
        });
    }
    // Earliest first, the longest roll-up that starts at each month.
    let mut lists: Vec<(String, Vec<i64>)> = ROLL_UPS
        .iter()
        .map(|(suffix, _, _)| (format!("{code}:{suffix}"), Vec::new()))
        .collect();
    let mut months = Vec::new();
    let mut next = i64::MIN;
    for &m in good {
        if m < next {
            continue;
        }
        match ROLL_UPS
            .iter()
            .zip(&rolled)
            .position(|(_, starts)| starts.contains(&m))
        {
            Some(i) => {
                lists[i].1.push(m);
                next = m + ROLL_UPS[i].1;
            }
            None => months.push(m),
        }
    }
    lists.push((code.to_owned(), months));
    let programme = grant.programme_id();
    let mut rows = Vec::new();
    for (code, list) in lists {
        if !list.is_empty() {
            rows.push(format!(
                "SELECT * FROM figure_piece_rows WHERE programme_id = {programme} AND part = '{code}' AND month IN ({})",
                numbers(&list)
            ));
        }
    }
    if rows.is_empty() {
        rows.push("SELECT * FROM figure_piece_rows WHERE FALSE".to_owned());
    }
    // Apart, each read by the index (SQLite reads every row of the
    // programme for an OR of them).
    Ok(format!("({}) pr", rows.join(" UNION ALL ")))
}

/// Keeps, as roll-ups of `part`'s month pieces, every calendar year,
/// financial year and quarter that holds one of `months` and ends before
/// month `before`, when all its months are kept and good; each holds while
/// none of its months (nor every month, −1) is marked. Long periods add up
/// a row a year or a quarter where they would add up twelve or three.
pub async fn keep_roll_ups(
    tx: &mut Tx,
    grant: &Grant,
    part: Part,
    months: &[i64],
    before: i64,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ViewReports])?;
    if !whole_grant(grant) {
        return Ok(());
    }
    for (suffix, len, start) in ROLL_UPS {
        let mut starts: Vec<i64> = months
            .iter()
            .map(|m| match start {
                Some(s) => m - (m - s).rem_euclid(12),
                None => m - m.rem_euclid(3),
            })
            .filter(|m0| m0 + len - 1 < before)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        for m0 in starts {
            keep_roll_up(tx, grant, part, (suffix, len), m0).await?;
        }
    }
    Ok(())
}

/// Keeps the roll-up (`suffix`, `len` months) of `part` from month `m0`.
async fn keep_roll_up(
    tx: &mut Tx,
    grant: &Grant,
    part: Part,
    (suffix, len): (&str, i64),
    m0: i64,
) -> crate::Result<()> {
    let programme = grant.programme_id();
    let code = format!("{}:{suffix}", part.code());
    // The marks first, then whether every month's piece is good at them or
    // later (on PostgreSQL each statement sees what was committed before
    // it): a month changed before the marks were read is not yet kept
    // again, and the roll-up is left out.
    take_piece(tx, programme, &code, m0, Marks::Block(len)).await?;
    if good_months(tx, grant, part, (m0, m0 + len - 1))
        .await?
        .len() as i64
        != len
    {
        let sql = format!(
            "DELETE FROM figure_pieces WHERE programme_id = $1 AND part = '{code}' AND month = $2"
        );
        on_tx!(tx, c => sqlx::query(&sql).bind(programme).bind(m0).execute(c).await.map(|_| ()))?;
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, key, ref_id, value, n) \
         SELECT programme_id, '{code}', {m0}, dim, site_id, key, ref_id, value, CAST(SUM(n) AS BIGINT) \
         FROM figure_piece_rows WHERE programme_id = $1 AND part = '{}' AND month >= {m0} AND month <= {} \
         GROUP BY programme_id, dim, site_id, key, ref_id, value",
        part.code(),
        m0 + len - 1
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(programme).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A month as a number, year × 12 + month − 1 (January 2026 is 24,312).
pub fn month_number(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The first and last day of a numbered month.
pub fn month_days(m: i64) -> (NaiveDate, NaiveDate) {
    let first = i32::try_from(m.div_euclid(12))
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m.rem_euclid(12) as u32 + 1, 1))
        .unwrap_or(NaiveDate::MIN);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX);
    (first, last)
}

/// The first instant of a UK day (midnight always exists in the UK).
fn uk_midnight(d: NaiveDate) -> DateTime<Utc> {
    linkwork_domain::appointment::london_instant(d, chrono::NaiveTime::MIN)
        .unwrap_or_else(|_| d.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// A run of days (`first` to `last`, split at a day) as the whole calendar
/// months in it that the split does not cut, added up from the pieces kept,
/// and the days about them (`edges`: the part-months at its ends and the
/// month the split falls in), counted directly.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    /// The whole months, in order.
    months: Vec<i64>,
    /// The first whole month on the split's side (months before it are
    /// the previous period's).
    at: i64,
    /// Runs of days, first and last, in order and apart.
    edges: Vec<(NaiveDate, NaiveDate)>,
}

/// The scopes a part's pieces serve, by how its rows are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// Some rows by area (minus its id) rather than by practice: the
    /// programme and an area.
    ByArea,
    /// Every row by practice: also a cluster and a practice.
    ByPractice,
}

impl Span {
    /// For the whole programme, or the areas, clusters and practices its
    /// pieces serve (`kept`), the span of `first` to `last` split at
    /// `split`; `None` when no whole month is in it or it is not counted
    /// in pieces (a link worker, a user who sees some practices).
    fn of(
        grant: &Grant,
        scope: Scope,
        (first, last, split): (NaiveDate, NaiveDate, NaiveDate),
        kept: Kept,
    ) -> Option<Span> {
        let scoped = match scope {
            Scope::Programme | Scope::Area(_) => true,
            Scope::Cluster(_) | Scope::Practice(_) => kept == Kept::ByPractice,
            Scope::Worker(_) => false,
        };
        if !scoped || !whole_grant(grant) || first > last {
            return None;
        }
        let mut span = Span {
            months: Vec::new(),
            at: month_number(split),
            edges: Vec::new(),
        };
        let mut day = first;
        while day <= last {
            let m = month_number(day);
            let (m_first, m_last) = month_days(m);
            let end = m_last.min(last);
            let cut = split > m_first && split <= m_last;
            if day == m_first && end == m_last && !cut {
                span.months.push(m);
            } else {
                add_days(&mut span.edges, (day, end));
            }
            match end.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        (!span.months.is_empty()).then_some(span)
    }

    /// The runs of days to count directly: the edges and the whole months
    /// not kept good (`stale`), joined where they meet.
    fn direct(&self, stale: &[i64]) -> Vec<(NaiveDate, NaiveDate)> {
        runs_of(
            self.edges
                .iter()
                .copied()
                .chain(stale.iter().map(|m| month_days(*m))),
        )
    }
}

/// Runs of days in order, those that meet (or are the same) joined.
fn runs_of(days: impl Iterator<Item = (NaiveDate, NaiveDate)>) -> Vec<(NaiveDate, NaiveDate)> {
    let mut days: Vec<_> = days.collect();
    days.sort_unstable();
    days.dedup();
    let mut out = Vec::new();
    for d in days {
        add_days(&mut out, d);
    }
    out
}

/// Adds a run of days after those of `runs`, joined to the last when they
/// meet.
fn add_days(runs: &mut Vec<(NaiveDate, NaiveDate)>, (first, last): (NaiveDate, NaiveDate)) {
    match runs.last_mut() {
        Some(prev) if prev.1.succ_opt() == Some(first) => prev.1 = last,
        _ => runs.push((first, last)),
    }
}

/// `first` to `last` as whole calendar months and nothing else (a
/// period's wellbeing changes are kept whole): the first and last month.
fn whole_months(
    grant: &Grant,
    scope: Scope,
    (first, last): (NaiveDate, NaiveDate),
) -> Option<(i64, i64)> {
    Span::of(grant, scope, (first, last, first), Kept::ByPractice)
        .filter(|s| s.edges.is_empty())
        .map(|_| (month_number(first), month_number(last)))
}

/// Whether the grant sees the whole programme (what pieces are counted for).
fn whole_grant(grant: &Grant) -> bool {
    grant.scope().params().1 && grant.scope().made_by().is_none()
}

/// The piece rows of a scope's practices (ids are ours, not anyone's input).
fn piece_sites(scope: Scope) -> String {
    match scope {
        // And the area's own rows (the referrals' dimensions other than
        // the practice, kept by area: `site_id` minus the area's id).
        Scope::Area(id) => format!(
            " AND (site_id IN (SELECT s.id FROM sites s JOIN clusters c ON c.id = s.cluster_id WHERE c.area_id = {id}) \
             OR site_id = -{id})"
        ),
        Scope::Cluster(id) => {
            format!(" AND site_id IN (SELECT id FROM sites WHERE cluster_id = {id})")
        }
        Scope::Practice(id) => format!(" AND site_id = {id}"),
        Scope::Programme | Scope::Worker(_) => String::new(),
    }
}

/// Which marks a piece holds while they are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marks {
    /// Its own month's and the every-month mark (−1).
    Month,
    /// Every month's up to its own (a period's wellbeing changes, the
    /// cases open at a month's end).
    Through,
    /// The months of the roll-up it begins (so many), and −1 (a year's or
    /// a quarter's roll-up of month pieces).
    Block(i64),
}

/// The sum of the marks a piece of `month` (SQL) of programme `$1` holds
/// (see [`Marks`]).
fn marks_of(month: &str, marks: Marks) -> String {
    let months = match marks {
        Marks::Month => format!("(fm.month = {month} OR fm.month = -1)"),
        Marks::Through => format!("fm.month <= {month}"),
        Marks::Block(len) => format!(
            "((fm.month >= {month} AND fm.month <= {month} + {}) OR fm.month = -1)",
            len - 1
        ),
    };
    format!(
        "(SELECT CAST(COALESCE(SUM(fm.version), 0) AS BIGINT) FROM figure_marks fm WHERE fm.programme_id = $1 AND {months})"
    )
}

/// Takes a piece's row, with the marks as this transaction first sees them
/// (a change committed after leaves it to be counted again; two nodes
/// keeping one piece take turns on the row), and clears its counts, before
/// they are counted again.
async fn take_piece(
    tx: &mut Tx,
    programme: i64,
    code: &str,
    month: i64,
    marks: Marks,
) -> crate::Result<()> {
    let sql = format!(
        "INSERT INTO figure_pieces (programme_id, part, month, mark) VALUES ($1, '{code}', $2, {}) \
         ON CONFLICT (programme_id, part, month) DO UPDATE SET mark = EXCLUDED.mark",
        marks_of("$2", marks)
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(programme).bind(month).execute(c).await.map(|_| ()))?;
    let sql = format!(
        "DELETE FROM figure_piece_rows WHERE programme_id = $1 AND part = '{code}' AND month = $2"
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(programme).bind(month).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Numbers as an SQL list (our own month numbers, not anyone's input).
fn numbers(list: &[i64]) -> String {
    list.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of `part` in `scope` dated (UK days) in the runs of days given
/// (none: no rows).
fn in_days(grant: &Grant, scope: Scope, part: Part, runs: &[(NaiveDate, NaiveDate)]) -> Where {
    let mut w = scoped(grant, scope, "FALSE");
    let (column, dated) = match part {
        Part::Referrals => ("r.received_on", true),
        Part::Appointments => ("a.starts_at", false),
        Part::Closed => {
            // Not looked up by status (every closed case of a practice):
            // the days' closing dates find the few.
            w.and("r.status || '' = 'closed'", Vec::new());
            ("r.closed_on", true)
        }
        Part::Needs | Part::Onward | Part::Goals => {
            (person_event_sql(event_kind(part), &mut w).0, false)
        }
    };
    in_runs(&mut w, column, dated, runs);
    w
}

/// Narrows `w` to rows whose `column` falls on one of the runs of days: a
/// date (`dated`), else an instant on that UK day.
fn in_runs(w: &mut Where, column: &str, dated: bool, runs: &[(NaiveDate, NaiveDate)]) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    for (first, last) in runs {
        if dated {
            clauses.push(format!("({column} >= ? AND {column} <= ?)"));
            params.extend([Param::Date(*first), Param::Date(*last)]);
        } else {
            clauses.push(format!("({column} >= ? AND {column} < ?)"));
            let after = last.succ_opt().unwrap_or(*last);
            params.extend([
                Param::Time(uk_midnight(*first)),
                Param::Time(uk_midnight(after)),
            ]);
        }
    }
    if clauses.is_empty() {
        clauses.push("FALSE".to_owned());
    }
    w.and(&format!("({})", clauses.join(" OR ")), params);
}

/// Counts the whole programme's rows of `part` in the months given again
/// and keeps them as its pieces (each taken first: [`take_piece`]).
pub async fn keep_pieces(
    tx: &mut Tx,
    grant: &Grant,
    part: Part,
    months: &[i64],
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ViewReports])?;
    if months.is_empty() || !whole_grant(grant) {
        return Ok(());
    }
    let programme = grant.programme_id();
    let code = part.code();
    for m in months {
        take_piece(tx, programme, code, *m, Marks::Month).await?;
    }
    let runs = runs_of(months.iter().map(|m| month_days(*m)));
    let w = in_days(grant, Scope::Programme, part, &runs);
    let sql = match part {
        Part::Referrals | Part::Appointments => {
            let count = match part {
                Part::Referrals => referral_count_sql(tx, &w, None),
                _ => appointment_month_sql(tx, &w),
            };
            format!(
                "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, key, n) \
                 SELECT {programme}, '{code}', x.side, x.dim, x.site_id, x.key, x.n FROM ({count}) x"
            )
        }
        Part::Closed => format!(
            "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, key, ref_id, n) \
             SELECT {programme}, '{code}', x.side, 'closed', x.site_id, x.closure_reason, x.link_worker_id, x.n FROM ({}) x",
            closed_sql(&w, &crate::dialect::month_number(tx, "r.closed_on"))
        ),
        Part::Needs | Part::Onward | Part::Goals => {
            use crate::dialect::{london_date, month_number};
            let mut ignored = Where::new();
            let (at, count) = person_event_sql(event_kind(part), &mut ignored);
            let month = month_number(tx, &london_date(tx, at));
            let count = count.replace("{side}", &month).replace("{where}", &w.sql());
            format!(
                "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, key, ref_id, n) \
                 SELECT {programme}, '{code}', x.side, x.what, x.site_id, x.status, x.service_id, x.n FROM ({count}) x"
            )
        }
    };
    on_tx!(tx, c => bind_where!(sqlx::query(&sql), w).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Cases closed within `w` (referrals `r`, already narrowed to closed
/// ones), by practice, link worker, closure reason and `side` (SQL of the
/// closing day `r.closed_on`: its month, or which period).
fn closed_sql(w: &Where, side: &str) -> String {
    format!(
        "SELECT r.site_id, r.link_worker_id, r.closure_reason, CAST({side} AS BIGINT) AS side, CAST(COUNT(*) AS BIGINT) AS n \
         FROM referrals r {}{} GROUP BY 1, 2, 3, 4",
        join_sites("r.site_id"),
        w.sql()
    )
}

/// The cases of `w` (referrals `r`, narrowed by [`open_at`]) by practice
/// and link worker.
fn open_sql(w: &Where) -> String {
    format!(
        "SELECT r.site_id, r.link_worker_id, CAST(COUNT(*) AS BIGINT) AS n FROM referrals r {}{} GROUP BY 1, 2",
        join_sites("r.site_id"),
        w.sql()
    )
}

/// The referrals of `w` counted by dimension, on each side of `split`, or
/// by month (the side then being the month's number).
async fn count_referrals(
    tx: &mut Tx,
    w: Where,
    split: Option<NaiveDate>,
) -> crate::Result<Vec<CountRow>> {
    let sql = referral_count_sql(tx, &w, split.map(|_| w.next()));
    Ok(match split {
        Some(split) => {
            on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(split).fetch_all(c).await)?
        }
        None => on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?,
    })
}

/// The referral counts' SQL: `side` is 1 on or after the date `$split`,
/// else 0; with no `split`, the month's number.
fn referral_count_sql(tx: &Tx, w: &Where, split: Option<usize>) -> String {
    use crate::dialect::{age_years, days_between, month_number};
    // The first contact reached and first attended appointment are kept
    // on the referral as UK days (migration 28's triggers), and whether it
    // is the person's first referral (migration 29's).
    let contact = days_between(tx, "r.received_on", "r.first_contact_on");
    let attended = days_between(tx, "r.received_on", "r.first_attended_on");
    let age = age_years(
        tx,
        "r.received_on",
        "COALESCE(p.date_of_birth, r.person_date_of_birth)",
    );
    let side = match split {
        Some(n) => format!("CAST(CASE WHEN r.received_on >= ${n} THEN 1 ELSE 0 END AS BIGINT)"),
        None => format!("CAST({} AS BIGINT)", month_number(tx, "r.received_on")),
    };
    // The reasons looked up for each referral counted (`CROSS JOIN` keeps
    // SQLite from reading every reason of the programme to find a few
    // days' referrals: 40 ms for the edges of a run of days).
    let sql = format!(
        "WITH f AS MATERIALIZED (SELECT r.id, r.site_id, {side} AS side, r.source, \
         CASE WHEN r.first_for_person THEN 'new' ELSE 'again' END \
           || CASE WHEN s.deep_end THEN ':deep' ELSE '' END AS kind, \
         {age} AS age, COALESCE(p.sex, '') AS sex, z.decile, {contact} AS contact, {attended} AS attended, \
         -c.area_id AS area \
         FROM referrals r {} LEFT JOIN participants p ON p.id = r.participant_id \
         LEFT JOIN postcodes pc ON pc.postcode = p.postcode LEFT JOIN simd_datazones z ON z.datazone = pc.datazone{}) \
         SELECT 'site' AS dim, side, site_id, kind AS key, COUNT(*) AS n FROM f GROUP BY side, site_id, kind \
         UNION ALL SELECT 'source', side, area, source, COUNT(*) FROM f GROUP BY side, area, source \
         UNION ALL SELECT 'sex', side, area, sex, COUNT(*) FROM f GROUP BY side, area, sex \
         UNION ALL SELECT 'simd', side, area, CAST(decile AS TEXT), COUNT(*) FROM f GROUP BY side, area, decile \
         UNION ALL SELECT 'age', side, area, CAST(age AS TEXT), COUNT(*) FROM f GROUP BY side, area, age \
         UNION ALL SELECT 'contact', side, area, CAST(contact AS TEXT), COUNT(*) FROM f WHERE contact IS NOT NULL GROUP BY side, area, contact \
         UNION ALL SELECT 'attended', side, area, CAST(attended AS TEXT), COUNT(*) FROM f WHERE attended IS NOT NULL GROUP BY side, area, attended \
         UNION ALL SELECT 'reason', f.side, f.area, rr.reason, COUNT(*) FROM f CROSS JOIN referral_reasons rr \
         WHERE rr.referral_id = f.id GROUP BY f.side, f.area, rr.reason",
        join_sites("r.site_id"),
        w.sql()
    );
    sql.replace("COUNT(*)", "CAST(COUNT(*) AS BIGINT)")
}

/// Appointments due in the time asked for, counted by practice and status
/// on each side of `split` (`side` 1 on or after it; a programme has
/// hundreds of thousands: counted in the database, not sent row by row).
/// For the whole programme and whole months, added up from the months
/// kept, as [`referral_counts`]; the months counted afresh are given back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppointmentRow {
    pub site_id: i64,
    pub side: i64,
    pub status: String,
    pub n: i64,
}

pub async fn appointments(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    (first, last, split_day): (NaiveDate, NaiveDate, NaiveDate),
    (from, before, split): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
) -> crate::Result<(Vec<AppointmentRow>, Vec<i64>)> {
    crate::require(grant, &[Permission::ViewReports])?;
    let as_rows = |rows: Vec<CountRow>| -> Vec<AppointmentRow> {
        rows.into_iter()
            .map(|r| AppointmentRow {
                site_id: r.site_id,
                side: r.side,
                status: r.dim,
                n: r.n,
            })
            .collect()
    };
    let count = async |tx: &mut Tx, w: Where| -> crate::Result<Vec<AppointmentRow>> {
        let n = w.next();
        let sql = format!(
            "SELECT a.site_id, CAST(CASE WHEN a.starts_at < ${n} THEN 0 ELSE 1 END AS BIGINT) AS side, a.status, \
             CAST(COUNT(*) AS BIGINT) AS n FROM appointments a {}{} GROUP BY 1, 2, 3",
            join_sites("a.site_id"),
            w.sql()
        );
        Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(split).fetch_all(c).await)?)
    };
    let Some(span) = Span::of(grant, scope, (first, last, split_day), Kept::ByPractice) else {
        let mut w = scoped(grant, scope, "a.link_worker_id = ?");
        w.and("a.starts_at >= ?", [Param::Time(from)]);
        w.and("a.starts_at < ?", [Param::Time(before)]);
        return Ok((count(tx, w).await?, Vec::new()));
    };
    let (rows, stale) = pieces(tx, grant, scope, Part::Appointments, &span).await?;
    let mut rows = as_rows(rows);
    let direct = span.direct(&stale);
    if !direct.is_empty() {
        rows.extend(count(tx, in_days(grant, scope, Part::Appointments, &direct)).await?);
    }
    Ok((rows, stale))
}

/// Appointments of `w` by UK month (`side`), practice and status (`dim`).
fn appointment_month_sql(tx: &Tx, w: &Where) -> String {
    use crate::dialect::{london_date, month_number};
    format!(
        "SELECT a.status AS dim, CAST({} AS BIGINT) AS side, a.site_id, CAST(NULL AS TEXT) AS key, \
         CAST(COUNT(*) AS BIGINT) AS n FROM appointments a {}{} GROUP BY 1, 2, 3",
        month_number(tx, &london_date(tx, "a.starts_at")),
        join_sites("a.site_id"),
        w.sql()
    )
}

/// Cases (referrals accepted by a link worker), counted in the database
/// by practice, worker and closure reason: how many were open at the end
/// of each period and how many were closed in it. A period is its first
/// and last day; `periods[0]` the current one, `periods[1]` the one before.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseCount {
    pub site_id: i64,
    pub link_worker_id: Option<i64>,
    pub closure_reason: Option<String>,
    pub open_now: i64,
    pub open_before: i64,
    pub closed_now: i64,
    pub closed_before: i64,
    pub n: i64,
}

/// The cases counted afresh by [`case_counts`], to be kept: the months
/// of cases closed ([`keep_pieces`] with [`Part::Closed`]) and the months
/// at whose end the open cases were counted ([`keep_open_cases`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseMonths {
    pub closed: Vec<i64>,
    pub open: Vec<i64>,
}

pub async fn case_counts(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    periods: [(NaiveDate, NaiveDate); 2],
) -> crate::Result<(Vec<CaseCount>, CaseMonths)> {
    crate::require(grant, &[Permission::ViewReports])?;
    let [(c0, c1), (p0, p1)] = periods;
    // Whole months of the periods side by side, for a scope the pieces
    // serve: the open cases at each end and the cases closed in the
    // months from the pieces; otherwise every case counted directly.
    let span = if p1.succ_opt() == Some(c0) {
        Span::of(grant, scope, (p0, c1, c0), Kept::ByPractice)
    } else {
        None
    };
    let Some(span) = span else {
        return Ok((
            case_counts_direct(tx, grant, scope, periods).await?,
            CaseMonths::default(),
        ));
    };
    let mut out = Vec::new();
    let mut afresh = CaseMonths::default();
    for (current, end) in [(1, c1), (0, p1)] {
        let rows = open_cases(tx, grant, scope, end, &mut afresh.open).await?;
        out.extend(rows.into_iter().map(
            |(site_id, link_worker_id, n): (i64, Option<i64>, i64)| CaseCount {
                site_id,
                link_worker_id,
                closure_reason: None,
                open_now: current,
                open_before: 1 - current,
                closed_now: 0,
                closed_before: 0,
                n,
            },
        ));
    }
    // Cases closed (rows of site, worker, reason, side and how many) as
    // the figures' rows.
    let (good, stale) = good_and_stale(tx, grant, Part::Closed, &span).await?;
    let flags = |closed: &str| {
        format!(
            "SELECT x.site_id, x.link_worker_id, x.closure_reason, CAST(0 AS BIGINT) AS open_now, \
             CAST(0 AS BIGINT) AS open_before, x.side AS closed_now, CAST(1 - x.side AS BIGINT) AS closed_before, x.n \
             FROM ({closed}) x"
        )
    };
    if !good.is_empty() {
        let sql = flags(&format!(
            "SELECT site_id, ref_id AS link_worker_id, key AS closure_reason, \
             CAST(CASE WHEN month >= {} THEN 1 ELSE 0 END AS BIGINT) AS side, CAST(SUM(n) AS BIGINT) AS n \
             FROM {} WHERE programme_id = $1 AND ref_id IS NOT NULL{} \
             GROUP BY 1, 2, 3, 4",
            span.at,
            good_rows(tx, grant, Part::Closed, span.at, &good).await?,
            piece_sites(scope)
        ));
        out.extend(on_tx!(tx, c => sqlx::query_as::<_, CaseCount>(&sql).bind(grant.programme_id()).fetch_all(c).await)?);
    }
    let direct = span.direct(&stale);
    if !direct.is_empty() {
        let mut w = in_days(grant, scope, Part::Closed, &direct);
        w.and("r.link_worker_id IS NOT NULL", Vec::new());
        let side = format!("CASE WHEN r.closed_on >= ${} THEN 1 ELSE 0 END", w.next());
        let sql = flags(&closed_sql(&w, &side));
        out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CaseCount>(&sql), w).bind(c0).fetch_all(c).await)?);
    }
    afresh.closed = stale;
    Ok((out, afresh))
}

/// Narrows `w` (referrals `r`) to the cases open at the end of day `end`:
/// accepted by a link worker, received by then and not closed by then.
fn open_at(w: &mut Where, end: NaiveDate) {
    taken_on(w);
    w.and("r.received_on <= ?", [Param::Date(end)]);
    w.and(
        "(r.closed_on IS NULL OR r.closed_on > ?)",
        [Param::Date(end)],
    );
    w.and(
        "NOT (r.status = 'closed' AND r.closed_on IS NULL)",
        Vec::new(),
    );
}

/// Referrals taken on as cases: given a link worker, not declined.
fn taken_on(w: &mut Where) {
    w.and("r.link_worker_id IS NOT NULL", Vec::new());
    w.and("r.status <> 'declined'", Vec::new());
}

/// The cases open at the end of the day `end` (a scope the pieces serve),
/// by practice and link worker: the piece of the month ending that day, or
/// of the month before with the days since (the cases received in them and
/// still open added, those closed in them taken away); else counted
/// directly, and the month's end noted in `afresh` to be kept.
async fn open_cases(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    end: NaiveDate,
    afresh: &mut Vec<i64>,
) -> crate::Result<Vec<(i64, Option<i64>, i64)>> {
    let whole = end.succ_opt().is_some_and(|d| d.day() == 1);
    let m = if whole {
        month_number(end)
    } else {
        month_number(end) - 1
    };
    let Some(kept) = open_piece(tx, grant, scope, m).await? else {
        afresh.push(m);
        let mut w = scoped(grant, scope, "r.link_worker_id = ?");
        open_at(&mut w, end);
        let sql = open_sql(&w);
        return Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?);
    };
    if whole {
        return Ok(kept);
    }
    let (month_end, first) = {
        let (first, _) = month_days(month_number(end));
        (first.pred_opt().unwrap_or(first), first)
    };
    let mut open: std::collections::BTreeMap<(i64, Option<i64>), i64> = Default::default();
    for (site, worker, n) in kept {
        *open.entry((site, worker)).or_default() += n;
    }
    // Received in the days since the month's end, and open at `end`.
    let mut w = scoped(grant, scope, "r.link_worker_id = ?");
    open_at(&mut w, end);
    w.and("r.received_on >= ?", [Param::Date(first)]);
    let sql = open_sql(&w);
    let added: Vec<(i64, Option<i64>, i64)> =
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?;
    // Open at the month's end, closed since: found by their closing day.
    let mut w = scoped(grant, scope, "r.link_worker_id = ?");
    taken_on(&mut w);
    let received = crate::dialect::not_by_index(tx, "r.received_on");
    w.and(&format!("{received} <= ?"), [Param::Date(month_end)]);
    w.and("r.closed_on > ?", [Param::Date(month_end)]);
    w.and("r.closed_on <= ?", [Param::Date(end)]);
    let sql = open_sql(&w);
    let closed: Vec<(i64, Option<i64>, i64)> =
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?;
    for (site, worker, n) in added {
        *open.entry((site, worker)).or_default() += n;
    }
    for (site, worker, n) in closed {
        *open.entry((site, worker)).or_default() -= n;
    }
    Ok(open
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((site, worker), n)| (site, worker, n))
        .collect())
}

/// The cases open at the end of month `m` kept (by practice and link
/// worker), when still good: no month up to `m` marked since.
async fn open_piece(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    m: i64,
) -> crate::Result<Option<Vec<(i64, Option<i64>, i64)>>> {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM figure_pieces WHERE programme_id = $1 AND part = 'open' AND month = $2 \
         AND mark = {}",
        marks_of("$2", Marks::Through)
    );
    let good: i64 = on_tx!(tx, c => sqlx::query_scalar(&sql).bind(grant.programme_id()).bind(m).fetch_one(c).await)?;
    if good != 1 {
        return Ok(None);
    }
    let sql = format!(
        "SELECT site_id, ref_id, n FROM figure_piece_rows WHERE programme_id = $1 AND part = 'open' AND month = $2{}",
        piece_sites(scope)
    );
    Ok(Some(
        on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(m).fetch_all(c).await)?,
    ))
}

/// Counts the whole programme's cases open at the end of each month given
/// again and keeps them (each piece taken first, with the marks of every
/// month up to its own: see [`keep_pieces`]).
pub async fn keep_open_cases(tx: &mut Tx, grant: &Grant, months: &[i64]) -> crate::Result<()> {
    crate::require(grant, &[Permission::ViewReports])?;
    if !whole_grant(grant) {
        return Ok(());
    }
    let programme = grant.programme_id();
    for m in months {
        take_piece(tx, programme, "open", *m, Marks::Through).await?;
        let mut w = scoped(grant, Scope::Programme, "FALSE");
        open_at(&mut w, month_days(*m).1);
        let sql = format!(
            "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, ref_id, n) \
             SELECT {programme}, 'open', {m}, 'open', x.site_id, x.link_worker_id, x.n FROM ({}) x",
            open_sql(&w)
        );
        on_tx!(tx, c => bind_where!(sqlx::query(&sql), w).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// The cases of the two periods counted directly (a link worker's, a
/// grant of some practices', periods not of whole months).
async fn case_counts_direct(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    periods: [(NaiveDate, NaiveDate); 2],
) -> crate::Result<Vec<CaseCount>> {
    let first = periods[0].0.min(periods[1].0);
    let last = periods[0].1.max(periods[1].1);
    let mut w = scoped(grant, scope, "r.link_worker_id = ?");
    w.and("r.link_worker_id IS NOT NULL", []);
    w.and("r.status <> 'declined'", []);
    // Open at an end: received by then; closed in a period: whenever it
    // was received (a closing day may come before a receipt day edited
    // later), as the kept months count them.
    w.and(
        "(r.received_on <= ? OR r.closed_on <= ?)",
        [Param::Date(last), Param::Date(last)],
    );
    w.and(
        "(r.closed_on IS NULL OR r.closed_on >= ?)",
        [Param::Date(first)],
    );
    let n = w.next();
    // $n, $n+1: the current period's first and last day; $n+2, $n+3 the
    // previous one's.
    let open = |end: usize| {
        format!(
            "CAST(CASE WHEN r.received_on <= ${end} AND (r.closed_on IS NULL OR r.closed_on > ${end}) \
             AND NOT (r.status = 'closed' AND r.closed_on IS NULL) THEN 1 ELSE 0 END AS BIGINT)"
        )
    };
    let closed = |from: usize| {
        format!(
            "CAST(CASE WHEN r.status = 'closed' AND r.closed_on >= ${from} AND r.closed_on <= ${} THEN 1 ELSE 0 END AS BIGINT)",
            from + 1
        )
    };
    let sql = format!(
        "SELECT r.site_id, r.link_worker_id, r.closure_reason, {} AS open_now, {} AS open_before, {} AS closed_now, {} AS closed_before, \
         CAST(COUNT(*) AS BIGINT) AS n FROM referrals r {}{} GROUP BY 1, 2, 3, 4, 5, 6, 7",
        open(n + 1),
        open(n + 3),
        closed(n),
        closed(n + 2),
        join_sites("r.site_id"),
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(periods[0].0).bind(periods[0].1).bind(periods[1].0).bind(periods[1].1)
        .fetch_all(c).await)?)
}

/// A referral reopened (from closed or declined) in the time asked for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReopenRow {
    pub site_id: i64,
    pub link_worker_id: Option<i64>,
    pub at: DateTime<Utc>,
}

pub async fn reopenings(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> crate::Result<Vec<ReopenRow>> {
    crate::require(grant, &[Permission::ViewReports])?;
    let mut w = scoped(grant, scope, "r.link_worker_id = ?");
    w.and("x.programme_id = ?", [Param::I64(grant.programme_id())]);
    w.and("x.from_status IN ('closed', 'declined')", []);
    w.and("x.to_status NOT IN ('closed', 'declined')", []);
    w.and("x.at >= ?", [Param::Time(from)]);
    w.and("x.at < ?", [Param::Time(before)]);
    let sql = format!(
        "SELECT r.site_id, r.link_worker_id, x.at FROM referral_status_changes x JOIN referrals r ON r.id = x.referral_id {}{}",
        join_sites("r.site_id"),
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// A handover of a case from one practice or worker to another, counted at
/// the practice it left.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HandoverRow {
    pub site_id: i64,
    pub to_site_id: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn handovers(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> crate::Result<Vec<HandoverRow>> {
    crate::require(grant, &[Permission::ViewReports])?;
    let mut w = scoped(grant, scope, "h.from_worker_id = ?");
    w.and("h.created_at >= ?", [Param::Time(from)]);
    w.and("h.created_at < ?", [Param::Time(before)]);
    let sql = format!(
        "SELECT h.from_site_id AS site_id, h.to_site_id, h.created_at FROM handovers h {}{}",
        join_sites("h.from_site_id"),
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// Something recorded about a person (a need identified, an onward
/// referral, a goal achieved), at the practice holding their record; for
/// onward support, also rows of practice 0 by service, with its category
/// and organisation (a practice's rows leave them out: a year makes
/// thousands of practice, status and service groups, but the figures
/// split by practice and by service apart).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonEventRow {
    pub site_id: i64,
    /// 1 on or after the split, else 0.
    pub side: i64,
    /// The need, or the onward support's kind.
    pub what: String,
    /// The onward support's status.
    pub status: Option<String>,
    /// The onward support's directory category and organisation.
    pub category: Option<String>,
    pub organization: Option<String>,
    /// How many such events (counted in the database).
    pub n: i64,
}

/// The category a directory service is counted under: the top-level
/// category of its first "what" term (its own name when it has no parent).
pub(crate) fn service_category(service_id: &str) -> String {
    format!(
        "(SELECT COALESCE(pt.name, t.name) FROM dir_service_terms st JOIN dir_terms t ON t.id = st.term_id \
         LEFT JOIN dir_terms pt ON pt.id = t.parent_id WHERE st.service_id = {service_id} AND t.taxonomy = 'what' \
         ORDER BY t.id LIMIT 1)"
    )
}

/// The kind of person event a part counts.
fn event_kind(part: Part) -> &'static str {
    match part {
        Part::Needs => "needs",
        Part::Onward => "onward",
        _ => "goals",
    }
}

/// The rows of a kind of person event within `w` (scoped), their instant
/// column's name and the rest of the counting query: `SELECT` of
/// `site_id, side, what, status, service_id, n` with `{side}` standing for
/// the side's expression.
fn person_event_sql(kind: &str, w: &mut Where) -> (&'static str, String) {
    w.and("p.merged_into IS NULL", Vec::new());
    let (columns, from_table, at) = match kind {
        "needs" => (
            "n.need AS what, CAST(NULL AS TEXT) AS status, CAST(NULL AS BIGINT) AS service_id",
            "needs n JOIN participants p ON p.id = n.participant_id",
            "n.created_at",
        ),
        "onward" => (
            "o.kind AS what, o.status, o.service_id",
            "onward_support o JOIN participants p ON p.id = o.participant_id",
            "o.created_at",
        ),
        _ => (
            "CAST('achieved' AS TEXT) AS what, CAST(NULL AS TEXT) AS status, CAST(NULL AS BIGINT) AS service_id",
            "goal_reviews gr JOIN goals g ON g.id = gr.goal_id JOIN participants p ON p.id = g.participant_id",
            "gr.reviewed_at",
        ),
    };
    if kind == "goals" {
        w.and("gr.status = 'achieved'", Vec::new());
    }
    if kind == "onward" {
        // Each practice's rows without the service, and each area's (minus
        // its id) by service: a third of the rows of practice by service,
        // so that years of them add up quickly (the pieces keep these).
        let sql = format!(
            "SELECT CASE WHEN k.t = 0 THEN x.site_id ELSE x.area END AS site_id, x.side, x.what, x.status, \
             CASE WHEN k.t = 0 THEN CAST(NULL AS BIGINT) ELSE x.service_id END AS service_id, CAST(SUM(x.n) AS BIGINT) AS n \
             FROM (SELECT p.site_id, -c.area_id AS area, CAST({{side}} AS BIGINT) AS side, {columns}, COUNT(*) AS n \
             FROM {from_table} {}{{where}} GROUP BY 1, 2, 3, 4, 5, 6) x \
             CROSS JOIN (SELECT 0 AS t UNION ALL SELECT 1) k GROUP BY 1, 2, 3, 4, 5",
            join_sites("p.site_id"),
        );
        return (at, sql);
    }
    let sql = format!(
        "SELECT p.site_id, CAST({{side}} AS BIGINT) AS side, {columns}, CAST(COUNT(*) AS BIGINT) AS n FROM {from_table} {}{{where}} \
         GROUP BY 1, 2, 3, 4, 5",
        join_sites("p.site_id"),
    );
    (at, sql)
}

/// Needs identified (`needs`), onward referrals and signposting
/// (`onward`), or goals achieved (`goals`) in the time asked for, on each
/// side of `split`. For the whole programme and whole months, added up
/// from the months kept, as [`referral_counts`]; the months counted
/// afresh are given back. Each service is named after counting (its first
/// "what" term's top-level category, and its organisation): a year's
/// onward support makes thousands of groups but names a few services.
pub async fn person_events(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    kind: &str,
    (first, last, split_day): (NaiveDate, NaiveDate, NaiveDate),
    (from, before, split): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
) -> crate::Result<(Vec<PersonEventRow>, Vec<i64>)> {
    crate::require(grant, &[Permission::ViewReports])?;
    let part = match kind {
        "needs" => Part::Needs,
        "onward" => Part::Onward,
        _ => Part::Goals,
    };
    // Each practice's rows, without the service; and for onward support,
    // rows of practice 0 by service (its category and organisation), from
    // the areas' rows ([`person_event_sql`]).
    let named = |counted: &str| {
        format!(
            "WITH g AS MATERIALIZED ({counted}), \
             named AS MATERIALIZED (SELECT v.service_id, {} AS category, \
             (SELECT org.name FROM dir_services ds JOIN dir_organizations org ON org.id = ds.organization_id WHERE ds.id = v.service_id) AS organization \
             FROM (SELECT DISTINCT service_id FROM g WHERE service_id IS NOT NULL) v) \
             SELECT g.site_id, g.side, g.what, g.status, CAST(NULL AS TEXT) AS category, CAST(NULL AS TEXT) AS organization, \
             CAST(SUM(g.n) AS BIGINT) AS n FROM g WHERE g.site_id > 0 GROUP BY 1, 2, 3, 4 \
             UNION ALL SELECT 0, g.side, g.what, g.status, named.category, named.organization, CAST(SUM(g.n) AS BIGINT) \
             FROM g LEFT JOIN named ON named.service_id = g.service_id WHERE g.site_id < 0 GROUP BY 2, 3, 4, 5, 6",
            service_category("v.service_id"),
        )
    };
    // Onward support's services are kept by area.
    let kept = match part {
        Part::Onward => Kept::ByArea,
        _ => Kept::ByPractice,
    };
    let Some(span) = Span::of(grant, scope, (first, last, split_day), kept) else {
        let mut w = scoped(grant, scope, PERSON_OF_WORKER);
        let (at, sql) = person_event_sql(kind, &mut w);
        // A cluster's or a practice's events are found from its people (a
        // few thousand in ten years), not from every event of the days.
        let by_day = match scope {
            Scope::Cluster(_) | Scope::Practice(_) => crate::dialect::not_by_index(tx, at),
            _ => at.to_owned(),
        };
        w.and(&format!("{by_day} >= ?"), [Param::Time(from)]);
        w.and(&format!("{by_day} < ?"), [Param::Time(before)]);
        let side = format!("CASE WHEN {at} < ${} THEN 0 ELSE 1 END", w.next());
        let sql = named(&sql.replace("{side}", &side).replace("{where}", &w.sql()));
        let rows =
            on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(split).fetch_all(c).await)?;
        return Ok((rows, Vec::new()));
    };
    let at_month = span.at;
    let (good, stale) = good_and_stale(tx, grant, part, &span).await?;
    let direct = span.direct(&stale);
    let mut counted = Vec::new();
    if !good.is_empty() {
        counted.push(format!(
            "SELECT site_id, CAST(CASE WHEN month >= {at_month} THEN 1 ELSE 0 END AS BIGINT) AS side, dim AS what, \
             key AS status, ref_id AS service_id, CAST(SUM(n) AS BIGINT) AS n FROM {} \
             WHERE programme_id = {}{} GROUP BY 1, 2, 3, 4, 5",
            good_rows(tx, grant, part, at_month, &good).await?,
            grant.programme_id(),
            piece_sites(scope)
        ));
    }
    let w = if direct.is_empty() {
        Where::new()
    } else {
        in_days(grant, scope, part, &direct)
    };
    if !direct.is_empty() {
        let mut ignored = Where::new();
        let (at, sql) = person_event_sql(kind, &mut ignored);
        let side = format!("CASE WHEN {at} < ${} THEN 0 ELSE 1 END", w.next());
        counted.push(sql.replace("{side}", &side).replace("{where}", &w.sql()));
    }
    if counted.is_empty() {
        return Ok((Vec::new(), stale));
    }
    let sql = named(&counted.join(" UNION ALL "));
    let rows = if direct.is_empty() {
        on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await)?
    } else {
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(split).fetch_all(c).await)?
    };
    Ok((rows, stale))
}

/// Wellbeing changes in a period: for each person with a score of a kind
/// taken in it, the change from their baseline (the score marked baseline,
/// else their first, among those up to the period's end) to their latest
/// score in the period, when the baseline came first; counted in the
/// database by the person's practice, kind and change.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChangeRow {
    pub site_id: i64,
    /// `swemwbs` (metric score) or `ons4` (life satisfaction, 0 to 10).
    pub kind: String,
    pub change: f64,
    pub n: i64,
}

pub async fn measure_changes(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    first: NaiveDate,
    last: NaiveDate,
) -> crate::Result<(Vec<ChangeRow>, bool)> {
    crate::require(grant, &[Permission::ViewReports])?;
    // A period of whole months of the whole programme is kept (its pairs
    // depend on scores taken up to its last day, so on the marks of every
    // month up to its last: a score taken later leaves it be).
    if let Some((m0, m1)) = whole_months(grant, scope, (first, last)) {
        let code = format!("measures:{m0}");
        if period_piece_good(tx, grant, &code, m1).await? {
            let sql = format!(
                "SELECT site_id, dim AS kind, value AS change, n FROM figure_piece_rows \
                 WHERE programme_id = $1 AND part = '{code}' AND month = $2{}",
                piece_sites(scope)
            );
            let rows = on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(m1).fetch_all(c).await)?;
            return Ok((rows, false));
        }
    }
    let mut w = scoped(grant, scope, PERSON_OF_WORKER);
    w.and("p.merged_into IS NULL", []);
    let n = w.next();
    let sql = format!(
        "SELECT z.site_id, z.kind, z.score - z.base_score AS change, CAST(COUNT(*) AS BIGINT) AS n FROM ({}) z GROUP BY 1, 2, 3",
        paired_scores(
            tx,
            &join_sites("p.site_id"),
            &w.sql(),
            n,
            &scores_of_worker(worker_of(scope))
        )
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(first).bind(last).bind(grant.programme_id()).fetch_all(c).await)?;
    Ok((rows, whole_months(grant, scope, (first, last)).is_some()))
}

/// Whether the piece `code` of a period ending in month `m1` (kept
/// whole: its counts depend on every month up to its last) is good.
async fn period_piece_good(tx: &mut Tx, grant: &Grant, code: &str, m1: i64) -> crate::Result<bool> {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM figure_pieces WHERE programme_id = $1 AND part = '{code}' AND month = $2 \
         AND mark = {}",
        marks_of("$2", Marks::Through)
    );
    let good: i64 = on_tx!(tx, c => sqlx::query_scalar(&sql).bind(grant.programme_id()).bind(m1).fetch_one(c).await)?;
    Ok(good == 1)
}

/// For a period of whole months of the whole programme, takes the piece
/// `{what}:<first month>` kept at its last month (see [`take_piece`]) and
/// gives its code and last month, for its rows to be counted again; `None`
/// for any other period.
async fn take_period_piece(
    tx: &mut Tx,
    grant: &Grant,
    what: &str,
    days: (NaiveDate, NaiveDate),
) -> crate::Result<Option<(String, i64)>> {
    crate::require(grant, &[Permission::ViewReports])?;
    let Some((m0, m1)) = whole_months(grant, Scope::Programme, days) else {
        return Ok(None);
    };
    let code = format!("{what}:{m0}");
    take_piece(tx, grant.programme_id(), &code, m1, Marks::Through).await?;
    Ok(Some((code, m1)))
}

/// Counts the whole programme's wellbeing changes of a period of whole
/// months again and keeps them, with the marks of every month up to its
/// last as this transaction first sees them (see [`keep_pieces`]).
pub async fn keep_measure_changes(
    tx: &mut Tx,
    grant: &Grant,
    first: NaiveDate,
    last: NaiveDate,
) -> crate::Result<()> {
    let Some((code, m1)) = take_period_piece(tx, grant, "measures", (first, last)).await? else {
        return Ok(());
    };
    let programme = grant.programme_id();
    let mut w = scoped(grant, Scope::Programme, PERSON_OF_WORKER);
    w.and("p.merged_into IS NULL", []);
    let n = w.next();
    let sql = format!(
        "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, value, n) \
         SELECT {programme}, '{code}', {m1}, z.kind, z.site_id, z.score - z.base_score, CAST(COUNT(*) AS BIGINT) \
         FROM ({}) z GROUP BY z.kind, z.site_id, z.score - z.base_score",
        paired_scores(tx, &join_sites("p.site_id"), &w.sql(), n, "")
    );
    on_tx!(tx, c => bind_where!(sqlx::query(&sql), w).bind(first).bind(last).bind(programme).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Each person's latest score of a kind in a period beside their baseline
/// (the score marked baseline, else their first, among those up to the
/// period's end), when the baseline came first: one row a person and kind,
/// with `participant_id`, `site_id`, `kind`, `base_score`, `base_on`,
/// `score` and `taken_on`. Only the period's own scores are read: each
/// person's first score and first marked baseline are kept in
/// `measure_baselines` (migration 30). The latest scores are found first
/// (kept apart, so that SQLite's planner starts from them, not from the
/// practices); `where_sql` then narrows them (`m`: `participant_id`,
/// `kind`, `taken_on`, `score`) and the people (`p`, their practice joined
/// by `sites_join`). Parameters `n`, `n + 1` and `n + 2` are the period's
/// first and last day and the programme. The figures count these rows; the
/// list behind them shows them.
pub(crate) fn paired_scores(
    tx: &Tx,
    sites_join: &str,
    where_sql: &str,
    n: usize,
    narrow: &str,
) -> String {
    let (last, programme) = (n + 1, n + 2);
    // Each person's latest score of each kind in the period: PostgreSQL
    // estimates DISTINCT ON's rows from the columns' statistics (it took a
    // window's first rows for a few thousand, not half a million, and
    // joined them to every cluster in turn: 34 s for a nation's quarter);
    // SQLite has no DISTINCT ON.
    let latest = if crate::dialect::is_postgres(tx) {
        format!(
            "SELECT DISTINCT ON (m.participant_id, m.kind) m.participant_id, m.kind, m.taken_on, m.score \
             FROM measures m WHERE m.programme_id = ${programme} AND m.taken_on >= ${n} AND m.taken_on <= ${last}{narrow} \
             ORDER BY m.participant_id, m.kind, m.taken_on DESC, m.id DESC"
        )
    } else {
        // SQLite takes a group's bare columns from the row where its one
        // `MAX` is (documented, "Bare columns in an aggregate query"): the
        // latest day, then the latest written. A third of a window's time
        // (ten years of the programme: 0.7 → 0.24 s under load).
        format!(
            "SELECT m.participant_id, m.kind, m.taken_on, m.score, MAX(m.taken_on || printf('%020d', m.id)) AS latest \
             FROM measures m WHERE m.programme_id = ${programme} AND m.taken_on >= ${n} AND m.taken_on <= ${last}{narrow} \
             GROUP BY m.participant_id, m.kind"
        )
    };
    let base = |column: &str| {
        format!(
            "CASE WHEN f.baseline_on <= ${last} THEN f.baseline_{column} ELSE f.first_{column} END"
        )
    };
    format!(
        "WITH m AS MATERIALIZED ({latest}) \
         SELECT y.participant_id, y.site_id, y.kind, y.base_score, y.base_on, y.score, y.taken_on FROM (\
           SELECT m.participant_id, p.site_id, m.kind, {} AS base_score, {} AS base_on, m.score, m.taken_on \
           FROM m JOIN measure_baselines f ON f.participant_id = m.participant_id AND f.kind = m.kind \
           JOIN participants p ON p.id = m.participant_id {sites_join}{where_sql}) y \
         WHERE y.base_on < y.taken_on",
        base("score"),
        base("on")
    )
}

/// How many of something happened in a UK month (`YYYY-MM`): `what` is
/// `referrals` (received), `attended` (appointments) or `closed` (cases).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthRow {
    pub what: String,
    pub month: String,
    pub n: i64,
}

/// Referrals received, appointments attended and cases closed in each UK
/// month from `first` to `last` (`from` and `before`: the same days as
/// instants), for the figures' chart over time; and the months of the
/// pieces it counted directly, to be kept (see [`referral_counts`]).
pub async fn by_month(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    (first, last): (NaiveDate, NaiveDate),
    (from, before): (DateTime<Utc>, DateTime<Utc>),
) -> crate::Result<(Vec<MonthRow>, Vec<(Part, Vec<i64>)>)> {
    use crate::dialect::{london_date, month_of};
    crate::require(grant, &[Permission::ViewReports])?;
    let mut out = Vec::new();
    // Referrals received, appointments attended and cases closed are added up
    // from the months kept where they are good; the other days are counted below.
    let mut stale: [Option<Vec<i64>>; 3] = [None, None, None];
    let mut direct: [Option<Vec<(NaiveDate, NaiveDate)>>; 3] = [None, None, None];
    // Both parts keep these rows by practice, so an area, a cluster or a
    // practice adds up its own.
    if let Some(span) = Span::of(grant, scope, (first, last, first), Kept::ByPractice) {
        for (i, (what, part, dim)) in [
            ("referrals", Part::Referrals, "site"),
            ("attended", Part::Appointments, "attended"),
            ("closed", Part::Closed, "closed"),
        ]
        .into_iter()
        .enumerate()
        {
            let (good, months) = good_and_stale(tx, grant, part, &span).await?;
            direct[i] = Some(span.direct(&months));
            stale[i] = Some(months);
            if good.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT month, CAST(SUM(n) AS BIGINT) FROM figure_piece_rows WHERE programme_id = $1 AND part = '{}' \
                 AND month IN ({}) AND dim = '{dim}'{} GROUP BY month",
                part.code(),
                numbers(&good),
                piece_sites(scope)
            );
            let rows: Vec<(i64, i64)> = on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).fetch_all(c).await)?;
            out.extend(rows.into_iter().map(|(m, n)| MonthRow {
                what: what.to_owned(),
                month: format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
                n,
            }));
        }
    }
    for what in ["referrals", "attended", "closed"] {
        let (table, site, worker, month) = match what {
            "referrals" => (
                "referrals r",
                "r.site_id",
                "r.link_worker_id = ?",
                month_of(tx, "r.received_on"),
            ),
            "attended" => (
                "appointments a",
                "a.site_id",
                "a.link_worker_id = ?",
                month_of(tx, &london_date(tx, "a.starts_at")),
            ),
            _ => (
                "referrals r",
                "r.site_id",
                "r.link_worker_id = ?",
                month_of(tx, "r.closed_on"),
            ),
        };
        let mut w = scoped(grant, scope, worker);
        match what {
            "referrals" => {
                w.and("r.received_on >= ?", [Param::Date(first)]);
                w.and("r.received_on <= ?", [Param::Date(last)]);
            }
            "attended" => {
                w.and("a.status = 'attended'", []);
                w.and("a.starts_at >= ?", [Param::Time(from)]);
                w.and("a.starts_at < ?", [Param::Time(before)]);
            }
            _ => {
                // Around the pieces, the few closed on the days left are
                // found by their day, not among every closed case of each
                // practice (as the cases closed are: [`in_days`]).
                if direct[2].is_some() {
                    w.and("r.status || '' = 'closed'", []);
                } else {
                    w.and("r.status = 'closed'", []);
                }
                w.and("r.closed_on >= ?", [Param::Date(first)]);
                w.and("r.closed_on <= ?", [Param::Date(last)]);
            }
        }
        // Only the days not added up from the pieces.
        let left = match what {
            "referrals" => direct[0].as_ref().map(|d| (d, "r.received_on", true)),
            "attended" => direct[1].as_ref().map(|d| (d, "a.starts_at", false)),
            _ => direct[2].as_ref().map(|d| (d, "r.closed_on", true)),
        };
        if let Some((runs, column, dated)) = left {
            if runs.is_empty() {
                continue;
            }
            in_runs(&mut w, column, dated, runs);
        }
        let sql = format!(
            "SELECT CAST('{what}' AS TEXT) AS what, {month} AS month, CAST(COUNT(*) AS BIGINT) AS n FROM {table} {}{} GROUP BY 2",
            join_sites(site),
            w.sql()
        );
        let rows: Vec<MonthRow> =
            on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?;
        out.extend(rows);
    }
    // The months counted here are kept after the report, as its own are.
    let keep = [Part::Referrals, Part::Appointments, Part::Closed]
        .into_iter()
        .zip(stale)
        .filter_map(|(part, months)| months.filter(|m| !m.is_empty()).map(|m| (part, m)))
        .collect();
    Ok((out, keep))
}

/// A practice of the scope, for the per-practice tables (every practice,
/// also those with nothing to count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PracticeRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub deep_end: bool,
}

pub async fn practices(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
) -> crate::Result<Vec<PracticeRow>> {
    crate::require(grant, &[Permission::ViewReports])?;
    let mut w = scoped(
        grant,
        scope,
        "s.id IN (SELECT us.site_id FROM user_sites us WHERE us.user_id = ?)",
    );
    w.and("s.kind = 'gp_practice'", []);
    let sql = format!(
        "SELECT s.id, s.name, s.code, s.deep_end FROM sites s JOIN clusters c ON c.id = s.cluster_id{} ORDER BY s.name, s.id",
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// Something a report can be scoped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ScopeOption {
    pub id: i64,
    /// The area's or cluster's name, the practice's code, the worker's email.
    pub key: String,
    pub label: String,
}

/// What a grant may scope reports to: areas, clusters, practices and link
/// workers (for a link worker: their own practices, and themselves).
pub async fn scope_options(tx: &mut Tx, grant: &Grant) -> crate::Result<[Vec<ScopeOption>; 4]> {
    crate::require(grant, &[Permission::ViewReports])?;
    let mut w = Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    w.and("s.kind = 'gp_practice'", []);
    let sites = format!("SELECT s.id FROM sites s{}", w.sql());
    let areas = format!(
        "SELECT DISTINCT a.id, a.name AS key, a.name AS label FROM areas a JOIN clusters c ON c.area_id = a.id \
         JOIN sites s ON s.cluster_id = c.id WHERE s.id IN ({sites}) ORDER BY a.name"
    );
    let clusters = format!(
        "SELECT DISTINCT c.id, c.name AS key, c.name AS label FROM clusters c JOIN sites s ON s.cluster_id = c.id \
         WHERE s.id IN ({sites}) ORDER BY c.name"
    );
    let practices = format!(
        "SELECT s.id, s.code AS key, s.name AS label FROM sites s WHERE s.id IN ({sites}) ORDER BY s.name"
    );
    let mut workers = format!(
        "SELECT DISTINCT u.id, u.email AS key, u.name AS label FROM users u JOIN user_sites us ON us.user_id = u.id \
         WHERE u.role = 'link-worker' AND us.site_id IN ({sites})"
    );
    let (_, whole, user) = grant.scope().params();
    if !whole {
        workers.push_str(&format!(" AND u.id = {user}"));
    }
    workers.push_str(" ORDER BY u.name");
    let mut out: [Vec<ScopeOption>; 4] = Default::default();
    for (i, sql) in [areas, clusters, practices, workers].iter().enumerate() {
        out[i] = on_tx!(tx, c => bind_where!(sqlx::query_as(sql), w).fetch_all(c).await)?;
    }
    Ok(out)
}

/// The programme's sites (id, name, code) and users (id, name), to name
/// what the figures count.
#[allow(clippy::type_complexity)]
pub async fn names(
    tx: &mut Tx,
    grant: &Grant,
) -> crate::Result<(Vec<(i64, String, String)>, Vec<(i64, String)>)> {
    crate::require(grant, &[Permission::ViewReports])?;
    let p = grant.programme_id();
    let sites = on_tx!(tx, c => sqlx::query_as("SELECT id, name, code FROM sites WHERE programme_id = $1")
        .bind(p).fetch_all(c).await)?;
    let users = on_tx!(tx, c => sqlx::query_as("SELECT id, name FROM users WHERE programme_id = $1")
        .bind(p).fetch_all(c).await)?;
    Ok((sites, users))
}

/// The month of the programme's first referral (the first month there is
/// anything to count), or `None` when it has none.
pub async fn first_month(tx: &mut Tx, grant: &Grant) -> crate::Result<Option<i64>> {
    crate::require(grant, &[Permission::ViewReports])?;
    let first: Option<NaiveDate> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MIN(received_on) FROM referrals WHERE programme_id = $1")
        .bind(grant.programme_id()).fetch_one(c).await)?;
    Ok(first.map(month_number))
}

/// The programme's data version (see migration 18), as the transaction
/// sees it.
pub async fn data_version(tx: &mut Tx, programme_id: i64) -> crate::Result<i64> {
    let v: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT version FROM data_versions WHERE programme_id = $1")
        .bind(programme_id).fetch_optional(c).await)?;
    Ok(v.unwrap_or(0))
}

/// One more change to the programme's data, in the change's transaction
/// (on PostgreSQL this holds the programme's row to the commit, as the
/// audit chain's head does).
pub async fn bump_data_version(tx: &mut Tx, programme_id: i64) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO data_versions (programme_id, version) VALUES ($1, 1) \
        ON CONFLICT (programme_id) DO UPDATE SET version = data_versions.version + 1")
        .bind(programme_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// `column` (a user's id) is a partner's staff account's.
fn partners_of(column: &str) -> String {
    format!("{column} IN (SELECT pu.id FROM users pu WHERE pu.role = 'partner')")
}

/// The work beyond one-to-one (issue 11), counted in the database in the
/// shape of [`CountRow`] (dimension, side of the split, site, key, how
/// many):
/// - `group_attendance` (key: the group's kind) and `group_people`
///   (distinct people), at the practice holding each registered person's
///   record; `course_completed`, likewise;
/// - `group_sessions` and `group_others` (key: kind; site 0): sessions
///   held, and others who came to them — the whole programme's for the
///   programme seen whole, else those a person of the scope came to;
/// - `practice_activity` (key: kind) and `practice_attending` (people
///   attending them), at their practice (a worker: those they recorded);
/// - `vouchers` and `voucher_pence` (key: the fund's name), at the
///   person's practice;
/// - `partner_answers` (key: the status a partner's staff gave) at the
///   person's practice, by the day they answered;
/// - `partner_referrals` (key: the partner's organisation), referrals
///   made by partners' staff, at the practice referred to.
///
/// Days (`first`, `last`, `split_day`) bound what is dated by the day;
/// instants (`from`, `before`, `split`) what is stamped with a time.
///
/// For the whole programme or an area, each side that is whole months is
/// read from its piece where that is good (migration 35: the period's rows
/// kept whole, as its wellbeing changes are, for the distinct people who
/// came to a group do not add up across months; by practice, and the
/// sessions by area as well, with `site_id` minus the area's id); the
/// sides counted here that are whole months are given back, to be kept
/// with [`keep_wider_work`].
pub async fn wider_work(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    (first, last, split_day): (NaiveDate, NaiveDate, NaiveDate),
    (from, before, split): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
) -> crate::Result<(Vec<CountRow>, Vec<(NaiveDate, NaiveDate)>)> {
    crate::require(grant, &[Permission::ViewReports])?;
    let mut rows = Vec::new();
    let mut keep = Vec::new();
    let mut count = Vec::new();
    // Each side within the days asked for (the split may fall outside).
    let before_split = split_day.pred_opt().unwrap_or(split_day).min(last);
    for (side, days, instants) in [
        (0, (first, before_split), (from, split.min(before))),
        (1, (split_day.max(first), last), (split.max(from), before)),
    ] {
        if days.0 > days.1 {
            continue;
        }
        // The programme's rows are its practices' and its sessions (site
        // 0); an area's, its practices' and the sessions one of its people
        // came to (kept by area: minus its id).
        let sites = match scope {
            Scope::Programme => " AND site_id >= 0".to_owned(),
            Scope::Area(_) => piece_sites(scope),
            _ => String::new(),
        };
        if !sites.is_empty()
            && let Some((m0, m1)) = whole_months(grant, scope, days)
        {
            let code = format!("wider:{m0}");
            if period_piece_good(tx, grant, &code, m1).await? {
                let sql = format!(
                    "SELECT dim, CAST({side} AS BIGINT) AS side, CASE WHEN site_id < 0 THEN 0 ELSE site_id END AS site_id, \
                     key, n FROM figure_piece_rows WHERE programme_id = $1 AND part = '{code}' AND month = $2{sites}"
                );
                rows.extend(on_tx!(tx, c => sqlx::query_as::<_, CountRow>(&sql).bind(grant.programme_id()).bind(m1).fetch_all(c).await)?);
                continue;
            }
            keep.push(days);
        }
        count.push((days, instants));
    }
    // The sides not read from pieces, in one count (the split between).
    if let (Some((d0, i0)), Some((d1, i1))) = (count.first(), count.last()) {
        rows.extend(
            wider_counted(
                tx,
                grant,
                scope,
                (d0.0, d1.1, split_day),
                (i0.0, i1.1, split),
            )
            .await?,
        );
    }
    Ok((rows, keep))
}

/// Counts the whole programme's wider work of a period of whole months
/// again and keeps it, with the marks of every month up to its last as
/// this transaction first sees them (see [`keep_pieces`]).
pub async fn keep_wider_work(
    tx: &mut Tx,
    grant: &Grant,
    first: NaiveDate,
    last: NaiveDate,
) -> crate::Result<()> {
    let Some((code, m1)) = take_period_piece(tx, grant, "wider", (first, last)).await? else {
        return Ok(());
    };
    let programme = grant.programme_id();
    let (from, before) = (
        uk_midnight(first),
        uk_midnight(last.succ_opt().unwrap_or(last)),
    );
    let rows = wider_counted(
        tx,
        grant,
        Scope::Programme,
        (first, last, first),
        (from, before, from),
    )
    .await?;
    // And each area's sessions: those one of its people came to.
    let sql = format!(
        "WITH f AS MATERIALIZED (SELECT DISTINCT a.session_id, c.area_id FROM group_attendance a \
         JOIN group_sessions gs ON gs.id = a.session_id JOIN participants p ON p.id = a.participant_id {} \
         WHERE s.programme_id = $1 AND gs.held_on >= $2 AND gs.held_on <= $3), \
         x AS MATERIALIZED (SELECT -f.area_id AS site_id, g.kind, gs.others, CAST(1 AS BIGINT) AS side FROM f \
         JOIN group_sessions gs ON gs.id = f.session_id JOIN community_groups g ON g.id = gs.group_id WHERE g.programme_id = $1) {}",
        join_sites("p.site_id"),
        sessions_counted("x"),
    );
    let areas: Vec<CountRow> = on_tx!(tx, c => sqlx::query_as(&sql).bind(programme).bind(first).bind(last).fetch_all(c).await)?;
    let sql = format!(
        "INSERT INTO figure_piece_rows (programme_id, part, month, dim, site_id, key, n) \
         VALUES ({programme}, '{code}', {m1}, $1, $2, $3, $4)"
    );
    for r in rows.into_iter().chain(areas) {
        on_tx!(tx, c => sqlx::query(&sql).bind(&r.dim).bind(r.site_id).bind(&r.key).bind(r.n).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Sessions held (`group_sessions`) and others who came to them
/// (`group_others`) by site and group kind, from a table `t` of sessions'
/// `site_id`, `kind`, `others` and `side`.
fn sessions_counted(t: &str) -> String {
    format!(
        "SELECT 'group_sessions' AS dim, side, site_id, kind AS key, CAST(COUNT(*) AS BIGINT) AS n FROM {t} \
         GROUP BY side, site_id, kind \
         UNION ALL SELECT 'group_others', side, site_id, kind, CAST(SUM(others) AS BIGINT) FROM {t} GROUP BY side, site_id, kind"
    )
}

/// [`wider_work`]'s rows, counted from the rows themselves.
async fn wider_counted(
    tx: &mut Tx,
    grant: &Grant,
    scope: Scope,
    (first, last, split_day): (NaiveDate, NaiveDate, NaiveDate),
    (from, before, split): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
) -> crate::Result<Vec<CountRow>> {
    let mut out = Vec::new();
    let days = |w: &mut Where, col: &str| {
        w.and(&format!("{col} >= ?"), [Param::Date(first)]);
        w.and(&format!("{col} <= ?"), [Param::Date(last)]);
    };
    let count = "CAST(COUNT(*) AS BIGINT)";
    // Registered people at sessions, distinct people, completions.
    let mut w = scoped(grant, scope, &person_of_worker_checked());
    days(&mut w, "gs.held_on");
    let n = w.next();
    let sql = format!(
        "WITH f AS MATERIALIZED (SELECT a.participant_id, p.site_id, g.kind, \
         CAST(CASE WHEN gs.held_on >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side \
         FROM group_attendance a JOIN group_sessions gs ON gs.id = a.session_id JOIN community_groups g ON g.id = gs.group_id \
         JOIN participants p ON p.id = a.participant_id {}{}) \
         SELECT 'group_attendance' AS dim, side, site_id, kind AS key, {count} AS n FROM f GROUP BY side, site_id, kind \
         UNION ALL SELECT 'group_people', side, site_id, NULL, CAST(COUNT(DISTINCT participant_id) AS BIGINT) FROM f GROUP BY side, site_id",
        join_sites("p.site_id"),
        w.sql()
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split_day).fetch_all(c).await)?);
    let mut w = scoped(grant, scope, PERSON_OF_WORKER);
    days(&mut w, "m.completed_on");
    let n = w.next();
    let sql = format!(
        "SELECT 'course_completed' AS dim, CAST(CASE WHEN m.completed_on >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side, p.site_id, \
         CAST(NULL AS TEXT) AS key, {count} AS n FROM group_members m JOIN participants p ON p.id = m.participant_id {}{} GROUP BY 2, 3",
        join_sites("p.site_id"),
        w.sql()
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split_day).fetch_all(c).await)?);
    // Sessions held and others at them.
    let whole = scope == Scope::Programme && grant.scope().params().1;
    let mut w = Where::new();
    w.and("g.programme_id = ?", [Param::I64(grant.programme_id())]);
    days(&mut w, "gs.held_on");
    if !whole {
        let (inner, params) = scoped(grant, scope, &person_of_worker_checked()).nested();
        let clause = format!(
            "EXISTS (SELECT 1 FROM group_attendance a JOIN participants p ON p.id = a.participant_id {} WHERE {inner} AND a.session_id = gs.id)",
            join_sites("p.site_id"),
        );
        w.and(&clause, params);
    }
    let n = w.next();
    let sql = format!(
        "WITH f AS MATERIALIZED (SELECT CAST(0 AS BIGINT) AS site_id, g.kind, gs.others, \
         CAST(CASE WHEN gs.held_on >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side \
         FROM group_sessions gs JOIN community_groups g ON g.id = gs.group_id{}) {}",
        w.sql(),
        sessions_counted("f"),
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split_day).fetch_all(c).await)?);
    // Practice development.
    let mut w = scoped(grant, scope, "pa.user_id = ?");
    days(&mut w, "pa.held_on");
    let n = w.next();
    let sql = format!(
        "WITH f AS MATERIALIZED (SELECT pa.site_id, pa.kind, COALESCE(pa.attending, 0) AS attending, \
         CAST(CASE WHEN pa.held_on >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side FROM practice_activities pa {}{}) \
         SELECT 'practice_activity' AS dim, side, site_id, kind AS key, {count} AS n FROM f GROUP BY side, site_id, kind \
         UNION ALL SELECT 'practice_attending', side, site_id, kind, CAST(SUM(attending) AS BIGINT) FROM f GROUP BY side, site_id, kind",
        join_sites("pa.site_id"),
        w.sql()
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split_day).fetch_all(c).await)?);
    // Vouchers by fund.
    let mut w = scoped(grant, scope, PERSON_OF_WORKER);
    w.and("m.at >= ?", [Param::Time(from)]);
    w.and("m.at < ?", [Param::Time(before)]);
    let n = w.next();
    let sql = format!(
        "WITH f AS MATERIALIZED (SELECT p.site_id, fu.name, -m.amount_pence AS pence, \
         CAST(CASE WHEN m.at >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side \
         FROM fund_movements m JOIN funds fu ON fu.id = m.fund_id JOIN participants p ON p.id = m.participant_id {}{}) \
         SELECT 'vouchers' AS dim, side, site_id, name AS key, {count} AS n FROM f GROUP BY side, site_id, name \
         UNION ALL SELECT 'voucher_pence', side, site_id, name, CAST(SUM(pence) AS BIGINT) FROM f GROUP BY side, site_id, name",
        join_sites("p.site_id"),
        w.sql()
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split).fetch_all(c).await)?);
    // Partners' answers to onward referrals.
    let mut w = scoped(grant, scope, PERSON_OF_WORKER);
    // From the few partner accounts (migration 33's index), not every
    // answer of the period.
    w.and("u.role = 'partner'", []);
    w.and(&partners_of("o.responded_by"), []);
    w.and("o.responded_at >= ?", [Param::Time(from)]);
    w.and("o.responded_at < ?", [Param::Time(before)]);
    let n = w.next();
    let sql = format!(
        "SELECT 'partner_answers' AS dim, CAST(CASE WHEN o.responded_at >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side, p.site_id, \
         o.status AS key, {count} AS n FROM onward_support o JOIN participants p ON p.id = o.participant_id \
         JOIN users u ON u.id = o.responded_by {}{} GROUP BY 2, 3, 4",
        join_sites("p.site_id"),
        w.sql()
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split).fetch_all(c).await)?);
    // Referrals made by partners' staff: found from the few partner
    // accounts first (migration 33's index), apart from the scope, which
    // SQLite would otherwise follow to read every referral of each
    // practice in the days (25 ms for ten years that hold none). The days
    // are our own dates.
    let w = scoped(grant, scope, "r.link_worker_id = ?");
    let n = w.next();
    let sql = format!(
        "WITH r AS MATERIALIZED (SELECT r.site_id, r.link_worker_id, r.received_on, u.organization_id \
         FROM users u CROSS JOIN referrals r WHERE u.role = 'partner' AND r.created_by = u.id \
         AND r.received_on >= '{first}' AND r.received_on <= '{last}') \
         SELECT 'partner_referrals' AS dim, CAST(CASE WHEN r.received_on >= ${n} THEN 1 ELSE 0 END AS BIGINT) AS side, r.site_id, \
         d.name AS key, {count} AS n FROM r LEFT JOIN dir_organizations d ON d.id = r.organization_id {}{} GROUP BY 2, 3, 4",
        join_sites("r.site_id"),
        w.sql()
    );
    out.extend(on_tx!(tx, c => bind_where!(sqlx::query_as::<_, CountRow>(&sql), w).bind(split_day).fetch_all(c).await)?);
    Ok(out)
}
