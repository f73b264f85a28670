//! `trellis build`: a static website of the framework.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use trellis_formats::render::name_with_version;
use trellis_formats::render::site::{SiteOptions, build};

use crate::source;

pub fn run(framework: Option<&Path>, out: &Path, licensed: bool) -> Result<ExitCode> {
    let fw = source::valid(framework)?;
    let report = build(&fw, out, &SiteOptions { licensed })?;
    let restricted = fw.sources.iter().filter(|s| !s.redistributable).count();
    println!(
        "Built {} pages of {} into {}.",
        report.pages,
        name_with_version(&fw.name, &fw.version),
        out.display()
    );
    if restricted > 0 && !licensed {
        println!(
            "Text from sources that may not be redistributed was left out; --licensed includes it."
        );
    }
    println!("Open {} in a browser.", out.join("index.html").display());
    Ok(ExitCode::SUCCESS)
}
