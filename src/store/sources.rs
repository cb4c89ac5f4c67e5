//! Sources, their snapshots and failed rechecks: rows and verbs.

use super::{Result, Store, Writer};
use crate::ids::{SnapshotRef, SourceId};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Url,
    File,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Url => "url",
            SourceKind::File => "file",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    pub id: SourceId,
    pub kind: SourceKind,
    /// The URL, or the file's absolute path.
    pub url: String,
    pub title: Option<String>,
    pub added_at: String,
    pub added_by: String,
}

/// One hop of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub url: String,
    pub status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotRow {
    pub id: SnapshotRef,
    pub requested: String,
    pub final_url: Option<String>,
    pub redirects: Vec<Hop>,
    pub http_status: Option<u16>,
    pub headers: Option<Vec<(String, String)>>,
    pub remote_ip: Option<String>,
    pub file_mtime: Option<String>,
    pub fetched_at: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: Option<String>,
    pub text_sha256: Option<String>,
    pub text_chars: Option<i64>,
    pub extractor: Option<String>,
    pub text_error: Option<String>,
    pub taken_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRow {
    pub at: String,
    pub http_status: Option<u16>,
    pub error: String,
    pub by: String,
}

/// What a capture brought back, ready to record.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    pub requested: String,
    pub final_url: Option<String>,
    pub redirects: Vec<Hop>,
    pub http_status: Option<u16>,
    pub headers: Option<Vec<(String, String)>>,
    pub remote_ip: Option<String>,
    pub file_mtime: Option<String>,
    pub fetched_at: String,
    pub sha256: String,
    pub size: u64,
    pub content_type: Option<String>,
    /// Either the recorded text's id or why there is none.
    pub text: Result<i64, String>,
}

const SOURCE_COLUMNS: &str = "id, kind, locator, title, added_at, added_by";

fn source_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SourceRow> {
    let kind: String = r.get(1)?;
    Ok(SourceRow {
        id: r.get(0)?,
        kind: if kind == "url" {
            SourceKind::Url
        } else {
            SourceKind::File
        },
        url: r.get(2)?,
        title: r.get(3)?,
        added_at: r.get(4)?,
        added_by: r.get(5)?,
    })
}

const SNAPSHOT_COLUMNS: &str =
    "s.source_id, s.seq, s.requested, s.final_url, s.redirects, s.http_status, \
     s.headers, s.remote_ip, s.file_mtime, s.fetched_at, s.sha256, s.size, s.content_type, \
     t.sha256, t.chars, t.extractor, s.text_error, s.taken_by";

fn snapshot_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SnapshotRow> {
    let redirects: String = r.get(4)?;
    let headers: Option<String> = r.get(6)?;
    Ok(SnapshotRow {
        id: SnapshotRef {
            source: r.get(0)?,
            seq: Some(r.get(1)?),
        },
        requested: r.get(2)?,
        final_url: r.get(3)?,
        redirects: serde_json::from_str(&redirects).unwrap_or_default(),
        http_status: r.get(5)?,
        headers: headers.and_then(|h| serde_json::from_str(&h).ok()),
        remote_ip: r.get(7)?,
        file_mtime: r.get(8)?,
        fetched_at: r.get(9)?,
        sha256: r.get(10)?,
        size: r.get(11)?,
        content_type: r.get(12)?,
        text_sha256: r.get(13)?,
        text_chars: r.get(14)?,
        extractor: r.get(15)?,
        text_error: r.get(16)?,
        taken_by: r.get(17)?,
    })
}

impl Store {
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY id"))?;
        let rows = stmt.query_map([], source_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn source(&self, id: SourceId) -> Result<Option<SourceRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?1"),
                [id],
                source_from_row,
            )
            .optional()?)
    }

    pub fn source_by_locator(&self, kind: SourceKind, locator: &str) -> Result<Option<SourceRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE kind = ?1 AND locator = ?2"),
                params![kind.as_str(), locator],
                source_from_row,
            )
            .optional()?)
    }

    /// A source's snapshots, oldest first.
    pub fn snapshots_of(&self, source: SourceId) -> Result<Vec<SnapshotRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SNAPSHOT_COLUMNS} FROM snapshots s LEFT JOIN texts t ON t.id = s.text_id
             WHERE s.source_id = ?1 ORDER BY s.seq"
        ))?;
        let rows = stmt.query_map([source], snapshot_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One snapshot; `S1` alone means the latest.
    pub fn snapshot(&self, r: SnapshotRef) -> Result<Option<SnapshotRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {SNAPSHOT_COLUMNS} FROM snapshots s LEFT JOIN texts t ON t.id = s.text_id
                     WHERE s.source_id = ?1 AND (?2 IS NULL OR s.seq = ?2)
                     ORDER BY s.seq DESC LIMIT 1"
                ),
                params![r.source, r.seq],
                snapshot_from_row,
            )
            .optional()?)
    }

    pub fn attempts_of(&self, source: SourceId) -> Result<Vec<AttemptRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, http_status, error, by FROM attempts WHERE source_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([source], |r| {
            Ok(AttemptRow {
                at: r.get(0)?,
                http_status: r.get(1)?,
                error: r.get(2)?,
                by: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether any row refers to this blob.
    pub fn blob_is_referenced(&self, sha256: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM snapshots WHERE sha256 = ?1)
                 OR EXISTS (SELECT 1 FROM documents WHERE sha256 = ?1)
                 OR EXISTS (SELECT 1 FROM texts WHERE sha256 = ?1)",
            [sha256],
            |r| r.get(0),
        )?)
    }
}

impl Writer<'_> {
    /// The source for this locator, made if new. Returns it and whether it is new.
    pub fn source_for(
        &mut self,
        kind: SourceKind,
        locator: &str,
        title: Option<&str>,
    ) -> Result<(SourceId, bool)> {
        let existing: Option<SourceId> = self
            .tx
            .query_row(
                "SELECT id FROM sources WHERE kind = ?1 AND locator = ?2",
                params![kind.as_str(), locator],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
        self.tx.execute(
            "INSERT INTO sources (kind, locator, title, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind.as_str(), locator, title, self.at, self.actor],
        )?;
        let id = SourceId(self.tx.last_insert_rowid());
        self.event(
            "source.add",
            &id.to_string(),
            json!({"kind": kind.as_str(), "locator": locator, "title": title}),
        )?;
        Ok((id, true))
    }

    pub fn add_snapshot(&mut self, source: SourceId, s: &NewSnapshot) -> Result<SnapshotRef> {
        let seq: i64 = self.tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM snapshots WHERE source_id = ?1",
            [source],
            |r| r.get(0),
        )?;
        let redirects = serde_json::to_string(&s.redirects).expect("hops serialise");
        let headers = s
            .headers
            .as_ref()
            .map(|h| serde_json::to_string(h).expect("headers serialise"));
        let (text_id, text_error) = match &s.text {
            Ok(id) => (Some(*id), None),
            Err(e) => (None, Some(e.as_str())),
        };
        self.tx.execute(
            "INSERT INTO snapshots (source_id, seq, requested, final_url, redirects, http_status,
                 headers, remote_ip, file_mtime, fetched_at, sha256, size, content_type, text_id,
                 text_error, taken_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                source,
                seq,
                s.requested,
                s.final_url,
                redirects,
                s.http_status,
                headers,
                s.remote_ip,
                s.file_mtime,
                s.fetched_at,
                s.sha256,
                s.size as i64,
                s.content_type,
                text_id,
                text_error,
                self.actor
            ],
        )?;
        let id = SnapshotRef {
            source,
            seq: Some(seq),
        };
        self.event(
            "snapshot.add",
            &id.to_string(),
            json!({
                "requested": s.requested, "final_url": s.final_url, "redirects": s.redirects,
                "http_status": s.http_status, "remote_ip": s.remote_ip, "file_mtime": s.file_mtime,
                "fetched_at": s.fetched_at, "sha256": s.sha256, "size": s.size,
                "content_type": s.content_type, "text_id": text_id, "text_error": text_error,
            }),
        )?;
        Ok(id)
    }

    /// Records a recheck that brought back no content.
    pub fn add_attempt(
        &mut self,
        source: SourceId,
        http_status: Option<u16>,
        error: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO attempts (source_id, at, http_status, error, by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![source, self.at, http_status, error, self.actor],
        )?;
        self.event(
            "source.unreachable",
            &source.to_string(),
            json!({"http_status": http_status, "error": error}),
        )
    }
}
