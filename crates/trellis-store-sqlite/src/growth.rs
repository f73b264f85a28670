//! Growth records on SQLite: assessments, their append-only ratings, peer requests, evidence,
//! batched audit events and bulk loading.
//!
//! Lists of ids are passed as one JSON array and expanded with `json_each`, so a query has one
//! statement text (and one cached prepared statement) whatever the number of ids. Bulk loads use
//! multi-row INSERTs of a fixed size (the same statement text, so the prepared statement is reused)
//! with ids assigned by the writer: `BEGIN IMMEDIATE` holds the write lock, so nobody else can take
//! them in between.

use std::collections::BTreeSet;

use serde_json::json;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
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

use crate::{PERSON_COLUMNS, SqliteStore, append, db_error, person_from, success};

/// Rating rows per bulk transaction: large enough to be fast, small enough that other writers
/// get a turn (they wait on the busy timeout while a chunk is written).
const BULK_CHUNK_ROWS: usize = 20_000;
/// Rows per multi-row INSERT (binds per statement stay well under SQLite's 32,766).
const INSERT_ROWS: usize = 500;

const ASSESSMENT_COLUMNS: &str = "id, person_id, role_level, framework_version_id, cycle, stage, \
     created_by, created_at, self_submitted_at, self_submitted_by, manager_submitted_at, \
     manager_submitted_by, agreed_at, agreed_by, revision";

/// Ratings as one JSON array of rows, in the order given after the columns (`ORDER BY ...`).
/// sqlx hands SQLite rows over one at a time through its worker thread, which costs more than
/// SQLite building one array and serde parsing it: four times more for the 2,250 ratings of a
/// team page.
const RATINGS_JSON: &str = "json_group_array(json_array(id, assessment_id, person_id, skill, \
     rater_kind, rater_id, level, not_applicable, comment, at)";

/// The JSON rows of [`trellis_store::json_rows`], built by SQLite. `active` is 0 or 1 there.
const PERSON_JSON: &str = "json_array(p.id, p.email, p.name, p.team_id, p.manager_id, \
     p.role_level, p.role_level_version, p.role_level_since, p.system_role, p.active, \
     p.password_hash, p.revision, p.created_at)";
const ASSESSMENT_JSON: &str = "json_array(id, person_id, role_level, framework_version_id, cycle, \
     stage, created_by, created_at, self_submitted_at, self_submitted_by, manager_submitted_at, \
     manager_submitted_by, agreed_at, agreed_by, revision)";
/// Lists are stored as JSON text: `json()` embeds them as arrays rather than strings.
const EVIDENCE_JSON: &str = "json_array(id, person_id, happened_on, title, description, \
     json(links), json(skills), json(corroborators), created_by, created_at)";
const PEER_REQUEST_JSON: &str = "json_array(id, assessment_id, peer_id, json(skills), \
     requested_by, requested_at, submitted_at)";

fn ratings_from_json(text: &str) -> StoreResult<Vec<Rating>> {
    json_rows::rating_list(text)
}

const PEER_REQUEST_COLUMNS: &str =
    "id, assessment_id, peer_id, skills, requested_by, requested_at, submitted_at";

const EVIDENCE_COLUMNS: &str = "id, person_id, happened_on, title, description, links, skills, \
     corroborators, created_by, created_at";

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

fn list_from(row: &SqliteRow, column: &str) -> Result<Vec<String>, sqlx::Error> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(e.into()))
}

fn list_json(values: &[String]) -> String {
    serde_json::Value::from(values).to_string()
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::Value::from(ids).to_string()
}

fn assessment_from(row: &SqliteRow) -> Result<Assessment, sqlx::Error> {
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

fn peer_request_from(row: &SqliteRow) -> Result<PeerRequest, sqlx::Error> {
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

fn evidence_from(row: &SqliteRow) -> Result<Evidence, sqlx::Error> {
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

async fn assessment_in(conn: &mut SqliteConnection, id: AssessmentId) -> StoreResult<Assessment> {
    let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: SqliteRow| assessment_from(&row))
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("assessment {id}")))
}

async fn peer_request_in(conn: &mut SqliteConnection, id: i64) -> StoreResult<PeerRequest> {
    let sql = format!("SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE id = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: SqliteRow| peer_request_from(&row))
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("peer request {id}")))
}

/// `Invalid` naming the first of `ids` that is not in `table`.
async fn require(
    conn: &mut SqliteConnection,
    table: &'static str,
    what: &str,
    ids: impl IntoIterator<Item = i64>,
) -> StoreResult<()> {
    let wanted: BTreeSet<i64> = ids.into_iter().collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let list: Vec<i64> = wanted.iter().copied().collect();
    let sql = format!("SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))");
    let found: BTreeSet<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(ids_json(&list))
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

async fn require_people(
    conn: &mut SqliteConnection,
    ids: impl IntoIterator<Item = PersonId>,
) -> StoreResult<()> {
    require(conn, "people", "person", ids).await
}

/// `NotFound` unless the person exists: listings by person tell "nobody" from "nothing yet".
async fn person_exists(store: &SqliteStore, id: PersonId) -> StoreResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = ?")
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .map_err(db_error)?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
}

async fn assessment_exists(store: &SqliteStore, id: AssessmentId) -> StoreResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM assessments WHERE id = ?")
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .map_err(db_error)?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("assessment {id}")))
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

/// Inserts ratings in order (their ids follow it) and brings `current_ratings` up to date.
async fn insert_ratings(conn: &mut SqliteConnection, rows: &[RatingRow<'_>]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // The writer holds the write lock: the new rows take the ids from here on.
    let first = next_id(conn, "ratings").await?;
    for chunk in rows.chunks(INSERT_ROWS) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO ratings (assessment_id, person_id, skill, rater_kind, rater_id, level, \
             not_applicable, comment, at) ",
        );
        query.push_values(chunk, |mut b, row| {
            b.push_bind(row.assessment_id)
                .push_bind(row.person_id)
                .push_bind(row.rating.skill.as_str())
                .push_bind(row.kind.as_str())
                .push_bind(row.rater_id)
                .push_bind(row.rating.level.as_deref())
                .push_bind(row.rating.not_applicable.as_deref())
                .push_bind(row.rating.comment.as_deref())
                .push_bind(row.at);
        });
        query.build().execute(&mut *conn).await.map_err(db_error)?;
    }
    // Rows are taken in id order and replace the current one only when newer (by time, then
    // id), so the current rating is the newest whatever order ratings arrive in.
    sqlx::query(
        "INSERT INTO current_ratings (person_id, skill, rater_kind, rating_id, assessment_id,
             rater_id, level, not_applicable, comment, at)
         SELECT person_id, skill, rater_kind, id, assessment_id, rater_id, level, not_applicable,
             comment, at
         FROM ratings WHERE id >= ? ORDER BY id
         ON CONFLICT (person_id, skill, rater_kind) DO UPDATE SET
             rating_id = excluded.rating_id, assessment_id = excluded.assessment_id,
             rater_id = excluded.rater_id, level = excluded.level,
             not_applicable = excluded.not_applicable, comment = excluded.comment, at = excluded.at
         WHERE (excluded.at, excluded.rating_id) > (current_ratings.at, current_ratings.rating_id)",
    )
    .bind(first)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The next free id of `table`, for a writer holding the write lock.
async fn next_id(conn: &mut SqliteConnection, table: &'static str) -> StoreResult<i64> {
    let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

fn skills_of(ratings: &[NewRating]) -> Vec<&str> {
    ratings.iter().map(|r| r.skill.as_str()).collect()
}

pub(crate) async fn create_assessment(
    store: &SqliteStore,
    new: NewAssessment,
    audit: &Audit,
) -> StoreResult<Assessment> {
    let new = clean_assessment(new)?;
    let created_by = actor(audit, "an assessment")?;
    let mut tx = store.write().await?;
    require_people(&mut tx, [new.person_id, created_by]).await?;
    require(
        &mut tx,
        "framework_versions",
        "framework version",
        [new.framework_version_id],
    )
    .await?;
    let id: AssessmentId = sqlx::query_scalar(
        "INSERT INTO assessments (person_id, role_level, framework_version_id, cycle, stage,
             created_by, created_at, revision)
         VALUES (?, ?, ?, ?, 'self', ?, ?, 1) RETURNING id",
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
    let assessment = assessment_in(&mut tx, id).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(assessment)
}

pub(crate) async fn assessment(store: &SqliteStore, id: AssessmentId) -> StoreResult<Assessment> {
    let mut conn = store.pool().acquire().await.map_err(db_error)?;
    assessment_in(&mut conn, id).await
}

pub(crate) async fn assessments_of(
    store: &SqliteStore,
    person: PersonId,
) -> StoreResult<Vec<Assessment>> {
    let sql = format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE person_id = ?
         ORDER BY created_at DESC, id DESC"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .try_map(|row: SqliteRow| assessment_from(&row))
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

async fn bump_revision(conn: &mut SqliteConnection, id: AssessmentId) -> StoreResult<()> {
    sqlx::query("UPDATE assessments SET revision = revision + 1 WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn record_ratings(
    store: &SqliteStore,
    id: AssessmentId,
    kind: RaterKind,
    rater: PersonId,
    ratings: Vec<NewRating>,
    expected_revision: i64,
    audit: &Audit,
) -> StoreResult<Assessment> {
    check_rater_kind(kind)?;
    let ratings = clean_ratings(ratings)?;
    let mut tx = store.write().await?;
    let current = assessment_in(&mut tx, id).await?;
    check_open(&current, Some(expected_revision))?;
    require_people(&mut tx, [rater]).await?;
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
    let assessment = assessment_in(&mut tx, id).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(assessment)
}

pub(crate) async fn advance_assessment(
    store: &SqliteStore,
    id: AssessmentId,
    to: Stage,
    by: PersonId,
    expected_revision: i64,
    audit: &Audit,
) -> StoreResult<Assessment> {
    let mut tx = store.write().await?;
    let current = assessment_in(&mut tx, id).await?;
    if expected_revision != current.revision {
        return Err(StoreError::Conflict(format!(
            "assessment {id} was changed by someone else (revision {} now, {expected_revision} expected)",
            current.revision
        )));
    }
    check_advance(id, current.stage, to)?;
    require_people(&mut tx, [by]).await?;
    // Which columns record the step: leaving `self` submits the self ratings, and so on.
    let sql = match to {
        Stage::Manager => {
            "UPDATE assessments SET stage = ?, self_submitted_at = ?, self_submitted_by = ?,
                 revision = revision + 1 WHERE id = ?"
        }
        Stage::Compare => {
            "UPDATE assessments SET stage = ?, manager_submitted_at = ?, manager_submitted_by = ?,
                 revision = revision + 1 WHERE id = ?"
        }
        Stage::Agreed => {
            "UPDATE assessments SET stage = ?, agreed_at = ?, agreed_by = ?,
                 revision = revision + 1 WHERE id = ?"
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
    let assessment = assessment_in(&mut tx, id).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(assessment)
}

pub(crate) async fn ratings(store: &SqliteStore, id: AssessmentId) -> StoreResult<Vec<Rating>> {
    let sql =
        format!("SELECT {RATINGS_JSON} ORDER BY at, id) FROM ratings WHERE assessment_id = ?");
    let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    let found = ratings_from_json(&text)?;
    if found.is_empty() {
        assessment_exists(store, id).await?;
    }
    Ok(found)
}

pub(crate) async fn rating_history(
    store: &SqliteStore,
    person: PersonId,
) -> StoreResult<Vec<Rating>> {
    let sql = format!("SELECT {RATINGS_JSON} ORDER BY at, id) FROM ratings WHERE person_id = ?");
    let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    let found = ratings_from_json(&text)?;
    if found.is_empty() {
        person_exists(store, person).await?;
    }
    Ok(found)
}

pub(crate) async fn latest_ratings(
    store: &SqliteStore,
    people: &[PersonId],
) -> StoreResult<Vec<Rating>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    // Peer ratings are written only when their request is submitted, so every stored peer rating
    // counts. `current_ratings` holds the newest of each, in primary-key order.
    let sql = format!(
        "SELECT {RATINGS_JSON} ORDER BY person_id, skill, rater_kind)
         FROM (SELECT rating_id AS id, assessment_id, person_id, skill, rater_kind, rater_id, level,
                   not_applicable, comment, at
               FROM current_ratings WHERE person_id IN (SELECT value FROM json_each(?)))"
    );
    let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(ids_json(people))
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    ratings_from_json(&text)
}

pub(crate) async fn request_peer_input(
    store: &SqliteStore,
    id: AssessmentId,
    peer: PersonId,
    skills: Vec<String>,
    requested_by: PersonId,
    audit: &Audit,
) -> StoreResult<PeerRequest> {
    let skills = clean_skills(skills)?;
    let mut tx = store.write().await?;
    let current = assessment_in(&mut tx, id).await?;
    check_open(&current, None)?;
    if peer == current.person_id {
        return Err(StoreError::Invalid(
            "a person cannot be asked for peer input on their own assessment".into(),
        ));
    }
    require_people(&mut tx, [peer, requested_by]).await?;
    let request: i64 = sqlx::query_scalar(
        "INSERT INTO peer_requests (assessment_id, peer_id, skills, requested_by, requested_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
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
    let request = peer_request_in(&mut tx, request).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(request)
}

pub(crate) async fn peer_request(store: &SqliteStore, id: i64) -> StoreResult<PeerRequest> {
    let mut conn = store.pool().acquire().await.map_err(db_error)?;
    peer_request_in(&mut conn, id).await
}

pub(crate) async fn peer_requests_of_assessment(
    store: &SqliteStore,
    id: AssessmentId,
) -> StoreResult<Vec<PeerRequest>> {
    let sql = format!(
        "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE assessment_id = ? ORDER BY id"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: SqliteRow| peer_request_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        assessment_exists(store, id).await?;
    }
    Ok(found)
}

pub(crate) async fn peer_requests_for(
    store: &SqliteStore,
    peer: PersonId,
) -> StoreResult<Vec<PeerRequest>> {
    let sql = format!(
        "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE peer_id = ? ORDER BY id DESC"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(peer)
        .try_map(|row: SqliteRow| peer_request_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        person_exists(store, peer).await?;
    }
    Ok(found)
}

pub(crate) async fn submit_peer_input(
    store: &SqliteStore,
    id: i64,
    ratings: Vec<NewRating>,
    audit: &Audit,
) -> StoreResult<PeerRequest> {
    let ratings = clean_ratings(ratings)?;
    let mut tx = store.write().await?;
    let request = peer_request_in(&mut tx, id).await?;
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
    let current = assessment_in(&mut tx, request.assessment_id).await?;
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
    sqlx::query("UPDATE peer_requests SET submitted_at = ? WHERE id = ?")
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
    let request = peer_request_in(&mut tx, id).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(request)
}

/// Inserts evidence with the ids given (the caller holds the write lock), and its skill rows.
async fn insert_evidence(
    conn: &mut SqliteConnection,
    rows: &[(EvidenceId, &NewEvidence)],
    created_by: impl Fn(&NewEvidence) -> PersonId,
    at: Millis,
) -> StoreResult<()> {
    for chunk in rows.chunks(INSERT_ROWS) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO evidence (id, person_id, happened_on, title, description, links, skills, \
             corroborators, created_by, created_at) ",
        );
        query.push_values(chunk, |mut b, (id, e)| {
            b.push_bind(*id)
                .push_bind(e.person_id)
                .push_bind(e.happened_on.as_str())
                .push_bind(e.title.as_str())
                .push_bind(e.description.as_str())
                .push_bind(list_json(&e.links))
                .push_bind(list_json(&e.skills))
                .push_bind(list_json(&e.corroborators))
                .push_bind(created_by(e))
                .push_bind(at);
        });
        query.build().execute(&mut *conn).await.map_err(db_error)?;
    }
    let skill_rows: Vec<(EvidenceId, PersonId, &str)> = rows
        .iter()
        .flat_map(|(id, e)| e.skills.iter().map(|s| (*id, e.person_id, s.as_str())))
        .collect();
    for chunk in skill_rows.chunks(INSERT_ROWS) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO evidence_skills (evidence_id, person_id, skill) ",
        );
        query.push_values(chunk, |mut b, (id, person, skill)| {
            b.push_bind(*id).push_bind(*person).push_bind(*skill);
        });
        query.build().execute(&mut *conn).await.map_err(db_error)?;
    }
    Ok(())
}

pub(crate) async fn add_evidence(
    store: &SqliteStore,
    new: NewEvidence,
    audit: &Audit,
) -> StoreResult<Evidence> {
    let new = clean_evidence(new)?;
    let created_by = actor(audit, "evidence")?;
    let mut tx = store.write().await?;
    require_people(&mut tx, [new.person_id, created_by]).await?;
    let id = next_id(&mut tx, "evidence").await?;
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

pub(crate) async fn evidence_of(
    store: &SqliteStore,
    person: PersonId,
) -> StoreResult<Vec<Evidence>> {
    let sql = format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id = ?
         ORDER BY happened_on DESC, id DESC"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .try_map(|row: SqliteRow| evidence_from(&row))
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        person_exists(store, person).await?;
    }
    Ok(found)
}

pub(crate) async fn evidence_counts(
    store: &SqliteStore,
    people: &[PersonId],
) -> StoreResult<Vec<(PersonId, String, i64)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query(
        "SELECT person_id, skill, count(*) AS n FROM evidence_skills
         WHERE person_id IN (SELECT value FROM json_each(?))
         GROUP BY person_id, skill ORDER BY person_id, skill",
    )
    .bind(ids_json(people))
    .try_map(|row: SqliteRow| {
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
    store: &SqliteStore,
    people: &[PersonId],
) -> StoreResult<Observations> {
    if people.is_empty() {
        return Ok(Observations::default());
    }
    let sql = format!(
        "WITH who AS (SELECT value AS id FROM json_each(?1))
         SELECT
             (SELECT {RATINGS_JSON} ORDER BY person_id, skill, rater_kind)
                 FROM (SELECT rating_id AS id, assessment_id, person_id, skill, rater_kind,
                           rater_id, level, not_applicable, comment, at
                       FROM current_ratings WHERE person_id IN (SELECT id FROM who))),
             (SELECT json_group_array(json_array(person_id, skill, n) ORDER BY person_id, skill)
                 FROM (SELECT person_id, skill, count(*) AS n FROM evidence_skills
                       WHERE person_id IN (SELECT id FROM who) GROUP BY person_id, skill))"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ids_json(people))
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    json_rows::observations(&json_document(&row, &["latest", "evidence_counts"])?)
}

/// One JSON object from a row of JSON columns, named in order.
///
/// Each column is a scalar subquery: nesting them with `json_object` in SQL would make SQLite
/// parse every one again (a subquery's result loses its JSON subtype and must be wrapped in
/// `json()`), which costs more than joining the texts here.
fn json_document(row: &SqliteRow, keys: &[&str]) -> StoreResult<String> {
    let mut doc = String::from("{");
    for (i, key) in keys.iter().enumerate() {
        let value: Option<&str> = row.try_get(i).map_err(db_error)?;
        if i > 0 {
            doc.push(',');
        }
        doc.push('"');
        doc.push_str(key);
        doc.push_str("\":");
        doc.push_str(value.unwrap_or("null"));
    }
    doc.push('}');
    Ok(doc)
}

pub(crate) async fn person_record(
    store: &SqliteStore,
    person: PersonId,
) -> StoreResult<PersonRecord> {
    // One statement, so one consistent snapshot and one hand-off to the connection's thread. The
    // lists are ordered by `json_rows` (see `sort_record`). Peer raters are named from the peer
    // requests (a short lookup) rather than from a second pass over the rating history.
    let sql = format!(
        "SELECT
             (SELECT {PERSON_JSON} FROM people p WHERE p.id = ?1),
             (SELECT json_array(t.id, t.name) FROM teams t
                 WHERE t.id = (SELECT team_id FROM people WHERE id = ?1)),
             (SELECT {PERSON_JSON} FROM people p
                 WHERE p.id = (SELECT manager_id FROM people WHERE id = ?1)),
             (SELECT json_group_array({PERSON_JSON} ORDER BY lower(p.name), p.id)
                 FROM people p WHERE p.manager_id = ?1 AND p.id <> ?1),
             (SELECT json_group_array({ASSESSMENT_JSON}) FROM assessments WHERE person_id = ?1),
             (SELECT json_group_array({EVIDENCE_JSON}) FROM evidence WHERE person_id = ?1),
             (SELECT {RATINGS_JSON}) FROM ratings WHERE person_id = ?1),
             (SELECT json_group_array({PEER_REQUEST_JSON}) FROM peer_requests WHERE peer_id = ?1),
             (SELECT json_group_array(json_array(id, name)) FROM people WHERE id IN (
                 SELECT created_by FROM evidence WHERE person_id = ?1
                 UNION SELECT r.peer_id FROM peer_requests r
                       JOIN assessments a ON a.id = r.assessment_id WHERE a.person_id = ?1))"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .fetch_one(store.pool())
        .await
        .map_err(db_error)?;
    let doc = json_document(
        &row,
        &[
            "person",
            "team",
            "manager",
            "reports",
            "assessments",
            "evidence",
            "ratings",
            "peer_requests",
            "names",
        ],
    )?;
    json_rows::person_record(&doc, person)
}

pub(crate) async fn append_audit_batch(
    store: &SqliteStore,
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
    let mut tx = store.write().await?;
    for chunk in events.chunks(INSERT_ROWS) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_events (at, actor_id, action, target, outcome, ip, details) ",
        );
        query.push_values(chunk, |mut b, (event, audit)| {
            b.push_bind(audit.at)
                .push_bind(audit.actor_id)
                .push_bind(event.action.as_str())
                .push_bind(event.target.as_str())
                .push_bind(event.outcome.as_str())
                .push_bind(audit.ip.as_deref())
                .push_bind(event.details.to_string());
        });
        query.build().execute(&mut *tx).await.map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)
}

pub(crate) async fn bulk_create_people(
    store: &SqliteStore,
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
    let since = audit.at;
    let mut tx = store.write().await?;
    let managers: Vec<PersonId> = people.iter().filter_map(|p| p.manager_id).collect();
    require_people(&mut tx, managers).await?;
    let first = next_id(&mut tx, "people").await?;
    let rows: Vec<(PersonId, &NewPerson)> = (first..).zip(&people).collect();
    for chunk in rows.chunks(INSERT_ROWS) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO people (id, email, name, team_id, manager_id, role_level, role_level_version,
                 role_level_since, system_role, active, password_hash, revision, created_at) ",
        );
        query.push_values(chunk, |mut b, (id, p)| {
            b.push_bind(*id)
                .push_bind(p.email.as_str())
                .push_bind(p.name.as_str())
                .push_bind(p.team_id)
                .push_bind(p.manager_id)
                .push_bind(p.role_level.as_deref())
                .push_bind(p.role_level_version)
                .push_bind(p.role_level.as_ref().map(|_| since))
                .push_bind(p.system_role.as_str())
                .push_bind(true)
                .push_bind(p.password_hash.as_deref())
                .push_bind(1_i64)
                .push_bind(audit.at);
        });
        query.build().execute(&mut *tx).await.map_err(db_error)?;
    }
    let count = people.len();
    append(
        &mut tx,
        audit,
        success(
            "person.bulk-create",
            "people".into(),
            json!({ "count": count }),
        ),
    )
    .await?;
    let last = first + i64::try_from(count).unwrap_or(i64::MAX) - 1;
    let sql =
        format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id BETWEEN ? AND ? ORDER BY p.id");
    let created = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(first)
        .bind(last)
        .try_map(|row: SqliteRow| person_from(&row))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(created)
}

pub(crate) async fn bulk_create_assessments(
    store: &SqliteStore,
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
    let chunks = bulk_chunks(&assessments, BULK_CHUNK_ROWS, |a| a.ratings.len());
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut tx = store.write().await?;
        let first = next_id(&mut tx, "assessments").await?;
        let rows: Vec<(AssessmentId, &BulkAssessment)> = (first..).zip(chunk).collect();
        for part in rows.chunks(INSERT_ROWS) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "INSERT INTO assessments (id, person_id, role_level, framework_version_id, cycle, \
                 stage, created_by, created_at, self_submitted_at, self_submitted_by, \
                 manager_submitted_at, manager_submitted_by, agreed_at, agreed_by, revision) ",
            );
            query.push_values(part, |mut b, (id, bulk)| {
                let marks = bulk_stage_marks(bulk);
                let a = &bulk.assessment;
                b.push_bind(*id)
                    .push_bind(a.person_id)
                    .push_bind(a.role_level.as_str())
                    .push_bind(a.framework_version_id)
                    .push_bind(a.cycle.as_str())
                    .push_bind(bulk.stage.as_str())
                    .push_bind(bulk.created_by)
                    .push_bind(bulk.created_at)
                    .push_bind(marks.self_submitted.map(|m| m.0))
                    .push_bind(marks.self_submitted.map(|m| m.1))
                    .push_bind(marks.manager_submitted.map(|m| m.0))
                    .push_bind(marks.manager_submitted.map(|m| m.1))
                    .push_bind(marks.agreed.map(|m| m.0))
                    .push_bind(marks.agreed.map(|m| m.1))
                    .push_bind(1_i64);
            });
            query.build().execute(&mut *tx).await.map_err(db_error)?;
        }
        let ratings: Vec<RatingRow> = rows
            .iter()
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
    Ok(count)
}

pub(crate) async fn bulk_add_evidence(
    store: &SqliteStore,
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
    let chunks = bulk_chunks(&evidence, BULK_CHUNK_ROWS, |e| e.skills.len() + 1);
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut tx = store.write().await?;
        let first = next_id(&mut tx, "evidence").await?;
        let rows: Vec<(EvidenceId, &NewEvidence)> = (first..).zip(chunk).collect();
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
    Ok(count)
}
