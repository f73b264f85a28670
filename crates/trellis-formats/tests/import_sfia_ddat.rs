//! The SFIA and DDaT importers on synthetic files in the official layouts (our own words, never SFIA or
//! DDaT text): what they read, which defects they report, the seniority order, a check with zero errors
//! and an exact round trip through the writer; and bad input of every kind (errors name the file and
//! line, never a panic).

mod common;

use std::io::{Cursor, Write as _};

use common::{
    assert_ddat_scale, assert_sfia_source, assert_sound_and_round_trips, fixture, input, run,
    warnings,
};
use proptest::prelude::*;
use trellis_formats::import::{
    Format, ImportError, ImportOptions, ImportReport, Imported, Input, import,
};
use trellis_model::Framework;

fn count(report: &ImportReport, kind: &str) -> usize {
    warnings(report, kind).len()
}

fn levels(fw: &Framework, skill: &str) -> Vec<String> {
    let skill = fw
        .skill(skill)
        .unwrap_or_else(|| panic!("no skill {skill}"));
    skill.levels.keys().map(|l| l.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------------------
// SFIA

#[test]
fn sfia9_csv_with_bom_multiline_cells_and_sparse_levels() {
    let Imported {
        framework: fw,
        report,
    } = run(Format::Sfia, &[fixture("sfia/sfia9-skills.csv")]);
    assert_eq!(fw.version, "9");
    assert_eq!(fw.id, "sfia-9");
    let ids: Vec<&str> = fw.skills.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["ALFA", "BRVO", "CHRL", "DLTA"]);
    assert_eq!(report.counts.skills, 4);

    let alfa = fw.skill("ALFA").unwrap();
    assert_eq!(alfa.name, "Widget calibration");
    assert_eq!(alfa.code.as_deref(), Some("ALFA"));
    assert_eq!(alfa.category.as_deref(), Some("Making and mending"));
    assert_eq!(alfa.subcategory.as_deref(), Some("Workshop craft"));
    assert_eq!(
        alfa.url.as_deref(),
        Some("https://example.org/en/skillcode/9/ALFA")
    );
    assert_eq!(alfa.source.as_deref(), Some("sfia"));
    assert_eq!(alfa.scale, "sfia-responsibility");
    // Trailing spaces trimmed, \r\n inside cells made \n, paragraphs kept.
    assert_eq!(
        alfa.description.as_deref(),
        Some("Setting up widgets so that they read true, and keeping them that way.")
    );
    assert_eq!(
        alfa.guidance.as_deref(),
        Some(
            "Typical tasks include:\nchecking the dial against a known weight\nwriting down the drift\n\nA second paragraph of notes."
        )
    );
    assert_eq!(levels(&fw, "ALFA"), ["2", "3", "4", "5", "6", "7"]);
    assert_eq!(
        alfa.levels["2"],
        "Helps a colleague check a widget.\nWrites down what was found."
    );
    assert_eq!(levels(&fw, "BRVO"), ["1", "2", "3"]);
    assert_eq!(fw.skill("BRVO").unwrap().guidance, None);

    // CHRL: level 5 marked but empty (left out), level 6 described but not marked (kept), mojibake repaired.
    assert_eq!(levels(&fw, "CHRL"), ["3", "4", "6"]);
    assert_eq!(
        fw.skill("CHRL").unwrap().levels["6"],
        "Designs new repair methods – and teaches them."
    );
    assert_eq!(count(&report, "missing-level"), 1);
    assert_eq!(count(&report, "undefined-level"), 1);
    assert_eq!(count(&report, "mojibake"), 1);

    // The second ALFA row is reported and skipped.
    assert_eq!(count(&report, "duplicate-code"), 1);
    let dup = report
        .warnings
        .iter()
        .find(|w| w.kind == "duplicate-code")
        .unwrap();
    assert_eq!(dup.file, "sfia/sfia9-skills.csv");
    assert!(dup.line.is_some());
    assert!(
        report.skipped.iter().any(|s| s.what.starts_with("ALFA")),
        "{:#?}",
        report.skipped
    );
    assert_eq!(fw.skill("ALFA").unwrap().name, "Widget calibration");

    // Provenance: not redistributable, attributed, on the 1-7 scale.
    assert_sfia_source(&fw);
    let scale = fw.scale("sfia-responsibility").unwrap();
    let labels: Vec<&str> = scale.levels.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Level 6", "Level 7"
        ]
    );
    assert!(fw.tracks.is_empty());
    assert!(!fw.skill_text_redistributable(alfa));
    assert_sound_and_round_trips(&fw);
}

#[test]
fn sfia8_layout_has_no_url_column() {
    let Imported {
        framework: fw,
        report,
    } = run(Format::Sfia, &[fixture("sfia/sfia8-skills.csv")]);
    assert_eq!(fw.version, "8");
    assert_eq!(fw.source("sfia").unwrap().version.as_deref(), Some("8"));
    assert_eq!(fw.skills.len(), 4);
    assert!(fw.skills.iter().all(|s| s.url.is_none()));
    assert_eq!(levels(&fw, "DLTA"), ["4", "5", "6", "7"]);
    assert_eq!(count(&report, "duplicate-code"), 0);
    assert_sound_and_round_trips(&fw);
}

#[test]
fn sfia_renamed_header_is_read_by_name() {
    let options = ImportOptions {
        name: Some("Acme skills".into()),
        ..ImportOptions::default()
    };
    let Imported {
        framework: fw,
        report,
    } = import(
        Format::Sfia,
        &[fixture("sfia/renamed-header.csv")],
        &options,
    )
    .unwrap();
    assert_eq!(fw.name, "Acme skills");
    assert_eq!(fw.id, "acme-skills");
    // `ID,Level 1,…` marks with `x`, `Skill code`, `Sub-category`, URL after the guidance, CRLF rows.
    assert_eq!(fw.version, "9");
    assert_eq!(fw.skills.len(), 2);
    assert_eq!(levels(&fw, "ALFA"), ["2", "3", "4", "5", "6", "7"]);
    assert_eq!(levels(&fw, "BRVO"), ["1", "2", "3"]);
    assert_eq!(
        fw.skill("BRVO").unwrap().subcategory.as_deref(),
        Some("Growing things")
    );
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_sound_and_round_trips(&fw);
}

/// A cell of a generated sheet.
enum C<'a> {
    Shared(usize),
    Inline(&'a str),
    Number(u32),
}

fn sheet_xml(rows: &[(usize, Vec<(usize, C<'_>)>)]) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, cells) in rows {
        xml.push_str(&format!(r#"<row r="{r}">"#));
        for (col, cell) in cells {
            let name = format!("{}{r}", (b'A' + *col as u8) as char);
            match cell {
                C::Shared(i) => xml.push_str(&format!(r#"<c r="{name}" t="s"><v>{i}</v></c>"#)),
                C::Inline(t) => xml.push_str(&format!(
                    r#"<c r="{name}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    escape(t)
                )),
                C::Number(n) => xml.push_str(&format!(r#"<c r="{name}"><v>{n}</v></c>"#)),
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// A minimal three-sheet workbook in the SFIA layout, written with the `zip` crate.
fn workbook() -> Vec<u8> {
    let shared = [
        "Code",
        "Skill",
        "Category",
        "Overall description",
        "Guidance notes",
        "Levels",
        "URL",
    ];
    let shared_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{}</sst>"#,
        shared
            .iter()
            .enumerate()
            .map(|(i, s)| if i == 1 {
                // Rich text in two runs, with a phonetic run that must be ignored.
                "<si><r><t>Sk</t></r><r><t>ill</t></r><rPh><t>x</t></rPh></si>".to_owned()
            } else {
                format!("<si><t>{s}</t></si>")
            })
            .collect::<String>(),
        n = shared.len()
    );
    // Skills: a title row, then the header in row 3 (A #, B-H levels, I code, J URL, K skill, L category,
    // M overall description, N guidance, O-U level 1-7 descriptions).
    let mut header = vec![
        (0, C::Inline("#")),
        (1, C::Shared(5)),
        (8, C::Shared(0)),
        (9, C::Shared(6)),
    ];
    header.extend([
        (10, C::Shared(1)),
        (11, C::Shared(2)),
        (12, C::Shared(3)),
        (13, C::Shared(4)),
    ]);
    for n in 0..7 {
        header.push((
            14 + n,
            C::Inline(
                [
                    "Level 1 description",
                    "Level 2 description",
                    "Level 3 description",
                    "Level 4 description",
                    "Level 5 description",
                    "Level 6 description",
                    "Level 7 description",
                ][n],
            ),
        ));
    }
    let skills = sheet_xml(&[
        (1, vec![(0, C::Inline("Synthetic skills & levels"))]),
        (3, header),
        (
            4,
            vec![
                (0, C::Number(1)),
                (2, C::Number(2)),
                (3, C::Number(3)),
                (8, C::Inline("ECHO")),
                (9, C::Inline("https://example.org/en/skillcode/9/ECHO")),
                (10, C::Inline("Sound checking")),
                (11, C::Inline("Stage work")),
                (
                    12,
                    C::Inline("Making sure every microphone works before the show."),
                ),
                (13, C::Inline("Line one_x000D_\nline two")),
                (15, C::Inline("Taps the microphone when asked.")),
                (16, C::Inline("Runs the line check alone.")),
            ],
        ),
        (
            5,
            vec![
                (0, C::Number(2)),
                (5, C::Number(5)),
                (8, C::Inline("FOXT")),
                (10, C::Inline("Stage lighting")),
                (11, C::Inline("Stage work")),
                (
                    12,
                    C::Inline("Lighting a stage so the audience sees what matters."),
                ),
                (18, C::Inline("Designs the lighting for a season of shows.")),
            ],
        ),
    ]);
    let mut attr_header = vec![
        (0, C::Inline("Code")),
        (1, C::Inline("Attribute")),
        (2, C::Inline("Type")),
        (3, C::Inline("Description")),
    ];
    for n in 0..7 {
        attr_header.push((
            4 + n,
            C::Inline(
                [
                    "Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Level 6", "Level 7",
                ][n],
            ),
        ));
    }
    let mut pace = vec![
        (0, C::Inline("PACE")),
        (1, C::Inline("Pace of work")),
        (2, C::Inline("Attributes")),
        (3, C::Inline("How fast work moves.")),
    ];
    let pace_levels = [
        "Works when told.",
        "Keeps a steady pace.",
        "Sets their own pace.",
        "Sets the pace for a team.",
        "Sets the pace for a department.",
        "Sets the pace for an organisation.",
        "Sets the pace for a sector.",
    ];
    pace.extend(
        pace_levels
            .iter()
            .enumerate()
            .map(|(n, t)| (4 + n, C::Inline(t))),
    );
    let care = vec![
        (0, C::Inline("CARE")),
        (1, C::Inline("Care for others")),
        (2, C::Inline("Behavioural factors")),
        (3, C::Inline("Looking out for colleagues.")),
        (6, C::Inline("Notices when someone struggles.")),
        (7, C::Inline("Builds a caring team.")),
    ];
    let attributes = sheet_xml(&[(1, attr_header), (2, pace), (3, care)]);
    let words = ["Watch", "Help", "Do", "Enable", "Assure", "Start", "Steer"];
    let mut numbers = vec![];
    let mut phrases = vec![(0, C::Inline("Guiding phrase"))];
    let mut essences = vec![(0, C::Inline("Essence of the level"))];
    let mut urls = vec![(0, C::Inline("URL"))];
    let essence_text = [
        "Learns by watching.",
        "Helps others.",
        "Does the work.",
        "Enables others.",
        "Assures the outcome.",
        "Starts new things.",
        "Steers the whole.",
    ];
    for n in 0..7 {
        numbers.push((
            n + 1,
            C::Inline(
                [
                    "Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Level 6", "Level 7",
                ][n],
            ),
        ));
        phrases.push((n + 1, C::Inline(words[n])));
        essences.push((n + 1, C::Inline(essence_text[n])));
        urls.push((n + 1, C::Inline("https://example.org/level")));
    }
    let levels = sheet_xml(&[(1, numbers), (2, phrases), (3, essences), (4, urls)]);

    let workbook_xml = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Skills" sheetId="1" r:id="rId1"/><sheet name="Attributes" sheetId="2" r:id="rId2"/><sheet name="Levels of responsibility" sheetId="3" r:id="rId3"/></sheets></workbook>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet3.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", content_types.to_owned()),
        ("xl/workbook.xml", workbook_xml.to_owned()),
        ("xl/_rels/workbook.xml.rels", rels.to_owned()),
        ("xl/sharedStrings.xml", shared_xml),
        ("xl/worksheets/sheet1.xml", skills),
        ("xl/worksheets/sheet2.xml", attributes),
        ("xl/worksheets/sheet3.xml", levels),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn sfia_workbook_with_three_sheets() {
    let Imported {
        framework: fw,
        report,
    } = run(Format::Sfia, &[input("sfia.xlsx", workbook())]);
    assert_eq!(fw.version, "9");
    let ids: Vec<&str> = fw.skills.iter().map(|s| s.id.as_str()).collect();
    // Sorted by category file: attributes, behavioural factors, stage work.
    assert_eq!(ids, ["PACE", "CARE", "ECHO", "FOXT"]);
    let echo = fw.skill("ECHO").unwrap();
    assert_eq!(echo.name, "Sound checking");
    assert_eq!(echo.guidance.as_deref(), Some("Line one\nline two"));
    assert_eq!(levels(&fw, "ECHO"), ["2", "3"]);
    assert_eq!(echo.levels["3"], "Runs the line check alone.");
    assert_eq!(levels(&fw, "FOXT"), ["5"]);
    // Attributes are skills on the same scale, in their own category.
    let pace = fw.skill("PACE").unwrap();
    assert_eq!(pace.category.as_deref(), Some("Attributes"));
    assert_eq!(pace.levels.len(), 7);
    assert_eq!(pace.levels["4"], "Sets the pace for a team.");
    assert_eq!(levels(&fw, "CARE"), ["3", "4"]);
    assert_eq!(
        fw.skill("CARE").unwrap().category.as_deref(),
        Some("Behavioural factors")
    );
    // Levels of responsibility: labels and descriptions of the scale; the URL row is skipped.
    let scale = fw.scale("sfia-responsibility").unwrap();
    assert_eq!(scale.levels[0].label, "Watch");
    assert_eq!(scale.levels[6].label, "Steer");
    assert_eq!(
        scale.levels[4].description.as_deref(),
        Some("Assures the outcome.")
    );
    let url = report
        .skipped
        .iter()
        .find(|s| s.what.contains("URL"))
        .expect("URL row skipped");
    assert!(url.file.contains("Levels of responsibility"), "{url:?}");
    assert_eq!(url.line, Some(4));
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_sound_and_round_trips(&fw);
}

// ---------------------------------------------------------------------------------------------------------
// DDaT

fn titles(fw: &Framework, track: &str) -> Vec<String> {
    fw.track(track)
        .unwrap()
        .levels
        .iter()
        .map(|l| l.title.clone())
        .collect()
}

fn requirement(fw: &Framework, level: &str, skill: &str) -> Option<String> {
    let (_, _, level) = fw
        .role_level(level)
        .unwrap_or_else(|| panic!("no role level {level}"));
    level
        .requirements
        .iter()
        .find(|r| r.skill == skill)
        .map(|r| r.level.to_string())
}

#[test]
fn ddat_roles_with_duplicates_sentinels_and_inferred_order() {
    let Imported {
        framework: fw,
        report,
    } = run(Format::Ddat, &[fixture("ddat/roles.csv")]);
    let source = fw.source("ddat").unwrap();
    assert!(source.redistributable);
    assert_eq!(source.licence.as_deref(), Some("OGL v3.0"));
    assert_eq!(
        source.attribution.as_deref(),
        Some("Contains public sector information licensed under the Open Government Licence v3.0.")
    );
    assert_ddat_scale(&fw);

    // Two tracks; the Senior Civil Service role (NOT IN USE) is skipped with a reason.
    let tracks: Vec<&str> = fw.tracks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(tracks, ["bridge-keeper", "lamp-lighter"]);
    let scs = report
        .skipped
        .iter()
        .find(|s| s.what.contains("Chief crossings officer"))
        .expect("SCS rows skipped");
    assert!(scs.why.contains("NOT IN USE"), "{scs:?}");
    assert!(scs.what.starts_with("2 row"), "{scs:?}");

    // Alphabetical in the CSV; seniority inferred from the title words.
    assert_eq!(
        titles(&fw, "bridge-keeper"),
        [
            "Associate bridge keeper",
            "Bridge keeper",
            "Senior bridge keeper",
            "Lead bridge keeper",
            "Head of bridge keeping"
        ]
    );
    assert_eq!(
        titles(&fw, "lamp-lighter"),
        ["Lamp lighter", "Senior lamp lighter"]
    );
    assert_eq!(report.level_orders.len(), 2);
    let order = report
        .level_orders
        .iter()
        .find(|o| o.track == "bridge-keeper")
        .unwrap();
    assert_eq!(order.levels[4], "Head of bridge keeping");
    assert!(
        order.rule.starts_with("inferred from title words"),
        "{}",
        order.rule
    );

    // The track keeps the role description and family; the level description becomes summary + group.
    let track = fw.track("bridge-keeper").unwrap();
    assert!(!track.cumulative);
    let description = track.description.as_deref().unwrap();
    assert!(
        description.starts_with("A bridge keeper keeps a crossing open"),
        "{description}"
    );
    assert!(
        description.ends_with("Role family: Crossings\nRole type: Digital and data"),
        "{description}"
    );
    let (_, _, keeper) = fw.role_level("bridge-keeper/bridge-keeper").unwrap();
    assert_eq!(
        keeper.summary.as_deref(),
        Some("A bridge keeper runs one crossing.")
    );
    assert_eq!(keeper.responsibilities.len(), 1);
    assert_eq!(
        keeper.responsibilities[0].group,
        "At this role level, you will"
    );
    assert_eq!(
        keeper.responsibilities[0].items,
        ["open the bridge on time", "log every crossing"]
    );

    // Requirements at the row's skill level, important.
    assert_eq!(
        requirement(&fw, "bridge-keeper/bridge-keeper", "toll-accounting").as_deref(),
        Some("awareness")
    );
    assert_eq!(
        requirement(&fw, "bridge-keeper/senior-bridge-keeper", "rope-knotting").as_deref(),
        Some("practitioner")
    );
    assert!(
        keeper
            .requirements
            .iter()
            .all(|r| r.importance == trellis_model::Importance::Important)
    );
    // Lead drops tide reading, explicitly.
    let (_, _, lead) = fw.role_level("bridge-keeper/lead-bridge-keeper").unwrap();
    assert_eq!(lead.drops.len(), 1);
    assert_eq!(lead.drops[0].skill, "tide-reading");
    assert_eq!(
        lead.drops[0].reason,
        "not required at this level in the source"
    );

    // Defects: one exact duplicate row, MISSING and "not defined" sentinels, a level with no descriptor.
    assert_eq!(count(&report, "duplicate-row"), 1);
    let dup = report
        .warnings
        .iter()
        .find(|w| w.kind == "duplicate-row")
        .unwrap();
    assert!(dup.message.contains("repeats line"), "{dup:?}");
    assert_eq!(count(&report, "sentinel"), 2, "{:#?}", report.warnings);
    let toll = fw.skill("toll-accounting").unwrap();
    assert_eq!(toll.description, None);
    assert_eq!(toll.levels["awareness"], "Not described in the source.");
    assert_eq!(toll.levels["working"], "You balance the toll box each day.");
    assert_eq!(count(&report, "missing-level"), 1);
    // Descriptors come from the role rows when there is no skill file; only levels that are described.
    assert_eq!(
        levels(&fw, "tide-reading"),
        ["awareness", "working", "practitioner"]
    );
    assert_eq!(count(&report, "level-order-tie"), 0);

    assert_eq!(report.counts.tracks, 2);
    assert_eq!(report.counts.role_levels, 7);
    assert_eq!(report.counts.requirements, 15);
    assert_eq!(report.counts.skills, 3);
    assert_eq!(report.counts.responsibilities, 8);
    assert_sound_and_round_trips(&fw);
}

#[test]
fn ddat_level_order_file_overrides_the_rule() {
    let options = ImportOptions {
        level_order: Some(fixture("ddat/level-order.txt")),
        ..ImportOptions::default()
    };
    let Imported {
        framework: fw,
        report,
    } = import(Format::Ddat, &[fixture("ddat/roles.csv")], &options).unwrap();
    // Lead before senior, as the file says; the head is not listed, so it comes after, with a warning.
    assert_eq!(
        titles(&fw, "bridge-keeper"),
        [
            "Associate bridge keeper",
            "Bridge keeper",
            "Lead bridge keeper",
            "Senior bridge keeper",
            "Head of bridge keeping"
        ]
    );
    assert_eq!(count(&report, "unlisted-level"), 1);
    let order = report
        .level_orders
        .iter()
        .find(|o| o.track == "bridge-keeper")
        .unwrap();
    assert!(order.rule.contains("level-order.txt"), "{}", order.rule);
    assert!(
        order.rule.contains("Head of bridge keeping"),
        "{}",
        order.rule
    );
    let lamps = report
        .level_orders
        .iter()
        .find(|o| o.track == "lamp-lighter")
        .unwrap();
    assert_eq!(lamps.rule, "--level-order file ddat/level-order.txt");
    // Senior now asks less rope knotting than lead did: kept, with the reason and a warning.
    let (_, _, senior) = fw.role_level("bridge-keeper/senior-bridge-keeper").unwrap();
    let rope = senior
        .requirements
        .iter()
        .find(|r| r.skill == "rope-knotting")
        .unwrap();
    assert!(
        rope.regression_reason
            .as_deref()
            .is_some_and(|r| r.contains("below Expert")),
        "{rope:?}"
    );
    assert_eq!(count(&report, "regression"), 2, "{:#?}", report.warnings);
    assert_sound_and_round_trips(&fw);
}

/// Role-content rows for one role whose titles rank a manager no higher than an analyst: the words
/// say "senior analyst" is the top level, the requirements say the manager is.
fn lock_keeping_csv() -> String {
    let mut csv = String::from(
        "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,Skill Description,\
         Skill Level,Skill Level Description,Role Type\n",
    );
    // Alphabetical, as the source lists them.
    for (level, skill, at) in [
        ("analyst", "Sluice operation", "Working"),
        ("analyst", "Water level logging", "Working"),
        ("manager", "Sluice operation", "Expert"),
        ("manager", "Water level logging", "Practitioner"),
        ("manager", "Leading a lock crew", "Practitioner"),
        ("senior analyst", "Sluice operation", "Practitioner"),
        ("senior analyst", "Water level logging", "Practitioner"),
    ] {
        csv.push_str(&format!(
            "Waterways,Lock keeping,Keeps boats moving through the locks.,Lock keeping {level},Works the locks.,{skill},\
             About {skill}.,{at},{skill} at {at}.,Digital and data\n"
        ));
    }
    csv
}

#[test]
fn ddat_requirements_order_levels_the_title_words_cannot() {
    let Imported {
        framework: fw,
        report,
    } = run(Format::Ddat, &[input("locks.csv", lock_keeping_csv())]);
    assert_eq!(
        titles(&fw, "lock-keeping"),
        [
            "Lock keeping analyst",
            "Lock keeping senior analyst",
            "Lock keeping manager"
        ]
    );
    // In this order no level asks less than the one before it.
    assert_eq!(count(&report, "regression"), 0, "{:#?}", report.warnings);
    assert_eq!(
        count(&report, "level-order-tie"),
        0,
        "{:#?}",
        report.warnings
    );
    // The report says the requirements decided, and where.
    let order = &report.level_orders[0];
    assert!(
        order.rule.contains(
            "requirement levels decided: `Lock keeping manager` above `Lock keeping senior analyst`"
        ),
        "{}",
        order.rule
    );
    assert_sound_and_round_trips(&fw);
}

#[test]
fn ddat_skill_file_is_merged() {
    let Imported {
        framework: fw,
        report,
    } = run(
        Format::Ddat,
        &[fixture("ddat/skills.csv"), fixture("ddat/roles.csv")],
    );
    // The skill file's order and descriptions come first; a skill no role requires is kept.
    let ids: Vec<&str> = fw.skills.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "rope-knotting",
            "tide-reading",
            "toll-accounting",
            "signal-flags"
        ]
    );
    let rope = fw.skill("rope-knotting").unwrap();
    assert_eq!(
        rope.description.as_deref(),
        Some("Tying, checking and teaching the knots that hold a bridge.")
    );
    assert_eq!(rope.levels["awareness"], "Knows the three basic knots.");
    // The skill file describes toll accounting at awareness, so no placeholder is needed.
    assert_eq!(
        fw.skill("toll-accounting").unwrap().levels["awareness"],
        "Knows where the toll box is kept."
    );
    assert_eq!(count(&report, "missing-level"), 0);
    // Tide reading's expert level is the sentinel: left out.
    assert_eq!(
        levels(&fw, "tide-reading"),
        ["awareness", "working", "practitioner"]
    );
    assert_eq!(levels(&fw, "signal-flags").len(), 4);
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.what.contains("Roles that require Skill"))
    );
    assert_eq!(report.counts.skills, 4);
    assert_sound_and_round_trips(&fw);
}

// ---------------------------------------------------------------------------------------------------------
// Bad input

fn error(format: Format, input: Input) -> (String, Option<usize>, String) {
    match import(format, &[input], &ImportOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(ImportError::Invalid {
            file,
            line,
            message,
        }) => (file, line, message),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn truncated_csv_names_the_line_of_the_open_quote() {
    let bytes = fixture("sfia/sfia9-skills.csv").bytes;
    let cut = bytes
        .windows(14)
        .position(|w| w == b"Typical tasks ")
        .unwrap();
    let (file, line, message) = error(Format::Sfia, input("cut.csv", &bytes[..cut + 5]));
    assert_eq!((file.as_str(), line), ("cut.csv", Some(2)));
    assert!(message.contains("never closed"), "{message}");

    let bytes = fixture("ddat/roles.csv").bytes;
    let (file, line, message) = error(Format::Ddat, input("roles.csv", &bytes[..bytes.len() - 40]));
    assert_eq!(file, "roles.csv");
    assert!(line.is_some_and(|l| l > 1), "{line:?}");
    assert!(message.contains("never closed"), "{message}");
}

/// A download cut off between two cells of the last row: every quote is closed, so only the short
/// last row shows that the rest of the file is missing.
#[test]
fn ddat_file_cut_between_cells_of_its_last_row_is_refused_naming_the_line() {
    let text = String::from_utf8(fixture("ddat/roles.csv").bytes).unwrap();
    let cut = text.rfind(",\"Digital and data\"").unwrap();
    let last_row = text[..cut].rfind("\n\"").unwrap() + 1;
    let last_row_line = text[..last_row].matches('\n').count() + 1;
    let (file, line, message) = error(Format::Ddat, input("roles.csv", &text[..cut]));
    assert_eq!((file.as_str(), line), ("roles.csv", Some(last_row_line)));
    assert!(message.contains("truncated"), "{message}");
    assert!(message.contains("9 of the 10 columns"), "{message}");
    // Cut after a complete row (with or without its line break), the file is whole as far as anyone can
    // tell, and imports.
    let whole_rows = &text[..last_row];
    run(Format::Ddat, &[input("roles.csv", whole_rows)]);
    run(Format::Ddat, &[input("roles.csv", whole_rows.trim_end())]);
}

#[test]
fn binary_empty_and_wrong_encoding_are_refused() {
    for format in [Format::Sfia, Format::Ddat] {
        let (file, _, message) = error(
            format,
            input(
                "garbage.bin",
                vec![0x00, 0x9f, 0x92, 0x96, 0xff, 0x00, 0x01],
            ),
        );
        assert_eq!(file, "garbage.bin");
        assert!(
            message.contains("UTF-8") || message.contains("binary"),
            "{message}"
        );

        let (file, _, message) = error(format, input("empty.csv", ""));
        assert_eq!(file, "empty.csv");
        assert!(message.contains("empty"), "{message}");

        // A byte-order mark that lies: UTF-8 announced, Windows-1252 `é` (0xE9) on line 2.
        let (file, line, message) = error(
            format,
            input("lying.csv", b"\xef\xbb\xbfSkill Name,Code\ncaf\xe9,X\n"),
        );
        assert_eq!((file.as_str(), line), ("lying.csv", Some(2)));
        assert!(message.contains("UTF-8"), "{message}");

        let (file, _, message) =
            error(format, input("broken.xlsx", b"PK\x03\x04 not really a zip"));
        assert_eq!(file, "broken.xlsx");
        assert!(
            message.contains("workbook") || message.contains("zip"),
            "{message}"
        );
    }
}

#[test]
fn wrong_columns_are_refused_with_what_was_found() {
    let (file, line, message) = error(Format::Sfia, input("other.csv", "Name,Colour\nApple,Red\n"));
    assert_eq!((file.as_str(), line), ("other.csv", Some(1)));
    assert!(message.contains("Name, Colour"), "{message}");
    // A DDaT file given to the SFIA importer, and the other way round.
    let (_, _, message) = error(Format::Sfia, fixture("ddat/roles.csv"));
    assert!(message.contains("Role Family"), "{message}");
    let (file, line, message) = error(Format::Ddat, fixture("sfia/sfia9-skills.csv"));
    assert_eq!((file.as_str(), line), ("sfia/sfia9-skills.csv", Some(1)));
    assert!(message.contains("not a DDaT CSV"), "{message}");
    // A header and nothing else.
    let (_, _, message) = error(
        Format::Sfia,
        input("header.csv", "Code,Skill,Level 1 description\n"),
    );
    assert!(message.contains("no skills"), "{message}");
    // An empty level-order file.
    let options = ImportOptions {
        level_order: Some(input("order.txt", "# nothing\n")),
        ..ImportOptions::default()
    };
    let e = import(Format::Ddat, &[fixture("ddat/roles.csv")], &options).unwrap_err();
    assert!(e.to_string().starts_with("order.txt"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes: an error or a framework, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for format in [Format::Sfia, Format::Ddat] {
            if let Err(e) = import(format, &[input("fuzz.csv", bytes.clone())], &ImportOptions::default()) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    /// A real header followed by CSV-ish noise reaches the row readers: same promise, and whatever is
    /// imported passes the checker.
    #[test]
    fn noise_after_a_header_never_panics(body in "[a-zA-Z0-9 ,\"\r\n:.-]{0,400}", which in 0usize..3) {
        let header = [
            "#,Levels,,,,,,,Code,URL,Skill,Category,Subcategory,Overall description,Guidance notes,Level 1 description,Level 2 description,Level 3 description,Level 4 description,Level 5 description,Level 6 description,Level 7 description\n",
            "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,Skill Description,Skill Level,Skill Level Description,Role Type\n",
            "Skill Name,Skill Description,Awareness,Working,Practitioner,Expert,Roles that require Skill\n",
        ][which];
        let format = if which == 0 { Format::Sfia } else { Format::Ddat };
        if let Ok(imported) = import(format, &[input("noise.csv", format!("{header}{body}"))], &ImportOptions::default()) {
            let errors: Vec<_> = trellis_model::check(&imported.framework, &Default::default()).into_iter().filter(|d| d.is_error()).collect();
            prop_assert!(errors.is_empty(), "{errors:#?}");
        }
    }

    /// The fixtures and the workbook, cut short or with a byte changed anywhere.
    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..5, at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let (format, mut bytes) = match which {
            0 => (Format::Sfia, fixture("sfia/sfia9-skills.csv").bytes),
            1 => (Format::Sfia, fixture("sfia/renamed-header.csv").bytes),
            2 => (Format::Sfia, workbook()),
            3 => (Format::Ddat, fixture("ddat/roles.csv").bytes),
            _ => (Format::Ddat, fixture("ddat/skills.csv").bytes),
        };
        let i = at.index(bytes.len());
        if cut { bytes.truncate(i) } else { bytes[i] = byte }
        if let Ok(imported) = import(format, &[input("mutated", bytes)], &ImportOptions::default()) {
            let errors: Vec<_> = trellis_model::check(&imported.framework, &Default::default()).into_iter().filter(|d| d.is_error()).collect();
            prop_assert!(errors.is_empty(), "{errors:#?}");
        }
    }
}
