//! `claimtrail doc add|list|show`: the articles whose claims are checked.

use super::error::CliError;
use super::ui::{list_table, Render, Ui};
use super::Context;
use crate::anchor::clip;
use crate::audit::short;
use crate::blobs::{BlobStore, Stored};
use crate::extract;
use crate::extract::Extracted;
use crate::fetch::{Fetcher, Limits, Target};
use crate::ids::DocId;
use crate::store::{DocumentRow, NewDocument, NewText};
use crate::workspace::Workspace;
use comfy_table::Cell;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Snapshot an article: keep its bytes, hashed, and extract its text
    Add(AddArgs),
    /// List the articles
    List,
    /// Show one article's record (with --text, its text)
    Show {
        /// The document id, like D1
        id: String,
        /// Print the article's text as stored, to copy quotes from
        #[arg(long)]
        text: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The article: a file (text, HTML or PDF) or an http(s) URL
    #[arg(value_name = "FILE|URL")]
    pub file: String,
    /// Its title [default: the page's own title, else the file name]
    #[arg(long)]
    pub title: Option<String>,
    /// Who published it
    #[arg(long)]
    pub publisher: Option<String>,
    /// When it was published: YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Where it was published
    #[arg(long)]
    pub url: Option<String>,
}

pub fn run(ctx: &Context, cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Add(args) => {
            let mut ws = ctx.workspace()?;
            let actor = ctx.actor()?;
            let target = Target::parse(&args.file)?;
            let (body, extracted) = snapshot(&ws, &target)?;
            let meta = DocMeta {
                origin: args.file.clone(),
                title: args
                    .title
                    .or(extracted.title.clone())
                    .unwrap_or_else(|| file_title(&args.file)),
                publisher: args.publisher,
                url: args.url.or(match &target {
                    Target::Url(u) => Some(u.to_string()),
                    Target::File(_) => None,
                }),
                published: args.published,
            };
            let added = add(&mut ws, &actor, body, extracted, &meta)?;
            ctx.ui.emit(&added)
        }
        Command::List => {
            let ws = ctx.workspace()?;
            ctx.ui.emit(&DocList(ws.store.documents()?))
        }
        Command::Show { id, text } => {
            let ws = ctx.workspace()?;
            let doc = find(&ws, &id)?;
            if text {
                let body = text_of(&ws, &doc)?;
                return ctx.ui.emit(&DocText {
                    id: doc.id,
                    text_sha256: doc.text.sha256,
                    text: body,
                });
            }
            ctx.ui.emit(&doc)
        }
    }
}

pub struct DocMeta {
    pub origin: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
}

#[derive(Serialize)]
pub struct AddedDoc {
    pub id: DocId,
    pub sha256: String,
    pub chars: usize,
    pub size: u64,
    pub title: String,
    pub text_sha256: String,
    pub encoding: String,
}

impl Render for AddedDoc {
    fn human(&self, _: &Ui) -> String {
        format!(
            "{} added: \"{}\", {} bytes ({} characters of {} text)\n  sha256 {}",
            self.id, self.title, self.size, self.chars, self.encoding, self.sha256
        )
    }

    fn quiet(&self) -> Option<String> {
        Some(self.id.to_string())
    }
}

/// Captures an article's bytes (a file, or a URL fetched the way sources are)
/// into the blob store and extracts its text. An article must have text: if none
/// can be extracted, the bytes are taken back and the error names the article.
pub fn snapshot(ws: &Workspace, target: &Target) -> Result<(Stored, Extracted), CliError> {
    let fetcher = Fetcher::new(Limits::default())?;
    let capture = fetcher.capture(target, &ws.blobs)?;
    let bytes = match ws.blobs.read_verified(&capture.body.sha256) {
        Ok(b) => b,
        Err(e) => {
            ws.take_back(&capture.body);
            return Err(e.into());
        }
    };
    match extract::extract(
        &bytes,
        capture.content_type.as_deref(),
        Some(&capture.locator),
    ) {
        Ok(extracted) if extracted.text.trim().is_empty() => {
            ws.take_back(&capture.body);
            Err(CliError::user(format!("{target}: the article has no text")))
        }
        Ok(extracted) => Ok((capture.body, extracted)),
        Err(e) => {
            ws.take_back(&capture.body);
            Err(CliError::from(e).context(target))
        }
    }
}

/// Records an article whose bytes are stored, with its extracted text, all or
/// nothing: if the transaction fails, the blobs this command added are taken back.
pub fn add(
    ws: &mut Workspace,
    actor: &str,
    body: Stored,
    extracted: Extracted,
    meta: &DocMeta,
) -> Result<AddedDoc, CliError> {
    let checked = check_meta(meta);
    let text_blob = checked.and_then(|()| Ok(ws.blobs.put_bytes(extracted.text.as_bytes())?));
    let text_blob = match text_blob {
        Ok(t) => t,
        Err(e) => {
            ws.take_back(&body);
            return Err(e);
        }
    };
    let chars = extracted.text.chars().count();
    let result = ws.store.write(actor, |w| {
        let text_id = w.add_text(&NewText {
            sha256: &text_blob.sha256,
            chars,
            extractor: extracted.extractor,
            extractor_version: extracted.extractor_version,
        })?;
        w.add_document(&NewDocument {
            origin: &meta.origin,
            title: meta.title.trim(),
            publisher: meta.publisher.as_deref(),
            url: meta.url.as_deref(),
            published: meta.published.as_deref(),
            sha256: &body.sha256,
            size: body.size,
            encoding: &extracted.encoding,
            text_id,
        })
    });
    match result {
        Ok(id) => Ok(AddedDoc {
            id,
            sha256: body.sha256,
            chars,
            size: body.size,
            title: meta.title.trim().to_string(),
            text_sha256: text_blob.sha256,
            encoding: extracted.encoding,
        }),
        Err(e) => {
            ws.take_back(&text_blob);
            ws.take_back(&body);
            Err(CliError::from(e))
        }
    }
}

fn check_meta(meta: &DocMeta) -> Result<(), CliError> {
    if meta.title.trim().is_empty() {
        return Err(CliError::user("the title is empty"));
    }
    if let Some(date) = &meta.published {
        crate::time::check_date(date).ok_or_else(|| {
            CliError::user(format!(
                "`{date}` is not a publication date (use YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time)"
            ))
        })?;
    }
    Ok(())
}

fn file_title(input: &str) -> String {
    Path::new(input)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| input.to_string())
}

/// Looks a document up by its typed id; an unknown one is an error naming it.
pub fn find(ws: &Workspace, id: &str) -> Result<DocumentRow, CliError> {
    let doc_id: DocId = id.parse()?;
    ws.store.document(doc_id)?.ok_or_else(|| {
        CliError::user(format!("no document {doc_id} in this workspace"))
            .hint("`claimtrail doc list` shows them")
    })
}

/// The document's stored text, checked against its hash.
pub fn text_of(ws: &Workspace, doc: &DocumentRow) -> Result<String, CliError> {
    text_in(&ws.blobs, doc)
}

/// A document's stored text, read from `blobs` and checked against its hash.
pub fn text_in(blobs: &BlobStore, doc: &DocumentRow) -> Result<String, CliError> {
    let bytes = blobs.read_verified(&doc.text.sha256)?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::user(format!("the stored text of {} is not UTF-8", doc.id)))
}

#[derive(Serialize)]
#[serde(transparent)]
struct DocList(Vec<DocumentRow>);

impl Render for DocList {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No documents yet. Add one with `claimtrail doc add FILE`.".into();
        }
        list_table(
            ui,
            &[
                "ID",
                "Title",
                "Publisher",
                "Published",
                "Characters",
                "Claims",
                "SHA-256",
            ],
            &self.0,
            |d| {
                vec![
                    Cell::new(d.id),
                    Cell::new(clip(&d.title, 50)),
                    Cell::new(d.publisher.as_deref().unwrap_or("")),
                    Cell::new(d.published.as_deref().unwrap_or("")),
                    Cell::new(d.text.chars),
                    Cell::new(d.claims),
                    Cell::new(short(&d.sha256)),
                ]
            },
        )
    }
}

impl Render for DocumentRow {
    fn human(&self, _: &Ui) -> String {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
        format!(
            "{id}  {title}\n\
             Publisher:  {publisher}\n\
             Published:  {published}\n\
             URL:        {url}\n\
             From:       {origin}\n\
             Bytes:      {size}, sha256 {sha}\n\
             Text:       {chars} characters ({encoding}; {extractor} {version}), sha256 {tsha}\n\
             Claims:     {claims}\n\
             Added:      {at} by {by}",
            id = self.id,
            title = self.title,
            publisher = opt(&self.publisher),
            published = opt(&self.published),
            url = opt(&self.url),
            origin = self.origin,
            size = self.size,
            sha = self.sha256,
            chars = self.text.chars,
            encoding = self.encoding,
            extractor = self.text.extractor,
            version = self.text.extractor_version,
            tsha = self.text.sha256,
            claims = self.claims,
            at = self.added_at,
            by = self.added_by,
        )
    }
}

#[derive(Serialize)]
struct DocText {
    id: DocId,
    text_sha256: String,
    text: String,
}

impl Render for DocText {
    fn human(&self, _: &Ui) -> String {
        self.text.clone()
    }
}
