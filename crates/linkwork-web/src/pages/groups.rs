//! Groups, courses and events: the list (and starting one), a group's page
//! (recording a session and taking attendance, members, sessions), and the
//! groups section of a person's record (registering them with a group).

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::groups::{
    FeedbackInput, GroupInput, GroupRow, ListingInput, MemberInput, PartnerInput, PersonGroup,
    SessionInput,
};
use linkwork_domain::FieldErrors;
use linkwork_domain::dates::show as day;
use linkwork_domain::group::{GROUP_KINDS, kind_label};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/groups", get(list).post(create))
        .route("/groups/{id}", get(show))
        .route("/groups/{id}/edit", get(edit_form).post(edit))
        .route(
            "/groups/{id}/risk-assessment",
            get(download_file)
                .post(upload_file)
                .layer(DefaultBodyLimit::max(
                    linkwork_domain::group::MAX_FILE_BYTES + 64 * 1024,
                )),
        )
        .route("/groups/{id}/risk-assessment/remove", post(remove_file))
        .route("/groups/{id}/feedback", post(add_feedback))
        .route("/groups/{id}/directory", post(list_in_directory))
        .route("/groups/{id}/partners", post(partner))
        .route("/groups/{id}/sessions", post(record_session))
        .route("/groups/{id}/members", post(member))
        .route("/groups/register", post(register))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
}

/// The choices a group's form offers: practices, directory organisations,
/// directory locations.
struct Choices {
    practices: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
    venues: Vec<(String, String)>,
}

async fn choices(state: &WebState, page: &Page, venue: &str) -> Result<Choices, PageError> {
    let a = &page.ctx.actor;
    let none = |what: &str| (String::new(), what.to_owned());
    let practices = std::iter::once(none("None"))
        .chain(
            state
                .app
                .practices(&page.ctx)
                .await?
                .into_iter()
                .filter(|s| a.role == linkwork_domain::Role::Manager || a.site_ids.contains(&s.id))
                .map(|s| (s.id.to_string(), s.name)),
        )
        .collect();
    let organisations = crate::pages::parts::organisation_options(state, page, "None").await?;
    let venues = std::iter::once(none("Not in the directory (say where below)"))
        .chain(
            state
                .app
                .venue_choices(&page.ctx, venue.trim().parse().ok())
                .await?
                .into_iter()
                .map(|(id, label)| (id.to_string(), label)),
        )
        .collect();
    Ok(Choices {
        practices,
        organisations,
        venues,
    })
}

/// Starting a group (`editing` none) or changing one.
fn group_form(
    page: &Page,
    input: &GroupInput,
    errors: &FieldErrors,
    c: &Choices,
    editing: Option<i64>,
) -> Markup {
    let kinds: Vec<(String, String)> = std::iter::once((String::new(), "Choose a kind".to_owned()))
        .chain(
            GROUP_KINDS
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned())),
        )
        .collect();
    let opt = |hint: &'static str| Input {
        hint: Some(hint),
        ..Default::default()
    };
    let action = match editing {
        Some(id) => format!("/groups/{id}/edit"),
        None => "/groups".to_owned(),
    };
    html! {
        form method="post" action=(action) novalidate {
            (html::csrf(page))
            (html::text_field("name", "Name", &input.name, errors, opt("For example: Tuesday health walk")))
            (html::select("kind", "What kind of group", &kinds, &input.kind, errors, None))
            (html::textarea("description", "What it is (optional)", &input.description, errors, None))
            (html::text_field("schedule", "When it meets (optional)", &input.schedule, errors, opt("For example: Tuesdays 10:30 to 11:30, weekly; or 8 weeks from 14 January")))
            (html::select("location_id", "Venue in the directory (optional)", &c.venues, &input.location_id, errors, Some("A place listed in the community directory")))
            (html::text_field("venue", "Where it meets, in words (optional)", &input.venue, errors, opt("For example: the church hall, meet at the park gates")))
            (html::text_field("in_kind", "Support in kind (optional)", &input.in_kind, errors, opt("For example: the hall is given free by the church")))
            (html::select("organization_id", "Partner organisation in the directory (needed for a partner's service at a practice)", &c.organisations, &input.organization_id, errors, None))
            (html::select("site_id", "Practice hosting it (needed for a partner's service at a practice)", &c.practices, &input.site_id, errors, None))
            (html::text_field("partners", "Other partners (optional)", &input.partners, errors, Input::default()))
            (html::text_field("facilitators", "Facilitators (optional)", &input.facilitators, errors, opt("Roles or names of staff and volunteers who run it")))
            (html::textarea("risk_assessment", "Risk assessment (optional, for events and activities)", &input.risk_assessment, errors, Some("Hazards, who might be harmed, what is done about them, who checked it and when. A file can be attached on the group's page.")))
            @if editing.is_some() {
                (html::radios("active", "Is the group still meeting?", &[("yes", "Yes"), ("no", "No, it has ended")], if input.active == "no" { "no" } else { "yes" }, errors, true))
                (html::button("Save changes"))
            } @else {
                (html::button("Start the group"))
            }
        }
    }
}

async fn render_list(
    state: &WebState,
    page: &Page,
    input: &GroupInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let groups = state.app.list_groups(&page.ctx).await?;
    let c = choices(state, page, &input.location_id).await?;
    let body = html! {
        h1 class="govuk-heading-l" { "Groups" }
        p class="govuk-body" { "Groups, courses and events the programme runs or co-runs. Record each session and who came; people's records show the groups they attend." }
        @if groups.is_empty() {
            p class="govuk-body" { "No groups yet." }
        } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Groups" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Group" }
                    th scope="col" class="govuk-table__header" { "Kind" }
                    th scope="col" class="govuk-table__header" { "When" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Registered" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Sessions" }
                    th scope="col" class="govuk-table__header" { "Last session" }
                } }
                tbody class="govuk-table__body" { @for g in &groups { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Group" {
                        a class="govuk-link" href={ "/groups/" (g.id) } { (g.name) }
                        @if !g.active { " " strong class="govuk-tag govuk-tag--grey" { "Ended" } }
                    }
                    td class="govuk-table__cell" data-label="Kind" { (kind_label(&g.kind)) }
                    td class="govuk-table__cell" data-label="When" { (g.schedule.as_deref().unwrap_or("")) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Registered" { (g.members) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Sessions" { (g.sessions) }
                    td class="govuk-table__cell" data-label="Last session" { (g.last_held_on.map(day).unwrap_or_default()) }
                } } }
            }
        }
        h2 class="govuk-heading-m" id="start" { "Start a group" }
        (group_form(page, input, errors, &c, None))
    };
    Ok(html::form_page("Groups", page, errors, body))
}

async fn list(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    render_list(&state, &page, &GroupInput::default(), &FieldErrors::new()).await
}

async fn create(
    State(state): State<WebState>,
    p: Posted<GroupInput>,
) -> Result<Response, PageError> {
    match state.app.create_group(&p.page.ctx, &p.form).await {
        Ok(id) => Ok(Redirect::to(&format!("/groups/{id}?saved=created")).into_response()),
        Err(AppError::Invalid(e)) => render_list(&state, &p.page, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}

/// What was typed into the forms of a group's page (kept when one is sent
/// back with errors).
#[derive(Default)]
struct Forms {
    session: SessionInput,
    feedback: FeedbackInput,
}

async fn render_group(
    state: &WebState,
    page: &Page,
    id: i64,
    saved: &str,
    forms: &Forms,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let input = &forms.session;
    let d = state.app.group_page(&page.ctx, id).await?;
    let can_list = page
        .ctx
        .actor
        .can(linkwork_domain::Permission::EditDirectory);
    let organisations =
        crate::pages::parts::organisation_options(state, page, "Choose an organisation").await?;
    let more_partners: Vec<(String, String)> = organisations
        .iter()
        .filter(|(id, _)| {
            !d.partners
                .iter()
                .any(|p| p.organization_id.to_string() == *id)
                && Some(id.as_str()) != d.group.organization_id.map(|o| o.to_string()).as_deref()
        })
        .cloned()
        .collect();
    let g = &d.group;
    let course = g.kind == "course";
    let people: Vec<(String, String)> = d
        .members
        .iter()
        .map(|m| (m.participant_id.to_string(), m.name.clone()))
        .collect();
    let ticked: Vec<String> = input.attended.iter().map(i64::to_string).collect();
    let row = |k: &str, v: &Option<String>| {
        html! {
            @if let Some(v) = v { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (v) } } }
        }
    };
    let body = html! {
        (html::back_link("/groups", "Groups"))
        @match saved {
            "created" => (html::success_banner("Group started: register people from their records")),
            "session" => (html::success_banner("Session recorded")),
            "member" | "changed" => (html::success_banner("Saved")),
            "file" => (html::success_banner("Risk assessment file kept")),
            "file_removed" => (html::success_banner("Risk assessment file removed")),
            "feedback" => (html::success_banner("Feedback recorded")),
            "partner" => (html::success_banner("Partner organisations saved")),
            "listed" => (html::success_banner("Listed in the directory: other link workers can now find it and refer people to it")),
            _ => {}
        }
        span class="govuk-caption-l" { (kind_label(&g.kind)) @if !g.active { " (ended)" } }
        h1 class="govuk-heading-l" { (g.name) }
        p class="govuk-body" { a class="govuk-link" href={ "/groups/" (id) "/edit" } { "Change the group's details" span class="govuk-visually-hidden" { " (" (g.name) ")" } } }
        dl class="govuk-summary-list" {
            (row("What it is", &g.description))
            (row("Run by", &g.organization_name))
            (row("Hosted at", &g.site_name))
            (row("When", &g.schedule))
            (row("Venue", &g.location))
            (row("Where", &g.venue))
            (row("Support in kind", &g.in_kind))
            (row("Partners", &g.partners))
            (row("Facilitators", &g.facilitators))
        }
        @if let Some(r) = &g.risk_assessment {
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Risk assessment" } }
                div class="govuk-details__text lw-pre" { (r) }
            }
        }
        h2 class="govuk-heading-m" id="partners" { "Partner organisations" }
        @if d.partners.is_empty() {
            p class="govuk-body" { "No partner organisations from the directory" @if g.organization_id.is_some() { " besides the one running it" } "." }
        } @else {
            ul class="govuk-list" {
                @for o in &d.partners {
                    li {
                        a class="govuk-link" href={ "/directory/organizations/" (o.organization_id) } { (o.name) }
                        " "
                        form method="post" action={ "/groups/" (id) "/partners" } class="lw-inline-form" {
                            (html::csrf(page))
                            input type="hidden" name="partner_organization_id" value=(o.organization_id);
                            input type="hidden" name="add" value="no";
                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { "Remove" span class="govuk-visually-hidden" { " " (o.name) } }
                        }
                    }
                }
            }
        }
        form method="post" action={ "/groups/" (id) "/partners" } novalidate {
            (html::csrf(page))
            (html::select("partner_organization_id", "Add a partner organisation from the directory", &more_partners, "", errors, Some("The group then shows on the organisation's partner page")))
            (html::button("Add partner"))
        }

        h2 class="govuk-heading-m" id="risk" { "Risk assessment file" }
        @if let Some(f) = &g.file_name {
            p class="govuk-body" {
                a class="govuk-link" href={ "/groups/" (id) "/risk-assessment" } download { "Download " (f) }
            }
            form method="post" action={ "/groups/" (id) "/risk-assessment/remove" } class="lw-inline-form" {
                (html::csrf(page))
                button type="submit" class="govuk-button govuk-button--warning" { "Remove the file" }
            }
        } @else {
            p class="govuk-body" { "No file kept." }
        }
        form method="post" action={ "/groups/" (id) "/risk-assessment" } enctype="multipart/form-data" novalidate {
            (html::csrf(page))
            (html::file_field("file", if g.file_name.is_some() { "Replace it with another file" } else { "Attach a file" }, ".pdf,.docx,.xlsx,.odt,.ods,.png,.jpg,.jpeg,.txt", errors, Some("PDF, Word, spreadsheet, OpenDocument, PNG, JPEG or plain text, up to 5 MB")))
            (html::button("Upload"))
        }

        h2 class="govuk-heading-m" id="directory" { "In the community directory" }
        @if let Some(sid) = g.service_id {
            p class="govuk-body" { "Listed: " a class="govuk-link" href={ "/directory/services/" (sid) } { "see its entry" } ". Other link workers find it there and refer people to it." }
        } @else if can_list {
            p class="govuk-body" { "Not listed. Listing it lets other link workers find it in the directory and refer people to it; the entry takes the group's name, description, times and venue." }
            form method="post" action={ "/groups/" (id) "/directory" } novalidate {
                (html::csrf(page))
                (html::select("listing_organization_id", "Organisation the entry comes under", &organisations, &g.organization_id.map(|o| o.to_string()).unwrap_or_default(), errors, Some("The partner running it, or the programme's own organisation in the directory")))
                (html::button("List in the directory"))
            }
        } @else {
            p class="govuk-body" { "Not listed." }
        }

        h2 class="govuk-heading-m" id="session" { "Record a session" }
        form method="post" action={ "/groups/" (id) "/sessions" } novalidate {
            (html::csrf(page))
            (html::text_field("held_on", "Day of the session", &input.held_on, errors, Input { width: Some("10"), hint: Some("Blank for today, or for example 18/11/2026"), ..Default::default() }))
            @if people.is_empty() {
                p class="govuk-body" id="attended" { "Nobody you work with is registered yet: register people from their records, or count everyone below." }
            } @else {
                (html::checkboxes("attended", "Who came", &people, &ticked, errors, Some("People registered with the group whose records you can see")))
            }
            (html::text_field("others", "How many others came (optional)", &input.others, errors, Input { width: Some("4"), hint: Some("People not registered, or registered at practices you do not work at"), ..Default::default() }))
            (html::textarea("feedback", "Feedback (optional)", &input.feedback, errors, Some("What people said, what went well, what to change")))
            (html::button("Record session"))
        }

        h2 class="govuk-heading-m" id="members" { "Registered" }
        @if d.members.is_empty() && d.other_members == 0 { p class="govuk-body" { "Nobody yet." } }
        @if !d.members.is_empty() {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "People registered" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Person" }
                    th scope="col" class="govuk-table__header" { "Registered" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Sessions attended" }
                    @if course { th scope="col" class="govuk-table__header" { "Completed" } }
                } }
                tbody class="govuk-table__body" { @for m in &d.members { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Person" { a class="govuk-link" href={ "/people/" (m.participant_id) "#groups" } { (m.name) } }
                    td class="govuk-table__cell" data-label="Registered" { (day(m.joined_on)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Sessions attended" { (m.attended) }
                    @if course {
                        td class="govuk-table__cell" data-label="Completed" {
                            @if let Some(c) = m.completed_on { (day(c)) " " }
                            form method="post" action={ "/groups/" (id) "/members" } class="lw-inline-form" {
                                (html::csrf(page))
                                input type="hidden" name="participant_id" value=(m.participant_id);
                                input type="hidden" name="completed" value=(if m.completed_on.is_some() { "no" } else { "yes" });
                                button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" {
                                    (if m.completed_on.is_some() { "Undo completion" } else { "Mark completed" })
                                    span class="govuk-visually-hidden" { " for " (m.name) }
                                }
                            }
                        }
                    }
                } } }
            }
        }
        @if d.other_members > 0 {
            p class="govuk-body" { (d.other_members) " more registered from practices you do not work at." }
        }

        h2 class="govuk-heading-m" id="whole-feedback" { (if course { "Feedback on the course" } else { "Feedback on the group" }) }
        @if d.feedback.is_empty() { p class="govuk-body" { "None recorded yet." } } @else {
            ul class="govuk-list" {
                @for f in &d.feedback {
                    li { strong { (day(f.given_on)) } ": " span class="lw-pre" { (f.feedback) }
                        @if let Some(b) = &f.recorded_by { span class="govuk-hint" { " (recorded by " (b) ")" } } }
                }
            }
        }
        form method="post" action={ "/groups/" (id) "/feedback" } novalidate {
            (html::csrf(page))
            (html::text_field("given_on", "Day it was given", &forms.feedback.given_on, errors, Input { width: Some("10"), hint: Some("Blank for today, or for example 18/11/2026"), ..Default::default() }))
            (html::textarea("whole_feedback", "Feedback", &forms.feedback.feedback, errors, Some("What people said about it as a whole, for example at the end of a course")))
            (html::button("Record feedback"))
        }

        h2 class="govuk-heading-m" id="sessions" { "Sessions" }
        @if d.sessions.is_empty() { p class="govuk-body" { "None recorded yet." } } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Sessions, the latest first" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Day" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Registered who came" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Others" }
                    th scope="col" class="govuk-table__header" { "Feedback" }
                    th scope="col" class="govuk-table__header" { "Recorded by" }
                } }
                tbody class="govuk-table__body" { @for s in &d.sessions { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Day" { (day(s.held_on)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Registered who came" { (s.registered) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Others" { (s.others) }
                    td class="govuk-table__cell" data-label="Feedback" { (s.feedback.as_deref().unwrap_or("")) }
                    td class="govuk-table__cell" data-label="Recorded by" { (s.recorded_by.as_deref().unwrap_or("")) }
                } } }
            }
        }
    };
    Ok(html::form_page(&g.name, page, errors, body))
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    render_group(
        &state,
        &page,
        id,
        &q.saved,
        &Forms::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn record_session(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SessionInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .record_group_session(&p.page.ctx, id, &p.form)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{id}?saved=session#sessions")).into_response()),
        Err(AppError::Invalid(e)) => {
            let forms = Forms {
                session: p.form.clone(),
                ..Default::default()
            };
            render_group(&state, &p.page, id, "", &forms, &e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let d = state.app.group_page(&page.ctx, id).await?;
    render_edit(
        &state,
        &page,
        id,
        &d.group.name,
        &GroupInput::of(&d.group),
        &FieldErrors::new(),
    )
    .await
}

async fn render_edit(
    state: &WebState,
    page: &Page,
    id: i64,
    name: &str,
    input: &GroupInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let c = choices(state, page, &input.location_id).await?;
    let body = html! {
        (html::back_link(&format!("/groups/{id}"), name))
        h1 class="govuk-heading-l" { "Change " (name) }
        (group_form(page, input, errors, &c, Some(id)))
    };
    Ok(html::form_page(
        &format!("Change {name}"),
        page,
        errors,
        body,
    ))
}

async fn edit(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<GroupInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state.app.update_group(&p.page.ctx, id, &p.form).await {
        Ok(()) => Ok(Redirect::to(&format!("/groups/{id}?saved=changed")).into_response()),
        Err(AppError::Invalid(e)) => {
            let d = state.app.group_page(&p.page.ctx, id).await?;
            render_edit(&state, &p.page, id, &d.group.name, &p.form, &e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn upload_file(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let parts = crate::pages::parts::multipart_form(&page, multipart).await?;
    let (name, bytes) = parts
        .into_iter()
        .find(|(n, _)| n == "file")
        .map(|(_, p)| (p.file_name, p.bytes))
        .unwrap_or_default();
    match state.app.put_group_file(&page.ctx, id, &name, bytes).await {
        Ok(()) => Ok(Redirect::to(&format!("/groups/{id}?saved=file#risk")).into_response()),
        Err(AppError::Invalid(e)) => {
            render_group(&state, &page, id, "", &Forms::default(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The risk assessment file, as an attachment (never shown inline, and its
/// type never guessed by the browser).
async fn download_file(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let f = state.app.group_file(&page.ctx, id).await?;
    Ok(file_response(f, false))
}

/// A kept file as a download; shared with the API, which always says
/// `application/octet-stream` (`octets`), as its document does.
pub(crate) fn file_response(f: linkwork_app::groups::StoredFile, octets: bool) -> Response {
    let ascii: String = f
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                if octets {
                    "application/octet-stream".to_owned()
                } else {
                    f.content_type
                },
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        f.content,
    )
        .into_response()
}

async fn remove_file(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<Saved>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.remove_group_file(&p.page.ctx, id).await?;
    Ok(Redirect::to(&format!("/groups/{id}?saved=file_removed#risk")).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct FeedbackForm {
    given_on: String,
    whole_feedback: String,
}

async fn add_feedback(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<FeedbackForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let input = FeedbackInput {
        given_on: p.form.given_on.clone(),
        feedback: p.form.whole_feedback.clone(),
    };
    match state.app.add_group_feedback(&p.page.ctx, id, &input).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/groups/{id}?saved=feedback#whole-feedback")).into_response(),
        ),
        Err(e) => match crate::pages::parts::rename(e, &[("feedback", "whole_feedback")]) {
            AppError::Invalid(e) => {
                let forms = Forms {
                    feedback: input,
                    ..Default::default()
                };
                render_group(&state, &p.page, id, "", &forms, &e).await
            }
            e => Err(e.into()),
        },
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PartnerForm {
    partner_organization_id: String,
    add: String,
}

async fn partner(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<PartnerForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let input = PartnerInput {
        organization_id: p.form.partner_organization_id.clone(),
        add: p.form.add.clone(),
    };
    match state.app.group_partner(&p.page.ctx, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/groups/{id}?saved=partner#partners")).into_response()),
        Err(e) => {
            match crate::pages::parts::rename(e, &[("organization_id", "partner_organization_id")])
            {
                AppError::Invalid(e) => {
                    render_group(&state, &p.page, id, "", &Forms::default(), &e).await
                }
                e => Err(e.into()),
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListingForm {
    listing_organization_id: String,
}

async fn list_in_directory(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<ListingForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let input = ListingInput {
        organization_id: p.form.listing_organization_id.clone(),
    };
    match state
        .app
        .list_group_in_directory(&p.page.ctx, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{id}?saved=listed#directory")).into_response()),
        Err(e) => {
            match crate::pages::parts::rename(e, &[("organization_id", "listing_organization_id")])
            {
                AppError::Invalid(e) => {
                    render_group(&state, &p.page, id, "", &Forms::default(), &e).await
                }
                e => Err(e.into()),
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberForm {
    participant_id: String,
    completed: String,
}

async fn member(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<MemberForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let input = MemberInput {
        participant_id: p.form.participant_id.clone(),
        completed: p.form.completed.clone(),
    };
    let r = state.app.group_member(&p.page.ctx, id, &input).await;
    r?;
    Ok(Redirect::to(&format!("/groups/{id}?saved=member#members")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterForm {
    group_id: String,
    participant_id: String,
}

/// Register someone with a group from their record.
async fn register(
    State(state): State<WebState>,
    p: Posted<RegisterForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&p.form.participant_id)?;
    let r = match p.form.group_id.trim().parse::<i64>() {
        Ok(gid) if gid > 0 => {
            let input = MemberInput {
                participant_id: pid.to_string(),
                completed: String::new(),
            };
            state.app.group_member(&p.page.ctx, gid, &input).await
        }
        _ => Err(AppError::field("group_id", "Choose a group")),
    };
    crate::pages::record::back(&state, &p.page, pid, "groups", r).await
}

/// The groups section of a person's record: their groups, and registering
/// them with another.
pub(crate) fn record_section(
    page: &Page,
    pid: i64,
    mine: &[PersonGroup],
    all: &[GroupRow],
    errors: &FieldErrors,
) -> Markup {
    let choices: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a group".to_owned()))
            .chain(
                all.iter()
                    .filter(|g| g.active && !mine.iter().any(|m| m.group_id == g.id))
                    .map(|g| (g.id.to_string(), g.name.clone())),
            )
            .collect();
    html! {
        h2 class="govuk-heading-m" id="groups" { "Groups" }
        @if mine.is_empty() { p class="govuk-body" { "Not registered with any group." } } @else {
            ul class="govuk-list" {
                @for g in mine {
                    li {
                        a class="govuk-link" href={ "/groups/" (g.group_id) } { (g.name) }
                        ": registered " (day(g.joined_on)) ", came to " (g.attended) " " (if g.attended == 1 { "session" } else { "sessions" })
                        @if let Some(l) = g.last_attended { ", last on " (day(l)) }
                        @if let Some(c) = g.completed_on { "; completed " (day(c)) }
                    }
                }
            }
        }
        @if choices.len() > 1 {
            form method="post" action="/groups/register" novalidate class="lw-group-register" {
                (html::csrf(page))
                input type="hidden" name="participant_id" value=(pid);
                (html::select("group_id", "Register with a group", &choices, "", errors, None))
                (html::button("Register"))
            }
        }
    }
}
