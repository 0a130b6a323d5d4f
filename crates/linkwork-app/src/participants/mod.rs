//! Participants: finding, registering (with a duplicate check), reading
//! (audited) and editing the people a programme supports.

use crate::gate::{Access, Use};
use crate::{App, AppError, Ctx, Result};
use chrono::NaiveDate;
use linkwork_domain::dates::{self, Span, TwoDigitYear};
use linkwork_domain::identifiers::{ChiNumber, NhsNumber};
use linkwork_domain::text::{self, Email, Postcode};
use linkwork_domain::{FieldErrors, Grant, Permission};
use linkwork_store::audit;
use linkwork_store::participants::{self as store, ParticipantFields, Search};
pub use linkwork_store::participants::{Match, Participant};
use serde::{Deserialize, Serialize};

/// A participant as typed into a form or sent as JSON (all text, so bad input
/// can be shown back as typed).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ParticipantInput {
    /// The GP practice (site) the person is registered with.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub site_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub given_name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub family_name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub preferred_name: String,
    /// ISO 8601, `1985-04-19`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub date_of_birth: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub chi_number: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub nhs_number: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub sex: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub phone: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub email: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub address: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub postcode: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub preferred_contact: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub contact_times: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub language: String,
    /// `yes` or `no`.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub interpreter_needed: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub accessibility_needs: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub emergency_contact: String,
}

pub const CONTACT_METHODS: [(&str, &str); 5] = [
    ("phone", "Phone call"),
    ("text", "Text message"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("in_person", "In person"),
];

pub const SEXES: [(&str, &str); 4] = [
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other"),
    ("not_said", "Prefers not to say"),
];

/// A date typed in any of the ways [`dates::parse`] reads, two-digit years
/// as 20yy (for dates ahead, such as the diary's day).
type Instant = chrono::DateTime<chrono::Utc>;

/// A run of UK days as typed in a list's filter (`from`, `to` inclusive,
/// either blank), as instants: the first day's midnight and the midnight
/// after the last. A date that cannot be read, or a last day before the
/// first, is added to `e` under its field.
pub(crate) fn uk_days(
    e: &mut linkwork_domain::FieldErrors,
    from: &str,
    to: &str,
) -> crate::Result<(Option<Instant>, Option<Instant>)> {
    let (first, last) = uk_dates(e, from, to);
    let at = |d: NaiveDate| {
        linkwork_domain::appointment::london_instant(d, chrono::NaiveTime::MIN)
            .map_err(crate::AppError::internal)
    };
    Ok((
        first.map(at).transpose()?,
        last.map(|d| at(d + chrono::Duration::days(1)))
            .transpose()?,
    ))
}

/// A run of UK days as typed in a list's filter (`from`, `to` inclusive,
/// either blank), as dates; errors as [`uk_days`].
pub(crate) fn uk_dates(
    e: &mut linkwork_domain::FieldErrors,
    from: &str,
    to: &str,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let mut day = |field: &str, raw: &str| match raw.trim() {
        "" => None,
        t => {
            let d = parse_date(t);
            if d.is_none() {
                e.add(field, "Enter a date, like 1/11/2026");
            }
            d
        }
    };
    let (first, last) = (day("from", from), day("to", to));
    if let (Some(a), Some(b)) = (first, last)
        && b < a
    {
        e.add("to", "The last day must not be before the first");
    }
    (first, last)
}

pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    dates::parse(raw, TwoDigitYear::ThisCentury)
}

impl ParticipantInput {
    /// Parse every field; `today` bounds the date of birth. Returns the fields
    /// and any warnings (such as a CHI whose date differs from the date of birth).
    pub fn parse(&self, today: NaiveDate) -> Result<(ParticipantFields, Vec<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        let mut warnings = Vec::new();
        let given_name = e.check(
            "given_name",
            text::required_text(&self.given_name, "the person's given name", 100),
        );
        let family_name = e.check(
            "family_name",
            text::required_text(&self.family_name, "the person's family name", 100),
        );
        let preferred_name = e.check(
            "preferred_name",
            text::optional_text(&self.preferred_name, "the preferred name", 100),
        );
        let dob = e.check(
            "date_of_birth",
            dates::required(&self.date_of_birth, "the date of birth", Span::birth(today)),
        );
        let site_id = e.check(
            "site_id",
            self.site_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose the GP practice the person is registered with"),
        );
        let chi = if self.chi_number.trim().is_empty() {
            None
        } else {
            e.check("chi_number", ChiNumber::parse(&self.chi_number))
        };
        if let (Some(c), Some(d)) = (&chi, dob)
            && !c.matches_birth_date(d)
        {
            warnings.push(
                "The CHI number's date does not match the date of birth: check both.".to_owned(),
            );
        }
        let nhs = if self.nhs_number.trim().is_empty() {
            None
        } else {
            e.check("nhs_number", NhsNumber::parse(&self.nhs_number))
        };
        let sex = match self.sex.trim() {
            "" => None,
            s if SEXES.iter().any(|(c, _)| *c == s) => Some(s.to_owned()),
            _ => {
                e.add(
                    "sex",
                    "Choose one of the options for sex, or leave it blank",
                );
                None
            }
        };
        let phone = e.check(
            "phone",
            text::optional_text(&self.phone, "the phone number", 40),
        );
        let email = if self.email.trim().is_empty() {
            None
        } else {
            e.check("email", Email::parse(&self.email))
                .map(|m| m.as_str().to_owned())
        };
        let address = e.check(
            "address",
            text::optional_text(&self.address, "the address", 500),
        );
        let postcode = if self.postcode.trim().is_empty() {
            None
        } else {
            e.check("postcode", Postcode::parse(&self.postcode))
                .map(|p| p.as_str().to_owned())
        };
        let preferred_contact = match self.preferred_contact.trim() {
            "" => None,
            s if CONTACT_METHODS.iter().any(|(c, _)| *c == s) => Some(s.to_owned()),
            _ => {
                e.add(
                    "preferred_contact",
                    "Choose how the person prefers to be contacted",
                );
                None
            }
        };
        let contact_times = e.check(
            "contact_times",
            text::optional_text(&self.contact_times, "the contact times", 200),
        );
        let language = e.check(
            "language",
            text::optional_text(&self.language, "the language", 60),
        );
        let interpreter_needed = match self.interpreter_needed.trim().to_lowercase().as_str() {
            "" | "no" | "false" => false,
            "yes" | "true" => true,
            _ => {
                e.add("interpreter_needed", "Choose yes or no");
                false
            }
        };
        let accessibility_needs = e.check(
            "accessibility_needs",
            text::optional_text(&self.accessibility_needs, "the accessibility needs", 1000),
        );
        let emergency_contact = e.check(
            "emergency_contact",
            text::optional_text(&self.emergency_contact, "the emergency contact", 300),
        );
        e.into_result()?;
        let fields = ParticipantFields {
            site_id: site_id.unwrap_or_default(),
            given_name: given_name.unwrap_or_default(),
            family_name: family_name.unwrap_or_default(),
            preferred_name: preferred_name.flatten(),
            date_of_birth: dob.unwrap_or_default(),
            chi_number: chi.map(|c| c.as_str().to_owned()),
            nhs_number: nhs.map(|n| n.as_str().to_owned()),
            sex,
            phone: phone.flatten(),
            email,
            address: address.flatten(),
            postcode,
            preferred_contact,
            contact_times: contact_times.flatten(),
            language: language.flatten(),
            interpreter_needed,
            accessibility_needs: accessibility_needs.flatten(),
            emergency_contact: emergency_contact.flatten(),
        };
        Ok((fields, warnings))
    }

    pub fn from_participant(p: &Participant) -> ParticipantInput {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        ParticipantInput {
            site_id: p.site_id.to_string(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            preferred_name: o(&p.preferred_name),
            date_of_birth: p.date_of_birth.format("%Y-%m-%d").to_string(),
            chi_number: o(&p.chi_number),
            nhs_number: o(&p.nhs_number),
            sex: o(&p.sex),
            phone: o(&p.phone),
            email: o(&p.email),
            address: o(&p.address),
            postcode: o(&p.postcode),
            preferred_contact: o(&p.preferred_contact),
            contact_times: o(&p.contact_times),
            language: o(&p.language),
            interpreter_needed: if p.interpreter_needed { "yes" } else { "no" }.into(),
            accessibility_needs: o(&p.accessibility_needs),
            emergency_contact: o(&p.emergency_contact),
        }
    }
}

/// A possible duplicate found when registering someone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PossibleDuplicate {
    pub id: i64,
    /// `chi_number`, `nhs_number` or `name_and_date_of_birth`.
    pub reason: String,
    /// `false` when the record is at a practice the user does not work at:
    /// then only its existence is shown, and a manager can help.
    pub visible: bool,
    pub name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub site_name: Option<String>,
    /// For records the user may see: the CHI number, to tell people apart.
    pub chi_number: Option<String>,
    /// Open risk flags of a visible record (so a match is never made blind).
    pub risk_flags: Vec<FlagBrief>,
}

/// An open risk flag, as shown beside a likely match.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagBrief {
    /// A risk kind code, such as `suicide_self_harm`.
    pub kind: String,
    pub label: String,
    pub review_on: Option<NaiveDate>,
    /// The review date has passed.
    pub overdue: bool,
}

/// Who a likely match is looked for: a person's names, date of birth and numbers.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// All the person's names, as written (given, family, preferred).
    pub names: String,
    pub date_of_birth: NaiveDate,
    pub chi_number: Option<String>,
    pub nhs_number: Option<String>,
}

/// All of a person's names in one string, for the likeness test.
fn all_names(given: &str, family: &str, preferred: Option<&str>) -> String {
    format!("{given} {family} {}", preferred.unwrap_or(""))
}

impl Probe {
    pub fn of(f: &ParticipantFields) -> Probe {
        Probe {
            names: all_names(&f.given_name, &f.family_name, f.preferred_name.as_deref()),
            date_of_birth: f.date_of_birth,
            chi_number: f.chi_number.clone(),
            nhs_number: f.nhs_number.clone(),
        }
    }
}

/// Records that are likely the same person as `probe` (see
/// [`linkwork_domain::matching`]): the same CHI or NHS number, or the same
/// date of birth and a name alike. Details (and open risk flags) are given
/// only for records within the user's scope.
pub(crate) async fn likely_matches(
    tx: &mut linkwork_store::Tx,
    grant: &Grant,
    probe: &Probe,
    except: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<PossibleDuplicate>> {
    let fields = ParticipantFields {
        date_of_birth: probe.date_of_birth,
        chi_number: probe.chi_number.clone(),
        nhs_number: probe.nhs_number.clone(),
        ..Default::default()
    };
    let words = linkwork_domain::matching::words(&probe.names);
    let mut out = Vec::new();
    for m in store::possible_duplicates(tx, grant, &fields, except).await? {
        if m.reason == "name_and_date_of_birth" {
            let theirs = all_names(&m.given_name, &m.family_name, m.preferred_name.as_deref());
            if !linkwork_domain::matching::names_alike(
                &words,
                &linkwork_domain::matching::words(&theirs),
            ) {
                continue;
            }
        }
        let visible = store::get(tx, grant.scope(), m.id).await.ok();
        let risk_flags = match &visible {
            Some(_) => linkwork_store::casework::risk_flags(tx, grant, m.id)
                .await?
                .into_iter()
                .filter(|f| f.resolved_at.is_none())
                .map(|f| FlagBrief {
                    label: linkwork_domain::referral::label_of(
                        &linkwork_domain::referral::RISK_KINDS,
                        &f.kind,
                    )
                    .to_owned(),
                    overdue: f.review_on.is_some_and(|d| d < today),
                    kind: f.kind,
                    review_on: f.review_on,
                })
                .collect(),
            None => Vec::new(),
        };
        out.push(PossibleDuplicate {
            id: m.id,
            reason: m.reason,
            visible: visible.is_some(),
            name: visible
                .as_ref()
                .map(|p| format!("{} {}", p.given_name, p.family_name)),
            date_of_birth: visible.as_ref().map(|p| p.date_of_birth),
            site_name: visible.as_ref().map(|p| p.site_name.clone()),
            chi_number: visible.as_ref().and_then(|p| p.chi_number.clone()),
            risk_flags,
        });
    }
    // Those the user can link come first.
    out.sort_by_key(|c| !c.visible);
    Ok(out)
}

/// The audit detail of likely matches shown: the ids of those described.
pub(crate) fn candidate_detail(found: &[PossibleDuplicate]) -> String {
    let ids: Vec<String> = found
        .iter()
        .map(|c| format!("{}{}", c.id, if c.visible { "" } else { " (not shown)" }))
        .collect();
    format!("candidates={}", ids.join(","))
}

/// What registering someone did.
#[derive(Debug, Clone)]
pub enum Registered {
    Created {
        id: i64,
        warnings: Vec<String>,
    },
    /// Nothing was written: these records may be the same person. Ask again
    /// with `confirmed_new` to register them anyway.
    PossibleDuplicates(Vec<PossibleDuplicate>),
}

/// What a search box holds: a 10-digit number, a date, a postcode or a name.
pub fn interpret_search(raw: &str, today: NaiveDate) -> Search {
    let t = raw.trim();
    let digits: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let mut s = Search::default();
    if t.is_empty() {
        return s;
    }
    if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
        s.number = Some(digits);
    } else if let Some(d) = dates::parse(t, TwoDigitYear::NotAfter(today)) {
        s.date_of_birth = Some(d);
    } else if let Ok(pc) = Postcode::parse(t) {
        s.postcode = Some(pc.as_str().to_owned());
    } else if t.len() <= 4
        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && t.chars().any(|c| c.is_ascii_digit())
    {
        s.postcode = Some(t.to_uppercase()); // a postcode district, like G21
    } else {
        s.text = Some(t.to_owned());
    }
    s
}

/// The audit detail of a search: the query as typed, the page, the number of
/// results and the ids of the records shown.
fn search_detail(query: &str, offset: i64, shown: &[Participant], total: i64) -> String {
    let ids: Vec<String> = shown.iter().map(|p| p.id.to_string()).collect();
    format!(
        "query={:?} offset={offset} results={total} shown={}",
        query.trim(),
        ids.join(",")
    )
}

impl App {
    pub async fn search_participants(
        &self,
        ctx: &Ctx,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Participant>, i64)> {
        let mut s = interpret_search(query, self.now().date_naive());
        s.limit = limit;
        s.offset = offset;
        // A list of people's records is a view of each of them: who looked,
        // for what, how many answered and which.
        let u = Use::view(
            ctx,
            Permission::WorkWithParticipants,
            "participant.search",
            "participant",
            "search",
        );
        self.run(u, async |tx, g, ev| {
            let r = store::search(tx, g.scope(), &s).await?;
            ev.detail = search_detail(query, offset, &r.0, r.1);
            Ok(r)
        })
        .await
    }

    /// Which of these records (from a search the user made) have an open
    /// referral on the user's own caseload.
    pub async fn on_my_caseload(&self, ctx: &Ctx, ids: &[i64]) -> Result<Vec<i64>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "participant");
        self.read(u, async |tx, g| {
            Ok(store::on_caseload(tx, g.user_id(), ids).await?)
        })
        .await
    }

    /// One person's record. Every view is audited; a record outside the
    /// user's scope is "not found" (and the refusal audited).
    pub async fn get_participant(&self, ctx: &Ctx, id: i64) -> Result<Participant> {
        self.on_record_with(
            ctx,
            id,
            Access::View("participant.view"),
            async |_, _, p| Ok(p),
        )
        .await
    }

    /// A record to show again in its edit form after a failed change: the
    /// change was already attempted (and refused or invalid), so this read is
    /// not audited as a second view.
    pub async fn participant_for_form(&self, ctx: &Ctx, id: i64) -> Result<Participant> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "participant").of(id);
        self.read(u, async |tx, g| Ok(store::get(tx, g.scope(), id).await?))
            .await
    }

    /// The site must be one the user works at (managers: any in the programme).
    async fn check_participant_site(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &Grant,
        site_id: i64,
    ) -> Result<()> {
        match linkwork_store::org::get_site(tx, grant.scope(), site_id).await {
            Ok(s) if s.kind.holds_people() => Ok(()),
            Ok(_) => Err(AppError::field(
                "site_id",
                "Choose a GP practice or food bank",
            )),
            Err(linkwork_store::StoreError::NotFound) => {
                Err(AppError::field("site_id", "Choose a practice you work at"))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn register_participant(
        &self,
        ctx: &Ctx,
        input: &ParticipantInput,
        confirmed_new: bool,
    ) -> Result<Registered> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "participant.create",
            "participant",
            "new",
        );
        self.run(u, async |tx, grant, ev| {
            let today = self.now().date_naive();
            let (fields, warnings) = input.parse(today)?;
            self.check_participant_site(tx, grant, fields.site_id)
                .await?;
            let uk_today = linkwork_domain::appointment::london_date(self.now());
            let matches = likely_matches(tx, grant, &Probe::of(&fields), None, uk_today).await?;
            let exact = matches.iter().any(|m| m.reason != "name_and_date_of_birth");
            if !matches.is_empty() && (!confirmed_new || exact) {
                // Nothing was written, but other people's records were shown.
                ev.action = "participant.match".into();
                ev.detail = candidate_detail(&matches);
                return Ok(Registered::PossibleDuplicates(matches));
            }
            let id = store::create(tx, grant, &fields, self.now()).await?;
            ev.object_id = id.to_string();
            ev.detail = format!("registered at site {}", fields.site_id);
            Ok(Registered::Created { id, warnings })
        })
        .await
    }

    pub async fn update_participant(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &ParticipantInput,
    ) -> Result<Vec<String>> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "participant.update",
            "participant",
            id,
        );
        self.run(u, async |tx, grant, _| {
            let (fields, warnings) = input.parse(self.now().date_naive())?;
            // The record must be within scope before and after the change.
            store::get(tx, grant.scope(), id).await?;
            self.check_participant_site(tx, grant, fields.site_id)
                .await?;
            let dup = store::possible_duplicates(tx, grant, &fields, Some(id)).await?;
            if let Some(m) = dup.iter().find(|m| m.reason != "name_and_date_of_birth") {
                return Err(AppError::field(
                    &m.reason,
                    "Another person's record already has this number",
                ));
            }
            store::update(tx, grant, id, version, &fields, self.now()).await?;
            Ok(warnings)
        })
        .await
    }
}

/// Which record to merge into this one, and the versions both were read at.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct MergeInput {
    /// The duplicate record, to be merged into the one in the path.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub other_id: String,
    /// The version of the record kept.
    pub version: i64,
    /// The version of the duplicate.
    pub other_version: i64,
}

/// Why two records cannot be one person, if they cannot.
pub fn merge_conflict(
    keep: &Participant,
    dup: &Participant,
) -> Option<(&'static str, &'static str)> {
    let differ =
        |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(x), Some(y)) if x != y);
    if keep.id == dup.id {
        Some(("other_id", "Choose a different record to merge"))
    } else if dup.merged_into.is_some() || keep.merged_into.is_some() {
        Some(("other_id", "That record has already been merged"))
    } else if differ(&keep.chi_number, &dup.chi_number) {
        Some((
            "other_id",
            "The two records have different CHI numbers, so they are different people",
        ))
    } else if differ(&keep.nhs_number, &dup.nhs_number) {
        Some((
            "other_id",
            "The two records have different NHS numbers, so they are different people",
        ))
    } else {
        None
    }
}

impl App {
    /// The other record, for a manager comparing two before merging them.
    pub async fn merge_candidates(&self, ctx: &Ctx, id: i64) -> Result<Vec<Participant>> {
        let u = Use::view(
            ctx,
            Permission::ManageCaseloads,
            "participant.compare",
            "participant",
            id,
        );
        self.run(u, async |tx, grant, _| {
            let scope = grant.scope();
            let keep = store::get(tx, scope, id).await?;
            let fields = ParticipantInput::from_participant(&keep)
                .parse(self.now().date_naive())
                .map(|(f, _)| f)
                .unwrap_or_default();
            let today = self.now().date_naive();
            let mut out = Vec::new();
            for m in likely_matches(tx, grant, &Probe::of(&fields), Some(id), today).await? {
                if let Ok(p) = store::get(tx, scope, m.id).await {
                    out.push(p);
                }
            }
            Ok(out)
        })
        .await
    }

    /// Merge another record of the same person into this one (managers). The
    /// other record stays, marked as merged; everything recorded against it
    /// moves here; blank details here are filled from it. Audited on both.
    pub async fn merge_participants(&self, ctx: &Ctx, id: i64, input: &MergeInput) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageCaseloads,
            "participant.merge",
            "participant",
            id,
        );
        self.run(u, async |tx, grant, ev| {
            let scope = grant.scope();
            let other = input
                .other_id
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::field("other_id", "Enter the other record's number"))?;
            let now = self.now();
            let keep = store::get(tx, scope, id).await?;
            let dup = match store::get(tx, scope, other).await {
                Ok(p) => p,
                Err(linkwork_store::StoreError::NotFound) => {
                    return Err(AppError::field(
                        "other_id",
                        "There is no record with that number",
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            if let Some((field, message)) = merge_conflict(&keep, &dup) {
                return Err(AppError::field(field, message));
            }
            if keep.version != input.version || dup.version != input.other_version {
                return Err(linkwork_store::StoreError::StaleVersion.into());
            }
            store::merge(tx, grant, &keep, &dup, now).await?;
            let mut other_ev = ev.clone();
            other_ev.object_id = other.to_string();
            other_ev.detail = format!("merged into record {id}");
            audit::append(tx, &other_ev, now).await?;
            ev.detail = format!("record {other} merged into this one");
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    #[test]
    fn a_good_record_parses_with_a_warning_for_a_mismatched_chi() {
        let i = ParticipantInput {
            site_id: "4".into(),
            given_name: "Ann".into(),
            family_name: "Example".into(),
            date_of_birth: "20/04/1985".into(),
            chi_number: "1904851231".into(),
            postcode: "g51 4tr".into(),
            ..Default::default()
        };
        let (f, w) = i.parse(today()).unwrap_or_default();
        assert_eq!(f.postcode.as_deref(), Some("G51 4TR"));
        assert_eq!(f.chi_number.as_deref(), Some("1904851231"));
        assert_eq!(w.len(), 1, "CHI says 19 April, date of birth says 20 April");
    }

    #[test]
    fn bad_identifiers_are_named() {
        let i = ParticipantInput {
            given_name: "A".into(),
            family_name: "B".into(),
            date_of_birth: "2030-01-01".into(),
            chi_number: "9999999999".into(),
            nhs_number: "1234567890".into(),
            ..Default::default()
        };
        let errs = i.parse(today()).err().unwrap_or_default();
        let fields: Vec<&str> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["date_of_birth", "site_id", "chi_number", "nhs_number"]
        );
    }

    #[test]
    fn the_search_box_understands_numbers_dates_postcodes_and_names() {
        assert_eq!(
            interpret_search("190 485 1231", today()).number.as_deref(),
            Some("1904851231")
        );
        assert_eq!(
            interpret_search("19/04/1985", today()).date_of_birth,
            NaiveDate::from_ymd_opt(1985, 4, 19)
        );
        assert_eq!(
            interpret_search("g51 4tr", today()).postcode.as_deref(),
            Some("G51 4TR")
        );
        assert_eq!(
            interpret_search("G21", today()).postcode.as_deref(),
            Some("G21")
        );
        assert_eq!(
            interpret_search("ann example", today()).text.as_deref(),
            Some("ann example")
        );
    }
}
