//! The inbox page: what waits for the caller or changed for them, newest first, with marks read
//! and how they want to hear of it by email.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::AppError;
use trellis_app::time::date_time;
use trellis_store::EmailMode;

use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, field};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

#[derive(Debug)]
struct Row {
    id: i64,
    subject: String,
    link: String,
    at: String,
    unread: bool,
}

#[derive(Debug)]
struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Debug, Template)]
#[template(path = "notifications/inbox.html")]
struct InboxPage {
    frame: Frame,
    rows: Vec<Row>,
    unread: i64,
    older: Option<String>,
    choices: Vec<Choice>,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    before: Option<i64>,
    done: Option<String>,
}

fn choices(mode: EmailMode) -> Vec<Choice> {
    [
        (EmailMode::Each, "Each one, as it happens"),
        (EmailMode::Daily, "A daily digest"),
        (EmailMode::Off, "No email: this inbox only"),
    ]
    .into_iter()
    .map(|(m, label)| Choice {
        value: m.as_str(),
        label,
        checked: m == mode,
    })
    .collect()
}

async fn inbox_page(
    state: &AppState,
    caller: &crate::auth::Caller,
    ctx: &crate::auth::Ctx,
    before: Option<i64>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<InboxPage, WebError> {
    let actor = caller.actor(ctx);
    let notifications = state.app().notifications();
    let inbox = notifications.inbox(&actor, before).await?;
    let mode = notifications.email_mode(&actor).await?;
    let mut frame = Frame::new(Some(ctx), "Inbox", "notifications");
    // What this page shows, not what the request started with (a mark may have just been made).
    frame.unread = inbox.unread;
    Ok(InboxPage {
        frame,
        rows: inbox
            .notifications
            .into_iter()
            .map(|n| Row {
                id: n.id,
                subject: n.subject,
                link: n.link,
                at: date_time(n.at),
                unread: n.read_at.is_none(),
            })
            .collect(),
        unread: inbox.unread,
        older: inbox
            .older_than
            .map(|id| format!("/notifications?before={id}")),
        choices: choices(mode),
        errors,
        notice,
    })
}

/// `GET /notifications`: the caller's inbox; `?before=ID` for older ones.
pub async fn inbox(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    QueryParams(q): QueryParams<InboxQuery>,
) -> Result<Response, WebError> {
    let notice = match q.done.as_deref() {
        Some("read") => Some("Marked as read."),
        Some("email") => Some("Your email choice is saved."),
        _ => None,
    };
    let page = inbox_page(
        &state,
        &caller,
        &ctx,
        q.before,
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /notifications/read`: `id` marks one read; without it, all of them.
pub async fn mark_read(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let ids = match field(&f, "id").map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(id) => Some(vec![id]),
            Err(_) => return Err(WebError::invalid("id", "Not a notification.")),
        },
    };
    let actor = caller.actor(&ctx);
    state.app().notifications().mark_read(&actor, ids).await?;
    Ok(Redirect::to("/notifications?done=read").into_response())
}

/// `POST /notifications/email`: `email` is `each`, `daily` or `off`.
pub async fn email(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let choice = field(&f, "email").unwrap_or_default();
    match state
        .app()
        .notifications()
        .set_email_mode(&actor, choice)
        .await
    {
        Ok(_) => Ok(Redirect::to("/notifications?done=email").into_response()),
        Err(AppError::Invalid(problems)) => {
            let errors = FieldErrors::from(problems);
            let page = inbox_page(&state, &caller, &ctx, None, errors, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
