//! The page layout and form components (GOV.UK Frontend markup). Every value
//! is escaped by maud; nothing here assembles HTML from strings.

use crate::session::Page;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;
use linkwork_domain::{FieldErrors, Permission};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The warning shown (by app.js) two minutes before a session ends.
fn session_warning(p: &Page) -> Markup {
    let minutes = (p.seconds_left + 59) / 60;
    html! {
        div id="session-warning" class="lw-session-warning" hidden role="alertdialog" aria-labelledby="session-warning-title" aria-describedby="session-warning-text" data-seconds-left=(p.seconds_left) data-csrf=(p.csrf) {
            div class="govuk-width-container" {
                h2 class="govuk-heading-m" id="session-warning-title" { "You will be signed out soon" }
                p class="govuk-body" id="session-warning-text" { "To protect people's information, you are signed out when nothing has happened for a while: in about " (minutes.clamp(1, 2)) " minutes. If that happens, what you are typing is kept for you to send after signing in again." }
                div class="govuk-button-group" {
                    button type="button" class="govuk-button" data-stay { "Stay signed in" }
                    form method="post" action="/sign-out" class="lw-inline-form" { (csrf(p)) button type="submit" class="govuk-button govuk-button--secondary" { "Sign out" } }
                }
            }
        }
        p id="session-warning-status" class="govuk-visually-hidden" role="status" {}
    }
}

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
                @if let Some(p) = page { (nav(p)) (session_warning(p)) }
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
        items.push(("/groups", "Groups"));
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
    if a.can(Permission::AnswerOnwardReferrals) {
        items.push(("/partner", "Referrals to you"));
    }
    if a.can(Permission::ViewReports) {
        items.push(("/reports", "Figures"));
    }
    items.push(("/directory", "Find support"));
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

/// A file upload field (the form needs `enctype="multipart/form-data"`).
pub fn file_field(
    name: &str,
    label: &str,
    accept: &str,
    errors: &FieldErrors,
    hint: Option<&str>,
) -> Markup {
    let err = errors.for_field(name).is_some();
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            label class="govuk-label" for=(name) { (label) }
            @if let Some(h) = hint { div id={ (name) "-hint" } class="govuk-hint" { (h) } }
            (field_error(name, errors))
            input class={ "govuk-file-upload" @if err { " govuk-file-upload--error" } } id=(name) name=(name) type="file" accept=(accept) aria-describedby=[described_by(name, hint, errors)];
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
    pager(
        base,
        page,
        page < pages,
        &format!("Page {page} of {pages} ({total} in all)"),
    )
}

/// Previous/next links around `middle` for page `page` of a list at
/// `base` (a path, with or without a query): "Previous" after the first
/// page, "Next" when `next`.
pub fn pager(base: &str, page: i64, next: bool, middle: &str) -> Markup {
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
            p class="govuk-body govuk-!-margin-bottom-0" { (middle) }
            @if next {
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

/// Paired horizontal bars (the period and the one before) as SVG, with a
/// key; its colours come from `.lw-bar` in the page's styles.
pub fn paired_bars_svg(
    title: &str,
    rows: &[(String, i64, i64)],
    now: &str,
    before: &str,
) -> Markup {
    let max = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(1).max(1);
    let (bar, gap, label_w, width) = (14i64, 12i64, 210i64, 600i64);
    let row_h = bar * 2 + gap;
    let height = rows.len() as i64 * row_h + 34;
    let len = |n: i64| (n * (width - label_w - 60) / max).max(1);
    let cut = |s: &str| -> String {
        if s.chars().count() > 30 {
            format!("{}…", s.chars().take(29).collect::<String>())
        } else {
            s.to_owned()
        }
    };
    html! {
            svg class="lw-chart" role="img" aria-label={ (title) ": " (now) " beside " (before) } viewBox={ "0 0 " (width) " " (height) } width="100%" {
                rect class="lw-bar" x="0" y="2" width="14" height="14" {}
                text x="20" y="14" { (now) }
                rect class="lw-bar lw-bar--before" x="300" y="2" width="14" height="14" {}
                text x="320" y="14" { (before) }
                @for (i, (label, a, b)) in rows.iter().enumerate() {
                    @let y = i as i64 * row_h + 30;
                    text x="0" y=(y + bar + 4) { title { (label) } (cut(label)) }
                    rect class="lw-bar" x=(label_w) y=(y) width=(len(*a)) height=(bar) {}
                    text x=(label_w + len(*a) + 6) y=(y + bar - 2) { (a) }
                    rect class="lw-bar lw-bar--before" x=(label_w) y=(y + bar) width=(len(*b)) height=(bar) {}
                    text x=(label_w + len(*b) + 6) y=(y + 2 * bar - 2) { (b) }
                }
            }
    }
}

/// Two bars a row (this period and the one before) as SVG, with a key, and
/// the figures in a table beside it for screen readers and anyone who
/// prefers numbers.
/// `links`: where each row's records are listed (by row; empty or `None`:
/// no link).
pub fn paired_bar_chart(
    title: &str,
    rows: &[(String, i64, i64)],
    now: &str,
    before: &str,
    links: &[Option<String>],
) -> Markup {
    html! {
        figure class="govuk-!-margin-0 govuk-!-margin-bottom-6" {
            figcaption class="govuk-heading-s" { (title) }
            (paired_bars_svg(title, rows, now, before))
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Show the figures as a table" } }
                div class="govuk-details__text" {
                    table class="govuk-table" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Name" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { (now) }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { (before) }
                        } }
                        tbody class="govuk-table__body" {
                            @for (i, (label, a, b)) in rows.iter().enumerate() { tr class="govuk-table__row" {
                                td class="govuk-table__cell" {
                                    @if let Some(Some(href)) = links.get(i) { a class="govuk-link" href=(href) { (label) span class="govuk-visually-hidden" { ": list them" } } }
                                    @else { (label) }
                                }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (a) } td class="govuk-table__cell govuk-table__cell--numeric" { (b) }
                            } }
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

/// A line chart of scores over time, drawn with plotters' SVG backend: the
/// x-axis is proportional to time (a month and three years are not the same
/// gap), labels sit inside the drawing area, and the figures are also given
/// as a table for screen readers and anyone who prefers one.
pub fn time_chart(title: &str, points: &[(chrono::NaiveDate, f64)], min: f64, max: f64) -> Markup {
    let svg = plot_over_time(points, min, max).unwrap_or_default();
    html! {
        figure class="govuk-!-margin-0 govuk-!-margin-bottom-4" {
            figcaption class="govuk-heading-s" { (title) }
            div class="lw-chart" role="img" aria-label={ (title) ": " (points.len()) " measures, from " (points.first().map(|p| p.0.format("%-d %b %Y").to_string()).unwrap_or_default()) " to " (points.last().map(|p| p.0.format("%-d %b %Y").to_string()).unwrap_or_default()) } {
                (PreEscaped(svg))
            }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Show the figures as a table" } }
                div class="govuk-details__text" {
                    table class="govuk-table" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "When" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Score" } } }
                        tbody class="govuk-table__body" {
                            @for (d, v) in points { tr class="govuk-table__row" { td class="govuk-table__cell" { (d.format("%-d %b %Y")) } td class="govuk-table__cell govuk-table__cell--numeric" { (format!("{v:.2}")) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The SVG of [`time_chart`]; `None` if plotters refuses.
fn plot_over_time(points: &[(chrono::NaiveDate, f64)], min: f64, max: f64) -> Option<String> {
    use plotters::prelude::*;
    let (first, last) = (points.first()?.0, points.last()?.0);
    // At least a month across, with a little room either side.
    let span = (last - first).num_days().max(30) as f64;
    let x0 = -span * 0.06;
    let x1 = span * 1.06;
    let day = |d: chrono::NaiveDate| (d - first).num_days() as f64;
    let (w, h) = (640u32, 280u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let font = ("sans-serif", 14).into_font().color(&RGBColor(11, 12, 12));
        let mut chart = ChartBuilder::on(&root)
            .margin_left(10)
            .margin_right(30)
            .margin_top(16)
            .margin_bottom(8)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, min..max)
            .ok()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(243, 242, 241))
            .axis_style(RGBColor(80, 90, 95))
            .x_labels(if span < 300.0 { 4 } else { 6 })
            .y_labels(5)
            .label_style(font.clone())
            .x_label_formatter(&|x: &f64| {
                let d = first + chrono::Duration::days(x.round() as i64);
                // Days for spans under a year, months beyond.
                d.format(if span < 300.0 { "%-d %b %Y" } else { "%b %Y" })
                    .to_string()
            })
            .y_label_formatter(&|y: &f64| format!("{y:.0}"))
            .draw()
            .ok()?;
        let blue = RGBColor(29, 112, 184);
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|(d, v)| (day(*d), *v)),
                ShapeStyle::from(&blue).stroke_width(3),
            ))
            .ok()?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(d, v)| Circle::new((day(*d), *v), 5, blue.filled())),
            )
            .ok()?;
        root.present().ok()?;
    }
    // Scale with the page instead of a fixed size.
    Some(svg.replacen(
        &format!("width=\"{w}\" height=\"{h}\""),
        "width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" aria-hidden=\"true\" focusable=\"false\"",
        1,
    ))
}

/// Counts month by month, several lines on one chart (drawn with plotters'
/// SVG backend), each line with its own colour, dash and marker so that
/// they can be told apart without colour; a key above it, and the figures
/// as a table for screen readers and anyone who prefers one.
pub fn monthly_chart(
    title: &str,
    months: &[chrono::NaiveDate],
    series: &[(&str, Vec<i64>)],
) -> Markup {
    let label = |m: &chrono::NaiveDate| m.format("%b %Y").to_string();
    html! {
        figure class="govuk-!-margin-0 govuk-!-margin-bottom-6" {
            figcaption class="govuk-heading-s" { (title) }
            (monthly_svg(title, months, series))
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Show the figures as a table" } }
                div class="govuk-details__text lw-scroll" tabindex="0" role="region" aria-label={ (title) ": table" } {
                    table class="govuk-table" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Month" }
                            @for (name, _) in series { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (name) } }
                        } }
                        tbody class="govuk-table__body" {
                            @for (i, m) in months.iter().enumerate() { tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { (label(m)) }
                                @for (_, values) in series { td class="govuk-table__cell govuk-table__cell--numeric" { (values.get(i).copied().unwrap_or(0)) } }
                            } }
                        }
                    }
                }
            }
        }
    }
}

/// The key and the drawing of [`monthly_chart`] (the printable report
/// puts its own table beside them).
pub fn monthly_svg(
    title: &str,
    months: &[chrono::NaiveDate],
    series: &[(&str, Vec<i64>)],
) -> Markup {
    let svg = plot_months(months, series).unwrap_or_default();
    let label = |m: &chrono::NaiveDate| m.format("%b %Y").to_string();
    html! {
        ul class="govuk-list lw-key" aria-hidden="true" {
            @for (i, (name, _)) in series.iter().enumerate() {
                li { span class={ "lw-key__mark lw-key__mark--" (i) } {} (name) }
            }
        }
        div class="lw-chart" role="img" aria-label={ (title) ", " (months.first().map(label).unwrap_or_default()) " to " (months.last().map(label).unwrap_or_default()) ": " (series.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")) } {
            (PreEscaped(svg))
        }
    }
}

/// The colours of [`monthly_chart`]'s lines, in order (each at least 3:1
/// against white): blue, red, green, as in the page's styles.
const LINE_COLOURS: [(u8, u8, u8); 3] = [(29, 112, 184), (212, 53, 28), (0, 112, 60)];

/// The SVG of [`monthly_chart`]; `None` if plotters refuses or there is
/// nothing to draw.
fn plot_months(months: &[chrono::NaiveDate], series: &[(&str, Vec<i64>)]) -> Option<String> {
    use plotters::prelude::*;
    if months.is_empty() {
        return None;
    }
    let n = months.len();
    let top = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (w, h) = (640u32, 300u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let font = ("sans-serif", 14).into_font().color(&RGBColor(11, 12, 12));
        let mut chart = ChartBuilder::on(&root)
            .margin_left(10)
            .margin_right(24)
            .margin_top(16)
            .margin_bottom(8)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top * 1.1)
            .ok()?;
        let labels = n.min(if n <= 12 { 6 } else { 8 });
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(243, 242, 241))
            .axis_style(RGBColor(80, 90, 95))
            .x_labels(labels)
            .y_labels(5)
            .label_style(font)
            .x_label_formatter(&|x: &f64| {
                let i = x.round();
                if i < 0.0 || (x - i).abs() > 0.01 {
                    return String::new();
                }
                months
                    .get(i as usize)
                    .map(|m| m.format("%b %y").to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y: &f64| format!("{y:.0}"))
            .draw()
            .ok()?;
        for (k, (_, values)) in series.iter().enumerate() {
            let (r, g, b) = LINE_COLOURS[k % LINE_COLOURS.len()];
            let colour = RGBColor(r, g, b);
            let points: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as f64, *v as f64))
                .collect();
            let style = ShapeStyle::from(&colour).stroke_width(3);
            match k % 3 {
                0 => {
                    chart
                        .draw_series(LineSeries::new(points.clone(), style))
                        .ok()?;
                    chart
                        .draw_series(points.iter().map(|p| Circle::new(*p, 4, colour.filled())))
                        .ok()?;
                }
                1 => {
                    chart
                        .draw_series(DashedLineSeries::new(points.clone(), 10, 6, style))
                        .ok()?;
                    chart
                        .draw_series(
                            points
                                .iter()
                                .map(|p| TriangleMarker::new(*p, 6, colour.filled())),
                        )
                        .ok()?;
                }
                _ => {
                    chart
                        .draw_series(DashedLineSeries::new(points.clone(), 3, 5, style))
                        .ok()?;
                    chart
                        .draw_series(
                            points.iter().map(|p| {
                                Cross::new(*p, 5, ShapeStyle::from(&colour).stroke_width(3))
                            }),
                        )
                        .ok()?;
                }
            }
        }
        root.present().ok()?;
    }
    Some(svg.replacen(
        &format!("width=\"{w}\" height=\"{h}\""),
        "width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" aria-hidden=\"true\" focusable=\"false\"",
        1,
    ))
}

#[cfg(test)]
mod chart_tests {
    use super::plot_over_time;
    use chrono::NaiveDate;

    fn attr(tag: &str, name: &str) -> Option<f64> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[start..].split('"').next()?.parse().ok()
    }

    #[test]
    fn time_is_proportional_and_labels_stay_inside() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        let points = [
            (d(2023, 1, 10), 14.0),
            (d(2023, 2, 9), 18.0),
            (d(2026, 1, 9), 26.0),
        ];
        let svg = plot_over_time(&points, 7.0, 35.0).unwrap_or_default();
        let xs: Vec<f64> = svg
            .split("<circle")
            .skip(1)
            .filter_map(|t| attr(t, "cx"))
            .collect();
        assert_eq!(xs.len(), 3, "{svg}");
        let ratio = (xs[1] - xs[0]) / (xs[2] - xs[0]);
        let days = 30.0 / (d(2026, 1, 9) - d(2023, 1, 10)).num_days() as f64;
        assert!((ratio - days).abs() < 0.01, "{ratio} vs {days}");
        for t in svg.split("<text").skip(1) {
            let x = attr(t, "x").unwrap_or(0.0);
            assert!((0.0..=640.0).contains(&x), "a label at x={x}");
        }
        assert!(svg.contains("width=\"100%\"") && svg.contains("Jan 2023"));
    }
}
