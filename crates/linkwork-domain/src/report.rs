//! The rules of reporting: periods (month, quarter, financial year April to
//! March, calendar year, custom) and the one before each; scopes; small-number
//! suppression with secondary suppression; percentiles.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// A period of whole days, first and last day included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    /// A calendar quarter (`2024Q1`: January to March 2024).
    Quarter,
    /// A quarter of a financial year (`2024-25Q1`: April to June 2024).
    FinancialQuarter,
    /// April to March (`2024-25`).
    FinancialYear,
    CalendarYear,
    Custom,
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The last day of the month `months` after the first of (`y`, `m`).
fn month_end(y: i32, m: u32, months: u32) -> Option<NaiveDate> {
    let start = date(y, m, 1)?;
    start
        .checked_add_months(chrono::Months::new(months + 1))?
        .pred_opt()
}

const HELP: &str = "Enter a period like 2024-03 (a month), 2024Q1 (January to March), \
2024-25 (a financial year, April to March; FY2011-12 where it looks like a month), 2024-25Q1 (April to June 2024), 2024 (a calendar year), \
or two dates like 2024-01-01..2024-02-15";

impl Period {
    pub fn month(y: i32, m: u32) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::Month,
            first: date(y, m, 1)?,
            last: month_end(y, m, 0)?,
        })
    }

    /// The calendar quarter `q` (1 to 4) of year `y`.
    pub fn quarter(y: i32, q: u32) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let m = (q - 1) * 3 + 1;
        Some(Period {
            kind: PeriodKind::Quarter,
            first: date(y, m, 1)?,
            last: month_end(y, m, 2)?,
        })
    }

    /// Quarter `q` of the financial year starting in April of `y`.
    pub fn financial_quarter(y: i32, q: u32) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let (yy, m) = if q == 4 {
            (y + 1, 1)
        } else {
            (y, 4 + (q - 1) * 3)
        };
        Some(Period {
            kind: PeriodKind::FinancialQuarter,
            first: date(yy, m, 1)?,
            last: month_end(yy, m, 2)?,
        })
    }

    /// The financial year from 1 April of `y` to 31 March of `y + 1`.
    pub fn financial_year(y: i32) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::FinancialYear,
            first: date(y, 4, 1)?,
            last: date(y + 1, 3, 31)?,
        })
    }

    pub fn calendar_year(y: i32) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::CalendarYear,
            first: date(y, 1, 1)?,
            last: date(y, 12, 31)?,
        })
    }

    /// Any run of days (at most ten years).
    pub fn custom(first: NaiveDate, last: NaiveDate) -> Result<Period, String> {
        if last < first {
            return Err("The last day must not be before the first".into());
        }
        if (last - first).num_days() > 3660 {
            return Err("Choose a period of ten years or less".into());
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            first,
            last,
        })
    }

    /// The period containing `d`, of a kind (a custom kind gives the
    /// calendar month).
    pub fn containing(kind: PeriodKind, d: NaiveDate) -> Period {
        let (y, m) = (d.year(), d.month());
        let fy = if m >= 4 { y } else { y - 1 };
        let p = match kind {
            PeriodKind::Month | PeriodKind::Custom => Period::month(y, m),
            PeriodKind::Quarter => Period::quarter(y, (m - 1) / 3 + 1),
            PeriodKind::FinancialQuarter => Period::financial_quarter(fy, ((m + 8) % 12) / 3 + 1),
            PeriodKind::FinancialYear => Period::financial_year(fy),
            PeriodKind::CalendarYear => Period::calendar_year(y),
        };
        p.unwrap_or(Period {
            kind,
            first: d,
            last: d,
        })
    }

    /// Read a period as typed: `2024-03`, `2024Q1`, `2024-25`, `2024-25Q1`,
    /// `2024`, `2024-01-01..2024-02-15`.
    pub fn parse(raw: &str) -> Result<Period, String> {
        let t = raw.trim().to_ascii_uppercase().replace(' ', "");
        let num = |s: &str| -> Option<i32> {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = |s: &str| num(s).filter(|y| (1900..=2200).contains(y) && s.len() == 4);
        let found = if let Some((a, b)) = t.split_once("..") {
            let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            match (d(a), d(b)) {
                (Some(a), Some(b)) => return Period::custom(a, b),
                _ => None,
            }
        } else if let Some((fy, q)) = t.split_once('Q') {
            let q = num(q).map(|q| q as u32);
            match fy.split_once('-') {
                Some((y, next)) => year(y).and_then(|y| {
                    (num(next) == Some((y + 1) % 100) && next.len() == 2)
                        .then(|| Period::financial_quarter(y, q?))
                        .flatten()
                }),
                None => year(fy).and_then(|y| Period::quarter(y, q?)),
            }
        } else if let Some((y, rest)) = t.split_once('-') {
            // `2024-03` is a month and `2024-25` a financial year; `FY`
            // makes a financial year of the few that look like months
            // (`FY2011-12`).
            let (fy_only, y) = match y.strip_prefix("FY") {
                Some(y) => (true, y),
                None => (false, y),
            };
            match (year(y), num(rest).filter(|_| rest.len() == 2)) {
                (Some(y), Some(m)) if (1..=12).contains(&m) && !fy_only => {
                    Period::month(y, m as u32)
                }
                (Some(y), Some(n)) if n == (y + 1) % 100 => Period::financial_year(y),
                _ => None,
            }
        } else {
            year(&t).and_then(Period::calendar_year)
        };
        found.ok_or_else(|| HELP.to_owned())
    }

    /// The period just before, of the same kind and length (as many months
    /// for months, quarters and years, whatever their days). A custom run
    /// of whole calendar months (first of a month to the last of one) is
    /// compared with as many whole months just before it (April 2023 to
    /// March 2026 with April 2020 to March 2023); any other run of days
    /// with as many days just before it.
    pub fn previous(&self) -> Period {
        let before = self.first.pred_opt().unwrap_or(self.first);
        match self.kind {
            PeriodKind::Custom => {
                let len = (self.last - self.first).num_days();
                let first = match self.whole_months() {
                    Some(months) => self.first.checked_sub_months(chrono::Months::new(months)),
                    None => None,
                };
                Period {
                    kind: PeriodKind::Custom,
                    first: first.unwrap_or(before - Duration::days(len)),
                    last: before,
                }
            }
            kind => Period::containing(kind, before),
        }
    }

    /// How many calendar months the period is, when it is whole months.
    fn whole_months(&self) -> Option<u32> {
        let after = self.last.succ_opt()?;
        (self.first.day() == 1 && after.day() == 1 && self.first < after).then(|| {
            let n = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
            (n(after) - n(self.first)) as u32
        })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// How many quarters long (for "mean quarterly referrals per practice").
    pub fn quarters(&self) -> f64 {
        match self.kind {
            PeriodKind::Quarter | PeriodKind::FinancialQuarter => 1.0,
            PeriodKind::FinancialYear | PeriodKind::CalendarYear => 4.0,
            PeriodKind::Month => 1.0 / 3.0,
            PeriodKind::Custom => self.days() as f64 * 4.0 / 365.25,
        }
    }

    /// The code typed to get this period back (`2024Q1`, `2024-25`, …).
    pub fn code(&self) -> String {
        let (y, m) = (self.first.year(), self.first.month());
        match self.kind {
            PeriodKind::Month => format!("{y}-{m:02}"),
            PeriodKind::Quarter => format!("{y}Q{}", (m - 1) / 3 + 1),
            PeriodKind::FinancialQuarter => {
                let fy = if m >= 4 { y } else { y - 1 };
                format!("{fy}-{:02}Q{}", (fy + 1) % 100, ((m + 8) % 12) / 3 + 1)
            }
            PeriodKind::FinancialYear if (1..=12).contains(&((y + 1) % 100)) => {
                format!("FY{y}-{:02}", (y + 1) % 100)
            }
            PeriodKind::FinancialYear => format!("{y}-{:02}", (y + 1) % 100),
            PeriodKind::CalendarYear => format!("{y}"),
            PeriodKind::Custom => format!("{}..{}", self.first, self.last),
        }
    }

    /// In words: "March 2024", "January to March 2024", "2024 to 2025
    /// (April to March)".
    pub fn label(&self) -> String {
        let y = self.first.year();
        match self.kind {
            PeriodKind::Month => self.first.format("%B %Y").to_string(),
            PeriodKind::Quarter | PeriodKind::FinancialQuarter => format!(
                "{} to {}",
                self.first.format("%B"),
                self.last.format("%B %Y")
            ),
            PeriodKind::FinancialYear => format!("April {y} to March {}", y + 1),
            PeriodKind::CalendarYear => format!("{y}"),
            PeriodKind::Custom => format!(
                "{} to {}",
                self.first.format("%-d %B %Y"),
                self.last.format("%-d %B %Y")
            ),
        }
    }
}

/// Where a report looks: the programme, or part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ScopeName {
    Programme,
    Area(String),
    Cluster(String),
    /// A practice by its code.
    Practice(String),
    /// A link worker by email.
    Worker(String),
}

impl ScopeName {
    /// `programme`, `area:NAME`, `cluster:NAME`, `practice:CODE`, `worker:EMAIL`.
    pub fn parse(raw: &str) -> Result<ScopeName, String> {
        let t = raw.trim();
        if t.eq_ignore_ascii_case("programme") || t.is_empty() {
            return Ok(ScopeName::Programme);
        }
        let help =
            "Enter a scope like programme, area:NAME, cluster:NAME, practice:CODE or worker:EMAIL";
        let (kind, name) = t.split_once(':').ok_or(help)?;
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(help.into());
        }
        Ok(match kind.trim().to_ascii_lowercase().as_str() {
            "area" => ScopeName::Area(name),
            "cluster" => ScopeName::Cluster(name),
            "practice" => ScopeName::Practice(name),
            "worker" => ScopeName::Worker(name),
            _ => return Err(help.into()),
        })
    }
}

/// A count as shown outside the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Shown {
    Count(i64),
    /// Below the threshold (primary suppression).
    Small,
    /// Hidden so that a small count cannot be worked back from a total.
    Hidden,
}

impl Shown {
    pub fn text(self, threshold: i64) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Small => format!("<{threshold}"),
            Shown::Hidden => "*".into(),
        }
    }
}

/// Suppress a table of counts whose rows and columns are published with
/// their totals: counts from 1 to `threshold - 1` become `Small`; then,
/// in any row or column with exactly one hidden cell, the smallest other
/// non-zero cell is hidden too (secondary suppression), repeated until no
/// row or column gives a hidden cell away. Totals themselves are shown.
pub fn suppress(table: &[Vec<i64>], threshold: i64) -> Vec<Vec<Shown>> {
    let mut out: Vec<Vec<Shown>> = table
        .iter()
        .map(|row| {
            row.iter()
                .map(|&n| {
                    if n > 0 && n < threshold {
                        Shown::Small
                    } else {
                        Shown::Count(n)
                    }
                })
                .collect()
        })
        .collect();
    let rows = out.len();
    let cols = out.iter().map(Vec::len).max().unwrap_or(0);
    loop {
        let mut changed = false;
        let lines = (0..rows)
            .map(|r| (0..out[r].len()).map(move |c| (r, c)).collect::<Vec<_>>())
            .chain((0..cols).map(|c| {
                (0..rows)
                    .filter(|&r| c < out[r].len())
                    .map(|r| (r, c))
                    .collect()
            }));
        for line in lines.collect::<Vec<_>>() {
            if line.len() < 2 {
                continue;
            }
            let hidden = line
                .iter()
                .filter(|&&(r, c)| !matches!(out[r][c], Shown::Count(_)))
                .count();
            if hidden != 1 {
                continue;
            }
            // The smallest other cell, preferring one that is not zero.
            let pick = line
                .iter()
                .filter_map(|&(r, c)| match out[r][c] {
                    Shown::Count(n) => Some(((n == 0) as u8, n, r, c)),
                    _ => None,
                })
                .min();
            if let Some((_, _, r, c)) = pick {
                out[r][c] = Shown::Hidden;
                changed = true;
            }
        }
        if !changed {
            return out;
        }
    }
}

/// Whole numbers with how many times each was seen (the figures' day
/// counts come from the database this way, not one by one).
pub type Counts = std::collections::BTreeMap<i64, i64>;

/// The value at 1-based `rank` in the sorted values the counts stand for.
fn at_rank(counts: &Counts, rank: i64) -> Option<i64> {
    let mut seen = 0;
    for (value, n) in counts {
        seen += n.max(&0);
        if seen >= rank {
            return Some(*value);
        }
    }
    None
}

fn total(counts: &Counts) -> i64 {
    counts.values().map(|n| (*n).max(0)).sum()
}

/// The `p`th percentile (0 to 100) by the nearest-rank method: the
/// smallest value with at least `p` percent of the values at or below it.
pub fn percentile_of(counts: &Counts, p: u32) -> Option<i64> {
    let n = total(counts);
    if n == 0 {
        return None;
    }
    let rank = ((p.min(100) as f64 / 100.0) * n as f64).ceil() as i64;
    at_rank(counts, rank.clamp(1, n))
}

/// The median of whole days: the mean of the middle two when even.
/// The days a chart over time covers for a period: the twelve months to
/// the end of the period (the last cut at the period's last day), or the
/// whole period when it is longer than that (its first and last months cut
/// where it starts and ends).
pub fn trend_span(p: Period) -> (NaiveDate, NaiveDate) {
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let year_before = month_start(p.last)
        .checked_sub_months(chrono::Months::new(11))
        .unwrap_or(p.first);
    (p.first.min(year_before), p.last)
}

pub fn median_of(counts: &Counts) -> Option<f64> {
    let n = total(counts);
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 {
        at_rank(counts, n / 2 + 1)? as f64
    } else {
        (at_rank(counts, n / 2)? + at_rank(counts, n / 2 + 1)?) as f64 / 2.0
    })
}

/// How a wellbeing change is valued (HM Treasury Green Book supplementary
/// guidance on wellbeing, 2021): one WELLBY is one point of life
/// satisfaction (0 to 10) for one person for one year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValueSettings {
    /// Pounds a WELLBY, in `price_year` prices (Green Book: £13,000 in
    /// 2019 prices).
    pub wellby_value: f64,
    pub price_year: i32,
    /// The range the Green Book gives around the central value.
    pub low_value: f64,
    pub high_value: f64,
    /// Multiplier from `price_year` prices to the prices the report is in
    /// (1 keeps the price year's; the GDP deflator's ratio brings it up).
    pub uplift: f64,
    /// Share of the change that would have happened anyway (0 to 1).
    pub deadweight: f64,
    /// Years a change is taken to last.
    pub duration_years: f64,
}

impl Default for ValueSettings {
    fn default() -> Self {
        Self {
            wellby_value: 13_000.0,
            price_year: 2019,
            low_value: 10_000.0,
            high_value: 16_000.0,
            uplift: 1.0,
            deadweight: 0.0,
            duration_years: 1.0,
        }
    }
}

/// Pounds as typed (`£13,000`, `250000.50`) → pence, up to `max` pounds.
pub fn parse_pounds(raw: &str, max: i64) -> Result<i64, String> {
    let t: String = raw
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let bad = || format!("Enter an amount in pounds, like 13000 or 2500.50, up to £{max}");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || whole.len() > 12
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let pence = whole.parse::<i64>().map_err(|_| bad())? * 100
        + format!("{frac:0<2}").parse::<i64>().map_err(|_| bad())?;
    if pence > max * 100 {
        return Err(bad());
    }
    Ok(pence)
}

/// A number as typed, between `min` and `max`.
pub fn parse_number(raw: &str, min: f64, max: f64, what: &str) -> Result<f64, String> {
    raw.trim()
        .trim_end_matches('%')
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= min && *x <= max)
        .ok_or_else(|| format!("Enter {what} from {min} to {max}"))
}

/// The social value of a set of life satisfaction changes, against a cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValueEstimate {
    /// People with a baseline and a later life satisfaction score.
    pub people: usize,
    /// WELLBYs: the sum of the changes × duration × (1 − deadweight).
    pub wellbys: f64,
    /// Pounds: central, low and high.
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Pounds spent in the period, when entered.
    pub cost: Option<f64>,
    /// Pounds of value for each pound spent (central, low, high).
    pub per_pound: Option<f64>,
    pub per_pound_low: Option<f64>,
    pub per_pound_high: Option<f64>,
}

/// Value life satisfaction changes (each person's latest score less their
/// baseline, 0 to 10 scale) as WELLBYs, the Green Book way. Falls count
/// against rises: the estimate is net.
pub fn value_estimate(changes: &[f64], s: &ValueSettings, cost: Option<f64>) -> ValueEstimate {
    // `+ 0.0`: an empty sum is −0, which would print as "-0.0".
    let wellbys =
        changes.iter().sum::<f64>() * s.duration_years * (1.0 - s.deadweight.clamp(0.0, 1.0)) + 0.0;
    let at = |v: f64| wellbys * v * s.uplift;
    let per = |v: f64| cost.filter(|c| *c > 0.0).map(|c| at(v) / c);
    ValueEstimate {
        people: changes.len(),
        wellbys,
        value: at(s.wellby_value),
        low: at(s.low_value),
        high: at(s.high_value),
        cost,
        per_pound: per(s.wellby_value),
        per_pound_low: per(s.low_value),
        per_pound_high: per(s.high_value),
    }
}

/// The part of a cost spread evenly over `first..=last` that falls in the
/// period (by days).
pub fn cost_in(first: NaiveDate, last: NaiveDate, amount: f64, p: Period) -> f64 {
    let days = (last - first).num_days() + 1;
    let from = first.max(p.first);
    let to = last.min(p.last);
    if days <= 0 || to < from {
        return 0.0;
    }
    amount * ((to - from).num_days() + 1) as f64 / days as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default()
    }

    #[test]
    fn a_chart_over_time_covers_a_year_or_the_whole_period() {
        let p = |raw: &str| Period::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        // A month: the year to its end.
        assert_eq!(trend_span(p("2025-03")), (d(2024, 4, 1), d(2025, 3, 31)));
        // A financial year: its own twelve months.
        assert_eq!(trend_span(p("2024-25")), (d(2024, 4, 1), d(2025, 3, 31)));
        // A quarter: the year to its end.
        assert_eq!(trend_span(p("2024Q1")), (d(2023, 4, 1), d(2024, 3, 31)));
        // A run of days longer than a year: all its months, the first and
        // last cut where the period starts and ends.
        let long = Period {
            kind: PeriodKind::Custom,
            first: d(2022, 5, 17),
            last: d(2024, 2, 10),
        };
        assert_eq!(trend_span(long), (d(2022, 5, 17), d(2024, 2, 10)));
    }

    #[test]
    fn periods_parse_and_have_a_previous() {
        let q = Period::parse("2024Q1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((q.first, q.last), (d(2024, 1, 1), d(2024, 3, 31)));
        assert_eq!(q.previous().code(), "2023Q4");
        let fy = Period::parse("2024-25").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((fy.first, fy.last), (d(2024, 4, 1), d(2025, 3, 31)));
        assert_eq!(fy.previous().code(), "2023-24");
        assert_eq!(fy.label(), "April 2024 to March 2025");
        let fq = Period::parse("2024-25Q4").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((fq.first, fq.last), (d(2025, 1, 1), d(2025, 3, 31)));
        assert_eq!(fq.previous().code(), "2024-25Q3");
        assert_eq!(fq.code(), "2024-25Q4");
        let m = Period::parse("2024-03").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.first, m.last), (d(2024, 3, 1), d(2024, 3, 31)));
        assert_eq!(Period::parse("2024-02").map(|p| p.last), Ok(d(2024, 2, 29)));
        assert_eq!(m.previous().code(), "2024-02");
        assert_eq!(
            Period::parse("2024-01").map(|p| p.previous().code()),
            Ok("2023-12".into())
        );
        let y = Period::parse("2024").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(y.days(), 366);
        // A run of days beside as many days before; whole months beside as
        // many whole months before.
        for (run, before) in [
            ("2024-01-10..2024-01-19", (d(2023, 12, 31), d(2024, 1, 9))),
            ("2023-04-01..2026-03-31", (d(2020, 4, 1), d(2023, 3, 31))),
            ("2024-02-01..2024-02-29", (d(2024, 1, 1), d(2024, 1, 31))),
            ("2024-01-01..2024-02-28", (d(2023, 11, 3), d(2023, 12, 31))),
        ] {
            let c = Period::parse(run).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((c.previous().first, c.previous().last), before, "{run}");
        }
        assert_eq!(
            Period::parse("1999-00").map(|p| p.code()),
            Ok("1999-00".into())
        );
        assert_eq!(
            Period::parse("2011-12").map(|p| p.kind),
            Ok(PeriodKind::Month)
        );
        assert_eq!(
            Period::parse("FY2011-12").map(|p| p.code()),
            Ok("FY2011-12".into())
        );
        for bad in [
            "",
            "2024Q5",
            "2024-13",
            "2024-26",
            "24Q1",
            "Q1",
            "2024-01-10..2023-01-01",
            "abc",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_parse() {
        assert_eq!(ScopeName::parse("programme"), Ok(ScopeName::Programme));
        assert_eq!(
            ScopeName::parse("area:Glasgow North"),
            Ok(ScopeName::Area("Glasgow North".into()))
        );
        assert_eq!(
            ScopeName::parse("practice:43210"),
            Ok(ScopeName::Practice("43210".into()))
        );
        assert!(ScopeName::parse("town:Govan").is_err());
        assert!(ScopeName::parse("area:").is_err());
    }

    #[test]
    fn small_counts_are_suppressed_and_cannot_be_worked_back() {
        // One row with a total: a lone small cell takes the next smallest with it.
        let t = suppress(&[vec![3, 10, 0, 25]], 5);
        assert_eq!(
            t[0],
            vec![
                Shown::Small,
                Shown::Hidden,
                Shown::Count(0),
                Shown::Count(25)
            ]
        );
        // Two small cells already protect each other.
        let t = suppress(&[vec![3, 2, 40]], 5);
        assert_eq!(t[0], vec![Shown::Small, Shown::Small, Shown::Count(40)]);
        // In a grid, hiding spreads until no row or column has one hidden cell.
        let t = suppress(&[vec![2, 10, 20], vec![30, 40, 50]], 5);
        for line in [
            t[0].clone(),
            t[1].clone(),
            t.iter().map(|r| r[0]).collect(),
            t.iter().map(|r| r[1]).collect(),
            t.iter().map(|r| r[2]).collect(),
        ] {
            let hidden = line
                .iter()
                .filter(|s| !matches!(s, Shown::Count(_)))
                .count();
            assert_ne!(hidden, 1, "{t:?}");
        }
        assert_eq!(t[0][0], Shown::Small);
        assert_eq!(Shown::Small.text(5), "<5");
        // Nothing small: nothing hidden.
        assert_eq!(
            suppress(&[vec![5, 0, 9]], 5)[0],
            vec![Shown::Count(5), Shown::Count(0), Shown::Count(9)]
        );
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let counts = |v: &[i64]| {
            let mut c = Counts::new();
            for x in v {
                *c.entry(*x).or_insert(0) += 1;
            }
            c
        };
        let v = counts(&[15, 20, 35, 40, 50]);
        assert_eq!(percentile_of(&v, 90), Some(50));
        assert_eq!(percentile_of(&v, 40), Some(20));
        assert_eq!(percentile_of(&v, 0), Some(15));
        assert_eq!(median_of(&v), Some(35.0));
        assert_eq!(median_of(&counts(&[1, 2, 3, 4])), Some(2.5));
        // Repeated values: 3 ones, 1 four: sorted 1 1 1 4.
        assert_eq!(median_of(&counts(&[4, 1, 1, 1])), Some(1.0));
        assert_eq!(median_of(&counts(&[4, 4, 1, 1])), Some(2.5));
        assert_eq!(percentile_of(&counts(&[4, 1, 1, 1]), 90), Some(4));
        assert_eq!(percentile_of(&Counts::new(), 50), None);
        assert_eq!(median_of(&Counts::new()), None);
    }

    #[test]
    fn a_wellby_is_a_point_of_life_satisfaction_for_a_year() {
        let s = ValueSettings::default();
        // Three people: +2, +3 and −1 → 4 WELLBYs → £52,000 (£40k–£64k).
        let e = value_estimate(&[2.0, 3.0, -1.0], &s, Some(26_000.0));
        assert_eq!(e.people, 3);
        assert!((e.wellbys - 4.0).abs() < 1e-9);
        assert!((e.value - 52_000.0).abs() < 1e-6);
        assert!((e.low - 40_000.0).abs() < 1e-6 && (e.high - 64_000.0).abs() < 1e-6);
        assert_eq!(e.per_pound, Some(2.0));
        // A quarter would have happened anyway, lasting half a year, in
        // prices 10% higher: 4 × 0.5 × 0.75 = 1.5 WELLBYs × £14,300.
        let s2 = ValueSettings {
            deadweight: 0.25,
            duration_years: 0.5,
            uplift: 1.1,
            ..s
        };
        let e = value_estimate(&[2.0, 3.0, -1.0], &s2, None);
        assert!((e.wellbys - 1.5).abs() < 1e-9);
        assert!((e.value - 21_450.0).abs() < 1e-6);
        assert_eq!(e.per_pound, None);
        // No cost entered, or nothing spent: no ratio.
        assert_eq!(value_estimate(&[], &s, Some(0.0)).per_pound, None);
    }

    #[test]
    fn costs_are_spread_over_their_days() {
        let q = Period::parse("2024Q2").unwrap_or_else(|e| panic!("{e}"));
        // A year's cost (2024-25, 365 days) has 91 of its days in April–June.
        let c = cost_in(d(2024, 4, 1), d(2025, 3, 31), 365_000.0, q);
        assert!((c - 91_000.0).abs() < 1e-6, "{c}");
        assert_eq!(cost_in(d(2023, 1, 1), d(2023, 12, 31), 1.0, q), 0.0);
        assert_eq!(parse_pounds("£13,000", 1_000_000), Ok(1_300_000));
        assert_eq!(parse_pounds("2500.5", 1_000_000), Ok(250_050));
        assert!(parse_pounds("-5", 1_000_000).is_err());
        assert!(parse_pounds("2,000,000", 1_000_000).is_err());
        assert_eq!(parse_number("25%", 0.0, 100.0, "a share"), Ok(25.0));
        assert!(parse_number("NaN", 0.0, 100.0, "a share").is_err());
    }
}
