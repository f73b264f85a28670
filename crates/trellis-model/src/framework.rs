//! The framework model: the nouns a framework author writes down.
//!
//! These types are what framework files deserialize into and what every other part of Trellis reads.
//! Field names are the file format, so they are chosen for the author reading YAML, and every struct
//! refuses unknown fields so that a typo is an error rather than silently ignored data.

use std::borrow::Borrow;
use std::fmt;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::sections::{
    Automation, FailureModes, InterviewGuidance, ItemGroup, Onboarding, Promotion, Qualifications,
    SectionNotes, Stakeholders, Variant,
};

/// A career framework: sources, scales, skills and tracks of role levels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable identifier, e.g. `acme-product`.
    pub id: String,
    pub name: String,
    /// The version of this framework, e.g. `2026.1`. Published snapshots are keyed by it.
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the content comes from, with its licence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// The level scales skills are rated on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<Scale>,
    /// Skills may be written here or in `skills/*.yaml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Skill>,
    /// Tracks may be written here or one per file in `tracks/*.yaml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<Track>,
    /// What "ready for a role level" means here. Default: every critical and important requirement met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<crate::readiness::ReadinessPolicy>,
}

/// Where framework content comes from and under which terms it may be published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Identifier that skills and level mappings refer to, e.g. `sfia`.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// The attribution line that must accompany published text from this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether text from this source may be published. When false, only codes, names and levels are
    /// published unless the publisher says they hold a licence.
    #[serde(default = "yes")]
    pub redistributable: bool,
    /// The scale that this source's level numbers live on, so that level mappings to it can be checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_scale: Option<String>,
}

fn yes() -> bool {
    true
}

/// An ordered list of levels, lowest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub levels: Vec<ScaleLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub id: LevelId,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The id of a level on a scale. Written as a number (`5`) or a word (`practitioner`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LevelId(pub String);

impl LevelId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LevelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for LevelId {
    fn from(s: &str) -> Self {
        LevelId(s.to_owned())
    }
}

impl Borrow<str> for LevelId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for LevelId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = LevelId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a level id (a number or a word)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LevelId, E> {
                Ok(LevelId(v.to_owned()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<LevelId, E> {
                Ok(LevelId(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<LevelId, E> {
                Ok(LevelId(v.to_string()))
            }
        }
        // `any`, so JSON numbers (`"level": 4`) are accepted as well as text.
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for LevelId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LevelId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A level on a scale: a number such as 5 or a word such as practitioner.",
            "type": ["string", "integer"]
        })
    }
}

/// A skill, rated on one scale, described at the levels where it is defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    /// Stable identifier that requirements refer to, e.g. `product-discovery` or `PROD`.
    pub id: String,
    pub name: String,
    /// The code of this skill in an external framework, e.g. an SFIA skill code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The scale this skill is rated on.
    pub scale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// The source this skill comes from (an id from `sources`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the skill looks like at each level where it is defined. Sparse: a skill may be defined at
    /// some levels of its scale only.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(with = "IndexMap<String, String>")]
    pub levels: IndexMap<LevelId, String>,
}

/// A career path: role levels in order of seniority, most junior first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Stable identifier, the first half of every role-level id in this track, e.g. `product`.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether each level inherits the requirements of the levels before it (the default). When false,
    /// every level lists all it requires and a skill missing from the next level counts as dropped.
    #[serde(default = "yes")]
    pub cumulative: bool,
    pub levels: Vec<RoleLevel>,
}

/// One role at one level of seniority, e.g. Senior Product Manager.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleLevel {
    /// Slug, unique within the track. The role level's full id is `<track>/<id>`.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The source this role level's text comes from (an id from `sources`). When that source may not
    /// be redistributed, its prose is published only with `--licensed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Full id of the level before this one when it is not the previous level of this track, e.g. a
    /// level in another track that people usually move from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Full id of the level after this one when it is not the next level of this track.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responsibilities: Vec<ResponsibilityGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
    /// Skills required by earlier levels that this level deliberately no longer requires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drops: Vec<DroppedSkill>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviours: Vec<Behaviour>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<Kpi>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decision_rights: Vec<DecisionTier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interview: Vec<InterviewDimension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary: Option<SalaryBand>,
    /// Equivalent levels in other frameworks, e.g. SFIA responsibility level 5.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<LevelMapping>,

    // The rest of a role blueprint (`crate::sections`). In a cumulative track, a level without one
    // of these sections inherits it from the nearest level before it that has it, except
    // `reports_to`, `kpi_notes`, `promotion` and `notes`, which speak of this level only.
    /// How established the role is, e.g. "Current" or "Emerging".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<String>,
    /// Whom the role usually reports to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports_to: Option<String>,
    /// How the KPIs as a whole are measured and their targets set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpi_notes: Vec<String>,
    /// Who the role works with and what about: internal, external and peer roles, teams,
    /// dependencies, escalations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stakeholders: Option<Stakeholders>,
    /// The working environment: technology, delivery model, scale, team topology.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environment: Vec<ItemGroup>,
    /// Typical years of experience, education and certifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifications: Option<Qualifications>,
    /// What promotion from this level takes, and where people come from and go on to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<Promotion>,
    /// Goals at 30, 60 and 90 days and milestones at 6 and 12 months, each with its evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding: Option<Onboarding>,
    /// What high performance in the role looks like.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub high_performance: Vec<String>,
    /// Common challenges, bottlenecks and anti-patterns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_modes: Option<FailureModes>,
    /// How the role differs by company size, industry, geography or operating model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// Tasks likely to be automated and tasks that stay human-critical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<Automation>,
    /// How to interview for the role as a whole; each interview dimension has its own too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview_guidance: Option<InterviewGuidance>,
    /// Introductions of the sections that are lists: skills, responsibilities, decision rights,
    /// tools, environment, variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<SectionNotes>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponsibilityGroup {
    /// The theme, e.g. "Discovery" or "Stakeholders".
    pub group: String,
    pub items: Vec<String>,
}

/// A skill a role level requires, at a level of the skill's scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub skill: String,
    pub level: LevelId,
    #[serde(default)]
    pub importance: Importance,
    /// Set when this level deliberately requires less than the level before it, saying why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression_reason: Option<String>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    Critical,
    #[default]
    Important,
    Optional,
}

impl Importance {
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Critical => "critical",
            Importance::Important => "important",
            Importance::Optional => "optional",
        }
    }
}

impl fmt::Display for Importance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A skill that an earlier level required and this one deliberately does not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DroppedSkill {
    pub skill: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A key performance indicator the role level is accountable for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub metric: String,
    /// What the metric measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<String>,
    /// Why it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// How the metric is measured, e.g. the attribution method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<String>,
}

/// Decisions this role level takes at one approval tier, e.g. "Decides alone" or "Needs sign-off".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionTier {
    pub tier: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// How common the tool is in the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<ToolUsage>,
}

/// How common a tool is in a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ToolUsage {
    Common,
    Optional,
    ContextSpecific,
}

impl ToolUsage {
    pub fn label(self) -> &'static str {
        match self {
            ToolUsage::Common => "Common",
            ToolUsage::Optional => "Optional",
            ToolUsage::ContextSpecific => "Context-specific",
        }
    }

    /// Reads "Common", "optional", "Context specific"…; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_lowercase().replace(['-', '_'], " ");
        if t.starts_with("common") {
            Some(ToolUsage::Common)
        } else if t.starts_with("optional") {
            Some(ToolUsage::Optional)
        } else if t.starts_with("context") {
            Some(ToolUsage::ContextSpecific)
        } else {
            None
        }
    }
}

/// One dimension of an interview scorecard, weighted, with what each score from 1 to 5 looks like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewDimension {
    pub name: String,
    /// Share of the overall score, in percent. The weights of a role level sum to 100.
    pub weight: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What a candidate scoring 1 to 5 looks like. Scores without an anchor are interpolated by the
    /// interviewer.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub anchors: IndexMap<u8, String>,
    /// How to interview for this dimension: what to assess, exercises, signals, red flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview_guidance: Option<InterviewGuidance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SalaryBand {
    /// ISO 4217 currency code, e.g. GBP.
    pub currency: String,
    pub min: u64,
    pub max: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An equivalent level in another framework: house "Principal" is SFIA responsibility level 6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelMapping {
    /// The other framework, as a source id, e.g. `sfia` or `ddat`.
    pub source: String,
    /// The level in that framework, e.g. `6` or `Senior product manager`.
    pub level: LevelId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A file of skills, `skills/*.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillsFile {
    pub skills: Vec<Skill>,
}

/// Joins a track id and a role-level slug into the role level's full id.
pub fn role_level_id(track: &str, level: &str) -> String {
    format!("{track}/{level}")
}

impl Framework {
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }

    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn track(&self, id: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    /// Finds a role level by its full id (`track/level`).
    pub fn role_level(&self, full_id: &str) -> Option<(&Track, usize, &RoleLevel)> {
        let (track_id, level_id) = full_id.split_once('/')?;
        let track = self.track(track_id)?;
        let (index, level) = track
            .levels
            .iter()
            .enumerate()
            .find(|(_, l)| l.id == level_id)?;
        Some((track, index, level))
    }

    /// Every role level with its full id, in track order.
    pub fn role_levels(&self) -> impl Iterator<Item = (String, &Track, &RoleLevel)> {
        self.tracks.iter().flat_map(|t| {
            t.levels
                .iter()
                .map(move |l| (role_level_id(&t.id, &l.id), t, l))
        })
    }

    /// The source of a role level's text, when that source may not be redistributed.
    pub fn restricted_source(&self, level: &RoleLevel) -> Option<&Source> {
        level
            .source
            .as_deref()
            .and_then(|s| self.source(s))
            .filter(|s| !s.redistributable)
    }

    /// Whether a skill's descriptive text may be published without a licence.
    pub fn skill_text_redistributable(&self, skill: &Skill) -> bool {
        skill
            .source
            .as_deref()
            .and_then(|s| self.source(s))
            .is_none_or(|s| s.redistributable)
    }
}

impl Scale {
    /// Position of a level on this scale, 0 for the lowest.
    pub fn rank(&self, level: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id.as_str() == level)
    }

    pub fn level(&self, level: &str) -> Option<&ScaleLevel> {
        self.levels.iter().find(|l| l.id.as_str() == level)
    }
}

impl RoleLevel {
    /// Every piece of prose in this role level with a pointer to where it sits, for text lints.
    pub fn texts(&self) -> Vec<(Vec<crate::Seg>, &str)> {
        use crate::Seg::{Index as I, Key as K};
        let mut out: Vec<(Vec<crate::Seg>, &str)> = Vec::new();
        if let Some(s) = &self.summary {
            out.push((vec![K("summary")], s));
        }
        if let Some(s) = &self.scope {
            out.push((vec![K("scope")], s));
        }
        for (g, group) in self.responsibilities.iter().enumerate() {
            for (i, item) in group.items.iter().enumerate() {
                out.push((vec![K("responsibilities"), I(g), K("items"), I(i)], item));
            }
        }
        for (i, b) in self.behaviours.iter().enumerate() {
            out.push((vec![K("behaviours"), I(i), K("name")], &b.name));
            if let Some(d) = &b.description {
                out.push((vec![K("behaviours"), I(i), K("description")], d));
            }
        }
        for (i, k) in self.kpis.iter().enumerate() {
            for (key, text) in [
                ("metric", Some(&k.metric)),
                ("measures", k.measures.as_ref()),
                ("why", k.why.as_ref()),
            ] {
                if let Some(t) = text {
                    out.push((vec![K("kpis"), I(i), K(key)], t));
                }
            }
        }
        for (t, tier) in self.decision_rights.iter().enumerate() {
            for (i, item) in tier.items.iter().enumerate() {
                out.push((vec![K("decision_rights"), I(t), K("items"), I(i)], item));
            }
        }
        for (i, d) in self.interview.iter().enumerate() {
            if let Some(desc) = &d.description {
                out.push((vec![K("interview"), I(i), K("description")], desc));
            }
            for (score, anchor) in &d.anchors {
                out.push((
                    vec![
                        K("interview"),
                        I(i),
                        K("anchors"),
                        crate::Seg::Name(score.to_string()),
                    ],
                    anchor,
                ));
            }
        }
        out.extend(self.section_texts());
        out
    }
}
