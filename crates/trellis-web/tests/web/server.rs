//! The real server on a real socket: start on port 0, answer over TCP, shut down gracefully.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trellis_app::bootstrap;
use trellis_store::prelude::*;
use trellis_store_sql::Database;
use trellis_web::AppState;

use crate::support::new_person;

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

/// A new SQLite database in `dir`, migrated.
async fn migrated_store(dir: &std::path::Path) -> Database {
    let store = Database::connect(&format!("sqlite://{}", dir.join("t.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_on_a_real_port_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let store = migrated_store(dir.path()).await;
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
    let store = migrated_store(dir.path()).await;
    bootstrap::publish_starter_if_empty(&store).await.unwrap();
    let me = store
        .create_person(
            trellis_store::NewPerson {
                name: "Reader".into(),
                role_level: Some("engineering/software-engineer".into()),
                role_level_version: Some(1),
                ..new_person("reader@test.example", trellis_store::SystemRole::Member)
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

/// A self-signed certificate for `localhost` and 127.0.0.1, made with the `openssl` command, in
/// `dir`: (certificate, key). `None`, with a note, where there is no `openssl`.
fn self_signed(dir: &std::path::Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        // An end-entity certificate (webpki refuses a CA certificate as a server's).
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match made {
        Ok(out) if out.status.success() => Some((cert, key)),
        _ => {
            eprintln!(
                "note: TLS test skipped: the openssl command is not available to make a certificate"
            );
            None
        }
    }
}

/// HTTPS served directly: a client trusting the certificate gets answers over TLS, HSTS is sent
/// (every request counts as HTTPS), a plain-HTTP request to the TLS port gets nothing, and
/// unreadable certificate files are refused with their name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_given_certificate() {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    let missing = dir.path().join("missing.pem");
    let err = trellis_web::tls::server_config(&missing, &key).unwrap_err();
    assert!(err.contains("missing.pem"), "{err}");
    let err = trellis_web::tls::server_config(&key, &key).unwrap_err();
    assert!(
        err.contains("key.pem") && err.contains("certificate"),
        "{err}"
    );

    let store = migrated_store(dir.path()).await;
    let config = trellis_web::Config {
        tls: true,
        hsts: Some(std::time::Duration::from_secs(31_536_000)),
        ..trellis_web::Config::default()
    };
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let listener = trellis_web::tls::TlsListener::new(
        tcp,
        trellis_web::tls::server_config(&cert, &key).unwrap(),
    )
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(trellis_web::serve_tls(
        listener,
        AppState::new(store.clone(), config),
        async {
            let _ = stopped.await;
        },
    ));

    // Plain HTTP to the TLS port: no HTTP answer (the handshake fails, the connection closes).
    let plain = tokio::time::timeout(
        std::time::Duration::from_secs(15),
        http_get(addr, "/healthz"),
    )
    .await
    .expect("the connection is closed");
    assert!(!plain.starts_with("HTTP/1.1 200"), "{plain}");

    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(&cert).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let mut client = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // As browsers and curl do: offer HTTP/2 and HTTP/1.1, and speak what the server chose.
    client.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the handshake succeeds with the server's certificate");
    assert_eq!(
        tls.get_ref().1.alpn_protocol(),
        Some(&b"http/1.1"[..]),
        "the server speaks HTTP/1.1 only, and says so"
    );
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    tls.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000"),
        "{response}"
    );
    assert!(response.ends_with("ok\n"));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    store.close().await;
}
