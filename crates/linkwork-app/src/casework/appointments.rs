//! Appointments: booking (UK local time), outcomes (attending the first one
//! means the person is engaged), the diary, and a private calendar feed.

use crate::gate::Use;
use crate::random::{hash_secret, token_hex};
use crate::{App, AppError, Ctx, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use linkwork_domain::appointment::{AppointmentStatus, MODES, london_instant, london_time};
use linkwork_domain::dates::{self, Span};
use linkwork_domain::referral::Event;
use linkwork_domain::{FieldErrors, Grant, Permission, text};
use linkwork_store::Tx;
use linkwork_store::appointments::{self as store, NewAppointment};
pub use linkwork_store::appointments::{Appointment, AppointmentFilter, OutcomeChange};
use linkwork_store::referrals::{self as referrals, Lifecycle};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct AppointmentInput {
    /// `2026-11-25` or `25/11/2026`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub date: String,
    /// 24-hour UK time, `14:30`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub time: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub duration_minutes: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub mode: String,
    /// Defaults to the referral's link worker.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub link_worker_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub notes: String,
    /// `yes` (or `true`) to book although the link worker has another
    /// appointment at that time (the clash warning was seen).
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub allow_clash: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct OutcomeInput {
    pub version: i64,
    /// `attended`, `did_not_attend`, `cancelled_by_participant`, `cancelled_by_service` or `booked`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub status: String,
}

/// A booking checked and ready to insert.
struct Planned {
    new: NewAppointment,
    /// The referral's version when it was checked.
    version: i64,
    shown: Appointment,
}

impl App {
    /// Book an appointment. Everything that can be checked before taking
    /// the database's writer is checked first, on a reader: the referral,
    /// the fields, the link worker, a clash. The writer then only checks
    /// that none of it has changed — the referral's version and the link
    /// worker's place at the practice in the insert itself, a clash again —
    /// and inserts; if the referral changed meanwhile, the whole booking is
    /// checked again with the writer held. (On SQLite's one writer, where
    /// changes queue, this keeps each booking's turn short.)
    pub async fn book_appointment(
        &self,
        ctx: &Ctx,
        referral_id: i64,
        input: &AppointmentInput,
    ) -> Result<Appointment> {
        let perm = Permission::WorkWithParticipants;
        let checked = Use::read(ctx, perm, "referral").of(referral_id);
        let quick =
            async |tx: &mut Tx, g: &Grant| self.plan_booking(tx, g, referral_id, input, true).await;
        let plan = self.read(checked, quick).await?;
        let u = Use::write(ctx, perm, "appointment.create", "referral", referral_id);
        self.run(u, async |tx, g, ev| {
            self.check_clash(tx, g, &plan.new, input).await?;
            let now = self.now();
            let booked = match store::create_unchanged(tx, g, &plan.new, plan.version, now).await? {
                Some(id) => Appointment {
                    id,
                    ..plan.shown.clone()
                },
                None => {
                    // Changed meanwhile: check it all again, here.
                    let plan = self.plan_booking(tx, g, referral_id, input, false).await?;
                    let id = store::create(tx, g, &plan.new, now).await?;
                    store::get(tx, g.scope(), id).await?
                }
            };
            ev.object_type = "appointment".into();
            ev.object_id = booked.id.to_string();
            ev.detail = format!("referral {referral_id}");
            Ok(booked)
        })
        .await
    }

    /// A booking's checks: the new appointment, the version of the referral
    /// they were made against, and the appointment as it will be shown.
    /// `quick` (before taking the writer) leaves out checking that the
    /// referral's own link worker is still at the practice: the insert
    /// checks that ([`store::create_unchanged`]).
    async fn plan_booking(
        &self,
        tx: &mut Tx,
        grant: &Grant,
        referral_id: i64,
        input: &AppointmentInput,
        quick: bool,
    ) -> Result<Planned> {
        let scope = grant.scope();
        let r = referrals::get(tx, scope, referral_id).await?;
        let today = linkwork_domain::appointment::london_date(self.now());
        let mut e = FieldErrors::new();
        // From the day the referral arrived to two years ahead.
        let date = e.check(
            "date",
            dates::required(
                &input.date,
                "the date",
                Span::ahead(r.received_on.min(today), today, 2),
            ),
        );
        let time = NaiveTime::parse_from_str(input.time.trim(), "%H:%M").ok();
        if time.is_none() {
            e.add("time", "Enter the time in 24-hour format, like 14:30");
        }
        let starts_at = match (date, time) {
            (Some(d), Some(t)) => e.check("time", london_instant(d, t)),
            _ => None,
        };
        let duration = input
            .duration_minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (5..=480).contains(m));
        if duration.is_none() {
            e.add(
                "duration_minutes",
                "Enter how long it is, from 5 to 480 minutes",
            );
        }
        let mode = MODES
            .iter()
            .find(|(c, _)| *c == input.mode.trim())
            .map(|(c, _)| c.to_string());
        if mode.is_none() {
            e.add("mode", "Choose where or how the appointment happens");
        }
        let notes = e
            .check(
                "notes",
                text::optional_text(&input.notes, "the notes", 2000),
            )
            .flatten();
        let worker = if input.link_worker_id.trim().is_empty() {
            None
        } else {
            e.check(
                "link_worker_id",
                input
                    .link_worker_id
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| "Choose a link worker"),
            )
        };
        e.into_result()?;
        if !r.status.is_open() {
            return Err(AppError::Conflict(
                "This referral is closed: reopen it to book an appointment.".into(),
            ));
        }
        let worker = worker
            .or(r.link_worker_id)
            .or(Some(grant.user_id()).filter(|u| *u != 0));
        let worker_name = match worker {
            Some(w) if quick && Some(w) == r.link_worker_id => r.link_worker_name.clone(),
            Some(w) => Some(
                referrals::link_worker_at(tx, grant, w, r.site_id)
                    .await?
                    .ok_or_else(|| {
                        AppError::field("link_worker_id", "Choose a link worker at this practice")
                    })?,
            ),
            None => None,
        };
        let (starts_at, duration) = (starts_at.unwrap_or_default(), duration.unwrap_or(30));
        let new = NewAppointment {
            referral_id,
            site_id: r.site_id,
            link_worker_id: worker,
            starts_at,
            duration_minutes: duration,
            mode: mode.unwrap_or_default(),
            notes,
        };
        self.check_clash(tx, grant, &new, input).await?;
        let shown = Appointment {
            id: 0,
            referral_id,
            participant_id: r.participant_id,
            person_name: r.person_name,
            site_id: r.site_id,
            site_name: r.site_name,
            link_worker_id: worker,
            link_worker_name: worker_name,
            starts_at,
            duration_minutes: duration,
            mode: new.mode.clone(),
            status: AppointmentStatus::Booked,
            notes: new.notes.clone(),
            version: 1,
        };
        Ok(Planned {
            new,
            version: r.version,
            shown,
        })
    }

    /// Refuse a booking that clashes with another of the link worker's
    /// appointments, unless the person said to book anyway.
    async fn check_clash(
        &self,
        tx: &mut Tx,
        grant: &Grant,
        new: &NewAppointment,
        input: &AppointmentInput,
    ) -> Result<()> {
        let (starts_at, duration) = (new.starts_at, new.duration_minutes);
        if let Some(w) = new.link_worker_id
            && !matches!(input.allow_clash.trim(), "yes" | "true")
        {
            let ends_at = starts_at + Duration::minutes(duration);
            let longest = Duration::minutes(480);
            let clash = store::busy(tx, grant, w, starts_at - longest, ends_at)
                .await?
                .into_iter()
                .find(|(_, s, m)| *s < ends_at && *s + Duration::minutes(*m) > starts_at);
            if let Some((_, s, m)) = clash {
                let local = |t: DateTime<Utc>| london_time(t).format("%H:%M").to_string();
                return Err(AppError::NeedsConfirmation {
                    field: "allow_clash",
                    message: format!(
                        "The link worker already has an appointment from {} to {} that day. Book anyway, or choose another time.",
                        local(s),
                        local(s + Duration::minutes(m))
                    ),
                });
            }
        }
        Ok(())
    }

    /// Record what happened. The first attended appointment makes the referral
    /// "engaged"; a missed one changes nothing else — the door stays open.
    pub async fn set_appointment_status(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &OutcomeInput,
    ) -> Result<Appointment> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "appointment.outcome",
            "appointment",
            id,
        );
        self.run(u, async |tx, grant, ev| {
            let scope = grant.scope();
            let status = AppointmentStatus::parse(&input.status)
                .ok_or_else(|| AppError::field("status", "Choose what happened"))?;
            let now = self.now();
            let a = store::get(tx, scope, id).await?;
            if a.version != input.version {
                return Err(linkwork_store::StoreError::StaleVersion.into());
            }
            if a.starts_at > now
                && !matches!(
                    status,
                    AppointmentStatus::Booked | AppointmentStatus::CancelledByService
                )
            {
                return Err(AppError::field(
                    "status",
                    "This appointment has not started yet: until it has, you can only cancel it on our side",
                ));
            }
            if status == a.status {
                return Err(AppError::field(
                    "status",
                    format!("The outcome is already \"{}\": choose a different one to correct it", status.label()),
                ));
            }
            store::set_status(tx, grant, id, input.version, a.status, status, now).await?;
            if status == AppointmentStatus::Attended {
                let r = referrals::get(tx, scope, a.referral_id).await?;
                let from = r.status;
                if let Ok(to) = from.apply(Event::Attend)
                    && to != from
                {
                    let l = Lifecycle::of(&r, to);
                    referrals::set_lifecycle(tx, grant, r.id, r.version, from, &l, now).await?;
                }
            }
            ev.detail = format!("{} → {}", a.status.code(), status.code());
            Ok(store::get(tx, scope, id).await?)
        })
        .await
    }

    /// Every outcome recorded for these appointments (corrections kept), by id.
    pub async fn outcome_history(
        &self,
        ctx: &Ctx,
        ids: &[i64],
    ) -> Result<Vec<(i64, OutcomeChange)>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "appointment");
        self.read(u, async |tx, g| {
            Ok(store::outcomes(tx, g.scope(), ids).await?)
        })
        .await
    }

    pub async fn list_appointments(
        &self,
        ctx: &Ctx,
        f: &AppointmentFilter,
    ) -> Result<Vec<Appointment>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "appointment");
        self.read(u, async |tx, g| Ok(store::list(tx, g.scope(), f).await?))
            .await
    }

    /// Appointments across people for a run of UK days (`from` and `to`
    /// inclusive, as typed: `1/11/2026` or `2026-11-01`), narrowed by
    /// status (`cancelled`: either kind) and place or link worker: the list
    /// behind the figures' appointment counts. 500 a page, earliest first;
    /// errors name the field.
    pub async fn appointments_between(
        &self,
        ctx: &Ctx,
        from: &str,
        to: &str,
        status: &str,
        mut f: AppointmentFilter,
    ) -> Result<Vec<Appointment>> {
        let mut e = linkwork_domain::FieldErrors::new();
        (f.from, f.to) = crate::participants::uk_days(&mut e, from, to)?;
        let status = linkwork_domain::appointment::status_filter(status).unwrap_or_else(|| {
            e.add("status", "Choose a status from the list");
            None
        });
        e.into_result()?;
        f.status = status.map(str::to_owned);
        f.limit = super::MOST_LISTED as i64;
        let place = [f.site_id, f.cluster_id, f.area_id, f.link_worker_id];
        let asked = format!("status={:?}", f.status.as_deref().unwrap_or(""));
        let listed = super::Listed::new(
            ("appointment", "appointment.list"),
            (from, to),
            place,
            asked,
            f.offset,
        );
        self.list_people(ctx, listed, async |tx, g| {
            Ok(store::list(tx, g.scope(), &f).await?)
        })
        .await
    }

    /// A link worker's appointments (`None`: everyone's the user may see)
    /// from `from` (UK date) for `days` days.
    pub async fn diary(
        &self,
        ctx: &Ctx,
        worker: Option<i64>,
        from: NaiveDate,
        days: i64,
    ) -> Result<Vec<Appointment>> {
        let start = london_instant(from, NaiveTime::MIN).map_err(AppError::internal)?;
        let end_day = from + Duration::days(days);
        let end = london_instant(end_day, NaiveTime::MIN).map_err(AppError::internal)?;
        let f = AppointmentFilter {
            link_worker_id: worker,
            from: Some(start),
            to: Some(end),
            limit: 2000,
            ..Default::default()
        };
        self.list_appointments(ctx, &f).await
    }

    /// Make (or replace) the user's private calendar feed; returns the secret once.
    pub async fn create_calendar_feed(&self, ctx: &Ctx) -> Result<String> {
        let me = ctx.actor.user_id;
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "calendar.create",
            "user",
            me,
        );
        self.run(u, async |tx, _, _| {
            let secret = token_hex(24);
            store::set_feed(tx, me, &hash_secret(&secret), self.now()).await?;
            Ok(secret)
        })
        .await
    }

    pub async fn revoke_calendar_feed(&self, ctx: &Ctx) -> Result<()> {
        let me = ctx.actor.user_id;
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "calendar.revoke",
            "user",
            me,
        );
        self.run(u, async |tx, _, _| Ok(store::delete_feed(tx, me).await?))
            .await
    }

    pub async fn has_calendar_feed(&self, ctx: &Ctx) -> Result<bool> {
        let me = ctx.actor.user_id;
        let u = Use::read(ctx, Permission::WorkWithParticipants, "calendar").of(me);
        self.read(u, async |tx, _| Ok(store::has_feed(tx, me).await?))
            .await
    }

    /// The iCalendar text of a feed: the owner's appointments from four weeks
    /// ago to six months ahead, with initials only. `None` if the secret is unknown.
    pub async fn calendar_ics(&self, secret: &str) -> Result<Option<String>> {
        let mut tx = self.db.read().await?;
        let user = store::feed_user(&mut tx, &hash_secret(secret)).await?;
        tx.rollback().await?;
        let Some(user) = user else { return Ok(None) };
        let ctx = match self.ctx_for_user(user).await {
            Ok(c) => c,
            Err(AppError::Unauthenticated) => return Ok(None),
            Err(e) => return Err(e),
        };
        let now = self.now();
        let f = AppointmentFilter {
            link_worker_id: Some(user),
            from: Some(now - Duration::weeks(4)),
            to: Some(now + Duration::weeks(26)),
            limit: 2000,
            ..Default::default()
        };
        let u = Use::view(
            &ctx,
            Permission::WorkWithParticipants,
            "calendar.view",
            "user",
            user,
        );
        let list = self
            .run(
                u,
                async |tx, g, _| Ok(store::list(tx, g.scope(), &f).await?),
            )
            .await?;
        Ok(Some(ics(&list, now)))
    }
}

fn ics_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// iCalendar (RFC 5545) text for appointments.
pub fn ics(list: &[Appointment], now: DateTime<Utc>) -> String {
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//linkwork//diary//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:linkwork appointments\r\n",
    );
    for a in list.iter().filter(|a| !a.status.is_cancelled()) {
        let mode = MODES
            .iter()
            .find(|(c, _)| *c == a.mode)
            .map(|(_, l)| *l)
            .unwrap_or("Appointment");
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(&format!("UID:appointment-{}@linkwork\r\n", a.id));
        out.push_str(&format!("DTSTAMP:{}\r\n", ics_time(now)));
        out.push_str(&format!("DTSTART:{}\r\n", ics_time(a.starts_at)));
        out.push_str(&format!(
            "DTEND:{}\r\n",
            ics_time(a.starts_at + Duration::minutes(a.duration_minutes))
        ));
        out.push_str(&format!(
            "SUMMARY:{} ({})\r\n",
            initials(&a.person_name),
            mode
        ));
        out.push_str(&format!(
            "LOCATION:{}\r\n",
            a.site_name.replace([',', ';'], " ")
        ));
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// What needs a link worker's attention, for their home page.
#[derive(Debug, Clone, Default)]
pub struct WorkerPrompts {
    pub today: Vec<Appointment>,
    pub this_week: Vec<Appointment>,
    /// (referral id, person, last attended)
    pub not_seen: Vec<(i64, String, Option<DateTime<Utc>>)>,
    /// (participant id, person, flag kind, review date)
    pub flags_due: Vec<(i64, String, String, NaiveDate)>,
}

/// How long without an attended appointment before a prompt appears (never a closure).
pub const NOT_SEEN_WEEKS: i64 = 6;

impl App {
    pub async fn worker_prompts(&self, ctx: &Ctx) -> Result<WorkerPrompts> {
        if ctx.actor.role != linkwork_domain::Role::LinkWorker {
            return Ok(WorkerPrompts::default());
        }
        let now = self.now();
        let today = linkwork_domain::appointment::london_date(now);
        let week = self.diary(ctx, Some(ctx.actor.user_id), today, 7).await?;
        let (today_list, later): (Vec<_>, Vec<_>) = week
            .into_iter()
            .partition(|a| linkwork_domain::appointment::london_date(a.starts_at) == today);
        // Later this week: only what is still to happen.
        let later: Vec<Appointment> = later
            .into_iter()
            .filter(|a| a.status == AppointmentStatus::Booked)
            .collect();
        let u = Use::read(ctx, Permission::WorkWithParticipants, "referral");
        let (not_seen, flags_due) = self
            .read(u, async |tx, g| {
                // Counted in whole days (from midnight, UK time), so the
                // prompts stay the same all day (the home page is kept
                // for the day while nothing changes).
                let since = linkwork_domain::appointment::london_instant(
                    today - Duration::weeks(NOT_SEEN_WEEKS),
                    chrono::NaiveTime::MIN,
                )
                .unwrap_or(now - Duration::weeks(NOT_SEEN_WEEKS));
                let not_seen = store::not_seen_since(tx, g, g.user_id(), since).await?;
                let flags_due = store::flags_due(tx, g, g.user_id(), today).await?;
                Ok((not_seen, flags_due))
            })
            .await?;
        Ok(WorkerPrompts {
            today: today_list,
            this_week: later,
            not_seen,
            flags_due,
        })
    }
}
