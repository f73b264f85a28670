//! Signing in: browser sessions, API tokens and the sign-in failures that throttle guessing.

use serde_json::json;
use sqlx::FromRow;
use trellis_store::{
    AccountStore, ApiToken, Audit, Failures, Millis, Person, PersonId, Reservation, Session,
    StoreError, StoreResult,
};

use crate::dialect::Dialect;
use crate::{Connection, Database, PERSON_COLUMNS, append, db_run, person_in, success};

/// Token columns, named apart from the person's they are read with.
const TOKEN_COLUMNS: &str = "id AS token_id, person_id, label, token_hash, \
     created_at AS token_created_at, last_used_at, revoked_at";

fn to_u32(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl AccountStore for Database {
    async fn create_session(&self, session: Session) -> StoreResult<()> {
        let mut tx = self.write().await?;
        db_run!(rows tx, |c| sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(session.created_at)
            .execute(c))?;
        db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, last_seen_at,
                 expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.person_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .execute(c))?;
        tx.commit().await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Session, Person)>> {
        let sql = format!(
            "SELECT s.token_hash, s.person_id, s.csrf_token, s.created_at AS session_created_at,
                 s.last_seen_at, s.expires_at, {PERSON_COLUMNS}
             FROM sessions s JOIN people p ON p.id = s.person_id
             WHERE s.token_hash = $1"
        );
        db_run!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .try_map(|row| Ok((Session::from_row(&row)?, Person::from_row(&row)?)))
            .fetch_optional(c))
    }

    async fn touch_session(&self, token_hash: &str, now: Millis) -> StoreResult<()> {
        let mut one = self.write_one().await?;
        db_run!(rows one, |c| sqlx::query(
            "UPDATE sessions SET last_seen_at = CASE WHEN last_seen_at > $1 THEN last_seen_at
                 ELSE $1 END
             WHERE token_hash = $2",
        )
        .bind(now)
        .bind(token_hash)
        .execute(c))?;
        one.commit().await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut one = self.write_one().await?;
        db_run!(rows one, |c| sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(c))?;
        one.commit().await
    }

    async fn delete_sessions_of(&self, person: PersonId) -> StoreResult<u64> {
        let mut one = self.write_one().await?;
        let ended = db_run!(rows one, |c| sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person)
            .execute(c))?;
        one.commit().await?;
        Ok(ended)
    }

    async fn create_api_token(
        &self,
        person: PersonId,
        label: &str,
        token_hash: &str,
        audit: &Audit,
    ) -> StoreResult<ApiToken> {
        let label = label.trim().to_owned();
        let mut tx = self.write().await?;
        person_in(&mut tx, person, false).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO api_tokens (person_id, label, token_hash, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(person)
        .bind(&label)
        .bind(token_hash)
        .bind(audit.at)
        .fetch_one(c))?;
        let details = json!({ "person_id": person, "label": label });
        tx.commit_audited(
            audit,
            success("token.create", format!("token:{id}"), details),
        )
        .await?;
        Ok(ApiToken {
            id,
            person_id: person,
            label,
            token_hash: token_hash.to_owned(),
            created_at: audit.at,
            last_used_at: None,
            revoked_at: None,
        })
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, Person)>> {
        let sql = format!(
            "SELECT t.id AS token_id, t.person_id, t.label, t.token_hash,
                 t.created_at AS token_created_at, t.last_used_at, t.revoked_at, {PERSON_COLUMNS}
             FROM api_tokens t JOIN people p ON p.id = t.person_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        db_run!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .try_map(|row| Ok((ApiToken::from_row(&row)?, Person::from_row(&row)?)))
            .fetch_optional(c))
    }

    async fn touch_api_token(&self, id: i64, now: Millis) -> StoreResult<()> {
        let mut one = self.write_one().await?;
        db_run!(rows one, |c| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
        )
        .bind(now)
        .bind(id)
        .execute(c))?;
        one.commit().await
    }

    async fn use_api_token(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<(ApiToken, Person)>> {
        let mut one = self.write_one().await?;
        // The update returns the token as it now is, so a token revoked meanwhile is not used.
        let sql = format!(
            "UPDATE api_tokens SET last_used_at = $1
             WHERE token_hash = $2 AND revoked_at IS NULL RETURNING {TOKEN_COLUMNS}"
        );
        let token: Option<ApiToken> = db_run!(one, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(token_hash)
            .fetch_optional(c))?;
        let Some(token) = token else {
            return Ok(None);
        };
        let person = person_in(&mut one, token.person_id, false).await?;
        one.commit().await?;
        Ok(Some((token, person)))
    }

    async fn api_tokens(&self, person: PersonId) -> StoreResult<Vec<ApiToken>> {
        let sql =
            format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE person_id = $1 ORDER BY id");
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(person)
            .fetch_all(c))
    }

    async fn revoke_api_token(&self, id: i64, audit: &Audit) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let row = db_run!(tx, |c| {
            let sql = format!(
                "SELECT person_id, revoked_at FROM api_tokens WHERE id = $1{}",
                Db::FOR_UPDATE
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(c)
        })?;
        let (person, revoked_at): (PersonId, Option<Millis>) =
            row.ok_or_else(|| StoreError::NotFound(format!("token {id}")))?;
        if revoked_at.is_some() {
            return tx.commit().await;
        }
        db_run!(rows tx, |c| sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(audit.at)
            .bind(id)
            .execute(c))?;
        let details = json!({ "person_id": person });
        append(
            &mut tx,
            audit,
            success("token.revoke", format!("token:{id}"), details),
        )
        .await?;
        tx.commit().await
    }

    async fn record_sign_in_failure(
        &self,
        key: &str,
        now: Millis,
        window_start: Millis,
    ) -> StoreResult<u32> {
        let mut tx = self.write().await?;
        // Failures older than the window no longer count; drop them so the table stays small.
        db_run!(rows tx, |c| sqlx::query("DELETE FROM sign_in_failures WHERE key = $1 AND at < $2")
            .bind(key)
            .bind(window_start)
            .execute(c))?;
        db_run!(rows tx, |c| sqlx::query("INSERT INTO sign_in_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(c))?;
        let count: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT count(*) FROM sign_in_failures WHERE key = $1 AND at >= $2"
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(c))?;
        tx.commit().await?;
        Ok(to_u32(count))
    }

    async fn sign_in_failures(&self, key: &str, window_start: Millis) -> StoreResult<u32> {
        let count: i64 = db_run!(self, |c| sqlx::query_scalar(
            "SELECT count(*) FROM sign_in_failures WHERE key = $1 AND at >= $2"
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(c))?;
        Ok(to_u32(count))
    }

    async fn reserve_sign_in_attempt<F>(
        &self,
        keys: &[&str],
        now: Millis,
        window_start: Millis,
        decide: F,
    ) -> StoreResult<Reservation>
    where
        F: FnOnce(&[Failures]) -> Option<Millis> + Send,
    {
        // In a sorted order, so that two attempts locking the same keys cannot wait for each other.
        let mut sorted: Vec<&str> = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut tx = self.write().await?;
        // SQLite's write transaction has the database to itself; PostgreSQL locks each key, so
        // that an attempt reads the failures of every attempt on its keys reserved before it.
        for key in &sorted {
            db_run!(tx, |c| async {
                if let Some(lock) = Db::LOCK_NAME_UNTIL_END {
                    sqlx::query(lock).bind(*key).execute(c).await?;
                }
                Ok(())
            })?;
        }
        let mut seen = Vec::with_capacity(keys.len());
        for key in keys {
            let (count, first_at, last_at): (i64, Option<Millis>, Option<Millis>) =
                db_run!(tx, |c| sqlx::query_as(
                    "SELECT count(*), min(at), max(at) FROM sign_in_failures
                     WHERE key = $1 AND at >= $2"
                )
                .bind(*key)
                .bind(window_start)
                .fetch_one(c))?;
            seen.push(Failures {
                count: to_u32(count),
                first_at,
                last_at,
            });
        }
        if let Some(wait) = decide(&seen) {
            tx.commit().await?;
            return Ok(Reservation::Wait(wait.max(1)));
        }
        let mut reserved = Vec::with_capacity(keys.len());
        for key in keys {
            // Failures older than the window no longer count; drop them so the table stays small.
            db_run!(rows tx, |c| sqlx::query(
                "DELETE FROM sign_in_failures WHERE key = $1 AND at < $2"
            )
            .bind(*key)
            .bind(window_start)
            .execute(c))?;
            let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
                "INSERT INTO sign_in_failures (key, at) VALUES ($1, $2) RETURNING id"
            )
            .bind(*key)
            .bind(now)
            .fetch_one(c))?;
            reserved.push(id);
        }
        tx.commit().await?;
        Ok(Reservation::Reserved(reserved))
    }

    async fn release_sign_in_attempt(&self, reserved: &[i64], clear: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM sign_in_failures WHERE {} OR key = $2",
            Db::in_ids("id", 1)
        )))
        .bind(Db::ids(reserved))
        .bind(clear)
        .execute(c))?;
        tx.commit().await
    }

    async fn clear_sign_in_failures(&self, key: &str) -> StoreResult<()> {
        let mut one = self.write_one().await?;
        db_run!(rows one, |c| sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .execute(c))?;
        one.commit().await
    }
}
