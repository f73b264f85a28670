//! Peer input pages: the inbox of requests addressed to the caller and the page that answers one.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use trellis_app::AppError;
use trellis_app::growth::{self, AssessmentCtx};
use trellis_app::time::{date, date_time};
use trellis_store::prelude::*;
use trellis_store::{PeerRequest, RaterKind, Stage};

use crate::assessments::pages::ratings_from;
use crate::assessments::view::{RatingField, ScaleKey, said, scale_key};
use crate::auth::{Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::extract::PageForm;
use crate::html::form::{Fields, field};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

#[derive(Debug)]
struct InboxRow {
    href: String,
    person: String,
    role: String,
    skills: usize,
    requested: String,
    status: String,
}

#[derive(Debug, Template)]
#[template(path = "peer_requests/inbox.html")]
struct InboxPage {
    frame: Frame,
    rows: Vec<InboxRow>,
}

/// `GET /peer-requests`: the requests for input addressed to the caller.
pub async fn inbox(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let store = state.store();
    let requests = store.peer_requests_for(caller.id()).await?;
    let mut rows = Vec::new();
    for r in requests {
        let a = store.assessment(r.assessment_id).await?;
        let person = store.person(a.person_id).await?;
        let fw = state
            .framework(crate::state::VersionRef::Id(a.framework_version_id))
            .await?;
        rows.push(InboxRow {
            href: format!("/peer-requests/{}", r.id),
            person: person.name,
            role: crate::html::view::role_title(&fw.framework, &a.role_level),
            skills: r.skills.len(),
            requested: date(r.requested_at),
            status: match r.submitted_at {
                Some(at) => format!("Answered on {}", date(at)),
                None => "Waiting for your answer".to_owned(),
            },
        });
    }
    let page = InboxPage {
        frame: Frame::new(Some(&ctx), "Requests for your input", "home"),
        rows,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug)]
struct MySaid {
    name: String,
    text: String,
    comment: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "peer_requests/request.html")]
struct PeerPage {
    frame: Frame,
    id: i64,
    person_name: String,
    role_title: String,
    requested_by: String,
    requested: String,
    submitted: Option<String>,
    closed: bool,
    errors: FieldErrors,
    conflict: Option<String>,
    fields: Vec<RatingField>,
    scale_key: Vec<ScaleKey>,
    mine: Vec<MySaid>,
}

async fn peer_page(
    state: &AppState,
    ctx: &Ctx,
    request: &PeerRequest,
    a: &AssessmentCtx,
    typed: Option<&Fields>,
    errors: FieldErrors,
    conflict: Option<String>,
) -> Result<PeerPage, WebError> {
    let store = state.store();
    let fw = a.framework();
    // Only what this peer wrote, never the others' ratings.
    let mine = store
        .ratings(a.assessment.id)
        .await?
        .into_iter()
        .filter(|r| r.rater_kind == RaterKind::Peer && r.rater_id == request.peer_id)
        .map(|r| {
            let s = said(fw, &r);
            MySaid {
                name: a
                    .requirement(&r.skill)
                    .map(|q| q.skill_name.clone())
                    .unwrap_or_else(|| r.skill.clone()),
                text: s.text,
                comment: s.comment,
            }
        })
        .collect();
    let fields = request
        .skills
        .iter()
        .filter_map(|s| a.requirement(s))
        .map(|req| {
            let skill = &req.skill;
            let get = |k: &str| {
                typed
                    .and_then(|t| field(t, &format!("{k}.{skill}")))
                    .unwrap_or_default()
                    .to_owned()
            };
            RatingField {
                selected: get("level"),
                reason: get("reason"),
                comment: get("comment"),
                ..RatingField::blank(fw, req, state.config().licensed)
            }
        })
        .collect();
    let requested_by = growth::names(store, vec![request.requested_by])
        .await?
        .remove(&request.requested_by)
        .unwrap_or_default();
    Ok(PeerPage {
        frame: Frame::new(Some(ctx), format!("Input for {}", a.person.name), "home"),
        id: request.id,
        person_name: a.person.name.clone(),
        role_title: a.profile.title.clone(),
        requested_by,
        requested: date(request.requested_at),
        submitted: request.submitted_at.map(date_time),
        closed: a.assessment.stage == Stage::Agreed,
        errors,
        conflict,
        scale_key: scale_key(
            fw,
            request.skills.iter().map(String::as_str),
            state.config().licensed,
        ),
        fields,
        mine,
    })
}

/// `GET /peer-requests/{id}`: the peer's page, with the form until they answer.
pub async fn peer_request(on: OnRecord<i64>) -> Result<Response, WebError> {
    let id = on.id;
    let (request, a) = on.app().peer_requests().open(&on.actor, id).await?;
    let page = peer_page(
        &on.state,
        &on.ctx,
        &request,
        &a,
        None,
        FieldErrors::default(),
        None,
    )
    .await?;
    on.state.audit_read(
        on.ctx.audit(),
        "assessment.read",
        a.target(),
        json!({ "person": a.person.id, "view": "peer-request", "request": id }),
    );
    Ok(render(&page)?.into_response())
}

/// `POST /peer-requests/{id}`: the peer's ratings of the requested skills.
pub async fn peer_submit(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let peer_requests = on.app().peer_requests();
    let (request, a) = peer_requests.open(&on.actor, id).await?;
    let ratings = ratings_from(&f, &request.skills);
    match peer_requests.answer(&on.actor, &request, &a, ratings).await {
        Ok(_) => Ok(Redirect::to(&format!("/peer-requests/{id}")).into_response()),
        Err(refusal) => match refusal {
            AppError::Invalid(problems) => {
                let errors = FieldErrors::from(problems);
                let page =
                    peer_page(&on.state, &on.ctx, &request, &a, Some(&f), errors, None).await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            AppError::Conflict { message, .. } => {
                let fresh = growth::load_peer_request(on.state.store(), id).await?;
                let page = peer_page(
                    &on.state,
                    &on.ctx,
                    &fresh,
                    &a,
                    None,
                    FieldErrors::default(),
                    Some(message),
                )
                .await?;
                render_status(StatusCode::CONFLICT, &page)
            }
            e => Err(e.into()),
        },
    }
}
