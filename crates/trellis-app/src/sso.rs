//! Single sign-on with OpenID Connect: the rules, with no HTTP in them. The web server speaks the
//! protocol (the redirect to the provider, the code exchange, the check of the signed ID token);
//! here a sign-in under way is kept and taken once, and a verified identity becomes a person.
//!
//! Accounts are matched by email, and only by an email the provider says it has verified: an
//! unverified one could be anybody's. A person unknown to Trellis gets an account at their first
//! sign-in only when their email's domain is one the organisation named.

use std::time::Duration;

use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{Audit, NewAuditEvent, Outcome, PendingSsoSignIn, Person, SystemRole};

use crate::accounts::{self, NewAccount, normalise_email};
use crate::error::{AppError, AppResult};
use crate::secrets::sha256_hex;
use crate::{App, time::now_millis};

/// How long a browser has at the provider to sign in before it must start again.
pub const SIGN_IN_EXPIRY: Duration = Duration::from_secs(10 * 60);

/// The organisation's OpenID provider (`trellis serve --oidc-issuer …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSettings {
    /// The issuer URL; its `/.well-known/openid-configuration` says the rest.
    pub issuer: String,
    pub client_id: String,
    /// The client secret; none for a public client (PKCE alone).
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: this server's `/sign-in/sso/callback`.
    pub redirect_url: String,
    /// Email domains (lower case) whose people get an account at their first sign-in. Empty: only
    /// people who already have an account may sign in.
    pub create_accounts_for: Vec<String>,
    /// How the sign-in button names the provider: "Sign in with {label}".
    pub label: String,
}

/// Who the provider says signed in, from its signed ID token (and its user info endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider has verified `email`; absent counts as not verified.
    pub email_verified: bool,
    pub name: Option<String>,
}

/// Records a sign-in under way, by the hash of its state, for [`SIGN_IN_EXPIRY`].
pub async fn begin(app: &App, state: &str, pending: &PendingSsoSignIn) -> AppResult<()> {
    let now = now_millis();
    let expires_at = now + i64::try_from(SIGN_IN_EXPIRY.as_millis()).unwrap_or(i64::MAX / 2);
    app.store()
        .begin_sso_sign_in(&sha256_hex(state), pending, now, expires_at)
        .await?;
    Ok(())
}

/// Takes the sign-in under way of this state: `None` when there is none, it expired, or it was
/// taken already (a replayed callback).
pub async fn take(app: &App, state: &str) -> AppResult<Option<PendingSsoSignIn>> {
    Ok(app
        .store()
        .take_sso_sign_in(&sha256_hex(state), now_millis())
        .await?)
}

/// The person a verified identity signs in as, creating the account when the organisation allows
/// it for the email's domain. Refusals are `Forbidden` with a message for the person, and audited.
pub async fn sign_in(app: &App, identity: &Identity, audit: &Audit) -> AppResult<Person> {
    let Some(settings) = app.config().sso.as_ref() else {
        return Err(AppError::not_found("Single sign-on is not set up."));
    };
    let store = app.store();
    let email = identity.email.as_deref().map(normalise_email);
    let details = |reason: &str| {
        json!({
            "method": "sso",
            "issuer": identity.issuer,
            "subject": identity.subject,
            "reason": reason,
        })
    };
    let refuse = |target: String, reason: &'static str, message: String| async move {
        store
            .append_audit(
                NewAuditEvent {
                    action: "sign-in".into(),
                    target,
                    outcome: Outcome::Failure,
                    details: details(reason),
                },
                audit,
            )
            .await?;
        Err::<Person, _>(AppError::forbidden(message))
    };

    let Some(email) = email.filter(|e| accounts::email_problem(e).is_none()) else {
        return refuse(
            "person:unknown".into(),
            "no email",
            format!(
                "{} did not tell Trellis your email address, so Trellis cannot tell which account \
                 is yours. Ask your administrator to let Trellis read it (the `email` scope).",
                settings.label
            ),
        )
        .await;
    };
    if !identity.email_verified {
        return refuse(
            "person:unknown".into(),
            "email not verified",
            format!(
                "{} has not verified your email address {email}, so Trellis cannot be sure it is \
                 yours. Verify it with {} and sign in again.",
                settings.label, settings.label
            ),
        )
        .await;
    }

    let person = match store.person_by_email(&email).await? {
        Some(p) if p.active => p,
        Some(p) => {
            return refuse(
                format!("person:{}", p.id),
                "account deactivated",
                "Your Trellis account has been deactivated. Ask your administrator if this is a \
                 mistake."
                    .into(),
            )
            .await;
        }
        None if may_create(settings, &email) => {
            let name = identity
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| accounts::name_problem(n).is_none())
                .map_or_else(|| local_part(&email), str::to_owned);
            let new = NewAccount {
                email: email.clone(),
                name,
                role: SystemRole::Member,
                team: None,
                manager_id: None,
                role_level: None,
                password_hash: None,
            };
            accounts::create(app, audit, new).await?
        }
        None => {
            return refuse(
                "person:unknown".into(),
                "no account",
                format!(
                    "There is no Trellis account for {email}. Ask your administrator to create \
                     one."
                ),
            )
            .await;
        }
    };

    store
        .append_audit(
            NewAuditEvent {
                action: "sign-in".into(),
                target: format!("person:{}", person.id),
                outcome: Outcome::Success,
                details: json!({
                    "method": "sso",
                    "issuer": identity.issuer,
                    "subject": identity.subject,
                }),
            },
            &Audit {
                actor_id: Some(person.id),
                ..audit.clone()
            },
        )
        .await?;
    Ok(person)
}

/// Whether a first sign-in with this (normalised) email creates an account.
fn may_create(settings: &SsoSettings, email: &str) -> bool {
    let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    settings
        .create_accounts_for
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(domain))
}

/// A name to start with when the provider gives none: the email's local part.
fn local_part(email: &str) -> String {
    email.split('@').next().unwrap_or(email).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(domains: &[&str]) -> SsoSettings {
        SsoSettings {
            issuer: "https://id.example.org".into(),
            client_id: "trellis".into(),
            client_secret: None,
            redirect_url: "https://trellis.example.org/sign-in/sso/callback".into(),
            create_accounts_for: domains.iter().map(|d| (*d).to_owned()).collect(),
            label: "Example ID".into(),
        }
    }

    #[test]
    fn accounts_are_created_only_for_the_domains_named() {
        let s = settings(&["example.org"]);
        assert!(may_create(&s, "ann@example.org"));
        assert!(
            may_create(&s, "ann@EXAMPLE.org"),
            "domains compare without case"
        );
        assert!(!may_create(&s, "ann@example.org.evil.test"));
        assert!(
            !may_create(&s, "ann@sub.example.org"),
            "a subdomain is another domain"
        );
        assert!(!may_create(&s, "example.org@evil.test"));
        assert!(
            !may_create(&settings(&[]), "ann@example.org"),
            "none named: none created"
        );
    }

    #[test]
    fn a_name_falls_back_to_the_local_part() {
        assert_eq!(local_part("ann.lee@example.org"), "ann.lee");
    }
}
