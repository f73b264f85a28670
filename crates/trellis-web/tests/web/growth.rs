//! Growth conversations end to end: assessments through their stages, peer input, evidence,
//! readiness, the person and team pages, the CSV export, and the audit log of every read and write.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use trellis_store::{
    Audit, BulkAssessment, NewAssessment, NewFrameworkVersion, NewRating, PersonId, PersonUpdate,
    RaterKind, Stage,
};

use crate::support::{App, Browser, Resp, agree_in_store, below, current_framework};
use trellis_store::prelude::*;

const NEXT: &str = "engineering/senior-software-engineer";

/// The value of the hidden input `name` in a page.
fn hidden(res: &Resp, name: &str) -> String {
    res.input_value(name)
        .unwrap_or_else(|| panic!("no input {name} in:\n{}", res.body))
}

/// The id at the end of a `Location` header.
fn location_id(res: &Resp) -> i64 {
    let loc = res
        .header("location")
        .unwrap_or_else(|| panic!("no location ({}): {}", res.status, res.body));
    loc.split(['/', '?', '#'])
        .filter_map(|s| s.parse().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no id in {loc}"))
}

/// (skill, required level) of each requirement of a role level, from the readiness API.
async fn requirements(
    app: &App,
    token: &str,
    person: PersonId,
    role_level: &str,
) -> Vec<(String, String)> {
    let r = app
        .api_get(
            &format!("/api/v1/people/{person}/readiness?role_level={role_level}"),
            token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["skill"].as_str().unwrap().to_owned(),
                q["required"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A rating form rating every requirement at `level_for(skill, required)`.
fn rating_form(
    reqs: &[(String, String)],
    revision: &str,
    version: &str,
    level_for: impl Fn(&str, &str) -> String,
) -> Vec<(String, String)> {
    let mut f = vec![
        ("revision".to_owned(), revision.to_owned()),
        ("framework_version".to_owned(), version.to_owned()),
    ];
    for (skill, required) in reqs {
        f.push((format!("level.{skill}"), level_for(skill, required)));
        f.push((format!("reason.{skill}"), String::new()));
        f.push((format!("comment.{skill}"), format!("about {skill}")));
    }
    f
}

async fn post(app: &App, path: &str, fields: &[(String, String)], b: &Browser) -> Resp {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_form(path, &f, Some(b)).await
}

/// Starts an assessment from the person page, as a browser does.
async fn start(app: &App, b: &Browser, person: PersonId, role_level: &str) -> i64 {
    location_id(&app.start_assessment(b, person, role_level).await)
}

async fn readiness(app: &App, token: &str, person: PersonId, role_level: &str) -> Value {
    app.api_json(
        &format!("/api/v1/people/{person}/readiness?role_level={role_level}"),
        token,
    )
    .await
}

/// The member assesses themselves against the next level, the manager rates, they agree, and the
/// readiness for the next level changes for both of them.
pub async fn self_manager_agreed_flow(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let gb = app.browser(manager).await;
    let member_token = app.token(member).await;
    let manager_token = app.token(manager).await;
    let reqs = requirements(&app, &member_token, member, NEXT).await;
    assert!(reqs.len() >= 5);

    let before = readiness(&app, &member_token, member, NEXT).await;
    assert_eq!(before["policy"], "all-required");
    assert_eq!(before["ready"], false);
    assert_eq!(before["score"], 0.0);
    assert!(
        before["policy_description"]
            .as_str()
            .unwrap()
            .contains("critical")
    );
    let req0 = &before["requirements"][0];
    for key in [
        "skill",
        "required",
        "self",
        "manager",
        "agreed",
        "status",
        "evidence_count",
        "explanation",
    ] {
        assert!(req0.get(key).is_some(), "readiness requirement has {key}");
    }

    // Member: start against the next level and rate themselves.
    let id = start(&app, &mb, member, NEXT).await;
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"submit-self\""));
    assert!(page.body.contains("data-stage=\"self\""));
    let (rev, version) = (
        hidden(&page, "revision"),
        hidden(&page, "framework_version"),
    );
    // The manager waits, and cannot see a form yet.
    let waiting = app.get(&format!("/assessments/{id}"), Some(&gb)).await;
    assert!(waiting.body.contains("Waiting for"));
    assert!(!waiting.body.contains("id=\"submit-manager\""));

    let form = rating_form(&reqs, &rev, &version, |_, required| required.to_owned());
    let res = post(&app, &format!("/assessments/{id}/self"), &form, &mb).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a = app.store.assessment(id).await.unwrap();
    assert_eq!(a.stage, Stage::Manager);
    assert_eq!(a.self_submitted_by, Some(member));

    // Readiness counts the self rating, but a self rating alone never meets a requirement.
    let mid = readiness(&app, &member_token, member, NEXT).await;
    assert_eq!(mid["ready"], false);
    assert_eq!(mid["requirements"][0]["self"], json!(reqs[0].1));
    assert!(
        mid["requirements"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("not yet rated by a manager")
    );

    // Manager: sees the self ratings with each skill, rates one level lower on the first skill.
    let page = app.get(&format!("/assessments/{id}"), Some(&gb)).await;
    page.assert_contains("id=\"submit-manager\"");
    assert!(page.body.contains("Self: "));
    let rev = hidden(&page, "revision");
    let first = reqs[0].0.clone();
    let form = rating_form(&reqs, &rev, &version, |skill, required| {
        if skill == first {
            below(required)
        } else {
            required.to_owned()
        }
    });
    let res = post(&app, &format!("/assessments/{id}/manager"), &form, &gb).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.store.assessment(id).await.unwrap().stage,
        Stage::Compare
    );

    // Both see self and manager side by side.
    let compare = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    compare.assert_contains("Self and manager side by side");
    assert!(compare.body.contains("Manager 1 level lower") || reqs[0].1 == below(&reqs[0].1));
    assert!(compare.body.contains("Self-assessment submitted by"));
    assert!(compare.body.contains("Manager ratings submitted by"));
    assert!(
        !compare.body.contains("id=\"submit-agreed\""),
        "the person does not record the outcome"
    );
    let page = app.get(&format!("/assessments/{id}"), Some(&gb)).await;
    assert!(page.body.contains("id=\"submit-agreed\""));
    let rev = hidden(&page, "revision");
    let after_manager = readiness(&app, &manager_token, member, NEXT).await;

    // They agree every requirement at the required level: ready for the next level.
    let form = rating_form(&reqs, &rev, &version, |_, required| required.to_owned());
    let res = post(&app, &format!("/assessments/{id}/agreed"), &form, &gb).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a = app.store.assessment(id).await.unwrap();
    assert_eq!(a.stage, Stage::Agreed);
    assert_eq!(a.agreed_by, Some(manager));

    let after = readiness(&app, &member_token, member, NEXT).await;
    assert_eq!(after["ready"], true, "{after:#}");
    assert_eq!(after["score"], 1.0);
    assert_ne!(after, after_manager);
    assert_eq!(after["requirements"][0]["agreed"], json!(reqs[0].1));
    assert_eq!(after["requirements"][0]["status"], "met");
    let seen_by_manager = readiness(&app, &manager_token, member, NEXT).await;
    assert_eq!(seen_by_manager["ready"], true);

    // The person page shows it too: readiness for the next level, history of each skill.
    let person = app.get(&format!("/people/{member}"), Some(&mb)).await;
    assert!(person.body.contains("id=\"readiness-next\""));
    assert!(person.body.contains(&format!("id=\"history-{first}\"")));
    let closed = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(closed.body.contains("Outcome agreed and recorded by"));
}

/// Every bad input gets its 4xx with a clear message, and nothing is written.
pub async fn bad_input_is_refused_and_nothing_saved(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let member_token = app.token(member).await;
    let other_manager = app.token(app.ids.manager_b).await;
    let reqs = requirements(&app, &member_token, member, NEXT).await;
    let id = start(&app, &mb, member, NEXT).await;
    let a0 = app.store.assessment(id).await.unwrap();
    let ratings = |skill: &str, level: Value| {
        let mut all: Vec<Value> = reqs
            .iter()
            .map(|(s, l)| json!({ "skill": s, "level": l }))
            .collect();
        all.push(json!({ "skill": skill, "level": level }));
        all
    };
    let rate = |body: Value, token: String| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/assessments/{id}/ratings"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    // The member's self-rating of `ratings` refused as unprocessable, its detail saying `why`:
    // the problem.
    let refused_saying = |ratings: Vec<Value>, why: &'static str| {
        let body = json!({ "kind": "self", "revision": a0.revision, "ratings": ratings });
        let res = rate(body, member_token.clone());
        async move {
            let res = res.await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
            let problem = res.json();
            assert!(
                problem["detail"].as_str().unwrap().contains(why),
                "{problem}"
            );
            problem
        }
    };
    let unchanged = || async {
        let a = app.store.assessment(id).await.unwrap();
        assert_eq!(a.revision, a0.revision, "nothing was saved");
        assert_eq!(a.stage, Stage::SelfRating);
        assert!(app.store.ratings(id).await.unwrap().is_empty());
    };

    // A skill that is not a requirement of the role level.
    refused_saying(
        ratings("salary-negotiation", json!("1")),
        "salary-negotiation",
    )
    .await;
    unchanged().await;
    let not_required = current_framework(&app)
        .await
        .skills
        .iter()
        .map(|s| s.id.clone())
        .find(|s| !reqs.iter().any(|(r, _)| r == s))
        .expect("a skill the level does not require");
    refused_saying(ratings(&not_required, json!("1")), "not a requirement").await;
    unchanged().await;

    // A level not on the skill's scale.
    let mut bad: Vec<Value> = reqs
        .iter()
        .map(|(s, l)| json!({ "skill": s, "level": l }))
        .collect();
    bad[0]["level"] = json!("grandmaster");
    let problem = refused_saying(bad, "not a level of").await;
    assert_eq!(
        problem["field"],
        json!(format!("ratings.{}.level", reqs[0].0))
    );
    unchanged().await;

    // "Not applicable" without a reason, and a missing rating.
    let mut bad: Vec<Value> = reqs
        .iter()
        .map(|(s, l)| json!({ "skill": s, "level": l }))
        .collect();
    bad[1] = json!({ "skill": reqs[1].0, "level": "n/a" });
    bad.pop();
    refused_saying(bad, "does not apply").await;
    unchanged().await;

    // The same on the page: 422, the problems next to the fields, what was typed kept.
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    let (rev, version) = (
        hidden(&page, "revision"),
        hidden(&page, "framework_version"),
    );
    let mut form = rating_form(&reqs, &rev, &version, |_, r| r.to_owned());
    form[2].1 = "grandmaster".into();
    let res = post(&app, &format!("/assessments/{id}/self"), &form, &mb).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(
        res.body
            .contains(&format!("id=\"level-{}-error\"", reqs[0].0))
    );
    assert!(res.body.contains("aria-invalid=\"true\""));
    assert!(
        res.body.contains(&format!("about {}", reqs[1].0)),
        "typed comments are kept"
    );
    unchanged().await;

    // A stale framework version: the page was for another version.
    let form = rating_form(&reqs, &rev, "999999", |_, r| r.to_owned());
    let res = post(&app, &format!("/assessments/{id}/self"), &form, &mb).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("framework version"));
    unchanged().await;
    // A new version is published while the start form is open.
    let old_version = version.clone();
    let mut fw = current_framework(&app).await;
    fw.version = "1.0.1".into();
    app.store
        .publish_framework(
            NewFrameworkVersion {
                framework_id: fw.id.clone(),
                version: fw.version.clone(),
                name: fw.name.clone(),
                content: serde_json::to_value(&fw).unwrap(),
            },
            &Audit::default(),
        )
        .await
        .unwrap();
    let before = app.store.assessments_of(member).await.unwrap().len();
    let res = app
        .post_form(
            &format!("/people/{member}/assessments"),
            &[
                ("role_level", "engineering/staff-engineer"),
                ("framework_version", &old_version),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("framework has changed"));
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/assessments"),
            Some(&member_token),
            Some(json!({ "role_level": "engineering/staff-engineer", "framework_version_id": old_version.parse::<i64>().unwrap() })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    // An unknown role level.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/assessments"),
            Some(&member_token),
            Some(json!({ "role_level": "engineering/wizard" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["field"], "role_level");
    assert_eq!(
        app.store.assessments_of(member).await.unwrap().len(),
        before
    );
    // The assessment in progress keeps its version and can still be completed.
    assert_eq!(
        app.store.assessment(id).await.unwrap().framework_version_id,
        a0.framework_version_id
    );

    // Someone who may not assess: another team's manager, and the member as "manager".
    let good: Vec<Value> = reqs
        .iter()
        .map(|(s, l)| json!({ "skill": s, "level": l }))
        .collect();
    let res = rate(
        json!({ "kind": "manager", "revision": a0.revision, "ratings": good.clone() }),
        other_manager,
    )
    .await;
    // Another team's manager may not see the assessment at all: as if there were none.
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = rate(
        json!({ "kind": "manager", "revision": a0.revision, "ratings": good.clone() }),
        member_token.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.json()["detail"].as_str().unwrap().contains("manager"));
    // The manager cannot rate before the self-assessment is in.
    let manager_token = app.token(manager).await;
    let res = rate(
        json!({ "kind": "manager", "revision": a0.revision, "ratings": good.clone() }),
        manager_token,
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("self-assessment")
    );
    unchanged().await;

    // A concurrent edit: the API saves first, the page's form is now stale.
    let res = rate(
        json!({ "kind": "self", "revision": a0.revision, "ratings": good.clone() }),
        member_token.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let saved = app.store.ratings(id).await.unwrap().len();
    let form = rating_form(&reqs, &rev, &old_version, |_, r| below(r));
    let res = post(&app, &format!("/assessments/{id}/self"), &form, &mb).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    res.assert_contains("Someone else changed this assessment");
    assert!(res.body.contains("id=\"conflict\""));
    let res = rate(
        json!({ "kind": "self", "revision": a0.revision, "ratings": good }),
        member_token,
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let problem = res.json();
    assert!(
        problem["detail"].as_str().unwrap().contains("reload")
            || problem["detail"].as_str().unwrap().contains("Reload")
    );
    assert_eq!(problem["field"], "revision");
    assert_eq!(
        app.store.ratings(id).await.unwrap().len(),
        saved,
        "the stale edit wrote nothing"
    );

    // Evidence: a bad date, a link that is not a web address, an unknown skill.
    let res = app
        .post_form(
            &format!("/people/{member}/evidence"),
            &[
                ("happened_on", "2026-02-30"),
                ("title", "Ran the retro"),
                ("links", "javascript:alert(1)"),
                ("skills", "no-such-skill"),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"happened_on-error\""));
    assert!(res.body.contains("id=\"links-error\""));
    assert!(res.body.contains("id=\"skills-error\""));
    assert!(app.store.evidence_of(member).await.unwrap().is_empty());
}

/// Members never see another member's records; peers see only their request and what they wrote,
/// and the person sees peer input once it is submitted.
pub async fn access_rules(app: App) {
    let (member, other, manager) = (app.ids.member_a, app.ids.member_b, app.ids.manager_a);
    let mb = app.browser(member).await;
    let ob = app.browser(other).await;
    let other_token = app.token(other).await;
    let id = start(&app, &mb, member, NEXT).await;
    let res = app
        .post_form(
            &format!("/people/{member}/evidence"),
            &[
                ("happened_on", "2026-01-10"),
                ("title", "Fixed the flaky build"),
                ("skills", "testing"),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Another member: nothing of member A's, not even that these ids exist.
    for path in [
        format!("/people/{member}"),
        format!("/people/{member}/evidence"),
        format!("/assessments/{id}"),
    ] {
        assert_eq!(
            app.get(&path, Some(&ob)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in [
        format!("/api/v1/people/{member}/readiness"),
        format!("/api/v1/people/{member}/evidence"),
        format!("/api/v1/people/{member}/assessments"),
        format!("/api/v1/assessments/{id}"),
    ] {
        let r = app.api_get(&path, &other_token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("Fixed the flaky build"));
    }
    let csv = app
        .get(&format!("/team.csv?manager_id={manager}"), Some(&ob))
        .await;
    assert_eq!(csv.status, StatusCode::NOT_FOUND);

    // Two peers are asked about different skills.
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(page.body.contains("id=\"request-peer\""));
    let peer2 = app.ids.manager_b;
    for (peer, skill) in [
        ("member.b@test.example", "communication"),
        ("manager.b@test.example", "collaboration"),
    ] {
        let res = app
            .post_form(
                &format!("/assessments/{id}/peer-requests"),
                &[("peer", peer), ("skills", skill)],
                Some(&mb),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    // A peer for a skill the role level does not require is refused.
    let res = app
        .post_form(
            &format!("/assessments/{id}/peer-requests"),
            &[
                ("peer", "member.b@test.example"),
                ("skills", "salary-negotiation"),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let requests = app.store.peer_requests_of_assessment(id).await.unwrap();
    assert_eq!(requests.len(), 2);
    let (r1, r2) = (
        requests.iter().find(|r| r.peer_id == other).unwrap().id,
        requests.iter().find(|r| r.peer_id == peer2).unwrap().id,
    );

    // The peer sees their request, not the assessment, and not the other peer's request.
    let inbox = app.get("/peer-requests", Some(&ob)).await;
    assert!(inbox.body.contains(&format!("/peer-requests/{r1}")));
    assert!(!inbox.body.contains(&format!("/peer-requests/{r2}")));
    assert_eq!(
        app.get(&format!("/peer-requests/{r2}"), Some(&ob))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "another peer's request is as if there were none"
    );
    let req_page = app.get(&format!("/peer-requests/{r1}"), Some(&ob)).await;
    assert_eq!(req_page.status, StatusCode::OK);
    assert!(req_page.body.contains("id=\"level-communication\""));
    assert!(!req_page.body.contains("id=\"level-collaboration\""));

    // Before they answer, the person sees the request waiting and no input.
    let before = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(before.body.contains("Waiting for an answer"));
    assert!(!before.body.contains("Talks clearly to the whole team"));

    // Both answer; a peer cannot answer a skill they were not asked about.
    let res = app
        .post_form(
            &format!("/peer-requests/{r1}"),
            &[
                ("level.communication", "2"),
                ("comment.communication", "Talks clearly to the whole team"),
                ("level.collaboration", "3"),
            ],
            Some(&ob),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .post_form(
            &format!("/peer-requests/{r1}"),
            &[
                ("level.communication", "2"),
                ("comment.communication", "Talks clearly to the whole team"),
            ],
            Some(&ob),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let p2 = app.token(peer2).await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/peer-requests/{r2}"),
            Some(&p2),
            Some(json!({ "ratings": [{ "skill": "collaboration", "level": 3, "comment": "Brings teams together" }] })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let again = app
        .api(
            Method::POST,
            &format!("/api/v1/peer-requests/{r2}"),
            Some(&p2),
            Some(json!({ "ratings": [{ "skill": "collaboration", "level": 3 }] })),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Each peer sees only what they wrote.
    let mine = app.get(&format!("/peer-requests/{r1}"), Some(&ob)).await;
    assert!(mine.body.contains("Talks clearly to the whole team"));
    assert!(!mine.body.contains("Brings teams together"));
    // The person sees both once submitted.
    let after = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(after.body.contains("Talks clearly to the whole team"));
    assert!(after.body.contains("Brings teams together"));
    // The API of the assessment is closed to the peer: to them it is as if there were none.
    let r = app
        .api_get(&format!("/api/v1/assessments/{id}"), &other_token)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The manager sees the member's records; the people team too.
    let gb = app.browser(manager).await;
    assert_eq!(
        app.get(&format!("/assessments/{id}"), Some(&gb))
            .await
            .status,
        StatusCode::OK
    );
    let pt = app.browser(app.ids.people_team).await;
    let page = app.get(&format!("/people/{member}"), Some(&pt)).await;
    assert!(page.body.contains("Fixed the flaky build"));
}

/// The person page: radar chart with its table, evidence next to the requirements it supports.
pub async fn person_page_chart_and_evidence(app: App) {
    let member = app.ids.member_a;
    let mb = app.browser(member).await;
    let token = app.token(member).await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/evidence"),
            Some(&token),
            Some(json!({
                "happened_on": "2026-03-01",
                "title": "Wrote the payments test suite",
                "links": ["https://git.example.com/pr/42"],
                "skills": ["testing", "programming"],
                "corroborators": ["Ada Lovelace"],
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let page = app.get(&format!("/people/{member}"), Some(&mb)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let svg = body
        .find("<svg class=\"radar\" role=\"img\"")
        .expect("radar chart");
    assert!(body.contains("<title id=\"radar-current-title\">"));
    assert!(body.contains("<desc id=\"radar-current-desc\">"));
    let table = body.find("id=\"radar-table\"").expect("table alternative");
    assert!(table > svg, "the table follows the chart");
    assert!(body.contains("id=\"readiness-current\""));
    assert!(body.contains("id=\"req-testing\""));
    assert!(body.contains("id=\"start-current\"") && body.contains("id=\"start-next\""));
    // Evidence in the log and next to both requirements it supports.
    assert!(body.contains("Wrote the payments test suite"));
    assert!(body.contains("Ada Lovelace"));
    let row = &body[body.find("id=\"req-testing\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Wrote the payments test suite"), "{row}");
    let readiness = readiness(&app, &token, member, "engineering/software-engineer").await;
    let testing = readiness["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["skill"] == "testing")
        .unwrap()
        .clone();
    assert_eq!(testing["evidence_count"], 1);
    // The readiness API defaults to the person's role level and refuses unknown ones with 404.
    let r = app
        .api_get(&format!("/api/v1/people/{member}/readiness"), &token)
        .await;
    assert_eq!(r.json()["role_level"], "engineering/software-engineer");
    let r = app
        .api_get(
            &format!("/api/v1/people/{member}/readiness?role_level=engineering/wizard"),
            &token,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));

    // A peer rating loaded in bulk (no peer request behind it) still names its rater.
    let version = app.store.current_framework().await.unwrap().unwrap().id;
    let rating = NewRating {
        skill: "testing".into(),
        level: Some("expert".into()),
        not_applicable: None,
        comment: Some("Reviewed every suite with me".into()),
    };
    let loaded = app
        .store
        .bulk_create_assessments(
            vec![BulkAssessment {
                assessment: NewAssessment {
                    person_id: member,
                    role_level: "engineering/software-engineer".into(),
                    framework_version_id: version,
                    cycle: "2025-H1".into(),
                },
                stage: Stage::Agreed,
                created_by: member,
                created_at: 1_000,
                ratings: vec![(RaterKind::Peer, app.ids.member_b, rating, 2_000)],
            }],
            &Audit::default(),
        )
        .await
        .unwrap();
    assert_eq!(loaded, 1);
    // The peer's name is escaped like any other text of the page.
    app.store
        .update_person(
            app.ids.member_b,
            PersonUpdate {
                name: Some("member b <i>&</i>".into()),
                ..Default::default()
            },
            &Audit::default(),
        )
        .await
        .unwrap();
    let page = app.get(&format!("/people/{member}"), Some(&mb)).await;
    assert_eq!(page.status, StatusCode::OK);
    let history = &page.body[page.body.find("id=\"history-testing\"").expect("history")..];
    let history = &history[..history.find("</table>").unwrap()];
    assert!(
        history.contains("Peer (member b &lt;i&gt;&amp;&lt;/i&gt;)"),
        "{history}"
    );
    assert!(
        history.contains("Reviewed every suite with me"),
        "{history}"
    );
}

/// The team page and its CSV export, with spreadsheet formulas neutralised.
pub async fn team_page_and_csv(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let gb = app.browser(manager).await;
    app.store
        .update_person(
            member,
            PersonUpdate {
                name: Some("=HYPERLINK(\"http://evil.example\",\"x\")".into()),
                ..PersonUpdate::default()
            },
            &Audit::default(),
        )
        .await
        .unwrap();
    // The member's manager rates them: self first, then manager.
    let mt = app.token(member).await;
    let gt = app.token(manager).await;
    let reqs = requirements(&app, &mt, member, "engineering/software-engineer").await;
    let a = app
        .api(
            Method::POST,
            &format!("/api/v1/people/{member}/assessments"),
            Some(&mt),
            Some(json!({ "role_level": "engineering/software-engineer" })),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let a = a.json();
    let id = a["id"].as_i64().unwrap();
    let all: Vec<Value> = reqs
        .iter()
        .map(|(s, l)| json!({ "skill": s, "level": l }))
        .collect();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/assessments/{id}/ratings"),
            Some(&mt),
            Some(json!({ "kind": "self", "revision": a["revision"], "ratings": all })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut lower: Vec<Value> = reqs
        .iter()
        .map(|(s, l)| json!({ "skill": s, "level": l }))
        .collect();
    lower[0]["level"] = json!(below(&reqs[0].1));
    lower[1] = json!({ "skill": reqs[1].0, "not_applicable": "No on-call rota in this team" });
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/assessments/{id}/ratings"),
            Some(&gt),
            Some(json!({ "kind": "manager", "revision": r.json()["revision"], "ratings": lower })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let page = app.get("/team", Some(&gb)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"skills-matrix\""));
    assert!(
        page.body
            .contains(&format!("href=\"/people/{member}#req-{}\"", reqs[0].0))
    );
    if reqs[0].1 != below(&reqs[0].1) {
        assert!(
            page.body.contains("▼ 1"),
            "a gap is said in text, not colour alone"
        );
        assert!(page.body.contains("level below the required"));
    }
    assert!(page.body.contains("n/a"));
    assert!(page.body.contains("✓ 0"));
    assert!(page.body.contains("id=\"gaps\""));
    assert!(page.body.contains("id=\"key-person-risk\""));
    // A member has no team; the people team sees any manager's.
    let mb = app.browser(member).await;
    assert!(
        app.get("/team", Some(&mb))
            .await
            .body
            .contains("No one reports to you")
    );
    let pt = app.browser(app.ids.people_team).await;
    let theirs = app.get(&format!("/team/{manager}"), Some(&pt)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("skills-matrix"));

    let csv = app.get("/team.csv", Some(&gb)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    assert!(
        csv.body
            .starts_with("person_id,name,email,role_level,skill")
    );
    csv.assert_contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
    assert!(!csv.body.contains(",=HYPERLINK"));
    assert!(csv.body.contains(",not-applicable,"));
    let people_team_csv = app
        .get(&format!("/team.csv?manager_id={manager}"), Some(&pt))
        .await;
    assert_eq!(people_team_csv.body, csv.body);
}

/// Reads and writes of assessments and evidence are in the audit log, reads once the queue is
/// flushed.
pub async fn reads_and_writes_are_audited(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let mb = app.browser(member).await;
    let gb = app.browser(manager).await;
    let token = app.token(member).await;
    let id = start(&app, &mb, member, NEXT).await;
    let res = app
        .post_form(
            &format!("/people/{member}/evidence"),
            &[
                ("happened_on", "2026-01-10"),
                ("title", "Paired on the parser"),
                ("skills", "programming"),
            ],
            Some(&mb),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &format!("/assessments/{id}/peer-requests"),
            &[("peer", "member.b@test.example"), ("skills", "programming")],
            Some(&mb),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reqs = requirements(&app, &token, member, NEXT).await;
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    let form = rating_form(
        &reqs,
        &hidden(&page, "revision"),
        &hidden(&page, "framework_version"),
        |_, r| r.to_owned(),
    );
    assert_eq!(
        post(&app, &format!("/assessments/{id}/self"), &form, &mb)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // A refused change is recorded as a failure.
    assert_eq!(
        post(&app, &format!("/assessments/{id}/self"), &form, &mb)
            .await
            .status,
        StatusCode::CONFLICT
    );

    // Reads: person page, assessment page, readiness API, team page and export.
    app.get(&format!("/people/{member}"), Some(&gb)).await;
    app.get(&format!("/assessments/{id}"), Some(&gb)).await;
    app.api_get(&format!("/api/v1/people/{member}/readiness"), &token)
        .await;
    app.get("/team", Some(&gb)).await;
    app.get("/team.csv", Some(&gb)).await;

    for (action, actor) in [
        ("assessment.create", member),
        ("assessment.rate", member),
        ("assessment.stage", member),
        ("evidence.create", member),
        ("peer.request", member),
        ("assessment.read", manager),
        ("evidence.read", manager),
        ("readiness.read", member),
        ("team.read", manager),
        ("team.export", manager),
    ] {
        let events = app.audit(action).await;
        assert!(
            events
                .iter()
                .any(|e| e.actor_id == Some(actor) && e.action == action),
            "{action} by {actor} is audited: {events:?}"
        );
    }
    let reads = app.audit("assessment.read").await;
    assert!(reads.iter().any(|e| e.target == format!("assessment:{id}")));
    assert!(reads.iter().any(|e| e.target == format!("person:{member}")));
    let team = app.audit("team.read").await;
    assert!(
        team[0].details["people"]
            .as_array()
            .unwrap()
            .contains(&json!(member))
    );
    let failures = app.audit("assessment.rate").await;
    assert!(
        failures
            .iter()
            .any(|e| e.outcome == trellis_store::Outcome::Failure)
    );
}

/// The demo organisation has growth records at every stage, so every page has content.
pub async fn demo_has_growth_content(app: App) {
    let hash = crate::support::password_hash();
    let first = trellis_app::demo::load(&app.store, hash).await.unwrap();
    assert!(first.assessments > 60, "{first:?}");
    assert!(first.evidence > 20 && first.peer_requests > 3, "{first:?}");
    assert!(first.check_ins > 20, "{first:?}");
    assert!(first.goals > 20, "{first:?}");
    assert_eq!(first.cycles, 2, "{first:?}");
    let again = trellis_app::demo::load(&app.store, hash).await.unwrap();
    assert_eq!(again.assessments, 0, "loaded once");
    assert_eq!(again.check_ins, 0, "loaded once");
    assert_eq!(again.cycles, 0, "loaded once");
    assert_eq!(first.candidates, 3, "{first:?}");
    assert_eq!(again.candidates, 0, "loaded once");
    assert_eq!(app.store.openings().await.unwrap().len(), 1);
    // A closed cycle, shared; an open one with self-assessments overdue.
    let cycles = app.store.cycles().await.unwrap();
    let closed = cycles
        .iter()
        .find(|c| c.status == trellis_store::CycleStatus::Closed)
        .expect("a closed cycle");
    assert!(closed.shared_at.is_some());
    let closed = app.store.cycle_records(closed.id).await.unwrap();
    assert!(!closed.assessments.is_empty());
    assert!(closed.assessments.iter().all(|a| a.stage == Stage::Agreed));
    let open = cycles
        .iter()
        .find(|c| c.status == trellis_store::CycleStatus::Open)
        .expect("an open cycle");
    assert!(open.deadlines.self_due < trellis_app::time::today());
    let open = app.store.cycle_records(open.id).await.unwrap();
    assert!(
        open.assessments
            .iter()
            .any(|a| a.stage == Stage::SelfRating),
        "overdue self-assessments"
    );
    let find = |email: &str| {
        let store = app.store.clone();
        let email = email.to_owned();
        async move { store.person_by_email(&email).await.unwrap().unwrap() }
    };
    let amara = find("amara.okafor@example.com").await;
    let hannah = find("hannah.schmidt@example.com").await;
    let stages: std::collections::HashSet<&str> = {
        let mut all = Vec::new();
        for p in app.store.reports(amara.id).await.unwrap() {
            for a in app.store.assessments_of(p.id).await.unwrap() {
                all.push(a.stage.as_str());
            }
        }
        all.into_iter().collect()
    };
    assert!(
        stages.len() >= 3,
        "several stages in Amara's team: {stages:?}"
    );

    // Inboxes are not empty: Hannah's self-assessment waits, and Amara has ratings to give.
    let hannahs = app
        .store
        .notifications_of(hannah.id, 50, None)
        .await
        .unwrap();
    assert!(
        hannahs.iter().any(|n| n.kind == "assessment.waiting"),
        "{hannahs:?}"
    );
    let amaras = app
        .store
        .notifications_of(amara.id, 50, None)
        .await
        .unwrap();
    assert!(
        amaras
            .iter()
            .any(|n| n.subject.contains("waits for your ratings")),
        "{amaras:?}"
    );

    let ab = app.browser(amara.id).await;
    // Check-ins with each report: one held, with an action carried over, the next this week.
    let home = app.get("/", Some(&ab)).await;
    home.assert_contains("Check-in with ");
    let list = app.get("/check-ins", Some(&ab)).await;
    // The first link to a series (not to the notes shared with her).
    let id: String = list
        .body
        .split("href=\"/check-ins/")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .find(|id| !id.is_empty())
        .expect("a series");
    let series = app.get(&format!("/check-ins/{id}"), Some(&ab)).await;
    assert_eq!(series.status, StatusCode::OK);
    assert!(series.body.contains("Earlier meetings"));
    series.assert_contains("class=\"check-in-past\"");
    assert!(
        series.body.contains("from the meeting of"),
        "an open action: {}",
        series.body
    );
    // Hannah's plan has goals toward her next level, with her manager's suggestion.
    let plan = app
        .get(&format!("/people/{}/plan", hannah.id), Some(&ab))
        .await;
    assert_eq!(plan.status, StatusCode::OK);
    plan.assert_contains("class=\"goal goal-");
    plan.assert_contains("Suggestion:");
    let team = app.get("/team", Some(&ab)).await;
    assert_eq!(team.status, StatusCode::OK);
    assert!(team.body.contains("▼") || team.body.contains("✓"));
    let hb = app.browser(hannah.id).await;
    let page = app.get(&format!("/people/{}", hannah.id), Some(&hb)).await;
    assert!(page.body.contains("class=\"radar\""));
    assert!(page.body.contains("class=\"history\""));
    assert!(page.body.contains("class=\"evidence-log\""));
    assert!(
        page.body.contains("id=\"open-current\""),
        "Hannah has her self-assessment to do"
    );
    let inbox = app.get("/peer-requests", Some(&hb)).await;
    inbox.assert_contains("Waiting for your answer");
    let open = app.store.assessments_of(hannah.id).await.unwrap();
    let page = app
        .get(&format!("/assessments/{}", open[0].id), Some(&hb))
        .await;
    assert!(page.body.contains("id=\"submit-self\""));

    // Hiring: Amara's opening has a candidate ready for the debrief, whose two System design
    // interviewers disagree by two points; Hannah, not on the loop, sees none of it.
    let hiring = app.get("/hiring", Some(&ab)).await;
    let opening = hiring.body.split("href=\"/hiring/openings/").nth(1);
    let opening: String = opening
        .expect("Amara's opening is listed")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let page = app
        .get(&format!("/hiring/openings/{opening}"), Some(&ab))
        .await;
    page.assert_contains("Priya Natarajan");
    let candidate: String = page
        .body
        .split("href=\"/hiring/candidates/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let debrief = app
        .get(&format!("/hiring/candidates/{candidate}"), Some(&ab))
        .await;
    assert_eq!(debrief.status, StatusCode::OK);
    debrief.assert_contains("class=\"disagreement\"");
    let hidden = app
        .get(&format!("/hiring/candidates/{candidate}"), Some(&hb))
        .await;
    assert_ne!(hidden.status, StatusCode::OK);
    assert!(!hidden.body.contains("Priya"));
}

/// Read events reach the log by themselves within a fraction of a second, without a flush.
pub async fn read_events_are_written_in_the_background(app: App) {
    let member = app.ids.member_a;
    let token = app.token(member).await;
    let r = app
        .api_get(&format!("/api/v1/people/{member}/readiness"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let filter = || trellis_store::AuditFilter {
        action_prefix: Some("readiness.read".into()),
        ..Default::default()
    };
    for _ in 0..50 {
        // The store directly: `app.audit` would flush the queue itself.
        if !app.store.audit_events(filter()).await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the read was not written within 2.5 s");
}

crate::on_both_backends!(
    read_events_are_written_in_the_background,
    demo_has_growth_content,
    self_manager_agreed_flow,
    bad_input_is_refused_and_nothing_saved,
    access_rules,
    person_page_chart_and_evidence,
    team_page_and_csv,
    reads_and_writes_are_audited,
    a_self_assessment_is_drafted_then_submitted,
    the_person_confirms_or_disputes_the_agreed_outcome,
    evidence_is_edited_and_deleted_by_who_added_it,
    skills_are_chosen_with_checkboxes_by_role_level,
    a_peer_is_picked_from_the_whole_organisation,
);

/// The self-assessment is saved as a draft, shown to the person alone, corrected, and submitted.
pub async fn a_self_assessment_is_drafted_then_submitted(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let (mb, gb) = (app.browser(member).await, app.browser(manager).await);
    let token = app.token(member).await;
    let reqs = requirements(&app, &token, member, NEXT).await;
    let id = start(&app, &mb, member, NEXT).await;
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    page.assert_contains(r#"id="save-draft""#);
    let (revision, version) = (
        hidden(&page, "revision"),
        hidden(&page, "framework_version"),
    );
    let (first, _) = &reqs[0];
    let (second, second_required) = &reqs[1];

    // Half done: one level and one comment.
    let mut f = vec![
        ("revision".to_owned(), revision.clone()),
        ("framework_version".to_owned(), version.clone()),
        (format!("level.{second}"), second_required.clone()),
        (
            format!("comment.{first}"),
            "Still gathering examples".to_owned(),
        ),
    ];
    let saved = post(&app, &format!("/assessments/{id}/self/draft"), &f, &mb).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.header("location"),
        Some(format!("/assessments/{id}?done=draft").as_str())
    );
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    page.assert_contains(r#"id="draft-saved""#);
    assert!(page.body.contains("Still gathering examples"));
    assert!(
        page.body
            .contains(&format!(r#"<option value="{second_required}" selected>"#)),
        "the drafted level is chosen again"
    );
    // Nothing is submitted: the stage and the revision stay.
    let a = app.store.assessment(id).await.unwrap();
    assert_eq!(
        (a.stage, a.revision.to_string()),
        (Stage::SelfRating, revision.clone())
    );
    assert!(app.store.ratings(id).await.unwrap().is_empty());

    // Only the person sees or saves it.
    let seen = app.get(&format!("/assessments/{id}"), Some(&gb)).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("Still gathering examples"));
    assert!(!seen.body.contains(r#"id="draft-saved""#));
    let refused = post(&app, &format!("/assessments/{id}/self/draft"), &f, &gb).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A level not on the scale is named next to its field; the draft stays as it was.
    f.push((format!("level.{first}"), "legendary".to_owned()));
    let bad = post(&app, &format!("/assessments/{id}/self/draft"), &f, &mb).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    bad.assert_contains(&format!(r#"id="level-{first}-error""#));
    assert!(bad.body.contains("`legendary` is not a level"));
    let kept = app
        .store
        .rating_draft(id, RaterKind::SelfRater)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.ratings.len(), 2);

    // Submitting moves the stage as before, and the draft is gone.
    let full = rating_form(&reqs, &revision, &version, |_, r| r.to_owned());
    let done = post(&app, &format!("/assessments/{id}/self"), &full, &mb).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        app.store.assessment(id).await.unwrap().stage,
        Stage::Manager
    );
    assert_eq!(
        app.store
            .rating_draft(id, RaterKind::SelfRater)
            .await
            .unwrap(),
        None
    );
    let late = post(&app, &format!("/assessments/{id}/self/draft"), &f, &mb).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(successes(&app, "assessment.draft").await, 1);
}

/// How many times `action` was done (refusals are audited too).
async fn successes(app: &App, action: &str) -> usize {
    app.audit(action)
        .await
        .iter()
        .filter(|e| e.action == action && e.outcome == trellis_store::Outcome::Success)
        .count()
}

/// Every rating lists what each level of its scale means, and a page whose skills use two scales
/// has one key of both.
pub async fn rating_forms_explain_every_level(app: &App, id: i64, b: &Browser) {
    let page = app.get(&format!("/assessments/{id}"), Some(b)).await;
    let body = &page.body;
    assert!(body.contains(r#"<details class="scale-levels""#), "{body}");
    for label in [
        "Foundation",
        "Working",
        "Practitioner",
        "Expert",
        "1 (Own work)",
        "5 (Company)",
    ] {
        assert!(
            body.contains(&format!("<dt>{label}")),
            "{label} explained:\n{body}"
        );
    }
    assert!(body.contains("Sets the standard across the organisation"));
    assert_eq!(body.matches(r#"id="scale-key""#).count(), 1, "one key");
    assert!(body.contains(r#"id="scale-proficiency""#) && body.contains(r#"id="scale-influence""#));
}

/// After the agreed stage the person confirms or disputes the outcome; a dispute needs a comment,
/// tells the manager, and shows to everyone who sees the assessment.
pub async fn the_person_confirms_or_disputes_the_agreed_outcome(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let (mb, gb) = (app.browser(member).await, app.browser(manager).await);
    let id = start(&app, &mb, member, NEXT).await;
    rating_forms_explain_every_level(&app, id, &mb).await;
    let answer = |v: &'static str, c: &'static str| {
        vec![
            ("answer".to_owned(), v.to_owned()),
            ("outcome_comment".to_owned(), c.to_owned()),
        ]
    };
    let path = format!("/assessments/{id}/outcome");
    // Not agreed yet.
    let early = post(&app, &path, &answer("confirm", ""), &mb).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(!page.body.contains(r#"id="answer-form""#));

    agree_in_store(&app, id, member, manager, ("communication", "2")).await;
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    page.assert_contains(r#"id="confirm-outcome""#);
    assert!(page.body.contains(r#"id="dispute-outcome""#));
    let seen = app.get(&format!("/assessments/{id}"), Some(&gb)).await;
    assert!(
        !seen.body.contains(r#"id="answer-form""#),
        "the manager does not answer"
    );

    // Only the person answers; a dispute needs a comment; an answer must be one of the two.
    assert_eq!(
        post(&app, &path, &answer("confirm", ""), &gb).await.status,
        StatusCode::FORBIDDEN
    );
    let bare = post(&app, &path, &answer("dispute", "  "), &mb).await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bare.body
    );
    bare.assert_contains(r#"id="outcome_comment-error""#);
    let odd = post(&app, &path, &answer("shrug", "hm"), &mb).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    odd.assert_contains(r#"id="answer-error""#);
    assert!(odd.body.contains(">hm</textarea>"), "what was typed stays");
    assert_eq!(app.store.outcome_answer(id).await.unwrap(), None);

    let disputed = post(
        &app,
        &path,
        &answer(
            "dispute",
            "Communication is at Group level: I ran the all-hands.",
        ),
        &mb,
    )
    .await;
    assert_eq!(disputed.status, StatusCode::SEE_OTHER, "{}", disputed.body);
    for b in [&mb, &gb, &app.browser(app.ids.people_team).await] {
        let page = app.get(&format!("/assessments/{id}"), Some(b)).await;
        page.assert_contains("Outcome disputed");
        assert!(page.body.contains("I ran the all-hands."));
        assert!(!page.body.contains(r#"id="answer-form""#));
    }
    // The API gives the answer with the assessment, to the person and their manager alike.
    for who in [member, manager] {
        let token = app.token(who).await;
        let r = app
            .api_get(&format!("/api/v1/assessments/{id}"), &token)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let outcome = &r.json()["outcome"];
        assert_eq!(outcome["answer"], "disputed", "{}", r.body);
        assert_eq!(
            outcome["comment"],
            "Communication is at Group level: I ran the all-hands."
        );
    }
    let told = app.store.notifications_of(manager, 10, None).await.unwrap();
    assert_eq!(told[0].kind, "assessment.disputed", "{told:?}");
    assert!(told[0].subject.contains("disputes the agreed outcome"));
    // Once.
    let again = post(&app, &path, &answer("confirm", ""), &mb).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(successes(&app, "assessment.outcome-answer").await, 1);
}

fn evidence_of(person: PersonId, title: &str, skills: &[&str]) -> trellis_store::NewEvidence {
    trellis_store::NewEvidence {
        person_id: person,
        happened_on: "2026-02-01".into(),
        title: title.into(),
        description: String::new(),
        links: Vec::new(),
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        corroborators: Vec::new(),
    }
}

/// Evidence is edited and deleted by whoever added it or the person it is about, on the pages and
/// through the API; an edit keeps the version before, a delete stops it counting.
pub async fn evidence_is_edited_and_deleted_by_who_added_it(app: App) {
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    let (mb, gb) = (app.browser(member).await, app.browser(manager).await);
    let as_ = |who| Audit {
        actor_id: Some(who),
        ..Default::default()
    };
    let mine = app
        .store
        .add_evidence(
            evidence_of(member, "Ran the retro", &["communication"]),
            &as_(member),
        )
        .await
        .unwrap();
    let theirs = app
        .store
        .add_evidence(
            evidence_of(member, "Paired on search", &["programming"]),
            &as_(manager),
        )
        .await
        .unwrap();
    let list = format!("/people/{member}/evidence");
    let page = app.get(&list, Some(&mb)).await;
    for e in [&mine, &theirs] {
        page.assert_contains(&format!(r#"id="edit-evidence-{}""#, e.id));
        assert!(
            page.body
                .contains(&format!(r#"id="delete-evidence-{}""#, e.id))
        );
    }
    let page = app.get(&list, Some(&gb)).await;
    assert!(
        page.body
            .contains(&format!(r#"id="edit-evidence-{}""#, theirs.id))
    );
    assert!(
        !page
            .body
            .contains(&format!(r#"id="edit-evidence-{}""#, mine.id))
    );

    // The manager did not add the member's own: refused, audited.
    let edit = format!("/people/{member}/evidence/{}", mine.id);
    let r = app.get(&format!("{edit}/edit"), Some(&gb)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        post(&app, &format!("{edit}/delete"), &[], &gb).await.status,
        StatusCode::FORBIDDEN
    );
    // Someone else's evidence under this person's path is not found.
    let elsewhere = format!("/people/{}/evidence/{}/edit", app.ids.member_b, mine.id);
    let r = app
        .get(&elsewhere, Some(&app.browser(app.ids.admin).await))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The edit form starts at what it says; bad input is named next to its field.
    let form = app.get(&format!("{edit}/edit"), Some(&mb)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(r#"value="Ran the retro""#));
    form.assert_contains(r#"value="communication" checked"#);
    assert!(
        form.body
            .contains("It has not been edited since it was added.")
    );
    let fields = |date: &str| {
        vec![
            ("happened_on".to_owned(), date.to_owned()),
            ("title".to_owned(), "Ran the team retro".to_owned()),
            ("skills".to_owned(), "communication".to_owned()),
            ("skills".to_owned(), "programming".to_owned()),
        ]
    };
    let bad = post(&app, &edit, &fields("2026-02-30"), &mb).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains(r#"id="happened_on-error""#));
    let ok = post(&app, &edit, &fields("2026-02-03"), &mb).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = app.get(&list, Some(&mb)).await;
    assert!(page.body.contains("Ran the team retro"));
    let versions = app.store.evidence_versions(mine.id).await.unwrap();
    assert_eq!(versions[0].title, "Ran the retro");
    // The edit page shows what it read before, and who replaced it.
    let form = app.get(&format!("{edit}/edit"), Some(&mb)).await;
    let history = form.body.split("id=\"history-heading\"").nth(1).unwrap();
    assert!(history.contains("Replaced by member a on"), "{history}");
    assert!(history.contains("“Ran the retro”"), "{history}");

    // The manager deletes what they added: it no longer counts.
    let before = app.store.evidence_counts(&[member]).await.unwrap();
    let gone = post(
        &app,
        &format!("/people/{member}/evidence/{}/delete", theirs.id),
        &[],
        &gb,
    )
    .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let after = app.store.evidence_counts(&[member]).await.unwrap();
    let programming =
        |c: &[(PersonId, String, i64)]| c.iter().find(|x| x.1 == "programming").map_or(0, |x| x.2);
    assert_eq!(programming(&after), programming(&before) - 1);
    assert!(
        !app.get(&list, Some(&mb))
            .await
            .body
            .contains("Paired on search")
    );
    assert_eq!(successes(&app, "evidence.delete").await, 1);

    // The API: PATCH by the person, refused for the people team; DELETE, then gone.
    let api = format!("/api/v1/people/{member}/evidence/{}", mine.id);
    let (mt, pt) = (
        app.token(member).await,
        app.token(app.ids.people_team).await,
    );
    let r = app
        .api(
            Method::PATCH,
            &api,
            Some(&mt),
            Some(json!({ "title": "Facilitated the retro" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["title"], "Facilitated the retro");
    assert_eq!(r.json()["skills"], json!(["communication", "programming"]));
    let r = app
        .api(
            Method::PATCH,
            &api,
            Some(&pt),
            Some(json!({ "title": "No" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .api(
            Method::PATCH,
            &api,
            Some(&mt),
            Some(json!({ "skills": [] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        app.api(Method::DELETE, &api, Some(&mt), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.api(Method::DELETE, &api, Some(&mt), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.store.evidence_of(member).await.unwrap(), []);
    assert_eq!(successes(&app, "evidence.update").await, 2);
}

/// Skills are chosen with checkboxes: the person's role level's first, the others by category in
/// a disclosure; the peer form offers the requirements asked about.
pub async fn skills_are_chosen_with_checkboxes_by_role_level(app: App) {
    let member = app.ids.member_a;
    let mb = app.browser(member).await;
    let page = app
        .get(&format!("/people/{member}/evidence"), Some(&mb))
        .await;
    let body = &page.body;
    assert!(!body.contains("multiple"), "no multi-select");
    let first = body.find("Skills of Software Engineer").expect(body);
    let others = body.find(r#"<details class="other-skills""#).expect(body);
    assert!(first < others);
    let programming = body.find(r#"id="skills-programming""#).unwrap();
    assert!(programming < others, "their level's skills come first");
    // Chosen skills come back checked after a refusal, the disclosure open when one is in it.
    let f = [
        ("title", ""),
        ("happened_on", "2026-01-01"),
        ("skills", "programming"),
    ];
    let r = app
        .post_form(&format!("/people/{member}/evidence"), &f, Some(&mb))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains(r#"value="programming" checked"#);
    let r = app
        .post_form(
            &format!("/people/{member}/evidence"),
            &[("title", "x")],
            Some(&mb),
        )
        .await;
    r.assert_contains(r#"id="skills-error""#);

    let id = start(&app, &mb, member, NEXT).await;
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    page.assert_contains("Requirements of Senior Software Engineer");
    assert!(
        page.body
            .contains(r#"type="checkbox" id="skills-communication""#)
    );
}

/// The peer picker offers everyone active in the organisation but the person, and resolves the
/// email address typed; nobody found is said next to the field.
pub async fn a_peer_is_picked_from_the_whole_organisation(app: App) {
    let (member, other) = (app.ids.member_a, app.ids.member_b);
    let mb = app.browser(member).await;
    let id = start(&app, &mb, member, NEXT).await;
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    let list = &page.body[page
        .body
        .find(r#"<datalist id="peer-options">"#)
        .expect(&page.body)..];
    let list = &list[..list.find("</datalist>").unwrap()];
    assert!(
        list.contains(r#"<option value="member.b@test.example">member b</option>"#),
        "{list}"
    );
    assert!(list.contains("manager.b@test.example") && list.contains("people.team@test.example"));
    assert!(
        !list.contains("member.a@test.example"),
        "not the person themselves"
    );
    app.store
        .update_person(
            app.ids.manager_b,
            PersonUpdate {
                active: Some(false),
                ..Default::default()
            },
            &Audit::default(),
        )
        .await
        .unwrap();
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(
        !page.body.contains("manager.b@test.example"),
        "not who has left"
    );

    let path = format!("/assessments/{id}/peer-requests");
    let ask = |peer: &'static str| {
        vec![
            ("peer".to_owned(), peer.to_owned()),
            ("skills".to_owned(), "communication".to_owned()),
        ]
    };
    let r = post(&app, &path, &ask("nobody@test.example"), &mb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains(r#"id="peer-error""#);
    assert!(
        r.body
            .contains("Nobody in the organisation has the email address")
    );
    assert!(
        r.body.contains(r#"value="nobody@test.example""#),
        "what was typed stays"
    );
    let r = post(&app, &path, &ask("manager.b@test.example"), &mb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("has left the organisation"));
    let r = post(&app, &path, &ask(""), &mb).await;
    r.assert_contains("Choose whom to ask.");
    let r = post(&app, &path, &ask(" member b <Member.B@test.example> "), &mb).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let asked = app.store.peer_requests_of_assessment(id).await.unwrap();
    assert_eq!((asked.len(), asked[0].peer_id), (1, other));
}
