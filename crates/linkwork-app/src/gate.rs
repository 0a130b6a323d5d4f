//! The one way a use case runs: authorize → scope → transaction → audit →
//! commit, written once.
//!
//! A use case says what permission it needs, whether it reads (and whether
//! that read is of personal data, so audited as a view) or writes, and what
//! it touches; its body gets the transaction, the [`Grant`] (whose scope the
//! store writes into every query) and, for writes and views, the audit event
//! that will be appended in the same transaction (the body may add detail or
//! set the id of what it created, or clear its action when it wrote nothing).
//! A refusal is audited; so is "not found", since outside the user's scope a
//! record is not found.

use crate::{App, AppError, Ctx, Result};
use linkwork_domain::{Grant, Permission};
use linkwork_store::Tx;
use linkwork_store::audit::{self, NewEvent};

/// Whether a use case reads or writes, said explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// A read that records nothing: the programme's reference data, sites.
    Read,
    /// As `Read`, but every query sees one snapshot (e.g. verifying a chain).
    Snapshot,
    /// A read of personal data, audited as this action (read in a
    /// snapshot; the event is committed before the data is returned).
    View(&'static str),
    /// As `View`, for a body of one statement: on a plain connection, no
    /// transaction (a kept page checked against its stamp).
    Glance(&'static str),
    /// A change, audited as this action in its own transaction.
    Write(&'static str),
    /// A long read of counts, not of anyone's record (the figures): read
    /// in one snapshot, then audited as this action in a short write of
    /// its own, so that the read does not hold the write lock.
    Tally(&'static str),
}

/// One use case's request to run.
#[derive(Debug, Clone)]
pub(crate) struct Use<'a> {
    pub ctx: &'a Ctx,
    pub permission: Permission,
    pub access: Access,
    pub object_type: &'static str,
    pub object_id: String,
}

impl<'a> Use<'a> {
    pub fn read(ctx: &'a Ctx, permission: Permission, object_type: &'static str) -> Self {
        Self::new(ctx, permission, Access::Read, object_type, "list")
    }
    pub fn snapshot(ctx: &'a Ctx, permission: Permission, object_type: &'static str) -> Self {
        Self::new(ctx, permission, Access::Snapshot, object_type, "list")
    }
    pub fn view(
        ctx: &'a Ctx,
        permission: Permission,
        action: &'static str,
        object_type: &'static str,
        object_id: impl ToString,
    ) -> Self {
        Self::new(
            ctx,
            permission,
            Access::View(action),
            object_type,
            object_id,
        )
    }
    pub fn tally(
        ctx: &'a Ctx,
        permission: Permission,
        action: &'static str,
        object_type: &'static str,
        object_id: impl ToString,
    ) -> Self {
        Self::new(
            ctx,
            permission,
            Access::Tally(action),
            object_type,
            object_id,
        )
    }
    pub fn write(
        ctx: &'a Ctx,
        permission: Permission,
        action: &'static str,
        object_type: &'static str,
        object_id: impl ToString,
    ) -> Self {
        Self::new(
            ctx,
            permission,
            Access::Write(action),
            object_type,
            object_id,
        )
    }
    fn new(
        ctx: &'a Ctx,
        permission: Permission,
        access: Access,
        object_type: &'static str,
        object_id: impl ToString,
    ) -> Self {
        Self {
            ctx,
            permission,
            access,
            object_type,
            object_id: object_id.to_string(),
        }
    }
    /// The id of the one thing read (audited on refusal or "not found").
    pub fn of(mut self, object_id: impl ToString) -> Self {
        self.object_id = object_id.to_string();
        self
    }
}

impl App {
    /// Run a use case: authorize (a refusal is audited), open a transaction
    /// fit for the access, run `f`, append its audit event, commit. On an
    /// error nothing is written; "not found" is audited as a refusal.
    pub(crate) async fn run<T>(
        &self,
        u: Use<'_>,
        f: impl AsyncFnOnce(&mut Tx, &Grant, &mut NewEvent) -> Result<T>,
    ) -> Result<T> {
        let grant = self
            .authorize(u.ctx, u.permission, u.object_type, &u.object_id)
            .await?;
        let (mut tx, action) = match u.access {
            Access::Read => (self.db.read().await?, None),
            Access::Snapshot => (self.db.snapshot().await?, None),
            // A view reads in a snapshot; its event is appended after,
            // grouped with others (see `App::append_alone`), before the
            // data is given to anyone.
            Access::Tally(a) | Access::View(a) => (self.db.snapshot().await?, Some(a)),
            Access::Glance(a) => (self.db.read().await?, Some(a)),
            Access::Write(a) => (self.db.write().await?, Some(a)),
        };
        let mut event = u
            .ctx
            .event(action.unwrap_or("read"), u.object_type, &u.object_id);
        match f(&mut tx, &grant, &mut event).await {
            Ok(out) => {
                // A body that found nothing to do clears the action.
                let audited = action.is_some() && !event.action.is_empty();
                let alone = matches!(
                    u.access,
                    Access::Tally(_) | Access::View(_) | Access::Glance(_)
                );
                if audited && !alone {
                    // A change: its event and the mark that the programme's
                    // figures are out of date, committed with it.
                    let figures = Some(grant.programme_id());
                    audit::commit_change(tx, &event, figures, self.now()).await?;
                } else {
                    tx.commit().await?;
                }
                if audited && alone {
                    self.append_alone(event).await?;
                }
                if matches!(u.access, Access::Write(_)) {
                    self.indexes.written(grant.programme_id());
                }
                Ok(out)
            }
            Err(e) => {
                tx.rollback().await?;
                if matches!(e, AppError::NotFound) {
                    self.audit_refusal(u.ctx, u.object_type, &event.object_id)
                        .await?;
                }
                Err(e)
            }
        }
    }

    /// [`App::run`] for a read whose body needs only the transaction and grant.
    pub(crate) async fn read<T>(
        &self,
        u: Use<'_>,
        f: impl AsyncFnOnce(&mut Tx, &Grant) -> Result<T>,
    ) -> Result<T> {
        self.run(u, async |tx, g, _| f(tx, g).await).await
    }
}

/// What a person is about to do, asked before they are shown the form or
/// page for it: the web layer names the intent, the app decides which
/// permission it takes (a refusal is audited like any other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    AddSite,
    EditSite(i64),
    ImportSites,
    EditArea(i64),
    EditCluster(i64),
    /// See the areas and clusters page.
    SeeOrganisation,
    AddUser,
    EditUser(i64),
    MakeReferral,
    RegisterPerson,
    FindPeople,
    SeeDiary,
    /// Add or edit directory entries.
    EditDirectory,
    /// Import or export the directory, or the postcode lookup.
    ManageDirectory,
}

impl Intent {
    fn needs(self) -> (Permission, &'static str, String) {
        use Intent::*;
        match self {
            AddSite => (Permission::ManageOrganisation, "site", "new".into()),
            EditSite(id) => (Permission::ManageOrganisation, "site", id.to_string()),
            ImportSites => (Permission::ManageOrganisation, "site", "import".into()),
            EditArea(id) => (Permission::ManageOrganisation, "area", id.to_string()),
            EditCluster(id) => (Permission::ManageOrganisation, "cluster", id.to_string()),
            SeeOrganisation => (Permission::ViewUsers, "area", "list".into()),
            AddUser => (Permission::ManageUsers, "user", "new".into()),
            EditUser(id) => (Permission::ManageUsers, "user", id.to_string()),
            MakeReferral => (Permission::MakeReferral, "referral", "new".into()),
            RegisterPerson => (
                Permission::WorkWithParticipants,
                "participant",
                "new".into(),
            ),
            FindPeople => (
                Permission::WorkWithParticipants,
                "participant",
                "search".into(),
            ),
            EditDirectory => (
                Permission::EditDirectory,
                "directory_service",
                "edit".into(),
            ),
            ManageDirectory => (Permission::ManageDirectory, "directory", "manage".into()),
            SeeDiary => (
                Permission::WorkWithParticipants,
                "appointment",
                "diary".into(),
            ),
        }
    }
}

impl App {
    /// May this actor go on to do `intent`? Refused (and audited) if not.
    pub async fn may(&self, ctx: &Ctx, intent: Intent) -> Result<()> {
        let (permission, object_type, object_id) = intent.needs();
        let u = Use::read(ctx, permission, object_type).of(object_id);
        self.read(u, async |_, _| Ok(())).await
    }
}
