//! Helpers shared by the document importers (`sfia-pages`, `madetech`, `ddat-text`, `monzo`):
//! numbered lines with mojibake repaired and reported, Markdown headings, bullets, bold fields and
//! links, the well-known sources and scales, template-leak detection that quotes the source, and
//! the canonical order in which [`crate::write`] and [`crate::load`] give a framework back.
//!
//! Every function here is total: hostile input gives `None` or an empty result, never a panic.

use std::collections::HashSet;

use trellis_model::text::{mojibake_samples, repair_mojibake};
use trellis_model::{Framework, LevelId, Scale, ScaleLevel, Source};

use super::{ImportError, ImportOptions, ImportReport};
use crate::write::slug;

/// One line of an input, numbered from 1, without its line ending or trailing spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub no: usize,
    pub text: String,
}

/// Splits `text` into numbered lines, repairing mojibake line by line. Each repair is reported as a
/// `mojibake` warning naming the sequence as written and what it became.
pub fn lines(text: &str, report: &mut ImportReport, file: &str) -> Vec<Line> {
    text.split('\n')
        .enumerate()
        .map(|(i, raw)| Line {
            no: i + 1,
            text: repair(raw.trim_end(), report, file, i + 1),
        })
        .collect()
}

/// Repairs mojibake in one piece of text, warning once per piece with the sequences found.
pub fn repair(text: &str, report: &mut ImportReport, file: &str, line: usize) -> String {
    let Some(fixed) = repair_mojibake(text) else {
        return text.to_owned();
    };
    let pairs: Vec<String> = mojibake_samples(text)
        .iter()
        .map(|s| {
            format!(
                "`{s}` → `{}`",
                repair_mojibake(s).unwrap_or_else(|| s.clone())
            )
        })
        .collect();
    report.warn(
        "mojibake",
        format!(
            "repaired mojibake {} (UTF-8 text read as Windows-1252); the line now reads \"{}\"",
            pairs.join(", "),
            shorten(fixed.trim(), 80)
        ),
        file,
        Some(line),
    );
    fixed
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// An ATX heading: its level (number of `#`) and text.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let hashes = trimmed.chars().take_while(|c| *c == '#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = trimmed.get(hashes..)?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((hashes, text))
}

/// The text of a list item (`- `, `* `, `+ `, `• `), without its marker. `---` is not an item.
pub fn bullet(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    for marker in ['-', '*', '+', '•'] {
        if let Some(rest) = trimmed.strip_prefix(marker)
            && (rest.is_empty() || rest.starts_with([' ', '\t']))
        {
            return Some(rest.trim());
        }
    }
    None
}

/// A thematic break: `---`, `***` or `___` alone on a line.
pub fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
}

/// A bold label at the start of a line, `**Label:** value` or `**Label**: value`: the label without
/// its colon, and the value.
pub fn bold_field(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix("**")?;
    let end = rest.find("**")?;
    let label = rest.get(..end)?.trim();
    let after = rest.get(end + 2..)?;
    let (label, value) = match label.strip_suffix(':') {
        Some(label) => (label.trim(), after),
        None => (label, after.trim_start().strip_prefix(':')?),
    };
    Some((label, value.trim()))
}

/// A Markdown link in `text`: `[label](href)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// Replaces `[label](href)` links by `label (href)`, so the text reads the same without Markdown,
/// and returns the links found.
pub fn flatten_links(text: &str) -> (String, Vec<Link>) {
    let mut out = String::with_capacity(text.len());
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, from_open) = rest.split_at(open);
        let parsed = from_open.get(1..).and_then(|inner| {
            let close = inner.find("](")?;
            let label = inner.get(..close)?;
            let after = inner.get(close + 2..)?;
            let end = after.find(')')?;
            let href = after.get(..end)?;
            let tail = after.get(end + 1..)?;
            (!label.contains('[')).then_some((label, href, tail))
        });
        out.push_str(before);
        match parsed {
            Some((label, href, tail)) => {
                let label = label.trim();
                let href = href.trim();
                if href.is_empty() || label.is_empty() {
                    out.push_str(if label.is_empty() { href } else { label });
                } else {
                    out.push_str(&format!("{label} ({href})"));
                }
                links.push(Link {
                    label: label.to_owned(),
                    href: href.to_owned(),
                });
                rest = tail;
            }
            None => {
                out.push('[');
                rest = from_open.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    (out, links)
}

/// The links in `text`, without changing it.
pub fn links(text: &str) -> Vec<Link> {
    flatten_links(text).1
}

/// Joins paragraphs of lines: lines of one paragraph with `\n`, paragraphs with a blank line; leading,
/// trailing and repeated blank lines dropped.
pub fn join_block(lines: &[&str]) -> Option<String> {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
        } else if !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        out.push_str(line.trim_start());
    }
    (!out.is_empty()).then_some(out)
}

/// The file name of an input path, for matching links between pages.
pub fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The framework every importer starts from: id and name from `--name` or the importer's default.
pub fn framework(options: &ImportOptions, default_name: &str) -> Framework {
    let name = options
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(default_name)
        .to_owned();
    Framework {
        id: slug(&name),
        name,
        version: "1".into(),
        ..Framework::default()
    }
}

/// The id of the SFIA levels-of-responsibility scale.
pub const SFIA_SCALE: &str = "sfia-responsibility";

/// SFIA as a source. SFIA text is licensed, not for redistribution: `trellis build` publishes it only
/// with `--licensed`. `version` is the SFIA version the input names, when it names one.
pub fn sfia_source(version: Option<&str>) -> Source {
    Source {
        id: "sfia".into(),
        name: "SFIA — Skills Framework for the Information Age".into(),
        version: version.map(str::to_owned),
        licence: Some("SFIA licence".into()),
        attribution: Some(
            "SFIA content © SFIA Foundation; used under licence, not for redistribution.".into(),
        ),
        url: Some("https://sfia-online.org".into()),
        redistributable: false,
        level_scale: Some(SFIA_SCALE.into()),
    }
}

/// SFIA's seven levels of responsibility, labelled by number only (the level names and essences are
/// SFIA text, which is read from the user's own copy by the `sfia` importer, never shipped).
pub fn sfia_scale() -> Scale {
    Scale {
        id: SFIA_SCALE.into(),
        name: "SFIA levels of responsibility".into(),
        description: None,
        levels: (1..=7)
            .map(|n| ScaleLevel {
                id: LevelId(n.to_string()),
                label: format!("Level {n}"),
                description: None,
            })
            .collect(),
    }
}

/// A source whose licence is not stated where its text was found: not redistributable until someone
/// checks, so published output leaves its text out.
pub fn unchecked_source(
    id: &str,
    name: &str,
    attribution: Option<&str>,
    url: Option<&str>,
) -> Source {
    Source {
        id: id.into(),
        name: name.into(),
        version: None,
        licence: Some("unknown — check before publishing".into()),
        attribution: attribution.map(str::to_owned),
        url: url.map(str::to_owned),
        redistributable: false,
        level_scale: None,
    }
}

/// The first `# Title` heading: its index among `lines` and its text, or an error naming the file.
pub fn title<'l>(
    lines: &'l [Line],
    file: &str,
    hint: &str,
) -> Result<(usize, &'l str), ImportError> {
    lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| match heading(&l.text) {
            Some((1, t)) if !t.is_empty() => Some((i, t)),
            _ => None,
        })
        .ok_or_else(|| ImportError::invalid(file, None, format!("no `# Title` heading; {hint}")))
}

/// The id of the DDaT skill-level scale.
pub const DDAT_SCALE: &str = "ddat";

/// The UK government DDaT capability framework as a source: Open Government Licence v3.0.
pub fn ddat_source() -> Source {
    Source {
        id: "ddat".into(),
        name: "Government Digital and Data Profession Capability Framework".into(),
        version: None,
        licence: Some("OGL v3.0".into()),
        attribution: Some(
            "Contains public sector information licensed under the Open Government Licence v3.0."
                .into(),
        ),
        url: None,
        redistributable: true,
        level_scale: None,
    }
}

/// DDaT's four skill levels, lowest first.
pub fn ddat_scale() -> Scale {
    Scale {
        id: DDAT_SCALE.into(),
        name: "DDaT skill levels".into(),
        description: None,
        levels: ["Awareness", "Working", "Practitioner", "Expert"]
            .into_iter()
            .map(|label| ScaleLevel {
                id: LevelId(label.to_lowercase()),
                label: label.into(),
                description: None,
            })
            .collect(),
    }
}

/// Every lower-cased word of the given titles: what `template_leak` treats as the track's own words.
pub fn title_words<'a>(titles: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    titles
        .into_iter()
        .flat_map(|t| t.split_whitespace().map(str::to_lowercase))
        .collect()
}

/// The first template leak in `text` (see [`trellis_model::lint::template_leak`]), quoted as the
/// source writes it, e.g. `Principal Engineers` rather than `principal engineers`.
pub fn leak(text: &str, foreign: &[String], own: &HashSet<String>) -> Option<String> {
    let found = trellis_model::lint::template_leak(
        text,
        &trellis_model::lint::TitleIndex::new(foreign),
        own,
    )?;
    let wanted: Vec<&str> = found.split(' ').collect();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(wanted.len().max(1))
        .find(|w| w.iter().zip(&wanted).all(|(a, b)| a.to_lowercase() == *b))
        .map(|w| w.join(" "))
        .or(Some(found))
}

/// Puts skills and tracks in the order the writer's files are read back in (skills grouped by
/// category file, tracks by file name), so that importing, writing and loading gives an equal model.
pub fn canonical_order(fw: &mut Framework) {
    fw.skills.sort_by_cached_key(|s| {
        format!("{}.yaml", slug(s.category.as_deref().unwrap_or("skills")))
    });
    fw.tracks
        .sort_by_cached_key(|t| format!("{}.yaml", slug(&t.id)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_bullets_and_fields() {
        assert_eq!(heading("## Scope"), Some((2, "Scope")));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("### Name (CODE) ##"), Some((3, "Name (CODE)")));
        assert_eq!(bullet("  - item "), Some("item"));
        assert_eq!(bullet("---"), None);
        assert_eq!(bullet("-\tx"), Some("x"));
        assert!(is_rule("---") && !is_rule("--"));
        assert_eq!(
            bold_field("**Category:** A thing"),
            Some(("Category", "A thing"))
        );
        assert_eq!(bold_field("**Level 5**"), None);
        assert_eq!(bold_field("**Label**: v"), Some(("Label", "v")));
        assert_eq!(bold_field("**"), None);
    }

    #[test]
    fn links_are_flattened() {
        let (text, links) =
            flatten_links("see [the guide (v2)](https://x.test/a) and [b](c) [not a link");
        assert_eq!(
            text,
            "see the guide (v2) (https://x.test/a) and b (c) [not a link"
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].href, "https://x.test/a");
        assert_eq!(flatten_links("[").0, "[");
        assert_eq!(flatten_links("[é](").0, "[é](");
    }

    #[test]
    fn blocks_join_paragraphs() {
        assert_eq!(
            join_block(&["", "a ", "b", "", "", "c", ""]).as_deref(),
            Some("a\nb\n\nc")
        );
        assert_eq!(join_block(&["", " "]), None);
    }

    #[test]
    fn leaks_are_quoted_as_written() {
        let own = title_words(["Senior Product Manager"]);
        assert_eq!(
            leak("Principal Engineers are experts.", &[], &own).as_deref(),
            Some("Principal Engineers")
        );
        assert_eq!(leak("Product managers lead.", &[], &own), None);
    }
}
