//! `trellis people import`: a dry run changes nothing, the import applies once, the same file
//! again changes nothing, and a bad file names the row and column and imports nothing.

mod common;

use common::{sqlite_url, trellis};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn people_import_previews_applies_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let out = trellis(&[
        "user",
        "add",
        "boss@example.org",
        "--name",
        "Bo Boss",
        "--database-url",
        &url,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "Email,Name,Manager email,Team,Role level,Start date\n\
         ann@example.org,Ann Lee,boss@example.org,Atlas,,\n\
         boss@example.org,Bo Boss,,Atlas,,\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["people", "import", file, "--database-url", &url];
        args.extend(extra);
        trellis(&args)
    };

    let dry = import(&["--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let said = text(&dry.stdout);
    assert!(
        said.contains("new      ann@example.org (Ann Lee), row 2"),
        "{said}"
    );
    assert!(
        said.contains("changed  boss@example.org, row 3: team: – → Atlas"),
        "{said}"
    );
    assert!(said.contains("Dry run: nothing was changed."), "{said}");

    let applied = import(&[]);
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    assert!(
        text(&applied.stdout).contains("Imported: 1 new, 1 changed, 0 deactivated"),
        "{}",
        text(&applied.stdout)
    );
    let again = import(&[]);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("Nothing to change"),
        "{}",
        text(&again.stdout)
    );

    std::fs::write(
        dir.path().join("people.csv"),
        "email,name,manager_email,team,role_level,start_date\n\
         cat@example.org,Cat,nobody@example.org,,,\n",
    )
    .unwrap();
    let bad = import(&[]);
    assert_eq!(bad.status.code(), Some(1));
    let said = text(&bad.stderr);
    assert!(
        said.contains("row 2, column manager_email: no person with email nobody@example.org, and not in this file"),
        "{said}"
    );
    assert!(said.contains("nothing was imported"), "{said}");
}
