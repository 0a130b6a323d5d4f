//! Inserting many rows at once, for generated demo data: one multi-row
//! `INSERT` per chunk instead of a round trip per row.

use crate::{Tx, on_tx};
use chrono::{DateTime, NaiveDate, Utc};

/// A value of a column, typed (PostgreSQL needs typed NULLs).
#[derive(Debug, Clone)]
pub enum Value {
    I64(i64),
    OptI64(Option<i64>),
    F64(f64),
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

/// Insert `rows` into `table` and return their new ids, in the order of the
/// rows. Run inside one write transaction on an otherwise idle database
/// (demo generation): ids are handed out in insertion order there, so the
/// sorted ids of a chunk match its rows.
pub async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> crate::Result<Vec<i64>> {
    insert_returning(tx, table, columns, rows, true).await
}

/// Insert `rows` into a table that has no `id` column (e.g. a link table).
pub async fn insert_plain(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> crate::Result<()> {
    insert_returning(tx, table, columns, rows, false)
        .await
        .map(|_| ())
}

async fn insert_returning(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
    returning: bool,
) -> crate::Result<Vec<i64>> {
    // Small statements: binding is slow with thousands of parameters in one.
    let per_chunk = (400 / columns.len().max(1)).max(1);
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(per_chunk) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..columns.len() {
                if j > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        if !returning {
            on_tx!(tx, c => bind_values!(sqlx::query(&sql), chunk).execute(c).await.map(|r| r.rows_affected()))?;
            continue;
        }
        sql.push_str(" RETURNING id");
        let mut got: Vec<i64> =
            on_tx!(tx, c => bind_values!(sqlx::query_scalar(&sql), chunk).fetch_all(c).await)?;
        got.sort_unstable();
        ids.extend(got);
    }
    Ok(ids)
}
