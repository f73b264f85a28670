//! The reads behind the pages that gather several people, one statement each: a person's home
//! (what waits for them, how their direct reports are doing) and a manager's team.

use std::future::Future;

use serde::Deserialize;

use crate::{
    Action, Assessment, AssessmentId, CheckIn, FrameworkVersionId, Goal, Millis, Notification,
    Observations, Person, PersonId, PlanAction, StoreResult,
};

/// Peer input asked of someone and not given yet, on an assessment not yet agreed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AskedInput {
    pub request_id: i64,
    pub requested_at: Millis,
    pub assessment_id: AssessmentId,
    /// Whose assessment it is.
    pub person_id: PersonId,
    pub person_name: String,
    pub role_level: String,
    pub framework_version_id: FrameworkVersionId,
}

/// Everything a person's home page shows, read at once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HomeRecord {
    /// The name of their manager, if they have one.
    pub manager_name: Option<String>,
    /// The name of their team, if they are in one.
    pub team_name: Option<String>,
    /// Their active direct reports, by name (lower-cased), then id.
    pub reports: Vec<Person>,
    /// How many people are below them in their reporting lines, direct reports and inactive
    /// people included.
    pub below: usize,
    /// The open (not agreed) assessments of them and their active direct reports, oldest first.
    pub open_assessments: Vec<Assessment>,
    /// The check-in series they are one of the pair of, dates only, next meeting first.
    pub check_ins: Vec<CheckIn>,
    /// Peer input asked of them and not given, oldest request first.
    pub asked: Vec<AskedInput>,
    /// The open action items of check-ins that they own, soonest due first (undated last).
    pub actions: Vec<Action>,
    /// The open actions of their own open plan goals, soonest due first (undated last).
    pub plan_actions: Vec<PlanAction>,
    /// The latest ratings and evidence counts of them and their active direct reports, in no
    /// particular order.
    pub observations: Observations,
    /// Their newest unread notifications, newest first.
    pub unread: Vec<Notification>,
    /// The open plan goals of their active direct reports, by person, then id.
    pub report_goals: Vec<Goal>,
}

/// A manager's team with what is known of everyone's skills, read at once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamRecord {
    /// The active people below the manager (or only their direct reports), by name (lower-cased),
    /// then id.
    pub people: Vec<Person>,
    /// The latest ratings and evidence counts of those people, in no particular order.
    pub observations: Observations,
}

/// A person with who may see them and what is known of their skills: what their readiness needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedPerson {
    pub person: Person,
    /// Their reporting line, nearest manager first (as [`crate::PersonRecord::managers`]).
    pub managers: Vec<PersonId>,
    /// Their latest ratings and evidence counts, in no particular order.
    pub observations: Observations,
    /// As [`crate::PersonRecord::in_unshared_cycle`].
    pub in_unshared_cycle: bool,
}

pub trait OverviewStore: Send + Sync {
    /// What a person's home page shows, in one read; at most `unread` unread notifications. An
    /// unknown person has an empty record.
    fn home_record(
        &self,
        person: PersonId,
        unread: u32,
    ) -> impl Future<Output = StoreResult<HomeRecord>> + Send;
    /// The active people below a manager in their reporting lines (only their direct reports
    /// with `direct_only`), with their latest ratings and evidence counts, in one read. An unknown
    /// manager has an empty team.
    fn team_record(
        &self,
        manager: PersonId,
        direct_only: bool,
    ) -> impl Future<Output = StoreResult<TeamRecord>> + Send;
    /// A person, their reporting line and their latest ratings and evidence counts, in one read
    /// (their whole record is several times longer). `NotFound` when there is no such person.
    fn observed_person(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<ObservedPerson>> + Send;
}
