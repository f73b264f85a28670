//! A promotion case as JSON, for scripts: what its page shows the caller, with the same access
//! rules and the same audit (see `trellis_app::promotions`).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use trellis_app::promotions::CaseView;
use trellis_store::{PersonId, PromotionId};
use utoipa::ToSchema;

use crate::api::ReadProblems;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::PathParams;
use crate::people::api::{ReadinessJson, readiness_json};
use crate::state::AppState;

/// A comment on the case before it was submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionCommentJson {
    pub author: String,
    /// `YYYY-MM-DD HH:MM` (UTC).
    pub at: String,
    pub body: String,
}

/// A panel member: whether they voted always; their vote and reason only when the caller may see
/// them (never for the person the case is about; for a panel member, once they have voted).
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelSeatJson {
    pub member_id: PersonId,
    pub name: String,
    pub voted: bool,
    /// `Approve` or `Not yet`, when shown.
    pub vote: Option<String>,
    pub reason: Option<String>,
}

/// A promotion case as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionCaseJson {
    pub id: PromotionId,
    pub person_id: PersonId,
    pub person_name: String,
    /// The target role level's full id, and its title.
    pub role_level: String,
    pub role_level_title: String,
    pub framework_version_id: i64,
    /// `draft`, `submitted` or `decided`.
    pub status: String,
    pub case_text: String,
    pub comments: Vec<PromotionCommentJson>,
    pub panel: Vec<PanelSeatJson>,
    /// Whether the caller is shown the individual votes.
    pub votes_shown: bool,
    /// `approved` or `not_yet`, once decided.
    pub outcome: Option<String>,
    pub decision_reason: Option<String>,
    /// What is missing, for a case decided "not yet".
    pub missing: Option<String>,
    /// From when the role level changes, `YYYY-MM-DD`, for an approved case.
    pub effective_on: Option<String>,
    /// Readiness against the target under the framework's policy, requirement by requirement;
    /// null when the case's framework version no longer has the target.
    pub readiness: Option<ReadinessJson>,
}

fn case_json(v: CaseView) -> PromotionCaseJson {
    let c = v.case;
    PromotionCaseJson {
        id: c.id,
        person_id: c.person_id,
        person_name: v.person.name,
        role_level_title: v.target_title,
        framework_version_id: c.framework_version_id,
        status: c.status.as_str().to_owned(),
        case_text: c.case_text,
        comments: v
            .comments
            .into_iter()
            .map(|x| PromotionCommentJson {
                author: x.author,
                at: x.at,
                body: x.body,
            })
            .collect(),
        panel: v
            .panel
            .into_iter()
            .map(|s| PanelSeatJson {
                member_id: s.member_id,
                name: s.name,
                voted: s.voted,
                vote: s.vote.map(str::to_owned),
                reason: s.reason,
            })
            .collect(),
        votes_shown: v.votes_shown,
        outcome: c.outcome.0.map(|o| o.as_str().to_owned()),
        decision_reason: c.decision_reason,
        missing: c.missing,
        effective_on: c.effective_on,
        readiness: v
            .readiness
            .map(|r| readiness_json(c.person_id, c.framework_version_id, r)),
        role_level: c.role_level,
    }
}

/// A promotion case: the written case, its comments, its panel (with the votes the caller may
/// see), the decision, and readiness against the target. Seen by the person it is about, managers
/// up their line, the people team, and its panel while on it; the read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/promotions/{id}",
    tag = "growth",
    params(("id" = i64, Path, description = "Promotion case id")),
    responses(
        (status = 200, body = PromotionCaseJson),
        ReadProblems
    )
)]
pub async fn promotion(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PromotionId>,
) -> Result<Json<PromotionCaseJson>, WebError> {
    let v = state
        .app()
        .promotions()
        .view(&caller.actor(&ctx), id)
        .await?;
    Ok(Json(case_json(v)))
}
