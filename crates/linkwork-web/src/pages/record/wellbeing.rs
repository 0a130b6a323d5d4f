//! Wellbeing measures: SWEMWBS and ONS4, with charts of change.

use super::back;
use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::parts::rename;
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use linkwork_app::casework::{CaseWork, MeasureInput};
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::MEASURE_STAGES;
use linkwork_domain::wellbeing::{
    ONS4_PREAMBLE, ONS4_QUESTIONS, SWEMWBS_INSTRUCTION, SWEMWBS_ITEMS, SWEMWBS_SCALE,
};
use maud::{Markup, html};
use serde::Deserialize;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/people/{id}/measures", post(add_measure))
}

/// The section of the record page.
pub(super) fn section(
    page: &Page,
    pid: i64,
    w: &CaseWork,
    _reasons: &[Reason],
    errors: &FieldErrors,
) -> Markup {
    let series = |kind: &str| {
        let mut v: Vec<(chrono::NaiveDate, f64)> = w
            .measures
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| (m.taken_on, m.score))
            .collect();
        v.sort_by_key(|p| p.0);
        v
    };
    let (swemwbs, ons4) = (series("swemwbs"), series("ons4"));
    html! {
        h2 class="govuk-heading-m" id="wellbeing" { "Wellbeing" }
        @if swemwbs.is_empty() && ons4.is_empty() { p class="govuk-body" { "No measures recorded yet." } }
        @if !swemwbs.is_empty() { (html::time_chart("SWEMWBS (metric score, 7 to 35)", &swemwbs, 7.0, 35.0)) }
        @if !ons4.is_empty() { (html::time_chart("Life satisfaction (ONS4, 0 to 10)", &ons4, 0.0, 10.0)) }
        details class="govuk-details" open[page.typed("kind") == "swemwbs"] {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record SWEMWBS" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/measures" } novalidate {
                    (html::csrf(page))
                    input type="hidden" name="kind" value="swemwbs";
                    (html::radios("stage", "Stage", &MEASURE_STAGES, if page.typed("stage").is_empty() { "baseline" } else { page.typed("stage") }, errors, true))
                    p class="govuk-body" { (SWEMWBS_INSTRUCTION) }
                    @for (i, q) in SWEMWBS_ITEMS.iter().enumerate() {
                        @let name = format!("answers-{i}");
                        (html::radios(&name, &format!("{}. {q}", i + 1), &SWEMWBS_SCALE, page.typed(&name), errors, true))
                    }
                    (html::button("Save SWEMWBS"))
                }
            }
        }
        details class="govuk-details" open[page.typed("kind") == "ons4"] {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record ONS4" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/measures" } novalidate {
                    (html::csrf(page))
                    input type="hidden" name="kind" value="ons4";
                    (html::radios("ons_stage", "Stage", &MEASURE_STAGES, if page.typed("ons_stage").is_empty() { "baseline" } else { page.typed("ons_stage") }, errors, true))
                    p class="govuk-body" { (ONS4_PREAMBLE) }
                    @for (i, q) in ONS4_QUESTIONS.iter().enumerate() {
                        @let name = format!("ons-{i}");
                        (html::text_field(&name, &format!("{}. {q}", i + 1), page.typed(&name), errors, html::Input { kind: "number", width: Some("2"), hint: Some("0 to 10"), ..Default::default() }))
                    }
                    (html::button("Save ONS4"))
                }
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
    let prefix = if ons { "ons" } else { "answers" };
    let items: Vec<(String, String)> = (0..7)
        .map(|i| (format!("answers[{i}]"), format!("{prefix}-{i}")))
        .chain([
            ("answers".to_owned(), format!("{prefix}-0")),
            (
                "stage".to_owned(),
                if ons { "ons_stage" } else { "stage" }.to_owned(),
            ),
        ])
        .collect();
    let names: Vec<(&str, &str)> = items
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = r.map_err(|e| rename(e, &names));
    back(&state, &p.page, pid, "wellbeing", r).await
}
