//! Signing in and out, one's own account (password, tokens, calendar feed),
//! and the staff pages administrators use.

pub mod account;
pub mod auth;
pub mod users;
