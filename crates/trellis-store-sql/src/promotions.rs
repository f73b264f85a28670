//! Promotion cases: opened, written, commented on, sent to a panel, voted on independently,
//! decided, and (when approved) applied to the person's role level from the case's day.

use serde_json::json;
use trellis_store::backend::{clean_date, clean_text};
use trellis_store::{
    Audit, CaseOutcome, CaseStatus, Millis, NewNotification, NewPromotion, PanelSeat, PanelVote,
    PersonId, PromotionCase, PromotionComment, PromotionDecision, PromotionId, PromotionListing,
    PromotionRecord, PromotionStore, StoreError, StoreResult,
};

use crate::dialect::Dialect;
use crate::growth::actor;
use crate::growth::rows::{require, require_people};
use crate::notifications::write_notices;
use crate::{Connection, Database, append, db_run, person_in, success};

const CASE_COLUMNS: &str = "id, person_id, role_level, framework_version_id, from_role_level, \
     status, case_text, written_by, written_at, opened_by, opened_at, submitted_by, submitted_at, \
     outcome, decision_reason, missing, effective_on, decided_by, decided_at, applied_at, revision";

const SEAT_COLUMNS: &str = "case_id, member_id, vote, reason, voted_at, others_seen_at";

async fn case_in(
    conn: &mut impl Connection,
    id: PromotionId,
    lock: bool,
) -> StoreResult<PromotionCase> {
    db_run!(conn, |c| {
        let lock = if lock { Db::FOR_UPDATE } else { "" };
        let sql = format!("SELECT {CASE_COLUMNS} FROM promotion_cases WHERE id = $1{lock}");
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(c)
    })?
    .ok_or_else(|| StoreError::NotFound(format!("promotion case {id}")))
}

async fn panel_in(conn: &mut impl Connection, id: PromotionId) -> StoreResult<Vec<PanelSeat>> {
    db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SEAT_COLUMNS} FROM promotion_panel WHERE case_id = $1 ORDER BY member_id"
    )))
    .bind(id)
    .fetch_all(c))
}

fn require_status(case: &PromotionCase, status: CaseStatus, doing: &str) -> StoreResult<()> {
    if case.status == status {
        return Ok(());
    }
    Err(StoreError::Conflict(format!(
        "the case is {}: only a {} case can be {doing}",
        case.status.as_str(),
        status.as_str()
    )))
}

fn target(id: PromotionId) -> String {
    format!("promotion:{id}")
}

/// Assigns the case's role level to its person from `since`, as an ordinary change to the person
/// (their revision moves on, and the change is audited as one).
async fn assign(
    conn: &mut impl Connection,
    case: &PromotionCase,
    since: Millis,
    audit: &Audit,
) -> StoreResult<()> {
    let person = person_in(conn, case.person_id, true).await?;
    db_run!(rows conn, |c| sqlx::query(
        "UPDATE people SET role_level = $1, role_level_version = $2, role_level_since = $3,
             revision = revision + 1
         WHERE id = $4"
    )
    .bind(&case.role_level)
    .bind(case.framework_version_id)
    .bind(since)
    .bind(case.person_id)
    .execute(c))?;
    db_run!(rows conn, |c| sqlx::query(
        "UPDATE promotion_cases SET applied_at = $1 WHERE id = $2"
    )
    .bind(audit.at)
    .bind(case.id)
    .execute(c))?;
    let details = json!({
        "fields": ["role_level", "role_level_version", "role_level_since"],
        "revision": person.revision + 1,
        "promotion": case.id,
    });
    let event = success(
        "person.update",
        format!("person:{}", case.person_id),
        details,
    );
    append(conn, audit, event).await?;
    let details = json!({ "role_level": case.role_level, "effective_on": case.effective_on });
    append(
        conn,
        audit,
        success("promotion.apply", target(case.id), details),
    )
    .await
}

impl PromotionStore for Database {
    async fn open_promotion(
        &self,
        new: NewPromotion,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PromotionCase> {
        let by = actor(audit, "a promotion case")?;
        let role_level = clean_text("role level", &new.role_level)?;
        let mut tx = self.write().await?;
        require_people(&mut tx, [by, new.person_id]).await?;
        let version = [new.framework_version_id];
        require(&mut tx, "framework_versions", "framework version", version).await?;
        let person = person_in(&mut tx, new.person_id, false).await?;
        let id: PromotionId = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO promotion_cases (person_id, role_level, framework_version_id,
                 from_role_level, status, opened_by, opened_at)
             VALUES ($1, $2, $3, $4, 'draft', $5, $6) RETURNING id"
        )
        .bind(new.person_id)
        .bind(&role_level)
        .bind(new.framework_version_id)
        .bind(&person.role_level)
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "there is an undecided case for {role_level} already"
            )),
            other => other,
        })?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        let details = json!({ "person": new.person_id, "role_level": role_level });
        append(
            &mut tx,
            audit,
            success("promotion.open", target(id), details),
        )
        .await?;
        let case = case_in(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn promotion(&self, id: PromotionId) -> StoreResult<PromotionCase> {
        case_in(&mut self.conn().await?, id, false).await
    }

    async fn promotion_record(&self, id: PromotionId) -> StoreResult<PromotionRecord> {
        let mut tx = self.snapshot().await?;
        let case = case_in(&mut tx, id, false).await?;
        let comments = db_run!(tx, |c| sqlx::query_as(
            "SELECT id, case_id, author_id, body, at FROM promotion_comments
             WHERE case_id = $1 ORDER BY id"
        )
        .bind(id)
        .fetch_all(c))?;
        let panel = panel_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(PromotionRecord {
            case,
            comments,
            panel,
        })
    }

    async fn promotions_for(
        &self,
        people: Option<Vec<PersonId>>,
        member: PersonId,
    ) -> StoreResult<Vec<PromotionCase>> {
        match people {
            None => db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {CASE_COLUMNS} FROM promotion_cases ORDER BY opened_at DESC, id DESC"
            )))
            .fetch_all(c)),
            Some(people) => db_run!(self, |c| {
                let sql = format!(
                    "SELECT {CASE_COLUMNS} FROM promotion_cases
                     WHERE {} OR id IN (SELECT case_id FROM promotion_panel WHERE member_id = $2)
                     ORDER BY opened_at DESC, id DESC",
                    Db::in_ids("person_id", 1)
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(Db::ids(&people))
                    .bind(member)
                    .fetch_all(c)
            }),
        }
    }

    async fn promotion_list(
        &self,
        people: Option<Vec<PersonId>>,
        member: PersonId,
    ) -> StoreResult<Vec<PromotionListing>> {
        // The reader's open seat and their answers since the case was written, beside each case.
        let counts = "(SELECT COUNT(*) FROM promotion_panel s
                 WHERE s.case_id = c.id AND s.member_id = $1 AND s.vote IS NULL) AS unvoted_seats,
             (SELECT COUNT(*) FROM promotion_comments m
                 WHERE m.case_id = c.id AND m.author_id = $1 AND m.at >= c.written_at)
                 AS comments_since_written";
        let columns = CASE_COLUMNS
            .split(", ")
            .map(|col| format!("c.{col}"))
            .collect::<Vec<_>>()
            .join(", ");
        db_run!(self, |c| {
            let which = match people {
                None => String::new(),
                Some(_) => format!(
                    "WHERE {} OR c.id IN (SELECT case_id FROM promotion_panel WHERE member_id = $1)",
                    Db::in_ids("c.person_id", 2)
                ),
            };
            let sql = format!(
                "SELECT {columns}, {counts} FROM promotion_cases c {which}
                 ORDER BY c.opened_at DESC, c.id DESC"
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(member);
            if let Some(people) = &people {
                q = q.bind(Db::ids(people));
            }
            q.fetch_all(c)
        })
    }

    async fn write_promotion(
        &self,
        id: PromotionId,
        text: String,
        expected_revision: Option<i64>,
        audit: &Audit,
    ) -> StoreResult<PromotionCase> {
        let by = actor(audit, "a written case")?;
        let text = clean_text("written case", &text)?;
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        require_status(&case, CaseStatus::Draft, "written")?;
        if expected_revision.is_some_and(|r| r != case.revision) {
            return Err(StoreError::Conflict(
                "the case was changed by someone else meanwhile".into(),
            ));
        }
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE promotion_cases SET case_text = $1, written_by = $2, written_at = $3,
                 revision = revision + 1
             WHERE id = $4"
        )
        .bind(&text)
        .bind(by)
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        let details = json!({ "characters": text.chars().count() });
        append(
            &mut tx,
            audit,
            success("promotion.write", target(id), details),
        )
        .await?;
        let case = case_in(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn comment_on_promotion(
        &self,
        id: PromotionId,
        body: String,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PromotionComment> {
        let by = actor(audit, "a comment")?;
        let body = clean_text("comment", &body)?;
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        require_status(&case, CaseStatus::Draft, "commented on")?;
        let comment: PromotionComment = db_run!(tx, |c| {
            sqlx::query_as(
            "INSERT INTO promotion_comments (case_id, author_id, body, at) VALUES ($1, $2, $3, $4)
             RETURNING id, case_id, author_id, body, at"
        )
        .bind(id)
        .bind(by)
        .bind(&body)
        .bind(audit.at)
        .fetch_one(c)
        })?;
        write_notices(&mut tx, &notices, None, audit).await?;
        let details = json!({ "comment": comment.id });
        tx.commit_audited(audit, success("promotion.comment", target(id), details))
            .await?;
        Ok(comment)
    }

    async fn set_promotion_panel(
        &self,
        id: PromotionId,
        members: Vec<PersonId>,
        audit: &Audit,
    ) -> StoreResult<Vec<PanelSeat>> {
        let mut members = members;
        members.sort_unstable();
        members.dedup();
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        require_status(&case, CaseStatus::Draft, "given a panel")?;
        if members.contains(&case.person_id) {
            return Err(StoreError::Invalid(
                "the person a case is about cannot sit on its panel".into(),
            ));
        }
        require_people(&mut tx, members.iter().copied()).await?;
        db_run!(rows tx, |c| sqlx::query("DELETE FROM promotion_panel WHERE case_id = $1")
            .bind(id)
            .execute(c))?;
        for m in &members {
            db_run!(rows tx, |c| sqlx::query(
                "INSERT INTO promotion_panel (case_id, member_id) VALUES ($1, $2)"
            )
            .bind(id)
            .bind(*m)
            .execute(c))?;
        }
        let details = json!({ "panel": members });
        append(
            &mut tx,
            audit,
            success("promotion.panel", target(id), details),
        )
        .await?;
        let panel = panel_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(panel)
    }

    async fn submit_promotion(
        &self,
        id: PromotionId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PromotionCase> {
        let by = actor(audit, "a submission")?;
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        require_status(&case, CaseStatus::Draft, "submitted")?;
        if case.case_text.is_empty() {
            return Err(StoreError::Conflict(
                "the case has not been written yet".into(),
            ));
        }
        if panel_in(&mut tx, id).await?.is_empty() {
            return Err(StoreError::Conflict("the case has no panel yet".into()));
        }
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE promotion_cases SET status = 'submitted', submitted_by = $1, submitted_at = $2,
                 revision = revision + 1
             WHERE id = $3"
        )
        .bind(by)
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        write_notices(&mut tx, &notices, None, audit).await?;
        append(
            &mut tx,
            audit,
            success("promotion.submit", target(id), json!({})),
        )
        .await?;
        let case = case_in(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn cast_promotion_vote(
        &self,
        id: PromotionId,
        vote: PanelVote,
        reason: String,
        audit: &Audit,
    ) -> StoreResult<PanelSeat> {
        let by = actor(audit, "a vote")?;
        let reason = clean_text("reason", &reason)?;
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        let seat = panel_in(&mut tx, id)
            .await?
            .into_iter()
            .find(|s| s.member_id == by)
            .ok_or_else(|| StoreError::NotFound(format!("panel member {by} of case {id}")))?;
        require_status(&case, CaseStatus::Submitted, "voted on")?;
        let changing = seat.vote.0.is_some();
        // Final once the member has seen another vote: the guard is in the statement itself, so
        // that a change and a first look at the others cannot interleave.
        let changed = db_run!(rows tx, |c| sqlx::query(
            "UPDATE promotion_panel SET vote = $1, reason = $2, voted_at = $3
             WHERE case_id = $4 AND member_id = $5 AND others_seen_at IS NULL"
        )
        .bind(vote.as_str())
        .bind(&reason)
        .bind(audit.at)
        .bind(id)
        .bind(by)
        .execute(c))?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "your vote is final: you have seen the other votes since casting it".into(),
            ));
        }
        let details = json!({ "changed": changing });
        append(
            &mut tx,
            audit,
            success("promotion.vote", target(id), details),
        )
        .await?;
        let seat = panel_in(&mut tx, id)
            .await?
            .into_iter()
            .find(|s| s.member_id == by)
            .ok_or_else(|| StoreError::Backend("a vote just cast went missing".into()))?;
        tx.commit().await?;
        Ok(seat)
    }

    async fn mark_votes_seen(
        &self,
        id: PromotionId,
        member: PersonId,
        at: Millis,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let marked = db_run!(rows tx, |c| sqlx::query(
            "UPDATE promotion_panel SET others_seen_at = $1
             WHERE case_id = $2 AND member_id = $3 AND vote IS NOT NULL
               AND others_seen_at IS NULL
               AND EXISTS (SELECT 1 FROM promotion_panel o
                           WHERE o.case_id = $2 AND o.member_id <> $3 AND o.vote IS NOT NULL)"
        )
        .bind(at)
        .bind(id)
        .bind(member)
        .execute(c))?;
        tx.commit().await?;
        Ok(marked > 0)
    }

    async fn decide_promotion(
        &self,
        id: PromotionId,
        decision: PromotionDecision,
        apply: Option<Millis>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PromotionCase> {
        let by = actor(audit, "a decision")?;
        let reason = clean_text("reason", &decision.reason)?;
        let (missing, effective_on) = match decision.outcome {
            CaseOutcome::Approved => {
                let day = decision.effective_on.as_deref().unwrap_or_default();
                (None, Some(clean_date("effective date", day)?))
            }
            CaseOutcome::NotYet => {
                let missing = decision.missing.as_deref().unwrap_or_default();
                (Some(clean_text("what is missing", missing)?), None)
            }
        };
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        require_status(&case, CaseStatus::Submitted, "decided")?;
        db_run!(rows tx, |c| sqlx::query(
            "UPDATE promotion_cases SET status = 'decided', outcome = $1, decision_reason = $2,
                 missing = $3, effective_on = $4, decided_by = $5, decided_at = $6,
                 revision = revision + 1
             WHERE id = $7"
        )
        .bind(decision.outcome.as_str())
        .bind(&reason)
        .bind(&missing)
        .bind(&effective_on)
        .bind(by)
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        write_notices(&mut tx, &notices, None, audit).await?;
        let details = json!({
            "outcome": decision.outcome.as_str(),
            "effective_on": effective_on,
        });
        append(
            &mut tx,
            audit,
            success("promotion.decide", target(id), details),
        )
        .await?;
        let case = case_in(&mut tx, id, false).await?;
        if let (CaseOutcome::Approved, Some(since)) = (decision.outcome, apply) {
            assign(&mut tx, &case, since, audit).await?;
        }
        let case = case_in(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn promotions_to_apply(&self, today: &str) -> StoreResult<Vec<PromotionCase>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} FROM promotion_cases
             WHERE outcome = 'approved' AND applied_at IS NULL AND effective_on <= $1 ORDER BY id"
        )))
        .bind(today)
        .fetch_all(c))
    }

    async fn apply_promotion(
        &self,
        id: PromotionId,
        since: Millis,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let case = case_in(&mut tx, id, true).await?;
        // Claims the case first: a second server's claim finds it applied and does nothing.
        let claimed = db_run!(rows tx, |c| sqlx::query(
            "UPDATE promotion_cases SET applied_at = $1
             WHERE id = $2 AND outcome = 'approved' AND applied_at IS NULL"
        )
        .bind(audit.at)
        .bind(id)
        .execute(c))?;
        if claimed == 0 {
            return Ok(false);
        }
        assign(&mut tx, &case, since, audit).await?;
        write_notices(&mut tx, &notices, None, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
