//! The JSON API under `/api/v1`: the same data and the same rules as the pages, for scripts.
//!
//! The endpoints live with their resource (`people::api`, `assessments::api`, …), each documented
//! with `#[utoipa::path]`, the one place its method and path are written. The route table takes
//! them from there (through `utoipa-axum`), and [`openapi`] builds the OpenAPI 3.1 document served
//! at `/api/v1/openapi.json` from the table's API rows and [`ApiDoc`] (title, security scheme,
//! shared schemas). Errors are `application/problem+json`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use trellis_app::AppError;
use trellis_app::growth;
use utoipa::OpenApi;

use crate::error::{Problem, WebError};

/// The OpenAPI document of the API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Trellis API",
        description = "Career frameworks, role profiles, people and their growth: assessments, evidence and readiness. Authenticate with an API token \
                       (`Authorization: Bearer <token>`, created with `trellis token create` or on \
                       the API tokens page). Errors are RFC 9457 problem objects.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The problems a call about one record can answer with. (This type and [`ChangeProblems`] only
/// describe the OpenAPI document; the problems themselves are [`WebError`]s.)
#[derive(Debug, utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ReadProblems {
    /// The caller's role may not call this; the refusal is audited.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// There is no such record, or the caller may not see it: the same answer either way, so
    /// that ids cannot be probed (a refusal is audited).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// The problems a change to a record can answer with. Nothing is saved when one is returned.
#[derive(Debug, utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ChangeProblems {
    /// The caller sees the record but may not make this change; the refusal is audited.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// There is no such record, or the caller may not see it: the same answer either way, so
    /// that ids cannot be probed (a refusal is audited).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The change conflicts with what is stored now (a stale `revision`, a stage that is not the
    /// caller's, a framework version that is no longer current).
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// What was sent is not valid; `errors` names each field at fault.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// The OpenAPI document: [`ApiDoc`] with the operations of the route table's API rows.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let (paths, schemas) = crate::routes::api_paths();
    doc.paths.merge(paths);
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    doc
}

/// The OpenAPI document as JSON, built once.
pub fn openapi_document() -> String {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| openapi().to_pretty_json().unwrap_or_else(|_| "{}".into()))
        .clone()
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        openapi_document(),
    )
        .into_response()
}

/// `201 Created` with the new resource's address.
pub(crate) fn created(location: String, body: impl Serialize) -> Response {
    let mut res = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Rating problems named as JSON fields (`ratings.<skill>.level`).
pub(crate) fn api_refusal(r: AppError) -> WebError {
    match r {
        AppError::Invalid(p) => AppError::Invalid(growth::api_fields(p)).into(),
        other => other.into(),
    }
}
