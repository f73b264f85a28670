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
    tools:
      - name: Logbook
        category: Records
        purpose: Writing down every ship that passes.
        prevalence: Common
    kpi_notes:
      - Nights are counted from dusk, not from the clock.
    collaboration:
      teams:
        - Harbour crew
      internal:
        - name: Harbour master
          purpose: rotas and repairs
        - name: Lifeboat crew
      external:
        - name: Ships' captains
          purpose: signals and warnings
      peers:
        - Other keepers on the coast
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
    experience:
      - group: Years
        items:
          - Two winters as an assistant keeper
    career:
      from:
        - Assistant keeper
      to:
        - Harbour master
      adjacent:
        - Coastguard
      promotion:
        - Runs a station alone through a winter.
      evolution:
        - Takes on training assistants.
    risks:
      - group: Hazards
        items:
          - Storms cut the station off for days.
    variants:
      - group: By coast
        items:
          - Rock stations have no shore leave.
    ai_impact:
      - group: Automated
        items:
          - Automatic lamps need fewer night watches.
    hiring:
      focus: Calm in storms.
      assess:
        - group: Steadiness
          items:
            - How do they react when the lamp fails?
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
    let c = level.collaboration.as_ref().unwrap();
    assert_eq!(
        (c.internal.len(), c.external.len(), c.escalations.len()),
        (2, 1, 2)
    );
    assert_eq!(c.escalations[1].to, None);
    assert_eq!(level.tools[0].prevalence.as_deref(), Some("Common"));
    assert_eq!(level.career.as_ref().unwrap().promotion.len(), 1);
    assert_eq!(
        level.hiring.as_ref().unwrap().exercises[0].name,
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
    assert!(apm.collaboration.is_some() && apm.inherited.is_empty());
    // The product manager takes the associate's collaboration map and writes its own career path
    // and hiring guidance.
    let pm = profile("product/product-manager");
    assert_eq!(
        pm.inherited.get("collaboration").map(String::as_str),
        Some("product/associate-product-manager")
    );
    assert!(!pm.inherited.contains_key("career") && !pm.inherited.contains_key("hiring"));
    assert!(pm.career.as_ref().is_some_and(|c| !c.promotion.is_empty()));
    // The senior writes its own map; the principal inherits the senior's.
    let senior = profile("product/senior-product-manager");
    assert!(!senior.inherited.contains_key("collaboration"));
    let principal = profile("product/principal-product-manager");
    assert_eq!(
        principal.inherited.get("collaboration").map(String::as_str),
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
                    .career
                    .as_ref()
                    .is_some_and(|c| !c.promotion.is_empty()),
                "{id} says nothing of promotion"
            );
        }
    }
}
