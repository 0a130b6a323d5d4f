//! The social value estimate's settings and the programme's costs: read by
//! anyone who sees figures, changed by administrators, every change audited.

use crate::gate::Use;
use crate::{App, Ctx, Result};
use chrono::{DateTime, Utc};
use linkwork_domain::Permission;
use linkwork_domain::dates::{self, Span};
use linkwork_domain::report::{ValueSettings, parse_number, parse_pounds};
use linkwork_domain::text;
use linkwork_store::value::{self as store, Cost};
use serde::{Deserialize, Serialize};

/// The settings and costs, for the explanation page and the API.
#[derive(Debug, Clone, Serialize)]
pub struct SocialValue {
    pub settings: ValueSettings,
    /// When and by whom the settings were last changed (never: defaults).
    pub changed: Option<(DateTime<Utc>, String)>,
    pub costs: Vec<Cost>,
}

/// The settings as typed (a form or JSON): pounds, a year, shares in per
/// cent, years.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ValueInput {
    /// Pounds a WELLBY in the price year (Green Book: 13000).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub wellby_value: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub price_year: String,
    /// The low and high ends of the range (Green Book: 10000 and 16000).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub low_value: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub high_value: String,
    /// Multiplier to today's prices (1: the price year's prices).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub uplift: String,
    /// Per cent of the change that would have happened anyway (0 to 100).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub deadweight_percent: String,
    /// Years a change lasts (0.1 to 10).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub duration_years: String,
}

impl ValueInput {
    /// The current settings as a form would show them.
    pub fn from(s: &ValueSettings) -> Self {
        let n = |x: f64| {
            if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                format!("{x}")
            }
        };
        Self {
            wellby_value: n(s.wellby_value),
            price_year: s.price_year.to_string(),
            low_value: n(s.low_value),
            high_value: n(s.high_value),
            uplift: n(s.uplift),
            deadweight_percent: n(s.deadweight * 100.0),
            duration_years: n(s.duration_years),
        }
    }

    fn read(&self) -> Result<ValueSettings> {
        let mut e = linkwork_domain::FieldErrors::new();
        let money = |raw: &str| parse_pounds(raw, 1_000_000).map(|p| p as f64 / 100.0);
        let wellby_value = e.check("wellby_value", money(&self.wellby_value));
        let price_year = e.check(
            "price_year",
            self.price_year
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or("Enter the price year as a year, like 2019"),
        );
        let low_value = e.check("low_value", money(&self.low_value));
        let high_value = e.check("high_value", money(&self.high_value));
        let uplift = e.check(
            "uplift",
            parse_number(&self.uplift, 0.1, 10.0, "the price uplift"),
        );
        let deadweight = e.check(
            "deadweight_percent",
            parse_number(
                &self.deadweight_percent,
                0.0,
                100.0,
                "the deadweight in per cent",
            ),
        );
        let duration_years = e.check(
            "duration_years",
            parse_number(&self.duration_years, 0.1, 10.0, "the years a change lasts"),
        );
        if let (Some(l), Some(c), Some(h)) = (low_value, wellby_value, high_value)
            && !(l <= c && c <= h)
        {
            e.add(
                "low_value",
                "The low value must not be above the central value, nor the central above the high",
            );
        }
        e.into_result()?;
        Ok(ValueSettings {
            wellby_value: wellby_value.unwrap_or_default(),
            price_year: price_year.unwrap_or_default(),
            low_value: low_value.unwrap_or_default(),
            high_value: high_value.unwrap_or_default(),
            uplift: uplift.unwrap_or(1.0),
            deadweight: deadweight.unwrap_or_default() / 100.0,
            duration_years: duration_years.unwrap_or(1.0),
        })
    }
}

/// A cost of the programme as typed: what was spent over which days.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CostInput {
    /// The first and last day the money paid for (d/m/yyyy or yyyy-mm-dd).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub first_day: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub last_day: String,
    /// Pounds, like 250000 or 12500.50.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub amount: String,
    /// What it is (staff, management, room hire…).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub note: String,
}

impl App {
    pub async fn social_value(&self, ctx: &Ctx) -> Result<SocialValue> {
        self.read(
            Use::read(ctx, Permission::ViewReports, "report"),
            async |tx, g| {
                let (settings, changed) = store::settings(tx, g).await?;
                Ok(SocialValue {
                    settings,
                    changed,
                    costs: store::costs(tx, g).await?,
                })
            },
        )
        .await
    }

    pub async fn save_value_settings(&self, ctx: &Ctx, input: &ValueInput) -> Result<()> {
        let now = self.now();
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "value_settings.update",
            "programme",
            ctx.actor.programme_id,
        );
        // Checked once the permission is: a manager is refused, not corrected.
        self.run(u, async |tx, g, ev| {
            let s = input.read()?;
            store::save_settings(tx, g, &s, now).await?;
            ev.detail = format!(
                "£{} a WELLBY in {} prices (£{}–£{}), uplift {}, deadweight {}%, {} years",
                s.wellby_value,
                s.price_year,
                s.low_value,
                s.high_value,
                s.uplift,
                s.deadweight * 100.0,
                s.duration_years
            );
            Ok(())
        })
        .await
    }

    pub async fn add_cost(&self, ctx: &Ctx, input: &CostInput) -> Result<i64> {
        let now = self.now();
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "cost.add",
            "cost",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            let (first, last, amount, note) = read_cost(input, now)?;
            let id = store::add_cost(tx, g, first, last, amount, &note, now).await?;
            ev.object_id = id.to_string();
            ev.detail = format!(
                "£{:.2} for {first} to {last}: {note}",
                amount as f64 / 100.0
            );
            Ok(id)
        })
        .await
    }

    pub async fn delete_cost(&self, ctx: &Ctx, id: i64) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "cost.delete",
            "cost",
            id,
        );
        self.run(u, async |tx, g, ev| {
            let c = store::delete_cost(tx, g, id).await?;
            ev.detail = format!(
                "£{:.2} for {} to {}: {}",
                c.amount_pence as f64 / 100.0,
                c.first_day,
                c.last_day,
                c.note
            );
            Ok(())
        })
        .await
    }
}

/// A cost as typed → its first and last days, pence and note.
fn read_cost(
    input: &CostInput,
    now: DateTime<Utc>,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate, i64, String)> {
    let today = linkwork_domain::appointment::london_date(now);
    let span = Span::around(today, 20, 5);
    let mut e = linkwork_domain::FieldErrors::new();
    let first = e.check(
        "first_day",
        dates::required(&input.first_day, "the first day", span),
    );
    let last = e.check(
        "last_day",
        dates::required(&input.last_day, "the last day", span),
    );
    let amount = e.check("amount", parse_pounds(&input.amount, 1_000_000_000));
    let note = e.check(
        "note",
        text::required_text(&input.note, "what the money paid for", 200),
    );
    if let (Some(a), Some(b)) = (first, last)
        && b < a
    {
        e.add("last_day", "The last day must not be before the first day");
    }
    if amount == Some(0) {
        e.add("amount", "Enter an amount above £0");
    }
    e.into_result()?;
    Ok((
        first.unwrap_or(today),
        last.unwrap_or(today),
        amount.unwrap_or_default(),
        note.unwrap_or_default(),
    ))
}
