//! Importer: the SFIA skills spreadsheet, SFIA 8 or SFIA 9, as the CSV export of its skills sheet or as
//! the `.xlsx` workbook itself.
//!
//! What it reads, each found by its header or sheet name rather than by position (copies rename and
//! reorder columns, add a BOM, or use `ID,Level 1,…` headers):
//!
//! - **Skills** (`#,Levels,,,,,,,Code,URL,Skill,Category,Subcategory,Overall description,Guidance
//!   notes,Level 1 description,…`): one skill per row, id = its code. SFIA 9 has the `URL` column,
//!   SFIA 8 does not; that, or the version in the URLs, gives the version. The seven level columns say
//!   where the skill is defined, so the skill's levels are sparse: only those, each with its level
//!   description. A level marked defined without a description is left out (`missing-level`); a
//!   description at a level not marked is kept (`undefined-level`). A repeated code is reported and the
//!   later row skipped (`duplicate-code`).
//! - **Attributes** (workbook sheet or CSV with an `Attribute` column): the generic attributes and
//!   behavioural factors also have a code and a description per level, which is exactly a skill, so
//!   they are imported as skills on the same scale, in their own category (their type, or
//!   "Attributes"), where they can be assessed and required like any other.
//! - **Levels of responsibility** (transposed: rows `Guiding phrase`, `Essence of the level`, `URL`;
//!   columns levels 1-7): the guiding phrase becomes the label of the scale level and the essence its
//!   description. The model's scale levels have no link, so the URL row is reported as skipped, as is
//!   any other row.
//!
//! Without a levels sheet the scale levels are labelled "Level 1" … "Level 7". The source is marked not
//! redistributable: the text is the user's licensed copy of SFIA, published only with `--licensed`.
//! Skills are ordered by category file name, the order `trellis check` reads them back in, so that
//! writing and re-loading gives the same framework.

use std::collections::HashMap;

use indexmap::IndexMap;
use trellis_model::{Framework, LevelId, Scale, ScaleLevel, Skill, Source};

use super::csv_table::{Cleaner, Row, key, read_csv};
use super::{ImportError, ImportOptions, ImportReport, Input, xlsx};
use crate::write::slug;

const SOURCE: &str = "sfia";
const SCALE: &str = "sfia-responsibility";
const LEVELS: usize = 7;
/// How far down a sheet the header row may start (title rows above it are common).
const HEADER_SEARCH: usize = 20;
pub const ATTRIBUTION: &str =
    "SFIA content © SFIA Foundation; used under licence, not for redistribution.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    Skills,
    Attributes,
    Levels,
}

/// One sheet or CSV file, with the name used in messages.
#[derive(Debug)]
struct Table {
    file: String,
    kind: Kind,
    rows: Vec<Row>,
}

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let first = inputs.first().ok_or(ImportError::NoInput)?.name();
    let mut tables = Vec::new();
    for input in inputs {
        let file = input.name();
        if xlsx::is_zip(&input.bytes) {
            for sheet in xlsx::read_workbook(&input.bytes, &file)? {
                let here = format!("{file} (sheet {})", sheet.name);
                // The content decides; the tab name only tells attributes from skills when both fit.
                let kind = match (kind_of_rows(&sheet.rows), kind_of_sheet(&sheet.name)) {
                    (Some(Kind::Skills), Some(Kind::Attributes)) => Some(Kind::Attributes),
                    (kind, _) => kind,
                };
                match kind {
                    Some(kind) => tables.push(Table {
                        file: here,
                        kind,
                        rows: sheet.rows,
                    }),
                    None => report.skip(
                        format!("sheet `{}`", sheet.name),
                        "no header of skills or attributes, and no levels of responsibility",
                        &file,
                        None,
                    ),
                }
            }
        } else {
            let rows = read_csv(super::text(input)?, &file)?;
            let kind = kind_of_rows(&rows).ok_or_else(|| no_header(&file, &rows))?;
            tables.push(Table { file, kind, rows });
        }
    }
    if !tables.iter().any(|t| t.kind == Kind::Skills) {
        let file = tables.first().map_or(first, |t| t.file.clone());
        return Err(ImportError::invalid(
            &file,
            None,
            "no SFIA skills sheet: expected a sheet or CSV with columns such as Code, Skill, Category and Level 1 description",
        ));
    }

    let mut cleaner = Cleaner::default();
    let mut version: Option<String> = None;
    let mut skills: Vec<Skill> = Vec::new();
    let mut codes: HashMap<String, (String, usize)> = HashMap::new();
    let mut scale_levels: Vec<ScaleLevel> = (1..=LEVELS)
        .map(|n| ScaleLevel {
            id: LevelId(n.to_string()),
            label: format!("Level {n}"),
            description: None,
        })
        .collect();
    // Skills first, so that an attribute whose code clashes with a skill is the one skipped.
    let order = [Kind::Skills, Kind::Attributes, Kind::Levels];
    for kind in order {
        for table in tables.iter().filter(|t| t.kind == kind) {
            let mut ctx = Ctx {
                file: &table.file,
                report: &mut *report,
                cleaner: &mut cleaner,
            };
            match kind {
                Kind::Skills | Kind::Attributes => {
                    let (found, v) = read_skills(table, &mut ctx, &mut codes)?;
                    if found.is_empty() && kind == Kind::Skills {
                        return Err(ImportError::invalid(
                            &table.file,
                            None,
                            "the skills sheet has a header but no skills",
                        ));
                    }
                    skills.extend(found);
                    match (&version, v) {
                        (None, v) => version = v,
                        (Some(a), Some(b)) if *a != b => ctx.report.warn(
                            "version",
                            format!("this file looks like SFIA {b}, an earlier one like SFIA {a}; SFIA {a} is recorded"),
                            &table.file,
                            None,
                        ),
                        _ => {}
                    }
                }
                Kind::Levels => read_levels(table, &mut ctx, &mut scale_levels),
            }
        }
    }

    let version = version.unwrap_or_else(|| "8".into());
    // The order `write` + `load` give back: skills grouped into one file per category, files sorted.
    skills.sort_by_cached_key(|s| slug(s.category.as_deref().unwrap_or("skills")));
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| format!("SFIA {version}"));
    Ok(Framework {
        id: slug(&name),
        name,
        version: version.clone(),
        description: Some(format!(
            "The SFIA {version} skills and levels of responsibility, imported from the licensed spreadsheet."
        )),
        sources: vec![Source {
            id: SOURCE.into(),
            name: "SFIA".into(),
            version: Some(version),
            licence: Some("SFIA licence".into()),
            attribution: Some(ATTRIBUTION.into()),
            url: Some("https://sfia-online.org".into()),
            redistributable: false,
            level_scale: Some(SCALE.into()),
        }],
        scales: vec![Scale {
            id: SCALE.into(),
            name: "SFIA levels of responsibility".into(),
            description: Some(
                "The seven SFIA levels of responsibility, 1 the lowest and 7 the highest.".into(),
            ),
            levels: scale_levels,
        }],
        skills,
        tracks: vec![],
        readiness: None,
    })
}

/// Where a table is being read from, with the report and the cell cleaner (`'t`: the tables).
struct Ctx<'a, 't> {
    file: &'a str,
    report: &'a mut ImportReport,
    cleaner: &'a mut Cleaner<'t>,
}

impl<'t> Ctx<'_, 't> {
    fn text(&mut self, row: &'t Row, column: Option<usize>) -> Option<String> {
        self.cleaner
            .clean(row.cell(column), self.file, row.line, self.report)
    }

    fn warn(&mut self, kind: &str, line: usize, message: String) {
        self.report.warn(kind, message, self.file, Some(line));
    }
}

fn kind_of_sheet(name: &str) -> Option<Kind> {
    let name = key(name);
    if name.contains("attribute") {
        Some(Kind::Attributes)
    } else if name.contains("responsibilit") {
        Some(Kind::Levels)
    } else if name.contains("skill") {
        Some(Kind::Skills)
    } else {
        None
    }
}

/// What a table holds, judged from its header row (or, for the transposed levels sheet, its row labels).
fn kind_of_rows(rows: &[Row]) -> Option<Kind> {
    if let Some((_, cols)) = header(rows) {
        return Some(cols.kind);
    }
    rows.iter()
        .take(HEADER_SEARCH)
        .any(|r| level_row_label(r).is_some())
        .then_some(Kind::Levels)
}

fn no_header(file: &str, rows: &[Row]) -> ImportError {
    let first = rows.iter().find(|r| !r.is_blank());
    let found: Vec<&str> = first
        .map(|r| {
            r.cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .take(8)
                .collect()
        })
        .unwrap_or_default();
    ImportError::invalid(
        file,
        Some(first.map_or(1, |r| r.line)),
        format!(
            "not an SFIA skills sheet: no header row with columns such as Code, Skill, Category and Level 1 description \
             in the first {HEADER_SEARCH} rows (the first row has: {})",
            if found.is_empty() {
                "nothing".to_owned()
            } else {
                found.join(", ")
            }
        ),
    )
}

/// Where each field is in a skills or attributes table.
#[derive(Debug, Default)]
struct Columns {
    kind: Kind,
    code: Option<usize>,
    url: Option<usize>,
    name: Option<usize>,
    category: Option<usize>,
    subcategory: Option<usize>,
    description: Option<usize>,
    guidance: Option<usize>,
    /// Columns that mark where a skill is defined (`Levels` and the six blank ones after it, or `Level N`).
    flags: [Option<usize>; LEVELS],
    /// Columns with the description at each level.
    texts: [Option<usize>; LEVELS],
}

/// The level number in a header such as `Level 3`, `Level 3 description` or `L3`, and whether it
/// names the description column.
fn level_header(k: &str) -> Option<(usize, bool)> {
    let rest = k.strip_prefix("level").or_else(|| k.strip_prefix('l'))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let n: usize = digits.parse().ok().filter(|n| (1..=LEVELS).contains(n))?;
    match rest.get(digits.len()..)? {
        "" => Some((n, false)),
        "description" | "desc" | "descriptor" | "text" => Some((n, true)),
        _ => None,
    }
}

fn columns(header: &Row) -> Columns {
    let mut c = Columns::default();
    let keys: Vec<String> = header.cells.iter().map(|h| key(h)).collect();
    let set = |slot: &mut Option<usize>, i| {
        if slot.is_none() {
            *slot = Some(i);
        }
    };
    for (i, k) in keys.iter().enumerate() {
        match k.as_str() {
            "code" | "skillcode" | "attributecode" => set(&mut c.code, i),
            "url" | "link" | "skillurl" | "weblink" => set(&mut c.url, i),
            "skill" | "skillname" | "name" | "title" => set(&mut c.name, i),
            "attribute" | "attributename" => {
                c.kind = Kind::Attributes;
                set(&mut c.name, i);
            }
            "category" | "skillcategory" | "type" | "attributetype" => set(&mut c.category, i),
            "subcategory" | "skillsubcategory" => set(&mut c.subcategory, i),
            "overalldescription" | "description" | "skilldescription" | "attributedescription" => {
                set(&mut c.description, i);
            }
            "guidancenotes" | "guidance" | "guidancenote" => set(&mut c.guidance, i),
            "levels" if c.flags.iter().all(Option::is_none) => {
                // `Levels` heads seven columns; the six after it have blank headers.
                for (n, slot) in c.flags.iter_mut().enumerate() {
                    let at = i + n;
                    if n == 0 || keys.get(at).is_some_and(String::is_empty) {
                        *slot = Some(at);
                    }
                }
            }
            other => {
                if let Some((n, is_text)) = level_header(other) {
                    let slots = if is_text { &mut c.texts } else { &mut c.flags };
                    if let Some(slot) = slots.get_mut(n - 1) {
                        set(slot, i);
                    }
                }
            }
        }
    }
    if c.kind == Kind::Attributes {
        c.as_attributes();
    }
    c
}

impl Columns {
    /// An attributes sheet's `Level N` columns hold descriptions, not marks.
    fn as_attributes(&mut self) {
        self.kind = Kind::Attributes;
        for (text, flag) in self.texts.iter_mut().zip(self.flags.iter_mut()) {
            if text.is_none() {
                *text = flag.take();
            }
        }
    }
}

/// The header row of a skills or attributes table, and its columns.
fn header(rows: &[Row]) -> Option<(usize, Columns)> {
    rows.iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .find_map(|(i, row)| {
            let cols = columns(row);
            let has_levels = cols
                .texts
                .iter()
                .chain(cols.flags.iter())
                .any(Option::is_some);
            let usable = cols.name.is_some()
                && has_levels
                && match cols.kind {
                    Kind::Skills => cols.code.is_some(),
                    _ => true,
                };
            usable.then_some((i, cols))
        })
}

/// A level number written in a marker cell: `3`, `3.0`; `None` for other marks such as `x`.
fn level_number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok()
}

fn read_skills<'t>(
    table: &'t Table,
    ctx: &mut Ctx<'_, 't>,
    codes: &mut HashMap<String, (String, usize)>,
) -> Result<(Vec<Skill>, Option<String>), ImportError> {
    let Some((at, mut cols)) = header(&table.rows) else {
        return Err(no_header(&table.file, &table.rows));
    };
    if table.kind == Kind::Attributes {
        cols.as_attributes();
    }
    let mut version = None;
    if table.kind == Kind::Skills {
        version = Some(if cols.url.is_some() { "9" } else { "8" }.to_owned());
    }
    let mut skills = Vec::new();
    for row in table.rows.iter().skip(at + 1) {
        if row.is_blank() {
            continue;
        }
        let name = ctx.text(row, cols.name);
        let raw_code = row.cell(cols.code).trim();
        let code = if !raw_code.is_empty() {
            raw_code.to_owned()
        } else if table.kind == Kind::Attributes && name.is_some() {
            slug(name.as_deref().unwrap_or_default()).to_ascii_uppercase()
        } else {
            ctx.report.skip(
                format!("row {}", row.line),
                "it has no skill code, so nothing can refer to it",
                ctx.file,
                Some(row.line),
            );
            continue;
        };
        let code = if code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            code
        } else {
            let fixed = slug(&code).to_ascii_uppercase();
            ctx.warn(
                "invalid-code",
                row.line,
                format!("code `{code}` is not a plain code; it is imported as `{fixed}`"),
            );
            fixed
        };
        if let Some((file, line)) = codes.get(&code.to_ascii_uppercase()) {
            let message = format!(
                "code `{code}` was already imported from {file} line {line}; this row is skipped"
            );
            ctx.warn("duplicate-code", row.line, message);
            ctx.report.skip(
                format!("{code} (row {})", row.line),
                "a second row with the same code",
                ctx.file,
                Some(row.line),
            );
            continue;
        }
        codes.insert(code.to_ascii_uppercase(), (ctx.file.to_owned(), row.line));
        let name = name.unwrap_or_else(|| {
            ctx.warn(
                "missing-name",
                row.line,
                format!("`{code}` has no name; its code is used as the name"),
            );
            code.clone()
        });

        let url = ctx.text(row, cols.url);
        if let Some(v) = url.as_deref().and_then(url_version) {
            version = Some(v);
        }
        let levels = read_levels_of(row, &cols, &code, ctx);
        let category = match (ctx.text(row, cols.category), table.kind) {
            (None, Kind::Attributes) => Some("Attributes".to_owned()),
            (c, _) => c,
        };
        skills.push(Skill {
            id: code.clone(),
            name,
            code: Some(code),
            scale: SCALE.into(),
            category,
            subcategory: ctx.text(row, cols.subcategory),
            description: ctx.text(row, cols.description),
            guidance: ctx.text(row, cols.guidance),
            source: Some(SOURCE.into()),
            url,
            levels,
        });
    }
    Ok((skills, version))
}

/// The version in an SFIA skill URL, e.g. `9` in `https://sfia-online.org/en/skillcode/9/PROD`.
fn url_version(url: &str) -> Option<String> {
    let rest = url.split("/skillcode/").nth(1)?;
    let v: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!v.is_empty()).then_some(v)
}

fn read_levels_of<'t>(
    row: &'t Row,
    cols: &Columns,
    code: &str,
    ctx: &mut Ctx<'_, 't>,
) -> IndexMap<LevelId, String> {
    let has_flags = cols.flags.iter().any(Option::is_some);
    let mut marked = [false; LEVELS];
    for (n, column) in cols.flags.iter().enumerate() {
        let cell = row.cell(*column).trim();
        if cell.is_empty() {
            continue;
        }
        match level_number(cell) {
            Some(v) if v.fract() == 0.0 && (1.0..=LEVELS as f64).contains(&v) => {
                if let Some(m) = marked.get_mut(v as usize - 1) {
                    *m = true;
                }
            }
            Some(_) => ctx.warn(
                "undefined-level",
                row.line,
                format!("`{code}` is marked as defined at level `{cell}`, which is not a level from 1 to 7"),
            ),
            // Any other mark (`x`, `Y`, `✓`) marks the column's own level.
            None => {
                if let Some(m) = marked.get_mut(n) {
                    *m = true;
                }
            }
        }
    }
    let mut levels = IndexMap::new();
    for n in 0..LEVELS {
        let text = ctx.text(row, cols.texts.get(n).copied().flatten());
        let defined = !has_flags || marked.get(n).copied().unwrap_or(false);
        let level = n + 1;
        match (defined, text) {
            (true, Some(text)) => {
                levels.insert(LevelId(level.to_string()), text);
            }
            (true, None) if has_flags => ctx.warn(
                "missing-level",
                row.line,
                format!("`{code}` is marked as defined at level {level} but has no description there; the level is left out"),
            ),
            (false, Some(text)) => {
                ctx.warn(
                    "undefined-level",
                    row.line,
                    format!("`{code}` has a level {level} description but is not marked as defined there; the description is kept"),
                );
                levels.insert(LevelId(level.to_string()), text);
            }
            _ => {}
        }
    }
    levels
}

/// What a row of the transposed levels sheet holds, from its first non-empty cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LevelRow {
    Label,
    Essence,
    Other,
}

fn level_row_label(row: &Row) -> Option<(usize, LevelRow)> {
    let (i, first) = row
        .cells
        .iter()
        .enumerate()
        .find(|(_, c)| !c.trim().is_empty())?;
    let k = key(first);
    if k.contains("guidingphrase") {
        Some((i, LevelRow::Label))
    } else if k.contains("essence") {
        Some((i, LevelRow::Essence))
    } else {
        None
    }
}

fn read_levels<'t>(table: &'t Table, ctx: &mut Ctx<'_, 't>, levels: &mut [ScaleLevel]) {
    // Columns of levels 1-7: from a row that numbers them (`Level 1` or `1`), else the seven cells after
    // the row label.
    let numbered = table.rows.iter().take(HEADER_SEARCH).find_map(|row| {
        let mut cols = [None; LEVELS];
        for (i, cell) in row.cells.iter().enumerate() {
            let k = key(cell);
            let n = level_header(&k).map(|(n, _)| n).or_else(|| k.parse().ok());
            if let Some(slot) = n
                .and_then(|n: usize| n.checked_sub(1))
                .and_then(|n| cols.get_mut(n))
            {
                slot.get_or_insert(i);
            }
        }
        (cols.iter().filter(|c| c.is_some()).count() >= 3).then_some((row.line, cols))
    });
    for row in &table.rows {
        if row.is_blank() || numbered.is_some_and(|(line, _)| line == row.line) {
            continue;
        }
        let Some((label_at, first)) = row
            .cells
            .iter()
            .enumerate()
            .find(|(_, c)| !c.trim().is_empty())
        else {
            continue;
        };
        let what = level_row_label(row).map_or(LevelRow::Other, |(_, w)| w);
        if what == LevelRow::Other {
            let label = first.trim();
            let why = if key(label).contains("url") || key(label).contains("link") {
                "the model's scale levels have no link; each skill keeps its own URL"
            } else {
                "the model's scale levels hold a label and a description only"
            };
            ctx.report.skip(
                format!("levels of responsibility: row `{label}`"),
                why,
                ctx.file,
                Some(row.line),
            );
            continue;
        }
        for (n, level) in levels.iter_mut().enumerate() {
            let column = match numbered {
                Some((_, cols)) => cols.get(n).copied().flatten(),
                None => Some(label_at + 1 + n),
            };
            let Some(text) = ctx.text(row, column) else {
                continue;
            };
            match what {
                LevelRow::Label => level.label = text.replace('\n', " "),
                _ => level.description = Some(text),
            }
        }
    }
}
