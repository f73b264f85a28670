//! The blueprint sections of an effective profile: a level's own, or inherited in a cumulative track
//! from the nearest level before it that has the section; and the withholding of their text when
//! it comes from a source that may not be redistributed.

use indexmap::IndexMap;
use serde::Serialize;

use super::{CareerPath, Collaboration, HiringGuide, ItemGroup};
use crate::framework::{Framework, RoleLevel, Track, role_level_id};

/// The sections of an effective profile, as the profile's JSON shows them (flattened into it).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ProfileSections {
    pub horizon: Option<String>,
    pub reports_to: Option<String>,
    pub kpi_notes: Vec<String>,
    pub collaboration: Option<Collaboration>,
    pub environment: Vec<ItemGroup>,
    pub experience: Vec<ItemGroup>,
    pub career: Option<CareerPath>,
    pub risks: Vec<ItemGroup>,
    pub variants: Vec<ItemGroup>,
    pub ai_impact: Vec<ItemGroup>,
    pub hiring: Option<HiringGuide>,
    /// The sections this level takes from an earlier level of its track (it does not write them),
    /// each with the full id of that level, e.g. `{"collaboration": "product/senior-pm"}`.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub inherited: IndexMap<String, String>,
    /// Sections whose text comes from a source that may not be redistributed, with the source's
    /// name: the level's own source, or that of the level a section is inherited from.
    #[serde(skip)]
    restricted: IndexMap<&'static str, String>,
}

/// The sections a level inherits when it does not write them, by key.
pub const INHERITED: [&str; 8] = [
    "horizon",
    "collaboration",
    "environment",
    "experience",
    "risks",
    "variants",
    "ai_impact",
    "hiring",
];

/// Whether a level writes the section `key` (a section written empty counts as not written).
fn writes(level: &RoleLevel, key: &str) -> bool {
    match key {
        "horizon" => level.horizon.is_some(),
        "reports_to" => level.reports_to.is_some(),
        "kpi_notes" => !level.kpi_notes.is_empty(),
        "collaboration" => level.collaboration.as_ref().is_some_and(|c| !c.is_empty()),
        "environment" => !level.environment.is_empty(),
        "experience" => !level.experience.is_empty(),
        "career" => level.career.as_ref().is_some_and(|c| !c.is_empty()),
        "risks" => !level.risks.is_empty(),
        "variants" => !level.variants.is_empty(),
        "ai_impact" => !level.ai_impact.is_empty(),
        "hiring" => level.hiring.as_ref().is_some_and(|h| !h.is_empty()),
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
    for key in [
        "horizon",
        "reports_to",
        "kpi_notes",
        "collaboration",
        "environment",
        "experience",
        "career",
        "risks",
        "variants",
        "ai_impact",
        "hiring",
    ] {
        let Some((i, from)) = origin(key) else {
            continue;
        };
        match key {
            "horizon" => out.horizon.clone_from(&from.horizon),
            "reports_to" => out.reports_to.clone_from(&from.reports_to),
            "kpi_notes" => out.kpi_notes.clone_from(&from.kpi_notes),
            "collaboration" => out.collaboration.clone_from(&from.collaboration),
            "environment" => out.environment.clone_from(&from.environment),
            "experience" => out.experience.clone_from(&from.experience),
            "career" => out.career.clone_from(&from.career),
            "risks" => out.risks.clone_from(&from.risks),
            "variants" => out.variants.clone_from(&from.variants),
            "ai_impact" => out.ai_impact.clone_from(&from.ai_impact),
            _ => out.hiring.clone_from(&from.hiring),
        }
        if i != index {
            out.inherited
                .insert(key.to_owned(), role_level_id(&track.id, &from.id));
        }
        if let Some(source) = fw.restricted_source(from) {
            out.restricted.insert(key, source.name.clone());
        }
    }
    out
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
            "collaboration" => self.collaboration.is_some(),
            "environment" => !self.environment.is_empty(),
            "experience" => !self.experience.is_empty(),
            "career" => self.career.is_some(),
            "risks" => !self.risks.is_empty(),
            "variants" => !self.variants.is_empty(),
            "ai_impact" => !self.ai_impact.is_empty(),
            "hiring" => self.hiring.is_some(),
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
            .collaboration
            .as_ref()
            .is_some_and(Collaboration::is_empty)
        {
            self.collaboration = None;
        }
        if self.career.as_ref().is_some_and(CareerPath::is_empty) {
            self.career = None;
        }
        if self.hiring.as_ref().is_some_and(HiringGuide::is_empty) {
            self.hiring = None;
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
        match key {
            "horizon" => self.horizon = None,
            "reports_to" => self.reports_to = None,
            "kpi_notes" => self.kpi_notes.clear(),
            "collaboration" => {
                if let Some(c) = &mut self.collaboration {
                    for s in c.internal.iter_mut().chain(&mut c.external) {
                        s.purpose = None;
                    }
                    c.upstream.clear();
                    c.downstream.clear();
                    c.ways_of_working.clear();
                    c.escalations.clear();
                }
            }
            "environment" => self.environment.clear(),
            "experience" => self.experience.clear(),
            "career" => self.career = None,
            "risks" => self.risks.clear(),
            "variants" => self.variants.clear(),
            "ai_impact" => self.ai_impact.clear(),
            "hiring" => {
                if let Some(h) = &mut self.hiring {
                    let names = h
                        .exercises
                        .iter()
                        .map(|e| super::Exercise {
                            name: e.name.clone(),
                            prompt: None,
                            evaluates: None,
                        })
                        .collect();
                    *h = HiringGuide {
                        exercises: names,
                        ..HiringGuide::default()
                    };
                }
            }
            _ => {}
        }
    }
}
