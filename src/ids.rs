//! Short, typed identifiers as users type them: `D1` documents, `C1` claims.
//!
//! The database keys are plain integers; these newtypes keep a claim id from being
//! passed where a document id belongs and own the `D1` / `C1` spelling.

use std::fmt;
use std::str::FromStr;

/// An id string that does not name the expected kind of record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {kind} id (expected {prefix} followed by a number, like {prefix}1{})", if *.kind == "snapshot" { " or S1@2" } else { "" })]
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
typed_id!(SourceId, 'S', "source");
typed_id!(EvidenceId, 'E', "evidence");

/// A source's snapshot: `S1@2` is the second capture of S1. `S1` alone, where a
/// snapshot is expected, means the latest one (`seq` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SnapshotRef {
    pub source: SourceId,
    pub seq: Option<i64>,
}

impl fmt::Display for SnapshotRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seq {
            Some(n) => write!(f, "{}@{n}", self.source),
            None => write!(f, "{}", self.source),
        }
    }
}

impl FromStr for SnapshotRef {
    type Err = BadId;

    fn from_str(s: &str) -> Result<Self, BadId> {
        let bad = || BadId {
            value: s.to_string(),
            kind: "snapshot",
            prefix: 'S',
        };
        let (source, seq) = match s.split_once('@') {
            Some((src, n)) => {
                let n = parse_prefixed(&format!("S{n}"), 'S').ok_or_else(bad)?;
                (src, Some(n))
            }
            None => (s, None),
        };
        let source = source.parse::<SourceId>().map_err(|_| bad())?;
        Ok(SnapshotRef { source, seq })
    }
}

impl serde::Serialize for SnapshotRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

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

/// The subject of an event about a run of claims (a `claim.import` batch):
/// `C1..C1000`, or just `C7` for one claim.
pub fn claim_range(ids: &[impl fmt::Display]) -> String {
    match ids {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}..{last}"),
    }
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
        let snap: SnapshotRef = "S3@2".parse().unwrap();
        assert_eq!((snap.source, snap.seq), (SourceId(3), Some(2)));
        assert_eq!(snap.to_string(), "S3@2");
        assert_eq!("s3".parse::<SnapshotRef>().unwrap().seq, None);
        for bad in ["S3@", "S3@0", "S@1", "C1@1", "S1@x"] {
            assert!(bad.parse::<SnapshotRef>().is_err(), "{bad}");
        }
        let msg = "S1".parse::<DocId>().unwrap_err().to_string();
        assert_eq!(
            msg,
            "`S1` is not a document id (expected D followed by a number, like D1)"
        );
    }

    #[test]
    fn a_run_of_claims_is_named_by_its_ends() {
        assert_eq!(claim_range(&[ClaimId(7)]), "C7");
        assert_eq!(claim_range(&[ClaimId(1), ClaimId(2), ClaimId(3)]), "C1..C3");
        assert_eq!(claim_range(&[] as &[ClaimId]), "");
    }
}
