//! Changing evidence after it was added: editing it (the version it replaces is kept) and
//! deleting it softly (the row stays, marked, and stops counting toward readiness).

use serde_json::json;
use trellis_store::backend::clean_evidence;
use trellis_store::{
    Audit, Evidence, EvidenceEntry, EvidenceId, EvidenceVersion, Millis, NewEvidence, PersonId,
    StoreError, StoreResult,
};

use super::actor;
use super::rows::{EVIDENCE_COLUMNS, require_people};
use crate::dialect::{Dialect, Values};
use crate::{Connection, Database, append, db_run, success};

type Marks = (
    Option<Millis>,
    Option<PersonId>,
    Option<Millis>,
    Option<PersonId>,
);

async fn entry_in(
    conn: &mut impl Connection,
    id: EvidenceId,
    lock: bool,
) -> StoreResult<EvidenceEntry> {
    let evidence: Option<Evidence> = db_run!(conn, |c| {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = $1{}",
            if lock { Db::FOR_UPDATE } else { "" }
        );
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(c)
    })?;
    let evidence = evidence.ok_or_else(|| StoreError::NotFound(format!("evidence {id}")))?;
    let (updated_at, updated_by, deleted_at, deleted_by): Marks =
        db_run!(conn, |c| sqlx::query_as(
            "SELECT updated_at, updated_by, deleted_at, deleted_by FROM evidence WHERE id = $1"
        )
        .bind(id)
        .fetch_one(c))?;
    Ok(EvidenceEntry {
        evidence,
        updated_at,
        updated_by,
        deleted_at,
        deleted_by,
    })
}

pub(super) async fn entry(db: &Database, id: EvidenceId) -> StoreResult<EvidenceEntry> {
    entry_in(&mut db.conn().await?, id, false).await
}

/// The evidence, locked, unless it is deleted (`NotFound` then).
async fn live(conn: &mut impl Connection, id: EvidenceId) -> StoreResult<Evidence> {
    let entry = entry_in(conn, id, true).await?;
    if entry.deleted_at.is_some() {
        return Err(StoreError::NotFound(format!("evidence {id} (deleted)")));
    }
    Ok(entry.evidence)
}

pub(super) async fn update(
    db: &Database,
    id: EvidenceId,
    new: NewEvidence,
    audit: &Audit,
) -> StoreResult<Evidence> {
    let new = clean_evidence(new)?;
    let by = actor(audit, "an edit of evidence")?;
    let mut tx = db.write().await?;
    let old = live(&mut tx, id).await?;
    if new.person_id != old.person_id {
        return Err(StoreError::Invalid(format!(
            "evidence {id} is about person {}, not {}",
            old.person_id, new.person_id
        )));
    }
    require_people(&mut tx, [by]).await?;
    db_run!(rows tx, |c| sqlx::query(
        "INSERT INTO evidence_versions (evidence_id, happened_on, title, description, links,
             skills, corroborators, replaced_at, replaced_by)
         SELECT id, happened_on, title, description, links, skills, corroborators, $2, $3
         FROM evidence WHERE id = $1"
    )
    .bind(id)
    .bind(audit.at)
    .bind(by)
    .execute(c))?;
    let list = |l: &[String]| crate::dialect::JsonText(serde_json::Value::from(l).to_string());
    db_run!(rows tx, |c| sqlx::query(
        "UPDATE evidence SET happened_on = $1, title = $2, description = $3, links = $4,
             skills = $5, corroborators = $6, updated_at = $7, updated_by = $8
         WHERE id = $9"
    )
    .bind(&new.happened_on)
    .bind(&new.title)
    .bind(&new.description)
    .bind(list(&new.links))
    .bind(list(&new.skills))
    .bind(list(&new.corroborators))
    .bind(audit.at)
    .bind(by)
    .bind(id)
    .execute(c))?;
    db_run!(rows tx, |c| sqlx::query("DELETE FROM evidence_skills WHERE evidence_id = $1")
        .bind(id)
        .execute(c))?;
    let columns = [
        ("evidence_id", Values::Int(vec![id; new.skills.len()])),
        (
            "person_id",
            Values::Int(vec![new.person_id; new.skills.len()]),
        ),
        (
            "skill",
            Values::Text(new.skills.iter().map(String::as_str).collect()),
        ),
    ];
    db_run!(tx, |c| Db::insert_rows(c, "evidence_skills", &columns))?;
    let details = json!({
        "person_id": new.person_id,
        "skills": new.skills,
        "before": { "title": old.title, "happened_on": old.happened_on, "skills": old.skills },
    });
    append(
        &mut tx,
        audit,
        success("evidence.update", format!("evidence:{id}"), details),
    )
    .await?;
    let updated = live(&mut tx, id).await?;
    tx.commit().await?;
    Ok(updated)
}

pub(super) async fn delete(db: &Database, id: EvidenceId, audit: &Audit) -> StoreResult<()> {
    let by = actor(audit, "deleting evidence")?;
    let mut tx = db.write().await?;
    let old = live(&mut tx, id).await?;
    require_people(&mut tx, [by]).await?;
    db_run!(rows tx, |c| sqlx::query(
        "UPDATE evidence SET deleted_at = $1, deleted_by = $2 WHERE id = $3"
    )
    .bind(audit.at)
    .bind(by)
    .bind(id)
    .execute(c))?;
    // It no longer counts toward readiness.
    db_run!(rows tx, |c| sqlx::query("DELETE FROM evidence_skills WHERE evidence_id = $1")
        .bind(id)
        .execute(c))?;
    let details = json!({
        "person_id": old.person_id,
        "title": old.title,
        "happened_on": old.happened_on,
        "skills": old.skills,
    });
    tx.commit_audited(
        audit,
        success("evidence.delete", format!("evidence:{id}"), details),
    )
    .await?;
    Ok(())
}

pub(super) async fn versions(db: &Database, id: EvidenceId) -> StoreResult<Vec<EvidenceVersion>> {
    let found: Vec<EvidenceVersion> = db_run!(db, |c| sqlx::query_as(
        "SELECT evidence_id, happened_on, title, description, links, skills, corroborators,
             replaced_at, replaced_by
         FROM evidence_versions WHERE evidence_id = $1 ORDER BY id"
    )
    .bind(id)
    .fetch_all(c))?;
    if found.is_empty() {
        entry(db, id).await?;
    }
    Ok(found)
}
