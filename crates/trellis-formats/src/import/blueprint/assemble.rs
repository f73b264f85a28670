//! Across blueprint files: skills shared by name, tracks and role levels in seniority order, ids,
//! previous / next links to levels imported alongside, and template leaks between tracks.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use trellis_model::lint::{TitleIndex, foreign_titles, template_leak};
use trellis_model::validate::{effective_next, effective_previous};
use trellis_model::{
    Framework, LevelId, Requirement, RoleLevel, Scale, ScaleLevel, Skill, Source, Track,
    role_level_id,
};

use super::reader::Draft;
use super::{LEVEL_ID, SCALE_ID, SOURCE_ID};
use crate::import::markdown_util::{canonical_order, file_name, framework, title_words};
use crate::import::{ImportOptions, ImportReport, Skipped};
use crate::write::slug;

// ---------------------------------------------------------------------------------------------------
// Across files: skills, tracks, ids, links, leaks

pub(super) const SENIORITY: [(&str, u8); 17] = [
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
pub(super) fn seniority(title: &str) -> (usize, u8) {
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
pub(super) fn track_name(title: &str) -> String {
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

pub(super) fn normalise(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An id from a name: its slug, or for names with no ASCII letters ("日本語") a Unicode-aware one.
pub(super) fn id_for(name: &str) -> String {
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
pub(super) fn unique(
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

pub(super) fn assemble(
    drafts: Vec<Draft>,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Framework {
    let default_name = match drafts.as_slice() {
        [only] => format!("{} (role blueprint)", only.title),
        _ => "Role blueprints".to_owned(),
    };
    let files: Vec<String> = drafts
        .iter()
        .map(|d| match file_name(Path::new(&d.file)) {
            n if n.is_empty() => d.file.clone(),
            n => n,
        })
        .collect();
    let mut fw = framework(options, &default_name);
    fw.description = Some(format!(
        "Imported from role blueprints: {}.",
        files.join(", ")
    ));
    fw.sources = vec![Source {
        id: SOURCE_ID.into(),
        name: "Role blueprint".into(),
        version: None,
        licence: Some("copyright of its publisher; check before publishing".into()),
        attribution: Some(format!(
            "Adapted from a published role blueprint ({}).",
            files.join(", ")
        )),
        url: None,
        redistributable: false,
        level_scale: None,
    }];
    fw.scales = vec![Scale {
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
    }];

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
    // The order the writer's files are read back in.
    canonical_order(&mut fw);
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
pub(super) fn link_career_paths(
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
                    Some(id) => report.unlinked.push(Skipped::new(
                        format!("career path: {direction} role \"{name}\""),
                        format!("a role level has one {direction} link, already `{}`; `{id}` is not linked", linked.clone().unwrap_or_default()),
                        &draft.file,
                        Some(*line),
                    )),
                    None => report.unlinked.push(Skipped::new(
                        format!("career path: {direction} role \"{name}\""),
                        "no role level with this title was imported alongside, and a link must name a role level in the framework; the name is kept in the career path",
                        &draft.file,
                        Some(*line),
                    )),
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
        report.unlinked.push(Skipped::new(
            format!(
                "career path: {} link from `{this}` to `{target}`",
                if is_next { "next" } else { "previous" }
            ),
            format!("it contradicts the career path of the other level: {why}"),
            &file,
            None,
        ));
    }
}

/// Warns about role titles from other tracks, or other disciplines, in the imported text.
pub(super) fn check_leaks(
    fw: &Framework,
    placed: &[(Draft, usize, usize)],
    report: &mut ImportReport,
) {
    for (draft, t, _) in placed {
        let Some(track) = fw.tracks.get(*t) else {
            continue;
        };
        let own_nouns = title_words(track.levels.iter().map(|l| l.title.as_str()));
        let foreign = TitleIndex::new(&foreign_titles(fw, track));
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
