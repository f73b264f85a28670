//! Signing in and out.
//!
//! A failed sign-in says the same thing, after about the same time, whether or not the account
//! exists: unknown accounts are checked against a dummy hash. Guesses are throttled per email and
//! address and per address (`trellis_app::throttle`), each attempt reserved before its check.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use trellis_store::{Audit, NewAuditEvent, Outcome};

use crate::auth::{
    self, AuthMethod, Ctx, Me, PRESESSION_COOKIE, SESSION_COOKIE, clear_cookie, set_cookie,
};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render, render_status};
use crate::state::{AppState, Config};
use trellis_app::throttle::{self, Throttle};
use trellis_app::time::now_millis;
use trellis_store::prelude::*;

#[derive(Debug, Template)]
#[template(path = "sign_in/sign_in.html")]
struct SignInPage {
    frame: Frame,
    /// Reached over plain HTTP from another machine: signing in cannot work, and the page says why.
    https_required: Option<&'static str>,
    /// "Sign in with …", when single sign-on is set up, and where it starts.
    sso: Option<(String, String)>,
    /// Whether the password form is offered.
    password_sign_in: bool,
    email: String,
    next: String,
    error: Option<String>,
    errors: FieldErrors,
}

impl SignInPage {
    fn new(
        ctx: &Ctx,
        config: &Config,
        email: &str,
        next: &str,
        error: Option<String>,
        errors: FieldErrors,
    ) -> Self {
        SignInPage {
            frame: Frame::new(Some(ctx), "Sign in", ""),
            https_required: ctx.plain_http_from_afar.then_some(HTTPS_REQUIRED),
            sso: config.sso.as_ref().map(|sso| {
                let href = format!(
                    "/sign-in/sso?{}",
                    serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
                );
                (sso.label.clone(), href)
            }),
            password_sign_in: config.password_sign_in,
            email: email.to_owned(),
            next: next.to_owned(),
            error,
            errors,
        }
    }
}

/// The sign-in page with a message, for answers that end a sign-in attempt elsewhere (single
/// sign-on).
pub(crate) fn sign_in_page(
    ctx: &Ctx,
    config: &Config,
    status: StatusCode,
    email: &str,
    next: &str,
    error: Option<String>,
) -> Result<Response, WebError> {
    render_status(
        status,
        &SignInPage::new(ctx, config, email, next, error, FieldErrors::default()),
    )
}

/// Why signing in fails over plain HTTP from another machine, and what to do, on the sign-in page
/// and instead of "this form has expired" when its cookie was dropped.
pub(crate) const HTTPS_REQUIRED: &str = "This page came over plain HTTP from another computer, so \
    your browser will not keep the sign-in cookie and signing in cannot work. Open Trellis over \
    HTTPS: serve it with --tls-cert and --tls-key, or behind a TLS proxy whose address is given to \
    --trusted-proxies and which sends X-Forwarded-Proto: https.";

/// What the sign-in form says when only single sign-on is allowed.
pub(crate) const PASSWORD_SIGN_IN_OFF: &str = "Signing in with a password is turned off on this \
    Trellis: sign in with your organisation's account instead.";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    pub(crate) next: Option<String>,
}

/// Where to go after signing in: a path on this site only, never another site.
pub(crate) fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/sign-")
        && next.len() < 2000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if ok { next.to_owned() } else { "/".to_owned() }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(q): QueryParams<NextQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    if ctx.caller.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let (ctx, cookie) = anonymous_form(ctx);
    let page = SignInPage::new(
        &ctx,
        state.config(),
        "",
        &next,
        None,
        FieldErrors::default(),
    );
    let mut res = render(&page)?.into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

/// For a page whose form may be sent before signing in: the context with the anti-forgery token
/// of the pre-session cookie (a new one when the browser has none), and the cookie to set.
pub(crate) fn anonymous_form(ctx: Ctx) -> (Ctx, HeaderValue) {
    let token = ctx.presession.clone().unwrap_or_else(auth::random_token);
    let cookie = set_cookie(PRESESSION_COOKIE, &token, 3600);
    let ctx = Ctx {
        presession: Some(token),
        ..ctx
    };
    (ctx, cookie)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    next: String,
}

/// Reserves a password guess for `email` from the caller's address before the password is
/// checked, so that guesses sent at once are counted one by one.
pub(crate) async fn reserve_guess(
    state: &AppState,
    ctx: &Ctx,
    email: &str,
) -> Result<Throttle, WebError> {
    let ip = ctx.ip.as_deref();
    Ok(throttle::reserve(state.store(), state.config(), email, ip, now_millis()).await?)
}

/// Audits a sign-in refused, and why.
async fn refused(
    state: &AppState,
    target: String,
    reason: &str,
    audit: &Audit,
) -> Result<(), WebError> {
    let event = NewAuditEvent {
        action: "sign-in".into(),
        target,
        outcome: Outcome::Failure,
        details: json!({ "reason": reason }),
    };
    Ok(state.store().append_audit(event, audit).await?)
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<SignInForm>,
) -> Result<Response, WebError> {
    let email = f.email.trim().to_lowercase();
    let next = safe_next(&f.next);
    let again = |status: StatusCode, error: Option<String>, errors: FieldErrors| {
        render_status(
            status,
            &SignInPage::new(&ctx, state.config(), f.email.trim(), &next, error, errors),
        )
    };
    if !state.config().password_sign_in {
        return again(
            StatusCode::FORBIDDEN,
            Some(PASSWORD_SIGN_IN_OFF.into()),
            FieldErrors::default(),
        );
    }
    let mut errors = FieldErrors::default();
    if email.is_empty() {
        errors.add("email", "Enter your email address.");
    }
    if f.password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    if !errors.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, None, errors);
    }

    let store = state.store();
    let person = store.person_by_email(&email).await?;
    let target = person.as_ref().map_or_else(
        || "person:unknown".to_owned(),
        |p| format!("person:{}", p.id),
    );
    let audit = ctx.audit();

    let attempt = match reserve_guess(&state, &ctx, &email).await? {
        Throttle::Go(attempt) => attempt,
        Throttle::Wait(wait) => {
            refused(&state, target, "throttled", &audit).await?;
            let mut res = again(
                StatusCode::TOO_MANY_REQUESTS,
                Some(format!(
                    "Too many failed sign-in attempts. Wait {} and try again, or ask an \
                     administrator to reset your password.",
                    throttle::describe(wait)
                )),
                FieldErrors::default(),
            )?;
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after(wait));
            return Ok(res);
        }
    };

    let usable = person
        .as_ref()
        .filter(|p| p.active)
        .and_then(|p| p.password_hash.clone());
    let verified = match usable {
        Some(hash) => auth::verify_blocking(f.password.clone(), hash).await?,
        None => {
            // Same work as for a real account, so timing does not tell which emails exist.
            let dummy = auth::dummy_hash(&state).await?;
            let _ = auth::verify_blocking(f.password.clone(), dummy).await?;
            false
        }
    };
    let Some(person) = person.filter(|_| verified) else {
        attempt.failed();
        refused(&state, target, "wrong email or password", &audit).await?;
        return again(
            StatusCode::UNAUTHORIZED,
            Some("The email address or password is not right.".into()),
            FieldErrors::default(),
        );
    };

    attempt.succeeded(store).await?;
    // Rotation: whatever session the browser had ends, and a new id is issued.
    if let Some(AuthMethod::Session { token_hash, .. }) = ctx.caller.as_ref().map(|c| &c.method) {
        store.delete_session(token_hash).await?;
        state.forget_sessions();
    }
    let cookie = auth::start_session(&state, person.id).await?;
    store
        .append_audit(
            NewAuditEvent {
                action: "sign-in".into(),
                target: format!("person:{}", person.id),
                outcome: Outcome::Success,
                details: json!({}),
            },
            &trellis_store::Audit {
                actor_id: Some(person.id),
                ..audit
            },
        )
        .await?;
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(PRESESSION_COOKIE));
    Ok(res)
}

/// `Retry-After` in whole seconds, rounded up.
pub(crate) fn retry_after(wait: std::time::Duration) -> HeaderValue {
    let secs = wait.as_millis().div_ceil(1000).max(1);
    HeaderValue::from_str(&secs.to_string()).unwrap_or_else(|_| HeaderValue::from_static("1"))
}

pub async fn sign_out(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    if let AuthMethod::Session { token_hash, .. } = &caller.method {
        state.store().delete_session(token_hash).await?;
        state.forget_sessions();
    }
    state
        .store()
        .append_audit(
            NewAuditEvent {
                action: "sign-out".into(),
                target: format!("person:{}", caller.id()),
                outcome: Outcome::Success,
                details: json!({}),
            },
            &ctx.audit(),
        )
        .await?;
    let mut res = Redirect::to("/sign-in").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/people/3"), "/people/3");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/sign-out"), "/");
        assert_eq!(safe_next(""), "/");
        assert_eq!(safe_next("/sign-in?next=/"), "/");
        assert_eq!(safe_next("/a\\b"), "/", "a backslash anywhere");
        assert_eq!(safe_next("/a\u{7}b"), "/", "a control character");
        assert_eq!(safe_next("/a\nb"), "/");
        let long = format!("/{}", "a".repeat(1998));
        assert_eq!(safe_next(&long), long, "1999 characters");
        assert_eq!(safe_next(&format!("{long}a")), "/", "2000 characters");
    }
}
