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
pub mod ids;
pub mod import;
pub mod review;
pub mod store;
pub mod time;
pub mod verify;
pub mod workspace;
