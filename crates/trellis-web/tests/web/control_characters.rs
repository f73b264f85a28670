//! Control characters in text: refused with 422 naming the field, from every kind of input (JSON
//! bodies, forms, query strings, paths), before sign-in too, and never a 500 (PostgreSQL cannot
//! store a NUL). Tabs and line breaks stay allowed in text of several lines.

use axum::http::{Method, StatusCode};
use serde_json::json;
use trellis_store::prelude::*;

use crate::support::App;

const NEXT: &str = "engineering/senior-software-engineer";

fn assert_refused(res: &crate::support::Resp, field: &str) {
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}: {}",
        res.body
    );
    if res.header("content-type") == Some("application/problem+json") {
        let problem = res.json();
        assert_eq!(problem["field"], field, "{problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("control character"),
            "{problem}"
        );
    } else {
        assert!(
            res.body.contains(&format!("<code>{field}</code>"))
                || res.body.contains(&format!("`{field}`")),
            "the page names {field}: {}",
            res.body
        );
        res.assert_contains("control character");
    }
}

pub async fn control_characters_are_refused_in_every_text_input(app: App) {
    let member = app.ids.member_a;
    let token = app.token(member).await;
    let browser = app.browser(member).await;
    let admin = app.browser(app.ids.admin).await;

    // Evidence through the API: one line (title), several lines (description).
    let evidence = |title: &str, description: &str| {
        json!({
            "happened_on": "2026-01-10",
            "title": title,
            "description": description,
            "skills": ["testing"],
        })
    };
    let post_evidence = |body| {
        let (app, token) = (&app, &token);
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/people/{member}/evidence"),
                Some(token),
                Some(body),
            )
            .await
        }
    };
    assert_refused(&post_evidence(evidence("Fixed\u{0} it", "")).await, "title");
    assert_refused(
        &post_evidence(evidence("Fixed it", "a\u{0}b")).await,
        "description",
    );
    assert_refused(&post_evidence(evidence("Two\nlines", "")).await, "title");
    assert_refused(&post_evidence(evidence("Bell\u{7}", "")).await, "title");
    assert!(app.store.evidence_of(member).await.unwrap().is_empty());
    let ok = post_evidence(evidence("Fixed it", "First line\r\nsecond\tline")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);

    // Evidence through the page.
    let res = app
        .post_form(
            &format!("/people/{member}/evidence"),
            &[
                ("happened_on", "2026-01-10"),
                ("title", "Ran the retro"),
                ("description", "notes\u{0}"),
                ("skills", "testing"),
            ],
            Some(&browser),
        )
        .await;
    assert_refused(&res, "description");
    assert_eq!(app.store.evidence_of(member).await.unwrap().len(), 1);

    // A cycle name, through the API and the page.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/assessments"),
            Some(&token),
            Some(json!({ "role_level": NEXT, "cycle": "2026\u{0}" })),
        )
        .await;
    assert_refused(&res, "cycle");
    let res = app
        .post_form(
            &format!("/people/{member}/assessments"),
            &[("role_level", NEXT), ("cycle", "2026\nH1")],
            Some(&browser),
        )
        .await;
    assert_refused(&res, "cycle");
    assert!(app.store.assessments_of(member).await.unwrap().is_empty());

    // A rating's comment, named by its place in the body.
    let started = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/assessments"),
            Some(&token),
            Some(json!({ "role_level": NEXT })),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let id = started.json()["id"].as_i64().unwrap();
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/assessments/{id}/ratings"),
            Some(&token),
            Some(json!({
                "kind": "self",
                "revision": 1,
                "ratings": [{ "skill": "testing", "level": "1", "comment": "fine\u{0}" }],
            })),
        )
        .await;
    assert_refused(&res, "ratings[0].comment");
    assert!(app.store.ratings(id).await.unwrap().is_empty());

    // Signing in needs no sign-in: the email is checked all the same.
    let res = app
        .sign_in("member.a\u{0}@test.example", "whatever", None)
        .await;
    assert_refused(&res, "email");

    // A query string and a path.
    let res = app.get("/admin/audit?action=%00", Some(&admin)).await;
    assert_refused(&res, "action");
    let res = app.api_get("/api/v1/people/1%00", &token).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // Nothing of this reached the database as a failure of the server.
    let refused = app.audit("").await;
    assert!(
        refused
            .iter()
            .all(|e| !e.details.to_string().contains("\\u0000")),
        "no NUL was stored"
    );
}

crate::on_both_backends!(control_characters_are_refused_in_every_text_input);
