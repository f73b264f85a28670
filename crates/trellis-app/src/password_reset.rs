//! A forgotten password, reset through a link sent by email.
//!
//! Whoever asks gets the same answer whether or not an account has that address; only an active
//! account is sent a link. The link carries a random token of which only a hash is stored; it
//! works once, for [`Config::password_reset_expiry`](crate::Config), and using it ends every other
//! link of the account and every session. Asking is throttled per email and address like password
//! guesses, but counted apart from them. Without a mailer (`--smtp-url`) there is no reset by
//! email: an administrator sets a new password (`trellis user set-password`, or the account page).

use std::time::Duration;

use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{Audit, NewAuditEvent, Outcome, Person, PersonId, StoreError, SystemRole};

use crate::App;
use crate::access;
use crate::accounts::{email_problem, normalise_email};
use crate::error::{AppError, AppResult};
use crate::secrets::{hash_password, password_problem, random_token, sha256_hex};
use crate::throttle::{self, Kind, Throttle};
use crate::time::now_millis;
use crate::use_cases::By;

/// What a link that cannot be used is answered with, whatever the reason (unknown, used, expired,
/// or the account deactivated since).
pub const LINK_GONE: &str = "This password reset link cannot be used: it has already been \
    used, it has expired, or it is not a link Trellis sent. Ask for a new one.";

/// Why no password can be reset or chosen when only single sign-on is allowed.
pub const PASSWORDS_NOT_USED: &str = "Trellis passwords are not used here: sign in with your \
    organisation's account instead.";

/// The path of a reset link, before its token.
pub const LINK_PATH: &str = "/reset-password/";

use_case_area!(PasswordResets, password_resets);

/// The answer to asking for a link.
#[derive(Debug)]
pub enum Requested {
    /// The same answer whether or not the account exists. The email, if any, is on its way.
    Accepted(Delivery),
    /// Asked too often from this address: try again after this long.
    Wait(Duration),
}

/// The email being sent, if one is: the answer does not wait for the SMTP server (which would
/// also tell by its time whether the account exists), but a test can.
#[derive(Debug, Default)]
pub struct Delivery(Option<tokio::task::JoinHandle<()>>);

impl Delivery {
    /// Waits until the email was sent or failed to be.
    pub async fn finished(self) {
        if let Some(task) = self.0 {
            let _ = task.await;
        }
    }
}

impl PasswordResets<'_> {
    /// Whether links can be sent at all (a mailer is configured, and passwords are used).
    pub fn by_email(&self) -> bool {
        self.app.config().mailer.is_some() && self.app.config().password_sign_in
    }

    /// Refused when nobody signs in with a password (single sign-on only): a link would set a
    /// password nobody can use.
    fn passwords_used(&self) -> AppResult<()> {
        if self.app.config().password_sign_in {
            Ok(())
        } else {
            Err(AppError::conflict(PASSWORDS_NOT_USED))
        }
    }

    /// Asks for a link for `email`, from `ip`.
    pub async fn request(&self, email: &str, ip: Option<&str>) -> AppResult<Requested> {
        self.passwords_used()?;
        let Some(mailer) = self.app.config().mailer.clone() else {
            return Err(AppError::conflict(NO_EMAIL));
        };
        let email = normalise_email(email);
        if email.is_empty() {
            return Err(AppError::field("email", "Enter your email address."));
        }
        if let Some(p) = email_problem(&email) {
            return Err(AppError::field("email", p));
        }
        let store = self.app.store();
        let config = self.app.config();
        let now = now_millis();
        let audit = Audit {
            actor_id: None,
            ip: ip.map(str::to_owned),
            at: now,
        };
        let person = store.person_by_email(&email).await?;
        let target = person.as_ref().map_or_else(
            || "person:unknown".to_owned(),
            |p| format!("person:{}", p.id),
        );
        let refused = |reason: &str| NewAuditEvent {
            action: "password-reset.request".into(),
            target: target.clone(),
            outcome: Outcome::Failure,
            details: json!({ "reason": reason }),
        };
        // Every request stands as an attempt: nothing is forgiven, since nothing is proven.
        match throttle::reserve_kind(store, config, Kind::ResetLink, &email, ip, now).await? {
            Throttle::Go(attempt) => attempt.failed(),
            Throttle::Wait(wait) => {
                store.append_audit(refused("throttled"), &audit).await?;
                return Ok(Requested::Wait(wait));
            }
        }
        let Some(person) = person.filter(|p| p.active) else {
            let reason = if target == "person:unknown" {
                "no account with that email"
            } else {
                "account deactivated"
            };
            store.append_audit(refused(reason), &audit).await?;
            return Ok(Requested::Accepted(Delivery::default()));
        };
        // A link that expires as it is made would be no link at all.
        let expiry = config.password_reset_expiry.max(Duration::from_secs(1));
        let delivery = send_link(self.app, &mailer, person, expiry, &audit, |name, link| {
            (
                "Reset your Trellis password",
                format!(
                    "Hello {name},\n\nSomeone, we hope you, asked to reset the password of your \
                     Trellis account. Open this link within {} to choose a new password:\n\n\
                     {link}\n\nThe link works once. If you did not ask for it, ignore this \
                     email: your password stays as it is.\n",
                    throttle::describe(expiry),
                ),
            )
        })
        .await?;
        Ok(Requested::Accepted(delivery))
    }

    /// Sends each of these people, new to Trellis, a link to choose their first password: an
    /// administrator's doing (audited with them as the actor), for the people an import made.
    /// The link lasts [`WELCOME_EXPIRY`]; deactivated people and people who have a password
    /// already are passed over. Gives the emails on their way.
    pub async fn welcome(&self, by: By<'_>, people: &[PersonId]) -> AppResult<Vec<Delivery>> {
        if let By::Admin(actor) = by
            && actor.role() != SystemRole::Admin
        {
            let why = "Only administrators send welcome links.";
            return Err(access::deny(self.app.store(), &actor.audit(), "people".into(), why).await);
        }
        self.passwords_used()?;
        let Some(mailer) = self.app.config().mailer.clone() else {
            return Err(AppError::conflict(NO_EMAIL));
        };
        let audit = by.audit();
        let mut deliveries = Vec::new();
        for &id in people {
            let person = self.app.store().person(id).await?;
            if !person.active || person.password_hash.is_some() {
                continue;
            }
            let expiry = WELCOME_EXPIRY;
            deliveries.push(
                send_link(self.app, &mailer, person, expiry, &audit, |name, link| {
                    (
                        "Welcome to Trellis: choose your password",
                        format!(
                            "Hello {name},\n\nAn account was made for you in Trellis, where your \
                             role's expectations, your assessments and your development plan \
                             live. Open this link within {} to choose your password:\n\n\
                             {link}\n\nThe link works once. Should it expire, ask for a new one \
                             with \"Forgot your password?\" on the sign-in page.\n",
                            days(expiry),
                        ),
                    )
                })
                .await?,
            );
        }
        Ok(deliveries)
    }

    /// The person a link's token is for, while it can be used.
    pub async fn check(&self, token: &str) -> AppResult<Person> {
        if !self.app.config().password_sign_in {
            return Err(AppError::not_found(PASSWORDS_NOT_USED));
        }
        self.app
            .store()
            .password_reset(&sha256_hex(token), now_millis())
            .await?
            .ok_or_else(|| AppError::not_found(LINK_GONE))
    }

    /// Sets a new password through a link's token: the same rules as changing it on the account
    /// page. Ends every session of the account and every other link.
    pub async fn complete(
        &self,
        token: &str,
        new_password: &str,
        confirm_password: &str,
        ip: Option<&str>,
    ) -> AppResult<Person> {
        self.passwords_used()?;
        let store = self.app.store();
        let audit = Audit {
            actor_id: None,
            ip: ip.map(str::to_owned),
            at: now_millis(),
        };
        let person = match self.check(token).await {
            Ok(p) => p,
            Err(e) => {
                let event = NewAuditEvent {
                    action: "password-reset.complete".into(),
                    target: "person:unknown".into(),
                    outcome: Outcome::Failure,
                    details: json!({ "reason": "unknown, used or expired link" }),
                };
                store.append_audit(event, &audit).await?;
                return Err(e);
            }
        };
        let mut problems = Vec::new();
        if let Some(p) = password_problem(new_password, &person.email) {
            problems.push(("new_password", p.to_owned()));
        }
        if confirm_password != new_password {
            problems.push((
                "confirm_password",
                "The two new passwords are not the same.".to_owned(),
            ));
        }
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        let password = new_password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        store
            .reset_password(&sha256_hex(token), &hash, &audit)
            .await
            .map_err(|e| match e {
                // Used by another request meanwhile, expired, or the account deactivated.
                StoreError::NotFound(_) => AppError::not_found(LINK_GONE),
                other => other.into(),
            })
    }
}

/// A duration of whole days as people write it: "7 days".
fn days(d: Duration) -> String {
    match d.as_secs() / 86_400 {
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

/// How long a welcome link lasts: long enough for someone who has not started yet.
pub const WELCOME_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Makes a link for `person` that lasts `expiry`, and sends it in the mail `write` gives (subject
/// and text, from the person's name and the link), without waiting for the SMTP server. `NotFound`
/// (deactivated in between) sends nothing.
async fn send_link(
    app: &App,
    mailer: &crate::mail::Mailer,
    person: Person,
    expiry: Duration,
    audit: &Audit,
    write: impl FnOnce(&str, &str) -> (&'static str, String),
) -> AppResult<Delivery> {
    let token = random_token();
    let expires_at = audit
        .at
        .saturating_add(i64::try_from(expiry.as_millis()).unwrap_or(i64::MAX));
    match app
        .store()
        .create_password_reset(person.id, &sha256_hex(&token), expires_at, audit)
        .await
    {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => return Ok(Delivery::default()),
        Err(e) => return Err(e.into()),
    }
    let link = mailer.link(&format!("{LINK_PATH}{token}"));
    let (subject, body) = write(&person.name, &link);
    let mailer = mailer.clone();
    let task = tokio::spawn(async move {
        if let Err(e) = mailer
            .send_to(&person.email, &person.name, subject, body)
            .await
        {
            tracing::warn!(person = person.id, error = %e, "a password link email was not sent");
        }
    });
    Ok(Delivery(Some(task)))
}

/// Why no link can be asked for: the server sends no email.
pub const NO_EMAIL: &str = "This Trellis does not send email, so a forgotten password cannot be \
    reset by email. Ask an administrator of your Trellis to set a new password for you.";
