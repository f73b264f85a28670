//! Unit tests of `readiness`.

use super::*;
use crate::framework::*;
use crate::resolve::resolve;

#[test]
fn an_all_required_policy_names_its_importances_in_a_sentence() {
    let all = |importances: Vec<Importance>| ReadinessPolicy::AllRequired { importances };
    assert_eq!(
        all(vec![Importance::Critical]).describe(),
        "every critical requirement is met"
    );
    assert_eq!(
        all(vec![
            Importance::Critical,
            Importance::Important,
            Importance::Optional
        ])
        .describe(),
        "every critical, important and optional requirement is met"
    );
}

#[test]
fn policies_written_without_their_options_take_the_documented_defaults() {
    let policy = |json: &str| serde_json::from_str::<ReadinessPolicy>(json).unwrap();
    assert_eq!(
        policy(r#"{"kind":"all-required"}"#),
        ReadinessPolicy::AllRequired {
            importances: vec![Importance::Critical, Importance::Important]
        }
    );
    assert_eq!(
        policy(r#"{"kind":"n-of-m","n":2}"#),
        ReadinessPolicy::NOfM {
            n: 2,
            critical_required: true
        }
    );
    assert_eq!(
        policy(r#"{"kind":"weighted","threshold":70}"#),
        ReadinessPolicy::Weighted {
            weights: Weights {
                critical: 3,
                important: 2,
                optional: 1
            },
            threshold: 70
        }
    );
}

fn framework(policy: Option<ReadinessPolicy>) -> Framework {
    let scale = Scale {
        id: "p".into(),
        name: "P".into(),
        description: None,
        levels: ["1", "2", "3"]
            .iter()
            .map(|l| ScaleLevel {
                id: LevelId::from(*l),
                label: format!("L{l}"),
                description: None,
            })
            .collect(),
    };
    let skill = |id: &str, category: &str| Skill {
        id: id.into(),
        name: id.to_uppercase(),
        code: None,
        scale: "p".into(),
        category: Some(category.into()),
        subcategory: None,
        description: None,
        guidance: None,
        source: None,
        url: None,
        levels: IndexMap::new(),
    };
    let req = |skill: &str, level: &str, importance| Requirement {
        skill: skill.into(),
        level: LevelId::from(level),
        importance,
        regression_reason: None,
    };
    Framework {
        id: "f".into(),
        name: "F".into(),
        version: "1".into(),
        description: None,
        sources: vec![],
        scales: vec![scale],
        skills: vec![
            skill("a", "Craft"),
            skill("b", "Craft"),
            skill("c", "People"),
        ],
        tracks: vec![Track {
            id: "t".into(),
            name: "T".into(),
            description: None,
            cumulative: true,
            levels: vec![RoleLevel {
                id: "one".into(),
                title: "One".into(),
                requirements: vec![
                    req("a", "2", Importance::Critical),
                    req("b", "2", Importance::Important),
                    req("c", "1", Importance::Optional),
                ],
                ..RoleLevel::default()
            }],
        }],
        readiness: policy,
    }
}

fn level(l: &str) -> Option<Rated> {
    Some(Rated::Level(LevelId::from(l)))
}

fn observed(pairs: &[(&str, Observed)]) -> ObservedSkills {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[test]
fn default_policy_needs_critical_and_important_met_by_the_manager_or_agreement() {
    let fw = framework(None);
    let profile = resolve(&fw, "t/one").unwrap();
    let only_self = observed(&[(
        "a",
        Observed {
            self_rating: level("3"),
            ..Observed::default()
        },
    )]);
    let r = readiness(&fw, &profile, &only_self);
    assert_eq!(r.policy, "all-required");
    assert!(!r.ready);
    assert_eq!(r.requirements[0].status, ReadinessStatus::NotMet);
    assert!(
        r.requirements[0]
            .explanation
            .starts_with("Self-rated L3, not yet rated by a manager")
    );

    let seen = observed(&[
        (
            "a",
            Observed {
                manager: level("1"),
                agreed: level("2"),
                evidence_count: 2,
                ..Observed::default()
            },
        ),
        (
            "b",
            Observed {
                manager: level("3"),
                ..Observed::default()
            },
        ),
    ]);
    let r = readiness(&fw, &profile, &seen);
    assert!(r.ready, "{r:#?}");
    assert_eq!(r.score, 1.0);
    assert_eq!(
        r.requirements[0].explanation,
        "Agreed L2, which meets the required L2. 2 pieces of evidence."
    );
    assert_eq!(r.requirements[0].agreed.as_deref(), Some("2"));
    // The optional skill is unmet but does not count under the default policy.
    assert_eq!(r.requirements[2].status, ReadinessStatus::NotMet);
}

#[test]
fn not_applicable_is_left_out_and_shortfalls_are_counted() {
    let fw = framework(None);
    let profile = resolve(&fw, "t/one").unwrap();
    let seen = observed(&[
        (
            "a",
            Observed {
                manager: Some(Rated::NotApplicable("no such work here".into())),
                ..Observed::default()
            },
        ),
        (
            "b",
            Observed {
                manager: level("1"),
                ..Observed::default()
            },
        ),
    ]);
    let r = readiness(&fw, &profile, &seen);
    assert_eq!(r.requirements[0].status, ReadinessStatus::NotApplicable);
    assert_eq!(
        r.requirements[1].explanation,
        "Manager rated L1; L2 is required (1 level short)."
    );
    assert!(!r.ready);
    assert_eq!(r.score, 0.0);
    assert!(r.summary.contains("not yet met: B"), "{}", r.summary);
}

#[test]
fn other_policies_are_applied_as_written() {
    let seen = observed(&[(
        "a",
        Observed {
            agreed: level("2"),
            ..Observed::default()
        },
    )]);
    let n_of_m = framework(Some(ReadinessPolicy::NOfM {
        n: 1,
        critical_required: true,
    }));
    let r = readiness(&n_of_m, &resolve(&n_of_m, "t/one").unwrap(), &seen);
    assert!(r.ready);
    assert_eq!(r.policy, "n-of-m");

    let weighted = framework(Some(ReadinessPolicy::Weighted {
        weights: Weights::default(),
        threshold: 50,
    }));
    let r = readiness(&weighted, &resolve(&weighted, "t/one").unwrap(), &seen);
    assert_eq!(r.score, 0.5);
    assert!(r.ready);

    let minimums = IndexMap::from([("Craft".to_owned(), 100), ("People".to_owned(), 0)]);
    let by_category = framework(Some(ReadinessPolicy::CategoryMinimums {
        minimums,
        default: None,
    }));
    let r = readiness(
        &by_category,
        &resolve(&by_category, "t/one").unwrap(),
        &seen,
    );
    assert!(!r.ready, "b in Craft is unmet");
    assert!(r.policy_description.contains("100% of Craft"));
}

fn manager(l: &str) -> Observed {
    Observed {
        manager: level(l),
        ..Observed::default()
    }
}

fn not_applicable() -> Observed {
    Observed {
        manager: Some(Rated::NotApplicable("not done here".into())),
        ..Observed::default()
    }
}

/// Readiness for `t/one` of `framework(policy)`: `a` critical, `b` important (both Craft, at
/// L2), `c` optional (People, at L1).
fn ready_under(policy: ReadinessPolicy, seen: &[(&str, Observed)]) -> Readiness {
    let fw = framework(Some(policy));
    readiness(&fw, &resolve(&fw, "t/one").unwrap(), &observed(seen))
}

#[test]
fn shortfalls_count_the_levels_between_the_rating_and_the_requirement() {
    let mut fw = framework(None);
    fw.tracks[0].levels[0].requirements[0].level = LevelId::from("3");
    let profile = resolve(&fw, "t/one").unwrap();
    let explain = |l: &str| {
        readiness(&fw, &profile, &observed(&[("a", manager(l))])).requirements[0]
            .explanation
            .clone()
    };
    assert_eq!(
        explain("2"),
        "Manager rated L2; L3 is required (1 level short)."
    );
    assert_eq!(
        explain("1"),
        "Manager rated L1; L3 is required (2 levels short)."
    );
    assert_eq!(
        explain("3"),
        "Manager rated L3, which meets the required L3."
    );
}

#[test]
fn not_applicable_requirements_do_not_count_against_readiness() {
    let r = ready_under(
        ReadinessPolicy::default(),
        &[("a", not_applicable()), ("b", manager("2"))],
    );
    assert!(r.ready, "{r:#?}");
    assert_eq!(r.score, 1.0);
    assert_eq!(r.requirements[0].manager.as_deref(), Some("n/a"));
    assert_eq!(
        r.summary,
        "Ready: every critical and important requirement is met."
    );
}

#[test]
fn an_all_required_summary_names_only_the_unmet_requirements_it_counts() {
    // `c` is optional and unmet too, but the default policy does not count it.
    let r = ready_under(ReadinessPolicy::default(), &[("a", manager("2"))]);
    assert!(!r.ready);
    assert_eq!(r.score, 0.5);
    assert_eq!(
        r.summary,
        "Not ready: the policy requires that every critical and important requirement is met; not yet met: B."
    );
    // Other policies name every unmet requirement.
    let r = ready_under(
        ReadinessPolicy::NOfM {
            n: 3,
            critical_required: true,
        },
        &[("a", manager("2"))],
    );
    assert_eq!(
        r.summary,
        "Not ready: the policy requires that at least 3 requirements are met, including every critical one; not yet met: B, C."
    );
    // Not ready with nothing unmet: fewer requirements apply than the policy asks for.
    let r = ready_under(
        ReadinessPolicy::NOfM {
            n: 3,
            critical_required: false,
        },
        &[
            ("a", manager("2")),
            ("b", not_applicable()),
            ("c", manager("1")),
        ],
    );
    assert!(!r.ready);
    assert_eq!(
        r.summary,
        "Not ready: the policy requires that at least 3 requirements are met."
    );
}

#[test]
fn n_of_m_counts_met_requirements_and_insists_on_critical_ones_when_told() {
    let n_of_m = |n, critical_required| ReadinessPolicy::NOfM {
        n,
        critical_required,
    };
    // Two met, but not the critical one.
    let without_a = [("b", manager("2")), ("c", manager("1"))];
    let r = ready_under(n_of_m(2, true), &without_a);
    assert!(!r.ready, "the critical requirement is unmet");
    assert_eq!(r.score, 1.0);
    assert!(ready_under(n_of_m(2, false), &without_a).ready);

    // The critical one met: only critical requirements must all be met.
    let r = ready_under(n_of_m(1, true), &[("a", manager("3"))]);
    assert!(r.ready);
    assert_eq!(r.score, 1.0);

    // Fewer met than asked for.
    let r = ready_under(n_of_m(3, true), &[("a", manager("2")), ("b", manager("2"))]);
    assert!(!r.ready);
    assert!((r.score - 2.0 / 3.0).abs() < 1e-12, "{}", r.score);
    let r = ready_under(
        n_of_m(3, true),
        &[
            ("a", manager("2")),
            ("b", manager("2")),
            ("c", manager("1")),
        ],
    );
    assert!(r.ready);
    assert_eq!(
        r.policy_description,
        "at least 3 requirements are met, including every critical one"
    );
}

#[test]
fn weighted_readiness_weighs_each_importance_and_reaches_its_threshold_exactly() {
    let weighted = |critical, important, optional, threshold| ReadinessPolicy::Weighted {
        weights: Weights {
            critical,
            important,
            optional,
        },
        threshold,
    };
    // Default weights 3, 2, 1: `b` and `c` met is 3 of 6.
    let r = ready_under(
        weighted(3, 2, 1, 50),
        &[("b", manager("2")), ("c", manager("1"))],
    );
    assert_eq!(r.score, 0.5);
    assert!(r.ready);
    assert_eq!(r.policy, "weighted");
    assert_eq!(
        r.policy_description,
        "at least 50% of requirements are met, weighting critical 3, important 2 and optional 1"
    );
    let r = ready_under(
        weighted(3, 2, 1, 51),
        &[("b", manager("2")), ("c", manager("1"))],
    );
    assert!(!r.ready);
    // Only `c` met: 1 of 6.
    let r = ready_under(weighted(3, 2, 1, 10), &[("c", manager("1"))]);
    assert!((r.score - 1.0 / 6.0).abs() < 1e-12, "{}", r.score);
    assert!(r.ready);

    // 29 of 50 is 57.99999999999999 in floating point: it still reaches 58 %, not 59 %.
    let met_a = [("a", manager("2"))];
    let r = ready_under(weighted(29, 21, 0, 58), &met_a);
    assert!(r.ready, "{}", r.score);
    assert!(!ready_under(weighted(29, 21, 0, 59), &met_a).ready);
    // Nothing met.
    let r = ready_under(weighted(3, 2, 1, 1), &[]);
    assert_eq!(r.score, 0.0);
    assert!(!r.ready);
}

/// A role level requiring `count` skills of category `Craft`, the first `met` of them rated
/// at the required level.
fn craft_readiness(count: usize, met: usize, policy: ReadinessPolicy) -> Readiness {
    let mut fw = framework(Some(policy));
    let template = fw.skills[0].clone();
    fw.skills = (0..count)
        .map(|i| Skill {
            id: format!("s{i}"),
            ..template.clone()
        })
        .collect();
    let requirement = fw.tracks[0].levels[0].requirements[0].clone();
    fw.tracks[0].levels[0].requirements = (0..count)
        .map(|i| Requirement {
            skill: format!("s{i}"),
            ..requirement.clone()
        })
        .collect();
    let profile = resolve(&fw, "t/one").unwrap();
    let seen: ObservedSkills = (0..met).map(|i| (format!("s{i}"), manager("2"))).collect();
    readiness(&fw, &profile, &seen)
}

#[test]
fn category_minimums_are_shares_of_each_category_reached_exactly() {
    let craft = |minimum| ReadinessPolicy::CategoryMinimums {
        minimums: IndexMap::from([("Craft".to_owned(), minimum)]),
        default: None,
    };
    // 29 of 50 is 57.99999999999999 in floating point: it still reaches 58 %, not 59 %.
    let r = craft_readiness(50, 29, craft(58));
    assert!(r.ready);
    assert!((r.score - 0.58).abs() < 1e-12, "{}", r.score);
    assert!(!craft_readiness(50, 29, craft(59)).ready);
    assert!(!craft_readiness(50, 0, craft(1)).ready);
    assert!(craft_readiness(50, 50, craft(100)).ready);
    assert!(craft_readiness(4, 1, craft(25)).ready);
    assert!(!craft_readiness(4, 1, craft(26)).ready);
}

#[test]
fn category_minimums_apply_the_default_to_unlisted_categories() {
    let policy = |default| ReadinessPolicy::CategoryMinimums {
        minimums: IndexMap::from([("Craft".to_owned(), 50)]),
        default,
    };
    // Craft: `a` met of `a`, `b` (50 %); People: `c` unmet.
    let seen = [("a", manager("2"))];
    let r = ready_under(policy(None), &seen);
    assert!(r.ready, "People has no minimum");
    assert!((r.score - 1.0 / 3.0).abs() < 1e-12, "{}", r.score);
    assert!(!ready_under(policy(Some(1)), &seen).ready);
    assert!(ready_under(policy(Some(0)), &seen).ready);
    assert_eq!(
        ready_under(policy(Some(1)), &seen).policy_description,
        "at least 50% of Craft, 1% of any other category requirements are met"
    );
    // `c` not applicable: People has nothing to count.
    let r = ready_under(
        policy(Some(100)),
        &[("a", manager("2")), ("c", not_applicable())],
    );
    assert!(r.ready);
    assert_eq!(r.score, 0.5);
}
