//! The plumbing every string-backed value type shares: `Display`, `as_str`, `FromStr` and
//! serde through `parse`, so a deserialized value has passed the same checks as a typed one.

/// Implements the string plumbing for a newtype `$t(String)` that has `fn parse(&str)`.
macro_rules! string_value {
    ($t:ident) => {
        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        crate::value::parse_via_string!($t);
    };
}

/// `FromStr`, `TryFrom<String>` and `Into<String>` (via `Display`) for a type with
/// `fn parse(&str)`, so `#[serde(try_from = "String", into = "String")]` works on it.
macro_rules! parse_via_string {
    ($t:ident) => {
        impl ::std::str::FromStr for $t {
            type Err = crate::error::FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::parse(s)
            }
        }

        impl ::std::convert::TryFrom<String> for $t {
            type Error = crate::error::FieldError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $t::parse(&s)
            }
        }

        impl ::std::convert::From<$t> for String {
            fn from(v: $t) -> String {
                v.to_string()
            }
        }
    };
}

pub(crate) use parse_via_string;
pub(crate) use string_value;
