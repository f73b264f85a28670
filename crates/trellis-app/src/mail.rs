//! Email of notifications over SMTP: each one as it happens, or a daily digest, as each person
//! chose. Without SMTP configured the inbox still works and nothing is sent.
//!
//! The mailer reads what is not yet emailed from the store, sends it, and records it as emailed
//! only once the SMTP server accepted it: a server that is down delays mail, it does not lose it
//! (the next round tries again). A notification can be sent twice if the process stops between
//! the server's acceptance and the record, never lost.

use std::collections::BTreeMap;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use trellis_store::prelude::*;
use trellis_store::{EmailMode, Millis, PersonId, Unsent};

use crate::App;
use crate::error::{AppError, AppResult};

/// A digest goes out at most once in this long.
pub const DIGEST_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// How many notifications one round reads.
const ROUND: u32 = 500;

/// Where and how to send.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtps://user:pass@host:465`, `smtp://host:587?tls=required` (STARTTLS), or `smtp://host:25`
    /// (no encryption: only for a relay on the same machine).
    pub smtp_url: String,
    /// The sender, e.g. `Trellis <trellis@example.org>`.
    pub from: String,
    /// The address people open Trellis at, e.g. `https://trellis.example.org`, for the links.
    pub base_url: String,
}

#[derive(Debug, Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base_url: String,
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// Emails the SMTP server accepted.
    pub emails: usize,
    /// Notifications they carried, or that were settled without email (those who chose none).
    pub notifications: usize,
}

impl Mailer {
    /// Checks the settings; a bad URL or sender is refused with what is wrong.
    pub fn new(settings: &MailSettings) -> AppResult<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
            .map_err(|e| AppError::field("smtp_url", format!("not a usable SMTP URL: {e}")))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = settings.from.parse::<Mailbox>().map_err(|e| {
            AppError::field(
                "from",
                format!("{:?} is not an email address: {e}", settings.from),
            )
        })?;
        let base_url = settings.base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(AppError::field(
                "base_url",
                format!("{base_url:?} is not an http(s) address"),
            ));
        }
        Ok(Mailer {
            transport,
            from,
            base_url,
        })
    }

    /// Sends what is due at `now`: every notification of those who want each one, a digest to
    /// those who chose one a day and had none for a day; settles those who want none.
    pub async fn send_due(&self, app: &App, now: Millis) -> AppResult<Sent> {
        let store = app.store();
        let mut by_person: BTreeMap<PersonId, Vec<Unsent>> = BTreeMap::new();
        let day = i64::try_from(DIGEST_EVERY.as_millis()).unwrap_or(i64::MAX);
        for u in store.unsent(ROUND, now.saturating_sub(day)).await? {
            by_person
                .entry(u.notification.person_id)
                .or_default()
                .push(u);
        }
        let mut sent = Sent::default();
        for (person, items) in by_person {
            let first = &items[0];
            let ids: Vec<i64> = items.iter().map(|u| u.notification.id).collect();
            let undeliverable = first.email.parse::<lettre::Address>().is_err();
            if undeliverable {
                tracing::warn!(
                    person,
                    "no email sent: the account's address cannot be sent to"
                );
            }
            match first.mode {
                _ if undeliverable => {
                    store.mark_emailed(ids, now, None).await?;
                    sent.notifications += items.len();
                }
                EmailMode::Off => {
                    store.mark_emailed(ids, now, None).await?;
                    sent.notifications += items.len();
                }
                EmailMode::Each => {
                    for u in &items {
                        self.send(u, &u.notification.subject, self.body(u, &[u]))
                            .await?;
                        store
                            .mark_emailed(vec![u.notification.id], now, None)
                            .await?;
                        sent.emails += 1;
                        sent.notifications += 1;
                    }
                }
                EmailMode::Daily => {
                    let due = first.last_digest_at.is_none_or(|last| {
                        now.saturating_sub(last) >= DIGEST_EVERY.as_millis() as i64
                    });
                    if !due {
                        continue;
                    }
                    let subject = match items.len() {
                        1 => first.notification.subject.clone(),
                        n => format!("{n} things in Trellis since yesterday"),
                    };
                    let all: Vec<&Unsent> = items.iter().collect();
                    self.send(first, &subject, self.body(first, &all)).await?;
                    store.mark_emailed(ids, now, Some(person)).await?;
                    sent.emails += 1;
                    sent.notifications += items.len();
                }
            }
        }
        Ok(sent)
    }

    /// The text of an email to `to` about `items`: each with its sentence and its link.
    fn body(&self, to: &Unsent, items: &[&Unsent]) -> String {
        let list: Vec<String> = items
            .iter()
            .map(|u| {
                let n = &u.notification;
                format!("{}\n{}{}\n", n.subject, self.base_url, n.link)
            })
            .collect();
        format!(
            "Hello {},\n\n{}\nYou can choose to get these emails one by one, once a day, or \
             not at all in your inbox: {}/notifications\n",
            to.name,
            list.join("\n"),
            self.base_url
        )
    }

    async fn send(&self, to: &Unsent, subject: &str, body: String) -> AppResult<()> {
        self.send_to(&to.email, &to.name, subject, body).await
    }

    /// A link to `path` (which starts with `/`) at the address people open Trellis at.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends one email to `email`, named `name`; done once the SMTP server took it.
    pub async fn send_to(
        &self,
        email: &str,
        name: &str,
        subject: &str,
        body: String,
    ) -> AppResult<()> {
        let address = email
            .parse()
            .map_err(|e| AppError::internal(format!("an address that cannot be sent to: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(name.to_owned()), address))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| AppError::internal(format!("building an email: {e}")))?;
        self.transport.send(message).await.map_err(|e| {
            AppError::internal(format!("the SMTP server did not take an email: {e}"))
        })?;
        Ok(())
    }

    /// Runs rounds every `every` until the process ends. A failed round is logged and retried.
    pub fn spawn(self, app: App, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match self.send_due(&app, crate::time::now_millis()).await {
                    Ok(sent) if sent.emails > 0 => {
                        tracing::info!(emails = sent.emails, "notifications emailed");
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "emailing notifications failed; will retry")
                    }
                }
            }
        })
    }
}
