//! Rows for development plans: goals (a skill to reach a level of), their actions, progress notes,
//! comments and suggestions, and the evidence linked to them.

use serde::{Deserialize, Serialize};

use crate::{EvidenceId, Millis, PersonId};

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

/// A person's whole plan, read at once: goals (newest first, dropped ones too), their actions and
/// comments (oldest first), and which evidence is linked to which goal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub goals: Vec<Goal>,
    pub actions: Vec<PlanAction>,
    pub comments: Vec<PlanComment>,
    pub evidence: Vec<(GoalId, EvidenceId)>,
}
