//! One user action is one transaction: a failure part-way through a use case leaves nothing of it
//! behind. The failure is injected with a real database trigger, not a stand-in.

mod common;

use trellis_app::access::Actor;
use trellis_app::growth::{self, StartInput};
use trellis_app::{App, AppError, Config, bootstrap};
use trellis_store::prelude::*;
use trellis_store::{Audit, AuditFilter, NewPerson, Person, RaterKind, Stage, SystemRole};
use trellis_store_sql::Database;

async fn person(db: &Database, email: &str, manager: Option<i64>, role_level: &str) -> Person {
    let version = db.current_framework().await.unwrap().map(|v| v.id);
    db.create_person(
        NewPerson {
            email: email.into(),
            name: email.into(),
            team_id: None,
            manager_id: manager,
            role_level: Some(role_level.into()),
            role_level_version: version,
            system_role: SystemRole::Member,
            password_hash: None,
        },
        &Audit::default(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_failure_between_rating_and_advancing_leaves_neither() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    bootstrap::publish_starter_if_empty(&db).await.unwrap();
    let app = App::new(db.clone(), Config::default());
    let fw = app.current_framework().await.unwrap().unwrap();
    let (role_level, _, _) = fw.framework.role_levels().next().unwrap();
    let boss = person(&db, "boss@example.com", None, &role_level).await;
    let ann = person(&db, "ann@example.com", Some(boss.id), &role_level).await;
    let as_ann = Actor::new(ann.clone(), None);
    let started = growth::start_assessment(
        &app,
        &as_ann,
        &ann,
        StartInput {
            role_level: role_level.clone(),
            ..StartInput::default()
        },
    )
    .await
    .unwrap();
    let a = growth::viewable_assessment(&app, &as_ann, started.id)
        .await
        .unwrap();
    assert!(!a.profile.requirements.is_empty());
    let submission = || common::rated_as_required(&a, RaterKind::SelfRater);
    let pool = db.sqlite_pool().unwrap();

    // The stage cannot move: the ratings written before it in the same action must go too.
    sqlx::query(
        "CREATE TRIGGER no_stage BEFORE UPDATE OF stage ON assessments
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    .execute(pool)
    .await
    .unwrap();
    let refused = growth::submit_ratings(&app, &as_ann, &a, submission()).await;
    assert!(
        matches!(refused, Err(AppError::Internal(_) | AppError::Invalid(_))),
        "{refused:?}"
    );
    let after = db.assessment(started.id).await.unwrap();
    assert_eq!(after.stage, Stage::SelfRating);
    assert_eq!(after.revision, a.assessment.revision);
    assert!(
        db.ratings(started.id).await.unwrap().is_empty(),
        "no rating kept"
    );
    let rated = db
        .audit_events(AuditFilter {
            action_prefix: Some("assessment.rate".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(
        rated.is_empty(),
        "no audit event of a change that did not happen"
    );
    assert_eq!(
        db.unread_count(boss.id).await.unwrap(),
        0,
        "the manager is not told of a submission that did not happen"
    );

    // Without the failure, the same submission goes through whole.
    sqlx::query("DROP TRIGGER no_stage")
        .execute(pool)
        .await
        .unwrap();
    let done = growth::submit_ratings(&app, &as_ann, &a, submission())
        .await
        .unwrap();
    assert_eq!(done.stage, Stage::Manager);
    assert_eq!(db.unread_count(boss.id).await.unwrap(), 1);
    assert_eq!(
        db.ratings(started.id).await.unwrap().len(),
        a.profile.requirements.len()
    );
}
