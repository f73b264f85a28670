//! Where the seed documents are, for the import tests of this crate and of the command line (which
//! includes this file): read at test time from `../shared/seeds/`, never copied into the project.

use std::path::PathBuf;

pub fn seeds_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/seeds"
    ))
}

/// Whether the seed documents are there. A clone without them skips the seed tests with one line
/// naming the folder, unless `TRELLIS_REQUIRE_SEEDS=1` (CI), where a missing folder is a failure.
pub fn seeds_present() -> bool {
    let dir = seeds_dir();
    if dir.is_dir() {
        return true;
    }
    if std::env::var("TRELLIS_REQUIRE_SEEDS").as_deref() == Ok("1") {
        panic!(
            "TRELLIS_REQUIRE_SEEDS=1 but the seed folder {} is missing",
            dir.display()
        );
    }
    eprintln!(
        "note: seed test skipped: the seed folder {} is missing",
        dir.display()
    );
    false
}
