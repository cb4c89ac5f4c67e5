//! `claimtrail export claimreview|json|csv|html|warc`: the records, in the formats
//! the field's tools read. Files are written to a temp file and renamed, so a
//! failed export leaves no partial file.

use super::audit::write_atomically;
use super::error::CliError;
use super::ui::{Render, Ui};
use super::{claim, config, Context};
use crate::export::{self, claimreview, html, table, warc};
use crate::ids::ClaimId;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// schema.org ClaimReview JSON-LD for every claim with a confirmed verdict
    Claimreview {
        /// Only this claim
        #[arg(long, value_name = "C")]
        claim: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Every claim with status, verdict, rationale, reviewers and evidence (`claim import` reads it back)
    Json {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The same as CSV (RFC 4180); its first columns are `claim import`'s header
    Csv {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// A self-contained HTML report (no scripts, no network needed)
    Html {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The report's title
        #[arg(long, default_value = "Fact-check report")]
        title: String,
    },
    /// WARC 1.1 (gzip) of every snapshot, with records naming the claims that cite it
    Warc {
        #[arg(long, value_name = "FILE.warc.gz")]
        out: PathBuf,
    },
}

#[derive(Serialize)]
struct Exported {
    format: &'static str,
    out: String,
    claims: usize,
    bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<warc::Written>,
}

impl Render for Exported {
    fn human(&self, _: &Ui) -> String {
        let mut s = format!(
            "Wrote {} ({} bytes, {} claims) to {}",
            self.format, self.bytes, self.claims, self.out
        );
        if let Some(r) = &self.records {
            s.push_str(&format!(
                "\n  {} records: {} responses, {} file resources, {} metadata",
                r.records, r.responses, r.resources, r.metadata
            ));
        }
        s
    }
}

/// Writes `bytes` to `out`, or to stdout when there is none.
fn deliver(
    ctx: &Context,
    format: &'static str,
    out: Option<PathBuf>,
    bytes: Vec<u8>,
    claims: usize,
) -> Result<(), CliError> {
    match out {
        Some(path) => {
            write_atomically(&path, &bytes)?;
            ctx.ui.emit(&Exported {
                format,
                out: path.display().to_string(),
                claims,
                bytes: bytes.len(),
                records: None,
            })
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

pub fn run(ctx: &Context, cmd: Command) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let spinner = ctx.ui.spinner("exporting");
    let now = crate::time::now_rfc3339();
    let result = export(ctx, &ws, cmd, &now);
    drop(spinner);
    result
}

fn export(
    ctx: &Context,
    ws: &crate::workspace::Workspace,
    cmd: Command,
    now: &str,
) -> Result<(), CliError> {
    let now = now.to_string();
    match cmd {
        Command::Claimreview { claim: only, out } => {
            let only: Option<ClaimId> = match &only {
                Some(c) => Some(claim::find(ws, c)?.id),
                None => None,
            };
            let name = config::value(ws, "org.name")?;
            let url = config::value(ws, "org.url")?;
            let (Some(name), Some(url)) = (name, url) else {
                return Err(CliError::user("ClaimReview names the fact-checking organisation: set it first")
                    .hint("claimtrail config set org.name \"Your Desk\" && claimtrail config set org.url https://example.org"));
            };
            let g = export::gather(ws, only)?;
            let review_url = config::value(ws, "org.review-url")?;
            let reviews = claimreview::claim_reviews(
                &g.cases,
                &g.documents,
                &claimreview::Publisher {
                    name: &name,
                    url: &url,
                    review_url: review_url.as_deref(),
                },
            );
            let n = reviews.as_array().map_or(0, Vec::len);
            if let (Some(c), 0) = (only, n) {
                return Err(CliError::user(format!(
                    "{c} has no confirmed verdict to publish"
                )));
            }
            let mut bytes = serde_json::to_vec_pretty(&reviews).expect("JSON-LD serialises");
            bytes.push(b'\n');
            deliver(ctx, "ClaimReview JSON-LD", out, bytes, n)
        }
        Command::Json { out } => {
            let g = export::gather(ws, None)?;
            deliver(ctx, "JSON", out, table::json(&g.cases, &now), g.cases.len())
        }
        Command::Csv { out } => {
            let g = export::gather(ws, None)?;
            deliver(ctx, "CSV", out, table::csv(&g.cases), g.cases.len())
        }
        Command::Html { out, title } => {
            let g = export::gather(ws, None)?;
            let page = html::report(&g, &title, &now);
            deliver(
                ctx,
                "HTML report",
                Some(out),
                page.into_bytes(),
                g.cases.len(),
            )
        }
        Command::Warc { out } => {
            let g = export::gather(ws, None)?;
            let dir = out
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| CliError::file(&out, "write", e))?;
            let filename = out
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let written = {
                let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
                let w =
                    warc::write(&mut buffered, ws, &g, &filename, &now).map_err(|e| match e {
                        warc::WarcError::Store(s) => CliError::from(s),
                        warc::WarcError::Io(io) => CliError::file(&out, "write", io),
                        other => CliError::user(other.to_string()),
                    })?;
                buffered
                    .flush()
                    .map_err(|e| CliError::file(&out, "write", e))?;
                w
            };
            tmp.as_file()
                .sync_all()
                .map_err(|e| CliError::file(&out, "write", e))?;
            let bytes = tmp
                .as_file()
                .metadata()
                .map(|m| m.len() as usize)
                .unwrap_or(0);
            tmp.persist(&out)
                .map_err(|e| CliError::file(&out, "write", e.error))?;
            ctx.ui.emit(&Exported {
                format: "WARC 1.1",
                out: out.display().to_string(),
                claims: g.cases.len(),
                bytes,
                records: Some(written),
            })
        }
    }
}
