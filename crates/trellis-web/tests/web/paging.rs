//! Evidence lists a page at a time: the API's `limit` and `cursor` with the `Link` header of the
//! next page, and the evidence page's "Older evidence" link.

use axum::http::{Method, StatusCode};
use trellis_store::prelude::*;
use trellis_store::{Audit, NewEvidence};

use crate::support::App;

/// Adds `n` pieces of evidence for the member, over a few dates so that pages break inside one.
async fn log_evidence(app: &App, n: usize) {
    let as_member = Audit {
        actor_id: Some(app.ids.member_a),
        ..Default::default()
    };
    let pieces: Vec<NewEvidence> = (0..n)
        .map(|i| NewEvidence {
            person_id: app.ids.member_a,
            happened_on: format!("2026-01-{:02}", 1 + i % 5),
            title: format!("Piece {i:03}"),
            description: String::new(),
            links: vec![],
            skills: vec!["communication".into()],
            corroborators: vec![],
        })
        .collect();
    app.store
        .bulk_add_evidence(pieces, &as_member)
        .await
        .unwrap();
}

/// The address in a `Link: <…>; rel="next"` header.
fn next_link(link: Option<&str>) -> Option<String> {
    let link = link?;
    assert!(link.ends_with("rel=\"next\""), "{link}");
    Some(link[link.find('<')? + 1..link.find('>')?].to_owned())
}

pub async fn evidence_is_listed_a_page_at_a_time(app: App) {
    log_evidence(&app, 123).await;
    let member = app.ids.member_a;
    let token = app.token(app.ids.manager_a).await;
    let all = app.store.evidence_of(member).await.unwrap();

    // Without a limit: the default page of 50, and a link to the next.
    let first = app
        .api_get(&format!("/api/v1/people/{member}/evidence"), &token)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json().as_array().unwrap().len(), 50);
    let next = next_link(first.header("link")).expect("a next page");
    assert!(next.contains("limit=50"), "{next}");

    // Following the links reads everything once, in order.
    let mut seen: Vec<i64> = Vec::new();
    let mut address = Some(format!("/api/v1/people/{member}/evidence?limit=40"));
    let mut pages = 0;
    while let Some(path) = address {
        let res = app.api_get(&path, &token).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
        let ids: Vec<i64> = res
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect();
        assert!(ids.len() <= 40);
        seen.extend(ids);
        address = next_link(res.header("link"));
        pages += 1;
    }
    assert_eq!(pages, 4, "40 + 40 + 40 + 3");
    let expected: Vec<i64> = all.iter().map(|e| e.id).collect();
    assert_eq!(seen, expected, "every piece once, newest first");

    // Bad paging is a 422 naming the parameter, never a 500.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=yesterday", "cursor"),
        ("cursor=2026-03-14.05", "cursor"),
        ("cursor=%202026-03-14.5", "cursor"),
    ] {
        let res = app
            .api_get(&format!("/api/v1/people/{member}/evidence?{query}"), &token)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(res.json()["field"], field, "{query}: {}", res.body);
    }

    // The OpenAPI document says how to page.
    let doc = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let op = &doc.json()["paths"]["/api/v1/people/{id}/evidence"]["get"];
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        params.contains(&"cursor") && params.contains(&"limit"),
        "{params:?}"
    );
    assert!(
        op["responses"]["200"]["headers"]["Link"].is_object(),
        "{}",
        op["responses"]["200"]
    );

    // The page shows the newest 50 and links to the older ones.
    let b = app.browser(member).await;
    let page = app
        .get(&format!("/people/{member}/evidence"), Some(&b))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&all[0].title));
    assert!(
        !page.body.contains(&all[50].title),
        "the 51st is on the next page"
    );
    let older = page
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|b| b.rsplit("href=\"").next())
        .and_then(|h| h.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let older = older.split('#').next().unwrap().to_owned();
    assert!(older.contains("cursor="), "{older}");
    let second = app.get(&older, Some(&b)).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains(&all[50].title));
    assert!(!second.body.contains(&all[0].title));
    assert!(second.body.contains("Newest evidence"));
}

crate::on_both_backends!(evidence_is_listed_a_page_at_a_time);
