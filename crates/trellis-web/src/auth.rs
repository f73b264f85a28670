//! Who is calling: passwords (argon2id), browser sessions (`__Host-` cookie), API tokens (bearer),
//! and the request-forgery checks for state-changing forms.
//!
//! Only hashes of session ids and API tokens are stored (SHA-256: they are long random values, so
//! a fast hash is enough); passwords are hashed with argon2id using OWASP's parameters.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use trellis_store::prelude::*;
use trellis_store::{Audit, Person, PersonId, Session, SystemRole};

use serde::de::DeserializeOwned;

use crate::error::{WebError, is_api_path, problem_response};
use crate::extract::PathParams;
use crate::state::AppState;
use trellis_app::Actor;
pub use trellis_app::secrets::{
    TOKEN_PREFIX, constant_time_eq, generate_password, hash_password, new_api_token,
    password_problem, random_token, sha256_hex, verify_password,
};
use trellis_app::time::now_millis;

pub const SESSION_COOKIE: &str = "__Host-trellis_session";
/// Holds the anti-forgery token of the sign-in form, before there is a session.
pub const PRESESSION_COOKIE: &str = "__Host-trellis_presession";

/// Sessions, and the last use of API tokens, are only written back when older than this, so that
/// reading pages or calling the API does not turn into a database write per request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// How a caller proved who they are.
#[derive(Debug, Clone)]
pub enum AuthMethod {
    Session {
        token_hash: String,
        csrf_token: String,
    },
    Token {
        id: i64,
    },
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub person: Person,
    pub method: AuthMethod,
}

impl Caller {
    pub fn id(&self) -> PersonId {
        self.person.id
    }

    pub fn role(&self) -> SystemRole {
        self.person.system_role
    }

    /// The caller as the use cases know them: the person and the address they call from.
    pub fn actor(&self, ctx: &Ctx) -> Actor {
        Actor::new(self.person.clone(), ctx.ip.clone())
    }

    pub fn csrf_token(&self) -> Option<&str> {
        match &self.method {
            AuthMethod::Session { csrf_token, .. } => Some(csrf_token),
            AuthMethod::Token { .. } => None,
        }
    }
}

/// Everything known about the request's origin, put in the request's extensions by
/// [`authenticate`] for every route.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub caller: Option<Caller>,
    /// Client address as the server saw it (or a trusted proxy forwarded it).
    pub ip: Option<String>,
    /// Reached over plain HTTP from another machine, so that the browser will drop the
    /// `Secure` sign-in cookies (see `client::Origin::plain_http_from_afar`).
    pub plain_http_from_afar: bool,
    /// The anti-forgery token of the sign-in form, from its cookie.
    pub presession: Option<String>,
    /// How many of the caller's notifications are unread, for the header of pages a browser gets.
    pub unread: Option<i64>,
}

impl Ctx {
    pub fn audit(&self) -> Audit {
        Audit {
            actor_id: self.caller.as_ref().map(Caller::id),
            ip: self.ip.clone(),
            at: now_millis(),
        }
    }

    /// The token forms must carry: the session's, or before sign-in the pre-session cookie's.
    pub fn form_token(&self) -> String {
        self.caller
            .as_ref()
            .and_then(|c| c.csrf_token().map(str::to_owned))
            .or_else(|| self.presession.clone())
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        parts
            .extensions
            .get::<Arc<Ctx>>()
            .map(|c| (**c).clone())
            .ok_or_else(|| WebError::internal("request context missing"))
    }
}

/// The signed-in caller, for routes whose rule requires one.
#[derive(Debug, Clone)]
pub struct Me(pub Caller, pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.caller.clone() {
            Some(c) => Ok(Me(c, ctx)),
            None => Err(WebError::unauthorized()),
        }
    }
}

/// The signed-in caller acting on the record the path names: what the handlers of one record's
/// forms start from, extracted in the order they would be (caller first, then the path).
#[derive(Debug, Clone)]
pub struct OnRecord<T> {
    pub state: AppState,
    pub ctx: Ctx,
    pub caller: Caller,
    pub actor: Actor,
    pub id: T,
}

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for OnRecord<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Me(caller, ctx) = Me::from_request_parts(parts, state).await?;
        let PathParams(id) = PathParams::from_request_parts(parts, state).await?;
        let actor = caller.actor(&ctx);
        Ok(Self {
            state: state.clone(),
            ctx,
            caller,
            actor,
            id,
        })
    }
}

impl<T> OnRecord<T> {
    pub fn app(&self) -> &trellis_app::App {
        self.state.app()
    }
}

/// The value of a cookie, from every `Cookie` header.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for a `__Host-` cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain.
pub(crate) fn set_cookie(name: &str, value: &str, max_age_secs: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", 0)
}

/// Whether a token has the shape of the values we issue (so junk never reaches the database).
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Finds out who is calling and records it in the request as an `Arc<Ctx>`.
///
/// API routes accept `Authorization: Bearer`; a bearer token that is unknown or revoked is refused
/// outright rather than treated as anonymous. Browser sessions past their idle or absolute timeout
/// end here, and their cookie is cleared.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let origin = crate::client::origin(crate::client::peer(&req), req.headers(), state.config());
    let api = is_api_path(req.uri().path());
    let mut ctx = Ctx {
        caller: None,
        ip: origin.ip.map(|ip| ip.to_string()),
        plain_http_from_afar: origin.plain_http_from_afar(),
        presession: cookie(req.headers(), PRESESSION_COOKIE)
            .filter(|t| well_formed(t))
            .map(str::to_owned),
        unread: None,
    };
    let mut clear_session = false;
    let now = now_millis();

    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    if let Some(token) = bearer.filter(|_| api) {
        let found = if token.strip_prefix(TOKEN_PREFIX).is_some_and(well_formed) {
            let hash = sha256_hex(&token);
            match state.cached_token(&hash) {
                Some(cached) => Some(cached),
                None => match state.store().api_token(&hash).await {
                    Ok(found) => {
                        if let Some((t, person)) = &found {
                            state.cache_token(t, person);
                        }
                        found
                    }
                    Err(e) => return problem_response(&WebError::from(e)),
                },
            }
        } else {
            None
        };
        // A token's use is recorded at most once a minute: a script calling many times a second
        // must not turn each call into a (synced) database write.
        if let Some((t, person)) = &found
            && person.active
            && state.claim_token_use(t.id, t.last_used_at, now, TOUCH_EVERY_MS)
            && state.store().touch_api_token(t.id, now).await.is_ok()
        {
            let mut t = t.clone();
            t.last_used_at = Some(now);
            state.cache_token(&t, person);
        }
        match found {
            Some((t, person)) if person.active => {
                ctx.caller = Some(Caller {
                    person,
                    method: AuthMethod::Token { id: t.id },
                });
            }
            _ => {
                let mut res = problem_response(&WebError::new(
                    crate::error::ErrorKind::Unauthorized,
                    "The API token is not valid: it is unknown, revoked, or its account is inactive.",
                ));
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"trellis\""),
                );
                return res;
            }
        }
    } else if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
        let hash = sha256_hex(token);
        if !well_formed(token) {
            clear_session = true;
        } else {
            let found = match state.cached_session(&hash) {
                Some(cached) => Ok(Some(cached)),
                None => state.store().session(&hash).await.inspect(|found| {
                    if let Some((session, person)) = found {
                        state.cache_session(session, person);
                    }
                }),
            };
            match found {
                Ok(Some((mut session, person))) => {
                    let idle =
                        i64::try_from(state.config().idle_timeout.as_millis()).unwrap_or(i64::MAX);
                    let expired = now >= session.expires_at
                        || now.saturating_sub(session.last_seen_at) > idle
                        || !person.active;
                    if expired {
                        state.forget_sessions();
                        let _ = state.store().delete_session(&hash).await;
                        clear_session = true;
                    } else {
                        if now - session.last_seen_at > TOUCH_EVERY_MS
                            && state.store().touch_session(&hash, now).await.is_ok()
                        {
                            session.last_seen_at = now;
                            state.cache_session(&session, &person);
                        }
                        ctx.caller = Some(Caller {
                            person,
                            method: AuthMethod::Session {
                                token_hash: hash,
                                csrf_token: session.csrf_token,
                            },
                        });
                    }
                }
                Ok(None) => clear_session = true,
                Err(e) => {
                    let err = WebError::from(e);
                    return if api {
                        problem_response(&err)
                    } else {
                        crate::html::error_page(&err, Some(&ctx))
                    };
                }
            }
        }
    }

    if let Some(c) = &ctx.caller {
        tracing::Span::current().record("user_id", c.id());
        // The header's unread count, on the pages a browser shows (not the API or fixed assets).
        let path = req.uri().path();
        let page = !api
            && !path.starts_with("/static/")
            && !matches!(path, "/healthz" | "/readyz" | "/metrics");
        if page && req.method() == Method::GET && matches!(c.method, AuthMethod::Session { .. }) {
            ctx.unread = state.unread_count(c.id()).await.ok();
        }
    }
    req.extensions_mut().insert(Arc::new(ctx));
    let mut res = next.run(req).await;
    if clear_session && !res.headers().contains_key(header::SET_COOKIE) {
        res.headers_mut()
            .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    }
    res
}

/// Starts a new session for a person (a new random id every time: rotation) and returns the cookie
/// to set.
pub(crate) async fn start_session(
    state: &AppState,
    person: PersonId,
) -> Result<HeaderValue, WebError> {
    let token = random_token();
    let now = now_millis();
    let absolute = state.config().absolute_timeout;
    state
        .store()
        .create_session(Session {
            token_hash: sha256_hex(&token),
            person_id: person,
            csrf_token: random_token(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + i64::try_from(absolute.as_millis()).unwrap_or(i64::MAX / 2),
        })
        .await?;
    Ok(set_cookie(SESSION_COOKIE, &token, absolute.as_secs()))
}

/// Whether a state-changing request comes from our own pages: `Sec-Fetch-Site` when the browser sends
/// it, else `Origin` against `Host`. Requests with neither (scripts, old clients) pass; forms still
/// need their token.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let authority = origin.split_once("://").map(|(_, a)| a);
        return match (authority, host) {
            (Some(a), Some(h)) => a.eq_ignore_ascii_case(h),
            _ => false,
        };
    }
    true
}

/// Runs a CPU-heavy password check off the async threads.
pub(crate) async fn verify_blocking(password: String, phc: String) -> Result<bool, WebError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(WebError::internal)
}

pub(crate) async fn hash_blocking(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::internal)
}

/// The dummy hash, computed once, off the async threads.
pub(crate) async fn dummy_hash(state: &AppState) -> Result<String, WebError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || state.dummy_hash().clone())
        .await
        .map_err(WebError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-trellis_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h));
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h));
    }
}
