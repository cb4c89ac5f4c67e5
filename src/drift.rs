//! What changed between two texts of a source, in a line a checker can read.
//!
//! Paragraphs are compared as multisets: the summary counts those that left and
//! those that arrived and quotes the first of each, which is what a checker needs to
//! decide whether to look closer. It runs in linear time on texts of any size.

use crate::anchor::clip;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub removed: usize,
    pub added: usize,
    pub first_removed: Option<String>,
    pub first_added: Option<String>,
}

impl Drift {
    pub fn summary(&self) -> String {
        if self.removed == 0 && self.added == 0 {
            return "the text is the same (only the bytes changed)".into();
        }
        let mut parts = vec![format!(
            "{} paragraph{} removed, {} added",
            self.removed,
            if self.removed == 1 { "" } else { "s" },
            self.added
        )];
        if let Some(r) = &self.first_removed {
            parts.push(format!("was: \"{r}\""));
        }
        if let Some(a) = &self.first_added {
            parts.push(format!("now: \"{a}\""));
        }
        parts.join("; ")
    }
}

fn paragraphs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
}

pub fn compare(old: &str, new: &str) -> Drift {
    let mut counts: HashMap<String, i64> = HashMap::new();
    for p in paragraphs(old) {
        *counts.entry(p).or_default() += 1;
    }
    let mut added = 0;
    let mut first_added = None;
    for p in paragraphs(new) {
        let c = counts.entry(p.clone()).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            added += 1;
            first_added.get_or_insert_with(|| clip(&p, 80));
        }
    }
    let mut removed = 0;
    let mut first_removed = None;
    for p in paragraphs(old) {
        if let Some(c) = counts.get_mut(&p) {
            if *c > 0 {
                *c -= 1;
                removed += 1;
                first_removed.get_or_insert_with(|| clip(&p, 80));
            }
        }
    }
    Drift {
        removed,
        added,
        first_removed,
        first_added,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_paragraphs_that_left_and_arrived() {
        let d = compare("a\n\nb\n\nc\n", "a\n\nB changed\n\nc\n\nd\n");
        assert_eq!((d.removed, d.added), (1, 2));
        assert_eq!(d.first_removed.as_deref(), Some("b"));
        assert_eq!(d.first_added.as_deref(), Some("B changed"));
        assert!(d.summary().starts_with("1 paragraph removed, 2 added"));
    }

    #[test]
    fn whitespace_and_order_of_identical_paragraphs_do_not_count() {
        let d = compare("x  y\nz", "x y\n\nz\n");
        assert_eq!((d.removed, d.added), (0, 0));
        assert_eq!(d.summary(), "the text is the same (only the bytes changed)");
    }
}
