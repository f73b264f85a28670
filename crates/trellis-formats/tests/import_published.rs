//! The importers on files laid out as the public downloads are, as they are: exports in Windows-1252 or
//! UTF-16, folders of subfolders, generated pages with one ladder per engineer type, pages that claim
//! SFIA levels a skill does not define, the Made Tech handbook's `roles/` folder and Monzo files whose
//! level numbers differ from their `levels:`. Every fixture is our own text with the same property as
//! the published file; no SFIA text is committed.

mod common;

use std::path::Path;

use common::{assert_no_errors, fixture, fixtures_dir, input, warnings};
use trellis_formats::import::{self, Format, ImportOptions, Imported, Input, detect, walk};
use trellis_model::Framework;

/// Imports, and the checker finds no errors in what was imported.
fn run(format: Format, inputs: &[Input]) -> Imported {
    let imported = common::run(format, inputs);
    assert_no_errors(&imported.framework);
    imported
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xff, 0xfe]
    } else {
        vec![0xfe, 0xff]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2019}' => 0x92,
            '\u{2013}' => 0x96,
            c => u8::try_from(u32::from(c)).expect("a Latin-1 character"),
        })
        .collect()
}

// Defect 1: encodings.

#[test]
fn sfia_csv_saved_by_excel_as_windows_1252_is_read_and_the_encoding_reported() {
    let imported = run(Format::Sfia, &[fixture("sfia/windows-1252.csv")]);
    let fw = &imported.framework;
    assert_eq!(fw.skills.len(), 2);
    let lamp = fw.skill("LAMP").expect("LAMP");
    assert_eq!(
        lamp.description.as_deref(),
        Some("Keeping the town\u{2019}s lamps lit from dusk until dawn.")
    );
    assert!(
        lamp.levels["2"].contains("street\u{a0}when"),
        "{:?}",
        lamp.levels
    );
    assert_eq!(
        fw.skill("BELL").and_then(|s| s.description.as_deref()),
        Some("Ringing the hours \u{2013} and the alarms.")
    );
    let found = &imported.report.warnings;
    let encoding: Vec<_> = found.iter().filter(|w| w.kind == "encoding").collect();
    assert_eq!(encoding.len(), 1, "{found:#?}");
    assert!(encoding[0].message.contains("Windows-1252"), "{found:#?}");
    assert_eq!(
        (encoding[0].file.as_str(), encoding[0].line),
        ("sfia/windows-1252.csv", Some(2))
    );
    // What was decoded is text, not mojibake to repair.
    assert!(warnings(&imported.report, "mojibake").is_empty());
}

#[test]
fn utf16_and_utf8_with_a_bom_read_the_same_as_utf8() {
    let plain = fixture("ddat/roles.csv");
    let text = String::from_utf8(plain.bytes.clone()).expect("UTF-8 fixture");
    let expected = run(Format::Ddat, std::slice::from_ref(&plain)).framework;
    for (name, bytes, encoding) in [
        ("le.csv", utf16(&text, true), Some("UTF-16 little-endian")),
        ("be.csv", utf16(&text, false), Some("UTF-16 big-endian")),
        (
            "bom.csv",
            [&b"\xef\xbb\xbf"[..], text.as_bytes()].concat(),
            None,
        ),
    ] {
        let imported = run(Format::Ddat, &[input(name, bytes)]);
        assert_eq!(imported.framework, expected, "{name}");
        let said = warnings(&imported.report, "encoding");
        match encoding {
            Some(encoding) => assert!(
                said.len() == 1 && said[0].contains(encoding),
                "{name}: {said:?}"
            ),
            None => assert!(said.is_empty(), "{name}: {said:?}"),
        }
    }
}

#[test]
fn every_document_importer_reads_windows_1252() {
    let cases = [
        (
            Format::SfiaPages,
            "# Lamp Keeper\n\n**Level 3** | **Career Path:** Streets\n\n## Role Overview\n\n**Scope Summary:** Keeps the town\u{2019}s lamps lit.\n\n## Required SFIA Skills\n\n### Lamplighting (LAMP)\n\n**Level 3 Attainment:**\n\nLights a district\u{2019}s lamps alone.\n",
        ),
        (
            Format::Madetech,
            "# Senior Lamp Keeper\n\n## Scope\n\n- Keeps the town\u{2019}s lamps lit\n",
        ),
        (
            Format::Monzo,
            "---\ntitle: Lamps\nlevels: 2\ntopics:\n  - name: care\n    title: Care\n    content:\n      - level: 1\n        criteria:\n          - Trims the town\u{2019}s wicks\n      - level: 2\n        criteria:\n          - Plans the rounds\n---\n",
        ),
        (
            Format::DdatText,
            "Street role: Lamp keeper\n- Keeps the lamps lit\nRole level: Senior lamp keeper\n- Leads a district\u{2019}s rounds\nSkill: Lamplighting\n- Lights lamps\n",
        ),
    ];
    for (format, text) in cases {
        let imported = run(format, &[input("w.md", windows_1252(text))]);
        let said = warnings(&imported.report, "encoding");
        assert!(
            said.len() == 1 && said[0].contains("Windows-1252"),
            "{format}: {said:?}"
        );
        let written = serde_json::to_string(&imported.framework).expect("json");
        assert!(written.contains('\u{2019}'), "{format}: {written}");
    }
}

#[test]
fn binary_files_are_refused_by_every_importer() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let zip = b"PK\x03\x04\x14\0\0\0\x08\0".to_vec();
    let nul = b"Skill Name,Code\nLamps,\0\0\0\x01\x02\n".to_vec();
    for format in Format::ALL {
        for (name, bytes) in [("a.png", &png), ("b.bin", &nul), ("c.zip", &zip)] {
            if format == Format::Sfia && name == "c.zip" {
                // A ZIP is what a workbook is: the SFIA importer opens it, and says it is broken.
                continue;
            }
            let err = import::import(
                format,
                &[input(name, bytes.clone())],
                &ImportOptions::default(),
            )
            .expect_err(&format!("{format} accepted {name}"))
            .to_string();
            assert!(
                err.starts_with(name) && (err.contains("not text") || err.contains("binary")),
                "{format} {name}: {err}"
            );
        }
    }
    let err = import::import(
        Format::Monzo,
        &[input("n.md", nul)],
        &ImportOptions::default(),
    )
    .expect_err("NUL bytes")
    .to_string();
    assert!(err.starts_with("n.md:2: binary data"), "{err}");
}

// Defect 2: folders.

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// The Monzo tree fixture in a temporary folder, with a hidden file, a hidden folder and (on Unix) a
/// link out of the folder added.
fn monzo_tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("frameworks");
    copy_tree(&fixtures_dir().join("monzo-tree"), &root);
    std::fs::write(root.join(".draft.md"), "---\ntitle: Draft\n---\n").expect("write");
    std::fs::create_dir(root.join(".git")).expect("mkdir");
    std::fs::write(root.join(".git/HEAD"), "ref: main\n").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        fixtures_dir().join("monzo/quality.md"),
        root.join("design/linked.md"),
    )
    .expect("symlink");
    tmp
}

fn relative(root: &Path, file: &str) -> String {
    Path::new(file)
        .strip_prefix(root)
        .map_or_else(|_| file.to_owned(), |p| p.display().to_string())
}

#[test]
fn folders_are_walked_recursively_and_every_file_left_out_is_listed() {
    let tmp = monzo_tree();
    let root = tmp.path().join("frameworks");
    let found = walk::read_paths(
        std::slice::from_ref(&root),
        Some(Format::Monzo),
        |_, _, _| {},
    )
    .expect("walk");
    let read: Vec<String> = found
        .inputs
        .iter()
        .map(|i| relative(&root, &i.name()))
        .collect();
    assert_eq!(
        read,
        [
            "README.md",
            "design/illustration.md",
            "engineering/web/browser.md",
            "generic.md",
            "operations/counter.md"
        ]
    );
    let mut passed: Vec<(String, &str)> = found
        .skipped
        .iter()
        .map(|s| (relative(&root, &s.file), s.why.as_str()))
        .collect();
    passed.sort();
    let names: Vec<&str> = passed.iter().map(|(f, _)| f.as_str()).collect();
    let mut expected = vec![".draft.md", ".git", "assets/logo.png", "mkdocs.yml"];
    if cfg!(unix) {
        expected.push("design/linked.md");
    }
    expected.sort_unstable();
    assert_eq!(names, expected, "{passed:#?}");
    assert!(passed.iter().all(|(_, why)| !why.is_empty()));
    assert!(
        passed
            .iter()
            .any(|(f, why)| f == "assets/logo.png" && why.contains(".png")),
        "{passed:#?}"
    );

    // All three disciplines, in three folders, are imported; the README is reported, not a track.
    let imported = run(Format::Monzo, &found.inputs);
    let mut tracks: Vec<&str> = imported
        .framework
        .tracks
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    tracks.sort_unstable();
    assert_eq!(tracks, ["browser", "counter", "illustration"]);
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.file.ends_with("README.md")),
        "{:#?}",
        imported.report.skipped
    );
}

#[test]
fn auto_detection_on_a_folder_leaves_out_what_matches_no_format() {
    let tmp = monzo_tree();
    let root = tmp.path().join("frameworks");
    let mut found =
        walk::read_paths(std::slice::from_ref(&root), None, |_, _, _| {}).expect("walk");
    let (format, _) = detect::detect_found(&mut found).expect("detected");
    assert_eq!(format, Format::Monzo);
    assert_eq!(found.inputs.len(), 4, "{:#?}", found.skipped);
    assert!(
        found
            .skipped
            .iter()
            .any(|s| s.file.ends_with("README.md") && s.why.contains("matches none")),
        "{:#?}",
        found.skipped
    );
}

#[test]
fn a_folder_with_nothing_to_import_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(empty.join("sub")).expect("mkdir");
    let error = || {
        walk::read_paths(
            std::slice::from_ref(&empty),
            Some(Format::SfiaPages),
            |_, _, _| {},
        )
        .expect_err("nothing to read")
        .to_string()
    };
    let err = error();
    assert!(
        err.starts_with(&empty.display().to_string()) && err.contains("empty"),
        "{err}"
    );
    std::fs::write(empty.join("sub/notes.yml"), "a: b\n").expect("write");
    let err = error();
    assert!(
        err.contains("no file to import") && err.contains("notes.yml"),
        "{err}"
    );
}

// Defect 3: one ladder per engineer type.

fn sfia_pages_folder() -> Imported {
    let found = walk::read_paths(
        &[fixtures_dir().join("sfia-pages")],
        Some(Format::SfiaPages),
        |_, _, _| {},
    )
    .expect("walk");
    run(Format::SfiaPages, &found.inputs)
}

fn level_ids(fw: &Framework, track: &str) -> Vec<String> {
    fw.tracks
        .iter()
        .find(|t| t.id == track)
        .unwrap_or_else(|| {
            panic!(
                "no track {track}: {:?}",
                fw.tracks.iter().map(|t| &t.id).collect::<Vec<_>>()
            )
        })
        .levels
        .iter()
        .map(|l| l.id.clone())
        .collect()
}

#[test]
fn each_engineer_type_is_a_ladder_of_its_own() {
    let imported = sfia_pages_folder();
    let fw = &imported.framework;
    let mut tracks: Vec<(&str, &str)> = fw
        .tracks
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    tracks.sort_unstable();
    assert_eq!(
        tracks,
        [
            ("engineering-qa", "Engineering (QA)"),
            ("engineering-security", "Engineering (Security)")
        ]
    );
    // Both ladders keep their CTO: same title, different tracks, not duplicates.
    assert_eq!(
        level_ids(fw, "engineering-qa"),
        ["qa-engineer", "senior-qa-engineer", "cto"]
    );
    assert_eq!(
        level_ids(fw, "engineering-security"),
        ["security-engineer", "senior-security-engineer", "cto"]
    );
    assert!(
        !imported
            .report
            .skipped
            .iter()
            .any(|s| s.why.contains("already gives a role level")),
        "{:#?}",
        imported.report.skipped
    );
    // Links resolve within the ladder, though every ladder has a `level-7-cto.md`.
    let (_, _, senior) = fw
        .role_level("engineering-security/senior-security-engineer")
        .expect("senior security engineer");
    assert_eq!(
        senior.previous.as_deref(),
        Some("engineering-security/security-engineer")
    );
    assert_eq!(senior.next.as_deref(), Some("engineering-security/cto"));
    let (_, _, cto) = fw.role_level("engineering-qa/cto").expect("QA CTO");
    assert_eq!(
        cto.previous.as_deref(),
        Some("engineering-qa/senior-qa-engineer")
    );
    // A senior security engineer inherits security skills only.
    let skills: Vec<&str> = senior
        .requirements
        .iter()
        .map(|r| r.skill.as_str())
        .collect();
    assert_eq!(skills, ["CHCK", "GRDN"]);
    let qa_skills: std::collections::BTreeSet<&str> = fw
        .tracks
        .iter()
        .filter(|t| t.id == "engineering-qa")
        .flat_map(|t| &t.levels)
        .flat_map(|l| &l.requirements)
        .map(|r| r.skill.as_str())
        .collect();
    assert_eq!(qa_skills.into_iter().collect::<Vec<_>>(), ["CHCK", "PRBE"]);
    // The folder's home page is not a role; it is passed over with the reason.
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.file.ends_with("index.md") && s.why.contains("Level")),
        "{:#?}",
        imported.report.skipped
    );
}

// Defect 4: pages that claim levels a skill does not define.

#[test]
fn a_claimed_level_the_skill_does_not_define_keeps_the_requirement_and_is_reported() {
    let imported = sfia_pages_folder();
    let fw = &imported.framework;
    // GRDN's level-2 and PRBE's level-7 "attainment" repeat another level's text: no descriptor.
    let levels = |code: &str| -> Vec<String> {
        fw.skill(code)
            .expect("skill")
            .levels
            .keys()
            .map(|l| l.as_str().to_owned())
            .collect()
    };
    assert_eq!(levels("GRDN"), ["3", "7"]);
    assert_eq!(levels("PRBE"), ["2", "3"]);
    assert_eq!(levels("CHCK"), ["2", "3", "7"]);
    // The requirements are kept, at the level whose text the page shows.
    let required = |id: &str, code: &str| -> String {
        let (_, _, level) = fw.role_level(id).expect("role level");
        level
            .requirements
            .iter()
            .find(|r| r.skill == code)
            .map(|r| r.level.as_str().to_owned())
            .unwrap_or_else(|| panic!("{id} does not require {code}"))
    };
    assert_eq!(
        required("engineering-security/security-engineer", "GRDN"),
        "3"
    );
    assert_eq!(required("engineering-qa/cto", "PRBE"), "3");
    // Each claim is a warning naming the levels the skill is defined at.
    let claims: Vec<(&str, Option<usize>, &str)> = imported
        .report
        .warnings
        .iter()
        .filter(|w| w.kind == "undefined-level")
        .map(|w| (w.file.as_str(), w.line, w.message.as_str()))
        .collect();
    assert_eq!(claims.len(), 2, "{claims:#?}");
    let grdn = claims
        .iter()
        .find(|(_, _, m)| m.starts_with("GRDN is claimed at SFIA level 2"))
        .unwrap_or_else(|| panic!("{claims:#?}"));
    assert!(
        grdn.0.ends_with("security-engineer/level-2-engineer.md"),
        "{grdn:?}"
    );
    assert!(
        grdn.1.is_some() && grdn.2.contains("level(s) 3, 7"),
        "{grdn:?}"
    );
    assert!(
        claims
            .iter()
            .any(|(_, _, m)| m.starts_with("PRBE is claimed at SFIA level 7")
                && m.contains("level(s) 2, 3")),
        "{claims:#?}"
    );
}

#[test]
fn a_text_repeated_at_two_levels_with_nothing_else_to_go_by_is_kept_once() {
    let page = |level: u32, title: &str| {
        format!(
            "# {title}\n\n**Level {level}** | **Career Path:** Lamps\n\n## Required SFIA Skills\n\n### Lamplighting (LAMP)\n\n**Level {level} Attainment:**\n\nLights the lamps of one street.\n"
        )
    };
    let imported = run(
        Format::SfiaPages,
        &[
            input("a.md", page(3, "Lamp Keeper")),
            input("b.md", page(4, "Senior Lamp Keeper")),
        ],
    );
    let lamp = imported.framework.skill("LAMP").expect("LAMP");
    assert_eq!(
        lamp.levels.keys().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["3"]
    );
    let said = warnings(&imported.report, "undefined-level");
    assert!(
        said.len() == 1 && said[0].contains("levels 3 and 4"),
        "{said:?}"
    );
}

#[test]
fn a_claimed_level_without_text_keeps_the_requirement_at_the_nearest_described_level() {
    let page = |level: u32, title: &str, attainment: &str| {
        format!(
            "# {title}\n\n**Level {level}** | **Career Path:** Post\n\n## Required SFIA Skills\n\n### Sorting (SORT)\n\n**Overall Description:**\n\nSorting the post.\n\n{attainment}"
        )
    };
    let imported = run(
        Format::SfiaPages,
        &[
            input(
                "a.md",
                page(
                    3,
                    "Post Sorter",
                    "**Level 3 Attainment:**\n\nSorts the post of one street.\n",
                ),
            ),
            input("b.md", page(5, "Senior Post Sorter", "")),
        ],
    );
    let fw = &imported.framework;
    let sort = fw.skill("SORT").expect("SORT");
    assert_eq!(
        sort.levels.keys().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["3"]
    );
    let (_, _, senior) = fw
        .role_level("post/senior-post-sorter")
        .expect("senior post sorter");
    assert_eq!(
        senior
            .requirements
            .iter()
            .map(|r| (r.skill.as_str(), r.level.as_str()))
            .collect::<Vec<_>>(),
        [("SORT", "3")]
    );
    let said = warnings(&imported.report, "undefined-level");
    assert!(
        said.len() == 1
            && said[0].starts_with("SORT is claimed at SFIA level 5")
            && said[0].contains("level(s) 3 only"),
        "{said:?}"
    );
    assert!(
        imported.report.skipped.is_empty(),
        "{:#?}",
        imported.report.skipped
    );
}

// Defect 5: the Made Tech handbook's `roles/` folder.

#[test]
fn made_tech_roles_folder_gives_one_ladder_in_prefix_order() {
    let found = walk::read_paths(
        &[fixtures_dir().join("madetech-roles")],
        Some(Format::Madetech),
        |_, _, _| {},
    )
    .expect("walk");
    // The file without an extension is a role too.
    assert_eq!(found.inputs.len(), 5);
    let imported = run(Format::Madetech, &found.inputs);
    let fw = &imported.framework;
    // The README is not a role; the link title gives a clean id.
    assert_eq!(
        fw.tracks.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["lamp-keeper"]
    );
    let levels: Vec<(&str, &str, &str)> = fw.tracks[0]
        .levels
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.title.as_str(),
                l.mappings.first().map_or("none", |m| m.level.as_str()),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("lamp-keeper", "Lamp Keeper", "3"),
            ("senior-lamp-keeper", "Senior Lamp Keeper", "4"),
            ("lead-lamp-keeper", "Lead Lamp Keeper", "5"),
            ("principal-lamp-keeper", "Principal Lamp Keeper", "6"),
        ]
    );
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.file.ends_with("README.md") && s.why.contains("not a role")),
        "{:#?}",
        imported.report.skipped
    );
    // A Mid file, titled without a prefix, is Mid by the README's rule: nothing to warn about.
    assert!(warnings(&imported.report, "missing-levels").is_empty());
    assert!(warnings(&imported.report, "level-mismatch").is_empty());

    let mid = &fw.tracks[0].levels[0];
    let items: Vec<&str> = mid
        .responsibilities
        .iter()
        .flat_map(|g| g.items.iter().map(String::as_str))
        .collect();
    // Job-advert sections are not responsibilities; the salary reaches the salary band.
    assert!(
        !mid.responsibilities
            .iter()
            .any(|g| ["Our Benefits", "Salary", "Applying"].contains(&g.group.as_str())),
        "{items:#?}"
    );
    assert!(
        !items.iter().any(|i| i.contains("tea") || i.contains('£')),
        "{items:#?}"
    );
    let band = mid.salary.as_ref().expect("salary band");
    assert_eq!(
        (band.currency.as_str(), band.min, band.max),
        ("GBP", 30_000, 40_000)
    );
    assert!(
        band.note
            .as_deref()
            .is_some_and(|n| n.contains("Town") && n.contains("Harbour")),
        "{band:?}"
    );
    for section in ["Our Benefits", "Salary", "Applying"] {
        assert!(
            imported
                .report
                .skipped
                .iter()
                .any(|s| s.what.contains(section)),
            "{section}: {:#?}",
            imported.report.skipped
        );
    }
    // A lead-in that says what the list is for stays with each item; a bare subject does not.
    assert!(
        items.contains(
            &"Works with the town council to: Agree which streets are lit first in winter."
        ),
        "{items:#?}"
    );
    assert!(items.contains(&"Look after one district."), "{items:#?}");
}

#[test]
fn made_tech_level_stated_in_the_body() {
    let profile = |name: &str, text: &str| input(name, text);
    let imported = run(
        Format::Madetech,
        &[
            profile(
                "inspector.md",
                "# Lamp Inspector\n\nAn inspector is operating at SFIA level 5 across the town.\n\n## Scope\n\n- Inspects every district twice a year.\n",
            ),
            profile(
                "surveyor.md",
                "# Lamp Surveyor\n\n## SFIA Level\n\nSFIA Level 2\n\n## Scope\n\n- Counts the lamps.\n",
            ),
        ],
    );
    let mapped: Vec<(&str, &str)> = imported
        .framework
        .tracks
        .iter()
        .flat_map(|t| &t.levels)
        .map(|l| (l.title.as_str(), l.mappings[0].level.as_str()))
        .collect();
    assert!(mapped.contains(&("Lamp Inspector", "5")), "{mapped:?}");
    assert!(mapped.contains(&("Lamp Surveyor", "2")), "{mapped:?}");
    assert!(warnings(&imported.report, "missing-levels").is_empty());
    let groups: Vec<&str> = imported
        .framework
        .tracks
        .iter()
        .flat_map(|t| &t.levels)
        .flat_map(|l| &l.responsibilities)
        .map(|g| g.group.as_str())
        .collect();
    assert!(!groups.contains(&"SFIA Level"), "{groups:?}");
}

// Defect 6: Monzo files whose level numbers differ from their `levels:`.

#[test]
fn monzo_levels_are_the_ones_the_file_uses() {
    let imported = run(
        Format::Monzo,
        &[
            fixture("monzo-numbering/generic.md"),
            fixture("monzo-numbering/ovens.md"),
        ],
    );
    let fw = &imported.framework;
    let track = &fw.tracks[0];
    assert_eq!(
        track
            .levels
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>(),
        ["level-2", "level-3", "level-4", "level-5", "level-6"]
    );
    // The top level's criteria are kept and required there.
    let baking = fw.skill("ovens.baking").expect("baking");
    assert!(
        baking.levels["6"].contains("Chooses the ovens"),
        "{baking:?}"
    );
    let top = track.levels.last().expect("level 6");
    assert!(
        top.requirements
            .iter()
            .any(|r| r.skill == "ovens.baking" && r.level.as_str() == "6"),
        "{top:?}"
    );
    // No level 1 from generic.md, and generic's level 6 merged where the file has a level 6.
    let talk = fw.skill("ovens.communication").expect("communication");
    assert_eq!(
        talk.levels.keys().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["2", "4", "6"]
    );
    assert!(
        !serde_json::to_string(fw)
            .expect("json")
            .contains("Says hello")
    );
    // A generic criterion the discipline already has is not repeated.
    assert_eq!(
        talk.levels["2"].matches("Asks for help when stuck").count(),
        1,
        "{}",
        talk.levels["2"]
    );
    assert!(talk.levels["2"].contains("Writes notes a newcomer can follow"));
    let said = warnings(&imported.report, "level-numbering");
    assert!(
        said.len() == 1 && said[0].contains("declares 5 levels") && said[0].contains("2 to 6"),
        "{said:?}"
    );
    assert!(warnings(&imported.report, "undefined-level").is_empty());
}

#[test]
fn made_tech_titles_that_are_not_the_role_name() {
    let imported = run(
        Format::Madetech,
        &[
            input(
                "lamp_works_clerk.md",
                "# Summary\n\nKeeps the lamp works' books.\n\n## Scope\n\n- Pays the oil merchants.\n",
            ),
            input(
                "sfia/lead_lamp_keeper.md",
                "# SFIA role guidance Lead Lamp Keeper\n\n[SFIA Level 5: Ensure](https://example.org/levels/5)\n\n## Scope\n\n- Runs the rounds.\n",
            ),
        ],
    );
    let titles: Vec<&str> = imported
        .framework
        .tracks
        .iter()
        .flat_map(|t| &t.levels)
        .map(|l| l.title.as_str())
        .collect();
    assert!(titles.contains(&"Lamp Works Clerk"), "{titles:?}");
    assert!(titles.contains(&"Lead Lamp Keeper"), "{titles:?}");
    assert_eq!(warnings(&imported.report, "missing-title").len(), 1);
}
