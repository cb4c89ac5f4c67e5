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

#[test]
fn init_over_a_file_or_a_stray_folder_is_a_clear_user_error() {
    let env = Env::bare();
    env.write("afile", "x");
    let stderr = env.fails(&["init", "afile"], 1);
    assert!(
        stderr.contains("cannot create the workspace at afile/.claimtrail"),
        "{stderr}"
    );
    std::fs::create_dir(env.path().join(".claimtrail")).unwrap();
    let stderr = env.fails(&["init"], 1);
    assert!(stderr.contains("is not a claimtrail workspace"), "{stderr}");
}

#[test]
fn an_empty_environment_variable_counts_as_unset() {
    let env = Env::new();
    env.cmd()
        .env("CLAIMTRAIL_DIR", "")
        .args(["claim", "list"])
        .assert()
        .success();
    let out = env
        .cmd()
        .env("CLAIMTRAIL_USER", "")
        .env("USER", "login-name")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["--json", "claim", "add", "--text", "x"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(env.json(&["audit", "log", "C1"])[0]["actor"], "login-name");
}

#[test]
fn the_actor_comes_from_the_flag_the_variable_git_then_the_login() {
    let env = Env::new();
    let home = env.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("gitconfig"), "[user]\n\tname = Git Person\n").unwrap();
    let run = |flag: Option<&str>, var: Option<&str>, git: bool| {
        let mut c = env.cmd();
        c.env_remove("CLAIMTRAIL_USER")
            .env("USER", "login-name")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        c.env(
            "GIT_CONFIG_GLOBAL",
            if git {
                home.join("gitconfig")
            } else {
                "/dev/null".into()
            },
        );
        if let Some(v) = var {
            c.env("CLAIMTRAIL_USER", v);
        }
        c.args(["--json", "claim", "add", "--text", "x"]);
        if let Some(f) = flag {
            c.args(["--as", f]);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        env.json(&["audit", "log", &id])[0]["actor"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        run(Some("Flag Person"), Some("Var Person"), true),
        "Flag Person"
    );
    assert_eq!(run(None, Some("Var Person"), true), "Var Person");
    assert_eq!(run(None, None, true), "Git Person");
    assert_eq!(run(None, None, false), "login-name");
}

#[test]
fn quiet_prints_only_the_new_ids() {
    let env = Env::with_article();
    assert_eq!(env.ok(&["-q", "claim", "add", "--text", "a"]), "C1\n");
    let file = env.write("c.json", r#"[{"text": "b"}, {"text": "c"}]"#);
    assert_eq!(env.ok(&["-q", "claim", "import", &file]), "C2\nC3\n");
    assert_eq!(
        env.ok(&["-q", "claim", "edit", "C1", "--text", "z"]),
        "C1\n"
    );
}

#[test]
fn an_older_workspace_is_migrated_on_open_and_a_newer_one_refused() {
    let env = Env::bare();
    let root = env.path().join(".claimtrail");
    std::fs::create_dir_all(root.join("objects")).unwrap();
    {
        let mut conn = rusqlite::Connection::open(root.join("claimtrail.db")).unwrap();
        claimtrail::store::migrate_to(&mut conn, 1).unwrap();
    }
    env.ok(&["claim", "add", "--text", "after the upgrade"]);
    let version: i64 = env
        .db()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, claimtrail::store::latest_version());
    env.ok(&["claim", "list"]);
    env.db()
        .pragma_update(
            None,
            "user_version",
            claimtrail::store::latest_version() + 1,
        )
        .unwrap();
    let stderr = env.fails(&["claim", "list"], 1);
    assert!(
        stderr.contains("newer than this claimtrail knows"),
        "{stderr}"
    );
}

#[test]
fn claims_from_before_batched_imports_point_at_their_events_after_migrating() {
    let env = Env::new();
    env.ok(&["claim", "add", "--text", "first"]);
    env.ok(&["claim", "add", "--text", "second"]);
    // Make the database what version 5 wrote: no added_seq column.
    env.db()
        .execute_batch("ALTER TABLE claims DROP COLUMN added_seq; PRAGMA user_version = 5;")
        .unwrap();
    let report = env.json(&["audit", "verify"]);
    assert_eq!(report["ok"], true, "{report}");
    let seqs: Vec<i64> = {
        let db = env.db();
        let mut stmt = db
            .prepare("SELECT added_seq FROM claims ORDER BY id")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(seqs, [1, 2]);
    assert_eq!(env.json(&["audit", "log", "C2"])[0]["action"], "claim.add");
}

#[test]
fn a_damaged_database_file_is_named() {
    let env = Env::new();
    std::fs::write(env.root().join("claimtrail.db"), vec![b'x'; 4096]).unwrap();
    let stderr = env.fails(&["claim", "list"], 1);
    assert!(
        stderr.contains("claimtrail.db is not a SQLite database"),
        "{stderr}"
    );
}

#[test]
fn config_values_are_checked_stored_and_recorded() {
    let env = Env::new();
    assert_eq!(
        env.ok(&["config", "get", "review.second-reviewer"]),
        "off\n"
    );
    env.ok(&["config", "set", "review.second-reviewer", "on"]);
    env.ok(&["config", "set", "org.name", "Example Checks"]);
    let all = env.json(&["config", "get"]);
    let find = |k: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(find("review.second-reviewer")["value"], "on");
    assert_eq!(find("org.name")["value"], "Example Checks");
    assert_eq!(find("org.url")["value"], serde_json::Value::Null);
    let stderr = env.fails(&["config", "set", "anchor.threshold", "2"], 1);
    assert!(
        stderr.contains("`2` is not a value for anchor.threshold"),
        "{stderr}"
    );
    let stderr = env.fails(&["config", "set", "no.such", "x"], 1);
    assert!(stderr.contains("`no.such` is not a setting"), "{stderr}");
    let log = env.json(&["audit", "log"]);
    assert_eq!(
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "config.set")
            .count(),
        2
    );
}
