//! The skills catalogue as the templates see it: skills grouped by category with their levels and
//! the role levels that require them, and the scales. The static site and the server's framework
//! browser both show it.

use std::collections::HashSet;

use trellis_model::{Framework, Profile, Scale, Skill};

use super::text;
use super::view::{self, Link, Links, scale_anchor, skill_anchor};

#[derive(Debug)]
pub struct SkillLevelView {
    pub level: String,
    pub descriptor: Option<String>,
}

#[derive(Debug)]
pub struct RequiredBy {
    pub role: Link,
    pub level: String,
    pub status: String,
}

#[derive(Debug)]
pub struct SkillView {
    pub anchor: String,
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub subcategory: Option<String>,
    pub source: Option<String>,
    pub scale: Link,
    pub description: Vec<text::Block>,
    pub guidance: Option<String>,
    /// The skill's text exists but is not published here.
    pub withheld: bool,
    pub levels: Vec<SkillLevelView>,
    pub required_by: Vec<RequiredBy>,
}

#[derive(Debug)]
pub struct CategoryView {
    pub anchor: String,
    pub name: String,
    pub skills: Vec<SkillView>,
}

#[derive(Debug)]
pub struct ScaleView {
    pub anchor: String,
    pub name: String,
    pub description: Option<String>,
    /// The source whose licence withholds the level descriptions, when they are withheld.
    pub withheld: Option<String>,
    pub levels: Vec<SkillLevelView>,
}

/// The skills grouped by category, in the order categories first appear.
///
/// `profiles`: the effective profiles of the role levels, for "required by". `licensed`: publish text
/// from sources that may not be redistributed.
pub fn catalogue(
    fw: &Framework,
    profiles: &[Profile],
    links: &dyn Links,
    licensed: bool,
) -> Vec<CategoryView> {
    let mut categories: Vec<CategoryView> = Vec::new();
    let mut anchors = HashSet::new();
    for skill in &fw.skills {
        let name = skill
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("Other skills");
        let view = skill_view(fw, skill, profiles, links, licensed);
        match categories.iter_mut().find(|c| c.name == name) {
            Some(c) => c.skills.push(view),
            None => {
                let base = format!("category-{}", readable(name));
                let mut anchor = base.clone();
                let mut n = 2;
                while !anchors.insert(anchor.clone()) {
                    anchor = format!("{base}-{n}");
                    n += 1;
                }
                categories.push(CategoryView {
                    anchor,
                    name: name.to_owned(),
                    skills: vec![view],
                });
            }
        }
    }
    categories
}

fn skill_view(
    fw: &Framework,
    skill: &Skill,
    profiles: &[Profile],
    links: &dyn Links,
    licensed: bool,
) -> SkillView {
    let publish = licensed || fw.skill_text_redistributable(skill);
    let scale = fw.scale(&skill.scale);
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let has_text = clean(&skill.description).is_some()
        || clean(&skill.guidance).is_some()
        || !skill.levels.is_empty();
    // Levels in scale order, then any the scale does not know (the validator reports those).
    let mut ids: Vec<&str> = scale
        .map(|sc| {
            sc.levels
                .iter()
                .map(|l| l.id.as_str())
                .filter(|l| skill.levels.contains_key(*l))
                .collect()
        })
        .unwrap_or_default();
    ids.extend(
        skill
            .levels
            .keys()
            .map(|l| l.as_str())
            .filter(|l| scale.is_none_or(|sc| sc.level(l).is_none())),
    );
    let levels = ids
        .into_iter()
        .map(|l| SkillLevelView {
            level: text::level(l, &text::skill_level_label(fw, &skill.id, l)),
            descriptor: if publish {
                skill.levels.get(l).cloned()
            } else {
                None
            },
        })
        .collect();
    let required_by = profiles
        .iter()
        .filter_map(|p| {
            let r = p.requirements.iter().find(|r| r.skill == skill.id)?;
            Some(RequiredBy {
                role: view::role_link(fw, links, &p.id),
                level: text::level(r.level.as_str(), &r.level_label),
                status: text::status(fw, r),
            })
        })
        .collect();
    SkillView {
        anchor: skill_anchor(&skill.id),
        id: skill.id.clone(),
        name: skill.name.clone(),
        code: skill.code.clone(),
        subcategory: clean(&skill.subcategory),
        source: text::skill_source(fw, &skill.id).map(|s| s.name.clone()),
        scale: Link {
            text: scale.map_or_else(|| skill.scale.clone(), |s| s.name.clone()),
            href: scale.map(|s| format!("#{}", scale_anchor(&s.id))),
        },
        description: if publish {
            clean(&skill.description)
                .as_deref()
                .map(text::blocks)
                .unwrap_or_default()
        } else {
            Vec::new()
        },
        guidance: if publish {
            clean(&skill.guidance)
        } else {
            None
        },
        withheld: !publish && has_text,
        levels,
        required_by,
    }
}

/// A scale's level descriptions are withheld when a restricted source declares it as its level scale.
pub fn scale_view(fw: &Framework, scale: &Scale, licensed: bool) -> ScaleView {
    let restricted_by = fw
        .sources
        .iter()
        .find(|s| !s.redistributable && s.level_scale.as_deref() == Some(scale.id.as_str()));
    let publish = licensed || restricted_by.is_none();
    let has_text =
        scale.description.is_some() || scale.levels.iter().any(|l| l.description.is_some());
    ScaleView {
        anchor: scale_anchor(&scale.id),
        name: scale.name.clone(),
        description: scale.description.clone().filter(|_| publish),
        withheld: (!publish && has_text)
            .then(|| restricted_by.map(|s| s.name.clone()).unwrap_or_default()),
        levels: scale
            .levels
            .iter()
            .map(|l| SkillLevelView {
                level: text::level(l.id.as_str(), &l.label),
                descriptor: l.description.clone().filter(|_| publish),
            })
            .collect(),
    }
}

/// A readable anchor from free text: lowercase words joined by hyphens.
fn readable(s: &str) -> String {
    let words: Vec<String> = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "x".to_owned()
    } else {
        words.join("-")
    }
}

/// One note per source whose skill text is withheld, none when the reader holds the licences.
pub fn withheld_notes(fw: &Framework, licensed: bool) -> Vec<String> {
    if licensed {
        return Vec::new();
    }
    view::notes(
        fw,
        fw.skills
            .iter()
            .filter(|s| !fw.skill_text_redistributable(s))
            .map(|s| s.id.as_str()),
    )
}
