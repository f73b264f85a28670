//! Notifications: who is told what when something waits for them or changed for them, the inbox,
//! and each person's choice of email (each one, a daily digest, or none). The notices are written
//! by the store in the transaction of the change that causes them; [`crate::mail`] sends them.
//!
//! Kinds, and who is told:
//! - `assessment.waiting`: someone else started an assessment of you (your self-assessment waits),
//!   or a self-assessment was submitted (the person's manager's ratings wait);
//! - `assessment.compare`: the manager's ratings are in (talk them through and agree);
//! - `assessment.agreed`: the outcome of your assessment was recorded;
//! - `assessment.disputed`: the person disputes the agreed outcome (their manager, and whoever
//!   recorded it);
//! - `peer.asked`: someone asks for your input; `peer.given`: a peer answered your request.
//!
//! Nobody is told of what they did themselves.

use trellis_store::prelude::*;
use trellis_store::{EmailMode, NewNotification, Notification, PeerRequest, Person};

use crate::access::Actor;
use crate::error::{AppError, AppResult};
use crate::growth::AssessmentCtx;

/// How many notifications the inbox shows at once.
pub const INBOX_PAGE: u32 = 50;

fn notice(to: i64, kind: &str, subject: String, link: String) -> NewNotification {
    NewNotification {
        person_id: to,
        kind: kind.to_owned(),
        subject,
        link,
    }
}

/// Told when an assessment is started: the person, unless they started it. The link names the new
/// assessment (`{id}`).
pub fn assessment_started(
    actor: &Actor,
    person: &Person,
    role_title: &str,
) -> Vec<NewNotification> {
    if actor.id() == person.id {
        return Vec::new();
    }
    vec![notice(
        person.id,
        "assessment.waiting",
        format!(
            "{} started an assessment of you against {role_title}: your self-assessment waits",
            actor.person.name
        ),
        "/assessments/{id}".into(),
    )]
}

/// Told when a stage is submitted and the assessment moves on to `next`.
pub fn stage_submitted(
    actor: &Actor,
    a: &AssessmentCtx,
    next: trellis_store::Stage,
) -> Vec<NewNotification> {
    use trellis_store::Stage;
    let link = format!("/assessments/{}", a.assessment.id);
    let title = &a.profile.title;
    let person = &a.person;
    let notices = match next {
        Stage::Manager => person
            .manager_id
            .map(|manager| {
                notice(
                    manager,
                    "assessment.waiting",
                    format!(
                        "{} submitted their self-assessment against {title}: your ratings wait",
                        person.name
                    ),
                    link.clone(),
                )
            })
            .into_iter()
            .collect(),
        Stage::Compare => vec![notice(
            person.id,
            "assessment.compare",
            format!(
                "{} rated you against {title}: compare the ratings and agree the outcome together",
                actor.person.name
            ),
            link,
        )],
        Stage::Agreed => vec![notice(
            person.id,
            "assessment.agreed",
            format!("The outcome of your assessment against {title} is agreed"),
            link,
        )],
        Stage::SelfRating => Vec::new(),
    };
    notices
        .into_iter()
        .filter(|n| n.person_id != actor.id())
        .collect()
}

/// Told when the person disputes the agreed outcome of their assessment: their manager, and
/// whoever recorded the outcome when that was someone else.
pub fn outcome_disputed(actor: &Actor, a: &AssessmentCtx) -> Vec<NewNotification> {
    let mut to: Vec<i64> = a.person.manager_id.into_iter().collect();
    to.extend(a.assessment.agreed_by);
    to.sort_unstable();
    to.dedup();
    to.into_iter()
        .filter(|id| *id != actor.id())
        .map(|id| {
            notice(
                id,
                "assessment.disputed",
                format!(
                    "{} disputes the agreed outcome of their assessment against {}",
                    a.person.name, a.profile.title
                ),
                format!("/assessments/{}#outcome-answer", a.assessment.id),
            )
        })
        .collect()
}

/// Told when a peer is asked for input. The link names the new request (`{id}`).
pub fn peer_asked(actor: &Actor, a: &AssessmentCtx, peer: &Person) -> Vec<NewNotification> {
    let about = if a.person.id == actor.id() {
        "their".to_owned()
    } else {
        format!("{}'s", a.person.name)
    };
    vec![notice(
        peer.id,
        "peer.asked",
        format!(
            "{} asks for your input on {about} skills for {}",
            actor.person.name, a.profile.title
        ),
        "/peer-requests/{id}".into(),
    )]
}

/// Told when a peer answers: whoever asked.
pub fn peer_given(actor: &Actor, a: &AssessmentCtx, request: &PeerRequest) -> Vec<NewNotification> {
    if request.requested_by == actor.id() {
        return Vec::new();
    }
    vec![notice(
        request.requested_by,
        "peer.given",
        format!(
            "{} gave their input on {}'s assessment against {}",
            actor.person.name, a.person.name, a.profile.title
        ),
        format!("/assessments/{}#peers", a.assessment.id),
    )]
}

/// A page of a person's inbox.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub notifications: Vec<Notification>,
    pub unread: i64,
    /// Where the next (older) page starts, when there is one.
    pub older_than: Option<i64>,
}

use_case_area!(Notifications, notifications);

impl Notifications<'_> {
    /// The actor's own inbox, newest first; only ever their own.
    pub async fn inbox(&self, actor: &Actor, before: Option<i64>) -> AppResult<Inbox> {
        let store = self.app.store();
        let notifications = store
            .notifications_of(actor.id(), INBOX_PAGE, before)
            .await?;
        let unread = store.unread_count(actor.id()).await?;
        let older_than = (notifications.len() == INBOX_PAGE as usize)
            .then(|| notifications.last().map(|n| n.id))
            .flatten();
        Ok(Inbox {
            notifications,
            unread,
            older_than,
        })
    }

    /// How many of the actor's notifications are unread (the header's count).
    pub async fn unread(&self, actor: &Actor) -> AppResult<i64> {
        Ok(self.app.store().unread_count(actor.id()).await?)
    }

    /// Marks some of the actor's notifications read (`None`: all). Others' ids are ignored.
    pub async fn mark_read(&self, actor: &Actor, ids: Option<Vec<i64>>) -> AppResult<u64> {
        let at = crate::time::now_millis();
        Ok(self.app.store().mark_read(actor.id(), ids, at).await?)
    }

    pub async fn email_mode(&self, actor: &Actor) -> AppResult<EmailMode> {
        Ok(self.app.store().email_mode(actor.id()).await?)
    }

    /// Changes how the actor hears of notifications by email (audited): `each`, `daily` or
    /// `off`; anything else is refused, naming the field `email`.
    pub async fn set_email_mode(&self, actor: &Actor, choice: &str) -> AppResult<EmailMode> {
        let mode = EmailMode::parse(choice.trim()).ok_or_else(|| {
            AppError::field(
                "email",
                "Choose how you want to hear of notifications by email: `each`, `daily` or `off`.",
            )
        })?;
        self.app
            .store()
            .set_email_mode(actor.id(), mode, &actor.audit())
            .await?;
        Ok(mode)
    }
}
