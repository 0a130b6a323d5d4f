//! Fictional demo data at programme or national scale, deterministic for a seed.
//!
//! Sites are real public GP practices (NHS ODS list, about 2014, OGL v3) and
//! food banks (Give Food, public organisational data); every person is
//! invented from name lists. Later capabilities extend this generator.

pub mod directory;
mod groups;
mod history;
mod practice;

use chrono::{DateTime, Utc};
use linkwork_app::access::hash_password;
use linkwork_app::org::import::title_case;
use linkwork_app::{AppError, Ctx, Result};
use linkwork_domain::text::Postcode;
use linkwork_domain::{Permission, Role};
use linkwork_store::Db;
use linkwork_store::audit;
use linkwork_store::org::{self, SiteFields};
use linkwork_store::participants::{self, ParticipantFields};
use linkwork_store::users::{self, NewUser};
use serde::Serialize;

const PRACTICES_CSV: &str = include_str!("../data/ods_scotprac_scotland_gp_practices_c2014.csv");
const FOOD_BANKS_CITY_CSV: &str = include_str!("../data/givefood_foodbanks_glasgow_city.csv");
const FOOD_BANKS_OUTSIDE_CSV: &str =
    include_str!("../data/givefood_foodbanks_G_postcode_outside_glasgow_city.csv");

/// The password of every demo account (printed by `serve --demo`).
pub const DEMO_PASSWORD: &str = "demo passphrase for linkwork";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scale {
    /// One programme like the seed's: 5 areas, ~20 clusters, ~96 sites, ~85 link workers.
    Programme,
    /// Every open GP practice in Scotland, areas by postcode area.
    National,
}

impl Scale {
    pub fn parse(s: &str) -> std::result::Result<Scale, String> {
        match s {
            "programme" => Ok(Scale::Programme),
            "national" => Ok(Scale::National),
            _ => Err("Choose a scale: programme or national".into()),
        }
    }
}

/// A demo sign-in, printed for people trying linkwork out.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub role: Role,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoReport {
    pub programme_id: i64,
    pub areas: usize,
    pub clusters: usize,
    pub sites: usize,
    pub users: Vec<(String, usize)>,
    pub participants: usize,
    pub referrals: usize,
    pub appointments: usize,
    pub accounts: Vec<DemoAccount>,
}

/// Progress of a long step, for a progress bar.
#[derive(Debug, Clone)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

/// A small deterministic generator (SplitMix64): the same seed gives the same
/// data on every machine and every version of linkwork's dependencies.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

pub const GIVEN_NAMES: &[&str] = &[
    "Aileen",
    "Alasdair",
    "Amira",
    "Andrew",
    "Ashley",
    "Bilal",
    "Bronagh",
    "Callum",
    "Catriona",
    "Chidi",
    "Claire",
    "Connor",
    "Darren",
    "Deborah",
    "Declan",
    "Eilidh",
    "Elaine",
    "Euan",
    "Fatima",
    "Fiona",
    "Fraser",
    "Gillian",
    "Graeme",
    "Hamish",
    "Hannah",
    "Iain",
    "Imran",
    "Isla",
    "Jamal",
    "Janet",
    "Jordan",
    "Karen",
    "Kirsty",
    "Lachlan",
    "Laura",
    "Lindsay",
    "Magdalena",
    "Mairi",
    "Marek",
    "Margaret",
    "Morag",
    "Murray",
    "Nadia",
    "Niamh",
    "Olumide",
    "Pauline",
    "Priya",
    "Rhona",
    "Ross",
    "Ruaridh",
    "Samira",
    "Scott",
    "Shona",
    "Siobhan",
    "Stuart",
    "Tariq",
    "Tomasz",
    "Una",
    "Yusuf",
    "Zainab",
];

pub const FAMILY_NAMES: &[&str] = &[
    "Ahmed",
    "Anderson",
    "Bell",
    "Boyle",
    "Brown",
    "Cameron",
    "Campbell",
    "Chaudhry",
    "Clark",
    "Docherty",
    "Donnelly",
    "Duffy",
    "Ferguson",
    "Fraser",
    "Gallagher",
    "Gordon",
    "Graham",
    "Hamilton",
    "Henderson",
    "Hughes",
    "Hussain",
    "Johnstone",
    "Kaur",
    "Kelly",
    "Kowalski",
    "Lindsay",
    "MacDonald",
    "MacLeod",
    "Martin",
    "McBride",
    "McCann",
    "McGregor",
    "McKenzie",
    "McLaughlin",
    "Mitchell",
    "Morrison",
    "Murray",
    "Nowak",
    "O'Brien",
    "Okafor",
    "Paterson",
    "Quinn",
    "Reid",
    "Robertson",
    "Ross",
    "Scott",
    "Shaw",
    "Sinclair",
    "Singh",
    "Stewart",
    "Sutherland",
    "Taylor",
    "Thomson",
    "Wallace",
    "Watson",
    "Wilson",
    "Young",
];

struct PlannedSite {
    area: usize,
    cluster: usize,
    fields: SiteFields,
}

struct Plan {
    programme: String,
    areas: Vec<String>,
    /// (area index, name)
    clusters: Vec<(usize, String)>,
    sites: Vec<PlannedSite>,
}

/// Open practices from the embedded ODS list: (code, name, address, postcode).
fn practices() -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    let mut r = csv::Reader::from_reader(PRACTICES_CSV.as_bytes());
    for rec in r.records().flatten() {
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_owned();
        if !get(9).is_empty() {
            continue;
        }
        let Ok(pc) = Postcode::parse(&get(7)) else {
            continue;
        };
        let address = [get(2), get(3), get(4), get(5)]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| title_case(s))
            .collect::<Vec<_>>()
            .join(", ");
        out.push((get(0), title_case(&get(1)), address, pc.as_str().to_owned()));
    }
    out
}

fn food_banks() -> Vec<(String, String, String, bool)> {
    let mut out = Vec::new();
    for (csv_text, in_city) in [(FOOD_BANKS_CITY_CSV, true), (FOOD_BANKS_OUTSIDE_CSV, false)] {
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        for rec in r.records().flatten() {
            let name = rec.get(0).unwrap_or("").trim().to_owned();
            let address = rec
                .get(5)
                .unwrap_or("")
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(", ");
            let pc = Postcode::parse(rec.get(6).unwrap_or(""))
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            out.push((name, address, pc, in_city));
        }
    }
    out
}

fn district_number(postcode: &str) -> Option<u32> {
    let outward = postcode.split(' ').next()?;
    let rest = outward.strip_prefix('G')?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        rest.parse().ok()
    } else {
        None
    }
}

fn site(
    code: String,
    name: String,
    kind: &str,
    address: String,
    postcode: String,
    rng: &mut Rng,
    deep_end_chance: f64,
) -> SiteFields {
    let gp = kind == "gp_practice";
    SiteFields {
        cluster_id: 0,
        practice_code: gp.then(|| code.clone()),
        code,
        name,
        kind: kind.into(),
        list_size: gp.then(|| rng.range(25, 120) * 100),
        deep_end: gp && rng.chance(deep_end_chance),
        address: (!address.is_empty()).then_some(address),
        postcode: (!postcode.is_empty()).then_some(postcode),
        phone: None,
        active: true,
    }
}

fn programme_plan(rng: &mut Rng) -> Plan {
    let areas: Vec<String> = [
        "North East",
        "North West",
        "South Glasgow",
        "West Dunbartonshire",
        "Food banks",
    ]
    .map(String::from)
    .to_vec();
    let cluster_names: [&[&str]; 5] = [
        &[
            "Springburn",
            "Possilpark and Milton",
            "Easterhouse",
            "Parkhead and Dennistoun",
            "Shettleston and Baillieston",
        ],
        &[
            "Drumchapel and Yoker",
            "Maryhill",
            "Partick and Hillhead",
            "Anniesland and Knightswood",
            "City Centre and Anderston",
        ],
        &[
            "Govan and Ibrox",
            "Pollok",
            "Castlemilk",
            "Gorbals and Govanhill",
            "Cathcart and Langside",
        ],
        &["Clydebank", "Dumbarton and Alexandria"],
        &["Food banks in Glasgow City", "Food banks beyond the city"],
    ];
    let mut clusters = Vec::new();
    let mut first_cluster = Vec::new();
    for (a, names) in cluster_names.iter().enumerate() {
        first_cluster.push(clusters.len());
        for n in names.iter() {
            clusters.push((a, n.to_string()));
        }
    }
    let area_of = |d: u32| -> Option<usize> {
        match d {
            4 | 21 | 22 | 31 | 32 | 33 | 34 | 40 | 64 | 65 | 66 | 69 => Some(0),
            1 | 2 | 3 | 11 | 12 | 13 | 14 | 15 | 20 | 23 | 61 | 62 => Some(1),
            5 | 41 | 42 | 43 | 44 | 45 | 46 | 51 | 52 | 53 | 72 | 73 | 76 | 77 | 78 => Some(2),
            60 | 81 | 82 | 83 => Some(3),
            _ => None,
        }
    };
    let targets = [25usize, 25, 25, 11];
    let mut by_area: [Vec<(String, String, String, String)>; 4] = Default::default();
    let mut all = practices();
    rng.shuffle(&mut all);
    for p in all {
        if let Some(a) = district_number(&p.3).and_then(area_of)
            && by_area[a].len() < targets[a]
        {
            by_area[a].push(p);
        }
    }
    let mut sites = Vec::new();
    for (a, list) in by_area.iter_mut().enumerate() {
        list.sort_by(|x, y| x.3.cmp(&y.3));
        let n_clusters = cluster_names[a].len();
        let per = list.len().div_ceil(n_clusters).max(1);
        let deep_end = if a == 1 { 0.35 } else { 0.6 };
        for (i, (code, name, address, pc)) in list.drain(..).enumerate() {
            sites.push(PlannedSite {
                area: a,
                cluster: first_cluster[a] + (i / per).min(n_clusters - 1),
                fields: site(code, name, "gp_practice", address, pc, rng, deep_end),
            });
        }
    }
    for (i, (name, address, pc, in_city)) in food_banks().into_iter().take(10).enumerate() {
        sites.push(PlannedSite {
            area: 4,
            cluster: first_cluster[4] + usize::from(!in_city),
            fields: site(
                format!("FB{:02}", i + 1),
                format!("{name} food bank"),
                "food_bank",
                address,
                pc,
                rng,
                0.0,
            ),
        });
    }
    Plan {
        programme: "Demo Community Links Programme".into(),
        areas,
        clusters,
        sites,
    }
}

fn national_plan(rng: &mut Rng) -> Plan {
    let mut list = practices();
    list.sort_by(|x, y| x.3.cmp(&y.3));
    let area_code = |pc: &str| {
        pc.chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
    };
    let mut areas: Vec<String> = Vec::new();
    let mut clusters: Vec<(usize, String)> = Vec::new();
    let mut sites = Vec::new();
    let mut in_cluster = 0;
    for (code, name, address, pc) in list {
        let ac = area_code(&pc);
        let a = match areas
            .iter()
            .position(|x| *x == format!("{ac} postcode area"))
        {
            Some(a) => a,
            None => {
                areas.push(format!("{ac} postcode area"));
                in_cluster = usize::MAX;
                areas.len() - 1
            }
        };
        if in_cluster >= 8 {
            let n = clusters.iter().filter(|c| c.0 == a).count() + 1;
            clusters.push((a, format!("{ac} cluster {n}")));
            in_cluster = 0;
        }
        in_cluster += 1;
        let cluster = clusters.len() - 1;
        sites.push(PlannedSite {
            area: a,
            cluster,
            fields: site(code, name, "gp_practice", address, pc, rng, 0.2),
        });
    }
    let fb_area = areas.len();
    areas.push("Food banks".into());
    clusters.push((fb_area, "Food banks".into()));
    for (i, (name, address, pc, _)) in food_banks().into_iter().enumerate() {
        sites.push(PlannedSite {
            area: fb_area,
            cluster: clusters.len() - 1,
            fields: site(
                format!("FB{:02}", i + 1),
                format!("{name} food bank"),
                "food_bank",
                address,
                pc,
                rng,
                0.0,
            ),
        });
    }
    Plan {
        programme: "Demo National Programme".into(),
        areas,
        clusters,
        sites,
    }
}

/// A valid CHI number for a date of birth (fictional: random middle digits).
pub fn demo_chi(rng: &mut Rng, dob: chrono::NaiveDate, female: bool) -> String {
    use chrono::Datelike;
    loop {
        let mut d = [0u8; 10];
        let head = format!(
            "{:02}{:02}{:02}{:02}",
            dob.day(),
            dob.month(),
            dob.year().rem_euclid(100),
            rng.below(100)
        );
        for (i, b) in head.bytes().enumerate() {
            d[i] = b - b'0';
        }
        let sex = rng.below(5) as u8 * 2 + u8::from(!female);
        d[8] = sex;
        if let Some(c) = linkwork_domain::identifiers::mod11_check(&d) {
            d[9] = c;
            return d.iter().map(|x| char::from(b'0' + x)).collect();
        }
    }
}

pub fn demo_person(rng: &mut Rng, site_id: i64, site_postcode: &str) -> ParticipantFields {
    let year = rng.range(1940, 2006) as i32;
    let dob = chrono::NaiveDate::from_yo_opt(year, rng.range(1, 365) as u32).unwrap_or_default();
    let female = rng.chance(0.55);
    let outward = site_postcode.split(' ').next().unwrap_or("G1");
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let inward = format!(
        "{}{}{}",
        rng.below(10),
        char::from(letters[rng.below(letters.len() as u64) as usize]),
        char::from(letters[rng.below(letters.len() as u64) as usize])
    );
    let contact = ["phone", "phone", "text", "letter", "in_person"];
    ParticipantFields {
        site_id,
        given_name: rng.pick(GIVEN_NAMES).to_string(),
        family_name: rng.pick(FAMILY_NAMES).to_string(),
        date_of_birth: dob,
        chi_number: Some(demo_chi(rng, dob, female)),
        sex: Some(if female { "female" } else { "male" }.into()),
        postcode: Some(format!("{outward} {inward}")),
        phone: Some(format!("07700 900{:03}", rng.below(1000))),
        preferred_contact: Some(rng.pick(&contact).to_string()),
        interpreter_needed: rng.chance(0.05),
        ..Default::default()
    }
}

/// Fill an empty database with demo data, as of `now`. Refuses a database
/// that has users. The command line calls this before any user exists: it
/// writes through the store with the grants of an operator actor, and the
/// generation is one audit event.
pub async fn generate(
    db: &Db,
    now: DateTime<Utc>,
    scale: Scale,
    seed: u64,
    years: u32,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<DemoReport> {
    {
        let mut tx = db.read().await?;
        let existing = users::count_all(&mut tx).await?;
        tx.rollback().await?;
        if existing > 0 {
            return Err(AppError::Conflict(
                "Demo data goes into an empty database only: this one already has users.".into(),
            ));
        }
        let mut rng = Rng::new(seed);
        let plan = match scale {
            Scale::Programme => programme_plan(&mut rng),
            Scale::National => national_plan(&mut rng),
        };
        let hash = hash_password(DEMO_PASSWORD).await?;
        let mut tx = db.write().await?;
        let programme_id = org::create_programme(&mut tx, &plan.programme, now).await?;
        let mut ev =
            Ctx::operator(programme_id).event("programme.create", "programme", programme_id);
        ev.detail = plan.programme.clone();
        audit::append(&mut tx, &ev, now).await?;
        let ctx = Ctx::operator(programme_id);
        let grant = ctx
            .actor
            .authorize(Permission::ManageOrganisation)
            .map_err(|e| AppError::Refused(e.to_string()))?;

        let mut area_ids = Vec::new();
        for a in &plan.areas {
            area_ids.push(org::create_area(&mut tx, &grant, a, now).await?);
        }
        let mut cluster_ids = Vec::new();
        for (a, name) in &plan.clusters {
            cluster_ids.push(org::create_cluster(&mut tx, &grant, area_ids[*a], name, now).await?);
        }
        let total_sites = plan.sites.len() as u64;
        let mut site_ids = Vec::new();
        for (i, s) in plan.sites.iter().enumerate() {
            let mut f = s.fields.clone();
            f.cluster_id = cluster_ids[s.cluster];
            site_ids.push((
                org::create_site(&mut tx, &grant, &f, now).await?,
                s.area,
                f.kind == "gp_practice",
            ));
            if i % 25 == 0 {
                progress(&Progress {
                    stage: "sites",
                    done: i as u64,
                    total: total_sites,
                });
            }
        }
        progress(&Progress {
            stage: "sites",
            done: total_sites,
            total: total_sites,
        });

        // People: named accounts to sign in with, then invented staff.
        let gp_sites: Vec<i64> = site_ids.iter().filter(|s| s.2).map(|s| s.0).collect();
        let food_sites: Vec<i64> = site_ids.iter().filter(|s| !s.2).map(|s| s.0).collect();
        let mut people: Vec<(String, String, Role, Vec<i64>)> = vec![
            (
                "Demo administrator".into(),
                "admin@linkwork.example".into(),
                Role::Administrator,
                vec![],
            ),
            (
                "Demo manager".into(),
                "manager@linkwork.example".into(),
                Role::Manager,
                vec![],
            ),
            (
                "Demo link worker".into(),
                "linkworker@linkwork.example".into(),
                Role::LinkWorker,
                gp_sites.iter().take(2).copied().collect(),
            ),
            (
                "Demo practice staff".into(),
                "practice@linkwork.example".into(),
                Role::PracticeStaff,
                gp_sites.iter().take(1).copied().collect(),
            ),
            (
                "Demo partner".into(),
                "partner@linkwork.example".into(),
                Role::Partner,
                food_sites.iter().take(1).copied().collect(),
            ),
        ];
        let accounts = people
            .iter()
            .map(|p| DemoAccount {
                role: p.2,
                email: p.1.clone(),
                password: DEMO_PASSWORD.into(),
            })
            .collect();
        let mut n = 0usize;
        let mut person =
            |rng: &mut Rng,
             role: Role,
             sites: Vec<i64>,
             people: &mut Vec<(String, String, Role, Vec<i64>)>| {
                n += 1;
                let g = *rng.pick(GIVEN_NAMES);
                let f = *rng.pick(FAMILY_NAMES);
                let local: String = format!("{g}.{f}")
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect();
                people.push((
                    format!("{g} {f}"),
                    format!("{local}{n}@demo.linkwork.example"),
                    role,
                    sites,
                ));
            };
        for _ in 0..(plan.areas.len().saturating_sub(1)).max(1) {
            person(&mut rng, Role::Manager, vec![], &mut people);
        }
        // Link workers: one a practice, the demo link worker covering the first two.
        let mut covered = 2usize;
        let workers = match scale {
            Scale::Programme => 84,
            Scale::National => gp_sites.len().saturating_sub(1),
        };
        for w in 0..workers {
            let mut sites = Vec::new();
            if covered < gp_sites.len() {
                sites.push(gp_sites[covered]);
                covered += 1;
            } else {
                sites.push(gp_sites[w % gp_sites.len().max(1)]);
            }
            person(&mut rng, Role::LinkWorker, sites, &mut people);
        }
        for &s in &gp_sites {
            for _ in 0..2 {
                person(&mut rng, Role::PracticeStaff, vec![s], &mut people);
            }
        }
        for &s in &food_sites {
            person(&mut rng, Role::Partner, vec![s], &mut people);
        }
        let ugrant = ctx
            .actor
            .authorize(Permission::ManageUsers)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        let total = people.len() as u64;
        let mut link_workers: Vec<(i64, Vec<i64>)> = Vec::new();
        let mut partner_ids: Vec<i64> = Vec::new();
        let mut counts: Vec<(String, usize)> =
            Role::ALL.iter().map(|r| (r.code().to_owned(), 0)).collect();
        for (i, (name, email, role, sites)) in people.iter().enumerate() {
            let new = NewUser {
                email,
                name,
                role: role.code(),
                password_hash: Some(&hash),
            };
            let id = users::create(&mut tx, &ugrant, &new, now).await?;
            users::set_sites(&mut tx, &ugrant, id, sites).await?;
            if *role == Role::LinkWorker {
                link_workers.push((id, sites.clone()));
            }
            if *role == Role::Partner {
                partner_ids.push(id);
            }
            if let Some(c) = counts.iter_mut().find(|c| c.0 == role.code()) {
                c.1 += 1;
            }
            if i % 50 == 0 {
                progress(&Progress {
                    stage: "staff",
                    done: i as u64,
                    total,
                });
            }
        }
        progress(&Progress {
            stage: "staff",
            done: total,
            total,
        });

        // People supported: fictional names, dates of birth, CHI numbers and postcodes.
        let manager = linkwork_domain::Actor {
            role: Role::Manager,
            ..ctx.actor.clone()
        };
        let pgrant = manager
            .authorize(Permission::WorkWithParticipants)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        // With a history, people come with their referrals; without, a few
        // a practice to find and record.
        let per_site = match (scale, years) {
            (_, 1..) => 0,
            (Scale::Programme, 0) => 15,
            (Scale::National, 0) => 3,
        };
        let gp: Vec<(i64, String)> = site_ids
            .iter()
            .zip(plan.sites.iter())
            .filter(|(s, _)| s.2)
            .map(|(s, p)| {
                (
                    s.0,
                    p.fields.postcode.clone().unwrap_or_else(|| "G1 1AA".into()),
                )
            })
            .collect();
        let total_people = (gp.len() * per_site) as u64;
        let mut made = 0u64;
        for (site_id, postcode) in &gp {
            for _ in 0..per_site {
                let f = demo_person(&mut rng, *site_id, postcode);
                participants::create(&mut tx, &pgrant, &f, now).await?;
                made += 1;
                if made.is_multiple_of(100) {
                    progress(&Progress {
                        stage: "people",
                        done: made,
                        total: total_people,
                    });
                }
            }
        }
        progress(&Progress {
            stage: "people",
            done: made,
            total: total_people,
        });
        let practices: Vec<history::Practice> = gp
            .iter()
            .map(|(site_id, postcode)| history::Practice {
                site_id: *site_id,
                postcode: postcode.clone(),
                workers: link_workers
                    .iter()
                    .filter(|(_, s)| s.contains(site_id))
                    .map(|(id, _)| *id)
                    .collect(),
            })
            .collect();
        // About 10,000 referrals a year across a programme like the seed's;
        // at national scale about 1.3 million a year (England's published
        // figure for social prescribing referrals).
        let per_practice_year = match scale {
            Scale::Programme => (10_000 / practices.len().max(1)) as u32,
            Scale::National => (1_300_000 / practices.len().max(1)) as u32,
        };
        // The community directory, near the practices.
        let dgrant = ctx
            .actor
            .authorize(Permission::ManageDirectory)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        let practice_postcodes: Vec<String> = gp.iter().map(|(_, pc)| pc.clone()).collect();
        directory::postcodes(&mut tx, &dgrant, &practice_postcodes, &mut rng).await?;
        let services = directory::generate(
            &mut tx,
            &dgrant,
            &mut rng,
            scale,
            &practice_postcodes,
            now,
            progress,
        )
        .await?;
        let history = history::generate(
            &mut tx,
            &mut rng,
            programme_id,
            &practices,
            years,
            per_practice_year,
            now,
            progress,
        )
        .await?;
        directory::link_onward(&mut tx, &dgrant).await?;
        let mut partners: Vec<i64> = Vec::new();
        // People who get the partners' vouchers.
        let mut voucher_people = Vec::new();
        for p in practices.iter().take(12) {
            voucher_people
                .extend(linkwork_store::groups::people_at(&mut tx, &pgrant, p.site_id, 5).await?);
        }
        // Two partner organisations answer the referrals sent to them: the
        // demo partner account works for the first.
        for (user, text, outcome) in partner_ids
            .iter()
            .zip([
                (
                    "Community food pantry",
                    "Pantry membership and a food parcel to start",
                ),
                (
                    "Citizens Advice money advice",
                    "Benefit check done; two claims made",
                ),
            ])
            .map(|(u, (t, o))| (*u, t, o))
        {
            let org =
                linkwork_store::partner::seed_demo_answers(&mut tx, &dgrant, text, user, outcome)
                    .await?;
            if let Some(org) = org.filter(|o| !partners.contains(o)) {
                partnership(&mut tx, &manager, org, (&mut rng, &voucher_people), now).await?;
                partners.push(org);
            }
        }
        // Practice development: activities and a fund for every practice.
        let devgrant = manager
            .authorize(Permission::DevelopPractices)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        let first_worker = link_workers.first().map_or(0, |w| w.0);
        let worker_of = |site: i64| {
            practices
                .iter()
                .find(|p| p.site_id == site)
                .and_then(|p| p.workers.first().copied())
                .unwrap_or(first_worker)
        };
        let practice_sites: Vec<i64> = practices.iter().map(|p| p.site_id).collect();
        progress(&Progress {
            stage: "practice development",
            done: 0,
            total: practice_sites.len() as u64,
        });
        practice::practice_development(
            &mut tx,
            &devgrant,
            &mut rng,
            &practice_sites,
            &worker_of,
            years,
            now,
        )
        .await?;
        // Groups in every area, with weekly sessions and attendance.
        let group_areas: Vec<groups::Area> = plan
            .areas
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let practices: Vec<i64> = site_ids
                    .iter()
                    .filter(|s| s.1 == i && s.2)
                    .map(|s| s.0)
                    .collect();
                let worker = practices.first().map(|p| worker_of(*p)).filter(|w| *w > 0);
                groups::Area {
                    name: name.clone(),
                    practices,
                    worker,
                }
            })
            .collect();
        progress(&Progress {
            stage: "groups",
            done: 0,
            total: group_areas.len() as u64,
        });
        groups::generate(&mut tx, &pgrant, &mut rng, &group_areas, years, now).await?;
        directory::simd(&mut tx, &dgrant, &mut rng).await?;
        // Invented yearly costs (about £38,000 a link worker, with
        // management), so that the figures show the value for each £1.
        let ogrant = ctx
            .actor
            .authorize(Permission::ManageOrganisation)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        let today = linkwork_domain::appointment::london_date(now);
        let this_fy = linkwork_domain::report::Period::containing(
            linkwork_domain::report::PeriodKind::FinancialYear,
            today,
        );
        let mut fy = this_fy;
        let workers = counts
            .iter()
            .find(|c| c.0 == Role::LinkWorker.code())
            .map_or(1, |c| c.1.max(1)) as i64;
        for _ in 0..=years {
            linkwork_store::value::add_cost(
                &mut tx,
                &ogrant,
                fy.first,
                fy.last,
                workers * 38_000 * 100,
                "Link workers and management (demo figure)",
                now,
            )
            .await?;
            fy = fy.previous();
        }
        let mut ev = ctx.event("demo.generate", "programme", programme_id);
        ev.detail = format!(
            "scale {scale:?}, seed {seed}, {years} years: {} sites, {} users, {} referrals, {services} directory services",
            site_ids.len(),
            people.len(),
            history.referrals
        );
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        linkwork_store::dialect::after_bulk_load(db).await?;
        // The whole programme's months and periods counted once and kept
        // (migration 31), as after any bulk load.
        let rgrant = manager
            .authorize(Permission::ViewReports)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        linkwork_app::reports::keep::keep_figures(db, &rgrant, today, &|done, total| {
            progress(&Progress {
                stage: "figures",
                done,
                total,
            })
        })
        .await?;
        Ok(DemoReport {
            programme_id,
            areas: plan.areas.len(),
            clusters: plan.clusters.len(),
            sites: site_ids.len(),
            users: counts,
            participants: made as usize + history.participants,
            referrals: history.referrals,
            appointments: history.appointments,
            accounts,
        })
    }
}

/// Demo data: an agreement with a partner organisation, and a voucher fund
/// it funds, topped up, with vouchers issued from it to `people` over the
/// past year.
async fn partnership(
    tx: &mut linkwork_store::Tx,
    manager: &linkwork_domain::Actor,
    organization_id: i64,
    (rng, people): (&mut Rng, &[i64]),
    now: DateTime<Utc>,
) -> Result<()> {
    let grant = |p| {
        manager
            .authorize(p)
            .map_err(|e| AppError::Refused(e.to_string()))
    };
    let dgrant = grant(Permission::ViewReports)?;
    let name = linkwork_store::directory::organization(tx, &dgrant, organization_id)
        .await?
        .name;
    let today = linkwork_domain::appointment::london_date(now);
    let fy = linkwork_domain::report::Period::containing(
        linkwork_domain::report::PeriodKind::FinancialYear,
        today,
    );
    let a = linkwork_domain::partnership::Agreement {
        what: "Referrals both ways, and vouchers for people the link workers support".into(),
        starts_on: fy.first,
        ends_on: Some(fy.last),
        funding: "received",
        amount_pence: Some(300_000),
        notes: Some("Reviewed each quarter at the partners' meeting".into()),
    };
    linkwork_store::partnership::add_agreement(
        tx,
        &grant(Permission::ManagePartnerships)?,
        organization_id,
        &a,
        None,
        now,
    )
    .await?;
    let fgrant = grant(Permission::ManageFunds)?;
    let fund = linkwork_store::support::create_fund(
        tx,
        &fgrant,
        &format!("{name} vouchers"),
        Some(&name),
        "food",
        now,
    )
    .await?;
    linkwork_store::support::move_money(
        tx,
        &fgrant,
        fund,
        300_000,
        None,
        Some("From the partnership agreement"),
        None,
        now,
    )
    .await?;
    if !people.is_empty() {
        for _ in 0..60 {
            let person = *rng.pick(people);
            let pence = rng.range(10, 31) * 100;
            let at = now - chrono::Duration::days(rng.range(1, 365));
            linkwork_store::support::move_money(
                tx,
                &fgrant,
                fund,
                -pence,
                Some(person),
                Some("Food voucher"),
                None,
                at,
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(Rng::new(8).next_u64(), a[0]);
    }

    #[test]
    fn programme_plan_has_the_shape_of_the_seed() {
        let p = programme_plan(&mut Rng::new(1));
        assert_eq!(p.areas.len(), 5);
        assert!(
            (18..=22).contains(&p.clusters.len()),
            "{}",
            p.clusters.len()
        );
        assert!((90..=100).contains(&p.sites.len()), "{}", p.sites.len());
        let codes: std::collections::HashSet<_> =
            p.sites.iter().map(|s| s.fields.code.clone()).collect();
        assert_eq!(codes.len(), p.sites.len(), "site codes are unique");
    }

    #[test]
    fn demo_people_have_valid_identifiers() {
        let mut rng = Rng::new(5);
        for _ in 0..200 {
            let p = demo_person(&mut rng, 1, "G21 1AA");
            let chi = p.chi_number.clone().unwrap_or_default();
            let parsed = linkwork_domain::identifiers::ChiNumber::parse(&chi);
            assert!(
                parsed
                    .as_ref()
                    .is_ok_and(|c| c.matches_birth_date(p.date_of_birth)),
                "{chi}"
            );
            assert!(
                linkwork_domain::text::Postcode::parse(p.postcode.as_deref().unwrap_or_default())
                    .is_ok()
            );
        }
    }
}
