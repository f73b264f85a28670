//! Published framework versions: snapshots of a framework's content, kept byte for byte.

use serde_json::json;
use trellis_store::backend::clean_text;
use trellis_store::{
    Audit, FrameworkStore, FrameworkVersion, FrameworkVersionId, FrameworkVersionSummary,
    NewFrameworkVersion, StoreError, StoreResult,
};

use crate::dialect::JsonText;
use crate::{Connection, Database, db_run, success};

const SUMMARY_COLUMNS: &str = "id, framework_id, version, name, published_at, published_by";

impl FrameworkStore for Database {
    async fn publish_framework(
        &self,
        new: NewFrameworkVersion,
        audit: &Audit,
    ) -> StoreResult<FrameworkVersion> {
        let framework_id = clean_text("framework id", &new.framework_id)?;
        let version = clean_text("version", &new.version)?;
        let content = JsonText(new.content.to_string());
        let mut tx = self.write().await?;
        let id: FrameworkVersionId = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO framework_versions (framework_id, version, name, published_at,
                 published_by, content)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&framework_id)
        .bind(&version)
        .bind(&new.name)
        .bind(audit.at)
        .bind(audit.actor_id)
        .bind(&content)
        .fetch_one(c))?;
        let target = format!("framework:{framework_id}@{version}");
        let details = json!({ "framework_version_id": id });
        tx.commit_audited(audit, success("framework.publish", target, details))
            .await?;
        Ok(FrameworkVersion {
            id,
            framework_id,
            version,
            name: new.name,
            published_at: audit.at,
            published_by: audit.actor_id,
            content: new.content,
        })
    }

    async fn framework_versions(&self) -> StoreResult<Vec<FrameworkVersionSummary>> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM framework_versions ORDER BY id DESC");
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(c))
    }

    async fn framework_version(&self, id: FrameworkVersionId) -> StoreResult<FrameworkVersion> {
        let sql =
            format!("SELECT {SUMMARY_COLUMNS}, content FROM framework_versions WHERE id = $1");
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(c))?
        .ok_or_else(|| StoreError::NotFound(format!("framework version {id}")))
    }

    async fn current_framework(&self) -> StoreResult<Option<FrameworkVersion>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, content FROM framework_versions ORDER BY id DESC LIMIT 1"
        );
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_optional(c))
    }

    async fn current_framework_id(&self) -> StoreResult<Option<FrameworkVersionId>> {
        db_run!(self, |c| sqlx::query_scalar(
            "SELECT max(id) FROM framework_versions"
        )
        .fetch_one(c))
    }
}
