//! The one permission policy shared by the web pages, the API and the CLI.
//!
//! Code that reads or changes protected data must hold a [`Grant`], and the
//! only way to get one is [`Actor::authorize`]. A grant carries the
//! permission, the programme it was given for and the [`SiteScope`] it
//! reaches, so the store scopes every query by it and checks that a write's
//! grant is for that write. Neither a grant nor a scope can be built outside
//! this crate:
//!
//! ```compile_fail
//! // A scope made by hand does not compile: its fields are private.
//! let s = linkwork_domain::SiteScope { programme_id: 1, user_id: None };
//! ```
//!
//! ```compile_fail
//! // Nor does a grant.
//! let g = linkwork_domain::Grant {
//!     programme_id: 1,
//!     user_id: 1,
//!     permission: linkwork_domain::Permission::ManageUsers,
//!     scope: todo!(),
//! };
//! ```

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
    /// List the sites one may see: the whole programme for administrators and
    /// managers, one's own sites for everyone else.
    ViewSites,
    /// Find, read and record the participants (people supported) of the
    /// actor's participant scope.
    WorkWithParticipants,
    /// Refer someone to the programme, and follow the referral's status
    /// (practice staff: their practices' referrals; partners: their own).
    MakeReferral,
    /// Set up voucher funds and top them up.
    ManageFunds,
    /// Add, rename and retire the reasons for referral (and needs).
    ManageReasons,
    /// Merge two records of one person, and move a link worker's caseload
    /// to others.
    ManageCaseloads,
    /// Read the programme's shared reference data: its areas, clusters,
    /// reasons for referral, and the list of its practices (to choose one).
    /// Every member of staff of the programme may.
    ViewProgramme,
    /// Search and read the community asset directory, and report a problem
    /// with an entry. Every member of staff of the programme may.
    ViewDirectory,
    /// Add, edit and check directory entries, record visits, resolve
    /// reported problems: the programme's own staff keep it current together.
    EditDirectory,
    /// Import and export the directory, edit its taxonomy, import the
    /// postcode lookup.
    ManageDirectory,
    /// See the programme's figures: managers and administrators for the
    /// whole programme, link workers for their own practices.
    ViewReports,
    /// Record practice development work and use a practice's development
    /// fund: managers for every practice, link workers for their own.
    DevelopPractices,
    /// See the onward referrals sent to one's own organisation's services
    /// and answer them: partner organisations' staff.
    AnswerOnwardReferrals,
    /// Record the programme's agreements with partner organisations.
    ManagePartnerships,
}

impl Permission {
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ManageOrganisation => "manage the organisation",
            Permission::ManageUsers => "manage users",
            Permission::ViewUsers => "see the list of users",
            Permission::ViewAudit => "read the audit trail",
            Permission::ViewSite(_) => "see this site",
            Permission::ViewSites => "see the list of sites",
            Permission::WorkWithParticipants => "see people's records",
            Permission::MakeReferral => "make or follow referrals",
            Permission::ManageFunds => "manage voucher funds",
            Permission::ManageReasons => "change the list of reasons for referral",
            Permission::ManageCaseloads => "merge records or move caseloads",
            Permission::ViewProgramme => "see this programme",
            Permission::ViewDirectory => "see the community directory",
            Permission::EditDirectory => "edit the community directory",
            Permission::ManageDirectory => "import or export the directory and edit its taxonomy",
            Permission::ViewReports => "see the programme's figures",
            Permission::DevelopPractices => "record practice development work",
            Permission::AnswerOnwardReferrals => "see and answer referrals to your organisation",
            Permission::ManagePartnerships => "record agreements with partners",
        }
    }
}

/// Proof that an actor was allowed a permission within one programme, and how
/// far among its sites that permission reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    programme_id: i64,
    user_id: i64,
    permission: Permission,
    scope: SiteScope,
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
    /// The sites (and so the records held at them) this grant reaches.
    pub fn scope(&self) -> SiteScope {
        self.scope
    }
    /// Is this a grant of one of `permissions`? (The store asks before a write.)
    pub fn is_for(&self, permissions: &[Permission]) -> bool {
        permissions.iter().any(|p| match (p, self.permission) {
            (Permission::ViewSite(_), Permission::ViewSite(_)) => true,
            (p, q) => *p == q,
        })
    }
}

/// A refusal, carrying what was refused (for the audit trail and the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("You do not have permission to {}.", .0.describe())]
pub struct Refused(pub Permission);

/// How far a query of sites (and of anything held at sites) reaches: the
/// whole programme, or only the sites one user is assigned to. Made only
/// with a [`Grant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteScope {
    programme_id: i64,
    /// `None`: every site of the programme; `Some(user)`: that user's sites.
    user_id: Option<i64>,
    /// `Some(user)`: of referrals, only those this user made (a partner
    /// organisation refers to any practice, and follows its own referrals).
    made_by: Option<i64>,
}

impl SiteScope {
    pub fn programme_id(self) -> i64 {
        self.programme_id
    }
    /// `(programme_id, whole_programme, user_id)`, the three parameters of the
    /// scope clause the store writes into its queries.
    /// Only the referrals made by this user, when set.
    pub fn made_by(self) -> Option<i64> {
        self.made_by
    }
    pub fn params(self) -> (i64, bool, i64) {
        (
            self.programme_id,
            self.user_id.is_none(),
            self.user_id.unwrap_or(0),
        )
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
            MakeReferral => matches!(self.role, Manager | LinkWorker | PracticeStaff | Partner),
            ManageFunds | ManageCaseloads => self.role == Manager,
            ManageReasons => matches!(self.role, Administrator | Manager),
            ViewProgramme | ViewSites | ViewDirectory => true,
            EditDirectory => matches!(self.role, Administrator | Manager | LinkWorker),
            ManageDirectory => self.role == Administrator,
            ViewReports => matches!(self.role, Administrator | Manager | LinkWorker),
            DevelopPractices => matches!(self.role, Manager | LinkWorker),
            AnswerOnwardReferrals => self.role == Partner,
            ManagePartnerships => self.role == Manager,
        }
    }

    /// Check and hand out proof of the permission, with the scope it reaches.
    pub fn authorize(&self, permission: Permission) -> Result<Grant, Refused> {
        if !self.can(permission) {
            return Err(Refused(permission));
        }
        let scope = match permission {
            // Managers see every record of the programme; link workers those
            // registered at their sites (practice staff and partners never
            // get this permission).
            Permission::WorkWithParticipants => self.own_sites_unless(Role::Manager),
            // Practice staff follow the referrals of their own practices;
            // partners refer to any practice and follow their own referrals.
            Permission::MakeReferral if self.role == Role::Partner => self.own_referrals(),
            Permission::MakeReferral => self.own_sites_unless(Role::Manager),
            // Link workers develop their own practices.
            Permission::DevelopPractices => self.own_sites_unless(Role::Manager),
            // Link workers see the figures of their own practices.
            Permission::ViewReports => {
                if self.role.sees_whole_programme() {
                    self.whole_programme()
                } else {
                    self.own_sites()
                }
            }
            Permission::ViewProgramme
            | Permission::ViewDirectory
            | Permission::EditDirectory
            | Permission::ManageDirectory
            | Permission::ManageOrganisation
            | Permission::ManageUsers
            | Permission::ViewUsers
            | Permission::ViewAudit
            | Permission::ManageFunds
            | Permission::ManageReasons
            | Permission::ManageCaseloads
            | Permission::ManagePartnerships => self.whole_programme(),
            // The store narrows every query to the partner's organisation.
            Permission::AnswerOnwardReferrals => self.whole_programme(),
            Permission::ViewSite(_) | Permission::ViewSites => {
                if self.role.sees_whole_programme() {
                    self.whole_programme()
                } else {
                    self.own_sites()
                }
            }
        };
        Ok(Grant {
            programme_id: self.programme_id,
            user_id: self.user_id,
            permission,
            scope,
        })
    }

    fn whole_programme(&self) -> SiteScope {
        SiteScope {
            programme_id: self.programme_id,
            user_id: None,
            made_by: None,
        }
    }

    fn own_sites(&self) -> SiteScope {
        SiteScope {
            programme_id: self.programme_id,
            user_id: Some(self.user_id),
            made_by: None,
        }
    }

    /// Every practice of the programme, but only one's own referrals.
    fn own_referrals(&self) -> SiteScope {
        SiteScope {
            made_by: Some(self.user_id),
            ..self.whole_programme()
        }
    }

    fn own_sites_unless(&self, role: Role) -> SiteScope {
        if self.role == role {
            self.whole_programme()
        } else {
            self.own_sites()
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
        let scope =
            |role: Role, p: Permission| actor(role).authorize(p).map(|g| g.scope().params()).ok();
        assert_eq!(
            scope(Role::PracticeStaff, Permission::ViewSite(10)),
            Some((1, false, 7))
        );
        assert_eq!(
            scope(Role::Manager, Permission::ViewSite(11)),
            Some((1, true, 0))
        );
        assert_eq!(
            scope(Role::LinkWorker, Permission::WorkWithParticipants),
            Some((1, false, 7))
        );
        assert_eq!(
            scope(Role::Manager, Permission::WorkWithParticipants),
            Some((1, true, 0))
        );
        assert_eq!(
            scope(Role::PracticeStaff, Permission::MakeReferral),
            Some((1, false, 7))
        );
        assert_eq!(
            scope(Role::PracticeStaff, Permission::WorkWithParticipants),
            None
        );
        assert_eq!(
            scope(Role::Partner, Permission::ViewProgramme),
            Some((1, true, 0))
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
        assert_eq!(g.as_ref().map(|g| g.programme_id()), Ok(1));
        assert!(
            g.as_ref()
                .is_ok_and(|g| g.is_for(&[Permission::ManageUsers]))
        );
        assert!(g.is_ok_and(|g| !g.is_for(&[Permission::ManageOrganisation])));
        let r = actor(Role::Manager).authorize(Permission::ManageUsers);
        assert_eq!(r, Err(Refused(Permission::ManageUsers)));
    }

    #[test]
    fn a_partner_refers_to_any_practice_and_follows_only_their_own_referrals() {
        let g = actor(Role::Partner).authorize(Permission::MakeReferral);
        let scope = g.map(|g| g.scope()).ok();
        assert_eq!(scope.map(|s| s.params()), Some((1, true, 0)));
        assert_eq!(scope.and_then(|s| s.made_by()), Some(7));
        let staff = actor(Role::PracticeStaff).authorize(Permission::MakeReferral);
        assert_eq!(staff.ok().and_then(|g| g.scope().made_by()), None);
        assert!(!actor(Role::Partner).can(Permission::WorkWithParticipants));
    }
}
