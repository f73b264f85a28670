//! The results of a review cycle wait for its sharing day, on both databases: until then the
//! person sees their own self-ratings but not their manager's ratings or the agreed outcome (on
//! the assessment page, in the API, in their readiness), is not told of them and cannot answer
//! the outcome; their manager sees everything. The daily run shares them on the day.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use trellis_store::prelude::*;

use crate::support::{App, below};

const ROLE_LEVEL: &str = "engineering/software-engineer";

/// Opens and launches a cycle for Team A as the people team; returns the cycle and member A's
/// assessment in it.
async fn launched_cycle(app: &App) -> (i64, i64) {
    let pb = app.browser(app.ids.people_team).await;
    let team_a = app.team_id("Team A").await;
    let population = format!("team:{team_a}");
    let opened = app
        .post_form(
            "/cycles",
            &[
                ("name", "2098 review"),
                ("population", &population),
                ("self_due", "2098-10-01"),
                ("peer_due", "2098-10-08"),
                ("manager_due", "2098-10-15"),
                ("calibration_due", "2098-10-22"),
                ("agreed_due", "2098-10-29"),
            ],
            Some(&pb),
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let id: i64 = opened.header("location").unwrap()["/cycles/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let launched = app
        .post_form(&format!("/cycles/{id}/launch"), &[], Some(&pb))
        .await;
    assert_eq!(launched.status, StatusCode::SEE_OTHER, "{}", launched.body);
    let records = app.store.cycle_records(id).await.unwrap();
    let mine = records
        .assessments
        .iter()
        .find(|a| a.person_id == app.ids.member_a)
        .unwrap()
        .id;
    (id, mine)
}

/// Rates every requirement of the assessment through the API, one level below the required one
/// for the manager and the agreed outcome (so that they differ from the self-ratings).
async fn rate(app: &App, token: &str, id: i64, kind: &str) {
    let a = app
        .api_json(&format!("/api/v1/assessments/{id}"), token)
        .await;

    let reqs = readiness(app, token, app.ids.member_a).await;
    let ratings: Vec<Value> = reqs["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let required = q["required"].as_str().unwrap();
            let level = if kind == "self" {
                required.to_owned()
            } else {
                below(required)
            };
            json!({ "skill": q["skill"], "level": level })
        })
        .collect();
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/assessments/{id}/ratings"),
            Some(token),
            Some(json!({ "kind": kind, "revision": a["revision"], "ratings": ratings })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{kind}: {}", res.body);
}

async fn readiness(app: &App, token: &str, person: i64) -> Value {
    app.api_json(
        &format!("/api/v1/people/{person}/readiness?role_level={ROLE_LEVEL}"),
        token,
    )
    .await
}

/// The kinds of rating of an assessment as its API answers `token`.
async fn kinds_seen(app: &App, token: &str, id: i64) -> (Vec<String>, Value) {
    let a = app
        .api_json(&format!("/api/v1/assessments/{id}"), token)
        .await;

    let mut kinds: Vec<String> = a["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rater_kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds.dedup();
    (kinds, a["results_withheld"].clone())
}

async fn told(app: &App, person: i64) -> Vec<String> {
    app.store
        .notifications_of(person, 50, None)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

/// The history of ratings on a person page (after the list of assessments, whose stages read
/// "Agreed" too).
fn history_of(body: &str) -> &str {
    body.split("id=\"history\"").nth(1).unwrap_or_default()
}

/// Whether each requirement's agreed level shows in the person's readiness.
fn any_agreed(readiness: &Value) -> bool {
    readiness["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| !q["agreed"].is_null())
}

pub async fn results_wait_for_the_cycle_sharing_day(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let (mt, gt) = (app.token(member).await, app.token(manager).await);
    let (mb, pb) = (
        app.browser(member).await,
        app.browser(app.ids.people_team).await,
    );
    let (cycle, id) = launched_cycle(&app).await;
    let page = format!("/assessments/{id}");

    // The person's own ratings are theirs to see; the manager's wait, and so does the notice.
    rate(&app, &mt, id, "self").await;
    rate(&app, &gt, id, "manager").await;
    let (kinds, withheld) = kinds_seen(&app, &mt, id).await;
    assert_eq!(kinds, ["self"]);
    assert_eq!(
        withheld["message"],
        "Results of 2098 review are shared once the cycle is closed"
    );
    assert!(
        !told(&app, member)
            .await
            .contains(&"assessment.compare".to_owned())
    );

    // Agreed: the manager sees all of it, the person none of it, and is not told yet.
    rate(&app, &gt, id, "agreed").await;
    let (kinds, withheld) = kinds_seen(&app, &gt, id).await;
    assert_eq!(kinds, ["agreed", "manager", "self"]);
    assert!(withheld.is_null());
    assert!(any_agreed(&readiness(&app, &gt, member).await));
    assert!(
        !told(&app, member)
            .await
            .contains(&"assessment.agreed".to_owned())
    );

    // Closed with a sharing day to come: the person reads when, and nothing more.
    let closed = app
        .post_form(
            &format!("/cycles/{cycle}/close"),
            &[("shares_on", "2099-01-01")],
            Some(&pb),
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let (kinds, withheld) = kinds_seen(&app, &mt, id).await;
    assert_eq!(kinds, ["self"]);
    assert_eq!(withheld["shares_on"], "2099-01-01");
    assert_eq!(
        withheld["message"],
        "Results of 2098 review are shared on 2099-01-01"
    );
    let seen = app.get(&page, Some(&mb)).await;
    assert_eq!(seen.status, StatusCode::OK);
    seen.assert_contains("Results of 2098 review are shared on 2099-01-01");
    assert!(!seen.body.contains("name=\"answer\""));
    let managers_view = app.get(&page, Some(&app.browser(manager).await)).await;
    assert!(!managers_view.body.contains("results-withheld"));
    assert!(!any_agreed(&readiness(&app, &mt, member).await));
    let person_page = app.get(&format!("/people/{member}"), Some(&mb)).await;
    let history = history_of(&person_page.body);
    assert!(history.contains("<td>Self</td>"), "{history}");
    assert!(!history.contains("<td>Agreed</td>"), "{history}");
    assert!(!history.contains("<td>Manager</td>"), "{history}");
    // The list of assessments says when, beside the assessment; their manager reads no such line.
    person_page.assert_contains("Results of 2098 review are shared on 2099-01-01");
    let managers_page = app
        .get(
            &format!("/people/{member}"),
            Some(&app.browser(manager).await),
        )
        .await;
    assert!(!managers_page.body.contains("are shared on"));
    let form = app
        .post_form(
            &format!("{page}/outcome"),
            &[("answer", "confirm")],
            Some(&mb),
        )
        .await;
    assert_eq!(form.status, StatusCode::CONFLICT, "{}", form.body);
    form.assert_contains("shared on 2099-01-01");

    // Their data export is their right of access: it holds the agreed outcome already.
    let export = app.get("/account/data.json", Some(&mb)).await;
    assert_eq!(export.status, StatusCode::OK);
    let exported = export.json().to_string();
    assert!(exported.contains("\"rater_kind\":\"agreed\""), "{exported}");

    // The day before, the daily run leaves them waiting; on the day it shares them.
    trellis_app::reminders::send_due(app.state.app(), "2098-12-31")
        .await
        .unwrap();
    assert_eq!(kinds_seen(&app, &mt, id).await.0, ["self"]);
    assert!(
        !told(&app, member)
            .await
            .contains(&"cycle.shared".to_owned())
    );
    trellis_app::reminders::send_due(app.state.app(), "2099-01-01")
        .await
        .unwrap();
    let (kinds, withheld) = kinds_seen(&app, &mt, id).await;
    assert_eq!(kinds, ["agreed", "manager", "self"]);
    assert!(withheld.is_null());
    assert!(any_agreed(&readiness(&app, &mt, member).await));
    assert!(
        told(&app, member)
            .await
            .contains(&"cycle.shared".to_owned())
    );
    let seen = app.get(&page, Some(&mb)).await;
    assert!(!seen.body.contains("results-withheld"));
    seen.assert_contains("name=\"answer\"");
    let person_page = app.get(&format!("/people/{member}"), Some(&mb)).await;
    assert!(history_of(&person_page.body).contains("<td>Agreed</td>"));
    assert!(!person_page.body.contains("are shared on"));
}

crate::on_both_backends!(results_wait_for_the_cycle_sharing_day);
