//! The lifecycle of a referral (an episode of support).
//!
//! received → allocated → contacted → engaged → closed, with triage able to
//! decline a received referral. **The door is always open**: a closed or
//! declined referral can be reopened, and nothing closes a case by itself.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Where every referral starts.
    #[default]
    Received,
    Allocated,
    Contacted,
    Engaged,
    Declined,
    Closed,
}

impl TryFrom<String> for ReferralStatus {
    type Error = crate::codes::UnknownCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_code(&s)
    }
}

impl From<ReferralStatus> for String {
    fn from(v: ReferralStatus) -> String {
        v.code().to_owned()
    }
}

crate::codes!(
    /// Where a need stands.
    NeedStatus, "need status" {
    Identified = "identified": "Identified",
    BeingAddressed = "being_addressed": "Being addressed",
    Resolved = "resolved": "Resolved",
    Unresolved = "unresolved": "Unresolved",
});

crate::codes!(
    /// How a goal in the person's own words is going.
    GoalStatus, "goal status" {
    WorkingOn = "working_on": "Working on it",
    SomeProgress = "some_progress": "Some progress",
    Achieved = "achieved": "Achieved",
    SetAside = "set_aside": "Set aside for now",
});

crate::codes!(
    /// Where onward support (a referral or signposting to a service) stands.
    OnwardStatus, "onward support status" {
    Suggested = "suggested": "Suggested",
    Referred = "referred": "Referred",
    Accepted = "accepted": "Accepted by the service",
    Attended = "attended": "Attended",
    Declined = "declined": "Declined",
    NoResponse = "no_response": "No response",
    SupportGiven = "support_given": "Support given",
    Closed = "closed": "Closed by the service",
});

/// Why a referral was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    GoalsMet,
    ChoseToStop,
    NoContactAfterAttempts,
    MovedOrHandedOver,
    NotAppropriate,
    Died,
    Other,
}

/// Something that happens to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Accept,
    Decline,
    Allocate,
    /// A contact attempt that reached the person.
    Contact,
    /// The first attended appointment.
    Attend,
    Close(ClosureReason),
    Reopen,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 6] = [
        ReferralStatus::Received,
        ReferralStatus::Allocated,
        ReferralStatus::Contacted,
        ReferralStatus::Engaged,
        ReferralStatus::Declined,
        ReferralStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReferralStatus::Received => "received",
            ReferralStatus::Allocated => "allocated",
            ReferralStatus::Contacted => "contacted",
            ReferralStatus::Engaged => "engaged",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReferralStatus::Received => "Received",
            ReferralStatus::Allocated => "Allocated",
            ReferralStatus::Contacted => "Contacted",
            ReferralStatus::Engaged => "Engaged",
            ReferralStatus::Declined => "Declined at triage",
            ReferralStatus::Closed => "Closed",
        }
    }

    pub fn parse(s: &str) -> Option<ReferralStatus> {
        ReferralStatus::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The status read from the database or a request: unknown text is an error.
    pub fn from_code(s: &str) -> Result<ReferralStatus, crate::codes::UnknownCode> {
        Self::parse(s).ok_or_else(|| crate::codes::UnknownCode {
            what: "referral status",
            code: s.to_owned(),
        })
    }

    pub fn is_open(self) -> bool {
        !matches!(self, ReferralStatus::Declined | ReferralStatus::Closed)
    }

    /// The status after `event`, or why it cannot happen.
    pub fn apply(self, event: Event) -> Result<ReferralStatus, String> {
        use Event::*;
        use ReferralStatus::*;
        match (self, event) {
            (Received, Accept) => Ok(Received),
            (Received, Decline) => Ok(Declined),
            (Received | Allocated | Contacted | Engaged, Allocate) => {
                Ok(if self == Received { Allocated } else { self })
            }
            (Allocated, Contact) => Ok(Contacted),
            (Contacted | Engaged, Contact) => Ok(self),
            (Allocated | Contacted, Attend) => Ok(Engaged),
            (Engaged, Attend) => Ok(Engaged),
            (Received | Allocated | Contacted | Engaged, Close(_)) => Ok(Closed),
            (Closed | Declined, Reopen) => Ok(Allocated),
            (Closed | Declined, _) => Err("This referral is closed: reopen it first".into()),
            (Received, Contact | Attend) => {
                Err("Allocate the referral to a link worker first".into())
            }
            (_, Decline) => Err("Only a new referral can be declined at triage".into()),
            (_, Reopen) => Err("This referral is already open".into()),
            (_, Accept) => Err("This referral has already been accepted".into()),
        }
    }
}

impl ClosureReason {
    pub const ALL: [ClosureReason; 7] = [
        ClosureReason::GoalsMet,
        ClosureReason::ChoseToStop,
        ClosureReason::NoContactAfterAttempts,
        ClosureReason::MovedOrHandedOver,
        ClosureReason::NotAppropriate,
        ClosureReason::Died,
        ClosureReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClosureReason::GoalsMet => "goals_met",
            ClosureReason::ChoseToStop => "chose_to_stop",
            ClosureReason::NoContactAfterAttempts => "no_contact_after_attempts",
            ClosureReason::MovedOrHandedOver => "moved_or_handed_over",
            ClosureReason::NotAppropriate => "not_appropriate",
            ClosureReason::Died => "died",
            ClosureReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClosureReason::GoalsMet => "Goals met",
            ClosureReason::ChoseToStop => "Chose to stop",
            ClosureReason::NoContactAfterAttempts => "No contact after several attempts",
            ClosureReason::MovedOrHandedOver => "Moved or handed over",
            ClosureReason::NotAppropriate => "Not appropriate",
            ClosureReason::Died => "Died",
            ClosureReason::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Option<ClosureReason> {
        ClosureReason::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// SNOMED CT: referral to social prescribing service.
pub const SNOMED_REFERRAL: &str = "871731000000106";
/// SNOMED CT: social prescribing declined.
pub const SNOMED_DECLINED: &str = "871711000000103";

/// Where a referral came from.
pub const SOURCES: [(&str, &str); 6] = [
    ("gp", "GP"),
    ("nurse_anp", "Nurse or advanced nurse practitioner"),
    ("practice_staff", "Practice manager or reception"),
    ("self", "Self-referral"),
    ("food_bank", "Food bank"),
    ("other_agency", "Another agency"),
];

pub const URGENCIES: [(&str, &str); 3] = [
    ("routine", "Routine"),
    ("soon", "Soon (within a week)"),
    ("urgent", "Urgent (within two working days)"),
];

/// The reasons for referral, seeded from the programme's taxonomy.
pub const REASONS: [(&str, &str); 17] = [
    ("mental_health", "Mental health"),
    ("loneliness", "Loneliness or isolation"),
    ("housing", "Housing"),
    ("money", "Money, debt or benefits"),
    ("food", "Food"),
    ("fuel", "Fuel or energy"),
    ("bereavement", "Bereavement"),
    ("addiction", "Addiction"),
    ("abuse", "Abuse or violence"),
    ("caring", "Caring"),
    ("employment", "Employment or learning"),
    ("physical_activity", "Physical activity"),
    ("long_term_condition", "Long-term condition"),
    ("immigration", "Immigration or asylum"),
    ("legal", "Legal"),
    ("family", "Family or parenting"),
    ("other", "Other"),
];

pub const CONTACT_METHODS: [(&str, &str); 4] = [
    ("phone", "Phone"),
    ("text", "Text message"),
    ("letter", "Letter"),
    ("in_person", "In person"),
];

pub const CONTACT_OUTCOMES: [(&str, &str); 4] = [
    ("reached", "Spoke with them"),
    ("no_answer", "No answer"),
    ("left_message", "Left a message"),
    ("wrong_number", "Wrong number or address"),
];

/// The label of a code in one of these lists.
pub fn label_of(list: &[(&'static str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("Other")
}

pub const RISK_KINDS: [(&str, &str); 5] = [
    ("suicide_self_harm", "Suicide or self-harm"),
    ("adult_protection", "Adult protection"),
    ("child_protection", "Child protection"),
    ("domestic_abuse", "Domestic abuse"),
    ("other", "Other risk"),
];

pub const MEASURE_STAGES: [(&str, &str); 3] = [
    ("baseline", "Baseline"),
    ("review", "Review"),
    ("exit", "Exit"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use Event::*;
    use ReferralStatus::*;

    #[test]
    fn the_usual_journey() {
        let s = Received
            .apply(Allocate)
            .and_then(|s| s.apply(Contact))
            .and_then(|s| s.apply(Attend));
        assert_eq!(s, Ok(Engaged));
        assert_eq!(Engaged.apply(Close(ClosureReason::GoalsMet)), Ok(Closed));
    }

    #[test]
    fn the_door_is_always_open() {
        assert_eq!(Closed.apply(Reopen), Ok(Allocated));
        assert_eq!(Declined.apply(Reopen), Ok(Allocated));
        assert!(Closed.apply(Contact).is_err());
        // A missed appointment or months of silence never close a case by themselves:
        // only an explicit Close does.
        for s in [Allocated, Contacted, Engaged] {
            assert!(s.is_open());
            assert_eq!(s.apply(Contact).map(|x| x.is_open()), Ok(true));
        }
    }

    #[test]
    fn triage() {
        assert_eq!(Received.apply(Decline), Ok(Declined));
        assert!(Engaged.apply(Decline).is_err());
        assert!(Received.apply(Attend).is_err());
        assert_eq!(
            Engaged.apply(Allocate),
            Ok(Engaged),
            "reallocation keeps the stage"
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in ReferralStatus::ALL {
            assert_eq!(ReferralStatus::parse(s.code()), Some(s));
        }
        for r in ClosureReason::ALL {
            assert_eq!(ClosureReason::parse(r.code()), Some(r));
        }
    }
}
