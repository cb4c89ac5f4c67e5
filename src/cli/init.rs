//! `claimtrail init [PATH]`: make a workspace.

use super::error::CliError;
use super::ui::{Render, Ui};
use super::Context;
use crate::workspace::Workspace;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to hold .claimtrail [default: the current folder]
    pub path: Option<PathBuf>,
}

#[derive(Serialize)]
struct Initialised {
    path: String,
}

impl Render for Initialised {
    fn human(&self, _: &Ui) -> String {
        format!(
            "Made an empty claimtrail workspace in {}\nNext: claimtrail doc add ARTICLE",
            self.path
        )
    }

    fn quiet(&self) -> Option<String> {
        Some(self.path.clone())
    }
}

pub fn run(ctx: &Context, args: Args) -> Result<(), CliError> {
    let path = args.path.unwrap_or_else(|| PathBuf::from("."));
    let ws = Workspace::init(&path)?;
    ctx.ui.emit(&Initialised {
        path: ws.root.display().to_string(),
    })
}
