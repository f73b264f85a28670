//! Role profiles and comparisons as Markdown, for `trellis show` and `trellis diff`.
//!
//! Renders what it is given: withhold restricted text first (`Profile::withhold_restricted`) when the
//! reader may not see it. Empty sections are left out.

use std::fmt::Write as _;

use trellis_model::diff::{Diff, ListChange, RequirementChange};
use trellis_model::{Framework, Profile};

use super::text;
use super::view::CONTENTS_FROM;

mod sections;

/// The effective profile of a role level as a Markdown document.
pub fn profile(fw: &Framework, p: &Profile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", line(&p.title));
    let _ = writeln!(
        out,
        "**Track:** {} · **Role level:** `{}`\n",
        line(&p.track_name),
        p.id
    );
    if let Some(source) = &p.text_withheld {
        let _ = writeln!(out, "> {}\n", text::profile_withheld_note(source));
    }
    if let Some(s) = nonempty(&p.summary) {
        let _ = writeln!(out, "{}\n", para(s));
    }
    let sec = &p.sections;
    for (key, label, value) in [
        ("horizon", "Role horizon", &sec.horizon),
        ("reports_to", "Reports to", &sec.reports_to),
    ] {
        if let Some(v) = nonempty(value) {
            let from = sec
                .inherited
                .get(key)
                .map(|id| {
                    let title = text::role_title(fw, id).unwrap_or_else(|| id.clone());
                    format!(" (as for {})", line(&title))
                })
                .unwrap_or_default();
            let _ = writeln!(out, "**{label}:** {}{from}\n", line(v));
        }
    }
    let body = out.len();
    if let Some(s) = nonempty(&p.scope) {
        let _ = writeln!(out, "## Scope\n\n{}\n", para(s));
    }
    if !p.mappings.is_empty() {
        out.push_str("## Equivalent levels\n\n");
        for m in &p.mappings {
            let _ = writeln!(out, "- {}", line(&text::mapping(fw, m)));
        }
        out.push('\n');
    }
    requirements(&mut out, fw, p);
    if !p.responsibilities.is_empty() {
        out.push_str("## Responsibilities\n\n");
        sections::note(&mut out, p, "responsibilities");
        for g in &p.responsibilities {
            let _ = writeln!(out, "### {}\n", line(&g.group));
            bullets(&mut out, &g.items);
        }
    }
    if !p.behaviours.is_empty() {
        out.push_str("## Behaviours\n\n");
        for b in &p.behaviours {
            match nonempty(&b.description) {
                Some(d) => {
                    let _ = writeln!(out, "- **{}**: {}", line(&b.name), line(d));
                }
                None => {
                    let _ = writeln!(out, "- **{}**", line(&b.name));
                }
            }
        }
        out.push('\n');
    }
    if !p.kpis.is_empty() {
        out.push_str("## KPIs\n\n");
        table_head(
            &mut out,
            &[
                "Metric",
                "What it measures",
                "Why it matters",
                "Target",
                "Frequency",
            ],
        );
        for k in &p.kpis {
            row(
                &mut out,
                &[
                    &k.metric,
                    opt(&k.measures),
                    opt(&k.why),
                    opt(&k.target),
                    opt(&k.frequency),
                ],
            );
        }
        out.push('\n');
        for k in &p.kpis {
            if let Some(m) = nonempty(&k.measurement) {
                let _ = writeln!(out, "- **{}**, measured: {}", line(&k.metric), line(m));
            }
        }
        if p.kpis.iter().any(|k| nonempty(&k.measurement).is_some()) {
            out.push('\n');
        }
    }
    if !sec.kpi_notes.is_empty() {
        if p.kpis.is_empty() {
            out.push_str("## KPIs\n\n");
        }
        out.push_str("### Notes on measurement\n\n");
        bullets(&mut out, &sec.kpi_notes);
    }
    if !p.decision_rights.is_empty() {
        out.push_str("## Decision rights\n\n");
        sections::note(&mut out, p, "decision_rights");
        for t in &p.decision_rights {
            let _ = writeln!(out, "### {}\n", line(&t.tier));
            bullets(&mut out, &t.items);
        }
    }
    if !p.tools.is_empty() {
        out.push_str("## Tools\n\n");
        sections::note(&mut out, p, "tools");
        for t in &p.tools {
            let mut item = format!("**{}**", line(&t.name));
            if let Some(c) = nonempty(&t.category) {
                let _ = write!(item, " ({})", line(c));
            }
            if let Some(purpose) = nonempty(&t.purpose) {
                let _ = write!(item, ": {}", line(purpose));
            }
            if let Some(u) = t.usage {
                let _ = write!(item, " · {}", u.label());
            }
            let _ = writeln!(out, "- {item}");
        }
        out.push('\n');
    }
    sections::before_interview(&mut out, fw, p);
    if !p.interview.is_empty() {
        out.push_str("## Interview scorecard\n\n");
        table_head(&mut out, &["Dimension", "Weight", "What it assesses"]);
        for d in &p.interview {
            row(
                &mut out,
                &[&d.name, &format!("{}%", d.weight), opt(&d.description)],
            );
        }
        out.push('\n');
        for d in p.interview.iter().filter(|d| !d.anchors.is_empty()) {
            let _ = writeln!(out, "### {} ({}%)\n", line(&d.name), d.weight);
            let mut anchors: Vec<_> = d.anchors.iter().collect();
            anchors.sort_by_key(|(score, _)| **score);
            for (score, anchor) in anchors {
                let _ = writeln!(out, "- **{score}**: {}", line(anchor));
            }
            out.push('\n');
        }
    }
    sections::interview_guidance(&mut out, fw, p);
    if let Some(s) = &p.salary {
        let _ = writeln!(out, "## Salary band\n\n{}\n", text::salary(s));
        if let Some(n) = nonempty(&s.note) {
            let _ = writeln!(out, "{}\n", para(n));
        }
    }
    sections::promotion(&mut out, fw, p);
    if p.previous.is_some() || p.next.is_some() {
        out.push_str("## Career path\n\n");
        for (what, id) in [("Previous", &p.previous), ("Next", &p.next)] {
            if let Some(id) = id {
                match text::role_title(fw, id) {
                    Some(title) => {
                        let _ = writeln!(out, "- {what}: {} (`{id}`)", line(&title));
                    }
                    None => {
                        let _ = writeln!(out, "- {what}: `{id}`");
                    }
                }
            }
        }
        out.push('\n');
    }
    sources(&mut out, &text::profile_sources(fw, p));
    contents(&mut out, body);
    finish(out)
}

/// Puts a list of links to the document's sections at `at`, before the first of them, when there
/// are enough sections for a list to help (as on the HTML page). The anchors are the ones Markdown
/// viewers give headings: the text in lower case, spaces as hyphens, other punctuation dropped, a
/// repeated one numbered.
fn contents(out: &mut String, at: usize) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut entries: Vec<(String, String)> = Vec::new();
    for l in out.lines() {
        let level = l.chars().take_while(|c| *c == '#').count();
        let Some(text) = l.get(level..).and_then(|t| t.strip_prefix(' ')) else {
            continue;
        };
        if level == 0 || level > 6 {
            continue;
        }
        let base = heading_anchor(text);
        let n = seen.entry(base.clone()).or_insert(0);
        let anchor = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        if level == 2 {
            entries.push((text.to_owned(), anchor));
        }
    }
    if entries.len() < CONTENTS_FROM {
        return;
    }
    let mut list = String::from("**On this page**\n\n");
    for (text, anchor) in entries {
        let _ = writeln!(list, "- [{}](#{anchor})", text.replace(['[', ']'], ""));
    }
    list.push('\n');
    if out.is_char_boundary(at) {
        out.insert_str(at, &list);
    }
}

/// The anchor Markdown viewers (GitHub, GitLab, mdBook) give a heading.
fn heading_anchor(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn requirements(out: &mut String, fw: &Framework, p: &Profile) {
    if p.requirements.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Skill requirements\n\n{}.\n", text::counts(p));
    sections::note(out, p, "requirements");
    for s in text::sources_of(fw, text::withheld_requirements(fw, p)) {
        let _ = writeln!(out, "> {}\n", line(&text::withheld_note(s)));
    }
    table_head(
        out,
        &[
            "Skill",
            "Level",
            "Importance",
            "Status",
            "What it looks like at this level",
        ],
    );
    for r in &p.requirements {
        let skill = match fw.skill(&r.skill).and_then(|s| s.code.as_deref()) {
            Some(code) => format!("{} ({code})", r.skill_name),
            None => r.skill_name.clone(),
        };
        let descriptor = match &r.descriptor {
            Some(d) => d.clone(),
            None if text::requirement_withheld(fw, r) => "(withheld: source licence)".to_owned(),
            None => String::new(),
        };
        row(
            out,
            &[
                &skill,
                &text::level(r.level.as_str(), &r.level_label),
                r.importance.as_str(),
                &text::status(fw, r),
                &descriptor,
            ],
        );
    }
    out.push('\n');
}

/// What changes from one role level to the next, as a Markdown document.
pub fn diff(fw: &Framework, d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# From {} to {}\n",
        line(&d.from_title),
        line(&d.to_title)
    );
    let _ = writeln!(out, "`{}` → `{}`\n", d.from, d.to);
    let _ = writeln!(out, "{}\n", text::diff_summary(d));
    for s in text::sources_of(fw, text::withheld_changes(fw, d)) {
        let _ = writeln!(out, "> {}\n", line(&text::withheld_note(s)));
    }
    for (heading, changes) in [
        ("Added requirements", &d.added),
        ("Raised requirements", &d.raised),
        ("Lowered requirements", &d.lowered),
        ("Removed requirements", &d.removed),
    ] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading}\n");
        for c in changes {
            change(&mut out, fw, c);
        }
        out.push('\n');
    }
    if d.unchanged > 0 {
        let noun = if d.unchanged == 1 {
            "requirement"
        } else {
            "requirements"
        };
        let _ = writeln!(out, "{} {noun} unchanged.\n", d.unchanged);
    }
    for (heading, list) in [
        ("Responsibilities", &d.responsibilities),
        ("Behaviours", &d.behaviours),
        ("KPIs", &d.kpis),
        ("Decision rights", &d.decision_rights),
    ] {
        list_change(&mut out, heading, list);
    }
    for (_, heading, list) in d.sections.lists() {
        list_change(&mut out, heading, list);
    }
    finish(out)
}

fn change(out: &mut String, fw: &Framework, c: &RequirementChange) {
    let level = |id: &Option<trellis_model::LevelId>, label: &Option<String>| {
        id.as_ref()
            .map(|id| text::level(id.as_str(), label.as_deref().unwrap_or("")))
    };
    let from = level(&c.from_level, &c.from_label);
    let to = level(&c.to_level, &c.to_label);
    let levels = match (&from, &to) {
        (Some(f), Some(t)) => format!("{f} → {t}"),
        (None, Some(t)) => t.clone(),
        (Some(f), None) => format!("was {f}"),
        (None, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "- **{}** (`{}`): {levels}, {}",
        line(&c.skill_name),
        c.skill,
        c.importance
    );
    let mut any = false;
    for (what, text) in [("from", &c.from_descriptor), ("to", &c.to_descriptor)] {
        if let Some(t) = nonempty(text) {
            let _ = writeln!(out, "  - {what}: {}", line(t));
            any = true;
        }
    }
    if !any && text::change_withheld(fw, c) {
        out.push_str("  - (descriptors withheld: source licence)\n");
    }
}

fn list_change(out: &mut String, heading: &str, list: &ListChange) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {heading}\n");
    for (what, items) in [("Added", &list.added), ("Removed", &list.removed)] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{what}:\n");
        bullets(out, items);
    }
}

fn sources(out: &mut String, sources: &[&trellis_model::Source]) {
    if sources.is_empty() {
        return;
    }
    out.push_str("## Sources\n\n");
    for s in sources {
        let _ = writeln!(out, "- {}", line(&text::attribution(s)));
    }
    out.push('\n');
}

pub(super) fn bullets(out: &mut String, items: &[String]) {
    for i in items {
        let _ = writeln!(out, "- {}", line(i));
    }
    out.push('\n');
}

fn table_head(out: &mut String, headings: &[&str]) {
    let _ = writeln!(out, "| {} |", headings.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headings.len()));
}

fn row(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// A table cell: one line, with pipes escaped so they do not end the cell.
fn cell(s: &str) -> String {
    line(s).replace('|', "\\|")
}

/// Inline text: one line, so it cannot end a list item or heading early.
pub(super) fn line(s: &str) -> String {
    text::one_line(s)
}

/// Prose: paragraphs (blank lines kept as paragraph breaks, other line breaks folded) and the lists
/// written in it as lists.
pub(super) fn para(s: &str) -> String {
    text::blocks(s)
        .into_iter()
        .map(|b| match b.paragraph {
            Some(p) => p,
            None => b
                .items
                .iter()
                .map(|i| format!("- {i}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(super) fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// One trailing newline, however the last section ended.
fn finish(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn anchors_are_those_markdown_viewers_give() {
        assert_eq!(heading_anchor("Skill requirements"), "skill-requirements");
        assert_eq!(heading_anchor("Working environment"), "working-environment");
        assert_eq!(
            heading_anchor("What high performance looks like"),
            "what-high-performance-looks-like"
        );
        assert_eq!(heading_anchor("KPIs & notes (draft)"), "kpis--notes-draft");
    }

    #[test]
    fn contents_list_the_sections_once_there_are_enough() {
        let mut doc = String::from("# Title\n\nSummary.\n\n");
        let at = doc.len();
        for h in ["Scope", "Tools", "Scope", "Automation", "Promotion"] {
            doc.push_str(&format!("## {h}\n\nText.\n\n### Sub\n\n"));
        }
        contents(&mut doc, at);
        assert!(
            doc.contains(
                "**On this page**\n\n- [Scope](#scope)\n- [Tools](#tools)\n- [Scope](#scope-1)\n"
            ),
            "{doc}"
        );
        assert!(doc.find("**On this page**") > doc.find("Summary."));
        assert!(doc.find("**On this page**") < doc.find("## Scope"));

        let mut short = String::from("# Title\n\n## Scope\n\nText.\n");
        contents(&mut short, 9);
        assert!(!short.contains("On this page"));
    }

    #[test]
    fn paragraphs_keep_blank_lines() {
        assert_eq!(para("one\ntwo\n\nthree"), "one two\n\nthree");
    }
}
