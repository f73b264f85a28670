//! Throwaway PostgreSQL databases for the test suites of the crates above the store (compiled with
//! the `testing` feature only).
//!
//! Tests run on PostgreSQL when `TRELLIS_TEST_POSTGRES_URL` names a server (an admin URL: each test
//! creates its own database there and drops it afterwards). Without it they are skipped with a
//! note, unless `TRELLIS_REQUIRE_POSTGRES=1`, which makes a missing server a failure so that CI
//! cannot pass without having run them. `scripts/test` sets both.

use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::Database;

/// The admin URL of the PostgreSQL server to test on, if there is one.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("TRELLIS_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("TRELLIS_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!(
                "TRELLIS_REQUIRE_POSTGRES=1 but TRELLIS_TEST_POSTGRES_URL is not set: run scripts/test"
            )
        }
        _ => None,
    }
}

/// Whether a test ran on PostgreSQL: the test suite says so when it did not, on its own output.
#[must_use = "a skipped test should say so"]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ran {
    Yes,
    /// Skipped: no server named; the line to print.
    Skipped(&'static str),
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

/// Runs `test` on a new, empty (not migrated) PostgreSQL database named after `prefix`, dropped
/// afterwards even when the test fails; skipped when there is no server to test on.
pub async fn on_throwaway_postgres<F, Fut>(prefix: &str, test: F) -> Ran
where
    F: FnOnce(Database, PgConnectOptions) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = postgres_admin_url() else {
        return Ran::Skipped(
            "note: PostgreSQL test skipped: TRELLIS_TEST_POSTGRES_URL is not set (scripts/test sets it)",
        );
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("cannot connect to TRELLIS_TEST_POSTGRES_URL");
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let options = PgConnectOptions::from_str(&admin_url)
        .unwrap()
        .database(&name);
    let store = Database::connect_postgres_with(options.clone())
        .await
        .unwrap();
    // A task of its own, so that a failing test still gets its database dropped.
    let outcome = tokio::spawn(test(store.clone(), options)).await;
    store.close().await;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .unwrap();
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
    Ran::Yes
}
