//! The one permission policy shared by the web pages, the API and the CLI.
//!
//! Code that changes protected data must hold a [`Grant`], and the only way to
//! get one is [`Actor::authorize`]. A grant carries the programme it was given
//! for, so the store scopes every write by it. List queries take a
//! [`SiteScope`], which narrows them inside SQL.

use crate::role::Role;
use serde::Serialize;

/// Who is acting: a signed-in user (web session, API token) or the operator at
/// the command line ([`Actor::system`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub programme_id: i64,
    pub role: Role,
    pub name: String,
    pub email: String,
    /// Sites the user is assigned to.
    pub site_ids: Vec<i64>,
}

/// What someone may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create and edit areas, clusters and sites; import sites.
    ManageOrganisation,
    /// Add, edit and disable users; assign them to sites.
    ManageUsers,
    /// See the list of staff in the programme.
    ViewUsers,
    /// Read and verify the audit trail.
    ViewAudit,
    /// See one site (and what hangs off it).
    ViewSite(i64),
    /// Find, read and record the participants (people supported) of the
    /// actor's participant scope.
    WorkWithParticipants,
    /// Refer someone to the programme, and follow the referral's status.
    MakeReferral,
    /// Set up voucher funds and top them up.
    ManageFunds,
    /// Add, rename and retire the reasons for referral (and needs).
    ManageReasons,
    /// Merge two records of one person, and move a link worker's caseload
    /// to others.
    ManageCaseloads,
}

impl Permission {
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ManageOrganisation => "manage the organisation",
            Permission::ManageUsers => "manage users",
            Permission::ViewUsers => "see the list of users",
            Permission::ViewAudit => "read the audit trail",
            Permission::ViewSite(_) => "see this site",
            Permission::WorkWithParticipants => "see people's records",
            Permission::MakeReferral => "make or follow referrals",
            Permission::ManageFunds => "manage voucher funds",
            Permission::ManageReasons => "change the list of reasons for referral",
            Permission::ManageCaseloads => "merge records or move caseloads",
        }
    }
}

/// Proof that an actor was allowed a permission within one programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    programme_id: i64,
    user_id: i64,
    permission: Permission,
}

impl Grant {
    pub fn programme_id(&self) -> i64 {
        self.programme_id
    }
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    pub fn permission(&self) -> Permission {
        self.permission
    }
}

/// A refusal, carrying what was refused (for the audit trail and the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("You do not have permission to {}.", .0.describe())]
pub struct Refused(pub Permission);

/// How far a list of sites (and later, of anything held at sites) reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteScope {
    /// Every site of the programme.
    Programme { programme_id: i64 },
    /// Only the sites this user is assigned to.
    AssignedTo { programme_id: i64, user_id: i64 },
}

impl SiteScope {
    pub fn programme_id(self) -> i64 {
        match self {
            SiteScope::Programme { programme_id } | SiteScope::AssignedTo { programme_id, .. } => {
                programme_id
            }
        }
    }
    /// `(programme_id, whole_programme, user_id)`, the three parameters of the
    /// scope clause the store writes into its queries.
    pub fn params(self) -> (i64, bool, i64) {
        match self {
            SiteScope::Programme { programme_id } => (programme_id, true, 0),
            SiteScope::AssignedTo {
                programme_id,
                user_id,
            } => (programme_id, false, user_id),
        }
    }
}

impl Actor {
    /// The policy: does this actor hold `permission`?
    pub fn can(&self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            ManageOrganisation | ManageUsers | ViewAudit => self.role == Administrator,
            ViewUsers => matches!(self.role, Administrator | Manager),
            ViewSite(site_id) => {
                self.role.sees_whole_programme() || self.site_ids.contains(&site_id)
            }
            WorkWithParticipants => matches!(self.role, Manager | LinkWorker),
            MakeReferral => matches!(self.role, Manager | LinkWorker | PracticeStaff),
            ManageFunds | ManageCaseloads => self.role == Manager,
            ManageReasons => matches!(self.role, Administrator | Manager),
        }
    }

    /// Check and hand out proof of the permission.
    pub fn authorize(&self, permission: Permission) -> Result<Grant, Refused> {
        if self.can(permission) {
            Ok(Grant {
                programme_id: self.programme_id,
                user_id: self.user_id,
                permission,
            })
        } else {
            Err(Refused(permission))
        }
    }

    /// Whose records this actor may read: managers the whole programme's, link
    /// workers those registered at their sites, nobody else any (practice staff
    /// see the status of their referrals, never the case record).
    pub fn participant_scope(&self) -> Option<SiteScope> {
        match self.role {
            Role::Manager => Some(SiteScope::Programme {
                programme_id: self.programme_id,
            }),
            Role::LinkWorker => Some(SiteScope::AssignedTo {
                programme_id: self.programme_id,
                user_id: self.user_id,
            }),
            _ => None,
        }
    }

    /// Whose referrals this actor may follow: as for people's records, plus
    /// practice staff for their own practices (status only, never case work).
    pub fn referral_scope(&self) -> Option<SiteScope> {
        match self.role {
            Role::PracticeStaff => Some(SiteScope::AssignedTo {
                programme_id: self.programme_id,
                user_id: self.user_id,
            }),
            _ => self.participant_scope(),
        }
    }

    pub fn site_scope(&self) -> SiteScope {
        if self.role.sees_whole_programme() {
            SiteScope::Programme {
                programme_id: self.programme_id,
            }
        } else {
            SiteScope::AssignedTo {
                programme_id: self.programme_id,
                user_id: self.user_id,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 7,
            programme_id: 1,
            role,
            name: "Test".into(),
            email: "t@example.org".into(),
            site_ids: vec![10],
        }
    }

    #[test]
    fn only_administrators_manage() {
        for role in Role::ALL {
            let a = actor(role);
            assert_eq!(
                a.can(Permission::ManageOrganisation),
                role == Role::Administrator
            );
            assert_eq!(a.can(Permission::ManageUsers), role == Role::Administrator);
            assert_eq!(a.can(Permission::ViewAudit), role == Role::Administrator);
        }
    }

    #[test]
    fn site_visibility_follows_assignment() {
        assert!(actor(Role::LinkWorker).can(Permission::ViewSite(10)));
        assert!(!actor(Role::LinkWorker).can(Permission::ViewSite(11)));
        assert!(!actor(Role::Partner).can(Permission::ViewSite(11)));
        assert!(actor(Role::Manager).can(Permission::ViewSite(11)));
        assert_eq!(
            actor(Role::PracticeStaff).site_scope(),
            SiteScope::AssignedTo {
                programme_id: 1,
                user_id: 7
            }
        );
    }

    #[test]
    fn only_link_workers_and_managers_read_peoples_records() {
        for role in Role::ALL {
            let a = actor(role);
            assert_eq!(
                a.can(Permission::WorkWithParticipants),
                matches!(role, Role::Manager | Role::LinkWorker)
            );
            assert_eq!(
                a.participant_scope().is_some(),
                a.can(Permission::WorkWithParticipants)
            );
        }
    }

    #[test]
    fn managers_shape_the_programme_s_casework() {
        for role in Role::ALL {
            let a = actor(role);
            assert_eq!(a.can(Permission::ManageCaseloads), role == Role::Manager);
            assert_eq!(
                a.can(Permission::ManageReasons),
                matches!(role, Role::Manager | Role::Administrator)
            );
        }
    }

    #[test]
    fn grants_carry_the_programme() {
        let g = actor(Role::Administrator).authorize(Permission::ManageUsers);
        assert_eq!(g.map(|g| g.programme_id()), Ok(1));
        let r = actor(Role::Manager).authorize(Permission::ManageUsers);
        assert_eq!(r, Err(Refused(Permission::ManageUsers)));
    }
}
