//! `trellis show`: the effective profile of a role level.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use trellis_formats::render::{html, markdown};
use trellis_model::resolve;

use crate::{DocFormat, source};

pub fn run(
    framework: Option<&Path>,
    role_level: &str,
    format: DocFormat,
    licensed: bool,
) -> Result<ExitCode> {
    let fw = source::valid(framework)?;
    let mut profile = resolve(&fw, role_level)?;
    if !licensed {
        profile.withhold_restricted();
    }
    let text = match format {
        DocFormat::Md => markdown::profile(&fw, &profile),
        DocFormat::Html => html::profile_page(&fw, &profile),
        DocFormat::Json => serde_json::to_string_pretty(&profile)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
