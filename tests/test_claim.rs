use crate::common::{article_text, chars, Env};

#[test]
fn claim_add_anchors_the_quote_with_both_selectors() {
    let env = Env::with_article();
    let out = env.json(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
        "--text",
        "Pakistan sent 836 protest notes",
        "--tag",
        "figure",
    ]);
    assert_eq!(out["id"], "C1");
    let a = &out["anchor"];
    let text = article_text();
    let (start, end) = (a["start"].as_u64().unwrap(), a["end"].as_u64().unwrap());
    assert_eq!(chars(&text, start, end), "836 protest notes");
    assert_eq!(a["exact"], "836 protest notes");
    assert_eq!(a["prefix"].as_str().unwrap().chars().count(), 32);
    assert_eq!(a["prefix"], chars(&text, start - 32, start));
    assert_eq!(a["suffix"], chars(&text, end, end + 32));
    assert_eq!(out["method"], "exact");
    assert_eq!(out["tags"], serde_json::json!(["figure"]));
    assert_eq!(out["status"], "unverified");
}

#[test]
fn a_quote_pasted_from_a_browser_still_anchors() {
    let env = Env::with_article();
    // The article has a curly apostrophe, single spaces and no line breaks here;
    // the paste has a straight apostrophe, a line break and a non-breaking space.
    let pasted = "goodwill of Kabul and not Islamabad's.\nPakistan has\u{a0}already shown";
    let out = env.json(&["claim", "add", "--doc", "D1", "--quote", pasted]);
    assert_eq!(out["method"], "normalized");
    assert_eq!(
        out["anchor"]["exact"],
        "goodwill of Kabul and not Islamabad’s. Pakistan has already shown"
    );
    // Curly quotes and an en dash for a hyphen, the other way round.
    let out = env.json(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "“Peace cannot be negotiated in abstraction",
    ]);
    assert_eq!(out["method"], "exact");
    let out = env.json(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "Al\u{2013}Qaeda has fighters",
    ]);
    assert_eq!(out["anchor"]["exact"], "Al-Qaeda has fighters");
}

#[test]
fn a_quote_not_in_the_article_shows_the_closest_passage_and_writes_nothing() {
    let env = Env::with_article();
    let events = env.event_count();
    let stderr = env.fails(
        &[
            "claim",
            "add",
            "--doc",
            "D1",
            "--quote",
            "837 protest notes",
        ],
        1,
    );
    assert!(
        stderr.contains("quote not found: \"837 protest notes\""),
        "{stderr}"
    );
    assert!(stderr.contains("closest passage"), "{stderr}");
    assert!(stderr.contains("\"836 protest notes\""), "{stderr}");
    assert!(stderr.contains("doc show D1 --text"), "{stderr}");
    assert_eq!(env.event_count(), events);
    assert!(env.json(&["claim", "list"]).as_array().unwrap().is_empty());
}

#[test]
fn an_ambiguous_quote_needs_an_occurrence() {
    let env = Env::with_article();
    let stderr = env.fails(
        &["claim", "add", "--doc", "D1", "--quote", "Afghan territory"],
        1,
    );
    assert!(stderr.contains("occurs 2 times"), "{stderr}");
    assert!(stderr.contains("--occurrence"), "{stderr}");
    let first = env.json(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "Afghan territory",
        "--occurrence",
        "1",
    ]);
    let second = env.json(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "Afghan territory",
        "--occurrence",
        "2",
    ]);
    assert!(second["anchor"]["start"].as_u64() > first["anchor"]["start"].as_u64());
    let stderr = env.fails(
        &[
            "claim",
            "add",
            "--doc",
            "D1",
            "--quote",
            "Afghan territory",
            "--occurrence",
            "3",
        ],
        1,
    );
    assert!(stderr.contains("occurs 2 times"), "{stderr}");
}

#[test]
fn a_claim_without_an_article_and_bad_inputs() {
    let env = Env::with_article();
    let out = env.json(&[
        "claim",
        "add",
        "--text",
        "Talks began in 2021",
        "--tag",
        "date",
    ]);
    assert_eq!(out["anchor"], serde_json::Value::Null);
    assert_eq!(out["doc"], serde_json::Value::Null);
    let stderr = env.fails(&["claim", "add", "--doc", "D7", "--quote", "836"], 1);
    assert!(stderr.contains("no document D7"), "{stderr}");
    let stderr = env.fails(&["claim", "add", "--text", "   "], 1);
    assert!(stderr.contains("empty"), "{stderr}");
    let stderr = env.fails(&["claim", "add", "--text", "x", "--tag", "a;b"], 1);
    assert!(stderr.contains("separates tags"), "{stderr}");
    env.fails(&["claim", "add", "--doc", "D1"], 2);
}

#[test]
fn claim_list_filters_by_status_doc_and_tag() {
    let env = Env::with_article();
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
        "--tag",
        "figure",
    ]);
    env.ok(&["claim", "add", "--text", "Unanchored", "--tag", "position"]);
    let all = env.json(&["claim", "list"]);
    assert_eq!(all.as_array().unwrap().len(), 2);
    for field in ["id", "text", "quote", "status", "doc"] {
        assert!(all[0].get(field).is_some(), "missing {field}");
    }
    assert_eq!(all[0]["quote"], "836 protest notes");
    // Rows stream out one per line: the array is written as it is read.
    let raw = env.ok(&["--json", "claim", "list"]);
    let lines: Vec<&str> = raw.lines().collect();
    assert_eq!(lines.len(), 4, "{raw}");
    assert_eq!((lines[0], lines[3]), ("[", "]"));
    let second: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(second, all[1]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["claim", "list"];
        a.extend_from_slice(args);
        env.json(&a)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--doc", "D1"]), ["C1"]);
    assert_eq!(ids(&["--tag", "position"]), ["C2"]);
    assert_eq!(ids(&["--status", "unverified"]), ["C1", "C2"]);
    assert!(ids(&["--status", "verified"]).is_empty());
    let stderr = env.fails(&["claim", "list", "--status", "true"], 1);
    assert!(stderr.contains("`true` is not a claim status"), "{stderr}");
    let human = env.ok(&["claim", "list"]);
    assert!(
        human.contains("C1") && human.contains("unverified"),
        "{human}"
    );
}

#[test]
fn claim_show_prints_the_anchor_in_context_and_the_history() {
    let env = Env::with_article();
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "13 formal demarches",
        "--tag",
        "figure",
    ]);
    env.ok(&[
        "--as",
        "ben",
        "claim",
        "edit",
        "C1",
        "--text",
        "Pakistan made 13 formal demarches",
    ]);
    let human = env.ok(&["claim", "show", "C1"]);
    assert!(human.contains("[13 formal demarches]"), "{human}");
    assert!(human.contains("…eetings, 836 protest notes, and [13 formal demarches]. Such diplomatic patience and e…"), "{human}");
    assert!(
        human.contains("claim.add") && human.contains("claim.edit"),
        "{human}"
    );
    assert!(human.contains("ben"), "{human}");
    let j = env.json(&["claim", "show", "C1"]);
    assert_eq!(j["status"], "unverified");
    assert_eq!(j["history"].as_array().unwrap().len(), 2);
    assert_eq!(
        j["history"][1]["data"]["text"]["old"],
        "13 formal demarches"
    );
    let stderr = env.fails(&["claim", "show", "C99"], 1);
    assert!(stderr.contains("no claim C99"), "{stderr}");
}

#[test]
fn claim_edit_records_old_and_new_values() {
    let env = Env::with_article();
    env.ok(&[
        "claim",
        "add",
        "--text",
        "Eight JCC meetings",
        "--tag",
        "event",
    ]);
    let out = env.json(&[
        "claim",
        "edit",
        "C1",
        "--text",
        "8 JCC meetings",
        "--tag",
        "figure",
        "--untag",
        "event",
    ]);
    assert_eq!(out["changed"], true);
    assert_eq!(out["tags"], serde_json::json!(["figure"]));
    let log = env.json(&["audit", "log", "C1"]);
    let edit = &log.as_array().unwrap()[1];
    assert_eq!(edit["action"], "claim.edit");
    assert_eq!(edit["data"]["text"]["old"], "Eight JCC meetings");
    assert_eq!(edit["data"]["text"]["new"], "8 JCC meetings");
    assert_eq!(edit["data"]["tags"]["old"], serde_json::json!(["event"]));
    // An edit that changes nothing records nothing.
    let events = env.event_count();
    let out = env.json(&["claim", "edit", "C1", "--tag", "figure"]);
    assert_eq!(out["changed"], false);
    assert_eq!(env.event_count(), events);
    env.fails(&["claim", "edit", "C1"], 2);
    env.fails(&["claim", "edit", "C5", "--text", "x"], 1);
}

#[test]
fn concurrent_writers_all_land_on_one_valid_chain() {
    let env = Env::with_article();
    let children: Vec<_> = (0..4)
        .map(|w| {
            let file = env.write(
                &format!("batch{w}.json"),
                serde_json::to_string(
                    &(0..25)
                        .map(|i| serde_json::json!({"text": format!("writer {w} claim {i}")}))
                        .collect::<Vec<_>>(),
                )
                .unwrap(),
            );
            let mut cmd = crate::common::process(env.path(), &format!("writer{w}"));
            cmd.args(["claim", "import", &file]);
            (cmd.spawn().unwrap(), w)
        })
        .collect();
    // Single claims from this process at the same time.
    for i in 0..10 {
        env.ok(&["claim", "add", "--text", &format!("solo {i}")]);
    }
    for (mut child, w) in children {
        assert!(child.wait().unwrap().success(), "writer {w} failed");
    }
    assert_eq!(env.json(&["claim", "list"]).as_array().unwrap().len(), 110);
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}
