//! `claimtrail audit [log [ID] | verify]`: the audit table, the event history, fsck.

use super::error::CliError;
use super::ui::{list_table, plural, Render, Ui};
use super::Context;
use crate::anchor::clip;
use crate::audit::{short, Event, Problem};
use crate::blobs::hex;
use crate::ids::{ClaimId, DocId, EvidenceId, SourceId};
use crate::merkle::{Checkpoint, NoteKey};
use crate::store::{AuditRow, CorrectionRow, StoreError};
use crate::verify::{check_checkpoint, origin, tree_head, verify, verify_chain, Report};
use comfy_table::Cell;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Sub>,
}

#[derive(Debug, clap::Subcommand)]
pub enum KeyCmd {
    /// Make an Ed25519 signing key, outside the workspace, and print its verifier key
    Init {
        /// The key's name, shown in signatures [default: your name, without spaces]
        #[arg(long)]
        name: Option<String>,
        /// Where to write it [default: $CLAIMTRAIL_KEY, else ~/.config/claimtrail/signing.key]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// The events, oldest first: all, or those about one claim, document, source or evidence
    Log {
        /// An id like C1, D1, S1 or E1
        id: Option<String>,
    },
    /// Check everything: blobs re-hashed, references, the event chain, claim history
    Verify {
        /// Check only the event chain (sequence, links, hashes): quick, for long logs
        #[arg(long)]
        chain_only: bool,
        /// Also prove the log still extends this checkpoint (kept outside the workspace)
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// The verifier key its signature must check against [default: from your signing key]
        #[arg(long, value_name = "VKEY", requires = "checkpoint")]
        vkey: Option<String>,
    },
    /// Print a Merkle tree head of the log (RFC 6962) as a C2SP checkpoint, signed if you have a key
    Checkpoint {
        /// Also write it to this file (keep it somewhere the workspace's owner cannot edit)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The signing key [default: $CLAIMTRAIL_KEY, else ~/.config/claimtrail/signing.key if it exists]
        #[arg(long, value_name = "PATH")]
        key: Option<PathBuf>,
        /// Do not sign, even if a key exists
        #[arg(long, conflicts_with = "key")]
        unsigned: bool,
    },
    /// Signing keys for checkpoints
    #[command(subcommand)]
    Key(KeyCmd),
    /// Every confirmed verdict later changed: old, new, why, who, when
    Corrections,
}

pub fn run(ctx: &Context, args: Args) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    match args.command {
        None if ctx.ui.json => ctx
            .ui
            .json_rows(|emit| ws.store.for_each_audit_row(|row| emit(&row))),
        None => ctx.ui.emit(&AuditTable(ws.store.audit_rows()?)),
        Some(Sub::Log { id: None }) if ctx.ui.json => ctx
            .ui
            .json_rows(|emit| ws.store.for_each_event(|e| emit(&LogEntry::new(e, None)))),
        Some(Sub::Log { id }) => {
            let (events, claim) = match id {
                None => {
                    let mut all = Vec::new();
                    ws.store.for_each_event(|e| {
                        all.push(e);
                        Ok::<_, StoreError>(())
                    })?;
                    (all, None)
                }
                Some(id) => {
                    let subject = subject_of(&ws, &id)?;
                    (ws.store.events_about(&subject)?, subject.parse().ok())
                }
            };
            ctx.ui.emit(&Log(events
                .into_iter()
                .map(|e| LogEntry::new(e, claim))
                .collect()))
        }
        Some(Sub::Corrections) => ctx.ui.emit(&Corrections(ws.store.corrections()?)),
        Some(Sub::Verify {
            chain_only,
            checkpoint,
            vkey,
        }) => {
            let spinner = ctx.ui.spinner("re-hashing blobs and checking the chain");
            let mut report = if chain_only {
                verify_chain(&ws)?
            } else {
                verify(&ws)?
            };
            drop(spinner);
            if let Some(file) = &checkpoint {
                let text =
                    std::fs::read_to_string(file).map_err(|e| CliError::file(file, "read", e))?;
                let vkey = match vkey {
                    Some(v) => Some(v),
                    None => default_key_path()
                        .filter(|p| p.is_file())
                        .map(|p| load_key(&p).map(|k| k.verifier()))
                        .transpose()?,
                };
                check_checkpoint(
                    &ws,
                    &text,
                    vkey.as_deref(),
                    &mut report.problems,
                    &mut report.warnings,
                )?;
                report.ok = report.problems.is_empty();
            }
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
        Some(Sub::Checkpoint { out, key, unsigned }) => {
            let mut ws = ws;
            let actor = ctx.actor()?;
            let (size, root) = tree_head(&ws, None)?;
            let mut cp = Checkpoint {
                origin: origin(&ws)?,
                size,
                root,
                signatures: Vec::new(),
            };
            let key_path = key.or_else(|| default_key_path().filter(|p| p.is_file()));
            let signer = match (unsigned, key_path) {
                (false, Some(p)) => Some(load_key(&p)?),
                _ => None,
            };
            if let Some(k) = &signer {
                k.sign(&mut cp);
            }
            let text = cp.text();
            if let Some(out) = &out {
                write_atomically(out, text.as_bytes())?;
            }
            let root_hex = hex(&root);
            ws.store.write(&actor, |w| {
                w.add_checkpoint(size, &root_hex, &text, signer.is_some())
            })?;
            ctx.ui.emit(&Checkpointed {
                origin: cp.origin,
                size,
                root: root_hex,
                signed_by: signer.map(|k| k.name),
                text,
                out: out.map(|p| p.display().to_string()),
            })
        }
        Some(Sub::Key(KeyCmd::Init { name, out })) => {
            let path = out.or_else(default_key_path).ok_or_else(|| {
                CliError::user(
                    "no place for the key: set HOME or CLAIMTRAIL_KEY, or pass --out PATH",
                )
            })?;
            let name = match name {
                Some(n) => n,
                None => ctx
                    .actor()?
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join("-")
                    .replace('+', "-"),
            };
            let key = NoteKey::generate(&name).map_err(|e| CliError::user(e.to_string()))?;
            write_new_secret(&path, format!("{}\n", key.to_private_text()).as_bytes())?;
            ctx.ui.emit(&KeyMade {
                path: path.display().to_string(),
                name: key.name.clone(),
                vkey: key.verifier(),
            })
        }
    }
}

/// Where signing keys live by default: never inside a workspace.
fn default_key_path() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = env("CLAIMTRAIL_KEY") {
        return Some(PathBuf::from(p));
    }
    let config = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("claimtrail").join("signing.key"))
}

fn load_key(path: &Path) -> Result<NoteKey, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError::file(path, "read the key", e))?;
    NoteKey::parse_private(&text).map_err(|e| CliError::user(format!("{}: {e}", path.display())))
}

/// Writes a new file readable only by its owner; refuses to replace one.
fn write_new_secret(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CliError::file(dir, "create", e))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::user(format!(
                "{} already exists; a key is never overwritten",
                path.display()
            ))
        } else {
            CliError::file(path, "write", e)
        }
    })?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| CliError::file(path, "write", e))
}

/// Writes `bytes` to a temp file beside `path` and renames it into place, so a
/// failure leaves no partial file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| CliError::file(path, "write", e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| CliError::file(path, "write", e))?;
    tmp.persist(path)
        .map_err(|e| CliError::file(path, "write", e.error))?;
    Ok(())
}

#[derive(Serialize)]
struct Checkpointed {
    origin: String,
    size: u64,
    root: String,
    signed_by: Option<String>,
    text: String,
    out: Option<String>,
}

impl Render for Checkpointed {
    fn human(&self, _: &Ui) -> String {
        let mut out = self.text.clone();
        match &self.out {
            Some(p) => out.push_str(&format!("\n(written to {p}; keep a copy where this workspace's owner cannot change it)")),
            None => out.push_str("\n(keep this text where this workspace's owner cannot change it; check it later with `claimtrail audit verify --checkpoint FILE`)"),
        }
        out
    }
}

#[derive(Serialize)]
struct KeyMade {
    path: String,
    name: String,
    vkey: String,
}

impl Render for KeyMade {
    fn human(&self, _: &Ui) -> String {
        format!(
            "Signing key `{}` written to {} (readable only by you).\nIts verifier key, to give anyone who checks your checkpoints:\n  {}",
            self.name, self.path, self.vkey
        )
    }

    fn quiet(&self) -> Option<String> {
        Some(self.vkey.clone())
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

impl LogEntry {
    /// An event as listed; in the history of one claim, only what it says of that claim.
    fn new(e: Event, claim: Option<ClaimId>) -> Self {
        LogEntry {
            data: match claim {
                Some(claim) => e.data_about(claim),
                None => e.data(),
            },
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
