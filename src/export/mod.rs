//! Interchange: the records leave claimtrail in the formats the field's own tools
//! read. Each format is one file here and is a pure function from the gathered
//! [`Case`]s (and, for WARC, the stored bytes) to bytes; `cli/export.rs` decides
//! where they go.

pub mod claimreview;
pub mod html;
pub mod table;
pub mod warc;

use crate::anchor::Anchor;
use crate::ids::{ClaimId, DocId};
use crate::review::Status;
use crate::store::{ClaimFilter, DocumentRow, EvidenceRow, ReviewRow, SourceRow, StoreError};
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::HashMap;

/// Everything known about one claim, as exports need it.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: ClaimId,
    pub text: String,
    pub quote: Option<String>,
    pub doc: Option<DocId>,
    /// Which occurrence of `quote` in the document the anchor is (1 = first), so an
    /// import anchors it at the same place.
    pub occurrence: Option<usize>,
    pub tags: Vec<String>,
    pub status: Status,
    pub anchor: Option<Anchor>,
    /// The verdict in force and its review, if one was confirmed.
    pub verdict: Option<Status>,
    pub rationale: Option<String>,
    pub proposed_by: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<String>,
    pub evidence: Vec<CaseEvidence>,
    #[serde(skip)]
    pub reviews: Vec<ReviewRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseEvidence {
    #[serde(flatten)]
    pub row: EvidenceRow,
    pub url: String,
    pub source_title: Option<String>,
}

/// The articles and cases of a workspace (or of one claim).
pub struct Gathered {
    pub cases: Vec<Case>,
    pub documents: HashMap<DocId, DocumentRow>,
    pub sources: HashMap<crate::ids::SourceId, SourceRow>,
}

pub fn gather(ws: &Workspace, only: Option<ClaimId>) -> Result<Gathered, StoreError> {
    let documents: HashMap<DocId, DocumentRow> = ws
        .store
        .documents()?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let sources: HashMap<_, SourceRow> =
        ws.store.sources()?.into_iter().map(|s| (s.id, s)).collect();
    let mut texts: HashMap<DocId, Option<String>> = HashMap::new();
    let mut cases = Vec::new();
    for claim in ws.store.claims(&ClaimFilter::default())? {
        if only.is_some_and(|o| o != claim.id) {
            continue;
        }
        let reviews = ws.store.reviews_of(claim.id)?;
        let confirmed = reviews.iter().rev().find(|r| r.state == "confirmed");
        let in_force = confirmed.filter(|r| r.verdict == claim.status);
        let occurrence = match (&claim.anchor, claim.doc) {
            (Some(a), Some(d)) => {
                let text = texts.entry(d).or_insert_with(|| {
                    let doc = documents.get(&d)?;
                    ws.blobs
                        .read_verified(&doc.text.sha256)
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                });
                text.as_deref()
                    .map(|t| crate::anchor::occurrence_at(t, a.start, &a.exact))
            }
            _ => None,
        };
        let evidence = ws
            .store
            .evidence_of(claim.id)?
            .into_iter()
            .map(|row| {
                let src = sources.get(&row.source);
                CaseEvidence {
                    url: src.map(|s| s.url.clone()).unwrap_or_default(),
                    source_title: src.and_then(|s| s.title.clone()),
                    row,
                }
            })
            .collect();
        cases.push(Case {
            id: claim.id,
            quote: claim.anchor.as_ref().map(|a| a.exact.clone()),
            text: claim.text,
            doc: claim.doc,
            occurrence,
            tags: claim.tags,
            status: claim.status,
            anchor: claim.anchor,
            verdict: in_force.map(|r| r.verdict),
            rationale: in_force.map(|r| r.note.clone()),
            proposed_by: in_force.map(|r| r.proposed_by.clone()),
            confirmed_by: in_force.and_then(|r| r.decided_by.clone()),
            confirmed_at: in_force.and_then(|r| r.decided_at.clone()),
            evidence,
            reviews,
        });
    }
    Ok(Gathered {
        cases,
        documents,
        sources,
    })
}

/// `C1` is what people say; exports also say it in words.
pub fn verdict_words(s: Status) -> &'static str {
    match s {
        Status::Verified => "Verified",
        Status::Disputed => "Disputed",
        Status::False => "False",
        Status::Misleading => "Misleading",
        Status::Unverifiable => "Unverifiable",
        Status::InReview => "In review",
        Status::Unverified => "Unverified",
    }
}
