//! The audit log: who did what to which record, when, from where, and whether it happened.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{Millis, PersonId, StoreResult};

/// Whether the audited action happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "success" => Some(Outcome::Success),
            "failure" => Some(Outcome::Failure),
            "denied" => Some(Outcome::Denied),
            _ => None,
        }
    }
}

/// Who is acting and from where, passed to every change so its audit event is written with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audit {
    pub actor_id: Option<PersonId>,
    /// Client address as seen by the server, when known.
    pub ip: Option<String>,
    pub at: Millis,
}

/// One entry of the append-only audit log. Never holds secrets (passwords, tokens, session ids).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct AuditEvent {
    pub id: i64,
    pub at: Millis,
    pub actor_id: Option<PersonId>,
    /// What happened, dotted: `sign-in`, `person.create`, `framework.publish`, `access.denied`, …
    pub action: String,
    /// What it happened to, e.g. `person:12`, `framework:starter@1.0.0`, `route:GET /admin`.
    pub target: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub outcome: Outcome,
    pub ip: Option<String>,
    /// Extra facts as JSON (changed field names, counts). Never secrets.
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub action: String,
    pub target: String,
    pub outcome: Outcome,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    pub actor_id: Option<PersonId>,
    /// Exactly this target, e.g. `person:12`.
    pub target: Option<String>,
    /// Matches actions starting with this, e.g. `person.` or `sign-in`.
    pub action_prefix: Option<String>,
    pub outcome: Option<Outcome>,
    /// Events at or after this time.
    pub since: Option<Millis>,
    /// Events before this time (exclusive, so consecutive windows do not overlap).
    pub until: Option<Millis>,
    /// Newest first; at most this many (the backend caps it at 1,000; 0 means the cap).
    pub limit: u32,
    /// Events older than this one (exclusive), for paging: pass the last id of the previous page.
    pub before_id: Option<i64>,
}

/// The append-only audit log. Changes append their own events (in the other areas); these methods
/// append events that are not part of a change, and list them.
pub trait AuditStore: Send + Sync {
    /// Appends an event that is not part of a change (a sign-in, a denial, a read).
    fn append_audit(
        &self,
        event: NewAuditEvent,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn audit_events(
        &self,
        filter: AuditFilter,
    ) -> impl Future<Output = StoreResult<Vec<AuditEvent>>> + Send;
    /// Appends many events that are not part of a change (reads), in one transaction: all or none
    /// (`Invalid` when an action is empty). Used to audit reads without a database commit per request.
    fn append_audit_batch(
        &self,
        events: Vec<(NewAuditEvent, Audit)>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
