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

use crate::framework::{Framework, Importance, LevelId, Scale};
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

/// What is known of each skill of a person, by skill id. A person page looks skills up by the
/// hundred: hashed with foldhash (seeded per map) rather than SipHash, whose resistance to crafted
/// keys costs more than these ids, all a framework's, need.
pub type ObservedSkills = HashMap<String, Observed, foldhash::fast::RandomState>;

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
        Rated::Level(l) => l.as_str().to_owned(),
        Rated::NotApplicable(_) => "n/a".to_owned(),
    })
}

/// Readiness of a person for the role level of `profile`, under the framework's policy.
pub fn readiness(fw: &Framework, profile: &Profile, observed: &ObservedSkills) -> Readiness {
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
/// A level's label on `scale`, or the level itself when the scale does not have it.
fn label<'a>(scale: Option<&'a Scale>, level: &'a str) -> &'a str {
    scale
        .and_then(|scale| scale.level(level))
        .map_or(level, |l| l.label.as_str())
}

fn assess(fw: &Framework, req: &EffectiveRequirement, seen: &Observed) -> RequirementReadiness {
    // The skill's scale, found once: a team's readiness assesses a hundred requirements.
    let scale = fw.skill(&req.skill).and_then(|s| fw.scale(&s.scale));
    let required = label(scale, req.level.as_str());
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
        Some(Rated::Level(level)) => match scale.and_then(|sc| sc.rank(level.as_str())) {
            Some(r) if r >= req.rank => (
                ReadinessStatus::Met,
                format!(
                    "{who} {}, which meets the required {required}.",
                    label(scale, level.as_str())
                ),
            ),
            Some(r) => {
                let short = req.rank - r;
                (
                    ReadinessStatus::NotMet,
                    format!(
                        "{who} {}; {required} is required ({short} level{} short).",
                        label(scale, level.as_str()),
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
                    label(scale, level.as_str())
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
        required_label: required.to_owned(),
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
mod tests;
