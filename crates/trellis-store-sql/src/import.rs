//! People brought in line with the HR system's file: every change of an import in one
//! transaction, with one audit event.

use serde_json::json;
use trellis_store::backend::{clean_text, normalize_email};
use trellis_store::{
    Audit, Imported, ImportedPerson, LAST_ADMIN, PeopleImport, PeopleImportStore, PersonId,
    StoreError, StoreResult,
};

use crate::dialect::{ADMINS_LOCK, Dialect, REPORTING_LINES_LOCK};
use crate::people::ensure_team_in;
use crate::{Connection, Database, Tx, db_run, success};

impl PeopleImportStore for Database {
    async fn import_people(&self, import: PeopleImport, audit: &Audit) -> StoreResult<Imported> {
        let mut tx = self.write().await?;
        // Reporting lines and the count of administrators change here: wait for other such
        // changes, taking the locks in the order a single update takes them.
        db_run!(tx, |c| async {
            if let Some(lock) = Db::LOCK_UNTIL_END {
                sqlx::query(lock).bind(ADMINS_LOCK).execute(&mut *c).await?;
                sqlx::query(lock)
                    .bind(REPORTING_LINES_LOCK)
                    .execute(&mut *c)
                    .await?;
            }
            Ok(())
        })?;
        let mut done = Imported::default();
        for person in &import.people {
            let id = write_person(&mut tx, person, audit).await?;
            match person.id {
                Some(_) => done.changed.push(id),
                None => done.created.push(id),
            }
        }
        // Managers once everyone exists, so that a manager may come later in the file.
        for person in &import.people {
            let email = normalize_email(&person.email)?;
            let manager = match &person.manager_email {
                Some(m) => {
                    let m = normalize_email(m)?;
                    let id: Option<PersonId> = db_run!(tx, |c| sqlx::query_scalar(
                        "SELECT id FROM people WHERE email = $1"
                    )
                    .bind(&m)
                    .fetch_optional(c))?;
                    Some(
                        id.ok_or_else(|| StoreError::Invalid(format!("no person with email {m}")))?,
                    )
                }
                None => None,
            };
            db_run!(rows tx, |c| sqlx::query("UPDATE people SET manager_id = $1 WHERE email = $2")
                .bind(manager)
                .bind(&email)
                .execute(c))?;
        }
        for id in &import.deactivate {
            let changed = db_run!(rows tx, |c| sqlx::query(
                "UPDATE people SET active = FALSE, deactivated_at = $2, revision = revision + 1
                 WHERE id = $1 AND active = TRUE"
            )
            .bind(id)
            .bind(audit.at)
            .execute(c))?;
            if changed == 1 {
                db_run!(rows tx, |c| sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                    .bind(id)
                    .execute(c))?;
                done.deactivated.push(*id);
            }
        }
        if !import.deactivate.is_empty() {
            let admins: i64 = db_run!(tx, |c| sqlx::query_scalar(
                "SELECT count(*) FROM people WHERE system_role = 'admin' AND active = TRUE"
            )
            .fetch_one(c))?;
            if admins == 0 {
                return Err(StoreError::Conflict(LAST_ADMIN.into()));
            }
        }
        if let Some(email) = first_in_a_loop(&mut tx).await? {
            return Err(StoreError::Conflict(format!(
                "the reporting line of {email} would loop"
            )));
        }
        let details = json!({
            "created": done.created,
            "changed": done.changed,
            "deactivated": done.deactivated,
        });
        tx.commit_audited(audit, success("people.import", "people".into(), details))
            .await?;
        Ok(done)
    }
}

/// Creates the person, or sets an existing one whole (and active); returns the id.
async fn write_person(
    tx: &mut Tx,
    person: &ImportedPerson,
    audit: &Audit,
) -> StoreResult<PersonId> {
    let email = normalize_email(&person.email)?;
    let name = clean_text("name", &person.name)?;
    let team = match person
        .team
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => Some(ensure_team_in(tx, t, audit).await?.id),
        None => None,
    };
    match person.id {
        None => db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO people (email, name, team_id, role_level, role_level_version,
                 role_level_since, system_role, active, revision, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'member', TRUE, 1, $7) RETURNING id",
        )
        .bind(&email)
        .bind(&name)
        .bind(team)
        .bind(&person.role_level)
        .bind(person.role_level_version)
        .bind(person.role_level_since)
        .bind(audit.at)
        .fetch_one(c)),
        Some(id) => {
            let updated = db_run!(rows tx, |c| sqlx::query(
                "UPDATE people SET name = $1, team_id = $2, role_level = $3,
                     role_level_version = $4, role_level_since = $5, active = TRUE,
                     deactivated_at = NULL, revision = revision + 1
                 WHERE id = $6 AND email = $7",
            )
            .bind(&name)
            .bind(team)
            .bind(&person.role_level)
            .bind(person.role_level_version)
            .bind(person.role_level_since)
            .bind(id)
            .bind(&email)
            .execute(c))?;
            if updated != 1 {
                return Err(StoreError::Conflict(format!(
                    "{email} was changed by someone else meanwhile"
                )));
            }
            Ok(id)
        }
    }
}

/// The email of someone whose reporting line loops back to them, if anyone's does.
async fn first_in_a_loop(tx: &mut Tx) -> StoreResult<Option<String>> {
    db_run!(tx, |c| sqlx::query_scalar(
        "WITH RECURSIVE up(start, id, depth) AS (
             SELECT id, manager_id, 1 FROM people WHERE manager_id IS NOT NULL
             UNION ALL
             SELECT up.start, p.manager_id, up.depth + 1 FROM people p JOIN up ON p.id = up.id
             WHERE p.manager_id IS NOT NULL AND up.id <> up.start AND up.depth < 1000
         )
         SELECT p.email FROM up JOIN people p ON p.id = up.start
         WHERE up.id = up.start ORDER BY p.email LIMIT 1",
    )
    .fetch_optional(c))
}
