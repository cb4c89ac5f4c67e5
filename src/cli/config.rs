//! `claimtrail config get|set`: workspace settings, each change recorded.

use super::error::CliError;
use super::ui::{list_table, Render, Ui};
use super::Context;
use comfy_table::Cell;
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print one setting, or all of them
    Get {
        /// The setting, like review.second-reviewer
        key: Option<String>,
    },
    /// Change a setting
    Set {
        /// The setting, like review.second-reviewer
        key: String,
        /// Its new value
        value: String,
    },
}

/// A setting claimtrail knows: its name, default, meaning and check.
struct Key {
    name: &'static str,
    default: Option<&'static str>,
    about: &'static str,
    check: fn(&str) -> Result<String, String>,
}

const KEYS: &[Key] = &[
    Key {
        name: "review.second-reviewer",
        default: Some("off"),
        about: "on: a verdict stays pending until a different person confirms it",
        check: on_off,
    },
    Key {
        name: "anchor.threshold",
        default: Some("0.85"),
        about: "the least fuzzy-match score at which an evidence quote counts as found",
        check: fraction,
    },
    Key {
        name: "org.name",
        default: None,
        about: "the fact-checking organisation, for ClaimReview exports",
        check: non_empty,
    },
    Key {
        name: "org.url",
        default: None,
        about: "the organisation's web address, for ClaimReview exports",
        check: web_url,
    },
    Key {
        name: "org.review-url",
        default: None,
        about: "where each published fact-check lives, with {claim} for the claim id (default: org.url#C1)",
        check: review_url,
    },
];

fn on_off(v: &str) -> Result<String, String> {
    match v {
        "on" | "true" | "yes" => Ok("on".into()),
        "off" | "false" | "no" => Ok("off".into()),
        _ => Err("must be on or off".into()),
    }
}

fn fraction(v: &str) -> Result<String, String> {
    match v.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x.to_string()),
        _ => Err("must be a number above 0 and at most 1".into()),
    }
}

fn non_empty(v: &str) -> Result<String, String> {
    let t = v.trim();
    if t.is_empty() || t.chars().any(char::is_control) {
        return Err("must be a non-empty line of text".into());
    }
    Ok(t.to_string())
}

fn web_url(v: &str) -> Result<String, String> {
    let t = v.trim();
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be a web address without spaces".into());
    }
    Ok(t.to_string())
}

fn review_url(v: &str) -> Result<String, String> {
    let url = web_url(v)?;
    if !url.contains("{claim}") {
        return Err("must hold {claim} where the claim id goes".into());
    }
    Ok(url)
}

fn key(name: &str) -> Result<&'static Key, CliError> {
    KEYS.iter().find(|k| k.name == name).ok_or_else(|| {
        let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        CliError::user(format!(
            "`{name}` is not a setting (known: {})",
            names.join(", ")
        ))
    })
}

#[derive(Serialize)]
struct Setting {
    key: &'static str,
    value: Option<String>,
    default: bool,
    about: &'static str,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Settings(Vec<Setting>);

impl Render for Settings {
    fn human(&self, ui: &Ui) -> String {
        if let [one] = self.0.as_slice() {
            return one.value.clone().unwrap_or_default();
        }
        list_table(ui, &["Setting", "Value", "Meaning"], &self.0, |s| {
            let value = match (&s.value, s.default) {
                (Some(v), true) => format!("{v} (default)"),
                (Some(v), false) => v.clone(),
                (None, _) => "(unset)".into(),
            };
            vec![Cell::new(s.key), Cell::new(value), Cell::new(s.about)]
        })
    }
}

pub fn run(ctx: &Context, cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Get { key: name } => {
            let ws = ctx.workspace()?;
            let keys: Vec<&Key> = match &name {
                Some(n) => vec![key(n)?],
                None => KEYS.iter().collect(),
            };
            let mut out = Vec::new();
            for k in keys {
                let stored = ws.store.config_get(k.name)?;
                out.push(Setting {
                    key: k.name,
                    default: stored.is_none(),
                    value: stored.or(k.default.map(str::to_string)),
                    about: k.about,
                });
            }
            ctx.ui.emit(&Settings(out))
        }
        Command::Set { key: name, value } => {
            let k = key(&name)?;
            let value = (k.check)(&value).map_err(|why| {
                CliError::user(format!("`{value}` is not a value for {name}: it {why}"))
            })?;
            let mut ws = ctx.workspace()?;
            let actor = ctx.actor()?;
            ws.store.write(&actor, |w| w.set_config(k.name, &value))?;
            ctx.ui.emit(&Settings(vec![Setting {
                key: k.name,
                value: Some(value),
                default: false,
                about: k.about,
            }]))
        }
    }
}

/// A setting's value in force: stored, else its default.
pub fn value(ws: &crate::workspace::Workspace, name: &str) -> Result<Option<String>, CliError> {
    let k = key(name)?;
    Ok(ws
        .store
        .config_get(k.name)?
        .or(k.default.map(str::to_string)))
}

/// The fuzzy-anchoring threshold in force.
pub fn threshold(ws: &crate::workspace::Workspace) -> Result<f64, CliError> {
    Ok(value(ws, "anchor.threshold")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.85))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_per_key() {
        assert_eq!(on_off("yes").unwrap(), "on");
        assert!(on_off("maybe").is_err());
        assert_eq!(fraction("0.9").unwrap(), "0.9");
        assert!(fraction("1.5").is_err() && fraction("0").is_err() && fraction("x").is_err());
        assert!(web_url("ftp://x").is_err() && web_url("https://").is_err());
        assert_eq!(
            web_url(" https://example.org ").unwrap(),
            "https://example.org"
        );
    }
}
