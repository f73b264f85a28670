//! A person's data, all of it: yours under your account, anyone's for an administrator (without
//! the content of their check-ins, which administrators do not read). A page to read and a JSON
//! download; each export is audited by the use case.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use trellis_app::privacy::{self, PersonExport};
use trellis_app::use_cases::By;
use trellis_store::PersonId;

use crate::auth::{Caller, Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::html::{Frame, render};
use crate::state::AppState;

#[derive(Debug, Template)]
#[template(path = "privacy/data.html")]
struct DataPage {
    frame: Frame,
    heading: String,
    intro: String,
    json_href: String,
    sections: String,
}

/// The page of your own data.
pub async fn own(State(state): State<AppState>, Me(caller, ctx): Me) -> Result<Response, WebError> {
    let export = state
        .app()
        .privacy()
        .export_own(&caller.actor(&ctx))
        .await?;
    let page = DataPage {
        frame: Frame::new(Some(&ctx), "Your data", "account"),
        heading: "Your data".into(),
        intro: "Everything Trellis holds about you, and everything you wrote in it: your account, \
                assessments and ratings, evidence with its earlier versions, the input you gave \
                others, your check-ins with the shared notes and your own private ones, your \
                plan, your notifications and the audit events about you."
            .into(),
        json_href: "/account/data.json".into(),
        sections: privacy::html_sections(&export),
    };
    Ok(render(&page)?.into_response())
}

/// Your own data as a JSON file.
pub async fn own_json(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let export = state
        .app()
        .privacy()
        .export_own(&caller.actor(&ctx))
        .await?;
    json_download(&export)
}

/// Someone's data, for an administrator.
pub async fn person(on: OnRecord<PersonId>) -> Result<Response, WebError> {
    let id = on.id;
    let export = export_for_admin(&on.state, &on.caller, &on.ctx, id).await?;
    let page = DataPage {
        frame: Frame::new(
            Some(&on.ctx),
            format!("Data held about {}", export.person.name),
            "admin",
        ),
        heading: format!("Data held about {}", export.person.name),
        intro: "Everything Trellis holds about this person, but the content of their check-ins: \
                administrators see that and when they met, not what they wrote. The person finds \
                all of it, notes included, under their account's “Your data”; \
                `trellis person export` gives it complete to an operator answering their request."
            .into(),
        json_href: format!("/admin/people/{id}/data.json"),
        sections: privacy::html_sections(&export),
    };
    Ok(render(&page)?.into_response())
}

/// Someone's data as a JSON file, for an administrator.
pub async fn person_json(on: OnRecord<PersonId>) -> Result<Response, WebError> {
    let id = on.id;
    json_download(&export_for_admin(&on.state, &on.caller, &on.ctx, id).await?)
}

/// Someone's data as an administrator reads it.
async fn export_for_admin(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    id: PersonId,
) -> Result<PersonExport, WebError> {
    let actor = caller.actor(ctx);
    Ok(state.app().privacy().export(By::Admin(&actor), id).await?)
}

fn json_download(export: &PersonExport) -> Result<Response, WebError> {
    let body = serde_json::to_string_pretty(export)
        .map_err(|e| WebError::internal(format!("the export could not be written: {e}")))?;
    let file = format!(
        "attachment; filename=\"trellis-data-person-{}.json\"",
        export.person.id
    );
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&file) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
