//! Role level, manager and team changes that wait for their day.

use serde_json::json;
use trellis_store::backend::clean_date;
use trellis_store::{
    Audit, NewNotification, NewScheduledAssignment, Person, PersonId, PersonUpdate, ScheduleStore,
    ScheduledAssignment, StoreError, StoreResult,
};

use crate::notifications::write_notices;
use crate::people::update_person_in;
use crate::{Connection, Database, append, db_run, person_in, success};

const COLUMNS: &str = "id, person_id, effective_on, changes_role_level, role_level, \
     changes_manager, manager_id, changes_team, team, scheduled_by, scheduled_at";
/// A change that neither was made, nor cancelled, nor failed.
const WAITING: &str = "applied_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    person_id: PersonId,
    effective_on: String,
    changes_role_level: bool,
    role_level: Option<String>,
    changes_manager: bool,
    manager_id: Option<PersonId>,
    changes_team: bool,
    team: Option<String>,
    scheduled_by: Option<PersonId>,
    scheduled_at: i64,
}

impl From<Row> for ScheduledAssignment {
    fn from(r: Row) -> Self {
        ScheduledAssignment {
            id: r.id,
            person_id: r.person_id,
            effective_on: r.effective_on,
            role_level: r.changes_role_level.then_some(r.role_level),
            manager_id: r.changes_manager.then_some(r.manager_id),
            team: r.changes_team.then_some(r.team),
            scheduled_by: r.scheduled_by,
            scheduled_at: r.scheduled_at,
        }
    }
}

/// The names of the fields a change changes, for the audit log (never their values).
fn fields(a: &ScheduledAssignment) -> Vec<&'static str> {
    [
        ("role_level", a.role_level.is_some()),
        ("manager_id", a.manager_id.is_some()),
        ("team", a.team.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, changes)| changes.then_some(f))
    .collect()
}

async fn waiting_in(
    conn: &mut impl Connection,
    person: PersonId,
) -> StoreResult<Option<ScheduledAssignment>> {
    let row: Option<Row> = db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM scheduled_assignments WHERE person_id = $1 AND {WAITING}"
    )))
    .bind(person)
    .fetch_optional(c))?;
    Ok(row.map(Into::into))
}

impl ScheduleStore for Database {
    async fn schedule_assignment(
        &self,
        new: NewScheduledAssignment,
        audit: &Audit,
    ) -> StoreResult<ScheduledAssignment> {
        let day = clean_date("effective date", &new.effective_on)?;
        let mut tx = self.write().await?;
        let person = new.person_id;
        person_in(&mut tx, person, true).await?;
        if let Some(Some(m)) = new.manager_id {
            person_in(&mut tx, m, false).await?;
        }
        // The one waiting before is replaced: the people team sees one change per person.
        db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE scheduled_assignments SET cancelled_at = $2 WHERE person_id = $1 AND {WAITING}"
        )))
        .bind(person)
        .bind(audit.at)
        .execute(c))?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO scheduled_assignments (person_id, effective_on, changes_role_level,
                 role_level, changes_manager, manager_id, changes_team, team, scheduled_by,
                 scheduled_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
        )
        .bind(person)
        .bind(&day)
        .bind(new.role_level.is_some())
        .bind(new.role_level.clone().flatten())
        .bind(new.manager_id.is_some())
        .bind(new.manager_id.flatten())
        .bind(new.team.is_some())
        .bind(new.team.clone().flatten())
        .bind(audit.actor_id)
        .bind(audit.at)
        .fetch_one(c))?;
        let scheduled = ScheduledAssignment {
            id,
            person_id: person,
            effective_on: day,
            role_level: new.role_level,
            manager_id: new.manager_id,
            team: new.team,
            scheduled_by: audit.actor_id,
            scheduled_at: audit.at,
        };
        let details = json!({
            "scheduled": id,
            "effective_on": scheduled.effective_on,
            "fields": fields(&scheduled),
        });
        let event = success("person.schedule", format!("person:{person}"), details);
        tx.commit_audited(audit, event).await?;
        Ok(scheduled)
    }

    async fn scheduled_assignment(
        &self,
        person: PersonId,
    ) -> StoreResult<Option<ScheduledAssignment>> {
        waiting_in(&mut self.conn().await?, person).await
    }

    async fn cancel_scheduled_assignment(
        &self,
        person: PersonId,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let Some(waiting) = waiting_in(&mut tx, person).await? else {
            return Ok(false);
        };
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE scheduled_assignments SET cancelled_at = $2 WHERE id = $1"
        )
        .bind(waiting.id)
        .bind(audit.at)
        .execute(c))?;
        let details = json!({ "scheduled": waiting.id, "effective_on": waiting.effective_on });
        let event = success(
            "person.schedule-cancel",
            format!("person:{person}"),
            details,
        );
        tx.commit_audited(audit, event).await?;
        Ok(true)
    }

    async fn scheduled_assignments_due(
        &self,
        today: &str,
    ) -> StoreResult<Vec<ScheduledAssignment>> {
        let rows: Vec<Row> = db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM scheduled_assignments
             WHERE effective_on <= $1 AND {WAITING} ORDER BY effective_on, id"
        )))
        .bind(today)
        .fetch_all(c))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn apply_scheduled_assignment(
        &self,
        id: i64,
        update: PersonUpdate,
        audit: &Audit,
    ) -> StoreResult<Person> {
        let mut tx = self.write().await?;
        // Taken first: of two servers making the change at once, one does.
        let taken = db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE scheduled_assignments SET applied_at = $2 WHERE id = $1 AND {WAITING}"
        )))
        .bind(id)
        .bind(audit.at)
        .execute(c))?;
        if taken != 1 {
            return Err(StoreError::NotFound(format!("scheduled change {id}")));
        }
        let person: PersonId = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT person_id FROM scheduled_assignments WHERE id = $1"
        )
        .bind(id)
        .fetch_one(c))?;
        let after = update_person_in(&mut tx, person, update, audit).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn fail_scheduled_assignment(
        &self,
        id: i64,
        why: &str,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let person: Option<PersonId> =
            db_run!(tx, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "UPDATE scheduled_assignments SET failed_at = $2, failure = $3
                 WHERE id = $1 AND {WAITING} RETURNING person_id"
            )))
            .bind(id)
            .bind(audit.at)
            .bind(why)
            .fetch_optional(c))?;
        let person =
            person.ok_or_else(|| StoreError::NotFound(format!("scheduled change {id}")))?;
        let details = json!({ "scheduled": id, "why": why });
        let event = success(
            "person.schedule-failed",
            format!("person:{person}"),
            details,
        );
        append(&mut tx, audit, event).await?;
        write_notices(&mut tx, &notices, None, audit).await?;
        tx.commit().await
    }
}
