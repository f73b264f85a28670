//! The `blueprint` importer: conformance on the seed blueprint (read from `../shared/seeds/` at test
//! time, never copied), a small synthetic blueprint in our own words, bad input, and a property test
//! that no input makes it panic.

mod common;

use common::{assert_round_trip, errors, input, seeds_present};
use proptest::prelude::*;
use trellis_formats::import::{self, Format, ImportOptions, Imported, Input, blueprint};
use trellis_formats::render::hiring::{self, HiringKit};
use trellis_model::{Framework, Importance, ItemGroup, Need, RoleLevel, ToolUsage, VariantBy};

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
    // Goals at 30/60/90 days and milestones at 6/12 months are onboarding, not responsibilities.
    assert!(!level.responsibilities.iter().any(
        |g| g.group.starts_with("Goals: 30-day goals") || g.group.contains("high performance")
    ));

    // Career path: no other level was imported, so no links, and the names are in the report as
    // kept in the career path's text.
    assert_eq!((level.previous.as_ref(), level.next.as_ref()), (None, None));
    let unlinked = |name: &str| {
        imported
            .report
            .unlinked
            .iter()
            .any(|s| s.what.contains(name))
    };
    assert!(unlinked("Senior Product Manager") && unlinked("Director of Product Management"));
    assert_eq!(imported.report.unlinked.len(), 8);

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
    let c = level.stakeholders.as_ref().expect("a stakeholder map");
    assert_eq!(c.teams.len(), 10);
    assert!(c.teams[0].starts_with("Engineering ("), "{:?}", c.teams);

    // Stakeholders: 11 internal, each with what the collaboration is about; 3 external, 4 peer
    // roles, 4 upstream and 4 downstream dependencies, 3 ways of working, 4 escalation points.
    assert_eq!(c.internal.len(), 11);
    assert!(c.internal.iter().all(|s| s.about.is_some()));
    assert_eq!(c.internal[0].name, "VP Product / Head of Product");
    assert_eq!(c.internal[10].name, "Legal");
    assert_eq!(c.external.len(), 3);
    assert!(c.external.iter().all(|s| s.about.is_none()));
    assert_eq!(
        (c.peers.len(), c.upstream.len(), c.downstream.len()),
        (4, 4, 4)
    );
    assert_eq!(c.ways_of_working.len(), 3);
    assert_eq!(c.escalations.len(), 4);
    assert!(c.escalations.iter().all(|e| e.to.is_some()));
    assert_eq!(c.escalations[0].to.as_deref(), Some("Director/GVP Product"));
    assert!(
        level
            .reports_to
            .as_deref()
            .is_some_and(|r| r.starts_with("Typically Director of Product Management"))
    );

    // Notes on measurement: the section's introduction and the note on targets; the note on
    // "influence" metrics is how the two KPIs named so are measured. The usage of each of the 35
    // tools (one "Optional (increasingly Common)", read as optional).
    assert_eq!(level.kpi_notes.len(), 2);
    assert!(level.kpi_notes[0].starts_with("The Principal PM should be measured"));
    assert!(level.kpi_notes[1].starts_with("Targets should be set"));
    let measured: Vec<&str> = level
        .kpis
        .iter()
        .filter(|k| {
            k.measurement
                .as_deref()
                .is_some_and(|m| m.contains("reasonable attribution"))
        })
        .map(|k| k.metric.as_str())
        .collect();
    assert_eq!(
        measured,
        ["Expansion / upsell influence", "Churn reduction influence"]
    );
    assert_eq!(
        level
            .kpis
            .iter()
            .filter(|k| k.measurement.is_some())
            .count(),
        2
    );
    let usage = |u: ToolUsage| level.tools.iter().filter(|t| t.usage == Some(u)).count();
    assert_eq!(
        (
            usage(ToolUsage::Common),
            usage(ToolUsage::Optional),
            usage(ToolUsage::ContextSpecific)
        ),
        (17, 9, 9)
    );
    let jira = level.tools.iter().find(|t| t.name == "Jira").unwrap();
    assert_eq!(jira.usage, Some(ToolUsage::Common));

    // Environment: 8 groups, the headings with only a sub-heading under them joined to it.
    assert_eq!(group_sizes(&level.environment), [4, 3, 4, 3, 3, 2, 5, 3]);
    assert_eq!(level.environment[0].group, "Infrastructure environment");
    assert!(
        level.environment[6]
            .group
            .starts_with("Scale or complexity context: ")
    );

    // Qualifications: 2 lines of typical years, 2 of education (a bachelor's required, a master's
    // preferred), 3 certifications (all optional: preferred), 4 backgrounds, and domain knowledge
    // (3) and leadership experience (2).
    let q = level.qualifications.as_ref().expect("qualifications");
    assert_eq!(q.years.len(), 2);
    let needs = |l: &[trellis_model::Qualification]| l.iter().map(|q| q.need).collect::<Vec<_>>();
    assert_eq!(needs(&q.education), [Need::Required, Need::Preferred]);
    assert_eq!(needs(&q.certifications), [Need::Preferred; 3]);
    assert_eq!(q.backgrounds.len(), 4);
    assert_eq!(group_sizes(&q.other), [3, 2]);

    // Promotion: 5 skills needed for promotion; 4 roles people come from, 4 they move on to, 4
    // adjacent paths, 3 stages of how the role evolves. No next level was imported alongside.
    let career = level.promotion.as_ref().expect("promotion criteria");
    assert_eq!(
        (
            career.from.len(),
            career.to.len(),
            career.adjacent.len(),
            career.skills.len(),
            career.evolution.len()
        ),
        (4, 4, 4, 5, 3)
    );
    assert_eq!(career.next, None);
    assert_eq!(career.from[0], "Senior Product Manager (most common)");
    assert!(career.skills[0].starts_with("Demonstrated portfolio-level impact"));

    // Onboarding: 4 goals at each of 30, 60 and 90 days with 2 lines of evidence each; 4
    // milestones at 6 and at 12 months; 5 points of what high performance looks like.
    let o = level.onboarding.as_ref().expect("onboarding");
    let sizes: Vec<(usize, usize)> = o
        .stages()
        .iter()
        .map(|(_, _, s)| s.map_or((0, 0), |s| (s.goals.len(), s.evidence.len())))
        .collect();
    assert_eq!(sizes, [(4, 2), (4, 2), (4, 2), (4, 0), (4, 0)]);
    assert_eq!(level.high_performance.len(), 5);

    // Failure modes: 5 challenges, 4 bottlenecks, 6 anti-patterns, and two more groups of 5.
    let f = level.failure_modes.as_ref().expect("failure modes");
    assert_eq!(
        (
            f.challenges.len(),
            f.bottlenecks.len(),
            f.anti_patterns.len()
        ),
        (5, 4, 6)
    );
    assert_eq!(group_sizes(&f.other), [5, 5]);
    // Variants by what they vary by: the two company sizes named line by line under "By company
    // size" (3 points each), industry (3 points), geography (4), the business model (other, 2),
    // the operating model of a start-up or an enterprise (size, 2), regulation (industry, 2).
    let variants: Vec<(VariantBy, &str, usize)> = level
        .variants
        .iter()
        .map(|v| (v.by, v.group.as_str(), v.items.len()))
        .collect();
    assert_eq!(
        variants,
        [
            (VariantBy::Size, "Startup / scale-up (Series A–C)", 3),
            (VariantBy::Size, "Enterprise / large tech", 3),
            (VariantBy::Industry, "By industry", 3),
            (
                VariantBy::Geography,
                "By geography: Regional differences usually show up in",
                4
            ),
            (VariantBy::Other, "Product-led vs service-led company", 2),
            (VariantBy::Size, "Startup vs enterprise operating model", 2),
            (
                VariantBy::Industry,
                "Regulated vs non-regulated environment",
                2
            ),
        ]
    );
    let count = |by| level.variants.iter().filter(|v| v.by == by).count();
    assert_eq!(
        VariantBy::ALL.map(count),
        [3, 2, 1, 1],
        "size, industry, geography, other"
    );
    assert_eq!(
        level.variants[3].title(),
        Some("Regional differences usually show up in")
    );
    assert_eq!(level.variants[2].title(), None);
    // Automation: 6 tasks likely automated, 6 human-critical, 4 more groups.
    let a = level.automation.as_ref().expect("automation");
    assert_eq!((a.automated.len(), a.human_critical.len()), (6, 6));
    assert_eq!(group_sizes(&a.other), [1, 3, 3, 4]);

    // Interview guidance: the 7 areas to assess (13 questions; 20 lines in the blueprint with
    // their headings) on the dimensions they are about, communication having none; the exercises
    // about a dimension on it.
    let dims: Vec<(&str, usize, usize)> = level
        .interview
        .iter()
        .map(|d| {
            let g = d.interview_guidance.as_ref();
            (
                d.name.as_str(),
                g.map_or(0, |g| g.assess.len()),
                g.map_or(0, |g| g.exercises.len()),
            )
        })
        .collect();
    assert_eq!(
        dims,
        [
            ("Strategy & judgment", 2, 1),
            ("Customer insight & discovery", 2, 0),
            ("Analytics & metrics", 2, 1),
            ("Execution & delivery leadership", 2, 0),
            ("Technical fluency", 2, 0),
            ("Stakeholder management", 2, 0),
            ("Communication (written + verbal)", 0, 1),
            ("Leadership multiplication", 1, 0),
        ]
    );
    // The rest is the interview's as a whole: focus, the role-play, 6 strong and 6 weak signals,
    // 5 red flags, how to score.
    let h = level
        .interview_guidance
        .as_ref()
        .expect("interview guidance");
    assert!(h.assess.is_empty());
    assert!(
        h.focus
            .as_deref()
            .is_some_and(|f| f.starts_with("Hiring for a Principal PM"))
    );
    let exercises: Vec<&trellis_model::Exercise> = level
        .interview
        .iter()
        .filter_map(|d| d.interview_guidance.as_ref())
        .flat_map(|g| &g.exercises)
        .chain(&h.exercises)
        .collect();
    assert_eq!(exercises.len(), 4);
    assert!(
        exercises
            .iter()
            .all(|e| e.prompt.is_some() && e.evaluates.is_some())
    );
    assert_eq!(
        exercises[1].name,
        "Product analytics exercise (45–60 minutes)"
    );
    assert!(
        exercises[0]
            .evaluates
            .as_deref()
            .is_some_and(|e| e.ends_with("sequencing")),
        "the next exercise's name is split off: {:?}",
        exercises[0].evaluates
    );
    assert!(h.exercises[0].name.starts_with("Cross-functional scenario"));
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

    // The introductions of sections are the notes on them: the two skill sections' on the
    // requirements, the deliverables' on the responsibilities, and those of decision rights,
    // tools, environment and variants.
    let notes = level.notes.as_ref().expect("section notes");
    let keys: Vec<&str> = notes.entries().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "requirements",
            "responsibilities",
            "decision_rights",
            "tools",
            "environment",
            "variants"
        ]
    );
    assert_eq!(
        notes.get("requirements").map(|n| n.split("\n\n").count()),
        Some(2)
    );
    assert!(
        notes
            .get("variants")
            .is_some_and(|n| n.starts_with("This role changes meaningfully"))
    );

    // What is left out has no meaning outside the page: the advert scraped with it and the final
    // summary that repeats the sections above.
    let skipped = &imported.report.skipped;
    let what: Vec<&str> = skipped.iter().map(|s| s.what.as_str()).collect();
    assert_eq!(skipped.len(), 2, "{skipped:#?}");
    assert!(
        what[0].starts_with("an advertisement after the end of section 20"),
        "{what:?}"
    );
    assert!(
        what[1].starts_with("section 20 \"Final Role Scorecard Summary\""),
        "{what:?}"
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
fn seed_hiring_kit_covers_all_eight_dimensions_with_their_weights() {
    let Some(imported) = seed() else { return };
    let fw = &imported.framework;
    let (id, _, _) = fw.role_levels().next().expect("a role level");
    let profile = trellis_model::resolve(fw, &id).unwrap();
    let kit = HiringKit::new(fw, &profile);
    let weights: Vec<u32> = kit.questions.iter().map(|q| q.weight).collect();
    assert_eq!(weights, [20, 15, 15, 15, 10, 15, 5, 5]);
    let staged = kit.plan.dimensions();
    for q in &kit.questions {
        assert!(
            staged.contains(&q.dimension.as_str()),
            "{} in no stage",
            q.dimension
        );
    }
    // The three exercises about a dimension are stages of their own; a structured interview
    // takes the other five dimensions.
    assert_eq!(kit.plan.stages.len(), 4);
    assert_eq!(kit.plan.stages[3].dimensions.len(), 5);
    // The 13 questions of what to assess, and what an excellent (5) answer looks like.
    assert_eq!(
        kit.questions
            .iter()
            .map(|q| q.questions.len())
            .sum::<usize>(),
        13
    );
    assert!(
        kit.questions
            .iter()
            .all(|q| q.anchors.iter().any(|(s, _)| *s == 5))
    );
    assert!(
        kit.advert.summary.is_some()
            && kit.advert.essential.len() + kit.advert.desirable.len() == 29
    );

    // Without a licence: names and weights, no blueprint prose.
    let mut withheld = profile.clone();
    withheld.withhold_restricted();
    let public = hiring::markdown(&HiringKit::new(fw, &withheld));
    assert!(public.contains("Strategy & judgment (20%)"));
    let prose = profile.summary.as_deref().unwrap();
    assert!(!public.contains(&prose[..40]));
    assert!(!public.contains("Clear multi-quarter direction"));
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
    // Every text of the sections but group headings: horizon and reporting line, 2 KPI notes;
    // stakeholders but internal and external (10 teams, 4 peers, 4 + 4 dependencies, 3 ways of
    // working, 4 escalations with whom to); environment 27; qualifications 16; promotion 20;
    // onboarding 20 goals and 6 lines of evidence; high performance 5; failure modes 25;
    // variants 19 (two lines name settings); automation 23; the interview's guidance (focus, the
    // role-play with its prompt and evaluation, 17 signals and flags, scoring) and the
    // dimensions' (13 questions, 3 exercises with prompt and evaluation); 6 notes introducing
    // sections.
    assert_eq!(
        counts.section_items,
        4 + (10 + 4 + 4 + 4 + 3 + 8)
            + 27
            + 16
            + 20
            + 26
            + 5
            + 25
            + 19
            + 23
            + (1 + 3 + 17 + 1)
            + (13 + 9)
            + 6
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
12) Stakeholders and Collaboration Map
Peer roles
- Staff Data Gardeners (neighbouring beds)
- Other Senior Data Gardeners
- Orchard Keepers
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
            .unlinked
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
    // The name that matches nothing is still reported, as kept in the career path's text.
    assert!(
        imported
            .report
            .unlinked
            .iter()
            .any(|s| s.what.contains("Orchard Keeper"))
    );
    // Promotion criteria lead to the next level: the next of the track, or the level linked
    // across tracks; the head gardener's lead nowhere.
    let next = |level: &RoleLevel| level.promotion.as_ref().and_then(|p| p.next.clone());
    assert_eq!(
        next(&gardening.levels[0]).as_deref(),
        Some("data-gardener/staff-data-gardener")
    );
    assert_eq!(next(staff).as_deref(), Some("gardener/head-gardener"));
    assert_eq!(next(head), None);
    // A peer named like another level of the import links to it; the level itself and roles
    // that were not imported stay names.
    let peers: Vec<(&str, Option<&str>)> = gardening.levels[0]
        .stakeholders
        .as_ref()
        .expect("peers")
        .peers
        .iter()
        .map(|p| (p.name.as_str(), p.role_level.as_deref()))
        .collect();
    assert_eq!(
        peers,
        [
            (
                "Staff Data Gardeners (neighbouring beds)",
                Some("data-gardener/staff-data-gardener")
            ),
            ("Other Senior Data Gardeners", None),
            ("Orchard Keepers", None),
        ]
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
    let usage: Vec<Option<ToolUsage>> = level.tools.iter().map(|t| t.usage).collect();
    assert_eq!(usage, [Some(ToolUsage::Common), None]);

    let c = level.stakeholders.as_ref().unwrap();
    assert_eq!(
        c.teams,
        ["Orchard (pruning, picking)", "Honey house", "Farm shop"]
    );
    let internal: Vec<(&str, Option<&str>)> = c
        .internal
        .iter()
        .map(|s| (s.name.as_str(), s.about.as_deref()))
        .collect();
    assert_eq!(
        internal,
        [
            ("Orchard manager", Some("pollination dates, spraying")),
            ("Honey house", None)
        ]
    );
    assert_eq!(c.external[0].about.as_deref(), Some("collections"));
    assert_eq!(c.peers[0].name, "Other beekeepers nearby");
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
    // A heading's "(optional)" makes its certifications preferred.
    let q = level.qualifications.as_ref().unwrap();
    assert_eq!(q.years, ["Three seasons with a colony of your own"]);
    assert_eq!(q.certifications[0].need, Need::Preferred);

    let career = level.promotion.as_ref().unwrap();
    assert_eq!(career.from, ["Beekeeper (most common)"]);
    assert_eq!(career.to, ["Head of Apiaries"]);
    assert_eq!(career.adjacent, ["Queen rearing"]);
    assert_eq!(career.skills, ["Runs an apiary through a poor summer"]);
    assert_eq!(career.evolution, ["Early: learns the colonies"]);

    let f = level.failure_modes.as_ref().unwrap();
    assert_eq!((f.challenges.len(), f.anti_patterns.len()), (1, 1));
    assert_eq!(
        level.variants[0].items,
        ["Hill farms: fewer hives, later flow"]
    );
    assert_eq!(
        level.automation.as_ref().unwrap().automated,
        ["Hive scales that report weight"]
    );

    // "Calm with bees" is about the dimension "Calm"; "Care" about none, so it stays on the
    // interview as a whole.
    let calm = level.interview[0].interview_guidance.as_ref().unwrap();
    assert_eq!(calm.assess, ["How do they move around an open hive?"]);
    let h = level.interview_guidance.as_ref().unwrap();
    assert_eq!(
        h.focus.as_deref(),
        Some("Hiring should test for calm, care and patience.")
    );
    assert_eq!(h.assess, ["Care: Do they check the queen?"]);
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
fn a_kpi_table_column_on_how_a_metric_is_measured_is_its_measurement() {
    let text = "1) Role Summary
The Ferry Pilot takes the ferry across the estuary.
3) Core Responsibilities
- Cross safely: in all weathers.
7) KPIs and Productivity Metrics
Pilots are judged on a few numbers only.
| Metric name | What it measures | How it is measured | Target | Frequency |
|---|---|---|---|---|
| Crossings on time | Share of crossings leaving on the minute | Harbour log against the timetable | 95% | Weekly |
| Fuel per crossing | Litres burnt | | 40 l | Monthly |
Notes on measurement: \u{2013} \u{201c}Fuel\u{201d} metrics are read from the tank gauge, not the invoice. \u{2013} Compare like tides.
";
    let imported = run(&[input("pilot.txt", text)]);
    let level = only_level(&imported.framework);
    let kpis: Vec<(&str, Option<&str>, Option<&str>)> = level
        .kpis
        .iter()
        .map(|k| {
            (
                k.metric.as_str(),
                k.measures.as_deref(),
                k.measurement.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        kpis,
        [
            (
                "Crossings on time",
                Some("Share of crossings leaving on the minute"),
                Some("Harbour log against the timetable")
            ),
            (
                "Fuel per crossing",
                Some("Litres burnt"),
                Some("\u{201c}Fuel\u{201d} metrics are read from the tank gauge, not the invoice.")
            ),
        ]
    );
    // The introduction and the note on all KPIs stay notes on the KPIs as a whole.
    assert_eq!(
        level.kpi_notes,
        [
            "Pilots are judged on a few numbers only.",
            "Compare like tides."
        ]
    );
    assert!(
        imported.report.skipped.is_empty(),
        "{:#?}",
        imported.report.skipped
    );
    assert_round_trip(&imported.framework);
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
