//! The organisation overview: head count per role level and readiness per team, for the people
//! team and admins only; and every manager's team matrix linked from the people directory.

use axum::http::StatusCode;

use crate::support::App;
use trellis_store::prelude::*;

pub async fn the_people_team_sees_the_organisation(app: App) {
    let hr = app.browser(app.ids.people_team).await;
    let page = app.get("/organisation", Some(&hr)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // The fixture organisation's active people, counted once each.
    let people = app.store.people().await.unwrap();
    let active = people.iter().filter(|p| p.active).count();
    assert!(
        page.body.contains(&format!("{active} active people")),
        "{}",
        page.body
    );
    // Member A holds a role level: its row counts them.
    let member = app.store.person(app.ids.member_a).await.unwrap();
    let role_level = member.role_level.unwrap();
    let holders = people
        .iter()
        .filter(|p| p.active && p.role_level.as_deref() == Some(role_level.as_str()))
        .count();
    let row = page
        .body
        .split(&format!(
            "href=\"/frameworks/current/role-levels/{role_level}\""
        ))
        .nth(1)
        .expect("a row for the member's role level");
    let count: String = row
        .split("<td>")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(count, holders.to_string());
    assert!(
        page.body
            .contains("Readiness for their own role level, by team")
    );
    assert!(
        page.body.contains("<th scope=\"row\">Team A</th>"),
        "{}",
        page.body
    );

    // Members are refused; the people directory links it for the people team and links every
    // manager's team matrix.
    let mb = app.browser(app.ids.member_a).await;
    assert_eq!(
        app.get("/organisation", Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );
    let directory = app.get("/people", Some(&hr)).await;
    assert!(directory.body.contains("href=\"/organisation\""));
    assert!(
        directory
            .body
            .contains(&format!("href=\"/team/{}\"", app.ids.manager_a)),
        "{}",
        directory.body
    );
}

crate::on_both_backends!(the_people_team_sees_the_organisation);
