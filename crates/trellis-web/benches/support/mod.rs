//! What the benchmarks share: their runtime, a database with the starter framework published, a
//! browser session, and a page read through the whole router.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use trellis_app::bootstrap;
use trellis_store::prelude::*;
use trellis_store::{FrameworkVersion, PersonId, Session};
use trellis_store_sql::Database;
use trellis_web::auth;

pub const DAY: i64 = 86_400_000;

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A migrated database at `url` with the starter framework published, and its version.
pub async fn published_store(url: &str) -> (Database, FrameworkVersion) {
    let store = Database::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let version = bootstrap::publish_starter_if_empty(&store)
        .await
        .unwrap()
        .unwrap();
    (store, version)
}

/// A day's browser session for a person: the cookie that carries it.
pub async fn session(store: &Database, person: PersonId) -> String {
    let token = auth::random_token();
    let at = now();
    store
        .create_session(Session {
            token_hash: auth::sha256_hex(&token),
            person_id: person,
            csrf_token: auth::random_token(),
            created_at: at,
            last_seen_at: at,
            expires_at: at + DAY,
        })
        .await
        .unwrap();
    format!("{}={token}", auth::SESSION_COOKIE)
}

/// A page through the router with a session cookie, which must be a success: its size in bytes.
pub async fn get(router: &axum::Router, cookie: &str, path: &str) -> usize {
    let res = router
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .len()
}
