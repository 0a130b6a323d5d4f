//! Deserialising form-or-JSON fields: a JSON client may send `6200` or
//! `true` where a form sends `"6200"` or `"yes"`; both arrive as text and
//! are parsed (with field-named messages) by the input types.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    S(String),
    I(i64),
    F(f64),
    B(bool),
    N(()),
}

/// Text from a string, number or null. A boolean is refused: a client that
/// sends `false` for a name has a bug, and must hear so rather than have
/// "no" saved.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Option::<Loose>::deserialize(d)? {
        Some(Loose::B(_)) => Err(serde::de::Error::custom(
            "expected text (or a number), not true or false",
        )),
        other => Ok(text(other)),
    }
}

/// A yes/no field: `yes`/`no` (forms), `true`/`false` (JSON), or blank.
pub fn yes_no<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text(Option::<Loose>::deserialize(d)?))
}

fn text(v: Option<Loose>) -> String {
    match v {
        Some(Loose::S(s)) => s,
        Some(Loose::I(i)) => i.to_string(),
        Some(Loose::F(f)) => f.to_string(),
        Some(Loose::B(b)) => if b { "yes" } else { "no" }.to_owned(),
        Some(Loose::N(())) | None => String::new(),
    }
}
