//! Turning stored bytes into the text that quotes are anchored in.
//!
//! The text is a derived record with its own hash and the name and version of the
//! extractor that made it, so an anchor always says which reading of the bytes it
//! points into. Three extractors:
//!
//! - plain text: decoded by the byte-order mark, else the declared charset, else
//!   UTF-8 if the bytes are valid UTF-8, else chardetng's guess (latin-1 and
//!   windows-1252 pages exist). Bytes invalid in their charset are an error, never
//!   silently replaced: a quote could otherwise match words the source never had.
//! - HTML: parsed by html5ever (through scraper). The text is the body's words in
//!   document order, with paragraph breaks at block elements, leaving out scripts,
//!   styles, forms and the page's own navigation, header, footer and asides. It
//!   keeps rather than guesses: readability-style "main content" detection can drop
//!   the very sentence a checker needs to quote.
//! - PDF: pdf-extract, run on its own thread behind `catch_unwind` and a time
//!   limit, so a PDF it cannot read becomes a recorded failure, not a crash.

use encoding_rs::Encoding;
use scraper::{Html, Node};
use std::time::Duration;

pub const PLAIN_TEXT: &str = "claimtrail-plain-text";
pub const PLAIN_TEXT_VERSION: &str = "1";
pub const HTML_TEXT: &str = "claimtrail-html";
pub const HTML_TEXT_VERSION: &str = "1";
pub const PDF_TEXT: &str = "pdf-extract";
pub const PDF_TEXT_VERSION: &str = "0.10";

/// How long a PDF may take to read before it counts as unreadable.
const PDF_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Names the thread so the panic hook can stay quiet about caught PDF panics.
pub const PDF_THREAD: &str = "claimtrail-pdf";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    /// The charset the bytes were decoded from (`utf-8`, `windows-1252`, …; `pdf`).
    pub encoding: String,
    pub extractor: &'static str,
    pub extractor_version: &'static str,
    /// The document's own title, where it has one (HTML `<title>`).
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The bytes break their own charset: the source is refused.
    #[error("the bytes are not valid {charset}{}", .offset.map(|o| format!(" (first bad byte at offset {o})")).unwrap_or_default())]
    Charset {
        charset: String,
        offset: Option<usize>,
    },
    /// The format is known but this document could not be read: the snapshot is
    /// kept and the failure recorded.
    #[error("cannot read the {format}: {reason}")]
    Unreadable {
        format: &'static str,
        reason: String,
    },
    /// No extractor for this kind of content: the snapshot is kept.
    #[error("no text extractor for {0}")]
    Unsupported(String),
}

impl ExtractError {
    /// Whether the capture itself must be refused (rather than kept without text).
    pub fn refuses_capture(&self) -> bool {
        matches!(self, ExtractError::Charset { .. })
    }
}

/// What kind of document the bytes are, from the content type, the name and the
/// bytes themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Pdf,
    Other,
}

pub fn sniff(bytes: &[u8], content_type: Option<&str>, name: Option<&str>) -> Format {
    if bytes.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    let mime = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    match mime.as_str() {
        "application/pdf" => return Format::Pdf,
        "text/html" | "application/xhtml+xml" => return Format::Html,
        "text/plain" | "text/markdown" | "text/csv" => return Format::Text,
        _ => {}
    }
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm" | "xhtml") => return Format::Html,
        Some("pdf") => return Format::Pdf,
        Some("txt" | "text" | "md") => return Format::Text,
        _ => {}
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body") {
        return Format::Html;
    }
    if mime.starts_with("text/") || mime.is_empty() && !looks_binary(bytes) {
        return Format::Text;
    }
    Format::Other
}

fn looks_binary(bytes: &[u8]) -> bool {
    Encoding::for_bom(bytes).is_none() && bytes[..bytes.len().min(4096)].contains(&0)
}

/// Extracts the text of any supported format.
pub fn extract(
    bytes: &[u8],
    content_type: Option<&str>,
    name: Option<&str>,
) -> Result<Extracted, ExtractError> {
    let declared = content_type.and_then(charset_param);
    match sniff(bytes, content_type, name) {
        Format::Pdf => pdf_text(bytes),
        Format::Html => html_text(bytes, declared.as_deref()),
        Format::Text => plain_text_declared(bytes, declared.as_deref()),
        Format::Other => Err(ExtractError::Unsupported(
            content_type.unwrap_or("binary data").to_string(),
        )),
    }
}

/// Decodes plain text with no declared charset.
pub fn plain_text(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    plain_text_declared(bytes, None)
}

fn plain_text_declared(bytes: &[u8], declared: Option<&str>) -> Result<Extracted, ExtractError> {
    let (text, encoding) = decode(bytes, declared)?;
    if text.contains('\0') {
        return Err(ExtractError::Unsupported("binary data".into()));
    }
    Ok(Extracted {
        text,
        encoding,
        extractor: PLAIN_TEXT,
        extractor_version: PLAIN_TEXT_VERSION,
        title: None,
    })
}

/// `text/html; charset=ISO-8859-1` → `ISO-8859-1`.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim_matches('\'').to_string())
    })
}

/// Decodes by BOM, else declared label, else UTF-8 if valid, else a guess.
fn decode(bytes: &[u8], declared: Option<&str>) -> Result<(String, String), ExtractError> {
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None => {
            let declared = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes()));
            let enc = declared.unwrap_or_else(|| {
                if std::str::from_utf8(bytes).is_ok() {
                    encoding_rs::UTF_8
                } else {
                    let mut det =
                        chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                    det.feed(bytes, true);
                    det.guess(None, chardetng::Utf8Detection::Deny)
                }
            });
            (enc, bytes)
        }
    };
    if encoding == encoding_rs::UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_string(), "utf-8".into())),
            Err(e) => Err(ExtractError::Charset {
                charset: "UTF-8".into(),
                offset: Some(e.valid_up_to() + (bytes.len() - body.len())),
            }),
        };
    }
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok((text.into_owned(), encoding.name().to_ascii_lowercase())),
        None => Err(ExtractError::Charset {
            charset: encoding.name().to_string(),
            offset: None,
        }),
    }
}

/// The charset an HTML document declares in a `<meta>` within its first 1024 bytes.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(c) = tag.find("charset=") {
            let value: String = tag[c + 8..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|ch| !matches!(ch, '"' | '\'' | ' ' | ';' | '/' | '>'))
                .collect();
            if !value.is_empty() {
                return Some(value);
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

/// Elements whose content is never article text. (`form` is not among them: many
/// sites wrap their whole page in one.)
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "aside", "button", "select",
    "textarea", "input", "svg", "canvas", "iframe", "object", "embed", "audio", "video", "menu",
    "dialog",
];
/// Page furniture, skipped only outside an `<article>` or `<main>` (inside one,
/// `<header>` usually holds the headline).
const FURNITURE: &[&str] = &["header", "footer"];
/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "caption",
    "center",
    "fieldset",
    "header",
    "footer",
];

fn html_text(bytes: &[u8], declared: Option<&str>) -> Result<Extracted, ExtractError> {
    let declared = declared.map(str::to_string).or_else(|| meta_charset(bytes));
    let (source, encoding) = decode(bytes, declared.as_deref())?;
    let doc = Html::parse_document(&source);
    let title = doc
        .select(&scraper::Selector::parse("title").expect("a valid selector"))
        .next()
        .map(|t| {
            t.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|t| !t.is_empty());
    let body = doc
        .select(&scraper::Selector::parse("body").expect("a valid selector"))
        .next();
    let mut out = TextOut::default();
    match body {
        Some(b) => walk(*b, &mut out, false, false),
        None => walk(doc.tree.root(), &mut out, false, false),
    }
    Ok(Extracted {
        text: out.finish(),
        encoding,
        extractor: HTML_TEXT,
        extractor_version: HTML_TEXT_VERSION,
        title,
    })
}

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut TextOut, in_pre: bool, in_content: bool) {
    match node.value() {
        Node::Text(t) => out.text(t, in_pre),
        Node::Element(e) => {
            let name = e.name();
            let hidden = e.attr("hidden").is_some()
                || e.attr("aria-hidden") == Some("true")
                || e.attr("role") == Some("navigation");
            if SKIPPED.contains(&name) || hidden || (!in_content && FURNITURE.contains(&name)) {
                return;
            }
            if name == "br" {
                out.line_break();
                return;
            }
            let block = BLOCKS.contains(&name);
            let cell = matches!(name, "td" | "th");
            if block {
                out.paragraph_break();
            } else if cell {
                out.space();
            }
            let in_pre = in_pre || name == "pre";
            let in_content = in_content || matches!(name, "article" | "main");
            for child in node.children() {
                walk(child, out, in_pre, in_content);
            }
            if block {
                out.paragraph_break();
            } else if cell {
                out.space();
            }
        }
        Node::Document | Node::Fragment => {
            for child in node.children() {
                walk(child, out, in_pre, in_content);
            }
        }
        _ => {}
    }
}

/// Where the first word of `s` ends: at the first whitespace character other
/// than a no-break space. ASCII is checked a byte at a time (most text is ASCII);
/// anything else is decoded.
fn word_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
                return i;
            }
            i += 1;
        } else {
            let c = s[i..].chars().next().expect("i is a character boundary");
            if c.is_whitespace() && c != '\u{a0}' {
                return i;
            }
            i += c.len_utf8();
        }
    }
    bytes.len()
}

/// Accumulates text, collapsing whitespace and placing breaks only between words.
#[derive(Default)]
struct TextOut {
    text: String,
    /// 0: none, 1: space, 2: line break, 3: paragraph break — the strongest wins.
    pending: u8,
}

impl TextOut {
    fn text(&mut self, t: &str, in_pre: bool) {
        // Whitespace (but a no-break space) separates words; in <pre>, a newline
        // breaks the line. Words are copied whole, not a character at a time.
        let mut rest = t;
        while !rest.is_empty() {
            let word = word_end(rest);
            if word > 0 {
                self.flush();
                self.text.push_str(&rest[..word]);
            }
            rest = &rest[word..];
            if let Some(c) = rest.chars().next() {
                let strength = if in_pre && c == '\n' { 2 } else { 1 };
                self.pending = self.pending.max(strength);
                rest = &rest[c.len_utf8()..];
            }
        }
    }

    fn space(&mut self) {
        self.pending = self.pending.max(1);
    }

    fn line_break(&mut self) {
        self.pending = self.pending.max(2);
    }

    fn paragraph_break(&mut self) {
        self.pending = self.pending.max(3);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            match self.pending {
                1 => self.text.push(' '),
                2 => self.text.push('\n'),
                3 => self.text.push_str("\n\n"),
                _ => {}
            }
        }
        self.pending = 0;
    }

    fn finish(mut self) -> String {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text
    }
}

fn pdf_text(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let unreadable = |reason: String| ExtractError::Unreadable {
        format: "PDF",
        reason,
    };
    let owned = bytes.to_vec();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(PDF_THREAD.into())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&owned));
            let _ = tx.send(result);
        })
        .map_err(|e| unreadable(format!("cannot start the PDF reader: {e}")))?;
    let text = match rx.recv_timeout(PDF_TIME_LIMIT) {
        Ok(Ok(Ok(text))) => text,
        Ok(Ok(Err(e))) => return Err(unreadable(e.to_string())),
        Ok(Err(_)) => return Err(unreadable("the PDF reader failed on this file".into())),
        Err(_) => {
            return Err(unreadable(format!(
                "reading took longer than {}s",
                PDF_TIME_LIMIT.as_secs()
            )))
        }
    };
    if text.trim().is_empty() {
        return Err(unreadable("it has no text layer (a scanned image?)".into()));
    }
    Ok(Extracted {
        text,
        encoding: "pdf".into(),
        extractor: PDF_TEXT,
        extractor_version: PDF_TEXT_VERSION,
        title: None,
    })
}

#[cfg(test)]
mod tests;
