//! Building a `WHERE` clause from the filters actually given, so each
//! combination is its own simple statement that the database can plan once
//! and cache (a catch-all `($1 IS NULL OR col = $1)` is re-planned on every
//! call by PostgreSQL, and cannot use indexes well).

use chrono::{DateTime, Utc};

/// A bound value.
#[derive(Debug, Clone)]
pub enum Param {
    I64(i64),
    Text(String),
    Time(DateTime<Utc>),
    Date(chrono::NaiveDate),
}

/// The total of a list without counting, when the page shows it: the first
/// page came back shorter than its limit. Saves a `COUNT(*)` round trip.
pub fn known_total(rows: usize, limit: i64, offset: i64) -> Option<i64> {
    (offset <= 0 && (rows as i64) < limit.clamp(1, 1000)).then_some(rows as i64)
}

/// Clauses joined by `AND`; each `?` in a clause becomes the next `$n`.
#[derive(Debug, Clone, Default)]
pub struct Where {
    clauses: Vec<String>,
    /// The clauses as given, with their `?` marks (to nest in another).
    marked: Vec<String>,
    pub params: Vec<Param>,
}

impl Where {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add `clause` with its parameters, in the order of its `?` marks.
    pub fn and(&mut self, clause: &str, params: impl IntoIterator<Item = Param>) -> &mut Self {
        let mut sql = String::with_capacity(clause.len() + 8);
        let params: Vec<Param> = params.into_iter().collect();
        let mut n = self.params.len();
        for ch in clause.chars() {
            if ch == '?' {
                n += 1;
                sql.push_str(&format!("${n}"));
            } else {
                sql.push(ch);
            }
        }
        self.clauses.push(sql);
        self.marked.push(clause.to_owned());
        self.params.extend(params);
        self
    }

    /// The clauses joined by `AND` with their `?` marks, and their
    /// parameters: to nest this filter inside a clause of another (a
    /// subquery), passed to that one's [`Where::and`].
    pub fn nested(&self) -> (String, Vec<Param>) {
        (self.marked.join(" AND "), self.params.clone())
    }

    /// ` WHERE a AND b` (or nothing).
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The `$n` the next parameter would get (for LIMIT and OFFSET).
    pub fn next(&self) -> usize {
        self.params.len() + 1
    }
}

/// Bind every parameter of a [`Where`] to a query, for either backend.
#[macro_export]
macro_rules! bind_where {
    ($q:expr, $w:expr) => {{
        let mut q = $q;
        for p in &$w.params {
            q = match p {
                $crate::query::Param::I64(v) => q.bind(*v),
                $crate::query::Param::Text(v) => q.bind(v.clone()),
                $crate::query::Param::Time(v) => q.bind(*v),
                $crate::query::Param::Date(v) => q.bind(*v),
            };
        }
        q
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut w = Where::new();
        w.and("a = ?", [Param::I64(1)]).and(
            "(b LIKE ? OR c LIKE ?)",
            [Param::Text("x".into()), Param::Text("x".into())],
        );
        assert_eq!(w.sql(), " WHERE a = $1 AND (b LIKE $2 OR c LIKE $3)");
        assert_eq!(w.next(), 4);
    }
}
