//! The five roles of a linkwork user.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Administrator,
    Manager,
    LinkWorker,
    PracticeStaff,
    Partner,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Administrator,
        Role::Manager,
        Role::LinkWorker,
        Role::PracticeStaff,
        Role::Partner,
    ];

    /// The stable code used on the command line, in the database and in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Manager => "manager",
            Role::LinkWorker => "link-worker",
            Role::PracticeStaff => "practice-staff",
            Role::Partner => "partner",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Manager => "Manager",
            Role::LinkWorker => "Link worker",
            Role::PracticeStaff => "Practice staff",
            Role::Partner => "Partner organisation",
        }
    }

    /// The role as a sentence says it: "signed in as a member of practice staff".
    pub fn as_person(self) -> &'static str {
        match self {
            Role::Administrator => "an administrator",
            Role::Manager => "a manager",
            Role::LinkWorker => "a link worker",
            Role::PracticeStaff => "a member of practice staff",
            Role::Partner => "someone from a partner organisation",
        }
    }

    pub fn parse(s: &str) -> Result<Role, String> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Role::ALL
            .into_iter()
            .find(|r| r.code() == norm)
            .ok_or_else(|| {
                format!(
                    "Choose a role: one of {}",
                    Role::ALL.map(|r| r.code()).join(", ")
                )
            })
    }

    /// Roles whose users see every site of their programme.
    pub fn sees_whole_programme(self) -> bool {
        matches!(self, Role::Administrator | Role::Manager)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(r));
        }
        assert_eq!(Role::parse("Link Worker"), Ok(Role::LinkWorker));
        assert!(Role::parse("superuser").is_err());
    }
}
