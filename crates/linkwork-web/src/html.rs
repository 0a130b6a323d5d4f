//! The page layout and form components (GOV.UK Frontend markup). Every value
//! is escaped by maud; nothing here assembles HTML from strings.

use crate::session::Page;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;
use linkwork_domain::{FieldErrors, Permission};
use maud::{DOCTYPE, Markup, html};

/// A whole page: `title` becomes the `<title>` and the `<h1>`'s companion.
pub fn layout(
    title: &str,
    page: Option<&Page>,
    errors: Option<&FieldErrors>,
    body: Markup,
) -> Markup {
    let has_errors = errors.is_some_and(|e| !e.is_empty());
    let full_title = if has_errors {
        format!("Error: {title} – linkwork")
    } else {
        format!("{title} – linkwork")
    };
    html! {
        (DOCTYPE)
        html lang="en-GB" class="govuk-template" {
            head {
                meta charset="utf-8";
                title { (full_title) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#1d3b53";
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/govuk-frontend.min.css";
                link rel="stylesheet" href="/assets/app.css";
            }
            body class="govuk-template__body" {
                a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link" { "Skip to main content" }
                header class="lw-header" {
                    div class="govuk-width-container lw-header__container" {
                        a href="/" class="lw-header__brand" { "linkwork" }
                        @if let Some(p) = page {
                            div class="lw-header__user" {
                                span { (p.ctx.actor.name) " (" (p.ctx.actor.role.label()) ")" }
                                form method="post" action="/sign-out" class="lw-inline-form" {
                                    (csrf(p))
                                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Sign out" }
                                }
                            }
                        }
                    }
                }
                @if let Some(p) = page { (nav(p)) }
                div class="govuk-width-container" {
                    main class="govuk-main-wrapper" id="main-content" {
                        @if let Some(e) = errors { (error_summary(e)) }
                        (body)
                    }
                }
                footer class="govuk-footer" {
                    div class="govuk-width-container" {
                        div class="govuk-footer__meta" {
                            div class="govuk-footer__meta-item govuk-footer__meta-item--grow" {
                                h2 class="govuk-visually-hidden" { "Support links" }
                                ul class="govuk-footer__inline-list" {
                                    li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href="/api/v1/openapi.json" { "API description (OpenAPI)" } }
                                    li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href="/account" { "Your account" } }
                                }
                                p class="govuk-body-s" { "linkwork: software for Community Link Worker programmes. Open source." }
                            }
                        }
                    }
                }
                script type="module" src="/assets/app.js" {}
            }
        }
    }
}

/// A page with a form: 200, or 422 with the error summary when `errors` has any.
pub fn form_page(
    title: &str,
    page: &Page,
    errors: &FieldErrors,
    body: Markup,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        axum::response::Html(layout(title, Some(page), Some(errors), body).into_string()),
    )
        .into_response()
}

fn nav(p: &Page) -> Markup {
    let a = &p.ctx.actor;
    let mut items: Vec<(&str, &str)> = vec![("/", "Home")];
    if a.can(Permission::WorkWithParticipants) {
        items.push(("/people", "People"));
    }
    if a.can(Permission::MakeReferral) {
        items.push(("/referrals", "Referrals"));
    }
    if a.can(Permission::WorkWithParticipants) {
        items.push(("/diary", "Diary"));
    }
    if a.can(Permission::ManageFunds) {
        items.push(("/funds", "Funds"));
    }
    if a.can(Permission::ManageCaseloads) {
        items.push(("/caseloads", "Caseloads"));
    }
    if a.can(Permission::ManageReasons) {
        items.push(("/reasons", "Reasons"));
    }
    items.push(("/sites", "Sites"));
    if a.can(Permission::ViewUsers) {
        items.push(("/areas", "Areas and clusters"));
        items.push(("/users", "Users"));
    }
    if a.can(Permission::ViewAudit) {
        items.push(("/audit", "Audit trail"));
    }
    items.push(("/account", "Your account"));
    let current = |href: &str| {
        if href == "/" {
            p.path == "/"
        } else {
            p.path.starts_with(href)
        }
    };
    html! {
        nav class="lw-nav" aria-label="Main" {
            div class="govuk-width-container" {
                ul {
                    @for (href, label) in items {
                        li { a class="govuk-link govuk-link--no-visited-state" href=(href) aria-current=[current(href).then_some("page")] { (label) } }
                    }
                }
            }
        }
    }
}

pub fn csrf(p: &Page) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(p.csrf); }
}

/// The GOV.UK error summary: every problem, each linked to its field.
pub fn error_summary(errors: &FieldErrors) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        div class="govuk-error-summary" data-module="govuk-error-summary" {
            div role="alert" {
                h2 class="govuk-error-summary__title" { "There is a problem" }
                div class="govuk-error-summary__body" {
                    ul class="govuk-list govuk-error-summary__list" {
                        @for e in &errors.0 {
                            li { a href={ "#" (e.field) } { (e.message) } }
                        }
                    }
                }
            }
        }
    }
}

fn field_error(name: &str, errors: &FieldErrors) -> Markup {
    match errors.for_field(name) {
        Some(m) => {
            html! { p id={ (name) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (m) } }
        }
        None => html! {},
    }
}

fn described_by(name: &str, hint: Option<&str>, errors: &FieldErrors) -> Option<String> {
    let mut ids = Vec::new();
    if hint.is_some() {
        ids.push(format!("{name}-hint"));
    }
    if errors.for_field(name).is_some() {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// Options of a text input.
#[derive(Default, Clone, Copy)]
pub struct Input<'a> {
    pub hint: Option<&'a str>,
    pub kind: &'a str,
    pub autocomplete: Option<&'a str>,
    pub width: Option<&'a str>,
    pub spellcheck_off: bool,
}

pub fn text_field(
    name: &str,
    label: &str,
    value: &str,
    errors: &FieldErrors,
    o: Input<'_>,
) -> Markup {
    let err = errors.for_field(name).is_some();
    let kind = if o.kind.is_empty() { "text" } else { o.kind };
    let class = match o.width {
        Some(w) => format!("govuk-input govuk-input--width-{w}"),
        None => "govuk-input".to_owned(),
    };
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            label class="govuk-label" for=(name) { (label) }
            @if let Some(h) = o.hint { div id={ (name) "-hint" } class="govuk-hint" { (h) } }
            (field_error(name, errors))
            input class={ (class) @if err { " govuk-input--error" } } id=(name) name=(name) type=(kind) value=(value)
                autocomplete=[o.autocomplete] spellcheck=[o.spellcheck_off.then_some("false")]
                aria-describedby=[described_by(name, o.hint, errors)];
        }
    }
}

pub fn textarea(
    name: &str,
    label: &str,
    value: &str,
    errors: &FieldErrors,
    hint: Option<&str>,
) -> Markup {
    let err = errors.for_field(name).is_some();
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            label class="govuk-label" for=(name) { (label) }
            @if let Some(h) = hint { div id={ (name) "-hint" } class="govuk-hint" { (h) } }
            (field_error(name, errors))
            textarea class={ "govuk-textarea" @if err { " govuk-textarea--error" } } id=(name) name=(name) rows="3"
                aria-describedby=[described_by(name, hint, errors)] { (value) }
        }
    }
}

pub fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FieldErrors,
    hint: Option<&str>,
) -> Markup {
    let err = errors.for_field(name).is_some();
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            label class="govuk-label" for=(name) { (label) }
            @if let Some(h) = hint { div id={ (name) "-hint" } class="govuk-hint" { (h) } }
            (field_error(name, errors))
            select class={ "govuk-select" @if err { " govuk-select--error" } } id=(name) name=(name) aria-describedby=[described_by(name, hint, errors)] {
                @for (value, text) in options {
                    option value=(value) selected[*value == selected] { (text) }
                }
            }
        }
    }
}

/// Radio buttons; the first radio carries the field's id so that the error
/// summary's link lands on it.
pub fn radios(
    name: &str,
    legend: &str,
    options: &[(&str, &str)],
    selected: &str,
    errors: &FieldErrors,
    inline: bool,
) -> Markup {
    let err = errors.for_field(name).is_some();
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[described_by(name, None, errors)] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                (field_error(name, errors))
                div class={ "govuk-radios" @if inline { " govuk-radios--inline" } } data-module="govuk-radios" {
                    @for (i, (value, text)) in options.iter().enumerate() {
                        @let id = if i == 0 { name.to_owned() } else { format!("{name}-{i}") };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(id) name=(name) type="radio" value=(value) checked[*value == selected];
                            label class="govuk-label govuk-radios__label" for=(id) { (text) }
                        }
                    }
                }
            }
        }
    }
}

/// Checkboxes sending `name` once per ticked value.
pub fn checkboxes(
    name: &str,
    legend: &str,
    options: &[(String, String)],
    ticked: &[String],
    errors: &FieldErrors,
    hint: Option<&str>,
) -> Markup {
    let err = errors.for_field(name).is_some();
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[described_by(name, hint, errors)] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(h) = hint { div id={ (name) "-hint" } class="govuk-hint" { (h) } }
                (field_error(name, errors))
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                    @for (i, (value, text)) in options.iter().enumerate() {
                        @let id = if i == 0 { name.to_owned() } else { format!("{name}-{i}") };
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id=(id) name=(name) type="checkbox" value=(value) checked[ticked.contains(value)];
                            label class="govuk-label govuk-checkboxes__label" for=(id) { (text) }
                        }
                    }
                }
            }
        }
    }
}

pub fn button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true" { (text) } }
}

pub fn back_link(href: &str, text: &str) -> Markup {
    html! { a href=(href) class="govuk-back-link" { (text) } }
}

/// A green banner after something worked.
pub fn success_banner(message: &str) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="banner-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" {
                h2 class="govuk-notification-banner__title" id="banner-title" { "Success" }
            }
            div class="govuk-notification-banner__content" {
                p class="govuk-notification-banner__heading" { (message) }
            }
        }
    }
}

/// `25 Nov 2026, 14:05` in UK time.
pub fn date_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&London)
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

/// Previous/next links for a list of `total` rows shown `per_page` at a time.
pub fn pagination(base: &str, page: i64, per_page: i64, total: i64) -> Markup {
    let pages = (total + per_page - 1) / per_page;
    if pages <= 1 {
        return html! {};
    }
    let sep = if base.contains('?') { "&" } else { "?" };
    html! {
        nav class="govuk-pagination" aria-label="Pages" {
            @if page > 1 {
                div class="govuk-pagination__prev" {
                    a class="govuk-link govuk-pagination__link" href={ (base) (sep) "page=" (page - 1) } rel="prev" {
                        span class="govuk-pagination__link-title" { "Previous" span class="govuk-visually-hidden" { " page" } }
                    }
                }
            }
            p class="govuk-body govuk-!-margin-bottom-0" { "Page " (page) " of " (pages) " (" (total) " in all)" }
            @if page < pages {
                div class="govuk-pagination__next" {
                    a class="govuk-link govuk-pagination__link" href={ (base) (sep) "page=" (page + 1) } rel="next" {
                        span class="govuk-pagination__link-title" { "Next" span class="govuk-visually-hidden" { " page" } }
                    }
                }
            }
        }
    }
}

/// A horizontal bar chart as SVG, with the figures in a table beside it for
/// screen readers and anyone who prefers numbers.
pub fn bar_chart(title: &str, rows: &[(String, i64)]) -> Markup {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let bar_h = 28;
    let label_w = 190;
    let width = 560;
    let height = rows.len() as i64 * bar_h + 10;
    html! {
        figure class="govuk-!-margin-0" {
            figcaption class="govuk-heading-s" { (title) }
            svg class="lw-chart" role="img" aria-label=(title) viewBox={ "0 0 " (width) " " (height) } width="100%" {
                @for (i, (label, n)) in rows.iter().enumerate() {
                    @let y = i as i64 * bar_h + 5;
                    @let w = (n * (width - label_w - 60) / max).max(1);
                    text x="0" y=(y + 18) { (label) }
                    rect class="lw-bar" x=(label_w) y=(y) width=(w) height=(bar_h - 8) {}
                    text x=(label_w + w + 6) y=(y + 18) { (n) }
                }
            }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Show the figures as a table" } }
                div class="govuk-details__text" {
                    table class="govuk-table" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Name" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Count" } } }
                        tbody class="govuk-table__body" {
                            @for (label, n) in rows { tr class="govuk-table__row" { td class="govuk-table__cell" { (label) } td class="govuk-table__cell govuk-table__cell--numeric" { (n) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The page shown for an error (no navigation: the person may not be signed in).
pub fn error_page(title: &str, body: &str) -> Markup {
    layout(
        title,
        None,
        None,
        html! {
            h1 class="govuk-heading-l" { (title) }
            p class="govuk-body" { (body) }
            p class="govuk-body" { a class="govuk-link" href="/" { "Go to the home page" } }
        },
    )
}

/// A line chart of values over time as SVG, with the figures in a table.
pub fn line_chart(title: &str, points: &[(String, f64)], min: f64, max: f64) -> Markup {
    let (w, h, left, bottom) = (560.0, 220.0, 40.0, 30.0);
    let span = (max - min).max(1.0);
    let n = points.len().max(2) as f64 - 1.0;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            (
                left + (w - left - 20.0) * (i as f64) / n,
                (h - bottom) - (h - bottom - 10.0) * ((v - min) / span),
            )
        })
        .collect();
    let path: String = xy
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }))
        .collect();
    html! {
        figure class="govuk-!-margin-0 govuk-!-margin-bottom-4" {
            figcaption class="govuk-heading-s" { (title) }
            svg class="lw-chart" role="img" aria-label=(title) viewBox={ "0 0 " (w) " " (h) } width="100%" {
                line x1=(left) y1=(h - bottom) x2=(w - 10.0) y2=(h - bottom) stroke="#505a5f" {}
                text x="0" y=(h - bottom) { (min) }
                text x="0" y="16" { (max) }
                path d=(path) fill="none" stroke="#1d70b8" stroke-width="3" {}
                @for ((x, y), (label, v)) in xy.iter().zip(points) {
                    circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="5" fill="#1d70b8" {}
                    text x=(format!("{:.1}", x - 20.0)) y=(h - 8.0) { (label) }
                    text x=(format!("{:.1}", x + 6.0)) y=(format!("{:.1}", y - 8.0)) { (format!("{v:.2}").trim_end_matches('0').trim_end_matches('.')) }
                }
            }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Show the figures as a table" } }
                div class="govuk-details__text" {
                    table class="govuk-table" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "When" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Score" } } }
                        tbody class="govuk-table__body" {
                            @for (label, v) in points { tr class="govuk-table__row" { td class="govuk-table__cell" { (label) } td class="govuk-table__cell govuk-table__cell--numeric" { (format!("{v:.2}")) } } }
                        }
                    }
                }
            }
        }
    }
}
