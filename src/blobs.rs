//! The content-addressed blob store under `.claimtrail/objects/`.
//!
//! Every stored byte string — an article, a snapshot body, an extracted text — lives
//! once at `objects/ab/cdef…`, named by the SHA-256 of its bytes, as git stores
//! objects. A write goes to a temp file, is fsynced and renamed into place, so a
//! reader never sees a partial blob and a failed write leaves nothing behind. Up to
//! 1 MiB is hashed in memory first and its temp file made in the blob's own folder;
//! a larger stream goes through `objects/tmp/`, hashed as it is written. (A batch
//! capture defers the fsyncs to one syncfs before it records anything: see
//! [`BlobStore::deferring_sync`].) Reads can re-hash to prove the bytes are whole.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("cannot write a blob under {}: {}", .path.display(), crate::describe_io(.source))]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read blob {hash}: {}", crate::describe_io(.source))]
    Read { hash: String, source: io::Error },
    #[error("blob {hash} is missing from {}", .path.display())]
    Missing { hash: String, path: PathBuf },
    #[error("blob {expected} is damaged: its bytes hash to {actual}")]
    Corrupt { expected: String, actual: String },
    #[error("`{0}` is not a SHA-256 hex digest")]
    BadHash(String),
    #[error("the content ended after {got} of {expected} bytes")]
    Length { expected: u64, got: u64 },
    /// The reader being stored failed (a network body, a file being read).
    #[error("reading the content failed: {}", crate::describe_io(.0))]
    Source(io::Error),
}

/// What `put` stored: the hash, the size and whether this call created the file
/// (so a command whose transaction then fails can take back only what it added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub created: bool,
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    /// Skip the fsyncs of each write: whoever asked for this calls [`BlobStore::sync`]
    /// before anything refers to what was stored.
    deferred: bool,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BlobStore {
            root: root.into(),
            deferred: false,
        }
    }

    /// The same store, writing without an fsync per blob (two per blob: the file,
    /// then its folder). For capturing many sources at once: a thousand pages cost
    /// a few thousand fsyncs otherwise, where one [`BlobStore::sync`] before each
    /// batch is recorded makes them all durable together. Only where syncfs(2)
    /// exists (Linux); elsewhere this store still syncs every write.
    pub fn deferring_sync(&self) -> BlobStore {
        BlobStore {
            root: self.root.clone(),
            deferred: cfg!(target_os = "linux"),
        }
    }

    /// Makes every write so far durable: syncfs(2) of the store's filesystem.
    /// Nothing to do for a store that syncs each write.
    pub fn sync(&self) -> io::Result<()> {
        if !self.deferred {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        rustix::fs::syncfs(File::open(&self.root)?)?;
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a blob with this hash lives (whether or not it exists).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        if !is_sha256_hex(sha256) {
            return Err(BlobError::BadHash(sha256.to_string()));
        }
        Ok(self.root.join(&sha256[..2]).join(&sha256[2..]))
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_ok_and(|p| p.is_file())
    }

    pub fn put_bytes(&self, bytes: &[u8]) -> Result<Stored, BlobError> {
        self.put_reader(bytes)
    }

    /// Streams `reader` into the store, hashing as it goes.
    pub fn put_reader(&self, reader: impl Read) -> Result<Stored, BlobError> {
        self.put_reader_expecting(reader, None)
    }

    /// As `put_reader`, but refuses (keeping nothing) a stream whose length is not
    /// `expected`: a body cut short never reaches the store, not even briefly.
    pub fn put_reader_expecting(
        &self,
        mut reader: impl Read,
        expected: Option<u64>,
    ) -> Result<Stored, BlobError> {
        let write_err = |source| BlobError::Write {
            path: self.root.clone(),
            source,
        };
        // Most blobs (a web page, its text) are small: read whole and hashed
        // first, each is written straight into its fan-out folder. Concurrent
        // captures then create files across 256 folders instead of all in one,
        // where they queue on the folder's lock and the filesystem's inode search.
        let mut head = Vec::new();
        (&mut reader)
            .take(SMALL as u64 + 1)
            .read_to_end(&mut head)
            .map_err(BlobError::Source)?;
        if head.len() <= SMALL {
            check_length(expected, head.len() as u64)?;
            return self.put_small(&head).map_err(write_err);
        }
        let tmp_dir = self.root.join("tmp");
        let make_tmp = || {
            tempfile::Builder::new()
                .prefix("blob-")
                .tempfile_in(&tmp_dir)
        };
        // Dropped (and so deleted) on every early return below. The folder is made
        // only when missing, not checked on every write.
        let mut tmp = match make_tmp() {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(&tmp_dir).map_err(write_err)?;
                make_tmp().map_err(write_err)?
            }
            Err(e) => return Err(write_err(e)),
        };
        let mut hasher = Sha256::new();
        hasher.update(&head);
        tmp.write_all(&head).map_err(write_err)?;
        let mut size = head.len() as u64;
        drop(head);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BlobError::Source(e)),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n]).map_err(write_err)?;
            size += n as u64;
        }
        check_length(expected, size)?;
        let sha256 = hex(&hasher.finalize());
        let dest = self.path_of(&sha256)?;
        if dest.is_file() {
            return Ok(Stored {
                sha256,
                size,
                created: false,
            });
        }
        if !self.deferred {
            tmp.as_file().sync_all().map_err(write_err)?;
        }
        let parent = dest.parent().expect("blob path has a fan-out directory");
        let tmp = match tmp.persist(&dest) {
            Ok(_) => None,
            Err(e) if e.error.kind() == io::ErrorKind::NotFound => Some(e.file),
            Err(e) => return Err(write_err(e.error)),
        };
        if let Some(tmp) = tmp {
            fs::create_dir_all(parent).map_err(write_err)?;
            tmp.persist(&dest).map_err(|e| write_err(e.error))?;
        }
        if !self.deferred {
            sync_dir(parent);
        }
        Ok(Stored {
            sha256,
            size,
            created: true,
        })
    }

    /// Writes bytes already in memory: hashed first, then written to a temp file
    /// in the blob's own fan-out folder and renamed into place.
    fn put_small(&self, bytes: &[u8]) -> io::Result<Stored> {
        let sha256 = sha256_hex(bytes);
        let dest = self.path_of(&sha256).map_err(io::Error::other)?;
        let stored = |created| Stored {
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            created,
        };
        if dest.is_file() {
            return Ok(stored(false));
        }
        let parent = dest.parent().expect("blob path has a fan-out directory");
        let make_tmp = || tempfile::Builder::new().prefix(".tmp-").tempfile_in(parent);
        let mut tmp = match make_tmp() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(parent)?;
                make_tmp()?
            }
            made => made?,
        };
        tmp.write_all(bytes)?;
        if !self.deferred {
            tmp.as_file().sync_all()?;
        }
        tmp.persist(&dest).map_err(|e| e.error)?;
        if !self.deferred {
            sync_dir(parent);
        }
        Ok(stored(true))
    }

    /// Reads a blob and checks that its bytes still hash to its name.
    pub fn read_verified(&self, sha256: &str) -> Result<Vec<u8>, BlobError> {
        let bytes = self.read_unchecked(sha256)?;
        let actual = sha256_hex(&bytes);
        if actual != sha256 {
            return Err(BlobError::Corrupt {
                expected: sha256.to_string(),
                actual,
            });
        }
        Ok(bytes)
    }

    fn read_unchecked(&self, sha256: &str) -> Result<Vec<u8>, BlobError> {
        let path = self.path_of(sha256)?;
        fs::read(&path).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                BlobError::Missing {
                    hash: sha256.to_string(),
                    path,
                }
            } else {
                BlobError::Read {
                    hash: sha256.to_string(),
                    source,
                }
            }
        })
    }

    /// Removes a blob this command created, when the command's transaction failed.
    pub fn take_back(&self, stored: &Stored) {
        if stored.created {
            if let Ok(path) = self.path_of(&stored.sha256) {
                let _ = fs::remove_file(path);
            }
        }
    }

    /// Every blob file, as (name from its path, path), in no particular order.
    /// Files that do not look like blobs are returned with `None` as their name.
    pub fn list(&self) -> io::Result<Vec<(Option<String>, PathBuf)>> {
        let mut out = Vec::new();
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e),
        };
        for fan in entries {
            let fan = fan?;
            let fan_name = fan.file_name().to_string_lossy().into_owned();
            if !fan.file_type()?.is_dir() {
                out.push((None, fan.path()));
                continue;
            }
            for file in fs::read_dir(fan.path())? {
                let file = file?;
                let name = format!("{fan_name}{}", file.file_name().to_string_lossy());
                let looks_right = fan_name.len() == 2 && is_sha256_hex(&name);
                out.push((looks_right.then_some(name), file.path()));
            }
        }
        Ok(out)
    }
}

/// Blobs up to this size are hashed in memory before they are written.
const SMALL: usize = 1 << 20;

fn check_length(expected: Option<u64>, got: u64) -> Result<(), BlobError> {
    match expected {
        Some(expected) if expected != got => Err(BlobError::Length { expected, got }),
        _ => Ok(()),
    }
}

/// Streams a file through SHA-256.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(hex(&hasher.finalize()))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Makes a rename durable. Best effort: some filesystems refuse to fsync a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_once_by_hash_and_reads_back_verified() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("objects"));
        let a = store.put_bytes(b"hello").unwrap();
        assert_eq!(
            a.sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert!(a.created);
        let again = store.put_bytes(b"hello").unwrap();
        assert!(!again.created);
        assert_eq!(store.read_verified(&a.sha256).unwrap(), b"hello");
        // One blob, and no temp file survives the write.
        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].0.as_deref(), Some(a.sha256.as_str()));
    }

    #[test]
    fn a_deferring_store_writes_the_same_blobs_and_syncs_them_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("objects"));
        let batch = store.deferring_sync();
        assert_eq!(batch.deferred, cfg!(target_os = "linux"));
        let a = batch.put_bytes(b"captured page").unwrap();
        assert!(a.created);
        batch.sync().unwrap();
        // The ordinary store sees the very same blob: nothing else is written.
        assert!(!store.put_bytes(b"captured page").unwrap().created);
        assert_eq!(store.read_verified(&a.sha256).unwrap(), b"captured page");
        assert!(!store.deferred);
        store.sync().unwrap();
    }

    #[test]
    fn small_and_large_blobs_are_whole_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("objects"));
        let large: Vec<u8> = (0..SMALL + 1).map(|i| (i % 251) as u8).collect();
        for bytes in [&large[..SMALL], &large[..]] {
            // A body shorter than declared is refused on either path.
            let short = store.put_reader_expecting(bytes, Some(bytes.len() as u64 + 1));
            assert!(matches!(short, Err(BlobError::Length { .. })), "{short:?}");
            let stored = store
                .put_reader_expecting(bytes, Some(bytes.len() as u64))
                .unwrap();
            assert_eq!(stored.size, bytes.len() as u64);
            assert_eq!(store.read_verified(&stored.sha256).unwrap(), bytes);
        }
        // Only the two blobs: no temp file is left in objects/tmp or a fan-out folder.
        let names: Vec<Option<String>> =
            store.list().unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().all(Option::is_some), "{names:?}");
    }

    #[test]
    fn a_changed_byte_is_caught_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let s = store.put_bytes(b"the 36th report").unwrap();
        fs::write(store.path_of(&s.sha256).unwrap(), b"the 37th report").unwrap();
        assert!(matches!(
            store.read_verified(&s.sha256),
            Err(BlobError::Corrupt { .. })
        ));
    }

    #[test]
    fn take_back_removes_only_what_this_call_created() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let first = store.put_bytes(b"x").unwrap();
        let second = store.put_bytes(b"x").unwrap();
        store.take_back(&second);
        assert!(store.contains(&first.sha256));
        store.take_back(&first);
        assert!(!store.contains(&first.sha256));
    }
}
