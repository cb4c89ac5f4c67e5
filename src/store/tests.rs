use super::*;
use crate::audit::ChainCheck;

fn store_with_doc() -> (Store, DocId) {
    let mut store = Store::open_in_memory().unwrap();
    let doc = store
        .write("ana", |w| {
            let text_id = w.add_text(&NewText {
                sha256: &"a".repeat(64),
                chars: 10,
                extractor: "utf-8",
                extractor_version: "1",
            })?;
            w.add_document(&NewDocument {
                origin: "article.txt",
                title: "Article",
                publisher: None,
                url: None,
                published: Some("2025-11-20"),
                sha256: &"b".repeat(64),
                size: 10,
                encoding: "utf-8",
                text_id,
            })
        })
        .unwrap();
    (store, doc)
}

fn anchor(start: usize) -> Anchor {
    Anchor {
        exact: "836 protest notes".into(),
        prefix: "meetings, ".into(),
        suffix: ", and 13".into(),
        start,
        end: start + 17,
    }
}

fn add_claim(store: &mut Store, doc: Option<DocId>, tags: &[&str]) -> ClaimId {
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    let a = anchor(100);
    store
        .write("ana", |w| {
            w.add_claim(&NewClaim {
                text: "Pakistan sent 836 protest notes",
                doc,
                anchor: doc.map(|_| &a),
                tags: &tags,
            })
        })
        .unwrap()
}

fn chain_problems(store: &Store) -> Vec<crate::audit::Problem> {
    let mut check = ChainCheck::default();
    store
        .for_each_event(|e| {
            check.push(&e);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    check.problems
}

#[test]
fn claims_round_trip_with_anchor_and_tags() {
    let (mut store, doc) = store_with_doc();
    let id = add_claim(&mut store, Some(doc), &["figure", "event"]);
    let claim = store.claim(id).unwrap().unwrap();
    assert_eq!(claim.doc, Some(doc));
    assert_eq!(claim.anchor, Some(anchor(100)));
    assert_eq!(claim.tags, ["event", "figure"]);
    assert_eq!(claim.status, Status::Unverified);
    assert_eq!(claim.created_by, "ana");
    assert_eq!(store.claim(ClaimId(99)).unwrap(), None);
    assert_eq!(store.claim_at(doc, 100, 117).unwrap(), Some(id));
    assert_eq!(store.document(doc).unwrap().unwrap().claims, 1);
}

#[test]
fn filters_select_by_status_doc_and_tag() {
    let (mut store, doc) = store_with_doc();
    let a = add_claim(&mut store, Some(doc), &["figure"]);
    let b = add_claim(&mut store, None, &["event"]);
    let ids = |f: ClaimFilter| -> Vec<ClaimId> {
        store
            .claims(&f)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids(ClaimFilter::default()), [a, b]);
    assert_eq!(
        ids(ClaimFilter {
            doc: Some(doc),
            ..Default::default()
        }),
        [a]
    );
    assert_eq!(
        ids(ClaimFilter {
            tag: Some("event".into()),
            ..Default::default()
        }),
        [b]
    );
    assert_eq!(
        ids(ClaimFilter {
            status: Some(Status::Verified),
            ..Default::default()
        }),
        Vec::<ClaimId>::new()
    );
}

#[test]
fn every_change_is_an_event_on_a_valid_chain() {
    let (mut store, doc) = store_with_doc();
    let id = add_claim(&mut store, Some(doc), &[]);
    let before = store.claim(id).unwrap().unwrap();
    let changed = store
        .write("ben", |w| {
            w.edit_claim(&before, Some("new words"), &["figure".into()], &[])
        })
        .unwrap();
    assert!(changed);
    let events = store.events_about(&id.to_string()).unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["claim.add", "claim.edit"]);
    assert_eq!(events[1].actor, "ben");
    assert_eq!(
        events[1].data()["text"]["old"],
        "Pakistan sent 836 protest notes"
    );
    assert_eq!(
        events[1].data()["tags"]["new"],
        serde_json::json!(["figure"])
    );
    assert!(chain_problems(&store).is_empty());
    // An edit that changes nothing records nothing.
    let now = store.claim(id).unwrap().unwrap();
    assert!(!store
        .write("ben", |w| w.edit_claim(&now, None, &[], &[]))
        .unwrap());
    assert_eq!(store.events_about(&id.to_string()).unwrap().len(), 2);
}

#[test]
fn a_failed_transaction_leaves_no_row_and_no_event() {
    let (mut store, doc) = store_with_doc();
    let events_before = store.events_about("C1").unwrap().len();
    let result: Result<(), StoreError> = store.write("ana", |w| {
        w.add_claim(&NewClaim {
            text: "x",
            doc: Some(doc),
            anchor: Some(&anchor(1)),
            tags: &[],
        })?;
        // A claim in a document that does not exist violates a foreign key.
        w.add_claim(&NewClaim {
            text: "y",
            doc: Some(DocId(42)),
            anchor: Some(&anchor(1)),
            tags: &[],
        })?;
        Ok(())
    });
    assert!(result.is_err());
    assert!(store.claims(&ClaimFilter::default()).unwrap().is_empty());
    assert_eq!(store.events_about("C1").unwrap().len(), events_before);
    assert!(chain_problems(&store).is_empty());
}

#[test]
fn the_event_table_refuses_update_and_delete() {
    let (store, _) = store_with_doc();
    let conn = store.raw_connection();
    let upd = conn.execute("UPDATE events SET actor = 'mallory' WHERE seq = 1", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = conn.execute("DELETE FROM events WHERE seq = 1", []);
    assert!(del.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn an_old_workspace_migrates_with_its_data_and_twice_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        migrate_to(&mut conn, 1).unwrap();
        conn.execute(
            "INSERT INTO claims (text, created_at, created_by, updated_at, updated_by)
             VALUES ('an old claim', 't', 'ana', 't', 'ana')",
            [],
        )
        .unwrap();
        let has_config: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'config'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has_config, 0);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(
        store.claim(ClaimId(1)).unwrap().unwrap().text,
        "an old claim"
    );
    assert_eq!(store.config_get("org.name").unwrap(), None);
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), latest_version());
    assert_eq!(again.claims(&ClaimFilter::default()).unwrap().len(), 1);
}

#[test]
fn open_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");
    assert!(matches!(Store::open(&path), Err(StoreError::Open(m)) if m.contains("missing.db")));
    assert!(!path.exists());
}

#[test]
fn config_values_are_set_and_recorded() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .write("ana", |w| w.set_config("org.name", "Example Checks"))
        .unwrap();
    store
        .write("ana", |w| w.set_config("org.name", "Example Checks Ltd"))
        .unwrap();
    assert_eq!(
        store.config_get("org.name").unwrap().as_deref(),
        Some("Example Checks Ltd")
    );
    let events = store.events_about("config org.name").unwrap();
    assert_eq!(events[1].data()["old"], "Example Checks");
}

/// Every filter and lookup the commands use goes through an index: a plan that
/// scans a whole table of claims, events, evidence or snapshots fails here.
#[test]
fn every_filter_and_lookup_uses_an_index() {
    use rusqlite::types::Value;
    let (store, _) = store_with_doc();
    let text = |s: &str| Value::Text(s.into());
    let int = Value::Integer;
    let mut cases: Vec<(String, Vec<Value>)> = Vec::new();
    for filter in [
        ClaimFilter {
            status: Some(Status::Verified),
            ..Default::default()
        },
        ClaimFilter {
            doc: Some(DocId(1)),
            ..Default::default()
        },
        ClaimFilter {
            tag: Some("figure".into()),
            ..Default::default()
        },
    ] {
        cases.push(claims_query(&filter));
    }
    cases.push((events_about_query(), vec![text("C1"), int(1)]));
    for (sql, values) in [
        (
            "SELECT id FROM claims WHERE doc_id = ?1 AND start = ?2 AND \"end\" = ?3 LIMIT 1",
            vec![int(1), int(0), int(5)],
        ),
        ("SELECT id FROM evidence WHERE claim_id = ?1", vec![int(1)]),
        (
            "SELECT id FROM evidence WHERE snapshot_id = ?1",
            vec![int(1)],
        ),
        (
            "SELECT id FROM reviews WHERE claim_id = ?1 ORDER BY id",
            vec![int(1)],
        ),
        (
            "SELECT id FROM snapshots WHERE source_id = ?1 ORDER BY seq",
            vec![int(1)],
        ),
        (
            "SELECT id FROM snapshots WHERE sha256 = ?1",
            vec![text("ab")],
        ),
        (
            "SELECT id FROM sources WHERE kind = ?1 AND locator = ?2",
            vec![text("url"), text("x")],
        ),
        (
            "SELECT id FROM attempts WHERE source_id = ?1 ORDER BY id",
            vec![int(1)],
        ),
        // (The chain head, `ORDER BY seq DESC LIMIT 1`, reads one row from the end
        // of the rowid B-tree, though SQLite's plan calls it a scan.)
    ] {
        cases.push((sql.to_string(), values));
    }
    for (sql, values) in cases {
        let plan = store.query_plan(&sql, &values);
        for step in &plan {
            // A scan of a table, or of a whole index ("SCAN c USING INDEX …"),
            // reads every row; only a subquery's own few rows may be scanned.
            let scans_a_table = step.starts_with("SCAN ") && !step.starts_with("SCAN (");
            assert!(!scans_a_table, "{sql}\n  plans a full scan: {plan:?}");
        }
    }
}
