//! schema.org ClaimReview JSON-LD, for every claim with a confirmed verdict.
//!
//! Ratings run from 1 (worst) to 5 (best), and every number has its words in
//! `alternateName`:
//!
//! | verdict | ratingValue | alternateName |
//! |---|---|---|
//! | false | 1 | False |
//! | disputed | 2 | Disputed |
//! | misleading | 3 | Misleading |
//! | verified | 5 | Verified |
//! | unverifiable | (none) | Unverifiable |
//!
//! "Unverifiable" is not a point between false and true, so it carries no number,
//! only its words, as schema.org allows.

use super::{verdict_words, Case};
use crate::review::Status;
use crate::store::DocumentRow;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The fact-checking organisation that publishes the reviews.
pub struct Publisher<'a> {
    pub name: &'a str,
    pub url: &'a str,
    /// Where each review is published, with `{claim}` for the id.
    pub review_url: Option<&'a str>,
}

pub fn rating_value(verdict: Status) -> Option<u8> {
    match verdict {
        Status::False => Some(1),
        Status::Disputed => Some(2),
        Status::Misleading => Some(3),
        Status::Verified => Some(5),
        _ => None,
    }
}

pub fn claim_reviews(
    cases: &[Case],
    docs: &HashMap<crate::ids::DocId, DocumentRow>,
    org: &Publisher<'_>,
) -> Value {
    let reviews: Vec<Value> = cases
        .iter()
        .filter_map(|c| {
            let verdict = c.verdict?;
            let mut rating = json!({
                "@type": "Rating",
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": verdict_words(verdict),
                "ratingExplanation": c.rationale,
            });
            if let Some(v) = rating_value(verdict) {
                rating["ratingValue"] = json!(v);
            }
            let doc = c.doc.and_then(|d| docs.get(&d));
            let mut item = json!({"@type": "Claim"});
            if let Some(doc) = doc {
                if let Some(url) = &doc.url {
                    item["appearance"] =
                        json!({"@type": "CreativeWork", "url": url, "headline": doc.title});
                }
                if let Some(p) = &doc.publisher {
                    item["author"] = json!({"@type": "Organization", "name": p});
                }
                if let Some(d) = &doc.published {
                    item["datePublished"] = json!(d);
                }
            }
            Some(json!({
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": match org.review_url {
                    Some(t) => t.replace("{claim}", &c.id.to_string()),
                    None => format!("{}#{}", org.url.trim_end_matches('/'), c.id),
                },
                "claimReviewed": c.text,
                "datePublished": c.confirmed_at.as_deref().map(|t| t.get(..10).unwrap_or(t)),
                "author": {"@type": "Organization", "name": org.name, "url": org.url},
                "reviewRating": rating,
                "itemReviewed": item,
            }))
        })
        .collect();
    Value::Array(reviews)
}
