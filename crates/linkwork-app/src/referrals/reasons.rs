//! The programme's editable list of reasons for referral (used for needs too).

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::{FieldErrors, Permission, text};
pub use linkwork_store::reasons::Reason;
use linkwork_store::reasons::{self as store};
use serde::Deserialize;

/// A new reason, or a change to one.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ReasonInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub label: String,
    /// When changing: `true` takes the reason off the list of choices (old
    /// records keep it); `false` brings it back.
    pub retired: bool,
}

/// The code for a new reason: its label in lower case, words joined by `_`.
pub fn code_for(label: &str) -> String {
    let mut code = String::new();
    for word in label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !code.is_empty() {
            code.push('_');
        }
        code.push_str(&word.to_ascii_lowercase());
        if code.len() >= 40 {
            break;
        }
    }
    if code.is_empty() {
        code.push_str("reason");
    }
    code
}

/// The label of a code in a programme's list ("Other" if unknown).
pub fn label<'a>(reasons: &'a [Reason], code: &str) -> &'a str {
    reasons
        .iter()
        .find(|r| r.code == code)
        .map(|r| r.label.as_str())
        .unwrap_or("Other")
}

/// The reasons still offered as choices, as `(code, label)` pairs.
pub fn choices(reasons: &[Reason]) -> Vec<(String, String)> {
    reasons
        .iter()
        .filter(|r| r.retired_at.is_none())
        .map(|r| (r.code.clone(), r.label.clone()))
        .collect()
}

fn clash(e: linkwork_store::StoreError) -> AppError {
    match e {
        linkwork_store::StoreError::Duplicate(_) => {
            AppError::field("label", "There is already a reason with this name")
        }
        e => e.into(),
    }
}

impl App {
    /// The actor's programme's reasons, retired ones included. Everyone
    /// signed in may read them (practice staff choose them when referring).
    pub async fn reasons(&self, ctx: &Ctx) -> Result<Vec<Reason>> {
        self.read(
            Use::read(ctx, Permission::ViewProgramme, "reason"),
            async |tx, g| Ok(store::list(tx, g).await?),
        )
        .await
    }

    /// The reasons, for someone who may change them (the list's own page).
    pub async fn reasons_to_manage(&self, ctx: &Ctx) -> Result<Vec<Reason>> {
        self.read(
            Use::read(ctx, Permission::ManageReasons, "reason"),
            async |tx, g| Ok(store::list(tx, g).await?),
        )
        .await
    }

    pub async fn add_reason(&self, ctx: &Ctx, input: &ReasonInput) -> Result<String> {
        let u = Use::write(
            ctx,
            Permission::ManageReasons,
            "reason.add",
            "reason",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            let label = text::required_text(&input.label, "the reason", 80)
                .map_err(|m| AppError::field("label", m))?;
            let taken = store::list(tx, g).await?;
            let base = code_for(&label);
            let mut code = base.clone();
            let mut n = 2;
            while taken.iter().any(|r| r.code == code) {
                code = format!("{base}_{n}");
                n += 1;
            }
            if taken.iter().any(|r| r.label.eq_ignore_ascii_case(&label)) {
                return Err(AppError::field(
                    "label",
                    "There is already a reason with this name",
                ));
            }
            store::add(tx, g, &code, &label).await.map_err(clash)?;
            ev.object_id = code.clone();
            ev.detail = label;
            Ok(code)
        })
        .await
    }

    pub async fn change_reason(&self, ctx: &Ctx, code: &str, input: &ReasonInput) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageReasons,
            "reason.change",
            "reason",
            code,
        );
        self.run(u, async |tx, g, ev| {
            let mut e = FieldErrors::new();
            let label = e.check("label", text::required_text(&input.label, "the reason", 80));
            e.into_result()?;
            let label = label.unwrap_or_default();
            let all = store::list(tx, g).await?;
            let Some(old) = all.iter().find(|r| r.code == code) else {
                return Err(AppError::NotFound);
            };
            if all
                .iter()
                .any(|r| r.code != code && r.label.eq_ignore_ascii_case(&label))
            {
                return Err(AppError::field(
                    "label",
                    "There is already a reason with this name",
                ));
            }
            if input.retired
                && all.iter().filter(|r| r.retired_at.is_none()).count() == 1
                && old.retired_at.is_none()
            {
                return Err(AppError::field(
                    "retired",
                    "Keep at least one reason on the list",
                ));
            }
            let retired_at = match (input.retired, old.retired_at) {
                (true, Some(t)) => Some(t),
                (true, None) => Some(self.now()),
                (false, _) => None,
            };
            store::update(tx, g, code, &label, retired_at)
                .await
                .map_err(clash)?;
            ev.detail = format!("{}{}", label, if input.retired { " (retired)" } else { "" });
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_labels() {
        assert_eq!(code_for("Digital inclusion"), "digital_inclusion");
        assert_eq!(code_for("  Cost-of-living: help! "), "cost_of_living_help");
        assert_eq!(code_for("—"), "reason");
    }
}
