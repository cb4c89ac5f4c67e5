use crate::common::{problems_in, strings, Env, CLAIMS};

fn imported() -> Env {
    let env = Env::with_article();
    env.ok(&["claim", "import", CLAIMS, "--doc", "D1"]);
    env
}

#[test]
fn the_audit_table_has_a_row_per_claim() {
    let env = imported();
    let rows = env.json(&["audit"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(
        rows.len(),
        env.json(&["claim", "list"]).as_array().unwrap().len()
    );
    for field in [
        "claim",
        "status",
        "supports",
        "disputes",
        "context",
        "stale",
        "changed_at",
        "changed_by",
    ] {
        assert!(rows[0].get(field).is_some(), "missing {field}");
    }
    assert_eq!(rows[0]["claim"], "C1");
    assert_eq!(rows[0]["changed_by"], "tester");
    let human = env.ok(&["audit"]);
    assert!(
        human.contains("C1") && human.contains("unverified"),
        "{human}"
    );
    assert!(
        !human.contains('\u{1b}'),
        "colour escapes with NO_COLOR set"
    );
}

#[test]
fn audit_log_lists_events_oldest_first_with_their_hashes() {
    let env = imported();
    let log = env.json(&["audit", "log"]);
    let log = log.as_array().unwrap();
    let seqs: Vec<u64> = log.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=log.len() as u64).collect::<Vec<_>>());
    assert_eq!(log[0]["prev_hash"], "0".repeat(64));
    for pair in log.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    assert_eq!(log[0]["actor"], "tester");
    // An import logs its claims in one event, which each claim's history shows.
    let c3 = env.json(&["audit", "log", "C3"]);
    assert_eq!(c3.as_array().unwrap().len(), 1);
    assert_eq!(c3[0]["action"], "claim.import");
    assert_eq!(c3[0]["subject"], "C1..C40");
    // Only what the batch says of C3, not all 40 claims.
    assert_eq!(c3[0]["data"]["id"], 3, "{c3}");
    assert!(c3[0]["data"].get("claims").is_none(), "{c3}");
    let whole = env.json(&["audit", "log"]);
    assert_eq!(
        whole[2]["data"]["claims"].as_array().map(Vec::len),
        Some(40),
        "the whole log keeps the whole batch"
    );
    env.ok(&["claim", "edit", "C3", "--tag", "later"]);
    let c3 = env.json(&["audit", "log", "C3"]);
    assert_eq!(strings(&c3, "action"), ["claim.import", "claim.edit"]);
    let d1 = env.json(&["audit", "log", "D1"]);
    assert_eq!(d1[0]["action"], "doc.add");
    env.fails(&["audit", "log", "C999"], 1);
    let stderr = env.fails(&["audit", "log", "X1"], 1);
    assert!(
        stderr.contains("`X1` is not a claim, document, source or evidence id"),
        "{stderr}"
    );
}

#[test]
fn a_clean_workspace_verifies() {
    let env = imported();
    let out = env.json(&["audit", "verify"]);
    assert_eq!(out["ok"], true, "{out}");
    assert!(out["problems"].as_array().unwrap().is_empty());
    // text.add and doc.add for the article, one claim.import for its 40 claims.
    assert_eq!(out["events"].as_u64(), Some(3));
    let human = env.ok(&["audit", "verify"]);
    assert!(human.starts_with("ok:"), "{human}");
}

fn problems(env: &Env) -> Vec<(String, String)> {
    let out = env
        .cmd()
        .args(["--json", "audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "verify should fail");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    problems_in(&v)
}

#[test]
fn a_changed_blob_byte_is_caught() {
    let env = imported();
    let hash = env.json(&["doc", "show", "D1"])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let path = env.root().join("objects").join(&hash[..2]).join(&hash[2..]);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let found = problems(&env);
    assert!(found.iter().any(|(k, _)| k == "blob-corrupt"), "{found:?}");
    assert!(
        found.contains(&("blob-damaged".into(), "D1".into())),
        "{found:?}"
    );
}

#[test]
fn a_deleted_blob_is_caught() {
    let env = imported();
    let hash = env.json(&["doc", "show", "D1"])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::remove_file(env.root().join("objects").join(&hash[..2]).join(&hash[2..])).unwrap();
    assert!(problems(&env).contains(&("blob-missing".into(), "D1".into())));
}

#[test]
fn an_edited_event_payload_is_caught() {
    let env = imported();
    let db = env.db();
    db.execute_batch(
        "DROP TRIGGER events_no_update;
         UPDATE events SET payload = CAST(replace(CAST(payload AS TEXT), '836', '837') AS BLOB)
          WHERE action = 'claim.import';",
    )
    .unwrap();
    let found = problems(&env);
    assert!(
        found
            .iter()
            .any(|(k, s)| k == "chain-hash" && s.starts_with("event ")),
        "{found:?}"
    );
}

#[test]
fn a_deleted_event_is_caught() {
    let env = imported();
    env.db()
        .execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 2;")
        .unwrap();
    let found = problems(&env);
    assert!(
        found.contains(&("chain-gap".into(), "event 3".into())),
        "{found:?}"
    );
}

#[test]
fn the_triggers_refuse_to_rewrite_history() {
    let env = imported();
    let err = env
        .db()
        .execute("DELETE FROM events WHERE seq = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = env
        .db()
        .execute("UPDATE events SET actor = 'x'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn a_status_or_text_changed_outside_claimtrail_is_caught() {
    let env = imported();
    env.db()
        .execute_batch(
            "UPDATE claims SET status = 'verified' WHERE id = 3;
             UPDATE claims SET text = 'rewritten' WHERE id = 4;
             UPDATE claims SET added_seq = 1 WHERE id = 6;",
        )
        .unwrap();
    let report = env
        .cmd()
        .args(["--json", "audit", "verify"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let c6: Vec<&serde_json::Value> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["subject"] == "C6")
        .collect();
    assert_eq!(c6.len(), 1, "{report}");
    assert!(
        c6[0]["detail"].as_str().unwrap().contains("logging event"),
        "{report}"
    );
    let found = problems(&env);
    assert!(
        found.contains(&("state-mismatch".into(), "C3".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("state-mismatch".into(), "C4".into())),
        "{found:?}"
    );
}

#[test]
fn a_moved_anchor_is_caught() {
    let env = imported();
    env.db()
        .execute("UPDATE claims SET start = start + 1 WHERE id = 5", [])
        .unwrap();
    assert!(problems(&env).contains(&("anchor-mismatch".into(), "C5".into())));
}

#[test]
fn leftover_temp_files_are_warnings_not_failures() {
    let env = imported();
    let tmp = env.root().join("objects/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("blob-leftover"), b"half a blob").unwrap();
    let out = env.json(&["audit", "verify"]);
    assert_eq!(out["ok"], true);
    assert_eq!(out["warnings"][0]["kind"], "stray-file");
}

#[test]
fn tags_anchors_and_documents_changed_in_sql_are_caught() {
    let env = imported();
    env.db()
        .execute_batch(
            "UPDATE claims SET prefix = 'tampered ' WHERE id = 1;
             DELETE FROM claim_tags WHERE claim_id = 2;",
        )
        .unwrap();
    let found = problems(&env);
    assert!(
        found.contains(&("state-mismatch".into(), "C1".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("state-mismatch".into(), "C2".into())),
        "{found:?}"
    );
}

#[test]
fn a_dropped_trigger_is_caught() {
    let env = imported();
    env.db()
        .execute_batch("DROP TRIGGER events_no_delete;")
        .unwrap();
    let found = problems(&env);
    assert_eq!(
        found,
        [(
            "trigger-missing".to_string(),
            "events_no_delete".to_string()
        )]
    );
}

#[test]
fn a_snapshot_or_document_hash_edited_in_sql_is_caught() {
    let env = imported();
    let file = env.write("note.txt", "SYNTHETIC TEST FIXTURE: a local note.\n");
    env.ok(&["source", "add", &file]);
    // Point the rows at another blob that exists, so only the record can tell.
    env.db()
        .execute_batch(
            "UPDATE snapshots SET sha256 = (SELECT sha256 FROM documents WHERE id = 1);
             UPDATE documents SET sha256 = (SELECT sha256 FROM texts WHERE id = 1) WHERE id = 1;",
        )
        .unwrap();
    let found = problems(&env);
    assert!(
        found.contains(&("state-mismatch".into(), "S1@1".into())),
        "{found:?}"
    );
}
