//! `claimtrail demo [PATH]`: a whole workspace built from the bundled fixtures.
//!
//! The article, its labelled claims and the synthetic sources are compiled in, so
//! the demo runs from any folder. The only verdicts it records rest on sources that
//! say in their own text that they are invented, and its rationales say so too.

use super::audit::AuditTable;
use super::doc::{self, DocMeta};
use super::error::CliError;
use super::evidence;
use super::review::{self, Action};
use super::source::{self, SourceList};
use super::ui::{Render, Ui};
use super::Context;
use crate::fetch::{Fetcher, Limits};
use crate::import;
use crate::review::{Stance, Status};
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
    /// What `claim suggest --doc D1` proposes, for comparison with the labelled claims.
    suggested: usize,
    top_suggestions: Vec<crate::suggest::Suggestion>,
}

impl Render for Demo {
    fn human(&self, ui: &Ui) -> String {
        let top: Vec<String> = self
            .top_suggestions
            .iter()
            .map(|s| {
                format!(
                    "  {:.2}  {}",
                    s.score,
                    crate::anchor::clip(&s.claim_text(), 90)
                )
            })
            .collect();
        format!(
            "{}\n\nSources (synthetic, and saying so in their own text):\n{}\n\n`claim suggest --doc D1` proposes {} check-worthy claims in the article; the first few:\n{}\n\nThe demo workspace is in {}\nLook around:\n  cd {} && claimtrail claim show C16\n  claimtrail queue\n  claimtrail claim suggest --doc D1\n  claimtrail audit verify",
            AuditTable(self.rows.clone()).human(ui),
            self.sources.human(ui),
            self.suggested,
            top.join("\n"),
            self.path,
            self.path,
        )
    }
}

/// The demo's two reviewers: one proposes, the other confirms.
const CHECKER: &str = "demo checker";
const EDITOR: &str = "demo editor";

/// Evidence from the synthetic sources: (claim, source, stance, the source's words).
const EVIDENCE: &[(&str, &str, Stance, &str)] = &[
    (
        "C10",
        "S1",
        Stance::Supports,
        "four foreign minister trips were made",
    ),
    (
        "C15",
        "S1",
        Stance::Supports,
        "8 Joint Coordination Committee meetings",
    ),
    ("C16", "S1", Stance::Supports, "225 border flag meetings"),
    ("C17", "S1", Stance::Supports, "836 protest notes"),
    ("C18", "S2", Stance::Supports, "836 notes and 13 demarches"),
    (
        "C23",
        "S1",
        Stance::Disputes,
        "Afghan nationals found fighting at 204",
    ),
];

/// Verdicts the demo checker proposes; the editor confirms all but the last, which
/// stays in the queue awaiting a second reviewer.
const VERDICTS: &[(&str, Status, &str)] = &[
    ("C15", Status::Verified, "Demo only: the synthetic demo statement (S1), which says it is invented, gives the same count."),
    ("C16", Status::Verified, "Demo only: the synthetic demo statement (S1) gives the same count."),
    ("C17", Status::Verified, "Demo only: the synthetic demo statement (S1) gives the same count."),
    ("C23", Status::Disputed, "Demo only: the synthetic demo statement (S1) gives a different, invented figure."),
    ("C18", Status::Verified, "Demo only: the synthetic test report (S2) lists 13 demarches."),
];

/// Links evidence and reviews a few claims, with a second reviewer, against the
/// synthetic sources only.
fn review_some(ws: &mut Workspace, actor: &str) -> Result<(), CliError> {
    ws.store
        .write(actor, |w| w.set_config("review.second-reviewer", "on"))?;
    for (claim, source, stance, quote) in EVIDENCE {
        evidence::add(
            ws,
            CHECKER,
            &evidence::AddArgs {
                claim: claim.to_string(),
                source: source.to_string(),
                stance: *stance,
                quote: quote.to_string(),
                snapshot: None,
                occurrence: None,
                note: Some("demo evidence from a synthetic source".into()),
            },
        )?;
    }
    for (i, (claim, verdict, note)) in VERDICTS.iter().enumerate() {
        let set = Action::Set {
            status: *verdict,
            note: Some(note),
            over_mismatch: false,
        };
        review::apply(ws, CHECKER, claim, set)?;
        if i + 1 < VERDICTS.len() {
            review::apply(ws, EDITOR, claim, Action::Confirm { note: None })?;
        }
    }
    Ok(())
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
    review_some(&mut ws, &actor)?;
    let suggestions: Vec<_> = crate::suggest::suggest(&String::from_utf8_lossy(ARTICLE))
        .into_iter()
        .filter(|s| s.score >= crate::suggest::DEFAULT_MIN_SCORE)
        .collect();
    let folder = folder.canonicalize().unwrap_or(folder);
    ctx.ui.emit(&Demo {
        path: folder.display().to_string(),
        doc: added.id.to_string(),
        claims: logged.len(),
        rows: ws.store.audit_rows()?,
        sources: source::listing(&ws)?,
        suggested: suggestions.len(),
        top_suggestions: suggestions.into_iter().take(5).collect(),
    })
}
