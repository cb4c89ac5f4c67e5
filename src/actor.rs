//! Who is acting: recorded on every event.
//!
//! `--as NAME`, else `CLAIMTRAIL_USER` (both handled by the flag), else
//! `git config user.name`, else the login name.

use std::process::{Command, Stdio};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActorError {
    #[error("`{0}` is not a usable name: it is empty or holds control characters")]
    Bad(String),
    #[error("cannot tell who is acting: pass --as NAME or set CLAIMTRAIL_USER")]
    Unknown,
}

/// The acting person's name, from the flag or the environment.
pub fn resolve(flag: Option<&str>) -> Result<String, ActorError> {
    if let Some(name) = flag {
        return check(name);
    }
    if let Some(name) = git_user_name() {
        return check(&name);
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .map_or(Err(ActorError::Unknown), |n| check(&n))
}

fn check(name: &str) -> Result<String, ActorError> {
    // Invisible characters (zero-width spaces, direction marks) would let one
    // person pass for two; they are dropped, and spaces collapsed.
    let visible: String = name.chars().filter(|c| !is_format(*c)).collect();
    let clean = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.is_empty() || clean.chars().any(char::is_control) {
        return Err(ActorError::Bad(name.to_string()));
    }
    Ok(clean)
}

/// Unicode format characters that render as nothing.
fn is_format(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Whether two recorded names are the same person, as far as names can say:
/// compared without case, invisible characters or extra spaces.
pub fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        s.chars()
            .filter(|c| !is_format(*c))
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    key(a) == key(b)
}

fn git_user_name() -> Option<String> {
    let out = Command::new("git")
        .args(["config", "user.name"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !name.trim().is_empty()).then(|| name.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_and_is_trimmed() {
        assert_eq!(resolve(Some("  Ana Ruiz ")).unwrap(), "Ana Ruiz");
    }

    #[test]
    fn one_person_under_two_spellings_is_one_person() {
        assert!(same_person("Ana", "ana"));
        assert!(same_person("ana\u{200b}", "ana"));
        assert!(same_person("Ana  Ruiz", "ana ruiz"));
        assert!(!same_person("ana", "ben"));
        assert_eq!(resolve(Some("ana\u{200b}")).unwrap(), "ana");
    }

    #[test]
    fn blank_or_control_names_are_refused() {
        assert!(resolve(Some("  ")).is_err());
        assert!(resolve(Some("ana\u{7}")).is_err());
    }
}
