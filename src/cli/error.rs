//! The one error type at the command-line boundary.
//!
//! Library modules return precise error enums; the `From` impls here decide whose
//! fault each is (the user's input or data: exit 1; the command line: exit 2; the
//! network, disk or operating system: exit 3) and which hint helps. `main` only
//! prints the message and the hints and exits with `exit_code()`.

use crate::actor::ActorError;
use crate::anchor::AnchorError;
use crate::blobs::BlobError;
pub use crate::describe_io;
use crate::extract::ExtractError;
use crate::fetch::FetchError;
use crate::ids::BadId;
use crate::import::ImportError;
use crate::review::BadStatus;
use crate::store::StoreError;
use crate::workspace::WorkspaceError;
use std::fmt;
use std::io;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The user's input or the recorded data is wrong (exit 1).
    User,
    /// The command line itself is wrong (exit 2).
    Usage,
    /// A network, disk or operating-system failure (exit 3).
    Io,
    /// stdout was closed by the reader (`| head`): not a failure (exit 0).
    BrokenPipe,
    /// A bug in claimtrail (exit 1, with a request to report it).
    Internal,
}

#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
}

impl CliError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn user(message: impl Into<String>) -> Self {
        CliError::new(Kind::User, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(Kind::Usage, message)
    }

    pub fn io(message: impl Into<String>) -> Self {
        CliError::new(Kind::Io, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Prefixes the message with what was being done.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::User | Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::Io => 3,
            Kind::BrokenPipe => 0,
        }
    }

    /// An I/O error on a named file or folder.
    pub fn file(path: &std::path::Path, action: &str, e: io::Error) -> Self {
        let kind = match e.kind() {
            io::ErrorKind::NotFound
            | io::ErrorKind::NotADirectory
            | io::ErrorKind::IsADirectory
            | io::ErrorKind::InvalidInput
            | io::ErrorKind::InvalidData => Kind::User,
            _ => Kind::Io,
        };
        CliError::new(
            kind,
            format!("cannot {action} {}: {}", path.display(), describe_io(&e)),
        )
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return CliError::new(Kind::BrokenPipe, "broken pipe");
        }
        CliError::io(describe_io(&e))
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::ReadOnly => CliError::io(message)
                .hint("check the permissions of the .claimtrail folder and claimtrail.db"),
            StoreError::Busy => CliError::io(message).hint("try again when the other command ends"),
            StoreError::DiskFull => CliError::io(message),
            StoreError::Open(_) => CliError::io(message)
                .hint("claimtrail needs to write in the .claimtrail folder even to read (SQLite's WAL files)"),
            StoreError::TooNew { .. } => CliError::user(message),
            StoreError::NotADatabase(_) => CliError::user(message),
            StoreError::Sqlite(_) => CliError::new(Kind::Internal, message),
        }
    }
}

impl From<WorkspaceError> for CliError {
    fn from(e: WorkspaceError) -> Self {
        let message = e.to_string();
        match e {
            WorkspaceError::NotFound(_) | WorkspaceError::NotAt(_) => CliError::user(message)
                .hint("make one with `claimtrail init`, or point at one with --dir PATH or CLAIMTRAIL_DIR"),
            WorkspaceError::Exists(_) => {
                CliError::user(message).hint("nothing was changed; use the workspace that is there")
            }
            WorkspaceError::InTheWay(_) => {
                CliError::user(message).hint("move it away, then run `claimtrail init` again")
            }
            WorkspaceError::Create { source, .. } => match source.kind() {
                io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => CliError::user(message),
                _ => CliError::io(message),
            },
            WorkspaceError::Store(s) => s.into(),
        }
    }
}

impl From<BlobError> for CliError {
    fn from(e: BlobError) -> Self {
        let message = e.to_string();
        match e {
            BlobError::Write { .. }
            | BlobError::Read { .. }
            | BlobError::Source(_)
            | BlobError::Length { .. } => CliError::io(message),
            BlobError::Missing { .. } | BlobError::Corrupt { .. } => CliError::user(message)
                .hint("run `claimtrail audit verify` to check the whole workspace"),
            BlobError::BadHash(_) => CliError::new(Kind::Internal, message),
        }
    }
}

impl From<FetchError> for CliError {
    fn from(e: FetchError) -> Self {
        if e.is_io() {
            CliError::io(e.to_string())
        } else {
            CliError::user(e.to_string())
        }
    }
}

macro_rules! user_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::user(e.to_string())
            }
        }
    )*};
}

user_errors!(AnchorError, BadId, BadStatus, ExtractError, ActorError);

impl From<ImportError> for CliError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Read { .. } => CliError::io(e.to_string()),
            e => CliError::user(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_read_as_words() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(describe_io(&e), "no such file or folder");
        let err = CliError::file(std::path::Path::new("/x/a.txt"), "read", e);
        assert_eq!(err.message, "cannot read /x/a.txt: no such file or folder");
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(CliError::from(StoreError::ReadOnly).exit_code(), 3);
        assert_eq!(CliError::from(StoreError::Busy).exit_code(), 3);
        assert_eq!(CliError::usage("x").exit_code(), 2);
        assert_eq!(
            CliError::from(io::Error::from(io::ErrorKind::BrokenPipe)).exit_code(),
            0
        );
    }
}
