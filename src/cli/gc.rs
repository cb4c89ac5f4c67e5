//! `claimtrail gc`: removes what `audit verify` lists as orphans, the blobs no row
//! refers to and temp files left by interrupted writes.
//!
//! A file is removed only once it is older than the grace period. That protects a
//! blob another claimtrail process has just written, or found already stored (the
//! store freshens its time), and is about to record, as git's gc spares recent
//! loose objects. It runs while holding the workspace's write lock, so no command
//! commits a reference in the middle of it.

use super::error::CliError;
use super::ui::{plural, Render, Ui};
use super::Context;
use serde::Serialize;
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spare files younger than this many seconds (they may belong to a command still running)
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub grace: u64,
    /// List what would be removed, and remove nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Serialize)]
struct Collected {
    removed: Vec<String>,
    bytes: u64,
    spared: usize,
    dry_run: bool,
}

impl Render for Collected {
    fn human(&self, _: &Ui) -> String {
        let verb = if self.dry_run {
            "would remove"
        } else {
            "removed"
        };
        let mut out = format!(
            "gc {verb} {} ({} bytes)",
            plural(self.removed.len(), "file"),
            self.bytes
        );
        if self.spared > 0 {
            out.push_str(&format!(
                "; spared {} younger than the grace period",
                plural(self.spared, "orphan")
            ));
        }
        for f in &self.removed {
            out.push_str(&format!("\n  {f}"));
        }
        out
    }
}

pub fn run(ctx: &Context, args: Args) -> Result<(), CliError> {
    let mut ws = ctx.workspace()?;
    let actor = ctx.actor()?;
    let grace = Duration::from_secs(args.grace);
    let now = SystemTime::now();
    let blobs = ws.blobs.clone();
    let root = ws.root.clone();
    let spinner = ctx.ui.spinner("looking for orphans");
    let collected = ws.store.write(&actor, |w| {
        let referenced: HashSet<String> = w.blob_refs()?.into_iter().map(|r| r.sha256).collect();
        let listing = blobs.list().map_err(|e| {
            CliError::io(format!(
                "cannot list {}: {}",
                blobs.root().display(),
                crate::describe_io(&e)
            ))
        })?;
        let mut removed = Vec::new();
        let (mut bytes, mut spared) = (0, 0);
        for (name, path) in listing {
            if name.as_ref().is_some_and(|n| referenced.contains(n)) {
                continue;
            }
            let meta = match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => m,
                // Gone meanwhile, or a folder someone made in objects/: not ours to remove.
                _ => continue,
            };
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            if age < grace {
                spared += 1;
                continue;
            }
            if !args.dry_run {
                std::fs::remove_file(&path).map_err(|e| CliError::file(&path, "remove", e))?;
            }
            bytes += meta.len();
            removed.push(
                path.strip_prefix(&root)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
            );
        }
        if !args.dry_run && !removed.is_empty() {
            w.record_gc(&removed, bytes)?;
        }
        Ok::<_, CliError>(Collected {
            removed,
            bytes,
            spared,
            dry_run: args.dry_run,
        })
    })?;
    drop(spinner);
    ctx.ui.emit(&collected)
}
