//! The blueprint sections of an effective profile: a level's own, or inherited in a cumulative track
//! from the nearest level before it that has the section; and the withholding of their text when
//! it comes from a source that may not be redistributed.

use indexmap::IndexMap;
use serde::Serialize;

use super::{
    Automation, Exercise, FailureModes, InterviewGuidance, ItemGroup, Onboarding, Promotion,
    Qualifications, SectionNotes, Stakeholders, Variant,
};
use crate::framework::{Framework, RoleLevel, Track, role_level_id};

/// The sections of an effective profile, as the profile's JSON shows them (flattened into it).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ProfileSections {
    pub horizon: Option<String>,
    pub reports_to: Option<String>,
    pub kpi_notes: Vec<String>,
    pub stakeholders: Option<Stakeholders>,
    pub environment: Vec<ItemGroup>,
    pub qualifications: Option<Qualifications>,
    pub promotion: Option<Promotion>,
    pub onboarding: Option<Onboarding>,
    pub high_performance: Vec<String>,
    pub failure_modes: Option<FailureModes>,
    pub variants: Vec<Variant>,
    pub automation: Option<Automation>,
    pub interview_guidance: Option<InterviewGuidance>,
    /// The level's introductions of its list sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<SectionNotes>,
    /// The sections this level takes from an earlier level of its track (it does not write them),
    /// each with the full id of that level, e.g. `{"stakeholders": "product/senior-pm"}`.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub inherited: IndexMap<String, String>,
    /// Sections whose text comes from a source that may not be redistributed, with the source's
    /// name: the level's own source, or that of the level a section is inherited from.
    #[serde(skip)]
    restricted: IndexMap<&'static str, String>,
}

/// Every section, by key, in the order profiles show them.
pub const KEYS: [&str; 14] = [
    "horizon",
    "reports_to",
    "kpi_notes",
    "stakeholders",
    "environment",
    "qualifications",
    "promotion",
    "onboarding",
    "high_performance",
    "failure_modes",
    "variants",
    "automation",
    "interview_guidance",
    "notes",
];

/// The sections a level inherits when it does not write them. The reporting line, the notes on
/// KPIs, the promotion criteria and the notes speak of one level only.
pub const INHERITED: [&str; 10] = [
    "horizon",
    "stakeholders",
    "environment",
    "qualifications",
    "onboarding",
    "high_performance",
    "failure_modes",
    "variants",
    "automation",
    "interview_guidance",
];

/// Whether a level writes the section `key` (a section written empty counts as not written).
fn writes(level: &RoleLevel, key: &str) -> bool {
    let has = |empty: Option<bool>| empty.is_some_and(|e| !e);
    match key {
        "horizon" => level.horizon.is_some(),
        "reports_to" => level.reports_to.is_some(),
        "kpi_notes" => !level.kpi_notes.is_empty(),
        "stakeholders" => has(level.stakeholders.as_ref().map(Stakeholders::is_empty)),
        "environment" => !level.environment.is_empty(),
        "qualifications" => has(level.qualifications.as_ref().map(Qualifications::is_empty)),
        "promotion" => has(level.promotion.as_ref().map(Promotion::is_empty)),
        "onboarding" => has(level.onboarding.as_ref().map(Onboarding::is_empty)),
        "high_performance" => !level.high_performance.is_empty(),
        "failure_modes" => has(level.failure_modes.as_ref().map(FailureModes::is_empty)),
        "variants" => !level.variants.is_empty(),
        "automation" => has(level.automation.as_ref().map(Automation::is_empty)),
        "interview_guidance" => has(level
            .interview_guidance
            .as_ref()
            .map(InterviewGuidance::is_empty)),
        "notes" => has(level.notes.as_ref().map(SectionNotes::is_empty)),
        _ => false,
    }
}

/// The sections of the level at `index` of `track`.
pub fn resolve(fw: &Framework, track: &Track, index: usize) -> ProfileSections {
    let mut out = ProfileSections::default();
    let Some(level) = track.levels.get(index) else {
        return out;
    };
    // Each section's level: this one, or in a cumulative track the nearest before it.
    let origin = |key: &str| -> Option<(usize, &RoleLevel)> {
        if writes(level, key) {
            return Some((index, level));
        }
        if !track.cumulative || !INHERITED.contains(&key) {
            return None;
        }
        track
            .levels
            .iter()
            .enumerate()
            .take(index)
            .rev()
            .find(|(_, l)| writes(l, key))
    };
    // The notes are put together below, each from its section's level.
    for key in KEYS.into_iter().filter(|k| *k != "notes") {
        let Some((i, from)) = origin(key) else {
            continue;
        };
        match key {
            "horizon" => out.horizon.clone_from(&from.horizon),
            "reports_to" => out.reports_to.clone_from(&from.reports_to),
            "kpi_notes" => out.kpi_notes.clone_from(&from.kpi_notes),
            "stakeholders" => out.stakeholders.clone_from(&from.stakeholders),
            "environment" => out.environment.clone_from(&from.environment),
            "qualifications" => out.qualifications.clone_from(&from.qualifications),
            "promotion" => out.promotion.clone_from(&from.promotion),
            "onboarding" => out.onboarding.clone_from(&from.onboarding),
            "high_performance" => out.high_performance.clone_from(&from.high_performance),
            "failure_modes" => out.failure_modes.clone_from(&from.failure_modes),
            "variants" => out.variants.clone_from(&from.variants),
            "automation" => out.automation.clone_from(&from.automation),
            "notes" => out.notes.clone_from(&from.notes),
            _ => out.interview_guidance.clone_from(&from.interview_guidance),
        }
        if i != index {
            out.inherited
                .insert(key.to_owned(), role_level_id(&track.id, &from.id));
        }
        if let Some(source) = fw.restricted_source(from) {
            out.restricted.insert(key, source.name.clone());
        }
    }
    // An introduction comes with its section, from the level the section is taken from; the
    // introductions of the lists a level writes for itself (tools, decision rights…) are its own.
    let mut notes = SectionNotes::default();
    for key in SectionNotes::KEYS {
        let from = if INHERITED.contains(key) {
            origin(key).map(|(_, l)| l)
        } else {
            Some(level)
        };
        let Some(from) = from else { continue };
        let Some(text) = from.notes.as_ref().and_then(|n| n.get(key)) else {
            continue;
        };
        if let Some(slot) = notes.slot(key) {
            *slot = Some(text.to_owned());
        }
        if let Some(source) = fw.restricted_source(from) {
            out.restricted.insert(*key, source.name.clone());
        }
    }
    out.notes = (!notes.is_empty()).then_some(notes);
    out
}

impl InterviewGuidance {
    /// The guidance with its prose removed: only the exercises' names stay.
    pub fn names_only(&self) -> InterviewGuidance {
        InterviewGuidance {
            exercises: self
                .exercises
                .iter()
                .map(|e| Exercise {
                    name: e.name.clone(),
                    prompt: None,
                    evaluates: None,
                })
                .collect(),
            ..InterviewGuidance::default()
        }
    }
}

impl ProfileSections {
    /// The names of the sources whose licence restricts the text of some section.
    pub fn restricted_sources(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for source in self.restricted.values() {
            if !out.contains(source) {
                out.push(source.clone());
            }
        }
        out
    }

    /// Whether the section `key` has anything to show.
    pub fn has(&self, key: &str) -> bool {
        match key {
            "horizon" => self.horizon.is_some(),
            "reports_to" => self.reports_to.is_some(),
            "kpi_notes" => !self.kpi_notes.is_empty(),
            "stakeholders" => self.stakeholders.is_some(),
            "environment" => !self.environment.is_empty(),
            "qualifications" => self.qualifications.is_some(),
            "promotion" => self.promotion.is_some(),
            "onboarding" => self.onboarding.is_some(),
            "high_performance" => !self.high_performance.is_empty(),
            "failure_modes" => self.failure_modes.is_some(),
            "variants" => !self.variants.is_empty(),
            "automation" => self.automation.is_some(),
            "interview_guidance" => self.interview_guidance.is_some(),
            "notes" => self.notes.is_some(),
            _ => false,
        }
    }

    /// Removes the text of sections from sources that may not be redistributed, as the rest of a
    /// withheld profile: names stay (stakeholders, teams, peers, exercises), prose goes. Returns
    /// the name of a source whose text was withheld, if any.
    pub fn withhold_restricted(&mut self) -> Option<String> {
        let restricted = std::mem::take(&mut self.restricted);
        let mut withheld = None;
        for (key, source) in restricted {
            self.withhold(key);
            withheld.get_or_insert(source);
        }
        if self
            .stakeholders
            .as_ref()
            .is_some_and(Stakeholders::is_empty)
        {
            self.stakeholders = None;
        }
        if self
            .interview_guidance
            .as_ref()
            .is_some_and(InterviewGuidance::is_empty)
        {
            self.interview_guidance = None;
        }
        let kept: Vec<String> = self
            .inherited
            .keys()
            .filter(|k| self.has(k))
            .cloned()
            .collect();
        self.inherited.retain(|k, _| kept.contains(k));
        withheld
    }

    fn withhold(&mut self, key: &str) {
        if let Some(slot) = self.notes.as_mut().and_then(|n| n.slot(key)) {
            *slot = None;
        }
        if self.notes.as_ref().is_some_and(SectionNotes::is_empty) {
            self.notes = None;
        }
        match key {
            "horizon" => self.horizon = None,
            "reports_to" => self.reports_to = None,
            "kpi_notes" => self.kpi_notes.clear(),
            "stakeholders" => {
                if let Some(c) = &mut self.stakeholders {
                    for s in c
                        .internal
                        .iter_mut()
                        .chain(&mut c.external)
                        .chain(&mut c.peers)
                    {
                        s.about = None;
                    }
                    c.upstream.clear();
                    c.downstream.clear();
                    c.ways_of_working.clear();
                    c.escalations.clear();
                }
            }
            "environment" => self.environment.clear(),
            "qualifications" => self.qualifications = None,
            "promotion" => self.promotion = None,
            "onboarding" => self.onboarding = None,
            "high_performance" => self.high_performance.clear(),
            "failure_modes" => self.failure_modes = None,
            "variants" => self.variants.clear(),
            "automation" => self.automation = None,
            "notes" => self.notes = None,
            "interview_guidance" => {
                if let Some(h) = &mut self.interview_guidance {
                    *h = h.names_only();
                }
            }
            _ => {}
        }
    }
}
