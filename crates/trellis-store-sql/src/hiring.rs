//! Hiring: openings, candidates, interviews and their scorecards.

use serde_json::json;
use trellis_store::backend::{clean_date, clean_text};
use trellis_store::{
    Audit, Candidate, CandidateId, Hire, HiringStore, Interview, InterviewId, Millis, NewCandidate,
    NewGoal, NewInterview, NewOpening, Opening, OpeningId, Person, Scorecard, Stages, StoreError,
    StoreResult,
};

use crate::growth::actor;
use crate::growth::rows::{one_in, require_people};
use crate::people::create_person_in;
use crate::plans::{create_goals_in, create_milestones_in};
use crate::{Connection, Database, Tx, append, db_run, success};

const OPENING_COLUMNS: &str = "o.id, o.role_level, o.title, o.hiring_manager_id, o.advert, \
     o.stages, o.created_by, o.created_at";

const CANDIDATE_COLUMNS: &str = "c.id, c.opening_id, c.name, c.contact, c.source, c.consent_on, \
     c.status, c.decision_reason, c.decided_by, c.decided_at, c.person_id, c.erased_at, \
     c.created_at";

const INTERVIEW_SELECT: &str = "SELECT i.id, i.candidate_id, i.stage, i.interviewer_id, \
     p.name AS interviewer_name, i.scheduled_on, i.scores, i.notes, i.leaning, i.submitted_at, \
     i.revealed_at FROM interviews i JOIN people p ON p.id = i.interviewer_id";

async fn opening_in(conn: &mut impl Connection, id: OpeningId) -> StoreResult<Opening> {
    let sql = format!("SELECT {OPENING_COLUMNS} FROM openings o WHERE o.id = $1");
    one_in(conn, sql, "opening", id).await
}

async fn candidate_in(conn: &mut impl Connection, id: CandidateId) -> StoreResult<Candidate> {
    let sql = format!("SELECT {CANDIDATE_COLUMNS} FROM candidates c WHERE c.id = $1");
    one_in(conn, sql, "candidate", id).await
}

async fn interview_in(conn: &mut impl Connection, id: InterviewId) -> StoreResult<Interview> {
    one_in(
        conn,
        format!("{INTERVIEW_SELECT} WHERE i.id = $1"),
        "interview",
        id,
    )
    .await
}

fn checked_stages(stages: &Stages) -> StoreResult<()> {
    if stages.0.is_empty() {
        return Err(StoreError::Invalid("an opening needs a stage".into()));
    }
    let mut names: Vec<&str> = Vec::new();
    for s in &stages.0 {
        let name = s.name.trim();
        if name.is_empty() || names.contains(&name) {
            return Err(StoreError::Invalid(format!(
                "stage names must be given and differ: {name:?}"
            )));
        }
        names.push(name);
    }
    Ok(())
}

impl HiringStore for Database {
    async fn create_opening(&self, new: NewOpening, audit: &Audit) -> StoreResult<Opening> {
        let by = actor(audit, "an opening")?;
        let role_level = clean_text("role level", &new.role_level)?;
        let title = clean_text("title", &new.title)?;
        checked_stages(&new.stages)?;
        let mut tx = self.write().await?;
        require_people(&mut tx, [new.hiring_manager_id, by]).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO openings (role_level, title, hiring_manager_id, advert, stages,
               created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(&role_level)
        .bind(&title)
        .bind(new.hiring_manager_id)
        .bind(&new.advert)
        .bind(new.stages.to_text())
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))?;
        let details = json!({ "role_level": role_level, "hiring_manager": new.hiring_manager_id });
        let event = success("hiring.opening-create", format!("opening:{id}"), details);
        append(&mut tx, audit, event).await?;
        let opening = opening_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(opening)
    }

    async fn update_opening(
        &self,
        id: OpeningId,
        advert: String,
        stages: Stages,
        audit: &Audit,
    ) -> StoreResult<Opening> {
        checked_stages(&stages)?;
        let mut tx = self.write().await?;
        opening_in(&mut tx, id).await?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE openings SET advert = $1, stages = $2 WHERE id = $3"
        )
        .bind(&advert)
        .bind(stages.to_text())
        .bind(id)
        .execute(c))?;
        let event = success("hiring.opening-update", format!("opening:{id}"), json!({}));
        append(&mut tx, audit, event).await?;
        let opening = opening_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(opening)
    }

    async fn opening(&self, id: OpeningId) -> StoreResult<Opening> {
        opening_in(&mut self.conn().await?, id).await
    }

    async fn openings(&self) -> StoreResult<Vec<Opening>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OPENING_COLUMNS} FROM openings o ORDER BY o.id DESC"
        )))
        .fetch_all(c))
    }

    async fn add_candidate(&self, new: NewCandidate, audit: &Audit) -> StoreResult<Candidate> {
        actor(audit, "a candidate")?;
        let name = clean_text("name", &new.name)?;
        let consent_on = clean_date("consent date", &new.consent_on)?;
        let mut tx = self.write().await?;
        opening_in(&mut tx, new.opening_id).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO candidates (opening_id, name, contact, source, consent_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(new.opening_id)
        .bind(&name)
        .bind(new.contact.trim())
        .bind(new.source.trim())
        .bind(&consent_on)
        .bind(audit.at)
        .fetch_one(c))?;
        let details = json!({ "opening_id": new.opening_id });
        let event = success("hiring.candidate-add", format!("candidate:{id}"), details);
        append(&mut tx, audit, event).await?;
        let candidate = candidate_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(candidate)
    }

    async fn candidate(&self, id: CandidateId) -> StoreResult<Candidate> {
        candidate_in(&mut self.conn().await?, id).await
    }

    async fn candidates_of(&self, opening: OpeningId) -> StoreResult<Vec<Candidate>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CANDIDATE_COLUMNS} FROM candidates c WHERE c.opening_id = $1 ORDER BY c.id"
        )))
        .bind(opening)
        .fetch_all(c))
    }

    async fn schedule_interview(&self, new: NewInterview, audit: &Audit) -> StoreResult<Interview> {
        actor(audit, "an interview")?;
        let scheduled_on = clean_date("interview date", &new.scheduled_on)?;
        let mut tx = self.write().await?;
        let candidate = candidate_in(&mut tx, new.candidate_id).await?;
        let opening = opening_in(&mut tx, candidate.opening_id).await?;
        if !opening.stages.0.iter().any(|s| s.name == new.stage) {
            return Err(StoreError::Invalid(format!(
                "{:?} is not a stage of the opening",
                new.stage
            )));
        }
        require_people(&mut tx, [new.interviewer_id]).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO interviews (candidate_id, stage, interviewer_id, scheduled_on)
             VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(candidate.id)
        .bind(&new.stage)
        .bind(new.interviewer_id)
        .bind(&scheduled_on)
        .fetch_one(c))
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(
                "that interviewer has this stage with the candidate already".into(),
            ),
            other => other,
        })?;
        let details = json!({ "candidate_id": candidate.id, "interviewer": new.interviewer_id });
        let event = success(
            "hiring.interview-schedule",
            format!("interview:{id}"),
            details,
        );
        append(&mut tx, audit, event).await?;
        let interview = interview_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(interview)
    }

    async fn interview(&self, id: InterviewId) -> StoreResult<Interview> {
        interview_in(&mut self.conn().await?, id).await
    }

    async fn interviews_of(&self, candidate: CandidateId) -> StoreResult<Vec<Interview>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{INTERVIEW_SELECT} WHERE i.candidate_id = $1 ORDER BY i.id"
        )))
        .bind(candidate)
        .fetch_all(c))
    }

    async fn interviews_by(
        &self,
        interviewer: trellis_store::PersonId,
    ) -> StoreResult<Vec<Interview>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{INTERVIEW_SELECT} WHERE i.interviewer_id = $1 ORDER BY i.id DESC"
        )))
        .bind(interviewer)
        .fetch_all(c))
    }

    async fn submit_scorecard(
        &self,
        id: InterviewId,
        card: Scorecard,
        audit: &Audit,
    ) -> StoreResult<Interview> {
        if !matches!(card.leaning.as_str(), "hire" | "no-hire") {
            return Err(StoreError::Invalid("leaning is hire or no-hire".into()));
        }
        if card.scores.0.values().any(|s| !(1..=5).contains(s)) {
            return Err(StoreError::Invalid("scores are 1 to 5".into()));
        }
        let mut tx = self.write().await?;
        let before = interview_in(&mut tx, id).await?;
        let candidate = candidate_in(&mut tx, before.candidate_id).await?;
        if candidate.status != "active" {
            return Err(StoreError::Conflict("the candidate is decided".into()));
        }
        // Final once its interviewer has read the others: checked in the update itself.
        let changed = db_run!(rows tx, |c| sqlx::query(
            "UPDATE interviews SET scores = $1, notes = $2, leaning = $3, submitted_at = $4
             WHERE id = $5 AND revealed_at IS NULL"
        )
        .bind(card.scores.to_text())
        .bind(card.notes.trim())
        .bind(&card.leaning)
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "the scorecard is final: its interviewer has read the others".into(),
            ));
        }
        let details = json!({
            "candidate_id": before.candidate_id,
            "dimensions": card.scores.0.len(),
            "resubmitted": before.submitted_at.is_some(),
        });
        let event = success(
            "hiring.scorecard-submit",
            format!("interview:{id}"),
            details,
        );
        append(&mut tx, audit, event).await?;
        let after = interview_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn reveal_scorecards(&self, id: InterviewId, audit: &Audit) -> StoreResult<Interview> {
        let mut tx = self.write().await?;
        let before = interview_in(&mut tx, id).await?;
        if before.submitted_at.is_none() {
            return Err(StoreError::Conflict(
                "the others' scorecards are shown once this one is submitted".into(),
            ));
        }
        if before.revealed_at.is_none() {
            db_run!(rows tx, |c| sqlx::query(
                "UPDATE interviews SET revealed_at = $1 WHERE id = $2 AND revealed_at IS NULL"
            )
            .bind(audit.at)
            .bind(id)
            .execute(c))?;
            let details = json!({ "candidate_id": before.candidate_id });
            let event = success(
                "hiring.scorecards-reveal",
                format!("interview:{id}"),
                details,
            );
            append(&mut tx, audit, event).await?;
        }
        let after = interview_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn decide(
        &self,
        candidate: CandidateId,
        status: &str,
        reason: String,
        person: Option<trellis_store::PersonId>,
        audit: &Audit,
    ) -> StoreResult<Candidate> {
        let mut tx = self.write().await?;
        let decided = decide_in(&mut tx, candidate, status, reason, person, audit).await?;
        tx.commit().await?;
        Ok(decided)
    }

    async fn hire(
        &self,
        candidate: CandidateId,
        hire: Hire,
        audit: &Audit,
    ) -> StoreResult<(Candidate, Person)> {
        let mut tx = self.write().await?;
        let person = create_person_in(&mut tx, hire.person, audit).await?;
        let decided = decide_in(
            &mut tx,
            candidate,
            "hired",
            hire.reason,
            Some(person.id),
            audit,
        )
        .await?;
        let goals: Vec<NewGoal> = hire
            .goals
            .into_iter()
            .map(|g| NewGoal {
                person_id: person.id,
                ..g
            })
            .collect();
        if !goals.is_empty() {
            create_goals_in(&mut tx, goals, audit).await?;
        }
        if let (Some(role_level), false) = (&person.role_level, hire.milestones.is_empty()) {
            create_milestones_in(&mut tx, person.id, role_level, hire.milestones, audit).await?;
        }
        tx.commit().await?;
        Ok((decided, person))
    }

    async fn hiring_retention_days(&self) -> StoreResult<i64> {
        db_run!(self, |c| sqlx::query_scalar(
            "SELECT retention_days FROM hiring_settings WHERE id = 1"
        )
        .fetch_one(c))
    }

    async fn set_hiring_retention_days(&self, days: i64, audit: &Audit) -> StoreResult<()> {
        if !(1..=3650).contains(&days) {
            return Err(StoreError::Invalid(
                "the retention period is 1 to 3650 days".into(),
            ));
        }
        let mut tx = self.write().await?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE hiring_settings SET retention_days = $1 WHERE id = 1"
        )
        .bind(days)
        .execute(c))?;
        let event = success("hiring.retention", "hiring".into(), json!({ "days": days }));
        append(&mut tx, audit, event).await?;
        tx.commit().await
    }

    async fn erase_candidates(&self, decided_before: Millis, audit: &Audit) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let due: Vec<i64> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM candidates
             WHERE status = 'rejected' AND erased_at IS NULL AND decided_at < $1 ORDER BY id"
        )
        .bind(decided_before)
        .fetch_all(c))?;
        for id in &due {
            db_run!(rows tx, |c| sqlx::query(
                "UPDATE interviews SET notes = '' WHERE candidate_id = $1"
            )
            .bind(id)
            .execute(c))?;
            db_run!(rows tx, |c| sqlx::query(
                "UPDATE candidates SET name = '', contact = '', source = '',
                   decision_reason = NULL, erased_at = $1 WHERE id = $2"
            )
            .bind(audit.at)
            .bind(id)
            .execute(c))?;
            let event = success("hiring.erase", format!("candidate:{id}"), json!({}));
            append(&mut tx, audit, event).await?;
        }
        tx.commit().await?;
        Ok(due.len() as u64)
    }
}

pub(crate) async fn decide_in(
    tx: &mut Tx,
    candidate: CandidateId,
    status: &str,
    reason: String,
    person: Option<trellis_store::PersonId>,
    audit: &Audit,
) -> StoreResult<Candidate> {
    let by = actor(audit, "a decision")?;
    if !matches!(status, "hired" | "rejected") {
        return Err(StoreError::Invalid(format!("{status:?} is not a decision")));
    }
    let reason = clean_text("reason", &reason)?;
    candidate_in(tx, candidate).await?;
    let decided = db_run!(rows tx, |c| sqlx::query(
        "UPDATE candidates SET status = $1, decision_reason = $2, decided_by = $3,
           decided_at = $4, person_id = $5
         WHERE id = $6 AND status = 'active'"
    )
    .bind(status)
    .bind(&reason)
    .bind(by)
    .bind(audit.at)
    .bind(person)
    .bind(candidate)
    .execute(c))?;
    if decided == 0 {
        return Err(StoreError::Conflict(
            "the candidate was decided already".into(),
        ));
    }
    let details = json!({ "status": status, "person_id": person });
    let event = success("hiring.decision", format!("candidate:{candidate}"), details);
    append(tx, audit, event).await?;
    candidate_in(tx, candidate).await
}
