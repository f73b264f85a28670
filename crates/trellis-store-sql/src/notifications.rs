//! Notifications: written in the transaction of the change that causes them ([`write_notices`]),
//! read by the inbox, and picked up by the mailer.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;
use trellis_store::backend::clean_text;
use trellis_store::{
    Audit, EmailMode, Millis, NewNotification, Notification, NotificationStore, PersonId,
    StoreError, StoreResult, Unsent,
};

use crate::dialect::{Dialect, Values};
use crate::{Connection, Database, append, db_run, person_in, success};

const NOTIFICATION_COLUMNS: &str =
    "n.id, n.person_id, n.at, n.kind, n.subject, n.link, n.actor_id, n.read_at, n.emailed_at";

/// Counts the changes to inboxes made through this process: notices written, notices marked read.
/// A cache of unread counts is good while this stays the same (see [`inbox_changes`]).
static INBOX_CHANGES: AtomicU64 = AtomicU64::new(0);

/// A number that changes whenever this process writes notices or marks some read (in any
/// database it opened). A notice written by the transaction in flight may bump it just before
/// its commit, so a count read at that moment can be stale: a cache keyed on this number also
/// needs a short lifetime, as it does for changes made by other processes.
pub fn inbox_changes() -> u64 {
    INBOX_CHANGES.load(Ordering::Acquire)
}

fn inbox_changed() {
    INBOX_CHANGES.fetch_add(1, Ordering::AcqRel);
}

/// Writes notices with the change that causes them: at the change's time, by its actor. `{id}` in
/// a link stands for the id of the record the change `created`.
pub(crate) async fn write_notices(
    conn: &mut impl Connection,
    notices: &[NewNotification],
    created: Option<i64>,
    audit: &Audit,
) -> StoreResult<()> {
    if notices.is_empty() {
        return Ok(());
    }
    let mut kinds = Vec::with_capacity(notices.len());
    let mut subjects = Vec::with_capacity(notices.len());
    let mut links = Vec::with_capacity(notices.len());
    for n in notices {
        kinds.push(clean_text("notification kind", &n.kind)?);
        subjects.push(clean_text("notification subject", &n.subject)?);
        if !n.link.starts_with('/') || n.link.starts_with("//") {
            return Err(StoreError::Invalid(format!(
                "notification link {:?} is not a path within Trellis",
                n.link
            )));
        }
        links.push(match created {
            Some(id) => n.link.replace("{id}", &id.to_string()),
            None => n.link.clone(),
        });
    }
    inbox_changed();
    let n = notices.len();
    let columns = [
        (
            "person_id",
            Values::Int(notices.iter().map(|n| n.person_id).collect()),
        ),
        ("at", Values::Int(vec![audit.at; n])),
        (
            "kind",
            Values::Text(kinds.iter().map(String::as_str).collect()),
        ),
        (
            "subject",
            Values::Text(subjects.iter().map(String::as_str).collect()),
        ),
        (
            "link",
            Values::Text(links.iter().map(String::as_str).collect()),
        ),
        ("actor_id", Values::OptInt(vec![audit.actor_id; n])),
    ];
    db_run!(conn, |c| Db::insert_rows(c, "notifications", &columns))
}

/// Marks a record of `table` (one with a `reminded_at` column) reminded, and writes its notices with
/// that mark, unless it was reminded already (by another server, say): says whether this call did.
pub(crate) async fn remind_once(
    db: &Database,
    table: &'static str,
    id: i64,
    notices: Vec<NewNotification>,
    audit: &Audit,
) -> StoreResult<bool> {
    let mut tx = db.write().await?;
    let marked = db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL"
    )))
    .bind(audit.at)
    .bind(id)
    .execute(c))?;
    if marked == 0 {
        return Ok(false);
    }
    write_notices(&mut tx, &notices, None, audit).await?;
    tx.commit().await?;
    Ok(true)
}

impl NotificationStore for Database {
    async fn notify(&self, notices: Vec<NewNotification>, audit: &Audit) -> StoreResult<()> {
        let mut tx = self.write().await?;
        write_notices(&mut tx, &notices, None, audit).await?;
        tx.commit().await
    }

    async fn notifications_of(
        &self,
        person: PersonId,
        limit: u32,
        before_id: Option<i64>,
    ) -> StoreResult<Vec<Notification>> {
        let limit = i64::from(limit.clamp(1, 500));
        let before = before_id.unwrap_or(i64::MAX);
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications n
             WHERE n.person_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3"
        )))
        .bind(person)
        .bind(before)
        .bind(limit)
        .fetch_all(c))
    }

    async fn unread_count(&self, person: PersonId) -> StoreResult<i64> {
        db_run!(self, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL"
        )
        .bind(person)
        .fetch_one(c))
    }

    async fn mark_read(
        &self,
        person: PersonId,
        ids: Option<Vec<i64>>,
        at: Millis,
    ) -> StoreResult<u64> {
        let mut one = self.write_one().await?;
        let marked = match ids {
            None => db_run!(rows one, |c| sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL"
            )
            .bind(at)
            .bind(person)
            .execute(c))?,
            Some(ids) => db_run!(rows one, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE notifications SET read_at = $1
                 WHERE person_id = $2 AND read_at IS NULL AND {}",
                Db::in_ids("id", 3)
            )))
            .bind(at)
            .bind(person)
            .bind(Db::ids(&ids))
            .execute(c))?,
        };
        one.commit().await?;
        inbox_changed();
        Ok(marked)
    }

    async fn email_mode(&self, person: PersonId) -> StoreResult<EmailMode> {
        let mode: Option<String> = db_run!(self, |c| sqlx::query_scalar(
            "SELECT email FROM notification_settings WHERE person_id = $1"
        )
        .bind(person)
        .fetch_optional(c))?;
        Ok(mode.and_then(|m| EmailMode::parse(&m)).unwrap_or_default())
    }

    async fn set_email_mode(
        &self,
        person: PersonId,
        mode: EmailMode,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        person_in(&mut tx, person, false).await?;
        db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO notification_settings (person_id, email) VALUES ($1, $2)
             ON CONFLICT (person_id) DO UPDATE SET email = excluded.email"
        )
        .bind(person)
        .bind(mode.as_str())
        .execute(c))?;
        let event = success(
            "notifications.settings",
            format!("person:{person}"),
            json!({ "email": mode.as_str() }),
        );
        append(&mut tx, audit, event).await?;
        tx.commit().await
    }

    async fn unsent(&self, limit: u32, digest_since: Millis) -> StoreResult<Vec<Unsent>> {
        let limit = i64::from(limit.clamp(1, 1_000));
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTIFICATION_COLUMNS}, p.email, p.name,
                    COALESCE(s.email, 'each') AS mode, s.last_digest_at
             FROM notifications n
             JOIN people p ON p.id = n.person_id
             LEFT JOIN notification_settings s ON s.person_id = n.person_id
             WHERE n.emailed_at IS NULL AND p.active
               AND NOT (COALESCE(s.email, 'each') = 'daily'
                        AND COALESCE(s.last_digest_at, $2) > $2)
             ORDER BY n.id LIMIT $1"
        )))
        .bind(limit)
        .bind(digest_since)
        .fetch_all(c))
    }

    async fn mark_emailed(
        &self,
        ids: Vec<i64>,
        at: Millis,
        digest_for: Option<PersonId>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        if !ids.is_empty() {
            db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE notifications SET emailed_at = $1 WHERE emailed_at IS NULL AND {}",
                Db::in_ids("id", 2)
            )))
            .bind(at)
            .bind(Db::ids(&ids))
            .execute(c))?;
        }
        if let Some(person) = digest_for {
            db_run!(rows tx, |c| sqlx::query(
                "INSERT INTO notification_settings (person_id, email, last_digest_at)
                 VALUES ($1, 'daily', $2)
                 ON CONFLICT (person_id) DO UPDATE SET last_digest_at = excluded.last_digest_at"
            )
            .bind(person)
            .bind(at)
            .execute(c))?;
        }
        tx.commit().await
    }
}
