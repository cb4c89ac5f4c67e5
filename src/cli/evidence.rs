//! `claimtrail evidence add`: a quote, proven to be inside a snapshot, that
//! supports, disputes or gives context to a claim; and keeping evidence honest when
//! its source is captured again.

use super::error::CliError;
use super::ui::{Render, Ui};
use super::{claim, config, source, Context};
use crate::anchor::{in_context, Anchor, Method, Text};
use crate::figures;
use crate::ids::{ClaimId, EvidenceId, SnapshotRef, SourceId};
use crate::review::Stance;
use crate::store::{NewEvidence, StoreError, Writer};
use crate::workspace::Workspace;
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Link a claim to a source through a quote found in one of its snapshots
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim, like C1
    pub claim: String,
    /// The source, like S1
    pub source: String,
    /// What the quote does for the claim
    #[arg(long, value_enum)]
    pub stance: Stance,
    /// The source's words, as they appear in its snapshot's text
    #[arg(long)]
    pub quote: String,
    /// The snapshot to quote, like S1@2 [default: the source's latest snapshot with text]
    #[arg(long, value_name = "S@N")]
    pub snapshot: Option<String>,
    /// Which occurrence of a quote found more than once (1 = first)
    #[arg(long, value_name = "N")]
    pub occurrence: Option<usize>,
    /// Why this quote bears on the claim
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct Added {
    id: EvidenceId,
    claim: ClaimId,
    source: SourceId,
    snapshot: SnapshotRef,
    text_sha256: String,
    stance: Stance,
    anchor: AnchorWithScore,
    method: Method,
    figures: figures::Check,
    /// Set when the quote comes from an older capture and the newest no longer has it.
    stale: Option<String>,
}

#[derive(Serialize)]
struct AnchorWithScore {
    #[serde(flatten)]
    anchor: Anchor,
    score: f64,
}

impl Render for Added {
    fn human(&self, _: &Ui) -> String {
        let how = match self.method {
            Method::Exact => String::new(),
            Method::Normalized => " (after normalising)".into(),
            Method::Fuzzy => format!(" (near match, score {:.2})", self.anchor.score),
        };
        let stale = self
            .stale
            .as_deref()
            .map(|why| format!("\n  stale from the start: {why}"))
            .unwrap_or_default();
        format!(
            "{} {} {}: {}, characters {}–{}{how}\n  {}\n  figures: {}{stale}",
            self.id,
            self.stance.as_str(),
            self.claim,
            self.snapshot,
            self.anchor.anchor.start,
            self.anchor.anchor.end,
            in_context(&self.anchor.anchor),
            self.figures.summary(),
        )
    }

    fn quiet(&self) -> Option<String> {
        Some(self.id.to_string())
    }
}

pub fn run(ctx: &Context, cmd: Command) -> Result<(), CliError> {
    let Command::Add(args) = cmd;
    let mut ws = ctx.workspace()?;
    let actor = ctx.actor()?;
    let added = add(&mut ws, &actor, &args)?;
    ctx.ui.emit(&added)
}

/// Anchors the quote in the chosen snapshot's text, checks its figures against
/// the claim, and records the evidence.
pub fn add(ws: &mut Workspace, actor: &str, args: &AddArgs) -> Result<Added, CliError> {
    let claim = claim::find(ws, &args.claim)?;
    let src = source::find(ws, &args.source)?;
    let snap = match &args.snapshot {
        Some(s) => {
            let r: SnapshotRef = s.parse()?;
            if r.source != src.id {
                return Err(CliError::user(format!(
                    "--snapshot {r} is not a snapshot of {}",
                    src.id
                )));
            }
            source::find_snapshot(ws, s)?
        }
        None => ws
            .store
            .snapshots_of(src.id)?
            .into_iter()
            .rev()
            .find(|s| s.text_sha256.is_some())
            .ok_or_else(|| {
                CliError::user(format!("{} has no snapshot with text to quote", src.id)).hint(
                    format!("`claimtrail source show {}` lists its snapshots", src.id),
                )
            })?,
    };
    let Some(text_sha256) = snap.text_sha256.clone() else {
        return Err(CliError::user(format!(
            "{} has no text: {}",
            snap.id,
            snap.text_error.as_deref().unwrap_or("none was extracted")
        )));
    };
    let bytes = ws.blobs.read_verified(&text_sha256)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::user(format!("the stored text of {} is not UTF-8", snap.id)))?;
    let threshold = config::threshold(ws)?;
    let anchored = Text::new(&text)
        .anchor_fuzzy(&args.quote, args.occurrence, threshold)
        .map_err(|e| {
            CliError::from(e).context(snap.id).hint(format!(
                "copy the words from `claimtrail source text {}`",
                snap.id
            ))
        })?;
    let check = figures::compare(&claim.text, &anchored.anchor.exact);
    let figures_json = serde_json::to_value(&check).expect("a figure check serialises");
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let method = serde_json::to_value(anchored.method).expect("a method serialises");
    // A quote from an older capture is kept (it is what the source said then),
    // but if the newest capture no longer says it, it starts out stale.
    let latest = ws
        .store
        .snapshots_of(src.id)?
        .into_iter()
        .rev()
        .find(|s| s.text_sha256.is_some());
    let stale = match latest {
        Some(l) if l.id != snap.id => {
            let bytes = ws
                .blobs
                .read_verified(l.text_sha256.as_deref().unwrap_or_default())?;
            let newest = String::from_utf8_lossy(&bytes).into_owned();
            let still = Text::new(&newest)
                .reanchor(&anchored.anchor, threshold)
                .filter(|f| {
                    f.method != Method::Fuzzy
                        || same_meaning(&anchored.anchor.exact, &f.anchor.exact)
                });
            still
                .is_none()
                .then(|| (format!("the quote is no longer in {}", l.id), l.id))
        }
        _ => None,
    };
    let id = ws.store.write(actor, |w| {
        let id = w.add_evidence(&NewEvidence {
            claim: claim.id,
            snapshot: snap.id,
            stance: args.stance,
            anchor: &anchored.anchor,
            method: method.as_str().unwrap_or("exact"),
            score: anchored.score,
            figures: &figures_json,
            note,
        })?;
        if let Some((why, newest)) = &stale {
            w.set_stale(id, Some(why), Some(*newest))?;
        }
        Ok::<_, StoreError>(id)
    })?;
    Ok(Added {
        id,
        claim: claim.id,
        source: src.id,
        snapshot: snap.id,
        text_sha256,
        stance: args.stance,
        anchor: AnchorWithScore {
            anchor: anchored.anchor,
            score: anchored.score,
        },
        method: anchored.method,
        figures: check,
        stale: stale.map(|(why, _)| why),
    })
}

/// What a new capture of a source means for the evidence that quotes it.
pub enum Recapture<'a> {
    /// A new snapshot: its text, or why it has none.
    Snapshot {
        id: SnapshotRef,
        text: Result<&'a str, &'a str>,
    },
    /// The source is gone (404, 410, refused, missing).
    Gone { reason: &'a str },
}

/// Re-anchors every evidence quoting `source` in its newest capture, inside the
/// recheck's transaction. A quote still there (exactly, normalised, or fuzzily at
/// or above the threshold) stays fresh, or is restored; one that is not, or whose
/// source is gone, becomes stale with the reason. Verdicts are left alone: only a
/// person changes those. Returns (stale, restored) evidence ids.
pub fn refresh(
    w: &mut Writer<'_>,
    source: SourceId,
    outcome: Recapture<'_>,
    threshold: f64,
) -> Result<(Vec<EvidenceId>, Vec<EvidenceId>), StoreError> {
    let cited = w.evidence_citing(source)?;
    if cited.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (mut stale, mut restored) = (Vec::new(), Vec::new());
    match outcome {
        Recapture::Gone { reason } => {
            for e in cited.iter().filter(|e| e.stale.is_none()) {
                w.set_stale(e.id, Some(&format!("{source} is gone: {reason}")), None)?;
                stale.push(e.id);
            }
        }
        Recapture::Snapshot { id, text: Err(why) } => {
            for e in cited.iter().filter(|e| e.stale.is_none()) {
                w.set_stale(e.id, Some(&format!("{id} has no text: {why}")), Some(id))?;
                stale.push(e.id);
            }
        }
        Recapture::Snapshot { id, text: Ok(text) } => {
            let text = Text::new(text);
            for e in &cited {
                // A near match only stands for the quote if it says the same thing:
                // no figure changed ("836" → "863"), no negation appeared.
                let found = text.reanchor(&e.anchor, threshold).filter(|f| {
                    f.method != Method::Fuzzy || same_meaning(&e.anchor.exact, &f.anchor.exact)
                });
                match (found, &e.stale) {
                    (Some(_), Some(_)) => {
                        w.set_stale(e.id, None, Some(id))?;
                        restored.push(e.id);
                    }
                    (None, None) => {
                        w.set_stale(
                            e.id,
                            Some(&format!("the quote is no longer in {id}")),
                            Some(id),
                        )?;
                        stale.push(e.id);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok((stale, restored))
}

/// Whether a re-found passage says what the quote said: the same figures, and no
/// negation gained or lost.
fn same_meaning(old: &str, new: &str) -> bool {
    let negations = |t: &str| {
        let lower = t.to_lowercase();
        [
            "not", "never", "no", "none", "neither", "nor", "without", "denied", "n't",
        ]
        .iter()
        .map(|n| {
            lower
                .split(|c: char| !c.is_alphanumeric() && c != '\'')
                .filter(|w| w == n || (n == &"n't" && w.ends_with("n't")))
                .count()
        })
        .sum::<usize>()
    };
    let figures_hold = !matches!(figures::compare(old, new).status, "mismatch" | "missing")
        && !matches!(figures::compare(new, old).status, "mismatch" | "missing");
    figures_hold && negations(old) == negations(new)
}

#[cfg(test)]
mod tests {
    use super::same_meaning;

    #[test]
    fn a_near_match_must_keep_figures_and_negations() {
        assert!(same_meaning(
            "the office sent 836 protest notes",
            "the office sent 836 protest note"
        ));
        assert!(!same_meaning(
            "the office sent 836 protest notes",
            "the office sent 863 protest notes"
        ));
        assert!(!same_meaning(
            "it sent 836 protest notes",
            "it never sent 836 protest notes"
        ));
        assert!(!same_meaning(
            "13 demarches in 2025",
            "31 demarches in 2024"
        ));
    }
}
