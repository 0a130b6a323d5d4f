//! Asset mapping: the gap report and the practice information packs.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::path_id;
use crate::session::Page;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use linkwork_app::directory::gaps::GroupBy;
use linkwork_app::org::SiteFilter;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/directory/gaps", get(gaps))
        .route("/directory/packs", get(packs))
        .route("/directory/packs/{id}", get(pack))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GapQuery {
    by: String,
}

async fn gaps(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<GapQuery>,
) -> Result<Response, PageError> {
    let by = if q.by == "cluster" {
        GroupBy::Cluster
    } else {
        GroupBy::Area
    };
    let r = state.app.gap_report(&page.ctx, by).await?;
    let gaps = r.gaps();
    let mut by_need: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for g in &gaps {
        *by_need.entry(g.need_label.clone()).or_insert(0) += g.people;
    }
    let mut chart: Vec<(String, i64)> = by_need.into_iter().collect();
    chart.sort_by_key(|x| std::cmp::Reverse(x.1));
    let place_word = if by == GroupBy::Cluster {
        "Cluster"
    } else {
        "Area"
    };
    let body = html! {
        h1 class="govuk-heading-l" { "Gaps in local support" }
        p class="govuk-body" {
            "People with an open need (recorded in one-to-one work), against the active services in the directory that meet that kind of need within "
            (r.local_km) " km of the place’s practices (or that serve those practices). A need with nothing local is a gap. Helplines and regional services are counted apart."
        }
        p class="govuk-body" {
            "Group by: "
            @if by == GroupBy::Area { strong { "area" } " · " a class="govuk-link" href="/directory/gaps?by=cluster" { "cluster" } }
            @else { a class="govuk-link" href="/directory/gaps?by=area" { "area" } " · " strong { "cluster" } }
        }
        @if !r.unplaced.is_empty() {
            div class="govuk-inset-text" { "These practices’ postcodes are not in the postcode lookup, so nothing counts as local to them: " (r.unplaced.join(", ")) "." }
        }
        h2 class="govuk-heading-m" { "The gaps (" (gaps.len()) ")" }
        @if gaps.is_empty() { p class="govuk-body" { "Every recorded need has at least one local service." } } @else {
            (html::bar_chart("People whose need has no local service, by need", &chart))
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Needs with nothing local" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { (place_word) } th scope="col" class="govuk-table__header" { "Need" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "People" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Helplines and regional" } } }
                tbody class="govuk-table__body" { @for g in &gaps { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label=(place_word) { (g.place) }
                    td class="govuk-table__cell" data-label="Need" { (g.need_label) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="People" { (g.people) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Helplines and regional" { (g.wider) } } } }
            }
        }
        h2 class="govuk-heading-m" { "Every need, with the services that meet it" }
        table class="govuk-table" data-cards {
            caption class="govuk-table__caption govuk-visually-hidden" { "Needs against services" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { (place_word) } th scope="col" class="govuk-table__header" { "Need" }
                th scope="col" class="govuk-table__header" { "Kind of service" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "People" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Local services" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Helplines and regional" } } }
            tbody class="govuk-table__body" { @for g in &r.rows { tr class="govuk-table__row" {
                td class="govuk-table__cell" data-label=(place_word) { (g.place) }
                td class="govuk-table__cell" data-label="Need" { (g.need_label) }
                td class="govuk-table__cell" data-label="Kind of service" { (g.category.as_deref().unwrap_or("—")) }
                td class="govuk-table__cell govuk-table__cell--numeric" data-label="People" { (g.people) }
                td class="govuk-table__cell govuk-table__cell--numeric" data-label="Local services" { @if g.local == 0 && g.category.is_some() { strong class="govuk-tag govuk-tag--red" { "None" } } @else { (g.local) } }
                td class="govuk-table__cell govuk-table__cell--numeric" data-label="Helplines and regional" { (g.wider) } } } }
        }
    };
    Ok(
        Html(html::layout("Gaps in local support", Some(&page), None, body).into_string())
            .into_response(),
    )
}

async fn packs(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    let (sites, _) = state
        .app
        .list_sites(
            &page.ctx,
            &SiteFilter {
                text: None,
                cluster_id: None,
                area_id: None,
                limit: 1000,
                offset: 0,
            },
        )
        .await?;
    let practices: Vec<_> = sites
        .iter()
        .filter(|s| s.kind == linkwork_domain::text::SiteKind::GpPractice && s.active)
        .collect();
    let body = html! {
        h1 class="govuk-heading-l" { "Practice information packs" }
        p class="govuk-body" { "A printable pack for a practice team: the services near the practice by kind, with days, times and how to refer, and what is new, changed or closed lately." }
        @if practices.is_empty() { p class="govuk-body" { "You are not assigned to any practice." } }
        ul class="govuk-list" { @for s in &practices { li { a class="govuk-link" href={ "/directory/packs/" (s.id) } { (s.name) } " (" (s.cluster_name) ")" } } }
    };
    Ok(
        Html(html::layout("Practice information packs", Some(&page), None, body).into_string())
            .into_response(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PackQuery {
    weeks: String,
}

async fn pack(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<PackQuery>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let weeks = q
        .weeks
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|w| (1..=52).contains(w))
        .unwrap_or(4);
    let p = state.app.practice_pack(&page.ctx, id, weeks).await?;
    let d = &p.changes;
    let change_list = |title: &str, list: &[linkwork_app::directory::Change]| {
        html! {
            h3 class="govuk-heading-s" { (title) " (" (list.len()) ")" }
            @if list.is_empty() { p class="govuk-body-s" { "None." } }
            ul class="govuk-list govuk-list--bullet" { @for c in list { li { a class="govuk-link" href={ "/directory/services/" (c.id) } { (c.name) } " — " (c.organization) @if let Some(r) = &c.closed_reason { " (" (r) ")" } } } }
        }
    };
    let body = html! {
        (html::back_link("/directory/packs", "All practices"))
        span class="govuk-caption-l" { "Information pack, " (crate::pages::parts::date(p.made_on)) }
        h1 class="govuk-heading-l" { (p.site) }
        p class="govuk-body" {
            "Community services within 3 km of the practice" @if let Some(pc) = &p.postcode { " (" (pc) ")" } ", or that serve it, from the programme’s directory. Entries are checked at least every " (p.review_months) " months."
            " " a class="govuk-link lw-no-print" href="javascript:window.print()" { "Print this pack" }
        }
        @if !p.placed { div class="govuk-inset-text" { "The practice’s postcode is not in the postcode lookup, so only services that name this practice are listed." } }
        @for (kind, entries) in &p.by_kind {
            h2 class="govuk-heading-m lw-pack-kind" { (kind) " (" (entries.len()) ")" }
            @for e in entries {
                div class="lw-pack-entry" {
                    h3 class="govuk-heading-s govuk-!-margin-bottom-1" { (e.name) }
                    p class="govuk-body-s govuk-!-margin-bottom-1" { (e.organization) @if let Some(d) = e.distance_km { " · " (format!("{d:.1} km")) } " · " @if e.free { "Free" } @else { (e.cost.as_deref().unwrap_or("There is a charge")) } }
                    @if !e.when.is_empty() { p class="govuk-body-s govuk-!-margin-bottom-1" { "When: " (e.when.join("; ")) } }
                    @if let Some(pl) = &e.place { p class="govuk-body-s govuk-!-margin-bottom-1" { "Where: " (pl) } }
                    p class="govuk-body-s" {
                        "How to refer: " @if e.how_to_refer.is_empty() { "ask a link worker" } @else { (e.how_to_refer.join("; ")) }
                        @if let Some(ph) = &e.phone { " · Phone " (ph) }
                    }
                }
            }
        }
        h2 class="govuk-heading-m" { "New, changed and closed in the last " (p.weeks) " weeks" }
        p class="govuk-body-s lw-no-print" { "Other spans: " a class="govuk-link" href={ "/directory/packs/" (id) "?weeks=2" } { "2 weeks" } " · " a class="govuk-link" href={ "/directory/packs/" (id) "?weeks=8" } { "8 weeks" } " · " a class="govuk-link" href={ "/directory/packs/" (id) "?weeks=13" } { "13 weeks" } }
        (change_list("New", &d.new))
        (change_list("Changed", &d.changed))
        (change_list("Closed", &d.closed))
    };
    Ok(Html(
        html::layout(
            &format!("Information pack: {}", p.site),
            Some(&page),
            None,
            body,
        )
        .into_string(),
    )
    .into_response())
}
