//! Growth records: assessments, their append-only ratings, peer requests and evidence. Bulk
//! loading is in [`bulk`], the one-statement reads of a person's record in [`records`], and the
//! writes they share in [`rows`].
//!
//! A change to an assessment locks its row (`FOR UPDATE` on PostgreSQL; `BEGIN IMMEDIATE` on
//! SQLite) before checking its revision and stage, so concurrent editors of one revision cannot
//! both win.

pub(crate) mod bulk;
mod drafts;
mod evidence;
pub(crate) mod histories;
mod records;
pub(crate) mod rows;

use serde_json::json;
use trellis_store::backend::{
    check_advance, check_rater_kind, clean_assessment, clean_evidence, clean_ratings, clean_skills,
};
use trellis_store::{
    Assessment, AssessmentId, Audit, BulkAssessment, Evidence, EvidenceAfter, EvidenceEntry,
    EvidenceId, EvidenceVersion, GrowthStore, NewAssessment, NewEvidence, NewNotification,
    NewPerson, NewRating, Observations, OutcomeAnswer, OutcomeAnswerKind, PeerRequest, Person,
    PersonId, PersonRecord, RaterKind, Rating, RatingDraft, Stage, StoreError, StoreResult,
};

use crate::dialect::{Dialect, JsonText};
use crate::notifications::write_notices;
use crate::{Connection, Database, Tx, append, db_run, success};
use rows::{
    ASSESSMENT, ASSESSMENT_COLUMNS, Lock, PEER_REQUEST_COLUMNS, PERSON, RatingRow, assessment_in,
    exists, insert_evidence, insert_ratings, listing, peer_request_in, require, require_people,
};

/// The acting person of a change that records who made it.
pub(crate) fn actor(audit: &Audit, what: &str) -> StoreResult<PersonId> {
    audit
        .actor_id
        .ok_or_else(|| StoreError::Invalid(format!("{what} needs an acting person")))
}

/// Conflict unless the assessment is open and still at `expected_revision`.
fn check_open(current: &Assessment, expected_revision: Option<i64>) -> StoreResult<()> {
    if current.stage == Stage::Agreed {
        return Err(StoreError::Conflict(format!(
            "assessment {} is agreed and closed",
            current.id
        )));
    }
    check_revision(current, expected_revision)
}

fn check_revision(current: &Assessment, expected_revision: Option<i64>) -> StoreResult<()> {
    match expected_revision {
        Some(expected) if expected != current.revision => Err(StoreError::Conflict(format!(
            "assessment {} was changed by someone else (revision {} now, {expected} expected)",
            current.id, current.revision
        ))),
        _ => Ok(()),
    }
}

fn skills_of(ratings: &[NewRating]) -> Vec<&str> {
    ratings.iter().map(|r| r.skill.as_str()).collect()
}

async fn bump_revision(tx: &mut Tx, id: AssessmentId) -> StoreResult<()> {
    db_run!(rows tx, |c| sqlx::query(
        "UPDATE assessments SET revision = revision + 1 WHERE id = $1"
    )
    .bind(id)
    .execute(c))?;
    Ok(())
}

/// Records ratings in `tx` as [`GrowthStore::record_ratings`] describes; the ratings are cleaned.
async fn rate(
    tx: &mut Tx,
    id: AssessmentId,
    kind: RaterKind,
    rater: PersonId,
    ratings: &[NewRating],
    expected_revision: i64,
    audit: &Audit,
) -> StoreResult<()> {
    let current = assessment_in(tx, id, Lock::Update).await?;
    check_open(&current, Some(expected_revision))?;
    require_people(tx, [rater]).await?;
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
    insert_ratings(tx, &rows).await?;
    bump_revision(tx, id).await?;
    // The ratings are in: the rater's draft of them has served.
    drafts::remove_draft(tx, id, kind).await?;
    let details = json!({
        "rater_kind": kind.as_str(),
        "rater_id": rater,
        "skills": skills_of(ratings),
        "revision": current.revision + 1,
    });
    let event = success("assessment.rate", format!("assessment:{id}"), details);
    append(tx, audit, event).await
}

/// Moves an assessment on in `tx` as [`GrowthStore::advance_assessment`] describes.
async fn advance(
    tx: &mut Tx,
    id: AssessmentId,
    to: Stage,
    by: PersonId,
    expected_revision: i64,
    audit: &Audit,
) -> StoreResult<()> {
    let current = assessment_in(tx, id, Lock::Update).await?;
    check_revision(&current, Some(expected_revision))?;
    check_advance(id, current.stage, to)?;
    require_people(tx, [by]).await?;
    // Which columns record the step: leaving `self` submits the self ratings, and so on.
    let step = match to {
        Stage::Manager => "self_submitted",
        Stage::Compare => "manager_submitted",
        Stage::Agreed => "agreed",
        Stage::SelfRating => unreachable!("check_advance never allows a move back to self"),
    };
    let sql = format!(
        "UPDATE assessments SET stage = $1, {step}_at = $2, {step}_by = $3,
             revision = revision + 1 WHERE id = $4"
    );
    db_run!(rows tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(audit.at)
        .bind(by)
        .bind(id)
        .execute(c))?;
    let details = json!({
        "from": current.stage.as_str(),
        "to": to.as_str(),
        "by": by,
        "revision": current.revision + 1,
    });
    let event = success("assessment.stage", format!("assessment:{id}"), details);
    append(tx, audit, event).await
}

/// Ends a change to an assessment: reads it as it now is, and commits.
async fn finish(mut tx: Tx, id: AssessmentId) -> StoreResult<Assessment> {
    let assessment = assessment_in(&mut tx, id, Lock::None).await?;
    tx.commit().await?;
    Ok(assessment)
}

impl GrowthStore for Database {
    async fn create_assessment(
        &self,
        new: NewAssessment,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        let new = clean_assessment(new)?;
        let created_by = actor(audit, "an assessment")?;
        let mut tx = self.write().await?;
        require_people(&mut tx, [new.person_id, created_by]).await?;
        let version = [new.framework_version_id];
        require(&mut tx, "framework_versions", "framework version", version).await?;
        let id: AssessmentId = db_run!(tx, |c| {
            sqlx::query_scalar(
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
        .fetch_one(c)
        })?;
        let details = json!({
            "person_id": new.person_id,
            "role_level": new.role_level,
            "framework_version_id": new.framework_version_id,
            "cycle": new.cycle,
        });
        let event = success("assessment.create", format!("assessment:{id}"), details);
        append(&mut tx, audit, event).await?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        finish(tx, id).await
    }

    async fn assessment(&self, id: AssessmentId) -> StoreResult<Assessment> {
        assessment_in(&mut self.conn().await?, id, Lock::None).await
    }

    async fn assessments_of(&self, person: PersonId) -> StoreResult<Vec<Assessment>> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE person_id = $1
             ORDER BY created_at DESC, id DESC"
        );
        listing(self, sql, PERSON, person).await
    }

    async fn open_assessments(&self, people: &[PersonId]) -> StoreResult<Vec<Assessment>> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments
             WHERE {} AND stage <> 'agreed' ORDER BY created_at, id",
            Db::in_ids("person_id", 1)
        )))
        .bind(Db::ids(people))
        .fetch_all(c))
    }

    async fn record_ratings(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        expected_revision: i64,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        self.submit_ratings(
            assessment,
            kind,
            rater,
            ratings,
            expected_revision,
            None,
            Vec::new(),
            audit,
        )
        .await
    }

    async fn advance_assessment(
        &self,
        assessment: AssessmentId,
        to: Stage,
        by: PersonId,
        expected_revision: i64,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        let mut tx = self.write().await?;
        advance(&mut tx, assessment, to, by, expected_revision, audit).await?;
        finish(tx, assessment).await
    }

    async fn submit_ratings(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        expected_revision: i64,
        advance_to: Option<Stage>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<Assessment> {
        check_rater_kind(kind)?;
        let ratings = clean_ratings(ratings)?;
        let mut tx = self.write().await?;
        rate(
            &mut tx,
            assessment,
            kind,
            rater,
            &ratings,
            expected_revision,
            audit,
        )
        .await?;
        if let Some(to) = advance_to {
            // The ratings just bumped the revision.
            let revision = expected_revision + 1;
            advance(&mut tx, assessment, to, rater, revision, audit).await?;
        }
        write_notices(&mut tx, &notices, None, audit).await?;
        finish(tx, assessment).await
    }

    async fn save_rating_draft(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
        rater: PersonId,
        ratings: Vec<NewRating>,
        audit: &Audit,
    ) -> StoreResult<RatingDraft> {
        drafts::save(self, assessment, kind, rater, ratings, audit).await
    }

    async fn rating_draft(
        &self,
        assessment: AssessmentId,
        kind: RaterKind,
    ) -> StoreResult<Option<RatingDraft>> {
        drafts::draft(self, assessment, kind).await
    }

    async fn answer_outcome(
        &self,
        assessment: AssessmentId,
        person: PersonId,
        answer: OutcomeAnswerKind,
        comment: Option<String>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<OutcomeAnswer> {
        drafts::answer(self, assessment, person, answer, comment, notices, audit).await
    }

    async fn outcome_answer(&self, assessment: AssessmentId) -> StoreResult<Option<OutcomeAnswer>> {
        drafts::outcome_answer(self, assessment).await
    }

    async fn ratings(&self, assessment: AssessmentId) -> StoreResult<Vec<Rating>> {
        let from = "FROM ratings WHERE assessment_id = $1";
        let found = db_run!(self, |c| Db::ratings(c, from, "at, id", assessment))?;
        if found.is_empty() {
            exists(self, ASSESSMENT, assessment).await?;
        }
        Ok(found)
    }

    async fn rating_history(&self, person: PersonId) -> StoreResult<Vec<Rating>> {
        let from = "FROM ratings WHERE person_id = $1";
        let found = db_run!(self, |c| Db::ratings(c, from, "at, id", person))?;
        if found.is_empty() {
            exists(self, PERSON, person).await?;
        }
        Ok(found)
    }

    async fn latest_ratings(&self, people: &[PersonId]) -> StoreResult<Vec<Rating>> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        // Peer ratings are written only when their request is submitted, so every stored peer
        // rating counts. `current_ratings` holds the newest of each, in primary-key order.
        db_run!(self, |c| async move {
            let from = format!(
                "FROM (SELECT rating_id AS id, assessment_id, person_id, skill, rater_kind,
                           rater_id, level, not_applicable, comment, at
                       FROM current_ratings WHERE {}) r",
                Db::in_ids("person_id", 1)
            );
            Db::ratings(c, &from, "person_id, skill, rater_kind", Db::ids(people)).await
        })
    }

    async fn request_peer_input(
        &self,
        assessment: AssessmentId,
        peer: PersonId,
        skills: Vec<String>,
        requested_by: PersonId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PeerRequest> {
        let skills = clean_skills(skills)?;
        let mut tx = self.write().await?;
        // FOR SHARE: the assessment cannot be closed until this request is in.
        let current = assessment_in(&mut tx, assessment, Lock::Share).await?;
        check_open(&current, None)?;
        if peer == current.person_id {
            return Err(StoreError::Invalid(
                "a person cannot be asked for peer input on their own assessment".into(),
            ));
        }
        require_people(&mut tx, [peer, requested_by]).await?;
        let skills_json = JsonText(serde_json::Value::from(skills.as_slice()).to_string());
        let request: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO peer_requests (assessment_id, peer_id, skills, requested_by,
                 requested_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(assessment)
        .bind(peer)
        .bind(&skills_json)
        .bind(requested_by)
        .bind(audit.at)
        .fetch_one(c))?;
        let details = json!({ "request_id": request, "peer_id": peer, "skills": skills });
        let event = success("peer.request", format!("assessment:{assessment}"), details);
        append(&mut tx, audit, event).await?;
        write_notices(&mut tx, &notices, Some(request), audit).await?;
        let request = peer_request_in(&mut tx, request, Lock::None).await?;
        tx.commit().await?;
        Ok(request)
    }

    async fn peer_request(&self, id: i64) -> StoreResult<PeerRequest> {
        peer_request_in(&mut self.conn().await?, id, Lock::None).await
    }

    async fn peer_requests_of_assessment(
        &self,
        assessment: AssessmentId,
    ) -> StoreResult<Vec<PeerRequest>> {
        let sql = format!(
            "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE assessment_id = $1 ORDER BY id"
        );
        listing(self, sql, ASSESSMENT, assessment).await
    }

    async fn peer_requests_for(&self, peer: PersonId) -> StoreResult<Vec<PeerRequest>> {
        let sql = format!(
            "SELECT {PEER_REQUEST_COLUMNS} FROM peer_requests WHERE peer_id = $1 ORDER BY id DESC"
        );
        listing(self, sql, PERSON, peer).await
    }

    async fn submit_peer_input(
        &self,
        id: i64,
        ratings: Vec<NewRating>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PeerRequest> {
        let ratings = clean_ratings(ratings)?;
        let mut tx = self.write().await?;
        // The request, then its assessment: the one lock order every change here takes.
        let request = peer_request_in(&mut tx, id, Lock::Update).await?;
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
        let current = assessment_in(&mut tx, request.assessment_id, Lock::Update).await?;
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
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE peer_requests SET submitted_at = $1 WHERE id = $2"
        )
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        bump_revision(&mut tx, current.id).await?;
        let details = json!({
            "request_id": id,
            "peer_id": request.peer_id,
            "skills": skills_of(&ratings),
            "revision": current.revision + 1,
        });
        let event = success("peer.submit", format!("assessment:{}", current.id), details);
        append(&mut tx, audit, event).await?;
        write_notices(&mut tx, &notices, None, audit).await?;
        let request = peer_request_in(&mut tx, id, Lock::None).await?;
        tx.commit().await?;
        Ok(request)
    }

    async fn add_evidence(&self, new: NewEvidence, audit: &Audit) -> StoreResult<Evidence> {
        let new = clean_evidence(new)?;
        let created_by = actor(audit, "evidence")?;
        let mut tx = self.write().await?;
        require_people(&mut tx, [new.person_id, created_by]).await?;
        let id = db_run!(tx, |c| Db::reserve_ids(c, "evidence", 1))?[0];
        insert_evidence(&mut tx, &[(id, &new)], |_| created_by, audit.at).await?;
        let details = json!({ "person_id": new.person_id, "skills": new.skills });
        let event = success("evidence.create", format!("evidence:{id}"), details);
        tx.commit_audited(audit, event).await?;
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

    async fn evidence_entry(&self, id: EvidenceId) -> StoreResult<EvidenceEntry> {
        evidence::entry(self, id).await
    }

    async fn update_evidence(
        &self,
        id: EvidenceId,
        new: NewEvidence,
        audit: &Audit,
    ) -> StoreResult<Evidence> {
        evidence::update(self, id, new, audit).await
    }

    async fn delete_evidence(&self, id: EvidenceId, audit: &Audit) -> StoreResult<()> {
        evidence::delete(self, id, audit).await
    }

    async fn evidence_versions(&self, id: EvidenceId) -> StoreResult<Vec<EvidenceVersion>> {
        evidence::versions(self, id).await
    }

    async fn evidence_of(&self, person: PersonId) -> StoreResult<Vec<Evidence>> {
        records::evidence_of(self, person).await
    }

    async fn deleted_evidence_of(&self, person: PersonId) -> StoreResult<Vec<Evidence>> {
        records::deleted_evidence_of(self, person).await
    }

    async fn evidence_page(
        &self,
        person: PersonId,
        after: Option<EvidenceAfter>,
        limit: u32,
    ) -> StoreResult<Vec<Evidence>> {
        records::evidence_page(self, person, after, limit).await
    }

    async fn evidence_counts(
        &self,
        people: &[PersonId],
    ) -> StoreResult<Vec<(PersonId, String, i64)>> {
        records::evidence_counts(self, people).await
    }

    async fn observations(&self, people: &[PersonId]) -> StoreResult<Observations> {
        records::observations(self, people).await
    }

    async fn person_record(&self, person: PersonId) -> StoreResult<PersonRecord> {
        records::person_record(self, person).await
    }

    async fn bulk_create_people(
        &self,
        people: Vec<NewPerson>,
        audit: &Audit,
    ) -> StoreResult<Vec<Person>> {
        bulk::create_people(self, people, audit).await
    }

    async fn bulk_create_assessments(
        &self,
        assessments: Vec<BulkAssessment>,
        audit: &Audit,
    ) -> StoreResult<usize> {
        bulk::create_assessments(self, assessments, audit).await
    }

    async fn bulk_add_evidence(
        &self,
        evidence: Vec<NewEvidence>,
        audit: &Audit,
    ) -> StoreResult<usize> {
        bulk::add_evidence(self, evidence, audit).await
    }
}
