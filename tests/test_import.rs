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
