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

/// Names compared as the source means them: case and spacing do not matter.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn level_index(text: &str) -> Option<usize> {
    let k = key(text);
    LEVELS.iter().position(|(id, _)| *id == k)
}

#[derive(Debug, Default, Clone, Copy)]
struct RoleColumns {
    family: Option<usize>,
    role: Option<usize>,
    role_description: Option<usize>,
    level: Option<usize>,
    level_description: Option<usize>,
    skill: Option<usize>,
    skill_description: Option<usize>,
    skill_level: Option<usize>,
    skill_level_description: Option<usize>,
    role_type: Option<usize>,
}

#[derive(Debug, Default, Clone, Copy)]
struct SkillColumns {
    name: Option<usize>,
    description: Option<usize>,
    levels: [Option<usize>; 4],
    roles: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Layout {
    Roles(RoleColumns),
    Skills(SkillColumns),
}

fn layout(header: &Row) -> Option<Layout> {
    let mut r = RoleColumns::default();
    let mut s = SkillColumns::default();
    for (i, cell) in header.cells.iter().enumerate() {
        let slot = match key(cell).as_str() {
            "rolefamily" => &mut r.family,
            "role" | "rolename" => &mut r.role,
            "roledescription" => &mut r.role_description,
            "rolelevel" => &mut r.level,
            "roleleveldescription" => &mut r.level_description,
            "skillname" | "skill" => &mut r.skill,
            "skilldescription" => &mut r.skill_description,
            "skilllevel" => &mut r.skill_level,
            "skillleveldescription" => &mut r.skill_level_description,
            "roletype" => &mut r.role_type,
            "rolesthatrequireskill" | "rolesthatrequiretheskill" => &mut s.roles,
            other => match level_index(other) {
                Some(n) => match s.levels.get_mut(n) {
                    Some(slot) => slot,
                    None => continue,
                },
                None => continue,
            },
        };
        slot.get_or_insert(i);
    }
    if r.role.is_some() && r.level.is_some() && r.skill.is_some() && r.skill_level.is_some() {
        return Some(Layout::Roles(r));
    }
    if r.skill.is_some() && s.levels.iter().any(Option::is_some) {
        s.name = r.skill;
        s.description = r.skill_description;
        return Some(Layout::Skills(s));
    }
    None
}

/// One table to read: a CSV file or a workbook sheet, with the name used in messages.
struct Table {
    file: String,
    rows: Vec<Row>,
    /// Index of the header row in `rows`.
    header: usize,
    layout: Layout,
}

fn tables_of(input: &Input, report: &mut ImportReport) -> Result<Vec<Table>, ImportError> {
    let file = input.name();
    let mut sheets = Vec::new();
    if xlsx::is_zip(&input.bytes) {
        for sheet in xlsx::read_workbook(&input.bytes, &file)? {
            sheets.push((format!("{file} (sheet {})", sheet.name), sheet.rows));
        }
    } else {
        sheets.push((file.clone(), read_csv(super::text(input)?, &file)?));
    }
    let workbook = sheets.len() > 1 || xlsx::is_zip(&input.bytes);
    let mut out = Vec::new();
    for (name, rows) in sheets {
        let found = rows
            .iter()
            .enumerate()
            .take(10)
            .find_map(|(i, r)| layout(r).map(|l| (i, l)));
        if let Some((header, _)) = found.filter(|_| !workbook) {
            truncated_last_row(&name, &rows, header)?;
        }
        match found {
            Some((header, layout)) => out.push(Table {
                file: name,
                rows,
                header,
                layout,
            }),
            None if workbook => {
                report.skip(
                    name,
                    "no DDaT role-content or skill-description header",
                    &file,
                    None,
                );
            }
            None => {
                let first = rows.iter().find(|r| !r.is_blank());
                let cells: Vec<&str> = first
                    .map(|r| {
                        r.cells
                            .iter()
                            .map(|c| c.trim())
                            .filter(|c| !c.is_empty())
                            .take(10)
                            .collect()
                    })
                    .unwrap_or_default();
                return Err(ImportError::invalid(
                    &name,
                    Some(first.map_or(1, |r| r.line)),
                    format!(
                        "not a DDaT CSV: expected the role-content header (Role Family, Role, Role Description, Role Level, \
                         …, Skill Name, …, Skill Level, …) or the skill-description header (Skill Name, Skill Description, \
                         Awareness, Working, Practitioner, Expert, …); found: {}",
                        if cells.is_empty() {
                            "nothing".to_owned()
                        } else {
                            cells.join(", ")
                        }
                    ),
                ));
            }
        }
    }
    if workbook && out.is_empty() {
        return Err(ImportError::invalid(
            &file,
            None,
            "no sheet of this workbook has a DDaT role-content or skill-description header",
        ));
    }
    Ok(out)
}

/// Refuses a CSV whose last row has fewer cells than the header: the download was cut off between two
/// cells (every quote closed, so [`read_csv`] cannot tell), and importing the rows before it would
/// silently lose the rest of the file. A sheet of a workbook omits empty cells, so only CSV is checked.
fn truncated_last_row(file: &str, rows: &[Row], header: usize) -> Result<(), ImportError> {
    let width = rows
        .get(header)
        .and_then(|h| h.cells.iter().rposition(|c| !c.trim().is_empty()))
        .map_or(0, |i| i + 1);
    let last = rows.iter().skip(header + 1).rev().find(|r| !r.is_blank());
    match last {
        Some(row) if row.cells.len() < width => Err(ImportError::invalid(
            file,
            Some(row.line),
            format!(
                "the last row has {} of the {width} columns of the header: the file is truncated (cut off in the \
                 middle of this row); nothing is imported",
                row.cells.len()
            ),
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Default)]
struct SkillAcc {
    name: String,
    description: Option<String>,
    /// Descriptor per level from the skill CSV, and from role rows (first seen).
    from_skills: [Option<String>; 4],
    from_roles: [Option<String>; 4],
    /// (skill level) pairs already warned about, so a repeated defect is reported once.
    warned: HashSet<String>,
    in_skill_file: bool,
    /// The first role row that names the skill.
    first_row: Option<(String, usize)>,
}

#[derive(Debug)]
struct LevelAcc {
    title: String,
    /// Where the level is first seen.
    file: String,
    line: usize,
    description: Option<String>,
    /// skill key → (level index, line)
    requirements: IndexMap<String, (usize, usize)>,
}

#[derive(Debug)]
struct RoleAcc {
    name: String,
    family: Option<String>,
    description: Option<String>,
    role_type: Option<String>,
    levels: IndexMap<String, LevelAcc>,
    /// Rows without a role level (`NOT IN USE`): count, first line, file.
    not_in_use: Option<(usize, usize, String)>,
}

/// The state of one import.
struct Importer<'a, 't> {
    report: &'a mut ImportReport,
    /// Remembers cleaned cells of the tables (`'t`) being read.
    cleaner: Cleaner<'t>,
    skills: IndexMap<String, SkillAcc>,
    roles: IndexMap<String, RoleAcc>,
    warned: HashSet<String>,
}

impl<'t> Importer<'_, 't> {
    fn text(&mut self, row: &'t Row, column: Option<usize>, file: &str) -> Option<String> {
        self.cleaner
            .clean(row.cell(column), file, row.line, self.report)
    }

    /// Reports a defect once per `once` key.
    fn warn_once(&mut self, once: String, kind: &str, message: String, file: &str, line: usize) {
        if self.warned.insert(once) {
            self.report.warn(kind, message, file, Some(line));
        }
    }

    /// Text that is not a sentinel; a sentinel is reported once per `what`.
    fn real(
        &mut self,
        text: Option<String>,
        what: &str,
        file: &str,
        line: usize,
    ) -> Option<String> {
        let text = text?;
        match sentinel(&text) {
            Some(s) => {
                self.warn_once(
                    format!("sentinel {what}"),
                    "sentinel",
                    format!("{what} is `{s}` in the source; treated as absent"),
                    file,
                    line,
                );
                None
            }
            None => Some(text),
        }
    }

    fn skill(&mut self, name: &str) -> &mut SkillAcc {
        self.skills
            .entry(name_key(name))
            .or_insert_with(|| SkillAcc {
                name: name.to_owned(),
                ..SkillAcc::default()
            })
    }

    /// Keeps the first text; a different one later is reported once per `what`.
    fn keep_first(
        &mut self,
        slot: Option<String>,
        new: Option<String>,
        what: &str,
        file: &str,
        line: usize,
    ) -> Option<String> {
        match (slot, new) {
            (Some(old), Some(new)) => {
                if old != new {
                    self.warn_once(
                        format!("inconsistent {what}"),
                        "inconsistent",
                        format!("{what} differs from the text on earlier rows; the first is kept"),
                        file,
                        line,
                    );
                }
                Some(old)
            }
            (old, new) => old.or(new),
        }
    }

    fn read_skill_table(&mut self, table: &'t Table, cols: &SkillColumns) {
        let file = table.file.as_str();
        if cols.roles.is_some() {
            self.report.skip(
                "column `Roles that require Skill`",
                "derived data: which roles require a skill follows from the role levels",
                file,
                table.rows.get(table.header).map(|r| r.line),
            );
        }
        let mut seen: FastMap<&[String], usize> =
            FastMap::with_capacity_and_hasher(table.rows.len(), Default::default());
        for row in table.rows.iter().skip(table.header + 1) {
            if row.is_blank() {
                continue;
            }
            if let Some(first) = seen.get(row.cells.as_slice()) {
                self.report.warn(
                    "duplicate-row",
                    format!(
                        "line {} repeats line {first} exactly; it is read once",
                        row.line
                    ),
                    file,
                    Some(row.line),
                );
                continue;
            }
            seen.insert(&row.cells, row.line);
            let Some(name) = self.text(row, cols.name, file) else {
                self.report.skip(
                    format!("line {}", row.line),
                    "no skill name",
                    file,
                    Some(row.line),
                );
                continue;
            };
            let description = self.text(row, cols.description, file);
            let description = self.real(
                description,
                &format!("the description of skill `{name}`"),
                file,
                row.line,
            );
            let mut texts: [Option<String>; 4] = Default::default();
            for (n, column) in cols.levels.iter().enumerate() {
                let Some(text) = self.text(row, *column, file) else {
                    continue;
                };
                let label = LEVELS.get(n).map_or("", |l| l.1);
                let what = format!("skill `{name}` at level {label}");
                if let Some(slot) = texts.get_mut(n) {
                    *slot = self.real(Some(text), &what, file, row.line);
                }
            }
            let acc = self.skill(&name);
            if acc.in_skill_file {
                let message = format!(
                    "skill `{name}` is described twice in the skill file; the first is kept"
                );
                self.report
                    .warn("duplicate-row", message, file, Some(row.line));
                continue;
            }
            acc.in_skill_file = true;
            acc.description = description.or(acc.description.take());
            acc.from_skills = texts;
        }
    }

    fn read_role_table(&mut self, table: &'t Table, cols: &RoleColumns) {
        let file = table.file.as_str();
        let mut seen: FastMap<&[String], usize> =
            FastMap::with_capacity_and_hasher(table.rows.len(), Default::default());
        for row in table.rows.iter().skip(table.header + 1) {
            if row.is_blank() {
                continue;
            }
            if let Some(first) = seen.get(row.cells.as_slice()) {
                self.report.warn(
                    "duplicate-row",
                    format!(
                        "line {} repeats line {first} exactly; it is read once",
                        row.line
                    ),
                    file,
                    Some(row.line),
                );
                continue;
            }
            seen.insert(&row.cells, row.line);
            let line = row.line;
            let (Some(role), Some(skill)) = (
                self.text(row, cols.role, file),
                self.text(row, cols.skill, file),
            ) else {
                self.report.skip(
                    format!("line {line}"),
                    "no role or no skill name",
                    file,
                    Some(line),
                );
                continue;
            };

            // The skill enters the library whatever happens to the rest of the row.
            let description = self.text(row, cols.skill_description, file);
            let description = self.real(
                description,
                &format!("the description of skill `{skill}`"),
                file,
                line,
            );
            self.skill(&skill)
                .first_row
                .get_or_insert_with(|| (file.to_owned(), line));
            // The skill file, when given, is the reference for skill descriptions.
            if !self.skill(&skill).in_skill_file {
                let old = self.skill(&skill).description.take();
                let description = self.keep_first(
                    old,
                    description,
                    &format!("the description of skill `{skill}`"),
                    file,
                    line,
                );
                self.skill(&skill).description = description;
            }

            let role_key = name_key(&role);
            if !self.roles.contains_key(&role_key) {
                self.roles.insert(
                    role_key.clone(),
                    RoleAcc {
                        name: role.clone(),
                        family: None,
                        description: None,
                        role_type: None,
                        levels: IndexMap::new(),
                        not_in_use: None,
                    },
                );
            }
            let family = self.text(row, cols.family, file);
            let role_description = self.text(row, cols.role_description, file);
            let role_description = self.real(
                role_description,
                &format!("the description of role `{role}`"),
                file,
                line,
            );
            let role_type = self.text(row, cols.role_type, file);
            let (old_family, old_description, old_type) = match self.roles.get_mut(&role_key) {
                Some(r) => (r.family.take(), r.description.take(), r.role_type.take()),
                None => (None, None, None),
            };
            let family = self.keep_first(
                old_family,
                family,
                &format!("the role family of `{role}`"),
                file,
                line,
            );
            let role_description = self.keep_first(
                old_description,
                role_description,
                &format!("the description of role `{role}`"),
                file,
                line,
            );
            let role_type = self.keep_first(
                old_type,
                role_type,
                &format!("the role type of `{role}`"),
                file,
                line,
            );
            if let Some(acc) = self.roles.get_mut(&role_key) {
                acc.family = family;
                acc.description = role_description;
                acc.role_type = role_type;
            }

            let title = match self.text(row, cols.level, file) {
                Some(t) if sentinel(&t).is_some() => {
                    if let Some(acc) = self.roles.get_mut(&role_key) {
                        acc.not_in_use.get_or_insert((0, line, file.to_owned())).0 += 1;
                    }
                    continue;
                }
                Some(t) => t,
                None => {
                    self.report.skip(
                        format!("line {line}"),
                        format!("role `{role}` has no role level on this row"),
                        file,
                        Some(line),
                    );
                    continue;
                }
            };
            let level_key = name_key(&title);
            let level_description = self.text(row, cols.level_description, file);
            let level_description = self.real(
                level_description,
                &format!("the description of role level `{title}`"),
                file,
                line,
            );
            let old = match self.roles.get_mut(&role_key) {
                Some(acc) => acc
                    .levels
                    .entry(level_key.clone())
                    .or_insert_with(|| LevelAcc {
                        title: title.clone(),
                        file: file.to_owned(),
                        line,
                        description: None,
                        requirements: IndexMap::new(),
                    })
                    .description
                    .take(),
                None => None,
            };
            let level_description = self.keep_first(
                old,
                level_description,
                &format!("the description of role level `{title}`"),
                file,
                line,
            );
            let Some(acc) = self
                .roles
                .get_mut(&role_key)
                .and_then(|r| r.levels.get_mut(&level_key))
            else {
                continue;
            };
            acc.description = level_description;

            let raw_level = row.cell(cols.skill_level).trim();
            let Some(n) = level_index(raw_level) else {
                let message = match sentinel(raw_level) {
                    Some(s) => format!(
                        "`{title}` gives skill level `{s}` for `{skill}`; no requirement is imported"
                    ),
                    None if raw_level.is_empty() => format!(
                        "`{title}` gives no skill level for `{skill}`; no requirement is imported"
                    ),
                    None => format!(
                        "`{title}` gives skill level `{raw_level}` for `{skill}`, which is not awareness, working, practitioner or \
                         expert; no requirement is imported"
                    ),
                };
                let kind = if sentinel(raw_level).is_some() {
                    "sentinel"
                } else {
                    "undefined-level"
                };
                self.report.warn(kind, message, file, Some(line));
                continue;
            };
            let skill_key = name_key(&skill);
            match acc.requirements.get(&skill_key) {
                Some(&(before, first)) => {
                    let (was, now) = (
                        LEVELS.get(before).map_or("", |l| l.1),
                        LEVELS.get(n).map_or("", |l| l.1),
                    );
                    let message = if before == n {
                        format!(
                            "`{title}` lists `{skill}` again (first at line {first}); it is read once"
                        )
                    } else {
                        format!(
                            "`{title}` lists `{skill}` at {now} here and at {was} on line {first}; the first is kept"
                        )
                    };
                    self.report.warn("duplicate-row", message, file, Some(line));
                }
                None => {
                    acc.requirements.insert(skill_key, (n, line));
                }
            }

            let descriptor = self.text(row, cols.skill_level_description, file);
            let label = LEVELS.get(n).map_or("", |l| l.1);
            let what = format!("skill `{skill}` at level {label}");
            let descriptor = self.real(descriptor, &what, file, line);
            let acc = self.skill(&skill);
            let differs = match (acc.from_roles.get_mut(n), descriptor) {
                (Some(slot @ None), d) => {
                    *slot = d;
                    false
                }
                (Some(Some(old)), Some(new)) => *old != new && acc.warned.insert(format!("{n}")),
                _ => false,
            };
            if differs {
                self.report.warn(
                    "inconsistent",
                    format!("{what} is described differently by different roles; the first description is kept"),
                    file,
                    Some(line),
                );
            }
        }
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

/// The role's levels in seniority order, and the rule that gave it.
fn seniority<'r>(
    role: &'r RoleAcc,
    order_file: Option<&LevelOrderFile>,
    report: &mut ImportReport,
) -> (Vec<&'r LevelAcc>, String) {
    let mut levels: Vec<(usize, &LevelAcc)> = role.levels.values().enumerate().collect();
    match order_file {
        Some((name, order)) => {
            let mut unlisted = Vec::new();
            for (_, level) in &levels {
                if !order.contains_key(&name_key(&level.title)) {
                    unlisted.push(level.title.clone());
                    report.warn(
                        "unlisted-level",
                        format!(
                            "role level `{}` of `{}` is not in {name}; it is placed after the listed levels by the title-word rule",
                            level.title, role.name
                        ),
                        &level.file,
                        Some(level.line),
                    );
                }
            }
            levels.sort_by_key(|(seen, l)| match order.get(&name_key(&l.title)) {
                Some(at) => (0, *at, 0, *seen),
                None => (1, 0, seniority_rank(&l.title), *seen),
            });
            let rule = if unlisted.is_empty() {
                format!("--level-order file {name}")
            } else {
                format!(
                    "--level-order file {name}, then {INFERRED_RULE} for {}",
                    unlisted.join(", ")
                )
            };
            (levels.into_iter().map(|(_, l)| l).collect(), rule)
        }
        None => {
            let levels = inferred_order(levels);
            let mut decided = Vec::new();
            for pair in levels.windows(2) {
                let [(_, a), (_, b)] = pair else { continue };
                match junior(a, b) {
                    Some((true, Rule::TitleWords)) => {}
                    Some((true, Rule::Requirements { more, less })) => decided.push(format!(
                        "`{}` above `{}` (requires more of {more} shared skill(s), less of {less})",
                        b.title, a.title
                    )),
                    // Only when the comparisons go round in a circle.
                    Some((false, _)) => report.warn(
                        "level-order-tie",
                        format!(
                            "role `{}`: the title words and requirements of `{}` and `{}` contradict those of other \
                             levels; placed by title words (give --level-order to settle it)",
                            role.name, a.title, b.title
                        ),
                        &b.file,
                        Some(b.line),
                    ),
                    None => report.warn(
                        "level-order-tie",
                        format!(
                            "role `{}`: `{}` and `{}` rank the same by their title words and their requirements; they \
                             keep the CSV order (give --level-order to settle it)",
                            role.name, a.title, b.title
                        ),
                        &b.file,
                        Some(b.line),
                    ),
                }
            }
            let rule = if decided.is_empty() {
                INFERRED_RULE.to_owned()
            } else {
                format!(
                    "{INFERRED_RULE}; requirement levels decided: {}",
                    decided.join(", ")
                )
            };
            (levels.into_iter().map(|(_, l)| l).collect(), rule)
        }
    }
}

/// What decided that one role level is more senior than another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    TitleWords,
    /// Of the skills both require, the senior one requires `more` at a higher level and `less` at a
    /// lower one.
    Requirements {
        more: usize,
        less: usize,
    },
}

/// Whether `a` is junior to `b` (`true`) or senior (`false`), and the rule that says so; `None` when
/// neither the titles nor the requirements tell them apart. Antisymmetric: swapping `a` and `b`
/// flips the answer, never the rule.
fn junior(a: &LevelAcc, b: &LevelAcc) -> Option<(bool, Rule)> {
    let (rank_a, rank_b) = (seniority_rank(&a.title), seniority_rank(&b.title));
    if rank_a != rank_b && rank_a != UNRANKED && rank_b != UNRANKED {
        return Some((rank_a < rank_b, Rule::TitleWords));
    }
    // How many of the skills both require `b` asks more of than `a`, and how many less.
    let (mut higher, mut lower) = (0, 0);
    for (skill, (at_a, _)) in &a.requirements {
        if let Some((at_b, _)) = b.requirements.get(skill) {
            match at_b.cmp(at_a) {
                std::cmp::Ordering::Greater => higher += 1,
                std::cmp::Ordering::Less => lower += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    let by_requirements = (higher != lower).then(|| {
        let (more, less) = (higher.max(lower), higher.min(lower));
        (higher > lower, Rule::Requirements { more, less })
    });
    if rank_a == rank_b {
        return by_requirements;
    }
    // One title has no ranked word: its words say little, so the requirements may overrule them, and
    // are named only when they do.
    let by_title = (rank_a < rank_b, Rule::TitleWords);
    match by_requirements {
        Some((junior, rule)) if junior != by_title.0 => Some((junior, rule)),
        _ => Some(by_title),
    }
}

/// The levels (with their CSV position), most junior first: each step takes a level that no remaining
/// level is junior to, the lowest by title rank and then CSV position among those. The pairwise
/// comparisons need not be transitive, so this never sorts by them; should they go round in a
/// circle, the title rank and CSV position break it.
fn inferred_order(mut remaining: Vec<(usize, &LevelAcc)>) -> Vec<(usize, &LevelAcc)> {
    let mut out = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let is_free = |l: &LevelAcc| {
            remaining
                .iter()
                .all(|(_, other)| !matches!(junior(other, l), Some((true, _))))
        };
        let key = |(seen, l): &(usize, &LevelAcc)| (seniority_rank(&l.title), *seen);
        let pick = remaining
            .iter()
            .enumerate()
            .filter(|(_, (_, l))| is_free(l))
            .min_by_key(|(_, level)| key(level))
            .or_else(|| {
                remaining
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, level)| key(level))
            })
            .map(|(i, _)| i);
        match pick {
            Some(i) => out.push(remaining.remove(i)),
            None => break,
        }
    }
    out
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
