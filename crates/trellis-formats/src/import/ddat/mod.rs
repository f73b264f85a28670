//! Importer: the UK government Digital and Data Profession Capability Framework (DDaT), from its official
//! CSV downloads (OGL v3.0).
//!
//! Inputs, told apart by their headers (the CSV export of the same sheets from a workbook works too):
//!
//! - the **role content** CSV, one row per (role, role level, skill):
//!   `Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,Skill Description,
//!   Skill Level,Skill Level Description,Role Type`;
//! - optionally the **skill description** CSV:
//!   `Skill Name,Skill Description,Awareness,Working,Practitioner,Expert,Roles that require Skill`.
//!
//! What comes out: one track per role (id = slug of the role, description = the role description with
//! `Role family: …` and `Role type: …` lines added, since the model has no field for them), its role
//! levels in seniority order, each level's description split into a summary and a responsibilities group
//! (the "At this role level, you will:" bullets), and a requirement at the row's skill level with
//! importance `important`. Skills are described per level from the skill CSV when given, else from the
//! first role row that describes that skill at that level. A level that some role requires but no file
//! describes gets the text [`UNDESCRIBED`] (warning `missing-level`), so the skill's levels stay sparse and
//! every requirement points at a described level.
//!
//! Tracks are not cumulative: each DDaT role level lists everything it requires. A skill an earlier level
//! required and a later one does not is listed under `drops` ("not required at this level in the source"),
//! and a skill required at a lower level than before gets a `regression_reason`, with a `regression`
//! warning, since that usually means the seniority order is wrong.
//!
//! Defects of the source, reported rather than copied: exact duplicate rows (read once, `duplicate-row`),
//! the `MISSING` skill description and the "This skill level is currently not defined." descriptor
//! (`sentinel`, treated as absent), text that differs between rows that should repeat it
//! (`inconsistent`), mojibake (repaired). Senior Civil Service roles give `NOT IN USE` for the role level
//! and skill level: there is no role level or requirement to import, so their rows are reported as
//! skipped (their skills still enter the skills library).
//!
//! A truncated download is refused, naming the line, rather than imported in part: a quoted cell left
//! open (see [`read_csv`]) or a last row with fewer cells than the header (cut between two cells).
//!
//! # Seniority order of role levels
//!
//! The CSV lists role levels alphabetically and says nothing of their seniority. With
//! `--level-order FILE` (one role-level title per line, most junior first, case-insensitive, blank
//! lines and `#` comments ignored) that order is used; titles the file does not list are placed after
//! the listed ones by the title-word rule, with an `unlisted-level` warning. Without a file the order
//! is inferred, comparing two role levels of a role at a time:
//!
//! 1. When both titles contain a ranked word and the ranks differ, the title words decide, by the
//!    highest-ranked word of each:
//!
//!    `apprentice`, `trainee`, `intern` < `junior`, `associate`, `assistant`, `graduate`, `entry` <
//!    (no such word) < `senior` < `lead` < `principal`, `staff` < `head` < `chief`, `director`
//!
//! 2. Otherwise (a title with none of these words, such as "manager" or "analyst", or two that rank
//!    the same) the requirements decide when they can: the level that requires more of the skills
//!    both require, on more of those skills than it requires less, is the more senior. A manager
//!    above a senior analyst comes from here. Where the requirements cannot tell, or agree with the
//!    title words, the title words decide.
//! 3. Between titles of the same rank that the requirements cannot tell apart, the order of the CSV,
//!    reported (`level-order-tie`) so it can be settled with a file.
//!
//! The order used for every role, and which rule decided it (naming each pair the requirements
//! decided), is in the import report.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use trellis_model::{
    DroppedSkill, Framework, Importance, LevelId, Requirement, ResponsibilityGroup, RoleLevel,
    Scale, ScaleLevel, Skill, Source, Track,
};

use super::csv_table::{Cleaner, FastMap, Row, key, read_csv};
use super::{ImportError, ImportOptions, ImportReport, Input, LevelOrder, xlsx};
use crate::write::slug;

mod importer;
mod seniority;
mod tables;
use importer::*;
use seniority::*;
use tables::*;

const SOURCE: &str = "ddat";
const SCALE: &str = "ddat";
/// The skill levels, lowest first: (id, label).
const LEVELS: [(&str, &str); 4] = [
    ("awareness", "Awareness"),
    ("working", "Working"),
    ("practitioner", "Practitioner"),
    ("expert", "Expert"),
];
pub const ATTRIBUTION: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0.";
pub const SOURCE_NAME: &str = "Government Digital and Data Profession Capability Framework";
pub const SOURCE_URL: &str = "https://www.gov.uk/government/collections/digital-data-and-technology-profession-capability-framework";
/// The descriptor of a skill level that a role requires but no input describes.
pub const UNDESCRIBED: &str = "Not described in the source.";
/// The reason recorded for a skill an earlier role level required and a later one does not.
pub const DROP_REASON: &str = "not required at this level in the source";
/// How the seniority order is inferred when no `--level-order` file is given.
pub const INFERRED_RULE: &str = "inferred from title words: apprentice/trainee/intern < junior/associate/assistant/\
graduate/entry < (none) < senior < lead < principal/staff < head < chief/director; where a title has none of \
these words or two rank the same, the level that requires more of the skills both require is the more senior; \
ties keep the CSV order";
/// The rank of a title with no ranked word.
const UNRANKED: u8 = 2;

/// The rank of a title word in the seniority rule, `None` for words that do not rank.
fn word_rank(word: &str) -> Option<u8> {
    Some(match word {
        "apprentice" | "apprentices" | "trainee" | "intern" => 0,
        "junior" | "associate" | "assistant" | "graduate" | "entry" => 1,
        "senior" => 3,
        "lead" => 4,
        "principal" | "staff" => 5,
        "head" => 6,
        "chief" | "director" => 7,
        _ => return None,
    })
}

/// The seniority rank of a role-level title: its highest-ranked word, or [`UNRANKED`] when it has none.
pub fn seniority_rank(title: &str) -> u8 {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| word_rank(&w.to_lowercase()))
        .max()
        .unwrap_or(UNRANKED)
}

const NOT_DEFINED: &str = "this skill level is currently not defined";

/// The literal values the source uses in place of text.
fn sentinel(text: &str) -> Option<&'static str> {
    let t = text.trim().trim_end_matches('.').trim();
    if t.eq_ignore_ascii_case("missing") {
        Some("MISSING")
    } else if t.eq_ignore_ascii_case("not in use") {
        Some("NOT IN USE")
    } else if t
        .get(..NOT_DEFINED.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(NOT_DEFINED))
    {
        Some("This skill level is currently not defined.")
    } else {
        None
    }
}

/// The `--level-order` file's name, and the position of each title in it.
type LevelOrderFile = (String, HashMap<String, usize>);

fn level_order_file(options: &ImportOptions) -> Result<Option<LevelOrderFile>, ImportError> {
    let Some(input) = &options.level_order else {
        return Ok(None);
    };
    let text = super::text(input)?;
    let mut order = HashMap::new();
    for line in text.lines() {
        let title = line.trim();
        if title.is_empty() || title.starts_with('#') {
            continue;
        }
        let next = order.len();
        order.entry(name_key(title)).or_insert(next);
    }
    if order.is_empty() {
        return Err(ImportError::invalid(
            &input.name(),
            None,
            "the level-order file lists no role-level titles",
        ));
    }
    Ok(Some((input.name(), order)))
}

/// The text of a bullet line (`- `, `* `, `• `), `None` for other lines.
fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "* ", "• ", "– "]
        .iter()
        .find_map(|m| t.strip_prefix(m))
        .map(str::trim)
}

/// Splits a Markdown-ish description into its prose and its bullet groups: a line ending in `:` followed by
/// `- ` bullets names a group ("At this role level, you will"); bullets without one form "Responsibilities".
pub fn split_description(text: &str) -> (Option<String>, Vec<ResponsibilityGroup>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut prose: Vec<&str> = Vec::new();
    let mut groups: Vec<ResponsibilityGroup> = Vec::new();
    let mut open = false;
    for (i, line) in lines.iter().enumerate() {
        if let Some(item) = bullet(line) {
            if !open {
                groups.push(ResponsibilityGroup {
                    group: "Responsibilities".into(),
                    items: Vec::new(),
                });
                open = true;
            }
            if let Some(g) = groups.last_mut().filter(|_| !item.is_empty()) {
                g.items.push(item.to_owned());
            }
            continue;
        }
        let next_is_bullet = lines
            .iter()
            .skip(i + 1)
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| bullet(l).is_some());
        let trimmed = line.trim();
        if trimmed.ends_with(':') && next_is_bullet {
            let name = trimmed.trim_end_matches(':').trim();
            groups.push(ResponsibilityGroup {
                group: name.to_owned(),
                items: Vec::new(),
            });
            open = true;
            continue;
        }
        if !trimmed.is_empty() {
            open = false;
        }
        prose.push(line);
    }
    groups.retain(|g| !g.items.is_empty());
    let prose = super::csv_table::tidy(&prose.join("\n"));
    ((!prose.is_empty()).then_some(prose), groups)
}

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let mut tables = Vec::new();
    for input in inputs {
        tables.extend(tables_of(input, report)?);
    }
    let order_file = level_order_file(options)?;
    let mut importer = Importer {
        report,
        cleaner: Cleaner::default(),
        skills: IndexMap::new(),
        roles: IndexMap::new(),
        warned: HashSet::new(),
    };
    // The skill file first, so the skills library keeps its order.
    for table in &tables {
        if let Layout::Skills(cols) = &table.layout {
            importer.read_skill_table(table, cols);
        }
    }
    for table in &tables {
        if let Layout::Roles(cols) = &table.layout {
            importer.read_role_table(table, cols);
        }
    }
    let Importer {
        report,
        skills: skill_accs,
        roles,
        ..
    } = importer;
    if skill_accs.is_empty() && roles.is_empty() {
        let file = tables.first().map_or_else(
            || inputs.first().map(Input::name).unwrap_or_default(),
            |t| t.file.clone(),
        );
        return Err(ImportError::invalid(
            &file,
            None,
            "the file has a DDaT header but no rows to import",
        ));
    }
    let any_skill_file = tables.iter().any(|t| matches!(t.layout, Layout::Skills(_)));
    let first_file = tables.first().map(|t| t.file.clone()).unwrap_or_default();

    // Skill ids: slugs of the names, made unique.
    let mut skill_ids: HashMap<String, String> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for k in skill_accs.keys() {
        let base = slug(k);
        let mut id = base.clone();
        let mut n = 1;
        while !taken.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        skill_ids.insert(k.clone(), id);
    }

    // Which levels of each skill some role requires.
    // skill key → for each level, the first row requiring it there.
    let mut required: HashMap<&str, [Option<(&str, usize)>; 4]> = HashMap::new();
    for role in roles.values() {
        for level in role.levels.values() {
            for (skill, (n, line)) in &level.requirements {
                if let Some(first) = required.entry(skill.as_str()).or_default().get_mut(*n) {
                    first.get_or_insert((level.file.as_str(), *line));
                }
            }
        }
    }

    let mut skills = Vec::with_capacity(skill_accs.len());
    for (k, acc) in &skill_accs {
        let needed = required.get(k.as_str()).copied().unwrap_or_default();
        let mut levels = IndexMap::new();
        let mut undescribed = Vec::new();
        let mut at: Option<(&str, usize)> = None;
        for (n, (id, label)) in LEVELS.iter().enumerate() {
            let text = acc
                .from_skills
                .get(n)
                .cloned()
                .flatten()
                .or_else(|| acc.from_roles.get(n).cloned().flatten());
            match text {
                Some(t) => {
                    levels.insert(LevelId((*id).into()), t);
                }
                None => {
                    if let Some(first) = needed.get(n).copied().flatten() {
                        levels.insert(LevelId((*id).into()), UNDESCRIBED.to_owned());
                        undescribed.push(*label);
                        at = at.or(Some(first));
                    }
                }
            }
        }
        if !undescribed.is_empty() {
            report.warn(
                "missing-level",
                format!(
                    "skill `{}` is required at {} but no input describes it there; its descriptor says \"{UNDESCRIBED}\"",
                    acc.name,
                    undescribed.join(", ")
                ),
                at.map_or(first_file.as_str(), |(f, _)| f),
                at.map(|(_, l)| l),
            );
        }
        if any_skill_file && !acc.in_skill_file {
            let (file, line) = acc
                .first_row
                .clone()
                .map_or((first_file.clone(), None), |(f, l)| (f, Some(l)));
            report.warn(
                "missing-skill",
                format!(
                    "skill `{}` appears in the role rows but not in the skill file",
                    acc.name
                ),
                &file,
                line,
            );
        }
        skills.push(Skill {
            id: skill_ids.get(k).cloned().unwrap_or_else(|| slug(k)),
            name: acc.name.clone(),
            code: None,
            scale: SCALE.into(),
            category: None,
            subcategory: None,
            description: acc.description.clone(),
            guidance: None,
            source: Some(SOURCE.into()),
            url: None,
            levels,
        });
    }

    let mut tracks = Vec::new();
    let mut track_ids: HashSet<String> = HashSet::new();
    for role in roles.values() {
        if let Some((count, line, file)) = &role.not_in_use {
            report.skip(
                format!("{count} row(s) of role `{}`", role.name),
                "the role level and skill level are `NOT IN USE` (a Senior Civil Service role): there is no role level \
                 or requirement to import; the skills are kept in the skills library",
                file,
                Some(*line),
            );
        }
        if role.levels.is_empty() {
            continue;
        }
        let base = slug(&role.name);
        let mut id = base.clone();
        let mut n = 1;
        while !track_ids.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        let (order, rule) = seniority(role, order_file.as_ref(), report);
        report.level_orders.push(LevelOrder {
            track: id.clone(),
            levels: order.iter().map(|l| l.title.clone()).collect(),
            rule,
        });
        let levels = role_levels(&order, &skill_ids, &role.name, report);
        let mut description: Vec<String> = role.description.iter().cloned().collect();
        let mut about = Vec::new();
        if let Some(f) = &role.family {
            about.push(format!("Role family: {f}"));
        }
        if let Some(t) = &role.role_type {
            about.push(format!("Role type: {t}"));
        }
        if !about.is_empty() {
            description.push(about.join("\n"));
        }
        tracks.push(Track {
            id,
            name: role.name.clone(),
            description: (!description.is_empty()).then(|| description.join("\n\n")),
            cumulative: false,
            levels,
        });
    }
    // The order `write` + `load` give back: one file per track, read in file-name order.
    tracks.sort_by_cached_key(|t| format!("{}.yaml", slug(&t.id)));

    let name = options
        .name
        .clone()
        .unwrap_or_else(|| SOURCE_NAME.to_owned());
    let id = if options.name.is_some() {
        slug(&name)
    } else {
        SOURCE.to_owned()
    };
    Ok(Framework {
        id,
        name,
        version: "1".into(),
        description: Some(
            "Roles, role levels and skills of the UK government Digital and Data Profession Capability Framework, \
             imported from its CSV downloads."
                .into(),
        ),
        sources: vec![Source {
            id: SOURCE.into(),
            name: SOURCE_NAME.into(),
            version: None,
            licence: Some("OGL v3.0".into()),
            attribution: Some(ATTRIBUTION.into()),
            url: Some(SOURCE_URL.into()),
            redistributable: true,
            level_scale: None,
        }],
        scales: vec![Scale {
            id: SCALE.into(),
            name: "DDaT skill levels".into(),
            description: Some("The four DDaT skill levels, lowest first.".into()),
            levels: LEVELS
                .iter()
                .map(|(id, label)| ScaleLevel { id: LevelId((*id).into()), label: (*label).into(), description: None })
                .collect(),
        }],
        skills,
        tracks,
        readiness: None,
    })
}

fn role_levels(
    order: &[&LevelAcc],
    skill_ids: &HashMap<String, String>,
    role: &str,
    report: &mut ImportReport,
) -> Vec<RoleLevel> {
    let mut out = Vec::with_capacity(order.len());
    let mut ids: HashSet<String> = HashSet::new();
    // skill id → (level index, title of the level that required it)
    let mut held: HashMap<String, (usize, String)> = HashMap::new();
    for level in order {
        let base = slug(&level.title);
        let mut id = base.clone();
        let mut n = 1;
        while !ids.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        let (summary, responsibilities) = match &level.description {
            Some(d) => split_description(d),
            None => (None, Vec::new()),
        };
        let mut requirements = Vec::with_capacity(level.requirements.len());
        for (skill_key, (n, line)) in &level.requirements {
            let Some(skill) = skill_ids.get(skill_key) else {
                continue;
            };
            let Some((level_id, label)) = LEVELS.get(*n) else {
                continue;
            };
            let mut regression_reason = None;
            if let Some((before, title)) = held.get(skill).filter(|(before, _)| *before > *n) {
                let was = LEVELS.get(*before).map_or("", |l| l.1);
                let reason = format!("the source requires {label} here, below {was} at `{title}`");
                report.warn(
                    "regression",
                    format!("role `{role}`: `{}` requires `{skill}` at {label}, below {was} at `{title}`; check the level order", level.title),
                    &level.file,
                    Some(*line),
                );
                regression_reason = Some(reason);
            }
            requirements.push(Requirement {
                skill: skill.clone(),
                level: LevelId((*level_id).into()),
                importance: Importance::Important,
                regression_reason,
            });
        }
        let listed: HashSet<&str> = requirements.iter().map(|r| r.skill.as_str()).collect();
        let mut dropped: Vec<String> = held
            .keys()
            .filter(|s| !listed.contains(s.as_str()))
            .cloned()
            .collect();
        dropped.sort();
        for skill in &dropped {
            held.remove(skill);
        }
        for r in &requirements {
            let rank = LEVELS
                .iter()
                .position(|(id, _)| *id == r.level.as_str())
                .unwrap_or(0);
            held.insert(r.skill.clone(), (rank, level.title.clone()));
        }
        out.push(RoleLevel {
            id,
            title: level.title.clone(),
            source: Some(SOURCE.into()),
            summary,
            responsibilities,
            requirements,
            drops: dropped
                .into_iter()
                .map(|skill| DroppedSkill {
                    skill,
                    reason: DROP_REASON.into(),
                })
                .collect(),
            ..RoleLevel::default()
        });
    }
    out
}
