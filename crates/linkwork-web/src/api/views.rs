//! The API's response types: the JSON contract, kept apart from the app's
//! (and so the database's) row types. Each is filled field by field from the
//! app's view, so a column can change without changing the API by accident:
//! the compiler points at the one line here that must decide.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An API type with its fields, and how it is made from the app's view of
/// the same thing (each field converted with `Into`).
macro_rules! view {
    ($(#[$m:meta])* $name:ident from $src:path { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Serialize, ToSchema)]
        pub struct $name { $($(#[$fm])* pub $field: $ty),* }

        impl From<$src> for $name {
            fn from(v: $src) -> Self {
                Self { $($field: v.$field.into()),* }
            }
        }
    };
}

/// Convert a list of the app's views, item by item.
pub fn list<T, V: From<T>>(items: Vec<T>) -> Vec<V> {
    items.into_iter().map(V::from).collect()
}

view!(
    /// A GP practice, food bank, partner organisation or other place.
    Site from linkwork_app::org::Site {
    id: i64, code: String, name: String,
    /// `gp_practice`, `food_bank`, `partner_organisation`, `community_venue` or `other`.
    kind: String,
    cluster_id: i64, cluster_name: String, area_id: i64, area_name: String,
    practice_code: Option<String>, list_size: Option<i64>, deep_end: bool,
    address: Option<String>, postcode: Option<String>, phone: Option<String>, active: bool,
    /// Send back with a change: a stale version is refused.
    version: i64, updated_at: DateTime<Utc>,
});

view!(Area from linkwork_app::org::Area {
    id: i64, name: String, version: i64, cluster_count: i64, site_count: i64,
});

view!(Cluster from linkwork_app::org::Cluster {
    id: i64, area_id: i64, area_name: String, name: String, version: i64, site_count: i64,
});

view!(
    /// A member of staff.
    User from linkwork_app::access::users::User {
    id: i64, programme_id: i64, email: String, name: String,
    /// `administrator`, `manager`, `link-worker`, `practice-staff` or `partner`.
    role: String,
    disabled_at: Option<DateTime<Utc>>, version: i64, created_at: DateTime<Utc>,
    /// For partner users: the directory organisation they work for.
    organization_id: Option<i64>,
});

view!(SiteRef from linkwork_app::access::users::SiteRef { id: i64, code: String, name: String });

/// A member of staff and the sites they work at.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: User,
    pub sites: Vec<SiteRef>,
}

impl From<linkwork_app::access::users::UserDetail> for UserDetail {
    fn from(v: linkwork_app::access::users::UserDetail) -> Self {
        Self {
            user: v.user.into(),
            sites: list(v.sites),
        }
    }
}

view!(
    /// One audit event.
    Event from linkwork_app::audit::Event {
    id: i64, chain_id: i64, seq: i64, at: DateTime<Utc>, programme_id: Option<i64>,
    actor_user_id: Option<i64>, actor: String, action: String, object_type: String,
    object_id: String, request_id: String,
    /// `success`, `refused` or `failed`.
    outcome: String,
    detail: String, prev_hash: String, hash: String,
});

view!(
    /// What verifying the audit trail found.
    Verification from linkwork_app::audit::Verification {
    chains: i64, events: i64,
    /// Empty when the trail is whole.
    problems: Vec<String>,
    /// Repairs the service made itself, each on the record.
    notices: Vec<String>,
});

view!(
    /// A person supported by the programme.
    Participant from linkwork_app::participants::Participant {
    id: i64, site_id: i64, site_name: String, given_name: String, family_name: String,
    preferred_name: Option<String>, date_of_birth: NaiveDate, chi_number: Option<String>,
    nhs_number: Option<String>, sex: Option<String>, phone: Option<String>, email: Option<String>,
    address: Option<String>, postcode: Option<String>, preferred_contact: Option<String>,
    contact_times: Option<String>, language: Option<String>, interpreter_needed: bool,
    accessibility_needs: Option<String>, emergency_contact: Option<String>, version: i64,
    created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    /// Set when this record was merged into another (it is then read-only).
    merged_into: Option<i64>,
});

view!(
    /// A referral to the programme.
    Referral from linkwork_app::referrals::Referral {
    id: i64, site_id: i64, site_name: String, participant_id: Option<i64>, person_name: String,
    person_date_of_birth: Option<NaiveDate>, person_chi_number: Option<String>,
    person_phone: Option<String>, source: String, referrer: Option<String>, received_on: NaiveDate,
    urgency: String, reasons: Vec<String>, details: Option<String>, status: String,
    link_worker_id: Option<i64>, link_worker_name: Option<String>, decline_reason: Option<String>,
    closure_reason: Option<String>, closed_on: Option<NaiveDate>, snomed_code: String,
    /// Whether the person agreed to be referred (`null`: not recorded).
    person_agreed: Option<bool>,
    /// When the person was first reached (dates only are shown to practices).
    contacted_at: Option<DateTime<Utc>>,
    /// When the person first came to an appointment.
    first_seen_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
});

view!(ContactAttempt from linkwork_app::referrals::ContactAttempt {
    id: i64, referral_id: i64, at: DateTime<Utc>, method: String, outcome: String, note: Option<String>,
    user_name: Option<String>,
});

/// A referral with its contact attempts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferralDetail {
    #[serde(flatten)]
    pub referral: Referral,
    pub contact_attempts: Vec<ContactAttempt>,
}

impl From<linkwork_app::referrals::ReferralDetail> for ReferralDetail {
    fn from(v: linkwork_app::referrals::ReferralDetail) -> Self {
        Self {
            referral: v.referral.into(),
            contact_attempts: list(v.contact_attempts),
        }
    }
}

view!(
    /// An appointment with a link worker.
    Appointment from linkwork_app::casework::appointments::Appointment {
    id: i64, referral_id: i64, participant_id: Option<i64>, person_name: String, site_id: i64,
    site_name: String, link_worker_id: Option<i64>, link_worker_name: Option<String>,
    starts_at: DateTime<Utc>, duration_minutes: i64, mode: String, status: String,
    notes: Option<String>, version: i64,
});

view!(Reason from linkwork_app::referrals::reasons::Reason {
    code: String, label: String, position: i64, retired_at: Option<DateTime<Utc>>,
});

view!(
    /// Open referrals of one link worker at one practice.
    Caseload from linkwork_app::referrals::caseloads::Caseload {
    link_worker_id: i64, link_worker_name: String, disabled: bool, site_id: i64,
    site_name: String, open_referrals: i64,
});

view!(
    /// A voucher fund and what is left in it.
    Fund from linkwork_app::casework::support::Fund {
    id: i64, name: String, funder: Option<String>, kind: String, balance_pence: i64,
});

view!(Handover from linkwork_app::casework::support::Handover {
    id: i64, referral_id: i64, person_name: String, from_site_name: String, to_site_name: String,
    from_worker_name: Option<String>, to_worker_id: i64, summary: String, created_at: DateTime<Utc>,
    acknowledged_at: Option<DateTime<Utc>>,
});

view!(Consent from linkwork_app::casework::support::Consent {
    id: i64, kind: String, partner: Option<String>, recorded_by_name: Option<String>,
    recorded_at: DateTime<Utc>, withdrawn_at: Option<DateTime<Utc>>,
});

view!(Voucher from linkwork_app::casework::support::Voucher {
    id: i64, fund_name: String, kind: String, amount_pence: i64, note: Option<String>,
    at: DateTime<Utc>,
});

view!(RiskFlag from linkwork_app::casework::RiskFlag {
    id: i64, kind: String, details: Option<String>, review_on: Option<NaiveDate>,
    raised_by_name: Option<String>, raised_at: DateTime<Utc>, resolved_at: Option<DateTime<Utc>>,
});

view!(SafetyPlan from linkwork_app::casework::SafetyPlan {
    plan: String, written_by_name: Option<String>, written_at: DateTime<Utc>,
});

view!(SafeguardingAction from linkwork_app::casework::SafeguardingAction {
    id: i64, kind: String, taken_on: NaiveDate, agency: String, note: Option<String>,
    recorded_at: DateTime<Utc>,
});

view!(Goal from linkwork_app::casework::Goal {
    id: i64, words: String, status: String, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    last_comment: Option<String>, reviews: i64,
});

view!(OnwardSupport from linkwork_app::casework::OnwardSupport {
    id: i64, kind: String, service: String, contact: Option<String>, when_and_where: Option<String>,
    status: String, outcome: Option<String>,
    /// The partner organisation's reason, when it declined.
    partner_reason: Option<String>,
    /// When the partner organisation last answered, and who answered.
    responded_at: Option<DateTime<Utc>>, responded_by: Option<String>,
    service_id: Option<i64>, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
});

view!(Note from linkwork_app::casework::Note {
    id: i64, participant_id: i64, author_name: Option<String>, restricted: bool, body: String,
    version: i64, created_at: DateTime<Utc>, updated_at: DateTime<Utc>, earlier_versions: i64,
});

view!(NoteVersion from linkwork_app::casework::NoteVersion {
    body: String, restricted: bool, edited_by: Option<String>, replaced_at: DateTime<Utc>,
});

view!(Measure from linkwork_app::casework::Measure {
    id: i64, kind: String, stage: String, taken_on: NaiveDate, answers: String, score: f64,
});

view!(NeedUpdate from linkwork_app::casework::NeedUpdate { status: String, at: DateTime<Utc> });

/// A need on a person's record, with every status it has had.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Need {
    pub id: i64,
    /// A reason code from the programme's list, e.g. `housing`.
    pub need: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every status the need has had, oldest first.
    pub history: Vec<NeedUpdate>,
}

impl From<linkwork_app::casework::Need> for Need {
    fn from(v: linkwork_app::casework::Need) -> Self {
        Self {
            id: v.id,
            need: v.need,
            status: v.status.into(),
            created_at: v.created_at,
            updated_at: v.updated_at,
            history: list(v.history),
        }
    }
}

/// Everything recorded on a person's record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseWork {
    pub risk_flags: Vec<RiskFlag>,
    /// Every version of the safety plan, newest (current) first.
    pub safety_plans: Vec<SafetyPlan>,
    pub safeguarding_actions: Vec<SafeguardingAction>,
    pub needs: Vec<Need>,
    pub goals: Vec<Goal>,
    pub onward_support: Vec<OnwardSupport>,
    pub notes: Vec<Note>,
    pub measures: Vec<Measure>,
    pub consents: Vec<Consent>,
    pub vouchers: Vec<Voucher>,
    /// Appointments of all the person's referrals, in time order.
    pub appointments: Vec<Appointment>,
    /// Contact attempts of all the person's referrals, newest first.
    pub contact_attempts: Vec<ContactAttempt>,
    /// The groups the person is registered with.
    pub groups: Vec<PersonGroup>,
}

view!(
    /// Onward support in a list across people.
    OnwardListed from linkwork_app::casework::OnwardRow {
    id: i64, participant_id: i64, given_name: String, family_name: String,
    /// The practice holding the person's record.
    site: String,
    /// `referral`, `accompanied` or `signposting`.
    kind: String,
    service: String, organization: Option<String>, status: String, created_at: DateTime<Utc>,
});

view!(
    /// A need identified, a goal achieved or a voucher issued, in a list across people.
    RecordedListed from linkwork_app::casework::RecordedRow {
    /// The need's id, the goal's, or the voucher's.
    id: i64, participant_id: i64, given_name: String, family_name: String,
    /// The practice holding the person's record.
    site: String,
    /// The need's code, the goal in the person's words, or the fund.
    what: String,
    /// When the need was recorded, the goal reviewed as achieved, or the
    /// voucher issued.
    at: DateTime<Utc>,
    /// A voucher's value.
    amount_pence: Option<i64>,
});

view!(
    /// A person's baseline and latest wellbeing score of one kind.
    WellbeingChange from linkwork_app::casework::ChangedRow {
    participant_id: i64, given_name: String, family_name: String,
    /// The practice holding the person's record.
    site: String,
    /// `swemwbs` (metric score) or `ons4` (life satisfaction).
    kind: String,
    base_score: f64, base_on: NaiveDate, score: f64, taken_on: NaiveDate,
});

view!(
    /// A case handed from one practice or link worker to another.
    HandoverMade from linkwork_app::casework::HandedRow {
    id: i64, referral_id: i64,
    /// The person's record, once the referral is linked to one.
    participant_id: Option<i64>,
    person_name: String, from_site: String, to_site: String,
    from_worker: Option<String>, to_worker: String, created_at: DateTime<Utc>,
    acknowledged_at: Option<DateTime<Utc>>,
    /// The case is at a practice the caller may see now.
    open_here: bool,
});

view!(
    /// A practice development activity in a list across practices.
    PracticeActivityListed from linkwork_app::practice::ActivityListed {
    id: i64, site_id: i64,
    /// The practice's name.
    site: String,
    /// See the `kind` of an activity.
    kind: String,
    held_on: NaiveDate, staff: Option<String>, attending: Option<i64>,
    /// Who recorded it.
    recorded_by: Option<String>,
});

view!(
    /// A group a person is registered with, and how often they came.
    PersonGroup from linkwork_app::groups::PersonGroup {
    group_id: i64, name: String,
    /// See the `kind` of a group.
    kind: String,
    joined_on: NaiveDate, completed_on: Option<NaiveDate>,
    /// Sessions they attended.
    attended: i64, last_attended: Option<NaiveDate>,
});

impl From<linkwork_app::casework::CaseWork> for CaseWork {
    fn from(v: linkwork_app::casework::CaseWork) -> Self {
        Self {
            risk_flags: list(v.risk_flags),
            safety_plans: list(v.safety_plans),
            safeguarding_actions: list(v.safeguarding_actions),
            needs: list(v.needs),
            goals: list(v.goals),
            onward_support: list(v.onward_support),
            notes: list(v.notes),
            measures: list(v.measures),
            consents: list(v.consents),
            vouchers: list(v.vouchers),
            appointments: list(v.appointments),
            contact_attempts: list(v.contact_attempts),
            groups: list(v.groups),
        }
    }
}

view!(
    /// A group, course or event.
    Group from linkwork_app::groups::GroupRow {
    id: i64, name: String,
    /// `health_walk`, `course`, `exercise`, `peer_support`, `activity`, `event`, `hosted_service` or `other`.
    kind: String,
    description: Option<String>, venue: Option<String>,
    /// Support given in kind, e.g. a hall given free.
    in_kind: Option<String>,
    partners: Option<String>, facilitators: Option<String>, schedule: Option<String>,
    risk_assessment: Option<String>,
    /// The practice hosting it (a partner's service held at a practice).
    site_id: Option<i64>, site_name: Option<String>,
    /// The directory organisation running it.
    organization_id: Option<i64>, organization_name: Option<String>,
    /// Where it meets, as a directory location, and that place in words.
    location_id: Option<i64>, location: Option<String>,
    /// The directory service listing it, once listed.
    service_id: Option<i64>,
    /// The risk assessment file's name, when one is kept.
    file_name: Option<String>,
    /// `false` once the group has ended.
    active: bool,
    /// People registered (all, counted).
    members: i64,
    sessions: i64, last_held_on: Option<chrono::NaiveDate>, created_at: chrono::DateTime<chrono::Utc>,
});

view!(
    /// A directory organisation a group is run with.
    GroupPartner from linkwork_app::groups::PartnerOrg {
    organization_id: i64, name: String,
});

view!(
    /// Feedback on a course or group as a whole.
    GroupFeedback from linkwork_app::groups::FeedbackRow {
    id: i64, given_on: chrono::NaiveDate, feedback: String, recorded_by: Option<String>,
});

view!(
    /// A registered member whose record the caller may see.
    GroupMember from linkwork_app::groups::MemberRow {
    participant_id: i64, name: String, joined_on: chrono::NaiveDate,
    completed_on: Option<chrono::NaiveDate>,
    /// Sessions of this group they came to.
    attended: i64,
});

view!(
    /// A session of a group.
    GroupSession from linkwork_app::groups::SessionRow {
    id: i64, held_on: chrono::NaiveDate,
    /// Registered people who came (all, counted).
    registered: i64,
    /// Others who came.
    others: i64,
    feedback: Option<String>, recorded_by: Option<String>,
});

view!(
    /// An agreement with a partner organisation.
    Agreement from linkwork_app::partnership::AgreementRow {
    id: i64, what: String, starts_on: NaiveDate, ends_on: Option<NaiveDate>,
    /// `none`, `received` (the programme is paid) or `given` (the programme pays).
    funding: String,
    amount_pence: Option<i64>, notes: Option<String>, recorded_by: Option<String>, created_at: DateTime<Utc>,
});

view!(
    /// A voucher fund a partner funds, and what it has given out.
    PartnerFund from linkwork_app::partnership::PartnerFund {
    fund_id: i64, name: String,
    /// `food` or `energy`.
    kind: String,
    balance_pence: i64,
    /// Vouchers issued from it.
    vouchers: i64,
    issued_pence: i64,
});
