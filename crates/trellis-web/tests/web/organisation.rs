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
    page.assert_contains(&format!("{active} active people"));
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
    page.assert_contains("<th scope=\"row\">Team A</th>");

    // Members are refused; the people directory links it for the people team and links every
    // manager's team matrix.
    let mb = app.browser(app.ids.member_a).await;
    assert_eq!(
        app.get("/organisation", Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );
    let directory = app.get("/people", Some(&hr)).await;
    assert!(directory.body.contains("href=\"/organisation\""));
    directory.assert_contains(&format!("href=\"/team/{}\"", app.ids.manager_a));
}

pub async fn the_people_team_assigns_role_levels_managers_and_teams(app: App) {
    let hr = app.browser(app.ids.people_team).await;
    let member = app.ids.member_a;
    let page = format!("/people/{member}/assignment");
    let form = app.get(&page, Some(&hr)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("value=\"manager.a@test.example\""),
        "the current manager"
    );
    let revision = form.input_value("revision").unwrap();
    // The person page links the form for the people team, not for the member.
    let person = app.get(&format!("/people/{member}"), Some(&hr)).await;
    assert!(person.body.contains(&format!("href=\"{page}\"")));
    let mb = app.browser(member).await;
    let own = app.get(&format!("/people/{member}"), Some(&mb)).await;
    assert!(!own.body.contains(&page));
    assert_eq!(
        app.get(&page, Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );

    // Problems are said next to their field, and what was typed is kept.
    let bad = app
        .post_form(
            &page,
            &[
                ("role_level", "engineering/senior-software-engineer"),
                ("manager", "nobody@test.example"),
                ("team", "Platform"),
                ("effective_on", "first of May"),
                ("revision", &revision),
            ],
            Some(&hr),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("id=\"manager-error\"");
    assert!(bad.body.contains("id=\"effective_on-error\""));
    assert!(bad.body.contains("value=\"Platform\""));

    // A promotion from a past date, a new manager and a new team, in one change made now.
    let saved = app
        .post_form(
            &page,
            &[
                ("role_level", "engineering/senior-software-engineer"),
                ("manager", "manager.b@test.example"),
                ("team", "Platform"),
                ("effective_on", "2026-11-01"),
                ("revision", &revision),
            ],
            Some(&hr),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = app.store.person(member).await.unwrap();
    assert_eq!(
        after.role_level.as_deref(),
        Some("engineering/senior-software-engineer")
    );
    assert_eq!(after.manager_id, Some(app.ids.manager_b));
    assert_eq!(
        after
            .role_level_since
            .map(trellis_app::time::date)
            .as_deref(),
        Some("2026-11-01")
    );
    let events = app.audit("person.update").await;
    let last = events
        .iter()
        .find(|e| e.target == format!("person:{member}"))
        .unwrap();
    assert_eq!(last.actor_id, Some(app.ids.people_team));
    // The same form again, from the page as it was: refused as stale.
    let stale = app
        .post_form(
            &page,
            &[
                ("role_level", ""),
                ("manager", ""),
                ("team", ""),
                ("revision", &revision),
            ],
            Some(&hr),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
}

pub async fn changes_for_a_later_day_wait_for_it(app: App) {
    let hr = app.browser(app.ids.people_team).await;
    let member = app.ids.member_a;
    let before = app.store.person(member).await.unwrap();
    let page = format!("/people/{member}/assignment");
    let plan = |manager: &'static str, team: &'static str, day: &'static str| {
        let revision = before.revision.to_string();
        [
            (
                "role_level",
                "engineering/senior-software-engineer".to_owned(),
            ),
            ("manager", manager.to_owned()),
            ("team", team.to_owned()),
            ("effective_on", day.to_owned()),
            ("revision", revision),
        ]
    };
    let post = async |fields: [(&str, String); 5]| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&page, &fields, Some(&hr)).await
    };

    // Nothing but the date changes: refused at the date, as nothing would happen on that day.
    let same = [
        ("role_level", before.role_level.clone().unwrap_or_default()),
        ("manager", "manager.a@test.example".to_owned()),
        ("team", "Team A".to_owned()),
        ("effective_on", "2099-01-01".to_owned()),
        ("revision", before.revision.to_string()),
    ];
    let nothing = post(same).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.body.contains("Nothing would change on that day"));
    // A problem with the change is said now, not on the day.
    let unknown = post(plan("nobody@test.example", "Platform", "2099-01-01")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("id=\"manager-error\""));

    // Planned for 2099: nothing changes now; the page shows what waits, and by whom.
    let planned = post(plan("manager.b@test.example", "Platform", "2099-01-01")).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    assert_eq!(
        planned.headers.get("location").unwrap(),
        &format!("{page}?scheduled=1")
    );
    let now = app.store.person(member).await.unwrap();
    assert_eq!(now.revision, before.revision, "nothing changed yet");
    let shown = app.get(&page, Some(&hr)).await;
    shown.assert_contains("Planned from 2099-01-01");
    assert!(shown.body.contains("Role level: Senior Software Engineer"));
    shown.assert_contains("Manager: manager b");
    assert!(shown.body.contains("Team: Platform"));
    let planner = app.store.person(app.ids.people_team).await.unwrap().name;
    assert!(shown.body.contains(&format!("Planned by {planner}")));
    assert_eq!(app.audit("person.schedule").await.len(), 1);

    // The day before, nothing; on the day, the change is made with its day as the role level's.
    trellis_app::reminders::send_due(app.state.app(), "2098-12-31")
        .await
        .unwrap();
    assert_eq!(
        app.store.person(member).await.unwrap().revision,
        before.revision
    );
    trellis_app::reminders::send_due(app.state.app(), "2099-01-01")
        .await
        .unwrap();
    let moved = app.store.person(member).await.unwrap();
    assert_eq!(moved.manager_id, Some(app.ids.manager_b));
    assert_eq!(
        moved.role_level.as_deref(),
        Some("engineering/senior-software-engineer")
    );
    assert_eq!(
        moved
            .role_level_since
            .map(trellis_app::time::date)
            .as_deref(),
        Some("2099-01-01")
    );
    let teams = app.store.teams().await.unwrap();
    let team = teams.iter().find(|t| Some(t.id) == moved.team_id).unwrap();
    assert_eq!(team.name, "Platform");
    assert!(
        !app.get(&page, Some(&hr))
            .await
            .body
            .contains("Planned from")
    );

    // A change planned back to the old manager, cancelled: it is never made.
    let back = [
        (
            "role_level",
            "engineering/senior-software-engineer".to_owned(),
        ),
        ("manager", "manager.a@test.example".to_owned()),
        ("team", "Platform".to_owned()),
        ("effective_on", "2099-06-01".to_owned()),
        ("revision", moved.revision.to_string()),
    ];
    assert_eq!(post(back.clone()).await.status, StatusCode::SEE_OTHER);
    let cancel = format!("{page}/waiting/delete");
    let cancelled = app.post_form(&cancel, &[], Some(&hr)).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    trellis_app::reminders::send_due(app.state.app(), "2099-06-01")
        .await
        .unwrap();
    assert_eq!(
        app.store.person(member).await.unwrap().manager_id,
        Some(app.ids.manager_b)
    );

    // Planned again; the new manager leaves before the day: the change is not made, and the
    // people team member who planned it is told why.
    assert_eq!(post(back).await.status, StatusCode::SEE_OTHER);
    let manager_a = app.store.person(app.ids.manager_a).await.unwrap();
    app.store
        .update_person(
            manager_a.id,
            trellis_store::PersonUpdate {
                active: Some(false),
                ..Default::default()
            },
            &trellis_app::bootstrap::system_audit(),
        )
        .await
        .unwrap();
    trellis_app::reminders::send_due(app.state.app(), "2099-06-01")
        .await
        .unwrap();
    assert_eq!(
        app.store.person(member).await.unwrap().manager_id,
        Some(app.ids.manager_b),
        "a deactivated manager is not given reports"
    );
    let inbox = app
        .store
        .notifications_of(app.ids.people_team, 10, None)
        .await
        .unwrap();
    assert!(
        inbox
            .iter()
            .any(|n| n.kind == "person.schedule-failed" && n.subject.contains("could not be made")),
        "{inbox:?}"
    );
    // A member can neither see nor cancel what waits.
    let mb = app.browser(member).await;
    assert_eq!(
        app.post_form(&cancel, &[], Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );
}

pub async fn search_finds_what_the_caller_may_see(app: App) {
    // A member sees themselves and those below them, never a colleague of another team.
    let mb = app.browser(app.ids.member_a).await;
    let mine = app.get("/search?q=test.example", Some(&mb)).await;
    assert_eq!(mine.status, StatusCode::OK);
    let people = mine.body.split("id=\"found-people\"").nth(1).unwrap();
    let people = people.split("id=\"found-role-levels\"").next().unwrap();
    assert!(people.contains("member.a@test.example"), "{people}");
    assert!(!people.contains("member.b@test.example"), "{people}");
    // The people team sees everyone; every word must match.
    let hr = app.browser(app.ids.people_team).await;
    let all = app.get("/search?q=member.b+test", Some(&hr)).await;
    all.assert_contains("member.b@test.example");
    assert!(!all.body.contains("member.a@test.example"));
    // Role levels and skills of the current framework, linked.
    let roles = app.get("/search?q=staff+engineer", Some(&mb)).await;
    roles.assert_contains("href=\"/frameworks/current/role-levels/engineering/staff-engineer\"");
    let skills = app.get("/search?q=testing", Some(&mb)).await;
    skills.assert_contains("href=\"/frameworks/current/skills#");
    // Nothing asked, nothing listed; the box is in every page's header.
    let empty = app.get("/search", Some(&mb)).await;
    assert!(empty.body.contains("Every word must match."));
    assert!(empty.body.contains("id=\"header-q\""));
}

crate::on_both_backends!(
    search_finds_what_the_caller_may_see,
    the_people_team_sees_the_organisation,
    the_people_team_assigns_role_levels_managers_and_teams,
    changes_for_a_later_day_wait_for_it
);
