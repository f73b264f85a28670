//! People: whom an actor may see, and a person's whole record read once with the access decision.

use trellis_model::readiness::ObservedSkills;
use trellis_store::prelude::*;
use trellis_store::{Person, PersonId, PersonRecord, RaterKind, StoreError, SystemRole};

use crate::Database;
use crate::access::{Actor, Relation, is_staff};
use crate::error::{AppError, AppResult};
use crate::growth::readiness::rated;
use crate::time::today;

use_case_area!(
    /// The people use cases (`app.people()`).
    People,
    people
);

impl People<'_> {
    /// Everyone the actor may see, by name: all people for the people team and admins; for a
    /// member, themselves and everyone below them in their reporting lines.
    pub async fn visible_to(&self, actor: &Actor) -> AppResult<Vec<Person>> {
        visible_to(self.app.store(), actor).await
    }

    /// A person's whole record (what their page shows) with the actor's relation to them, in one
    /// read: the record carries the person's reporting line, which decides the relation. Refused
    /// (and the refusal audited) unless the actor may see it, as if there were no such person: a
    /// member asking for someone who does not exist gets the same answer, so ids cannot be probed.
    /// For the person themselves, the results of review cycles not shared yet are left out, and
    /// listed last so that the page can say when they come.
    pub async fn record(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> AppResult<(PersonRecord, Relation, Vec<crate::sharing::Withheld>)> {
        let store = self.app.store();
        let mut record = match store.person_record(id).await {
            Ok(r) => r,
            Err(StoreError::NotFound(_)) if !is_staff(actor.role()) && id != actor.id() => {
                return Err(crate::growth::hidden_person(self.app, actor, id).await);
            }
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::not_found(crate::growth::NO_SUCH_PERSON));
            }
            Err(e) => return Err(e.into()),
        };
        let relation = Relation::of(&actor.person, &record.person, &record.managers);
        if !relation.may_view() {
            return Err(crate::growth::hidden_person(self.app, actor, id).await);
        }
        let mut withheld = Vec::new();
        if relation == Relation::Myself && record.in_unshared_cycle {
            withheld = crate::sharing::withheld_from(self.app, id, &today()).await?;
            record
                .rating_history
                .retain(|r| !crate::sharing::hidden(&withheld, r));
        }
        Ok((record, relation, withheld))
    }
}

impl People<'_> {
    /// A person and what is known of their skills (for readiness), refused as [`People::record`]
    /// refuses unless the actor may see them: in one read with the reporting line that decides
    /// access. A person's own are less what is not shared with them yet, asked for only when one
    /// of their review cycles is not shared.
    pub async fn observed(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> AppResult<(Person, ObservedSkills)> {
        let seen = match self.app.store().observed_person(id).await {
            Ok(seen) => seen,
            Err(StoreError::NotFound(_)) if !is_staff(actor.role()) && id != actor.id() => {
                return Err(crate::growth::hidden_person(self.app, actor, id).await);
            }
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::not_found(crate::growth::NO_SUCH_PERSON));
            }
            Err(e) => return Err(e.into()),
        };
        let relation = Relation::of(&actor.person, &seen.person, &seen.managers);
        if !relation.may_view() {
            return Err(crate::growth::hidden_person(self.app, actor, id).await);
        }
        if relation == Relation::Myself && seen.in_unshared_cycle {
            let observed = crate::sharing::own_observed(self.app, id, &today()).await?;
            return Ok((seen.person, observed));
        }
        let observed = crate::growth::observed_by_person(
            &seen.observations.latest,
            &seen.observations.evidence_counts,
        )
        .remove(&id)
        .unwrap_or_default();
        Ok((seen.person, observed))
    }
}

/// See [`People::visible_to`].
pub async fn visible_to(store: &Database, actor: &Actor) -> AppResult<Vec<Person>> {
    if actor.role() != SystemRole::Member {
        return Ok(store.people().await?);
    }
    let mut out = store.reports(actor.id()).await?;
    out.push(actor.person.clone());
    out.sort_by_key(|p| p.name.to_lowercase());
    Ok(out)
}

/// What is known of a person's skills from their record: the newest rating of each kind per skill
/// (the record's history is oldest first) and how many pieces of evidence support each skill. The
/// same as [`crate::growth::observed_of`], without another read.
pub fn observed_in(record: &PersonRecord) -> ObservedSkills {
    let mut out = ObservedSkills::default();
    // Newest first, so that each skill and kind is read once (a person page reads a hundred
    // ratings or more), and each skill named once.
    for r in record.rating_history.iter().rev() {
        let o = match out.get_mut(r.skill.as_str()) {
            Some(o) => o,
            None => out.entry(r.skill.clone()).or_default(),
        };
        let slot = match r.rater_kind {
            RaterKind::SelfRater => &mut o.self_rating,
            RaterKind::Manager => &mut o.manager,
            RaterKind::Agreed => &mut o.agreed,
            RaterKind::Peer => continue,
        };
        if slot.is_none() {
            *slot = rated(r);
        }
    }
    for e in &record.evidence {
        for skill in &e.skills {
            match out.get_mut(skill.as_str()) {
                Some(o) => o.evidence_count += 1,
                None => out.entry(skill.clone()).or_default().evidence_count += 1,
            }
        }
    }
    out
}
