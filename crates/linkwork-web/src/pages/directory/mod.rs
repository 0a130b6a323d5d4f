//! The community directory: find support (list and map), one service's
//! page, adding and editing entries, checking them, reporting problems, the
//! review queue, visits, and the administrators' imports.

mod edit;
mod io;
mod mapping;
mod orgs;
mod partnership;

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted, urlencode};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::directory::index::Hit;
use linkwork_app::directory::{ProblemInput, SearchInput, SearchOutcome, Term, VisitInput};
use linkwork_domain::directory::{DAYS, ProblemKind, ReferralRoute, Running, ServiceStatus};
use linkwork_domain::referral::{OnwardStatus, label_of};
use linkwork_domain::{FieldErrors, Permission};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/directory", get(search))
        .route("/directory/services/{id}", get(service))
        .route("/directory/services/{id}/assure", post(assure))
        .route("/directory/services/{id}/report", post(report))
        .route("/directory/review", get(review))
        .route("/directory/reports/{id}/resolve", post(resolve))
        .route("/directory/organizations/{id}/visits", post(visit))
        .route("/people/{id}/find-support", post(record_choice))
        .merge(edit::routes())
        .merge(io::routes())
        .merge(mapping::routes())
        .merge(orgs::routes())
        .merge(partnership::routes())
}

/// The search form's fields, plus the person it is for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    q: String,
    postcode: String,
    category: String,
    audience: String,
    age: String,
    day: String,
    free: String,
    open_now: String,
    on: String,
    page: String,
    /// The person's record this search is for ("Find support").
    #[serde(rename = "for")]
    for_person: String,
    /// `area:ID` or `cluster:ID`: near the practices there.
    near: String,
}

const PER_PAGE: usize = 20;

async fn search(
    State(state): State<WebState>,
    page: Page,
    Query(f): Query<SearchForm>,
) -> Result<Response, PageError> {
    let terms = state.app.directory_terms(&page.ctx).await?;
    let places: Vec<(String, String)> = {
        let areas = state.app.list_areas(&page.ctx).await?;
        let clusters = state.app.list_clusters(&page.ctx).await?;
        std::iter::once((String::new(), "Anywhere".to_owned()))
            .chain(
                areas
                    .iter()
                    .map(|a| (format!("area:{}", a.id), a.name.clone())),
            )
            .chain(
                clusters
                    .iter()
                    .map(|c| (format!("cluster:{}", c.id), format!("— {} cluster", c.name))),
            )
            .collect()
    };
    let page_no = f.page.trim().parse::<usize>().unwrap_or(1).max(1);
    let input = SearchInput {
        q: f.q.clone(),
        postcode: f.postcode.clone(),
        category: vec![f.category.clone()],
        audience: vec![f.audience.clone()],
        age: f.age.clone(),
        day: f.day.clone(),
        free: f.free.clone(),
        open_now: f.open_now.clone(),
        on: f.on.clone(),
        area: f.near.strip_prefix("area:").unwrap_or_default().to_owned(),
        cluster: f
            .near
            .strip_prefix("cluster:")
            .unwrap_or_default()
            .to_owned(),
        limit: PER_PAGE.to_string(),
        offset: ((page_no - 1) * PER_PAGE).to_string(),
        ..Default::default()
    };
    let for_person = f.for_person.trim().parse::<i64>().ok().filter(|p| *p > 0);
    let (outcome, errors) = match state.app.search_directory(&page.ctx, &input).await {
        Ok(o) => (Some(o), FieldErrors::new()),
        Err(AppError::Invalid(e)) => (None, e),
        Err(e) => return Err(e.into()),
    };
    let tiles = (
        state.config.map_tiles.clone(),
        state.config.map_attribution.clone(),
    );
    let errors = match crate::pages::parts::rename(
        AppError::Invalid(errors),
        &[("area", "near"), ("cluster", "near")],
    ) {
        AppError::Invalid(e) => e,
        _ => FieldErrors::new(),
    };
    let body = search_body(
        &page,
        &f,
        &terms,
        &places,
        outcome.as_ref(),
        &errors,
        for_person,
        page_no,
        &tiles,
    );
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout("Find support", Some(&page), Some(&errors), body).into_string()),
    )
        .into_response())
}

fn term_options(terms: &[Term], taxonomy: &str, any: &str) -> Vec<(String, String)> {
    let top: Vec<&Term> = terms
        .iter()
        .filter(|t| t.taxonomy == taxonomy && t.parent_id.is_none())
        .collect();
    let mut out = vec![(String::new(), any.to_owned())];
    let mut tops = top.clone();
    tops.sort_by(|a, b| a.name.cmp(&b.name));
    for t in tops {
        out.push((t.code.clone(), t.name.clone()));
        let mut kids: Vec<&Term> = terms.iter().filter(|k| k.parent_id == Some(t.id)).collect();
        kids.sort_by(|a, b| a.name.cmp(&b.name));
        for k in kids {
            out.push((k.code.clone(), format!("— {}", k.name)));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn search_body(
    page: &Page,
    f: &SearchForm,
    terms: &[Term],
    places: &[(String, String)],
    outcome: Option<&SearchOutcome>,
    errors: &FieldErrors,
    for_person: Option<i64>,
    page_no: usize,
    tiles: &(Option<String>, Option<String>),
) -> Markup {
    let days: Vec<(String, String)> = std::iter::once((String::new(), "Any day".to_owned()))
        .chain(DAYS.iter().map(|(c, n)| ((*c).to_owned(), (*n).to_owned())))
        .collect();
    let can_edit = page.ctx.actor.can(Permission::EditDirectory);
    let query_string = format!(
        "q={}&postcode={}&category={}&audience={}&age={}&day={}&free={}&open_now={}&on={}&near={}&for={}",
        urlencode(&f.q),
        urlencode(&f.postcode),
        urlencode(&f.category),
        urlencode(&f.audience),
        urlencode(&f.age),
        urlencode(&f.day),
        urlencode(&f.free),
        urlencode(&f.open_now),
        urlencode(&f.on),
        urlencode(&f.near),
        for_person.map(|p| p.to_string()).unwrap_or_default()
    );
    html! {
        h1 class="govuk-heading-l" { "Find support" }
        @if let Some(pid) = for_person {
            div class="govuk-inset-text" {
                "You are finding support for the person whose record you came from. Choose “Refer” or “Signpost” on a service to record it on their record. "
                a class="govuk-link" href={ "/people/" (pid) "#onward" } { "Back to their record" }
            }
        }
        @if can_edit {
            p class="govuk-body" {
                a class="govuk-link" href="/directory/services/new" { "Add a service" } " · "
                a class="govuk-link" href="/directory/review" { "Entries to check" }
                @if page.ctx.actor.can(Permission::ManageDirectory) { " · " a class="govuk-link" href="/directory/import" { "Import or export" } }
            }
        }
        p class="govuk-body" {
            @if page.ctx.actor.can(Permission::WorkWithParticipants) { a class="govuk-link" href="/directory/gaps" { "Gaps in local support" } " · " }
            a class="govuk-link" href="/directory/packs" { "Practice information packs" }
        }
        form method="get" action="/directory" class="lw-directory-search" novalidate {
            @if let Some(pid) = for_person { input type="hidden" name="for" value=(pid); }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" {
                    (html::text_field("q", "What are you looking for?", &f.q, errors, Input { kind: "search", hint: Some("For example: food bank, walking group, debt advice"), ..Default::default() }))
                }
                div class="govuk-grid-column-one-half" {
                    (html::text_field("postcode", "Near (postcode or district)", &f.postcode, errors, Input { hint: Some("For example: G51 4TR or G51"), width: Some("10"), autocomplete: Some("postal-code"), ..Default::default() }))
                }
            }
            details class="govuk-details" open[!(f.category.is_empty() && f.audience.is_empty() && f.age.is_empty() && f.day.is_empty() && f.free.is_empty() && f.open_now.is_empty() && f.on.is_empty() && f.near.is_empty())] {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "More filters" } }
                div class="govuk-details__text" {
                    div class="govuk-grid-row" {
                        div class="govuk-grid-column-one-half" {
                            (html::select("category", "Kind of support", &term_options(terms, "what", "Any kind"), &f.category, errors, None))
                            (html::select("audience", "For", &term_options(terms, "who", "Anyone"), &f.audience, errors, None))
                            (html::select("near", "Near the practices of", places, &f.near, errors, None))
                        }
                        div class="govuk-grid-column-one-half" {
                            (html::text_field("age", "Age of the person (optional)", &f.age, errors, Input { width: Some("3"), kind: "text", ..Default::default() }))
                            (html::select("day", "Day", &days, &f.day, errors, None))
                            (html::text_field("on", "On a date (optional)", &f.on, errors, Input { hint: Some("To plan ahead: judges seasons and closures for that day. For example: 15 1 2027"), width: Some("10"), ..Default::default() }))
                        }
                    }
                    div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4" data-module="govuk-checkboxes" {
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id="free" name="free" type="checkbox" value="true" checked[!f.free.is_empty()];
                            label class="govuk-label govuk-checkboxes__label" for="free" { "Free of charge" }
                        }
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id="open_now" name="open_now" type="checkbox" value="true" checked[!f.open_now.is_empty()];
                            label class="govuk-label govuk-checkboxes__label" for="open_now" { "Open now" }
                        }
                    }
                }
            }
            button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
        }
        @if let Some(o) = outcome {
            (results(page, o, for_person, &query_string, page_no, tiles))
        }
    }
}

fn results(
    page: &Page,
    o: &SearchOutcome,
    for_person: Option<i64>,
    query_string: &str,
    page_no: usize,
    tiles: &(Option<String>, Option<String>),
) -> Markup {
    let r = &o.results;
    let markers: Vec<serde_json::Value> = r
        .items
        .iter()
        .filter_map(|h| {
            let l = h.location.as_ref()?;
            Some(serde_json::json!({ "id": h.id, "name": h.name, "lat": l.latitude?, "lon": l.longitude? }))
        })
        .collect();
    let centre = o
        .place
        .as_ref()
        .map(|p| serde_json::json!({ "lat": p.latitude, "lon": p.longitude, "label": p.label }));
    let map_data = serde_json::json!({ "markers": markers, "centre": centre })
        .to_string()
        .replace("</", "<\\/");
    html! {
        h2 class="govuk-heading-m" id="results" aria-live="polite" {
            @match r.total { 0 => { "No services found" }, 1 => { "1 service found" }, n => { (n) " services found" } }
            @if let Some(p) = &o.place { " near " (p.label) }
        }
        @if let Some(p) = &o.place { @if p.approximate {
            p class="govuk-body" { "We do not have that exact postcode, so distances are from the middle of its district." }
        } }
        @if r.partial { p class="govuk-body" { "No service matched every word, so these match some of them." } }
        @if !markers.is_empty() {
            div class="lw-map" id="lw-map" role="region" aria-label="Map of these services (the list below has the same services)" data-tiles=[tiles.0.as_deref()] data-attribution=[tiles.1.as_deref()] {}
            script type="application/json" id="lw-map-data" { (PreEscaped(map_data)) }
        }
        ol class="lw-results" {
            @for h in &r.items {
                li class="lw-result" id={ "service-" (h.id) } { (hit(page, h, for_person)) }
            }
        }
        (html::pagination(&format!("/directory?{query_string}"), page_no as i64, PER_PAGE as i64, r.total as i64))
    }
}

fn running_tag(h: &Hit) -> Markup {
    html! {
        @match (h.status, h.running) {
            (ServiceStatus::TemporarilyClosed, Running::Closed) => strong class="govuk-tag govuk-tag--red" { "Temporarily closed" @if let Some(u) = h.closed_until { " until " (crate::pages::parts::date(u)) } },
            (_, Running::OutOfSeason) => strong class="govuk-tag govuk-tag--grey" { "Not running then (out of season)" },
            _ => {},
        }
        @if h.overdue { " " strong class="govuk-tag govuk-tag--yellow" { "Due for a check" } }
    }
}

fn hit(page: &Page, h: &Hit, for_person: Option<i64>) -> Markup {
    html! {
        h3 class="govuk-heading-s govuk-!-margin-bottom-1" {
            a class="govuk-link" href={ "/directory/services/" (h.id) @if let Some(p) = for_person { "?for=" (p) } } { (h.name) }
        }
        p class="govuk-body-s govuk-!-margin-bottom-1" {
            (h.organization)
            @if let Some(d) = h.distance_km { " · " strong { (format!("{d:.1} km")) } " away" }
            @if h.reach != linkwork_domain::directory::Reach::Local { " · " (h.reach.label()) }
            " · " @if h.free { "Free" } @else { (h.cost.as_deref().unwrap_or("There is a charge")) }
        }
        (running_tag(h))
        @if !h.snippet.is_empty() { p class="govuk-body-s govuk-!-margin-bottom-1" { (h.snippet) } }
        @if !h.when.is_empty() { p class="govuk-body-s govuk-!-margin-bottom-1" { "When: " (h.when.join("; ")) } }
        @if let Some(l) = &h.location { p class="govuk-body-s govuk-!-margin-bottom-1" { "Where: " (place_line(&l.name, &l.address, l.postcode.as_deref())) } }
        p class="govuk-body-s govuk-!-margin-bottom-1" {
            @if let Some(ph) = &h.phone { "Phone " (ph) " " }
            @if let Some(a) = h.last_assured { span class="lw-muted" { "Checked " (crate::pages::parts::date(a)) } } @else { span class="lw-muted" { "Never checked" } }
        }
        @if let Some(pid) = for_person {
            form method="post" action={ "/people/" (pid) "/find-support" } class="lw-inline-form govuk-!-margin-top-2" {
                (html::csrf(page))
                input type="hidden" name="service_id" value=(h.id);
                button type="submit" name="choice" value="referral" class="govuk-button govuk-!-margin-bottom-1" data-module="govuk-button" { "Refer" span class="govuk-visually-hidden" { " to " (h.name) } }
                " "
                button type="submit" name="choice" value="signposting" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1" data-module="govuk-button" { "Signpost" span class="govuk-visually-hidden" { " to " (h.name) } }
            }
        }
    }
}

fn place_line(name: &str, address: &str, postcode: Option<&str>) -> String {
    [name, address, postcode.unwrap_or_default()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChoiceForm {
    service_id: String,
    choice: String,
}

/// "Refer" or "Signpost" from the search: one step onto the person's record.
async fn record_choice(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<ChoiceForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let input = linkwork_app::casework::OnwardInput {
        kind: p.form.choice.clone(),
        service_id: p.form.service_id.clone(),
        status: if p.form.choice == "referral" {
            OnwardStatus::Referred.code()
        } else {
            OnwardStatus::Suggested.code()
        }
        .to_owned(),
        ..Default::default()
    };
    let r = state
        .app
        .add_onward(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    crate::pages::record::back(&state, &p.page, pid, "onward", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ForQuery {
    #[serde(rename = "for")]
    for_person: String,
    done: String,
}

async fn service(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<ForQuery>,
) -> Result<Response, PageError> {
    service_page(&state, &page, path_id(&id)?, &q, &FieldErrors::new()).await
}

async fn service_page(
    state: &WebState,
    page: &Page,
    id: i64,
    q: &ForQuery,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let s = state.app.directory_service(&page.ctx, id).await?;
    let can_edit = page.ctx.actor.can(Permission::EditDirectory);
    let for_person = q.for_person.trim().parse::<i64>().ok();
    let v = &s.service;
    let problems: Vec<(&str, &str)> = ProblemKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let routes: Vec<&str> = v
        .referral_routes
        .split('|')
        .filter_map(ReferralRoute::parse)
        .map(ReferralRoute::label)
        .collect();
    let row = |k: &str, val: Markup| html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (val) } } };
    let body = html! {
        (html::back_link(&match for_person { Some(p) => format!("/directory?for={p}"), None => "/directory".into() }, "Back to the search"))
        @match q.done.as_str() {
            "assured" => (html::success_banner("Marked as checked today.")),
            "reported" => (html::success_banner("Thank you: the problem is in the queue for the link workers to check.")),
            "saved" => (html::success_banner("Saved.")),
            "visit" => (html::success_banner("Visit recorded.")),
            _ => {},
        }
        span class="govuk-caption-l" { a class="govuk-link govuk-link--no-visited-state" href={ "/directory/organizations/" (s.organization.id) } { (s.organization.name) } }
        h1 class="govuk-heading-l" { (v.name) }
        @if s.status != ServiceStatus::Active {
            div class="govuk-warning-text" { span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (s.status.label())
                    @if let Some(r) = &v.closed_reason { ": " (r) }
                    @if let Some(u) = v.closed_until { " (until " (crate::pages::parts::date(u)) ")" } } }
        }
        @if s.overdue { p class="govuk-body" { strong class="govuk-tag govuk-tag--yellow" { "Due for a check" } } }
        @for para in v.description.lines() { p class="govuk-body" { (para) } }
        @if let Some((gid, gname)) = &s.group && page.ctx.actor.can(linkwork_domain::Permission::WorkWithParticipants) {
            div class="govuk-inset-text" { "A group the programme runs: " a class="govuk-link" href={ "/groups/" (gid) } { (gname) } ". Register people with it from their records." }
        }
        @if let Some(pid) = for_person {
            form method="post" action={ "/people/" (pid) "/find-support" } class="govuk-!-margin-bottom-6" {
                (html::csrf(page))
                input type="hidden" name="service_id" value=(id);
                div class="govuk-button-group" {
                    button type="submit" name="choice" value="referral" class="govuk-button" data-module="govuk-button" { "Refer to this service" }
                    button type="submit" name="choice" value="signposting" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Signpost to this service" }
                }
            }
        }
        dl class="govuk-summary-list" {
            (row("When", html! { @if s.when.is_empty() { "By arrangement, or any time" } @else { ul class="govuk-list" { @for w in &s.when { li { (w) } } } } }))
            (row("Where", html! { @if s.locations.is_empty() { "No fixed place" } @else { ul class="govuk-list" { @for l in &s.locations { li { (place_line(&l.name, &l.address, l.postcode.as_deref())) @if !l.accessibility.is_empty() { br; span class="govuk-body-s" { "Access: " (l.accessibility.replace('|', ", ")) } } } } } } }))
            (row("How to refer", html! { @if routes.is_empty() && v.referral_notes.is_none() { "Not recorded" } @else { ul class="govuk-list" { @for r in &routes { li { (r) } } } @if let Some(n) = &v.referral_notes { p class="govuk-body" { (n) } } } }))
            @if let Some(c) = &v.capacity_note { (row("Capacity or waiting", html! { (c) })) }
            (row("Contact", html! {
                @if let Some(ph) = &v.phone { "Phone " (ph) br; }
                @if let Some(m) = &v.email { "Email " a class="govuk-link" href={ "mailto:" (m) } { (m) } br; }
                @if let Some(u) = &v.url { a class="govuk-link" href=(u) rel="noopener" { (u) } }
            }))
            (row("Cost", html! { @if v.free { "Free" } @else { (v.cost.as_deref().unwrap_or("There is a charge")) } }))
            (row("Who it is for", html! {
                @if s.audiences.is_empty() { "Anyone" } @else { (s.audiences.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")) }
                @match (v.min_age, v.max_age) { (Some(a), Some(b)) => { " · ages " (a) " to " (b) }, (Some(a), None) => { " · aged " (a) " and over" }, (None, Some(b)) => { " · up to age " (b) }, _ => {} }
            }))
            (row("Kind of support", html! { (s.categories.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")) }))
            (row("Reach", html! { (linkwork_domain::directory::Reach::parse(&v.reach).map_or("Local", |r| r.label())) }))
            @if !v.languages.is_empty() { (row("Languages", html! { (v.languages) })) }
            (row("Last checked", html! { @match v.assured_on { Some(d) => { (crate::pages::parts::date(d)) @if let Some(b) = &v.assured_by { " by " (b) } }, None => "Never" } @if let Some(d) = s.review_due { " · next check due " (crate::pages::parts::date(d)) } }))
            @if can_edit { @if let Some(n) = &v.staff_notes { (row("Notes for programme staff", html! { (n) })) } }
        }
        @if can_edit {
            div class="govuk-button-group" {
                a class="govuk-button govuk-button--secondary" href={ "/directory/services/" (id) "/edit" } { "Edit" }
                form method="post" action={ "/directory/services/" (id) "/assure" } class="lw-inline-form" {
                    (html::csrf(page))
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Mark as checked today" }
                }
            }
        }
        h2 class="govuk-heading-m" { "Onward referrals and signposting to it" }
        @if s.onward.is_empty() { p class="govuk-body" { "None recorded yet." } } @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Onward referrals by where they stand" }
                thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Where it stands" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "People" } } }
                tbody class="govuk-table__body" { @for (st, n) in &s.onward { tr class="govuk-table__row" { td class="govuk-table__cell" { (OnwardStatus::parse(st).map_or(st.as_str(), |x| x.label())) } td class="govuk-table__cell govuk-table__cell--numeric" { (n) } } } }
            }
        }
        @if let Some(people) = &s.people {
            @if !people.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-table__caption--s" { "The latest, of people whose records you can see" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Person" }
                        th scope="col" class="govuk-table__header" { "How" }
                        th scope="col" class="govuk-table__header" { "Where it stands" }
                        th scope="col" class="govuk-table__header" { "Outcome" }
                        th scope="col" class="govuk-table__header" { "Last changed" }
                    } }
                    tbody class="govuk-table__body" { @for o in people { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="Person" { a class="govuk-link" href={ "/people/" (o.participant_id) "#onward" } { (o.given_name) " " (o.family_name) } br; span class="govuk-hint" { (o.site) } }
                        td class="govuk-table__cell" data-label="How" { (label_of(&linkwork_app::casework::ONWARD_KINDS, &o.kind)) }
                        td class="govuk-table__cell" data-label="Where it stands" { (OnwardStatus::parse(&o.status).map_or(o.status.as_str(), |x| x.label())) }
                        td class="govuk-table__cell" data-label="Outcome" { (o.outcome.as_deref().unwrap_or("")) }
                        td class="govuk-table__cell" data-label="Last changed" { (html::date_time(o.updated_at)) }
                    } } }
                }
            }
        }
        @if !s.reports.is_empty() {
            h2 class="govuk-heading-m" { "Problems reported" }
            ul class="govuk-list govuk-list--bullet" { @for r in &s.reports { li { (ProblemKind::parse(&r.kind).map_or("Problem", |k| k.label())) @if let Some(d) = &r.details { ": " (d) } " (" (html::date_time(r.reported_at)) ")" } } }
        }
        details class="govuk-details" open[errors.for_field("kind").is_some() || errors.for_field("details").is_some()] {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Report a problem with this entry" } }
            div class="govuk-details__text" {
                form method="post" action={ "/directory/services/" (id) "/report" } novalidate {
                    (html::csrf(page))
                    (html::radios("kind", "What is wrong?", &problems, "", errors, false))
                    (html::textarea("details", "Tell us more (optional)", "", errors, None))
                    (html::button("Send"))
                }
            }
        }
        @if can_edit {
            h2 class="govuk-heading-m" { "Visits to " (s.organization.name) }
            @if s.visits.is_empty() { p class="govuk-body" { "No visits recorded." } }
            ul class="govuk-list" { @for vi in &s.visits { li { (crate::pages::parts::date(vi.visited_on)) @if let Some(b) = &vi.visited_by_name { " · " (b) } @if let Some(m) = &vi.met { " · met " (m) } @if let Some(pw) = &vi.pathway { br; span class="govuk-body-s" { "Pathway agreed: " (pw) } } } } }
            details class="govuk-details" open[errors.for_field("visited_on").is_some()] {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record a visit" } }
                div class="govuk-details__text" {
                    form method="post" action={ "/directory/organizations/" (s.organization.id) "/visits" } novalidate {
                        (html::csrf(page))
                        input type="hidden" name="service_id" value=(id);
                        (html::text_field("visited_on", "Date of the visit", "", errors, Input { hint: Some("For example: 27 11 2026"), width: Some("10"), ..Default::default() }))
                        (html::text_field("met", "Who you met (optional)", "", errors, Input::default()))
                        (html::textarea("pathway", "Referral pathway agreed (optional)", "", errors, None))
                        (html::button("Record the visit"))
                    }
                }
            }
            h2 class="govuk-heading-m" { "History" }
            ul class="govuk-list" { @for h in &s.history { li { (html::date_time(h.changed_at)) " · " (h.changed_by_name) " · " (h.summary) } } }
        }
    };
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout(&v.name, Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

async fn assure(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.assure_directory_service(&p.page.ctx, id).await?;
    Ok(Redirect::to(&format!("/directory/services/{id}?done=assured")).into_response())
}

async fn report(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<ProblemInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .report_directory_problem(&p.page.ctx, id, &p.form)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/directory/services/{id}?done=reported")).into_response())
        }
        Err(AppError::Invalid(e)) => {
            service_page(&state, &p.page, id, &ForQuery::default(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VisitForm {
    service_id: String,
    visited_on: String,
    met: String,
    pathway: String,
}

async fn visit(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<VisitForm>,
) -> Result<Response, PageError> {
    let org = path_id(&id)?;
    let service = path_id(&p.form.service_id)?;
    let input = VisitInput {
        visited_on: p.form.visited_on.clone(),
        met: p.form.met.clone(),
        pathway: p.form.pathway.clone(),
    };
    match state
        .app
        .record_directory_visit(&p.page.ctx, org, &input)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/directory/services/{service}?done=visit")).into_response())
        }
        Err(AppError::Invalid(e)) => {
            service_page(&state, &p.page, service, &ForQuery::default(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewQuery {
    all: String,
}

async fn review(
    State(state): State<WebState>,
    page: Page,
    Query(rq): Query<ReviewQuery>,
) -> Result<Response, PageError> {
    // Link workers see the entries near their own practices first.
    let mine = page.ctx.actor.role == linkwork_domain::Role::LinkWorker && rq.all.is_empty();
    let q = state.app.directory_review_queue(&page.ctx, mine).await?;
    let none = FieldErrors::new();
    let body = html! {
        h1 class="govuk-heading-l" { "Entries to check" }
        p class="govuk-body" { "An entry is due for a check when it was last checked on or before " (crate::pages::parts::date(q.checked_before)) ". Overdue entries are marked and come lower in searches." }
        p class="govuk-body" {
            @if q.mine { "Showing entries near your practices. " a class="govuk-link" href="/directory/review?all=1" { "Show the whole programme" } }
            @else if page.ctx.actor.role == linkwork_domain::Role::LinkWorker { "Showing the whole programme. " a class="govuk-link" href="/directory/review" { "Show entries near your practices" } }
        }
        h2 class="govuk-heading-m" { "Problems reported (" (q.reports.len()) ")" }
        @if q.reports.is_empty() { p class="govuk-body" { "None open." } }
        @for r in &q.reports {
            div class="govuk-summary-card" {
                div class="govuk-summary-card__title-wrapper" {
                    h3 class="govuk-summary-card__title" { a class="govuk-link" href={ "/directory/services/" (r.service_id) } { (r.service_name) } }
                    strong class="govuk-tag" { (ProblemKind::parse(&r.kind).map_or("Problem", |k| k.label())) }
                }
                div class="govuk-summary-card__content" {
                    @if let Some(d) = &r.details { p class="govuk-body" { (d) } }
                    p class="govuk-body-s" { "Reported " (html::date_time(r.reported_at)) @if let Some(b) = &r.reported_by_name { " by " (b) } }
                    form method="post" action={ "/directory/reports/" (r.id) "/resolve" } novalidate {
                        (html::csrf(&page))
                        (html::text_field(&format!("resolution-{}", r.id), "What was done", "", &none, Input::default()))
                        button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Mark as dealt with" }
                    }
                }
            }
        }
        h2 class="govuk-heading-m" { "Due for a check (" (q.due.len()) @if q.due.len() >= 200 { "+" } ")" }
        @if q.due.is_empty() { p class="govuk-body" { "Every entry has been checked recently." } } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Entries due for a check, oldest first" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Service" } th scope="col" class="govuk-table__header" { "Organisation" }
                    th scope="col" class="govuk-table__header" { "Last checked" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Open problems" } } }
                tbody class="govuk-table__body" { @for d in &q.due { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Service" { a class="govuk-link" href={ "/directory/services/" (d.id) } { (d.name) } }
                    td class="govuk-table__cell" data-label="Organisation" { (d.organization) }
                    td class="govuk-table__cell" data-label="Last checked" { @match d.assured_on { Some(a) => { (crate::pages::parts::date(a)) }, None => "Never" } }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Open problems" { (d.open_reports) }
                } } }
            }
        }
    };
    Ok(
        Html(html::layout("Entries to check", Some(&page), None, body).into_string())
            .into_response(),
    )
}

async fn resolve(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let text = p
        .form
        .get(&format!("resolution-{id}"))
        .cloned()
        .unwrap_or_default();
    let text = if text.trim().is_empty() {
        "Checked".to_owned()
    } else {
        text
    };
    state
        .app
        .resolve_directory_report(&p.page.ctx, id, &text)
        .await?;
    Ok(Redirect::to("/directory/review").into_response())
}

/// The "Find support" button on a person's record: the search at their
/// postcode, for their open needs.
pub fn find_support_link(pid: i64, postcode: Option<&str>, needs: &[String]) -> String {
    let category = needs
        .iter()
        .find_map(|n| linkwork_domain::directory::category_for_need(n))
        .unwrap_or_default();
    format!(
        "/directory?for={pid}&postcode={}&category={}",
        urlencode(postcode.unwrap_or_default()),
        urlencode(category)
    )
}
