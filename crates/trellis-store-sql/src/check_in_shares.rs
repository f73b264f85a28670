//! Check-in notes shared beyond the pair by the person the series is about.

use serde_json::json;
use trellis_store::{
    Audit, CheckInId, NewNotification, NoteShare, PersonId, SharedNote, StoreError, StoreResult,
};

use crate::check_ins::{series, target};
use crate::growth::actor;
use crate::notifications::write_notices;
use crate::{Connection, Database, append, db_run, person_in, success};

impl Database {
    pub(crate) async fn share_note_now(
        &self,
        check_in: CheckInId,
        entry: i64,
        with: PersonId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let by = actor(audit, "a share")?;
        let mut tx = self.write().await?;
        let c = series(&mut tx, check_in).await?;
        let no_such = || StoreError::NotFound(format!("note {entry} of check-in {check_in}"));
        if c.person_id != by {
            return Err(no_such());
        }
        // A note of this series that its person reads: shared by the pair, or their own.
        let readable: Option<i64> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT e.id FROM check_in_entries e
             JOIN check_in_meetings m ON m.id = e.meeting_id
             WHERE e.id = $1 AND m.check_in_id = $2 AND e.kind = 'note'
               AND (e.privacy = 'shared' OR e.author_id = $3)"
        )
        .bind(entry)
        .bind(check_in)
        .bind(by)
        .fetch_optional(c))?;
        readable.ok_or_else(no_such)?;
        if c.has(with) {
            return Err(StoreError::Invalid(
                "the pair reads the series already".into(),
            ));
        }
        let reader = person_in(&mut tx, with, false).await?;
        if !reader.active {
            return Err(StoreError::Invalid(format!("person {with} is deactivated")));
        }
        let added = db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO check_in_note_shares (entry_id, shared_with, shared_by, at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
        )
        .bind(entry)
        .bind(with)
        .bind(by)
        .bind(audit.at)
        .execute(c))?;
        if added == 1 {
            write_notices(&mut tx, &notices, None, audit).await?;
            let details = json!({ "entry": entry, "with": with });
            let event = success("check_in.note-share", target(check_in), details);
            append(&mut tx, audit, event).await?;
        }
        tx.commit().await?;
        Ok(added == 1)
    }

    pub(crate) async fn unshare_note_now(
        &self,
        check_in: CheckInId,
        entry: i64,
        with: PersonId,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let by = actor(audit, "a share")?;
        let mut tx = self.write().await?;
        let c = series(&mut tx, check_in).await?;
        if c.person_id != by {
            return Err(StoreError::NotFound(format!(
                "note {entry} of check-in {check_in}"
            )));
        }
        let removed = db_run!(rows tx, |c| sqlx::query(
            "DELETE FROM check_in_note_shares WHERE entry_id = $1 AND shared_with = $2
               AND entry_id IN (SELECT e.id FROM check_in_entries e
                                JOIN check_in_meetings m ON m.id = e.meeting_id
                                WHERE m.check_in_id = $3)"
        )
        .bind(entry)
        .bind(with)
        .bind(check_in)
        .execute(c))?;
        if removed == 1 {
            let details = json!({ "entry": entry, "with": with });
            let event = success("check_in.note-unshare", target(check_in), details);
            append(&mut tx, audit, event).await?;
        }
        tx.commit().await?;
        Ok(removed == 1)
    }

    pub(crate) async fn note_shares_of(&self, check_in: CheckInId) -> StoreResult<Vec<NoteShare>> {
        db_run!(self, |c| sqlx::query_as(
            "SELECT s.entry_id, s.shared_with, p.name AS shared_with_name, s.at
             FROM check_in_note_shares s
             JOIN people p ON p.id = s.shared_with
             JOIN check_in_entries e ON e.id = s.entry_id
             JOIN check_in_meetings m ON m.id = e.meeting_id
             WHERE m.check_in_id = $1
             ORDER BY s.entry_id, s.at, s.shared_with"
        )
        .bind(check_in)
        .fetch_all(c))
    }

    pub(crate) async fn notes_shared_with_now(
        &self,
        reader: PersonId,
    ) -> StoreResult<Vec<SharedNote>> {
        db_run!(self, |c| sqlx::query_as(
            "SELECT e.id AS entry_id, c.id AS check_in_id, c.person_id, pp.name AS person_name,
                    pa.name AS partner_name, m.on_date AS meeting_on, au.name AS author_name,
                    e.body, e.at AS written_at, s.at AS shared_at
             FROM check_in_note_shares s
             JOIN check_in_entries e ON e.id = s.entry_id
             JOIN check_in_meetings m ON m.id = e.meeting_id
             JOIN check_ins c ON c.id = m.check_in_id
             JOIN people pp ON pp.id = c.person_id
             JOIN people pa ON pa.id = c.partner_id
             JOIN people au ON au.id = e.author_id
             WHERE s.shared_with = $1
             ORDER BY s.at DESC, e.id DESC"
        )
        .bind(reader)
        .fetch_all(c))
    }
}
