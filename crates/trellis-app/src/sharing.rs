//! What of a review cycle's results waits for its sharing day: until then the person assessed
//! does not see the manager's ratings or the agreed outcome of their assessment in the cycle
//! (their own self-ratings they do), on any page, in the API or in what they are told. Managers,
//! the people team and admins see everything as it is made.
//!
//! The personal data export is the exception: it is the person's right of access, so it gives
//! every rating held about them, those of a cycle not shared yet included (see
//! [`crate::privacy`]).

use std::collections::HashMap;

use trellis_model::readiness::ObservedSkills;
use trellis_store::prelude::*;
use trellis_store::{
    Assessment, AssessmentId, CycleStatus, PersonId, RaterKind, Rating, ReviewCycle,
};

use crate::App;
use crate::error::AppResult;

/// A cycle's results held back from the person assessed, for one of their assessments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    pub assessment_id: AssessmentId,
    pub cycle: String,
    /// The sharing day, once the cycle is closed.
    pub shares_on: Option<String>,
}

impl Withheld {
    fn of(assessment_id: AssessmentId, c: &ReviewCycle) -> Withheld {
        Withheld {
            assessment_id,
            cycle: c.name.clone(),
            shares_on: c.shares_on.clone(),
        }
    }

    /// The line the person reads where the results would be.
    pub fn line(&self) -> String {
        match &self.shares_on {
            Some(day) => format!("Results of {} are shared on {day}", self.cycle),
            None => format!(
                "Results of {} are shared once the cycle is closed",
                self.cycle
            ),
        }
    }

    /// Whether the person may not see this rating of the assessment yet.
    pub fn hides(&self, r: &Rating) -> bool {
        r.assessment_id == self.assessment_id
            && matches!(r.rater_kind, RaterKind::Manager | RaterKind::Agreed)
    }
}

/// Whether a cycle's results are shared with its people on `today`: marked shared by the daily
/// run, or closed with its day come (the run may not have passed yet today).
pub fn results_shared(c: &ReviewCycle, today: &str) -> bool {
    c.shared_at.is_some()
        || (c.status == CycleStatus::Closed
            && c.shares_on.as_deref().is_some_and(|day| day <= today))
}

/// What of one assessment is withheld from its person on `today`, if anything.
pub async fn withheld_assessment(
    app: &App,
    a: &Assessment,
    today: &str,
) -> AppResult<Option<Withheld>> {
    Ok(app
        .store()
        .cycle_of_assessment(a.id)
        .await?
        .filter(|c| !results_shared(c, today))
        .map(|c| Withheld::of(a.id, &c)))
}

/// Every assessment of a person whose cycle's results are withheld from them on `today`.
pub async fn withheld_from(app: &App, person: PersonId, today: &str) -> AppResult<Vec<Withheld>> {
    Ok(app
        .store()
        .unshared_cycle_assessments(person)
        .await?
        .into_iter()
        .filter(|ca| !results_shared(&ca.cycle, today))
        .map(|ca| Withheld::of(ca.assessment_id, &ca.cycle))
        .collect())
}

/// Whether any of `withheld` hides the rating.
pub fn hidden(withheld: &[Withheld], r: &Rating) -> bool {
    withheld.iter().any(|w| w.hides(r))
}

/// What a person themselves may see of their skills on `today`: their observations without the
/// ratings of cycles not shared yet. One read more than [`crate::growth::observed_of`] only when
/// something is withheld, since the newest rating they may see is then an older one.
pub async fn own_observed(app: &App, person: PersonId, today: &str) -> AppResult<ObservedSkills> {
    let withheld = withheld_from(app, person, today).await?;
    observed_without(app, person, &withheld).await
}

/// A person's observations without the ratings `withheld` hides.
pub async fn observed_without(
    app: &App,
    person: PersonId,
    withheld: &[Withheld],
) -> AppResult<ObservedSkills> {
    if withheld.is_empty() {
        return crate::growth::observed_of(app.store(), person).await;
    }
    let mut record = app.store().person_record(person).await?;
    record.rating_history.retain(|r| !hidden(withheld, r));
    Ok(crate::people::observed_in(&record))
}

/// The newest rating of each skill by each kind (peers aside) that a person themselves may see
/// on `today`; the store's latest ratings when nothing is withheld.
pub async fn own_latest_ratings(
    app: &App,
    person: PersonId,
    today: &str,
) -> AppResult<Vec<Rating>> {
    let withheld = withheld_from(app, person, today).await?;
    if withheld.is_empty() {
        return Ok(app.store().latest_ratings(&[person]).await?);
    }
    let record = app.store().person_record(person).await?;
    // The history is oldest first: the last of each skill and kind is the newest.
    let mut latest: HashMap<(String, RaterKind), Rating> = HashMap::new();
    for r in record.rating_history {
        if r.rater_kind != RaterKind::Peer && !hidden(&withheld, &r) {
            latest.insert((r.skill.clone(), r.rater_kind), r);
        }
    }
    Ok(latest.into_values().collect())
}
