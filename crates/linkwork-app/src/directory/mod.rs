//! The community asset directory: search, entries, keeping them true
//! (checks, reports, review queue, history, visits), the postcode lookup,
//! and Open Referral UK import and export (`oruk`).

pub mod gaps;
pub mod index;
pub mod orgs;
pub mod oruk;

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use chrono::{NaiveDate, NaiveTime};
use index::{Index, Query, Results};
use linkwork_domain::dates::{self, Span};
use linkwork_domain::directory::{
    self as rules, Freq, ProblemKind, Reach, ReferralRoute, ServiceStatus, byday_code, parse_byday,
    parse_weekday,
};
use linkwork_domain::text::{self, Postcode};
use linkwork_domain::{FieldErrors, Grant, Permission};
use linkwork_store::Tx;
use linkwork_store::directory as store;
pub use linkwork_store::directory::{
    Change, Due, HistoryEntry, Location, Organization, Report, ScheduleRow, ServiceIn, Term, Visit,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Every programme's search index in this node's memory.
#[derive(Debug, Default)]
pub struct Indexes(Mutex<HashMap<i64, Slot>>);

#[derive(Debug, Default)]
struct Slot {
    index: Arc<RwLock<Index>>,
    /// When the index was last found up to date with the database.
    checked: Option<std::time::Instant>,
    /// Writes committed on this node, counted so that a check that raced
    /// with one does not mark the index fresh.
    writes: u64,
}

/// How long an index checked against the database is trusted without
/// another check, unless this node writes meanwhile. Another node's change
/// is found within this (the issue asks for 5 seconds).
const RECHECK: std::time::Duration = std::time::Duration::from_secs(1);

impl Indexes {
    /// The programme's index, and `None` when it needs no check against the
    /// database (else the write count to give [`Indexes::checked`]).
    fn of(&self, programme_id: i64) -> (Arc<RwLock<Index>>, Option<u64>) {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = m.entry(programme_id).or_default();
        let fresh = slot.checked.is_some_and(|t| t.elapsed() < RECHECK);
        (slot.index.clone(), (!fresh).then_some(slot.writes))
    }

    fn checked(&self, programme_id: i64, writes: u64) {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = m.entry(programme_id).or_default();
        if slot.writes == writes {
            slot.checked = Some(std::time::Instant::now());
        }
    }

    /// A write was committed on this node: the next search checks the
    /// database first, so that a change is found at once where it was made.
    pub(crate) fn written(&self, programme_id: i64) {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(slot) = m.get_mut(&programme_id) {
            slot.writes += 1;
            slot.checked = None;
        }
    }
}

/// How long after its last check an entry is due for review.
pub const REVIEW_MONTHS: u32 = 6;

/// A search as typed (a form's or the API's query parameters).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchInput {
    /// Words to look for (typos forgiven, "foodbank" finds "food bank").
    pub q: String,
    /// A postcode (`G51 4TR`) or a postcode district (`G51`): results by distance.
    pub postcode: String,
    /// Instead of a postcode: latitude and longitude.
    pub lat: String,
    pub lon: String,
    /// Category codes ("what"), e.g. `food-and-nutrition`; more than one means any.
    #[serde(deserialize_with = "one_or_many")]
    pub category: Vec<String>,
    /// Audience codes ("who"), e.g. `women`, `older-adults`.
    #[serde(deserialize_with = "one_or_many")]
    pub audience: Vec<String>,
    /// The person's age in years: services for other ages are left out.
    pub age: String,
    /// `MO` … `SU`: services that run on that day.
    pub day: String,
    /// `true`: free of charge only.
    pub free: String,
    /// `true`: open at this moment (or at this time of day on `on`).
    pub open_now: String,
    /// A date (`2027-01-15`): judge schedules, seasons and closures for it.
    pub on: String,
    /// Only services that serve this practice (site id), or serve all.
    pub practice: String,
    /// Only services near the practices of this area (its id) …
    pub area: String,
    /// … or of this cluster (its id). Helplines and regional services pass.
    pub cluster: String,
    pub limit: String,
    pub offset: String,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => s
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(OneOrMany::Many(v)) => v,
    })
}

/// Where a search was centred, as the page says it.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub label: String,
    pub latitude: f64,
    pub longitude: f64,
    /// The postcode was not known: the middle of its district was used.
    pub approximate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchOutcome {
    pub results: Results,
    pub place: Option<Place>,
    pub on: NaiveDate,
    pub limit: usize,
    pub offset: usize,
}

fn yes(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "1"
    )
}

impl App {
    /// Catch this node's index of the programme up with the database, in
    /// the caller's transaction.
    async fn fresh_index(&self, tx: &mut Tx, g: &Grant) -> Result<Arc<RwLock<Index>>> {
        let (idx, check) = self.indexes.of(g.programme_id());
        let Some(writes) = check else {
            return Ok(idx);
        };
        let (have, rebuild) = {
            let i = idx
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (i.version, i.needs_rebuild())
        };
        let since = if rebuild { 0 } else { have };
        let rows = store::changed_since(tx, g, since).await?;
        if rows.version > have || rebuild {
            let terms = store::terms(tx, g).await?;
            let mut i = idx
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if rebuild {
                *i = Index::default();
            }
            i.apply(rows, &terms);
        }
        self.indexes.checked(g.programme_id(), writes);
        Ok(idx)
    }

    /// Search the directory.
    pub async fn search_directory(&self, ctx: &Ctx, input: &SearchInput) -> Result<SearchOutcome> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let now_time = linkwork_domain::appointment::london_time(self.now()).time();
        let mut e = FieldErrors::new();
        let on = if input.on.trim().is_empty() {
            Some(today)
        } else {
            e.check(
                "on",
                dates::required(&input.on, "the date", Span::around(today, 5, 5)),
            )
        };
        let age = match input.age.trim() {
            "" => None,
            a => e.check(
                "age",
                a.parse::<i64>()
                    .ok()
                    .filter(|a| (0..=120).contains(a))
                    .ok_or("Enter an age in years, from 0 to 120".to_owned()),
            ),
        };
        let day = match input.day.trim() {
            "" => None,
            d => e.check(
                "day",
                parse_weekday(d).ok_or("Choose a day: MO, TU, WE, TH, FR, SA or SU".to_owned()),
            ),
        };
        let number =
            |raw: &str, field: &str, default: usize, max: usize, e: &mut FieldErrors| match raw
                .trim()
            {
                "" => default,
                n => match n.parse::<usize>() {
                    Ok(v) if v <= max => v,
                    _ => {
                        e.add(field, format!("Enter a whole number from 0 to {max}"));
                        default
                    }
                },
            };
        let limit = number(&input.limit, "limit", 20, 200, &mut e).max(1);
        let offset = number(&input.offset, "offset", 0, 100_000, &mut e);
        let id_of = |raw: &str, field: &str, what: &str, e: &mut FieldErrors| match raw.trim() {
            "" => None,
            x => e.check(
                field,
                x.parse::<i64>().map_err(|_| format!("Choose {what}")),
            ),
        };
        let area = id_of(&input.area, "area", "an area", &mut e);
        let cluster = id_of(&input.cluster, "cluster", "a cluster", &mut e);
        let practice = match input.practice.trim() {
            "" => None,
            p => e.check(
                "practice",
                p.parse::<i64>().map_err(|_| "Choose a practice".to_owned()),
            ),
        };
        let coords = match (input.lat.trim(), input.lon.trim()) {
            ("", "") => None,
            (a, b) => match (a.parse::<f64>(), b.parse::<f64>()) {
                (Ok(la), Ok(lo))
                    if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) =>
                {
                    Some((la, lo))
                }
                _ => {
                    e.add("lat", "Enter a latitude from -90 to 90 and a longitude from -180 to 180, or a postcode instead");
                    None
                }
            },
        };
        let wanted_place = if coords.is_none() && !input.postcode.trim().is_empty() {
            match Postcode::parse(&input.postcode) {
                Ok(pc) => {
                    let district = pc.as_str().split(' ').next().unwrap_or_default().to_owned();
                    Some((Some(pc.to_string()), district))
                }
                Err(msg) => match rules::postcode_district(&input.postcode) {
                    Some(d) => Some((None, d)),
                    None => {
                        e.add(
                            "postcode",
                            format!("{msg}, or a postcode district like G51"),
                        );
                        None
                    }
                },
            }
        } else {
            None
        };
        e.into_result()?;
        let on = on.unwrap_or(today);
        let overdue_before = today
            .checked_sub_months(chrono::Months::new(REVIEW_MONTHS))
            .unwrap_or(today);
        let (idx, q, place) = self.read(Use::read(ctx, Permission::ViewDirectory, "directory"), async |tx, g| {
            let idx = self.fresh_index(tx, g).await?;
            let place = match (coords, &wanted_place) {
                (Some((la, lo)), _) => Some(Place { label: format!("{la:.4}, {lo:.4}"), latitude: la, longitude: lo, approximate: false }),
                (None, Some((pc, district))) => match store::locate(tx, pc.as_deref(), district).await? {
                    Some((la, lo, exact)) => Some(Place {
                        label: pc.clone().unwrap_or_else(|| district.clone()),
                        latitude: la,
                        longitude: lo,
                        approximate: !exact && pc.is_some(),
                    }),
                    None => {
                        return Err(AppError::field(
                            "postcode",
                            format!("We do not know where {} is: try a nearby postcode or the district", pc.as_deref().unwrap_or(district)),
                        ));
                    }
                },
                _ => None,
            };
            let near = match (area, cluster) {
                (None, None) => None,
                (a, c) => {
                    let practices: Vec<_> = store::practices(tx, g)
                        .await?
                        .into_iter()
                        .filter(|p| a.is_none_or(|a| p.area_id == a) && c.is_none_or(|c| p.cluster_id == c))
                        .collect();
                    if practices.is_empty() {
                        let field = if c.is_some() { "cluster" } else { "area" };
                        return Err(AppError::field(field, "Choose an area or cluster with practices in it"));
                    }
                    let points = gaps::placed(tx, &practices).await?.into_values().collect();
                    Some((points, practices.iter().map(|p| p.site_id).collect(), gaps::LOCAL_KM))
                }
            };
            let ((categories, bad_what), (audiences, bad_who)) = {
                let i = idx.read().unwrap_or_else(std::sync::PoisonError::into_inner);
                (index::term_ids(&i.terms, "what", &input.category), index::term_ids(&i.terms, "who", &input.audience))
            };
            let mut e = FieldErrors::new();
            if !bad_what.is_empty() {
                e.add("category", format!("Unknown category: {}", bad_what.join(", ")));
            }
            if !bad_who.is_empty() {
                e.add("audience", format!("Unknown audience: {}", bad_who.join(", ")));
            }
            e.into_result()?;
            let q = Query {
                text: input.q.chars().take(200).collect(),
                point: place.as_ref().map(|p| (p.latitude, p.longitude)),
                categories,
                audiences,
                age,
                day,
                free: yes(&input.free),
                open_now: yes(&input.open_now),
                on,
                at: now_time,
                sites: practice.map(|p| vec![p]),
                max_km: None,
                near,
                overdue_before,
                limit,
                offset,
            };
            Ok((idx, q, place))
        })
        .await?;
        // The search itself runs in memory, with the database connection
        // already given back.
        let results = idx
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .search(&q);
        Ok(SearchOutcome {
            results,
            place,
            on,
            limit,
            offset,
        })
    }

    /// The taxonomy (categories and audiences), for filters and forms.
    pub async fn directory_terms(&self, ctx: &Ctx) -> Result<Vec<Term>> {
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_term"),
            async |tx, g| Ok(store::terms(tx, g).await?),
        )
        .await
    }

    /// Add a term to a taxonomy (`what` or `who`), under a parent or at the top.
    pub async fn add_directory_term(
        &self,
        ctx: &Ctx,
        taxonomy: &str,
        name: &str,
        parent: &str,
    ) -> Result<i64> {
        let mut e = FieldErrors::new();
        if !matches!(taxonomy, "what" | "who") {
            e.add("taxonomy", "Choose categories (what) or audiences (who)");
        }
        let name = e.check("name", text::required_text(name, "the term's name", 100));
        let parent = match parent.trim() {
            "" => None,
            p => e.check(
                "parent",
                p.parse::<i64>()
                    .map_err(|_| "Choose a parent from the list".to_owned()),
            ),
        };
        e.into_result()?;
        let name = name.unwrap_or_default();
        let code: String = name
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        self.run(
            Use::write(
                ctx,
                Permission::ManageDirectory,
                "directory_term.create",
                "directory_term",
                "new",
            ),
            async |tx, g, ev| {
                if let Some(p) = parent
                    && !store::terms(tx, g)
                        .await?
                        .iter()
                        .any(|t| t.id == p && t.taxonomy == taxonomy)
                {
                    return Err(AppError::field(
                        "parent",
                        "Choose a parent from the same list",
                    ));
                }
                let id = store::add_term(tx, g, taxonomy, &code, &name, parent)
                    .await
                    .map_err(|e| match e {
                        linkwork_store::StoreError::Duplicate(_) => {
                            AppError::field("name", "There is already a term with this name")
                        }
                        e => e.into(),
                    })?;
                ev.object_id = id.to_string();
                ev.detail = name.clone();
                Ok(id)
            },
        )
        .await
    }

    /// Rename a term (services under it are found by the new name at once).
    pub async fn rename_directory_term(&self, ctx: &Ctx, id: i64, name: &str) -> Result<()> {
        let name = text::required_text(name, "the term's name", 100)
            .map_err(|m| AppError::field("name", m))?;
        self.run(
            Use::write(
                ctx,
                Permission::ManageDirectory,
                "directory_term.rename",
                "directory_term",
                id,
            ),
            async |tx, g, ev| {
                ev.detail = name.clone();
                Ok(store::rename_term(tx, g, id, &name).await?)
            },
        )
        .await
    }

    pub async fn directory_organizations(&self, ctx: &Ctx) -> Result<Vec<Organization>> {
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_organization"),
            async |tx, g| Ok(store::organizations(tx, g).await?),
        )
        .await
    }

    /// One service in full. Staff notes only for those who edit.
    pub async fn directory_service(&self, ctx: &Ctx, id: i64) -> Result<ServicePage> {
        let editor = ctx.actor.can(Permission::EditDirectory);
        // Those who work with people also see whom they sent here, within
        // the sites they may see.
        let people = ctx.actor.authorize(Permission::WorkWithParticipants).ok();
        let today = linkwork_domain::appointment::london_date(self.now());
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_service").of(id),
            async |tx, g| {
                let mut s = store::service_input(tx, g, id).await?;
                if !editor {
                    s.staff_notes = None;
                }
                let org = store::organization(tx, g, s.organization_id).await?;
                let terms = store::terms(tx, g).await?;
                let names = |tax: &str| -> Vec<Term> {
                    terms
                        .iter()
                        .filter(|t| t.taxonomy == tax && s.term_ids.contains(&t.id))
                        .cloned()
                        .collect()
                };
                let status = ServiceStatus::parse(&s.status).unwrap_or(ServiceStatus::Inactive);
                let schedules: Vec<_> = s.schedules.iter().filter_map(index::schedule_of).collect();
                let running = rules::running_on(status, s.closed_until, &schedules, today);
                let due = rules::review_due(s.assured_on, REVIEW_MONTHS);
                Ok(ServicePage {
                    id,
                    version: store::service_version(tx, g, id).await?,
                    categories: names("what"),
                    audiences: names("who"),
                    when: schedules.iter().map(|x| x.describe()).collect(),
                    running,
                    review_due: due,
                    overdue: due.is_none_or(|d| d <= today),
                    locations: store::locations_of(tx, g, id).await?,
                    group: linkwork_store::groups::of_service(tx, g, id).await?,
                    history: store::history(tx, g, id).await?,
                    reports: store::open_reports(tx, g, Some(id)).await?,
                    onward: store::onward_counts(tx, g, id).await?,
                    people: match people {
                        Some(pg) => Some(store::onward_to_service(tx, &pg, id, 50).await?),
                        None => None,
                    },
                    visits: store::visits(tx, g, s.organization_id).await?,
                    organization: org,
                    status,
                    service: s,
                })
            },
        )
        .await
    }

    /// Add (no `id`) or change a service.
    pub async fn save_directory_service(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
        input: &ServiceInput,
    ) -> Result<i64> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let checked = parse_service(input, today)?;
        let (by, now) = (actor_of(ctx), self.now());
        let action = if id.is_some() {
            "directory_service.update"
        } else {
            "directory_service.create"
        };
        self.run(
            Use::write(ctx, Permission::EditDirectory, action, "directory_service", id.map_or("new".into(), |i| i.to_string())),
            async |tx, g, ev| {
                let mut s = checked.service.clone();
                let terms = store::terms(tx, g).await?;
                let (what, bad_what) = index::term_ids(&terms, "what", &input.categories);
                let (who, bad_who) = index::term_ids(&terms, "who", &input.audiences);
                let mut e = FieldErrors::new();
                if !bad_what.is_empty() {
                    e.add("categories", format!("Unknown category: {}", bad_what.join(", ")));
                }
                if !bad_who.is_empty() {
                    e.add("audiences", format!("Unknown audience: {}", bad_who.join(", ")));
                }
                e.into_result()?;
                s.term_ids = what.into_iter().chain(who).collect();
                if s.assured_on.is_some() {
                    s.assured_by = Some(by.1.clone());
                }
                let expected = match id {
                    Some(id) => {
                        let current = store::service_input(tx, g, id).await?;
                        s.uuid = current.uuid;
                        // A checked date is kept unless this edit confirms it.
                        if s.assured_on.is_none() {
                            s.assured_on = current.assured_on;
                            s.assured_by = current.assured_by;
                        }
                        checked.version
                    }
                    None => {
                        s.uuid = crate::random::uuid_v4();
                        None
                    }
                };
                s.organization_id = match (&checked.organization_id, &checked.new_organization) {
                    (Some(o), _) => store::organization(tx, g, *o)
                        .await
                        .map_err(|_| AppError::field("organization_id", "Choose an organisation from the list"))?
                        .id,
                    (None, Some(name)) => {
                        let o = Organization { uuid: crate::random::uuid_v4(), name: name.clone(), ..Default::default() };
                        store::save_organization(tx, g, &o, now).await?
                    }
                    (None, None) => return Err(AppError::field("organization_id", "Choose the organisation that runs it, or name a new one")),
                };
                if let Some(l) = &checked.location {
                    let mut l = l.clone();
                    if let Some(pc) = &l.postcode
                        && let Some((la, lo, _)) = store::locate(tx, Some(pc), pc.split(' ').next().unwrap_or_default()).await?
                    {
                        l.latitude = Some(la);
                        l.longitude = Some(lo);
                    }
                    l.uuid = match id {
                        Some(id) => store::locations_of(tx, g, id).await?.first().map(|x| x.uuid.clone()).unwrap_or_else(crate::random::uuid_v4),
                        None => crate::random::uuid_v4(),
                    };
                    l.organization_id = Some(s.organization_id);
                    s.location_ids = vec![store::save_location(tx, g, &l).await?];
                }
                let summary = if id.is_some() { "Details changed" } else { "Added to the directory" };
                let saved = store::save_service(tx, g, &s, expected, (by.0, &by.1), summary, now)
                    .await
                    .map_err(|e| match e {
                        linkwork_store::StoreError::StaleVersion => AppError::Conflict(
                            "Someone else changed this entry while you were editing it. Open it again to see their change.".into(),
                        ),
                        e => e.into(),
                    })?;
                ev.object_id = saved.id().to_string();
                ev.detail = s.name.clone();
                Ok(saved.id())
            },
        )
        .await
    }

    /// Say an entry was checked today and is right.
    pub async fn assure_directory_service(&self, ctx: &Ctx, id: i64) -> Result<()> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let (by, now) = (actor_of(ctx), self.now());
        self.run(
            Use::write(
                ctx,
                Permission::EditDirectory,
                "directory_service.assure",
                "directory_service",
                id,
            ),
            async |tx, g, _| Ok(store::assure(tx, g, id, today, (by.0, &by.1), now).await?),
        )
        .await
    }

    /// Anyone signed in may report a problem with an entry.
    pub async fn report_directory_problem(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &ProblemInput,
    ) -> Result<i64> {
        let mut e = FieldErrors::new();
        let kind = ProblemKind::parse(&input.kind);
        if kind.is_none() {
            e.add("kind", "Choose what is wrong");
        }
        let details = e
            .check(
                "details",
                text::optional_text(&input.details, "what is wrong", 2000),
            )
            .flatten();
        e.into_result()?;
        let (by, now) = (actor_of(ctx).0, self.now());
        let kind = kind.map_or("other", ProblemKind::code);
        self.run(
            Use::write(
                ctx,
                Permission::ViewDirectory,
                "directory_service.report",
                "directory_service",
                id,
            ),
            async |tx, g, ev| {
                let r = store::report_problem(tx, g, id, kind, details.as_deref(), by, now).await?;
                ev.detail = format!("report {r}: {kind}");
                Ok(r)
            },
        )
        .await
    }

    pub async fn resolve_directory_report(
        &self,
        ctx: &Ctx,
        report_id: i64,
        resolution: &str,
    ) -> Result<i64> {
        let resolution = text::required_text(resolution, "what was done", 2000)
            .map_err(|m| AppError::field("resolution", m))?;
        let (by, now) = (actor_of(ctx).0, self.now());
        self.run(
            Use::write(
                ctx,
                Permission::EditDirectory,
                "directory_report.resolve",
                "directory_report",
                report_id,
            ),
            async |tx, g, _| {
                Ok(store::resolve_report(tx, g, report_id, &resolution, by, now).await?)
            },
        )
        .await
    }

    /// Entries due for review (oldest check first) and open problem reports.
    pub async fn directory_review_queue(&self, ctx: &Ctx, mine: bool) -> Result<ReviewQueue> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let before = today
            .checked_sub_months(chrono::Months::new(REVIEW_MONTHS))
            .unwrap_or(today);
        self.read(
            Use::read(ctx, Permission::EditDirectory, "directory_review"),
            async |tx, g| {
                let mut due =
                    store::due_for_review(tx, g, before, if mine { 5000 } else { 200 }).await?;
                let mut reports = store::open_reports(tx, g, None).await?;
                let mut mine = mine;
                if mine {
                    // Near the practices this link worker works at (all of the
                    // programme when none of them can be placed).
                    let practices: Vec<_> = store::practices(tx, g)
                        .await?
                        .into_iter()
                        .filter(|p| ctx.actor.site_ids.contains(&p.site_id))
                        .collect();
                    let points: Vec<(f64, f64)> =
                        gaps::placed(tx, &practices).await?.into_values().collect();
                    let sites: Vec<i64> = practices.iter().map(|p| p.site_id).collect();
                    mine = !points.is_empty();
                    if mine {
                        let idx = self.fresh_index(tx, g).await?;
                        let i = idx
                            .read()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        let near = |id: i64| i.is_near(id, &points, &sites, gaps::LOCAL_KM);
                        due.retain(|d| near(d.id));
                        reports.retain(|r| near(r.service_id));
                    }
                }
                due.truncate(200);
                Ok(ReviewQueue {
                    due,
                    reports,
                    checked_before: before,
                    mine,
                })
            },
        )
        .await
    }

    /// Record a visit to an organisation.
    pub async fn record_directory_visit(
        &self,
        ctx: &Ctx,
        organization_id: i64,
        input: &VisitInput,
    ) -> Result<i64> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let mut e = FieldErrors::new();
        let on = e.check(
            "visited_on",
            dates::required(
                &input.visited_on,
                "the date of the visit",
                Span::past(today, 2),
            ),
        );
        let met = e
            .check("met", text::optional_text(&input.met, "who you met", 500))
            .flatten();
        let pathway = e
            .check(
                "pathway",
                text::optional_text(&input.pathway, "the referral pathway agreed", 2000),
            )
            .flatten();
        e.into_result()?;
        let (by, now) = (actor_of(ctx).0, self.now());
        let on = on.unwrap_or(today);
        self.run(
            Use::write(
                ctx,
                Permission::EditDirectory,
                "directory_visit.create",
                "directory_organization",
                organization_id,
            ),
            async |tx, g, _| {
                Ok(store::add_visit(
                    tx,
                    g,
                    organization_id,
                    on,
                    met.as_deref(),
                    pathway.as_deref(),
                    by,
                    now,
                )
                .await?)
            },
        )
        .await
    }

    /// Import a postcode lookup: a CSV with ONS NSPL/ONSPD columns
    /// (`pcds` or `postcode`, `lat`, `long`), as in the SIMD reference data.
    pub async fn import_postcodes(&self, ctx: &Ctx, csv_text: &str) -> Result<ReferenceImport> {
        let (mut r, headers) = csv_with_headers(csv_text)?;
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
        let (Some(pc), Some(lat), Some(lon)) = (
            col(&["pcds", "postcode", "pcd", "pcd2"]),
            col(&["lat", "latitude"]),
            col(&["long", "lon", "longitude"]),
        ) else {
            return Err(AppError::field(
                "file",
                "The file needs columns for the postcode (pcds or postcode), lat and long",
            ));
        };
        let term = col(&["doterm"]);
        let zone = col(&[
            "dz11",
            "datazone2011_code",
            "datazone",
            "data_zone",
            "dz2011",
        ]);
        let mut rows = Vec::new();
        let mut skipped = 0;
        for rec in r.records() {
            let Ok(rec) = rec else {
                skipped += 1;
                continue;
            };
            if term
                .and_then(|t| rec.get(t))
                .is_some_and(|t| !t.trim().is_empty())
            {
                skipped += 1; // a postcode no longer in use
                continue;
            }
            let parsed = (
                rec.get(pc).and_then(|p| Postcode::parse(p).ok()),
                rec.get(lat).and_then(|v| v.trim().parse::<f64>().ok()),
                rec.get(lon).and_then(|v| v.trim().parse::<f64>().ok()),
            );
            match parsed {
                (Some(p), Some(a), Some(b))
                    if (49.0..61.0).contains(&a) && (-9.0..3.0).contains(&b) =>
                {
                    let district = p.as_str().split(' ').next().unwrap_or_default().to_owned();
                    let z = zone
                        .and_then(|i| rec.get(i))
                        .map(|z| z.trim().to_ascii_uppercase())
                        .filter(|z| is_datazone(z));
                    rows.push((p.to_string(), district, a, b, z));
                }
                _ => skipped += 1,
            }
        }
        let taken = rows.len();
        self.run(
            Use::write(
                ctx,
                Permission::ManageDirectory,
                "postcodes.import",
                "postcode",
                "import",
            ),
            async |tx, g, ev| {
                store::import_postcodes(tx, g, &rows).await?;
                ev.detail = format!("{taken} postcodes, {skipped} skipped");
                Ok(ReferenceImport { taken, skipped })
            },
        )
        .await
    }
}

/// A CSV with a header row, and its column names in lower case.
fn csv_with_headers(text: &str) -> Result<(csv::Reader<&[u8]>, Vec<String>)> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|_| AppError::field("file", "The file is not a CSV with a header row"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    Ok((r, headers))
}

/// A 2011 data zone code: S01 and six digits.
fn is_datazone(z: &str) -> bool {
    z.len() == 9 && z.starts_with("S01") && z[3..].chars().all(|c| c.is_ascii_digit())
}

/// Data zones in SIMD 2020v2: the decile and quintile of a rank are worked
/// out against this many.
pub const SIMD_ZONES: i64 = 6976;

/// SIMD 2020v2 decile and quintile of a rank (1 = most deprived): ceil(rank
/// × 10 / 6976) and ceil(rank × 5 / 6976).
pub fn simd_bands(rank: i64) -> (i64, i64) {
    (
        (rank * 10 + SIMD_ZONES - 1) / SIMD_ZONES,
        (rank * 5 + SIMD_ZONES - 1) / SIMD_ZONES,
    )
}

impl App {
    /// Import the SIMD table: a CSV with a data zone code column
    /// (`datazone2011_code`, `datazone`, `data_zone` or `dz11`) and its overall
    /// rank (`simd2020v2_rank`, `simd2020_rank`, `rank` or `overall_rank`), and
    /// optionally its name and council, as in the SIMD reference data.
    pub async fn import_simd(&self, ctx: &Ctx, csv_text: &str) -> Result<ReferenceImport> {
        let (mut r, headers) = csv_with_headers(csv_text)?;
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
        let (Some(dz), Some(rank)) = (
            col(&[
                "datazone2011_code",
                "datazone",
                "data_zone",
                "dz11",
                "datazone2011",
            ]),
            col(&[
                "simd2020v2_rank",
                "simd2020_rank",
                "rank",
                "overall_rank",
                "simd_rank",
            ]),
        ) else {
            return Err(AppError::field(
                "file",
                "The file needs columns for the data zone (datazone2011_code) and its rank (simd2020v2_rank)",
            ));
        };
        let name = col(&["datazone2011_name", "name", "datazone_name"]);
        let council = col(&["council_area_name", "council", "council_area"]);
        let mut zones = Vec::new();
        let mut skipped = 0;
        for rec in r.records() {
            let Ok(rec) = rec else {
                skipped += 1;
                continue;
            };
            let code = rec.get(dz).unwrap_or_default().trim().to_ascii_uppercase();
            let rank = rec
                .get(rank)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|r| r.fract() == 0.0 && *r >= 1.0 && *r <= SIMD_ZONES as f64)
                .map(|r| r as i64);
            match rank {
                Some(rank) if is_datazone(&code) => {
                    let (decile, quintile) = simd_bands(rank);
                    let get = |i: Option<usize>| {
                        i.and_then(|i| rec.get(i))
                            .unwrap_or_default()
                            .trim()
                            .to_owned()
                    };
                    zones.push(store::SimdZone {
                        datazone: code,
                        name: get(name),
                        council: get(council),
                        rank,
                        decile,
                        quintile,
                    });
                }
                _ => skipped += 1,
            }
        }
        if zones.is_empty() {
            return Err(AppError::field(
                "file",
                "No row had a data zone code (like S01010245) and a rank from 1 to 6976",
            ));
        }
        let taken = zones.len();
        self.run(
            Use::write(
                ctx,
                Permission::ManageDirectory,
                "simd.import",
                "simd",
                "import",
            ),
            async |tx, g, ev| {
                store::import_simd(tx, g, &zones).await?;
                ev.detail = format!("{taken} data zones, {skipped} skipped");
                Ok(ReferenceImport { taken, skipped })
            },
        )
        .await
    }

    /// Postcodes that know their data zone, and data zones with SIMD ranks.
    pub async fn simd_counts(&self, ctx: &Ctx) -> Result<(i64, i64)> {
        self.read(
            Use::read(ctx, Permission::ManageDirectory, "simd"),
            async |tx, _| Ok(store::simd_counts(tx).await?),
        )
        .await
    }
}

/// The acting user's id (none for the operator) and name, for history.
pub(crate) fn actor_of(ctx: &Ctx) -> (Option<i64>, String) {
    (
        Some(ctx.actor.user_id).filter(|u| *u != 0),
        ctx.actor.name.clone(),
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct ServicePage {
    pub id: i64,
    /// Send back with an edit: a change made meanwhile is refused.
    pub version: i64,
    pub service: ServiceIn,
    pub status: ServiceStatus,
    pub organization: Organization,
    pub categories: Vec<Term>,
    pub audiences: Vec<Term>,
    pub when: Vec<String>,
    pub running: rules::Running,
    pub review_due: Option<NaiveDate>,
    pub overdue: bool,
    pub locations: Vec<Location>,
    /// The programme's group this entry lists (id and name), if any.
    pub group: Option<(i64, String)>,
    pub history: Vec<HistoryEntry>,
    pub reports: Vec<Report>,
    /// Onward referrals and signposting to it, by status.
    pub onward: Vec<(String, i64)>,
    /// The latest of them, with their people, for those who work with
    /// people (only people whose records they may see); `None` for others.
    pub people: Option<Vec<store::OnwardToService>>,
    pub visits: Vec<Visit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewQueue {
    pub due: Vec<Due>,
    pub reports: Vec<Report>,
    pub checked_before: NaiveDate,
    /// Only entries near the user's own practices.
    pub mine: bool,
}

/// What an import of reference data (postcodes, the SIMD table) took and
/// left out.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReferenceImport {
    pub taken: usize,
    pub skipped: usize,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProblemInput {
    /// `unclear`, `wrong_contact`, `closed`, `wrong_area` or `other`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub details: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub visited_on: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub met: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub pathway: String,
}

/// One opening, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScheduleInput {
    /// Days: `MO,WE`, or with the week of the month for monthly (`1TU`).
    #[serde(deserialize_with = "one_or_many")]
    pub days: Vec<String>,
    /// `weekly` (default), `fortnightly` or `monthly`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub every: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub opens_at: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub closes_at: String,
    /// First date (for fortnightly: counts the weeks from it); season start.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub valid_from: String,
    /// Last date of a season or term.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub valid_to: String,
}

/// A service as typed in the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ServiceInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// An existing organisation's id …
    #[serde(deserialize_with = "crate::lenient::string")]
    pub organization_id: String,
    /// … or the name of a new one.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub new_organization: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub description: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub url: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub email: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub phone: String,
    /// `active`, `temporarily_closed`, `inactive` or `defunct`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub status: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub closed_reason: String,
    /// A temporary closure's last day.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub closed_until: String,
    /// `local`, `regional` or `national`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub reach: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub min_age: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub max_age: String,
    /// `yes` when free of charge.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub free: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub cost: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub languages: String,
    /// How to refer: `self`, `form`, `phone`, `email`, `handover`.
    #[serde(deserialize_with = "one_or_many")]
    pub referral_routes: Vec<String>,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub referral_notes: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub capacity_note: String,
    /// Seen only by programme staff.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub staff_notes: String,
    #[serde(deserialize_with = "one_or_many")]
    pub categories: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub audiences: Vec<String>,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub location_name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub address: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub postcode: String,
    pub schedules: Vec<ScheduleInput>,
    /// `yes`: the details were checked with the organisation today.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub checked: String,
    /// The version the edit started from (refuses a stale edit).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub version: String,
}

struct CheckedService {
    service: ServiceIn,
    organization_id: Option<i64>,
    new_organization: Option<String>,
    location: Option<Location>,
    version: Option<i64>,
}

/// A description and the ways to get in touch, checked (services and
/// organisations alike); problems go to `e` under the field's name.
fn contact_fields(
    e: &mut FieldErrors,
    description: &str,
    url: &str,
    email: &str,
    phone: &str,
) -> (String, Option<String>, Option<String>, Option<String>) {
    let description = e
        .check(
            "description",
            text::optional_text(description, "the description", 5000),
        )
        .flatten()
        .unwrap_or_default();
    let url = e
        .check("url", text::optional_text(url, "the web address", 500))
        .flatten();
    if let Some(u) = &url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        e.add("url", "Enter a web address starting with https://");
    }
    let email = match email.trim() {
        "" => None,
        raw => e.check(
            "email",
            text::Email::parse(raw).map(|m| m.as_str().to_owned()),
        ),
    };
    let phone = e
        .check("phone", text::optional_text(phone, "the phone number", 50))
        .flatten();
    (description, url, email, phone)
}

/// Check a typed service; every wrong field is named.
fn parse_service(input: &ServiceInput, today: NaiveDate) -> Result<CheckedService> {
    let mut e = FieldErrors::new();
    let name = e.check(
        "name",
        text::required_text(&input.name, "the name of the service", 200),
    );
    let organization_id = match input.organization_id.trim() {
        "" => None,
        o => e.check(
            "organization_id",
            o.parse::<i64>()
                .map_err(|_| "Choose an organisation from the list".to_owned()),
        ),
    };
    let new_organization = e
        .check(
            "new_organization",
            text::optional_text(&input.new_organization, "the organisation's name", 200),
        )
        .flatten();
    if organization_id.is_none() && new_organization.is_none() {
        e.add(
            "organization_id",
            "Choose the organisation that runs it, or name a new one",
        );
    }
    let (description, url, email, phone) = contact_fields(
        &mut e,
        &input.description,
        &input.url,
        &input.email,
        &input.phone,
    );
    let status = if input.status.trim().is_empty() {
        Some(ServiceStatus::Active)
    } else {
        ServiceStatus::from_hsds(&input.status)
    };
    if status.is_none() {
        e.add(
            "status",
            "Choose active, temporarily closed, inactive or closed for good",
        );
    }
    let closed_reason = e
        .check(
            "closed_reason",
            text::optional_text(&input.closed_reason, "why it is closed", 500),
        )
        .flatten();
    let closed_until = e
        .check(
            "closed_until",
            dates::optional(
                &input.closed_until,
                "the date it reopens",
                Span::ahead(today, today, 3),
            ),
        )
        .flatten();
    if status == Some(ServiceStatus::TemporarilyClosed) && closed_reason.is_none() {
        e.add("closed_reason", "Say why it is temporarily closed");
    }
    let reach = if input.reach.trim().is_empty() {
        Some(Reach::Local)
    } else {
        Reach::parse(&input.reach)
    };
    if reach.is_none() {
        e.add("reach", "Choose local, regional or national");
    }
    let age = |raw: &str, field: &str, e: &mut FieldErrors| match raw.trim() {
        "" => None,
        a => e.check(
            field,
            a.parse::<i64>()
                .ok()
                .filter(|a| (0..=120).contains(a))
                .ok_or("Enter an age in years, from 0 to 120".to_owned()),
        ),
    };
    let (min_age, max_age) = (
        age(&input.min_age, "min_age", &mut e),
        age(&input.max_age, "max_age", &mut e),
    );
    if let (Some(a), Some(b)) = (min_age, max_age)
        && a > b
    {
        e.add("max_age", "The oldest age must not be below the youngest");
    }
    let free = !matches!(
        input.free.trim().to_ascii_lowercase().as_str(),
        "no" | "false" | "0"
    );
    let cost = e
        .check("cost", text::optional_text(&input.cost, "the cost", 200))
        .flatten();
    let languages = e
        .check(
            "languages",
            text::optional_text(&input.languages, "the languages", 300),
        )
        .flatten()
        .unwrap_or_default();
    let mut routes = Vec::new();
    for r in &input.referral_routes {
        match ReferralRoute::parse(r) {
            Some(r) => routes.push(r.code()),
            None => e.add(
                "referral_routes",
                format!("{r:?} is not a way to refer: use self, form, phone, email or handover"),
            ),
        }
    }
    let referral_notes = e
        .check(
            "referral_notes",
            text::optional_text(&input.referral_notes, "how to refer", 2000),
        )
        .flatten();
    let capacity_note = e
        .check(
            "capacity_note",
            text::optional_text(&input.capacity_note, "the capacity or waiting note", 500),
        )
        .flatten();
    let staff_notes = e
        .check(
            "staff_notes",
            text::optional_text(&input.staff_notes, "the staff notes", 2000),
        )
        .flatten();
    let mut schedules = Vec::new();
    for (i, s) in input.schedules.iter().enumerate() {
        let blank = s.days.iter().all(|d| d.trim().is_empty())
            && s.opens_at.trim().is_empty()
            && s.closes_at.trim().is_empty();
        if blank {
            continue;
        }
        let f = |name: &str| format!("schedules[{i}].{name}");
        let (freq, interval) = match s.every.trim().to_ascii_lowercase().as_str() {
            "" | "weekly" => (Freq::Weekly, 1),
            "fortnightly" => (Freq::Weekly, 2),
            "monthly" => (Freq::Monthly, 1),
            _ => {
                e.add(&f("every"), "Choose weekly, fortnightly or monthly");
                (Freq::Weekly, 1)
            }
        };
        let byday = e.check(&f("days"), parse_byday(&s.days.join(",")));
        let time = |raw: &str, what: &str, e: &mut FieldErrors, field: String| match raw.trim() {
            "" => None,
            t => e.check(
                &field,
                NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| format!("Enter {what} as a 24-hour time, like 09:30")),
            ),
        };
        let opens = time(&s.opens_at, "the opening time", &mut e, f("opens_at"));
        let closes = time(&s.closes_at, "the closing time", &mut e, f("closes_at"));
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            e.add(
                &f("closes_at"),
                "The closing time must be after the opening time",
            );
        }
        let from = e
            .check(
                &f("valid_from"),
                dates::optional(&s.valid_from, "the first date", Span::around(today, 10, 5)),
            )
            .flatten();
        let to = e
            .check(
                &f("valid_to"),
                dates::optional(&s.valid_to, "the last date", Span::around(today, 10, 5)),
            )
            .flatten();
        if let (Some(a), Some(b)) = (from, to)
            && b < a
        {
            e.add(&f("valid_to"), "The last date must not be before the first");
        }
        if let Some(byday) = byday {
            if freq == Freq::Weekly && byday.iter().any(|(n, _)| *n != 0) {
                e.add(
                    &f("days"),
                    "A week of the month (like 1TU) is only for monthly openings",
                );
            }
            schedules.push(ScheduleRow {
                service_id: 0,
                freq: freq.code().into(),
                freq_interval: interval,
                byday: byday_code(&byday),
                opens_at: opens.map(|t| t.format("%H:%M").to_string()),
                closes_at: closes.map(|t| t.format("%H:%M").to_string()),
                dtstart: from.or((interval > 1).then_some(today)),
                valid_from: from.filter(|_| to.is_some() || interval == 1),
                valid_to: to,
                note: None,
            });
        }
    }
    let location = if input.postcode.trim().is_empty()
        && input.address.trim().is_empty()
        && input.location_name.trim().is_empty()
    {
        None
    } else {
        let postcode = match input.postcode.trim() {
            "" => None,
            p => e.check("postcode", Postcode::parse(p).map(|p| p.to_string())),
        };
        Some(Location {
            name: e
                .check(
                    "location_name",
                    text::optional_text(&input.location_name, "the place's name", 200),
                )
                .flatten()
                .unwrap_or_default(),
            address: e
                .check(
                    "address",
                    text::optional_text(&input.address, "the address", 300),
                )
                .flatten()
                .unwrap_or_default(),
            postcode,
            ..Default::default()
        })
    };
    let version = match input.version.trim() {
        "" => None,
        v => v.parse::<i64>().ok(),
    };
    e.into_result()?;
    let checked = matches!(
        input.checked.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "on"
    );
    Ok(CheckedService {
        service: ServiceIn {
            uuid: String::new(),
            organization_id: organization_id.unwrap_or(0),
            name: name.unwrap_or_default(),
            description,
            url,
            email,
            phone,
            status: status.unwrap_or(ServiceStatus::Active).code().into(),
            closed_reason,
            closed_until,
            reach: reach.unwrap_or(Reach::Local).code().into(),
            min_age,
            max_age,
            free,
            cost,
            languages,
            referral_routes: routes.join("|"),
            referral_notes,
            capacity_note,
            staff_notes,
            assured_on: checked.then_some(today),
            assured_by: None,
            term_ids: Vec::new(),
            location_ids: Vec::new(),
            site_ids: Vec::new(),
            schedules,
        },
        organization_id,
        new_organization,
        location,
        version,
    })
}

#[cfg(test)]
mod simd_tests {
    use super::*;

    #[test]
    fn simd_deciles_and_quintiles_follow_the_ceil_rule() {
        assert_eq!(simd_bands(1), (1, 1));
        assert_eq!(simd_bands(697), (1, 1));
        // One of the eight boundary ranks where rules differ (see
        // shared/refdata/simd/README.md): ceil(6980 / 6976) = 2.
        assert_eq!(simd_bands(698), (2, 1));
        assert_eq!(simd_bands(1395), (2, 1));
        assert_eq!(simd_bands(1396), (3, 2));
        assert_eq!(simd_bands(1481), (3, 2));
        assert_eq!(simd_bands(6976), (10, 5));
        assert!(is_datazone("S01010245") && !is_datazone("S0100") && !is_datazone("S02001929"));
    }
}
