//! Growth conversations end to end: assessments through their stages, peer input, evidence,
//! readiness, the person and team pages, the CSV export, and the audit log of every read and write.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use trellis_store::{
    Audit, BulkAssessment, NewAssessment, NewFrameworkVersion, NewRating, PersonId, PersonUpdate,
    RaterKind, Stage,
};

use crate::support::{App, Browser, Resp};
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
        .api(
            Method::GET,
            &format!("/api/v1/people/{person}/readiness?role_level={role_level}"),
            Some(token),
            None,
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
    let page = app.get(&format!("/people/{person}"), Some(b)).await;
    assert_eq!(page.status, StatusCode::OK);
    let version = hidden(&page, "framework_version");
    let res = app
        .post_form(
            &format!("/people/{person}/assessments"),
            &[("role_level", role_level), ("framework_version", &version)],
            Some(b),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    location_id(&res)
}

async fn readiness(app: &App, token: &str, person: PersonId, role_level: &str) -> Value {
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/people/{person}/readiness?role_level={role_level}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// One level below on the starter's scales, or the same when it is the lowest.
fn below(level: &str) -> String {
    match level {
        "working" => "foundation".into(),
        "practitioner" => "working".into(),
        "expert" => "practitioner".into(),
        n => match n.parse::<u32>() {
            Ok(n) if n > 1 => (n - 1).to_string(),
            _ => n.to_owned(),
        },
    }
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
    assert!(page.body.contains("id=\"submit-manager\""), "{}", page.body);
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
    assert!(
        compare.body.contains("Self and manager side by side"),
        "{}",
        compare.body
    );
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
    let unchanged = || async {
        let a = app.store.assessment(id).await.unwrap();
        assert_eq!(a.revision, a0.revision, "nothing was saved");
        assert_eq!(a.stage, Stage::SelfRating);
        assert!(app.store.ratings(id).await.unwrap().is_empty());
    };

    // A skill that is not a requirement of the role level.
    let res = rate(
        json!({ "kind": "self", "revision": a0.revision, "ratings": ratings("salary-negotiation", json!("1")) }),
        member_token.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("salary-negotiation")
    );
    unchanged().await;
    let not_required = app
        .store
        .current_framework()
        .await
        .unwrap()
        .map(|v| serde_json::from_value::<trellis_model::Framework>(v.content).unwrap())
        .unwrap()
        .skills
        .iter()
        .map(|s| s.id.clone())
        .find(|s| !reqs.iter().any(|(r, _)| r == s))
        .expect("a skill the level does not require");
    let res = rate(
        json!({ "kind": "self", "revision": a0.revision, "ratings": ratings(&not_required, json!("1")) }),
        member_token.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("not a requirement"),
        "{}",
        res.body
    );
    unchanged().await;

    // A level not on the skill's scale.
    let mut bad: Vec<Value> = reqs
        .iter()
        .map(|(s, l)| json!({ "skill": s, "level": l }))
        .collect();
    bad[0]["level"] = json!("grandmaster");
    let res = rate(
        json!({ "kind": "self", "revision": a0.revision, "ratings": bad }),
        member_token.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = res.json();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not a level of"),
        "{problem}"
    );
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
    let res = rate(
        json!({ "kind": "self", "revision": a0.revision, "ratings": bad }),
        member_token.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("does not apply"),
        "{}",
        res.body
    );
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
    let mut fw: trellis_model::Framework = serde_json::from_value(
        app.store
            .current_framework()
            .await
            .unwrap()
            .unwrap()
            .content,
    )
    .unwrap();
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
    assert_eq!(res.status, StatusCode::FORBIDDEN);
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
    assert!(
        res.body.contains("Someone else changed this assessment"),
        "{}",
        res.body
    );
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

    // Another member: nothing of member A's.
    for path in [
        format!("/people/{member}"),
        format!("/people/{member}/evidence"),
        format!("/assessments/{id}"),
    ] {
        assert_eq!(
            app.get(&path, Some(&ob)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for path in [
        format!("/api/v1/people/{member}/readiness"),
        format!("/api/v1/people/{member}/evidence"),
        format!("/api/v1/people/{member}/assessments"),
        format!("/api/v1/assessments/{id}"),
    ] {
        let r = app.api(Method::GET, &path, Some(&other_token), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.contains("Fixed the flaky build"));
    }
    let csv = app
        .get(&format!("/team.csv?manager_id={manager}"), Some(&ob))
        .await;
    assert_eq!(csv.status, StatusCode::FORBIDDEN);

    // Two peers are asked about different skills.
    let page = app.get(&format!("/assessments/{id}"), Some(&mb)).await;
    assert!(page.body.contains("id=\"request-peer\""));
    let peer2 = app.ids.manager_b;
    for (peer, skill) in [(other, "communication"), (peer2, "collaboration")] {
        let res = app
            .post_form(
                &format!("/assessments/{id}/peer-requests"),
                &[("peer_id", &peer.to_string()), ("skills", skill)],
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
                ("peer_id", &other.to_string()),
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
        StatusCode::FORBIDDEN
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
    // The API of the assessment is closed to the peer.
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/assessments/{id}"),
            Some(&other_token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

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
        .api(
            Method::GET,
            &format!("/api/v1/people/{member}/readiness"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.json()["role_level"], "engineering/software-engineer");
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/people/{member}/readiness?role_level=engineering/wizard"),
            Some(&token),
            None,
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
    let page = app.get(&format!("/people/{member}"), Some(&mb)).await;
    assert_eq!(page.status, StatusCode::OK);
    let history = &page.body[page.body.find("id=\"history-testing\"").expect("history")..];
    let history = &history[..history.find("</table>").unwrap()];
    assert!(history.contains("Peer (member b)"), "{history}");
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
    assert!(
        csv.body
            .contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{}",
        csv.body
    );
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
            &[
                ("peer_id", &app.ids.member_b.to_string()),
                ("skills", "programming"),
            ],
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
    app.api(
        Method::GET,
        &format!("/api/v1/people/{member}/readiness"),
        Some(&token),
        None,
    )
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
    let again = trellis_app::demo::load(&app.store, hash).await.unwrap();
    assert_eq!(again.assessments, 0, "loaded once");
    assert_eq!(again.check_ins, 0, "loaded once");
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
    assert!(home.body.contains("Check-in with "), "{}", home.body);
    let list = app.get("/check-ins", Some(&ab)).await;
    let first_series = list.body.split("href=\"/check-ins/").nth(1).unwrap();
    let id: String = first_series
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let series = app.get(&format!("/check-ins/{id}"), Some(&ab)).await;
    assert_eq!(series.status, StatusCode::OK);
    assert!(series.body.contains("Earlier meetings"));
    assert!(
        series.body.contains("class=\"check-in-past\""),
        "{}",
        series.body
    );
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
    assert!(plan.body.contains("class=\"goal goal-"), "{}", plan.body);
    assert!(plan.body.contains("Suggestion:"), "{}", plan.body);
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
    assert!(
        inbox.body.contains("Waiting for your answer"),
        "{}",
        inbox.body
    );
    let open = app.store.assessments_of(hannah.id).await.unwrap();
    let page = app
        .get(&format!("/assessments/{}", open[0].id), Some(&hb))
        .await;
    assert!(page.body.contains("id=\"submit-self\""));
}

/// Read events reach the log by themselves within a fraction of a second, without a flush.
pub async fn read_events_are_written_in_the_background(app: App) {
    let member = app.ids.member_a;
    let token = app.token(member).await;
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/people/{member}/readiness"),
            Some(&token),
            None,
        )
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
);
