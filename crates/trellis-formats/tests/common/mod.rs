//! What the importer tests share: inputs from text, fixtures and the seed documents, running an
//! importer, and the checks every imported framework must pass.

// Each test binary uses its own share of these.
#![allow(dead_code, unused_imports)]

use std::path::PathBuf;

mod seeds;

pub use seeds::{seeds_dir, seeds_present};
use trellis_formats::import::{self, Format, ImportOptions, ImportReport, Imported, Input};
use trellis_formats::{FrameworkFiles, load, write};
use trellis_model::Framework;

/// An input named `name` holding `bytes` (text or raw bytes).
pub fn input(name: &str, bytes: impl AsRef<[u8]>) -> Input {
    Input {
        path: PathBuf::from(name),
        bytes: bytes.as_ref().to_vec(),
    }
}

/// A file as an input named by its full path.
pub fn read(path: PathBuf) -> Input {
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Input { path, bytes }
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// A file under `tests/fixtures`, named as given (`monzo/engineering.md`).
pub fn fixture(name: &str) -> Input {
    Input {
        path: PathBuf::from(name),
        ..read(fixtures_dir().join(name))
    }
}

pub fn seed(name: &str) -> Input {
    read(seeds_dir().join(name))
}

/// Imports, or fails the test with the importer's error.
pub fn run(format: Format, inputs: &[Input]) -> Imported {
    import::import(format, inputs, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{format}: {e}"))
}

/// The errors the checker finds (warnings are expected: they are the source's defects).
pub fn errors(fw: &Framework) -> Vec<String> {
    trellis_model::check(fw, &Default::default())
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect()
}

pub fn assert_no_errors(fw: &Framework) {
    let errors = errors(fw);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Zero errors from the checker, and writing then loading gives the same framework.
pub fn assert_sound_and_round_trips(fw: &Framework) {
    assert_no_errors(fw);
    assert_round_trip(fw);
}

/// Writing the framework and loading it back gives the same model, without errors.
pub fn assert_round_trip(fw: &Framework) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported");
    write::write_dir(fw, &out).unwrap();
    let loaded = load(&FrameworkFiles::read_dir(&out));
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    assert_eq!(&loaded.framework, fw);
}

/// The messages of the warnings of one kind.
pub fn warnings<'a>(report: &'a ImportReport, kind: &str) -> Vec<&'a str> {
    report
        .warnings
        .iter()
        .filter(|w| w.kind == kind)
        .map(|w| w.message.as_str())
        .collect()
}

/// The SFIA source as every SFIA importer declares it: attributed, on the responsibility scale, and
/// not redistributable.
pub fn assert_sfia_source(fw: &Framework) {
    let sfia = fw.source("sfia").expect("an sfia source");
    assert!(!sfia.redistributable);
    assert_eq!(sfia.version.as_deref(), Some("9"));
    assert_eq!(sfia.licence.as_deref(), Some("SFIA licence"));
    assert_eq!(
        sfia.attribution.as_deref(),
        Some("SFIA content © SFIA Foundation; used under licence, not for redistribution.")
    );
    assert_eq!(sfia.level_scale.as_deref(), Some("sfia-responsibility"));
}

/// DDaT's four skill levels, lowest first, as both DDaT importers give them.
pub fn assert_ddat_scale(fw: &Framework) {
    let scale: Vec<&str> = fw
        .scale("ddat")
        .expect("the DDaT scale")
        .levels
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(scale, ["awareness", "working", "practitioner", "expert"]);
}
