//! The home page: what this person can do, and the programme at a glance.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::Page;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use linkwork_domain::{Permission, Role};
use maud::html;

pub fn routes() -> Router<WebState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<WebState>, page: Page) -> Result<Html<String>, PageError> {
    let a = &page.ctx.actor;
    let h = state.app.home(&page.ctx).await?;
    let (reasons, mine, areas, prompts) = (&h.reasons, &h.my_sites, &h.areas, &h.prompts);
    let (caseload, caseload_total, to_triage) = (&h.caseload, h.caseload_total, h.to_triage);
    let (replies, handovers, sent) = (&h.replies, &h.handovers, &h.sent);
    let body = html! {
        h1 class="govuk-heading-l" { "Hello, " (a.name) }
        p class="govuk-body-l" { "You are signed in as " (a.role.as_person()) "." }
        @if a.can(Permission::WorkWithParticipants) {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" { div class="lw-stat" { span class="lw-stat__figure" { (to_triage) } a class="govuk-link govuk-body" href="/referrals?show=new" { "new " (plural(to_triage, "referral", "referrals")) " to triage" } } }
                @if a.role == Role::LinkWorker {
                    div class="govuk-grid-column-one-third" { div class="lw-stat" { span class="lw-stat__figure" { (caseload_total) } a class="govuk-link govuk-body" href="/referrals?show=mine" { "open in your caseload" } } }
                }
            }
        }
        @if a.can(Permission::AnswerOnwardReferrals) {
            h2 class="govuk-heading-m" { "Referrals to your organisation" }
            p class="govuk-body" { "People the programme's link workers have referred to your services: accept or decline each, and say what happened." }
            p class="govuk-body" { a class="govuk-button govuk-!-margin-bottom-0" href="/partner" { "See referrals to you" } }
        }
        @if !replies.is_empty() {
            h2 class="govuk-heading-m" { "Answers from partner organisations" }
            ul class="govuk-list" {
                @for r in replies {
                    li {
                        a class="govuk-link" href={ "/people/" (r.participant_id) "#onward" } { (r.person_name) } ": "
                        (r.service) " — " strong { (r.status.label()) }
                        @if let Some(x) = &r.partner_reason { " (" (x) ")" }
                        ", " (html::date_time(r.responded_at))
                    }
                }
            }
        }
        @if !handovers.is_empty() {
            h2 class="govuk-heading-m" { "Handed over to you" }
            @for h in handovers {
                div class="govuk-inset-text" {
                    p class="govuk-body" { a class="govuk-link" href={ "/referrals/" (h.referral_id) } { (h.person_name) } " has moved from " (h.from_site_name) " to " (h.to_site_name) "." }
                    p class="govuk-body" { (h.summary) }
                    form method="post" action={ "/handovers/" (h.id) "/acknowledge" } {
                        (html::csrf(&page))
                        button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { "Acknowledge" span class="govuk-visually-hidden" { " the handover of " (h.person_name) } }
                    }
                }
            }
        }
        @if a.role == Role::LinkWorker {
            h2 class="govuk-heading-m" { "Today" }
            @if prompts.today.is_empty() { p class="govuk-body" { "No appointments today." } }
            ul class="govuk-list" {
                @for ap in &prompts.today {
                    li { strong { (ap.starts_at.with_timezone(&chrono_tz::Europe::London).format("%H:%M")) } " " a class="govuk-link" href={ "/referrals/" (ap.referral_id) "#appointments" } { (ap.person_name) } }
                }
            }
            @if !prompts.this_week.is_empty() {
                h2 class="govuk-heading-m" { "Later this week" }
                ul class="govuk-list" {
                    @for ap in &prompts.this_week {
                        li { (crate::pages::parts::when(ap)) " " a class="govuk-link" href={ "/referrals/" (ap.referral_id) "#appointments" } { (ap.person_name) } }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href="/diary" { "Open your diary" } }
            @if !prompts.flags_due.is_empty() {
                h2 class="govuk-heading-m" { "Risk flags to review" }
                ul class="govuk-list" {
                    @for (pid, name, kind, on) in &prompts.flags_due {
                        li { a class="govuk-link" href={ "/people/" (pid) "#risk" } { (name) } ": " (linkwork_domain::referral::label_of(&linkwork_domain::referral::RISK_KINDS, kind)) ", " (crate::pages::parts::review_by(*on, crate::pages::parts::today(&state))) }
                    }
                }
            }
            @if !prompts.not_seen.is_empty() {
                h2 class="govuk-heading-m" { "Not seen for " (linkwork_app::casework::appointments::NOT_SEEN_WEEKS) " weeks" }
                p class="govuk-body" { "Nothing closes on its own: check in, or close the referral if support has ended." }
                ul class="govuk-list" {
                    @for (rid, name, last) in &prompts.not_seen {
                        li { a class="govuk-link" href={ "/referrals/" (rid) } { (name) } ", " (last.map(|t| format!("last seen {}", html::date_time(t))).unwrap_or_else(|| "not yet seen".into())) }
                    }
                }
            }
        }
        @if !caseload.is_empty() {
            h2 class="govuk-heading-m" { "Your caseload" }
            (crate::pages::parts::referral_table(caseload, reasons))
        }
        @if matches!(a.role, Role::PracticeStaff | Role::Partner) {
            h2 class="govuk-heading-m" { @if a.role == Role::Partner { "Your referrals to the programme" } @else { "Referrals from your practice" } }
            a class="govuk-button" href="/referrals/new" { "Make a referral" }
            @if sent.is_empty() { p class="govuk-body" { "None yet." } } @else { (crate::pages::parts::referral_table(sent, reasons)) }
        }
        @if !areas.is_empty() {
            div class="govuk-grid-row" {
                @let sites: i64 = areas.iter().map(|x| x.site_count).sum();
                @let clusters: i64 = areas.iter().map(|x| x.cluster_count).sum();
                div class="govuk-grid-column-one-third" { div class="lw-stat" { span class="lw-stat__figure" { (areas.len()) } span class="govuk-body" { (plural(areas.len() as i64, "area", "areas")) } } }
                div class="govuk-grid-column-one-third" { div class="lw-stat" { span class="lw-stat__figure" { (clusters) } span class="govuk-body" { (plural(clusters, "cluster", "clusters")) } } }
                div class="govuk-grid-column-one-third" { div class="lw-stat" { span class="lw-stat__figure" { (sites) } span class="govuk-body" { (plural(sites, "site", "sites")) } } }
            }
            (html::bar_chart("Sites in each area", &areas.iter().map(|x| (x.name.clone(), x.site_count)).collect::<Vec<_>>()))
        }
        @if !mine.is_empty() {
            h2 class="govuk-heading-m" { "Where you work" }
            ul class="govuk-list" {
                @for s in mine { li { a class="govuk-link" href={ "/sites/" (s.id) } { (s.name) } " (" (s.code) ")" } }
            }
        } @else if !a.role.sees_whole_programme() {
            div class="govuk-inset-text" { "You are not assigned to any site yet. Ask your programme's administrator to add you to the sites you work at." }
        }
        h2 class="govuk-heading-m" { "What you can do" }
        ul class="govuk-list govuk-list--bullet" {
            li { a class="govuk-link" href="/sites" { "Find a site" } }
            @if a.can(Permission::ManageOrganisation) {
                li { a class="govuk-link" href="/sites/new" { "Add a site" } }
                li { a class="govuk-link" href="/sites/import" { "Import sites from a CSV file" } }
                li { a class="govuk-link" href="/areas" { "Manage areas and clusters" } }
            }
            @if a.can(Permission::ManageUsers) { li { a class="govuk-link" href="/users/new" { "Add a user" } } }
            @if a.role == Role::Manager { li { a class="govuk-link" href="/users" { "See the programme's staff" } } }
            @if a.can(Permission::ViewAudit) { li { a class="govuk-link" href="/audit" { "Search the audit trail" } } }
            li { a class="govuk-link" href="/account" { "Your account and API tokens" } }
        }
    };
    Ok(Html(
        html::layout("Home", Some(&page), None, body).into_string(),
    ))
}

fn plural(n: i64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
