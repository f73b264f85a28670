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

/// The OpenAPI document as JSON, built once: [`openapi`] with what every operation has in common
/// stated on each (see [`complete`]).
pub fn openapi_document() -> String {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
            complete(&mut doc);
            serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
        })
        .clone()
}

/// Adds to the document what the server does for every operation alike, so that each operation
/// lists every answer it can give and every text field the characters it accepts:
/// - the problems of reading a request: 401 without a valid token, 404 for an address with an id
///   that names nothing (or nothing the caller may see), 400 for a query string or body that
///   cannot be read, 413 and 415 for a body too large or not JSON, 422 for a value that is not
///   valid;
/// - on every text a request carries (query and path parameters, request bodies), the rule of
///   [`trellis_app::input`] as a `pattern`: no control characters, tabs and line breaks apart in
///   text of several lines.
fn complete(doc: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        })
    };
    let mut request_schemas = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let public = operation["security"] == json!([{}]);
            let has_body = operation.get("requestBody").is_some();
            let mut has_query = false;
            if let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            {
                for parameter in parameters {
                    has_query |= parameter["in"] == "query";
                    let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                    if let Some(schema) = parameter.get_mut("schema") {
                        text_patterns(schema, &name);
                    }
                }
            }
            if let Some(Value::String(r)) =
                operation.pointer("/requestBody/content/application~1json/schema/$ref")
            {
                request_schemas.push(r.trim_start_matches("#/components/schemas/").to_owned());
            }
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let mut add = |status: &str, when: bool, description: &str| {
                if when && !responses.contains_key(status) {
                    responses.insert(status.to_owned(), problem(description));
                }
            };
            add(
                "400",
                has_body || has_query,
                "The request could not be read: a query string that is not well formed, or a \
                 body that is not JSON.",
            );
            add(
                "401",
                !public,
                "No valid API token: send `Authorization: Bearer <token>`.",
            );
            add(
                "404",
                path.contains('{'),
                "There is no such record, or the caller may not see it: the same answer either \
                 way, so that ids cannot be probed.",
            );
            add(
                "413",
                has_body,
                "The body is larger than the server accepts.",
            );
            add(
                "415",
                has_body,
                "The body is not sent as `application/json`.",
            );
            add(
                "422",
                has_body || has_query,
                "What was sent is not valid; `errors` names each field at fault.",
            );
        }
    }
    // The schemas of request bodies, and those they refer to, get the text rule.
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut done = std::collections::BTreeSet::new();
    while let Some(name) = request_schemas.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get_mut(&name) {
            request_schemas.extend(text_patterns(schema, ""));
        }
    }
}

/// Writes the text rule onto every string of `schema` (a field called `field`) that has no
/// pattern, format or list of values of its own; gives the names of the schemas it refers to.
fn text_patterns(schema: &mut serde_json::Value, field: &str) -> Vec<String> {
    use serde_json::Value;
    const ONE_LINE: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
    const LINES: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
    let mut refs = Vec::new();
    let Some(object) = schema.as_object_mut() else {
        return refs;
    };
    if let Some(Value::String(r)) = object.get("$ref") {
        refs.push(r.trim_start_matches("#/components/schemas/").to_owned());
    }
    let is_string = match object.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let free = ["pattern", "format", "enum", "const"]
        .iter()
        .all(|k| !object.contains_key(*k));
    if is_string && free && !trellis_app::input::exempt(field) {
        let pattern = if trellis_app::input::multi_line(field) {
            LINES
        } else {
            ONE_LINE
        };
        object.insert("pattern".into(), pattern.into());
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            refs.extend(text_patterns(property, name));
        }
    }
    if let Some(items) = object.get_mut("items") {
        refs.extend(text_patterns(items, field));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = object.get_mut(key) {
            for part in parts {
                refs.extend(text_patterns(part, field));
            }
        }
    }
    refs
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

/// Problems of a use case named as the JSON body names the field: `page_field` says which
/// fields the use case (written for the page's form) names otherwise.
pub(crate) fn as_json_field(
    e: AppError,
    page_field: fn(&str) -> bool,
    json_field: &str,
) -> WebError {
    match e {
        AppError::Invalid(mut problems) => {
            for p in &mut problems {
                if page_field(&p.field) {
                    p.field = json_field.into();
                }
            }
            AppError::Invalid(problems).into()
        }
        other => other.into(),
    }
}

/// Rating problems named as JSON fields (`ratings.<skill>.level`).
pub(crate) fn api_refusal(r: AppError) -> WebError {
    match r {
        AppError::Invalid(p) => AppError::Invalid(growth::api_fields(p)).into(),
        other => other.into(),
    }
}
