//! Turning stored bytes into the text that quotes are anchored in.
//!
//! The text is a derived record with its own hash and the name and version of the
//! extractor that made it, so an anchor always says which reading of the bytes it
//! points into. For now articles are plain UTF-8 text; the sources work adds HTML,
//! PDF and other charsets behind the same function.

/// The extractor recorded for decoded plain text.
pub const PLAIN_TEXT: &str = "claimtrail-plain-text";
/// Bumped whenever the decoding below would give a different text for some input.
pub const PLAIN_TEXT_VERSION: &str = "1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    pub encoding: &'static str,
    pub extractor: &'static str,
    pub extractor_version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("the bytes are not valid UTF-8 (first bad byte 0x{byte:02x} at offset {offset}); only UTF-8 text is read for now")]
    NotUtf8 { offset: usize, byte: u8 },
    #[error("the file looks like UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8")]
    Utf16,
    #[error("the file is binary (it holds NUL bytes), not text")]
    Binary,
}

/// Decodes plain text: UTF-8, with a leading byte-order mark dropped.
pub fn plain_text(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ExtractError::Utf16);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to() + (bytes.len() - body.len());
        ExtractError::NotUtf8 {
            offset,
            byte: bytes[offset],
        }
    })?;
    if text.contains('\0') {
        return Err(ExtractError::Binary);
    }
    Ok(Extracted {
        text: text.to_string(),
        encoding: "utf-8",
        extractor: PLAIN_TEXT,
        extractor_version: PLAIN_TEXT_VERSION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom() {
        assert_eq!(plain_text("Kabul’s".as_bytes()).unwrap().text, "Kabul’s");
        assert_eq!(plain_text(b"\xEF\xBB\xBFabc").unwrap().text, "abc");
    }

    #[test]
    fn other_encodings_are_named_clearly() {
        // "café" in latin-1.
        let err = plain_text(b"caf\xe9").unwrap_err();
        assert_eq!(
            err,
            ExtractError::NotUtf8 {
                offset: 3,
                byte: 0xe9
            }
        );
        assert!(err.to_string().contains("0xe9 at offset 3"));
        assert_eq!(plain_text(b"\xFF\xFEa\0").unwrap_err(), ExtractError::Utf16);
        assert_eq!(plain_text(b"a\0b").unwrap_err(), ExtractError::Binary);
    }
}
