//! Check-worthy claims in an article, found by transparent rules, best first.
//!
//! The text is split into sentences, robust to abbreviations, numbers ("4,000",
//! "3.5", "36th"), dates and quotation marks, and page furniture ("Source link",
//! "Leave a Reply") is set aside. Each sentence is scored from features a
//! checker would name: figures and quantities, dates, named reports and
//! organisations, attribution, events with casualties or arrests, comparisons and
//! superlatives, stated positions; and it loses score for opinion and rhetoric
//! (normative "should"/"must", evaluative adverbs, questions, slogans in quotes).
//! A sentence that lists several counted things ("four … trips, two … trips, five …")
//! becomes one suggestion per figure, each with its own span and the subject it
//! counts. No model, no network: it runs in milliseconds.

use crate::figures::{self, Kind};
use serde::Serialize;

/// The default least score a suggestion needs.
pub const DEFAULT_MIN_SCORE: f64 = 0.4;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The article's exact words, anchorable as they are.
    pub quote: String,
    /// Character offsets in the article's text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub score: f64,
    /// The features that fired, with their weight: "figures +0.40", "rhetoric −0.30".
    pub features: Vec<String>,
    /// For one item of an enumeration: what it counts, and the count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Tags a checker would give it: figure, date, event, attribution, organisation, position.
    pub tags: Vec<String>,
}

impl Suggestion {
    /// The claim in a checker's words: "foreign minister trips to Kabul: 4" for an
    /// enumeration item, else the sentence.
    pub fn claim_text(&self) -> String {
        match (&self.subject, self.value) {
            (Some(s), Some(v)) => format!("{s}: {}", format_value(v)),
            _ => self.quote.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A sentence: its character span and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co",
    "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "gen", "col", "lt", "sgt", "rep", "sen", "gov", "approx", "dept", "fig",
    "jr", "sr", "mt", "ave", "p", "pp", "cf", "al",
];

/// Lines that are the website around an article, not the article.
const FURNITURE: &[&str] = &[
    "source link",
    "leave a reply",
    "leave a comment",
    "subscribe",
    "newsletter",
    "share this",
    "continue reading",
    "related stories",
    "related articles",
    "read more",
    "sign up",
    "advertisement",
    "discover more",
    "click here",
    "follow us",
    "all rights reserved",
];

fn is_furniture(line: &str) -> bool {
    let lower = line.to_lowercase();
    let words = line.split_whitespace().count();
    let ends_sentence = line
        .trim_end()
        .ends_with(['.', '!', '?', '"', '”', '’', ')']);
    FURNITURE.iter().any(|f| lower.contains(f)) || (words < 8 && !ends_sentence)
}

/// Splits a text into sentences, skipping page furniture.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line_start = 0;
    while line_start < chars.len() {
        let line_end = chars[line_start..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(chars.len(), |p| line_start + p);
        let line: String = chars[line_start..line_end].iter().collect();
        if !line.trim().is_empty() && !is_furniture(&line) {
            split_line(&chars, line_start, line_end, &mut out);
        }
        line_start = line_end + 1;
    }
    out
}

fn split_line(chars: &[char], from: usize, to: usize, out: &mut Vec<Sentence>) {
    let mut start = from;
    let mut i = from;
    while i < to {
        let c = chars[i];
        if matches!(c, '.' | '!' | '?') {
            let mut end = i + 1;
            while end < to && matches!(chars[end], '"' | '”' | '’' | '\'' | ')' | ']') {
                end += 1;
            }
            let next_starts = end < to
                && chars[end].is_whitespace()
                && chars[end..to]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|n| {
                        n.is_uppercase()
                            || n.is_ascii_digit()
                            || matches!(n, '"' | '“' | '‘' | '(' | '\'')
                    });
            if (end >= to || next_starts) && !(c == '.' && is_abbreviation(chars, start, i)) {
                push(chars, start, end, out);
                start = end;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    push(chars, start, to, out);
}

/// The word before a period is an abbreviation or an initial, not a sentence end.
fn is_abbreviation(chars: &[char], sentence_start: usize, dot: usize) -> bool {
    let mut w = dot;
    while w > sentence_start && (chars[w - 1].is_alphabetic() || chars[w - 1] == '.') {
        w -= 1;
    }
    let word: String = chars[w..dot].iter().collect::<String>().to_lowercase();
    if word.is_empty() {
        return false;
    }
    (word.chars().count() == 1 && chars[w].is_uppercase()) || ABBREVIATIONS.contains(&word.as_str())
}

fn push(chars: &[char], mut start: usize, mut end: usize, out: &mut Vec<Sentence>) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if end > start {
        out.push(Sentence {
            start,
            end,
            text: chars[start..end].iter().collect(),
        });
    }
}

fn has_word(lower: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        lower.match_indices(w).any(|(i, _)| {
            let before = lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = lower[i + w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
    })
}

const ATTRIBUTION: &[&str] = &[
    "according to",
    "based on",
    "said",
    "says",
    "told",
    "reported",
    "report says",
    "stated",
    "announced",
    "confirmed",
    "estimated",
    "estimates",
    "the report",
    "data show",
    "figures show",
    "statistics",
    "testified",
    "alleged",
    "prosecutors",
    "police said",
];
const EVENTS: &[&str] = &[
    "killed",
    "dead",
    "died",
    "injured",
    "wounded",
    "attack",
    "attacked",
    "bombing",
    "bomber",
    "suicide",
    "arrested",
    "arrest",
    "detained",
    "charged",
    "convicted",
    "sentenced",
    "seized",
    "explosion",
    "explosives",
    "shooting",
    "fire",
    "raid",
    "deployed",
    "infiltrating",
    "fighting",
    "robbery",
    "assault",
    "fined",
    "jailed",
    "acquitted",
    "collapsed",
    "launched",
];
const COMPARISONS: &[&str] = &[
    "more than",
    "less than",
    "fewer than",
    "highest",
    "lowest",
    "largest",
    "smallest",
    "biggest",
    "record",
    "latest",
    "first",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "rose",
    "fell",
    "grew",
    "doubled",
    "tripled",
    "compared with",
    "up from",
    "down from",
    "since",
];
const POSITIONS: &[&str] = &[
    "demands",
    "demanded",
    "indicated",
    "stance",
    "position",
    "has received",
    "willing",
    "the right to",
    "denials",
    "denied",
    "agreement",
    "framework",
    "proposal",
    "pledged",
    "vowed",
    "insisted",
    "maintains",
];
const NORMATIVE: &[&str] = &[
    "should", "must", "ought", "need to", "needs to", "cannot", "can only",
];
const EVALUATIVE: &[&str] = &[
    "clearly",
    "obviously",
    "undoubtedly",
    "genuinely",
    "truly",
    "merely",
    "simply",
    "unparalleled",
    "remarkable",
    "welcome",
    "optimistic",
    "patience",
    "hope",
    "hopefully",
    "regrettably",
    "sadly",
    "fortunately",
    "boasted",
];

/// Scores one stretch of text; returns the score, the features that fired and tags.
fn score(text: &str) -> (f64, Vec<String>, Vec<String>) {
    let lower = text.to_lowercase();
    let figs = figures::extract(text);
    // "After two difficult years": a span of time is a weaker figure than a count.
    let durations = figs
        .iter()
        .filter(|f| f.kind == Kind::Number && is_time_span(&lower, &f.text.to_lowercase()))
        .count();
    let counts = figs
        .iter()
        .filter(|f| matches!(f.kind, Kind::Number | Kind::Percent | Kind::Ordinal))
        .count()
        - durations;
    let dates = figs
        .iter()
        .filter(|f| matches!(f.kind, Kind::Year | Kind::Date))
        .count();
    let mut s = 0.0;
    let mut features = Vec::new();
    let mut tags = Vec::new();
    let mut add = |w: f64, name: &str, tag: Option<&str>, s: &mut f64| {
        *s += w;
        let sign = if w >= 0.0 { "+" } else { "−" };
        features.push(format!("{name} {sign}{:.2}", w.abs()));
        if let Some(t) = tag {
            tags.push(t.to_string());
        }
    };
    if counts > 0 {
        add(
            0.4 + 0.1 * (counts.min(3) - 1) as f64,
            &format!("figures ({counts})"),
            Some("figure"),
            &mut s,
        );
    }
    if durations > 0 && counts == 0 {
        add(0.2, "span of time", Some("figure"), &mut s);
    }
    if dates > 0 {
        add(0.2, "date", Some("date"), &mut s);
    }
    let acronyms = text
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '/')
        .filter(|w| {
            w.len() >= 2
                && w.chars().filter(|c| c.is_uppercase()).count() >= 2
                && w.chars()
                    .all(|c| c.is_uppercase() || c == '-' || c == '/' || c.is_ascii_digit())
        })
        .count();
    let names = proper_names(text);
    if has_word(
        &lower,
        &[
            "report", "survey", "census", "study", "ruling", "judgment", "verdict",
        ],
    ) && (names > 0 || acronyms > 0)
    {
        add(0.2, "named report", Some("attribution"), &mut s);
    } else if acronyms + names > 0 {
        add(
            0.2,
            "named person, organisation or place",
            Some("organisation"),
            &mut s,
        );
    }
    if has_word(&lower, ATTRIBUTION) {
        add(0.2, "attribution", Some("attribution"), &mut s);
    }
    if has_word(&lower, EVENTS) {
        add(0.2, "event", Some("event"), &mut s);
    }
    if has_word(&lower, COMPARISONS) {
        add(0.1, "comparison", None, &mut s);
    }
    let reported = has_word(&lower, POSITIONS);
    if reported {
        add(0.2, "stated position", Some("position"), &mut s);
    }
    // "X should …" is opinion; "X demands that … should …" reports a position.
    if has_word(&lower, NORMATIVE) && !reported && !has_word(&lower, ATTRIBUTION) {
        add(-0.15, "opinion (normative)", None, &mut s);
    }
    if has_word(&lower, EVALUATIVE) {
        add(-0.1, "opinion (evaluative)", None, &mut s);
    }
    let trimmed = text.trim();
    if trimmed.ends_with('?') {
        add(-0.3, "rhetoric (question)", None, &mut s);
    }
    if trimmed.starts_with(['"', '“']) && trimmed.trim_end_matches(['.', ' ']).ends_with(['"', '”'])
    {
        add(-0.3, "rhetoric (slogan in quotes)", None, &mut s);
    }
    if features.iter().all(|f| f.contains('−')) {
        features.push("no checkable feature".into());
    }
    tags.sort();
    tags.dedup();
    (s.clamp(0.0, 1.0), features, tags)
}

/// `figure` (as written, lowercased) is a span of time after a preposition:
/// "within four years", "after two difficult years".
fn is_time_span(lower: &str, figure: &str) -> bool {
    lower.match_indices(figure).any(|(i, _)| {
        let before = lower[..i].split_whitespace().last().unwrap_or("");
        let after: Vec<&str> = lower[i + figure.len()..]
            .split_whitespace()
            .take(2)
            .collect();
        DURATION_PREPOSITIONS.contains(&before)
            && after
                .iter()
                .any(|w| TIME_UNITS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
    })
}

/// Words that open sentences with a capital without being names.
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "In",
    "At",
    "On",
    "By",
    "For",
    "From",
    "With",
    "As",
    "But",
    "And",
    "Or",
    "If",
    "When",
    "While",
    "Although",
    "However",
    "Furthermore",
    "Moreover",
    "Meanwhile",
    "Such",
    "Some",
    "Many",
    "Most",
    "All",
    "Each",
    "Every",
    "There",
    "Their",
    "They",
    "He",
    "She",
    "We",
    "I",
    "You",
    "Our",
    "His",
    "Her",
    "After",
    "Before",
    "Since",
    "During",
    "Under",
    "Over",
    "Based",
    "According",
    "Starting",
    "Within",
];

/// Capitalised words that name people, places, organisations and reports (a
/// sentence's first word counts unless it is a common opener).
fn proper_names(text: &str) -> usize {
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| (i, w.trim_matches(|c: char| !c.is_alphanumeric())))
        .filter(|(i, w)| *i > 0 || !SENTENCE_OPENERS.contains(w))
        .filter(|(_, w)| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).any(char::is_lowercase)
        })
        .count()
}

const DURATION_PREPOSITIONS: &[&str] = &[
    "within", "for", "over", "in", "after", "since", "during", "last", "past",
];

const TIME_UNITS: &[&str] = &[
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hours", "decades",
    "decade", "times",
];

/// One item of an enumeration: its character span in the sentence and its count.
struct Item {
    start: usize,
    end: usize,
    value: f64,
    words: String,
}

/// Splits a sentence that lists several counted things into its items.
fn enumeration(sentence: &str) -> Vec<Item> {
    let chars: Vec<char> = sentence.chars().collect();
    // Segments between commas, semicolons, colons, and the "and" of a list.
    // A comma inside a number ("4,000") separates nothing; " and " before a
    // figure does ("one within Doha and two within Istanbul").
    let mut segments = Vec::new();
    let mut seg_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let separator = matches!(c, ';' | ':')
            || (c == ',' && chars.get(i + 1).is_none_or(|n| n.is_whitespace()));
        if separator {
            segments.push((seg_start, i));
            seg_start = i + 1;
        } else if c == ' ' && chars[i..].starts_with(&[' ', 'a', 'n', 'd', ' ']) {
            let rest: String = chars[i + 5..].iter().take(24).collect();
            let next_is_count = figures::extract(&rest)
                .first()
                .is_some_and(|f| f.kind == Kind::Number && rest.starts_with(&f.text));
            if next_is_count {
                segments.push((seg_start, i));
                seg_start = i + 1;
            }
        }
        i += 1;
    }
    segments.push((seg_start, chars.len()));
    let mut items = Vec::new();
    for (s, e) in segments {
        let seg: String = chars[s..e].iter().collect();
        let lead = seg.len() - seg.trim_start().len();
        let mut s = s + seg[..lead].chars().count();
        let mut body: String = chars[s..e].iter().collect();
        for joiner in ["and ", "or ", "while ", "with "] {
            if let Some(rest) = body.strip_prefix(joiner) {
                s += joiner.chars().count();
                body = rest.to_string();
            }
        }
        let body = body.trim_end_matches(['.', ' ', '!', '?']).to_string();
        let end = s + body.chars().count();
        let words: Vec<&str> = body.split_whitespace().collect();
        if words.len() < 2 {
            continue;
        }
        // The count: a figure at the segment's start, or a figure that opens the
        // segment's object ("Islamabad has sent four foreign minister trips").
        let figs = figures::extract(&body);
        let Some(first) = figs.iter().find(|f| f.kind == Kind::Number) else {
            if matches!(words[0].to_lowercase().as_str(), "a" | "an") {
                items.push(Item {
                    start: s,
                    end,
                    value: 1.0,
                    words: words[1..].join(" "),
                });
            }
            continue;
        };
        let at = body.find(&first.text).unwrap_or(0);
        let after: Vec<&str> = body[at + first.text.len()..].split_whitespace().collect();
        let before = body[..at].trim_end().to_lowercase();
        let is_duration = after.first().is_some_and(|w| {
            TIME_UNITS.contains(
                &w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
                    .as_str(),
            )
        }) && before
            .split_whitespace()
            .last()
            .is_some_and(|w| DURATION_PREPOSITIONS.contains(&w));
        if after.is_empty() || is_duration {
            continue;
        }
        let item_start = s + body[..at].chars().count();
        items.push(Item {
            start: item_start,
            end,
            value: first.value,
            words: after.join(" "),
        });
    }
    // Only a list of at least two counted items is an enumeration; a lone "a/an"
    // item counts only inside one.
    let numeric = items
        .iter()
        .filter(|i| i.value != 1.0 || !i.words.is_empty())
        .count();
    if items.len() >= 2
        && numeric >= 2
        && items
            .iter()
            .filter(|i| sentence_has_number(&chars, i))
            .count()
            >= 2
    {
        items
    } else {
        Vec::new()
    }
}

fn sentence_has_number(chars: &[char], item: &Item) -> bool {
    let text: String = chars[item.start..item.end].iter().collect();
    figures::extract(&text)
        .iter()
        .any(|f| f.kind == Kind::Number)
}

/// Every suggestion for `text`, best first.
pub fn suggest(text: &str) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for s in sentences(text) {
        let (sentence_score, features, tags) = score(&s.text);
        let items = enumeration(&s.text);
        if items.is_empty() {
            out.push(Suggestion {
                quote: s.text.clone(),
                start: s.start,
                end: s.end,
                score: round(sentence_score),
                features,
                subject: None,
                value: None,
                tags,
            });
            continue;
        }
        // Context shared by every item: a leading phrase ("Within four years") and
        // a trailing one on the last item ("to Kabul").
        let chars: Vec<char> = s.text.chars().collect();
        let head: String = chars[..items[0].start].iter().collect();
        let head = head
            .split(',')
            .next()
            .map(str::trim)
            .filter(|h| {
                let first = h.split_whitespace().next().unwrap_or("").to_lowercase();
                ["within", "in", "since", "during", "over", "from", "last"]
                    .contains(&first.as_str())
                    && h.split_whitespace().count() <= 5
            })
            .map(str::to_lowercase)
            .unwrap_or_default();
        // "… and an NSA trip to Kabul": a short destination on the last item is
        // where all the items went.
        let last_words = &items[items.len() - 1].words;
        let tail = last_words
            .find(" to ")
            .map(|i| last_words[i..].trim().to_string())
            .filter(|t| t.split_whitespace().count() <= 4)
            .unwrap_or_default();
        // When the items are only part of what the sentence says, the sentence is
        // suggested as well, for the rest.
        let covered: usize = items.iter().map(|i| i.end - i.start).sum();
        if covered * 10 < chars.len() * 6 {
            out.push(Suggestion {
                quote: s.text.clone(),
                start: s.start,
                end: s.end,
                score: round(sentence_score),
                features: features.clone(),
                subject: None,
                value: None,
                tags: tags.clone(),
            });
        }
        for (n, item) in items.iter().enumerate() {
            let quote: String = chars[item.start..item.end].iter().collect();
            // "one within the Doha framework": the thing counted is the first
            // item's ("dialogue rounds"), left unsaid.
            let elided = item.words.split_whitespace().next().is_some_and(|w| {
                ["within", "in", "at", "of", "from", "for", "on", "under"]
                    .contains(&w.to_lowercase().as_str())
            });
            let mut subject = if elided && n > 0 {
                format!("{} {}", items[0].words, item.words)
            } else {
                item.words.clone()
            };
            if n + 1 < items.len() && !tail.is_empty() {
                subject = format!("{subject} {tail}");
            }
            if !head.is_empty() {
                subject = format!("{subject} {head}");
            }
            let (item_score, mut item_features, mut item_tags) = score(&quote);
            item_features.push("one item of an enumeration".into());
            item_tags.push("figure".into());
            item_tags.sort();
            item_tags.dedup();
            out.push(Suggestion {
                quote,
                start: s.start + item.start,
                end: s.start + item.end,
                // An item inherits its sentence's context (attribution, names)
                // but is scored at least as a figure.
                score: round(sentence_score.max(item_score).max(0.4)),
                features: item_features,
                subject: Some(subject),
                value: Some(item.value),
                tags: item_tags,
            });
        }
    }
    out.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.start.cmp(&b.start))
    });
    out
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
