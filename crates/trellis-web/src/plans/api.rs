//! A person's development plan in the JSON API: the plan as its reader may see it, and comments
//! on a goal (progress from the person, comments and suggestions from their managers). The same
//! use cases as the pages, in `trellis_app::plans`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use trellis_app::plans::{Gap, GoalView};
use trellis_store::{PersonId, PlanAction, PlanComment};
use utoipa::ToSchema;

use crate::api::{ChangeProblems, ReadProblems, as_json_field, created};
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{ApiJson, PathParams};
use crate::state::AppState;

/// A person's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanJson {
    pub person_id: i64,
    /// Newest first, dropped and met ones too.
    pub goals: Vec<GoalJson>,
    /// Requirements of their role level (or the next) not met yet and without an open goal.
    pub gaps: Vec<GapJson>,
}

/// A skill to reach a level of.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalJson {
    pub id: i64,
    pub skill: String,
    pub skill_name: String,
    /// The level to reach, as the skill's scale names it (`target_label` for people).
    pub target_level: String,
    pub target_label: String,
    /// Full id of the role level the goal came from, if it came from one.
    pub role_level: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    pub why: String,
    /// The agreed level now, as shown.
    pub agreed: Option<String>,
    /// When the agreed rating reached the target: the goal is met.
    pub met_at: Option<i64>,
    /// When the person closed it (met or dropped).
    pub closed_at: Option<i64>,
    pub actions: Vec<PlanActionJson>,
    pub comments: Vec<PlanCommentJson>,
    /// Ids of the evidence linked to it.
    pub evidence: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanActionJson {
    pub id: i64,
    /// `course`, `project`, `shadowing`, `mentoring` or `other`.
    pub kind: String,
    pub body: String,
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
}

impl From<&PlanAction> for PlanActionJson {
    fn from(a: &PlanAction) -> Self {
        PlanActionJson {
            id: a.id,
            kind: a.kind.as_str().into(),
            body: a.body.clone(),
            due_on: a.due_on.clone(),
            done_at: a.done_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanCommentJson {
    pub id: i64,
    /// `progress` (the person's), `comment` or `suggestion` (a manager's).
    pub kind: String,
    pub author_id: i64,
    pub author_name: String,
    pub body: String,
    pub at: i64,
}

impl From<&PlanComment> for PlanCommentJson {
    fn from(c: &PlanComment) -> Self {
        PlanCommentJson {
            id: c.id,
            kind: c.kind.as_str().into(),
            author_id: c.author_id,
            author_name: c.author_name.clone(),
            body: c.body.clone(),
            at: c.at,
        }
    }
}

impl From<&GoalView> for GoalJson {
    fn from(g: &GoalView) -> Self {
        GoalJson {
            id: g.goal.id,
            skill: g.goal.skill.clone(),
            skill_name: g.skill_name.clone(),
            target_level: g.goal.target_level.clone(),
            target_label: g.target_label.clone(),
            role_level: g.goal.role_level.clone(),
            due_on: g.goal.due_on.clone(),
            why: g.goal.why.clone(),
            agreed: g.agreed.clone(),
            met_at: g.met_at,
            closed_at: g.goal.closed_at,
            actions: g.actions.iter().map(PlanActionJson::from).collect(),
            comments: g.comments.iter().map(PlanCommentJson::from).collect(),
            evidence: g.evidence.iter().map(|e| e.id).collect(),
        }
    }
}

/// A requirement not met yet, which could become a goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapJson {
    pub skill: String,
    pub skill_name: String,
    pub role_level: String,
    pub target_level: String,
    pub target_label: String,
    /// Their rating now (agreed, else the manager's, else their own), as shown.
    pub now: Option<String>,
}

impl From<&Gap> for GapJson {
    fn from(g: &Gap) -> Self {
        GapJson {
            skill: g.skill.clone(),
            skill_name: g.skill_name.clone(),
            role_level: g.role_level.clone(),
            target_level: g.target_level.clone(),
            target_label: g.target_label.clone(),
            now: g.now.clone(),
        }
    }
}

/// A comment on a goal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanCommentInputJson {
    /// Several lines allowed.
    pub comment: String,
    /// For a manager: `comment` (the default) or `suggestion`. The person's own are `progress`.
    #[serde(default)]
    #[schema(pattern = "^(comment|suggestion|progress)?$")]
    pub kind: Option<String>,
}

/// A person's plan, for whoever may see their records (the read is audited).
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/plan",
    tag = "plans",
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = PlanJson), ReadProblems)
)]
pub async fn plan(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Json<PlanJson>, WebError> {
    let view = state.app().plans().view(&caller.actor(&ctx), id).await?;
    Ok(Json(PlanJson {
        person_id: view.person.id,
        goals: view.goals.iter().map(GoalJson::from).collect(),
        gaps: view.gaps.iter().map(GapJson::from).collect(),
    }))
}

/// Comments on a goal: progress by the person, a comment or suggestion by a manager up their
/// line (the person is told).
#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/plan/goals/{goal}/comments",
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Person id"),
        ("goal" = i64, Path, description = "Goal id")
    ),
    request_body = PlanCommentInputJson,
    responses((status = 201, body = PlanCommentJson), ChangeProblems)
)]
pub async fn comment(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams((id, goal)): PathParams<(PersonId, i64)>,
    ApiJson(body): ApiJson<PlanCommentInputJson>,
) -> Result<Response, WebError> {
    let kind = body.kind.as_deref().unwrap_or("comment");
    let said = state
        .app()
        .plans()
        .comment(&caller.actor(&ctx), id, goal, kind, &body.comment)
        .await
        // The page's form names its comment box per goal (`comment-12`).
        .map_err(|e| as_json_field(e, |f| f.starts_with("comment"), "comment"))?;
    Ok(created(
        format!("/api/v1/people/{id}/plan"),
        PlanCommentJson::from(&said),
    ))
}
