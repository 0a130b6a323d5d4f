//! People (participants): find, register with a duplicate check, read, edit.

use super::{ListQuery, path_id};
use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
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
        .route("/people/{id}", get(show).post(update))
        .route("/people/{id}/edit", get(edit))
}

pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
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
    let none = FieldErrors::new();
    let body = html! {
        h1 class="govuk-heading-l" { "People" }
        a href="/people/new" class="govuk-button" { "Register a person" }
        form method="get" action="/people" role="search" {
            (html::text_field("q", "Find a person", &q.q, &none, Input { kind: "search", hint: Some("Name, CHI or NHS number, date of birth (19/04/1985) or postcode"), ..Default::default() }))
            button type="submit" class="govuk-button govuk-button--secondary" { "Search" }
        }
        @if !q.q.trim().is_empty() {
            p class="govuk-body" { (total) " " (if total == 1 { "person" } else { "people" }) " found" }
            @if !people.is_empty() { (table(&people)) }
            (html::pagination(&format!("/people?q={}", crate::session::urlencode(&q.q)), q.page(), ListQuery::PER_PAGE, total))
        }
    };
    Ok(Html(
        html::layout("People", Some(&page), None, body).into_string(),
    ))
}

fn table(people: &[Participant]) -> Markup {
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "People found" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Name" }
                th scope="col" class="govuk-table__header" { "Date of birth" }
                th scope="col" class="govuk-table__header" { "CHI / NHS number" }
                th scope="col" class="govuk-table__header" { "Postcode" }
                th scope="col" class="govuk-table__header" { "Practice" }
            } }
            tbody class="govuk-table__body" {
                @for p in people {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/people/" (p.id) } { (p.family_name) ", " (p.given_name) } }
                        td class="govuk-table__cell" { (date(p.date_of_birth)) }
                        td class="govuk-table__cell" { (p.chi_number.as_deref().or(p.nhs_number.as_deref()).unwrap_or("")) }
                        td class="govuk-table__cell" { (p.postcode.as_deref().unwrap_or("")) }
                        td class="govuk-table__cell" { (p.site_name) }
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
            .filter(|s| {
                s.kind.holds_people()
                    && (ctx.actor.role.sees_whole_programme() || ctx.actor.site_ids.contains(&s.id))
            })
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
    warning: String,
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(s): Query<Saved>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    render_record(
        &state,
        &page,
        id,
        &format!(
            "{}{}",
            s.saved,
            if s.warning == "chi" { ":chi" } else { "" }
        ),
        &FieldErrors::new(),
    )
    .await
}

/// The whole record: risk flags first, then support, case work and details.
pub async fn render_record(
    state: &WebState,
    page: &Page,
    id: i64,
    saved: &str,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let (saved, warning) = saved.split_once(':').unwrap_or((saved, ""));
    let s = Saved {
        saved: saved.to_owned(),
        warning: warning.to_owned(),
    };
    // Shown again after a change with invalid fields: the person saw this
    // record when the form was first shown (audited then), so this read is
    // not audited as a second view.
    let (p, work) = if errors.is_empty() {
        state.app.participant_record(&page.ctx, id).await?
    } else {
        state.app.participant_record_for_form(&page.ctx, id).await?
    };
    if let Some(into) = p.merged_into {
        return Ok(super::merge::merged_page(page, &p, into));
    }
    let funds = state.app.list_funds(&page.ctx).await?;
    let reasons = state.app.reasons(&page.ctx).await?;
    let filter = linkwork_app::referrals::ReferralFilter {
        participant_id: Some(id),
        limit: 100,
        ..Default::default()
    };
    let (history, _) = state.app.list_referrals(&page.ctx, &filter).await?;
    let row = |k: &str, v: Option<String>| html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (v.unwrap_or_else(|| "Not recorded".into())) } } };
    let label = |opts: &[(&str, &str)], v: &Option<String>| {
        v.as_deref().and_then(|v| {
            opts.iter()
                .find(|(c, _)| *c == v)
                .map(|(_, l)| l.to_string())
        })
    };
    let body = html! {
        (html::back_link("/people", "People"))
        (super::casework::flags_banner(&work.risk_flags))
        @match s.saved.as_str() {
            "added" => (html::success_banner("Person registered")),
            "changed" => (html::success_banner("Changes saved")),
            "merged" => (html::success_banner("Records merged")),
            _ => {}
        }
        @if s.warning == "chi" {
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "The CHI number's date does not match the date of birth: check both." }
            }
        }
        span class="govuk-caption-l" { (p.site_name) }
        h1 class="govuk-heading-l" { (p.given_name) " " (p.family_name) @if let Some(n) = &p.preferred_name { " (" (n) ")" } }
        h2 class="govuk-heading-m" { "Support" }
        @if history.is_empty() { p class="govuk-body" { "No referrals yet." } }
        @else { (super::referrals::referral_table(&history, &reasons)) }
        a class="govuk-button" href={ "/referrals/new?participant_id=" (p.id) } { "Make a referral" }
        h2 class="govuk-heading-m" { "Details" }
        dl class="govuk-summary-list" {
            (row("Date of birth", Some(date(p.date_of_birth))))
            (row("CHI number", p.chi_number.clone()))
            (row("NHS number", p.nhs_number.clone()))
            (row("Sex", label(&SEXES, &p.sex)))
            (row("Phone", p.phone.clone()))
            (row("Email", p.email.clone()))
            (row("Address", p.address.clone()))
            (row("Postcode", p.postcode.clone()))
            (row("Preferred contact", label(&CONTACT_METHODS, &p.preferred_contact)))
            (row("Best times", p.contact_times.clone()))
            (row("Language", p.language.clone()))
            (row("Interpreter needed", Some(if p.interpreter_needed { "Yes" } else { "No" }.into())))
            (row("Accessibility needs", p.accessibility_needs.clone()))
            (row("Emergency contact", p.emergency_contact.clone()))
            (row("Record number", Some(p.id.to_string())))
            (row("Last changed", Some(html::date_time(p.updated_at))))
        }
        div class="govuk-button-group" {
            a class="govuk-button govuk-button--secondary" href={ "/people/" (p.id) "/edit" } { "Edit details" }
            @if page.ctx.actor.can(linkwork_domain::Permission::ManageCaseloads) {
                a class="govuk-link" href={ "/people/" (p.id) "/merge" } { "Merge with another record of this person" }
            }
        }
        (super::casework::sections(page, p.id, &work, &reasons, errors))
        (super::support::sections(page, p.id, &work, &funds, errors))
    };
    Ok(html::form_page(
        &format!("{} {}", p.given_name, p.family_name),
        page,
        errors,
        body,
    ))
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
