//! Hostile input, thrown at every parser claimtrail exposes to outside bytes: no
//! panic, no hang, whatever arrives. (proptest stands in for cargo-fuzz, which
//! needs a nightly toolchain this project does not assume.)

use proptest::prelude::*;
use std::path::Path;

fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\\n\\t“”’–—\u{a0}\u{ad}ﬁ0-9,.%]{0,300}",
        proptest::collection::vec(any::<u8>(), 0..400)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    // 300 cases each in `cargo test`; `fuzz/run` raises it with PROPTEST_CASES.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn claim_import_parses_any_bytes_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..600), json in any::<bool>()) {
        let name = if json { "x.json" } else { "x.csv" };
        let _ = crate::import::parse(Path::new(name), &bytes);
    }

    #[test]
    fn claim_import_parses_json_shaped_input(items in proptest::collection::vec(("[a-z]{0,8}", arbitrary_text(), any::<i64>()), 0..6)) {
        let records: Vec<String> = items
            .iter()
            .map(|(k, v, n)| format!("{{\"{k}\": {}, \"tags\": [{n}], \"occurrence\": {n}}}", serde_json::Value::String(v.clone())))
            .collect();
        let doc = format!("[{}]", records.join(","));
        let _ = crate::import::parse(Path::new("x.json"), doc.as_bytes());
    }

    #[test]
    fn anchoring_never_panics(text in arbitrary_text(), quote in arbitrary_text(), occ in proptest::option::of(0usize..5)) {
        let t = crate::anchor::Text::new(&text);
        let _ = t.anchor(&quote, occ);
        if let Ok(a) = t.anchor_fuzzy(&quote, occ, 0.85) {
            prop_assert!(a.anchor.start <= a.anchor.end && a.anchor.end <= t.chars());
            let _ = t.reanchor(&a.anchor, 0.85);
        }
    }

    #[test]
    fn figures_never_panic(text in arbitrary_text(), other in arbitrary_text()) {
        let _ = crate::figures::extract(&text);
        let _ = crate::figures::compare(&text, &other);
    }

    #[test]
    fn html_and_text_extraction_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..800), html in arbitrary_text()) {
        let _ = crate::extract::extract(&bytes, Some("text/html"), None);
        let _ = crate::extract::extract(&bytes, Some("text/plain; charset=utf-8"), None);
        let _ = crate::extract::extract(format!("<html><body>{html}</body></html>").as_bytes(), None, Some("p.html"));
    }

    #[test]
    fn pdf_extraction_of_damaged_pdfs_ends_in_a_result(cut in 0usize..960, junk in proptest::collection::vec(any::<u8>(), 0..40)) {
        let pdf = include_bytes!("../fixtures/sources/report.pdf");
        let mut damaged = pdf[..cut.min(pdf.len())].to_vec();
        damaged.extend_from_slice(&junk);
        damaged.extend_from_slice(&pdf[cut.min(pdf.len())..]);
        let _ = crate::extract::extract(&damaged, Some("application/pdf"), None);
    }

    #[test]
    fn the_checkpoint_parser_never_panics(text in arbitrary_text(), size in any::<u64>()) {
        let _ = crate::merkle::Checkpoint::parse(&text);
        let _ = crate::merkle::Checkpoint::parse(&format!("claimtrail.local/x\n{size}\n{text}\n\n— k {text}\n"));
        let _ = crate::merkle::check_signature(
            &crate::merkle::Checkpoint { origin: "o".into(), size, root: [0; 32], signatures: vec![("k".into(), text.clone())] },
            &format!("k+00000000+{text}"),
        );
    }

    #[test]
    fn sentence_splitting_and_suggestions_never_panic(text in arbitrary_text()) {
        for s in crate::suggest::suggest(&text) {
            prop_assert!(s.start <= s.end);
        }
    }
}
