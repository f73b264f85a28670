//! Who a verified identity from the organisation's OpenID provider signs in as (the protocol itself
//! is tested against a real provider in `tests/browser/sso.test.js`).

mod common;

use common::Org;
use trellis_app::password_reset::PASSWORDS_NOT_USED;
use trellis_app::sso::{self, Identity, SsoSettings};
use trellis_app::{AppError, Config};
use trellis_store::prelude::*;
use trellis_store::{Audit, AuditEvent, AuditFilter, Outcome, SystemRole};

fn settings() -> SsoSettings {
    SsoSettings {
        issuer: "https://id.example.com".into(),
        client_id: "trellis".into(),
        client_secret: Some("secret".into()),
        redirect_url: "https://trellis.example.com/sign-in/sso/callback".into(),
        create_accounts_for: vec!["example.com".into()],
        label: "Example ID".into(),
    }
}

async fn org(password_sign_in: bool) -> Org {
    Org::with_config(Config {
        sso: Some(settings()),
        password_sign_in,
        ..Config::default()
    })
    .await
}

fn identity(email: Option<&str>, verified: bool) -> Identity {
    Identity {
        issuer: "https://id.example.com".into(),
        subject: "subject-1".into(),
        email: email.map(str::to_owned),
        email_verified: verified,
        name: Some("Zoë Field".into()),
    }
}

fn audit() -> Audit {
    Audit {
        actor_id: None,
        ip: Some("192.0.2.9".into()),
        at: 1_000,
    }
}

async fn sign_ins(org: &Org) -> Vec<AuditEvent> {
    org.app
        .store()
        .audit_events(AuditFilter {
            action_prefix: Some("sign-in".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

fn forbidden(result: Result<trellis_store::Person, AppError>) -> String {
    match result {
        Err(AppError::Forbidden(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_verified_email_signs_in_as_its_account() {
    let org = org(true).await;
    let ann = org.add("ann", None, SystemRole::Member).await;
    let person = sso::sign_in(&org.app, &identity(Some("Ann@Example.COM"), true), &audit())
        .await
        .unwrap();
    assert_eq!(person.id, ann.id, "matched without regard to case");

    let events = sign_ins(&org).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, Outcome::Success);
    assert_eq!(events[0].actor_id, Some(ann.id));
    assert_eq!(events[0].details["method"], "sso");
    assert_eq!(events[0].details["subject"], "subject-1");
}

#[tokio::test]
async fn an_unverified_or_missing_email_is_refused() {
    let org = org(true).await;
    let ann = org.add("ann", None, SystemRole::Member).await;
    let message = forbidden(
        sso::sign_in(
            &org.app,
            &identity(Some("ann@example.com"), false),
            &audit(),
        )
        .await,
    );
    assert!(message.contains("has not verified"), "{message}");
    assert!(
        message.contains("Example ID"),
        "names the provider: {message}"
    );
    let message = forbidden(sso::sign_in(&org.app, &identity(None, true), &audit()).await);
    assert!(
        message.contains("did not tell Trellis your email"),
        "{message}"
    );

    let events = sign_ins(&org).await;
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.outcome == Outcome::Failure));
    assert!(
        events.iter().all(|e| e.actor_id.is_none()),
        "nobody signed in: {events:?}"
    );
    let reasons: Vec<_> = events.iter().map(|e| e.details["reason"].clone()).collect();
    assert!(
        reasons.contains(&"email not verified".into()),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"no email".into()), "{reasons:?}");
    // Ann's account is untouched.
    assert!(org.app.store().person(ann.id).await.unwrap().active);
}

#[tokio::test]
async fn accounts_are_created_at_first_sign_in_only_for_the_named_domains() {
    let org = org(true).await;
    let zoe = sso::sign_in(&org.app, &identity(Some("zoe@example.com"), true), &audit())
        .await
        .unwrap();
    assert_eq!(zoe.email, "zoe@example.com");
    assert_eq!(zoe.name, "Zoë Field", "named as the provider says");
    assert_eq!(zoe.system_role, SystemRole::Member);
    assert_eq!(zoe.password_hash, None, "no password to guess");
    let again = sso::sign_in(&org.app, &identity(Some("zoe@example.com"), true), &audit())
        .await
        .unwrap();
    assert_eq!(again.id, zoe.id, "created once");

    let message = forbidden(
        sso::sign_in(
            &org.app,
            &identity(Some("eve@example.com.evil.test"), true),
            &audit(),
        )
        .await,
    );
    assert!(message.contains("no Trellis account"), "{message}");
    assert!(
        org.app
            .store()
            .person_by_email("eve@example.com.evil.test")
            .await
            .unwrap()
            .is_none()
    );
    let created = org
        .app
        .store()
        .audit_events(AuditFilter {
            action_prefix: Some("person.create".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.len(), 1, "{created:?}");
}

#[tokio::test]
async fn a_deactivated_account_stays_out() {
    let org = org(true).await;
    let ann = org.add("ann", None, SystemRole::Member).await;
    org.deactivate(ann.id, &audit()).await;
    let message =
        forbidden(sso::sign_in(&org.app, &identity(Some("ann@example.com"), true), &audit()).await);
    assert!(message.contains("deactivated"), "{message}");
}

#[tokio::test]
async fn without_sso_set_up_there_is_nothing_to_sign_in_to() {
    let org = Org::new().await;
    org.add("ann", None, SystemRole::Member).await;
    let result = sso::sign_in(&org.app, &identity(Some("ann@example.com"), true), &audit()).await;
    assert!(matches!(result, Err(AppError::NotFound(_))), "{result:?}");
    assert!(sign_ins(&org).await.is_empty());
}

#[tokio::test]
async fn with_password_sign_in_off_no_password_can_be_reset() {
    let org = org(false).await;
    org.add("ann", None, SystemRole::Member).await;
    let resets = org.app.password_resets();
    assert!(!resets.by_email());
    match resets.request("ann@example.com", None).await {
        Err(AppError::Conflict { message, .. }) => assert_eq!(message, PASSWORDS_NOT_USED),
        other => panic!("{other:?}"),
    }
    let checked = resets.check(&"a".repeat(64)).await;
    assert!(matches!(checked, Err(AppError::NotFound(m)) if m == PASSWORDS_NOT_USED));
}
