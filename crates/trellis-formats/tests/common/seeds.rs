//! Where the seed documents are, for the import tests of this crate and of the command line (which
//! includes this file): read at test time from `../shared/seeds/`, never copied into the project.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// `../shared/seeds` beside the workspace.
pub fn seeds_dir() -> PathBuf {
    let beside_workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(3)
        .expect("the crate is in <workspace>/crates/<name>");
    beside_workspace.join("shared/seeds")
}

/// Whether the seed documents are there. A clone without them skips the seed tests, saying so in one
/// line per test program, unless `TRELLIS_REQUIRE_SEEDS=1` (CI), where a missing folder is a failure.
pub fn seeds_present() -> bool {
    let dir = seeds_dir();
    if dir.is_dir() {
        return true;
    }
    if std::env::var("TRELLIS_REQUIRE_SEEDS").as_deref() == Ok("1") {
        panic!(
            "TRELLIS_REQUIRE_SEEDS=1 but the seed folder ../shared/seeds ({}) is missing",
            dir.display()
        );
    }
    static NOTE: Once = Once::new();
    NOTE.call_once(|| {
        // Straight to standard error: the test harness captures `eprintln!` of passing tests, and
        // the skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "note: seed tests skipped: ../shared/seeds ({}) is missing; TRELLIS_REQUIRE_SEEDS=1 makes this a failure",
            dir.display()
        );
    });
    false
}
