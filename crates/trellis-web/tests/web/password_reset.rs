//! A forgotten password: the request page answers the same whatever the address, and the link's
//! page sets a new password once, before the link expires, ending every session. Links are made
//! in the store here (only their hash is stored); the email that carries them is tested in
//! trellis-app.

use axum::http::StatusCode;
use trellis_app::password_reset::LINK_GONE;
use trellis_store::prelude::*;
use trellis_store::{Audit, Outcome, PersonId};
use trellis_web::auth;

use crate::support::{App, PASSWORD, now};

const NEW: &str = "a new password of mine";
const HOUR: i64 = 3_600_000;

/// A link for `person`, asked for at `at`, working until `expires_at`; returns its token.
async fn link(app: &App, person: PersonId, at: i64, expires_at: i64) -> String {
    let token = auth::random_token();
    let audit = Audit {
        at,
        ..Audit::default()
    };
    app.store
        .create_password_reset(person, &auth::sha256_hex(&token), expires_at, &audit)
        .await
        .unwrap();
    token
}

fn reset_fields<'a>(new: &'a str, confirm: &'a str) -> [(&'a str, &'a str); 2] {
    [("new_password", new), ("confirm_password", confirm)]
}

pub async fn asking_for_a_link_answers_the_same_for_any_address(app: App) {
    let sign_in = app.get("/sign-in", None).await;
    sign_in.assert_contains(r#"href="/forgot-password""#);
    let form = app.anonymous_form("/forgot-password").await;
    let ask = |email: &'static str| {
        let (app, form) = (&app, &form);
        async move {
            let res = app
                .post_anonymous("/forgot-password", &[("email", email)], form)
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            res.body.replace(email, "EMAIL")
        }
    };
    let known = ask("member.a@test.example").await;
    let unknown = ask("nobody@test.example").await;
    assert!(known.contains("If an account exists for EMAIL"), "{known}");
    assert_eq!(
        known, unknown,
        "the same page whether or not the account exists"
    );
    let requests = app.audit("password-reset.request").await;
    let outcomes: Vec<(String, Outcome)> = requests
        .iter()
        .map(|e| (e.target.clone(), e.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("person:unknown".into(), Outcome::Failure),
            (format!("person:{}", app.ids.member_a), Outcome::Success),
        ]
    );

    // An address that is not one is said to be so, naming the field.
    let bad = app
        .post_anonymous("/forgot-password", &[("email", "no at sign")], &form)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains(r#"id="email-error""#);
    // Control characters are refused with the field named, before any use case.
    let nul = app
        .post_anonymous(
            "/forgot-password",
            &[("email", "a\u{0}@test.example")],
            &form,
        )
        .await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nul.body.contains("`email`") && nul.body.contains("control character"));

    // Asking again and again from one place waits, like password guesses.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = app
            .post_anonymous(
                "/forgot-password",
                &[("email", "member.b@test.example")],
                &form,
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Which does not slow down the owner's sign-in.
    let signed_in = app.sign_in("member.b@test.example", PASSWORD, None).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
}

pub async fn a_link_sets_a_new_password_once_and_ends_every_session(app: App) {
    let member = app.ids.member_a;
    let browser = app.browser(member).await;
    let t = now();
    let token = link(&app, member, t, t + HOUR).await;
    let older = link(&app, member, t, t + HOUR).await;
    let path = format!("/reset-password/{token}");
    let page = app.get(&path, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!(r#"action="{path}""#)));
    let form = (
        page.cookie(auth::PRESESSION_COOKIE).unwrap(),
        page.input_value("csrf_token").unwrap(),
    );

    // The rules of the account page.
    let short = app
        .post_anonymous(&path, &reset_fields("short", "short"), &form)
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    short.assert_contains("Use at least 12 characters.");
    let differ = app
        .post_anonymous(&path, &reset_fields(NEW, "something else"), &form)
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    differ.assert_contains("not the same");

    let done = app
        .post_anonymous(&path, &reset_fields(NEW, NEW), &form)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.assert_contains("has been changed");
    assert_eq!(
        app.get("/", Some(&browser)).await.status,
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    let old = app.sign_in("member.a@test.example", PASSWORD, None).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app.sign_in("member.a@test.example", NEW, None).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER, "{}", new.body);
    let completed = app.audit("password-reset.complete").await;
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].actor_id, Some(member));

    // The link, and every other link of the account, works no more.
    for token in [&token, &older] {
        let path = format!("/reset-password/{token}");
        let again = app.get(&path, None).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        again.assert_contains(&LINK_GONE[..40]);
        let reused = app
            .post_anonymous(&path, &reset_fields(NEW, NEW), &form)
            .await;
        assert_eq!(reused.status, StatusCode::NOT_FOUND);
    }
}

pub async fn expired_unknown_and_deactivated_links_are_refused(app: App) {
    let t = now();
    let expired = link(&app, app.ids.member_a, t - 2 * HOUR, t - HOUR).await;
    let deactivated = link(&app, app.ids.member_b, t, t + HOUR).await;
    let off = trellis_store::PersonUpdate {
        active: Some(false),
        ..Default::default()
    };
    app.store
        .update_person(app.ids.member_b, off, &Audit::default())
        .await
        .unwrap();
    let form = app.anonymous_form("/forgot-password").await;
    for token in [expired.as_str(), deactivated.as_str(), "not-a-token", "00"] {
        let path = format!("/reset-password/{token}");
        let page = app.get(&path, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{token}");
        page.assert_contains(r#"href="/forgot-password""#);
        let sent = app
            .post_anonymous(&path, &reset_fields(NEW, NEW), &form)
            .await;
        assert_eq!(sent.status, StatusCode::NOT_FOUND, "{token}: {}", sent.body);
    }
    let failures = app.audit("password-reset.complete").await;
    assert_eq!(failures.len(), 4);
    assert!(failures.iter().all(|e| e.outcome == Outcome::Failure));
    let a = app.store.person(app.ids.member_a).await.unwrap();
    assert!(auth::verify_password(
        PASSWORD,
        a.password_hash.as_deref().unwrap()
    ));
}

crate::on_both_backends!(
    asking_for_a_link_answers_the_same_for_any_address,
    a_link_sets_a_new_password_once_and_ends_every_session,
    expired_unknown_and_deactivated_links_are_refused,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_email_the_pages_say_to_ask_an_administrator() {
    let config = trellis_web::Config {
        mailer: None,
        ..crate::support::fast_config()
    };
    crate::support::run_sqlite_with(config, |app| async move {
        let page = app.get("/forgot-password", None).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Ask an administrator");
        assert!(
            !page.body.contains(r#"action="/forgot-password""#),
            "no form to send"
        );
        let admin = app.browser(app.ids.admin).await;
        let accounts = app.get("/admin/accounts", Some(&admin)).await;
        accounts.assert_contains("trellis user set-password");
    })
    .await;
}
