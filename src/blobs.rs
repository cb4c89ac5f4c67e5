//! The content-addressed blob store under `.claimtrail/objects/`.
//!
//! Every stored byte string — an article, a snapshot body, an extracted text — lives
//! once at `objects/ab/cdef…`, named by the SHA-256 of its bytes, as git stores
//! objects. A write goes to a temp file, is fsynced and renamed into place, so a
//! reader never sees a partial blob and a failed write leaves nothing behind. Up to
//! 1 MiB is hashed in memory first and its temp file made in the blob's own folder;
//! a larger stream goes through `objects/tmp/`, hashed as it is written. (A batch
//! capture stages its blobs and makes a whole batch durable at once: see
//! [`BlobStore::staging`].) Reads can re-hash to prove the bytes are whole.

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
    /// Written but not yet in place: the temp file a staging store leaves for
    /// [`BlobStore::publish`] to make durable and rename.
    pub staged: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    /// Set for a batch capture: blobs are staged, then published together (see
    /// [`BlobStore::staging`]).
    staging: Option<Arc<SyncRoot>>,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BlobStore {
            root: root.into(),
            staging: None,
        }
    }

    /// The same store, for capturing many sources at once. Instead of an fsync
    /// of each blob and of its folder (about four per captured page), a write
    /// leaves its temp file in place ([`Stored::staged`]), and
    /// [`BlobStore::publish`] makes a whole batch durable with one syncfs(2),
    /// renames the files into place and syncs again, before the batch is
    /// recorded. A blob's name never appears before its bytes are on disk. Only
    /// on Linux 5.17 or later and filesystems known to honour syncfs (ext4, XFS,
    /// Btrfs, F2FS, tmpfs); elsewhere (an older kernel, a network or FUSE mount,
    /// where syncfs may not report or reach the disk) every write is fsynced and
    /// renamed at once, as usual.
    pub fn staging(&self) -> BlobStore {
        BlobStore {
            root: self.root.clone(),
            staging: SyncRoot::open(&self.root).map(Arc::new),
        }
    }

    /// Puts staged blobs in place, durably: syncfs (their bytes), a rename each,
    /// syncfs (their names and those of blobs found already stored). A blob some
    /// other write put in place meanwhile is kept, and this copy dropped
    /// (`created` turns false). On an error, what is still staged stays staged,
    /// for [`BlobStore::take_back`].
    pub fn publish(&self, stored: &mut [&mut Stored]) -> io::Result<()> {
        let Some(root) = &self.staging else {
            return Ok(());
        };
        root.syncfs()?;
        for s in stored.iter_mut() {
            let Some(tmp) = s.staged.clone() else {
                continue;
            };
            let dest = self.path_of(&s.sha256).map_err(io::Error::other)?;
            if dest.is_file() {
                fs::remove_file(&tmp)?;
                freshen(&dest);
                s.created = false;
            } else {
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::rename(&tmp, &dest)?;
            }
            s.staged = None;
        }
        root.syncfs()
    }

    /// A temp file's bytes are on disk and its name in place, unless this store
    /// stages (then [`BlobStore::publish`] does both later): `Some(path)` is
    /// the staged temp file.
    fn finish(&self, tmp: tempfile::NamedTempFile, dest: &Path) -> io::Result<Option<PathBuf>> {
        if self.staging.is_some() {
            return Ok(Some(tmp.into_temp_path().keep().map_err(|e| e.error)?));
        }
        tmp.as_file().sync_all()?;
        let parent = dest.parent().expect("blob path has a fan-out directory");
        let tmp = match tmp.persist(dest) {
            Ok(_) => None,
            Err(e) if e.error.kind() == io::ErrorKind::NotFound => Some(e.file),
            Err(e) => return Err(e.error),
        };
        if let Some(tmp) = tmp {
            fs::create_dir_all(parent)?;
            sync_dir(&self.root);
            tmp.persist(dest).map_err(|e| e.error)?;
        }
        sync_dir(parent);
        Ok(None)
    }

    /// A blob found already stored: its bytes are durable (names appear only
    /// after them), and its name is made so before anything refers to it (a
    /// staging store leaves that to [`BlobStore::publish`]). It is freshened, so
    /// that `gc` does not take it as an old orphan before the row naming it is in.
    fn found(&self, dest: &Path) {
        freshen(dest);
        if self.staging.is_none() {
            sync_dir(dest.parent().expect("blob path has a fan-out directory"));
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
        if dest.is_file() {
            self.found(&dest);
            return Ok(Stored {
                sha256,
                size,
                created: false,
                staged: None,
            });
        }
        let staged = self.finish(tmp, &dest).map_err(write_err)?;
        Ok(Stored {
            sha256,
            size,
            created: true,
            staged,
        })
    }

    /// Writes bytes already in memory: hashed first, then written to a temp file
    /// in the blob's own fan-out folder and renamed into place.
    fn put_small(&self, bytes: &[u8]) -> io::Result<Stored> {
        let sha256 = sha256_hex(bytes);
        let dest = self.path_of(&sha256).map_err(io::Error::other)?;
        let stored = |created, staged| Stored {
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            created,
            staged,
        };
        if dest.is_file() {
            self.found(&dest);
            return Ok(stored(false, None));
        }
        let parent = dest.parent().expect("blob path has a fan-out directory");
        let make_tmp = || tempfile::Builder::new().prefix(".tmp-").tempfile_in(parent);
        let mut tmp = match make_tmp() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(parent)?;
                // The new folder's own name, durable before a blob is put in it.
                sync_dir(&self.root);
                make_tmp()?
            }
            made => made?,
        };
        tmp.write_all(bytes)?;
        let staged = self.finish(tmp, &dest)?;
        Ok(stored(true, staged))
    }

    /// Reads what `put` stored, staged or in place, and checks its hash.
    pub fn read_stored(&self, stored: &Stored) -> Result<Vec<u8>, BlobError> {
        let Some(path) = &stored.staged else {
            return self.read_verified(&stored.sha256);
        };
        let bytes = fs::read(path).map_err(|source| BlobError::Read {
            hash: stored.sha256.clone(),
            source,
        })?;
        let actual = sha256_hex(&bytes);
        if actual != stored.sha256 {
            return Err(BlobError::Corrupt {
                expected: stored.sha256.clone(),
                actual,
            });
        }
        Ok(bytes)
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
        if let Some(tmp) = &stored.staged {
            let _ = fs::remove_file(tmp);
            return;
        }
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

/// The folder whose filesystem a staging store syncs, held open for the whole
/// batch. Linux reports a writeback error to one syncfs only (through the handle
/// that asks), so after a failure every later sync fails too, and nothing written
/// since is trusted. Only from Linux 5.17 does syncfs report every failure to
/// write back, so older kernels are not trusted with it.
#[derive(Debug)]
struct SyncRoot {
    folder: File,
    failed: std::sync::Mutex<Option<String>>,
}

impl SyncRoot {
    /// `None` where syncfs cannot be trusted to reach the disk.
    #[cfg(target_os = "linux")]
    fn open(root: &Path) -> Option<SyncRoot> {
        const TRUSTED: [u64; 5] = [
            0xEF53,      // ext2/3/4
            0x5846_5342, // XFS
            0x9123_683E, // Btrfs
            0xF2F5_2010, // F2FS
            0x0102_1994, // tmpfs
        ];
        // Before 5.17, syncfs could succeed when writing back had failed.
        let release = rustix::system::uname()
            .release()
            .to_string_lossy()
            .into_owned();
        let mut version = release
            .split(['.', '-'])
            .map_while(|n| n.parse::<u32>().ok());
        if (version.next()?, version.next()?) < (5, 17) {
            return None;
        }
        fs::create_dir_all(root).ok()?;
        let folder = File::open(root).ok()?;
        let kind = rustix::fs::fstatfs(&folder).ok()?.f_type as u64;
        TRUSTED.contains(&kind).then(|| SyncRoot {
            folder,
            failed: Default::default(),
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn open(_: &Path) -> Option<SyncRoot> {
        None
    }

    fn syncfs(&self) -> io::Result<()> {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(why) = &*failed {
            return Err(io::Error::other(why.clone()));
        }
        #[cfg(target_os = "linux")]
        if let Err(e) = rustix::fs::syncfs(&self.folder) {
            let e = io::Error::from(e);
            *failed = Some(format!("syncfs failed: {}", crate::describe_io(&e)));
            return Err(e);
        }
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

/// Marks a blob as just stored (its modification time), as git freshens an object
/// it finds already written: `gc` spares files younger than its grace period.
/// Best effort.
fn freshen(blob: &Path) {
    if let Ok(f) = File::open(blob) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
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
    fn staged_blobs_appear_only_when_published() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("objects"));
        let batch = store.staging();
        // (On a filesystem that cannot be trusted with syncfs, nothing is staged
        // and the store writes as usual; the checks below hold either way.)
        let large: Vec<u8> = (0..SMALL + 10).map(|i| (i % 253) as u8).collect();
        let mut stored: Vec<Stored> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|w| {
                    let (batch, large) = (&batch, &large);
                    s.spawn(move || {
                        let mut out: Vec<Stored> = (0..10)
                            .map(|i| batch.put_bytes(format!("page {w}-{i}").as_bytes()).unwrap())
                            .collect();
                        // Every worker stages the same bytes too, small and large.
                        out.push(batch.put_bytes(b"shared").unwrap());
                        out.push(batch.put_reader(&large[..]).unwrap());
                        out
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        if batch.staging.is_some() {
            // Staged: readable through what put returned, not yet under its name.
            assert!(stored.iter().all(|s| s.staged.is_some()));
            assert_eq!(batch.read_stored(&stored[0]).unwrap(), b"page 0-0");
            assert!(!store.contains(&stored[0].sha256));
        }
        // A capture given up before publishing leaves nothing behind.
        let dropped = batch.put_bytes(b"never recorded").unwrap();
        batch.take_back(&dropped);

        let mut refs: Vec<&mut Stored> = stored.iter_mut().collect();
        batch.publish(&mut refs).unwrap();
        for s in &stored {
            assert!(s.staged.is_none());
            assert_eq!(store.read_verified(&s.sha256).unwrap().len() as u64, s.size);
        }
        // Each shared blob was created by one worker only; the others' copies went.
        let created = |bytes: &[u8]| {
            let hash = sha256_hex(bytes);
            stored
                .iter()
                .filter(|s| s.sha256 == hash && s.created)
                .count()
        };
        assert_eq!((created(b"shared"), created(&large)), (1, 1));
        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 40 + 2, "{listed:?}");
        assert!(listed.iter().all(|(name, _)| name.is_some()), "{listed:?}");
    }

    #[test]
    fn a_blob_found_already_stored_is_freshened_for_gc() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("objects"));
        let a = store.put_bytes(b"old page").unwrap();
        let path = store.path_of(&a.sha256).unwrap();
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
        File::open(&path).unwrap().set_modified(long_ago).unwrap();
        assert!(!store.put_bytes(b"old page").unwrap().created);
        let age = fs::metadata(&path)
            .unwrap()
            .modified()
            .unwrap()
            .elapsed()
            .unwrap();
        assert!(age.as_secs() < 3600, "still {age:?} old");
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
