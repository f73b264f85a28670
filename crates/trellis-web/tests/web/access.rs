//! Every route × every kind of caller, with the status each must get. The table below must list
//! exactly the routes of the route table: adding a route without deciding who may call it fails.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use trellis_web::{Kind, auth, route_specs};

use crate::support::{App, CALLERS, Caller};
use trellis_store::prelude::*;

/// Expected status for each caller, in the order of [`CALLERS`]: anonymous, member, member of
/// another team, manager (of the member), manager of another team, people team, admin.
type Expect = [u16; 7];

const EVERYONE: Expect = [200, 200, 200, 200, 200, 200, 200];
const SIGNED_IN: Expect = [303, 200, 200, 200, 200, 200, 200];
const SIGNED_IN_API: Expect = [401, 200, 200, 200, 200, 200, 200];
/// The member's own records: themselves, their manager, the people team, admins.
const THE_MEMBER: Expect = [303, 200, 403, 200, 403, 200, 200];
const THE_MEMBER_API: Expect = [401, 200, 403, 200, 403, 200, 200];
const ADMIN: Expect = [303, 403, 403, 403, 403, 403, 200];
const ADMIN_API: Expect = [401, 403, 403, 403, 403, 403, 200];

enum Payload {
    None,
    Form(Vec<(String, String)>),
    Json(serde_json::Value),
}

struct Case {
    method: Method,
    /// The route as written in the route table.
    route: &'static str,
    /// The path requested.
    path: String,
    body: Box<dyn Fn(Caller) -> Payload + Send + Sync>,
    expect: Expect,
}

fn case(method: Method, route: &'static str, path: impl Into<String>, expect: Expect) -> Case {
    Case {
        method,
        route,
        path: path.into(),
        body: Box::new(|_| Payload::None),
        expect,
    }
}

fn with_body(mut c: Case, body: impl Fn(Caller) -> Payload + Send + Sync + 'static) -> Case {
    c.body = Box::new(body);
    c
}

fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn tag(c: Caller) -> String {
    format!("{c:?}").to_lowercase()
}

/// Records the growth routes act on: an assessment of the member, and a request for input on it
/// addressed to the member of the other team.
#[derive(Debug, Clone, Copy)]
struct Growth {
    assessment: i64,
    peer_request: i64,
}

async fn growth_fixtures(app: &App) -> Growth {
    let version = app.store.current_framework().await.unwrap().unwrap().id;
    let as_member = trellis_store::Audit {
        actor_id: Some(app.ids.member_a),
        ..Default::default()
    };
    let a = app
        .store
        .create_assessment(
            trellis_store::NewAssessment {
                person_id: app.ids.member_a,
                role_level: "product/head-of-product".into(),
                framework_version_id: version,
                cycle: "2026-H1".into(),
            },
            &as_member,
        )
        .await
        .unwrap();
    let r = app
        .store
        .request_peer_input(
            a.id,
            app.ids.member_b,
            vec!["communication".into()],
            app.ids.member_a,
            &as_member,
        )
        .await
        .unwrap();
    Growth {
        assessment: a.id,
        peer_request: r.id,
    }
}

/// A role level per caller, so that each caller's new assessment is not refused as a duplicate.
fn level_for(c: Caller, track: &str) -> String {
    let levels: [&str; 4] = if track == "engineering" {
        [
            "software-engineer",
            "senior-software-engineer",
            "staff-engineer",
            "principal-engineer",
        ]
    } else {
        [
            "associate-product-manager",
            "product-manager",
            "senior-product-manager",
            "principal-product-manager",
        ]
    };
    let i = match c {
        Caller::Member | Caller::OtherMember => 0,
        Caller::Manager | Caller::OtherManager => 1,
        Caller::PeopleTeam => 2,
        _ => 3,
    };
    format!("{track}/{}", levels[i])
}

fn cases(app: &App, admin_token_id: i64, g: Growth) -> Vec<Case> {
    let member = app.ids.member_a;
    let peer = app.ids.member_b;
    let manager_a = app.ids.manager_a;
    let manager = app.ids.manager_a.to_string();
    let (assessment, request) = (g.assessment, g.peer_request);
    let (get, post, patch) = (Method::GET, Method::POST, Method::PATCH);
    let compare = "from=engineering/software-engineer&to=engineering/senior-software-engineer";
    vec![
        case(get.clone(), "/healthz", "/healthz", EVERYONE),
        case(
            get.clone(),
            "/static/trellis.css",
            "/static/trellis.css",
            EVERYONE,
        ),
        // Signed-in callers are sent home from the sign-in page.
        case(
            get.clone(),
            "/sign-in",
            "/sign-in",
            [200, 303, 303, 303, 303, 303, 303],
        ),
        // A wrong password for an unknown account, whoever asks.
        with_body(case(post.clone(), "/sign-in", "/sign-in", [401; 7]), |c| {
            form(&[
                ("email", &format!("nobody.{}@test.example", tag(c))),
                ("password", "wrong password"),
            ])
        }),
        case(post.clone(), "/sign-out", "/sign-out", [303; 7]),
        case(get.clone(), "/", "/", SIGNED_IN),
        case(
            get.clone(),
            "/frameworks/{version}",
            "/frameworks/current",
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/role-levels/{track}/{level}",
            "/frameworks/current/role-levels/engineering/staff-engineer",
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/compare",
            format!("/frameworks/current/compare?{compare}"),
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/skills",
            "/frameworks/current/skills",
            SIGNED_IN,
        ),
        case(get.clone(), "/people", "/people", SIGNED_IN),
        case(
            get.clone(),
            "/people/{id}",
            format!("/people/{member}"),
            THE_MEMBER,
        ),
        // Growth pages.
        with_body(
            case(
                post.clone(),
                "/people/{id}/assessments",
                format!("/people/{member}/assessments"),
                [303, 303, 403, 303, 403, 303, 303],
            ),
            |c| form(&[("role_level", &level_for(c, "engineering"))]),
        ),
        case(
            get.clone(),
            "/people/{id}/evidence",
            format!("/people/{member}/evidence"),
            THE_MEMBER,
        ),
        with_body(
            case(
                post.clone(),
                "/people/{id}/evidence",
                format!("/people/{member}/evidence"),
                [303, 303, 403, 303, 403, 303, 303],
            ),
            |c| {
                form(&[
                    ("happened_on", "2026-01-15"),
                    ("title", &format!("Shipped it ({})", tag(c))),
                    ("skills", "programming"),
                    ("skills", "testing"),
                ])
            },
        ),
        case(
            get.clone(),
            "/assessments/{id}",
            format!("/assessments/{assessment}"),
            THE_MEMBER,
        ),
        // Without a revision: the person may self-rate (422 for the missing field); no one else.
        case(
            post.clone(),
            "/assessments/{id}/self",
            format!("/assessments/{assessment}/self"),
            [303, 422, 403, 403, 403, 403, 403],
        ),
        // Only the manager rates and agrees; the people team sees but does not rate.
        case(
            post.clone(),
            "/assessments/{id}/manager",
            format!("/assessments/{assessment}/manager"),
            [303, 403, 403, 422, 403, 403, 403],
        ),
        case(
            post.clone(),
            "/assessments/{id}/agreed",
            format!("/assessments/{assessment}/agreed"),
            [303, 403, 403, 422, 403, 403, 403],
        ),
        case(
            post.clone(),
            "/assessments/{id}/peer-requests",
            format!("/assessments/{assessment}/peer-requests"),
            [303, 422, 403, 422, 403, 403, 403],
        ),
        case(get.clone(), "/peer-requests", "/peer-requests", SIGNED_IN),
        // Only the peer asked sees and answers the request.
        case(
            get.clone(),
            "/peer-requests/{id}",
            format!("/peer-requests/{request}"),
            [303, 403, 200, 403, 403, 403, 403],
        ),
        case(
            post.clone(),
            "/peer-requests/{id}",
            format!("/peer-requests/{request}"),
            [303, 403, 422, 403, 403, 403, 403],
        ),
        case(get.clone(), "/team", "/team", SIGNED_IN),
        case(
            get.clone(),
            "/team/{id}",
            format!("/team/{manager_a}"),
            [303, 403, 403, 200, 403, 200, 200],
        ),
        case(get.clone(), "/team.csv", "/team.csv", SIGNED_IN),
        case(
            get.clone(),
            "/account/password",
            "/account/password",
            SIGNED_IN,
        ),
        // A wrong current password changes nothing.
        with_body(
            case(
                post.clone(),
                "/account/password",
                "/account/password",
                [303, 422, 422, 422, 422, 422, 422],
            ),
            |_| {
                form(&[
                    ("current_password", "not the password"),
                    ("new_password", "a brand new password"),
                    ("confirm_password", "a brand new password"),
                ])
            },
        ),
        case(get.clone(), "/account/tokens", "/account/tokens", SIGNED_IN),
        with_body(
            case(
                post.clone(),
                "/account/tokens",
                "/account/tokens",
                SIGNED_IN,
            ),
            |_| form(&[("label", "a script")]),
        ),
        // Someone else's token is not found; its owner revokes it.
        case(
            post.clone(),
            "/account/tokens/{id}/revoke",
            format!("/account/tokens/{admin_token_id}/revoke"),
            [303, 404, 404, 404, 404, 404, 303],
        ),
        case(get.clone(), "/admin/accounts", "/admin/accounts", ADMIN),
        with_body(
            case(
                post.clone(),
                "/admin/accounts",
                "/admin/accounts",
                [303, 403, 403, 403, 403, 403, 201],
            ),
            |c| {
                form(&[
                    ("email", &format!("new.{}@test.example", tag(c))),
                    ("name", "New Person"),
                    ("role", "member"),
                    ("team", "Team A"),
                ])
            },
        ),
        case(
            get.clone(),
            "/admin/accounts/{id}",
            format!("/admin/accounts/{member}"),
            ADMIN,
        ),
        with_body(
            case(
                post.clone(),
                "/admin/accounts/{id}",
                format!("/admin/accounts/{member}"),
                [303, 403, 403, 403, 403, 403, 303],
            ),
            move |_| {
                form(&[
                    ("email", "member.a@test.example"),
                    ("name", "member a"),
                    ("role", "member"),
                    ("team", "Team A"),
                    ("manager_id", &manager),
                    ("role_level", "engineering/software-engineer"),
                    ("active", "on"),
                ])
            },
        ),
        case(
            post.clone(),
            "/admin/accounts/{id}/password",
            format!("/admin/accounts/{member}/password"),
            ADMIN,
        ),
        case(get.clone(), "/admin/frameworks", "/admin/frameworks", ADMIN),
        case(get.clone(), "/admin/audit", "/admin/audit", ADMIN),
        case(
            get.clone(),
            "/api/v1/openapi.json",
            "/api/v1/openapi.json",
            EVERYONE,
        ),
        case(get.clone(), "/api/v1/me", "/api/v1/me", SIGNED_IN_API),
        case(
            get.clone(),
            "/api/v1/frameworks",
            "/api/v1/frameworks",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/frameworks/{version}",
            "/api/v1/frameworks/current",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/role-levels",
            "/api/v1/role-levels",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/role-levels/{track}/{level}",
            "/api/v1/role-levels/engineering/staff-engineer",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/compare",
            format!("/api/v1/compare?{compare}"),
            SIGNED_IN_API,
        ),
        case(get.clone(), "/api/v1/teams", "/api/v1/teams", SIGNED_IN_API),
        case(
            get.clone(),
            "/api/v1/people",
            "/api/v1/people",
            SIGNED_IN_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/people",
                "/api/v1/people",
                [401, 403, 403, 403, 403, 403, 201],
            ),
            |c| {
                Payload::Json(json!({
                    "email": format!("api.{}@test.example", tag(c)),
                    "name": "Made By API",
                }))
            },
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}",
            format!("/api/v1/people/{member}"),
            THE_MEMBER_API,
        ),
        with_body(
            case(
                patch,
                "/api/v1/people/{id}",
                format!("/api/v1/people/{member}"),
                ADMIN_API,
            ),
            |_| Payload::Json(json!({ "name": "Member A" })),
        ),
        // Growth API.
        case(
            get.clone(),
            "/api/v1/people/{id}/readiness",
            format!("/api/v1/people/{member}/readiness"),
            THE_MEMBER_API,
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}/assessments",
            format!("/api/v1/people/{member}/assessments"),
            THE_MEMBER_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/people/{id}/assessments",
                format!("/api/v1/people/{member}/assessments"),
                [401, 201, 403, 201, 403, 201, 201],
            ),
            |c| Payload::Json(json!({ "role_level": level_for(c, "product") })),
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}/evidence",
            format!("/api/v1/people/{member}/evidence"),
            THE_MEMBER_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/people/{id}/evidence",
                format!("/api/v1/people/{member}/evidence"),
                [401, 201, 403, 201, 403, 201, 201],
            ),
            |c| {
                Payload::Json(json!({
                    "happened_on": "2026-02-01",
                    "title": format!("Led the incident review ({})", tag(c)),
                    "skills": ["operability"],
                }))
            },
        ),
        case(
            get.clone(),
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{assessment}"),
            THE_MEMBER_API,
        ),
        // A stale revision: the person gets 409; no one else may self-rate at all.
        with_body(
            case(
                post.clone(),
                "/api/v1/assessments/{id}/ratings",
                format!("/api/v1/assessments/{assessment}/ratings"),
                [401, 409, 403, 403, 403, 403, 403],
            ),
            |_| Payload::Json(json!({ "kind": "self", "revision": -1, "ratings": [] })),
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/assessments/{id}/peer-requests",
                format!("/api/v1/assessments/{assessment}/peer-requests"),
                [401, 201, 403, 201, 403, 403, 403],
            ),
            move |_| Payload::Json(json!({ "peer_id": peer, "skills": ["communication"] })),
        ),
        case(
            get.clone(),
            "/api/v1/peer-requests",
            "/api/v1/peer-requests",
            SIGNED_IN_API,
        ),
        with_body(
            case(
                post,
                "/api/v1/peer-requests/{id}",
                format!("/api/v1/peer-requests/{request}"),
                [401, 403, 422, 403, 403, 403, 403],
            ),
            |_| Payload::Json(json!({ "ratings": [] })),
        ),
    ]
}

async fn call(app: &App, c: &Case, caller: Caller, tokens: &[Option<String>]) -> StatusCode {
    let index = CALLERS.iter().position(|x| *x == caller).unwrap();
    let api = c.path.starts_with("/api/");
    let mut req = Request::builder().method(c.method.clone()).uri(&c.path);
    let mut csrf = None;
    match app.ids.of(caller) {
        Some(person) if api => {
            let token = tokens[index].as_ref().unwrap();
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
            let _ = person;
        }
        Some(person) => {
            // A fresh session for every request: some routes (sign-out) end the one they use.
            let browser = app.browser(person).await;
            req = req.header(header::COOKIE, browser.cookie());
            csrf = Some(browser.csrf);
        }
        None if c.method == Method::POST && c.path == "/sign-in" => {
            let (cookie, token) = app.sign_in_form().await;
            req = req.header(
                header::COOKIE,
                format!("{}={cookie}", auth::PRESESSION_COOKIE),
            );
            csrf = Some(token);
        }
        None => {}
    }
    let body = match (c.body)(caller) {
        Payload::None if c.method == Method::POST => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let fields: Vec<(&str, &str)> =
                csrf.iter().map(|t| ("csrf_token", t.as_str())).collect();
            Body::from(serde_urlencoded::to_string(fields).unwrap())
        }
        Payload::None => Body::empty(),
        Payload::Form(mut fields) => {
            if let Some(t) = csrf {
                fields.push(("csrf_token".into(), t));
            }
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(fields).unwrap())
        }
        Payload::Json(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
    };
    app.send(req.body(body).unwrap()).await.status
}

pub async fn every_route_for_every_caller(app: App) {
    let admin_token = app.token(app.ids.admin).await;
    let admin_token_id = app.store.api_tokens(app.ids.admin).await.unwrap()[0].id;
    let _ = admin_token;
    let growth = growth_fixtures(&app).await;
    let cases = cases(&app, admin_token_id, growth);

    // The table covers the route table exactly.
    let routed: BTreeSet<(String, String)> = route_specs()
        .into_iter()
        .map(|s| (s.method.to_string(), s.path.to_owned()))
        .collect();
    let tested: BTreeSet<(String, String)> = cases
        .iter()
        .map(|c| (c.method.to_string(), c.route.to_owned()))
        .collect();
    let untested: Vec<_> = routed.difference(&tested).collect();
    let unknown: Vec<_> = tested.difference(&routed).collect();
    assert!(
        untested.is_empty() && unknown.is_empty(),
        "the access table must list every route exactly: routes without an entry {untested:?}; \
         entries without a route {unknown:?}"
    );
    assert_eq!(cases.len(), routed.len(), "one entry per route");

    let mut tokens = Vec::new();
    for caller in CALLERS {
        tokens.push(match app.ids.of(caller) {
            Some(p) => Some(app.token(p).await),
            None => None,
        });
    }

    let mut failures = Vec::new();
    let mut denials = 0;
    for c in &cases {
        for (i, caller) in CALLERS.iter().enumerate() {
            let status = call(&app, c, *caller, &tokens).await;
            if status.as_u16() == 403 {
                denials += 1;
            }
            if status.as_u16() != c.expect[i] {
                failures.push(format!(
                    "{} {} as {caller:?}: expected {}, got {status}",
                    c.method, c.path, c.expect[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} unexpected statuses:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Every denial is in the audit log, with the route it was for (or, where the use case decides,
    // the person).
    let denied = app.audit("access.denied").await;
    assert_eq!(denied.len(), denials, "one audit event per denial");
    assert!(
        denied
            .iter()
            .all(|e| e.outcome == trellis_store::Outcome::Denied)
    );
    assert!(
        denied
            .iter()
            .any(|e| e.target == "route:GET /admin/accounts")
    );
    assert!(
        denied
            .iter()
            .any(|e| e.target.starts_with("person:") && e.actor_id == Some(app.ids.member_b)),
        "a person's records refused by the use case name the person"
    );
}

/// The rule of each route in the table, checked against what the access table expects of it, so
/// that a rule changed by mistake is caught even where statuses happen to agree.
pub async fn rules_are_declared(_app: App) {
    for spec in route_specs() {
        let api = spec.path.starts_with("/api/");
        assert_eq!(
            api,
            spec.kind == Kind::Api,
            "{spec}: API routes live under /api/ and nowhere else"
        );
        if spec.path.starts_with("/admin") {
            assert_eq!(
                spec.rule,
                trellis_web::Rule::Admin,
                "{spec} must be for admins only"
            );
        }
    }
}

crate::on_both_backends!(every_route_for_every_caller, rules_are_declared);
