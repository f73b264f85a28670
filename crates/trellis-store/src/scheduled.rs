//! Changes of someone's role level, manager or team that take effect on a later day.

use std::future::Future;

use crate::{Audit, Millis, NewNotification, Person, PersonId, PersonUpdate, StoreResult};

/// A change of someone's place that waits for its day. Each field is `None` when it does not
/// change, `Some(None)` when it changes to none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledAssignment {
    pub id: i64,
    pub person_id: PersonId,
    /// `YYYY-MM-DD`.
    pub effective_on: String,
    /// A role level (`track/level`) of the framework current when it is made.
    pub role_level: Option<Option<String>>,
    pub manager_id: Option<Option<PersonId>>,
    /// A team's name, made on the day if it does not exist by then.
    pub team: Option<Option<String>>,
    pub scheduled_by: Option<PersonId>,
    pub scheduled_at: Millis,
}

/// What is to change, and from when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewScheduledAssignment {
    pub person_id: PersonId,
    pub effective_on: String,
    pub role_level: Option<Option<String>>,
    pub manager_id: Option<Option<PersonId>>,
    pub team: Option<Option<String>>,
}

/// Role level, manager and team changes from a later day. At most one waits per person.
pub trait ScheduleStore: Send + Sync {
    /// Records a change for its day, replacing one that waited for the same person, with its
    /// audit event (`person.schedule`). `NotFound` for an unknown person.
    fn schedule_assignment(
        &self,
        new: NewScheduledAssignment,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<ScheduledAssignment>> + Send;
    /// The change waiting for a person, if any.
    fn scheduled_assignment(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Option<ScheduledAssignment>>> + Send;
    /// Cancels the change waiting for a person (audited as `person.schedule-cancel`); false when
    /// none waited.
    fn cancel_scheduled_assignment(
        &self,
        person: PersonId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// The waiting changes whose day is `today` (`YYYY-MM-DD`) or earlier, oldest day first.
    fn scheduled_assignments_due(
        &self,
        today: &str,
    ) -> impl Future<Output = StoreResult<Vec<ScheduledAssignment>>> + Send;
    /// Makes a waiting change: the person's update (as [`PeopleStore::update_person`] would,
    /// with its audit event) and the change marked made, in one transaction. `NotFound` when the
    /// change no longer waits (made or cancelled meanwhile).
    ///
    /// [`PeopleStore::update_person`]: crate::PeopleStore::update_person
    fn apply_scheduled_assignment(
        &self,
        id: i64,
        update: PersonUpdate,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Person>> + Send;
    /// Marks a waiting change as one that could not be made, with why (audited as
    /// `person.schedule-failed`), and writes the notices telling whom it concerns.
    fn fail_scheduled_assignment(
        &self,
        id: i64,
        why: &str,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
