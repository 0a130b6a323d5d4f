//! linkwork's use cases. Every operation takes the acting user ([`Ctx`]),
//! checks permission with the one policy in `linkwork-domain`, runs in one
//! transaction, and writes its audit event in that same transaction.

//!
//! One folder per capability: `access` (sign-in, sessions, tokens, staff
//! accounts), `org` (areas, clusters, sites, imports), `participants`
//! (people's records, search, merging), `referrals` (referrals, triage,
//! reasons, caseloads), `casework` (case work on a record, appointments,
//! consent, vouchers, handovers), `audit`. `gate` is the one runner every use
//! case goes through.

pub mod access;
pub mod audit;
pub mod casework;
pub mod directory;
pub mod error;
pub mod gate;
pub mod groups;
pub mod home;
pub mod jobs;
pub mod kept;
pub mod lenient;
pub mod org;
pub mod participants;
pub mod partner;
pub mod partnership;
pub mod practice;
pub mod random;
pub mod referrals;
pub mod reports;

use linkwork_domain::{Actor, Clock, Role};
use linkwork_store::Db;
use std::sync::Arc;

pub use error::AppError;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Settings the use cases need (the web and CLI layers have their own).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sign a session out after this long without a request.
    pub session_idle: chrono::Duration,
    /// Sign a session out this long after sign-in, however active.
    pub session_absolute: chrono::Duration,
    /// Failed sign-ins allowed per account within `throttle_window`.
    pub max_failures_per_account: i64,
    /// Failed sign-ins allowed per client address within `throttle_window`.
    pub max_failures_per_address: i64,
    pub throttle_window: chrono::Duration,
    /// Reports for sharing outside the programme show counts from 1 to
    /// this less one as "<this" (5: "<5").
    pub suppress_below: i64,
    /// How many reports' figures a node keeps, each at the data version it
    /// was counted at (0: none; `LINKWORK_FIGURES_CACHE`).
    pub figures_cache: usize,
    /// How many home pages, and how many record pages, a node keeps, each
    /// at the stamp of what it shows (0: none; `LINKWORK_PAGES_KEPT`).
    pub pages_kept: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: chrono::Duration::minutes(30),
            session_absolute: chrono::Duration::hours(12),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            throttle_window: chrono::Duration::minutes(15),
            suppress_below: 5,
            figures_cache: 200,
            pages_kept: 2_000,
        }
    }
}

/// The application: a database, a clock and settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    /// Private: every access to the data goes through a use case.
    db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// This node's directory search indexes (caught up before each search).
    indexes: Arc<directory::Indexes>,
    /// This node's counted figures (checked against the data version).
    figures: Arc<reports::FiguresCache>,
    /// This node's home pages (checked against the user's stamp).
    pages: Arc<kept::Kept<home::Home>>,
    /// This node's record pages (checked against the record's stamp).
    records: Arc<kept::Kept<casework::RecordPage>>,
    /// Stand-alone audit events (views, refusals, reports), appended in groups.
    queue: Arc<audit::queue::Queue>,
    /// Writes of figures' pieces under way after their report was answered
    /// (awaited by [`App::settle`]).
    keeping: Arc<std::sync::Mutex<Vec<Keeping>>>,
}

/// A write of a report's pieces under way after it was answered.
#[derive(Debug)]
struct Keeping {
    /// The programme, scope and period asked for.
    key: String,
    handle: tokio::task::JoinHandle<()>,
    /// Changes (its sender dropped) when the write is over.
    done: tokio::sync::watch::Receiver<()>,
}

/// Who is acting, and on behalf of which request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub request_id: String,
    /// The stamp of what this user sees, read with their session before
    /// anything else (see `linkwork_store::auth::SessionUser::stamp`): a page
    /// kept in memory at this stamp is as new as the data. `None` (API
    /// tokens, the command line): nothing kept is used.
    pub stamp: Option<i64>,
}

impl Ctx {
    pub fn new(actor: Actor, request_id: impl Into<String>) -> Self {
        Self {
            actor,
            request_id: request_id.into(),
            stamp: None,
        }
    }

    /// This request's [`Ctx::stamp`].
    pub fn with_stamp(mut self, stamp: i64) -> Self {
        self.stamp = Some(stamp);
        self
    }

    /// Anyone at all, reading a programme's public directory feed
    /// (`/openreferral` when configured public): may only read the directory.
    pub fn public(programme_id: i64) -> Self {
        Self {
            actor: Actor {
                user_id: 0,
                programme_id,
                role: Role::Partner,
                name: "Public directory feed".into(),
                email: "public".into(),
                site_ids: Vec::new(),
            },
            request_id: format!("public-{}", random::token_hex(6)),
            stamp: None,
        }
    }

    /// The operator at the command line: an administrator of `programme_id`.
    pub fn operator(programme_id: i64) -> Self {
        Self {
            actor: Actor {
                user_id: 0,
                programme_id,
                role: Role::Administrator,
                name: "Command line operator".into(),
                email: "operator".into(),
                site_ids: Vec::new(),
            },
            request_id: format!("cli-{}", random::token_hex(6)),
            stamp: None,
        }
    }

    /// Start an audit event by this actor.
    pub fn event(
        &self,
        action: &str,
        object_type: &str,
        object_id: impl ToString,
    ) -> linkwork_store::audit::NewEvent {
        linkwork_store::audit::NewEvent {
            programme_id: Some(self.actor.programme_id),
            actor_user_id: (self.actor.user_id != 0).then_some(self.actor.user_id),
            actor: self.actor.email.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.to_string(),
            request_id: self.request_id.clone(),
            outcome: "success".into(),
            detail: String::new(),
        }
    }
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self {
            db,
            clock,
            settings: Arc::new(settings),
            indexes: Arc::default(),
            figures: Arc::default(),
            pages: Arc::default(),
            records: Arc::default(),
            queue: Arc::default(),
            keeping: Arc::default(),
        }
    }

    /// Waits for the figures' pieces still being kept after their reports
    /// were answered (a command that reports, then stops).
    pub async fn settle(&self) {
        let handles = match self.keeping.lock() {
            Ok(mut list) => std::mem::take(&mut *list),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        for k in handles {
            let _ = k.handle.await;
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Does the database answer? (The load balancer's readiness check.)
    pub async fn ready(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    /// The database's schema version.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(linkwork_store::migrate::version(&self.db).await?)
    }

    /// A consistent copy of a live SQLite database to `path`; `false` for
    /// PostgreSQL, whose answer is `pg_dump`.
    pub async fn backup_to(&self, path: &str) -> Result<bool> {
        Ok(linkwork_store::dialect::backup_to(&self.db, path).await?)
    }

    /// Close the database's connections (at shutdown).
    pub async fn close(&self) {
        self.settle().await;
        self.queue.stop();
        self.db.close().await;
    }

    /// Apply migrations (refusing a database newer than this binary).
    pub async fn migrate(&self) -> Result<linkwork_store::migrate::Outcome> {
        Ok(linkwork_store::migrate::run(&self.db, self.now()).await?)
    }

    /// Check a permission; a refusal is written to the audit trail (in its own
    /// transaction, since nothing else happens) and returned as an error.
    pub(crate) async fn authorize(
        &self,
        ctx: &Ctx,
        permission: linkwork_domain::Permission,
        object_type: &str,
        object_id: impl ToString,
    ) -> Result<linkwork_domain::Grant> {
        match ctx.actor.authorize(permission) {
            Ok(g) => Ok(g),
            Err(refused) => {
                let mut e = ctx.event("access", object_type, object_id);
                e.outcome = "refused".into();
                e.detail = refused.to_string();
                let mut tx = self.db.write().await?;
                linkwork_store::audit::append(&mut tx, &e, self.now()).await?;
                tx.commit().await?;
                Err(AppError::Refused(refused.to_string()))
            }
        }
    }

    /// Audit a refusal that was decided by a scoped query finding nothing.
    pub(crate) async fn audit_refusal(
        &self,
        ctx: &Ctx,
        object_type: &str,
        object_id: impl ToString,
    ) -> Result<()> {
        let mut e = ctx.event("access", object_type, object_id);
        e.outcome = "refused".into();
        e.detail = "not found within what this user may see".into();
        self.append_alone(e).await
    }

    /// Append an event that stands alone (no change goes with it), in a
    /// group with others waiting (see [`audit::queue`]); returns once it
    /// is committed.
    pub(crate) async fn append_alone(&self, e: linkwork_store::audit::NewEvent) -> Result<()> {
        self.queue.append(&self.db, &self.clock, e).await
    }
}
