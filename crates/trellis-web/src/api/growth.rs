//! The growth API: readiness, assessments and their ratings, peer input and evidence, with the same
//! rules and checks as the pages (`crate::growth`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use trellis_model::readiness::{Readiness, ReadinessStatus};
use trellis_store::{Assessment, AssessmentId, Evidence, PeerRequest, PersonId, RaterKind, Rating};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Me;
use crate::error::{Problem, WebError};
use crate::extract::{ApiJson, PathParams, QueryParams};
use crate::routes::SeenPerson;
use crate::state::AppState;
use trellis_app::AppError;
use trellis_app::growth::{
    self, AssessmentCtx, EvidenceInput, RatingInput, StartInput, Submission,
};
use trellis_store::prelude::*;

// ---------------------------------------------------------------------------------------------
// Shapes.

/// One requirement of a role level, against what is known of the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementReadinessJson {
    pub skill: String,
    pub skill_name: String,
    /// `critical`, `important` or `optional`.
    pub importance: String,
    /// The required level id.
    pub required: String,
    pub required_label: String,
    /// Latest self rating: a level id, `n/a`, or null when not rated.
    #[serde(rename = "self")]
    pub self_level: Option<String>,
    pub manager: Option<String>,
    pub agreed: Option<String>,
    /// `met`, `not-met` or `not-applicable`: decided by the agreed level, else the manager's.
    pub status: String,
    pub evidence_count: usize,
    /// In plain language, e.g. "Manager rated Working; Practitioner is required (1 level short)."
    pub explanation: String,
}

/// Readiness of a person for a role level under the framework's readiness policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessJson {
    pub person_id: PersonId,
    pub role_level: String,
    pub framework_version_id: i64,
    /// The policy applied, e.g. `all-required`, `n-of-m`, `weighted`, `category-minimums`.
    pub policy: String,
    pub policy_description: String,
    pub ready: bool,
    /// Progress towards ready, from 0 to 1, as the policy measures it.
    pub score: f64,
    pub summary: String,
    pub requirements: Vec<RequirementReadinessJson>,
}

fn readiness_json(person: PersonId, version: i64, r: Readiness) -> ReadinessJson {
    ReadinessJson {
        person_id: person,
        role_level: r.role_level,
        framework_version_id: version,
        policy: r.policy,
        policy_description: r.policy_description,
        ready: r.ready,
        score: r.score,
        summary: r.summary,
        requirements: r
            .requirements
            .into_iter()
            .map(|q| RequirementReadinessJson {
                skill: q.skill,
                skill_name: q.skill_name,
                importance: q.importance.as_str().to_owned(),
                required: q.required.to_string(),
                required_label: q.required_label,
                self_level: q.self_level,
                manager: q.manager,
                agreed: q.agreed,
                status: match q.status {
                    ReadinessStatus::Met => "met",
                    ReadinessStatus::NotMet => "not-met",
                    ReadinessStatus::NotApplicable => "not-applicable",
                }
                .to_owned(),
                evidence_count: q.evidence_count,
                explanation: q.explanation,
            })
            .collect(),
    }
}

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
        .filter(|r| growth::rating_visible(&current, a.relation, r))
        .map(RatingJson::from)
        .collect();
    out.peer_requests = requests.iter().map(PeerRequestJson::from).collect();
    Ok(out)
}

/// A piece of evidence. `happened_on` is a date, `YYYY-MM-DD`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceJson {
    pub id: i64,
    pub person_id: PersonId,
    pub happened_on: String,
    pub title: String,
    pub description: String,
    pub links: Vec<String>,
    pub skills: Vec<String>,
    pub corroborators: Vec<String>,
    pub created_by: PersonId,
    pub created_at: i64,
}

impl From<Evidence> for EvidenceJson {
    fn from(e: Evidence) -> Self {
        EvidenceJson {
            id: e.id,
            person_id: e.person_id,
            happened_on: e.happened_on,
            title: e.title,
            description: e.description,
            links: e.links,
            skills: e.skills,
            corroborators: e.corroborators,
            created_by: e.created_by,
            created_at: e.created_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ReadinessQuery {
    /// Full id of the role level, e.g. `engineering/senior-software-engineer`. Default: the
    /// person's current role level.
    role_level: Option<String>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerInputJson {
    /// One rating for each requested skill.
    pub ratings: Vec<RatingInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvidenceJson {
    /// `YYYY-MM-DD`, not in the future.
    pub happened_on: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Web addresses (`https://…`).
    #[serde(default)]
    pub links: Vec<String>,
    /// Skill ids of the current framework (at least one).
    pub skills: Vec<String>,
    /// Names of people who can corroborate it.
    #[serde(default)]
    pub corroborators: Vec<String>,
}

fn created(location: String, body: impl Serialize) -> Response {
    let mut res = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Rating problems named as JSON fields (`ratings.<skill>.level`).
fn api_refusal(r: AppError) -> WebError {
    match r {
        AppError::Invalid(p) => AppError::Invalid(growth::api_fields(p)).into(),
        other => other.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

/// Readiness of a person for a role level: per requirement the required, self, manager and agreed
/// levels, met / not met / not applicable, evidence count and an explanation, under the readiness
/// policy of the current framework.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/readiness",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id"), ReadinessQuery),
    responses(
        (status = 200, body = ReadinessJson),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn readiness(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<ReadinessQuery>,
) -> Result<Json<ReadinessJson>, WebError> {
    let (person, observed) = state
        .app()
        .people()
        .observed(&caller.actor(&ctx), id)
        .await?;
    let current = state
        .current_framework()
        .await?
        .ok_or_else(|| WebError::not_found_because("No framework has been published yet."))?;
    let role_level = match q
        .role_level
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
    {
        Some(r) => r,
        None => person.role_level.clone().ok_or_else(|| {
            WebError::not_found_because(format!(
                "{} has no role level; ask for one with `?role_level=`.",
                person.name
            ))
        })?,
    };
    let (_, r) = growth::readiness_for(&current, &role_level, &observed).ok_or_else(|| {
        WebError::not_found_because(format!(
            "There is no role level `{role_level}` in the current framework."
        ))
    })?;
    state.audit_read(
        ctx.audit(),
        "readiness.read",
        format!("person:{id}"),
        json!({ "role_level": role_level }),
    );
    Ok(Json(readiness_json(id, current.summary.id, r)))
}

/// A person's assessments, newest first, without their ratings.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/assessments",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, body = Vec<AssessmentJson>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn assessments(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
) -> Result<Json<Vec<AssessmentJson>>, WebError> {
    growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let list = state.store().assessments_of(id).await?;
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn start(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
    ApiJson(body): ApiJson<NewAssessmentJson>,
) -> Result<Response, WebError> {
    let (person, _) = growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let input = StartInput {
        role_level: body.role_level,
        framework_version: body.framework_version_id,
        cycle: body.cycle,
    };
    match growth::start_assessment(state.app(), &caller.actor(&ctx), &person, input).await {
        Ok(a) => Ok(created(
            format!("/api/v1/assessments/{}", a.id),
            assessment_summary(&a),
        )),
        Err(r) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "assessment.create",
                format!("person:{id}"),
                &r,
            );
            Err(WebError::from(r))
        }
    }
}

/// One assessment with the ratings the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "growth",
    params(("id" = i64, Path, description = "Assessment id")),
    responses(
        (status = 200, body = AssessmentJson),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn assessment(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
) -> Result<Json<AssessmentJson>, WebError> {
    let a = growth::viewable_assessment(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn rate(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    ApiJson(body): ApiJson<RatingsJson>,
) -> Result<Json<AssessmentJson>, WebError> {
    let a = growth::viewable_assessment(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
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
    match growth::submit_ratings(state.app(), &caller.actor(&ctx), &a, sub).await {
        Ok(fresh) => Ok(Json(assessment_full(&state, &a, Some(fresh)).await?)),
        Err(r) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "assessment.rate",
                a.target(),
                &r,
            );
            Err(api_refusal(r))
        }
    }
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn request_peer(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    ApiJson(body): ApiJson<NewPeerRequestJson>,
) -> Result<Response, WebError> {
    let a = growth::viewable_assessment(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    match growth::request_peer(
        state.app(),
        &caller.actor(&ctx),
        &a,
        Some(body.peer_id),
        body.skills,
    )
    .await
    {
        Ok(r) => Ok(created(
            format!("/api/v1/peer-requests/{}", r.id),
            PeerRequestJson::from(&r),
        )),
        Err(r) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "peer.request",
                a.target(),
                &r,
            );
            Err(WebError::from(r))
        }
    }
}

/// The requests for input addressed to the caller, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/peer-requests",
    tag = "growth",
    responses((status = 200, body = Vec<PeerRequestJson>))
)]
pub async fn peer_requests(
    State(state): State<AppState>,
    Me(caller, _): Me,
) -> Result<Json<Vec<PeerRequestJson>>, WebError> {
    let list = state.store().peer_requests_for(caller.id()).await?;
    Ok(Json(list.iter().map(PeerRequestJson::from).collect()))
}

/// Answers a request for input: one rating per requested skill. Only the peer asked may answer,
/// once.
#[utoipa::path(
    post,
    path = "/api/v1/peer-requests/{id}",
    tag = "growth",
    params(("id" = i64, Path, description = "Peer request id")),
    request_body = PeerInputJson,
    responses(
        (status = 200, body = PeerRequestJson),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn submit_peer(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
    ApiJson(body): ApiJson<PeerInputJson>,
) -> Result<Json<PeerRequestJson>, WebError> {
    let request = growth::load_peer_request(state.store(), id).await?;
    let a = growth::load_assessment(
        state.app(),
        &caller.actor(&ctx),
        request.assessment_id,
        None,
    )
    .await?;
    match growth::submit_peer(state.app(), &caller.actor(&ctx), &request, &a, body.ratings).await {
        Ok(r) => Ok(Json(PeerRequestJson::from(&r))),
        Err(r) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "peer.submit",
                format!("peer-request:{id}"),
                &r,
            );
            Err(api_refusal(r))
        }
    }
}

/// A person's evidence, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/evidence",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, body = Vec<EvidenceJson>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
) -> Result<Json<Vec<EvidenceJson>>, WebError> {
    growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let list = state.store().evidence_of(id).await?;
    state.audit_read(
        ctx.audit(),
        "evidence.read",
        format!("person:{id}"),
        json!({ "view": "api" }),
    );
    Ok(Json(list.into_iter().map(EvidenceJson::from).collect()))
}

/// Adds a piece of evidence for a person.
#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/evidence",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id")),
    request_body = NewEvidenceJson,
    responses(
        (status = 201, body = EvidenceJson),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn add_evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
    ApiJson(body): ApiJson<NewEvidenceJson>,
) -> Result<Response, WebError> {
    let (person, _) = growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let input = EvidenceInput {
        happened_on: body.happened_on,
        title: body.title,
        description: body.description.unwrap_or_default(),
        links: body.links,
        skills: body.skills,
        corroborators: body.corroborators,
    };
    match growth::add_evidence(state.app(), &caller.actor(&ctx), &person, input).await {
        Ok(e) => Ok(created(
            format!("/api/v1/people/{id}/evidence"),
            EvidenceJson::from(e),
        )),
        Err(r) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "evidence.create",
                format!("person:{id}"),
                &r,
            );
            Err(WebError::from(r))
        }
    }
}
