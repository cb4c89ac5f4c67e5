use crate::common::server::{Reply, Server};
use crate::common::{Env, ARTICLE, CLAIMS};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A workspace with claims, a URL source, a file source, evidence and verdicts.
fn reviewed(srv: &Server) -> Env {
    srv.route(
        "/statement.html",
        Reply::Ok(
            "text/html; charset=utf-8",
            b"<p>SYNTHETIC TEST FIXTURE: 836 protest notes, 225 border flag meetings.</p>".to_vec(),
        ),
    );
    let env = Env::with_article();
    env.ok(&["claim", "import", CLAIMS, "--doc", "D1"]);
    env.ok(&[
        "claim",
        "add",
        "--text",
        "<script>document.title='pwned'</script> & \"quoted\"",
    ]);
    let file = env.write(
        "note.txt",
        "SYNTHETIC TEST FIXTURE: a local note about 13 formal demarches.\n",
    );
    env.ok(&["source", "add", &srv.url("/statement.html"), &file]);
    env.ok(&[
        "evidence",
        "add",
        "C17",
        "S1",
        "--stance",
        "supports",
        "--quote",
        "836 protest notes",
        "--note",
        "Same count.",
    ]);
    env.ok(&[
        "evidence",
        "add",
        "C18",
        "S2",
        "--stance",
        "supports",
        "--quote",
        "13 formal demarches",
    ]);
    env.ok(&[
        "evidence",
        "add",
        "C16",
        "S1",
        "--stance",
        "context",
        "--quote",
        "225 border flag meetings",
    ]);
    env.ok(&[
        "review",
        "C17",
        "verified",
        "--note",
        "The synthetic statement gives 836.",
    ]);
    env.ok(&[
        "review",
        "C18",
        "unverifiable",
        "--note",
        "Only a synthetic note says so.",
    ]);
    env
}

#[test]
fn claimreview_json_ld_maps_verdicts_to_ratings_and_names_the_organisation() {
    let srv = Server::start();
    let env = reviewed(&srv);
    let stderr = env.fails(&["export", "claimreview"], 1);
    assert!(
        stderr.contains("set it first") && stderr.contains("org.name"),
        "{stderr}"
    );
    env.ok(&["config", "set", "org.name", "Example Checks"]);
    env.ok(&["config", "set", "org.url", "https://checks.example.org/"]);
    env.ok(&[
        "doc",
        "add",
        ARTICLE,
        "--url",
        "https://news.example.org/a",
        "--publisher",
        "Example News",
        "--published",
        "2025-11-20",
    ]);
    let out: Value = serde_json::from_str(&env.ok(&["export", "claimreview"])).unwrap();
    let reviews = out.as_array().unwrap();
    assert_eq!(reviews.len(), 2, "only claims with a confirmed verdict");
    let r = &reviews[0];
    assert_eq!(r["@context"], "https://schema.org");
    assert_eq!(r["@type"], "ClaimReview");
    assert_eq!(
        r["claimReviewed"],
        "Pakistan issued 836 protest notes to the Afghan Taliban authorities"
    );
    assert_eq!(r["author"]["name"], "Example Checks");
    assert_eq!(r["url"], "https://checks.example.org#C17");
    assert_eq!(r["reviewRating"]["ratingValue"], 5);
    assert_eq!(r["reviewRating"]["alternateName"], "Verified");
    assert_eq!(r["reviewRating"]["bestRating"], 5);
    assert_eq!(r["reviewRating"]["worstRating"], 1);
    assert_eq!(
        r["reviewRating"]["ratingExplanation"],
        "The synthetic statement gives 836."
    );
    assert_eq!(r["itemReviewed"]["@type"], "Claim");
    assert_eq!(r["datePublished"].as_str().unwrap().len(), 10);
    // Unverifiable is words only, not a point on the scale.
    assert_eq!(reviews[1]["reviewRating"]["alternateName"], "Unverifiable");
    assert!(reviews[1]["reviewRating"].get("ratingValue").is_none());
    let one: Value =
        serde_json::from_str(&env.ok(&["export", "claimreview", "--claim", "C17"])).unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    let stderr = env.fails(&["export", "claimreview", "--claim", "C1"], 1);
    assert!(stderr.contains("C1 has no confirmed verdict"), "{stderr}");
}

#[test]
fn exported_json_and_csv_read_back_through_claim_import() {
    let srv = Server::start();
    let env = reviewed(&srv);
    let json_path = env.path().join("claims.json");
    env.ok(&["export", "json", "--out", json_path.to_str().unwrap()]);
    let exported: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let c17 = exported["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "C17")
        .unwrap();
    assert_eq!(c17["verdict"], "verified");
    assert_eq!(c17["rationale"], "The synthetic statement gives 836.");
    assert_eq!(c17["proposed_by"], "tester");
    assert_eq!(c17["evidence"][0]["stance"], "supports");
    assert_eq!(c17["evidence"][0]["snapshot"], "S1@1");
    assert_eq!(
        c17["evidence"][0]["snapshot_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    let csv_path = env.path().join("claims.csv");
    env.ok(&["export", "csv", "--out", csv_path.to_str().unwrap()]);
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "text");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 41);
    let pos = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let tricky = rows.iter().find(|r| r[pos("id")] == *"C41").unwrap();
    assert_eq!(
        &tricky[pos("text")],
        "<script>document.title='pwned'</script> & \"quoted\""
    );
    assert!(rows.iter().any(|r| r[pos("verdict")] == *"Verified"));
    assert!(rows
        .iter()
        .any(|r| r[pos("evidence")].contains("(note: Same count.)")));

    // Both read back into a fresh workspace holding the same article.
    for file in [&json_path, &csv_path] {
        let fresh = Env::with_article();
        let out = fresh.json(&["claim", "import", file.to_str().unwrap()]);
        assert_eq!(out["imported"], 41, "{}", file.display());
        let before = env.json(&["claim", "list"]);
        let after = fresh.json(&["claim", "list"]);
        for (a, b) in before
            .as_array()
            .unwrap()
            .iter()
            .zip(after.as_array().unwrap())
        {
            for field in ["text", "quote", "doc", "tags", "anchor"] {
                assert_eq!(
                    a[field],
                    b[field],
                    "{field} of {} from {}",
                    a["id"],
                    file.display()
                );
            }
        }
    }
}

fn warcio() -> Command {
    let found = Command::new("warcio")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "warcio is needed for this test: `pip install warcio` (.ci/run installs it)"
    );
    Command::new("warcio")
}

#[test]
fn the_warc_export_passes_warcio_check_and_lists_every_capture() {
    let srv = Server::start();
    let env = reviewed(&srv);
    env.ok(&["source", "recheck", "S1"]);
    // A body that came chunked is stored de-chunked; the archive must still check out.
    srv.route(
        "/chunked.html",
        Reply::Chunked(
            "text/html",
            b"<p>SYNTHETIC TEST FIXTURE sent in two chunks.</p>".to_vec(),
        ),
    );
    env.ok(&["source", "add", &srv.url("/chunked.html")]);
    let warc = env.path().join("out.warc.gz");
    let out = env.json(&["export", "warc", "--out", warc.to_str().unwrap()]);
    assert_eq!(out["records"]["responses"], 3);
    assert_eq!(out["records"]["resources"], 1);

    let check = warcio().args(["check", "-v"]).arg(&warc).output().unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "warcio check failed:\n{report}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        report.matches("digest pass").count(),
        3 + 3 + 1 + 4,
        "{report}"
    );
    assert!(!report.contains("fail"), "{report}");

    let index = warcio().arg("index").arg(&warc).output().unwrap();
    assert!(index.status.success());
    let records: Vec<Value> = String::from_utf8(index.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["warc-type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "warcinfo").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "response").count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == "request").count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == "resource").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "metadata").count(), 4);
    let uris: Vec<&str> = records
        .iter()
        .filter_map(|r| r["warc-target-uri"].as_str())
        .collect();
    assert!(uris.contains(&srv.url("/statement.html").as_str()));
    assert!(uris
        .iter()
        .any(|u| u.starts_with("file://") && u.ends_with("note.txt")));
}

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    let bin = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("headless Chromium is needed for this test: `apt-get install chromium` (.ci/run installs it)");
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_html_report_renders_in_chromium_and_runs_no_script() {
    let srv = Server::start();
    let env = reviewed(&srv);
    let report = env.path().join("report.html");
    env.ok(&[
        "export",
        "html",
        "--out",
        report.to_str().unwrap(),
        "--title",
        "Test report",
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("<script"),
        "no script element, even from user text"
    );
    assert!(html.contains("&lt;script&gt;document.title="));
    assert!(
        !html.contains("http://") || html.contains(&srv.url("/statement.html")),
        "links only to sources"
    );

    let url = format!("file://{}", report.display());
    let profile = env.path().join("chromium-profile");
    let dom = chromium(&["--dump-dom", &url], &profile);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<title>Test report</title>"),
        "a script changed the title, or nothing rendered:\n{}",
        &dom[..dom.len().min(500)]
    );
    assert!(
        dom.contains("Pakistan issued 836 protest notes"),
        "claims rendered"
    );
    assert!(
        dom.contains("<mark>836 protest notes</mark>"),
        "quotes highlighted in context"
    );
    assert!(dom.contains("Verdict: Verified"));
    assert!(
        dom.contains("note: Same count."),
        "evidence notes are shown"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; \"quoted\""));
    assert_eq!(
        dom.matches("class=\"bar\"").count(),
        7,
        "one bar per status"
    );

    let shot = env.path().join("report.png");
    let out = chromium(
        &[
            "--window-size=1200,1600",
            &format!("--screenshot={}", shot.display()),
            &url,
        ],
        &profile,
    );
    assert!(shot.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}

#[test]
fn an_export_to_a_path_that_cannot_be_written_leaves_no_file() {
    let srv = Server::start();
    let env = reviewed(&srv);
    env.write("a-file", "x");
    for (format, name) in [
        ("json", "a-file/out.json"),
        ("html", "a-file/out.html"),
        ("warc", "a-file/out.warc.gz"),
        ("csv", "missing/dir/out.csv"),
    ] {
        let out = env.path().join(name);
        let stderr = env.fails(&["export", format, "--out", out.to_str().unwrap()], 1);
        assert!(stderr.contains("cannot write"), "{stderr}");
    }
    let names: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".tmp")), "{names:?}");
}

#[test]
fn completions_and_man_page_are_generated() {
    let env = Env::bare();
    for shell in ["bash", "zsh", "fish"] {
        let out = env.ok(&["completions", shell]);
        assert!(
            out.contains("claimtrail") && out.contains("recheck"),
            "{shell}"
        );
    }
    let man = env.ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH claimtrail"),
        "{}",
        &man[..200]
    );
    env.fails(&["completions", "tcsh"], 2);
}

#[test]
fn a_damaged_blob_stops_the_warc_export_and_review_urls_follow_the_template() {
    let srv = Server::start();
    let env = reviewed(&srv);
    env.ok(&["config", "set", "org.name", "Example Checks"]);
    env.ok(&["config", "set", "org.url", "https://checks.example.org"]);
    env.ok(&[
        "config",
        "set",
        "org.review-url",
        "https://checks.example.org/checks/{claim}",
    ]);
    let out: Value =
        serde_json::from_str(&env.ok(&["export", "claimreview", "--claim", "C17"])).unwrap();
    assert_eq!(out[0]["url"], "https://checks.example.org/checks/C17");
    env.fails(
        &[
            "config",
            "set",
            "org.review-url",
            "https://checks.example.org/x",
        ],
        1,
    );

    let sha = env.json(&["source", "show", "S1"])["snapshots"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let blob = env.root().join("objects").join(&sha[..2]).join(&sha[2..]);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[5] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    let warc = env.path().join("out.warc.gz");
    let stderr = env.fails(&["export", "warc", "--out", warc.to_str().unwrap()], 1);
    assert!(
        stderr.contains("S1@1 no longer match their hash"),
        "{stderr}"
    );
    assert!(!warc.exists(), "no archive with a wrong digest is written");
}
