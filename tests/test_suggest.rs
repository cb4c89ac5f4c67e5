use crate::common::{Env, ARTICLE};
use serde_json::Value;

#[test]
fn suggestions_are_ranked_explained_and_anchorable() {
    let env = Env::with_article();
    let all = env.json(&["claim", "suggest", "--doc", "D1"]);
    let all = all.as_array().unwrap();
    assert!(all.len() >= 25, "{}", all.len());
    let scores: Vec<f64> = all.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    assert!(scores.iter().all(|s| *s >= 0.4));
    let text = std::fs::read_to_string(ARTICLE).unwrap();
    let chars: Vec<char> = text.chars().collect();
    for s in all {
        let (a, b) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[a..b].iter().collect::<String>(),
            s["quote"].as_str().unwrap()
        );
        assert!(!s["features"].as_array().unwrap().is_empty());
    }
    let trips = all
        .iter()
        .find(|s| s["quote"] == "four foreign minister trips")
        .unwrap();
    assert_eq!(trips["value"], 4.0);
    assert_eq!(
        trips["subject"],
        "foreign minister trips to Kabul within four years"
    );
    // Page furniture and rhetoric are not suggested at the default threshold.
    for s in all {
        let q = s["quote"].as_str().unwrap();
        assert!(
            !q.contains("Source link")
                && !q.contains("Leave a Reply")
                && !q.contains("Peace cannot"),
            "{q}"
        );
    }
    let low = env.json(&["claim", "suggest", "--doc", "D1", "--min-score", "0"]);
    let peace = low
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["quote"].as_str().unwrap().contains("Peace cannot"))
        .unwrap();
    assert!(peace["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.as_str().unwrap().starts_with("rhetoric")));
    assert_eq!(
        env.json(&["claim", "suggest", "--doc", "D1", "--limit", "3"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
    env.fails(&["claim", "suggest", "--doc", "D1", "--min-score", "2"], 1);
    env.fails(&["claim", "suggest", "--doc", "D9"], 1);
}

#[test]
fn accepting_twice_adds_nothing_the_second_time() {
    let env = Env::with_article();
    env.ok(&[
        "claim",
        "add",
        "--doc",
        "D1",
        "--quote",
        "836 protest notes",
    ]);
    let first = env.json(&["claim", "suggest", "--doc", "D1", "--accept"]);
    let first = first.as_array().unwrap();
    let already: Vec<&Value> = first
        .iter()
        .filter(|s| s["already_logged"] == true)
        .collect();
    assert_eq!(already.len(), 1, "the claim logged by hand is skipped");
    assert_eq!(already[0]["claim"], "C1");
    let claims = env.json(&["claim", "list"]).as_array().unwrap().len();
    assert_eq!(claims, first.len());
    let c = env.json(&["claim", "show", "C2"]);
    assert!(c["anchor"].is_object());
    let second = env.json(&["claim", "suggest", "--doc", "D1", "--accept"]);
    assert!(second
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["already_logged"] == true));
    assert_eq!(
        env.json(&["claim", "list"]).as_array().unwrap().len(),
        claims
    );
    let trips = env
        .json(&["claim", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["quote"] == "four foreign minister trips")
        .cloned()
        .unwrap();
    assert_eq!(
        trips["text"],
        "foreign minister trips to Kabul within four years: 4"
    );
    assert!(trips["tags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("figure")));
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn a_limit_of_nothing_is_a_usage_error() {
    let env = Env::with_article();
    env.fails(&["claim", "suggest", "--doc", "D1", "--limit", "0"], 2);
}
