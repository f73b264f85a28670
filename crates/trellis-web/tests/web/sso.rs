//! Single sign-on as the sign-in page offers it, and the answers that need no provider: a provider
//! that cannot be reached, a callback without this browser's state, and password sign-in turned
//! off. The whole flow against a real OpenID provider is `tests/browser/sso.test.js`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use trellis_app::sso::SsoSettings;
use trellis_web::Config;

use crate::support::{PASSWORD, fast_config, run_sqlite_with};

fn with_sso(password_sign_in: bool) -> Config {
    Config {
        sso: Some(SsoSettings {
            // Nothing listens there.
            issuer: "http://127.0.0.1:9".into(),
            client_id: "trellis".into(),
            client_secret: Some("secret".into()),
            redirect_url: "http://127.0.0.1:8080/sign-in/sso/callback".into(),
            create_accounts_for: Vec::new(),
            label: "Example ID".into(),
        }),
        password_sign_in,
        ..fast_config()
    }
}

const STATE_COOKIE: &str = "__Host-trellis_sso_state";

#[tokio::test]
async fn single_sign_on_is_offered_beside_the_password() {
    run_sqlite_with(with_sso(true), |app| async move {
        let page = app.get("/sign-in?next=/people", None).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains(r#"href="/sign-in/sso?next=%2Fpeople">Sign in with Example ID</a>"#);
        assert!(page.body.contains(r#"name="password""#), "password too");

        // The provider cannot be reached: said so, not a 500.
        let res = app.get("/sign-in/sso", None).await;
        assert_eq!(res.status, StatusCode::BAD_GATEWAY, "{}", res.body);
        res.assert_contains("Trellis cannot reach Example ID just now");
        assert!(
            res.set_cookies()
                .iter()
                .all(|c| !c.contains("trellis_session"))
        );

        // An answer with no state cookie of this browser, or a state it does not know.
        let res = app.get("/sign-in/sso/callback?code=c&state=s", None).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        res.assert_contains("does not belong to a sign-in started in this browser");
        let req = Request::builder()
            .method(Method::GET)
            .uri("/sign-in/sso/callback?code=c&state=s")
            .header(header::COOKIE, format!("{STATE_COOKIE}=s"))
            .body(Body::empty())
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        res.assert_contains("has expired or has been used already");
        let failures = app.audit("sign-in").await;
        assert!(failures.is_empty(), "nobody was signed in: {failures:?}");
    })
    .await;
}

#[tokio::test]
async fn without_single_sign_on_its_routes_are_not_found() {
    run_sqlite_with(fast_config(), |app| async move {
        let page = app.get("/sign-in", None).await;
        assert!(!page.body.contains("/sign-in/sso"), "{}", page.body);
        assert_eq!(
            app.get("/sign-in/sso", None).await.status,
            StatusCode::NOT_FOUND
        );
        let res = app.get("/sign-in/sso/callback?code=c&state=s", None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn password_sign_in_can_be_turned_off() {
    run_sqlite_with(with_sso(false), |app| async move {
        let page = app.get("/sign-in", None).await;
        page.assert_contains("Sign in with Example ID");
        assert!(!page.body.contains(r#"name="password""#), "{}", page.body);
        assert!(!page.body.contains("/forgot-password"), "{}", page.body);

        // The right password, sent anyway, with the pre-session cookie the page set (whose value
        // is the form token).
        let cookie = page
            .cookie(trellis_web::auth::PRESESSION_COOKIE)
            .expect("pre-session cookie");
        let form = (cookie.clone(), cookie);
        let fields = [("email", "admin@test.example"), ("password", PASSWORD)];
        let res = app.post_anonymous("/sign-in", &fields, &form).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        res.assert_contains("Signing in with a password is turned off");
        assert!(
            res.set_cookies()
                .iter()
                .all(|c| !c.contains("trellis_session=") || c.contains("Max-Age=0"))
        );
        assert!(app.audit("sign-in").await.is_empty());
    })
    .await;
}
