//! Persistence for linkwork: one query layer over embedded SQLite and PostgreSQL.
//!
//! Every query is written once, in SQL both dialects accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`, `TRUE`/`FALSE`). The [`on_tx!`] macro runs the
//! same tokens against whichever backend the URL chose. Everything that differs
//! between the two lives in [`dialect`] and the two migration folders.

pub mod appointments;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod caseloads;
pub mod casework;
pub mod db;
pub mod dialect;
pub mod directory;
pub mod group;
pub mod groups;
pub mod jobs;
pub mod migrate;
pub mod org;
pub mod participants;
pub mod partner;
pub mod partnership;
pub mod practice;
pub mod query;
pub mod readers;
pub mod reasons;
pub mod referrals;
pub mod reports;
pub mod support;
pub mod users;
pub mod value;

pub use db::{Backend, Db, StoreError, Tx};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A write's own check that it was handed a grant for what it does: a grant
/// for one permission never unlocks another's writes.
pub(crate) fn require(
    grant: &linkwork_domain::Grant,
    permissions: &[linkwork_domain::Permission],
) -> Result<()> {
    if grant.is_for(permissions) {
        Ok(())
    } else {
        Err(StoreError::WrongGrant {
            held: grant.permission(),
        })
    }
}
