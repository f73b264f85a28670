//! A forgotten password: asking for a reset link by email, and the page the link opens. The rules
//! are `trellis_app::password_reset`'s; without email configured the pages say to ask an
//! administrator.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::password_reset::{LINK_GONE, NO_EMAIL, Requested};
use trellis_app::throttle;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::extract::{PageForm, PathParams};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render_status};
use crate::sign_in::{anonymous_form, retry_after};
use crate::state::AppState;

#[derive(Debug, Template)]
#[template(path = "sign_in/forgot_password.html")]
struct ForgotPage {
    frame: Frame,
    /// Links can be emailed; otherwise the page says to ask an administrator.
    by_email: bool,
    no_email: &'static str,
    email: String,
    /// The answer to a request, the same whether or not the account exists.
    sent: bool,
    expiry: String,
    error: Option<String>,
    errors: FieldErrors,
}

impl ForgotPage {
    fn new(state: &AppState, ctx: &Ctx, email: String) -> ForgotPage {
        ForgotPage {
            frame: Frame::new(Some(ctx), "Reset your password", ""),
            by_email: state.app().password_resets().by_email(),
            no_email: NO_EMAIL,
            email,
            sent: false,
            expiry: throttle::describe(state.config().password_reset_expiry),
            error: None,
            errors: FieldErrors::default(),
        }
    }
}

/// Renders a page with a form that may be sent before signing in, with its pre-session cookie.
fn anonymous_page(
    status: StatusCode,
    ctx: Ctx,
    page: impl FnOnce(Frame) -> Result<Response, WebError>,
    title: &str,
) -> Result<Response, WebError> {
    let (ctx, cookie) = anonymous_form(ctx);
    let mut res = page(Frame::new(Some(&ctx), title, ""))?;
    *res.status_mut() = status;
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

pub async fn forgot_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let page = ForgotPage::new(&state, &ctx, String::new());
    anonymous_page(
        StatusCode::OK,
        ctx,
        |frame| render_status(StatusCode::OK, &ForgotPage { frame, ..page }),
        "Reset your password",
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

pub async fn forgot_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<ForgotForm>,
) -> Result<Response, WebError> {
    let mut page = ForgotPage::new(&state, &ctx, f.email.trim().to_owned());
    let resets = state.app().password_resets();
    if !page.by_email {
        return render_status(StatusCode::OK, &page);
    }
    match resets.request(&f.email, ctx.ip.as_deref()).await {
        // The email goes out on its own: the answer does not wait for it.
        Ok(Requested::Accepted(_delivery)) => {
            page.sent = true;
            render_status(StatusCode::OK, &page)
        }
        Ok(Requested::Wait(wait)) => {
            page.error = Some(format!(
                "Too many reset links asked for from here. Wait {} and try again, or ask an \
                 administrator to set a new password for you.",
                throttle::describe(wait)
            ));
            let mut res = render_status(StatusCode::TOO_MANY_REQUESTS, &page)?;
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after(wait));
            Ok(res)
        }
        Err(AppError::Invalid(problems)) => {
            page.errors = problems.into();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Template)]
#[template(path = "sign_in/reset_password.html")]
struct ResetPage {
    frame: Frame,
    token: String,
    /// The account's email, for password managers; empty when the link cannot be used.
    email: String,
    /// Why the link cannot be used, if it cannot.
    gone: Option<&'static str>,
    done: bool,
    errors: FieldErrors,
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PathParams(token): PathParams<String>,
) -> Result<Response, WebError> {
    let (status, email, gone) = match state.app().password_resets().check(&token).await {
        Ok(person) => (StatusCode::OK, person.email, None),
        Err(AppError::NotFound(_)) => (StatusCode::NOT_FOUND, String::new(), Some(LINK_GONE)),
        Err(e) => return Err(e.into()),
    };
    reset_page(status, ctx, token, email, gone, FieldErrors::default())
}

fn reset_page(
    status: StatusCode,
    ctx: Ctx,
    token: String,
    email: String,
    gone: Option<&'static str>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    anonymous_page(
        status,
        ctx,
        |frame| {
            let page = ResetPage {
                frame,
                token,
                email,
                gone,
                done: false,
                errors,
            };
            render_status(status, &page)
        },
        "Choose a new password",
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    new_password: String,
    confirm_password: String,
}

pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PathParams(token): PathParams<String>,
    PageForm(f): PageForm<ResetForm>,
) -> Result<Response, WebError> {
    let resets = state.app().password_resets();
    let result = resets
        .complete(
            &token,
            &f.new_password,
            &f.confirm_password,
            ctx.ip.as_deref(),
        )
        .await;
    match result {
        Ok(person) => {
            // Sessions ended in the store: forget any kept here.
            state.forget_sessions();
            let page = ResetPage {
                // Signed out everywhere, this browser included.
                frame: Frame::new(None, "Password changed", ""),
                token: String::new(),
                email: person.email,
                gone: None,
                done: true,
                errors: FieldErrors::default(),
            };
            render_status(StatusCode::OK, &page)
        }
        Err(AppError::Invalid(problems)) => {
            let email = resets.check(&token).await.map(|p| p.email);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            reset_page(
                status,
                ctx,
                token,
                email.unwrap_or_default(),
                None,
                problems.into(),
            )
        }
        Err(AppError::NotFound(_)) => reset_page(
            StatusCode::NOT_FOUND,
            ctx,
            token,
            String::new(),
            Some(LINK_GONE),
            FieldErrors::default(),
        ),
        Err(e) => Err(e.into()),
    }
}
