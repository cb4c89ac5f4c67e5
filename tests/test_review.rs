use crate::common::server::{Reply, Server};
use crate::common::{Env, ARTICLE};
use serde_json::Value;

const STATEMENT: &str = "<html><body><p>SYNTHETIC TEST FIXTURE: an invented statement.</p>\
    <p>The invented office recorded 836 protest notes and 13 formal demarches.</p>\
    <p>It puts the group at 5,000 members.</p></body></html>";

/// A workspace with the article, three claims and a synthetic source (S1) served
/// from a local server, which the test can change.
fn setup() -> (Env, Server) {
    let srv = Server::start();
    srv.route(
        "/statement.html",
        Reply::Ok("text/html", STATEMENT.as_bytes().to_vec()),
    );
    let env = Env::new();
    env.ok(&["doc", "add", ARTICLE]);
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
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "6,000-strong TTP",
        "--text",
        "The TTP is 6,000-strong",
    ]);
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "13 formal demarches",
        "--text",
        "Pakistan made 13 formal demarches",
    ]);
    env.ok(&["source", "add", &srv.url("/statement.html")]);
    (env, srv)
}

fn evidence(env: &Env, claim: &str, stance: &str, quote: &str) -> Value {
    env.json(&[
        "evidence", "add", claim, "S1", "--stance", stance, "--quote", quote,
    ])
}

fn status(env: &Env, claim: &str) -> Value {
    env.json(&["claim", "show", claim])["status"].clone()
}

#[test]
fn evidence_is_anchored_in_the_snapshot_and_pinned_to_it() {
    let (env, _srv) = setup();
    let e = evidence(&env, "C1", "supports", "836 protest notes");
    assert_eq!(e["id"], "E1");
    assert_eq!(e["snapshot"], "S1@1");
    assert_eq!(e["method"], "exact");
    assert_eq!(e["anchor"]["exact"], "836 protest notes");
    assert_eq!(e["anchor"]["score"], 1.0);
    assert_eq!(e["anchor"]["prefix"], ".\n\nThe invented office recorded ");
    let text = env.json(&["source", "text", "S1@1"]);
    assert_eq!(e["text_sha256"], text["text_sha256"]);
    let chars: Vec<char> = text["text"].as_str().unwrap().chars().collect();
    let (s, t) = (
        e["anchor"]["start"].as_u64().unwrap() as usize,
        e["anchor"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(chars[s..t].iter().collect::<String>(), "836 protest notes");
    assert_eq!(e["figures"]["status"], "match");
}

#[test]
fn near_quotes_anchor_fuzzily_and_far_ones_are_refused_with_the_near_match() {
    let (env, _srv) = setup();
    let e = evidence(
        &env,
        "C1",
        "supports",
        "836 protest note and 13 formal demarches",
    );
    assert_eq!(e["method"], "fuzzy");
    let score = e["anchor"]["score"].as_f64().unwrap();
    assert!((0.85..1.0).contains(&score), "{score}");
    let before = env.json(&["audit", "log"]).as_array().unwrap().len();
    let stderr = env.fails(
        &[
            "evidence",
            "add",
            "C1",
            "S1",
            "--stance",
            "supports",
            "--quote",
            "8 protest letters and 31 demarches",
        ],
        1,
    );
    assert!(
        stderr.contains("best near match") && stderr.contains("score 0."),
        "{stderr}"
    );
    assert!(stderr.contains("below the 0.85 threshold"), "{stderr}");
    assert_eq!(
        env.json(&["audit", "log"]).as_array().unwrap().len(),
        before
    );
    // The threshold is a setting.
    env.ok(&["config", "set", "anchor.threshold", "0.99"]);
    let stderr = env.fails(
        &[
            "evidence",
            "add",
            "C1",
            "S1",
            "--stance",
            "supports",
            "--quote",
            "836 protest note and 13 formal demarches",
        ],
        1,
    );
    assert!(stderr.contains("below the 0.99 threshold"), "{stderr}");
}

#[test]
fn figures_are_checked_against_the_claim() {
    let (env, _srv) = setup();
    let e = evidence(&env, "C2", "supports", "It puts the group at 5,000 members");
    assert_eq!(e["figures"]["status"], "mismatch");
    assert_eq!(e["figures"]["figures"][0]["claim"], "6,000");
    assert_eq!(e["figures"]["figures"][0]["quote"], "5,000");
    let e = evidence(&env, "C2", "context", "an invented statement");
    assert_eq!(e["figures"]["status"], "missing");
    let audit = env.json(&["audit"]);
    assert_eq!(audit[1]["figures"], "mismatch");
    let shown = env.ok(&["claim", "show", "C2"]);
    assert!(
        shown.contains("mismatch: claim 6,000 ≠ quote 5,000"),
        "{shown}"
    );
    // Verifying over the mismatch needs an explicit override and a reason.
    let stderr = env.fails(&["review", "C2", "verified", "--note", "close enough"], 1);
    assert!(
        stderr.contains("rule: verifying over a figure mismatch")
            && stderr.contains("6,000 ≠ 5,000"),
        "{stderr}"
    );
    let out = env.json(&[
        "review",
        "C2",
        "verified",
        "--note",
        "The other source rounds down; see note.",
        "--over-mismatch",
    ]);
    assert_eq!(out["status"], "verified");
}

#[test]
fn each_verdict_rule_is_enforced_and_named() {
    let (env, _srv) = setup();
    let stderr = env.fails(&["review", "C1", "verified", "--note", "seems right"], 1);
    assert!(
        stderr.contains("rule: `verified` needs at least one `supports` evidence"),
        "{stderr}"
    );
    evidence(&env, "C1", "supports", "836 protest notes");
    let stderr = env.fails(&["review", "C1", "verified"], 1);
    assert!(
        stderr.contains("every verdict needs a rationale"),
        "{stderr}"
    );
    let stderr = env.fails(&["review", "C1", "disputed", "--note", "x"], 1);
    assert!(
        stderr.contains("rule: `disputed` needs at least one `disputes` evidence"),
        "{stderr}"
    );
    let stderr = env.fails(&["review", "C1", "false", "--note", "x"], 1);
    assert!(
        stderr.contains("rule: `false` needs at least one `disputes` evidence"),
        "{stderr}"
    );
    let stderr = env.fails(&["review", "C1", "unverified", "--note", "x"], 1);
    assert!(stderr.contains("is not a verdict"), "{stderr}");
    env.fails(&["review", "C1", "nonsense", "--note", "x"], 1);
    env.fails(&["review", "C1"], 2);
    assert_eq!(
        status(&env, "C1"),
        "unverified",
        "a refused verdict writes nothing"
    );
    let out = env.json(&[
        "review",
        "C1",
        "verified",
        "--note",
        "The synthetic statement gives 836.",
    ]);
    assert_eq!(
        (out["status"].as_str(), out["pending"].as_str()),
        (Some("verified"), None)
    );
    let out = env.json(&["review", "C3", "unverifiable", "--note", "No source says."]);
    assert_eq!(out["status"], "unverifiable");
    let out = env.json(&["review", "C3", "in-review"]);
    assert_eq!(out["status"], "in-review");
    // The transition records the rationale and the evidence considered.
    let log = env.json(&["audit", "log", "C1"]);
    let verdict = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "review.verdict")
        .unwrap();
    assert_eq!(verdict["actor"], "tester");
    assert_eq!(
        verdict["data"]["note"],
        "The synthetic statement gives 836."
    );
    assert_eq!(verdict["data"]["evidence"], serde_json::json!(["E1"]));
}

#[test]
fn a_second_reviewer_confirms_or_rejects_and_nobody_confirms_their_own() {
    let (env, _srv) = setup();
    env.ok(&["config", "set", "review.second-reviewer", "on"]);
    evidence(&env, "C1", "supports", "836 protest notes");
    let out = env.json(&[
        "--as",
        "ana",
        "review",
        "C1",
        "verified",
        "--note",
        "Matches the statement.",
    ]);
    assert_eq!(out["status"], "in-review");
    assert_eq!(out["pending"], "verified");
    let stderr = env.fails(&["--as", "ana", "review", "C1", "--confirm"], 1);
    assert!(
        stderr.contains("nobody confirms their own verdict"),
        "{stderr}"
    );
    let out = env.json(&["--as", "ben", "review", "C1", "--confirm"]);
    assert_eq!(out["status"], "verified");
    assert_eq!(out["pending"], Value::Null);
    let row = &env.json(&["audit"])[0];
    assert_eq!(
        (row["proposed_by"].as_str(), row["confirmed_by"].as_str()),
        (Some("ana"), Some("ben"))
    );
    let stderr = env.fails(&["--as", "ben", "review", "C1", "--confirm"], 1);
    assert!(
        stderr.contains("C1 has no pending verdict to confirm"),
        "{stderr}"
    );
    // A rejected proposal sends the claim back to review.
    evidence(&env, "C3", "supports", "13 formal demarches");
    env.ok(&[
        "--as", "ana", "review", "C3", "verified", "--note", "Matches.",
    ]);
    env.fails(&["--as", "ben", "review", "C3", "--reject"], 2);
    let out = env.json(&[
        "--as",
        "ben",
        "review",
        "C3",
        "--reject",
        "--note",
        "Find a second source.",
    ]);
    assert_eq!(out["status"], "in-review");
    assert_eq!(out["pending"], Value::Null);
    let reviews = env.json(&["claim", "show", "C3"])["reviews"].clone();
    assert_eq!(reviews[0]["state"], "rejected");
    assert_eq!(reviews[0]["decision_note"], "Find a second source.");
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn changing_a_confirmed_verdict_records_a_correction() {
    let (env, _srv) = setup();
    evidence(&env, "C1", "supports", "836 protest notes");
    env.ok(&["review", "C1", "verified", "--note", "Matches."]);
    assert!(env
        .json(&["audit", "corrections"])
        .as_array()
        .unwrap()
        .is_empty());
    evidence(&env, "C1", "disputes", "13 formal demarches");
    env.ok(&[
        "--as",
        "editor",
        "review",
        "C1",
        "disputed",
        "--note",
        "The statement was misread.",
    ]);
    let corrections = env.json(&["audit", "corrections"]);
    let c = &corrections[0];
    assert_eq!(c["claim"], "C1");
    assert_eq!(c["old_verdict"], "verified");
    assert_eq!(c["new_verdict"], "disputed");
    assert_eq!(c["reason"], "The statement was misread.");
    assert_eq!(c["by"], "editor");
    assert!(c["at"].as_str().unwrap().ends_with('Z'));
    let human = env.ok(&["audit", "corrections"]);
    assert!(
        human.contains("verified") && human.contains("disputed"),
        "{human}"
    );
}

#[test]
fn a_recheck_that_loses_a_quote_puts_the_claim_in_the_queue_without_changing_the_verdict() {
    let (env, srv) = setup();
    evidence(&env, "C1", "supports", "836 protest notes");
    env.ok(&["review", "C1", "verified", "--note", "Matches."]);
    assert!(env.json(&["queue"]).as_array().unwrap().is_empty());

    // The page changes elsewhere: the quote is still there, so nothing goes stale.
    srv.route(
        "/statement.html",
        Reply::Ok(
            "text/html",
            STATEMENT.replace("5,000", "5,500").into_bytes(),
        ),
    );
    let r = env.json(&["source", "recheck", "S1"]);
    assert_eq!(r[0]["state"], "changed");
    assert!(r[0]["stale"].as_array().unwrap().is_empty());

    // The quoted words go: the evidence is stale, the claim is queued.
    srv.route(
        "/statement.html",
        Reply::Ok(
            "text/html",
            STATEMENT.replace("836 protest notes and ", "").into_bytes(),
        ),
    );
    let r = env.json(&["source", "recheck", "S1"]);
    assert_eq!(r[0]["stale"], serde_json::json!(["E1"]));
    let queue = env.json(&["queue"]);
    assert_eq!(queue[0]["claim"], "C1");
    assert!(
        queue[0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("the quote is no longer in S1@3"),
        "{queue}"
    );
    assert_eq!(env.json(&["audit"])[0]["stale"], 1);
    assert_eq!(
        status(&env, "C1"),
        "verified",
        "only a person changes a verdict"
    );
    let shown = env.ok(&["claim", "show", "C1"]);
    assert!(
        shown.contains("STALE: the quote is no longer in S1@3"),
        "{shown}"
    );
    // A stale quote no longer counts for a new `verified`.
    env.ok(&["review", "C1", "in-review"]);
    let stderr = env.fails(&["review", "C1", "verified", "--note", "again"], 1);
    assert!(stderr.contains("none of them still anchored"), "{stderr}");

    // The words come back: restored. Then the page goes: stale again, as gone.
    srv.route(
        "/statement.html",
        Reply::Ok("text/html", STATEMENT.as_bytes().to_vec()),
    );
    let r = env.json(&["source", "recheck", "S1"]);
    assert_eq!(r[0]["restored"], serde_json::json!(["E1"]));
    env.ok(&["review", "C1", "verified", "--note", "Back again."]);
    srv.route("/statement.html", Reply::Status(404));
    let r = env.json(&["source", "recheck", "S1"]);
    assert_eq!(r[0]["state"], "gone");
    assert_eq!(r[0]["stale"], serde_json::json!(["E1"]));
    let queue = env.json(&["queue"]);
    assert!(
        queue[0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("S1 is gone"),
        "{queue}"
    );
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn the_dossier_shows_the_whole_case() {
    let (env, _srv) = setup();
    env.ok(&[
        "evidence",
        "add",
        "C1",
        "S1",
        "--stance",
        "supports",
        "--quote",
        "836 protest notes",
        "--note",
        "Same count.",
    ]);
    env.ok(&[
        "review",
        "C1",
        "verified",
        "--note",
        "The synthetic statement gives 836.",
    ]);
    let shown = env.ok(&["claim", "show", "C1"]);
    let snap = env.json(&["source", "show", "S1"])["snapshots"][0].clone();
    for want in [
        "E1 supports — S1@1",
        "[836 protest notes]",
        &snap["sha256"].as_str().unwrap()[..12],
        snap["fetched_at"].as_str().unwrap(),
        "figures: match (1 of 1 figures found in the quote)",
        "note: Same count.",
        "The synthetic statement gives 836.",
        "review.verdict",
    ] {
        assert!(shown.contains(want), "{want:?} missing from:\n{shown}");
    }
    let j = env.json(&["claim", "show", "C1"]);
    assert_eq!(j["evidence"][0]["snapshot"], "S1@1");
    assert_eq!(j["reviews"][0]["verdict"], "verified");
}

#[test]
fn bad_evidence_input_is_refused_and_writes_nothing() {
    let (env, srv) = setup();
    let mut broken = include_bytes!("../fixtures/sources/report.pdf")[..300].to_vec();
    broken.extend_from_slice(b"broken");
    srv.route("/broken.pdf", Reply::Ok("application/pdf", broken));
    env.ok(&["source", "add", &srv.url("/broken.pdf")]);
    let before = env.json(&["audit", "log"]).as_array().unwrap().len();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "evidence", "add", "C9", "S1", "--stance", "supports", "--quote", "x",
            ],
            "no claim C9",
        ),
        (
            &[
                "evidence", "add", "C1", "S9", "--stance", "supports", "--quote", "x",
            ],
            "no source S9",
        ),
        (
            &[
                "evidence", "add", "C1", "S2", "--stance", "supports", "--quote", "x",
            ],
            "S2 has no snapshot with text",
        ),
        (
            &[
                "evidence",
                "add",
                "C1",
                "S1",
                "--stance",
                "supports",
                "--quote",
                "x",
                "--snapshot",
                "S2@1",
            ],
            "is not a snapshot of S1",
        ),
        (
            &[
                "evidence",
                "add",
                "C1",
                "S1",
                "--stance",
                "supports",
                "--quote",
                "x",
                "--snapshot",
                "S1@7",
            ],
            "no snapshot S1@7",
        ),
    ];
    for (args, want) in cases {
        let stderr = env.fails(args, 1);
        assert!(stderr.contains(want), "{want:?} not in {stderr}");
    }
    env.fails(
        &[
            "evidence", "add", "C1", "S1", "--stance", "agrees", "--quote", "x",
        ],
        2,
    );
    assert_eq!(
        env.json(&["audit", "log"]).as_array().unwrap().len(),
        before
    );
}

#[test]
fn verify_catches_an_evidence_flag_or_status_changed_in_sql() {
    let (env, _srv) = setup();
    evidence(&env, "C1", "supports", "836 protest notes");
    env.ok(&["review", "C1", "verified", "--note", "Matches."]);
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
    env.db()
        .execute_batch("UPDATE evidence SET stale = 'hidden' WHERE id = 1; UPDATE claims SET status = 'false' WHERE id = 1;")
        .unwrap();
    let out = env
        .cmd()
        .args(["--json", "audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let subjects: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["subject"].as_str().unwrap())
        .collect();
    assert!(subjects.contains(&"E1") && subjects.contains(&"C1"), "{v}");
}

#[test]
fn one_person_cannot_confirm_under_another_spelling() {
    let (env, _srv) = setup();
    env.ok(&["config", "set", "review.second-reviewer", "on"]);
    evidence(&env, "C1", "supports", "836 protest notes");
    env.ok(&[
        "--as", "Ana", "review", "C1", "verified", "--note", "Matches.",
    ]);
    for alias in ["ana", "ANA ", "ana\u{200b}"] {
        let stderr = env.fails(&["--as", alias, "review", "C1", "--confirm"], 1);
        assert!(
            stderr.contains("nobody confirms their own verdict"),
            "{alias:?}: {stderr}"
        );
    }
}

#[test]
fn a_recheck_that_changes_a_quoted_figure_makes_the_evidence_stale() {
    let (env, srv) = setup();
    evidence(
        &env,
        "C1",
        "supports",
        "The invented office recorded 836 protest notes",
    );
    env.ok(&["review", "C1", "verified", "--note", "Matches."]);
    srv.route(
        "/statement.html",
        Reply::Ok("text/html", STATEMENT.replace("836", "863").into_bytes()),
    );
    let r = env.json(&["source", "recheck", "S1"]);
    assert_eq!(
        r[0]["stale"],
        serde_json::json!(["E1"]),
        "a near match with another figure is not the quote"
    );
    srv.route(
        "/statement.html",
        Reply::Ok(
            "text/html",
            STATEMENT
                .replace("recorded 836", "never recorded 836")
                .into_bytes(),
        ),
    );
    env.ok(&["source", "recheck", "S1"]);
    assert!(env.json(&["claim", "show", "C1"])["evidence"][0]["stale"].is_string());
}

#[test]
fn a_damaged_snapshot_blob_cannot_carry_a_verdict() {
    let (env, _srv) = setup();
    evidence(&env, "C1", "supports", "836 protest notes");
    let sha = env.json(&["source", "show", "S1"])["snapshots"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        env.root().join("objects").join(&sha[..2]).join(&sha[2..]),
        b"garbage",
    )
    .unwrap();
    let stderr = env.fails(&["review", "C1", "verified", "--note", "x"], 1);
    assert!(stderr.contains("snapshot is present"), "{stderr}");
}

#[test]
fn a_proposal_alone_never_unseats_a_confirmed_verdict() {
    let (env, _srv) = setup();
    env.ok(&["config", "set", "review.second-reviewer", "on"]);
    evidence(&env, "C1", "supports", "836 protest notes");
    env.ok(&[
        "--as", "ana", "review", "C1", "verified", "--note", "Matches.",
    ]);
    env.ok(&["--as", "ben", "review", "C1", "--confirm"]);
    let out = env.json(&[
        "--as",
        "mallory",
        "review",
        "C1",
        "unverifiable",
        "--note",
        "x",
    ]);
    assert_eq!(
        (out["status"].as_str(), out["pending"].as_str()),
        (Some("verified"), Some("unverifiable"))
    );
    let out = env.json(&[
        "--as",
        "mallory",
        "review",
        "C1",
        "--reject",
        "--note",
        "never mind",
    ]);
    assert_eq!(out["status"], "verified");
    assert!(env
        .json(&["audit", "corrections"])
        .as_array()
        .unwrap()
        .is_empty());
    env.ok(&[
        "--as",
        "mallory",
        "review",
        "C1",
        "unverifiable",
        "--note",
        "The source is synthetic.",
    ]);
    env.ok(&["--as", "ben", "review", "C1", "--confirm"]);
    assert_eq!(
        env.json(&["audit", "corrections"])[0]["new_verdict"],
        "unverifiable"
    );
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn figures_are_checked_against_the_claim_as_it_reads_now() {
    let (env, _srv) = setup();
    evidence(&env, "C3", "supports", "13 formal demarches");
    env.ok(&[
        "claim",
        "edit",
        "C3",
        "--text",
        "Pakistan made 31 formal demarches",
    ]);
    let stderr = env.fails(&["review", "C3", "verified", "--note", "fine"], 1);
    assert!(stderr.contains("31 ≠ 13"), "{stderr}");
}

#[test]
fn a_quote_from_an_older_capture_that_the_newest_lacks_starts_stale() {
    let (env, srv) = setup();
    srv.route(
        "/statement.html",
        Reply::Ok(
            "text/html",
            STATEMENT.replace("836 protest notes and ", "").into_bytes(),
        ),
    );
    env.ok(&["source", "recheck", "S1"]);
    let e = env.json(&[
        "evidence",
        "add",
        "C1",
        "S1",
        "--stance",
        "supports",
        "--quote",
        "836 protest notes",
        "--snapshot",
        "S1@1",
    ]);
    assert_eq!(e["stale"], "the quote is no longer in S1@2");
    let stderr = env.fails(&["review", "C1", "verified", "--note", "x"], 1);
    assert!(stderr.contains("none of them still anchored"), "{stderr}");
}

#[test]
fn verify_catches_evidence_reviews_and_corrections_changed_in_sql() {
    for (sql, subject) in [
        ("UPDATE evidence SET stance = 'disputes' WHERE id = 1", "E1"),
        ("UPDATE evidence SET claim_id = 2 WHERE id = 1", "E1"),
        (
            "UPDATE reviews SET decided_by = 'someone else' WHERE id = 1",
            "review 1 of C1",
        ),
        ("DELETE FROM corrections", "corrections"),
    ] {
        let (env, _srv) = setup();
        evidence(&env, "C1", "supports", "836 protest notes");
        env.ok(&["review", "C1", "verified", "--note", "Matches."]);
        evidence(&env, "C1", "disputes", "13 formal demarches");
        env.ok(&["review", "C1", "disputed", "--note", "Misread."]);
        assert_eq!(env.json(&["audit", "verify"])["ok"], true);
        env.db().execute_batch(sql).unwrap();
        let out = env
            .cmd()
            .args(["--json", "audit", "verify"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let subjects: Vec<&str> = v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["subject"].as_str().unwrap())
            .collect();
        assert!(subjects.contains(&subject), "{sql}: {v}");
    }
}
