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

/// A risk flag's review date: "review by 2 Dec 2026", or, once it has
/// passed, a red "Review overdue" tag that screen readers read too.
pub fn review_by(on: chrono::NaiveDate, today: chrono::NaiveDate) -> Markup {
    review_tag(on, on < today)
}

/// [`review_by`] when whether it is overdue is already known.
pub fn review_tag(on: chrono::NaiveDate, overdue: bool) -> Markup {
    html! {
        @if overdue {
            strong class="govuk-tag govuk-tag--red lw-overdue" { "Review overdue" }
            " (review was due " (date(on)) ")"
        } @else {
            "review by " (date(on))
        }
    }
}

/// A choice of every active link worker (managers), after `first` choices.
pub async fn worker_options(
    state: &crate::WebState,
    page: &crate::session::Page,
    first: &[(&str, &str)],
) -> Result<Vec<(String, String)>, crate::error::PageError> {
    let workers = state.app.link_workers(&page.ctx).await?;
    Ok(first
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .chain(workers.into_iter().map(|(id, n)| (id.to_string(), n)))
        .collect())
}

/// Today in the UK.
pub fn today(state: &crate::WebState) -> chrono::NaiveDate {
    linkwork_domain::appointment::london_date(state.app.now())
}

/// The risk flags, shown at the top of every page of a record; a flag past
/// its review date says so.
pub fn flags_banner(flags: &[RiskFlag], today: chrono::NaiveDate) -> Markup {
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
                        li { strong { (label_of(&RISK_KINDS, &f.kind)) } @if let Some(d) = &f.details { ": " (d) } @if let Some(r) = f.review_on { " — " (review_by(r, today)) } }
                    }
                }
            }
        }
    }
}

/// Records that may be the person a referral (or a new record) is about,
/// each with its open risk flags, as radios named `participant_id`, with
/// "a new person" last.
pub fn likely_matches(
    found: &[linkwork_app::participants::PossibleDuplicate],
    errors: &linkwork_domain::FieldErrors,
    today: chrono::NaiveDate,
) -> Markup {
    let err = errors.for_field("participant_id").is_some();
    html! {
        div class={ "govuk-form-group" @if err { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby={ "likely-matches-hint" @if err { " participant_id-error" } } {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { h3 class="govuk-fieldset__heading" { "Is this one of these people?" } }
                div id="likely-matches-hint" class="govuk-hint" { "These records have the same CHI number, or the same date of birth and a similar name. Link the right record so that its risk flags and history stay with the person." }
                @if let Some(m) = errors.for_field("participant_id") {
                    p id="participant_id-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (m) }
                }
                div class="govuk-radios" data-module="govuk-radios" {
                    @for (i, m) in found.iter().enumerate() {
                        @let id = if i == 0 { "participant_id".to_owned() } else { format!("participant_id-{i}") };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(id) name="participant_id" type="radio" value=(m.id) disabled[!m.visible] aria-describedby={ (id) "-hint" };
                            label class="govuk-label govuk-radios__label" for=(id) {
                                @if m.visible { (m.name.clone().unwrap_or_default()) } @else { "A record at a practice you do not work at" }
                            }
                            div id={ (id) "-hint" } class="govuk-hint govuk-radios__hint" {
                                @if let Some(d) = m.date_of_birth { "Born " (date(d)) }
                                @if let Some(sn) = &m.site_name { ", " (sn) }
                                @if let Some(c) = &m.chi_number { ", CHI " (c) }
                                @match m.reason.as_str() { "chi_number" => " — same CHI number", "nhs_number" => " — same NHS number", _ => " — same date of birth, similar name" }
                                @if !m.visible { ". Ask a manager to check it." }
                                @if m.risk_flags.is_empty() && m.visible { br; "No open risk flags" }
                                @for f in &m.risk_flags {
                                    br; strong class="govuk-tag govuk-tag--red" { "Risk" } " " (f.label)
                                    @if let Some(r) = f.review_on { " — " (review_by(r, today)) }
                                }
                            }
                        }
                    }
                    div class="govuk-radios__divider" { "or" }
                    div class="govuk-radios__item" {
                        input class="govuk-radios__input" id="participant_id-new" name="participant_id" type="radio" value="new";
                        label class="govuk-label govuk-radios__label" for="participant_id-new" { "None of these: a new person" }
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

/// The directory's organisations as the options of a select, after a first
/// option meaning "none".
pub async fn organisation_options(
    state: &crate::WebState,
    page: &crate::session::Page,
    none: &str,
) -> Result<Vec<(String, String)>, crate::error::PageError> {
    Ok(std::iter::once((String::new(), none.to_owned()))
        .chain(
            state
                .app
                .directory_organizations(&page.ctx)
                .await?
                .into_iter()
                .map(|o| (o.id.to_string(), o.name)),
        )
        .collect())
}

/// One part of a posted multipart form: the file name the browser gave (for
/// file fields) and the bytes.
pub struct Part {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Read a multipart form (a file upload): every part by field name, in
/// order (a field sent more than once keeps each). The form's token is
/// checked as [`crate::session::Posted`] checks an ordinary form's; a part
/// that cannot be read is an error on `file`.
pub async fn multipart_form(
    page: &crate::session::Page,
    mut multipart: axum::extract::Multipart,
) -> Result<Vec<(String, Part)>, crate::error::PageError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::field("file", format!("The upload could not be read: {e}"))
    };
    let mut parts = Vec::new();
    let mut csrf = String::new();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
        if name == "csrf_token" {
            csrf = String::from_utf8_lossy(&bytes).into_owned();
        } else {
            parts.push((name, Part { file_name, bytes }));
        }
    }
    if !crate::session::same_secret(&csrf, &page.csrf) {
        return Err(AppError::Refused(
            "This form has expired. Go back, reload the page and try again.".into(),
        )
        .into());
    }
    Ok(parts)
}

/// The text of a multipart form's field (blank when not sent).
pub fn part_text(parts: &[(String, Part)], name: &str) -> String {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, p)| String::from_utf8_lossy(&p.bytes).into_owned())
        .unwrap_or_default()
}

/// The part of the programme a list behind the figures is narrowed to, as
/// the figures' links give it (`site_id`, `cluster_id`, `area_id` or
/// `link_worker_id`); read beside a list's own query.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ScopeQ {
    pub site_id: String,
    pub cluster_id: String,
    pub area_id: String,
    pub link_worker_id: String,
    /// The page of the list (from 1; anything else: the first).
    pub page: String,
}

/// The first and last day of a list's run of days, each in a grid column
/// of the class given (`govuk-grid-column-one-third`…).
pub fn day_fields(
    from: &str,
    to: &str,
    errors: &linkwork_domain::FieldErrors,
    column: &str,
) -> Markup {
    let day = |example| crate::html::Input {
        width: Some("10"),
        hint: Some(example),
        ..Default::default()
    };
    html! {
        div class=(column) { (crate::html::text_field("from", "From (first day)", from, errors, day("For example 1/11/2026"))) }
        div class=(column) { (crate::html::text_field("to", "To (last day)", to, errors, day("For example 30/11/2026"))) }
    }
}

/// A list behind the figures, or the field errors of its filters (shown in
/// its form; anything else is the page's error).
pub fn listed<T>(
    r: Result<Vec<T>, linkwork_app::AppError>,
) -> Result<(Vec<T>, linkwork_domain::FieldErrors), crate::error::PageError> {
    match r {
        Ok(rows) => Ok((rows, linkwork_domain::FieldErrors::new())),
        Err(linkwork_app::AppError::Invalid(e)) => Ok((Vec::new(), e)),
        Err(e) => Err(e.into()),
    }
}

impl ScopeQ {
    fn fields(&self) -> [(&'static str, &str); 4] {
        [
            ("site_id", &self.site_id),
            ("cluster_id", &self.cluster_id),
            ("area_id", &self.area_id),
            ("link_worker_id", &self.link_worker_id),
        ]
    }

    /// One of them as an id (anything else: not narrowed by it).
    pub fn id(raw: &str) -> Option<i64> {
        raw.trim().parse::<i64>().ok().filter(|n| *n > 0)
    }

    /// The narrowing as the lists across people take it.
    pub fn filter(&self) -> linkwork_app::casework::OnwardFilter {
        linkwork_app::casework::OnwardFilter {
            site_id: Self::id(&self.site_id),
            cluster_id: Self::id(&self.cluster_id),
            area_id: Self::id(&self.area_id),
            link_worker_id: Self::id(&self.link_worker_id),
            offset: self.offset(),
            ..Default::default()
        }
    }

    /// The rows before the page asked for ([`linkwork_app::casework::page_offset`]).
    pub fn offset(&self) -> i64 {
        linkwork_app::casework::page_offset(&self.page).unwrap_or(0)
    }

    /// The page shown (from 1).
    fn page(&self) -> i64 {
        self.offset() / linkwork_app::casework::MOST_LISTED as i64 + 1
    }

    /// Whether the list is narrowed at all.
    pub fn narrowed(&self) -> bool {
        self.fields().iter().any(|(_, v)| !v.trim().is_empty())
    }

    /// Hidden fields keeping the narrowing when the list's own filters are
    /// changed, and a link back to everything the user may see at `path`.
    pub fn keep(&self, path: &str) -> Markup {
        html! {
            @for (k, v) in self.fields() {
                @if !v.trim().is_empty() { input type="hidden" name=(k) value=(v); }
            }
            button type="submit" class="govuk-button govuk-button--secondary" { "Show" }
            @if self.narrowed() { " " a class="govuk-link" href=(path) { "All practices you can see" } }
        }
    }

    /// The line above a list behind the figures: how many (`words` after
    /// the number) and the narrowing; with links to the page before and
    /// the next (when this one is full) of a list longer than a page.
    /// `asked` is the page as asked for (its path and query).
    pub fn count(&self, n: usize, words: &str, asked: &crate::session::Page) -> Markup {
        let (path, query) = (&asked.path, asked.query.as_deref());
        let most = linkwork_app::casework::MOST_LISTED;
        let page = self.page();
        if page == 1 && n < most {
            return html! { p class="govuk-body" { (n) " " (words) (self.note()) "." } };
        }
        // The same list without its page.
        let pairs: Vec<(String, String)> =
            serde_html_form::from_str(query.unwrap_or("")).unwrap_or_default();
        let kept: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    crate::session::urlencode(k),
                    crate::session::urlencode(v)
                )
            })
            .collect();
        let base = if kept.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", kept.join("&"))
        };
        let first = self.offset() + 1;
        let last = self.offset() + n as i64;
        let middle = if n == 0 {
            format!("Page {page}: nothing more")
        } else {
            format!("Page {page}: rows {first} to {last}")
        };
        html! {
            p class="govuk-body" {
                (n) " " (words) " on page " (page) " (" (most) " a page)" (self.note()) "."
            }
            (crate::html::pager(&base, page, n >= most, &middle))
        }
    }

    /// The words saying so after a list's count.
    fn note(&self) -> &'static str {
        if self.narrowed() {
            ", for the part of the programme chosen in the figures"
        } else {
            ""
        }
    }
}
