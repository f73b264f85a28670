//! Semantic checks of a framework: ids, references, levels, interview weights, cumulative regression
//! and navigation links. These are errors: a framework that fails them cannot be resolved reliably.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, Pointer, Seg, did_you_mean};
use crate::framework::{Framework, RoleLevel, Track, role_level_id};

/// Ids of elements that exist in the files but failed to load. References to them are not reported
/// again as unknown, so one typo gives one error rather than a cascade.
#[derive(Debug, Default, Clone)]
pub struct Unloaded {
    pub skills: HashSet<String>,
    pub role_levels: HashSet<String>,
    pub tracks: HashSet<String>,
}

pub fn validate(fw: &Framework, unloaded: &Unloaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_ids(fw, &mut out);
    check_scales_and_skills(fw, &mut out);
    for (t, track) in fw.tracks.iter().enumerate() {
        for (l, level) in track.levels.iter().enumerate() {
            let at = Pointer::role_level(t, l);
            check_requirements(fw, level, &at, unloaded, &mut out);
            check_interview(level, &at, &mut out);
            check_mappings(fw, level, &at, &mut out);
            crate::sections::check::check(level, &at, &mut out);
            if let Some(source) = &level.source
                && fw.source(source).is_none()
            {
                out.push(unknown_source(fw, source, at.key("source")));
            }
            if let Some(band) = &level.salary
                && band.min > band.max
            {
                out.push(
                    Diagnostic::new(
                        Code::SalaryBand,
                        format!(
                            "salary band of `{}` has minimum {} above maximum {}",
                            level.title, band.min, band.max
                        ),
                    )
                    .at(at.key("salary")),
                );
            }
        }
        check_regression(fw, t, track, &mut out);
    }
    check_links(fw, unloaded, &mut out);
    check_readiness(fw, &mut out);
    out
}

fn check_readiness(fw: &Framework, out: &mut Vec<Diagnostic>) {
    use crate::readiness::ReadinessPolicy;
    let at = Pointer::new([Seg::Key("readiness")]);
    let percent = |value: u32, what: &str, at: Pointer, out: &mut Vec<Diagnostic>| {
        if value > 100 {
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("{what} is {value}%, more than 100%"),
                )
                .at(at)
                .hint("percentages run from 0 to 100"),
            );
        }
    };
    match &fw.readiness {
        Some(ReadinessPolicy::NOfM { n: 0, .. }) => out.push(
            Diagnostic::new(
                Code::InvalidValue,
                "readiness policy `n-of-m` needs `n` of at least 1",
            )
            .at(at.key("n")),
        ),
        Some(ReadinessPolicy::Weighted { threshold, .. }) => percent(
            *threshold,
            "the readiness threshold",
            at.key("threshold"),
            out,
        ),
        Some(ReadinessPolicy::CategoryMinimums { minimums, default }) => {
            let categories: HashSet<&str> = fw
                .skills
                .iter()
                .filter_map(|s| s.category.as_deref())
                .collect();
            for (category, minimum) in minimums {
                let here = at.join([Seg::Key("minimums"), Seg::Name(category.clone())]);
                percent(
                    *minimum,
                    &format!("the minimum for `{category}`"),
                    here.clone(),
                    out,
                );
                if !categories.contains(category.as_str()) {
                    let mut known: Vec<&str> = categories.iter().copied().collect();
                    known.sort();
                    out.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("no skill has the category `{category}`"),
                        )
                        .at(here)
                        .hint(format!("categories: {}", known.join(", "))),
                    );
                }
            }
            if let Some(d) = default {
                percent(*d, "the default minimum", at.key("default"), out);
            }
        }
        _ => {}
    }
}

fn duplicates<'a>(
    ids: impl IntoIterator<Item = (&'a str, Pointer)>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, Pointer> = HashMap::new();
    for (id, at) in ids {
        if let Some(first) = seen.get(id) {
            out.push(
                Diagnostic::new(Code::DuplicateId, format!("duplicate {what} id `{id}`"))
                    .at(at)
                    .related(first.clone())
                    .hint("ids must be unique"),
            );
        } else {
            seen.insert(id, at);
        }
    }
}

fn check_ids(fw: &Framework, out: &mut Vec<Diagnostic>) {
    let p = |key, i| Pointer::new([Seg::Key(key), Seg::Index(i)]).key("id");
    duplicates(
        fw.sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), p("sources", i))),
        "source",
        out,
    );
    duplicates(
        fw.scales
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), p("scales", i))),
        "scale",
        out,
    );
    for (i, scale) in fw.scales.iter().enumerate() {
        duplicates(
            scale.levels.iter().enumerate().map(|(l, level)| {
                let at = Pointer::new([
                    Seg::Key("scales"),
                    Seg::Index(i),
                    Seg::Key("levels"),
                    Seg::Index(l),
                ]);
                (level.id.as_str(), at.key("id"))
            }),
            "scale level",
            out,
        );
    }
    duplicates(
        fw.skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), p("skills", i))),
        "skill",
        out,
    );
    duplicates(
        fw.tracks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), p("tracks", i))),
        "track",
        out,
    );
    for (t, track) in fw.tracks.iter().enumerate() {
        duplicates(
            track
                .levels
                .iter()
                .enumerate()
                .map(|(l, level)| (level.id.as_str(), Pointer::role_level(t, l).key("id"))),
            "role level",
            out,
        );
        for (l, level) in track.levels.iter().enumerate() {
            if level.id.contains('/') || level.id.trim().is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("role level id `{}` is not a slug", level.id),
                    )
                    .at(Pointer::role_level(t, l).key("id"))
                    .hint("use lowercase words joined by hyphens, e.g. `senior-product-manager`"),
                );
            }
        }
    }
}

fn check_scales_and_skills(fw: &Framework, out: &mut Vec<Diagnostic>) {
    for (i, scale) in fw.scales.iter().enumerate() {
        if scale.levels.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::EmptySection,
                    format!("scale `{}` has no levels", scale.id),
                )
                .at(Pointer::new([
                    Seg::Key("scales"),
                    Seg::Index(i),
                    Seg::Key("levels"),
                ])),
            );
        }
    }
    for (i, source) in fw.sources.iter().enumerate() {
        if let Some(scale) = &source.level_scale
            && fw.scale(scale).is_none()
        {
            out.push(unknown_scale(
                fw,
                scale,
                Pointer::new([Seg::Key("sources"), Seg::Index(i), Seg::Key("level_scale")]),
            ));
        }
    }
    for (i, skill) in fw.skills.iter().enumerate() {
        let at = Pointer::skill(i);
        if let Some(source) = &skill.source
            && fw.source(source).is_none()
        {
            out.push(unknown_source(fw, source, at.key("source")));
        }
        let Some(scale) = fw.scale(&skill.scale) else {
            out.push(unknown_scale(fw, &skill.scale, at.key("scale")));
            continue;
        };
        for level in skill.levels.keys() {
            if scale.rank(level.as_str()).is_none() {
                out.push(
                    Diagnostic::new(
                        Code::UnknownLevel,
                        format!(
                            "skill `{}` describes level `{level}`, which is not on scale `{}`",
                            skill.id, scale.id
                        ),
                    )
                    .at(at.join([Seg::Key("levels"), Seg::Name(level.to_string())]))
                    .hint(level_hint(scale)),
                );
            }
        }
    }
}

fn level_hint(scale: &crate::Scale) -> String {
    let ids: Vec<&str> = scale.levels.iter().map(|l| l.id.as_str()).collect();
    format!("scale `{}` has levels: {}", scale.id, ids.join(", "))
}

fn unknown_scale(fw: &Framework, id: &str, at: Pointer) -> Diagnostic {
    let d = Diagnostic::new(Code::UnknownScale, format!("unknown scale `{id}`")).at(at);
    match did_you_mean(id, fw.scales.iter().map(|s| s.id.as_str())) {
        Some(h) => d.hint(h),
        None => d.hint("declare it under `scales` in framework.yaml"),
    }
}

fn unknown_source(fw: &Framework, id: &str, at: Pointer) -> Diagnostic {
    let d = Diagnostic::new(Code::UnknownSource, format!("unknown source `{id}`")).at(at);
    match did_you_mean(id, fw.sources.iter().map(|s| s.id.as_str())) {
        Some(h) => d.hint(h),
        None => d.hint("declare it under `sources` in framework.yaml"),
    }
}

fn check_requirements(
    fw: &Framework,
    level: &RoleLevel,
    at: &Pointer,
    unloaded: &Unloaded,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (r, req) in level.requirements.iter().enumerate() {
        let at = at.key("requirements").index(r);
        if let Some(first) = seen.insert(req.skill.as_str(), r) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    format!("`{}` requires skill `{}` twice", level.title, req.skill),
                )
                .at(at.key("skill"))
                .hint(format!(
                    "it is already required by requirement {} of this level; keep one",
                    first + 1
                )),
            );
        }
        let Some(skill) = fw.skill(&req.skill) else {
            if !unloaded.skills.contains(&req.skill) {
                out.push(unknown_skill(fw, &req.skill, at.key("skill")));
            }
            continue;
        };
        let Some(scale) = fw.scale(&skill.scale) else {
            continue;
        };
        if scale.rank(req.level.as_str()).is_none() {
            out.push(
                Diagnostic::new(
                    Code::UnknownLevel,
                    format!(
                        "`{}` requires `{}` at level `{}`, which is not on scale `{}`",
                        level.title, skill.id, req.level, scale.id
                    ),
                )
                .at(at.key("level"))
                .hint(level_hint(scale)),
            );
        } else if !skill.levels.is_empty() && !skill.levels.contains_key(req.level.as_str()) {
            let defined: Vec<&str> = skill.levels.keys().map(|l| l.as_str()).collect();
            out.push(
                Diagnostic::new(
                    Code::LevelNotDefined,
                    format!(
                        "skill `{}` is not defined at level `{}`",
                        skill.id, req.level
                    ),
                )
                .at(at.key("level"))
                .hint(format!(
                    "`{}` is defined at: {}",
                    skill.id,
                    defined.join(", ")
                )),
            );
        }
    }
    for (d, drop) in level.drops.iter().enumerate() {
        if fw.skill(&drop.skill).is_none() && !unloaded.skills.contains(&drop.skill) {
            out.push(unknown_skill(
                fw,
                &drop.skill,
                at.key("drops").index(d).key("skill"),
            ));
        }
    }
}

fn unknown_skill(fw: &Framework, id: &str, at: Pointer) -> Diagnostic {
    let d = Diagnostic::new(Code::UnknownSkill, format!("unknown skill `{id}`")).at(at);
    match did_you_mean(id, fw.skills.iter().map(|s| s.id.as_str())) {
        Some(h) => d.hint(h),
        None => d.hint("define it in a file under skills/, or check the id"),
    }
}

fn check_interview(level: &RoleLevel, at: &Pointer, out: &mut Vec<Diagnostic>) {
    if level.interview.is_empty() {
        return;
    }
    let total: u32 = level.interview.iter().map(|d| d.weight).sum();
    if total != 100 {
        let weights: Vec<String> = level
            .interview
            .iter()
            .map(|d| format!("{} {}%", d.name, d.weight))
            .collect();
        out.push(
            Diagnostic::new(
                Code::InterviewWeights,
                format!(
                    "interview weights of `{}` sum to {total}, not 100",
                    level.title
                ),
            )
            .at(at.key("interview"))
            .hint(format!("weights: {}", weights.join(", "))),
        );
    }
    for (i, dim) in level.interview.iter().enumerate() {
        for score in dim.anchors.keys() {
            if !(1..=5).contains(score) {
                out.push(
                    Diagnostic::new(
                        Code::InterviewAnchor,
                        format!("interview dimension `{}` has an anchor for score {score}; scores run from 1 to 5", dim.name),
                    )
                    .at(at.key("interview").index(i).join([Seg::Key("anchors"), Seg::Name(score.to_string())])),
                );
            }
        }
    }
}

fn check_mappings(fw: &Framework, level: &RoleLevel, at: &Pointer, out: &mut Vec<Diagnostic>) {
    for (m, mapping) in level.mappings.iter().enumerate() {
        let at = at.key("mappings").index(m);
        let Some(source) = fw.source(&mapping.source) else {
            out.push(unknown_source(fw, &mapping.source, at.key("source")));
            continue;
        };
        if let Some(scale) = source.level_scale.as_deref().and_then(|s| fw.scale(s))
            && scale.rank(mapping.level.as_str()).is_none()
        {
            out.push(
                Diagnostic::new(
                    Code::UnknownLevel,
                    format!(
                        "`{}` maps to {} level `{}`, which is not on scale `{}`",
                        level.title, source.name, mapping.level, scale.id
                    ),
                )
                .at(at.key("level"))
                .hint(level_hint(scale)),
            );
        }
    }
}

/// Levels are cumulative: within a track, a level must not require less of a skill than an earlier
/// level did, nor stop requiring it, unless the framework says so explicitly.
fn check_regression(fw: &Framework, t: usize, track: &Track, out: &mut Vec<Diagnostic>) {
    // skill -> (rank, level id, title of the level that set it)
    let mut held: HashMap<&str, (usize, &str, &str)> = HashMap::new();
    for (l, level) in track.levels.iter().enumerate() {
        let at = Pointer::role_level(t, l);
        let dropped: HashSet<&str> = level.drops.iter().map(|d| d.skill.as_str()).collect();
        if !track.cumulative {
            let listed: HashSet<&str> = level
                .requirements
                .iter()
                .map(|r| r.skill.as_str())
                .collect();
            let mut missing: Vec<(&str, &str)> = held
                .iter()
                .filter(|(skill, _)| !listed.contains(*skill) && !dropped.contains(*skill))
                .map(|(skill, (_, _, title))| (*skill, *title))
                .collect();
            missing.sort();
            for (skill, title) in missing {
                out.push(
                    Diagnostic::new(
                        Code::DroppedSkill,
                        format!(
                            "`{}` no longer requires `{skill}`, which `{title}` required",
                            level.title
                        ),
                    )
                    .at(at.key("requirements"))
                    .hint(format!(
                        "require `{skill}` here too, or list it under `drops` with a reason"
                    )),
                );
            }
        }
        for skill in &dropped {
            held.remove(skill);
        }
        for (r, req) in level.requirements.iter().enumerate() {
            let Some(rank) = fw
                .skill(&req.skill)
                .and_then(|s| fw.scale(&s.scale))
                .and_then(|scale| scale.rank(req.level.as_str()))
            else {
                continue;
            };
            if let Some(&(before, before_level, title)) = held.get(req.skill.as_str())
                && rank < before
                && req.regression_reason.is_none()
            {
                out.push(
                    Diagnostic::new(
                        Code::Regression,
                        format!(
                            "`{}` requires `{}` at level `{}`, below level `{before_level}` required by `{title}`",
                            level.title, req.skill, req.level
                        ),
                    )
                    .at(at.key("requirements").index(r).key("level"))
                    .hint("levels are cumulative; raise it, or set `regression_reason` to say why this level needs less"),
                );
            }
            held.insert(
                req.skill.as_str(),
                (rank, req.level.as_str(), level.title.as_str()),
            );
        }
    }
}

fn check_links(fw: &Framework, unloaded: &Unloaded, out: &mut Vec<Diagnostic>) {
    let ids: HashSet<String> = fw.role_levels().map(|(id, _, _)| id).collect();
    for (t, track) in fw.tracks.iter().enumerate() {
        for (l, level) in track.levels.iter().enumerate() {
            let at = Pointer::role_level(t, l);
            let this = role_level_id(&track.id, &level.id);
            crate::sections::check::links(level, &this, &ids, unloaded, &at, out);
            for (key, target) in [("previous", &level.previous), ("next", &level.next)] {
                let Some(target) = target else { continue };
                if !ids.contains(target) {
                    if unloaded.role_levels.contains(target)
                        || target
                            .split_once('/')
                            .is_some_and(|(t, _)| unloaded.tracks.contains(t))
                    {
                        continue;
                    }
                    let d = Diagnostic::new(
                        Code::UnknownRoleLevel,
                        format!("`{key}` links to unknown role level `{target}`"),
                    )
                    .at(at.key(key));
                    let d = match did_you_mean(target, ids.iter().map(String::as_str)) {
                        Some(h) => d.hint(h),
                        None if !target.contains('/') => {
                            d.hint("links use full role-level ids: `track/level`")
                        }
                        None => d,
                    };
                    out.push(d);
                    continue;
                }
                if *target == this {
                    out.push(
                        Diagnostic::new(
                            Code::BrokenLink,
                            format!("`{key}` of `{this}` links to itself"),
                        )
                        .at(at.key(key)),
                    );
                    continue;
                }
                // The other end must not contradict this link.
                let Some((other_track, other_index, other)) = fw.role_level(target) else {
                    continue;
                };
                let back = if key == "next" {
                    effective_previous(other_track, other_index, other)
                } else {
                    effective_next(other_track, other_index, other)
                };
                if back.as_deref().is_some_and(|b| b != this) {
                    let back_key = if key == "next" { "previous" } else { "next" };
                    out.push(
                        Diagnostic::new(
                            Code::BrokenLink,
                            format!(
                                "`{this}` says its {key} level is `{target}`, but `{target}` says its {back_key} level is `{}`",
                                back.unwrap_or_default()
                            ),
                        )
                        .at(at.key(key))
                        .hint(format!("set `{back_key}: {this}` on `{target}`, or correct this link")),
                    );
                }
            }
        }
    }
}

/// The level before this one: the explicit `previous`, else the previous level of its track.
pub fn effective_previous(track: &Track, index: usize, level: &RoleLevel) -> Option<String> {
    level.previous.clone().or_else(|| {
        index
            .checked_sub(1)
            .map(|i| role_level_id(&track.id, &track.levels[i].id))
    })
}

/// The level after this one: the explicit `next`, else the next level of its track.
pub fn effective_next(track: &Track, index: usize, level: &RoleLevel) -> Option<String> {
    level.next.clone().or_else(|| {
        track
            .levels
            .get(index + 1)
            .map(|l| role_level_id(&track.id, &l.id))
    })
}

#[cfg(test)]
mod tests;
