//! The starter framework, `frameworks/starter/`, embedded so `trellis` works with no files at all.

use include_dir::{Dir, include_dir};

use crate::load::{FrameworkFile, FrameworkFiles};

static STARTER: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../frameworks/starter");

/// How the starter framework is named in diagnostics.
pub const STARTER_ROOT: &str = "<starter>";

/// The starter framework's files, in the order a directory would be read.
pub fn starter_files() -> FrameworkFiles {
    let mut files = Vec::new();
    if let Some(f) = STARTER.get_file(crate::load::FRAMEWORK_FILE) {
        files.push(FrameworkFile {
            path: crate::load::FRAMEWORK_FILE.into(),
            bytes: Ok(f.contents().to_vec()),
        });
    }
    for sub in ["skills", "tracks"] {
        let Some(dir) = STARTER.get_dir(sub) else {
            continue;
        };
        let mut entries: Vec<_> = dir
            .files()
            .filter(|f| {
                f.path()
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml")
            })
            .collect();
        entries.sort_by_key(|f| f.path());
        for f in entries {
            files.push(FrameworkFile {
                path: f.path().to_string_lossy().replace('\\', "/"),
                bytes: Ok(f.contents().to_vec()),
            });
        }
    }
    FrameworkFiles {
        root: STARTER_ROOT.into(),
        files,
    }
}

/// Writes the starter framework's files into `dir`, for `trellis init`.
pub fn write_starter(dir: &std::path::Path) -> std::io::Result<()> {
    STARTER.extract(dir)
}
