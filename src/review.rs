//! Claim statuses, verdicts, evidence stances, and the rules a verdict must meet.
//!
//! A claim starts `unverified`; review moves it through `in-review` to a verdict.
//! Each rule is checked here, on plain data, before anything is written, and a
//! broken rule is an error that names it.

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

impl Status {
    /// A verdict (as opposed to `unverified` or `in-review`).
    pub fn is_verdict(self) -> bool {
        !matches!(self, Status::Unverified | Status::InReview)
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

/// What an evidence quote does for its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Supports,
    Disputes,
    Context,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Supports => "supports",
            Stance::Disputes => "disputes",
            Stance::Context => "context",
        }
    }
}

impl FromStr for Stance {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "supports" => Ok(Stance::Supports),
            "disputes" => Ok(Stance::Disputes),
            "context" => Ok(Stance::Context),
            _ => Err(format!(
                "`{s}` is not a stance (supports, disputes, context)"
            )),
        }
    }
}

/// What the rules need to know of one evidence.
#[derive(Debug, Clone)]
pub struct EvidenceFacts {
    pub id: String,
    pub stance: Stance,
    /// Still anchored in its source's newest text (not stale).
    pub fresh: bool,
    /// The snapshot's bytes are in the object store.
    pub blob_present: bool,
    /// The figure mismatches against the claim, as "6,000 ≠ 5,000"; empty if none.
    pub mismatch: Option<String>,
}

/// A verdict rule, broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("every verdict needs a rationale: pass --note \"why\"")]
    NeedsRationale,
    #[error("rule: `verified` needs at least one `supports` evidence whose quote is still anchored and whose snapshot is present; {claim} has {found}")]
    NeedsSupport { claim: String, found: String },
    #[error("rule: `{verdict}` needs at least one `disputes` evidence; {claim} has none")]
    NeedsDispute { claim: String, verdict: Status },
    #[error("rule: verifying over a figure mismatch needs a reason: {claim}'s supporting evidence {evidence} reads {mismatch}; say why in --note and pass --over-mismatch")]
    FigureMismatch {
        claim: String,
        evidence: String,
        mismatch: String,
    },
    #[error("`{0}` is not a verdict: use verified, disputed, false, misleading or unverifiable (or in-review to reopen)")]
    NotAVerdict(String),
}

/// Checks a proposed verdict against the evidence it would rest on.
pub fn check_verdict(
    claim: &str,
    verdict: Status,
    note: Option<&str>,
    over_mismatch: bool,
    evidence: &[EvidenceFacts],
) -> Result<(), RuleError> {
    if !verdict.is_verdict() {
        return Err(RuleError::NotAVerdict(verdict.to_string()));
    }
    if note.is_none_or(|n| n.trim().is_empty()) {
        return Err(RuleError::NeedsRationale);
    }
    match verdict {
        Status::Verified => {
            let supports: Vec<&EvidenceFacts> = evidence
                .iter()
                .filter(|e| e.stance == Stance::Supports)
                .collect();
            if !supports.iter().any(|e| e.fresh && e.blob_present) {
                let found = if supports.is_empty() {
                    "none".to_string()
                } else {
                    format!(
                        "{} supporting, none of them still anchored with its snapshot present",
                        supports.len()
                    )
                };
                return Err(RuleError::NeedsSupport {
                    claim: claim.into(),
                    found,
                });
            }
            if let Some(e) = supports.iter().find(|e| e.mismatch.is_some()) {
                if !over_mismatch {
                    return Err(RuleError::FigureMismatch {
                        claim: claim.into(),
                        evidence: e.id.clone(),
                        mismatch: e.mismatch.clone().unwrap_or_default(),
                    });
                }
            }
        }
        Status::Disputed | Status::False
            if !evidence.iter().any(|e| e.stance == Stance::Disputes) =>
        {
            return Err(RuleError::NeedsDispute {
                claim: claim.into(),
                verdict,
            });
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    fn ev(stance: Stance, fresh: bool, mismatch: Option<&str>) -> EvidenceFacts {
        EvidenceFacts {
            id: "E1".into(),
            stance,
            fresh,
            blob_present: true,
            mismatch: mismatch.map(str::to_string),
        }
    }

    #[test]
    fn every_verdict_needs_a_rationale() {
        let e = [ev(Stance::Supports, true, None)];
        assert_eq!(
            check_verdict("C1", Status::Verified, None, false, &e),
            Err(RuleError::NeedsRationale)
        );
        assert_eq!(
            check_verdict("C1", Status::Misleading, Some(" "), false, &[]),
            Err(RuleError::NeedsRationale)
        );
        assert!(check_verdict("C1", Status::Unverifiable, Some("no source"), false, &[]).is_ok());
    }

    #[test]
    fn verified_needs_fresh_support() {
        let err = check_verdict(
            "C1",
            Status::Verified,
            Some("x"),
            false,
            &[ev(Stance::Context, true, None)],
        );
        assert!(matches!(err, Err(RuleError::NeedsSupport { .. })));
        let err = check_verdict(
            "C1",
            Status::Verified,
            Some("x"),
            false,
            &[ev(Stance::Supports, false, None)],
        );
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("none of them still anchored"));
        let mut gone = ev(Stance::Supports, true, None);
        gone.blob_present = false;
        assert!(check_verdict("C1", Status::Verified, Some("x"), false, &[gone]).is_err());
        assert!(check_verdict(
            "C1",
            Status::Verified,
            Some("x"),
            false,
            &[ev(Stance::Supports, true, None)]
        )
        .is_ok());
    }

    #[test]
    fn disputed_and_false_need_disputing_evidence() {
        for v in [Status::Disputed, Status::False] {
            assert!(matches!(
                check_verdict(
                    "C1",
                    v,
                    Some("x"),
                    false,
                    &[ev(Stance::Supports, true, None)]
                ),
                Err(RuleError::NeedsDispute { .. })
            ));
            assert!(check_verdict(
                "C1",
                v,
                Some("x"),
                false,
                &[ev(Stance::Disputes, true, None)]
            )
            .is_ok());
        }
    }

    #[test]
    fn a_figure_mismatch_needs_an_explicit_override() {
        let e = [ev(Stance::Supports, true, Some("6,000 ≠ 5,000"))];
        let err = check_verdict("C1", Status::Verified, Some("x"), false, &e).unwrap_err();
        assert!(err.to_string().contains("6,000 ≠ 5,000"), "{err}");
        assert!(check_verdict("C1", Status::Verified, Some("rounding"), true, &e).is_ok());
    }

    #[test]
    fn in_review_is_no_verdict() {
        assert!(matches!(
            check_verdict("C1", Status::InReview, Some("x"), false, &[]),
            Err(RuleError::NotAVerdict(_))
        ));
    }
}
