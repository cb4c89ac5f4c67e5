//! `export json` and `export csv`: every claim with its status, verdict,
//! rationale, reviewers and evidence. What `export json` writes, `claim import`
//! reads back; the CSV's first columns are the import header, so a spreadsheet
//! edit can be imported too (RFC 4180, written by the csv crate).

use super::{verdict_words, Case};
use serde_json::json;

pub fn json(cases: &[Case], exported_at: &str) -> Vec<u8> {
    let doc = json!({
        "claimtrail": env!("CARGO_PKG_VERSION"),
        "exported_at": exported_at,
        "claims": cases,
    });
    let mut out = serde_json::to_vec_pretty(&doc).expect("cases serialise");
    out.push(b'\n');
    out
}

pub const CSV_HEADER: [&str; 14] = [
    "text",
    "quote",
    "doc",
    "tags",
    "occurrence",
    "id",
    "status",
    "verdict",
    "rationale",
    "proposed_by",
    "confirmed_by",
    "confirmed_at",
    "evidence",
    "evidence_snapshots",
];

pub fn csv(cases: &[Case]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).expect("writing to memory");
    for c in cases {
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .map(|e| {
                format!(
                    "{} {} {}: {}{}{}",
                    e.row.id,
                    e.row.stance.as_str(),
                    e.row.snapshot,
                    e.row.anchor.exact,
                    e.row
                        .note
                        .as_deref()
                        .map(|n| format!(" (note: {n})"))
                        .unwrap_or_default(),
                    if e.row.stale.is_some() {
                        " (stale)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let snapshots: Vec<String> = c
            .evidence
            .iter()
            .map(|e| format!("{} sha256:{}", e.row.snapshot, e.row.snapshot_sha256))
            .collect();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            c.text.clone(),
            opt(&c.quote),
            c.doc.map(|d| d.to_string()).unwrap_or_default(),
            c.tags.join(";"),
            c.occurrence.map(|o| o.to_string()).unwrap_or_default(),
            c.id.to_string(),
            c.status.to_string(),
            c.verdict
                .map(|v| verdict_words(v).to_string())
                .unwrap_or_default(),
            opt(&c.rationale),
            opt(&c.proposed_by),
            opt(&c.confirmed_by),
            opt(&c.confirmed_at),
            evidence.join("\n"),
            snapshots.join("\n"),
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
