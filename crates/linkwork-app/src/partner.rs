//! The partner's side of the loop (issue 11): a partner organisation's staff
//! see the onward referrals sent to their organisation's services, with no
//! more of the person than the person agreed to share, and answer them:
//! accept, decline with a reason, record what happened. The link worker
//! sees the answer on the person's record and on their home page.
//!
//! Every read here shows personal data, so each is audited as a view; every
//! answer is audited as a change.

use crate::gate::Use;
use crate::{App, Ctx, Result};
use chrono::{DateTime, Utc};
use linkwork_domain::referral::OnwardStatus;
use linkwork_domain::{FieldErrors, Permission, text};
pub use linkwork_store::partner::PartnerReply;
use linkwork_store::partner::{self as store, InboxFilter, InboxRow};
use serde::{Deserialize, Serialize};

/// What a partner may say about an onward referral sent to them.
pub const PARTNER_ANSWERS: [OnwardStatus; 5] = [
    OnwardStatus::Accepted,
    OnwardStatus::Declined,
    OnwardStatus::Attended,
    OnwardStatus::SupportGiven,
    OnwardStatus::Closed,
];

/// Which of a partner's referrals to list: `new` (sent, not yet answered),
/// `open` (accepted or attended), `done` (declined, support given, closed)
/// or `all`.
pub const INBOX_VIEWS: [(&str, &str); 4] = [
    ("new", "New"),
    ("open", "Accepted, in progress"),
    ("done", "Declined or closed"),
    ("all", "All"),
];

fn statuses_of(view: &str) -> Vec<String> {
    let codes: &[&str] = match view {
        "new" => &["referred", "no_response"],
        "open" => &["accepted", "attended"],
        "done" => &["declined", "support_given", "closed"],
        _ => &[],
    };
    codes.iter().map(|s| (*s).to_owned()).collect()
}

/// An onward referral as the partner sees it: the person's name and
/// contact details only if they agreed to share them with this
/// organisation; otherwise their initials and how to reach them through
/// their link worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerReferral {
    pub id: i64,
    pub kind: String,
    pub service_id: i64,
    pub service_name: String,
    pub status: OnwardStatus,
    pub when_and_where: Option<String>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Did the person agree to share their details with this organisation?
    pub shared: bool,
    /// Full name when shared, initials otherwise.
    pub person: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// How to get in touch about this referral: always through the link
    /// worker who sent it.
    pub contact_via: String,
}

/// The minimum a partner sees of a person: the rule, kept in one place.
pub fn minimise(r: InboxRow) -> PartnerReferral {
    let shared = r.shared == 1;
    let person = if shared {
        let given = r.preferred_name.as_deref().unwrap_or(&r.given_name);
        format!("{given} {}", r.family_name)
    } else {
        [&r.given_name, &r.family_name]
            .iter()
            .filter_map(|n| n.trim().chars().next())
            .map(|c| format!("{}.", c.to_uppercase()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let contact_via = match (&r.referrer_name, &r.referrer_email) {
        (Some(n), Some(e)) => format!(
            "{n}, link worker{}, {e}",
            r.practice_name
                .as_deref()
                .map(|p| format!(" at {p}"))
                .unwrap_or_default()
        ),
        _ => "The link worker at the person's practice".to_owned(),
    };
    PartnerReferral {
        id: r.id,
        kind: r.kind,
        service_id: r.service_id,
        service_name: r.service_name,
        status: r.status,
        when_and_where: r.when_and_where,
        outcome: r.outcome,
        reason: r.partner_reason,
        sent_at: r.sent_at,
        answered_at: r.responded_at,
        shared,
        person,
        phone: if shared { r.phone } else { None },
        email: if shared { r.email } else { None },
        contact_via,
    }
}

/// A partner's referrals page: their organisation (none: they see nothing),
/// one page of referrals, the total, and counts by view.
#[derive(Debug, Clone)]
pub struct PartnerInbox {
    pub organization: Option<(i64, String)>,
    pub items: Vec<PartnerReferral>,
    pub total: i64,
    /// `(view, count)` for `new`, `open`, `done`, `all`.
    pub counts: Vec<(&'static str, i64)>,
}

/// A partner's answer as typed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct AnswerInput {
    /// `accepted`, `declined`, `attended`, `support_given` or `closed`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub status: String,
    /// Why it was declined (needed when declining).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub reason: String,
    /// What happened, in plain words (optional).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub outcome: String,
}

struct Answer {
    status: &'static str,
    reason: Option<String>,
    outcome: Option<String>,
}

fn parse_answer(input: &AnswerInput) -> std::result::Result<Answer, FieldErrors> {
    let mut e = FieldErrors::new();
    let status = OnwardStatus::parse(&input.status).filter(|s| PARTNER_ANSWERS.contains(s));
    if status.is_none() {
        e.add(
            "status",
            "Choose accepted, declined, attended, support given or closed",
        );
    }
    let reason = e
        .check(
            "reason",
            text::optional_text(&input.reason, "the reason", 500),
        )
        .flatten();
    if status == Some(OnwardStatus::Declined) && reason.is_none() && e.for_field("reason").is_none()
    {
        e.add("reason", "Say why you are declining the referral");
    }
    let outcome = e
        .check(
            "outcome",
            text::optional_text(&input.outcome, "what happened", 2000),
        )
        .flatten();
    e.into_result()?;
    Ok(Answer {
        status: status.map(OnwardStatus::code).unwrap_or("accepted"),
        reason,
        outcome,
    })
}

impl App {
    /// The onward referrals sent to the partner's organisation (audited as
    /// a view: names may be on it).
    pub async fn partner_inbox(
        &self,
        ctx: &Ctx,
        view: &str,
        limit: i64,
        offset: i64,
    ) -> Result<PartnerInbox> {
        let view = INBOX_VIEWS
            .iter()
            .find(|(v, _)| *v == view)
            .map_or("new", |(v, _)| *v);
        let u = Use::view(
            ctx,
            Permission::AnswerOnwardReferrals,
            "onward.partner_list",
            "onward",
            view,
        );
        self.run(u, async |tx, g, _| {
            let organization = store::organization_of(tx, g).await?;
            let f = InboxFilter {
                statuses: statuses_of(view),
                limit,
                offset,
            };
            let (rows, total) = store::inbox(tx, g, &f).await?;
            let by_status = store::inbox_counts(tx, g).await?;
            let counts = INBOX_VIEWS
                .iter()
                .map(|(v, _)| {
                    let want = statuses_of(v);
                    let n = by_status
                        .iter()
                        .filter(|(s, _)| want.is_empty() || want.contains(s))
                        .map(|(_, n)| n)
                        .sum();
                    (*v, n)
                })
                .collect();
            Ok(PartnerInbox {
                organization,
                items: rows.into_iter().map(minimise).collect(),
                total,
                counts,
            })
        })
        .await
    }

    /// One onward referral sent to the partner's organisation (audited).
    pub async fn partner_referral(&self, ctx: &Ctx, id: i64) -> Result<PartnerReferral> {
        let u = Use::view(
            ctx,
            Permission::AnswerOnwardReferrals,
            "onward.partner_view",
            "onward",
            id,
        );
        self.run(u, async |tx, g, _| {
            Ok(minimise(store::inbox_item(tx, g, id).await?))
        })
        .await
    }

    /// The partner's answer: accept, decline with a reason, or say what
    /// happened (audited).
    pub async fn answer_onward(&self, ctx: &Ctx, id: i64, input: &AnswerInput) -> Result<()> {
        let a = parse_answer(input)?;
        let now = self.now();
        let u = Use::write(
            ctx,
            Permission::AnswerOnwardReferrals,
            "onward.partner_answer",
            "onward",
            id,
        );
        self.run(u, async |tx, g, ev| {
            store::answer(
                tx,
                g,
                id,
                &store::Answer {
                    status: a.status,
                    reason: a.reason.as_deref(),
                    outcome: a.outcome.as_deref(),
                },
                now,
            )
            .await?;
            ev.detail = a.status.to_owned();
            Ok(())
        })
        .await
    }

    /// Partners' answers in the last two weeks about people in the link
    /// worker's open caseload (for their home page).
    pub async fn partner_replies(&self, ctx: &Ctx) -> Result<Vec<PartnerReply>> {
        if ctx.actor.role != linkwork_domain::Role::LinkWorker {
            return Ok(Vec::new());
        }
        let since = self.now() - chrono::Duration::days(14);
        let u = Use::read(ctx, Permission::WorkWithParticipants, "onward");
        self.read(u, async |tx, g| {
            Ok(store::replies_for_worker(tx, g, g.user_id(), since).await?)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(shared: i64) -> InboxRow {
        InboxRow {
            id: 7,
            kind: "referral".into(),
            service_id: 3,
            service_name: "Food parcels".into(),
            status: OnwardStatus::Referred,
            when_and_where: None,
            outcome: None,
            partner_reason: None,
            sent_at: DateTime::<Utc>::default(),
            responded_at: None,
            given_name: "ada".into(),
            family_name: "Byron".into(),
            preferred_name: None,
            phone: Some("07700 900123".into()),
            email: Some("a@example.org".into()),
            shared,
            referrer_name: Some("A link worker".into()),
            referrer_email: Some("lw@example.org".into()),
            practice_name: Some("Alpha Medical Practice".into()),
        }
    }

    #[test]
    fn without_consent_a_partner_sees_initials_and_the_link_worker_only() {
        let r = minimise(row(0));
        assert_eq!(r.person, "A. B.");
        assert_eq!((r.phone, r.email), (None, None));
        assert!(!r.shared);
        assert_eq!(
            r.contact_via,
            "A link worker, link worker at Alpha Medical Practice, lw@example.org"
        );
    }

    #[test]
    fn with_consent_a_partner_sees_the_name_and_contact_details() {
        let r = minimise(row(1));
        assert_eq!(r.person, "ada Byron");
        assert_eq!(r.phone.as_deref(), Some("07700 900123"));
        assert!(r.shared);
    }

    #[test]
    fn a_decline_needs_a_reason_and_only_partner_answers_are_allowed() {
        let e = parse_answer(&AnswerInput {
            status: "declined".into(),
            ..Default::default()
        })
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>());
        assert_eq!(e, Some(vec!["reason".to_owned()]));
        let e = parse_answer(&AnswerInput {
            status: "suggested".into(),
            ..Default::default()
        })
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>());
        assert_eq!(e, Some(vec!["status".to_owned()]));
        assert!(
            parse_answer(&AnswerInput {
                status: "support_given".into(),
                outcome: "Two food parcels".into(),
                ..Default::default()
            })
            .is_ok()
        );
    }
}
