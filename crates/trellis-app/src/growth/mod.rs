//! Growth conversations, shared by the pages and the API: assessments and their ratings, peer
//! input, evidence, readiness built from the latest ratings, and team views. Who may see and do what
//! is decided by [`crate::access`]; every refusal names the field at fault and is decided before
//! anything is written.
//!
//! - [`assessments`]: starting one, the checks on ratings, submitting a stage;
//! - [`peers`]: asking for and giving peer input; [`evidence`]: adding evidence;
//! - [`readiness`]: what is known of a person's skills and how it reads; [`team`]: team views.

pub mod assessments;
pub mod csv;
pub mod evidence;
pub mod outcome;
pub mod peers;
pub mod planning;
pub mod readiness;
pub mod team;

pub use assessments::*;
pub use evidence::*;
pub use outcome::*;
pub use peers::*;
pub use readiness::*;

use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{Outcome, Person, PersonId, StoreError};
use trellis_store_sql::Database;

use crate::App;
use crate::access::{self, Actor, Relation};
use crate::error::{AppError, AppResult};

// ---------------------------------------------------------------------------------------------
// Who may do what.

pub async fn load_person(store: &Database, id: PersonId) -> AppResult<Person> {
    store.person(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => AppError::not_found(NO_SUCH_PERSON),
        other => other.into(),
    })
}

/// A person and how the actor stands to them, in one read.
async fn person_and_relation(
    app: &App,
    actor: &Actor,
    id: PersonId,
) -> AppResult<(Person, Relation)> {
    match access::seen(app.store(), &actor.person, id).await? {
        Some(s) => {
            let relation = s.relation(&actor.person);
            Ok((s.person, relation))
        }
        // Members cannot probe for ids: someone who does not exist is answered like someone they
        // may not see, and the attempt is audited the same way.
        None if !access::is_staff(actor.role()) => Err(hidden_person(app, actor, id).await),
        None => Err(AppError::not_found(NO_SUCH_PERSON)),
    }
}

/// A person with the actor's relation to them, refused (and audited) unless the actor may see
/// their records.
pub async fn person_for(app: &App, actor: &Actor, id: PersonId) -> AppResult<(Person, Relation)> {
    let (person, rel) = person_and_relation(app, actor, id).await?;
    if !rel.may_view() {
        return Err(hidden_person(app, actor, id).await);
    }
    Ok((person, rel))
}

/// What someone who names a person they may not see is told: that there is no such person
/// (audited), the answer for an id that names no one.
pub(crate) async fn hidden_person(app: &App, actor: &Actor, id: PersonId) -> AppError {
    access::hide(
        app.store(),
        &actor.audit(),
        format!("person:{id}"),
        NO_SUCH_PERSON,
    )
    .await
}

pub(crate) const NO_SUCH_PERSON: &str = "There is no such person.";

// ---------------------------------------------------------------------------------------------
// Refusals.

/// What the audit log says of a refused change.
fn refusal_details(e: &AppError) -> serde_json::Value {
    match e {
        AppError::Invalid(p) => {
            json!({ "status": 422, "fields": p.iter().map(|p| p.field.as_str()).collect::<Vec<_>>() })
        }
        other => json!({ "status": other.status(), "reason": other.to_string() }),
    }
}

/// Records a refused change in the audit log (refusals by the access rules are recorded already).
pub fn audit_refusal(app: &App, actor: &Actor, action: &str, target: String, refusal: &AppError) {
    if matches!(refusal, AppError::Forbidden(_)) {
        return;
    }
    app.audit_queued(
        actor.audit(),
        action,
        target,
        Outcome::Failure,
        refusal_details(refusal),
    );
}
