//! A promotion case through the pages, on both databases: opened by the manager from the person's
//! page, written, read and commented on by the person, given a panel and submitted; the panel
//! votes independently (no vote is shown to a member until they have voted, and a member's vote is
//! final once they have been shown another); the decision needs a reason, is shared with the
//! person (who never sees the votes) and changes their role level from its date.

use axum::http::StatusCode;
use trellis_app::time::today;
use trellis_store::prelude::*;
use trellis_store::{CaseStatus, SystemRole};

use crate::support::{App, Browser, new_person};

async fn kinds_of(app: &App, person: i64) -> Vec<(String, String)> {
    app.store
        .notifications_of(person, 50, None)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.link))
        .collect()
}

async fn another(app: &App, email: &str) -> i64 {
    app.store
        .create_person(
            new_person(email, SystemRole::Member),
            &trellis_store::Audit::default(),
        )
        .await
        .unwrap()
        .id
}

/// Opens a case for the member as their manager, writes it and names the panel; returns its id.
async fn drafted(app: &App, manager: &Browser, panel: &str) -> i64 {
    drafted_for(app, manager, panel, "engineering/senior-software-engineer").await
}

async fn drafted_for(app: &App, manager: &Browser, panel: &str, target: &str) -> i64 {
    let member = app.ids.member_a;
    let res = app
        .post_form(
            &format!("/people/{member}/promotions"),
            &[("role_level", target)],
            Some(manager),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let at = res.location();
    let id: i64 = at
        .trim_start_matches("/promotions/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let res = app
        .post_form(
            &format!("/promotions/{id}/case"),
            &[(
                "case_text",
                "Leads the billing migration.\n\nMentors two engineers.",
            )],
            Some(manager),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_form(
            &format!("/promotions/{id}/panel"),
            &[("panel", panel)],
            Some(manager),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    id
}

pub async fn a_case_is_written_commented_voted_and_decided(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let (zoe_id, kim_id) = (app.ids.member_b, app.ids.manager_b);
    let mgr = app.browser(manager).await;
    let person = app.browser(member).await;
    let zoe = app.browser(zoe_id).await;
    let kim = app.browser(kim_id).await;

    // The person's page links the next level's readiness to a new case.
    let page = app.get(&format!("/people/{member}"), Some(&mgr)).await;
    assert!(
        page.body.contains("id=\"open-promotion\""),
        "the next level links to a new case"
    );
    let form = app
        .get(&format!("/people/{member}/promotions/new"), Some(&mgr))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("value=\"engineering/senior-software-engineer\" selected")
    );
    // A target that is not a role level is refused, naming the field.
    let bad = app
        .post_form(
            &format!("/people/{member}/promotions"),
            &[("role_level", "engineering/astronaut")],
            Some(&mgr),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("href=\"#role_level\"");

    let id = drafted(&app, &mgr, "member.b@test.example\nmanager.b@test.example").await;
    // The person was told, and sees the written case; the panel is named but nothing is voted.
    assert!(
        kinds_of(&app, member)
            .await
            .contains(&("promotion.opened".into(), format!("/promotions/{id}")))
    );
    let seen = app.get(&format!("/promotions/{id}"), Some(&person)).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("Leads the billing migration."));
    assert!(seen.body.contains("Readiness for Senior Software Engineer"));
    // The home to-do list asks the person to comment.
    let home = app.get("/", Some(&person)).await;
    home.assert_contains(&format!("/promotions/{id}"));
    // The person comments; an empty comment is refused, naming the field.
    let empty = app
        .post_form(
            &format!("/promotions/{id}/comments"),
            &[("comment", " ")],
            Some(&person),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("href=\"#comment\""));
    let res = app
        .post_form(
            &format!("/promotions/{id}/comments"),
            &[("comment", "Please mention the on-call rota.")],
            Some(&person),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The panel votes only once submitted; the person cannot submit.
    let early = app
        .post_form(
            &format!("/promotions/{id}/vote"),
            &[("vote", "approve"), ("reason", "Early")],
            Some(&zoe),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let by_person = app
        .post_form(&format!("/promotions/{id}/submit"), &[], Some(&person))
        .await;
    assert_eq!(by_person.status, StatusCode::FORBIDDEN);
    let res = app
        .post_form(&format!("/promotions/{id}/submit"), &[], Some(&mgr))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Sent: the panel is the one the votes were asked of; nobody is added or dropped, even with
    // addresses that would not pass.
    for panel in ["member.b@test.example", "nobody@test.example"] {
        let late = app
            .post_form(
                &format!("/promotions/{id}/panel"),
                &[("panel", panel)],
                Some(&mgr),
            )
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
        late.assert_contains("no longer changes");
        late.assert_contains("href=\"#panel\"");
    }
    let mut seated: Vec<i64> = app
        .store
        .promotion_record(id)
        .await
        .unwrap()
        .panel
        .iter()
        .map(|s| s.member_id)
        .collect();
    seated.sort_unstable();
    let mut named = vec![zoe_id, kim_id];
    named.sort_unstable();
    assert_eq!(seated, named);
    for p in [zoe_id, kim_id] {
        assert!(
            kinds_of(&app, p)
                .await
                .contains(&("promotion.vote".into(), format!("/promotions/{id}")))
        );
    }

    // Zoe votes first; a vote needs a reason.
    let no_reason = app
        .post_form(
            &format!("/promotions/{id}/vote"),
            &[("vote", "approve")],
            Some(&zoe),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("href=\"#reason\""));
    let res = app
        .post_form(
            &format!("/promotions/{id}/vote"),
            &[
                ("vote", "approve"),
                ("reason", "ZOE-REASON: strong evidence"),
            ],
            Some(&zoe),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Kim, not having voted, sees that Zoe voted but not how or why.
    let kim_before = app.get(&format!("/promotions/{id}"), Some(&kim)).await;
    assert_eq!(kim_before.status, StatusCode::OK);
    assert!(!kim_before.body.contains("ZOE-REASON"));
    assert!(kim_before.body.contains("hidden until you vote"));
    let res = app
        .post_form(
            &format!("/promotions/{id}/vote"),
            &[
                ("vote", "not_yet"),
                ("reason", "KIM-REASON: one more quarter"),
            ],
            Some(&kim),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Having voted, Kim is shown Zoe's vote, and his own is final from then on.
    let kim_after = app.get(&format!("/promotions/{id}"), Some(&kim)).await;
    assert!(kim_after.body.contains("ZOE-REASON"));
    assert!(kim_after.body.contains("id=\"vote-final\""));
    let change = app
        .post_form(
            &format!("/promotions/{id}/vote"),
            &[("vote", "approve"), ("reason", "Changed my mind")],
            Some(&kim),
        )
        .await;
    assert_eq!(change.status, StatusCode::CONFLICT);
    assert!(change.body.contains("final"));

    // The person sees who is on the panel and whether they voted, never a vote or its reason.
    let by_person = app.get(&format!("/promotions/{id}"), Some(&person)).await;
    assert!(!by_person.body.contains("ZOE-REASON") && !by_person.body.contains("KIM-REASON"));
    assert!(!by_person.body.contains("class=\"vote\""));
    // The manager sees both votes.
    let by_manager = app.get(&format!("/promotions/{id}"), Some(&mgr)).await;
    assert!(by_manager.body.contains("ZOE-REASON") && by_manager.body.contains("KIM-REASON"));
    // A panel member does not decide; a decision needs a reason and, approved, a date.
    let by_panel = app
        .post_form(
            &format!("/promotions/{id}/decision"),
            &[
                ("outcome", "approved"),
                ("decision_reason", "x"),
                ("effective_on", "2027-01-01"),
            ],
            Some(&zoe),
        )
        .await;
    assert_eq!(by_panel.status, StatusCode::FORBIDDEN);
    let no_reason = app
        .post_form(
            &format!("/promotions/{id}/decision"),
            &[
                ("outcome", "approved"),
                ("decision_reason", ""),
                ("effective_on", "soon"),
            ],
            Some(&mgr),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("href=\"#decision_reason\""));
    assert!(no_reason.body.contains("href=\"#effective_on\""));
    let day = today();
    let res = app
        .post_form(
            &format!("/promotions/{id}/decision"),
            &[
                ("outcome", "approved"),
                ("decision_reason", "The panel found the evidence strong."),
                ("effective_on", &day),
            ],
            Some(&mgr),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Approved from today: the role level changes at once, and the person is told.
    let now = app.store.person(member).await.unwrap();
    assert_eq!(
        now.role_level.as_deref(),
        Some("engineering/senior-software-engineer")
    );
    assert!(
        kinds_of(&app, member)
            .await
            .contains(&("promotion.decided".into(), format!("/promotions/{id}")))
    );
    let decided = app.get(&format!("/promotions/{id}"), Some(&person)).await;
    assert!(decided.body.contains("data-outcome=\"approved\""));
    assert!(
        decided
            .body
            .contains("The panel found the evidence strong.")
    );
    assert!(!decided.body.contains("ZOE-REASON") && !decided.body.contains("KIM-REASON"));
    // The printable page: no navigation, the print styles, and the case.
    let print = app
        .get(&format!("/promotions/{id}/print"), Some(&person))
        .await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(!print.body.contains("site-nav"));
    assert!(print.body.contains("Mentors two engineers."));
    assert!(
        !print.body.contains("KIM-REASON"),
        "the person's export hides the votes too"
    );
    let listed = app.get("/promotions", Some(&person)).await;
    assert!(listed.body.contains(&format!("id=\"case-{id}\"")));
    // Through the API: the same case, the same rules (no vote for the person, both for the line).
    for (who, shown) in [(member, false), (manager, true)] {
        let token = app.token(who).await;
        let res = app
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/promotions/{id}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let json = res.json();
        assert_eq!(json["outcome"], "approved");
        assert_eq!(json["votes_shown"], shown);
        assert_eq!(res.body.contains("ZOE-REASON"), shown);
        assert!(json["readiness"]["requirements"].is_array());
    }
    // Every read is audited, with the reader.
    let reads = app.audit("promotion.read").await;
    for reader in [member, manager, zoe_id, kim_id] {
        assert!(
            reads
                .iter()
                .any(|e| e.actor_id == Some(reader) && e.target == format!("promotion:{id}")),
            "the read by {reader} is audited"
        );
    }
}

pub async fn the_panel_sees_a_case_only_while_on_it(app: App) {
    let mgr = app.browser(app.ids.manager_a).await;
    let outsider_id = another(&app, "outsider@test.example").await;
    let outsider = app.browser(outsider_id).await;
    let id = drafted(&app, &mgr, "outsider@test.example").await;
    assert_eq!(
        app.get(&format!("/promotions/{id}"), Some(&outsider))
            .await
            .status,
        StatusCode::OK
    );
    let listed = app.get("/promotions", Some(&outsider)).await;
    assert!(listed.body.contains(&format!("id=\"case-{id}\"")));
    // Off the panel: the case is as if it did not exist, and the attempt is audited.
    let res = app
        .post_form(
            &format!("/promotions/{id}/panel"),
            &[("panel", "member.b@test.example")],
            Some(&mgr),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let gone = app.get(&format!("/promotions/{id}"), Some(&outsider)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let missing = app.get("/promotions/999999", Some(&outsider)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(gone.body.contains("There is no such promotion case."));
    assert!(missing.body.contains("There is no such promotion case."));
    let listed = app.get("/promotions", Some(&outsider)).await;
    assert!(!listed.body.contains(&format!("id=\"case-{id}\"")));
    let denied = app.audit("access.denied").await;
    assert!(
        denied
            .iter()
            .any(|e| e.actor_id == Some(outsider_id) && e.target == format!("promotion:{id}"))
    );
    // The person cannot sit on their own panel; unknown addresses are named.
    let res = app
        .post_form(
            &format!("/promotions/{id}/panel"),
            &[("panel", "member.a@test.example\nnobody@test.example")],
            Some(&mgr),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("nobody@test.example"));
    assert!(res.body.contains("href=\"#panel\""));
}

pub async fn an_approval_from_a_later_date_applies_on_that_day(app: App) {
    let member = app.ids.member_a;
    let mgr = app.browser(app.ids.manager_a).await;
    let id = drafted(&app, &mgr, "manager.b@test.example").await;
    let res = app
        .post_form(&format!("/promotions/{id}/submit"), &[], Some(&mgr))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &format!("/promotions/{id}/decision"),
            &[
                ("outcome", "approved"),
                ("decision_reason", "Ready."),
                ("effective_on", "2099-03-01"),
            ],
            Some(&mgr),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let case = app.store.promotion(id).await.unwrap();
    assert_eq!(case.status, CaseStatus::Decided);
    // Not before its day.
    let before = app.store.person(member).await.unwrap();
    assert_eq!(
        before.role_level.as_deref(),
        Some("engineering/software-engineer")
    );
    trellis_app::reminders::send_due(app.state.app(), "2099-02-28")
        .await
        .unwrap();
    assert_eq!(
        app.store.person(member).await.unwrap().role_level,
        before.role_level
    );
    // On its day, by the server's daily run: once.
    trellis_app::reminders::send_due(app.state.app(), "2099-03-01")
        .await
        .unwrap();
    trellis_app::reminders::send_due(app.state.app(), "2099-03-02")
        .await
        .unwrap();
    let after = app.store.person(member).await.unwrap();
    assert_eq!(
        after.role_level.as_deref(),
        Some("engineering/senior-software-engineer")
    );
    assert_eq!(
        after.role_level_since,
        trellis_app::time::parse_date("2099-03-01")
    );
    assert_eq!(app.audit("promotion.apply").await.len(), 1);
    // "Not yet" says what is missing.
    let second = drafted_for(
        &app,
        &mgr,
        "manager.b@test.example",
        "engineering/staff-engineer",
    )
    .await;
    let res = app
        .post_form(&format!("/promotions/{second}/submit"), &[], Some(&mgr))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &format!("/promotions/{second}/decision"),
            &[("outcome", "not_yet"), ("decision_reason", "Close.")],
            Some(&mgr),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#missing\""));
}

crate::on_both_backends!(
    a_case_is_written_commented_voted_and_decided,
    the_panel_sees_a_case_only_while_on_it,
    an_approval_from_a_later_date_applies_on_that_day,
);
