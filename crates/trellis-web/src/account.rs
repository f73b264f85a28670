//! Your own account: changing your password (which ends your other sessions) and your API tokens.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use trellis_store::{NewAuditEvent, Outcome};

use crate::auth::{self, Me, OnRecord, password_problem};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render, render_status};
use crate::state::AppState;
use trellis_app::throttle::{self, Throttle};
use trellis_app::time::date_time;
use trellis_store::prelude::*;

#[derive(Debug, Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    frame: Frame,
    errors: FieldErrors,
    changed: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangedQuery {
    changed: Option<String>,
}

pub async fn password_form(
    State(_state): State<AppState>,
    Me(_, ctx): Me,
    QueryParams(q): QueryParams<ChangedQuery>,
) -> Result<Response, WebError> {
    let page = PasswordPage {
        frame: Frame::new(Some(&ctx), "Change your password", "account"),
        errors: FieldErrors::default(),
        changed: q.changed.is_some(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, WebError> {
    let store = state.store();
    let again = |status: StatusCode, errors: FieldErrors| {
        render_status(
            status,
            &PasswordPage {
                frame: Frame::new(Some(&ctx), "Change your password", "account"),
                errors,
                changed: false,
            },
        )
    };
    let me = store.person(caller.id()).await?;
    let mut errors = FieldErrors::default();
    if f.current_password.is_empty() {
        errors.add("current_password", "Enter your current password.");
    }
    if let Some(problem) = password_problem(&f.new_password, &me.email) {
        errors.add("new_password", problem);
    } else if f.new_password == f.current_password {
        errors.add(
            "new_password",
            "Choose a password different from your current one.",
        );
    }
    if f.confirm_password != f.new_password {
        errors.add(
            "confirm_password",
            "The two new passwords are not the same.",
        );
    }
    if !errors.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, errors);
    }

    // Guessing the current password through this form is throttled like signing in (the same
    // counts), and reserved before the check for the same reason.
    let attempt = match crate::sign_in::reserve_guess(&state, &ctx, &me.email).await? {
        Throttle::Go(attempt) => attempt,
        Throttle::Wait(wait) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "current_password",
                format!(
                    "Too many wrong passwords. Wait {} and try again.",
                    throttle::describe(wait)
                ),
            );
            let mut res = again(StatusCode::TOO_MANY_REQUESTS, errors)?;
            res.headers_mut()
                .insert(header::RETRY_AFTER, crate::sign_in::retry_after(wait));
            return Ok(res);
        }
    };
    let ok = match me.password_hash.clone() {
        Some(hash) => auth::verify_blocking(f.current_password.clone(), hash).await?,
        None => false,
    };
    if !ok {
        attempt.failed();
        store
            .append_audit(
                NewAuditEvent {
                    action: "person.password".into(),
                    target: format!("person:{}", me.id),
                    outcome: Outcome::Failure,
                    details: json!({ "reason": "wrong current password" }),
                },
                &ctx.audit(),
            )
            .await?;
        let mut errors = FieldErrors::default();
        errors.add("current_password", "Your current password is not right.");
        return again(StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    attempt.succeeded(store).await?;

    let hash = auth::hash_blocking(f.new_password.clone()).await?;
    store.set_password(me.id, &hash, &ctx.audit()).await?;
    // Every session ends, this one included; this browser gets a fresh one.
    store.delete_sessions_of(me.id).await?;
    state.forget_sessions();
    let cookie = auth::start_session(&state, me.id).await?;
    let mut res = Redirect::to("/account/password?changed=1").into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

#[derive(Debug)]
struct TokenRow {
    id: i64,
    label: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    frame: Frame,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    label_value: String,
    errors: FieldErrors,
}

async fn tokens_page(
    state: &AppState,
    caller: &auth::Caller,
    ctx: &auth::Ctx,
    new_token: Option<String>,
    label: String,
    errors: FieldErrors,
) -> Result<TokensPage, WebError> {
    let tokens = state
        .store()
        .api_tokens(caller.id())
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            label: t.label,
            created: date_time(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "Never".into(), date_time),
            revoked: t.revoked_at.map(date_time),
        })
        .collect();
    Ok(TokensPage {
        frame: Frame::new(Some(ctx), "API tokens", "account"),
        tokens,
        new_token,
        label_value: label,
        errors,
    })
}

pub async fn tokens(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let page = tokens_page(
        &state,
        &caller,
        &ctx,
        None,
        String::new(),
        FieldErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    label: String,
}

pub async fn token_create(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<TokenForm>,
) -> Result<Response, WebError> {
    let label = f.label.trim().to_owned();
    let mut errors = FieldErrors::default();
    if label.is_empty() {
        errors.add(
            "label",
            "Give the token a label, such as what script uses it.",
        );
    } else if label.chars().count() > 100 {
        errors.add("label", "Use at most 100 characters.");
    }
    if !errors.is_empty() {
        let page = tokens_page(&state, &caller, &ctx, None, label, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let token = auth::new_api_token();
    state
        .store()
        .create_api_token(caller.id(), &label, &auth::sha256_hex(&token), &ctx.audit())
        .await?;
    let page = tokens_page(
        &state,
        &caller,
        &ctx,
        Some(token),
        String::new(),
        FieldErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn token_revoke(on: OnRecord<i64>) -> Result<Response, WebError> {
    let id = on.id;
    let owned = on
        .state
        .store()
        .api_tokens(on.caller.id())
        .await?
        .into_iter()
        .any(|t| t.id == id);
    if !owned {
        return Err(WebError::not_found_because("You have no such token."));
    }
    on.state
        .store()
        .revoke_api_token(id, &on.ctx.audit())
        .await?;
    // A cached copy of the token would be accepted until it ran out.
    on.state.forget_sessions();
    Ok(Redirect::to("/account/tokens").into_response())
}
