//! A review cycle through the people team's pages, on both databases: opened (problems named next
//! to their field), launched for a team (an assessment for each person, each told), its progress
//! per stage and team as the stages change, the overdue list with a one-click reminder to whoever
//! it waits for, the stage's deadline on the assessment, and closing with results shared.

use axum::http::StatusCode;
use trellis_app::time::today;
use trellis_store::prelude::*;
use trellis_store::{CycleStatus, RaterKind, Stage};

use crate::support::{App, Browser, Resp, rate_in_store};

async fn kinds_of(app: &App, person: i64) -> Vec<(String, String, String)> {
    app.store
        .notifications_of(person, 50, None)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.subject, n.link))
        .collect()
}

/// Moves an assessment on as its rater would, through the store (the rating pages are tested
/// with the growth flow).
async fn rate(app: &App, id: i64, kind: RaterKind, rater: i64, to: Stage) {
    rate_in_store(app, id, kind, rater, ("communication", "2"), to).await;
}

/// Reminds whoever an overdue item of the cycle waits for, from the cycle's page.
async fn remind(app: &App, pb: &Browser, cycle: i64, item: &str) -> Resp {
    let path = format!("/cycles/{cycle}/reminders");
    app.post_form(&path, &[("item", item)], Some(pb)).await
}

pub async fn a_cycle_is_opened_launched_watched_and_closed(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let pb = app.browser(app.ids.people_team).await;
    let mb = app.browser(member).await;
    let team_a = app.team_id("Team A").await;
    let population = format!("team:{team_a}");

    // The page offers the team; members are refused.
    let list = app.get("/cycles", Some(&pb)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("value=\"{population}\"")));
    assert_eq!(
        app.get("/cycles", Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );

    // Problems are named next to their field, what was typed kept.
    let bad = app
        .post_form(
            "/cycles",
            &[
                ("name", ""),
                ("population", "team:999999"),
                ("self_due", "soon"),
                ("peer_due", "2020-01-12"),
                ("manager_due", "2020-01-14"),
                ("calibration_due", "2020-01-16"),
                ("agreed_due", "2020-01-18"),
            ],
            Some(&pb),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "population", "self_due"] {
        assert!(
            bad.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            bad.body
        );
    }
    assert!(bad.body.contains("value=\"soon\""));
    let deadlines = [
        ("self_due", "2020-01-10"),
        ("peer_due", "2020-01-12"),
        ("manager_due", "2020-01-14"),
        ("calibration_due", "2020-01-16"),
        ("agreed_due", "2020-01-18"),
    ];
    let mut backwards = deadlines.to_vec();
    backwards[2] = ("manager_due", "2020-01-11");
    let mut fields = vec![("name", "2020 review"), ("population", population.as_str())];
    fields.extend(backwards);
    let out_of_order = app.post_form("/cycles", &fields, Some(&pb)).await;
    assert_eq!(out_of_order.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(out_of_order.body.contains("id=\"manager_due-error\""));

    // Opened as a draft: nobody is assessed or told yet.
    let mut fields = vec![("name", "2020 review"), ("population", population.as_str())];
    fields.extend(deadlines);
    let opened = app.post_form("/cycles", &fields, Some(&pb)).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let page = opened.location();
    let id: i64 = page
        .trim_start_matches("/cycles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let again = app.post_form("/cycles", &fields, Some(&pb)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("id=\"name-error\""));
    let draft = app.get(&page, Some(&pb)).await;
    assert!(draft.body.contains("data-status=\"draft\""));
    assert!(draft.body.contains("Launch the cycle"));
    assert!(kinds_of(&app, member).await.is_empty());

    // Launched: Team A's two people each get an assessment and are told.
    let launched = app
        .post_form(&format!("/cycles/{id}/launch"), &[], Some(&pb))
        .await;
    assert_eq!(launched.status, StatusCode::SEE_OTHER, "{}", launched.body);
    let after = app.get(&launched.location(), Some(&pb)).await;
    after.assert_contains("2 assessments started");
    assert!(after.body.contains("data-status=\"open\""));
    let records = app.store.cycle_records(id).await.unwrap();
    let mine = records
        .assessments
        .iter()
        .find(|a| a.person_id == member)
        .unwrap()
        .clone();
    assert_eq!(records.assessments.len(), 2);
    assert_eq!(
        (mine.role_level.as_str(), mine.cycle.as_str(), mine.stage),
        (
            "engineering/software-engineer",
            "2020 review",
            Stage::SelfRating
        )
    );
    let told = kinds_of(&app, member).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, "cycle.launched");
    assert!(told[0].1.contains("due by 2020-01-10"), "{}", told[0].1);
    assert_eq!(told[0].2, format!("/assessments/{}", mine.id));
    let twice = app
        .post_form(&format!("/cycles/{id}/launch"), &[], Some(&pb))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // The person's assessment shows its stage's deadline.
    let theirs = app
        .get(&format!("/assessments/{}", mine.id), Some(&mb))
        .await;
    theirs.assert_contains("due by <strong id=\"stage-due\">2020-01-10</strong>");

    // Both self-assessments are overdue; a reminder goes to the one it waits for.
    let progress = app.get(&format!("/cycles/{id}"), Some(&pb)).await;
    progress.assert_contains("Remind everyone overdue (2)");
    assert!(
        progress
            .body
            .contains(&format!("id=\"overdue-a{}\"", mine.id))
    );
    let reminded = remind(&app, &pb, id, &format!("a{}", mine.id)).await;
    assert_eq!(reminded.status, StatusCode::SEE_OTHER, "{}", reminded.body);
    assert!(reminded.location().contains("n=1"));
    let told = kinds_of(&app, member).await;
    assert_eq!(told[0].0, "cycle.reminder");
    assert!(
        told[0]
            .1
            .contains("your self-assessment was due on 2020-01-10"),
        "{}",
        told[0].1
    );
    assert!(
        kinds_of(&app, manager)
            .await
            .iter()
            .all(|n| n.0 != "cycle.reminder")
    );
    let unknown = remind(&app, &pb, id, "a999999").await;
    assert_eq!(unknown.status, StatusCode::CONFLICT);

    // The self-assessment is in: the item moves to the manager's stage and deadline.
    rate(&app, mine.id, RaterKind::SelfRater, member, Stage::Manager).await;
    let progress = app.get(&format!("/cycles/{id}"), Some(&pb)).await;
    let row = progress
        .body
        .split(&format!("id=\"overdue-a{}\"", mine.id))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("manager&#39;s ratings"), "{row}");
    assert!(row.contains("2020-01-14"), "{row}");
    assert!(row.contains("manager a"), "{row}");
    let reminded = remind(&app, &pb, id, &format!("a{}", mine.id)).await;
    assert_eq!(reminded.status, StatusCode::SEE_OTHER);
    let to_manager = kinds_of(&app, manager).await;
    assert_eq!(to_manager[0].0, "cycle.reminder");
    assert!(
        to_manager[0].1.contains("member a's manager's ratings"),
        "{}",
        to_manager[0].1
    );

    // Agreed: nothing of it is overdue any more.
    rate(&app, mine.id, RaterKind::Manager, manager, Stage::Compare).await;
    rate(&app, mine.id, RaterKind::Agreed, manager, Stage::Agreed).await;
    let progress = app.get(&format!("/cycles/{id}"), Some(&pb)).await;
    assert!(
        !progress
            .body
            .contains(&format!("id=\"overdue-a{}\"", mine.id))
    );
    assert!(progress.body.contains("Remind everyone overdue (1)"));

    // Closed with today's date: results are shared now, each person told once.
    let bad_day = app
        .post_form(
            &format!("/cycles/{id}/close"),
            &[("shares_on", "next week")],
            Some(&pb),
        )
        .await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_day.body.contains("id=\"shares_on-error\""));
    let closed = app
        .post_form(
            &format!("/cycles/{id}/close"),
            &[("shares_on", &today())],
            Some(&pb),
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let cycle = app.store.cycle(id).await.unwrap();
    assert_eq!(cycle.status, CycleStatus::Closed);
    assert!(cycle.shared_at.is_some());
    let shared: Vec<_> = kinds_of(&app, member)
        .await
        .into_iter()
        .filter(|n| n.0 == "cycle.shared")
        .collect();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].2, format!("/assessments/{}", mine.id));
    let page = app.get(&format!("/cycles/{id}"), Some(&pb)).await;
    assert!(page.body.contains("data-status=\"closed\""));
    // Every read of the progress is audited against the cycle.
    let reads = app.audit("cycle.read").await;
    assert!(reads.iter().all(|e| e.target == format!("cycle:{id}")));
    assert!(reads.len() >= 5, "{}", reads.len());
}

crate::on_both_backends!(a_cycle_is_opened_launched_watched_and_closed);
