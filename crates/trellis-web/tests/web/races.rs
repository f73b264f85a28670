//! Requests racing each other through the whole server: many sent at once (tasks released
//! together on a runtime with several threads, against a real database), and the rules must hold
//! as they do for requests sent one after another.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::json;
use trellis_store::prelude::*;

use crate::support::{App, Resp};

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

crate::on_both_backends!(parallel_starts_open_one_assessment);
