//! `audit verify`: an fsck of the workspace.
//!
//! It re-hashes every blob against its name (in parallel, streamed), resolves every
//! reference from the database to a blob, recomputes the event chain, replays each
//! claim's recorded history against its current row, re-checks every claim's anchor
//! against its document's text, and runs SQLite's own integrity and foreign-key
//! checks. Problems make verification fail; orphans and leftover temp files are only
//! warnings.

use crate::anchor::Text;
use crate::audit::{short, ChainCheck, Problem};
use crate::blobs::hash_file;
use crate::review::Status;
use crate::store::{ClaimFilter, ClaimRow, StoreError};
use crate::workspace::Workspace;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(Debug, Serialize)]
pub struct Report {
    pub ok: bool,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub events: i64,
    pub head: String,
    pub blobs: usize,
    pub bytes: u64,
    /// Milliseconds spent on each part, for people tuning large workspaces.
    pub timings_ms: Timings,
}

#[derive(Debug, Default, Serialize)]
pub struct Timings {
    pub blobs: u128,
    /// Reading, re-hashing and linking every event (and noting what each records).
    pub chain: u128,
    /// Comparing the rows with what the events record.
    pub replay: u128,
    pub sqlite: u128,
    pub total: u128,
}

/// What a blob file turned out to be.
enum BlobCheck {
    Good { size: u64 },
    Corrupt { actual: String },
    Unreadable(String),
}

pub fn verify(ws: &Workspace) -> Result<Report, StoreError> {
    let started = std::time::Instant::now();
    let mut timings = Timings::default();
    // SQLite's own integrity check reads every page; it runs on a connection of its
    // own, on another core, while the blobs and the chain are checked here.
    let db_path = ws.root.join(crate::workspace::DB_NAME);
    let sqlite_check = std::thread::spawn(move || {
        let t = std::time::Instant::now();
        let result = crate::store::Store::open(&db_path).and_then(|s| {
            s.prefer_mmap()?;
            s.integrity_problems()
        });
        (result, t.elapsed().as_millis())
    });
    ws.store.prefer_mmap()?;
    let mut problems = Vec::new();
    let mut warnings = Vec::new();

    // 1. Every blob re-hashed against its name.
    let listing = ws.blobs.list().unwrap_or_else(|e| {
        problems.push(Problem::new(
            "objects",
            ws.blobs.root().display().to_string(),
            e.to_string(),
        ));
        Vec::new()
    });
    let mut named: Vec<(String, PathBuf)> = Vec::new();
    for (name, path) in listing {
        match name {
            Some(n) => named.push((n, path)),
            None => warnings.push(Problem::new(
                "stray-file",
                path.display().to_string(),
                "a file in objects/ that is not a blob (a temp file left by an interrupted write?)",
            )),
        }
    }
    let checked = hash_all(&named);
    timings.blobs = started.elapsed().as_millis();
    let chain_started = std::time::Instant::now();
    let mut good: HashSet<&str> = HashSet::new();
    let mut bytes = 0;
    for ((name, _), check) in named.iter().zip(&checked) {
        match check {
            BlobCheck::Good { size } => {
                good.insert(name);
                bytes += size;
            }
            BlobCheck::Corrupt { actual } => problems.push(Problem::new(
                "blob-corrupt",
                format!("blob {}", short(name)),
                format!("its bytes hash to {} instead of {name}", short(actual)),
            )),
            BlobCheck::Unreadable(e) => problems.push(Problem::new(
                "blob-unreadable",
                format!("blob {}", short(name)),
                e.clone(),
            )),
        }
    }

    // 2. Every reference resolves to a whole blob.
    let refs = ws.store.blob_refs()?;
    let present: HashSet<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    for r in &refs {
        if !present.contains(r.sha256.as_str()) {
            problems.push(Problem::new(
                "blob-missing",
                &r.subject,
                format!(
                    "refers to blob {} which is not in objects/",
                    short(&r.sha256)
                ),
            ));
        } else if !good.contains(r.sha256.as_str()) {
            problems.push(Problem::new(
                "blob-damaged",
                &r.subject,
                format!(
                    "refers to blob {} whose bytes no longer match its hash",
                    short(&r.sha256)
                ),
            ));
        }
    }
    let referenced: HashSet<&str> = refs.iter().map(|r| r.sha256.as_str()).collect();
    for (name, _) in &named {
        if !referenced.contains(name.as_str()) {
            warnings.push(Problem::new(
                "orphan-blob",
                format!("blob {}", short(name)),
                "nothing refers to it (left by an interrupted command?)",
            ));
        }
    }

    // 3 and 4. The chain, and what the events say replayed against the rows.
    let mut chain = ChainCheck::default();
    let mut claims_said: HashMap<String, ClaimState> = HashMap::new();
    let mut hashes_said: HashMap<String, String> = HashMap::new();
    let mut stale_said: HashMap<String, bool> = HashMap::new();
    // What each evidence was when added, and what became of each review.
    let mut evidence_said: HashMap<String, Value> = HashMap::new();
    let mut reviews_said: HashMap<i64, (String, Option<String>)> = HashMap::new();
    let mut corrections_said = 0i64;
    let mut replay_problems = Vec::new();
    ws.store.for_each_event(|e| {
        let data = chain.push(&e);
        match e.action.as_str() {
            "claim.add" => {
                let state = ClaimState::from_add(&data, e.seq);
                logged(
                    &mut claims_said,
                    e.subject.clone(),
                    state,
                    &mut replay_problems,
                );
            }
            "claim.import" => {
                let entries = data["claims"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let ids: Vec<String> = entries.iter().map(|c| format!("C{}", c["id"])).collect();
                let named = crate::ids::claim_range(&ids);
                if named != e.subject {
                    replay_problems.push(Problem::new(
                        "import-subject",
                        format!("event {}", e.seq),
                        format!(
                            "its subject is {} but it logs {}",
                            e.subject,
                            if named.is_empty() {
                                "no claims"
                            } else {
                                &named
                            }
                        ),
                    ));
                }
                for (key, claim) in ids.into_iter().zip(entries) {
                    let state = ClaimState::from_add(claim, e.seq);
                    logged(&mut claims_said, key, state, &mut replay_problems);
                }
            }
            "claim.edit" => {
                if let Some(state) = claims_said.get_mut(&e.subject) {
                    state.apply_edit(&data);
                }
            }
            "review.open" => {
                if let Some(w) = data["withdrawn"].as_i64() {
                    reviews_said.insert(w, ("withdrawn".into(), Some(e.actor.clone())));
                }
                if let Some(state) = claims_said.get_mut(&e.subject) {
                    state.status = Status::InReview;
                }
            }
            // A pending or rejected proposal leaves a verdict in force alone.
            "review.reject" => {
                if let Some(review) = data["review"].as_i64() {
                    reviews_said.insert(review, ("rejected".into(), Some(e.actor.clone())));
                }
                if let Some(state) = claims_said.get_mut(&e.subject) {
                    if !state.status.is_verdict() {
                        state.status = Status::InReview;
                    }
                }
            }
            "review.verdict" | "review.confirm" => {
                if let Some(review) = data["review"].as_i64() {
                    let state = if e.action == "review.confirm" {
                        "confirmed"
                    } else {
                        data["state"].as_str().unwrap_or("")
                    };
                    reviews_said.insert(
                        review,
                        (
                            state.to_string(),
                            (state == "confirmed").then(|| e.actor.clone()),
                        ),
                    );
                }
                if let Some(w) = data["withdrawn"].as_i64() {
                    reviews_said.insert(w, ("withdrawn".into(), Some(e.actor.clone())));
                }
                if !data["correction"].is_null() {
                    corrections_said += 1;
                }
                if let Some(state) = claims_said.get_mut(&e.subject) {
                    let pending = e.action == "review.verdict" && data["state"] != "confirmed";
                    let verdict = data["verdict"].as_str().and_then(|v| v.parse().ok());
                    state.status = match (pending, verdict) {
                        (false, Some(v)) => v,
                        _ if state.status.is_verdict() => state.status,
                        _ => Status::InReview,
                    };
                }
            }
            "evidence.add" => {
                stale_said.insert(e.subject.clone(), false);
                evidence_said.insert(e.subject.clone(), data.clone());
            }
            "evidence.stale" | "evidence.restored" => {
                stale_said.insert(e.subject.clone(), e.action == "evidence.stale");
            }
            "doc.add" | "snapshot.add" | "text.add" => {
                if let Some(h) = data["sha256"].as_str() {
                    hashes_said.insert(e.subject.clone(), h.to_string());
                }
            }
            _ => {}
        }
        Ok::<_, StoreError>(())
    })?;
    timings.chain = chain_started.elapsed().as_millis();
    problems.append(&mut chain.problems);
    problems.append(&mut replay_problems);
    let (events, head) = chain.head();
    let head = head.to_string();

    for r in &refs {
        match hashes_said.get(&r.subject) {
            None => problems.push(Problem::new(
                "unrecorded-row",
                &r.subject,
                "no event records this row: it was inserted outside claimtrail",
            )),
            Some(h) if *h != r.sha256 => problems.push(Problem::new(
                "state-mismatch",
                &r.subject,
                format!(
                    "its hash is {} but the events record {}",
                    short(&r.sha256),
                    short(h)
                ),
            )),
            Some(_) => {}
        }
    }

    // Streamed: only the anchored claims are kept, for the anchor checks below.
    let mut anchored: Vec<ClaimRow> = Vec::new();
    ws.store.for_each_claim(&ClaimFilter::default(), |c| {
        let key = c.id.to_string();
        match claims_said.remove(&key) {
            None => problems.push(Problem::new(
                "unrecorded-claim",
                &key,
                "no claim.add or claim.import event logs it: it was inserted outside claimtrail",
            )),
            Some(said) => {
                for field in said.differences(&c) {
                    problems.push(Problem::new(
                        "state-mismatch",
                        &key,
                        format!("its {field} differs from what the events record"),
                    ));
                }
            }
        }
        if c.anchor.is_some() {
            anchored.push(c);
        }
        Ok::<_, StoreError>(())
    })?;
    let mut missing: Vec<&String> = claims_said.keys().collect();
    missing.sort_by_key(|k| k[1..].parse::<i64>().unwrap_or(0));
    for key in missing {
        problems.push(Problem::new(
            "missing-claim",
            key,
            "the events record this claim but its row is gone",
        ));
    }

    let evidence = ws.store.all_evidence()?;
    for e in &evidence {
        let key = e.id.to_string();
        match stale_said.remove(&key) {
            None => problems.push(Problem::new(
                "unrecorded-evidence",
                &key,
                "no evidence.add event records it: it was inserted outside claimtrail",
            )),
            Some(_) if !evidence_agrees(e, evidence_said.get(&key)) => problems.push(Problem::new(
                "state-mismatch",
                &key,
                "its claim, snapshot, stance, quote or figure check differs from what its evidence.add event records",
            )),
            Some(stale) if stale != e.stale.is_some() => problems.push(Problem::new(
                "state-mismatch",
                &key,
                format!(
                    "it is marked {} but the events record it {}",
                    if e.stale.is_some() { "stale" } else { "fresh" },
                    if stale { "stale" } else { "fresh" }
                ),
            )),
            Some(_) => {}
        }
    }
    for key in stale_said.keys() {
        problems.push(Problem::new(
            "missing-evidence",
            key,
            "the events record this evidence but its row is gone",
        ));
    }
    check_evidence_anchors(ws, &evidence, &good, &mut problems);

    // Reviews and corrections, against the verdict events.
    for r in ws.store.all_reviews()? {
        let key = format!("review {} of {}", r.id, r.claim);
        match reviews_said.get(&r.id) {
            None => problems.push(Problem::new(
                "unrecorded-review",
                &key,
                "no event records this review",
            )),
            Some((state, by)) => {
                if *state != r.state || (by.is_some() && *by != r.decided_by) {
                    problems.push(Problem::new(
                        "state-mismatch",
                        &key,
                        format!(
                            "it reads {} by {} but the events record {state} by {}",
                            r.state,
                            r.decided_by.as_deref().unwrap_or("nobody"),
                            by.as_deref().unwrap_or("nobody")
                        ),
                    ));
                }
            }
        }
    }
    let corrections = ws.store.corrections()?.len() as i64;
    if corrections != corrections_said {
        problems.push(Problem::new(
            "state-mismatch",
            "corrections",
            format!(
                "{corrections} corrections are recorded but the events record {corrections_said}"
            ),
        ));
    }

    // Each anchor still names the words at its offsets in its document's text.
    check_anchors(ws, &anchored, &good, &mut problems)?;

    timings.replay = chain_started.elapsed().as_millis() - timings.chain;

    // 5. SQLite's own checks, and the triggers that keep the log append-only.
    let (integrity, sqlite_ms) = sqlite_check
        .join()
        .unwrap_or((Ok(vec!["the check itself failed".into()]), 0));
    timings.sqlite = sqlite_ms;
    for line in integrity? {
        problems.push(Problem::new("sqlite", "claimtrail.db", line));
    }
    for trigger in ws.store.missing_triggers()? {
        problems.push(Problem::new(
            "trigger-missing",
            trigger,
            "the trigger that keeps the audit log append-only is gone",
        ));
    }

    Ok(Report {
        ok: problems.is_empty(),
        problems,
        warnings,
        events,
        head,
        blobs: named.len(),
        bytes,
        timings_ms: Timings {
            total: started.elapsed().as_millis(),
            ..timings
        },
    })
}

/// Whether an evidence row says what its `evidence.add` event recorded.
fn evidence_agrees(e: &crate::store::EvidenceRow, said: Option<&Value>) -> bool {
    let Some(d) = said else { return false };
    d["claim"].as_str() == Some(&e.claim.to_string())
        && d["snapshot"].as_str() == Some(&e.snapshot.to_string())
        && d["stance"].as_str() == Some(e.stance.as_str())
        && d["anchor"] == serde_json::to_value(&e.anchor).unwrap_or(Value::Null)
        && d["figures"] == e.figures
}

/// Records what an event says a newly logged claim is; a claim logged twice is a problem.
fn logged(
    said: &mut HashMap<String, ClaimState>,
    key: String,
    state: ClaimState,
    problems: &mut Vec<Problem>,
) {
    let seq = state.seq;
    if let Some(earlier) = said.insert(key.clone(), state) {
        problems.push(Problem::new(
            "claim-logged-twice",
            key,
            format!("event {seq} logs it again after event {}", earlier.seq),
        ));
    }
}

/// A claim as its events describe it. Fields are kept as digests (the first 16
/// bytes of SHA-256 over their canonical JSON), not as values: a replay holds one
/// of these for every claim at once, 64 bytes of digests where whole texts,
/// anchors and tag lists would take several hundred.
struct ClaimState {
    text: Digest,
    status: Status,
    doc: Digest,
    anchor: Digest,
    tags: Digest,
    /// The event that logged it.
    seq: i64,
}

type Digest = [u8; 16];

fn digest(v: &Value) -> Digest {
    let mut canonical = String::new();
    crate::audit::write_canonical(v, &mut canonical);
    let full = <sha2::Sha256 as sha2::Digest>::digest(canonical.as_bytes());
    full[..16].try_into().expect("SHA-256 is 32 bytes")
}

fn digest_of(v: impl serde::Serialize) -> Digest {
    digest(&serde_json::to_value(v).unwrap_or(Value::Null))
}

impl ClaimState {
    fn from_add(data: &Value, seq: i64) -> ClaimState {
        ClaimState {
            seq,
            text: digest(&data["text"]),
            status: Status::Unverified,
            doc: digest(&data["doc"]),
            anchor: digest(&data["anchor"]),
            tags: digest(&data["tags"]),
        }
    }

    fn apply_edit(&mut self, data: &Value) {
        if data["text"]["new"].is_string() {
            self.text = digest(&data["text"]["new"]);
        }
        if !data["tags"]["new"].is_null() {
            self.tags = digest(&data["tags"]["new"]);
        }
    }

    /// The fields where the row says something else.
    fn differences(&self, row: &ClaimRow) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.text != digest_of(&row.text) {
            out.push("text");
        }
        if self.status != row.status {
            out.push("status");
        }
        if self.doc != digest_of(row.doc) {
            out.push("document");
        }
        if self.anchor != digest_of(&row.anchor) {
            out.push("anchor");
        }
        if self.tags != digest_of(&row.tags) {
            out.push("tags");
        }
        if row.added_seq != Some(self.seq) {
            out.push("logging event");
        }
        out
    }
}

fn check_anchors(
    ws: &Workspace,
    claims: &[ClaimRow],
    good: &HashSet<&str>,
    problems: &mut Vec<Problem>,
) -> Result<(), StoreError> {
    let mut by_doc: HashMap<_, Vec<&ClaimRow>> = HashMap::new();
    for c in claims.iter().filter(|c| c.anchor.is_some()) {
        if let Some(d) = c.doc {
            by_doc.entry(d).or_default().push(c);
        }
    }
    for (doc_id, claims) in by_doc {
        let Some(doc) = ws.store.document(doc_id)? else {
            continue;
        };
        if !good.contains(doc.text.sha256.as_str()) {
            continue; // already reported as a missing or damaged blob
        }
        let Ok(bytes) = ws.blobs.read_verified(&doc.text.sha256) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let text = Text::new(&text);
        for c in claims {
            let a = c.anchor.as_ref().expect("filtered to anchored claims");
            let actual = text.anchor_at(a.start, a.end);
            if actual.exact != a.exact || a.end > text.chars() {
                problems.push(Problem::new(
                    "anchor-mismatch",
                    c.id.to_string(),
                    format!(
                        "characters {}–{} of {doc_id} read \"{}\", not the recorded \"{}\"",
                        a.start,
                        a.end,
                        crate::anchor::clip(&actual.exact, 40),
                        crate::anchor::clip(&a.exact, 40)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Each evidence quote still reads the same in the text it was pinned to.
fn check_evidence_anchors(
    ws: &Workspace,
    evidence: &[crate::store::EvidenceRow],
    good: &HashSet<&str>,
    problems: &mut Vec<Problem>,
) {
    let mut texts: HashMap<&str, Option<String>> = HashMap::new();
    for e in evidence {
        let text = texts.entry(e.text_sha256.as_str()).or_insert_with(|| {
            if !good.contains(e.text_sha256.as_str()) {
                return None; // already reported as a missing or damaged blob
            }
            ws.blobs
                .read_verified(&e.text_sha256)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
        });
        let Some(text) = text else { continue };
        let actual = Text::new(text).anchor_at(e.anchor.start, e.anchor.end);
        if actual.exact != e.anchor.exact {
            problems.push(Problem::new(
                "anchor-mismatch",
                e.id.to_string(),
                format!(
                    "characters {}–{} of {}'s text read \"{}\", not the recorded \"{}\"",
                    e.anchor.start,
                    e.anchor.end,
                    e.snapshot,
                    crate::anchor::clip(&actual.exact, 40),
                    crate::anchor::clip(&e.anchor.exact, 40)
                ),
            ));
        }
    }
}

/// Hashes the files on every core; results in input order.
fn hash_all(files: &[(String, PathBuf)]) -> Vec<BlobCheck> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<BlobCheck>>> =
        Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((name, path)) = files.get(i) else {
                    break;
                };
                let check = match (hash_file(path), std::fs::metadata(path)) {
                    (Ok(h), Ok(m)) if &h == name => BlobCheck::Good { size: m.len() },
                    (Ok(h), Ok(_)) => BlobCheck::Corrupt { actual: h },
                    (Err(e), _) | (Ok(_), Err(e)) => BlobCheck::Unreadable(e.to_string()),
                };
                results.lock().expect("no thread panics while holding it")[i] = Some(check);
            });
        }
    });
    results
        .into_inner()
        .expect("threads have ended")
        .into_iter()
        .map(|r| r.unwrap_or(BlobCheck::Unreadable("not checked".into())))
        .collect()
}

/// Checks the event chain alone (sequence, links, hashes, columns), without the
/// blobs, the replay or SQLite's own check: the quick check of a long log.
pub fn verify_chain(ws: &Workspace) -> Result<Report, StoreError> {
    let started = std::time::Instant::now();
    ws.store.prefer_mmap()?;
    let mut chain = ChainCheck::default();
    ws.store.for_each_event(|e| {
        chain.push_chain_only(&e);
        Ok::<_, StoreError>(())
    })?;
    let elapsed = started.elapsed().as_millis();
    let (events, head) = chain.head();
    let head = head.to_string();
    Ok(Report {
        ok: chain.problems.is_empty(),
        problems: chain.problems,
        warnings: Vec::new(),
        events,
        head,
        blobs: 0,
        bytes: 0,
        timings_ms: Timings {
            chain: elapsed,
            total: elapsed,
            ..Timings::default()
        },
    })
}

/// The tree head over the first `limit` events (all of them if `None`).
pub fn tree_head(
    ws: &Workspace,
    limit: Option<u64>,
) -> Result<(u64, crate::merkle::Hash), StoreError> {
    let mut tree = crate::merkle::TreeBuilder::default();
    ws.store.for_each_event_hash(limit, |_, hash| {
        // A malformed stored hash still becomes a leaf (of its text), so a
        // tampered row changes the root instead of being skipped.
        let leaf = match crate::audit::unhex32(hash) {
            Some(raw) => crate::merkle::leaf_hash(&raw),
            None => crate::merkle::leaf_hash(hash.as_bytes()),
        };
        tree.push_leaf_hash(leaf);
    })?;
    Ok((tree.size(), tree.root()))
}

/// This workspace's checkpoint origin line.
pub fn origin(ws: &Workspace) -> Result<String, StoreError> {
    let id = ws
        .store
        .config_get("workspace.id")?
        .unwrap_or_else(|| "unnamed".into());
    Ok(format!("claimtrail.local/{id}"))
}

/// Checks that the log still extends a checkpoint kept elsewhere: the same
/// origin, at least as many events, and the first `size` events hashing to the
/// same root. With a verifier key, its signature must verify too.
pub fn check_checkpoint(
    ws: &Workspace,
    text: &str,
    vkey: Option<&str>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Result<(), StoreError> {
    use crate::merkle::{check_signature, Checkpoint, SignatureCheck};
    let cp = match Checkpoint::parse(text) {
        Ok(cp) => cp,
        Err(e) => {
            problems.push(Problem::new("checkpoint", "checkpoint", e.to_string()));
            return Ok(());
        }
    };
    let subject = format!("checkpoint at {}", cp.size);
    let ours = origin(ws)?;
    if cp.origin != ours {
        problems.push(Problem::new(
            "checkpoint-origin",
            &subject,
            format!("it is for `{}`, not this workspace (`{ours}`)", cp.origin),
        ));
        return Ok(());
    }
    let count = ws.store.event_count()?;
    if cp.size > count {
        problems.push(Problem::new(
            "checkpoint-size",
            &subject,
            format!(
                "it covers {} events but the log now holds {count}: events were removed",
                cp.size
            ),
        ));
    } else {
        let (_, root) = tree_head(ws, Some(cp.size))?;
        if root != cp.root {
            problems.push(Problem::new(
                "checkpoint-root",
                &subject,
                format!(
                    "the first {} events no longer hash to the checkpoint's root: the history was rewritten",
                    cp.size
                ),
            ));
        }
    }
    match vkey {
        Some(vkey) => match check_signature(&cp, vkey) {
            Ok(SignatureCheck::Valid) => {}
            Ok(SignatureCheck::Missing) => problems.push(Problem::new(
                "checkpoint-signature",
                &subject,
                "it carries no signature by the given key",
            )),
            Ok(SignatureCheck::Invalid) => problems.push(Problem::new(
                "checkpoint-signature",
                &subject,
                "its signature does not verify: the checkpoint was altered or forged",
            )),
            Err(e) => problems.push(Problem::new("checkpoint-signature", &subject, e.to_string())),
        },
        None if !cp.signatures.is_empty() => warnings.push(Problem::new(
            "checkpoint-signature",
            &subject,
            "signed, but no verifier key was given (--vkey) or found, so the signature was not checked",
        )),
        None => {}
    }
    Ok(())
}
