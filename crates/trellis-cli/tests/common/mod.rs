//! Running the `trellis` binary in tests, and the seed documents the import tests read.

// Each test binary uses its own share of these.
#![allow(dead_code, unused_imports)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

#[path = "../../../trellis-formats/tests/common/seeds.rs"]
mod seeds;

pub use seeds::{seeds_dir, seeds_present};

/// Runs `trellis` in the crate's directory; a panic in it fails the test.
pub fn trellis(args: &[&str]) -> Output {
    trellis_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn trellis_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run trellis");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "trellis panicked: {stderr}");
    out
}

/// Asserts that `trellis` succeeded, showing what it wrote to stderr when it did not.
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A URL of a new SQLite database in `dir`.
pub fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("t.db").display())
}

pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// `trellis check --format json` on a framework directory.
pub fn check(dir: &Path) -> Output {
    trellis(&[
        "check",
        "--framework",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ])
}

/// `trellis import <format> <input> --out <out>`, with the text report.
pub fn import_to(format: &str, input: &Path, out: &Path) -> Output {
    trellis(&[
        "import",
        format,
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}
