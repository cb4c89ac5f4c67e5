use crate::common::{problems_in, Env, CLAIMS};
use claimtrail::audit::{chain_hash, write_canonical, GENESIS};
use serde_json::Value;

/// A workspace whose log holds three events: text.add and doc.add for the
/// article, and the claim.import of its 40 claims.
fn imported() -> Env {
    let env = Env::with_article();
    env.ok(&["claim", "import", CLAIMS, "--doc", "D1"]);
    env
}

/// `audit verify --json` with extra args: (exit code, report).
fn verify(env: &Env, extra: &[&str]) -> (i32, Value) {
    let out = env
        .cmd()
        .args(["--json", "audit", "verify"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), v)
}

fn kinds(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Rewrites history the way an owner of the database could: change one early
/// event, then recompute every later chain hash so the chain checks out again.
fn rewrite_history(env: &Env, seq: i64) {
    rewrite_event(env, seq, |v| {
        v["actor"] = Value::String("someone else".into())
    });
}

/// Edits event `seq`'s payload (and the columns that repeat it), then recomputes
/// every chain hash from there, as whoever controls the database could.
fn rewrite_event(env: &Env, seq: i64, edit: impl FnOnce(&mut Value)) {
    let db = env.db();
    db.execute_batch("DROP TRIGGER events_no_update;").unwrap();
    let rows: Vec<(i64, Vec<u8>)> = {
        let mut stmt = db
            .prepare("SELECT seq, payload FROM events ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut edit = Some(edit);
    let mut prev = GENESIS.to_string();
    for (s, payload) in rows {
        let mut payload = payload;
        if s == seq {
            let mut v: Value = serde_json::from_slice(&payload).unwrap();
            (edit.take().unwrap())(&mut v);
            let mut text = String::new();
            write_canonical(&v, &mut text);
            payload = text.into_bytes();
            db.execute(
                "UPDATE events SET actor = ?2, subject = ?3 WHERE seq = ?1",
                rusqlite::params![s, v["actor"].as_str(), v["subject"].as_str()],
            )
            .unwrap();
        }
        let hash = chain_hash(&prev, &payload);
        db.execute(
            "UPDATE events SET payload = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1",
            rusqlite::params![s, payload, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    db.execute_batch(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: events cannot be changed'); END;",
    )
    .unwrap();
}

#[test]
fn an_import_event_must_name_what_it_logs_and_log_each_claim_once() {
    let env = imported();
    env.ok(&["claim", "add", "--text", "logged on its own"]);
    // Event 3 is the import of C1..C40; event 4 logs C41.
    rewrite_event(&env, 3, |v| v["subject"] = Value::String("C1..C39".into()));
    rewrite_event(&env, 4, |v| v["subject"] = Value::String("C40".into()));
    let (code, report) = verify(&env, &[]);
    assert_eq!(code, 1, "{report}");
    let found = problems_in(&report);
    assert!(
        found.contains(&("import-subject".into(), "event 3".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("claim-logged-twice".into(), "C40".into())),
        "{found:?}"
    );
}

#[test]
fn a_rewritten_history_passes_the_chain_but_not_a_checkpoint() {
    let env = imported();
    let cp = env.path().join("kept-elsewhere.txt");
    let out = env.json(&["audit", "checkpoint", "--out", cp.to_str().unwrap()]);
    assert_eq!(out["size"], 3);
    assert_eq!(out["signed_by"], Value::Null);
    assert_eq!(
        std::fs::read_to_string(&cp).unwrap(),
        out["text"].as_str().unwrap()
    );
    env.ok(&["claim", "add", "--text", "a later claim"]);
    assert_eq!(
        verify(&env, &["--checkpoint", cp.to_str().unwrap()]).0,
        0,
        "the log only grew"
    );

    rewrite_history(&env, 2);
    let (code, report) = verify(&env, &[]);
    assert_eq!(
        (code, report["ok"].as_bool()),
        (0, Some(true)),
        "the chain alone cannot tell: {report}"
    );
    let (code, report) = verify(&env, &["--checkpoint", cp.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(kinds(&report), ["checkpoint-root"]);
    assert!(report["problems"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("the first 3 events no longer hash"));
}

#[test]
fn signed_checkpoints_verify_and_forgeries_are_caught() {
    let env = imported();
    let key = env.path().join("keys/ana.key");
    let made = env
        .cmd()
        .env("CLAIMTRAIL_KEY", &key)
        .args(["--json", "audit", "key", "init", "--name", "ana.example"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let made: Value = serde_json::from_slice(&made.stdout).unwrap();
    let vkey = made["vkey"].as_str().unwrap().to_string();
    assert!(vkey.starts_with("ana.example+"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A second init never overwrites the key.
    let again = env
        .cmd()
        .env("CLAIMTRAIL_KEY", &key)
        .args(["audit", "key", "init"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));

    let cp = env.path().join("cp.txt");
    let out = env
        .cmd()
        .env("CLAIMTRAIL_KEY", &key)
        .args([
            "--json",
            "audit",
            "checkpoint",
            "--out",
            cp.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let out: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out["signed_by"], "ana.example");
    let cp_path = cp.to_str().unwrap();
    assert_eq!(
        verify(&env, &["--checkpoint", cp_path, "--vkey", &vkey]).0,
        0
    );
    // Without a key to check it against, a signed checkpoint warns.
    let (code, report) = verify(&env, &["--checkpoint", cp_path]);
    assert_eq!(code, 0);
    assert_eq!(report["warnings"][0]["kind"], "checkpoint-signature");

    // A forged signature: one byte of it changed.
    let text = std::fs::read_to_string(&cp).unwrap();
    let (body, sig_line) = text.split_once("\n\n").unwrap();
    let sig = sig_line.trim_end().rsplit(' ').next().unwrap();
    let mut forged_sig: Vec<char> = sig.chars().collect();
    forged_sig[10] = if forged_sig[10] == 'A' { 'B' } else { 'A' };
    let forged = format!(
        "{body}\n\n{}\n",
        sig_line
            .trim_end()
            .replace(sig, &forged_sig.iter().collect::<String>())
    );
    let forged_path = env.write("forged.txt", forged);
    let (code, report) = verify(&env, &["--checkpoint", &forged_path, "--vkey", &vkey]);
    assert_eq!(code, 1);
    assert_eq!(kinds(&report), ["checkpoint-signature"]);
    // Someone else's key, or a changed size under the same signature.
    let other = "mallory+00000000+AflHRND7GWFplHQNAvpbtftvEjY9H9/raT++XkAnJFrK";
    assert_eq!(
        kinds(&verify(&env, &["--checkpoint", cp_path, "--vkey", other]).1),
        ["checkpoint-signature"]
    );
    let resized = env.write("resized.txt", text.replacen("\n3\n", "\n2\n", 1));
    let found = kinds(&verify(&env, &["--checkpoint", &resized, "--vkey", &vkey]).1);
    assert!(
        found.contains(&"checkpoint-signature".to_string()),
        "{found:?}"
    );
}

#[test]
fn checkpoints_of_other_logs_longer_logs_or_junk_are_refused() {
    let env = imported();
    let other = imported();
    let cp = other.path().join("cp.txt");
    other.ok(&["audit", "checkpoint", "--out", cp.to_str().unwrap()]);
    assert_eq!(
        kinds(&verify(&env, &["--checkpoint", cp.to_str().unwrap()]).1),
        ["checkpoint-origin"]
    );

    let mine = env.path().join("cp.txt");
    env.ok(&["audit", "checkpoint", "--out", mine.to_str().unwrap()]);
    env.db()
        .execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > 2;")
        .unwrap();
    let found = kinds(&verify(&env, &["--checkpoint", mine.to_str().unwrap()]).1);
    assert!(found.contains(&"checkpoint-size".to_string()), "{found:?}");

    let junk = env.write("junk.txt", "not a checkpoint at all");
    let (code, report) = verify(&env, &["--checkpoint", &junk]);
    assert_eq!(code, 1);
    assert!(kinds(&report).contains(&"checkpoint".to_string()));
    env.fails(&["audit", "verify", "--checkpoint", "missing.txt"], 1);
}

#[test]
fn gc_removes_old_orphans_and_spares_young_and_referenced_files() {
    let env = imported();
    let objects = env.root().join("objects");
    let referenced = env.objects();
    // An orphan blob, properly named, and a leftover temp file.
    let orphan_hash = "0".repeat(63) + "1";
    std::fs::create_dir_all(objects.join("00")).unwrap();
    std::fs::write(objects.join("00").join(&orphan_hash[2..]), b"orphan").unwrap();
    std::fs::create_dir_all(objects.join("tmp")).unwrap();
    std::fs::write(objects.join("tmp/blob-left"), b"half").unwrap();
    // Small blobs are written through a temp file in their own folder.
    std::fs::write(objects.join("00/.tmp-left"), b"part").unwrap();
    // A folder someone made in the store is neither removed nor a reason to stop.
    std::fs::create_dir_all(objects.join("ab/not-a-blob")).unwrap();
    let report = verify(&env, &[]).1;
    let warned: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert!(warned.contains(&"orphan-blob"), "{warned:?}");
    assert_eq!(
        warned.iter().filter(|k| **k == "stray-file").count(),
        3,
        "both temp files and the folder: {warned:?}"
    );

    // Young files are spared by default; --dry-run removes nothing.
    let out = env.json(&["gc"]);
    assert_eq!(out["removed"].as_array().unwrap().len(), 0);
    assert_eq!(out["spared"], 3);
    let out = env.json(&["gc", "--grace", "0", "--dry-run"]);
    assert_eq!(out["removed"].as_array().unwrap().len(), 3);
    assert!(objects.join("tmp/blob-left").exists());

    let out = env.json(&["gc", "--grace", "0"]);
    assert_eq!(out["removed"].as_array().unwrap().len(), 3);
    assert_eq!(out["bytes"], 14);
    assert!(!objects.join("00/.tmp-left").exists());
    let mut left = env.objects();
    left.retain(|p| !p.contains("/objects/tmp/"));
    assert_eq!(left, referenced, "every referenced blob stays");
    assert!(
        objects.join("ab/not-a-blob").is_dir(),
        "gc removes files, never folders"
    );
    std::fs::remove_dir(objects.join("ab/not-a-blob")).unwrap();
    let report = verify(&env, &[]).1;
    assert_eq!(report["ok"], true);
    assert!(
        report["warnings"].as_array().unwrap().is_empty(),
        "{report}"
    );
    let log = env.json(&["audit", "log"]);
    assert_eq!(
        log.as_array().unwrap().last().unwrap()["action"],
        "workspace.gc"
    );
}

#[test]
fn the_chain_only_check_is_quick_and_still_catches_an_edited_event() {
    let env = imported();
    let (code, report) = verify(&env, &["--chain-only"]);
    assert_eq!((code, report["events"].as_u64()), (0, Some(3)));
    env.db()
        .execute_batch(
            "DROP TRIGGER events_no_update;
             UPDATE events SET payload = CAST(replace(CAST(payload AS TEXT), 'tester', 'testor') AS BLOB) WHERE seq = 3;",
        )
        .unwrap();
    let (code, report) = verify(&env, &["--chain-only"]);
    assert_eq!(code, 1);
    assert_eq!(kinds(&report), ["chain-hash", "event-columns"]);
}
