//! Adding and editing a directory entry, and the administrators' postcode
//! lookup import.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::directory::{Organization, ScheduleInput, ServiceInput, Term};
use linkwork_domain::FieldErrors;
use linkwork_domain::directory::{DAYS, Reach, ReferralRoute, ServiceStatus};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/directory/services/new", get(new_form).post(create))
        .route("/directory/services/{id}/edit", get(edit_form).post(update))
        .route(
            "/directory/postcodes",
            get(postcodes_form).post(import_postcodes),
        )
        .route("/directory/simd", axum::routing::post(import_simd))
        .route("/directory/taxonomy", get(taxonomy).post(add_term))
        .route("/directory/taxonomy/{id}", axum::routing::post(rename_term))
}

const ROWS: usize = 3;

/// The form, flat (a browser cannot send nested lists).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct EditForm {
    name: String,
    organization_id: String,
    new_organization: String,
    description: String,
    url: String,
    email: String,
    phone: String,
    status: String,
    closed_reason: String,
    closed_until: String,
    reach: String,
    min_age: String,
    max_age: String,
    free: String,
    cost: String,
    languages: String,
    referral_routes: Vec<String>,
    referral_notes: String,
    capacity_note: String,
    staff_notes: String,
    categories: Vec<String>,
    audiences: Vec<String>,
    location_name: String,
    address: String,
    postcode: String,
    day_0: String,
    every_0: String,
    opens_0: String,
    closes_0: String,
    from_0: String,
    to_0: String,
    day_1: String,
    every_1: String,
    opens_1: String,
    closes_1: String,
    from_1: String,
    to_1: String,
    day_2: String,
    every_2: String,
    opens_2: String,
    closes_2: String,
    from_2: String,
    to_2: String,
    checked: String,
    version: String,
}

impl EditForm {
    fn rows(&self) -> [[&String; 6]; ROWS] {
        [
            [
                &self.day_0,
                &self.every_0,
                &self.opens_0,
                &self.closes_0,
                &self.from_0,
                &self.to_0,
            ],
            [
                &self.day_1,
                &self.every_1,
                &self.opens_1,
                &self.closes_1,
                &self.from_1,
                &self.to_1,
            ],
            [
                &self.day_2,
                &self.every_2,
                &self.opens_2,
                &self.closes_2,
                &self.from_2,
                &self.to_2,
            ],
        ]
    }

    fn input(&self) -> ServiceInput {
        ServiceInput {
            name: self.name.clone(),
            organization_id: self.organization_id.clone(),
            new_organization: self.new_organization.clone(),
            description: self.description.clone(),
            url: self.url.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            status: self.status.clone(),
            closed_reason: self.closed_reason.clone(),
            closed_until: self.closed_until.clone(),
            reach: self.reach.clone(),
            min_age: self.min_age.clone(),
            max_age: self.max_age.clone(),
            free: if self.free.is_empty() {
                "no".into()
            } else {
                "yes".into()
            },
            cost: self.cost.clone(),
            languages: self.languages.clone(),
            referral_routes: self.referral_routes.clone(),
            referral_notes: self.referral_notes.clone(),
            capacity_note: self.capacity_note.clone(),
            staff_notes: self.staff_notes.clone(),
            categories: self
                .categories
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect(),
            audiences: self
                .audiences
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect(),
            location_name: self.location_name.clone(),
            address: self.address.clone(),
            postcode: self.postcode.clone(),
            schedules: self
                .rows()
                .iter()
                .map(|[d, e, o, c, f, t]| ScheduleInput {
                    days: if d.is_empty() {
                        Vec::new()
                    } else {
                        vec![(*d).clone()]
                    },
                    every: (*e).clone(),
                    opens_at: (*o).clone(),
                    closes_at: (*c).clone(),
                    valid_from: (*f).clone(),
                    valid_to: (*t).clone(),
                })
                .collect(),
            checked: self.checked.clone(),
            version: self.version.clone(),
        }
    }

    /// The form filled from a stored entry.
    fn of(s: &linkwork_app::directory::ServicePage) -> EditForm {
        let v = &s.service;
        let mut f = EditForm {
            name: v.name.clone(),
            organization_id: v.organization_id.to_string(),
            description: v.description.clone(),
            url: v.url.clone().unwrap_or_default(),
            email: v.email.clone().unwrap_or_default(),
            phone: v.phone.clone().unwrap_or_default(),
            status: v.status.clone(),
            closed_reason: v.closed_reason.clone().unwrap_or_default(),
            closed_until: v
                .closed_until
                .map(|d| d.format("%-d %-m %Y").to_string())
                .unwrap_or_default(),
            reach: v.reach.clone(),
            min_age: v.min_age.map(|a| a.to_string()).unwrap_or_default(),
            max_age: v.max_age.map(|a| a.to_string()).unwrap_or_default(),
            free: if v.free { "yes".into() } else { String::new() },
            cost: v.cost.clone().unwrap_or_default(),
            languages: v.languages.clone(),
            referral_routes: v
                .referral_routes
                .split('|')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            referral_notes: v.referral_notes.clone().unwrap_or_default(),
            capacity_note: v.capacity_note.clone().unwrap_or_default(),
            staff_notes: v.staff_notes.clone().unwrap_or_default(),
            categories: s.categories.iter().map(|t| t.code.clone()).collect(),
            audiences: s.audiences.iter().map(|t| t.code.clone()).collect(),
            ..Default::default()
        };
        if let Some(l) = s.locations.first() {
            f.location_name = l.name.clone();
            f.address = l.address.clone();
            f.postcode = l.postcode.clone().unwrap_or_default();
        }
        let date = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%-d %-m %Y").to_string())
                .unwrap_or_default()
        };
        for (i, sc) in v.schedules.iter().take(ROWS).enumerate() {
            let every = match (sc.freq.as_str(), sc.freq_interval) {
                ("MONTHLY", _) => "monthly",
                (_, 2) => "fortnightly",
                _ => "weekly",
            };
            let vals = [
                sc.byday.split(',').next().unwrap_or_default().to_owned(),
                every.to_owned(),
                sc.opens_at.clone().unwrap_or_default(),
                sc.closes_at.clone().unwrap_or_default(),
                date(sc.valid_from.or(sc.dtstart)),
                date(sc.valid_to),
            ];
            let slots: [&mut String; 6] = match i {
                0 => [
                    &mut f.day_0,
                    &mut f.every_0,
                    &mut f.opens_0,
                    &mut f.closes_0,
                    &mut f.from_0,
                    &mut f.to_0,
                ],
                1 => [
                    &mut f.day_1,
                    &mut f.every_1,
                    &mut f.opens_1,
                    &mut f.closes_1,
                    &mut f.from_1,
                    &mut f.to_1,
                ],
                _ => [
                    &mut f.day_2,
                    &mut f.every_2,
                    &mut f.opens_2,
                    &mut f.closes_2,
                    &mut f.from_2,
                    &mut f.to_2,
                ],
            };
            for (slot, val) in slots.into_iter().zip(vals) {
                *slot = val;
            }
        }
        f.version = String::new();
        f
    }
}

/// Field names the app uses for schedule rows, as the form names them.
fn rename(e: AppError) -> AppError {
    let mut names: Vec<(String, String)> = Vec::new();
    for i in 0..ROWS {
        for (app, form) in [
            ("days", "day"),
            ("every", "every"),
            ("opens_at", "opens"),
            ("closes_at", "closes"),
            ("valid_from", "from"),
            ("valid_to", "to"),
        ] {
            names.push((format!("schedules[{i}].{app}"), format!("{form}_{i}")));
        }
    }
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    crate::pages::parts::rename(e, &pairs)
}

async fn form_page(
    state: &WebState,
    page: &Page,
    id: Option<i64>,
    f: &EditForm,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let terms = state.app.directory_terms(&page.ctx).await?;
    let orgs = state.app.directory_organizations(&page.ctx).await?;
    let org_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose an organisation".to_owned()))
            .chain(
                orgs.iter()
                    .map(|o: &Organization| (o.id.to_string(), o.name.clone())),
            )
            .collect();
    let statuses: Vec<(&str, &str)> = ServiceStatus::ALL
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect();
    let reaches: Vec<(&str, &str)> = Reach::ALL.iter().map(|s| (s.code(), s.label())).collect();
    let routes: Vec<(String, String)> = ReferralRoute::ALL
        .iter()
        .map(|r| (r.code().to_owned(), r.label().to_owned()))
        .collect();
    let days: Vec<(String, String)> = std::iter::once((String::new(), "No day".to_owned()))
        .chain(DAYS.iter().map(|(c, n)| ((*c).to_owned(), (*n).to_owned())))
        .collect();
    let every: Vec<(String, String)> = [
        ("weekly", "Every week"),
        ("fortnightly", "Every other week"),
        ("monthly", "Once a month"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    let multi = |name: &str, label: &str, taxonomy: &str, chosen: &[String]| {
        let mut list: Vec<&Term> = terms.iter().filter(|t| t.taxonomy == taxonomy).collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        html! {
            div class="govuk-form-group" {
                label class="govuk-label" for=(name) { (label) }
                div id={ (name) "-hint" } class="govuk-hint" { "Hold Ctrl (or Cmd) to choose more than one." }
                select class="govuk-select lw-multi" id=(name) name=(name) multiple size="8" aria-describedby={ (name) "-hint" } {
                    @for t in list { option value=(t.code) selected[chosen.contains(&t.code)] { (t.name) } }
                }
            }
        }
    };
    let title = if id.is_some() {
        "Edit a directory entry"
    } else {
        "Add a service to the directory"
    };
    let action = match id {
        Some(i) => format!("/directory/services/{i}/edit"),
        None => "/directory/services/new".into(),
    };
    let rows = f.rows();
    let body = html! {
        (html::back_link(&id.map_or("/directory".into(), |i| format!("/directory/services/{i}")), "Back"))
        h1 class="govuk-heading-l" { (title) }
        form method="post" action=(action) novalidate {
            (html::csrf(page))
            input type="hidden" name="version" value=(f.version);
            h2 class="govuk-heading-m" { "The service" }
            (html::text_field("name", "Name of the service", &f.name, errors, Input::default()))
            (html::select("organization_id", "Organisation that runs it", &org_opts, &f.organization_id, errors, None))
            (html::text_field("new_organization", "Or a new organisation’s name", &f.new_organization, errors, Input { hint: Some("Only if it is not in the list"), ..Default::default() }))
            (html::textarea("description", "What it offers", &f.description, errors, None))
            (multi("categories", "Kind of support", "what", &f.categories))
            (multi("audiences", "Who it is for (leave empty for anyone)", "who", &f.audiences))
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" { (html::text_field("min_age", "Youngest age (optional)", &f.min_age, errors, Input { width: Some("3"), ..Default::default() })) }
                div class="govuk-grid-column-one-half" { (html::text_field("max_age", "Oldest age (optional)", &f.max_age, errors, Input { width: Some("3"), ..Default::default() })) }
            }
            (html::radios("reach", "How far it reaches", &reaches, if f.reach.is_empty() { "local" } else { &f.reach }, errors, false))
            h2 class="govuk-heading-m" { "Where and when" }
            (html::text_field("location_name", "Place (optional)", &f.location_name, errors, Input { hint: Some("For example: Govan Community Hall"), ..Default::default() }))
            (html::text_field("address", "Address (optional)", &f.address, errors, Input::default()))
            (html::text_field("postcode", "Postcode (optional)", &f.postcode, errors, Input { width: Some("10"), ..Default::default() }))
            @for (i, r) in rows.iter().enumerate() {
                fieldset class="govuk-fieldset lw-schedule" {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Opening " (i + 1) @if i > 0 { " (optional)" } }
                    div class="govuk-grid-row" {
                        div class="govuk-grid-column-one-quarter" { (html::select(&format!("day_{i}"), "Day", &days, r[0], errors, None)) }
                        div class="govuk-grid-column-one-quarter" { (html::select(&format!("every_{i}"), "How often", &every, r[1], errors, None)) }
                        div class="govuk-grid-column-one-quarter" { (html::text_field(&format!("opens_{i}"), "Opens", r[2], errors, Input { width: Some("5"), hint: Some("Like 10:00"), ..Default::default() })) }
                        div class="govuk-grid-column-one-quarter" { (html::text_field(&format!("closes_{i}"), "Closes", r[3], errors, Input { width: Some("5"), hint: Some("Like 12:00"), ..Default::default() })) }
                    }
                    div class="govuk-grid-row" {
                        div class="govuk-grid-column-one-half" { (html::text_field(&format!("from_{i}"), "From (optional)", r[4], errors, Input { width: Some("10"), hint: Some("First date, or a season’s start"), ..Default::default() })) }
                        div class="govuk-grid-column-one-half" { (html::text_field(&format!("to_{i}"), "Until (optional)", r[5], errors, Input { width: Some("10"), hint: Some("A season’s or term’s last date"), ..Default::default() })) }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Getting there" }
            (html::checkboxes("referral_routes", "How to refer", &routes, &f.referral_routes, errors, None))
            (html::textarea("referral_notes", "How to refer, in detail (optional)", &f.referral_notes, errors, Some("For example: the referral form is on their website; ask for Sam on the phone")))
            (html::text_field("capacity_note", "Capacity or waiting (optional)", &f.capacity_note, errors, Input { hint: Some("For example: waiting list of about 6 weeks"), ..Default::default() }))
            (html::text_field("phone", "Phone (optional)", &f.phone, errors, Input { kind: "tel", width: Some("20"), ..Default::default() }))
            (html::text_field("email", "Email (optional)", &f.email, errors, Input { kind: "email", ..Default::default() }))
            (html::text_field("url", "Website (optional)", &f.url, errors, Input { kind: "url", ..Default::default() }))
            div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id="free" name="free" type="checkbox" value="yes" checked[!f.free.is_empty()];
                    label class="govuk-label govuk-checkboxes__label" for="free" { "Free of charge" }
                }
            }
            (html::text_field("cost", "Cost, if there is one (optional)", &f.cost, errors, Input { hint: Some("For example: £5 a session"), ..Default::default() }))
            (html::text_field("languages", "Languages (optional)", &f.languages, errors, Input { hint: Some("For example: English, Polish, BSL"), ..Default::default() }))
            h2 class="govuk-heading-m" { "Status" }
            (html::radios("status", "Is it running?", &statuses, if f.status.is_empty() { "active" } else { &f.status }, errors, false))
            (html::text_field("closed_reason", "Why it is closed (if it is)", &f.closed_reason, errors, Input::default()))
            (html::text_field("closed_until", "Closed until (optional)", &f.closed_until, errors, Input { width: Some("10"), hint: Some("The last day it is closed. For example: 31 1 2027"), ..Default::default() }))
            (html::textarea("staff_notes", "Notes for programme staff only (optional)", &f.staff_notes, errors, Some("Never shown outside the programme, never exported.")))
            div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id="checked" name="checked" type="checkbox" value="yes" checked[!f.checked.is_empty()];
                    label class="govuk-label govuk-checkboxes__label" for="checked" { "I checked these details with the organisation today" }
                }
            }
            (html::button("Save"))
        }
    };
    Ok(html::form_page(title, page, errors, body).into_response())
}

async fn new_form(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state
        .app
        .may(&page.ctx, linkwork_app::gate::Intent::EditDirectory)
        .await?;
    form_page(
        &state,
        &page,
        None,
        &EditForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn create(State(state): State<WebState>, p: Posted<EditForm>) -> Result<Response, PageError> {
    match state
        .app
        .save_directory_service(&p.page.ctx, None, &p.form.input())
        .await
        .map_err(rename)
    {
        Ok(id) => Ok(Redirect::to(&format!("/directory/services/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &p.page, None, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state
        .app
        .may(&page.ctx, linkwork_app::gate::Intent::EditDirectory)
        .await?;
    let s = state.app.directory_service(&page.ctx, id).await?;
    let mut f = EditForm::of(&s);
    f.version = s.version.to_string();
    form_page(&state, &page, Some(id), &f, &FieldErrors::new()).await
}

async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<EditForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .save_directory_service(&p.page.ctx, Some(id), &p.form.input())
        .await
        .map_err(rename)
    {
        Ok(id) => Ok(Redirect::to(&format!("/directory/services/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &p.page, Some(id), &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn postcodes_form(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    postcode_page(&state, &page, &FieldErrors::new(), None).await
}

async fn postcode_page(
    state: &WebState,
    page: &Page,
    errors: &FieldErrors,
    done: Option<String>,
) -> Result<Response, PageError> {
    let (zoned, zones) = state.app.simd_counts(&page.ctx).await?;
    let body = html! {
        h1 class="govuk-heading-l" { "Postcode lookup and SIMD" }
        @if let Some(d) = &done { (html::success_banner(d)) }
        p class="govuk-body" { (zoned) " postcodes know their data zone; " (zones) " data zones have SIMD ranks. Figures count people by the SIMD decile and quintile of their postcode's data zone." }
        h2 class="govuk-heading-m" { "Postcodes" }
        p class="govuk-body" { "The directory measures distances from postcodes. Paste a CSV with the columns of the ONS postcode directories (NSPL or ONSPD): " code { "pcds" } " (or " code { "postcode" } "), " code { "lat" } " and " code { "long" } ", and for SIMD the 2011 data zone (" code { "dz11" } " or " code { "datazone2011_code" } "). Postcodes no longer in use (with a " code { "doterm" } ") are left out. An unknown postcode falls back to the middle of its district. For large files use " code { "linkwork import postcodes FILE" } "." }
        form method="post" action="/directory/postcodes" novalidate {
            (html::csrf(page))
            (html::textarea("file", "Postcodes: CSV text", "", errors, Some("The header row first.")))
            (html::button("Import postcodes"))
        }
        h2 class="govuk-heading-m" { "SIMD table" }
        p class="govuk-body" { "Paste the Scottish Index of Multiple Deprivation 2020v2 table by data zone: a CSV with " code { "datazone2011_code" } " and " code { "simd2020v2_rank" } " (1 is the most deprived of 6,976), and optionally " code { "datazone2011_name" } " and " code { "council_area_name" } ". Deciles and quintiles are worked out from the rank. Or use " code { "linkwork import simd FILE" } "." }
        form method="post" action="/directory/simd" novalidate {
            (html::csrf(page))
            (html::textarea("simd", "SIMD table: CSV text", "", errors, Some("The header row first.")))
            (html::button("Import SIMD table"))
        }
    };
    Ok(html::form_page("Postcode lookup and SIMD", page, errors, body).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PostcodeForm {
    file: String,
    simd: String,
}

async fn import_postcodes(
    State(state): State<WebState>,
    p: Posted<PostcodeForm>,
) -> Result<Response, PageError> {
    match state.app.import_postcodes(&p.page.ctx, &p.form.file).await {
        Ok(r) => {
            let done = format!(
                "{} postcodes imported, {} left out (no longer in use, or unreadable).",
                r.taken, r.skipped
            );
            postcode_page(&state, &p.page, &FieldErrors::new(), Some(done)).await
        }
        Err(AppError::Invalid(e)) => postcode_page(&state, &p.page, &e, None).await,
        Err(e) => Err(e.into()),
    }
}

async fn import_simd(
    State(state): State<WebState>,
    p: Posted<PostcodeForm>,
) -> Result<Response, PageError> {
    match state.app.import_simd(&p.page.ctx, &p.form.simd).await {
        Ok(r) => {
            let done = format!(
                "{} data zones imported, {} left out (no data zone code or rank).",
                r.taken, r.skipped
            );
            postcode_page(&state, &p.page, &FieldErrors::new(), Some(done)).await
        }
        Err(AppError::Invalid(e)) => {
            // The error is about the pasted table: name its field.
            let mut named = FieldErrors::new();
            for x in &e.0 {
                named.add(
                    if x.field == "file" { "simd" } else { &x.field },
                    x.message.clone(),
                );
            }
            postcode_page(&state, &p.page, &named, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The taxonomy, for administrators: add and rename terms.
async fn taxonomy_page(
    state: &WebState,
    page: &Page,
    errors: &FieldErrors,
    done: bool,
) -> Result<Response, PageError> {
    let terms = state.app.directory_terms(&page.ctx).await?;
    let section = |tax: &str, title: &str| {
        let mut tops: Vec<&Term> = terms
            .iter()
            .filter(|t| t.taxonomy == tax && t.parent_id.is_none())
            .collect();
        tops.sort_by(|a, b| a.name.cmp(&b.name));
        let parents: Vec<(String, String)> =
            std::iter::once((String::new(), "At the top".to_owned()))
                .chain(tops.iter().map(|t| (t.id.to_string(), t.name.clone())))
                .collect();
        html! {
            h2 class="govuk-heading-m" id=(tax) { (title) }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Show and rename the " (terms.iter().filter(|t| t.taxonomy == tax).count()) " terms" } }
                div class="govuk-details__text" {
                    ul class="govuk-list" {
                        @for t in &tops {
                            li { (rename_form(page, t))
                                ul class="govuk-list govuk-!-margin-left-6" {
                                    @for k in terms.iter().filter(|k| k.parent_id == Some(t.id)) { li { (rename_form(page, k)) } }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/directory/taxonomy" novalidate {
                (html::csrf(page))
                input type="hidden" name="taxonomy" value=(tax);
                (html::text_field(&format!("name-{tax}"), "Add a term", "", errors, Input::default()))
                (html::select(&format!("parent-{tax}"), "Under", &parents, "", errors, None))
                (html::button("Add"))
            }
        }
    };
    let body = html! {
        h1 class="govuk-heading-l" { "Directory taxonomy" }
        @if done { (html::success_banner("Saved.")) }
        p class="govuk-body" { "The kinds of support (what) and who services are for (who), seeded from ALISS (A Local Information System for Scotland). Renaming a term changes it on every service at once." }
        (section("what", "Kinds of support (what)"))
        (section("who", "Who services are for (who)"))
    };
    Ok(html::form_page("Directory taxonomy", page, errors, body).into_response())
}

fn rename_form(page: &Page, t: &Term) -> maud::Markup {
    html! {
        form method="post" action={ "/directory/taxonomy/" (t.id) } class="lw-inline-form" {
            (html::csrf(page))
            label class="govuk-visually-hidden" for={ "term-" (t.id) } { "Name of " (t.name) }
            input class="govuk-input govuk-input--width-20" id={ "term-" (t.id) } name="name" value=(t.name);
            " "
            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1" data-module="govuk-button" { "Rename" span class="govuk-visually-hidden" { " " (t.name) } }
        }
    }
}

async fn taxonomy(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state
        .app
        .may(&page.ctx, linkwork_app::gate::Intent::ManageDirectory)
        .await?;
    taxonomy_page(&state, &page, &FieldErrors::new(), false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TermForm {
    taxonomy: String,
    #[serde(rename = "name-what")]
    name_what: String,
    #[serde(rename = "name-who")]
    name_who: String,
    #[serde(rename = "parent-what")]
    parent_what: String,
    #[serde(rename = "parent-who")]
    parent_who: String,
}

async fn add_term(
    State(state): State<WebState>,
    p: Posted<TermForm>,
) -> Result<Response, PageError> {
    let f = &p.form;
    let (name, parent) = if f.taxonomy == "who" {
        (&f.name_who, &f.parent_who)
    } else {
        (&f.name_what, &f.parent_what)
    };
    let tax = f.taxonomy.clone();
    match state
        .app
        .add_directory_term(&p.page.ctx, &tax, name, parent)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/directory/taxonomy?done=1#{tax}")).into_response()),
        Err(AppError::Invalid(e)) => {
            let e = crate::pages::parts::rename(
                AppError::Invalid(e),
                &[
                    ("name", &format!("name-{tax}")),
                    ("parent", &format!("parent-{tax}")),
                ],
            );
            match e {
                AppError::Invalid(e) => taxonomy_page(&state, &p.page, &e, false).await,
                e => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RenameForm {
    name: String,
}

async fn rename_term(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<RenameForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .rename_directory_term(&p.page.ctx, id, &p.form.name)
        .await
    {
        Ok(()) => Ok(Redirect::to("/directory/taxonomy?done=1").into_response()),
        Err(AppError::Invalid(e)) => taxonomy_page(&state, &p.page, &e, false).await,
        Err(e) => Err(e.into()),
    }
}
