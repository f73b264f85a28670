//! Calibration through its pages, on both databases: each manager sees their own people's
//! outcomes and nobody else's, the people team sees everyone; a move without a reason is refused
//! with the problem next to its field; a move with one is kept with its level before and after,
//! shows in the moved list and the distribution, and is the agreed outcome from then on; the
//! session lists the population's people; every read is audited.

use axum::http::StatusCode;
use trellis_store::prelude::*;
use trellis_store::{RaterKind, Stage};

use crate::support::{App, current_framework, rate_in_store, review_with_an_agreed_outcome};

/// The row of a table whose header cell starts with `label`.
fn row<'a>(body: &'a str, table: &str, label: &str) -> &'a str {
    let table = body
        .split(&format!("id=\"{table}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no table {table}"))
        .split("</table>")
        .next()
        .unwrap();
    table
        .split("<tr>")
        .find(|r| r.contains(&format!(">{label}")))
        .unwrap_or_else(|| panic!("no row {label} in {table}"))
}

pub async fn outcomes_are_calibrated_with_a_reason(app: App) {
    let ids = &app.ids;
    let (pb, mb) = (
        app.browser(ids.people_team).await,
        app.browser(ids.member_a).await,
    );
    let (ma, mbb) = (
        app.browser(ids.manager_a).await,
        app.browser(ids.manager_b).await,
    );
    // Member A agreed a level above the required one (programming: working); member B's manager
    // rated them at it (not agreed yet).
    let (cycle, mine, theirs) =
        review_with_an_agreed_outcome(&app, 2027, "product/product-manager").await;
    let fw = current_framework(&app).await;
    let pm = trellis_model::resolve(&fw, "product/product-manager").unwrap();
    let req = &pm.requirements[0];
    rate_in_store(
        &app,
        theirs,
        RaterKind::SelfRater,
        ids.member_b,
        (&req.skill, req.level.as_str()),
        Stage::Manager,
    )
    .await;
    rate_in_store(
        &app,
        theirs,
        RaterKind::Manager,
        ids.manager_b,
        (&req.skill, req.level.as_str()),
        Stage::Compare,
    )
    .await;
    let page = format!("/cycles/{}/calibration", cycle);

    // Members see nothing; the refusal is audited.
    assert_eq!(
        app.get(&page, Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        app.audit("access.denied")
            .await
            .iter()
            .any(|e| e.target == format!("cycle:{}", cycle))
    );

    // Each manager sees their own people's outcomes only.
    let a_view = app.get(&page, Some(&ma)).await;
    assert_eq!(a_view.status, StatusCode::OK, "{}", a_view.body);
    let a_row = row(&a_view.body, "by-manager-table", "manager a");
    assert!(a_row.contains("<td>1</td><td>+1.00</td>"), "{a_row}");
    assert!(!a_view.body.contains("manager b"), "{}", a_view.body);
    let b_view = app.get(&page, Some(&mbb)).await;
    assert_eq!(b_view.status, StatusCode::OK);
    assert!(!b_view.body.contains("manager a"));
    assert!(b_view.body.contains("manager b"));

    // The people team sees everyone, with the leniency rule on the page.
    let all = app.get(&page, Some(&pb)).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("manager a") && all.body.contains("manager b"));
    assert!(all.body.contains("id=\"leniency-rule\""));
    assert!(all.body.contains("95% confidence interval"));
    assert!(all.body.contains("class=\"calibration-chart\""), "a chart");
    assert!(
        all.body
            .contains("No outcome has been moved in calibration.")
    );
    let programming = row(&all.body, "by-skill-table", "Programming");
    // Buckets: 2+ below, 1 below, at, 1 above, 2+ above; then outcomes and mean.
    assert!(
        programming
            .contains("<td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td><td>+1.00</td>"),
        "{programming}"
    );
    let cycle_page = app.get(&format!("/cycles/{}", cycle), Some(&pb)).await;
    assert!(cycle_page.body.contains(&format!("href=\"{page}\"")));

    // The move form: a manager of another branch does not find it; the member may not move
    // their own; the people team may.
    let form = format!("/cycles/{}/calibration/assessments/{mine}", cycle);
    assert_eq!(
        app.get(&form, Some(&mbb)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&form, Some(&mb)).await.status,
        StatusCode::FORBIDDEN
    );
    let shown = app.get(&form, Some(&pb)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Programming"));

    // A reason is required: nothing moves without one.
    let no_reason = app
        .post_form(
            &form,
            &[
                ("skill", "programming"),
                ("level", "working"),
                ("reason", "  "),
            ],
            Some(&pb),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("id=\"reason-error\""));
    assert!(no_reason.body.contains("a reason is required"));
    let bad_level = app
        .post_form(
            &form,
            &[
                ("skill", "programming"),
                ("level", "wizard"),
                ("reason", "Peers"),
            ],
            Some(&pb),
        )
        .await;
    assert_eq!(bad_level.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_level.body.contains("id=\"level-error\""));
    assert!(
        app.store
            .calibration_changes(cycle, trellis_store::CalibrationScope::Everyone)
            .await
            .unwrap()
            .is_empty()
    );

    // With one, the outcome moves back to the required level.
    let reason = "Compared with the other engineers, the design work is at working level";
    let moved = app
        .post_form(
            &form,
            &[
                ("skill", "programming"),
                ("level", "working"),
                ("reason", reason),
            ],
            Some(&pb),
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let after = app.get(moved.header("location").unwrap(), Some(&pb)).await;
    assert!(after.body.contains("Outcome moved"));
    let moved_table = after
        .body
        .split("class=\"calibration-moved\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    for text in [
        "member a",
        "Programming",
        "Practitioner",
        "Working",
        "people team",
        reason,
    ] {
        assert!(moved_table.contains(text), "{text}: {moved_table}");
    }
    let programming = row(&after.body, "by-skill-table", "Programming");
    assert!(
        programming
            .contains("<td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td><td>+0.00</td>"),
        "{programming}"
    );
    // The agreed outcome is the moved one; before and after are kept.
    let latest = app.store.latest_ratings(&[ids.member_a]).await.unwrap();
    let agreed = latest
        .iter()
        .find(|r| r.rater_kind == RaterKind::Agreed && r.skill == "programming")
        .unwrap();
    assert_eq!(agreed.level.as_deref(), Some("working"));
    let changes = app
        .store
        .calibration_changes(cycle, trellis_store::CalibrationScope::Everyone)
        .await
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (
            changes[0].before_level.as_deref(),
            changes[0].after_level.as_str(),
            changes[0].changed_by,
            changes[0].reason.as_str()
        ),
        (Some("practitioner"), "working", ids.people_team, reason)
    );
    // Its manager sees the move; the other branch's does not.
    assert!(app.get(&page, Some(&ma)).await.body.contains(reason));
    assert!(!app.get(&page, Some(&mbb)).await.body.contains(reason));
    // Moving to the level it has is a conflict named at the level.
    let same = app
        .post_form(
            &form,
            &[
                ("skill", "programming"),
                ("level", "working"),
                ("reason", "Again"),
            ],
            Some(&pb),
        )
        .await;
    assert_eq!(same.status, StatusCode::CONFLICT);
    assert!(same.body.contains("id=\"level-error\""));

    // The session: a manager's own people by default; the people team chooses a team.
    let session = format!("/cycles/{}/calibration/session", cycle);
    let own = app.get(&session, Some(&ma)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        own.body
            .contains(&format!("id=\"person-{}\"", ids.member_a))
    );
    assert!(
        !own.body
            .contains(&format!("id=\"person-{}\"", ids.member_b))
    );
    let choose = app.get(&session, Some(&pb)).await;
    assert!(choose.body.contains("Choose the team"));
    let team_b = app
        .store
        .person(ids.member_b)
        .await
        .unwrap()
        .team_id
        .unwrap();
    let of_b = app
        .get(&format!("{session}?group=team:{team_b}"), Some(&pb))
        .await;
    assert_eq!(of_b.status, StatusCode::OK);
    let b_row = of_b
        .body
        .split(&format!("id=\"person-{}\"", ids.member_b))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(b_row.contains("Compare and agree"), "{b_row}");
    assert!(
        b_row.contains("Not ready") || b_row.contains("Ready"),
        "{b_row}"
    );
    let bogus = app.get(&format!("{session}?group=nobody"), Some(&pb)).await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bogus.body.contains("id=\"group-error\""));
    // A manager cannot hold another branch's session.
    let other = app
        .get(
            &format!("{session}?group=manager:{}", ids.manager_b),
            Some(&ma),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // Every read is audited.
    let reads = app.audit("calibration.read").await;
    assert!(reads.len() >= 6, "{}", reads.len());
    assert!(!app.audit("calibration.session").await.is_empty());
    assert_eq!(app.audit("calibration.change").await.len(), 1);
}

/// The demo's calibration has one manager whose outcomes sit clearly above the required levels,
/// with enough of them for the flag; the others are not flagged as lenient.
pub async fn the_demo_has_a_visibly_lenient_manager(app: App) {
    let report = trellis_app::demo::load(&app.store, crate::support::password_hash())
        .await
        .unwrap();
    assert_eq!(report.calibrations, 1, "{report:?}");
    let cycle = app
        .store
        .cycles()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Autumn review")
        .expect("the calibration cycle");
    let pb = app.browser(app.ids.people_team).await;
    let page = app
        .get(&format!("/cycles/{}/calibration", cycle.id), Some(&pb))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page
        .body
        .split("class=\"calibration-leniency\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    let rows: Vec<&str> = table.split("<tr").skip(2).collect();
    let daniel = rows
        .iter()
        .find(|r| r.contains("Daniel Cohen"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        daniel.contains("More lenient than the organisation"),
        "{daniel}"
    );
    let n: i64 = daniel
        .split("<td>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 20, "{n} outcomes behind the flag");
    let lenient = rows.iter().filter(|r| r.contains("More lenient")).count();
    assert_eq!(lenient, 1, "{table}");
}

crate::on_both_backends!(
    outcomes_are_calibrated_with_a_reason,
    the_demo_has_a_visibly_lenient_manager,
);
