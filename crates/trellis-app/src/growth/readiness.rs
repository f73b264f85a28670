//! Readiness: what is known of people's skills (latest ratings, evidence counts), readiness for a
//! role level, and how ratings and levels read.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use trellis_model::readiness::{ObservedSkills, Rated, Readiness, readiness};
use trellis_model::{Framework, Profile};
use trellis_store::prelude::*;
use trellis_store::{Assessment, LatestRating, PersonId, RaterKind, Rating, Stage, StoreError};
use trellis_store_sql::Database;

use crate::access::Relation;
use crate::error::AppResult;
use crate::frameworks::Published;

// ---------------------------------------------------------------------------------------------
// Readiness.

pub(crate) fn rated(r: &Rating) -> Option<Rated> {
    rated_as(&r.level, &r.not_applicable)
}

/// What a rating says: a level, or why the skill does not apply.
fn rated_as(level: &Option<String>, not_applicable: &Option<String>) -> Option<Rated> {
    match (not_applicable, level) {
        (Some(reason), _) => Some(Rated::NotApplicable(reason.clone())),
        (None, Some(level)) => Some(Rated::Level(trellis_model::LevelId(level.clone()))),
        (None, None) => None,
    }
}

/// What is known of each person's skills, from the latest ratings and the evidence counts of many
/// people at once.
pub fn observed_by_person(
    latest: &[LatestRating],
    counts: &[(PersonId, String, i64)],
) -> HashMap<PersonId, ObservedSkills> {
    let mut out: HashMap<PersonId, ObservedSkills> = HashMap::new();
    for r in latest {
        let skills = out.entry(r.person_id).or_default();
        // A skill is named by many ratings: its name is copied for the first only.
        let o = match skills.get_mut(r.skill.as_str()) {
            Some(o) => o,
            None => skills.entry(r.skill.clone()).or_default(),
        };
        match r.rater_kind {
            RaterKind::SelfRater => o.self_rating = rated_as(&r.level, &r.not_applicable),
            RaterKind::Manager => o.manager = rated_as(&r.level, &r.not_applicable),
            RaterKind::Agreed => o.agreed = rated_as(&r.level, &r.not_applicable),
            RaterKind::Peer => {}
        }
    }
    for (person, skill, n) in counts {
        let skills = out.entry(*person).or_default();
        let o = match skills.get_mut(skill.as_str()) {
            Some(o) => o,
            None => skills.entry(skill.clone()).or_default(),
        };
        o.evidence_count = usize::try_from(*n).unwrap_or(0);
    }
    out
}

/// What is known of one person's skills.
pub async fn observed_of(store: &Database, person: PersonId) -> AppResult<ObservedSkills> {
    let seen = store.observations(&[person]).await?;
    Ok(observed_by_person(&seen.latest, &seen.evidence_counts)
        .remove(&person)
        .unwrap_or_default())
}

/// Readiness against a role level of a framework version; `None` when it has no such level.
pub fn readiness_for(
    published: &Published,
    role_level: &str,
    observed: &ObservedSkills,
) -> Option<(Arc<Profile>, Readiness)> {
    let profile = published.profile(role_level)?;
    let r = readiness(&published.framework, &profile, observed);
    Some((profile, r))
}

/// Whether a rating of an assessment is shown to someone with this relation to the person: self
/// ratings once submitted, manager ratings to the person once the manager has submitted, the rest
/// always (peer input is only stored when submitted).
pub fn rating_visible(a: &Assessment, relation: Relation, r: &Rating) -> bool {
    match r.rater_kind {
        RaterKind::SelfRater => relation == Relation::Myself || a.stage > Stage::SelfRating,
        RaterKind::Manager => relation != Relation::Myself || a.stage > Stage::Manager,
        RaterKind::Peer | RaterKind::Agreed => true,
    }
}

/// The level of a rating as people read it: "Practitioner (practitioner)" or "Not applicable".
pub fn rating_text(fw: &Framework, r: &Rating) -> String {
    rating_text_by(r, |skill, level| level_label(fw, skill, level).into()).into_owned()
}

/// [`rating_text`] with levels labelled by `label(skill, level)`, which may lend its labels.
pub fn rating_text_by<'a>(r: &Rating, label: impl Fn(&str, &str) -> Cow<'a, str>) -> Cow<'a, str> {
    match (&r.level, &r.not_applicable) {
        (_, Some(_)) => Cow::Borrowed("Not applicable"),
        (Some(l), None) => label(&r.skill, l),
        (None, None) => Cow::Borrowed(""),
    }
}

/// A level's label on a skill's scale, with the id when it adds something.
pub fn level_label(fw: &Framework, skill: &str, level: &str) -> String {
    if level == "n/a" {
        return "Not applicable".to_owned();
    }
    let label = fw
        .skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .and_then(|sc| sc.level(level))
        .map(|l| l.label.clone())
        .unwrap_or_default();
    level_text(level, &label)
}

/// "3 (Practitioner)", or the label alone when it already says the id.
pub fn level_text(id: &str, label: &str) -> String {
    let label = label.trim();
    if label.is_empty() {
        return id.to_owned();
    }
    // Pages show hundreds of levels: ASCII ids and labels (the usual case) are compared without
    // allocating.
    let names_id = if id.is_ascii() && label.is_ascii() {
        label.eq_ignore_ascii_case(id)
            || label.len() > id.len()
                && label[..label.len() - id.len()].ends_with(' ')
                && label[label.len() - id.len()..].eq_ignore_ascii_case(id)
    } else {
        let lower = label.to_lowercase();
        let id_lower = id.to_lowercase();
        lower == id_lower || lower.ends_with(&format!(" {id_lower}"))
    };
    if names_id {
        label.to_owned()
    } else {
        format!("{id} ({label})")
    }
}

/// Position of a level on a skill's scale and the scale's length.
pub fn rank_of(fw: &Framework, skill: &str, level: &str) -> Option<(usize, usize)> {
    let scale = fw.skill(skill).and_then(|s| fw.scale(&s.scale))?;
    Some((scale.rank(level)?, scale.levels.len()))
}

/// The levels of a skill's scale as (id, "Label"), for selects.
pub fn scale_options(fw: &Framework, skill: &str) -> Vec<(String, String)> {
    fw.skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .map(|sc| {
            sc.levels
                .iter()
                .map(|l| (l.id.to_string(), level_text(l.id.as_str(), &l.label)))
                .collect()
        })
        .unwrap_or_default()
}

/// Names of people by id, for "who did what".
pub async fn names(store: &Database, ids: Vec<PersonId>) -> AppResult<HashMap<PersonId, String>> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            let name = match store.person(id).await {
                Ok(p) => p.name,
                Err(StoreError::NotFound(_)) => format!("person {id}"),
                Err(e) => return Err(e.into()),
            };
            e.insert(name);
        }
    }
    Ok(out)
}
