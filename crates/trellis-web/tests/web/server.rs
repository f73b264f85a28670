//! The real server on a real socket: start on port 0, answer over TCP, shut down gracefully.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trellis_app::bootstrap;
use trellis_store::prelude::*;
use trellis_store_sql::Database;
use trellis_web::AppState;

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_on_a_real_port_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let store = Database::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    bootstrap::publish_starter_if_empty(&store).await.unwrap();
    let first = bootstrap::ensure_admin(&store, "root@test.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.email, "root@test.example");
    assert!(first.password.len() >= 20, "a generated, strong password");
    assert!(
        bootstrap::ensure_admin(&store, "root@test.example")
            .await
            .unwrap()
            .is_none()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(trellis_web::serve(
        listener,
        AppState::new(store.clone(), trellis_web::Config::default()),
        async {
            let _ = stopped.await;
        },
    ));

    let health = http_get(addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200 OK"), "{health}");
    assert!(health.ends_with("ok\n"));
    let home = http_get(addr, "/").await;
    assert!(home.starts_with("HTTP/1.1 303"), "{home}");
    let sign_in = http_get(addr, "/sign-in").await;
    assert!(sign_in.contains("name=\"email\"") && sign_in.contains("name=\"password\""));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    store.close().await;
}

/// Reads audited just before shutdown are written on the way out, not lost with the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_events_are_written_on_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let store = Database::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    bootstrap::publish_starter_if_empty(&store).await.unwrap();
    let me = store
        .create_person(
            trellis_store::NewPerson {
                email: "reader@test.example".into(),
                name: "Reader".into(),
                team_id: None,
                manager_id: None,
                role_level: Some("engineering/software-engineer".into()),
                role_level_version: Some(1),
                system_role: trellis_store::SystemRole::Member,
                password_hash: None,
            },
            &trellis_store::Audit::default(),
        )
        .await
        .unwrap();
    let token = trellis_web::auth::new_api_token();
    store
        .create_api_token(
            me.id,
            "test",
            &trellis_web::auth::sha256_hex(&token),
            &trellis_store::Audit::default(),
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The timer never fires during this test: only the shutdown writes the queue.
    let config = trellis_web::Config {
        read_audit_every: std::time::Duration::from_secs(3600),
        ..trellis_web::Config::default()
    };
    let server = tokio::spawn(trellis_web::serve(
        listener,
        AppState::new(store.clone(), config),
        async {
            let _ = stopped.await;
        },
    ));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /api/v1/people/{}/readiness HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
        me.id
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let reads = || trellis_store::AuditFilter {
        action_prefix: Some("readiness.read".into()),
        ..Default::default()
    };
    assert!(
        store.audit_events(reads()).await.unwrap().is_empty(),
        "still queued"
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    let events = store.audit_events(reads()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id, Some(me.id));
    store.close().await;
}
