//! `trellis person export`: everything held about a person, for an operator answering their
//! request, as JSON or HTML; audited; a clear error for an unknown address.

mod common;

use common::{json, trellis};

#[test]
fn person_export_gives_everything_about_them() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
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
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let out = trellis(&[
        "person",
        "export",
        "Ann@Example.org",
        "--database-url",
        &url,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

    let boss = json(&trellis(&[
        "person",
        "export",
        "boss@example.org",
        "--database-url",
        &url,
    ]));
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<h1>Data held about Ann &lt;Lee&gt;</h1>"),
        "{html}"
    );
    assert!(html.contains("<h2>Audit events</h2>"), "{html}");

    // The first export is itself in the log of the second.
    let out = trellis(&[
        "person",
        "export",
        "ann@example.org",
        "--database-url",
        &url,
    ]);
    let exports = json(&out)["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "person.export")
        .count();
    assert_eq!(exports, 2);

    let out = trellis(&[
        "person",
        "export",
        "nobody@example.org",
        "--database-url",
        &url,
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("there is no account with the email nobody@example.org"),
        "{stderr}"
    );
}
