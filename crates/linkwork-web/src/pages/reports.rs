//! Figures: a period and a scope chosen, the figures beside the period
//! before, charts of the breakdowns, the per-practice table, and the CSV.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::{Page, urlencode};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::reports::figures::{ADDITIVE, Figure, Unit};
use linkwork_app::reports::{Report, ReportInput, ScopeChoices};
use linkwork_domain::report::{Period, PeriodKind};
use linkwork_domain::{FieldErrors, Permission};
use maud::{Markup, html};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/reports", get(dashboard))
        .route("/reports/figures.csv", get(csv))
        .route("/reports/figures.xlsx", get(xlsx))
        .route("/reports/print", get(print))
}

/// A value as shown: whole numbers without decimals, others with one.
pub fn show(v: Option<f64>, unit: Unit) -> String {
    match v {
        None => "–".to_owned(),
        Some(x) => match unit {
            Unit::Count => format!("{}", x.round() as i64),
            Unit::Percent => format!("{x:.1}%"),
            Unit::Days if x.fract() == 0.0 => format!("{x:.0}"),
            Unit::Days | Unit::Number => format!("{x:.1}"),
            Unit::Pounds => linkwork_app::reports::money(x),
        },
    }
}

fn change(f: &Figure) -> String {
    match (f.value, f.previous) {
        (Some(a), Some(b)) => {
            let d = a - b;
            let s = show(
                Some(d.abs()),
                if f.unit == Unit::Percent {
                    Unit::Number
                } else {
                    f.unit
                },
            );
            let unit = if f.unit == Unit::Percent {
                " points"
            } else {
                ""
            };
            if d > 0.0 {
                format!("up {s}{unit}")
            } else if d < 0.0 {
                format!("down {s}{unit}")
            } else {
                "no change".to_owned()
            }
        }
        _ => String::new(),
    }
}

/// Quick choices of period around today: recent quarters, financial and
/// calendar years, months.
fn period_choices(today: chrono::NaiveDate) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (kind, count, word) in [
        (PeriodKind::Quarter, 8, "Quarter"),
        (PeriodKind::FinancialYear, 4, "Financial year"),
        (PeriodKind::CalendarYear, 3, "Calendar year"),
        (PeriodKind::Month, 12, "Month"),
    ] {
        let mut p = Period::containing(kind, today);
        for _ in 0..count {
            out.push((p.code(), format!("{word}: {}", p.label())));
            p = p.previous();
        }
    }
    out
}

fn form(
    input: &ReportInput,
    choices: &ScopeChoices,
    errors: &FieldErrors,
    today: chrono::NaiveDate,
) -> Markup {
    let periods = period_choices(today);
    let typed = input.period.trim();
    let listed = periods.iter().any(|(c, _)| c == typed);
    html! {
        form method="get" action="/reports" novalidate class="lw-report-form" {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" {
                    (html::select("period", "Period", &periods, if listed { typed } else { "" }, &FieldErrors::new(), None))
                }
                div class="govuk-grid-column-one-third" {
                    (html::text_field("custom", "Or type a period (optional)", if listed { "" } else { typed }, errors, html::Input { hint: Some("Like 2024-03, 2024Q1, 2024-25, or 2024-01-01..2024-02-15"), width: Some("20"), spellcheck_off: true, ..Default::default() }))
                }
                div class="govuk-grid-column-one-third" {
                    (html::select("scope", "Scope", &choices.options(), input.scope.trim(), errors, None))
                }
            }
            (html::button("Show the figures"))
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReportQuery {
    period: String,
    /// A period typed in the form (wins over the list).
    custom: String,
    scope: String,
    /// The CSV for sharing outside the programme (small counts hidden).
    sharing: String,
}

impl ReportQuery {
    fn input(&self) -> ReportInput {
        ReportInput {
            period: if self.custom.trim().is_empty() {
                self.period.clone()
            } else {
                self.custom.clone()
            },
            scope: self.scope.clone(),
        }
    }
}

/// The month-by-month chart's months and lines.
fn month_series(r: &Report) -> (Vec<chrono::NaiveDate>, Vec<(&'static str, Vec<i64>)>) {
    let m = &r.figures.months;
    (
        m.iter().map(|x| x.month).collect(),
        vec![
            (
                "Referrals received",
                m.iter().map(|x| x.referrals_received).collect(),
            ),
            (
                "Appointments attended",
                m.iter().map(|x| x.appointments_attended).collect(),
            ),
            ("Cases closed", m.iter().map(|x| x.cases_closed).collect()),
        ],
    )
}

/// The chart over time's title: the months it covers.
fn month_title(r: &Report) -> String {
    let m = &r.figures.months;
    match (m.first(), m.last()) {
        (Some(a), Some(b)) => format!(
            "Month by month, {} to {}",
            a.month.format("%B %Y"),
            b.month.format("%B %Y")
        ),
        _ => "Month by month".to_owned(),
    }
}

/// Where the records behind the figures are listed, for those who may see
/// them: the referrals received in the period and scope, the cases closed
/// in it, and (when the period runs to today or later) the cases open now.
struct Records {
    received: String,
    closed: String,
    open: Option<String>,
    /// The cases reopened in the period.
    reopened: String,
    /// The period's days and the scope, as the other lists take them
    /// (`from=…&to=…&site_id=…`).
    days: String,
}

impl Records {
    fn of(r: &Report, today: chrono::NaiveDate) -> Records {
        let d = |x: chrono::NaiveDate| x.format("%-d/%-m/%Y").to_string();
        let (first, last) = (d(r.period.first), d(r.period.last));
        let scope = if r.records_filter.is_empty() {
            String::new()
        } else {
            format!("&{}", r.records_filter)
        };
        Records {
            received: format!("/referrals?show=all&from={first}&to={last}{scope}"),
            closed: format!("/referrals?show=closed&closed_from={first}&closed_to={last}{scope}"),
            open: (r.period.last >= today).then(|| format!("/referrals?show=open{scope}")),
            reopened: format!(
                "/referrals?show=all&reopened_from={first}&reopened_to={last}{scope}"
            ),
            days: format!("from={first}&to={last}{scope}"),
        }
    }

    /// The list at `path` of the period and scope, narrowed by `more`
    /// (`&kind=…`, or nothing).
    fn list(&self, path: &str, more: &str) -> String {
        format!("{path}?{}{more}", self.days)
    }

    /// The list behind a figure, if there is one.
    fn of_figure(&self, measure: &str) -> Option<String> {
        let received = |more: &str| format!("{}{more}", self.received);
        Some(match measure {
            "appointments_booked" => self.list("/appointments", ""),
            "appointments_attended" => self.list("/appointments", "&status=attended"),
            "appointments_did_not_attend" => self.list("/appointments", "&status=did_not_attend"),
            "appointments_cancelled" => self.list("/appointments", "&status=cancelled"),
            "onward_referrals" => self.list("/onward", "&kind=referral"),
            "signposting" => self.list("/onward", "&kind=signposting"),
            "onward_taken_up" => self.list("/onward", "&status=taken_up"),
            "onward_answered_by_partners" => self.list("/onward", "&answered=partners"),
            "referrals_received" => received(""),
            "new_people" => received("&new_person=yes"),
            "referrals_from_deep_end" => received("&deep_end=yes"),
            "referrals_from_partners" => received("&from_partners=yes"),
            "cases_reopened" => self.reopened.clone(),
            "cases_closed" => self.closed.clone(),
            "open_cases" => self.open.clone()?,
            "handovers" => self.list("/handovers", ""),
            "needs_identified" => self.list("/needs", ""),
            "goals_achieved" => self.list("/goals", ""),
            "vouchers_issued" | "vouchers_value" => self.list("/vouchers", ""),
            "practice_activities" | "practice_activity_attendance" => {
                self.list("/practice-activities", "")
            }
            "swemwbs_people_paired" | "swemwbs_mean_change" => {
                self.list("/wellbeing", "&kind=swemwbs")
            }
            "swemwbs_improved_percent" => self.list("/wellbeing", "&kind=swemwbs&improved=yes"),
            "ons4_people_paired" | "ons4_life_satisfaction_mean_change" => {
                self.list("/wellbeing", "&kind=ons4")
            }
            // Each group's page lists its sessions and who came.
            "group_sessions" | "group_attendances" | "group_people" | "group_others"
            | "courses_completed" => "/groups".to_owned(),
            _ => return None,
        })
    }

    /// The list behind a row of a breakdown, if there is one.
    fn of_row(&self, measure: &str, key: &str) -> Option<String> {
        let (base, field) = match measure {
            "referrals_by_reason" => (self.received.clone(), "reason"),
            "referrals_by_source" => (self.received.clone(), "source"),
            "referrals_by_sex" => (self.received.clone(), "sex"),
            "referrals_by_age_band" => (self.received.clone(), "age_band"),
            "referrals_by_simd_decile" => (self.received.clone(), "simd_decile"),
            "referrals_by_simd_quintile" => (self.received.clone(), "simd_quintile"),
            // Partners' staff without an organisation are "Not named": no list.
            "referrals_from_partners_by_organization" if key != "Not named" => {
                (self.received.clone(), "partner_organization")
            }
            "cases_closed_by_reason" => (self.closed.clone(), "closure_reason"),
            "onward_by_status" => (self.list("/onward", ""), "status"),
            "partner_answers_by_status" => (self.list("/onward", "&answered=partners"), "status"),
            // Onward support without a directory service has no category
            // or organisation to list it by.
            "onward_by_category" if key != "Not in the directory" => {
                (self.list("/onward", ""), "category")
            }
            "onward_by_organization" if key != "Not in the directory" => {
                (self.list("/onward", ""), "organization")
            }
            "needs_by_kind" => (self.list("/needs", ""), "need"),
            "vouchers_by_fund" => (self.list("/vouchers", ""), "fund"),
            "practice_activities_by_kind" => (self.list("/practice-activities", ""), "kind"),
            _ => return None,
        };
        Some(format!("{base}&{field}={}", urlencode(key)))
    }
}

fn figures_table(figures: &[Figure], r: &Report, records: Option<&Records>) -> Markup {
    html! {
        table class="govuk-table" data-cards {
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Figure" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { (r.period.label()) }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { (r.previous.label()) }
                th scope="col" class="govuk-table__header" { "Change" }
            } }
            tbody class="govuk-table__body" { @for f in figures { tr class="govuk-table__row" id={ "m-" (f.measure) } {
                th scope="row" class="govuk-table__header" data-label="Figure" {
                    @match records.and_then(|x| x.of_figure(f.measure)) {
                        Some(href) => { a class="govuk-link" href=(href) { (f.label) span class="govuk-visually-hidden" { ": list them" } } }
                        None => { (f.label) }
                    }
                }
                td class="govuk-table__cell govuk-table__cell--numeric" data-label=(r.period.label()) { (show(f.value, f.unit)) }
                td class="govuk-table__cell govuk-table__cell--numeric" data-label=(r.previous.label()) { (show(f.previous, f.unit)) }
                td class="govuk-table__cell" data-label="Change" { (change(f)) }
            } } }
        }
    }
}

async fn dashboard(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let choices = state.app.report_scopes(&page.ctx).await?;
    let today = linkwork_domain::appointment::london_date(state.app.now());
    let input = q.input();
    let (report, errors) = match state.app.report(&page.ctx, &input).await {
        Ok(r) => (Some(r), FieldErrors::new()),
        Err(AppError::Invalid(e)) => (None, e),
        Err(e) => return Err(e.into()),
    };
    let errors = rename_period_error(errors);
    let body = html! {
        h1 class="govuk-heading-l" { "Figures" }
        (form(&input, &choices, &errors, today))
        @if let Some(r) = &report {
            // The referrals behind the figures, for those who may list them.
            @let records = page.ctx.actor.can(Permission::WorkWithParticipants).then(|| Records::of(r, today));
            @let query = format!("period={}&scope={}", urlencode(&r.period.code()), urlencode(&r.scope));
            h2 class="govuk-heading-m" { (r.scope_label) ": " (r.period.label()) }
            p class="govuk-body" { "Compared with " (r.previous.label()) "." }
            h3 class="govuk-heading-s" { "Download or print" }
            ul class="govuk-list govuk-list--bullet" {
                li { "For use inside the programme: " a class="govuk-link" href={ "/reports/figures.xlsx?" (query) } download { "spreadsheet (XLSX)" } ", " a class="govuk-link" href={ "/reports/figures.csv?" (query) } download { "CSV" } ", " a class="govuk-link" href={ "/reports/print?" (query) } { "printable report" } }
                li { "For sharing outside the programme (counts under " (state.app.settings.suppress_below) " hidden): " a class="govuk-link" href={ "/reports/figures.xlsx?" (query) "&sharing=1" } download { "spreadsheet (XLSX)" } ", " a class="govuk-link" href={ "/reports/figures.csv?" (query) "&sharing=1" } download { "CSV" } ", " a class="govuk-link" href={ "/reports/print?" (query) "&sharing=1" } { "printable report" } }
            }
            @let (months, series) = month_series(r);
            (html::monthly_chart(&month_title(r), &months, &series))
            @for s in &r.figures.sections {
                section class="govuk-!-margin-bottom-8" aria-labelledby={ "s-" (slug(s.title)) } {
                    h3 class="govuk-heading-m" id={ "s-" (slug(s.title)) } { (s.title) }
                    (figures_table(&s.figures, r, records.as_ref()))
                    @if s.title == "Social value" {
                        p class="govuk-body" {
                            a class="govuk-link" href="/reports/social-value" { "How the social value is worked out, its limits, and the programme's costs" }
                            @if r.scope != "programme" { ". The value for each £1 is shown for the whole programme only, as costs are entered for the whole programme." }
                        }
                    }
                    @for b in &s.breakdowns {
                        @if !b.rows.is_empty() {
                            @let shown: Vec<_> = b.rows.iter().take(12).collect();
                            @let links: Vec<Option<String>> = shown.iter().map(|x| records.as_ref().and_then(|l| l.of_row(b.measure, &x.key))).collect();
                            (html::paired_bar_chart(b.title, &shown.iter().map(|x| (x.label.clone(), x.value, x.previous)).collect::<Vec<_>>(), &r.period.label(), &r.previous.label(), &links))
                        }
                    }
                }
            }
            h3 class="govuk-heading-m" id="by-practice" { "By practice" }
            p class="govuk-body" { "These counts add up to the figures above (anything counted at another kind of site is shown too)." }
            div class="lw-scroll" tabindex="0" role="region" aria-label="Counts by practice" {
                table class="govuk-table lw-wide" {
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Practice" }
                        @for (_, l) in ADDITIVE { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (l) } }
                    } }
                    tbody class="govuk-table__body" { @for site in &r.figures.by_site { tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (site.name) }
                        @for n in &site.counts { td class="govuk-table__cell govuk-table__cell--numeric" { (n) } }
                    } } }
                }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout("Figures", Some(&page), Some(&errors), body).into_string()),
    )
        .into_response())
}

/// A period typed wrong is the form's `custom` field.
fn rename_period_error(errors: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    for e in &errors.0 {
        let f = if e.field == "period" {
            "custom"
        } else {
            e.field.as_str()
        };
        out.add(f, e.message.clone());
    }
    out
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The file name of a downloaded report.
fn file_name(r: &Report, sharing: Option<i64>, ext: &str) -> String {
    format!(
        "linkwork-figures-{}-{}{}.{ext}",
        r.period.code(),
        slug(&r.scope),
        if sharing.is_some() {
            "-for-sharing"
        } else {
            ""
        }
    )
}

fn download(name: String, content_type: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The threshold of small-number suppression when the query asks for a
/// report to share.
fn sharing_of(state: &WebState, q: &ReportQuery) -> Option<i64> {
    (!q.sharing.is_empty()).then_some(state.app.settings.suppress_below)
}

async fn csv(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let r = state.app.report(&page.ctx, &q.input()).await?;
    let sharing = sharing_of(&state, &q);
    Ok(download(
        file_name(&r, sharing, "csv"),
        "text/csv; charset=utf-8",
        linkwork_app::reports::csv(&r, sharing).into_bytes(),
    ))
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn xlsx(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let r = state.app.report(&page.ctx, &q.input()).await?;
    let sharing = sharing_of(&state, &q);
    Ok(download(
        file_name(&r, sharing, "xlsx"),
        XLSX,
        linkwork_app::reports::export::xlsx(&r, sharing)?,
    ))
}

async fn print(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let r = state.app.report(&page.ctx, &q.input()).await?;
    let sharing = sharing_of(&state, &q);
    Ok(Html(printable(
        &r,
        sharing,
        &page.ctx.actor.name,
        linkwork_domain::appointment::london_date(state.app.now()),
    ))
    .into_response())
}

/// The quarterly (or any period's) report for funders as one HTML document
/// that stands alone (its styles inside it, charts as SVG), laid out for
/// printing: the figures of each section with the period before, the
/// breakdowns as charts with their numbers, and the per-practice table.
/// With `sharing`, small counts are hidden as in the CSV for sharing, and a
/// breakdown with a hidden count is shown as a table only.
pub fn printable(r: &Report, sharing: Option<i64>, by: &str, on: chrono::NaiveDate) -> String {
    let shown = linkwork_app::reports::export::shown_by_measure(r, sharing);
    let text = |m: &str, f: Option<&Figure>| -> (String, String) {
        match (sharing, f) {
            (None, Some(f)) => (show(f.value, f.unit), show(f.previous, f.unit)),
            _ => shown.get(m).cloned().unwrap_or_default(),
        }
    };
    let (now, before) = (r.period.label(), r.previous.label());
    let title = format!("{}: {}", r.scope_label, now);
    let doc = html! {
        (maud::DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Figures — " (title) }
                style { (maud::PreEscaped(include_str!("../../assets/report-print.css"))) }
            }
            body {
                main {
                    p class="lw-kicker" { "Community link worker programme — figures" }
                    h1 { (title) }
                    p { "Compared with " (before) ". Made by " (by) " on " (on.format("%-d %B %Y")) " with linkwork." }
                    @if let Some(t) = sharing {
                        p class="lw-note" { "For sharing: counts from 1 to " (t - 1) " are shown as “<" (t) "”, and “*” hides another count where a hidden one could be worked back from a total." }
                    } @else {
                        p class="lw-note" { "Not suppressed: small numbers are shown. For use inside the programme only." }
                    }
                    @let (months, series) = month_series(r);
                    // For sharing, the chart over time only when no month
                    // has a count that would be hidden.
                    @let small = sharing.is_some_and(|t| series.iter().any(|s| s.1.iter().any(|n| *n > 0 && *n < t)));
                    section class="lw-breakdown" {
                        h2 { (month_title(r)) }
                        @if small {
                            p class="lw-note" { "Not shown for sharing: some months have counts under " (sharing.unwrap_or(0)) "." }
                        } @else {
                            (html::monthly_svg(&month_title(r), &months, &series))
                            table {
                                thead { tr { th scope="col" { "Month" } @for (name, _) in &series { th scope="col" class="n" { (name) } } } }
                                tbody { @for (i, m) in months.iter().enumerate() {
                                    tr { th scope="row" { (m.format("%b %Y")) } @for (_, v) in &series { td class="n" { (v.get(i).copied().unwrap_or(0)) } } }
                                } }
                            }
                        }
                    }
                    @for s in &r.figures.sections {
                        section {
                            h2 { (s.title) }
                            table {
                                thead { tr { th scope="col" { "Figure" } th scope="col" class="n" { (now) } th scope="col" class="n" { (before) } } }
                                tbody { @for f in &s.figures {
                                    @let (v, p) = text(f.measure, Some(f));
                                    tr { th scope="row" { (f.label) } td class="n" { (v) } td class="n" { (p) } }
                                } }
                            }
                            @for b in &s.breakdowns {
                                @if !b.rows.is_empty() {
                                    @let rows: Vec<(String, String, String, i64, i64)> = b.rows.iter().map(|x| { let (v, p) = text(&format!("{}.{}", b.measure, x.key), None); (x.label.clone(), v, p, x.value, x.previous) }).collect();
                                    @let hidden = rows.iter().any(|x| x.1 != x.3.to_string() || x.2 != x.4.to_string());
                                    div class="lw-breakdown" {
                                        @if !hidden {
                                            (chart(b.title, &rows.iter().take(12).map(|x| (x.0.clone(), x.3, x.4)).collect::<Vec<_>>(), &now, &before))
                                        } @else {
                                            h3 { (b.title) }
                                        }
                                        table {
                                            thead { tr { th scope="col" { "Name" } th scope="col" class="n" { (now) } th scope="col" class="n" { (before) } } }
                                            tbody { @for x in &rows { tr { td { (x.0) } td class="n" { (x.1) } td class="n" { (x.2) } } } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section class="lw-wide" {
                        h2 { "By practice" }
                        p { "Counts of " (now) ". They add up to the figures above." }
                        table {
                            thead { tr { th scope="col" { "Practice" } @for (_, l) in ADDITIVE { th scope="col" class="n" { (l) } } } }
                            tbody { @for (name, cells) in linkwork_app::reports::export::by_site_text(r, sharing) {
                                tr { th scope="row" { (name) } @for c in cells { td class="n" { (c) } } }
                            } }
                        }
                    }
                    p class="lw-note" { "Every figure is defined in linkwork's docs/REPORTING.md under its measure name." }
                }
            }
        }
    };
    doc.into_string()
}

/// A chart for print: the page's paired bars without the "show as a table"
/// control (the table follows it).
fn chart(title: &str, rows: &[(String, i64, i64)], now: &str, before: &str) -> Markup {
    html! {
        h3 { (title) }
        (html::paired_bars_svg(title, rows, now, before))
    }
}
