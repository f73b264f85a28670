//! Rows for review cycles: a population assessed on one framework version, stage by stage (self →
//! peer → manager → calibration → agreed) with a deadline for each, opened, launched and closed by
//! the people team. The assessments of a cycle are ordinary assessments that name it.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{
    Assessment, AssessmentId, Audit, FrameworkVersionId, Millis, NewNotification, PeerRequest,
    Person, PersonId, StoreResult, Team,
};

crate::parse_from_text!(CycleStatus, PopulationKind);

pub type CycleId = i64;

/// Where a cycle is: being prepared, running, or over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CycleStatus {
    /// Opened, not launched: nobody has been assessed or told yet.
    Draft,
    /// Launched: its assessments exist and move through their stages.
    Open,
    /// Closed: results are shared with each person on the cycle's sharing date.
    Closed,
}

impl CycleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CycleStatus::Draft => "draft",
            CycleStatus::Open => "open",
            CycleStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CycleStatus> {
        match s {
            "draft" => Some(CycleStatus::Draft),
            "open" => Some(CycleStatus::Open),
            "closed" => Some(CycleStatus::Closed),
            _ => None,
        }
    }
}

/// How a cycle's population is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationKind {
    /// Everyone in a team (named by the team's id).
    Team,
    /// Everyone at a role level of a track (named by the track's id).
    Track,
    /// Everyone at one role level (named by its full id, `track/level`).
    RoleLevel,
}

impl PopulationKind {
    pub const ALL: [PopulationKind; 3] = [
        PopulationKind::Team,
        PopulationKind::Track,
        PopulationKind::RoleLevel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PopulationKind::Team => "team",
            PopulationKind::Track => "track",
            PopulationKind::RoleLevel => "role_level",
        }
    }

    pub fn parse(s: &str) -> Option<PopulationKind> {
        PopulationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The deadlines of a cycle's stages, each `YYYY-MM-DD`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CycleDeadlines {
    /// Self-assessments submitted.
    pub self_due: String,
    /// Peer input given.
    pub peer_due: String,
    /// Managers' ratings submitted.
    pub manager_due: String,
    /// Calibration held: outcomes compared across managers.
    pub calibration_due: String,
    /// Outcomes agreed with each person.
    pub agreed_due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ReviewCycle {
    pub id: CycleId,
    pub name: String,
    pub framework_version_id: FrameworkVersionId,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub population_kind: PopulationKind,
    /// The team id, track id or role level id the population is chosen by.
    pub population: String,
    #[cfg_attr(feature = "sqlx", sqlx(flatten))]
    pub deadlines: CycleDeadlines,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub status: CycleStatus,
    /// The day results are shared with each person, once closed.
    pub shares_on: Option<String>,
    /// When each person was told their results were shared.
    pub shared_at: Option<Millis>,
    pub created_by: PersonId,
    pub created_at: Millis,
    pub launched_at: Option<Millis>,
    pub closed_at: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCycle {
    pub name: String,
    pub framework_version_id: FrameworkVersionId,
    pub population_kind: PopulationKind,
    pub population: String,
    pub deadlines: CycleDeadlines,
}

/// One person assessed by a launched cycle: against which role level, and what they are told
/// (`{id}` in a link stands for their new assessment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleLaunch {
    pub person_id: PersonId,
    pub role_level: String,
    pub notices: Vec<NewNotification>,
}

/// A cycle with what its progress is read from, in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleRecords {
    pub cycle: ReviewCycle,
    /// The cycle's assessments, by id.
    pub assessments: Vec<Assessment>,
    /// Requests for peer input on them, by id.
    pub peer_requests: Vec<PeerRequest>,
    /// The people assessed, their managers and the peers asked, by id.
    pub people: Vec<Person>,
    pub teams: Vec<Team>,
}

/// An assessment and the cycle it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CycleAssessment {
    pub assessment_id: AssessmentId,
    #[cfg_attr(feature = "sqlx", sqlx(flatten))]
    pub cycle: ReviewCycle,
}

/// Review cycles. Changes append their audit event (`cycle.create`, `cycle.launch`,
/// `cycle.remind`, `cycle.close`, `cycle.share`; target `cycle:<id>`) in their transaction.
pub trait CycleStore: Send + Sync {
    /// Opens a cycle as a draft. `Conflict` when another cycle has its name; `Invalid` for an
    /// unknown framework version or deadlines out of order.
    fn create_cycle(
        &self,
        new: NewCycle,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<ReviewCycle>> + Send;
    /// Every cycle, the newest first.
    fn cycles(&self) -> impl Future<Output = StoreResult<Vec<ReviewCycle>>> + Send;
    /// One cycle; `NotFound` when there is none.
    fn cycle(&self, id: CycleId) -> impl Future<Output = StoreResult<ReviewCycle>> + Send;
    /// A cycle with its assessments, peer requests and people.
    fn cycle_records(&self, id: CycleId) -> impl Future<Output = StoreResult<CycleRecords>> + Send;
    /// Launches a draft: an assessment (at the self stage, labelled with the cycle's name) for
    /// each person, with their notices, all or none. `Conflict` unless it is a draft, or when one
    /// of them has an open assessment against that role level already.
    fn launch_cycle(
        &self,
        id: CycleId,
        people: Vec<CycleLaunch>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Vec<Assessment>>> + Send;
    /// Writes reminders of what is overdue in an open cycle. `Conflict` unless it is open.
    fn remind_cycle(
        &self,
        id: CycleId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Closes an open cycle, its results to be shared on `shares_on`. `Conflict` unless open.
    fn close_cycle(
        &self,
        id: CycleId,
        shares_on: String,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<ReviewCycle>> + Send;
    /// Closed cycles whose sharing day is on or before `today` and not shared yet.
    fn cycles_to_share(
        &self,
        today: &str,
    ) -> impl Future<Output = StoreResult<Vec<ReviewCycle>>> + Send;
    /// Records that a closed cycle's results were shared, with its notices, unless another
    /// server did first; says whether this call did.
    fn mark_cycle_shared(
        &self,
        id: CycleId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// The cycle an assessment belongs to, if any.
    fn cycle_of_assessment(
        &self,
        assessment: AssessmentId,
    ) -> impl Future<Output = StoreResult<Option<ReviewCycle>>> + Send;
    /// A person's assessments that belong to a cycle whose results were not marked shared yet,
    /// with their cycle, by assessment id.
    fn unshared_cycle_assessments(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<CycleAssessment>>> + Send;
}
