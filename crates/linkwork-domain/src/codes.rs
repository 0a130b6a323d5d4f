//! Closed sets of codes (statuses, kinds) as enums. The database and the
//! forms hold the code; everything in between holds the enum, so an unknown
//! value read from the database is an error at the store's edge, never a
//! silent fall-through in a comparison with a string.

/// A code read from the database or a request that is not one of its set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?} is not a known {what}")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// A closed set of codes: the enum, its codes and labels, `parse`, the
/// choices for a form, and conversions to and from the stored text.
#[macro_export]
macro_rules! codes {
    ($(#[$m:meta])* $name:ident, $what:literal { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|x| x.code() == s.trim())
            }

            /// `(code, label)` for every value, in order: a form's choices.
            pub fn choices() -> Vec<(String, String)> {
                Self::ALL
                    .iter()
                    .map(|x| (x.code().to_owned(), x.label().to_owned()))
                    .collect()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::codes::UnknownCode;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s).ok_or($crate::codes::UnknownCode { what: $what, code: s })
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.code().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::codes!(Colour, "colour" { Red = "red": "Red", DarkBlue = "dark_blue": "Dark blue" });

    #[test]
    fn codes_round_trip_and_unknown_ones_are_errors() {
        assert_eq!(Colour::parse("dark_blue"), Some(Colour::DarkBlue));
        assert_eq!(String::from(Colour::Red), "red");
        assert_eq!(Colour::DarkBlue.label(), "Dark blue");
        let e = Colour::try_from("green".to_owned());
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("\"green\" is not a known colour".into())
        );
        assert_eq!(Colour::choices().len(), 2);
    }
}
