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
pub use linkwork_store::groups::{
    FeedbackRow, GroupRow, MemberRow, PartnerOrg, PersonGroup, SessionRow, StoredFile,
};
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
    /// Where it meets, as a directory location's id.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub location_id: String,
    /// `no` (or `false`) once the group has ended; blank or `yes` while it
    /// meets.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub active: String,
}

impl GroupInput {
    fn fields(&self) -> GroupFields<'_> {
        GroupFields {
            name: &self.name,
            kind: &self.kind,
            description: &self.description,
            venue: &self.venue,
            in_kind: &self.in_kind,
            partners: &self.partners,
            facilitators: &self.facilitators,
            schedule: &self.schedule,
            risk_assessment: &self.risk_assessment,
            site_id: &self.site_id,
            organization_id: &self.organization_id,
            location_id: &self.location_id,
            active: &self.active,
        }
    }

    /// A group's details as they stand, to change them.
    pub fn of(g: &GroupRow) -> Self {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        GroupInput {
            name: g.name.clone(),
            kind: g.kind.clone(),
            description: t(&g.description),
            venue: t(&g.venue),
            in_kind: t(&g.in_kind),
            partners: t(&g.partners),
            facilitators: t(&g.facilitators),
            schedule: t(&g.schedule),
            risk_assessment: t(&g.risk_assessment),
            site_id: id(g.site_id),
            organization_id: id(g.organization_id),
            location_id: id(g.location_id),
            active: if g.active { "yes" } else { "no" }.to_owned(),
        }
    }
}

/// Feedback on a course or group as a whole.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct FeedbackInput {
    /// The day it was given (blank: today).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub given_on: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub feedback: String,
}

/// Listing a group in the directory: the organisation the entry comes
/// under (blank: the group's own partner organisation).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ListingInput {
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
    /// Feedback on the course or group as a whole.
    pub feedback: Vec<FeedbackRow>,
    /// The directory organisations it is run with (besides the one running
    /// it).
    pub partners: Vec<PartnerOrg>,
}

/// A partner organisation to add to a group, or remove from it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct PartnerInput {
    /// The directory organisation's id.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub organization_id: String,
    /// `yes` (or blank) to add it, `no` to remove it.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub add: String,
}

fn duplicate_name(e: StoreError) -> AppError {
    match e {
        StoreError::Duplicate(_) => {
            AppError::field("name", "There is already a group with this name")
        }
        e => e.into(),
    }
}

/// The practice, organisation and venue a group names must be ones the
/// user may choose.
async fn check_links(
    tx: &mut linkwork_store::Tx,
    g: &linkwork_domain::Grant,
    checked: &rules::Group,
) -> Result<()> {
    if let Some(site) = checked.site_id {
        match linkwork_store::org::get_site(tx, g.scope(), site).await {
            Ok(s) if s.kind.holds_people() => {}
            _ => return Err(AppError::field("site_id", "Choose a practice you work at")),
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
    if let Some(l) = checked.location_id
        && !linkwork_store::directory::location_exists(tx, g, l).await?
    {
        return Err(AppError::field(
            "location_id",
            "Choose a venue from the directory's places",
        ));
    }
    Ok(())
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
            let feedback = store::feedback(tx, g, id).await?;
            let partners = store::partners(tx, g, id).await?;
            Ok(GroupPage {
                partners,
                group,
                members,
                other_members,
                sessions,
                feedback,
            })
        })
        .await
    }

    /// Start a group (audited).
    pub async fn create_group(&self, ctx: &Ctx, input: &GroupInput) -> Result<i64> {
        let checked = rules::group(input.fields())?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group.create",
            "group",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            check_links(tx, g, &checked).await?;
            let id = store::create(tx, g, &checked, by, now)
                .await
                .map_err(duplicate_name)?;
            ev.object_id = id.to_string();
            ev.detail = format!("{} ({})", checked.name, checked.kind);
            Ok(id)
        })
        .await
    }

    /// Change a group's details, or mark it ended (audited).
    pub async fn update_group(&self, ctx: &Ctx, id: i64, input: &GroupInput) -> Result<()> {
        let checked = rules::group(input.fields())?;
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group.update",
            "group",
            id,
        );
        self.run(u, async |tx, g, ev| {
            store::get(tx, g, id).await?;
            check_links(tx, g, &checked).await?;
            store::update(tx, g, id, &checked)
                .await
                .map_err(duplicate_name)?;
            ev.detail = format!(
                "{} ({}{})",
                checked.name,
                checked.kind,
                if checked.active { "" } else { ", ended" }
            );
            Ok(())
        })
        .await
    }

    /// The directory's locations, as choices for a group's venue: id and
    /// "name, address, postcode", by name. Only places in the postcode
    /// districts of the user's practices (all of them for a manager), and
    /// `keep` (the venue chosen already) whatever its district.
    pub async fn venue_choices(&self, ctx: &Ctx, keep: Option<i64>) -> Result<Vec<(i64, String)>> {
        let u = Use::read(ctx, Permission::ViewDirectory, "directory_location");
        self.read(u, async |tx, g| {
            let district = |pc: &str| pc.split_whitespace().next().unwrap_or("").to_uppercase();
            let districts: std::collections::HashSet<String> =
                linkwork_store::directory::practices(tx, g)
                    .await?
                    .into_iter()
                    .filter_map(|p| p.postcode.as_deref().map(district))
                    .filter(|d| !d.is_empty())
                    .collect();
            let mut all: Vec<(i64, String)> = linkwork_store::directory::locations(tx, g)
                .await?
                .into_iter()
                .filter(|l| {
                    districts.is_empty()
                        || Some(l.id) == keep
                        || l.postcode
                            .as_deref()
                            .is_some_and(|pc| districts.contains(&district(pc)))
                })
                .map(|l| {
                    let parts = [
                        l.name.trim(),
                        l.address.trim(),
                        l.postcode.as_deref().unwrap_or("").trim(),
                    ];
                    let label = parts
                        .iter()
                        .filter(|p| !p.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ");
                    (l.id, label)
                })
                .filter(|(_, label)| !label.is_empty())
                .collect();
            all.sort_by_key(|a| a.1.to_lowercase());
            Ok(all)
        })
        .await
    }

    /// Keep a risk assessment file for a group, replacing the one before
    /// (audited). The file is checked by its content and size.
    pub async fn put_group_file(
        &self,
        ctx: &Ctx,
        group_id: i64,
        file_name: &str,
        content: Vec<u8>,
    ) -> Result<()> {
        let f = rules::file(file_name, content)?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group.file_put",
            "group",
            group_id,
        );
        self.run(u, async |tx, g, ev| {
            store::get(tx, g, group_id).await?;
            store::put_file(tx, g, group_id, &f, by, now).await?;
            ev.detail = format!("{} ({} bytes)", f.file_name, f.content.len());
            Ok(())
        })
        .await
    }

    /// A group's risk assessment file.
    pub async fn group_file(&self, ctx: &Ctx, group_id: i64) -> Result<StoredFile> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "group");
        self.read(u, async |tx, g| {
            store::get(tx, g, group_id).await?;
            Ok(store::file(tx, g, group_id).await?)
        })
        .await
    }

    /// Remove a group's risk assessment file (audited).
    pub async fn remove_group_file(&self, ctx: &Ctx, group_id: i64) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group.file_remove",
            "group",
            group_id,
        );
        self.run(u, async |tx, g, ev| {
            store::get(tx, g, group_id).await?;
            if !store::remove_file(tx, g, group_id).await? {
                ev.action.clear(); // nothing was kept
            }
            Ok(())
        })
        .await
    }

    /// Add a directory organisation the group is run with, or remove one
    /// (audited); it then shows on the organisation's partner page.
    pub async fn group_partner(
        &self,
        ctx: &Ctx,
        group_id: i64,
        input: &PartnerInput,
    ) -> Result<()> {
        let org = input
            .organization_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                AppError::field(
                    "organization_id",
                    "Choose an organisation from the directory",
                )
            })?;
        let add = match input.add.trim() {
            "" | "yes" => true,
            "no" => false,
            _ => return Err(AppError::field("add", "Say yes or no")),
        };
        let action = if add {
            "group.partner_add"
        } else {
            "group.partner_remove"
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
            let o = linkwork_store::directory::organization(tx, g, org)
                .await
                .map_err(|_| {
                    AppError::field(
                        "organization_id",
                        "Choose an organisation from the directory",
                    )
                })?;
            if !store::set_partner(tx, g, group_id, org, add).await? {
                ev.action.clear(); // already so
            }
            ev.detail = format!("{} (organisation {org})", o.name);
            Ok(())
        })
        .await
    }

    /// Record feedback on a course or group as a whole (audited).
    pub async fn add_group_feedback(
        &self,
        ctx: &Ctx,
        group_id: i64,
        input: &FeedbackInput,
    ) -> Result<i64> {
        let f = rules::feedback(&input.given_on, &input.feedback, london_date(self.now()))?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "group.feedback",
            "group",
            group_id,
        );
        self.run(u, async |tx, g, ev| {
            store::get(tx, g, group_id).await?;
            let id = store::add_feedback(tx, g, group_id, &f, by, now).await?;
            ev.detail = format!("feedback {id} given on {}", f.given_on);
            Ok(id)
        })
        .await
    }

    /// List a group in the community directory as a service of the chosen
    /// organisation (blank: the group's partner organisation), so other
    /// link workers find it and refer people to it; the entry takes the
    /// group's name, description, schedule and venue. Listed already: the
    /// entry's id, nothing changed. Audited.
    pub async fn list_group_in_directory(
        &self,
        ctx: &Ctx,
        group_id: i64,
        input: &ListingInput,
    ) -> Result<i64> {
        let chosen = match input.organization_id.trim() {
            "" => None,
            t => Some(t.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                AppError::field("organization_id", "Choose the organisation from the list")
            })?),
        };
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let by_name = ctx.actor.name.clone();
        let u = Use::write(
            ctx,
            Permission::EditDirectory,
            "group.list_in_directory",
            "group",
            group_id,
        );
        self.run(u, async |tx, g, ev| {
            let group = store::get(tx, g, group_id).await?;
            if let Some(s) = group.service_id {
                ev.action.clear();
                return Ok(s);
            }
            let Some(org) = chosen.or(group.organization_id) else {
                return Err(AppError::field(
                    "organization_id",
                    "Choose the organisation the entry comes under",
                ));
            };
            let org = linkwork_store::directory::organization(tx, g, org)
                .await
                .map_err(|_| AppError::field("organization_id", "Choose an organisation from the directory"))?;
            let mut description = group.description.clone().unwrap_or_default();
            if let Some(when) = &group.schedule {
                if !description.is_empty() {
                    description.push_str("\n\n");
                }
                description.push_str(&format!("Meets: {when}"));
            }
            if description.is_empty() {
                description = rules::kind_label(&group.kind).to_owned();
            }
            let service = linkwork_store::directory::ServiceIn {
                uuid: crate::random::uuid_v4(),
                organization_id: org.id,
                name: group.name.clone(),
                description,
                status: "active".into(),
                reach: "local".into(),
                free: true,
                referral_routes: "handover".into(),
                referral_notes: Some(
                    "A group the programme runs or co-runs: register the person with the group from their record.".into(),
                ),
                location_ids: group.location_id.into_iter().collect(),
                ..Default::default()
            };
            let saved = linkwork_store::directory::save_service(
                tx,
                g,
                &service,
                None,
                (by, &by_name),
                "Added to the directory from its group",
                now,
            )
            .await?;
            store::set_service(tx, g, group_id, saved.id()).await?;
            ev.detail = format!("service {} under {}", saved.id(), org.name);
            Ok(saved.id())
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
