//! `trellis show`: the effective profile of a role level.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use trellis_formats::render::{html, markdown};

use crate::{DocFormat, RoleLevelDoc, source};

pub fn run(doc: &RoleLevelDoc) -> Result<ExitCode> {
    let (fw, profile) = source::profile(doc)?;
    let text = match doc.format {
        DocFormat::Md => markdown::profile(&fw, &profile),
        DocFormat::Html => html::profile_page(&fw, &profile),
        DocFormat::Json => serde_json::to_string_pretty(&profile)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
