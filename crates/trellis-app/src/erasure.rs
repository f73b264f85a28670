//! The right to erasure, and retention for people who left: their personal data removed (see
//! `ErasureStore::erase_person` for exactly what), by an administrator or by the operator's
//! scheduled `trellis people retention`.

use std::time::Duration;

use trellis_store::prelude::*;
use trellis_store::{ErasureReport, Person, PersonId, StoreError, SystemRole};

use crate::access;
use crate::error::{AppError, AppResult};
use crate::time::now_millis;
use crate::use_cases::By;

use_case_area!(Erasures, erasures);

/// What a retention run found and did.
#[derive(Debug, Default)]
pub struct Retention {
    /// People who left at or before the cutoff and were not erased yet.
    pub due: Vec<Person>,
    /// What was erased (none on a dry run).
    pub erased: Vec<ErasureReport>,
}

impl Erasures<'_> {
    /// Erases a person's personal data. Only administrators (or the operator); a person who is
    /// still active must be deactivated first, so that nobody is erased by a slip of the hand.
    pub async fn erase(
        &self,
        by: By<'_>,
        person: PersonId,
        keep_ratings: bool,
    ) -> AppResult<ErasureReport> {
        let store = self.app.store();
        if let By::Admin(actor) = by
            && actor.role() != SystemRole::Admin
        {
            let why = "Only administrators erase a person's data.";
            return Err(access::deny(store, &actor.audit(), format!("person:{person}"), why).await);
        }
        let target = store.person(person).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::not_found("There is no such person."),
            other => other.into(),
        })?;
        if target.active {
            return Err(AppError::conflict(
                "Deactivate this account before erasing it: an active person's data is not erased.",
            ));
        }
        store
            .erase_person(person, keep_ratings, &by.audit())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) if m.contains("erased already") => {
                    AppError::conflict("This person's data has been erased already.")
                }
                other => other.into(),
            })
    }

    /// Applies a retention period: erases everyone deactivated at least `after` ago (or only lists
    /// them, on a dry run). The operator's command; each erasure is its own transaction, audited.
    pub async fn apply_retention(
        &self,
        after: Duration,
        keep_ratings: bool,
        dry_run: bool,
    ) -> AppResult<Retention> {
        let after = i64::try_from(after.as_millis()).unwrap_or(i64::MAX);
        let cutoff = now_millis().saturating_sub(after);
        let due = self.app.store().departed_before(cutoff).await?;
        let mut erased = Vec::new();
        if !dry_run {
            for person in &due {
                erased.push(self.erase(By::Operator, person.id, keep_ratings).await?);
            }
        }
        Ok(Retention { due, erased })
    }
}
