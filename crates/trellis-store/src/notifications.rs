//! Rows for notifications: what waits for a person or changed for them, and how they want to hear
//! of it by email.

use serde::{Deserialize, Serialize};

use crate::{Millis, PersonId};

crate::parse_from_text!(EmailMode);

/// A notification to write with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// Who is told.
    pub person_id: PersonId,
    /// What happened, e.g. `assessment.waiting`.
    pub kind: String,
    /// One sentence, shown in the inbox and as the email's subject.
    pub subject: String,
    /// Where to act on it: a path within Trellis, starting with `/`.
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Notification {
    pub id: i64,
    pub person_id: PersonId,
    pub at: Millis,
    pub kind: String,
    pub subject: String,
    pub link: String,
    /// Who caused it (the actor of the change), if anyone.
    pub actor_id: Option<PersonId>,
    pub read_at: Option<Millis>,
    pub emailed_at: Option<Millis>,
}

/// How a person wants to hear of notifications by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailMode {
    /// Each one, as it happens.
    #[default]
    Each,
    /// One email a day listing what came since the last.
    Daily,
    /// None: the inbox only.
    Off,
}

impl EmailMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailMode::Each => "each",
            EmailMode::Daily => "daily",
            EmailMode::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<EmailMode> {
        match s {
            "each" => Some(EmailMode::Each),
            "daily" => Some(EmailMode::Daily),
            "off" => Some(EmailMode::Off),
            _ => None,
        }
    }
}

/// A notification not yet emailed, with what the mailer needs of its recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Unsent {
    #[cfg_attr(feature = "sqlx", sqlx(flatten))]
    pub notification: Notification,
    pub email: String,
    pub name: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub mode: EmailMode,
    /// When the recipient's last daily digest went out.
    pub last_digest_at: Option<Millis>,
}
