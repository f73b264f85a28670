//! People brought in line with the HR system's file, all at once.

use std::future::Future;

use serde::Serialize;

use crate::{Audit, FrameworkVersionId, Millis, PersonId, StoreResult};

/// One person as the file has them: created, or an existing one brought in line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPerson {
    /// The person it changes; `None` creates one (a member, without a password).
    pub id: Option<PersonId>,
    pub email: String,
    pub name: String,
    /// A team name, created when there is none by that name.
    pub team: Option<String>,
    /// By email: someone else in the import or already stored.
    pub manager_email: Option<String>,
    pub role_level: Option<String>,
    pub role_level_version: Option<FrameworkVersionId>,
    pub role_level_since: Option<Millis>,
}

/// What an import changes: the people new or changed (each set whole, active), and those
/// deactivated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleImport {
    pub people: Vec<ImportedPerson>,
    pub deactivate: Vec<PersonId>,
}

/// The people an import created, changed and deactivated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub created: Vec<PersonId>,
    pub changed: Vec<PersonId>,
    pub deactivated: Vec<PersonId>,
}

pub trait PeopleImportStore: Send + Sync {
    /// Applies an import in one transaction with one audit event (`people.import`): every change
    /// or none. `Invalid` for a manager email that names nobody; `Conflict` for an email taken
    /// meanwhile, a reporting line that would loop, or ([`crate::LAST_ADMIN`]) no active
    /// administrator left.
    fn import_people(
        &self,
        import: PeopleImport,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Imported>> + Send;
}
