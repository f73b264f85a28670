//! The list sections of a blueprint: technical and soft skills with their importance, decision rights
//! by approval tier, and the career path with what promotion takes.

use indexmap::IndexMap;
use trellis_model::{DecisionTier, Importance, Skill};

use super::outline::{Sub, Table, outline, rows};
use super::reader::{Reader, SkillDraft};
use super::sections::{Section, is_heading, label_line};
use super::{SCALE_ID, SOURCE_ID};
use crate::import::markdown_util::shorten;

/// The importance at the end of a skill line: `Name (Critical)`, `Name (Important for B2B SaaS)`.
/// Returns the name, the parenthesis as written, the importance and whether it was Context-specific.
pub(super) fn importance_suffix(text: &str) -> Option<(&str, &str, Importance, bool)> {
    let body = text.trim_end().strip_suffix(')')?;
    let open = body.rfind('(')?;
    let name = body.get(..open)?.trim();
    let inner = body.get(open + 1..)?.trim();
    if name.is_empty() {
        return None;
    }
    let lower = inner.to_lowercase();
    let words: [(&str, Importance, bool); 9] = [
        ("critical", Importance::Critical, false),
        ("important", Importance::Important, false),
        ("optional", Importance::Optional, false),
        ("context-specific", Importance::Optional, true),
        ("context specific", Importance::Optional, true),
        ("context-dependent", Importance::Optional, true),
        ("good-to-have", Importance::Optional, false),
        ("nice-to-have", Importance::Optional, false),
        ("essential", Importance::Critical, false),
    ];
    let (_, importance, context) = words
        .iter()
        .filter_map(|(w, i, c)| lower.find(w).map(|pos| (pos, *i, *c)))
        .min_by_key(|(pos, _, _)| *pos)?;
    Some((name, inner, importance, context))
}

pub(super) fn skills(section: &Section<'_>, category: &str, r: &mut Reader<'_>) {
    struct Current {
        name: String,
        line: usize,
        importance: Option<(String, Importance, bool)>,
        subcategory: Option<String>,
        attrs: Vec<(String, String, usize)>,
    }
    let mut current: Option<Current> = None;
    let mut subcategory: Option<String> = None;
    let mut intro: Vec<(String, usize)> = Vec::new();
    let mut stray: Vec<(String, usize)> = Vec::new();
    let mut drafts: Vec<Current> = Vec::new();
    for line in rows(&section.body) {
        let t = line.text;
        if t.starts_with('|') {
            stray.push((t.to_owned(), line.no));
            continue;
        }
        let (is_bullet, content) = match line.bullet {
            Some(b) => (true, b),
            None => (false, t),
        };
        let known_label = label_line(content).is_some_and(|(label, _)| {
            let l = label.to_lowercase();
            [
                "description",
                "use",
                "why it matters",
                "how it shows up",
                "strong performance",
            ]
            .contains(&l.as_str())
        });
        let suffix = if is_bullet {
            importance_suffix(content)
        } else {
            None
        };
        if let Some((name, inner, importance, context)) = suffix {
            drafts.extend(current.take());
            current = Some(Current {
                name: name.to_owned(),
                line: line.no,
                importance: Some((inner.to_owned(), importance, context)),
                subcategory: subcategory.clone(),
                attrs: Vec::new(),
            });
        } else if let (Some(cur), Some((label, value))) = (current.as_mut(), label_line(content)) {
            cur.attrs
                .push((label.to_owned(), value.to_owned(), line.no));
        } else if is_bullet && !known_label {
            drafts.extend(current.take());
            current = Some(Current {
                name: content.to_owned(),
                line: line.no,
                importance: None,
                subcategory: subcategory.clone(),
                attrs: Vec::new(),
            });
        } else if !is_bullet && !known_label && is_heading(content) {
            drafts.extend(current.take());
            subcategory = Some(content.trim_end_matches(':').to_owned());
        } else if current.is_none() && drafts.is_empty() {
            intro.push((content.to_owned(), line.no));
        } else {
            stray.push((content.to_owned(), line.no));
        }
    }
    drafts.extend(current.take());
    r.note_intro("requirements", &intro);
    if let Some((text, line)) = stray.first() {
        let what = format!(
            "{}: {} line(s) outside any skill, from \"{}\"",
            section.label(),
            stray.len(),
            shorten(text, 60)
        );
        r.skip(
            what,
            "not a skill line (`Name (Importance)`) nor one of its `Label: text` lines",
            Some(*line),
        );
    }

    let mut unrated: Vec<String> = Vec::new();
    for d in drafts {
        let name = d.name.trim_end_matches(':').trim().to_owned();
        if name.is_empty() {
            continue;
        }
        let mut description = None;
        let mut guidance: Vec<String> = Vec::new();
        for (label, value, line) in &d.attrs {
            r.texts.push((value.clone(), *line));
            let l = label.to_lowercase();
            if description.is_none() && (l == "description" || l == "why it matters") {
                description = Some(value.clone());
            } else {
                guidance.push(format!("{label}: {value}"));
            }
        }
        let importance = match &d.importance {
            Some((inner, importance, context)) => {
                let plain = inner.eq_ignore_ascii_case(importance.as_str());
                if *context {
                    guidance.push(format!(
                        "Importance in the blueprint: {inner} (imported as optional: it is needed in some contexts only)"
                    ));
                    r.warn(
                        "context-specific",
                        format!("skill `{name}` is \"{inner}\"; imported as optional with a note in its guidance"),
                        Some(d.line),
                    );
                } else if !plain {
                    guidance.push(format!("Importance in the blueprint: {inner}"));
                }
                *importance
            }
            None => {
                unrated.push(name.clone());
                Importance::Important
            }
        };
        if !r.first("skill", &name) {
            r.warn(
                "duplicate-row",
                format!("skill `{name}` is listed twice; kept the first"),
                Some(d.line),
            );
            continue;
        }
        r.keep(&name, d.line);
        let skill = Skill {
            id: String::new(),
            name,
            code: None,
            scale: SCALE_ID.into(),
            category: Some(category.into()),
            subcategory: d.subcategory,
            description,
            guidance: (!guidance.is_empty()).then(|| guidance.join("\n")),
            source: Some(SOURCE_ID.into()),
            url: None,
            levels: IndexMap::new(),
        };
        r.skills.push(SkillDraft {
            skill,
            importance,
            line: d.line,
        });
    }
    if !unrated.is_empty() {
        r.warn(
            "missing-importance",
            format!(
                "{} skill{} in {} give no importance (Critical / Important / Optional); imported as important: {}",
                unrated.len(),
                if unrated.len() == 1 { "" } else { "s" },
                section.label(),
                shorten(&unrated.join(", "), 120)
            ),
            Some(section.line),
        );
    }
}

pub(super) fn is_tier(heading: &str) -> bool {
    let h = heading.to_lowercase();
    [
        "decide", "approv", "sign-off", "sign off", "consult", "escalat", "veto",
    ]
    .iter()
    .any(|w| h.contains(w))
}

pub(super) fn decision_rights(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("decision_rights", &o.intro);
    let mut loose: Vec<&Sub> = Vec::new();
    for sub in &o.subs {
        match &sub.heading {
            Some((h, _)) if is_tier(h) => {
                if sub.items.is_empty() {
                    r.warn(
                        "empty-section",
                        format!("decision tier \"{h}\" lists no decisions"),
                        sub.line(),
                    );
                    continue;
                }
                for (text, line) in &sub.items {
                    r.keep(text, *line);
                }
                r.level.decision_rights.push(DecisionTier {
                    tier: h.clone(),
                    items: sub.items.iter().map(|(t, _)| t.clone()).collect(),
                });
            }
            Some((h, _)) => r.group(format!("Authority: {h}"), &sub.items),
            None => loose.push(sub),
        }
    }
    r.skip_subs(section, &loose, "decisions listed under no approval tier");
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "decision rights are read from lists under approval-tier headings",
    );
}

/// A role name from a career-path line: "Senior Product Manager (most common)" → "Senior Product Manager".
pub(super) fn role_name(item: &str) -> String {
    let cut = [" (", ":", " – ", " - "]
        .iter()
        .filter_map(|p| item.find(p))
        .min()
        .unwrap_or(item.len());
    item.get(..cut).unwrap_or(item).trim().to_owned()
}

pub(super) fn promotion(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("promotion", &o.intro);
    let mut path = r.level.promotion.take().unwrap_or_default();
    let mut rest: Vec<&Sub> = Vec::new();
    for sub in &o.subs {
        let heading = sub
            .heading
            .as_ref()
            .map(|(h, _)| h.to_lowercase())
            .unwrap_or_default();
        let has = |words: &[&str]| words.iter().any(|w| heading.contains(w));
        let items: Vec<String> = sub.items.iter().map(|(t, _)| t.clone()).collect();
        let names = sub
            .items
            .iter()
            .map(|(t, l)| (role_name(t), *l))
            .filter(|(n, _)| !n.is_empty());
        if has(&["adjacent", "lateral", "alternative"]) {
            path.adjacent.extend(items);
        } else if has(&["evolv", "over time", "changes with"]) {
            for (t, l) in &sub.items {
                r.keep(t, *l);
            }
            path.evolution.extend(items);
        } else if has(&["skill", "need", "criteria", "require", "promot"]) {
            for (t, l) in &sub.items {
                r.keep(t, *l);
            }
            path.skills.extend(items);
        } else if has(&["feeder", "into", "previous", "prior", "before", "from"])
            && !has(&["next", "after", "onward", "progression to"])
        {
            r.previous.extend(names);
            path.from.extend(items);
        } else if has(&["next", "after", "onward", "progression to"]) {
            r.next.extend(names);
            path.to.extend(items);
        } else {
            rest.push(sub);
        }
    }
    r.level.promotion = (!path.is_empty()).then_some(path);
    r.skip_subs(
        section,
        &rest,
        "a career path is read as the roles people come from and move on to, adjacent paths, what promotion takes and how the role evolves",
    );
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the career path is read from lists of roles",
    );
}
