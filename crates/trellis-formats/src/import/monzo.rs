//! Importer: the Monzo progression framework (`monzo`): one Markdown file per discipline with YAML
//! front matter (`path, title, sidebarTitle, sidebarGroup, yaml, levels, homepage, topics`), where
//! `topics[] = {name, title, content: [{level, criteria: [..], exampleCriteria: [{criteria, examples}]}]}`.
//!
//! What it builds:
//! - one track per discipline file, named by its `title` (emoji kept), with role levels `Level 1` …
//!   `Level N` (ids `level-1` …) for the file's `levels: N`. A file may number its levels otherwise
//!   than it declares (`levels: 5`, criteria at levels 2-6): then the levels its criteria use, lowest
//!   to highest, are its levels, and the report says so, rather than losing the top level's criteria
//!   and inventing a level 1;
//! - one scale per discipline, `monzo-<track>`, with those levels: a level 3 of one discipline is not a
//!   level 3 of another;
//! - one skill per topic and discipline, id `<track>.<topic>`, whose level descriptors are the
//!   criteria as a bullet list (example criteria as nested `Example:` bullets);
//! - each role level requires the topics that have criteria at that level, at that level.
//!
//! `generic.md` is not a track: a discipline topic whose `name` matches a generic topic inherits its
//! title (when it has none) and the generic criteria, listed before its own, at every level the
//! discipline has; a generic criterion the discipline's topic already has (at any level) is not
//! repeated. Generic topics that no discipline uses are reported.
//!
//! Files with `yaml: false` carry prose instead: their `## Level N` sections (with `### Topic`
//! subsections of bullets) are read the same way; such a file without level sections is skipped
//! with a reason. Quirks handled: a tab after a list dash in the front matter (strict YAML rejects
//! it) is read as a space, with a `yaml-tab` warning; emoji in titles are kept. Files without front
//! matter (a README in the folder) are skipped when other files import.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use trellis_model::{
    Framework, Importance, LevelId, Requirement, RoleLevel, Scale, ScaleLevel, Skill, Source, Track,
};

use super::markdown_util::{self as md, Line, bullet, canonical_order, heading, is_rule, shorten};
use super::{ImportError, ImportOptions, ImportReport, Input, read_each};
use crate::write::slug;
use crate::yaml::{self, Node, Value};

const HINT: &str =
    "is this a Monzo progression framework file (YAML front matter between `---` lines)?";

fn monzo_source() -> Source {
    Source {
        id: "monzo".into(),
        name: "Monzo progression framework".into(),
        version: None,
        licence: Some("MIT".into()),
        attribution: Some("Monzo progression framework, MIT licence".into()),
        url: Some("https://github.com/monzo/progression-framework".into()),
        redistributable: true,
        level_scale: None,
    }
}

#[derive(Debug, Clone, Default)]
struct Criterion {
    text: String,
    examples: Vec<String>,
}

#[derive(Debug, Clone)]
struct Topic {
    name: String,
    title: Option<String>,
    line: usize,
    levels: IndexMap<u32, Vec<Criterion>>,
}

#[derive(Debug)]
struct Discipline {
    file: String,
    stem: String,
    title: Option<String>,
    /// The discipline's level numbers, lowest first.
    levels: Vec<u32>,
    generic: bool,
    topics: Vec<Topic>,
}

/// Why a file gave nothing, for the error when no file gives anything.
struct Skip {
    file: String,
    line: Option<usize>,
    why: String,
}

fn stem(input: &Input) -> String {
    input
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The text of a scalar; a mapping (an unquoted `- Note: text` criterion) is put back as `key: value`.
fn scalar_text(node: &Node) -> Option<String> {
    let text = match &node.value {
        Value::Scalar { .. } => node.as_str()?.trim().to_owned(),
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| {
                let k = scalar_text(k)?;
                Some(match scalar_text(v) {
                    Some(v) => format!("{k}: {v}"),
                    None => k,
                })
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::Seq(items) => items
            .iter()
            .filter_map(scalar_text)
            .collect::<Vec<_>>()
            .join("; "),
    };
    (!text.is_empty()).then_some(text)
}

fn parse(
    input: &Input,
    report: &mut ImportReport,
) -> Result<Result<Discipline, Skip>, ImportError> {
    let file = input.name();
    let text = super::text(input)?;
    let lines = md::lines(text, report, &file);
    let skip = |line: Option<usize>, why: String| {
        Ok(Err(Skip {
            file: file.clone(),
            line,
            why,
        }))
    };

    let start = lines.iter().position(|l| !l.text.trim().is_empty());
    let Some(start) = start.filter(|&s| lines.get(s).is_some_and(|l| l.text.trim() == "---"))
    else {
        return skip(None, format!("no YAML front matter; {HINT}"));
    };
    let Some(end) = lines
        .iter()
        .skip(start + 1)
        .position(|l| matches!(l.text.trim(), "---" | "..."))
        .map(|p| p + start + 1)
    else {
        return Err(ImportError::invalid(
            &file,
            lines.get(start).map(|l| l.no),
            "the front matter is not closed: no second `---` line",
        ));
    };
    let front = lines.get(start + 1..end).unwrap_or(&[]);
    let body = lines.get(end + 1..).unwrap_or(&[]);
    let first_no = front.first().map_or(start + 2, |l| l.no);

    // Strict YAML refuses a tab after a list dash; Monzo's files have one. Read it as a space.
    let mut tabbed = Vec::new();
    let cleaned: Vec<String> = front
        .iter()
        .map(|l| {
            let indent = l.text.len() - l.text.trim_start().len();
            let rest = l.text.trim_start();
            match rest.strip_prefix("-\t") {
                Some(after) => {
                    tabbed.push(l.no);
                    format!(
                        "{}- {}",
                        l.text.get(..indent).unwrap_or(""),
                        after.trim_start_matches('\t')
                    )
                }
                None => l.text.clone(),
            }
        })
        .collect();
    if let Some(first) = tabbed.first() {
        report.warn(
            "yaml-tab",
            format!(
                "a tab after a list dash on {} line(s) of the front matter (strict YAML rejects it) was read as a space",
                tabbed.len()
            ),
            &file,
            Some(*first),
        );
    }
    let root = yaml::parse(&cleaned.join("\n")).map_err(|e| {
        let line = if e.pos.line == 0 {
            first_no
        } else {
            first_no + e.pos.line - 1
        };
        ImportError::invalid(
            &file,
            Some(line),
            format!("front matter is not valid YAML: {}", e.message),
        )
    })?;
    let at = |node: &Node| first_no + node.pos.line.max(1) - 1;
    if !matches!(root.value, Value::Map(_)) {
        return Err(ImportError::invalid(
            &file,
            Some(first_no),
            format!("the front matter is not a mapping of keys; {HINT}"),
        ));
    }
    let title = root.get("title").and_then(scalar_text);
    let declared = root
        .get("levels")
        .map(|n| (n.as_str().and_then(|s| s.trim().parse::<u32>().ok()), n));
    let uses_yaml = root
        .get("yaml")
        .and_then(Node::as_str)
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    let stem = stem(input);
    let generic = stem.eq_ignore_ascii_case("generic")
        || root
            .get("path")
            .and_then(Node::as_str)
            .is_some_and(|p| p.trim().trim_matches('/').eq_ignore_ascii_case("generic"));

    let topics = if uses_yaml {
        if body.iter().any(|l| !l.text.trim().is_empty()) {
            let first = body
                .iter()
                .find(|l| !l.text.trim().is_empty())
                .map(|l| l.no);
            report.skip(
                "the page text after the front matter",
                "it explains the framework; the levels are in the front matter",
                &file,
                first,
            );
        }
        match root.get("topics") {
            Some(node) if matches!(node.value, Value::Seq(_)) => {
                yaml_topics(node, &file, &at, report)
            }
            Some(node) if !node.is_null() => {
                return Err(ImportError::invalid(
                    &file,
                    Some(at(node)),
                    "`topics` is not a list",
                ));
            }
            _ => return skip(Some(first_no), "the front matter has no `topics`".into()),
        }
    } else {
        let topics = prose_topics(body, &file, report);
        if topics.is_empty() {
            return skip(
                Some(first_no),
                "`yaml: false` and no `## Level N` sections with criteria to read levels from"
                    .into(),
            );
        }
        topics
    };

    let highest = topics
        .iter()
        .flat_map(|t| t.levels.keys().copied())
        .max()
        .unwrap_or(0);
    let lowest = topics
        .iter()
        .flat_map(|t| t.levels.keys().copied())
        .min()
        .unwrap_or(1);
    let levels: Vec<u32> = match declared {
        Some((Some(n), node)) if n > 0 && highest > n && !generic => {
            // Criteria above the declared count: the file numbers its levels its own way.
            report.warn(
                "level-numbering",
                format!("the file declares {n} levels but its criteria use levels {lowest} to {highest}; those levels were imported"),
                &file,
                Some(at(node)),
            );
            (lowest..=highest).collect()
        }
        Some((Some(n), _)) if n > 0 => (1..=n).collect(),
        Some((_, node)) => {
            report.warn(
                "missing-levels",
                format!("`levels` is not a positive whole number; {highest} levels were assumed from the criteria"),
                &file,
                Some(at(node)),
            );
            (1..=highest).collect()
        }
        None => {
            if !generic {
                report.warn(
                    "missing-levels",
                    format!("the front matter has no `levels`; {highest} levels were assumed from the criteria"),
                    &file,
                    Some(first_no),
                );
            }
            (1..=highest).collect::<Vec<u32>>()
        }
    };
    if levels.is_empty() && !generic {
        return skip(
            Some(first_no),
            "no levels: `levels` is missing and no topic has criteria".into(),
        );
    }
    Ok(Ok(Discipline {
        file,
        stem,
        title,
        levels,
        generic,
        topics,
    }))
}

fn yaml_topics(
    node: &Node,
    file: &str,
    at: &dyn Fn(&Node) -> usize,
    report: &mut ImportReport,
) -> Vec<Topic> {
    let mut topics = Vec::new();
    for item in node.items() {
        let Some(name) = item.get("name").and_then(scalar_text) else {
            report.skip("a topic", "it has no `name`", file, Some(at(item)));
            continue;
        };
        let mut topic = Topic {
            name,
            title: item.get("title").and_then(scalar_text),
            line: at(item),
            levels: IndexMap::new(),
        };
        for content in item.get("content").map(Node::items).unwrap_or(&[]) {
            let level = content
                .get("level")
                .and_then(Node::as_str)
                .and_then(|s| s.trim().parse::<u32>().ok())
                .filter(|n| *n > 0);
            let Some(level) = level else {
                report.warn(
                    "undefined-level",
                    format!("topic \"{}\" has criteria without a valid `level` (a whole number from 1); not imported", topic.name),
                    file,
                    Some(at(content)),
                );
                continue;
            };
            let mut criteria: Vec<Criterion> = content
                .get("criteria")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(scalar_text)
                .map(|text| Criterion {
                    text,
                    examples: Vec::new(),
                })
                .collect();
            for example in content
                .get("exampleCriteria")
                .map(Node::items)
                .unwrap_or(&[])
            {
                let Some(text) = example.get("criteria").and_then(scalar_text) else {
                    continue;
                };
                let examples = example
                    .get("examples")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(scalar_text)
                    .collect();
                criteria.push(Criterion { text, examples });
            }
            if !criteria.is_empty() {
                topic.levels.entry(level).or_default().extend(criteria);
            }
        }
        topic.levels.sort_keys();
        topics.push(topic);
    }
    topics
}

/// `## Level N` sections with `### Topic` subsections of bullets (files with `yaml: false`).
fn prose_topics(body: &[Line], file: &str, report: &mut ImportReport) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    let mut level: Option<u32> = None;
    let mut topic_name: Option<(String, usize)> = None;
    let mut skipped_before = false;
    for line in body {
        if let Some((depth, text)) = heading(&line.text) {
            if depth <= 2 {
                let lower = text.to_lowercase();
                level = lower
                    .strip_prefix("level")
                    .map(|r| {
                        r.trim_start()
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                    })
                    .and_then(|d| d.parse().ok())
                    .filter(|n| *n > 0);
                if level.is_none() && depth == 2 {
                    report.skip(
                        format!("section \"{text}\""),
                        "not a `## Level N` section",
                        file,
                        Some(line.no),
                    );
                }
                topic_name = None;
            } else if level.is_some() {
                topic_name = Some((text.to_owned(), line.no));
            }
            continue;
        }
        let text = line.text.trim();
        if text.is_empty() || is_rule(text) {
            continue;
        }
        let Some(n) = level else {
            if !skipped_before {
                report.skip(
                    "text before the first `## Level N` section",
                    "it is not part of a level",
                    file,
                    Some(line.no),
                );
                skipped_before = true;
            }
            continue;
        };
        let (name, at) = topic_name
            .clone()
            .unwrap_or_else(|| ("Expectations".to_owned(), line.no));
        let criterion = bullet(text).unwrap_or(text).to_owned();
        if criterion.is_empty() {
            continue;
        }
        let index = match topics.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                topics.push(Topic {
                    name: name.clone(),
                    title: Some(name),
                    line: at,
                    levels: IndexMap::new(),
                });
                topics.len() - 1
            }
        };
        if let Some(topic) = topics.get_mut(index) {
            topic.levels.entry(n).or_default().push(Criterion {
                text: criterion,
                examples: Vec::new(),
            });
        }
    }
    for topic in &mut topics {
        topic.levels.sort_keys();
    }
    topics
}

/// A criterion's words, for telling two writings of one criterion apart from two criteria: case,
/// spacing and a final full stop do not count.
fn same_words(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}

fn descriptor(criteria: &[Criterion]) -> String {
    let mut out = Vec::new();
    for c in criteria {
        out.push(format!("- {}", c.text));
        for e in &c.examples {
            out.push(format!("  - Example: {e}"));
        }
    }
    out.join("\n")
}

fn display_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_owned(),
    }
}

/// The discipline as people name it, for role-level titles: the title without its emoji and a
/// trailing "Framework" ("📦 Data Platform Framework" → "Data Platform").
fn discipline_name(title: &str) -> String {
    let t = title
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim();
    let cut = t.len().saturating_sub("framework".len());
    match (t.get(..cut), t.get(cut..)) {
        (Some(before), Some(word))
            if word.eq_ignore_ascii_case("framework") && !before.trim().is_empty() =>
        {
            before.trim().to_owned()
        }
        _ if t.is_empty() => title.trim().to_owned(),
        _ => t.to_owned(),
    }
}

/// The track id: the title without a trailing "Framework", as a slug; the file name when the title has
/// no letters or digits (emoji only).
fn track_id(d: &Discipline) -> String {
    let base = d.title.as_deref().map(|t| {
        let t = t.trim();
        let cut = t.len().saturating_sub("framework".len());
        match (t.get(..cut), t.get(cut..)) {
            (Some(before), Some(word)) if word.eq_ignore_ascii_case("framework") => {
                before.to_owned()
            }
            _ => t.to_owned(),
        }
    });
    match base.map(|b| slug(&b)).filter(|s| s != "unnamed") {
        Some(s) => s,
        None => slug(&d.stem),
    }
}

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let mut generic: Vec<Discipline> = Vec::new();
    let mut disciplines = Vec::new();
    let mut skips = Vec::new();
    for read in read_each(inputs, |input| parse(input, report))? {
        match read {
            Ok(d) if d.generic => generic.push(d),
            Ok(d) => disciplines.push(d),
            Err(skip) => skips.push(skip),
        }
    }
    if disciplines.is_empty() {
        if let Some(g) = generic.first() {
            return Err(ImportError::invalid(
                &g.file,
                None,
                "generic.md only holds the topics shared by the discipline files; give it together with at least one discipline file",
            ));
        }
        let first = skips.first();
        return Err(match first {
            Some(s) => ImportError::invalid(&s.file, s.line, s.why.clone()),
            None => ImportError::NoInput,
        });
    }
    for s in skips {
        report.skip(format!("file {}", s.file), s.why, &s.file, s.line);
    }

    // Generic topics by name, with the file they come from.
    let mut shared: IndexMap<String, (Topic, String)> = IndexMap::new();
    for g in &generic {
        for topic in &g.topics {
            shared
                .entry(topic.name.clone())
                .or_insert_with(|| (topic.clone(), g.file.clone()));
        }
    }
    let mut used: HashSet<String> = HashSet::new();

    let mut fw = md::framework(options, "Monzo progression framework");
    fw.sources.push(monzo_source());
    let mut track_ids: HashMap<String, String> = HashMap::new();
    for mut d in disciplines {
        let mut id = track_id(&d);
        if let Some(first) = track_ids.get(&id) {
            let mut n = 2;
            while track_ids.contains_key(&format!("{id}-{n}")) {
                n += 1;
            }
            report.warn(
                "duplicate-track",
                format!(
                    "{first} already gives a track `{id}`; this one was imported as `{id}-{n}`"
                ),
                &d.file,
                None,
            );
            id = format!("{id}-{n}");
        }
        track_ids.insert(id.clone(), d.file.clone());
        let name = d.title.clone().unwrap_or_else(|| display_name(&d.stem));
        let scale_id = format!("monzo-{id}");
        fw.scales.push(Scale {
            id: scale_id.clone(),
            name: format!("{name} levels"),
            description: None,
            levels: d
                .levels
                .iter()
                .map(|n| ScaleLevel {
                    id: LevelId(n.to_string()),
                    label: format!("Level {n}"),
                    description: None,
                })
                .collect(),
        });

        for topic in &mut d.topics {
            let Some((g, _)) = shared.get(&topic.name) else {
                continue;
            };
            used.insert(topic.name.clone());
            if topic.title.is_none() {
                topic.title.clone_from(&g.title);
            }
            // What the discipline already says, wherever it says it, is not said again.
            let has: HashSet<String> = topic
                .levels
                .values()
                .flatten()
                .map(|c| same_words(&c.text))
                .collect();
            for (n, criteria) in &g.levels {
                if !d.levels.contains(n) {
                    continue;
                }
                let (repeated, new): (Vec<&Criterion>, Vec<&Criterion>) = criteria
                    .iter()
                    .partition(|c| has.contains(&same_words(&c.text)));
                for c in repeated {
                    report.skip(
                        format!("generic criterion \"{}\"", shorten(&c.text, 60)),
                        format!("topic \"{}\" of {} already has it", topic.name, d.file),
                        &d.file,
                        Some(topic.line),
                    );
                }
                if new.is_empty() {
                    continue;
                }
                let own = topic.levels.shift_remove(n).unwrap_or_default();
                topic
                    .levels
                    .insert(*n, new.into_iter().cloned().chain(own).collect());
            }
            topic.levels.sort_keys();
        }

        let mut track = Track {
            id: id.clone(),
            name: name.clone(),
            description: None,
            cumulative: true,
            levels: Vec::new(),
        };
        let mut skill_ids: HashSet<String> = HashSet::new();
        let mut by_level: IndexMap<u32, Vec<String>> = IndexMap::new();
        for topic in &d.topics {
            if topic.levels.is_empty() {
                report.warn(
                    "empty-section",
                    format!("topic \"{}\" has no criteria; not imported", topic.name),
                    &d.file,
                    Some(topic.line),
                );
                continue;
            }
            let mut skill_id = format!("{id}.{}", slug(&topic.name));
            if !skill_ids.insert(skill_id.clone()) {
                let mut n = 2;
                while skill_ids.contains(&format!("{skill_id}-{n}")) {
                    n += 1;
                }
                report.warn(
                    "duplicate-topic",
                    format!(
                        "a second topic named \"{}\" was imported as `{skill_id}-{n}`",
                        topic.name
                    ),
                    &d.file,
                    Some(topic.line),
                );
                skill_id = format!("{skill_id}-{n}");
                skill_ids.insert(skill_id.clone());
            }
            for n in topic.levels.keys() {
                by_level.entry(*n).or_default().push(skill_id.clone());
            }
            fw.skills.push(Skill {
                id: skill_id,
                name: topic
                    .title
                    .clone()
                    .unwrap_or_else(|| display_name(&topic.name)),
                code: None,
                scale: scale_id.clone(),
                category: Some(name.clone()),
                subcategory: None,
                description: None,
                guidance: None,
                source: Some("monzo".into()),
                url: None,
                levels: topic
                    .levels
                    .iter()
                    .map(|(n, c)| (LevelId(n.to_string()), descriptor(c)))
                    .collect(),
            });
        }
        for &n in &d.levels {
            track.levels.push(RoleLevel {
                id: format!("level-{n}"),
                title: format!("{} Level {n}", discipline_name(&name)),
                source: Some("monzo".into()),
                requirements: by_level
                    .get(&n)
                    .map(|skills| {
                        skills
                            .iter()
                            .map(|s| Requirement {
                                skill: s.clone(),
                                level: LevelId(n.to_string()),
                                importance: Importance::Important,
                                regression_reason: None,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                ..RoleLevel::default()
            });
        }
        fw.tracks.push(track);
    }
    for (name, (topic, file)) in &shared {
        if !used.contains(name) {
            report.skip(
                format!("generic topic \"{}\"", shorten(name, 60)),
                "no discipline file among the inputs has a topic with this name",
                file,
                Some(topic.line),
            );
        }
    }
    canonical_order(&mut fw);
    Ok(fw)
}
