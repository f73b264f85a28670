//! One generated page read into its parts: title, level, career path and engineer type, role
//! overview, the skills with their attainment text, and the navigation links.

use super::*;

#[derive(Debug, Default)]
pub(super) struct PageSkill {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) line: usize,
    pub(super) url: Option<String>,
    pub(super) category: Option<String>,
    pub(super) subcategory: Option<String>,
    pub(super) description: Option<String>,
    pub(super) guidance: Option<String>,
    /// Level, text and line of the `**Level N Attainment:**` block.
    pub(super) attainment: Option<(u32, String, usize)>,
}

#[derive(Debug)]
pub(super) struct Nav {
    pub(super) title: String,
    pub(super) href: String,
    pub(super) line: usize,
}

#[derive(Debug)]
pub(super) struct Page {
    pub(super) file: String,
    pub(super) path: PathBuf,
    pub(super) file_name: String,
    pub(super) title: String,
    /// The level as written.
    pub(super) level: u32,
    pub(super) level_line: usize,
    pub(super) track: String,
    pub(super) scope: Option<String>,
    pub(super) summary: Option<(String, usize)>,
    pub(super) skills: Vec<PageSkill>,
    pub(super) previous: Option<Nav>,
    pub(super) next: Option<Nav>,
    pub(super) overview: Vec<(String, usize)>,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Field {
    None,
    Description,
    Guidance,
    Attainment(u32),
    Other,
}

/// The level number of `**Level N**` or `**Level:** N`.
pub(super) fn level_of(part: &str) -> Option<u32> {
    let part = part.trim();
    if let Some(n) = part
        .strip_prefix("**Level ")
        .and_then(|r| r.strip_suffix("**"))
    {
        return n.trim().parse().ok();
    }
    match bold_field(part) {
        Some((label, value)) if label.eq_ignore_ascii_case("level") => value.parse().ok(),
        _ => None,
    }
}

/// `Name (CODE)` → (name, code).
pub(super) fn name_and_code(text: &str) -> Option<(&str, &str)> {
    let (name, rest) = text.trim().rsplit_once('(')?;
    let code = rest.strip_suffix(')')?.trim();
    let valid =
        !code.is_empty() && code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric());
    (valid && !name.trim().is_empty()).then_some((name.trim(), code))
}

pub(super) fn parse(input: &Input, report: &mut ImportReport) -> Result<Page, ImportError> {
    let file = input.name();
    let text = super::super::text(input)?;
    let lines = md::lines(text, report, &file);

    let (title_index, title) = md::title(&lines, &file, HINT)?;
    let title = title.to_owned();
    let first_section = lines
        .iter()
        .position(|l| matches!(heading(&l.text), Some((2, _))))
        .unwrap_or(lines.len());
    let header = lines
        .get(title_index + 1..first_section.max(title_index + 1))
        .unwrap_or(&[]);

    let mut level = None;
    let mut track = None;
    let mut engineer_type = None;
    let mut header_used = HashSet::new();
    for line in header {
        let mut used = false;
        for part in line.text.split('|') {
            if let Some((label, value)) = bold_field(part)
                && label.eq_ignore_ascii_case("engineer type")
                && !value.is_empty()
                && engineer_type.is_none()
            {
                engineer_type = Some(value.to_owned());
                used = true;
            }
            if level.is_none()
                && let Some(n) = level_of(part)
            {
                level = Some((n, line.no));
                used = true;
            }
            if let Some((label, value)) = bold_field(part)
                && label.eq_ignore_ascii_case("career path")
                && !value.is_empty()
                && track.is_none()
            {
                track = Some(value.to_owned());
                used = true;
            }
        }
        if used {
            header_used.insert(line.no);
        }
    }
    let Some((level, level_line)) = level else {
        return Err(ImportError::invalid(
            &file,
            lines.get(title_index).map(|l| l.no),
            format!("no `**Level N**` line under the title; {HINT}"),
        ));
    };
    let track = match track {
        Some(t) => t,
        None => {
            report.warn(
                "missing-track",
                "no `**Career Path:** X` line; the role level was put in a track named \"Roles\"",
                &file,
                Some(level_line),
            );
            "Roles".into()
        }
    };
    // One ladder per engineer type: same level titles, different skills.
    let track = match engineer_type {
        Some(kind) => format!("{track} ({kind})"),
        None => track,
    };
    let stray: Vec<&Line> = header
        .iter()
        .filter(|l| !header_used.contains(&l.no) && !l.text.trim().is_empty() && !is_rule(&l.text))
        .collect();
    if let Some(first) = stray.first() {
        report.skip(
            format!(
                "text between the title and the first section: \"{}\"",
                shorten(first.text.trim(), 60)
            ),
            "not part of the page layout",
            &file,
            Some(first.no),
        );
    }

    let mut page = Page {
        file: file.clone(),
        path: input.path.clone(),
        file_name: md::file_name(&input.path),
        title: title.clone(),
        level,
        level_line,
        track,
        scope: None,
        summary: None,
        skills: Vec::new(),
        previous: None,
        next: None,
        overview: Vec::new(),
    };
    let sections = split_sections(lines.get(first_section..).unwrap_or(&[]));
    for (name, line, body) in sections {
        match name.to_lowercase().as_str() {
            "framework overview" => {
                page.overview = body
                    .iter()
                    .filter(|l| !l.text.trim().is_empty() && !is_rule(&l.text))
                    .map(|l| (l.text.clone(), l.no))
                    .collect();
                report.skip(
                    "framework overview",
                    "generic text the generator repeats on every page, not specific to this role level",
                    &file,
                    Some(line),
                );
            }
            "role overview" => role_overview(&mut page, body),
            "required sfia skills" => skills(&mut page, body, report),
            "navigation" => navigation(&mut page, body),
            _ => {
                if body
                    .iter()
                    .any(|l| !l.text.trim().is_empty() && !is_rule(&l.text))
                {
                    report.skip(
                        format!("section \"{name}\""),
                        "not part of the sfia-pages layout",
                        &file,
                        Some(line),
                    );
                }
            }
        }
    }
    Ok(page)
}

/// `##` sections: name, line and body lines.
pub(super) fn split_sections(lines: &[Line]) -> Vec<(String, usize, &[Line])> {
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(heading(&l.text), Some((2, _))))
        .map(|(i, _)| i)
        .collect();
    starts
        .iter()
        .enumerate()
        .filter_map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(lines.len());
            let line = lines.get(start)?;
            let (_, name) = heading(&line.text)?;
            Some((
                name.to_owned(),
                line.no,
                lines.get(start + 1..end).unwrap_or(&[]),
            ))
        })
        .collect()
}

pub(super) fn role_overview(page: &mut Page, body: &[Line]) {
    let mut scope: Vec<&str> = Vec::new();
    let mut summary: Vec<&str> = Vec::new();
    let mut summary_line = None;
    let mut in_scope = false;
    for line in body {
        if is_rule(&line.text) {
            in_scope = false;
            continue;
        }
        if let Some((label, value)) = bold_field(&line.text)
            && label.eq_ignore_ascii_case("scope summary")
        {
            scope.push(value);
            in_scope = true;
            continue;
        }
        if line.text.trim().is_empty() {
            in_scope = false;
            summary.push("");
            continue;
        }
        if in_scope {
            scope.push(&line.text);
        } else {
            summary_line.get_or_insert(line.no);
            summary.push(&line.text);
        }
    }
    page.scope = join_block(&scope);
    page.summary = join_block(&summary).zip(summary_line);
}

pub(super) fn skills(page: &mut Page, body: &[Line], report: &mut ImportReport) {
    let file = page.file.clone();
    let mut current: Option<PageSkill> = None;
    let mut field = Field::None;
    let mut buffer: Vec<&str> = Vec::new();
    let mut buffer_line = 0;

    pub(super) fn flush(
        skill: &mut Option<PageSkill>,
        field: Field,
        buffer: &mut Vec<&str>,
        line: usize,
    ) {
        let text = join_block(buffer);
        buffer.clear();
        let (Some(skill), Some(text)) = (skill.as_mut(), text) else {
            return;
        };
        match field {
            Field::Description => skill.description = Some(text),
            Field::Guidance => skill.guidance = Some(text),
            Field::Attainment(n) => skill.attainment = Some((n, text, line)),
            Field::None | Field::Other => {}
        }
    }

    for line in body {
        if let Some((depth, text)) = heading(&line.text) {
            flush(&mut current, field, &mut buffer, buffer_line);
            field = Field::None;
            if let Some(done) = current.take() {
                page.skills.push(done);
            }
            if depth == 3 {
                match name_and_code(text) {
                    Some((name, code)) => {
                        current = Some(PageSkill {
                            code: code.to_uppercase(),
                            name: name.to_owned(),
                            line: line.no,
                            ..PageSkill::default()
                        })
                    }
                    None => report.skip(
                        format!("skill \"{text}\""),
                        "its heading has no SFIA code in brackets, e.g. `### Product management (PROD)`",
                        &file,
                        Some(line.no),
                    ),
                }
            }
            continue;
        }
        if current.is_none() {
            continue;
        }
        if is_rule(&line.text) {
            flush(&mut current, field, &mut buffer, buffer_line);
            field = Field::None;
            continue;
        }
        if line.text.contains("**Category:**") || line.text.contains("**Subcategory:**") {
            for part in line.text.split('|') {
                if let (Some((label, value)), Some(skill)) = (bold_field(part), current.as_mut())
                    && !value.is_empty()
                {
                    match label.to_lowercase().as_str() {
                        "category" => skill.category = Some(value.to_owned()),
                        "subcategory" => skill.subcategory = Some(value.to_owned()),
                        _ => {}
                    }
                }
            }
            continue;
        }
        if let Some((label, value)) = bold_field(&line.text) {
            let lower = label.to_lowercase();
            let next = if lower == "sfia reference" {
                if let Some(skill) = current.as_mut() {
                    let url = md::links(value)
                        .into_iter()
                        .next()
                        .map(|l| l.href)
                        .unwrap_or_else(|| value.to_owned());
                    skill.url = (!url.is_empty()).then_some(url);
                }
                Some(Field::None)
            } else if lower == "overall description" {
                Some(Field::Description)
            } else if lower == "guidance notes" {
                Some(Field::Guidance)
            } else {
                lower
                    .strip_prefix("level ")
                    .and_then(|r| r.strip_suffix(" attainment"))
                    .and_then(|n| n.trim().parse::<u32>().ok())
                    .map(Field::Attainment)
            };
            if let Some(next) = next {
                flush(&mut current, field, &mut buffer, buffer_line);
                field = next;
                buffer_line = line.no;
                if !value.is_empty() && next != Field::None {
                    buffer.push(value);
                }
                continue;
            }
        }
        if field == Field::None && !line.text.trim().is_empty() {
            report.skip(
                format!("text \"{}\"", shorten(line.text.trim(), 60)),
                "outside the labelled parts of a skill",
                &file,
                Some(line.no),
            );
            field = Field::Other;
            continue;
        }
        if buffer.is_empty() && !line.text.trim().is_empty() {
            buffer_line = line.no;
        }
        buffer.push(&line.text);
    }
    flush(&mut current, field, &mut buffer, buffer_line);
    if let Some(done) = current.take() {
        page.skills.push(done);
    }
}

pub(super) fn navigation(page: &mut Page, body: &[Line]) {
    for line in body {
        for link in md::links(&line.text) {
            let label = link.label.trim();
            let target = |prefix: &str| {
                let lower = label.to_lowercase();
                lower
                    .strip_prefix(prefix)
                    .map(|_| label.get(prefix.len()..).unwrap_or("").trim().to_owned())
            };
            if let Some(title) = target("previous:") {
                page.previous.get_or_insert(Nav {
                    title,
                    href: link.href.clone(),
                    line: line.no,
                });
            } else if let Some(title) = target("next:") {
                page.next.get_or_insert(Nav {
                    title,
                    href: link.href.clone(),
                    line: line.no,
                });
            }
        }
    }
}

/// The SFIA version named by a skill URL such as `https://sfia-online.org/en/skillcode/9/PROD`.
pub(super) fn sfia_version(pages: &[Page]) -> Option<String> {
    pages
        .iter()
        .flat_map(|p| &p.skills)
        .filter_map(|s| s.url.as_deref())
        .find_map(|url| {
            let rest = url.split_once("/skillcode/")?.1;
            let version = rest.split('/').next()?;
            (!version.is_empty() && version.chars().all(|c| c.is_ascii_digit()))
                .then(|| version.to_owned())
        })
}
