//! `claimtrail demo [PATH]`: a whole workspace built from the bundled fixtures.
//!
//! The article and its labelled claims are compiled in, so the demo runs from any
//! folder. Nothing in it states a verdict: every claim stays `unverified` until
//! sources (synthetic, and saying so) are added to it.

use super::audit::AuditTable;
use super::doc::{self, DocMeta};
use super::error::CliError;
use super::source::{self, SourceList};
use super::ui::{Render, Ui};
use super::Context;
use crate::fetch::{Fetcher, Limits};
use crate::import;
use crate::store::AuditRow;
use crate::workspace::Workspace;
use serde::Serialize;
use std::path::{Path, PathBuf};

const ARTICLE: &[u8] = include_bytes!("../../fixtures/article.txt");
const CLAIMS: &[u8] = include_bytes!("../../fixtures/claims.json");
/// Synthetic sources that say so in their own text; the demo captures them as
/// local files, through the same path as any source.
const SOURCES: &[(&str, &[u8])] = &[
    (
        "demo-statement.html",
        include_bytes!("../../fixtures/sources/demo-statement.html"),
    ),
    (
        "report.pdf",
        include_bytes!("../../fixtures/sources/report.pdf"),
    ),
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to build it [default: a new temporary folder, named in the output]
    pub path: Option<PathBuf>,
}

#[derive(Serialize)]
struct Demo {
    path: String,
    doc: String,
    claims: usize,
    rows: Vec<AuditRow>,
    sources: SourceList,
}

impl Render for Demo {
    fn human(&self, ui: &Ui) -> String {
        format!(
            "{}\n\nSources (synthetic, and saying so in their own text):\n{}\n\nThe demo workspace is in {}\nLook around:\n  cd {} && claimtrail claim show C10\n  claimtrail source text S1\n  claimtrail audit log C10\n  claimtrail audit verify",
            AuditTable(self.rows.clone()).human(ui),
            self.sources.human(ui),
            self.path,
            self.path,
        )
    }
}

pub fn run(ctx: &Context, args: Args) -> Result<(), CliError> {
    let folder = match args.path {
        Some(p) => p,
        None => tempfile::Builder::new()
            .prefix("claimtrail-demo-")
            .tempdir()
            .map_err(|e| CliError::io(format!("cannot make a temporary folder: {e}")))?
            .keep(),
    };
    let actor = ctx.actor()?;
    let mut ws = Workspace::init(&folder)?;
    ctx.ui.note(format!(
        "Building the demo workspace in {}",
        folder.display()
    ));
    let body = ws.blobs.put_bytes(ARTICLE)?;
    let extracted = crate::extract::plain_text(ARTICLE)?;
    let added = doc::add(
        &mut ws,
        &actor,
        body,
        extracted,
        &DocMeta {
            origin: "fixtures/article.txt".into(),
            title: "Russia's offer to mediate between Pakistan and the Afghan Taliban (opinion)"
                .into(),
            publisher: Some("Occasional Digest".into()),
            url: None,
            published: None,
        },
    )?;
    let records = import::parse(Path::new("fixtures/claims.json"), CLAIMS)?;
    let logged = super::claim::log(&mut ws, &actor, records, Some(added.id))?;

    let source_dir = folder.join("sources");
    std::fs::create_dir_all(&source_dir).map_err(|e| CliError::file(&source_dir, "create", e))?;
    let mut items = Vec::new();
    for (name, bytes) in SOURCES {
        let path = source_dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| CliError::file(&path, "write", e))?;
        items.push(path.display().to_string());
    }
    let fetcher = Fetcher::new(Limits::default())?;
    let captured = source::add_items(ctx, &mut ws, &actor, &fetcher, &items, None, 2);
    captured.exit()?;
    let folder = folder.canonicalize().unwrap_or(folder);
    ctx.ui.emit(&Demo {
        path: folder.display().to_string(),
        doc: added.id.to_string(),
        claims: logged.len(),
        rows: ws.store.audit_rows()?,
        sources: source::listing(&ws)?,
    })
}
