//! `trellis backup FILE` and `trellis restore FILE`: a consistent copy of a SQLite database taken
//! while the server runs, and that copy put back into an empty database, checked and migrated.
//! `trellis restore --check` checks a database in place (after `pg_restore` on PostgreSQL).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, redacted, with_store};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Where to write the backup (a new SQLite file; never overwritten).
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore (a file written by `trellis backup`). Not with --check.
    #[arg(required_unless_present = "check")]
    pub file: Option<PathBuf>,
    /// Check the database of --database-url instead (integrity, schema version, what it holds):
    /// after `pg_restore` on PostgreSQL, or before trusting a copy.
    #[arg(long, conflicts_with = "file")]
    pub check: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// How to back up PostgreSQL, where `trellis backup` does not.
const PG_DUMP: &str = "For PostgreSQL, back up with pg_dump: \
    pg_dump --format=custom --file trellis.dump \"$TRELLIS_DATABASE_URL\". \
    To restore, create an empty database, run pg_restore --no-owner --dbname NEW_URL trellis.dump, \
    then trellis restore --check --database-url NEW_URL.";

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// What a database holds, one line a table.
fn report(census: &[(&str, i64)]) {
    for (table, n) in census {
        println!("  {table:<14} {n}");
    }
}

/// Integrity and schema version of an open database, refused with what is wrong.
async fn checked(store: &Database, what: &str) -> Result<i64> {
    let problems = store.integrity_problems().await?;
    if !problems.is_empty() {
        bail!(
            "{what} is damaged: {}",
            problems
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    let Some(version) = store.schema_version().await? else {
        bail!("{what} is not a Trellis database: it has no schema");
    };
    let known = store
        .migrator()
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if version > known {
        bail!(
            "{what} has schema version {version}, newer than this Trellis knows ({known}): \
             use the Trellis it came from"
        );
    }
    Ok(version)
}

struct Backup(PathBuf);

impl StoreTask for Backup {
    type Output = Vec<(&'static str, i64)>;
    async fn run(self, store: Database) -> Result<Self::Output> {
        store
            .backup_into(&self.0)
            .await
            .with_context(|| format!("cannot back up into {}", self.0.display()))?;
        // The copy is read back and checked before it is called a backup.
        let copy = open_sqlite(&self.0).await?;
        let checked = checked(&copy, "the backup").await;
        let census = copy.census().await;
        copy.close().await;
        checked?;
        Ok(census?)
    }
}

async fn open_sqlite(path: &Path) -> Result<Database> {
    let url = format!("sqlite://{}", path.display());
    Database::connect(&url)
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

pub fn backup(args: BackupArgs) -> Result<ExitCode> {
    if is_postgres(&args.db.database_url) {
        bail!("trellis backup copies SQLite databases. {PG_DUMP}");
    }
    if args.file.exists() {
        bail!(
            "{} exists already; a backup never overwrites a file",
            args.file.display()
        );
    }
    let census = with_store(&args.db.database_url, Backup(args.file.clone()))?;
    println!(
        "Backed up {} to {} (checked; a consistent copy as of the moment it began):",
        redacted(&args.db.database_url),
        args.file.display()
    );
    report(&census);
    Ok(ExitCode::SUCCESS)
}

/// Restores into the (empty) database of the task's store, from the backup at this path.
struct Restore(PathBuf);

impl StoreTask for Restore {
    type Output = (i64, Vec<(&'static str, i64)>);
    async fn run(self, store: Database) -> Result<Self::Output> {
        if !store.is_empty().await? {
            bail!("the database to restore into is not empty; restore into a new one");
        }
        let backup = open_sqlite(&self.0).await?;
        let version = checked(&backup, "the backup").await;
        // The backup is copied whole (one transaction of the backup's), then brought up to this
        // Trellis's schema.
        let copied = async {
            version?;
            let path = sqlite_path(&store).await?;
            store.close().await;
            std::fs::remove_file(&path).ok();
            for suffix in ["-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
            }
            backup.backup_into(&path).await?;
            anyhow::Ok(path)
        }
        .await;
        backup.close().await;
        let path = copied?;
        let restored = open_sqlite(&path).await?;
        let result = async {
            restored
                .migrate()
                .await
                .context("the restored database could not be migrated")?;
            let version = checked(&restored, "the restored database").await?;
            anyhow::Ok((version, restored.census().await?))
        }
        .await;
        restored.close().await;
        result
    }
}

/// The file of a SQLite database.
async fn sqlite_path(store: &Database) -> Result<PathBuf> {
    store
        .sqlite_file()
        .await?
        .context("restore writes SQLite databases, in a file")
}

struct Check;

impl StoreTask for Check {
    type Output = (i64, Vec<(&'static str, i64)>);
    async fn run(self, store: Database) -> Result<Self::Output> {
        let version = checked(&store, "the database").await?;
        Ok((version, store.census().await?))
    }
}

pub fn restore(args: RestoreArgs) -> Result<ExitCode> {
    let url = &args.db.database_url;
    if args.check {
        let (version, census) = with_store(url, Check)?;
        println!(
            "{} is sound: schema version {version}, every table readable:",
            redacted(url)
        );
        report(&census);
        return Ok(ExitCode::SUCCESS);
    }
    let file = args.file.context("name the backup to restore")?;
    if is_postgres(url) {
        bail!("trellis restore writes SQLite databases. {PG_DUMP}");
    }
    if !file.is_file() {
        bail!("there is no backup at {}", file.display());
    }
    let (version, census) = with_store(url, Restore(file.clone()))?;
    println!(
        "Restored {} into {} (checked, schema version {version}):",
        file.display(),
        redacted(url)
    );
    report(&census);
    Ok(ExitCode::SUCCESS)
}
