//! `claimtrail review` and `claimtrail queue`: verdicts under rules, a second
//! reviewer, corrections, and the claims that need looking at again.

use super::error::CliError;
use super::ui::{list_table, Render, Ui};
use super::{claim, config, Context};
use crate::anchor::clip;
use crate::ids::ClaimId;
use crate::review::{check_verdict, EvidenceFacts, RuleError, Status};
use crate::store::{EvidenceRow, ReviewRow};
use crate::workspace::Workspace;
use comfy_table::Cell;
use serde::Serialize;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("action").required(true).args(["verdict", "confirm", "reject"])))]
pub struct Args {
    /// The claim, like C1
    pub claim: String,
    /// verified, disputed, false, misleading, unverifiable; or in-review to open or reopen review
    pub verdict: Option<String>,
    /// The rationale (required for every verdict and for --reject)
    #[arg(long)]
    pub note: Option<String>,
    /// As a second reviewer, confirm the pending verdict
    #[arg(long)]
    pub confirm: bool,
    /// As a second reviewer, reject the pending verdict (the claim returns to in-review)
    #[arg(long, requires = "note")]
    pub reject: bool,
    /// Verify although a supporting quote's figures differ from the claim's (say why in --note)
    #[arg(long)]
    pub over_mismatch: bool,
}

#[derive(Serialize)]
pub struct Reviewed {
    claim: ClaimId,
    status: Status,
    /// A verdict waiting for a second reviewer.
    pending: Option<Status>,
    action: &'static str,
    by: String,
    /// Set when a confirmed verdict was replaced by a different one.
    correction: Option<serde_json::Value>,
}

impl Render for Reviewed {
    fn human(&self, _: &Ui) -> String {
        let mut out = match (self.action, self.pending) {
            ("proposed", Some(p)) => format!(
                "{}: {p} proposed by {}; it takes effect when a different person runs `claimtrail review {} --confirm`",
                self.claim, self.by, self.claim
            ),
            ("rejected", _) => format!("{}: the pending verdict was rejected by {}; the claim is in review", self.claim, self.by),
            ("opened", _) => format!("{}: in review", self.claim),
            ("confirmed", _) => format!("{}: {} (confirmed by {})", self.claim, self.status, self.by),
            _ => format!("{}: {} (by {})", self.claim, self.status, self.by),
        };
        if let Some(c) = &self.correction {
            out.push_str(&format!(
                "\n  correction recorded: {} → {}",
                c["old"].as_str().unwrap_or(""),
                c["new"].as_str().unwrap_or("")
            ));
        }
        out
    }

    fn quiet(&self) -> Option<String> {
        Some(self.status.to_string())
    }
}

/// The rules' view of a claim's evidence. Figures are checked afresh against the
/// claim's current wording, and each snapshot's bytes are re-hashed: a verdict
/// never rests on a stored judgement or a damaged blob.
pub fn facts(ws: &Workspace, claim_text: &str, evidence: &[EvidenceRow]) -> Vec<EvidenceFacts> {
    evidence
        .iter()
        .map(|e| {
            let check = crate::figures::compare(claim_text, &e.anchor.exact);
            let whole = ws
                .blobs
                .path_of(&e.snapshot_sha256)
                .ok()
                .and_then(|p| crate::blobs::hash_file(&p).ok())
                .is_some_and(|h| h == e.snapshot_sha256);
            EvidenceFacts {
                id: e.id.to_string(),
                stance: e.stance,
                fresh: e.stale.is_none(),
                blob_present: whole,
                mismatch: check.is_mismatch().then(|| check.summary()),
            }
        })
        .collect()
}

fn pending_of(reviews: &[ReviewRow]) -> Option<&ReviewRow> {
    reviews.iter().rev().find(|r| r.state == "pending")
}

/// What a reviewer does to a claim.
pub enum Action<'a> {
    /// A verdict, or `in-review` to open review.
    Set {
        status: Status,
        note: Option<&'a str>,
        over_mismatch: bool,
    },
    Confirm {
        note: Option<&'a str>,
    },
    Reject {
        note: &'a str,
    },
}

pub fn run(ctx: &Context, args: Args) -> Result<(), CliError> {
    let mut ws = ctx.workspace()?;
    let actor = ctx.actor()?;
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let action = if args.confirm {
        Action::Confirm { note }
    } else if args.reject {
        Action::Reject {
            note: note.ok_or_else(|| CliError::user("--reject needs --note \"why\""))?,
        }
    } else {
        Action::Set {
            status: args.verdict.as_deref().unwrap_or_default().parse()?,
            note,
            over_mismatch: args.over_mismatch,
        }
    };
    let reviewed = apply(&mut ws, &actor, &args.claim, action)?;
    ctx.ui.emit(&reviewed)
}

/// Applies one review action under the rules, in one transaction.
pub fn apply(
    ws: &mut Workspace,
    actor: &str,
    claim_id: &str,
    action: Action<'_>,
) -> Result<Reviewed, CliError> {
    let claim = claim::find(ws, claim_id)?;
    let reviews = ws.store.reviews_of(claim.id)?;
    let pending = pending_of(&reviews).cloned();
    let id = claim.id;
    let (label, correction) = match action {
        Action::Confirm { note } => {
            let p = pending.as_ref().ok_or_else(|| {
                CliError::user(format!(
                    "{id} has no pending verdict to confirm (it is {})",
                    claim.status
                ))
            })?;
            if crate::actor::same_person(&p.proposed_by, actor) {
                return Err(CliError::user(format!(
                    "rule: nobody confirms their own verdict; {id}'s pending `{}` was proposed by {actor}",
                    p.verdict
                ))
                .hint("a different reviewer runs `claimtrail --as NAME review C --confirm`"));
            }
            // The evidence may have changed since the proposal: do the rules still hold?
            let evidence = ws.store.evidence_of(id)?;
            check_verdict(
                &id.to_string(),
                p.verdict,
                Some(&p.note),
                true,
                &facts(ws, &claim.text, &evidence),
            )
            .map_err(rule_error)?;
            ("confirmed", ws.store.write(actor, |w| w.confirm(p, note))?)
        }
        Action::Reject { note } => {
            let p = pending.as_ref().ok_or_else(|| {
                CliError::user(format!(
                    "{id} has no pending verdict to reject (it is {})",
                    claim.status
                ))
            })?;
            ws.store.write(actor, |w| w.reject(p, note))?;
            ("rejected", None)
        }
        Action::Set {
            status: Status::InReview,
            note,
            ..
        } => {
            ws.store.write(actor, |w| w.open_review(id, note))?;
            ("opened", None)
        }
        Action::Set {
            status: verdict,
            note,
            over_mismatch,
        } => {
            let evidence = ws.store.evidence_of(id)?;
            check_verdict(
                &id.to_string(),
                verdict,
                note,
                over_mismatch,
                &facts(ws, &claim.text, &evidence),
            )
            .map_err(rule_error)?;
            if verdict == claim.status && pending.is_none() {
                return Err(CliError::user(format!("{id} is already {verdict}")));
            }
            let second = config::value(ws, "review.second-reviewer")?.as_deref() == Some("on");
            let considered: Vec<String> = evidence.iter().map(|e| e.id.to_string()).collect();
            let correction = ws.store.write(actor, |w| {
                w.propose_verdict(
                    id,
                    verdict,
                    note.unwrap_or_default(),
                    &considered,
                    over_mismatch,
                    !second,
                )
            })?;
            (if second { "proposed" } else { "set" }, correction)
        }
    };
    let after = claim::find(ws, claim_id)?;
    let reviews = ws.store.reviews_of(id)?;
    Ok(Reviewed {
        claim: id,
        status: after.status,
        pending: pending_of(&reviews).map(|r| r.verdict),
        action: label,
        by: actor.to_string(),
        correction,
    })
}

fn rule_error(e: RuleError) -> CliError {
    CliError::user(e.to_string())
}

/// A claim that needs a person's attention, and why.
#[derive(Serialize)]
struct QueueItem {
    claim: ClaimId,
    text: String,
    status: Status,
    reasons: Vec<String>,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Queue(Vec<QueueItem>);

impl Render for Queue {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "Nothing needs re-review.".into();
        }
        list_table(ui, &["Claim", "Text", "Status", "Why"], &self.0, |q| {
            vec![
                Cell::new(q.claim),
                Cell::new(clip(&q.text, 50)),
                ui.status_cell(q.status),
                Cell::new(q.reasons.join("\n")),
            ]
        })
    }
}

/// `claimtrail queue`: verdicts resting on evidence that went stale, and verdicts
/// waiting for a second reviewer.
pub fn queue(ctx: &Context) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let mut items = Vec::new();
    for row in ws.store.audit_rows()? {
        let mut reasons = Vec::new();
        if row.stale > 0 && row.status.is_verdict() {
            for e in ws.store.evidence_of(row.claim)? {
                if let Some(why) = &e.stale {
                    reasons.push(format!(
                        "{} ({} {}): {why}",
                        e.id,
                        e.stance.as_str(),
                        e.snapshot
                    ));
                }
            }
        }
        if let Some(p) = row.pending {
            reasons.push(format!(
                "`{p}` proposed by {} awaits a second reviewer",
                row.proposed_by.as_deref().unwrap_or("?")
            ));
        }
        if !reasons.is_empty() {
            items.push(QueueItem {
                claim: row.claim,
                text: row.text,
                status: row.status,
                reasons,
            });
        }
    }
    ctx.ui.emit(&Queue(items))
}
