//! The claimtrail binary: parse, run, and map the outcome to an exit code.

use claimtrail::cli::{self, Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a bug; say so plainly instead of printing a backtrace.
    std::panic::set_hook(Box::new(|info| {
        // The PDF reader runs on its own thread behind catch_unwind; its panics
        // are recorded as extraction failures, not bugs of ours.
        if std::thread::current().name() == Some(claimtrail::extract::PDF_THREAD) {
            return;
        }
        eprintln!("claimtrail: internal error: {info}");
        eprintln!("  this is a bug in claimtrail; nothing further was written");
    }));
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| cli::run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            if err.kind != cli::error::Kind::BrokenPipe {
                eprintln!("claimtrail: {}", err.message);
                for hint in &err.hints {
                    eprintln!("  hint: {hint}");
                }
            }
            ExitCode::from(err.exit_code() as u8)
        }
        Err(_) => ExitCode::from(1),
    }
}
