//! Review cycles: opened, launched (an assessment for each person of the population, in one
//! transaction), reminded, closed and shared.

use serde_json::json;
use trellis_store::backend::{clean_date, clean_text};
use trellis_store::{
    Assessment, AssessmentId, Audit, CycleAssessment, CycleDeadlines, CycleId, CycleLaunch,
    CycleRecords, CycleStatus, CycleStore, NewCycle, NewNotification, Person, PersonId,
    ReviewCycle, StoreError, StoreResult,
};

use crate::dialect::Dialect;
use crate::growth::actor;
use crate::growth::rows::{ASSESSMENT_COLUMNS, PEER_REQUEST_COLUMNS, require, require_people};
use crate::notifications::write_notices;
use crate::{Connection, Database, PERSON_COLUMNS, append, db_run, success};

const CYCLE_COLUMNS: &str = "id, name, framework_version_id, population_kind, population, \
     self_due, peer_due, manager_due, calibration_due, agreed_due, status, shares_on, shared_at, \
     created_by, created_at, launched_at, closed_at";

fn checked_deadlines(d: &CycleDeadlines) -> StoreResult<CycleDeadlines> {
    let out = CycleDeadlines {
        self_due: clean_date("self deadline", &d.self_due)?,
        peer_due: clean_date("peer deadline", &d.peer_due)?,
        manager_due: clean_date("manager deadline", &d.manager_due)?,
        calibration_due: clean_date("calibration deadline", &d.calibration_due)?,
        agreed_due: clean_date("agreement deadline", &d.agreed_due)?,
    };
    let order = [
        &out.self_due,
        &out.peer_due,
        &out.manager_due,
        &out.calibration_due,
        &out.agreed_due,
    ];
    if order.windows(2).any(|w| w[0] > w[1]) {
        return Err(StoreError::Invalid(
            "the deadlines must follow the stages in order".into(),
        ));
    }
    Ok(out)
}

async fn cycle_in(conn: &mut impl Connection, id: CycleId, lock: bool) -> StoreResult<ReviewCycle> {
    db_run!(conn, |c| {
        let lock = if lock { Db::FOR_UPDATE } else { "" };
        let sql = format!("SELECT {CYCLE_COLUMNS} FROM review_cycles WHERE id = $1{lock}");
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(c)
    })?
    .ok_or_else(|| StoreError::NotFound(format!("review cycle {id}")))
}

fn require_status(cycle: &ReviewCycle, status: CycleStatus, doing: &str) -> StoreResult<()> {
    if cycle.status == status {
        return Ok(());
    }
    Err(StoreError::Conflict(format!(
        "the cycle is {}: only a {} cycle can be {doing}",
        cycle.status.as_str(),
        status.as_str()
    )))
}

fn target(id: CycleId) -> String {
    format!("cycle:{id}")
}

impl CycleStore for Database {
    async fn create_cycle(&self, new: NewCycle, audit: &Audit) -> StoreResult<ReviewCycle> {
        let by = actor(audit, "a review cycle")?;
        let name = clean_text("cycle name", &new.name)?;
        let population = clean_text("population", &new.population)?;
        let d = checked_deadlines(&new.deadlines)?;
        let mut tx = self.write().await?;
        require_people(&mut tx, [by]).await?;
        let version = [new.framework_version_id];
        require(&mut tx, "framework_versions", "framework version", version).await?;
        let id: CycleId = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO review_cycles (name, name_key, framework_version_id, population_kind,
                 population, self_due, peer_due, manager_due, calibration_due, agreed_due, status,
                 created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12) RETURNING id"
        )
        .bind(&name)
        .bind(name.to_lowercase())
        .bind(new.framework_version_id)
        .bind(new.population_kind.as_str())
        .bind(&population)
        .bind(&d.self_due)
        .bind(&d.peer_due)
        .bind(&d.manager_due)
        .bind(&d.calibration_due)
        .bind(&d.agreed_due)
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("there is a cycle named {name} already"))
            }
            other => other,
        })?;
        let details = json!({
            "name": name,
            "population_kind": new.population_kind.as_str(),
            "population": population,
        });
        append(&mut tx, audit, success("cycle.create", target(id), details)).await?;
        let cycle = cycle_in(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(cycle)
    }

    async fn cycles(&self) -> StoreResult<Vec<ReviewCycle>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CYCLE_COLUMNS} FROM review_cycles ORDER BY created_at DESC, id DESC"
        )))
        .fetch_all(c))
    }

    async fn cycle(&self, id: CycleId) -> StoreResult<ReviewCycle> {
        cycle_in(&mut self.conn().await?, id, false).await
    }

    async fn cycle_records(&self, id: CycleId) -> StoreResult<CycleRecords> {
        let mut tx = self.snapshot().await?;
        let cycle = cycle_in(&mut tx, id, false).await?;
        let assessments: Vec<Assessment> = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE cycle_id = $1 ORDER BY id")
        ))
        .bind(id)
        .fetch_all(c))?;
        let peer_requests = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE assessment_id IN
               (SELECT id FROM assessments WHERE cycle_id = $1) ORDER BY id"
        )))
        .bind(id)
        .fetch_all(c))?;
        // The people assessed, their managers and the peers asked.
        let people: Vec<Person> = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE p.id IN (
               SELECT a.person_id FROM assessments a WHERE a.cycle_id = $1
               UNION SELECT q.manager_id FROM people q
                 JOIN assessments a ON a.person_id = q.id WHERE a.cycle_id = $1
               UNION SELECT r.peer_id FROM peer_requests r
                 JOIN assessments a ON a.id = r.assessment_id WHERE a.cycle_id = $1)
             ORDER BY p.id"
        )))
        .bind(id)
        .fetch_all(c))?;
        let teams = db_run!(tx, |c| sqlx::query_as(
            "SELECT id, name FROM teams ORDER BY id"
        )
        .fetch_all(c))?;
        tx.commit().await?;
        Ok(CycleRecords {
            cycle,
            assessments,
            peer_requests,
            people,
            teams,
        })
    }

    async fn launch_cycle(
        &self,
        id: CycleId,
        people: Vec<CycleLaunch>,
        audit: &Audit,
    ) -> StoreResult<Vec<Assessment>> {
        let by = actor(audit, "a launch")?;
        let mut tx = self.write().await?;
        let cycle = cycle_in(&mut tx, id, true).await?;
        require_status(&cycle, CycleStatus::Draft, "launched")?;
        require_people(&mut tx, people.iter().map(|p| p.person_id).chain([by])).await?;
        let mut ids: Vec<AssessmentId> = Vec::with_capacity(people.len());
        for p in &people {
            let role_level = clean_text("role level", &p.role_level)?;
            let made: AssessmentId = db_run!(tx, |c| sqlx::query_scalar(
                "INSERT INTO assessments (person_id, role_level, framework_version_id, cycle,
                     cycle_id, stage, created_by, created_at, revision)
                 VALUES ($1, $2, $3, $4, $5, 'self', $6, $7, 1) RETURNING id"
            )
            .bind(p.person_id)
            .bind(&role_level)
            .bind(cycle.framework_version_id)
            .bind(&cycle.name)
            .bind(id)
            .bind(by)
            .bind(audit.at)
            .fetch_one(c))?;
            write_notices(&mut tx, &p.notices, Some(made), audit).await?;
            ids.push(made);
        }
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE review_cycles SET status = 'open', launched_at = $1 WHERE id = $2"
        )
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        // One event for the launch, naming every assessment it made.
        let details = json!({ "assessments": ids, "people": people.len() });
        append(&mut tx, audit, success("cycle.launch", target(id), details)).await?;
        let made: Vec<Assessment> = if ids.is_empty() {
            Vec::new()
        } else {
            db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE cycle_id = $1 ORDER BY id"
            )))
            .bind(id)
            .fetch_all(c))?
        };
        tx.commit().await?;
        Ok(made)
    }

    async fn remind_cycle(
        &self,
        id: CycleId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let cycle = cycle_in(&mut tx, id, true).await?;
        require_status(&cycle, CycleStatus::Open, "reminded of")?;
        write_notices(&mut tx, &notices, None, audit).await?;
        let told: Vec<i64> = notices.iter().map(|n| n.person_id).collect();
        let details = json!({ "reminded": told });
        tx.commit_audited(audit, success("cycle.remind", target(id), details))
            .await?;
        Ok(())
    }

    async fn close_cycle(
        &self,
        id: CycleId,
        shares_on: String,
        audit: &Audit,
    ) -> StoreResult<ReviewCycle> {
        let shares_on = clean_date("sharing date", &shares_on)?;
        let mut tx = self.write().await?;
        let cycle = cycle_in(&mut tx, id, true).await?;
        require_status(&cycle, CycleStatus::Open, "closed")?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE review_cycles SET status = 'closed', closed_at = $1, shares_on = $2
             WHERE id = $3"
        )
        .bind(audit.at)
        .bind(&shares_on)
        .bind(id)
        .execute(c))?;
        let details = json!({ "shares_on": shares_on });
        append(&mut tx, audit, success("cycle.close", target(id), details)).await?;
        let cycle = cycle_in(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(cycle)
    }

    async fn cycles_to_share(&self, today: &str) -> StoreResult<Vec<ReviewCycle>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CYCLE_COLUMNS} FROM review_cycles
             WHERE status = 'closed' AND shared_at IS NULL AND shares_on <= $1 ORDER BY id"
        )))
        .bind(today)
        .fetch_all(c))
    }

    async fn mark_cycle_shared(
        &self,
        id: CycleId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let marked = db_run!(rows tx, |c| sqlx::query(
            "UPDATE review_cycles SET shared_at = $1
             WHERE id = $2 AND status = 'closed' AND shared_at IS NULL"
        )
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        if marked == 0 {
            cycle_in(&mut tx, id, false).await?;
            return Ok(false);
        }
        write_notices(&mut tx, &notices, None, audit).await?;
        let details = json!({ "told": notices.len() });
        tx.commit_audited(audit, success("cycle.share", target(id), details))
            .await?;
        Ok(true)
    }

    async fn cycle_of_assessment(
        &self,
        assessment: AssessmentId,
    ) -> StoreResult<Option<ReviewCycle>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CYCLE_COLUMNS} FROM review_cycles
             WHERE id = (SELECT cycle_id FROM assessments WHERE id = $1)"
        )))
        .bind(assessment)
        .fetch_optional(c))
    }

    async fn unshared_cycle_assessments(
        &self,
        person: PersonId,
    ) -> StoreResult<Vec<CycleAssessment>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT a.assessment_id, {CYCLE_COLUMNS} FROM review_cycles
             JOIN (SELECT id AS assessment_id, cycle_id FROM assessments WHERE person_id = $1) a
               ON a.cycle_id = review_cycles.id
             WHERE shared_at IS NULL ORDER BY a.assessment_id"
        )))
        .bind(person)
        .fetch_all(c))
    }
}
