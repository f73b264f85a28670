//! One span per request, so that an operator sees every request with its method, route, status,
//! latency, the signed-in user and a request id (taken from `x-request-id` when the client or a
//! proxy sent a sensible one, generated otherwise, and returned in the response).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::state::AppState;

pub const REQUEST_ID: &str = "x-request-id";

/// Request ids made here: a per-process prefix and a counter, unique enough to find one request in
/// a log, cheap enough for every request.
fn new_request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| trellis_app::secrets::random_token()[..8].to_owned());
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A request id from a header, if it is short and plain enough to be written to a log as it is.
fn sent_request_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    (!s.is_empty() && s.len() <= 64 && s.chars().all(plain)).then(|| s.to_owned())
}

pub(crate) async fn trace_request(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(sent_request_id)
        .unwrap_or_else(new_request_id);
    // The route's pattern (`/people/{id}`), not the path: ids of people stay out of the log line's
    // route, and requests group by route.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", |m| m.as_str())
        .to_owned();
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %id,
        user_id = tracing::field::Empty,
    );
    let mut res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    let took = start.elapsed();
    let latency_ms = took.as_secs_f64() * 1000.0;
    state.metrics().observe(
        &method,
        matched.as_ref().map(MatchedPath::as_str),
        status,
        took,
    );
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, latency_ms, "request failed");
        } else {
            tracing::info!(status, latency_ms, "request");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_clients_are_kept_only_when_plain() {
        let ok = HeaderValue::from_static("a1b2-c3_d4.e5:f6");
        assert_eq!(sent_request_id(&ok).as_deref(), Some("a1b2-c3_d4.e5:f6"));
        for bad in ["", "has space", "semi;colon", &"x".repeat(65)] {
            let v = HeaderValue::from_str(bad).unwrap();
            assert_eq!(sent_request_id(&v), None, "{bad:?}");
        }
        assert_ne!(new_request_id(), new_request_id());
    }
}
