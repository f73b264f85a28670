//! Drafts of a stage's ratings, and the person's answer to an agreed outcome.

use std::collections::HashSet;

use serde_json::json;
use trellis_store::{
    AssessmentId, Audit, NewNotification, NewRating, OutcomeAnswer, OutcomeAnswerKind, PersonId,
    RaterKind, RatingDraft, Stage, StoreError, StoreResult, backend::check_rater_kind,
};

use super::rows::{Lock, assessment_in, require_people};
use super::{check_open, skills_of};
use crate::dialect::JsonText;
use crate::notifications::write_notices;
use crate::{Connection, Database, Tx, append, db_run, success};

fn optional(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A draft's ratings: skills trimmed and given once; any other part may be missing.
fn clean_draft(ratings: Vec<NewRating>) -> StoreResult<Vec<NewRating>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in ratings {
        let skill = r.skill.trim().to_owned();
        if skill.is_empty() {
            return Err(StoreError::Invalid("skill is empty".into()));
        }
        if !seen.insert(skill.clone()) {
            return Err(StoreError::Invalid(format!(
                "{skill}: given twice in one draft"
            )));
        }
        out.push(NewRating {
            skill,
            level: optional(r.level),
            not_applicable: optional(r.not_applicable),
            comment: optional(r.comment),
        });
    }
    Ok(out)
}

/// Removes a kind of rater's draft of an assessment in `tx`: their ratings are submitted.
pub(super) async fn remove_draft(
    tx: &mut Tx,
    assessment: AssessmentId,
    kind: RaterKind,
) -> StoreResult<()> {
    db_run!(rows tx, |c| sqlx::query(
        "DELETE FROM rating_drafts WHERE assessment_id = $1 AND rater_kind = $2"
    )
    .bind(assessment)
    .bind(kind.as_str())
    .execute(c))?;
    Ok(())
}

pub(super) async fn save(
    db: &Database,
    assessment: AssessmentId,
    kind: RaterKind,
    rater: PersonId,
    ratings: Vec<NewRating>,
    audit: &Audit,
) -> StoreResult<RatingDraft> {
    check_rater_kind(kind)?;
    let ratings = clean_draft(ratings)?;
    let mut tx = db.write().await?;
    // FOR SHARE: the assessment cannot move on (and drop the draft) while this is written.
    let current = assessment_in(&mut tx, assessment, Lock::Share).await?;
    check_open(&current, None)?;
    require_people(&mut tx, [rater]).await?;
    let text = JsonText(serde_json::to_string(&ratings).map_err(|e| {
        StoreError::Backend(format!("draft ratings could not be written as JSON: {e}"))
    })?);
    db_run!(rows tx, |c| sqlx::query(
        "INSERT INTO rating_drafts (assessment_id, rater_kind, rater_id, ratings, saved_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (assessment_id, rater_kind) DO UPDATE SET rater_id = excluded.rater_id,
             ratings = excluded.ratings, saved_at = excluded.saved_at"
    )
    .bind(assessment)
    .bind(kind.as_str())
    .bind(rater)
    .bind(&text)
    .bind(audit.at)
    .execute(c))?;
    let details = json!({
        "rater_kind": kind.as_str(),
        "rater_id": rater,
        "skills": skills_of(&ratings),
    });
    let event = success(
        "assessment.draft",
        format!("assessment:{assessment}"),
        details,
    );
    tx.commit_audited(audit, event).await?;
    Ok(RatingDraft {
        assessment_id: assessment,
        rater_kind: kind,
        rater_id: rater,
        ratings,
        saved_at: audit.at,
    })
}

pub(super) async fn draft(
    db: &Database,
    assessment: AssessmentId,
    kind: RaterKind,
) -> StoreResult<Option<RatingDraft>> {
    let row: Option<(PersonId, String, i64)> = db_run!(db, |c| sqlx::query_as(
        "SELECT rater_id, CAST(ratings AS TEXT), saved_at FROM rating_drafts
         WHERE assessment_id = $1 AND rater_kind = $2"
    )
    .bind(assessment)
    .bind(kind.as_str())
    .fetch_optional(c))?;
    let Some((rater_id, text, saved_at)) = row else {
        super::rows::exists(db, super::rows::ASSESSMENT, assessment).await?;
        return Ok(None);
    };
    let ratings = serde_json::from_str(&text)
        .map_err(|e| StoreError::Backend(format!("draft of assessment {assessment}: {e}")))?;
    Ok(Some(RatingDraft {
        assessment_id: assessment,
        rater_kind: kind,
        rater_id,
        ratings,
        saved_at,
    }))
}

const ANSWER_COLUMNS: &str = "assessment_id, person_id, answer, comment, at";

async fn answer_in(
    conn: &mut impl Connection,
    assessment: AssessmentId,
) -> StoreResult<Option<OutcomeAnswer>> {
    db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ANSWER_COLUMNS} FROM outcome_answers WHERE assessment_id = $1"
    )))
    .bind(assessment)
    .fetch_optional(c))
}

pub(super) async fn answer(
    db: &Database,
    assessment: AssessmentId,
    person: PersonId,
    answer: OutcomeAnswerKind,
    comment: Option<String>,
    notices: Vec<NewNotification>,
    audit: &Audit,
) -> StoreResult<OutcomeAnswer> {
    let comment = optional(comment);
    if answer == OutcomeAnswerKind::Disputed && comment.is_none() {
        return Err(StoreError::Invalid(
            "a disputed outcome needs a comment saying why".into(),
        ));
    }
    let mut tx = db.write().await?;
    let current = assessment_in(&mut tx, assessment, Lock::Update).await?;
    if current.person_id != person {
        return Err(StoreError::Invalid(format!(
            "only the person assessed answers the outcome of assessment {assessment}"
        )));
    }
    if current.stage != Stage::Agreed || current.agreed_at.is_none() {
        return Err(StoreError::Conflict(format!(
            "assessment {assessment} has no agreed outcome yet"
        )));
    }
    if answer_in(&mut tx, assessment).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "the outcome of assessment {assessment} was answered already"
        )));
    }
    db_run!(rows tx, |c| sqlx::query(
        "INSERT INTO outcome_answers (assessment_id, person_id, answer, comment, at)
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(assessment)
    .bind(person)
    .bind(answer.as_str())
    .bind(comment.as_deref())
    .bind(audit.at)
    .execute(c))?;
    let details = json!({ "answer": answer.as_str(), "comment": comment.is_some() });
    let event = success(
        "assessment.outcome-answer",
        format!("assessment:{assessment}"),
        details,
    );
    append(&mut tx, audit, event).await?;
    write_notices(&mut tx, &notices, None, audit).await?;
    tx.commit().await?;
    Ok(OutcomeAnswer {
        assessment_id: assessment,
        person_id: person,
        answer,
        comment,
        at: audit.at,
    })
}

pub(super) async fn outcome_answer(
    db: &Database,
    assessment: AssessmentId,
) -> StoreResult<Option<OutcomeAnswer>> {
    let found = answer_in(&mut db.conn().await?, assessment).await?;
    if found.is_none() {
        super::rows::exists(db, super::rows::ASSESSMENT, assessment).await?;
    }
    Ok(found)
}
