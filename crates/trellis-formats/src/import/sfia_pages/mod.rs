//! Importer: role pages generated from the SFIA skills spreadsheet (`sfia-pages`), one page per role
//! level, like `sfia-framework-level-5-senior-product-manager.md`.
//!
//! Layout read: `# Title`; `**Level N** | **Career Path:** X`; `## Framework Overview` (generic text the
//! generator repeats on every page: skipped, and scanned for template leaks); `## Role Overview` with
//! `**Scope Summary:**`; `## Required SFIA Skills` with one `### Skill name (CODE)` per skill, each with
//! `**SFIA Reference:**`, `**Category:** … | **Subcategory:** …`, `**Overall Description:**`,
//! `**Guidance Notes:**` and `**Level N Attainment:**`; `## Navigation` with previous/next links.
//!
//! What it builds:
//! - one role level per page (id from the title), in the track named by its career path, role levels
//!   sorted by level; `scope` is the scope summary, `summary` the rest of the role overview. Pages
//!   with `**Engineer Type:** X` under the title are ladders of their own within the career path
//!   (Software, QA, Security… under one `Engineering`): path plus type is the track, "Engineering
//!   (QA)", so that five ladders with the same level titles ("Senior", "CTO") stay apart;
//! - one skill per SFIA code on the SFIA responsibility scale, merged over all pages (the union of the
//!   attainment texts); SFIA text is attributed to the `sfia` source, which is not redistributable;
//! - a requirement per skill at the page's level, `important`, and a mapping to SFIA level N;
//! - previous/next links when the linked page is among the inputs (even in another track), with both
//!   ends made to agree; links to pages not given are reported as skipped. A link is resolved as a
//!   path relative to the page first (every ladder has its own `level-3-senior.md`), then by file name
//!   or title, preferring the page's own track.
//!
//! Files that are not generated pages (a folder's `index.md`) are skipped with the reason when other
//! files are pages; alone, they are an error.
//!
//! Defects reported: template leaks (engineering text on a product page), mojibake, attainment at a
//! level other than the page's, skills without attainment text, links that contradict each other.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use indexmap::IndexMap;
use trellis_model::{
    Framework, Importance, LevelId, LevelMapping, Requirement, RoleLevel, Skill, Source, Track,
    role_level_id,
};

use super::markdown_util::{
    self as md, Line, SFIA_SCALE, bold_field, bullet, canonical_order, heading, is_rule,
    join_block, leak, sfia_scale, sfia_source, shorten, title_words,
};
use super::{ImportError, ImportOptions, ImportReport, Input, given};
use crate::write::slug;

mod page;
use page::*;

const HINT: &str =
    "is this a page generated like sfia-framework-level-5-senior-product-manager.md?";

/// The source entry for the generated pages themselves (titles, role overviews, navigation). Their
/// licence is not stated in the pages.
fn pages_source() -> Source {
    md::unchecked_source("sfia-pages", "Generated SFIA framework pages", None, None)
}

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let mut pages = Vec::new();
    let mut not_pages: Vec<(String, ImportError)> = Vec::new();
    for input in given(inputs)? {
        match parse(input, report) {
            Ok(page) => pages.push(page),
            Err(e) => not_pages.push((input.name(), e)),
        }
    }
    // A folder of pages holds other Markdown too (`index.md`): passed over when there are pages.
    if pages.is_empty() && !not_pages.is_empty() {
        return Err(not_pages.swap_remove(0).1);
    }
    for (file, e) in not_pages {
        let (line, why) = match e {
            ImportError::Invalid { line, message, .. } => (line, message),
            other => (None, other.to_string()),
        };
        report.skip(format!("file {file}"), why, &file, line);
    }

    let mut fw = md::framework(options, "SFIA role pages");
    fw.sources = vec![sfia_source(sfia_version(&pages).as_deref()), pages_source()];
    fw.scales = vec![sfia_scale()];

    let copies = copied_levels(&pages);
    // Skills: the union over all pages.
    let mut skills: IndexMap<String, Skill> = IndexMap::new();
    for page in &pages {
        for s in &page.skills {
            let skill = skills.entry(s.code.clone()).or_insert_with(|| Skill {
                id: s.code.clone(),
                name: s.name.clone(),
                code: Some(s.code.clone()),
                scale: SFIA_SCALE.into(),
                category: None,
                subcategory: None,
                description: None,
                guidance: None,
                source: Some("sfia".into()),
                url: None,
                levels: IndexMap::new(),
            });
            for (slot, value) in [
                (&mut skill.category, &s.category),
                (&mut skill.subcategory, &s.subcategory),
                (&mut skill.description, &s.description),
                (&mut skill.guidance, &s.guidance),
                (&mut skill.url, &s.url),
            ] {
                if slot.is_none() {
                    slot.clone_from(value);
                }
            }
            match &s.attainment {
                Some((n, text, line)) => {
                    if !(1..=7).contains(n) {
                        report.warn(
                            "undefined-level",
                            format!(
                                "{} attainment is given for level {n}; SFIA levels run from 1 to 7",
                                s.code
                            ),
                            &page.file,
                            Some(*line),
                        );
                    } else if copies.contains_key(&(s.code.clone(), *n)) {
                        // Another level's text under this level's label: not a descriptor.
                    } else if let Some(existing) = skill.levels.get(n.to_string().as_str()) {
                        if existing != text {
                            report.warn(
                                "conflict",
                                format!("{} level {n} attainment differs from an earlier page; the first was kept", s.code),
                                &page.file,
                                Some(*line),
                            );
                        }
                    } else {
                        skill.levels.insert(LevelId(n.to_string()), text.clone());
                    }
                }
                None => report.warn(
                    "empty-section",
                    format!(
                        "{} has no `**Level N Attainment:**` text on this page",
                        s.code
                    ),
                    &page.file,
                    Some(s.line),
                ),
            }
        }
    }
    for skill in skills.values_mut() {
        skill.levels.sort_by(|a, _, b, _| {
            a.as_str()
                .parse::<u32>()
                .unwrap_or(u32::MAX)
                .cmp(&b.as_str().parse::<u32>().unwrap_or(u32::MAX))
        });
    }

    // Role levels, by track.
    let mut tracks: IndexMap<String, Track> = IndexMap::new();
    // Page index → full role-level id, for pages that were imported.
    let mut ids: Vec<Option<String>> = vec![None; pages.len()];
    let mut order: HashMap<String, (u32, usize)> = HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        let track_id = slug(&page.track);
        let level_id = slug(&page.title);
        let full = role_level_id(&track_id, &level_id);
        if let Some(&(_, first)) = order.get(&full) {
            report.skip(
                format!("role level \"{}\"", page.title),
                format!(
                    "{} already gives a role level with id `{full}`",
                    pages[first].file
                ),
                &page.file,
                Some(page.level_line),
            );
            continue;
        }
        order.insert(full.clone(), (page.level, index));
        ids[index] = Some(full);
        let in_scale = (1..=7).contains(&page.level);
        if !in_scale {
            report.warn(
                "undefined-level",
                format!(
                    "the page is level {}, which is not an SFIA level (1 to 7); imported without requirements or mapping",
                    page.level
                ),
                &page.file,
                Some(page.level_line),
            );
        }
        let mut level = RoleLevel {
            id: level_id,
            title: page.title.clone(),
            source: Some("sfia-pages".into()),
            summary: page.summary.as_ref().map(|(s, _)| s.clone()),
            scope: page.scope.clone(),
            ..RoleLevel::default()
        };
        if in_scale {
            level.mappings.push(LevelMapping {
                source: "sfia".into(),
                level: LevelId(page.level.to_string()),
                note: None,
            });
            requirements(page, &mut level, &skills, &copies, report);
        }
        tracks
            .entry(track_id.clone())
            .or_insert_with(|| Track {
                id: track_id,
                name: page.track.clone(),
                description: None,
                cumulative: true,
                levels: Vec::new(),
            })
            .levels
            .push(level);
    }
    for track in tracks.values_mut() {
        track.levels.sort_by_key(|l| {
            order
                .get(&role_level_id(&track.id, &l.id))
                .map(|o| o.0)
                .unwrap_or(u32::MAX)
        });
        mark_regressions(track, report, &pages, &order);
    }
    fw.skills = skills.into_values().collect();
    fw.tracks = tracks.into_values().collect();

    link(&mut fw, &pages, &ids, report);
    template_leaks(&fw, &pages, &ids, report);
    canonical_order(&mut fw);
    Ok(fw)
}

/// Where a page claims a level the skill does not define, and the level whose text it shows.
#[derive(Debug)]
struct CopiedLevel {
    /// The level the text belongs to.
    genuine: u32,
    /// The levels the pages describe the skill at, each with its own text.
    defined: Vec<u32>,
    /// No level with other text tells which of the claims is the skill's own; the lowest was taken.
    guessed: bool,
}

/// Claims of levels a skill does not define. The generator that wrote these pages fills a level the
/// skill does not define with the text of its nearest level (the highest defined level below, else the
/// lowest above), so one text under two level labels gives the claim away: SFIA words every level of a
/// skill differently. Of the levels sharing a text, the one next to the skill's other levels is its
/// own; the rest are copies. Keyed by (skill code, claimed level).
fn copied_levels(pages: &[Page]) -> HashMap<(String, u32), CopiedLevel> {
    // Per skill: level → its text (the first page's, as for descriptors).
    let mut texts: IndexMap<&str, IndexMap<u32, String>> = IndexMap::new();
    for s in pages.iter().flat_map(|p| &p.skills) {
        if let Some((n, text, _)) = &s.attainment
            && (1..=7).contains(n)
        {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            texts.entry(&s.code).or_default().entry(*n).or_insert(words);
        }
    }
    let mut copies = HashMap::new();
    for (code, levels) in texts {
        let mut groups: Vec<(&str, Vec<u32>)> = Vec::new();
        for (n, text) in &levels {
            match groups.iter_mut().find(|(t, _)| *t == text.as_str()) {
                Some((_, ns)) => ns.push(*n),
                None => groups.push((text, vec![*n])),
            }
        }
        let mut own = Vec::new();
        let mut claims = Vec::new();
        for (_, mut ns) in groups.iter().cloned() {
            ns.sort_unstable();
            let (Some(&low), Some(&high)) = (ns.first(), ns.last()) else {
                continue;
            };
            let others: Vec<u32> = levels.keys().copied().filter(|n| !ns.contains(n)).collect();
            // Above a defined level the copy is of the highest defined level below; below the lowest
            // defined level, of that lowest level.
            let genuine = if others.iter().any(|o| *o < low) || others.is_empty() {
                low
            } else {
                high
            };
            own.push(genuine);
            for n in ns.into_iter().filter(|n| *n != genuine) {
                claims.push((n, genuine, others.is_empty()));
            }
        }
        own.sort_unstable();
        for (n, genuine, guessed) in claims {
            copies.insert(
                (code.to_owned(), n),
                CopiedLevel {
                    genuine,
                    defined: own.clone(),
                    guessed,
                },
            );
        }
    }
    copies
}

fn requirements(
    page: &Page,
    level: &mut RoleLevel,
    skills: &IndexMap<String, Skill>,
    copies: &HashMap<(String, u32), CopiedLevel>,
    report: &mut ImportReport,
) {
    for s in &page.skills {
        if level.requirements.iter().any(|r| r.skill == s.code) {
            report.skip(
                format!("second requirement of {}", s.code),
                "the page lists the skill twice",
                &page.file,
                Some(s.line),
            );
            continue;
        }
        let mut at = page.level;
        if let Some((n, _, line)) = &s.attainment
            && *n != page.level
            && (1..=7).contains(n)
        {
            report.warn(
                "undefined-level",
                format!(
                    "{} is described at level {n} on a level-{} page; it was required at level {n}, as described",
                    s.code, page.level
                ),
                &page.file,
                Some(*line),
            );
            at = *n;
        }
        if let Some(copy) = copies.get(&(s.code.clone(), at)) {
            let defined: Vec<String> = copy.defined.iter().map(u32::to_string).collect();
            let line = s.attainment.as_ref().map_or(s.line, |a| a.2);
            let why = if copy.guessed {
                format!(
                    "the pages give the same {code} text at levels {}, and SFIA words each level differently, so the lowest, level {g}, was taken as the skill's own",
                    defined_with(&copy.defined, at),
                    code = s.code,
                    g = copy.genuine,
                )
            } else {
                format!(
                    "its text here is the level-{g} text; the pages describe {code} at level(s) {} only",
                    defined.join(", "),
                    g = copy.genuine,
                    code = s.code,
                )
            };
            report.warn(
                "undefined-level",
                format!(
                    "{code} is claimed at SFIA level {at}, which it does not define: {why}. The requirement is kept at level {g}, and no level-{at} descriptor was made",
                    code = s.code,
                    g = copy.genuine,
                ),
                &page.file,
                Some(line),
            );
            at = copy.genuine;
        }
        // A page without attainment text at a level the other pages do not describe either: the
        // requirement is kept at the nearest described level (the highest below, else the lowest
        // above, as the generator fills an undefined level), never with a made-up descriptor.
        let described: Vec<u32> = skills
            .get(&s.code)
            .map(|k| {
                k.levels
                    .keys()
                    .filter_map(|l| l.as_str().parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        if !described.is_empty() && !described.contains(&at) {
            let nearest = described
                .iter()
                .copied()
                .filter(|n| *n < at)
                .max()
                .or_else(|| described.iter().copied().filter(|n| *n > at).min())
                .unwrap_or(at);
            let listed: Vec<String> = described.iter().map(u32::to_string).collect();
            report.warn(
                "undefined-level",
                format!(
                    "{code} is claimed at SFIA level {at}, which no page describes: the pages describe {code} at level(s) {} only. The requirement is kept at level {nearest}, the nearest described level, and no level-{at} descriptor was made",
                    listed.join(", "),
                    code = s.code,
                ),
                &page.file,
                Some(s.line),
            );
            at = nearest;
        }
        level.requirements.push(Requirement {
            skill: s.code.clone(),
            level: LevelId(at.to_string()),
            importance: Importance::Important,
            regression_reason: None,
        });
    }
}

/// `levels` with `also` added, in order, written as a list.
fn defined_with(levels: &[u32], also: u32) -> String {
    let mut all: Vec<u32> = levels.iter().copied().chain([also]).collect();
    all.sort_unstable();
    all.dedup();
    all.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A level that requires less than an earlier level of its track is stated by the source, so the
/// regression is made explicit (with a warning) rather than silently raised.
fn mark_regressions(
    track: &mut Track,
    report: &mut ImportReport,
    pages: &[Page],
    order: &HashMap<String, (u32, usize)>,
) {
    let mut held: HashMap<String, (u32, String)> = HashMap::new();
    for level in &mut track.levels {
        let page = order
            .get(&role_level_id(&track.id, &level.id))
            .and_then(|(_, i)| pages.get(*i));
        for req in &mut level.requirements {
            let n: u32 = req.level.as_str().parse().unwrap_or(0);
            if let Some((before, title)) = held.get(&req.skill)
                && n < *before
            {
                req.regression_reason = Some(format!(
                    "the source page requires level {n}, below level {before} required by {title}"
                ));
                if let Some(page) = page {
                    report.warn(
                        "regression",
                        format!("`{}` requires {} at level {n}, below level {before} required by `{title}`", level.title, req.skill),
                        &page.file,
                        Some(page.level_line),
                    );
                }
            }
            held.insert(req.skill.clone(), (n, level.title.clone()));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Previous,
    Next,
}

fn level_mut<'a>(fw: &'a mut Framework, full: &str) -> Option<&'a mut RoleLevel> {
    let (t, l) = full.split_once('/')?;
    fw.tracks
        .iter_mut()
        .find(|x| x.id == t)?
        .levels
        .iter_mut()
        .find(|x| x.id == l)
}

/// The previous or next level of `full` within its own track.
fn implicit(fw: &Framework, full: &str, dir: Dir) -> Option<String> {
    let (track, index, _) = fw.role_level(full)?;
    let other = match dir {
        Dir::Previous => index.checked_sub(1).and_then(|i| track.levels.get(i)),
        Dir::Next => track.levels.get(index + 1),
    }?;
    Some(role_level_id(&track.id, &other.id))
}

fn target_of(pages: &[Page], ids: &[Option<String>], from: &Page, nav: &Nav) -> Option<String> {
    let href = nav.href.split(['#', '?']).next().unwrap_or("");
    // A relative link names one file exactly, even when every ladder has a `level-3-senior.md`.
    if !href.is_empty() && !href.contains("://") {
        let here = from.path.parent().unwrap_or(Path::new(""));
        let wanted = lexical(&here.join(href));
        if let Some(i) = pages.iter().position(|p| lexical(&p.path) == wanted) {
            return ids.get(i).cloned().flatten();
        }
    }
    // Otherwise by file name, then by title: the one in the page's own track, else the only one.
    let base = href.rsplit('/').next().unwrap_or("");
    let by_file = |p: &Page| {
        !base.is_empty()
            && (p.file_name == base
                || p.file_name
                    .strip_suffix(base)
                    .is_some_and(|pre| pre.ends_with(['-', '_'])))
    };
    let by_title = |p: &Page| p.title.eq_ignore_ascii_case(nav.title.trim());
    let pick = |matches: &dyn Fn(&Page) -> bool| -> Option<usize> {
        let all: Vec<usize> = (0..pages.len()).filter(|&i| matches(&pages[i])).collect();
        let own: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| pages[i].track == from.track)
            .collect();
        match (own.as_slice(), all.as_slice()) {
            ([only], _) | ([], [only]) => Some(*only),
            _ => None,
        }
    };
    let index = pick(&by_file).or_else(|| pick(&by_title))?;
    ids.get(index).cloned().flatten()
}

/// A path with `.` and `..` taken out, without asking the file system (the inputs may not be files).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Keeps navigation links whose target is among the inputs, then makes both ends agree: a link that
/// the other end contradicts is dropped and reported; an end with no opinion is made to link back.
fn link(fw: &mut Framework, pages: &[Page], ids: &[Option<String>], report: &mut ImportReport) {
    let mut links: Vec<(String, Dir, String, &Page, usize)> = Vec::new();
    for (page, id) in pages.iter().zip(ids) {
        let Some(id) = id else { continue };
        for (dir, nav, word) in [
            (Dir::Previous, &page.previous, "previous"),
            (Dir::Next, &page.next, "next"),
        ] {
            let Some(nav) = nav else { continue };
            match target_of(pages, ids, page, nav) {
                Some(target) if target == *id => report.skip(
                    format!("{word} level link"),
                    "it points at the page itself",
                    &page.file,
                    Some(nav.line),
                ),
                Some(target) => links.push((id.clone(), dir, target, page, nav.line)),
                None => {
                    // Not linked, but the page names where people come from or go: kept as a
                    // name in the career path.
                    if let Some(level) = level_mut(fw, id) {
                        let career = level.promotion.get_or_insert_with(Default::default);
                        let names = match dir {
                            Dir::Previous => &mut career.from,
                            Dir::Next => &mut career.to,
                        };
                        if !names.contains(&nav.title) {
                            names.push(nav.title.clone());
                        }
                    }
                    report.skip(
                        format!("{word} level link to \"{}\"", nav.title),
                        format!(
                            "{word} level '{}' is not among the inputs; its title is kept in the career path",
                            nav.title
                        ),
                        &page.file,
                        Some(nav.line),
                    );
                }
            }
        }
    }
    for (from, dir, target, _, _) in &links {
        if let Some(level) = level_mut(fw, from) {
            match dir {
                Dir::Previous => level.previous = Some(target.clone()),
                Dir::Next => level.next = Some(target.clone()),
            }
        }
    }
    for (from, dir, target, page, line) in &links {
        let back_dir = if *dir == Dir::Next {
            Dir::Previous
        } else {
            Dir::Next
        };
        let Some((_, _, other)) = fw.role_level(target) else {
            continue;
        };
        let explicit_back = if back_dir == Dir::Previous {
            other.previous.clone()
        } else {
            other.next.clone()
        };
        let word = if *dir == Dir::Next {
            "next"
        } else {
            "previous"
        };
        let back_word = if *dir == Dir::Next {
            "previous"
        } else {
            "next"
        };
        let conflict = match explicit_back {
            Some(back) => (back != *from).then_some(back),
            None => match implicit(fw, target, back_dir) {
                Some(back) if back != *from => Some(back),
                Some(_) => None,
                None => {
                    if let Some(level) = level_mut(fw, target) {
                        match back_dir {
                            Dir::Previous => level.previous = Some(from.clone()),
                            Dir::Next => level.next = Some(from.clone()),
                        }
                    }
                    None
                }
            },
        };
        if let Some(back) = conflict {
            if let Some(level) = level_mut(fw, from) {
                match dir {
                    Dir::Previous => level.previous = None,
                    Dir::Next => level.next = None,
                }
            }
            report.skip(
                format!("{word} level link from `{from}` to `{target}`"),
                format!("`{target}` says its {back_word} level is `{back}`"),
                &page.file,
                Some(*line),
            );
        }
    }
}

fn template_leaks(
    fw: &Framework,
    pages: &[Page],
    ids: &[Option<String>],
    report: &mut ImportReport,
) {
    for (page, id) in pages.iter().zip(ids) {
        let Some(id) = id else { continue };
        let Some((track, _, level)) = fw.role_level(id) else {
            continue;
        };
        let own = title_words(track.levels.iter().map(|l| l.title.as_str()));
        let own_titles: HashSet<String> = track
            .levels
            .iter()
            .map(|l| l.title.to_lowercase())
            .collect();
        let mut foreign: Vec<String> = fw
            .tracks
            .iter()
            .filter(|t| t.id != track.id)
            .flat_map(|t| t.levels.iter().map(|l| l.title.to_lowercase()))
            .filter(|t| !own_titles.contains(t) && t.split_whitespace().count() >= 2)
            .collect();
        foreign.sort();
        foreign.dedup();
        let texts = [
            (
                "role overview",
                level.summary.as_deref(),
                page.summary.as_ref().map(|s| s.1),
            ),
            (
                "scope summary",
                level.scope.as_deref(),
                Some(page.level_line),
            ),
        ];
        for (what, text, line) in texts {
            if let Some(found) = text.and_then(|t| leak(t, &foreign, &own)) {
                report.warn(
                    "template-leak",
                    format!(
                        "the {what} of `{}` ({}) mentions \"{found}\", a role outside this track: probably copied from another role's page; kept as written",
                        level.title, track.name
                    ),
                    &page.file,
                    line,
                );
            }
        }
        let mut seen = HashSet::new();
        for (text, line) in &page.overview {
            let text = bullet(text).unwrap_or(text);
            if let Some(found) = leak(text, &foreign, &own)
                && seen.insert(found.to_lowercase())
            {
                report.warn(
                    "template-leak",
                    format!(
                        "the framework overview (not imported) speaks of \"{found}\", not of the {} track's roles",
                        track.name
                    ),
                    &page.file,
                    Some(*line),
                );
            }
        }
    }
}
