//! The files an import reads, from the paths the user gave: a file stands for itself, a folder for
//! every file under it, at any depth (Monzo keeps its disciplines in `design/`, `engineering/`,
//! `operations/`; generated pages sit in one folder per ladder).
//!
//! Folders are walked in sorted order, so an import reads the same files in the same order on every
//! machine. Symbolic links inside a folder are not followed (a link can loop, or lead outside the folder
//! the user chose); hidden files and folders (`.git`, `.DS_Store`) are passed over; files whose
//! extension the format does not read (images, stylesheets, `mkdocs.yml`) are left out. Every file left
//! out is listed with its reason, for the import report. A file named on the command line is always
//! read: the user chose it.

use std::path::{Path, PathBuf};

use super::{Format, ImportError, Input, Skipped};

/// The files found and read, and what was left out.
#[derive(Debug, Default)]
pub struct Found {
    pub inputs: Vec<Input>,
    /// For each input, whether it was found in a folder (rather than named by the user).
    pub in_folder: Vec<bool>,
    pub skipped: Vec<Skipped>,
}

impl Found {
    /// Leaves input `index` out, with the reason, when it was found in a folder; `false` when the user
    /// named it, so it must not be passed over silently.
    pub fn leave_out(&mut self, index: usize, why: impl Into<String>) -> bool {
        if !self.in_folder.get(index).copied().unwrap_or(false) {
            return false;
        }
        let input = self.inputs.remove(index);
        self.in_folder.remove(index);
        self.skipped.push(passed_over("file", why, &input.path));
        true
    }
}

fn passed_over(what: &str, why: impl Into<String>, path: &Path) -> Skipped {
    Skipped {
        what: what.into(),
        why: why.into(),
        file: path.display().to_string(),
        line: None,
    }
}

/// The extensions a format reads in a folder (`""`: no extension), and how to say so.
fn extensions(format: Option<Format>) -> (&'static [&'static str], &'static str) {
    match format {
        Some(Format::Sfia) => (
            &["csv", "tsv", "txt", "xlsx", "xlsm"],
            "a CSV file or workbook",
        ),
        Some(Format::Ddat) => (&["csv", "tsv", "txt"], "a CSV file"),
        Some(Format::Monzo | Format::SfiaPages) => (&["md", "markdown"], "a Markdown file (.md)"),
        // The Made Tech handbook has a role profile without an extension.
        Some(Format::Madetech) => (&["md", "markdown", ""], "a Markdown file (.md)"),
        Some(Format::DdatText | Format::Blueprint) => {
            (&["txt", "md", "markdown", ""], "a text or Markdown file")
        }
        None => (
            &["csv", "tsv", "txt", "xlsx", "xlsm", "md", "markdown", ""],
            "a file of a format Trellis imports",
        ),
    }
}

/// Why a file found in a folder is not read, or `None` when it is.
fn left_out(path: &Path, format: Option<Format>) -> Option<String> {
    let (wanted, what) = extensions(format);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if wanted.contains(&ext.as_str()) {
        return None;
    }
    let ext = if ext.is_empty() {
        "no extension".to_owned()
    } else {
        format!(".{ext}")
    };
    Some(match format {
        Some(format) => format!("{ext}: not {what}, which `{format}` reads"),
        None => format!("{ext}: not {what}"),
    })
}

/// The files under `paths` that `format` reads (any format's, for `None`), read into memory in order;
/// `progress` is told each file as it is read (file, its number from 1, how many).
pub fn read_paths(
    paths: &[PathBuf],
    format: Option<Format>,
    mut progress: impl FnMut(&Path, usize, usize),
) -> Result<Found, ImportError> {
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push((path.clone(), false));
            continue;
        }
        let before = (files.len(), skipped.len());
        walk(path, &mut files, &mut skipped)?;
        let mut found = files.split_off(before.0);
        found.retain(|(file, _)| match left_out(file, format) {
            Some(why) => {
                skipped.push(skipped_file(file, why));
                false
            }
            None => true,
        });
        if found.is_empty() {
            let passed = skipped.len() - before.1;
            return Err(ImportError::invalid(
                &path.display().to_string(),
                None,
                if passed == 0 {
                    "is an empty folder".to_owned()
                } else {
                    let first = skipped
                        .get(before.1)
                        .map_or(String::new(), |s| format!(", e.g. {}: {}", s.file, s.why));
                    format!(
                        "has no file to import: {passed} file(s) or folder(s) passed over{first}"
                    )
                },
            ));
        }
        files.extend(found);
    }
    let mut inputs = Vec::with_capacity(files.len());
    let mut in_folder = Vec::with_capacity(files.len());
    for (i, (file, from_folder)) in files.iter().enumerate() {
        progress(file, i + 1, files.len());
        let bytes = std::fs::read(file).map_err(|e| {
            ImportError::invalid(
                &file.display().to_string(),
                None,
                format!("cannot be read: {e}"),
            )
        })?;
        inputs.push(Input {
            path: file.clone(),
            bytes,
        });
        in_folder.push(*from_folder);
    }
    Ok(Found {
        inputs,
        in_folder,
        skipped,
    })
}

fn skipped_file(path: &Path, why: String) -> Skipped {
    passed_over("file", why, path)
}

/// Every regular file under `dir`, depth first in name order, without following links.
fn walk(
    dir: &Path,
    files: &mut Vec<(PathBuf, bool)>,
    skipped: &mut Vec<Skipped>,
) -> Result<(), ImportError> {
    let cannot = |e: std::io::Error| {
        ImportError::invalid(
            &dir.display().to_string(),
            None,
            format!("the folder cannot be read: {e}"),
        )
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(cannot)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(cannot)?;
    entries.sort();
    for path in entries {
        let meta = std::fs::symlink_metadata(&path).map_err(|e| {
            ImportError::invalid(
                &path.display().to_string(),
                None,
                format!("cannot be read: {e}"),
            )
        })?;
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let kind = if meta.is_dir() { "folder" } else { "file" };
        if meta.file_type().is_symlink() {
            skipped.push(passed_over(
                "symbolic link",
                "links inside a folder are not followed; name the file itself to read it",
                &path,
            ));
        } else if hidden {
            skipped.push(passed_over(kind, format!("a hidden {kind}"), &path));
        } else if meta.is_dir() {
            walk(&path, files, skipped)?;
        } else if meta.is_file() {
            files.push((path, true));
        } else {
            skipped.push(passed_over("file", "not a regular file", &path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_by_format() {
        let p = Path::new;
        assert_eq!(left_out(p("a/b.md"), Some(Format::Monzo)), None);
        assert_eq!(left_out(p("a/B.MD"), Some(Format::SfiaPages)), None);
        assert_eq!(
            left_out(p("roles/mid_engineer"), Some(Format::Madetech)),
            None
        );
        assert_eq!(left_out(p("x.xlsx"), Some(Format::Sfia)), None);
        assert!(
            left_out(p("mkdocs.yml"), Some(Format::SfiaPages))
                .is_some_and(|why| why.contains(".yml") && why.contains("sfia-pages"))
        );
        assert!(left_out(p("logo.png"), None).is_some());
        assert!(left_out(p("notes"), Some(Format::Monzo)).is_some());
    }
}
