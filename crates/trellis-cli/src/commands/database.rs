//! Opening the database a command works on: SQLite or PostgreSQL, chosen by the URL's scheme.

use std::future::Future;

use anyhow::{Context, Result, anyhow};
use trellis_app::{accounts, bootstrap};
use trellis_store::prelude::*;
use trellis_store::{Person, StoreError};
use trellis_store_sql::Database;

/// `--database-url`, shared by every command that needs the database.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created if missing) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(
        long,
        env = "TRELLIS_DATABASE_URL",
        default_value = "sqlite://trellis.db",
        value_name = "URL"
    )]
    pub database_url: String,
}

/// Work to do on a store, whichever backend it is.
pub trait StoreTask {
    type Output;
    fn run(self, store: Database) -> impl Future<Output = Result<Self::Output>> + Send;
}

/// Brings the database's schema up to date, then publishes the starter framework when nothing is
/// published yet (and says so).
pub async fn migrate_with_starter(store: &Database) -> Result<()> {
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    if let Some(v) = bootstrap::publish_starter_if_empty(store).await? {
        println!("Published the starter framework: {} {}.", v.name, v.version);
    }
    Ok(())
}

/// Brings the database's schema up to date and finds the account with the email address `email`
/// (compared as accounts compare them).
pub async fn migrated_account(store: &Database, email: &str) -> Result<Person> {
    store.migrate().await.context("migration failed")?;
    store
        .person_by_email(&accounts::normalise_email(email))
        .await?
        .with_context(|| format!("there is no account with the email {email}"))
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Opens the database at `url` and runs `task` on it, on a fresh async runtime.
pub fn with_store<T: StoreTask>(url: &str, task: T) -> Result<T::Output> {
    with_store_sized(url, None, task)
}

/// As [`with_store`], with a pool of at most `pool_size` connections.
pub fn with_store_sized<T: StoreTask>(
    url: &str,
    pool_size: Option<u32>,
    task: T,
) -> Result<T::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let shown = redacted(url);
        let store = Database::connect_sized(url, pool_size)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(_) => {
                    anyhow!("unsupported database URL {shown}: use sqlite://FILE or postgres://…")
                }
                e => anyhow!(e).context(format!("cannot open {shown}")),
            })?;
        let out = task.run(store.clone()).await;
        store.close().await;
        out
    })
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redacted("postgres://me:secret@db/trellis"),
            "postgres://me:***@db/trellis"
        );
        assert_eq!(redacted("postgres://db/trellis"), "postgres://db/trellis");
        assert_eq!(redacted("sqlite://trellis.db"), "sqlite://trellis.db");
    }
}
