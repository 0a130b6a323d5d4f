//! Pieces of pages that several capabilities show: dates and times, the risk
//! banner, a table of referrals, and renaming a form's fields in errors.

use chrono_tz::Europe::London;
use linkwork_app::AppError;
use linkwork_app::casework::RiskFlag;
use linkwork_app::casework::appointments::Appointment;
use linkwork_app::referrals::Referral;
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::referral::ReferralStatus;
use linkwork_domain::referral::{RISK_KINDS, label_of};
use maud::{Markup, html};

pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

pub fn when(a: &Appointment) -> String {
    let local = a.starts_at.with_timezone(&London);
    format!(
        "{}, {} ({} min)",
        local.format("%a %-d %b %Y"),
        local.format("%H:%M"),
        a.duration_minutes
    )
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

pub fn status_tag(s: ReferralStatus) -> Markup {
    let colour = match s {
        ReferralStatus::Received => "govuk-tag--blue",
        ReferralStatus::Allocated => "govuk-tag--light-blue",
        ReferralStatus::Contacted => "govuk-tag--turquoise",
        ReferralStatus::Engaged => "govuk-tag--green",
        ReferralStatus::Declined => "govuk-tag--orange",
        ReferralStatus::Closed => "govuk-tag--grey",
    };
    html! { strong class={ "govuk-tag " (colour) } { (s.label()) } }
}

/// Reason codes as their labels, in the order of the programme's list.
pub fn reasons(codes: &[String], list: &[Reason]) -> String {
    let mut codes: Vec<&String> = codes.iter().collect();
    codes.sort_by_key(|c| {
        list.iter()
            .position(|r| &r.code == *c)
            .unwrap_or(usize::MAX)
    });
    codes
        .iter()
        .map(|c| linkwork_app::referrals::reasons::label(list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Referrals in a table; `list` gives the reasons' labels.
pub fn referral_table(rows: &[Referral], list: &[Reason]) -> Markup {
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Referrals" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Received" }
                th scope="col" class="govuk-table__header" { "Person" }
                th scope="col" class="govuk-table__header" { "Reasons" }
                th scope="col" class="govuk-table__header" { "Practice" }
                th scope="col" class="govuk-table__header" { "Status" }
            } }
            tbody class="govuk-table__body" {
                @for r in rows {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (date(r.received_on)) @if r.urgency == "urgent" { " " strong class="govuk-tag govuk-tag--red" { "Urgent" } } }
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/referrals/" (r.id) } { (r.person_name) } }
                        td class="govuk-table__cell" { (reasons(&r.reasons, list)) }
                        td class="govuk-table__cell" { (r.site_name) }
                        td class="govuk-table__cell" { (status_tag(r.status)) @if let Some(w) = &r.link_worker_name { br; span class="govuk-body-s" { (w) } } }
                    }
                }
            }
        }
    }
}
