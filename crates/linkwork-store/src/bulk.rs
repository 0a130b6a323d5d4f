//! Inserting many rows at once (generated demo data, directory imports):
//! one statement per chunk instead of a round trip per row.

use crate::Tx;
use crate::db::Conn;
use chrono::{DateTime, NaiveDate, Utc};

/// A value of a column, typed (PostgreSQL needs typed NULLs).
#[derive(Debug, Clone)]
pub enum Value {
    I64(i64),
    OptI64(Option<i64>),
    F64(f64),
    OptF64(Option<f64>),
    Bool(bool),
    Text(String),
    OptText(Option<String>),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I64(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::OptI64(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::OptF64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::OptText(v)
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Time(v)
    }
}
impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Value::OptTime(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl From<Option<NaiveDate>> for Value {
    fn from(v: Option<NaiveDate>) -> Self {
        Value::OptDate(v)
    }
}

/// A row: its values in the order of the columns.
#[macro_export]
macro_rules! row {
    ($($v:expr),* $(,)?) => { vec![$($crate::bulk::Value::from($v)),*] };
}

macro_rules! bind_values {
    ($q:expr, $rows:expr) => {{
        let mut q = $q;
        for row in $rows {
            for v in row {
                q = match v {
                    Value::I64(v) => q.bind(*v),
                    Value::OptI64(v) => q.bind(*v),
                    Value::F64(v) => q.bind(*v),
                    Value::OptF64(v) => q.bind(*v),
                    Value::Bool(v) => q.bind(*v),
                    Value::Text(v) => q.bind(v.clone()),
                    Value::OptText(v) => q.bind(v.clone()),
                    Value::Time(v) => q.bind(*v),
                    Value::OptTime(v) => q.bind(*v),
                    Value::Date(v) => q.bind(*v),
                    Value::OptDate(v) => q.bind(*v),
                };
            }
        }
        q
    }};
}

/// A table and the columns a bulk insert fills, in the order of its rows'
/// values. The store owns these lists, next to the schema they follow.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

/// The `participants` columns the demo fills.
pub const PARTICIPANTS: Table = Table {
    name: "participants",
    columns: &[
        "programme_id",
        "site_id",
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "chi_number",
        "nhs_number",
        "sex",
        "phone",
        "postcode",
        "preferred_contact",
        "interpreter_needed",
        "created_at",
        "updated_at",
    ],
};

/// The `referrals` columns the demo fills.
pub const REFERRALS: Table = Table {
    name: "referrals",
    columns: &[
        "programme_id",
        "site_id",
        "person_name",
        "participant_id",
        "person_date_of_birth",
        "person_chi_number",
        "source",
        "received_on",
        "urgency",
        "reasons",
        "status",
        "link_worker_id",
        "decline_reason",
        "closure_reason",
        "closed_on",
        "snomed_code",
        "created_at",
        "updated_at",
    ],
};

/// The `referral_reasons` columns the demo fills.
pub const REFERRAL_REASONS: Table = Table {
    name: "referral_reasons",
    columns: &["referral_id", "programme_id", "reason"],
};

/// The `contact_attempts` columns the demo fills.
pub const CONTACT_ATTEMPTS: Table = Table {
    name: "contact_attempts",
    columns: &["referral_id", "at", "method", "outcome", "note", "user_id"],
};

/// The `appointments` columns the demo fills.
pub const APPOINTMENTS: Table = Table {
    name: "appointments",
    columns: &[
        "programme_id",
        "referral_id",
        "site_id",
        "link_worker_id",
        "starts_at",
        "duration_minutes",
        "mode",
        "status",
        "created_at",
        "updated_at",
    ],
};

/// The `handovers` columns the demo fills.
pub const HANDOVERS: Table = Table {
    name: "handovers",
    columns: &[
        "programme_id",
        "referral_id",
        "from_site_id",
        "to_site_id",
        "from_worker_id",
        "to_worker_id",
        "summary",
        "created_at",
        "acknowledged_at",
    ],
};

/// The `notes` columns the demo fills.
pub const NOTES: Table = Table {
    name: "notes",
    columns: &[
        "programme_id",
        "participant_id",
        "author_id",
        "restricted",
        "body",
        "created_at",
        "updated_at",
    ],
};

/// The `consents` columns the demo fills.
pub const CONSENTS: Table = Table {
    name: "consents",
    columns: &[
        "programme_id",
        "participant_id",
        "kind",
        "partner",
        "recorded_by",
        "recorded_at",
    ],
};

/// The `measures` columns the demo fills.
pub const MEASURES: Table = Table {
    name: "measures",
    columns: &[
        "programme_id",
        "participant_id",
        "kind",
        "stage",
        "taken_on",
        "answers",
        "score",
        "recorded_by",
        "created_at",
    ],
};

/// The `risk_flags` columns the demo fills.
pub const RISK_FLAGS: Table = Table {
    name: "risk_flags",
    columns: &[
        "programme_id",
        "participant_id",
        "kind",
        "details",
        "review_on",
        "raised_by",
        "raised_at",
        "resolved_at",
        "resolved_by",
    ],
};

/// The `onward_support` columns the demo fills.
pub const ONWARD_SUPPORT: Table = Table {
    name: "onward_support",
    columns: &[
        "programme_id",
        "participant_id",
        "kind",
        "service",
        "status",
        "created_by",
        "created_at",
        "updated_at",
    ],
};

/// The `needs` columns the demo fills.
pub const NEEDS: Table = Table {
    name: "needs",
    columns: &[
        "programme_id",
        "participant_id",
        "need",
        "status",
        "created_at",
        "updated_at",
    ],
};

/// The `need_updates` columns the demo fills.
pub const NEED_UPDATES: Table = Table {
    name: "need_updates",
    columns: &["need_id", "status", "user_id", "at"],
};

/// The `goals` columns the demo fills.
pub const GOALS: Table = Table {
    name: "goals",
    columns: &[
        "programme_id",
        "participant_id",
        "words",
        "status",
        "created_by",
        "created_at",
        "updated_at",
    ],
};

/// The `goal_reviews` columns the demo fills.
pub const GOAL_REVIEWS: Table = Table {
    name: "goal_reviews",
    columns: &["goal_id", "status", "comment", "reviewed_by", "reviewed_at"],
};

/// Insert `rows` into `table` and return their new ids, in the order of the
/// rows. Run inside one write transaction on an otherwise idle database
/// (demo generation): ids are handed out in insertion order there, so the
/// sorted ids of a chunk match its rows.
pub async fn insert(tx: &mut Tx, table: &Table, rows: &[Vec<Value>]) -> crate::Result<Vec<i64>> {
    insert_returning(tx, table.name, table.columns, rows, true).await
}

/// Insert `rows` into a table that has no `id` column (e.g. a link table).
pub async fn insert_plain(tx: &mut Tx, table: &Table, rows: &[Vec<Value>]) -> crate::Result<()> {
    insert_returning(tx, table.name, table.columns, rows, false)
        .await
        .map(|_| ())
}

/// One column of a chunk as a PostgreSQL array, typed by its values'
/// variants (a NULL keeps its type).
enum Array {
    I64(Vec<Option<i64>>),
    F64(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
    Time(Vec<Option<DateTime<Utc>>>),
    Date(Vec<Option<NaiveDate>>),
}

impl Array {
    fn of(rows: &[Vec<Value>], j: usize) -> Array {
        let col = rows.iter().map(|r| &r[j]);
        match rows.first().map(|r| &r[j]) {
            Some(Value::F64(_) | Value::OptF64(_)) => Array::F64(
                col.map(|v| match v {
                    Value::F64(x) => Some(*x),
                    Value::OptF64(x) => *x,
                    _ => None,
                })
                .collect(),
            ),
            Some(Value::Bool(_)) => Array::Bool(
                col.map(|v| {
                    if let Value::Bool(x) = v {
                        Some(*x)
                    } else {
                        None
                    }
                })
                .collect(),
            ),
            Some(Value::Text(_) | Value::OptText(_)) => Array::Text(
                col.map(|v| match v {
                    Value::Text(x) => Some(x.clone()),
                    Value::OptText(x) => x.clone(),
                    _ => None,
                })
                .collect(),
            ),
            Some(Value::Time(_) | Value::OptTime(_)) => Array::Time(
                col.map(|v| match v {
                    Value::Time(x) => Some(*x),
                    Value::OptTime(x) => *x,
                    _ => None,
                })
                .collect(),
            ),
            Some(Value::Date(_) | Value::OptDate(_)) => Array::Date(
                col.map(|v| match v {
                    Value::Date(x) => Some(*x),
                    Value::OptDate(x) => *x,
                    _ => None,
                })
                .collect(),
            ),
            _ => Array::I64(
                col.map(|v| match v {
                    Value::I64(x) => Some(*x),
                    Value::OptI64(x) => *x,
                    _ => None,
                })
                .collect(),
            ),
        }
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Array::I64(_) => "bigint[]",
            Array::F64(_) => "double precision[]",
            Array::Bool(_) => "boolean[]",
            Array::Text(_) => "text[]",
            Array::Time(_) => "timestamptz[]",
            Array::Date(_) => "date[]",
        }
    }
}

/// PostgreSQL: one statement per 5,000 rows, each column sent as one array
/// (`INSERT … SELECT * FROM UNNEST(…)`): a handful of parameters however
/// many rows, so nothing to parse or plan per row. `tail` follows the rows
/// (`ON CONFLICT …`, `RETURNING …`).
fn unnest_sql(table: &str, columns: &[&str], arrays: &[Array], tail: &str) -> String {
    let args: Vec<String> = arrays
        .iter()
        .enumerate()
        .map(|(i, a)| format!("${}::{}", i + 1, a.sql_type()))
        .collect();
    format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({}) {tail}",
        columns.join(", "),
        args.join(", "),
    )
}

/// SQLite: a multi-row `VALUES` list of anonymous `?` (in order), as
/// looking up a numbered parameter's name costs a walk of the statement's
/// list for each one (quadratic in a statement of hundreds).
fn values_sql(table: &str, columns: &[&str], rows: usize, tail: &str) -> String {
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {} {tail}",
        columns.join(", "),
        vec![one; rows].join(", ")
    )
}

/// Rows a chunk of SQLite's multi-row statements: small statements, as
/// binding is slow with thousands of parameters in one.
fn sqlite_chunk(columns: &[&str]) -> usize {
    (400 / columns.len().max(1)).max(1)
}

macro_rules! bind_arrays {
    ($q:expr, $arrays:expr) => {{
        let mut q = $q;
        for a in $arrays {
            q = match a {
                Array::I64(v) => q.bind(v),
                Array::F64(v) => q.bind(v),
                Array::Bool(v) => q.bind(v),
                Array::Text(v) => q.bind(v),
                Array::Time(v) => q.bind(v),
                Array::Date(v) => q.bind(v),
            };
        }
        q
    }};
}

fn arrays_of(columns: &[&str], chunk: &[Vec<Value>]) -> Vec<Array> {
    (0..columns.len()).map(|j| Array::of(chunk, j)).collect()
}

async fn insert_returning(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
    returning: bool,
) -> crate::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(rows.len());
    match tx.conn() {
        Conn::Postgres(t) => {
            let tail = if returning { "RETURNING id" } else { "" };
            for chunk in rows.chunks(5000) {
                let arrays = arrays_of(columns, chunk);
                let sql = unnest_sql(table, columns, &arrays, tail);
                let mut got = bind_arrays!(sqlx::query_scalar::<_, i64>(&sql), arrays)
                    .fetch_all(&mut *t)
                    .await?;
                got.sort_unstable();
                ids.extend(got);
            }
        }
        Conn::Sqlite(t) => {
            for chunk in rows.chunks(sqlite_chunk(columns)) {
                let sql = values_sql(table, columns, chunk.len(), "");
                // One statement in a write transaction: SQLite gives its new
                // rows consecutive rowids after the largest (no AUTOINCREMENT
                // gaps), so the last id names them all, without sending each
                // id back from SQLite's thread one message at a time.
                let last = bind_values!(sqlx::query(&sql), chunk)
                    .execute(&mut *t)
                    .await?
                    .last_insert_rowid();
                if returning {
                    ids.extend(last - chunk.len() as i64 + 1..=last);
                }
            }
        }
    }
    Ok(ids)
}

/// Insert rows that carry a `uuid` (unique with `programme_id`) and return
/// each one's `(uuid, id)`. With `update`, a row whose uuid is already there
/// has those columns overwritten instead (an upsert); the rows must then
/// name each uuid once.
pub async fn insert_keyed(
    tx: &mut Tx,
    table: &Table,
    rows: &[Vec<Value>],
    update: &[&str],
) -> crate::Result<Vec<(String, i64)>> {
    let tail = if update.is_empty() {
        "RETURNING uuid, id".to_owned()
    } else {
        let set: Vec<String> = update
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        format!(
            "ON CONFLICT (programme_id, uuid) DO UPDATE SET {} RETURNING uuid, id",
            set.join(", ")
        )
    };
    let columns = table.columns;
    let mut out = Vec::with_capacity(rows.len());
    match tx.conn() {
        Conn::Postgres(t) => {
            for chunk in rows.chunks(5000) {
                let arrays = arrays_of(columns, chunk);
                let sql = unnest_sql(table.name, columns, &arrays, &tail);
                out.extend(
                    bind_arrays!(sqlx::query_as::<_, (String, i64)>(&sql), arrays)
                        .fetch_all(&mut *t)
                        .await?,
                );
            }
        }
        Conn::Sqlite(t) => {
            for chunk in rows.chunks(sqlite_chunk(columns)) {
                let sql = values_sql(table.name, columns, chunk.len(), &tail);
                out.extend(
                    bind_values!(sqlx::query_as::<_, (String, i64)>(&sql), chunk)
                        .fetch_all(&mut *t)
                        .await?,
                );
            }
        }
    }
    Ok(out)
}
