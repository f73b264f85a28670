//! What operators rely on: `/readyz` and `/metrics` (behind its token), the client address and
//! HTTPS as trusted proxies report them (and only those), HSTS, and the sign-in page's warning
//! when it is reached over plain HTTP from another machine.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use trellis_web::auth;

use crate::support::{App, METRICS_TOKEN, Resp};

/// A request as if it came over a socket from `peer`, with these headers.
async fn from(
    app: &App,
    method: Method,
    path: &str,
    peer: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Resp {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(body).unwrap();
    let addr: SocketAddr = peer.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

async fn metrics(app: &App, token: Option<&str>) -> Resp {
    let headers: Vec<(&str, String)> = token
        .map(|t| vec![("authorization", format!("Bearer {t}"))])
        .unwrap_or_default();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    from(
        app,
        Method::GET,
        "/metrics",
        "10.1.2.3:9000",
        &headers,
        Body::empty(),
    )
    .await
}

pub async fn probes_and_metrics(app: App) {
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);

    // A few requests to count: a person page seen, one refused, one not found.
    let b = app.browser(app.ids.member_a).await;
    let member = app.ids.member_a;
    assert_eq!(
        app.get(&format!("/people/{member}"), Some(&b)).await.status,
        StatusCode::OK
    );
    let other = app.ids.member_b;
    assert_eq!(
        app.get(&format!("/people/{other}"), Some(&b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/no/such/page", Some(&b)).await.status,
        StatusCode::NOT_FOUND
    );

    // Without the token, or with another: refused, and nothing is said.
    for token in [None, Some("wrong"), Some("")] {
        let res = metrics(&app, token).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(!res.body.contains("trellis_"), "{token:?}");
    }
    // A session is not the token.
    let res = app
        .get("/metrics", Some(&app.browser(app.ids.admin).await))
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let res = metrics(&app, Some(METRICS_TOKEN)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = &res.body;
    for line in [
        "trellis_http_requests_total{method=\"GET\",route=\"/people/{id}\",status=\"200\"} 1",
        "trellis_http_requests_total{method=\"GET\",route=\"/people/{id}\",status=\"404\"} 1",
        "trellis_http_requests_total{method=\"GET\",route=\"(unmatched)\",status=\"404\"} 1",
        "trellis_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1",
        "trellis_http_request_duration_seconds_count{route=\"/people/{id}\"} 2",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
    }
    assert!(
        !text.contains(&format!("/people/{member}")),
        "paths never become labels"
    );
    for gauge in [
        "trellis_db_pool_connections{state=\"in_use\"}",
        "trellis_db_pool_connections{state=\"idle\"}",
        "trellis_db_pool_max_connections",
        "trellis_audit_queue_length",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(gauge)),
            "missing {gauge}:\n{text}"
        );
    }

    // The database gone: not ready (the process itself still answers).
    app.store.close().await;
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
}

/// The client address and HTTPS come from `X-Forwarded-*` only through a trusted proxy (the tests'
/// configuration trusts 10.0.0.0/8), and HSTS is sent only on answers to HTTPS requests.
pub async fn forwarded_headers_count_from_trusted_proxies_only(app: App) {
    let forwarded = [
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-proto", "https"),
    ];
    let via_proxy = from(
        &app,
        Method::GET,
        "/healthz",
        "10.0.0.2:5000",
        &forwarded,
        Body::empty(),
    )
    .await;
    assert_eq!(
        via_proxy.header("strict-transport-security"),
        Some("max-age=86400")
    );
    let direct = from(
        &app,
        Method::GET,
        "/healthz",
        "192.0.2.50:5000",
        &forwarded,
        Body::empty(),
    )
    .await;
    assert_eq!(
        direct.header("strict-transport-security"),
        None,
        "a claim from anyone is ignored"
    );

    // A failed sign-in is audited with the address the proxy saw, or else with the peer's.
    for peer in ["10.0.0.2:5000", "192.0.2.50:5000"] {
        let (cookie, token) = app.sign_in_form().await;
        let body = serde_urlencoded::to_string([
            ("email", "nobody@test.example"),
            ("password", "wrong"),
            ("csrf_token", token.as_str()),
        ])
        .unwrap();
        let cookie = format!("{}={cookie}", auth::PRESESSION_COOKIE);
        let res = from(
            &app,
            Method::POST,
            "/sign-in",
            peer,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", &cookie),
                forwarded[0],
                forwarded[1],
            ],
            Body::from(body),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    }
    let mut seen: Vec<String> = app
        .audit("sign-in")
        .await
        .into_iter()
        .filter_map(|e| e.ip)
        .collect();
    seen.sort();
    assert_eq!(seen, ["192.0.2.50", "203.0.113.9"]);
}

/// Over plain HTTP from another machine, browsers drop the `Secure` sign-in cookies: the sign-in
/// page says HTTPS is needed, and a sign-in whose form cookie was dropped is told so rather than
/// that the form expired. From loopback, or through a proxy reporting HTTPS, neither happens.
pub async fn plain_http_from_afar_is_explained(app: App) {
    let page = from(
        &app,
        Method::GET,
        "/sign-in",
        "192.0.2.10:5000",
        &[],
        Body::empty(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Signing in needs HTTPS");
    assert!(page.body.contains("--tls-cert"));
    for (peer, headers) in [
        ("127.0.0.1:5000", vec![]),
        (
            "10.0.0.2:5000",
            vec![
                ("x-forwarded-for", "192.0.2.10"),
                ("x-forwarded-proto", "https"),
            ],
        ),
    ] {
        let page = from(&app, Method::GET, "/sign-in", peer, &headers, Body::empty()).await;
        assert!(!page.body.contains("Signing in needs HTTPS"), "{peer}");
    }

    // The browser dropped the form's cookie: the token it sends matches nothing.
    let (_, token) = app.sign_in_form().await;
    let body = || {
        Body::from(
            serde_urlencoded::to_string([
                ("email", "admin@test.example"),
                ("password", "whatever"),
                ("csrf_token", token.as_str()),
            ])
            .unwrap(),
        )
    };
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let afar = from(
        &app,
        Method::POST,
        "/sign-in",
        "192.0.2.10:5000",
        &form,
        body(),
    )
    .await;
    assert_eq!(afar.status, StatusCode::FORBIDDEN);
    afar.assert_contains("plain HTTP");
    assert!(!afar.body.contains("expired"), "{}", afar.body);
    let local = from(
        &app,
        Method::POST,
        "/sign-in",
        "127.0.0.1:5000",
        &form,
        body(),
    )
    .await;
    assert_eq!(local.status, StatusCode::FORBIDDEN);
    local.assert_contains("expired");
}

crate::on_both_backends!(
    probes_and_metrics,
    forwarded_headers_count_from_trusted_proxies_only,
    plain_http_from_afar_is_explained,
);
