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
use std::sync::Arc;

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
    /// For a batch capture: writers share syncfs calls instead of fsyncing each
    /// file and folder (see [`BlobStore::deferring_sync`]).
    group: Option<Arc<SyncGroup>>,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BlobStore {
            root: root.into(),
            group: None,
        }
    }

    /// The same store, for many writers at once: instead of an fsync of each
    /// blob and of its folder (about four per captured page), each writer waits
    /// for one syncfs(2) that began after its write, shared with every other
    /// writer waiting then, and only then renames its blob into place. A blob's
    /// name never appears before its bytes are on disk; the renames themselves
    /// are made durable by [`BlobStore::sync`], which the caller runs before it
    /// records anything. Only on Linux filesystems known to honour syncfs (ext4,
    /// XFS, Btrfs, F2FS, tmpfs); elsewhere (a network or FUSE mount, where
    /// syncfs may not reach the disk) every write is still fsynced itself.
    pub fn deferring_sync(&self) -> BlobStore {
        BlobStore {
            root: self.root.clone(),
            group: SyncGroup::open(&self.root).map(Arc::new),
        }
    }

    /// Makes every write so far durable, renames included: one syncfs of the
    /// store's filesystem. Nothing to do for a store that syncs each write.
    pub fn sync(&self) -> io::Result<()> {
        match &self.group {
            Some(group) => group.wait(),
            None => Ok(()),
        }
    }

    /// Makes a written temp file's bytes durable before it is renamed into place.
    fn make_durable(&self, tmp: &File) -> io::Result<()> {
        match &self.group {
            Some(group) => group.wait(),
            None => tmp.sync_all(),
        }
    }

    /// Makes a blob's name durable before anything refers to it (a grouped store
    /// leaves that to [`BlobStore::sync`]).
    fn name_durable(&self, folder: &Path) {
        if self.group.is_none() {
            sync_dir(folder);
        }
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
        let parent = dest.parent().expect("blob path has a fan-out directory");
        if dest.is_file() {
            // Written by someone else, bytes already durable; its name may not be yet.
            self.name_durable(parent);
            return Ok(Stored {
                sha256,
                size,
                created: false,
            });
        }
        self.make_durable(tmp.as_file()).map_err(write_err)?;
        let tmp = match tmp.persist(&dest) {
            Ok(_) => None,
            Err(e) if e.error.kind() == io::ErrorKind::NotFound => Some(e.file),
            Err(e) => return Err(write_err(e.error)),
        };
        if let Some(tmp) = tmp {
            fs::create_dir_all(parent).map_err(write_err)?;
            tmp.persist(&dest).map_err(|e| write_err(e.error))?;
        }
        self.name_durable(parent);
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
        let parent = dest.parent().expect("blob path has a fan-out directory");
        if dest.is_file() {
            self.name_durable(parent);
            return Ok(stored(false));
        }
        let make_tmp = || tempfile::Builder::new().prefix(".tmp-").tempfile_in(parent);
        let mut tmp = match make_tmp() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(parent)?;
                make_tmp()?
            }
            made => made?,
        };
        tmp.write_all(bytes)?;
        self.make_durable(tmp.as_file())?;
        tmp.persist(&dest).map_err(|e| e.error)?;
        self.name_durable(parent);
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

/// Writers sharing syncfs(2) calls: a writer waits for a syncfs that began after
/// its write (one may be running already; the next serves everyone waiting
/// then). Linux reports a writeback error to one syncfs only, so after a failure
/// every later wait fails too, and nothing written since is trusted. (Kernels
/// before 5.8 do not report writeback errors to syncfs at all.)
#[derive(Debug)]
struct SyncGroup {
    /// Held open for the whole batch, so an error is seen through this handle.
    root: File,
    state: std::sync::Mutex<SyncState>,
    finished: std::sync::Condvar,
}

#[derive(Debug, Default)]
struct SyncState {
    started: u64,
    finished: u64,
    running: bool,
    failed: Option<String>,
}

impl SyncGroup {
    /// `None` where syncfs cannot be trusted to reach the disk.
    #[cfg(target_os = "linux")]
    fn open(root: &Path) -> Option<SyncGroup> {
        const TRUSTED: [u64; 5] = [
            0xEF53,      // ext2/3/4
            0x5846_5342, // XFS
            0x9123_683E, // Btrfs
            0xF2F5_2010, // F2FS
            0x0102_1994, // tmpfs
        ];
        fs::create_dir_all(root).ok()?;
        let root = File::open(root).ok()?;
        let kind = rustix::fs::fstatfs(&root).ok()?.f_type as u64;
        TRUSTED.contains(&kind).then(|| SyncGroup {
            root,
            state: Default::default(),
            finished: Default::default(),
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn open(_: &Path) -> Option<SyncGroup> {
        None
    }

    fn wait(&self) -> io::Result<()> {
        let lock = || self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut state = lock();
        let needed = state.started + 1;
        loop {
            if let Some(failed) = &state.failed {
                return Err(io::Error::other(failed.clone()));
            }
            if state.finished >= needed {
                return Ok(());
            }
            if state.running {
                state = self.finished.wait(state).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            state.running = true;
            state.started += 1;
            let this = state.started;
            drop(state);
            let result = self.syncfs();
            state = lock();
            state.running = false;
            state.finished = this;
            if let Err(e) = result {
                state.failed = Some(format!("syncfs failed: {}", crate::describe_io(&e)));
            }
            self.finished.notify_all();
        }
    }

    #[cfg(target_os = "linux")]
    fn syncfs(&self) -> io::Result<()> {
        Ok(rustix::fs::syncfs(&self.root)?)
    }

    #[cfg(not(target_os = "linux"))]
    fn syncfs(&self) -> io::Result<()> {
        Ok(())
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
    fn writers_sharing_syncs_store_every_blob_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("objects"));
        let batch = store.deferring_sync();
        #[cfg(target_os = "linux")]
        assert!(batch.group.is_some(), "a local test folder honours syncfs");
        let stored: Vec<Stored> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..8)
                .map(|w| {
                    let batch = &batch;
                    s.spawn(move || {
                        (0..20)
                            .map(|i| batch.put_bytes(format!("page {w}-{i}").as_bytes()).unwrap())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        batch.sync().unwrap();
        assert_eq!(stored.len(), 160);
        for s in &stored {
            assert!(s.created);
            store.read_verified(&s.sha256).unwrap();
        }
        // The ordinary store sees the very same blobs, and no temp file is left.
        assert!(!store.put_bytes(b"page 3-7").unwrap().created);
        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 160);
        assert!(listed.iter().all(|(name, _)| name.is_some()), "{listed:?}");
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
