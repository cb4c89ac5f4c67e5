//! Claim statuses and verdicts.
//!
//! A claim starts `unverified`; review moves it through `in-review` to a verdict.
//! This module owns the names; the rules for moving between them arrive with the
//! evidence and review issue.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Unverified,
    InReview,
    Verified,
    Disputed,
    False,
    Misleading,
    Unverifiable,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Unverified,
        Status::InReview,
        Status::Verified,
        Status::Disputed,
        Status::False,
        Status::Misleading,
        Status::Unverifiable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unverified => "unverified",
            Status::InReview => "in-review",
            Status::Verified => "verified",
            Status::Disputed => "disputed",
            Status::False => "false",
            Status::Misleading => "misleading",
            Status::Unverifiable => "unverifiable",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a claim status (one of: unverified, in-review, verified, disputed, false, misleading, unverifiable)")]
pub struct BadStatus(pub String);

impl FromStr for Status {
    type Err = BadStatus;

    fn from_str(s: &str) -> Result<Self, BadStatus> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| BadStatus(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for st in Status::ALL {
            assert_eq!(st.as_str().parse::<Status>(), Ok(st));
        }
        assert!("Verified".parse::<Status>().is_err());
    }
}
