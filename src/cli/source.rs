//! `claimtrail source add|list|show|text|recheck`: what was consulted, captured
//! as hashed snapshots, many at once, and checked again for drift.

use super::error::{CliError, Kind};
use super::evidence::{self, Recapture};
use super::ui::{list_table, plural, Render, Ui};
use super::Context;
use crate::anchor::clip;
use crate::audit::short;
use crate::blobs::Stored;
use crate::drift;
use crate::extract::{self, Extracted};
use crate::fetch::{Capture, FetchError, Fetcher, Limits, Target};
use crate::ids::{EvidenceId, SnapshotRef, SourceId};
use crate::store::{
    AttemptRow, NewSnapshot, NewText, SnapshotRow, SourceKind, SourceRow, StoreError, Writer,
};
use crate::workspace::Workspace;
use comfy_table::Cell;
use serde::Serialize;
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Bodies larger than this are kept but not read for text (memory stays bounded).
const EXTRACT_LIMIT: u64 = 32 * 1024 * 1024;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Capture URLs or files as hashed snapshots and extract their text
    Add(AddArgs),
    /// List sources with their snapshots
    List,
    /// Show a source's snapshots over time, and failed rechecks
    Show {
        /// The source id, like S1
        id: String,
    },
    /// Print a snapshot's extracted text (default: the latest snapshot)
    Text {
        /// A source or snapshot id, like S1 or S1@2
        id: String,
    },
    /// Capture sources again and report what changed
    Recheck(RecheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Give up on a capture after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Refuse bodies larger than this many bytes (suffixes K, M, G allowed)
    #[arg(long, value_name = "BYTES", default_value = "100M", value_parser = parse_size)]
    pub max_size: u64,
    /// Captures to run at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// URLs (http, https) and file paths
    #[arg(value_name = "URL|FILE")]
    pub items: Vec<String>,
    /// Read more items from this file, one per line (`-` for stdin; # starts a comment)
    #[arg(long, value_name = "LIST")]
    pub from: Option<PathBuf>,
    /// A title for the source (only with a single item) [default: the page's title]
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["ids", "all"])))]
pub struct RecheckArgs {
    /// The sources to recheck, like S1 S2
    pub ids: Vec<String>,
    /// Recheck every source
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// `100M` → 104857600.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("`{s}`: the suffix must be K, M or G")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{s}` is not a size (like 500K, 100M or 1G)"))
}

impl FetchArgs {
    fn fetcher(&self) -> Result<Fetcher, CliError> {
        Ok(Fetcher::new(Limits {
            timeout: Duration::from_secs(self.timeout.max(1)),
            max_size: self.max_size,
        })?)
    }
}

pub fn run(ctx: &Context, cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Add(args) => add(ctx, args),
        Command::List => {
            let ws = ctx.workspace()?;
            ctx.ui.emit(&listing(&ws)?)
        }
        Command::Show { id } => {
            let ws = ctx.workspace()?;
            let source = find(&ws, &id)?;
            let snapshots = ws.store.snapshots_of(source.id)?;
            let attempts = ws.store.attempts_of(source.id)?;
            ctx.ui.emit(&Shown {
                source,
                snapshots,
                attempts,
            })
        }
        Command::Text { id } => {
            let ws = ctx.workspace()?;
            let snap = find_snapshot(&ws, &id)?;
            let (Some(text_sha256), None) = (&snap.text_sha256, &snap.text_error) else {
                return Err(CliError::user(format!(
                    "{} has no text: {}",
                    snap.id,
                    snap.text_error.as_deref().unwrap_or("none was extracted")
                )));
            };
            let bytes = ws.blobs.read_verified(text_sha256)?;
            ctx.ui.emit(&SnapshotText {
                snapshot: snap.id,
                text_sha256: text_sha256.clone(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
        }
        Command::Recheck(args) => recheck(ctx, args),
    }
}

/// Looks a source up by id; an unknown one is an error naming it.
pub fn find(ws: &Workspace, id: &str) -> Result<SourceRow, CliError> {
    let source: SourceId = id.parse()?;
    ws.store.source(source)?.ok_or_else(|| {
        CliError::user(format!("no source {source} in this workspace"))
            .hint("`claimtrail source list` shows them")
    })
}

/// Looks up `S1@2`, or the latest snapshot of `S1`.
pub fn find_snapshot(ws: &Workspace, id: &str) -> Result<SnapshotRow, CliError> {
    let r: SnapshotRef = id.parse()?;
    find(ws, &r.source.to_string())?;
    ws.store.snapshot(r)?.ok_or_else(|| match r.seq {
        Some(_) => CliError::user(format!("no snapshot {r}")).hint(format!(
            "`claimtrail source show {}` lists its snapshots",
            r.source
        )),
        None => CliError::user(format!("{r} has no snapshot yet")),
    })
}

/// A capture with its text, stored as blobs, not yet recorded.
struct Prepared {
    capture: Capture,
    text: Result<(Stored, Extracted), String>,
}

impl Prepared {
    /// The blobs this capture stored.
    fn stored(&self) -> Vec<Stored> {
        let text = self.text.as_ref().ok().map(|(stored, _)| stored.clone());
        std::iter::once(self.capture.body.clone())
            .chain(text)
            .collect()
    }

    fn stored_mut(&mut self) -> Vec<&mut Stored> {
        let text = self.text.as_mut().ok().map(|(stored, _)| stored);
        std::iter::once(&mut self.capture.body)
            .chain(text)
            .collect()
    }
}

/// Why one item failed: the message, whose fault, and what a recheck makes of it.
struct Failure {
    message: String,
    io: bool,
    gone: bool,
    http_status: Option<u16>,
}

impl Failure {
    /// A local disk failure, not the source's fault.
    fn io(message: String) -> Self {
        Failure {
            message,
            io: true,
            gone: false,
            http_status: None,
        }
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        Failure {
            io: e.is_io(),
            gone: e.means_gone(),
            http_status: e.http_status(),
            message: e.to_string(),
        }
    }
}

impl From<CliError> for Failure {
    fn from(e: CliError) -> Self {
        Failure {
            io: e.kind == Kind::Io,
            gone: false,
            http_status: None,
            message: e.message,
        }
    }
}

/// Captures one target and extracts its text; blobs only, no rows. Runs on a
/// worker thread. On failure nothing it stored is left behind (the capture's own
/// temp file is gone; a body refused for its charset is handed back for removal).
fn prepare(
    fetcher: &Fetcher,
    ws_blobs: &crate::blobs::BlobStore,
    target: &Target,
) -> Result<Prepared, (Failure, Option<Stored>)> {
    let capture = fetcher
        .capture(target, ws_blobs)
        .map_err(|e| (Failure::from(e), None))?;
    if capture.body.size > EXTRACT_LIMIT {
        let why = format!(
            "not extracted: the body is {} bytes, over the {EXTRACT_LIMIT}-byte extraction limit",
            capture.body.size
        );
        return Ok(Prepared {
            capture,
            text: Err(why),
        });
    }
    let bytes = match ws_blobs.read_stored(&capture.body) {
        Ok(b) => b,
        Err(e) => return Err((CliError::from(e).into(), Some(capture.body))),
    };
    let name = capture
        .final_url
        .clone()
        .unwrap_or_else(|| capture.locator.clone());
    if let Some(encoding) = content_encoding(&capture) {
        // The bytes are kept as sent; their "text" would be the compressed bytes'.
        let why = format!(
            "not extracted: the body is {encoding}-compressed (Content-Encoding), as the server sent it"
        );
        return Ok(Prepared {
            capture,
            text: Err(why),
        });
    }
    let text = match extract::extract(&bytes, capture.content_type.as_deref(), Some(&name)) {
        Ok(ex) if ex.text.trim().is_empty() => Err("no text found in it".to_string()),
        Ok(ex) => match ws_blobs.put_bytes(ex.text.as_bytes()) {
            Ok(stored) => Ok((stored, ex)),
            Err(e) => return Err((CliError::from(e).into(), Some(capture.body))),
        },
        Err(e) if e.refuses_capture() => {
            let failure = Failure {
                message: format!("{target}: {e}"),
                io: false,
                gone: false,
                http_status: None,
            };
            return Err((failure, Some(capture.body)));
        }
        Err(e) => Err(e.to_string()),
    };
    Ok(Prepared { capture, text })
}

/// The compression a server applied unasked (`Content-Encoding`), if any.
fn content_encoding(capture: &Capture) -> Option<String> {
    capture
        .headers
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty() && v != "identity")
}

/// Records a prepared capture as a snapshot, making the source if it is new.
/// Runs inside the caller's transaction.
fn record_in(
    w: &mut Writer<'_>,
    p: &Prepared,
    title: Option<&str>,
) -> Result<Recorded, StoreError> {
    let capture = &p.capture;
    let kind = if capture.http_status.is_some() {
        SourceKind::Url
    } else {
        SourceKind::File
    };
    let page_title = p.text.as_ref().ok().and_then(|(_, ex)| ex.title.clone());
    let title = title.map(str::to_string).or(page_title);
    let (source, _) = w.source_for(kind, &capture.locator, title.as_deref())?;
    let text_id = match &p.text {
        Ok((stored, ex)) => Ok(w.add_text(&NewText {
            sha256: &stored.sha256,
            chars: ex.text.chars().count(),
            extractor: ex.extractor,
            extractor_version: ex.extractor_version,
        })?),
        Err(why) => Err(why.clone()),
    };
    let snapshot = w.add_snapshot(
        source,
        &NewSnapshot {
            requested: capture.requested.clone(),
            final_url: capture.final_url.clone(),
            redirects: capture.redirects.clone(),
            http_status: capture.http_status,
            headers: capture.headers.clone(),
            remote_ip: capture.remote_ip.clone(),
            file_mtime: capture.file_mtime.clone(),
            fetched_at: capture.fetched_at.clone(),
            sha256: capture.body.sha256.clone(),
            size: capture.body.size,
            content_type: capture.content_type.clone(),
            text: text_id,
        },
    )?;
    Ok(Recorded {
        source,
        snapshot,
        sha256: capture.body.sha256.clone(),
        size: capture.body.size,
        http_status: capture.http_status,
        final_url: capture.final_url.clone(),
        content_type: capture.content_type.clone(),
        text_sha256: p.text.as_ref().ok().map(|(s, _)| s.sha256.clone()),
        text_error: p.text.as_ref().err().cloned(),
        title,
    })
}

#[derive(Debug, Clone, Serialize)]
struct Recorded {
    source: SourceId,
    snapshot: SnapshotRef,
    sha256: String,
    size: u64,
    http_status: Option<u16>,
    final_url: Option<String>,
    content_type: Option<String>,
    text_sha256: Option<String>,
    text_error: Option<String>,
    title: Option<String>,
}

/// Captures recorded per transaction, at most.
const BATCH_MAX: usize = 256;

/// How long a ready capture waits for others to share its transaction.
const BATCH_WAIT: Duration = Duration::from_millis(50);

/// Runs `prepare` over `items` on `jobs` threads and hands the results to
/// `on_batch` on this thread, which alone writes the database. Results go in input
/// order (so ids follow the order given, whatever order captures finish in), in
/// batches: what is ready within `BATCH_WAIT` of the first, or once `BATCH_MAX`
/// are (more, when a slow capture held back those after it), so one transaction
/// records a whole run of them. Workers stage their blobs without an fsync each;
/// this thread publishes a batch's blobs (two syncfs calls and a rename each, see
/// `BlobStore::staging`) before the transaction that refers to them.
fn capture_all<T: Sync>(
    ctx: &Context,
    fetcher: &Fetcher,
    ws: &mut Workspace,
    items: &[T],
    target_of: impl Fn(&T) -> Result<Target, FetchError> + Sync,
    jobs: usize,
    mut on_batch: impl FnMut(&mut Workspace, Vec<(usize, Result<Prepared, Failure>)>) -> Vec<Stored>,
) {
    let bar = progress_bar(ctx, items.len());
    let next = AtomicUsize::new(0);
    let mut refused: Vec<Stored> = Vec::new();
    // Staged blobs cost two syncfs calls a batch, each flushing the whole
    // filesystem; for one source, fsyncing its own files is cheaper.
    let blobs = if items.len() > 1 {
        ws.blobs.staging()
    } else {
        ws.blobs.clone()
    };
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..jobs.min(items.len()).max(1) {
            let tx = tx.clone();
            let (next, blobs, target_of) = (&next, &blobs, &target_of);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = target_of(item)
                    .map_err(|e| (Failure::from(e), None))
                    .and_then(|t| prepare(fetcher, blobs, &t));
                if tx.send((i, result)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next_to_record = 0;
        let mut batch = Vec::new();
        let mut due = std::time::Instant::now();
        let mut open = true;
        while open {
            let received = if batch.is_empty() {
                rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(due.saturating_duration_since(std::time::Instant::now()))
            };
            match received {
                Ok((i, result)) => {
                    waiting.insert(i, result);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => open = false,
            }
            while let Some(result) = waiting.remove(&next_to_record) {
                let result = result.map_err(|(failure, stored)| {
                    // Taken back only once every capture is recorded: another
                    // worker may have stored the same bytes for a snapshot that
                    // is still to be written.
                    refused.extend(stored);
                    failure
                });
                if let (Err(f), true) = (&result, items.len() > 1) {
                    let line = f.message.clone();
                    match &bar {
                        Some(bar) => bar.println(line),
                        None => eprintln!("{line}"),
                    }
                }
                if batch.is_empty() {
                    due = std::time::Instant::now() + BATCH_WAIT;
                }
                batch.push((next_to_record, result));
                next_to_record += 1;
            }
            let record_now = !open || batch.len() >= BATCH_MAX || std::time::Instant::now() >= due;
            if !batch.is_empty() && record_now {
                let mut ready = std::mem::take(&mut batch);
                // The batch's blobs, durable and in place before any row names them.
                let mut stored: Vec<&mut Stored> = ready
                    .iter_mut()
                    .filter_map(|(_, r)| r.as_mut().ok())
                    .flat_map(Prepared::stored_mut)
                    .collect();
                let published = if stored.is_empty() {
                    Ok(())
                } else {
                    blobs.publish(&mut stored)
                };
                if let Err(e) = published {
                    // Not known to be on disk: record none of this batch.
                    let message = format!(
                        "cannot make the captured bytes durable: {}",
                        crate::describe_io(&e)
                    );
                    for (_, result) in &mut ready {
                        if let Ok(p) = result {
                            refused.extend(p.stored());
                            *result = Err(Failure::io(message.clone()));
                        }
                    }
                }
                let n = ready.len() as u64;
                // What the batch could not record is taken back at the end too.
                refused.extend(on_batch(ws, ready));
                if let Some(bar) = &bar {
                    bar.inc(n);
                }
            }
        }
    });
    for stored in &refused {
        ws.take_back(stored);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn progress_bar(ctx: &Context, len: usize) -> Option<indicatif::ProgressBar> {
    if !ctx.ui.progress || len < 2 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} captured, {elapsed} {msg}")
            .expect("a valid template"),
    );
    Some(bar)
}

fn read_list(from: &PathBuf) -> Result<Vec<String>, CliError> {
    let mut text = String::new();
    if from.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_string(&mut text)
            .map_err(|e| {
                CliError::io(format!(
                    "cannot read the list from stdin: {}",
                    crate::describe_io(&e)
                ))
            })?;
    } else {
        let f = std::fs::File::open(from).map_err(|e| CliError::file(from, "read", e))?;
        for line in std::io::BufReader::new(f).lines() {
            let line = line.map_err(|e| CliError::file(from, "read", e))?;
            text.push_str(&line);
            text.push('\n');
        }
    }
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

fn add(ctx: &Context, args: AddArgs) -> Result<(), CliError> {
    let mut items = args.items.clone();
    if let Some(from) = &args.from {
        items.extend(read_list(from)?);
    }
    if items.is_empty() {
        return Err(CliError::usage(
            "nothing to add: name URLs or files, or pass --from LIST",
        ));
    }
    if args.title.is_some() && items.len() > 1 {
        return Err(CliError::usage(
            "--title names one source; it cannot go with several items",
        ));
    }
    let mut ws = ctx.workspace()?;
    let actor = ctx.actor()?;
    let fetcher = args.fetch.fetcher()?;
    let report = add_items(
        ctx,
        &mut ws,
        &actor,
        &fetcher,
        &items,
        args.title.as_deref(),
        args.fetch.jobs as usize,
    );
    ctx.ui.emit(&report)?;
    report.exit()
}

/// Captures and records each item; one failure does not stop the others.
pub fn add_items(
    ctx: &Context,
    ws: &mut Workspace,
    actor: &str,
    fetcher: &Fetcher,
    items: &[String],
    title: Option<&str>,
    jobs: usize,
) -> AddReport {
    let mut outcomes: Vec<Option<AddOutcome>> = vec![None; items.len()];
    capture_all(
        ctx,
        fetcher,
        ws,
        items,
        |item| Target::parse(item),
        jobs,
        |ws, batch| {
            let ready: Vec<&Prepared> = batch.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
            let recorded = ws.store.write(actor, |w| {
                ready
                    .iter()
                    .map(|p| record_in(w, p, title))
                    .collect::<Result<Vec<_>, _>>()
            });
            let mut unrecorded = Vec::new();
            let mut recorded = match recorded {
                Ok(r) => r.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => {
                    unrecorded = ready.iter().flat_map(|p| p.stored()).collect();
                    let message = CliError::from(e).message;
                    ready.iter().map(|_| Err(message.clone())).collect()
                }
            }
            .into_iter();
            for (i, result) in batch {
                let outcome = match result {
                    Ok(_) => match recorded.next().expect("one record per capture") {
                        Ok(rec) => AddOutcome::ok(&items[i], rec),
                        Err(message) => AddOutcome::failed(
                            &items[i],
                            Failure {
                                message,
                                io: true,
                                gone: false,
                                http_status: None,
                            },
                        ),
                    },
                    Err(f) => AddOutcome::failed(&items[i], f),
                };
                outcomes[i] = Some(outcome);
            }
            unrecorded
        },
    );
    AddReport(outcomes.into_iter().flatten().collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct AddOutcome {
    input: String,
    #[serde(flatten)]
    recorded: Option<Recorded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip)]
    io_failure: bool,
}

impl AddOutcome {
    fn ok(input: &str, rec: Recorded) -> AddOutcome {
        AddOutcome {
            input: input.to_string(),
            recorded: Some(rec),
            error: None,
            io_failure: false,
        }
    }

    fn failed(input: &str, f: Failure) -> AddOutcome {
        AddOutcome {
            input: input.to_string(),
            recorded: None,
            error: Some(f.message),
            io_failure: f.io,
        }
    }
}

#[derive(Serialize)]
#[serde(transparent)]
pub struct AddReport(Vec<AddOutcome>);

impl AddReport {
    /// Non-zero if any item failed: 3 if the network or disk failed, else 1.
    pub fn exit(&self) -> Result<(), CliError> {
        let failed: Vec<&AddOutcome> = self.0.iter().filter(|o| o.error.is_some()).collect();
        if failed.is_empty() {
            return Ok(());
        }
        let kind = if failed.iter().any(|o| o.io_failure) {
            Kind::Io
        } else {
            Kind::User
        };
        let message = if self.0.len() == 1 {
            failed[0].error.clone().unwrap_or_default()
        } else {
            format!(
                "{} of {} failed",
                failed.len(),
                plural(self.0.len(), "item")
            )
        };
        Err(CliError::new(kind, message))
    }
}

impl Render for AddReport {
    fn human(&self, ui: &Ui) -> String {
        if let [one] = self.0.as_slice() {
            return match &one.recorded {
                Some(r) => one_line(r),
                None => String::new(),
            };
        }
        list_table(
            ui,
            &["Input", "Snapshot", "Status", "Size", "SHA-256", "Text"],
            &self.0,
            |o| match &o.recorded {
                Some(r) => vec![
                    Cell::new(clip(&o.input, 50)),
                    Cell::new(r.snapshot),
                    Cell::new(r.http_status.map_or("file".into(), |s| s.to_string())),
                    Cell::new(r.size),
                    Cell::new(short(&r.sha256)),
                    Cell::new(text_state(r)),
                ],
                None => vec![
                    Cell::new(clip(&o.input, 50)),
                    Cell::new("—"),
                    Cell::new("failed"),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(clip(o.error.as_deref().unwrap_or(""), 60)),
                ],
            },
        )
    }

    fn quiet(&self) -> Option<String> {
        Some(
            self.0
                .iter()
                .filter_map(|o| o.recorded.as_ref().map(|r| r.snapshot.to_string()))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

fn text_state(r: &Recorded) -> String {
    match (&r.text_sha256, &r.text_error) {
        (Some(sha), _) => format!("text {}", short(sha)),
        (None, Some(e)) => clip(e, 60),
        _ => String::new(),
    }
}

fn one_line(r: &Recorded) -> String {
    let title = r
        .title
        .as_deref()
        .map(|t| format!(" \"{}\"", clip(t, 60)))
        .unwrap_or_default();
    let status = r
        .http_status
        .map(|s| format!("HTTP {s}, "))
        .unwrap_or_default();
    format!(
        "{}{title}: {status}{} bytes, sha256 {}\n  {}",
        r.snapshot,
        r.size,
        r.sha256,
        match (&r.text_sha256, &r.text_error) {
            (Some(sha), _) => format!(
                "text sha256 {sha} (see `claimtrail source text {}`)",
                r.snapshot
            ),
            (None, Some(e)) => format!("no text: {e}"),
            _ => String::new(),
        }
    )
}

/// Every source with its snapshots, as `source list` shows them.
pub fn listing(ws: &Workspace) -> Result<SourceList, CliError> {
    let mut out = Vec::new();
    for s in ws.store.sources()? {
        let snapshots = ws.store.snapshots_of(s.id)?;
        out.push(Listed::new(s, &snapshots));
    }
    Ok(SourceList(out))
}

/// A source in `source list`.
#[derive(Serialize)]
pub struct Listed {
    id: SourceId,
    kind: SourceKind,
    url: String,
    title: Option<String>,
    snapshots: Vec<ListedSnapshot>,
}

#[derive(Serialize)]
pub struct ListedSnapshot {
    id: SnapshotRef,
    sha256: String,
    fetched_at: String,
    http_status: Option<u16>,
}

impl Listed {
    fn new(s: SourceRow, snapshots: &[SnapshotRow]) -> Listed {
        Listed {
            id: s.id,
            kind: s.kind,
            url: s.url,
            title: s.title,
            snapshots: snapshots
                .iter()
                .map(|n| ListedSnapshot {
                    id: n.id,
                    sha256: n.sha256.clone(),
                    fetched_at: n.fetched_at.clone(),
                    http_status: n.http_status,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(transparent)]
pub struct SourceList(Vec<Listed>);

impl Render for SourceList {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No sources yet. Add one with `claimtrail source add URL|FILE`.".into();
        }
        list_table(
            ui,
            &["ID", "Source", "Title", "Snapshots over time"],
            &self.0,
            |s| {
                // The latest few captures with their hashes; `source show` has all.
                const SHOWN: usize = 4;
                let mut lines: Vec<String> = s
                    .snapshots
                    .iter()
                    .rev()
                    .take(SHOWN)
                    .map(|n| format!("{} {} {}", n.id, n.fetched_at, short(&n.sha256)))
                    .collect();
                if s.snapshots.len() > SHOWN {
                    lines.push(format!("… {} earlier", s.snapshots.len() - SHOWN));
                }
                vec![
                    Cell::new(s.id),
                    Cell::new(clip(&s.url, 60)),
                    Cell::new(clip(s.title.as_deref().unwrap_or(""), 40)),
                    Cell::new(lines.join("\n")),
                ]
            },
        )
    }
}

#[derive(Serialize)]
struct Shown {
    #[serde(flatten)]
    source: SourceRow,
    snapshots: Vec<SnapshotRow>,
    attempts: Vec<AttemptRow>,
}

impl Render for Shown {
    fn human(&self, ui: &Ui) -> String {
        let s = &self.source;
        let mut out = format!(
            "{}  {}\n{}\nAdded {} by {}\n\nSnapshots:\n",
            s.id,
            s.title.as_deref().unwrap_or("(no title)"),
            s.url,
            s.added_at,
            s.added_by
        );
        out.push_str(&list_table(
            ui,
            &["Snapshot", "Fetched", "Status", "Size", "SHA-256", "Text"],
            &self.snapshots,
            |n| {
                vec![
                    Cell::new(n.id),
                    Cell::new(&n.fetched_at),
                    Cell::new(n.http_status.map_or("file".into(), |s| s.to_string())),
                    Cell::new(n.size),
                    Cell::new(short(&n.sha256)),
                    Cell::new(match (&n.text_sha256, &n.text_error) {
                        (Some(t), _) => {
                            format!("{} chars, {}", n.text_chars.unwrap_or(0), short(t))
                        }
                        (None, Some(e)) => clip(e, 50),
                        _ => String::new(),
                    }),
                ]
            },
        ));
        if let Some(last) = self.snapshots.last() {
            if !last.redirects.is_empty() {
                let chain: Vec<String> = last
                    .redirects
                    .iter()
                    .map(|h| format!("{} ({})", h.url, h.status))
                    .collect();
                out.push_str(&format!(
                    "\nLatest redirects: {} → {}",
                    chain.join(" → "),
                    last.final_url.as_deref().unwrap_or("")
                ));
            }
        }
        if !self.attempts.is_empty() {
            out.push_str("\n\nRechecks that got no content:\n");
            out.push_str(&list_table(
                ui,
                &["At", "Status", "Error", "By"],
                &self.attempts,
                |a| {
                    vec![
                        Cell::new(&a.at),
                        Cell::new(a.http_status.map(|s| s.to_string()).unwrap_or_default()),
                        Cell::new(clip(&a.error, 70)),
                        Cell::new(&a.by),
                    ]
                },
            ));
        }
        out
    }
}

#[derive(Serialize)]
struct SnapshotText {
    snapshot: SnapshotRef,
    text_sha256: String,
    text: String,
}

impl Render for SnapshotText {
    fn human(&self, _: &Ui) -> String {
        self.text.clone()
    }
}

/// What a recheck found for one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum State {
    /// The same bytes as the latest snapshot.
    Unchanged,
    /// Different bytes: a new snapshot, with a summary of the text's drift.
    Changed,
    /// 404, 410, a name that no longer resolves, a refused connection, a missing file.
    Gone,
    /// Another failure (a timeout, a server error): recorded, nothing concluded.
    Failed,
}

#[derive(Debug, Clone, Serialize)]
struct Rechecked {
    source: SourceId,
    url: String,
    state: State,
    snapshot: Option<SnapshotRef>,
    sha256: Option<String>,
    previous_sha256: Option<String>,
    text_changed: Option<bool>,
    summary: Option<String>,
    http_status: Option<u16>,
    error: Option<String>,
    /// Evidence quoting this source whose quote is no longer borne out.
    stale: Vec<EvidenceId>,
    /// Evidence found again after having gone stale.
    restored: Vec<EvidenceId>,
}

fn recheck(ctx: &Context, args: RecheckArgs) -> Result<(), CliError> {
    let mut ws = ctx.workspace()?;
    let actor = ctx.actor()?;
    let sources = if args.all {
        ws.store.sources()?
    } else {
        args.ids
            .iter()
            .map(|id| find(&ws, id))
            .collect::<Result<_, _>>()?
    };
    let previous: Vec<Option<SnapshotRow>> = sources
        .iter()
        .map(|s| {
            ws.store.snapshot(SnapshotRef {
                source: s.id,
                seq: None,
            })
        })
        .collect::<Result<_, _>>()?;
    let fetcher = args.fetch.fetcher()?;
    let threshold = super::config::threshold(&ws)?;
    let mut results: Vec<Option<Rechecked>> = vec![None; sources.len()];
    let mut write_error: Option<CliError> = None;
    capture_all(
        ctx,
        &fetcher,
        &mut ws,
        &sources,
        |s| match s.kind {
            SourceKind::Url => Target::parse(&s.url),
            SourceKind::File => Ok(Target::File(PathBuf::from(&s.url))),
        },
        args.fetch.jobs as usize,
        |ws, batch| {
            let written = ws.store.write(&actor, |w| {
                batch
                    .iter()
                    .map(|(i, result)| {
                        let source = sources[*i].id;
                        match result {
                            Ok(p) => {
                                let rec = record_in(w, p, None)?;
                                let text = p
                                    .text
                                    .as_ref()
                                    .map(|(_, ex)| ex.text.as_str())
                                    .map_err(String::as_str);
                                let recapture = Recapture::Snapshot {
                                    id: rec.snapshot,
                                    text,
                                };
                                let moved = evidence::refresh(w, source, recapture, threshold)?;
                                Ok((*i, Ok(rec), moved))
                            }
                            Err(f) => {
                                w.add_attempt(source, f.http_status, &f.message)?;
                                let moved = if f.gone {
                                    evidence::refresh(
                                        w,
                                        source,
                                        Recapture::Gone { reason: &f.message },
                                        threshold,
                                    )?
                                } else {
                                    Default::default()
                                };
                                Ok((*i, Err(f), moved))
                            }
                        }
                    })
                    .collect::<Result<Vec<_>, StoreError>>()
            });
            match written {
                Ok(done) => {
                    for (i, outcome, (stale, restored)) in done {
                        match judge(ws, &sources[i], previous[i].as_ref(), outcome) {
                            Ok(mut r) => {
                                r.stale = stale;
                                r.restored = restored;
                                results[i] = Some(r);
                            }
                            Err(e) => {
                                write_error.get_or_insert(e);
                            }
                        }
                    }
                }
                Err(e) => {
                    write_error.get_or_insert(e.into());
                    return batch
                        .iter()
                        .filter_map(|(_, r)| r.as_ref().ok())
                        .flat_map(Prepared::stored)
                        .collect();
                }
            }
            Vec::new()
        },
    );
    if let Some(e) = write_error {
        return Err(e);
    }
    let report = RecheckReport(results.into_iter().flatten().collect());
    ctx.ui.emit(&report)?;
    // Gone is an answer; a capture that failed for another reason is not.
    let failed = report.0.iter().filter(|r| r.state == State::Failed).count();
    if failed > 0 {
        return Err(CliError::io(format!(
            "{failed} of {} could not be rechecked",
            plural(report.0.len(), "source")
        )));
    }
    Ok(())
}

/// Compares a recheck's outcome (already recorded) with the previous snapshot.
fn judge(
    ws: &Workspace,
    source: &SourceRow,
    previous: Option<&SnapshotRow>,
    outcome: Result<Recorded, &Failure>,
) -> Result<Rechecked, CliError> {
    let mut out = Rechecked {
        source: source.id,
        url: source.url.clone(),
        state: State::Failed,
        snapshot: None,
        sha256: None,
        previous_sha256: previous.map(|p| p.sha256.clone()),
        text_changed: None,
        summary: None,
        http_status: None,
        error: None,
        stale: Vec::new(),
        restored: Vec::new(),
    };
    let rec = match outcome {
        Ok(rec) => rec,
        Err(f) => {
            out.state = if f.gone { State::Gone } else { State::Failed };
            out.http_status = f.http_status;
            out.error = Some(f.message.clone());
            return Ok(out);
        }
    };
    out.snapshot = Some(rec.snapshot);
    out.http_status = rec.http_status;
    out.sha256 = Some(rec.sha256.clone());
    match previous {
        Some(prev) if prev.sha256 == rec.sha256 => out.state = State::Unchanged,
        Some(prev) => {
            out.state = State::Changed;
            out.text_changed = Some(prev.text_sha256 != rec.text_sha256);
            out.summary = Some(match (&prev.text_sha256, &rec.text_sha256) {
                (Some(a), Some(b)) if a == b => {
                    "the bytes changed but the extracted text is the same".into()
                }
                (Some(a), Some(b)) => {
                    let old = ws.blobs.read_verified(a)?;
                    let new = ws.blobs.read_verified(b)?;
                    let d = drift::compare(
                        &String::from_utf8_lossy(&old),
                        &String::from_utf8_lossy(&new),
                    );
                    if d.removed == 0 && d.added == 0 {
                        "the same paragraphs, in another order or with other spacing".into()
                    } else {
                        d.summary()
                    }
                }
                _ => "the bytes changed; the text cannot be compared (no text on one side)".into(),
            });
        }
        None => out.state = State::Changed,
    }
    Ok(out)
}

#[derive(Serialize)]
#[serde(transparent)]
struct RecheckReport(Vec<Rechecked>);

impl Render for RecheckReport {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No sources to recheck.".into();
        }
        list_table(
            ui,
            &["Source", "State", "Snapshot", "What changed"],
            &self.0,
            |r| {
                vec![
                    Cell::new(r.source),
                    Cell::new(match r.state {
                        State::Unchanged => "unchanged",
                        State::Changed => "changed",
                        State::Gone => "gone",
                        State::Failed => "failed",
                    }),
                    Cell::new(r.snapshot.map(|s| s.to_string()).unwrap_or_default()),
                    Cell::new(clip(
                        r.summary.as_deref().or(r.error.as_deref()).unwrap_or(""),
                        90,
                    )),
                ]
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(parse_size("100M"), Ok(100 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("0").is_err() && parse_size("10X").is_err() && parse_size("M").is_err());
    }
}
