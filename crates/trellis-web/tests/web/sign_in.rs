//! Signing in and out: cookies, rotation, timeouts, throttling, password change, and forged forms.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use trellis_store::Outcome;
use trellis_store::prelude::*;
use trellis_web::auth;

use crate::support::{App, Browser, PASSWORD, now};

const WRONG: &str = "The email address or password is not right.";

pub async fn sign_in_sets_a_host_cookie_and_rotates_it(app: App) {
    let first = app.sign_in("Member.A@test.example", PASSWORD, None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The success is audited as the account's own action.
    let signed_in = app.audit("sign-in").await;
    assert!(
        signed_in
            .iter()
            .any(|e| e.outcome == Outcome::Success && e.actor_id == Some(app.ids.member_a)),
        "{signed_in:?}"
    );
    assert_eq!(first.header("location"), Some("/"));
    let cookie = first
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-trellis_session="))
        .expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(
        !cookie.to_lowercase().contains("domain="),
        "__Host- cookies have no Domain"
    );
    let token = first.cookie(auth::SESSION_COOKIE).unwrap();
    let browser = crate::support::Browser {
        token: token.clone(),
        csrf: String::new(),
    };
    assert_eq!(app.get("/", Some(&browser)).await.status, StatusCode::OK);

    // Signing in again, from a signed-in browser, issues a new id and ends the old session.
    let second = app
        .sign_in("member.a@test.example", PASSWORD, Some(&browser))
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let rotated = second.cookie(auth::SESSION_COOKIE).unwrap();
    assert_ne!(rotated, token);
    assert_eq!(
        app.get("/", Some(&browser)).await.status,
        StatusCode::SEE_OTHER
    );
    let fresh = crate::support::Browser {
        token: rotated,
        csrf: String::new(),
    };
    assert_eq!(app.get("/", Some(&fresh)).await.status, StatusCode::OK);

    // Sign-in and its audit event.
    let events = app.audit("sign-in").await;
    assert!(
        events
            .iter()
            .any(|e| e.outcome == Outcome::Success && e.actor_id == Some(app.ids.member_a))
    );
}

pub async fn wrong_password_and_unknown_account_look_the_same(app: App) {
    let wrong = app
        .sign_in("member.a@test.example", "not my password", None)
        .await;
    let unknown = app
        .sign_in("nobody@test.example", "not my password", None)
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains(WRONG) && unknown.body.contains(WRONG));
    assert!(wrong.cookie(auth::SESSION_COOKIE).is_none());
    // The pages differ only in the email typed back into the form (and the form's token).
    let scrub = |body: &str, email: &str| {
        body.lines()
            .filter(|l| !l.contains("csrf_token"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(email, "X")
    };
    assert_eq!(
        scrub(&wrong.body, "member.a@test.example"),
        scrub(&unknown.body, "nobody@test.example")
    );
    let failures: Vec<_> = app
        .audit("sign-in")
        .await
        .into_iter()
        .filter(|e| e.outcome == Outcome::Failure)
        .collect();
    assert_eq!(failures.len(), 2);
    assert!(
        failures
            .iter()
            .any(|e| e.target == format!("person:{}", app.ids.member_a))
    );
    assert!(failures.iter().any(|e| e.target == "person:unknown"));
    // No secrets in the audit log.
    for e in &failures {
        assert!(!e.details.to_string().contains("not my password"));
    }
    // An empty form names its fields.
    let empty = app.sign_in("", "", None).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("Enter your email address.")
            && empty.body.contains("Enter your password.")
    );
}

pub async fn failed_sign_ins_are_throttled_per_email(app: App) {
    for _ in 0..5 {
        let res = app.sign_in("member.a@test.example", "guess", None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, and the same happens for an unknown account.
    let blocked = app.sign_in("member.a@test.example", PASSWORD, None).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.header("retry-after").is_some());
    assert!(blocked.cookie(auth::SESSION_COOKIE).is_none());
    for _ in 0..5 {
        app.sign_in("ghost@test.example", "guess", None).await;
    }
    let ghost = app.sign_in("ghost@test.example", "guess", None).await;
    assert_eq!(ghost.status, StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not affected.
    let other = app.sign_in("member.b@test.example", PASSWORD, None).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

/// A session is read from the store at most once per `session_cache`: changes made through this
/// server end it at once; a change made elsewhere (here: straight in the store) is seen when the
/// cached copy runs out, and at once without a cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_cached_briefly() {
    for (cache, still_signed_in) in [
        (std::time::Duration::from_secs(3600), true),
        (std::time::Duration::ZERO, false),
    ] {
        let config = trellis_web::Config {
            session_cache: cache,
            ..crate::support::fast_config()
        };
        crate::support::run_sqlite_with(config, |app| async move {
            let browser = app.browser(app.ids.member_a).await;
            assert_eq!(app.get("/", Some(&browser)).await.status, StatusCode::OK);
            app.store
                .delete_sessions_of(app.ids.member_a)
                .await
                .unwrap();
            let expected = if still_signed_in {
                StatusCode::OK
            } else {
                StatusCode::SEE_OTHER
            };
            assert_eq!(app.get("/", Some(&browser)).await.status, expected);

            // Signing out through the server ends a cached session at once.
            let other = app.browser(app.ids.member_b).await;
            assert_eq!(app.get("/", Some(&other)).await.status, StatusCode::OK);
            let out = app.post_form("/sign-out", &[], Some(&other)).await;
            assert_eq!(out.status, StatusCode::SEE_OTHER);
            assert_eq!(
                app.get("/", Some(&other)).await.status,
                StatusCode::SEE_OTHER
            );
        })
        .await;
    }
}

/// Per-address throttling, with a low limit and a client address as the real server sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_throttled_per_address() {
    let config = trellis_web::Config {
        max_failures_per_ip: 3,
        ..crate::support::fast_config()
    };
    crate::support::run_sqlite_with(config, |app| async move {
        let addr: SocketAddr = "192.0.2.7:40000".parse().unwrap();
        let attempt = |email: String, password: &'static str| {
            let app = &app;
            async move { app.sign_in_from(Some(addr), &email, password).await }
        };
        for i in 0..3 {
            let res = attempt(format!("someone{i}@test.example"), "guess").await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        }
        let blocked = attempt("member.a@test.example".into(), PASSWORD).await;
        assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
        let events = app.audit("sign-in").await;
        assert!(events.iter().all(|e| e.ip.as_deref() == Some("192.0.2.7")));
    })
    .await;
}

pub async fn sessions_end_when_idle_expired_or_signed_out(app: App) {
    // Idle: last seen longer ago than the idle timeout.
    let idle = app
        .browser_at(app.ids.member_a, now() - 31 * 60 * 1000, now() + 3_600_000)
        .await;
    let res = app.get("/", Some(&idle)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.cookie(auth::SESSION_COOKIE).as_deref(),
        Some(""),
        "the cookie is cleared"
    );

    // Absolute: past its expiry, however active.
    let expired = app.browser_at(app.ids.member_a, now(), now() - 1).await;
    assert_eq!(
        app.get("/", Some(&expired)).await.status,
        StatusCode::SEE_OTHER
    );

    // Sign-out ends the session; a GET never signs out.
    let browser = app.browser(app.ids.member_a).await;
    assert_eq!(
        app.get("/sign-out", Some(&browser)).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(app.get("/", Some(&browser)).await.status, StatusCode::OK);
    let out = app.post_form("/sign-out", &[], Some(&browser)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), Some("/sign-in"));
    assert_eq!(
        app.get("/", Some(&browser)).await.status,
        StatusCode::SEE_OTHER
    );

    // Deactivated accounts lose their sessions at once, even one used a moment ago.
    let member = app.browser(app.ids.member_b).await;
    assert_eq!(app.get("/", Some(&member)).await.status, StatusCode::OK);
    let admin = app.token(app.ids.admin).await;
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/people/{}", app.ids.member_b),
            Some(&admin),
            Some(serde_json::json!({ "active": false })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get("/", Some(&member)).await.status,
        StatusCode::SEE_OTHER
    );

    // Anonymous visitors are sent to sign in, and back afterwards.
    let res = app.get("/people?x=1", None).await;
    assert_eq!(
        res.header("location"),
        Some("/sign-in?next=%2Fpeople%3Fx%3D1")
    );
}

pub async fn changing_the_password_ends_other_sessions(app: App) {
    let here = app.browser(app.ids.member_a).await;
    let elsewhere = app.browser(app.ids.member_a).await;
    let new_password = "a completely new passphrase";

    let mismatch = app
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", "something else entirely"),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch
            .body
            .contains("The two new passwords are not the same.")
    );

    let short = app
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
            Some(&here),
        )
        .await;
    assert!(short.body.contains("Use at least 12 characters."));

    let res = app
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let renewed = crate::support::Browser {
        token: res
            .cookie(auth::SESSION_COOKIE)
            .expect("a new session for this browser"),
        csrf: String::new(),
    };
    assert_eq!(
        app.get("/", Some(&elsewhere)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get("/", Some(&here)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/", Some(&renewed)).await.status, StatusCode::OK);
    assert_eq!(
        app.sign_in("member.a@test.example", PASSWORD, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in("member.a@test.example", new_password, None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(!app.audit("person.password").await.is_empty());
}

pub async fn forged_forms_are_refused(app: App) {
    let browser = app.browser(app.ids.member_a).await;
    let post = |fields: Vec<(&'static str, String)>, headers: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let cookie = browser.cookie();
        async move {
            let mut req = Request::builder()
                .method(Method::POST)
                .uri("/account/tokens")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "trellis.test")
                .header(header::COOKIE, cookie);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            let body = serde_urlencoded::to_string(fields).unwrap();
            app.send(req.body(Body::from(body)).unwrap()).await
        }
    };
    let label = ("label", "x".to_owned());
    // No token, a wrong token.
    assert_eq!(
        post(vec![label.clone()], vec![]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(vec![label.clone(), ("csrf_token", "0".repeat(64))], vec![])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let good = ("csrf_token", browser.csrf.clone());
    // The right token from another site is refused; from our own page, it is taken.
    for (header, value, status) in [
        ("origin", "https://evil.example", StatusCode::FORBIDDEN),
        ("sec-fetch-site", "cross-site", StatusCode::FORBIDDEN),
        ("origin", "http://trellis.test", StatusCode::OK),
        ("sec-fetch-site", "same-origin", StatusCode::OK),
    ] {
        let res = post(vec![label.clone(), good.clone()], vec![(header, value)]).await;
        assert_eq!(res.status, status, "{header}: {value}");
    }
    assert_eq!(
        app.store.api_tokens(app.ids.member_a).await.unwrap().len(),
        2
    );

    // The sign-in form needs its pre-session token too.
    let body =
        serde_urlencoded::to_string([("email", "member.a@test.example"), ("password", PASSWORD)])
            .unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);

    // API writes with a browser session must come from our own pages; bearer tokens need not.
    let json = serde_json::json!({ "email": "x@test.example", "name": "X" }).to_string();
    let admin = app.browser(app.ids.admin).await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, admin.cookie())
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(json.clone()))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    let token = app.token(app.ids.admin).await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ORIGIN, "https://elsewhere.example")
        .body(Body::from(json))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::CREATED);
}

pub async fn api_tokens_are_revocable(app: App) {
    let browser = app.browser(app.ids.member_a).await;
    let page = app
        .post_form("/account/tokens", &[("label", "export")], Some(&browser))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page
        .body
        .find(auth::TOKEN_PREFIX)
        .expect("the new token is shown");
    let token = page.body[start..start + auth::TOKEN_PREFIX.len() + 64].to_owned();
    assert_eq!(
        app.api_get("/api/v1/me", &token).await.status,
        StatusCode::OK
    );
    // Only its hash is stored.
    let stored = &app.store.api_tokens(app.ids.member_a).await.unwrap()[0];
    assert_eq!(stored.token_hash, auth::sha256_hex(&token));

    let revoke = app
        .post_form(
            &format!("/account/tokens/{}/revoke", stored.id),
            &[],
            Some(&browser),
        )
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    let res = app.api_get("/api/v1/me", &token).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    // Junk tokens too.
    assert_eq!(
        app.api_get("/api/v1/me", "nonsense").await.status,
        StatusCode::UNAUTHORIZED
    );
    // A session cookie works for the API as well (the browser is signed in).
    let res = app.get("/api/v1/me", Some(&browser)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["email"], "member.a@test.example");
}

/// A session in use is kept alive: its last-seen time is written when more than a minute old, and
/// not on every request.
pub async fn sessions_in_use_are_touched_at_most_once_a_minute(app: App) {
    let last_seen = |b: Browser| {
        let store = app.store.clone();
        async move {
            store
                .session(&auth::sha256_hex(&b.token))
                .await
                .unwrap()
                .expect("the session is still there")
                .0
                .last_seen_at
        }
    };
    let t0 = now();
    let recent = app
        .browser_at(app.ids.member_a, t0 - 10_000, t0 + 3_600_000)
        .await;
    assert_eq!(app.get("/", Some(&recent)).await.status, StatusCode::OK);
    assert_eq!(
        last_seen(recent).await,
        t0 - 10_000,
        "seen 10 s ago: not written"
    );
    // 25 minutes idle (the timeout is 30): still valid, and now seen again.
    let older = app
        .browser_at(app.ids.member_b, t0 - 25 * 60_000, t0 + 3_600_000)
        .await;
    assert_eq!(app.get("/", Some(&older)).await.status, StatusCode::OK);
    assert!(last_seen(older).await >= t0, "seen 25 min ago: written");
}

/// Anti-forgery tokens are compared in full: a token that differs from the session's in two places
/// (whose differences would cancel out in a careless comparison) is refused, and so is a
/// pre-session cookie that does not have the shape of the ones Trellis issues, even when the form
/// repeats it.
pub async fn near_miss_and_malformed_form_tokens_are_refused(app: App) {
    let browser = app.browser(app.ids.member_a).await;
    let mut forged = browser.csrf.clone().into_bytes();
    forged[0] ^= 1;
    forged[1] ^= 1;
    let forged = String::from_utf8(forged).unwrap();
    assert_ne!(forged, browser.csrf);
    let body =
        serde_urlencoded::to_string([("label", "x"), ("csrf_token", forged.as_str())]).unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/account/tokens")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, browser.cookie())
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    assert!(
        app.store
            .api_tokens(app.ids.member_a)
            .await
            .unwrap()
            .is_empty()
    );

    // Pre-session cookies too short, or of the right length but not hex, are not ours.
    for cookie in ["abc".to_owned(), "z".repeat(64)] {
        let body = serde_urlencoded::to_string([
            ("email", "member.a@test.example"),
            ("password", PASSWORD),
            ("csrf_token", cookie.as_str()),
        ])
        .unwrap();
        let req = Request::builder()
            .method(Method::POST)
            .uri("/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::COOKIE,
                format!("{}={cookie}", auth::PRESESSION_COOKIE),
            )
            .body(Body::from(body))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "pre-session {cookie:?}");
        assert!(res.cookie(auth::SESSION_COOKIE).is_none());
    }
}

crate::on_both_backends!(
    near_miss_and_malformed_form_tokens_are_refused,
    sessions_in_use_are_touched_at_most_once_a_minute,
    sign_in_sets_a_host_cookie_and_rotates_it,
    wrong_password_and_unknown_account_look_the_same,
    failed_sign_ins_are_throttled_per_email,
    sessions_end_when_idle_expired_or_signed_out,
    changing_the_password_ends_other_sessions,
    forged_forms_are_refused,
    api_tokens_are_revocable,
);
