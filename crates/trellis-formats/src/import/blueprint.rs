//! Importer: 20-section role blueprints (`1) Role Summary` … `20) Final Role Scorecard Summary`).
//!
//! Each blueprint file becomes one role level. Sections are recognised by their title, not their
//! number, and each goes where the model holds it:
//!
//! | section | becomes |
//! |---|---|
//! | role summary | the level's summary (its prose); the title when it opens "The X (…) is" |
//! | mission | the core mission is the level's scope; the rest are responsibility groups |
//! | core responsibilities | one responsibility group per theme |
//! | day-to-day, deliverables, goals | responsibility groups named `Day-to-day: …`, `Deliverables: …`, `Goals: …` |
//! | KPIs | the KPI table, one [`Kpi`] per row |
//! | technical / soft skills | skills (categories `Technical`, `Behavioural`) and requirements with importance |
//! | tools | the tools table, one [`Tool`] per row |
//! | decision rights | one [`DecisionTier`] per approval tier; other authority notes are a responsibility group |
//! | career path | previous / next links, only to role levels imported alongside |
//! | hiring evaluation | the weighted scorecard table, one [`InterviewDimension`] per row |
//! | final scorecard summary | the role title; the rest repeats other sections |
//!
//! Everything else (environment, stakeholders, experience, risks, variants, AI impact, interview
//! guidance) has no place in the model and is listed in the report as skipped, with why. Bullet
//! nesting is lost in blueprints, so sub-lists are recovered from the shape of the lines: a line ending
//! in a colon, a short line without a full stop, or a short bullet followed by bullets is a heading.
//!
//! Blueprints end with whatever was scraped after them (an advert, in the seed); text after the final
//! scorecard table, or a promotional paragraph at the end of the last section, is dropped with a
//! `junk-tail` warning quoting it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;
use trellis_model::lint::{TitleIndex, is_promotional, template_leak};
use trellis_model::text::{mojibake_samples, repair_mojibake};
use trellis_model::validate::{effective_next, effective_previous};
use trellis_model::{
    DecisionTier, Framework, Importance, InterviewDimension, Kpi, LevelId, Requirement,
    ResponsibilityGroup, RoleLevel, Scale, ScaleLevel, Skill, Source, Tool, Track, role_level_id,
};

use super::{ImportError, ImportOptions, ImportReport, Input};
use crate::write::slug;

/// The source every imported skill points at. Blueprints are a copyrighted publication whose text is
/// imported verbatim, so it is marked not redistributable: `trellis build` then publishes skill names
/// and importance only, unless the publisher says they hold a licence.
pub const SOURCE_ID: &str = "blueprint";

/// The scale blueprint skills are rated on.
///
/// Blueprints say how *important* a skill is to the role (Critical / Important / Optional /
/// Context-specific), never at what *level* it is needed. Inventing a level would put words in the
/// source's mouth, so the skills live on a one-level scale, `required`: a requirement says "this role
/// needs this skill", and its importance carries what the blueprint said. An author can later move
/// the skills to a graded scale and set real levels.
pub const SCALE_ID: &str = "required";
/// The one level of [`SCALE_ID`].
pub const LEVEL_ID: &str = "required";

const TECHNICAL: &str = "Technical";
const BEHAVIOURAL: &str = "Behavioural";

/// At most this many mojibake warnings per file; the rest are counted in one more.
const MAX_MOJIBAKE_WARNINGS: usize = 10;

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    if inputs.is_empty() {
        return Err(ImportError::NoInput);
    }
    let mut drafts = Vec::with_capacity(inputs.len());
    for input in inputs {
        drafts.push(read_blueprint(input, report)?);
    }
    Ok(assemble(drafts, options, report))
}

// ---------------------------------------------------------------------------------------------------
// Lines and sections

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 1-based line number in the file.
    no: usize,
    /// The line without surrounding whitespace.
    text: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Summary,
    Mission,
    Responsibilities,
    DayToDay,
    Deliverables,
    Goals,
    Kpis,
    TechnicalSkills,
    SoftSkills,
    Tools,
    Environment,
    Stakeholders,
    DecisionRights,
    Experience,
    Career,
    Risks,
    Variants,
    Ai,
    Hiring,
    Final,
    Unknown,
}

impl Kind {
    fn of(title: &str) -> Kind {
        let t = title.to_lowercase();
        let has = |w: &str| t.contains(w);
        let word = |w: &str| t.split(|c: char| !c.is_alphanumeric()).any(|x| x == w);
        if has("final") || (has("scorecard") && has("summary")) {
            Kind::Final
        } else if has("hiring") || has("interview") {
            Kind::Hiring
        } else if has("soft skill") || has("behavio") {
            Kind::SoftSkills
        } else if has("tech stack") || has("environment") {
            Kind::Environment
        } else if has("skill") {
            Kind::TechnicalSkills
        } else if word("kpi") || word("kpis") || has("metric") {
            Kind::Kpis
        } else if has("tool") || has("software") {
            Kind::Tools
        } else if has("summary") || has("overview") {
            Kind::Summary
        } else if has("mission") || has("purpose") {
            Kind::Mission
        } else if has("day-to-day") || has("day to day") || has("activities") {
            Kind::DayToDay
        } else if has("deliverable") {
            Kind::Deliverables
        } else if has("goal") || has("objective") || has("milestone") {
            Kind::Goals
        } else if has("responsibilit") {
            Kind::Responsibilities
        } else if has("stakeholder") || has("collaboration") {
            Kind::Stakeholders
        } else if has("decision") || has("authority") {
            Kind::DecisionRights
        } else if has("experience") || has("qualification") {
            Kind::Experience
        } else if has("career") || has("progression") {
            Kind::Career
        } else if has("risk") || has("challenge") || has("failure") {
            Kind::Risks
        } else if has("variant") {
            Kind::Variants
        } else if word("ai") || has("automation") {
            Kind::Ai
        } else {
            Kind::Unknown
        }
    }
}

#[derive(Debug)]
struct Section<'a> {
    number: u32,
    title: &'a str,
    line: usize,
    kind: Kind,
    body: Vec<Line<'a>>,
}

impl Section<'_> {
    fn label(&self) -> String {
        format!("section {} \"{}\"", self.number, self.title)
    }
}

/// `N) Title`, with N from 1 to 99.
fn section_heading(line: &str) -> Option<(u32, &str)> {
    let (number, rest) = line.split_once(')')?;
    if number.is_empty() || number.len() > 2 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !rest.starts_with(' ') {
        return None;
    }
    let title = rest.trim();
    let first = title.chars().next()?;
    if !first.is_alphabetic() || title.chars().count() > 100 {
        return None;
    }
    Some((number.parse().ok()?, title))
}

/// Splits the lines into the preamble (before the first section) and the sections. Section numbers
/// must increase, so a numbered list inside a section is not taken for a heading.
fn split_sections<'a>(lines: &[Line<'a>]) -> (Vec<Line<'a>>, Vec<Section<'a>>) {
    let mut preamble = Vec::new();
    let mut sections: Vec<Section<'a>> = Vec::new();
    for line in lines {
        let last = sections.last().map_or(0, |s| s.number);
        match section_heading(line.text) {
            Some((number, title)) if number > last => sections.push(Section {
                number,
                title,
                line: line.no,
                kind: Kind::of(title),
                body: Vec::new(),
            }),
            _ => match sections.last_mut() {
                Some(section) => section.body.push(*line),
                None => preamble.push(*line),
            },
        }
    }
    (preamble, sections)
}

// ---------------------------------------------------------------------------------------------------
// Line shapes

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The text of a bullet line (`- x`, `• x`, `– x`), `Some("")` for a bare marker, `None` otherwise.
fn bullet(text: &str) -> Option<&str> {
    for marker in ['-', '•', '*', '–', '—', '·'] {
        if let Some(rest) = text.strip_prefix(marker) {
            if rest.is_empty() {
                return Some("");
            }
            if rest.starts_with(char::is_whitespace) {
                return Some(rest.trim());
            }
        }
    }
    None
}

/// A sub-heading: ends with a colon, or is short, capitalised and not a sentence.
fn is_heading(text: &str) -> bool {
    let t = text.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    if let Some(h) = t.strip_suffix(':') {
        return words(h) <= 15 && !h.contains(": ");
    }
    !t.ends_with(['.', '!', '?', ';', ',']) && !t.contains(": ") && words(t) <= 12
}

/// A short bullet that names a group rather than an item: no sentence punctuation, few words.
fn is_short_label(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_uppercase)
        && words(text) <= 5
        && !text.contains([',', '.', ';', ':', '(', ')'])
}

/// `Label – item – item`: a list flattened into one line with en dashes.
fn inline_list(text: &str) -> Option<(String, Vec<String>)> {
    let parts: Vec<&str> = text.split(" – ").map(str::trim).collect();
    let (first, rest) = parts.split_first()?;
    let items: Vec<String> = rest
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| (*p).to_owned())
        .collect();
    if items.len() < 2 {
        return None;
    }
    let label = first.trim_end_matches(':').trim();
    if label.is_empty() || !(first.ends_with(':') || words(label) <= 8) {
        return None;
    }
    Some((label.to_owned(), items))
}

/// `Label: value` with a short label, as in `Description: …` or `Why it matters: …`.
fn label_line(text: &str) -> Option<(&str, &str)> {
    let (label, value) = text.split_once(':')?;
    let label = label.trim();
    let value = value.trim();
    let ok = !label.is_empty()
        && words(label) <= 5
        && label
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '/' | '\'' | '’'))
        && !value.is_empty();
    ok.then_some((label, value))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A table cell's value: `None` when empty or a placeholder dash.
fn cell_value(cell: &str) -> Option<String> {
    let t = cell.trim();
    let placeholder = t.is_empty() || matches!(t, "-" | "–" | "—" | "n/a" | "N/A");
    (!placeholder).then(|| t.to_owned())
}

// ---------------------------------------------------------------------------------------------------
// Outline: a section as sub-headed groups of items, its prose introduction and its tables

#[derive(Debug, Default)]
struct Sub {
    heading: Option<(String, usize)>,
    items: Vec<(String, usize)>,
    /// Whether a table follows the heading (its rows are the sub-section's content).
    has_table: bool,
}

impl Sub {
    fn line(&self) -> Option<usize> {
        self.heading
            .as_ref()
            .map(|h| h.1)
            .or_else(|| self.items.first().map(|i| i.1))
    }
}

#[derive(Debug)]
struct Table {
    line: usize,
    header: Vec<String>,
    rows: Vec<(Vec<String>, usize)>,
}

impl Table {
    /// The first column whose header contains one of `keys` (lower-case), skipping `taken`.
    fn column(&self, keys: &[&str], taken: &[Option<usize>]) -> Option<usize> {
        self.header.iter().enumerate().position(|(i, h)| {
            let h = h.to_lowercase();
            !taken.contains(&Some(i)) && keys.iter().any(|k| h.contains(k))
        })
    }
}

#[derive(Debug, Default)]
struct Outline {
    intro: Vec<(String, usize)>,
    subs: Vec<Sub>,
    tables: Vec<Table>,
}

impl Outline {
    fn push_item(&mut self, text: &str, line: usize) {
        if self.subs.is_empty() {
            self.subs.push(Sub::default());
        }
        if let Some(sub) = self.subs.last_mut() {
            sub.items.push((text.to_owned(), line));
        }
    }

    fn open(&mut self, heading: &str, line: usize) {
        self.subs.push(Sub {
            heading: Some((heading.trim().to_owned(), line)),
            items: Vec::new(),
            has_table: false,
        });
    }
}

/// The cells of a pipe-table row; `\|` is a literal bar.
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        out.push(cell.trim().to_owned());
    }
    out
}

fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        && cells.iter().any(|c| c.contains('-'))
}

/// A line of a section with its bullet resolved: `bullet` holds the item text of a bullet line. The
/// flattening sometimes leaves a bare marker (`-`) on its own line with the item on the next; the
/// two are read as one bullet.
#[derive(Debug, Clone, Copy)]
struct Row<'a> {
    no: usize,
    text: &'a str,
    bullet: Option<&'a str>,
}

fn rows<'a>(body: &[Line<'a>]) -> Vec<Row<'a>> {
    let mut out = Vec::with_capacity(body.len());
    let mut bare_marker = false;
    for line in body {
        let t = line.text;
        if t.is_empty() {
            continue;
        }
        if t.starts_with('|') {
            bare_marker = false;
            out.push(Row {
                no: line.no,
                text: t,
                bullet: None,
            });
            continue;
        }
        match bullet(t) {
            Some("") => bare_marker = true,
            Some(b) => {
                bare_marker = false;
                out.push(Row {
                    no: line.no,
                    text: t,
                    bullet: Some(b),
                });
            }
            None => {
                let as_bullet = std::mem::take(&mut bare_marker);
                out.push(Row {
                    no: line.no,
                    text: t,
                    bullet: as_bullet.then_some(t),
                });
            }
        }
    }
    out
}

fn outline(body: &[Line<'_>], nested_headings: bool) -> Outline {
    let rows = rows(body);
    let mut o = Outline::default();
    let mut table: Option<Table> = None;
    for (i, row) in rows.iter().enumerate() {
        let t = row.text;
        if t.starts_with('|') {
            let row_cells = cells(t);
            if is_separator(&row_cells) {
                continue;
            }
            match &mut table {
                Some(tb) => tb.rows.push((row_cells, row.no)),
                None => {
                    if let Some(sub) = o.subs.last_mut() {
                        sub.has_table = true;
                    }
                    table = Some(Table {
                        line: row.no,
                        header: row_cells,
                        rows: Vec::new(),
                    });
                }
            }
            continue;
        }
        if let Some(tb) = table.take() {
            o.tables.push(tb);
        }
        match row.bullet {
            Some(b) => {
                let next_is_bullet = rows.get(i + 1).is_some_and(|r| r.bullet.is_some());
                match b.strip_suffix(':') {
                    Some(h) if words(h) <= 15 && !h.trim().is_empty() => o.open(h, row.no),
                    _ if nested_headings && is_short_label(b) && next_is_bullet => {
                        o.open(b, row.no)
                    }
                    _ => o.push_item(b, row.no),
                }
            }
            None => {
                if let Some((label, items)) = inline_list(t) {
                    // A list right under its own heading belongs to it; otherwise the label heads it.
                    let under_heading = o
                        .subs
                        .last()
                        .is_some_and(|s| s.heading.is_some() && s.items.is_empty() && !s.has_table);
                    if !under_heading {
                        o.open(&label, row.no);
                    }
                    for item in items {
                        o.push_item(&item, row.no);
                    }
                } else if is_heading(t) {
                    o.open(t.trim_end_matches(':'), row.no);
                } else if o.subs.is_empty() {
                    o.intro.push((t.to_owned(), row.no));
                } else {
                    o.push_item(t, row.no);
                }
            }
        }
    }
    if let Some(tb) = table {
        o.tables.push(tb);
    }
    o
}

// ---------------------------------------------------------------------------------------------------
// One blueprint

#[derive(Debug)]
struct SkillDraft {
    skill: Skill,
    importance: Importance,
    line: usize,
}

/// What one file gave, before ids and links are settled across files.
#[derive(Debug)]
struct Draft {
    file: String,
    title: String,
    level: RoleLevel,
    skills: Vec<SkillDraft>,
    /// Career-path names: roles people come from and go to.
    previous: Vec<(String, usize)>,
    next: Vec<(String, usize)>,
    /// Every text kept in the model, with its line, for the template-leak check.
    texts: Vec<(String, usize)>,
}

struct Reader<'r> {
    file: String,
    report: &'r mut ImportReport,
    level: RoleLevel,
    skills: Vec<SkillDraft>,
    previous: Vec<(String, usize)>,
    next: Vec<(String, usize)>,
    texts: Vec<(String, usize)>,
    /// Title candidates, by where they came from.
    title_final: Option<String>,
    title_summary: Option<String>,
    role_purpose: Option<(String, usize)>,
    /// Names already taken, lower-cased, so duplicate checks stay linear on large files.
    seen: HashSet<(&'static str, String)>,
    group_index: HashMap<String, usize>,
}

impl Reader<'_> {
    fn warn(&mut self, kind: &str, message: impl Into<String>, line: Option<usize>) {
        let file = self.file.clone();
        self.report.warn(kind, message, &file, line);
    }

    fn skip(&mut self, what: impl Into<String>, why: impl Into<String>, line: Option<usize>) {
        let file = self.file.clone();
        self.report.skip(what, why, &file, line);
    }

    fn keep(&mut self, text: &str, line: usize) {
        self.texts.push((text.to_owned(), line));
    }

    fn group(&mut self, name: String, items: &[(String, usize)]) {
        if items.is_empty() {
            return;
        }
        for (text, line) in items {
            self.keep(text, *line);
        }
        let items = items.iter().map(|(t, _)| t.clone()).collect();
        match self
            .group_index
            .get(&name)
            .and_then(|i| self.level.responsibilities.get_mut(*i))
        {
            Some(existing) => existing.items.extend::<Vec<String>>(items),
            None => {
                self.group_index
                    .insert(name.clone(), self.level.responsibilities.len());
                self.level
                    .responsibilities
                    .push(ResponsibilityGroup { group: name, items });
            }
        }
    }

    /// Records `name` as taken among `what` (KPIs, tools…); false when it already was.
    fn first(&mut self, what: &'static str, name: &str) -> bool {
        self.seen.insert((what, normalise(name)))
    }

    /// Reports the parts of a section that the model has no place for, in one entry.
    fn skip_parts(
        &mut self,
        section: &Section<'_>,
        parts: &[String],
        line: Option<usize>,
        why: &str,
    ) {
        if parts.is_empty() {
            return;
        }
        let what = format!("{}: {}", section.label(), parts.join("; "));
        self.skip(what, why, line.or(Some(section.line)));
    }

    fn skip_intro(&mut self, section: &Section<'_>, intro: &[(String, usize)]) {
        if let Some((text, line)) = intro.first() {
            let what = format!(
                "{}: introduction \"{}\"",
                section.label(),
                shorten(text, 60)
            );
            self.skip(
                what,
                "introductory prose; the model has no field for it",
                Some(*line),
            );
        }
    }

    fn skip_subs(&mut self, section: &Section<'_>, subs: &[&Sub], why: &str) {
        let parts: Vec<String> = subs.iter().map(|s| describe_sub(s)).collect();
        let line = subs.first().and_then(|s| s.line());
        self.skip_parts(section, &parts, line, why);
    }

    fn skip_tables(&mut self, section: &Section<'_>, tables: &[&Table], why: &str) {
        for table in tables {
            let what = format!(
                "{}: a table ({}) of {} rows",
                section.label(),
                table.header.join(" | "),
                table.rows.len()
            );
            self.skip(what, why, Some(table.line));
        }
    }
}

fn describe_sub(sub: &Sub) -> String {
    let n = sub.items.len();
    let items = if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    };
    match (&sub.heading, sub.items.first()) {
        (Some((h, _)), _) => format!("\"{h}\" ({items})"),
        (None, Some((first, _))) => format!("{items} from \"{}\"", shorten(first, 50)),
        (None, None) => items,
    }
}

fn read_blueprint(input: &Input, report: &mut ImportReport) -> Result<Draft, ImportError> {
    let file = input.name();
    let raw = super::text(input)?;
    let repaired = repair_mojibake(raw);
    if repaired.is_some() {
        let mut warned = 0;
        let mut more = 0;
        for (i, line) in raw.lines().enumerate() {
            let samples = mojibake_samples(line);
            let Some(first) = samples.first() else {
                continue;
            };
            if warned < MAX_MOJIBAKE_WARNINGS {
                let fixed = repair_mojibake(first).unwrap_or_default();
                report.warn(
                    "mojibake",
                    format!(
                        "repaired mojibake `{first}` → `{fixed}` (UTF-8 text read as Windows-1252)"
                    ),
                    &file,
                    Some(i + 1),
                );
                warned += 1;
            } else {
                more += 1;
            }
        }
        if more > 0 {
            report.warn(
                "mojibake",
                format!("repaired mojibake on {more} more lines"),
                &file,
                None,
            );
        }
    }
    let text = repaired.as_deref().unwrap_or(raw);
    let lines: Vec<Line<'_>> = text
        .lines()
        .enumerate()
        .map(|(i, t)| Line {
            no: i + 1,
            text: t.trim(),
        })
        .collect();
    let first_line = lines.iter().find(|l| !l.text.is_empty()).map(|l| l.no);
    let (preamble, mut sections) = split_sections(&lines);
    if sections.len() < 3 {
        return Err(ImportError::invalid(
            &file,
            first_line,
            format!(
                "not a role blueprint: expected numbered sections like `1) Role Summary`, found {}",
                sections.len()
            ),
        ));
    }
    let known = sections.iter().filter(|s| s.kind != Kind::Unknown).count();
    if known < 2 {
        let line = sections.first().map(|s| s.line);
        return Err(ImportError::invalid(
            &file,
            line,
            "not a role blueprint: its numbered sections are none of a blueprint's (Role Summary, Core \
             Responsibilities, KPIs, Technical Skills, Tools, Decision Rights, Hiring Evaluation…)",
        ));
    }

    let mut r = Reader {
        file: file.clone(),
        report,
        level: RoleLevel::default(),
        skills: Vec::new(),
        previous: Vec::new(),
        next: Vec::new(),
        texts: Vec::new(),
        title_final: None,
        title_summary: None,
        role_purpose: None,
        seen: HashSet::new(),
        group_index: HashMap::new(),
    };
    if let Some(last) = sections.last_mut() {
        drop_junk_tail(last, &mut r);
    }
    let title_preamble = preamble_title(&preamble, &mut r);

    for section in &sections {
        match section.kind {
            Kind::Summary => summary(section, &mut r),
            Kind::Mission => mission(section, &mut r),
            Kind::Responsibilities => groups(section, "", false, &mut r),
            Kind::DayToDay => groups(section, "Day-to-day", false, &mut r),
            Kind::Deliverables => groups(section, "Deliverables", true, &mut r),
            Kind::Goals => groups(section, "Goals", false, &mut r),
            Kind::Kpis => kpis(section, &mut r),
            Kind::TechnicalSkills => skills(section, TECHNICAL, &mut r),
            Kind::SoftSkills => skills(section, BEHAVIOURAL, &mut r),
            Kind::Tools => tools(section, &mut r),
            Kind::DecisionRights => decision_rights(section, &mut r),
            Kind::Career => career(section, &mut r),
            Kind::Hiring => hiring(section, &mut r),
            Kind::Final => final_summary(section, &mut r),
            Kind::Environment => skip_section(
                section,
                "the working environment (tech stack, delivery model) has no place in the model",
                &mut r,
            ),
            Kind::Stakeholders => skip_section(
                section,
                "the stakeholder map names who the role works with; the model has no field for it",
                &mut r,
            ),
            Kind::Experience => skip_section(
                section,
                "experience and qualifications belong in a job advert; the model has no field for them",
                &mut r,
            ),
            Kind::Risks => skip_section(
                section,
                "risks, challenges and failure modes have no place in the model",
                &mut r,
            ),
            Kind::Variants => skip_section(
                section,
                "variants by company size, industry and geography describe other roles; the model holds one role level per blueprint",
                &mut r,
            ),
            Kind::Ai => skip_section(
                section,
                "the outlook on AI and automation has no place in the model",
                &mut r,
            ),
            Kind::Unknown => {
                skip_section(section, "not one of a role blueprint's sections", &mut r)
            }
        }
    }

    let title = r
        .title_final
        .clone()
        .or(title_preamble)
        .or_else(|| r.title_summary.clone())
        .unwrap_or_else(|| title_from_path(&input.path));
    if r.level.summary.is_none()
        && let Some((purpose, line)) = r.role_purpose.take()
    {
        r.keep(&purpose, line);
        r.level.summary = Some(purpose);
    }
    let mut level = r.level;
    level.title = title.clone();
    Ok(Draft {
        file,
        title,
        level,
        skills: r.skills,
        previous: r.previous,
        next: r.next,
        texts: r.texts,
    })
}

/// Drops what follows the last section's content: anything after the final scorecard table, or a
/// promotional paragraph at the end.
fn drop_junk_tail(section: &mut Section<'_>, r: &mut Reader<'_>) {
    let body = &section.body;
    let mut start = None;
    let mut advert = false;
    if section.kind == Kind::Final
        && let Some(last_row) = body.iter().rposition(|l| l.text.starts_with('|'))
        && let Some(offset) = body
            .get(last_row + 1..)
            .and_then(|rest| rest.iter().position(|l| !l.text.is_empty()))
    {
        start = Some(last_row + 1 + offset);
    }
    if let Some(i) = body
        .iter()
        .position(|l| bullet(l.text).is_none() && is_promotional(l.text))
        && start.is_none_or(|s| i <= s)
    {
        start = Some(i);
        advert = true;
    }
    let Some(start) = start else { return };
    let tail: Vec<Line<'_>> = body.get(start..).unwrap_or_default().to_vec();
    let tail_text: Vec<&str> = tail
        .iter()
        .map(|l| l.text)
        .filter(|t| !t.is_empty())
        .collect();
    advert = advert || is_promotional(&tail_text.join(" "));
    let Some(first) = tail.iter().find(|l| !l.text.is_empty()) else {
        return;
    };
    let what = if advert {
        "an advertisement"
    } else {
        "text unrelated to the role"
    };
    let message = format!(
        "dropped {} line{} after the end of {}, {what} scraped with the page: \"{}\"",
        tail_text.len(),
        if tail_text.len() == 1 { "" } else { "s" },
        section.label(),
        shorten(&tail_text.join(" / "), 80)
    );
    r.warn("junk-tail", message, Some(first.no));
    section.body.truncate(start);
}

fn preamble_title(preamble: &[Line<'_>], r: &mut Reader<'_>) -> Option<String> {
    let mut lines = preamble.iter().filter(|l| !l.text.is_empty());
    let first = lines.next()?;
    let heading = first.text.trim_start_matches('#').trim();
    let title = heading
        .split([':', '—', '–', '|'])
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.to_lowercase().contains("blueprint"))
        .filter(|p| words(p) <= 8)
        .map(|p| p.trim_end_matches(['.', ',']).to_owned());
    let rest: Vec<&Line<'_>> = if title.is_some() {
        lines.collect()
    } else {
        preamble.iter().filter(|l| !l.text.is_empty()).collect()
    };
    if let Some(line) = rest.first() {
        let what = format!(
            "{} line(s) before section 1, from \"{}\"",
            rest.len(),
            shorten(line.text, 60)
        );
        r.skip(
            what,
            "text before the first section is not part of the blueprint",
            Some(line.no),
        );
    }
    title
}

fn title_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: Vec<String> = stem
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("blueprint"))
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    if words.is_empty() {
        "Imported role".to_owned()
    } else {
        words.join(" ")
    }
}

/// "The Principal Product Manager (Principal PM) is …" → "Principal Product Manager".
fn title_from_sentence(sentence: &str) -> Option<String> {
    let s = ["The ", "A ", "An "]
        .iter()
        .find_map(|p| sentence.strip_prefix(p))
        .unwrap_or(sentence);
    let end = [" (", " is ", " are ", ",", " – ", " - "]
        .iter()
        .filter_map(|p| s.find(p))
        .min()?;
    let candidate = s.get(..end)?.trim();
    let ok = candidate.chars().next().is_some_and(char::is_uppercase)
        && (1..=8).contains(&words(candidate));
    ok.then(|| candidate.to_owned())
}

fn skip_section(section: &Section<'_>, why: &str, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    let mut parts: Vec<String> = o.subs.iter().map(describe_sub).collect();
    if !o.intro.is_empty() {
        parts.insert(0, "introduction".into());
    }
    for table in &o.tables {
        parts.push(format!("a table of {} rows", table.rows.len()));
    }
    if parts.is_empty() {
        parts.push("(empty)".into());
    }
    r.skip_parts(section, &parts, Some(section.line), why);
}

fn summary(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    if let Some((first, _)) = o.intro.first() {
        r.title_summary = title_from_sentence(first);
    }
    if !o.intro.is_empty() {
        let text = o
            .intro
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        if let Some((_, line)) = o.intro.first() {
            r.keep(&text, *line);
        }
        r.level.summary = Some(text);
    }
    let subs: Vec<&Sub> = o
        .subs
        .iter()
        .filter(|s| !s.items.is_empty() || s.heading.is_some())
        .collect();
    r.skip_subs(section, &subs, "context about the role (its horizon, the teams it works with); the model has no field for it");
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the model has no field for a table in the role summary",
    );
}

fn mission(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    let core = o.subs.iter().position(|s| {
        s.heading
            .as_ref()
            .is_some_and(|(h, _)| h.to_lowercase().contains("mission"))
    });
    let scope: Vec<(String, usize)> = match core {
        Some(i) => o.subs.get(i).map(|s| s.items.clone()).unwrap_or_default(),
        None => o.intro.clone(),
    };
    if let Some((_, line)) = scope.first() {
        let text = scope
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        r.keep(&text, *line);
        r.level.scope = Some(text);
    }
    if core.is_some() {
        r.skip_intro(section, &o.intro);
    }
    for (i, sub) in o.subs.iter().enumerate() {
        if Some(i) == core {
            continue;
        }
        let name = match &sub.heading {
            Some((h, _)) => format!("Mission: {h}"),
            None => "Mission".to_owned(),
        };
        r.group(name, &sub.items);
    }
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the model has no field for a table in the mission",
    );
}

/// Sub-lists of a section as responsibility groups named `prefix: heading`.
fn groups(section: &Section<'_>, prefix: &str, nested_headings: bool, r: &mut Reader<'_>) {
    let o = outline(&section.body, nested_headings);
    r.skip_intro(section, &o.intro);
    for sub in &o.subs {
        let name = match (&sub.heading, prefix.is_empty()) {
            (Some((h, _)), true) => h.clone(),
            (Some((h, _)), false) => format!("{prefix}: {h}"),
            (None, _) => section.title.to_owned(),
        };
        r.group(name, &sub.items);
    }
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(section, &tables, "the model has no field for a table here");
}

fn kpis(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.skip_intro(section, &o.intro);
    let rest: Vec<&Sub> = o.subs.iter().filter(|s| !s.items.is_empty()).collect();
    r.skip_subs(section, &rest, "notes on measurement; the model holds each KPI's metric, meaning, reason, target and frequency only");
    let chosen = o
        .tables
        .iter()
        .position(|t| t.column(&["metric", "kpi"], &[]).is_some())
        .or(if o.tables.is_empty() { None } else { Some(0) });
    let Some(table) = chosen.and_then(|i| o.tables.get(i)) else {
        r.skip(
            section.label(),
            "no KPI table (Metric name | What it measures | …) found",
            Some(section.line),
        );
        return;
    };
    let metric = table.column(&["metric", "kpi", "name"], &[]).or(Some(0));
    let measures = table.column(&["measure"], &[metric]);
    let why = table.column(&["why", "matter"], &[metric, measures]);
    let target = table.column(&["target", "benchmark", "goal"], &[metric, measures, why]);
    let frequency = table.column(
        &["frequen", "cadence", "how often"],
        &[metric, measures, why, target],
    );
    let columns = [
        ("metric", metric),
        ("what it measures", measures),
        ("why it matters", why),
        ("target", target),
        ("frequency", frequency),
    ];
    for (cells, line) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).and_then(|v| cell_value(v));
        let Some(name) = get(metric) else {
            r.skip(
                format!("{}: a KPI row with no metric name", section.label()),
                "a KPI needs a metric name",
                Some(*line),
            );
            continue;
        };
        if !r.first("kpi", &name) {
            r.warn(
                "duplicate-row",
                format!("KPI `{name}` is listed twice; kept the first"),
                Some(*line),
            );
            continue;
        }
        let missing: Vec<&str> = columns
            .iter()
            .filter(|(_, c)| c.is_some() && get(*c).is_none())
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            r.warn(
                "missing-cell",
                format!("KPI `{name}` has no {}", missing.join(", ")),
                Some(*line),
            );
        }
        extra_cells(cells, table, *line, r);
        let kpi = Kpi {
            metric: name,
            measures: get(measures),
            why: get(why),
            target: get(target),
            frequency: get(frequency),
        };
        for text in [Some(&kpi.metric), kpi.measures.as_ref(), kpi.why.as_ref()]
            .into_iter()
            .flatten()
        {
            r.texts.push((text.clone(), *line));
        }
        r.level.kpis.push(kpi);
    }
    let others: Vec<&Table> = o
        .tables
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != chosen)
        .map(|(_, t)| t)
        .collect();
    r.skip_tables(section, &others, "only one KPI table is read per blueprint");
}

fn extra_cells(cells: &[String], table: &Table, line: usize, r: &mut Reader<'_>) {
    if cells.len() > table.header.len() {
        let extra: Vec<&str> = cells
            .iter()
            .skip(table.header.len())
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .collect();
        if !extra.is_empty() {
            r.warn(
                "extra-cell",
                format!(
                    "a row has more cells than the header; ignored \"{}\"",
                    shorten(&extra.join(" | "), 60)
                ),
                Some(line),
            );
        }
    }
}

/// The importance at the end of a skill line: `Name (Critical)`, `Name (Important for B2B SaaS)`.
/// Returns the name, the parenthesis as written, the importance and whether it was Context-specific.
fn importance_suffix(text: &str) -> Option<(&str, &str, Importance, bool)> {
    let body = text.trim_end().strip_suffix(')')?;
    let open = body.rfind('(')?;
    let name = body.get(..open)?.trim();
    let inner = body.get(open + 1..)?.trim();
    if name.is_empty() {
        return None;
    }
    let lower = inner.to_lowercase();
    let words: [(&str, Importance, bool); 9] = [
        ("critical", Importance::Critical, false),
        ("important", Importance::Important, false),
        ("optional", Importance::Optional, false),
        ("context-specific", Importance::Optional, true),
        ("context specific", Importance::Optional, true),
        ("context-dependent", Importance::Optional, true),
        ("good-to-have", Importance::Optional, false),
        ("nice-to-have", Importance::Optional, false),
        ("essential", Importance::Critical, false),
    ];
    let (_, importance, context) = words
        .iter()
        .filter_map(|(w, i, c)| lower.find(w).map(|pos| (pos, *i, *c)))
        .min_by_key(|(pos, _, _)| *pos)?;
    Some((name, inner, importance, context))
}

fn skills(section: &Section<'_>, category: &str, r: &mut Reader<'_>) {
    struct Current {
        name: String,
        line: usize,
        importance: Option<(String, Importance, bool)>,
        subcategory: Option<String>,
        attrs: Vec<(String, String, usize)>,
    }
    let mut current: Option<Current> = None;
    let mut subcategory: Option<String> = None;
    let mut intro: Vec<(String, usize)> = Vec::new();
    let mut stray: Vec<(String, usize)> = Vec::new();
    let mut drafts: Vec<Current> = Vec::new();
    for line in rows(&section.body) {
        let t = line.text;
        if t.starts_with('|') {
            stray.push((t.to_owned(), line.no));
            continue;
        }
        let (is_bullet, content) = match line.bullet {
            Some(b) => (true, b),
            None => (false, t),
        };
        let known_label = label_line(content).is_some_and(|(label, _)| {
            let l = label.to_lowercase();
            [
                "description",
                "use",
                "why it matters",
                "how it shows up",
                "strong performance",
            ]
            .contains(&l.as_str())
        });
        let suffix = if is_bullet {
            importance_suffix(content)
        } else {
            None
        };
        if let Some((name, inner, importance, context)) = suffix {
            drafts.extend(current.take());
            current = Some(Current {
                name: name.to_owned(),
                line: line.no,
                importance: Some((inner.to_owned(), importance, context)),
                subcategory: subcategory.clone(),
                attrs: Vec::new(),
            });
        } else if let (Some(cur), Some((label, value))) = (current.as_mut(), label_line(content)) {
            cur.attrs
                .push((label.to_owned(), value.to_owned(), line.no));
        } else if is_bullet && !known_label {
            drafts.extend(current.take());
            current = Some(Current {
                name: content.to_owned(),
                line: line.no,
                importance: None,
                subcategory: subcategory.clone(),
                attrs: Vec::new(),
            });
        } else if !is_bullet && !known_label && is_heading(content) {
            drafts.extend(current.take());
            subcategory = Some(content.trim_end_matches(':').to_owned());
        } else if current.is_none() && drafts.is_empty() {
            intro.push((content.to_owned(), line.no));
        } else {
            stray.push((content.to_owned(), line.no));
        }
    }
    drafts.extend(current.take());
    r.skip_intro(section, &intro);
    if let Some((text, line)) = stray.first() {
        let what = format!(
            "{}: {} line(s) outside any skill, from \"{}\"",
            section.label(),
            stray.len(),
            shorten(text, 60)
        );
        r.skip(
            what,
            "not a skill line (`Name (Importance)`) nor one of its `Label: text` lines",
            Some(*line),
        );
    }

    let mut unrated: Vec<String> = Vec::new();
    for d in drafts {
        let name = d.name.trim_end_matches(':').trim().to_owned();
        if name.is_empty() {
            continue;
        }
        let mut description = None;
        let mut guidance: Vec<String> = Vec::new();
        for (label, value, line) in &d.attrs {
            r.texts.push((value.clone(), *line));
            let l = label.to_lowercase();
            if description.is_none() && (l == "description" || l == "why it matters") {
                description = Some(value.clone());
            } else {
                guidance.push(format!("{label}: {value}"));
            }
        }
        let importance = match &d.importance {
            Some((inner, importance, context)) => {
                let plain = inner.eq_ignore_ascii_case(importance.as_str());
                if *context {
                    guidance.push(format!(
                        "Importance in the blueprint: {inner} (imported as optional: it is needed in some contexts only)"
                    ));
                    r.warn(
                        "context-specific",
                        format!("skill `{name}` is \"{inner}\"; imported as optional with a note in its guidance"),
                        Some(d.line),
                    );
                } else if !plain {
                    guidance.push(format!("Importance in the blueprint: {inner}"));
                }
                *importance
            }
            None => {
                unrated.push(name.clone());
                Importance::Important
            }
        };
        if !r.first("skill", &name) {
            r.warn(
                "duplicate-row",
                format!("skill `{name}` is listed twice; kept the first"),
                Some(d.line),
            );
            continue;
        }
        r.keep(&name, d.line);
        let skill = Skill {
            id: String::new(),
            name,
            code: None,
            scale: SCALE_ID.into(),
            category: Some(category.into()),
            subcategory: d.subcategory,
            description,
            guidance: (!guidance.is_empty()).then(|| guidance.join("\n")),
            source: Some(SOURCE_ID.into()),
            url: None,
            levels: IndexMap::new(),
        };
        r.skills.push(SkillDraft {
            skill,
            importance,
            line: d.line,
        });
    }
    if !unrated.is_empty() {
        r.warn(
            "missing-importance",
            format!(
                "{} skill{} in {} give no importance (Critical / Important / Optional); imported as important: {}",
                unrated.len(),
                if unrated.len() == 1 { "" } else { "s" },
                section.label(),
                shorten(&unrated.join(", "), 120)
            ),
            Some(section.line),
        );
    }
}

fn tools(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.skip_intro(section, &o.intro);
    let rest: Vec<&Sub> = o.subs.iter().filter(|s| !s.items.is_empty()).collect();
    r.skip_subs(
        section,
        &rest,
        "the model holds tools from the tools table only",
    );
    let chosen = o
        .tables
        .iter()
        .position(|t| t.column(&["tool", "platform"], &[]).is_some())
        .or(if o.tables.is_empty() { None } else { Some(0) });
    let Some(table) = chosen.and_then(|i| o.tables.get(i)) else {
        r.skip(
            section.label(),
            "no tools table (Category | Tool / platform | Primary use) found",
            Some(section.line),
        );
        return;
    };
    let category = table.column(&["category", "type", "kind"], &[]);
    let name = table
        .column(&["tool", "platform", "name", "software"], &[category])
        .or_else(|| (0..table.header.len()).find(|i| Some(*i) != category));
    let purpose = table.column(
        &["use", "purpose", "description", "what for"],
        &[category, name],
    );
    let prevalence = table.column(
        &["common", "optional", "context"],
        &[category, name, purpose],
    );
    let columns = [("category", category), ("purpose", purpose)];
    for (cells, line) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).and_then(|v| cell_value(v));
        let Some(tool) = get(name) else {
            r.skip(
                format!("{}: a tools row with no tool name", section.label()),
                "a tool needs a name",
                Some(*line),
            );
            continue;
        };
        let t = Tool {
            name: tool,
            category: get(category),
            purpose: get(purpose),
        };
        let key = format!("{}\u{0}{}", t.name, t.category.as_deref().unwrap_or(""));
        if !r.first("tool", &key) {
            r.warn(
                "duplicate-row",
                format!("tool `{}` is listed twice; kept the first", t.name),
                Some(*line),
            );
            continue;
        }
        let missing: Vec<&str> = columns
            .iter()
            .filter(|(_, c)| c.is_some() && get(*c).is_none())
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            r.warn(
                "missing-cell",
                format!("tool `{}` has no {}", t.name, missing.join(", ")),
                Some(*line),
            );
        }
        extra_cells(cells, table, *line, r);
        r.level.tools.push(t);
    }
    if let Some(col) = prevalence {
        let header = table.header.get(col).cloned().unwrap_or_default();
        r.skip(
            format!(
                "{}: the column \"{header}\" of the tools table",
                section.label()
            ),
            "the model's tools have a name, category and purpose only",
            Some(table.line),
        );
    }
    let others: Vec<&Table> = o
        .tables
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != chosen)
        .map(|(_, t)| t)
        .collect();
    r.skip_tables(
        section,
        &others,
        "only one tools table is read per blueprint",
    );
}

fn is_tier(heading: &str) -> bool {
    let h = heading.to_lowercase();
    [
        "decide", "approv", "sign-off", "sign off", "consult", "escalat", "veto",
    ]
    .iter()
    .any(|w| h.contains(w))
}

fn decision_rights(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.skip_intro(section, &o.intro);
    let mut loose: Vec<&Sub> = Vec::new();
    for sub in &o.subs {
        match &sub.heading {
            Some((h, _)) if is_tier(h) => {
                if sub.items.is_empty() {
                    r.warn(
                        "empty-section",
                        format!("decision tier \"{h}\" lists no decisions"),
                        sub.line(),
                    );
                    continue;
                }
                for (text, line) in &sub.items {
                    r.keep(text, *line);
                }
                r.level.decision_rights.push(DecisionTier {
                    tier: h.clone(),
                    items: sub.items.iter().map(|(t, _)| t.clone()).collect(),
                });
            }
            Some((h, _)) => r.group(format!("Authority: {h}"), &sub.items),
            None => loose.push(sub),
        }
    }
    r.skip_subs(section, &loose, "decisions listed under no approval tier");
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "decision rights are read from lists under approval-tier headings",
    );
}

/// A role name from a career-path line: "Senior Product Manager (most common)" → "Senior Product Manager".
fn role_name(item: &str) -> String {
    let cut = [" (", ":", " – ", " - "]
        .iter()
        .filter_map(|p| item.find(p))
        .min()
        .unwrap_or(item.len());
    item.get(..cut).unwrap_or(item).trim().to_owned()
}

fn career(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.skip_intro(section, &o.intro);
    let mut rest: Vec<&Sub> = Vec::new();
    for sub in &o.subs {
        let heading = sub
            .heading
            .as_ref()
            .map(|(h, _)| h.to_lowercase())
            .unwrap_or_default();
        let into = ["feeder", "into", "previous", "prior", "before", "from"]
            .iter()
            .any(|w| heading.contains(w));
        let onward = ["next", "after", "onward", "progression to"]
            .iter()
            .any(|w| heading.contains(w));
        let criteria = ["skill", "need", "criteria", "require", "evolve"]
            .iter()
            .any(|w| heading.contains(w));
        let names = sub
            .items
            .iter()
            .map(|(t, l)| (role_name(t), *l))
            .filter(|(n, _)| !n.is_empty());
        if criteria {
            rest.push(sub);
        } else if into && !onward {
            r.previous.extend(names);
        } else if onward {
            r.next.extend(names);
        } else {
            rest.push(sub);
        }
    }
    r.skip_subs(
        section,
        &rest,
        "adjacent paths, promotion criteria and how the role evolves have no place in the model",
    );
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the career path is read from lists of roles",
    );
}

/// A weight as written: `20%`, `20`, `12.5 %`, `0.2`.
fn parse_weight(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let number: String = text
        .get(start..)?
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number
        .trim_end_matches('.')
        .parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w >= 0.0 && *w <= 1e6)
}

/// Integer weights summing to 100, proportional to `raw` (largest remainder).
fn rescale(raw: &[f64]) -> Vec<u32> {
    let total: f64 = raw.iter().sum();
    if total <= 0.0 {
        return vec![0; raw.len()];
    }
    let exact: Vec<f64> = raw.iter().map(|w| w * 100.0 / total).collect();
    let mut out: Vec<u32> = exact.iter().map(|w| w.floor() as u32).collect();
    let assigned: u32 = out.iter().sum();
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|a, b| {
        let ra = exact.get(*a).map_or(0.0, |w| w - w.floor());
        let rb = exact.get(*b).map_or(0.0, |w| w - w.floor());
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order
        .into_iter()
        .take(100u32.saturating_sub(assigned) as usize)
    {
        if let Some(w) = out.get_mut(i) {
            *w += 1;
        }
    }
    out
}

fn hiring(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.skip_intro(section, &o.intro);
    let rest: Vec<&Sub> = o.subs.iter().filter(|s| !s.items.is_empty()).collect();
    r.skip_subs(
        section,
        &rest,
        "interview guidance (what to assess, exercises, candidate signals, red flags) has no place in the model; the weighted scorecard is imported",
    );
    let chosen = o
        .tables
        .iter()
        .position(|t| t.column(&["weight"], &[]).is_some());
    let others: Vec<&Table> = o
        .tables
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != chosen)
        .map(|(_, t)| t)
        .collect();
    r.skip_tables(
        section,
        &others,
        "only one weighted scorecard table is read per blueprint",
    );
    let Some(table) = chosen.and_then(|i| o.tables.get(i)) else {
        r.skip(section.label(), "no interview scorecard table (Dimension | What \"excellent\" looks like | Weight) found", Some(section.line));
        return;
    };
    if !r.level.interview.is_empty() {
        // Two scorecards would be scored as one whose weights sum to 200.
        r.skip(
            format!("{}: a second interview scorecard", section.label()),
            "a role level has one weighted scorecard; the first one is kept",
            Some(table.line),
        );
        return;
    }
    let weight = table.column(&["weight"], &[]);
    let name = table
        .column(&["dimension", "criteri", "competenc", "area"], &[weight])
        .or_else(|| (0..table.header.len()).find(|i| Some(*i) != weight));
    let excellent = table.column(&["excellent", "looks like", "strong"], &[weight, name]);
    // Columns headed by a score (`1`, `Score 3`) give the anchors for that score.
    let scores: Vec<(u8, usize)> = table
        .header
        .iter()
        .enumerate()
        .filter(|(i, _)| ![weight, name, excellent].contains(&Some(*i)))
        .filter_map(|(i, h)| {
            let h = h.to_lowercase();
            let h = h.trim_start_matches("score").trim();
            h.parse::<u8>()
                .ok()
                .filter(|s| (1..=5).contains(s))
                .map(|s| (s, i))
        })
        .collect();
    let mut dims: Vec<(InterviewDimension, f64, usize)> = Vec::new();
    let mut dim_names: HashSet<String> = HashSet::new();
    for (cells, line) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).and_then(|v| cell_value(v));
        let Some(dim) = get(name) else {
            r.skip(
                format!("{}: a scorecard row with no dimension", section.label()),
                "a dimension needs a name",
                Some(*line),
            );
            continue;
        };
        if !dim_names.insert(normalise(&dim)) {
            r.warn(
                "duplicate-row",
                format!("interview dimension `{dim}` is listed twice; kept the first"),
                Some(*line),
            );
            continue;
        }
        let w = match get(weight).and_then(|w| parse_weight(&w)) {
            Some(w) => w,
            None => {
                r.warn(
                    "missing-cell",
                    format!("interview dimension `{dim}` has no weight; counted as 0"),
                    Some(*line),
                );
                0.0
            }
        };
        let mut anchors: IndexMap<u8, String> = IndexMap::new();
        for (score, col) in &scores {
            if let Some(text) = get(Some(*col)) {
                anchors.insert(*score, text);
            }
        }
        match get(excellent) {
            Some(text) => {
                anchors.entry(5).or_insert(text);
            }
            None if excellent.is_some() => {
                r.warn(
                    "missing-cell",
                    format!("interview dimension `{dim}` does not say what excellent looks like"),
                    Some(*line),
                );
            }
            None => {}
        }
        anchors.sort_keys();
        extra_cells(cells, table, *line, r);
        for text in anchors.values() {
            r.texts.push((text.clone(), *line));
        }
        dims.push((
            InterviewDimension {
                name: dim,
                weight: 0,
                description: None,
                anchors,
            },
            w,
            *line,
        ));
    }
    if dims.is_empty() {
        return;
    }
    let mut raw: Vec<f64> = dims.iter().map(|(_, w, _)| *w).collect();
    let total: f64 = raw.iter().sum();
    if (total - 1.0).abs() < 0.011 && raw.iter().all(|w| *w <= 1.0) {
        // Fractions (0.2) rather than percentages.
        raw.iter_mut().for_each(|w| *w *= 100.0);
    }
    let total: f64 = raw.iter().sum();
    if total <= 0.0 {
        r.skip(
            format!("{}: the interview scorecard", section.label()),
            "no dimension has a weight, so the scorecard cannot be scored",
            Some(table.line),
        );
        return;
    }
    let exact = (total - 100.0).abs() < 1e-9 && raw.iter().all(|w| w.fract() == 0.0);
    let weights = if exact {
        raw.iter().map(|w| *w as u32).collect()
    } else {
        rescale(&raw)
    };
    if !exact {
        let shown: Vec<String> = dims
            .iter()
            .zip(&raw)
            .zip(&weights)
            .map(|(((d, _, _), from), to)| format!("{} {from}→{to}", d.name))
            .collect();
        r.warn(
            "interview-weights",
            format!(
                "interview weights sum to {total}, not 100; rescaled: {}",
                shown.join(", ")
            ),
            Some(table.line),
        );
    }
    for ((mut dim, _, _), w) in dims.into_iter().zip(weights) {
        dim.weight = w;
        r.level.interview.push(dim);
    }
}

fn final_summary(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    let mut repeated: Vec<String> = Vec::new();
    for table in &o.tables {
        // Without a header row, the first row (often the role title) is read as the header.
        let headless = table
            .header
            .first()
            .is_some_and(|h| h.to_lowercase().contains("title"));
        let header = headless.then(|| (table.header.clone(), table.line));
        for (cells, line) in header.iter().chain(&table.rows) {
            let (Some(label), Some(value)) =
                (cells.first(), cells.get(1).and_then(|v| cell_value(v)))
            else {
                continue;
            };
            let l = label.to_lowercase();
            if l.contains("title") && words(&value) <= 10 {
                r.title_final = Some(value);
            } else if l.contains("purpose") {
                repeated.push(label.clone());
                r.role_purpose = Some((value, *line));
            } else if l.contains("reports to") {
                r.skip(
                    format!("{}: \"{label}\"", section.label()),
                    "the model has no reporting line",
                    Some(*line),
                );
            } else {
                repeated.push(label.clone());
            }
        }
    }
    if !repeated.is_empty() {
        let what = format!("{}: {}", section.label(), repeated.join(", "));
        let why = "a summary of the sections above, which are imported from their own sections (the role purpose stands in for a missing summary)";
        r.skip(what, why, Some(section.line));
    }
    let mut parts: Vec<String> = o.subs.iter().map(describe_sub).collect();
    if !o.intro.is_empty() {
        parts.insert(0, "introduction".into());
    }
    r.skip_parts(
        section,
        &parts,
        Some(section.line),
        "only the scorecard table of the final summary is read",
    );
}

// ---------------------------------------------------------------------------------------------------
// Across files: skills, tracks, ids, links, leaks

const SENIORITY: [(&str, u8); 17] = [
    ("graduate", 0),
    ("trainee", 0),
    ("junior", 0),
    ("associate", 1),
    ("mid", 2),
    ("mid-level", 2),
    ("intermediate", 2),
    ("senior", 4),
    ("lead", 5),
    ("staff", 6),
    ("group", 7),
    ("principal", 7),
    ("distinguished", 8),
    ("head", 9),
    ("director", 10),
    ("vp", 11),
    ("chief", 12),
];

/// Leading seniority words of a title, and its rank (3 for none: a plain "Product Manager").
fn seniority(title: &str) -> (usize, u8) {
    let mut count = 0;
    let mut rank: Option<u8> = None;
    let words: Vec<&str> = title.split_whitespace().collect();
    for w in &words {
        let lower = w.to_lowercase();
        let lower = lower.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if lower == "of" && count > 0 {
            count += 1;
            continue;
        }
        match SENIORITY.iter().find(|(s, _)| *s == lower) {
            Some((_, r)) => {
                rank = Some(rank.map_or(*r, |x| x.max(*r)));
                count += 1;
            }
            None => break,
        }
    }
    (count.min(words.len()), rank.unwrap_or(3))
}

/// The career path a title belongs to: the title without its seniority words, a trailing "Manager"
/// read as the discipline ("Principal Product Manager" → "Product Management").
fn track_name(title: &str) -> String {
    let (skip, _) = seniority(title);
    let rest: Vec<&str> = title.split_whitespace().skip(skip).collect();
    if rest.is_empty() {
        return title.trim().to_owned();
    }
    let mut name = rest.join(" ");
    if rest.len() >= 2
        && let Some(base) = name
            .strip_suffix(" Manager")
            .or_else(|| name.strip_suffix(" manager"))
    {
        name = format!("{base} Management");
    }
    name
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An id from a name: its slug, or for names with no ASCII letters ("日本語") a Unicode-aware one.
fn id_for(name: &str) -> String {
    let id = slug(name);
    if id != "unnamed" {
        return id;
    }
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        id
    } else {
        words.join("-")
    }
}

/// `base`, or `base-2`, `base-3`… whichever is free first; marks it taken.
fn unique(
    base: &str,
    taken: &mut HashSet<String>,
    next_suffix: &mut HashMap<String, usize>,
) -> String {
    if taken.insert(base.to_owned()) {
        return base.to_owned();
    }
    let n = next_suffix.entry(base.to_owned()).or_insert(1);
    loop {
        *n += 1;
        let id = format!("{base}-{n}");
        if taken.insert(id.clone()) {
            return id;
        }
    }
}

fn assemble(drafts: Vec<Draft>, options: &ImportOptions, report: &mut ImportReport) -> Framework {
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| match drafts.as_slice() {
            [only] => format!("{} (role blueprint)", only.title),
            _ => "Role blueprints".to_owned(),
        });
    let files: Vec<String> = drafts
        .iter()
        .map(|d| {
            Path::new(&d.file)
                .file_name()
                .map_or_else(|| d.file.clone(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let mut fw = Framework {
        id: slug(&name),
        name,
        version: "1".into(),
        description: Some(format!("Imported from role blueprints: {}.", files.join(", "))),
        sources: vec![Source {
            id: SOURCE_ID.into(),
            name: "Role blueprint".into(),
            version: None,
            licence: Some("copyright of its publisher; check before publishing".into()),
            attribution: Some(format!("Adapted from a published role blueprint ({}).", files.join(", "))),
            url: None,
            redistributable: false,
            level_scale: None,
        }],
        scales: vec![Scale {
            id: SCALE_ID.into(),
            name: "Required".into(),
            description: Some(
                "Role blueprints say how important a skill is, not the level it is needed at: each skill \
                 is simply required, and each requirement's importance says how much it matters."
                    .into(),
            ),
            levels: vec![ScaleLevel {
                id: LEVEL_ID.into(),
                label: "Required".into(),
                description: Some("The role needs this skill.".into()),
            }],
        }],
        skills: Vec::new(),
        tracks: Vec::new(),
        readiness: None,
    };

    // Skills are shared across files by name and category; requirements are per level.
    let mut placed_ids: Vec<(Draft, String, String)> = Vec::new();
    let mut by_name: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for mut draft in drafts {
        let mut required: HashSet<String> = HashSet::new();
        for sd in std::mem::take(&mut draft.skills) {
            let key = (normalise(&sd.skill.name), sd.skill.category.clone());
            let id = match by_name.get(&key).and_then(|i| fw.skills.get(*i)) {
                Some(s) => {
                    if s.description != sd.skill.description || s.guidance != sd.skill.guidance {
                        report.skip(
                            format!("the description of skill `{}`", sd.skill.name),
                            format!(
                                "the skill is also described by an earlier blueprint; kept that description (skill `{}`)",
                                s.id
                            ),
                            &draft.file,
                            Some(sd.line),
                        );
                    }
                    s.id.clone()
                }
                None => {
                    let base = id_for(&sd.skill.name);
                    let id = unique(&base, &mut taken, &mut next_suffix);
                    by_name.insert(key, fw.skills.len());
                    fw.skills.push(Skill {
                        id: id.clone(),
                        ..sd.skill
                    });
                    id
                }
            };
            if required.insert(id.clone()) {
                draft.level.requirements.push(Requirement {
                    skill: id,
                    level: LevelId::from(LEVEL_ID),
                    importance: sd.importance,
                    regression_reason: None,
                });
            }
        }

        let track_title = track_name(&draft.title);
        let track_id = id_for(&track_title);
        let t = match fw.tracks.iter().position(|t| t.id == track_id) {
            Some(t) => t,
            None => {
                fw.tracks.push(Track {
                    id: track_id,
                    name: track_title,
                    description: None,
                    cumulative: true,
                    levels: Vec::new(),
                });
                fw.tracks.len() - 1
            }
        };
        let Some(track) = fw.tracks.get_mut(t) else {
            continue;
        };
        let base = id_for(&draft.title);
        let mut id = base.clone();
        let mut n = 1;
        while track.levels.iter().any(|l| l.id == id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        if n > 1 {
            report.warn(
                "duplicate-role",
                format!(
                    "`{}` was imported from another file too; this one is `{}/{id}`",
                    draft.title, track.id
                ),
                &draft.file,
                None,
            );
        }
        draft.level.id = id.clone();
        draft.level.source = Some(SOURCE_ID.into());
        track.levels.push(std::mem::take(&mut draft.level));
        placed_ids.push((draft, track.id.clone(), id));
    }

    // Within a track, levels go in order of seniority (stable for equal ranks).
    for track in &mut fw.tracks {
        track.levels.sort_by_key(|l| seniority(&l.title).1);
    }
    fw.tracks.sort_by(|a, b| a.id.cmp(&b.id));
    // The writer files skills by category, and the loader reads those files in name order.
    fw.skills
        .sort_by_key(|s| slug(s.category.as_deref().unwrap_or("skills")));
    let placed: Vec<(Draft, usize, usize)> = placed_ids
        .into_iter()
        .filter_map(|(draft, track_id, level_id)| {
            let t = fw.tracks.iter().position(|t| t.id == track_id)?;
            let l = fw
                .tracks
                .get(t)?
                .levels
                .iter()
                .position(|l| l.id == level_id)?;
            Some((draft, t, l))
        })
        .collect();

    link_career_paths(&mut fw, &placed, report);
    check_leaks(&fw, &placed, report);
    fw
}

/// Sets previous / next links to levels imported alongside, and reports every other name.
fn link_career_paths(
    fw: &mut Framework,
    placed: &[(Draft, usize, usize)],
    report: &mut ImportReport,
) {
    let levels: Vec<(String, String)> = fw
        .role_levels()
        .map(|(id, _, level)| (id, normalise(&level.title)))
        .collect();
    let resolve = |name: &str| -> Option<String> {
        let wanted = normalise(name);
        let alternatives: Vec<String> = std::iter::once(wanted.clone())
            .chain(wanted.split(" / ").map(str::to_owned))
            .collect();
        let found: Vec<&String> = levels
            .iter()
            .filter(|(_, t)| alternatives.contains(t))
            .map(|(id, _)| id)
            .collect();
        match found.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    };
    for (draft, t, l) in placed {
        let Some(track) = fw.tracks.get(*t) else {
            continue;
        };
        let Some(level) = track.levels.get(*l) else {
            continue;
        };
        let this = role_level_id(&track.id, &level.id);
        let implicit_previous = effective_previous(
            track,
            *l,
            &RoleLevel {
                previous: None,
                ..RoleLevel::default()
            },
        );
        let implicit_next = l
            .checked_add(1)
            .and_then(|n| track.levels.get(n))
            .map(|n| role_level_id(&track.id, &n.id));
        let mut links: [Option<String>; 2] = [None, None];
        for (k, (names, direction)) in [(&draft.previous, "previous"), (&draft.next, "next")]
            .into_iter()
            .enumerate()
        {
            let implicit = if k == 0 {
                &implicit_previous
            } else {
                &implicit_next
            };
            let mut linked: Option<String> = None;
            for (name, line) in names {
                match resolve(name).filter(|id| *id != this) {
                    Some(id) if linked.is_none() => {
                        if Some(&id) != implicit.as_ref() {
                            links[k] = Some(id.clone());
                        }
                        linked = Some(id);
                    }
                    Some(id) => report.skip(
                        format!("career path: {direction} role \"{name}\""),
                        format!("a role level has one {direction} link, already `{}`; `{id}` is not linked", linked.clone().unwrap_or_default()),
                        &draft.file,
                        Some(*line),
                    ),
                    None => report.skip(
                        format!("career path: {direction} role \"{name}\""),
                        "no role level with this title was imported alongside, and a link must name a role level in the framework",
                        &draft.file,
                        Some(*line),
                    ),
                }
            }
        }
        if let Some(level) = fw.tracks.get_mut(*t).and_then(|tr| tr.levels.get_mut(*l)) {
            let [previous, next] = links;
            level.previous = previous;
            level.next = next;
        }
    }
    // A link the other end contradicts would be an error; drop it until none is left.
    loop {
        let mut broken: Option<(usize, usize, bool, String)> = None;
        'find: for (t, track) in fw.tracks.iter().enumerate() {
            for (l, level) in track.levels.iter().enumerate() {
                let this = role_level_id(&track.id, &level.id);
                for (is_next, target) in [(false, &level.previous), (true, &level.next)] {
                    let Some(target) = target else { continue };
                    let Some((other_track, other_index, other)) = fw.role_level(target) else {
                        broken = Some((t, l, is_next, format!("`{target}` does not exist")));
                        break 'find;
                    };
                    let back = if is_next {
                        effective_previous(other_track, other_index, other)
                    } else {
                        effective_next(other_track, other_index, other)
                    };
                    if let Some(back) = back.filter(|b| *b != this) {
                        broken = Some((
                            t,
                            l,
                            is_next,
                            format!("`{target}` already links back to `{back}`"),
                        ));
                        break 'find;
                    }
                }
            }
        }
        let Some((t, l, is_next, why)) = broken else {
            break;
        };
        let Some(track) = fw.tracks.get_mut(t) else {
            break;
        };
        let track_id = track.id.clone();
        let Some(level) = track.levels.get_mut(l) else {
            break;
        };
        let slot = if is_next {
            &mut level.next
        } else {
            &mut level.previous
        };
        let target = slot.take().unwrap_or_default();
        let this = role_level_id(&track_id, &level.id);
        let file = placed
            .iter()
            .find(|(_, pt, pl)| *pt == t && *pl == l)
            .map(|(d, _, _)| d.file.clone())
            .unwrap_or_default();
        report.skip(
            format!(
                "career path: {} link from `{this}` to `{target}`",
                if is_next { "next" } else { "previous" }
            ),
            format!("it contradicts the career path of the other level: {why}"),
            &file,
            None,
        );
    }
}

/// Warns about role titles from other tracks, or other disciplines, in the imported text.
fn check_leaks(fw: &Framework, placed: &[(Draft, usize, usize)], report: &mut ImportReport) {
    for (draft, t, _) in placed {
        let Some(track) = fw.tracks.get(*t) else {
            continue;
        };
        let own_titles: HashSet<String> = track
            .levels
            .iter()
            .map(|l| l.title.to_lowercase())
            .collect();
        let own_nouns: HashSet<String> = track
            .levels
            .iter()
            .flat_map(|l| {
                l.title
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut foreign: Vec<String> = fw
            .tracks
            .iter()
            .filter(|other| other.id != track.id)
            .flat_map(|other| other.levels.iter().map(|l| l.title.to_lowercase()))
            .filter(|title| !own_titles.contains(title) && words(title) >= 2)
            .collect();
        foreign.sort();
        foreign.dedup();
        let foreign = TitleIndex::new(&foreign);
        for (text, line) in &draft.texts {
            if let Some(found) = template_leak(text, &foreign, &own_nouns) {
                report.warn(
                    "template-leak",
                    format!(
                        "`{}` mentions \"{found}\", a role outside its track ({}): probably copied from another role's blueprint",
                        draft.title, track.name
                    ),
                    &draft.file,
                    Some(*line),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importance_is_the_first_word_in_the_parenthesis() {
        let (name, inner, i, ctx) =
            importance_suffix("SQL and data (Important for B2B; Optional otherwise)").unwrap();
        assert_eq!(
            (name, inner, i, ctx),
            (
                "SQL and data",
                "Important for B2B; Optional otherwise",
                Importance::Important,
                false
            )
        );
        let (_, _, i, ctx) = importance_suffix("X (Context-specific, often Important)").unwrap();
        assert_eq!((i, ctx), (Importance::Optional, true));
        assert!(importance_suffix("Y (multi-quarter)").is_none());
        assert!(importance_suffix("(Critical)").is_none());
    }

    #[test]
    fn weights_rescale_to_one_hundred() {
        assert_eq!(rescale(&[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        assert_eq!(
            rescale(&[20.0, 20.0, 20.0, 20.0, 10.0]).iter().sum::<u32>(),
            100
        );
        assert_eq!(parse_weight("Weight 12.5 %"), Some(12.5));
        assert_eq!(parse_weight("none"), None);
    }

    #[test]
    fn tracks_drop_seniority() {
        assert_eq!(
            track_name("Principal Product Manager"),
            "Product Management"
        );
        assert_eq!(track_name("Senior Data Engineer"), "Data Engineer");
        assert_eq!(track_name("Head of Design"), "Design");
        assert_eq!(track_name("Principal"), "Principal");
        assert!(seniority("Senior Product Manager").1 < seniority("Principal Product Manager").1);
    }

    #[test]
    fn headings_and_lists() {
        assert_eq!(
            section_heading("7) KPIs and Productivity Metrics"),
            Some((7, "KPIs and Productivity Metrics"))
        );
        assert_eq!(
            section_heading("1) own the roadmap"),
            Some((1, "own the roadmap"))
        );
        assert_eq!(section_heading("100) Too big"), None);
        assert_eq!(section_heading("3)x"), None);
        assert!(is_heading("Strategic responsibilities"));
        assert!(is_heading("Core mission:"));
        assert!(!is_heading("This sentence ends with a stop."));
        let (label, items) = inline_list("Evidence by day 30 – one thing – another").unwrap();
        assert_eq!((label.as_str(), items.len()), ("Evidence by day 30", 2));
        assert_eq!(
            role_name("Senior Product Manager (most common)"),
            "Senior Product Manager"
        );
    }
}
