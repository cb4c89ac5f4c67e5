use crate::common::{Env, CLAIMS};

#[test]
fn importing_the_fixture_claims_anchors_every_one() {
    let env = Env::with_article();
    let out = env.json(&["claim", "import", CLAIMS, "--doc", "D1"]);
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(CLAIMS).unwrap()).unwrap();
    let n = expected.as_array().unwrap().len();
    assert_eq!(out["imported"], n);
    assert_eq!(out["ids"].as_array().unwrap().len(), n);
    let listed = env.json(&["claim", "list"]);
    for (claim, want) in listed
        .as_array()
        .unwrap()
        .iter()
        .zip(expected.as_array().unwrap())
    {
        assert_eq!(claim["quote"], want["quote"]);
        assert_eq!(claim["text"], want["text"]);
        assert_eq!(claim["doc"], "D1");
    }
}

#[test]
fn a_large_import_is_logged_in_batches_and_all_or_nothing() {
    let env = Env::new();
    let mut csv = String::from("text,tags\n");
    for i in 1..=2500 {
        csv.push_str(&format!(
            "\"Synthetic claim {i}, quoted\",bulk;n{}\n",
            i % 7
        ));
    }
    // A bad record after two whole batches: nothing at all is logged.
    let bad = env.write("bad.csv", format!("{csv}\"\",bulk\n"));
    let stderr = env.fails(&["claim", "import", &bad], 1);
    assert!(stderr.contains("line 2502"), "{stderr}");
    assert_eq!(env.json(&["claim", "list"]).as_array().unwrap().len(), 0);
    assert_eq!(env.json(&["audit", "log"]).as_array().unwrap().len(), 0);

    let good = env.write("good.csv", &csv);
    let out = env.json(&["claim", "import", &good]);
    assert_eq!(out["imported"], 2500);
    assert_eq!(out["ids"][2499], "C2500");
    let log = env.json(&["audit", "log"]);
    let events: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("claim.import", "C1..C1000"),
            ("claim.import", "C1001..C2000"),
            ("claim.import", "C2001..C2500")
        ]
    );
    let c1500 = env.json(&["claim", "show", "C1500"]);
    assert_eq!(c1500["text"], "Synthetic claim 1500, quoted");
    assert_eq!(c1500["history"][0]["subject"], "C1001..C2000");
    assert_eq!(
        c1500["history"][0]["data"]["text"], "Synthetic claim 1500, quoted",
        "a claim's history shows its own entry of the batch"
    );
    let human = env.ok(&["claim", "show", "C1500"]);
    assert!(
        human.contains("claim.import") && human.contains("imported"),
        "{human}"
    );
    assert_eq!(
        env.json(&["claim", "list", "--tag", "n3"])
            .as_array()
            .unwrap()
            .len(),
        357
    );
    let report = env.json(&["audit", "verify"]);
    assert_eq!(report["ok"], true, "{report}");
}

#[test]
fn csv_imports_with_quoted_fields_and_tags() {
    let env = Env::with_article();
    let csv = env.write(
        "claims.csv",
        "text,quote,doc,tags\n\
         \"Pakistan sent 836 protest notes, it says\",836 protest notes,D1,figure;event\n\
         A claim with no article,,,position\n\
         ,225 border flag meetings,D1,\n",
    );
    let out = env.json(&["claim", "import", &csv]);
    assert_eq!(out["imported"], 3);
    let c1 = env.json(&["claim", "show", "C1"]);
    assert_eq!(c1["text"], "Pakistan sent 836 protest notes, it says");
    assert_eq!(c1["tags"], serde_json::json!(["event", "figure"]));
    let c3 = env.json(&["claim", "show", "C3"]);
    assert_eq!(c3["text"], "225 border flag meetings");
}

/// Each bad file: exit 1, the record named, nothing imported, no event written.
fn refused(env: &Env, name: &str, contents: &str, expect: &str) {
    let file = env.write(name, contents);
    let events = env.event_count();
    let stderr = env.fails(&["claim", "import", &file, "--doc", "D1"], 1);
    assert!(stderr.contains(expect), "expected {expect:?} in:\n{stderr}");
    assert!(env.json(&["claim", "list"]).as_array().unwrap().is_empty());
    assert_eq!(env.event_count(), events);
}

#[test]
fn malformed_import_files_import_nothing_and_name_the_record() {
    let env = Env::with_article();
    refused(
        &env,
        "bad.json",
        "[{\"quote\": \"836 protest notes\"},\n {\"text\": ]",
        "not valid JSON at line 2",
    );
    refused(
        &env,
        "missing.json",
        r#"[{"quote": "836 protest notes"}, {"tags": ["figure"]}]"#,
        "record 2: needs a `text` or a `quote`",
    );
    refused(
        &env,
        "type.json",
        r#"[{"quote": "836 protest notes"}, {"quote": "13 formal demarches", "tags": "x"}, {"text": ["a"]}]"#,
        "record 3: `text` must be a string, not an array",
    );
    refused(
        &env,
        "notfound.json",
        r#"[{"quote": "836 protest notes"}, {"quote": "837 protest notes"}]"#,
        "record 2: D1: quote not found",
    );
    refused(
        &env,
        "object.json",
        r#"{"text": "x"}"#,
        "expected a JSON array",
    );
    refused(
        &env,
        "bad.csv",
        "text,quote,doc\nok,836 protest notes,D1\nbad,836,X1\n",
        "line 3: `X1` is not a document id",
    );
    refused(
        &env,
        "header.csv",
        "text,quote,doc\n",
        "header.csv: holds no claims",
    );
    refused(
        &env,
        "bom.csv",
        // The byte-order mark is not part of the first column's name.
        "\u{feff}text,tags\nok,x\n,y\n",
        "line 3: needs a `text` or a `quote`",
    );
    refused(
        &env,
        "short.csv",
        "text,quote\nok,836 protest notes\nonly-one\n",
        "line 3: 1 fields where the header has 2",
    );
    refused(&env, "claims.txt", "text\nx\n", "use a .json or .csv file");
}

#[test]
fn a_quote_without_a_document_is_refused() {
    let env = Env::with_article();
    let file = env.write("c.json", r#"[{"quote": "836 protest notes"}]"#);
    let stderr = env.fails(&["claim", "import", &file], 1);
    assert!(
        stderr.contains("record 1: a quote needs the document"),
        "{stderr}"
    );
}
