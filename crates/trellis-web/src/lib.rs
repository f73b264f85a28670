//! The Trellis web server: HTML pages for people and a JSON API for scripts, over any [`Store`].
//!
//! - [`routes`]: the route table (every route with who may call it) and the router built from it.
//! - [`auth`]: passwords, sessions, API tokens and the anti-forgery checks.
//! - One module per resource, each with its pages and its part of the JSON API side by side, and its
//!   templates in the matching folder of `templates/`: `people`, `assessments`, `evidence`,
//!   `peer_requests`, `team`, `frameworks`, `admin`, `account`, `sign_in` and `home`.
//! - `html`: what every page shares (frame, rendering, error page, field errors, wording helpers).
//! - [`api`]: the OpenAPI document of the JSON API and the helpers its handlers share.
//!
//! The rules and the use cases live in `trellis-app`; this crate turns requests into calls of them
//! and their results into pages and JSON.
#![forbid(unsafe_code)]
// The route table is one recursive macro, a step per route.
#![recursion_limit = "512"]

mod account;
mod admin;
pub mod api;
mod assessments;
pub mod auth;
mod calibration;
mod chart;
mod check_ins;
mod client;
mod cycles;
mod error;
mod evidence;
mod extract;
mod frameworks;
mod hiring;
mod home;
mod html;
mod metrics;
mod notifications;
mod ops;
mod organisation;
mod password_reset;
mod peer_requests;
mod people;
mod plans;
mod privacy;
mod promotions;
pub mod routes;
mod search;
mod sign_in;
mod sso;
mod state;
mod team;
pub mod tls;
mod trace;

use std::future::Future;
use std::net::SocketAddr;

pub use error::{ErrorKind, Problem, WebError};
pub use routes::{Kind, Route, RouteSpec, Rule, route_specs, router, routes};
pub use state::{AppState, Config};

/// Serves the application on a bound listener until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    finish(&state).await;
    served
}

/// As [`serve`], over TLS: every connection's handshake is done by `listener` (see [`tls`]). The
/// state's `Config::tls` should be set, so that requests count as HTTPS.
pub async fn serve_tls(
    listener: tls::TlsListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let app = router(state.clone());
    // `tap_io` gives the listener the peer address as connection info, as a TCP listener has.
    let served = axum::serve(
        listener.tap_io(|_| {}),
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    finish(&state).await;
    served
}

async fn finish(state: &AppState) {
    // Reads audited in the last moments before shutdown are still queued.
    if let Err(e) = state.flush_audit().await {
        tracing::error!(error = %e, "audit: could not write the last read events");
    }
}

/// Completes on Ctrl-C (and on SIGTERM on Unix), for graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
