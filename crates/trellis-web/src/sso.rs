//! Single sign-on with OpenID Connect: the authorization code flow with PKCE.
//!
//! `GET /sign-in/sso` sends the browser to the provider with a fresh `state` (also set in a cookie
//! of this browser), a nonce and a PKCE challenge, and keeps the nonce and PKCE verifier in the
//! store under the state's hash. `GET /sign-in/sso/callback` accepts the provider's answer only
//! with the state of this browser's cookie, takes the kept sign-in once (a replayed callback finds
//! nothing), exchanges the code with the verifier, checks the signed ID token (issuer, audience,
//! expiry, nonce), and hands the identity to `trellis_app::sso`, which decides who it is.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessToken, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    reqwest,
};
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::secrets::constant_time_eq;
use trellis_app::sso::{self, Identity, SIGN_IN_EXPIRY, SsoSettings};
use trellis_store::PendingSsoSignIn;

use crate::auth::{self, AuthMethod, Ctx, PRESESSION_COOKIE, clear_cookie, set_cookie};
use crate::error::WebError;
use crate::extract::QueryParams;
use crate::sign_in::{NextQuery, safe_next, sign_in_page};
use crate::state::AppState;
use trellis_store::prelude::*;

/// The cookie that ties the provider's answer to the browser that asked.
pub const SSO_STATE_COOKIE: &str = "__Host-trellis_sso_state";

/// How long the provider's metadata and keys are trusted before they are read again (providers
/// rotate their signing keys; a token signed by a key we do not know also reads them again).
const METADATA_FOR: Duration = Duration::from_secs(60 * 60);
/// How long a request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The provider as discovered: its metadata and signing keys, and the HTTP client that talks to it.
#[derive(Debug, Default)]
pub(crate) struct Provider {
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
    http: OnceLock<reqwest::Client>,
}

impl Provider {
    fn http(&self) -> Result<&reqwest::Client, String> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = reqwest::Client::builder()
            // Following redirects would let a provider's answer send requests elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(self.http.get_or_init(|| client))
    }

    /// The provider's metadata, discovered at first use and again after [`METADATA_FOR`], so
    /// that Trellis starts whether or not the provider is up.
    async fn metadata(&self, settings: &SsoSettings) -> Result<CoreProviderMetadata, String> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, metadata)) = cached.as_ref()
            && at.elapsed() < METADATA_FOR
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| format!("the issuer URL {} is not a URL: {e}", settings.issuer))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, self.http()?)
            .await
            .map_err(|e| format!("discovery at {} failed: {}", settings.issuer, chain(&e)))?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Forgets the metadata, so that the next sign-in reads the provider's keys again.
    async fn forget(&self) {
        *self.metadata.lock().await = None;
    }
}

/// An error with its causes, for the log.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn settings(state: &AppState) -> Result<&SsoSettings, WebError> {
    state
        .config()
        .sso
        .as_ref()
        .ok_or_else(|| WebError::not_found_because("Single sign-on is not set up on this Trellis."))
}

/// The sign-in page again, with what went wrong.
fn refused(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    message: String,
) -> Result<Response, WebError> {
    let mut res = sign_in_page(ctx, state.config(), status, "", "/", Some(message))?;
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SSO_STATE_COOKIE));
    Ok(res)
}

/// `GET /sign-in/sso`: off to the provider.
pub async fn begin(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(q): QueryParams<NextQuery>,
) -> Result<Response, WebError> {
    let settings = settings(&state)?;
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    if ctx.caller.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let provider = state.sso_provider();
    let metadata = match provider.metadata(settings).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "single sign-on: the provider cannot be reached");
            return refused(
                &state,
                &ctx,
                StatusCode::BAD_GATEWAY,
                format!(
                    "Trellis cannot reach {} just now. Try again in a minute; if it goes on, \
                     tell your administrator.",
                    settings.label
                ),
            );
        }
    };
    let client = client(settings, metadata)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingSsoSignIn {
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: next,
    };
    sso::begin(state.app(), csrf.secret(), &pending).await?;
    let mut res = Redirect::to(url.as_str()).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SSO_STATE_COOKIE, csrf.secret(), SIGN_IN_EXPIRY.as_secs()),
    );
    Ok(res)
}

/// A client of a discovered provider: authorization and token endpoints set, user info maybe.
type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The client for the provider's metadata, with our redirect URL.
fn client(settings: &SsoSettings, metadata: CoreProviderMetadata) -> Result<Client, WebError> {
    let redirect = RedirectUrl::new(settings.redirect_url.clone())
        .map_err(|e| WebError::internal(format!("the SSO redirect URL is not a URL: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(settings.client_id.clone()),
        settings.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /sign-in/sso/callback`: the provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    QueryParams(q): QueryParams<CallbackQuery>,
) -> Result<Response, WebError> {
    let settings = settings(&state)?;
    let label = &settings.label;
    let start_again = format!("Sign in with {label} again.");

    // The state must be the one this browser was given: else someone else's sign-in (an
    // attacker's, say) could be completed in this browser.
    let ours = auth::cookie(&headers, SSO_STATE_COOKIE);
    let theirs = q.state.as_deref().unwrap_or("");
    if ours.is_none_or(|ours| theirs.is_empty() || !constant_time_eq(ours, theirs)) {
        return refused(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            format!(
                "This answer from {label} does not belong to a sign-in started in this browser \
                 (or it took longer than {} minutes). {start_again}",
                SIGN_IN_EXPIRY.as_secs() / 60
            ),
        );
    }
    let Some(pending) = sso::take(state.app(), theirs).await? else {
        return refused(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            format!("This sign-in has expired or has been used already. {start_again}"),
        );
    };
    if let Some(error) = q.error.as_deref() {
        let why = q.error_description.as_deref().unwrap_or(error);
        return refused(
            &state,
            &ctx,
            StatusCode::UNAUTHORIZED,
            format!("{label} did not sign you in ({why}). {start_again}"),
        );
    }
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return refused(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            format!("The answer from {label} has no sign-in code. {start_again}"),
        );
    };

    let identity = match verify(&state, settings, code, &pending).await {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on: the provider's answer was refused");
            return refused(
                &state,
                &ctx,
                StatusCode::UNAUTHORIZED,
                format!("Trellis could not confirm your sign-in with {label}. {start_again}"),
            );
        }
    };
    let person = match sso::sign_in(state.app(), &identity, &ctx.audit()).await {
        Ok(p) => p,
        Err(AppError::Forbidden(message)) => {
            return refused(&state, &ctx, StatusCode::FORBIDDEN, message);
        }
        Err(e) => return Err(e.into()),
    };

    // Rotation, as for a password: whatever session the browser had ends, and a new one starts.
    if let Some(AuthMethod::Session { token_hash, .. }) = ctx.caller.as_ref().map(|c| &c.method) {
        state.store().delete_session(token_hash).await?;
        state.forget_sessions();
    }
    let cookie = auth::start_session(&state, person.id).await?;
    let mut res = Redirect::to(&pending.next_path).into_response();
    let cookies = res.headers_mut();
    cookies.append(header::SET_COOKIE, cookie);
    cookies.append(header::SET_COOKIE, clear_cookie(SSO_STATE_COOKIE));
    cookies.append(header::SET_COOKIE, clear_cookie(PRESESSION_COOKIE));
    Ok(res)
}

/// Exchanges the code (with the PKCE verifier) and checks the ID token; the email comes from the
/// token, or from the user info endpoint when the token does not carry it.
async fn verify(
    state: &AppState,
    settings: &SsoSettings,
    code: String,
    pending: &PendingSsoSignIn,
) -> Result<Identity, String> {
    let provider = state.sso_provider();
    let http = provider.http()?;
    let metadata = provider.metadata(settings).await?;
    let client = client(settings, metadata).map_err(|e| format!("{e:?}"))?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("no token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(http)
        .await
        .map_err(|e| format!("the code exchange failed: {}", chain(&e)))?;
    let id_token = tokens
        .id_token()
        .ok_or("the token response has no ID token")?;
    let verifier = client.id_token_verifier();
    let claims = match id_token.claims(&verifier, &Nonce::new(pending.nonce.clone())) {
        Ok(claims) => claims,
        Err(e) => {
            // Perhaps signed with a key published since we read them: read them again next time.
            provider.forget().await;
            return Err(format!("the ID token was refused: {}", chain(&e)));
        }
    };
    let mut identity = Identity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
    };
    if identity.email.is_none() {
        user_info(
            &client,
            http,
            tokens.access_token(),
            claims.subject(),
            &mut identity,
        )
        .await?;
    }
    Ok(identity)
}

/// Fills the email (and name) of an identity from the provider's user info endpoint, for the
/// subject of the ID token only.
async fn user_info(
    client: &Client,
    http: &reqwest::Client,
    access_token: &AccessToken,
    subject: &openidconnect::SubjectIdentifier,
    identity: &mut Identity,
) -> Result<(), String> {
    let Ok(request) = client.user_info(access_token.clone(), Some(subject.clone())) else {
        // No user info endpoint: the identity stays without an email, which sso::sign_in refuses
        // with a message saying so.
        return Ok(());
    };
    let info: openidconnect::core::CoreUserInfoClaims = request
        .request_async(http)
        .await
        .map_err(|e| format!("the user info request failed: {}", chain(&e)))?;
    identity.email = info.email().map(|e| e.to_string());
    identity.email_verified = info.email_verified().unwrap_or(false);
    if identity.name.is_none() {
        identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
    }
    Ok(())
}
