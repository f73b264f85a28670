//! Checks of the blueprint sections: a heading, stakeholder or exercise written twice in one
//! section, and links to role levels (a peer's role level, the level promotion leads to). The
//! profile and the comparison of two levels read items by their heading or name, so two of one
//! would show as one, or change places unnoticed.

use std::collections::{HashMap, HashSet};

use super::{InterviewGuidance, ItemGroup};
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::framework::RoleLevel;
use crate::validate::Unloaded;

/// The links of `level` (full id `this`, at `at`) to role levels: peers' `role_level` and
/// `promotion.next`. `ids` are the framework's role-level ids.
pub fn links(
    level: &RoleLevel,
    this: &str,
    ids: &HashSet<String>,
    unloaded: &Unloaded,
    at: &Pointer,
    out: &mut Vec<Diagnostic>,
) {
    let mut found: Vec<(String, Pointer, &str)> = Vec::new();
    if let Some(s) = &level.stakeholders {
        for (key, list) in [
            ("internal", &s.internal),
            ("external", &s.external),
            ("peers", &s.peers),
        ] {
            for (i, p) in list.iter().enumerate() {
                if let Some(target) = &p.role_level {
                    let pointer = at.key("stakeholders").key(key).index(i).key("role_level");
                    found.push((
                        format!("the {key} stakeholder `{}`", p.name),
                        pointer,
                        target,
                    ));
                }
            }
        }
    }
    if let Some(target) = level.promotion.as_ref().and_then(|p| p.next.as_ref()) {
        found.push((
            "`promotion.next`".to_owned(),
            at.key("promotion").key("next"),
            target,
        ));
    }
    for (what, pointer, target) in found {
        let unloaded_target = unloaded.role_levels.contains(target)
            || target
                .split_once('/')
                .is_some_and(|(t, _)| unloaded.tracks.contains(t));
        if target == this {
            out.push(
                Diagnostic::new(
                    Code::BrokenLink,
                    format!("{what} of `{this}` links to `{this}` itself"),
                )
                .at(pointer),
            );
        } else if !ids.contains(target) && !unloaded_target {
            let d = Diagnostic::new(
                Code::UnknownRoleLevel,
                format!("{what} of `{this}` links to unknown role level `{target}`"),
            )
            .at(pointer);
            out.push(if target.contains('/') {
                d.hint("link a role level of this framework, or remove `role_level`/`next`")
            } else {
                d.hint("links use full role-level ids: `track/level`")
            });
        }
    }
}

/// The duplicates in the sections of `level`, at `at`.
pub fn check(level: &RoleLevel, at: &Pointer, out: &mut Vec<Diagnostic>) {
    let names =
        |groups: &[ItemGroup]| -> Vec<String> { groups.iter().map(|g| g.group.clone()).collect() };
    let mut grouped: Vec<(&'static str, Pointer, Vec<String>)> = vec![
        (
            "environment",
            at.key("environment"),
            names(&level.environment),
        ),
        (
            "variants",
            at.key("variants"),
            // Two settings of one name are one only when they vary by the same thing.
            level
                .variants
                .iter()
                .map(|v| format!("{} ({})", v.group, v.by.as_str()))
                .collect(),
        ),
    ];
    if let Some(q) = &level.qualifications {
        grouped.push((
            "qualifications.other",
            at.key("qualifications").key("other"),
            names(&q.other),
        ));
    }
    if let Some(f) = &level.failure_modes {
        grouped.push((
            "failure_modes.other",
            at.key("failure_modes").key("other"),
            names(&f.other),
        ));
    }
    if let Some(a) = &level.automation {
        grouped.push((
            "automation.other",
            at.key("automation").key("other"),
            names(&a.other),
        ));
    }
    let mut guides: Vec<(Pointer, &InterviewGuidance)> = level
        .interview_guidance
        .iter()
        .map(|g| (at.key("interview_guidance"), g))
        .collect();
    for (i, d) in level.interview.iter().enumerate() {
        if let Some(g) = &d.interview_guidance {
            guides.push((at.key("interview").index(i).key("interview_guidance"), g));
        }
    }
    for (guide_at, g) in guides {
        twice(
            g.exercises.iter().map(|e| e.name.as_str()),
            &guide_at.key("exercises"),
            "name",
            |name| {
                Diagnostic::new(
                    Code::DuplicateId,
                    format!("`{}` lists the exercise `{name}` twice", level.title),
                )
                .hint("keep one, with the prompt and what it evaluates")
            },
            out,
        );
    }
    for (key, list_at, groups) in grouped {
        twice(
            groups.iter().map(String::as_str),
            &list_at,
            "group",
            |name| {
                Diagnostic::new(
                    Code::DuplicateId,
                    format!(
                        "`{}` has two groups headed `{name}` in `{key}`",
                        level.title
                    ),
                )
                .hint("put their items under one heading")
            },
            out,
        );
    }
    if let Some(c) = &level.stakeholders {
        for (key, list) in [
            ("internal", &c.internal),
            ("external", &c.external),
            ("peers", &c.peers),
        ] {
            twice(
                list.iter().map(|s| s.name.as_str()),
                &at.key("stakeholders").key(key),
                "name",
                |name| {
                    Diagnostic::new(
                        Code::DuplicateId,
                        format!(
                            "`{}` lists the {key} stakeholder `{name}` twice",
                            level.title
                        ),
                    )
                    .hint("say what the collaboration is about in one entry")
                },
                out,
            );
        }
    }
}

/// Reports each name that appears again in a list (ignoring case and surrounding spaces), at the
/// later one, related to the first.
fn twice<'a>(
    names: impl IntoIterator<Item = &'a str>,
    list: &Pointer,
    field: &'static str,
    diagnostic: impl Fn(&str) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, name) in names.into_iter().enumerate() {
        let key = name.trim().to_lowercase();
        match seen.get(&key) {
            Some(first) => out.push(
                diagnostic(name.trim())
                    .at(list.index(i).key(field))
                    .related(list.index(*first).key(field)),
            ),
            None => {
                seen.insert(key, i);
            }
        }
    }
}
