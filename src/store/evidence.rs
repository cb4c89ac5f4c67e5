//! Evidence, reviews and corrections: rows and verbs.

use super::{Result, Store, StoreError, Writer};
use crate::anchor::Anchor;
use crate::ids::{ClaimId, EvidenceId, SnapshotRef, SourceId};
use crate::review::{Stance, Status};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};

impl FromSql for Stance {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        v.as_str()?
            .parse()
            .map_err(|e: String| FromSqlError::Other(e.into()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    pub id: EvidenceId,
    pub claim: ClaimId,
    pub source: SourceId,
    pub snapshot: SnapshotRef,
    pub snapshot_sha256: String,
    pub fetched_at: String,
    pub text_sha256: String,
    pub stance: Stance,
    pub anchor: Anchor,
    pub method: String,
    pub score: f64,
    pub figures: Value,
    pub note: Option<String>,
    /// Why the quote is no longer borne out by its source; `None` while it is.
    pub stale: Option<String>,
    pub added_at: String,
    pub added_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewRow {
    pub id: i64,
    pub claim: ClaimId,
    pub verdict: Status,
    pub note: String,
    pub evidence: Vec<String>,
    pub proposed_by: String,
    pub proposed_at: String,
    /// pending, confirmed, rejected or withdrawn.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorrectionRow {
    pub claim: ClaimId,
    pub old_verdict: Status,
    pub new_verdict: Status,
    pub reason: String,
    pub by: String,
    pub at: String,
}

pub struct NewEvidence<'a> {
    pub claim: ClaimId,
    pub snapshot: SnapshotRef,
    pub stance: Stance,
    pub anchor: &'a Anchor,
    pub method: &'a str,
    pub score: f64,
    pub figures: &'a Value,
    pub note: Option<&'a str>,
}

const EVIDENCE_COLUMNS: &str = "e.id, e.claim_id, s.source_id, s.seq, s.sha256, s.fetched_at, t.sha256, \
     e.stance, e.exact, e.prefix, e.suffix, e.start, e.\"end\", e.method, e.score, e.figures, e.note, \
     e.stale, e.added_at, e.added_by";

const EVIDENCE_FROM: &str =
    "evidence e JOIN snapshots s ON s.id = e.snapshot_id JOIN texts t ON t.id = e.text_id";

fn evidence_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EvidenceRow> {
    let source: SourceId = r.get(2)?;
    let figures: String = r.get(15)?;
    Ok(EvidenceRow {
        id: r.get(0)?,
        claim: r.get(1)?,
        source,
        snapshot: SnapshotRef {
            source,
            seq: Some(r.get(3)?),
        },
        snapshot_sha256: r.get(4)?,
        fetched_at: r.get(5)?,
        text_sha256: r.get(6)?,
        stance: r.get(7)?,
        anchor: Anchor {
            exact: r.get(8)?,
            prefix: r.get(9)?,
            suffix: r.get(10)?,
            start: r.get::<_, i64>(11)? as usize,
            end: r.get::<_, i64>(12)? as usize,
        },
        method: r.get(13)?,
        score: r.get(14)?,
        figures: serde_json::from_str(&figures).unwrap_or(Value::Null),
        note: r.get(16)?,
        stale: r.get(17)?,
        added_at: r.get(18)?,
        added_by: r.get(19)?,
    })
}

const REVIEW_COLUMNS: &str =
    "id, claim_id, verdict, note, evidence, proposed_by, proposed_at, state, \
     decided_by, decided_at, decision_note";

fn review_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewRow> {
    let evidence: String = r.get(4)?;
    Ok(ReviewRow {
        id: r.get(0)?,
        claim: r.get(1)?,
        verdict: r.get(2)?,
        note: r.get(3)?,
        evidence: serde_json::from_str(&evidence).unwrap_or_default(),
        proposed_by: r.get(5)?,
        proposed_at: r.get(6)?,
        state: r.get(7)?,
        decided_by: r.get(8)?,
        decided_at: r.get(9)?,
        decision_note: r.get(10)?,
    })
}

fn query_evidence(conn: &rusqlite::Connection, filter: &str, arg: i64) -> Result<Vec<EvidenceRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM {EVIDENCE_FROM} WHERE {filter} ORDER BY e.id"
    ))?;
    let rows = stmt.query_map([arg], evidence_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn query_reviews(conn: &rusqlite::Connection, filter: &str, arg: i64) -> Result<Vec<ReviewRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REVIEW_COLUMNS} FROM reviews WHERE {filter} ORDER BY id"
    ))?;
    let rows = stmt.query_map([arg], review_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    pub fn evidence_of(&self, claim: ClaimId) -> Result<Vec<EvidenceRow>> {
        query_evidence(&self.conn, "e.claim_id = ?1", claim.0)
    }

    pub fn evidence(&self, id: EvidenceId) -> Result<Option<EvidenceRow>> {
        Ok(query_evidence(&self.conn, "e.id = ?1", id.0)?.pop())
    }

    /// Every evidence, for `audit verify`.
    pub fn all_evidence(&self) -> Result<Vec<EvidenceRow>> {
        query_evidence(&self.conn, "?1 = ?1", 0)
    }

    /// A claim's reviews, oldest first.
    pub fn reviews_of(&self, claim: ClaimId) -> Result<Vec<ReviewRow>> {
        query_reviews(&self.conn, "claim_id = ?1", claim.0)
    }

    /// Every review, for `audit verify`.
    pub fn all_reviews(&self) -> Result<Vec<ReviewRow>> {
        query_reviews(&self.conn, "?1 = ?1", 0)
    }

    pub fn corrections(&self) -> Result<Vec<CorrectionRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT claim_id, old_verdict, new_verdict, reason, by, at FROM corrections ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CorrectionRow {
                claim: r.get(0)?,
                old_verdict: r.get(1)?,
                new_verdict: r.get(2)?,
                reason: r.get(3)?,
                by: r.get(4)?,
                at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    pub fn add_evidence(&mut self, e: &NewEvidence<'_>) -> Result<EvidenceId> {
        let (snapshot_id, text_id): (i64, Option<i64>) = self.tx.query_row(
            "SELECT id, text_id FROM snapshots WHERE source_id = ?1 AND seq = ?2",
            params![e.snapshot.source, e.snapshot.seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let text_id = text_id.ok_or(StoreError::Sqlite(rusqlite::Error::InvalidQuery))?;
        let a = e.anchor;
        self.tx.execute(
            "INSERT INTO evidence (claim_id, snapshot_id, text_id, stance, exact, prefix, suffix,
                 start, \"end\", method, score, figures, note, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                e.claim,
                snapshot_id,
                text_id,
                e.stance.as_str(),
                a.exact,
                a.prefix,
                a.suffix,
                a.start as i64,
                a.end as i64,
                e.method,
                e.score,
                e.figures.to_string(),
                e.note,
                self.at,
                self.actor
            ],
        )?;
        let id = EvidenceId(self.tx.last_insert_rowid());
        self.event(
            "evidence.add",
            &id.to_string(),
            json!({"claim": e.claim, "snapshot": e.snapshot, "text_id": text_id,
                   "stance": e.stance.as_str(), "anchor": a, "method": e.method,
                   "score": e.score, "figures": e.figures, "note": e.note}),
        )?;
        Ok(id)
    }

    /// The evidence quoting any snapshot of `source`, with its anchor and stale state.
    pub fn evidence_citing(&self, source: SourceId) -> Result<Vec<EvidenceRow>> {
        query_evidence(&self.tx, "s.source_id = ?1", source.0)
    }

    /// Marks an evidence stale (or, with `None`, borne out again).
    pub fn set_stale(
        &mut self,
        id: EvidenceId,
        reason: Option<&str>,
        snapshot: Option<SnapshotRef>,
    ) -> Result<()> {
        self.tx.execute(
            "UPDATE evidence SET stale = ?2 WHERE id = ?1",
            params![id, reason],
        )?;
        match reason {
            Some(r) => self.event(
                "evidence.stale",
                &id.to_string(),
                json!({"reason": r, "snapshot": snapshot}),
            ),
            None => self.event(
                "evidence.restored",
                &id.to_string(),
                json!({"snapshot": snapshot}),
            ),
        }
    }

    fn set_status(&mut self, claim: ClaimId, status: Status) -> Result<()> {
        self.tx.execute(
            "UPDATE claims SET status = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
            params![claim, status, self.at, self.actor],
        )?;
        Ok(())
    }

    /// A claim's status while a verdict is pending or after one is rejected: the
    /// verdict in force if there is one, else in review.
    fn status_while_pending(&self, claim: ClaimId) -> Result<Status> {
        let current: Status =
            self.tx
                .query_row("SELECT status FROM claims WHERE id = ?1", [claim], |r| {
                    r.get(0)
                })?;
        Ok(if current.is_verdict() {
            current
        } else {
            Status::InReview
        })
    }

    fn withdraw_pending(&mut self, claim: ClaimId) -> Result<Option<i64>> {
        let pending: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM reviews WHERE claim_id = ?1 AND state = 'pending'",
                [claim],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = pending {
            self.tx.execute(
                "UPDATE reviews SET state = 'withdrawn', decided_by = ?2, decided_at = ?3 WHERE id = ?1",
                params![id, self.actor, self.at],
            )?;
        }
        Ok(pending)
    }

    /// The verdict in force, if any: the last confirmed review's.
    fn confirmed_verdict(&self, claim: ClaimId) -> Result<Option<Status>> {
        Ok(self
            .tx
            .query_row(
                "SELECT verdict FROM reviews WHERE claim_id = ?1 AND state = 'confirmed'
                 ORDER BY id DESC LIMIT 1",
                [claim],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records a correction if `verdict` replaces a different confirmed one.
    fn correct(&mut self, claim: ClaimId, verdict: Status, reason: &str) -> Result<Option<Value>> {
        match self.confirmed_verdict(claim)? {
            Some(old) if old != verdict => {
                self.tx.execute(
                    "INSERT INTO corrections (claim_id, old_verdict, new_verdict, reason, by, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![claim, old, verdict, reason, self.actor, self.at],
                )?;
                Ok(Some(json!({"old": old, "new": verdict})))
            }
            _ => Ok(None),
        }
    }

    /// `review C in-review`: opens (or reopens) review; a pending verdict is withdrawn.
    pub fn open_review(&mut self, claim: ClaimId, note: Option<&str>) -> Result<()> {
        let withdrawn = self.withdraw_pending(claim)?;
        self.set_status(claim, Status::InReview)?;
        self.event(
            "review.open",
            &claim.to_string(),
            json!({"note": note, "withdrawn": withdrawn}),
        )
    }

    /// Proposes a verdict. With `confirmed`, it takes effect at once (no second
    /// reviewer); otherwise it waits, and the claim is in review meanwhile.
    /// Returns the correction recorded, if it replaced a different verdict.
    pub fn propose_verdict(
        &mut self,
        claim: ClaimId,
        verdict: Status,
        note: &str,
        evidence: &[String],
        over_mismatch: bool,
        confirmed: bool,
    ) -> Result<Option<Value>> {
        let withdrawn = self.withdraw_pending(claim)?;
        let correction = if confirmed {
            self.correct(claim, verdict, note)?
        } else {
            None
        };
        let (state, decided_by, decided_at) = if confirmed {
            ("confirmed", Some(self.actor.clone()), Some(self.at.clone()))
        } else {
            ("pending", None, None)
        };
        self.tx.execute(
            "INSERT INTO reviews (claim_id, verdict, note, evidence, proposed_by, proposed_at, state,
                                  decided_by, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                claim,
                verdict,
                note,
                serde_json::to_string(evidence).expect("ids serialise"),
                self.actor,
                self.at,
                state,
                decided_by,
                decided_at
            ],
        )?;
        let review = self.tx.last_insert_rowid();
        // A proposal alone never unseats a verdict in force: that takes a second
        // person's confirmation (and then records a correction).
        let status = if confirmed {
            verdict
        } else {
            self.status_while_pending(claim)?
        };
        self.set_status(claim, status)?;
        self.event(
            "review.verdict",
            &claim.to_string(),
            json!({"review": review, "verdict": verdict, "note": note, "evidence": evidence,
                   "state": state, "over_mismatch": over_mismatch, "withdrawn": withdrawn,
                   "correction": correction}),
        )?;
        Ok(correction)
    }

    /// A second reviewer confirms the pending verdict. Returns the correction
    /// recorded, if it replaced a different confirmed verdict.
    pub fn confirm(&mut self, pending: &ReviewRow, note: Option<&str>) -> Result<Option<Value>> {
        let correction = self.correct(
            pending.claim,
            pending.verdict,
            note.unwrap_or(&pending.note),
        )?;
        self.tx.execute(
            "UPDATE reviews SET state = 'confirmed', decided_by = ?2, decided_at = ?3, decision_note = ?4
             WHERE id = ?1",
            params![pending.id, self.actor, self.at, note],
        )?;
        self.set_status(pending.claim, pending.verdict)?;
        self.event(
            "review.confirm",
            &pending.claim.to_string(),
            json!({"review": pending.id, "verdict": pending.verdict, "note": note,
                   "correction": correction}),
        )?;
        Ok(correction)
    }

    /// A second reviewer rejects the pending verdict; the claim stays in review.
    pub fn reject(&mut self, pending: &ReviewRow, note: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE reviews SET state = 'rejected', decided_by = ?2, decided_at = ?3, decision_note = ?4
             WHERE id = ?1",
            params![pending.id, self.actor, self.at, note],
        )?;
        let status = self.status_while_pending(pending.claim)?;
        self.set_status(pending.claim, status)?;
        self.event(
            "review.reject",
            &pending.claim.to_string(),
            json!({"review": pending.id, "verdict": pending.verdict, "note": note}),
        )
    }
}
