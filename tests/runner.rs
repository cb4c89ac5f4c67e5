//! The integration tests: one binary, one module per command family. Each test
//! runs the real `claimtrail` binary in a fresh temporary workspace.

mod common;
mod test_audit;
mod test_claim;
mod test_demo;
mod test_doc;
mod test_export;
mod test_import;
mod test_init;
mod test_integrity;
mod test_reliability;
mod test_review;
mod test_source;
mod test_suggest;
