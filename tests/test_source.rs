use crate::common::server::{Reply, Server};
use crate::common::{strings, Env};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

const REPORT_HTML: &[u8] = include_bytes!("../fixtures/sources/report.html");
const REPORT_PDF: &[u8] = include_bytes!("../fixtures/sources/report.pdf");
const LATIN1: &[u8] = include_bytes!("../fixtures/sources/latin1.txt");

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn server() -> Server {
    let s = Server::start();
    s.route(
        "/report.html",
        Reply::Ok("text/html; charset=utf-8", REPORT_HTML.to_vec()),
    );
    s.route(
        "/report.pdf",
        Reply::Ok("application/pdf", REPORT_PDF.to_vec()),
    );
    s.route(
        "/latin1.txt",
        Reply::Ok("text/plain; charset=iso-8859-1", LATIN1.to_vec()),
    );
    s.route("/unlabelled.txt", Reply::Ok("text/plain", LATIN1.to_vec()));
    s
}

/// `source add` with --json; returns (exit code, the array it printed, stderr).
fn add(env: &Env, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = env
        .cmd()
        .args(["--json", "source", "add"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (
        out.status.code().unwrap(),
        v.as_array().unwrap().clone(),
        stderr,
    )
}

fn snapshot_count(env: &Env) -> i64 {
    env.db()
        .query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_page_is_captured_exactly_as_served_with_its_text() {
    let srv = server();
    let env = Env::new();
    let (code, items, _) = add(&env, &[&srv.url("/report.html")]);
    assert_eq!(code, 0);
    let item = &items[0];
    assert_eq!(item["source"], "S1");
    assert_eq!(item["snapshot"], "S1@1");
    assert_eq!(item["sha256"], sha256(REPORT_HTML));
    assert_eq!(item["size"], REPORT_HTML.len());
    assert_eq!(item["http_status"], 200);
    assert_eq!(item["final_url"], srv.url("/report.html"));
    assert_eq!(item["content_type"], "text/html; charset=utf-8");
    assert_eq!(
        item["title"],
        "Fixture Monitoring Report 99 (synthetic test page)"
    );
    let hash = item["sha256"].as_str().unwrap();
    let blob = env.root().join("objects").join(&hash[..2]).join(&hash[2..]);
    assert_eq!(std::fs::read(blob).unwrap(), REPORT_HTML);

    let text = env.json(&["source", "text", "S1"]);
    assert_eq!(text["snapshot"], "S1@1");
    assert_eq!(text["text_sha256"], item["text_sha256"]);
    let t = text["text"].as_str().unwrap();
    assert!(
        t.contains("The fixture registry lists 836 protest notes and 13 formal demarches"),
        "{t}"
    );
    assert!(!t.contains("trackingPixel"), "{t}");

    // What the client sent: our User-Agent, and no request for compression.
    let requests = srv.requests.lock().unwrap().join("\n").to_lowercase();
    assert!(
        requests.contains(&format!(
            "user-agent: claimtrail/{}",
            env!("CARGO_PKG_VERSION")
        )),
        "{requests}"
    );
    assert!(!requests.contains("accept-encoding"), "{requests}");

    let shown = env.json(&["source", "show", "S1"]);
    let snap = &shown["snapshots"][0];
    assert_eq!(snap["remote_ip"], "127.0.0.1");
    assert!(snap["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h[0] == "content-type"));
    assert!(snap["fetched_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn redirects_are_followed_and_every_hop_recorded() {
    let srv = server();
    srv.route("/old", Reply::Redirect(301, "/moved".into()));
    srv.route("/moved", Reply::Redirect(302, srv.url("/report.html")));
    let env = Env::new();
    let (code, items, _) = add(&env, &[&srv.url("/old")]);
    assert_eq!(code, 0);
    assert_eq!(items[0]["final_url"], srv.url("/report.html"));
    let shown = env.json(&["source", "show", "S1"]);
    assert_eq!(shown["url"], srv.url("/old"));
    let hops = shown["snapshots"][0]["redirects"].as_array().unwrap();
    assert_eq!(hops.len(), 2);
    assert_eq!(hops[0]["url"], srv.url("/old"));
    assert_eq!(hops[0]["status"], 301);
    assert_eq!(hops[1]["status"], 302);
}

#[test]
fn pdf_latin1_and_local_files_are_captured_with_text() {
    let srv = server();
    let env = Env::new();
    let local = env.write(
        "statement.txt",
        "SYNTHETIC TEST FIXTURE: a local statement with 225 flag meetings.\n",
    );
    let (code, items, _) = add(
        &env,
        &[
            &srv.url("/report.pdf"),
            &srv.url("/latin1.txt"),
            &srv.url("/unlabelled.txt"),
            &local,
        ],
    );
    assert_eq!(code, 0, "{items:?}");
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["snapshot"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["S1@1", "S2@1", "S3@1", "S4@1"],
        "ids follow the order given"
    );
    let pdf = env.json(&["source", "text", "S1@1"])["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        pdf.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("836 notes and 13 demarches"),
        "{pdf}"
    );
    for id in ["S2", "S3"] {
        let t = env.json(&["source", "text", id])["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(t.contains("Café crème, naïve résumé"), "{id}: {t}");
    }
    let file = env.json(&["source", "show", "S4"]);
    assert_eq!(file["kind"], "file");
    assert!(file["snapshots"][0]["file_mtime"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(file["snapshots"][0]["http_status"], Value::Null);
}

#[test]
fn identical_bytes_are_stored_once_and_adding_again_makes_a_new_snapshot() {
    let srv = server();
    srv.route("/copy.html", Reply::Ok("text/html", REPORT_HTML.to_vec()));
    let env = Env::new();
    add(&env, &[&srv.url("/report.html"), &srv.url("/copy.html")]);
    let before = env.objects().len();
    let (_, items, _) = add(&env, &[&srv.url("/report.html")]);
    assert_eq!(items[0]["snapshot"], "S1@2");
    assert_eq!(
        env.objects().len(),
        before,
        "no new blob for the same bytes"
    );
    // Body and text blobs: two, shared by three snapshots.
    assert_eq!(before, 2);
}

#[test]
fn many_at_once_from_a_list_and_stdin_with_a_summary() {
    let srv = server();
    let env = Env::new();
    let mut urls = Vec::new();
    for i in 0..24 {
        let path = format!("/page{i}.txt");
        srv.route(
            &path,
            Reply::Ok(
                "text/plain",
                format!("SYNTHETIC TEST FIXTURE page {i}.\n").into_bytes(),
            ),
        );
        urls.push(srv.url(&path));
    }
    let list = env.write(
        "list.txt",
        format!("# sources\n{}\n\n", urls[..12].join("\n")),
    );
    let (code, items, _) = add(&env, &["--from", &list, "--jobs", "4"]);
    assert_eq!(code, 0);
    assert_eq!(items.len(), 12);
    let out = env
        .cmd()
        .args(["--json", "source", "add", "--from", "-", "--jobs", "16"])
        .write_stdin(urls[12..].join("\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 12);
    assert_eq!(env.json(&["source", "list"]).as_array().unwrap().len(), 24);
    // The human summary is a table with one row per item.
    let human = env.ok(&["source", "add", &urls[0], &urls[1]]);
    assert!(human.contains("S1@2") && human.contains("S2@2"), "{human}");
}

/// Each bad input: a clear error naming it, no snapshot row, no blob, no temp file.
fn refused(env: &Env, url: &str, extra: &[&str], code: i32, expect: &str) {
    let snapshots = snapshot_count(env);
    let objects = env.objects();
    let mut args = vec![url];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let (got, items, stderr) = add(env, &args);
    assert_eq!(got, code, "{url}: {items:?}\n{stderr}");
    let error = items[0]["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{url}: no error in {items:?}"));
    assert!(
        error.contains(expect),
        "{url}: expected {expect:?} in {error:?}"
    );
    assert!(stderr.contains(expect), "{stderr}");
    assert_eq!(snapshot_count(env), snapshots, "{url} left a snapshot row");
    assert_eq!(env.objects(), objects, "{url} left a blob or temp file");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{url} took {:?}",
        started.elapsed()
    );
}

#[test]
fn bad_urls_and_misbehaving_servers_leave_nothing_behind() {
    let srv = server();
    srv.route("/loop-a", Reply::Redirect(302, "/loop-b".into()));
    srv.route("/loop-b", Reply::Redirect(302, "/loop-a".into()));
    srv.route(
        "/to-ftp",
        Reply::Redirect(302, "ftp://127.0.0.1/file".into()),
    );
    srv.route("/gone", Reply::Status(404));
    srv.route("/broken", Reply::Status(500));
    srv.route(
        "/short",
        Reply::ShortBody {
            claimed: 1000,
            body: b"only a few bytes".to_vec(),
        },
    );
    srv.route("/hang", Reply::Hang);
    srv.route("/drip", Reply::Drip(Duration::from_millis(300)));
    srv.route("/huge", Reply::Endless { total: 10 << 30 }); // 10 GiB, cut off at the cap
    srv.route("/big", Reply::Ok("text/plain", vec![b'a'; 4096]));
    srv.route(
        "/bad-utf8",
        Reply::Ok(
            "text/plain; charset=utf-8",
            b"valid start \xff\xfe then junk".to_vec(),
        ),
    );
    let env = Env::new();
    refused(&env, "http://exa mple.org/", &[], 1, "is not a valid URL");
    refused(&env, "ftp://127.0.0.1/x", &[], 1, "scheme is not supported");
    refused(&env, "http://127.0.0.1:1/", &[], 3, "connection refused");
    refused(&env, &srv.url("/gone"), &[], 1, "the server answered 404");
    refused(&env, &srv.url("/broken"), &[], 1, "the server answered 500");
    refused(&env, &srv.url("/loop-a"), &[], 1, "more than 10 redirects");
    refused(
        &env,
        &srv.url("/to-ftp"),
        &[],
        1,
        "which is not http or https",
    );
    refused(
        &env,
        &srv.url("/short"),
        &[],
        3,
        "closed before the body was complete",
    );
    refused(
        &env,
        &srv.url("/hang"),
        &["--timeout", "1"],
        3,
        "no complete answer within 1s",
    );
    refused(
        &env,
        &srv.url("/drip"),
        &["--timeout", "2"],
        3,
        "no complete answer within 2s",
    );
    refused(
        &env,
        &srv.url("/huge"),
        &["--max-size", "1M"],
        1,
        "larger than the 1048576-byte cap",
    );
    refused(
        &env,
        &srv.url("/big"),
        &["--max-size", "1K"],
        1,
        "larger than the 1024-byte cap",
    );
    refused(&env, &srv.url("/bad-utf8"), &[], 1, "not valid UTF-8");
    refused(
        &env,
        "no-such-file.txt",
        &[],
        1,
        "cannot read no-such-file.txt: no such file",
    );
    refused(&env, env.path().to_str().unwrap(), &[], 1, "it is a folder");
    assert!(env.json(&["source", "list"]).as_array().unwrap().is_empty());
}

#[test]
fn one_failure_does_not_stop_the_others() {
    let srv = server();
    let env = Env::new();
    let (code, items, stderr) = add(
        &env,
        &[
            &srv.url("/report.html"),
            &srv.url("/nothing-here"),
            &srv.url("/report.pdf"),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(items[0]["snapshot"], "S1@1");
    assert!(items[1]["error"].as_str().unwrap().contains("404"));
    assert_eq!(items[2]["snapshot"], "S2@1");
    assert!(stderr.contains("1 of 3 items failed"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains("404")).count(),
        1,
        "{stderr}"
    );
}

#[test]
fn an_unreadable_pdf_is_kept_with_its_failure_recorded() {
    let srv = Server::start();
    let mut broken = REPORT_PDF[..REPORT_PDF.len() / 2].to_vec();
    broken.extend_from_slice(b"not the rest of a PDF");
    srv.route("/broken.pdf", Reply::Ok("application/pdf", broken.clone()));
    let env = Env::new();
    let (code, items, _) = add(&env, &[&srv.url("/broken.pdf")]);
    assert_eq!(code, 0);
    assert_eq!(items[0]["sha256"], sha256(&broken));
    assert_eq!(items[0]["text_sha256"], Value::Null);
    assert!(
        items[0]["text_error"]
            .as_str()
            .unwrap()
            .contains("cannot read the PDF"),
        "{items:?}"
    );
    let stderr = env.fails(&["source", "text", "S1@1"], 1);
    assert!(
        stderr.contains("S1@1 has no text: cannot read the PDF"),
        "{stderr}"
    );
}

#[test]
fn recheck_reports_unchanged_changed_and_gone() {
    let srv = server();
    srv.route(
        "/live.html",
        Reply::Ok(
            "text/html",
            b"<p>SYNTHETIC TEST FIXTURE.</p><p>The count is 836.</p>".to_vec(),
        ),
    );
    srv.route(
        "/soon-gone",
        Reply::Ok(
            "text/plain",
            b"SYNTHETIC TEST FIXTURE, about to vanish".to_vec(),
        ),
    );
    let env = Env::new();
    let local = env.write("local.txt", "SYNTHETIC TEST FIXTURE, a local file\n");
    add(
        &env,
        &[
            &srv.url("/live.html"),
            &srv.url("/soon-gone"),
            &srv.url("/report.pdf"),
            &local,
        ],
    );

    let first = env.json(&["source", "recheck", "--all"]);
    assert_eq!(strings(&first, "state"), ["unchanged"; 4]);
    assert_eq!(first[0]["snapshot"], "S1@2");

    srv.route(
        "/live.html",
        Reply::Ok(
            "text/html",
            b"<p>SYNTHETIC TEST FIXTURE.</p><p>The count is 837.</p>".to_vec(),
        ),
    );
    srv.route("/soon-gone", Reply::Status(410));
    std::fs::remove_file(&local).unwrap();
    let second = env.json(&["source", "recheck", "S1", "S2", "S3", "S4"]);
    let r = second.as_array().unwrap();
    assert_eq!(r[0]["state"], "changed");
    assert_eq!(r[0]["text_changed"], true);
    let summary = r[0]["summary"].as_str().unwrap();
    assert!(
        summary.contains("was: \"The count is 836.\"")
            && summary.contains("now: \"The count is 837.\""),
        "{summary}"
    );
    assert_eq!(r[1]["state"], "gone");
    assert_eq!(r[1]["http_status"], 410);
    assert_eq!(r[2]["state"], "unchanged");
    assert_eq!(r[3]["state"], "gone");
    // Gone is an attempt, not content: no snapshot was made for it.
    let shown = env.json(&["source", "show", "S2"]);
    assert_eq!(shown["snapshots"].as_array().unwrap().len(), 2);
    assert_eq!(shown["attempts"][0]["http_status"], 410);
    let human = env.ok(&["source", "show", "S2"]);
    assert!(human.contains("Rechecks that got no content"), "{human}");
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn source_ids_are_checked() {
    let env = Env::new();
    let stderr = env.fails(&["source", "show", "S9"], 1);
    assert!(stderr.contains("no source S9"), "{stderr}");
    let stderr = env.fails(&["source", "text", "C1"], 1);
    assert!(stderr.contains("`C1` is not a snapshot id"), "{stderr}");
    env.fails(&["source", "add"], 2);
    env.fails(&["source", "recheck"], 2);
}

#[test]
fn doc_add_takes_a_url_through_the_same_capture() {
    let srv = server();
    let env = Env::new();
    let out = env.json(&["doc", "add", &srv.url("/report.html")]);
    assert_eq!(out["sha256"], sha256(REPORT_HTML));
    assert_eq!(
        out["title"],
        "Fixture Monitoring Report 99 (synthetic test page)"
    );
    let shown = env.json(&["doc", "show", "D1"]);
    assert_eq!(shown["url"], srv.url("/report.html"));
    let claim = env.json(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
    ]);
    assert_eq!(claim["anchor"]["exact"], "836 protest notes");
    env.fails(&["doc", "add", &srv.url("/missing")], 1);
}

#[test]
fn ten_redirects_are_followed_and_eleven_refused() {
    let srv = server();
    for i in 1..=11 {
        srv.route(
            &format!("/hop{i}"),
            Reply::Redirect(302, format!("/hop{}", i - 1)),
        );
    }
    srv.route(
        "/hop0",
        Reply::Ok(
            "text/plain",
            b"SYNTHETIC TEST FIXTURE at the end of the chain".to_vec(),
        ),
    );
    let env = Env::new();
    let (code, items, _) = add(&env, &[&srv.url("/hop10")]);
    assert_eq!(code, 0, "{items:?}");
    assert_eq!(
        env.json(&["source", "show", "S1"])["snapshots"][0]["redirects"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    let (code, items, _) = add(&env, &[&srv.url("/hop11")]);
    assert_eq!(code, 1);
    assert!(items[0]["error"]
        .as_str()
        .unwrap()
        .contains("more than 10 redirects"));
}

#[test]
fn compressed_bodies_and_pages_without_words_keep_their_bytes_but_record_no_text() {
    let srv = Server::start();
    srv.route(
        "/gz",
        Reply::With(
            vec![("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3],
        ),
    );
    srv.route(
        "/empty.html",
        Reply::Ok(
            "text/html",
            b"<html><body><script>x()</script></body></html>".to_vec(),
        ),
    );
    srv.route("/aspnet.html", Reply::Ok("text/html", b"<html><body><form id=\"aspnetForm\"><p>SYNTHETIC TEST FIXTURE: 836 notes.</p><input value=\"hidden\"></form></body></html>".to_vec()));
    let env = Env::new();
    let (code, items, _) = add(
        &env,
        &[
            &srv.url("/gz"),
            &srv.url("/empty.html"),
            &srv.url("/aspnet.html"),
        ],
    );
    assert_eq!(code, 0, "{items:?}");
    assert!(
        items[0]["text_error"]
            .as_str()
            .unwrap()
            .contains("gzip-compressed"),
        "{items:?}"
    );
    assert_eq!(
        items[0]["size"], 13,
        "the compressed bytes are kept as sent"
    );
    assert_eq!(items[1]["text_error"], "no text found in it");
    let text = env.json(&["source", "text", "S3"])["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        text, "SYNTHETIC TEST FIXTURE: 836 notes.\n",
        "a page wrapped in a form keeps its words"
    );
}

#[test]
fn files_must_be_regular_and_are_held_to_the_caps() {
    let env = Env::new();
    let (code, items, _) = add(&env, &["/dev/zero", "--max-size", "1M"]);
    assert_eq!(code, 1);
    assert!(
        items[0]["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{items:?}"
    );
    let big = env.write("big.txt", vec![b'a'; 4096]);
    let (code, items, _) = add(&env, &[&big, "--max-size", "1K"]);
    assert_eq!(code, 1);
    assert!(items[0]["error"]
        .as_str()
        .unwrap()
        .contains("larger than the 1024-byte cap"));
    assert!(env.objects().is_empty());
}

#[test]
fn a_refused_capture_never_removes_bytes_another_capture_recorded() {
    // The same bytes twice per round: once refused (invalid in its declared
    // charset), once accepted. The refusal's take-back must spare the blob.
    let srv = Server::start();
    let mut urls = Vec::new();
    for i in 0..20 {
        srv.route(
            &format!("/bad{i}"),
            Reply::Ok("text/plain; charset=utf-8", LATIN1.to_vec()),
        );
        srv.route(
            &format!("/good{i}"),
            Reply::Ok("text/plain; charset=iso-8859-1", LATIN1.to_vec()),
        );
        urls.push(srv.url(&format!("/bad{i}")));
        urls.push(srv.url(&format!("/good{i}")));
    }
    let env = Env::new();
    let list = env.write("list.txt", urls.join("\n"));
    let (code, _, _) = add(&env, &["--from", &list, "--jobs", "4"]);
    assert_eq!(code, 1, "the refused half fails");
    assert_eq!(env.json(&["source", "list"]).as_array().unwrap().len(), 20);
    let verified = env.json(&["audit", "verify"]);
    assert_eq!(verified["ok"], true, "{verified}");
}

/// A one-page PDF with a correct cross-reference table, whose font is `font`.
fn pdf_with_font(font: &str) -> Vec<u8> {
    let stream = "BT /F1 11 Tf 72 720 Td (SYNTHETIC TEST FIXTURE) Tj ET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        font.to_string(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

#[test]
fn a_pdf_that_crashes_its_reader_is_kept_quietly_with_the_failure() {
    // pdf-extract panics on a simple font with no /BaseFont.
    let env = Env::new();
    let file = env.write(
        "odd.pdf",
        pdf_with_font("<< /Type /Font /Subtype /Type1 >>"),
    );
    let (code, items, stderr) = add(&env, &[&file]);
    assert_eq!(code, 0, "{items:?}");
    assert!(
        items[0]["text_error"]
            .as_str()
            .unwrap()
            .contains("cannot read the PDF"),
        "{items:?}"
    );
    assert!(!stderr.contains("internal error"), "{stderr}");
    // The same file with its font named reads fine.
    let fine = env.write(
        "fine.pdf",
        pdf_with_font("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    );
    let (_, items, _) = add(&env, &[&fine]);
    assert!(items[0]["text_sha256"].is_string(), "{items:?}");
}

#[test]
fn a_recheck_that_fails_exits_non_zero() {
    let srv = server();
    srv.route(
        "/flaky",
        Reply::Ok("text/plain", b"SYNTHETIC TEST FIXTURE".to_vec()),
    );
    let env = Env::new();
    add(&env, &[&srv.url("/flaky")]);
    srv.route("/flaky", Reply::Status(500));
    let out = env
        .cmd()
        .args(["--json", "source", "recheck", "S1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["state"], "failed");
}

#[test]
fn a_gzip_bomb_is_kept_as_sent_and_never_inflated() {
    use std::io::Write;
    // 64 MiB of zeros, gzip-compressed to about 64 KiB, labelled as gzip.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    let srv = Server::start();
    srv.route(
        "/bomb",
        Reply::With(
            vec![("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            bomb.clone(),
        ),
    );
    let env = Env::new();
    let (code, items, _) = add(&env, &[&srv.url("/bomb")]);
    assert_eq!(code, 0, "{items:?}");
    assert_eq!(
        items[0]["size"],
        bomb.len(),
        "stored exactly as sent, not inflated"
    );
    assert!(items[0]["text_error"]
        .as_str()
        .unwrap()
        .contains("gzip-compressed"));
}

/// Runs claimtrail and samples its peak resident memory (VmHWM) until it exits.
fn peak_memory_kib(env: &Env, args: &[&str]) -> (Option<i32>, u64) {
    let mut child = crate::common::process(env.path(), "tester")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), peak);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn hostile_servers_cannot_make_a_capture_use_much_memory() {
    let srv = Server::start();
    srv.route("/huge", Reply::Endless { total: 10 << 30 });
    srv.route("/drip", Reply::Drip(Duration::from_millis(50)));
    let env = Env::new();
    // 10 GiB offered, 100 MiB (the default cap) read and hashed, then refused.
    let (code, peak) = peak_memory_kib(&env, &["source", "add", &srv.url("/huge")]);
    assert_eq!(code, Some(1));
    assert!(peak > 0 && peak < 64 * 1024, "peak {peak} KiB");
    let (code, peak) = peak_memory_kib(
        &env,
        &["source", "add", "--timeout", "2", &srv.url("/drip")],
    );
    assert_eq!(code, Some(3));
    assert!(peak > 0 && peak < 64 * 1024, "peak {peak} KiB");
    assert!(env.objects().is_empty());
}
