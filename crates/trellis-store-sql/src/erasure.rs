//! Erasure: a person's personal data removed in one transaction, their row pseudonymised.

use serde_json::json;
use trellis_store::{
    Audit, ErasureReport, ErasureStore, LAST_ADMIN, Millis, Person, PersonId, StoreError,
    StoreResult,
};

use crate::dialect::Dialect;
use crate::{Connection, Database, PERSON_COLUMNS, Tx, db_run, person_in, success};

/// The statements of an erasure, in an order that leaves no reference dangling, each with what it
/// removes (reported by that name). `$1` is the person.
const ALWAYS: &[(&str, &str)] = &[
    ("sessions", "DELETE FROM sessions WHERE person_id = $1"),
    ("api tokens", "DELETE FROM api_tokens WHERE person_id = $1"),
    (
        "reset links",
        "DELETE FROM password_resets WHERE person_id = $1",
    ),
    (
        "notifications",
        "DELETE FROM notifications WHERE person_id = $1",
    ),
    (
        "notification settings",
        "DELETE FROM notification_settings WHERE person_id = $1",
    ),
    (
        "evidence links of plans",
        "DELETE FROM plan_goal_evidence WHERE evidence_id IN
             (SELECT id FROM evidence WHERE person_id = $1)
         OR goal_id IN (SELECT id FROM plan_goals WHERE person_id = $1)",
    ),
    (
        "evidence skills",
        "DELETE FROM evidence_skills WHERE person_id = $1",
    ),
    (
        "evidence versions",
        "DELETE FROM evidence_versions WHERE evidence_id IN
             (SELECT id FROM evidence WHERE person_id = $1)",
    ),
    ("evidence", "DELETE FROM evidence WHERE person_id = $1"),
    (
        "plan comments",
        "DELETE FROM plan_comments WHERE goal_id IN (SELECT id FROM plan_goals WHERE person_id = $1)",
    ),
    (
        "plan actions",
        "DELETE FROM plan_actions WHERE goal_id IN (SELECT id FROM plan_goals WHERE person_id = $1)",
    ),
    ("plan goals", "DELETE FROM plan_goals WHERE person_id = $1"),
    (
        "plan milestones",
        "DELETE FROM plan_milestones WHERE person_id = $1",
    ),
    // Their check-ins: the series about them go whole; in others', their private notes; notes
    // shared with them (shares of the notes that go, go with them).
    (
        "check-in note shares",
        "DELETE FROM check_in_note_shares WHERE shared_with = $1",
    ),
    (
        "check-in notes",
        "DELETE FROM check_in_entries WHERE meeting_id IN
             (SELECT m.id FROM check_in_meetings m JOIN check_ins c ON c.id = m.check_in_id
              WHERE c.person_id = $1)
         OR (author_id = $1 AND privacy = 'private')",
    ),
    (
        "check-in actions",
        "DELETE FROM check_in_actions WHERE check_in_id IN
             (SELECT id FROM check_ins WHERE person_id = $1)",
    ),
    (
        "check-in exceptions",
        "DELETE FROM check_in_break_glass WHERE check_in_id IN
             (SELECT id FROM check_ins WHERE person_id = $1)",
    ),
    (
        "check-in meetings",
        "DELETE FROM check_in_meetings WHERE check_in_id IN
             (SELECT id FROM check_ins WHERE person_id = $1)",
    ),
    ("check-ins", "DELETE FROM check_ins WHERE person_id = $1"),
    // Promotion cases about them, with their comments and panels. (Votes and comments they gave
    // on others' cases stay, under their pseudonym, as what they wrote for others does.)
    (
        "promotion comments",
        "DELETE FROM promotion_comments WHERE case_id IN
             (SELECT id FROM promotion_cases WHERE person_id = $1)",
    ),
    (
        "promotion panels",
        "DELETE FROM promotion_panel WHERE case_id IN
             (SELECT id FROM promotion_cases WHERE person_id = $1)",
    ),
    (
        "promotion cases",
        "DELETE FROM promotion_cases WHERE person_id = $1",
    ),
    (
        "rating drafts",
        "DELETE FROM rating_drafts WHERE rater_id = $1
         OR assessment_id IN (SELECT id FROM assessments WHERE person_id = $1)",
    ),
    (
        "outcome answers",
        "DELETE FROM outcome_answers WHERE person_id = $1
         OR assessment_id IN (SELECT id FROM assessments WHERE person_id = $1)",
    ),
    // A calibration change's reason is written about the person, whatever happens to the ratings.
    (
        "calibration changes",
        "DELETE FROM calibration_changes WHERE person_id = $1",
    ),
];

/// With the ratings kept for aggregates: only what was written about them goes.
const KEEP_RATINGS: &[(&str, &str)] = &[
    (
        "rating comments",
        "UPDATE ratings SET comment = NULL WHERE person_id = $1 AND comment IS NOT NULL",
    ),
    (
        "current rating comments",
        "UPDATE current_ratings SET comment = NULL WHERE person_id = $1 AND comment IS NOT NULL",
    ),
];

/// Without: the assessments about them go whole.
const REMOVE_RATINGS: &[(&str, &str)] = &[
    (
        "current ratings",
        "DELETE FROM current_ratings WHERE person_id = $1",
    ),
    (
        "cycle outcomes",
        "DELETE FROM cycle_outcomes WHERE (cycle_id, assessment_id) IN
             (SELECT cycle_id, id FROM assessments WHERE person_id = $1 AND cycle_id IS NOT NULL)",
    ),
    ("ratings", "DELETE FROM ratings WHERE person_id = $1"),
    (
        "peer requests",
        "DELETE FROM peer_requests WHERE assessment_id IN
             (SELECT id FROM assessments WHERE person_id = $1)",
    ),
    (
        "assessments",
        "DELETE FROM assessments WHERE person_id = $1",
    ),
];

impl ErasureStore for Database {
    async fn erase_person(
        &self,
        id: PersonId,
        keep_ratings: bool,
        audit: &Audit,
    ) -> StoreResult<ErasureReport> {
        let mut tx = self.write().await?;
        let person = person_in(&mut tx, id, true).await?;
        let erased: Option<i64> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT person_id FROM erasures WHERE person_id = $1"
        )
        .bind(id)
        .fetch_optional(c))?;
        if erased.is_some() {
            return Err(StoreError::Conflict(format!(
                "person {id} has been erased already"
            )));
        }
        if person.active && person.system_role == trellis_store::SystemRole::Admin {
            last_admin_check(&mut tx, id).await?;
        }
        // First: this record opens their ratings and evidence history to the changes below.
        db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO erasures (person_id, erased_at, erased_by, kept_ratings)
             VALUES ($1, $2, $3, $4)"
        )
        .bind(id)
        .bind(audit.at)
        .bind(audit.actor_id)
        .bind(keep_ratings)
        .execute(c))?;

        let mut report = ErasureReport {
            person_id: id,
            kept_ratings: keep_ratings,
            removed: Vec::new(),
        };
        let ratings = if keep_ratings {
            KEEP_RATINGS
        } else {
            REMOVE_RATINGS
        };
        for (what, sql) in ALWAYS.iter().chain(ratings) {
            let n = db_run!(rows tx, |c| sqlx::query(*sql).bind(id).execute(c))?;
            if n > 0 {
                report.removed.push((what, n));
            }
        }

        // The row stays, for what others wrote and the audit log; nothing in it says who it was.
        let (team, role_level) = if keep_ratings {
            (person.team_id, person.role_level.clone())
        } else {
            (None, None)
        };
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE people SET email = $2, name = 'Erased person', password_hash = NULL,
                 active = FALSE, manager_id = NULL, team_id = $3, role_level = $4,
                 role_level_version = CASE WHEN $4 IS NULL THEN NULL ELSE role_level_version END,
                 role_level_since = CASE WHEN $4 IS NULL THEN NULL ELSE role_level_since END,
                 deactivated_at = COALESCE(deactivated_at, $5), revision = revision + 1
             WHERE id = $1"
        )
        .bind(id)
        .bind(format!("erased-{id}@erased.invalid"))
        .bind(team)
        .bind(role_level)
        .bind(audit.at)
        .execute(c))?;

        let removed: serde_json::Map<String, serde_json::Value> = report
            .removed
            .iter()
            .map(|(what, n)| ((*what).to_owned(), json!(n)))
            .collect();
        let details = json!({ "kept_ratings": keep_ratings, "removed": removed });
        tx.commit_audited(
            audit,
            success("person.erase", format!("person:{id}"), details),
        )
        .await?;
        Ok(report)
    }

    async fn departed_before(&self, cutoff: Millis) -> StoreResult<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p
             WHERE p.active = FALSE AND p.deactivated_at <= $1
                 AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.person_id = p.id)
             ORDER BY p.deactivated_at, p.id"
        );
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(cutoff)
            .fetch_all(c))
    }
}

/// Refuses to erase the last active administrator (as deactivating them is refused).
async fn last_admin_check(tx: &mut Tx, id: PersonId) -> StoreResult<()> {
    db_run!(tx, |c| async {
        if let Some(lock) = Db::LOCK_UNTIL_END {
            sqlx::query(lock)
                .bind(crate::dialect::ADMINS_LOCK)
                .execute(c)
                .await?;
        }
        Ok(())
    })?;
    let others: i64 = db_run!(tx, |c| sqlx::query_scalar(
        "SELECT count(*) FROM people WHERE system_role = 'admin' AND active = TRUE AND id <> $1"
    )
    .bind(id)
    .fetch_one(c))?;
    if others == 0 {
        return Err(StoreError::Conflict(LAST_ADMIN.into()));
    }
    Ok(())
}
