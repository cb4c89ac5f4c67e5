//! Short, typed identifiers as users type them: `D1` documents, `C1` claims.
//!
//! The database keys are plain integers; these newtypes keep a claim id from being
//! passed where a document id belongs and own the `D1` / `C1` spelling.

use std::fmt;
use std::str::FromStr;

/// An id string that does not name the expected kind of record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {kind} id (expected {prefix} followed by a number, like {prefix}1)")]
pub struct BadId {
    pub value: String,
    pub kind: &'static str,
    pub prefix: char,
}

macro_rules! typed_id {
    ($name:ident, $prefix:literal, $kind:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl $name {
            pub const PREFIX: char = $prefix;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl FromStr for $name {
            type Err = BadId;

            fn from_str(s: &str) -> Result<Self, BadId> {
                parse_prefixed(s, $prefix).map($name).ok_or_else(|| BadId {
                    value: s.to_string(),
                    kind: $kind,
                    prefix: $prefix,
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

typed_id!(DocId, 'D', "document");
typed_id!(ClaimId, 'C', "claim");

/// `D12` → 12 for prefix `D` (either case); positive numbers only.
fn parse_prefixed(s: &str, prefix: char) -> Option<i64> {
    let mut chars = s.chars();
    let first = chars.next()?;
    if first.to_ascii_uppercase() != prefix {
        return None;
    }
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_ids() {
        assert_eq!("C12".parse::<ClaimId>(), Ok(ClaimId(12)));
        assert_eq!("d3".parse::<DocId>(), Ok(DocId(3)));
        assert_eq!(ClaimId(7).to_string(), "C7");
    }

    #[test]
    fn rejects_other_kinds_and_junk() {
        for bad in [
            "D1",
            "C",
            "C0",
            "C-1",
            "C1x",
            "12",
            "",
            "C 1",
            "C99999999999999999999",
        ] {
            let err = bad.parse::<ClaimId>().unwrap_err();
            assert_eq!(err.value, bad);
        }
        let msg = "S1".parse::<DocId>().unwrap_err().to_string();
        assert_eq!(
            msg,
            "`S1` is not a document id (expected D followed by a number, like D1)"
        );
    }
}
