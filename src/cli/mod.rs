//! The command line: clap definitions, the shared context, and dispatch.
//!
//! Each command lives in its own file with its flags and one `run`; none of them
//! holds SQL or touches files directly. `Context` resolves the global flags once.

mod audit;
mod claim;
mod config;
mod demo;
mod doc;
pub mod error;
mod evidence;
mod export;
mod gc;
mod init;
mod review;
mod shell;
mod source;
pub mod ui;

use crate::workspace::Workspace;
use clap::{Parser, Subcommand};
use error::CliError;
use std::path::PathBuf;
use ui::Ui;

#[derive(Debug, Parser)]
#[command(
    name = "claimtrail",
    version,
    about = "Track an article's claims, the sources checked, the evidence and the verdicts, in a workspace whose history can be verified.",
    long_about = None,
    after_help = "Start with `claimtrail init`, then `doc add ARTICLE`, `claim add --doc D1 --quote \"…\"` and `audit`.\nSee a whole workspace built: `claimtrail demo`."
)]
pub struct Cli {
    /// The workspace to use (the folder holding .claimtrail) [env: CLAIMTRAIL_DIR; default: search upward from here]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub dir: Option<PathBuf>,
    /// Who is acting, recorded on every change [env: CLAIMTRAIL_USER; default: git user.name, then the login name]
    #[arg(
        long = "as",
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub actor: Option<String>,
    /// Print one JSON value on stdout instead of tables
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    /// Print less: only ids for changes, no notes
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a workspace: PATH/.claimtrail with its database and object store
    Init(init::Args),
    /// Articles whose claims are checked
    #[command(subcommand)]
    Doc(doc::Command),
    /// Claims: log, import, suggest, list, show, edit
    #[command(subcommand)]
    Claim(claim::Command),
    /// Sources: capture URLs and files as hashed snapshots, recheck them for drift
    #[command(subcommand)]
    Source(source::Command),
    /// Evidence: quotes from snapshots that support, dispute or give context to claims
    #[command(subcommand)]
    Evidence(evidence::Command),
    /// Set a verdict, open review, or (as a second reviewer) confirm or reject
    Review(review::Args),
    /// Claims that need re-review: verdicts on stale evidence, verdicts awaiting confirmation
    Queue,
    /// The audit table of every claim; `audit log`, `audit verify`, `audit corrections`
    Audit(audit::Args),
    /// Workspace settings
    #[command(subcommand)]
    Config(config::Command),
    /// Remove orphan blobs and leftover temp files (those `audit verify` warns of)
    Gc(gc::Args),
    /// Write the records as ClaimReview JSON-LD, JSON, CSV, an HTML report or WARC
    #[command(subcommand)]
    Export(export::Command),
    /// Print a completion script for a shell
    Completions {
        #[arg(value_enum)]
        shell: shell::Shell,
    },
    /// Print the manual page (roff)
    Man,
    /// Build a workspace from the bundled fixtures and print its audit table
    Demo(demo::Args),
}

/// What every command gets: the global flags, resolved.
pub struct Context {
    pub ui: Ui,
    dir: Option<PathBuf>,
    actor_flag: Option<String>,
}

impl Context {
    pub fn new(cli: &Cli) -> Context {
        // An empty variable counts as unset, as NO_COLOR does.
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Context {
            ui: Ui::from_env(cli.json, cli.quiet),
            dir: cli
                .dir
                .clone()
                .or_else(|| env("CLAIMTRAIL_DIR").map(PathBuf::from)),
            actor_flag: cli
                .actor
                .clone()
                .or_else(|| env("CLAIMTRAIL_USER").map(|v| v.to_string_lossy().into_owned())),
        }
    }

    /// Finds and opens the workspace; never creates one.
    pub fn workspace(&self) -> Result<Workspace, CliError> {
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::io(format!("cannot read the current folder: {e}")))?;
        let root = Workspace::locate(self.dir.as_deref(), &cwd)?;
        Ok(Workspace::open(&root)?)
    }

    /// The acting person, resolved only when a command changes something.
    pub fn actor(&self) -> Result<String, CliError> {
        Ok(crate::actor::resolve(self.actor_flag.as_deref())?)
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Context::new(&cli);
    match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Doc(cmd) => doc::run(&ctx, cmd),
        Command::Claim(cmd) => claim::run(&ctx, cmd),
        Command::Source(cmd) => source::run(&ctx, cmd),
        Command::Evidence(cmd) => evidence::run(&ctx, cmd),
        Command::Review(args) => review::run(&ctx, args),
        Command::Queue => review::queue(&ctx),
        Command::Audit(args) => audit::run(&ctx, args),
        Command::Config(cmd) => config::run(&ctx, cmd),
        Command::Gc(args) => gc::run(&ctx, args),
        Command::Export(cmd) => export::run(&ctx, cmd),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man(),
        Command::Demo(args) => demo::run(&ctx, args),
    }
}
