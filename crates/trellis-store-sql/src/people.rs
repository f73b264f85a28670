//! Teams and people: creating and updating people (with their revision, the reporting-line loop
//! check and the end of a deactivated person's sessions), and listing them by name.

use serde_json::json;
use trellis_store::backend::{apply_update, clean_text, normalize_email, team_key};
use trellis_store::{
    Audit, LAST_ADMIN, NewPerson, PeopleStore, Person, PersonId, PersonUpdate, StoreError,
    StoreResult, SystemRole, Team,
};

use crate::dialect::{ADMINS_LOCK, Dialect, REPORTING_LINES_LOCK};
use crate::{Connection, Database, PERSON_COLUMNS, Tx, append, db_run, person_in, success};

impl PeopleStore for Database {
    async fn ensure_team(&self, name: &str, audit: &Audit) -> StoreResult<Team> {
        let mut tx = self.write().await?;
        let team = ensure_team_in(&mut tx, name, audit).await?;
        tx.commit().await?;
        Ok(team)
    }

    async fn teams(&self) -> StoreResult<Vec<Team>> {
        db_run!(self, |c| {
            let sql = format!(
                "SELECT id, name FROM teams ORDER BY lower(name){}, id",
                Db::COLLATE_C
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c)
        })
    }

    async fn create_person(&self, new: NewPerson, audit: &Audit) -> StoreResult<Person> {
        let mut tx = self.write().await?;
        let person = create_person_in(&mut tx, new, audit).await?;
        tx.commit().await?;
        Ok(person)
    }

    async fn update_person(
        &self,
        id: PersonId,
        update: PersonUpdate,
        audit: &Audit,
    ) -> StoreResult<Person> {
        let mut tx = self.write().await?;
        let person = update_person_in(&mut tx, id, update, audit).await?;
        tx.commit().await?;
        Ok(person)
    }

    async fn set_password(&self, id: PersonId, hash: &str, audit: &Audit) -> StoreResult<()> {
        let hash = clean_text("password hash", hash)?;
        let mut tx = self.write().await?;
        let updated = db_run!(rows tx, |c| sqlx::query(
            "UPDATE people SET password_hash = $1 WHERE id = $2"
        )
        .bind(&hash)
        .bind(id)
        .execute(c))?;
        if updated != 1 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        // A reset link asked for earlier must not undo the password set now.
        db_run!(rows tx, |c| sqlx::query("DELETE FROM password_resets WHERE person_id = $1")
            .bind(id)
            .execute(c))?;
        let event = success("person.password", format!("person:{id}"), json!({}));
        append(&mut tx, audit, event).await?;
        tx.commit().await
    }

    async fn person(&self, id: PersonId) -> StoreResult<Person> {
        person_in(&mut self.conn().await?, id, false).await
    }

    async fn person_by_email(&self, email: &str) -> StoreResult<Option<Person>> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.email = $1");
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&email)
            .fetch_optional(c))
    }

    async fn people(&self) -> StoreResult<Vec<Person>> {
        db_run!(self, |c| {
            let sql = format!(
                "SELECT {PERSON_COLUMNS} FROM people p ORDER BY lower(p.name){}, p.id",
                Db::COLLATE_C
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c)
        })
    }

    async fn reports(&self, manager: PersonId) -> StoreResult<Vec<Person>> {
        // One snapshot (REPEATABLE READ on PostgreSQL), so that the existence check and the
        // listing agree.
        let mut tx = self.snapshot().await?;
        person_in(&mut tx, manager, false).await?;
        let people = db_run!(tx, |c| {
            // UNION (not UNION ALL) stops at people already seen, should a loop ever get in.
            let sql = format!(
                "WITH RECURSIVE below(id) AS (
                     SELECT id FROM people WHERE manager_id = $1
                     UNION
                     SELECT p.id FROM people p JOIN below b ON p.manager_id = b.id
                 )
                 SELECT {PERSON_COLUMNS} FROM people p
                 WHERE p.id IN (SELECT id FROM below) AND p.id <> $1
                 ORDER BY lower(p.name){}, p.id",
                Db::COLLATE_C
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(manager)
                .fetch_all(c)
        })?;
        tx.commit().await?;
        Ok(people)
    }

    async fn count_admins(&self) -> StoreResult<i64> {
        db_run!(self, |c| sqlx::query_scalar(
            "SELECT count(*) FROM people WHERE system_role = 'admin' AND active = TRUE"
        )
        .fetch_one(c))
    }
}

/// The team with this name, created (and audited) in the transaction when there is none.
pub(crate) async fn ensure_team_in(tx: &mut Tx, name: &str, audit: &Audit) -> StoreResult<Team> {
    let name = clean_text("team name", name)?;
    let key = team_key(&name);
    // ON CONFLICT waits for a concurrent insert of the same team instead of failing.
    let inserted: Option<i64> = db_run!(tx, |c| sqlx::query_scalar(
        "INSERT INTO teams (name, name_key) VALUES ($1, $2)
         ON CONFLICT (name_key) DO NOTHING RETURNING id",
    )
    .bind(&name)
    .bind(&key)
    .fetch_optional(c))?;
    let Some(id) = inserted else {
        return db_run!(tx, |c| sqlx::query_as(
            "SELECT id, name FROM teams WHERE name_key = $1"
        )
        .bind(&key)
        .fetch_one(c));
    };
    let details = json!({ "name": name });
    append(
        tx,
        audit,
        success("team.create", format!("team:{id}"), details),
    )
    .await?;
    Ok(Team { id, name })
}

pub(crate) async fn create_person_in(
    tx: &mut Tx,
    new: NewPerson,
    audit: &Audit,
) -> StoreResult<Person> {
    let new = trellis_store::backend::clean_person(new)?;
    let since = new.role_level.as_ref().map(|_| audit.at);
    let id: PersonId = db_run!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO people (email, name, team_id, manager_id, role_level, role_level_version,
             role_level_since, system_role, active, password_hash, revision, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, 1, $10) RETURNING id",
        )
        .bind(&new.email)
        .bind(&new.name)
        .bind(new.team_id)
        .bind(new.manager_id)
        .bind(&new.role_level)
        .bind(new.role_level_version)
        .bind(since)
        .bind(new.system_role.as_str())
        .bind(new.password_hash.as_deref())
        .bind(audit.at)
        .fetch_one(c)
    })?;
    let details = json!({ "system_role": new.system_role.as_str() });
    let event = success("person.create", format!("person:{id}"), details);
    append(tx, audit, event).await?;
    person_in(tx, id, false).await
}

/// Updates a person in the transaction: see [`PeopleStore::update_person`].
pub(crate) async fn update_person_in(
    tx: &mut Tx,
    id: PersonId,
    update: PersonUpdate,
    audit: &Audit,
) -> StoreResult<Person> {
    let current = person_in(tx, id, true).await?;
    if let Some(expected) = update.expected_revision
        && expected != current.revision
    {
        return Err(StoreError::Conflict(format!(
            "person {id} was changed by someone else (revision {} now, {expected} expected)",
            current.revision
        )));
    }
    let (next, changed) = apply_update(&current, &update, audit.at)?;
    if changed.is_empty() {
        return Ok(current);
    }
    let is_admin = |p: &Person| p.active && p.system_role == SystemRole::Admin;
    if is_admin(&current) && !is_admin(&next) {
        // The count and the change are one step: on PostgreSQL such changes wait for each
        // other (each sees the last one committed), on SQLite the write transaction already
        // has the database to itself. Two admins demoting each other leave one, not none.
        db_run!(tx, |c| async {
            if let Some(lock) = Db::LOCK_UNTIL_END {
                sqlx::query(lock).bind(ADMINS_LOCK).execute(c).await?;
            }
            Ok(())
        })?;
        let others: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT count(*) FROM people
                 WHERE system_role = 'admin' AND active = TRUE AND id <> $1"
        )
        .bind(id)
        .fetch_one(c))?;
        if others == 0 {
            return Err(StoreError::Conflict(LAST_ADMIN.into()));
        }
    }
    if changed.contains(&"manager_id")
        && let Some(manager) = next.manager_id
    {
        // Serialises reporting-line changes: two updates each valid alone could close a loop.
        db_run!(tx, |c| async {
            if let Some(lock) = Db::LOCK_REPORTING_LINES {
                sqlx::query(lock)
                    .bind(REPORTING_LINES_LOCK)
                    .execute(c)
                    .await?;
            }
            Ok(())
        })?;
        // The new manager must not be this person or report to them, directly or not.
        let loops: bool = db_run!(tx, |c| sqlx::query_scalar(
            "WITH RECURSIVE up(id) AS (
                     SELECT CAST($1 AS BIGINT)
                     UNION
                     SELECT p.manager_id FROM people p JOIN up ON p.id = up.id
                     WHERE p.manager_id IS NOT NULL
                 )
                 SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)",
        )
        .bind(manager)
        .bind(id)
        .fetch_one(c))?;
        if loops {
            return Err(StoreError::Conflict(format!(
                "person {manager} cannot manage person {id}: the reporting line would loop"
            )));
        }
    }
    let updated = db_run!(rows tx, |c| sqlx::query(
            "UPDATE people SET email = $1, name = $2, team_id = $3, manager_id = $4,
                 role_level = $5, role_level_version = $6, role_level_since = $7,
                 system_role = $8, active = $9, revision = revision + 1,
                 deactivated_at = CASE WHEN $9 THEN NULL WHEN active THEN $12
                     ELSE deactivated_at END
             WHERE id = $10 AND revision = $11",
        )
        .bind(&next.email)
        .bind(&next.name)
        .bind(next.team_id)
        .bind(next.manager_id)
        .bind(&next.role_level)
        .bind(next.role_level_version)
        .bind(next.role_level_since)
        .bind(next.system_role.as_str())
        .bind(next.active)
        .bind(id)
        .bind(current.revision)
        .bind(audit.at)
        .execute(c))?;
    if updated != 1 {
        return Err(StoreError::Conflict(format!(
            "person {id} was changed by someone else"
        )));
    }
    let mut details = json!({ "fields": changed, "revision": current.revision + 1 });
    if changed.contains(&"active") && !next.active {
        let ended = db_run!(rows tx, |c| sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                .bind(id)
                .execute(c))?;
        details["sessions_ended"] = json!(ended);
    }
    let event = success("person.update", format!("person:{id}"), details);
    append(tx, audit, event).await?;
    person_in(tx, id, false).await
}
