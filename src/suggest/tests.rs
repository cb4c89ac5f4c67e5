use super::*;

#[test]
fn sentences_survive_abbreviations_numbers_and_quotes() {
    let text = "Dr. Smith said the U.S. spent $4.5 billion. The 36th report counted 4,000 fighters. \
                “Peace cannot wait,” he said. Was it true? Mr. J. Doe left at 3 p.m. on Nov. 11.\n\nSource link\n\nLeave a Reply";
    let got: Vec<String> = sentences(text).into_iter().map(|s| s.text).collect();
    assert_eq!(
        got,
        [
            "Dr. Smith said the U.S. spent $4.5 billion.",
            "The 36th report counted 4,000 fighters.",
            "“Peace cannot wait,” he said.",
            "Was it true?",
            "Mr. J. Doe left at 3 p.m. on Nov. 11.",
        ]
    );
}

#[test]
fn offsets_point_at_the_sentence_in_the_text() {
    let text = "Intro line here now.\n\nSecond — with ’curly’ marks — ends here. Third.";
    for s in sentences(text) {
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[s.start..s.end].iter().collect::<String>(), s.text);
    }
}

#[test]
fn enumerations_become_one_suggestion_per_figure() {
    let text = "Within four years, Islamabad has sent four foreign minister trips, two high-ranking defense/ISI trips, five special representative trips, five secretary trips, and an NSA trip to Kabul.";
    let got = suggest(text);
    let items: Vec<(&str, f64)> = got
        .iter()
        .map(|s| (s.quote.as_str(), s.value.unwrap()))
        .collect();
    assert_eq!(
        items,
        [
            ("four foreign minister trips", 4.0),
            ("two high-ranking defense/ISI trips", 2.0),
            ("five special representative trips", 5.0),
            ("five secretary trips", 5.0),
            ("an NSA trip to Kabul", 1.0),
        ]
    );
    assert_eq!(
        got[0].claim_text(),
        "foreign minister trips to Kabul within four years: 4"
    );
    for s in &got {
        assert_eq!(
            &text
                .chars()
                .skip(s.start)
                .take(s.end - s.start)
                .collect::<String>(),
            &s.quote
        );
    }
}

#[test]
fn rhetoric_scores_low_and_says_why() {
    let got = suggest("“Peace cannot be negotiated in abstraction; it must be built on the concrete dismantling of the forces that destroy it.”");
    assert!(got[0].score < DEFAULT_MIN_SCORE, "{got:?}");
    assert!(
        got[0]
            .features
            .iter()
            .any(|f| f.starts_with("rhetoric") || f.starts_with("opinion")),
        "{got:?}"
    );
    let fact = suggest("Police said 12 people were arrested on March 4.");
    assert!(fact[0].score >= 0.8, "{fact:?}");
    assert!(
        fact[0].tags.contains(&"figure".to_string()) && fact[0].tags.contains(&"event".to_string())
    );
}

/// (figure-claim recall, all-claim recall, precision) of the suggestions at or
/// above the default threshold, against a labelled claims file. A labelled claim
/// is found when a suggestion's span overlaps its quote's span.
pub fn quality(article: &str, claims_json: &str) -> (f64, f64, f64, Vec<String>) {
    let claims: Vec<serde_json::Value> = serde_json::from_str(claims_json).unwrap();
    let text = crate::anchor::Text::new(article);
    let spans: Vec<(usize, usize, bool, String)> = claims
        .iter()
        .map(|c| {
            let q = c["quote"].as_str().unwrap();
            let a = text
                .anchor(q, None)
                .unwrap_or_else(|e| panic!("{q}: {e}"))
                .anchor;
            let figure = c["tags"].as_array().unwrap().iter().any(|t| t == "figure");
            (a.start, a.end, figure, q.to_string())
        })
        .collect();
    let got: Vec<Suggestion> = suggest(article)
        .into_iter()
        .filter(|s| s.score >= DEFAULT_MIN_SCORE)
        .collect();
    let overlaps = |s: &Suggestion, (a, b): (usize, usize)| s.start < b && a < s.end;
    let found = |i: usize| got.iter().any(|s| overlaps(s, (spans[i].0, spans[i].1)));
    let missed: Vec<String> = (0..spans.len())
        .filter(|&i| !found(i))
        .map(|i| spans[i].3.clone())
        .collect();
    let figure_total = spans.iter().filter(|s| s.2).count();
    let figure_found = (0..spans.len()).filter(|&i| spans[i].2 && found(i)).count();
    let all_found = (0..spans.len()).filter(|&i| found(i)).count();
    let useful = got
        .iter()
        .filter(|s| spans.iter().any(|c| overlaps(s, (c.0, c.1))))
        .count();
    let mut missed = missed;
    for s in got
        .iter()
        .filter(|s| !spans.iter().any(|c| overlaps(s, (c.0, c.1))))
    {
        missed.push(format!(
            "UNLABELLED SUGGESTION: {} ({:.2})",
            s.quote, s.score
        ));
    }
    (
        figure_found as f64 / figure_total.max(1) as f64,
        all_found as f64 / spans.len().max(1) as f64,
        useful as f64 / got.len().max(1) as f64,
        missed,
    )
}

#[test]
fn quality_on_the_seed_article() {
    let (fig, all, precision, notes) = quality(
        include_str!("../../fixtures/article.txt"),
        include_str!("../../fixtures/claims.json"),
    );
    eprintln!(
        "seed: figure recall {fig:.2}, recall {all:.2}, precision {precision:.2}\n{}",
        notes.join("\n")
    );
    assert_eq!(fig, 1.0, "{notes:?}");
    assert!(all >= 0.9, "{notes:?}");
    assert!(precision >= 0.7, "{notes:?}");
}

#[test]
fn quality_holds_on_an_economic_report() {
    let (fig, all, precision, notes) = quality(
        include_str!("../../fixtures/articles/economy.txt"),
        include_str!("../../fixtures/articles/economy-claims.json"),
    );
    eprintln!(
        "economy: figure recall {fig:.2}, recall {all:.2}, precision {precision:.2}\n{}",
        notes.join("\n")
    );
    assert_eq!(fig, 1.0, "{notes:?}");
    assert!(all >= 0.9, "{notes:?}");
    assert!(precision >= 0.7, "{notes:?}");
}

#[test]
fn quality_holds_on_a_court_report() {
    let (fig, all, precision, notes) = quality(
        include_str!("../../fixtures/articles/court.txt"),
        include_str!("../../fixtures/articles/court-claims.json"),
    );
    eprintln!(
        "court: figure recall {fig:.2}, recall {all:.2}, precision {precision:.2}\n{}",
        notes.join("\n")
    );
    assert_eq!(fig, 1.0, "{notes:?}");
    assert!(all >= 0.9, "{notes:?}");
    assert!(precision >= 0.7, "{notes:?}");
}
