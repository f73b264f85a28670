//! Bulk loading, for demo organisations: many rows per statement, in few transactions, with ids
//! reserved first (so that ratings can name the assessments inserted with them). Every reference
//! is checked before anything is written, so that a load cannot stop half-way on bad input.

use serde_json::json;
use trellis_store::backend::{
    bulk_chunks, bulk_stage_marks, clean_bulk_assessment, clean_evidence, clean_person,
};
use trellis_store::{
    Audit, BulkAssessment, EvidenceId, FrameworkVersionId, NewEvidence, NewPerson, Person,
    PersonId, StoreResult,
};

use super::rows::{RatingRow, insert_evidence, insert_ratings, require, require_people};
use crate::dialect::{Dialect, Values};
use crate::{Connection, Database, PERSON_COLUMNS, append, db_run, success};

/// Rating rows per bulk transaction: large enough to be fast, small enough that other writers
/// get a turn (they wait while a chunk is written).
const BULK_CHUNK_ROWS: usize = 20_000;

pub(super) async fn create_people(
    db: &Database,
    people: Vec<NewPerson>,
    audit: &Audit,
) -> StoreResult<Vec<Person>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let people = people
        .into_iter()
        .map(clean_person)
        .collect::<StoreResult<Vec<_>>>()?;
    let mut tx = db.write().await?;
    let managers: Vec<PersonId> = people.iter().filter_map(|p| p.manager_id).collect();
    require_people(&mut tx, managers).await?;
    let ids = db_run!(tx, |c| Db::reserve_ids(c, "people", people.len()))?;
    let text = |f: fn(&NewPerson) -> &str| Values::Text(people.iter().map(f).collect());
    let optional =
        |f: fn(&NewPerson) -> Option<i64>| Values::OptInt(people.iter().map(f).collect());
    let since = |p: &NewPerson| p.role_level.as_ref().map(|_| audit.at);
    let columns = [
        ("id", Values::Int(ids.clone())),
        ("email", text(|p| &p.email)),
        ("name", text(|p| &p.name)),
        ("team_id", optional(|p| p.team_id)),
        ("manager_id", optional(|p| p.manager_id)),
        (
            "role_level",
            Values::OptText(people.iter().map(|p| p.role_level.as_deref()).collect()),
        ),
        ("role_level_version", optional(|p| p.role_level_version)),
        (
            "role_level_since",
            Values::OptInt(people.iter().map(since).collect()),
        ),
        ("system_role", text(|p| p.system_role.as_str())),
        (
            "password_hash",
            Values::OptText(people.iter().map(|p| p.password_hash.as_deref()).collect()),
        ),
        ("created_at", Values::Int(vec![audit.at; people.len()])),
    ];
    db_run!(tx, |c| Db::insert_rows(c, "people", &columns))?;
    let details = json!({ "count": people.len() });
    append(
        &mut tx,
        audit,
        success("person.bulk-create", "people".into(), details),
    )
    .await?;
    let created = db_run!(tx, |c| {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE {} ORDER BY p.id",
            Db::in_ids("p.id", 1)
        );
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(Db::ids(&ids))
            .fetch_all(c)
    })?;
    tx.commit().await?;
    Ok(created)
}

pub(super) async fn create_assessments(
    db: &Database,
    assessments: Vec<BulkAssessment>,
    audit: &Audit,
) -> StoreResult<usize> {
    if assessments.is_empty() {
        return Ok(0);
    }
    let assessments = assessments
        .into_iter()
        .map(clean_bulk_assessment)
        .collect::<StoreResult<Vec<_>>>()?;
    {
        let mut conn = db.conn().await?;
        let people: Vec<PersonId> = assessments
            .iter()
            .flat_map(|a| {
                [a.assessment.person_id, a.created_by]
                    .into_iter()
                    .chain(a.ratings.iter().map(|(_, rater, ..)| *rater))
            })
            .collect();
        require_people(&mut conn, people).await?;
        let versions: Vec<FrameworkVersionId> = assessments
            .iter()
            .map(|a| a.assessment.framework_version_id)
            .collect();
        require(
            &mut conn,
            "framework_versions",
            "framework version",
            versions,
        )
        .await?;
    }
    let count = assessments.len();
    let chunks = bulk_chunks(&assessments, BULK_CHUNK_ROWS, |a| a.ratings.len());
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut tx = db.write().await?;
        let ids = db_run!(tx, |c| Db::reserve_ids(c, "assessments", chunk.len()))?;
        let marks: Vec<_> = chunk.iter().map(bulk_stage_marks).collect();
        let int = |f: fn(&BulkAssessment) -> i64| Values::Int(chunk.iter().map(f).collect());
        let text = |f: fn(&BulkAssessment) -> &str| Values::Text(chunk.iter().map(f).collect());
        let mark = |f: &dyn Fn(&trellis_store::backend::StageMarks) -> Option<i64>| {
            Values::OptInt(marks.iter().map(f).collect())
        };
        let columns = [
            ("id", Values::Int(ids.clone())),
            ("person_id", int(|b| b.assessment.person_id)),
            ("role_level", text(|b| &b.assessment.role_level)),
            (
                "framework_version_id",
                int(|b| b.assessment.framework_version_id),
            ),
            ("cycle", text(|b| &b.assessment.cycle)),
            ("stage", text(|b| b.stage.as_str())),
            ("created_by", int(|b| b.created_by)),
            ("created_at", int(|b| b.created_at)),
            (
                "self_submitted_at",
                mark(&|m| m.self_submitted.map(|x| x.0)),
            ),
            (
                "self_submitted_by",
                mark(&|m| m.self_submitted.map(|x| x.1)),
            ),
            (
                "manager_submitted_at",
                mark(&|m| m.manager_submitted.map(|x| x.0)),
            ),
            (
                "manager_submitted_by",
                mark(&|m| m.manager_submitted.map(|x| x.1)),
            ),
            ("agreed_at", mark(&|m| m.agreed.map(|x| x.0))),
            ("agreed_by", mark(&|m| m.agreed.map(|x| x.1))),
        ];
        db_run!(tx, |c| Db::insert_rows(c, "assessments", &columns))?;
        let ratings: Vec<RatingRow> = ids
            .iter()
            .zip(chunk)
            .flat_map(|(id, bulk)| {
                bulk.ratings
                    .iter()
                    .map(|(kind, rater, rating, at)| RatingRow {
                        assessment_id: *id,
                        person_id: bulk.assessment.person_id,
                        kind: *kind,
                        rater_id: *rater,
                        rating,
                        at: *at,
                    })
            })
            .collect();
        insert_ratings(&mut tx, &ratings).await?;
        if n == 0 {
            // One event for the whole load, with its first chunk.
            let details = json!({ "count": count });
            let event = success("assessment.bulk-create", "assessments".into(), details);
            append(&mut tx, audit, event).await?;
        }
        tx.commit().await?;
    }
    analyze(db, "assessments, ratings, current_ratings, cycle_outcomes").await?;
    Ok(count)
}

/// Refreshes the planner's statistics after a bulk load where the database wants it (see
/// [`Dialect::ANALYZE_AFTER_BULK`]).
pub(crate) async fn analyze(db: &Database, tables: &'static str) -> StoreResult<()> {
    db_run!(db, |c| async move {
        if Db::ANALYZE_AFTER_BULK {
            let sql = format!("ANALYZE {tables}");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await?;
        }
        Ok(())
    })
}

pub(super) async fn add_evidence(
    db: &Database,
    evidence: Vec<NewEvidence>,
    audit: &Audit,
) -> StoreResult<usize> {
    if evidence.is_empty() {
        return Ok(0);
    }
    let evidence = evidence
        .into_iter()
        .map(clean_evidence)
        .collect::<StoreResult<Vec<_>>>()?;
    let created_by = |e: &NewEvidence| audit.actor_id.unwrap_or(e.person_id);
    let people: Vec<PersonId> = evidence
        .iter()
        .flat_map(|e| [e.person_id, created_by(e)])
        .collect();
    require_people(&mut db.conn().await?, people).await?;
    let count = evidence.len();
    let chunks = bulk_chunks(&evidence, BULK_CHUNK_ROWS, |e| e.skills.len() + 1);
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut tx = db.write().await?;
        let ids = db_run!(tx, |c| Db::reserve_ids(c, "evidence", chunk.len()))?;
        let rows: Vec<(EvidenceId, &NewEvidence)> = ids.into_iter().zip(chunk).collect();
        insert_evidence(&mut tx, &rows, created_by, audit.at).await?;
        if n == 0 {
            let details = json!({ "count": count });
            let event = success("evidence.bulk-create", "evidence".into(), details);
            append(&mut tx, audit, event).await?;
        }
        tx.commit().await?;
    }
    analyze(db, "evidence, evidence_skills").await?;
    Ok(count)
}
