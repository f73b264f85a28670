//! 1:1 check-ins through the pages: set up, a shared agenda, a private note that the other one of
//! the pair never receives, an action carried over to the next meeting, problems shown next to
//! their field, the dates (never the content) on the person's page for those up the line, and an
//! administrator's exception that the person sees; and the same rules through the API.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{App, Browser, Resp};

fn in_days(n: i64) -> String {
    trellis_app::time::date(trellis_app::time::now_millis() + n * 86_400_000)
}

/// Sets up check-ins with one's manager through the form.
async fn with_manager(app: &App, browser: &Browser, cadence: &str, first_on: &str) -> Resp {
    let fields = [
        ("with", "manager"),
        ("cadence", cadence),
        ("first_on", first_on),
    ];
    app.post_form("/check-ins", &fields, Some(browser)).await
}

pub async fn a_pair_keeps_its_check_ins_to_itself(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let gb = app.browser(manager).await;

    // The member has none yet: the page says what to do first, offering their manager.
    let empty = app.get("/check-ins", Some(&mb)).await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains("You have no check-ins yet.");
    empty.assert_contains("You and your manager, ");

    // A problem is shown next to its field, and what was typed is kept.
    let bad = with_manager(&app, &mb, "hourly", "2026-13-01").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("id=\"cadence-error\"");
    bad.assert_contains("id=\"first_on-error\"");
    assert!(bad.body.contains("value=\"2026-13-01\""));

    let first_on = in_days(4);
    let made = with_manager(&app, &mb, "weekly", &first_on).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = made.header("location").unwrap().to_owned();
    // Twice is refused, next to the choice of whom.
    let twice = with_manager(&app, &mb, "weekly", &first_on).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let manager_home = app.get("/", Some(&gb)).await;
    manager_home.assert_contains(&format!("<td>next {first_on}</td>"));
    assert!(twice.body.contains("already have check-ins together"));

    // The manager adds to the agenda; the member writes a private note and a shared one.
    let agenda = app
        .post_form(
            &format!("{page}/agenda"),
            &[("item", "Promotion timeline")],
            Some(&gb),
        )
        .await;
    assert_eq!(agenda.status, StatusCode::SEE_OTHER);
    for (note, privacy) in [
        ("Worried about the deadline", "private"),
        ("Pair on the RFC", "shared"),
    ] {
        let r = app
            .post_form(
                &format!("{page}/notes"),
                &[("note", note), ("privacy", privacy)],
                Some(&mb),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let empty_note = app
        .post_form(
            &format!("{page}/notes"),
            &[("note", " "), ("privacy", "shared")],
            Some(&mb),
        )
        .await;
    assert_eq!(empty_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty_note.body.contains("Write the note."));

    let theirs = app.get(&page, Some(&gb)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("Promotion timeline"));
    assert!(theirs.body.contains("Pair on the RFC"));
    assert!(
        !theirs.body.contains("Worried about the deadline"),
        "a private note never reaches the other one of the pair"
    );
    let mine = app.get(&page, Some(&mb)).await;
    assert!(mine.body.contains("Worried about the deadline"));
    assert!(mine.body.contains("Only you"));

    // An action for the member, carried over when the meeting is held.
    let member_id = member.to_string();
    let action = app
        .post_form(
            &format!("{page}/actions"),
            &[
                ("action", "Draft the RFC"),
                ("owner", &member_id),
                ("due_on", &in_days(8)),
            ],
            Some(&gb),
        )
        .await;
    assert_eq!(action.status, StatusCode::SEE_OTHER, "{}", action.body);
    let held = app.post_form(&format!("{page}/held"), &[], Some(&gb)).await;
    assert_eq!(held.status, StatusCode::SEE_OTHER);
    let after = app.get(&page, Some(&mb)).await;
    assert!(
        after
            .body
            .contains(&format!("Next meeting: {}", in_days(11))),
        "{}",
        after.body
    );
    let open = after.body.split("id=\"actions-heading\"").nth(1).unwrap();
    let open = open.split("id=\"history-heading\"").next().unwrap();
    assert!(open.contains("Draft the RFC"), "carried over: {open}");
    let history = after.body.split("id=\"history-heading\"").nth(1).unwrap();
    assert!(
        history.contains("Promotion timeline"),
        "kept with the meeting held"
    );

    // Up the line and the people team see that they meet, not what was said.
    let id = page.rsplit('/').next().unwrap();
    for viewer in [app.ids.people_team, app.ids.admin] {
        let b = app.browser(viewer).await;
        let person = app.get(&format!("/people/{member}"), Some(&b)).await;
        person.assert_contains("1:1 check-ins");
        assert!(person.body.contains(&in_days(11)));
        assert!(!person.body.contains("Promotion timeline"));
        assert!(!person.body.contains(&format!("href=\"{page}\"")));
        let refused = app.get(&page, Some(&b)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    // The administrator may record an exception, with a reason; the person sees it.
    let ab = app.browser(app.ids.admin).await;
    let short = app
        .post_form(
            &format!("/check-ins/{id}/break-glass"),
            &[("reason", "x")],
            Some(&ab),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let glass = app
        .post_form(
            &format!("/check-ins/{id}/break-glass"),
            &[("reason", "Grievance 3 investigation")],
            Some(&ab),
        )
        .await;
    assert_eq!(glass.status, StatusCode::SEE_OTHER);
    let read = app.get(&page, Some(&ab)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Pair on the RFC"));
    assert!(!read.body.contains("Worried about the deadline"));
    assert!(
        !read.body.contains("action=\"/check-ins/"),
        "no forms under an exception"
    );
    let seen = app.get(&page, Some(&mb)).await;
    assert!(seen.body.contains("Exceptions to your privacy"));
    assert!(seen.body.contains("Grievance 3 investigation"));

    // Moved closer, the check-in is on the home page's list of what comes up this week.
    let home = app.get("/", Some(&mb)).await;
    assert!(!home.body.contains("Check-in with "), "not yet: in 11 days");
    let moved = app
        .post_form(
            &format!("{page}/reschedule"),
            &[("on_date", &in_days(2))],
            Some(&mb),
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let home = app.get("/", Some(&mb)).await;
    assert!(
        home.body.contains(&format!("on {}", in_days(2))),
        "{}",
        home.body
    );
    home.assert_contains("Check-in with ");
}

/// The API reads and writes a series by the same rules as the pages: the pair only, a private
/// note for its author alone, problems naming the JSON field.
pub async fn the_api_keeps_check_ins_to_the_pair(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let made = with_manager(&app, &mb, "monthly", &in_days(3)).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let (mt, gt) = (app.token(member).await, app.token(manager).await);
    let listed = app.api_get("/api/v1/check-ins", &gt).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["person_id"], member);
    assert_eq!(listed[0]["cadence"], "monthly");
    let id = listed[0]["id"].as_i64().unwrap();
    let series = format!("/api/v1/check-ins/{id}");

    let agenda = app
        .api(
            Method::POST,
            &format!("{series}/agenda"),
            Some(&mt),
            Some(json!({ "item": "Conference budget" })),
        )
        .await;
    assert_eq!(agenda.status, StatusCode::CREATED, "{}", agenda.body);
    assert_eq!(agenda.json()["kind"], "agenda");
    let private = app
        .api(
            Method::POST,
            &format!("{series}/notes"),
            Some(&mt),
            Some(json!({ "note": "Thinking of\nmoving teams", "privacy": "private" })),
        )
        .await;
    assert_eq!(private.status, StatusCode::CREATED, "{}", private.body);

    let theirs = app.api_get(&series, &gt).await.json();
    let bodies = |record: &serde_json::Value| -> Vec<String> {
        record["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["body"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(bodies(&theirs), ["Conference budget"]);
    let mine = app.api_get(&series, &mt).await.json();
    assert_eq!(bodies(&mine).len(), 2, "{mine}");

    for (path, body, field) in [
        ("agenda", json!({ "item": " " }), "item"),
        (
            "notes",
            json!({ "note": "x", "privacy": "public" }),
            "privacy",
        ),
    ] {
        let res = app
            .api(
                Method::POST,
                &format!("{series}/{path}"),
                Some(&mt),
                Some(body),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(res.json()["field"], field, "{}", res.body);
    }
    // Someone else of the organisation learns nothing of it.
    let other = app.token(app.ids.member_b).await;
    let res = app.api_get(&series, &other).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

/// The person a series is about shares one note with the people team and takes it back; their
/// manager, one of the pair, can neither share nor see with whom.
pub async fn the_person_shares_a_note_beyond_the_pair(app: App) {
    let (member, manager, hr) = (app.ids.member_a, app.ids.manager_a, app.ids.people_team);
    let (mb, gb, hb) = (
        app.browser(member).await,
        app.browser(manager).await,
        app.browser(hr).await,
    );
    let made = with_manager(&app, &mb, "weekly", &in_days(3)).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let path = made.headers["location"].to_str().unwrap().to_owned();
    let path = path.split('?').next().unwrap().to_owned();
    let note = "We agreed I lead the billing migration";
    let saved = app
        .post_form(
            &format!("{path}/notes"),
            &[("note", note), ("privacy", "shared")],
            Some(&gb),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // The people team reads nothing of it yet.
    let nothing = app.get("/check-ins/shared", Some(&hb)).await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.body.contains("No one has shared a note with you."));
    assert!(!nothing.body.contains(note));

    // The member sees the share form on the note; the manager does not.
    let page = app.get(&path, Some(&mb)).await;
    let entry: String = page
        .body
        .split("/notes/")
        .nth(1)
        .expect("a share form")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(page.body.contains("Share beyond the two of you"));
    let theirs = app.get(&path, Some(&gb)).await;
    assert!(!theirs.body.contains("Share beyond the two of you"));

    // Someone unknown is named as the problem; the manager may not share.
    let shares = format!("{path}/notes/{entry}/shares");
    let bad = app
        .post_form(&shares, &[("email", "nobody@test.example")], Some(&mb))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body
            .contains("There is no active account with that email address.")
    );
    let refused = app
        .post_form(&shares, &[("email", "people.team@test.example")], Some(&gb))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let shared = app
        .post_form(&shares, &[("email", "people.team@test.example")], Some(&mb))
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.body);
    let read = app.get("/check-ins/shared", Some(&hb)).await;
    read.assert_contains(note);
    read.assert_contains("in the check-ins of member a with manager a");
    let inbox = app.get("/notifications", Some(&hb)).await;
    inbox.assert_contains("shared a note from a check-in with you");
    let events = app.audit("check_in.shared-read").await;
    assert!(events.iter().any(|e| e.actor_id == Some(hr)));
    // The person sees with whom; the manager does not.
    let page = app.get(&path, Some(&mb)).await;
    page.assert_contains("Shared with people team");
    let theirs = app.get(&path, Some(&gb)).await;
    assert!(!theirs.body.contains("Shared with people team"));

    // Taken back: gone.
    let back = app
        .post_form(&format!("{shares}/{hr}/delete"), &[], Some(&mb))
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    let gone = app.get("/check-ins/shared", Some(&hb)).await;
    assert!(!gone.body.contains(note));
}

crate::on_both_backends!(
    a_pair_keeps_its_check_ins_to_itself,
    the_api_keeps_check_ins_to_the_pair,
    the_person_shares_a_note_beyond_the_pair
);
