//! `/admin/frameworks/upload`: a zip of a framework folder checked as `trellis check` checks it,
//! its diagnostics shown, published only without errors, once per version.

use std::io::Write;

use axum::http::StatusCode;
use trellis_store::prelude::*;

use crate::support::{App, Browser, Resp};

const PATH: &str = "/admin/frameworks/upload";

/// The starter framework zipped as a folder, with `framework.yaml` edited by `edit`.
fn starter_zip(edit: impl Fn(&str) -> String) -> Vec<u8> {
    let files = trellis_formats::starter::starter_files();
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for f in &files.files {
        let bytes = f.bytes.as_ref().unwrap();
        let bytes = if f.path == "framework.yaml" {
            edit(std::str::from_utf8(bytes).unwrap()).into_bytes()
        } else {
            bytes.clone()
        };
        zip.start_file(
            format!("starter/{}", f.path),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

async fn upload(app: &App, browser: &Browser, zip: &[u8]) -> Resp {
    let boundary = "----trellis-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n",
            browser.csrf
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"framework\"; \
             filename=\"starter.zip\"\r\nContent-Type: application/zip\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(zip);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.post_multipart(PATH, boundary, body, browser).await
}

pub async fn a_framework_zip_is_checked_then_published(app: App) {
    let admin = app.browser(app.ids.admin).await;
    let list = app.get("/admin/frameworks", Some(&admin)).await;
    assert!(list.body.contains(&format!(r#"href="{PATH}""#)), "linked");

    // An error: the check's diagnostic, and no way to publish.
    let broken = starter_zip(|y| y.replacen("version: \"1.0.0\"", "version: [1, 0]", 1));
    let res = upload(&app, &admin, &broken).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.assert_contains("error[");
    res.assert_contains("starter.zip/framework.yaml:");
    assert!(!res.body.contains(r#"value="publish""#));

    // Not a zip at all.
    let res = upload(&app, &admin, b"name,email\n").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.assert_contains("not a zip file");

    // A sound new version: checked, then published from the preview.
    let good = starter_zip(|y| y.replacen("version: \"1.0.0\"", "version: \"1.1.0\"", 1));
    let res = upload(&app, &admin, &good).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.assert_contains(" 0 error(s)");
    let hex = res
        .input_value("zip_hex")
        .expect("the zip comes back in the form");
    let before = app.store.current_framework().await.unwrap().unwrap();
    assert_eq!(before.version, "1.0.0");
    let publish = [
        ("zip_hex", hex.as_str()),
        ("name", "starter.zip"),
        ("action", "publish"),
    ];
    let res = app.post_form(PATH, &publish, Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.assert_contains("Published.");
    let now = app.store.current_framework().await.unwrap().unwrap();
    assert_eq!(now.version, "1.1.0");
    assert_eq!(now.published_by, Some(app.ids.admin));
    let events = app.audit("framework.publish").await;
    assert_eq!(events[0].actor_id, Some(app.ids.admin));

    // The same version again is refused, saying why.
    let again = app.post_form(PATH, &publish, Some(&admin)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    again.assert_contains("published already");

    // A tampered preview is checked again: broken content is not published.
    let hex: String = broken.iter().map(|b| format!("{b:02x}")).collect();
    let tampered = [("zip_hex", hex.as_str()), ("action", "publish")];
    let res = app.post_form(PATH, &tampered, Some(&admin)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let still = app.store.current_framework().await.unwrap().unwrap();
    assert_eq!(still.version, "1.1.0");
}

crate::on_both_backends!(a_framework_zip_is_checked_then_published);
