//! Who is told what as an assessment goes round, and the email that goes out, through a real SMTP
//! server on loopback (Python's aiosmtpd, `tests/smtp_sink.py`). Without aiosmtpd the email tests
//! skip with a note, unless `TRELLIS_REQUIRE_SMTP=1` (set by `scripts/test`, which installs it).

mod common;

use common::smtp::{free_port, mailer, smtp_sink};
use common::{Org, actor, rated_as_required};
use trellis_app::growth::{RatingInput, StartInput};
use trellis_app::mail::{DIGEST_EVERY, MailSettings, Mailer, Sent};
use trellis_store::prelude::*;
use trellis_store::{Person, RaterKind};

struct Cast {
    org: Org,
    boss: Person,
    ann: Person,
    pat: Person,
}

async fn org() -> Cast {
    let o = Org::new().await;
    let boss = o.member("boss", None).await;
    let ann = o.member("ann", Some(&boss)).await;
    let pat = o.member("pat", Some(&boss)).await;
    Cast {
        org: o,
        boss,
        ann,
        pat,
    }
}

/// (kind, link) of a person's unread notifications, oldest first, and marks them read.
async fn told(o: &Cast, p: &Person) -> Vec<(String, String)> {
    let inbox = o
        .org
        .app
        .notifications()
        .inbox(&actor(p), None)
        .await
        .unwrap();
    o.org
        .app
        .notifications()
        .mark_read(&actor(p), None)
        .await
        .unwrap();
    inbox
        .notifications
        .into_iter()
        .rev()
        .filter(|n| n.read_at.is_none())
        .map(|n| (n.kind, n.link))
        .collect()
}

fn pair(kind: &str, link: String) -> (String, String) {
    (kind.to_owned(), link)
}

/// (kind, link) of what waits for a person.
async fn todo(o: &Cast, p: &Person) -> Vec<(&'static str, String)> {
    let list = o.org.app.todo().of(&actor(p)).await.unwrap();
    list.into_iter().map(|t| (t.kind, t.href)).collect()
}

#[tokio::test]
async fn everyone_is_told_what_waits_for_them_and_no_one_of_their_own_doing() {
    let o = org().await;
    let assessments = o.org.app.assessments();
    let start = StartInput {
        role_level: o.org.role_level.clone(),
        ..StartInput::default()
    };
    let started = assessments
        .start(&actor(&o.boss), o.ann.id, start)
        .await
        .unwrap();
    let link = format!("/assessments/{}", started.id);
    // The manager started it: Ann's self-assessment waits; the manager did it, so is not told.
    assert_eq!(
        told(&o, &o.ann).await,
        [pair("assessment.waiting", link.clone())]
    );
    assert!(told(&o, &o.boss).await.is_empty());
    assert_eq!(todo(&o, &o.ann).await, [("self-assessment", link.clone())]);
    assert!(todo(&o, &o.boss).await.is_empty());
    let inbox = o.org.app.notifications().inbox(&actor(&o.ann), None).await;
    assert_eq!(inbox.unwrap().unread, 0, "marked read");

    // Ann asks Pat for input; Pat answers: each is told of the other's step.
    let a = assessments.view(&actor(&o.ann), started.id).await.unwrap();
    let skill = a.profile.requirements[0].skill.clone();
    let request = assessments
        .request_peer(&actor(&o.ann), &a, Some(o.pat.id), vec![skill.clone()])
        .await
        .unwrap();
    let asked = format!("/peer-requests/{}", request.id);
    assert_eq!(told(&o, &o.pat).await, [pair("peer.asked", asked.clone())]);
    assert_eq!(todo(&o, &o.pat).await, [("peer-input", asked)]);
    let (request, in_pat) = o
        .org
        .app
        .peer_requests()
        .open(&actor(&o.pat), request.id)
        .await
        .unwrap();
    let level = a.profile.requirements[0].level.0.clone();
    let answer = vec![RatingInput {
        skill,
        level: Some(level),
        ..RatingInput::default()
    }];
    o.org
        .app
        .peer_requests()
        .answer(&actor(&o.pat), &request, &in_pat, answer)
        .await
        .unwrap();
    assert_eq!(
        told(&o, &o.ann).await,
        [pair("peer.given", format!("{link}#peers"))]
    );

    // Self → manager → compare → agreed.
    let a = assessments.view(&actor(&o.ann), started.id).await.unwrap();
    let sub = rated_as_required(&a, RaterKind::SelfRater);
    assessments.submit(&actor(&o.ann), &a, sub).await.unwrap();
    assert_eq!(
        told(&o, &o.boss).await,
        [pair("assessment.waiting", link.clone())]
    );
    assert!(todo(&o, &o.pat).await.is_empty(), "answered");
    assert!(todo(&o, &o.ann).await.is_empty(), "the manager's turn");
    assert_eq!(todo(&o, &o.boss).await, [("rate", link.clone())]);
    let a = assessments.view(&actor(&o.boss), started.id).await.unwrap();
    let sub = rated_as_required(&a, RaterKind::Manager);
    assessments.submit(&actor(&o.boss), &a, sub).await.unwrap();
    assert_eq!(
        told(&o, &o.ann).await,
        [pair("assessment.compare", link.clone())]
    );
    assert_eq!(todo(&o, &o.boss).await, [("agree", link.clone())]);
    assert_eq!(todo(&o, &o.ann).await, [("discuss", link.clone())]);
    let a = assessments.view(&actor(&o.boss), started.id).await.unwrap();
    let sub = rated_as_required(&a, RaterKind::Agreed);
    assessments.submit(&actor(&o.boss), &a, sub).await.unwrap();
    assert_eq!(told(&o, &o.ann).await, [pair("assessment.agreed", link)]);
    assert!(todo(&o, &o.ann).await.is_empty() && todo(&o, &o.boss).await.is_empty());
    assert!(told(&o, &o.boss).await.is_empty());
    assert!(told(&o, &o.pat).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Email through a real SMTP server.

/// Ann's manager starts an assessment of Ann, and of Pat: one notification each.
async fn two_started(o: &Cast) -> (i64, i64) {
    let mut ids = Vec::new();
    for p in [&o.ann, &o.pat] {
        let start = StartInput {
            role_level: o.org.role_level.clone(),
            ..StartInput::default()
        };
        let as_boss = actor(&o.boss);
        let a = o.org.app.assessments().start(&as_boss, p.id, start).await;
        ids.push(a.unwrap().id);
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn each_notification_is_emailed_once_as_chosen() {
    let Some(sink) = smtp_sink() else { return };
    let o = org().await;
    o.org
        .app
        .notifications()
        .set_email_mode(&actor(&o.pat), "off")
        .await
        .unwrap();
    let (ann_assessment, _) = two_started(&o).await;
    let mail = mailer(sink.port);
    let sent = mail.send_due(&o.org.app, 1_000).await.unwrap();
    assert_eq!(
        sent,
        Sent {
            emails: 1,
            notifications: 2
        }
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "Pat chose no email");
    let m = &messages[0];
    assert!(m.starts_with("X-Envelope-To: ann@example.com"), "{m}");
    assert!(m.contains("From: Trellis <trellis@example.org>"), "{m}");
    assert!(
        m.contains("Subject: Boss started an assessment of you"),
        "{m}"
    );
    let link = format!("https://trellis.example.org/assessments/{ann_assessment}");
    assert!(m.contains(&link), "the email links to the assessment: {m}");
    assert!(
        m.contains("https://trellis.example.org/notifications"),
        "{m}"
    );

    // Nothing is sent twice; the inbox still has both.
    let again = mail.send_due(&o.org.app, 2_000).await.unwrap();
    assert_eq!(again, Sent::default());
    assert_eq!(sink.messages().len(), 1);
    let inbox = o.org.app.notifications().inbox(&actor(&o.pat), None).await;
    assert_eq!(inbox.unwrap().unread, 1);
}

#[tokio::test]
async fn a_daily_digest_gathers_a_day() {
    let Some(sink) = smtp_sink() else { return };
    let o = org().await;
    let as_boss = actor(&o.boss);
    o.org
        .app
        .notifications()
        .set_email_mode(&as_boss, "daily")
        .await
        .unwrap();
    let mail = mailer(sink.port);
    // Two self-assessments submitted: two notifications for the manager, one digest.
    let (ann_a, pat_a) = two_started(&o).await;
    mail.send_due(&o.org.app, 500).await.unwrap();
    for (p, id) in [(&o.ann, ann_a), (&o.pat, pat_a)] {
        let a = o.org.app.assessments().view(&actor(p), id).await.unwrap();
        let sub = rated_as_required(&a, RaterKind::SelfRater);
        o.org
            .app
            .assessments()
            .submit(&actor(p), &a, sub)
            .await
            .unwrap();
    }
    let day = DIGEST_EVERY.as_millis() as i64;
    let sent = mail.send_due(&o.org.app, 1_000).await.unwrap();
    assert_eq!(sent.emails, 1, "the first digest goes out at once");
    let digest = sink.messages().pop().unwrap();
    assert!(
        digest.starts_with("X-Envelope-To: boss@example.com"),
        "{digest}"
    );
    assert!(
        digest.contains("Subject: 2 things in Trellis since yesterday"),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("/assessments/{ann_a}")),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("/assessments/{pat_a}")),
        "{digest}"
    );

    // The next one waits a day, then carries what came since.
    for kind in [RaterKind::Manager, RaterKind::Agreed] {
        let a = o.org.app.assessments().view(&as_boss, ann_a).await.unwrap();
        let sub = rated_as_required(&a, kind);
        o.org
            .app
            .assessments()
            .submit(&as_boss, &a, sub)
            .await
            .unwrap();
    }
    let before = sink.messages().len();
    assert_eq!(
        mail.send_due(&o.org.app, 1_000 + day - 1)
            .await
            .unwrap()
            .emails,
        2
    );
    assert_eq!(
        sink.messages().len(),
        before + 2,
        "Ann's two arrive one by one; the manager's digest waits"
    );
}

#[tokio::test]
async fn a_server_that_is_down_delays_mail_and_loses_none() {
    let o = org().await;
    two_started(&o).await;
    // Nothing listens on this port.
    let down = mailer(free_port());
    assert!(down.send_due(&o.org.app, 1_000).await.is_err());
    assert_eq!(o.org.app.store().unsent(100, 0).await.unwrap().len(), 2);

    let Some(sink) = smtp_sink() else { return };
    let up = mailer(sink.port);
    assert_eq!(up.send_due(&o.org.app, 2_000).await.unwrap().emails, 2);
    assert_eq!(sink.messages().len(), 2);
}

#[test]
fn bad_mail_settings_say_what_is_wrong() {
    let settings = |url: &str, from: &str, base: &str| MailSettings {
        smtp_url: url.into(),
        from: from.into(),
        base_url: base.into(),
    };
    let refused = |s: MailSettings| Mailer::new(&s).unwrap_err().to_string();
    let ok = (
        "smtp://127.0.0.1:25",
        "t@example.org",
        "https://t.example.org",
    );
    assert!(refused(settings("http://x", ok.1, ok.2)).contains("SMTP URL"));
    assert!(refused(settings(ok.0, "not an address", ok.2)).contains("not an email address"));
    assert!(refused(settings(ok.0, ok.1, "trellis.example.org")).contains("http(s)"));
    assert!(Mailer::new(&settings(ok.0, ok.1, ok.2)).is_ok());
}
