//! Capturing a source: fetching a URL or reading a file into the blob store.
//!
//! A URL is fetched with reqwest (rustls) under a connect timeout, a total time
//! limit and a size cap. Redirects are followed by hand, at most ten, so every hop
//! is recorded. Nothing asks for or undoes compression: no `Accept-Encoding` is
//! sent and the body is stored exactly as received, so its hash is the hash of
//! what the server sent. The body streams into a temp file while it is hashed;
//! memory stays bounded whatever its size, and a failed fetch leaves no file.

use crate::blobs::{BlobError, BlobStore, Stored};
use crate::store::{Hop, SourceKind};
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const MAX_REDIRECTS: usize = 10;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total time for one capture, redirects and body included.
    pub timeout: Duration,
    /// Largest body kept, in bytes.
    pub max_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_size: 100 * 1024 * 1024,
        }
    }
}

/// Where a capture comes from, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Url(reqwest::Url),
    File(PathBuf),
}

impl Target {
    /// A URL if it has an http(s) scheme; an error for other schemes; else a path.
    pub fn parse(input: &str) -> Result<Target, FetchError> {
        let trimmed = input.trim();
        if let Some((scheme, _)) = trimmed.split_once("://") {
            let url = reqwest::Url::parse(trimmed).map_err(|e| FetchError::BadUrl {
                input: input.into(),
                reason: e.to_string(),
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(FetchError::Scheme {
                    url: input.into(),
                    scheme: scheme.into(),
                });
            }
            return Ok(Target::Url(url));
        }
        if trimmed.is_empty() {
            return Err(FetchError::BadUrl {
                input: input.into(),
                reason: "it is empty".into(),
            });
        }
        Ok(Target::File(PathBuf::from(trimmed)))
    }

    pub fn kind(&self) -> SourceKind {
        match self {
            Target::Url(_) => SourceKind::Url,
            Target::File(_) => SourceKind::File,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Url(u) => write!(f, "{u}"),
            Target::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Everything a capture learned, with the stored body.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The source's identity: the URL as given, or the file's absolute path.
    pub locator: String,
    pub requested: String,
    pub final_url: Option<String>,
    pub redirects: Vec<Hop>,
    pub http_status: Option<u16>,
    pub headers: Option<Vec<(String, String)>>,
    pub remote_ip: Option<String>,
    pub file_mtime: Option<String>,
    pub fetched_at: String,
    pub content_type: Option<String>,
    pub body: Stored,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("`{input}` is not a valid URL: {reason}")]
    BadUrl { input: String, reason: String },
    #[error("{url}: the {scheme}:// scheme is not supported (only http and https)")]
    Scheme { url: String, scheme: String },
    #[error("{url}: {reason}")]
    Connect {
        url: String,
        reason: String,
        /// The host refused the connection or its name no longer resolves.
        gone: bool,
    },
    #[error("{url}: no complete answer within {secs}s")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: the server answered {status}{}", .reason.as_deref().map(|r| format!(" {r}")).unwrap_or_default())]
    Status {
        url: String,
        status: u16,
        reason: Option<String>,
    },
    #[error("{url}: more than {MAX_REDIRECTS} redirects (a loop?): {}", .chain.join(" → "))]
    TooManyRedirects { url: String, chain: Vec<String> },
    #[error("{url}: redirected to {to}, which is not http or https")]
    RedirectScheme { url: String, to: String },
    #[error("{url}: a {status} redirect with no usable Location header")]
    BadRedirect { url: String, status: u16 },
    #[error("{url}: the body is larger than the {limit}-byte cap (--max-size)")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: the connection closed before the body was complete ({} of the {expected} bytes promised by Content-Length)", .got.map_or("fewer".to_string(), |g| g.to_string()))]
    Truncated {
        url: String,
        got: Option<u64>,
        expected: u64,
    },
    #[error("{url}: the body could not be read: {reason}")]
    Body { url: String, reason: String },
    #[error("cannot read {}: {reason}", .path.display())]
    File {
        path: PathBuf,
        reason: String,
        /// The file is not there (a recheck calls the source gone).
        missing: bool,
    },
    #[error(transparent)]
    Blob(BlobError),
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    /// Whether the network or the disk failed (exit 3), rather than the input (exit 1).
    pub fn is_io(&self) -> bool {
        matches!(
            self,
            FetchError::Connect { .. }
                | FetchError::Timeout { .. }
                | FetchError::Truncated { .. }
                | FetchError::Body { .. }
                | FetchError::Blob(_)
                | FetchError::Client(_)
        )
    }

    /// Whether a recheck should call the source gone (rather than merely failing).
    pub fn means_gone(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => matches!(status, 404 | 410),
            FetchError::Connect { gone, .. } => *gone,
            FetchError::File { missing, .. } => *missing,
            _ => false,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Fetches URLs; one per run, shared by all worker threads.
pub struct Fetcher {
    client: reqwest::blocking::Client,
    limits: Limits,
}

impl Fetcher {
    pub fn new(limits: Limits) -> Result<Fetcher, FetchError> {
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!("claimtrail/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.timeout.min(Duration::from_secs(15)))
            .timeout(limits.timeout)
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher { client, limits })
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Captures a target into `blobs`.
    pub fn capture(&self, target: &Target, blobs: &BlobStore) -> Result<Capture, FetchError> {
        match target {
            Target::Url(url) => self.fetch(url, blobs),
            Target::File(path) => read_file(path, blobs, self.limits.max_size, self.limits.timeout),
        }
    }

    fn fetch(&self, url: &reqwest::Url, blobs: &BlobStore) -> Result<Capture, FetchError> {
        let started = Instant::now();
        let fetched_at = crate::time::now_rfc3339();
        let requested = url.to_string();
        let mut current = url.clone();
        let mut redirects: Vec<Hop> = Vec::new();
        // One time limit for the whole capture, redirects included.
        let deadline = started + self.limits.timeout;
        let response = loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(FetchError::Timeout {
                    url: requested,
                    secs: self.limits.timeout.as_secs(),
                });
            }
            let response = self
                .client
                .get(current.clone())
                .timeout(remaining)
                .send()
                .map_err(|e| self.request_error(&current, &e))?;
            let status = response.status();
            if !status.is_redirection() || status.as_u16() == 304 {
                break response;
            }
            let here = current.to_string();
            let next = response
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
                .and_then(|l| current.join(&l).ok())
                .ok_or_else(|| FetchError::BadRedirect {
                    url: here.clone(),
                    status: status.as_u16(),
                })?;
            redirects.push(Hop {
                url: here,
                status: status.as_u16(),
            });
            if !matches!(next.scheme(), "http" | "https") {
                return Err(FetchError::RedirectScheme {
                    url: requested,
                    to: next.to_string(),
                });
            }
            if redirects.len() > MAX_REDIRECTS {
                let mut chain: Vec<String> = redirects.iter().map(|h| h.url.clone()).collect();
                chain.push(next.to_string());
                return Err(FetchError::TooManyRedirects {
                    url: requested,
                    chain,
                });
            }
            current = next;
        };
        let status = response.status();
        let final_url = response.url().to_string();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: final_url,
                status: status.as_u16(),
                reason: status.canonical_reason().map(str::to_string),
            });
        }
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let declared_len = response.content_length();
        if declared_len.is_some_and(|n| n > self.limits.max_size) {
            return Err(FetchError::TooLarge {
                url: final_url,
                limit: self.limits.max_size,
            });
        }
        let remote_ip = response.remote_addr().map(|a| a.ip().to_string());
        let reader = Guarded {
            inner: response,
            read: 0,
            max: self.limits.max_size,
            deadline,
        };
        let body = blobs
            .put_reader_expecting(reader, declared_len)
            .map_err(|e| self.body_error(&final_url, declared_len, e))?;
        Ok(Capture {
            locator: requested.clone(),
            requested,
            final_url: Some(final_url),
            redirects,
            http_status: Some(status.as_u16()),
            headers: Some(headers),
            remote_ip,
            file_mtime: None,
            fetched_at,
            content_type,
            body,
        })
    }

    fn request_error(&self, url: &reqwest::Url, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout {
                url: url.to_string(),
                secs: self.limits.timeout.as_secs(),
            };
        }
        FetchError::Connect {
            url: url.to_string(),
            reason: root_cause(e),
            gone: refused_or_unresolved(e),
        }
    }

    /// Sorts out why the body stream stopped.
    fn body_error(&self, url: &str, declared_len: Option<u64>, e: BlobError) -> FetchError {
        let io = match e {
            BlobError::Source(io) => io,
            BlobError::Length { expected, got } => {
                return FetchError::Truncated {
                    url: url.into(),
                    got: Some(got),
                    expected,
                }
            }
            other => return FetchError::Blob(other),
        };
        match io.get_ref().and_then(|i| i.downcast_ref::<Stop>()) {
            Some(Stop::TooLarge) => FetchError::TooLarge {
                url: url.into(),
                limit: self.limits.max_size,
            },
            Some(Stop::Deadline) => FetchError::Timeout {
                url: url.into(),
                secs: self.limits.timeout.as_secs(),
            },
            None => {
                let text = root_cause(&io);
                if let (Some(expected), true) = (declared_len, text.contains("message length")) {
                    FetchError::Truncated {
                        url: url.into(),
                        got: None,
                        expected,
                    }
                } else if text.contains("timed out") || io.kind() == io::ErrorKind::TimedOut {
                    FetchError::Timeout {
                        url: url.into(),
                        secs: self.limits.timeout.as_secs(),
                    }
                } else {
                    FetchError::Body {
                        url: url.into(),
                        reason: text,
                    }
                }
            }
        }
    }
}

/// Why a guarded body read stopped early.
#[derive(Debug)]
enum Stop {
    TooLarge,
    Deadline,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stop::TooLarge => "the body is over the size cap",
            Stop::Deadline => "the time limit passed",
        })
    }
}

impl std::error::Error for Stop {}

/// A body reader that stops at the size cap and the deadline.
struct Guarded<R> {
    inner: R,
    read: u64,
    max: u64,
    deadline: Instant,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if Instant::now() > self.deadline {
            return Err(io::Error::other(Stop::Deadline));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.max {
            return Err(io::Error::other(Stop::TooLarge));
        }
        Ok(n)
    }
}

/// Whether a connection failed because nothing listens there or the name is gone,
/// as opposed to a reset or another passing fault.
fn refused_or_unresolved(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        // Name resolution failures carry no io kind; the resolver's wording is stable.
        let text = err.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The innermost message of an error chain, lowercased: "connection refused".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let s = cur.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_lowercase()
}

/// A local file as a snapshot: its bytes, streamed, with its modification time.
fn read_file(
    path: &Path,
    blobs: &BlobStore,
    max_size: u64,
    timeout: Duration,
) -> Result<Capture, FetchError> {
    let fail = |reason: String| FetchError::File {
        path: path.to_path_buf(),
        reason,
        missing: false,
    };
    let fetched_at = crate::time::now_rfc3339();
    let meta = std::fs::metadata(path).map_err(|e| FetchError::File {
        path: path.to_path_buf(),
        reason: crate::describe_io(&e),
        missing: e.kind() == io::ErrorKind::NotFound,
    })?;
    if meta.is_dir() {
        return Err(fail("it is a folder, not a file".into()));
    }
    // Devices and pipes could stream forever or block: only regular files.
    if !meta.is_file() {
        return Err(fail("it is not a regular file".into()));
    }
    if meta.len() > max_size {
        return Err(fail(format!(
            "it is larger than the {max_size}-byte cap (--max-size)"
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(crate::describe_io(&e)))?;
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| crate::time::format_unix(d.as_secs() as i64));
    let guarded = Guarded {
        inner: file,
        read: 0,
        max: max_size,
        deadline: Instant::now() + timeout,
    };
    let body = blobs.put_reader(guarded).map_err(|e| match e {
        BlobError::Source(io) => match io.get_ref().and_then(|i| i.downcast_ref::<Stop>()) {
            Some(Stop::TooLarge) => fail(format!(
                "it is larger than the {max_size}-byte cap (--max-size)"
            )),
            Some(Stop::Deadline) => fail(format!(
                "reading took longer than {}s (--timeout)",
                timeout.as_secs()
            )),
            None => fail(crate::describe_io(&io)),
        },
        other => FetchError::Blob(other),
    })?;
    let locator = absolute.display().to_string();
    Ok(Capture {
        locator: locator.clone(),
        requested: locator,
        final_url: None,
        redirects: Vec::new(),
        http_status: None,
        headers: None,
        remote_ip: None,
        file_mtime: mtime,
        fetched_at,
        content_type: None,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_urls_files_or_refused() {
        assert!(matches!(
            Target::parse("https://example.org/a").unwrap(),
            Target::Url(_)
        ));
        assert!(matches!(
            Target::parse("report.pdf").unwrap(),
            Target::File(_)
        ));
        assert!(matches!(
            Target::parse("ftp://example.org/a"),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(
            Target::parse("http://exa mple.org"),
            Err(FetchError::BadUrl { .. })
        ));
        assert!(matches!(
            Target::parse("  "),
            Err(FetchError::BadUrl { .. })
        ));
    }

    #[test]
    fn the_guard_stops_at_the_cap() {
        let mut g = Guarded {
            inner: &[0u8; 100][..],
            read: 0,
            max: 10,
            deadline: Instant::now() + Duration::from_secs(5),
        };
        let mut sink = Vec::new();
        let err = g.read_to_end(&mut sink).unwrap_err();
        assert!(matches!(
            err.get_ref().and_then(|e| e.downcast_ref::<Stop>()),
            Some(Stop::TooLarge)
        ));
    }
}
