//! Notes, risk flags and wellbeing measures on a person's record.

use super::participants::date;
use super::path_id;
use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::casework::RiskFlag;
use linkwork_app::casework::{
    CaseWork, FlagInput, GoalInput, GoalReviewInput, MeasureInput, NeedInput, NoteInput,
    ONWARD_KINDS, OnwardInput, SAFEGUARDING_KINDS, SafeguardingInput, SafetyPlanInput,
};
use linkwork_app::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::appointment::AppointmentStatus;
use linkwork_domain::referral::{
    GoalStatus, MEASURE_STAGES, NeedStatus, OnwardStatus, RISK_KINDS, label_of,
};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/notes", post(add_note))
        .route(
            "/people/{id}/notes/{note}",
            get(edit_note_page).post(edit_note),
        )
        .route("/people/{id}/flags", post(raise_flag))
        .route("/people/{id}/flags/{flag}/resolve", post(resolve_flag))
        .route("/people/{id}/measures", post(add_measure))
        .route("/people/{id}/needs", post(set_need))
        .route("/people/{id}/safety-plan", post(write_safety_plan))
        .route("/people/{id}/safeguarding", post(record_safeguarding))
        .route("/people/{id}/goals", post(add_goal))
        .route("/people/{id}/goals/{goal}/review", post(review_goal))
        .route("/people/{id}/onward", post(add_onward))
        .route("/people/{id}/onward/{item}", post(update_onward))
        .route("/people/{id}/plan", get(plan))
}

/// The risk flags, shown at the top of every page of a record.
pub fn flags_banner(flags: &[RiskFlag]) -> Markup {
    let active: Vec<&RiskFlag> = flags.iter().filter(|f| f.resolved_at.is_none()).collect();
    if active.is_empty() {
        return html! {};
    }
    html! {
        div class="govuk-notification-banner lw-risk" role="region" aria-labelledby="risk-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" { h2 class="govuk-notification-banner__title" id="risk-title" { "Risk" } }
            div class="govuk-notification-banner__content" {
                ul class="govuk-list" {
                    @for f in active {
                        li { strong { (label_of(&RISK_KINDS, &f.kind)) } @if let Some(d) = &f.details { ": " (d) } @if let Some(r) = f.review_on { " (review by " (date(r)) ")" } }
                    }
                }
            }
        }
    }
}

/// The case work sections of the record page.
pub fn sections(
    page: &Page,
    pid: i64,
    w: &CaseWork,
    reasons: &[Reason],
    errors: &FieldErrors,
) -> Markup {
    let kinds: Vec<(&str, &str)> = RISK_KINDS.to_vec();
    let swemwbs: Vec<(String, f64)> = w
        .measures
        .iter()
        .filter(|m| m.kind == "swemwbs")
        .map(|m| (m.taken_on.format("%b %Y").to_string(), m.score))
        .collect();
    let ons4: Vec<(String, f64)> = w
        .measures
        .iter()
        .filter(|m| m.kind == "ons4")
        .map(|m| (m.taken_on.format("%b %Y").to_string(), m.score))
        .collect();
    let need_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a need".to_owned()))
            .chain(linkwork_app::reasons::choices(reasons))
            .collect();
    let need_status_opts = NeedStatus::choices();
    let scale5: Vec<(String, String)> = (1..=5).map(|n| (n.to_string(), n.to_string())).collect();
    let questions = [
        "Optimistic about the future",
        "Useful",
        "Relaxed",
        "Dealing with problems well",
        "Thinking clearly",
        "Close to other people",
        "Able to make up my own mind",
    ];
    let ons = [
        "Life satisfaction",
        "Worthwhile",
        "Happiness yesterday",
        "Anxiety yesterday",
    ];
    html! {
        h2 class="govuk-heading-m" id="risk" { "Risk and safety" }
        @if w.risk_flags.is_empty() { p class="govuk-body" { "No risk flags." } }
        ul class="govuk-list" {
            @for f in &w.risk_flags {
                li {
                    strong { (label_of(&RISK_KINDS, &f.kind)) }
                    @if let Some(d) = &f.details { ": " (d) }
                    " — raised " (html::date_time(f.raised_at)) @if let Some(n) = &f.raised_by_name { " by " (n) }
                    @if let Some(r) = f.resolved_at { " — resolved " (html::date_time(r)) }
                    @else {
                        form method="post" action={ "/people/" (pid) "/flags/" (f.id) "/resolve" } class="lw-inline-form" {
                            (html::csrf(page))
                            " " button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { "Resolve" span class="govuk-visually-hidden" { " " (label_of(&RISK_KINDS, &f.kind)) } }
                        }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Raise a risk flag" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/flags" } novalidate {
                    (html::csrf(page))
                    (html::radios("kind", "Kind of risk", &kinds, "", errors, false))
                    (html::textarea("details", "Details (optional)", "", errors, None))
                    (html::text_field("review_on", "Review by (optional)", "", errors, html::Input { hint: Some("For example, 25/12/2026"), width: Some("10"), ..Default::default() }))
                    button type="submit" class="govuk-button govuk-button--warning" { "Raise flag" }
                }
            }
        }
        h3 class="govuk-heading-s" id="safety-plan" { "Safety plan" }
        @match w.safety_plans.first() {
            Some(sp) => {
                div class="govuk-inset-text" { p class="govuk-body" { (sp.plan) } p class="govuk-body-s" { "Written " (html::date_time(sp.written_at)) @if let Some(n) = &sp.written_by_name { " by " (n) } @if w.safety_plans.len() > 1 { " (" (w.safety_plans.len() - 1) " earlier versions kept)" } } }
            }
            None => p class="govuk-body" { "No safety plan." },
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { @if w.safety_plans.is_empty() { "Write a safety plan" } @else { "Update the safety plan" } } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/safety-plan" } novalidate {
                    (html::csrf(page))
                    (html::textarea("plan", "Safety plan", &w.safety_plans.first().map(|p| p.plan.clone()).unwrap_or_default(), errors, Some("Warning signs, what helps, who to contact, and how to keep safe.")))
                    (html::button("Save safety plan"))
                }
            }
        }
        h3 class="govuk-heading-s" id="safeguarding" { "Safeguarding actions" }
        @if w.safeguarding_actions.is_empty() { p class="govuk-body" { "None recorded." } }
        ul class="govuk-list" {
            @for a in &w.safeguarding_actions {
                li { strong { (label_of(&SAFEGUARDING_KINDS, &a.kind)) } " — " (a.taken_on.format("%-d %b %Y")) ", " (a.agency) @if let Some(n) = &a.note { br; span class="govuk-body-s" { (n) } } }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record a safeguarding action" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/safeguarding" } novalidate {
                    (html::csrf(page))
                    (html::radios("sg_kind", "Action", &SAFEGUARDING_KINDS, "", errors, false))
                    (html::text_field("sg_taken_on", "Date", "", errors, html::Input { hint: Some("For example, 25/11/2026"), width: Some("10"), ..Default::default() }))
                    (html::text_field("sg_agency", "Agency", "", errors, html::Input { hint: Some("For example, the council's social work team, Police Scotland"), ..Default::default() }))
                    (html::textarea("sg_note", "Note (optional)", "", errors, None))
                    button type="submit" class="govuk-button govuk-button--warning" { "Record action" }
                }
            }
        }
        h2 class="govuk-heading-m" id="needs" { "Needs" }
        @if w.needs.is_empty() { p class="govuk-body" { "No needs recorded yet." } }
        @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Needs" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Need" }
                    th scope="col" class="govuk-table__header" { "Now" }
                    th scope="col" class="govuk-table__header" { "Over time" }
                } }
                tbody class="govuk-table__body" {
                    @for n in &w.needs {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (linkwork_app::reasons::label(reasons, &n.need)) }
                            td class="govuk-table__cell" { (n.status.label()) }
                            td class="govuk-table__cell govuk-body-s" { (need_history(&n.history)) }
                        }
                    }
                }
            }
        }
        form method="post" action={ "/people/" (pid) "/needs" } novalidate {
            (html::csrf(page))
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" { (html::select("need", "Need", &need_opts, "", errors, None)) }
                div class="govuk-grid-column-one-half" { (html::select("need_status", "Where it stands", &need_status_opts, "identified", errors, None)) }
            }
            button type="submit" class="govuk-button govuk-button--secondary" { "Record need" }
        }
        h2 class="govuk-heading-m" id="goals" { "Goals" }
        @if w.goals.is_empty() { p class="govuk-body" { "No goals yet." } }
        @for g in &w.goals {
            div class="govuk-summary-card" {
                div class="govuk-summary-card__title-wrapper" {
                    h3 class="govuk-summary-card__title" { "“" (g.words) "”" }
                    strong class="govuk-tag" { (g.status.label()) }
                }
                div class="govuk-summary-card__content" {
                    @if let Some(c) = &g.last_comment { p class="govuk-body" { (c) } }
                    form method="post" action={ "/people/" (pid) "/goals/" (g.id) "/review" } novalidate {
                        (html::csrf(page))
                        (html::select(&format!("status-{}", g.id), "How is it going?", &GoalStatus::choices(), g.status.code(), errors, None))
                        (html::text_field(&format!("comment-{}", g.id), "Comment (optional)", "", errors, html::Input::default()))
                        button type="submit" class="govuk-button govuk-button--secondary" { "Save review" span class="govuk-visually-hidden" { " of “" (g.words) "”" } }
                    }
                }
            }
        }
        form method="post" action={ "/people/" (pid) "/goals" } novalidate {
            (html::csrf(page))
            (html::text_field("words", "A new goal, in their own words", "", errors, html::Input { hint: Some("For example: “I want to get out of the house twice a week”"), ..Default::default() }))
            (html::button("Add goal"))
        }
        h2 class="govuk-heading-m" id="onward" { "Onward support" }
        @if w.onward_support.is_empty() { p class="govuk-body" { "None yet." } }
        @for o in &w.onward_support {
            div class="govuk-summary-card" {
                div class="govuk-summary-card__title-wrapper" {
                    h3 class="govuk-summary-card__title" { (o.service) " (" (label_of(&ONWARD_KINDS, &o.kind).to_lowercase()) ")" }
                    strong class="govuk-tag" { (o.status.label()) }
                }
                div class="govuk-summary-card__content" {
                    @if let Some(x) = &o.when_and_where { p class="govuk-body" { (x) } }
                    @if let Some(x) = &o.outcome { p class="govuk-body" { "Outcome: " (x) } }
                    form method="post" action={ "/people/" (pid) "/onward/" (o.id) } novalidate {
                        (html::csrf(page))
                        (html::select(&format!("status-o{}", o.id), "Where does it stand?", &OnwardStatus::choices(), o.status.code(), errors, None))
                        (html::text_field(&format!("outcome-o{}", o.id), "Outcome (optional)", "", errors, html::Input::default()))
                        button type="submit" class="govuk-button govuk-button--secondary" { "Update" span class="govuk-visually-hidden" { " " (o.service) } }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Add onward support" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/onward" } novalidate {
                    (html::csrf(page))
                    (html::radios("onward_kind", "What kind?", &ONWARD_KINDS, "referral", errors, false))
                    (html::text_field("service", "Service", "", errors, html::Input { hint: Some("For example: welfare rights adviser, community garden"), ..Default::default() }))
                    (html::text_field("contact", "How to contact them (optional)", "", errors, html::Input::default()))
                    (html::text_field("when_and_where", "When and where (optional)", "", errors, html::Input { hint: Some("For example: Tuesdays 10:00 to 12:00 at the community centre"), ..Default::default() }))
                    (html::select("onward_status", "Where does it stand?", &OnwardStatus::choices(), "suggested", errors, None))
                    (html::button("Add"))
                }
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ "/people/" (pid) "/plan" } { "Print “My plan” for them" } " · " a class="govuk-link" href={ "/people/" (pid) "/plan?large=1" } { "large print" } }
        h2 class="govuk-heading-m" id="wellbeing" { "Wellbeing" }
        @if swemwbs.is_empty() && ons4.is_empty() { p class="govuk-body" { "No measures recorded yet." } }
        @if !swemwbs.is_empty() { (html::line_chart("SWEMWBS (metric score, 7 to 35)", &swemwbs, 7.0, 35.0)) }
        @if !ons4.is_empty() { (html::line_chart("Life satisfaction (ONS4, 0 to 10)", &ons4, 0.0, 10.0)) }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record SWEMWBS" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/measures" } novalidate {
                    (html::csrf(page))
                    input type="hidden" name="kind" value="swemwbs";
                    (html::radios("stage", "Stage", &MEASURE_STAGES, "baseline", errors, true))
                    p class="govuk-body" { "Over the last two weeks: 1 none of the time, 2 rarely, 3 some of the time, 4 often, 5 all of the time." }
                    @for (i, q) in questions.iter().enumerate() {
                        (html::select(&format!("answers-{i}"), &format!("{}. I've been {}", i + 1, q.to_lowercase()), &scale5, "3", errors, None))
                    }
                    (html::button("Save SWEMWBS"))
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record ONS4" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/measures" } novalidate {
                    (html::csrf(page))
                    input type="hidden" name="kind" value="ons4";
                    (html::radios("ons_stage", "Stage", &MEASURE_STAGES, "baseline", errors, true))
                    @for (i, q) in ons.iter().enumerate() {
                        (html::text_field(&format!("ons-{i}"), &format!("{q} (0 to 10)"), "", errors, html::Input { kind: "number", width: Some("2"), ..Default::default() }))
                    }
                    (html::button("Save ONS4"))
                }
            }
        }
        h2 class="govuk-heading-m" id="notes" { "Notes" }
        form method="post" action={ "/people/" (pid) "/notes" } novalidate {
            (html::csrf(page))
            (html::textarea("body", "Add a note", "", errors, None))
            div class="govuk-form-group" { div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                input class="govuk-checkboxes__input" id="restricted" name="restricted" type="checkbox" value="yes";
                label class="govuk-label govuk-checkboxes__label" for="restricted" { "Restricted: never shared outside the link work team" }
            } } }
            (html::button("Save note"))
        }
        @for n in &w.notes {
            div class="govuk-inset-text" {
                p class="govuk-body-s govuk-!-margin-bottom-1" {
                    (html::date_time(n.created_at)) @if let Some(a) = &n.author_name { ", " (a) }
                    @if n.restricted { " " strong class="govuk-tag govuk-tag--red" { "Restricted" } }
                    @if n.earlier_versions > 0 { " (edited " (html::date_time(n.updated_at)) ")" }
                }
                p class="govuk-body" { (n.body) }
                a class="govuk-link govuk-body-s" href={ "/people/" (pid) "/notes/" (n.id) } { "Edit or see earlier versions" span class="govuk-visually-hidden" { " of the note from " (html::date_time(n.created_at)) } }
            }
        }
    }
}

/// Form fields named `answers-0` … come in as separate values.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MeasureForm {
    kind: String,
    stage: String,
    taken_on: String,
    #[serde(rename = "answers-0")]
    a0: String,
    #[serde(rename = "answers-1")]
    a1: String,
    #[serde(rename = "answers-2")]
    a2: String,
    #[serde(rename = "answers-3")]
    a3: String,
    #[serde(rename = "answers-4")]
    a4: String,
    #[serde(rename = "answers-5")]
    a5: String,
    #[serde(rename = "answers-6")]
    a6: String,
    ons_stage: String,
    #[serde(rename = "ons-0")]
    o0: String,
    #[serde(rename = "ons-1")]
    o1: String,
    #[serde(rename = "ons-2")]
    o2: String,
    #[serde(rename = "ons-3")]
    o3: String,
}

/// After a change on a record: back to its section, or the record with the errors.
pub async fn back(
    state: &WebState,
    page: &Page,
    pid: i64,
    anchor: &str,
    r: linkwork_app::Result<()>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/people/{pid}?saved=changed#{anchor}")).into_response())
        }
        Err(AppError::Invalid(e)) => {
            super::participants::render_record(state, page, pid, "", &e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_note(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<NoteInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .add_note(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "notes", r).await
}

async fn raise_flag(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<FlagInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .raise_flag(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "risk", r).await
}

async fn resolve_flag(
    State(state): State<WebState>,
    Path((id, flag)): Path<(String, String)>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .resolve_flag(&p.page.ctx, pid, path_id(&flag)?)
        .await;
    back(&state, &p.page, pid, "risk", r).await
}

async fn add_measure(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<MeasureForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let f = &p.form;
    let ons = f.kind == "ons4";
    let answers: Vec<String> = if ons {
        [&f.o0, &f.o1, &f.o2, &f.o3]
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        [&f.a0, &f.a1, &f.a2, &f.a3, &f.a4, &f.a5, &f.a6]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let stage = if ons {
        f.ons_stage.clone()
    } else {
        f.stage.clone()
    };
    let input = MeasureInput {
        kind: f.kind.clone(),
        stage,
        taken_on: f.taken_on.clone(),
        answers,
    };
    let r = state
        .app
        .add_measure(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let names: [(&str, &str); 2] = if ons {
        [("answers", "ons-0"), ("stage", "ons_stage")]
    } else {
        [("answers", "answers-0"), ("stage", "stage")]
    };
    let r = r.map_err(|e| rename(e, &names));
    back(&state, &p.page, pid, "wellbeing", r).await
}

async fn edit_note_page(
    State(state): State<WebState>,
    page: Page,
    Path((id, note)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (pid, nid) = (path_id(&id)?, path_id(&note)?);
    note_page(&state, &page, pid, nid, &FieldErrors::new(), None).await
}

async fn note_page(
    state: &WebState,
    page: &Page,
    pid: i64,
    nid: i64,
    errors: &FieldErrors,
    typed: Option<&NoteInput>,
) -> Result<Response, PageError> {
    let work = if typed.is_none() {
        state.app.case_work(&page.ctx, pid).await?
    } else {
        // Shown again after a failed change: not a second audited view.
        state.app.case_work_for_form(&page.ctx, pid).await?
    };
    let n = work
        .notes
        .iter()
        .find(|n| n.id == nid)
        .ok_or(AppError::NotFound)?;
    let versions = state.app.note_versions(&page.ctx, pid, nid).await?;
    let body = typed
        .map(|t| t.body.clone())
        .unwrap_or_else(|| n.body.clone());
    let content = html! {
        (html::back_link(&format!("/people/{pid}#notes"), "Back to the record"))
        (flags_banner(&work.risk_flags))
        h1 class="govuk-heading-l" { "Edit note" }
        form method="post" action={ "/people/" (pid) "/notes/" (nid) } novalidate {
            (html::csrf(page))
            input type="hidden" name="version" value=(n.version);
            (html::textarea("body", "Note", &body, errors, Some("The earlier text is kept.")))
            div class="govuk-form-group" { div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                input class="govuk-checkboxes__input" id="restricted" name="restricted" type="checkbox" value="yes" checked[n.restricted];
                label class="govuk-label govuk-checkboxes__label" for="restricted" { "Restricted" }
            } } }
            (html::button("Save changes"))
        }
        h2 class="govuk-heading-m" { "Earlier versions" }
        @if versions.is_empty() { p class="govuk-body" { "None: this note has not been edited." } }
        @for v in &versions {
            div class="govuk-inset-text" {
                p class="govuk-body-s" { "Replaced " (html::date_time(v.replaced_at)) @if let Some(e) = &v.edited_by { " by " (e) } }
                p class="govuk-body" { (v.body) }
            }
        }
    };
    let st = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        st,
        Html(html::layout("Edit note", Some(page), Some(errors), content).into_string()),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoteEdit {
    version: String,
    #[serde(flatten)]
    input: NoteInput,
}

async fn edit_note(
    State(state): State<WebState>,
    Path((id, note)): Path<(String, String)>,
    p: Posted<NoteEdit>,
) -> Result<Response, PageError> {
    let (pid, nid) = (path_id(&id)?, path_id(&note)?);
    match state
        .app
        .edit_note(
            &p.page.ctx,
            pid,
            nid,
            p.form.version.parse().unwrap_or(0),
            &p.form.input,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/people/{pid}?saved=changed#notes")).into_response()),
        Err(AppError::Invalid(e)) => {
            note_page(&state, &p.page, pid, nid, &e, Some(&p.form.input)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_goal(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<GoalInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .add_goal(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "goals", r).await
}

async fn review_goal(
    State(state): State<WebState>,
    Path((id, goal)): Path<(String, String)>,
    p: Posted<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (pid, gid) = (path_id(&id)?, path_id(&goal)?);
    let input = GoalReviewInput {
        status: p
            .form
            .get(&format!("status-{gid}"))
            .cloned()
            .unwrap_or_default(),
        comment: p
            .form
            .get(&format!("comment-{gid}"))
            .cloned()
            .unwrap_or_default(),
    };
    let r = state.app.review_goal(&p.page.ctx, pid, gid, &input).await;
    let r = r.map_err(|e| {
        rename(
            e,
            &[
                ("status", &format!("status-{gid}")),
                ("comment", &format!("comment-{gid}")),
            ],
        )
    });
    back(&state, &p.page, pid, "goals", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OnwardForm {
    onward_kind: String,
    service: String,
    contact: String,
    when_and_where: String,
    onward_status: String,
}

async fn add_onward(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<OnwardForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let f = &p.form;
    let input = OnwardInput {
        kind: f.onward_kind.clone(),
        service: f.service.clone(),
        contact: f.contact.clone(),
        when_and_where: f.when_and_where.clone(),
        status: f.onward_status.clone(),
        outcome: String::new(),
    };
    let r = state
        .app
        .add_onward(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| rename(e, &[("kind", "onward_kind"), ("status", "onward_status")]));
    back(&state, &p.page, pid, "onward", r).await
}

async fn update_onward(
    State(state): State<WebState>,
    Path((id, item)): Path<(String, String)>,
    p: Posted<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (pid, oid) = (path_id(&id)?, path_id(&item)?);
    let input = OnwardInput {
        status: p
            .form
            .get(&format!("status-o{oid}"))
            .cloned()
            .unwrap_or_default(),
        outcome: p
            .form
            .get(&format!("outcome-o{oid}"))
            .cloned()
            .unwrap_or_default(),
        ..Default::default()
    };
    let r = state.app.update_onward(&p.page.ctx, pid, oid, &input).await;
    let r = r.map_err(|e| {
        rename(
            e,
            &[
                ("status", &format!("status-o{oid}")),
                ("outcome", &format!("outcome-o{oid}")),
            ],
        )
    });
    back(&state, &p.page, pid, "onward", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlanQ {
    large: String,
}

/// "My plan": a page for the person, in plain words, ready to print.
async fn plan(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PlanQ>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let (person, work) = state.app.participant_record(&page.ctx, pid).await?;
    let now = state.app.now();
    let next = state
        .app
        .list_appointments(
            &page.ctx,
            &linkwork_app::appointments::AppointmentFilter {
                from: Some(now),
                limit: 2000,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .find(|a| a.participant_id == Some(pid) && a.status == AppointmentStatus::Booked);
    let large = !q.large.is_empty();
    let body = html! {
        div class=(if large { "lw-large-print" } else { "" }) {
            h1 class="govuk-heading-xl" { "My plan" }
            p class="govuk-body-l" { (person.preferred_name.clone().unwrap_or_else(|| person.given_name.clone())) ", this is what we agreed." }
            h2 class="govuk-heading-l" { "What I want to work on" }
            @if work.goals.iter().all(|g| g.status == GoalStatus::SetAside) { p class="govuk-body-l" { "We will decide this together." } }
            ul class="govuk-list govuk-list--bullet govuk-body-l" {
                @for g in work.goals.iter().filter(|g| g.status != GoalStatus::SetAside) { li { (g.words) @if g.status == GoalStatus::Achieved { " — done!" } } }
            }
            h2 class="govuk-heading-l" { "People and places that can help" }
            @if work.onward_support.is_empty() { p class="govuk-body-l" { "We will look for these together." } }
            @for o in work.onward_support.iter().filter(|o| o.status != OnwardStatus::Declined) {
                div class="govuk-!-margin-bottom-6" {
                    h3 class="govuk-heading-m" { (o.service) }
                    @if let Some(x) = &o.when_and_where { p class="govuk-body-l govuk-!-margin-bottom-1" { "When and where: " (x) } }
                    @if let Some(x) = &o.contact { p class="govuk-body-l" { "How to get in touch: " (x) } }
                }
            }
            h2 class="govuk-heading-l" { "My next appointment" }
            @match &next {
                Some(a) => p class="govuk-body-l" { (super::appointments::when(a)) ", " (label_of(&linkwork_domain::appointment::MODES, &a.mode).to_lowercase()) ", with your link worker at " (a.site_name) "." },
                None => p class="govuk-body-l" { "We will arrange this together." },
            }
            p class="govuk-body-l" { "If you need to change anything, call your GP practice and ask for your link worker." }
        }
    };
    Ok(Html(html::layout("My plan", Some(&page), None, body).into_string()).into_response())
}

/// Several forms share a page: name each error after the field of the form that was sent.
pub fn rename(e: AppError, names: &[(&str, &str)]) -> AppError {
    match e {
        AppError::Invalid(mut f) => {
            for err in f.0.iter_mut() {
                if let Some((_, to)) = names.iter().find(|(from, _)| *from == err.field) {
                    err.field = (*to).to_owned();
                }
            }
            AppError::Invalid(f)
        }
        other => other,
    }
}

/// `identified@2026-11-01T…;being_addressed@…` → "Identified 1 Nov 2026 → Being addressed 5 Nov 2026".
fn need_history(history: &[linkwork_app::casework::NeedUpdate]) -> String {
    history
        .iter()
        .map(|u| format!("{} {}", u.status.label(), u.at.format("%-d %b %Y")))
        .collect::<Vec<_>>()
        .join(" → ")
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NeedForm {
    need: String,
    need_status: String,
}

async fn set_need(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<NeedForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let input = NeedInput {
        need: p.form.need.clone(),
        status: p.form.need_status.clone(),
    };
    let r = state
        .app
        .set_need(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| rename(e, &[("status", "need_status")]));
    back(&state, &p.page, pid, "needs", r).await
}

async fn write_safety_plan(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SafetyPlanInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .write_safety_plan(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "safety-plan", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SafeguardingForm {
    sg_kind: String,
    sg_taken_on: String,
    sg_agency: String,
    sg_note: String,
}

async fn record_safeguarding(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SafeguardingForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let f = &p.form;
    let input = SafeguardingInput {
        kind: f.sg_kind.clone(),
        taken_on: f.sg_taken_on.clone(),
        agency: f.sg_agency.clone(),
        note: f.sg_note.clone(),
    };
    let r = state
        .app
        .record_safeguarding(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| {
        rename(
            e,
            &[
                ("kind", "sg_kind"),
                ("taken_on", "sg_taken_on"),
                ("agency", "sg_agency"),
                ("note", "sg_note"),
            ],
        )
    });
    back(&state, &p.page, pid, "safeguarding", r).await
}
