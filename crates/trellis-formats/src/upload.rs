//! A framework folder uploaded as a zip file (the web app's "publish a new version"): the same
//! files `trellis check` reads from a directory, read from the archive, within limits a framework
//! never comes near, so that a hostile archive costs little.

use std::io::{Cursor, Read};

use crate::load::{FRAMEWORK_FILE, FrameworkFile, FrameworkFiles};

/// The largest archive accepted, and the most its files may hold once unpacked.
pub const MAX_ZIP: usize = 1024 * 1024;
pub const MAX_UNPACKED: u64 = 16 * 1024 * 1024;
/// Entries of the archive at most (files and folders).
pub const MAX_ENTRIES: usize = 2_000;

/// Reads the framework files of a zip archive: `framework.yaml` (at the top or in one folder,
/// as zipping a folder makes it) and the YAML files beside it under `skills/` and `tracks/`.
/// `name` names the upload in diagnostics. An archive that cannot be read, or holds no
/// `framework.yaml`, is an error saying so.
pub fn read_zip(name: &str, bytes: &[u8]) -> Result<FrameworkFiles, String> {
    if bytes.len() > MAX_ZIP {
        return Err(format!(
            "the file is {} KiB; a framework zip may have at most {} KiB",
            bytes.len() / 1024,
            MAX_ZIP / 1024
        ));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("this is not a zip file that can be read ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "the zip holds {} entries; a framework has far fewer (at most {MAX_ENTRIES})",
            archive.len()
        ));
    }
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the zip's file names cannot be read ({e})"))?;
    // The folder holding framework.yaml: the shallowest one, e.g. `starter/` when a folder was
    // zipped, or none.
    let root = names
        .iter()
        .filter(|n| n.rsplit('/').next() == Some(FRAMEWORK_FILE))
        .min_by_key(|n| n.matches('/').count())
        .map(|n| n[..n.len() - FRAMEWORK_FILE.len()].to_owned())
        .ok_or_else(|| {
            format!("there is no {FRAMEWORK_FILE} in the zip: zip the framework's folder")
        })?;
    let mut wanted: Vec<(String, String)> = names
        .iter()
        .filter_map(|n| {
            let relative = n.strip_prefix(&root)?;
            let keep = relative == FRAMEWORK_FILE
                || ["skills/", "tracks/"].iter().any(|dir| {
                    relative.strip_prefix(dir).is_some_and(|file| {
                        !file.contains('/') && (file.ends_with(".yaml") || file.ends_with(".yml"))
                    })
                });
            keep.then(|| (n.clone(), relative.to_owned()))
        })
        .collect();
    // framework.yaml first, then the rest in path order, as from a directory.
    wanted.sort_by(|a, b| (a.1 != FRAMEWORK_FILE, &a.1).cmp(&(b.1 != FRAMEWORK_FILE, &b.1)));
    let mut unpacked = 0u64;
    let mut files = Vec::new();
    for (entry, relative) in wanted {
        let mut file = archive
            .by_name(&entry)
            .map_err(|e| format!("{entry}: cannot be read from the zip ({e})"))?;
        let mut data = Vec::new();
        // Read at most what is left of the allowance (plus one byte, to notice going over), not
        // what the archive claims.
        let left = MAX_UNPACKED - unpacked;
        (&mut file)
            .take(left + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{entry}: cannot be unpacked ({e})"))?;
        unpacked += data.len() as u64;
        if unpacked > MAX_UNPACKED {
            return Err(format!(
                "the files unpack to more than {} MiB; a framework is far smaller",
                MAX_UNPACKED / (1024 * 1024)
            ));
        }
        files.push(FrameworkFile {
            path: relative,
            bytes: Ok(data),
        });
    }
    Ok(FrameworkFiles {
        root: name.to_owned(),
        files,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, bytes) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    fn paths(files: &FrameworkFiles) -> Vec<&str> {
        files.files.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn a_zipped_folder_is_read_as_the_directory() {
        let zip = zip_of(&[
            ("acme/tracks/b.yaml", b"b"),
            ("acme/framework.yaml", b"id: acme"),
            ("acme/skills/a.yml", b"a"),
            ("acme/README.md", b"not read"),
            ("acme/tracks/deeper/c.yaml", b"not read"),
            ("acme/examples/framework.yaml", b"not the root"),
        ]);
        let files = read_zip("acme.zip", &zip).unwrap();
        assert_eq!(
            paths(&files),
            ["framework.yaml", "skills/a.yml", "tracks/b.yaml"]
        );
        assert_eq!(files.files[0].bytes.as_deref().unwrap(), b"id: acme");
        assert_eq!(
            files.display_path("tracks/b.yaml"),
            "acme.zip/tracks/b.yaml"
        );
    }

    #[test]
    fn what_is_not_a_framework_zip_is_named() {
        let no_root = zip_of(&[("skills/a.yaml", b"a")]);
        assert!(
            read_zip("x.zip", &no_root)
                .unwrap_err()
                .contains("no framework.yaml")
        );
        assert!(
            read_zip("x.zip", b"PK not really")
                .unwrap_err()
                .contains("not a zip")
        );
        let big = vec![0u8; MAX_ZIP + 1];
        assert!(
            read_zip("x.zip", &big)
                .unwrap_err()
                .contains("at most 1024 KiB")
        );
        // A small archive that unpacks to a lot (zeros compress well).
        let bomb = zip_of(&[("framework.yaml", &vec![b' '; (MAX_UNPACKED + 10) as usize])]);
        assert!(bomb.len() < MAX_ZIP);
        assert!(
            read_zip("x.zip", &bomb)
                .unwrap_err()
                .contains("more than 16 MiB")
        );
    }
}
