//! The PostgreSQL backend of the storage port, for organisations that run Trellis at scale.
//!
//! Transactions run at READ COMMITTED; where two concurrent changes could together break an
//! invariant, the change locks what it depends on: the person row it updates (`FOR UPDATE`), and an
//! advisory lock while it changes a reporting line, so two updates cannot close a manager loop
//! between them. Migrations live in `migrations/`, are embedded in the binary and run by
//! [`Store::migrate`].
#![forbid(unsafe_code)]

mod growth;

use std::str::FromStr;
use std::time::Duration;

use serde_json::json;
use sqlx::error::ErrorKind;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use trellis_store::backend::{apply_update, audit_limit, clean_text, normalize_email, team_key};
use trellis_store::{
    ApiToken, Assessment, AssessmentId, Audit, AuditEvent, AuditFilter, BulkAssessment, Evidence,
    FrameworkVersion, FrameworkVersionId, FrameworkVersionSummary, Millis, NewAssessment,
    NewAuditEvent, NewEvidence, NewFrameworkVersion, NewPerson, NewRating, Observations, Outcome,
    PeerRequest, Person, PersonId, PersonRecord, PersonUpdate, RaterKind, Rating, Session, Stage,
    Store, StoreError, StoreResult, SystemRole, Team,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The advisory lock held while a reporting line changes (an arbitrary constant: "TRLS").
const REPORTING_LINES_LOCK: i64 = 0x5452_4c53;

/// The migrations this binary knows, for tools and tests that need to migrate step by step.
pub fn migrator() -> &'static Migrator {
    &MIGRATOR
}

/// A [`Store`] on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`). Does not
    /// migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("bad PostgreSQL database URL: {e}")))?;
        Self::connect_with(options).await
    }

    /// Connects with `options`.
    ///
    /// The pool holds about two connections per core (at least 4, at most 32): PostgreSQL on the
    /// same machine serves that many busy connections best, and more only make requests queue
    /// inside the database, switching between backends (on 2 cores, 4 connections serve the person
    /// page a tenth faster than 10, with a third lower 99th percentile).
    pub async fn connect_with(options: PgConnectOptions) -> StoreResult<Self> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let size = u32::try_from(2 * cores).unwrap_or(32).clamp(4, 32);
        let pool = PgPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(PgStore { pool })
    }

    /// The connection pool, for inspection (tests, administration).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
        self.begin_with("BEGIN").await
    }

    /// Starts a transaction in a task of its own, which runs to the end even when the caller is
    /// dropped (a client that went away). sqlx counts a transaction as started only once the
    /// database has answered `BEGIN`: a caller dropped in between would hand the connection back
    /// to the pool inside a transaction nobody ends, and later callers would run in it (read-only,
    /// or aborted after its first error). A transaction dropped after `begin` returns is rolled
    /// back as usual.
    async fn begin_with(
        &self,
        statement: &'static str,
    ) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
        let pool = self.pool.clone();
        tokio::spawn(async move { pool.begin_with(statement).await })
            .await
            .map_err(|e| StoreError::Backend(format!("starting a transaction failed: {e}")))?
            .map_err(db_error)
    }
}

/// Maps a database error onto the port's errors; messages never contain SQL.
fn db_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(unique_message(db.constraint())),
            ErrorKind::ForeignKeyViolation => {
                StoreError::Invalid("a referenced record does not exist".into())
            }
            ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                StoreError::Invalid(format!("a value was refused ({})", db.message()))
            }
            _ => StoreError::Backend(db.message().to_owned()),
        },
        sqlx::Error::RowNotFound => StoreError::NotFound("record".into()),
        _ => StoreError::Backend(e.to_string()),
    }
}

fn unique_message(constraint: Option<&str>) -> String {
    match constraint.unwrap_or_default() {
        "people_email_key" => "email is already in use".into(),
        "framework_versions_framework_id_version_key" => {
            "this framework version is already published".into()
        }
        "sessions_pkey" | "api_tokens_token_hash_key" => "token already exists".into(),
        "teams_name_key_key" => "team already exists".into(),
        _ => "already exists".into(),
    }
}

fn migrate_error(e: MigrateError) -> StoreError {
    match e {
        MigrateError::VersionMissing(v) => StoreError::Backend(format!(
            "this database has migration {v}, which this version of Trellis does not know: it was \
             used by a newer Trellis. Refusing to touch it; run that newer version (or restore a backup)"
        )),
        MigrateError::VersionMismatch(v) => StoreError::Backend(format!(
            "migration {v} applied to this database differs from the one built into Trellis; refusing to continue"
        )),
        MigrateError::Dirty(v) => StoreError::Backend(format!(
            "migration {v} was left partly applied; restore a backup before continuing"
        )),
        other => StoreError::Backend(format!("migration failed: {other}")),
    }
}

async fn append(conn: &mut PgConnection, audit: &Audit, event: NewAuditEvent) -> StoreResult<()> {
    let action = clean_text("action", &event.action)?;
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, action, target, outcome, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7::json)",
    )
    .bind(audit.at)
    .bind(audit.actor_id)
    .bind(action)
    .bind(event.target)
    .bind(event.outcome.as_str())
    .bind(audit.ip.as_deref())
    .bind(event.details.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

fn success(action: &str, target: String, details: serde_json::Value) -> NewAuditEvent {
    NewAuditEvent {
        action: action.into(),
        target,
        outcome: Outcome::Success,
        details,
    }
}

const PERSON_COLUMNS: &str = "p.id, p.email, p.name, p.team_id, p.manager_id, p.role_level, p.role_level_version, \
     p.role_level_since, p.system_role, p.active, p.password_hash, p.revision, p.created_at";

/// Framework columns, with the JSON read back as text so its key order is kept.
const FRAMEWORK_COLUMNS: &str =
    "id, framework_id, version, name, published_at, published_by, content::text AS content";

fn person_from(row: &PgRow) -> Result<Person, sqlx::Error> {
    let role: String = row.try_get("system_role")?;
    Ok(Person {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        team_id: row.try_get("team_id")?,
        manager_id: row.try_get("manager_id")?,
        role_level: row.try_get("role_level")?,
        role_level_version: row.try_get("role_level_version")?,
        role_level_since: row.try_get("role_level_since")?,
        system_role: SystemRole::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown system role {role:?}").into()))?,
        active: row.try_get("active")?,
        password_hash: row.try_get("password_hash")?,
        revision: row.try_get("revision")?,
        created_at: row.try_get("created_at")?,
    })
}

fn framework_from(row: &PgRow) -> Result<FrameworkVersion, sqlx::Error> {
    let content: String = row.try_get("content")?;
    Ok(FrameworkVersion {
        id: row.try_get("id")?,
        framework_id: row.try_get("framework_id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        published_at: row.try_get("published_at")?,
        published_by: row.try_get("published_by")?,
        content: serde_json::from_str(&content).map_err(|e| sqlx::Error::Decode(e.into()))?,
    })
}

fn summary_from(row: &PgRow) -> Result<FrameworkVersionSummary, sqlx::Error> {
    Ok(FrameworkVersionSummary {
        id: row.try_get("id")?,
        framework_id: row.try_get("framework_id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        published_at: row.try_get("published_at")?,
        published_by: row.try_get("published_by")?,
    })
}

fn session_from(row: &PgRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        token_hash: row.try_get("token_hash")?,
        person_id: row.try_get("person_id")?,
        csrf_token: row.try_get("csrf_token")?,
        created_at: row.try_get("s_created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

fn token_from(row: &PgRow) -> Result<ApiToken, sqlx::Error> {
    Ok(ApiToken {
        id: row.try_get("t_id")?,
        person_id: row.try_get("person_id")?,
        label: row.try_get("label")?,
        token_hash: row.try_get("token_hash")?,
        created_at: row.try_get("t_created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn event_from(row: &PgRow) -> Result<AuditEvent, sqlx::Error> {
    let outcome: String = row.try_get("outcome")?;
    let details: String = row.try_get("details")?;
    Ok(AuditEvent {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        outcome: Outcome::parse(&outcome)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown outcome {outcome:?}").into()))?,
        ip: row.try_get("ip")?,
        details: serde_json::from_str(&details).map_err(|e| sqlx::Error::Decode(e.into()))?,
    })
}

/// One person; `for_update` also locks the row until the transaction ends.
async fn person_in(conn: &mut PgConnection, id: PersonId, for_update: bool) -> StoreResult<Person> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = $1{lock}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: PgRow| person_from(&row))
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store for PgStore {
    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(migrate_error)
    }

    async fn publish_framework(
        &self,
        new: NewFrameworkVersion,
        audit: &Audit,
    ) -> StoreResult<FrameworkVersion> {
        let framework_id = clean_text("framework id", &new.framework_id)?;
        let version = clean_text("version", &new.version)?;
        let mut tx = self.begin().await?;
        let id: FrameworkVersionId = sqlx::query_scalar(
            "INSERT INTO framework_versions (framework_id, version, name, published_at, published_by, content)
             VALUES ($1, $2, $3, $4, $5, $6::json) RETURNING id",
        )
        .bind(&framework_id)
        .bind(&version)
        .bind(&new.name)
        .bind(audit.at)
        .bind(audit.actor_id)
        .bind(new.content.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let target = format!("framework:{framework_id}@{version}");
        append(
            &mut tx,
            audit,
            success(
                "framework.publish",
                target,
                json!({ "framework_version_id": id }),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(FrameworkVersion {
            id,
            framework_id,
            version,
            name: new.name,
            published_at: audit.at,
            published_by: audit.actor_id,
            content: new.content,
        })
    }

    async fn framework_versions(&self) -> StoreResult<Vec<FrameworkVersionSummary>> {
        sqlx::query(
            "SELECT id, framework_id, version, name, published_at, published_by
             FROM framework_versions ORDER BY id DESC",
        )
        .try_map(|row: PgRow| summary_from(&row))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn framework_version(&self, id: FrameworkVersionId) -> StoreResult<FrameworkVersion> {
        let sql = format!("SELECT {FRAMEWORK_COLUMNS} FROM framework_versions WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .try_map(|row: PgRow| framework_from(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("framework version {id}")))
    }

    async fn current_framework(&self) -> StoreResult<Option<FrameworkVersion>> {
        let sql =
            format!("SELECT {FRAMEWORK_COLUMNS} FROM framework_versions ORDER BY id DESC LIMIT 1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .try_map(|row: PgRow| framework_from(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn ensure_team(&self, name: &str, audit: &Audit) -> StoreResult<Team> {
        let name = clean_text("team name", name)?;
        let key = team_key(&name);
        let mut tx = self.begin().await?;
        // ON CONFLICT waits for a concurrent insert of the same team instead of failing.
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO teams (name, name_key) VALUES ($1, $2) ON CONFLICT (name_key) DO NOTHING RETURNING id",
        )
        .bind(&name)
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(id) = inserted else {
            let row = sqlx::query("SELECT id, name FROM teams WHERE name_key = $1")
                .bind(&key)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
            tx.commit().await.map_err(db_error)?;
            return Ok(Team {
                id: row.get("id"),
                name: row.get("name"),
            });
        };
        append(
            &mut tx,
            audit,
            success("team.create", format!("team:{id}"), json!({ "name": name })),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Team { id, name })
    }

    async fn teams(&self) -> StoreResult<Vec<Team>> {
        // COLLATE "C" so the order does not depend on the server's locale (and matches SQLite).
        sqlx::query("SELECT id, name FROM teams ORDER BY lower(name) COLLATE \"C\", id")
            .try_map(|row: PgRow| {
                Ok(Team {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                })
            })
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn create_person(&self, new: NewPerson, audit: &Audit) -> StoreResult<Person> {
        let email = normalize_email(&new.email)?;
        let name = clean_text("name", &new.name)?;
        let role_level = new
            .role_level
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let since = role_level.as_ref().map(|_| audit.at);
        let mut tx = self.begin().await?;
        let id: PersonId = sqlx::query_scalar(
            "INSERT INTO people (email, name, team_id, manager_id, role_level, role_level_version,
                 role_level_since, system_role, active, password_hash, revision, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, 1, $10) RETURNING id",
        )
        .bind(&email)
        .bind(&name)
        .bind(new.team_id)
        .bind(new.manager_id)
        .bind(&role_level)
        .bind(new.role_level_version)
        .bind(since)
        .bind(new.system_role.as_str())
        .bind(new.password_hash.as_deref())
        .bind(audit.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let details = json!({ "system_role": new.system_role.as_str() });
        append(
            &mut tx,
            audit,
            success("person.create", format!("person:{id}"), details),
        )
        .await?;
        let person = person_in(&mut tx, id, false).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(person)
    }

    async fn update_person(
        &self,
        id: PersonId,
        update: PersonUpdate,
        audit: &Audit,
    ) -> StoreResult<Person> {
        let mut tx = self.begin().await?;
        let current = person_in(&mut tx, id, true).await?;
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
            tx.commit().await.map_err(db_error)?;
            return Ok(current);
        }
        if changed.contains(&"manager_id")
            && let Some(manager) = next.manager_id
        {
            // Serialises reporting-line changes: two updates each valid alone could close a loop.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(REPORTING_LINES_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            // The new manager must not be this person or report to them, directly or not.
            let loops: bool = sqlx::query_scalar(
                "WITH RECURSIVE up(id) AS (
                     SELECT $1::bigint
                     UNION
                     SELECT p.manager_id FROM people p JOIN up ON p.id = up.id WHERE p.manager_id IS NOT NULL
                 )
                 SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)",
            )
            .bind(manager)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
            if loops {
                return Err(StoreError::Conflict(format!(
                    "person {manager} cannot manage person {id}: the reporting line would loop"
                )));
            }
        }
        let updated = sqlx::query(
            "UPDATE people SET email = $1, name = $2, team_id = $3, manager_id = $4, role_level = $5,
                 role_level_version = $6, role_level_since = $7, system_role = $8, active = $9,
                 revision = revision + 1
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
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "person {id} was changed by someone else"
            )));
        }
        let mut details = json!({ "fields": changed, "revision": current.revision + 1 });
        if changed.contains(&"active") && !next.active {
            let ended = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?
                .rows_affected();
            details["sessions_ended"] = json!(ended);
        }
        append(
            &mut tx,
            audit,
            success("person.update", format!("person:{id}"), details),
        )
        .await?;
        let person = person_in(&mut tx, id, false).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(person)
    }

    async fn set_password(&self, id: PersonId, hash: &str, audit: &Audit) -> StoreResult<()> {
        let hash = clean_text("password hash", hash)?;
        let mut tx = self.begin().await?;
        let updated = sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        append(
            &mut tx,
            audit,
            success("person.password", format!("person:{id}"), json!({})),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn person(&self, id: PersonId) -> StoreResult<Person> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        person_in(&mut conn, id, false).await
    }

    async fn person_by_email(&self, email: &str) -> StoreResult<Option<Person>> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.email = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email)
            .try_map(|row: PgRow| person_from(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn people(&self) -> StoreResult<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p ORDER BY lower(p.name) COLLATE \"C\", p.id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .try_map(|row: PgRow| person_from(&row))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn reports(&self, manager: PersonId) -> StoreResult<Vec<Person>> {
        // REPEATABLE READ so that the existence check and the listing see the same snapshot.
        let mut tx = self
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        person_in(&mut tx, manager, false).await?;
        // UNION (not UNION ALL) stops at people already seen, should a loop ever get in.
        let sql = format!(
            "WITH RECURSIVE below(id) AS (
                 SELECT id FROM people WHERE manager_id = $1
                 UNION
                 SELECT p.id FROM people p JOIN below b ON p.manager_id = b.id
             )
             SELECT {PERSON_COLUMNS} FROM people p
             WHERE p.id IN (SELECT id FROM below) AND p.id <> $1
             ORDER BY lower(p.name) COLLATE \"C\", p.id"
        );
        let people = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(manager)
            .try_map(|row: PgRow| person_from(&row))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(people)
    }

    async fn count_admins(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT count(*) FROM people WHERE system_role = 'admin' AND active")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(session.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.person_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Session, Person)>> {
        let sql = format!(
            "SELECT s.token_hash, s.person_id, s.csrf_token, s.created_at AS s_created_at, s.last_seen_at,
                 s.expires_at, {PERSON_COLUMNS}
             FROM sessions s JOIN people p ON p.id = s.person_id
             WHERE s.token_hash = $1"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .try_map(|row: PgRow| Ok((session_from(&row)?, person_from(&row)?)))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn touch_session(&self, token_hash: &str, now: Millis) -> StoreResult<()> {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $1) WHERE token_hash = $2",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_sessions_of(&self, person: PersonId) -> StoreResult<u64> {
        let ended = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person)
            .execute(&self.pool)
            .await
            .map_err(db_error)?
            .rows_affected();
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
        let mut tx = self.begin().await?;
        person_in(&mut tx, person, false).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (person_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(person)
        .bind(&label)
        .bind(token_hash)
        .bind(audit.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let details = json!({ "person_id": person, "label": label });
        append(
            &mut tx,
            audit,
            success("token.create", format!("token:{id}"), details),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
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

    async fn use_api_token(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<(ApiToken, Person)>> {
        // One statement: the update and the join see the same row, and it is one transaction.
        let sql = format!(
            "WITH used AS (
                 UPDATE api_tokens SET last_used_at = $1
                 WHERE token_hash = $2 AND revoked_at IS NULL
                 RETURNING id, person_id, label, token_hash, created_at, last_used_at, revoked_at
             )
             SELECT t.id AS t_id, t.person_id, t.label, t.token_hash, t.created_at AS t_created_at,
                 t.last_used_at, t.revoked_at, {PERSON_COLUMNS}
             FROM used t JOIN people p ON p.id = t.person_id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(token_hash)
            .try_map(|row: PgRow| Ok((token_from(&row)?, person_from(&row)?)))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn api_tokens(&self, person: PersonId) -> StoreResult<Vec<ApiToken>> {
        sqlx::query(
            "SELECT id AS t_id, person_id, label, token_hash, created_at AS t_created_at, last_used_at, revoked_at
             FROM api_tokens WHERE person_id = $1 ORDER BY id",
        )
        .bind(person)
        .try_map(|row: PgRow| token_from(&row))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn revoke_api_token(&self, id: i64, audit: &Audit) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let row =
            sqlx::query("SELECT person_id, revoked_at FROM api_tokens WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?
                .ok_or_else(|| StoreError::NotFound(format!("token {id}")))?;
        let revoked_at: Option<Millis> = row.get("revoked_at");
        if revoked_at.is_some() {
            tx.commit().await.map_err(db_error)?;
            return Ok(());
        }
        let person: PersonId = row.get("person_id");
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(audit.at)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        append(
            &mut tx,
            audit,
            success(
                "token.revoke",
                format!("token:{id}"),
                json!({ "person_id": person }),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn record_sign_in_failure(
        &self,
        key: &str,
        now: Millis,
        window_start: Millis,
    ) -> StoreResult<u32> {
        let mut tx = self.begin().await?;
        // Failures older than the window no longer count; drop them so the table stays small.
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1 AND at < $2")
            .bind(key)
            .bind(window_start)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("INSERT INTO sign_in_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sign_in_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(window_start)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(to_u32(count))
    }

    async fn sign_in_failures(&self, key: &str, window_start: Millis) -> StoreResult<u32> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sign_in_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(window_start)
                .fetch_one(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(to_u32(count))
    }

    async fn clear_sign_in_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn append_audit(&self, event: NewAuditEvent, audit: &Audit) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        append(&mut conn, audit, event).await
    }

    async fn audit_events(&self, filter: AuditFilter) -> StoreResult<Vec<AuditEvent>> {
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT id, at, actor_id, action, target, outcome, ip, details::text AS details
             FROM audit_events WHERE TRUE",
        );
        if let Some(actor) = filter.actor_id {
            query.push(" AND actor_id = ").push_bind(actor);
        }
        if let Some(prefix) = filter.action_prefix {
            query
                .push(" AND starts_with(action, ")
                .push_bind(prefix)
                .push(")");
        }
        if let Some(outcome) = filter.outcome {
            query.push(" AND outcome = ").push_bind(outcome.as_str());
        }
        if let Some(since) = filter.since {
            query.push(" AND at >= ").push_bind(since);
        }
        if let Some(until) = filter.until {
            query.push(" AND at < ").push_bind(until);
        }
        if let Some(before) = filter.before_id {
            query.push(" AND id < ").push_bind(before);
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(audit_limit(filter.limit)));
        query
            .build()
            .try_map(|row: PgRow| event_from(&row))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn create_assessment(
        &self,
        new: NewAssessment,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        growth::create_assessment(self, new, audit).await
    }
    async fn assessment(&self, id: AssessmentId) -> StoreResult<Assessment> {
        growth::assessment(self, id).await
    }
    async fn assessments_of(&self, person: PersonId) -> StoreResult<Vec<Assessment>> {
        growth::assessments_of(self, person).await
    }
    async fn record_ratings(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        expected_revision: i64,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        growth::record_ratings(
            self,
            assessment,
            kind,
            rater,
            ratings,
            expected_revision,
            audit,
        )
        .await
    }
    async fn advance_assessment(
        &self,
        assessment: AssessmentId,
        to: Stage,
        by: PersonId,
        expected_revision: i64,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        growth::advance_assessment(self, assessment, to, by, expected_revision, audit).await
    }
    async fn ratings(&self, assessment: AssessmentId) -> StoreResult<Vec<Rating>> {
        growth::ratings(self, assessment).await
    }
    async fn rating_history(&self, person: PersonId) -> StoreResult<Vec<Rating>> {
        growth::rating_history(self, person).await
    }
    async fn latest_ratings(&self, people: &[PersonId]) -> StoreResult<Vec<Rating>> {
        growth::latest_ratings(self, people).await
    }
    async fn request_peer_input(
        &self,
        assessment: AssessmentId,
        peer: PersonId,
        skills: Vec<String>,
        requested_by: PersonId,
        audit: &Audit,
    ) -> StoreResult<PeerRequest> {
        growth::request_peer_input(self, assessment, peer, skills, requested_by, audit).await
    }
    async fn peer_request(&self, id: i64) -> StoreResult<PeerRequest> {
        growth::peer_request(self, id).await
    }
    async fn peer_requests_of_assessment(
        &self,
        assessment: AssessmentId,
    ) -> StoreResult<Vec<PeerRequest>> {
        growth::peer_requests_of_assessment(self, assessment).await
    }
    async fn peer_requests_for(&self, peer: PersonId) -> StoreResult<Vec<PeerRequest>> {
        growth::peer_requests_for(self, peer).await
    }
    async fn submit_peer_input(
        &self,
        request: i64,
        ratings: Vec<NewRating>,
        audit: &Audit,
    ) -> StoreResult<PeerRequest> {
        growth::submit_peer_input(self, request, ratings, audit).await
    }
    async fn add_evidence(&self, new: NewEvidence, audit: &Audit) -> StoreResult<Evidence> {
        growth::add_evidence(self, new, audit).await
    }
    async fn evidence_of(&self, person: PersonId) -> StoreResult<Vec<Evidence>> {
        growth::evidence_of(self, person).await
    }
    async fn evidence_counts(
        &self,
        people: &[PersonId],
    ) -> StoreResult<Vec<(PersonId, String, i64)>> {
        growth::evidence_counts(self, people).await
    }
    async fn observations(&self, people: &[PersonId]) -> StoreResult<Observations> {
        growth::observations(self, people).await
    }
    async fn person_record(&self, person: PersonId) -> StoreResult<PersonRecord> {
        growth::person_record(self, person).await
    }
    async fn append_audit_batch(&self, events: Vec<(NewAuditEvent, Audit)>) -> StoreResult<()> {
        growth::append_audit_batch(self, events).await
    }
    async fn bulk_create_people(
        &self,
        people: Vec<NewPerson>,
        audit: &Audit,
    ) -> StoreResult<Vec<Person>> {
        growth::bulk_create_people(self, people, audit).await
    }
    async fn bulk_create_assessments(
        &self,
        assessments: Vec<BulkAssessment>,
        audit: &Audit,
    ) -> StoreResult<usize> {
        growth::bulk_create_assessments(self, assessments, audit).await
    }
    async fn bulk_add_evidence(
        &self,
        evidence: Vec<NewEvidence>,
        audit: &Audit,
    ) -> StoreResult<usize> {
        growth::bulk_add_evidence(self, evidence, audit).await
    }
}
