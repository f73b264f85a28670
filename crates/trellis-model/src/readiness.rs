//! Readiness: is a person ready for a role level, requirement by requirement, under the framework's
//! readiness policy?
//!
//! The policy is data (`readiness:` in framework.yaml), not code, so an organisation can say what "ready"
//! means for it: every critical and important requirement met (the default), N of M, a weighted score,
//! or minimums per category. The result always names the policy it applied and explains each
//! requirement in plain language.

use std::collections::HashMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::framework::{Framework, Importance, LevelId};
use crate::resolve::{EffectiveRequirement, Profile};

/// What "ready for this role level" means in a framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ReadinessPolicy {
    /// Every requirement of these importances is met.
    AllRequired {
        #[serde(default = "critical_and_important")]
        importances: Vec<Importance>,
    },
    /// At least `n` of the requirements that apply are met; critical ones always, unless
    /// `critical_required` is false.
    NOfM {
        n: usize,
        #[serde(default = "yes")]
        critical_required: bool,
    },
    /// The importance-weighted share of met requirements reaches `threshold` percent.
    Weighted {
        #[serde(default)]
        weights: Weights,
        threshold: u32,
    },
    /// In each skill category, at least the given percentage of requirements is met.
    CategoryMinimums {
        minimums: IndexMap<String, u32>,
        /// The minimum for categories not listed; unlisted categories do not count when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<u32>,
    },
}

fn critical_and_important() -> Vec<Importance> {
    vec![Importance::Critical, Importance::Important]
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub critical: u32,
    pub important: u32,
    pub optional: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            critical: 3,
            important: 2,
            optional: 1,
        }
    }
}

impl Weights {
    fn of(&self, importance: Importance) -> u32 {
        match importance {
            Importance::Critical => self.critical,
            Importance::Important => self.important,
            Importance::Optional => self.optional,
        }
    }
}

impl Default for ReadinessPolicy {
    fn default() -> Self {
        ReadinessPolicy::AllRequired {
            importances: critical_and_important(),
        }
    }
}

impl ReadinessPolicy {
    pub fn kind(&self) -> &'static str {
        match self {
            ReadinessPolicy::AllRequired { .. } => "all-required",
            ReadinessPolicy::NOfM { .. } => "n-of-m",
            ReadinessPolicy::Weighted { .. } => "weighted",
            ReadinessPolicy::CategoryMinimums { .. } => "category-minimums",
        }
    }

    /// The policy in a sentence, for people reading a readiness result.
    pub fn describe(&self) -> String {
        match self {
            ReadinessPolicy::AllRequired { importances } => {
                let names: Vec<&str> = importances.iter().map(|i| i.as_str()).collect();
                format!("every {} requirement is met", join_or(&names))
            }
            ReadinessPolicy::NOfM {
                n,
                critical_required,
            } => format!(
                "at least {n} requirements are met{}",
                if *critical_required {
                    ", including every critical one"
                } else {
                    ""
                }
            ),
            ReadinessPolicy::Weighted { weights, threshold } => format!(
                "at least {threshold}% of requirements are met, weighting critical {}, important {} and optional {}",
                weights.critical, weights.important, weights.optional
            ),
            ReadinessPolicy::CategoryMinimums { minimums, default } => {
                let mut parts: Vec<String> = minimums
                    .iter()
                    .map(|(c, m)| format!("{m}% of {c}"))
                    .collect();
                if let Some(d) = default {
                    parts.push(format!("{d}% of any other category"));
                }
                format!("at least {} requirements are met", parts.join(", "))
            }
        }
    }
}

fn join_or(words: &[&str]) -> String {
    match words {
        [] => "".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A rating as far as readiness is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rated {
    Level(LevelId),
    NotApplicable(String),
}

/// What is known about one skill of a person: the latest rating of each kind and the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Observed {
    pub self_rating: Option<Rated>,
    pub manager: Option<Rated>,
    pub agreed: Option<Rated>,
    pub evidence_count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadinessStatus {
    Met,
    NotMet,
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementReadiness {
    pub skill: String,
    pub skill_name: String,
    pub category: Option<String>,
    pub importance: Importance,
    pub required: LevelId,
    pub required_label: String,
    #[serde(rename = "self")]
    pub self_level: Option<String>,
    pub manager: Option<String>,
    pub agreed: Option<String>,
    pub status: ReadinessStatus,
    pub evidence_count: usize,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    /// The policy applied, e.g. `all-required`.
    pub policy: String,
    pub policy_description: String,
    pub role_level: String,
    pub ready: bool,
    /// Progress towards ready, from 0 to 1, as the policy measures it.
    pub score: f64,
    pub requirements: Vec<RequirementReadiness>,
    pub summary: String,
}

impl RequirementReadiness {
    /// Whether anyone (the person, a manager, or both together) has rated it yet.
    pub fn rated(&self) -> bool {
        self.self_level.is_some() || self.manager.is_some() || self.agreed.is_some()
    }
}

impl Readiness {
    /// Whether any requirement has been rated: until then there is no verdict to give, only
    /// "not yet assessed".
    pub fn assessed(&self) -> bool {
        self.requirements.iter().any(RequirementReadiness::rated)
    }
}

fn shown(rated: &Option<Rated>) -> Option<String> {
    rated.as_ref().map(|r| match r {
        Rated::Level(l) => l.to_string(),
        Rated::NotApplicable(_) => "n/a".to_owned(),
    })
}

/// Readiness of a person for the role level of `profile`, under the framework's policy.
pub fn readiness(
    fw: &Framework,
    profile: &Profile,
    observed: &HashMap<String, Observed>,
) -> Readiness {
    let policy = fw.readiness.clone().unwrap_or_default();
    let none = Observed::default();
    let requirements: Vec<RequirementReadiness> = profile
        .requirements
        .iter()
        .map(|req| assess(fw, req, observed.get(&req.skill).unwrap_or(&none)))
        .collect();
    let (ready, score) = apply(&policy, &requirements);
    let summary = summarise(&policy, ready, &requirements);
    Readiness {
        policy: policy.kind().to_owned(),
        policy_description: policy.describe(),
        role_level: profile.id.clone(),
        ready,
        score,
        requirements,
        summary,
    }
}

/// The label of a level on a skill's scale, or the id when the level is not on it.
fn label(fw: &Framework, skill: &str, level: &str) -> String {
    fw.skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .and_then(|scale| scale.level(level))
        .map_or_else(|| level.to_owned(), |l| l.label.clone())
}

fn rank(fw: &Framework, skill: &str, level: &str) -> Option<usize> {
    fw.skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .and_then(|scale| scale.rank(level))
}

fn assess(fw: &Framework, req: &EffectiveRequirement, seen: &Observed) -> RequirementReadiness {
    let required = label(fw, &req.skill, req.level.as_str());
    // The manager's view decides until an outcome is agreed; a self rating alone never does.
    let (decisive, who) = match (&seen.agreed, &seen.manager) {
        (Some(r), _) => (Some(r), "Agreed"),
        (None, Some(r)) => (Some(r), "Manager rated"),
        (None, None) => (None, ""),
    };
    let (status, mut explanation) = match decisive {
        Some(Rated::NotApplicable(reason)) => (
            ReadinessStatus::NotApplicable,
            format!("Not applicable: {reason}"),
        ),
        Some(Rated::Level(level)) => match rank(fw, &req.skill, level.as_str()) {
            Some(r) if r >= req.rank => (
                ReadinessStatus::Met,
                format!(
                    "{who} {}, which meets the required {required}.",
                    label(fw, &req.skill, level.as_str())
                ),
            ),
            Some(r) => {
                let short = req.rank - r;
                (
                    ReadinessStatus::NotMet,
                    format!(
                        "{who} {}; {required} is required ({short} level{} short).",
                        label(fw, &req.skill, level.as_str()),
                        if short == 1 { "" } else { "s" }
                    ),
                )
            }
            None => (
                ReadinessStatus::NotMet,
                format!(
                    "{who} `{level}`, which is not a level of this skill; {required} is required."
                ),
            ),
        },
        None => match &seen.self_rating {
            Some(Rated::Level(level)) => (
                ReadinessStatus::NotMet,
                format!(
                    "Self-rated {}, not yet rated by a manager; {required} is required.",
                    label(fw, &req.skill, level.as_str())
                ),
            ),
            _ => (
                ReadinessStatus::NotMet,
                format!("Not yet assessed; {required} is required."),
            ),
        },
    };
    match seen.evidence_count {
        0 => {}
        1 => explanation.push_str(" 1 piece of evidence."),
        n => explanation.push_str(&format!(" {n} pieces of evidence.")),
    }
    RequirementReadiness {
        skill: req.skill.clone(),
        skill_name: req.skill_name.clone(),
        category: req.category.clone(),
        importance: req.importance,
        required: req.level.clone(),
        required_label: required,
        self_level: shown(&seen.self_rating),
        manager: shown(&seen.manager),
        agreed: shown(&seen.agreed),
        status,
        evidence_count: seen.evidence_count,
        explanation,
    }
}

impl RequirementReadiness {
    pub fn is_met(&self) -> bool {
        self.status == ReadinessStatus::Met
    }
}

fn apply(policy: &ReadinessPolicy, reqs: &[RequirementReadiness]) -> (bool, f64) {
    let applies: Vec<&RequirementReadiness> = reqs
        .iter()
        .filter(|r| r.status != ReadinessStatus::NotApplicable)
        .collect();
    let share = |part: usize, whole: usize| {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    };
    match policy {
        ReadinessPolicy::AllRequired { importances } => {
            let relevant: Vec<_> = applies
                .iter()
                .filter(|r| importances.contains(&r.importance))
                .collect();
            let done = relevant.iter().filter(|r| r.is_met()).count();
            (done == relevant.len(), share(done, relevant.len()))
        }
        ReadinessPolicy::NOfM {
            n,
            critical_required,
        } => {
            let done = applies.iter().filter(|r| r.is_met()).count();
            let critical_ok = !critical_required
                || applies
                    .iter()
                    .filter(|r| r.importance == Importance::Critical)
                    .all(|r| r.is_met());
            (done >= *n && critical_ok, share(done.min(*n), *n))
        }
        ReadinessPolicy::Weighted { weights, threshold } => {
            let total: u32 = applies.iter().map(|r| weights.of(r.importance)).sum();
            let done: u32 = applies
                .iter()
                .filter(|r| r.is_met())
                .map(|r| weights.of(r.importance))
                .sum();
            let score = share(done as usize, total as usize);
            (score * 100.0 + 1e-9 >= f64::from(*threshold), score)
        }
        ReadinessPolicy::CategoryMinimums { minimums, default } => {
            let mut by_category: IndexMap<&str, (usize, usize)> = IndexMap::new();
            for r in &applies {
                let entry = by_category
                    .entry(r.category.as_deref().unwrap_or("Uncategorised"))
                    .or_default();
                entry.1 += 1;
                if r.is_met() {
                    entry.0 += 1;
                }
            }
            let ready = by_category.iter().all(|(category, (done, all))| {
                match minimums.get(*category).copied().or(*default) {
                    Some(min) => share(*done, *all) * 100.0 + 1e-9 >= f64::from(min),
                    None => true,
                }
            });
            let done = applies.iter().filter(|r| r.is_met()).count();
            (ready, share(done, applies.len()))
        }
    }
}

fn summarise(policy: &ReadinessPolicy, ready: bool, reqs: &[RequirementReadiness]) -> String {
    let unmet: Vec<&str> = reqs
        .iter()
        .filter(|r| r.status == ReadinessStatus::NotMet)
        .filter(|r| match policy {
            ReadinessPolicy::AllRequired { importances } => importances.contains(&r.importance),
            _ => true,
        })
        .map(|r| r.skill_name.as_str())
        .collect();
    if ready {
        format!("Ready: {}.", policy.describe())
    } else if unmet.is_empty() {
        format!("Not ready: the policy requires that {}.", policy.describe())
    } else {
        format!(
            "Not ready: the policy requires that {}; not yet met: {}.",
            policy.describe(),
            unmet.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
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

    fn observed(pairs: &[(&str, Observed)]) -> HashMap<String, Observed> {
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
        let seen: HashMap<String, Observed> =
            (0..met).map(|i| (format!("s{i}"), manager("2"))).collect();
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
}
