//! The directory's search index: held in each app node's memory, built from
//! the database and caught up from it before every search (one small query
//! of the programme's change counter; the changed services only when it
//! moved). So a change saved on one node is found on every other node at its
//! next search, and both databases search alike. See DECISIONS.md for why
//! this and not tantivy or the databases' own full-text search.

use chrono::{NaiveDate, NaiveTime, Weekday};
use linkwork_domain::directory::{
    self as rules, Freq, Reach, Running, Schedule, ServiceStatus, parse_byday,
};
use linkwork_store::directory::{IndexLocation, IndexRows, IndexService, ScheduleRow, Term};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One service as the index holds it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub svc: IndexService,
    pub status: ServiceStatus,
    pub reach: Reach,
    pub schedules: Vec<Schedule>,
    pub locations: Vec<IndexLocation>,
    /// Its terms with every ancestor, so a broad category finds narrow ones.
    pub terms: Vec<i64>,
    pub sites: Vec<i64>,
    pub snippet: String,
    /// Some schedule has a season or term, or the service is not simply
    /// active: whether it runs must be worked out for the day.
    pub seasonal: bool,
}

/// Near these points (within the distance) or serving these sites.
pub type Near = (Vec<(f64, f64)>, Vec<i64>, f64);

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub point: Option<(f64, f64)>,
    /// Term ids: a service must carry one of them (or a narrower one).
    pub categories: Vec<i64>,
    pub audiences: Vec<i64>,
    pub age: Option<i64>,
    pub day: Option<Weekday>,
    pub free: bool,
    pub open_now: bool,
    /// The day the search is for (today unless planning ahead).
    pub on: NaiveDate,
    /// The time of day for `open_now` (UK local time).
    pub at: NaiveTime,
    /// Only services that serve one of these practices (or serve all).
    pub sites: Option<Vec<i64>>,
    /// Only services within this distance of `point` (national ones pass).
    pub max_km: Option<f64>,
    /// Only services with a place within the distance of one of these
    /// points, or serving one of these sites (an area's or cluster's
    /// practices); regional and national ones pass.
    pub near: Option<Near>,
    /// Entries last checked on or before this are overdue.
    pub overdue_before: NaiveDate,
    pub limit: usize,
    pub offset: usize,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: i64,
    pub uuid: String,
    pub name: String,
    pub organization_id: i64,
    pub organization: String,
    pub snippet: String,
    pub status: ServiceStatus,
    pub closed_reason: Option<String>,
    pub closed_until: Option<NaiveDate>,
    pub running: Running,
    pub reach: Reach,
    /// To the nearest of its locations, when the search had a place.
    pub distance_km: Option<f64>,
    pub location: Option<IndexLocation>,
    pub free: bool,
    pub cost: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub referral_routes: String,
    pub last_assured: Option<NaiveDate>,
    pub overdue: bool,
    pub when: Vec<String>,
    pub score: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub items: Vec<Hit>,
    pub total: usize,
    /// Set when no service matched every word and these match some.
    pub partial: bool,
}

/// A programme's index.
#[derive(Debug, Default)]
pub struct Index {
    pub version: i64,
    docs: Vec<Option<Doc>>,
    slot_of: HashMap<i64, usize>,
    postings: HashMap<String, Vec<(u32, f32)>>,
    /// The index's words without digits, by length: where typos are looked for.
    by_len: Vec<Vec<String>>,
    /// The slots carrying each term (or a narrower one), for filters alone.
    by_term: HashMap<i64, Vec<u32>>,
    dead: usize,
    parents: HashMap<i64, Option<i64>>,
    term_names: HashMap<i64, String>,
    /// The programme's taxonomy as of `version`.
    pub terms: Vec<Term>,
}

/// A service that passed the filters: score, slot, distance, nearest place, running.
type Scored = (f64, u32, Option<f64>, Option<usize>, Running);

const NAME: f32 = 3.0;
const TERMS: f32 = 2.0;
const ORG: f32 = 1.5;
const TEXT: f32 = 1.0;

impl Index {
    /// Fold changed rows in. `terms` is the programme's whole taxonomy.
    pub fn apply(&mut self, rows: IndexRows, terms: &[Term]) {
        if rows.version <= self.version {
            return;
        }
        self.parents = terms.iter().map(|t| (t.id, t.parent_id)).collect();
        self.term_names = terms.iter().map(|t| (t.id, t.name.clone())).collect();
        self.terms = terms.to_vec();
        let mut locs: HashMap<i64, Vec<IndexLocation>> = HashMap::new();
        for l in rows.locations {
            locs.entry(l.service_id).or_default().push(l);
        }
        let mut scheds: HashMap<i64, Vec<ScheduleRow>> = HashMap::new();
        for s in rows.schedules {
            scheds.entry(s.service_id).or_default().push(s);
        }
        let mut tms: HashMap<i64, Vec<i64>> = HashMap::new();
        for t in rows.terms {
            tms.entry(t.service_id).or_default().push(t.term_id);
        }
        let mut sites: HashMap<i64, Vec<i64>> = HashMap::new();
        for s in rows.sites {
            sites.entry(s.service_id).or_default().push(s.site_id);
        }
        for svc in rows.services {
            let id = svc.id;
            let own_terms = tms.remove(&id).unwrap_or_default();
            let doc = Doc {
                status: ServiceStatus::parse(&svc.status).unwrap_or(ServiceStatus::Inactive),
                reach: Reach::parse(&svc.reach).unwrap_or(Reach::Local),
                schedules: scheds
                    .remove(&id)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(schedule_of)
                    .collect(),
                locations: locs.remove(&id).unwrap_or_default(),
                terms: self.with_ancestors(&own_terms),
                sites: sites.remove(&id).unwrap_or_default(),
                snippet: snippet(&svc.description),
                seasonal: false,
                svc,
            };
            let mut doc = doc;
            doc.seasonal = doc.status != ServiceStatus::Active
                || doc
                    .schedules
                    .iter()
                    .any(|s| s.valid_from.is_some() || s.valid_to.is_some());
            self.put(doc, &own_terms);
        }
        self.version = rows.version;
    }

    /// Too many replaced entries: the caller rebuilds from nothing.
    pub fn needs_rebuild(&self) -> bool {
        self.dead > 1000 && self.dead > self.slot_of.len()
    }

    fn with_ancestors(&self, ids: &[i64]) -> Vec<i64> {
        let mut out: Vec<i64> = Vec::new();
        for id in ids {
            let mut cur = Some(*id);
            let mut hops = 0;
            while let Some(c) = cur {
                out.push(c);
                cur = self.parents.get(&c).copied().flatten();
                hops += 1;
                if hops > 10 {
                    break;
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn put(&mut self, doc: Doc, own_terms: &[i64]) {
        if let Some(old) = self.slot_of.get(&doc.svc.id).copied() {
            self.docs[old] = None;
            self.dead += 1;
        }
        let slot = self.docs.len();
        let mut weights: HashMap<String, f32> = HashMap::new();
        let mut add = |text: &str, w: f32| {
            let words = rules::words(text);
            for (i, word) in words.iter().enumerate() {
                let e = weights.entry(rules::stem(word)).or_insert(0.0);
                *e = e.max(w);
                // "food bank" is also found as "foodbank".
                if let Some(next) = words.get(i + 1).filter(|n| {
                    !n.bytes().all(|b| b.is_ascii_digit())
                        && !word.bytes().all(|b| b.is_ascii_digit())
                }) {
                    let e = weights
                        .entry(rules::stem(&format!("{word}{next}")))
                        .or_insert(0.0);
                    *e = e.max(w * 0.9);
                }
            }
        };
        add(&doc.svc.name, NAME);
        add(&doc.svc.organization, ORG);
        let names: Vec<String> = own_terms
            .iter()
            .chain(doc.terms.iter())
            .filter_map(|t| self.term_names.get(t).cloned())
            .collect();
        for n in &names {
            add(n, TERMS);
        }
        add(&doc.svc.description, TEXT);
        for (term, w) in weights {
            let list = self.postings.entry(term.clone()).or_default();
            if list.is_empty() && !term.bytes().any(|b| b.is_ascii_digit()) {
                let len = term.len().min(63);
                if self.by_len.len() <= len {
                    self.by_len.resize(len + 1, Vec::new());
                }
                self.by_len[len].push(term);
            }
            list.push((slot as u32, w));
        }
        for t in &doc.terms {
            self.by_term.entry(*t).or_default().push(slot as u32);
        }
        self.slot_of.insert(doc.svc.id, slot);
        // The words are in the postings now; the page shows the snippet.
        let mut doc = doc;
        doc.svc.description = String::new();
        self.docs.push(Some(doc));
    }

    /// Active services carrying `term` (or a narrower one): how many have a
    /// place within `radius_km` of one of `points` or serve one of `sites`
    /// (local), and how many reach further (regional or national).
    pub fn meeting(
        &self,
        term: i64,
        points: &[(f64, f64)],
        sites: &[i64],
        radius_km: f64,
    ) -> (usize, usize) {
        let (mut local, mut wider) = (0, 0);
        for doc in self.docs.iter().flatten() {
            if doc.status != ServiceStatus::Active || doc.terms.binary_search(&term).is_err() {
                continue;
            }
            if doc.reach != Reach::Local {
                wider += 1;
                continue;
            }
            let near = doc
                .locations
                .iter()
                .any(|l| match (l.latitude, l.longitude) {
                    (Some(a), Some(b)) => points
                        .iter()
                        .any(|p| rules::distance_km(*p, (a, b)) <= radius_km),
                    _ => false,
                });
            if near || doc.sites.iter().any(|s| sites.contains(s)) {
                local += 1;
            }
        }
        (local, wider)
    }

    /// Active local services near a point (or serving a site), for a
    /// practice's information pack.
    pub fn near(
        &self,
        point: Option<(f64, f64)>,
        site: i64,
        radius_km: f64,
        active_only: bool,
    ) -> Vec<(&Doc, Option<f64>)> {
        let mut out: Vec<(&Doc, Option<f64>)> = Vec::new();
        for doc in self.docs.iter().flatten() {
            if active_only && doc.status != ServiceStatus::Active {
                continue;
            }
            let d = point.and_then(|p| {
                doc.locations
                    .iter()
                    .filter_map(|l| Some(rules::distance_km(p, (l.latitude?, l.longitude?))))
                    .min_by(f64::total_cmp)
            });
            if d.is_some_and(|d| d <= radius_km) || doc.sites.contains(&site) {
                out.push((doc, d));
            }
        }
        out.sort_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)));
        out
    }

    /// Is a service (local or not) near one of `points` or serving one of
    /// `sites`? Services without a place, regional and national ones count
    /// as near everyone.
    pub fn is_near(&self, service_id: i64, points: &[(f64, f64)], sites: &[i64], km: f64) -> bool {
        let Some(doc) = self.doc(service_id) else {
            return false;
        };
        if doc.reach != Reach::Local || doc.sites.iter().any(|s| sites.contains(s)) {
            return true;
        }
        let placed: Vec<(f64, f64)> = doc
            .locations
            .iter()
            .filter_map(|l| l.latitude.zip(l.longitude))
            .collect();
        placed.is_empty()
            || placed
                .iter()
                .any(|b| points.iter().any(|p| flat_km(*p, *b) <= km))
    }

    /// The name of a term, and its top-level ancestor.
    pub fn top_term(&self, id: i64) -> i64 {
        let mut cur = id;
        for _ in 0..10 {
            match self.parents.get(&cur).copied().flatten() {
                Some(p) => cur = p,
                None => break,
            }
        }
        cur
    }

    pub fn doc(&self, service_id: i64) -> Option<&Doc> {
        self.slot_of
            .get(&service_id)
            .and_then(|s| self.docs[*s].as_ref())
    }

    /// Stems of the index close enough to a query word.
    fn alternatives(&self, word: &str) -> Vec<(&str, f32)> {
        let stem = rules::stem(word);
        if let Some((k, _)) = self.postings.get_key_value(&stem) {
            // Known as typed: no need to guess at typos.
            return vec![(k.as_str(), 1.0)];
        }
        let mut out: Vec<(&str, f32)> = Vec::new();
        let allowed = rules::typos_allowed(word.chars().count());
        if allowed > 0 {
            let (s, w) = (stem.as_bytes(), word.as_bytes());
            let lo = s.len().min(w.len()).saturating_sub(allowed).max(1);
            let hi = (s.len().max(w.len()) + allowed).min(self.by_len.len().saturating_sub(1));
            for len in lo..=hi {
                for k in self.by_len.get(len).into_iter().flatten() {
                    let kb = k.as_bytes();
                    let close = rules::within_edits(s, kb, allowed)
                        || rules::within_edits(w, kb, allowed)
                        || (kb.len() >= 5
                            && w.len() > kb.len()
                            && rules::within_edits(&w[..kb.len()], kb, allowed.min(1)));
                    if close && let Some((key, _)) = self.postings.get_key_value(k) {
                        out.push((key.as_str(), 0.7));
                    }
                }
            }
        }
        out
    }

    /// Score by text: `None` when the query had no words; otherwise each
    /// matching slot's score, and whether every word matched.
    fn text_scores(&self, text: &str) -> Option<(Vec<(u32, f32)>, bool)> {
        let words = rules::words(text);
        if words.is_empty() {
            return None;
        }
        let n = self.slot_of.len().max(1) as f32;
        let slots = self.docs.len();
        // Dense per-word scores: a slot's best match for each word.
        let mut groups: Vec<Vec<f32>> = Vec::with_capacity(words.len());
        let mut touched: Vec<u32> = Vec::new();
        for w in &words {
            let mut g = vec![0.0f32; slots];
            for (term, factor) in self.alternatives(w) {
                let Some(list) = self.postings.get(term) else {
                    continue;
                };
                let idf = (1.0 + n / list.len() as f32).ln();
                for (slot, weight) in list {
                    let s = weight * idf * factor;
                    let e = &mut g[*slot as usize];
                    if *e == 0.0 {
                        touched.push(*slot);
                    }
                    *e = e.max(s);
                }
            }
            groups.push(g);
        }
        // Two words typed apart that the index holds as one ("food bank").
        for i in 0..words.len().saturating_sub(1) {
            let joined = rules::stem(&format!("{}{}", words[i], words[i + 1]));
            if let Some(list) = self.postings.get(&joined) {
                let idf = (1.0 + n / list.len() as f32).ln();
                for (slot, weight) in list {
                    for g in [i, i + 1] {
                        let e = &mut groups[g][*slot as usize];
                        if *e == 0.0 {
                            touched.push(*slot);
                        }
                        *e = e.max(weight * idf);
                    }
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let mut all = Vec::with_capacity(touched.len());
        let mut full = Vec::new();
        for slot in touched {
            let (mut sum, mut hits) = (0.0f32, 0usize);
            for g in &groups {
                let v = g[slot as usize];
                if v > 0.0 {
                    sum += v;
                    hits += 1;
                }
            }
            if hits == groups.len() {
                full.push((slot, sum));
            }
            all.push((slot, sum));
        }
        if full.is_empty() {
            Some((all, false))
        } else {
            Some((full, true))
        }
    }

    pub fn search(&self, q: &Query) -> Results {
        let text = self.text_scores(&q.text);
        let max_text = text
            .as_ref()
            .map(|(m, _)| m.iter().map(|x| x.1).fold(0.0f32, f32::max))
            .unwrap_or(1.0)
            .max(f32::EPSILON);
        let mut hits: Vec<Scored> = Vec::new();
        let mut consider = |slot: u32, t: Option<f32>| {
            let Some(doc) = self.docs.get(slot as usize).and_then(Option::as_ref) else {
                return;
            };
            if let Some((score, dist, loc, running)) = self.judge(doc, q, t.map(|t| t / max_text)) {
                hits.push((score, slot, dist, loc, running));
            }
        };
        match &text {
            Some((scores, _)) => {
                for (slot, s) in scores {
                    consider(*slot, Some(*s));
                }
            }
            // Filters alone: only the slots of the narrowest filter's terms.
            None => match q
                .categories
                .iter()
                .chain(q.audiences.iter())
                .min_by_key(|t| self.by_term.get(t).map_or(0, Vec::len))
            {
                Some(_) => {
                    let mut slots: Vec<u32> = q
                        .categories
                        .iter()
                        .chain(q.audiences.iter())
                        .flat_map(|t| self.by_term.get(t).into_iter().flatten().copied())
                        .collect();
                    slots.sort_unstable();
                    slots.dedup();
                    for slot in slots {
                        consider(slot, None);
                    }
                }
                None => {
                    for slot in 0..self.docs.len() {
                        consider(slot as u32, None);
                    }
                }
            },
        }
        let total = hits.len();
        let want = (q.offset + q.limit).min(total);
        let cmp = |a: &Scored, b: &Scored| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if want > 0 && want < total {
            hits.select_nth_unstable_by(want - 1, cmp);
            hits.truncate(want);
        }
        hits.sort_by(cmp);
        let items = hits
            .into_iter()
            .skip(q.offset)
            .take(q.limit)
            .filter_map(|(score, slot, dist, loc, running)| {
                let doc = self.docs.get(slot as usize)?.as_ref()?;
                let running = if doc.seasonal {
                    running
                } else {
                    rules::running_on(doc.status, doc.svc.closed_until, &doc.schedules, q.on)
                };
                Some(hit_of(doc, score, dist, loc, running, q))
            })
            .collect();
        Results {
            items,
            total,
            partial: text.as_ref().is_some_and(|(_, full)| !full),
        }
    }

    /// Filter one service and score it: `None` when it is not offered.
    fn judge(
        &self,
        doc: &Doc,
        q: &Query,
        text: Option<f32>,
    ) -> Option<(f64, Option<f64>, Option<usize>, Running)> {
        if matches!(doc.status, ServiceStatus::Defunct | ServiceStatus::Inactive) {
            return None;
        }
        if q.free && !doc.svc.free {
            return None;
        }
        if let Some(age) = q.age
            && (doc.svc.min_age.is_some_and(|m| age < m)
                || doc.svc.max_age.is_some_and(|m| age > m))
        {
            return None;
        }
        if !q.categories.is_empty()
            && !q
                .categories
                .iter()
                .any(|c| doc.terms.binary_search(c).is_ok())
        {
            return None;
        }
        if !q.audiences.is_empty()
            && !q
                .audiences
                .iter()
                .any(|c| doc.terms.binary_search(c).is_ok())
        {
            return None;
        }
        if let Some(sites) = &q.sites
            && !doc.sites.is_empty()
            && !doc.sites.iter().any(|s| sites.contains(s))
        {
            return None;
        }
        // For ranking only a season or a closure matters; what runs on the
        // day itself is worked out for the services shown (and day filters).
        let running = if doc.seasonal || q.open_now || q.day.is_some() {
            rules::running_on(doc.status, doc.svc.closed_until, &doc.schedules, q.on)
        } else {
            Running::Yes
        };
        if let Some(day) = q.day {
            if doc.schedules.is_empty() {
                return None;
            }
            // That weekday in any of the next five weeks (so monthly and
            // fortnightly services are found).
            let ahead =
                (day.num_days_from_monday() as i64 - q.on.weekday_num() as i64).rem_euclid(7);
            let first = q.on + chrono::Days::new(ahead as u64);
            let runs = (0..5).any(|w| {
                let d = first + chrono::Days::new(7 * w);
                rules::running_on(doc.status, doc.svc.closed_until, &doc.schedules, d)
                    == Running::Yes
            });
            if !runs {
                return None;
            }
        }
        if q.open_now
            && (running != Running::Yes || !doc.schedules.iter().any(|s| s.open_at(q.on, q.at)))
        {
            return None;
        }
        // Distance to the nearest location with coordinates.
        let (dist, loc) = match q.point {
            Some(p) => doc
                .locations
                .iter()
                .enumerate()
                .filter_map(|(i, l)| Some((flat_km(p, (l.latitude?, l.longitude?)), i)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map_or(
                    (None, (!doc.locations.is_empty()).then_some(0)),
                    |(d, i)| (Some(d), Some(i)),
                ),
            None => (None, (!doc.locations.is_empty()).then_some(0)),
        };
        if let Some((points, sites, km)) = &q.near
            && doc.reach == Reach::Local
            && !doc.sites.iter().any(|s| sites.contains(s))
            && !doc
                .locations
                .iter()
                .any(|l| match (l.latitude, l.longitude) {
                    (Some(a), Some(b)) => points.iter().any(|p| flat_km(*p, (a, b)) <= *km),
                    _ => false,
                })
        {
            return None;
        }
        if let (Some(max), Some(d)) = (q.max_km, dist)
            && d > max
            && doc.reach != Reach::National
        {
            return None;
        }
        let place = match (q.point, doc.reach, dist) {
            (None, _, _) => 1.0,
            (Some(_), Reach::National, _) => 0.2,
            (Some(_), _, Some(d)) => 1.0 / (1.0 + d / 3.0),
            (Some(_), Reach::Regional, None) => 0.3,
            (Some(_), Reach::Local, None) => 0.15,
        };
        let fresh = match doc.svc.assured_on {
            Some(a) if a > q.overdue_before => 1.0,
            Some(_) => 0.7,
            None => 0.6,
        };
        let run = match running {
            Running::Yes => 1.0,
            Running::NotThatDay => 1.0,
            Running::OutOfSeason => 0.5,
            Running::Closed => 0.4,
        };
        let words = text.map_or(1.0, |t| 0.4 + 0.6 * f64::from(t));
        Some((words * place * fresh * run, dist, loc, running))
    }
}

/// Distance for ranking: the flat-earth approximation, good to well under
/// 1% at the distances a local search cares about, and far cheaper than the
/// great circle (which the results show).
fn flat_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = ((a.0 + b.0) / 2.0).to_radians().cos();
    let dy = (b.0 - a.0) * 111.195;
    let dx = (b.1 - a.1) * 111.195 * k;
    (dx * dx + dy * dy).sqrt()
}

trait WeekdayNum {
    fn weekday_num(&self) -> u32;
}

impl WeekdayNum for NaiveDate {
    fn weekday_num(&self) -> u32 {
        use chrono::Datelike;
        self.weekday().num_days_from_monday()
    }
}

fn hit_of(
    doc: &Doc,
    score: f64,
    dist: Option<f64>,
    loc: Option<usize>,
    running: Running,
    q: &Query,
) -> Hit {
    let s = &doc.svc;
    Hit {
        id: s.id,
        uuid: s.uuid.clone(),
        name: s.name.clone(),
        organization_id: s.organization_id,
        organization: s.organization.clone(),
        snippet: doc.snippet.clone(),
        status: doc.status,
        closed_reason: s.closed_reason.clone(),
        closed_until: s.closed_until,
        running,
        reach: doc.reach,
        distance_km: match (q.point, loc.and_then(|i| doc.locations.get(i))) {
            (Some(p), Some(l)) => l
                .latitude
                .zip(l.longitude)
                .map(|b| (rules::distance_km(p, b) * 10.0).round() / 10.0),
            _ => dist.map(|d| (d * 10.0).round() / 10.0),
        },
        location: loc.and_then(|i| doc.locations.get(i).cloned()),
        free: s.free,
        cost: s.cost.clone(),
        phone: s.phone.clone(),
        email: s.email.clone(),
        url: s.url.clone(),
        referral_routes: s.referral_routes.clone(),
        last_assured: s.assured_on,
        overdue: s.assured_on.is_none_or(|a| a <= q.overdue_before),
        when: doc.schedules.iter().map(Schedule::describe).collect(),
        score,
    }
}

/// A stored schedule as the domain reads it (a broken one is left out).
pub fn schedule_of(r: &ScheduleRow) -> Option<Schedule> {
    let time = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
    };
    Some(Schedule {
        freq: Freq::parse(&r.freq)?,
        interval: u32::try_from(r.freq_interval).ok()?.max(1),
        byday: parse_byday(&r.byday).ok()?,
        opens_at: time(&r.opens_at),
        closes_at: time(&r.closes_at),
        dtstart: r.dtstart,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        note: r.note.clone(),
    })
}

fn snippet(description: &str) -> String {
    let first = description.lines().next().unwrap_or_default();
    if first.chars().count() <= 200 {
        first.to_owned()
    } else {
        let cut: String = first.chars().take(197).collect();
        let cut = cut
            .rsplit_once(' ')
            .map_or(cut.as_str(), |(a, _)| a)
            .to_owned();
        format!("{cut}…")
    }
}

/// Term ids named by code (or id), with everything below them.
pub fn term_ids(terms: &[Term], taxonomy: &str, wanted: &[String]) -> (Vec<i64>, Vec<String>) {
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for w in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        match terms.iter().find(|t| {
            t.taxonomy == taxonomy
                && (t.code.eq_ignore_ascii_case(w)
                    || t.id.to_string() == w
                    || t.name.eq_ignore_ascii_case(w))
        }) {
            Some(t) => ids.push(t.id),
            None => unknown.push(w.to_owned()),
        }
    }
    let set: HashSet<i64> = ids.iter().copied().collect();
    (set.into_iter().collect(), unknown)
}
