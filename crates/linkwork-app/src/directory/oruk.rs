//! Open Referral UK 3.0 / HSDS 3: a service as `service_full` JSON, the
//! whole directory as a data package (tables, inline JSON or CSV files),
//! and import from those, from lists of `service_full` objects, and from
//! Open Referral UK v1 feeds (as the two real council feeds are served).

use super::{REVIEW_MONTHS, actor_of};
use crate::gate::Use;
use crate::{App, Ctx, Result};
use chrono::{NaiveDate, NaiveTime};
use linkwork_domain::directory::{Freq, Reach, ServiceStatus, parse_byday, strip_html};
use linkwork_domain::text::Postcode;
use linkwork_domain::{Grant, Permission};
use linkwork_store::Tx;
use linkwork_store::directory::{
    self as store, Location, Organization, ScheduleRow, ServiceIn, Term, uuid_for,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

pub const PROFILE: &str = "https://raw.githubusercontent.com/openreferral/uk-profile/main/profile";

/// What an import did, and why it left things out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: Vec<Skipped>,
    /// What was changed on the way in, with how many entries it touched.
    pub changes: Vec<String>,
    pub format: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    pub id: String,
    pub name: String,
    pub reason: String,
}

fn s(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(x) => Some(x.trim().to_owned()).filter(|x| !x.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn num(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(x) => x.trim().parse().ok(),
        _ => None,
    }
}

fn arr<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The list of service objects in whatever shape the file has, and the
/// name of that shape.
pub fn services_of(doc: &Value) -> std::result::Result<(Vec<Value>, &'static str), String> {
    match doc {
        Value::Array(items) => {
            let v1 = items.iter().any(|i| {
                i.get("pc_metadata").is_some()
                    || i.get("regular_schedules").is_some()
                    || i.get("pc_targetAudience").is_some()
            });
            Ok((
                items.clone(),
                if v1 {
                    "Open Referral UK v1 services"
                } else {
                    "a list of HSDS 3 services"
                },
            ))
        }
        Value::Object(o) => {
            if let Some(Value::Array(items)) = o.get("content").or_else(|| o.get("contents")) {
                return services_of(&Value::Array(items.clone()))
                    .map(|(v, _)| (v, "a page of Open Referral UK services"));
            }
            if let Some(Value::Array(res)) = o.get("resources") {
                let mut tables: HashMap<String, Vec<Value>> = HashMap::new();
                for r in res {
                    let name = s(r, "name").unwrap_or_default();
                    if let Some(Value::Array(rows)) = r.get("data") {
                        tables.insert(name, rows.clone());
                    }
                }
                if !tables.contains_key("services") {
                    return Err("The data package has no services table with its rows inline (a CSV package is imported from its folder)".into());
                }
                return Ok((assemble(&tables), "an HSDS 3 data package"));
            }
            if let Some(Value::Array(items)) = o.get("services") {
                return Ok((items.clone(), "a list of HSDS 3 services"));
            }
            if o.contains_key("id") && o.contains_key("name") {
                return Ok((vec![doc.clone()], "one HSDS 3 service"));
            }
            Err("This is JSON, but not Open Referral UK or HSDS 3: expected a list of services, a page of them, or a data package".into())
        }
        _ => Err("Expected a list of services or a data package".into()),
    }
}

/// Read the CSV files of an HSDS 3 tabular data package (file name → text).
pub fn tables_from_csv(
    files: &HashMap<String, String>,
) -> std::result::Result<HashMap<String, Vec<Value>>, String> {
    let mut tables = HashMap::new();
    for (name, text) in files {
        let Some(stem) = name.rsplit('/').next().and_then(|n| n.strip_suffix(".csv")) else {
            continue;
        };
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .map_err(|e| format!("{name}: {e}"))?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| format!("{name}: {e}"))?;
            let mut m = Map::new();
            for (h, v) in headers.iter().zip(rec.iter()) {
                if !v.is_empty() {
                    m.insert(h.clone(), Value::String(v.to_owned()));
                }
            }
            rows.push(Value::Object(m));
        }
        // Both `schedule.csv` and `schedules.csv` are seen in the wild.
        let table = match stem {
            "schedule" => "schedules",
            "service_at_location" => "service_at_locations",
            "address" => "addresses",
            "attribute" => "attributes",
            "taxonomy" => "taxonomies",
            other => other,
        };
        tables
            .entry(table.to_owned())
            .or_insert_with(Vec::new)
            .extend(rows);
    }
    if !tables.contains_key("services") {
        return Err("The data package has no services.csv".into());
    }
    Ok(tables)
}

/// Join a data package's tables back into `service_full` objects.
pub fn assemble(t: &HashMap<String, Vec<Value>>) -> Vec<Value> {
    let by = |table: &str, key: &str| -> HashMap<String, Vec<Value>> {
        let mut m: HashMap<String, Vec<Value>> = HashMap::new();
        for r in t.get(table).into_iter().flatten() {
            if let Some(k) = s(r, key) {
                m.entry(k).or_default().push(r.clone());
            }
        }
        m
    };
    let one = |table: &str| -> HashMap<String, Value> {
        t.get(table)
            .into_iter()
            .flatten()
            .filter_map(|r| Some((s(r, "id")?, r.clone())))
            .collect()
    };
    let orgs = one("organizations");
    let locations = one("locations");
    let terms = one("taxonomy_terms");
    let addresses = by("addresses", "location_id");
    let access = by("accessibility", "location_id");
    let sal = by("service_at_locations", "service_id");
    let schedules = by("schedules", "service_id");
    let phones = by("phones", "service_id");
    let attrs = by("attributes", "link_id");
    let costs = by("cost_options", "service_id");
    let areas = by("service_areas", "service_id");
    let langs = by("languages", "service_id");
    let mut out = Vec::new();
    for svc in t.get("services").into_iter().flatten() {
        let mut o = svc.as_object().cloned().unwrap_or_default();
        let id = s(svc, "id").unwrap_or_default();
        if let Some(org) = s(svc, "organization_id").and_then(|i| orgs.get(&i)) {
            o.insert("organization".into(), org.clone());
        }
        let with_terms = |rows: Vec<Value>| -> Vec<Value> {
            rows.into_iter()
                .map(|mut a| {
                    if let Some(term) = s(&a, "taxonomy_term_id").and_then(|i| terms.get(&i))
                        && let Some(m) = a.as_object_mut()
                    {
                        m.insert("taxonomy_term".into(), term.clone());
                    }
                    a
                })
                .collect()
        };
        let sals: Vec<Value> = sal
            .get(&id)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut x| {
                if let Some(loc) = s(&x, "location_id").and_then(|l| locations.get(&l)) {
                    let mut loc = loc.clone();
                    let lid = s(&loc, "id").unwrap_or_default();
                    if let Some(m) = loc.as_object_mut() {
                        m.insert(
                            "addresses".into(),
                            Value::Array(addresses.get(&lid).cloned().unwrap_or_default()),
                        );
                        m.insert(
                            "accessibility".into(),
                            Value::Array(access.get(&lid).cloned().unwrap_or_default()),
                        );
                    }
                    if let Some(m) = x.as_object_mut() {
                        m.insert("location".into(), loc);
                    }
                }
                x
            })
            .collect();
        o.insert("service_at_locations".into(), Value::Array(sals));
        for (key, src) in [
            ("schedules", &schedules),
            ("phones", &phones),
            ("cost_options", &costs),
            ("service_areas", &areas),
            ("languages", &langs),
        ] {
            o.insert(
                key.into(),
                Value::Array(src.get(&id).cloned().unwrap_or_default()),
            );
        }
        o.insert(
            "attributes".into(),
            Value::Array(with_terms(attrs.get(&id).cloned().unwrap_or_default())),
        );
        out.push(Value::Object(o));
    }
    out
}

/// One service read from a feed, before it meets the database.
struct Incoming {
    service: ServiceIn,
    org: Organization,
    locations: Vec<Location>,
    /// (taxonomy, name, code)
    terms: Vec<(String, String, Option<String>)>,
}

#[derive(Default)]
struct Tally {
    html: usize,
    not_uuid: usize,
    bad_status: usize,
    bad_postcode: usize,
    bad_schedule: usize,
}

fn read_one(
    v: &Value,
    today: NaiveDate,
    tally: &mut Tally,
) -> std::result::Result<Incoming, String> {
    let raw_id = s(v, "id").ok_or("no id")?;
    let name = s(v, "name")
        .map(|n| strip_html(&n))
        .filter(|n| !n.is_empty())
        .ok_or("no name")?;
    let uuid = if is_uuid(&raw_id) {
        raw_id.to_ascii_lowercase()
    } else {
        tally.not_uuid += 1;
        uuid_for(&format!("import/{raw_id}"))
    };
    let org_v = v
        .get("organization")
        .filter(|o| o.is_object())
        .ok_or("no organisation")?;
    let org_name = s(org_v, "name")
        .map(|n| strip_html(&n))
        .filter(|n| !n.is_empty())
        .ok_or("the organisation has no name")?;
    let org_id = s(org_v, "id")
        .map(|i| {
            if is_uuid(&i) {
                i.to_ascii_lowercase()
            } else {
                uuid_for(&format!("import-org/{i}"))
            }
        })
        .unwrap_or_else(|| uuid_for(&format!("import-org-name/{org_name}")));
    let clean = |raw: Option<String>, tally: &mut Tally| -> Option<String> {
        let raw = raw?;
        let text = if raw.contains('<') || raw.contains("&nbsp;") || raw.contains("&amp;") {
            tally.html += 1;
            strip_html(&raw)
        } else {
            raw
        };
        Some(text).filter(|t| !t.is_empty())
    };
    let org = Organization {
        uuid: org_id,
        name: org_name,
        description: clean(s(org_v, "description"), tally).unwrap_or_default(),
        url: s(org_v, "url").or_else(|| s(org_v, "website")),
        email: s(org_v, "email"),
        ..Default::default()
    };
    let status = match s(v, "status") {
        None => ServiceStatus::Active,
        Some(x) => ServiceStatus::from_hsds(&x).unwrap_or_else(|| {
            tally.bad_status += 1;
            ServiceStatus::Active
        }),
    };
    let ext = v.get("x_linkwork").cloned().unwrap_or(Value::Null);
    let eligibility = arr(v, "eligibilitys")
        .next()
        .cloned()
        .unwrap_or(Value::Null);
    let min_age = num(v, "minimum_age")
        .or_else(|| num(&eligibility, "minimum_age"))
        .map(|a| a as i64)
        .filter(|a| (0..=120).contains(a));
    let max_age = num(v, "maximum_age")
        .or_else(|| num(&eligibility, "maximum_age"))
        .map(|a| a as i64)
        .filter(|a| (0..=120).contains(a));
    let cost = arr(v, "cost_options").next();
    let amount = cost.and_then(|c| num(c, "amount"));
    let cost_text = cost
        .and_then(|c| s(c, "option").or_else(|| s(c, "amount_description")))
        .or_else(|| s(v, "fees_description"))
        .or_else(|| s(v, "fees"));
    let free = amount.is_none_or(|a| a == 0.0)
        && cost_text
            .as_deref()
            .is_none_or(|c| c.to_ascii_lowercase().contains("free"));
    let phone = arr(v, "phones")
        .chain(arr(v, "contacts").flat_map(|c| arr(c, "phones")))
        .find_map(|p| s(p, "number"))
        .map(|n| n.trim_matches('"').to_owned());
    let reach = s(&ext, "reach")
        .and_then(|r| Reach::parse(&r))
        .unwrap_or_else(|| {
            let national = arr(v, "service_areas").any(|a| {
                s(a, "name")
                    .or_else(|| s(a, "service_area"))
                    .is_some_and(|n| n.eq_ignore_ascii_case("national"))
            });
            if national {
                Reach::National
            } else {
                Reach::Local
            }
        });
    let mut schedules = Vec::new();
    for sc in arr(v, "schedules").chain(arr(v, "regular_schedules")) {
        match schedule_from(sc) {
            Some(r) => schedules.push(r),
            None => tally.bad_schedule += 1,
        }
    }
    let mut locations = Vec::new();
    for sal in arr(v, "service_at_locations") {
        let Some(l) = sal.get("location").filter(|l| l.is_object()) else {
            continue;
        };
        let addr = arr(l, "addresses")
            .chain(arr(l, "physical_addresses"))
            .next()
            .cloned()
            .unwrap_or(Value::Null);
        let postcode = s(&addr, "postal_code").and_then(|p| match Postcode::parse(&p) {
            Ok(p) => Some(p.to_string()),
            Err(_) => {
                tally.bad_postcode += 1;
                None
            }
        });
        let lid = s(l, "id")
            .map(|i| {
                if is_uuid(&i) {
                    i.to_ascii_lowercase()
                } else {
                    uuid_for(&format!("import-loc/{i}"))
                }
            })
            .unwrap_or_else(|| uuid_for(&format!("import-loc/{uuid}/{}", locations.len())));
        let (lat, lon) = (num(l, "latitude"), num(l, "longitude"));
        let coords_ok = matches!((lat, lon), (Some(a), Some(b)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) && !(a == 0.0 && b == 0.0));
        locations.push(Location {
            uuid: lid,
            name: s(l, "name").unwrap_or_default(),
            address: [s(&addr, "address_1"), s(&addr, "address_2")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            city: s(&addr, "city").unwrap_or_default(),
            postcode,
            latitude: lat.filter(|_| coords_ok),
            longitude: lon.filter(|_| coords_ok),
            accessibility: arr(l, "accessibility")
                .chain(arr(l, "accessibilities"))
                .filter_map(|a| s(a, "description").or_else(|| s(a, "accessibility")))
                .collect::<Vec<_>>()
                .join("|"),
            ..Default::default()
        });
    }
    let mut terms = Vec::new();
    for a in arr(v, "attributes") {
        if let Some(t) = a.get("taxonomy_term") {
            let name = s(t, "name").unwrap_or_default();
            let tax = s(t, "taxonomy").unwrap_or_default().to_ascii_lowercase();
            let taxonomy = if tax.contains("who") || tax.contains("audience") {
                "who"
            } else {
                "what"
            };
            if !name.is_empty() {
                terms.push((
                    taxonomy.to_owned(),
                    name,
                    s(t, "code").or_else(|| s(t, "term")),
                ));
            }
        }
    }
    for t in arr(v, "service_taxonomys") {
        if let Some(name) = t.get("taxonomy").and_then(|x| s(x, "name")) {
            terms.push(("what".into(), name, None));
        }
    }
    for a in arr(v, "pc_targetAudience") {
        if let Some(name) = s(a, "audienceType")
            .and_then(|n| n.rsplit('>').next().map(|x| x.trim().to_owned()))
            .filter(|n| !n.is_empty())
        {
            terms.push(("who".into(), name, None));
        }
    }
    let meta = v.get("pc_metadata").cloned().unwrap_or(Value::Null);
    let assured_on = s(v, "assured_date")
        .or_else(|| s(&meta, "date_assured"))
        .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(&d), "%Y-%m-%d").ok())
        .filter(|d| *d <= today);
    let languages = arr(v, "languages")
        .filter_map(|l| s(l, "name").or_else(|| s(l, "language")))
        .collect::<Vec<_>>()
        .join(", ");
    let routes = s(&ext, "referral_routes").unwrap_or_default();
    Ok(Incoming {
        service: ServiceIn {
            uuid,
            organization_id: 0,
            name,
            description: clean(s(v, "description"), tally).unwrap_or_default(),
            url: s(v, "url"),
            email: s(v, "email"),
            phone,
            status: status.code().into(),
            closed_reason: s(&ext, "closed_reason").or_else(|| s(v, "alert")),
            closed_until: s(&ext, "closed_until")
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            reach: reach.code().into(),
            min_age,
            max_age,
            free,
            cost: if free {
                None
            } else {
                cost_text.or(amount.map(|a| format!("£{a:.2}")))
            },
            languages,
            referral_routes: routes,
            referral_notes: s(&ext, "referral_notes")
                .or_else(|| s(v, "application_process"))
                .or_else(|| s(v, "pc_attendingAccess_additionalInfo")),
            capacity_note: s(&ext, "capacity_note").or_else(|| s(v, "wait_time")),
            staff_notes: None,
            assured_on,
            assured_by: s(v, "assurer_email").or_else(|| s(&meta, "assured_by")),
            term_ids: Vec::new(),
            location_ids: Vec::new(),
            site_ids: Vec::new(),
            schedules,
        },
        org,
        locations,
        terms,
    })
}

fn schedule_from(v: &Value) -> Option<ScheduleRow> {
    let time = |k: &str| {
        s(v, k)
            .and_then(|t| {
                NaiveTime::parse_from_str(&t, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(&t, "%H:%M"))
                    .ok()
            })
            .map(|t| t.format("%H:%M").to_string())
    };
    let date = |k: &str| {
        s(v, k).and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(&d), "%Y-%m-%d").ok())
    };
    let freq = Freq::parse(&s(v, "freq").unwrap_or_default())?;
    let byday = s(v, "byday").or_else(|| s(v, "weekday"))?;
    let byday = parse_byday(&byday).ok()?;
    Some(ScheduleRow {
        service_id: 0,
        freq: freq.code().into(),
        freq_interval: num(v, "interval").map_or(1, |i| i as i64).clamp(1, 52),
        byday: linkwork_domain::directory::byday_code(&byday),
        opens_at: time("opens_at"),
        closes_at: time("closes_at"),
        dtstart: date("dtstart"),
        valid_from: date("valid_from"),
        valid_to: date("valid_to"),
        note: s(v, "description"),
    })
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for w in name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

/// How many services go into one transaction of an import.
const BATCH: usize = 500;

impl App {
    /// Import Open Referral UK / HSDS services: insert new ones, update
    /// changed ones (by their id), leave identical ones alone.
    pub async fn import_directory(
        &self,
        ctx: &Ctx,
        items: Vec<Value>,
        format: &str,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> Result<ImportReport> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let mut report = ImportReport {
            read: items.len(),
            format: format.to_owned(),
            ..Default::default()
        };
        let mut tally = Tally::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut ok: Vec<Incoming> = Vec::new();
        for v in &items {
            let id = s(v, "id").unwrap_or_default();
            let name = s(v, "name").map(|n| strip_html(&n)).unwrap_or_default();
            match read_one(v, today, &mut tally) {
                Ok(i) if !seen.insert(i.service.uuid.clone()) => report.skipped.push(Skipped {
                    id,
                    name,
                    reason: "the same id appears earlier in the file".into(),
                }),
                Ok(i) => ok.push(i),
                Err(reason) => report.skipped.push(Skipped {
                    id,
                    name,
                    reason: reason.to_owned(),
                }),
            }
        }
        for (n, what) in [
            (
                tally.html,
                "descriptions had HTML, taken out (kept as plain text)",
            ),
            (
                tally.not_uuid,
                "ids were not UUIDs: each was given a stable UUID made from it",
            ),
            (tally.bad_status, "had an unknown status, taken as active"),
            (
                tally.bad_postcode,
                "places had an unreadable postcode, left without one",
            ),
            (
                tally.bad_schedule,
                "schedules could not be read (no day or an unknown frequency), left out",
            ),
        ] {
            if n > 0 {
                report.changes.push(format!("{n} {what}"));
            }
        }
        let by = actor_of(ctx);
        let now = self.now();
        let total = ok.len();
        let mut done = 0;
        progress(0, total);
        let mut batches: Vec<Vec<Incoming>> = Vec::new();
        let mut it = ok.into_iter().peekable();
        while it.peek().is_some() {
            batches.push(it.by_ref().take(BATCH).collect());
        }
        for (i, batch) in batches.into_iter().enumerate() {
            let n = batch.len();
            let analyze = i > 0 && i % 20 == 0;
            let (c, u, same) = self
                .run(
                    Use::write(
                        ctx,
                        Permission::ManageDirectory,
                        "directory.import",
                        "directory",
                        "import",
                    ),
                    async |tx, g, ev| {
                        if analyze {
                            linkwork_store::dialect::analyze_directory(tx).await?;
                        }
                        let out = import_batch(tx, g, batch, (by.0, &by.1), now).await?;
                        ev.detail = format!(
                            "{format}: {} new, {} changed, {} unchanged",
                            out.0, out.1, out.2
                        );
                        if out.0 + out.1 == 0 {
                            ev.action.clear();
                        }
                        Ok(out)
                    },
                )
                .await?;
            report.created += c;
            report.updated += u;
            report.unchanged += same;
            done += n;
            progress(done, total);
        }
        Ok(report)
    }

    /// The whole directory as `service_full` objects (no staff notes).
    pub async fn export_directory_services(&self, ctx: &Ctx) -> Result<Vec<Value>> {
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory"),
            async |tx, g| {
                let ids = store::service_ids(tx, g).await?;
                let terms = store::terms(tx, g).await?;
                let orgs: HashMap<i64, Organization> = store::organizations(tx, g)
                    .await?
                    .into_iter()
                    .map(|o| (o.id, o))
                    .collect();
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    out.push(full(tx, g, id, &terms, Some(&orgs), true).await?);
                }
                Ok(out)
            },
        )
        .await
    }

    /// The whole directory as an HSDS 3 tabular data package, its rows inline.
    pub async fn export_directory(&self, ctx: &Ctx) -> Result<Value> {
        let services = self.export_directory_services(ctx).await?;
        Ok(package(&services))
    }
}

async fn import_batch(
    tx: &mut Tx,
    g: &Grant,
    batch: Vec<Incoming>,
    by: (Option<i64>, &str),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(usize, usize, usize)> {
    let mut terms = store::terms(tx, g).await?;
    let uuids: Vec<String> = batch.iter().map(|i| i.service.uuid.clone()).collect();
    let existing = store::existing_services(tx, g, &uuids).await?;
    // Organisations, once each.
    let all_orgs: Vec<Organization> = batch.iter().map(|i| i.org.clone()).collect();
    let orgs: HashMap<String, i64> = store::save_organizations(tx, g, &all_orgs, now).await?;
    // Places, all at once (placed by their postcode when they came without
    // coordinates).
    let mut places: Vec<Location> = Vec::new();
    for inc in &batch {
        for l in &inc.locations {
            let mut l = l.clone();
            l.organization_id = orgs.get(&inc.org.uuid).copied();
            if l.latitude.is_none()
                && let Some(pc) = &l.postcode
                && let Some((a, b, _)) =
                    store::locate(tx, Some(pc), pc.split(' ').next().unwrap_or_default()).await?
            {
                l.latitude = Some(a);
                l.longitude = Some(b);
            }
            places.push(l);
        }
    }
    let place_ids = store::save_locations(tx, g, &places).await?;
    let (mut c, mut u, mut same) = (0, 0, 0);
    let mut fresh: Vec<(ServiceIn, Vec<String>)> = Vec::new();
    for inc in batch {
        let mut svc = inc.service;
        svc.organization_id = orgs.get(&inc.org.uuid).copied().unwrap_or_default();
        let mut loc_uuids = Vec::new();
        for l in &inc.locations {
            if let Some(id) = place_ids.get(&l.uuid)
                && !svc.location_ids.contains(id)
            {
                svc.location_ids.push(*id);
                loc_uuids.push(l.uuid.clone());
            }
        }
        for (taxonomy, name, code) in &inc.terms {
            let found = terms.iter().find(|t| {
                t.taxonomy == *taxonomy
                    && (t.name.eq_ignore_ascii_case(name)
                        || code
                            .as_ref()
                            .is_some_and(|c| t.code.eq_ignore_ascii_case(c)))
            });
            let id = match found {
                Some(t) => t.id,
                None => {
                    let code = code
                        .clone()
                        .map(|c| slug(&c))
                        .filter(|c| !c.is_empty())
                        .unwrap_or_else(|| slug(name));
                    if code.is_empty() {
                        continue;
                    }
                    let id = match terms
                        .iter()
                        .find(|t| t.taxonomy == *taxonomy && t.code == code)
                    {
                        Some(t) => t.id,
                        None => store::add_term(tx, g, taxonomy, &code, name, None).await?,
                    };
                    terms.push(Term {
                        id,
                        uuid: String::new(),
                        taxonomy: taxonomy.clone(),
                        code,
                        name: name.clone(),
                        parent_id: None,
                    });
                    id
                }
            };
            svc.term_ids.push(id);
        }
        svc.term_ids.sort_unstable();
        svc.term_ids.dedup();
        match existing.get(&svc.uuid) {
            None => fresh.push((svc, loc_uuids)),
            Some(id) => {
                // Keep what only this programme knows (notes, practices served).
                svc.location_ids.sort_unstable();
                let current = store::service_input(tx, g, *id).await?;
                svc.staff_notes = current.staff_notes.clone();
                svc.site_ids = current.site_ids.clone();
                if svc.referral_routes.is_empty() {
                    svc.referral_routes = current.referral_routes.clone();
                }
                if svc == current {
                    same += 1;
                    continue;
                }
                match store::save_service(tx, g, &svc, None, by, "Imported", now).await? {
                    store::Saved::Created(_) => c += 1,
                    store::Saved::Updated(_) => u += 1,
                    store::Saved::Unchanged(_) => same += 1,
                }
            }
        }
    }
    // The location link's ids follow location_ids' sorted order.
    for (svc, uuids) in &mut fresh {
        let mut pairs: Vec<(i64, String)> = svc
            .location_ids
            .iter()
            .copied()
            .zip(uuids.iter().cloned())
            .collect();
        pairs.sort_by_key(|p| p.0);
        svc.location_ids = pairs.iter().map(|p| p.0).collect();
        *uuids = pairs.into_iter().map(|p| p.1).collect();
    }
    c += store::insert_services(tx, g, &fresh, by, "Imported", now)
        .await?
        .len();
    Ok((c, u, same))
}

/// One service as Open Referral UK 3.0 `service_full`. `orgs` is every
/// organisation by id when many services are written (an export); without
/// it the service's own organisation is read. `ext` adds the programme's own
/// shareable fields (how to refer, capacity, reach) under `x_linkwork` for a
/// round trip; staff notes never appear.
pub(crate) async fn full(
    tx: &mut Tx,
    g: &Grant,
    id: i64,
    terms: &[Term],
    orgs: Option<&HashMap<i64, Organization>>,
    ext: bool,
) -> Result<Value> {
    let s = store::service_input(tx, g, id).await?;
    let locs = store::locations_of(tx, g, id).await?;
    let modified = store::service_modified(tx, g, id).await?;
    let org = match orgs {
        Some(m) => m.get(&s.organization_id).cloned().unwrap_or_default(),
        None => store::organization(tx, g, s.organization_id).await?,
    };
    Ok(service_json(&s, &org, &locs, terms, modified, ext))
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<impl Into<Value>>) {
    if let Some(v) = v {
        m.insert(k.into(), v.into());
    }
}

pub fn service_json(
    s: &ServiceIn,
    org: &Organization,
    locs: &[Location],
    terms: &[Term],
    modified: chrono::DateTime<chrono::Utc>,
    ext: bool,
) -> Value {
    let sid = &s.uuid;
    let status = ServiceStatus::parse(&s.status).unwrap_or(ServiceStatus::Active);
    let mut m = Map::new();
    m.insert("id".into(), json!(sid));
    m.insert("organization_id".into(), json!(org.uuid));
    m.insert("name".into(), json!(s.name));
    m.insert("description".into(), json!(s.description));
    put(&mut m, "url", s.url.clone());
    put(&mut m, "email", s.email.clone());
    m.insert("status".into(), json!(status.hsds()));
    put(&mut m, "fees", s.cost.clone());
    put(&mut m, "minimum_age", s.min_age);
    put(&mut m, "maximum_age", s.max_age);
    put(&mut m, "assured_date", s.assured_on.map(|d| d.to_string()));
    put(
        &mut m,
        "alert",
        s.closed_reason
            .clone()
            .filter(|_| status == ServiceStatus::TemporarilyClosed),
    );
    m.insert(
        "last_modified".into(),
        json!(modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    );
    let mut o = Map::new();
    o.insert("id".into(), json!(org.uuid));
    o.insert("name".into(), json!(org.name));
    o.insert("description".into(), json!(org.description));
    put(&mut o, "email", org.email.clone());
    put(&mut o, "website", org.url.clone());
    m.insert("organization".into(), Value::Object(o));
    m.insert(
        "schedules".into(),
        Value::Array(
            s.schedules
                .iter()
                .enumerate()
                .map(|(i, sc)| {
                    let mut x = Map::new();
                    x.insert("id".into(), json!(uuid_for(&format!("schedule/{sid}/{i}"))));
                    x.insert("service_id".into(), json!(sid));
                    x.insert("freq".into(), json!(sc.freq));
                    x.insert("interval".into(), json!(sc.freq_interval));
                    x.insert("byday".into(), json!(sc.byday));
                    put(&mut x, "opens_at", sc.opens_at.clone());
                    put(&mut x, "closes_at", sc.closes_at.clone());
                    put(&mut x, "dtstart", sc.dtstart.map(|d| d.to_string()));
                    put(&mut x, "valid_from", sc.valid_from.map(|d| d.to_string()));
                    put(&mut x, "valid_to", sc.valid_to.map(|d| d.to_string()));
                    put(&mut x, "description", sc.note.clone());
                    Value::Object(x)
                })
                .collect(),
        ),
    );
    m.insert(
        "service_at_locations".into(),
        Value::Array(
            locs.iter()
                .map(|l| {
                    let mut loc = Map::new();
                    loc.insert("id".into(), json!(l.uuid));
                    loc.insert("location_type".into(), json!("physical"));
                    loc.insert("name".into(), json!(l.name));
                    put(&mut loc, "latitude", l.latitude);
                    put(&mut loc, "longitude", l.longitude);
                    let addr = json!({"id": uuid_for(&format!("address/{}", l.uuid)), "location_id": l.uuid, "address_1": l.address,
                        "city": l.city, "state_province": "", "postal_code": l.postcode.clone().unwrap_or_default(), "country": "GB", "address_type": "physical"});
                    loc.insert("addresses".into(), json!([addr]));
                    let acc: Vec<Value> = l
                        .accessibility
                        .split('|')
                        .filter(|a| !a.is_empty())
                        .map(|a| json!({"id": uuid_for(&format!("access/{}/{a}", l.uuid)), "location_id": l.uuid, "description": a}))
                        .collect();
                    loc.insert("accessibility".into(), Value::Array(acc));
                    json!({"id": store::sal_uuid(sid, &l.uuid), "service_id": sid, "location_id": l.uuid, "location": loc})
                })
                .collect(),
        ),
    );
    if let Some(p) = &s.phone {
        m.insert(
            "phones".into(),
            json!([{"id": uuid_for(&format!("phone/{sid}")), "service_id": sid, "number": p}]),
        );
    }
    if !s.free || s.cost.is_some() {
        m.insert("cost_options".into(), json!([{"id": uuid_for(&format!("cost/{sid}")), "service_id": sid, "option": s.cost.clone().unwrap_or_else(|| "There is a charge".into())}]));
    }
    if s.reach != "local" {
        m.insert("service_areas".into(), json!([{"id": uuid_for(&format!("area/{sid}")), "service_id": sid, "name": s.reach, "extent_type": "other"}]));
    }
    if !s.languages.is_empty() {
        let langs: Vec<Value> = s
            .languages
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| json!({"id": uuid_for(&format!("lang/{sid}/{l}")), "service_id": sid, "name": l}))
            .collect();
        m.insert("languages".into(), Value::Array(langs));
    }
    let attrs: Vec<Value> = s
        .term_ids
        .iter()
        .filter_map(|t| terms.iter().find(|x| x.id == *t))
        .map(|t| {
            let mut tt = Map::new();
            tt.insert("id".into(), json!(t.uuid));
            tt.insert("name".into(), json!(t.name));
            tt.insert("description".into(), json!(t.name));
            tt.insert("code".into(), json!(t.code));
            tt.insert("taxonomy".into(), json!(taxonomy_name(&t.taxonomy)));
            if let Some(p) = t.parent_id.and_then(|p| terms.iter().find(|x| x.id == p)) {
                tt.insert("parent_id".into(), json!(p.uuid));
            }
            json!({"id": uuid_for(&format!("attr/{sid}/{}", t.uuid)), "link_id": sid, "taxonomy_term_id": t.uuid, "link_type": "service", "taxonomy_term": tt})
        })
        .collect();
    m.insert("attributes".into(), Value::Array(attrs));
    m.insert("contacts".into(), json!([]));
    m.insert("funding".into(), json!([]));
    if ext {
        let mut x = Map::new();
        x.insert("reach".into(), json!(s.reach));
        x.insert("referral_routes".into(), json!(s.referral_routes));
        put(&mut x, "referral_notes", s.referral_notes.clone());
        put(&mut x, "capacity_note", s.capacity_note.clone());
        put(&mut x, "closed_reason", s.closed_reason.clone());
        put(
            &mut x,
            "closed_until",
            s.closed_until.map(|d| d.to_string()),
        );
        put(&mut x, "assured_by", s.assured_by.clone());
        m.insert("x_linkwork".into(), Value::Object(x));
        if let Some(b) = &s.assured_by
            && b.contains('@')
        {
            m.insert("assurer_email".into(), json!(b));
        }
    }
    Value::Object(m)
}

pub fn taxonomy_name(code: &str) -> &'static str {
    if code == "who" {
        "ALISS community groups (who)"
    } else {
        "ALISS categories (what)"
    }
}

/// `service_full` objects flattened into the HSDS 3 tables of a data package.
pub fn package(services: &[Value]) -> Value {
    let mut t: HashMap<&str, Vec<Value>> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let strip = |v: &Value, drop: &[&str]| -> Value {
        let mut m = v.as_object().cloned().unwrap_or_default();
        for d in drop {
            m.remove(*d);
        }
        Value::Object(m)
    };
    for svc in services {
        if let Some(o) = svc.get("organization")
            && seen.insert(format!("o{}", s(o, "id").unwrap_or_default()))
        {
            t.entry("organizations").or_default().push(o.clone());
        }
        t.entry("services").or_default().push(strip(
            svc,
            &[
                "organization",
                "schedules",
                "service_at_locations",
                "phones",
                "cost_options",
                "service_areas",
                "languages",
                "attributes",
                "contacts",
                "funding",
            ],
        ));
        for sal in arr(svc, "service_at_locations") {
            t.entry("service_at_locations")
                .or_default()
                .push(strip(sal, &["location"]));
            if let Some(l) = sal.get("location")
                && seen.insert(format!("l{}", s(l, "id").unwrap_or_default()))
            {
                t.entry("locations")
                    .or_default()
                    .push(strip(l, &["addresses", "accessibility"]));
                t.entry("addresses")
                    .or_default()
                    .extend(arr(l, "addresses").cloned());
                t.entry("accessibility")
                    .or_default()
                    .extend(arr(l, "accessibility").cloned());
            }
        }
        for key in [
            "schedules",
            "phones",
            "cost_options",
            "service_areas",
            "languages",
        ] {
            t.entry(key).or_default().extend(arr(svc, key).cloned());
        }
        for a in arr(svc, "attributes") {
            t.entry("attributes")
                .or_default()
                .push(strip(a, &["taxonomy_term"]));
            if let Some(term) = a.get("taxonomy_term")
                && seen.insert(format!("t{}", s(term, "id").unwrap_or_default()))
            {
                t.entry("taxonomy_terms").or_default().push(term.clone());
            }
        }
    }
    let order = [
        "organizations",
        "services",
        "locations",
        "service_at_locations",
        "addresses",
        "accessibility",
        "schedules",
        "phones",
        "cost_options",
        "service_areas",
        "languages",
        "taxonomy_terms",
        "attributes",
    ];
    let resources: Vec<Value> = order
        .iter()
        .map(|name| json!({"name": name, "profile": "tabular-data-resource", "data": t.remove(name).unwrap_or_default()}))
        .collect();
    json!({
        "name": "linkwork-directory",
        "title": "Community directory (HSDS 3.0 / Open Referral UK 3.0)",
        "profile": "tabular-data-package",
        "hsds_version": "3.0",
        "oruk_profile": PROFILE,
        "review_period_months": REVIEW_MONTHS,
        "resources": resources,
    })
}

/// Open Referral UK query parameters of `/services` and `/service_at_locations`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OrukQuery {
    pub search: String,
    pub page: String,
    pub per_page: String,
    pub taxonomy_term_id: String,
    pub taxonomy_id: String,
    pub minimum_age: String,
    pub maximum_age: String,
    pub day: String,
    pub postcode: String,
    pub proximity: String,
    pub modified_after: String,
}

/// One page of an Open Referral UK list.
#[derive(Debug, Clone, Serialize)]
pub struct OrukPage {
    pub total_items: usize,
    pub total_pages: usize,
    pub page_number: usize,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<Value>,
}

impl OrukPage {
    fn of(contents: Vec<Value>, total: usize, page: usize, per_page: usize) -> OrukPage {
        let total_pages = total.div_ceil(per_page.max(1)).max(1);
        OrukPage {
            total_items: total,
            total_pages,
            page_number: page,
            size: contents.len(),
            first_page: page == 1,
            last_page: page >= total_pages,
            empty: contents.is_empty(),
            contents,
        }
    }
}

fn taxonomy_uuid(programme_id: i64, code: &str) -> String {
    uuid_for(&format!("linkwork-taxonomy/{programme_id}/{code}"))
}

/// The ORUK `service_list` shape: a service without its lists.
fn service_list_item(full: &Value) -> Value {
    let mut m = full.as_object().cloned().unwrap_or_default();
    for k in [
        "schedules",
        "service_at_locations",
        "phones",
        "cost_options",
        "service_areas",
        "languages",
        "attributes",
        "contacts",
        "funding",
        "x_linkwork",
    ] {
        m.remove(k);
    }
    Value::Object(m)
}

impl App {
    /// `/openreferral/services` (and, with `at_locations`, `/service_at_locations`).
    pub async fn openreferral_services(
        &self,
        ctx: &Ctx,
        q: &OrukQuery,
        at_locations: bool,
    ) -> Result<OrukPage> {
        use linkwork_domain::FieldErrors;
        let mut e = FieldErrors::new();
        let int =
            |raw: &str, field: &str, default: usize, max: usize, e: &mut FieldErrors| match raw
                .trim()
            {
                "" => default,
                n => match n.parse::<usize>() {
                    Ok(v) if (1..=max).contains(&v) => v,
                    _ => {
                        e.add(field, format!("Enter a whole number from 1 to {max}"));
                        default
                    }
                },
            };
        let page = int(&q.page, "page", 1, 1_000_000, &mut e);
        let per_page = int(&q.per_page, "per_page", 50, 500, &mut e);
        let age = |raw: &str, field: &str, e: &mut FieldErrors| match raw.trim() {
            "" => None,
            a => match a.parse::<f64>() {
                Ok(v) if (0.0..=120.0).contains(&v) => Some(v as i64),
                _ => {
                    e.add(field, "Enter an age from 0 to 120");
                    None
                }
            },
        };
        let (min_age, max_age) = (
            age(&q.minimum_age, "minimum_age", &mut e),
            age(&q.maximum_age, "maximum_age", &mut e),
        );
        let proximity = match q.proximity.trim() {
            "" => None,
            p => match p.parse::<f64>() {
                Ok(m) if m > 0.0 => Some(m / 1000.0),
                _ => {
                    e.add("proximity", "Enter a distance in metres");
                    None
                }
            },
        };
        e.into_result()?;
        let input = super::SearchInput {
            q: q.search.clone(),
            postcode: q.postcode.clone(),
            day: q
                .day
                .chars()
                .take(2)
                .collect::<String>()
                .to_ascii_uppercase(),
            age: min_age
                .or(max_age)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            ..Default::default()
        };
        // Validate the shared parameters the directory's own way.
        let probe = super::SearchInput {
            limit: "1".into(),
            ..input.clone()
        };
        let outcome = self.search_directory(ctx, &probe).await?;
        let point = outcome.place.as_ref().map(|p| (p.latitude, p.longitude));
        let today = linkwork_domain::appointment::london_date(self.now());
        let at = linkwork_domain::appointment::london_time(self.now()).time();
        let day = linkwork_domain::directory::parse_weekday(&input.day);
        let term = q.taxonomy_term_id.trim().to_owned();
        let taxonomy = q.taxonomy_id.trim().to_owned();
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory"),
            async |tx, g| {
                let idx = self.fresh_index(tx, g).await?;
                let terms = store::terms(tx, g).await?;
                let pid = g.programme_id();
                let mut categories: Vec<i64> = Vec::new();
                if !term.is_empty() {
                    match terms.iter().find(|t| t.uuid == term || t.code == term) {
                        Some(t) => categories.push(t.id),
                        None => {
                            return Err(crate::AppError::field(
                                "taxonomy_term_id",
                                "No such taxonomy term",
                            ));
                        }
                    }
                }
                if !taxonomy.is_empty() {
                    let code = ["what", "who"]
                        .into_iter()
                        .find(|c| taxonomy_uuid(pid, c) == taxonomy || *c == taxonomy);
                    let Some(code) = code else {
                        return Err(crate::AppError::field("taxonomy_id", "No such taxonomy"));
                    };
                    categories.extend(
                        terms
                            .iter()
                            .filter(|t| t.taxonomy == code && t.parent_id.is_none())
                            .map(|t| t.id),
                    );
                }
                let query = super::index::Query {
                    text: input.q.clone(),
                    point,
                    categories,
                    audiences: Vec::new(),
                    age: min_age.or(max_age),
                    day,
                    free: false,
                    open_now: false,
                    on: today,
                    at,
                    sites: None,
                    near: None,
                    max_km: proximity,
                    overdue_before: today
                        .checked_sub_months(chrono::Months::new(REVIEW_MONTHS))
                        .unwrap_or(today),
                    limit: per_page,
                    offset: (page - 1) * per_page,
                };
                let results = idx
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .search(&query);
                let mut contents = Vec::new();
                for h in &results.items {
                    let f = full(tx, g, h.id, &terms, None, false).await?;
                    if at_locations {
                        for sal in arr(&f, "service_at_locations") {
                            let mut x = sal.as_object().cloned().unwrap_or_default();
                            x.insert("service".into(), service_list_item(&f));
                            contents.push(Value::Object(x));
                        }
                    } else {
                        contents.push(service_list_item(&f));
                    }
                }
                Ok(OrukPage::of(contents, results.total, page, per_page))
            },
        )
        .await
    }

    /// `/openreferral/services/{id}`: one service in full, by its HSDS id.
    pub async fn openreferral_service(&self, ctx: &Ctx, uuid: &str) -> Result<Value> {
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_service").of(uuid),
            async |tx, g| {
                let id = store::service_id_by_uuid(tx, g, uuid)
                    .await?
                    .ok_or(crate::AppError::NotFound)?;
                let status = store::service_input(tx, g, id).await?.status;
                if status == "defunct" {
                    return Err(crate::AppError::NotFound);
                }
                let terms = store::terms(tx, g).await?;
                full(tx, g, id, &terms, None, false).await
            },
        )
        .await
    }

    /// `/openreferral/service_at_locations/{id}`.
    pub async fn openreferral_service_at_location(&self, ctx: &Ctx, uuid: &str) -> Result<Value> {
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_service").of(uuid),
            async |tx, g| {
                let id = store::service_of_location_link(tx, g, uuid)
                    .await?
                    .ok_or(crate::AppError::NotFound)?;
                let terms = store::terms(tx, g).await?;
                full(tx, g, id, &terms, None, false).await
            },
        )
        .await
    }

    /// `/openreferral/taxonomies`: the two vocabularies.
    pub async fn openreferral_taxonomies(&self, ctx: &Ctx) -> Result<Vec<Value>> {
        self.read(Use::read(ctx, Permission::ViewDirectory, "directory_term"), async |_, g| {
            Ok(["what", "who"]
                .iter()
                .map(|c| {
                    json!({"id": taxonomy_uuid(g.programme_id(), c), "name": taxonomy_name(c),
                        "description": if *c == "who" { "Who a service is for: the community groups of ALISS (A Local Information System for Scotland), as edited by the programme." } else { "What a service offers: the categories of ALISS (A Local Information System for Scotland), as edited by the programme." },
                        "version": "linkwork"})
                })
                .collect())
        })
        .await
    }

    /// `/openreferral/taxonomy_terms`.
    pub async fn openreferral_terms(&self, ctx: &Ctx) -> Result<Vec<Value>> {
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_term"),
            async |tx, g| {
                let terms = store::terms(tx, g).await?;
                let pid = g.programme_id();
                Ok(terms
                    .iter()
                    .map(|t| {
                        let mut m = Map::new();
                        m.insert("id".into(), json!(t.uuid));
                        m.insert("name".into(), json!(t.name));
                        m.insert("description".into(), json!(t.name));
                        m.insert("taxonomy".into(), json!(taxonomy_name(&t.taxonomy)));
                        m.insert("taxonomy_id".into(), json!(taxonomy_uuid(pid, &t.taxonomy)));
                        m.insert("term".into(), json!(t.code));
                        if let Some(p) = t.parent_id.and_then(|p| terms.iter().find(|x| x.id == p))
                        {
                            m.insert("parent_id".into(), json!(p.uuid));
                        }
                        Value::Object(m)
                    })
                    .collect())
            },
        )
        .await
    }

    /// The programme `/openreferral` serves when it is public: by id or name.
    pub async fn programme_by_name_or_id(&self, which: &str) -> Result<Option<i64>> {
        let mut tx = self.db.read().await?;
        let all = linkwork_store::org::list_programmes(&mut tx).await?;
        tx.rollback().await?;
        Ok(all
            .into_iter()
            .find(|p| p.id.to_string() == which.trim() || p.name.eq_ignore_ascii_case(which.trim()))
            .map(|p| p.id))
    }
}

/// Page a whole list the ORUK way.
pub fn page_of_list(items: Vec<Value>, page: &str, per_page: &str) -> Result<OrukPage> {
    let p = if page.trim().is_empty() {
        Ok(1)
    } else {
        page.trim().parse::<usize>()
    };
    let pp = if per_page.trim().is_empty() {
        Ok(50)
    } else {
        per_page.trim().parse::<usize>()
    };
    let (Ok(p), Ok(pp)) = (p, pp) else {
        return Err(crate::AppError::field(
            "page",
            "Enter whole numbers for page and per_page",
        ));
    };
    if p == 0 || pp == 0 || pp > 500 {
        return Err(crate::AppError::field(
            "per_page",
            "page starts at 1; per_page is from 1 to 500",
        ));
    }
    let total = items.len();
    let contents: Vec<Value> = items
        .into_iter()
        .skip((p - 1).saturating_mul(pp))
        .take(pp)
        .collect();
    Ok(OrukPage::of(contents, total, p, pp))
}
