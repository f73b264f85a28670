//! Stories of single sign-ons under way: each is taken once, and not after it expires.

use trellis_store::{PendingSsoSignIn, Store, StoreError};

use super::races::all_at_once;

fn pending(next: &str) -> PendingSsoSignIn {
    PendingSsoSignIn {
        nonce: format!("nonce-for-{next}"),
        pkce_verifier: format!("verifier-for-{next}"),
        next_path: next.into(),
    }
}

pub async fn sso_sign_ins_are_taken_once_before_they_expire<S: Store>(store: S) {
    store
        .begin_sso_sign_in("state-1", &pending("/people/3"), 1_000, 61_000)
        .await
        .unwrap();
    store
        .begin_sso_sign_in("state-2", &pending("/"), 2_000, 62_000)
        .await
        .unwrap();
    assert_eq!(
        store
            .take_sso_sign_in("state-unknown", 3_000)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.take_sso_sign_in("state-1", 3_000).await.unwrap(),
        Some(pending("/people/3")),
        "what was kept comes back as it was"
    );
    assert_eq!(
        store.take_sso_sign_in("state-1", 3_000).await.unwrap(),
        None,
        "a replayed callback finds nothing"
    );
    assert_eq!(
        store.take_sso_sign_in("state-2", 62_000).await.unwrap(),
        None,
        "expired at its expiry"
    );

    // Starting another drops those expired; one still running is kept.
    store
        .begin_sso_sign_in("state-3", &pending("/a"), 70_000, 130_000)
        .await
        .unwrap();
    store
        .begin_sso_sign_in("state-4", &pending("/b"), 131_000, 191_000)
        .await
        .unwrap();
    assert_eq!(
        store.take_sso_sign_in("state-3", 100_000).await.unwrap(),
        None
    );
    assert_eq!(
        store.take_sso_sign_in("state-4", 131_500).await.unwrap(),
        Some(pending("/b"))
    );

    let twice = store
        .begin_sso_sign_in("state-5", &pending("/"), 200_000, 260_000)
        .await;
    assert!(twice.is_ok());
    let again = store
        .begin_sso_sign_in("state-5", &pending("/"), 200_001, 260_000)
        .await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict(_)) | Err(StoreError::Backend(_))
        ),
        "a state is never reused: {again:?}"
    );
}

pub async fn an_sso_callback_replayed_at_once_signs_in_once<S: Store>(store: S) {
    store
        .begin_sso_sign_in("state-race", &pending("/"), 1_000, 600_000)
        .await
        .unwrap();
    let results = all_at_once(8, |_| {
        let store = store.clone();
        async move { store.take_sso_sign_in("state-race", 2_000).await }
    })
    .await;
    let taken = results.iter().filter(|r| matches!(r, Ok(Some(_)))).count();
    assert_eq!(taken, 1, "{results:?}");
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}
