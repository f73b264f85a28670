//! The JSON API: its answers, its problems for bad input, and its OpenAPI document.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use trellis_web::{Kind, route_specs};

use crate::support::App;

fn assert_problem(res: &crate::support::Resp, status: u16, field: Option<&str>) {
    assert_eq!(res.status.as_u16(), status, "{}", res.body);
    assert_eq!(
        res.header("content-type"),
        Some("application/problem+json"),
        "{}",
        res.body
    );
    let p = res.json();
    assert_eq!(p["status"], status);
    assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()));
    if let Some(f) = field {
        assert_eq!(p["field"], f, "{}", res.body);
    }
}

pub async fn reads(app: App) {
    let member = app.token(app.ids.member_a).await;
    let manager = app.token(app.ids.manager_a).await;

    let me = app.api_get("/api/v1/me", &manager).await.json();
    assert_eq!(me["email"], "manager.a@test.example");
    assert_eq!(me["system_role"], "member");
    assert_eq!(me["team"]["name"], "Team A");
    assert_eq!(me["reports"], json!([app.ids.member_a]));

    let versions = app.api_get("/api/v1/frameworks", &member).await.json();
    assert_eq!(versions[0]["framework_id"], "starter");
    assert_eq!(versions[0]["current"], true);
    let id = versions[0]["id"].as_i64().unwrap();
    let one = app
        .api_get(&format!("/api/v1/frameworks/{id}"), &member)
        .await
        .json();
    assert_eq!(one["content"]["id"], "starter");
    // Text from sources that may not be redistributed is left out.
    let restricted = one["content"]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["source"] == "sfia")
        .collect::<Vec<_>>();
    assert!(restricted.iter().all(|s| s.get("description").is_none()));

    let levels = app.api_get("/api/v1/role-levels", &member).await.json();
    assert!(
        levels["role_levels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == "product/senior-product-manager")
    );
    let profile = app
        .api_json(
            "/api/v1/role-levels/engineering/senior-software-engineer?version=current",
            &member,
        )
        .await;

    assert_eq!(
        profile["profile"]["id"],
        "engineering/senior-software-engineer"
    );
    let statuses: Vec<&str> = profile["profile"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert!(statuses.contains(&"inherited") || statuses.contains(&"raised"));

    let diff = app
        .api_get("/api/v1/compare?from=engineering/software-engineer&to=engineering/senior-software-engineer", &member)
        .await
        .json();
    assert_eq!(diff["diff"]["from"], "engineering/software-engineer");

    // People: a member sees themselves, a manager their reports too, the people team everyone.
    let people = |token: String| {
        let app = &app;
        async move {
            app.api_get("/api/v1/people", &token)
                .await
                .json()
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(people(member.clone()).await, 1);
    assert_eq!(people(manager).await, 2);
    assert_eq!(people(app.token(app.ids.people_team).await).await, 6);

    // Not found, and unknown role levels.
    let admin = app.token(app.ids.admin).await;
    for (path, token, status, field) in [
        ("/api/v1/people/999999", &admin, 404, None),
        ("/api/v1/role-levels/engineering/wizard", &member, 404, None),
        (
            "/api/v1/compare?from=engineering/wizard&to=x/y",
            &member,
            422,
            Some("from"),
        ),
        (
            "/api/v1/compare?to=engineering/software-engineer",
            &member,
            422,
            Some("from"),
        ),
        (
            "/api/v1/role-levels?version=banana",
            &member,
            422,
            Some("version"),
        ),
        ("/api/v1/frameworks/4242", &member, 404, None),
    ] {
        let res = app.api_get(path, token).await;
        assert_problem(&res, status, field);
    }
}

pub async fn writes(app: App) {
    let admin = app.token(app.ids.admin).await;
    let created = app
        .api(
            Method::POST,
            "/api/v1/people",
            Some(&admin),
            Some(json!({
                "email": "New.Person@Test.example",
                "name": "New Person",
                "role": "people-team",
                "team": "Team C",
                "manager_id": app.ids.manager_a,
                "role_level": "product/product-manager",
                "password": "a long enough password"
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let person = created.json();
    let id = person["id"].as_i64().unwrap();
    assert_eq!(
        created.header("location").unwrap(),
        format!("/api/v1/people/{id}")
    );
    assert_eq!(person["email"], "new.person@test.example");
    assert_eq!(person["system_role"], "people-team");
    assert_eq!(person["team"]["name"], "Team C");
    assert!(person["role_level_version"].is_i64());
    assert!(person.get("password_hash").is_none() && person.get("password").is_none());

    // Taken email, bad values, unknown references: 422 naming the field.
    let post = |body: serde_json::Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.api(Method::POST, "/api/v1/people", Some(&admin), Some(body))
                .await
        }
    };
    for (body, field) in [
        (
            json!({"email": "new.person@test.example", "name": "Again"}),
            "email",
        ),
        (json!({"email": "not an email", "name": "X"}), "email"),
        (json!({"email": "x@test.example", "name": "  "}), "name"),
        (
            json!({"email": "x@test.example", "name": "X", "manager_id": 999_999}),
            "manager_id",
        ),
        (
            json!({"email": "x@test.example", "name": "X", "role_level": "product/wizard"}),
            "role_level",
        ),
        (
            json!({"email": "x@test.example", "name": "X", "role": "overlord"}),
            "role",
        ),
        (
            json!({"email": "x@test.example", "name": "X", "password": "short"}),
            "password",
        ),
    ] {
        assert_problem(&post(body).await, 422, Some(field));
    }

    // PATCH with optimistic concurrency.
    let revision = person["revision"].as_i64().unwrap();
    let path = format!("/api/v1/people/{id}");
    let patched = app
        .api(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "name": "Renamed", "team": null, "revision": revision })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let patched = patched.json();
    assert_eq!(patched["name"], "Renamed");
    assert!(patched["team"].is_null());
    assert!(patched["revision"].as_i64().unwrap() > revision);
    let manager = format!("/api/v1/people/{}", app.ids.manager_a);
    let last_admin = format!("/api/v1/people/{}", app.ids.admin);
    for (path, body, status, field) in [
        (
            path.as_str(),
            json!({ "name": "Again", "revision": revision }),
            409,
            Some("revision"),
        ),
        // Loops and self-management are refused.
        (
            manager.as_str(),
            json!({ "manager_id": app.ids.member_a }),
            422,
            Some("manager_id"),
        ),
        // The last active administrator cannot be demoted.
        (
            last_admin.as_str(),
            json!({ "role": "member" }),
            422,
            Some("role"),
        ),
        ("/api/v1/people/999999", json!({}), 404, None),
    ] {
        let res = app.api(Method::PATCH, path, Some(&admin), Some(body)).await;
        assert_problem(&res, status, field);
    }

    // Account changes are audited by the store, with the acting admin.
    let events = app.audit("person.").await;
    assert!(
        events
            .iter()
            .any(|e| e.action == "person.create" && e.actor_id == Some(app.ids.admin))
    );
    assert!(events.iter().any(|e| e.action == "person.update"));
}

pub async fn bad_requests_get_problems(app: App) {
    let admin = app.token(app.ids.admin).await;
    let raw = |method: Method, path: &str, content_type: Option<&str>, body: Body| {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {admin}"));
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        req.body(body).unwrap()
    };
    let json = Some("application/json");
    let member = format!("/api/v1/people/{}", app.ids.member_a);
    for (method, path, content_type, body, status, field) in [
        // Malformed JSON.
        (
            Method::POST,
            "/api/v1/people",
            json,
            "{\"email\": ",
            400,
            None,
        ),
        // Wrong types, missing and unknown fields name the field.
        (
            Method::POST,
            "/api/v1/people",
            json,
            r#"{"email": 42, "name": "X"}"#,
            422,
            Some("email"),
        ),
        (
            Method::POST,
            "/api/v1/people",
            json,
            r#"{"email": "a@b.c"}"#,
            422,
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/people",
            json,
            r#"{"email": "a@b.c", "name": "X", "colour": "red"}"#,
            422,
            Some("colour"),
        ),
        (
            Method::PATCH,
            member.as_str(),
            json,
            r#"{"active": "yes"}"#,
            422,
            Some("active"),
        ),
        // Not JSON at all.
        (
            Method::POST,
            "/api/v1/people",
            Some("text/plain"),
            "hi",
            415,
            None,
        ),
    ] {
        let res = app
            .send(raw(method, path, content_type, Body::from(body)))
            .await;
        assert_problem(&res, status, field);
    }
    // Too large: declared, and streamed without a length.
    let big = format!(
        r#"{{"email": "a@b.c", "name": "{}"}}"#,
        "x".repeat(70 * 1024)
    );
    let mut declared = raw(
        Method::POST,
        "/api/v1/people",
        json,
        Body::from(big.clone()),
    );
    declared.headers_mut().insert(
        header::CONTENT_LENGTH,
        big.len().to_string().parse().unwrap(),
    );
    assert_problem(&app.send(declared).await, 413, None);
    // In-process requests carry no length unless told: this one is cut off while being read.
    let res = app
        .send(raw(Method::POST, "/api/v1/people", json, Body::from(big)))
        .await;
    assert_problem(&res, 413, None);
    // Unknown routes and methods.
    let res = app
        .send(raw(
            Method::GET,
            "/api/v1/nothing-here",
            None,
            Body::empty(),
        ))
        .await;
    assert_problem(&res, 404, None);
    let res = app
        .send(raw(Method::DELETE, "/api/v1/people", None, Body::empty()))
        .await;
    assert_problem(&res, 405, None);
    // Pages get pages.
    let browser = app.browser(app.ids.member_a).await;
    let res = app.get("/nothing-here", Some(&browser)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    assert!(res.body.contains("Page not found") && res.body.contains("Skip to main content"));
    let res = app.get("/people/not-a-number", Some(&browser)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let big_form = format!("label={}", "x".repeat(70 * 1024));
    let req = Request::builder()
        .method(Method::POST)
        .uri("/account/tokens")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, browser.cookie())
        .body(Body::from(big_form))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
}

pub async fn openapi_lists_every_api_route(app: App) {
    let res = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    let mut missing = Vec::new();
    for spec in route_specs().into_iter().filter(|s| s.kind == Kind::Api) {
        let method = spec.method.as_str().to_lowercase();
        let documented = paths.get(spec.path).and_then(|p| p.get(&method));
        if documented.is_none() {
            missing.push(spec.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "API routes missing from the OpenAPI document: {missing:?}"
    );
    // And nothing documented that is not routed.
    let routed: Vec<String> = route_specs().iter().map(|s| s.path.to_owned()).collect();
    for path in paths.keys() {
        assert!(routed.contains(path), "{path} is documented but not routed");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

/// The document states what the server does: every answer an operation can give, parameters
/// where they are read from, the characters every text accepts.
pub async fn openapi_states_what_the_server_answers(app: App) {
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            let at = format!("{} {path}", method.to_uppercase());
            if path != "/api/v1/openapi.json" {
                assert!(has("401"), "{at}: 401 undocumented");
            }
            if path.contains('{') {
                assert!(has("404"), "{at}: 404 undocumented");
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(has(status), "{at}: {status} undocumented");
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let placed = if path.contains(&format!("{{{name}}}")) {
                    "path"
                } else {
                    "query"
                };
                assert_eq!(p["in"], placed, "{at}: parameter {name}");
                if p["schema"]["type"].to_string().contains("string") {
                    assert!(
                        p["schema"]["pattern"].is_string(),
                        "{at}: parameter {name} has no pattern"
                    );
                }
            }
        }
    }
    let compare = &doc["paths"]["/api/v1/compare"]["get"]["parameters"];
    for name in ["from", "to"] {
        let p = compare
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap();
        assert_eq!(p["required"], true, "compare's {name}");
    }
    // Text fields of request bodies say which characters they take: one line, or several.
    let evidence = &doc["components"]["schemas"]["NewEvidenceJson"]["properties"];
    let title = evidence["title"]["pattern"].as_str().unwrap();
    let description = evidence["description"]["pattern"].as_str().unwrap();
    assert!(title.contains("u0000-\\u001F"), "{title}");
    assert!(description.contains("u000E-\\u001F"), "{description}");
    assert_eq!(evidence["happened_on"]["format"], "date");
}

/// What JSON Schema allows, the server takes: an integer written `1861.0`. What it does not, the
/// server refuses: a list where an object goes.
pub async fn json_bodies_are_read_as_the_document_says(app: App) {
    let admin = app.token(app.ids.admin).await;
    let body = json!({"kind": "self", "revision": 0.0, "ratings": []});
    let res = app
        .api(
            Method::POST,
            "/api/v1/assessments/999999/ratings",
            Some(&admin),
            Some(body),
        )
        .await;
    // Read as an integer, so the call gets as far as looking the assessment up.
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/people/{}", app.ids.member_a),
            Some(&admin),
            Some(json!([null, null])),
        )
        .await;
    assert_problem(&res, 422, Some(""));
    res.assert_contains("JSON object");
}

crate::on_both_backends!(
    reads,
    writes,
    bad_requests_get_problems,
    openapi_lists_every_api_route,
    openapi_states_what_the_server_answers,
    json_bodies_are_read_as_the_document_says
);
