//! The community asset directory's rules: statuses, reach, how to refer,
//! when a service runs (schedules, seasons, temporary closures), distance,
//! and the words a search matches on (stemmed, typo-tolerant, compounds).

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

crate::codes!(
    /// Where a service stands (HSDS `status`, with its spaces as underscores).
    ServiceStatus, "service status" {
    Active = "active": "Active",
    TemporarilyClosed = "temporarily_closed": "Temporarily closed",
    Inactive = "inactive": "Inactive",
    Defunct = "defunct": "Closed for good",
});

impl ServiceStatus {
    /// HSDS spells it with a space.
    pub fn hsds(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::TemporarilyClosed => "temporarily closed",
            ServiceStatus::Inactive => "inactive",
            ServiceStatus::Defunct => "defunct",
        }
    }
    /// Read HSDS's (or a form's) spelling.
    pub fn from_hsds(s: &str) -> Option<ServiceStatus> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        ServiceStatus::parse(&s)
    }
}

crate::codes!(
    /// How far a service reaches: local ones come first in a local search.
    Reach, "service reach" {
    Local = "local": "Local",
    Regional = "regional": "Regional",
    National = "national": "National (helplines, online)",
});

crate::codes!(
    /// How a person gets to a service.
    ReferralRoute, "referral route" {
    SelfReferral = "self": "People can go or get in touch themselves",
    Form = "form": "Referral form",
    Phone = "phone": "Phone referral",
    Email = "email": "Email referral",
    Handover = "handover": "Warm handover to a named contact",
});

crate::codes!(
    /// What is wrong with an entry, as someone reporting it says.
    ProblemKind, "problem" {
    Unclear = "unclear": "Unclear or incomplete",
    WrongContact = "wrong_contact": "Contact details are wrong",
    Closed = "closed": "It has closed or stopped",
    WrongArea = "wrong_area": "Wrong area or place",
    Other = "other": "Something else",
});

/// The directory category ("what", an ALISS code) that answers a need
/// recorded in one-to-one work (a reason-for-referral code), where one does.
pub fn category_for_need(need: &str) -> Option<&'static str> {
    Some(match need {
        "mental_health" => "mental-health",
        "loneliness" => "social-activity",
        "housing" => "housing-and-homelessness",
        "money" => "money-advice",
        "food" => "food-and-nutrition",
        "fuel" => "energy-advice",
        "bereavement" => "bereavement",
        "addiction" => "addiction",
        "abuse" => "gender-based-violence",
        "caring" => "respite",
        "employment" => "education-and-employability",
        "physical_activity" => "physical-activity",
        "long_term_condition" => "physical-health-issues",
        "immigration" => "citizenship-and-immigration",
        "legal" => "legal-advice",
        "family" => "parent-and-family-support",
        _ => return None,
    })
}

/// Days of the week as RFC 5545 writes them, Monday first.
pub const DAYS: [(&str, &str); 7] = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
];

pub fn weekday_code(d: Weekday) -> &'static str {
    DAYS[d.num_days_from_monday() as usize].0
}

pub fn parse_weekday(code: &str) -> Option<Weekday> {
    let i = DAYS.iter().position(|(c, n)| {
        c.eq_ignore_ascii_case(code.trim()) || n.eq_ignore_ascii_case(code.trim())
    })?;
    Weekday::try_from(i as u8).ok()
}

/// One recurring opening (HSDS `schedule`): `freq` WEEKLY (every `interval`
/// weeks counted from `dtstart`) or MONTHLY (`byday` with an ordinal, `1TU`
/// the first Tuesday, `-1FR` the last Friday), within an optional season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub freq: Freq,
    pub interval: u32,
    /// `(ordinal, day)`: ordinal 0 means every such day.
    pub byday: Vec<(i8, Weekday)>,
    pub opens_at: Option<NaiveTime>,
    pub closes_at: Option<NaiveTime>,
    pub dtstart: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Freq {
    Weekly,
    Monthly,
}

impl Freq {
    pub fn code(self) -> &'static str {
        match self {
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
        }
    }
    pub fn parse(s: &str) -> Option<Freq> {
        match s.trim().to_ascii_uppercase().as_str() {
            "WEEKLY" | "" => Some(Freq::Weekly),
            "MONTHLY" => Some(Freq::Monthly),
            _ => None,
        }
    }
}

/// Read `MO,WE` or `1TU,-1FR` (an RFC 5545 BYDAY list).
pub fn parse_byday(s: &str) -> Result<Vec<(i8, Weekday)>, String> {
    let mut out = Vec::new();
    for part in s.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        // The day is the last two letters (counted as characters: what was
        // typed may be anything).
        let chars: Vec<char> = part.chars().collect();
        let split = chars.len().saturating_sub(2);
        let n: String = chars[..split].iter().collect();
        let d: String = chars[split..].iter().collect();
        let (n, d) = (n.as_str(), d.as_str());
        let day =
            parse_weekday(d).ok_or_else(|| format!("{part:?} is not a day (use MO, TU … SU)"))?;
        let n: i8 = if n.is_empty() {
            0
        } else {
            n.trim_start_matches('+')
                .parse()
                .ok()
                .filter(|n: &i8| (-5..=5).contains(n) && *n != 0)
                .ok_or_else(|| {
                    format!("{part:?}: the week of the month must be 1 to 5, or -1 for the last")
                })?
        };
        out.push((n, day));
    }
    if out.is_empty() {
        return Err("Choose at least one day".into());
    }
    Ok(out)
}

pub fn byday_code(byday: &[(i8, Weekday)]) -> String {
    byday
        .iter()
        .map(|(n, d)| {
            if *n == 0 {
                weekday_code(*d).to_owned()
            } else {
                format!("{n}{}", weekday_code(*d))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Schedule {
    /// Does the service run on `date` (season, frequency and day)?
    pub fn runs_on(&self, date: NaiveDate) -> bool {
        if !self.in_season(date) {
            return false;
        }
        let day = date.weekday();
        match self.freq {
            Freq::Weekly => {
                if !self.byday.iter().any(|(_, d)| *d == day) {
                    return false;
                }
                let every = self.interval.max(1) as i64;
                match self.dtstart {
                    Some(start) if every > 1 => {
                        // Weeks since the Monday of the first week.
                        let anchor = start
                            - chrono::Days::new(start.weekday().num_days_from_monday() as u64);
                        let monday = date - chrono::Days::new(day.num_days_from_monday() as u64);
                        let weeks = (monday - anchor).num_days().div_euclid(7);
                        weeks >= 0 && weeks % every == 0
                    }
                    _ => true,
                }
            }
            Freq::Monthly => self.byday.iter().any(|(n, d)| {
                if *d != day {
                    return false;
                }
                let nth = (date.day0() / 7) as i8 + 1;
                let days_in_month = days_in_month(date);
                let nth_last = -(((days_in_month - date.day()) / 7) as i8 + 1);
                *n == 0 || *n == nth || *n == nth_last
            }),
        }
    }

    /// Is `date` within the schedule's season (or term)?
    pub fn in_season(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| date >= f) && self.valid_to.is_none_or(|t| date <= t)
    }

    /// Is it open at `time` on `date`? A schedule without times is open all
    /// the day it runs.
    pub fn open_at(&self, date: NaiveDate, time: NaiveTime) -> bool {
        self.runs_on(date)
            && self.opens_at.is_none_or(|o| time >= o)
            && self.closes_at.is_none_or(|c| time < c)
    }

    /// "Every Monday, 10:00 to 12:00", "Every other Tuesday", "First Tuesday
    /// of the month", with the season when there is one.
    pub fn describe(&self) -> String {
        let days: Vec<String> = self
            .byday
            .iter()
            .map(|(n, d)| {
                let name = DAYS[d.num_days_from_monday() as usize].1;
                match n {
                    0 => name.to_owned(),
                    -1 => format!("last {name}"),
                    n => format!(
                        "{} {name}",
                        ["", "first", "second", "third", "fourth", "fifth"]
                            [(*n).clamp(1, 5) as usize]
                    ),
                }
            })
            .collect();
        let days = join_and(&days);
        let mut s = match (self.freq, self.interval) {
            (Freq::Weekly, 0 | 1) => format!("Every {days}"),
            (Freq::Weekly, 2) => format!("Every other {days}"),
            (Freq::Weekly, n) => format!("Every {n} weeks on {days}"),
            (Freq::Monthly, _) => format!("The {days} of the month"),
        };
        match (self.opens_at, self.closes_at) {
            (Some(o), Some(c)) => {
                s.push_str(&format!(", {} to {}", o.format("%H:%M"), c.format("%H:%M")))
            }
            (Some(o), None) => s.push_str(&format!(", from {}", o.format("%H:%M"))),
            _ => {}
        }
        match (self.valid_from, self.valid_to) {
            (Some(f), Some(t)) => s.push_str(&format!(
                " ({} to {})",
                f.format("%-d %b %Y"),
                t.format("%-d %b %Y")
            )),
            (Some(f), None) => s.push_str(&format!(" (from {})", f.format("%-d %b %Y"))),
            (None, Some(t)) => s.push_str(&format!(" (until {})", t.format("%-d %b %Y"))),
            _ => {}
        }
        s
    }
}

fn days_in_month(d: NaiveDate) -> u32 {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|n| n.pred_opt())
        .map_or(28, |l| l.day())
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether a service is running on a day, as the search judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Running {
    /// A schedule runs that day (or it has no schedule: by appointment, a
    /// helpline), and it is not closed.
    Yes,
    /// It has schedules but none runs that day.
    NotThatDay,
    /// Every schedule's season or term is over (or not begun) on that day.
    OutOfSeason,
    /// Temporarily closed on that day.
    Closed,
}

/// Judge a service on `date`: status, temporary closure (until a date) and
/// schedules.
pub fn running_on(
    status: ServiceStatus,
    closed_until: Option<NaiveDate>,
    schedules: &[Schedule],
    date: NaiveDate,
) -> Running {
    match status {
        ServiceStatus::Active => {}
        ServiceStatus::TemporarilyClosed => {
            if closed_until.is_none_or(|u| date <= u) {
                return Running::Closed;
            }
        }
        ServiceStatus::Inactive | ServiceStatus::Defunct => return Running::Closed,
    }
    if schedules.is_empty() {
        return Running::Yes;
    }
    if !schedules.iter().any(|s| s.in_season(date)) {
        return Running::OutOfSeason;
    }
    if schedules.iter().any(|s| s.runs_on(date)) {
        Running::Yes
    } else {
        Running::NotThatDay
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// A postcode district (`G51`) typed on its own: letters then digits, an
/// optional letter.
pub fn postcode_district(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = &b[letters..];
    let ok = (1..=2).contains(&letters)
        && !rest.is_empty()
        && rest[0].is_ascii_digit()
        && rest.len() <= 2
        && rest.iter().all(|c| c.is_ascii_alphanumeric());
    ok.then_some(s)
}

/// Words so common in descriptions that they find nothing.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "to", "with", "we", "our", "you", "your", "who", "can", "all", "this", "that",
    "will", "also", "near", "me",
];

/// Split text into lower-case words (letters and digits), without stop
/// words. HTML is expected to be gone already.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// The stem a word is indexed and searched under (Snowball English):
/// "bereavement" and "bereaved" → "bereav", "batteries" → "batteri".
pub fn stem(word: &str) -> String {
    use std::sync::OnceLock;
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    STEMMER
        .get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
        .stem(word)
        .into_owned()
}

/// Is `a` within `max` edits (insert, delete, change, swap two neighbours)
/// of `b`? Cheap to refuse: lengths further apart than `max` never compute.
pub fn within_edits(a: &[u8], b: &[u8], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    if a == b {
        return true;
    }
    let m = b.len();
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m] <= max
}

/// Typos forgiven in a word of this length.
pub fn typos_allowed(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The review due date of an entry last checked on `assured_on`.
pub fn review_due(assured_on: Option<NaiveDate>, months: u32) -> Option<NaiveDate> {
    assured_on.and_then(|d| d.checked_add_months(chrono::Months::new(months)))
}

/// Text from a feed with its HTML taken out: tags dropped, paragraphs and
/// list items kept as line breaks, the common entities decoded, whitespace
/// tidied. What is left is plain text, safe to show escaped.
pub fn strip_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(end) = after.find('>') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let tag = after[1..end].trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if matches!(
            name.as_str(),
            "p" | "br" | "li" | "div" | "h1" | "h2" | "h3" | "h4" | "tr" | "ul" | "ol"
        ) {
            out.push('\n');
        }
        if name == "script" || name == "style" {
            // Drop the element's content too.
            let close = format!("</{name}");
            let lower = after.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(c) => after[c..].find('>').map_or("", |e| &after[c + e + 1..]),
                None => "",
            };
            continue;
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&rsquo;", "’")
        .replace("&lsquo;", "‘")
        .replace("&pound;", "£");
    let lines: Vec<String> = decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn weekly(byday: &str) -> Schedule {
        Schedule {
            freq: Freq::Weekly,
            interval: 1,
            byday: parse_byday(byday).unwrap_or_default(),
            opens_at: NaiveTime::from_hms_opt(10, 0, 0),
            closes_at: NaiveTime::from_hms_opt(12, 0, 0),
            dtstart: None,
            valid_from: None,
            valid_to: None,
            note: None,
        }
    }

    #[test]
    fn weekly_fortnightly_and_monthly_schedules_run_on_the_right_days() {
        // 7 Dec 2026 is a Monday.
        let mon = weekly("MO");
        assert!(mon.runs_on(d("2026-12-07")));
        assert!(!mon.runs_on(d("2026-12-08")));
        let fortnight = Schedule {
            interval: 2,
            dtstart: Some(d("2026-12-02")),
            ..weekly("TU")
        };
        assert!(fortnight.runs_on(d("2026-12-01")), "same week as the start");
        assert!(!fortnight.runs_on(d("2026-12-08")));
        assert!(fortnight.runs_on(d("2026-12-15")));
        let first_tue = Schedule {
            freq: Freq::Monthly,
            ..weekly("1TU")
        };
        assert!(first_tue.runs_on(d("2026-12-01")));
        assert!(!first_tue.runs_on(d("2026-12-08")));
        let last_fri = Schedule {
            freq: Freq::Monthly,
            ..weekly("-1FR")
        };
        assert!(last_fri.runs_on(d("2026-12-25")));
        assert!(!last_fri.runs_on(d("2026-12-18")));
        assert!(mon.open_at(
            d("2026-12-07"),
            NaiveTime::from_hms_opt(11, 59, 0).unwrap_or_default()
        ));
        assert!(!mon.open_at(
            d("2026-12-07"),
            NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()
        ));
        assert_eq!(mon.describe(), "Every Monday, 10:00 to 12:00");
        assert_eq!(fortnight.describe(), "Every other Tuesday, 10:00 to 12:00");
        assert_eq!(
            first_tue.describe(),
            "The first Tuesday of the month, 10:00 to 12:00"
        );
    }

    #[test]
    fn seasons_and_closures_decide_whether_a_service_runs() {
        let summer = Schedule {
            valid_from: Some(d("2026-05-01")),
            valid_to: Some(d("2026-09-30")),
            ..weekly("MO")
        };
        let s = [summer];
        assert_eq!(
            running_on(ServiceStatus::Active, None, &s, d("2026-12-07")),
            Running::OutOfSeason
        );
        assert_eq!(
            running_on(ServiceStatus::Active, None, &s, d("2026-06-01")),
            Running::Yes
        );
        assert_eq!(
            running_on(ServiceStatus::Active, None, &s, d("2026-06-02")),
            Running::NotThatDay
        );
        let closed = ServiceStatus::TemporarilyClosed;
        assert_eq!(
            running_on(closed, Some(d("2026-06-10")), &s, d("2026-06-08")),
            Running::Closed
        );
        assert_eq!(
            running_on(closed, Some(d("2026-06-10")), &s, d("2026-06-15")),
            Running::Yes
        );
        assert_eq!(
            running_on(closed, None, &[], d("2030-01-01")),
            Running::Closed
        );
        assert_eq!(
            running_on(ServiceStatus::Active, None, &[], d("2026-12-07")),
            Running::Yes
        );
    }

    #[test]
    fn words_are_stemmed_and_typos_forgiven() {
        assert_eq!(stem("bereavement"), stem("bereaved"));
        assert_eq!(stem("batteries"), stem("batterys"));
        assert_eq!(stem("walking"), "walk");
        assert!(within_edits(b"bereavment", b"bereavement", 1));
        assert!(
            within_edits(b"recieve", b"receive", 1),
            "a swap is one edit"
        );
        assert!(!within_edits(b"food", b"wood", 0));
        assert_eq!(words("The Food Bank & café"), ["food", "bank", "café"]);
    }

    #[test]
    fn any_text_as_days_is_an_error_not_a_panic() {
        for bad in ["\u{80}0", "é", "1é", "ΜΟ", "", "X", "9MO", "MOO"] {
            assert!(parse_byday(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_byday("mo, 2tu").map(|v| byday_code(&v)).as_deref(),
            Ok("MO,2TU")
        );
    }

    #[test]
    fn districts_and_distances() {
        assert_eq!(postcode_district("g51").as_deref(), Some("G51"));
        assert_eq!(postcode_district("EH1").as_deref(), Some("EH1"));
        assert_eq!(postcode_district("G51 4TR"), None);
        let glasgow = (55.8609, -4.2514);
        let edinburgh = (55.9533, -3.1883);
        let km = distance_km(glasgow, edinburgh);
        assert!((66.0..68.0).contains(&km), "{km}");
    }

    #[test]
    fn html_from_feeds_becomes_plain_text() {
        let s = strip_html(
            "<p style=\"x\">Tea &amp; chat&nbsp;<b>weekly</b></p><ul><li>One</li></ul><script>alert(1)</script>",
        );
        assert_eq!(s, "Tea & chat weekly\nOne");
        assert_eq!(strip_html("<p><br></p>"), "");
    }
}
