//! Runs the story suite on every backend against real databases, plus what only makes sense per
//! backend: connection settings, the append-only audit table, migrating an older database forward,
//! refusing a newer one, and (SQLite) surviving a kill in the middle of writes.
//!
//! SQLite runs in a fresh temporary file per test. PostgreSQL runs when `TRELLIS_TEST_POSTGRES_URL`
//! names a server (an admin URL: each test creates its own database there and drops it afterwards).
//! Without it the PostgreSQL tests are skipped with a note, unless `TRELLIS_REQUIRE_POSTGRES=1`, in
//! which case they fail, so that CI cannot pass without having run them. `scripts/test` sets both.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgConnectOptions;
use trellis_store::prelude::*;
use trellis_store::{
    AuditFilter, NewAuditEvent, NewFrameworkVersion, Outcome, PersonUpdate, StoreError,
};
use trellis_store_sql::Database;
use trellis_store_sql::testing::Ran;
use trellis_store_tests::{by, new_person, system};

// ---------------------------------------------------------------------------------------------
// Harnesses.

/// Runs `test` on a new, empty (not migrated) SQLite database file.
async fn fresh_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Database, std::path::PathBuf) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trellis.db");
    let store = Database::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    test(store.clone(), path).await;
    store.close().await;
}

async fn on_sqlite<F, Fut>(story: F)
where
    F: FnOnce(Database) -> Fut,
    Fut: Future<Output = ()>,
{
    fresh_sqlite(|store, _| async move {
        store.migrate().await.unwrap();
        story(store).await;
    })
    .await;
}

/// Runs `test` on a new, empty (not migrated) PostgreSQL database, dropped afterwards even when
/// the test fails.
async fn fresh_postgres<F, Fut>(test: F)
where
    F: FnOnce(Database, PgConnectOptions) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let ran = trellis_store_sql::testing::on_throwaway_postgres("trellis_test", test).await;
    if let Ran::Skipped(note) = ran {
        eprintln!("{note}");
    }
}

async fn on_postgres<F, Fut>(story: F)
where
    F: FnOnce(Database) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    fresh_postgres(|store, _| async move {
        store.migrate().await.unwrap();
        story(store).await;
    })
    .await;
}

macro_rules! sqlite_stories {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    crate::on_sqlite(trellis_store_tests::$story).await;
                }
            )*
        }
    };
}

macro_rules! postgres_stories {
    ($($story:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test]
                async fn $story() {
                    crate::on_postgres(trellis_store_tests::$story).await;
                }
            )*
        }
    };
}

trellis_store_tests::for_each_story!(sqlite_stories);
trellis_store_tests::for_each_story!(postgres_stories);

/// Races run on several threads, so that their calls really run at the same time.
macro_rules! race_stories {
    ($($story:ident),* $(,)?) => {
        mod races {
            mod sqlite {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                    async fn $story() {
                        crate::on_sqlite(trellis_store_tests::$story).await;
                    }
                )*
            }
            mod postgres {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                    async fn $story() {
                        crate::on_postgres(trellis_store_tests::$story).await;
                    }
                )*
            }
        }
    };
}

trellis_store_tests::for_each_race!(race_stories);

// ---------------------------------------------------------------------------------------------
// Shared by the backend-specific tests.

const FUTURE_VERSION: i64 = 99_990_101_000_000;

fn assert_refused_as_newer<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::Backend(message)) => {
            assert!(
                message.contains("newer Trellis"),
                "unclear message: {message}"
            );
            assert!(
                message.contains(&FUTURE_VERSION.to_string()),
                "message names the migration: {message}"
            );
        }
        other => panic!("a database from a newer Trellis must be refused, got {other:?}"),
    }
}

/// Writes some of everything through the port, as an older Trellis would have.
async fn write_some_rows<S: Store>(store: &S) -> i64 {
    let team = store.ensure_team("Platform", &system(1)).await.unwrap();
    let new = trellis_store::NewPerson {
        team_id: Some(team.id),
        ..new_person("ann@example.com", "Ann")
    };
    let ann = store.create_person(new, &system(2)).await.unwrap();
    let framework = NewFrameworkVersion {
        framework_id: "starter".into(),
        version: "1.0.0".into(),
        name: "Starter".into(),
        content: json!({ "b": 1, "a": 2 }),
    };
    store
        .publish_framework(framework, &by(ann.id, 3))
        .await
        .unwrap();
    ann.id
}

async fn assert_rows_kept<S: Store>(store: &S, ann: i64) {
    assert_eq!(store.person(ann).await.unwrap().email, "ann@example.com");
    assert_eq!(store.teams().await.unwrap().len(), 1);
    let current = store.current_framework().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_string(&current.content).unwrap(),
        r#"{"b":1,"a":2}"#
    );
    assert_eq!(
        store
            .audit_events(AuditFilter::default())
            .await
            .unwrap()
            .len(),
        3
    );
}

fn audit_event() -> NewAuditEvent {
    NewAuditEvent {
        action: "sign-in".into(),
        target: "person:1".into(),
        outcome: Outcome::Success,
        details: json!({}),
    }
}

/// `$body` with `$pool` the pool of the database, whichever backend it is: the same code, typed
/// for each backend's pool.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match ($store.sqlite_pool(), $store.postgres_pool()) {
            (Some($pool), _) => $body,
            (_, Some($pool)) => $body,
            _ => unreachable!("a database is SQLite or PostgreSQL"),
        }
    };
}

/// Runs one statement on the database as is, for its outcome.
async fn execute(store: &Database, statement: &'static str) -> Result<(), sqlx::Error> {
    with_pool!(store, |pool| sqlx::query(statement)
        .execute(pool)
        .await
        .map(drop))
}

/// Each statement, a change to an append-only table, is refused by the database and says why.
async fn assert_refused_as_append_only(store: &Database, statements: &[&'static str]) {
    for &statement in statements {
        let refused = execute(store, statement).await.unwrap_err();
        assert!(
            refused.to_string().contains("append-only"),
            "{statement}: {refused}"
        );
    }
}

/// The audit log takes new events and refuses `statements` that change or remove them.
async fn audit_log_is_append_only(store: Database, statements: &[&'static str]) {
    store.append_audit(audit_event(), &system(1)).await.unwrap();
    assert_refused_as_append_only(&store, statements).await;
    let events = store.audit_events(AuditFilter::default()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "sign-in");
}

/// Migrates `store` up to and including migration `version`.
async fn migrate_to(store: &Database, version: i64) {
    let migrator = store.migrator();
    with_pool!(store, |pool| migrator.run_to(version, pool).await.unwrap());
}

/// A database left at the first migration by an older Trellis, with rows in it, is migrated
/// forward when `reopen`ed by this one: every migration applied, the rows kept, and migrating
/// again changes nothing.
async fn older_database_is_migrated_forward<F, Fut>(store: Database, reopen: F)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Database>,
{
    let migrator = store.migrator();
    let first = migrator.iter().next().unwrap().version;
    assert!(migrator.iter().count() >= 2);
    migrate_to(&store, first).await;
    let ann = write_some_rows(&store).await;
    store.close().await;

    // The next version of Trellis opens it.
    let store = reopen().await;
    store.migrate().await.unwrap();
    assert_rows_kept(&store, ann).await;
    let applied: i64 = with_pool!(store, |pool| sqlx::query_scalar(APPLIED)
        .fetch_one(pool)
        .await
        .unwrap());
    assert_eq!(applied, migrator.iter().count() as i64);
    let update = execute(&store, "UPDATE audit_events SET action = 'tampered'").await;
    assert!(
        update.is_err(),
        "the later migration (append-only audit log) is in force"
    );
    store.migrate().await.unwrap();
    assert_rows_kept(&store, ann).await;
    store.close().await;
}

/// How many migrations have been applied.
const APPLIED: &str = "SELECT count(*) FROM _sqlx_migrations WHERE success";

/// A database that a newer Trellis has migrated (`newer` records its migration) is refused, then
/// and when `reopen`ed, and its rows are kept.
async fn newer_database_is_refused<F, Fut>(store: Database, newer: &'static str, reopen: F)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Database>,
{
    store.migrate().await.unwrap();
    let ann = write_some_rows(&store).await;
    with_pool!(store, |pool| drop(
        sqlx::query(newer)
            .bind(FUTURE_VERSION)
            .bind(vec![0_u8; 48])
            .execute(pool)
            .await
            .unwrap()
    ));
    assert_refused_as_newer(store.migrate().await);
    store.close().await;

    let store = reopen().await;
    assert_refused_as_newer(store.migrate().await);
    assert_rows_kept(&store, ann).await;
    store.close().await;
}

/// Ann, and the starter framework published at `published_at`.
async fn ann_and_starter<S: Store>(store: &S, published_at: i64) -> (trellis_store::Person, i64) {
    let ann = store
        .create_person(new_person("ann@example.com", "Ann"), &system(1))
        .await
        .unwrap();
    let version = store
        .publish_framework(
            NewFrameworkVersion {
                framework_id: "starter".into(),
                version: "1.0.0".into(),
                name: "Starter".into(),
                content: json!({}),
            },
            &system(published_at),
        )
        .await
        .unwrap();
    (ann, version.id)
}

/// Ann's assessment against the starter framework, opened at 3, with nothing rated yet.
async fn anns_assessment<S: Store>(
    store: &S,
) -> (trellis_store::Person, trellis_store::Assessment) {
    let (ann, version) = ann_and_starter(store, 2).await;
    let new = trellis_store::NewAssessment {
        person_id: ann.id,
        role_level: "engineering/engineer".into(),
        framework_version_id: version,
        cycle: "2026-H1".into(),
    };
    let a = store
        .create_assessment(new, Vec::new(), &by(ann.id, 3))
        .await
        .unwrap();
    (ann, a)
}

/// A rating of `skill` at `level`, without comment.
fn rating(skill: &str, level: &str) -> trellis_store::NewRating {
    trellis_store::NewRating {
        skill: skill.into(),
        level: Some(level.into()),
        not_applicable: None,
        comment: None,
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite.

#[tokio::test]
async fn sqlite_connections_are_durable_and_checked() {
    fresh_sqlite(|store, path| async move {
        assert!(path.exists(), "the database file is created when missing");
        let mut conn = store.sqlite_pool().unwrap().acquire().await.unwrap();
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(
            (journal.as_str(), synchronous, foreign_keys),
            ("wal", 2, 1),
            "WAL, synchronous=FULL, foreign keys"
        );
        assert!(busy >= 1_000, "busy timeout {busy}");
    })
    .await;

    // A plain path works as well as a URL.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let store = Database::connect(path.to_str().unwrap()).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    assert!(path.exists());
}

#[tokio::test]
async fn sqlite_audit_log_is_append_only() {
    on_sqlite(|store| {
        audit_log_is_append_only(
            store,
            &[
                "UPDATE audit_events SET action = 'tampered'",
                "DELETE FROM audit_events",
            ],
        )
    })
    .await;
}

#[tokio::test]
async fn sqlite_older_database_is_migrated_forward() {
    fresh_sqlite(|store, path| {
        older_database_is_migrated_forward(store, || async move {
            Database::connect(path.to_str().unwrap()).await.unwrap()
        })
    })
    .await;
}

#[tokio::test]
async fn sqlite_newer_database_is_refused() {
    fresh_sqlite(|store, path| {
        newer_database_is_refused(
            store,
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (?, 'from a newer Trellis', TRUE, ?, 0)",
            || async move { Database::connect(path.to_str().unwrap()).await.unwrap() },
        )
    })
    .await;
}

/// Kills (SIGKILL) a process that is writing to a database as fast as it can, then checks that the
/// database opens, passes `integrity_check` and holds every change the process saw committed.
#[test]
fn sqlite_survives_a_kill_mid_write() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trellis.db");
    runtime.block_on(async {
        let store = Database::connect(path.to_str().unwrap()).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
    });

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "sqlite_crash_writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("TRELLIS_CRASH_DB", &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut committed = Vec::new();
    let started = Instant::now();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if let Some(id) = line.unwrap().strip_prefix("committed ") {
            committed.push(id.parse::<i64>().unwrap());
        }
        if committed.len() >= 150 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        committed.len() >= 150,
        "the writer committed only {} changes",
        committed.len()
    );

    runtime.block_on(async {
        let store = Database::connect(path.to_str().unwrap()).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(store.sqlite_pool().unwrap())
            .await
            .unwrap();
        assert_eq!(check, "ok");
        store.migrate().await.unwrap();
        for &id in &committed {
            let person = store.person(id).await.unwrap();
            assert_eq!(
                person.revision, 2,
                "both transactions of person {id} are there"
            );
        }
        let audited = store
            .audit_events(AuditFilter {
                action_prefix: Some("person.".into()),
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        for &id in &committed {
            let target = format!("person:{id}");
            assert_eq!(
                audited.iter().filter(|e| e.target == target).count(),
                2,
                "{target} is audited"
            );
        }
        // And it takes new writes.
        store
            .create_person(new_person("after@example.com", "After"), &system(1))
            .await
            .unwrap();
        store.close().await;
    });
}

/// The writer process of `sqlite_survives_a_kill_mid_write`: creates and updates people in two
/// concurrent tasks, printing each id once its transactions have committed, until it is killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of sqlite_survives_a_kill_mid_write"]
async fn sqlite_crash_writer() {
    let Ok(path) = std::env::var("TRELLIS_CRASH_DB") else {
        return;
    };
    let store = Database::connect(&path).await.unwrap();
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..2 {
        let store = store.clone();
        writers.spawn(async move {
            for i in 0.. {
                let new = new_person(
                    &format!("w{writer}-{i}@example.com"),
                    &format!("Writer {writer} {i}"),
                );
                let person = store.create_person(new, &system(i)).await.unwrap();
                let update = PersonUpdate {
                    role_level: Some(Some("x/y".into())),
                    ..Default::default()
                };
                store
                    .update_person(person.id, update, &system(i))
                    .await
                    .unwrap();
                println!("committed {}", person.id);
            }
        });
    }
    writers.join_next().await.unwrap().unwrap();
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL.

#[tokio::test]
async fn postgres_audit_log_is_append_only() {
    on_postgres(|store| {
        audit_log_is_append_only(
            store,
            &[
                "UPDATE audit_events SET action = 'tampered'",
                "DELETE FROM audit_events",
                "TRUNCATE audit_events",
            ],
        )
    })
    .await;
}

#[tokio::test]
async fn postgres_older_database_is_migrated_forward() {
    fresh_postgres(|store, options| {
        older_database_is_migrated_forward(store, || async move {
            Database::connect_postgres_with(options).await.unwrap()
        })
    })
    .await;
}

#[tokio::test]
async fn postgres_newer_database_is_refused() {
    fresh_postgres(|store, options| {
        newer_database_is_refused(
            store,
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES ($1, 'from a newer Trellis', TRUE, $2, 0)",
            || async move { Database::connect_postgres_with(options).await.unwrap() },
        )
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Growth records, per backend: append-only ratings, and the load benchmark.

/// An assessment of a new person with one rating.
async fn one_rating<S: Store>(store: &S) -> i64 {
    let (ann, a) = anns_assessment(store).await;
    store
        .record_ratings(
            a.id,
            trellis_store::RaterKind::SelfRater,
            ann.id,
            vec![rating("sfia/prog", "3")],
            1,
            &by(ann.id, 4),
        )
        .await
        .unwrap();
    a.id
}

/// People and cycles for the load benchmark: `TRELLIS_LOAD_PEOPLE` (10,000) and
/// `TRELLIS_LOAD_CYCLES` (3).
fn load_size() -> (usize, usize) {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    (
        var("TRELLIS_LOAD_PEOPLE", 10_000),
        var("TRELLIS_LOAD_CYCLES", 3),
    )
}

#[tokio::test]
async fn sqlite_ratings_are_append_only() {
    on_sqlite(|store| async move {
        let a = one_rating(&store).await;
        assert_refused_as_append_only(
            &store,
            &["UPDATE ratings SET level = '5'", "DELETE FROM ratings"],
        )
        .await;
        assert_eq!(
            store.ratings(a).await.unwrap()[0].level.as_deref(),
            Some("3")
        );
    })
    .await;
}

/// Aborted callers need a multi-threaded runtime to be caught mid-transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_dropped_calls_leave_connections_clean() {
    on_sqlite(trellis_store_tests::dropped_calls_leave_connections_clean).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dropped_calls_leave_connections_clean() {
    on_postgres(trellis_store_tests::dropped_calls_leave_connections_clean).await;
}

/// Loads a demo organisation and times hot reads. Run it in release mode:
/// `cargo test --release -p trellis-store-tests --test stories -- --ignored --nocapture loads_a_demo`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a load benchmark, minutes long"]
async fn sqlite_loads_a_demo_organisation() {
    on_sqlite(|store| async move {
        let (people, cycles) = load_size();
        trellis_store_tests::load_benchmark(&store, "SQLite", people, cycles).await;
    })
    .await;
}

#[tokio::test]
async fn postgres_ratings_are_append_only() {
    on_postgres(|store| async move {
        let a = one_rating(&store).await;
        assert_refused_as_append_only(
            &store,
            &[
                "UPDATE ratings SET level = '5'",
                "DELETE FROM ratings",
                // CASCADE: calibration changes refer to ratings, and a plain TRUNCATE would be
                // refused for that alone, before the trigger under test is reached.
                "TRUNCATE ratings CASCADE",
            ],
        )
        .await;
        assert_eq!(
            store.ratings(a).await.unwrap()[0].level.as_deref(),
            Some("3")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a load benchmark, minutes long"]
async fn postgres_loads_a_demo_organisation() {
    on_postgres(|store| async move {
        let (people, cycles) = load_size();
        trellis_store_tests::load_benchmark(&store, "PostgreSQL", people, cycles).await;
    })
    .await;
}

/// Loads a small organisation, adds ratings one by one (some older than the loaded ones), and
/// returns how many current ratings disagree with the newest of the full history, and how many
/// current ratings there are.
const CURRENT_MISMATCHES: &str = "
    SELECT
        (SELECT count(*) FROM (
            SELECT person_id, skill, rater_kind, id FROM (
                SELECT r.*, row_number() OVER (
                    PARTITION BY person_id, skill, rater_kind ORDER BY at DESC, id DESC
                ) AS n FROM ratings r
            ) newest WHERE n = 1
        ) w LEFT JOIN current_ratings c
            ON c.person_id = w.person_id AND c.skill = w.skill AND c.rater_kind = w.rater_kind
        WHERE c.rating_id IS NULL OR c.rating_id <> w.id),
        (SELECT count(*) FROM current_ratings)";

async fn rate_more<S: Store>(store: &S, load: &trellis_store_tests::DemoLoad) {
    for (i, p) in load.people.iter().enumerate().take(20) {
        let a = store.assessments_of(p.id).await.unwrap()[0].clone();
        // Even people get a rating newer than the loaded ones, odd people an older one.
        let at = if i % 2 == 0 {
            a.created_at + 10 * 86_400_000
        } else {
            5
        };
        store
            .record_ratings(
                a.id,
                trellis_store::RaterKind::SelfRater,
                p.id,
                vec![rating("demo/skill-03", "5")],
                a.revision,
                &by(p.id, at),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn sqlite_current_ratings_follow_the_history() {
    on_sqlite(|store| async move {
        let load = trellis_store_tests::load_demo(&store, 60, 3).await;
        rate_more(&store, &load).await;
        let (wrong, current): (i64, i64) = sqlx::query_as(CURRENT_MISMATCHES)
            .fetch_one(store.sqlite_pool().unwrap())
            .await
            .unwrap();
        assert_eq!((wrong, current), (0, 60 * 45));
    })
    .await;
}

#[tokio::test]
async fn postgres_current_ratings_follow_the_history() {
    on_postgres(|store| async move {
        let load = trellis_store_tests::load_demo(&store, 60, 3).await;
        rate_more(&store, &load).await;
        let (wrong, current): (i64, i64) = sqlx::query_as(CURRENT_MISMATCHES)
            .fetch_one(store.postgres_pool().unwrap())
            .await
            .unwrap();
        assert_eq!((wrong, current), (0, 60 * 45));
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// One submission, one transaction.

/// Runs statements (several, on PostgreSQL a function and its trigger) on the database as is.
async fn run_raw(store: &Database, sql: &str) {
    let sql = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
    with_pool!(store, |pool| drop(sql.execute(pool).await.unwrap()));
}

/// Submitting ratings and moving the assessment on is one transaction: when the move fails (a
/// trigger refuses any change of stage), the ratings are not saved either, nor audited; without
/// the trigger the same call saves both.
async fn submitted_ratings_are_one_transaction(store: Database, block: &str, unblock: &str) {
    use trellis_store::{RaterKind, Stage};
    let (ann, a) = anns_assessment(&store).await;
    let ratings = || vec![rating("sfia/prog", "3")];
    let audit = by(ann.id, 4);
    let submit = || {
        store.submit_ratings(
            a.id,
            RaterKind::SelfRater,
            ann.id,
            ratings(),
            a.revision,
            Some(Stage::Manager),
            Vec::new(),
            &audit,
        )
    };
    let audited = |action: &'static str| {
        let store = store.clone();
        async move {
            let filter = AuditFilter {
                action_prefix: Some(action.into()),
                ..AuditFilter::default()
            };
            store.audit_events(filter).await.unwrap().len()
        }
    };

    run_raw(&store, block).await;
    let failed = submit().await;
    assert!(
        matches!(failed, Err(StoreError::Backend(ref m)) if m.contains("blocked")),
        "{failed:?}"
    );
    let after = store.assessment(a.id).await.unwrap();
    assert_eq!(after, a, "neither the stage nor the revision moved");
    assert!(
        store.ratings(a.id).await.unwrap().is_empty(),
        "no rating saved"
    );
    assert!(store.latest_ratings(&[ann.id]).await.unwrap().is_empty());
    assert_eq!(audited("assessment.rate").await, 0);
    assert_eq!(audited("assessment.stage").await, 0);

    run_raw(&store, unblock).await;
    let done = submit().await.unwrap();
    assert_eq!(
        (done.stage, done.revision, done.self_submitted_by),
        (Stage::Manager, a.revision + 2, Some(ann.id))
    );
    assert_eq!(store.ratings(a.id).await.unwrap().len(), 1);
    assert_eq!(audited("assessment.rate").await, 1);
    assert_eq!(audited("assessment.stage").await, 1);
}

#[tokio::test]
async fn sqlite_submitted_ratings_are_one_transaction() {
    on_sqlite(|store| {
        submitted_ratings_are_one_transaction(
            store,
            "CREATE TRIGGER block_stage BEFORE UPDATE OF stage ON assessments
             BEGIN SELECT RAISE(ABORT, 'stage changes are blocked'); END",
            "DROP TRIGGER block_stage",
        )
    })
    .await;
}

#[tokio::test]
async fn postgres_submitted_ratings_are_one_transaction() {
    on_postgres(|store| {
        submitted_ratings_are_one_transaction(
            store,
            "CREATE FUNCTION block_stage() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'stage changes are blocked'; END $$;
             CREATE TRIGGER block_stage BEFORE UPDATE OF stage ON assessments
                 FOR EACH ROW EXECUTE FUNCTION block_stage();",
            "DROP TRIGGER block_stage ON assessments; DROP FUNCTION block_stage();",
        )
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Both databases: a migration that has to deal with rows an older Trellis let in.

/// Migrates `store` up to (not including) migration `version`.
async fn migrate_before(store: &Database, version: i64) {
    let migrator = store.migrator();
    let last = migrator
        .iter()
        .map(|m| m.version)
        .filter(|v| *v < version)
        .max()
        .unwrap();
    migrate_to(store, last).await;
}

/// Before migration 0006 two starts racing could leave a person with several open assessments
/// against one role level. The migration closes all but one (the one furthest along, then the
/// oldest), audits each closing, and only then makes it impossible.
async fn duplicate_open_assessments_are_closed_by_the_migration(store: Database) {
    migrate_before(&store, 6).await;
    let (ann, version) = ann_and_starter(&store, 1).await;
    let start = |role_level: &str, at: i64| {
        let store = store.clone();
        let new = trellis_store::NewAssessment {
            person_id: ann.id,
            role_level: role_level.into(),
            framework_version_id: version,
            cycle: "2026".into(),
        };
        async move {
            store
                .create_assessment(new, Vec::new(), &by(ann.id, at))
                .await
                .unwrap()
        }
    };
    let first = start("a/one", 10).await;
    let second = start("a/one", 11).await;
    let third = start("a/one", 12).await;
    let other = start("a/two", 13).await;
    // The second has moved on: it is the one kept.
    store
        .advance_assessment(
            second.id,
            trellis_store::Stage::Manager,
            ann.id,
            1,
            &by(ann.id, 20),
        )
        .await
        .unwrap();

    store.migrate().await.unwrap();
    let mut open: Vec<i64> = store
        .open_assessments(&[ann.id])
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    open.sort_unstable();
    assert_eq!(open, [second.id, other.id]);
    for closed in [first.id, third.id] {
        let a = store.assessment(closed).await.unwrap();
        assert_eq!(
            (a.stage, a.agreed_at, a.agreed_by, a.revision),
            (trellis_store::Stage::Agreed, None, None, 2),
            "closed, never agreed"
        );
    }
    let filter = AuditFilter {
        action_prefix: Some("assessment.close".into()),
        ..AuditFilter::default()
    };
    let events = store.audit_events(filter).await.unwrap();
    let mut targets: Vec<&str> = events.iter().map(|e| e.target.as_str()).collect();
    targets.sort_unstable();
    let mut expected = [
        format!("assessment:{}", first.id),
        format!("assessment:{}", third.id),
    ];
    expected.sort_unstable();
    assert_eq!(targets, expected);
    assert_eq!(events[0].details["kept"], json!(second.id));
    assert_eq!(events[0].outcome, Outcome::Success);

    // From now on the database refuses a second open one.
    let again = store
        .create_assessment(
            trellis_store::NewAssessment {
                person_id: ann.id,
                role_level: "a/one".into(),
                framework_version_id: version,
                cycle: "2026".into(),
            },
            Vec::new(),
            &by(ann.id, 30),
        )
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(m)) if m == trellis_store::OPEN_ASSESSMENT_EXISTS),
        "{again:?}"
    );
}

#[tokio::test]
async fn sqlite_duplicate_open_assessments_are_closed_by_the_migration() {
    fresh_sqlite(|store, _| duplicate_open_assessments_are_closed_by_the_migration(store)).await;
}

#[tokio::test]
async fn postgres_duplicate_open_assessments_are_closed_by_the_migration() {
    fresh_postgres(|store, _| duplicate_open_assessments_are_closed_by_the_migration(store)).await;
}
