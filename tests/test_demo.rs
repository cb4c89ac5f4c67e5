use crate::common::{Env, CLAIMS};

#[test]
fn the_demo_builds_a_workspace_and_prints_every_claim() {
    let env = Env::bare();
    let out = env.ok(&["demo", "inv"]);
    let claims: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(CLAIMS).unwrap()).unwrap();
    let n = claims.as_array().unwrap().len();
    assert!(
        out.contains(&format!(
            "{n} claims: {} unverified, 3 verified, 1 in-review, 1 disputed",
            n - 5
        )),
        "{out}"
    );
    for i in 1..=n {
        assert!(out.contains(&format!("C{i} ")), "C{i} missing from:\n{out}");
    }
    assert!(
        out.contains("Sources (synthetic, and saying so in their own text)"),
        "{out}"
    );
    let sources = env.json(&["--dir", "inv", "source", "list"]);
    assert_eq!(sources.as_array().unwrap().len(), 2);
    // Every demo source says in its own text that it is synthetic.
    for id in ["S1", "S2"] {
        let text = env.json(&["--dir", "inv", "source", "text", id])["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(text.contains("SYNTHETIC"), "{id}: {text}");
    }
    let verified = env.json(&["--dir", "inv", "audit", "verify"]);
    assert_eq!(verified["ok"], true);
    // Verdicts rest only on the synthetic sources, confirmed by a second reviewer.
    let rows = env.json(&["--dir", "inv", "audit"]);
    let reviewed: Vec<&serde_json::Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["proposed_by"].is_string())
        .collect();
    assert_eq!(reviewed.len(), 5);
    for r in &reviewed {
        assert_eq!(r["proposed_by"], "demo checker");
        let claim = r["claim"].as_str().unwrap();
        let shown = env.json(&["--dir", "inv", "claim", "show", claim]);
        assert!(shown["reviews"][0]["note"]
            .as_str()
            .unwrap()
            .starts_with("Demo only:"));
        for e in shown["evidence"].as_array().unwrap() {
            let text = env.json(&[
                "--dir",
                "inv",
                "source",
                "text",
                e["snapshot"].as_str().unwrap(),
            ]);
            assert!(text["text"].as_str().unwrap().contains("SYNTHETIC"));
        }
    }
    let confirmed = reviewed
        .iter()
        .filter(|r| r["confirmed_by"] == "demo editor")
        .count();
    assert_eq!(confirmed, 4);
    assert_eq!(
        env.json(&["--dir", "inv", "queue"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The demo refuses to overwrite a workspace.
    env.fails(&["demo", "inv"], 1);
}

#[test]
fn the_demo_json_names_its_folder() {
    let env = Env::bare();
    let out = env.json(&["demo", "d"]);
    assert_eq!(out["doc"], "D1");
    assert!(out["rows"].as_array().unwrap().len() == out["claims"].as_u64().unwrap() as usize);
    assert!(std::path::Path::new(out["path"].as_str().unwrap())
        .join(".claimtrail")
        .is_dir());
}

#[test]
fn the_demo_without_a_path_makes_and_names_a_fresh_folder() {
    let env = Env::bare();
    let out = env.json(&["demo"]);
    let path = std::path::PathBuf::from(out["path"].as_str().unwrap());
    assert!(path.join(".claimtrail/claimtrail.db").is_file());
    assert!(path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("claimtrail-demo-"));
    std::fs::remove_dir_all(path).unwrap();
}
