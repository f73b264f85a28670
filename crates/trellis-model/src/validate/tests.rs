//! Unit tests of `validate`.

use serde_json::{Value, json};

use super::*;

/// A small sound framework: one track of two cumulative levels, a second track of one level,
/// a source whose levels live on their own scale, and a skill defined at some levels only.
fn base() -> Value {
    json!({
        "id": "fleet", "name": "Fleet", "version": "1",
        "sources": [{"id": "guild", "name": "Guild", "level_scale": "rank"}],
        "scales": [
            {"id": "depth", "name": "Depth", "levels": [
                {"id": "1", "label": "Aware"}, {"id": "2", "label": "Able"}, {"id": "3", "label": "Expert"}
            ]},
            {"id": "rank", "name": "Rank", "levels": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}
        ],
        "skills": [
            {"id": "knots", "name": "Knots", "scale": "depth", "category": "Craft", "source": "guild"},
            {"id": "charts", "name": "Charts", "scale": "depth", "category": "People",
             "levels": {"1": "Reads a chart.", "3": "Draws charts."}}
        ],
        "tracks": [
            {"id": "crew", "name": "Crew", "levels": [
                {"id": "deckhand", "title": "Deckhand", "requirements": [{"skill": "knots", "level": "1"}]},
                {"id": "mate", "title": "Mate", "source": "guild",
                 "salary": {"currency": "GBP", "min": 40, "max": 50},
                 "mappings": [{"source": "guild", "level": "b"}],
                 "requirements": [{"skill": "knots", "level": "2"}, {"skill": "charts", "level": "3"}]}
            ]},
            {"id": "shore", "name": "Shore", "levels": [{"id": "clerk", "title": "Clerk"}]}
        ]
    })
}

fn framework(v: Value) -> Framework {
    serde_json::from_value(v).expect("a framework")
}

fn check_with(v: Value, unloaded: &Unloaded) -> Vec<Diagnostic> {
    validate(&framework(v), unloaded)
}

fn check(v: Value) -> Vec<Diagnostic> {
    check_with(v, &Unloaded::default())
}

/// The one diagnostic of a framework, as (code, message, pointer, hint).
fn one(v: Value) -> (Code, String, String, Option<String>) {
    let found = check(v);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.into_iter().next().unwrap();
    let at = d
        .pointer
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    (d.code, d.message, at, d.hint)
}

/// Appends an item to a list of the framework.
fn add(list: &mut Value, item: Value) {
    list.as_array_mut().expect("a list").push(item);
}

fn hint(h: &str) -> Option<String> {
    Some(h.to_owned())
}

#[test]
fn a_sound_framework_has_no_errors() {
    assert_eq!(check(base()), vec![]);
}

#[test]
fn t0303_a_salary_band_whose_minimum_is_above_its_maximum() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["salary"] = json!({"currency": "GBP", "min": 51, "max": 50});
    assert_eq!(
        one(fw.clone()),
        (
            Code::SalaryBand,
            "salary band of `Mate` has minimum 51 above maximum 50".into(),
            "tracks/0/levels/1/salary".into(),
            None
        )
    );
    // A band of one amount is a band.
    fw["tracks"][0]["levels"][1]["salary"] = json!({"currency": "GBP", "min": 50, "max": 50});
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0205_unknown_sources_of_role_levels_skills_and_mappings() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["source"] = json!("gild");
    assert_eq!(
        one(fw),
        (
            Code::UnknownSource,
            "unknown source `gild`".into(),
            "tracks/0/levels/1/source".into(),
            hint("did you mean `guild`?")
        )
    );

    let mut fw = base();
    fw["skills"][0]["source"] = json!("zzz");
    assert_eq!(
        one(fw),
        (
            Code::UnknownSource,
            "unknown source `zzz`".into(),
            "skills/0/source".into(),
            hint("declare it under `sources` in framework.yaml")
        )
    );

    let mut fw = base();
    fw["tracks"][0]["levels"][1]["mappings"][0]["source"] = json!("guilds");
    assert_eq!(
        one(fw),
        (
            Code::UnknownSource,
            "unknown source `guilds`".into(),
            "tracks/0/levels/1/mappings/0/source".into(),
            hint("did you mean `guild`?")
        )
    );
}

#[test]
fn t0004_readiness_policies_with_impossible_numbers() {
    let with = |policy: Value| {
        let mut fw = base();
        fw["readiness"] = policy;
        fw
    };
    assert_eq!(
        one(with(json!({"kind": "n-of-m", "n": 0}))),
        (
            Code::InvalidValue,
            "readiness policy `n-of-m` needs `n` of at least 1".into(),
            "readiness/n".into(),
            None
        )
    );
    assert_eq!(check(with(json!({"kind": "n-of-m", "n": 1}))), vec![]);

    assert_eq!(
        one(with(json!({"kind": "weighted", "threshold": 101}))),
        (
            Code::InvalidValue,
            "the readiness threshold is 101%, more than 100%".into(),
            "readiness/threshold".into(),
            hint("percentages run from 0 to 100")
        )
    );
    for threshold in [0, 50, 100] {
        let fw = with(json!({"kind": "weighted", "threshold": threshold}));
        assert_eq!(check(fw), vec![], "threshold {threshold}");
    }

    let found = check(with(json!({
        "kind": "category-minimums",
        "minimums": {"Craft": 150, "Sails": 50, "People": 100},
        "default": 101
    })));
    let found: Vec<_> = found
        .iter()
        .map(|d| {
            assert_eq!(d.code, Code::InvalidValue);
            (
                d.message.as_str(),
                d.pointer.as_ref().unwrap().to_string(),
                d.hint.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "the minimum for `Craft` is 150%, more than 100%",
                "readiness/minimums/Craft".into(),
                Some("percentages run from 0 to 100")
            ),
            (
                "no skill has the category `Sails`",
                "readiness/minimums/Sails".into(),
                Some("categories: Craft, People")
            ),
            (
                "the default minimum is 101%, more than 100%",
                "readiness/default".into(),
                Some("percentages run from 0 to 100")
            ),
        ]
    );
    let fw = with(json!({
        "kind": "category-minimums", "minimums": {"Craft": 100, "People": 0}, "default": 100
    }));
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0004_role_level_ids_that_are_not_slugs() {
    for id in ["crew/mate", " "] {
        let mut fw = base();
        fw["tracks"][1]["levels"][0]["id"] = json!(id);
        assert_eq!(
            one(fw),
            (
                Code::InvalidValue,
                format!("role level id `{id}` is not a slug"),
                "tracks/1/levels/0/id".into(),
                hint("use lowercase words joined by hyphens, e.g. `senior-product-manager`")
            )
        );
    }
}

#[test]
fn t0101_duplicate_ids_point_at_the_second_and_name_the_first() {
    let dup = |fw: Value| {
        let found = check(fw);
        assert_eq!(found.len(), 1, "{found:#?}");
        let d = &found[0];
        assert_eq!(d.code, Code::DuplicateId);
        (
            d.message.clone(),
            d.pointer.as_ref().unwrap().to_string(),
            d.related.as_ref().map(ToString::to_string),
            d.hint.clone(),
        )
    };
    let unique = hint("ids must be unique");

    let mut fw = base();
    add(
        &mut fw["sources"],
        json!({"id": "guild", "name": "Guild again"}),
    );
    assert_eq!(
        dup(fw),
        (
            "duplicate source id `guild`".into(),
            "sources/1/id".into(),
            Some("sources/0/id".into()),
            unique.clone()
        )
    );

    let mut fw = base();
    add(
        &mut fw["scales"],
        json!({"id": "rank", "name": "Rank again", "levels": [{"id": "x", "label": "X"}]}),
    );
    assert_eq!(
        dup(fw),
        (
            "duplicate scale id `rank`".into(),
            "scales/2/id".into(),
            Some("scales/1/id".into()),
            unique.clone()
        )
    );

    let mut fw = base();
    add(
        &mut fw["scales"][1]["levels"],
        json!({"id": "a", "label": "A again"}),
    );
    assert_eq!(
        dup(fw),
        (
            "duplicate scale level id `a`".into(),
            "scales/1/levels/2/id".into(),
            Some("scales/1/levels/0/id".into()),
            unique.clone()
        )
    );

    let mut fw = base();
    add(
        &mut fw["skills"],
        json!({"id": "knots", "name": "Knots again", "scale": "depth"}),
    );
    assert_eq!(
        dup(fw),
        (
            "duplicate skill id `knots`".into(),
            "skills/2/id".into(),
            Some("skills/0/id".into()),
            unique.clone()
        )
    );

    let mut fw = base();
    add(
        &mut fw["tracks"],
        json!({"id": "shore", "name": "Shore again", "levels": [{"id": "porter", "title": "Porter"}]}),
    );
    assert_eq!(
        dup(fw),
        (
            "duplicate track id `shore`".into(),
            "tracks/2/id".into(),
            Some("tracks/1/id".into()),
            unique.clone()
        )
    );

    let mut fw = base();
    add(
        &mut fw["tracks"][1]["levels"],
        json!({"id": "clerk", "title": "Clerk again"}),
    );
    assert_eq!(
        dup(fw),
        (
            "duplicate role level id `clerk`".into(),
            "tracks/1/levels/1/id".into(),
            Some("tracks/1/levels/0/id".into()),
            unique
        )
    );

    // A role level requiring one skill twice.
    let mut fw = base();
    add(
        &mut fw["tracks"][0]["levels"][1]["requirements"],
        json!({"skill": "knots", "level": "3"}),
    );
    assert_eq!(
        dup(fw),
        (
            "`Mate` requires skill `knots` twice".into(),
            "tracks/0/levels/1/requirements/2/skill".into(),
            None,
            hint("it is already required by requirement 1 of this level; keep one")
        )
    );
}

#[test]
fn w0101_a_scale_without_levels() {
    let mut fw = base();
    add(
        &mut fw["scales"],
        json!({"id": "empty", "name": "Empty", "levels": []}),
    );
    assert_eq!(
        one(fw),
        (
            Code::EmptySection,
            "scale `empty` has no levels".into(),
            "scales/2/levels".into(),
            None
        )
    );
}

#[test]
fn t0202_unknown_scales_of_skills_and_sources() {
    let mut fw = base();
    fw["skills"][1]["scale"] = json!("dept");
    assert_eq!(
        one(fw),
        (
            Code::UnknownScale,
            "unknown scale `dept`".into(),
            "skills/1/scale".into(),
            hint("did you mean `depth`?")
        )
    );

    let mut fw = base();
    fw["sources"][0]["level_scale"] = json!("zzz");
    assert_eq!(
        one(fw),
        (
            Code::UnknownScale,
            "unknown scale `zzz`".into(),
            "sources/0/level_scale".into(),
            hint("declare it under `scales` in framework.yaml")
        )
    );
}

#[test]
fn t0203_levels_that_are_not_on_the_scale() {
    let depth = hint("scale `depth` has levels: 1, 2, 3");

    let mut fw = base();
    fw["skills"][1]["levels"]["4"] = json!("Teaches charts.");
    assert_eq!(
        one(fw),
        (
            Code::UnknownLevel,
            "skill `charts` describes level `4`, which is not on scale `depth`".into(),
            "skills/1/levels/4".into(),
            depth.clone()
        )
    );

    let mut fw = base();
    fw["tracks"][0]["levels"][1]["requirements"][0]["level"] = json!("9");
    assert_eq!(
        one(fw),
        (
            Code::UnknownLevel,
            "`Mate` requires `knots` at level `9`, which is not on scale `depth`".into(),
            "tracks/0/levels/1/requirements/0/level".into(),
            depth
        )
    );

    let mut fw = base();
    add(
        &mut fw["tracks"][0]["levels"][1]["mappings"],
        json!({"source": "guild", "level": "c"}),
    );
    assert_eq!(
        one(fw),
        (
            Code::UnknownLevel,
            "`Mate` maps to Guild level `c`, which is not on scale `rank`".into(),
            "tracks/0/levels/1/mappings/1/level".into(),
            hint("scale `rank` has levels: a, b")
        )
    );
    // Mappings to a source without a scale of its own are not checked.
    let mut fw = base();
    fw["sources"][0]["level_scale"] = Value::Null;
    fw["tracks"][0]["levels"][1]["mappings"][0]["level"] = json!("c");
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0206_a_requirement_where_a_sparse_skill_is_not_defined() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["requirements"][1]["level"] = json!("2");
    assert_eq!(
        one(fw),
        (
            Code::LevelNotDefined,
            "skill `charts` is not defined at level `2`".into(),
            "tracks/0/levels/1/requirements/1/level".into(),
            hint("`charts` is defined at: 1, 3")
        )
    );
    // A skill without descriptors is defined at every level of its scale (`knots` at 2 and 3).
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["requirements"][0]["level"] = json!("3");
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0201_unknown_skills_in_requirements_and_drops() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["requirements"][0]["skill"] = json!("knot");
    assert_eq!(
        one(fw.clone()),
        (
            Code::UnknownSkill,
            "unknown skill `knot`".into(),
            "tracks/0/levels/1/requirements/0/skill".into(),
            hint("did you mean `knots`?")
        )
    );
    // A skill whose file failed to load is reported once, where it is defined.
    let unloaded = Unloaded {
        skills: HashSet::from(["knot".to_owned(), "zzz".to_owned()]),
        ..Unloaded::default()
    };
    assert_eq!(check_with(fw, &unloaded), vec![]);

    let mut fw = base();
    fw["tracks"][1]["levels"][0]["drops"] = json!([{"skill": "zzz", "reason": "Never needed."}]);
    assert_eq!(
        one(fw.clone()),
        (
            Code::UnknownSkill,
            "unknown skill `zzz`".into(),
            "tracks/1/levels/0/drops/0/skill".into(),
            hint("define it in a file under skills/, or check the id")
        )
    );
    assert_eq!(check_with(fw, &unloaded), vec![]);

    let mut fw = base();
    fw["tracks"][1]["levels"][0]["drops"] = json!([{"skill": "knots", "reason": "Ashore."}]);
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0301_interview_weights_that_do_not_sum_to_100() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["interview"] =
        json!([{"name": "Rope work", "weight": 60}, {"name": "Charting", "weight": 30}]);
    assert_eq!(
        one(fw.clone()),
        (
            Code::InterviewWeights,
            "interview weights of `Mate` sum to 90, not 100".into(),
            "tracks/0/levels/1/interview".into(),
            hint("weights: Rope work 60%, Charting 30%")
        )
    );
    fw["tracks"][0]["levels"][1]["interview"][1]["weight"] = json!(40);
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0302_interview_anchors_outside_one_to_five() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["interview"] = json!([
        {"name": "Rope work", "weight": 50, "anchors": {"1": "Ties a knot.", "5": "Splices."}},
        {"name": "Charting", "weight": 50, "anchors": {"0": "None.", "3": "Plots.", "6": "Surveys."}}
    ]);
    let found: Vec<_> = check(fw)
        .into_iter()
        .map(|d| (d.code, d.message, d.pointer.unwrap().to_string(), d.hint))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                Code::InterviewAnchor,
                "interview dimension `Charting` has an anchor for score 0; scores run from 1 to 5"
                    .into(),
                "tracks/0/levels/1/interview/1/anchors/0".into(),
                None
            ),
            (
                Code::InterviewAnchor,
                "interview dimension `Charting` has an anchor for score 6; scores run from 1 to 5"
                    .into(),
                "tracks/0/levels/1/interview/1/anchors/6".into(),
                None
            ),
        ]
    );
}

#[test]
fn t0401_a_level_requiring_less_than_the_level_before() {
    let mut fw = base();
    fw["tracks"][0]["levels"][0]["requirements"][0]["level"] = json!("3");
    assert_eq!(
        one(fw.clone()),
        (
            Code::Regression,
            "`Mate` requires `knots` at level `2`, below level `3` required by `Deckhand`".into(),
            "tracks/0/levels/1/requirements/0/level".into(),
            hint(
                "levels are cumulative; raise it, or set `regression_reason` to say why this level needs less"
            )
        )
    );
    // Said why: allowed.
    let mut reasoned = fw.clone();
    reasoned["tracks"][0]["levels"][1]["requirements"][0]["regression_reason"] =
        json!("Leads the watch instead.");
    assert_eq!(check(reasoned), vec![]);
    // The same level again is no regression.
    fw["tracks"][0]["levels"][0]["requirements"][0]["level"] = json!("2");
    assert_eq!(check(fw.clone()), vec![]);
    // Nor is a skill required again after the level before dropped it.
    let mut fw = base();
    fw["tracks"][0]["levels"][0]["requirements"][0]["level"] = json!("3");
    fw["tracks"][0]["levels"][1]["drops"] = json!([{"skill": "knots", "reason": "Relearnt."}]);
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0402_a_non_cumulative_level_that_stops_requiring_a_skill() {
    let mut fw = base();
    fw["tracks"][0]["cumulative"] = json!(false);
    // Mate lists `knots` again: nothing dropped.
    assert_eq!(check(fw.clone()), vec![]);

    fw["tracks"][0]["levels"][1]["requirements"] = json!([{"skill": "charts", "level": "3"}]);
    assert_eq!(
        one(fw.clone()),
        (
            Code::DroppedSkill,
            "`Mate` no longer requires `knots`, which `Deckhand` required".into(),
            "tracks/0/levels/1/requirements".into(),
            hint("require `knots` here too, or list it under `drops` with a reason")
        )
    );
    let mut dropped = fw.clone();
    dropped["tracks"][0]["levels"][1]["drops"] =
        json!([{"skill": "knots", "reason": "Officers do not tie knots."}]);
    assert_eq!(check(dropped), vec![]);
    // In a cumulative track, what is not listed is inherited.
    fw["tracks"][0]["cumulative"] = json!(true);
    assert_eq!(check(fw), vec![]);
}

#[test]
fn t0204_links_to_unknown_role_levels() {
    let link = |key: &str, target: &str| {
        let mut fw = base();
        fw["tracks"][0]["levels"][1][key] = json!(target);
        fw
    };
    assert_eq!(
        one(link("next", "crew/mates")),
        (
            Code::UnknownRoleLevel,
            "`next` links to unknown role level `crew/mates`".into(),
            "tracks/0/levels/1/next".into(),
            hint("did you mean `crew/mate`?")
        )
    );
    assert_eq!(
        one(link("previous", "bosun")),
        (
            Code::UnknownRoleLevel,
            "`previous` links to unknown role level `bosun`".into(),
            "tracks/0/levels/1/previous".into(),
            hint("links use full role-level ids: `track/level`")
        )
    );
    assert_eq!(
        one(link("next", "harbour/pilot")),
        (
            Code::UnknownRoleLevel,
            "`next` links to unknown role level `harbour/pilot`".into(),
            "tracks/0/levels/1/next".into(),
            None
        )
    );
    // Role levels and tracks whose files failed to load are reported once, where they are.
    let unloaded = Unloaded {
        role_levels: HashSet::from(["crew/bosun".to_owned()]),
        tracks: HashSet::from(["harbour".to_owned()]),
        ..Unloaded::default()
    };
    assert_eq!(check_with(link("next", "crew/bosun"), &unloaded), vec![]);
    assert_eq!(check_with(link("next", "harbour/pilot"), &unloaded), vec![]);
    assert_eq!(
        check_with(link("next", "bosun"), &unloaded).len(),
        1,
        "only the track of a full id counts"
    );
}

#[test]
fn t0501_links_to_itself_and_links_the_other_end_contradicts() {
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["next"] = json!("crew/mate");
    assert_eq!(
        one(fw),
        (
            Code::BrokenLink,
            "`next` of `crew/mate` links to itself".into(),
            "tracks/0/levels/1/next".into(),
            None
        )
    );

    // The deckhand says the clerk comes next; the clerk says the mate comes before.
    let mut fw = base();
    fw["tracks"][0]["levels"][0]["next"] = json!("shore/clerk");
    fw["tracks"][1]["levels"][0]["previous"] = json!("crew/mate");
    assert_eq!(
            one(fw),
            (
                Code::BrokenLink,
                "`crew/deckhand` says its next level is `shore/clerk`, but `shore/clerk` says its previous level is `crew/mate`".into(),
                "tracks/0/levels/0/next".into(),
                hint("set `previous: crew/deckhand` on `shore/clerk`, or correct this link")
            )
        );

    // The mate says the clerk comes before; the clerk's track says the purser comes next.
    let mut fw = base();
    fw["tracks"][0]["levels"][1]["previous"] = json!("shore/clerk");
    add(
        &mut fw["tracks"][1]["levels"],
        json!({"id": "purser", "title": "Purser"}),
    );
    assert_eq!(
            one(fw),
            (
                Code::BrokenLink,
                "`crew/mate` says its previous level is `shore/clerk`, but `shore/clerk` says its next level is `shore/purser`".into(),
                "tracks/0/levels/1/previous".into(),
                hint("set `next: crew/mate` on `shore/clerk`, or correct this link")
            )
        );
}

#[test]
fn links_that_agree_with_the_other_end_are_sound() {
    let mut fw = base();
    // Explicit links that say what the track order says.
    fw["tracks"][0]["levels"][0]["next"] = json!("crew/mate");
    fw["tracks"][0]["levels"][1]["previous"] = json!("crew/deckhand");
    // A move to another track whose first level has no level before it, and one both ends state.
    fw["tracks"][0]["levels"][1]["next"] = json!("shore/clerk");
    fw["tracks"][1]["levels"][0]["previous"] = json!("crew/mate");
    assert_eq!(check(fw.clone()), vec![]);

    fw["tracks"][1]["levels"][0]["previous"] = Value::Null;
    assert_eq!(check(fw), vec![]);
}

#[test]
fn the_levels_either_side_follow_the_track_unless_written() {
    let fw = framework(base());
    let crew = &fw.tracks[0];
    let (deckhand, mate) = (&crew.levels[0], &crew.levels[1]);
    assert_eq!(effective_previous(crew, 0, deckhand), None);
    assert_eq!(
        effective_next(crew, 0, deckhand).as_deref(),
        Some("crew/mate")
    );
    assert_eq!(
        effective_previous(crew, 1, mate).as_deref(),
        Some("crew/deckhand")
    );
    assert_eq!(effective_next(crew, 1, mate), None);

    let mut written = base();
    written["tracks"][0]["levels"][1]["next"] = json!("shore/clerk");
    written["tracks"][0]["levels"][1]["previous"] = json!("shore/clerk");
    let fw = framework(written);
    let crew = &fw.tracks[0];
    assert_eq!(
        effective_next(crew, 1, &crew.levels[1]).as_deref(),
        Some("shore/clerk")
    );
    assert_eq!(
        effective_previous(crew, 1, &crew.levels[1]).as_deref(),
        Some("shore/clerk")
    );
}
