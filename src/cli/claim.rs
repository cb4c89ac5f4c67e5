//! `claimtrail claim add|import|list|show|edit`: claims, anchored in their articles.

use super::doc;
use super::error::CliError;
use super::ui::{list_table, plural, Render, Ui};
use super::Context;
use crate::anchor::{clip, in_context, Anchor, AnchorError, Method, Text};
use crate::audit::{short, Event};
use crate::blobs::BlobStore;
use crate::ids::{ClaimId, DocId};
use crate::import::{self, ImportRecord};
use crate::review::Status;
use crate::store::{ClaimFilter, ClaimRow, EvidenceRow, NewClaim, ReviewRow, Writer};
use crate::workspace::Workspace;
use comfy_table::Cell;
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Log a claim, anchored to the article's exact words (or with --text alone, no article)
    Add(AddArgs),
    /// Log many claims from a .json or .csv file, all or nothing
    Import {
        /// The file: a JSON array of {text, quote, doc, tags} or CSV with header text,quote,doc,tags
        file: PathBuf,
        /// The document for records that name none
        #[arg(long, value_name = "D")]
        doc: Option<String>,
    },
    /// List claims
    List {
        /// Only claims with this status
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Only claims in this document
        #[arg(long, value_name = "D")]
        doc: Option<String>,
        /// Only claims with this tag
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
    },
    /// Show a claim: its words in context, its status and its history
    Show {
        /// The claim id, like C1
        id: String,
    },
    /// Propose the article's check-worthy statements as claims, best first (with --accept, log them)
    Suggest(SuggestArgs),
    /// Reword or retag a claim (old and new values are recorded)
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["text", "tag", "untag"])))]
    Edit {
        /// The claim id, like C1
        id: String,
        /// The claim in the checker's own words
        #[arg(long)]
        text: Option<String>,
        /// Add a tag (repeatable)
        #[arg(long)]
        tag: Vec<String>,
        /// Remove a tag (repeatable)
        #[arg(long)]
        untag: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// The article, like D1
    #[arg(long, value_name = "D")]
    pub doc: String,
    /// The least score to list, from 0 to 1
    #[arg(long, value_name = "SCORE", default_value_t = crate::suggest::DEFAULT_MIN_SCORE)]
    pub min_score: f64,
    /// List at most this many
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Log the suggestions as claims (skipping any already logged at the same words)
    #[arg(long)]
    pub accept: bool,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["quote", "text"])))]
pub struct AddArgs {
    /// The article the claim is made in, like D1
    #[arg(long, value_name = "D", requires = "quote")]
    pub doc: Option<String>,
    /// The article's exact words that make the claim
    #[arg(long, requires = "doc")]
    pub quote: Option<String>,
    /// The claim in the checker's own words [default: the quote]
    #[arg(long)]
    pub text: Option<String>,
    /// Classify the claim: figure, event, attribution, … (repeatable)
    #[arg(long)]
    pub tag: Vec<String>,
    /// Which occurrence of a quote found more than once (1 = first)
    #[arg(long, value_name = "N", requires = "quote")]
    pub occurrence: Option<usize>,
}

pub fn run(ctx: &Context, cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Add(args) => {
            let mut ws = ctx.workspace()?;
            let actor = ctx.actor()?;
            let record = ImportRecord {
                place: String::new(),
                text: args.text,
                quote: args.quote,
                doc: args.doc.as_deref().map(str::parse).transpose()?,
                tags: import::clean_tags(args.tag).map_err(CliError::user)?,
                occurrence: args.occurrence,
            };
            let logged = log(&mut ws, &actor, vec![record], None)?.remove(0);
            if let (Some(doc), Some(a)) = (logged.doc, &logged.anchor) {
                if let Some(earlier) = ws.store.claim_at(doc, a.start, a.end)? {
                    if earlier != logged.id {
                        ctx.ui
                            .note(format!("note: {earlier} is anchored at the same words"));
                    }
                }
            }
            ctx.ui.emit(&logged)
        }
        Command::Import { file, doc } => {
            let mut ws = ctx.workspace()?;
            let actor = ctx.actor()?;
            let default_doc: Option<DocId> = doc.as_deref().map(str::parse).transpose()?;
            if let Some(d) = &doc {
                doc::find(&ws, d)?;
            }
            let input = std::fs::File::open(&file).map_err(|e| CliError::file(&file, "open", e))?;
            let records = import::read(&file, input)?;
            let spinner = ctx
                .ui
                .spinner(&format!("logging the claims in {}", file.display()));
            let ids = import(&mut ws, &actor, records, default_doc)?;
            drop(spinner);
            ctx.ui.emit(&Imported {
                imported: ids.len(),
                ids,
            })
        }
        Command::Suggest(args) => suggest(ctx, args),
        Command::List { status, doc, tag } => {
            let ws = ctx.workspace()?;
            let filter = ClaimFilter {
                status: status.as_deref().map(str::parse::<Status>).transpose()?,
                doc: doc.as_deref().map(str::parse).transpose()?,
                tag,
            };
            if ctx.ui.json {
                return ctx.ui.json_rows(|emit| {
                    ws.store
                        .for_each_claim(&filter, |c| emit(&ListedClaim::from(&c)))
                });
            }
            let claims = ws.store.claims(&filter)?;
            ctx.ui
                .emit(&ClaimList(claims.iter().map(ListedClaim::from).collect()))
        }
        Command::Show { id } => {
            let ws = ctx.workspace()?;
            let claim = find(&ws, &id)?;
            let doc_title = match claim.doc {
                Some(d) => ws.store.document(d)?.map(|d| d.title),
                None => None,
            };
            let history = ws.store.events_about(&claim.id.to_string())?;
            let evidence = ws.store.evidence_of(claim.id)?;
            let reviews = ws.store.reviews_of(claim.id)?;
            let mut dossier = Dossier::new(claim, doc_title, history);
            dossier.pending = reviews
                .iter()
                .rev()
                .find(|r| r.state == "pending")
                .map(|r| r.verdict);
            dossier.evidence = evidence;
            dossier.reviews = reviews;
            ctx.ui.emit(&dossier)
        }
        Command::Edit {
            id,
            text,
            tag,
            untag,
        } => {
            let mut ws = ctx.workspace()?;
            let actor = ctx.actor()?;
            let before = find(&ws, &id)?;
            if let Some(t) = &text {
                check_text(t).map_err(CliError::user)?;
            }
            let add = import::clean_tags(tag).map_err(CliError::user)?;
            let remove = import::clean_tags(untag).map_err(CliError::user)?;
            let changed = ws.store.write(&actor, |w| {
                w.edit_claim(&before, text.as_deref().map(str::trim), &add, &remove)
            })?;
            let after = find(&ws, &id)?;
            ctx.ui.emit(&Edited {
                id: after.id,
                changed,
                text: after.text,
                tags: after.tags,
            })
        }
    }
}

/// Looks a claim up by its typed id; an unknown one is an error naming it.
pub fn find(ws: &Workspace, id: &str) -> Result<ClaimRow, CliError> {
    let claim_id: ClaimId = id.parse()?;
    ws.store.claim(claim_id)?.ok_or_else(|| {
        CliError::user(format!("no claim {claim_id} in this workspace"))
            .hint("`claimtrail claim list` shows them")
    })
}

fn check_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the claim text is empty".into());
    }
    Ok(())
}

/// A claim as logged: what `claim add` prints.
#[derive(Debug, Serialize)]
pub struct Logged {
    pub id: ClaimId,
    pub text: String,
    pub doc: Option<DocId>,
    pub anchor: Option<Anchor>,
    /// How the quote was found: `exact` or `normalized`.
    pub method: Option<Method>,
    pub tags: Vec<String>,
    pub status: Status,
}

impl Render for Logged {
    fn human(&self, _: &Ui) -> String {
        match (&self.anchor, self.doc) {
            (Some(a), Some(doc)) => {
                let how = match self.method {
                    Some(Method::Normalized) => {
                        "\n  (found after normalising spaces, quote marks and dashes)"
                    }
                    _ => "",
                };
                format!(
                    "{} logged in {doc}, characters {}–{}:\n  {}{how}",
                    self.id,
                    a.start,
                    a.end,
                    in_context(a)
                )
            }
            _ => format!("{} logged: {}", self.id, self.text),
        }
    }

    fn quiet(&self) -> Option<String> {
        Some(self.id.to_string())
    }
}

/// Claims logged per `claim.import` event.
const IMPORT_BATCH: usize = 1000;

/// Anchors each record and logs it with its own `claim.add` event, all in one
/// transaction: one bad record (named by its place) and nothing is written.
pub fn log(
    ws: &mut Workspace,
    actor: &str,
    records: Vec<ImportRecord>,
    default_doc: Option<DocId>,
) -> Result<Vec<Logged>, CliError> {
    let mut anchorer = Anchorer::new(default_doc);
    let blobs = &ws.blobs;
    ws.store.write(actor, |w| {
        records
            .into_iter()
            .map(|rec| {
                let p = anchorer.prepare(w, blobs, rec)?;
                let id = w.add_claim(&p.as_new())?;
                Ok(p.logged(id))
            })
            .collect()
    })
}

/// Anchors and logs the records of an import file as they are read, a
/// `claim.import` event per batch, all in one transaction: one bad record (named
/// by its place in the file) and nothing is written. Keeps only the ids. The
/// trade: the write lock is held while the file is read and anchored (about 14 s
/// for a million claims; other writers wait up to the 30 s busy timeout), where
/// reading it all first would hold every record in memory.
pub fn import(
    ws: &mut Workspace,
    actor: &str,
    records: import::Records,
    default_doc: Option<DocId>,
) -> Result<Vec<ClaimId>, CliError> {
    let mut anchorer = Anchorer::new(default_doc);
    let blobs = &ws.blobs;
    ws.store.write(actor, |w| {
        let mut ids = Vec::new();
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        let mut records = records.peekable();
        while let Some(rec) = records.next() {
            batch.push(anchorer.prepare(w, blobs, rec?)?);
            if batch.len() == IMPORT_BATCH || records.peek().is_none() {
                let claims: Vec<NewClaim<'_>> = batch.iter().map(Prepared::as_new).collect();
                ids.extend(w.import_claims(&claims)?);
                batch.clear();
            }
        }
        Ok(ids)
    })
}

/// A record anchored and checked, ready to log.
struct Prepared {
    text: String,
    doc: Option<DocId>,
    anchor: Option<Anchor>,
    method: Option<Method>,
    tags: Vec<String>,
}

impl Prepared {
    fn as_new(&self) -> NewClaim<'_> {
        NewClaim {
            text: &self.text,
            doc: self.doc,
            anchor: self.anchor.as_ref(),
            tags: &self.tags,
        }
    }

    fn logged(self, id: ClaimId) -> Logged {
        Logged {
            id,
            text: self.text,
            doc: self.doc,
            anchor: self.anchor,
            method: self.method,
            tags: self.tags,
            status: Status::Unverified,
        }
    }
}

/// Anchors records in their documents. Each document's text is read (and
/// hash-checked) and prepared once, however many claims are anchored in it.
struct Anchorer {
    default_doc: Option<DocId>,
    texts: HashMap<DocId, Text<'static>>,
}

impl Anchorer {
    fn new(default_doc: Option<DocId>) -> Self {
        Anchorer {
            default_doc,
            texts: HashMap::new(),
        }
    }

    fn prepare(
        &mut self,
        w: &Writer<'_>,
        blobs: &BlobStore,
        rec: ImportRecord,
    ) -> Result<Prepared, CliError> {
        let at = |e: CliError| {
            if rec.place.is_empty() {
                e
            } else {
                e.context(&rec.place)
            }
        };
        let doc = rec.doc.or(if rec.quote.is_some() {
            self.default_doc
        } else {
            None
        });
        let (anchor, method) = match (&rec.quote, doc) {
            (Some(quote), Some(doc)) => {
                let text = match self.texts.entry(doc) {
                    Entry::Occupied(slot) => slot.into_mut(),
                    Entry::Vacant(slot) => {
                        let row = w.document(doc)?.ok_or_else(|| {
                            at(CliError::user(format!(
                                "no document {doc} in this workspace"
                            )))
                        })?;
                        slot.insert(Text::owned(doc::text_in(blobs, &row)?))
                    }
                };
                let anchored = text.anchor(quote, rec.occurrence).map_err(|e| {
                    let hint = matches!(e, AnchorError::NotFound { .. })
                        .then(|| format!("copy the words from `claimtrail doc show {doc} --text`"));
                    let err = CliError::from(e).context(doc);
                    at(hint.into_iter().fold(err, CliError::hint))
                })?;
                (Some(anchored.anchor), Some(anchored.method))
            }
            (Some(_), None) => {
                return Err(at(CliError::user(
                    "a quote needs the document it is in: give `doc` or pass --doc D",
                )))
            }
            (None, _) => (None, None),
        };
        let text = match (&rec.text, &anchor) {
            (Some(t), _) => t.trim().to_string(),
            (None, Some(a)) => a.exact.split_whitespace().collect::<Vec<_>>().join(" "),
            (None, None) => String::new(),
        };
        check_text(&text).map_err(|e| at(CliError::user(e)))?;
        Ok(Prepared {
            text,
            doc: doc.filter(|_| anchor.is_some()),
            anchor,
            method,
            tags: rec.tags,
        })
    }
}

#[derive(Serialize)]
struct Imported {
    imported: usize,
    ids: Vec<ClaimId>,
}

impl Render for Imported {
    fn human(&self, _: &Ui) -> String {
        match (self.ids.first(), self.ids.last()) {
            (Some(first), Some(last)) if self.imported > 1 => {
                format!("Imported {} claims: {first}–{last}", self.imported)
            }
            _ => format!("Imported {} claim", self.imported),
        }
    }

    fn quiet(&self) -> Option<String> {
        Some(
            self.ids
                .iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

#[derive(Serialize)]
struct ListedClaim {
    id: ClaimId,
    text: String,
    quote: Option<String>,
    status: Status,
    doc: Option<DocId>,
    tags: Vec<String>,
    anchor: Option<Anchor>,
}

impl From<&ClaimRow> for ListedClaim {
    fn from(c: &ClaimRow) -> Self {
        ListedClaim {
            id: c.id,
            text: c.text.clone(),
            quote: c.anchor.as_ref().map(|a| a.exact.clone()),
            status: c.status,
            doc: c.doc,
            tags: c.tags.clone(),
            anchor: c.anchor.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct ClaimList(Vec<ListedClaim>);

impl Render for ClaimList {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No claims match.".into();
        }
        list_table(
            ui,
            &["ID", "Claim", "Status", "Doc", "Tags"],
            &self.0,
            |c| {
                vec![
                    Cell::new(c.id),
                    Cell::new(clip(&c.text, 70)),
                    ui.status_cell(c.status),
                    Cell::new(c.doc.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::new(c.tags.join(", ")),
                ]
            },
        )
    }
}

/// The whole case for one claim, as `claim show` prints it.
#[derive(Serialize)]
struct Dossier {
    id: ClaimId,
    text: String,
    quote: Option<String>,
    status: Status,
    doc: Option<DocId>,
    doc_title: Option<String>,
    anchor: Option<Anchor>,
    tags: Vec<String>,
    created_at: String,
    created_by: String,
    updated_at: String,
    updated_by: String,
    /// A verdict waiting for a second reviewer.
    pending: Option<Status>,
    evidence: Vec<EvidenceRow>,
    reviews: Vec<ReviewRow>,
    history: Vec<HistoryEntry>,
}

#[derive(Serialize)]
struct HistoryEntry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    hash: String,
    /// What the event says of this claim: of a `claim.import`, only its own entry.
    data: serde_json::Value,
}

impl Dossier {
    fn new(c: ClaimRow, doc_title: Option<String>, history: Vec<Event>) -> Dossier {
        Dossier {
            id: c.id,
            quote: c.anchor.as_ref().map(|a| a.exact.clone()),
            text: c.text,
            status: c.status,
            doc: c.doc,
            doc_title,
            anchor: c.anchor,
            tags: c.tags,
            created_at: c.created_at,
            created_by: c.created_by,
            updated_at: c.updated_at,
            updated_by: c.updated_by,
            pending: None,
            evidence: Vec::new(),
            reviews: Vec::new(),
            history: history
                .into_iter()
                .map(|e| HistoryEntry {
                    data: e.data_about(c.id),
                    seq: e.seq,
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                    subject: e.subject,
                    hash: e.hash,
                })
                .collect(),
        }
    }
}

impl Render for Dossier {
    fn human(&self, ui: &Ui) -> String {
        let mut out = format!("{}  [{}]\n{}\n", self.id, self.status, self.text);
        if !self.tags.is_empty() {
            out.push_str(&format!("Tags: {}\n", self.tags.join(", ")));
        }
        if let (Some(a), Some(doc)) = (&self.anchor, self.doc) {
            let title = self.doc_title.as_deref().unwrap_or("");
            out.push_str(&format!(
                "\nIn {doc} \"{}\", characters {}–{}:\n  {}\n",
                clip(title, 60),
                a.start,
                a.end,
                in_context(a)
            ));
        }
        if let Some(p) = self.pending {
            out.push_str(&format!("\nPending: `{p}`, awaiting a second reviewer\n"));
        }
        if !self.evidence.is_empty() {
            out.push_str("\nEvidence:\n");
            for e in &self.evidence {
                out.push_str(&evidence_block(e));
            }
        }
        if !self.reviews.is_empty() {
            out.push_str("\nVerdicts:\n");
            out.push_str(&list_table(
                ui,
                &["Verdict", "State", "Proposed", "Decided", "Rationale"],
                &self.reviews,
                |r| {
                    vec![
                        ui.status_cell(r.verdict),
                        Cell::new(&r.state),
                        Cell::new(format!("{} {}", r.proposed_by, r.proposed_at)),
                        Cell::new(match (&r.decided_by, &r.decided_at) {
                            (Some(by), Some(at)) => format!("{by} {at}"),
                            _ => String::new(),
                        }),
                        Cell::new(match &r.decision_note {
                            Some(d) => format!("{}\n(decision: {d})", r.note),
                            None => r.note.clone(),
                        }),
                    ]
                },
            ));
            out.push('\n');
        }
        out.push_str(&format!(
            "\nLogged {} by {}; last changed {} by {}\n\nHistory:\n",
            self.created_at, self.created_by, self.updated_at, self.updated_by
        ));
        out.push_str(&list_table(
            ui,
            &["Seq", "At", "By", "Action", "Change", "Hash"],
            &self.history,
            |h| {
                vec![
                    Cell::new(h.seq),
                    Cell::new(&h.at),
                    Cell::new(&h.actor),
                    Cell::new(&h.action),
                    Cell::new(describe_change(&h.action, &h.data)),
                    Cell::new(short(&h.hash)),
                ]
            },
        ));
        out
    }
}

/// One evidence in the dossier: stance, where it was found, its words in context,
/// the figure check and whether it is still borne out.
fn evidence_block(e: &EvidenceRow) -> String {
    let how = match e.method.as_str() {
        "fuzzy" => format!(", near match {:.2}", e.score),
        "normalized" => ", after normalising".into(),
        _ => String::new(),
    };
    let mut out = format!(
        "  {} {} — {}, characters {}–{}{how}; captured {}, sha256 {}\n    {}\n    figures: {}\n",
        e.id,
        e.stance.as_str(),
        e.snapshot,
        e.anchor.start,
        e.anchor.end,
        e.fetched_at,
        short(&e.snapshot_sha256),
        in_context(&e.anchor),
        figure_summary(&e.figures),
    );
    if let Some(note) = &e.note {
        out.push_str(&format!("    note: {note}\n"));
    }
    if let Some(why) = &e.stale {
        out.push_str(&format!("    STALE: {why}\n"));
    }
    out
}

/// The stored figure check in one line: "6,000 ≠ 5,000" or "1 of 1 match".
fn figure_summary(check: &serde_json::Value) -> String {
    let figures = check["figures"].as_array().cloned().unwrap_or_default();
    match check["status"].as_str() {
        Some("mismatch") => figures
            .iter()
            .filter(|f| f["result"] == "mismatch")
            .map(|f| {
                format!(
                    "mismatch: claim {} ≠ quote {}",
                    f["claim"].as_str().unwrap_or("?"),
                    f["quote"].as_str().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some("none") | None => "the claim states no figure".into(),
        Some(status) => {
            let matched = figures.iter().filter(|f| f["result"] == "match").count();
            format!(
                "{status} ({matched} of {} figures found in the quote)",
                figures.len()
            )
        }
    }
}

/// One line saying what an event did to a claim.
fn describe_change(action: &str, data: &serde_json::Value) -> String {
    let old_new = |field: &str| {
        let v = &data[field];
        (!v.is_null()).then(|| format!("{field}: {} → {}", brief(&v["old"]), brief(&v["new"])))
    };
    match action {
        "claim.add" => match data["doc"].as_str() {
            Some(doc) => format!("logged in {doc}"),
            None => "logged".into(),
        },
        "claim.import" => match data["doc"].as_str() {
            Some(doc) => format!("imported, in {doc}"),
            None => "imported".into(),
        },
        "review.open" => "opened review".into(),
        "review.verdict" => format!(
            "{} {}: {}",
            if data["state"] == "confirmed" {
                "verdict"
            } else {
                "proposed"
            },
            data["verdict"].as_str().unwrap_or("?"),
            clip(data["note"].as_str().unwrap_or(""), 50)
        ),
        "review.confirm" => format!("confirmed {}", data["verdict"].as_str().unwrap_or("?")),
        "review.reject" => format!(
            "rejected {}: {}",
            data["verdict"].as_str().unwrap_or("?"),
            clip(data["note"].as_str().unwrap_or(""), 50)
        ),
        "claim.edit" => ["text", "tags"]
            .iter()
            .filter_map(|f| old_new(f))
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    }
}

fn brief(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("\"{}\"", clip(s, 40)),
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

#[derive(Serialize)]
struct Edited {
    id: ClaimId,
    changed: bool,
    text: String,
    tags: Vec<String>,
}

impl Render for Edited {
    fn human(&self, _: &Ui) -> String {
        if self.changed {
            format!(
                "{} edited: {}\n  tags: {}",
                self.id,
                self.text,
                self.tags.join(", ")
            )
        } else {
            format!("{} unchanged: it already reads so", self.id)
        }
    }

    fn quiet(&self) -> Option<String> {
        Some(self.id.to_string())
    }
}

#[derive(Serialize)]
struct Suggested {
    #[serde(flatten)]
    suggestion: crate::suggest::Suggestion,
    /// With --accept: the claim it was logged as, or the claim already there.
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<ClaimId>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    already_logged: bool,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Suggestions(Vec<Suggested>);

impl Render for Suggestions {
    fn human(&self, ui: &Ui) -> String {
        if self.0.is_empty() {
            return "No suggestions at or above the threshold.".into();
        }
        let accepted = self
            .0
            .iter()
            .filter(|s| s.claim.is_some() && !s.already_logged)
            .count();
        let table = list_table(ui, &["Score", "Quote", "Claim", "Features"], &self.0, |s| {
            let claim = match (s.claim, s.already_logged) {
                (Some(c), true) => format!("{c} (already)"),
                (Some(c), false) => c.to_string(),
                (None, _) => String::new(),
            };
            vec![
                Cell::new(format!("{:.2}", s.suggestion.score)),
                Cell::new(clip(&s.suggestion.claim_text(), 70)),
                Cell::new(claim),
                Cell::new(s.suggestion.features.join(", ")),
            ]
        });
        if self.0.iter().any(|s| s.claim.is_some()) {
            format!(
                "{table}\n{} logged as new claims",
                plural(accepted, "suggestion")
            )
        } else {
            table
        }
    }

    fn quiet(&self) -> Option<String> {
        let ids: Vec<String> = self
            .0
            .iter()
            .filter(|s| !s.already_logged)
            .filter_map(|s| s.claim.map(|c| c.to_string()))
            .collect();
        (!ids.is_empty()).then(|| ids.join("\n"))
    }
}

fn suggest(ctx: &Context, args: SuggestArgs) -> Result<(), CliError> {
    if !(0.0..=1.0).contains(&args.min_score) {
        return Err(CliError::user(format!(
            "--min-score {} is not between 0 and 1",
            args.min_score
        )));
    }
    let mut ws = ctx.workspace()?;
    let doc = doc::find(&ws, &args.doc)?;
    let text = doc::text_of(&ws, &doc)?;
    let mut found: Vec<crate::suggest::Suggestion> = crate::suggest::suggest(&text)
        .into_iter()
        .filter(|s| s.score >= args.min_score)
        .collect();
    if let Some(n) = args.limit {
        found.truncate(n as usize);
    }
    let mut out: Vec<Suggested> = Vec::new();
    let mut to_log = Vec::new();
    for s in found {
        let existing = ws.store.claim_at(doc.id, s.start, s.end)?;
        if args.accept && existing.is_none() {
            to_log.push(ImportRecord {
                place: String::new(),
                text: Some(s.claim_text()),
                quote: Some(s.quote.clone()),
                doc: Some(doc.id),
                tags: s.tags.clone(),
                occurrence: Some(crate::anchor::occurrence_at(&text, s.start, &s.quote)),
            });
        }
        out.push(Suggested {
            claim: existing.filter(|_| args.accept),
            already_logged: args.accept && existing.is_some(),
            suggestion: s,
        });
    }
    if !to_log.is_empty() {
        let actor = ctx.actor()?;
        let logged = log(&mut ws, &actor, to_log, None)?;
        let mut ids = logged.into_iter().map(|l| l.id);
        for s in out.iter_mut().filter(|s| s.claim.is_none()) {
            s.claim = ids.next();
        }
    }
    ctx.ui.emit(&Suggestions(out))
}
