//! The programme's figures over JSON.

use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use linkwork_app::reports::ReportInput;
use linkwork_app::reports::value::{CostInput, ValueInput};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/reports", get(report))
        .route("/reports/download", get(download))
        .route(
            "/reports/social-value",
            get(social_value).put(save_social_value),
        )
        .route("/reports/costs", axum::routing::post(add_cost))
        .route("/reports/costs/{id}", axum::routing::delete(delete_cost))
}

/// One figure: a stable `measure` name (breakdowns are `{measure}.{key}`),
/// its value for the period and the period before (absent: nothing to
/// count, like a median of no days).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureValue {
    pub measure: String,
    pub value: Option<f64>,
    pub previous: Option<f64>,
}

/// The counts that add up, for one practice (or other site).
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteValues {
    pub site_id: i64,
    pub name: String,
    pub code: String,
    /// Measure name → count for the period.
    pub counts: std::collections::BTreeMap<String, i64>,
}

/// What happened in one UK month of the chart over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthValues {
    /// `2025-04`.
    pub month: String,
    pub referrals_received: i64,
    pub appointments_attended: i64,
    pub cases_closed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBody {
    /// The period as typed back (`2024Q1`) and its days.
    pub period: String,
    pub first_day: chrono::NaiveDate,
    pub last_day: chrono::NaiveDate,
    pub previous_period: String,
    pub scope: String,
    pub scope_label: String,
    pub measures: Vec<MeasureValue>,
    pub by_site: Vec<SiteValues>,
    /// Month by month: the twelve months to the period's end, or the whole
    /// period when it is longer (the first and last months cut at its days).
    pub months: Vec<MonthValues>,
}

/// The figures of a period and scope beside the period before (managers
/// and administrators: any scope of the programme; link workers: their
/// practices). Audited.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportInput), responses(
    (status = 200, body = ReportBody), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn report(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ReportInput>,
) -> Result<Json<ReportBody>, ApiError> {
    let r = s.app.report(&u.ctx, &q).await?;
    let names = linkwork_app::reports::figures::ADDITIVE;
    Ok(Json(ReportBody {
        period: r.period.code(),
        first_day: r.period.first,
        last_day: r.period.last,
        previous_period: r.previous.code(),
        measures: r
            .figures
            .rows()
            .into_iter()
            .map(|(measure, value, previous, _)| MeasureValue {
                measure,
                value,
                previous,
            })
            .collect(),
        months: r
            .figures
            .months
            .iter()
            .map(|m| MonthValues {
                month: m.month.format("%Y-%m").to_string(),
                referrals_received: m.referrals_received,
                appointments_attended: m.appointments_attended,
                cases_closed: m.cases_closed,
            })
            .collect(),
        by_site: r
            .figures
            .by_site
            .into_iter()
            .map(|x| SiteValues {
                site_id: x.site_id,
                name: x.name,
                code: x.code,
                counts: names
                    .iter()
                    .map(|(m, _)| (*m).to_owned())
                    .zip(x.counts)
                    .collect(),
            })
            .collect(),
        scope: r.scope,
        scope_label: r.scope_label,
    }))
}

/// What to download: a period and scope as for the figures, the format,
/// and whether to apply small-number suppression for sharing.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DownloadQuery {
    /// As for `GET /api/v1/reports`.
    pub period: String,
    /// As for `GET /api/v1/reports`.
    pub scope: String,
    /// `csv` (the default), `xlsx` or `html` (the printable report).
    pub format: String,
    /// `true`: counts under the programme's threshold hidden, for sharing
    /// outside the programme.
    pub sharing: Option<bool>,
}

/// The report as a file: CSV (one row per measure), XLSX (figures,
/// breakdowns, the per-practice table) or the printable HTML report.
/// Audited like the figures.
#[utoipa::path(get, path = "/api/v1/reports/download", tag = "reports", params(DownloadQuery), responses(
    (status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn download(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let format = match q.format.trim() {
        "" | "csv" => "csv",
        "xlsx" => "xlsx",
        "html" => "html",
        _ => {
            return Err(
                linkwork_app::AppError::field("format", "Choose csv, xlsx or html.").into(),
            );
        }
    };
    let input = ReportInput {
        period: q.period,
        scope: q.scope,
    };
    let r = s.app.report(&u.ctx, &input).await?;
    let sharing = q
        .sharing
        .unwrap_or(false)
        .then_some(s.app.settings.suppress_below);
    let (content_type, body) = match format {
        "xlsx" => (
            crate::pages::reports::XLSX,
            linkwork_app::reports::export::xlsx(&r, sharing)?,
        ),
        "html" => (
            "text/html; charset=utf-8",
            crate::pages::reports::printable(
                &r,
                sharing,
                &u.ctx.actor.name,
                linkwork_domain::appointment::london_date(s.app.now()),
            )
            .into_bytes(),
        ),
        _ => (
            "text/csv; charset=utf-8",
            linkwork_app::reports::csv(&r, sharing).into_bytes(),
        ),
    };
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response())
}

/// A cost of the programme over a run of days.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostBody {
    pub id: i64,
    pub first_day: chrono::NaiveDate,
    pub last_day: chrono::NaiveDate,
    /// Pounds.
    pub amount: f64,
    pub note: String,
}

/// How the social value is estimated, and the programme's costs.
#[derive(Debug, Serialize, ToSchema)]
pub struct SocialValueBody {
    /// Pounds a WELLBY in `price_year` prices, and the range around it.
    pub wellby_value: f64,
    pub price_year: i32,
    pub low_value: f64,
    pub high_value: f64,
    pub uplift: f64,
    /// Per cent of the change that would have happened anyway.
    pub deadweight_percent: f64,
    pub duration_years: f64,
    pub costs: Vec<CostBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostCreated {
    pub id: i64,
}

/// The social value settings and costs (anyone who sees figures).
#[utoipa::path(get, path = "/api/v1/reports/social-value", tag = "reports", responses(
    (status = 200, body = SocialValueBody), (status = 403, body = Problem)))]
pub async fn social_value(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<SocialValueBody>, ApiError> {
    let v = s.app.social_value(&u.ctx).await?;
    let t = v.settings;
    Ok(Json(SocialValueBody {
        wellby_value: t.wellby_value,
        price_year: t.price_year,
        low_value: t.low_value,
        high_value: t.high_value,
        uplift: t.uplift,
        deadweight_percent: t.deadweight * 100.0,
        duration_years: t.duration_years,
        costs: v
            .costs
            .into_iter()
            .map(|c| CostBody {
                id: c.id,
                first_day: c.first_day,
                last_day: c.last_day,
                amount: c.amount_pence as f64 / 100.0,
                note: c.note,
            })
            .collect(),
    }))
}

/// Change the social value settings (administrators). Audited.
#[utoipa::path(put, path = "/api/v1/reports/social-value", tag = "reports", request_body = ValueInput, responses(
    (status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn save_social_value(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<ValueInput>,
) -> Result<StatusCode, ApiError> {
    s.app.save_value_settings(&u.ctx, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enter a cost of the programme (administrators). Audited.
#[utoipa::path(post, path = "/api/v1/reports/costs", tag = "reports", request_body = CostInput, responses(
    (status = 201, body = CostCreated), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_cost(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<CostInput>,
) -> Result<(StatusCode, Json<CostCreated>), ApiError> {
    let id = s.app.add_cost(&u.ctx, &b).await?;
    Ok((StatusCode::CREATED, Json(CostCreated { id })))
}

/// Remove a cost (administrators). Audited.
#[utoipa::path(delete, path = "/api/v1/reports/costs/{id}", tag = "reports", responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_cost(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_cost(&u.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
