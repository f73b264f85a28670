//! Backups of a SQLite database while it is in use, and the checks a database passes before it
//! is restored or trusted: integrity, schema version, what it holds.
//!
//! PostgreSQL has its own tools for this (`pg_dump`, `pg_restore`); the checks work on both.

use std::path::Path;

use trellis_store::{StoreError, StoreResult};

use crate::{Backend, Database, db_run};

/// The tables a report of a database counts: who, what was assessed and said, and the log.
pub const CENSUS: [&str; 7] = [
    "people",
    "assessments",
    "ratings",
    "evidence",
    "check_ins",
    "plan_goals",
    "audit_events",
];

impl Database {
    /// Writes a consistent snapshot of this SQLite database to `path`, which must not exist,
    /// while others keep reading and writing. `VACUUM INTO` reads in one transaction: the copy
    /// holds every change committed before it began and none made after, and it is a compact,
    /// self-contained database (no WAL beside it). PostgreSQL is refused: use `pg_dump`.
    pub async fn backup_into(&self, path: &Path) -> StoreResult<()> {
        let Backend::Sqlite(pool) = &self.pool else {
            return Err(StoreError::Invalid(
                "online backups are for SQLite; for PostgreSQL use pg_dump".into(),
            ));
        };
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "{} exists already; a backup never overwrites a file",
                path.display()
            )));
        }
        let target = path.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("{} is not a UTF-8 path", path.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await
            .map_err(|e| StoreError::Backend(format!("the backup failed: {e}")))?;
        Ok(())
    }

    /// What is wrong with the database's pages and indexes, if anything: SQLite's
    /// `integrity_check` (and foreign keys); PostgreSQL checks its own pages, so there only a read
    /// of each table of [`CENSUS`] is made (by [`Database::census`]).
    pub async fn integrity_problems(&self) -> StoreResult<Vec<String>> {
        let Backend::Sqlite(pool) = &self.pool else {
            self.census().await?;
            return Ok(Vec::new());
        };
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
            .fetch_all(pool)
            .await
            .map_err(crate::db_error)?;
        let mut problems: Vec<String> = rows
            .into_iter()
            .map(|(r,)| r)
            .filter(|r| r != "ok")
            .collect();
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(pool)
                .await
                .map_err(crate::db_error)?;
        problems.extend(
            broken
                .into_iter()
                .map(|(t,)| format!("a row of {t} refers to a row that does not exist")),
        );
        Ok(problems)
    }

    /// The newest migration applied to this database, `None` when it has none (it is empty).
    pub async fn schema_version(&self) -> StoreResult<Option<i64>> {
        let exists: i64 = match &self.pool {
            Backend::Sqlite(pool) => sqlx::query_scalar(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await,
            Backend::Postgres(pool) => sqlx::query_scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' \
                 AND table_schema = current_schema()",
            )
            .fetch_one(pool)
            .await,
        }
        .map_err(crate::db_error)?;
        if exists == 0 {
            return Ok(None);
        }
        db_run!(self, |c| sqlx::query_scalar(
            "SELECT max(version) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(c))
    }

    /// Whether the database holds no table at all: somewhere a backup may be restored into.
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let tables: i64 = match &self.pool {
            Backend::Sqlite(pool) => {
                sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
                    .fetch_one(pool)
                    .await
            }
            Backend::Postgres(pool) => sqlx::query_scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            )
            .fetch_one(pool)
            .await,
        }
        .map_err(crate::db_error)?;
        Ok(tables == 0)
    }

    /// The file of a SQLite database (`None` for PostgreSQL or an in-memory database).
    pub async fn sqlite_file(&self) -> StoreResult<Option<std::path::PathBuf>> {
        let Backend::Sqlite(pool) = &self.pool else {
            return Ok(None);
        };
        let (_, _, file): (i64, String, String) = sqlx::query_as("PRAGMA database_list")
            .fetch_one(pool)
            .await
            .map_err(crate::db_error)?;
        Ok((!file.is_empty()).then(|| file.into()))
    }

    /// How many rows each table of [`CENSUS`] holds, in that order.
    pub async fn census(&self) -> StoreResult<Vec<(&'static str, i64)>> {
        let mut out = Vec::new();
        for table in CENSUS {
            let sql = format!("SELECT count(*) FROM {table}");
            let n: i64 = db_run!(self, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(
                sql.clone()
            ))
            .fetch_one(c))?;
            out.push((table, n));
        }
        Ok(out)
    }
}
