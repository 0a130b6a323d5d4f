//! Pure types and rules of linkwork: no I/O, no clocks read directly.
//!
//! Input from people and machines is parsed into these types at the edge, so the
//! rest of the program never sees an invalid value.

pub mod appointment;
pub mod clock;
pub mod codes;
pub mod dates;
pub mod directory;
pub mod fields;
pub mod group;
pub mod identifiers;
pub mod matching;
pub mod partnership;
pub mod permission;
pub mod practice;
pub mod referral;
pub mod report;
pub mod role;
pub mod text;
pub mod wellbeing;

pub use clock::{Clock, FakeClock, SystemClock};
pub use fields::{FieldError, FieldErrors};
pub use permission::{Actor, Grant, Permission, Refused, SiteScope};
pub use role::Role;
