//! Growth records on PostgreSQL: assessments, their append-only ratings, peer requests, evidence,
//! batched audit events and bulk loading.
//!
//! A change to an assessment locks its row (`FOR UPDATE`) before checking its revision and stage,
//! so concurrent editors of one revision cannot both win. Lists of ids are bound as one array
//! (`= ANY($1)`). Many rows are inserted by one statement over `UNNEST`ed column arrays; where rows
//! of one table must refer to rows of another inserted with them (ratings to their assessment),
//! the ids are taken from the table's identity sequence first.

use std::collections::BTreeSet;

use serde_json::json;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use trellis_store::backend::{
    bulk_chunks, bulk_stage_marks, check_advance, check_rater_kind, clean_assessment,
    clean_bulk_assessment, clean_evidence, clean_person, clean_ratings, clean_skills, clean_text,
};
use trellis_store::json_rows;
use trellis_store::{
    Assessment, AssessmentId, Audit, BulkAssessment, Evidence, EvidenceId, FrameworkVersionId,
    Millis, NewAssessment, NewAuditEvent, NewEvidence, NewPerson, NewRating, Observations,
    PeerRequest, Person, PersonId, PersonRecord, RaterKind, Rating, Stage, StoreError, StoreResult,
};

use crate::{PERSON_COLUMNS, PgStore, append, db_error, person_from, success};

/// Rating rows per bulk transaction (and per INSERT statement).
const BULK_CHUNK_ROWS: usize = 20_000;

const ASSESSMENT_COLUMNS: &str = "id, person_id, role_level, framework_version_id, cycle, stage, \
     created_by, created_at, self_submitted_at, self_submitted_by, manager_submitted_at, \
     manager_submitted_by, agreed_at, agreed_by, revision";

const RATING_COLUMNS: &str =
    "id, assessment_id, person_id, skill, rater_kind, rater_id, level, not_applicable, comment, at";

/// JSON read back as text, parsed here.
const PEER_REQUEST_COLUMNS: &str = "id, assessment_id, peer_id, skills::text AS skills, \
     requested_by, requested_at, submitted_at";

const EVIDENCE_COLUMNS: &str = "id, person_id, happened_on, title, description, \
     links::text AS links, skills::text AS skills, corroborators::text AS corroborators, \
     created_by, created_at";

/// The JSON rows of [`trellis_store::json_rows`], built by PostgreSQL.
const PERSON_JSON: &str = "json_build_array(p.id, p.email, p.name, p.team_id, p.manager_id, \
     p.role_level, p.role_level_version, p.role_level_since, p.system_role, p.active, \
     p.password_hash, p.revision, p.created_at)";
const ASSESSMENT_JSON: &str = "json_build_array(id, person_id, role_level, framework_version_id, \
     cycle, stage, created_by, created_at, self_submitted_at, self_submitted_by, \
     manager_submitted_at, manager_submitted_by, agreed_at, agreed_by, revision)";
const RATING_JSON: &str = "json_build_array(id, assessment_id, person_id, skill, rater_kind, \
     rater_id, level, not_applicable, comment, at)";
const EVIDENCE_JSON: &str = "json_build_array(id, person_id, happened_on, title, description, \
     links, skills, corroborators, created_by, created_at)";
const PEER_REQUEST_JSON: &str = "json_build_array(id, assessment_id, peer_id, skills, \
     requested_by, requested_at, submitted_at)";

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

fn list_from(row: &PgRow, column: &str) -> Result<Vec<String>, sqlx::Error> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(e.into()))
}

fn list_json(values: &[String]) -> String {
    serde_json::Value::from(values).to_string()
}

fn assessment_from(row: &PgRow) -> Result<Assessment, sqlx::Error> {
    let stage: String = row.try_get("stage")?;
    Ok(Assessment {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        role_level: row.try_get("role_level")?,
        framework_version_id: row.try_get("framework_version_id")?,
        cycle: row.try_get("cycle")?,
        stage: Stage::parse(&stage).ok_or_else(|| decode(format!("unknown stage {stage:?}")))?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        self_submitted_at: row.try_get("self_submitted_at")?,
        self_submitted_by: row.try_get("self_submitted_by")?,
        manager_submitted_at: row.try_get("manager_submitted_at")?,
        manager_submitted_by: row.try_get("manager_submitted_by")?,
        agreed_at: row.try_get("agreed_at")?,
        agreed_by: row.try_get("agreed_by")?,
        revision: row.try_get("revision")?,
    })
}

fn rating_from(row: &PgRow) -> Result<Rating, sqlx::Error> {
    let kind: String = row.try_get("rater_kind")?;
    Ok(Rating {
        id: row.try_get("id")?,
        assessment_id: row.try_get("assessment_id")?,
        person_id: row.try_get("person_id")?,
        skill: row.try_get("skill")?,
        rater_kind: RaterKind::parse(&kind)
            .ok_or_else(|| decode(format!("unknown rater kind {kind:?}")))?,
        rater_id: row.try_get("rater_id")?,
        level: row.try_get("level")?,
        not_applicable: row.try_get("not_applicable")?,
        comment: row.try_get("comment")?,
        at: row.try_get("at")?,
    })
}

fn peer_request_from(row: &PgRow) -> Result<PeerRequest, sqlx::Error> {
    Ok(PeerRequest {
        id: row.try_get("id")?,
        assessment_id: row.try_get("assessment_id")?,
        peer_id: row.try_get("peer_id")?,
        skills: list_from(row, "skills")?,
        requested_by: row.try_get("requested_by")?,
        requested_at: row.try_get("requested_at")?,
        submitted_at: row.try_get("submitted_at")?,
    })
}

fn evidence_from(row: &PgRow) -> Result<Evidence, sqlx::Error> {
    Ok(Evidence {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        happened_on: row.try_get("happened_on")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        links: list_from(row, "links")?,
        skills: list_from(row, "skills")?,
        corroborators: list_from(row, "corroborators")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The acting person of a change that records who made it.
fn actor(audit: &Audit, what: &str) -> StoreResult<PersonId> {
    audit
        .actor_id
        .ok_or_else(|| StoreError::Invalid(format!("{what} needs an acting person")))
}

/// One assessment; `lock` is appended to the query (`FOR UPDATE`, `FOR SHARE` or nothing).
async fn assessment_in(
    conn: &mut PgConnection,
    id: AssessmentId,
    lock: &'static str,
) -> StoreResult<Assessment> {
    let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1{lock}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: PgRow| assessment_from(&row))
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("assessment {id}")))
}

async fn peer_request_in(
    conn: &mut PgConnection,
    id: i64,
    lock: &'static str,
) -> StoreResult<PeerRequest> {
    let sql = format!("SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE id = $1{lock}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: PgRow| peer_request_from(&row))
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("peer request {id}")))
}

/// `Invalid` naming the first of `ids` that is not in `table`.
async fn require(
    conn: &mut PgConnection,
    table: &'static str,
    what: &str,
    ids: Vec<i64>,
) -> StoreResult<()> {
    let wanted: BTreeSet<i64> = ids.into_iter().collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let list: Vec<i64> = wanted.iter().copied().collect();
    let sql = format!("SELECT id FROM {table} WHERE id = ANY($1)");
    let found: BTreeSet<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(list)
        .fetch_all(conn)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    match wanted.difference(&found).next() {
        Some(missing) => Err(StoreError::Invalid(format!(
            "{what} {missing} does not exist"
        ))),
        None => Ok(()),
    }
}

async fn require_people(conn: &mut PgConnection, ids: Vec<PersonId>) -> StoreResult<()> {
    require(conn, "people", "person", ids).await
}

/// `NotFound` unless the person exists: listings by person tell "nobody" from "nothing yet".
async fn person_exists(store: &PgStore, id: PersonId) -> StoreResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .map_err(db_error)?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
}

async fn assessment_exists(store: &PgStore, id: AssessmentId) -> StoreResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM assessments WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .map_err(db_error)?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("assessment {id}")))
}

/// Takes `n` ids from the identity sequence of `table`, in increasing order.
async fn reserve_ids(
    conn: &mut PgConnection,
    table: &'static str,
    n: usize,
) -> StoreResult<Vec<i64>> {
    let sql = format!(
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
    );
    let mut ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(i64::try_from(n).unwrap_or(i64::MAX))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    ids.sort_unstable();
    Ok(ids)
}

/// One rating row to insert.
struct RatingRow<'a> {
    assessment_id: AssessmentId,
    person_id: PersonId,
    kind: RaterKind,
    rater_id: PersonId,
    rating: &'a NewRating,
    at: Millis,
}

/// Inserts ratings in order (their ids follow it), one statement per chunk, and brings
/// `current_ratings` up to date in the same statement.
///
/// The newest new rating of each (person, skill, kind) replaces the current one only when newer
/// (by time, then id), so the current rating is the newest whatever order ratings arrive in. Keys
/// are written in primary-key order, so concurrent writers lock them in the same order.
async fn insert_ratings(conn: &mut PgConnection, rows: &[RatingRow<'_>]) -> StoreResult<()> {
    for chunk in rows.chunks(BULK_CHUNK_ROWS) {
        sqlx::query(
            "WITH new AS (
                 INSERT INTO ratings (assessment_id, person_id, skill, rater_kind, rater_id, level,
                     not_applicable, comment, at)
                 SELECT a, p, s, k, r, l, n, c, t
                 FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[],
                     $6::text[], $7::text[], $8::text[], $9::bigint[])
                     WITH ORDINALITY AS u(a, p, s, k, r, l, n, c, t, o)
                 ORDER BY o
                 RETURNING id, assessment_id, person_id, skill, rater_kind, rater_id, level,
                     not_applicable, comment, at
             )
             INSERT INTO current_ratings (person_id, skill, rater_kind, rating_id, assessment_id,
                 rater_id, level, not_applicable, comment, at)
             SELECT DISTINCT ON (person_id, skill, rater_kind) person_id, skill, rater_kind, id,
                 assessment_id, rater_id, level, not_applicable, comment, at
             FROM new ORDER BY person_id, skill, rater_kind, at DESC, id DESC
             ON CONFLICT (person_id, skill, rater_kind) DO UPDATE SET
                 rating_id = excluded.rating_id, assessment_id = excluded.assessment_id,
                 rater_id = excluded.rater_id, level = excluded.level,
                 not_applicable = excluded.not_applicable, comment = excluded.comment,
                 at = excluded.at
             WHERE (excluded.at, excluded.rating_id)
                 > (current_ratings.at, current_ratings.rating_id)",
        )
        .bind(chunk.iter().map(|r| r.assessment_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.person_id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|r| r.rating.skill.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.rater_id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|r| r.rating.level.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|r| r.rating.not_applicable.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|r| r.rating.comment.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|r| r.at).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

fn skills_of(ratings: &[NewRating]) -> Vec<&str> {
    ratings.iter().map(|r| r.skill.as_str()).collect()
}

pub(crate) async fn create_assessment(
    store: &PgStore,
    new: NewAssessment,
    audit: &Audit,
) -> StoreResult<Assessment> {
    let new = clean_assessment(new)?;
    let created_by = actor(audit, "an assessment")?;
    let mut tx = store.begin().await?;
    require_people(&mut tx, vec![new.person_id, created_by]).await?;
    require(
        &mut tx,
        "framework_versions",
        "framework version",
        vec![new.framework_version_id],
    )
    .await?;
    let id: AssessmentId = sqlx::query_scalar(
        "INSERT INTO assessments (person_id, role_level, framework_version_id, cycle, stage,
             created_by, created_at, revision)
         VALUES ($1, $2, $3, $4, 'self', $5, $6, 1) RETURNING id",
    )
    .bind(new.person_id)
    .bind(&new.role_level)
    .bind(new.framework_version_id)
    .bind(&new.cycle)
    .bind(created_by)
    .bind(audit.at)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    let details = json!({
        "person_id": new.person_id,
        "role_level": new.role_level,
        "framework_version_id": new.framework_version_id,
        "cycle": new.cycle,
    });
    append(
        &mut tx,
        audit,
        success("assessment.create", format!("assessment:{id}"), details),
    )
    .await?;
    let assessment = assessment_in(&mut tx, id, "").await?;
    tx.commit().await.map_err(db_error)?;
    Ok(assessment)
}

pub(crate) async fn assessment(store: &PgStore, id: AssessmentId) -> StoreResult<Assessment> {
    let mut conn = store.pool().acquire().await.map_err(db_error)?;
    assessment_in(&mut conn, id, "").await
}

pub(crate) async fn assessments_of(
    store: &PgStore,
    person: PersonId,
) -> StoreResult<Vec<Assessment>> {
    let sql = format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE person_id = $1
         ORDER BY created_at DESC, id DESC"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .try_map(|row: PgRow| assessment_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        person_exists(store, person).await?;
    }
    Ok(found)
}

/// Conflict unless the assessment is open and still at `expected_revision`.
fn check_open(current: &Assessment, expected_revision: Option<i64>) -> StoreResult<()> {
    if current.stage == Stage::Agreed {
        return Err(StoreError::Conflict(format!(
            "assessment {} is agreed and closed",
            current.id
        )));
    }
    if let Some(expected) = expected_revision
        && expected != current.revision
    {
        return Err(StoreError::Conflict(format!(
            "assessment {} was changed by someone else (revision {} now, {expected} expected)",
            current.id, current.revision
        )));
    }
    Ok(())
}

async fn bump_revision(conn: &mut PgConnection, id: AssessmentId) -> StoreResult<()> {
    sqlx::query("UPDATE assessments SET revision = revision + 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn record_ratings(
    store: &PgStore,
    id: AssessmentId,
    kind: RaterKind,
    rater: PersonId,
    ratings: Vec<NewRating>,
    expected_revision: i64,
    audit: &Audit,
) -> StoreResult<Assessment> {
    check_rater_kind(kind)?;
    let ratings = clean_ratings(ratings)?;
    let mut tx = store.begin().await?;
    let current = assessment_in(&mut tx, id, " FOR UPDATE").await?;
    check_open(&current, Some(expected_revision))?;
    require_people(&mut tx, vec![rater]).await?;
    let rows: Vec<RatingRow> = ratings
        .iter()
        .map(|rating| RatingRow {
            assessment_id: id,
            person_id: current.person_id,
            kind,
            rater_id: rater,
            rating,
            at: audit.at,
        })
        .collect();
    insert_ratings(&mut tx, &rows).await?;
    bump_revision(&mut tx, id).await?;
    let details = json!({
        "rater_kind": kind.as_str(),
        "rater_id": rater,
        "skills": skills_of(&ratings),
        "revision": current.revision + 1,
    });
    append(
        &mut tx,
        audit,
        success("assessment.rate", format!("assessment:{id}"), details),
    )
    .await?;
    let assessment = assessment_in(&mut tx, id, "").await?;
    tx.commit().await.map_err(db_error)?;
    Ok(assessment)
}

pub(crate) async fn advance_assessment(
    store: &PgStore,
    id: AssessmentId,
    to: Stage,
    by: PersonId,
    expected_revision: i64,
    audit: &Audit,
) -> StoreResult<Assessment> {
    let mut tx = store.begin().await?;
    let current = assessment_in(&mut tx, id, " FOR UPDATE").await?;
    if expected_revision != current.revision {
        return Err(StoreError::Conflict(format!(
            "assessment {id} was changed by someone else (revision {} now, {expected_revision} expected)",
            current.revision
        )));
    }
    check_advance(id, current.stage, to)?;
    require_people(&mut tx, vec![by]).await?;
    // Which columns record the step: leaving `self` submits the self ratings, and so on.
    let sql = match to {
        Stage::Manager => {
            "UPDATE assessments SET stage = $1, self_submitted_at = $2, self_submitted_by = $3,
                 revision = revision + 1 WHERE id = $4"
        }
        Stage::Compare => {
            "UPDATE assessments SET stage = $1, manager_submitted_at = $2, manager_submitted_by = $3,
                 revision = revision + 1 WHERE id = $4"
        }
        Stage::Agreed => {
            "UPDATE assessments SET stage = $1, agreed_at = $2, agreed_by = $3,
                 revision = revision + 1 WHERE id = $4"
        }
        Stage::SelfRating => unreachable!("check_advance never allows a move back to self"),
    };
    sqlx::query(sql)
        .bind(to.as_str())
        .bind(audit.at)
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    let details = json!({
        "from": current.stage.as_str(),
        "to": to.as_str(),
        "by": by,
        "revision": current.revision + 1,
    });
    append(
        &mut tx,
        audit,
        success("assessment.stage", format!("assessment:{id}"), details),
    )
    .await?;
    let assessment = assessment_in(&mut tx, id, "").await?;
    tx.commit().await.map_err(db_error)?;
    Ok(assessment)
}

pub(crate) async fn ratings(store: &PgStore, id: AssessmentId) -> StoreResult<Vec<Rating>> {
    let sql =
        format!("SELECT {RATING_COLUMNS} FROM ratings WHERE assessment_id = $1 ORDER BY at, id");
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: PgRow| rating_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        assessment_exists(store, id).await?;
    }
    Ok(found)
}

pub(crate) async fn rating_history(store: &PgStore, person: PersonId) -> StoreResult<Vec<Rating>> {
    let sql = format!("SELECT {RATING_COLUMNS} FROM ratings WHERE person_id = $1 ORDER BY at, id");
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .try_map(|row: PgRow| rating_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        person_exists(store, person).await?;
    }
    Ok(found)
}

pub(crate) async fn latest_ratings(
    store: &PgStore,
    people: &[PersonId],
) -> StoreResult<Vec<Rating>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    // Peer ratings are written only when their request is submitted, so every stored peer rating
    // counts. `current_ratings` holds the newest of each, in primary-key order.
    sqlx::query(
        "SELECT rating_id AS id, assessment_id, person_id, skill, rater_kind, rater_id, level,
             not_applicable, comment, at
         FROM current_ratings WHERE person_id = ANY($1)
         ORDER BY person_id, skill, rater_kind",
    )
    .bind(people)
    .try_map(|row: PgRow| rating_from(&row))
    .fetch_all(store.pool())
    .await
    .map_err(db_error)
}

pub(crate) async fn request_peer_input(
    store: &PgStore,
    id: AssessmentId,
    peer: PersonId,
    skills: Vec<String>,
    requested_by: PersonId,
    audit: &Audit,
) -> StoreResult<PeerRequest> {
    let skills = clean_skills(skills)?;
    let mut tx = store.begin().await?;
    // FOR SHARE: the assessment cannot be closed until this request is in.
    let current = assessment_in(&mut tx, id, " FOR SHARE").await?;
    check_open(&current, None)?;
    if peer == current.person_id {
        return Err(StoreError::Invalid(
            "a person cannot be asked for peer input on their own assessment".into(),
        ));
    }
    require_people(&mut tx, vec![peer, requested_by]).await?;
    let request: i64 = sqlx::query_scalar(
        "INSERT INTO peer_requests (assessment_id, peer_id, skills, requested_by, requested_at)
         VALUES ($1, $2, $3::json, $4, $5) RETURNING id",
    )
    .bind(id)
    .bind(peer)
    .bind(list_json(&skills))
    .bind(requested_by)
    .bind(audit.at)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    let details = json!({ "request_id": request, "peer_id": peer, "skills": skills });
    append(
        &mut tx,
        audit,
        success("peer.request", format!("assessment:{id}"), details),
    )
    .await?;
    let request = peer_request_in(&mut tx, request, "").await?;
    tx.commit().await.map_err(db_error)?;
    Ok(request)
}

pub(crate) async fn peer_request(store: &PgStore, id: i64) -> StoreResult<PeerRequest> {
    let mut conn = store.pool().acquire().await.map_err(db_error)?;
    peer_request_in(&mut conn, id, "").await
}

pub(crate) async fn peer_requests_of_assessment(
    store: &PgStore,
    id: AssessmentId,
) -> StoreResult<Vec<PeerRequest>> {
    let sql = format!(
        "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE assessment_id = $1 ORDER BY id"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: PgRow| peer_request_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        assessment_exists(store, id).await?;
    }
    Ok(found)
}

pub(crate) async fn peer_requests_for(
    store: &PgStore,
    peer: PersonId,
) -> StoreResult<Vec<PeerRequest>> {
    let sql = format!(
        "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE peer_id = $1 ORDER BY id DESC"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(peer)
        .try_map(|row: PgRow| peer_request_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        person_exists(store, peer).await?;
    }
    Ok(found)
}

pub(crate) async fn submit_peer_input(
    store: &PgStore,
    id: i64,
    ratings: Vec<NewRating>,
    audit: &Audit,
) -> StoreResult<PeerRequest> {
    let ratings = clean_ratings(ratings)?;
    let mut tx = store.begin().await?;
    // The request, then its assessment: the one lock order every change here takes.
    let request = peer_request_in(&mut tx, id, " FOR UPDATE").await?;
    if request.submitted_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "peer request {id} was already submitted"
        )));
    }
    if let Some(extra) = ratings.iter().find(|r| !request.skills.contains(&r.skill)) {
        return Err(StoreError::Invalid(format!(
            "{}: this skill was not asked about in peer request {id}",
            extra.skill
        )));
    }
    let current = assessment_in(&mut tx, request.assessment_id, " FOR UPDATE").await?;
    check_open(&current, None)?;
    let rows: Vec<RatingRow> = ratings
        .iter()
        .map(|rating| RatingRow {
            assessment_id: current.id,
            person_id: current.person_id,
            kind: RaterKind::Peer,
            rater_id: request.peer_id,
            rating,
            at: audit.at,
        })
        .collect();
    insert_ratings(&mut tx, &rows).await?;
    sqlx::query("UPDATE peer_requests SET submitted_at = $1 WHERE id = $2")
        .bind(audit.at)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    bump_revision(&mut tx, current.id).await?;
    let details = json!({
        "request_id": id,
        "peer_id": request.peer_id,
        "skills": skills_of(&ratings),
        "revision": current.revision + 1,
    });
    append(
        &mut tx,
        audit,
        success("peer.submit", format!("assessment:{}", current.id), details),
    )
    .await?;
    let request = peer_request_in(&mut tx, id, "").await?;
    tx.commit().await.map_err(db_error)?;
    Ok(request)
}

/// Inserts evidence with the ids given (taken from the sequence), and its skill rows.
async fn insert_evidence(
    conn: &mut PgConnection,
    rows: &[(EvidenceId, &NewEvidence)],
    created_by: impl Fn(&NewEvidence) -> PersonId,
    at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO evidence (id, person_id, happened_on, title, description, links, skills,
             corroborators, created_by, created_at)
         OVERRIDING SYSTEM VALUE
         SELECT i, p, h, t, d, l::json, s::json, c::json, b, $10
         FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::bigint[]) AS u(i, p, h, t, d, l, s, c, b)",
    )
    .bind(rows.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind(rows.iter().map(|(_, e)| e.person_id).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|(_, e)| e.happened_on.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, e)| e.title.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, e)| e.description.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, e)| list_json(&e.links))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, e)| list_json(&e.skills))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, e)| list_json(&e.corroborators))
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|(_, e)| created_by(e)).collect::<Vec<_>>())
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    let skill_rows: Vec<(EvidenceId, PersonId, &str)> = rows
        .iter()
        .flat_map(|(id, e)| e.skills.iter().map(|s| (*id, e.person_id, s.as_str())))
        .collect();
    sqlx::query(
        "INSERT INTO evidence_skills (evidence_id, person_id, skill)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[])",
    )
    .bind(skill_rows.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(skill_rows.iter().map(|r| r.1).collect::<Vec<_>>())
    .bind(skill_rows.iter().map(|r| r.2).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn add_evidence(
    store: &PgStore,
    new: NewEvidence,
    audit: &Audit,
) -> StoreResult<Evidence> {
    let new = clean_evidence(new)?;
    let created_by = actor(audit, "evidence")?;
    let mut tx = store.begin().await?;
    require_people(&mut tx, vec![new.person_id, created_by]).await?;
    let id = reserve_ids(&mut tx, "evidence", 1).await?[0];
    insert_evidence(&mut tx, &[(id, &new)], |_| created_by, audit.at).await?;
    let details = json!({ "person_id": new.person_id, "skills": new.skills });
    append(
        &mut tx,
        audit,
        success("evidence.create", format!("evidence:{id}"), details),
    )
    .await?;
    tx.commit().await.map_err(db_error)?;
    Ok(Evidence {
        id,
        person_id: new.person_id,
        happened_on: new.happened_on,
        title: new.title,
        description: new.description,
        links: new.links,
        skills: new.skills,
        corroborators: new.corroborators,
        created_by,
        created_at: audit.at,
    })
}

pub(crate) async fn evidence_of(store: &PgStore, person: PersonId) -> StoreResult<Vec<Evidence>> {
    let sql = format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id = $1
         ORDER BY happened_on DESC, id DESC"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .try_map(|row: PgRow| evidence_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        person_exists(store, person).await?;
    }
    Ok(found)
}

pub(crate) async fn evidence_counts(
    store: &PgStore,
    people: &[PersonId],
) -> StoreResult<Vec<(PersonId, String, i64)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query(
        "SELECT person_id, skill, count(*) AS n FROM evidence_skills
         WHERE person_id = ANY($1)
         GROUP BY person_id, skill ORDER BY person_id, skill",
    )
    .bind(people)
    .try_map(|row: PgRow| {
        Ok((
            row.try_get("person_id")?,
            row.try_get("skill")?,
            row.try_get("n")?,
        ))
    })
    .fetch_all(store.pool())
    .await
    .map_err(db_error)
}

pub(crate) async fn observations(
    store: &PgStore,
    people: &[PersonId],
) -> StoreResult<Observations> {
    if people.is_empty() {
        return Ok(Observations::default());
    }
    let sql = format!(
        "SELECT json_build_object(
             'latest', (SELECT json_agg({RATING_JSON} ORDER BY person_id, skill, rater_kind)
                 FROM (SELECT rating_id AS id, assessment_id, person_id, skill, rater_kind,
                           rater_id, level, not_applicable, comment, at
                       FROM current_ratings WHERE person_id = ANY($1)) r),
             'evidence_counts', (SELECT json_agg(json_build_array(person_id, skill, n)
                     ORDER BY person_id, skill)
                 FROM (SELECT person_id, skill, count(*) AS n FROM evidence_skills
                       WHERE person_id = ANY($1) GROUP BY person_id, skill) c))::text"
    );
    let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(people)
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    json_rows::observations(&text)
}

pub(crate) async fn person_record(store: &PgStore, person: PersonId) -> StoreResult<PersonRecord> {
    // One statement, so one consistent snapshot and one round trip. The rating history, by far the
    // longest list, comes as one array per column: building JSON costs PostgreSQL more than
    // anything else in the statement. The lists are ordered by `json_rows::sort_record`. Peer
    // raters are named from the peer requests (a short lookup) rather than from a second pass
    // over the rating history.
    let sql = format!(
        "SELECT json_build_object(
             'person', (SELECT {PERSON_JSON} FROM people p WHERE p.id = $1),
             'team', (SELECT json_build_array(t.id, t.name) FROM teams t
                 WHERE t.id = (SELECT team_id FROM people WHERE id = $1)),
             'manager', (SELECT {PERSON_JSON} FROM people p
                 WHERE p.id = (SELECT manager_id FROM people WHERE id = $1)),
             'reports', (SELECT json_agg({PERSON_JSON} ORDER BY lower(p.name) COLLATE \"C\", p.id)
                 FROM people p WHERE p.manager_id = $1 AND p.id <> $1),
             'assessments', (SELECT json_agg({ASSESSMENT_JSON})
                 FROM assessments WHERE person_id = $1),
             'evidence', (SELECT json_agg({EVIDENCE_JSON}) FROM evidence WHERE person_id = $1),
             'peer_requests', (SELECT json_agg({PEER_REQUEST_JSON})
                 FROM peer_requests WHERE peer_id = $1),
             'names', (SELECT json_agg(json_build_array(id, name)) FROM people WHERE id IN (
                 SELECT created_by FROM evidence WHERE person_id = $1
                 UNION SELECT r.peer_id FROM peer_requests r
                       JOIN assessments a ON a.id = r.assessment_id WHERE a.person_id = $1)))::text
                 AS record,
             r.*
         FROM (SELECT array_agg(id) AS ids, array_agg(assessment_id) AS assessments,
                   array_agg(skill) AS skills, array_agg(rater_kind) AS kinds,
                   array_agg(rater_id) AS raters, array_agg(level) AS levels,
                   array_agg(not_applicable) AS reasons, array_agg(comment) AS comments,
                   array_agg(at) AS ats
               FROM ratings WHERE person_id = $1) r"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    let text: String = row.try_get("record").map_err(db_error)?;
    let mut record = json_rows::person_record(&text, person)?;
    record.rating_history = ratings_from_columns(&row, person).map_err(db_error)?;
    json_rows::sort_record(&mut record);
    Ok(record)
}

/// Ratings from one array per column (all null when there are none), in no particular order.
fn ratings_from_columns(row: &PgRow, person: PersonId) -> Result<Vec<Rating>, sqlx::Error> {
    fn column<T>(row: &PgRow, name: &str) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        Vec<T>: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        Ok(row.try_get::<Option<Vec<T>>, _>(name)?.unwrap_or_default())
    }
    let ids: Vec<i64> = column(row, "ids")?;
    let assessments: Vec<i64> = column(row, "assessments")?;
    let skills: Vec<String> = column(row, "skills")?;
    let kinds: Vec<String> = column(row, "kinds")?;
    let raters: Vec<i64> = column(row, "raters")?;
    let levels: Vec<Option<String>> = column(row, "levels")?;
    let reasons: Vec<Option<String>> = column(row, "reasons")?;
    let comments: Vec<Option<String>> = column(row, "comments")?;
    let ats: Vec<i64> = column(row, "ats")?;
    let n = ids.len();
    if [
        assessments.len(),
        skills.len(),
        kinds.len(),
        raters.len(),
        levels.len(),
    ]
    .into_iter()
    .chain([reasons.len(), comments.len(), ats.len()])
    .any(|len| len != n)
    {
        return Err(decode("rating columns of different lengths".into()));
    }
    let (mut assessments, mut skills, mut kinds, mut raters) = (
        assessments.into_iter(),
        skills.into_iter(),
        kinds.into_iter(),
        raters.into_iter(),
    );
    let (mut levels, mut reasons, mut comments, mut ats) = (
        levels.into_iter(),
        reasons.into_iter(),
        comments.into_iter(),
        ats.into_iter(),
    );
    let mut out = Vec::with_capacity(n);
    for id in ids {
        // The lengths are equal, so every column has a value here.
        let (Some(assessment_id), Some(skill), Some(kind), Some(rater_id)) = (
            assessments.next(),
            skills.next(),
            kinds.next(),
            raters.next(),
        ) else {
            break;
        };
        let (Some(level), Some(reason), Some(comment), Some(at)) =
            (levels.next(), reasons.next(), comments.next(), ats.next())
        else {
            break;
        };
        out.push(Rating {
            id,
            assessment_id,
            person_id: person,
            skill,
            rater_kind: RaterKind::parse(&kind)
                .ok_or_else(|| decode(format!("unknown rater kind {kind:?}")))?,
            rater_id,
            level,
            not_applicable: reason,
            comment,
            at,
        });
    }
    Ok(out)
}

pub(crate) async fn append_audit_batch(
    store: &PgStore,
    events: Vec<(NewAuditEvent, Audit)>,
) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let events = events
        .into_iter()
        .map(|(event, audit)| {
            let action = clean_text("action", &event.action)?;
            Ok((NewAuditEvent { action, ..event }, audit))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut tx = store.begin().await?;
    for chunk in events.chunks(BULK_CHUNK_ROWS) {
        sqlx::query(
            "INSERT INTO audit_events (at, actor_id, action, target, outcome, ip, details)
             SELECT t, a, c, g, o, i, d::json
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                 $6::text[], $7::text[]) WITH ORDINALITY AS u(t, a, c, g, o, i, d, n)
             ORDER BY n",
        )
        .bind(chunk.iter().map(|(_, a)| a.at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|(_, a)| a.actor_id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|(e, _)| e.action.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|(e, _)| e.target.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|(e, _)| e.outcome.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|(_, a)| a.ip.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|(e, _)| e.details.to_string())
                .collect::<Vec<_>>(),
        )
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)
}

pub(crate) async fn bulk_create_people(
    store: &PgStore,
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
    let mut tx = store.begin().await?;
    let managers: Vec<PersonId> = people.iter().filter_map(|p| p.manager_id).collect();
    require_people(&mut tx, managers).await?;
    let ids = reserve_ids(&mut tx, "people", people.len()).await?;
    sqlx::query(
        "INSERT INTO people (id, email, name, team_id, manager_id, role_level, role_level_version,
             role_level_since, system_role, active, password_hash, revision, created_at)
         OVERRIDING SYSTEM VALUE
         SELECT i, e, n, t, m, r, v, CASE WHEN r IS NULL THEN NULL ELSE $10::bigint END, s, TRUE,
             h, 1, $10
         FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[],
             $7::bigint[], $8::text[], $9::text[]) WITH ORDINALITY AS u(i, e, n, t, m, r, v, s, h, o)
         ORDER BY o",
    )
    .bind(&ids)
    .bind(people.iter().map(|p| p.email.as_str()).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.team_id).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.manager_id).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.role_level.as_deref()).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.role_level_version).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.system_role.as_str()).collect::<Vec<_>>())
    .bind(people.iter().map(|p| p.password_hash.as_deref()).collect::<Vec<_>>())
    .bind(audit.at)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    append(
        &mut tx,
        audit,
        success(
            "person.bulk-create",
            "people".into(),
            json!({ "count": people.len() }),
        ),
    )
    .await?;
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ANY($1) ORDER BY p.id");
    let created = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&ids)
        .try_map(|row: PgRow| person_from(&row))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(created)
}

pub(crate) async fn bulk_create_assessments(
    store: &PgStore,
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
    // Every reference is checked before anything is written, so that a load cannot stop half-way
    // on bad input.
    {
        let mut conn = store.pool().acquire().await.map_err(db_error)?;
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
    for (n, chunk) in bulk_chunks(&assessments, BULK_CHUNK_ROWS, |a| a.ratings.len())
        .into_iter()
        .enumerate()
    {
        let mut tx = store.begin().await?;
        let ids = reserve_ids(&mut tx, "assessments", chunk.len()).await?;
        let marks: Vec<_> = chunk.iter().map(bulk_stage_marks).collect();
        sqlx::query(
            "INSERT INTO assessments (id, person_id, role_level, framework_version_id, cycle, stage,
                 created_by, created_at, self_submitted_at, self_submitted_by, manager_submitted_at,
                 manager_submitted_by, agreed_at, agreed_by, revision)
             OVERRIDING SYSTEM VALUE
             SELECT i, p, r, v, c, s, b, a, ssa, ssb, msa, msb, aa, ab, 1
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],
                 $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],
                 $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])
                 AS u(i, p, r, v, c, s, b, a, ssa, ssb, msa, msb, aa, ab)",
        )
        .bind(&ids)
        .bind(chunk.iter().map(|b| b.assessment.person_id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|b| b.assessment.role_level.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|b| b.assessment.framework_version_id)
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|b| b.assessment.cycle.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.stage.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.created_by).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.created_at).collect::<Vec<_>>())
        .bind(marks.iter().map(|m| m.self_submitted.map(|x| x.0)).collect::<Vec<_>>())
        .bind(marks.iter().map(|m| m.self_submitted.map(|x| x.1)).collect::<Vec<_>>())
        .bind(marks.iter().map(|m| m.manager_submitted.map(|x| x.0)).collect::<Vec<_>>())
        .bind(marks.iter().map(|m| m.manager_submitted.map(|x| x.1)).collect::<Vec<_>>())
        .bind(marks.iter().map(|m| m.agreed.map(|x| x.0)).collect::<Vec<_>>())
        .bind(marks.iter().map(|m| m.agreed.map(|x| x.1)).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
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
            append(
                &mut tx,
                audit,
                success(
                    "assessment.bulk-create",
                    "assessments".into(),
                    json!({ "count": count }),
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
    }
    analyze(store, "assessments, ratings, current_ratings").await?;
    Ok(count)
}

/// Refreshes the planner's statistics after a bulk load, so that the next queries are planned for
/// the tables as they now are rather than as autovacuum last saw them.
async fn analyze(store: &PgStore, tables: &'static str) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!("ANALYZE {tables}")))
        .execute(store.pool())
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn bulk_add_evidence(
    store: &PgStore,
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
    {
        let mut conn = store.pool().acquire().await.map_err(db_error)?;
        let people: Vec<PersonId> = evidence
            .iter()
            .flat_map(|e| [e.person_id, created_by(e)])
            .collect();
        require_people(&mut conn, people).await?;
    }
    let count = evidence.len();
    for (n, chunk) in bulk_chunks(&evidence, BULK_CHUNK_ROWS, |e| e.skills.len() + 1)
        .into_iter()
        .enumerate()
    {
        let mut tx = store.begin().await?;
        let ids = reserve_ids(&mut tx, "evidence", chunk.len()).await?;
        let rows: Vec<(EvidenceId, &NewEvidence)> = ids.into_iter().zip(chunk).collect();
        insert_evidence(&mut tx, &rows, created_by, audit.at).await?;
        if n == 0 {
            append(
                &mut tx,
                audit,
                success(
                    "evidence.bulk-create",
                    "evidence".into(),
                    json!({ "count": count }),
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
    }
    analyze(store, "evidence, evidence_skills").await?;
    Ok(count)
}
