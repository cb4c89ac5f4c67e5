//! Figures in claims and quotes: numbers, percentages, ordinals, years and dates,
//! and whether a quote bears out the figures of a claim.
//!
//! Claims in this field are mostly figures, so every evidence quote is checked
//! against its claim: each figure the claim states is found in the quote (match),
//! contradicted by a different figure of the same kind (mismatch: the claim says
//! 6,000, the quote 5,000), or absent (missing). The reader is a small hand-written
//! scanner: digits with thousands separators and decimals ("4,000", "2.5"), number
//! words ("two", "twenty-five"), multipliers ("4 million", "five thousand"),
//! percentages ("12%", "12 percent"), ordinals ("36th", "third"), years ("2025"),
//! and dates ("November 11", "11 November 2025", "July 2025"). Qualifiers such as
//! "almost" or "more than" are kept, since "almost 4,000" is not "4,000" exactly.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Number,
    Percent,
    Ordinal,
    Year,
    Date,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The words as written, like "almost 4,000" or "November 11".
    pub text: String,
    pub kind: Kind,
    /// The value (for a date: its day, or month if it has no day).
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
    /// A qualifier such as "almost", "about", "more than".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// The word after the figure, what it counts ("notes" in "836 protest notes"
    /// is reached through "protest"): pairs a claim's figure with the quote's.
    #[serde(skip)]
    pub unit: Option<String>,
}

const UNITS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("dozen", 12.0),
    ("hundred", 100.0),
];

const ORDINAL_WORDS: &[(&str, f64)] = &[
    ("first", 1.0),
    ("second", 2.0),
    ("third", 3.0),
    ("fourth", 4.0),
    ("fifth", 5.0),
    ("sixth", 6.0),
    ("seventh", 7.0),
    ("eighth", 8.0),
    ("ninth", 9.0),
    ("tenth", 10.0),
];

const MULTIPLIERS: &[(&str, f64)] = &[
    ("hundred", 100.0),
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words that qualify the figure after them (the first word of each phrase).
const QUALIFIERS: &[&str] = &[
    "almost",
    "nearly",
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "over",
    "under",
    "more than",
    "less than",
    "fewer than",
    "at least",
    "up to",
    "at most",
];

/// One word or number of the text, with its byte span.
#[derive(Debug, Clone)]
struct Token {
    start: usize,
    end: usize,
    /// Lowercased letters, or the digits with separators removed.
    norm: String,
    numeric: bool,
    /// For numbers: an ordinal suffix ("th") or a percent sign follows.
    ordinal: bool,
    percent: bool,
    /// The number was written with a thousands separator ("2,025" is no year).
    grouped: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            let start = i;
            let mut norm = String::new();
            let mut grouped = false;
            while i < b.len() {
                if b[i].is_ascii_digit() {
                    norm.push(b[i] as char);
                    i += 1;
                } else if b[i] == b','
                    && i + 3 < b.len() + 1
                    && b[i + 1..].iter().take(3).all(u8::is_ascii_digit)
                    && b.get(i + 4).is_none_or(|n| !n.is_ascii_digit())
                {
                    grouped = true;
                    i += 1;
                } else if b[i] == b'.'
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                    && !norm.contains('.')
                {
                    norm.push('.');
                    i += 1;
                } else {
                    break;
                }
            }
            let mut end = i;
            let rest = text[end..].to_ascii_lowercase();
            let ordinal = ["st", "nd", "rd", "th"].iter().any(|s| {
                rest.starts_with(s) && !rest[2..].starts_with(|c: char| c.is_ascii_alphabetic())
            });
            if ordinal {
                end += 2;
                i = end;
            }
            let percent = text[end..].starts_with('%');
            if percent {
                end += 1;
                i = end;
            }
            out.push(Token {
                start,
                end,
                norm,
                numeric: true,
                ordinal,
                percent,
                grouped,
            });
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push(Token {
                start,
                end: i,
                norm: text[start..i].to_ascii_lowercase(),
                numeric: false,
                ordinal: false,
                percent: false,
                grouped: false,
            });
        } else {
            // Other bytes (punctuation, spaces, non-ASCII) separate tokens.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

fn unit_word(w: &str) -> Option<f64> {
    UNITS.iter().find(|(n, _)| *n == w).map(|(_, v)| *v)
}

fn month_of(w: &str) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| {
            *m == w
                || (w.len() >= 3 && m.starts_with(w) && w != "mar" && w != "may")
                || (w == "sept" && *m == "september")
        })
        .map(|p| p as u8 + 1)
        .or(if w == "mar" { Some(3) } else { None })
}

/// Finds every figure in `text`, in order.
pub fn extract(text: &str) -> Vec<Figure> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let qualifier = qualifier_before(&toks, i);
        let start_tok = i;
        // Dates that start with a month: "November 11", "July 2025", "November 11, 2025".
        if let Some(month) = (!toks[i].numeric)
            .then(|| month_of(&toks[i].norm))
            .flatten()
        {
            let is_may_verb = toks[i].norm == "may" && !text[toks[i].start..].starts_with('M');
            if !is_may_verb && toks[i].norm.len() >= 3 {
                let mut fig = date(month);
                let mut j = i + 1;
                if let Some(t) = toks.get(j).filter(|t| t.numeric && !t.percent) {
                    let n = t.norm.parse::<f64>().unwrap_or(0.0);
                    if (1.0..=31.0).contains(&n) && !t.norm.contains('.') {
                        fig.day = Some(n as u8);
                        j += 1;
                        if let Some(y) = toks.get(j).and_then(year_of) {
                            fig.year = Some(y);
                            j += 1;
                        }
                    } else if let Some(y) = year_of(t) {
                        fig.year = Some(y);
                        j += 1;
                    }
                }
                if fig.day.is_some()
                    || fig.year.is_some()
                    || text[toks[i].start..].starts_with(char::is_uppercase)
                {
                    push(&mut out, text, &toks, start_tok, j, fig, qualifier);
                    i = j;
                    continue;
                }
            }
        }
        if toks[i].numeric {
            let t = &toks[i];
            let value = t.norm.parse::<f64>().unwrap_or(0.0);
            // "11 November (2025)".
            if let Some(month) = toks.get(i + 1).and_then(|n| month_of(&n.norm)) {
                if (1.0..=31.0).contains(&value)
                    && !t.ordinal_or_percent()
                    && toks[i + 1].norm.len() >= 3
                {
                    let mut fig = date(month);
                    fig.day = Some(value as u8);
                    let mut j = i + 2;
                    if let Some(y) = toks.get(j).and_then(year_of) {
                        fig.year = Some(y);
                        j += 1;
                    }
                    push(&mut out, text, &toks, i, j, fig, qualifier);
                    i = j;
                    continue;
                }
            }
            let (fig, j) = if t.percent {
                (plain(Kind::Percent, value), i + 1)
            } else if t.ordinal {
                (plain(Kind::Ordinal, value), i + 1)
            } else if let Some(y) = year_of(t)
                .filter(|_| !followed_by_multiplier(&toks, i) && !counts_something(&toks, i, text))
            {
                let mut f = plain(Kind::Year, y as f64);
                f.year = Some(y);
                (f, i + 1)
            } else {
                number_with_tail(&toks, i, value)
            };
            push(&mut out, text, &toks, start_tok, j, fig, qualifier);
            i = j;
            continue;
        }
        if let Some(v) = ORDINAL_WORDS
            .iter()
            .find(|(w, _)| *w == toks[i].norm)
            .map(|(_, v)| *v)
        {
            // "second" is an ordinal only before a noun-ish word, never "a second".
            push(
                &mut out,
                text,
                &toks,
                i,
                i + 1,
                plain(Kind::Ordinal, v),
                qualifier,
            );
            i += 1;
            continue;
        }
        // Fractions in words: "a quarter", "half", "two-thirds", as percentages.
        if let Some((pct, len)) = fraction_at(&toks, i, text) {
            push(
                &mut out,
                text,
                &toks,
                i,
                i + len,
                plain(Kind::Percent, pct),
                qualifier,
            );
            i += len;
            continue;
        }
        if let Some(mut value) = unit_word(&toks[i].norm) {
            if toks[i].norm == "hundred"
                || (toks[i].norm == "one" && one_is_a_pronoun(&toks, i, text))
            {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            // "twenty-five": a tens word, a hyphen, a unit word.
            if value >= 20.0 && value % 10.0 == 0.0 {
                if let Some(next) = toks.get(j) {
                    let joined = text[toks[i].end..next.start].trim() == "-";
                    if let (true, Some(u)) = (joined, unit_word(&next.norm).filter(|u| *u < 10.0)) {
                        value += u;
                        j += 1;
                    }
                }
            }
            let (fig, j) = number_with_tail(&toks, j - 1, value);
            push(&mut out, text, &toks, i, j, fig, qualifier);
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

impl Token {
    fn ordinal_or_percent(&self) -> bool {
        self.ordinal || self.percent
    }
}

/// "the one in which", "an opportunistic one", "one of them": `one` standing for
/// a noun, not counting one.
fn one_is_a_pronoun(toks: &[Token], i: usize, text: &str) -> bool {
    // A count is followed by what it counts, not by punctuation.
    let gap = toks
        .get(i + 1)
        .map_or(&text[toks[i].end..], |n| &text[toks[i].end..n.start]);
    if gap.contains([';', ',', '.', ':', '!', '?', ')']) {
        return true;
    }
    let before = i.checked_sub(1).map(|k| toks[k].norm.as_str());
    let after = toks.get(i + 1).map(|t| t.norm.as_str());
    matches!(
        before,
        Some(
            "the"
                | "this"
                | "that"
                | "no"
                | "any"
                | "each"
                | "every"
                | "some"
                | "an"
                | "which"
                | "another"
        )
    ) || matches!(
        after,
        None | Some(
            "of" | "in" | "which" | "that" | "who" | "another" | "or" | "and" | "to" | "is" | "was"
        )
    ) || toks.get(i + 1).is_some_and(|t| t.numeric)
}

/// A fraction in words at token `i`: its value as a percentage and its length in tokens.
fn fraction_at(toks: &[Token], i: usize, text: &str) -> Option<(f64, usize)> {
    let word = |k: usize| toks.get(k).map(|t| t.norm.as_str());
    let hyphen_between = |k: usize| {
        toks.get(k + 1)
            .is_some_and(|n| text[toks[k].end..n.start].trim() == "-")
    };
    match (word(i), word(i + 1)) {
        (Some("half"), _) => Some((50.0, 1)),
        (Some("a" | "one"), Some("half")) => Some((50.0, 2)),
        (Some("a" | "one"), Some("quarter")) => Some((25.0, 2)),
        (Some("a" | "one"), Some("third")) => Some((100.0 / 3.0, 2)),
        (Some("two"), Some("thirds")) if hyphen_between(i) || word(i + 1).is_some() => {
            Some((200.0 / 3.0, 2))
        }
        (Some("three"), Some("quarters")) => Some((75.0, 2)),
        _ => None,
    }
}

fn date(month: u8) -> Figure {
    Figure {
        text: String::new(),
        kind: Kind::Date,
        value: month as f64,
        year: None,
        month: Some(month),
        day: None,
        qualifier: None,
        unit: None,
    }
}

fn plain(kind: Kind, value: f64) -> Figure {
    Figure {
        text: String::new(),
        kind,
        value,
        year: None,
        month: None,
        day: None,
        qualifier: None,
        unit: None,
    }
}

fn year_of(t: &Token) -> Option<i32> {
    (t.numeric
        && !t.grouped
        && !t.ordinal_or_percent()
        && t.norm.len() == 4
        && !t.norm.contains('.'))
    .then(|| t.norm.parse::<i32>().ok())
    .flatten()
    .filter(|y| (1800..=2199).contains(y))
}

/// "2000 fighters": a four-digit number followed by what it counts is a count,
/// not a year ("in 2000, fighters…" and "2000 and 2001" stay years).
fn counts_something(toks: &[Token], i: usize, text: &str) -> bool {
    const NOT_NOUNS: &[&str] = &[
        "and",
        "or",
        "to",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "by",
        "for",
        "when",
        "after",
        "before",
        "was",
        "were",
        "is",
        "saw",
        "had",
        "has",
        "as",
        "but",
        "while",
        "that",
        "which",
        "alone",
        "onwards",
        "onward",
        "census",
        "report",
        "election",
        "elections",
        "budget",
    ];
    let before = i.checked_sub(1).map(|k| toks[k].norm.as_str());
    if matches!(
        before,
        Some(
            "in" | "since"
                | "by"
                | "until"
                | "from"
                | "of"
                | "year"
                | "during"
                | "before"
                | "after"
                | "early"
                | "late"
                | "mid"
        )
    ) {
        return false;
    }
    toks.get(i + 1).is_some_and(|n| {
        !n.numeric
            && text[toks[i].end..n.start].trim().is_empty()
            && n.norm.chars().all(|c| c.is_ascii_lowercase())
            && text[n.start..n.end].starts_with(|c: char| c.is_lowercase())
            && !NOT_NOUNS.contains(&n.norm.as_str())
            && month_of(&n.norm).is_none()
    })
}

fn followed_by_multiplier(toks: &[Token], i: usize) -> bool {
    toks.get(i + 1)
        .is_some_and(|t| MULTIPLIERS.iter().any(|(w, _)| *w == t.norm))
}

/// A number and what follows it: multipliers ("4 million", "five hundred
/// thousand") and "percent" / "per cent". Returns the figure and the next token.
fn number_with_tail(toks: &[Token], i: usize, mut value: f64) -> (Figure, usize) {
    let mut j = i + 1;
    while let Some(m) = toks
        .get(j)
        .and_then(|t| MULTIPLIERS.iter().find(|(w, _)| *w == t.norm))
    {
        value *= m.1;
        j += 1;
    }
    match toks.get(j).map(|t| t.norm.as_str()) {
        Some("percent") => return (plain(Kind::Percent, value), j + 1),
        Some("per") if toks.get(j + 1).is_some_and(|t| t.norm == "cent") => {
            return (plain(Kind::Percent, value), j + 2)
        }
        _ => {}
    }
    (plain(Kind::Number, value), j)
}

fn qualifier_before(toks: &[Token], i: usize) -> Option<String> {
    let one = i.checked_sub(1).map(|k| toks[k].norm.as_str());
    let two = i
        .checked_sub(2)
        .map(|k| format!("{} {}", toks[k].norm, toks[k + 1].norm));
    two.filter(|p| QUALIFIERS.contains(&p.as_str()))
        .or_else(|| one.filter(|w| QUALIFIERS.contains(w)).map(str::to_string))
}

fn push(
    out: &mut Vec<Figure>,
    text: &str,
    toks: &[Token],
    from: usize,
    to: usize,
    mut fig: Figure,
    qualifier: Option<String>,
) {
    let end = toks[to.max(from + 1) - 1].end;
    fig.text = text[toks[from].start..end].to_string();
    fig.qualifier = qualifier;
    fig.unit = toks
        .get(to.max(from + 1))
        .filter(|t| !t.numeric && !text[end..t.start].contains([',', ';', '.', ':', '(']))
        .map(|t| t.norm.clone());
    out.push(fig);
}

/// How one of the claim's figures fared in a quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureResult {
    pub claim: String,
    #[serde(rename = "result")]
    pub outcome: Outcome,
    /// The quote's figure that matched or contradicted it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Match,
    Missing,
    Mismatch,
}

/// The figure check of one evidence quote against its claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// `match`, `missing`, `mismatch`, or `none` when the claim states no figure.
    pub status: &'static str,
    pub figures: Vec<FigureResult>,
}

impl Check {
    pub fn is_mismatch(&self) -> bool {
        self.status == "mismatch"
    }

    /// One line for tables: "6,000 ≠ 5,000" or "2 of 2 match".
    pub fn summary(&self) -> String {
        match self.status {
            "none" => "no figures".into(),
            "mismatch" => self
                .figures
                .iter()
                .filter(|f| f.outcome == Outcome::Mismatch)
                .map(|f| format!("{} ≠ {}", f.claim, f.quote.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", "),
            _ => {
                let matched = self
                    .figures
                    .iter()
                    .filter(|f| f.outcome == Outcome::Match)
                    .count();
                format!("{matched} of {} match", self.figures.len())
            }
        }
    }
}

/// Compares the figures a claim states with those of a quote.
pub fn compare(claim: &str, quote: &str) -> Check {
    let claimed = extract(claim);
    let quoted = extract(quote);
    // Each of the quote's figures answers for one of the claim's: equal ones pair
    // first; then a claim figure is contradicted by the figure of the same kind
    // counting the same thing, or by the only one of that kind left. Among
    // several unrelated ones, it is missing rather than wrongly contradicted.
    let mut used = vec![false; quoted.len()];
    let mut outcomes: Vec<Option<(Outcome, Option<String>)>> = vec![None; claimed.len()];
    for (ci, c) in claimed.iter().enumerate() {
        if let Some(qi) = (0..quoted.len()).find(|&qi| !used[qi] && same(c, &quoted[qi])) {
            used[qi] = true;
            outcomes[ci] = Some((Outcome::Match, Some(quoted[qi].text.clone())));
        }
    }
    for (ci, c) in claimed.iter().enumerate() {
        if outcomes[ci].is_some() {
            continue;
        }
        let candidates: Vec<usize> = (0..quoted.len())
            .filter(|&qi| !used[qi] && contradicts(c, &quoted[qi]))
            .collect();
        let same_unit = candidates
            .iter()
            .copied()
            .find(|&qi| c.unit.is_some() && c.unit == quoted[qi].unit);
        let pick = same_unit.or_else(|| (candidates.len() == 1).then(|| candidates[0]));
        outcomes[ci] = Some(match pick {
            Some(qi) => {
                used[qi] = true;
                (Outcome::Mismatch, Some(quoted[qi].text.clone()))
            }
            None => (Outcome::Missing, None),
        });
    }
    let figures: Vec<FigureResult> = claimed
        .iter()
        .zip(outcomes)
        .map(|(c, o)| {
            let (outcome, quote) = o.unwrap_or((Outcome::Missing, None));
            FigureResult {
                claim: c.text.clone(),
                outcome,
                quote,
            }
        })
        .collect();
    let status = if figures.is_empty() {
        "none"
    } else if figures.iter().any(|f| f.outcome == Outcome::Mismatch) {
        "mismatch"
    } else if figures.iter().any(|f| f.outcome == Outcome::Missing) {
        "missing"
    } else {
        "match"
    };
    Check { status, figures }
}

/// How a qualifier bounds a figure: "almost 4,000" is a little under, "more than
/// 100" anything above.
#[derive(Clone, Copy, PartialEq)]
enum Bound {
    Exact,
    About,
    Below,
    Above,
}

fn bound(f: &Figure) -> Bound {
    match f.qualifier.as_deref() {
        None => Bound::Exact,
        Some("almost" | "nearly" | "under" | "less than" | "fewer than" | "up to" | "at most") => {
            Bound::Below
        }
        Some("over" | "more than" | "at least") => Bound::Above,
        Some(_) => Bound::About,
    }
}

/// Whether two numbers, each perhaps qualified, can describe the same quantity.
fn numbers_agree(a: &Figure, b: &Figure) -> bool {
    let (x, y) = (a.value, b.value);
    let near = |p: f64, q: f64| (p - q).abs() <= 0.1 * p.abs().max(q.abs());
    match (bound(a), bound(b)) {
        (Bound::Exact, Bound::Exact) => (x - y).abs() < 1e-9,
        // Opposite bounds on the same number say different things.
        (Bound::Below, Bound::Above) | (Bound::Above, Bound::Below) => false,
        (Bound::Above, Bound::Exact) => y > x,
        (Bound::Exact, Bound::Above) => x > y,
        (Bound::Below, Bound::Exact) => y <= x && near(x, y),
        (Bound::Exact, Bound::Below) => x <= y && near(x, y),
        _ => near(x, y),
    }
}

fn comparable(a: &Figure, b: &Figure) -> bool {
    let year_like =
        |f: &Figure| matches!(f.kind, Kind::Year) || (f.kind == Kind::Date && f.year.is_some());
    a.kind == b.kind || (year_like(a) && year_like(b))
}

/// The quote states a figure of the same kind that disagrees with the claim's.
fn contradicts(a: &Figure, b: &Figure) -> bool {
    if !comparable(a, b) {
        return false;
    }
    if a.kind == Kind::Date || b.kind == Kind::Date {
        let differs = |x: Option<u8>, y: Option<u8>| x.zip(y).is_some_and(|(x, y)| x != y);
        return a.year.zip(b.year).is_some_and(|(x, y)| x != y)
            || differs(a.month, b.month)
            || differs(a.day, b.day);
    }
    !same(a, b)
}

fn same(a: &Figure, b: &Figure) -> bool {
    if !comparable(a, b) {
        return false;
    }
    match (a.kind, b.kind) {
        (Kind::Date, _) | (_, Kind::Date) => {
            let agree = |x: Option<i64>, y: Option<i64>| x.zip(y).is_none_or(|(x, y)| x == y);
            let shared = [
                a.year.zip(b.year).is_some(),
                a.month.zip(b.month).is_some(),
                a.day.zip(b.day).is_some(),
            ];
            shared.iter().any(|s| *s)
                && agree(a.year.map(i64::from), b.year.map(i64::from))
                && agree(a.month.map(i64::from), b.month.map(i64::from))
                && agree(a.day.map(i64::from), b.day.map(i64::from))
                // A claim's full date is not borne out by a quote's bare year.
                && (a.month.is_none() || b.month.is_some())
        }
        _ => numbers_agree(a, b),
    }
}

#[cfg(test)]
mod tests;
