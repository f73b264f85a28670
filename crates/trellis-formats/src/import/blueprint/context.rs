//! The context sections of a blueprint, each into its own section of the role level: the summary's
//! role horizon and teams, the stakeholder map, and the sections read as headed groups (environment,
//! variants).

use trellis_model::{Escalation, ItemGroup, Stakeholder, Stakeholders, Variant, VariantBy};

use super::outline::{Sub, Table, outline};
use super::reader::Reader;
use super::sections::{Section, label_line, words};

/// Which of a role level's grouped sections a blueprint section fills.
#[derive(Debug, Clone, Copy)]
pub(super) enum Grouped {
    Environment,
    Variants,
}

impl Grouped {
    /// The key of the section's introduction.
    fn key(self) -> &'static str {
        match self {
            Grouped::Environment => "environment",
            Grouped::Variants => "variants",
        }
    }
}

/// What a variant heading varies by: "By company size", "Startup vs enterprise operating model"
/// (size); "By industry", "Regulated vs non-regulated environment" (industry); "By geography",
/// "Regional" (geography); anything else, such as the business model, is `other`.
pub(super) fn variant_by(heading: &str) -> VariantBy {
    let h = heading.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&["geograph", "region", "country", "countries", "location"]) {
        VariantBy::Geography
    } else if has(&["industry", "industries", "sector", "regulat", "domain"]) {
        VariantBy::Industry
    } else if has(&[
        "size",
        "startup",
        "start-up",
        "scale-up",
        "enterprise",
        "smb",
        "stage",
    ]) {
        VariantBy::Size
    } else {
        VariantBy::Other
    }
}

/// A setting named on its own line inside a variant group ("Startup / scale-up (Series A–C)",
/// then its points): short, capitalised, with no punctuation of a sentence.
fn setting_label(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_uppercase)
        && words(text) <= 6
        && !text.contains([',', '.', ';', ':'])
}

/// The variants of one heading. Nesting is lost in blueprints, so a group whose first line is a
/// setting's name and that names two or more settings, each with points under it, is one variant
/// per setting.
fn variants_of(heading: &str, items: Vec<String>) -> Vec<Variant> {
    let by = variant_by(heading);
    let labels: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, t)| setting_label(t))
        .map(|(i, _)| i)
        .collect();
    let each_has_points = labels
        .iter()
        .zip(labels.iter().skip(1).chain([&items.len()]))
        .all(|(a, b)| b - a > 1);
    if labels.first() == Some(&0) && labels.len() >= 2 && each_has_points {
        let mut out: Vec<Variant> = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match out.last_mut() {
                Some(v) if !labels.contains(&i) => v.items.push(item),
                _ => out.push(Variant {
                    by,
                    group: item,
                    items: Vec::new(),
                }),
            }
        }
        return out;
    }
    vec![Variant {
        by,
        group: heading.trim().to_owned(),
        items,
    }]
}

/// Adds `items` under `heading`, to the group of that heading when there is one already (two
/// groups of one heading would be a duplicate).
pub(super) fn add_group(groups: &mut Vec<ItemGroup>, heading: &str, items: Vec<String>) {
    if items.is_empty() {
        return;
    }
    let key = heading.trim().to_lowercase();
    match groups
        .iter_mut()
        .find(|g| g.group.trim().to_lowercase() == key)
    {
        Some(g) => g.items.extend(items),
        None => groups.push(ItemGroup {
            group: heading.trim().to_owned(),
            items,
        }),
    }
}

/// The groups of a section: each heading with its items. A heading with nothing under it but
/// another heading names that one's context ("Set-up" then "Works across:" become "Set-up: Works
/// across"); items before any heading go under the section's title.
/// `keep`: the items are prose of this role, for the template-leak check (variants are not: they
/// describe the role in other settings).
pub(super) fn headed_groups(
    section: &Section<'_>,
    subs: &[Sub],
    keep: bool,
    r: &mut Reader<'_>,
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    for sub in subs {
        let heading = sub.heading.as_ref().map(|(h, _)| h.clone());
        if sub.items.is_empty() {
            if let Some(h) = heading
                && let Some((earlier, line)) = pending.replace((h.clone(), sub.line().unwrap_or(0)))
            {
                // Two headings in a row: the first names the context of the second.
                pending = Some((format!("{earlier}: {h}"), line));
            }
            continue;
        }
        let name = match (pending.take(), heading) {
            (Some((context, _)), Some(h)) => format!("{context}: {h}"),
            (Some((context, _)), None) => context,
            (None, Some(h)) => h,
            (None, None) => section.title.to_owned(),
        };
        if keep {
            for (text, line) in &sub.items {
                r.keep(text, *line);
            }
        }
        out.push((name, sub.items.iter().map(|(t, _)| t.clone()).collect()));
    }
    if let Some((heading, line)) = pending {
        r.skip(
            format!("{}: the heading \"{heading}\"", section.label()),
            "nothing follows it",
            Some(line),
        );
    }
    out
}

/// A section read as headed groups into one of the level's grouped sections.
pub(super) fn grouped(section: &Section<'_>, into: Grouped, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro(into.key(), &o.intro);
    let keep = !matches!(into, Grouped::Variants);
    for (heading, items) in headed_groups(section, &o.subs, keep, r) {
        match into {
            Grouped::Environment => add_group(&mut r.level.environment, &heading, items),
            Grouped::Variants => {
                for v in variants_of(&heading, items) {
                    let key = v.group.trim().to_lowercase();
                    match r
                        .level
                        .variants
                        .iter_mut()
                        .find(|w| w.by == v.by && w.group.trim().to_lowercase() == key)
                    {
                        Some(w) => w.items.extend(v.items),
                        None => r.level.variants.push(v),
                    }
                }
            }
        }
    }
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "this section is read as headed lists; a table in it has no place in the model",
    );
}

/// The summary's context lines: `Role horizon: …` and the teams the role works with. Returns the
/// sub-lists it did not read.
pub(super) fn summary_context<'s>(subs: &[&'s Sub], r: &mut Reader<'_>) -> Vec<&'s Sub> {
    let mut rest = Vec::new();
    for sub in subs {
        let heading = sub
            .heading
            .as_ref()
            .map(|(h, _)| h.to_lowercase())
            .unwrap_or_default();
        if heading.contains("team") || heading.contains("interaction") {
            let teams: Vec<String> = sub.items.iter().flat_map(|(t, _)| split_names(t)).collect();
            if !teams.is_empty() {
                r.level
                    .stakeholders
                    .get_or_insert_with(Stakeholders::default)
                    .teams
                    .extend(teams);
                continue;
            }
        }
        let mut unread = Vec::new();
        for (text, line) in &sub.items {
            match label_line(text) {
                Some((label, value)) if label.to_lowercase().contains("horizon") => {
                    r.keep(value, *line);
                    r.level.horizon = Some(value.to_owned());
                }
                _ => unread.push((text.clone(), *line)),
            }
        }
        if unread.len() == sub.items.len() {
            rest.push(*sub);
        } else if let Some((first, line)) = unread.first() {
            r.skip(
                format!("role summary: {} context line(s) from \"{first}\"", unread.len()),
                "the summary's context is read for the role horizon and the teams the role works with",
                Some(*line),
            );
        }
    }
    rest
}

/// "Kitchen (pastry, grill), Front of house, Bar" → the names, split at commas outside brackets.
pub(super) fn split_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if (c == ',' || c == ';') && depth == 0 {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|n| n.trim().trim_end_matches('.').trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

/// `Name: what the collaboration is about` → a stakeholder; a line without a short name before a colon
/// is a name alone.
fn stakeholder(text: &str) -> Stakeholder {
    match text.split_once(": ") {
        Some((name, about)) if words(name) <= 10 && !about.trim().is_empty() => Stakeholder {
            name: name.trim().to_owned(),
            about: Some(about.trim().to_owned()),
            role_level: None,
        },
        _ => Stakeholder {
            name: text.trim().to_owned(),
            about: None,
            role_level: None,
        },
    }
}

/// `A late delivery → the head chef`: the issue and whom it goes to.
fn escalation(text: &str) -> Escalation {
    let split = ["→", "->", "⇒"]
        .iter()
        .find_map(|arrow| text.rsplit_once(arrow));
    match split {
        Some((issue, to)) if !issue.trim().is_empty() && !to.trim().is_empty() => Escalation {
            issue: issue.trim().to_owned(),
            to: Some(to.trim().to_owned()),
        },
        _ => Escalation {
            issue: text.trim().to_owned(),
            to: None,
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MapList {
    Internal,
    External,
    Peers,
    Upstream,
    Downstream,
    Ways,
    Escalations,
}

fn map_list(heading: &str) -> Option<MapList> {
    let h = heading.to_lowercase();
    let has = |w: &str| h.contains(w);
    if has("escalat") {
        Some(MapList::Escalations)
    } else if has("internal") {
        Some(MapList::Internal)
    } else if has("external") || has("customer") || has("partner") {
        Some(MapList::External)
    } else if has("peer") {
        Some(MapList::Peers)
    } else if has("downstream") || has("consumer") {
        Some(MapList::Downstream)
    } else if has("upstream") || has("depend") {
        Some(MapList::Upstream)
    } else if has("nature") || has("collaborat") || has("working") || has("interaction") {
        Some(MapList::Ways)
    } else {
        None
    }
}

/// The stakeholder map: internal, external and peer stakeholders with what the collaboration is
/// about, dependencies both ways, ways of working and escalation points.
pub(super) fn stakeholders(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("stakeholders", &o.intro);
    let mut unread: Vec<&Sub> = Vec::new();
    for sub in &o.subs {
        let Some(list) = sub.heading.as_ref().and_then(|(h, _)| map_list(h)) else {
            if !sub.items.is_empty() {
                unread.push(sub);
            }
            continue;
        };
        let mut c = r.level.stakeholders.take().unwrap_or_default();
        for (text, line) in &sub.items {
            match list {
                MapList::Internal | MapList::External | MapList::Peers => {
                    let s = stakeholder(text);
                    if let Some(p) = &s.about {
                        r.keep(p, *line);
                    }
                    let target = match list {
                        MapList::Internal => &mut c.internal,
                        MapList::External => &mut c.external,
                        _ => &mut c.peers,
                    };
                    let key = s.name.to_lowercase();
                    if target.iter().any(|t| t.name.to_lowercase() == key) {
                        r.warn(
                            "duplicate-row",
                            format!("stakeholder `{}` is listed twice; kept the first", s.name),
                            Some(*line),
                        );
                    } else {
                        target.push(s);
                    }
                }
                MapList::Upstream | MapList::Downstream | MapList::Ways => {
                    r.keep(text, *line);
                    match list {
                        MapList::Upstream => c.upstream.push(text.clone()),
                        MapList::Downstream => c.downstream.push(text.clone()),
                        _ => c.ways_of_working.push(text.clone()),
                    }
                }
                MapList::Escalations => {
                    let e = escalation(text);
                    r.keep(&e.issue, *line);
                    c.escalations.push(e);
                }
            }
        }
        r.level.stakeholders = (!c.is_empty()).then_some(c);
    }
    r.skip_subs(
        section,
        &unread,
        "a stakeholder map is read as internal and external stakeholders, peers, upstream and downstream dependencies, ways of working and escalation points",
    );
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the stakeholder map is read from its lists",
    );
}
