//! A person's data: all of it under their own account, all but the content of their check-ins for
//! an administrator, each export audited.

use axum::http::{Method, StatusCode};

use trellis_store::prelude::*;

use crate::support::App;

pub async fn everyone_gets_their_data_and_admins_all_but_check_in_content(app: App) {
    let (member, manager, admin) = (app.ids.member_a, app.ids.manager_a, app.ids.admin);
    let mb = app.browser(member).await;
    let gb = app.browser(manager).await;
    let ab = app.browser(admin).await;

    // A series of check-ins with a note of each kind.
    let made = app
        .post_form(
            "/check-ins",
            &[
                ("with", "manager"),
                ("cadence", "weekly"),
                ("first_on", "2030-01-07"),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let series = made.header("location").unwrap().to_owned();
    for (who, note, privacy) in [
        (&mb, "My own <script>thought</script>", "private"),
        (&mb, "Pair on the RFC", "shared"),
        (&gb, "The manager's private view", "private"),
    ] {
        let r = app
            .post_form(
                &format!("{series}/notes"),
                &[("note", note), ("privacy", privacy)],
                Some(who),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }

    // The shared note, shared further with the people team; a promotion case about them.
    let record = app.store.check_in_record(
        series
            .trim_start_matches("/check-ins/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap(),
        member,
    );
    let shared = record
        .await
        .unwrap()
        .entries
        .iter()
        .find(|e| e.body == "Pair on the RFC")
        .unwrap()
        .id;
    let r = app
        .post_form(
            &format!(
                "{}/notes/{shared}/shares",
                series.split('?').next().unwrap()
            ),
            &[("email", "people.team@test.example")],
            Some(&mb),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let version = app.store.current_framework().await.unwrap().unwrap().id;
    app.store
        .open_promotion(
            trellis_store::NewPromotion {
                person_id: member,
                role_level: "engineering/senior-software-engineer".into(),
                framework_version_id: version,
            },
            vec![],
            &trellis_store::Audit {
                actor_id: Some(manager),
                ip: None,
                at: 1,
            },
        )
        .await
        .unwrap();

    // Evidence they deleted is still theirs to see.
    let token = app.token(member).await;
    let added = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/evidence"),
            Some(&token),
            Some(serde_json::json!({
                "happened_on": "2026-02-01",
                "title": "A talk I gave",
                "skills": ["communication"],
            })),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let piece = added.json()["id"].as_i64().unwrap();
    let gone = app
        .api(
            Method::DELETE,
            &format!("/api/v1/people/{member}/evidence/{piece}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);

    // The person: everything about them, their notes too, never the other side's private one.
    let page = app.get("/account/data", Some(&mb)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("member a");
    assert!(page.body.contains("Pair on the RFC"));
    assert!(
        page.body
            .contains("My own &lt;script&gt;thought&lt;/script&gt;"),
        "written text is escaped"
    );
    assert!(!page.body.contains("<script>thought"));
    assert!(!page.body.contains("The manager&#39;s private view"));
    assert!(!page.body.contains("The manager's private view"));
    let file = app.get("/account/data.json", Some(&mb)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    let data: serde_json::Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(data["scope"], "complete");
    assert_eq!(data["person"]["id"], member);
    assert!(data["person"].get("password_hash").is_none());
    assert_eq!(data["manager"]["id"], manager);
    let notes: Vec<&str> = data["check_ins"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["body"].as_str())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(
        data["check_ins"][0]["shared_beyond_the_pair"][0]["shared_with"],
        app.ids.people_team
    );
    assert_eq!(
        data["promotion_cases"][0]["case"]["role_level"],
        "engineering/senior-software-engineer"
    );
    let deleted = data["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["evidence"]["id"] == piece)
        .expect("the deleted evidence is in the export");
    assert_eq!(deleted["deleted_by"], member);
    assert!(deleted["deleted_at"].is_i64());

    // An administrator: everything but what the pair wrote.
    let theirs = app
        .get(&format!("/admin/people/{member}/data"), Some(&ab))
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(theirs.body.contains("Data held about member a"));
    assert!(!theirs.body.contains("Pair on the RFC"));
    assert!(!theirs.body.contains("thought"));
    let file = app
        .get(&format!("/admin/people/{member}/data.json"), Some(&ab))
        .await;
    let data: serde_json::Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(data["scope"], "without check-in content");
    assert_eq!(data["check_ins"].as_array().unwrap().len(), 1, "the series");
    assert_eq!(data["check_ins"][0]["entries"], serde_json::json!([]));

    // Each export is audited with who asked, without what it held.
    let events = app.audit("person.export").await;
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(
        events
            .iter()
            .all(|e| e.target == format!("person:{member}"))
    );
    assert_eq!(
        events.iter().filter(|e| e.actor_id == Some(admin)).count(),
        2
    );
    assert!(
        events
            .iter()
            .all(|e| !e.details.to_string().contains("RFC"))
    );
}

pub async fn an_administrator_erases_the_data_of_someone_who_left(app: App) {
    let (member, admin) = (app.ids.member_a, app.ids.admin);
    let ab = app.browser(admin).await;
    let path = format!("/admin/accounts/{member}/erase");
    let email = "member.a@test.example";

    let page = app.get(&path, Some(&ab)).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("still has an active account");
    assert!(!page.body.contains("confirm_email"), "no form while active");
    let active = app
        .post_form(&path, &[("confirm_email", email)], Some(&ab))
        .await;
    assert_eq!(active.status, StatusCode::CONFLICT, "{}", active.body);
    active.assert_contains("Deactivate this account");

    app.store
        .update_person(
            member,
            trellis_store::PersonUpdate {
                active: Some(false),
                ..Default::default()
            },
            &trellis_store::Audit::default(),
        )
        .await
        .unwrap();
    let account = app
        .get(&format!("/admin/accounts/{member}"), Some(&ab))
        .await;
    assert!(account.body.contains(&path), "linked once they have left");
    let page = app.get(&path, Some(&ab)).await;
    page.assert_contains(r#"name="confirm_email""#);

    let wrong = app
        .post_form(
            &path,
            &[("confirm_email", "someone@else.example")],
            Some(&ab),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.assert_contains("Type their email address");
    assert_eq!(
        app.store.person(member).await.unwrap().email,
        email,
        "nothing erased"
    );

    let done = app
        .post_form(
            &path,
            &[
                ("confirm_email", "Member.A@test.example"),
                ("keep_ratings", "on"),
            ],
            Some(&ab),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.assert_contains("Their personal data is erased");
    let erased = app.store.person(member).await.unwrap();
    assert_eq!(erased.name, "Erased person");
    assert!(!erased.email.contains("member.a"));
    let events = app.audit("person.erase").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id, Some(admin));
    assert_eq!(events[0].details["kept_ratings"], true);

    let again = app
        .post_form(&path, &[("confirm_email", &erased.email)], Some(&ab))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    again.assert_contains("erased already");
}

crate::on_both_backends!(
    everyone_gets_their_data_and_admins_all_but_check_in_content,
    an_administrator_erases_the_data_of_someone_who_left
);
