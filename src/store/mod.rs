//! The workspace database: the only module that speaks SQL.
//!
//! `Store` wraps one rusqlite connection. Opening it applies `schema.sql`'s
//! migrations; reads return typed rows; every change goes through a [`Writer`],
//! which runs inside one `BEGIN IMMEDIATE` transaction and appends the audit event
//! for each change in that same transaction, so a change and its record of itself
//! commit or vanish together.

mod evidence;
mod migrate;
mod sources;

use crate::anchor::Anchor;
use crate::audit::{chain_hash, Event, EventBody, GENESIS};
use crate::ids::{ClaimId, DocId};
use crate::review::Status;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{
    params, Connection, ErrorCode, OpenFlags, OptionalExtension, ToSql, TransactionBehavior,
};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

pub use evidence::{CorrectionRow, EvidenceRow, NewEvidence, ReviewRow};
pub use migrate::{latest_version, migrate, migrate_to};
pub use sources::{AttemptRow, Hop, NewSnapshot, SnapshotRow, SourceKind, SourceRow};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the workspace database is read-only, so nothing can be recorded")]
    ReadOnly,
    #[error("the workspace stayed locked by another claimtrail process for {}s", BUSY_TIMEOUT.as_secs())]
    Busy,
    #[error("the disk holding the workspace is full")]
    DiskFull,
    #[error("cannot open the workspace database {0}")]
    Open(String),
    #[error("{0} is not a SQLite database: the workspace is damaged")]
    NotADatabase(String),
    #[error("this workspace has schema version {found}, newer than this claimtrail knows ({known}): upgrade claimtrail")]
    TooNew { found: i64, known: i64 },
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                StoreError::Open(e.to_string())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The typed ids are integers in the database.
macro_rules! sql_id {
    ($($id:ty),*) => {$(
        impl ToSql for $id {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(self.0.into())
            }
        }
        impl FromSql for $id {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(v).map(Self)
            }
        }
    )*};
}

sql_id!(DocId, ClaimId, crate::ids::SourceId, crate::ids::EvidenceId);

impl ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}
impl FromSql for Status {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        v.as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A text derived from stored bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextRow {
    pub id: i64,
    pub sha256: String,
    pub chars: i64,
    pub extractor: String,
    pub extractor_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    pub id: DocId,
    pub origin: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub encoding: String,
    pub text: TextRow,
    pub added_at: String,
    pub added_by: String,
    pub claims: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRow {
    pub id: ClaimId,
    pub text: String,
    pub doc: Option<DocId>,
    pub anchor: Option<Anchor>,
    pub status: Status,
    pub tags: Vec<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    /// The event that logged it (a `claim.add`, or the `claim.import` of its batch).
    #[serde(skip)]
    pub added_seq: Option<i64>,
}

/// One row of the audit table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub claim: ClaimId,
    pub text: String,
    pub status: Status,
    pub supports: i64,
    pub disputes: i64,
    pub context: i64,
    pub stale: i64,
    /// The figure checks of its evidence taken together: `mismatch` if any quote
    /// contradicts a figure, else `match` if one bears them all out, else
    /// `missing`; empty when there is no evidence or the claim states no figure.
    pub figures: String,
    /// A verdict waiting for a second reviewer.
    pub pending: Option<Status>,
    pub proposed_by: Option<String>,
    pub confirmed_by: Option<String>,
    pub changed_at: String,
    pub changed_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub status: Option<Status>,
    pub doc: Option<DocId>,
    pub tag: Option<String>,
}

pub struct NewDocument<'a> {
    pub origin: &'a str,
    pub title: &'a str,
    pub publisher: Option<&'a str>,
    pub url: Option<&'a str>,
    pub published: Option<&'a str>,
    pub sha256: &'a str,
    pub size: u64,
    pub encoding: &'a str,
    pub text_id: i64,
}

pub struct NewText<'a> {
    pub sha256: &'a str,
    pub chars: usize,
    pub extractor: &'a str,
    pub extractor_version: &'a str,
}

pub struct NewClaim<'a> {
    pub text: &'a str,
    pub doc: Option<DocId>,
    pub anchor: Option<&'a Anchor>,
    pub tags: &'a [String],
}

/// A blob the database refers to, for `audit verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub subject: String,
    pub sha256: String,
}

/// Folds the figure checks of a claim's evidence ("match,missing,…") into one.
fn combined_figures(checks: &str) -> String {
    ["mismatch", "match", "missing"]
        .into_iter()
        .find(|c| checks.split(',').any(|x| x == *c))
        .unwrap_or("")
        .to_string()
}

fn blob_refs(conn: &Connection) -> Result<Vec<BlobRef>> {
    let mut stmt = conn.prepare(
        "SELECT 'D' || id, sha256 FROM documents
         UNION ALL SELECT 'S' || source_id || '@' || seq, sha256 FROM snapshots
         UNION ALL SELECT 'text ' || id, sha256 FROM texts",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(BlobRef {
            subject: r.get(0)?,
            sha256: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The claim query for a filter. Only the filters given become conditions, so
/// each can use its index (`x IS NULL OR …` would make SQLite scan every claim).
fn claims_query(filter: &ClaimFilter) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    if let Some(status) = filter.status {
        values.push(Value::Text(status.as_str().into()));
        conditions.push(format!("c.status = ?{}", values.len()));
    }
    if let Some(doc) = filter.doc {
        values.push(Value::Integer(doc.0));
        conditions.push(format!("c.doc_id = ?{}", values.len()));
    }
    if let Some(tag) = &filter.tag {
        values.push(Value::Text(tag.clone()));
        conditions.push(format!(
            "c.id IN (SELECT claim_id FROM claim_tags WHERE tag = ?{})",
            values.len()
        ));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    (
        format!("SELECT {CLAIM_COLUMNS} FROM claims c {filter} ORDER BY c.id"),
        values,
    )
}

const CLAIM_COLUMNS: &str = "c.id, c.text, c.doc_id, c.exact, c.prefix, c.suffix, c.start, c.\"end\", \
     c.status, c.created_at, c.created_by, c.updated_at, c.updated_by, \
     (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM claim_tags t WHERE t.claim_id = c.id ORDER BY tag)), \
     c.added_seq";

fn claim_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimRow> {
    let exact: Option<String> = r.get(3)?;
    let anchor = match exact {
        Some(exact) => Some(Anchor {
            exact,
            prefix: r.get(4)?,
            suffix: r.get(5)?,
            start: r.get::<_, i64>(6)? as usize,
            end: r.get::<_, i64>(7)? as usize,
        }),
        None => None,
    };
    let tags: Option<String> = r.get(13)?;
    let mut tags: Vec<String> = tags
        .map(|t| t.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort();
    Ok(ClaimRow {
        id: r.get(0)?,
        text: r.get(1)?,
        doc: r.get(2)?,
        anchor,
        status: r.get(8)?,
        created_at: r.get(9)?,
        created_by: r.get(10)?,
        updated_at: r.get(11)?,
        updated_by: r.get(12)?,
        tags,
        added_seq: r.get(14)?,
    })
}

const DOCUMENT_COLUMNS: &str =
    "d.id, d.origin, d.title, d.publisher, d.url, d.published, d.sha256, \
     d.size, d.encoding, d.added_at, d.added_by, \
     t.id, t.sha256, t.chars, t.extractor, t.extractor_version, \
     (SELECT count(*) FROM claims c WHERE c.doc_id = d.id)";

/// Runs `sql` and hands each row, as `read` makes it, to `f`: streaming, so a
/// table of a million rows is never held at once. `f` may stop it with an error.
fn for_each_row<T, E: From<StoreError>>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    mut f: impl FnMut(T) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = conn.prepare(sql).map_err(StoreError::from)?;
    let mut rows = stmt.query(params).map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        f(read(r).map_err(StoreError::from)?)?;
    }
    Ok(())
}

fn document_in(conn: &Connection, id: DocId) -> Result<Option<DocumentRow>> {
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN texts t ON t.id = d.text_id WHERE d.id = ?1"
    );
    Ok(conn.query_row(&sql, [id], document_from_row).optional()?)
}

fn document_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        id: r.get(0)?,
        origin: r.get(1)?,
        title: r.get(2)?,
        publisher: r.get(3)?,
        url: r.get(4)?,
        published: r.get(5)?,
        sha256: r.get(6)?,
        size: r.get(7)?,
        encoding: r.get(8)?,
        added_at: r.get(9)?,
        added_by: r.get(10)?,
        text: TextRow {
            id: r.get(11)?,
            sha256: r.get(12)?,
            chars: r.get(13)?,
            extractor: r.get(14)?,
            extractor_version: r.get(15)?,
        },
        claims: r.get(16)?,
    })
}

/// Events whose subject is ?1, and the event that logged claim ?2 (which, for an
/// imported claim, names its batch instead).
fn events_about_query() -> String {
    format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE subject = ?1
         UNION
         SELECT {EVENT_COLUMNS} FROM events WHERE seq = (SELECT added_seq FROM claims WHERE id = ?2)
         ORDER BY seq"
    )
}

const EVENT_COLUMNS: &str = "seq, at, actor, action, subject, payload, prev_hash, hash";

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        payload: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

pub struct Store {
    conn: Connection,
}

impl Store {
    /// Makes a new database at `path` (which must not exist) with the full schema.
    pub fn create(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Store::setup(conn)
    }

    /// Opens an existing database, migrating it to the current schema.
    /// Never creates a file.
    pub fn open(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let named = |e: StoreError| match e {
            StoreError::Open(reason) => StoreError::Open(format!("{}: {reason}", path.display())),
            StoreError::Sqlite(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
                StoreError::NotADatabase(path.display().to_string())
            }
            other => other,
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| named(e.into()))?;
        Store::setup(conn).map_err(named)
    }

    /// A private database in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // 64 MiB of page cache (SQLite's default is 2 MiB): a large import then
        // never spills half-built pages to the log mid-transaction.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// For a command about to read the whole database (verify, checkpoints): map
    /// the file into memory rather than copying each page through read(2).
    pub fn prefer_mmap(&self) -> Result<()> {
        self.conn.pragma_update(None, "mmap_size", 1i64 << 32)?;
        self.conn.pragma_update(None, "cache_size", -65536)?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs `f` in one immediate transaction as `actor`; commits if it returns Ok.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        actor: &str,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let mut w = Writer {
            tx,
            actor: actor.to_string(),
            at: crate::time::now_rfc3339(),
            head: None,
        };
        let out = f(&mut w)?;
        w.tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    pub fn document(&self, id: DocId) -> Result<Option<DocumentRow>> {
        document_in(&self.conn, id)
    }

    pub fn documents(&self) -> Result<Vec<DocumentRow>> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN texts t ON t.id = d.text_id ORDER BY d.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], document_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn claim(&self, id: ClaimId) -> Result<Option<ClaimRow>> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.id = ?1");
        Ok(self.conn.query_row(&sql, [id], claim_from_row).optional()?)
    }

    pub fn claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>> {
        let mut out = Vec::new();
        self.for_each_claim(filter, |c| {
            out.push(c);
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// Calls `f` on each claim the filter selects, in id order, streaming.
    pub fn for_each_claim<E: From<StoreError>>(
        &self,
        filter: &ClaimFilter,
        f: impl FnMut(ClaimRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let (sql, values) = claims_query(filter);
        for_each_row(
            &self.conn,
            &sql,
            rusqlite::params_from_iter(values),
            claim_from_row,
            f,
        )
    }

    /// What SQLite plans to do for `sql`: one line per step, for the tests that
    /// hold every filter to an index.
    #[cfg(test)]
    pub fn query_plan(&self, sql: &str, values: &[rusqlite::types::Value]) -> Vec<String> {
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        stmt.query_map(rusqlite::params_from_iter(values), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    /// The claim logged at exactly this span of a document, if any.
    pub fn claim_at(&self, doc: DocId, start: usize, end: usize) -> Result<Option<ClaimId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM claims WHERE doc_id = ?1 AND start = ?2 AND \"end\" = ?3 LIMIT 1",
                params![doc, start as i64, end as i64],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn audit_rows(&self) -> Result<Vec<AuditRow>> {
        let mut out = Vec::new();
        self.for_each_audit_row(|r| {
            out.push(r);
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// Calls `f` on each row of the audit table, in claim order, streaming.
    pub fn for_each_audit_row<E: From<StoreError>>(
        &self,
        f: impl FnMut(AuditRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let sql = "SELECT c.id, c.text, c.status,
                (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id AND e.stance = 'supports'),
                (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id AND e.stance = 'disputes'),
                (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id AND e.stance = 'context'),
                (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id AND e.stale IS NOT NULL),
                (SELECT group_concat(json_extract(e.figures, '$.status'))
                   FROM evidence e WHERE e.claim_id = c.id),
                (SELECT verdict FROM reviews r WHERE r.claim_id = c.id AND r.state = 'pending'),
                r.proposed_by,
                CASE r.state WHEN 'confirmed' THEN r.decided_by END,
                c.updated_at, c.updated_by
             FROM claims c
             LEFT JOIN reviews r ON r.id = (
                SELECT id FROM reviews WHERE claim_id = c.id AND state IN ('pending', 'confirmed')
                ORDER BY id DESC LIMIT 1)
             ORDER BY c.id";
        let audit_row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<AuditRow> {
            let checks: Option<String> = r.get(7)?;
            Ok(AuditRow {
                claim: r.get(0)?,
                text: r.get(1)?,
                status: r.get(2)?,
                supports: r.get(3)?,
                disputes: r.get(4)?,
                context: r.get(5)?,
                stale: r.get(6)?,
                figures: combined_figures(checks.as_deref().unwrap_or("")),
                pending: r.get(8)?,
                proposed_by: r.get(9)?,
                confirmed_by: r.get(10)?,
                changed_at: r.get(11)?,
                changed_by: r.get(12)?,
            })
        };
        for_each_row(&self.conn, sql, [], audit_row, f)
    }

    /// Events about one subject (`C1`, `D1`, a config key), oldest first. A
    /// claim's history includes the `claim.import` event of the batch that logged it.
    pub fn events_about(&self, subject: &str) -> Result<Vec<Event>> {
        let claim = subject.parse::<ClaimId>().ok();
        let mut stmt = self.conn.prepare(&events_about_query())?;
        let rows = stmt.query_map(params![subject, claim], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Calls `f` on every event in `seq` order, streaming.
    pub fn for_each_event<E: From<StoreError>>(
        &self,
        f: impl FnMut(Event) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq");
        for_each_row(&self.conn, &sql, [], event_from_row, f)
    }

    /// Calls `f` on the chain hash of each of the first `limit` events (all if
    /// `None`), in order: the leaves of the Merkle tree.
    pub fn for_each_event_hash(
        &self,
        limit: Option<u64>,
        mut f: impl FnMut(i64, &str),
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, hash FROM events ORDER BY seq LIMIT ?1")?;
        let limit = limit.map_or(-1, |l| l as i64);
        let mut rows = stmt.query([limit])?;
        while let Some(r) = rows.next()? {
            f(r.get(0)?, &r.get::<_, String>(1)?);
        }
        Ok(())
    }

    pub fn event_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Every blob the database refers to, with the row that refers to it.
    pub fn blob_refs(&self) -> Result<Vec<BlobRef>> {
        blob_refs(&self.conn)
    }

    pub fn config_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM config WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn config_all(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM config ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// SQLite's own consistency checks; empty when all is well.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                out.push(line);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} refers to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                r.get::<_, String>(2)?
            ))
        })?;
        for row in fk {
            out.push(row?);
        }
        Ok(out)
    }

    /// The triggers that keep the audit log append-only, if any has been dropped.
    pub fn missing_triggers(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for name in ["events_no_update", "events_no_delete"] {
            let present: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?1)",
                [name],
                |r| r.get(0),
            )?;
            if !present {
                out.push(name.to_string());
            }
        }
        Ok(out)
    }

    /// Direct access for tests that play the part of someone editing the file.
    #[cfg(test)]
    pub fn raw_connection(&self) -> &Connection {
        &self.conn
    }
}

/// Changes made inside one transaction, each with its audit event.
pub struct Writer<'c> {
    tx: rusqlite::Transaction<'c>,
    actor: String,
    at: String,
    head: Option<(i64, String)>,
}

impl Writer<'_> {
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// A document as this transaction sees it.
    pub fn document(&self, id: DocId) -> Result<Option<DocumentRow>> {
        document_in(&self.tx, id)
    }

    /// The last event's seq and hash (the genesis hash before the first event).
    fn head(&mut self) -> Result<&(i64, String)> {
        if self.head.is_none() {
            let last = self
                .tx
                .query_row(
                    "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            self.head = Some(last.unwrap_or((0, GENESIS.to_string())));
        }
        Ok(self.head.as_ref().expect("set above"))
    }

    /// The seq the next event will take.
    fn next_seq(&mut self) -> Result<i64> {
        Ok(self.head()?.0 + 1)
    }

    /// Appends one event to the chain. See `crate::audit` for the construction.
    fn event(&mut self, action: &str, subject: &str, data: Value) -> Result<()> {
        let (last_seq, last_hash) = self.head()?.clone();
        let seq = last_seq + 1;
        let payload = EventBody {
            seq,
            at: &self.at,
            actor: &self.actor,
            action,
            subject,
            data: &data,
        }
        .payload();
        let hash = chain_hash(&last_hash, &payload);
        self.tx
            .prepare_cached(
                "INSERT INTO events (seq, at, actor, action, subject, payload, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                seq, self.at, self.actor, action, subject, payload, last_hash, hash
            ])?;
        self.head = Some((seq, hash));
        Ok(())
    }

    /// Records a derived text, or finds the identical one already recorded.
    pub fn add_text(&mut self, t: &NewText<'_>) -> Result<i64> {
        let existing: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM texts WHERE sha256 = ?1 AND extractor = ?2 AND extractor_version = ?3",
                params![t.sha256, t.extractor, t.extractor_version],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        self.tx.execute(
            "INSERT INTO texts (sha256, chars, extractor, extractor_version) VALUES (?1, ?2, ?3, ?4)",
            params![t.sha256, t.chars as i64, t.extractor, t.extractor_version],
        )?;
        let id = self.tx.last_insert_rowid();
        self.event(
            "text.add",
            &format!("text {id}"),
            json!({"sha256": t.sha256, "chars": t.chars, "extractor": t.extractor,
                   "extractor_version": t.extractor_version}),
        )?;
        Ok(id)
    }

    pub fn add_document(&mut self, d: &NewDocument<'_>) -> Result<DocId> {
        self.tx.execute(
            "INSERT INTO documents (origin, title, publisher, url, published, sha256, size,
                                    encoding, text_id, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                d.origin,
                d.title,
                d.publisher,
                d.url,
                d.published,
                d.sha256,
                d.size as i64,
                d.encoding,
                d.text_id,
                self.at,
                self.actor
            ],
        )?;
        let id = DocId(self.tx.last_insert_rowid());
        self.event(
            "doc.add",
            &id.to_string(),
            json!({"origin": d.origin, "title": d.title, "publisher": d.publisher, "url": d.url,
                   "published": d.published, "sha256": d.sha256, "size": d.size,
                   "encoding": d.encoding, "text_id": d.text_id}),
        )?;
        Ok(id)
    }

    /// Logs one claim with its own `claim.add` event.
    pub fn add_claim(&mut self, c: &NewClaim<'_>) -> Result<ClaimId> {
        let seq = self.next_seq()?;
        let id = self.insert_claim(c, seq)?;
        self.event(
            "claim.add",
            &id.to_string(),
            json!({"text": c.text, "doc": c.doc, "anchor": c.anchor, "tags": c.tags}),
        )?;
        Ok(id)
    }

    /// Logs a batch of claims with one `claim.import` event, whose subject names
    /// the range (`C1..C1000`) and whose data holds each claim as `claim.add`
    /// would, with its `id`. One event per batch instead of per claim is what lets
    /// an import of 100,000 claims run at a few times SQLite's own bulk load.
    pub fn import_claims(&mut self, claims: &[NewClaim<'_>]) -> Result<Vec<ClaimId>> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let seq = self.next_seq()?;
        let mut ids = Vec::with_capacity(claims.len());
        let mut logged = Vec::with_capacity(claims.len());
        for c in claims {
            let id = self.insert_claim(c, seq)?;
            ids.push(id);
            logged.push(
                json!({"id": id.0, "text": c.text, "doc": c.doc, "anchor": c.anchor,
                               "tags": c.tags}),
            );
        }
        let subject = crate::ids::claim_range(&ids);
        self.event("claim.import", &subject, json!({ "claims": logged }))?;
        Ok(ids)
    }

    fn insert_claim(&mut self, c: &NewClaim<'_>, added_seq: i64) -> Result<ClaimId> {
        let a = c.anchor;
        self.tx
            .prepare_cached(
                "INSERT INTO claims (text, doc_id, exact, prefix, suffix, start, \"end\",
                                     created_at, created_by, updated_at, updated_by, added_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, ?10)",
            )?
            .execute(params![
                c.text,
                c.doc,
                a.map(|a| &a.exact),
                a.map(|a| &a.prefix),
                a.map(|a| &a.suffix),
                a.map(|a| a.start as i64),
                a.map(|a| a.end as i64),
                self.at,
                self.actor,
                added_seq
            ])?;
        let id = ClaimId(self.tx.last_insert_rowid());
        self.insert_tags(id, c.tags)?;
        Ok(id)
    }

    fn insert_tags(&mut self, id: ClaimId, tags: &[String]) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO claim_tags (claim_id, tag) VALUES (?1, ?2)")?;
        for tag in tags {
            stmt.execute(params![id, tag])?;
        }
        Ok(())
    }

    /// Changes a claim's wording and tags, recording old and new values.
    /// Returns false when nothing would change (and records nothing).
    pub fn edit_claim(
        &mut self,
        before: &ClaimRow,
        text: Option<&str>,
        add_tags: &[String],
        remove_tags: &[String],
    ) -> Result<bool> {
        let id = before.id;
        let mut tags: Vec<String> = before
            .tags
            .iter()
            .filter(|t| !remove_tags.contains(t))
            .cloned()
            .collect();
        for t in add_tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags.sort();
        let new_text = text.unwrap_or(&before.text);
        if new_text == before.text && tags == before.tags {
            return Ok(false);
        }
        self.tx.execute(
            "UPDATE claims SET text = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
            params![id, new_text, self.at, self.actor],
        )?;
        self.tx
            .execute("DELETE FROM claim_tags WHERE claim_id = ?1", [id])?;
        self.insert_tags(id, &tags)?;
        let mut data = json!({});
        if new_text != before.text {
            data["text"] = json!({"old": before.text, "new": new_text});
        }
        if tags != before.tags {
            data["tags"] = json!({"old": before.tags, "new": tags});
        }
        self.event("claim.edit", &id.to_string(), data)?;
        Ok(true)
    }

    /// Every blob the database refers to, read inside this transaction.
    pub fn blob_refs(&self) -> Result<Vec<BlobRef>> {
        blob_refs(&self.tx)
    }

    /// Stores a checkpoint the user was given, with its event.
    pub fn add_checkpoint(
        &mut self,
        size: u64,
        root: &str,
        text: &str,
        signed: bool,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO checkpoints (size, root, text, signed, at, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![size as i64, root, text, signed, self.at, self.actor],
        )?;
        self.event(
            "checkpoint.add",
            "log",
            json!({"size": size, "root": root, "signed": signed}),
        )
    }

    /// Records a garbage collection of orphan files.
    pub fn record_gc(&mut self, removed: &[String], bytes: u64) -> Result<()> {
        self.event(
            "workspace.gc",
            "objects",
            json!({"removed": removed, "bytes": bytes}),
        )
    }

    pub fn set_config(&mut self, key: &str, value: &str) -> Result<()> {
        let old: Option<String> = self
            .tx
            .query_row("SELECT value FROM config WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        self.tx.execute(
            "INSERT INTO config (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        self.event(
            "config.set",
            &format!("config {key}"),
            json!({"key": key, "old": old, "new": value}),
        )
    }
}

#[cfg(test)]
mod tests;
