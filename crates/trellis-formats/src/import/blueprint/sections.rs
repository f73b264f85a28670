//! Lines and sections of a blueprint: the numbered `N) Title` headings, what each section is (by its
//! title, not its number), and the shapes of lines (bullets, sub-headings, inline lists, labels).

// ---------------------------------------------------------------------------------------------------
// Lines and sections

#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    /// 1-based line number in the file.
    pub(super) no: usize,
    /// The line without surrounding whitespace.
    pub(super) text: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
    pub(super) fn of(title: &str) -> Kind {
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
pub(super) struct Section<'a> {
    pub(super) number: u32,
    pub(super) title: &'a str,
    pub(super) line: usize,
    pub(super) kind: Kind,
    pub(super) body: Vec<Line<'a>>,
}

impl Section<'_> {
    pub(super) fn label(&self) -> String {
        format!("section {} \"{}\"", self.number, self.title)
    }
}

/// `N) Title`, with N from 1 to 99.
pub(super) fn section_heading(line: &str) -> Option<(u32, &str)> {
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
pub(super) fn split_sections<'a>(lines: &[Line<'a>]) -> (Vec<Line<'a>>, Vec<Section<'a>>) {
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

pub(super) fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The text of a bullet line (`- x`, `• x`, `– x`), `Some("")` for a bare marker, `None` otherwise.
pub(super) fn bullet(text: &str) -> Option<&str> {
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
pub(super) fn is_heading(text: &str) -> bool {
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
pub(super) fn is_short_label(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_uppercase)
        && words(text) <= 5
        && !text.contains([',', '.', ';', ':', '(', ')'])
}

/// `Label – item – item`: a list flattened into one line with en dashes.
pub(super) fn inline_list(text: &str) -> Option<(String, Vec<String>)> {
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
pub(super) fn label_line(text: &str) -> Option<(&str, &str)> {
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

/// A table cell's value: `None` when empty or a placeholder dash.
pub(super) fn cell_value(cell: &str) -> Option<String> {
    let t = cell.trim();
    let placeholder = t.is_empty() || matches!(t, "-" | "–" | "—" | "n/a" | "N/A");
    (!placeholder).then(|| t.to_owned())
}
