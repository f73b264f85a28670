//! Reading one blueprint file into a draft role level: the text (mojibake repaired and reported), the
//! sections in order, the junk tail, the title, and the prose sections (summary, mission, groups).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use trellis_model::lint::is_promotional;
use trellis_model::text::{mojibake_samples, repair_mojibake};
use trellis_model::{Importance, ResponsibilityGroup, RoleLevel, Skill};

use super::assemble::normalise;
use super::context::{Grouped, grouped, stakeholders, summary_context};
use super::outline::{Sub, Table, outline};
use super::sections::{Kind, Line, Section, bullet, split_sections, words};
use super::skills::{decision_rights, promotion, skills};
use super::structured::{automation, failure_modes, goals, qualifications};
use super::tables::{final_summary, hiring, kpis, tools};
use super::{BEHAVIOURAL, MAX_MOJIBAKE_WARNINGS, TECHNICAL};
use crate::import::markdown_util::shorten;
use crate::import::{ImportError, ImportReport, Input};

// ---------------------------------------------------------------------------------------------------
// One blueprint

#[derive(Debug)]
pub(super) struct SkillDraft {
    pub(super) skill: Skill,
    pub(super) importance: Importance,
    pub(super) line: usize,
}

/// What one file gave, before ids and links are settled across files.
#[derive(Debug)]
pub(super) struct Draft {
    pub(super) file: String,
    pub(super) title: String,
    pub(super) level: RoleLevel,
    pub(super) skills: Vec<SkillDraft>,
    /// Career-path names: roles people come from and go to.
    pub(super) previous: Vec<(String, usize)>,
    pub(super) next: Vec<(String, usize)>,
    /// Every text kept in the model, with its line, for the template-leak check.
    pub(super) texts: Vec<(String, usize)>,
}

pub(super) struct Reader<'r> {
    pub(super) file: String,
    pub(super) report: &'r mut ImportReport,
    pub(super) level: RoleLevel,
    pub(super) skills: Vec<SkillDraft>,
    pub(super) previous: Vec<(String, usize)>,
    pub(super) next: Vec<(String, usize)>,
    pub(super) texts: Vec<(String, usize)>,
    /// Title candidates, by where they came from.
    pub(super) title_final: Option<String>,
    pub(super) title_summary: Option<String>,
    pub(super) role_purpose: Option<(String, usize)>,
    /// Names already taken, lower-cased, so duplicate checks stay linear on large files.
    pub(super) seen: HashSet<(&'static str, String)>,
    pub(super) group_index: HashMap<String, usize>,
}

impl Reader<'_> {
    pub(super) fn warn(&mut self, kind: &str, message: impl Into<String>, line: Option<usize>) {
        let file = self.file.clone();
        self.report.warn(kind, message, &file, line);
    }

    pub(super) fn skip(
        &mut self,
        what: impl Into<String>,
        why: impl Into<String>,
        line: Option<usize>,
    ) {
        let file = self.file.clone();
        self.report.skip(what, why, &file, line);
    }

    pub(super) fn keep(&mut self, text: &str, line: usize) {
        self.texts.push((text.to_owned(), line));
    }

    pub(super) fn group(&mut self, name: String, items: &[(String, usize)]) {
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
    pub(super) fn first(&mut self, what: &'static str, name: &str) -> bool {
        self.seen.insert((what, normalise(name)))
    }

    /// Reports the parts of a section that the model has no place for, in one entry.
    pub(super) fn skip_parts(
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

    /// Keeps a section's introduction as the note on `key`, the section of the level it
    /// introduces (`kpi_notes` for the KPIs).
    pub(super) fn note_intro(&mut self, key: &str, intro: &[(String, usize)]) {
        let Some((_, line)) = intro.first() else {
            return;
        };
        let text = paragraphs(intro);
        self.keep(&text, *line);
        if key == "kpi_notes" {
            self.level.kpi_notes.insert(0, text);
            return;
        }
        let mut notes = self.level.notes.take().unwrap_or_default();
        let added = notes.add(key, &text);
        debug_assert!(added, "no introduction for `{key}`");
        self.level.notes = Some(notes);
    }

    pub(super) fn skip_subs(&mut self, section: &Section<'_>, subs: &[&Sub], why: &str) {
        let parts: Vec<String> = subs.iter().map(|s| describe_sub(s)).collect();
        let line = subs.first().and_then(|s| s.line());
        self.skip_parts(section, &parts, line, why);
    }

    pub(super) fn skip_tables(&mut self, section: &Section<'_>, tables: &[&Table], why: &str) {
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

/// Lines of prose as one text, a paragraph each.
pub(super) fn paragraphs(lines: &[(String, usize)]) -> String {
    lines
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(super) fn describe_sub(sub: &Sub) -> String {
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

pub(super) fn read_blueprint(
    input: &Input,
    report: &mut ImportReport,
) -> Result<Draft, ImportError> {
    let file = input.name();
    let raw = super::super::text(input)?;
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
            Kind::Goals => goals(section, &mut r),
            Kind::Kpis => kpis(section, &mut r),
            Kind::TechnicalSkills => skills(section, TECHNICAL, &mut r),
            Kind::SoftSkills => skills(section, BEHAVIOURAL, &mut r),
            Kind::Tools => tools(section, &mut r),
            Kind::DecisionRights => decision_rights(section, &mut r),
            Kind::Career => promotion(section, &mut r),
            Kind::Hiring => hiring(section, &mut r),
            Kind::Final => final_summary(section, &mut r),
            Kind::Environment => grouped(section, Grouped::Environment, &mut r),
            Kind::Stakeholders => stakeholders(section, &mut r),
            Kind::Experience => qualifications(section, &mut r),
            Kind::Risks => failure_modes(section, &mut r),
            Kind::Variants => grouped(section, Grouped::Variants, &mut r),
            Kind::Ai => automation(section, &mut r),
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
pub(super) fn drop_junk_tail(section: &mut Section<'_>, r: &mut Reader<'_>) {
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
    r.skip(
        format!(
            "{what} after the end of {}: \"{}\"",
            section.label(),
            shorten(&tail_text.join(" / "), 60)
        ),
        "not part of the role: scraped with the page",
        Some(first.no),
    );
    section.body.truncate(start);
}

pub(super) fn preamble_title(preamble: &[Line<'_>], r: &mut Reader<'_>) -> Option<String> {
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

pub(super) fn title_from_path(path: &Path) -> String {
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
pub(super) fn title_from_sentence(sentence: &str) -> Option<String> {
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

pub(super) fn skip_section(section: &Section<'_>, why: &str, r: &mut Reader<'_>) {
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

pub(super) fn summary(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    if let Some((first, _)) = o.intro.first() {
        r.title_summary = title_from_sentence(first);
    }
    if !o.intro.is_empty() {
        let text = paragraphs(&o.intro);
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
    let unread = summary_context(&subs, r);
    r.skip_subs(
        section,
        &unread,
        "the summary's context is read for the role horizon and the teams the role works with",
    );
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the model has no field for a table in the role summary",
    );
}

pub(super) fn mission(section: &Section<'_>, r: &mut Reader<'_>) {
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
        let text = paragraphs(&scope);
        r.keep(&text, *line);
        r.level.scope = Some(text);
    }
    if core.is_some() {
        r.note_intro("responsibilities", &o.intro);
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
pub(super) fn groups(
    section: &Section<'_>,
    prefix: &str,
    nested_headings: bool,
    r: &mut Reader<'_>,
) {
    let o = outline(&section.body, nested_headings);
    r.note_intro("responsibilities", &o.intro);
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
