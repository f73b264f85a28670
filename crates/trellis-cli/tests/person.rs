//! `trellis person export`: everything held about a person, for an operator answering their
//! request, as JSON or HTML; audited; a clear error for an unknown address.

mod common;

use std::process::Output;

use common::{assert_success, json, sqlite_url, trellis};

/// `trellis person export EMAIL` (JSON).
fn export(email: &str, url: &str) -> Output {
    trellis(&["person", "export", email, "--database-url", url])
}

#[test]
fn person_export_gives_everything_about_them() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    for (email, name, extra) in [
        ("boss@example.org", "Bo Boss", vec![]),
        (
            "ann@example.org",
            "Ann <Lee>",
            vec!["--manager", "boss@example.org", "--team", "Atlas"],
        ),
    ] {
        let mut args = vec!["user", "add", email, "--name", name, "--database-url", &url];
        args.extend(extra);
        let out = trellis(&args);
        assert_success(&out);
    }

    let out = export("Ann@Example.org", &url);
    assert_success(&out);
    let data = json(&out);
    assert_eq!(data["scope"], "complete");
    assert_eq!(data["person"]["email"], "ann@example.org");
    assert_eq!(data["team"], "Atlas");
    assert_eq!(data["manager"]["email"], "boss@example.org");
    let actions: Vec<&str> = data["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"person.create"), "{actions:?}");

    let boss = json(&export("boss@example.org", &url));
    assert_eq!(boss["reports"][0]["email"], "ann@example.org", "{boss}");
    assert_eq!(boss["manager"], serde_json::Value::Null);

    let page = dir.path().join("ann.html");
    let out = trellis(&[
        "person",
        "export",
        "ann@example.org",
        "--format",
        "html",
        "--out",
        page.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert_success(&out);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<h1>Data held about Ann &lt;Lee&gt;</h1>"),
        "{html}"
    );
    assert!(html.contains("<h2>Audit events</h2>"), "{html}");

    // The first export is itself in the log of the second.
    let out = export("ann@example.org", &url);
    let exports = json(&out)["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "person.export")
        .count();
    assert_eq!(exports, 2);

    let out = export("nobody@example.org", &url);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("there is no account with the email nobody@example.org"),
        "{stderr}"
    );
}

fn ok(out: &Output) -> String {
    assert_success(out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Someone leaves (deactivated by the HR import), the retention command finds them once the
/// period has passed, and `person erase` removes their data, asking for confirmation first.
#[test]
fn people_who_left_are_erased_on_request_or_by_retention() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    for (email, name, role) in [
        ("boss@example.org", "Bo Boss", "admin"),
        ("ann@example.org", "Ann Lee", "member"),
    ] {
        ok(&trellis(&[
            "user",
            "add",
            email,
            "--name",
            name,
            "--role",
            role,
            "--database-url",
            &url,
        ]));
    }
    // Ann is not in the HR file any more.
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "email,name,manager_email,team,role_level,start_date\nboss@example.org,Bo Boss,,,,\n",
    )
    .unwrap();
    let import = ok(&trellis(&[
        "people",
        "import",
        csv.to_str().unwrap(),
        "--deactivate-absent",
        "--database-url",
        &url,
    ]));
    assert!(import.contains("deactivated ann@example.org"), "{import}");

    let retention = |after: &str, dry_run: bool| {
        let mut args = vec![
            "people",
            "retention",
            "--after",
            after,
            "--database-url",
            &url,
        ];
        if dry_run {
            args.push("--dry-run");
        }
        ok(&trellis(&args))
    };
    let year = retention("365d", true);
    assert!(year.contains("Dry run: 0 people"), "{year}");
    let now = retention("0s", true);
    assert!(
        now.contains("would erase ann@example.org (Ann Lee"),
        "{now}"
    );
    assert!(now.contains("Dry run: 1 people"), "{now}");

    let unconfirmed = trellis(&["person", "erase", "ann@example.org", "--database-url", &url]);
    assert!(!unconfirmed.status.success());
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("--yes"));
    // An active person is not erased.
    let active = trellis(&[
        "person",
        "erase",
        "boss@example.org",
        "--yes",
        "--database-url",
        &url,
    ]);
    assert!(!active.status.success());
    assert!(
        String::from_utf8_lossy(&active.stderr).contains("Deactivate this account"),
        "{}",
        String::from_utf8_lossy(&active.stderr)
    );

    let erased = ok(&trellis(&[
        "person",
        "erase",
        "Ann@Example.org",
        "--yes",
        "--database-url",
        &url,
    ]));
    assert!(erased.contains("\"Erased person\""), "{erased}");
    let gone = export("ann@example.org", &url);
    assert!(!gone.status.success(), "no account has her email any more");
    let again = retention("0s", false);
    assert!(
        again.contains("Erased the data of 0 people"),
        "erased once: {again}"
    );

    let boss = json(&export("boss@example.org", &url));
    let text = boss.to_string();
    assert!(!text.contains("Ann Lee"), "{text}");
}
