//! `trellis init`: a copy of the starter framework to adapt.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

pub fn run(dir: &Path) -> Result<ExitCode> {
    if dir.join("framework.yaml").exists() {
        bail!(
            "{} already holds a framework.yaml; not overwriting it",
            dir.display()
        );
    }
    if dir.is_dir()
        && dir
            .read_dir()
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
        && dir != Path::new(".")
    {
        bail!("{} is not empty; choose a new directory", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    trellis_formats::starter::write_starter(dir)
        .with_context(|| format!("writing the starter framework into {}", dir.display()))?;
    println!("Wrote the starter framework to {}.", dir.display());
    println!(
        "Next: edit it, then run `trellis check --framework {}`.",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
