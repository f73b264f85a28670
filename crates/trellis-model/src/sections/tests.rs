//! The blueprint sections: inheritance down a cumulative track, withholding restricted text,
//! duplicates, texts for the lints, and what a comparison shows.

use serde_json::{Value, json};

use crate::diagnostic::Code;
use crate::diff::diff;
use crate::{Framework, check, resolve};

/// One cumulative track of three levels and a non-cumulative one of two. `one` writes every
/// section; `two` writes its own environment and career; `three` writes nothing. The `guild`
/// source may not be redistributed, and `two` comes from it.
fn orchard() -> Value {
    json!({
        "id": "orchard", "name": "Orchard", "version": "1",
        "sources": [{"id": "guild", "name": "The Guild", "redistributable": false}],
        "scales": [{"id": "s", "name": "S", "levels": [{"id": "1", "label": "One"}]}],
        "skills": [{"id": "prune", "name": "Pruning", "scale": "s", "levels": {"1": "Cuts."}}],
        "tracks": [
            {"id": "pickers", "name": "Pickers", "levels": [
                {"id": "one", "title": "Picker",
                 "requirements": [{"skill": "prune", "level": "1"}],
                 "horizon": "Current",
                 "reports_to": "The head picker",
                 "kpi_notes": ["Count baskets, not trees."],
                 "stakeholders": {
                     "teams": ["Packing"],
                     "internal": [{"name": "Head picker", "about": "which rows to pick"}],
                     "external": [{"name": "Buyers"}],
                     "peers": [{"name": "Other pickers"},
                               {"name": "Packers", "role_level": "packers/packer"}],
                     "upstream": ["Weather reports"],
                     "downstream": ["The packing shed"],
                     "ways_of_working": ["Pairs pick one row together."],
                     "escalations": [{"issue": "A fallen ladder", "to": "The head picker"}]
                 },
                 "environment": [{"group": "Tools", "items": ["Ladders", "Baskets"]}],
                 "qualifications": {"years": ["One season"],
                                    "certifications": [{"name": "Ladder safety", "need": "preferred"}]},
                 "promotion": {"next": "pickers/two", "from": ["Seasonal helper"], "to": ["Senior picker"],
                            "adjacent": ["Packing"], "skills": ["Picks a row alone."],
                            "evolution": ["Learns the trees."]},
                 "onboarding": {"days_30": {"goals": ["Picks a row"], "evidence": ["No bruises"]}},
                 "high_performance": ["Picks clean rows fast."],
                 "failure_modes": {"challenges": ["Falling from ladders"]},
                 "variants": [{"group": "By size", "items": ["Small orchards pick by hand."]}],
                 "automation": {"automated": ["Counting baskets"]},
                 "interview_guidance": {
                     "focus": "Care with fruit.",
                     "assess": ["Does the fruit bruise?"],
                     "exercises": [{"name": "Pick a row (1 hour)", "prompt": "Pick it.",
                                    "evaluates": "Bruising"}],
                     "strong_signals": ["Clean baskets"],
                     "weak_signals": ["Rushes"],
                     "red_flags": ["Throws apples"],
                     "scoring": "1 to 5"
                 }},
                {"id": "two", "title": "Senior picker", "source": "guild",
                 "environment": [{"group": "Tools", "items": ["Ladders", "Picking platforms"]}],
                 "promotion": {"skills": ["Leads a crew."]}},
                {"id": "three", "title": "Head picker"}
            ]},
            {"id": "packers", "name": "Packers", "cumulative": false, "levels": [
                {"id": "packer", "title": "Packer", "requirements": [{"skill": "prune", "level": "1"}],
                 "failure_modes": {"challenges": ["Cuts from boxes"]}},
                {"id": "lead-packer", "title": "Lead packer",
                 "requirements": [{"skill": "prune", "level": "1"}]}
            ]}
        ]
    })
}

fn framework(v: Value) -> Framework {
    serde_json::from_value(v).expect("a framework")
}

#[test]
fn a_level_writes_its_sections_and_inherits_the_rest_from_the_nearest_level_before() {
    let fw = framework(orchard());
    let one = resolve(&fw, "pickers/one").unwrap().sections;
    assert!(one.inherited.is_empty());
    assert_eq!(one.horizon.as_deref(), Some("Current"));
    assert_eq!(one.kpi_notes, ["Count baskets, not trees."]);

    let two = resolve(&fw, "pickers/two").unwrap().sections;
    // Its own environment and career; everything else inheritable from `one`.
    assert_eq!(two.environment[0].items, ["Ladders", "Picking platforms"]);
    assert_eq!(
        two.promotion.as_ref().map(|c| c.skills.clone()),
        Some(vec!["Leads a crew.".to_owned()])
    );
    let inherited: Vec<(&str, &str)> = two
        .inherited
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        inherited,
        [
            ("horizon", "pickers/one"),
            ("stakeholders", "pickers/one"),
            ("qualifications", "pickers/one"),
            ("onboarding", "pickers/one"),
            ("high_performance", "pickers/one"),
            ("failure_modes", "pickers/one"),
            ("variants", "pickers/one"),
            ("automation", "pickers/one"),
            ("interview_guidance", "pickers/one"),
        ]
    );
    // KPI notes and the reporting line speak of the level itself: not inherited.
    assert!(two.kpi_notes.is_empty());
    assert_eq!(two.reports_to, None);

    // `three` takes each section from the nearest level that has it; the promotion criteria never.
    let three = resolve(&fw, "pickers/three").unwrap().sections;
    assert_eq!(three.inherited.get("environment").unwrap(), "pickers/two");
    assert_eq!(three.inherited.get("stakeholders").unwrap(), "pickers/one");
    assert_eq!(three.environment[0].items[1], "Picking platforms");
    assert_eq!(three.promotion, None);
    assert!(!three.inherited.contains_key("promotion"));
}

#[test]
fn a_level_of_a_non_cumulative_track_has_only_its_own_sections() {
    let fw = framework(orchard());
    let lead = resolve(&fw, "packers/lead-packer").unwrap().sections;
    assert!(lead.failure_modes.is_none());
    assert!(lead.inherited.is_empty());
    assert!(!lead.has("failure_modes"));
    let packer = resolve(&fw, "packers/packer").unwrap().sections;
    assert!(packer.has("failure_modes"));
}

#[test]
fn restricted_sections_keep_their_names_and_lose_their_prose() {
    let mut v = orchard();
    // Every section of `one` from the restricted source.
    v["tracks"][0]["levels"][0]["source"] = json!("guild");
    let fw = framework(v);
    let mut one = resolve(&fw, "pickers/one").unwrap();
    assert_eq!(
        one.sections.restricted_sources(),
        vec!["The Guild".to_owned()]
    );
    one.withhold_restricted();
    assert_eq!(one.text_withheld.as_deref(), Some("The Guild"));
    let s = &one.sections;
    assert_eq!((&s.horizon, &s.reports_to), (&None, &None));
    assert!(s.kpi_notes.is_empty() && s.environment.is_empty() && s.qualifications.is_none());
    assert!(s.failure_modes.is_none() && s.variants.is_empty() && s.automation.is_none());
    assert!(s.onboarding.is_none() && s.high_performance.is_empty());
    assert_eq!(s.promotion, None);
    let c = s.stakeholders.as_ref().expect("names stay");
    assert_eq!(c.teams, ["Packing"]);
    assert_eq!(c.peers[0].name, "Other pickers");
    assert_eq!(
        (c.internal[0].name.as_str(), &c.internal[0].about),
        ("Head picker", &None)
    );
    assert!(c.upstream.is_empty() && c.downstream.is_empty());
    assert!(c.ways_of_working.is_empty() && c.escalations.is_empty());
    let h = s.interview_guidance.as_ref().expect("exercise names stay");
    assert_eq!(h.exercises[0].name, "Pick a row (1 hour)");
    assert_eq!(
        (&h.exercises[0].prompt, &h.exercises[0].evaluates),
        (&None, &None)
    );
    assert!(h.assess.is_empty() && h.focus.is_none() && h.red_flags.is_empty());
    // What vanished is no longer said to be inherited; nothing was.
    assert!(s.inherited.is_empty());
}

#[test]
fn a_section_inherited_from_a_restricted_level_is_withheld_too() {
    let fw = framework(orchard());
    // `three` is not restricted, but its environment comes from `two`, which is.
    let mut three = resolve(&fw, "pickers/three").unwrap();
    assert_eq!(three.restricted_source, None);
    three.withhold_restricted();
    assert!(three.sections.environment.is_empty());
    assert!(!three.sections.inherited.contains_key("environment"));
    // Sections from `one` are free to publish.
    assert_eq!(
        three.sections.failure_modes.as_ref().unwrap().challenges,
        ["Falling from ladders"]
    );
    assert_eq!(three.text_withheld.as_deref(), Some("The Guild"));
    // Nothing restricted, nothing withheld.
    let mut one = resolve(&fw, "pickers/one").unwrap();
    one.withhold_restricted();
    assert_eq!(one.text_withheld, None);
    assert_eq!(one.sections.horizon.as_deref(), Some("Current"));
}

#[test]
fn a_comparison_lists_section_items_added_and_removed() {
    let fw = framework(orchard());
    let d = diff(&fw, "pickers/one", "pickers/two").unwrap();
    let env = &d.sections.environment;
    assert_eq!(env.added, ["Tools: Picking platforms"]);
    assert_eq!(env.removed, ["Tools: Baskets"]);
    assert_eq!(d.sections.promotion.added, ["Skill: Leads a crew."]);
    assert!(
        d.sections
            .promotion
            .removed
            .contains(&"Comes from: Seasonal helper".to_owned())
    );
    // Inherited unchanged: no change.
    assert!(d.sections.stakeholders.is_empty() && d.sections.interview_guidance.is_empty());
    assert_eq!(d.restricted_sources, ["The Guild"]);
    let mut withheld = d.clone();
    withheld.withhold_restricted();
    assert!(withheld.sections.is_empty());

    let d = diff(&fw, "packers/packer", "pickers/one").unwrap();
    assert!(d.restricted_sources.is_empty());
    assert!(
        d.sections
            .stakeholders
            .added
            .contains(&"Internal: Head picker (which rows to pick)".to_owned())
    );
    assert!(
        d.sections
            .stakeholders
            .added
            .contains(&"Escalation: A fallen ladder → The head picker".to_owned())
    );
    assert!(
        d.sections
            .interview_guidance
            .added
            .contains(&"Assess: Does the fruit bruise?".to_owned())
    );
    assert_eq!(
        d.sections.failure_modes.removed,
        ["Challenge: Cuts from boxes"]
    );
    // What changes in qualifications and promotion criteria between two levels.
    assert!(
        d.sections
            .qualifications
            .added
            .contains(&"Certification: Ladder safety (preferred)".to_owned())
    );
    assert!(
        d.sections
            .promotion
            .added
            .contains(&"Skill: Picks a row alone.".to_owned())
    );
    let json = serde_json::to_value(&d).unwrap();
    assert!(json["automation"]["added"].is_array(), "{json}");
    assert!(json["qualifications"]["added"].is_array(), "{json}");
}

/// (code, message, pointer, related) of the errors of a framework.
fn errors(v: Value) -> Vec<(Code, String, String, String)> {
    check(&framework(v), &Default::default())
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| {
            (
                d.code,
                d.message,
                d.pointer.map(|p| p.to_string()).unwrap_or_default(),
                d.related.map(|p| p.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn t0101_a_heading_stakeholder_or_exercise_written_twice_in_one_section() {
    assert_eq!(errors(orchard()), vec![]);
    let mut v = orchard();
    let one = &mut v["tracks"][0]["levels"][0];
    one["failure_modes"]["other"] = json!([
        {"group": "Hazards", "items": ["Ladders"]},
        {"group": " hazards ", "items": ["Wasps"]}
    ]);
    one["stakeholders"]["internal"] =
        json!([{"name": "Buyers"}, {"name": "Head picker"}, {"name": "BUYERS"}]);
    // The same name in another list is not a duplicate.
    one["stakeholders"]["external"] = json!([{"name": "Buyers"}]);
    one["interview_guidance"]["exercises"] = json!([{"name": "Pick"}, {"name": "Pick"}]);
    let at = "tracks/0/levels/0";
    assert_eq!(
        errors(v),
        vec![
            (
                Code::DuplicateId,
                "`Picker` lists the exercise `Pick` twice".into(),
                format!("{at}/interview_guidance/exercises/1/name"),
                format!("{at}/interview_guidance/exercises/0/name"),
            ),
            (
                Code::DuplicateId,
                "`Picker` has two groups headed `hazards` in `failure_modes.other`".into(),
                format!("{at}/failure_modes/other/1/group"),
                format!("{at}/failure_modes/other/0/group"),
            ),
            (
                Code::DuplicateId,
                "`Picker` lists the internal stakeholder `BUYERS` twice".into(),
                format!("{at}/stakeholders/internal/2/name"),
                format!("{at}/stakeholders/internal/0/name"),
            ),
        ]
    );
}

#[test]
fn peer_role_levels_and_the_next_level_of_promotion_must_exist() {
    let mut v = orchard();
    let one = &mut v["tracks"][0]["levels"][0];
    one["stakeholders"]["peers"][1]["role_level"] = json!("packers/boxer");
    one["promotion"]["next"] = json!("two");
    let at = "tracks/0/levels/0";
    let found: Vec<(Code, String, String)> = errors(v)
        .into_iter()
        .map(|(c, m, p, _)| (c, m, p))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                Code::UnknownRoleLevel,
                "the peers stakeholder `Packers` of `pickers/one` links to unknown role level `packers/boxer`".into(),
                format!("{at}/stakeholders/peers/1/role_level"),
            ),
            (
                Code::UnknownRoleLevel,
                "`promotion.next` of `pickers/one` links to unknown role level `two`".into(),
                format!("{at}/promotion/next"),
            ),
        ]
    );
    let mut v = orchard();
    v["tracks"][0]["levels"][0]["promotion"]["next"] = json!("pickers/one");
    assert_eq!(
        errors(v)[0].1,
        "`promotion.next` of `pickers/one` links to `pickers/one` itself"
    );
}

#[test]
fn section_prose_is_linted_and_names_of_other_roles_are_not_leaks() {
    let mut v = orchard();
    v["tracks"][1]["levels"][1]["title"] = json!("Lead Packer");
    let one = &mut v["tracks"][0]["levels"][0];
    // Naming another track's role as a stakeholder, peer or next role is what those lists are for.
    one["stakeholders"]["internal"] = json!([{"name": "Lead Packer", "about": "boxes"}]);
    one["stakeholders"]["peers"] = json!([{"name": "Lead Packer"}]);
    one["promotion"]["to"] = json!(["Lead Packer"]);
    // Prose that speaks as another track's role is a leak; mojibake in a name is reported.
    one["failure_modes"]["challenges"] = json!(["The Lead Packer must check every ladder."]);
    one["stakeholders"]["teams"] = json!(["Packingâ€™s crew"]);
    let found: Vec<(Code, String)> = check(&framework(v), &Default::default())
        .into_iter()
        .map(|d| (d.code, d.pointer.map(|p| p.to_string()).unwrap_or_default()))
        .collect();
    assert!(
        found.contains(&(
            Code::TemplateLeak,
            "tracks/0/levels/0/failure_modes/challenges/0".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            Code::Mojibake,
            "tracks/0/levels/0/stakeholders/teams/0".into()
        )),
        "{found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|(c, _)| *c == Code::TemplateLeak)
            .count(),
        1,
        "{found:?}"
    );
}

#[test]
fn profile_json_shows_sections_flat_with_where_inherited_ones_come_from() {
    let fw = framework(orchard());
    let json = serde_json::to_value(resolve(&fw, "pickers/two").unwrap()).unwrap();
    assert_eq!(json["horizon"], "Current");
    assert_eq!(json["inherited"]["stakeholders"], "pickers/one");
    assert_eq!(json["promotion"]["skills"][0], "Leads a crew.");
    assert_eq!(json["onboarding"]["days_30"]["evidence"][0], "No bruises");
    assert!(json["kpi_notes"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn an_introduction_goes_with_its_section_and_its_prose_is_withheld_with_it() {
    let mut v = orchard();
    v["tracks"][0]["levels"][0]["notes"] = json!({
        "variants": "Orchards differ most by size.",
        "tools": "Most orchards own their ladders."
    });
    v["tracks"][0]["levels"][0]["variants"] = json!([
        {"by": "size", "group": "Small orchards", "items": ["Pick by hand."]},
        {"by": "geography", "group": "By geography: hill farms", "items": ["Later harvest."]}
    ]);
    v["tracks"][0]["levels"][1]["notes"] = json!({"environment": "Platforms replace ladders."});
    let fw = framework(v);
    let one = resolve(&fw, "pickers/one").unwrap().sections;
    let notes = one.notes.as_ref().expect("notes");
    assert_eq!(notes.get("tools"), Some("Most orchards own their ladders."));
    assert_eq!(one.variants[0].by, crate::VariantBy::Size);
    assert_eq!(one.variants[1].title(), Some("hill farms"));

    // `two` inherits the variants with their introduction, writes its own environment with
    // its own, and does not inherit the note on `one`'s tools (its tools are its own).
    let two = resolve(&fw, "pickers/two").unwrap();
    let notes = two.sections.notes.clone().expect("notes");
    assert_eq!(notes.get("variants"), Some("Orchards differ most by size."));
    assert_eq!(notes.get("environment"), Some("Platforms replace ladders."));
    assert_eq!(notes.get("tools"), None);

    // `two` comes from a restricted source: its own note goes, the inherited one stays.
    let mut withheld = two;
    withheld.withhold_restricted();
    let notes = withheld.sections.notes.expect("the inherited note");
    assert_eq!(notes.get("environment"), None);
    assert_eq!(notes.get("variants"), Some("Orchards differ most by size."));

    // The notes and variants are prose for the lints.
    let (_, _, one) = fw.role_level("pickers/one").unwrap();
    let texts: Vec<&str> = one.section_texts().into_iter().map(|(_, t)| t).collect();
    assert!(texts.contains(&"Orchards differ most by size."));
    let names: Vec<&str> = one.section_names().into_iter().map(|(_, t)| t).collect();
    assert!(names.contains(&"Small orchards") && names.contains(&"Later harvest."));
}

#[test]
fn variants_compare_by_what_they_vary_by() {
    let mut v = orchard();
    v["tracks"][0]["levels"][0]["variants"] =
        json!([{"by": "size", "group": "Small", "items": ["By hand."]}]);
    v["tracks"][0]["levels"][1]["variants"] =
        json!([{"by": "industry", "group": "Small", "items": ["By hand."]}]);
    let fw = framework(v);
    let d = diff(&fw, "pickers/one", "pickers/two").unwrap();
    assert_eq!(d.sections.variants.added, ["By industry, Small: By hand."]);
    assert_eq!(
        d.sections.variants.removed,
        ["By company size, Small: By hand."]
    );
}
