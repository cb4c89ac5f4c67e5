//! `claimtrail audit [log [ID] | verify]`: the audit table, the event history, fsck.

use super::error::CliError;
use super::ui::{list_table, plural, Render, Ui};
use super::Context;
use crate::anchor::clip;
use crate::audit::{short, Event, Problem};
use crate::ids::{ClaimId, DocId, EvidenceId, SourceId};
use crate::store::{AuditRow, CorrectionRow};
use crate::verify::{verify, Report};
use comfy_table::Cell;
use serde::Serialize;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Sub>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// The events, oldest first: all, or those about one claim, document, source or evidence
    Log {
        /// An id like C1, D1, S1 or E1
        id: Option<String>,
    },
    /// Check everything: blobs re-hashed, references, the event chain, claim history
    Verify,
    /// Every confirmed verdict later changed: old, new, why, who, when
    Corrections,
}

pub fn run(ctx: &Context, args: Args) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    match args.command {
        None => ctx.ui.emit(&AuditTable(ws.store.audit_rows()?)),
        Some(Sub::Log { id }) => {
            let events = match id {
                None => {
                    let mut all = Vec::new();
                    ws.store.for_each_event(|e| all.push(e))?;
                    all
                }
                Some(id) => {
                    let subject = subject_of(&ws, &id)?;
                    ws.store.events_about(&subject)?
                }
            };
            ctx.ui
                .emit(&Log(events.into_iter().map(LogEntry::from).collect()))
        }
        Some(Sub::Corrections) => ctx.ui.emit(&Corrections(ws.store.corrections()?)),
        Some(Sub::Verify) => {
            let report = verify(&ws)?;
            ctx.ui.emit(&VerifyReport(&report))?;
            if report.ok {
                Ok(())
            } else {
                Err(CliError::user(format!(
                    "verification failed: {}",
                    plural(report.problems.len(), "problem")
                )))
            }
        }
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Corrections(Vec<CorrectionRow>);

impl Render for Corrections {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No corrections: no confirmed verdict has been changed.".into();
        }
        list_table(
            ui,
            &["Claim", "Was", "Now", "Why", "By", "At"],
            &self.0,
            |c| {
                vec![
                    Cell::new(c.claim),
                    Cell::new(c.old_verdict),
                    Cell::new(c.new_verdict),
                    Cell::new(clip(&c.reason, 60)),
                    Cell::new(&c.by),
                    Cell::new(&c.at),
                ]
            },
        )
    }
}

/// Checks that `id` names a record that exists, and returns it as events name it.
fn subject_of(ws: &crate::workspace::Workspace, id: &str) -> Result<String, CliError> {
    if let Ok(c) = id.parse::<ClaimId>() {
        super::claim::find(ws, id)?;
        return Ok(c.to_string());
    }
    if let Ok(d) = id.parse::<DocId>() {
        super::doc::find(ws, id)?;
        return Ok(d.to_string());
    }
    if let Ok(e) = id.parse::<EvidenceId>() {
        ws.store
            .evidence(e)?
            .ok_or_else(|| CliError::user(format!("no evidence {e} in this workspace")))?;
        return Ok(e.to_string());
    }
    if let Ok(s) = id.parse::<SourceId>() {
        super::source::find(ws, id)?;
        return Ok(s.to_string());
    }
    Err(CliError::user(format!(
        "`{id}` is not a claim, document, source or evidence id (like C1, D1, S1 or E1)"
    )))
}

/// The audit table: one row per claim.
#[derive(Serialize)]
#[serde(transparent)]
pub struct AuditTable(pub Vec<AuditRow>);

impl Render for AuditTable {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No claims yet. Log one with `claimtrail claim add`.".into();
        }
        let table = list_table(
            ui,
            &[
                "Claim",
                "Text",
                "Status",
                "Supports",
                "Disputes",
                "Context",
                "Stale",
                "Figures",
                "Proposed by",
                "Confirmed by",
                "Last change",
                "By",
            ],
            &self.0,
            |r| {
                let status = match r.pending {
                    Some(p) => Cell::new(format!("{} ({p} pending)", r.status)),
                    None => ui.status_cell(r.status),
                };
                vec![
                    Cell::new(r.claim),
                    Cell::new(clip(&r.text, 48)),
                    status,
                    Cell::new(r.supports),
                    Cell::new(r.disputes),
                    Cell::new(r.context),
                    Cell::new(r.stale),
                    Cell::new(&r.figures),
                    Cell::new(r.proposed_by.as_deref().unwrap_or("")),
                    Cell::new(r.confirmed_by.as_deref().unwrap_or("")),
                    Cell::new(&r.changed_at),
                    Cell::new(&r.changed_by),
                ]
            },
        );
        let mut counts: Vec<(crate::review::Status, usize)> = Vec::new();
        for r in &self.0 {
            match counts.iter_mut().find(|(s, _)| *s == r.status) {
                Some((_, n)) => *n += 1,
                None => counts.push((r.status, 1)),
            }
        }
        let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        format!("{table}\n{} claims: {}", self.0.len(), summary.join(", "))
    }
}

#[derive(Serialize)]
struct LogEntry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    hash: String,
    prev_hash: String,
    data: serde_json::Value,
}

impl From<Event> for LogEntry {
    fn from(e: Event) -> Self {
        LogEntry {
            data: e.data(),
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            hash: e.hash,
            prev_hash: e.prev_hash,
        }
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Log(Vec<LogEntry>);

impl Render for Log {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No events.".into();
        }
        list_table(
            ui,
            &["Seq", "At", "Actor", "Action", "Subject", "Hash"],
            &self.0,
            |e| {
                vec![
                    Cell::new(e.seq),
                    Cell::new(&e.at),
                    Cell::new(&e.actor),
                    Cell::new(&e.action),
                    Cell::new(&e.subject),
                    Cell::new(short(&e.hash)),
                ]
            },
        )
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct VerifyReport<'a>(&'a Report);

impl Render for VerifyReport<'_> {
    fn human(&self, ui: &Ui) -> String {
        let r = self.0;
        let problem_table = |rows: &[Problem]| {
            list_table(ui, &["Kind", "Subject", "Detail"], rows, |p| {
                vec![
                    Cell::new(p.kind),
                    Cell::new(&p.subject),
                    Cell::new(&p.detail),
                ]
            })
        };
        let mut out = String::new();
        if !r.problems.is_empty() {
            out.push_str(&format!("Problems:\n{}\n", problem_table(&r.problems)));
        }
        if !r.warnings.is_empty() {
            out.push_str(&format!("Warnings:\n{}\n", problem_table(&r.warnings)));
        }
        out.push_str(&format!(
            "{}: {} on the chain (head {}), {} re-hashed ({} bytes), {}, {}",
            if r.ok { "ok" } else { "FAILED" },
            plural(r.events as usize, "event"),
            short(&r.head),
            plural(r.blobs, "blob"),
            r.bytes,
            plural(r.problems.len(), "problem"),
            plural(r.warnings.len(), "warning"),
        ));
        out
    }
}
