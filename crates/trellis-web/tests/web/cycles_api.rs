//! Review cycles in the JSON API, on both databases: the list and a cycle's progress for the
//! people team, with the same figures as the cycle's page; a cycle's calibration with the same
//! figures as the calibration page, for the people team (everyone) and each manager (their own
//! people); members refused and unknown cycles not found, as on the pages.

use axum::http::StatusCode;
use serde_json::Value;
use trellis_store::{RaterKind, Stage};

use crate::support::{App, rate_in_store, review_with_an_agreed_outcome};

/// Rates programming as its rater would, through the store.
async fn rate(app: &App, id: i64, kind: RaterKind, rater: i64, level: &str, to: Stage) {
    rate_in_store(app, id, kind, rater, ("programming", level), to).await;
}

async fn get(app: &App, path: &str, token: &str) -> (StatusCode, Value) {
    let r = app.api_get(path, token).await;
    let body = if r.status == StatusCode::OK {
        r.json()
    } else {
        Value::Null
    };
    (r.status, body)
}

/// The cells of the row of a page's table whose header starts with `label`.
fn row<'a>(body: &'a str, table: &str, label: &str) -> &'a str {
    body.split(&format!("id=\"{table}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no table {table}"))
        .split("</table>")
        .next()
        .unwrap()
        .split("<tr>")
        .find(|r| r.contains(&format!(">{label}<")))
        .unwrap_or_else(|| panic!("no row {label} in {table}"))
}

/// The page's cells of a group: its buckets, outcomes and mean gap.
fn cells(group: &Value) -> String {
    let mut out: String = group["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("<td>{c}</td>"))
        .collect();
    let mean = group["mean"]
        .as_f64()
        .map_or_else(|| "–".to_owned(), |m| format!("{m:+.2}"));
    out.push_str(&format!("<td>{}</td><td>{mean}</td>", group["n"]));
    out
}

/// Every group of the API's distributions is on the page with the same figures.
fn same_figures(api: &Value, page: &str) {
    let mut groups = 0;
    for d in api["distributions"].as_array().unwrap() {
        let table = format!("by-{}-table", d["dimension"].as_str().unwrap());
        for g in d["groups"].as_array().unwrap() {
            let label = g["label"].as_str().unwrap();
            let r = row(page, &table, label);
            assert!(
                r.contains(&cells(g)),
                "{table} {label}: {r} vs {}",
                cells(g)
            );
            groups += 1;
        }
    }
    assert!(groups >= 4, "{groups} groups compared");
    let overall = format!(
        "{} outcomes in view, mean gap <strong>{}</strong>",
        api["overall"]["n"],
        api["overall"]["mean"]
            .as_f64()
            .map_or_else(|| "–".to_owned(), |m| format!("{m:+.2}"))
    );
    assert!(page.contains(&overall), "{overall}");
}

pub async fn cycles_and_their_calibration_in_the_api(app: App) {
    let ids = app.ids;
    let pt = app.token(ids.people_team).await;
    let (ma, mb, member) = (
        app.token(ids.manager_a).await,
        app.token(ids.manager_b).await,
        app.token(ids.member_a).await,
    );
    let pb = app.browser(ids.people_team).await;
    // Member A's outcome is agreed above the required level; member B's manager rated them at it
    // and the agreement is overdue.
    let (cycle, _, theirs) =
        review_with_an_agreed_outcome(&app, 2020, "engineering/software-engineer").await;
    rate(
        &app,
        theirs,
        RaterKind::SelfRater,
        ids.member_b,
        "working",
        Stage::Manager,
    )
    .await;
    rate(
        &app,
        theirs,
        RaterKind::Manager,
        ids.manager_b,
        "working",
        Stage::Compare,
    )
    .await;

    // The list, and one cycle's progress as its page shows it.
    let (status, list) = get(&app, "/api/v1/cycles", &pt).await;
    assert_eq!(status, StatusCode::OK);
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == cycle)
        .expect("the cycle is listed");
    assert_eq!(listed["status"], "open");
    assert!(
        listed["population_label"]
            .as_str()
            .unwrap()
            .starts_with("Track ")
    );
    assert_eq!(listed["deadlines"]["agreed_due"], "2020-02-12");
    let (status, progress) = get(&app, &format!("/api/v1/cycles/{}", cycle), &pt).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(progress["people"], 2);
    let agreement = &progress["stages"][4];
    assert_eq!(agreement["stage"], "Agreement");
    assert_eq!(
        (
            &agreement["done"],
            &agreement["waiting"],
            &agreement["overdue"]
        ),
        (&Value::from(1), &Value::from(1), &Value::from(1))
    );
    let overdue = progress["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert_eq!(overdue[0]["key"], format!("a{theirs}"));
    assert_eq!(overdue[0]["waiting_on"], ids.manager_b);
    let page = app.get(&format!("/cycles/{}", cycle), Some(&pb)).await;
    assert!(page.body.contains(&format!("id=\"overdue-a{theirs}\"")));
    page.assert_contains("Remind everyone overdue (1)");
    let team_total: u64 = progress["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["people"].as_u64().unwrap())
        .sum();
    assert_eq!(team_total, 2);

    // Calibration: the people team sees everyone, with the page's figures.
    let calibration = format!("/api/v1/cycles/{}/calibration", cycle);
    let page_path = format!("/cycles/{}/calibration", cycle);
    let (status, all) = get(&app, &calibration, &pt).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all["everyone"], true);
    assert_eq!(all["overall"]["n"], 2);
    let page = app.get(&page_path, Some(&pb)).await;
    same_figures(&all, &page.body);
    let leniency = all["leniency"].as_array().unwrap();
    assert_eq!(leniency.len(), 2);
    assert!(
        leniency
            .iter()
            .all(|l| l["verdict"] == "Too few ratings to tell")
    );

    // Each manager their own people, as on their page.
    let (status, a_view) = get(&app, &calibration, &ma).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a_view["everyone"], false);
    assert_eq!(a_view["overall"]["n"], 1);
    assert_eq!(a_view["overall"]["mean"], 1.0);
    assert_eq!(a_view["organisation_n"], 2);
    let a_page = app
        .get(&page_path, Some(&app.browser(ids.manager_a).await))
        .await;
    same_figures(&a_view, &a_page.body);
    let (_, b_view) = get(&app, &calibration, &mb).await;
    assert_eq!(b_view["overall"]["n"], 1);
    assert!(!b_view.to_string().contains("manager a"));

    // A member is refused, as on the page; an unknown cycle is not found.
    assert_eq!(
        get(&app, &calibration, &member).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&page_path, Some(&app.browser(ids.member_a).await))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, &format!("/api/v1/cycles/{}", cycle), &member)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    for path in ["/api/v1/cycles/999999", "/api/v1/cycles/999999/calibration"] {
        assert_eq!(
            get(&app, path, &pt).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        get(&app, "/api/v1/cycles/999999/calibration", &ma).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/cycles/999999/calibration", Some(&pb))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

crate::on_both_backends!(cycles_and_their_calibration_in_the_api);
