//! The reads behind a person's page and readiness: evidence, evidence counts, and the documents
//! of [`trellis_store::json_rows`] built by the database in one statement (one snapshot, one
//! round trip): a person's whole record, and what is known of some people's skills.

use sqlx::Row;
use trellis_store::{
    Evidence, EvidenceAfter, HomeRecord, LatestRating, Observations, ObservedPerson, OverviewStore,
    PersonId, PersonRecord, Rating, StoreResult, TeamRecord, json_rows,
};

use super::histories::{MARK_COLUMNS, Mark};
use super::rows::{EVIDENCE_COLUMNS, PERSON, exists, listing};
use crate::dialect::Dialect;
use crate::{Database, db_run, statement};

pub(super) async fn evidence_of(db: &Database, person: PersonId) -> StoreResult<Vec<Evidence>> {
    let sql = format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id = $1 AND deleted_at IS NULL
         ORDER BY happened_on DESC, id DESC"
    );
    listing(db, sql, PERSON, person).await
}

pub(super) async fn deleted_evidence_of(
    db: &Database,
    person: PersonId,
) -> StoreResult<Vec<Evidence>> {
    let sql = format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id = $1 AND deleted_at IS NOT NULL
         ORDER BY deleted_at DESC, id DESC"
    );
    listing(db, sql, PERSON, person).await
}

/// Keyset paging on the `evidence_person` index: each page starts where the one before ended,
/// however much was added meanwhile, and costs the same however deep it is.
pub(super) async fn evidence_page(
    db: &Database,
    person: PersonId,
    after: Option<EvidenceAfter>,
    limit: u32,
) -> StoreResult<Vec<Evidence>> {
    // Without a cursor, start above every stored piece: dates are `YYYY-MM-DD`, ids below MAX.
    let (day, id) = after.map_or_else(
        || ("9999-99-99".to_owned(), i64::MAX),
        |a| (a.happened_on, a.id),
    );
    let sql = format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id = $1 AND deleted_at IS NULL
         AND (happened_on < $2 OR (happened_on = $2 AND id < $3))
         ORDER BY happened_on DESC, id DESC LIMIT $4"
    );
    let found: Vec<Evidence> = db_run!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(&day)
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(c))?;
    if found.is_empty() {
        exists(db, PERSON, person).await?;
    }
    Ok(found)
}

pub(super) async fn evidence_counts(
    db: &Database,
    people: &[PersonId],
) -> StoreResult<Vec<(PersonId, String, i64)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    db_run!(db, |c| {
        let sql = format!(
            "SELECT person_id, skill, count(*) AS n FROM evidence_skills WHERE {}
             GROUP BY person_id, skill ORDER BY person_id, skill",
            Db::in_ids("person_id", 1)
        );
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(Db::ids(people))
            .fetch_all(c)
    })
}

/// A person as a JSON row (see [`json_rows`]), from `people p`, without their password hash: no
/// page shows it, and a hash is the longest text of a row.
fn person_json<D: Dialect>() -> String {
    format!(
        "{}(p.id, p.email, p.name, p.team_id, p.manager_id, p.role_level, p.role_level_version, \
         p.role_level_since, p.system_role, p.active, NULL, p.revision, p.created_at)",
        D::JSON_ARRAY
    )
}

/// An assessment as a JSON row, from `assessments` unaliased.
fn assessment_json<D: Dialect>() -> String {
    format!(
        "{}(id, person_id, role_level, framework_version_id, cycle, stage, created_by, \
         created_at, self_submitted_at, self_submitted_by, manager_submitted_at, \
         manager_submitted_by, agreed_at, agreed_by, revision)",
        D::JSON_ARRAY
    )
}

/// The column of the reporting line above person `$1`, nearest manager first, for the access rules;
/// bounded, though the store never lets a line loop.
///
/// The first [`LINE_JOINED`] managers come from a chain of joins, padded with nulls (which
/// `json_rows` drops); only a longer line is walked by a recursive query, whose work table costs
/// more than the joins.
fn reporting_line<D: Dialect>() -> String {
    let (array, agg, max_line) = (
        D::JSON_ARRAY,
        D::JSON_AGG,
        trellis_store::MAX_REPORTING_LINE,
    );
    let ids = (1..=LINE_JOINED)
        .map(|i| format!("m{i}.id"))
        .collect::<Vec<_>>()
        .join(", ");
    let joins: String = (1..=LINE_JOINED)
        .map(|i| format!(" LEFT JOIN people m{i} ON m{i}.id = m{}.manager_id", i - 1))
        .collect();
    format!(
        "CAST((SELECT CASE WHEN m{LINE_JOINED}.manager_id IS NULL THEN {array}({ids}) ELSE
             (WITH RECURSIVE up(id, manager_id, depth) AS (
                 SELECT id, manager_id, 0 FROM people WHERE id = $1
                 UNION ALL
                 SELECT p.id, p.manager_id, up.depth + 1 FROM people p
                 JOIN up ON p.id = up.manager_id WHERE up.depth < {max_line})
             SELECT {agg}(id ORDER BY depth) FROM up WHERE depth > 0) END
         FROM people m0{joins} WHERE m0.id = $1) AS TEXT)"
    )
}

/// How many levels of a reporting line [`reporting_line`] joins before it walks.
const LINE_JOINED: usize = 8;

/// The column that tells whether any assessment of person `$1` is in a review cycle whose results
/// are not shared yet: 1 or 0.
const UNSHARED_CYCLES: &str = "CAST((SELECT CASE WHEN EXISTS (SELECT 1 FROM assessments a
         JOIN review_cycles c ON c.id = a.cycle_id
         WHERE a.person_id = $1 AND c.shared_at IS NULL) THEN 1 ELSE 0 END) AS TEXT)";

/// The column of the check-in series person `$1` is one of the pair of, with their dates.
fn check_ins_of_person<D: Dialect>() -> String {
    let (array, agg) = (D::JSON_ARRAY, D::JSON_AGG);
    format!(
        "CAST((SELECT {agg}({array}(c.id, c.person_id, pp.name, c.partner_id, q.name, c.cadence,
                 c.created_by, c.created_at,
                 (SELECT m.on_date FROM check_in_meetings m
                     WHERE m.check_in_id = c.id AND m.held_at IS NULL),
                 (SELECT MAX(m.held_at) FROM check_in_meetings m WHERE m.check_in_id = c.id)))
             FROM check_ins c JOIN people pp ON pp.id = c.person_id
             JOIN people q ON q.id = c.partner_id
             WHERE c.person_id = $1 OR c.partner_id = $1) AS TEXT)"
    )
}

/// A column listing the people `filter` selects (as `p`), in no order, each with their name as the
/// database lower-cases it, for `json_rows` to put in order: an aggregate ordered here would sort
/// through a temporary table, which costs more than the list.
fn people_by_name<D: Dialect>(filter: &str) -> String {
    let (array, agg, person_json) = (D::JSON_ARRAY, D::JSON_AGG, person_json::<D>());
    format!(
        "CAST((SELECT {agg}({array}(lower(p.name), {person_json})) FROM people p WHERE {filter})
             AS TEXT)"
    )
}

/// The two columns of [`Observations`] of the people `who` selects: their evidence counts for the
/// document, and their latest ratings, which go last in the statement and are read apart from the
/// document (see [`latest_ratings`]). Both in no particular order.
fn observation_columns<D: Dialect>(who: &str) -> (String, String) {
    let (array, agg) = (D::JSON_ARRAY, D::JSON_AGG);
    let counts = format!(
        "CAST((SELECT {agg}({array}(person_id, skill, n))
             FROM (SELECT person_id, skill, count(*) AS n FROM evidence_skills
                   WHERE {who} GROUP BY person_id, skill) e) AS TEXT)"
    );
    let latest = format!(
        "CAST((SELECT {agg}({array}({LATEST_COLUMNS})) FROM current_ratings WHERE {who}) AS TEXT)"
    );
    (counts, latest)
}

/// The columns of a [`LatestRating`] as `json_rows` reads them, from `current_ratings`.
const LATEST_COLUMNS: &str = "person_id, skill, rater_kind, level, not_applicable";

/// Column `i` of `row`, a list of latest ratings, read by the reader made for them rather than as
/// part of the document: a team's latest ratings are most of its text.
fn latest_ratings<R: Row>(row: &R, i: usize) -> StoreResult<Vec<LatestRating>>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<&'r str>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let text: Option<&str> = row.try_get(i).map_err(crate::db_error)?;
    json_rows::latest_list(text.unwrap_or("null"))
}

/// One JSON object from a row of JSON texts, named in order.
///
/// Each column is a scalar subquery: nesting them in a JSON object in SQL would make SQLite
/// parse every one again (a subquery's result loses its JSON subtype and must be wrapped in
/// `json()`), which costs more than joining the texts here.
fn json_document<R: Row>(row: &R, keys: &[&str]) -> StoreResult<String>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<&'r str>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut doc = String::with_capacity(1024);
    doc.push('{');
    for (i, key) in keys.iter().enumerate() {
        let value: Option<&str> = row.try_get(i).map_err(crate::db_error)?;
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

pub(super) async fn observations(db: &Database, people: &[PersonId]) -> StoreResult<Observations> {
    if people.is_empty() {
        return Ok(Observations::default());
    }
    let (doc, latest) = db_run!(db, |c| async {
        let sql = statement!({
            let (array, agg) = (Db::JSON_ARRAY, Db::JSON_AGG);
            let who = Db::in_ids("person_id", 1);
            format!(
                "SELECT
                     CAST((SELECT {agg}({array}(person_id, skill, n) ORDER BY person_id, skill)
                         FROM (SELECT person_id, skill, count(*) AS n FROM evidence_skills
                               WHERE {who} GROUP BY person_id, skill) e) AS TEXT),
                     CAST((SELECT {agg}({array}({LATEST_COLUMNS}))
                         FROM current_ratings WHERE {who}) AS TEXT)"
            )
        });
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(Db::ids(people))
            .fetch_one(c)
            .await?;
        Ok((
            json_document(&row, &["evidence_counts"]),
            latest_ratings(&row, 1),
        ))
    })?;
    json_rows::observations(&doc?, latest?)
}

pub(super) async fn person_record(db: &Database, person: PersonId) -> StoreResult<PersonRecord> {
    // A history kept from an earlier read serves while its mark is unchanged; otherwise the whole
    // record is read again, history included, in one snapshot.
    if let Some((mark, ratings)) = db.histories.get(person) {
        let (doc, now, _) = read_record(db, person, false).await?;
        if now == mark {
            return record_of(&doc, person, ratings.to_vec());
        }
    }
    let (doc, mark, ratings) = read_record(db, person, true).await?;
    let mut ratings = ratings.unwrap_or_default();
    json_rows::sort_history(&mut ratings);
    db.histories.keep(person, mark, &ratings);
    record_of(&doc, person, ratings)
}

/// The record of `doc` with its rating history, `ratings` in their order.
fn record_of(doc: &str, person: PersonId, ratings: Vec<Rating>) -> StoreResult<PersonRecord> {
    let mut record = json_rows::person_record(doc, person)?;
    record.rating_history = ratings;
    Ok(record)
}

/// A person's record as one JSON document, the [`Mark`] of their rating history and, when asked
/// for, the history itself.
async fn read_record(
    db: &Database,
    person: PersonId,
    with_history: bool,
) -> StoreResult<(String, Mark, Option<Vec<Rating>>)> {
    // The lists are ordered by `json_rows` (see `sort_record`). Peer raters are named from the
    // peer requests (a short lookup) rather than from a second pass over the rating history; the
    // names come as often as they are referred to (`sort_record` keeps one of each), which spares
    // the database a temporary table to remove the repeats.
    let (doc, mark, ratings) = db_run!(db, |c| async {
        let sql = if with_history {
            statement!(record_statement::<Db>(true))
        } else {
            statement!(record_statement::<Db>(false))
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person)
            .fetch_one(c)
            .await?;
        let keys = [
            "person",
            "team",
            "manager",
            "reports",
            "assessments",
            "evidence",
            "peer_requests",
            "names",
            "managers",
            "check_ins",
            "unshared_cycles",
        ];
        let n = keys.len();
        let mark = Mark {
            ratings: row.try_get(n)?,
            erasures: row.try_get(n + 1)?,
        };
        let ratings = if with_history {
            Some(Db::rating_history(&row, person)?)
        } else {
            None
        };
        Ok((json_document(&row, &keys), mark, ratings))
    })?;
    Ok((doc?, mark, ratings))
}

/// The statement of [`read_record`], with the history's columns or without.
fn record_statement<D: Dialect>(with_history: bool) -> String {
    let (array, agg) = (D::JSON_ARRAY, D::JSON_AGG);
    let person_json = person_json::<D>();
    let assessment_json = assessment_json::<D>();
    let evidence_json = format!(
        "{array}(id, person_id, happened_on, title, description, {}, {}, {}, created_by, \
         created_at)",
        D::json_column("links"),
        D::json_column("skills"),
        D::json_column("corroborators")
    );
    let request_json = format!(
        "{array}(id, assessment_id, peer_id, {}, requested_by, requested_at, submitted_at)",
        D::json_column("skills")
    );
    let check_ins = check_ins_of_person::<D>();
    let (history, history_from) = if with_history {
        D::RATING_HISTORY
    } else {
        ("", "")
    };
    let reports = people_by_name::<D>("p.manager_id = $1 AND p.id <> $1");
    let managers = reporting_line::<D>();
    format!(
        "SELECT
             CAST((SELECT {person_json} FROM people p WHERE p.id = $1) AS TEXT),
             CAST((SELECT {array}(t.id, t.name) FROM teams t
                 WHERE t.id = (SELECT team_id FROM people WHERE id = $1)) AS TEXT),
             CAST((SELECT {person_json} FROM people p
                 WHERE p.id = (SELECT manager_id FROM people WHERE id = $1)) AS TEXT),
             {reports},
             CAST((SELECT {agg}({assessment_json}) FROM assessments WHERE person_id = $1)
                 AS TEXT),
             CAST((SELECT {agg}({evidence_json}) FROM evidence
                 WHERE person_id = $1 AND deleted_at IS NULL) AS TEXT),
             CAST((SELECT {agg}({request_json}) FROM peer_requests WHERE peer_id = $1)
                 AS TEXT),
             CAST((SELECT {agg}({array}(p.id, p.name)) FROM (
                 SELECT created_by AS id FROM evidence WHERE person_id = $1
                 UNION ALL SELECT r.peer_id FROM assessments a
                       JOIN peer_requests r ON r.assessment_id = a.id WHERE a.person_id = $1)
                 n JOIN people p ON p.id = n.id) AS TEXT),
             {managers},
             {check_ins},
             {UNSHARED_CYCLES},
             {MARK_COLUMNS}{history}{history_from}"
    )
}

impl OverviewStore for Database {
    async fn observed_person(&self, person: PersonId) -> StoreResult<ObservedPerson> {
        let (doc, latest) = db_run!(self, |c| async {
            let sql = statement!({
                let (person_json, managers) = (person_json::<Db>(), reporting_line::<Db>());
                let (counts, latest) = observation_columns::<Db>("person_id = $1");
                format!(
                    "SELECT
                         CAST((SELECT {person_json} FROM people p WHERE p.id = $1) AS TEXT),
                         {managers},
                         {counts},
                         {UNSHARED_CYCLES},
                         {latest}"
                )
            });
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person)
                .fetch_one(c)
                .await?;
            Ok((
                json_document(
                    &row,
                    &["person", "managers", "evidence_counts", "unshared_cycles"],
                ),
                latest_ratings(&row, 4),
            ))
        })?;
        json_rows::observed_person(&doc?, person, latest?)
    }

    async fn home_record(&self, person: PersonId, unread: u32) -> StoreResult<HomeRecord> {
        let (doc, latest) = db_run!(self, |c| async {
            let (array, agg) = (Db::JSON_ARRAY, Db::JSON_AGG);
            let assessment_json = assessment_json::<Db>();
            let check_ins = check_ins_of_person::<Db>();
            let reports = people_by_name::<Db>("p.id IN (SELECT id FROM mine)");
            // `mine`: the active direct reports; `us`: them and the person. The limit is written
            // in, not bound: SQLite prepares a statement again each time its LIMIT is bound, and
            // this one is long.
            let us = "(person_id = $1 OR person_id IN (SELECT id FROM mine))";
            let (counts, latest) = observation_columns::<Db>(us);
            let sql = format!(
                "WITH RECURSIVE below(id) AS (
                     SELECT id FROM people WHERE manager_id = $1
                     UNION
                     SELECT p.id FROM people p JOIN below b ON p.manager_id = b.id
                 ),
                 mine(id) AS (SELECT id FROM people WHERE manager_id = $1 AND active AND id <> $1)
                 SELECT
                     CAST((SELECT {array}(m.name) FROM people m
                         WHERE m.id = (SELECT manager_id FROM people WHERE id = $1)) AS TEXT),
                     CAST((SELECT {array}(t.name) FROM teams t
                         WHERE t.id = (SELECT team_id FROM people WHERE id = $1)) AS TEXT),
                     {reports},
                     CAST((SELECT count(*) FROM below WHERE id <> $1) AS TEXT),
                     CAST((SELECT {agg}({assessment_json}) FROM assessments
                         WHERE {us} AND stage <> 'agreed') AS TEXT),
                     {check_ins},
                     CAST((SELECT {agg}({array}(r.id, r.requested_at, a.id, a.person_id, p.name,
                             a.role_level, a.framework_version_id))
                         FROM peer_requests r JOIN assessments a ON a.id = r.assessment_id
                         JOIN people p ON p.id = a.person_id
                         WHERE r.peer_id = $1 AND r.submitted_at IS NULL AND a.stage <> 'agreed')
                         AS TEXT),
                     CAST((SELECT {agg}({array}(t.id, t.check_in_id, t.raised_in, t.owner_id,
                             o.name, t.body, t.due_on, t.created_by, t.created_at, t.done_at,
                             t.done_by))
                         FROM check_in_actions t JOIN people o ON o.id = t.owner_id
                         WHERE t.owner_id = $1 AND t.done_at IS NULL) AS TEXT),
                     CAST((SELECT {agg}({array}(a.id, a.goal_id, a.kind, a.body, a.due_on,
                             a.done_at, a.created_by, a.created_at))
                         FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id
                         WHERE g.person_id = $1 AND g.closed_at IS NULL AND a.done_at IS NULL)
                         AS TEXT),
                     {counts},
                     CAST((SELECT {agg}({array}(n.id, n.person_id, n.at, n.kind, n.subject,
                             n.link, n.actor_id, n.read_at, n.emailed_at))
                         FROM (SELECT * FROM notifications WHERE person_id = $1 AND read_at IS NULL
                               ORDER BY id DESC LIMIT {unread}) n) AS TEXT),
                     CAST((SELECT {agg}({array}(g.id, g.person_id, g.skill, g.target_level,
                             g.role_level, g.due_on, g.why, g.closed_at, g.created_by,
                             g.created_at))
                         FROM plan_goals g
                         WHERE g.person_id IN (SELECT id FROM mine) AND g.closed_at IS NULL)
                         AS TEXT),
                     {latest}"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person)
                .fetch_one(c)
                .await?;
            let keys = [
                "manager",
                "team",
                "reports",
                "below",
                "open",
                "check_ins",
                "asked",
                "actions",
                "plan_actions",
                "evidence_counts",
                "unread",
                "goals",
            ];
            Ok((json_document(&row, &keys), latest_ratings(&row, keys.len())))
        })?;
        json_rows::home_record(&doc?, latest?)
    }

    async fn team_record(&self, manager: PersonId, direct_only: bool) -> StoreResult<TeamRecord> {
        let (doc, latest) = db_run!(self, |c| async {
            let sql = if direct_only {
                statement!(team_statement::<Db>(true))
            } else {
                statement!(team_statement::<Db>(false))
            };
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(manager)
                .fetch_one(c)
                .await?;
            Ok((
                json_document(&row, &["people", "evidence_counts"]),
                latest_ratings(&row, 2),
            ))
        })?;
        json_rows::team_record(&doc?, latest?)
    }
}

/// The statement of `team_record`: the people below the manager (`$1`), or only those reporting
/// to them directly.
fn team_statement<D: Dialect>(direct_only: bool) -> String {
    let people = people_by_name::<D>("p.id IN (SELECT id FROM team)");
    // UNION (not UNION ALL) stops at people already seen, should a loop ever get in.
    let below = if direct_only {
        "WITH below(id) AS (SELECT id FROM people WHERE manager_id = $1)"
    } else {
        "WITH RECURSIVE below(id) AS (
             SELECT id FROM people WHERE manager_id = $1
             UNION
             SELECT p.id FROM people p JOIN below b ON p.manager_id = b.id
         )"
    };
    let (counts, latest) = observation_columns::<D>("person_id IN (SELECT id FROM team)");
    format!(
        "{below},
         team(id) AS (SELECT id FROM people
             WHERE id IN (SELECT id FROM below) AND id <> $1 AND active)
         SELECT
             {people},
             {counts},
             {latest}"
    )
}
