//! The assessment API: a person's assessments, starting one, ratings per stage and peer requests.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use trellis_app::growth::{AssessmentCtx, RatingInput, StartInput, Submission};
use trellis_store::prelude::*;
use trellis_store::{Assessment, AssessmentId, PeerRequest, PersonId, RaterKind, Rating, Stage};
use utoipa::ToSchema;

use crate::api::{ChangeProblems, ReadProblems, api_refusal, created};
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{ApiJson, PathParams};
use crate::state::AppState;

/// One rating. Exactly one of `level` and `not_applicable` is set. Times are Unix milliseconds.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingJson {
    pub skill: String,
    /// `self`, `manager`, `peer` or `agreed`.
    pub rater_kind: String,
    pub rater_id: PersonId,
    pub level: Option<String>,
    pub not_applicable: Option<String>,
    pub comment: Option<String>,
    pub at: i64,
}

impl From<&Rating> for RatingJson {
    fn from(r: &Rating) -> Self {
        RatingJson {
            skill: r.skill.clone(),
            rater_kind: r.rater_kind.as_str().to_owned(),
            rater_id: r.rater_id,
            level: r.level.clone(),
            not_applicable: r.not_applicable.clone(),
            comment: r.comment.clone(),
            at: r.at,
        }
    }
}

/// A request for a peer's input on chosen skills.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerRequestJson {
    pub id: i64,
    pub assessment_id: AssessmentId,
    pub peer_id: PersonId,
    pub skills: Vec<String>,
    pub requested_by: PersonId,
    pub requested_at: i64,
    pub submitted_at: Option<i64>,
}

impl From<&PeerRequest> for PeerRequestJson {
    fn from(r: &PeerRequest) -> Self {
        PeerRequestJson {
            id: r.id,
            assessment_id: r.assessment_id,
            peer_id: r.peer_id,
            skills: r.skills.clone(),
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            submitted_at: r.submitted_at,
        }
    }
}

/// An assessment: who did what and when, and the ratings the caller may see (history included,
/// oldest first). Self ratings show to others once submitted; manager ratings show to the person
/// once the manager has submitted them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentJson {
    pub id: AssessmentId,
    pub person_id: PersonId,
    pub role_level: String,
    /// The framework version the assessment was made on (its role level and scales are that
    /// version's).
    pub framework_version_id: i64,
    pub cycle: String,
    /// `self`, `manager`, `compare` or `agreed`.
    pub stage: String,
    pub created_by: PersonId,
    pub created_at: i64,
    pub self_submitted_at: Option<i64>,
    pub self_submitted_by: Option<PersonId>,
    pub manager_submitted_at: Option<i64>,
    pub manager_submitted_by: Option<PersonId>,
    pub agreed_at: Option<i64>,
    pub agreed_by: Option<PersonId>,
    /// Send it back with ratings; a stale one is refused with 409.
    pub revision: i64,
    /// The skills of the role level's requirements, which are what may be rated.
    pub requirements: Vec<String>,
    pub ratings: Vec<RatingJson>,
    pub peer_requests: Vec<PeerRequestJson>,
    /// The person's answer to the agreed outcome, once they gave one (in a single assessment's
    /// answer only, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeJson>,
    /// To the person assessed, while the results of the review cycle the assessment belongs to
    /// wait for the cycle's sharing day: the manager's ratings and the agreed outcome are left
    /// out of `ratings` until then (in a single assessment's answer only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results_withheld: Option<WithheldJson>,
}

/// Results of a review cycle not shared with the person yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithheldJson {
    /// The cycle's name.
    pub cycle: String,
    /// The day they are shared (`YYYY-MM-DD`), once the cycle is closed.
    pub shares_on: Option<String>,
    /// The same, as a sentence: "Results of 2027 review are shared on 2027-03-01".
    pub message: String,
}

/// The person's answer to the agreed outcome of their assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeJson {
    /// `confirmed` or `disputed`.
    pub answer: String,
    /// Why, for a dispute.
    pub comment: Option<String>,
    /// Unix milliseconds.
    pub at: i64,
}

fn assessment_summary(a: &Assessment) -> AssessmentJson {
    AssessmentJson {
        id: a.id,
        person_id: a.person_id,
        role_level: a.role_level.clone(),
        framework_version_id: a.framework_version_id,
        cycle: a.cycle.clone(),
        stage: a.stage.as_str().to_owned(),
        created_by: a.created_by,
        created_at: a.created_at,
        self_submitted_at: a.self_submitted_at,
        self_submitted_by: a.self_submitted_by,
        manager_submitted_at: a.manager_submitted_at,
        manager_submitted_by: a.manager_submitted_by,
        agreed_at: a.agreed_at,
        agreed_by: a.agreed_by,
        revision: a.revision,
        requirements: Vec::new(),
        ratings: Vec::new(),
        peer_requests: Vec::new(),
        outcome: None,
        results_withheld: None,
    }
}

async fn assessment_full(
    state: &AppState,
    a: &AssessmentCtx,
    fresh: Option<Assessment>,
) -> Result<AssessmentJson, WebError> {
    let store = state.store();
    let current = fresh.unwrap_or_else(|| a.assessment.clone());
    let ratings = store.ratings(current.id).await?;
    let requests = store.peer_requests_of_assessment(current.id).await?;
    let mut out = assessment_summary(&current);
    out.requirements = a
        .profile
        .requirements
        .iter()
        .map(|r| r.skill.clone())
        .collect();
    out.ratings = ratings
        .iter()
        .filter(|r| a.rating_shown(&current, r))
        .map(RatingJson::from)
        .collect();
    out.peer_requests = requests.iter().map(PeerRequestJson::from).collect();
    out.results_withheld = a.withheld.as_ref().map(|w| WithheldJson {
        cycle: w.cycle.clone(),
        shares_on: w.shares_on.clone(),
        message: w.line(),
    });
    // Only an agreed outcome can have an answer.
    if current.stage == Stage::Agreed {
        out.outcome = store
            .outcome_answer(current.id)
            .await?
            .map(|o| OutcomeJson {
                answer: o.answer.as_str().to_owned(),
                comment: o.comment,
                at: o.at,
            });
    }
    Ok(out)
}

/// Starts an assessment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessmentJson {
    /// Full id of the role level to assess against: their own or any other (e.g. the next one).
    pub role_level: String,
    /// The current framework version as you know it; refused with 409 if another is current now.
    #[serde(default)]
    pub framework_version_id: Option<i64>,
    /// The review cycle, e.g. `2026-H1` (the default, from today's date).
    #[serde(default)]
    pub cycle: Option<String>,
}

/// Ratings for the stage an assessment is at: `self` by the person, `manager` by a manager in
/// their line, `agreed` by the manager to record the outcome. Every requirement must be rated; the
/// assessment then moves to the next stage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingsJson {
    /// `self`, `manager` or `agreed`.
    #[schema(pattern = "^(self|manager|agreed)$")]
    pub kind: String,
    /// The assessment's `revision` as you read it.
    pub revision: i64,
    #[serde(default)]
    pub framework_version_id: Option<i64>,
    pub ratings: Vec<RatingInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPeerRequestJson {
    pub peer_id: PersonId,
    /// Skill ids, among the assessment's requirements.
    pub skills: Vec<String>,
}

/// A person's assessments, newest first, without their ratings.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/assessments",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, body = Vec<AssessmentJson>),
        ReadProblems
    )
)]
pub async fn assessments(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Json<Vec<AssessmentJson>>, WebError> {
    let list = state
        .app()
        .assessments()
        .of_person(&caller.actor(&ctx), id)
        .await?;
    state.audit_read(
        ctx.audit(),
        "assessment.read",
        format!("person:{id}"),
        json!({ "view": "api-list" }),
    );
    Ok(Json(list.iter().map(assessment_summary).collect()))
}

/// Starts an assessment of a person against a role level of the current framework, at the `self`
/// stage. The person, their managers, the people team and admins may start one.
#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/assessments",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id")),
    request_body = NewAssessmentJson,
    responses(
        (status = 201, body = AssessmentJson),
        ChangeProblems
    )
)]
pub async fn start(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    ApiJson(body): ApiJson<NewAssessmentJson>,
) -> Result<Response, WebError> {
    let input = StartInput {
        role_level: body.role_level,
        framework_version: body.framework_version_id,
        cycle: body.cycle,
    };
    let a = state
        .app()
        .assessments()
        .start(&caller.actor(&ctx), id, input)
        .await?;
    Ok(created(
        format!("/api/v1/assessments/{}", a.id),
        assessment_summary(&a),
    ))
}

/// One assessment with the ratings the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "growth",
    params(("id" = i64, Path, description = "Assessment id")),
    responses(
        (status = 200, body = AssessmentJson),
        ReadProblems
    )
)]
pub async fn assessment(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<AssessmentId>,
) -> Result<Json<AssessmentJson>, WebError> {
    let a = state
        .app()
        .assessments()
        .view(&caller.actor(&ctx), id)
        .await?;
    let out = assessment_full(&state, &a, None).await?;
    state.audit_read(
        ctx.audit(),
        "assessment.read",
        a.target(),
        json!({ "person": a.person.id, "view": "api" }),
    );
    Ok(Json(out))
}

/// Submits the ratings of the stage the assessment is at and moves it to the next stage. Refused
/// with 409 when `revision` is stale (someone else changed the assessment) or the stage is not
/// the caller's, with 422 for a skill that is not a requirement, a level not on the skill's scale
/// or a missing rating, and with 403 for someone who may not rate this person. Nothing is saved
/// when a request is refused.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/ratings",
    tag = "growth",
    params(("id" = i64, Path, description = "Assessment id")),
    request_body = RatingsJson,
    responses(
        (status = 200, body = AssessmentJson),
        ChangeProblems
    )
)]
pub async fn rate(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<AssessmentId>,
    ApiJson(body): ApiJson<RatingsJson>,
) -> Result<Json<AssessmentJson>, WebError> {
    let assessments = state.app().assessments();
    let a = assessments.view(&caller.actor(&ctx), id).await?;
    let kind = match RaterKind::parse(body.kind.trim()) {
        Some(k @ (RaterKind::SelfRater | RaterKind::Manager | RaterKind::Agreed)) => k,
        _ => {
            return Err(WebError::invalid(
                "kind",
                "`kind` must be `self`, `manager` or `agreed`; peers answer their request at \
                 /api/v1/peer-requests/{id}.",
            ));
        }
    };
    let sub = Submission {
        kind,
        revision: Some(body.revision),
        framework_version: body.framework_version_id,
        ratings: body.ratings,
    };
    let fresh = assessments
        .submit(&caller.actor(&ctx), &a, sub)
        .await
        .map_err(api_refusal)?;
    Ok(Json(assessment_full(&state, &a, Some(fresh)).await?))
}

/// Asks a peer for input on chosen skills of an assessment (the person or their managers).
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/peer-requests",
    tag = "growth",
    params(("id" = i64, Path, description = "Assessment id")),
    request_body = NewPeerRequestJson,
    responses(
        (status = 201, body = PeerRequestJson),
        ChangeProblems
    )
)]
pub async fn request_peer(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<AssessmentId>,
    ApiJson(body): ApiJson<NewPeerRequestJson>,
) -> Result<Response, WebError> {
    let assessments = state.app().assessments();
    let actor = caller.actor(&ctx);
    let a = assessments.view(&actor, id).await?;
    let r = assessments
        .request_peer(&actor, &a, Some(body.peer_id), body.skills)
        .await?;
    Ok(created(
        format!("/api/v1/peer-requests/{}", r.id),
        PeerRequestJson::from(&r),
    ))
}
