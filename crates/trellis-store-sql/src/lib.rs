//! The storage port on SQL: one implementation for SQLite and PostgreSQL, chosen by the URL.
//!
//! Each query is written once, with `$1` placeholders (which sqlx binds by number on SQLite too),
//! and rows decode through `sqlx::FromRow`. [`db_run!`] runs a statement on whichever database a
//! [`Database`] holds, expanding it once per database with a `type Db` alias; the few fragments
//! that really differ live in [`dialect`]. Migrations are per database (`migrations/sqlite`,
//! `migrations/postgres`), embedded, and run by [`SchemaStore::migrate`].
//!
//! SQLite: one file opened in WAL mode with `synchronous=FULL` (a committed HR change survives a
//! power cut), foreign keys on and a busy timeout. Transactions that write start with
//! `BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of failing when one
//! upgrades its read lock.
//!
//! PostgreSQL: transactions run at READ COMMITTED and start in a task of their own (see
//! [`dialect`]); where two concurrent changes could together break an invariant, the change locks
//! what it depends on: the row it updates (`FOR UPDATE`), and an advisory lock while it changes a
//! reporting line, so two updates cannot close a manager loop between them.
#![forbid(unsafe_code)]

mod accounts;
mod audit;
pub mod backup;
mod calibration;
mod check_in_shares;
mod check_ins;
mod cycles;
mod dialect;
mod erasure;
mod frameworks;
mod growth;
mod hiring;
mod import;
mod notifications;
mod people;
mod plans;
mod promotions;
mod resets;
mod scheduled;
mod sso;
#[cfg(feature = "testing")]
pub mod testing;

use std::ops::DerefMut;
use std::str::FromStr;
use std::time::Duration;

use sqlx::error::ErrorKind;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use trellis_store::prelude::*;
use trellis_store::{Audit, NewAuditEvent, Outcome, Person, PersonId, StoreError, StoreResult};

pub use notifications::inbox_changes;
pub use sqlx::postgres::{PgConnectOptions, PgPool};
pub use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use crate::dialect::{Dialect, JsonText};

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a SQLite connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections of a SQLite pool unless told otherwise: one writer at a time, a few readers.
const SQLITE_POOL: u32 = 8;
/// How much of a SQLite file its connections read through a memory map rather than a system call
/// per page (address space, not memory: the pages are the operating system's cache, shared by every
/// connection). A person's page touches a few dozen pages; read by `pread` each, on top of each
/// connection's own small page cache, they cost more system time than the statement itself.
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// Runs a statement on whichever database `$on` is (a [`Database`], or a connection or transaction
/// taken from one): `$body` is written once and expanded once per database, with `type Db` naming
/// it (for [`Dialect`] fragments and `QueryBuilder::<Db>`) and `$c` its executor. `$body` is a
/// future of `Result<_, sqlx::Error>`; the result is a [`StoreResult`]. With `rows` first, `$body`
/// executes a statement and the result is the number of rows it affected.
macro_rules! db_run {
    (rows $on:expr, |$c:ident| $body:expr) => {
        $crate::db_run!($on, |$c| async {
            $body.await.map(|done| done.rows_affected())
        })
    };
    ($on:expr, |$c:ident| $body:expr) => {
        match $on.on() {
            $crate::Backend::Sqlite($c) => {
                #[allow(dead_code)]
                type Db = ::sqlx::Sqlite;
                $body.await
            }
            $crate::Backend::Postgres($c) => {
                #[allow(dead_code)]
                type Db = ::sqlx::Postgres;
                $body.await
            }
        }
        .map_err($crate::db_error)
    };
}
pub(crate) use db_run;

/// The text of a statement assembled from [`Dialect`] fragments, built on first use and kept:
/// assembling the long statements of pages on every read cost a few percent of the page. Each use
/// has its own text, so it belongs inside the body of [`db_run!`], which is written out once per
/// database.
macro_rules! statement {
    ($build:expr) => {{
        static TEXT: ::std::sync::OnceLock<String> = ::std::sync::OnceLock::new();
        TEXT.get_or_init(|| $build).as_str()
    }};
}
pub(crate) use statement;

/// One thing per database: a pool, a connection, a transaction.
#[derive(Debug, Clone)]
pub(crate) enum Backend<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// A transaction that writes, or (on PostgreSQL) a connection for one statement that writes.
pub(crate) type Tx = Backend<Transaction<'static, Sqlite>, Transaction<'static, Postgres>>;
/// One statement that writes: in a write transaction on SQLite (see [`Database::write_one`]).
pub(crate) type OneWrite = Backend<Transaction<'static, Sqlite>, PoolConnection<Postgres>>;
/// A connection from the pool, for reads that take several statements.
pub(crate) type Conn = Backend<PoolConnection<Sqlite>, PoolConnection<Postgres>>;

/// A connection of either database, whatever holds it (a transaction, a pooled connection): what
/// the helpers shared by several changes and reads take.
pub(crate) trait Connection: Send {
    fn on(&mut self) -> Backend<&mut SqliteConnection, &mut PgConnection>;
}

impl<S, P> Connection for Backend<S, P>
where
    S: DerefMut<Target = SqliteConnection> + Send,
    P: DerefMut<Target = PgConnection> + Send,
{
    fn on(&mut self) -> Backend<&mut SqliteConnection, &mut PgConnection> {
        match self {
            Backend::Sqlite(c) => Backend::Sqlite(&mut **c),
            Backend::Postgres(c) => Backend::Postgres(&mut **c),
        }
    }
}

/// How a unit of work ends: a transaction commits, a plain connection goes back to the pool.
pub(crate) trait Finish: Send {
    fn finish(self) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

impl<DB: sqlx::Database> Finish for Transaction<'_, DB> {
    async fn finish(self) -> Result<(), sqlx::Error> {
        self.commit().await
    }
}

impl<DB: sqlx::Database> Finish for PoolConnection<DB> {
    async fn finish(self) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

impl<S: Finish, P: Finish> Backend<S, P> {
    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Backend::Sqlite(s) => s.finish().await,
            Backend::Postgres(p) => p.finish().await,
        }
        .map_err(db_error)
    }
}

impl Tx {
    /// Appends the audit event of the change and commits the change with it.
    pub(crate) async fn commit_audited(
        mut self,
        audit: &Audit,
        event: NewAuditEvent,
    ) -> StoreResult<()> {
        append(&mut self, audit, event).await?;
        self.commit().await
    }
}

/// A [`trellis_store::Store`] on SQLite or PostgreSQL. Cloning is cheap: clones share the pool.
#[derive(Debug, Clone)]
pub struct Database {
    pool: Backend<SqlitePool, PgPool>,
    /// People's rating histories, kept between reads of their records.
    histories: std::sync::Arc<growth::histories::Histories>,
}

impl Database {
    /// Opens the database at `url`: `postgres://…` or `postgresql://…` for PostgreSQL;
    /// `sqlite://trellis.db`, `sqlite:///abs/path.db` or a plain path for SQLite (the file is
    /// created if missing). Does not migrate; call [`SchemaStore::migrate`].
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_sized(url, None).await
    }

    /// As [`Database::connect`], with a pool of at most `pool_size` connections instead of the
    /// default for the database (8 on SQLite; about two per core on PostgreSQL).
    pub async fn connect_sized(url: &str, pool_size: Option<u32>) -> StoreResult<Self> {
        if pool_size == Some(0) {
            return Err(StoreError::Invalid(
                "the pool needs at least one connection".into(),
            ));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Backend(format!("bad PostgreSQL database URL: {e}")))?;
            Self::postgres_pool_of(options, pool_size).await
        } else if url.starts_with("sqlite:") || !url.contains("://") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Backend(format!("bad SQLite database URL: {e}")))?;
            Self::sqlite_pool_of(options, pool_size.unwrap_or(SQLITE_POOL)).await
        } else {
            Err(StoreError::Invalid(
                "unsupported database URL: use sqlite://FILE or postgres://…".into(),
            ))
        }
    }

    /// Opens the SQLite database described by `options`, with Trellis's settings applied on top.
    pub async fn connect_sqlite_with(options: SqliteConnectOptions) -> StoreResult<Self> {
        Self::sqlite_pool_of(options, SQLITE_POOL).await
    }

    async fn sqlite_pool_of(options: SqliteConnectOptions, size: u32) -> StoreResult<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(size)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(format!("cannot open the SQLite database: {e}")))?;
        Ok(Database {
            pool: Backend::Sqlite(pool),
            histories: Default::default(),
        })
    }

    /// Connects to PostgreSQL with `options`.
    ///
    /// The pool holds about two connections per core (at least 4, at most 32): PostgreSQL on the
    /// same machine serves that many busy connections best, and more only make requests queue
    /// inside the database, switching between backends (on 2 cores, 4 connections serve the person
    /// page a tenth faster than 10, with a third lower 99th percentile).
    pub async fn connect_postgres_with(options: PgConnectOptions) -> StoreResult<Self> {
        Self::postgres_pool_of(options, None).await
    }

    async fn postgres_pool_of(options: PgConnectOptions, size: Option<u32>) -> StoreResult<Self> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let size = size.unwrap_or_else(|| u32::try_from(2 * cores).unwrap_or(32).clamp(4, 32));
        let pool = PgPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Database {
            pool: Backend::Postgres(pool),
            histories: Default::default(),
        })
    }

    /// The SQLite pool, when this is SQLite: for inspection (integrity checks, tests).
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Backend::Sqlite(pool) => Some(pool),
            Backend::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, when this is PostgreSQL: for inspection (tests, administration).
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Backend::Postgres(pool) => Some(pool),
            Backend::Sqlite(_) => None,
        }
    }

    /// The pool's connections now: (in use, idle, the most it opens).
    pub fn pool_use(&self) -> (u32, u32, u32) {
        let (size, idle, max) = match &self.pool {
            Backend::Sqlite(p) => (p.size(), p.num_idle(), p.options().get_max_connections()),
            Backend::Postgres(p) => (p.size(), p.num_idle(), p.options().get_max_connections()),
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        (size.saturating_sub(idle), idle, max)
    }

    /// Whether the database answers a trivial query: for readiness probes.
    pub async fn ping(&self) -> StoreResult<()> {
        db_run!(self, |c| async {
            sqlx::query("SELECT 1").execute(c).await.map(|_| ())
        })
    }

    /// The migrations of this database, for tools and tests that migrate step by step.
    pub fn migrator(&self) -> &'static Migrator {
        match &self.pool {
            Backend::Sqlite(_) => &SQLITE_MIGRATOR,
            Backend::Postgres(_) => &POSTGRES_MIGRATOR,
        }
    }

    /// Closes every connection (on SQLite, checkpointing the WAL).
    pub async fn close(&self) {
        match &self.pool {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    pub(crate) fn on(&self) -> Backend<&SqlitePool, &PgPool> {
        match &self.pool {
            Backend::Sqlite(pool) => Backend::Sqlite(pool),
            Backend::Postgres(pool) => Backend::Postgres(pool),
        }
    }

    /// A transaction that writes (see [`Dialect::BEGIN_WRITE`]).
    pub(crate) async fn write(&self) -> StoreResult<Tx> {
        Ok(match &self.pool {
            Backend::Sqlite(pool) => {
                Backend::Sqlite(Sqlite::begin(pool, Sqlite::BEGIN_WRITE).await?)
            }
            Backend::Postgres(pool) => {
                Backend::Postgres(Postgres::begin(pool, Postgres::BEGIN_WRITE).await?)
            }
        })
    }

    /// A transaction whose reads all see one snapshot.
    pub(crate) async fn snapshot(&self) -> StoreResult<Tx> {
        Ok(match &self.pool {
            Backend::Sqlite(pool) => {
                Backend::Sqlite(Sqlite::begin(pool, Sqlite::BEGIN_READ).await?)
            }
            Backend::Postgres(pool) => {
                Backend::Postgres(Postgres::begin(pool, Postgres::BEGIN_READ).await?)
            }
        })
    }

    /// For a change of one statement: a write transaction on SQLite (where a lone statement that
    /// reads before it writes could fail to upgrade its lock without waiting), a plain connection
    /// on PostgreSQL (where the statement is its own transaction).
    pub(crate) async fn write_one(&self) -> StoreResult<OneWrite> {
        Ok(match &self.pool {
            Backend::Sqlite(pool) => {
                Backend::Sqlite(Sqlite::begin(pool, Sqlite::BEGIN_WRITE).await?)
            }
            Backend::Postgres(pool) => Backend::Postgres(pool.acquire().await.map_err(db_error)?),
        })
    }

    /// A connection for reads of several statements.
    pub(crate) async fn conn(&self) -> StoreResult<Conn> {
        Ok(match &self.pool {
            Backend::Sqlite(pool) => Backend::Sqlite(pool.acquire().await.map_err(db_error)?),
            Backend::Postgres(pool) => Backend::Postgres(pool.acquire().await.map_err(db_error)?),
        })
    }
}

impl SchemaStore for Database {
    async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Backend::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await,
            Backend::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await,
        }
        .map_err(migrate_error)
    }
}

/// Maps a database error onto the port's errors; messages never contain SQL.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => {
                StoreError::Conflict(dialect::unique_message(&**db).into())
            }
            ErrorKind::ForeignKeyViolation => {
                StoreError::Invalid("a referenced record does not exist".into())
            }
            ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                StoreError::Invalid(format!("a value was refused ({})", db.message()))
            }
            // PostgreSQL cannot store a NUL in text (22021, or 22P05 when converting). The use
            // cases refuse control characters first; this keeps anything they miss a refusal.
            _ if matches!(db.code().as_deref(), Some("22021" | "22P05")) => {
                StoreError::Invalid("text with a NUL character (U+0000) cannot be stored".into())
            }
            _ => StoreError::Backend(db.message().to_owned()),
        },
        sqlx::Error::RowNotFound => StoreError::NotFound("record".into()),
        _ => StoreError::Backend(e.to_string()),
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

/// Appends an audit event in the transaction (or statement) of the change it records.
pub(crate) async fn append(
    conn: &mut impl Connection,
    audit: &Audit,
    event: NewAuditEvent,
) -> StoreResult<()> {
    let action = trellis_store::backend::clean_text("action", &event.action)?;
    let details = JsonText(event.details.to_string());
    db_run!(rows conn, |c| sqlx::query(
        "INSERT INTO audit_events (at, actor_id, action, target, outcome, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(audit.at)
    .bind(audit.actor_id)
    .bind(&action)
    .bind(&event.target)
    .bind(event.outcome.as_str())
    .bind(audit.ip.as_deref())
    .bind(&details)
    .execute(c))?;
    Ok(())
}

/// A successful change, for the audit log.
pub(crate) fn success(action: &str, target: String, details: serde_json::Value) -> NewAuditEvent {
    NewAuditEvent {
        action: action.into(),
        target,
        outcome: Outcome::Success,
        details,
    }
}

pub(crate) const PERSON_COLUMNS: &str = "p.id, p.email, p.name, p.team_id, p.manager_id, \
     p.role_level, p.role_level_version, p.role_level_since, p.system_role, p.active, \
     p.password_hash, p.revision, p.created_at";

/// One person; `lock` also locks the row until the transaction ends (on PostgreSQL).
pub(crate) async fn person_in(
    conn: &mut impl Connection,
    id: PersonId,
    lock: bool,
) -> StoreResult<Person> {
    db_run!(conn, |c| {
        let lock = if lock { Db::FOR_UPDATE } else { "" };
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = $1{lock}");
        sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(c)
    })?
    .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sqlx binds `$N` to argument N on SQLite as on PostgreSQL, whatever order they appear in.
    #[tokio::test]
    async fn sqlite_binds_placeholders_by_number() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::connect(dir.path().join("t.db").to_str().unwrap())
            .await
            .unwrap();
        let (second, first, again): (String, i64, String) = sqlx::query_as("SELECT $2, $1, $2")
            .bind(7_i64)
            .bind("two")
            .fetch_one(db.sqlite_pool().unwrap())
            .await
            .unwrap();
        assert_eq!((second.as_str(), first, again.as_str()), ("two", 7, "two"));
        db.close().await;
    }

    #[tokio::test]
    async fn the_url_scheme_chooses_the_database() {
        let refused = Database::connect("mysql://db/trellis").await.unwrap_err();
        assert!(refused.to_string().contains("unsupported database URL"));
        let bad = Database::connect("postgres://:bad port").await.unwrap_err();
        assert!(bad.to_string().contains("PostgreSQL"), "{bad}");
    }
}
