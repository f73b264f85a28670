//! What changes from one role level to another: "what do I need to get to the next level?"

use serde::Serialize;

use crate::framework::{Framework, Importance, LevelId};
use crate::resolve::{EffectiveRequirement, Profile, UnknownRoleLevel, resolve};
use crate::sections::diff::SectionChanges;

/// A requirement that differs between the two role levels. `from_*` is absent when added, `to_*` when
/// removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementChange {
    pub skill: String,
    pub skill_name: String,
    pub from_level: Option<LevelId>,
    pub to_level: Option<LevelId>,
    pub from_label: Option<String>,
    pub to_label: Option<String>,
    pub from_descriptor: Option<String>,
    pub to_descriptor: Option<String>,
    pub importance: Importance,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub restricted: bool,
}

/// Items of a list present in one role level and not the other.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ListChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl ListChange {
    pub(crate) fn between(from: Vec<String>, to: Vec<String>) -> Self {
        ListChange {
            added: to.iter().filter(|i| !from.contains(i)).cloned().collect(),
            removed: from.iter().filter(|i| !to.contains(i)).cloned().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub from: String,
    pub to: String,
    pub from_title: String,
    pub to_title: String,
    pub added: Vec<RequirementChange>,
    pub raised: Vec<RequirementChange>,
    pub lowered: Vec<RequirementChange>,
    pub removed: Vec<RequirementChange>,
    /// Requirements at the same level in both.
    pub unchanged: usize,
    pub responsibilities: ListChange,
    pub behaviours: ListChange,
    pub kpis: ListChange,
    pub decision_rights: ListChange,
    /// The blueprint sections: collaboration, environment, experience, career, risks, variants,
    /// AI impact and hiring guidance.
    #[serde(flatten)]
    pub sections: SectionChanges,
    /// Names of sources whose licence restricts the prose of either role level.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restricted_sources: Vec<String>,
}

/// Compares the effective profiles of two role levels, in any tracks.
pub fn diff(fw: &Framework, from: &str, to: &str) -> Result<Diff, UnknownRoleLevel> {
    let a = resolve(fw, from)?;
    let b = resolve(fw, to)?;
    Ok(diff_profiles(&a, &b))
}

pub fn diff_profiles(a: &Profile, b: &Profile) -> Diff {
    let change = |x: Option<&EffectiveRequirement>, y: Option<&EffectiveRequirement>| {
        let any = y.or(x).expect("one side is present");
        RequirementChange {
            skill: any.skill.clone(),
            skill_name: any.skill_name.clone(),
            from_level: x.map(|r| r.level.clone()),
            to_level: y.map(|r| r.level.clone()),
            from_label: x.map(|r| r.level_label.clone()),
            to_label: y.map(|r| r.level_label.clone()),
            from_descriptor: x.and_then(|r| r.descriptor.clone()),
            to_descriptor: y.and_then(|r| r.descriptor.clone()),
            importance: any.importance,
            restricted: any.restricted,
        }
    };
    let find = |p: &Profile, skill: &str| p.requirements.iter().find(|r| r.skill == skill).cloned();
    let mut out = Diff {
        from: a.id.clone(),
        to: b.id.clone(),
        from_title: a.title.clone(),
        to_title: b.title.clone(),
        added: vec![],
        raised: vec![],
        lowered: vec![],
        removed: vec![],
        unchanged: 0,
        responsibilities: ListChange::between(responsibilities(a), responsibilities(b)),
        behaviours: ListChange::between(
            a.behaviours.iter().map(|x| x.name.clone()).collect(),
            b.behaviours.iter().map(|x| x.name.clone()).collect(),
        ),
        kpis: ListChange::between(
            a.kpis.iter().map(|k| k.metric.clone()).collect(),
            b.kpis.iter().map(|k| k.metric.clone()).collect(),
        ),
        decision_rights: ListChange::between(decisions(a), decisions(b)),
        sections: SectionChanges::between(&a.sections, &b.sections),
        restricted_sources: Vec::new(),
    };
    for source in a
        .restricted_source
        .iter()
        .chain(&b.restricted_source)
        .cloned()
        .chain(a.sections.restricted_sources())
        .chain(b.sections.restricted_sources())
    {
        if !out.restricted_sources.contains(&source) {
            out.restricted_sources.push(source);
        }
    }
    for to in &b.requirements {
        match find(a, &to.skill) {
            None => out.added.push(change(None, Some(to))),
            Some(from) if to.rank > from.rank => out.raised.push(change(Some(&from), Some(to))),
            Some(from) if to.rank < from.rank => out.lowered.push(change(Some(&from), Some(to))),
            Some(_) => out.unchanged += 1,
        }
    }
    for from in &a.requirements {
        if find(b, &from.skill).is_none() {
            out.removed.push(change(Some(from), None));
        }
    }
    out
}

fn responsibilities(p: &Profile) -> Vec<String> {
    p.responsibilities
        .iter()
        .flat_map(|g| g.items.iter().map(move |i| format!("{}: {i}", g.group)))
        .collect()
}

fn decisions(p: &Profile) -> Vec<String> {
    p.decision_rights
        .iter()
        .flat_map(|t| t.items.iter().map(move |i| format!("{}: {i}", t.tier)))
        .collect()
}

impl Diff {
    pub fn withhold_restricted(&mut self) {
        for c in self
            .added
            .iter_mut()
            .chain(&mut self.raised)
            .chain(&mut self.lowered)
            .chain(&mut self.removed)
        {
            if c.restricted {
                c.from_descriptor = None;
                c.to_descriptor = None;
            }
        }
        if !self.restricted_sources.is_empty() {
            self.responsibilities = ListChange::default();
            self.decision_rights = ListChange::default();
            self.sections = SectionChanges::default();
        }
    }
}
