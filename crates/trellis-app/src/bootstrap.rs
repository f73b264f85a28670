//! What a fresh server needs before anyone can use it: a published framework and an administrator.

use trellis_formats::{load, starter::starter_files};
use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{
    Audit, FrameworkVersion, NewFrameworkVersion, NewPerson, PersonUpdate, StoreError, SystemRole,
};
use trellis_store_sql::Database;

use crate::secrets::{self, HashError};
use crate::time::now_millis;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("the built-in starter framework has {0} error(s); run `trellis check` to see them")]
    Starter(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error("{0}")]
    Other(String),
}

/// A framework as a version to publish.
pub fn framework_version(fw: &Framework) -> Result<NewFrameworkVersion, serde_json::Error> {
    Ok(NewFrameworkVersion {
        framework_id: fw.id.clone(),
        version: fw.version.clone(),
        name: fw.name.clone(),
        content: serde_json::to_value(fw)?,
    })
}

/// The audit context of start-up work: no actor, no address.
pub fn system_audit() -> Audit {
    Audit {
        actor_id: None,
        ip: None,
        at: now_millis(),
    }
}

/// Publishes the built-in starter framework when nothing has been published yet.
pub async fn publish_starter_if_empty(
    store: &Database,
) -> Result<Option<FrameworkVersion>, BootstrapError> {
    if store.current_framework().await?.is_some() {
        return Ok(None);
    }
    let loaded = load(&starter_files());
    if loaded.has_errors() {
        return Err(BootstrapError::Starter(loaded.errors()));
    }
    let new =
        framework_version(&loaded.framework).map_err(|e| BootstrapError::Other(e.to_string()))?;
    Ok(Some(store.publish_framework(new, &system_audit()).await?))
}

/// The first administrator's credentials, to be shown once.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    pub email: String,
    pub password: String,
}

/// Creates an administrator with a generated password when there is no active one. An existing
/// account with that email is made an administrator and given the new password.
pub async fn ensure_admin(
    store: &Database,
    email: &str,
) -> Result<Option<FirstAdmin>, BootstrapError> {
    let has_admin = store
        .people()
        .await?
        .iter()
        .any(|p| p.system_role == SystemRole::Admin && p.active && p.password_hash.is_some());
    if has_admin {
        return Ok(None);
    }
    let email = email.trim().to_lowercase();
    let password = secrets::generate_password();
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&pw))
        .await
        .map_err(|e| BootstrapError::Other(e.to_string()))??;
    let audit = system_audit();
    match store.person_by_email(&email).await? {
        Some(p) => {
            store
                .update_person(
                    p.id,
                    PersonUpdate {
                        system_role: Some(SystemRole::Admin),
                        active: Some(true),
                        ..PersonUpdate::default()
                    },
                    &audit,
                )
                .await?;
            store.set_password(p.id, &hash, &audit).await?;
        }
        None => {
            store
                .create_person(
                    NewPerson {
                        email: email.clone(),
                        name: "Administrator".into(),
                        team_id: None,
                        manager_id: None,
                        role_level: None,
                        role_level_version: None,
                        system_role: SystemRole::Admin,
                        password_hash: Some(hash),
                    },
                    &audit,
                )
                .await?;
        }
    }
    Ok(Some(FirstAdmin { email, password }))
}
