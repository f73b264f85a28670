//! `/admin/people/import`: a CSV file uploaded (multipart, larger than the global body limit) or
//! pasted, previewed, applied once, and applied again with no change; problems named by row and
//! column, with nothing written.

use axum::http::StatusCode;
use trellis_store::prelude::*;

use crate::support::{App, Browser, Resp};

const PATH: &str = "/admin/people/import";
const HEADER: &str = "email,name,manager_email,team,role_level,start_date";

/// Posts a multipart form as a browser does when a file is chosen: (name, file name, value).
async fn upload(app: &App, browser: &Browser, fields: &[(&str, Option<&str>, &str)]) -> Resp {
    let boundary = "----trellis-test-boundary";
    let mut body = String::new();
    let csrf = [("csrf_token", None, browser.csrf.as_str())];
    for (name, file, value) in csrf.iter().chain(fields) {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""
        ));
        if let Some(f) = file {
            body.push_str(&format!("; filename=\"{f}\"\r\nContent-Type: text/csv"));
        }
        body.push_str(&format!("\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    app.post_multipart(PATH, boundary, body, browser).await
}

pub async fn an_uploaded_file_is_previewed_applied_and_applied_again_to_no_change(app: App) {
    let admin = app.browser(app.ids.admin).await;
    let page = app.get(PATH, Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"enctype="multipart/form-data""#));
    let accounts = app.get("/admin/accounts", Some(&admin)).await;
    assert!(
        accounts.body.contains(&format!(r#"href="{PATH}""#)),
        "linked from the admin pages"
    );

    let csv = format!(
        "{HEADER}\n\
         new.person@test.example,New Person,manager.a@test.example,Team A,,\n\
         member.a@test.example,Member A,manager.a@test.example,Team B,,\n"
    );
    let preview = upload(
        &app,
        &admin,
        &[
            ("file", Some("people.csv"), &csv),
            ("action", None, "preview"),
        ],
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    preview.assert_contains("1 new, 1 changed, 0 deactivated");
    preview.assert_contains("team: Team A → Team B");
    assert!(preview.body.contains("Apply these changes"));
    // This server sends email: the new person can be sent a link to choose their password.
    preview.assert_contains(r#"name="welcome" checked"#);
    assert_eq!(
        app.store
            .person_by_email("new.person@test.example")
            .await
            .unwrap(),
        None
    );

    // Applied from the preview, which carries the file's text.
    let apply = [("csv", None, csv.as_str()), ("action", None, "apply")];
    let welcome = [apply[0], apply[1], ("welcome", None, "on")];
    let applied = upload(&app, &admin, &welcome).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    applied.assert_contains("1 new person was sent a link to choose their password.");
    applied.assert_contains(r#"id="imported""#);
    let new = app
        .store
        .person_by_email("new.person@test.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.manager_id, Some(app.ids.manager_a));
    let link = app
        .audit("password-reset.request")
        .await
        .into_iter()
        .filter(|e| e.target == format!("person:{}", new.id))
        .count();
    assert_eq!(link, 1, "a link was made for the new person");
    let again = upload(&app, &admin, &apply).await;
    again.assert_contains("Nothing to change");
    assert_eq!(app.audit("people.import").await.len(), 1);

    // A file larger than the global body limit (64 KiB) is taken here.
    let mut big = String::from(HEADER);
    for i in 0..1500 {
        big.push_str(&format!(
            "\nbulk.{i}@test.example,Bulk Person Number {i},,Team Bulk,,"
        ));
    }
    assert!(big.len() > 64 * 1024);
    let bulk = upload(
        &app,
        &admin,
        &[("file", Some("big.csv"), &big), ("action", None, "preview")],
    )
    .await;
    assert_eq!(
        bulk.status,
        StatusCode::OK,
        "{}",
        &bulk.body[..bulk.body.len().min(500)]
    );
    assert!(bulk.body.contains("1500 new"), "the preview counts them");
    // Up to its own limit.
    let huge = "x".repeat(3 * 1024 * 1024);
    let refused = upload(&app, &admin, &[("file", Some("huge.csv"), &huge)]).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
}

pub async fn problems_are_named_by_row_and_column(app: App) {
    let admin = app.browser(app.ids.admin).await;
    let csv = format!(
        "{HEADER}\n\
         ok@test.example,Fine,,,,\n\
         bad@test.example,Bad,x@y.example,,,\n\
         worse@test.example,Worse,,,nope/nope,\n"
    );
    let res = upload(&app, &admin, &[("file", Some("people.csv"), &csv)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.assert_contains(
        "row 3, column manager_email: no person with email x@y.example, and not in this file",
    );
    res.assert_contains("row 4, column role_level: no role level `nope/nope`");
    assert_eq!(
        app.store.person_by_email("ok@test.example").await.unwrap(),
        None
    );
    // A control character in a cell names its row and column.
    let nul = format!("{HEADER}\nnul@test.example,Nu\u{0}l,,,,\n");
    let res = upload(&app, &admin, &[("csv", None, &nul)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.assert_contains("row 2, column name:");
    res.assert_contains("control character");
    // Nothing sent at all.
    let empty = upload(&app, &admin, &[("file", Some("empty.csv"), "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Choose a CSV file");
    // Only administrators, and a form from elsewhere is refused.
    let member = app.browser(app.ids.member_a).await;
    let refused = upload(&app, &member, &[("file", Some("people.csv"), &csv)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let forged = Browser {
        csrf: "not-the-token".into(),
        ..admin.clone()
    };
    let forged = upload(&app, &forged, &[("file", Some("people.csv"), &csv)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

crate::on_both_backends!(
    an_uploaded_file_is_previewed_applied_and_applied_again_to_no_change,
    problems_are_named_by_row_and_column,
);
