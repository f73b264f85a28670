//! Reset links: the hash of each token, used once, before it expires.

use serde_json::json;
use trellis_store::{Audit, Millis, PasswordResetStore, Person, PersonId, StoreError, StoreResult};

use crate::{Connection, Database, PERSON_COLUMNS, append, db_run, person_in, success};

impl PasswordResetStore for Database {
    async fn create_password_reset(
        &self,
        person: PersonId,
        token_hash: &str,
        expires_at: Millis,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        if !person_in(&mut tx, person, false).await?.active {
            return Err(StoreError::NotFound(format!("person {person}")));
        }
        // Links long expired or used are of no further use to anyone.
        db_run!(rows tx, |c| sqlx::query(
            "DELETE FROM password_resets WHERE expires_at <= $1 OR used_at IS NOT NULL"
        )
        .bind(audit.at)
        .execute(c))?;
        db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO password_resets (token_hash, person_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(person)
        .bind(audit.at)
        .bind(expires_at)
        .execute(c))?;
        let details = json!({ "expires_at": expires_at });
        let event = success(
            "password-reset.request",
            format!("person:{person}"),
            details,
        );
        append(&mut tx, audit, event).await?;
        tx.commit().await
    }

    async fn password_reset(&self, token_hash: &str, now: Millis) -> StoreResult<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM password_resets r JOIN people p ON p.id = r.person_id
             WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2
                 AND p.active = TRUE"
        );
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(now)
            .fetch_optional(c))
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        audit: &Audit,
    ) -> StoreResult<Person> {
        let hash = trellis_store::backend::clean_text("password hash", password_hash)?;
        let mut tx = self.write().await?;
        // The token is taken by this statement: of two uses at once, the second finds it used.
        let person: Option<PersonId> = db_run!(tx, |c| sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                 AND person_id IN (SELECT id FROM people WHERE active = TRUE)
             RETURNING person_id",
        )
        .bind(token_hash)
        .bind(audit.at)
        .fetch_optional(c))?;
        let Some(person) = person else {
            return Err(StoreError::NotFound("password reset".into()));
        };
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL"
        )
        .bind(person)
        .bind(audit.at)
        .execute(c))?;
        db_run!(rows tx, |c| sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(person)
            .execute(c))?;
        let ended = db_run!(rows tx, |c| sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person)
            .execute(c))?;
        let details = json!({ "sessions_ended": ended });
        let event = success(
            "password-reset.complete",
            format!("person:{person}"),
            details,
        );
        append(
            &mut tx,
            &Audit {
                actor_id: Some(person),
                ..audit.clone()
            },
            event,
        )
        .await?;
        let person = person_in(&mut tx, person, false).await?;
        tx.commit().await?;
        Ok(person)
    }
}
