//! Passwords, sign-in with throttling, sessions and API tokens.

pub mod users;

use crate::random::{hash_secret, token_hex};
use crate::{App, AppError, Ctx, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use linkwork_domain::text::Email;
use linkwork_domain::{Actor, FieldErrors, Role};
use linkwork_store::audit::{self, NewEvent};
pub use linkwork_store::auth::ApiToken;
use linkwork_store::{auth as store, users as user_rows};

/// argon2id with the OWASP-recommended m=19456 KiB, t=2, p=1.
fn argon() -> Result<Argon2<'static>> {
    let params = Params::new(19_456, 2, 1, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hash a password (on a blocking thread: it takes tens of milliseconds).
pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(token_hex(16).as_bytes()).map_err(AppError::internal)?;
        argon()?
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

async fn verify_password(password: &str, hash: Option<String>) -> Result<bool> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        // With no hash (unknown account) still spend the same time, so timing
        // does not reveal which addresses have accounts.
        let dummy;
        let hash = match &hash {
            Some(h) => h.as_str(),
            None => {
                dummy = DUMMY_HASH;
                dummy
            }
        };
        let parsed = PasswordHash::new(hash).map_err(AppError::internal)?;
        let ok = argon()?.verify_password(pw.as_bytes(), &parsed).is_ok();
        Ok(ok && hash != DUMMY_HASH)
    })
    .await
    .map_err(AppError::internal)?
}

const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXlzYWx0$3s2ew9TmvR31Ll2LIW8tQ7Ucmx8iGrcZvWvSKoPSTcE";

/// A new session: the cookie value (shown once) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub actor: Actor,
}

/// A user's change of their own password.
#[derive(Debug, Clone, Default, serde::Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordChange {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub current_password: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub new_password: String,
}

/// What a session cookie resolves to.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf_token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// See `Ctx::stamp`.
    pub stamp: i64,
}

impl App {
    /// Sign in with e-mail and password. Refuses (429) when the account or the
    /// client address has failed too often lately; every attempt is audited.
    pub async fn sign_in(
        &self,
        email_raw: &str,
        password: &str,
        client_address: &str,
        request_id: &str,
    ) -> Result<NewSession> {
        let mut errors = FieldErrors::new();
        if email_raw.trim().is_empty() {
            errors.add("email", "Enter your email address");
        }
        if password.is_empty() {
            errors.add("password", "Enter your password");
        }
        errors.into_result()?;
        let email = Email::parse(email_raw)
            .map(|e| e.as_str().to_owned())
            .unwrap_or_else(|_| email_raw.trim().to_lowercase());
        let now = self.now();
        let since = now - self.settings.throttle_window;
        let s = &self.settings;

        let mut tx = self.db.read().await?;
        let account_failures = store::count_failures(&mut tx, "account", &email, since).await?;
        let address_failures =
            store::count_failures(&mut tx, "address", client_address, since).await?;
        let cred = user_rows::credentials(&mut tx, &email).await?;
        tx.rollback().await?;

        let mut event = NewEvent {
            programme_id: cred.as_ref().map(|c| c.programme_id),
            actor_user_id: cred.as_ref().map(|c| c.id),
            actor: email.clone(),
            action: "session.sign_in".into(),
            object_type: "user".into(),
            object_id: cred.as_ref().map(|c| c.id.to_string()).unwrap_or_default(),
            request_id: request_id.into(),
            outcome: "success".into(),
            detail: format!("from {client_address}"),
        };

        if account_failures >= s.max_failures_per_account
            || address_failures >= s.max_failures_per_address
        {
            event.outcome = "refused".into();
            event.detail = format!("throttled: too many failed attempts (from {client_address})");
            let mut tx = self.db.write().await?;
            audit::append(&mut tx, &event, now).await?;
            tx.commit().await?;
            return Err(AppError::TooManyAttempts {
                minutes: s.throttle_window.num_minutes(),
            });
        }

        let hash = cred.as_ref().and_then(|c| c.password_hash.clone());
        let password_ok = verify_password(password, hash).await?;
        let enabled = cred.as_ref().is_some_and(|c| c.disabled_at.is_none());
        let mut tx = self.db.write().await?;
        match cred {
            Some(c) if password_ok && enabled => {
                store::clear_failures(&mut tx, "account", &email).await?;
                let token = token_hex(32);
                let csrf_token = token_hex(32);
                store::insert_session(
                    &mut tx,
                    &hash_secret(&token),
                    c.id,
                    &csrf_token,
                    now,
                    Some(client_address),
                )
                .await?;
                audit::append(&mut tx, &event, now).await?;
                let actor = load_actor(&mut tx, c.id).await?;
                tx.commit().await?;
                Ok(NewSession {
                    token,
                    csrf_token,
                    actor,
                })
            }
            _ => {
                store::record_failure(&mut tx, "account", &email, now).await?;
                store::record_failure(&mut tx, "address", client_address, now).await?;
                store::prune_failures(&mut tx, now - chrono::Duration::days(1)).await?;
                event.outcome = "failed".into();
                event.detail = if password_ok {
                    "account disabled"
                } else {
                    "wrong email or password"
                }
                .into();
                audit::append(&mut tx, &event, now).await?;
                tx.commit().await?;
                Err(AppError::Invalid(FieldErrors::single(
                    "email",
                    "Enter a correct email address and password",
                )))
            }
        }
    }

    /// Resolve a session cookie. Expired sessions, and those of disabled
    /// users, are deleted and resolve to nothing.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>> {
        let now = self.now();
        let id_hash = hash_secret(token);
        let mut tx = self.db.read().await?;
        let Some(s) = store::session(&mut tx, &id_hash).await? else {
            return Ok(None);
        };
        let idle_deadline = s.last_seen_at + self.settings.session_idle;
        let absolute_deadline = s.created_at + self.settings.session_absolute;
        if now >= idle_deadline || now >= absolute_deadline {
            // Ended: kept until pruned, so that a form posted now can be kept
            // as a draft for its writer ([`App::keep_draft`]).
            tx.rollback().await?;
            return Ok(None);
        }
        if s.disabled_at.is_some() {
            tx.rollback().await?;
            let mut tx = self.db.write().await?;
            store::delete_session(&mut tx, &id_hash).await?;
            tx.commit().await?;
            return Ok(None);
        }
        let site_ids = s.site_id_list();
        tx.rollback().await?;
        // Touch at most once a minute: the idle timeout does not need more, and
        // it keeps reads from turning into writes.
        if now - s.last_seen_at >= chrono::Duration::seconds(60) {
            let mut tx = self.db.write().await?;
            store::touch_session(&mut tx, &id_hash, now).await?;
            tx.commit().await?;
        }
        let role = Role::parse(&s.role).map_err(AppError::internal)?;
        Ok(Some(SessionInfo {
            actor: Actor {
                user_id: s.user_id,
                programme_id: s.programme_id,
                role,
                name: s.name,
                email: s.email,
                site_ids,
            },
            csrf_token: s.csrf_token,
            stamp: s.stamp,
            expires_at: (now + self.settings.session_idle).min(absolute_deadline),
        }))
    }

    /// Change one's own password: the current one is required; every other
    /// session of the user ends (`keep_session`: the cookie of the session
    /// making the change, which stays signed in).
    pub async fn change_own_password(
        &self,
        ctx: &Ctx,
        keep_session: Option<&str>,
        input: &PasswordChange,
    ) -> Result<()> {
        let me = ctx.actor.user_id;
        let mut tx = self.db.read().await?;
        let cred = user_rows::credentials(&mut tx, &ctx.actor.email).await?;
        tx.rollback().await?;
        let hash = cred.filter(|c| c.id == me).and_then(|c| c.password_hash);
        let mut e = FieldErrors::new();
        if input.current_password.is_empty() {
            e.add("current_password", "Enter your current password");
        } else if !verify_password(&input.current_password, hash).await? {
            e.add("current_password", "Your current password is not right");
        }
        if let Err(m) =
            linkwork_domain::text::check_password(&input.new_password, Some(&ctx.actor.email))
        {
            e.add("new_password", m);
        } else if input.new_password == input.current_password {
            e.add(
                "new_password",
                "Choose a password different from your current one",
            );
        }
        let mut tx = self.db.write().await?;
        if !e.is_empty() {
            let mut ev = ctx.event("user.change_password", "user", me);
            ev.outcome = "refused".into();
            ev.detail =
                e.0.iter()
                    .map(|f| f.field.clone())
                    .collect::<Vec<_>>()
                    .join(",");
            audit::append(&mut tx, &ev, self.now()).await?;
            tx.commit().await?;
            return Err(AppError::Invalid(e));
        }
        let new_hash = hash_password(&input.new_password).await?;
        user_rows::set_own_password_hash(&mut tx, me, &new_hash, self.now()).await?;
        let keep = keep_session.map(hash_secret);
        store::delete_other_sessions(&mut tx, me, keep.as_deref()).await?;
        let mut ev = ctx.event("user.change_password", "user", me);
        ev.detail = "other sessions ended".into();
        audit::append(&mut tx, &ev, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A form was posted with a session that has ended: keep what was typed
    /// for the session's user, and return the draft's secret (for a cookie),
    /// or `None` when the session is unknown. Kept for a day at most.
    /// `csrf_token` is the one the form was posted with: it must be the
    /// ended session's, as for any form.
    pub async fn keep_draft(
        &self,
        session_token: &str,
        csrf_token: &str,
        path: &str,
        body: &str,
    ) -> Result<Option<String>> {
        let mut tx = self.db.write().await?;
        let owner = store::session_owner(&mut tx, &hash_secret(session_token)).await?;
        let Some((user, csrf)) = owner else {
            tx.rollback().await?;
            return Ok(None);
        };
        if csrf.is_empty() || hash_secret(&csrf) != hash_secret(csrf_token) {
            tx.rollback().await?;
            return Ok(None);
        }
        let actor = match load_actor(&mut tx, user).await {
            Ok(a) => a,
            Err(_) => {
                tx.rollback().await?;
                return Ok(None);
            }
        };
        let secret = crate::random::token_hex(16);
        store::save_draft(&mut tx, &hash_secret(&secret), user, path, body, self.now()).await?;
        let mut ev = Ctx::new(actor, "draft").event("draft.keep", "user", user);
        ev.detail = path.to_owned();
        audit::append(&mut tx, &ev, self.now()).await?;
        tx.commit().await?;
        Ok(Some(secret))
    }

    /// The signed-in user's draft kept by [`App::keep_draft`], as (path,
    /// form body); taking it deletes it. Another user's draft is `None`.
    pub async fn take_draft(&self, ctx: &Ctx, secret: &str) -> Result<Option<(String, String)>> {
        let since = self.now() - chrono::Duration::days(1);
        let mut tx = self.db.write().await?;
        let found =
            store::take_draft(&mut tx, &hash_secret(secret), ctx.actor.user_id, since).await?;
        if let Some((path, _)) = &found {
            let mut ev = ctx.event("draft.resume", "user", ctx.actor.user_id);
            ev.detail = path.clone();
            audit::append(&mut tx, &ev, self.now()).await?;
        }
        tx.commit().await?;
        Ok(found)
    }

    pub async fn sign_out(&self, token: &str, ctx: &Ctx) -> Result<()> {
        let mut tx = self.db.write().await?;
        store::delete_session(&mut tx, &hash_secret(token)).await?;
        audit::append(
            &mut tx,
            &ctx.event("session.sign_out", "user", ctx.actor.user_id),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Resolve an API bearer token to its owner, if live and enabled.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        let mut tx = self.db.read().await?;
        let found = store::token_user(&mut tx, &hash_secret(token)).await?;
        tx.rollback().await?;
        let Some(t) = found.filter(|t| t.disabled_at.is_none()) else {
            return Ok(None);
        };
        // Like sessions, note the use at most once a minute.
        let now = self.now();
        if t.last_used_at
            .is_none_or(|u| now - u >= chrono::Duration::seconds(60))
        {
            let mut tx = self.db.write().await?;
            store::touch_token(&mut tx, t.token_id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(Actor {
            user_id: t.user_id,
            programme_id: t.programme_id,
            role: Role::parse(&t.role).map_err(AppError::internal)?,
            site_ids: t.site_id_list(),
            name: t.name,
            email: t.email,
        }))
    }

    /// Make a personal API token for the acting user. The plain token is
    /// returned once and stored only as a hash.
    pub async fn create_token(&self, ctx: &Ctx, name: &str) -> Result<String> {
        let name = linkwork_domain::text::required_text(name, "a name for the token", 100)
            .map_err(|m| AppError::field("name", m))?;
        let token = format!("lw_{}", token_hex(32));
        let mut tx = self.db.write().await?;
        let id = store::insert_token(
            &mut tx,
            ctx.actor.user_id,
            &name,
            &hash_secret(&token),
            self.now(),
        )
        .await?;
        audit::append(
            &mut tx,
            &ctx.event("api_token.create", "api_token", id),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn list_tokens(&self, ctx: &Ctx) -> Result<Vec<store::ApiToken>> {
        let mut tx = self.db.read().await?;
        let t = store::list_tokens(&mut tx, ctx.actor.user_id).await?;
        tx.rollback().await?;
        Ok(t)
    }

    pub async fn revoke_token(&self, ctx: &Ctx, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        if !store::revoke_token(&mut tx, ctx.actor.user_id, id, self.now()).await? {
            return Err(AppError::NotFound);
        }
        audit::append(
            &mut tx,
            &ctx.event("api_token.revoke", "api_token", id),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remove expired sessions (run now and then by the server).
    pub async fn prune_sessions(&self) -> Result<u64> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        // Ended sessions stay a day, for drafts of forms posted after the end;
        // drafts themselves are kept a day.
        let grace = chrono::Duration::days(1);
        store::delete_old_drafts(&mut tx, now - grace).await?;
        let n = store::delete_expired_sessions(
            &mut tx,
            now - self.settings.session_idle - grace,
            now - self.settings.session_absolute - grace,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Build the [`Actor`] for a user id; a disabled user is [`AppError::Unauthenticated`].
pub async fn load_actor(tx: &mut linkwork_store::Tx, user_id: i64) -> Result<Actor> {
    let Some(row) = user_rows::actor_row(tx, user_id).await? else {
        return Err(AppError::Unauthenticated);
    };
    if row.disabled_at.is_some() {
        return Err(AppError::Unauthenticated);
    }
    let site_ids = user_rows::site_ids(tx, user_id).await?;
    let role = Role::parse(&row.role).map_err(AppError::internal)?;
    Ok(Actor {
        user_id,
        programme_id: row.programme_id,
        role,
        name: row.name,
        email: row.email,
        site_ids,
    })
}
