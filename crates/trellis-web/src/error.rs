//! One error type for every route, rendered as an HTML page or as a JSON problem
//! (`application/problem+json`, RFC 9457) depending on where the request went.
//!
//! Handlers return `Err(WebError)`; its `IntoResponse` only records the error in the response, and the
//! [`render_errors`] middleware, which knows the route and the caller, turns it into a page or a
//! problem. Internal errors are logged on the server and never shown: the user sees a generic message.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use trellis_app::AppError;
use trellis_store::StoreError;

use crate::auth::Ctx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    /// Well-formed but refused: a field with a value we cannot accept (422).
    Invalid,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "Bad request",
            ErrorKind::Unauthorized => "Sign-in required",
            ErrorKind::Forbidden => "Not allowed",
            ErrorKind::NotFound => "Not found",
            ErrorKind::MethodNotAllowed => "Method not allowed",
            ErrorKind::Conflict => "Conflict",
            ErrorKind::Invalid => "Invalid value",
            ErrorKind::PayloadTooLarge => "Request too large",
            ErrorKind::UnsupportedMediaType => "Unsupported media type",
            ErrorKind::TooManyRequests => "Too many requests",
            ErrorKind::Internal => "Something went wrong",
        }
    }
}

/// An error a route answers with. `detail` is shown to the caller, so it never holds internals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebError {
    pub kind: ErrorKind,
    pub detail: String,
    /// The request field at fault, for validation errors.
    pub field: Option<String>,
}

impl WebError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        WebError {
            kind,
            detail: detail.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        WebError::new(ErrorKind::NotFound, "There is nothing at this address.")
    }

    pub fn not_found_because(detail: impl Into<String>) -> Self {
        WebError::new(ErrorKind::NotFound, detail)
    }

    pub fn forbidden() -> Self {
        WebError::new(ErrorKind::Forbidden, "You do not have access to this.")
    }

    pub fn unauthorized() -> Self {
        WebError::new(
            ErrorKind::Unauthorized,
            "Sign in, or send an API token as `Authorization: Bearer <token>`.",
        )
    }

    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        WebError::new(ErrorKind::Invalid, detail).with_field(field)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        WebError::new(ErrorKind::BadRequest, detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        WebError::new(ErrorKind::Conflict, detail)
    }

    pub fn too_large(limit: usize) -> Self {
        WebError::new(
            ErrorKind::PayloadTooLarge,
            format!(
                "The request body is larger than the limit of {} KiB.",
                limit / 1024
            ),
        )
    }

    /// Logs the cause on the server; the caller sees a generic message only.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        WebError::new(
            ErrorKind::Internal,
            "The server could not complete this request. It has been logged; please try again.",
        )
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.title(), self.detail)
    }
}

impl std::error::Error for WebError {}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => WebError::not_found_because("No such record."),
            StoreError::Conflict(m) => WebError::conflict(public_message(&m)),
            StoreError::Invalid(m) => WebError::new(ErrorKind::Invalid, public_message(&m)),
            StoreError::Backend(m) => WebError::internal(format!("store: {m}")),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(m) => WebError::not_found_because(m),
            AppError::Forbidden(m) => WebError::new(ErrorKind::Forbidden, m),
            AppError::Conflict { message, field } => {
                let e = WebError::conflict(message);
                match field {
                    Some(f) => e.with_field(f),
                    None => e,
                }
            }
            // One error names one field: the first, with how many more there are.
            AppError::Invalid(mut problems) => {
                if problems.is_empty() {
                    return WebError::new(ErrorKind::Invalid, "The request was refused.");
                }
                let count = problems.len();
                let first = problems.remove(0);
                let message = match count {
                    1 => first.message,
                    2 => format!("{} (1 more problem)", first.message),
                    n => format!("{} ({} more problems)", first.message, n - 1),
                };
                let e = WebError::new(ErrorKind::Invalid, message);
                if first.field.is_empty() {
                    e
                } else {
                    e.with_field(first.field)
                }
            }
            AppError::Internal(cause) => WebError::internal(cause),
        }
    }
}

/// Store messages for conflicts and refusals are written for people; keep them short all the same.
fn public_message(m: &str) -> String {
    let m = m.trim();
    let mut out: String = m.chars().take(200).collect();
    if out.is_empty() {
        out = "The change conflicts with what is stored.".into();
    }
    out
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        // A plain fallback body; `render_errors` replaces it with a page or a problem.
        let mut res = (self.kind.status(), self.detail.clone()).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

/// The JSON problem body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of problem this is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The request field at fault, for validation errors (`email`, `manager_id`, `revision`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub(crate) fn problem_response(e: &WebError) -> Response {
    let body = Problem {
        kind: "about:blank",
        title: e.kind.title(),
        status: e.kind.status().as_u16(),
        detail: e.detail.clone(),
        field: e.field.clone(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut res = (e.kind.status(), bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// Whether errors on this path are answered as JSON problems rather than pages.
pub(crate) fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Renders every [`WebError`] a route returned, keeping the headers it set (cookies, `Allow`,
/// `Retry-After`).
pub(crate) async fn render_errors(req: Request, next: Next) -> Response {
    let api = is_api_path(req.uri().path());
    let ctx = req.extensions().get::<Arc<Ctx>>().cloned();
    let mut res = next.run(req).await;
    let Some(err) = res.extensions_mut().remove::<WebError>() else {
        return res;
    };
    let mut rendered = if api {
        problem_response(&err)
    } else {
        crate::html::error_page(&err, ctx.as_deref())
    };
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered
}

/// What a panicking handler answers: a 500, rendered like any other error.
pub(crate) fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    WebError::internal("a handler panicked").into_response()
}
