//! Rows for development plans: goals (a skill to reach a level of), their actions, progress notes,
//! comments and suggestions, and the evidence linked to them.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{Audit, EvidenceId, Millis, NewNotification, PersonId, StoreResult};

crate::parse_from_text!(PlanActionKind, CommentKind);

pub type GoalId = i64;

/// What kind of step an action of a goal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanActionKind {
    Course,
    Project,
    Shadowing,
    Mentoring,
    Other,
}

impl PlanActionKind {
    pub const ALL: [PlanActionKind; 5] = [
        PlanActionKind::Course,
        PlanActionKind::Project,
        PlanActionKind::Shadowing,
        PlanActionKind::Mentoring,
        PlanActionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanActionKind::Course => "course",
            PlanActionKind::Project => "project",
            PlanActionKind::Shadowing => "shadowing",
            PlanActionKind::Mentoring => "mentoring",
            PlanActionKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<PlanActionKind> {
        PlanActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A progress note (by the person), a comment or a suggestion (by a manager).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentKind {
    Progress,
    Comment,
    Suggestion,
}

impl CommentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentKind::Progress => "progress",
            CommentKind::Comment => "comment",
            CommentKind::Suggestion => "suggestion",
        }
    }

    pub fn parse(s: &str) -> Option<CommentKind> {
        match s {
            "progress" => Some(CommentKind::Progress),
            "comment" => Some(CommentKind::Comment),
            "suggestion" => Some(CommentKind::Suggestion),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Goal {
    pub id: GoalId,
    pub person_id: PersonId,
    pub skill: String,
    pub target_level: String,
    pub role_level: Option<String>,
    pub due_on: Option<String>,
    pub why: String,
    pub closed_at: Option<Millis>,
    pub created_by: PersonId,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGoal {
    pub person_id: PersonId,
    pub skill: String,
    pub target_level: String,
    pub role_level: Option<String>,
    pub due_on: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PlanAction {
    pub id: i64,
    pub goal_id: GoalId,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: PlanActionKind,
    pub body: String,
    pub due_on: Option<String>,
    pub done_at: Option<Millis>,
    pub created_by: PersonId,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlanAction {
    pub goal_id: GoalId,
    pub kind: PlanActionKind,
    pub body: String,
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PlanComment {
    pub id: i64,
    pub goal_id: GoalId,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: CommentKind,
    pub author_id: PersonId,
    pub author_name: String,
    pub body: String,
    pub at: Millis,
}

/// A stage of a new starter's first year, as the role level's onboarding names it.
pub const MILESTONE_STAGES: [&str; 5] = ["days_30", "days_60", "days_90", "months_6", "months_12"];

/// A milestone of a plan: one of a role level's first-year goals, due on a day, with the evidence
/// of success, marked done by the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Milestone {
    pub id: i64,
    pub person_id: PersonId,
    pub role_level: String,
    /// One of [`MILESTONE_STAGES`].
    pub stage: String,
    pub body: String,
    pub evidence: String,
    pub due_on: String,
    pub done_at: Option<Millis>,
    pub created_by: PersonId,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMilestone {
    pub stage: String,
    pub body: String,
    pub evidence: String,
    pub due_on: String,
}

/// A person's whole plan, read at once: goals (newest first, dropped ones too), their actions and
/// comments (oldest first), which evidence is linked to which goal, and the milestones (soonest
/// due first).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub milestones: Vec<Milestone>,
    pub goals: Vec<Goal>,
    pub actions: Vec<PlanAction>,
    pub comments: Vec<PlanComment>,
    pub evidence: Vec<(GoalId, EvidenceId)>,
}

/// Development plans. Every change appends its audit event (`plan.goal-create`, `plan.goal-close`,
/// `plan.action`, `plan.action-done`, `plan.comment`, `plan.evidence`, `plan.milestones-create`,
/// `plan.milestone-done`; target `person:<id>`, the plan's owner) in its transaction, without the
/// text written.
pub trait PlanStore: Send + Sync {
    /// Starts a person's milestones from a role level's first-year goals, all or none, in the order
    /// given. `Conflict` when the person has milestones of that role level already (also when two
    /// start them at once); `Invalid` for an unknown stage, empty text or a day not `YYYY-MM-DD`.
    fn create_milestones(
        &self,
        person: PersonId,
        role_level: &str,
        milestones: Vec<NewMilestone>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Vec<Milestone>>> + Send;
    /// Marks a milestone of the person's plan done. `NotFound` when it is not theirs, `Conflict`
    /// when it was done already.
    fn complete_milestone(
        &self,
        person: PersonId,
        milestone: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Milestone>> + Send;
    /// Adds goals to one person's plan, all or none. `Conflict` when the person has a goal for one
    /// of the skills already (drop it first); `Invalid` when the goals are of several people.
    fn create_goals(
        &self,
        goals: Vec<NewGoal>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Vec<Goal>>> + Send;
    /// A person's plan, in one snapshot.
    fn plan_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Plan>> + Send;
    /// The goals of several people at once (for a manager's overview), by person then id.
    fn goals_of(&self, people: &[PersonId]) -> impl Future<Output = StoreResult<Vec<Goal>>> + Send;
    /// One goal; `NotFound` when there is none.
    fn goal(&self, id: GoalId) -> impl Future<Output = StoreResult<Goal>> + Send;
    /// Closes a goal (met, or no longer wanted), making room for a new one for its skill.
    /// `Conflict` when it was closed already.
    fn close_goal(
        &self,
        goal: GoalId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Goal>> + Send;
    fn add_plan_action(
        &self,
        new: NewPlanAction,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PlanAction>> + Send;
    /// Marks an action of the goal done. `Conflict` when it was already.
    fn complete_plan_action(
        &self,
        goal: GoalId,
        action: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PlanAction>> + Send;
    /// Adds a progress note, comment or suggestion, with the notices it causes.
    fn add_plan_comment(
        &self,
        goal: GoalId,
        kind: CommentKind,
        body: String,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PlanComment>> + Send;
    /// The steps `owner` has still to do in the open goals of their plan, the soonest due first.
    fn open_plan_actions_of(
        &self,
        owner: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<PlanAction>>> + Send;
    /// Open actions of open goals due on or before `on_or_before` whose owner was not reminded
    /// yet, at most `limit`, with the goal's owner.
    fn plan_actions_due(
        &self,
        on_or_before: &str,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<(PersonId, PlanAction)>>> + Send;
    /// Records the reminder of an action with its notices, unless another server did first; says
    /// whether this call did.
    fn mark_plan_action_reminded(
        &self,
        action: i64,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Links a piece of the goal owner's evidence to the goal (`Invalid` when it is someone
    /// else's; linking twice is a no-op).
    fn link_goal_evidence(
        &self,
        goal: GoalId,
        evidence: EvidenceId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
