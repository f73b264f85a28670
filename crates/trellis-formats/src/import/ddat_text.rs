//! Importer: text renderings of the UK government DDaT capability framework (`ddat-text`), like
//! `ddat-senior-product-manager.txt`:
//!
//! ```text
//! Product and delivery role: Product manager
//! - what the role is
//! In this role, you will:
//! - …
//! Role level: Senior product manager
//! - what the role level is
//! At this role level, you will:
//! - …
//! Skill: Product management
//! - what is expected
//! ```
//!
//! A `… role: X` line starts a track (its description is the role's text, as written); each
//! `Role level: Y` a role level (summary = its description, responsibilities = the groups introduced
//! by lead-in lines such as "At this role level, you will:"); each `Skill: Z` a skill on the DDaT scale
//! (awareness, working, practitioner, expert) whose description is its expectation bullets.
//!
//! **Skill levels.** The rendering drops the level each skill is required at (the official role
//! content CSV has it). The importer still records the requirement, because which skills a role level
//! needs is the heart of the profile, but at an assumed level: `practitioner`, the level DDaT uses for
//! most skills of a role level. Every role level with assumed levels gets a `missing-levels` warning
//! naming the skills, so nobody mistakes the assumption for data; the fix is to correct the levels in
//! the written files or to import the CSV with `ddat`. The skills carry no level descriptors (the text
//! has none), so any level passes the checker.
//!
//! The bullets describe what *this* role level does with the skill. When several role levels list the
//! same skill, the first one's bullets become the skill's description and the others are reported.

use indexmap::IndexMap;
use trellis_model::{
    Framework, Importance, LevelId, Requirement, ResponsibilityGroup, RoleLevel, Skill, Track,
};

use super::markdown_util::{
    self as md, DDAT_SCALE, Line, bullet, canonical_order, ddat_scale, ddat_source, shorten,
};
use super::{ImportError, ImportOptions, ImportReport, Input, LevelOrder, read_each};
use crate::write::slug;

const HINT: &str = "is this a DDaT text rendering like ddat-senior-product-manager.txt?";

/// The level requirements are given at, since the rendering does not say.
pub const ASSUMED_LEVEL: &str = "practitioner";

#[derive(Debug)]
enum Kind {
    Role { family: String, name: String },
    Level(String),
    Skill(String),
    Bullet(String),
    LeadIn(String),
    Text(String),
    Blank,
}

fn classify(text: &str) -> Kind {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Kind::Blank;
    }
    if let Some(item) = bullet(text) {
        return Kind::Bullet(item.to_owned());
    }
    let lower = trimmed.to_ascii_lowercase();
    let after = |prefix: &str| trimmed.get(prefix.len()..).unwrap_or("").trim().to_owned();
    if lower.starts_with("role level:") {
        return Kind::Level(after("role level:"));
    }
    if lower.starts_with("skill:") {
        return Kind::Skill(after("skill:"));
    }
    if let Some(at) = lower.find("role:")
        && (at == 0 || lower.get(..at).is_some_and(|p| p.ends_with(' ')))
        && !lower.get(..at).unwrap_or("").contains(':')
    {
        let family = trimmed.get(..at).unwrap_or("").trim().to_owned();
        let name = trimmed
            .get(at + "role:".len()..)
            .unwrap_or("")
            .trim()
            .to_owned();
        if !name.is_empty() {
            return Kind::Role { family, name };
        }
    }
    if trimmed.ends_with(':') {
        return Kind::LeadIn(trimmed.trim_end_matches(':').trim().to_owned());
    }
    Kind::Text(trimmed.to_owned())
}

/// A lead-in as a group title: "At this role level, you will" → "At this role level".
fn group_title(lead_in: &str) -> String {
    let t = lead_in.trim();
    for suffix in [", you will", " you will", ", you can", " you can"] {
        if let Some(stripped) = t.strip_suffix(suffix) {
            return stripped.trim().to_owned();
        }
    }
    t.to_owned()
}

fn is_sentinel(text: &str) -> bool {
    let t = text.trim();
    t == "MISSING" || t == "NOT IN USE" || t.to_lowercase().contains("is currently not defined")
}

#[derive(Default)]
struct LevelDraft {
    title: String,
    line: usize,
    /// The description's lines, each marked whether it was a bullet.
    summary: Vec<(String, bool)>,
    groups: Vec<ResponsibilityGroup>,
    skills: Vec<SkillDraft>,
}

struct SkillDraft {
    name: String,
    line: usize,
    bullets: Vec<String>,
}

struct RoleDraft {
    family: String,
    name: String,
    line: usize,
    text: Vec<String>,
    levels: Vec<LevelDraft>,
}

enum Block {
    None,
    Role,
    Level,
    Skill,
}

fn parse(input: &Input, report: &mut ImportReport) -> Result<Vec<RoleDraft>, ImportError> {
    let file = input.name();
    let text = super::text(input)?;
    let lines: Vec<Line> = md::lines(text, report, &file);
    let mut roles: Vec<RoleDraft> = Vec::new();
    let mut block = Block::None;
    for line in &lines {
        let kind = classify(&line.text);
        if let Kind::Bullet(b) | Kind::Text(b) = &kind
            && is_sentinel(b)
        {
            report.warn(
                "sentinel",
                format!("placeholder \"{b}\" instead of text; not imported"),
                &file,
                Some(line.no),
            );
            continue;
        }
        match kind {
            Kind::Blank => {}
            Kind::Role { family, name } => {
                roles.push(RoleDraft {
                    family,
                    name,
                    line: line.no,
                    text: Vec::new(),
                    levels: Vec::new(),
                });
                block = Block::Role;
            }
            Kind::Level(title) => {
                let Some(role) = roles.last_mut() else {
                    return Err(ImportError::invalid(
                        &file,
                        Some(line.no),
                        format!("`Role level:` before any `… role: NAME` line; {HINT}"),
                    ));
                };
                if title.is_empty() || is_sentinel(&title) {
                    return Err(ImportError::invalid(
                        &file,
                        Some(line.no),
                        "`Role level:` without a role level name",
                    ));
                }
                role.levels.push(LevelDraft {
                    title,
                    line: line.no,
                    ..LevelDraft::default()
                });
                block = Block::Level;
            }
            Kind::Skill(name) => {
                let Some(level) = roles.last_mut().and_then(|r| r.levels.last_mut()) else {
                    return Err(ImportError::invalid(
                        &file,
                        Some(line.no),
                        format!("`Skill:` before any `Role level:` line; {HINT}"),
                    ));
                };
                if name.is_empty() {
                    report.skip("a `Skill:` line", "it names no skill", &file, Some(line.no));
                    block = Block::None;
                    continue;
                }
                level.skills.push(SkillDraft {
                    name,
                    line: line.no,
                    bullets: Vec::new(),
                });
                block = Block::Skill;
            }
            other => {
                let role = roles.last_mut();
                match (&block, role) {
                    (Block::Role, Some(role)) => role.text.push(match other {
                        Kind::Bullet(b) => format!("- {b}"),
                        Kind::LeadIn(t) => format!("{t}:"),
                        Kind::Text(t) => t,
                        _ => String::new(),
                    }),
                    (Block::Level, Some(role)) => {
                        if let Some(level) = role.levels.last_mut() {
                            match other {
                                Kind::LeadIn(t) => level.groups.push(ResponsibilityGroup {
                                    group: group_title(&t),
                                    items: Vec::new(),
                                }),
                                Kind::Bullet(b) | Kind::Text(b) if !level.groups.is_empty() => {
                                    if let Some(group) = level.groups.last_mut() {
                                        group.items.push(b);
                                    }
                                }
                                Kind::Bullet(b) => level.summary.push((b, true)),
                                Kind::Text(t) => level.summary.push((t, false)),
                                _ => {}
                            }
                        }
                    }
                    (Block::Skill, Some(role)) => {
                        if let Some(skill) =
                            role.levels.last_mut().and_then(|l| l.skills.last_mut())
                        {
                            match other {
                                Kind::Bullet(b) | Kind::Text(b) => skill.bullets.push(b),
                                Kind::LeadIn(t) => skill.bullets.push(format!("{t}:")),
                                _ => {}
                            }
                        }
                    }
                    _ => {
                        if roles.is_empty() {
                            return Err(ImportError::invalid(
                                &file,
                                Some(line.no),
                                format!(
                                    "expected a `… role: NAME` line first, found \"{}\"; {HINT}",
                                    shorten(line.text.trim(), 50)
                                ),
                            ));
                        }
                        report.skip(
                            format!("text \"{}\"", shorten(line.text.trim(), 60)),
                            "outside any role, role level or skill block",
                            &file,
                            Some(line.no),
                        );
                    }
                }
            }
        }
    }
    let Some(first) = roles.first() else {
        return Err(ImportError::invalid(
            &file,
            None,
            format!("no `… role: NAME` line; {HINT}"),
        ));
    };
    if roles.iter().all(|r| r.levels.is_empty()) {
        return Err(ImportError::invalid(
            &file,
            Some(first.line),
            format!("no `Role level: NAME` line; {HINT}"),
        ));
    }
    Ok(roles)
}

/// A level's description: one line as it is; several as prose paragraphs and `- ` lists, so that only
/// the lines written as bullets carry a list marker.
fn summary(lines: &[(String, bool)]) -> Option<String> {
    if let [(only, _)] = lines {
        return Some(only.clone());
    }
    let mut out = String::new();
    let mut previous_bullet = None;
    for (line, bullet) in lines {
        match previous_bullet {
            None => {}
            Some(true) if *bullet => out.push('\n'),
            Some(_) => out.push_str("\n\n"),
        }
        if *bullet {
            out.push_str("- ");
        }
        out.push_str(line);
        previous_bullet = Some(*bullet);
    }
    (!out.is_empty()).then_some(out)
}

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let parsed = read_each(inputs, |input| Ok((input.name(), parse(input, report)?)))?;
    let mut fw = md::framework(options, "DDaT roles");
    fw.sources.push(ddat_source());
    fw.scales.push(ddat_scale());
    let mut skills: IndexMap<String, Skill> = IndexMap::new();
    // Skill id → the role level whose bullets became its description.
    let mut described_by: IndexMap<String, String> = IndexMap::new();
    let mut tracks: IndexMap<String, Track> = IndexMap::new();

    for (file, roles) in parsed {
        for role in roles {
            let track_id = slug(&role.name);
            let text_refs: Vec<&str> = role.text.iter().map(String::as_str).collect();
            let description = md::join_block(&text_refs);
            let track = tracks.entry(track_id.clone()).or_insert_with(|| Track {
                id: track_id.clone(),
                name: role.name.clone(),
                description: None,
                cumulative: true,
                levels: Vec::new(),
            });
            if track.description.is_none() {
                track.description = match (role.family.is_empty(), description) {
                    (_, None) => None,
                    (true, Some(d)) => Some(d),
                    (false, Some(d)) => Some(format!("{} role.\n\n{d}", role.family)),
                };
            }
            for draft in role.levels {
                let id = slug(&draft.title);
                if track.levels.iter().any(|l| l.id == id) {
                    report.skip(
                        format!("role level \"{}\"", draft.title),
                        format!(
                            "`{}/{id}` was already imported from an earlier block or file",
                            track.id
                        ),
                        &file,
                        Some(draft.line),
                    );
                    continue;
                }
                let mut level = RoleLevel {
                    id,
                    title: draft.title.clone(),
                    source: Some("ddat".into()),
                    summary: summary(&draft.summary),
                    ..RoleLevel::default()
                };
                for group in draft.groups {
                    if group.items.is_empty() {
                        report.warn(
                            "empty-section",
                            format!("\"{}:\" introduces no items", group.group),
                            &file,
                            Some(draft.line),
                        );
                    } else {
                        level.responsibilities.push(group);
                    }
                }
                let mut assumed = Vec::new();
                for s in draft.skills {
                    let skill_id = slug(&s.name);
                    if level.requirements.iter().any(|r| r.skill == skill_id) {
                        report.skip(
                            format!("second \"Skill: {}\"", s.name),
                            "the role level lists it twice",
                            &file,
                            Some(s.line),
                        );
                        continue;
                    }
                    let bullets = (!s.bullets.is_empty()).then(|| {
                        s.bullets
                            .iter()
                            .map(|b| format!("- {b}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    });
                    if bullets.is_none() {
                        report.warn(
                            "empty-section",
                            format!("skill \"{}\" has no expectations listed", s.name),
                            &file,
                            Some(s.line),
                        );
                    }
                    match skills.get_mut(&skill_id) {
                        None => {
                            skills.insert(
                                skill_id.clone(),
                                Skill {
                                    id: skill_id.clone(),
                                    name: s.name.clone(),
                                    code: None,
                                    scale: DDAT_SCALE.into(),
                                    category: None,
                                    subcategory: None,
                                    description: bullets,
                                    guidance: None,
                                    source: Some("ddat".into()),
                                    url: None,
                                    levels: IndexMap::new(),
                                },
                            );
                            described_by.insert(skill_id.clone(), draft.title.clone());
                        }
                        Some(existing) => {
                            if existing.description.is_none() {
                                existing.description = bullets;
                                described_by.insert(skill_id.clone(), draft.title.clone());
                            } else if bullets.is_some() && existing.description != bullets {
                                report.skip(
                                    format!("expectations of \"{}\" for `{}`", s.name, draft.title),
                                    format!(
                                        "the skill's description already holds the expectations of `{}`; without skill levels there is no place for a second set",
                                        described_by.get(&skill_id).map_or("another role level", String::as_str)
                                    ),
                                    &file,
                                    Some(s.line),
                                );
                            }
                        }
                    }
                    assumed.push((s.name, s.line));
                    level.requirements.push(Requirement {
                        skill: skill_id,
                        level: LevelId(ASSUMED_LEVEL.into()),
                        importance: Importance::Important,
                        regression_reason: None,
                    });
                }
                if let Some((_, line)) = assumed.first() {
                    let names: Vec<&str> = assumed.iter().map(|(n, _)| n.as_str()).collect();
                    report.warn(
                        "missing-levels",
                        format!(
                            "skill levels are absent from this rendering: the {} skills of `{}` ({}) were required at `{ASSUMED_LEVEL}`, an assumption; check each against the DDaT role content CSV (awareness, working, practitioner, expert) or import that CSV with `trellis import ddat`",
                            names.len(),
                            level.title,
                            names.join(", ")
                        ),
                        &file,
                        Some(*line),
                    );
                } else {
                    report.warn(
                        "empty-section",
                        format!("role level `{}` lists no skills", level.title),
                        &file,
                        Some(draft.line),
                    );
                }
                track.levels.push(level);
            }
        }
    }
    for track in tracks.values() {
        if track.levels.len() > 1 {
            report.level_orders.push(LevelOrder {
                track: track.id.clone(),
                levels: track.levels.iter().map(|l| l.title.clone()).collect(),
                rule: "the order of the role levels in the input files (the text gives no seniority order)".into(),
            });
        }
    }
    fw.skills = skills.into_values().collect();
    fw.tracks = tracks.into_values().collect();
    canonical_order(&mut fw);
    Ok(fw)
}
