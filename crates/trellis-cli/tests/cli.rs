//! The `trellis` binary end to end: exit codes, output shapes and diagnostics for real files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_success, check, json, trellis, trellis_in};
use serde_json::Value;

/// Writes a framework directory from (relative path, contents) pairs.
fn framework(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A framework of [`HEADER`], [`SKILLS`] and these tracks, by file name under `tracks/`.
fn with_tracks(tracks: &[(&str, &str)]) -> tempfile::TempDir {
    let paths: Vec<String> = tracks.iter().map(|(f, _)| format!("tracks/{f}")).collect();
    let mut files = vec![("framework.yaml", HEADER), ("skills/all.yaml", SKILLS)];
    files.extend(
        paths
            .iter()
            .map(String::as_str)
            .zip(tracks.iter().map(|(_, t)| *t)),
    );
    framework(&files)
}

const HEADER: &str = "id: t\nname: Test framework\nversion: '1'\nsources:\n  - id: house\n    name: House\n  - id: sfia\n    name: SFIA\n    redistributable: false\n    level_scale: resp\nscales:\n  - id: p\n    name: Proficiency\n    levels:\n      - {id: 1, label: Aware}\n      - {id: 2, label: Able}\n      - {id: 3, label: Fluent}\n      - {id: 4, label: Leading}\n  - id: resp\n    name: Responsibility\n    levels: [{id: 1, label: L1}, {id: 2, label: L2}, {id: 3, label: L3}]\n";

const SKILLS: &str = "skills:\n  - id: research\n    name: User research\n    scale: p\n    levels: {1: Joins interviews., 2: Runs interviews., 3: Plans studies., 4: Sets the research agenda.}\n  - id: planning\n    name: Planning\n    scale: p\n    levels: {2: Plans a quarter., 3: Plans a year., 4: Plans the portfolio.}\n  - id: licensed\n    name: Licensed skill\n    scale: p\n    source: sfia\n    levels: {1: SECRET descriptor text., 2: SECRET level two.}\n";

fn diagnostics_with(out: &Output, code: &str) -> Vec<Value> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .cloned()
        .collect()
}

#[test]
fn starter_framework_checks_clean() {
    let out = trellis(&["check", "--format", "json"]);
    assert!(out.status.success());
    let v = json(&out);
    let s = &v["summary"];
    assert_eq!(s["errors"], 0, "{v:#}");
    assert_eq!(s["warnings"], 0, "{v:#}");
    assert!(s["skills"].as_u64().unwrap() >= 15);
    assert!(s["tracks"].as_u64().unwrap() >= 2);
    assert!(s["role_levels"].as_u64().unwrap() >= 9);
    for key in [
        "skills",
        "tracks",
        "role_levels",
        "requirements",
        "errors",
        "warnings",
    ] {
        assert!(s[key].is_u64(), "summary.{key}");
    }
}

#[test]
fn every_rule_reports_code_file_line_and_hint() {
    let track = "id: product\nname: Product\nlevels:\n  - id: one\n    title: Product One\n    summary: Principal Designers are expected to shine. Itâ€™s ours.\n    requirements:\n      - skill: reserch\n        level: 2\n      - skill: planning\n        level: 1\n      - skill: research\n        level: 3\n    interview:\n      - {name: Craft, weight: 60}\n      - {name: Judgement, weight: 30}\n  - id: two\n    title: Product Two\n    next: product/nowhere\n    requirements:\n      - skill: research\n        level: 2\n      - skill: planning\n        level: 9\n    responsibilities:\n      - group: Delivery\n        items:\n          - Ship the plan.\n          - Find Trusted Cardiac Hospitals Near You - book a visit today\n  - id: three\n    title: Product Three\n    requirments: []\n    behaviours: []\n";
    let design = "id: design\nname: Design\nlevels:\n  - id: principal\n    title: Principal Designer\n    requirements: [{skill: research, level: 4}]\n";
    let dir = with_tracks(&[("product.yaml", track), ("design.yaml", design)]);
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(1), "errors exit 1");
    let file = |name: &str| format!("{}/tracks/{name}", dir.path().display());
    let expect = |code: &str, line: u64, hint: &str| {
        let found = diagnostics_with(&out, code);
        assert!(
            found.iter().any(|d| d["line"] == line
                && d["file"] == file("product.yaml")
                && d["hint"].as_str().unwrap_or("").contains(hint)),
            "{code} at line {line} with hint {hint:?}; got {found:#?}"
        );
    };
    expect("T0201", 8, "did you mean `research`?");
    expect("T0206", 11, "`planning` is defined at: 2, 3, 4");
    expect("T0301", 15, "Craft 60%");
    expect("T0204", 19, "");
    expect("T0203", 24, "scale `p` has levels: 1, 2, 3, 4");
    expect("T0401", 22, "regression_reason");
    expect("T0003", 32, "did you mean `requirements`?");
    expect("W0101", 33, "");
    expect("W0201", 6, "");
    expect("W0203", 6, "It’s ours");
    expect("W0202", 29, "");
    let summary = &json(&out)["summary"];
    assert!(summary["errors"].as_u64().unwrap() >= 7);
    assert!(summary["warnings"].as_u64().unwrap() >= 4);
    // Text output names the same places, with the offending line quoted.
    let text = trellis(&["check", "--framework", dir.path().to_str().unwrap()]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "error[T0201]: unknown skill `reserch`\n  --> {}:8:16",
            file("product.yaml")
        )),
        "{text}"
    );
    assert!(
        text.contains("      - skill: reserch\n  |                ^"),
        "{text}"
    );
}

#[test]
fn regression_is_allowed_when_marked_and_drops_need_a_reason() {
    let track = "id: product\nname: Product\ncumulative: false\nlevels:\n  - id: one\n    title: One\n    requirements:\n      - {skill: research, level: 3}\n      - {skill: planning, level: 2}\n  - id: two\n    title: Two\n    requirements:\n      - {skill: research, level: 2, regression_reason: Leads research through others.}\n  - id: three\n    title: Three\n    requirements:\n      - {skill: research, level: 2}\n    drops:\n      - {skill: planning, reason: Handed to the delivery track.}\n";
    let dir = with_tracks(&[("product.yaml", track)]);
    let out = check(dir.path());
    let dropped = diagnostics_with(&out, "T0402");
    // Level two dropped planning without saying so; level three says so.
    assert_eq!(dropped.len(), 1, "{:#}", json(&out));
    assert!(
        dropped[0]["message"]
            .as_str()
            .unwrap()
            .contains("`Two` no longer requires `planning`")
    );
    assert!(
        diagnostics_with(&out, "T0401").is_empty(),
        "marked regression is not an error"
    );
}

#[test]
fn broken_links_disagree_in_both_directions() {
    let track = "id: a\nname: A\nlevels:\n  - id: one\n    title: A One\n    requirements: [{skill: research, level: 1}]\n    next: b/two\n  - id: two\n    title: A Two\n";
    let other = "id: b\nname: B\nlevels:\n  - id: one\n    title: B One\n    requirements: [{skill: research, level: 1}]\n  - id: two\n    title: B Two\n";
    let dir = with_tracks(&[("a.yaml", track), ("b.yaml", other)]);
    let out = check(dir.path());
    let broken = diagnostics_with(&out, "T0501");
    assert_eq!(broken.len(), 1, "{:#}", json(&out));
    assert!(
        broken[0]["hint"]
            .as_str()
            .unwrap()
            .contains("set `previous: a/one` on `b/two`")
    );
    assert_eq!(broken[0]["line"], 7);
}

#[test]
fn broken_files_get_diagnostics_not_panics() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("tab indentation", b"id: t\n\tname: x\n".to_vec(), "T0002"),
        ("unclosed flow", b"id: [t\nname: x\n".to_vec(), "T0002"),
        ("not UTF-8", b"id: t\nname: caf\xe9\n".to_vec(), "T0005"),
        (
            "binary garbage",
            vec![0, 159, 146, 150, 255, 0, 1, 2],
            "T0005",
        ),
        ("empty", Vec::new(), "T0004"),
        ("a list", b"- a\n- b\n".to_vec(), "T0004"),
        ("duplicate key", b"id: t\nid: u\n".to_vec(), "T0101"),
        ("missing fields", b"id: t\n".to_vec(), "T0004"),
    ];
    for (what, bytes, code) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("framework.yaml"), &bytes).unwrap();
        let out = check(dir.path());
        assert_eq!(out.status.code(), Some(1), "{what}");
        let found = diagnostics_with(&out, code);
        assert!(
            !found.is_empty(),
            "{what}: expected {code}, got {:#}",
            json(&out)
        );
        assert!(
            found[0]["line"].as_u64().unwrap() >= 1,
            "{what}: has a line"
        );
    }
    let missing = trellis(&["check", "--framework", "/nonexistent/framework"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path());
    assert_eq!(
        diagnostics_with(&out, "T0001")[0]["message"],
        "cannot read framework.yaml: no such file"
    );
}

#[test]
fn list_gives_stable_slugs() {
    let v = json(&trellis(&["list", "--format", "json"]));
    let tracks = v["tracks"].as_array().unwrap();
    let product = tracks
        .iter()
        .find(|t| t["id"] == "product")
        .expect("a product track");
    let levels = product["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 5);
    assert_eq!(levels[0]["id"], "product/associate-product-manager");
    assert!(
        levels
            .iter()
            .any(|l| l["id"] == "product/senior-product-manager"
                && l["title"] == "Senior Product Manager")
    );
    assert_eq!(levels[4]["id"], "product/head-of-product");
}

fn statuses_fixture() -> tempfile::TempDir {
    let track = "id: product\nname: Product\nlevels:\n  - id: one\n    title: One\n    requirements:\n      - {skill: research, level: 1, importance: critical}\n      - {skill: licensed, level: 1}\n  - id: two\n    title: Two\n    requirements:\n      - {skill: research, level: 2, importance: critical}\n      - {skill: planning, level: 2, importance: optional}\n    kpis: [{metric: Cycle time}]\n";
    with_tracks(&[("product.yaml", track)])
}

#[test]
fn show_marks_new_raised_and_inherited() {
    let dir = statuses_fixture();
    let out = trellis(&[
        "show",
        "product/two",
        "--framework",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_success(&out);
    let v = json(&out);
    let reqs = v["requirements"].as_array().unwrap();
    let by = |skill: &str| {
        reqs.iter()
            .find(|r| r["skill"] == skill)
            .unwrap_or_else(|| panic!("{skill} in {v:#}"))
    };
    assert_eq!(by("research")["status"], "raised");
    assert_eq!(by("research")["level"], "2");
    assert_eq!(by("research")["importance"], "critical");
    assert_eq!(by("planning")["status"], "new");
    assert_eq!(by("planning")["importance"], "optional");
    assert_eq!(by("licensed")["status"], "inherited");
    // Text from a source that may not be redistributed is withheld unless licensed.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SECRET"));
    let licensed = trellis(&[
        "show",
        "two",
        "--framework",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--licensed",
    ]);
    assert!(String::from_utf8_lossy(&licensed.stdout).contains("SECRET descriptor text."));
    let md = trellis(&[
        "show",
        "product/two",
        "--framework",
        dir.path().to_str().unwrap(),
    ]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains("# Two") && md.contains("User research") && md.contains("raised"),
        "{md}"
    );
    let html = trellis(&[
        "show",
        "product/two",
        "--framework",
        dir.path().to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert!(String::from_utf8_lossy(&html.stdout).starts_with("<!DOCTYPE html>"));
}

#[test]
fn unknown_role_levels_are_explained() {
    let out = trellis(&["show", "product/senior-product-manger"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown role level `product/senior-product-manger`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `product/senior-product-manager`?"),
        "{err}"
    );
}

#[test]
fn diff_lists_added_raised_and_removed_with_descriptors() {
    let dir = statuses_fixture();
    let out = trellis(&[
        "diff",
        "product/one",
        "product/two",
        "--framework",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let v = json(&out);
    assert_eq!(v["raised"][0]["skill"], "research");
    assert_eq!(v["raised"][0]["from_descriptor"], "Joins interviews.");
    assert_eq!(v["raised"][0]["to_descriptor"], "Runs interviews.");
    assert_eq!(v["added"][0]["skill"], "planning");
    assert_eq!(v["kpis"]["added"][0], "Cycle time");
    assert_eq!(v["unchanged"], 1);
    let back = json(&trellis(&[
        "diff",
        "product/two",
        "product/one",
        "--framework",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(back["lowered"][0]["skill"], "research");
    assert_eq!(back["removed"][0]["skill"], "planning");
    assert_eq!(back["removed"][0]["from_descriptor"], "Plans a quarter.");
    // Across tracks, on the starter.
    let md = trellis(&[
        "diff",
        "product/senior-product-manager",
        "product/principal-product-manager",
    ]);
    assert!(
        md.status.success(),
        "{}",
        String::from_utf8_lossy(&md.stderr)
    );
    assert!(String::from_utf8_lossy(&md.stdout).contains("Principal Product Manager"));
}

#[test]
fn show_and_diff_give_the_rest_of_the_blueprint_with_what_is_inherited() {
    // The starter's product manager writes its own promotion criteria and takes the associate's
    // stakeholders.
    let out = trellis(&["show", "product/product-manager"]);
    assert_success(&out);
    let md = String::from_utf8_lossy(&out.stdout);
    let collaboration = md
        .split("\n## Stakeholders\n")
        .nth(1)
        .expect("a stakeholders section");
    assert!(
        collaboration.trim_start().starts_with(
            "_Inherited from Associate Product Manager (`product/associate-product-manager`)._"
        ),
        "{collaboration}"
    );
    for heading in [
        "## Qualifications",
        "## Onboarding",
        "Evidence of success:",
        "## Interview guidance",
        "### Problem framing and discovery",
        "## Promotion",
        "**Next level:** Senior Product Manager (`product/senior-product-manager`)",
        "### Skills a panel looks for",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    let v = json(&trellis(&[
        "show",
        "product/product-manager",
        "--format",
        "json",
    ]));
    assert_eq!(
        v["inherited"]["stakeholders"],
        "product/associate-product-manager"
    );
    assert!(v["inherited"]["promotion"].is_null());
    assert!(
        v["promotion"]["skills"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    assert_eq!(v["promotion"]["next"], "product/senior-product-manager");
    assert!(v["stakeholders"]["internal"][0]["name"].is_string());
    assert!(v["onboarding"]["days_30"]["evidence"][0].is_string());
    assert!(v["interview"][0]["interview_guidance"]["assess"][0].is_string());
    // The standalone page has its list of contents.
    let page = trellis(&["show", "product/product-manager", "--format", "html"]);
    let page = String::from_utf8_lossy(&page.stdout);
    assert!(page.contains("<nav class=\"contents profile-contents\" aria-label=\"On this page\">"));
    for (anchor, label) in [
        ("stakeholders", "Stakeholders"),
        ("qualifications", "Qualifications"),
        ("onboarding", "Onboarding"),
        ("interview-guidance", "Interview guidance"),
        ("promotion", "Promotion"),
    ] {
        assert!(
            page.contains(&format!("<a href=\"#{anchor}\">{label}</a>"))
                && page.contains(&format!("<section id=\"{anchor}\">")),
            "{anchor} missing"
        );
    }

    // The senior writes its own map: the comparison lists what changes in it.
    let d = json(&trellis(&[
        "diff",
        "product/product-manager",
        "product/senior-product-manager",
        "--format",
        "json",
    ]));
    assert!(
        d["stakeholders"]["added"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i
                .as_str()
                .is_some_and(|i| i.starts_with("Internal: Head of product")))),
        "{d:#}"
    );
    assert!(
        d["promotion"]["added"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
            && d["qualifications"]["added"].is_array()
    );
    let md = trellis(&[
        "diff",
        "product/product-manager",
        "product/senior-product-manager",
    ]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("## Stakeholders") && md.contains("## Promotion"),
        "{md}"
    );
}

#[test]
fn commands_refuse_a_framework_with_errors() {
    let dir = framework(&[
        (
            "framework.yaml",
            "id: x\nname: X\nversion: '1'\nscales: [{id: p, name: P, levels: [{id: 1, label: One}]}]\n",
        ),
        (
            "tracks/a.yaml",
            "id: a\nname: A\nlevels:\n  - id: one\n    title: One\n    requirements: [{skill: nope, level: 1}]\n",
        ),
    ]);
    let out = trellis(&["show", "a/one", "--framework", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown skill `nope`") && err.contains("has 1 error(s)"),
        "{err}"
    );
}

#[test]
fn uses_framework_yaml_in_the_current_directory() {
    let dir = statuses_fixture();
    let v = json(&trellis_in(dir.path(), &["list", "--format", "json"]));
    assert_eq!(v["tracks"][0]["id"], "product");
    assert_eq!(v["tracks"].as_array().unwrap().len(), 1);
}

#[test]
fn build_writes_a_site() {
    let out_dir = tempfile::tempdir().unwrap();
    let site: PathBuf = out_dir.path().join("site");
    let out = trellis(&["build", "--out", site.to_str().unwrap()]);
    assert_success(&out);
    assert!(site.join("index.html").is_file());
    assert!(String::from_utf8_lossy(&out.stdout).contains("index.html"));
}

#[test]
fn init_copies_the_starter_which_then_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    assert!(trellis(&["init", dir.to_str().unwrap()]).status.success());
    let out = check(&dir);
    assert!(out.status.success());
    assert_eq!(json(&out)["summary"]["errors"], 0);
    assert!(
        !trellis(&["init", dir.to_str().unwrap()]).status.success(),
        "never overwrites"
    );
}

#[test]
fn committed_schemas_match_the_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema");
    for (kind, file) in [
        ("framework", "framework.schema.json"),
        ("skills", "skills.schema.json"),
        ("track", "track.schema.json"),
    ] {
        let out = trellis(&["schema", kind]);
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            committed,
            "schema/{file} is stale: run `cargo run -p trellis-cli -- schema {kind} > schema/{file}`"
        );
    }
    let v = json(&trellis(&["schema", "track"]));
    assert!(v["properties"]["levels"].is_object());
    assert_eq!(v["additionalProperties"], false);
}

#[test]
fn explain_describes_codes() {
    let out = trellis(&["check", "--explain", "T0401"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("regression_reason"));
    assert!(!trellis(&["check", "--explain", "X9999"]).status.success());
}

/// `serve` checks that it can listen (and that its certificate is usable) before it creates or
/// migrates a database: a port in use leaves no database file behind.
#[test]
fn serve_checks_it_can_listen_before_making_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let db = dir.path().join("new.db");
    let url = format!("sqlite://{}", db.display());
    let out = trellis(&["serve", "--addr", &addr, "--database-url", &url]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert!(!db.exists(), "no database was made");

    let missing = dir.path().join("no-such-cert.pem");
    let out = trellis(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        &url,
        "--tls-cert",
        missing.to_str().unwrap(),
        "--tls-key",
        missing.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such-cert.pem"), "{stderr}");
    assert!(!db.exists(), "no database was made");
}

/// Every limit and timeout of `serve` is a flag with an environment variable, documented in
/// `--help`; a value that does not read is refused naming the flag and the expected form.
#[test]
fn serve_settings_are_flags_with_environment_variables() {
    let out = trellis(&["serve", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for (flag, env) in [
        ("--idle-timeout", "TRELLIS_IDLE_TIMEOUT"),
        ("--absolute-timeout", "TRELLIS_ABSOLUTE_TIMEOUT"),
        ("--body-limit", "TRELLIS_BODY_LIMIT"),
        ("--throttle-window", "TRELLIS_THROTTLE_WINDOW"),
        ("--throttle-free-failures", "TRELLIS_THROTTLE_FREE_FAILURES"),
        ("--throttle-first-delay", "TRELLIS_THROTTLE_FIRST_DELAY"),
        (
            "--throttle-max-per-address",
            "TRELLIS_THROTTLE_MAX_PER_ADDRESS",
        ),
        ("--pool-size", "TRELLIS_POOL_SIZE"),
        ("--trusted-proxies", "TRELLIS_TRUSTED_PROXIES"),
        ("--hsts", "TRELLIS_HSTS"),
        ("--metrics-token", "TRELLIS_METRICS_TOKEN"),
        ("--tls-cert", "TRELLIS_TLS_CERT"),
        ("--tls-key", "TRELLIS_TLS_KEY"),
        ("--oidc-issuer", "TRELLIS_OIDC_ISSUER"),
        ("--oidc-client-id", "TRELLIS_OIDC_CLIENT_ID"),
        ("--oidc-client-secret", "TRELLIS_OIDC_CLIENT_SECRET"),
        ("--oidc-create-accounts", "TRELLIS_OIDC_CREATE_ACCOUNTS"),
        ("--password-sign-in", "TRELLIS_PASSWORD_SIGN_IN"),
    ] {
        assert!(help.contains(flag), "{flag} in --help");
        assert!(help.contains(&format!("env: {env}")), "{env} in --help");
    }
    for (args, expected) in [
        (vec!["--idle-timeout", "soon"], "--idle-timeout"),
        (vec!["--body-limit", "1GiB"], "--body-limit"),
        (
            vec!["--trusted-proxies", "10.0.0.0/33"],
            "--trusted-proxies",
        ),
        (vec!["--pool-size", "0"], "--pool-size"),
        (vec!["--tls-cert", "c.pem"], "--tls-key"),
        // Nobody could sign in.
        (vec!["--password-sign-in", "false"], "--oidc-issuer"),
        (vec!["--password-sign-in", "no"], "--password-sign-in"),
        (
            vec!["--oidc-issuer", "https://id.example.org"],
            "--oidc-client-id",
        ),
        (
            vec![
                "--oidc-issuer",
                "https://id.example.org",
                "--oidc-client-id",
                "trellis",
                "--oidc-create-accounts",
                "example",
            ],
            "not an email domain",
        ),
    ] {
        let mut all = vec!["serve"];
        all.extend(&args);
        let out = trellis(&all);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn hiring_kit_prints_the_advert_plan_and_questions_in_each_format() {
    let md = trellis(&["hiring-kit", "product/senior-product-manager"]);
    assert!(
        md.status.success(),
        "{}",
        String::from_utf8_lossy(&md.stderr)
    );
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("# Hiring kit: Senior Product Manager"));
    for part in [
        "## Job advert",
        "**Salary:** GBP",
        "## Interview plan",
        "## Questions by dimension",
        "What answers look like:",
    ] {
        assert!(md.contains(part), "{part}");
    }
    let kit = json(&trellis(&[
        "hiring-kit",
        "senior-product-manager",
        "--format",
        "json",
    ]));
    let dimensions: Vec<&str> = kit["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["dimension"].as_str().unwrap())
        .collect();
    assert!(!dimensions.is_empty());
    let staged: Vec<&str> = kit["plan"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["dimensions"].as_array().unwrap())
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(dimensions.iter().all(|d| staged.contains(d)), "{kit:#}");
    let html = trellis(&[
        "hiring-kit",
        "product/senior-product-manager",
        "--format",
        "html",
    ]);
    assert!(String::from_utf8_lossy(&html.stdout).contains("<section id=\"plan\">"));

    let unknown = trellis(&["hiring-kit", "product/astronaut"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown role level"));
}
