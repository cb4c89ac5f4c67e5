//! WARC 1.1 (ISO 28500:2017), gzip-compressed one record per member, as web
//! archives (and warcio, wget, pywb) read it.
//!
//! - one `warcinfo` record for the file;
//! - for every URL snapshot, a `request` and a `response` record, concurrent to
//!   each other: the response block is the status line and headers as received
//!   and the body exactly as stored. The HTTP library hands over a body already
//!   freed of chunked transfer coding, so a `Transfer-Encoding` header is kept as
//!   `X-Archive-Orig-Transfer-Encoding` and the body's length given instead;
//!   the request record is reconstructed (method, path, host, our User-Agent);
//! - a `resource` record for every local-file snapshot, with a `file://` URI;
//! - a `metadata` record per capture naming the snapshot and the claims and
//!   evidence that cite it.
//!
//! Digests are `sha256:` in base32, over the payload (`WARC-Payload-Digest`) and
//! the whole block (`WARC-Block-Digest`). Bodies are streamed from the object
//! store twice (once to hash, once to write), so memory stays bounded.

use super::Gathered;
use crate::blobs::BlobStore;
use crate::store::{SnapshotRow, SourceKind, StoreError};
use crate::workspace::Workspace;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};

#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the WARC: {}", crate::describe_io(.0))]
    Io(#[from] io::Error),
    #[error("the bytes of {0} are missing from the object store: run `claimtrail audit verify`")]
    MissingBlob(String),
    #[error("the bytes of {0} no longer match their hash; no archive was written: run `claimtrail audit verify`")]
    DamagedBlob(String),
}

/// What was written: how many captures of each kind.
#[derive(Debug, Default, serde::Serialize)]
pub struct Written {
    pub responses: usize,
    pub resources: usize,
    pub metadata: usize,
    pub records: usize,
}

/// RFC 4648 base32, as WARC digests are usually written.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(ALPHABET[((n >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn digest_label(hash: &[u8]) -> String {
    format!("sha256:{}", base32(hash))
}

/// A stable record id from a name: the same export gives the same ids.
fn record_id(name: &str) -> String {
    let h = Sha256::digest(name.as_bytes());
    let x = crate::blobs::hex(&h[..16]);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// Writes one record as its own gzip member. `block` is the header part held in
/// memory, followed by `body` streamed from a file (if any).
fn write_record(
    out: &mut impl Write,
    headers: &[(&str, String)],
    block_head: &[u8],
    body: Option<(&mut File, u64)>,
) -> io::Result<()> {
    let mut gz = GzEncoder::new(&mut *out, Compression::default());
    let body_len = body.as_ref().map_or(0, |(_, n)| *n);
    write!(gz, "WARC/1.1\r\n")?;
    for (k, v) in headers {
        write!(gz, "{k}: {v}\r\n")?;
    }
    write!(
        gz,
        "Content-Length: {}\r\n\r\n",
        block_head.len() as u64 + body_len
    )?;
    gz.write_all(block_head)?;
    if let Some((file, _)) = body {
        io::copy(file, &mut gz)?;
    }
    gz.write_all(b"\r\n\r\n")?;
    gz.finish()?;
    Ok(())
}

/// SHA-256 of `head` followed by the file's bytes, streamed, and of the bytes
/// alone: an archive is written only from blobs that still match their names.
fn block_digest(head: &[u8], file: &mut File) -> io::Result<([u8; 32], String)> {
    let mut block = Sha256::new();
    let mut body = Sha256::new();
    block.update(head);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match file.read(&mut buf)? {
            0 => break,
            n => {
                block.update(&buf[..n]);
                body.update(&buf[..n]);
            }
        }
    }
    Ok((block.finalize().into(), crate::blobs::hex(&body.finalize())))
}

fn open_blob(blobs: &BlobStore, snap: &SnapshotRow) -> Result<(File, u64), WarcError> {
    let path = blobs
        .path_of(&snap.sha256)
        .map_err(|_| WarcError::MissingBlob(snap.id.to_string()))?;
    let file = File::open(&path).map_err(|_| WarcError::MissingBlob(snap.id.to_string()))?;
    let len = file.metadata()?.len();
    Ok((file, len))
}

/// The HTTP response head as received, with transfer coding noted rather than claimed.
fn response_head(snap: &SnapshotRow, body_len: u64) -> Vec<u8> {
    let status = snap.http_status.unwrap_or(200);
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    let mut has_length = false;
    for (k, v) in snap.headers.iter().flatten() {
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        if k.eq_ignore_ascii_case("transfer-encoding") {
            head.push_str(&format!("X-Archive-Orig-Transfer-Encoding: {v}\r\n"));
            continue;
        }
        if k.eq_ignore_ascii_case("content-length") {
            has_length = true;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has_length {
        head.push_str(&format!("Content-Length: {body_len}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// `file://` and the path, percent-encoded where a URI needs it.
fn file_uri(path: &str) -> String {
    let mut out = String::from("file://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn request_head(url: &str) -> Vec<u8> {
    let parsed = reqwest::Url::parse(url).ok();
    let host = parsed
        .as_ref()
        .and_then(|u| {
            u.host_str()
                .map(|h| u.port().map_or(h.to_string(), |p| format!("{h}:{p}")))
        })
        .unwrap_or_default();
    let path = parsed
        .as_ref()
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|| "/".into());
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: claimtrail/{}\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

pub fn write(
    out: &mut impl Write,
    ws: &Workspace,
    gathered: &Gathered,
    filename: &str,
    now: &str,
) -> Result<Written, WarcError> {
    let mut written = Written::default();
    let info = format!(
        "software: claimtrail/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\ndescription: snapshots kept by claimtrail, with the claims and evidence that cite them\r\n",
        env!("CARGO_PKG_VERSION")
    );
    write_record(
        out,
        &[
            ("WARC-Type", "warcinfo".into()),
            (
                "WARC-Record-ID",
                record_id(&format!("warcinfo {filename} {now}")),
            ),
            ("WARC-Date", now.into()),
            ("WARC-Filename", filename.into()),
            ("Content-Type", "application/warc-fields".into()),
        ],
        info.as_bytes(),
        None,
    )?;
    written.records += 1;

    let mut sources: Vec<_> = gathered.sources.values().collect();
    sources.sort_by_key(|s| s.id);
    for source in sources {
        for snap in ws.store.snapshots_of(source.id)? {
            let (mut file, len) = open_blob(&ws.blobs, &snap)?;
            let payload_digest = crate::audit::unhex32(&snap.sha256)
                .map(|h| digest_label(&h))
                .unwrap_or_default();
            let capture_id = record_id(&format!("capture {} {}", snap.id, snap.sha256));
            let (target, capture_type) = match source.kind {
                SourceKind::Url => {
                    let target = snap
                        .final_url
                        .clone()
                        .unwrap_or_else(|| snap.requested.clone());
                    let head = response_head(&snap, len);
                    let (block, body) = block_digest(&head, &mut file)?;
                    if body != snap.sha256 {
                        return Err(WarcError::DamagedBlob(snap.id.to_string()));
                    }
                    let (mut file, _) = open_blob(&ws.blobs, &snap)?;
                    let request_id = record_id(&format!("request {} {}", snap.id, snap.sha256));
                    let mut headers = vec![
                        ("WARC-Type", "response".to_string()),
                        ("WARC-Record-ID", capture_id.clone()),
                        ("WARC-Date", snap.fetched_at.clone()),
                        ("WARC-Target-URI", target.clone()),
                        ("WARC-Concurrent-To", request_id.clone()),
                        ("WARC-Payload-Digest", payload_digest),
                        ("WARC-Block-Digest", digest_label(&block)),
                        ("Content-Type", "application/http;msgtype=response".into()),
                    ];
                    if let Some(ip) = &snap.remote_ip {
                        headers.push(("WARC-IP-Address", ip.clone()));
                    }
                    write_record(out, &headers, &head, Some((&mut file, len)))?;
                    let req = request_head(&target);
                    let req_digest: [u8; 32] = Sha256::digest(&req).into();
                    let mut headers = vec![
                        ("WARC-Type", "request".to_string()),
                        ("WARC-Record-ID", request_id),
                        ("WARC-Date", snap.fetched_at.clone()),
                        ("WARC-Target-URI", target.clone()),
                        ("WARC-Concurrent-To", capture_id.clone()),
                        ("WARC-Block-Digest", digest_label(&req_digest)),
                        ("Content-Type", "application/http;msgtype=request".into()),
                    ];
                    if let Some(ip) = &snap.remote_ip {
                        headers.push(("WARC-IP-Address", ip.clone()));
                    }
                    write_record(out, &headers, &req, None)?;
                    written.responses += 1;
                    written.records += 2;
                    (target, "response")
                }
                SourceKind::File => {
                    let (_, body) = block_digest(b"", &mut file)?;
                    if body != snap.sha256 {
                        return Err(WarcError::DamagedBlob(snap.id.to_string()));
                    }
                    let (mut file, _) = open_blob(&ws.blobs, &snap)?;
                    let target = file_uri(&snap.requested);
                    let content_type = crate::extract::sniff(b"", None, Some(&snap.requested));
                    let mime = match content_type {
                        crate::extract::Format::Html => "text/html",
                        crate::extract::Format::Pdf => "application/pdf",
                        crate::extract::Format::Text => "text/plain",
                        crate::extract::Format::Other => "application/octet-stream",
                    };
                    let digest = payload_digest;
                    let headers = vec![
                        ("WARC-Type", "resource".to_string()),
                        ("WARC-Record-ID", capture_id.clone()),
                        ("WARC-Date", snap.fetched_at.clone()),
                        ("WARC-Target-URI", target.clone()),
                        ("WARC-Payload-Digest", digest.clone()),
                        ("WARC-Block-Digest", digest),
                        ("Content-Type", mime.into()),
                    ];
                    write_record(out, &headers, b"", Some((&mut file, len)))?;
                    written.resources += 1;
                    written.records += 1;
                    (target, "resource")
                }
            };
            // Who cites this capture.
            let mut fields = format!(
                "claimtrail-snapshot: {}\r\nclaimtrail-capture: {capture_type}\r\n",
                snap.id
            );
            for case in &gathered.cases {
                for e in case.evidence.iter().filter(|e| e.row.snapshot == snap.id) {
                    fields.push_str(&format!(
                        "claimtrail-evidence: {} {} {}\r\n",
                        e.row.id,
                        e.row.stance.as_str(),
                        case.id
                    ));
                    let flat: String = case
                        .text
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    fields.push_str(&format!("claimtrail-claim: {} {flat}\r\n", case.id));
                }
            }
            let meta_digest: [u8; 32] = Sha256::digest(fields.as_bytes()).into();
            write_record(
                out,
                &[
                    ("WARC-Type", "metadata".into()),
                    (
                        "WARC-Record-ID",
                        record_id(&format!("metadata {} {}", snap.id, snap.sha256)),
                    ),
                    ("WARC-Date", snap.fetched_at.clone()),
                    ("WARC-Target-URI", target),
                    ("WARC-Refers-To", capture_id),
                    ("WARC-Block-Digest", digest_label(&meta_digest)),
                    ("Content-Type", "application/warc-fields".into()),
                ],
                fields.as_bytes(),
                None,
            )?;
            written.metadata += 1;
            written.records += 1;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_follows_rfc_4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fo"), "MZXQ====");
        assert_eq!(base32(b"foo"), "MZXW6===");
        assert_eq!(base32(b"foob"), "MZXW6YQ=");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn record_ids_are_stable_urn_uuids() {
        let a = record_id("x");
        assert_eq!(a, record_id("x"));
        assert!(a.starts_with("<urn:uuid:") && a.len() == 47, "{a}");
    }
}
