//! People (participants): find, register with a duplicate check, read, edit.

pub mod merge;

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::parts::date;
use crate::pages::{ListQuery, path_id};
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::gate::Intent;
use linkwork_app::org::SiteFilter;
use linkwork_app::participants::Participant;
use linkwork_app::participants::{
    CONTACT_METHODS, ParticipantInput, PossibleDuplicate, Registered, SEXES,
};
use linkwork_app::{AppError, Ctx};
use linkwork_domain::FieldErrors;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/people", get(list).post(create))
        .route("/people/new", get(new))
        .route("/people/{id}", get(crate::pages::record::show).post(update))
        .route("/people/{id}/edit", get(edit))
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let (people, total) = if q.q.trim().is_empty() {
        (Vec::new(), 0)
    } else {
        state
            .app
            .search_participants(&page.ctx, &q.q, ListQuery::PER_PAGE, q.offset())
            .await?
    };
    if q.q.trim().is_empty() {
        // Nothing searched for yet: only check the permission.
        state.app.may(&page.ctx, Intent::FindPeople).await?;
    }
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mine = state.app.on_my_caseload(&page.ctx, &ids).await?;
    let none = FieldErrors::new();
    let body = html! {
        h1 class="govuk-heading-l" { "People" }
        a href="/people/new" class="govuk-button" { "Register a person" }
        form method="get" action="/people" role="search" {
            (html::text_field("q", "Find a person", &q.q, &none, Input { kind: "search", hint: Some("Name (small typos are fine), CHI or NHS number, date of birth (19/04/1985 or 19 April 1985) or postcode"), ..Default::default() }))
            button type="submit" class="govuk-button govuk-button--secondary" { "Search" }
        }
        @if !q.q.trim().is_empty() {
            p class="govuk-body" { (total) " " (if total == 1 { "person" } else { "people" }) " found" }
            @if !people.is_empty() { (table(&people, &mine)) }
            (html::pagination(&format!("/people?q={}", crate::session::urlencode(&q.q)), q.page(), ListQuery::PER_PAGE, total))
        }
    };
    Ok(Html(
        html::layout("People", Some(&page), None, body).into_string(),
    ))
}

fn table(people: &[Participant], mine: &[i64]) -> Markup {
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "People found" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Name" }
                th scope="col" class="govuk-table__header" { "Date of birth" }
                th scope="col" class="govuk-table__header" { "CHI / NHS number" }
                th scope="col" class="govuk-table__header" { "Postcode" }
                th scope="col" class="govuk-table__header" { "Practice" }
                th scope="col" class="govuk-table__header" { "Your caseload" }
            } }
            tbody class="govuk-table__body" {
                @for p in people {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/people/" (p.id) } { (p.family_name) ", " (p.given_name) } }
                        td class="govuk-table__cell" { (date(p.date_of_birth)) }
                        td class="govuk-table__cell" { (p.chi_number.as_deref().or(p.nhs_number.as_deref()).unwrap_or("")) }
                        td class="govuk-table__cell" { (p.postcode.as_deref().unwrap_or("")) }
                        td class="govuk-table__cell" { (p.site_name) }
                        td class="govuk-table__cell" { @if mine.contains(&p.id) { strong class="govuk-tag govuk-tag--blue" { "On your caseload" } } @else { "No" } }
                    }
                }
            }
        }
    }
}

async fn site_options(state: &WebState, ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    let (sites, _) = state
        .app
        .list_sites(
            ctx,
            &SiteFilter {
                limit: 1000,
                ..Default::default()
            },
        )
        .await?;
    let mut opts = vec![(String::new(), "Choose a practice".to_owned())];
    opts.extend(
        sites
            .iter()
            // The list is already narrowed to the sites this user may see.
            .filter(|s| s.kind.holds_people())
            .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code))),
    );
    Ok(opts)
}

async fn form(
    state: &WebState,
    page: &Page,
    input: &ParticipantInput,
    errors: &FieldErrors,
    editing: Option<(i64, i64)>,
) -> Result<Response, PageError> {
    let sites = site_options(state, &page.ctx).await?;
    let title = if editing.is_some() {
        "Edit details"
    } else {
        "Register a person"
    };
    let action = editing
        .map(|(id, _)| format!("/people/{id}"))
        .unwrap_or_else(|| "/people".into());
    let mut sexes: Vec<(&str, &str)> = vec![("", "Not recorded")];
    sexes.extend(SEXES);
    let mut contacts: Vec<(&str, &str)> = vec![("", "No preference")];
    contacts.extend(CONTACT_METHODS);
    let body = html! {
        (html::back_link(&editing.map(|(id, _)| format!("/people/{id}")).unwrap_or_else(|| "/people".into()), "Back"))
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            h1 class="govuk-heading-l" { (title) }
            form method="post" action=(action) novalidate data-warn-unsaved {
                (html::csrf(page))
                @if let Some((_, v)) = editing { input type="hidden" name="version" value=(v); }
                (html::select("site_id", "GP practice", &sites, &input.site_id, errors, Some("Where the person is registered")))
                (html::text_field("given_name", "Given name", &input.given_name, errors, Input { autocomplete: Some("off"), spellcheck_off: true, ..Default::default() }))
                (html::text_field("family_name", "Family name", &input.family_name, errors, Input { autocomplete: Some("off"), spellcheck_off: true, ..Default::default() }))
                (html::text_field("preferred_name", "Preferred name (optional)", &input.preferred_name, errors, Input { hint: Some("What they like to be called"), autocomplete: Some("off"), ..Default::default() }))
                (html::text_field("date_of_birth", "Date of birth", &input.date_of_birth, errors, Input { hint: Some("For example, 19/04/1985"), width: Some("10"), autocomplete: Some("off"), ..Default::default() }))
                (html::text_field("chi_number", "CHI number (optional)", &input.chi_number, errors, Input { hint: Some("10 digits, in Scotland"), width: Some("10"), autocomplete: Some("off"), ..Default::default() }))
                (html::text_field("nhs_number", "NHS number (optional)", &input.nhs_number, errors, Input { hint: Some("10 digits, in England and Wales"), width: Some("10"), autocomplete: Some("off"), ..Default::default() }))
                (html::radios("sex", "Sex (optional)", &sexes, &input.sex, errors, false))
                (html::text_field("phone", "Phone number (optional)", &input.phone, errors, Input { kind: "tel", width: Some("20"), autocomplete: Some("off"), ..Default::default() }))
                (html::text_field("email", "Email address (optional)", &input.email, errors, Input { kind: "email", spellcheck_off: true, autocomplete: Some("off"), ..Default::default() }))
                (html::textarea("address", "Address (optional)", &input.address, errors, None))
                (html::text_field("postcode", "Postcode (optional)", &input.postcode, errors, Input { width: Some("10"), autocomplete: Some("off"), ..Default::default() }))
                (html::radios("preferred_contact", "How do they prefer to be contacted?", &contacts, &input.preferred_contact, errors, false))
                (html::text_field("contact_times", "Best times to contact (optional)", &input.contact_times, errors, Input { hint: Some("For example, mornings, not Fridays"), ..Default::default() }))
                (html::text_field("language", "Preferred language (optional)", &input.language, errors, Input::default()))
                (html::radios("interpreter_needed", "Do they need an interpreter?", &[("no", "No"), ("yes", "Yes")], if input.interpreter_needed.is_empty() { "no" } else { &input.interpreter_needed }, errors, true))
                (html::textarea("accessibility_needs", "Accessibility needs (optional)", &input.accessibility_needs, errors, Some("For example, large print, step-free access, hearing loop")))
                (html::text_field("emergency_contact", "Emergency contact (optional)", &input.emergency_contact, errors, Input { hint: Some("Name, relationship and phone number"), ..Default::default() }))
                (html::button(if editing.is_some() { "Save changes" } else { "Register" }))
            }
        } }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout(title, Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

async fn new(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::RegisterPerson).await?;
    let mut input = ParticipantInput::default();
    if let [only] = page.ctx.actor.site_ids.as_slice() {
        input.site_id = only.to_string();
    }
    form(&state, &page, &input, &FieldErrors::new(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Register {
    confirmed_new: String,
    #[serde(flatten)]
    input: ParticipantInput,
}

fn duplicates_page(page: &Page, input: &ParticipantInput, found: &[PossibleDuplicate]) -> Response {
    let exact = found.iter().any(|d| d.reason != "name_and_date_of_birth");
    let reason = |r: &str| match r {
        "chi_number" => "Same CHI number",
        "nhs_number" => "Same NHS number",
        _ => "Same name and date of birth",
    };
    let fields: Vec<(&str, &str)> = vec![
        ("site_id", &input.site_id),
        ("given_name", &input.given_name),
        ("family_name", &input.family_name),
        ("preferred_name", &input.preferred_name),
        ("date_of_birth", &input.date_of_birth),
        ("chi_number", &input.chi_number),
        ("nhs_number", &input.nhs_number),
        ("sex", &input.sex),
        ("phone", &input.phone),
        ("email", &input.email),
        ("address", &input.address),
        ("postcode", &input.postcode),
        ("preferred_contact", &input.preferred_contact),
        ("contact_times", &input.contact_times),
        ("language", &input.language),
        ("interpreter_needed", &input.interpreter_needed),
        ("accessibility_needs", &input.accessibility_needs),
        ("emergency_contact", &input.emergency_contact),
    ];
    let body = html! {
        h1 class="govuk-heading-l" { "This person may already have a record" }
        p class="govuk-body" { "Nothing has been saved yet. Check these records before making a new one:" }
        ul class="govuk-list" {
            @for d in found {
                li {
                    strong { (reason(&d.reason)) ": " }
                    @if d.visible {
                        a class="govuk-link" href={ "/people/" (d.id) } { (d.name.clone().unwrap_or_default()) }
                        ", born " (d.date_of_birth.map(date).unwrap_or_default()) ", " (d.site_name.clone().unwrap_or_default())
                        @for f in &d.risk_flags { br; strong class="govuk-tag govuk-tag--red" { "Risk" } " " (f.label) @if let Some(r) = f.review_on { " — " (crate::pages::parts::review_tag(r, f.overdue)) } }
                    } @else {
                        "a record at a practice you do not work at. Ask a manager to check it."
                    }
                }
            }
        }
        @if exact {
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "A record with the same CHI or NHS number exists, so a new one cannot be made." }
            }
        } @else {
            form method="post" action="/people" {
                (html::csrf(page))
                input type="hidden" name="confirmed_new" value="yes";
                @for (k, v) in &fields { input type="hidden" name=(k) value=(v); }
                button type="submit" class="govuk-button govuk-button--secondary" { "This is a different person: register them" }
            }
        }
        p class="govuk-body" { a class="govuk-link" href="/people/new" { "Start again" } }
    };
    (
        StatusCode::CONFLICT,
        Html(
            html::layout(
                "This person may already have a record",
                Some(page),
                None,
                body,
            )
            .into_string(),
        ),
    )
        .into_response()
}

async fn create(State(state): State<WebState>, p: Posted<Register>) -> Result<Response, PageError> {
    match state
        .app
        .register_participant(&p.page.ctx, &p.form.input, p.form.confirmed_new == "yes")
        .await
    {
        Ok(Registered::Created { id, warnings }) => {
            let w = if warnings.is_empty() {
                ""
            } else {
                "&warning=chi"
            };
            Ok(Redirect::to(&format!("/people/{id}?saved=added{w}")).into_response())
        }
        Ok(Registered::PossibleDuplicates(found)) => {
            Ok(duplicates_page(&p.page, &p.form.input, &found))
        }
        Err(AppError::Invalid(e)) => form(&state, &p.page, &p.form.input, &e, None).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let p = state.app.get_participant(&page.ctx, id).await?;
    form(
        &state,
        &page,
        &ParticipantInput::from_participant(&p),
        &FieldErrors::new(),
        Some((id, p.version)),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Update {
    version: String,
    #[serde(flatten)]
    input: ParticipantInput,
}

async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<Update>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let version = p.form.version.parse().unwrap_or(0);
    match state
        .app
        .update_participant(&p.page.ctx, id, version, &p.form.input)
        .await
    {
        Ok(w) => Ok(Redirect::to(&format!(
            "/people/{id}?saved=changed{}",
            if w.is_empty() { "" } else { "&warning=chi" }
        ))
        .into_response()),
        Err(AppError::Invalid(e)) => {
            form(&state, &p.page, &p.form.input, &e, Some((id, version))).await
        }
        Err(e) => Err(e.into()),
    }
}
