//! What the growth changes and reads share: reading one assessment or peer request (locked or
//! not), checking that ids exist, and writing ratings (with `current_ratings` and
//! `cycle_outcomes`) and evidence.

use std::collections::BTreeSet;

use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use trellis_store::{
    Assessment, AssessmentId, EvidenceId, Millis, NewEvidence, NewRating, PeerRequest, PersonId,
    RaterKind, StoreError, StoreResult,
};

use crate::dialect::{Dialect, Values};
use crate::{Backend, Connection, Database, db_run};

pub(crate) const ASSESSMENT_COLUMNS: &str = "id, person_id, role_level, framework_version_id, \
     cycle, stage, created_by, created_at, self_submitted_at, self_submitted_by, \
     manager_submitted_at, manager_submitted_by, agreed_at, agreed_by, revision";

pub(crate) const PEER_REQUEST_COLUMNS: &str =
    "id, assessment_id, peer_id, skills, requested_by, requested_at, submitted_at";

pub(crate) const EVIDENCE_COLUMNS: &str = "id, person_id, happened_on, title, description, \
     links, skills, corroborators, created_by, created_at";

/// How a row read before a change is locked until the transaction ends (on PostgreSQL).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lock {
    None,
    Update,
    Share,
}

impl Lock {
    /// The clause that ends a statement reading with this lock on `conn`'s database.
    fn clause(self, conn: &mut impl Connection) -> &'static str {
        fn of<D: Dialect>(lock: Lock) -> &'static str {
            match lock {
                Lock::None => "",
                Lock::Update => D::FOR_UPDATE,
                Lock::Share => D::FOR_SHARE,
            }
        }
        match conn.on() {
            Backend::Sqlite(_) => of::<sqlx::Sqlite>(self),
            Backend::Postgres(_) => of::<sqlx::Postgres>(self),
        }
    }
}

/// The row `sql` selects by the id bound as `$1`; `NotFound` naming it a `what` when there is none.
pub(crate) async fn one_in<T>(
    conn: &mut impl Connection,
    sql: String,
    what: &str,
    id: i64,
) -> StoreResult<T>
where
    T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>,
{
    let found: Option<T> = db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(c))?;
    found.ok_or_else(|| StoreError::NotFound(format!("{what} {id}")))
}

pub(crate) async fn assessment_in(
    conn: &mut impl Connection,
    id: AssessmentId,
    lock: Lock,
) -> StoreResult<Assessment> {
    let sql = format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1{}",
        lock.clause(conn)
    );
    one_in(conn, sql, "assessment", id).await
}

pub(crate) async fn peer_request_in(
    conn: &mut impl Connection,
    id: i64,
    lock: Lock,
) -> StoreResult<PeerRequest> {
    let sql = format!(
        "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE id = $1{}",
        lock.clause(conn)
    );
    one_in(conn, sql, "peer request", id).await
}

/// `Invalid` naming the first of `ids` that is not in `table`.
pub(crate) async fn require(
    conn: &mut impl Connection,
    table: &'static str,
    what: &str,
    ids: impl IntoIterator<Item = i64>,
) -> StoreResult<()> {
    let wanted: BTreeSet<i64> = ids.into_iter().collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let list: Vec<i64> = wanted.iter().copied().collect();
    let found: Vec<i64> = db_run!(conn, |c| {
        let sql = format!("SELECT id FROM {table} WHERE {}", Db::in_ids("id", 1));
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(Db::ids(&list))
            .fetch_all(c)
    })?;
    let found: BTreeSet<i64> = found.into_iter().collect();
    match wanted.difference(&found).next() {
        Some(missing) => Err(StoreError::Invalid(format!(
            "{what} {missing} does not exist"
        ))),
        None => Ok(()),
    }
}

pub(crate) async fn require_people(
    conn: &mut impl Connection,
    ids: impl IntoIterator<Item = PersonId>,
) -> StoreResult<()> {
    require(conn, "people", "person", ids).await
}

/// Whose listing it is: a person's or an assessment's (table, and name in messages).
pub(crate) const PERSON: (&str, &str) = ("people", "person");
pub(crate) const ASSESSMENT: (&str, &str) = ("assessments", "assessment");

/// `NotFound` unless the row exists: listings by person or assessment tell "nobody" from
/// "nothing yet".
pub(crate) async fn exists(db: &Database, (table, what): (&str, &str), id: i64) -> StoreResult<()> {
    let sql = format!("SELECT id FROM {table} WHERE id = $1");
    let found: Option<i64> = db_run!(db, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(c))?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("{what} {id}")))
}

/// The rows `sql` lists for one owner (bound as `$1`); `NotFound` when there are none because
/// the owner does not exist.
pub(crate) async fn listing<T>(
    db: &Database,
    sql: String,
    owner: (&str, &str),
    id: i64,
) -> StoreResult<Vec<T>>
where
    T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>,
{
    let found: Vec<T> = db_run!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(c))?;
    if found.is_empty() {
        exists(db, owner, id).await?;
    }
    Ok(found)
}

/// One rating row to insert.
pub(crate) struct RatingRow<'a> {
    pub assessment_id: AssessmentId,
    pub person_id: PersonId,
    pub kind: RaterKind,
    pub rater_id: PersonId,
    pub rating: &'a NewRating,
    pub at: Millis,
}

/// Inserts ratings in order (their ids follow it), and brings `current_ratings` and
/// `cycle_outcomes` up to date.
///
/// The newest new rating of each (person, skill, kind) replaces the current one only when newer
/// (by time, then id), so the current rating is the newest whatever order ratings arrive in. Keys
/// are written in primary-key order, so concurrent writers lock them in the same order.
pub(crate) async fn insert_ratings(
    conn: &mut impl Connection,
    rows: &[RatingRow<'_>],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids = db_run!(conn, |c| Db::reserve_ids(c, "ratings", rows.len()))?;
    let text = |f: for<'r> fn(&'r RatingRow<'r>) -> Option<&'r str>| rows.iter().map(f).collect();
    let columns = [
        ("id", Values::Int(ids.clone())),
        (
            "assessment_id",
            Values::Int(rows.iter().map(|r| r.assessment_id).collect()),
        ),
        (
            "person_id",
            Values::Int(rows.iter().map(|r| r.person_id).collect()),
        ),
        (
            "skill",
            Values::Text(rows.iter().map(|r| r.rating.skill.as_str()).collect()),
        ),
        (
            "rater_kind",
            Values::Text(rows.iter().map(|r| r.kind.as_str()).collect()),
        ),
        (
            "rater_id",
            Values::Int(rows.iter().map(|r| r.rater_id).collect()),
        ),
        (
            "level",
            Values::OptText(text(|r| r.rating.level.as_deref())),
        ),
        (
            "not_applicable",
            Values::OptText(text(|r| r.rating.not_applicable.as_deref())),
        ),
        (
            "comment",
            Values::OptText(text(|r| r.rating.comment.as_deref())),
        ),
        ("at", Values::Int(rows.iter().map(|r| r.at).collect())),
    ];
    db_run!(conn, |c| Db::insert_rows(c, "ratings", &columns))?;
    db_run!(rows conn, |c| {
        // `WHERE n = 1` also keeps SQLite from reading `ON CONFLICT` as part of a join.
        let sql = format!(
            "INSERT INTO current_ratings (person_id, skill, rater_kind, rating_id, assessment_id,
                 rater_id, level, not_applicable, comment, at)
             SELECT person_id, skill, rater_kind, id, assessment_id, rater_id, level,
                 not_applicable, comment, at
             FROM (SELECT r.*, row_number() OVER (PARTITION BY person_id, skill, rater_kind
                       ORDER BY at DESC, id DESC) AS n
                   FROM ratings r WHERE {}) newest
             WHERE n = 1
             ORDER BY person_id, skill, rater_kind
             ON CONFLICT (person_id, skill, rater_kind) DO UPDATE SET
                 rating_id = excluded.rating_id, assessment_id = excluded.assessment_id,
                 rater_id = excluded.rater_id, level = excluded.level,
                 not_applicable = excluded.not_applicable, comment = excluded.comment,
                 at = excluded.at
             WHERE (excluded.at, excluded.rating_id)
                 > (current_ratings.at, current_ratings.rating_id)",
            Db::in_ids("r.id", 1)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(Db::ids(&ids))
            .execute(c)
    })?;
    update_cycle_outcomes(conn, "r.id", &ids).await
}

/// Brings `cycle_outcomes` up to date with the manager's and agreed ratings whose `column` (`r.id`
/// or `r.assessment_id`) is one of `ids`, of assessments in a cycle: a rating becomes the outcome when it is agreed and the outcome is not, or when it
/// is of the same kind and newer (by time, then id). Its gap is looked up in the gaps of the
/// cycle's framework version (none while they are not recorded: see `ensure_level_gaps`).
pub(crate) async fn update_cycle_outcomes(
    conn: &mut impl Connection,
    column: &str,
    ids: &[i64],
) -> StoreResult<()> {
    db_run!(rows conn, |c| {
        let sql = format!(
            "INSERT INTO cycle_outcomes (cycle_id, assessment_id, skill, rating_id, rater_kind, at,
                 level, gap, track)
             SELECT a.cycle_id, n.assessment_id, n.skill, n.id, n.rater_kind, n.at, n.level,
                 g.gap, g.track
             FROM (SELECT r.id, r.assessment_id, r.skill, r.rater_kind, r.at, r.level,
                       row_number() OVER (PARTITION BY r.assessment_id, r.skill
                           ORDER BY CASE WHEN r.rater_kind = 'agreed' THEN 0 ELSE 1 END,
                               r.at DESC, r.id DESC) AS pick
                   FROM ratings r
                   WHERE {} AND r.rater_kind IN ('manager', 'agreed')) n
             JOIN assessments a ON a.id = n.assessment_id
             JOIN review_cycles c ON c.id = a.cycle_id
             LEFT JOIN level_gaps g ON g.framework_version_id = c.framework_version_id
                 AND g.role_level = a.role_level AND g.skill = n.skill AND g.level = n.level
             WHERE n.pick = 1
             ORDER BY a.cycle_id, n.assessment_id, n.skill
             ON CONFLICT (cycle_id, assessment_id, skill) DO UPDATE SET
                 rating_id = excluded.rating_id, rater_kind = excluded.rater_kind,
                 at = excluded.at, level = excluded.level, gap = excluded.gap,
                 track = excluded.track
             WHERE (CASE WHEN excluded.rater_kind = 'agreed' THEN 1 ELSE 0 END, excluded.at,
                    excluded.rating_id)
                 > (CASE WHEN cycle_outcomes.rater_kind = 'agreed' THEN 1 ELSE 0 END,
                    cycle_outcomes.at, cycle_outcomes.rating_id)",
            Db::in_ids(column, 1)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(Db::ids(ids))
            .execute(c)
    })?;
    Ok(())
}

/// Inserts evidence with the ids given (reserved by the caller), and its skill rows.
pub(crate) async fn insert_evidence(
    conn: &mut impl Connection,
    rows: &[(EvidenceId, &NewEvidence)],
    created_by: impl Fn(&NewEvidence) -> PersonId,
    at: Millis,
) -> StoreResult<()> {
    let json = |f: fn(&NewEvidence) -> &Vec<String>| {
        let list = |e| serde_json::Value::from(f(e).as_slice()).to_string();
        Values::Json(rows.iter().map(|(_, e)| list(e)).collect())
    };
    let text = |f: fn(&NewEvidence) -> &str| Values::Text(rows.iter().map(|(_, e)| f(e)).collect());
    let columns = [
        ("id", Values::Int(rows.iter().map(|(id, _)| *id).collect())),
        (
            "person_id",
            Values::Int(rows.iter().map(|(_, e)| e.person_id).collect()),
        ),
        ("happened_on", text(|e| &e.happened_on)),
        ("title", text(|e| &e.title)),
        ("description", text(|e| &e.description)),
        ("links", json(|e| &e.links)),
        ("skills", json(|e| &e.skills)),
        ("corroborators", json(|e| &e.corroborators)),
        (
            "created_by",
            Values::Int(rows.iter().map(|(_, e)| created_by(e)).collect()),
        ),
        ("created_at", Values::Int(vec![at; rows.len()])),
    ];
    db_run!(conn, |c| Db::insert_rows(c, "evidence", &columns))?;
    let skills: Vec<(EvidenceId, PersonId, &str)> = rows
        .iter()
        .flat_map(|(id, e)| e.skills.iter().map(|s| (*id, e.person_id, s.as_str())))
        .collect();
    let columns = [
        (
            "evidence_id",
            Values::Int(skills.iter().map(|s| s.0).collect()),
        ),
        (
            "person_id",
            Values::Int(skills.iter().map(|s| s.1).collect()),
        ),
        ("skill", Values::Text(skills.iter().map(|s| s.2).collect())),
    ];
    db_run!(conn, |c| Db::insert_rows(c, "evidence_skills", &columns))?;
    Ok(())
}
