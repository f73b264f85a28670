//! The loader on real files: the starter framework, a round trip through the writer, and arbitrary
//! broken input (property tests: never a panic, always a located diagnostic).

use proptest::prelude::*;
use trellis_formats::load::{FrameworkFile, FrameworkFiles};
use trellis_formats::starter::starter_files;
use trellis_formats::{load, write};

fn files_of(pairs: &[(String, Vec<u8>)]) -> FrameworkFiles {
    FrameworkFiles {
        root: "test".into(),
        files: pairs
            .iter()
            .map(|(p, b)| FrameworkFile {
                path: p.clone(),
                bytes: Ok(b.clone()),
            })
            .collect(),
    }
}

fn starter_pairs() -> Vec<(String, Vec<u8>)> {
    starter_files()
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes.expect("embedded")))
        .collect()
}

#[test]
fn starter_loads_without_diagnostics() {
    let loaded = load(&starter_files());
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    assert_eq!(loaded.framework.id, "starter");
}

#[test]
fn writing_and_reloading_loses_nothing() {
    let original = load(&starter_files()).framework;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy");
    write::write_dir(&original, &out).unwrap();
    let reloaded = load(&FrameworkFiles::read_dir(&out));
    assert!(
        reloaded.diagnostics.is_empty(),
        "{:#?}",
        reloaded.diagnostics
    );
    assert_eq!(reloaded.framework, original);
    // A second write into a non-empty directory is refused, and leaves it as it was.
    let err = write::write_dir(&original, &out).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(load(&FrameworkFiles::read_dir(&out)).framework, original);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(leftovers.len(), 1, "no staging directory left behind");
}

#[test]
fn one_broken_element_does_not_hide_the_rest() {
    let mut pairs = starter_pairs();
    let (_, bytes) = pairs
        .iter_mut()
        .find(|(p, _)| p == "tracks/product.yaml")
        .unwrap();
    let text = String::from_utf8(bytes.clone())
        .unwrap()
        .replacen("    title:", "    titel:", 2);
    *bytes = text.into_bytes();
    let loaded = load(&files_of(&pairs));
    let unknown: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "T0003")
        .collect();
    assert_eq!(unknown.len(), 2, "{:#?}", loaded.diagnostics);
    assert!(
        unknown
            .iter()
            .all(|d| d.hint.as_deref() == Some("did you mean `title`?"))
    );
    // The two broken levels are skipped; links and requirements pointing at them are not reported.
    assert_eq!(loaded.errors(), 2, "{:#?}", loaded.diagnostics);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes in any framework file: diagnostics, never a panic, and every error has a place.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), which in 0usize..3) {
        let mut pairs = starter_pairs();
        let target = ["framework.yaml", "tracks/product.yaml", "skills/discovery.yaml"][which];
        if let Some((_, b)) = pairs.iter_mut().find(|(p, _)| p == target) {
            *b = bytes;
        }
        let loaded = load(&files_of(&pairs));
        for d in &loaded.diagnostics {
            prop_assert!(!d.message.is_empty());
        }
    }

    /// The starter's own text, cut short or with a byte changed anywhere: same promise.
    #[test]
    fn mutated_framework_files_never_panic(which in 0usize..8, at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut pairs = starter_pairs();
        let which = which % pairs.len();
        let bytes = &mut pairs[which].1;
        let i = at.index(bytes.len().max(1)).min(bytes.len().saturating_sub(1));
        if cut { bytes.truncate(i) } else if !bytes.is_empty() { bytes[i] = byte }
        let loaded = load(&files_of(&pairs));
        for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
            prop_assert!(d.location.as_ref().is_some_and(|l| l.line >= 1 && l.column >= 1) || d.pointer.is_none(), "{d:?}");
        }
    }

    /// Text of any shape written by the writer reads back the same.
    #[test]
    fn written_text_reads_back(text in "\\PC{0,40}(\n\\PC{0,20}){0,3}") {
        let yaml = write::to_yaml(&serde_json::json!({ "summary": text.clone() })).unwrap();
        let node = trellis_formats::yaml::parse(&yaml).unwrap();
        let back: std::collections::BTreeMap<String, String> = trellis_formats::yaml::from_node(&node).unwrap();
        prop_assert_eq!(&back["summary"], &text);
    }
}

#[test]
fn an_empty_framework_file_does_not_misplace_the_other_files_diagnostics() {
    let mut pairs = starter_pairs();
    pairs[0].1.clear();
    let loaded = load(&files_of(&pairs));
    let text_of = |file: &str| {
        let (_, bytes) = pairs
            .iter()
            .find(|(p, _)| file.ends_with(p.as_str()))
            .unwrap();
        String::from_utf8(bytes.clone()).unwrap()
    };
    let unknown_sources: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("unknown source"))
        .collect();
    assert!(!unknown_sources.is_empty(), "{:#?}", loaded.diagnostics);
    for d in unknown_sources {
        let at = d
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("not located: {d:?}"));
        let line = text_of(&at.file)
            .lines()
            .nth(at.line - 1)
            .unwrap()
            .to_owned();
        assert!(line.contains("source:"), "{d:?} points at {line:?}");
    }
}

/// A track whose one level writes every section of the blueprint, in our own words.
const LIGHTHOUSE: &str = "id: keepers
name: Lighthouse keepers
levels:
  - id: keeper
    title: Lighthouse Keeper
    summary: Keeps the light burning.
    horizon: Current
    reports_to: The harbour master
    kpis:
      - metric: Nights lit
        measurement: Counted from the log, dusk to dawn.
    tools:
      - name: Logbook
        category: Records
        purpose: Writing down every ship that passes.
        usage: common
      - name: Radio
        usage: context-specific
    kpi_notes:
      - Nights are counted from dusk, not from the clock.
    stakeholders:
      teams:
        - Harbour crew
      internal:
        - name: Harbour master
          about: rotas and repairs
        - name: Lifeboat crew
      external:
        - name: Ships' captains
          about: signals and warnings
      peers:
        - name: Other keepers on the coast
        - name: Head keepers
          about: sharing storm warnings
          role_level: keepers/head-keeper
      upstream:
        - Oil deliveries
      downstream:
        - Ships in the channel
      ways_of_working:
        - \"Handover at dusk: the log is read aloud.\"
      escalations:
        - issue: A ship in distress
          to: The lifeboat crew
        - issue: The lamp fails
    environment:
      - group: Equipment
        items:
          - Fresnel lens
          - Foghorn
    qualifications:
      years:
        - Two winters as an assistant keeper
      education:
        - name: Sea survival course
        - name: Navigation certificate
          need: preferred
      certifications:
        - name: Radio operator licence
      backgrounds:
        - Fishing crews
      other:
        - group: Health
          items:
            - Good night vision
    promotion:
      next: keepers/head-keeper
      scope:
        - From one lamp to the stations of a headland.
      skills:
        - Runs a station alone through a winter.
      behaviours:
        - Keeps calm when the radio goes quiet.
      from:
        - Assistant keeper
      to:
        - Harbour master
      adjacent:
        - Coastguard
      evolution:
        - Takes on training assistants.
    onboarding:
      days_30:
        goals:
          - Lights the lamp unaided.
        evidence:
          - A week of log entries with no gaps.
      days_60:
        goals:
          - Keeps a night watch alone.
      days_90:
        goals:
          - Runs the station for a weekend.
        evidence:
          - No missed signals.
      months_6:
        goals:
          - Repairs the foghorn.
      months_12:
        goals:
          - Trains an assistant.
        evidence:
          - The assistant keeps a watch alone.
    high_performance:
      - Spots a storm a day before the forecast.
    failure_modes:
      challenges:
        - Storms cut the station off for days.
      bottlenecks:
        - One oil delivery a month.
      anti_patterns:
        - Trusting the automatic lamp without checking it.
      other:
        - group: Underperformance
          items:
            - Gaps in the log.
    variants:
      - group: By coast
        items:
          - Rock stations have no shore leave.
    automation:
      automated:
        - Automatic lamps need fewer night watches.
      human_critical:
        - Rescues in a storm.
      other:
        - group: Over the next years
          items:
            - Remote monitoring of several lamps.
    interview:
      - name: Steadiness
        weight: 100
        interview_guidance:
          assess:
            - How do they react when the lamp fails?
          exercises:
            - name: Lamp failure drill (20 minutes)
              prompt: Relight the lamp in the dark.
          strong_signals:
            - Checks the spare wick first
          red_flags:
            - Panics
    interview_guidance:
      focus: Calm in storms.
      assess:
        - Can they be alone for a week?
      exercises:
        - name: Night watch (one night)
          prompt: Keep the log for a night.
          evaluates: Accuracy and alertness
      strong_signals:
        - Has kept a log before
      weak_signals:
        - Dislikes solitude
      red_flags:
        - Falls asleep on watch
      scoring: One to five, with anchors.
  - id: head-keeper
    title: Head Keeper
    summary: Runs the stations of a headland.
";

const LIGHTHOUSE_FRAMEWORK: &str = "id: coast
name: Coast
version: '1'
";

#[test]
fn every_blueprint_section_loads_clean_and_round_trips() {
    let pairs = vec![
        (
            "framework.yaml".to_owned(),
            LIGHTHOUSE_FRAMEWORK.as_bytes().to_vec(),
        ),
        (
            "tracks/keepers.yaml".to_owned(),
            LIGHTHOUSE.as_bytes().to_vec(),
        ),
    ];
    let loaded = load(&files_of(&pairs));
    // The level requires no skills (a warning); nothing else is said about it.
    let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["W0101"], "{:#?}", loaded.diagnostics);
    let fw = &loaded.framework;
    let level = &fw.tracks[0].levels[0];
    let c = level.stakeholders.as_ref().unwrap();
    assert_eq!(
        (
            c.internal.len(),
            c.external.len(),
            c.peers.len(),
            c.escalations.len()
        ),
        (2, 1, 2, 2)
    );
    assert_eq!(
        c.peers[1].role_level.as_deref(),
        Some("keepers/head-keeper")
    );
    assert_eq!(c.escalations[1].to, None);
    assert_eq!(
        level.tools.iter().map(|t| t.usage).collect::<Vec<_>>(),
        [
            Some(trellis_model::ToolUsage::Common),
            Some(trellis_model::ToolUsage::ContextSpecific)
        ]
    );
    assert!(level.kpis[0].measurement.is_some());
    let q = level.qualifications.as_ref().unwrap();
    assert_eq!(q.education[1].need, trellis_model::Need::Preferred);
    assert_eq!(q.education[0].need, trellis_model::Need::Required);
    let p = level.promotion.as_ref().unwrap();
    assert_eq!(p.next.as_deref(), Some("keepers/head-keeper"));
    assert_eq!(
        (p.scope.len(), p.skills.len(), p.behaviours.len()),
        (1, 1, 1)
    );
    let o = level.onboarding.as_ref().unwrap();
    assert_eq!(o.days_30.as_ref().unwrap().evidence.len(), 1);
    assert!(o.days_60.as_ref().unwrap().evidence.is_empty());
    assert_eq!(
        o.months_12.as_ref().unwrap().goals,
        ["Trains an assistant."]
    );
    assert_eq!(level.high_performance.len(), 1);
    let f = level.failure_modes.as_ref().unwrap();
    assert_eq!(
        (
            f.challenges.len(),
            f.bottlenecks.len(),
            f.anti_patterns.len()
        ),
        (1, 1, 1)
    );
    let a = level.automation.as_ref().unwrap();
    assert_eq!((a.automated.len(), a.human_critical.len()), (1, 1));
    let dim = level.interview[0].interview_guidance.as_ref().unwrap();
    assert_eq!(
        (dim.assess.len(), dim.exercises.len(), dim.red_flags.len()),
        (1, 1, 1)
    );
    assert_eq!(
        level.interview_guidance.as_ref().unwrap().exercises[0].name,
        "Night watch (one night)"
    );
    assert_eq!(level.variants[0].group, "By coast");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy");
    write::write_dir(fw, &out).unwrap();
    let reloaded = load(&FrameworkFiles::read_dir(&out));
    assert_eq!(&reloaded.framework, fw);
    assert_eq!(reloaded.diagnostics.len(), 1, "{:#?}", reloaded.diagnostics);
}

#[test]
fn mistakes_in_blueprint_sections_are_located() {
    let track = LIGHTHOUSE
        .replace("      internal:", "      interal:")
        .replace(
            "          - Foghorn",
            "          - Foghorn\n      - group: equipment\n        items:\n          - Bell",
        );
    let pairs = vec![
        (
            "framework.yaml".to_owned(),
            LIGHTHOUSE_FRAMEWORK.as_bytes().to_vec(),
        ),
        ("tracks/keepers.yaml".to_owned(), track.clone().into_bytes()),
    ];
    let loaded = load(&files_of(&pairs));
    let found: Vec<(&str, usize, Option<&str>)> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            (
                d.code.as_str(),
                d.location.as_ref().map_or(0, |l| l.line),
                d.hint.as_deref(),
            )
        })
        .collect();
    let line_of = |needle: &str| track.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_eq!(
        found,
        [(
            "T0003",
            line_of("interal:"),
            Some("did you mean `internal`?")
        )],
        "{:#?}",
        loaded.diagnostics
    );
    // With the typo fixed, the heading written twice is the one error, on its second line.
    let track = track.replace("interal:", "internal:");
    let pairs = vec![
        (
            "framework.yaml".to_owned(),
            LIGHTHOUSE_FRAMEWORK.as_bytes().to_vec(),
        ),
        ("tracks/keepers.yaml".to_owned(), track.clone().into_bytes()),
    ];
    let loaded = load(&files_of(&pairs));
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(errors[0].code.as_str(), "T0101");
    assert_eq!(
        errors[0].location.as_ref().map(|l| l.line),
        Some(line_of("group: equipment"))
    );
}

#[test]
fn the_starter_shows_blueprint_sections_inherited_and_overridden() {
    let fw = load(&starter_files()).framework;
    let profile = |id: &str| trellis_model::resolve(&fw, id).unwrap().sections;
    let apm = profile("product/associate-product-manager");
    assert!(apm.stakeholders.is_some() && apm.inherited.is_empty());
    // The product manager takes the associate's stakeholders and writes its own promotion
    // criteria and interview guidance.
    let pm = profile("product/product-manager");
    assert_eq!(
        pm.inherited.get("stakeholders").map(String::as_str),
        Some("product/associate-product-manager")
    );
    assert!(
        !pm.inherited.contains_key("promotion") && !pm.inherited.contains_key("interview_guidance")
    );
    assert!(pm.promotion.as_ref().is_some_and(|c| !c.skills.is_empty()));
    // The senior writes its own map; the principal inherits the senior's.
    let senior = profile("product/senior-product-manager");
    assert!(!senior.inherited.contains_key("stakeholders"));
    let principal = profile("product/principal-product-manager");
    assert_eq!(
        principal.inherited.get("stakeholders").map(String::as_str),
        Some("product/senior-product-manager")
    );
    assert_eq!(
        principal.reports_to.as_deref(),
        Some("The head of product.")
    );
    // Every level of both tracks says what promotion from it takes, but the last of each.
    for (id, _, level) in fw.role_levels() {
        let last = ["product/head-of-product", "engineering/principal-engineer"];
        if !last.contains(&id.as_str()) {
            assert!(
                level
                    .promotion
                    .as_ref()
                    .is_some_and(|c| !c.skills.is_empty() && c.next.is_some()),
                "{id} says nothing of promotion, or not to which level"
            );
        }
        // Every level has a first year with evidence, and every interview dimension its guidance,
        // for onboarding plans and interview plans to read.
        let onboarding = level.onboarding.as_ref().expect("onboarding");
        assert!(
            onboarding
                .stages()
                .iter()
                .filter_map(|(_, _, s)| *s)
                .all(|s| !s.goals.is_empty() && !s.evidence.is_empty()),
            "{id}: a stage without goals or evidence"
        );
        for d in &level.interview {
            let g = d.interview_guidance.as_ref();
            assert!(
                g.is_some_and(|g| !g.assess.is_empty()
                    && !g.exercises.is_empty()
                    && !g.red_flags.is_empty()),
                "{id}: interview dimension `{}` has no guidance",
                d.name
            );
        }
    }
}
