//! `trellis hiring-kit`: the hiring kit of a role level (job advert, interview plan, questions by
//! dimension), from the framework files alone, for review alongside them.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use trellis_formats::render::hiring::{self, HiringKit};

use crate::{DocFormat, RoleLevelDoc, source};

pub fn run(doc: &RoleLevelDoc) -> Result<ExitCode> {
    let (fw, profile) = source::profile(doc)?;
    let kit = HiringKit::new(&fw, &profile);
    let text = match doc.format {
        DocFormat::Md => hiring::markdown(&kit),
        DocFormat::Html => hiring::html_page(&fw, &kit),
        DocFormat::Json => serde_json::to_string_pretty(&kit)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
