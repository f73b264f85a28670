//! Rendered documents, pinned with snapshots of a small framework built here (not the starter, so the
//! snapshots only change when the renderers do), plus escaping and empty-section checks.

use scraper::Html;
use serde_json::json;
use trellis_formats::render::hiring::{self, HiringKit};
use trellis_formats::render::{html, markdown};
use trellis_model::diff::diff;
use trellis_model::{Framework, Importance, Profile, resolve};

/// A bakery's framework: two levels of one track and a level in another, a skill from a source
/// that may not be redistributed, and every section of a role level filled in at the senior level.
fn bakery() -> Framework {
    // Level ids are strings: `LevelId` deserializes from strings (YAML numbers arrive as text).
    serde_json::from_value(json!({
        "id": "bakery",
        "name": "Bakery Careers",
        "version": "2026.1",
        "sources": [
            {"id": "house", "name": "Bakery house text", "licence": "CC-BY-4.0",
             "attribution": "Written by the bakery's own staff."},
            {"id": "guild", "name": "Bakers' Guild Standard", "version": "7",
             "licence": "Guild members only", "attribution": "The Guild Standard is a mark of the Bakers' Guild.",
             "redistributable": false, "level_scale": "guild-levels"}
        ],
        "scales": [
            {"id": "skill", "name": "Proficiency", "levels": [
                {"id": "novice", "label": "Novice"},
                {"id": "capable", "label": "Capable"},
                {"id": "master", "label": "Master"}
            ]},
            {"id": "reach", "name": "Reach", "levels": [
                {"id": "1", "label": "Self"},
                {"id": "2", "label": "Shift"},
                {"id": "3", "label": "Shop"}
            ]},
            {"id": "guild-levels", "name": "Guild levels", "levels": [
                {"id": "3", "label": "Level 3"},
                {"id": "4", "label": "Level 4"}
            ]}
        ],
        "skills": [
            {"id": "lamination", "name": "Lamination", "scale": "skill", "category": "Pastry",
             "source": "house",
             "levels": {"novice": "Folds butter into dough with a recipe card to hand.",
                        "capable": "Laminates croissant dough unsupervised, fixing tears as they happen.",
                        "master": "Designs new laminated products and trains others in the fold."}},
            {"id": "shift-leading", "name": "Leading a shift", "scale": "reach", "category": "People",
             "source": "house",
             "levels": {"1": "Keeps their own station ready for the rush.",
                        "2": "Runs the early shift: rota, breaks and the 6am bake."}},
            {"id": "fermentation", "name": "Fermentation control", "code": "FERM",
             "scale": "guild-levels", "category": "Bread", "source": "guild",
             "levels": {"3": "Guild text about level three fermentation.",
                        "4": "Guild text about level four fermentation."}}
        ],
        "tracks": [
            {"id": "bakers", "name": "Bakers", "levels": [
                {"id": "baker", "title": "Baker", "summary": "Bakes the daily range.",
                 "requirements": [
                     {"skill": "lamination", "level": "novice", "importance": "important"},
                     {"skill": "shift-leading", "level": "1", "importance": "optional"},
                     {"skill": "fermentation", "level": "3", "importance": "critical"}
                 ],
                 "responsibilities": [{"group": "Baking", "items": ["Bake the morning bread."]}],
                 "behaviours": [{"name": "Tidy station"}],
                 "kpis": [{"metric": "Waste", "target": "Under 5%"}],
                 "decision_rights": [{"tier": "Decides alone", "items": ["When a loaf is done."]}]},
                {"id": "head-baker", "title": "Head Baker",
                 "summary": "Runs the bakehouse and decides what goes in the window.",
                 "scope": "One shop and its overnight production.",
                 "requirements": [
                     {"skill": "lamination", "level": "capable", "importance": "critical"},
                     {"skill": "shift-leading", "level": "2", "importance": "important"},
                     {"skill": "fermentation", "level": "4", "importance": "critical"}
                 ],
                 "responsibilities": [
                     {"group": "Baking", "items": ["Bake the morning bread.", "Set the recipes\nfor the season."]},
                     {"group": "People", "items": ["Train new bakers."]}
                 ],
                 "behaviours": [
                     {"name": "Tidy station"},
                     {"name": "Calm in the rush", "description": "Keeps their voice down when the ovens are full."}
                 ],
                 "kpis": [
                     {"metric": "Waste", "measures": "Unsold bread | thrown away", "why": "Margins are thin.",
                      "target": "Under 3%", "frequency": "Weekly"},
                     {"metric": "Sell-outs before noon", "target": "None"}
                 ],
                 "decision_rights": [
                     {"tier": "Decides alone", "items": ["When a loaf is done.", "The daily bake list."]},
                     {"tier": "Needs the owner", "items": ["New suppliers."]}
                 ],
                 "tools": [
                     {"name": "Deck oven", "category": "Equipment", "purpose": "Crusty bread."},
                     {"name": "Rota app"}
                 ],
                 "interview": [
                     {"name": "Bake test", "weight": 60, "description": "A two-hour practical.",
                      "anchors": {"5": "Flawless batch, on time.", "1": "Burnt or raw."}},
                     {"name": "Leadership", "weight": 40}
                 ],
                 "salary": {"currency": "EUR", "min": 32000, "max": 41500, "note": "Before overtime."},
                 "mappings": [{"source": "guild", "level": "4", "note": "Master's certificate."}]}
            ]},
            {"id": "management", "name": "Management", "levels": [
                {"id": "owner", "title": "Shop Owner", "previous": "bakers/head-baker",
                 "requirements": [{"skill": "shift-leading", "level": "3"}]}
            ]}
        ]
    }))
    .expect("the bakery framework deserializes")
}

fn withheld(fw: &Framework, id: &str) -> Profile {
    let mut p = resolve(fw, id).unwrap();
    p.withhold_restricted();
    p
}

/// The page without its inline stylesheet, which has no business in a snapshot of the markup.
fn without_style(page: &str) -> String {
    let start = page.find("<style>").expect("an inline stylesheet");
    let end = page.find("</style>").expect("the end of the stylesheet") + "</style>".len();
    format!(
        "{}<style>/* style.css */</style>{}",
        &page[..start],
        &page[end..]
    )
}

#[test]
fn markdown_profile() {
    let fw = bakery();
    insta::assert_snapshot!(markdown::profile(&fw, &withheld(&fw, "bakers/head-baker")));
}

#[test]
fn markdown_profile_licensed_shows_restricted_text() {
    let fw = bakery();
    let p = resolve(&fw, "bakers/head-baker").unwrap();
    let md = markdown::profile(&fw, &p);
    assert!(md.contains("Guild text about level four fermentation."));
    assert!(!md.contains("withheld"));
    let md = markdown::profile(&fw, &withheld(&fw, "bakers/head-baker"));
    assert!(!md.contains("Guild text"));
    assert!(md.contains("Bakers' Guild Standard"));
}

#[test]
fn markdown_diff() {
    let fw = bakery();
    let mut d = diff(&fw, "bakers/baker", "bakers/head-baker").unwrap();
    d.withhold_restricted();
    insta::assert_snapshot!(markdown::diff(&fw, &d));
}

#[test]
fn markdown_diff_across_tracks() {
    let fw = bakery();
    let d = diff(&fw, "bakers/head-baker", "management/owner").unwrap();
    insta::assert_snapshot!(markdown::diff(&fw, &d));
}

#[test]
fn html_profile() {
    let fw = bakery();
    let page = html::profile_page(&fw, &withheld(&fw, "bakers/head-baker"));
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    insta::assert_snapshot!(without_style(&page));
}

#[test]
fn html_profile_is_standalone() {
    let fw = bakery();
    let page = html::profile_page(&fw, &withheld(&fw, "bakers/head-baker"));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("@media print"), "the stylesheet is inline");
    assert!(!page.contains("<link rel=\"stylesheet\""));
    assert!(
        !page.contains("href=\"../"),
        "a standalone page links nowhere on a site"
    );
}

#[test]
fn html_escapes_text() {
    let mut fw = bakery();
    fw.tracks[0].levels[1].summary = Some("<script>alert(\"x\")</script> & <b>bold</b>".to_owned());
    fw.tracks[0].levels[1].title = "Head <i>Baker</i>".to_owned();
    let page = html::profile_page(&fw, &resolve(&fw, "bakers/head-baker").unwrap());
    assert!(!page.contains("<script>"), "script tag not escaped");
    assert!(!page.contains("<b>bold</b>") && !page.contains("<i>Baker</i>"));
    // askama writes character references as decimal numbers.
    assert!(page.contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;"));
    assert!(page.contains("&#38; &#60;b&#62;bold&#60;/b&#62;"));
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&select("script")).count(), 0);
    assert_eq!(doc.select(&select("main b, main i")).count(), 0);
    let lede: String = doc
        .select(&select(".lede"))
        .flat_map(|e| e.text())
        .collect();
    assert_eq!(lede, "<script>alert(\"x\")</script> & <b>bold</b>");
}

#[test]
fn markdown_tables_escape_pipes_and_newlines() {
    let fw = bakery();
    let md = markdown::profile(&fw, &resolve(&fw, "bakers/head-baker").unwrap());
    assert!(md.contains("Unsold bread \\| thrown away"));
    assert!(md.contains("- Set the recipes for the season."));
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let unescaped = line.replace("\\|", "");
        let cells = unescaped.matches('|').count();
        assert!(cells >= 2, "{line}");
    }
}

#[test]
fn empty_sections_are_left_out() {
    let fw = bakery();
    let p = resolve(&fw, "management/owner").unwrap();
    let md = markdown::profile(&fw, &p);
    for heading in [
        "## Scope",
        "## Responsibilities",
        "## Behaviours",
        "## KPIs",
        "## Decision rights",
        "## Tools",
        "## Interview scorecard",
        "## Salary band",
        "## Equivalent levels",
    ] {
        assert!(
            !md.contains(heading),
            "{heading} rendered for an empty section"
        );
    }
    assert!(md.contains("## Skill requirements"));
    assert!(md.contains("- Previous: Head Baker (`bakers/head-baker`)"));
    let page = html::profile_page(&fw, &p);
    for id in [
        "id=\"scope\"",
        "id=\"kpis\"",
        "id=\"tools\"",
        "id=\"interview\"",
        "id=\"salary\"",
    ] {
        assert!(!page.contains(id), "{id} rendered for an empty section");
    }
    assert!(Html::parse_document(&page).errors.is_empty());
}

/// The bakery with the head baker asked for less lamination than the baker, deliberately.
fn bakery_with_a_lowered_requirement() -> Framework {
    let mut fw = bakery();
    fw.tracks[0].levels[0].requirements[0].level = "master".into();
    let lamination = &mut fw.tracks[0].levels[1].requirements[0];
    lamination.level = "capable".into();
    lamination.regression_reason = Some("The head baker buys in laminated dough.".into());
    fw
}

#[test]
fn a_lowered_requirement_is_shown_as_lowered_with_both_levels_in_every_format() {
    let fw = bakery_with_a_lowered_requirement();
    let p = resolve(&fw, "bakers/head-baker").unwrap();

    let md = markdown::profile(&fw, &p);
    let row = md
        .lines()
        .find(|l| l.starts_with("| Lamination |"))
        .expect("a lamination row");
    assert!(
        row.contains("| Lowered from Master to Capable: The head baker buys in laminated dough. |"),
        "{row}"
    );
    assert!(!row.contains("Inherited"), "{row}");
    assert!(
        md.contains("0 new, 2 raised, 0 inherited, 1 lowered."),
        "{md}"
    );

    let page = html::profile_page(&fw, &p);
    let doc = Html::parse_document(&page);
    let badge = scraper::Selector::parse(".badge-lowered").unwrap();
    let text: String = doc
        .select(&badge)
        .flat_map(|e| e.text())
        .collect::<String>();
    assert_eq!(
        text,
        "Lowered from Master to Capable: The head baker buys in laminated dough."
    );

    let json = serde_json::to_value(&p).unwrap();
    let lamination = &json["requirements"][0];
    assert_eq!(lamination["skill"], "lamination");
    assert_eq!(lamination["status"], "lowered");
    assert_eq!(lamination["level"], "capable");
    assert_eq!(lamination["previous_level"], "master");
    assert_eq!(
        lamination["regression_reason"],
        "The head baker buys in laminated dough."
    );

    // The static site uses the same wording.
    let dir = tempfile::tempdir().unwrap();
    trellis_formats::render::site::build(&fw, dir.path(), &Default::default()).unwrap();
    let site_page =
        std::fs::read_to_string(dir.path().join("roles/bakers/head-baker.html")).unwrap();
    assert!(
        site_page.contains("Lowered from Master to Capable"),
        "{site_page}"
    );
}

#[test]
fn a_framework_named_after_its_version_is_not_titled_with_it_twice() {
    use trellis_formats::render::name_with_version;
    assert_eq!(name_with_version("SFIA 9", "9"), "SFIA 9");
    assert_eq!(
        name_with_version("Widget Ladder v2", "2"),
        "Widget Ladder v2"
    );
    assert_eq!(
        name_with_version("Bakery Careers", "2026.1"),
        "Bakery Careers 2026.1"
    );
    assert_eq!(name_with_version("Bakery Careers", ""), "Bakery Careers");

    let mut fw = bakery();
    fw.name = "Bakers' Guild Standard 7".into();
    fw.version = "7".into();
    let dir = tempfile::tempdir().unwrap();
    trellis_formats::render::site::build(&fw, dir.path(), &Default::default()).unwrap();
    let index = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(index.contains("Guild Standard 7"), "{index}");
    assert!(!index.contains("Standard 7 7"), "{index}");
}

#[test]
fn bullet_lines_in_prose_are_rendered_as_lists_not_run_into_a_paragraph() {
    let mut fw = bakery();
    fw.tracks[0].levels[1].summary = Some(
        "Runs the bakehouse.\n\nEach morning, the head baker:\n- lights the ovens\n- feeds the starter\n\nThen opens the shop."
            .into(),
    );
    let p = resolve(&fw, "bakers/head-baker").unwrap();

    let md = markdown::profile(&fw, &p);
    assert!(
        md.contains("Each morning, the head baker:\n\n- lights the ovens\n- feeds the starter\n\nThen opens the shop."),
        "{md}"
    );
    // No paragraph carries a list marker inside it.
    assert!(!md.contains(": - "), "{md}");
    assert!(!md.contains("ovens - feeds"), "{md}");

    let page = html::profile_page(&fw, &p);
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let items: Vec<String> = doc
        .select(&select("article > ul.lede li"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(items, ["lights the ovens", "feeds the starter"]);
    let paragraphs: Vec<String> = doc
        .select(&select("p.lede"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        paragraphs,
        [
            "Runs the bakehouse.",
            "Each morning, the head baker:",
            "Then opens the shop."
        ]
    );

    // Track descriptions on the site's index too.
    fw.tracks[0].description =
        Some("Bakers bake.\nIn this role, you will:\n- knead\n- shape".into());
    let dir = tempfile::tempdir().unwrap();
    trellis_formats::render::site::build(&fw, dir.path(), &Default::default()).unwrap();
    let index = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(
        index.contains("<p>Bakers bake. In this role, you will:</p>\n<ul>\n<li>knead</li>\n<li>shape</li>\n</ul>"),
        "{index}"
    );
}

/// The bakery with the rest of a blueprint: the baker writes every section, the head baker writes
/// its own stakeholders and promotion criteria and inherits the rest.
fn bakery_with_sections() -> Framework {
    let mut v = serde_json::to_value(bakery()).unwrap();
    let baker = &mut v["tracks"][0]["levels"][0];
    baker["horizon"] = json!("Current");
    baker["reports_to"] = json!("The head baker");
    baker["kpi_notes"] = json!(["Waste is weighed at closing, not counted."]);
    baker["tools"] =
        json!([{"name": "Proving cabinet", "purpose": "Even rises.", "usage": "common"}]);
    baker["stakeholders"] = json!({
        "teams": ["Front of house"],
        "internal": [{"name": "Head baker", "about": "the bake list"}],
        "peers": [{"name": "Other bakers"}],
        "escalations": [{"issue": "An oven fault", "to": "The head baker"}]
    });
    baker["environment"] = json!([{"group": "Kitchen", "items": ["Two deck ovens"]}]);
    baker["qualifications"] = json!({
        "years": ["One year in a bakery"],
        "certifications": [{"name": "Food hygiene level 2"}]
    });
    baker["onboarding"] = json!({
        "days_30": {"goals": ["Bakes the morning rolls"], "evidence": ["Rolls sold out by ten"]}
    });
    baker["high_performance"] = json!(["Nothing thrown away at closing"]);
    baker["failure_modes"] = json!({"challenges": ["Burns from trays"]});
    baker["variants"] = json!([
        {"by": "size", "group": "Small shops", "items": ["Bake everything by hand."]},
        {"by": "geography", "group": "By geography: coastal towns", "items": ["Salt in the air slows the proving."]},
        {"group": "Shops that also sell coffee", "items": ["Bakes to the morning queue."]}
    ]);
    baker["notes"] = json!({
        "variants": "A bakery's size changes the baker's day most.",
        "environment": "Ovens are the heart of the kitchen.",
        "tools": "The bakery owns every tool."
    });
    baker["automation"] = json!({"automated": ["Ordering flour"], "human_critical": ["Tasting"]});
    baker["interview_guidance"] = json!({
        "focus": "Steady hands and early mornings.",
        "exercises": [{"name": "Trial bake (2 hours)", "prompt": "Bake a batch of rolls.", "evaluates": "Evenness"}],
        "strong_signals": ["Clean bench"],
        "red_flags": ["Late twice in the trial week"],
        "scoring": "One to five."
    });
    baker["promotion"] = json!({"next": "bakers/head-baker", "to": ["Head Baker"], "skills": ["Runs the early shift alone."]});
    let head = &mut v["tracks"][0]["levels"][1];
    head["stakeholders"] = json!({
        "internal": [{"name": "Shop owner", "about": "what goes in the window"}],
        "peers": [{"name": "The shop owner", "role_level": "management/owner"}]
    });
    head["interview"][0]["interview_guidance"] = json!({
        "assess": ["Can they shape a batch evenly?"]
    });
    head["promotion"] =
        json!({"from": ["Baker"], "scope": ["A second shop"], "skills": ["Runs a second shop."]});
    serde_json::from_value(v).unwrap()
}

#[test]
fn markdown_profile_with_blueprint_sections() {
    let fw = bakery_with_sections();
    insta::assert_snapshot!(markdown::profile(&fw, &withheld(&fw, "bakers/head-baker")));
}

#[test]
fn markdown_profile_lists_its_sections_once_it_has_enough_of_them() {
    let fw = bakery_with_sections();
    let md = markdown::profile(&fw, &withheld(&fw, "bakers/head-baker"));
    let (before, after) = md
        .split_once("**On this page**\n\n")
        .expect("a contents list");
    // After the summary and the facts, before the first section.
    assert!(before.contains("Role horizon") && !before.contains("\n## "));
    let links: Vec<(&str, &str)> = after
        .lines()
        .take_while(|l| l.starts_with("- ["))
        .filter_map(|l| l.strip_prefix("- [")?.strip_suffix(')')?.split_once("](#"))
        .collect();
    let headings: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(
        links.iter().map(|(text, _)| *text).collect::<Vec<_>>(),
        headings,
        "one link per section, in order"
    );
    for (text, anchor) in &links {
        assert_eq!(*anchor, text.to_lowercase().replace(' ', "-"), "{text}");
    }
    assert!(links.contains(&("Role variants", "role-variants")));
    // A short profile has none.
    let owner = markdown::profile(&fw, &resolve(&fw, "management/owner").unwrap());
    assert!(!owner.contains("On this page"), "{owner}");
}

#[test]
fn html_profile_shows_every_section_with_where_it_is_inherited_from_and_a_contents_list() {
    let fw = bakery_with_sections();
    let page = html::profile_page(&fw, &withheld(&fw, "bakers/head-baker"));
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let text_of = |s: &str| -> String {
        doc.select(&select(s))
            .flat_map(|e| e.text())
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Every section, in page order, in the contents; every entry leads to its section.
    let contents: Vec<&str> = doc
        .select(&select("nav.profile-contents a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "#equivalent-levels",
            "#scope",
            "#skills",
            "#responsibilities",
            "#behaviours",
            "#kpis",
            "#decision-rights",
            "#tools",
            "#stakeholders",
            "#qualifications",
            "#onboarding",
            "#high-performance",
            "#failure-modes",
            "#automation",
            "#environment",
            "#variants",
            "#interview",
            "#interview-guidance",
            "#salary",
            "#promotion",
            "#career-path",
        ]
    );
    for href in &contents {
        let id = href.trim_start_matches('#');
        assert_eq!(
            doc.select(&select(&format!("[id=\"{id}\"]"))).count(),
            1,
            "{id}"
        );
    }
    // Own sections say nothing of inheritance; inherited ones name the level.
    assert!(!text_of("#stakeholders").contains("Inherited"));
    assert!(text_of("#stakeholders").contains("Shop owner"));
    // A peer linked to its role level names it.
    assert!(
        text_of("#stakeholders").contains("(Shop Owner)"),
        "{}",
        text_of("#stakeholders")
    );
    assert!(text_of("#environment").contains("Inherited from Baker"));
    assert!(text_of("#onboarding").contains("Inherited from Baker"));
    assert!(text_of("#onboarding").contains("Rolls sold out by ten"));
    assert!(
        text_of("#qualifications").contains("Food hygiene level 2")
            && text_of("#qualifications").contains("(required)")
    );
    assert!(text_of("#interview-guidance").contains("Inherited from Baker"));
    assert!(text_of("#interview-guidance").contains("Can they shape a batch evenly?"));
    assert!(text_of("#interview-guidance").contains("Trial bake (2 hours)"));
    assert!(text_of("#interview-guidance").contains("Late twice in the trial week"));
    assert!(text_of("#promotion").contains("Runs a second shop."));
    assert!(!text_of("#promotion").contains("Runs the early shift alone."));
    // The horizon is inherited and says so; the reporting line is the baker's alone.
    assert_eq!(
        text_of(".facts")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "Role horizon Current (as for Baker)"
    );
    // KPI notes are the baker's own: not on the head baker's page.
    assert!(!page.contains("weighed at closing"));
    // Variants by what they vary by, each kind under its heading; an introduction comes with
    // its inherited section, and a note on the baker's own tools stays on the baker's page.
    let variants = text_of("#variants");
    for part in [
        "By company size",
        "Small shops",
        "By geography",
        "coastal towns",
        "Other variants",
        "Shops that also sell coffee",
        "A bakery's size changes the baker's day most.",
    ] {
        assert!(variants.contains(part), "{part} in {variants}");
    }
    assert!(!variants.contains("By geography: coastal"));
    assert!(text_of("#environment").contains("Ovens are the heart of the kitchen."));
    assert!(!page.contains("The bakery owns every tool."));
    // A short profile has no contents list.
    let owner = html::profile_page(&fw, &resolve(&fw, "management/owner").unwrap());
    assert!(!owner.contains("<nav class=\"contents profile-contents\""));
}

#[test]
fn blueprint_sections_from_a_restricted_source_keep_their_names_only() {
    let mut fw = bakery_with_sections();
    fw.tracks[0].levels[0].source = Some("guild".into());
    let p = withheld(&fw, "bakers/baker");
    let md = markdown::profile(&fw, &p);
    for prose in [
        "the bake list",
        "Two deck ovens",
        "Burns from trays",
        "Rolls sold out by ten",
        "Nothing thrown away at closing",
        "Ordering flour",
        "Bake a batch of rolls.",
        "Runs the early shift alone.",
        "An oven fault",
        "weighed at closing",
        "A bakery's size changes the baker's day most.",
        "Ovens are the heart of the kitchen.",
        "The bakery owns every tool.",
        "Salt in the air",
    ] {
        assert!(!md.contains(prose), "{prose} published without a licence");
    }
    for format in [
        html::profile_page(&fw, &p),
        serde_json::to_string(&p).unwrap(),
    ] {
        assert!(
            !format.contains("Ovens are the heart"),
            "a note published without a licence"
        );
    }
    for name in [
        "Head baker",
        "Other bakers",
        "Front of house",
        "Trial bake (2 hours)",
    ] {
        assert!(md.contains(name), "{name} is a name and stays");
    }
    // The head baker's own sections are its own; what it inherits from the baker is withheld.
    let head = withheld(&fw, "bakers/head-baker");
    let md = markdown::profile(&fw, &head);
    assert!(md.contains("Shop owner") && md.contains("what goes in the window"));
    assert!(!md.contains("Two deck ovens") && !md.contains("## Working environment"));
    assert!(md.contains(&text_withheld_note()), "{md}");
}

fn text_withheld_note() -> String {
    "comes from Bakers' Guild Standard".to_owned()
}

#[test]
fn a_comparison_lists_the_changes_in_blueprint_sections() {
    let fw = bakery_with_sections();
    let d = diff(&fw, "bakers/baker", "bakers/head-baker").unwrap();
    let md = markdown::diff(&fw, &d);
    let collaboration = md
        .split("## Stakeholders")
        .nth(1)
        .expect("a stakeholders section");
    assert!(collaboration.contains("- Internal: Shop owner (what goes in the window)"));
    assert!(collaboration.contains("- Team: Front of house"));
    let progression = md
        .split("## Promotion")
        .nth(1)
        .expect("a promotion section");
    assert!(progression.contains("- Skill: Runs a second shop."));
    assert!(progression.contains("- Scope: A second shop"));
    assert!(progression.contains("- Next level: bakers/head-baker"));
    // Qualifications are inherited unchanged: nothing to list.
    assert!(!md.contains("## Qualifications"));
    // Inherited sections are the same on both sides: no change to list.
    assert!(!md.contains("## Working environment"));
}

// ---------------------------------------------------------------------------------------------------
// Hiring kits

#[test]
fn every_starter_hiring_kit_covers_each_dimension_and_warns_of_unassessed_critical_requirements() {
    let fw = trellis_formats::load(&trellis_formats::starter::starter_files()).framework;
    let mut warned = 0;
    for (id, _, level) in fw.role_levels() {
        let p = withheld(&fw, &id);
        let kit = HiringKit::new(&fw, &p);
        assert_eq!(kit.advert.title, level.title);
        let staged = kit.plan.dimensions();
        for d in &p.interview {
            assert!(
                staged.contains(&d.name.as_str()),
                "{id}: {} in no stage",
                d.name
            );
        }
        let weights: Vec<(&str, u32)> = kit
            .questions
            .iter()
            .map(|q| (q.dimension.as_str(), q.weight))
            .collect();
        let expected: Vec<(&str, u32)> = p
            .interview
            .iter()
            .map(|d| (d.name.as_str(), d.weight))
            .collect();
        assert_eq!(weights, expected, "{id}");
        // A question's anchors are those for 1, 3 and 5 only.
        assert!(
            kit.questions
                .iter()
                .all(|q| q.anchors.iter().all(|(s, _)| [1, 3, 5].contains(s)))
        );
        // Each warning names a critical requirement that no stage assesses.
        for r in p
            .requirements
            .iter()
            .filter(|r| r.importance == Importance::Critical)
        {
            let assessed = kit
                .plan
                .stages
                .iter()
                .any(|s| s.requirements.contains(&r.skill_name));
            let warning = kit
                .plan
                .warnings
                .iter()
                .any(|w| w.contains(&format!("`{}`", r.skill_name)));
            assert_eq!(assessed, !warning, "{id}: {}", r.skill_name);
        }
        warned += kit.plan.warnings.len();
        if level.salary.is_some() {
            assert!(kit.advert.salary.is_some(), "{id}: the salary band");
        }

        let md = hiring::markdown(&kit);
        for heading in [
            "## Job advert",
            "## Interview plan",
            "## Questions by dimension",
        ] {
            assert!(md.contains(heading), "{id}: {heading}");
        }
        let page = hiring::html_page(&fw, &kit);
        let doc = Html::parse_document(&page);
        assert!(doc.errors.is_empty(), "{id}: {:?}", doc.errors);
        for section in ["#advert", "#plan", "#questions"] {
            let select = scraper::Selector::parse(section).unwrap();
            assert_eq!(doc.select(&select).count(), 1, "{id}: {section}");
        }
        let json = serde_json::to_value(&kit).unwrap();
        assert_eq!(
            json["plan"]["stages"].as_array().map(Vec::len),
            Some(kit.plan.stages.len())
        );
    }
    assert!(
        warned > 0,
        "some starter level has an unassessed critical requirement"
    );
}

#[test]
fn a_hiring_kit_from_a_restricted_source_keeps_names_and_weights_only() {
    let mut fw = bakery_with_sections();
    fw.tracks[0].levels[0].source = Some("guild".into());
    let licensed = HiringKit::new(&fw, &resolve(&fw, "bakers/baker").unwrap());
    assert!(licensed.advert.summary.is_some() && licensed.text_withheld.is_none());
    let kit = HiringKit::new(&fw, &withheld(&fw, "bakers/baker"));
    assert_eq!(kit.advert.summary, None);
    assert!(kit.advert.responsibilities.is_empty());
    assert!(kit.questions.iter().all(|q| q.anchors.is_empty()));
    assert_eq!(
        kit.questions.iter().map(|q| q.weight).collect::<Vec<_>>(),
        licensed
            .questions
            .iter()
            .map(|q| q.weight)
            .collect::<Vec<_>>()
    );
    let md = hiring::markdown(&kit);
    assert!(md.contains(&text_withheld_note()), "{md}");
    assert!(!md.contains("Bake a batch of rolls."));
    let page = hiring::html_page(&fw, &kit);
    assert!(page.contains("class=\"note licence-note\""));
    assert!(!page.contains("Bake a batch of rolls."));
}
