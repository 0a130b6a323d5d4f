//! Integration tests of linkwork-web, through the real router on a real port,
//! on SQLite and (when `LINKWORK_TEST_POSTGRES_URL` is set) on PostgreSQL.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod access;
mod api;
mod appointments;
mod audit;
mod auth;
mod browser;
mod caseloads;
mod casework;
mod directory;
mod everyday;
mod groups;
mod kept;
mod openreferral;
mod org;
mod participants;
mod partner;
mod partnership;
mod practice;
mod reasons;
mod referrals;
mod reports;
mod safety;
mod support;
mod users;
