//! Needs identified, goals achieved, vouchers issued, wellbeing scores and
//! handovers across people over a run of days: the lists behind those
//! figures.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::parts::ScopeQ;
use crate::session::Page;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use linkwork_app::casework::Recorded;
use linkwork_app::reports::figures::SWEMWBS_IMPROVED;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/needs",
            get(
                async |s: State<WebState>, p: Page, q: Query<ListQ>, sc: Query<ScopeQ>| {
                    list(s, p, q, sc, Recorded::Needs).await
                },
            ),
        )
        .route(
            "/goals",
            get(
                async |s: State<WebState>, p: Page, q: Query<ListQ>, sc: Query<ScopeQ>| {
                    list(s, p, q, sc, Recorded::Goals).await
                },
            ),
        )
        .route(
            "/vouchers",
            get(
                async |s: State<WebState>, p: Page, q: Query<ListQ>, sc: Query<ScopeQ>| {
                    list(s, p, q, sc, Recorded::Vouchers).await
                },
            ),
        )
        .route("/wellbeing", get(changes))
        .route("/handovers", get(handovers))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    from: String,
    to: String,
    /// A need's code (needs only).
    need: String,
    /// A fund's name (vouchers only).
    fund: String,
}

/// What differs between the lists of needs, goals and vouchers.
struct Kind {
    title: &'static str,
    path: &'static str,
    /// The date column's heading, and the word after the count.
    when: &'static str,
    words: &'static str,
    /// The column of what it is, and the record page's section.
    column: &'static str,
    anchor: &'static str,
    /// The query field narrowing it to one kind, if any.
    key: Option<&'static str>,
}

fn kind(what: Recorded) -> Kind {
    match what {
        Recorded::Needs => Kind {
            title: "Needs identified",
            path: "/needs",
            when: "Identified",
            words: "identified",
            column: "Need",
            anchor: "needs",
            key: Some("need"),
        },
        Recorded::Goals => Kind {
            title: "Goals achieved",
            path: "/goals",
            when: "Achieved",
            words: "achieved",
            column: "Goal",
            anchor: "goals",
            key: None,
        },
        Recorded::Vouchers => Kind {
            title: "Vouchers issued",
            path: "/vouchers",
            when: "Issued",
            words: "issued",
            column: "Fund",
            anchor: "vouchers",
            key: Some("fund"),
        },
    }
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
    Query(scope): Query<ScopeQ>,
    what: Recorded,
) -> Result<Response, PageError> {
    let k = kind(what);
    let key = match k.key {
        Some("need") => q.need.as_str(),
        Some(_) => q.fund.as_str(),
        None => "",
    };
    let (rows, errors) = crate::pages::parts::listed(
        state
            .app
            .recorded_between(&page.ctx, what, (&q.from, &q.to), key, scope.filter())
            .await,
    )?;
    // The choices of the narrowing field: needs are named by the
    // programme's list of reasons, vouchers by their fund.
    let choices: Vec<(String, String)> = match what {
        Recorded::Needs => state
            .app
            .reasons(&page.ctx)
            .await?
            .into_iter()
            .map(|r| (r.code, r.label))
            .collect(),
        Recorded::Vouchers => state
            .app
            .list_funds(&page.ctx)
            .await?
            .into_iter()
            .map(|f| (f.name.clone(), f.name))
            .collect(),
        Recorded::Goals => Vec::new(),
    };
    let label = |code: &str| {
        choices
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code.to_owned(), |(_, l)| l.clone())
    };
    let options: Vec<(String, String)> = std::iter::once((String::new(), "Any".to_owned()))
        .chain(choices.iter().cloned())
        .collect();
    let vouchers = what == Recorded::Vouchers;
    let body = html! {
        h1 class="govuk-heading-l" { (k.title) }
        form method="get" action=(k.path) novalidate class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                (crate::pages::parts::day_fields(&q.from, &q.to, &errors, "govuk-grid-column-one-third"))
                @if let Some(field) = k.key { div class="govuk-grid-column-one-third" { (html::select(field, k.column, &options, key, &errors, None)) } }
            }
            (scope.keep(k.path))
        }
        @if errors.0.is_empty() {
            (scope.count(rows.len(), k.words, &page))
            @if !rows.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { (k.title) ", earliest first" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (k.when) }
                        th scope="col" class="govuk-table__header" { "Person" }
                        th scope="col" class="govuk-table__header" { "Practice" }
                        th scope="col" class="govuk-table__header" { (k.column) }
                        @if vouchers { th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Value" } }
                    } }
                    tbody class="govuk-table__body" { @for r in &rows { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label=(k.when) { (crate::pages::parts::date(linkwork_domain::appointment::london_date(r.at))) }
                        td class="govuk-table__cell" data-label="Person" { a class="govuk-link" href={ "/people/" (r.participant_id) "#" (k.anchor) } { (r.given_name) " " (r.family_name) } }
                        td class="govuk-table__cell" data-label="Practice" { (r.site) }
                        td class="govuk-table__cell" data-label=(k.column) { (label(&r.what)) }
                        @if vouchers { td class="govuk-table__cell govuk-table__cell--numeric" data-label="Value" { (format!("£{:.2}", r.amount_pence.unwrap_or(0) as f64 / 100.0)) } }
                    } } }
                }
            }
        }
    };
    Ok(html::form_page(k.title, &page, &errors, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangesQ {
    from: String,
    to: String,
    kind: String,
    improved: String,
}

/// People scored in the days, with their baseline and latest score.
async fn changes(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ChangesQ>,
    Query(scope): Query<ScopeQ>,
) -> Result<Response, PageError> {
    let kind = if q.kind.trim().is_empty() {
        "swemwbs"
    } else {
        q.kind.as_str()
    };
    let (rows, errors) = crate::pages::parts::listed(
        state
            .app
            .wellbeing_changes(
                &page.ctx,
                kind,
                (&q.from, &q.to),
                &q.improved,
                scope.filter(),
            )
            .await,
    )?;
    let opts = |l: &[(&str, &str)]| -> Vec<(String, String)> {
        l.iter()
            .map(|(c, t)| ((*c).to_owned(), (*t).to_owned()))
            .collect()
    };
    let kinds = opts(&[
        ("swemwbs", "SWEMWBS (metric score, 7 to 35)"),
        ("ons4", "ONS4 life satisfaction (0 to 10)"),
    ]);
    let improved_label = format!("Improved by {SWEMWBS_IMPROVED} points or more (SWEMWBS)");
    let improved = opts(&[("", "Everyone scored"), ("yes", &improved_label)]);
    let score = |x: f64| format!("{x:.1}");
    let body = html! {
        h1 class="govuk-heading-l" { "Wellbeing scores" }
        p class="govuk-body" { "People with a score taken in these days: their baseline (the score marked baseline, or else their first) and their latest, as the figures pair them." }
        form method="get" action="/wellbeing" novalidate class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                (crate::pages::parts::day_fields(&q.from, &q.to, &errors, "govuk-grid-column-one-quarter"))
                div class="govuk-grid-column-one-quarter" { (html::select("kind", "Score", &kinds, kind, &errors, None)) }
                div class="govuk-grid-column-one-quarter" { (html::select("improved", "Who", &improved, &q.improved, &errors, None)) }
            }
            (scope.keep("/wellbeing"))
        }
        @if errors.0.is_empty() {
            (scope.count(rows.len(), if rows.len() == 1 { "person" } else { "people" }, &page))
            @if !rows.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Wellbeing scores, greatest change first" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Person" }
                        th scope="col" class="govuk-table__header" { "Practice" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Baseline" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Latest" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Change" }
                    } }
                    tbody class="govuk-table__body" { @for r in &rows { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="Person" { a class="govuk-link" href={ "/people/" (r.participant_id) "#wellbeing" } { (r.given_name) " " (r.family_name) } }
                        td class="govuk-table__cell" data-label="Practice" { (r.site) }
                        td class="govuk-table__cell govuk-table__cell--numeric" data-label="Baseline" { (score(r.base_score)) " on " (crate::pages::parts::date(r.base_on)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" data-label="Latest" { (score(r.score)) " on " (crate::pages::parts::date(r.taken_on)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" data-label="Change" { @if r.score >= r.base_score { "+" } (score(r.score - r.base_score)) }
                    } } }
                }
            }
        }
    };
    Ok(html::form_page("Wellbeing scores", &page, &errors, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DaysQ {
    from: String,
    to: String,
}

/// Handovers made in the days from the practices the user may see.
async fn handovers(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<DaysQ>,
    Query(scope): Query<ScopeQ>,
) -> Result<Response, PageError> {
    let (rows, errors) = crate::pages::parts::listed(
        state
            .app
            .handovers_between(&page.ctx, &q.from, &q.to, scope.filter())
            .await,
    )?;
    let day = |t| crate::pages::parts::date(linkwork_domain::appointment::london_date(t));
    let body = html! {
        h1 class="govuk-heading-l" { "Handovers" }
        p class="govuk-body" { "Cases handed to another practice or link worker, counted at the practice they left." }
        form method="get" action="/handovers" novalidate class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                (crate::pages::parts::day_fields(&q.from, &q.to, &errors, "govuk-grid-column-one-half"))
            }
            (scope.keep("/handovers"))
        }
        @if errors.0.is_empty() {
            (scope.count(rows.len(), "made", &page))
            @if !rows.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Handovers, earliest first" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Handed over" }
                        th scope="col" class="govuk-table__header" { "Person" }
                        th scope="col" class="govuk-table__header" { "From" }
                        th scope="col" class="govuk-table__header" { "To" }
                        th scope="col" class="govuk-table__header" { "Acknowledged" }
                    } }
                    tbody class="govuk-table__body" { @for h in &rows { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="Handed over" { (day(h.created_at)) }
                        td class="govuk-table__cell" data-label="Person" {
                            // Only a case at a practice the user may see now can be opened.
                            @if h.open_here { a class="govuk-link" href={ "/referrals/" (h.referral_id) } { (h.person_name) } }
                            @else { (h.person_name) }
                        }
                        td class="govuk-table__cell" data-label="From" { (h.from_site) @if let Some(w) = &h.from_worker { br; span class="govuk-body-s" { (w) } } }
                        td class="govuk-table__cell" data-label="To" { (h.to_site) br; span class="govuk-body-s" { (h.to_worker) } }
                        td class="govuk-table__cell" data-label="Acknowledged" { @match h.acknowledged_at { Some(t) => { (day(t)) } None => { "Not yet" } } }
                    } } }
                }
            }
        }
    };
    Ok(html::form_page("Handovers", &page, &errors, body))
}
