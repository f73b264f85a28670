//! The state of one DDaT import: skills, role levels and roles gathered row by row.

use super::*;

#[derive(Debug, Default)]
pub(super) struct SkillAcc {
    pub(super) name: String,
    pub(super) description: Option<String>,
    /// Descriptor per level from the skill CSV, and from role rows (first seen).
    pub(super) from_skills: [Option<String>; 4],
    pub(super) from_roles: [Option<String>; 4],
    /// (skill level) pairs already warned about, so a repeated defect is reported once.
    pub(super) warned: HashSet<String>,
    pub(super) in_skill_file: bool,
    /// The first role row that names the skill.
    pub(super) first_row: Option<(String, usize)>,
}

#[derive(Debug)]
pub(super) struct LevelAcc {
    pub(super) title: String,
    /// Where the level is first seen.
    pub(super) file: String,
    pub(super) line: usize,
    pub(super) description: Option<String>,
    /// skill key → (level index, line)
    pub(super) requirements: IndexMap<String, (usize, usize)>,
}

#[derive(Debug)]
pub(super) struct RoleAcc {
    pub(super) name: String,
    pub(super) family: Option<String>,
    pub(super) description: Option<String>,
    pub(super) role_type: Option<String>,
    pub(super) levels: IndexMap<String, LevelAcc>,
    /// Rows without a role level (`NOT IN USE`): count, first line, file.
    pub(super) not_in_use: Option<(usize, usize, String)>,
}

/// The state of one import.
pub(super) struct Importer<'a, 't> {
    pub(super) report: &'a mut ImportReport,
    /// Remembers cleaned cells of the tables (`'t`) being read.
    pub(super) cleaner: Cleaner<'t>,
    pub(super) skills: IndexMap<String, SkillAcc>,
    pub(super) roles: IndexMap<String, RoleAcc>,
    pub(super) warned: HashSet<String>,
}

impl<'t> Importer<'_, 't> {
    pub(super) fn text(
        &mut self,
        row: &'t Row,
        column: Option<usize>,
        file: &str,
    ) -> Option<String> {
        self.cleaner
            .clean(row.cell(column), file, row.line, self.report)
    }

    /// Reports a defect once per `once` key.
    pub(super) fn warn_once(
        &mut self,
        once: String,
        kind: &str,
        message: String,
        file: &str,
        line: usize,
    ) {
        if self.warned.insert(once) {
            self.report.warn(kind, message, file, Some(line));
        }
    }

    /// Text that is not a sentinel; a sentinel is reported once per `what`.
    pub(super) fn real(
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

    pub(super) fn skill(&mut self, name: &str) -> &mut SkillAcc {
        self.skills
            .entry(name_key(name))
            .or_insert_with(|| SkillAcc {
                name: name.to_owned(),
                ..SkillAcc::default()
            })
    }

    /// Keeps the first text; a different one later is reported once per `what`.
    pub(super) fn keep_first(
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

    pub(super) fn read_skill_table(&mut self, table: &'t Table, cols: &SkillColumns) {
        let file = table.file.as_str();
        if cols.roles.is_some() {
            self.report.skip(
                "column `Roles that require Skill`",
                "derived data: which roles require a skill follows from the role levels",
                file,
                table.rows.get(table.header).map(|r| r.line),
            );
        }
        for row in table.data_rows(self.report) {
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

    pub(super) fn read_role_table(&mut self, table: &'t Table, cols: &RoleColumns) {
        let file = table.file.as_str();
        for row in table.data_rows(self.report) {
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
