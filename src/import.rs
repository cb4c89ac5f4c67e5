//! Reading claims to import from JSON or CSV, naming the record of any bad entry.
//!
//! JSON: an array of objects with the keys `text`, `quote`, `doc`, `tags` (an array
//! of strings, or one string split at `;`) and `occurrence`, or an object whose
//! `claims` member is such an array (the shape `export json` writes). Other keys
//! are ignored, so exported files read back. CSV (RFC 4180): a header naming some
//! of `text,quote,doc,tags,occurrence`, tags split at `;`. Either `text` or `quote`
//! is required in each record. Nothing here touches the workspace. CSV records are
//! read one at a time as the import logs them; what keeps an import all or nothing
//! is its single transaction, which a bad record anywhere rolls back.

use crate::ids::DocId;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// Where the record sits, for error messages: `claims.json: record 3`.
    pub place: String,
    pub text: Option<String>,
    pub quote: Option<String>,
    pub doc: Option<DocId>,
    pub tags: Vec<String>,
    pub occurrence: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: cannot tell the format from the extension; use a .json or .csv file")]
    UnknownFormat { file: String },
    #[error("{file}: not valid JSON at line {line}, column {column}: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: expected a JSON array of claims (or an object with a `claims` array)")]
    NotArray { file: String },
    #[error("{file}: {place}: {problem}")]
    Record {
        file: String,
        place: String,
        problem: String,
    },
    #[error("{file}: {problem}")]
    Csv { file: String, problem: String },
    #[error("{file}: cannot be read: {problem}")]
    Read { file: String, problem: String },
    #[error("{file}: holds no claims")]
    Empty { file: String },
}

/// The records of an import file, read as they are needed: a CSV file of a
/// million claims is never held in memory at once. A file with no records yields
/// one `Empty` error.
pub type Records = Box<dyn Iterator<Item = Result<ImportRecord, ImportError>>>;

/// Reads an import file from `input`; `path` picks the format and names the file
/// in errors (and in each record's `place`).
pub fn read(path: &Path, input: impl std::io::Read + 'static) -> Result<Records, ImportError> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let records: Records = match ext.as_deref() {
        Some("json") => {
            let mut bytes = Vec::new();
            let mut input = input;
            input
                .read_to_end(&mut bytes)
                .map_err(|e| ImportError::Read {
                    file: file.clone(),
                    problem: e.to_string(),
                })?;
            Box::new(parse_json(&file, &bytes)?.into_iter().map(Ok))
        }
        Some("csv") => Box::new(csv_records(&file, input)?),
        _ => return Err(ImportError::UnknownFormat { file }),
    };
    // Later errors (a quote not found) name the file as well as the record.
    let mut seen = false;
    let mut done = false;
    Ok(Box::new(
        records
            .map(Some)
            .chain(std::iter::once(None))
            .filter_map(move |r| match r {
                Some(Ok(mut r)) => {
                    seen = true;
                    r.place = format!("{file}: {}", r.place);
                    Some(Ok(r))
                }
                Some(Err(e)) => Some(Err(e)),
                None if !seen && !done => {
                    done = true;
                    Some(Err(ImportError::Empty { file: file.clone() }))
                }
                None => None,
            }),
    ))
}

/// Reads a whole import file held in memory.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<ImportRecord>, ImportError> {
    read(path, std::io::Cursor::new(bytes.to_vec()))?.collect()
}

fn parse_json(file: &str, bytes: &[u8]) -> Result<Vec<ImportRecord>, ImportError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| ImportError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or_default()
            .to_string(),
    })?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => match obj.remove("claims") {
            Some(Value::Array(items)) => items,
            _ => return Err(ImportError::NotArray { file: file.into() }),
        },
        _ => return Err(ImportError::NotArray { file: file.into() }),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let place = format!("record {}", i + 1);
            json_record(item, &place).map_err(|problem| ImportError::Record {
                file: file.into(),
                place,
                problem,
            })
        })
        .collect()
}

fn json_record(item: &Value, place: &str) -> Result<ImportRecord, String> {
    let obj = item
        .as_object()
        .ok_or_else(|| format!("expected an object, found {}", type_name(item)))?;
    let string = |key: &str| -> Result<Option<String>, String> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!(
                "`{key}` must be a string, not {}",
                type_name(other)
            )),
        }
    };
    let tags = match obj.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => split_tags(s),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| match t {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "`tags` must hold strings, not {}",
                    type_name(other)
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(format!(
                "`tags` must be an array of strings, not {}",
                type_name(other)
            ))
        }
    };
    let occurrence = match obj.get("occurrence") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("`occurrence` must be a whole number from 1, not {v}"))?
                as usize,
        ),
    };
    record(
        place,
        string("text")?,
        string("quote")?,
        string("doc")?,
        tags,
        occurrence,
    )
}

fn csv_records(
    file: &str,
    input: impl std::io::Read + 'static,
) -> Result<impl Iterator<Item = Result<ImportRecord, ImportError>>, ImportError> {
    let file = file.to_string();
    let csv_err = move |file: &str, problem: String| ImportError::Csv {
        file: file.into(),
        problem,
    };
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    // A byte-order mark, as spreadsheet programs write, is not part of the header.
    if std::io::BufRead::fill_buf(&mut input)
        .map_err(|e| ImportError::Read {
            file: file.clone(),
            problem: crate::describe_io(&e),
        })?
        .starts_with(b"\xEF\xBB\xBF")
    {
        std::io::BufRead::consume(&mut input, 3);
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| csv_err(&file, csv_problem(&e)))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (text_col, quote_col) = (column("text"), column("quote"));
    if text_col.is_none() && quote_col.is_none() {
        return Err(csv_err(
            &file,
            format!(
                "the header must name a `text` or `quote` column (it reads: {})",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let (doc_col, tags_col, occ_col) = (column("doc"), column("tags"), column("occurrence"));
    let mut row = csv::StringRecord::new();
    let mut failed = false;
    Ok(std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let parsed = match reader.read_record(&mut row) {
            Ok(false) => return None,
            Ok(true) => csv_record(&file, &row, text_col, quote_col, doc_col, tags_col, occ_col),
            Err(e) if e.is_io_error() => Err(ImportError::Read {
                file: file.clone(),
                problem: e.to_string(),
            }),
            Err(e) => Err(csv_err(&file, csv_problem(&e))),
        };
        failed = parsed.is_err();
        Some(parsed)
    }))
}

fn csv_record(
    file: &str,
    row: &csv::StringRecord,
    text_col: Option<usize>,
    quote_col: Option<usize>,
    doc_col: Option<usize>,
    tags_col: Option<usize>,
    occ_col: Option<usize>,
) -> Result<ImportRecord, ImportError> {
    let line = row.position().map_or(0, |p| p.line());
    let place = format!("line {line}");
    let cell = |col: Option<usize>| {
        col.and_then(|c| row.get(c))
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    let problem = |problem: String| ImportError::Record {
        file: file.into(),
        place: place.clone(),
        problem,
    };
    let occurrence = match cell(occ_col) {
        None => None,
        Some(s) => Some(
            s.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    problem(format!(
                        "`occurrence` must be a whole number from 1, not `{s}`"
                    ))
                })?,
        ),
    };
    let tags = cell(tags_col).map(|t| split_tags(&t)).unwrap_or_default();
    record(
        &place,
        cell(text_col),
        cell(quote_col),
        cell(doc_col),
        tags,
        occurrence,
    )
    .map_err(problem)
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {}: {len} fields where the header has {expected_len}",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "line {}: not valid UTF-8",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        _ => e.to_string(),
    }
}

fn record(
    place: &str,
    text: Option<String>,
    quote: Option<String>,
    doc: Option<String>,
    tags: Vec<String>,
    occurrence: Option<usize>,
) -> Result<ImportRecord, String> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&text) && blank(&quote) {
        return Err("needs a `text` or a `quote`".into());
    }
    if blank(&quote) && !blank(&doc) {
        return Err("has a `doc` but no `quote` to anchor in it".into());
    }
    let doc = doc
        .map(|d| d.trim().parse::<DocId>().map_err(|e| e.to_string()))
        .transpose()?;
    let tags = clean_tags(tags)?;
    Ok(ImportRecord {
        place: place.to_string(),
        text: text.filter(|t| !t.trim().is_empty()),
        quote: quote.filter(|q| !q.trim().is_empty()),
        doc,
        tags,
        occurrence,
    })
}

fn split_tags(s: &str) -> Vec<String> {
    s.split(';').map(str::to_string).collect()
}

/// Trims, drops blanks, refuses control characters, dedupes and sorts.
pub fn clean_tags(tags: Vec<String>) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for tag in tags {
        let t = tag.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().any(char::is_control) {
            return Err(format!("tag {t:?} holds control characters"));
        }
        // CSV files list tags split at `;`, so a tag holding one could not come back.
        if t.contains(';') {
            return Err(format!("tag {t:?} holds a `;`, which separates tags"));
        }
        out.push(t.to_string());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Result<Vec<ImportRecord>, ImportError> {
        parse(Path::new("claims.json"), s.as_bytes())
    }

    fn csv(s: &str) -> Result<Vec<ImportRecord>, ImportError> {
        parse(Path::new("claims.csv"), s.as_bytes())
    }

    #[test]
    fn reads_json_arrays_and_export_shaped_objects() {
        let recs = json(
            r#"[{"quote": "836 protest notes", "doc": "D1", "tags": ["figure", " event", "figure"]},
                           {"text": "Talks began in 2021", "tags": "date;position"}]"#,
        )
        .unwrap();
        assert_eq!(recs[0].doc, Some(DocId(1)));
        assert_eq!(recs[0].place, "claims.json: record 1");
        assert_eq!(recs[0].tags, ["event", "figure"]);
        assert_eq!(recs[1].tags, ["date", "position"]);
        let wrapped =
            json(r#"{"claims": [{"text": "x", "id": "C9", "status": "verified"}]}"#).unwrap();
        assert_eq!(wrapped[0].text.as_deref(), Some("x"));
    }

    #[test]
    fn bad_json_names_the_record_and_the_problem() {
        let err = json(r#"[{"text": "ok"}, {"text": 5}]"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "claims.json: record 2: `text` must be a string, not a number"
        );
        let err = json(r#"[{"tags": ["x"]}]"#).unwrap_err();
        assert!(err
            .to_string()
            .contains("record 1: needs a `text` or a `quote`"));
        let err = json(r#"[{"text": "a", "doc": "D9"}]"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("record 1: has a `doc` but no `quote`"),
            "{err}"
        );
        let err = json(r#"[{"quote": "a", "doc": "C1"}]"#).unwrap_err();
        assert!(err.to_string().contains("`C1` is not a document id"));
        let err = json("[{\"text\": \"a\"},\n {\"text\": }]").unwrap_err();
        assert!(matches!(err, ImportError::Json { line: 2, .. }), "{err}");
        assert!(matches!(
            json(r#"{"text": "a"}"#),
            Err(ImportError::NotArray { .. })
        ));
        assert!(matches!(json("[]"), Err(ImportError::Empty { .. })));
    }

    #[test]
    fn reads_rfc4180_csv_with_quoted_fields() {
        let recs = csv("text,quote,doc,tags\n\"Claim, with comma\",\"a \"\"quoted\"\" span\",D2,figure;event\nplain,,,\n")
            .unwrap();
        assert_eq!(recs[0].text.as_deref(), Some("Claim, with comma"));
        assert_eq!(recs[0].quote.as_deref(), Some("a \"quoted\" span"));
        assert_eq!(recs[0].doc, Some(DocId(2)));
        assert_eq!(recs[0].tags, ["event", "figure"]);
        assert_eq!(recs[1].quote, None);
    }

    #[test]
    fn bad_csv_names_the_line() {
        let err = csv("text,quote,doc\nfine,q,D1\nbad,q,X1\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("line 3: `X1` is not a document id"),
            "{err}"
        );
        let err = csv("text,quote\nfine,q\ntoo,many,fields\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("line 3: 3 fields where the header has 2"),
            "{err}"
        );
        let err = csv("title,body\na,b\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("must name a `text` or `quote` column"),
            "{err}"
        );
    }

    #[test]
    fn other_extensions_are_refused() {
        assert!(matches!(
            parse(Path::new("claims.xlsx"), b""),
            Err(ImportError::UnknownFormat { .. })
        ));
    }
}
