//! `trellis diff`: what changes from one role level to another.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use trellis_formats::render::markdown;
use trellis_model::diff::diff;

use crate::source;

pub fn run(
    framework: Option<&Path>,
    from: &str,
    to: &str,
    json: bool,
    licensed: bool,
) -> Result<ExitCode> {
    let fw = source::valid(framework)?;
    let mut changes = diff(&fw, from, to)?;
    if !licensed {
        changes.withhold_restricted();
    }
    let text = if json {
        serde_json::to_string_pretty(&changes)? + "\n"
    } else {
        markdown::diff(&fw, &changes)
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
