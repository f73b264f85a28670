//! The `blueprint` importer: conformance on the seed blueprint (read from `../shared/seeds/` at test
//! time, never copied), a small synthetic blueprint in our own words, bad input, and a property test
//! that no input makes it panic.

mod common;

use common::{assert_round_trip, errors, input, seeds_present};
use proptest::prelude::*;
use trellis_formats::import::{self, Format, ImportOptions, Imported, Input, blueprint};
use trellis_model::{Framework, Importance, ItemGroup, RoleLevel};

const SEED: &str = "blueprint-principal-product-manager.txt";

fn run(inputs: &[Input]) -> Imported {
    common::run(Format::Blueprint, inputs)
}

/// The seed blueprint imported, or `None` when the seed folder is absent.
fn seed() -> Option<Imported> {
    seeds_present().then(|| run(&[common::seed(SEED)]))
}

fn only_level(fw: &Framework) -> &RoleLevel {
    let levels: Vec<&RoleLevel> = fw.tracks.iter().flat_map(|t| &t.levels).collect();
    assert_eq!(levels.len(), 1, "one role level per blueprint");
    levels[0]
}

fn importance_of(fw: &Framework, name: &str) -> Importance {
    let skill = fw
        .skills
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no skill named {name}"));
    only_level(fw)
        .requirements
        .iter()
        .find(|r| r.skill == skill.id)
        .unwrap_or_else(|| panic!("{name} is not required"))
        .importance
}

// ---------------------------------------------------------------------------------------------------
// The seed blueprint

#[test]
fn seed_gives_the_role_level_with_its_kpis_skills_tools_tiers_and_scorecard() {
    let Some(imported) = seed() else { return };
    let fw = &imported.framework;
    let level = only_level(fw);
    assert_eq!(level.title, "Principal Product Manager");
    assert_eq!(fw.tracks[0].name, "Product Management");
    assert!(
        level
            .summary
            .as_deref()
            .is_some_and(|s| s.starts_with("The Principal Product Manager"))
    );
    assert!(level.scope.is_some());

    // KPIs: 22, each with all five columns.
    assert_eq!(level.kpis.len(), 22);
    let activation = level
        .kpis
        .iter()
        .find(|k| k.metric == "Activation rate")
        .expect("Activation rate KPI");
    assert_eq!(activation.frequency.as_deref(), Some("Weekly/Monthly"));
    assert_eq!(
        activation.why.as_deref(),
        Some("Strong predictor of retention and conversion")
    );
    assert!(
        activation
            .measures
            .as_deref()
            .is_some_and(|m| m.starts_with("% of new accounts"))
    );
    assert!(
        activation
            .target
            .as_deref()
            .is_some_and(|t| t.contains("2 quarters"))
    );
    assert!(level.kpis.iter().all(|k| k.measures.is_some()
        && k.why.is_some()
        && k.target.is_some()
        && k.frequency.is_some()));

    // Skills: 20 technical and 9 behavioural, all required by the level, all from the blueprint source.
    let technical = fw
        .skills
        .iter()
        .filter(|s| s.category.as_deref() == Some("Technical"))
        .count();
    let soft = fw
        .skills
        .iter()
        .filter(|s| s.category.as_deref() == Some("Behavioural"))
        .count();
    assert_eq!((technical, soft), (20, 9));
    assert_eq!(level.requirements.len(), 29);
    assert!(
        fw.skills
            .iter()
            .all(|s| s.source.as_deref() == Some(blueprint::SOURCE_ID))
    );
    assert_eq!(
        importance_of(fw, "Product analytics and KPI design"),
        Importance::Critical
    );
    assert_eq!(
        importance_of(fw, "Multi-product dependency and program leadership"),
        Importance::Critical
    );
    assert_eq!(
        importance_of(fw, "Agile/Scrum/Kanban delivery literacy"),
        Importance::Important
    );
    assert_eq!(
        importance_of(fw, "API product management basics"),
        Importance::Important
    );
    assert_eq!(
        importance_of(fw, "Observability literacy"),
        Importance::Optional
    );
    // Context-specific: optional, with a note and a warning.
    assert_eq!(
        importance_of(fw, "Responsible AI and governance"),
        Importance::Optional
    );
    let responsible = fw
        .skills
        .iter()
        .find(|s| s.name == "Responsible AI and governance")
        .unwrap();
    assert!(
        responsible
            .guidance
            .as_deref()
            .is_some_and(|g| g.contains("Context-specific"))
    );
    assert!(
        imported
            .report
            .warnings
            .iter()
            .any(|w| w.kind == "context-specific" && w.message.contains("Responsible AI"))
    );
    // Soft skills state no importance: important, with one warning.
    assert_eq!(
        importance_of(fw, "Strategic judgment"),
        Importance::Important
    );
    assert!(
        imported
            .report
            .warnings
            .iter()
            .any(|w| w.kind == "missing-importance")
    );
    let product_analytics = fw
        .skills
        .iter()
        .find(|s| s.name == "Product analytics and KPI design")
        .unwrap();
    assert_eq!(
        product_analytics.subcategory.as_deref(),
        Some("Must-have technical skills")
    );
    assert!(
        product_analytics
            .description
            .as_deref()
            .is_some_and(|d| d.starts_with("Defining metrics trees"))
    );

    // Tools: 35 rows.
    assert_eq!(level.tools.len(), 35);
    let jira = level.tools.iter().find(|t| t.name == "Jira").expect("Jira");
    assert_eq!(
        jira.category.as_deref(),
        Some("Project / product management")
    );
    assert!(jira.purpose.is_some());

    // Decision rights: four approval tiers, the authority notes are not a fifth.
    assert_eq!(level.decision_rights.len(), 4);
    assert!(
        level.decision_rights[0]
            .tier
            .starts_with("Can decide independently")
    );
    assert!(
        level.decision_rights[3]
            .tier
            .starts_with("Requires executive approval")
    );
    assert!(level.decision_rights.iter().all(|t| !t.items.is_empty()));

    // Interview scorecard: 8 dimensions summing to 100, the "excellent" text at score 5.
    assert_eq!(level.interview.len(), 8);
    assert_eq!(level.interview.iter().map(|d| d.weight).sum::<u32>(), 100);
    let strategy = &level.interview[0];
    assert_eq!(
        (strategy.name.as_str(), strategy.weight),
        ("Strategy & judgment", 20)
    );
    assert_eq!(
        strategy.anchors.keys().copied().collect::<Vec<u8>>(),
        vec![5]
    );

    // Themes of responsibility come through as groups.
    assert!(
        level
            .responsibilities
            .iter()
            .any(|g| g.group == "Strategic responsibilities" && g.items.len() == 6)
    );
    assert!(
        level
            .responsibilities
            .iter()
            .any(|g| g.group.starts_with("Goals: 30-day goals"))
    );

    // Career path: no other level was imported, so no links, and the names are in the report.
    assert_eq!((level.previous.as_ref(), level.next.as_ref()), (None, None));
    let skipped = |name: &str| {
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.what.contains(name))
    };
    assert!(skipped("Senior Product Manager") && skipped("Director of Product Management"));

    // Provenance: the blueprint source, not redistributable.
    let source = fw.source(blueprint::SOURCE_ID).expect("blueprint source");
    assert_eq!(source.name, "Role blueprint");
    assert!(!source.redistributable);
    assert_eq!(
        source.licence.as_deref(),
        Some("copyright of its publisher; check before publishing")
    );

    assert_eq!(errors(fw), Vec::<String>::new());
}

/// Items of each group, in order.
fn group_sizes(groups: &[ItemGroup]) -> Vec<usize> {
    groups.iter().map(|g| g.items.len()).collect()
}

#[test]
fn seed_gives_the_rest_of_the_blueprint_section_by_section() {
    let Some(imported) = seed() else { return };
    let fw = &imported.framework;
    let level = only_level(fw);

    // Role summary: the horizon and the ten teams the role works with.
    assert!(
        level
            .horizon
            .as_deref()
            .is_some_and(|h| h.starts_with("Current"))
    );
    let c = level.collaboration.as_ref().expect("a stakeholder map");
    assert_eq!(c.teams.len(), 10);
    assert!(c.teams[0].starts_with("Engineering ("), "{:?}", c.teams);

    // Stakeholders: 11 internal, each with what the role works on with them; 3 external, 4 peers,
    // 4 upstream and 4 downstream dependencies, 3 ways of working, 4 escalation points.
    assert_eq!(c.internal.len(), 11);
    assert!(c.internal.iter().all(|s| s.purpose.is_some()));
    assert_eq!(c.internal[0].name, "VP Product / Head of Product");
    assert_eq!(c.internal[10].name, "Legal");
    assert_eq!(c.external.len(), 3);
    assert!(c.external.iter().all(|s| s.purpose.is_none()));
    assert_eq!(
        (c.peers.len(), c.upstream.len(), c.downstream.len()),
        (4, 4, 4)
    );
    assert_eq!(c.ways_of_working.len(), 3);
    assert_eq!(c.escalations.len(), 4);
    assert!(c.escalations.iter().all(|e| e.to.is_some()));
    assert_eq!(c.escalations[0].to.as_deref(), Some("Director/GVP Product"));

    // Notes on measurement under the KPI table; how common each tool is.
    assert_eq!(level.kpi_notes.len(), 2);
    assert!(level.tools.iter().all(|t| t.prevalence.is_some()));
    let jira = level.tools.iter().find(|t| t.name == "Jira").unwrap();
    assert_eq!(jira.prevalence.as_deref(), Some("Common"));

    // Environment: 8 groups, the headings with only a sub-heading under them joined to it.
    assert_eq!(group_sizes(&level.environment), [4, 3, 4, 3, 3, 2, 5, 3]);
    assert_eq!(level.environment[0].group, "Infrastructure environment");
    assert!(
        level.environment[6]
            .group
            .starts_with("Scale or complexity context: ")
    );

    // Experience and qualifications: 6 groups, 16 items.
    assert_eq!(group_sizes(&level.experience), [2, 2, 3, 4, 3, 2]);
    assert_eq!(level.experience[0].group, "Typical years of experience");

    // Career path: 4 roles people come from, 4 they move on to, 4 adjacent paths, 5 skills needed
    // for promotion, 3 stages of how the role evolves.
    let career = level.career.as_ref().expect("a career path");
    assert_eq!(
        (
            career.from.len(),
            career.to.len(),
            career.adjacent.len(),
            career.promotion.len(),
            career.evolution.len()
        ),
        (4, 4, 4, 5, 3)
    );
    assert_eq!(career.from[0], "Senior Product Manager (most common)");
    assert!(career.promotion[0].starts_with("Demonstrated portfolio-level impact"));

    // Risks (5 groups, 25 items), variants (6 groups), AI impact (6 groups).
    assert_eq!(group_sizes(&level.risks), [5, 4, 6, 5, 5]);
    assert_eq!(level.risks[2].group, "Anti-patterns (what to avoid)");
    assert_eq!(group_sizes(&level.variants), [8, 3, 4, 2, 2, 2]);
    assert_eq!(group_sizes(&level.ai_impact), [6, 6, 1, 3, 3, 4]);

    // Hiring guidance: what to assess in 7 areas of 13 questions (20 lines in the blueprint),
    // 4 exercises each with its prompt and what it evaluates, 6 strong and 6 weak signals, 5 red
    // flags, and how to score.
    let h = level.hiring.as_ref().expect("hiring guidance");
    assert!(
        h.focus
            .as_deref()
            .is_some_and(|f| f.starts_with("Hiring for a Principal PM"))
    );
    assert_eq!(h.assess.len(), 7);
    assert_eq!(group_sizes(&h.assess), [2, 2, 2, 2, 2, 2, 1]);
    assert_eq!(
        h.assess.len() + group_sizes(&h.assess).iter().sum::<usize>(),
        20
    );
    assert_eq!(h.assess[0].group, "Product strategy and judgment");
    assert_eq!(h.exercises.len(), 4);
    assert!(
        h.exercises
            .iter()
            .all(|e| e.prompt.is_some() && e.evaluates.is_some())
    );
    assert_eq!(
        h.exercises[1].name,
        "Product analytics exercise (45–60 minutes)"
    );
    assert!(
        h.exercises[0]
            .evaluates
            .as_deref()
            .is_some_and(|e| e.ends_with("sequencing")),
        "the next exercise's name is split off: {:?}",
        h.exercises[0].evaluates
    );
    assert_eq!(
        (
            h.strong_signals.len(),
            h.weak_signals.len(),
            h.red_flags.len()
        ),
        (6, 6, 5)
    );
    assert!(h.scoring.as_deref().is_some_and(|s| s.contains("1–5")));

    // The final summary's reporting line.
    assert!(
        level
            .reports_to
            .as_deref()
            .is_some_and(|r| r.starts_with("Typically Director of Product Management"))
    );

    // What is left out: the introductions of sections, the final summary's repeats and the career
    // links to roles not imported alongside; no whole section.
    let skipped = &imported.report.skipped;
    assert!(
        skipped.iter().all(|s| s.what.contains("introduction")
            || s.what.starts_with("section 20")
            || s.what.starts_with("career path: ")),
        "{skipped:#?}"
    );
    for section in [
        "Typical Tech Stack",
        "Stakeholders and Collaboration Map",
        "Required Experience",
        "Risks, Challenges",
        "AI / Automation Impact",
    ] {
        assert!(
            !skipped
                .iter()
                .any(|s| s.what.contains(section) && !s.what.contains("introduction")),
            "{section} is skipped: {skipped:#?}"
        );
    }
    assert_eq!(errors(fw), Vec::<String>::new());
}

#[test]
fn seed_advert_is_dropped_with_a_warning_naming_it() {
    let Some(imported) = seed() else { return };
    let json = serde_json::to_string(&imported.framework).unwrap();
    for advert in [
        "Cardiac",
        "Hospitals",
        "heart hospitals",
        "Explore Hospitals",
    ] {
        assert!(!json.contains(advert), "{advert} leaked into the framework");
    }
    let warning = imported
        .report
        .warnings
        .iter()
        .find(|w| w.kind == "junk-tail")
        .expect("a junk-tail warning");
    assert!(
        warning.message.contains("Find Trusted Cardiac Hospitals"),
        "{}",
        warning.message
    );
    assert!(
        warning.line.is_some()
            && warning
                .file
                .ends_with("blueprint-principal-product-manager.txt")
    );
}

#[test]
fn seed_round_trips_through_the_writer_and_loader() {
    let Some(Imported { framework: fw, .. }) = seed() else {
        return;
    };
    assert_round_trip(&fw);
}

#[test]
fn seed_report_counts_match_the_framework() {
    let Some(imported) = seed() else { return };
    let counts = &imported.report.counts;
    assert_eq!(
        (
            counts.kpis,
            counts.tools,
            counts.interview_dimensions,
            counts.skills
        ),
        (22, 35, 8, 29)
    );
    assert_eq!(counts.stakeholders, 14);
    let level = only_level(&imported.framework);
    let items = |g: &[ItemGroup]| g.iter().map(|g| g.items.len()).sum::<usize>();
    let h = level.hiring.as_ref().unwrap();
    // horizon and reporting line, 2 KPI notes; 10 teams, 4 peers, 4 + 4 dependencies, 3 ways of
    // working, 4 escalations; the grouped sections; 20 career entries; the hiring guidance: focus,
    // 13 questions, 4 exercises, 17 signals and flags, scoring.
    let grouped = items(&level.environment)
        + items(&level.experience)
        + items(&level.risks)
        + items(&level.variants)
        + items(&level.ai_impact);
    assert_eq!(grouped, 27 + 16 + 25 + 21 + 23);
    assert_eq!(items(&h.assess), 13);
    assert_eq!(
        counts.section_items,
        2 + 2 + (10 + 4 + 4 + 4 + 3 + 4) + grouped + 20 + (1 + 13 + 4 + 17 + 1)
    );
    assert_eq!(imported.report.format, "blueprint");
}

// ---------------------------------------------------------------------------------------------------
// A synthetic blueprint, in our own words

const GARDENER: &str = "Role blueprint: Staff Data Gardener

1) Role Summary
The Staff Data Gardener (SDG) tends the shared data allotment so that every team can harvest numbers it trusts.
- Role horizon: Emerging
2) Role Mission
Core mission:
Keep the allotmentâ€™s paths weeded, labelled and safe to walk.
3) Core Responsibilities
Cultivation
- Plant schemas: agree table shapes with the teams that feed them.
- Prune pipelines: retire jobs nobody reads any more.
- Set direction: Principal Engineers set the technical direction for the garden.
Care of others
- Teach seedlings: pair with newer analysts on their first models.
7) KPIs and Productivity Metrics
| Metric name | What it measures | Why it matters | Example target / benchmark | Frequency |
|---|---|---|---|---|
| Fresh tables | Share of tables refreshed on time | Stale numbers mislead | 95% | Weekly |
| Weed count | Unused jobs removed | Fewer jobs, fewer failures | |
8) Technical Skills Required
Must-have technical skills
- Schema gardening (Critical)
- Description: Shaping tables that people can read without a guide
- Use: Reviews, migrations
- Soil chemistry (Context-specific)
- Use: Only where the data comes from field sensors
9) Soft Skills and Behavioral Capabilities
- Patience (Important)
- Why it matters: Gardens grow slowly
10) Tools, Platforms, and Software
| Category | Tool / platform | Primary use | Common / Optional / Context-specific |
|---|---|---|---|
| Watering | Hosepipe | Keeping pipelines fed | Common |
| Labelling | Label maker | | Optional |
13) Decision Rights and Scope of Authority
Can decide independently
- Which beds to weed first
Requires manager approval
- Digging up a whole bed
15) Career Path and Progression
Common feeder roles into Staff Data Gardener
- Senior Data Gardener (most common)
Next likely roles after this role
- Head Gardener
- Orchard Keeper
19) Hiring Evaluation Criteria
| Dimension | What \u{201c}excellent\u{201d} looks like | Weight |
|---|---|---|
| Growing | Grows things that last | 60% |
| Teaching | Others grow too | 40% |
20) Final Role Scorecard Summary
| Category | Summary |
|---|---|
| Role title | Staff Data Gardener |
Book a luxury garden shed today, best price near you
";

const SENIOR_GARDENER: &str = "1) Role Summary
The Senior Data Gardener is the keeper of one bed of the data allotment.
3) Core Responsibilities
Cultivation
- Weed a bed: remove stale tables from one area.
8) Technical Skills Required
- Schema gardening (Important)
- Description: Shaping tables that people can read without a guide
15) Career Path and Progression
Next likely roles after this role
- Staff Data Gardener
";

const HEAD_GARDENER: &str = "1) Role Summary
The Head Gardener is the one who decides what the whole allotment grows.
3) Core Responsibilities
Stewardship
- Plan seasons: choose which beds rest and which are planted.
15) Career Path and Progression
Common feeder roles into Head Gardener
- Staff Data Gardener
";

#[test]
fn synthetic_blueprint_reads_every_part_and_reports_its_defects() {
    let imported = run(&[input("gardener.txt", GARDENER)]);
    let fw = &imported.framework;
    let report = &imported.report;
    let level = only_level(fw);
    let kinds: Vec<&str> = report.warnings.iter().map(|w| w.kind.as_str()).collect();

    // The title from the scorecard summary; the track without the seniority word.
    assert_eq!(level.title, "Staff Data Gardener");
    assert_eq!(fw.tracks[0].name, "Data Gardener");
    // Mojibake repaired, with a warning on its line.
    assert_eq!(
        level.scope.as_deref(),
        Some("Keep the allotment\u{2019}s paths weeded, labelled and safe to walk.")
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.kind == "mojibake" && w.line == Some(8)),
        "{kinds:?}"
    );
    // A template leak: an engineering role in a gardening profile.
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.kind == "template-leak" && w.message.contains("principal engineers")),
        "{kinds:?}"
    );

    // The KPI row with missing cells: kept, the gaps empty, and a warning naming them.
    assert_eq!(level.kpis.len(), 2);
    let weeds = &level.kpis[1];
    assert_eq!(
        (
            weeds.metric.as_str(),
            weeds.target.as_ref(),
            weeds.frequency.as_ref()
        ),
        ("Weed count", None, None)
    );
    let missing = report
        .warnings
        .iter()
        .find(|w| w.kind == "missing-cell" && w.message.contains("Weed count"))
        .unwrap();
    assert!(
        missing.message.contains("target") && missing.message.contains("frequency"),
        "{}",
        missing.message
    );
    // The tool with no purpose.
    assert_eq!(level.tools.len(), 2);
    assert_eq!(level.tools[1].purpose, None);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.kind == "missing-cell" && w.message.contains("Label maker"))
    );

    // Context-specific importance: optional, a note in the guidance, a warning.
    assert_eq!(importance_of(fw, "Soil chemistry"), Importance::Optional);
    assert_eq!(importance_of(fw, "Schema gardening"), Importance::Critical);
    assert_eq!(importance_of(fw, "Patience"), Importance::Important);
    let soil = fw
        .skills
        .iter()
        .find(|s| s.name == "Soil chemistry")
        .unwrap();
    assert!(
        soil.guidance
            .as_deref()
            .is_some_and(|g| g.contains("Use: Only where") && g.contains("Context-specific"))
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.kind == "context-specific" && w.message.contains("Soil chemistry"))
    );
    let patience = fw.skills.iter().find(|s| s.name == "Patience").unwrap();
    assert_eq!(patience.category.as_deref(), Some("Behavioural"));
    assert_eq!(patience.description.as_deref(), Some("Gardens grow slowly"));

    assert_eq!(level.decision_rights.len(), 2);
    assert_eq!(
        level
            .interview
            .iter()
            .map(|d| (d.name.as_str(), d.weight))
            .collect::<Vec<_>>(),
        vec![("Growing", 60), ("Teaching", 40)]
    );
    assert_eq!(
        level.interview[0].anchors.get(&5).map(String::as_str),
        Some("Grows things that last")
    );
    assert_eq!(
        level
            .responsibilities
            .iter()
            .map(|g| g.group.as_str())
            .collect::<Vec<_>>(),
        vec!["Cultivation", "Care of others"]
    );

    // The tail is dropped with a warning quoting it.
    let json = serde_json::to_string(fw).unwrap();
    assert!(
        !json.contains("garden shed") && !json.contains("luxury"),
        "the tail leaked: {json}"
    );
    let tail = report
        .warnings
        .iter()
        .find(|w| w.kind == "junk-tail")
        .expect("junk-tail warning");
    assert!(
        tail.message.contains("Book a luxury garden shed"),
        "{}",
        tail.message
    );
    // Unresolvable career links are reported by name, not set.
    assert!(level.previous.is_none() && level.next.is_none());
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.what.contains("Orchard Keeper"))
    );

    assert_eq!(errors(fw), Vec::<String>::new());
    assert_round_trip(fw);
}

#[test]
fn several_blueprints_make_a_track_in_seniority_order_with_links_between_them() {
    let imported = run(&[
        input("head.txt", HEAD_GARDENER),
        input("staff.txt", GARDENER),
        input("senior.txt", SENIOR_GARDENER),
    ]);
    let fw = &imported.framework;
    assert_eq!(errors(fw), Vec::<String>::new());
    let gardening = fw.track("data-gardener").expect("data-gardener track");
    let titles: Vec<&str> = gardening.levels.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, vec!["Senior Data Gardener", "Staff Data Gardener"]);
    // Within the track the order is the link; across tracks the link is explicit, both ways.
    let staff = &gardening.levels[1];
    assert_eq!(staff.previous, None);
    assert_eq!(staff.next.as_deref(), Some("gardener/head-gardener"));
    let (_, _, head) = fw
        .role_level("gardener/head-gardener")
        .expect("head gardener");
    assert_eq!(
        head.previous.as_deref(),
        Some("data-gardener/staff-data-gardener")
    );
    // The shared skill is one skill, required by both levels at their own importance.
    assert_eq!(
        fw.skills
            .iter()
            .filter(|s| s.name == "Schema gardening")
            .count(),
        1
    );
    let importance = |level: &RoleLevel| {
        level
            .requirements
            .iter()
            .find(|r| r.skill == "schema-gardening")
            .map(|r| r.importance)
    };
    assert_eq!(
        importance(&gardening.levels[0]),
        Some(Importance::Important)
    );
    assert_eq!(importance(staff), Some(Importance::Critical));
    // The name that matches nothing is still reported.
    assert!(
        imported
            .report
            .skipped
            .iter()
            .any(|s| s.what.contains("Orchard Keeper"))
    );
    assert_round_trip(fw);
}

/// A blueprint of every context section, in our own words, with the shapes flattened blueprints
/// take: sub-headings with only a sub-heading under them, run-on exercise lines, short bullets
/// among the signals, escalations without a recipient.
const BEEKEEPER: &str = "1) Role Summary
The Senior Beekeeper looks after the apiary.
- Role horizon: Emerging (more common each year)
- Typical team interactions:
- Orchard (pruning, picking), Honey house, Farm shop
3) Core Responsibilities
- Inspect hives: weekly, in season.
7) KPIs and Productivity Metrics
| Metric name | What it measures | Why it matters | Example target / benchmark | Frequency |
|---|---|---|---|---|
| Honey yield | Kilograms a hive | Pays for the bees | 20 kg | Yearly |
Notes on measurement: \u{2013} Weigh frames, not jars. \u{2013} Compare hives of one age.
10) Tools, Platforms, and Software
| Category | Tool / platform | Primary use | Common / Optional / Context-specific |
|---|---|---|---|
| Protection | Veil | Keeping stings off | Common |
| Protection | Smoker | Calming a colony | |
11) Typical Tech Stack / Environment
Apiary set-up
- Twelve hives on the south slope
Season
- Works across:
- Spring build-up
- Summer flow
12) Stakeholders and Collaboration Map
Internal stakeholders
- Orchard manager: pollination dates, spraying
- Honey house
External stakeholders (as applicable)
- Swarm callers: collections
Peer roles
- Other beekeepers nearby
Upstream dependencies
- Sugar deliveries
Downstream consumers
- The farm shop
Nature of collaboration
- Spray calendar: agreed before blossom
Escalation points
- A swarm on the road \u{2192} The farm manager
- Suspected foulbrood
Things we like
- Honey cake
14) Required Experience and Qualifications
Typical years of experience
- Three seasons with a colony of your own
Certifications (optional)
- Basic beekeeping certificate
15) Career Path and Progression
Common feeder roles into Senior Beekeeper
- Beekeeper (most common)
Next likely roles after this role
- Head of Apiaries
Adjacent career paths
- Queen rearing
Skills needed for promotion (Senior \u{2192} Head)
- Runs an apiary through a poor summer
How this role evolves over time
- Early: learns the colonies
16) Risks, Challenges, and Failure Modes
Common role challenges
- Stings in a heatwave
Anti-patterns (what to avoid)
- Opening hives in the rain
17) Role Variants
By climate
- Hill farms: fewer hives, later flow
18) AI / Automation Impact on the Role
Tasks that can be automated
- Hive scales that report weight
19) Hiring Evaluation Criteria
Hiring should test for calm, care and patience.
What to assess in interviews
- Calm with bees
- How do they move around an open hive?
- Care
- Do they check the queen?
Practical exercises or case studies (recommended)
- Hive inspection (30 minutes)
\u{2013} Prompt: Inspect a colony and say what you see
\u{2013} Evaluate: calm, care - Frame reading (10 minutes)
\u{2013} Prompt: Read a frame of brood
\u{2013} Evaluate: accuracy
Strong candidate signals
- Steady hands
- Keeps notes of every inspection
Weak candidate signals
- Rushes the smoker
Red flags
- Crushes bees
Interview scorecard dimensions (suggested)
Score each from 1 to 5.
| Dimension | What \u{201c}excellent\u{201d} looks like | Weight |
|---|---|---|
| Calm | Calm at all times | 100% |
20) Final Role Scorecard Summary
| Category | Summary |
|---|---|
| Role title | Senior Beekeeper |
| Reports to | The farm manager |
";

#[test]
fn synthetic_blueprint_gives_every_context_section() {
    let imported = run(&[input("beekeeper.txt", BEEKEEPER)]);
    let fw = &imported.framework;
    let level = only_level(fw);
    let report = &imported.report;

    assert_eq!(
        level.horizon.as_deref(),
        Some("Emerging (more common each year)")
    );
    assert_eq!(level.reports_to.as_deref(), Some("The farm manager"));
    assert_eq!(
        level.kpi_notes,
        ["Weigh frames, not jars.", "Compare hives of one age."]
    );
    let prevalence: Vec<Option<&str>> = level
        .tools
        .iter()
        .map(|t| t.prevalence.as_deref())
        .collect();
    assert_eq!(prevalence, [Some("Common"), None]);

    let c = level.collaboration.as_ref().unwrap();
    assert_eq!(
        c.teams,
        ["Orchard (pruning, picking)", "Honey house", "Farm shop"]
    );
    let internal: Vec<(&str, Option<&str>)> = c
        .internal
        .iter()
        .map(|s| (s.name.as_str(), s.purpose.as_deref()))
        .collect();
    assert_eq!(
        internal,
        [
            ("Orchard manager", Some("pollination dates, spraying")),
            ("Honey house", None)
        ]
    );
    assert_eq!(c.external[0].purpose.as_deref(), Some("collections"));
    assert_eq!(c.peers, ["Other beekeepers nearby"]);
    assert_eq!(
        (
            c.upstream.len(),
            c.downstream.len(),
            c.ways_of_working.len()
        ),
        (1, 1, 1)
    );
    assert_eq!(c.escalations[0].issue, "A swarm on the road");
    assert_eq!(c.escalations[0].to.as_deref(), Some("The farm manager"));
    assert_eq!(
        (c.escalations[1].issue.as_str(), &c.escalations[1].to),
        ("Suspected foulbrood", &None)
    );
    // A list under a heading of no stakeholder map is reported, not guessed at.
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.what.contains("Things we like")),
        "{:#?}",
        report.skipped
    );

    // A heading with only a sub-heading under it names its context.
    let env: Vec<(&str, usize)> = level
        .environment
        .iter()
        .map(|g| (g.group.as_str(), g.items.len()))
        .collect();
    assert_eq!(env, [("Apiary set-up", 1), ("Season: Works across", 2)]);
    assert_eq!(level.experience[1].group, "Certifications (optional)");

    let career = level.career.as_ref().unwrap();
    assert_eq!(career.from, ["Beekeeper (most common)"]);
    assert_eq!(career.to, ["Head of Apiaries"]);
    assert_eq!(career.adjacent, ["Queen rearing"]);
    assert_eq!(career.promotion, ["Runs an apiary through a poor summer"]);
    assert_eq!(career.evolution, ["Early: learns the colonies"]);

    assert_eq!(level.risks.len(), 2);
    assert_eq!(
        level.variants[0].items,
        ["Hill farms: fewer hives, later flow"]
    );
    assert_eq!(level.ai_impact[0].group, "Tasks that can be automated");

    let h = level.hiring.as_ref().unwrap();
    assert_eq!(
        h.focus.as_deref(),
        Some("Hiring should test for calm, care and patience.")
    );
    let areas: Vec<(&str, usize)> = h
        .assess
        .iter()
        .map(|g| (g.group.as_str(), g.items.len()))
        .collect();
    assert_eq!(areas, [("Calm with bees", 1), ("Care", 1)]);
    let exercises: Vec<(&str, Option<&str>, Option<&str>)> = h
        .exercises
        .iter()
        .map(|e| (e.name.as_str(), e.prompt.as_deref(), e.evaluates.as_deref()))
        .collect();
    assert_eq!(
        exercises,
        [
            (
                "Hive inspection (30 minutes)",
                Some("Inspect a colony and say what you see"),
                Some("calm, care")
            ),
            (
                "Frame reading (10 minutes)",
                Some("Read a frame of brood"),
                Some("accuracy")
            ),
        ]
    );
    // A short bullet followed by another is an item of the signals, not a lost heading.
    assert_eq!(
        h.strong_signals,
        ["Steady hands", "Keeps notes of every inspection"]
    );
    assert_eq!((h.weak_signals.len(), h.red_flags.len()), (1, 1));
    assert_eq!(h.scoring.as_deref(), Some("Score each from 1 to 5."));
    assert_eq!(level.interview.len(), 1);

    assert_eq!(imported.report.counts.stakeholders, 3);
    assert_eq!(errors(fw), Vec::<String>::new());
    assert_round_trip(fw);
}

#[test]
fn interview_weights_that_do_not_sum_to_100_are_rescaled_with_a_warning() {
    let text = "1) Role Summary
The Orchard Keeper is the person who looks after fruit trees.
3) Core Responsibilities
- Prune trees: in winter.
19) Hiring Evaluation Criteria
| Dimension | What excellent looks like | Weight | 1 |
|---|---|---|---|
| Pruning | Clean cuts | 2 | Tears bark |
| Picking | Gentle hands | 1 | |
";
    let imported = run(&[input("orchard.txt", text)]);
    let level = only_level(&imported.framework);
    assert_eq!(
        level.interview.iter().map(|d| d.weight).collect::<Vec<_>>(),
        vec![67, 33]
    );
    assert_eq!(
        level.interview[0].anchors.get(&1).map(String::as_str),
        Some("Tears bark")
    );
    assert_eq!(
        level.interview[0].anchors.get(&5).map(String::as_str),
        Some("Clean cuts")
    );
    assert!(
        imported
            .report
            .warnings
            .iter()
            .any(|w| w.kind == "interview-weights")
    );
    assert_eq!(errors(&imported.framework), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------------
// Bad input

fn error_of(name: &str, bytes: &[u8]) -> String {
    match import::import(
        Format::Blueprint,
        &[input(name, bytes)],
        &ImportOptions::default(),
    ) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_input_is_refused_with_the_file_named() {
    let empty = error_of("empty.txt", b"");
    assert!(
        empty.contains("empty.txt") && empty.contains("empty"),
        "{empty}"
    );
    let blank = error_of("blank.txt", b"  \n\n ");
    assert!(blank.contains("blank.txt"), "{blank}");
    let binary = error_of(
        "image.png",
        &[
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xd8,
        ],
    );
    assert!(binary.contains("image.png"), "{binary}");
    let prose = error_of(
        "notes.md",
        b"# Meeting notes\n\nWe talked about the roadmap.\n- ship it\n",
    );
    assert!(
        prose.contains("notes.md") && prose.contains("not a role blueprint"),
        "{prose}"
    );
    let todo = error_of("todo.txt", b"1) Buy milk\n2) Walk the dog\n3) Call home\n");
    assert!(
        todo.contains("todo.txt") && todo.contains("not a role blueprint"),
        "{todo}"
    );
    // One bad file among good ones fails the import and names the bad one.
    let inputs = [input("good.txt", GARDENER), input("bad.txt", [0xc3, 0x28])];
    let err = import::import(Format::Blueprint, &inputs, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.txt"), "{err}");
}

#[test]
fn a_truncated_blueprint_still_imports_what_it_has() {
    let cut = GARDENER.split("10) Tools").next().unwrap();
    let imported = run(&[input("cut.txt", cut)]);
    assert_eq!(only_level(&imported.framework).kpis.len(), 2);
    assert_eq!(errors(&imported.framework), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------------
// Property tests: no input makes the importer panic, and whatever it accepts checks without errors

const SECTION_TITLES: [&str; 21] = [
    "Role Summary",
    "Role Mission",
    "Core Responsibilities",
    "Day-to-Day Activities",
    "Key Deliverables",
    "Goals",
    "KPIs",
    "Technical Skills",
    "Soft Skills",
    "Tools",
    "Tech Stack / Environment",
    "Stakeholders and Collaboration Map",
    "Decision Rights",
    "Required Experience",
    "Career Path",
    "Risks",
    "Role Variants",
    "AI / Automation Impact",
    "Hiring Evaluation Criteria",
    "Final Role Scorecard Summary",
    "Something Else",
];

/// Titles shared between generated files, so that career links between them resolve.
const TITLES: [&str; 6] = [
    "Senior Gardener",
    "Staff Gardener",
    "Head Gardener",
    "Lead Gardener",
    "Gardener",
    "Principal Pruner",
];

fn title() -> impl Strategy<Value = &'static str> {
    prop::sample::select(TITLES.to_vec())
}

/// A weighted scorecard table, weights anywhere from 0 to 200.
fn scorecard() -> impl Strategy<Value = String> {
    prop::collection::vec(
        ("[A-Z][a-z]{0,6}", "[a-z ]{0,8}", 0u32..200, any::<bool>()),
        0..6,
    )
    .prop_map(|rows| {
        let mut t =
            "| Dimension | What excellent looks like | Weight | 2 |\n|---|---|---|---|".to_owned();
        for (name, excellent, weight, percent) in rows {
            t.push_str(&format!(
                "\n| {name} | {excellent} | {weight}{} | x |",
                if percent { "%" } else { "" }
            ));
        }
        t
    })
}

fn body_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ]{0,20}( \\((Critical|Important|Optional|Context-specific)[a-z ]{0,6}\\))?"
            .prop_map(|s| format!("- {s}")),
        "(Description|Use|Why it matters|Strong performance): [a-z ]{0,10}",
        "\\|( ?[A-Za-z0-9%.\u{201c}-]{0,6} ?\\|){0,6}",
        Just("|---|---|---|".to_owned()),
        "\\| (Metric name|Category|Role title) \\| (What it measures|Tool|Summary) \\| [a-z0-9%]{0,4} \\|",
        "\\| [A-Z][a-z]{0,6} \\| [a-z ]{0,6} \\| [0-9]{0,3}%? \\|",
        scorecard(),
        "(Can decide|Requires approval|Common feeder roles into|Next likely roles after|Adjacent paths|Skills needed for promotion|How this role evolves)[a-z ]{0,8}",
        "(Internal stakeholders|External stakeholders|Peer roles|Upstream dependencies|Downstream consumers|Escalation points|Nature of collaboration|Typical team interactions:)",
        "(What to assess|Practical exercises|Strong candidate signals|Weak candidate signals|Red flags|Interview scorecard)[a-z ]{0,6}",
        "- [A-Za-z ]{1,12}: [a-z ,]{0,12}",
        "- [A-Za-z ]{1,12} (\u{2192}|->) [A-Za-z ]{0,8}",
        "\u{2013} (Prompt|Evaluate): [a-z ,]{0,12}( - [A-Z][a-z]{0,6} \\([0-9]{1,2} minutes\\))?",
        "- Role horizon: [A-Za-z ]{0,10}",
        title().prop_map(|t| format!("- {t}")),
        title().prop_map(|t| format!("The {t} is someone who tends things.")),
        title().prop_map(|t| format!("| Role title | {t} |")),
        "[A-Z][a-z]{0,8}( \u{2013} [a-z]{1,5}){0,3}",
        Just("-".to_owned()),
        ".{0,30}",
    ]
}

/// Numbered sections with blueprint-like bodies, so that many samples import and are checked.
fn blueprint_file() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(SECTION_TITLES.to_vec()),
            prop::collection::vec(body_line(), 0..8),
        ),
        0..10,
    )
    .prop_map(|sections| {
        let mut text = String::new();
        for (i, (title, body)) in sections.iter().enumerate() {
            text.push_str(&format!("{}) {title}\n", i + 1));
            for line in body {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    })
}

/// A minimal blueprint with a title from [`TITLES`] and a career path naming others.
fn career_file() -> impl Strategy<Value = String> {
    (title(), prop::collection::vec(title(), 0..3), prop::collection::vec(title(), 0..3)).prop_map(|(t, before, after)| {
        let bullets = |names: Vec<&str>| names.iter().map(|n| format!("- {n}\n")).collect::<String>();
        format!(
            "1) Role Summary\nThe {t} is someone who tends things.\n3) Core Responsibilities\n- Tend: the beds\n\
             15) Career Path and Progression\nCommon feeder roles into {t}\n{}Next likely roles after this role\n{}",
            bullets(before),
            bullets(after)
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        let _ = blueprint::import(&[input("fuzz.txt", &text)], &ImportOptions::default(), &mut Default::default());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let input = Input { path: "fuzz.bin".into(), bytes };
        let _ = blueprint::import(&[input], &ImportOptions::default(), &mut Default::default());
    }

    #[test]
    fn blueprint_shaped_text_imports_without_errors_or_panics(
        files in prop::collection::vec(blueprint_file(), 1..4)
    ) {
        let inputs: Vec<Input> = files
            .iter()
            .enumerate()
            .map(|(i, text)| input(&format!("f{i}.txt"), text))
            .collect();
        if let Ok(fw) = blueprint::import(&inputs, &ImportOptions::default(), &mut Default::default()) {
            prop_assert_eq!(errors(&fw), Vec::<String>::new());
        }
    }

    #[test]
    fn career_paths_between_blueprints_give_links_that_resolve_and_agree(
        files in prop::collection::vec(career_file(), 1..6)
    ) {
        let inputs: Vec<Input> = files.iter().enumerate().map(|(i, text)| input(&format!("f{i}.txt"), text)).collect();
        let fw = blueprint::import(&inputs, &ImportOptions::default(), &mut Default::default());
        prop_assert!(fw.is_ok(), "{:?}", fw.err());
        if let Ok(fw) = fw {
            prop_assert_eq!(errors(&fw), Vec::<String>::new());
        }
    }
}
