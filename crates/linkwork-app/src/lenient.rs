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

/// Text from a string, number, boolean or null.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::S(s)) => s,
        Some(Loose::I(i)) => i.to_string(),
        Some(Loose::F(f)) => f.to_string(),
        Some(Loose::B(b)) => if b { "yes" } else { "no" }.to_owned(),
        Some(Loose::N(())) | None => String::new(),
    })
}
