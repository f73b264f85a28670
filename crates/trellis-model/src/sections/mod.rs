//! The sections of a role level beyond its skills, responsibilities, KPIs, tools and scorecard: the
//! rest of a role blueprint. Who the role works with, the environment it works in, the experience it
//! asks for, where it leads, what goes wrong in it, how it varies, how AI changes it, and how to hire
//! for it.
//!
//! Every section is optional. In a cumulative track a level that does not write a section inherits
//! it from the nearest level before it that does, and a level that writes it replaces it whole
//! ([`profile`]). The career path, the reporting line and the notes on KPIs are the exceptions: they
//! speak of this level only (what it takes to move on from *here*, whom *this* level reports to),
//! so they are never inherited.
//!
//! - [`profile`]: the sections of an effective profile: inheritance and withholding restricted text.
//! - [`check`]: duplicate headings and names within a section.
//! - [`diff`]: what changes in these sections between two role levels.

pub mod check;
pub mod diff;
pub mod profile;
#[cfg(test)]
mod tests;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Seg;

/// A heading and the points under it, e.g. "Anti-patterns" and what to avoid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemGroup {
    pub group: String,
    pub items: Vec<String>,
}

/// Who a role level works with, and how.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collaboration {
    /// The teams the role typically works with, e.g. "Design/UX Research".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    /// People and functions inside the organisation, with what the role works on with each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internal: Vec<Stakeholder>,
    /// Customers, partners and suppliers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external: Vec<Stakeholder>,
    /// Roles at a similar level the role works beside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<String>,
    /// What the role depends on from others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    /// Who depends on the role's work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub downstream: Vec<String>,
    /// How the role works with others: models, agreements, who decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ways_of_working: Vec<String>,
    /// What is escalated, and to whom.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<Escalation>,
}

/// Someone a role level works with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    /// Who: a role, a team or a kind of customer.
    pub name: String,
    /// What they work on together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// A kind of problem and who it goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    pub issue: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Where people come to this role level from and go on to, and what moving on takes. Says more than
/// `previous` and `next`, which link one role level each: these are the roles as people name them,
/// in this framework or not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CareerPath {
    /// Roles people usually come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// Roles people usually move on to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// Other paths open from here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjacent: Vec<String>,
    /// What is needed for promotion from this level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promotion: Vec<String>,
    /// How the role changes with time in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evolution: Vec<String>,
}

/// How to hire for a role level, beside its weighted interview scorecard (`interview`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HiringGuide {
    /// What hiring should test for, in a sentence or two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// What to assess in interviews, by area: the area is the group, its questions the items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assess: Vec<ItemGroup>,
    /// Practical exercises or case studies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exercises: Vec<Exercise>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strong_signals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weak_signals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<String>,
    /// How to score the interview scorecard, e.g. "1 to 5 with behavioural anchors".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<String>,
}

/// A practical exercise for candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Its name, with its length when known, e.g. "Strategy case (60 minutes)".
    pub name: String,
    /// What the candidate is asked to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// What the interviewers look for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluates: Option<String>,
}

impl Collaboration {
    pub fn is_empty(&self) -> bool {
        self == &Collaboration::default()
    }
}

impl CareerPath {
    pub fn is_empty(&self) -> bool {
        self == &CareerPath::default()
    }
}

impl HiringGuide {
    pub fn is_empty(&self) -> bool {
        self == &HiringGuide::default()
    }
}

/// Texts with where they sit, relative to a role level.
pub(crate) type Texts<'a> = Vec<(Vec<Seg>, &'a str)>;

fn push_list<'a>(out: &mut Texts<'a>, at: &[Seg], list: &'a [String]) {
    for (i, text) in list.iter().enumerate() {
        let mut path = at.to_vec();
        path.push(Seg::Index(i));
        out.push((path, text));
    }
}

fn push_groups<'a>(out: &mut Texts<'a>, at: &[Seg], groups: &'a [ItemGroup]) {
    for (g, group) in groups.iter().enumerate() {
        let mut path = at.to_vec();
        path.extend([Seg::Index(g), Seg::Key("items")]);
        push_list(out, &path, &group.items);
    }
}

fn push_opt<'a>(out: &mut Texts<'a>, at: &[Seg], text: &'a Option<String>) {
    if let Some(t) = text {
        out.push((at.to_vec(), t));
    }
}

impl crate::RoleLevel {
    /// The prose of this level's sections, with where each text sits: what the text lints read.
    /// Names of other roles (stakeholders, peers, career moves) and the variants of the role are
    /// in [`Self::section_names`] instead: naming other roles and settings ("Farm shops: more
    /// emphasis on seasonal stock") is what those lists are for, not a template leak.
    pub fn section_texts(&self) -> Texts<'_> {
        use Seg::{Index as I, Key as K};
        let mut out: Texts<'_> = Vec::new();
        push_opt(&mut out, &[K("horizon")], &self.horizon);
        push_list(&mut out, &[K("kpi_notes")], &self.kpi_notes);
        if let Some(c) = &self.collaboration {
            for (key, list) in [("internal", &c.internal), ("external", &c.external)] {
                for (i, s) in list.iter().enumerate() {
                    push_opt(
                        &mut out,
                        &[K("collaboration"), K(key), I(i), K("purpose")],
                        &s.purpose,
                    );
                }
            }
            for (key, list) in [
                ("upstream", &c.upstream),
                ("downstream", &c.downstream),
                ("ways_of_working", &c.ways_of_working),
            ] {
                push_list(&mut out, &[K("collaboration"), K(key)], list);
            }
            for (i, e) in c.escalations.iter().enumerate() {
                out.push((
                    vec![K("collaboration"), K("escalations"), I(i), K("issue")],
                    &e.issue,
                ));
            }
        }
        for (key, groups) in [
            ("environment", &self.environment),
            ("experience", &self.experience),
            ("risks", &self.risks),
            ("ai_impact", &self.ai_impact),
        ] {
            push_groups(&mut out, &[K(key)], groups);
        }
        if let Some(c) = &self.career {
            push_list(&mut out, &[K("career"), K("promotion")], &c.promotion);
            push_list(&mut out, &[K("career"), K("evolution")], &c.evolution);
        }
        if let Some(h) = &self.hiring {
            push_opt(&mut out, &[K("hiring"), K("focus")], &h.focus);
            push_groups(&mut out, &[K("hiring"), K("assess")], &h.assess);
            for (i, e) in h.exercises.iter().enumerate() {
                push_opt(
                    &mut out,
                    &[K("hiring"), K("exercises"), I(i), K("prompt")],
                    &e.prompt,
                );
                push_opt(
                    &mut out,
                    &[K("hiring"), K("exercises"), I(i), K("evaluates")],
                    &e.evaluates,
                );
            }
            for (key, list) in [
                ("strong_signals", &h.strong_signals),
                ("weak_signals", &h.weak_signals),
                ("red_flags", &h.red_flags),
            ] {
                push_list(&mut out, &[K("hiring"), K(key)], list);
            }
            push_opt(&mut out, &[K("hiring"), K("scoring")], &h.scoring);
        }
        out
    }

    /// Names in this level's sections (other roles, teams, group headings) and the variants of
    /// the role: checked for mojibake only.
    pub fn section_names(&self) -> Vec<(Vec<Seg>, &str)> {
        use Seg::{Index as I, Key as K};
        let mut out: Texts<'_> = Vec::new();
        push_groups(&mut out, &[K("variants")], &self.variants);
        push_opt(&mut out, &[K("reports_to")], &self.reports_to);
        if let Some(c) = &self.collaboration {
            push_list(&mut out, &[K("collaboration"), K("teams")], &c.teams);
            for (key, list) in [("internal", &c.internal), ("external", &c.external)] {
                for (i, s) in list.iter().enumerate() {
                    out.push((vec![K("collaboration"), K(key), I(i), K("name")], &s.name));
                }
            }
            push_list(&mut out, &[K("collaboration"), K("peers")], &c.peers);
            for (i, e) in c.escalations.iter().enumerate() {
                push_opt(
                    &mut out,
                    &[K("collaboration"), K("escalations"), I(i), K("to")],
                    &e.to,
                );
            }
        }
        if let Some(c) = &self.career {
            for (key, list) in [("from", &c.from), ("to", &c.to), ("adjacent", &c.adjacent)] {
                push_list(&mut out, &[K("career"), K(key)], list);
            }
        }
        let mut groups: Vec<(Vec<Seg>, &[ItemGroup])> = [
            ("environment", &self.environment),
            ("experience", &self.experience),
            ("risks", &self.risks),
            ("variants", &self.variants),
            ("ai_impact", &self.ai_impact),
        ]
        .into_iter()
        .map(|(k, g)| (vec![K(k)], g.as_slice()))
        .collect();
        if let Some(h) = &self.hiring {
            groups.push((vec![K("hiring"), K("assess")], h.assess.as_slice()));
            for (i, e) in h.exercises.iter().enumerate() {
                out.push((vec![K("hiring"), K("exercises"), I(i), K("name")], &e.name));
            }
        }
        for (at, list) in groups {
            for (g, group) in list.iter().enumerate() {
                let mut path = at.clone();
                path.extend([I(g), K("group")]);
                out.push((path, &group.group));
            }
        }
        out
    }
}
