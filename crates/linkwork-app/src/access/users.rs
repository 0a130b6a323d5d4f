//! Staff users: adding, editing, assigning to sites, disabling.

use crate::access::hash_password;
use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::text::{self, Email};
use linkwork_domain::{FieldErrors, Permission, Role};
use linkwork_store::audit;
use linkwork_store::users::{self as store, NewUser};
pub use linkwork_store::users::{SiteRef, User, UserFilter};
use serde::Deserialize;

/// A user as typed into a form or sent as JSON.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct UserInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub email: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub role: String,
    /// Only when adding a user; blank means they cannot sign in until an
    /// administrator sets one.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub password: String,
    /// Ids of the sites the user works at.
    pub site_ids: Vec<i64>,
    /// For partner users (and needed for them): the id of the directory
    /// organisation they work for. Ignored for other roles.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub organization_id: String,
}

/// A parsed, valid user.
#[derive(Debug, Clone)]
pub struct ValidUser {
    /// `None` when editing (the e-mail address does not change).
    pub email: Option<Email>,
    pub name: String,
    pub role: Role,
    pub password: Option<String>,
    /// Partners only: the directory organisation they work for.
    pub organization_id: Option<i64>,
}

impl UserInput {
    pub fn parse(&self, with_email_and_password: bool) -> Result<ValidUser, FieldErrors> {
        let mut e = FieldErrors::new();
        let email = if with_email_and_password {
            e.check("email", Email::parse(&self.email)).map(Some)
        } else {
            Some(None)
        };
        let name = e.check(
            "name",
            text::required_text(&self.name, "the person's full name", 120),
        );
        let role = e.check("role", Role::parse(&self.role));
        let password = if with_email_and_password && !self.password.is_empty() {
            e.check(
                "password",
                text::check_password(&self.password, Some(self.email.trim())),
            )
            .map(|_| Some(self.password.clone()))
        } else {
            Some(None)
        };
        let organization_id = match (role, self.organization_id.trim()) {
            (Some(Role::Partner), "") => {
                e.add(
                    "organization_id",
                    "Choose the organisation this partner works for",
                );
                None
            }
            (Some(Role::Partner), raw) => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    e.add(
                        "organization_id",
                        "Choose an organisation from the directory",
                    );
                    None
                }
            },
            _ => None,
        };
        e.into_result()?;
        match (email, name, role, password) {
            (Some(email), Some(name), Some(role), Some(password)) => Ok(ValidUser {
                email,
                name,
                role,
                password,
                organization_id,
            }),
            _ => Err(FieldErrors::single("name", "Check the user's details")),
        }
    }
}

/// A user with their sites.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: User,
    pub sites: Vec<SiteRef>,
    /// The name of a partner's organisation.
    pub organization: Option<String>,
}

impl App {
    pub async fn list_users(&self, ctx: &Ctx, filter: &UserFilter) -> Result<(Vec<User>, i64)> {
        self.read(
            Use::read(ctx, Permission::ViewUsers, "user"),
            async |tx, g| Ok(store::list(tx, g, filter).await?),
        )
        .await
    }

    /// One user's record; viewing it is audited.
    pub async fn get_user(&self, ctx: &Ctx, id: i64) -> Result<UserDetail> {
        let u = Use::view(ctx, Permission::ViewUsers, "user.view", "user", id);
        self.run(u, async |tx, g, _| {
            let user = store::get(tx, g, id).await?;
            let sites = store::sites(tx, id).await?;
            let organization = match user.organization_id {
                Some(o) => Some(
                    linkwork_store::directory::organization(tx, g, o)
                        .await?
                        .name,
                ),
                None => None,
            };
            Ok(UserDetail {
                user,
                sites,
                organization,
            })
        })
        .await
    }

    pub async fn create_user(&self, ctx: &Ctx, input: &UserInput) -> Result<i64> {
        let u = Use::write(ctx, Permission::ManageUsers, "user.create", "user", "new");
        self.run(u, async |tx, g, ev| {
            let v = input.parse(true)?;
            let hash = match &v.password {
                Some(p) => Some(hash_password(p).await?),
                None => None,
            };
            let email = v
                .email
                .as_ref()
                .ok_or_else(|| AppError::field("email", "Enter an email address"))?;
            let new = NewUser {
                email: email.as_str(),
                name: &v.name,
                role: v.role.code(),
                password_hash: hash.as_deref(),
            };
            let id = store::create(tx, g, &new, self.now())
                .await
                .map_err(|e| match e {
                    linkwork_store::StoreError::Duplicate(_) => {
                        AppError::field("email", "A user with this email address already exists")
                    }
                    e => e.into(),
                })?;
            store::set_sites(tx, g, id, &input.site_ids)
                .await
                .map_err(sites_error)?;
            set_organization(tx, g, id, v.organization_id).await?;
            ev.object_id = id.to_string();
            ev.detail = format!("{} as {}; sites {:?}", email, v.role.code(), input.site_ids);
            Ok(id)
        })
        .await
    }

    /// Change name, role and sites (e-mail is the sign-in name and stays).
    pub async fn update_user(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &UserInput,
    ) -> Result<()> {
        let u = Use::write(ctx, Permission::ManageUsers, "user.update", "user", id);
        self.run(u, async |tx, g, ev| {
            let v = input.parse(false)?;
            store::update(tx, g, id, version, &v.name, v.role.code(), self.now()).await?;
            store::set_sites(tx, g, id, &input.site_ids)
                .await
                .map_err(sites_error)?;
            set_organization(tx, g, id, v.organization_id).await?;
            ev.detail = format!("role {}; sites {:?}", v.role.code(), input.site_ids);
            Ok(())
        })
        .await
    }

    /// Disable or re-enable; a disabled user's sessions end at once.
    pub async fn set_user_disabled(&self, ctx: &Ctx, id: i64, disabled: bool) -> Result<()> {
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let u = Use::write(ctx, Permission::ManageUsers, action, "user", id);
        self.run(u, async |tx, g, _| {
            if disabled && id == ctx.actor.user_id {
                return Err(AppError::Conflict(
                    "You cannot disable your own account.".into(),
                ));
            }
            store::set_disabled(tx, g, id, disabled, self.now()).await?;
            Ok(())
        })
        .await
    }

    /// Set a user's password (an administrator's reset, or the CLI).
    pub async fn set_user_password(&self, ctx: &Ctx, id: i64, password: &str) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageUsers,
            "user.set_password",
            "user",
            id,
        );
        self.run(u, async |tx, g, _| {
            let user = store::get(tx, g, id).await?;
            text::check_password(password, Some(&user.email))
                .map_err(|m| AppError::field("password", m))?;
            let hash = hash_password(password).await?;
            store::set_password_hash(tx, g, id, &hash, self.now()).await?;
            linkwork_store::auth::delete_user_sessions(tx, id).await?;
            Ok(())
        })
        .await
    }

    /// Find the programme a command-line `user add` should use, creating it
    /// when the database is empty, or when `--programme` names a new one and
    /// `create` (`--create-programme`) says that is meant: on a database that
    /// already has programmes, a mistyped name must not make a new one.
    pub async fn programme_for_cli(&self, name: Option<&str>, create: bool) -> Result<i64> {
        let mut tx = self.db.write().await?;
        let programmes = linkwork_store::org::list_programmes(&mut tx).await?;
        let id = match (name, programmes.as_slice()) {
            (None, []) => self.new_programme(&mut tx, "Default programme").await?,
            (None, [only]) => only.id,
            (None, _) => {
                return Err(AppError::field(
                    "programme",
                    "There are several programmes: name one with --programme",
                ));
            }
            (Some(n), list) => match list.iter().find(|p| p.name.eq_ignore_ascii_case(n.trim())) {
                Some(p) => p.id,
                None if !list.is_empty() && !create => {
                    let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
                    return Err(AppError::field(
                        "programme",
                        format!(
                            "There is no programme called \"{}\" (there is: {}). To make a new programme, add --create-programme",
                            n.trim(),
                            names.join(", ")
                        ),
                    ));
                }
                None => {
                    let n = text::required_text(n, "the programme name", 120)
                        .map_err(|m| AppError::field("programme", m))?;
                    self.new_programme(&mut tx, &n).await?
                }
            },
        };
        tx.commit().await?;
        Ok(id)
    }

    pub(crate) async fn new_programme(
        &self,
        tx: &mut linkwork_store::Tx,
        name: &str,
    ) -> Result<i64> {
        let now = self.now();
        let id = linkwork_store::org::create_programme(tx, name, now).await?;
        let ctx = Ctx::operator(id);
        let mut ev = ctx.event("programme.create", "programme", id);
        ev.detail = name.to_owned();
        audit::append(tx, &ev, now).await?;
        Ok(id)
    }

    /// A user by e-mail in any programme (for the command line).
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
        let mut tx = self.db.read().await?;
        let u = store::find_by_email(&mut tx, email.as_str()).await?;
        tx.rollback().await?;
        Ok(u)
    }

    /// Site ids for site codes within a programme; unknown codes are errors.
    pub async fn site_ids_for_codes(
        &self,
        programme_id: i64,
        codes: &[String],
    ) -> Result<Vec<i64>> {
        let mut tx = self.db.read().await?;
        let mut ids = Vec::new();
        let mut errors = FieldErrors::new();
        for code in codes {
            match linkwork_store::org::find_site_by_code(
                &mut tx,
                programme_id,
                &code.trim().to_uppercase(),
            )
            .await?
            {
                Some(s) => ids.push(s.id),
                None => errors.add(
                    "site",
                    format!("There is no site with code {code} in this programme"),
                ),
            }
        }
        tx.rollback().await?;
        errors.into_result()?;
        Ok(ids)
    }

    /// Act as a user from the command line (e.g. `token create`).
    pub async fn ctx_for_user(&self, user_id: i64) -> Result<Ctx> {
        let mut tx = self.db.read().await?;
        let actor = crate::access::load_actor(&mut tx, user_id).await?;
        tx.rollback().await?;
        Ok(Ctx::new(
            actor,
            format!("cli-{}", crate::random::token_hex(6)),
        ))
    }
}

fn sites_error(e: linkwork_store::StoreError) -> AppError {
    match e {
        linkwork_store::StoreError::NotFound => {
            AppError::field("site_ids", "Choose sites of this programme")
        }
        e => e.into(),
    }
}

/// Tie a user to their organisation; an organisation not in the programme's
/// directory is named as the field's error.
async fn set_organization(
    tx: &mut linkwork_store::Tx,
    g: &linkwork_domain::Grant,
    id: i64,
    organization_id: Option<i64>,
) -> Result<()> {
    store::set_organization(tx, g, id, organization_id)
        .await
        .map_err(|e| match e {
            linkwork_store::StoreError::NotFound if organization_id.is_some() => AppError::field(
                "organization_id",
                "Choose an organisation from the directory",
            ),
            e => e.into(),
        })
}
