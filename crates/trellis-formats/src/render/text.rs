//! Wording shared by every renderer, so Markdown, HTML and the site say things the same way.

use trellis_model::diff::{Diff, RequirementChange};
use trellis_model::{
    EffectiveRequirement, Framework, LevelId, LevelMapping, Profile, SalaryBand, Source, Status,
};

/// A level as people read it: the label alone when it already says the level ("Working",
/// "Level 5"), else the id with its label ("2 (Team)").
pub(crate) fn level(id: &str, label: &str) -> String {
    let label = label.trim();
    if label.is_empty() {
        return id.to_owned();
    }
    let lower = label.to_lowercase();
    let id_lower = id.to_lowercase();
    if lower == id_lower || lower.ends_with(&format!(" {id_lower}")) {
        label.to_owned()
    } else {
        format!("{id} ({label})")
    }
}

/// The label of a level of a skill's scale, or empty when the skill or level is unknown.
pub(crate) fn skill_level_label(fw: &Framework, skill: &str, level: &str) -> String {
    fw.skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .and_then(|sc| sc.level(level))
        .map(|l| l.label.clone())
        .unwrap_or_default()
}

/// "New", "Raised from Working", "Inherited" or "Lowered from Expert to Working: why": the status in
/// words, never colour alone. A lowered requirement names both levels, so it is never mistaken for
/// one carried over unchanged.
pub(crate) fn status(fw: &Framework, r: &EffectiveRequirement) -> String {
    let previous = |prev: &LevelId| {
        level(
            prev.as_str(),
            &skill_level_label(fw, &r.skill, prev.as_str()),
        )
    };
    match (r.status, &r.previous_level) {
        (Status::New, _) => "New".to_owned(),
        (Status::Raised, Some(prev)) => format!("Raised from {}", previous(prev)),
        (Status::Raised, None) => "Raised".to_owned(),
        (Status::Inherited, _) => "Inherited".to_owned(),
        (Status::Lowered, prev) => {
            let now = level(r.level.as_str(), &r.level_label);
            let mut out = match prev {
                Some(prev) => format!("Lowered from {} to {now}", previous(prev)),
                None => format!("Lowered to {now}"),
            };
            let reason = r.regression_reason.as_deref().map(str::trim);
            if let Some(reason) = reason.filter(|r| !r.is_empty()) {
                out.push_str(": ");
                out.push_str(reason);
            }
            out
        }
    }
}

/// "3 new, 1 raised, 5 inherited", and ", 1 lowered" when a requirement is.
pub(crate) fn counts(p: &Profile) -> String {
    let mut out = format!(
        "{} new, {} raised, {} inherited",
        p.count(Status::New),
        p.count(Status::Raised),
        p.count(Status::Inherited)
    );
    let lowered = p.count(Status::Lowered);
    if lowered > 0 {
        out.push_str(&format!(", {lowered} lowered"));
    }
    out
}

/// A framework's name with its version, the version left out when the name already ends with it:
/// "Bakery Careers 2026.1", but "SFIA 9" for SFIA 9's version 9 rather than "SFIA 9 9".
pub fn name_with_version(name: &str, version: &str) -> String {
    let (name, version) = (name.trim(), version.trim());
    let last = name
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let bare = |v: &str| v.trim_start_matches(['v', 'V']).to_owned();
    let named = !last.is_empty() && bare(last).eq_ignore_ascii_case(&bare(version));
    if version.is_empty() || named {
        name.to_owned()
    } else {
        format!("{name} {version}")
    }
}

/// 1234567 as "1,234,567".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "GBP 38,000 to 48,000".
pub(crate) fn salary(s: &SalaryBand) -> String {
    format!(
        "{} {} to {}",
        s.currency,
        thousands(s.min),
        thousands(s.max)
    )
}

/// "SFIA level 5", with the scale's label when it adds something, and the note.
pub(crate) fn mapping(fw: &Framework, m: &LevelMapping) -> String {
    let source = fw.source(&m.source);
    let name = source.map_or(m.source.as_str(), |s| s.name.as_str());
    let label = source
        .and_then(|s| s.level_scale.as_deref())
        .and_then(|sc| fw.scale(sc))
        .and_then(|sc| sc.level(m.level.as_str()))
        .map(|l| l.label.as_str())
        .unwrap_or("");
    let id = m.level.as_str();
    let plain = label.trim().is_empty()
        || label.trim().eq_ignore_ascii_case(id)
        || label.trim().eq_ignore_ascii_case(&format!("level {id}"));
    let mut out = if plain {
        format!("{name} level {id}")
    } else {
        format!("{name} level {id} ({})", label.trim())
    };
    if let Some(note) = m.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        out.push_str(": ");
        out.push_str(note);
    }
    out
}

/// The source a skill's text comes from.
pub(crate) fn skill_source<'a>(fw: &'a Framework, skill: &str) -> Option<&'a Source> {
    fw.skill(skill)
        .and_then(|s| s.source.as_deref())
        .and_then(|id| fw.source(id))
}

/// Whether the framework has text for this skill at this level that is missing here because it was
/// withheld, as opposed to never written.
pub(crate) fn withheld(
    fw: &Framework,
    skill: &str,
    level: Option<&str>,
    restricted: bool,
    descriptor: Option<&str>,
) -> bool {
    restricted
        && descriptor.is_none()
        && level.is_some_and(|l| fw.skill(skill).is_some_and(|s| s.levels.contains_key(l)))
}

pub(crate) fn requirement_withheld(fw: &Framework, r: &EffectiveRequirement) -> bool {
    withheld(
        fw,
        &r.skill,
        Some(r.level.as_str()),
        r.restricted,
        r.descriptor.as_deref(),
    )
}

pub(crate) fn change_withheld(fw: &Framework, c: &RequirementChange) -> bool {
    withheld(
        fw,
        &c.skill,
        c.from_level.as_ref().map(|l| l.as_str()),
        c.restricted,
        c.from_descriptor.as_deref(),
    ) || withheld(
        fw,
        &c.skill,
        c.to_level.as_ref().map(|l| l.as_str()),
        c.restricted,
        c.to_descriptor.as_deref(),
    )
}

/// "2 added, 1 raised, 0 lowered, 0 removed, 5 unchanged."
pub(crate) fn diff_summary(d: &Diff) -> String {
    format!(
        "{} added, {} raised, {} lowered, {} removed, {} unchanged.",
        d.added.len(),
        d.raised.len(),
        d.lowered.len(),
        d.removed.len(),
        d.unchanged
    )
}

/// The skills whose requirements in a profile have text that is withheld.
pub(crate) fn withheld_requirements<'p>(fw: &Framework, p: &'p Profile) -> Vec<&'p str> {
    p.requirements
        .iter()
        .filter(|r| requirement_withheld(fw, r))
        .map(|r| r.skill.as_str())
        .collect()
}

/// The skills whose changing requirements have text that is withheld.
pub(crate) fn withheld_changes<'d>(fw: &Framework, d: &'d Diff) -> Vec<&'d str> {
    d.added
        .iter()
        .chain(&d.raised)
        .chain(&d.lowered)
        .chain(&d.removed)
        .filter(|c| change_withheld(fw, c))
        .map(|c| c.skill.as_str())
        .collect()
}

/// The distinct sources of these skills, in framework order.
pub(crate) fn sources_of<'a, 's>(
    fw: &'a Framework,
    skills: impl IntoIterator<Item = &'s str>,
) -> Vec<&'a Source> {
    let ids: Vec<&str> = skills
        .into_iter()
        .filter_map(|s| fw.skill(s).and_then(|s| s.source.as_deref()))
        .collect();
    fw.sources
        .iter()
        .filter(|s| ids.contains(&s.id.as_str()))
        .collect()
}

/// The sources a profile draws on: its skills' sources and the frameworks it maps to.
pub(crate) fn profile_sources<'a>(fw: &'a Framework, p: &Profile) -> Vec<&'a Source> {
    let mut ids: Vec<&str> = p
        .requirements
        .iter()
        .filter_map(|r| fw.skill(&r.skill).and_then(|s| s.source.as_deref()))
        .collect();
    ids.extend(p.mappings.iter().map(|m| m.source.as_str()));
    fw.sources
        .iter()
        .filter(|s| ids.contains(&s.id.as_str()))
        .collect()
}

/// The line that must accompany published text from a source: name, version, licence and the
/// source's own attribution, verbatim.
pub(crate) fn attribution(s: &Source) -> String {
    let mut out = s.name.trim().to_owned();
    if let Some(v) = s
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        out.push(' ');
        out.push_str(v);
    }
    for part in [&s.licence, &s.attribution] {
        if let Some(p) = part.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            out.push_str(" · ");
            out.push_str(p);
        }
    }
    out
}

/// Why some text is missing: names the source and its licence.
/// The note shown when a role level's own prose is withheld because of its source's licence.
pub fn profile_withheld_note(source: &str) -> String {
    format!(
        "The text of this role profile comes from {source}, whose licence does not allow it to be \
         redistributed, so only titles, names, levels and weights are shown."
    )
}

pub(crate) fn withheld_note(s: &Source) -> String {
    let licence = s
        .licence
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!(" ({})", l.trim()))
        .unwrap_or_default();
    format!(
        "Descriptions of skills from {}{licence} are withheld because the source's licence does not \
         allow them to be redistributed. Codes, names and levels are shown.",
        s.name
    )
}

/// The role level's title, for previous and next links.
pub(crate) fn role_title(fw: &Framework, id: &str) -> Option<String> {
    fw.role_level(id).map(|(_, _, l)| l.title.clone())
}

/// Collapses line breaks and runs of spaces, for text that must stay on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A block of prose: a paragraph, or a list when `paragraph` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub paragraph: Option<String>,
    pub items: Vec<String>,
}

/// The text of a list line (`- `, `* `, `• `, `– `), `None` for other lines.
fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "* ", "• ", "– "]
        .iter()
        .find_map(|m| t.strip_prefix(m))
        .map(str::trim)
}

/// Prose as paragraphs and lists, as written: blank lines end a paragraph, lines starting with a list
/// marker are list items (an indented line after one continues it), other line breaks fold. So a
/// paragraph never runs bullets together or carries a stray `- `.
pub(crate) fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let end_paragraph = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block {
                paragraph: Some(one_line(&paragraph.join(" "))),
                items: Vec::new(),
            });
            paragraph.clear();
        }
    };
    let end_list = |items: &mut Vec<String>, out: &mut Vec<Block>| {
        if !items.is_empty() {
            out.push(Block {
                paragraph: None,
                items: std::mem::take(items),
            });
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(item) = list_item(line) {
            end_paragraph(&mut paragraph, &mut out);
            if !item.is_empty() {
                items.push(one_line(item));
            }
        } else if trimmed.is_empty() {
            end_paragraph(&mut paragraph, &mut out);
            end_list(&mut items, &mut out);
        } else if let Some(last) = items.last_mut().filter(|_| line.starts_with([' ', '\t'])) {
            last.push(' ');
            last.push_str(&one_line(trimmed));
        } else {
            end_list(&mut items, &mut out);
            paragraph.push(trimmed);
        }
    }
    end_paragraph(&mut paragraph, &mut out);
    end_list(&mut items, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_naturally() {
        assert_eq!(level("working", "Working"), "Working");
        assert_eq!(level("5", "Level 5"), "Level 5");
        assert_eq!(level("2", "Team"), "2 (Team)");
        assert_eq!(level("1", "Level 11"), "1 (Level 11)");
        assert_eq!(level("3", ""), "3");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(38000), "38,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
