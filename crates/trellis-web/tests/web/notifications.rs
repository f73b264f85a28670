//! The inbox: the header's unread count, the page, marks read, the email choice, and the same
//! through the API; each caller sees and changes only their own.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::App;

const ROLE_LEVEL: &str = "engineering/senior-software-engineer";

/// The number in the header's inbox link, if any.
fn header_count(body: &str) -> Option<u32> {
    let start = body.find("class=\"unread-count\">")? + "class=\"unread-count\">".len();
    body[start..].split('<').next()?.trim().parse().ok()
}

pub async fn the_inbox_says_what_waits(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let gb = app.browser(manager).await;
    // Before any rating, readiness has no verdict to give: not "0 %", not gaps.
    let page = app.get(&format!("/people/{member}"), Some(&mb)).await;
    page.assert_contains(">Not yet assessed</span>");
    assert!(!page.body.contains("Not ready yet"));
    let team = app.get("/team", Some(&gb)).await;
    team.assert_contains("Not yet assessed");
    assert!(!team.body.contains("Not ready (0%)"));
    let empty = app.get("/notifications", Some(&mb)).await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains("Nothing yet.");
    assert_eq!(header_count(&empty.body), None);

    // The manager starts an assessment of the member: the member is told, with a count in the
    // header of every page, and a link to the assessment.
    let started = app.start_assessment(&gb, member, ROLE_LEVEL).await;
    let link = started.header("location").unwrap().to_owned();
    // The manager did it: nothing for them.
    let theirs = app.get("/notifications", Some(&gb)).await;
    assert!(theirs.body.contains("Nothing yet."));
    let home = app.get("/", Some(&mb)).await;
    assert_eq!(header_count(&home.body), Some(1), "{}", home.body);
    // The home page says what waits, from the records themselves.
    home.assert_contains(&format!(
        "<a href=\"{link}\">Rate yourself against Senior Software Engineer</a>"
    ));
    let manager_home = app.get("/", Some(&gb)).await;
    assert!(
        manager_home
            .body
            .contains("Nothing waits for you right now.")
    );
    // Once the member has rated themselves, the manager's turn.
    let token = app.token(member).await;
    let r = app.api_get(&format!("/api/v1{link}"), &token).await;
    let a = r.json();
    let ratings: Vec<_> = a["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({ "skill": s, "not_applicable": "not in this test" }))
        .collect();
    let rated = app
        .api(
            Method::POST,
            &format!("/api/v1{link}/ratings"),
            Some(&token),
            Some(json!({ "kind": "self", "revision": a["revision"], "ratings": ratings })),
        )
        .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    let manager_home = app.get("/", Some(&gb)).await;
    manager_home.assert_contains(&format!("<a href=\"{link}\">Rate "));
    let home = app.get("/", Some(&mb)).await;
    assert!(!home.body.contains("Rate yourself"), "done");
    let inbox = app.get("/notifications", Some(&mb)).await;
    inbox.assert_contains(&format!("href=\"{link}\""));
    assert!(inbox.body.contains("started an assessment of you"));
    assert!(inbox.body.contains(">New</strong>"));

    // Through the API, the same, for the member only.
    let r = app.api_get("/api/v1/notifications", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = r.json();
    assert_eq!(body["unread"], 1);
    assert_eq!(body["notifications"][0]["kind"], "assessment.waiting");
    assert_eq!(body["notifications"][0]["link"], link.as_str());
    let id = body["notifications"][0]["id"].as_i64().unwrap();
    // The manager was told of the submitted self-assessment.
    let theirs = app.get("/notifications", Some(&gb)).await;
    theirs.assert_contains("submitted their self-assessment");

    // The manager cannot mark the member's notification read: only their own.
    let manager_token = app.token(manager).await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/notifications/read",
            Some(&manager_token),
            Some(json!({ "ids": [id] })),
        )
        .await;
    assert_eq!(r.json()["marked"], 0);
    assert_eq!(header_count(&app.get("/", Some(&mb)).await.body), Some(1));

    // Marked read from the page: the count goes.
    let read = app
        .post_form("/notifications/read", &[("id", &id.to_string())], Some(&mb))
        .await;
    assert_eq!(read.status, StatusCode::SEE_OTHER);
    let after = app.get("/notifications?done=read", Some(&mb)).await;
    assert_eq!(header_count(&after.body), None);
    assert!(after.body.contains("Marked as read."));
    assert!(!after.body.contains(">New</strong>"));
    assert!(
        after.body.contains("started an assessment of you"),
        "kept, read"
    );

    // A bad id is named, not a crash.
    let bad = app
        .post_form("/notifications/read", &[("id", "x")], Some(&mb))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

pub async fn the_email_choice_is_kept(app: App) {
    let member = app.ids.member_a;
    let mb = app.browser(member).await;
    let page = app.get("/notifications", Some(&mb)).await;
    page.assert_contains("value=\"each\" checked");

    let saved = app
        .post_form("/notifications/email", &[("email", "daily")], Some(&mb))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = app.get("/notifications?done=email", Some(&mb)).await;
    assert!(page.body.contains("value=\"daily\" checked"));
    assert!(page.body.contains("Your email choice is saved."));
    assert_eq!(app.audit("notifications.settings").await.len(), 1);

    let refused = app
        .post_form("/notifications/email", &[("email", "hourly")], Some(&mb))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Choose how you want to hear");

    let token = app.token(member).await;
    let r = app.api_get("/api/v1/notifications/email", &token).await;
    assert_eq!(r.json()["email"], "daily");
    let r = app
        .api(
            Method::PUT,
            "/api/v1/notifications/email",
            Some(&token),
            Some(json!({ "email": "never" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("email");
    let r = app
        .api(
            Method::PUT,
            "/api/v1/notifications/email",
            Some(&token),
            Some(json!({ "email": "off" })),
        )
        .await;
    assert_eq!(r.json()["email"], "off");
    // Someone else's choice is untouched.
    let other = app.browser(app.ids.member_b).await;
    let page = app.get("/notifications", Some(&other)).await;
    assert!(page.body.contains("value=\"each\" checked"));
}

crate::on_both_backends!(the_inbox_says_what_waits, the_email_choice_is_kept);

/// The header's count is kept between pages, but a notice written or marked read through this
/// server shows on the next page at once, however long the count may be kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_count_follows_the_inbox_at_once() {
    let config = trellis_web::Config {
        session_cache: std::time::Duration::from_secs(3600),
        ..crate::support::fast_config()
    };
    crate::support::run_sqlite_with(config, |app| async move {
        let (member, manager) = (app.ids.member_a, app.ids.manager_a);
        let mb = app.browser(member).await;
        let gb = app.browser(manager).await;
        assert_eq!(header_count(&app.get("/", Some(&mb)).await.body), None);
        app.start_assessment(&gb, member, ROLE_LEVEL).await;
        assert_eq!(header_count(&app.get("/", Some(&mb)).await.body), Some(1));
        let read = app.post_form("/notifications/read", &[], Some(&mb)).await;
        assert_eq!(read.status, StatusCode::SEE_OTHER);
        assert_eq!(header_count(&app.get("/", Some(&mb)).await.body), None);
    })
    .await;
}
