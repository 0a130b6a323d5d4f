//! The one error type of the use cases. The web layer renders it as an HTML
//! page or RFC 9457 problem details; the CLI prints it.

use linkwork_domain::FieldErrors;
use linkwork_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was wrong: every invalid field, each with its message.
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("{0}")]
    Refused(String),
    #[error("Not found.")]
    NotFound,
    /// Someone else changed the record first, or it clashes with another.
    #[error("{0}")]
    Conflict(String),
    /// A record with this value (`what`, e.g. "site code") already exists.
    #[error("A record with this {0} already exists.")]
    Duplicate(&'static str),
    /// Accepting a referral found records that may be this person: nothing
    /// was written; the caller must link one or say the person is new.
    #[error("This person may already have a record: link it, or say the person is new.")]
    LikelyMatches(Vec<crate::participants::PossibleDuplicate>),
    /// A warning the user may override (such as a clash in the diary):
    /// nothing was written; send again with the named confirmation.
    #[error("{message}")]
    NeedsConfirmation {
        field: &'static str,
        message: String,
    },
    #[error("Too many failed attempts. Wait {minutes} minutes and try again.")]
    TooManyAttempts { minutes: i64 },
    /// What was sent is larger than the service accepts.
    #[error("{0}")]
    TooLarge(String),
    /// The database gave this change up to let another go on (a deadlock or
    /// a serialization failure on PostgreSQL): nothing was written, and
    /// sending it again will most likely work.
    #[error("The service was busy and your change was not saved. Try again.")]
    Busy,
    /// Something broke that the user cannot fix; `id` is logged with the cause.
    #[error("Something went wrong on our side (error id {id}).")]
    Internal { id: String },
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(FieldErrors::single(field, message))
    }

    /// Log an unexpected error with a fresh id and hide its details.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        let id = crate::random::token_hex(6);
        tracing::error!(error_id = %id, error = %cause, "internal error");
        AppError::Internal { id }
    }

    /// A duplicate becomes a message on the field that must be unique.
    pub fn duplicate_on(field: &'static str) -> impl Fn(AppError) -> AppError {
        move |e| match e {
            AppError::Duplicate(_) => AppError::field(field, e.to_string()),
            other => other,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::StaleVersion => AppError::Conflict(
                "Someone else changed this record while you were editing it. Reload it to see their changes, then make yours again."
                    .into(),
            ),
            StoreError::Duplicate(what) => AppError::Duplicate(what),
            e if e.is_contention() => AppError::Busy,
            other => AppError::internal(other),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}
