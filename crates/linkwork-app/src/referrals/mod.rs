//! Referrals: made by practice staff (a short form) or link workers, triaged
//! (accepted and allocated, or declined), followed through contact attempts,
//! closed and — the door is always open — reopened.

pub mod caseloads;
pub mod reached;
pub mod reasons;

use crate::gate::Use;
use crate::participants::{PossibleDuplicate, Probe, likely_matches};
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::dates::{self, Span};
use linkwork_domain::identifiers::ChiNumber;
use linkwork_domain::referral::{
    self as rules, ClosureReason, Event, ReferralStatus, SNOMED_DECLINED, SNOMED_REFERRAL,
};
use linkwork_domain::text;
use linkwork_domain::{FieldErrors, Permission, Role};
use linkwork_store::audit;
use linkwork_store::participants::{self as people, ParticipantFields};
use linkwork_store::referrals::{self as store, Lifecycle, NewReferral};
pub use linkwork_store::referrals::{ContactAttempt, Referral, ReferralFilter};
use serde::Deserialize;

/// A referral as typed in. Practice staff give the person's details; a link
/// worker may instead give `participant_id` of a record they can see.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ReferralInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub participant_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub site_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub person_name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub person_date_of_birth: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub person_chi_number: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub person_phone: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub source: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub referrer: String,
    /// ISO date; blank means today.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub received_on: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub urgency: String,
    /// Reason codes (see the referral reasons list).
    pub reasons: Vec<String>,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub details: String,
    /// Whether the person agreed to be referred: `yes` or `no` (required of
    /// practice staff, who may only refer a person who agreed).
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub person_agreed: String,
}

fn one_of(list: &[(&str, &str)], raw: &str) -> Option<String> {
    list.iter()
        .find(|(c, _)| *c == raw.trim())
        .map(|(c, _)| c.to_string())
}

/// A decision at triage, or a later change of state.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusChange {
    pub version: i64,
    /// For allocation: the link worker.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub link_worker_id: String,
    /// For declining or closing: the reason (closing: a closure reason code).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub reason: String,
    /// For accepting a referral of someone without a record yet: the
    /// existing record of this person, to link.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub participant_id: String,
    /// For accepting: `true` when the person has no record yet, although
    /// likely matches exist (never when the CHI or NHS number matches).
    pub new_participant: bool,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ContactInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub method: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub outcome: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub note: String,
}

/// A referral with the case work a link worker sees (practice staff get no attempts).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReferralDetail {
    #[serde(flatten)]
    pub referral: Referral,
    pub contact_attempts: Vec<ContactAttempt>,
}

impl App {
    pub async fn list_referrals(
        &self,
        ctx: &Ctx,
        filter: &ReferralFilter,
    ) -> Result<(Vec<Referral>, i64)> {
        let u = Use::read(ctx, Permission::MakeReferral, "referral");
        self.read(u, async |tx, g| {
            Ok(store::list(tx, g.scope(), filter).await?)
        })
        .await
    }

    /// The referrals a filter finds, as CSV for a manager's own figures:
    /// no names, dates of birth or numbers (a referral's id opens it here).
    /// Audited, with the filter and the number of rows.
    pub async fn export_referrals(&self, ctx: &Ctx, filter: &ReferralFilter) -> Result<String> {
        const MAX: i64 = 250_000;
        let u = Use::view(
            ctx,
            Permission::ManageCaseloads,
            "referral.export",
            "referral",
            "export",
        );
        self.run(u, async |tx, g, ev| {
            let rows = store::export(tx, g.scope(), filter, MAX).await?;
            let mut w = csv::Writer::from_writer(Vec::new());
            let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| linkwork_domain::appointment::london_date(t).to_string())
                    .unwrap_or_default()
            };
            w.write_record([
                "referral_id",
                "participant_id",
                "received_on",
                "practice",
                "source",
                "urgency",
                "reasons",
                "status",
                "link_worker",
                "person_agreed",
                "first_contacted_on",
                "first_seen_on",
                "closed_on",
                "closure_reason",
                "snomed_code",
            ])
            .map_err(AppError::internal)?;
            for r in &rows {
                w.write_record([
                    r.id.to_string(),
                    r.participant_id.map(|p| p.to_string()).unwrap_or_default(),
                    r.received_on.to_string(),
                    r.site_name.clone(),
                    r.source.clone(),
                    r.urgency.clone(),
                    r.reasons.join(";"),
                    r.status.code().to_owned(),
                    r.link_worker_name.clone().unwrap_or_default(),
                    r.person_agreed
                        .map(|a| if a { "yes" } else { "no" }.to_owned())
                        .unwrap_or_default(),
                    day(r.contacted_at),
                    day(r.first_seen_at),
                    r.closed_on.map(|d| d.to_string()).unwrap_or_default(),
                    r.closure_reason.clone().unwrap_or_default(),
                    r.snomed_code.clone(),
                ])
                .map_err(AppError::internal)?;
            }
            ev.detail = format!("{filter:?} rows={}", rows.len());
            let bytes = w.into_inner().map_err(AppError::internal)?;
            String::from_utf8(bytes).map_err(AppError::internal)
        })
        .await
    }

    /// One referral; viewing it is audited. Practice staff see its status, not the case work.
    pub async fn get_referral(&self, ctx: &Ctx, id: i64) -> Result<ReferralDetail> {
        let u = Use::view(
            ctx,
            Permission::MakeReferral,
            "referral.view",
            "referral",
            id,
        );
        self.run(u, async |tx, g, _| {
            let referral = store::get(tx, g.scope(), id).await?;
            // Practice staff follow the status, never the case work.
            let contact_attempts = if ctx.actor.can(Permission::WorkWithParticipants) {
                store::contact_attempts(tx, id).await?
            } else {
                Vec::new()
            };
            Ok(ReferralDetail {
                referral,
                contact_attempts,
            })
        })
        .await
    }

    pub async fn make_referral(&self, ctx: &Ctx, input: &ReferralInput) -> Result<i64> {
        let u = Use::write(
            ctx,
            Permission::MakeReferral,
            "referral.create",
            "referral",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            let id = self.make_referral_in(tx, g, ctx, input).await?;
            ev.object_id = id.to_string();
            Ok(id)
        })
        .await
    }

    async fn make_referral_in(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        ctx: &Ctx,
        input: &ReferralInput,
    ) -> Result<i64> {
        let scope = grant.scope();
        let today = self.now().date_naive();
        let mut e = FieldErrors::new();
        // From a person's record, or from the person's details.
        let participant = if input.participant_id.trim().is_empty()
            || !ctx.actor.can(Permission::WorkWithParticipants)
        {
            None
        } else {
            // A manager's or link worker's referral grant reaches the
            // same records as their grant to work with people's records.
            let pscope = scope;
            let id = input
                .participant_id
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::field("participant_id", "Choose the person"))?;
            let p = people::get(tx, pscope, id).await.map_err(|_| {
                AppError::field("participant_id", "Choose a person whose record you can see")
            })?;
            if p.merged_into.is_some() {
                return Err(AppError::field(
                    "participant_id",
                    "This record was merged into another: refer from that record",
                ));
            }
            Some(p)
        };
        let (site_id, person_name, dob, chi, phone) = match &participant {
            Some(p) => (
                Some(p.site_id),
                p.given_name.clone() + " " + &p.family_name,
                Some(p.date_of_birth),
                p.chi_number.clone(),
                p.phone.clone(),
            ),
            None => {
                let site = e.check(
                    "site_id",
                    input
                        .site_id
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| "Choose the practice making the referral"),
                );
                let name = e
                    .check(
                        "person_name",
                        text::required_text(&input.person_name, "the person's full name", 200),
                    )
                    .unwrap_or_default();
                let dob = e.check(
                    "person_date_of_birth",
                    dates::required(
                        &input.person_date_of_birth,
                        "the person's date of birth",
                        Span::birth(today),
                    ),
                );
                let chi = if input.person_chi_number.trim().is_empty() {
                    None
                } else {
                    e.check(
                        "person_chi_number",
                        ChiNumber::parse(&input.person_chi_number),
                    )
                    .map(|c| c.as_str().to_owned())
                };
                let phone = e
                    .check(
                        "person_phone",
                        text::optional_text(&input.person_phone, "the phone number", 40),
                    )
                    .flatten();
                (site, name, dob, chi, phone)
            }
        };
        let source = one_of(&rules::SOURCES, &input.source);
        if source.is_none() {
            e.add("source", "Choose who made the referral");
        }
        let referrer = e
            .check(
                "referrer",
                text::optional_text(&input.referrer, "the referrer's name", 120),
            )
            .flatten();
        let received_on = e
            .check(
                "received_on",
                dates::optional(
                    &input.received_on,
                    "the date received",
                    Span::past(today, 5),
                ),
            )
            .map(|d| d.unwrap_or(today));
        let person_agreed = match input.person_agreed.trim() {
            "yes" | "true" => Some(true),
            "no" | "false" => Some(false),
            "" if ctx.actor.can(Permission::WorkWithParticipants) => None,
            _ => {
                e.add(
                    "person_agreed",
                    "Say whether the person agreed to be referred",
                );
                None
            }
        };
        if person_agreed == Some(false) && !ctx.actor.can(Permission::WorkWithParticipants) {
            e.add(
                "person_agreed",
                "Ask the person first: a referral needs their agreement",
            );
        }
        let urgency = one_of(
            &rules::URGENCIES,
            if input.urgency.is_empty() {
                "routine"
            } else {
                &input.urgency
            },
        );
        if urgency.is_none() {
            e.add("urgency", "Choose how urgent the referral is");
        }
        let offered =
            crate::referrals::reasons::choices(&linkwork_store::reasons::list(tx, grant).await?);
        let reasons: Vec<String> = input
            .reasons
            .iter()
            .filter_map(|r| {
                offered
                    .iter()
                    .find(|(c, _)| c == r.trim())
                    .map(|(c, _)| c.clone())
            })
            .collect();
        if reasons.is_empty() || reasons.len() != input.reasons.len() {
            e.add("reasons", "Choose at least one reason for the referral");
        }
        let details = e
            .check(
                "details",
                text::optional_text(&input.details, "the details", 4000),
            )
            .flatten();
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let site_id = site_id.unwrap_or_default();
        match linkwork_store::org::get_site(tx, scope, site_id).await {
            Ok(site) if site.active && site.kind.holds_people() => {}
            Ok(_) => return Err(AppError::field("site_id", "Choose a GP practice")),
            Err(_) => return Err(AppError::field("site_id", "Choose a practice you work at")),
        }
        let new = NewReferral {
            site_id,
            participant_id: participant.as_ref().map(|p| p.id),
            person_name,
            person_date_of_birth: dob,
            person_chi_number: chi,
            person_phone: phone,
            source: source.unwrap_or_default(),
            referrer,
            received_on: received_on.unwrap_or(today),
            urgency: urgency.unwrap_or_default(),
            reasons,
            details,
            person_agreed,
            snomed_code: SNOMED_REFERRAL.into(),
            created_by: Some(ctx.actor.user_id).filter(|u| *u != 0),
        };
        let now = self.now();
        Ok(store::create(tx, grant, &new, now).await?)
    }

    /// Apply a lifecycle event (triage, contact, close, reopen) in one transaction.
    async fn change(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        action: &'static str,
        f: impl FnOnce(&Referral, &mut Lifecycle) -> Result<Event>,
    ) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            action,
            "referral",
            id,
        );
        self.run(u, async |tx, g, ev| {
            self.change_in(tx, g, ev, ctx, id, version, None, f).await
        })
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn change_in(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        ev: &mut linkwork_store::audit::NewEvent,
        ctx: &Ctx,
        id: i64,
        version: i64,
        choice: Option<&StatusChange>,
        f: impl FnOnce(&Referral, &mut Lifecycle) -> Result<Event>,
    ) -> Result<()> {
        let r = store::get(tx, grant.scope(), id).await?;
        if r.version != version {
            return Err(linkwork_store::StoreError::StaleVersion.into());
        }
        let mut l = Lifecycle::of(&r, r.status);
        let event = f(&r, &mut l)?;
        let from = r.status;
        let to = from.apply(event).map_err(AppError::Conflict)?;
        l.status = to;
        // Accepting someone who has no record yet: link the record chosen,
        // or make one when the worker says the person is new; with neither,
        // likely matches are shown first (never a second record blind).
        if matches!(event, Event::Allocate) && l.participant_id.is_none() {
            l.participant_id = Some(self.person_for(tx, grant, ctx, &r, choice).await?);
        }
        let now = self.now();
        store::set_lifecycle(tx, grant, id, version, from, &l, now).await?;
        ev.detail = format!("{} → {}", r.status.code(), l.status.code());
        Ok(())
    }

    /// The record a referral being accepted is about: the one chosen, or a
    /// new one when the worker says so and no record shares a number.
    async fn person_for(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        ctx: &Ctx,
        r: &Referral,
        choice: Option<&StatusChange>,
    ) -> Result<i64> {
        let chosen = choice.map(|c| c.participant_id.trim()).unwrap_or("");
        if !chosen.is_empty() {
            let pid = chosen
                .parse::<i64>()
                .map_err(|_| AppError::field("participant_id", "Choose the person's record"))?;
            let p = people::get(tx, grant.scope(), pid)
                .await
                .map_err(|_| AppError::field("participant_id", "Choose a record you can see"))?;
            if p.merged_into.is_some() {
                return Err(AppError::field(
                    "participant_id",
                    "This record was merged into another: choose that one",
                ));
            }
            return Ok(pid);
        }
        let matches = self.matches_for(tx, grant, r).await?;
        let new = choice.is_some_and(|c| c.new_participant);
        let exact = matches.iter().any(|m| m.reason != "name_and_date_of_birth");
        if !matches.is_empty() && (!new || exact) {
            return Err(AppError::LikelyMatches(matches));
        }
        let mut parts = r.person_name.split_whitespace().collect::<Vec<_>>();
        let family = parts.pop().unwrap_or("").to_owned();
        let given = if parts.is_empty() {
            family.clone()
        } else {
            parts.join(" ")
        };
        let fields = ParticipantFields {
            site_id: r.site_id,
            given_name: given,
            family_name: family,
            date_of_birth: r.person_date_of_birth.unwrap_or_default(),
            chi_number: r.person_chi_number.clone(),
            phone: r.person_phone.clone(),
            ..Default::default()
        };
        let pid = people::create(tx, grant, &fields, self.now()).await?;
        audit::append(
            tx,
            &ctx.event("participant.create", "participant", pid),
            self.now(),
        )
        .await?;
        Ok(pid)
    }

    /// Records likely to be the person a referral is about (by name only
    /// when the referral gives a date of birth).
    async fn matches_for(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        r: &Referral,
    ) -> Result<Vec<PossibleDuplicate>> {
        let probe = Probe {
            names: r.person_name.clone(),
            date_of_birth: r.person_date_of_birth.unwrap_or_default(),
            chi_number: r.person_chi_number.clone(),
            nhs_number: None,
        };
        let mut m = likely_matches(
            tx,
            grant,
            &probe,
            None,
            linkwork_domain::appointment::london_date(self.now()),
        )
        .await?;
        if r.person_date_of_birth.is_none() {
            m.retain(|m| m.reason != "name_and_date_of_birth");
        }
        Ok(m)
    }

    /// Likely matches for a referral not yet linked to a record, for the
    /// worker accepting it (with open risk flags of the records they may see).
    pub async fn triage_matches(&self, ctx: &Ctx, id: i64) -> Result<Vec<PossibleDuplicate>> {
        let u = Use::view(
            ctx,
            Permission::WorkWithParticipants,
            "referral.match",
            "referral",
            id,
        );
        self.run(u, async |tx, g, ev| {
            let r = store::get(tx, g.scope(), id).await?;
            if r.participant_id.is_some() || r.status != ReferralStatus::Received {
                ev.action.clear();
                return Ok(Vec::new());
            }
            let m = self.matches_for(tx, g, &r).await?;
            if m.is_empty() {
                ev.action.clear();
            } else {
                ev.detail = crate::participants::candidate_detail(&m);
            }
            Ok(m)
        })
        .await
    }

    /// Accept (if new) and allocate, or reallocate, to a link worker at the referral's practice.
    pub async fn allocate_referral(&self, ctx: &Ctx, id: i64, c: &StatusChange) -> Result<()> {
        let worker = c
            .link_worker_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::field("link_worker_id", "Choose a link worker"))?;
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "referral.allocate",
            "referral",
            id,
        );
        let r = self
            .run(u, async |tx, g, ev| {
                let site = store::get(tx, g.scope(), id).await?.site_id;
                if !store::is_link_worker_at(tx, g, worker, site).await? {
                    return Err(AppError::field(
                        "link_worker_id",
                        "Choose a link worker at this practice",
                    ));
                }
                self.change_in(tx, g, ev, ctx, id, c.version, Some(c), |_, l| {
                    l.link_worker_id = Some(worker);
                    Ok(Event::Allocate)
                })
                .await
            })
            .await;
        // Refused for likely matches: nothing was written, but the
        // candidates were shown, so that view is audited on its own.
        if let Err(AppError::LikelyMatches(found)) = &r {
            let u = Use::view(
                ctx,
                Permission::WorkWithParticipants,
                "referral.match",
                "referral",
                id,
            );
            let detail = crate::participants::candidate_detail(found);
            self.run(u, async |_, _, ev| {
                ev.detail = detail;
                Ok(())
            })
            .await?;
        }
        r
    }

    pub async fn decline_referral(&self, ctx: &Ctx, id: i64, c: &StatusChange) -> Result<()> {
        let reason = text::required_text(&c.reason, "why the referral is declined", 500)
            .map_err(|m| AppError::field("reason", m))?;
        self.change(ctx, id, c.version, "referral.decline", |_, l| {
            l.decline_reason = Some(reason);
            l.snomed_code = SNOMED_DECLINED.into();
            Ok(Event::Decline)
        })
        .await
    }

    pub async fn close_referral(&self, ctx: &Ctx, id: i64, c: &StatusChange) -> Result<()> {
        let reason = ClosureReason::parse(c.reason.trim())
            .ok_or_else(|| AppError::field("reason", "Choose why the support is ending"))?;
        let today = self.now().date_naive();
        self.change(ctx, id, c.version, "referral.close", |_, l| {
            l.closure_reason = Some(reason.code().into());
            l.closed_on = Some(today);
            Ok(Event::Close(reason))
        })
        .await
    }

    /// The door is always open: a closed or declined referral can be picked up again.
    pub async fn reopen_referral(&self, ctx: &Ctx, id: i64, c: &StatusChange) -> Result<()> {
        let me = ctx.actor.user_id;
        let is_worker = ctx.actor.role == Role::LinkWorker;
        self.change(ctx, id, c.version, "referral.reopen", |_, l| {
            l.closure_reason = None;
            l.closed_on = None;
            l.decline_reason = None;
            l.snomed_code = SNOMED_REFERRAL.into();
            if l.link_worker_id.is_none() && is_worker {
                l.link_worker_id = Some(me);
            }
            Ok(Event::Reopen)
        })
        .await
    }

    /// Log a contact attempt; reaching the person moves an allocated referral to contacted.
    pub async fn record_contact(&self, ctx: &Ctx, id: i64, input: &ContactInput) -> Result<()> {
        let mut e = FieldErrors::new();
        let method = one_of(&rules::CONTACT_METHODS, &input.method);
        if method.is_none() {
            e.add("method", "Choose how you tried to make contact");
        }
        let outcome = one_of(&rules::CONTACT_OUTCOMES, &input.outcome);
        if outcome.is_none() {
            e.add("outcome", "Choose what happened");
        }
        let note = e
            .check("note", text::optional_text(&input.note, "the note", 2000))
            .flatten();
        e.into_result()?;
        let (method, outcome) = (method.unwrap_or_default(), outcome.unwrap_or_default());
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "referral.contact_attempt",
            "referral",
            id,
        );
        self.run(u, async |tx, grant, ev| {
            let now = self.now();
            let r = store::get(tx, grant.scope(), id).await?;
            let status = r.status;
            // Only reaching the person moves the referral on; every attempt is kept.
            let next = if outcome == "reached" {
                status.apply(Event::Contact)
            } else if status == ReferralStatus::Received {
                Err("Allocate the referral to a link worker first".to_owned())
            } else if !status.is_open() {
                Err("This referral is closed: reopen it first".to_owned())
            } else {
                Ok(status)
            };
            let next = next.map_err(|m| AppError::Conflict(format!("{m}.")))?;
            if next != status {
                let l = Lifecycle::of(&r, next);
                store::set_lifecycle(tx, grant, id, r.version, status, &l, now).await?;
            }
            let user = Some(ctx.actor.user_id).filter(|u| *u != 0);
            let attempt =
                store::add_contact_attempt(tx, id, now, &method, &outcome, note.as_deref(), user)
                    .await?;
            ev.detail = format!("attempt {attempt}: {method}, {outcome}");
            Ok(())
        })
        .await
    }

    /// Link workers who can take referrals at a site.
    /// Every active link worker of the programme (for managers' pickers).
    pub async fn link_workers(&self, ctx: &Ctx) -> Result<Vec<(i64, String)>> {
        let u = Use::read(ctx, Permission::ManageCaseloads, "user");
        self.read(u, async |tx, g| Ok(store::link_workers(tx, g).await?))
            .await
    }

    pub async fn link_workers_at(&self, ctx: &Ctx, site_id: i64) -> Result<Vec<(i64, String)>> {
        let u = Use::read(ctx, Permission::ViewProgramme, "site").of(site_id);
        self.read(u, async |tx, g| {
            Ok(store::link_workers_at(tx, g, site_id).await?)
        })
        .await
    }
}
