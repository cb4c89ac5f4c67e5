//! Faults, load and bad input: a killed process, four writers at once, and text
//! that tries to break tables. Nothing lost, nothing half-written.

use crate::common::server::{Reply, Server};
use crate::common::{process, Env};
use serde_json::Value;
use sha2::Digest;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small deterministic generator (no dependency for ten lines).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn count(env: &Env, table: &str) -> i64 {
    env.db()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// After every kill: verify is clean but for orphan warnings, and SQLite says ok.
fn assert_whole(env: &Env, round: usize) {
    let out = env
        .cmd()
        .args(["--json", "audit", "verify"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true, "round {round}: {v}");
    let ok: String = env
        .db()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "round {round}");
}

#[test]
fn four_writers_at_once_lose_and_duplicate_nothing() {
    let env = Env::with_article();
    let note = env.write(
        "note.txt",
        "SYNTHETIC TEST FIXTURE: 836 protest notes and 13 formal demarches.\n",
    );
    env.ok(&["source", "add", &note]);
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
        "--text",
        "Pakistan sent 836 protest notes",
    ]);
    let base_events = count(&env, "events");
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let dir = env.path().to_path_buf();
            std::thread::spawn(move || {
                let run = |args: &[String]| {
                    let out = process(&dir, &format!("writer{w}"))
                        .args(args)
                        .output()
                        .unwrap();
                    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
                    assert!(!stderr.contains("locked") && !stderr.contains("busy"), "writer {w}: {stderr}");
                    out.status.success()
                };
                let mut evidence = 0;
                for batch in 0..5 {
                    let claims: Vec<Value> = (0..100)
                        .map(|i| serde_json::json!({"text": format!("writer {w} claim {}", batch * 100 + i), "tags": ["load"]}))
                        .collect();
                    let file = dir.join(format!("w{w}b{batch}.json"));
                    std::fs::write(&file, serde_json::to_string(&claims).unwrap()).unwrap();
                    assert!(run(&["claim".into(), "import".into(), file.display().to_string()]), "writer {w} import");
                    let args: Vec<String> = ["evidence", "add", "C1", "S1", "--stance", "supports", "--quote", "836 protest notes"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                    assert!(run(&args), "writer {w} evidence");
                    evidence += 1;
                    // Verdicts on the shared claim: some lose the race ("already"), none may hit a lock.
                    let _ = run(&["review".into(), "C1".into(), "in-review".into()]);
                    let _ = run(&["review".into(), "C1".into(), "verified".into(), "--note".into(), format!("writer {w} agrees")]);
                }
                evidence
            })
        })
        .collect();
    let evidence: i64 = workers.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(count(&env, "claims"), 1 + 2000);
    assert_eq!(count(&env, "evidence"), evidence);
    let (adds, imports, imported): (i64, i64, i64) = env
        .db()
        .query_row(
            "SELECT (SELECT count(*) FROM events WHERE action = 'claim.add'),
                    count(*),
                    sum(json_array_length(CAST(payload AS TEXT), '$.data.claims'))
             FROM events WHERE action = 'claim.import'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (adds, imports, imported),
        (1, 20, 2000),
        "every claim in one event, none lost or doubled"
    );
    let seqs: i64 = env
        .db()
        .query_row(
            "SELECT max(seq) - min(seq) + 1 - count(*) FROM events",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seqs, 0, "the sequence has no gap");
    assert!(count(&env, "events") > base_events + 20 + evidence);
    assert_whole(&env, 0);
}

/// Runs `args` and kills it with SIGKILL after `after`.
fn kill_after(env: &Env, args: &[&str], after: Duration) {
    let mut child = process(env.path(), "killer")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
}

#[test]
fn a_killed_import_leaves_all_or_none_of_its_claims() {
    let env = Env::with_article();
    let rows: Vec<String> = (0..5000)
        .map(|i| format!("Synthetic claim {i} says the count is {i}"))
        .collect();
    let csv = env.write(
        "many.csv",
        format!(
            "text,tags\n{}\n",
            rows.iter()
                .map(|r| format!("{r},load"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    let mut rng = Lcg(7);
    let mut expected = 0;
    for round in 0..20 {
        kill_after(
            &env,
            &["claim", "import", &csv],
            Duration::from_millis(rng.next(600)),
        );
        let claims = count(&env, "claims");
        assert!(
            claims == expected || claims == expected + 5000,
            "round {round}: {claims} claims, a partial import"
        );
        expected = claims;
        assert_whole(&env, round);
    }
}

#[test]
fn a_killed_batch_capture_leaves_every_snapshot_whole() {
    let srv = Server::start();
    let mut urls = Vec::new();
    for i in 0..60 {
        srv.route(
            &format!("/p{i}"),
            Reply::Ok(
                "text/html",
                format!("<p>SYNTHETIC TEST FIXTURE page {i} with {i} notes.</p>").into_bytes(),
            ),
        );
        urls.push(srv.url(&format!("/p{i}")));
    }
    let env = Env::new();
    let list = env.write("list.txt", urls.join("\n"));
    let mut rng = Lcg(11);
    for round in 0..20 {
        kill_after(
            &env,
            &["source", "add", "--from", &list, "--jobs", "8"],
            Duration::from_millis(rng.next(400)),
        );
        assert_whole(&env, round);
    }
}

#[test]
fn a_killed_gc_leaves_the_workspace_whole() {
    let env = Env::with_article();
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
    ]);
    let objects = env.root().join("objects");
    let mut rng = Lcg(13);
    for round in 0..20 {
        for i in 0..30 {
            // Real blobs (named by their hash) that nothing refers to.
            let body = format!("orphan {round} {i}");
            let name: String = sha2::Sha256::digest(body.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            std::fs::create_dir_all(objects.join(&name[..2])).unwrap();
            std::fs::write(objects.join(&name[..2]).join(&name[2..]), body).unwrap();
        }
        kill_after(
            &env,
            &["gc", "--grace", "0"],
            Duration::from_millis(rng.next(60)),
        );
        assert_whole(&env, round);
    }
    env.ok(&["gc", "--grace", "0"]);
    let report = env.json(&["audit", "verify"]);
    assert!(
        report["warnings"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

#[test]
fn hostile_text_is_stored_byte_for_byte_and_never_reaches_a_terminal_raw() {
    let env = Env::with_article();
    let nasty = [
        "Robert'); DROP TABLE claims;-- \"quoted\" % _ \\",
        "control \u{7} bell \u{1b}[31mred\u{1b}[0m and tab\there",
        "right-to-left \u{202e}txet desrever\u{202c} and עברית and العربية",
        "emoji 🧾🔍✅ and combining e\u{301}",
    ];
    let mut ids = Vec::new();
    for text in nasty {
        let out = env.json(&["claim", "add", "--text", text]);
        ids.push((out["id"].as_str().unwrap().to_string(), text.to_string()));
    }
    // A megabyte is too long for one command-line argument: it comes in a file.
    let big = "x".repeat(1 << 20);
    let file = env.write(
        "big.json",
        serde_json::to_string(&serde_json::json!([{"text": big}])).unwrap(),
    );
    let out = env.json(&["claim", "import", &file]);
    ids.push((out["ids"][0].as_str().unwrap().to_string(), big));
    for (id, text) in &ids {
        assert_eq!(
            env.json(&["claim", "show", id])["text"].as_str().unwrap(),
            text,
            "{id}"
        );
    }
    for args in [
        &["claim", "list"][..],
        &["audit"],
        &["claim", "show", "C2"],
        &["audit", "log", "C2"],
    ] {
        let human = env.ok(args);
        assert!(
            !human.contains('\u{1b}') && !human.contains('\u{7}'),
            "{args:?} let a control character through"
        );
    }
    let exported = env.ok(&["export", "json"]);
    let v: Value = serde_json::from_str(&exported).unwrap();
    for (i, text) in nasty.iter().enumerate() {
        assert_eq!(v["claims"][i]["text"], *text, "exported byte for byte");
    }
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &std::path::Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_gives_a_clear_error_and_corrupts_nothing() {
    let outside = Env::bare();
    let mount_at = outside.path().join("small");
    let Some(_disk) = SmallDisk::mount(&mount_at, "3m") else {
        // Mounting needs root (CI runs as root); elsewhere there is no small disk to fill.
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let run = |args: &[&str]| process(&mount_at, "tester").args(args).output().unwrap();
    assert!(run(&["init"]).status.success());
    assert!(run(&["doc", "add", crate::common::ARTICLE])
        .status
        .success());
    // A capture larger than the disk: refused, with nothing left behind.
    let big = outside.write("big.bin", vec![7u8; 4 << 20]);
    let out = run(&["source", "add", &big]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no space left") || stderr.contains("disk"),
        "{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
    let tmp = mount_at.join(".claimtrail/objects/tmp");
    assert_eq!(
        std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0),
        0,
        "a partial blob was left"
    );
    // Claims until the database itself runs out of room: each import is all or nothing.
    let rows: Vec<String> = (0..20000)
        .map(|i| format!("{{\"text\": \"claim {i} {}\"}}", "x".repeat(60)))
        .collect();
    let file = outside.write("many.json", format!("[{}]", rows.join(",")));
    let mut full = false;
    for _ in 0..10 {
        let out = run(&["claim", "import", &file]);
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(3));
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("full"),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            full = true;
            break;
        }
    }
    assert!(full, "the 3 MiB disk never filled");
    let out = run(&["--json", "audit", "verify"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    let claims = run(&["--json", "claim", "list"]);
    let n = serde_json::from_slice::<Value>(&claims.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n % 20000, 0, "imports are all or nothing: {n}");
}
