//! A fictional community directory: services made from templates in real
//! neighbourhoods (place names only), realistic schedules, some overdue
//! for a check, some temporarily closed, some seasonal, a few national
//! helplines. Coordinates: the real Glasgow G2 postcodes (ALISS fixtures)
//! and approximate district centres written for the demo.

use crate::{Progress, Rng, Scale};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linkwork_domain::Grant;
use linkwork_store::Tx;
use linkwork_store::directory::{
    self as store, Location, Organization, ScheduleRow, ServiceIn, Term, uuid_for,
};

/// Approximate centres of Glasgow-area postcode districts (demo only).
const DISTRICTS: &[(&str, f64, f64)] = &[
    ("G1", 55.8587, -4.2465),
    ("G2", 55.8620, -4.2560),
    ("G3", 55.8650, -4.2800),
    ("G4", 55.8680, -4.2380),
    ("G5", 55.8480, -4.2550),
    ("G11", 55.8720, -4.3100),
    ("G12", 55.8800, -4.2950),
    ("G13", 55.8950, -4.3450),
    ("G14", 55.8780, -4.3480),
    ("G15", 55.9050, -4.3700),
    ("G20", 55.8850, -4.2750),
    ("G21", 55.8780, -4.2250),
    ("G22", 55.8900, -4.2500),
    ("G23", 55.9000, -4.2700),
    ("G31", 55.8570, -4.2050),
    ("G32", 55.8480, -4.1700),
    ("G33", 55.8700, -4.1600),
    ("G34", 55.8700, -4.1100),
    ("G40", 55.8470, -4.2300),
    ("G41", 55.8380, -4.2800),
    ("G42", 55.8330, -4.2550),
    ("G43", 55.8180, -4.2850),
    ("G44", 55.8150, -4.2500),
    ("G45", 55.8040, -4.2350),
    ("G46", 55.8000, -4.3100),
    ("G51", 55.8560, -4.3200),
    ("G52", 55.8500, -4.3550),
    ("G53", 55.8200, -4.3500),
    ("G60", 55.9250, -4.4500),
    ("G61", 55.9200, -4.3300),
    ("G62", 55.9400, -4.3150),
    ("G63", 56.0500, -4.3500),
    ("G64", 55.9000, -4.2200),
    ("G65", 55.9750, -4.0600),
    ("G66", 55.9400, -4.1500),
    ("G67", 55.9450, -3.9900),
    ("G68", 55.9600, -4.0400),
    ("G69", 55.8580, -4.0900),
    ("G71", 55.8300, -4.0700),
    ("G72", 55.8150, -4.1750),
    ("G73", 55.8280, -4.2150),
    ("G74", 55.7700, -4.1700),
    ("G75", 55.7550, -4.1850),
    ("G76", 55.7800, -4.2800),
    ("G77", 55.7700, -4.3300),
    ("G78", 55.8000, -4.3900),
    ("G81", 55.9050, -4.4000),
    ("G82", 55.9450, -4.5700),
    ("G83", 55.9900, -4.5800),
    ("G84", 56.0050, -4.7300),
];

/// Approximate centres of Scotland's postcode areas (national demo only).
const AREAS: &[(&str, f64, f64)] = &[
    ("AB", 57.15, -2.20),
    ("DD", 56.47, -2.97),
    ("DG", 55.07, -3.60),
    ("EH", 55.93, -3.20),
    ("FK", 56.03, -3.80),
    ("G", 55.86, -4.25),
    ("HS", 57.90, -6.80),
    ("IV", 57.48, -4.22),
    ("KA", 55.55, -4.55),
    ("KW", 58.60, -3.50),
    ("KY", 56.15, -3.20),
    ("ML", 55.78, -3.95),
    ("PA", 55.85, -4.60),
    ("PH", 56.60, -3.70),
    ("TD", 55.60, -2.80),
    ("ZE", 60.15, -1.15),
];

/// Neighbourhoods (real place names) and their districts.
const PLACES: &[(&str, &str)] = &[
    ("Govan", "G51"),
    ("Drumchapel", "G15"),
    ("Easterhouse", "G34"),
    ("Castlemilk", "G45"),
    ("Pollok", "G53"),
    ("Springburn", "G21"),
    ("Maryhill", "G20"),
    ("Partick", "G11"),
    ("Dennistoun", "G31"),
    ("Possilpark", "G22"),
    ("Parkhead", "G31"),
    ("Shettleston", "G32"),
    ("Gorbals", "G5"),
    ("Govanhill", "G42"),
    ("Cardonald", "G52"),
    ("Knightswood", "G13"),
    ("Yoker", "G14"),
    ("Bridgeton", "G40"),
    ("Toryglen", "G42"),
    ("Pollokshields", "G41"),
    ("Cathcart", "G44"),
    ("Priesthill", "G53"),
    ("Carntyne", "G32"),
    ("Ruchill", "G20"),
    ("Milton", "G22"),
    ("Barmulloch", "G21"),
    ("Royston", "G21"),
    ("Townhead", "G4"),
    ("Garnethill", "G3"),
    ("Finnieston", "G3"),
    ("Hyndland", "G12"),
    ("Shawlands", "G41"),
    ("Battlefield", "G42"),
    ("Croftfoot", "G44"),
    ("Nitshill", "G53"),
    ("Barlanark", "G33"),
    ("Cranhill", "G33"),
    ("Sighthill", "G21"),
    ("Dalmarnock", "G40"),
    ("Tollcross", "G32"),
    ("Baillieston", "G69"),
    ("Summerston", "G23"),
    ("Lambhill", "G23"),
    ("Scotstoun", "G14"),
    ("Whiteinch", "G14"),
    ("Ibrox", "G51"),
    ("Kinning Park", "G41"),
    ("Hillhead", "G12"),
    ("Merchant City", "G1"),
    ("Blythswood", "G2"),
    ("Rutherglen", "G73"),
    ("Cambuslang", "G72"),
    ("Clydebank", "G81"),
    ("Bearsden", "G61"),
    ("Bishopbriggs", "G64"),
];

/// How a template runs.
#[derive(Clone, Copy)]
enum Runs {
    Weekly,
    TwiceWeekly,
    Fortnightly,
    Monthly,
    /// April to September.
    Summer,
    /// October to March.
    Winter,
    /// School terms (August to June).
    Term,
}

struct Template {
    name: &'static str,
    category: &'static str,
    audience: &'static str,
    ages: (Option<i64>, Option<i64>),
    cost: Option<&'static str>,
    runs: Runs,
    routes: &'static str,
    about: &'static str,
}

const T: &[Template] = &[
    Template {
        name: "{} Food Bank",
        category: "foodbank",
        audience: "",
        ages: (None, None),
        cost: None,
        runs: Runs::TwiceWeekly,
        routes: "form|phone",
        about: "Emergency food parcels for three days, with a warm drink and a chat. A referral voucher from a link worker, GP or advice agency is needed.",
    },
    Template {
        name: "{} Community Pantry",
        category: "food-pantry",
        audience: "",
        ages: (None, None),
        cost: Some("£3.50 a weekly shop"),
        runs: Runs::Weekly,
        routes: "self",
        about: "A members' pantry: choose about £15 worth of groceries, fresh fruit and vegetables each week for a small fee.",
    },
    Template {
        name: "{} Health Walk",
        category: "outdoor-activity",
        audience: "",
        ages: (None, None),
        cost: None,
        runs: Runs::Weekly,
        routes: "self",
        about: "A gentle led walk of about an hour on flat paths, finishing with tea. Walking at your own pace is welcome.",
    },
    Template {
        name: "{} Men's Shed",
        category: "social-activity",
        audience: "men",
        ages: (Some(18), None),
        cost: None,
        runs: Runs::TwiceWeekly,
        routes: "self|phone",
        about: "A workshop where men meet to make, mend and talk. Woodwork, bike repairs and a kettle that is always on.",
    },
    Template {
        name: "{} Lunch Club",
        category: "lunch-club",
        audience: "older-adults",
        ages: (Some(55), None),
        cost: Some("£3 a meal"),
        runs: Runs::Weekly,
        routes: "self|phone",
        about: "A hot two-course lunch and company for older people, with transport for those who need it.",
    },
    Template {
        name: "{} Bereavement Support Group",
        category: "bereavement",
        audience: "",
        ages: (Some(18), None),
        cost: None,
        runs: Runs::Fortnightly,
        routes: "phone|handover",
        about: "A small group for people who have lost someone close, led by trained volunteers. Bereaved people can talk, or just listen.",
    },
    Template {
        name: "{} Money and Debt Advice",
        category: "debt-advice",
        audience: "",
        ages: (Some(16), None),
        cost: None,
        runs: Runs::Weekly,
        routes: "self|phone|email",
        about: "Free, confidential debt advice: budgeting, dealing with creditors, bankruptcy and debt arrangement schemes.",
    },
    Template {
        name: "{} Welfare Rights Surgery",
        category: "welfare-rights",
        audience: "",
        ages: (Some(16), None),
        cost: None,
        runs: Runs::Monthly,
        routes: "phone|form",
        about: "Help to claim benefits and challenge decisions: Universal Credit, Adult Disability Payment, Pension Credit.",
    },
    Template {
        name: "{} Energy Advice Drop-in",
        category: "energy-advice",
        audience: "",
        ages: (None, None),
        cost: None,
        runs: Runs::Winter,
        routes: "self|phone",
        about: "Help with fuel bills, prepayment meters, batteries and warm home grants through the winter months.",
    },
    Template {
        name: "{} Community Garden",
        category: "community-garden",
        audience: "",
        ages: (None, None),
        cost: None,
        runs: Runs::Summer,
        routes: "self",
        about: "Grow vegetables and flowers with neighbours. Tools and gloves provided; no experience needed.",
    },
    Template {
        name: "{} Women's Group",
        category: "social-activity",
        audience: "women",
        ages: (Some(16), None),
        cost: None,
        runs: Runs::Weekly,
        routes: "self|handover",
        about: "A friendly space for women to meet, share skills and build confidence. Crèche available.",
    },
    Template {
        name: "{} LGBTQ+ Social",
        category: "social-activity",
        audience: "lgbtq-community",
        ages: (Some(18), None),
        cost: None,
        runs: Runs::Monthly,
        routes: "self|email",
        about: "A relaxed social evening for LGBTQ+ adults, with games and conversation.",
    },
    Template {
        name: "{} Carers' Café",
        category: "respite",
        audience: "unpaid-carers",
        ages: (None, None),
        cost: None,
        runs: Runs::Monthly,
        routes: "self|phone",
        about: "Time out for unpaid carers: a cuppa, a break and advice on carers' rights and short breaks.",
    },
    Template {
        name: "{} Chair Yoga",
        category: "exercise-and-get-fit",
        audience: "older-adults",
        ages: (Some(50), None),
        cost: Some("£2 a session"),
        runs: Runs::Weekly,
        routes: "self",
        about: "Seated yoga to build strength, balance and breathing. Suitable for people with limited mobility.",
    },
    Template {
        name: "{} Digital Skills Drop-in",
        category: "digital-literacy",
        audience: "",
        ages: (Some(16), None),
        cost: None,
        runs: Runs::Weekly,
        routes: "self",
        about: "Help with phones, tablets, email, online forms and video calls. Devices and data can be lent.",
    },
    Template {
        name: "{} ESOL Conversation Class",
        category: "lifelong-learning",
        audience: "refugees-and-asylum-seekers",
        ages: (Some(16), None),
        cost: None,
        runs: Runs::Term,
        routes: "self|form",
        about: "English conversation practice for speakers of other languages, in a small friendly group.",
    },
    Template {
        name: "{} Youth Club",
        category: "youth-group",
        audience: "children-and-young-people",
        ages: (Some(12), Some(18)),
        cost: None,
        runs: Runs::Term,
        routes: "self",
        about: "Games, sport, trips and a safe place to hang out for young people.",
    },
    Template {
        name: "{} Parent and Toddler Group",
        category: "parent-and-toddler-group",
        audience: "parents-and-families",
        ages: (None, None),
        cost: Some("£1 a family"),
        runs: Runs::Term,
        routes: "self",
        about: "Play, songs and snacks for under-fives and their grown-ups.",
    },
    Template {
        name: "{} Recovery Café",
        category: "addiction",
        audience: "",
        ages: (Some(18), None),
        cost: None,
        runs: Runs::Weekly,
        routes: "self|handover",
        about: "Peer support for people in recovery from drugs or alcohol, and their families. Food is served.",
    },
    Template {
        name: "{} Housing Advice Surgery",
        category: "housing-advice",
        audience: "",
        ages: (Some(16), None),
        cost: None,
        runs: Runs::Weekly,
        routes: "phone|email",
        about: "Advice on rent arrears, repairs, homelessness applications and tenancy rights.",
    },
    Template {
        name: "{} Employability Hub",
        category: "employability",
        audience: "people-experiencing-unemployment",
        ages: (Some(16), Some(67)),
        cost: None,
        runs: Runs::TwiceWeekly,
        routes: "self|form",
        about: "One-to-one help with CVs, job searching, interviews and training courses.",
    },
    Template {
        name: "{} Mental Wellbeing Group",
        category: "mental-wellbeing",
        audience: "",
        ages: (Some(18), None),
        cost: None,
        runs: Runs::Weekly,
        routes: "handover|phone",
        about: "A supportive group using mindfulness and peer support to manage low mood and anxiety.",
    },
    Template {
        name: "{} Knit and Natter",
        category: "social-activity",
        audience: "",
        ages: (None, None),
        cost: None,
        runs: Runs::Weekly,
        routes: "self",
        about: "Bring your knitting or crochet, or learn: wool and needles provided. Good company guaranteed.",
    },
    Template {
        name: "{} Walking Football",
        category: "sports-and-games",
        audience: "older-adults",
        ages: (Some(50), None),
        cost: Some("£3 a session"),
        runs: Runs::Weekly,
        routes: "self",
        about: "Football at walking pace for over-50s: no running, no heading, plenty of laughs.",
    },
    Template {
        name: "{} Community Café",
        category: "community-cafe",
        audience: "",
        ages: (None, None),
        cost: Some("Pay what you can"),
        runs: Runs::TwiceWeekly,
        routes: "self",
        about: "A pay-what-you-can café serving soup, sandwiches and home baking, run by local volunteers.",
    },
];

/// National helplines (fictional organisations).
const HELPLINES: &[(&str, &str, &str, &str)] = &[
    (
        "Clearwater Listening Line",
        "Clearwater Listening Trust",
        "mental-wellbeing",
        "A free listening line, any time of day or night, for anyone struggling to cope.",
    ),
    (
        "Bereavement Helpline",
        "Open Door Bereavement Care",
        "bereavement",
        "Talk to a trained bereavement volunteer by phone or webchat.",
    ),
    (
        "National Debt Line",
        "Fair Money Advice Trust",
        "debt-advice",
        "Free debt advice by phone and online, with self-help guides.",
    ),
    (
        "Safe Home Helpline",
        "Safe Home Scotland",
        "gender-based-violence",
        "Support and safety planning for anyone affected by domestic abuse, any time.",
    ),
    (
        "Carers' Advice Line",
        "Carers Together",
        "respite",
        "Advice for unpaid carers on rights, benefits and breaks.",
    ),
    (
        "Silver Chat Line",
        "Silver Chat",
        "social-activity",
        "A friendly phone call for older people who feel lonely, every day of the year.",
    ),
];

const ORG_KINDS: &[&str] = &[
    "Community Trust",
    "Development Trust",
    "Parish Church",
    "Housing Association",
    "Advice Centre",
    "Community Centre",
    "Volunteer Network",
    "Health Project",
];
const STREETS: &[&str] = &[
    "Main Street",
    "Church Street",
    "High Street",
    "Station Road",
    "Burn Road",
    "Park Avenue",
    "Mill Street",
    "Victoria Road",
    "Crown Street",
    "Hill Street",
];

/// Where the demo's practices and people are: their districts (and areas,
/// at national scale) get postcodes in the lookup.
pub async fn postcodes(
    tx: &mut Tx,
    grant: &Grant,
    practice_postcodes: &[String],
    rng: &mut Rng,
) -> linkwork_app::Result<()> {
    let mut rows: Vec<(String, String, f64, f64, Option<String>)> = Vec::new();
    // The real G2 postcodes with their coordinates.
    let g2: serde_json::Value =
        serde_json::from_str(include_str!("../data/glasgow_g2_postcodes_latlong.json"))
            .unwrap_or_default();
    for p in g2.as_array().into_iter().flatten() {
        let (Some(pc), Some(lat), Some(lon)) = (
            p["pk"].as_str(),
            p["fields"]["latitude"].as_f64(),
            p["fields"]["longitude"].as_f64(),
        ) else {
            continue;
        };
        rows.push((pc.to_owned(), "G2".into(), lat, lon, None));
    }
    for (d, lat, lon) in DISTRICTS {
        rows.push((format!("{d} 1AA"), (*d).into(), *lat, *lon, None));
    }
    for pc in practice_postcodes {
        let district = pc.split(' ').next().unwrap_or_default().to_owned();
        if DISTRICTS.iter().any(|(d, _, _)| *d == district) {
            continue;
        }
        let area: String = district
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        if let Some((_, lat, lon)) = AREAS.iter().find(|(a, _, _)| *a == area) {
            rows.push((
                pc.clone(),
                district,
                lat + jitter(rng, 0.25),
                lon + jitter(rng, 0.4),
                None,
            ));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.dedup_by(|a, b| a.0 == b.0);
    store::import_postcodes(tx, grant, &rows).await?;
    Ok(())
}

fn jitter(rng: &mut Rng, span: f64) -> f64 {
    (rng.below(2001) as f64 / 1000.0 - 1.0) * span
}

fn inward(rng: &mut Rng) -> String {
    const L: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    format!(
        "{}{}{}",
        rng.below(10),
        L[rng.below(L.len() as u64) as usize] as char,
        L[rng.below(L.len() as u64) as usize] as char
    )
}

/// Make the directory: `count` local services plus the helplines.
#[allow(clippy::too_many_arguments)]
pub async fn generate(
    tx: &mut Tx,
    grant: &Grant,
    rng: &mut Rng,
    scale: Scale,
    practice_postcodes: &[String],
    now: DateTime<Utc>,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> linkwork_app::Result<usize> {
    let p = grant.programme_id();
    let count: usize = match scale {
        Scale::Programme => 1_500,
        Scale::National => 100_000,
    };
    let terms = store::terms(tx, grant).await?;
    let term = |code: &str| terms.iter().find(|t: &&Term| t.code == code).map(|t| t.id);
    let today = now.date_naive();
    let by = (None, "Demo data");
    // Places: Glasgow neighbourhoods, or every practice's district nationally.
    let places: Vec<(String, String, f64, f64)> = match scale {
        Scale::Programme => PLACES
            .iter()
            .filter_map(|(n, d)| {
                DISTRICTS
                    .iter()
                    .find(|x| x.0 == *d)
                    .map(|x| ((*n).to_owned(), (*d).to_owned(), x.1, x.2))
            })
            .collect(),
        Scale::National => {
            let mut v = Vec::new();
            for pc in practice_postcodes {
                let (Some(lat), district) =
                    (district_point(pc), pc.split(' ').next().unwrap_or_default())
                else {
                    continue;
                };
                v.push((
                    format!("{district} area"),
                    district.to_owned(),
                    lat.0,
                    lat.1,
                ));
            }
            v.sort_by(|a, b| a.1.cmp(&b.1));
            v.dedup_by(|a, b| a.1 == b.1);
            v
        }
    };
    if places.is_empty() {
        return Ok(0);
    }
    let mut orgs: Vec<i64> = Vec::new();
    for (i, (place, _, _, _)) in places.iter().enumerate() {
        for (k, kind) in ORG_KINDS.iter().enumerate().take(3) {
            let o = Organization {
                uuid: uuid_for(&format!("demo-org/{p}/{i}/{k}")),
                name: format!("{place} {kind}"),
                description: format!(
                    "A community organisation serving {place} and the streets around it."
                ),
                phone: Some(format!(
                    "0141 {:03} {:04}",
                    200 + rng.below(700),
                    rng.below(10_000)
                )),
                ..Default::default()
            };
            let _ = kind;
            orgs.push(store::save_organization(tx, grant, &o, now).await?);
        }
    }
    let mut made = 0usize;
    for n in 0..count {
        let t = &T[n % T.len()];
        let pi = (n / T.len() + rng.below(3) as usize) % places.len();
        let (place, district, lat, lon) = &places[pi];
        let org = orgs[(pi * 3 + rng.below(3) as usize) % orgs.len()];
        let name = t.name.replace("{}", place);
        let name = if n / (T.len() * places.len()) > 0 {
            format!("{name} ({})", n / (T.len() * places.len()) + 1)
        } else {
            name
        };
        let pc = format!("{district} {}", inward(rng));
        let (la, lo) = (lat + jitter(rng, 0.008), lon + jitter(rng, 0.013));
        let loc = Location {
            uuid: uuid_for(&format!("demo-loc/{p}/{n}")),
            organization_id: Some(org),
            name: format!(
                "{place} {}",
                [
                    "Community Hall",
                    "Church Hall",
                    "Library",
                    "Community Centre",
                    "Sports Centre"
                ][n % 5]
            ),
            address: format!(
                "{} {}",
                1 + rng.below(200),
                STREETS[rng.below(STREETS.len() as u64) as usize]
            ),
            city: "Glasgow".into(),
            postcode: Some(pc.clone()),
            latitude: Some(la),
            longitude: Some(lo),
            accessibility: if rng.chance(0.6) {
                "Step-free access|Accessible toilet".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        let loc_id = store::save_location(tx, grant, &loc).await?;
        // Some entries are overdue for a check; a few never checked.
        let span = if rng.chance(0.25) { 700 } else { 170 };
        let assured_on = if rng.chance(0.05) {
            None
        } else {
            today.checked_sub_days(chrono::Days::new(rng.below(span)))
        };
        let (status, closed_reason, closed_until) = if rng.chance(0.03) {
            (
                "temporarily_closed",
                Some("The hall is being refurbished".to_owned()),
                today.checked_add_days(chrono::Days::new(14 + rng.below(60))),
            )
        } else if rng.chance(0.01) {
            ("defunct", None, None)
        } else {
            ("active", None, None)
        };
        let mut term_ids: Vec<i64> = term(t.category).into_iter().collect();
        term_ids.extend(term(t.audience));
        let s = ServiceIn {
            uuid: uuid_for(&format!("demo-service/{p}/{n}")),
            organization_id: org,
            name,
            description: format!("{} Based in {place}.", t.about),
            url: None,
            email: None,
            phone: Some(format!(
                "0141 {:03} {:04}",
                200 + rng.below(700),
                rng.below(10_000)
            )),
            status: status.into(),
            closed_reason,
            closed_until,
            reach: "local".into(),
            min_age: t.ages.0,
            max_age: t.ages.1,
            free: t.cost.is_none(),
            cost: t.cost.map(str::to_owned),
            languages: "English".into(),
            referral_routes: t.routes.into(),
            referral_notes: None,
            capacity_note: if rng.chance(0.1) {
                Some("Waiting list of about four weeks".into())
            } else {
                None
            },
            staff_notes: None,
            assured_on,
            assured_by: assured_on.map(|_| "Demo link worker".to_owned()),
            term_ids,
            location_ids: vec![loc_id],
            site_ids: Vec::new(),
            schedules: schedules(t.runs, rng, today),
        };
        store::save_service(
            tx,
            grant,
            &s,
            None,
            by,
            "Added to the directory (demo data)",
            now,
        )
        .await?;
        made += 1;
        if made.is_multiple_of(250) {
            progress(&Progress {
                stage: "directory",
                done: made as u64,
                total: count as u64,
            });
        }
    }
    for (i, (name, org, cat, about)) in HELPLINES.iter().enumerate() {
        let o = Organization {
            uuid: uuid_for(&format!("demo-helpline-org/{p}/{i}")),
            name: (*org).into(),
            description: (*about).into(),
            ..Default::default()
        };
        let org_id = store::save_organization(tx, grant, &o, now).await?;
        let s = ServiceIn {
            uuid: uuid_for(&format!("demo-helpline/{p}/{i}")),
            organization_id: org_id,
            name: (*name).into(),
            description: (*about).into(),
            phone: Some(format!("0800 {:03} {:04}", 100 + i, 1000 + i)),
            status: "active".into(),
            reach: "national".into(),
            free: true,
            languages: "English".into(),
            referral_routes: "self|phone".into(),
            assured_on: Some(today),
            assured_by: Some("Demo link worker".into()),
            term_ids: term(cat).into_iter().collect(),
            ..Default::default()
        };
        store::save_service(
            tx,
            grant,
            &s,
            None,
            by,
            "Added to the directory (demo data)",
            now,
        )
        .await?;
        made += 1;
    }
    progress(&Progress {
        stage: "directory",
        done: made as u64,
        total: made as u64,
    });
    Ok(made)
}

fn district_point(pc: &str) -> Option<(f64, f64)> {
    let district = pc.split(' ').next()?;
    if let Some((_, a, b)) = DISTRICTS.iter().find(|(d, _, _)| *d == district) {
        return Some((*a, *b));
    }
    let area: String = district
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    AREAS
        .iter()
        .find(|(a, _, _)| *a == area)
        .map(|(_, a, b)| (*a, *b))
}

fn schedules(runs: Runs, rng: &mut Rng, today: NaiveDate) -> Vec<ScheduleRow> {
    const DAYS: [&str; 6] = ["MO", "TU", "WE", "TH", "FR", "SA"];
    let day = DAYS[rng.below(6) as usize];
    let start = 9 + rng.below(9) as u32;
    let hours = 1 + rng.below(3) as u32;
    let row = |byday: String, freq: &str, every: i64| ScheduleRow {
        freq: freq.into(),
        freq_interval: every,
        byday,
        opens_at: Some(format!("{start:02}:00")),
        closes_at: Some(format!("{:02}:00", start + hours)),
        ..Default::default()
    };
    let y = today.year();
    let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    match runs {
        Runs::Weekly => vec![row(day.into(), "WEEKLY", 1)],
        Runs::TwiceWeekly => {
            let other = DAYS[(DAYS.iter().position(|d| *d == day).unwrap_or(0) + 2) % 6];
            vec![row(format!("{day},{other}"), "WEEKLY", 1)]
        }
        Runs::Fortnightly => vec![ScheduleRow {
            dtstart: Some(today),
            ..row(day.into(), "WEEKLY", 2)
        }],
        Runs::Monthly => vec![row(format!("{}{day}", 1 + rng.below(3)), "MONTHLY", 1)],
        Runs::Summer => [y - 1, y, y + 1]
            .iter()
            .map(|y| ScheduleRow {
                valid_from: date(*y, 4, 1),
                valid_to: date(*y, 9, 30),
                ..row(day.into(), "WEEKLY", 1)
            })
            .collect(),
        Runs::Winter => [y - 1, y]
            .iter()
            .map(|y| ScheduleRow {
                valid_from: date(*y, 10, 1),
                valid_to: date(y + 1, 3, 31),
                ..row(day.into(), "WEEKLY", 1)
            })
            .collect(),
        Runs::Term => [y - 1, y]
            .iter()
            .flat_map(|y| {
                [
                    ScheduleRow {
                        valid_from: date(*y, 8, 18),
                        valid_to: date(*y, 12, 19),
                        ..row(day.into(), "WEEKLY", 1)
                    },
                    ScheduleRow {
                        valid_from: date(y + 1, 1, 6),
                        valid_to: date(y + 1, 6, 26),
                        ..row(day.into(), "WEEKLY", 1)
                    },
                ]
            })
            .collect(),
    }
}

/// Point the demo history's onward support at directory services of the
/// matching kind, so service pages show referrals and their outcomes.
/// SIMD for the demo: Glasgow City's data zones with their real SIMD 2020v2
/// ranks (the embedded subset), and each invented postcode on the demo's
/// records placed in its district with a data zone drawn from Glasgow's at
/// random — so the figures by decile have something to count. Real
/// postcodes already in the lookup are left without a data zone.
pub async fn simd(tx: &mut Tx, grant: &Grant, rng: &mut Rng) -> linkwork_app::Result<()> {
    let mut zones = Vec::new();
    let mut r = csv::Reader::from_reader(
        include_str!("../data/simd2020v2_datazones_glasgow_city.csv").as_bytes(),
    );
    for rec in r.records().flatten() {
        let rank: i64 = rec.get(3).and_then(|x| x.parse().ok()).unwrap_or(0);
        if rank < 1 {
            continue;
        }
        let (decile, quintile) = linkwork_app::directory::simd_bands(rank);
        zones.push(linkwork_store::directory::SimdZone {
            datazone: rec.get(0).unwrap_or_default().to_owned(),
            name: rec.get(1).unwrap_or_default().to_owned(),
            council: rec.get(2).unwrap_or_default().to_owned(),
            rank,
            decile,
            quintile,
        });
    }
    linkwork_store::directory::import_simd(tx, grant, &zones).await?;
    if zones.is_empty() {
        return Ok(());
    }
    let mut centres: std::collections::HashMap<String, Option<(f64, f64)>> =
        std::collections::HashMap::new();
    let mut rows = Vec::new();
    for pc in linkwork_store::directory::unknown_person_postcodes(tx, grant).await? {
        let district = pc.split(' ').next().unwrap_or_default().to_owned();
        if !centres.contains_key(&district) {
            let c = linkwork_store::directory::locate(tx, None, &district)
                .await?
                .map(|(a, b, _)| (a, b));
            centres.insert(district.clone(), c);
        }
        let Some(Some((lat, lon))) = centres.get(&district).copied() else {
            continue;
        };
        let zone = &zones[rng.below(zones.len() as u64) as usize];
        rows.push(linkwork_store::row![
            pc,
            district,
            lat + jitter(rng, 0.01),
            lon + jitter(rng, 0.015),
            zone.datazone.clone()
        ]);
    }
    const POSTCODES: linkwork_store::bulk::Table = linkwork_store::bulk::Table {
        name: "postcodes",
        columns: &["postcode", "district", "latitude", "longitude", "datazone"],
    };
    linkwork_store::bulk::insert_plain(tx, &POSTCODES, &rows).await?;
    Ok(())
}

pub async fn link_onward(tx: &mut Tx, grant: &Grant) -> linkwork_app::Result<()> {
    const KINDS: &[(&str, &str)] = &[
        ("Welfare rights advice service", "Welfare Rights Surgery"),
        ("Citizens Advice money advice", "Money and Debt Advice"),
        ("Community food pantry", "Community Pantry"),
        ("Energy advice service", "Energy Advice Drop-in"),
        ("Lunch club at the community centre", "Lunch Club"),
        ("Walking group", "Health Walk"),
        ("Peer support group", "Mental Wellbeing Group"),
        (
            "Housing association's tenancy support",
            "Housing Advice Surgery",
        ),
        ("Bereavement support charity", "Bereavement Support Group"),
        ("Local addiction service", "Recovery Café"),
        ("Leisure centre activity referral", "Walking Football"),
    ];
    for (text, suffix) in KINDS {
        store::link_onward_by_text(tx, grant, text, suffix).await?;
    }
    Ok(())
}
