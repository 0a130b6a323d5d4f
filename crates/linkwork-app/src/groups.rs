//! Groups, courses and events (issue 11): a group's details, the people
//! registered with it, its sessions and who came. Managers and link workers
//! run them; everyone who works with people sees every group of the
//! programme, but only the members whose records they may see (the others
//! are counted). A group page names people, so reading it is audited; every
//! change is.

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::Permission;
use linkwork_domain::appointment::london_date;
use linkwork_domain::group::{self as rules, GroupFields};
use linkwork_store::StoreError;
use linkwork_store::groups as store;
pub use linkwork_store::groups::{GroupRow, MemberRow, PersonGroup, SessionRow};
use serde::Deserialize;

/// A group as typed (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct GroupInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// `health_walk`, `course`, `exercise`, `peer_support`, `activity`,
    /// `event`, `hosted_service` or `other`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub description: String,
    /// Where it meets.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub venue: String,
    /// Support given in kind, e.g. a hall given free.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub in_kind: String,
    /// Partner organisations running it with the programme.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub partners: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub facilitators: String,
    /// When it meets, in words.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub schedule: String,
    /// An event's risk assessment.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub risk_assessment: String,
    /// The practice hosting it (needed for `hosted_service`).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub site_id: String,
    /// The directory organisation running it (needed for `hosted_service`).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub organization_id: String,
}

/// A session as typed: the day (blank: today), the registered members who
/// came, how many others came, feedback.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct SessionInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub held_on: String,
    /// Ids of registered people who came.
    pub attended: Vec<i64>,
    /// How many came who are not registered (blank: none).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub others: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub feedback: String,
}

/// Someone to register with a group.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberInput {
    /// The person's record id.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub participant_id: String,
    /// `yes` to mark a course completed, `no` to undo it; blank when
    /// registering.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub completed: String,
}

/// A group's page: its details, the members the user may see (and how many
/// others), its sessions.
#[derive(Debug, Clone)]
pub struct GroupPage {
    pub group: GroupRow,
    pub members: Vec<MemberRow>,
    pub other_members: i64,
    pub sessions: Vec<SessionRow>,
}

fn person_id(raw: &str) -> Result<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::field("participant_id", "Choose a person"))
}

impl App {
    /// Every group of the programme.
    pub async fn list_groups(&self, ctx: &Ctx) -> Result<Vec<GroupRow>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "group");
        self.read(u, async |tx, g| Ok(store::list(tx, g).await?))
            .await
    }

    /// One group with its members and sessions (audited: it names people).
    pub async fn group_page(&self, ctx: &Ctx, id: i64) -> Result<GroupPage> {
        let u = Use::view(
            ctx,
            Permission::WorkWithParticipants,
            "group.view",
            "group",
            id,
        );
        self.run(u, async |tx, g, _| {
            let group = store::get(tx, g, id).await?;
            let (members, other_members) = store::members(tx, g, id).await?;
            let sessions = store::sessions(tx, g, id).await?;
            Ok(GroupPage {
                group,
                members,
                other_members,
                sessions,
            })
        })
        .await
    }

    /// Start a group (audited).
    pub async fn create_group(&self, ctx: &Ctx, input: &GroupInput) -> Result<i64> {
        let checked = rules::group(GroupFields {
            name: &input.name,
            kind: &input.kind,
            description: &input.description,
            venue: &input.venue,
            in_kind: &input.in_kind,
            partners: &input.partners,
            facilitators: &input.facilitators,
            schedule: &input.schedule,
            risk_assessment: &input.risk_assessment,
            site_id: &input.site_id,
            organization_id: &input.organization_id,
        })?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group.create",
            "group",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            if let Some(site) = checked.site_id {
                match linkwork_store::org::get_site(tx, g.scope(), site).await {
                    Ok(s) if s.kind.holds_people() => {}
                    _ => {
                        return Err(AppError::field("site_id", "Choose a practice you work at"));
                    }
                }
            }
            if let Some(o) = checked.organization_id
                && linkwork_store::directory::organization(tx, g, o)
                    .await
                    .is_err()
            {
                return Err(AppError::field(
                    "organization_id",
                    "Choose an organisation from the directory",
                ));
            }
            let id = store::create(tx, g, &checked, by, now)
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => {
                        AppError::field("name", "There is already a group with this name")
                    }
                    e => e.into(),
                })?;
            ev.object_id = id.to_string();
            ev.detail = format!("{} ({})", checked.name, checked.kind);
            Ok(id)
        })
        .await
    }

    /// Register someone with a group, or mark their course completed (or
    /// not); audited. Only people whose record the user may see.
    pub async fn group_member(&self, ctx: &Ctx, group_id: i64, input: &MemberInput) -> Result<()> {
        let pid = person_id(&input.participant_id)?;
        let completed = match input.completed.trim() {
            "" => None,
            "yes" | "true" => Some(true),
            "no" | "false" => Some(false),
            _ => return Err(AppError::field("completed", "Say yes or no")),
        };
        let today = london_date(self.now());
        let action = match completed {
            None => "group.member_add",
            Some(_) => "group.member_completion",
        };
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            action,
            "group",
            group_id,
        );
        self.run(u, async |tx, g, ev| {
            store::get(tx, g, group_id).await?;
            let p = linkwork_store::participants::get(tx, g.scope(), pid)
                .await
                .map_err(|_| {
                    AppError::field("participant_id", "Choose a person whose record you can see")
                })?;
            if p.merged_into.is_some() {
                return Err(AppError::Conflict(
                    "This record was merged into another: use that record.".into(),
                ));
            }
            match completed {
                None => {
                    if !store::add_member(tx, g, group_id, pid, today).await? {
                        ev.action.clear(); // already registered
                    }
                }
                Some(done) => {
                    store::set_completed(tx, g, group_id, pid, done.then_some(today))
                        .await
                        .map_err(|_| {
                            AppError::field(
                                "participant_id",
                                "They are not registered with the group",
                            )
                        })?;
                }
            }
            ev.detail = format!("participant {pid}");
            Ok(())
        })
        .await
    }

    /// Record a session and take attendance (audited). Those ticked must be
    /// registered members whose records the user may see.
    pub async fn record_group_session(
        &self,
        ctx: &Ctx,
        group_id: i64,
        input: &SessionInput,
    ) -> Result<i64> {
        let today = london_date(self.now());
        let s = rules::session(&input.held_on, &input.others, &input.feedback, today)?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group_session.create",
            "group",
            group_id,
        );
        self.run(u, async |tx, g, ev| {
            let group = store::get(tx, g, group_id).await?;
            let (members, _) = store::members(tx, g, group_id).await?;
            let mut attended = input.attended.clone();
            attended.sort_unstable();
            attended.dedup();
            if attended
                .iter()
                .any(|a| !members.iter().any(|m| m.participant_id == *a))
            {
                return Err(AppError::field(
                    "attended",
                    "Tick only people registered with the group",
                ));
            }
            if attended.is_empty() && s.others == 0 {
                return Err(AppError::field(
                    "attended",
                    "Tick who came, or say how many others came",
                ));
            }
            let id = store::add_session(tx, g, group_id, &s, &attended, by, now).await?;
            ev.detail = format!(
                "{} on {}: {} registered, {} others (session {id})",
                group.name,
                s.held_on,
                attended.len(),
                s.others
            );
            Ok(id)
        })
        .await
    }
}
