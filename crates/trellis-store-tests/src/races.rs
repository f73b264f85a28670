//! Stories of changes racing each other: the same change sent many times at once must leave the
//! records as the rules say, however the database interleaves them. The harness runs these on a
//! runtime with several threads, against a real database file or server, so the calls below do run
//! at the same time.

use std::sync::Arc;

use trellis_store::{
    Failures, LAST_ADMIN, NewPerson, OPEN_ASSESSMENT_EXISTS, PersonUpdate, Reservation, Store,
    StoreError, SystemRole,
};
use trellis_store::{NewAssessment, Stage};

use super::growth::opened;
use super::{by, events_of, new_person, person, reporting_to, starter_version, system};

/// Runs `n` copies of `call` at once (each on its own task, released together) and returns their
/// results in the order of their index.
pub(crate) async fn all_at_once<T, F, Fut>(n: usize, call: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let start = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let start = start.clone();
        let call = call(i);
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            call.await
        }));
    }
    let mut out = Vec::with_capacity(n);
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

pub async fn parallel_starts_open_one_assessment<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let version = starter_version(&store).await;
    let start = |role_level: &str| NewAssessment {
        person_id: ann.id,
        role_level: role_level.into(),
        framework_version_id: version,
        cycle: "2026".into(),
    };
    const STARTS: usize = 16;
    let results = all_at_once(STARTS, |i| {
        let store = store.clone();
        let new = start("engineering/senior-engineer");
        async move {
            store
                .create_assessment(new, Vec::new(), &by(mia.id, 10 + i as i64))
                .await
        }
    })
    .await;
    let started: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(
        started.len(),
        1,
        "one of {STARTS} parallel starts: {results:?}"
    );
    for r in &results {
        match r {
            Ok(_) => {}
            Err(StoreError::Conflict(m)) => assert_eq!(m, OPEN_ASSESSMENT_EXISTS),
            Err(other) => panic!("a losing start is a conflict, got {other:?}"),
        }
    }
    let open = store.open_assessments(&[ann.id]).await.unwrap();
    assert_eq!(open.len(), 1, "exactly one open assessment");
    assert_eq!(open[0].id, started[0].id);
    assert_eq!(events_of(&store, "assessment.create").await.len(), 1);

    // Another role level is another assessment; once agreed, the same role level starts again.
    opened(&store, start("engineering/staff-engineer"), &by(mia.id, 50)).await;
    let a = started[0];
    let mut revision = a.revision;
    for (to, by_whom) in [
        (Stage::Manager, ann.id),
        (Stage::Compare, mia.id),
        (Stage::Agreed, mia.id),
    ] {
        revision = store
            .advance_assessment(a.id, to, by_whom, revision, &by(by_whom, 60))
            .await
            .unwrap()
            .revision;
    }
    opened(
        &store,
        start("engineering/senior-engineer"),
        &by(mia.id, 70),
    )
    .await;
    assert_eq!(store.open_assessments(&[ann.id]).await.unwrap().len(), 2);
}

pub async fn admins_demoting_each_other_leave_one<S: Store>(store: S) {
    let admin = |email: &str, name: &str| NewPerson {
        system_role: SystemRole::Admin,
        ..new_person(email, name)
    };
    let a = store
        .create_person(admin("a@example.com", "A"), &system(1))
        .await
        .unwrap();
    let b = store
        .create_person(admin("b@example.com", "B"), &system(1))
        .await
        .unwrap();
    let member = PersonUpdate {
        system_role: Some(SystemRole::Member),
        ..Default::default()
    };
    let inactive = PersonUpdate {
        active: Some(false),
        ..Default::default()
    };
    const TRIALS: usize = 12;
    for trial in 0..TRIALS {
        // Each admin takes the role from the other (or, every other trial, deactivates them).
        let change = if trial % 2 == 0 { &member } else { &inactive };
        let results = all_at_once(2, |i| {
            let store = store.clone();
            let (target, actor) = if i == 0 { (a.id, b.id) } else { (b.id, a.id) };
            let change = change.clone();
            async move {
                store
                    .update_person(target, change, &by(actor, 100 + trial as i64))
                    .await
            }
        })
        .await;
        assert_eq!(
            store.count_admins().await.unwrap(),
            1,
            "trial {trial}: one active admin is left: {results:?}"
        );
        let refused = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict(m)) if m == LAST_ADMIN))
            .count();
        assert_eq!(
            (results.len() - refused, refused),
            (1, 1),
            "trial {trial}: {results:?}"
        );
        // Both admins again for the next trial.
        let restore = PersonUpdate {
            system_role: Some(SystemRole::Admin),
            active: Some(true),
            ..Default::default()
        };
        for id in [a.id, b.id] {
            store
                .update_person(id, restore.clone(), &system(200))
                .await
                .unwrap();
        }
        assert_eq!(store.count_admins().await.unwrap(), 2);
    }
}

pub async fn parallel_guesses_are_reserved_one_by_one<S: Store>(store: S) {
    const GUESSES: usize = 40;
    const FREE: u32 = 5;
    let pair = "pair:ann@example.com|192.0.2.7";
    let address = "ip:192.0.2.7";
    // The rule of the test: five failures of the pair, then wait.
    let results = all_at_once(GUESSES, |_| {
        let store = store.clone();
        async move {
            store
                .reserve_sign_in_attempt(&[pair, address], 1_000, 0, |seen: &[Failures]| {
                    (seen[0].count >= FREE).then_some(60_000)
                })
                .await
                .unwrap()
        }
    })
    .await;
    let reserved: Vec<Vec<i64>> = results
        .iter()
        .filter_map(|r| match r {
            Reservation::Reserved(ids) => Some(ids.clone()),
            Reservation::Wait(_) => None,
        })
        .collect();
    assert_eq!(
        reserved.len(),
        FREE as usize,
        "of {GUESSES} parallel guesses, only {FREE} may be checked"
    );
    assert!(results.contains(&Reservation::Wait(60_000)));
    assert_eq!(store.sign_in_failures(pair, 0).await.unwrap(), FREE);
    assert_eq!(store.sign_in_failures(address, 0).await.unwrap(), FREE);

    // The decision sees what is recorded: counts, oldest and newest.
    let mut seen_before = Vec::new();
    let next = store
        .reserve_sign_in_attempt(&[pair, address, "ip:other"], 2_000, 0, |seen| {
            seen_before = seen.to_vec();
            None
        })
        .await
        .unwrap();
    let expected = Failures {
        count: FREE,
        first_at: Some(1_000),
        last_at: Some(1_000),
    };
    assert_eq!(seen_before, [expected, expected, Failures::default()]);
    let Reservation::Reserved(ids) = next else {
        panic!("reserved: {next:?}");
    };
    assert_eq!(ids.len(), 3);

    // A success takes its own reservation back and forgives the pair; the address keeps the
    // failures of the other guesses.
    store.release_sign_in_attempt(&ids, pair).await.unwrap();
    assert_eq!(store.sign_in_failures(pair, 0).await.unwrap(), 0);
    assert_eq!(store.sign_in_failures(address, 0).await.unwrap(), FREE);
    assert_eq!(store.sign_in_failures("ip:other", 0).await.unwrap(), 0);

    // Failures before the window are not counted, and are dropped when a key is next reserved.
    let late = store
        .reserve_sign_in_attempt(&[address], 10_000, 5_000, |seen| {
            assert_eq!(seen[0].count, 0);
            None
        })
        .await
        .unwrap();
    assert!(matches!(late, Reservation::Reserved(_)));
    assert_eq!(store.sign_in_failures(address, 0).await.unwrap(), 1);
}

pub async fn api_tokens_are_read_without_recording_use<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let token = store
        .create_api_token(ann.id, "ci", "token-hash-1", &by(ann.id, 1_000))
        .await
        .unwrap();
    let (read, who) = store.api_token("token-hash-1").await.unwrap().unwrap();
    assert_eq!(
        (read.id, read.last_used_at, who.id),
        (token.id, None, ann.id)
    );
    assert_eq!(store.api_token("token-hash-2").await.unwrap(), None);

    store.touch_api_token(token.id, 5_000).await.unwrap();
    store.touch_api_token(token.id, 4_000).await.unwrap();
    let (read, _) = store.api_token("token-hash-1").await.unwrap().unwrap();
    assert_eq!(read.last_used_at, Some(5_000), "never moved back");
    store.touch_api_token(9_999, 5_000).await.unwrap();

    store
        .revoke_api_token(token.id, &by(ann.id, 6_000))
        .await
        .unwrap();
    assert_eq!(store.api_token("token-hash-1").await.unwrap(), None);
}

pub async fn a_reset_link_used_at_once_twice_works_once<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    store
        .create_password_reset(ann.id, "hash-1", 1_000_000, &system(1_000))
        .await
        .unwrap();
    const USES: usize = 8;
    let results = all_at_once(USES, |i| {
        let store = store.clone();
        async move {
            store
                .reset_password("hash-1", &format!("hash-of-password-{i}"), &system(2_000))
                .await
        }
    })
    .await;
    let used: Vec<usize> = (0..USES).filter(|i| results[*i].is_ok()).collect();
    assert_eq!(used.len(), 1, "{results:?}");
    for r in &results {
        assert!(matches!(r, Ok(_) | Err(StoreError::NotFound(_))), "{r:?}");
    }
    let hash = store.person(ann.id).await.unwrap().password_hash;
    assert_eq!(hash, Some(format!("hash-of-password-{}", used[0])));
    assert_eq!(events_of(&store, "password-reset.complete").await.len(), 1);
}
