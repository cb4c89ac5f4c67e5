//! The audit log's hash chain, and the checks `audit verify` runs over it.
//!
//! Every change writes one event in the same transaction as the change. An event's
//! payload is the canonical JSON of
//! `{"action", "actor", "at", "data", "seq", "subject"}`: object keys sorted by
//! their UTF-8 bytes at every level, no whitespace, strings escaped as serde_json
//! escapes them, integers in decimal. Its hash is
//!
//! ```text
//! hash = SHA-256( prev_hash ‖ payload )
//! ```
//!
//! where `prev_hash` is the previous event's hash as 32 raw bytes (32 zero bytes for
//! the first event) and `payload` is the exact bytes stored. Both hashes are kept as
//! lowercase hex. Changing any byte of any payload, or removing, reordering or
//! inserting an event, breaks every hash after it.

use crate::blobs::hex;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event says, before it is hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBody<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub data: &'a Value,
}

impl EventBody<'_> {
    /// The canonical JSON bytes that are stored and hashed.
    pub fn payload(&self) -> Vec<u8> {
        let value = serde_json::json!({
            "action": self.action,
            "actor": self.actor,
            "at": self.at,
            "data": self.data,
            "seq": self.seq,
            "subject": self.subject,
        });
        let mut out = String::new();
        write_canonical(&value, &mut out);
        out.into_bytes()
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    #[serde(skip)]
    pub payload: Vec<u8>,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// The event's `data` object, read back from its payload.
    pub fn data(&self) -> Value {
        serde_json::from_slice::<Value>(&self.payload)
            .ok()
            .and_then(|mut v| v.get_mut("data").map(Value::take))
            .unwrap_or(Value::Null)
    }

    /// What the event says of one claim: its `data`, but of a `claim.import`
    /// (a batch of claims) only that claim's own entry.
    pub fn data_about(&self, claim: crate::ids::ClaimId) -> Value {
        let mut data = self.data();
        if self.action == "claim.import" {
            let entries = data["claims"].as_array_mut().map(std::mem::take);
            data = entries
                .into_iter()
                .flatten()
                .find(|entry| entry["id"] == claim.0)
                .unwrap_or_default();
        }
        data
    }
}

/// `SHA-256(prev_hash ‖ payload)`, as hex. `prev_hash` is hex; a malformed one
/// hashes as given, so it can never verify against a well-formed chain.
pub fn chain_hash(prev_hash: &str, payload: &[u8]) -> String {
    let mut h = Sha256::new();
    match unhex32(prev_hash) {
        Some(raw) => h.update(raw),
        None => h.update(prev_hash.as_bytes()),
    }
    h.update(payload);
    hex(&h.finalize())
}

/// A 64-digit hex hash as its 32 bytes.
pub fn unhex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in s.as_bytes().chunks(2).enumerate() {
        let digit = |b: u8| (b as char).to_digit(16);
        out[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(out)
}

/// Writes `value` as canonical JSON (sorted keys, no whitespace).
pub fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// One thing `audit verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: &'static str,
    pub subject: String,
    pub detail: String,
}

impl Problem {
    pub fn new(kind: &'static str, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem {
            kind,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

/// Walks the chain in `seq` order, one event at a time, so a log of any length
/// is checked in constant memory.
#[derive(Debug)]
pub struct ChainCheck {
    expected_seq: i64,
    prev_hash: String,
    pub problems: Vec<Problem>,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            problems: Vec::new(),
        }
    }
}

/// The hashed payload, read once: the columns to compare and the data to replay.
#[derive(serde::Deserialize)]
struct Payload<'a, D> {
    seq: i64,
    #[serde(borrow)]
    at: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    actor: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    action: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    subject: std::borrow::Cow<'a, str>,
    data: D,
}

impl ChainCheck {
    /// Checks the next event and returns its `data` (null if the payload is not
    /// readable), so callers replaying the log parse each payload only once.
    pub fn push(&mut self, e: &Event) -> Value {
        self.link(e);
        self.check_columns(e)
    }

    /// Checks the next event's place in the chain and its columns, without
    /// reading its data: the chain alone, as fast as it goes.
    pub fn push_chain_only(&mut self, e: &Event) {
        self.link(e);
        self.check_columns::<serde::de::IgnoredAny>(e);
    }

    /// Sequence, link and hash: what makes the chain a chain.
    fn link(&mut self, e: &Event) {
        // Named only when something is wrong: no allocation per healthy event.
        let subject = || format!("event {}", e.seq);
        if e.seq != self.expected_seq {
            let detail = if e.seq > self.expected_seq {
                format!(
                    "sequence jumps from {} to {}: event(s) missing",
                    self.expected_seq - 1,
                    e.seq
                )
            } else {
                format!(
                    "sequence goes back from {} to {}",
                    self.expected_seq - 1,
                    e.seq
                )
            };
            self.problems
                .push(Problem::new("chain-gap", subject(), detail));
        }
        if e.prev_hash != self.prev_hash {
            self.problems.push(Problem::new(
                "chain-link",
                subject(),
                format!(
                    "prev_hash {} does not match the previous event's hash {}",
                    short(&e.prev_hash),
                    short(&self.prev_hash)
                ),
            ));
        }
        let recomputed = chain_hash(&e.prev_hash, &e.payload);
        if recomputed != e.hash {
            self.problems.push(Problem::new(
                "chain-hash",
                subject(),
                format!(
                    "stored hash {} but its payload hashes to {}: the event was altered",
                    short(&e.hash),
                    short(&recomputed)
                ),
            ));
        }
        self.expected_seq = e.seq + 1;
        self.prev_hash = e.hash.clone();
    }

    /// The queryable columns must say what the hashed payload says.
    fn check_columns<D: serde::de::DeserializeOwned + Default>(&mut self, e: &Event) -> D {
        let subject = || format!("event {}", e.seq);
        let Ok(p) = serde_json::from_slice::<Payload<'_, D>>(&e.payload) else {
            self.problems.push(Problem::new(
                "event-payload",
                subject(),
                "payload is not a readable event",
            ));
            return D::default();
        };
        let same = p.seq == e.seq
            && p.at == e.at
            && p.actor == e.actor
            && p.action == e.action
            && p.subject == e.subject;
        if !same {
            self.problems.push(Problem::new(
                "event-columns",
                subject(),
                "the seq, time, actor, action or subject columns differ from the hashed payload",
            ));
        }
        p.data
    }

    /// The number of events seen and the head hash.
    pub fn head(&self) -> (i64, &str) {
        (self.expected_seq - 1, &self.prev_hash)
    }
}

/// The first 12 hex digits, enough to tell hashes apart in a message.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn make_chain(n: i64) -> Vec<Event> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let data = json!({"text": format!("claim {seq}"), "tags": ["figure"]});
                let body = EventBody {
                    seq,
                    at: "2026-11-26T08:00:00Z",
                    actor: "ana",
                    action: "claim.add",
                    subject: "C1",
                    data: &data,
                };
                let payload = body.payload();
                let hash = chain_hash(&prev, &payload);
                let e = Event {
                    seq,
                    at: body.at.into(),
                    actor: body.actor.into(),
                    action: body.action.into(),
                    subject: body.subject.into(),
                    payload,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn check(events: &[Event]) -> Vec<Problem> {
        let mut c = ChainCheck::default();
        events.iter().for_each(|e| {
            c.push(e);
        });
        c.problems
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let mut s = String::new();
        write_canonical(&json!({"b": 1, "a": {"z": [2, "é\"x"], "y": null}}), &mut s);
        assert_eq!(s, r#"{"a":{"y":null,"z":[2,"é\"x"]},"b":1}"#);
    }

    #[test]
    fn hash_is_sha256_of_raw_prev_hash_then_payload() {
        let mut h = Sha256::new();
        h.update([0u8; 32]);
        h.update(b"{}");
        assert_eq!(chain_hash(GENESIS, b"{}"), hex(&h.finalize()));
    }

    #[test]
    fn a_clean_chain_verifies() {
        let events = make_chain(5);
        assert!(check(&events).is_empty());
    }

    #[test]
    fn one_changed_payload_byte_is_caught() {
        let mut events = make_chain(5);
        let at = events[2].payload.iter().position(|&b| b == b'3').unwrap();
        events[2].payload[at] = b'4';
        let problems = check(&events);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, "chain-hash");
        assert_eq!(problems[0].subject, "event 3");
    }

    #[test]
    fn a_deleted_event_is_caught() {
        let mut events = make_chain(5);
        events.remove(1);
        let kinds: Vec<&str> = check(&events).iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["chain-gap", "chain-link"]);
    }

    #[test]
    fn an_edited_column_is_caught() {
        let mut events = make_chain(3);
        events[0].actor = "mallory".into();
        let kinds: Vec<&str> = check(&events).iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["event-columns"]);
    }
}
