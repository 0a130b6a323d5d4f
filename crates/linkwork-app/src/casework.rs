//! Notes, risk flags and wellbeing measures on a person's record.

use crate::participants::parse_date;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::referral::{MEASURE_STAGES, RISK_KINDS};
use linkwork_domain::wellbeing::{Ons4, Swemwbs};
use linkwork_domain::{Grant, Permission, text};
use linkwork_store::casework::{self as store, Measure, Note, NoteVersion, RiskFlag};
use linkwork_store::{Tx, audit, participants};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct NoteInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub body: String,
    /// `yes` (or `true`) for a restricted note.
    #[serde(deserialize_with = "crate::lenient::string")]
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

/// Everything recorded on a person's record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseWork {
    pub risk_flags: Vec<RiskFlag>,
    pub notes: Vec<Note>,
    pub measures: Vec<Measure>,
}

fn yes(raw: &str) -> bool {
    matches!(
        raw.trim().to_lowercase().as_str(),
        "yes" | "true" | "on" | "1"
    )
}

impl App {
    /// Check the person is within the actor's scope; returns the write grant.
    async fn within_scope(&self, ctx: &Ctx, tx: &mut Tx, participant_id: i64) -> Result<Grant> {
        let scope = ctx.actor.participant_scope().ok_or_else(|| {
            AppError::Refused("You do not have permission to see people's records.".into())
        })?;
        match participants::get(tx, scope, participant_id).await {
            Ok(_) => ctx
                .actor
                .authorize(Permission::WorkWithParticipants)
                .map_err(|r| AppError::Refused(r.to_string())),
            Err(linkwork_store::StoreError::NotFound) => Err(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Run `f` in one write transaction after the scope check, auditing `action`.
    async fn on_record<T>(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        action: &str,
        f: impl AsyncFnOnce(&mut Tx, &Grant) -> Result<T>,
    ) -> Result<T> {
        self.authorize(
            ctx,
            Permission::WorkWithParticipants,
            "participant",
            participant_id,
        )
        .await?;
        let mut tx = self.db.write().await?;
        let grant = match self.within_scope(ctx, &mut tx, participant_id).await {
            Ok(g) => g,
            Err(e) => {
                tx.rollback().await?;
                if matches!(e, AppError::NotFound) {
                    self.audit_refusal(ctx, "participant", participant_id)
                        .await?;
                }
                return Err(e);
            }
        };
        let out = f(&mut tx, &grant).await?;
        audit::append(
            &mut tx,
            &ctx.event(action, "participant", participant_id),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The case work on a record (a view of personal data: audited).
    pub async fn case_work(&self, ctx: &Ctx, participant_id: i64) -> Result<CaseWork> {
        let programme = ctx.actor.programme_id;
        self.on_record(
            ctx,
            participant_id,
            "participant.view_casework",
            async |tx, _| {
                Ok(CaseWork {
                    risk_flags: store::risk_flags(tx, programme, participant_id).await?,
                    notes: store::notes(tx, programme, participant_id).await?,
                    measures: store::measures(tx, programme, participant_id).await?,
                })
            },
        )
        .await
    }

    pub async fn add_note(&self, ctx: &Ctx, participant_id: i64, input: &NoteInput) -> Result<i64> {
        let body = text::required_text(&input.body, "the note", 20_000)
            .map_err(|m| AppError::field("body", m))?;
        let restricted = yes(&input.restricted);
        let author = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        self.on_record(ctx, participant_id, "note.create", async |tx, g| {
            Ok(store::add_note(tx, g, participant_id, author, restricted, &body, now).await?)
        })
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
        self.on_record(ctx, participant_id, "note.edit", async |tx, g| {
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
        })
        .await
    }

    pub async fn note_versions(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        note_id: i64,
    ) -> Result<Vec<NoteVersion>> {
        let programme = ctx.actor.programme_id;
        self.on_record(ctx, participant_id, "note.view_versions", async |tx, _| {
            Ok(store::note_versions(tx, programme, note_id).await?)
        })
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
        let review_on = if input.review_on.trim().is_empty() {
            None
        } else {
            let d = parse_date(&input.review_on);
            if d.is_none() {
                e.add("review_on", "Enter the review date, like 25/11/2026");
            }
            d
        };
        e.into_result()?;
        let by = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        let kind = kind.unwrap_or("other");
        self.on_record(ctx, participant_id, "risk_flag.raise", async |tx, g| {
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
        })
        .await
    }

    pub async fn resolve_flag(&self, ctx: &Ctx, participant_id: i64, flag_id: i64) -> Result<()> {
        let by = Some(ctx.actor.user_id).filter(|u| *u != 0);
        let now = self.now();
        self.on_record(ctx, participant_id, "risk_flag.resolve", async |tx, g| {
            Ok(store::resolve_flag(tx, g, participant_id, flag_id, by, now).await?)
        })
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
        let taken_on = if input.taken_on.trim().is_empty() {
            Some(self.now().date_naive())
        } else {
            parse_date(&input.taken_on)
        };
        if taken_on.is_none() {
            e.add("taken_on", "Enter the date, like 25/11/2026");
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
        self.on_record(ctx, participant_id, "measure.create", async |tx, g| {
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
        })
        .await
    }
}
