//! Notes, risk flags and wellbeing measures on a person's record.

pub mod appointments;
pub mod support;

use crate::gate::{Access, Use};
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::dates::{self, Span};
use linkwork_domain::referral::{GoalStatus, MEASURE_STAGES, NeedStatus, OnwardStatus, RISK_KINDS};
use linkwork_domain::wellbeing::{ONS4_QUESTIONS, SWEMWBS_ITEMS};
use linkwork_domain::wellbeing::{Ons4, Swemwbs};
use linkwork_domain::{Grant, Permission, text};
use linkwork_store::casework::{self as store, NewOnward};
pub use linkwork_store::casework::{
    Goal, Measure, Need, NeedUpdate, Note, NoteVersion, OnwardSupport, RiskFlag,
    SafeguardingAction, SafetyPlan,
};
use linkwork_store::participants::Participant;
use linkwork_store::{Tx, participants};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct NoteInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub body: String,
    /// `yes` (or `true`) for a restricted note.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub restricted: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct FlagInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub details: String,
    /// When to review the flag (a date).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub review_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct MeasureInput {
    /// `swemwbs` or `ons4`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// `baseline`, `review` or `exit`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub stage: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub taken_on: String,
    /// SWEMWBS: seven answers 1–5. ONS4: life satisfaction, worthwhile, happiness, anxiety, 0–10.
    pub answers: Vec<String>,
}

/// The rows a page of a list behind the figures shows (appointments,
/// onward support over a run of days…).
pub const MOST_LISTED: usize = 500;

/// The most pages of a list behind the figures that can be asked for.
pub const MOST_PAGES: i64 = 100_000;

/// Page `raw` (from 1; empty: the first) of a list behind the figures, as
/// the rows to pass over before it: `None` when it is not a whole number
/// from 1 to [`MOST_PAGES`].
pub fn page_offset(raw: &str) -> Option<i64> {
    rows_before(raw, MOST_LISTED as i64)
}

/// Page `raw` (from 1; empty: the first) of a list shown `per_page` rows
/// at a time, as the rows to pass over before it (see [`page_offset`]).
pub fn rows_before(raw: &str, per_page: i64) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(0);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|p| (1..=MOST_PAGES).contains(p))
        .map(|p| (p - 1) * per_page)
}

/// A record page: the case work, the person's referrals, and the lists its
/// forms choose from.
#[derive(Debug)]
pub struct RecordPage {
    pub work: CaseWork,
    pub funds: Vec<linkwork_store::support::Fund>,
    pub reasons: Vec<linkwork_store::reasons::Reason>,
    pub groups: Vec<crate::groups::GroupRow>,
    /// The person's referrals (the first hundred).
    pub history: Vec<linkwork_store::referrals::Referral>,
    /// The web page's rendering of this, kept with it: gone when anything
    /// on the record changes, since that makes a new `RecordPage`.
    pub rendered: crate::kept::Rendered,
}

/// Everything recorded on a person's record.
#[derive(Debug, Clone, Serialize)]
pub struct CaseWork {
    pub risk_flags: Vec<RiskFlag>,
    /// Every version of the safety plan, newest (current) first.
    pub safety_plans: Vec<linkwork_store::casework::SafetyPlan>,
    pub safeguarding_actions: Vec<linkwork_store::casework::SafeguardingAction>,
    pub needs: Vec<linkwork_store::casework::Need>,
    pub goals: Vec<Goal>,
    pub onward_support: Vec<OnwardSupport>,
    pub notes: Vec<Note>,
    pub measures: Vec<Measure>,
    pub consents: Vec<linkwork_store::support::Consent>,
    pub vouchers: Vec<linkwork_store::support::Voucher>,
    /// Appointments of all the person's referrals, in time order.
    pub appointments: Vec<linkwork_store::appointments::Appointment>,
    /// Contact attempts of all the person's referrals, newest first.
    pub contact_attempts: Vec<linkwork_store::referrals::ContactAttempt>,
    /// The groups the person is registered with, and how often they came.
    pub groups: Vec<linkwork_store::groups::PersonGroup>,
    /// The UK day the record was read: what is overdue is judged against it.
    pub as_of: chrono::NaiveDate,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct NeedInput {
    /// A reason code, e.g. `housing`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub need: String,
    /// `identified` (the default), `being_addressed`, `resolved` or `unresolved`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub status: String,
}

pub const SAFEGUARDING_KINDS: [(&str, &str); 4] = [
    ("asp_referral", "Adult Support and Protection referral"),
    ("police_welfare_check", "Police welfare check"),
    ("child_protection_referral", "Child protection referral"),
    ("other", "Other safeguarding action"),
];

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct SafetyPlanInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub plan: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct SafeguardingInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// The date the action was taken.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub taken_on: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub agency: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub note: String,
}

pub const ONWARD_KINDS: [(&str, &str); 3] = [
    ("referral", "Referral to a service"),
    ("signposting", "Signposting"),
    ("accompanied", "Accompanied visit"),
];

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct GoalInput {
    /// The goal in the person's own words.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub words: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct GoalReviewInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub status: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub comment: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct OnwardInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// The service in words: needed when it is not in the directory.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub service: String,
    /// The directory service's id, when it is one (its name and contact
    /// details are then taken from the directory unless given).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub service_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub contact: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub when_and_where: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub status: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub outcome: String,
}

fn code_in(list: &[(&'static str, &'static str)], raw: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == raw.trim()).map(|(c, _)| *c)
}

fn yes(raw: &str) -> bool {
    matches!(
        raw.trim().to_lowercase().as_str(),
        "yes" | "true" | "on" | "1"
    )
}

impl App {
    /// Run `f` on one person's record, through the gate: permission to work
    /// with people's records, the record within the grant's scope (otherwise
    /// "not found", audited), one transaction, the audit event `access`
    /// names. A record merged into another can be read but not written to.
    pub(crate) async fn on_record<T>(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        access: Access,
        f: impl AsyncFnOnce(&mut Tx, &Grant) -> Result<T>,
    ) -> Result<T> {
        self.on_record_with(ctx, participant_id, access, async |tx, g, _| f(tx, g).await)
            .await
    }

    /// As [`App::on_record`], handing `f` the record read by the scope check.
    pub(crate) async fn on_record_with<T>(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        access: Access,
        f: impl AsyncFnOnce(&mut Tx, &Grant, Participant) -> Result<T>,
    ) -> Result<T> {
        let u = Use {
            ctx,
            permission: Permission::WorkWithParticipants,
            access,
            object_type: "participant",
            object_id: participant_id.to_string(),
        };
        self.run(u, async |tx, g, _| {
            let p = participants::get(tx, g.scope(), participant_id).await?;
            if matches!(access, Access::Write(_)) && p.merged_into.is_some() {
                return Err(AppError::Conflict(
                    "This record was merged into another: record it there.".into(),
                ));
            }
            f(tx, g, p).await
        })
        .await
    }

    /// A whole record — details and case work — read in one transaction with
    /// one audit event (the record page's single view).
    pub async fn participant_record(
        &self,
        ctx: &Ctx,
        participant_id: i64,
    ) -> Result<(linkwork_store::participants::Participant, CaseWork)> {
        self.on_record_with(
            ctx,
            participant_id,
            Access::View("participant.view"),
            async |tx, g, p| Ok((p, self.load_case_work(tx, g, participant_id).await?)),
        )
        .await
    }

    /// Everything on a person's record page, read as one view (audited).
    /// What the page shows beyond the person's own row is kept in memory at
    /// the record's stamp (read in the view's snapshot, after the scope
    /// check): seen again while nothing on the record changed, it is not
    /// read again; every view is audited all the same.
    pub async fn record_page(
        &self,
        ctx: &Ctx,
        participant_id: i64,
    ) -> Result<(Participant, Arc<RecordPage>)> {
        self.record_page_with(ctx, participant_id, true).await
    }

    /// The record page again, for a form shown a second time after a change
    /// with invalid fields: the person saw it when the form was first shown
    /// (audited then), so this read is not audited as a second view.
    pub async fn record_page_for_form(
        &self,
        ctx: &Ctx,
        participant_id: i64,
    ) -> Result<(Participant, Arc<RecordPage>)> {
        self.record_page_with(ctx, participant_id, false).await
    }

    async fn record_page_with(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        view: bool,
    ) -> Result<(Participant, Arc<RecordPage>)> {
        let a = &ctx.actor;
        let today = linkwork_domain::appointment::london_date(self.now());
        let key = format!(
            "{}|{:?}|{:?}|{participant_id}|{today}",
            a.user_id, a.role, a.site_ids
        );
        // First the kept page, if its stamp still holds: one statement
        // (the scope check and the stamp), audited as the view; when it
        // does not, this glance records nothing and the view below reads
        // the record in one snapshot (audited).
        let glance = || Use {
            ctx,
            permission: Permission::WorkWithParticipants,
            access: if view {
                Access::Glance("participant.view")
            } else {
                Access::Read
            },
            object_type: "participant",
            object_id: participant_id.to_string(),
        };
        let look = async || {
            self.run(glance(), async |tx, g, event| {
                let (p, stamp) =
                    participants::get_with_stamp(tx, g.scope(), participant_id).await?;
                Ok(match self.records.get(&key, stamp) {
                    Some(k) => (Some((p, k)), stamp),
                    None => {
                        event.action.clear();
                        (None, stamp)
                    }
                })
            })
            .await
        };
        let (kept, stamp) = look().await?;
        if let Some(hit) = kept {
            return Ok(hit);
        }
        // Many requests for the same record at once: one reads it; the
        // others wait, then look again (audited as their view) and find it
        // kept — without holding up one another.
        let reading = self.records.reading(&key).await;
        let stamp = if self.records.get(&key, stamp).is_some() {
            drop(reading);
            let (kept, stamp) = look().await?;
            if let Some(hit) = kept {
                return Ok(hit);
            }
            stamp
        } else {
            stamp
        };
        // Read after the stamp, so never older than it: kept at that stamp,
        // it is read again as soon as anything moves the stamp.
        let access = if view {
            Access::View("participant.view")
        } else {
            Access::Read
        };
        let (p, work) = self
            .on_record_with(ctx, participant_id, access, async |tx, g, p| {
                Ok((p, self.load_case_work(tx, g, participant_id).await?))
            })
            .await?;
        let filter = crate::referrals::ReferralFilter {
            participant_id: Some(participant_id),
            limit: 100,
            ..Default::default()
        };
        let page = Arc::new(RecordPage {
            work,
            funds: self.list_funds(ctx).await?,
            reasons: self.reasons(ctx).await?,
            groups: self.list_groups(ctx).await?,
            history: self.list_referrals(ctx, &filter).await?.0,
            rendered: Default::default(),
        });
        self.records
            .put(key, stamp, page.clone(), self.settings.pages_kept);
        Ok((p, page))
    }

    async fn load_case_work(
        &self,
        tx: &mut Tx,
        programme: &Grant,
        participant_id: i64,
    ) -> Result<CaseWork> {
        let as_of = linkwork_domain::appointment::london_date(self.now());
        Ok(CaseWork {
            risk_flags: store::risk_flags(tx, programme, participant_id).await?,
            safety_plans: store::safety_plans(tx, programme, participant_id).await?,
            safeguarding_actions: store::safeguarding_actions(tx, programme, participant_id)
                .await?,
            needs: store::needs(tx, programme, participant_id).await?,
            goals: store::goals(tx, programme, participant_id).await?,
            onward_support: store::onward(tx, programme, participant_id).await?,
            notes: store::notes(tx, programme, participant_id).await?,
            measures: store::measures(tx, programme, participant_id).await?,
            consents: linkwork_store::support::consents(tx, programme, participant_id).await?,
            vouchers: linkwork_store::support::vouchers(tx, programme, participant_id).await?,
            appointments: linkwork_store::appointments::list(
                tx,
                programme.scope(),
                &linkwork_store::appointments::AppointmentFilter {
                    participant_id: Some(participant_id),
                    limit: 500,
                    ..Default::default()
                },
            )
            .await?,
            contact_attempts: linkwork_store::referrals::contact_attempts_of(
                tx,
                programme.scope(),
                participant_id,
            )
            .await?,
            groups: linkwork_store::groups::of_person(tx, programme, participant_id).await?,
            as_of,
        })
    }

    /// The record again, for a form shown a second time after a change with
    /// invalid fields: the person saw it when the form was first shown
    /// (audited then), so this read is not audited as a second view.
    pub async fn participant_record_for_form(
        &self,
        ctx: &Ctx,
        participant_id: i64,
    ) -> Result<(Participant, CaseWork)> {
        self.on_record_with(ctx, participant_id, Access::Read, async |tx, g, p| {
            Ok((p, self.load_case_work(tx, g, participant_id).await?))
        })
        .await
    }

    /// The case work again, for a form shown a second time after a failed change.
    pub async fn case_work_for_form(&self, ctx: &Ctx, participant_id: i64) -> Result<CaseWork> {
        self.on_record(ctx, participant_id, Access::Read, async |tx, g| {
            self.load_case_work(tx, g, participant_id).await
        })
        .await
    }

    /// The case work on a record (a view of personal data: audited).
    pub async fn case_work(&self, ctx: &Ctx, participant_id: i64) -> Result<CaseWork> {
        self.on_record(
            ctx,
            participant_id,
            Access::View("participant.view_casework"),
            async |tx, g| self.load_case_work(tx, g, participant_id).await,
        )
        .await
    }

    pub async fn add_note(&self, ctx: &Ctx, participant_id: i64, input: &NoteInput) -> Result<i64> {
        let body = text::required_text(&input.body, "the note", 20_000)
            .map_err(|m| AppError::field("body", m))?;
        let restricted = yes(&input.restricted);
        let author = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        self.on_record(
            ctx,
            participant_id,
            Access::Write("note.create"),
            async |tx, g| {
                Ok(store::add_note(tx, g, participant_id, author, restricted, &body, now).await?)
            },
        )
        .await
    }

    pub async fn edit_note(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        note_id: i64,
        version: i64,
        input: &NoteInput,
    ) -> Result<()> {
        let body = text::required_text(&input.body, "the note", 20_000)
            .map_err(|m| AppError::field("body", m))?;
        let restricted = yes(&input.restricted);
        let editor = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        self.on_record(
            ctx,
            participant_id,
            Access::Write("note.edit"),
            async |tx, g| {
                Ok(store::edit_note(
                    tx,
                    g,
                    participant_id,
                    note_id,
                    version,
                    editor,
                    restricted,
                    &body,
                    now,
                )
                .await?)
            },
        )
        .await
    }

    pub async fn note_versions(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        note_id: i64,
    ) -> Result<Vec<NoteVersion>> {
        self.on_record(
            ctx,
            participant_id,
            Access::View("note.view_versions"),
            async |tx, g| Ok(store::note_versions(tx, g, note_id).await?),
        )
        .await
    }

    pub async fn raise_flag(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &FlagInput,
    ) -> Result<i64> {
        let mut e = linkwork_domain::FieldErrors::new();
        let kind = RISK_KINDS
            .iter()
            .find(|(c, _)| *c == input.kind.trim())
            .map(|(c, _)| *c);
        if kind.is_none() {
            e.add("kind", "Choose the kind of risk");
        }
        let details = e
            .check(
                "details",
                text::optional_text(&input.details, "the details", 2000),
            )
            .flatten();
        let today = self.now().date_naive();
        let review_on = e
            .check(
                "review_on",
                dates::optional(
                    &input.review_on,
                    "the review date",
                    Span::ahead(today, today, 2),
                ),
            )
            .flatten();
        e.into_result()?;
        let by = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        let kind = kind.unwrap_or("other");
        self.on_record(
            ctx,
            participant_id,
            Access::Write("risk_flag.raise"),
            async |tx, g| {
                Ok(store::raise_flag(
                    tx,
                    g,
                    participant_id,
                    kind,
                    details.as_deref(),
                    review_on,
                    by,
                    now,
                )
                .await?)
            },
        )
        .await
    }

    pub async fn resolve_flag(&self, ctx: &Ctx, participant_id: i64, flag_id: i64) -> Result<()> {
        let by = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        self.on_record(
            ctx,
            participant_id,
            Access::Write("risk_flag.resolve"),
            async |tx, g| Ok(store::resolve_flag(tx, g, participant_id, flag_id, by, now).await?),
        )
        .await
    }

    pub async fn add_measure(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &MeasureInput,
    ) -> Result<i64> {
        let mut e = linkwork_domain::FieldErrors::new();
        let stage = MEASURE_STAGES
            .iter()
            .find(|(c, _)| *c == input.stage.trim())
            .map(|(c, _)| *c);
        if stage.is_none() {
            e.add("stage", "Choose baseline, review or exit");
        }
        let today = self.now().date_naive();
        let taken_on = e
            .check(
                "taken_on",
                dates::optional(&input.taken_on, "the date taken", Span::past(today, 5)),
            )
            .map(|d| d.unwrap_or(today));
        // Every item answered: nothing is assumed for a question not asked.
        let (items, range, each): (&[&str], std::ops::RangeInclusive<u8>, &str) =
            match input.kind.trim() {
                "swemwbs" => (&SWEMWBS_ITEMS, 1..=5, "Choose an answer for"),
                "ons4" => (&ONS4_QUESTIONS, 0..=10, "Enter a score from 0 to 10 for"),
                _ => (&[], 0..=0, ""),
            };
        let mut missing = false;
        for (i, q) in items.iter().enumerate() {
            let ok = input
                .answers
                .get(i)
                .and_then(|a| a.trim().parse::<u8>().ok())
                .is_some_and(|n| range.contains(&n));
            if !ok {
                e.add(
                    &format!("answers[{i}]"),
                    format!("{each} \u{201c}{q}\u{201d}"),
                );
                missing = true;
            }
        }
        if missing {
            return Err(AppError::Invalid(e));
        }
        let nums: Vec<Option<u8>> = input
            .answers
            .iter()
            .map(|a| a.trim().parse::<u8>().ok())
            .collect();
        let (kind, answers, score) = match input.kind.trim() {
            "swemwbs" => {
                let items: Vec<u8> = nums.iter().flatten().copied().collect();
                match (items.len() == 7 && nums.len() == 7)
                    .then(|| {
                        [
                            items[0], items[1], items[2], items[3], items[4], items[5], items[6],
                        ]
                    })
                    .map(Swemwbs::new)
                {
                    Some(Ok(s)) => ("swemwbs", items, s.metric()),
                    Some(Err(m)) => {
                        e.add("answers", m);
                        ("swemwbs", items, 0.0)
                    }
                    None => {
                        e.add(
                            "answers",
                            "Answer all seven questions with a score from 1 to 5",
                        );
                        ("swemwbs", items, 0.0)
                    }
                }
            }
            "ons4" => {
                let items: Vec<u8> = nums.iter().flatten().copied().collect();
                match (items.len() == 4 && nums.len() == 4)
                    .then(|| Ons4::new(items[0], items[1], items[2], items[3]))
                {
                    Some(Ok(o)) => ("ons4", items, f64::from(o.life_satisfaction)),
                    Some(Err(m)) => {
                        e.add("answers", m);
                        ("ons4", items, 0.0)
                    }
                    None => {
                        e.add(
                            "answers",
                            "Answer all four questions with a score from 0 to 10",
                        );
                        ("ons4", items, 0.0)
                    }
                }
            }
            _ => {
                e.add("kind", "Choose SWEMWBS or ONS4");
                ("", Vec::new(), 0.0)
            }
        };
        e.into_result()?;
        let answers = answers
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let by = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        let (stage, taken_on) = (stage.unwrap_or("review"), taken_on.unwrap_or_default());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("measure.create"),
            async |tx, g| {
                Ok(store::add_measure(
                    tx,
                    g,
                    participant_id,
                    kind,
                    stage,
                    taken_on,
                    &answers,
                    score,
                    by,
                    now,
                )
                .await?)
            },
        )
        .await
    }

    pub async fn add_goal(&self, ctx: &Ctx, participant_id: i64, input: &GoalInput) -> Result<i64> {
        let words = text::required_text(&input.words, "the goal, in the person's own words", 1000)
            .map_err(|m| AppError::field("words", m))?;
        let by = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        self.on_record(
            ctx,
            participant_id,
            Access::Write("goal.create"),
            async |tx, g| Ok(store::add_goal(tx, g, participant_id, &words, by, now).await?),
        )
        .await
    }

    pub async fn review_goal(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        goal_id: i64,
        input: &GoalReviewInput,
    ) -> Result<()> {
        let mut e = linkwork_domain::FieldErrors::new();
        let status = GoalStatus::parse(&input.status).map(GoalStatus::code);
        if status.is_none() {
            e.add("status", "Choose how the goal is going");
        }
        let comment = e
            .check(
                "comment",
                text::optional_text(&input.comment, "the comment", 2000),
            )
            .flatten();
        e.into_result()?;
        let (by, now, status) = (
            Some(ctx.actor.user_id).filter(|u| *u != 0),
            self.now(),
            status.unwrap_or("working_on"),
        );
        self.on_record(
            ctx,
            participant_id,
            Access::Write("goal.review"),
            async |tx, g| {
                Ok(store::review_goal(
                    tx,
                    g,
                    participant_id,
                    goal_id,
                    status,
                    comment.as_deref(),
                    by,
                    now,
                )
                .await?)
            },
        )
        .await
    }

    pub async fn add_onward(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &OnwardInput,
    ) -> Result<i64> {
        let mut e = linkwork_domain::FieldErrors::new();
        let kind = code_in(&ONWARD_KINDS, &input.kind);
        if kind.is_none() {
            e.add(
                "kind",
                "Choose a referral, signposting or an accompanied visit",
            );
        }
        let service_id = match input.service_id.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    e.add("service_id", "Choose a service from the directory");
                    None
                }
            },
        };
        let service = if service_id.is_some() {
            e.check(
                "service",
                text::optional_text(&input.service, "the service", 300),
            )
            .flatten()
        } else {
            e.check(
                "service",
                text::required_text(&input.service, "the service", 300),
            )
        };
        let contact = e
            .check(
                "contact",
                text::optional_text(&input.contact, "the contact details", 300),
            )
            .flatten();
        let when_and_where = e
            .check(
                "when_and_where",
                text::optional_text(&input.when_and_where, "when and where", 300),
            )
            .flatten();
        let status = if input.status.trim().is_empty() {
            Some(OnwardStatus::Suggested)
        } else {
            OnwardStatus::parse(&input.status)
        }
        .map(OnwardStatus::code);
        if status.is_none() {
            e.add("status", "Choose where this stands");
        }
        e.into_result()?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("onward.create"),
            async |tx, g| {
                let (mut service, mut contact) = (service.clone(), contact.clone());
                if let Some(sid) = service_id {
                    let s = linkwork_store::directory::service_brief(tx, g.programme_id(), sid)
                        .await
                        .map_err(|_| {
                            AppError::field("service_id", "That service is not in the directory")
                        })?;
                    service = service.or(Some(format!("{} ({})", s.name, s.organization)));
                    contact = contact.or(s.phone.or(s.email));
                }
                let service = service.unwrap_or_default();
                let o = NewOnward {
                    kind: kind.unwrap_or("signposting"),
                    service: &service,
                    contact: contact.as_deref(),
                    when_and_where: when_and_where.as_deref(),
                    status: status.unwrap_or("suggested"),
                    service_id,
                };
                Ok(store::add_onward(tx, g, participant_id, &o, by, now).await?)
            },
        )
        .await
    }

    /// Follow onward support to an outcome (closing the loop).
    pub async fn update_onward(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        id: i64,
        input: &OnwardInput,
    ) -> Result<()> {
        let mut e = linkwork_domain::FieldErrors::new();
        let status = OnwardStatus::parse(&input.status).map(OnwardStatus::code);
        if status.is_none() {
            e.add("status", "Choose where this stands");
        }
        let outcome = e
            .check(
                "outcome",
                text::optional_text(&input.outcome, "the outcome", 2000),
            )
            .flatten();
        e.into_result()?;
        let (now, status) = (self.now(), status.unwrap_or("suggested"));
        self.on_record(
            ctx,
            participant_id,
            Access::Write("onward.update"),
            async |tx, g| {
                Ok(
                    store::update_onward(
                        tx,
                        g,
                        participant_id,
                        id,
                        status,
                        outcome.as_deref(),
                        now,
                    )
                    .await?,
                )
            },
        )
        .await
    }

    /// Record a need (from the referral reasons taxonomy) or its new status.
    pub async fn set_need(&self, ctx: &Ctx, participant_id: i64, input: &NeedInput) -> Result<i64> {
        let mut e = linkwork_domain::FieldErrors::new();
        // Any reason on the programme's list, retired ones too (an old need
        // can still change status).
        let need = input.need.trim().to_owned();
        if !self.reasons(ctx).await?.iter().any(|r| r.code == need) {
            e.add("need", "Choose the need");
        }
        let status = if input.status.trim().is_empty() {
            Some(NeedStatus::Identified)
        } else {
            NeedStatus::parse(&input.status)
        };
        if status.is_none() {
            e.add("status", "Choose where the need stands");
        }
        e.into_result()?;
        let status = status.unwrap_or(NeedStatus::Identified);
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("need.set"),
            async |tx, g| Ok(store::set_need(tx, g, participant_id, &need, status, by, now).await?),
        )
        .await
    }

    /// Write a new version of the safety plan (earlier versions are kept).
    pub async fn write_safety_plan(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &SafetyPlanInput,
    ) -> Result<i64> {
        let plan = text::required_text(&input.plan, "the safety plan", 10_000)
            .map_err(|m| AppError::field("plan", m))?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("safety_plan.write"),
            async |tx, g| {
                Ok(store::write_safety_plan(tx, g, participant_id, &plan, by, now).await?)
            },
        )
        .await
    }

    /// Record a safeguarding action: what, when, and with which agency.
    pub async fn record_safeguarding(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &SafeguardingInput,
    ) -> Result<i64> {
        let mut e = linkwork_domain::FieldErrors::new();
        let kind = code_in(&SAFEGUARDING_KINDS, &input.kind);
        if kind.is_none() {
            e.add("kind", "Choose the safeguarding action");
        }
        let today = self.now().date_naive();
        let taken_on = e.check(
            "taken_on",
            dates::required(
                &input.taken_on,
                "the date it was taken",
                Span::past(today, 5),
            ),
        );
        let agency = e.check(
            "agency",
            text::required_text(&input.agency, "the agency", 200),
        );
        let note = e
            .check("note", text::optional_text(&input.note, "the note", 2000))
            .flatten();
        e.into_result()?;
        let (kind, taken_on, agency) = (
            kind.unwrap_or("other"),
            taken_on.unwrap_or_default(),
            agency.unwrap_or_default(),
        );
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("safeguarding.record"),
            async |tx, g| {
                Ok(store::add_safeguarding_action(
                    tx,
                    g,
                    participant_id,
                    kind,
                    taken_on,
                    &agency,
                    note.as_deref(),
                    by,
                    now,
                )
                .await?)
            },
        )
        .await
    }
}

pub use linkwork_store::casework::{
    ChangedRow, HandedRow, OnwardFilter, OnwardRow, Recorded, RecordedRow,
};

/// A list naming people, behind one of the figures, as its audit event
/// will describe it.
struct Listed {
    /// The kind of record listed (`need`, `handover`…) and the event's
    /// action (`need.list`…).
    object: &'static str,
    action: &'static str,
    /// What was asked for, as given.
    asked: String,
}

impl Listed {
    /// What was asked for: the days as typed, the place or link worker
    /// (`place`: site, cluster, area, worker ids), then `more`, then where
    /// the page started (`offset`, when past the first).
    fn new(
        (object, action): (&'static str, &'static str),
        (from, to): (&str, &str),
        place: [Option<i64>; 4],
        more: String,
        offset: i64,
    ) -> Self {
        let mut asked = format!("from={:?} to={:?}", from.trim(), to.trim());
        let names = ["site_id", "cluster_id", "area_id", "link_worker_id"];
        for (name, v) in names.into_iter().zip(place) {
            if let Some(v) = v {
                asked.push_str(&format!(" {name}={v}"));
            }
        }
        if !more.is_empty() {
            asked.push(' ');
            asked.push_str(&more);
        }
        if offset > 0 {
            asked.push_str(&format!(" offset={offset}"));
        }
        Listed {
            object,
            action,
            asked,
        }
    }

    /// A list narrowed by an [`OnwardFilter`]'s place, category and
    /// organisation.
    fn people(
        object: (&'static str, &'static str),
        days: (&str, &str),
        more: String,
        f: &OnwardFilter,
    ) -> Self {
        let mut asked = Vec::new();
        for (name, v) in [("category", &f.category), ("organization", &f.organization)] {
            if let Some(v) = v {
                asked.push(format!("{name}={v:?}"));
            }
        }
        if !more.is_empty() {
            asked.push(more);
        }
        let place = [f.site_id, f.cluster_id, f.area_id, f.link_worker_id];
        Listed::new(object, days, place, asked.join(" "), f.offset)
    }

    /// The audit event's detail: what was asked for, how many rows were
    /// listed, whose records they name (`shown`, as a search's event says,
    /// each person once) and the referrals of rows not yet linked to a
    /// person's record (`referrals`, when there are any).
    fn detail<R: Names>(&self, rows: &[R]) -> String {
        let join = |ids: std::collections::BTreeSet<i64>| {
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        };
        let people = rows.iter().filter_map(Names::shown).collect();
        let unlinked: std::collections::BTreeSet<i64> = rows
            .iter()
            .filter(|r| r.shown().is_none())
            .filter_map(Names::case)
            .collect();
        let mut d = format!(
            "{} results={} shown={}",
            self.asked,
            rows.len(),
            join(people)
        );
        if !unlinked.is_empty() {
            d.push_str(&format!(" referrals={}", join(unlinked)));
        }
        d
    }
}

/// A row of a list naming people: whose record it shows, and the referral
/// (case) it belongs to, for a row whose referral is not yet linked to a
/// person's record.
trait Names {
    fn shown(&self) -> Option<i64>;
    /// The referral, for a row without a person's record (rows that always
    /// have one: `None`).
    fn case(&self) -> Option<i64>;
}

impl Names for OnwardRow {
    fn shown(&self) -> Option<i64> {
        Some(self.participant_id)
    }
    fn case(&self) -> Option<i64> {
        None
    }
}
impl Names for RecordedRow {
    fn shown(&self) -> Option<i64> {
        Some(self.participant_id)
    }
    fn case(&self) -> Option<i64> {
        None
    }
}
impl Names for ChangedRow {
    fn shown(&self) -> Option<i64> {
        Some(self.participant_id)
    }
    fn case(&self) -> Option<i64> {
        None
    }
}
impl Names for HandedRow {
    fn shown(&self) -> Option<i64> {
        self.participant_id
    }
    fn case(&self) -> Option<i64> {
        Some(self.referral_id)
    }
}
impl Names for linkwork_store::appointments::Appointment {
    fn shown(&self) -> Option<i64> {
        self.participant_id
    }
    fn case(&self) -> Option<i64> {
        Some(self.referral_id)
    }
}

impl App {
    /// Read a list naming people within the caller's scope, audited as a
    /// search of their records is (`participant.search`): who looked, what
    /// they asked for, how many were listed and whose (docs/DECISIONS.md).
    async fn list_people<R: Names>(
        &self,
        ctx: &Ctx,
        listed: Listed,
        f: impl AsyncFnOnce(&mut Tx, &Grant) -> Result<Vec<R>>,
    ) -> Result<Vec<R>> {
        let u = Use::view(
            ctx,
            Permission::WorkWithParticipants,
            listed.action,
            listed.object,
            "list",
        );
        self.run(u, async |tx, g, ev| {
            let rows = f(tx, g).await?;
            ev.detail = listed.detail(&rows);
            Ok(rows)
        })
        .await
    }

    /// Onward support recorded over a run of UK days (`from`, `to`
    /// inclusive, as typed), by kind (`referral` — referrals and
    /// accompanied visits — or `signposting`), status (`taken_up`:
    /// accepted, attended or support given) and place or link worker: the
    /// list behind the figures' onward counts. With `answered`
    /// (`partners`), those a partner organisation's staff answered in the
    /// days instead of those recorded in them. 500 a page, earliest first;
    /// errors name the field.
    pub async fn onward_between(
        &self,
        ctx: &Ctx,
        (from, to): (&str, &str),
        kind: &str,
        status: &str,
        answered: &str,
        mut f: OnwardFilter,
    ) -> Result<Vec<OnwardRow>> {
        let mut e = linkwork_domain::FieldErrors::new();
        (f.from, f.before) = crate::participants::uk_days(&mut e, from, to)?;
        f.answered_by_partners = match answered.trim() {
            "" => false,
            "partners" => true,
            _ => {
                e.add("answered", "Answered must be partners, or left out");
                false
            }
        };
        f.kind = match kind.trim() {
            "" => None,
            "referral" => Some("referral"),
            "signposting" => Some("signposting"),
            _ => {
                e.add("kind", "Choose referrals or signposting");
                None
            }
        };
        f.statuses = match status.trim() {
            "" => Vec::new(),
            "taken_up" => ["accepted", "attended", "support_given"]
                .map(str::to_owned)
                .to_vec(),
            t => match OnwardStatus::parse(t) {
                Some(s) => vec![s.code().to_owned()],
                None => {
                    e.add("status", "Choose a status from the list");
                    Vec::new()
                }
            },
        };
        for (field, what, v) in [
            ("category", "the category", &f.category),
            ("organization", "the organisation", &f.organization),
        ] {
            e.check(
                field,
                text::optional_text(v.as_deref().unwrap_or(""), what, 200),
            );
        }
        e.into_result()?;
        let asked = format!("kind={kind:?} status={status:?} answered={answered:?}");
        let listed = Listed::people(
            ("onward_support", "onward_support.list"),
            (from, to),
            asked,
            &f,
        );
        self.list_people(ctx, listed, async |tx, g| {
            Ok(linkwork_store::casework::onward_between(tx, g, &f, MOST_LISTED as i64).await?)
        })
        .await
    }

    /// Handovers made over a run of UK days (`from`, `to` inclusive, as
    /// typed) from the practices the caller may see, narrowed by place or
    /// by the link worker who handed over: the list behind the figures'
    /// handovers. 500 a page, earliest first; errors name the field.
    pub async fn handovers_between(
        &self,
        ctx: &Ctx,
        from: &str,
        to: &str,
        mut f: OnwardFilter,
    ) -> Result<Vec<HandedRow>> {
        let mut e = linkwork_domain::FieldErrors::new();
        (f.from, f.before) = crate::participants::uk_days(&mut e, from, to)?;
        e.into_result()?;
        let listed = Listed::people(("handover", "handover.list"), (from, to), String::new(), &f);
        self.list_people(ctx, listed, async |tx, g| {
            Ok(linkwork_store::casework::handovers_between(tx, g, &f, MOST_LISTED as i64).await?)
        })
        .await
    }

    /// People scored in a run of UK days (`from`, `to` inclusive, as
    /// typed; both needed) on `kind` (`swemwbs` or `ons4`), each with their
    /// baseline and latest score paired as the figures pair them; with
    /// `improved` (`yes`), only those whose SWEMWBS rose by the figures'
    /// threshold ([`crate::reports::figures::SWEMWBS_IMPROVED`]): the list
    /// behind the outcome figures. 500 a page, greatest change first.
    pub async fn wellbeing_changes(
        &self,
        ctx: &Ctx,
        kind: &str,
        (from, to): (&str, &str),
        improved: &str,
        f: OnwardFilter,
    ) -> Result<Vec<ChangedRow>> {
        let mut e = linkwork_domain::FieldErrors::new();
        let (first, last) = crate::participants::uk_dates(&mut e, from, to);
        // Both days are needed: a person's scores are paired within them.
        for (field, day) in [("from", first), ("to", last)] {
            if day.is_none() && e.for_field(field).is_none() {
                e.add(field, "Enter a date, like 1/11/2026");
            }
        }
        let kind = match kind.trim() {
            k @ ("swemwbs" | "ons4") => k,
            _ => {
                e.add("kind", "Choose SWEMWBS or ONS4 life satisfaction");
                "swemwbs"
            }
        };
        let at_least = match improved.trim() {
            "" | "no" => None,
            "yes" if kind == "swemwbs" => Some(crate::reports::figures::SWEMWBS_IMPROVED),
            "yes" => {
                e.add("improved", "Improved is counted for SWEMWBS only");
                None
            }
            _ => {
                e.add("improved", "Improved must be yes or no");
                None
            }
        };
        e.into_result()?;
        let days = first
            .zip(last)
            .ok_or_else(|| AppError::internal("days checked above"))?;
        let asked = format!("kind={kind:?} improved={improved:?}");
        let listed = Listed::people(("measure", "measure.list"), (from, to), asked, &f);
        self.list_people(ctx, listed, async |tx, g| {
            Ok(linkwork_store::casework::wellbeing_changes(
                tx,
                g,
                kind,
                days,
                at_least,
                &f,
                MOST_LISTED as i64,
            )
            .await?)
        })
        .await
    }

    /// Needs identified (of one kind, `key`: its code, if given), goals
    /// achieved, or vouchers issued (from one fund, `key`: its name, if
    /// given) over a run of UK days (`from`, `to` inclusive, as typed) to
    /// the people the caller may see, narrowed by place or link worker: the
    /// lists behind those figures. 500 a page, earliest first; errors
    /// name the field (`need` or `fund` for the key).
    pub async fn recorded_between(
        &self,
        ctx: &Ctx,
        what: Recorded,
        (from, to): (&str, &str),
        key: &str,
        mut f: OnwardFilter,
    ) -> Result<Vec<RecordedRow>> {
        let mut e = linkwork_domain::FieldErrors::new();
        (f.from, f.before) = crate::participants::uk_days(&mut e, from, to)?;
        let (object, field) = match what {
            Recorded::Needs => (("need", "need.list"), "need"),
            Recorded::Goals => (("goal", "goal.list"), "goal"),
            Recorded::Vouchers => (("fund_movement", "fund_movement.list"), "fund"),
        };
        let key = Some(key.trim()).filter(|n| !n.is_empty() && what != Recorded::Goals);
        if let Some(k) = key {
            e.check(field, text::optional_text(k, &format!("the {field}"), 200));
        }
        e.into_result()?;
        let asked = key.map(|k| format!("{field}={k:?}")).unwrap_or_default();
        let listed = Listed::people(object, (from, to), asked, &f);
        self.list_people(ctx, listed, async |tx, g| {
            Ok(
                linkwork_store::casework::recorded_between(
                    tx,
                    g,
                    what,
                    key,
                    &f,
                    MOST_LISTED as i64,
                )
                .await?,
            )
        })
        .await
    }
}
