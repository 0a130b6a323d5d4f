//! Asset mapping: needs recorded in one-to-one work against the services
//! that meet them nearby (the gap report), and a practice's information
//! pack with the digest of what changed.

use super::{App, REVIEW_MONTHS};
use crate::gate::Use;
use crate::{Ctx, Result};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::Permission;
use linkwork_domain::directory::{ReferralRoute, category_for_need};
use linkwork_store::Tx;
use linkwork_store::directory::{self as store, Change, PlaceOfSite};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A service is local to a place when it is this close to one of its practices.
pub const LOCAL_KM: f64 = 3.0;

/// Whether the gap report groups by area or by cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GroupBy {
    Area,
    Cluster,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    pub place: String,
    pub need: String,
    pub need_label: String,
    /// People with this need open, whose records are held in the place.
    pub people: i64,
    /// Active local services of the matching kind within reach.
    pub local: usize,
    /// Regional or national services of that kind (helplines, online).
    pub wider: usize,
    /// The directory category that meets the need (none for "other").
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapReport {
    pub rows: Vec<GapRow>,
    pub by: GroupBy,
    pub local_km: f64,
    /// Practices whose postcode we could not place (their services count as
    /// not local).
    pub unplaced: Vec<String>,
}

impl GapReport {
    /// The gaps: needs with nothing local, people first.
    pub fn gaps(&self) -> Vec<&GapRow> {
        let mut g: Vec<&GapRow> = self
            .rows
            .iter()
            .filter(|r| r.local == 0 && r.category.is_some())
            .collect();
        g.sort_by(|a, b| b.people.cmp(&a.people).then(a.place.cmp(&b.place)));
        g
    }
}

/// Where each practice is (exact postcode, else its district's middle).
pub(super) async fn placed(
    tx: &mut Tx,
    practices: &[PlaceOfSite],
) -> Result<HashMap<i64, (f64, f64)>> {
    let pcs: Vec<String> = practices
        .iter()
        .filter_map(|p| p.postcode.clone())
        .collect();
    let exact: HashMap<String, (f64, f64)> = store::points(tx, &pcs)
        .await?
        .into_iter()
        .map(|(p, a, b)| (p, (a, b)))
        .collect();
    let mut out = HashMap::new();
    for p in practices {
        let Some(pc) = &p.postcode else { continue };
        let point = match exact.get(pc) {
            Some(x) => Some(*x),
            None => store::locate(tx, None, pc.split(' ').next().unwrap_or_default())
                .await?
                .map(|(a, b, _)| (a, b)),
        };
        if let Some(x) = point {
            out.insert(p.site_id, x);
        }
    }
    Ok(out)
}

impl App {
    /// Needs against services, per area or cluster, for the practices the
    /// user's records reach.
    pub async fn gap_report(&self, ctx: &Ctx, by: GroupBy) -> Result<GapReport> {
        self.read(
            Use::read(ctx, Permission::WorkWithParticipants, "gap_report"),
            async |tx, g| {
                let idx = self.fresh_index(tx, g).await?;
                let practices = store::practices(tx, g).await?;
                let needs = store::open_needs_by_site(tx, g).await?;
                let reasons = linkwork_store::reasons::list(tx, g).await?;
                let terms = store::terms(tx, g).await?;
                let points = placed(tx, &practices).await?;
                let group_of = |p: &PlaceOfSite| match by {
                    GroupBy::Area => p.area.clone(),
                    GroupBy::Cluster => format!("{} ({})", p.cluster, p.area),
                };
                let mut groups: BTreeMap<String, Vec<&PlaceOfSite>> = BTreeMap::new();
                for p in &practices {
                    groups.entry(group_of(p)).or_default().push(p);
                }
                let site_group: HashMap<i64, String> =
                    practices.iter().map(|p| (p.site_id, group_of(p))).collect();
                let mut people: BTreeMap<(String, String), i64> = BTreeMap::new();
                for (site, need, n) in needs {
                    if let Some(gname) = site_group.get(&site) {
                        *people.entry((gname.clone(), need)).or_insert(0) += n;
                    }
                }
                let index = idx
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let mut rows = Vec::new();
                for ((place, need), n) in people {
                    let members = groups.get(&place).cloned().unwrap_or_default();
                    let pts: Vec<(f64, f64)> = members
                        .iter()
                        .filter_map(|p| points.get(&p.site_id).copied())
                        .collect();
                    let sites: Vec<i64> = members.iter().map(|p| p.site_id).collect();
                    let category = category_for_need(&need)
                        .and_then(|c| terms.iter().find(|t| t.taxonomy == "what" && t.code == c));
                    let (local, wider) =
                        category.map_or((0, 0), |t| index.meeting(t.id, &pts, &sites, LOCAL_KM));
                    rows.push(GapRow {
                        need_label: reasons
                            .iter()
                            .find(|r| r.code == need)
                            .map_or(need.clone(), |r| r.label.clone()),
                        place,
                        need,
                        people: n,
                        local,
                        wider,
                        category: category.map(|t| t.name.clone()),
                    });
                }
                let unplaced = practices
                    .iter()
                    .filter(|p| !points.contains_key(&p.site_id))
                    .map(|p| p.site.clone())
                    .collect();
                Ok(GapReport {
                    rows,
                    by,
                    local_km: LOCAL_KM,
                    unplaced,
                })
            },
        )
        .await
    }

    /// A practice's information pack: services near it by kind, with days,
    /// times and how to refer; and what changed in the last `weeks` weeks.
    pub async fn practice_pack(&self, ctx: &Ctx, site_id: i64, weeks: u32) -> Result<PracticePack> {
        let site = self.get_site(ctx, site_id).await?;
        let today = linkwork_domain::appointment::london_date(self.now());
        let since = self.now() - chrono::Duration::weeks(i64::from(weeks));
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory"),
            async |tx, g| {
                let idx = self.fresh_index(tx, g).await?;
                let terms = store::terms(tx, g).await?;
                let point = match &site.postcode {
                    Some(pc) => {
                        store::locate(tx, Some(pc), pc.split(' ').next().unwrap_or_default())
                            .await?
                            .map(|(a, b, _)| (a, b))
                    }
                    None => None,
                };
                let changes = store::changed_after(tx, g, since).await?;
                let by_kind = {
                    let index = idx
                        .read()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let mut by_kind: BTreeMap<String, Vec<PackEntry>> = BTreeMap::new();
                    for (doc, d) in index.near(point, site_id, LOCAL_KM, true) {
                        let top = doc
                            .terms
                            .iter()
                            .map(|t| index.top_term(*t))
                            .find(|t| terms.iter().any(|x| x.id == *t && x.taxonomy == "what"));
                        let kind = top
                            .and_then(|t| terms.iter().find(|x| x.id == t))
                            .map_or("Other support".to_owned(), |t| t.name.clone());
                        by_kind.entry(kind).or_default().push(PackEntry {
                            id: doc.svc.id,
                            name: doc.svc.name.clone(),
                            organization: doc.svc.organization.clone(),
                            when: doc.schedules.iter().map(|s| s.describe()).collect(),
                            place: doc.locations.first().map(|l| {
                                [
                                    l.name.as_str(),
                                    l.address.as_str(),
                                    l.postcode.as_deref().unwrap_or_default(),
                                ]
                                .iter()
                                .filter(|x| !x.is_empty())
                                .copied()
                                .collect::<Vec<_>>()
                                .join(", ")
                            }),
                            distance_km: d.map(|d| (d * 10.0).round() / 10.0),
                            how_to_refer: doc
                                .svc
                                .referral_routes
                                .split('|')
                                .filter_map(ReferralRoute::parse)
                                .map(ReferralRoute::label)
                                .map(str::to_owned)
                                .collect(),
                            phone: doc.svc.phone.clone(),
                            free: doc.svc.free,
                            cost: doc.svc.cost.clone(),
                            last_assured: doc.svc.assured_on,
                        });
                    }
                    let near: std::collections::HashSet<i64> = index
                        .near(point, site_id, LOCAL_KM, false)
                        .iter()
                        .map(|(d, _)| d.svc.id)
                        .collect();
                    (by_kind, near)
                };
                let (by_kind, near) = by_kind;
                let changes: Vec<Change> = changes
                    .into_iter()
                    .filter(|c| near.contains(&c.id))
                    .collect();
                Ok(PracticePack {
                    site: site.name.clone(),
                    postcode: site.postcode.clone(),
                    placed: point.is_some(),
                    by_kind: by_kind.into_iter().collect(),
                    changes: Digest::of(changes, since),
                    weeks,
                    made_on: today,
                    review_months: REVIEW_MONTHS,
                })
            },
        )
        .await
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PackEntry {
    pub id: i64,
    pub name: String,
    pub organization: String,
    pub when: Vec<String>,
    pub place: Option<String>,
    pub distance_km: Option<f64>,
    pub how_to_refer: Vec<String>,
    pub phone: Option<String>,
    pub free: bool,
    pub cost: Option<String>,
    pub last_assured: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticePack {
    pub site: String,
    pub postcode: Option<String>,
    /// Its postcode was found in the lookup (else only services that name
    /// the practice are listed).
    pub placed: bool,
    pub by_kind: Vec<(String, Vec<PackEntry>)>,
    pub changes: Digest,
    pub weeks: u32,
    pub made_on: NaiveDate,
    pub review_months: u32,
}

/// New, changed and closed services since a moment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Digest {
    pub new: Vec<Change>,
    pub changed: Vec<Change>,
    pub closed: Vec<Change>,
}

impl Digest {
    fn of(changes: Vec<Change>, since: DateTime<Utc>) -> Digest {
        let mut d = Digest::default();
        for c in changes {
            if matches!(
                c.status.as_str(),
                "temporarily_closed" | "defunct" | "inactive"
            ) {
                d.closed.push(c);
            } else if c.created_at >= since {
                d.new.push(c);
            } else {
                d.changed.push(c);
            }
        }
        d
    }
}
