//! `trellis import` end to end on the seed documents: detection, the report, the files written, and
//! that a failed import leaves nothing behind.

mod common;

use std::path::{Path, PathBuf};

use common::{import_to, json, seeds_dir, seeds_present, trellis};
use serde_json::Value;

fn import_json(format: &str, inputs: &[PathBuf], out: &Path) -> Value {
    let mut args: Vec<String> = vec!["import".into(), format.into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend([
        "--out".into(),
        out.display().to_string(),
        "--format".into(),
        "json".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = trellis(&args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    json(&result)
}

fn check_json(dir: &Path) -> Value {
    let out = common::check(dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    json(&out)
}

#[test]
fn every_seed_imports_by_detection_and_checks_with_zero_errors() {
    if !seeds_present() {
        return;
    }
    let cases = [
        (
            "sfia-framework-level-5-senior-product-manager.md",
            "sfia-pages",
        ),
        ("madetech-principal-product-manager.md", "madetech"),
        ("ddat-senior-product-manager.txt", "ddat-text"),
        ("blueprint-principal-product-manager.txt", "blueprint"),
    ];
    for (file, format) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("fw");
        let report = import_json("auto", &[seeds_dir().join(file)], &out);
        assert_eq!(report["format"], format, "{file}");
        assert_eq!(report["detected"], true);
        assert_eq!(report["check"]["errors"], 0);
        assert!(
            report["counts"]["role_levels"].as_u64().unwrap() >= 1,
            "{file}: {report:#}"
        );
        let checked = check_json(&out);
        assert_eq!(checked["summary"]["errors"], 0, "{file}: {checked:#}");
        assert_eq!(
            checked["summary"]["role_levels"],
            report["counts"]["role_levels"]
        );
    }
}

#[test]
fn two_generated_pages_make_one_track_with_linked_levels() {
    if !seeds_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fw");
    let pages = [
        seeds_dir().join("sfia-framework-level-4-product-manager.md"),
        seeds_dir().join("sfia-framework-level-5-senior-product-manager.md"),
    ];
    let report = import_json("sfia-pages", &pages, &out);
    assert_eq!(report["counts"]["role_levels"], 2);
    assert_eq!(report["counts"]["requirements"], 10);
    let kinds: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"template-leak"), "{report:#}");
    let list = trellis(&[
        "list",
        "--framework",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list["tracks"][0]["levels"].as_array().unwrap().len(), 2);
    // SFIA text is not published without --licensed.
    let site = tmp.path().join("site");
    assert!(
        trellis(&[
            "build",
            "--framework",
            out.to_str().unwrap(),
            "--out",
            site.to_str().unwrap()
        ])
        .status
        .success()
    );
}

#[test]
fn refuses_a_non_empty_output_and_leaves_nothing_on_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fw");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let role = tmp.path().join("role.txt");
    std::fs::write(
        &role,
        "Product and delivery role: Harbour pilot\nRole level: Senior harbour pilot\n\n\
         Skill: Reading tides\n- You can plan a passage around the tide.\n",
    )
    .unwrap();
    let refused = import_to("auto", &role, &out);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );

    let garbage = tmp.path().join("garbage.csv");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 255, 0, 1]).unwrap();
    let fresh = tmp.path().join("fresh");
    let failed = import_to("ddat", &garbage, &fresh);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("garbage.csv"),
        "names the file"
    );
    assert!(!fresh.exists(), "nothing written");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 3, "{leftovers:?}");

    let unknown = tmp.path().join("notes.txt");
    std::fs::write(&unknown, "a shopping list\nmilk\n").unwrap();
    let undetected = import_to("auto", &unknown, &fresh);
    assert_eq!(undetected.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&undetected.stderr).contains("matches none of the formats"));
}

#[test]
fn copyrighted_profile_text_is_published_only_with_licensed() {
    if !seeds_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fw");
    let report = import_json(
        "blueprint",
        &[seeds_dir().join("blueprint-principal-product-manager.txt")],
        &out,
    );
    // Only what has no meaning outside the page is left out: the advert and the final summary.
    assert_eq!(
        report["skipped"].as_array().map(Vec::len),
        Some(2),
        "{report:#}"
    );
    assert_eq!(report["unlinked"].as_array().map(Vec::len), Some(8));
    let fw = out.to_str().unwrap();
    let list: Value =
        serde_json::from_slice(&trellis(&["list", "--framework", fw, "--format", "json"]).stdout)
            .unwrap();
    let id = list["tracks"][0]["levels"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let licensed: Value = serde_json::from_slice(
        &trellis(&[
            "show",
            &id,
            "--framework",
            fw,
            "--format",
            "json",
            "--licensed",
        ])
        .stdout,
    )
    .unwrap();
    let kpi_text = licensed["kpis"][0]["measures"]
        .as_str()
        .expect("the source's KPI text")
        .to_owned();
    let withheld: Value = serde_json::from_slice(
        &trellis(&["show", &id, "--framework", fw, "--format", "json"]).stdout,
    )
    .unwrap();
    assert!(
        withheld["kpis"][0]["measures"].is_null(),
        "withheld without --licensed"
    );
    assert_eq!(
        withheld["kpis"][0]["metric"], licensed["kpis"][0]["metric"],
        "names stay"
    );
    assert!(withheld["text_withheld"].is_string());
    // The rest of the blueprint likewise: names stay, the prose goes.
    let promotion = licensed["promotion"]["skills"][0]
        .as_str()
        .expect("the promotion skills")
        .to_owned();
    let question = licensed["interview"][0]["interview_guidance"]["assess"][0]
        .as_str()
        .expect("what to assess on the first dimension")
        .to_owned();
    let evidence = licensed["onboarding"]["days_30"]["evidence"][0]
        .as_str()
        .expect("evidence of the first 30 days")
        .to_owned();
    assert!(licensed["stakeholders"]["internal"][0]["about"].is_string());
    assert_eq!(
        withheld["stakeholders"]["internal"][0]["name"],
        licensed["stakeholders"]["internal"][0]["name"]
    );
    assert!(withheld["stakeholders"]["internal"][0]["about"].is_null());
    for section in [
        "promotion",
        "qualifications",
        "onboarding",
        "failure_modes",
        "automation",
    ] {
        assert!(
            licensed[section].is_object(),
            "{section} in the licensed profile"
        );
        assert!(withheld[section].is_null(), "{section} withheld");
    }
    assert!(withheld["interview"][0]["interview_guidance"]["assess"].is_null());
    assert!(withheld["interview_guidance"]["assess"].is_null());
    assert_eq!(
        withheld["interview_guidance"]["exercises"][0]["name"],
        licensed["interview_guidance"]["exercises"][0]["name"]
    );
    // Section introductions, how some KPIs are measured and what variants vary by, likewise.
    let tools_note = licensed["notes"]["tools"]
        .as_str()
        .expect("the tools' introduction")
        .to_owned();
    assert!(withheld["notes"].is_null());
    let measured = licensed["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .position(|k| k["measurement"].is_string())
        .expect("a KPI with its measurement");
    assert!(withheld["kpis"][measured]["measurement"].is_null());
    assert_eq!(licensed["variants"][0]["by"], "size");
    let md =
        String::from_utf8(trellis(&["show", &id, "--framework", fw, "--licensed"]).stdout).unwrap();
    assert!(md.contains("**On this page**") && md.contains("- [Role variants](#role-variants)"));
    assert!(md.contains(&tools_note) && md.contains("### By company size"));
    for section in ["environment", "variants", "kpi_notes", "high_performance"] {
        assert!(
            licensed[section].as_array().is_some_and(|a| !a.is_empty()),
            "{section} in the licensed profile"
        );
        assert_eq!(
            withheld[section],
            serde_json::json!([]),
            "{section} withheld"
        );
    }

    let page =
        |site: &Path| std::fs::read_to_string(site.join(format!("roles/{id}.html"))).unwrap();
    // Builds the site of the framework into `out` (with `extra` arguments), and says where.
    let built = |out: &str, extra: &[&str]| {
        let site = tmp.path().join(out);
        let mut args = vec!["build", "--framework", fw, "--out", site.to_str().unwrap()];
        args.extend_from_slice(extra);
        assert!(trellis(&args).status.success());
        site
    };
    let public = built("public", &[]);
    assert!(!page(&public).contains(&kpi_text));
    assert!(!page(&public).contains(&promotion) && !page(&public).contains(&question));
    assert!(!page(&public).contains(&html_text(&evidence)));
    assert!(!page(&public).contains(&html_text(&tools_note)));
    assert!(page(&public).contains("<nav class=\"contents profile-contents\""));
    let private = built("private", &["--licensed"]);
    assert!(page(&private).contains(&kpi_text));
    assert!(page(&private).contains(&html_text(&promotion)));
    assert!(page(&private).contains(&html_text(&question)));
    assert!(page(&private).contains(&html_text(&evidence)));
    assert!(page(&private).contains(&html_text(&tools_note)));
}

/// Text as askama escapes it into a page.
fn html_text(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn formats_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../trellis-formats/tests/fixtures")
}

#[test]
fn a_windows_1252_sfia_csv_imports_and_the_report_names_the_encoding() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sfia");
    let report = import_json(
        "sfia",
        &[formats_fixtures().join("sfia/windows-1252.csv")],
        &out,
    );
    assert_eq!(report["counts"]["skills"], 2);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["kind"] == "encoding"
            && w["message"].as_str().unwrap().contains("Windows-1252")
            && w["line"] == 2),
        "{warnings:#?}"
    );
}

#[test]
fn a_folder_of_subfolders_is_read_whole_and_what_is_left_out_is_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("monzo");
    let report = import_json("monzo", &[formats_fixtures().join("monzo-tree")], &out);
    assert_eq!(report["counts"]["tracks"], 3, "{report:#}");
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().replace('\\', "/"),
                s["why"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for left_out in ["assets/logo.png", "mkdocs.yml", "README.md"] {
        assert!(
            skipped
                .iter()
                .any(|(f, why)| f.ends_with(left_out) && !why.is_empty()),
            "{left_out}: {skipped:#?}"
        );
    }
    // The text report lists them too.
    let text = import_to(
        "monzo",
        &formats_fixtures().join("monzo-tree"),
        &tmp.path().join("again"),
    );
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("logo.png") && stdout.contains("not imported"),
        "{stdout}"
    );
}

/// SFIA 9's framework is named "SFIA 9" at version 9: `list` heads it "SFIA 9", not "SFIA 9 9".
#[test]
fn list_names_an_imported_framework_named_after_its_version_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sfia");
    import_json(
        "sfia",
        &[formats_fixtures().join("sfia/windows-1252.csv")],
        &out,
    );
    let listed = trellis(&["list", "--framework", out.to_str().unwrap()]);
    assert!(listed.status.success());
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(stdout.lines().next(), Some("SFIA 9"), "{stdout}");
}

/// The report's `check` diagnostics name the file and line of the framework files written, as
/// `trellis check` does on them.
#[test]
fn import_report_diagnostics_name_their_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("roles.csv");
    let mut rows = String::from(
        "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,Skill Description,\
         Skill Level,Skill Level Description,Role Type\n",
    );
    for (role, level, description) in [
        ("Harbour master", "Harbour master", "Runs the harbour."),
        (
            "Lock keeper",
            "Lock keeper",
            "Harbour masters set the tide schedule for every berth.",
        ),
    ] {
        rows.push_str(&format!(
            "Waterways,{role},About the role.,{level},{description},Tide reading,Reading tides.,Working,\
             Reads the tide table.,Digital and data\n"
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    let out = tmp.path().join("fw");
    let report = import_json("ddat", &[csv], &out);
    let diagnostics = report["check"]["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["code"] == "W0201"),
        "{report:#}"
    );
    for d in diagnostics {
        assert!(
            d["file"].is_string() && d["line"].is_u64(),
            "no file or line: {d:#}"
        );
    }
    let checked = check_json(&out);
    assert_eq!(checked["diagnostics"].as_array(), Some(diagnostics));
}
