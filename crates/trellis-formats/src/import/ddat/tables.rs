//! The DDaT files as tables: which layout a header is (roles or skills), the rows of every sheet or
//! CSV, and a truncated last row refused.

use super::*;

/// Names compared as the source means them: case and spacing do not matter.
pub(super) fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(super) fn level_index(text: &str) -> Option<usize> {
    let k = key(text);
    LEVELS.iter().position(|(id, _)| *id == k)
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RoleColumns {
    pub(super) family: Option<usize>,
    pub(super) role: Option<usize>,
    pub(super) role_description: Option<usize>,
    pub(super) level: Option<usize>,
    pub(super) level_description: Option<usize>,
    pub(super) skill: Option<usize>,
    pub(super) skill_description: Option<usize>,
    pub(super) skill_level: Option<usize>,
    pub(super) skill_level_description: Option<usize>,
    pub(super) role_type: Option<usize>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct SkillColumns {
    pub(super) name: Option<usize>,
    pub(super) description: Option<usize>,
    pub(super) levels: [Option<usize>; 4],
    pub(super) roles: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Layout {
    Roles(RoleColumns),
    Skills(SkillColumns),
}

pub(super) fn layout(header: &Row) -> Option<Layout> {
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
pub(super) struct Table {
    pub(super) file: String,
    pub(super) rows: Vec<Row>,
    /// Index of the header row in `rows`.
    pub(super) header: usize,
    pub(super) layout: Layout,
}

impl Table {
    /// The rows after the header, less blank ones and rows that repeat an earlier row exactly, which
    /// are reported and read once (exports that doubled rows must not count a requirement twice).
    pub(super) fn data_rows(&self, report: &mut ImportReport) -> Vec<&Row> {
        let mut seen: FastMap<&[String], usize> =
            FastMap::with_capacity_and_hasher(self.rows.len(), Default::default());
        let mut rows = Vec::with_capacity(self.rows.len());
        for row in self.rows.iter().skip(self.header + 1) {
            if row.is_blank() {
                continue;
            }
            if let Some(first) = seen.get(row.cells.as_slice()) {
                report.warn(
                    "duplicate-row",
                    format!(
                        "line {} repeats line {first} exactly; it is read once",
                        row.line
                    ),
                    &self.file,
                    Some(row.line),
                );
                continue;
            }
            seen.insert(&row.cells, row.line);
            rows.push(row);
        }
        rows
    }
}

pub(super) fn tables_of(
    input: &Input,
    report: &mut ImportReport,
) -> Result<Vec<Table>, ImportError> {
    let file = input.name();
    let mut sheets = Vec::new();
    if xlsx::is_zip(&input.bytes) {
        for sheet in xlsx::read_workbook(&input.bytes, &file)? {
            sheets.push((format!("{file} (sheet {})", sheet.name), sheet.rows));
        }
    } else {
        sheets.push((file.clone(), read_csv(super::super::text(input)?, &file)?));
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
pub(super) fn truncated_last_row(
    file: &str,
    rows: &[Row],
    header: usize,
) -> Result<(), ImportError> {
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
