//! `/admin/frameworks/upload`: a new framework version from a zip of its folder. The upload is
//! checked as `trellis check` checks a directory and its diagnostics shown; only a framework
//! without errors offers "Publish", which sends the same zip back (in the form, as hex) and is
//! checked again before it is published.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use trellis_app::AppError;
use trellis_app::frameworks::Upload;

use crate::auth::Me;
use crate::error::WebError;
use crate::html::view::FieldErrors;
use crate::html::{Frame, render_status};
use crate::state::AppState;

pub const PATH: &str = "/admin/frameworks/upload";

/// A zip of the largest size accepted, sent back as hex with the form around it.
pub const BODY_LIMIT: usize = 3 * trellis_formats::upload::MAX_ZIP + 64 * 1024;

#[derive(Debug, Default)]
struct Checked {
    name: String,
    errors: usize,
    warnings: usize,
    diagnostics: String,
    title: String,
    skills: usize,
    role_levels: usize,
}

#[derive(Debug, Template)]
#[template(path = "admin/framework_upload.html")]
struct UploadPage {
    frame: Frame,
    admin_section: &'static str,
    checked: Option<Checked>,
    /// The zip, to publish without choosing the file again.
    zip_hex: String,
    published: Option<String>,
    errors: FieldErrors,
}

impl UploadPage {
    fn new(ctx: &crate::auth::Ctx) -> UploadPage {
        UploadPage {
            frame: Frame::new(Some(ctx), "Upload a framework version", "admin"),
            admin_section: "frameworks",
            checked: None,
            zip_hex: String::new(),
            published: None,
            errors: FieldErrors::default(),
        }
    }
}

pub async fn form(Me(_, ctx): Me) -> Result<Response, WebError> {
    render_status(StatusCode::OK, &UploadPage::new(&ctx))
}

/// What the form sent: the zip and its name, and whether to publish it.
#[derive(Debug, Default)]
struct Sent {
    name: String,
    zip: Vec<u8>,
    publish: bool,
}

async fn read(req: Request) -> Result<Sent, WebError> {
    let unreadable = || {
        WebError::from(AppError::field(
            "framework",
            "The upload could not be read; choose the file again.",
        ))
    };
    let mut sent = Sent::default();
    if !crate::routes::is_multipart(req.headers()) {
        // The publish form: the zip checked before, as hex.
        let bytes = crate::extract::read_body(req.into_body(), BODY_LIMIT).await?;
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| unreadable())?;
        for (name, value) in fields {
            match name.as_str() {
                "zip_hex" => sent.zip = from_hex(&value).ok_or_else(unreadable)?,
                "name" => sent.name = value,
                "action" => sent.publish = value == "publish",
                _ => {}
            }
        }
        return Ok(sent);
    }
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|_| unreadable())?;
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        if field.name() == Some("framework") {
            sent.name = field.file_name().unwrap_or("framework.zip").to_owned();
            sent.zip = field.bytes().await.map_err(|_| unreadable())?.to_vec();
        }
    }
    Ok(sent)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub async fn submit(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    req: Request,
) -> Result<Response, WebError> {
    let sent = read(req).await?;
    let mut page = UploadPage::new(&ctx);
    if sent.zip.is_empty() {
        page.errors.add(
            "framework",
            "Choose the zip file of the framework's folder.",
        );
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    // A name for messages only: the file's own name, without folders or odd characters.
    let name: String = sent
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let name = if name.is_empty() {
        "framework.zip".into()
    } else {
        name
    };
    let upload = match Upload::check(&name, &sent.zip) {
        Ok(u) => u,
        Err(AppError::Invalid(problems)) => {
            page.errors = problems.into();
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(e) => return Err(e.into()),
    };
    let fw = &upload.loaded.framework;
    let checked = Checked {
        name: name.clone(),
        errors: upload.loaded.errors(),
        warnings: upload.loaded.warnings(),
        diagnostics: upload.diagnostics_text(),
        title: format!("{} {}", fw.name, fw.version),
        skills: fw.skills.len(),
        role_levels: fw.tracks.iter().map(|t| t.levels.len()).sum(),
    };
    let status = if checked.errors > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if sent.publish && checked.errors == 0 {
        let actor = caller.actor(&ctx);
        match state.app().publish_upload(&actor, &upload).await {
            Ok(v) => {
                page.published = Some(format!("/frameworks/{}", v.id));
            }
            Err(AppError::Conflict { message, .. }) => {
                page.errors.add("framework", message);
                page.checked = Some(checked);
                return render_status(StatusCode::CONFLICT, &page);
            }
            Err(e) => return Err(e.into()),
        }
    } else if checked.errors == 0 {
        page.zip_hex = to_hex(&sent.zip);
    }
    page.checked = Some(checked);
    render_status(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_goes_there_and_back() {
        let bytes = [0u8, 1, 0x7f, 0xff, b'P', b'K'];
        assert_eq!(from_hex(&to_hex(&bytes)).unwrap(), bytes);
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("é1"), None);
    }
}
