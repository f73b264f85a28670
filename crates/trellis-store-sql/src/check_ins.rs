//! 1:1 check-ins: series, meetings, agenda items and notes, action items and the exceptions to the
//! pair's privacy. A reader's private notes are chosen in SQL, so nothing private to someone else
//! ever leaves the database for them.

use serde_json::json;
use trellis_store::backend::{clean_date, clean_text};
use trellis_store::{
    Action, Audit, BreakGlass, CheckIn, CheckInId, CheckInRecord, CheckInStore, DueMeeting, Entry,
    Meeting, MeetingId, NewAction, NewCheckIn, NewEntry, NewNotification, NoteShare, PersonId,
    SharedNote, StoreError, StoreResult,
};

use crate::growth::actor;
use crate::growth::rows::{one_in, require_people};
use crate::notifications::{remind_once, write_notices};
use crate::{Connection, Database, append, db_run, success};

/// A series with the names of the pair, its next meeting and its last held one.
const CHECK_IN_SELECT: &str = "SELECT c.id, c.person_id, p.name AS person_name, c.partner_id, \
     q.name AS partner_name, c.cadence, c.created_by, c.created_at, \
     (SELECT m.on_date FROM check_in_meetings m WHERE m.check_in_id = c.id AND m.held_at IS NULL) \
       AS next_on, \
     (SELECT MAX(m.held_at) FROM check_in_meetings m WHERE m.check_in_id = c.id) AS last_held_at \
     FROM check_ins c JOIN people p ON p.id = c.person_id JOIN people q ON q.id = c.partner_id";

const MEETING_COLUMNS: &str = "m.id, m.check_in_id, m.on_date, m.held_at";

const ENTRY_SELECT: &str = "SELECT e.id, e.meeting_id, e.kind, e.privacy, e.author_id, \
     a.name AS author_name, e.body, e.at \
     FROM check_in_entries e JOIN people a ON a.id = e.author_id";

const ACTION_SELECT: &str = "SELECT t.id, t.check_in_id, t.raised_in, t.owner_id, \
     o.name AS owner_name, t.body, t.due_on, t.created_by, t.created_at, t.done_at, t.done_by \
     FROM check_in_actions t JOIN people o ON o.id = t.owner_id";

pub(crate) fn target(id: CheckInId) -> String {
    format!("check-in:{id}")
}

pub(crate) async fn series(conn: &mut impl Connection, id: CheckInId) -> StoreResult<CheckIn> {
    one_in(
        conn,
        format!("{CHECK_IN_SELECT} WHERE c.id = $1"),
        "check-in",
        id,
    )
    .await
}

/// The meeting of the series still to be held, which changes go to; `Conflict` when it is not
/// `expected` (held meanwhile) or there is none.
async fn open_meeting(
    conn: &mut impl Connection,
    check_in: CheckInId,
    expected: Option<MeetingId>,
) -> StoreResult<Meeting> {
    let meeting: Option<Meeting> =
        db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MEETING_COLUMNS} FROM check_in_meetings m
         WHERE m.check_in_id = $1 AND m.held_at IS NULL"
        )))
        .bind(check_in)
        .fetch_optional(c))?;
    match meeting {
        Some(m) if expected.is_none_or(|e| e == m.id) => Ok(m),
        _ => Err(StoreError::Conflict(
            "that meeting was held already; the next one is open for the agenda".into(),
        )),
    }
}

async fn insert_meeting(
    conn: &mut impl Connection,
    check_in: CheckInId,
    on_date: &str,
) -> StoreResult<Meeting> {
    let id: i64 = db_run!(conn, |c| sqlx::query_scalar(
        "INSERT INTO check_in_meetings (check_in_id, on_date) VALUES ($1, $2) RETURNING id"
    )
    .bind(check_in)
    .bind(on_date)
    .fetch_one(c))?;
    Ok(Meeting {
        id,
        check_in_id: check_in,
        on_date: on_date.to_owned(),
        held_at: None,
    })
}

async fn action_in(
    conn: &mut impl Connection,
    check_in: CheckInId,
    id: i64,
) -> StoreResult<Action> {
    db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ACTION_SELECT} WHERE t.id = $1 AND t.check_in_id = $2"
    )))
    .bind(id)
    .bind(check_in)
    .fetch_optional(c))?
    .ok_or_else(|| StoreError::NotFound(format!("action item {id}")))
}

impl CheckInStore for Database {
    async fn create_check_in(
        &self,
        new: NewCheckIn,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<CheckIn> {
        let by = actor(audit, "a check-in")?;
        let first_on = clean_date("first meeting", &new.first_on)?;
        if new.person_id == new.partner_id {
            return Err(StoreError::Invalid(
                "a check-in is between two different people".into(),
            ));
        }
        let mut tx = self.write().await?;
        require_people(&mut tx, [new.person_id, new.partner_id, by]).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO check_ins (person_id, partner_id, cadence, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id"
        )
        .bind(new.person_id)
        .bind(new.partner_id)
        .bind(new.cadence.as_str())
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))?;
        insert_meeting(&mut tx, id, &first_on).await?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        let details = json!({
            "person_id": new.person_id,
            "partner_id": new.partner_id,
            "cadence": new.cadence.as_str(),
            "first_on": first_on,
        });
        append(
            &mut tx,
            audit,
            success("check_in.create", target(id), details),
        )
        .await?;
        let created = series(&mut tx, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn check_ins_of(&self, person: PersonId) -> StoreResult<Vec<CheckIn>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM ({CHECK_IN_SELECT} WHERE c.person_id = $1 OR c.partner_id = $1) s
             ORDER BY s.next_on IS NULL, s.next_on, s.id"
        )))
        .bind(person)
        .fetch_all(c))
    }

    async fn check_in_record(&self, id: CheckInId, reader: PersonId) -> StoreResult<CheckInRecord> {
        let mut tx = self.snapshot().await?;
        let check_in = series(&mut tx, id).await?;
        let meetings = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MEETING_COLUMNS} FROM check_in_meetings m WHERE m.check_in_id = $1
             ORDER BY m.held_at IS NOT NULL, m.on_date DESC, m.id DESC"
        )))
        .bind(id)
        .fetch_all(c))?;
        // Shared entries, and the reader's own private notes: never anyone else's.
        let entries = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ENTRY_SELECT} JOIN check_in_meetings m ON m.id = e.meeting_id
             WHERE m.check_in_id = $1 AND (e.privacy = 'shared' OR e.author_id = $2)
             ORDER BY e.id"
        )))
        .bind(id)
        .bind(reader)
        .fetch_all(c))?;
        let actions = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ACTION_SELECT} WHERE t.check_in_id = $1 ORDER BY t.done_at IS NOT NULL, t.id"
        )))
        .bind(id)
        .fetch_all(c))?;
        let break_glass = db_run!(tx, |c| sqlx::query_as(
            "SELECT g.id, g.check_in_id, g.by_id, b.name AS by_name, g.reason, g.at
             FROM check_in_break_glass g JOIN people b ON b.id = g.by_id
             WHERE g.check_in_id = $1 ORDER BY g.at DESC, g.id DESC"
        )
        .bind(id)
        .fetch_all(c))?;
        tx.commit().await?;
        Ok(CheckInRecord {
            check_in,
            meetings,
            entries,
            actions,
            break_glass,
        })
    }

    async fn open_actions_of(&self, owner: PersonId) -> StoreResult<Vec<Action>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ACTION_SELECT} WHERE t.owner_id = $1 AND t.done_at IS NULL
             ORDER BY t.due_on IS NULL, t.due_on, t.id"
        )))
        .bind(owner)
        .fetch_all(c))
    }

    async fn add_entry(
        &self,
        check_in: CheckInId,
        new: NewEntry,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<Entry> {
        let author = actor(audit, "an agenda item or note")?;
        let body = clean_text(new.kind.as_str(), &new.body)?;
        let mut tx = self.write().await?;
        let meeting = open_meeting(&mut tx, check_in, Some(new.meeting_id)).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO check_in_entries (meeting_id, kind, privacy, author_id, body, at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(meeting.id)
        .bind(new.kind.as_str())
        .bind(new.privacy.as_str())
        .bind(author)
        .bind(&body)
        .bind(audit.at)
        .fetch_one(c))?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        let action = format!("check_in.{}", new.kind.as_str());
        let details =
            json!({ "meeting_id": meeting.id, "entry_id": id, "privacy": new.privacy.as_str() });
        append(&mut tx, audit, success(&action, target(check_in), details)).await?;
        let entry = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ENTRY_SELECT} WHERE e.id = $1"
        )))
        .bind(id)
        .fetch_one(c))?;
        tx.commit().await?;
        Ok(entry)
    }

    async fn add_action(
        &self,
        new: NewAction,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<Action> {
        let by = actor(audit, "an action item")?;
        let body = clean_text("action", &new.body)?;
        let due_on = new
            .due_on
            .as_deref()
            .map(|d| clean_date("due date", d))
            .transpose()?;
        let mut tx = self.write().await?;
        require_people(&mut tx, [new.owner_id]).await?;
        let meeting = open_meeting(&mut tx, new.check_in_id, Some(new.raised_in)).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO check_in_actions
               (check_in_id, raised_in, owner_id, body, due_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(new.check_in_id)
        .bind(meeting.id)
        .bind(new.owner_id)
        .bind(&body)
        .bind(&due_on)
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        let details = json!({ "action_id": id, "owner_id": new.owner_id, "due_on": due_on });
        let event = success("check_in.action", target(new.check_in_id), details);
        append(&mut tx, audit, event).await?;
        let action = action_in(&mut tx, new.check_in_id, id).await?;
        tx.commit().await?;
        Ok(action)
    }

    async fn complete_action(
        &self,
        check_in: CheckInId,
        action: i64,
        audit: &Audit,
    ) -> StoreResult<Action> {
        let by = actor(audit, "an action item")?;
        let mut tx = self.write().await?;
        let done = db_run!(rows tx, |c| sqlx::query(
            "UPDATE check_in_actions SET done_at = $1, done_by = $2
             WHERE id = $3 AND check_in_id = $4 AND done_at IS NULL"
        )
        .bind(audit.at)
        .bind(by)
        .bind(action)
        .bind(check_in)
        .execute(c))?;
        let current = action_in(&mut tx, check_in, action).await?;
        if done == 0 {
            return Err(StoreError::Conflict(format!(
                "action item {action} was marked done already"
            )));
        }
        let details = json!({ "action_id": action });
        tx.commit_audited(
            audit,
            success("check_in.action-done", target(check_in), details),
        )
        .await?;
        Ok(current)
    }

    async fn hold_meeting(
        &self,
        check_in: CheckInId,
        meeting: MeetingId,
        next_on: Option<String>,
        audit: &Audit,
    ) -> StoreResult<Option<Meeting>> {
        let next_on = next_on
            .as_deref()
            .map(|d| clean_date("next meeting", d))
            .transpose()?;
        let mut tx = self.write().await?;
        let held = open_meeting(&mut tx, check_in, Some(meeting)).await?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE check_in_meetings SET held_at = $1 WHERE id = $2"
        )
        .bind(audit.at)
        .bind(held.id)
        .execute(c))?;
        let next = match &next_on {
            Some(day) => Some(insert_meeting(&mut tx, check_in, day).await?),
            None => None,
        };
        let details = json!({ "meeting_id": held.id, "next_on": next_on });
        tx.commit_audited(audit, success("check_in.held", target(check_in), details))
            .await?;
        Ok(next)
    }

    async fn reschedule(
        &self,
        check_in: CheckInId,
        on_date: String,
        audit: &Audit,
    ) -> StoreResult<Meeting> {
        let on_date = clean_date("meeting day", &on_date)?;
        let mut tx = self.write().await?;
        series(&mut tx, check_in).await?;
        let open: Option<Meeting> = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MEETING_COLUMNS} FROM check_in_meetings m
             WHERE m.check_in_id = $1 AND m.held_at IS NULL"
        )))
        .bind(check_in)
        .fetch_optional(c))?;
        let meeting = match open {
            Some(mut m) => {
                // A moved meeting is reminded again before its new day.
                db_run!(rows tx, |c| sqlx::query(
                    "UPDATE check_in_meetings SET on_date = $1, reminded_at = NULL WHERE id = $2"
                )
                .bind(&on_date)
                .bind(m.id)
                .execute(c))?;
                m.on_date.clone_from(&on_date);
                m
            }
            None => insert_meeting(&mut tx, check_in, &on_date).await?,
        };
        let details = json!({ "meeting_id": meeting.id, "on_date": on_date });
        tx.commit_audited(
            audit,
            success("check_in.reschedule", target(check_in), details),
        )
        .await?;
        Ok(meeting)
    }

    async fn break_glass(
        &self,
        check_in: CheckInId,
        reason: String,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<BreakGlass> {
        let by = actor(audit, "an exception")?;
        let reason = clean_text("reason", &reason)?;
        let mut tx = self.write().await?;
        series(&mut tx, check_in).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO check_in_break_glass (check_in_id, by_id, reason, at)
             VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(check_in)
        .bind(by)
        .bind(&reason)
        .bind(audit.at)
        .fetch_one(c))?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        // The reason is the record's point: the audit log keeps it too.
        let details = json!({ "reason": reason });
        append(
            &mut tx,
            audit,
            success("check_in.break-glass", target(check_in), details),
        )
        .await?;
        let record = db_run!(tx, |c| sqlx::query_as(
            "SELECT g.id, g.check_in_id, g.by_id, b.name AS by_name, g.reason, g.at
             FROM check_in_break_glass g JOIN people b ON b.id = g.by_id WHERE g.id = $1"
        )
        .bind(id)
        .fetch_one(c))?;
        tx.commit().await?;
        Ok(record)
    }

    async fn share_note(
        &self,
        check_in: CheckInId,
        entry: i64,
        with: PersonId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        self.share_note_now(check_in, entry, with, notices, audit)
            .await
    }

    async fn unshare_note(
        &self,
        check_in: CheckInId,
        entry: i64,
        with: PersonId,
        audit: &Audit,
    ) -> StoreResult<bool> {
        self.unshare_note_now(check_in, entry, with, audit).await
    }

    async fn note_shares(&self, check_in: CheckInId) -> StoreResult<Vec<NoteShare>> {
        self.note_shares_of(check_in).await
    }

    async fn notes_shared_with(&self, reader: PersonId) -> StoreResult<Vec<SharedNote>> {
        self.notes_shared_with_now(reader).await
    }

    async fn check_in_actions_due(
        &self,
        on_or_before: &str,
        limit: u32,
    ) -> StoreResult<Vec<Action>> {
        let limit = i64::from(limit.clamp(1, 1_000));
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ACTION_SELECT} WHERE t.done_at IS NULL AND t.reminded_at IS NULL AND t.due_on <= $1
             ORDER BY t.due_on, t.id LIMIT $2"
        )))
        .bind(on_or_before)
        .bind(limit)
        .fetch_all(c))
    }

    async fn mark_action_reminded(
        &self,
        action: i64,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        remind_once(self, "check_in_actions", action, notices, audit).await
    }

    async fn meetings_due(&self, on_or_before: &str, limit: u32) -> StoreResult<Vec<DueMeeting>> {
        let limit = i64::from(limit.clamp(1, 1_000));
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT d.id AS meeting_id, d.on_date, s.* FROM check_in_meetings d
             JOIN ({CHECK_IN_SELECT}) s ON s.id = d.check_in_id
             WHERE d.held_at IS NULL AND d.reminded_at IS NULL AND d.on_date <= $1
             ORDER BY d.on_date, d.id LIMIT $2"
        )))
        .bind(on_or_before)
        .bind(limit)
        .fetch_all(c))
    }

    async fn mark_reminded(
        &self,
        meeting: MeetingId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        remind_once(self, "check_in_meetings", meeting, notices, audit).await
    }
}
