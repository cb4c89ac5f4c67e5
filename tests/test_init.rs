use crate::common::Env;

#[test]
fn init_makes_the_database_and_object_store() {
    let env = Env::bare();
    let out = env.json(&["init"]);
    let root = env.root();
    assert_eq!(
        out["path"],
        root.canonicalize().unwrap().display().to_string()
    );
    assert!(root.join("claimtrail.db").is_file());
    assert!(root.join("objects").is_dir());
}

#[test]
fn init_takes_a_path_and_refuses_an_existing_workspace() {
    let env = Env::bare();
    env.ok(&["init", "inv"]);
    env.ok(&["--dir", "inv", "claim", "add", "--text", "a claim"]);
    let stderr = env.fails(&["init", "inv"], 1);
    assert!(stderr.contains("already exists"), "{stderr}");
    // Nothing was harmed: the claim is still there.
    let claims = env.json(&["--dir", "inv", "claim", "list"]);
    assert_eq!(claims.as_array().unwrap().len(), 1);
}

#[test]
fn outside_a_workspace_commands_say_how_to_make_one_and_create_nothing() {
    let env = Env::bare();
    for args in [
        &["claim", "list"][..],
        &["audit"],
        &["doc", "add", "x.txt"],
        &["audit", "verify"],
    ] {
        let stderr = env.fails(args, 1);
        assert!(stderr.contains("no claimtrail workspace"), "{stderr}");
        assert!(stderr.contains("claimtrail init"), "{stderr}");
    }
    assert_eq!(std::fs::read_dir(env.path()).unwrap().count(), 0);
}

#[test]
fn commands_find_the_workspace_from_a_subfolder() {
    let env = Env::new();
    let sub = env.path().join("notes/drafts");
    std::fs::create_dir_all(&sub).unwrap();
    env.cmd()
        .current_dir(&sub)
        .args(["claim", "add", "--text", "from below"])
        .assert()
        .success();
    assert_eq!(env.json(&["claim", "list"])[0]["text"], "from below");
}

#[test]
fn dir_flag_and_environment_variable_override_the_search() {
    let ws = Env::new();
    ws.ok(&["claim", "add", "--text", "in the workspace"]);
    let elsewhere = Env::bare();
    let dir = ws.path().display().to_string();
    let out = elsewhere.json(&["--dir", &dir, "claim", "list"]);
    assert_eq!(out[0]["text"], "in the workspace");
    let out = elsewhere
        .cmd()
        .env("CLAIMTRAIL_DIR", ws.root())
        .args(["--json", "claim", "list"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["text"], "in the workspace");
    let stderr = elsewhere.fails(&["--dir", "nowhere", "claim", "list"], 1);
    assert!(
        stderr.contains("no claimtrail workspace at nowhere"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.fails(&["claim", "add"], 2);
    env.fails(&["claim", "add", "--quote", "x"], 2);
    env.fails(&["no-such-command"], 2);
    env.ok(&["--help"]);
}
