//! The notifications API: the caller's inbox, marking read, and their email choice.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use trellis_store::Notification;
use utoipa::ToSchema;

use crate::auth::Me;
use crate::error::{Problem, WebError};
use crate::extract::{ApiJson, QueryParams};
use crate::state::AppState;

/// A notification: what happened, in a sentence, and where to act on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationJson {
    pub id: i64,
    /// `assessment.waiting`, `assessment.compare`, `assessment.agreed`, `peer.asked` or `peer.given`.
    pub kind: String,
    pub subject: String,
    /// A path within Trellis, e.g. `/assessments/12`.
    pub link: String,
    /// Unix milliseconds.
    pub at: i64,
    pub read_at: Option<i64>,
}

impl From<Notification> for NotificationJson {
    fn from(n: Notification) -> Self {
        NotificationJson {
            id: n.id,
            kind: n.kind,
            subject: n.subject,
            link: n.link,
            at: n.at,
            read_at: n.read_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxJson {
    pub unread: i64,
    /// Newest first, at most 50.
    pub notifications: Vec<NotificationJson>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub older_than: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only notifications older than this id.
    pub before: Option<i64>,
}

/// Marks notifications read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadJson {
    /// These of yours; leave out to mark all of them. Others' ids are ignored.
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedJson {
    /// How many were unread and are read now.
    pub marked: u64,
}

/// How you hear of notifications by email.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailJson {
    /// `each` (one email per notification), `daily` (a digest) or `off`.
    #[schema(pattern = "^(each|daily|off)$")]
    pub email: String,
}

/// The caller's notifications, newest first, and how many are unread.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    tag = "notifications",
    params(InboxQuery),
    responses((status = 200, body = InboxJson))
)]
pub async fn inbox(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    QueryParams(q): QueryParams<InboxQuery>,
) -> Result<Json<InboxJson>, WebError> {
    let actor = caller.actor(&ctx);
    let inbox = state.app().notifications().inbox(&actor, q.before).await?;
    Ok(Json(InboxJson {
        unread: inbox.unread,
        notifications: inbox.notifications.into_iter().map(Into::into).collect(),
        older_than: inbox.older_than,
    }))
}

/// Marks some or all of the caller's notifications read.
#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    tag = "notifications",
    request_body = MarkReadJson,
    responses((status = 200, body = MarkedJson))
)]
pub async fn mark_read(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    ApiJson(body): ApiJson<MarkReadJson>,
) -> Result<Json<MarkedJson>, WebError> {
    let actor = caller.actor(&ctx);
    let marked = state
        .app()
        .notifications()
        .mark_read(&actor, body.ids)
        .await?;
    Ok(Json(MarkedJson { marked }))
}

/// How the caller hears of notifications by email.
#[utoipa::path(
    get,
    path = "/api/v1/notifications/email",
    tag = "notifications",
    responses((status = 200, body = EmailJson))
)]
pub async fn email(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Json<EmailJson>, WebError> {
    let mode = state
        .app()
        .notifications()
        .email_mode(&caller.actor(&ctx))
        .await?;
    Ok(Json(EmailJson {
        email: mode.as_str().to_owned(),
    }))
}

/// Changes how the caller hears of notifications by email.
#[utoipa::path(
    put,
    path = "/api/v1/notifications/email",
    tag = "notifications",
    request_body = EmailJson,
    responses(
        (status = 200, body = EmailJson),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn set_email(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    ApiJson(body): ApiJson<EmailJson>,
) -> Result<Json<EmailJson>, WebError> {
    let actor = caller.actor(&ctx);
    let mode = state
        .app()
        .notifications()
        .set_email_mode(&actor, &body.email)
        .await?;
    Ok(Json(EmailJson {
        email: mode.as_str().to_owned(),
    }))
}
