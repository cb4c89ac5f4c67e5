//! Output: one typed result, rendered as JSON (`--json`) or for people.
//!
//! Human output goes through comfy-table; colour only when stdout is a terminal
//! and `NO_COLOR` is unset. Diagnostics and progress go to stderr.

use super::error::CliError;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color, ContentArrangement, Table};
use serde::Serialize;
use std::io::{IsTerminal, Write};

use crate::review::Status;

/// A command's result: serialisable for `--json`, printable for people.
pub trait Render: Serialize {
    fn human(&self, ui: &Ui) -> String;

    /// What `-q` prints instead (for example just the new id); `None` keeps `human`.
    fn quiet(&self) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone)]
pub struct Ui {
    pub json: bool,
    pub quiet: bool,
    pub color: bool,
    /// stderr is a terminal: progress bars may be drawn.
    pub progress: bool,
}

impl Ui {
    pub fn from_env(json: bool, quiet: bool) -> Ui {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ui {
            json,
            quiet,
            color: wants_color(json, no_color, std::io::stdout().is_terminal()),
            progress: !json && !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Prints `value` on stdout in the chosen form.
    pub fn emit<T: Render>(&self, value: &T) -> Result<(), CliError> {
        // Buffered: stdout is line-buffered, and a large JSON array would
        // otherwise go out in thousands of small writes.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        if self.json {
            serde_json::to_writer_pretty(&mut out, value)
                .map_err(|e| CliError::from(std::io::Error::from(e)))?;
            writeln!(out)?;
        } else {
            let text = match (self.quiet, value.quiet()) {
                (true, Some(q)) => q,
                _ => value.human(self),
            };
            // Without colour, no escape sequence belongs in the output: any that is
            // there came from recorded text, and is shown, not obeyed.
            let text = if self.color {
                text
            } else {
                crate::anchor::visible(&text)
            };
            if !text.is_empty() {
                writeln!(out, "{}", text.trim_end_matches('\n'))?;
            }
        }
        out.flush()?;
        Ok(())
    }

    /// Prints a JSON array of rows as `fill` produces them, one row per line, so
    /// a list of 100,000 claims is written as it is read, never held in memory.
    /// For `--json` only: tables need every row before they can be drawn. If
    /// reading fails part way, the array is left unclosed (so no reader mistakes it
    /// for a whole answer) and the command exits with the error.
    pub fn json_rows<T: Serialize>(
        &self,
        fill: impl FnOnce(&mut dyn FnMut(&T) -> Result<(), CliError>) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        debug_assert!(self.json);
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let mut rows = 0usize;
        out.write_all(b"[")?;
        fill(&mut |row: &T| {
            out.write_all(if rows == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut out, row)
                .map_err(|e| CliError::from(std::io::Error::from(e)))?;
            rows += 1;
            Ok(())
        })?;
        out.write_all(if rows == 0 { b"]\n" } else { b"\n]\n" })?;
        out.flush()?;
        Ok(())
    }

    /// A note for people on stderr (never with `-q` or `--json`).
    pub fn note(&self, msg: impl AsRef<str>) {
        if !self.quiet && !self.json {
            eprintln!("{}", msg.as_ref());
        }
    }

    /// A spinner on stderr while long work runs, only on a terminal (never when
    /// piped, with `-q` or with `--json`). It clears itself when dropped.
    pub fn spinner(&self, message: &str) -> Option<Spinner> {
        if !self.progress {
            return None;
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(Spinner(bar))
    }

    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.iter().map(Cell::new));
        if !self.color {
            t.force_no_tty();
        }
        t
    }

    pub fn status_cell(&self, status: Status) -> Cell {
        let cell = Cell::new(status.as_str());
        let color = match status {
            Status::Verified => Color::Green,
            Status::Disputed | Status::False => Color::Red,
            Status::Misleading => Color::Yellow,
            Status::InReview => Color::Cyan,
            Status::Unverified | Status::Unverifiable => return cell,
        };
        cell.fg(color)
    }
}

/// A running spinner; dropping it clears the line.
pub struct Spinner(indicatif::ProgressBar);

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// Colour only for people at a terminal who have not asked for none.
fn wants_color(json: bool, no_color: bool, stdout_is_terminal: bool) -> bool {
    !json && !no_color && stdout_is_terminal
}

/// A comfy-table of `rows`, one row each through `cells`; empty when there are none.
pub fn list_table<T>(
    ui: &Ui,
    header: &[&str],
    rows: &[T],
    cells: impl Fn(&T) -> Vec<Cell>,
) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut t = ui.table(header);
    for r in rows {
        t.add_row(cells(r));
    }
    t.to_string()
}

/// `1 claim`, `2 claims`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color_or_json() {
        assert!(wants_color(false, false, true));
        assert!(!wants_color(false, true, true));
        assert!(!wants_color(false, false, false));
        assert!(!wants_color(true, false, true));
    }

    #[test]
    fn tables_carry_no_escapes_without_colour() {
        let ui = Ui {
            json: false,
            quiet: false,
            color: false,
            progress: false,
        };
        let mut t = ui.table(&["Status"]);
        t.add_row(vec![ui.status_cell(Status::Verified)]);
        assert!(!t.to_string().contains('\u{1b}'));
    }
}
