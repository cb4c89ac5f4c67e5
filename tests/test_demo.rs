use crate::common::{Env, CLAIMS};

#[test]
fn the_demo_builds_a_workspace_and_prints_every_claim() {
    let env = Env::bare();
    let out = env.ok(&["demo", "inv"]);
    let claims: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(CLAIMS).unwrap()).unwrap();
    let n = claims.as_array().unwrap().len();
    assert!(
        out.contains(&format!("{n} claims: {n} unverified")),
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
