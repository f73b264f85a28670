//! Calibration: a cycle's outcomes counted per manager, team, track and skill against what their
//! role levels require (indexed GROUP BYs over `cycle_outcomes`, where each outcome is kept with
//! its gap as its rating is written: a cycle of 10,000 people returns a few hundred rows), the
//! calibration session's people and ratings, and calibration changes.

use std::collections::BTreeMap;

use serde_json::json;
use trellis_store::backend::clean_text;
use trellis_store::{
    Assessment, Audit, CalibrationChange, CalibrationScope, CalibrationStore, CycleId, Dimension,
    GapCount, LevelGap, NewCalibrationChange, NewRating, Person, PersonId, RaterKind, Rating,
    SessionRecords, Stage, StoreError, StoreResult,
};

use crate::dialect::{Dialect, Values};
use crate::growth::actor;
use crate::growth::bulk::analyze;
use crate::growth::rows::{
    ASSESSMENT_COLUMNS, Lock, RatingRow, assessment_in, insert_ratings, update_cycle_outcomes,
};
use crate::{Connection, Database, PERSON_COLUMNS, db_run, success};

/// A row of the counts: dimension, group key, group name, gap, count.
type CountRow = (String, Option<String>, Option<String>, i64, i64);

const CHANGE_COLUMNS: &str = "id, cycle_id, assessment_id, person_id, skill, rater_kind, \
     before_level, after_level, reason, rating_id, changed_by, changed_at";

/// The start of a statement limited to a scope: a `below` table of the people below the manager
/// bound as `$n` (any depth; UNION stops at people already seen), and the condition that
/// `column` names someone in scope.
fn scope_sql(scope: CalibrationScope, column: &str, n: u32) -> (String, String) {
    match scope {
        CalibrationScope::Everyone => ("WITH RECURSIVE".into(), "1 = 1".into()),
        CalibrationScope::Below(_) => (
            format!(
                "WITH RECURSIVE below(id) AS (
                     SELECT id FROM people WHERE manager_id = ${n}
                     UNION
                     SELECT p.id FROM people p JOIN below b ON p.manager_id = b.id),"
            ),
            format!("{column} IN (SELECT id FROM below)"),
        ),
    }
}

fn manager_of(scope: CalibrationScope) -> Option<PersonId> {
    match scope {
        CalibrationScope::Everyone => None,
        CalibrationScope::Below(m) => Some(m),
    }
}

/// The newest rating of each (assessment, skill, rater kind) of the cycle `$1` among `kinds`: the
/// select of a CTE with `n = 1` on the rows wanted.
fn newest_ratings(kinds: &str, in_scope: &str) -> String {
    format!(
        "SELECT a.person_id, a.role_level, a.manager_submitted_by, r.id, r.assessment_id,
             r.skill, r.rater_kind, r.rater_id, r.level, r.not_applicable, r.comment, r.at,
             row_number() OVER (PARTITION BY r.assessment_id, r.skill, r.rater_kind
                 ORDER BY r.at DESC, r.id DESC) AS n
         FROM assessments a
         JOIN ratings r ON r.assessment_id = a.id AND r.rater_kind IN ({kinds})
         WHERE a.cycle_id = $1 AND {in_scope}"
    )
}

/// The condition that `column` names someone of `team`, bound after the manager (if any).
fn of_team(team: Option<i64>, column: &str, manager: Option<PersonId>) -> String {
    match team {
        None => "1 = 1".into(),
        Some(_) => {
            let n = if manager.is_some() { 3 } else { 2 };
            format!("{column} IN (SELECT id FROM people WHERE team_id = ${n})")
        }
    }
}

/// The counts per manager, team, track and skill: `with` defines `keyed` (manager_id, team_id,
/// gap, n: `n` outcomes at that gap), and `outcomes` (a FROM clause and its WHERE) names the
/// outcomes counted per track and skill.
fn count_sql(with: &str, outcomes: &str) -> String {
    format!(
        "{with}
         SELECT 'manager' AS dimension, CAST(x.manager_id AS TEXT) AS group_key, m.name AS name,
             x.gap, x.n
         FROM (SELECT manager_id, gap, CAST(SUM(n) AS BIGINT) AS n FROM keyed
               GROUP BY manager_id, gap) x
         LEFT JOIN people m ON m.id = x.manager_id
         UNION ALL
         SELECT 'team', CAST(x.team_id AS TEXT), t.name, x.gap, x.n
         FROM (SELECT team_id, gap, CAST(SUM(n) AS BIGINT) AS n FROM keyed
               GROUP BY team_id, gap) x
         LEFT JOIN teams t ON t.id = x.team_id
         UNION ALL
         SELECT 'track', track, NULL, gap, COUNT(*) FROM {outcomes} GROUP BY track, gap
         UNION ALL
         SELECT 'skill', skill, NULL, gap, COUNT(*) FROM {outcomes} GROUP BY skill, gap"
    )
}

/// A cycle's framework version, and whether its level gaps are recorded (1) or not (0).
const GAPS_RECORDED: &str = "SELECT c.framework_version_id,
         (SELECT COUNT(*) FROM (SELECT 1 FROM level_gaps g
              WHERE g.framework_version_id = c.framework_version_id LIMIT 1) x)
     FROM review_cycles c WHERE c.id = $1";

/// Records the level gaps of a cycle's framework version the first time one of its cycles is
/// counted, and gives the outcomes already written for its cycles their gaps; from then on each
/// outcome gets its gap when it is written. A version never changes, so its gaps, once recorded,
/// are never rewritten. `NotFound` for an unknown cycle.
async fn ensure_level_gaps(db: &Database, cycle: CycleId, gaps: &[LevelGap]) -> StoreResult<()> {
    let found: Option<(i64, i64)> = db_run!(db, |c| sqlx::query_as(GAPS_RECORDED)
        .bind(cycle)
        .fetch_optional(c))?;
    let Some((version, known)) = found else {
        return Err(StoreError::NotFound(format!("review cycle {cycle}")));
    };
    if known > 0 || gaps.is_empty() {
        return Ok(());
    }
    let mut tx = db.write().await?;
    db_run!(tx, |c| async {
        if let Some(lock) = Db::LOCK_CYCLE_OUTCOMES {
            sqlx::query(lock).execute(c).await?;
        }
        Ok(())
    })?;
    // Another writer may have recorded them while this one waited.
    let (_, known): (i64, i64) = db_run!(tx, |c| sqlx::query_as(GAPS_RECORDED)
        .bind(cycle)
        .fetch_one(c))?;
    if known > 0 {
        return Ok(());
    }
    let unique: BTreeMap<(&str, &str, &str), &LevelGap> = gaps
        .iter()
        .map(|g| {
            (
                (g.role_level.as_str(), g.skill.as_str(), g.level.as_str()),
                g,
            )
        })
        .collect();
    let rows: Vec<&LevelGap> = unique.into_values().collect();
    let columns = [
        (
            "framework_version_id",
            Values::Int(vec![version; rows.len()]),
        ),
        (
            "role_level",
            Values::Text(rows.iter().map(|g| g.role_level.as_str()).collect()),
        ),
        (
            "skill",
            Values::Text(rows.iter().map(|g| g.skill.as_str()).collect()),
        ),
        (
            "level",
            Values::Text(rows.iter().map(|g| g.level.as_str()).collect()),
        ),
        ("gap", Values::Int(rows.iter().map(|g| g.gap).collect())),
        (
            "track",
            Values::Text(rows.iter().map(|g| g.track.as_str()).collect()),
        ),
    ];
    db_run!(tx, |c| Db::insert_rows(c, "level_gaps", &columns))?;
    db_run!(rows tx, |c| sqlx::query(
        "UPDATE cycle_outcomes SET (gap, track) = (
             SELECT g.gap, g.track FROM assessments a
             JOIN level_gaps g ON g.framework_version_id = $1 AND g.role_level = a.role_level
             WHERE a.id = cycle_outcomes.assessment_id AND g.skill = cycle_outcomes.skill
                 AND g.level = cycle_outcomes.level)
         WHERE cycle_id IN (SELECT id FROM review_cycles WHERE framework_version_id = $1)"
    )
    .bind(version)
    .execute(c))?;
    tx.commit().await?;
    vacuum_outcomes(db).await
}

/// After rewriting a whole framework version's outcomes, on PostgreSQL: each row has a dead
/// version until autovacuum passes, and no visibility map, so counting would scan the table rather
/// than its indexes. A vacuum now (outside any transaction) makes the next count index-only.
pub(crate) async fn vacuum_outcomes(db: &Database) -> StoreResult<()> {
    db_run!(db, |c| async move {
        if Db::ANALYZE_AFTER_BULK {
            sqlx::raw_sql("VACUUM (ANALYZE) cycle_outcomes")
                .execute(c)
                .await?;
        }
        Ok(())
    })
}

async fn cycle_exists(db: &Database, cycle: CycleId) -> StoreResult<()> {
    let found: Option<i64> = db_run!(db, |c| sqlx::query_scalar(
        "SELECT id FROM review_cycles WHERE id = $1"
    )
    .bind(cycle)
    .fetch_optional(c))?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("review cycle {cycle}")))
}

impl CalibrationStore for Database {
    async fn calibration_counts(
        &self,
        cycle: CycleId,
        scope: CalibrationScope,
        gaps: &[LevelGap],
    ) -> StoreResult<Vec<GapCount>> {
        ensure_level_gaps(self, cycle, gaps).await?;
        let rows: Vec<CountRow> = db_run!(self, |c| {
            let sql = match scope {
                // The whole cycle: per manager and team, each assessment's outcomes are counted
                // per gap first (in index order), so that only those counts meet the people.
                CalibrationScope::Everyone => count_sql(
                    "WITH per AS (
                         SELECT assessment_id, gap, COUNT(*) AS n FROM cycle_outcomes
                         WHERE cycle_id = $1 AND gap IS NOT NULL GROUP BY assessment_id, gap),
                     keyed AS MATERIALIZED (
                         SELECT COALESCE(a.manager_submitted_by, p.manager_id) AS manager_id,
                             p.team_id, per.gap, per.n
                         FROM per
                         JOIN assessments a ON a.id = per.assessment_id
                         JOIN people p ON p.id = a.person_id)",
                    "cycle_outcomes WHERE cycle_id = $1 AND gap IS NOT NULL",
                ),
                // A reporting line: its people's assessments, then their outcomes.
                CalibrationScope::Below(_) => {
                    let (with, in_scope) = scope_sql(scope, "a.person_id", 2);
                    count_sql(
                        &format!(
                            "{with}
                             outs AS MATERIALIZED (
                                 SELECT COALESCE(a.manager_submitted_by, p.manager_id)
                                         AS manager_id,
                                     p.team_id, o.track, o.skill, o.gap
                                 FROM assessments a
                                 JOIN people p ON p.id = a.person_id
                                 JOIN cycle_outcomes o ON o.cycle_id = a.cycle_id
                                     AND o.assessment_id = a.id
                                 WHERE a.cycle_id = $1 AND {in_scope} AND o.gap IS NOT NULL),
                             keyed AS (SELECT manager_id, team_id, gap, 1 AS n FROM outs)"
                        ),
                        "outs",
                    )
                }
            };
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(cycle);
            if let Some(m) = manager_of(scope) {
                q = q.bind(m);
            }
            q.fetch_all(c)
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(dimension, key, name, gap, count)| {
                Some(GapCount {
                    dimension: Dimension::parse(&dimension)?,
                    key,
                    name,
                    gap,
                    count,
                })
            })
            .collect())
    }

    async fn calibration_totals(
        &self,
        cycle: CycleId,
        gaps: &[LevelGap],
    ) -> StoreResult<Vec<(i64, i64)>> {
        ensure_level_gaps(self, cycle, gaps).await?;
        db_run!(self, |c| sqlx::query_as(
            "SELECT gap, COUNT(*) FROM cycle_outcomes WHERE cycle_id = $1 AND gap IS NOT NULL
             GROUP BY gap ORDER BY gap"
        )
        .bind(cycle)
        .fetch_all(c))
    }

    async fn calibration_changes(
        &self,
        cycle: CycleId,
        scope: CalibrationScope,
    ) -> StoreResult<Vec<CalibrationChange>> {
        cycle_exists(self, cycle).await?;
        db_run!(self, |c| {
            let (with, in_scope) = scope_sql(scope, "person_id", 2);
            // `WITH RECURSIVE` needs a table after it: `changes` is one.
            let sql = format!(
                "{with} changes AS (SELECT {CHANGE_COLUMNS} FROM calibration_changes
                     WHERE cycle_id = $1 AND {in_scope})
                 SELECT {CHANGE_COLUMNS} FROM changes ORDER BY changed_at DESC, id DESC"
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(cycle);
            if let Some(m) = manager_of(scope) {
                q = q.bind(m);
            }
            q.fetch_all(c)
        })
    }

    async fn calibration_session(
        &self,
        cycle: CycleId,
        scope: CalibrationScope,
        team: Option<i64>,
    ) -> StoreResult<SessionRecords> {
        let mut tx = self.snapshot().await?;
        let found: Option<i64> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM review_cycles WHERE id = $1"
        )
        .bind(cycle)
        .fetch_optional(c))?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!("review cycle {cycle}")));
        }
        let m = manager_of(scope);
        let assessments: Vec<Assessment> = db_run!(tx, |c| {
            let (with, in_scope) = scope_sql(scope, "person_id", 2);
            let of_team = of_team(team, "person_id", m);
            let sql = format!(
                "{with} chosen AS (SELECT {ASSESSMENT_COLUMNS} FROM assessments
                     WHERE cycle_id = $1 AND {in_scope} AND {of_team})
                 SELECT {ASSESSMENT_COLUMNS} FROM chosen ORDER BY id"
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(cycle);
            if let Some(m) = m {
                q = q.bind(m);
            }
            if let Some(t) = team {
                q = q.bind(t);
            }
            q.fetch_all(c)
        })?;
        let ratings: Vec<Rating> = db_run!(tx, |c| {
            let (with, in_scope) = scope_sql(scope, "a.person_id", 2);
            let in_scope = format!("{in_scope} AND {}", of_team(team, "a.person_id", m));
            let newest = newest_ratings("'self', 'manager', 'agreed'", &in_scope);
            let sql = format!(
                "{with} newest AS ({newest})
                 SELECT id, assessment_id, person_id, skill, rater_kind, rater_id, level,
                     not_applicable, comment, at
                 FROM newest WHERE n = 1 ORDER BY assessment_id, skill, rater_kind"
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(cycle);
            if let Some(m) = m {
                q = q.bind(m);
            }
            if let Some(t) = team {
                q = q.bind(t);
            }
            q.fetch_all(c)
        })?;
        let ids: Vec<PersonId> = assessments.iter().map(|a| a.person_id).collect();
        let people: Vec<Person> = db_run!(tx, |c| {
            let sql = format!(
                "SELECT {PERSON_COLUMNS} FROM people p WHERE {} OR p.id IN
                     (SELECT q.manager_id FROM people q WHERE {})
                 ORDER BY p.id",
                Db::in_ids("p.id", 1),
                Db::in_ids("q.id", 1)
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(Db::ids(&ids))
                .fetch_all(c)
        })?;
        let evidence_counts: Vec<(PersonId, String, i64)> = db_run!(tx, |c| {
            let sql = format!(
                "SELECT person_id, skill, COUNT(*) FROM evidence_skills WHERE {}
                 GROUP BY person_id, skill ORDER BY person_id, skill",
                Db::in_ids("person_id", 1)
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(Db::ids(&ids))
                .fetch_all(c)
        })?;
        tx.commit().await?;
        Ok(SessionRecords {
            assessments,
            ratings,
            people,
            evidence_counts,
        })
    }

    async fn adopt_assessments(&self, cycle: CycleId, audit: &Audit) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let name: Option<String> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT name FROM review_cycles WHERE id = $1"
        )
        .bind(cycle)
        .fetch_optional(c))?;
        let Some(name) = name else {
            return Err(StoreError::NotFound(format!("review cycle {cycle}")));
        };
        let ids: Vec<i64> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM assessments WHERE cycle = $1 AND cycle_id IS NULL ORDER BY id"
        )
        .bind(&name)
        .fetch_all(c))?;
        let linked = db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE assessments SET cycle_id = $1 WHERE {} AND cycle_id IS NULL",
            Db::in_ids("id", 2)
        )))
        .bind(cycle)
        .bind(Db::ids(&ids))
        .execute(c))?;
        // Their outcomes are the cycle's now.
        update_cycle_outcomes(&mut tx, "r.assessment_id", &ids).await?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE review_cycles SET status = 'open', launched_at = $1
             WHERE id = $2 AND status = 'draft'"
        )
        .bind(audit.at)
        .bind(cycle)
        .execute(c))?;
        let details = json!({ "assessments": linked });
        tx.commit_audited(
            audit,
            success("cycle.adopt", format!("cycle:{cycle}"), details),
        )
        .await?;
        analyze(self, "assessments, cycle_outcomes").await?;
        Ok(linked)
    }

    async fn has_reports(&self, manager: PersonId) -> StoreResult<bool> {
        let found: Option<i64> = db_run!(self, |c| sqlx::query_scalar(
            "SELECT id FROM people WHERE manager_id = $1 LIMIT 1"
        )
        .bind(manager)
        .fetch_optional(c))?;
        Ok(found.is_some())
    }

    async fn record_calibration_change(
        &self,
        cycle: CycleId,
        change: NewCalibrationChange,
        audit: &Audit,
    ) -> StoreResult<CalibrationChange> {
        let by = actor(audit, "a calibration change")?;
        let skill = clean_text("skill", &change.skill)?;
        let level = clean_text("level", &change.level)?;
        let reason = clean_text("reason", &change.reason)?;
        let id = change.assessment_id;
        let mut tx = self.write().await?;
        let in_cycle: Option<Option<CycleId>> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT cycle_id FROM assessments WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c))?;
        if in_cycle.flatten() != Some(cycle) {
            return Err(StoreError::NotFound(format!(
                "assessment {id} of review cycle {cycle}"
            )));
        }
        let current = assessment_in(&mut tx, id, Lock::Update).await?;
        let kind = match current.stage {
            Stage::Agreed => RaterKind::Agreed,
            Stage::Compare => RaterKind::Manager,
            Stage::SelfRating | Stage::Manager => {
                return Err(StoreError::Conflict(format!(
                    "assessment {id} has no manager's ratings yet: there is no outcome to calibrate"
                )));
            }
        };
        // The outcome before: the newest agreed rating, else the manager's (as counted).
        let before: Option<(Option<String>,)> = db_run!(tx, |c| sqlx::query_as(
            "SELECT level FROM ratings
             WHERE assessment_id = $1 AND skill = $2 AND rater_kind IN ('manager', 'agreed')
             ORDER BY CASE WHEN rater_kind = 'agreed' THEN 0 ELSE 1 END, at DESC, id DESC
             LIMIT 1"
        )
        .bind(id)
        .bind(&skill)
        .fetch_optional(c))?;
        let before = before.and_then(|(l,)| l);
        if before.as_deref() == Some(level.as_str()) {
            return Err(StoreError::Conflict(format!(
                "the outcome of {skill} is {level} already"
            )));
        }
        let rating = NewRating {
            skill: skill.clone(),
            level: Some(level.clone()),
            not_applicable: None,
            comment: Some(format!("Moved in calibration: {reason}")),
        };
        let row = RatingRow {
            assessment_id: id,
            person_id: current.person_id,
            kind,
            rater_id: by,
            rating: &rating,
            at: audit.at,
        };
        insert_ratings(&mut tx, &[row]).await?;
        let rating_id: i64 = db_run!(tx, |c| {
            sqlx::query_scalar(
            "SELECT MAX(id) FROM ratings WHERE assessment_id = $1 AND skill = $2 AND rater_kind = $3"
        )
        .bind(id)
        .bind(&skill)
        .bind(kind.as_str())
        .fetch_one(c)
        })?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE assessments SET revision = revision + 1 WHERE id = $1"
        )
        .bind(id)
        .execute(c))?;
        let made: CalibrationChange =
            db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "INSERT INTO calibration_changes (cycle_id, assessment_id, person_id, skill,
                     rater_kind, before_level, after_level, reason, rating_id, changed_by,
                     changed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 RETURNING {CHANGE_COLUMNS}"
            )))
            .bind(cycle)
            .bind(id)
            .bind(current.person_id)
            .bind(&skill)
            .bind(kind.as_str())
            .bind(&before)
            .bind(&level)
            .bind(&reason)
            .bind(rating_id)
            .bind(by)
            .bind(audit.at)
            .fetch_one(c))?;
        // The reason stays with the change (erased with the person), not in the append-only log.
        let details = json!({
            "cycle": cycle,
            "change": made.id,
            "skill": skill,
            "rater_kind": kind.as_str(),
            "before": before,
            "after": level,
            "revision": current.revision + 1,
        });
        let event = success("calibration.change", format!("assessment:{id}"), details);
        tx.commit_audited(audit, event).await?;
        Ok(made)
    }
}
