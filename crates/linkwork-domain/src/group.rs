//! Groups, courses and events that link workers run or co-run (aspect 2 of
//! the role in PRODUCT.md): a health walk, a Seasons for Growth course, chair
//! yoga, a gardening group, a celebration walk. The rules for what may be
//! recorded live here.

use crate::dates::{self, Span};
use crate::fields::FieldErrors;
use crate::text::{optional_text, required_text};
use chrono::NaiveDate;

/// The kinds of group, with their labels.
pub const GROUP_KINDS: [(&str, &str); 8] = [
    ("health_walk", "Health walk"),
    ("course", "Course (for example Seasons for Growth)"),
    ("exercise", "Gentle exercise (for example chair yoga)"),
    ("peer_support", "Peer support group"),
    ("activity", "Activity group (for example gardening)"),
    ("event", "Event (for example a celebration walk)"),
    (
        "hosted_service",
        "Service a partner runs at a practice (for example a hearing-aid drop-in)",
    ),
    ("other", "Other"),
];

/// The label of a group kind (the code itself when unknown).
pub fn kind_label(code: &str) -> &str {
    GROUP_KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

/// At most this many others (not registered) at one session.
pub const MAX_OTHERS: i64 = 10_000;

/// A group's details as checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub kind: &'static str,
    pub description: Option<String>,
    /// Where it meets, in words (a church hall, the park gates).
    pub venue: Option<String>,
    /// Support given in kind, e.g. a hall given free.
    pub in_kind: Option<String>,
    /// Partner organisations running it with the programme.
    pub partners: Option<String>,
    pub facilitators: Option<String>,
    /// When it meets, in words (Tuesdays 10:30, weekly).
    pub schedule: Option<String>,
    /// An event's or activity's risk assessment, as structured text.
    pub risk_assessment: Option<String>,
    /// The practice hosting it (a partner's service held at a practice).
    pub site_id: Option<i64>,
    /// The directory organisation that runs it with the programme.
    pub organization_id: Option<i64>,
    /// Where it meets, as a directory location.
    pub location_id: Option<i64>,
    /// Still meeting (a group that has ended is kept, marked inactive).
    pub active: bool,
}

/// The fields of a group as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct GroupFields<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub description: &'a str,
    pub venue: &'a str,
    pub in_kind: &'a str,
    pub partners: &'a str,
    pub facilitators: &'a str,
    pub schedule: &'a str,
    pub risk_assessment: &'a str,
    pub site_id: &'a str,
    pub organization_id: &'a str,
    pub location_id: &'a str,
    /// `no` when the group has ended; blank or `yes`: still meeting.
    pub active: &'a str,
}

/// Check a group as typed; errors name the field.
pub fn group(f: GroupFields<'_>) -> Result<Group, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = e.check("name", required_text(f.name, "the group's name", 120));
    let kind = GROUP_KINDS
        .iter()
        .find(|(c, _)| *c == f.kind.trim())
        .map(|(c, _)| *c);
    if kind.is_none() {
        e.add("kind", "Choose what kind of group it is");
    }
    let mut text = |field: &str, raw: &str, what: &str, max: usize| {
        e.check(field, optional_text(raw, what, max)).flatten()
    };
    let description = text("description", f.description, "the description", 2000);
    let venue = text("venue", f.venue, "the venue", 300);
    let in_kind = text("in_kind", f.in_kind, "the support in kind", 300);
    let partners = text("partners", f.partners, "the partners", 300);
    let facilitators = text("facilitators", f.facilitators, "the facilitators", 300);
    let schedule = text("schedule", f.schedule, "when it meets", 300);
    let risk_assessment = text(
        "risk_assessment",
        f.risk_assessment,
        "the risk assessment",
        8000,
    );
    let id = |e: &mut FieldErrors, field: &str, raw: &str, what: &str| match raw.trim() {
        "" => None,
        t => e
            .check(
                field,
                t.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or(format!("Choose {what} from the list")),
            )
            .flatten(),
    };
    let site_id = id(&mut e, "site_id", f.site_id, "the practice");
    let organization_id = id(
        &mut e,
        "organization_id",
        f.organization_id,
        "the organisation",
    );
    let location_id = id(&mut e, "location_id", f.location_id, "the venue");
    let active = match f.active.trim() {
        "" | "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => e.check("active", Err("Say yes or no".to_owned())),
    };
    if kind == Some("hosted_service") {
        if site_id.is_none() && e.for_field("site_id").is_none() {
            e.add("site_id", "Choose the practice that hosts the service");
        }
        if organization_id.is_none() && e.for_field("organization_id").is_none() {
            e.add(
                "organization_id",
                "Choose the organisation that runs the service",
            );
        }
    }
    e.into_result()?;
    Ok(Group {
        site_id,
        organization_id,
        location_id,
        active: active.unwrap_or(true),
        name: name.unwrap_or_default(),
        kind: kind.unwrap_or("other"),
        description,
        venue,
        in_kind,
        partners,
        facilitators,
        schedule,
        risk_assessment,
    })
}

/// A session as checked: the day, how many came who are not registered,
/// and feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub held_on: NaiveDate,
    pub others: i64,
    pub feedback: Option<String>,
}

/// Check a session as typed: the day within the last year and not after
/// today (attendance is taken at or after the session), `others` a whole
/// number (blank: none).
pub fn session(
    held_on: &str,
    others: &str,
    feedback: &str,
    today: NaiveDate,
) -> Result<Session, FieldErrors> {
    let mut e = FieldErrors::new();
    let held_on = if held_on.trim().is_empty() {
        Some(today)
    } else {
        e.check(
            "held_on",
            dates::required(held_on, "the day of the session", Span::past(today, 1)),
        )
    };
    let others = match others.trim() {
        "" => Some(0),
        t => e.check(
            "others",
            t.parse::<i64>()
                .ok()
                .filter(|n| (0..=MAX_OTHERS).contains(n))
                .ok_or(format!(
                    "Enter how many others came as a whole number, from 0 to {MAX_OTHERS}"
                )),
        ),
    };
    let feedback = e
        .check("feedback", optional_text(feedback, "the feedback", 4000))
        .flatten();
    e.into_result()?;
    Ok(Session {
        held_on: held_on.unwrap_or(today),
        others: others.unwrap_or(0),
        feedback,
    })
}

/// Feedback on a course or group as a whole, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub given_on: NaiveDate,
    pub feedback: String,
}

/// Check feedback on a course or group: the day (blank: today; within the
/// last year, not in the future) and what was said.
pub fn feedback(given_on: &str, feedback: &str, today: NaiveDate) -> Result<Feedback, FieldErrors> {
    let mut e = FieldErrors::new();
    let given_on = if given_on.trim().is_empty() {
        Some(today)
    } else {
        e.check(
            "given_on",
            dates::required(given_on, "the day it was given", Span::past(today, 1)),
        )
    };
    let feedback = e.check("feedback", required_text(feedback, "the feedback", 4000));
    e.into_result()?;
    Ok(Feedback {
        given_on: given_on.unwrap_or(today),
        feedback: feedback.unwrap_or_default(),
    })
}

/// The largest risk assessment file kept: 5 MB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The kinds of file a risk assessment may be: extension, content type,
/// and how its first bytes begin (the content is checked, never the
/// browser's word for it).
const FILE_KINDS: [(&str, &str, &[u8]); 9] = [
    ("pdf", "application/pdf", b"%PDF-"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        b"PK\x03\x04",
    ),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        b"PK\x03\x04",
    ),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    ("txt", "text/plain; charset=utf-8", b""),
];

/// A file as checked: its name (made safe to show and to send back), its
/// content type, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub file_name: String,
    pub content_type: &'static str,
    pub content: Vec<u8>,
}

/// Check a risk assessment file: not empty, at most [`MAX_FILE_BYTES`], a
/// PDF, Word, spreadsheet, OpenDocument, PNG, JPEG or plain text file whose
/// content is what its name says. Errors name the field `file`.
pub fn file(name: &str, content: Vec<u8>) -> Result<File, FieldErrors> {
    let fail = |m: String| Err(FieldErrors::single("file", m));
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let safe: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .take(120)
        .collect();
    let safe = safe.trim().to_owned();
    if content.is_empty() {
        return fail("Choose a file to upload".into());
    }
    if content.len() > MAX_FILE_BYTES {
        return fail(format!(
            "The file must be smaller than {} MB",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let ext = safe
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, content_type, magic)) = FILE_KINDS.iter().find(|(e, _, _)| *e == ext) else {
        return fail(
            "The file must be a PDF, Word (.docx), spreadsheet (.xlsx or .ods), OpenDocument text (.odt), PNG, JPEG or plain text (.txt) file".into(),
        );
    };
    let fits = if ext == "txt" {
        std::str::from_utf8(&content).is_ok_and(|t| !t.contains('\0'))
    } else {
        content.starts_with(magic)
    };
    if !fits {
        return fail(format!(
            "The file's content is not a .{ext} file: check you chose the right one"
        ));
    }
    Ok(File {
        file_name: safe,
        content_type,
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn fields(e: FieldErrors) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_group_needs_a_name_and_a_known_kind() {
        let g = group(GroupFields {
            name: "Tuesday health walk",
            kind: "health_walk",
            venue: "Springburn Park gates",
            in_kind: "Hall given free by the parish church",
            ..Default::default()
        });
        assert_eq!(g.as_ref().map(|g| g.kind), Ok("health_walk"));
        assert_eq!(
            g.ok().and_then(|g| g.in_kind).as_deref(),
            Some("Hall given free by the parish church")
        );
        let e = group(GroupFields {
            kind: "rave",
            ..Default::default()
        })
        .err()
        .map(fields);
        assert_eq!(e, Some(vec!["name".to_owned(), "kind".to_owned()]));
    }

    #[test]
    fn a_hosted_service_names_its_practice_and_partner() {
        let e = group(GroupFields {
            name: "Hearing-aid drop-in",
            kind: "hosted_service",
            ..Default::default()
        })
        .err()
        .map(fields);
        assert_eq!(
            e,
            Some(vec!["site_id".to_owned(), "organization_id".to_owned()])
        );
        let g = group(GroupFields {
            name: "Hearing-aid drop-in",
            kind: "hosted_service",
            site_id: "3",
            organization_id: "9",
            ..Default::default()
        });
        assert_eq!(
            g.map(|g| (g.site_id, g.organization_id)),
            Ok((Some(3), Some(9)))
        );
    }

    #[test]
    fn a_group_may_end_and_meet_at_a_directory_location() {
        let g = group(GroupFields {
            name: "Gardening group",
            kind: "activity",
            location_id: "12",
            active: "no",
            ..Default::default()
        });
        assert_eq!(g.map(|g| (g.location_id, g.active)), Ok((Some(12), false)));
        let e = group(GroupFields {
            name: "Gardening group",
            kind: "activity",
            location_id: "x",
            active: "maybe",
            ..Default::default()
        })
        .err()
        .map(fields);
        assert_eq!(e, Some(vec!["location_id".to_owned(), "active".to_owned()]));
    }

    #[test]
    fn a_risk_assessment_file_is_checked_by_its_content_and_size() {
        let pdf = b"%PDF-1.7 rest".to_vec();
        let f = file("C:\\Users\\walk \"risk\".pdf", pdf.clone());
        assert_eq!(
            f.map(|f| (f.file_name, f.content_type)),
            Ok(("walk risk.pdf".to_owned(), "application/pdf"))
        );
        // A PNG named as a PDF, an executable, an empty file, too big.
        assert!(file("risk.pdf", b"\x89PNG\r\n\x1a\nxx".to_vec()).is_err());
        assert!(file("risk.exe", b"MZ".to_vec()).is_err());
        assert!(file("risk.pdf", Vec::new()).is_err());
        let mut big = pdf;
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert_eq!(
            file("risk.pdf", big).err().map(fields),
            Some(vec!["file".to_owned()])
        );
        assert!(file("notes.TXT", b"Hazards: uneven path".to_vec()).is_ok());
        assert!(file("notes.txt", vec![0, 1, 2]).is_err());
    }

    #[test]
    fn feedback_needs_words_and_a_day_not_in_the_future() {
        let today = day(2026, 11, 25);
        let f = feedback("", "I feel less alone", today);
        assert_eq!(f.map(|f| f.given_on), Ok(today));
        let e = feedback("26/11/2026", " ", today).err().map(fields);
        assert_eq!(e, Some(vec!["given_on".to_owned(), "feedback".to_owned()]));
    }

    #[test]
    fn a_session_is_in_the_past_year_and_others_are_counted() {
        let today = day(2026, 11, 25);
        let s = session("", "", "", today);
        assert_eq!(s.map(|s| (s.held_on, s.others)), Ok((today, 0)));
        let s = session("18/11/2026", "3", "Lovely walk", today);
        assert_eq!(s.map(|s| (s.held_on, s.others)), Ok((day(2026, 11, 18), 3)));
        let e = session("26/11/2026", "-1", "", today).err().map(fields);
        assert_eq!(e, Some(vec!["held_on".to_owned(), "others".to_owned()]));
    }
}
