use crate::common::{article_text, Env, ARTICLE};
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn doc_add_snapshots_the_bytes_under_their_hash() {
    let env = Env::new();
    let out = env.json(&[
        "doc",
        "add",
        ARTICLE,
        "--title",
        "Seed",
        "--publisher",
        "Occasional Digest",
        "--published",
        "2025-11-20",
        "--url",
        "https://example.org/article",
    ]);
    let bytes = std::fs::read(ARTICLE).unwrap();
    let hash = sha256(&bytes);
    assert_eq!(out["id"], "D1");
    assert_eq!(out["sha256"], hash);
    assert_eq!(out["chars"], article_text().chars().count());
    let blob = env.root().join("objects").join(&hash[..2]).join(&hash[2..]);
    assert_eq!(std::fs::read(blob).unwrap(), bytes);

    let shown = env.json(&["doc", "show", "D1"]);
    assert_eq!(shown["title"], "Seed");
    assert_eq!(shown["publisher"], "Occasional Digest");
    assert_eq!(shown["published"], "2025-11-20");
    assert_eq!(shown["url"], "https://example.org/article");
    assert_eq!(shown["sha256"], hash);
    assert_eq!(shown["added_by"], "tester");
    let list = env.json(&["doc", "list"]);
    assert_eq!(list[0]["id"], "D1");
    assert_eq!(list[0]["sha256"], hash);
    let human = env.ok(&["doc", "list"]);
    assert!(human.contains("D1") && human.contains("Seed"), "{human}");
}

#[test]
fn doc_show_text_prints_the_text_to_quote_from() {
    let env = Env::with_article();
    assert_eq!(
        env.ok(&["doc", "show", "D1", "--text"]).trim_end(),
        article_text().trim_end()
    );
    let j = env.json(&["doc", "show", "D1", "--text"]);
    assert_eq!(j["text"], article_text());
}

#[test]
fn the_same_bytes_are_stored_once() {
    let env = Env::with_article();
    let before = env.objects();
    env.ok(&["doc", "add", ARTICLE]);
    assert_eq!(env.objects(), before);
    assert_eq!(env.json(&["doc", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn a_latin1_article_is_decoded_and_a_binary_one_refused_with_nothing_written() {
    let env = Env::new();
    let file = env.write("latin1.txt", b"Caf\xe9 au lait: 836 notes");
    let out = env.json(&["doc", "add", &file]);
    assert_eq!(out["encoding"], "windows-1252");
    assert_eq!(
        env.json(&["doc", "show", "D1", "--text"])["text"],
        "Café au lait: 836 notes"
    );
    let objects = env.objects();
    let events = env.event_count();
    let png = env.write("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let stderr = env.fails(&["doc", "add", &png], 1);
    assert!(
        stderr.contains("image.png: no text extractor for binary data"),
        "{stderr}"
    );
    let empty = env.write("empty.txt", b"  \n");
    let stderr = env.fails(&["doc", "add", &empty], 1);
    assert!(
        stderr.contains("empty.txt: the article has no text"),
        "{stderr}"
    );
    assert_eq!(env.objects(), objects);
    assert_eq!(env.event_count(), events);
}

#[test]
fn missing_files_bad_dates_and_urls_are_clear_errors() {
    let env = Env::new();
    let stderr = env.fails(&["doc", "add", "nope.txt"], 1);
    assert!(
        stderr.contains("cannot read nope.txt: no such file"),
        "{stderr}"
    );
    let stderr = env.fails(&["doc", "add", ARTICLE, "--published", "2025-02-30"], 1);
    assert!(
        stderr.contains("`2025-02-30` is not a publication date"),
        "{stderr}"
    );
    let stderr = env.fails(&["doc", "add", "ftp://127.0.0.1/a.txt"], 1);
    assert!(
        stderr.contains("the ftp:// scheme is not supported"),
        "{stderr}"
    );
    assert!(env.objects().is_empty());
    assert!(env.json(&["doc", "list"]).as_array().unwrap().is_empty());
}

#[test]
fn unknown_and_malformed_document_ids_are_named() {
    let env = Env::with_article();
    let stderr = env.fails(&["doc", "show", "D9"], 1);
    assert!(stderr.contains("no document D9"), "{stderr}");
    let stderr = env.fails(&["doc", "show", "C1"], 1);
    assert!(stderr.contains("`C1` is not a document id"), "{stderr}");
}

/// Makes the database file unwritable even for root (chattr +i), and undoes it
/// when dropped so the temp folder can be removed.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn set(path: std::path::PathBuf) -> Immutable {
        let is_root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if is_root {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .arg(&path)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "chattr +i failed: this test needs a filesystem with file attributes (ext4)"
            );
        } else {
            let mut perms = std::fs::metadata(&path).unwrap().permissions();
            perms.set_readonly(true);
            std::fs::set_permissions(&path, perms).unwrap();
        }
        Immutable(path)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
        if let Ok(m) = std::fs::metadata(&self.0) {
            let mut perms = m.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            let _ = std::fs::set_permissions(&self.0, perms);
        }
    }
}

#[test]
fn a_read_only_database_refuses_changes_cleanly_and_still_reads() {
    let env = Env::with_article();
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
    ]);
    // Fold the WAL into the main file so the locked file holds everything.
    env.db()
        .pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    let objects = env.objects();
    let _lock = Immutable::set(env.root().join("claimtrail.db"));

    let stderr = env.fails(&["claim", "add", "--text", "one more"], 3);
    assert!(stderr.contains("read-only"), "{stderr}");
    let other = env.write("other.txt", "A different article with 13 demarches.");
    let stderr = env.fails(&["doc", "add", &other], 3);
    assert!(stderr.contains("read-only"), "{stderr}");
    // The blobs that doc add wrote before its transaction failed were taken back.
    assert_eq!(env.objects(), objects);
    // Reading still works.
    assert_eq!(env.json(&["claim", "list"]).as_array().unwrap().len(), 1);
}
