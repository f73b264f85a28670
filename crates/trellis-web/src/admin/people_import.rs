//! `/admin/people/import`: people from the HR system, from an uploaded CSV file (or pasted text).
//! A preview shows what would change; applying it makes every change in one transaction. The
//! rules are `trellis_app::people_import`'s.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use trellis_app::people_import::{COLUMNS, ImportOptions, ImportPlan};
use trellis_app::use_cases::By;
use trellis_app::{Actor, AppError};
use trellis_store::prelude::*;

use crate::auth::Me;
use crate::error::WebError;
use crate::html::view::FieldErrors;
use crate::html::{Frame, render_status};
use crate::state::AppState;

/// The path of the page, whose requests may be larger than others (see [`BODY_LIMIT`]).
pub const PATH: &str = "/admin/people/import";

/// An HR file of some ten thousand people fits.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(Debug, Template)]
#[template(path = "admin/people_import.html")]
struct ImportPage {
    frame: Frame,
    admin_section: &'static str,
    columns: String,
    /// The CSV of the preview, to apply without sending the file again.
    csv: String,
    deactivate_absent: bool,
    plan: Option<ImportPlan>,
    applied: bool,
    /// Whether this server sends email, so that new people can be welcomed with a link.
    by_email: bool,
    /// How many new people were sent a link to choose their password.
    welcomed: usize,
    errors: FieldErrors,
}

impl ImportPage {
    fn new(ctx: &crate::auth::Ctx) -> ImportPage {
        ImportPage {
            frame: Frame::new(Some(ctx), "Import people", "admin"),
            admin_section: "import",
            columns: COLUMNS.join(","),
            csv: String::new(),
            deactivate_absent: false,
            plan: None,
            applied: false,
            by_email: false,
            welcomed: 0,
            errors: FieldErrors::default(),
        }
    }
}

pub async fn form(State(state): State<AppState>, Me(_, ctx): Me) -> Result<Response, WebError> {
    let mut page = ImportPage::new(&ctx);
    page.by_email = state.app().password_resets().by_email();
    render_status(StatusCode::OK, &page)
}

/// What the form sent: the file (or the pasted text), and what to do with it.
#[derive(Debug, Default)]
struct Upload {
    csv: String,
    deactivate_absent: bool,
    apply: bool,
    /// Send the new people a link to choose their password.
    welcome: bool,
}

impl Upload {
    fn set(&mut self, name: &str, value: String) {
        match name {
            // The file, when one was chosen, wins over the text.
            "file" if !value.trim().is_empty() => self.csv = value,
            "csv" if self.csv.trim().is_empty() => self.csv = value,
            "deactivate_absent" => self.deactivate_absent = true,
            "welcome" => self.welcome = true,
            "action" => self.apply = value == "apply",
            _ => {}
        }
    }

    /// From a multipart form (a file chosen) or a plain one (text pasted).
    async fn read(req: Request) -> Result<Upload, WebError> {
        let mut upload = Upload::default();
        if !crate::routes::is_multipart(req.headers()) {
            let bytes = crate::extract::read_body(req.into_body(), BODY_LIMIT).await?;
            let fields: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).map_err(|_| {
                    WebError::from(AppError::field(
                        "file",
                        "The form could not be read; send it again.",
                    ))
                })?;
            for (name, value) in fields {
                upload.set(&name, value);
            }
            return Ok(upload);
        }
        let unreadable = || {
            WebError::from(AppError::field(
                "file",
                "The upload could not be read; choose the file again.",
            ))
        };
        let mut form = Multipart::from_request(req, &())
            .await
            .map_err(|_| unreadable())?;
        while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            let Ok(text) = String::from_utf8(bytes.to_vec()) else {
                return Err(AppError::field(
                    "file",
                    "The file is not UTF-8 text: save it as CSV UTF-8.",
                )
                .into());
            };
            upload.set(&name, text);
        }
        Ok(upload)
    }
}

pub async fn submit(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    req: Request,
) -> Result<Response, WebError> {
    let upload = Upload::read(req).await?;
    let mut page = ImportPage::new(&ctx);
    page.deactivate_absent = upload.deactivate_absent;
    page.by_email = state.app().password_resets().by_email();
    if upload.csv.trim().is_empty() {
        page.errors
            .add("file", "Choose a CSV file, or paste its text.");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let actor = caller.actor(&ctx);
    let imports = state.app().people_import();
    let options = ImportOptions {
        deactivate_absent: upload.deactivate_absent,
    };
    let result = if upload.apply {
        imports.apply(By::Admin(&actor), &upload.csv, options).await
    } else {
        imports.plan(By::Admin(&actor), &upload.csv, options).await
    };
    match result {
        Ok(plan) => {
            page.applied = upload.apply;
            // Reporting lines and roles may have changed: sessions read their person afresh.
            if upload.apply {
                state.forget_sessions();
                if upload.welcome && page.by_email {
                    page.welcomed = welcome(&state, &actor, &plan).await?;
                }
            }
            page.plan = Some(plan);
            page.csv = upload.csv;
            render_status(StatusCode::OK, &page)
        }
        Err(AppError::Invalid(problems)) => {
            page.errors = problems.into();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends the people the import made a link to choose their password; gives how many were sent.
async fn welcome(state: &AppState, actor: &Actor, plan: &ImportPlan) -> Result<usize, WebError> {
    let mut ids = Vec::new();
    for c in &plan.created {
        if let Some(p) = state.store().person_by_email(&c.email).await? {
            ids.push(p.id);
        }
    }
    let sent = state
        .app()
        .password_resets()
        .welcome(By::Admin(actor), &ids)
        .await?;
    Ok(sent.len())
}
