//! Checks of the blueprint sections: a heading, stakeholder or exercise written twice in one
//! section. The profile and the comparison of two levels read items by their heading or name, so
//! two of one would show as one, or change places unnoticed.

use std::collections::HashMap;

use super::ItemGroup;
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::framework::RoleLevel;

/// The duplicates in the sections of `level`, at `at`.
pub fn check(level: &RoleLevel, at: &Pointer, out: &mut Vec<Diagnostic>) {
    let mut grouped: Vec<(&'static str, Pointer, &[ItemGroup])> = [
        ("environment", &level.environment),
        ("experience", &level.experience),
        ("risks", &level.risks),
        ("variants", &level.variants),
        ("ai_impact", &level.ai_impact),
    ]
    .into_iter()
    .map(|(key, groups)| (key, at.key(key), groups.as_slice()))
    .collect();
    if let Some(h) = &level.hiring {
        grouped.push((
            "hiring.assess",
            at.key("hiring").key("assess"),
            h.assess.as_slice(),
        ));
        twice(
            h.exercises.iter().map(|e| e.name.as_str()),
            &at.key("hiring").key("exercises"),
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
            groups.iter().map(|g| g.group.as_str()),
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
    if let Some(c) = &level.collaboration {
        for (key, list) in [("internal", &c.internal), ("external", &c.external)] {
            twice(
                list.iter().map(|s| s.name.as_str()),
                &at.key("collaboration").key(key),
                "name",
                |name| {
                    Diagnostic::new(
                        Code::DuplicateId,
                        format!(
                            "`{}` lists the {key} stakeholder `{name}` twice",
                            level.title
                        ),
                    )
                    .hint("say what the role works on with them in one entry")
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
