//! The current framework as the cache serves it: the same version until the store is asked again,
//! a version published meanwhile (by another server, say) once it is, and answers at once while
//! many requests ask together.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Org;
use trellis_app::Config;
use trellis_store::prelude::*;
use trellis_store::{Audit, NewFrameworkVersion};

#[tokio::test]
async fn the_current_framework_is_checked_again_after_its_refresh() {
    let refresh = Duration::from_millis(400);
    let org = Org::with_config(Config {
        framework_refresh: refresh,
        ..Config::default()
    })
    .await;
    let first = org.app.current_framework().await.unwrap().unwrap();
    // Published straight into the store, as another server would: this one does not know yet.
    let stored = org
        .app
        .store()
        .framework_version(first.summary.id)
        .await
        .unwrap();
    let next = NewFrameworkVersion {
        framework_id: stored.framework_id.clone(),
        version: "9.9.9".into(),
        name: stored.name.clone(),
        content: stored.content.clone(),
    };
    let published = org
        .app
        .store()
        .publish_framework(next, &Audit::default())
        .await
        .unwrap();
    assert_eq!(
        org.app
            .current_framework()
            .await
            .unwrap()
            .unwrap()
            .summary
            .id,
        first.summary.id,
        "within the refresh, the cached version"
    );
    tokio::time::sleep(refresh + Duration::from_millis(50)).await;
    // Many requests at once after the refresh: each gets a version, and the newest is served.
    let app = Arc::new(org.app.clone());
    let asks: Vec<_> = (0..16)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.current_framework().await.unwrap().unwrap().summary.id })
        })
        .collect();
    for ask in asks {
        let id = ask.await.unwrap();
        assert!(id == first.summary.id || id == published.id, "{id}");
    }
    let now = org.app.current_framework().await.unwrap().unwrap();
    assert_eq!(now.summary.id, published.id);
    assert_eq!(now.summary.version, "9.9.9");
    // The same version is the same value, not read and parsed again.
    assert!(Arc::ptr_eq(
        &now,
        &org.app.current_framework().await.unwrap().unwrap()
    ));
}
