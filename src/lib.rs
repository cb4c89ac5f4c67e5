//! claimtrail: a fact-checking and source-provenance tracker.
//!
//! The library holds everything; `main.rs` only parses the command line and maps
//! the result to an exit code. Modules own one concern each: `store` is the only
//! one that speaks SQL, `blobs` the only one that writes objects, `anchor` the
//! quote matching, `audit` the hash chain, `cli` the commands and their output.

pub mod actor;
pub mod anchor;
pub mod audit;
pub mod blobs;
pub mod cli;
pub mod extract;
pub mod fetch;
pub mod ids;
pub mod import;
pub mod review;
pub mod store;
pub mod time;
pub mod verify;
pub mod workspace;

/// An io::Error in words, without Rust's `Os { code: … }` dressing.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        std::io::ErrorKind::NotADirectory => "a part of the path is a file, not a folder".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

pub mod drift;
pub mod export;
pub mod figures;
pub mod merkle;
pub mod suggest;

#[cfg(test)]
mod hostile_tests;
