//! Team planning through the pages, on both databases, in the demo organisation: a manager asks
//! what if someone leaves or is promoted; the people team opens a position from the answer; bad
//! query fields are named; the read is audited.

use axum::http::{StatusCode, header};

use trellis_store::prelude::*;

use crate::support::App;

pub async fn a_manager_plans_for_a_leaver_and_a_promotion(app: App) {
    let hash = crate::support::password_hash();
    trellis_app::demo::load(&app.store, hash).await.unwrap();
    let find = |email: &str| {
        let store = app.store.clone();
        let email = format!("{email}@example.com");
        async move { store.person_by_email(&email).await.unwrap().unwrap() }
    };
    let (amara, luis, hannah, grace) = (
        find("amara.okafor").await,
        find("luis.fernandez").await,
        find("hannah.schmidt").await,
        find("grace.mensah").await,
    );
    let ab = app.browser(amara.id).await;

    // The form alone: everyone of the team, no result yet.
    let form = app.get("/team/what-if", Some(&ab)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body
            .contains(&format!("name=\"leaves\" value=\"{}\"", luis.id))
    );
    assert!(!form.body.contains("id=\"what-if-result\""));
    let team = app.get("/team", Some(&ab)).await;
    assert!(
        team.body.contains("href=\"/team/what-if\""),
        "linked from the team page"
    );

    // Luis, the team's senior engineer, leaves: his role is to fill, with its kit.
    let gone = app
        .get(&format!("/team/what-if?leaves={}", luis.id), Some(&ab))
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    gone.assert_contains("If Luis Fernández leaves");
    assert!(
        gone.body
            .contains("Senior Software Engineer, in place of Luis Fernández")
    );
    assert!(gone.body.contains(
        "href=\"/frameworks/current/role-levels/engineering/senior-software-engineer/hiring-kit\"",
    ));
    assert!(
        !gone.body.contains("Open a position for"),
        "only the people team opens positions"
    );
    let kit = app
        .get(
            "/frameworks/current/role-levels/engineering/senior-software-engineer/hiring-kit",
            Some(&ab),
        )
        .await;
    assert_eq!(kit.status, StatusCode::OK, "the linked kit exists");
    let events = app.audit("team.what-if").await;
    let read = events
        .iter()
        .find(|e| e.details["leaves"] == serde_json::json!([luis.id]))
        .expect("the read is audited with its scenario");
    assert_eq!(read.actor_id, Some(amara.id));
    assert_eq!(read.target, format!("team:{}", amara.id));

    // Hannah is promoted: held to the next level with today's ratings, she has gaps to grow.
    let up = app
        .get(&format!("/team/what-if?promoted={}", hannah.id), Some(&ab))
        .await;
    up.assert_contains("If Hannah Schmidt becomes Senior Software Engineer");
    let gaps = up.body.split("id=\"gaps-after\"").nth(1).unwrap();
    assert!(gaps.contains("Hannah Schmidt"), "{gaps}");

    // Fields are checked and named.
    let bad = app.get("/team/what-if?leaves=luis", Some(&ab)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("leaves");
    let bad = app.get("/team/what-if?fire=1", Some(&ab)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.assert_contains("`fire`");
    // Someone outside the team changes nothing and is said to be left out.
    let other = app
        .get(&format!("/team/what-if?leaves={}", grace.id), Some(&ab))
        .await;
    other.assert_contains("Left out:");
    assert!(
        !other.body.contains("Grace"),
        "names no one outside the team"
    );

    // The people team opens the position from the answer, for Amara's team.
    let gb = app.browser(grace.id).await;
    let theirs = app
        .get(
            &format!("/team/{}/what-if?leaves={}", amara.id, luis.id),
            Some(&gb),
        )
        .await;
    assert!(
        theirs
            .body
            .contains("Open a position for Senior Software Engineer")
    );
    let before = app.store.openings().await.unwrap().len();
    let made = app
        .post_form(
            "/hiring/openings",
            &[
                ("role_level", "engineering/senior-software-engineer"),
                ("hiring_manager", &amara.email),
            ],
            Some(&gb),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert!(
        made.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/hiring/openings/")
    );
    let openings = app.store.openings().await.unwrap();
    assert_eq!(openings.len(), before + 1);
    assert_eq!(openings[0].hiring_manager_id, amara.id);

    // A member with no reports has no team to plan.
    let hb = app.browser(hannah.id).await;
    let none = app.get("/team/what-if", Some(&hb)).await;
    assert_eq!(none.status, StatusCode::OK);
    none.assert_contains("No one reports to you");
}

crate::on_both_backends!(a_manager_plans_for_a_leaver_and_a_promotion);
