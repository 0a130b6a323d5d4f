//! Conventions every operation of the API keeps, written into the OpenAPI
//! document once so that no handler can forget them: path parameters, the
//! types of the query parameters the list operations share, the closed sets
//! of codes that fields accept, and the problem-details answers.

use linkwork_app::casework::{self, support};
use linkwork_app::participants;
use linkwork_domain::Role;
use linkwork_domain::appointment::{AppointmentStatus, MODES};
use linkwork_domain::referral::{
    self as rules, GoalStatus, NeedStatus, OnwardStatus, ReferralStatus,
};
use linkwork_domain::text::SiteKind;
use utoipa::Modify;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Required};

fn codes(list: &[(&str, &str)]) -> Vec<String> {
    of(list.iter().map(|(c, _)| *c))
}

fn of<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    codes.into_iter().map(str::to_owned).collect()
}

/// The closed sets of codes: (schema, property, the codes it accepts).
fn closed_sets() -> Vec<(&'static str, &'static str, Vec<String>)> {
    let referral_statuses = of(ReferralStatus::ALL.iter().map(|s| s.code()));
    let appointment_statuses = of(AppointmentStatus::ALL.iter().map(|s| s.code()));
    let goal_statuses = of(GoalStatus::ALL.iter().map(|s| s.code()));
    let onward_statuses = of(OnwardStatus::ALL.iter().map(|s| s.code()));
    let need_statuses = of(NeedStatus::ALL.iter().map(|s| s.code()));
    let site_kinds = of(SiteKind::ALL.iter().map(|s| s.code()));
    let roles = of(Role::ALL.iter().map(|r| r.code()));
    let measure_kinds = of(["swemwbs", "ons4"]);
    vec![
        ("AppointmentInput", "mode", codes(&MODES)),
        ("OutcomeInput", "status", appointment_statuses.clone()),
        ("Appointment", "status", appointment_statuses),
        ("Appointment", "mode", codes(&MODES)),
        ("MeasureInput", "kind", measure_kinds.clone()),
        ("MeasureInput", "stage", codes(&rules::MEASURE_STAGES)),
        ("Measure", "kind", measure_kinds.clone()),
        ("Measure", "stage", codes(&rules::MEASURE_STAGES)),
        ("FlagInput", "kind", codes(&rules::RISK_KINDS)),
        ("RiskFlag", "kind", codes(&rules::RISK_KINDS)),
        ("GoalReviewInput", "status", goal_statuses.clone()),
        ("Goal", "status", goal_statuses),
        ("OnwardInput", "status", onward_statuses.clone()),
        ("OnwardInput", "kind", codes(&casework::ONWARD_KINDS)),
        ("OnwardSupport", "status", onward_statuses.clone()),
        (
            "AnswerInput",
            "status",
            of(linkwork_app::partner::PARTNER_ANSWERS
                .iter()
                .map(|s| s.code())),
        ),
        ("PartnerReferralBody", "status", onward_statuses),
        (
            "PartnerReferralBody",
            "kind",
            of(["referral", "accompanied"]),
        ),
        (
            "ActivityInput",
            "kind",
            codes(&linkwork_domain::practice::ACTIVITY_KINDS),
        ),
        (
            "ActivityBody",
            "kind",
            codes(&linkwork_domain::practice::ACTIVITY_KINDS),
        ),
        ("FundLineInput", "direction", of(["allocate", "spend"])),
        (
            "GroupInput",
            "kind",
            codes(&linkwork_domain::group::GROUP_KINDS),
        ),
        ("Group", "kind", codes(&linkwork_domain::group::GROUP_KINDS)),
        (
            "AgreementInput",
            "funding",
            codes(&linkwork_domain::partnership::FUNDING),
        ),
        (
            "Agreement",
            "funding",
            codes(&linkwork_domain::partnership::FUNDING),
        ),
        (
            "PersonGroup",
            "kind",
            codes(&linkwork_domain::group::GROUP_KINDS),
        ),
        ("OnwardSupport", "kind", codes(&casework::ONWARD_KINDS)),
        ("NeedInput", "status", need_statuses.clone()),
        ("Need", "status", need_statuses.clone()),
        ("NeedUpdate", "status", need_statuses),
        (
            "SafeguardingInput",
            "kind",
            codes(&casework::SAFEGUARDING_KINDS),
        ),
        (
            "SafeguardingAction",
            "kind",
            codes(&casework::SAFEGUARDING_KINDS),
        ),
        ("ReferralInput", "source", codes(&rules::SOURCES)),
        ("ReferralInput", "urgency", codes(&rules::URGENCIES)),
        ("Referral", "source", codes(&rules::SOURCES)),
        ("Referral", "urgency", codes(&rules::URGENCIES)),
        ("Referral", "status", referral_statuses),
        ("ContactInput", "method", codes(&rules::CONTACT_METHODS)),
        ("ContactInput", "outcome", codes(&rules::CONTACT_OUTCOMES)),
        ("ContactAttempt", "method", codes(&rules::CONTACT_METHODS)),
        ("ContactAttempt", "outcome", codes(&rules::CONTACT_OUTCOMES)),
        (
            "ParticipantInput",
            "preferred_contact",
            codes(&participants::CONTACT_METHODS),
        ),
        ("ParticipantInput", "sex", codes(&participants::SEXES)),
        ("ConsentInput", "kind", codes(&support::CONSENT_KINDS)),
        ("Consent", "kind", codes(&support::CONSENT_KINDS)),
        ("FundInput", "kind", codes(&support::FUND_KINDS)),
        ("Fund", "kind", codes(&support::FUND_KINDS)),
        ("Voucher", "kind", codes(&support::FUND_KINDS)),
        ("SiteInput", "kind", site_kinds.clone()),
        ("Site", "kind", site_kinds),
        ("UserInput", "role", roles.clone()),
        ("User", "role", roles.clone()),
        ("Me", "role", roles),
    ]
}

/// A text schema limited to `values`, keeping the field's description.
fn one_of(values: &[String], old: Option<&RefOr<Schema>>) -> RefOr<Schema> {
    let description = match old {
        Some(RefOr::T(Schema::Object(o))) => o.description.clone(),
        _ => None,
    };
    let mut o: Object = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().cloned()))
        .build();
    o.description = description;
    RefOr::T(Schema::Object(o))
}

/// The type of a query parameter the list operations share, by its name (and,
/// for `from`/`to`, by whether the path takes dates or instants).
fn query_schema(path: &str, name: &str) -> Option<Object> {
    let int = |min: i64, max: Option<i64>| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(min))
            .maximum(max)
            .build()
    };
    let text = |format: KnownFormat| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(format)))
            .build()
    };
    Some(match name {
        "limit" => int(1, Some(1000)),
        "offset" => int(0, None),
        n if n.ends_with("_id") && n != "object_id" => int(1, None),
        "from" | "to" if path.ends_with("/appointments") => text(KnownFormat::DateTime),
        "status" if path.ends_with("/appointments") => ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(
                linkwork_domain::appointment::AppointmentStatus::ALL
                    .iter()
                    .map(|s| s.code())
                    .chain(["cancelled"]),
            ))
            .build(),
        "from" | "to" => text(KnownFormat::Date),
        "dry_run" => ObjectBuilder::new().schema_type(Type::Boolean).build(),
        "role" => ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Role::ALL.iter().map(|r| r.code())))
            .build(),
        _ => return None,
    })
}

/// What holds for every operation, added to the document so that no handler
/// can forget it: each `{name}` in a path is a declared path parameter (ids
/// are positive whole numbers; a reason's `code` is text), and each
/// operation may answer with problem details for the errors every operation
/// can meet.
pub struct Conventions;

const PROBLEM_ANSWERS: [(&str, &str); 9] = [
    ("400", "The request could not be read"),
    ("401", "No valid personal API token"),
    ("403", "The token's owner may not do this"),
    (
        "404",
        "Not found, or not within what the token's owner may see",
    ),
    (
        "409",
        "Conflicts with the current state: changed by someone else, or a duplicate",
    ),
    ("413", "The request body is too large"),
    ("422", "Invalid fields, each named with what is wrong"),
    ("429", "Too many attempts"),
    (
        "500",
        "Something went wrong on the server (the answer carries an error id)",
    ),
];

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        if let Some(components) = openapi.components.as_mut() {
            for (schema, property, values) in closed_sets() {
                if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(schema)
                    && let Some(old) = o.properties.get(property)
                {
                    let new = one_of(&values, Some(old));
                    o.properties.insert(property.to_owned(), new);
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let names: Vec<&str> = path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let params = op.parameters.get_or_insert_with(Vec::new);
                for p in params.iter_mut() {
                    if p.parameter_in == ParameterIn::Query
                        && let Some(s) = query_schema(path, &p.name)
                    {
                        p.schema = Some(RefOr::T(Schema::Object(s)));
                    }
                }
                for name in &names {
                    if params
                        .iter()
                        .any(|p| p.name == *name && p.parameter_in == ParameterIn::Path)
                    {
                        continue;
                    }
                    let schema = if *name == "code" {
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .min_length(Some(1))
                    } else {
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                            .minimum(Some(1))
                    };
                    params.push(
                        ParameterBuilder::new()
                            .name(*name)
                            .parameter_in(ParameterIn::Path)
                            .required(Required::True)
                            .description(Some(if *name == "code" {
                                "The reason's code".to_owned()
                            } else {
                                format!("The {name}'s id")
                            }))
                            .schema(Some(schema))
                            .build(),
                    );
                }
                // Problem details are application/problem+json, whichever
                // way a handler declared them.
                for r in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = r
                        && let Some(c) = r.content.get("application/json")
                        && is_problem(c)
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content.insert("application/problem+json".to_owned(), c);
                    }
                }
                for (code, description) in PROBLEM_ANSWERS {
                    op.responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/problem+json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("Problem")))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

fn is_problem(c: &utoipa::openapi::Content) -> bool {
    matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
}
