//! Stories of password reset links: only a token's hash is kept, and a token is used once, before
//! it expires, for an active account only.

use trellis_store::{Outcome, PersonUpdate, Store, StoreError};

use super::{by, events_of, person, session, system};

pub async fn reset_links_are_used_once_before_they_expire<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let bob = person(&store, "bob@example.com", "Bob").await;
    store
        .create_password_reset(ann.id, "hash-1", 10_000, &system(1_000))
        .await
        .unwrap();
    store
        .create_password_reset(ann.id, "hash-2", 10_000, &system(2_000))
        .await
        .unwrap();
    store
        .create_password_reset(bob.id, "hash-bob", 10_000, &system(2_000))
        .await
        .unwrap();
    assert_eq!(
        store
            .password_reset("hash-1", 9_999)
            .await
            .unwrap()
            .map(|p| p.id),
        Some(ann.id)
    );
    assert_eq!(
        store.password_reset("hash-1", 10_000).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.password_reset("hash-unknown", 1).await.unwrap(), None);
    let requested = events_of(&store, "password-reset.request").await;
    assert_eq!(requested.len(), 3);
    assert!(
        requested
            .iter()
            .any(|e| e.target == format!("person:{}", ann.id))
    );

    // Using a link sets the password, ends the account's sessions and its other links.
    for hash in ["s-1", "s-2"] {
        store
            .create_session(session(hash, ann.id, 3_000))
            .await
            .unwrap();
    }
    store
        .create_session(session("s-bob", bob.id, 3_000))
        .await
        .unwrap();
    let reset = store
        .reset_password("hash-1", "new-hash", &system(5_000))
        .await
        .unwrap();
    assert_eq!(reset.id, ann.id);
    assert_eq!(
        store.person(ann.id).await.unwrap().password_hash.as_deref(),
        Some("new-hash")
    );
    assert_eq!(store.session("s-1").await.unwrap(), None);
    assert_eq!(store.session("s-2").await.unwrap(), None);
    assert!(
        store.session("s-bob").await.unwrap().is_some(),
        "others keep theirs"
    );
    assert_eq!(
        store.password_reset("hash-2", 5_001).await.unwrap(),
        None,
        "the other link ended"
    );
    assert!(
        store
            .password_reset("hash-bob", 5_001)
            .await
            .unwrap()
            .is_some()
    );
    let completed = events_of(&store, "password-reset.complete").await;
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].outcome, Outcome::Success);
    assert_eq!(completed[0].actor_id, Some(ann.id));
    assert_eq!(completed[0].details["sessions_ended"], 2);

    // Once only.
    for hash in ["hash-1", "hash-2"] {
        assert_err!(
            store.reset_password(hash, "again", &system(6_000)).await,
            NotFound
        );
    }
    assert_eq!(
        store.person(ann.id).await.unwrap().password_hash.as_deref(),
        Some("new-hash")
    );
    // Not after it expired.
    assert_err!(
        store
            .reset_password("hash-bob", "late", &system(10_000))
            .await,
        NotFound
    );
    assert_eq!(events_of(&store, "password-reset.complete").await.len(), 1);
}

pub async fn reset_links_end_with_the_account_or_another_password<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let bob = person(&store, "bob@example.com", "Bob").await;
    assert_err!(
        store
            .create_password_reset(9_999, "hash-x", 10_000, &system(1_000))
            .await,
        NotFound
    );
    // A password set another way ends the links asked for before.
    store
        .create_password_reset(bob.id, "hash-bob", 10_000, &system(1_000))
        .await
        .unwrap();
    store
        .set_password(bob.id, "set-by-admin", &system(2_000))
        .await
        .unwrap();
    assert_eq!(store.password_reset("hash-bob", 2_001).await.unwrap(), None);
    assert_err!(
        store
            .reset_password("hash-bob", "mine", &system(2_002))
            .await,
        NotFound
    );

    // A deactivated account's links do nothing, and it gets no new one.
    store
        .create_password_reset(ann.id, "hash-ann", 10_000, &system(1_000))
        .await
        .unwrap();
    let off = PersonUpdate {
        active: Some(false),
        ..PersonUpdate::default()
    };
    store
        .update_person(ann.id, off, &by(bob.id, 3_000))
        .await
        .unwrap();
    assert_eq!(store.password_reset("hash-ann", 3_001).await.unwrap(), None);
    assert_err!(
        store
            .reset_password("hash-ann", "mine", &system(3_002))
            .await,
        NotFound
    );
    assert_err!(
        store
            .create_password_reset(ann.id, "hash-ann-2", 10_000, &system(3_003))
            .await,
        NotFound
    );
    assert_eq!(store.person(ann.id).await.unwrap().password_hash, None);
    // A taken hash is a conflict, never a second link.
    store
        .create_password_reset(bob.id, "hash-bob-2", 10_000, &system(4_000))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_password_reset(bob.id, "hash-bob-2", 10_000, &system(4_001))
            .await,
        Err(StoreError::Conflict(_))
    ));
}
