//! Appointments: modes, outcomes, and UK local time (Europe/London, with
//! daylight saving) turned into instants.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};

pub const MODES: [(&str, &str); 6] = [
    ("practice", "At the practice"),
    ("home_visit", "Home visit"),
    ("phone", "Phone"),
    ("video", "Video call"),
    ("community_venue", "Community venue"),
    ("accompanied", "Accompanied to another service"),
];

crate::codes!(
    /// What became of an appointment.
    AppointmentStatus, "appointment status" {
    Booked = "booked": "Booked",
    Attended = "attended": "Attended",
    DidNotAttend = "did_not_attend": "Did not attend",
    CancelledByParticipant = "cancelled_by_participant": "Cancelled by the person",
    CancelledByService = "cancelled_by_service": "Cancelled by us",
});

impl AppointmentStatus {
    pub fn is_cancelled(self) -> bool {
        matches!(
            self,
            AppointmentStatus::CancelledByParticipant | AppointmentStatus::CancelledByService
        )
    }
}

/// A status to narrow a list of appointments by, as typed: blank for any,
/// `cancelled` for either kind of cancellation, or one status's code.
/// `None` when it is none of those.
pub fn status_filter(raw: &str) -> Option<Option<&'static str>> {
    match raw.trim() {
        "" => Some(None),
        "cancelled" => Some(Some("cancelled")),
        t => AppointmentStatus::parse(t).map(|s| Some(s.code())),
    }
}

/// The instant of a UK wall-clock time. A time skipped when the clocks go
/// forward is refused; a time that happens twice when they go back is the
/// first of the two.
pub fn london_instant(date: NaiveDate, time: NaiveTime) -> Result<DateTime<Utc>, String> {
    match chrono_tz::Europe::London.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => {
            Err("That time does not exist on that day: the clocks go forward an hour".into())
        }
    }
}

/// The UK wall-clock time of an instant.
pub fn london_time(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&chrono_tz::Europe::London).naive_local()
}

/// The UK wall-clock date of an instant.
pub fn london_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Europe::London).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn summer_and_winter_time() {
        assert_eq!(
            london_instant(d(2026, 7, 1), t(10, 0)).map(|x| x.to_rfc3339()),
            Ok("2026-07-01T09:00:00+00:00".into())
        );
        assert_eq!(
            london_instant(d(2026, 12, 1), t(10, 0)).map(|x| x.to_rfc3339()),
            Ok("2026-12-01T10:00:00+00:00".into())
        );
    }

    #[test]
    fn clock_changes() {
        assert!(
            london_instant(d(2026, 3, 29), t(1, 30)).is_err(),
            "skipped hour"
        );
        assert_eq!(
            london_instant(d(2026, 10, 25), t(1, 30)).map(|x| x.to_rfc3339()),
            Ok("2026-10-25T00:30:00+00:00".into())
        );
        assert_eq!(
            london_date(london_instant(d(2026, 6, 1), t(0, 30)).unwrap_or_default()),
            d(2026, 6, 1)
        );
    }
}
