//! Importing and exporting the directory (Open Referral UK / HSDS 3).

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::Page;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::directory::oruk::{self, ImportReport};
use linkwork_domain::FieldErrors;
use maud::html;
use std::collections::HashMap;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/directory/import",
            get(form)
                .post(upload)
                .layer(DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
        .route("/directory/import/{id}", get(job))
        .route("/directory/export.json", get(export))
}

fn page_of(page: &Page, errors: &FieldErrors, report: Option<&ImportReport>) -> Response {
    let body = html! {
        h1 class="govuk-heading-l" { "Import or export the directory" }
        @if let Some(r) = report {
            div class="govuk-panel govuk-panel--confirmation govuk-!-text-align-left" {
                h2 class="govuk-panel__title govuk-!-font-size-27" { "Imported" }
                div class="govuk-panel__body govuk-!-font-size-19" {
                    (r.read) " services read (" (r.format) "): " (r.created) " new, " (r.updated) " changed, " (r.unchanged) " unchanged, " (r.skipped.len()) " left out."
                }
            }
            @if !r.changes.is_empty() {
                h2 class="govuk-heading-m" { "Changed on the way in" }
                ul class="govuk-list govuk-list--bullet" { @for c in &r.changes { li { (c) } } }
            }
            @if !r.skipped.is_empty() {
                h2 class="govuk-heading-m" { "Left out, and why" }
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Services left out" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Id in the file" } th scope="col" class="govuk-table__header" { "Name" } th scope="col" class="govuk-table__header" { "Why" } } }
                    tbody class="govuk-table__body" { @for s in r.skipped.iter().take(500) { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="Id in the file" { code { (s.id) } }
                        td class="govuk-table__cell" data-label="Name" { @if s.name.is_empty() { "(no name)" } @else { (s.name) } }
                        td class="govuk-table__cell" data-label="Why" { (s.reason) } } } }
                }
            }
        }
        h2 class="govuk-heading-m" { "Import" }
        p class="govuk-body" { "Open Referral UK 3.0 or HSDS 3 JSON (a list of services, or a data package), the CSV files of a data package (choose them all at once), or an Open Referral UK v1 feed. A service already in the directory (by its id) is updated; importing the same file again changes nothing. Descriptions are kept as plain text." }
        form method="post" action="/directory/import" enctype="multipart/form-data" novalidate data-busy="Importing: this can take a minute for a large file." {
            (html::csrf(page))
            div class={ "govuk-form-group" @if errors.for_field("file").is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for="file" { "File or files" }
                @if let Some(m) = errors.for_field("file") { p id="file-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (m) } }
                input class="govuk-file-upload" id="file" name="file" type="file" multiple accept=".json,.csv,application/json,text/csv" aria-describedby=[errors.for_field("file").map(|_| "file-error")];
            }
            (html::button("Import"))
        }
        h2 class="govuk-heading-m" { "Export" }
        p class="govuk-body" { a class="govuk-link" href="/directory/export.json" download { "Download the whole directory as an HSDS 3 data package (JSON)" } ". Notes for programme staff are never exported." }
        p class="govuk-body" { a class="govuk-link" href="/directory/postcodes" { "Import the postcode lookup" } " (used to measure distances) · " a class="govuk-link" href="/directory/taxonomy" { "Edit the taxonomy" } }
    };
    html::form_page("Import or export the directory", page, errors, body).into_response()
}

async fn form(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state
        .app
        .may(&page.ctx, linkwork_app::gate::Intent::ManageDirectory)
        .await?;
    Ok(page_of(&page, &FieldErrors::new(), None))
}

async fn upload(
    State(state): State<WebState>,
    page: Page,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let files: Vec<(String, Vec<u8>)> = crate::pages::parts::multipart_form(&page, multipart)
        .await?
        .into_iter()
        .filter(|(n, p)| n == "file" && !p.bytes.is_empty())
        .map(|(_, p)| (p.file_name, p.bytes))
        .collect();
    let bad = |m: &str| Ok(page_of(&page, &FieldErrors::single("file", m), None));
    if files.is_empty() {
        return bad("Choose a JSON file, or the CSV files of a data package");
    }
    let texts: Vec<(String, String)> = match files
        .into_iter()
        .map(|(n, b)| String::from_utf8(b).map(|t| (n, t)))
        .collect()
    {
        Ok(t) => t,
        Err(_) => return bad("The file is not text (UTF-8): export it again as JSON or CSV"),
    };
    let all_csv = texts
        .iter()
        .all(|(n, _)| n.to_ascii_lowercase().ends_with(".csv"));
    let (items, format) = if all_csv {
        let map: HashMap<String, String> = texts.into_iter().collect();
        match oruk::tables_from_csv(&map) {
            Ok(t) => (oruk::assemble(&t), "an HSDS 3 CSV data package".to_owned()),
            Err(m) => return bad(&m),
        }
    } else {
        let [(_, text)] = texts.as_slice() else {
            return bad("Choose one JSON file, or only the CSV files of one data package");
        };
        let doc: serde_json::Value = match serde_json::from_str(text) {
            Ok(d) => d,
            Err(e) => return bad(&format!("The file is not valid JSON ({e})")),
        };
        match oruk::services_of(&doc) {
            Ok((items, f)) => (items, f.to_owned()),
            Err(m) => return bad(&m),
        }
    };
    if items.is_empty() {
        return bad("The file holds no services");
    }
    let job = state
        .app
        .start_directory_import(&page.ctx, items, format)
        .await?;
    Ok(Redirect::to(&format!("/directory/import/{job}")).into_response())
}

/// An import under way (its progress, refreshed by the browser every second
/// when JavaScript runs, by a button otherwise) or done (its report).
async fn job(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = crate::pages::path_id(&id)?;
    let job = state.app.job(&page.ctx, id).await?;
    match job.state.as_str() {
        "finished" => {
            let report = linkwork_app::App::import_report(&job).unwrap_or_default();
            Ok(page_of(&page, &FieldErrors::new(), Some(&report)))
        }
        "failed" => Ok(page_of(
            &page,
            &FieldErrors::single("file", job.error.as_deref().unwrap_or("The import failed")),
            None,
        )),
        _ => {
            let percent = (job.done * 100).checked_div(job.total).unwrap_or(0);
            let body = html! {
                h1 class="govuk-heading-l" { "Importing the directory" }
                div data-poll="1000" role="status" {
                    p class="govuk-body" {
                        (job.done) " of " (job.total) " services saved (" (percent) "%)."
                    }
                    progress class="lw-progress" value=(job.done) max=(job.total.max(1)) aria-label="Services saved" { (percent) "%" }
                }
                p class="govuk-body" { "You can leave this page: the import carries on, and this page shows its report when it is done." }
                a class="govuk-button govuk-button--secondary" href={ "/directory/import/" (id) } data-poll-hide { "Refresh" }
            };
            Ok(
                Html(
                    html::layout("Importing the directory", Some(&page), None, body).into_string(),
                )
                .into_response(),
            )
        }
    }
}

async fn export(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    let pkg = state.app.export_directory(&page.ctx).await?;
    let body = serde_json::to_string_pretty(&pkg).map_err(|_| AppError::Internal {
        id: "export".into(),
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"directory-hsds3.json\"",
            ),
        ],
        body,
    )
        .into_response())
}
