//! Sign-ins through an OpenID provider under way: one row each, taken once.

use trellis_store::{Millis, PendingSsoSignIn, SsoStore, StoreResult};

use crate::{Connection, Database, db_run};

#[derive(sqlx::FromRow)]
struct Row {
    nonce: String,
    pkce_verifier: String,
    next_path: String,
}

impl SsoStore for Database {
    async fn begin_sso_sign_in(
        &self,
        state_hash: &str,
        pending: &PendingSsoSignIn,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        // Sign-ins abandoned at the provider are of no use once expired.
        db_run!(rows tx, |c| sqlx::query("DELETE FROM sso_sign_ins WHERE expires_at <= $1")
            .bind(now)
            .execute(c))?;
        db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO sso_sign_ins (state_hash, nonce, pkce_verifier, next_path, created_at,
                 expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(state_hash)
        .bind(&pending.nonce)
        .bind(&pending.pkce_verifier)
        .bind(&pending.next_path)
        .bind(now)
        .bind(expires_at)
        .execute(c))?;
        tx.commit().await
    }

    async fn take_sso_sign_in(
        &self,
        state_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<PendingSsoSignIn>> {
        // One statement removes and returns the row: of two callbacks at once, one finds it.
        let row: Option<Row> = db_run!(self, |c| sqlx::query_as(
            "DELETE FROM sso_sign_ins WHERE state_hash = $1 AND expires_at > $2
             RETURNING nonce, pkce_verifier, next_path",
        )
        .bind(state_hash)
        .bind(now)
        .fetch_optional(c))?;
        Ok(row.map(|r| PendingSsoSignIn {
            nonce: r.nonce,
            pkce_verifier: r.pkce_verifier,
            next_path: r.next_path,
        }))
    }
}
