//! Which framework a command works on: `--framework DIR`, else `./framework.yaml`, else the starter.

use std::path::Path;

use anyhow::{Result, bail};
use trellis_formats::{FrameworkFiles, Loaded, load, starter::starter_files};
use trellis_model::{Framework, Profile, resolve};

use crate::RoleLevelDoc;
use crate::commands::check::print_text;

pub fn files(framework: Option<&Path>) -> Result<FrameworkFiles> {
    match framework {
        Some(path) => {
            // Accept the framework.yaml itself as well as its directory.
            let dir = if path.file_name().is_some_and(|n| n == "framework.yaml") && path.is_file() {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
            } else {
                path
            };
            if !dir.exists() {
                bail!("framework directory {} does not exist", dir.display());
            }
            if !dir.is_dir() {
                bail!(
                    "{} is not a framework directory (it should hold framework.yaml)",
                    dir.display()
                );
            }
            Ok(FrameworkFiles::read_dir(dir))
        }
        None if Path::new("framework.yaml").is_file() => {
            Ok(FrameworkFiles::read_dir(Path::new(".")))
        }
        None => Ok(starter_files()),
    }
}

/// Loads a framework that must be free of errors; errors are printed and the command stops.
pub fn valid(framework: Option<&Path>) -> Result<Framework> {
    let files = files(framework)?;
    let loaded: Loaded = load(&files);
    if loaded.has_errors() {
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        print_text(&files, &errors, &mut std::io::stderr().lock())?;
        bail!(
            "the framework in {} has {} error(s); fix them first (`trellis check` lists everything)",
            files.root,
            loaded.errors()
        );
    }
    Ok(loaded.framework)
}

/// The framework and the effective profile a document is about, its restricted text withheld
/// unless the reader holds the licence.
pub fn profile(doc: &RoleLevelDoc) -> Result<(Framework, Profile)> {
    let fw = valid(doc.framework.as_deref())?;
    let mut profile = resolve(&fw, &doc.role_level)?;
    if !doc.licensed {
        profile.withhold_restricted();
    }
    Ok((fw, profile))
}
