//! The evidence API: a person's evidence and adding a piece.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use trellis_app::growth::{self, EvidenceInput};
use trellis_store::{Evidence, PersonId};
use utoipa::ToSchema;

use crate::api::{ChangeProblems, ReadProblems, created};
use crate::auth::Me;
use crate::error::{Problem, WebError};
use crate::extract::{ApiJson, PathParams, QueryParams};
use crate::state::AppState;

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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvidenceJson {
    /// `YYYY-MM-DD`, not in the future.
    #[schema(format = Date)]
    pub happened_on: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Web addresses (`https://…`).
    #[serde(default)]
    pub links: Vec<String>,
    /// Skill ids of the current framework (at least one).
    #[schema(min_items = 1)]
    pub skills: Vec<String>,
    /// Names of people who can corroborate it.
    #[serde(default)]
    pub corroborators: Vec<String>,
}

/// Which page of a person's evidence to read.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// Where the page starts: the cursor in the `Link` header of the page before (`rel="next"`).
    /// Leave it out for the newest evidence.
    #[param(pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2}\\.[1-9][0-9]{0,17})?$")]
    pub cursor: Option<String>,
    /// How many pieces the page holds, 1 to 200; 50 when left out.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// A page of a person's evidence, newest first (by the date it happened, then the newest added).
/// When more follows, the `Link` header gives the address of the next page
/// (`<…?cursor=…&limit=…>; rel="next"`); the last page has none. Pages follow on from each other
/// however much is added meanwhile.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/evidence",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id"), EvidenceQuery),
    responses(
        (status = 200, body = Vec<EvidenceJson>, headers(
            ("Link" = String, description = "`<address of the next page>; rel=\"next\"`, when there is one")
        )),
        (status = 422, description = "A cursor that no page gave, or a limit out of range; `field` names it", body = Problem, content_type = "application/problem+json"),
        ReadProblems
    )
)]
pub async fn evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<EvidenceQuery>,
) -> Result<Response, WebError> {
    let (_, _, page) = state
        .app()
        .evidence()
        .page_of_person(&caller.actor(&ctx), id, q.cursor.as_deref(), q.limit)
        .await?;
    state.audit_read(
        ctx.audit(),
        "evidence.read",
        format!("person:{id}"),
        json!({ "view": "api" }),
    );
    let body: Vec<EvidenceJson> = page.evidence.into_iter().map(EvidenceJson::from).collect();
    let mut res = Json(body).into_response();
    if let Some(next) = page.next {
        let limit = q.limit.unwrap_or(growth::EVIDENCE_PAGE);
        let query = serde_urlencoded::to_string([("cursor", next), ("limit", limit.to_string())])
            .unwrap_or_default();
        let link = format!("</api/v1/people/{id}/evidence?{query}>; rel=\"next\"");
        if let Ok(v) = HeaderValue::from_str(&link) {
            res.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(res)
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
        ChangeProblems
    )
)]
pub async fn add_evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    ApiJson(body): ApiJson<NewEvidenceJson>,
) -> Result<Response, WebError> {
    let input = EvidenceInput {
        happened_on: body.happened_on,
        title: body.title,
        description: body.description.unwrap_or_default(),
        links: body.links,
        skills: body.skills,
        corroborators: body.corroborators,
    };
    let e = state
        .app()
        .evidence()
        .add(&caller.actor(&ctx), id, input)
        .await?;
    Ok(created(
        format!("/api/v1/people/{id}/evidence"),
        EvidenceJson::from(e),
    ))
}

/// Changes to a piece of evidence: each field given replaces what it says; the others stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidencePatchJson {
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    #[schema(format = Date)]
    pub happened_on: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Web addresses (`https://…`).
    #[serde(default)]
    pub links: Option<Vec<String>>,
    /// Skill ids of the current framework (at least one).
    #[serde(default)]
    #[schema(min_items = 1)]
    pub skills: Option<Vec<String>>,
    #[serde(default)]
    pub corroborators: Option<Vec<String>>,
}

/// Edits a piece of evidence, by whoever added it or the person it is about. The version it
/// replaces is kept in its history.
#[utoipa::path(
    patch,
    path = "/api/v1/people/{id}/evidence/{evidence}",
    tag = "growth",
    params(
        ("id" = i64, Path, description = "Person id"),
        ("evidence" = i64, Path, description = "Evidence id")
    ),
    request_body = EvidencePatchJson,
    responses(
        (status = 200, body = EvidenceJson),
        ChangeProblems
    )
)]
pub async fn update_evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams((id, evidence)): PathParams<(PersonId, i64)>,
    ApiJson(body): ApiJson<EvidencePatchJson>,
) -> Result<Json<EvidenceJson>, WebError> {
    let actor = caller.actor(&ctx);
    let cases = state.app().evidence();
    let (_, e) = cases.changeable(&actor, id, evidence).await?;
    let input = EvidenceInput {
        happened_on: body.happened_on.unwrap_or(e.happened_on),
        title: body.title.unwrap_or(e.title),
        description: body.description.unwrap_or(e.description),
        links: body.links.unwrap_or(e.links),
        skills: body.skills.unwrap_or(e.skills),
        corroborators: body.corroborators.unwrap_or(e.corroborators),
    };
    let e = cases.edit(&actor, id, evidence, input).await?;
    Ok(Json(EvidenceJson::from(e)))
}

/// Deletes a piece of evidence, by whoever added it or the person it is about: it leaves the
/// person's evidence and no longer counts toward readiness; its history and audit trail stay.
#[utoipa::path(
    delete,
    path = "/api/v1/people/{id}/evidence/{evidence}",
    tag = "growth",
    params(
        ("id" = i64, Path, description = "Person id"),
        ("evidence" = i64, Path, description = "Evidence id")
    ),
    responses(
        (status = 204, description = "Deleted"),
        ChangeProblems
    )
)]
pub async fn delete_evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams((id, evidence)): PathParams<(PersonId, i64)>,
) -> Result<StatusCode, WebError> {
    state
        .app()
        .evidence()
        .delete(&caller.actor(&ctx), id, evidence)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
