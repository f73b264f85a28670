//! What operators and their tools call: `/readyz` (the database answers) and `/metrics`
//! (Prometheus text, behind its own token). `/healthz` (the process answers) is with the other
//! fixed resources in `html`.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::metrics::Gauges;
use crate::state::AppState;

/// How long the database has to answer a readiness probe.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// `GET /readyz`: 200 when the database answers a query within two seconds, 503 otherwise (a
/// load balancer then sends requests elsewhere). Says which, never why: the cause is logged.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let text = |status, body: &'static str| {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response()
    };
    match tokio::time::timeout(READY_WITHIN, state.store().ping()).await {
        Ok(Ok(())) => text(StatusCode::OK, "ready\n"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database did not answer");
            text(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("readiness: the database took longer than {READY_WITHIN:?}");
            text(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// `GET /metrics`: requests by route and status, latency, the pool and the audit queue, in the
/// Prometheus text format. The route's rule has checked the token.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let (pool_in_use, pool_idle, pool_max) = state.store().pool_use();
    let body = state.metrics().render(Gauges {
        pool_in_use,
        pool_idle,
        pool_max,
        audit_queue: state.app().audit_queue_len(),
    });
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
