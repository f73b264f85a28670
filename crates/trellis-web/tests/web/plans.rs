//! A development plan through the pages, on both databases: gaps turned into goals by their owner,
//! a manager's suggestion the owner is told of, problems next to their field, and a plan that
//! only the owner changes; and the plan through the API.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::App;

pub async fn a_plan_is_made_from_gaps_and_discussed(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let gb = app.browser(manager).await;
    let page = format!("/people/{member}/plan");

    let empty = app.get(&page, Some(&mb)).await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains("No goals yet: choose gaps above");
    let first_gap = empty
        .body
        .split("name=\"gaps\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a gap to choose")
        .to_owned();

    // Nothing chosen: said next to the list, what was typed kept.
    let none = app
        .post_form(&format!("{page}/goals"), &[("why", "Growing")], Some(&mb))
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("id=\"gaps-error\""));
    assert!(none.body.contains(">Growing</textarea>"));

    let made = app
        .post_form(
            &format!("{page}/goals"),
            &[("gaps", &first_gap), ("due_on", "2027-06-30")],
            Some(&mb),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let plan = app.get(&page, Some(&mb)).await;
    plan.assert_contains("class=\"goal goal-open\"");
    assert!(plan.body.contains("by 2027-06-30"));
    let goal: String = plan
        .body
        .split("id=\"goal-")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    // The manager's home page says how the plan goes, with the report's other states.
    let home = app.get("/", Some(&gb)).await;
    home.assert_contains(">0 of 1 goals met</a>");
    assert!(home.body.contains("How each of your reports is doing"));
    // The manager reads it without the owner's forms, and suggests.
    let theirs = app.get(&page, Some(&gb)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("Make these goals"));
    assert!(!theirs.body.contains("Add the step"));
    assert!(theirs.body.contains("Comment or suggest"));
    let suggested = app
        .post_form(
            &format!("{page}/goals/{goal}/comments"),
            &[
                ("comment", "Pair with Pat on the next design review"),
                ("kind", "suggestion"),
            ],
            Some(&gb),
        )
        .await;
    assert_eq!(suggested.status, StatusCode::SEE_OTHER);
    let refused = app
        .post_form(
            &format!("{page}/goals/{goal}/actions"),
            &[("kind", "course"), ("action", "A course")],
            Some(&gb),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The owner is told, on the home page too; reads the suggestion and adds a step; a bad one
    // is refused in place.
    let home = app.get("/", Some(&mb)).await;
    home.assert_contains("Since you last looked");
    assert!(home.body.contains("left a suggestion on your goal"));
    let inbox = app.get("/notifications", Some(&mb)).await;
    inbox.assert_contains("left a suggestion on your goal");
    let plan = app.get(&page, Some(&mb)).await;
    assert!(
        plan.body
            .contains("Suggestion:</strong> <span class=\"entry-body\">Pair with Pat")
    );
    let bad = app
        .post_form(
            &format!("{page}/goals/{goal}/actions"),
            &[("kind", "holiday"), ("action", ""), ("due_on", "soon")],
            Some(&mb),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["kind", "action", "due"] {
        assert!(
            bad.body.contains(&format!("href=\"#{field}-{goal}\"")),
            "{field}: {}",
            bad.body
        );
    }
    let step = app
        .post_form(
            &format!("{page}/goals/{goal}/actions"),
            &[
                ("kind", "shadowing"),
                ("action", "Shadow a review"),
                ("due_on", "2027-01-15"),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(step.status, StatusCode::SEE_OTHER);
    let closed = app
        .post_form(&format!("{page}/goals/{goal}/close"), &[], Some(&mb))
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form(&format!("{page}/goals/{goal}/close"), &[], Some(&mb))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let plan = app.get(&page, Some(&mb)).await;
    assert!(plan.body.contains("class=\"goal goal-closed\""));
    assert!(plan.body.contains("Shadow a review"));
}

/// The API gives the plan as the page does and takes comments by the same rules: the person's
/// are progress, a manager's a comment or suggestion; others learn nothing of it.
pub async fn the_api_reads_the_plan_and_takes_comments(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let (mt, gt) = (app.token(member).await, app.token(manager).await);
    let path = format!("/api/v1/people/{member}/plan");
    let plan = app.api_get(&path, &mt).await.json();
    assert_eq!(plan["goals"], json!([]));
    let gap = &plan["gaps"][0];
    let key = format!(
        "{}:{}",
        gap["role_level"].as_str().unwrap(),
        gap["skill"].as_str().unwrap()
    );
    let mb = app.browser(member).await;
    let made = app
        .post_form(
            &format!("/people/{member}/plan/goals"),
            &[("gaps", &key)],
            Some(&mb),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let plan = app.api_get(&path, &gt).await.json();
    assert_eq!(plan["goals"][0]["skill"], gap["skill"], "{plan}");
    let goal = plan["goals"][0]["id"].as_i64().unwrap();
    let comments = format!("{path}/goals/{goal}/comments");

    for (token, kind, said) in [
        (&gt, "suggestion", "suggestion"),
        (&mt, "suggestion", "progress"),
    ] {
        let res = app
            .api(
                Method::POST,
                &comments,
                Some(token),
                Some(json!({ "comment": "Try the incident rota", "kind": kind })),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["kind"], said);
    }
    let blank = app
        .api(
            Method::POST,
            &comments,
            Some(&gt),
            Some(json!({ "comment": "  " })),
        )
        .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.body
    );
    assert_eq!(blank.json()["field"], "comment");
    let plan = app.api_get(&path, &mt).await.json();
    assert_eq!(plan["goals"][0]["comments"].as_array().unwrap().len(), 2);

    let other = app.token(app.ids.member_b).await;
    let res = app.api_get(&path, &other).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

/// A new role level is assigned; the page offers the plan from its first-year goals, which become
/// milestones the person sees and marks done.
pub async fn a_new_role_level_starts_the_plan_from_its_first_year_goals(app: App) {
    let member = app.ids.member_a;
    let hr = app.browser(app.ids.people_team).await;
    let mb = app.browser(member).await;
    let page = format!("/people/{member}/assignment");
    let revision = app
        .get(&page, Some(&hr))
        .await
        .input_value("revision")
        .unwrap();
    let level = "engineering/senior-software-engineer";
    let saved = app
        .post_form(
            &page,
            &[
                ("role_level", level),
                ("manager", "manager.a@test.example"),
                ("revision", &revision),
            ],
            Some(&hr),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let offered = app.get(&format!("{page}?saved=1"), Some(&hr)).await;
    offered.assert_contains("Start the plan from the first-year goals");
    assert!(offered.body.contains(&format!("value=\"{level}\"")));

    // Another role level than the person's is refused next to its field.
    let start = format!("/people/{member}/plan/onboarding");
    let wrong = app
        .post_form(
            &start,
            &[("role_level", "product/product-manager")],
            Some(&hr),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("the role level the person holds now"));
    let started = app
        .post_form(&start, &[("role_level", level)], Some(&hr))
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let again = app
        .post_form(&start, &[("role_level", level)], Some(&mb))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let after = app.get(&format!("{page}?saved=1"), Some(&hr)).await;
    assert!(
        !after
            .body
            .contains("Start the plan from the first-year goals")
    );

    // The person sees the milestones, due from today, and marks one done.
    let plan = app.get(&format!("/people/{member}/plan"), Some(&mb)).await;
    plan.assert_contains("First-year milestones");
    assert!(plan.body.contains("First 30 days"));
    let milestone: String = plan
        .body
        .split("id=\"milestone-")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let done_path = format!("/people/{member}/plan/milestones/{milestone}/done");
    let by_manager = app.browser(app.ids.manager_a).await;
    assert_eq!(
        app.post_form(&done_path, &[], Some(&by_manager))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let done = app.post_form(&done_path, &[], Some(&mb)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let plan = app.get(&format!("/people/{member}/plan"), Some(&mb)).await;
    assert!(plan.body.contains("Milestone marked done") || plan.body.contains(">Done</span>"));
    let row = plan
        .body
        .split(&format!("id=\"milestone-{milestone}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains(">Done</span>"), "{row}");
}

crate::on_both_backends!(
    a_new_role_level_starts_the_plan_from_its_first_year_goals,
    a_plan_is_made_from_gaps_and_discussed,
    the_api_reads_the_plan_and_takes_comments
);
