//! A forgotten password reset through the link in an email, sent through a real SMTP server on
//! loopback (see `common::smtp`).

mod common;

use common::smtp::{free_port, mailer, smtp_sink};
use common::{Org, fields};
use trellis_app::password_reset::{LINK_GONE, NO_EMAIL, Requested};
use trellis_app::secrets::{sha256_hex, verify_password};
use trellis_app::use_cases::By;
use trellis_app::{AppError, Config, throttle};
use trellis_store::prelude::*;
use trellis_store::{Audit, Outcome};

const NEW: &str = "a new password of mine";
const IP: Option<&str> = Some("192.0.2.1");

async fn org_mailing_to(port: u16) -> Org {
    Org::with_config(Config {
        mailer: Some(mailer(port)),
        ..Config::default()
    })
    .await
}

/// Asks for a link and waits for its email to be sent (or not).
async fn ask(org: &Org, email: &str) {
    match org.app.password_resets().request(email, IP).await.unwrap() {
        Requested::Accepted(delivery) => delivery.finished().await,
        Requested::Wait(w) => panic!("asked to wait {w:?}"),
    }
}

/// The token of the reset link in an email.
fn token_in(message: &str) -> String {
    // Quoted-printable text breaks long lines with a trailing `=`.
    let message = &message.replace("=\r\n", "").replace("=\n", "");
    let at = "https://trellis.example.org/reset-password/";
    let start = message
        .find(at)
        .unwrap_or_else(|| panic!("no link in {message}"))
        + at.len();
    message[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn the_emailed_link_sets_a_new_password_once() {
    let Some(sink) = smtp_sink() else { return };
    let org = org_mailing_to(sink.port).await;
    let ann = org.member("ann", None).await;
    let resets = org.app.password_resets();
    assert!(resets.by_email());
    ask(&org, " Ann@Example.com ").await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.starts_with("X-Envelope-To: ann@example.com"), "{m}");
    assert!(m.contains("Subject: Reset your Trellis password"), "{m}");
    assert!(m.contains("within 60 minutes"), "{m}");
    let token = token_in(m);
    assert_eq!(token.len(), 64, "{m}");

    // Only the token's hash is stored, and the audit log holds neither.
    let store = org.app.store();
    let now = trellis_app::time::now_millis();
    assert!(store.password_reset(&token, now).await.unwrap().is_none());
    assert!(
        store
            .password_reset(&sha256_hex(&token), now)
            .await
            .unwrap()
            .is_some()
    );
    let log =
        serde_json::to_string(&store.audit_events(Default::default()).await.unwrap()).unwrap();
    assert!(!log.contains(&token) && !log.contains(&sha256_hex(&token)));

    assert_eq!(resets.check(&token).await.unwrap().id, ann.id);
    // The rules of a new password are those of the account page.
    assert_eq!(
        fields(
            resets
                .complete(&token, "too short", "too short", IP)
                .await
                .unwrap_err()
        ),
        ["new_password"]
    );
    assert_eq!(
        fields(
            resets
                .complete(&token, NEW, "not the same", IP)
                .await
                .unwrap_err()
        ),
        ["confirm_password"]
    );
    let own_email = "ann@example.com";
    assert_eq!(
        fields(
            resets
                .complete(&token, own_email, own_email, IP)
                .await
                .unwrap_err()
        ),
        ["new_password"]
    );
    let done = resets.complete(&token, NEW, NEW, IP).await.unwrap();
    assert_eq!(done.id, ann.id);
    let hash = store.person(ann.id).await.unwrap().password_hash.unwrap();
    assert!(verify_password(NEW, &hash));

    // Used once.
    let again = resets.complete(&token, "another password here", "another password here", IP);
    assert_eq!(again.await.unwrap_err(), AppError::not_found(LINK_GONE));
    assert_eq!(
        resets.check(&token).await.unwrap_err(),
        AppError::not_found(LINK_GONE)
    );
    let completed = store
        .audit_events(trellis_store::AuditFilter {
            action_prefix: Some("password-reset.complete".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let outcomes: Vec<Outcome> = completed.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Failure, Outcome::Success],
        "newest first"
    );
}

#[tokio::test]
async fn unknown_and_deactivated_addresses_get_the_same_answer_and_no_email() {
    let Some(sink) = smtp_sink() else { return };
    let org = org_mailing_to(sink.port).await;
    let ann = org.member("ann", None).await;
    let bob = org.member("bob", None).await;
    org.deactivate(bob.id, &Audit::default()).await;
    ask(&org, "nobody@example.com").await;
    ask(&org, "bob@example.com").await;
    ask(&org, "ann@example.com").await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "only Ann's account gets a link");
    assert!(messages[0].starts_with("X-Envelope-To: ann@example.com"));
    let requests = org
        .app
        .store()
        .audit_events(trellis_store::AuditFilter {
            action_prefix: Some("password-reset.request".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let seen: Vec<(String, Outcome)> = requests
        .iter()
        .rev()
        .map(|e| (e.target.clone(), e.outcome))
        .collect();
    assert_eq!(
        seen,
        [
            ("person:unknown".into(), Outcome::Failure),
            (format!("person:{}", bob.id), Outcome::Failure),
            (format!("person:{}", ann.id), Outcome::Success),
        ]
    );
    // A badly written address is said to be so; that tells nothing about accounts.
    let bad = org
        .app
        .password_resets()
        .request("not an address", IP)
        .await;
    assert_eq!(fields(bad.unwrap_err()), ["email"]);
}

#[tokio::test]
async fn without_email_no_link_is_asked_for() {
    let org = Org::new().await;
    org.member("ann", None).await;
    let resets = org.app.password_resets();
    assert!(!resets.by_email());
    let e = resets.request("ann@example.com", IP).await.unwrap_err();
    assert_eq!(e, AppError::conflict(NO_EMAIL));
}

#[tokio::test]
async fn asking_often_waits_without_slowing_sign_in() {
    // Nothing listens here: the emails fail, which the answer does not show.
    let org = org_mailing_to(free_port()).await;
    org.member("ann", None).await;
    let config = org.app.config().clone();
    for _ in 0..config.free_failures_per_pair {
        ask(&org, "ann@example.com").await;
    }
    let next = org
        .app
        .password_resets()
        .request("ann@example.com", IP)
        .await;
    assert!(matches!(next, Ok(Requested::Wait(_))), "{next:?}");
    let now = trellis_app::time::now_millis();
    let sign_in = throttle::reserve(org.app.store(), &config, "ann@example.com", IP, now).await;
    assert!(
        matches!(sign_in, Ok(throttle::Throttle::Go(_))),
        "{sign_in:?}"
    );
}

/// People an import made are welcomed with a link to choose their first password, lasting a
/// week; only an administrator sends them, and people with a password already are passed over.
#[tokio::test]
async fn new_people_are_welcomed_with_a_link_to_choose_their_password() {
    let Some(sink) = smtp_sink() else { return };
    let org = org_mailing_to(sink.port).await;
    let admin = org.add("ada", None, trellis_store::SystemRole::Admin).await;
    let member = org.member("mo", None).await;
    let (bea, cy) = (org.member("bea", None).await, org.member("cy", None).await);
    // Cy chose a password already.
    let hash = trellis_app::secrets::hash_password("cy's own password").unwrap();
    org.app
        .store()
        .set_password(cy.id, &hash, &Audit::default())
        .await
        .unwrap();
    let resets = org.app.password_resets();

    let refused = resets
        .welcome(By::Admin(&common::actor(&member)), &[bea.id])
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
    assert!(sink.messages().is_empty());

    let sent = resets
        .welcome(By::Admin(&common::actor(&admin)), &[bea.id, cy.id])
        .await
        .unwrap();
    assert_eq!(sent.len(), 1, "Cy has a password");
    for delivery in sent {
        delivery.finished().await;
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.starts_with("X-Envelope-To: bea@example.com"), "{m}");
    assert!(m.contains("Subject: Welcome to Trellis"), "{m}");
    assert!(m.contains("within 7 days"), "{m}");
    let token = token_in(m);
    let done = resets.complete(&token, NEW, NEW, IP).await.unwrap();
    assert_eq!(done.id, bea.id);
    let made = org
        .app
        .store()
        .audit_events(trellis_store::AuditFilter {
            actor_id: Some(admin.id),
            target: Some(format!("person:{}", bea.id)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        made.len(),
        1,
        "the link is the administrator's doing: {made:?}"
    );
}
