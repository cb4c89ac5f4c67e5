//! Finding, making and opening a workspace: `.claimtrail/` with `claimtrail.db`
//! and `objects/`.
//!
//! Commands look for the workspace like git looks for `.git`: in the current
//! folder, then each parent. `--dir PATH` (or `CLAIMTRAIL_DIR`) names it directly.
//! Nothing here creates a database except `init`.

use crate::blobs::BlobStore;
use crate::store::{Store, StoreError};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub const DIR_NAME: &str = ".claimtrail";
pub const DB_NAME: &str = "claimtrail.db";
pub const OBJECTS: &str = "objects";

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("no claimtrail workspace in {} or any folder above it", .0.display())]
    NotFound(PathBuf),
    #[error("no claimtrail workspace at {}", .0.display())]
    NotAt(PathBuf),
    #[error("a claimtrail workspace already exists at {}", .0.display())]
    Exists(PathBuf),
    #[error("{} already exists but is not a claimtrail workspace (it holds no {DB_NAME})", .0.display())]
    InTheWay(PathBuf),
    #[error("cannot create the workspace at {}: {}", .path.display(), crate::describe_io(.source))]
    Create { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Workspace {
    /// The `.claimtrail` folder.
    pub root: PathBuf,
    pub store: Store,
    pub blobs: BlobStore,
}

impl Workspace {
    /// Makes `PATH/.claimtrail/`. Refuses, touching nothing, if one is there.
    pub fn init(path: &Path) -> Result<Workspace, WorkspaceError> {
        let root = path.join(DIR_NAME);
        if root.join(DB_NAME).exists() {
            return Err(WorkspaceError::Exists(root));
        }
        if root.exists() {
            return Err(WorkspaceError::InTheWay(root));
        }
        let create_err = |source| WorkspaceError::Create {
            path: root.clone(),
            source,
        };
        fs::create_dir_all(path).map_err(create_err)?;
        // Build in a temp folder beside it and rename, so a failed init leaves
        // no half-made workspace that later commands would find.
        let staging = tempfile::Builder::new()
            .prefix(".claimtrail-init-")
            .tempdir_in(path)
            .map_err(create_err)?;
        fs::create_dir(staging.path().join(OBJECTS)).map_err(create_err)?;
        drop(Store::create(&staging.path().join(DB_NAME))?);
        fs::rename(staging.path(), &root).map_err(create_err)?;
        // The staging folder is gone (renamed); keep its guard from deleting anything.
        let _ = staging.keep();
        Workspace::open(&root)
    }

    /// Opens the workspace whose `.claimtrail` folder is `root`.
    pub fn open(root: &Path) -> Result<Workspace, WorkspaceError> {
        let db = root.join(DB_NAME);
        if !db.is_file() {
            return Err(WorkspaceError::NotAt(root.to_path_buf()));
        }
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Ok(Workspace {
            store: Store::open(&root.join(DB_NAME))?,
            blobs: BlobStore::new(root.join(OBJECTS)),
            root,
        })
    }

    /// Removes a blob that a failed command added, unless a row now refers to it
    /// (another writer may have stored the same bytes meanwhile). A staged temp
    /// file, never put in place, is always removed.
    pub fn take_back(&self, stored: &crate::blobs::Stored) {
        let unreferenced = || {
            !self
                .store
                .blob_is_referenced(&stored.sha256)
                .unwrap_or(true)
        };
        if stored.staged.is_some() || (stored.created && unreferenced()) {
            self.blobs.take_back(stored);
        }
    }

    /// Finds the workspace: `dir` if given (the folder holding `.claimtrail`, or
    /// the `.claimtrail` folder itself), else by walking up from `cwd`.
    pub fn locate(dir: Option<&Path>, cwd: &Path) -> Result<PathBuf, WorkspaceError> {
        if let Some(dir) = dir {
            let candidates = [dir.join(DIR_NAME), dir.to_path_buf()];
            return candidates
                .into_iter()
                .find(|c| c.join(DB_NAME).is_file())
                .ok_or_else(|| WorkspaceError::NotAt(dir.to_path_buf()));
        }
        cwd.ancestors()
            .map(|a| a.join(DIR_NAME))
            .find(|c| c.join(DB_NAME).is_file())
            .ok_or_else(|| WorkspaceError::NotFound(cwd.to_path_buf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_locate_from_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        Workspace::init(dir.path()).unwrap();
        let deep = dir.path().join("a/b");
        fs::create_dir_all(&deep).unwrap();
        let found = Workspace::locate(None, &deep).unwrap();
        assert_eq!(found, dir.path().join(DIR_NAME));
        assert!(found.join(OBJECTS).is_dir());
        // Only the workspace is left in the folder: no staging leftovers.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn taking_back_a_staged_copy_removes_it_but_never_a_recorded_blob() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::init(dir.path()).unwrap();
        let kept = ws.blobs.put_bytes(b"recorded text").unwrap();
        ws.store
            .write("tester", |w| {
                w.add_text(&crate::store::NewText {
                    sha256: &kept.sha256,
                    chars: 13,
                    extractor: "plain",
                    extractor_version: "1",
                })
            })
            .unwrap();
        // A batch capture stages the same bytes, then fails to record them.
        let staged = ws.blobs.staging().put_bytes(b"recorded text").unwrap();
        ws.take_back(&staged);
        ws.take_back(&kept);
        assert!(
            ws.blobs.read_verified(&kept.sha256).is_ok(),
            "a row refers to it"
        );
        let left: Vec<_> = ws.blobs.list().unwrap();
        assert_eq!(left.len(), 1, "no temp file is left: {left:?}");
    }

    #[test]
    fn init_refuses_an_existing_workspace() {
        let dir = tempfile::tempdir().unwrap();
        Workspace::init(dir.path()).unwrap();
        assert!(matches!(
            Workspace::init(dir.path()),
            Err(WorkspaceError::Exists(_))
        ));
    }

    #[test]
    fn locate_outside_a_workspace_fails_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Workspace::locate(None, dir.path()),
            Err(WorkspaceError::NotFound(_))
        ));
        assert!(matches!(
            Workspace::locate(Some(dir.path()), dir.path()),
            Err(WorkspaceError::NotAt(_))
        ));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
