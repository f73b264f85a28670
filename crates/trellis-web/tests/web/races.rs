//! Requests racing each other through the whole server: many sent at once (tasks released
//! together on a runtime with several threads, against a real database), and the rules must hold
//! as they do for requests sent one after another.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{Audit, NewPerson, SystemRole};

use crate::support::{App, PASSWORD, Resp, new_person};

/// Runs `n` copies of `call` at once and returns their answers in the order of their index.
async fn all_at_once<F, Fut>(n: usize, call: F) -> Vec<Resp>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Resp> + Send + 'static,
{
    let start = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let start = start.clone();
            let call = call(i);
            tokio::spawn(async move {
                start.wait().await;
                call.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn count(answers: &[Resp], status: StatusCode) -> usize {
    answers.iter().filter(|r| r.status == status).count()
}

/// Forty wrong passwords sent at once are not forty password checks: each attempt is reserved
/// before its check, so only the first five from an address are checked and the rest wait.
pub async fn parallel_wrong_passwords_are_checked_five_times(app: App) {
    let app = Arc::new(app);
    const GUESSES: usize = 40;
    let answers = all_at_once(GUESSES, |i| {
        let app = app.clone();
        async move {
            app.sign_in_from(None, "member.a@test.example", &format!("guess {i}"))
                .await
        }
    })
    .await;
    let checked = count(&answers, StatusCode::UNAUTHORIZED);
    let waited = count(&answers, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        (checked, waited),
        (5, GUESSES - 5),
        "of {GUESSES} parallel guesses, 5 checked and the rest told to wait"
    );
    let wrong = app
        .audit("sign-in")
        .await
        .into_iter()
        .filter(|e| e.details["reason"] == "wrong email or password")
        .count();
    assert_eq!(wrong, 5, "five passwords were checked");
    for r in answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
    {
        let secs: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=900).contains(&secs), "Retry-After {secs}");
    }

    // In a burst of 30 with the right password last, the right one is not among the first five
    // checked: it waits like the others (before, it signed in after 29 wrong ones).
    const BURST: usize = 30;
    let answers = all_at_once(BURST, |i| {
        let app = app.clone();
        let password = if i == BURST - 1 {
            PASSWORD.to_owned()
        } else {
            format!("guess {i}")
        };
        async move {
            if i == BURST - 1 {
                // Sent last, once the guesses are under way.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
            app.sign_in_from(None, "member.b@test.example", &password)
                .await
        }
    })
    .await;
    let checked =
        count(&answers, StatusCode::UNAUTHORIZED) + count(&answers, StatusCode::SEE_OTHER);
    assert!(checked <= 5, "{checked} of a burst of {BURST} were checked");
    assert_eq!(
        answers[BURST - 1].status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password after 29 wrong ones waits"
    );
}

/// Guessing someone's password from one address does not lock them out of signing in from
/// another, and the guesser's own waits double: after the free five, one more is checked only
/// once the wait has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_from_elsewhere_do_not_lock_the_owner_out() {
    let config = trellis_web::Config {
        first_delay: std::time::Duration::from_millis(1000),
        ..crate::support::fast_config()
    };
    crate::support::run_sqlite_with(config, |app| async move {
        let attacker: SocketAddr = "192.0.2.66:40000".parse().unwrap();
        let owner: SocketAddr = "198.51.100.7:50000".parse().unwrap();
        let email = "member.a@test.example";
        for _ in 0..5 {
            let r = app.sign_in_from(Some(attacker), email, "guess").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = app.sign_in_from(Some(attacker), email, "guess").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        r.assert_contains("Wait 1 second");
        // The owner, elsewhere, is not held up at all.
        let r = app.sign_in_from(Some(owner), email, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // After the wait, one more guess is checked; the next waits twice as long (2 s): asked
        // for after the first wait would have ended, and well before the doubled one does, as a
        // busy machine may take a few hundred milliseconds to check a password.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let r = app.sign_in_from(Some(attacker), email, "guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
        let r = app.sign_in_from(Some(attacker), email, "guess").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "2 s now");
        tokio::time::sleep(std::time::Duration::from_millis(900)).await;
        let r = app.sign_in_from(Some(attacker), email, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "the right one, after the wait"
        );
    })
    .await;
}

/// Guessing the current password on the password page is reserved before the check too.
pub async fn parallel_current_password_guesses_are_checked_five_times(app: App) {
    let app = Arc::new(app);
    let browser = Arc::new(app.browser(app.ids.member_a).await);
    const GUESSES: usize = 20;
    let answers = all_at_once(GUESSES, |i| {
        let (app, browser) = (app.clone(), browser.clone());
        async move {
            let current = format!("guess {i}");
            app.post_form(
                "/account/password",
                &[
                    ("current_password", current.as_str()),
                    ("new_password", "a brand new long passphrase"),
                    ("confirm_password", "a brand new long passphrase"),
                ],
                Some(&browser),
            )
            .await
        }
    })
    .await;
    let checked = answers
        .iter()
        .filter(|r| r.body.contains("Your current password is not right."))
        .count();
    assert_eq!(
        (checked, count(&answers, StatusCode::TOO_MANY_REQUESTS)),
        (5, GUESSES - 5),
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
}

/// Two admins taking the admin role from each other at the same moment leave one admin, never
/// none; the one refused is told why, like when it is done one after the other.
pub async fn admins_demoting_each_other_leave_one(app: App) {
    let app = Arc::new(app);
    let second = app
        .store
        .create_person(
            NewPerson {
                name: "Second Admin".into(),
                ..new_person("second.admin@test.example", SystemRole::Admin)
            },
            &Audit::default(),
        )
        .await
        .unwrap()
        .id;
    let first = app.ids.admin;
    let tokens = Arc::new([app.token(first).await, app.token(second).await]);
    // Only these two are admins.
    assert_eq!(app.store.count_admins().await.unwrap(), 2);
    const TRIALS: usize = 12;
    for trial in 0..TRIALS {
        let answers = all_at_once(2, |i| {
            let (app, tokens) = (app.clone(), tokens.clone());
            // Each demotes the other.
            let target = if i == 0 { second } else { first };
            async move {
                app.api(
                    Method::PATCH,
                    &format!("/api/v1/people/{target}"),
                    Some(&tokens[i]),
                    Some(json!({ "role": "member" })),
                )
                .await
            }
        })
        .await;
        assert_eq!(
            app.store.count_admins().await.unwrap(),
            1,
            "trial {trial}: {:?}",
            answers.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        // The loser is refused: as the last admin (422), or, when the other's change was in
        // before the loser's request was let in, as no longer an admin (403).
        let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status).collect();
        assert_eq!(
            count(&answers, StatusCode::OK),
            1,
            "trial {trial}: {statuses:?}"
        );
        for r in answers.iter().filter(|r| r.status != StatusCode::OK) {
            match r.status {
                StatusCode::FORBIDDEN => {}
                StatusCode::UNPROCESSABLE_ENTITY => {
                    assert_eq!(r.json()["field"], "role");
                    let detail = r.json()["detail"].as_str().unwrap().to_owned();
                    assert!(detail.contains("only active administrator"), "{detail}");
                }
                other => panic!("trial {trial}: {other}: {}", r.body),
            }
        }
        // Both admins again.
        for id in [first, second] {
            app.store
                .update_person(
                    id,
                    trellis_store::PersonUpdate {
                        system_role: Some(SystemRole::Admin),
                        ..Default::default()
                    },
                    &Audit::default(),
                )
                .await
                .unwrap();
        }
    }
}

/// Starting the same assessment many times at once opens one; the others are told which one is
/// open.
pub async fn parallel_starts_open_one_assessment(app: App) {
    let app = Arc::new(app);
    let member = app.ids.member_a;
    let token = Arc::new(app.token(app.ids.manager_a).await);
    const STARTS: usize = 12;
    let answers = all_at_once(STARTS, |_| {
        let (app, token) = (app.clone(), token.clone());
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/people/{member}/assessments"),
                Some(&token),
                Some(json!({ "role_level": "engineering/senior-software-engineer" })),
            )
            .await
        }
    })
    .await;
    assert_eq!(
        (
            count(&answers, StatusCode::CREATED),
            count(&answers, StatusCode::CONFLICT)
        ),
        (1, STARTS - 1),
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let open = app.store.open_assessments(&[member]).await.unwrap();
    assert_eq!(open.len(), 1, "exactly one open assessment");
    for r in answers.iter().filter(|r| r.status == StatusCode::CONFLICT) {
        let problem = r.json();
        assert_eq!(problem["field"], "role_level");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("already has an open assessment against this role level")
                && detail.contains(&format!("number {}", open[0].id)),
            "{detail}"
        );
    }
}

/// A script calling the API many times a second records the token's use once a minute, not once a
/// call: the calls after the first write nothing.
pub async fn api_tokens_record_their_use_once_a_minute(app: App) {
    let app = Arc::new(app);
    let token = Arc::new(app.token(app.ids.member_a).await);
    let first = app.api_get("/api/v1/me", &token).await;
    assert_eq!(first.status, StatusCode::OK);
    let stored = app.store.api_tokens(app.ids.member_a).await.unwrap();
    let used = stored[0].last_used_at.expect("the first use is recorded");
    assert!(crate::support::now() - used < 60_000);

    // Moved back a little behind the server's back: any write would move it forward again.
    let marker = used - 1;
    match (app.store.sqlite_pool(), app.store.postgres_pool()) {
        (Some(pool), _) => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1")
                .bind(marker)
                .execute(pool)
                .await
                .unwrap();
        }
        (_, Some(pool)) => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1")
                .bind(marker)
                .execute(pool)
                .await
                .unwrap();
        }
        _ => unreachable!(),
    }
    let answers = all_at_once(30, |_| {
        let (app, token) = (app.clone(), token.clone());
        async move { app.api_get("/api/v1/me", &token).await }
    })
    .await;
    assert_eq!(count(&answers, StatusCode::OK), 30);
    // Past the token cache too (it keeps a token for `session_cache`).
    tokio::time::sleep(app.state.config().session_cache + std::time::Duration::from_millis(50))
        .await;
    let again = app.api_get("/api/v1/me", &token).await;
    assert_eq!(again.status, StatusCode::OK);
    let stored = app.store.api_tokens(app.ids.member_a).await.unwrap();
    assert_eq!(
        stored[0].last_used_at,
        Some(marker),
        "no call wrote it again"
    );

    // A revoked token is refused at once, cached or not.
    let id = stored[0].id;
    let browser = app.browser(app.ids.member_a).await;
    let res = app
        .post_form(&format!("/account/tokens/{id}/revoke"), &[], Some(&browser))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let refused = app.api_get("/api/v1/me", &token).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

crate::on_both_backends!(
    parallel_wrong_passwords_are_checked_five_times,
    parallel_current_password_guesses_are_checked_five_times,
    admins_demoting_each_other_leave_one,
    parallel_starts_open_one_assessment,
    api_tokens_record_their_use_once_a_minute,
);
