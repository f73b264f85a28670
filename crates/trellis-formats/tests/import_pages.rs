//! The document importers (`sfia-pages`, `madetech`, `ddat-text`, `monzo`) on the seed documents and on
//! our own small fixtures: conformance facts, defects reported rather than copied, provenance, zero
//! errors from the checker, and a lossless round trip through the writer and loader. Bad input gives a
//! clear error naming the file; arbitrary input never panics (property tests).
//!
//! The seeds are read at test time from `../shared/seeds/` (never copied into the project).

mod common;

use std::path::Path;

use common::{
    assert_ddat_scale, assert_no_errors, assert_round_trip, assert_sfia_source,
    assert_sound_and_round_trips, input, read, run, seed, seeds_present, warnings,
};
use proptest::prelude::*;
use trellis_formats::import::{self, Format, ImportError, ImportOptions, Input};
use trellis_formats::write;
use trellis_model::{Framework, Importance};

fn seed_text(name: &str) -> String {
    String::from_utf8(seed(name).bytes).expect("seed is UTF-8")
}

/// A Monzo fixture, named by its full path.
fn fixture(name: &str) -> Input {
    read(common::fixtures_dir().join("monzo").join(name))
}

const L4: &str = "sfia-framework-level-4-product-manager.md";
const L5: &str = "sfia-framework-level-5-senior-product-manager.md";
const MADETECH: &str = "madetech-principal-product-manager.md";
const DDAT: &str = "ddat-senior-product-manager.txt";

fn check_codes(fw: &Framework) -> Vec<&'static str> {
    trellis_model::check(fw, &Default::default())
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

const SFIA_CODES: [&str; 5] = ["PROD", "REQM", "BSMO", "CEXP", "DEMG"];

/// One page: exactly the five skills at the page's level, with the page's category, subcategory and
/// attainment text, SFIA provenance, a template-leak warning naming `leak`.
fn assert_sfia_page(file: &str, level: &str, title: &str, leak: &str) {
    if !seeds_present() {
        return;
    }
    let imported = run(Format::SfiaPages, &[seed(file)]);
    let fw = &imported.framework;
    let text = seed_text(file);
    assert_eq!(fw.tracks.len(), 1);
    let track = &fw.tracks[0];
    assert_eq!(
        (track.id.as_str(), track.name.as_str()),
        ("product", "Product")
    );
    assert_eq!(track.levels.len(), 1);
    let role = &track.levels[0];
    assert_eq!(role.title, title);
    let required: Vec<(&str, &str)> = role
        .requirements
        .iter()
        .map(|r| (r.skill.as_str(), r.level.as_str()))
        .collect();
    assert_eq!(required, SFIA_CODES.map(|c| (c, level)));
    assert!(
        role.requirements
            .iter()
            .all(|r| r.importance == Importance::Important)
    );
    assert_eq!(role.mappings.len(), 1);
    assert_eq!(
        (
            role.mappings[0].source.as_str(),
            role.mappings[0].level.as_str()
        ),
        ("sfia", level)
    );

    assert_eq!(fw.skills.len(), 5);
    for code in SFIA_CODES {
        let skill = fw.skill(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(skill.code.as_deref(), Some(code));
        assert_eq!(skill.scale, "sfia-responsibility");
        assert_eq!(skill.source.as_deref(), Some("sfia"));
        let category = skill.category.as_deref().expect("category");
        let subcategory = skill.subcategory.as_deref().expect("subcategory");
        assert!(
            text.contains(&format!(
                "**Category:** {category} | **Subcategory:** {subcategory}"
            )),
            "{code}"
        );
        assert!(
            skill
                .description
                .as_deref()
                .is_some_and(|d| text.contains(d)),
            "{code} description"
        );
        assert!(
            skill.guidance.as_deref().is_some_and(|g| !g.is_empty()),
            "{code} guidance"
        );
        assert_eq!(
            skill.url.as_deref(),
            Some(format!("https://sfia-online.org/en/skillcode/9/{code}").as_str())
        );
        let keys: Vec<&str> = skill.levels.keys().map(|l| l.as_str()).collect();
        assert_eq!(keys, [level], "{code}");
        let attainment = &skill.levels[level];
        assert!(attainment.lines().count() >= 2, "{code}: {attainment}");
        for line in attainment.lines() {
            assert!(text.contains(line), "{code}: {line:?} is not in the page");
        }
    }

    assert_sfia_source(fw);
    assert_eq!(
        fw.scale("sfia-responsibility").map(|s| s.levels.len()),
        Some(7)
    );
    assert!(fw.skills.iter().all(|s| !fw.skill_text_redistributable(s)));

    let leaks = warnings(&imported.report, "template-leak");
    assert!(
        leaks.iter().any(|m| m.contains(&format!("\"{leak}\""))),
        "{leaks:#?}"
    );
    assert!(
        leaks.iter().any(|m| m.contains("framework overview")),
        "{leaks:#?}"
    );
    // The text is kept, so `trellis check` shows the leak too.
    assert!(check_codes(fw).contains(&"W0201"));
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.what == "framework overview")
    );
    assert_sound_and_round_trips(fw);
}

#[test]
fn sfia_page_level_5_gives_five_requirements_at_level_5() {
    assert_sfia_page(L5, "5", "Senior Product Manager", "Principal Engineers");
}

#[test]
fn sfia_page_level_4_gives_five_requirements_at_level_4() {
    assert_sfia_page(L4, "4", "Product Manager", "Lead Engineers");
}

#[test]
fn sfia_pages_merge_skills_and_keep_navigation_between_inputs() {
    if !seeds_present() {
        return;
    }
    // Given in reverse order: role levels are sorted by level.
    let imported = run(Format::SfiaPages, &[seed(L5), seed(L4)]);
    let fw = &imported.framework;
    assert_eq!(fw.tracks.len(), 1);
    let levels: Vec<&str> = fw.tracks[0].levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(levels, ["product-manager", "senior-product-manager"]);
    assert_eq!(fw.skills.len(), 5);
    for skill in &fw.skills {
        let keys: Vec<&str> = skill.levels.keys().map(|l| l.as_str()).collect();
        assert_eq!(keys, ["4", "5"], "{}", skill.id);
    }
    let (_, _, junior) = fw.role_level("product/product-manager").unwrap();
    let (_, _, senior) = fw.role_level("product/senior-product-manager").unwrap();
    assert_eq!(
        junior.next.as_deref(),
        Some("product/senior-product-manager")
    );
    assert_eq!(senior.previous.as_deref(), Some("product/product-manager"));
    // Links to pages that were not given are reported, not kept; the pages' titles are kept as
    // names in the career path.
    assert_eq!(junior.previous, None);
    assert_eq!(senior.next, None);
    let career = |level: &trellis_model::RoleLevel| {
        level
            .promotion
            .as_ref()
            .map(|c| (c.from.clone(), c.to.clone()))
    };
    assert_eq!(
        career(junior),
        Some((vec!["Business Analyst".to_owned()], vec![]))
    );
    assert_eq!(
        career(senior),
        Some((vec![], vec!["Director of Product".to_owned()]))
    );
    let unresolved: Vec<_> = imported
        .report
        .skipped
        .iter()
        .filter(|s| s.why.contains("is not among the inputs"))
        .collect();
    assert_eq!(unresolved.len(), 2, "{unresolved:#?}");
    assert!(unresolved.iter().all(|s| s.line.is_some()));
    assert_eq!(imported.report.counts.requirements, 10);
    assert_sound_and_round_trips(fw);
}

#[test]
fn sfia_pages_links_cross_tracks_and_contradictions_are_dropped() {
    let page = |title: &str, level: u32, path: &str, prev: &str, next: &str| {
        format!(
            "# {title}\n\n**Level {level}** | **Career Path:** {path}\n\n## Role Overview\n\n**Scope Summary:** Does the work of the level.\n\n\
             ## Required SFIA Skills\n\n### Testing things (TEST)\n\n**Category:** Quality | **Subcategory:** Checks\n\n\
             **Overall Description:**\n\nChecking that things work.\n\n**Level {level} Attainment:**\n\nChecks things at level {level}.\n\n\
             ## Navigation\n\n**Career Path Navigation:** ← [Previous: {prev}](p.md) | [Next: {next}](n.md) →\n"
        )
    };
    let inputs = [
        input(
            "level-3-analyst.md",
            page("Analyst", 3, "Analysis", "Trainee", "Product Owner"),
        ),
        input(
            "level-4-product-owner.md",
            page(
                "Product Owner",
                4,
                "Product",
                "Analyst",
                "Senior Product Owner",
            ),
        ),
        input(
            "level-5-senior-product-owner.md",
            page(
                "Senior Product Owner",
                5,
                "Product",
                "Product Owner",
                "Head",
            ),
        ),
        // Also claims the analyst as its previous level: the analyst already points elsewhere.
        input(
            "level-4-tester.md",
            page("Tester", 4, "Quality", "Analyst", "Nobody"),
        ),
    ];
    let imported = run(Format::SfiaPages, &inputs);
    let fw = &imported.framework;
    let (_, _, analyst) = fw.role_level("analysis/analyst").unwrap();
    let (_, _, owner) = fw.role_level("product/product-owner").unwrap();
    let (_, _, tester) = fw.role_level("quality/tester").unwrap();
    assert_eq!(analyst.next.as_deref(), Some("product/product-owner"));
    assert_eq!(owner.previous.as_deref(), Some("analysis/analyst"));
    assert_eq!(tester.previous, None);
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.what.contains("quality/tester") && s.why.contains("analysis/analyst"))
    );
    assert_eq!(fw.skill("TEST").map(|s| s.levels.len()), Some(3));
    assert_sound_and_round_trips(fw);
}

#[test]
fn madetech_profile_maps_to_sfia_6_and_reports_its_defects() {
    if !seeds_present() {
        return;
    }
    let imported = run(Format::Madetech, &[seed(MADETECH)]);
    let fw = &imported.framework;
    assert_eq!(fw.tracks.len(), 1);
    let role = &fw.tracks[0].levels[0];
    assert_eq!(role.title, "Principal Product Manager");
    assert_eq!(fw.tracks[0].name, "Product Manager");
    assert_eq!(role.mappings.len(), 1);
    assert_eq!(
        (
            role.mappings[0].source.as_str(),
            role.mappings[0].level.as_str()
        ),
        ("sfia", "6")
    );
    assert!(role.requirements.is_empty());
    assert!(role.summary.is_some());

    let groups: Vec<&str> = role
        .responsibilities
        .iter()
        .map(|g| g.group.as_str())
        .collect();
    assert!(!groups.contains(&"Key responsibilities"), "{groups:?}");
    assert!(
        groups.contains(&"Scope") && groups.contains(&"Competencies"),
        "{groups:?}"
    );
    assert!(role.responsibilities.iter().all(|g| !g.items.is_empty()));
    let empty = warnings(&imported.report, "empty-section");
    assert!(
        empty.iter().any(|m| m.contains("Key responsibilities")),
        "{empty:?}"
    );

    // Mojibake repaired in the text, and reported naming the sequence.
    let all: Vec<&str> = role
        .responsibilities
        .iter()
        .flat_map(|g| &g.items)
        .map(String::as_str)
        .collect();
    assert!(all.iter().any(|t| t.contains("Tech’s")), "{all:#?}");
    assert!(all.iter().all(|t| !t.contains("â€")));
    let mojibake = warnings(&imported.report, "mojibake");
    assert_eq!(mojibake.len(), 1, "{mojibake:?}");
    assert!(mojibake[0].contains("â€™") && mojibake[0].contains("Tech’s"));
    // Repaired, so the checker finds no mojibake left in the imported text.
    assert!(!check_codes(fw).contains(&"W0203"));

    // Links kept as text; no skill requirements, and the report says why.
    let competencies = role
        .responsibilities
        .iter()
        .find(|g| g.group == "Competencies")
        .unwrap();
    assert!(
        competencies
            .items
            .iter()
            .any(|i| i.contains("(https://sfia-online.org/"))
    );
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.what == "skill requirements" && s.why.contains("not skill levels"))
    );

    let source = fw.source("madetech").unwrap();
    assert!(!source.redistributable);
    assert!(
        source
            .licence
            .as_deref()
            .is_some_and(|l| l.contains("unknown"))
    );
    assert!(fw.source("sfia").is_some_and(|s| !s.redistributable));
    assert_sound_and_round_trips(fw);
}

#[test]
fn madetech_years_reporting_line_and_next_level_are_filled_where_the_profiles_give_them() {
    let senior = "# Senior Lamp Keeper\n\nKeeps the lamps of a district lit.\n\n\
                  ## Who you report to\n\n- The Lead Lamp Keeper of your district\n\n\
                  ## What experience are we looking for?\n\n\
                  - 3+ years keeping lamps in a city\n- Climbing ladders in the rain\n\n\
                  ## Progression\n\n- Trains two new keepers\n";
    let lead = "# Lead Lamp Keeper\n\nRuns the keepers of a district.\n\n\
                ## Reporting\n\n- Writes the monthly report on lamps out\n";
    let imported = run(
        Format::Madetech,
        &[
            input("senior_lamp_keeper.md", senior),
            input("lead_lamp_keeper.md", lead),
        ],
    );
    let track = &imported.framework.tracks[0];
    let titles: Vec<&str> = track.levels.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Senior Lamp Keeper", "Lead Lamp Keeper"]);
    let level = &track.levels[0];
    assert_eq!(
        level.reports_to.as_deref(),
        Some("The Lead Lamp Keeper of your district")
    );
    let q = level.qualifications.as_ref().unwrap();
    assert_eq!(q.years, ["3+ years keeping lamps in a city"]);
    assert_eq!(q.other[0].items, ["Climbing ladders in the rain"]);
    // The promotion criteria lead to the next level of the track.
    assert_eq!(
        level.promotion.as_ref().and_then(|p| p.next.as_deref()),
        Some("lamp-keeper/lead-lamp-keeper")
    );
    // "Reporting" about a report the role writes is a responsibility, not a reporting line.
    let lead = &track.levels[1];
    assert_eq!(lead.reports_to, None);
    assert_eq!(lead.responsibilities[0].group, "Reporting");
    assert_sound_and_round_trips(&imported.framework);
}

#[test]
fn madetech_experience_and_progression_sections_fill_the_blueprint_sections() {
    let text = "# Senior Lamp Keeper\n\nKeeps the lamps of a district lit.\n\n\
                ## Scope\n\n- Three districts\n\n\
                ## What experience are we looking for?\n\n\
                We would like to hear about the lamps you have kept.\n\n\
                Further required experience:\n\n- Climbing ladders in the rain\n- Trimming wicks\n\n\
                ## User experience\n\n- Keeps the light steady for passers-by\n\n\
                ## Progression\n\n- Trains two new keepers\n- Runs a district alone for a winter\n";
    let imported = run(Format::Madetech, &[input("senior_lamp_keeper.md", text)]);
    let level = &imported.framework.tracks[0].levels[0];
    let experience = &level.qualifications.as_ref().unwrap().other;
    assert_eq!(experience.len(), 1);
    assert_eq!(experience[0].group, "What experience are we looking for?");
    assert_eq!(
        experience[0].items,
        [
            "We would like to hear about the lamps you have kept.",
            "Climbing ladders in the rain",
            "Trimming wicks",
        ]
    );
    assert_eq!(
        level.promotion.as_ref().map(|c| c.skills.clone()),
        Some(vec![
            "Trains two new keepers".to_owned(),
            "Runs a district alone for a winter".to_owned()
        ])
    );
    // Other sections stay responsibilities, whatever words they share.
    let groups: Vec<&str> = level
        .responsibilities
        .iter()
        .map(|g| g.group.as_str())
        .collect();
    assert_eq!(groups, ["Scope", "User experience"]);
    assert_sound_and_round_trips(&imported.framework);
}

#[test]
fn madetech_level_from_the_title_prefix() {
    let profile = |title: &str| {
        input(
            "p.md",
            format!("# {title}\n\nLeads things.\n\n## Scope\n\n- Owns a team\n"),
        )
    };
    let imported = run(
        Format::Madetech,
        &[
            profile("Senior Data Engineer"),
            profile("Lead Data Engineer (SFIA Level 5)"),
            profile("Mid Data Engineer"),
        ],
    );
    let fw = &imported.framework;
    let levels: Vec<(&str, &str)> = fw.tracks[0]
        .levels
        .iter()
        .map(|l| (l.title.as_str(), l.mappings[0].level.as_str()))
        .collect();
    assert_eq!(
        levels,
        [
            ("Mid Data Engineer", "3"),
            ("Senior Data Engineer", "4"),
            ("Lead Data Engineer", "5")
        ]
    );
    let mismatch = run(Format::Madetech, &[profile("Lead Designer (SFIA Level 6)")]);
    assert_eq!(warnings(&mismatch.report, "level-mismatch").len(), 1);
    // No prefix in the title or the file name: Mid by Made Tech's rule, and said so.
    let unknown = run(Format::Madetech, &[profile("Data Wrangler")]);
    assert_eq!(
        unknown.framework.tracks[0].levels[0].mappings[0]
            .level
            .as_str(),
        "3"
    );
    assert_eq!(warnings(&unknown.report, "missing-levels").len(), 1);
    assert_no_errors(&unknown.framework);
    assert_round_trip(fw);
}

#[test]
fn ddat_text_gives_role_level_skills_and_warns_that_levels_are_absent() {
    if !seeds_present() {
        return;
    }
    let imported = run(Format::DdatText, &[seed(DDAT)]);
    let fw = &imported.framework;
    assert_eq!(fw.tracks.len(), 1);
    let track = &fw.tracks[0];
    assert_eq!(track.name, "Product manager");
    assert!(track.description.is_some());
    assert_eq!(track.levels.len(), 1);
    let role = &track.levels[0];
    assert_eq!(role.title, "Senior product manager");
    assert!(role.summary.is_some());
    assert!(!role.responsibilities.is_empty());
    assert_eq!(fw.skills.len(), 9);
    assert_eq!(role.requirements.len(), 9);
    let text = seed_text(DDAT);
    for skill in &fw.skills {
        assert!(
            text.contains(&format!("Skill: {}", skill.name)),
            "{}",
            skill.name
        );
        assert_eq!(skill.scale, "ddat");
        assert_eq!(skill.source.as_deref(), Some("ddat"));
        assert!(skill.levels.is_empty());
        let description = skill.description.as_deref().expect("expectations");
        for line in description.lines() {
            assert!(text.contains(line), "{line}");
        }
    }
    assert!(
        role.requirements
            .iter()
            .all(|r| r.level.as_str() == "practitioner")
    );
    let missing = warnings(&imported.report, "missing-levels");
    assert_eq!(missing.len(), 1);
    assert!(missing[0].contains("skill levels are absent") && missing[0].contains("practitioner"));
    assert_ddat_scale(fw);
    let ddat = fw.source("ddat").unwrap();
    assert!(ddat.redistributable);
    assert_eq!(ddat.licence.as_deref(), Some("OGL v3.0"));
    assert_eq!(
        ddat.attribution.as_deref(),
        Some("Contains public sector information licensed under the Open Government Licence v3.0.")
    );
    assert_sound_and_round_trips(fw);
}

#[test]
fn ddat_text_prose_in_a_level_description_keeps_no_list_marker() {
    let text = "Product and delivery role: Harbour pilot\nRole level: Senior harbour pilot\n\
                Guides the largest ships into the harbour.\n\
                - Plans each passage\n\
                - Briefs the crew\n\n\
                Skill: Reading tides\n\
                - You can plan a passage around the tide.\n";
    let imported = run(Format::DdatText, &[input("pilot.txt", text)]);
    let level = &imported.framework.tracks[0].levels[0];
    assert_eq!(
        level.summary.as_deref(),
        Some(
            "Guides the largest ships into the harbour.\n\n- Plans each passage\n- Briefs the crew"
        )
    );
}

#[test]
fn monzo_fixtures_give_tracks_topics_and_merge_generic() {
    let inputs = [
        fixture("data-platform.md"),
        fixture("generic.md"),
        fixture("quality.md"),
    ];
    let imported = run(Format::Monzo, &inputs);
    let fw = &imported.framework;
    let tracks: Vec<(&str, &str)> = fw
        .tracks
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        tracks,
        [
            ("data-platform", "📦 Data Platform Framework"),
            ("quality", "🧪 Quality Framework")
        ]
    );
    let platform = fw.track("data-platform").unwrap();
    let ids: Vec<&str> = platform.levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["level-1", "level-2", "level-3", "level-4"]);
    // Titled with the discipline, not "Level 1" alone, which every discipline would share.
    assert_eq!(platform.levels[0].title, "Data Platform Level 1");
    assert_eq!(
        fw.scale("monzo-data-platform").map(|s| s.levels.len()),
        Some(4)
    );
    assert_eq!(fw.scale("monzo-quality").map(|s| s.levels.len()), Some(3));

    // Topics as skills; titles inherited from generic.md, emoji kept.
    let comms = fw.skill("data-platform.communication").unwrap();
    assert_eq!(comms.name, "💬 Communication");
    assert_eq!(comms.scale, "monzo-data-platform");
    assert_eq!(comms.source.as_deref(), Some("monzo"));
    let keys: Vec<&str> = comms.levels.keys().map(|l| l.as_str()).collect();
    assert_eq!(keys, ["1", "2", "3", "4"]);
    // Generic criteria first, then the discipline's own.
    assert_eq!(
        comms.levels["2"],
        "- Writes updates that someone outside the squad can follow\n- Keeps the people who depend on a pipeline told about changes to it"
    );
    assert_eq!(
        comms.levels["1"],
        "- Tells their squad what they are doing and when they are stuck"
    );
    let tooling = fw.skill("data-platform.tooling").unwrap();
    assert_eq!(tooling.name, "🧰 Tooling");
    // Example criteria follow the plain criteria, their examples as nested bullets.
    assert_eq!(
        tooling.levels["2"],
        "- Uses the scheduler to rerun a failed job\n\
         - Adds a data quality check to a pipeline\n\
         \x20 - Example: Row counts compared with yesterday's load\n\
         \x20 - Example: A null check on a key column"
    );
    assert!(fw.skill("data-platform.notes").is_none());
    assert!(
        warnings(&imported.report, "empty-section")
            .iter()
            .any(|m| m.contains("notes"))
    );

    // Each level requires the topics with criteria at that level, at that level.
    let required = |level: usize| -> Vec<(String, String)> {
        platform.levels[level]
            .requirements
            .iter()
            .map(|r| (r.skill.clone(), r.level.to_string()))
            .collect()
    };
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        required(0),
        pairs(&[
            ("data-platform.communication", "1"),
            ("data-platform.impact", "1")
        ])
    );
    assert_eq!(
        required(1),
        pairs(&[
            ("data-platform.communication", "2"),
            ("data-platform.impact", "2"),
            ("data-platform.tooling", "2")
        ])
    );
    assert_eq!(
        required(3),
        pairs(&[
            ("data-platform.communication", "4"),
            ("data-platform.tooling", "4")
        ])
    );

    // generic.md is not a track; its level 4 does not reach a three-level discipline.
    assert!(fw.track("generic").is_none() && fw.track("shared-expectations").is_none());
    let quality_comms = fw.skill("quality.communication").unwrap();
    assert_eq!(quality_comms.name, "💬 Communication");
    assert_eq!(
        quality_comms
            .levels
            .keys()
            .map(|l| l.as_str())
            .collect::<Vec<_>>(),
        ["1", "2"]
    );
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.what.contains("kindness"))
    );

    // The tab quirk: read, and reported.
    let tabs = warnings(&imported.report, "yaml-tab");
    assert_eq!(tabs.len(), 1);
    assert!(tabs[0].contains("2 line(s)"));
    let testing = fw.skill("quality.testing").unwrap();
    assert_eq!(testing.levels["3"].lines().count(), 2);

    let monzo = fw.source("monzo").unwrap();
    assert!(monzo.redistributable);
    assert_eq!(
        monzo.attribution.as_deref(),
        Some("Monzo progression framework, MIT licence")
    );
    assert_sound_and_round_trips(fw);
}

#[test]
fn monzo_prose_files_and_files_without_front_matter() {
    let prose = "---\ntitle: \"🗂️ Support\"\nyaml: false\nlevels: 2\n---\n# Support\n\nIntro text.\n\n## Level 1\n\n### Knowledge\n\n- Knows where the help articles are\n\n## Level 2\n\n### Knowledge\n\n- Writes new help articles\n\n### Teamwork\n\n- Pairs with new starters\n";
    let readme = "# About these files\n\nNothing here.\n";
    let imported = run(
        Format::Monzo,
        &[input("support.md", prose), input("README.md", readme)],
    );
    let fw = &imported.framework;
    let track = fw.track("support").unwrap();
    assert_eq!(track.levels.len(), 2);
    assert_eq!(track.levels[1].requirements.len(), 2);
    assert_eq!(
        fw.skill("support.knowledge").unwrap().levels["2"],
        "- Writes new help articles"
    );
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.file == "README.md")
    );
    assert_sound_and_round_trips(fw);

    let empty_prose = "---\ntitle: Empty\nyaml: false\n---\nJust words.\n";
    let err = import::import(
        Format::Monzo,
        &[input("empty.md", empty_prose)],
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("empty.md"), "{err}");
    assert!(err.to_string().contains("Level N"), "{err}");
    let err = import::import(
        Format::Monzo,
        &[fixture("generic.md")],
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("generic.md"), "{err}");
    let broken = "---\ntitle: x\ntopics: [a\n---\n";
    let err = import::import(
        Format::Monzo,
        &[input("broken.md", broken)],
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Invalid { file, line: Some(_), .. } if file == "broken.md"),
        "{err}"
    );
}

#[test]
fn bad_input_is_a_clear_error_naming_the_file() {
    let formats = [
        Format::SfiaPages,
        Format::Madetech,
        Format::DdatText,
        Format::Monzo,
    ];
    for format in formats {
        for (name, bytes) in [
            ("empty.md", Vec::new()),
            ("blank.md", b"  \n\n".to_vec()),
            (
                "binary.md",
                vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 0x00],
            ),
            ("nul.md", b"# Title\n\0\0".to_vec()),
        ] {
            let err = import::import(
                format,
                &[Input {
                    path: name.into(),
                    bytes,
                }],
                &ImportOptions::default(),
            )
            .expect_err(&format!("{format} {name}"));
            assert!(err.to_string().starts_with(name), "{format} {name}: {err}");
        }
    }
    // A file of another format.
    if !seeds_present() {
        return;
    }
    let wrong = [
        (Format::SfiaPages, seed(DDAT)),
        (Format::SfiaPages, seed(MADETECH)),
        (Format::Madetech, seed(L5)),
        (Format::Madetech, fixture("quality.md")),
        (Format::Madetech, seed(DDAT)),
        (Format::DdatText, seed(MADETECH)),
        (Format::DdatText, seed(L4)),
        (Format::Monzo, seed(MADETECH)),
        (Format::Monzo, seed(DDAT)),
    ];
    for (format, input) in wrong {
        let name = input.name();
        let err = import::import(format, &[input], &ImportOptions::default())
            .expect_err(&format!("{format} accepted {name}"));
        assert!(err.to_string().starts_with(&name), "{format}: {err}");
    }
}

fn never_panics(format: Format, path: &str, text: &str) {
    let input = Input {
        path: Path::new(path).to_owned(),
        bytes: text.as_bytes().to_vec(),
    };
    if let Ok(imported) = import::import(format, &[input], &ImportOptions::default()) {
        // Whatever is imported must be checkable and writable.
        let _ = trellis_model::check(&imported.framework, &Default::default());
        let _ = write::framework_files(&imported.framework);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sfia_pages_never_panic(body in "\\PC*", raw in any::<String>()) {
        never_panics(Format::SfiaPages, "p.md", &raw);
        never_panics(Format::SfiaPages, "p.md", &format!("# T\n**Level 5** | **Career Path:** P\n## Required SFIA Skills\n### A (B)\n{body}\n## Navigation\n{body}"));
    }

    #[test]
    fn madetech_never_panics(body in "\\PC*", raw in any::<String>()) {
        never_panics(Format::Madetech, "m.md", &raw);
        never_panics(Format::Madetech, "m.md", &format!("# Lead {body}\n## S\n- {body}\n  {body}\n{body}:\n"));
    }

    #[test]
    fn ddat_text_never_panics(body in "\\PC*", raw in any::<String>()) {
        never_panics(Format::DdatText, "d.txt", &raw);
        never_panics(Format::DdatText, "d.txt", &format!("A role: {body}\n- x\nRole level: {body}\n{body}:\n- y\nSkill: {body}\n- {body}\n"));
    }

    #[test]
    fn monzo_never_panics(body in "\\PC*", raw in any::<String>(), level in any::<i64>()) {
        never_panics(Format::Monzo, "m.md", &raw);
        never_panics(Format::Monzo, "m.md", &format!("---\n{body}\n---\n{body}"));
        never_panics(Format::Monzo, "m.md", &format!(
            "---\ntitle: {body:?}\nlevels: {level}\ntopics:\n  - name: {body:?}\n    content:\n      - level: {level}\n        criteria:\n          -\t{body:?}\n---\n"
        ));
        never_panics(Format::Monzo, "m.md", &format!("---\nyaml: false\n---\n## Level {level}\n### {body}\n- {body}\n"));
    }
}

// Structured inputs reach deeper than arbitrary strings: whatever these importers accept passes the
// checker with zero errors (links that agree, requirements at described levels, no regressions).

const WORDS: &[&str] = &[
    "a",
    "T",
    "Principal Engineers",
    "é",
    "â€™",
    "👩💻",
    "x:",
    "",
    "(AB)",
    "[l](m.md)",
];
const PAGE_LINES: &[&str] = &[
    "## Role Overview",
    "**Scope Summary:** W",
    "W",
    "## Required SFIA Skills",
    "### W (AB)",
    "### W (CD)",
    "**Category:** W | **Subcategory:** W",
    "**Overall Description:**",
    "**Level 3 Attainment:**",
    "**Level 4 Attainment:**",
    "**Level 9 Attainment:**",
    "---",
    "",
    "## Navigation",
    "[Previous: T1](p1.md) | [Next: T2](p2.md)",
    "[Previous: T2](p2.md)",
    "[Next: T0](p0.md)",
    "- W",
];

fn word() -> impl Strategy<Value = String> + Clone {
    prop::sample::select(WORDS).prop_map(str::to_owned)
}

fn sfia_page() -> impl Strategy<Value = String> {
    let body =
        prop::collection::vec((prop::sample::select(PAGE_LINES), word()), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(l, w)| l.replace('W', &w))
                .collect::<Vec<_>>()
                .join("\n")
        });
    (0u32..3, 0u32..10, any::<bool>(), body).prop_map(|(t, level, p, body)| {
        let path = if p { "P" } else { "Q" };
        format!("# T{t}\n**Level {level}** | **Career Path:** {path}\n{body}")
    })
}

fn monzo_file() -> impl Strategy<Value = String> {
    let criteria = prop::collection::vec(word(), 0..3);
    let examples = prop::collection::vec((word(), criteria.clone()), 0..2);
    let content = prop::collection::vec((-1i64..9, criteria, examples), 0..4);
    let name = prop::sample::select(&["a", "b", "a b", "x: y"][..]);
    let topics = prop::collection::vec((name, prop::option::of(word()), content), 0..4);
    (
        prop::option::of(-1i64..8),
        any::<bool>(),
        any::<bool>(),
        topics,
        word(),
    )
        .prop_map(|(levels, yaml, tab, topics, title)| {
            let mut s = format!("---\ntitle: {title:?}\n");
            if let Some(l) = levels {
                s += &format!("levels: {l}\n");
            }
            if !yaml {
                s += "yaml: false\n";
            }
            s += "topics:\n";
            for (name, title, content) in topics {
                let title = title.map(|t| format!("{t:?}")).unwrap_or_default();
                s += &format!("  - name: {name:?}\n    title: {title}\n    content:\n");
                for (level, criteria, examples) in content {
                    s += &format!("      - level: {level}\n        criteria:\n");
                    for c in criteria {
                        s += &format!("          -{}{c:?}\n", if tab { "\t" } else { " " });
                    }
                    s += "        exampleCriteria:\n";
                    for (c, es) in examples {
                        s += &format!("          - criteria: {c:?}\n            examples:\n");
                        for e in es {
                            s += &format!("              - {e:?}\n");
                        }
                    }
                }
            }
            s + "---\n## Level 2\n### K\n- k\n"
        })
}

fn imports_without_errors(format: Format, inputs: &[Input]) -> Result<(), TestCaseError> {
    if let Ok(imported) = import::import(format, inputs, &ImportOptions::default()) {
        let errors: Vec<_> = trellis_model::check(&imported.framework, &Default::default())
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        prop_assert!(errors.is_empty(), "{format}: {errors:#?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sfia_pages_imports_always_check_clean(a in sfia_page(), b in sfia_page(), c in sfia_page()) {
        let inputs = [input("p0.md", &a), input("x/p1.md", &b), input("p2.md", &c)];
        imports_without_errors(Format::SfiaPages, &inputs)?;
    }

    #[test]
    fn monzo_imports_always_check_clean(generic in monzo_file(), a in monzo_file(), b in monzo_file()) {
        let inputs = [input("generic.md", &generic), input("a.md", &a), input("b.md", &b)];
        imports_without_errors(Format::Monzo, &inputs)?;
        imports_without_errors(Format::Monzo, &inputs[1..])?;
    }
}
