use super::*;

fn figs(text: &str) -> Vec<(Kind, f64, String)> {
    extract(text)
        .into_iter()
        .map(|f| (f.kind, f.value, f.text))
        .collect()
}

#[test]
fn digits_with_separators_words_and_suffixes() {
    assert_eq!(
        figs("172 Tashkeel of almost 4,000 militants; the 6,000-strong TTP"),
        [
            (Kind::Number, 172.0, "172".into()),
            (Kind::Number, 4000.0, "4,000".into()),
            (Kind::Number, 6000.0, "6,000".into()),
        ]
    );
    assert_eq!(
        extract("almost 4,000")[0].qualifier.as_deref(),
        Some("almost")
    );
    assert_eq!(
        extract("more than 13 demarches")[0].qualifier.as_deref(),
        Some("more than")
    );
    assert_eq!(
        figs("two trips, eight meetings, five visits and twenty-five notes"),
        [
            (Kind::Number, 2.0, "two".into()),
            (Kind::Number, 8.0, "eight".into()),
            (Kind::Number, 5.0, "five".into()),
            (Kind::Number, 25.0, "twenty-five".into()),
        ]
    );
}

#[test]
fn multipliers_percentages_and_ordinals() {
    assert_eq!(
        figs("4 million people")[0],
        (Kind::Number, 4e6, "4 million".into())
    );
    assert_eq!(
        figs("five thousand")[0],
        (Kind::Number, 5000.0, "five thousand".into())
    );
    assert_eq!(figs("2.5 billion")[0].1, 2.5e9);
    assert_eq!(figs("rose 12% in")[0], (Kind::Percent, 12.0, "12%".into()));
    assert_eq!(
        figs("rose 12 per cent")[0],
        (Kind::Percent, 12.0, "12 per cent".into())
    );
    assert_eq!(figs("7.5 percent")[0].0, Kind::Percent);
    assert_eq!(
        figs("the 36th UN report")[0],
        (Kind::Ordinal, 36.0, "36th".into())
    );
    assert_eq!(
        figs("the third camp")[0],
        (Kind::Ordinal, 3.0, "third".into())
    );
}

#[test]
fn years_and_dates() {
    assert_eq!(
        figs("in 2025 alone")[0],
        (Kind::Year, 2025.0, "2025".into())
    );
    let d = &extract("on November 11 is the latest")[0];
    assert_eq!(
        (d.kind, d.month, d.day, d.text.as_str()),
        (Kind::Date, Some(11), Some(11), "November 11")
    );
    let d = &extract("Report (July 2025), it")[0];
    assert_eq!(
        (d.month, d.year, d.text.as_str()),
        (Some(7), Some(2025), "July 2025")
    );
    let d = &extract("on 11 November 2025")[0];
    assert_eq!((d.day, d.month, d.year), (Some(11), Some(11), Some(2025)));
    // "2,025" is a count, not a year; "may" the verb is no month.
    assert_eq!(figs("2,025 notes")[0].0, Kind::Number);
    assert!(extract("it may be so").is_empty());
}

#[test]
fn the_article_figures_are_read() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/article.txt"))
            .unwrap();
    let all: Vec<String> = extract(&text).into_iter().map(|f| f.text).collect();
    for want in [
        "four",
        "two",
        "five",
        "8",
        "225",
        "836",
        "13",
        "172",
        "4,000",
        "83",
        "214",
        "2025",
        "November 11",
        "36th",
        "July 2025",
        "six",
        "three",
        "6,000",
        "2021",
        "51",
    ] {
        assert!(all.iter().any(|f| f == want), "{want} not found in {all:?}");
    }
}

#[test]
fn a_quote_matches_misses_or_contradicts_a_claim() {
    let c = compare("The TTP is 6,000-strong", "a 6,000-strong TTP presence");
    assert_eq!(c.status, "match");
    let c = compare("The TTP is 6,000-strong", "some 5,000 fighters");
    assert_eq!(c.status, "mismatch");
    assert_eq!(c.summary(), "6,000 ≠ 5,000");
    let c = compare("The TTP is 6,000-strong", "a large presence");
    assert_eq!(c.status, "missing");
    assert_eq!(compare("Talks happened", "in 2025").status, "none");
    assert_eq!(
        compare("four foreign minister trips", "4 foreign minister visits").status,
        "match"
    );
    assert_eq!(
        compare("the attack on November 11", "on 11 November 2025").status,
        "match"
    );
    assert_eq!(
        compare("the attack on November 11", "on 12 November").status,
        "mismatch"
    );
    // A bare year neither confirms nor contradicts a month.
    assert_eq!(
        compare("the report of July 2025", "published in 2025").status,
        "missing"
    );
    assert_eq!(
        compare("the report of July 2025", "published in June 2025").status,
        "mismatch"
    );
    assert_eq!(compare("12% of voters", "12 per cent").status, "match");
}

#[test]
fn fractions_in_words_and_pronoun_one() {
    assert_eq!(
        figs("buys roughly a quarter of exports")[0],
        (Kind::Percent, 25.0, "a quarter".into())
    );
    assert_eq!(figs("two-thirds of voters")[0].0, Kind::Percent);
    assert_eq!(
        compare("a quarter of exports", "25% of exports").status,
        "match"
    );
    assert_eq!(compare("half of the budget", "50 percent").status, "match");
    assert!(extract("the one in which it happened").is_empty());
    assert!(extract("an opportunistic one; it is").is_empty());
    assert!(extract("one of them").is_empty());
    assert_eq!(figs("one man was charged")[0].1, 1.0);
}

#[test]
fn counts_are_not_years_and_pairs_follow_what_is_counted() {
    assert_eq!(
        compare(
            "There were 2000 fighters in the camp",
            "There were 2,500 fighters"
        )
        .status,
        "mismatch"
    );
    assert_eq!(
        compare("There were 2000 fighters", "some 2,000 fighters").status,
        "match"
    );
    assert_eq!(figs("in 2000, fighters came")[0].0, Kind::Year);
    // A figure is answered by the quote's figure counting the same thing.
    assert_eq!(
        compare(
            "836 protest notes were sent over four years",
            "836 protest notes"
        )
        .status,
        "missing"
    );
    let c = compare(
        "13 formal demarches",
        "836 protest notes and 14 formal demarches",
    );
    assert_eq!(c.summary(), "13 ≠ 14");
}

#[test]
fn qualifiers_bound_the_figures_they_qualify() {
    assert_eq!(
        compare("almost 4,000 militants", "more than 4,000 militants").status,
        "mismatch"
    );
    assert_eq!(
        compare("almost 4,000 militants", "3,900 militants").status,
        "match"
    );
    assert_eq!(
        compare("more than 100 arrests", "120 arrests").status,
        "match"
    );
    assert_eq!(
        compare("more than 100 arrests", "80 arrests").status,
        "mismatch"
    );
    assert_eq!(compare("about 50 people", "53 people").status, "match");
}
