//! A manager's team at a glance: the skills matrix (people × the requirements of their role levels,
//! each cell the gap between the manager's or agreed level and the required one), the requirements
//! most often unmet, and the skills only one person holds.
//!
//! Built from two batch reads for the whole team (latest ratings and evidence counts), never a
//! query per person, so a team of 50 renders in a few milliseconds.

use std::collections::HashMap;

use trellis_model::readiness::{ObservedSkills, Readiness, ReadinessStatus, RequirementReadiness};
use trellis_model::{Framework, Importance};
use trellis_store::{Person, PersonId};

use super::rank_of;
use crate::frameworks::Published;

/// One person of the team with their readiness for their own role level.
#[derive(Debug)]
pub struct Member {
    pub person: Person,
    pub role_title: String,
    /// `None` when they have no role level, or one the framework no longer has.
    pub readiness: Option<Readiness>,
}

/// A skill column of the matrix.
#[derive(Debug, Clone)]
pub struct Column {
    pub skill: String,
    pub name: String,
    /// How many people's role levels require it.
    pub required_by: usize,
}

/// One cell: the gap, said with a symbol and a number as well as a colour class.
#[derive(Debug, Clone)]
pub struct Cell {
    /// `gap-met`, `gap-1`, `gap-2`, `gap-unknown`, `gap-na` or `gap-none` (not required).
    pub class: &'static str,
    pub text: String,
    /// The whole story in words, for the link's accessible name and tooltip.
    pub label: String,
    pub href: Option<String>,
}

#[derive(Debug)]
pub struct Row {
    pub name: String,
    pub href: String,
    pub role: String,
    /// "Ready", "Not ready (60%)", "Not yet assessed" or "No role level".
    pub readiness: String,
    pub ready: bool,
    pub cells: Vec<Cell>,
}

/// A requirement often unmet across the team.
#[derive(Debug)]
pub struct Gap {
    pub skill: String,
    pub name: String,
    pub unmet: usize,
    pub required_by: usize,
    pub who: Vec<String>,
}

/// A skill held at or above the required level by one person only.
#[derive(Debug)]
pub struct Risk {
    pub skill: String,
    pub name: String,
    pub holder: String,
    pub holder_href: String,
    pub required_by: usize,
}

#[derive(Debug)]
pub struct Matrix {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub gaps: Vec<Gap>,
    pub risks: Vec<Risk>,
    pub ready: usize,
}

/// Readiness of each person for their own role level.
pub fn members(
    published: &Published,
    people: Vec<Person>,
    observed: &HashMap<PersonId, ObservedSkills>,
) -> Vec<Member> {
    let empty = ObservedSkills::default();
    people
        .into_iter()
        .map(|person| {
            let (role_title, readiness) = match &person.role_level {
                Some(rl) => match published.profile(rl) {
                    Some(p) => (
                        p.title.clone(),
                        Some(trellis_model::readiness::readiness(
                            &published.framework,
                            &p,
                            observed.get(&person.id).unwrap_or(&empty),
                        )),
                    ),
                    None => (rl.clone(), None),
                },
                None => ("No role level".to_owned(), None),
            };
            Member {
                person,
                role_title,
                readiness,
            }
        })
        .collect()
}

/// The decisive level of a requirement (agreed, else the manager's), as (rank, scale length).
fn decisive(fw: &Framework, r: &RequirementReadiness) -> Option<(usize, usize)> {
    let level = r.agreed.as_deref().or(r.manager.as_deref())?;
    rank_of(fw, &r.skill, level)
}

/// The gap of a requirement: decisive rank minus required rank.
pub fn gap(fw: &Framework, r: &RequirementReadiness) -> Option<i64> {
    let (have, _) = decisive(fw, r)?;
    let (need, _) = rank_of(fw, &r.skill, r.required.as_str())?;
    Some(have as i64 - need as i64)
}

/// The cell of a requirement whose [`gap`] is `gap`.
fn cell(
    published: &Published,
    person: &Person,
    r: &RequirementReadiness,
    gap: Option<i64>,
) -> Cell {
    let href = Some(format!("/people/{}#req-{}", person.id, r.skill));
    // A matrix has a cell per person and skill: each label is written in one go.
    let (who, skill) = (&person.name, &r.skill_name);
    if r.status == ReadinessStatus::NotApplicable {
        return Cell {
            class: "gap-na",
            text: "n/a".into(),
            label: format!("{who}, {skill}: not applicable"),
            href,
        };
    }
    let required = published.level_label_ref(&r.skill, r.required.as_str());
    match gap {
        None => Cell {
            class: "gap-unknown",
            text: "?".into(),
            label: format!("{who}, {skill}: not yet rated by a manager; {required} required"),
            href,
        },
        Some(0) => Cell {
            class: "gap-met",
            text: "✓ 0".into(),
            label: format!("{who}, {skill}: meets the required {required}"),
            href,
        },
        Some(g) if g > 0 => Cell {
            class: "gap-met",
            text: format!("✓ +{g}"),
            label: format!(
                "{who}, {skill}: {g} level{} above the required {required}",
                if g == 1 { "" } else { "s" }
            ),
            href,
        },
        Some(g) => Cell {
            class: if g == -1 { "gap-1" } else { "gap-2" },
            text: format!("▼ {}", -g),
            label: format!(
                "{who}, {skill}: {} level{} below the required {required}",
                -g,
                if g == -1 { "" } else { "s" }
            ),
            href,
        },
    }
}

pub fn matrix(published: &Published, members: &[Member]) -> Matrix {
    let fw = &published.framework;
    // Columns: every skill some member's role level requires, most widely required first.
    let mut columns: Vec<Column> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut importance: HashMap<&str, Importance> = HashMap::new();
    for m in members {
        for r in m.readiness.iter().flat_map(|r| &r.requirements) {
            match index.get(r.skill.as_str()) {
                Some(&i) => columns[i].required_by += 1,
                None => {
                    index.insert(&r.skill, columns.len());
                    columns.push(Column {
                        skill: r.skill.clone(),
                        name: r.skill_name.clone(),
                        required_by: 1,
                    });
                }
            }
            let e = importance.entry(&r.skill).or_insert(r.importance);
            *e = (*e).min(r.importance);
        }
    }
    columns.sort_by(|a, b| {
        importance[a.skill.as_str()]
            .cmp(&importance[b.skill.as_str()])
            .then(b.required_by.cmp(&a.required_by))
            .then(a.name.cmp(&b.name))
    });
    let position: HashMap<String, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.skill.clone(), i))
        .collect();

    let mut unmet: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
    let mut holders: Vec<Vec<(String, PersonId)>> = vec![Vec::new(); columns.len()];
    let mut ready = 0;
    let rows = members
        .iter()
        .map(|m| {
            let mut cells = vec![
                Cell {
                    class: "gap-none",
                    text: "—".into(),
                    label: String::new(),
                    href: None,
                };
                columns.len()
            ];
            let (readiness, is_ready) = match &m.readiness {
                Some(r) if r.ready => ("Ready".to_owned(), true),
                Some(r) if !r.assessed() => ("Not yet assessed".to_owned(), false),
                Some(r) => (format!("Not ready ({:.0}%)", r.score * 100.0), false),
                None => ("No role level".to_owned(), false),
            };
            if is_ready {
                ready += 1;
            }
            for r in m.readiness.iter().flat_map(|r| &r.requirements) {
                let i = position[&r.skill];
                // Each gap is reckoned once: it ranks two levels on the skill's scale.
                let g = gap(fw, r);
                cells[i] = cell(published, &m.person, r, g);
                match r.status {
                    // Not rated yet is not a gap.
                    ReadinessStatus::NotMet if g.is_some() => unmet[i].push(m.person.name.clone()),
                    ReadinessStatus::NotMet => {}
                    ReadinessStatus::Met => {
                        if g.is_some_and(|g| g >= 0) {
                            holders[i].push((m.person.name.clone(), m.person.id));
                        }
                    }
                    ReadinessStatus::NotApplicable => {}
                }
            }
            Row {
                name: m.person.name.clone(),
                href: format!("/people/{}", m.person.id),
                role: m.role_title.clone(),
                readiness,
                ready: is_ready,
                cells,
            }
        })
        .collect();

    let mut gaps: Vec<Gap> = columns
        .iter()
        .zip(unmet)
        .filter(|(_, who)| !who.is_empty())
        .map(|(c, who)| Gap {
            skill: c.skill.clone(),
            name: c.name.clone(),
            unmet: who.len(),
            required_by: c.required_by,
            who,
        })
        .collect();
    gaps.sort_by(|a, b| b.unmet.cmp(&a.unmet).then(a.name.cmp(&b.name)));
    let mut risks: Vec<Risk> = columns
        .iter()
        .zip(holders)
        .filter(|(_, h)| h.len() == 1)
        .map(|(c, h)| Risk {
            skill: c.skill.clone(),
            name: c.name.clone(),
            holder: h[0].0.clone(),
            holder_href: format!("/people/{}", h[0].1),
            required_by: c.required_by,
        })
        .collect();
    risks.sort_by(|a, b| b.required_by.cmp(&a.required_by).then(a.name.cmp(&b.name)));
    Matrix {
        columns,
        rows,
        gaps,
        risks,
        ready,
    }
}

impl Matrix {
    pub fn empty() -> Matrix {
        Matrix {
            columns: Vec::new(),
            rows: Vec::new(),
            gaps: Vec::new(),
            risks: Vec::new(),
            ready: 0,
        }
    }
}

/// The header of the team CSV.
pub fn csv_header() -> String {
    let mut out = String::new();
    super::csv::row(
        &mut out,
        &[
            "person_id",
            "name",
            "email",
            "role_level",
            "skill",
            "skill_name",
            "importance",
            "required",
            "self",
            "manager",
            "agreed",
            "status",
            "gap",
            "evidence_count",
            "ready_for_role_level",
        ],
    );
    out
}

/// The team as CSV: one row per person and requirement.
pub fn csv(fw: &Framework, members: &[Member]) -> String {
    let mut out = csv_header();
    for m in members {
        let Some(readiness) = &m.readiness else {
            continue;
        };
        for r in &readiness.requirements {
            let status = match r.status {
                ReadinessStatus::Met => "met",
                ReadinessStatus::NotMet => "not-met",
                ReadinessStatus::NotApplicable => "not-applicable",
            };
            super::csv::row(
                &mut out,
                &[
                    m.person.id.to_string(),
                    m.person.name.clone(),
                    m.person.email.clone(),
                    readiness.role_level.clone(),
                    r.skill.clone(),
                    r.skill_name.clone(),
                    r.importance.as_str().to_owned(),
                    r.required.to_string(),
                    r.self_level.clone().unwrap_or_default(),
                    r.manager.clone().unwrap_or_default(),
                    r.agreed.clone().unwrap_or_default(),
                    status.to_owned(),
                    gap(fw, r).map(|g| g.to_string()).unwrap_or_default(),
                    r.evidence_count.to_string(),
                    if readiness.ready { "yes" } else { "no" }.to_owned(),
                ],
            );
        }
    }
    out
}
