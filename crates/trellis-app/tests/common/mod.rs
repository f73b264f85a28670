//! An organisation for the use-case tests: a fresh SQLite file with the starter framework, and
//! people added by handle, each at the framework's first role level.

#![allow(dead_code)] // each test program uses its own part

pub mod smtp;

use trellis_app::access::Actor;
use trellis_app::growth::{AssessmentCtx, RatingInput, Submission};
use trellis_app::{App, AppError, Config, bootstrap};
use trellis_store::prelude::*;
use trellis_store::{
    Audit, NewPerson, Notification, Person, PersonId, PersonUpdate, RaterKind, SystemRole,
};
use trellis_store_sql::Database;

pub struct Org {
    pub app: App,
    _dir: tempfile::TempDir,
    /// The role level everyone is given: the framework's first.
    pub role_level: String,
    version: i64,
}

impl Org {
    pub async fn new() -> Org {
        Org::with_config(Config::default()).await
    }

    pub async fn with_config(config: Config) -> Org {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Database::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        bootstrap::publish_starter_if_empty(&db).await.unwrap();
        let app = App::new(db, config);
        let fw = app.current_framework().await.unwrap().unwrap();
        let (role_level, _, _) = fw.framework.role_levels().next().unwrap();
        Org {
            app,
            _dir: dir,
            role_level,
            version: fw.summary.id,
        }
    }

    /// Adds `handle@example.com`, named after the handle ("ann" is "Ann").
    pub async fn add(&self, handle: &str, manager: Option<PersonId>, role: SystemRole) -> Person {
        let new = NewPerson {
            email: format!("{handle}@example.com"),
            name: handle[..1].to_uppercase() + &handle[1..],
            team_id: None,
            manager_id: manager,
            role_level: Some(self.role_level.clone()),
            role_level_version: Some(self.version),
            system_role: role,
            password_hash: None,
        };
        self.app
            .store()
            .create_person(new, &Audit::default())
            .await
            .unwrap()
    }

    pub async fn member(&self, handle: &str, manager: Option<&Person>) -> Person {
        self.add(handle, manager.map(|m| m.id), SystemRole::Member)
            .await
    }

    /// Deactivates a person, as recorded under `audit`.
    pub async fn deactivate(&self, id: PersonId, audit: &Audit) {
        self.app
            .store()
            .update_person(
                id,
                PersonUpdate {
                    active: Some(false),
                    ..Default::default()
                },
                audit,
            )
            .await
            .unwrap();
    }

    /// A person's newest notifications, newest first.
    pub async fn inbox(&self, p: &Person) -> Vec<Notification> {
        self.app
            .store()
            .notifications_of(p.id, 5, None)
            .await
            .unwrap()
    }
}

pub fn actor(p: &Person) -> Actor {
    Actor::new(p.clone(), None)
}

/// The fields refused, in order.
pub fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(p) => p.into_iter().map(|p| p.field).collect(),
        other => panic!("expected field problems, got {other:?}"),
    }
}

/// Every requirement of the assessment rated at its required level, as `kind`.
pub fn rated_as_required(a: &AssessmentCtx, kind: RaterKind) -> Submission {
    Submission {
        kind,
        revision: Some(a.assessment.revision),
        framework_version: None,
        ratings: a
            .profile
            .requirements
            .iter()
            .map(|r| RatingInput {
                skill: r.skill.clone(),
                level: Some(r.level.0.clone()),
                ..RatingInput::default()
            })
            .collect(),
    }
}
