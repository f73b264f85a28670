//! `/admin/accounts/{id}/erase`: erasing the data of someone who has left, confirmed by typing
//! their email address. The rules are `trellis_app::erasure`'s.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::use_cases::By;
use trellis_store::prelude::*;
use trellis_store::{ErasureReport, PersonId};

use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{PageForm, PathParams};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render_status};
use crate::state::AppState;

#[derive(Debug, Template)]
#[template(path = "admin/erase.html")]
struct ErasePage {
    frame: Frame,
    admin_section: &'static str,
    id: PersonId,
    name: String,
    email: String,
    /// Still active: they must be deactivated first, and no form is shown.
    active: bool,
    keep_ratings: bool,
    errors: FieldErrors,
    conflict: Option<String>,
    done: Option<ErasureReport>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    confirm_email: String,
    keep_ratings: Option<String>,
}

async fn page(state: &AppState, me: &Me, id: PersonId) -> Result<ErasePage, WebError> {
    let person = state.store().person(id).await.map_err(|e| match e {
        trellis_store::StoreError::NotFound(_) => {
            WebError::not_found_because("There is no such account.")
        }
        other => other.into(),
    })?;
    Ok(ErasePage {
        frame: Frame::new(
            Some(&me.1),
            format!("Erase the data of {}", person.name),
            "admin",
        ),
        admin_section: "accounts",
        id,
        name: person.name,
        email: person.email,
        active: person.active,
        keep_ratings: false,
        errors: FieldErrors::default(),
        conflict: None,
        done: None,
    })
}

pub async fn form(
    State(state): State<AppState>,
    me: Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Response, WebError> {
    let page = page(&state, &me, id).await?;
    render_status(StatusCode::OK, &page)
}

pub async fn submit(
    State(state): State<AppState>,
    me: Me,
    PathParams(id): PathParams<PersonId>,
    PageForm(f): PageForm<EraseForm>,
) -> Result<Response, WebError> {
    let mut page = page(&state, &me, id).await?;
    page.keep_ratings = f.keep_ratings.is_some();
    if !f.confirm_email.trim().eq_ignore_ascii_case(&page.email) {
        page.errors.add(
            "confirm_email",
            format!("Type their email address, {}, to confirm.", page.email),
        );
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let actor = me.0.actor(&me.1);
    match state
        .app()
        .erasures()
        .erase(By::Admin(&actor), id, page.keep_ratings)
        .await
    {
        Ok(report) => {
            state.forget_sessions();
            page.done = Some(report);
            page.name = "Erased person".into();
            render_status(StatusCode::OK, &page)
        }
        Err(AppError::Conflict { message, .. }) => {
            page.conflict = Some(message);
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(e) => Err(e.into()),
    }
}
