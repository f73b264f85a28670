//! Erasing a person's personal data (the right to erasure), and finding who left long enough ago
//! for the organisation's retention period.

use std::future::Future;

use crate::{Audit, Millis, Person, PersonId, StoreResult};

/// What an erasure removed, by kind of record, for the operator and the audit log (counts only,
/// never the erased data).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ErasureReport {
    pub person_id: PersonId,
    /// Whether the ratings about them were kept (without comments) for anonymised aggregates.
    pub kept_ratings: bool,
    /// (what, how many): e.g. ("evidence", 3).
    pub removed: Vec<(&'static str, u64)>,
}

impl ErasureReport {
    /// How many records of this kind were removed.
    pub fn removed(&self, what: &str) -> u64 {
        self.removed
            .iter()
            .find(|(w, _)| *w == what)
            .map_or(0, |(_, n)| *n)
    }
}

pub trait ErasureStore: Send + Sync {
    /// Erases a person's personal data in one transaction. The row of `people` stays,
    /// pseudonymised ("Erased person", an `.invalid` email, no password, deactivated, no manager),
    /// so that what others wrote keeps its author and the audit log its references. Removed:
    /// sessions, API tokens, reset links, their inbox and settings, their evidence with its
    /// history, their development plan, the check-ins about them (and their private notes in
    /// others'), their drafts and answers to outcomes. The assessments about them are removed too,
    /// unless `keep_ratings`: then their levels stay for anonymised aggregates (team, role level
    /// and ratings, every comment removed). Audited as `person.erase` with counts only.
    /// `Conflict` if already erased or the last active administrator; `NotFound` for no one.
    fn erase_person(
        &self,
        id: PersonId,
        keep_ratings: bool,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<ErasureReport>> + Send;
    /// People deactivated at or before `cutoff` and not erased yet, oldest departure first.
    fn departed_before(
        &self,
        cutoff: Millis,
    ) -> impl Future<Output = StoreResult<Vec<Person>>> + Send;
}
