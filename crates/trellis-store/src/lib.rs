//! The storage port: what the server needs from a database, independent of which one.
//!
//! One trait per area ([`FrameworkStore`], [`PeopleStore`], [`AccountStore`], [`AuditStore`],
//! [`GrowthStore`], and [`SchemaStore`] for migrations), gathered in [`Store`], and implemented for
//! SQLite and PostgreSQL by `trellis-store-sql`. Every method is one transaction. Methods that change something take an [`Audit`] and append its audit
//! event in the same transaction, so a change and its record are never separated.
//!
//! Times are Unix milliseconds (UTC) everywhere, so both backends store and compare them the same way.
//!
//! Errors follow one rule in every backend: a method that addresses a record by id (or token) it
//! cannot find returns [`StoreError::NotFound`]; a reference inside new values (a manager, a team, a
//! framework version) that does not exist is [`StoreError::Invalid`].
//!
//! With the `sqlx` feature the row types derive `sqlx::FromRow` (enums stored as their text, lists
//! and documents as JSON), so that an SQL implementation reads them without hand-written mapping.
#![forbid(unsafe_code)]

pub mod audit;
pub mod backend;
pub mod calibration;
pub mod check_ins;
pub mod cycles;
pub mod erasure;
pub mod growth;
pub mod hiring;
pub mod import;
pub mod json_rows;
pub mod notifications;
pub mod overview;
pub mod plans;
pub mod promotions;
mod rating_rows;
pub mod resets;
pub mod scheduled;
pub mod sso;
pub mod throttle;

pub use audit::*;
pub use calibration::*;
pub use check_ins::*;
pub use cycles::*;
pub use erasure::*;
pub use growth::*;
pub use hiring::*;
pub use import::*;
pub use notifications::*;
pub use overview::*;
pub use plans::*;
pub use promotions::*;
pub use resets::*;
pub use scheduled::*;
pub use sso::*;
pub use throttle::*;

use std::future::Future;

use serde::{Deserialize, Serialize};

pub type PersonId = i64;
pub type TeamId = i64;
pub type FrameworkVersionId = i64;
/// Unix time in milliseconds.
pub type Millis = i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// A uniqueness or concurrency conflict, e.g. an email already in use or a stale version.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value the database refused (a constraint other than uniqueness).
    #[error("invalid: {0}")]
    Invalid(String),
    /// Anything else: connection lost, disk full, migration failure. Never shown to users verbatim.
    #[error("database error: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The [`StoreError::Conflict`] of a change that would leave no active administrator.
pub const LAST_ADMIN: &str = "this is the only active administrator";

/// `TryFrom<String>` for an enum stored as text, through its `parse`, so that rows decode into it.
macro_rules! parse_from_text {
    ($($kind:ident),*) => {$(
        impl TryFrom<String> for $kind {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                Self::parse(&text).ok_or_else(|| format!("unknown {} {text:?}", stringify!($kind)))
            }
        }
    )*};
}
pub(crate) use parse_from_text;

parse_from_text!(SystemRole, Outcome);

/// The system role of an account, which decides what it may see and do beyond its own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemRole {
    Admin,
    PeopleTeam,
    Member,
}

impl SystemRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SystemRole::Admin => "admin",
            SystemRole::PeopleTeam => "people-team",
            SystemRole::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<SystemRole> {
        match s {
            "admin" => Some(SystemRole::Admin),
            "people-team" => Some(SystemRole::PeopleTeam),
            "member" => Some(SystemRole::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Team {
    pub id: TeamId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Person {
    pub id: PersonId,
    /// Stored lower-cased; unique.
    pub email: String,
    pub name: String,
    pub team_id: Option<TeamId>,
    pub manager_id: Option<PersonId>,
    /// Full role-level id, e.g. `product/senior-product-manager`.
    pub role_level: Option<String>,
    /// The framework version the role level was assigned on.
    pub role_level_version: Option<FrameworkVersionId>,
    pub role_level_since: Option<Millis>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub system_role: SystemRole,
    pub active: bool,
    /// Argon2id PHC string; `None` until a password is set. Never serialized.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Increases with every update, for optimistic concurrency.
    pub revision: i64,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub email: String,
    pub name: String,
    pub team_id: Option<TeamId>,
    pub manager_id: Option<PersonId>,
    pub role_level: Option<String>,
    pub role_level_version: Option<FrameworkVersionId>,
    pub system_role: SystemRole,
    pub password_hash: Option<String>,
}

/// Changes to a person; `None` leaves a field as it is. `Some(None)` clears an optional field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
    pub team_id: Option<Option<TeamId>>,
    pub manager_id: Option<Option<PersonId>>,
    pub role_level: Option<Option<String>>,
    pub role_level_version: Option<Option<FrameworkVersionId>>,
    /// When the role level takes (or took) effect, when it is not the change's own time: a
    /// promotion from the first of the month, say. Also corrects the date of the current one.
    pub role_level_since: Option<Millis>,
    pub system_role: Option<SystemRole>,
    pub active: Option<bool>,
    /// When given, the update fails with `Conflict` unless the person is still at this revision.
    pub expected_revision: Option<i64>,
}

/// A published snapshot of a framework. The content is the framework model as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct FrameworkVersion {
    pub id: FrameworkVersionId,
    pub framework_id: String,
    pub version: String,
    pub name: String,
    pub published_at: Millis,
    pub published_by: Option<PersonId>,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub content: serde_json::Value,
}

/// A framework version without its content, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct FrameworkVersionSummary {
    pub id: FrameworkVersionId,
    pub framework_id: String,
    pub version: String,
    pub name: String,
    pub published_at: Millis,
    pub published_by: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFrameworkVersion {
    pub framework_id: String,
    pub version: String,
    pub name: String,
    pub content: serde_json::Value,
}

/// A signed-in browser session. Only a hash of the session token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Session {
    pub token_hash: String,
    pub person_id: PersonId,
    pub csrf_token: String,
    #[cfg_attr(feature = "sqlx", sqlx(rename = "session_created_at"))]
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// Absolute expiry, whatever the activity.
    pub expires_at: Millis,
}

/// An API token for scripts. Only a hash of the token is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ApiToken {
    #[cfg_attr(feature = "sqlx", sqlx(rename = "token_id"))]
    pub id: i64,
    pub person_id: PersonId,
    pub label: String,
    #[serde(skip)]
    pub token_hash: String,
    #[cfg_attr(feature = "sqlx", sqlx(rename = "token_created_at"))]
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// Declares [`Store`] as every area together, and implements it for whatever implements them all.
macro_rules! store_of_areas {
    ($(#[$doc:meta])* $($area:ident),+ $(,)?) => {
        $(#[$doc])*
        pub trait Store: $($area +)+ Clone + Send + Sync + 'static {}

        impl<T> Store for T where T: $($area +)+ Clone + Send + Sync + 'static {}
    };
}

store_of_areas! {
    /// The storage port: every area of it, which is what the server needs. Every method is one
    /// transaction.
    ///
    /// Changes append their own audit event in the same transaction, with these actions: `framework.publish`
    /// (target `framework:<id>@<version>`), `team.create` (`team:<id>`), `person.create` and `person.update`
    /// (`person:<id>`, details list the changed field names, never values of secrets), `person.password`
    /// (`person:<id>`), `token.create` and `token.revoke` (`token:<id>`).
    ///
    /// Implemented for every type that implements each area, so code generic over `S: Store` can call
    /// any method; code using a concrete store imports the areas with [`prelude`].
    SchemaStore,
    FrameworkStore,
    PeopleStore,
    AccountStore,
    AuditStore,
    GrowthStore,
    NotificationStore,
    CheckInStore,
    PlanStore,
    HiringStore,
    OverviewStore,
    PasswordResetStore,
    PeopleImportStore,
    SsoStore,
    CycleStore,
    CalibrationStore,
    ErasureStore,
    PromotionStore,
    ScheduleStore,
}

/// The area traits, for code that calls a concrete store (rather than one generic over [`Store`]).
pub mod prelude;

/// The database schema.
pub trait SchemaStore: Send + Sync {
    /// Applies the embedded migrations. Refuses a database from a newer Trellis.
    fn migrate(&self) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Published framework versions: snapshots of a framework's content, never changed once published.
pub trait FrameworkStore: Send + Sync {
    /// Publishes a framework version. `Conflict` when that framework id and version already exist.
    fn publish_framework(
        &self,
        new: NewFrameworkVersion,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<FrameworkVersion>> + Send;
    /// All published versions, newest first.
    fn framework_versions(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<FrameworkVersionSummary>>> + Send;
    fn framework_version(
        &self,
        id: FrameworkVersionId,
    ) -> impl Future<Output = StoreResult<FrameworkVersion>> + Send;
    /// The most recently published version (of any framework id), if any.
    fn current_framework(
        &self,
    ) -> impl Future<Output = StoreResult<Option<FrameworkVersion>>> + Send;
    /// The id of the most recently published version, if any: what [`current_framework`] would
    /// return, without its content.
    ///
    /// [`current_framework`]: FrameworkStore::current_framework
    fn current_framework_id(
        &self,
    ) -> impl Future<Output = StoreResult<Option<FrameworkVersionId>>> + Send;
}

/// Teams and people. Teams are listed by name; people carry a revision for optimistic concurrency.
pub trait PeopleStore: Send + Sync {
    /// The team with this name, created (and audited) if it does not exist. Names compare
    /// case-insensitively, ignoring surrounding space. Teams are listed by name.
    fn ensure_team(
        &self,
        name: &str,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Team>> + Send;
    fn teams(&self) -> impl Future<Output = StoreResult<Vec<Team>>> + Send;
    /// `Conflict` when the email is taken (emails compare case-insensitively).
    fn create_person(
        &self,
        new: NewPerson,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Person>> + Send;
    /// `Conflict` on a taken email, a stale `expected_revision`, a manager loop, or ([`LAST_ADMIN`])
    /// a change that would leave no active administrator, checked in the change's transaction so
    /// that it holds when admins change at the same time. An update that changes nothing writes
    /// nothing (same revision, no audit event). Deactivating a person ends their sessions in the
    /// same transaction.
    fn update_person(
        &self,
        id: PersonId,
        update: PersonUpdate,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Person>> + Send;
    /// Does not change the revision, so an edit form open elsewhere stays valid.
    fn set_password(
        &self,
        id: PersonId,
        hash: &str,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn person(&self, id: PersonId) -> impl Future<Output = StoreResult<Person>> + Send;
    fn person_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = StoreResult<Option<Person>>> + Send;
    /// Everyone, ordered by name (case-insensitively).
    fn people(&self) -> impl Future<Output = StoreResult<Vec<Person>>> + Send;
    /// Direct and indirect reports of a manager (not the manager), ordered by name.
    fn reports(&self, manager: PersonId) -> impl Future<Output = StoreResult<Vec<Person>>> + Send;
    /// Active people with the admin role.
    fn count_admins(&self) -> impl Future<Output = StoreResult<i64>> + Send;
}

/// Signing in: browser sessions, API tokens, and sign-in throttling (keyed by something like
/// `email:x@y` or `ip:1.2.3.4`).
pub trait AccountStore: Send + Sync {
    /// `Conflict` when the token hash is taken. Also removes sessions that have expired.
    fn create_session(&self, session: Session) -> impl Future<Output = StoreResult<()>> + Send;
    /// The session and its person, if the session exists, expired or not: the caller checks the
    /// timeouts and whether the person is active.
    fn session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = StoreResult<Option<(Session, Person)>>> + Send;
    /// A session that no longer exists is not an error (it may have just been signed out).
    fn touch_session(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn delete_session(&self, token_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Signs a person out everywhere (after a password change, say). Returns how many sessions ended.
    fn delete_sessions_of(&self, person: PersonId)
    -> impl Future<Output = StoreResult<u64>> + Send;
    fn create_api_token(
        &self,
        person: PersonId,
        label: &str,
        token_hash: &str,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<ApiToken>> + Send;
    /// A token that exists and is not revoked, with its person; records nothing (see
    /// [`AccountStore::touch_api_token`]).
    fn api_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = StoreResult<Option<(ApiToken, Person)>>> + Send;
    /// Records that a token was used at `now` (never moving its last use back). A token that no
    /// longer exists is not an error.
    fn touch_api_token(&self, id: i64, now: Millis)
    -> impl Future<Output = StoreResult<()>> + Send;
    /// A token that exists and is not revoked, with its person; records its use.
    fn use_api_token(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = StoreResult<Option<(ApiToken, Person)>>> + Send;
    fn api_tokens(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<ApiToken>>> + Send;
    /// `NotFound` for an unknown id; revoking a revoked token changes nothing.
    fn revoke_api_token(
        &self,
        id: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Records a failure and returns the failures for this key since `window_start`.
    fn record_sign_in_failure(
        &self,
        key: &str,
        now: Millis,
        window_start: Millis,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
    fn sign_in_failures(
        &self,
        key: &str,
        window_start: Millis,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
    fn clear_sign_in_failures(&self, key: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Reserves a sign-in attempt before its password is checked: in one step that concurrent
    /// attempts on the same keys wait for, reads the failures of each key since `window_start`,
    /// asks `decide` (which answers how long to wait, or `None` to go ahead), and when it may go
    /// ahead records a failure under each key at `now`. The reservation stands as the failure unless
    /// [`AccountStore::release_sign_in_attempt`] takes it back, so a burst of attempts is counted
    /// attempt by attempt, however many run at once.
    fn reserve_sign_in_attempt<F>(
        &self,
        keys: &[&str],
        now: Millis,
        window_start: Millis,
        decide: F,
    ) -> impl Future<Output = StoreResult<Reservation>> + Send
    where
        F: FnOnce(&[Failures]) -> Option<Millis> + Send;
    /// Takes back a reserved attempt that succeeded (its rows go), and clears `clear`'s failures.
    fn release_sign_in_attempt(
        &self,
        reserved: &[i64],
        clear: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Growth records: assessments, ratings, peer input and evidence, and bulk loading.
///
/// Reads are not audited here; the caller audits them (see [`AuditStore::append_audit_batch`]).
/// Values are checked and normalised by the shared rules in `backend` (`clean_rating`,
/// `clean_evidence`, ...): what they refuse is `Invalid`. Listings by a person or an assessment
/// return `NotFound` when it does not exist; `latest_ratings` and `evidence_counts` skip unknown
/// people. Changes to an assessment, its ratings and its peer requests are audited with target
/// `assessment:<id>`.
///
/// The changes a person takes part in take `notices`: notifications written in the change's own
/// transaction (see [`NotificationStore`]), so that what someone is told and what happened are
/// never separated. In the notices of a change that creates a record (an assessment, a peer
/// request), `{id}` in a link stands for the new record's id.
///
/// Bulk loading is for demo organisations: large batches in few transactions. Values follow the
/// rules of the one-by-one methods; every reference is checked before anything is written. An
/// empty batch writes nothing, not even an audit event.
pub trait GrowthStore: Send + Sync {
    /// Starts an assessment at the `self` stage, created by the acting person (`Invalid` without
    /// one, or when the person or framework version does not exist). Audited as `assessment.create`.
    /// `Conflict` ([`OPEN_ASSESSMENT_EXISTS`]) when the person has an open assessment against the
    /// role level already, also when two starts race.
    fn create_assessment(
        &self,
        new: NewAssessment,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Assessment>> + Send;
    fn assessment(&self, id: AssessmentId) -> impl Future<Output = StoreResult<Assessment>> + Send;
    /// A person's assessments, newest first.
    fn assessments_of(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<Assessment>>> + Send;
    /// The assessments of these people that are not yet agreed, oldest first (unknown people have
    /// none): what waits to be done.
    fn open_assessments(
        &self,
        people: &[PersonId],
    ) -> impl Future<Output = StoreResult<Vec<Assessment>>> + Send;
    /// Appends ratings by one rater to an assessment and bumps its revision. `Conflict` when
    /// `expected_revision` is stale (a concurrent edit) or the assessment is agreed (closed); nothing
    /// is written then. Earlier ratings are kept. `Invalid` for no ratings, a skill rated twice, a
    /// rating without exactly one of a level and a reason it does not apply, or kind `Peer` (peer
    /// ratings come only through `submit_peer_input`). The store does not check which kind may rate
    /// at which stage: that is the caller's policy. Audited as `assessment.rate` with the rater kind
    /// and skills in the details.
    fn record_ratings(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        expected_revision: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Assessment>> + Send;
    /// Moves an assessment to the next stage, recording who and when (leaving `self` sets
    /// `self_submitted_*`, leaving `manager` sets `manager_submitted_*`, reaching `agreed` sets
    /// `agreed_*`), and bumps its revision. `Conflict` when the revision is stale or `to` is not the
    /// next stage (an agreed assessment has none). Audited as `assessment.stage`.
    fn advance_assessment(
        &self,
        assessment: AssessmentId,
        to: Stage,
        by: PersonId,
        expected_revision: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Assessment>> + Send;
    /// One submission of a rating form: records the ratings as [`GrowthStore::record_ratings`]
    /// does and then, when `advance_to` is given, moves the assessment on as
    /// [`GrowthStore::advance_assessment`] does (checked against the revision the ratings leave),
    /// with both audit events, in ONE transaction: on any failure nothing is written.
    #[allow(clippy::too_many_arguments)]
    fn submit_ratings(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        expected_revision: i64,
        advance_to: Option<Stage>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Assessment>> + Send;
    /// Keeps a rater's unsubmitted ratings of a stage, replacing their earlier draft of it, without
    /// changing the assessment (nor its revision). `Conflict` when the assessment is agreed;
    /// `Invalid` for a skill given twice or kind `Peer`. Each rating may lack a level and a reason
    /// (a draft is unfinished). Submitting ratings of that kind removes the draft in the same
    /// transaction. Audited as `assessment.draft` with the rater kind and skills.
    fn save_rating_draft(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<RatingDraft>> + Send;
    /// The draft of a stage's ratings by a kind of rater, if there is one.
    fn rating_draft(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
    ) -> impl Future<Output = StoreResult<Option<RatingDraft>>> + Send;
    /// Records the person's answer to the agreed outcome of their assessment, once, with its
    /// notices, in one transaction. `Conflict` unless the assessment is agreed, or when it was
    /// answered already; `Invalid` for a dispute without a comment, or when `person` is not the
    /// person assessed. Audited as `assessment.outcome-answer`.
    fn answer_outcome(
        &self,
        assessment: AssessmentId,
        person: PersonId,
        answer: OutcomeAnswerKind,
        comment: Option<String>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<OutcomeAnswer>> + Send;
    /// The person's answer to the agreed outcome of an assessment, if they gave one.
    fn outcome_answer(
        &self,
        assessment: AssessmentId,
    ) -> impl Future<Output = StoreResult<Option<OutcomeAnswer>>> + Send;
    /// Every rating of an assessment, oldest first (history included).
    fn ratings(
        &self,
        assessment: AssessmentId,
    ) -> impl Future<Output = StoreResult<Vec<Rating>>> + Send;
    /// Every rating of a person across assessments, oldest first: how each skill moved over time.
    fn rating_history(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<Rating>>> + Send;
    /// The newest rating per (person, skill, rater kind) for these people, across all their
    /// assessments: the latest `at`, ties broken by the later id. Peer ratings from unsubmitted
    /// requests are excluded (they are written only on submission). Ordered by person, skill and
    /// rater kind.
    fn latest_ratings(
        &self,
        people: &[PersonId],
    ) -> impl Future<Output = StoreResult<Vec<Rating>>> + Send;
    /// Asks a peer for input on some skills of an open assessment (`Conflict` when it is agreed).
    /// `Invalid` without skills, or when the peer is the person assessed. Does not change the
    /// assessment's revision. Audited as `peer.request`.
    fn request_peer_input(
        &self,
        assessment: AssessmentId,
        peer: PersonId,
        skills: Vec<String>,
        requested_by: PersonId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PeerRequest>> + Send;
    fn peer_request(&self, id: i64) -> impl Future<Output = StoreResult<PeerRequest>> + Send;
    /// The requests of an assessment, oldest first.
    fn peer_requests_of_assessment(
        &self,
        assessment: AssessmentId,
    ) -> impl Future<Output = StoreResult<Vec<PeerRequest>>> + Send;
    /// Requests addressed to a peer, newest first.
    fn peer_requests_for(
        &self,
        peer: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<PeerRequest>>> + Send;
    /// Records the peer's ratings (only on the requested skills, else `Invalid`) and marks the request
    /// submitted; `Conflict` if it already was, or if the assessment is agreed. The ratings are by the
    /// peer, at `audit.at`, and bump the assessment's revision. Audited as `peer.submit`.
    fn submit_peer_input(
        &self,
        request: i64,
        ratings: Vec<NewRating>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PeerRequest>> + Send;
    /// Adds evidence, created by the acting person (`Invalid` without one). The date must be a real
    /// `YYYY-MM-DD` day, the title not empty, at least one skill, links `http(s)://` addresses.
    /// Audited as `evidence.create` (`evidence:<id>`).
    fn add_evidence(
        &self,
        new: NewEvidence,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Evidence>> + Send;
    /// One piece of evidence, deleted or not (`NotFound` when there never was one).
    fn evidence_entry(
        &self,
        id: EvidenceId,
    ) -> impl Future<Output = StoreResult<EvidenceEntry>> + Send;
    /// Replaces what a piece of evidence says (not whom it is about, who added it or when), keeping
    /// the version it replaces in its history, by the acting person (`Invalid` without one; the
    /// checks of `add_evidence`; `new.person_id` must be the evidence's). `NotFound` when it does
    /// not exist or was deleted. Audited as `evidence.update`.
    fn update_evidence(
        &self,
        id: EvidenceId,
        new: NewEvidence,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Evidence>> + Send;
    /// Deletes a piece of evidence softly: it leaves the person's evidence and stops counting
    /// toward readiness, while its row and history stay. `NotFound` when it does not exist or was
    /// deleted already. Audited as `evidence.delete`.
    fn delete_evidence(
        &self,
        id: EvidenceId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The earlier versions of a piece of evidence, oldest first.
    fn evidence_versions(
        &self,
        id: EvidenceId,
    ) -> impl Future<Output = StoreResult<Vec<EvidenceVersion>>> + Send;
    /// A person's evidence, newest `happened_on` first.
    fn evidence_of(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<Evidence>>> + Send;
    /// A person's deleted evidence, the last deleted first.
    fn deleted_evidence_of(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<Evidence>>> + Send;
    /// At most `limit` pieces of a person's evidence in the order of `evidence_of`, from the
    /// newest or after `after`. `NotFound` as `evidence_of`.
    fn evidence_page(
        &self,
        person: PersonId,
        after: Option<EvidenceAfter>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Evidence>>> + Send;
    /// Per (person, skill): how many pieces of evidence support it, for these people, ordered by
    /// person and skill.
    fn evidence_counts(
        &self,
        people: &[PersonId],
    ) -> impl Future<Output = StoreResult<Vec<(PersonId, String, i64)>>> + Send;
    /// `latest_ratings` and `evidence_counts` for these people in one read.
    fn observations(
        &self,
        people: &[PersonId],
    ) -> impl Future<Output = StoreResult<Observations>> + Send;
    /// A person with their team, manager, direct reports and growth records in one read: what
    /// their page shows. `NotFound` when there is no such person. Like every record read for a
    /// page, its people come without password hashes.
    fn person_record(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<PersonRecord>> + Send;
    /// Creates people in one transaction, in order, returning them in the same order. Managers must
    /// exist already (create them in an earlier batch; `Invalid` otherwise). One audit event
    /// `person.bulk-create` (target `people`) with the count.
    fn bulk_create_people(
        &self,
        people: Vec<NewPerson>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Vec<Person>>> + Send;
    /// Inserts assessments with their ratings, in as few transactions as is fast (chunks of about
    /// 20,000 ratings, so that other writers get a turn). One audit event `assessment.bulk-create`
    /// (target `assessments`) with the count, written with the first chunk. See [`BulkAssessment`]
    /// for the stage marks.
    fn bulk_create_assessments(
        &self,
        assessments: Vec<BulkAssessment>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<usize>> + Send;
    /// Adds evidence in bulk, in chunks like `bulk_create_assessments`, created by the acting person
    /// or, without one, by the person it is about. One audit event `evidence.bulk-create` (target
    /// `evidence`) with the count.
    fn bulk_add_evidence(
        &self,
        evidence: Vec<NewEvidence>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<usize>> + Send;
}

/// Notifications: the inbox, and what the mailer sends. They are written by the changes that cause
/// them (each change method that takes `notices` writes them in its own transaction, with
/// `at` and `actor_id` from its [`Audit`]); reading and marking them read is not audited (they
/// copy nothing that is not audited where it happened).
pub trait NotificationStore: Send + Sync {
    /// Writes notices that no other change carries (reminders, a demo organisation's), in one
    /// transaction: all of them or none.
    fn notify(
        &self,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// A person's notifications, newest first: at most `limit`, older than `before_id` if given.
    fn notifications_of(
        &self,
        person: PersonId,
        limit: u32,
        before_id: Option<i64>,
    ) -> impl Future<Output = StoreResult<Vec<Notification>>> + Send;
    /// How many of a person's notifications are unread.
    fn unread_count(&self, person: PersonId) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Marks a person's notifications read at `at`: those with these ids (others' ids are
    /// ignored), or all of them with `None`. Returns how many were unread.
    fn mark_read(
        &self,
        person: PersonId,
        ids: Option<Vec<i64>>,
        at: Millis,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
    /// How a person wants to hear of notifications by email (`Each` when never chosen).
    fn email_mode(&self, person: PersonId) -> impl Future<Output = StoreResult<EmailMode>> + Send;
    /// Changes it. Audited as `notifications.settings` with target `person:<id>`.
    fn set_email_mode(
        &self,
        person: PersonId,
        mode: EmailMode,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Notifications not yet emailed, oldest first, at most `limit`, with their recipient's
    /// address and choice. Left out: recipients whose account is deactivated, and those who chose
    /// a daily digest and had one after `digest_since` (their notifications wait for the next one
    /// without holding up anyone else's).
    fn unsent(
        &self,
        limit: u32,
        digest_since: Millis,
    ) -> impl Future<Output = StoreResult<Vec<Unsent>>> + Send;
    /// Records that these notifications were emailed (or need not be) at `at`; with
    /// `digest_for`, also that this person's daily digest went out then.
    fn mark_emailed(
        &self,
        ids: Vec<i64>,
        at: Millis,
        digest_for: Option<PersonId>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
