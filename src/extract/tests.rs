use super::*;

const REPORT_HTML: &[u8] = include_bytes!("../../fixtures/sources/report.html");
const REPORT_PDF: &[u8] = include_bytes!("../../fixtures/sources/report.pdf");
const LATIN1: &[u8] = include_bytes!("../../fixtures/sources/latin1.txt");

#[test]
fn utf8_with_or_without_bom() {
    assert_eq!(plain_text("Kabul’s".as_bytes()).unwrap().text, "Kabul’s");
    assert_eq!(plain_text(b"\xEF\xBB\xBFabc").unwrap().text, "abc");
}

#[test]
fn latin1_is_guessed_and_decoded() {
    let e = plain_text(LATIN1).unwrap();
    assert!(
        e.text.contains("Café crème, naïve résumé à la façon"),
        "{}",
        e.text
    );
    assert_eq!(e.encoding, "windows-1252");
}

#[test]
fn a_declared_charset_wins_and_utf16_boms_are_read() {
    let e = extract(b"caf\xe9", Some("text/plain; charset=ISO-8859-1"), None).unwrap();
    assert_eq!(e.text, "café");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("hé".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(plain_text(&utf16).unwrap().text, "hé");
}

#[test]
fn bytes_invalid_in_their_declared_charset_are_refused() {
    let err = extract(b"ok \xff\xfe bad", Some("text/plain; charset=utf-8"), None).unwrap_err();
    assert_eq!(
        err,
        ExtractError::Charset {
            charset: "UTF-8".into(),
            offset: Some(3)
        }
    );
    assert!(err.refuses_capture());
}

#[test]
fn html_keeps_the_words_in_order_without_furniture() {
    let e = extract(REPORT_HTML, Some("text/html"), None).unwrap();
    let t = &e.text;
    assert_eq!(
        e.title.as_deref(),
        Some("Fixture Monitoring Report 99 (synthetic test page)")
    );
    assert_eq!(e.extractor, HTML_TEXT);
    for gone in [
        "trackingPixel",
        "not text either",
        "font-family",
        "Fixture News Network",
        "Home",
        "Subscribe now",
        "Leave a Reply",
        "Source link",
    ] {
        assert!(!t.contains(gone), "{gone:?} leaked into:\n{t}");
    }
    // The article's own header (its headline) stays.
    assert!(
        t.starts_with("Fixture Monitoring Report 99\n\nBy the claimtrail test suite\n\n"),
        "{t}"
    );
    assert!(t.contains("SYNTHETIC TEST FIXTURE. This page is not a real report; it was written for claimtrail’s tests"), "{t}");
    assert!(t.contains("The fixture registry lists 836 protest notes and 13 formal demarches, all of them invented for testing."), "{t}");
    assert!(t.contains("6,000\u{2011}strong"), "{t}");
    assert!(
        t.contains("“Fixture quotes keep their curly marks,” said nobody."),
        "{t}"
    );
    assert!(
        t.contains("First fixture item\n\nSecond fixture item"),
        "{t}"
    );
    assert!(t.contains("Notes 836"), "{t}");
    // Paragraphs are separated by one blank line, never more.
    assert!(!t.contains("\n\n\n"), "{t}");
}

#[test]
fn html_meta_charset_is_honoured() {
    let page =
        b"<html><head><meta charset=\"windows-1252\"></head><body><p>na\xefve</p></body></html>";
    let e = extract(page, Some("text/html"), None).unwrap();
    assert_eq!(e.text, "naïve\n");
    assert_eq!(e.encoding, "windows-1252");
}

#[test]
fn pdf_text_is_extracted_in_order() {
    let e = extract(REPORT_PDF, Some("application/pdf"), None).unwrap();
    assert_eq!(e.extractor, PDF_TEXT);
    let flat = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("SYNTHETIC TEST FIXTURE - this is not a real report."),
        "{flat}"
    );
    assert!(
        flat.contains("the test registry lists 836 notes and 13 demarches."),
        "{flat}"
    );
}

#[test]
fn a_broken_pdf_is_a_recorded_failure_not_a_crash() {
    let mut broken = REPORT_PDF[..REPORT_PDF.len() / 2].to_vec();
    broken.extend_from_slice(b"garbage");
    let err = extract(&broken, None, Some("x.pdf")).unwrap_err();
    assert!(
        matches!(err, ExtractError::Unreadable { format: "PDF", .. }),
        "{err:?}"
    );
    assert!(!err.refuses_capture());
    let err = extract(b"%PDF-1.4 nothing else", None, None).unwrap_err();
    assert!(matches!(err, ExtractError::Unreadable { .. }), "{err:?}");
}

#[test]
fn formats_are_sniffed_from_type_name_and_bytes() {
    assert_eq!(
        sniff(b"%PDF-1.7", Some("application/octet-stream"), None),
        Format::Pdf
    );
    assert_eq!(sniff(b"<!DOCTYPE html><p>x", None, None), Format::Html);
    assert_eq!(sniff(b"x", None, Some("page.HTM")), Format::Html);
    assert_eq!(sniff(b"plain words", None, None), Format::Text);
    assert_eq!(
        sniff(b"\x89PNG\r\n\x1a\n\0\0", Some("image/png"), None),
        Format::Other
    );
    assert!(matches!(
        extract(b"\x89PNG\0", Some("image/png"), None),
        Err(ExtractError::Unsupported(_))
    ));
}

proptest::proptest! {
    #[test]
    fn words_end_where_any_whitespace_but_a_no_break_space_begins(
        s in "[a-zé\u{a0}\u{2003}\u{85}\u{3000}\u{b} \t\r\n-]{0,40}"
    ) {
        let by_char = s
            .find(|c: char| c.is_whitespace() && c != '\u{a0}')
            .unwrap_or(s.len());
        proptest::prop_assert_eq!(word_end(&s), by_char);
    }
}
