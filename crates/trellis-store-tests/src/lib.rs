//! The story test suite of the storage port: what every backend must do, written once against
//! [`Store`] and run on each backend by `tests/stories.rs` (SQLite always, PostgreSQL when a server is
//! given). Each story gets a freshly migrated, empty database.
//!
//! Stories check behaviour through the port only; backend-specific checks (pragmas, triggers,
//! crash recovery, migrations) live next to the harness in `tests/`.
#![forbid(unsafe_code)]

use std::collections::HashSet;

use serde_json::json;
use tokio::task::JoinSet;
use trellis_store::backend::AUDIT_LIMIT_CAP;
use trellis_store::{
    Audit, AuditEvent, AuditFilter, CheckInId, FrameworkVersionId, MeetingId, Millis,
    NewAuditEvent, NewFrameworkVersion, NewNotification, NewPerson, Outcome, Person, PersonId,
    PersonUpdate, Session, Store, StoreError, StoreResult, SystemRole,
};

/// Asserts that a result is the given [`StoreError`] variant.
macro_rules! assert_err {
    ($result:expr, $variant:ident) => {
        match $result {
            Err(StoreError::$variant(_)) => {}
            other => panic!("expected {}, got {:?}", stringify!($variant), other),
        }
    };
}

/// Every story, by name, for the harness to instantiate once per backend.
#[macro_export]
macro_rules! for_each_story {
    ($m:ident) => {
        $m! {
            migrations_are_idempotent,
            frameworks_are_published_as_snapshots,
            teams_are_ensured_once,
            people_are_created_and_found,
            emails_are_unique_case_insensitively,
            updates_are_revisioned_and_audited,
            concurrent_updates_conflict,
            manager_loops_are_refused,
            reports_include_indirect_reports,
            passwords_never_reach_the_audit_log,
            admins_are_counted,
            sessions_live_and_end,
            deactivation_ends_sessions,
            api_tokens_are_used_and_revoked,
            sign_in_failures_are_counted_in_a_window,
            audit_log_filters_and_pages,
            audit_listing_is_capped,
            unknown_ids_are_not_found,
            assessments_move_through_stages,
            ratings_keep_history_and_the_newest_counts,
            bad_ratings_write_nothing,
            concurrent_ratings_conflict,
            peer_input_is_requested_and_submitted,
            evidence_is_logged_and_counted_per_skill,
            drafts_are_kept_until_submitted,
            agreed_outcomes_are_answered_once,
            evidence_is_edited_and_deleted_with_history,
            evidence_is_read_a_page_at_a_time,
            audit_batches_are_all_or_nothing,
            bulk_loads_are_complete_and_audited_once,
            growth_ids_are_checked,
            records_are_read_whole,
            open_assessments_are_what_waits,
            notifications_go_with_their_change,
            the_inbox_is_its_owners,
            email_choices_and_the_mailers_queue,
            check_ins_keep_each_readers_notes,
            check_in_actions_carry_over_until_done,
            check_in_reminders_go_once,
            a_person_shares_a_note_beyond_the_pair,
            plans_hold_goals_actions_and_comments,
            milestones_start_once_per_role_level,
            cycles_move_through_their_stages_with_deadlines,
            promotion_votes_are_independent_and_final_once_others_are_seen,
            approved_promotions_change_the_role_level_from_their_day,
            calibration_changes_move_outcomes_with_a_reason,
            calibration_counts_follow_moves_agreement_and_erasure,
            adopted_assessments_bring_their_outcomes,
            scorecards_are_final_once_the_others_are_read,
            a_hire_writes_the_account_decision_and_plan_or_nothing,
            home_records_gather_what_waits,
            team_records_read_the_team_at_once,
            observed_people_come_with_their_reporting_line,
            reset_links_are_used_once_before_they_expire,
            reset_links_end_with_the_account_or_another_password,
            sso_sign_ins_are_taken_once_before_they_expire,
            erasure_removes_a_persons_data_and_keeps_what_others_wrote,
            erasure_can_keep_ratings_for_aggregates,
            retention_finds_who_left_long_enough_ago,
            imports_apply_whole_or_not_at_all,
            placements_wait_for_their_day,
        }
    };
}

mod calibration;
mod check_ins;
mod cycles;
mod erasure;
mod growth;
mod growth_changes;
mod hiring;
mod import;
mod notifications;
mod overview;
mod plans;
mod promotions;
mod races;
mod resets;
mod scheduled;
mod sso;

pub use calibration::*;
pub use check_ins::*;
pub use cycles::*;
pub use erasure::*;
pub use growth::*;
pub use growth_changes::*;
pub use hiring::*;
pub use import::*;
pub use notifications::*;
pub use overview::*;
pub use plans::*;
pub use promotions::*;
pub use races::*;
pub use resets::*;
pub use scheduled::*;
pub use sso::*;

/// The stories of changes racing each other, which the harness runs on several threads.
#[macro_export]
macro_rules! for_each_race {
    ($m:ident) => {
        $m! {
            parallel_starts_open_one_assessment,
            admins_demoting_each_other_leave_one,
            parallel_guesses_are_reserved_one_by_one,
            api_tokens_are_read_without_recording_use,
            a_reset_link_used_at_once_twice_works_once,
            an_sso_callback_replayed_at_once_signs_in_once,
        }
    };
}

const IP: &str = "192.0.2.7";

/// A change made by nobody in particular (set-up, the system) at time `at`.
pub fn system(at: Millis) -> Audit {
    Audit {
        actor_id: None,
        ip: None,
        at,
    }
}

/// A change made by `actor` from a browser at time `at`.
pub fn by(actor: PersonId, at: Millis) -> Audit {
    Audit {
        actor_id: Some(actor),
        ip: Some(IP.into()),
        at,
    }
}

pub fn new_person(email: &str, name: &str) -> NewPerson {
    NewPerson {
        email: email.into(),
        name: name.into(),
        team_id: None,
        manager_id: None,
        role_level: None,
        role_level_version: None,
        system_role: SystemRole::Member,
        password_hash: None,
    }
}

async fn person<S: Store>(store: &S, email: &str, name: &str) -> Person {
    store
        .create_person(new_person(email, name), &system(1))
        .await
        .unwrap()
}

async fn reporting_to<S: Store>(store: &S, email: &str, name: &str, manager: PersonId) -> Person {
    let new = NewPerson {
        manager_id: Some(manager),
        ..new_person(email, name)
    };
    store.create_person(new, &system(1)).await.unwrap()
}

/// Latest ratings in one order, by person, skill and kind of rater: the store reads them in any.
fn sort_latest(latest: &mut [trellis_store::LatestRating]) {
    latest.sort_by(|a, b| {
        (a.person_id, &a.skill, a.rater_kind.as_str()).cmp(&(
            b.person_id,
            &b.skill,
            b.rater_kind.as_str(),
        ))
    });
}

/// The whole audit log, newest first (the stories stay below the listing cap).
async fn events<S: Store>(store: &S) -> Vec<AuditEvent> {
    store.audit_events(AuditFilter::default()).await.unwrap()
}

async fn events_of<S: Store>(store: &S, action: &str) -> Vec<AuditEvent> {
    events(store)
        .await
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// Asserts that no audit event mentions `secret` anywhere (target, details, ...).
async fn assert_never_logged<S: Store>(store: &S, secret: &str) {
    for event in events(store).await {
        let text = serde_json::to_string(&event).unwrap();
        assert!(!text.contains(secret), "audit event leaks a secret: {text}");
    }
}

fn ids(people: &[Person]) -> Vec<PersonId> {
    people.iter().map(|p| p.id).collect()
}

fn names(people: &[Person]) -> Vec<&str> {
    people.iter().map(|p| p.name.as_str()).collect()
}

fn session(token_hash: &str, person_id: PersonId, created_at: Millis) -> Session {
    Session {
        token_hash: token_hash.into(),
        person_id,
        csrf_token: format!("csrf-{token_hash}"),
        created_at,
        last_seen_at: created_at,
        expires_at: created_at + 86_400_000,
    }
}

/// Eight editors sent the same revision at once: exactly one of them wins, the others conflict.
async fn one_of_eight_editors_wins<T: 'static>(mut tasks: JoinSet<StoreResult<T>>) {
    let (mut won, mut conflicts) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(_)) => conflicts += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(
        (won, conflicts),
        (1, 7),
        "exactly one of several editors of the same revision wins"
    );
}

/// A notification for `to`: of what kind, what it says, and where it leads.
fn notice_for(to: PersonId, kind: &str, subject: &str, link: &str) -> NewNotification {
    NewNotification {
        person_id: to,
        kind: kind.into(),
        subject: subject.into(),
        link: link.into(),
    }
}

/// Publishes the framework `starter` 1.0.0 (no content) and gives its version's id.
async fn starter_version<S: Store>(store: &S) -> FrameworkVersionId {
    store
        .publish_framework(framework("starter", "1.0.0", json!({})), &system(1))
        .await
        .unwrap()
        .id
}

/// The next meeting of a check-in series, as `reader` sees the series.
async fn next_meeting<S: Store>(store: &S, check_in: CheckInId, reader: PersonId) -> MeetingId {
    store
        .check_in_record(check_in, reader)
        .await
        .unwrap()
        .next_meeting()
        .unwrap()
        .id
}

fn framework(id: &str, version: &str, content: serde_json::Value) -> NewFrameworkVersion {
    NewFrameworkVersion {
        framework_id: id.into(),
        version: version.into(),
        name: format!("{id} {version}"),
        content,
    }
}

pub async fn migrations_are_idempotent<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.person(ann.id).await.unwrap(), ann);
    assert_eq!(events(&store).await.len(), 1);
}

pub async fn frameworks_are_published_as_snapshots<S: Store>(store: S) {
    assert!(store.current_framework().await.unwrap().is_none());
    assert!(store.framework_versions().await.unwrap().is_empty());
    let admin = person(&store, "admin@example.com", "Admin").await;

    // Keys out of alphabetical order: a snapshot keeps the document exactly as published.
    let content = json!({ "zeta": 1, "alpha": { "b": [3, 1, 2], "a": null }, "name": "Starter" });
    let v1 = store
        .publish_framework(
            framework("starter", "1.0.0", content.clone()),
            &by(admin.id, 1_000),
        )
        .await
        .unwrap();
    assert_eq!(
        (v1.framework_id.as_str(), v1.version.as_str()),
        ("starter", "1.0.0")
    );
    assert_eq!((v1.published_at, v1.published_by), (1_000, Some(admin.id)));
    let stored = store.framework_version(v1.id).await.unwrap();
    assert_eq!(stored, v1);
    assert_eq!(
        serde_json::to_string(&stored.content).unwrap(),
        serde_json::to_string(&content).unwrap()
    );
    assert_eq!(store.current_framework().await.unwrap(), Some(v1.clone()));

    let v2 = store
        .publish_framework(
            framework("starter", "1.1.0", json!({ "v": 2 })),
            &by(admin.id, 2_000),
        )
        .await
        .unwrap();
    assert_eq!(store.current_framework().await.unwrap(), Some(v2.clone()));
    let listed = store.framework_versions().await.unwrap();
    assert_eq!(
        listed.iter().map(|v| v.id).collect::<Vec<_>>(),
        [v2.id, v1.id],
        "newest first"
    );
    assert_eq!(listed[1].name, "starter 1.0.0");
    // Both versions coexist: the old one is still readable as published.
    assert_eq!(
        store.framework_version(v1.id).await.unwrap().content,
        content
    );

    let before = events(&store).await.len();
    assert_err!(
        store
            .publish_framework(
                framework("starter", "1.0.0", json!({})),
                &by(admin.id, 3_000)
            )
            .await,
        Conflict
    );
    assert_err!(
        store
            .publish_framework(framework(" ", "1.0.0", json!({})), &by(admin.id, 3_000))
            .await,
        Invalid
    );
    assert_err!(
        store
            .publish_framework(framework("starter", "9", json!({})), &by(9_999, 3_000))
            .await,
        Invalid
    );
    assert_eq!(
        events(&store).await.len(),
        before,
        "a refused publication leaves no audit event"
    );
    assert_eq!(store.framework_versions().await.unwrap().len(), 2);
    assert_eq!(store.current_framework().await.unwrap(), Some(v2.clone()));

    let published = events_of(&store, "framework.publish").await;
    assert_eq!(published.len(), 2);
    assert_eq!(published[0].target, "framework:starter@1.1.0");
    assert_eq!(published[0].actor_id, Some(admin.id));
    assert_eq!(published[0].ip.as_deref(), Some(IP));
    assert_eq!(published[0].at, 2_000);
    assert_eq!(published[0].outcome, Outcome::Success);
    assert_eq!(
        published[0].details,
        json!({ "framework_version_id": v2.id })
    );
}

pub async fn teams_are_ensured_once<S: Store>(store: S) {
    let platform = store.ensure_team("Platform", &system(1)).await.unwrap();
    assert_eq!(platform.name, "Platform");
    assert_eq!(
        store.ensure_team("  platform ", &system(2)).await.unwrap(),
        platform
    );
    assert_eq!(
        store.ensure_team("Platform", &system(3)).await.unwrap(),
        platform
    );
    let design = store.ensure_team(" Design ", &system(4)).await.unwrap();
    assert_eq!(design.name, "Design");
    let apps = store.ensure_team("apps", &system(5)).await.unwrap();
    assert_eq!(
        store.teams().await.unwrap(),
        [apps.clone(), design.clone(), platform.clone()],
        "by name, ignoring case"
    );
    assert_err!(store.ensure_team("   ", &system(6)).await, Invalid);

    let created = events_of(&store, "team.create").await;
    assert_eq!(created.len(), 3, "only new teams are audited");
    assert_eq!(created[2].target, format!("team:{}", platform.id));
}

pub async fn people_are_created_and_found<S: Store>(store: S) {
    let admin = person(&store, "admin@example.com", "Admin").await;
    let team = store.ensure_team("Product", &system(1)).await.unwrap();
    let v1 = store
        .publish_framework(framework("starter", "1", json!({})), &system(1))
        .await
        .unwrap();
    let new = NewPerson {
        email: "  Ann.Lee@Example.COM ".into(),
        name: " Ann Lee ".into(),
        team_id: Some(team.id),
        manager_id: Some(admin.id),
        role_level: Some("product/product-manager".into()),
        role_level_version: Some(v1.id),
        system_role: SystemRole::PeopleTeam,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
    };
    let ann = store
        .create_person(new, &by(admin.id, 5_000))
        .await
        .unwrap();
    assert_eq!(ann.email, "ann.lee@example.com");
    assert_eq!(ann.name, "Ann Lee");
    assert_eq!(
        (ann.team_id, ann.manager_id),
        (Some(team.id), Some(admin.id))
    );
    assert_eq!(ann.role_level.as_deref(), Some("product/product-manager"));
    assert_eq!(
        (ann.role_level_version, ann.role_level_since),
        (Some(v1.id), Some(5_000))
    );
    assert_eq!(ann.system_role, SystemRole::PeopleTeam);
    assert!(ann.active);
    assert_eq!((ann.revision, ann.created_at), (1, 5_000));
    assert!(ann.password_hash.is_some());

    assert_eq!(store.person(ann.id).await.unwrap(), ann);
    assert_eq!(
        store.person_by_email(" ANN.LEE@example.com").await.unwrap(),
        Some(ann.clone())
    );
    assert_eq!(
        store.person_by_email("nobody@example.com").await.unwrap(),
        None
    );
    assert_eq!(store.person_by_email("not an email").await.unwrap(), None);

    let bob = person(&store, "bob@example.com", "bob").await;
    let carol = person(&store, "carol@example.com", "Carol").await;
    assert_eq!(
        ids(&store.people().await.unwrap()),
        [admin.id, ann.id, bob.id, carol.id],
        "by name, ignoring case"
    );

    let created = events_of(&store, "person.create").await;
    let event = created
        .iter()
        .find(|e| e.target == format!("person:{}", ann.id))
        .unwrap();
    assert_eq!(
        (event.actor_id, event.at, event.ip.as_deref()),
        (Some(admin.id), 5_000, Some(IP))
    );
    assert_never_logged(&store, "aGFzaA").await;
    assert_never_logged(&store, "ann.lee@").await;

    let before = events(&store).await.len();
    let refused = [
        NewPerson {
            team_id: Some(9_999),
            ..new_person("x1@example.com", "X")
        },
        NewPerson {
            manager_id: Some(9_999),
            ..new_person("x2@example.com", "X")
        },
        NewPerson {
            role_level_version: Some(9_999),
            ..new_person("x3@example.com", "X")
        },
        new_person("x4@example.com", "  "),
        new_person("no-at-sign", "X"),
    ];
    for new in refused {
        assert_err!(store.create_person(new, &system(6)).await, Invalid);
    }
    assert_eq!(events(&store).await.len(), before);
    assert_eq!(store.people().await.unwrap().len(), 4);
}

pub async fn emails_are_unique_case_insensitively<S: Store>(store: S) {
    person(&store, "ann@example.com", "Ann").await;
    let bob = person(&store, "bob@example.com", "Bob").await;
    let before = events(&store).await.len();
    assert_err!(
        store
            .create_person(new_person(" ANN@Example.com", "Other Ann"), &system(2))
            .await,
        Conflict
    );
    let update = PersonUpdate {
        email: Some("Ann@EXAMPLE.com".into()),
        name: Some("Bobby".into()),
        ..Default::default()
    };
    assert_err!(
        store.update_person(bob.id, update, &system(3)).await,
        Conflict
    );
    assert_eq!(store.person(bob.id).await.unwrap(), bob, "nothing changed");
    assert_eq!(store.people().await.unwrap().len(), 2);
    assert_eq!(events(&store).await.len(), before);

    // Changing only the case of one's own email is no change at all.
    let update = PersonUpdate {
        email: Some("BOB@example.com".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .update_person(bob.id, update, &system(4))
            .await
            .unwrap()
            .revision,
        1
    );
}

pub async fn updates_are_revisioned_and_audited<S: Store>(store: S) {
    let admin = person(&store, "admin@example.com", "Admin").await;
    let ann = person(&store, "ann@example.com", "Ann").await;
    let team = store.ensure_team("Platform", &system(1)).await.unwrap();
    let v1 = store
        .publish_framework(framework("starter", "1", json!({})), &system(1))
        .await
        .unwrap();

    let update = PersonUpdate {
        name: Some("Ann Smith".into()),
        expected_revision: Some(1),
        ..Default::default()
    };
    let ann2 = store
        .update_person(ann.id, update, &by(admin.id, 2_000))
        .await
        .unwrap();
    assert_eq!((ann2.name.as_str(), ann2.revision), ("Ann Smith", 2));
    let updated = events_of(&store, "person.update").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].target, format!("person:{}", ann.id));
    assert_eq!(updated[0].actor_id, Some(admin.id));
    assert_eq!(
        updated[0].details,
        json!({ "fields": ["name"], "revision": 2 }),
        "field names, never values"
    );

    // A stale form: refused, and nothing written.
    let stale = PersonUpdate {
        name: Some("Ann Jones".into()),
        expected_revision: Some(1),
        ..Default::default()
    };
    assert_err!(
        store
            .update_person(ann.id, stale, &by(admin.id, 3_000))
            .await,
        Conflict
    );
    assert_eq!(store.person(ann.id).await.unwrap(), ann2);
    assert_eq!(events_of(&store, "person.update").await.len(), 1);

    // Saying what is already true changes nothing.
    let same = PersonUpdate {
        name: Some(" Ann Smith ".into()),
        expected_revision: Some(2),
        ..Default::default()
    };
    assert_eq!(
        store
            .update_person(ann.id, same, &by(admin.id, 3_500))
            .await
            .unwrap(),
        ann2
    );
    assert_eq!(events_of(&store, "person.update").await.len(), 1);

    let promote = PersonUpdate {
        team_id: Some(Some(team.id)),
        manager_id: Some(Some(admin.id)),
        role_level: Some(Some("platform/engineer".into())),
        role_level_version: Some(Some(v1.id)),
        ..Default::default()
    };
    let ann3 = store
        .update_person(ann.id, promote, &by(admin.id, 4_000))
        .await
        .unwrap();
    assert_eq!(
        (ann3.team_id, ann3.manager_id),
        (Some(team.id), Some(admin.id))
    );
    assert_eq!((ann3.role_level_since, ann3.revision), (Some(4_000), 3));
    let details = &events_of(&store, "person.update").await[0].details;
    assert_eq!(
        details["fields"],
        json!(["team_id", "manager_id", "role_level", "role_level_version"])
    );

    let role = PersonUpdate {
        system_role: Some(SystemRole::Admin),
        ..Default::default()
    };
    let ann4 = store
        .update_person(ann.id, role, &by(admin.id, 5_000))
        .await
        .unwrap();
    assert_eq!(
        (ann4.system_role, ann4.role_level_since),
        (SystemRole::Admin, Some(4_000))
    );

    let clear = PersonUpdate {
        team_id: Some(None),
        manager_id: Some(None),
        role_level: Some(None),
        role_level_version: Some(None),
        ..Default::default()
    };
    let ann5 = store
        .update_person(ann.id, clear, &by(admin.id, 6_000))
        .await
        .unwrap();
    assert_eq!(
        (ann5.team_id, ann5.manager_id, ann5.role_level.clone()),
        (None, None, None)
    );
    assert_eq!(
        (
            ann5.role_level_version,
            ann5.role_level_since,
            ann5.revision
        ),
        (None, None, 5)
    );

    // References that do not exist are refused, and leave the person as they were.
    for bad in [
        PersonUpdate {
            manager_id: Some(Some(9_999)),
            ..Default::default()
        },
        PersonUpdate {
            team_id: Some(Some(9_999)),
            ..Default::default()
        },
        PersonUpdate {
            role_level_version: Some(Some(9_999)),
            ..Default::default()
        },
        PersonUpdate {
            name: Some(" ".into()),
            ..Default::default()
        },
        PersonUpdate {
            email: Some("nope".into()),
            ..Default::default()
        },
    ] {
        assert_err!(
            store.update_person(ann.id, bad, &by(admin.id, 7_000)).await,
            Invalid
        );
    }
    assert_eq!(store.person(ann.id).await.unwrap(), ann5);
    assert_never_logged(&store, "Ann Smith").await;
}

pub async fn concurrent_updates_conflict<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.spawn(async move {
            let update = PersonUpdate {
                name: Some(format!("Ann {i}")),
                expected_revision: Some(1),
                ..Default::default()
            };
            store.update_person(ann.id, update, &system(2)).await
        });
    }
    one_of_eight_editors_wins(tasks).await;
    assert_eq!(store.person(ann.id).await.unwrap().revision, 2);
    assert_eq!(events_of(&store, "person.update").await.len(), 1);
}

pub async fn manager_loops_are_refused<S: Store>(store: S) {
    let a = person(&store, "a@example.com", "A").await;
    let b = reporting_to(&store, "b@example.com", "B", a.id).await;
    let c = reporting_to(&store, "c@example.com", "C", b.id).await;
    let before = events(&store).await.len();
    for manager in [a.id, b.id, c.id] {
        let update = PersonUpdate {
            manager_id: Some(Some(manager)),
            ..Default::default()
        };
        assert_err!(
            store.update_person(a.id, update, &system(2)).await,
            Conflict
        );
    }
    let update = PersonUpdate {
        manager_id: Some(Some(b.id)),
        ..Default::default()
    };
    assert_err!(
        store.update_person(b.id, update, &system(2)).await,
        Conflict
    );
    assert_eq!(store.person(a.id).await.unwrap(), a, "nothing changed");
    assert_eq!(events(&store).await.len(), before);

    // Moving within the tree is fine: C now reports to A directly.
    let update = PersonUpdate {
        manager_id: Some(Some(a.id)),
        ..Default::default()
    };
    assert_eq!(
        store
            .update_person(c.id, update, &system(3))
            .await
            .unwrap()
            .manager_id,
        Some(a.id)
    );
    // And B, no longer above C, may report to C.
    let update = PersonUpdate {
        manager_id: Some(Some(c.id)),
        ..Default::default()
    };
    assert_eq!(
        store
            .update_person(b.id, update, &system(4))
            .await
            .unwrap()
            .manager_id,
        Some(c.id)
    );
}

pub async fn reports_include_indirect_reports<S: Store>(store: S) {
    let top = person(&store, "top@example.com", "Zoe Top").await;
    let m1 = reporting_to(&store, "m1@example.com", "Maya", top.id).await;
    let m2 = reporting_to(&store, "m2@example.com", "milo", top.id).await;
    let i1 = reporting_to(&store, "i1@example.com", "Ines", m1.id).await;
    let i2 = reporting_to(&store, "i2@example.com", "Ivan", m1.id).await;
    let i3 = reporting_to(&store, "i3@example.com", "Ida", m2.id).await;
    let deep = reporting_to(&store, "deep@example.com", "Dee", i1.id).await;
    person(&store, "other@example.com", "Otto").await;

    let all = store.reports(top.id).await.unwrap();
    assert_eq!(names(&all), ["Dee", "Ida", "Ines", "Ivan", "Maya", "milo"]);
    assert_eq!(
        ids(&store.reports(m1.id).await.unwrap()),
        [deep.id, i1.id, i2.id]
    );
    assert_eq!(ids(&store.reports(m2.id).await.unwrap()), [i3.id]);
    assert!(store.reports(deep.id).await.unwrap().is_empty());
    assert_err!(store.reports(9_999).await, NotFound);
}

pub async fn passwords_never_reach_the_audit_log<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    assert_eq!(ann.password_hash, None);
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$bm90LWEtc2FsdA$c2VjcmV0LWhhc2g";
    store
        .set_password(ann.id, hash, &by(ann.id, 2_000))
        .await
        .unwrap();
    let after = store.person(ann.id).await.unwrap();
    assert_eq!(after.password_hash.as_deref(), Some(hash));
    assert_eq!(
        after.revision, ann.revision,
        "a password change does not invalidate open edit forms"
    );
    let changed = events_of(&store, "person.password").await;
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (changed[0].target.clone(), changed[0].actor_id),
        (format!("person:{}", ann.id), Some(ann.id))
    );
    assert_never_logged(&store, "c2VjcmV0LWhhc2g").await;
    assert!(
        !serde_json::to_string(&after).unwrap().contains("argon2"),
        "hashes are never serialized"
    );
    assert_err!(store.set_password(9_999, hash, &system(3)).await, NotFound);
}

pub async fn admins_are_counted<S: Store>(store: S) {
    assert_eq!(store.count_admins().await.unwrap(), 0);
    let admin = NewPerson {
        system_role: SystemRole::Admin,
        ..new_person("root@example.com", "Root")
    };
    let root = store
        .create_person(admin.clone(), &system(1))
        .await
        .unwrap();
    let people = NewPerson {
        system_role: SystemRole::PeopleTeam,
        ..new_person("hr@example.com", "HR")
    };
    store.create_person(people, &system(1)).await.unwrap();
    person(&store, "m@example.com", "Member").await;
    assert_eq!(store.count_admins().await.unwrap(), 1);
    let second = NewPerson {
        email: "root2@example.com".into(),
        ..admin
    };
    let root2 = store.create_person(second, &system(1)).await.unwrap();
    assert_eq!(store.count_admins().await.unwrap(), 2);
    let deactivate = PersonUpdate {
        active: Some(false),
        ..Default::default()
    };
    store
        .update_person(root2.id, deactivate, &system(2))
        .await
        .unwrap();
    assert_eq!(
        store.count_admins().await.unwrap(),
        1,
        "only active admins count"
    );
    let demote = PersonUpdate {
        system_role: Some(SystemRole::Member),
        ..Default::default()
    };
    match store.update_person(root.id, demote, &system(3)).await {
        Err(StoreError::Conflict(m)) if m == trellis_store::LAST_ADMIN => {}
        other => panic!("the last active admin keeps the role, got {other:?}"),
    }
    assert_eq!(store.count_admins().await.unwrap(), 1);
    let deactivate = PersonUpdate {
        active: Some(false),
        ..Default::default()
    };
    assert_err!(
        store.update_person(root.id, deactivate, &system(3)).await,
        Conflict
    );
    assert_eq!(store.count_admins().await.unwrap(), 1);
}

pub async fn sessions_live_and_end<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let bob = person(&store, "bob@example.com", "Bob").await;
    let s1 = session("hash-1", ann.id, 1_000);
    store.create_session(s1.clone()).await.unwrap();
    assert_eq!(
        store.session("hash-1").await.unwrap(),
        Some((s1.clone(), ann.clone()))
    );
    assert_eq!(store.session("hash-unknown").await.unwrap(), None);

    store.touch_session("hash-1", 2_000).await.unwrap();
    store.touch_session("hash-1", 1_500).await.unwrap();
    let (touched, _) = store.session("hash-1").await.unwrap().unwrap();
    assert_eq!(touched.last_seen_at, 2_000, "last seen never moves back");
    assert_eq!(
        (touched.created_at, touched.expires_at),
        (s1.created_at, s1.expires_at)
    );
    store.touch_session("hash-unknown", 2_000).await.unwrap();

    assert_err!(
        store.create_session(session("hash-1", bob.id, 3_000)).await,
        Conflict
    );
    assert_err!(
        store.create_session(session("hash-x", 9_999, 3_000)).await,
        Invalid
    );

    store.delete_session("hash-1").await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), None);
    store.delete_session("hash-1").await.unwrap();

    for (hash, who) in [("hash-2", ann.id), ("hash-3", ann.id), ("hash-4", bob.id)] {
        store
            .create_session(session(hash, who, 4_000))
            .await
            .unwrap();
    }
    assert_eq!(store.delete_sessions_of(ann.id).await.unwrap(), 2);
    assert_eq!(store.delete_sessions_of(ann.id).await.unwrap(), 0);
    assert_eq!(store.session("hash-2").await.unwrap(), None);
    assert!(
        store.session("hash-4").await.unwrap().is_some(),
        "other people stay signed in"
    );

    // Creating a session sweeps away those that have expired.
    let short = Session {
        expires_at: 5_000,
        ..session("hash-5", bob.id, 4_500)
    };
    store.create_session(short).await.unwrap();
    assert!(
        store.session("hash-5").await.unwrap().is_some(),
        "expired sessions are still returned until swept"
    );
    store
        .create_session(session("hash-6", bob.id, 6_000))
        .await
        .unwrap();
    assert_eq!(store.session("hash-5").await.unwrap(), None);
    assert!(store.session("hash-6").await.unwrap().is_some());
    assert_never_logged(&store, "hash-").await;
}

pub async fn deactivation_ends_sessions<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    store
        .create_session(session("hash-1", ann.id, 1_000))
        .await
        .unwrap();
    store
        .create_session(session("hash-2", ann.id, 1_000))
        .await
        .unwrap();
    let deactivate = PersonUpdate {
        active: Some(false),
        ..Default::default()
    };
    let ann2 = store
        .update_person(ann.id, deactivate, &system(2_000))
        .await
        .unwrap();
    assert!(!ann2.active);
    assert_eq!(store.session("hash-1").await.unwrap(), None);
    assert_eq!(store.session("hash-2").await.unwrap(), None);
    let details = &events_of(&store, "person.update").await[0].details;
    assert_eq!(
        details,
        &json!({ "fields": ["active"], "revision": 2, "sessions_ended": 2 })
    );
}

pub async fn api_tokens_are_used_and_revoked<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let token = store
        .create_api_token(ann.id, " ci ", "token-hash-1", &by(ann.id, 1_000))
        .await
        .unwrap();
    assert_eq!(
        (token.person_id, token.label.as_str(), token.created_at),
        (ann.id, "ci", 1_000)
    );
    assert_eq!((token.last_used_at, token.revoked_at), (None, None));
    let created = events_of(&store, "token.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].target, format!("token:{}", token.id));
    assert_eq!(
        created[0].details,
        json!({ "person_id": ann.id, "label": "ci" })
    );

    let (used, who) = store
        .use_api_token("token-hash-1", 2_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((used.id, used.last_used_at), (token.id, Some(2_000)));
    assert_eq!(who, ann);
    assert_eq!(
        store.api_tokens(ann.id).await.unwrap(),
        std::slice::from_ref(&used)
    );
    assert_eq!(
        store
            .use_api_token("token-hash-unknown", 2_000)
            .await
            .unwrap(),
        None
    );

    let second = store
        .create_api_token(ann.id, "laptop", "token-hash-2", &by(ann.id, 2_500))
        .await
        .unwrap();
    store
        .revoke_api_token(token.id, &by(ann.id, 3_000))
        .await
        .unwrap();
    assert_eq!(
        store.use_api_token("token-hash-1", 4_000).await.unwrap(),
        None,
        "a revoked token is refused"
    );
    let listed = store.api_tokens(ann.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        [token.id, second.id]
    );
    assert_eq!(
        (listed[0].revoked_at, listed[0].last_used_at),
        (Some(3_000), Some(2_000)),
        "not used when refused"
    );
    assert!(
        store
            .use_api_token("token-hash-2", 4_000)
            .await
            .unwrap()
            .is_some()
    );

    let revoked = events_of(&store, "token.revoke").await;
    assert_eq!(revoked.len(), 1);
    assert_eq!(
        (revoked[0].target.clone(), revoked[0].at),
        (format!("token:{}", token.id), 3_000)
    );
    store
        .revoke_api_token(token.id, &by(ann.id, 5_000))
        .await
        .unwrap();
    assert_eq!(
        events_of(&store, "token.revoke").await.len(),
        1,
        "revoking twice changes nothing"
    );
    assert_eq!(
        store.api_tokens(ann.id).await.unwrap()[0].revoked_at,
        Some(3_000)
    );

    assert_err!(
        store.revoke_api_token(9_999, &system(6_000)).await,
        NotFound
    );
    assert_err!(
        store
            .create_api_token(9_999, "x", "token-hash-3", &system(6_000))
            .await,
        NotFound
    );
    assert_err!(
        store
            .create_api_token(ann.id, "x", "token-hash-2", &system(6_000))
            .await,
        Conflict
    );
    assert!(store.api_tokens(9_999).await.unwrap().is_empty());
    assert_never_logged(&store, "token-hash").await;
    assert!(
        !serde_json::to_string(&listed)
            .unwrap()
            .contains("token-hash"),
        "hashes are never serialized"
    );
}

pub async fn sign_in_failures_are_counted_in_a_window<S: Store>(store: S) {
    // Ann's failures counted since a time, and one more recorded at a time for a window.
    let anns = |since| store.sign_in_failures("email:ann@example.com", since);
    let failed = |at, window| store.record_sign_in_failure("email:ann@example.com", at, window);
    assert_eq!(anns(0).await.unwrap(), 0);
    assert_eq!(failed(1_000, 0).await.unwrap(), 1);
    assert_eq!(failed(2_000, 0).await.unwrap(), 2);
    assert_eq!(
        store
            .record_sign_in_failure("ip:192.0.2.7", 2_000, 0)
            .await
            .unwrap(),
        1
    );
    assert_eq!(anns(0).await.unwrap(), 2);
    assert_eq!(anns(1_500).await.unwrap(), 1, "window start is inclusive");
    assert_eq!(anns(2_000).await.unwrap(), 1);
    assert_eq!(anns(2_001).await.unwrap(), 0);
    // Later, the old failures have left the window.
    assert_eq!(failed(10_000, 5_000).await.unwrap(), 1);
    assert_eq!(anns(0).await.unwrap(), 1);
    store
        .clear_sign_in_failures("email:ann@example.com")
        .await
        .unwrap();
    assert_eq!(anns(0).await.unwrap(), 0);
    assert_eq!(
        store.sign_in_failures("ip:192.0.2.7", 0).await.unwrap(),
        1,
        "other keys are untouched"
    );
}

pub async fn audit_log_filters_and_pages<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let bob = person(&store, "bob@example.com", "Bob").await;
    let actions = [
        "sign-in",
        "access.denied",
        "person.read",
        "person_read",
        "Sign-in.x",
    ];
    let outcomes = [Outcome::Success, Outcome::Failure, Outcome::Denied];
    for i in 0..40_i64 {
        let event = NewAuditEvent {
            action: actions[(i % 5) as usize].into(),
            target: format!("route:GET /people/{i}"),
            outcome: outcomes[(i % 3) as usize],
            details: json!({ "i": i, "nested": { "z": true, "a": [1, 2] } }),
        };
        let audit = match i % 4 {
            0 => system(10_000 + i * 10),
            1 | 2 => by(ann.id, 10_000 + i * 10),
            _ => by(bob.id, 10_000 + i * 10),
        };
        store.append_audit(event, &audit).await.unwrap();
    }
    let all = events(&store).await;
    assert_eq!(all.len(), 42);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(
        all[0].details,
        json!({ "i": 39, "nested": { "z": true, "a": [1, 2] } })
    );
    assert_eq!(
        (all[0].at, all[0].target.as_str()),
        (10_390, "route:GET /people/39")
    );

    let check = |filter: AuditFilter, keep: &dyn Fn(&AuditEvent) -> bool| {
        let store = store.clone();
        let expected: Vec<i64> = all.iter().filter(|e| keep(e)).map(|e| e.id).collect();
        async move {
            let got: Vec<i64> = store
                .audit_events(filter.clone())
                .await
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect();
            assert_eq!(got, expected, "{filter:?}");
            got.len()
        }
    };
    let n = check(
        AuditFilter {
            actor_id: Some(ann.id),
            ..Default::default()
        },
        &|e| e.actor_id == Some(ann.id),
    )
    .await;
    assert_eq!(n, 20);
    // A target matches exactly: `/people/1` is not `/people/12`.
    let n = check(
        AuditFilter {
            target: Some("route:GET /people/1".into()),
            ..Default::default()
        },
        &|e| e.target == "route:GET /people/1",
    )
    .await;
    assert_eq!(n, 1);
    let n = check(
        AuditFilter {
            action_prefix: Some("person.".into()),
            ..Default::default()
        },
        &|e| e.action.starts_with("person."),
    )
    .await;
    assert_eq!(n, 10, "eight reads and the two person.create events");
    // `_` is a literal character, not a wildcard, and prefixes are case-sensitive.
    let n = check(
        AuditFilter {
            action_prefix: Some("person_".into()),
            ..Default::default()
        },
        &|e| e.action == "person_read",
    )
    .await;
    assert_eq!(n, 8);
    let n = check(
        AuditFilter {
            action_prefix: Some("sign-in".into()),
            ..Default::default()
        },
        &|e| e.action == "sign-in",
    )
    .await;
    assert_eq!(n, 8);
    let n = check(
        AuditFilter {
            outcome: Some(Outcome::Denied),
            ..Default::default()
        },
        &|e| e.outcome == Outcome::Denied,
    )
    .await;
    assert_eq!(n, 13);
    let n = check(
        AuditFilter {
            since: Some(10_100),
            until: Some(10_200),
            ..Default::default()
        },
        &|e| (10_100..10_200).contains(&e.at),
    )
    .await;
    assert_eq!(n, 10, "since inclusive, until exclusive");
    let combined = AuditFilter {
        actor_id: Some(ann.id),
        action_prefix: Some("access.".into()),
        outcome: Some(Outcome::Failure),
        since: Some(10_000),
        ..Default::default()
    };
    check(combined, &|e| {
        e.actor_id == Some(ann.id)
            && e.action == "access.denied"
            && e.outcome == Outcome::Failure
            && e.at >= 10_000
    })
    .await;

    // Paging with before_id walks the whole log exactly once.
    let mut paged = Vec::new();
    let mut before_id = None;
    loop {
        let page = store
            .audit_events(AuditFilter {
                limit: 7,
                before_id,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.len() <= 7);
        let Some(last) = page.last() else { break };
        before_id = Some(last.id);
        paged.extend(page.iter().map(|e| e.id));
    }
    assert_eq!(paged, all.iter().map(|e| e.id).collect::<Vec<_>>());
    let filtered_page = AuditFilter {
        actor_id: Some(ann.id),
        limit: 3,
        before_id: Some(all[5].id),
        ..Default::default()
    };
    check(filtered_page, &{
        let expected: HashSet<i64> = all
            .iter()
            .filter(|e| e.actor_id == Some(ann.id) && e.id < all[5].id)
            .take(3)
            .map(|e| e.id)
            .collect();
        move |e: &AuditEvent| expected.contains(&e.id)
    })
    .await;

    let empty = NewAuditEvent {
        action: " ".into(),
        target: "x".into(),
        outcome: Outcome::Success,
        details: json!({}),
    };
    assert_err!(store.append_audit(empty, &system(1)).await, Invalid);
    assert_eq!(events(&store).await.len(), 42);
}

pub async fn audit_listing_is_capped<S: Store>(store: S) {
    let total = u64::from(AUDIT_LIMIT_CAP) + 5;
    for i in 0..total {
        let event = NewAuditEvent {
            action: "person.read".into(),
            target: format!("person:{i}"),
            outcome: Outcome::Success,
            details: json!({}),
        };
        store
            .append_audit(event, &system(i as Millis))
            .await
            .unwrap();
    }
    let cap = AUDIT_LIMIT_CAP as usize;
    assert_eq!(events(&store).await.len(), cap, "limit 0 means the cap");
    let huge = store
        .audit_events(AuditFilter {
            limit: u32::MAX,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(huge.len(), cap);
    assert_eq!(huge[0].target, format!("person:{}", total - 1));
    let rest = AuditFilter {
        before_id: Some(huge[cap - 1].id),
        ..Default::default()
    };
    assert_eq!(store.audit_events(rest).await.unwrap().len(), 5);
}

pub async fn unknown_ids_are_not_found<S: Store>(store: S) {
    let audit = system(1);
    assert_err!(store.person(9_999).await, NotFound);
    assert_err!(
        store
            .update_person(9_999, PersonUpdate::default(), &audit)
            .await,
        NotFound
    );
    assert_err!(store.set_password(9_999, "h", &audit).await, NotFound);
    assert_err!(store.reports(9_999).await, NotFound);
    assert_err!(store.framework_version(9_999).await, NotFound);
    assert_err!(store.revoke_api_token(9_999, &audit).await, NotFound);
    assert_err!(
        store.create_api_token(9_999, "x", "h", &audit).await,
        NotFound
    );
    assert_eq!(
        store.person_by_email("ghost@example.com").await.unwrap(),
        None
    );
    assert_eq!(store.session("ghost").await.unwrap(), None);
    assert_eq!(store.use_api_token("ghost", 1).await.unwrap(), None);
    assert_eq!(store.delete_sessions_of(9_999).await.unwrap(), 0);
    assert!(events(&store).await.is_empty(), "nothing was audited");
}

/// Calls dropped at any point (a client that goes away mid-request) leave every pooled
/// connection usable: no transaction left open behind the pool's back, read-only or aborted,
/// for the next caller to run in. Needs a multi-threaded runtime (`tests/stories.rs` runs it on
/// each backend): callers are tasks aborted at varied moments while they read in transactions.
pub async fn dropped_calls_leave_connections_clean<S: Store>(store: S) {
    let boss = person(&store, "boss@example.com", "Boss").await;
    for i in 0..5 {
        reporting_to(
            &store,
            &format!("r{i}@example.com"),
            &format!("R{i}"),
            boss.id,
        )
        .await;
    }
    for round in 0..120u64 {
        let callers: Vec<_> = (0..16)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    loop {
                        let _ = store.reports(boss.id).await;
                    }
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_micros(300 + round * 37 % 900)).await;
        for caller in &callers {
            caller.abort();
        }
        for caller in callers {
            let _ = caller.await;
        }
        // Writes on every connection of the pool succeed.
        for i in 0..6 {
            let name = format!("Team {round}-{i}");
            let team = store
                .ensure_team(&name, &system(2))
                .await
                .unwrap_or_else(|e| panic!("a write after dropped calls (round {round}): {e}"));
            assert_eq!(team.name, name);
        }
    }
    assert_eq!(store.reports(boss.id).await.unwrap().len(), 5);
}
