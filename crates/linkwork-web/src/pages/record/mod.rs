//! A person's record: one page, risk flags first, then each section of case
//! work. Each section lives in its own file with its form handlers.

use crate::html;
use crate::html::Input;
use crate::pages::path_id;
use axum::extract::Query;
use axum::extract::{Path, State};
use linkwork_app::casework::support::Fund;
use linkwork_app::casework::support::{CONSENT_KINDS, FUND_KINDS, pounds};
use linkwork_app::participants::{CONTACT_METHODS, SEXES};
use serde::Deserialize;
mod flags;
mod goals;
mod needs;
mod notes;
mod onward;
mod plan;
mod safety;
mod wellbeing;

use crate::WebState;
use crate::error::PageError;
use crate::pages::parts::date;
use crate::session::Page;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use linkwork_app::AppError;
use linkwork_app::casework::CaseWork;
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::label_of;
use maud::{Markup, html};

pub fn routes() -> Router<WebState> {
    Router::new()
        .merge(flags::routes())
        .merge(safety::routes())
        .merge(needs::routes())
        .merge(goals::routes())
        .merge(onward::routes())
        .merge(wellbeing::routes())
        .merge(notes::routes())
        .merge(plan::routes())
}

/// Every section of case work on a record, in order.
pub fn sections(
    page: &Page,
    pid: i64,
    postcode: Option<&str>,
    w: &CaseWork,
    reasons: &[Reason],
    errors: &FieldErrors,
) -> Markup {
    html! {
        (flags::section(page, pid, w, reasons, errors))
        (safety::section(page, pid, w, reasons, errors))
        (needs::section(page, pid, w, reasons, errors))
        (goals::section(page, pid, w, reasons, errors))
        (onward::section(page, pid, postcode, w, errors))
        (wellbeing::section(page, pid, w, reasons, errors))
        (notes::section(page, pid, w, reasons, errors))
    }
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
        Err(AppError::Invalid(e)) => render_record(state, page, pid, "", &e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
    warning: String,
}

pub async fn show(
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
    let (p, kept) = if errors.is_empty() {
        state.app.record_page(&page.ctx, id).await?
    } else {
        state.app.record_page_for_form(&page.ctx, id).await?
    };
    if let Some(into) = p.merged_into {
        return Ok(crate::pages::participants::merge::merged_page(
            page, &p, into,
        ));
    }
    // Rendered once for this session while the record stays as it is (the
    // kept page is made anew when anything on it changes); shown with a
    // message or errors, it is rendered each time.
    let title = format!("{} {}", p.given_name, p.family_name);
    let plain = errors.is_empty() && s.saved.is_empty() && s.warning.is_empty();
    let variant = format!(
        "{}|{}|{}",
        page.csrf,
        p.version,
        crate::pages::parts::today(state)
    );
    if plain && let Some(body) = kept.rendered.get(&variant) {
        let body = maud::PreEscaped(body.to_string());
        return Ok(html::form_page(&title, page, errors, body));
    }
    let (work, funds, reasons, groups, history) = (
        &kept.work,
        &kept.funds,
        &kept.reasons,
        &kept.groups,
        &kept.history,
    );
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
        (crate::pages::parts::flags_banner(&work.risk_flags, crate::pages::parts::today(state)))
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
        div class="govuk-grid-row" {
            div class="govuk-grid-column-one-quarter lw-page-nav" {
                (contents())
            }
            div class="govuk-grid-column-three-quarters" {
        h2 class="govuk-heading-m" id="record-support" { "Support" }
        @if history.is_empty() { p class="govuk-body" { "No referrals yet." } }
        @else { (crate::pages::parts::referral_table(history, reasons)) }
        a class="govuk-button" href={ "/referrals/new?participant_id=" (p.id) } { "Make a referral" }
        (contact_section(work))
        h2 class="govuk-heading-m" id="person-details" { "Details" }
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
        (sections(page, p.id, p.postcode.as_deref(), work, reasons, errors))
        (support_sections(page, p.id, work, funds, errors))
        (crate::pages::groups::record_section(page, p.id, &work.groups, groups, errors))
            }
        }
    };
    if plain {
        kept.rendered
            .put(variant, std::sync::Arc::from(body.0.as_str()));
    }
    Ok(html::form_page(&title, page, errors, body))
}

/// The sections of a record, for jumping between them.
const CONTENTS: [(&str, &str); 14] = [
    ("record-support", "Support"),
    ("record-contact", "Appointments and contact"),
    ("person-details", "Details"),
    ("risk", "Risk and safety"),
    ("safety-plan", "Safety plan"),
    ("needs", "Needs"),
    ("goals", "Goals"),
    ("onward", "Onward support"),
    ("wellbeing", "Wellbeing"),
    ("notes", "Notes"),
    ("consent", "Consent"),
    ("vouchers", "Vouchers"),
    ("groups", "Groups"),
    ("main-content", "Back to top"),
];

fn contents() -> Markup {
    html! {
        nav class="lw-contents" aria-label="Sections of this record" {
            h2 class="govuk-heading-s govuk-!-margin-bottom-2" { "On this page" }
            ul class="govuk-list govuk-body-s" {
                @for (id, label) in CONTENTS { li { a class="govuk-link" href={ "#" (id) } { (label) } } }
            }
        }
    }
}

/// Appointments and contact attempts of all the person's referrals.
fn contact_section(w: &CaseWork) -> Markup {
    html! {
        h2 class="govuk-heading-m" id="record-contact" { "Appointments and contact" }
        h3 class="govuk-heading-s" { "Appointments" }
        @if w.appointments.is_empty() { p class="govuk-body" { "No appointments yet." } }
        @else {
            ul class="govuk-list" {
                @for a in w.appointments.iter().rev() {
                    li { a class="govuk-link" href={ "/referrals/" (a.referral_id) "#appointments" } { (crate::pages::parts::when(a)) } ", " (label_of(&linkwork_domain::appointment::MODES, &a.mode).to_lowercase()) " — " (a.status.label()) @if let Some(n) = &a.link_worker_name { " (" (n) ")" } }
                }
            }
        }
        h3 class="govuk-heading-s" { "Contact attempts" }
        @if w.contact_attempts.is_empty() { p class="govuk-body" { "None yet." } }
        @else {
            ul class="govuk-list" {
                @for c in &w.contact_attempts {
                    li { (html::date_time(c.at)) ": " (label_of(&linkwork_domain::referral::CONTACT_METHODS, &c.method)) ", " (label_of(&linkwork_domain::referral::CONTACT_OUTCOMES, &c.outcome).to_lowercase())
                        @if let Some(n) = &c.user_name { " (" (n) ")" }
                        @if let Some(n) = &c.note { br; span class="govuk-body-s" { (n) } } }
                }
            }
        }
    }
}

/// Consent and vouchers on the record page.
fn support_sections(
    page: &Page,
    pid: i64,
    w: &CaseWork,
    funds: &[Fund],
    errors: &FieldErrors,
) -> Markup {
    let fund_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a fund".to_owned()))
            .chain(funds.iter().map(|f| {
                (
                    f.id.to_string(),
                    format!("{} ({} left)", f.name, pounds(f.balance_pence)),
                )
            }))
            .collect();
    html! {
        h2 class="govuk-heading-m" id="consent" { "Consent" }
        @if w.consents.is_empty() { p class="govuk-body" { "No consent recorded yet." } }
        ul class="govuk-list" {
            @for c in &w.consents {
                li {
                    (label_of(&CONSENT_KINDS, &c.kind)) @if let Some(p) = &c.partner { ": " (p) }
                    " — recorded " (html::date_time(c.recorded_at))
                    @if let Some(t) = c.withdrawn_at { " — " strong { "withdrawn " (html::date_time(t)) } }
                    @else {
                        form method="post" action={ "/people/" (pid) "/consents/" (c.id) "/withdraw" } class="lw-inline-form" {
                            (html::csrf(page))
                            " " button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { "Withdraw" span class="govuk-visually-hidden" { " consent: " (label_of(&CONSENT_KINDS, &c.kind)) } }
                        }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record consent" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/consents" } novalidate {
                    (html::csrf(page))
                    (html::radios("consent_kind", "The person agrees", &CONSENT_KINDS, "", errors, false))
                    (html::text_field("partner", "Partner organisation (for sharing with a partner)", "", errors, Input { hint: Some("Its name as in the community directory: then its staff see the person's name and contact details on the referrals you send them. Without this they see initials only."), ..Default::default() }))
                    (html::button("Record consent"))
                }
            }
        }
        h2 class="govuk-heading-m" id="vouchers" { "Vouchers" }
        @if w.vouchers.is_empty() { p class="govuk-body" { "No vouchers issued." } }
        ul class="govuk-list" {
            @for v in &w.vouchers { li { (pounds(v.amount_pence)) " " (label_of(&FUND_KINDS, &v.kind).to_lowercase()) " from " (v.fund_name) ", " (html::date_time(v.at)) @if let Some(n) = &v.note { " (" (n) ")" } } }
        }
        @if !funds.is_empty() {
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Issue a voucher" } }
                div class="govuk-details__text" {
                    form method="post" action={ "/people/" (pid) "/vouchers" } novalidate {
                        (html::csrf(page))
                        (html::select("fund_id", "Fund", &fund_opts, "", errors, None))
                        (html::text_field("amount", "Amount in pounds", "", errors, Input { width: Some("5"), hint: Some("For example, 20 or 12.50"), ..Default::default() }))
                        (html::text_field("voucher_note", "Note (optional)", "", errors, Input::default()))
                        (html::button("Issue voucher"))
                    }
                }
            }
        }
    }
}
