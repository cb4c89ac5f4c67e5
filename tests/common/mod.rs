//! Helpers shared by the integration tests.

pub mod server;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const ARTICLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/article.txt");
pub const CLAIMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims.json");

/// A temporary folder in which to run claimtrail.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    /// A folder with no workspace.
    pub fn bare() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A folder with an initialised workspace.
    pub fn new() -> Env {
        let env = Env::bare();
        env.ok(&["init"]);
        env
    }

    /// A workspace holding the fixture article as D1.
    pub fn with_article() -> Env {
        let env = Env::new();
        env.ok(&["doc", "add", ARTICLE, "--title", "Seed article"]);
        env
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn root(&self) -> PathBuf {
        self.path().join(".claimtrail")
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("claimtrail").unwrap();
        c.current_dir(self.path())
            .env("CLAIMTRAIL_USER", "tester")
            .env("NO_COLOR", "1")
            // Never pick up a real signing key from the machine's home folder.
            .env("CLAIMTRAIL_KEY", self.path().join("no-signing-key"))
            .env_remove("CLAIMTRAIL_DIR");
        c
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "claimtrail {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs with --json and expects success; returns the parsed value.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
    }

    /// Runs and expects the exit code `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "claimtrail {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            !stderr.contains("panicked"),
            "a panic reached the user:\n{stderr}"
        );
        assert!(
            !stderr.contains("os error"),
            "a bare OS error reached the user:\n{stderr}"
        );
        stderr
    }

    /// Writes a file in the folder and returns its path as a string.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, contents).unwrap();
        p.display().to_string()
    }

    /// The number of events on the chain.
    pub fn event_count(&self) -> usize {
        self.json(&["audit", "log"]).as_array().unwrap().len()
    }

    /// Every file under objects/, sorted: to show that nothing was written.
    pub fn objects(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.root().join("objects"), &mut out);
        out.sort();
        out
    }

    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.root().join("claimtrail.db")).unwrap()
    }
}

/// A plain process running claimtrail in `dir` as `user`, for tests that spawn,
/// kill or time it (assert_cmd's `Command` only runs to completion). Like
/// `Env::cmd`, it never picks up a real signing key.
/// The `(kind, subject)` of each problem in an `audit verify --json` report.
pub fn problems_in(report: &Value) -> Vec<(String, String)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_string(),
                p["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The string `key` of each row of a JSON array.
pub fn strings<'a>(rows: &'a Value, key: &str) -> Vec<&'a str> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap())
        .collect()
}

pub fn process(dir: &Path, user: &str) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("claimtrail"));
    c.current_dir(dir)
        .env("CLAIMTRAIL_USER", user)
        .env("NO_COLOR", "1")
        .env("CLAIMTRAIL_KEY", dir.join("no-signing-key"))
        .env_remove("CLAIMTRAIL_DIR");
    c
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p.display().to_string());
        }
    }
}

pub fn article_text() -> String {
    std::fs::read_to_string(ARTICLE).unwrap()
}

/// Characters `start..end` of `text`.
pub fn chars(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}
