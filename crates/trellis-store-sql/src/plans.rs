//! Development plans: goals, their actions, comments and linked evidence.

use serde_json::json;
use trellis_store::backend::{clean_date, clean_text};
use trellis_store::{
    Audit, CommentKind, EvidenceId, Goal, GoalId, MILESTONE_STAGES, Milestone, NewGoal,
    NewMilestone, NewNotification, NewPlanAction, Plan, PlanAction, PlanComment, PlanStore,
    StoreError, StoreResult,
};

use crate::dialect::Dialect;
use crate::growth::actor;
use crate::growth::rows::{one_in, require_people};
use crate::notifications::{remind_once, write_notices};
use crate::{Connection, Database, Tx, append, db_run, success};

const GOAL_COLUMNS: &str = "g.id, g.person_id, g.skill, g.target_level, g.role_level, g.due_on, \
     g.why, g.closed_at, g.created_by, g.created_at";

const ACTION_COLUMNS: &str =
    "a.id, a.goal_id, a.kind, a.body, a.due_on, a.done_at, a.created_by, a.created_at";

const COMMENT_SELECT: &str = "SELECT c.id, c.goal_id, c.kind, c.author_id, p.name AS author_name, \
     c.body, c.at FROM plan_comments c JOIN people p ON p.id = c.author_id";

const MILESTONE_COLUMNS: &str = "m.id, m.person_id, m.role_level, m.stage, m.body, m.evidence, \
     m.due_on, m.done_at, m.created_by, m.created_at";

async fn milestone_in(
    conn: &mut impl Connection,
    person: trellis_store::PersonId,
    id: i64,
) -> StoreResult<Milestone> {
    db_run!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MILESTONE_COLUMNS} FROM plan_milestones m WHERE m.id = $1 AND m.person_id = $2"
    )))
    .bind(id)
    .bind(person)
    .fetch_optional(c))?
    .ok_or_else(|| StoreError::NotFound(format!("milestone {id}")))
}

/// An optional date: empty is none, anything else a real day (`YYYY-MM-DD`).
fn day(field: &str, value: Option<String>) -> StoreResult<Option<String>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => clean_date(field, v).map(Some),
    }
}

async fn goal_in(conn: &mut impl Connection, id: GoalId) -> StoreResult<Goal> {
    let sql = format!("SELECT {GOAL_COLUMNS} FROM plan_goals g WHERE g.id = $1");
    one_in(conn, sql, "goal", id).await
}

fn target(goal: &Goal) -> String {
    format!("person:{}", goal.person_id)
}

impl PlanStore for Database {
    async fn create_milestones(
        &self,
        person: trellis_store::PersonId,
        role_level: &str,
        milestones: Vec<NewMilestone>,
        audit: &Audit,
    ) -> StoreResult<Vec<Milestone>> {
        let mut tx = self.write().await?;
        let created = create_milestones_in(&mut tx, person, role_level, milestones, audit).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn complete_milestone(
        &self,
        person: trellis_store::PersonId,
        milestone: i64,
        audit: &Audit,
    ) -> StoreResult<Milestone> {
        let mut tx = self.write().await?;
        let done = db_run!(rows tx, |c| sqlx::query(
            "UPDATE plan_milestones SET done_at = $1
             WHERE id = $2 AND person_id = $3 AND done_at IS NULL"
        )
        .bind(audit.at)
        .bind(milestone)
        .bind(person)
        .execute(c))?;
        let current = milestone_in(&mut tx, person, milestone).await?;
        if done == 0 {
            return Err(StoreError::Conflict(
                "the milestone was marked done already".into(),
            ));
        }
        let details = json!({ "milestone_id": milestone });
        let event = success("plan.milestone-done", format!("person:{person}"), details);
        tx.commit_audited(audit, event).await?;
        Ok(current)
    }

    async fn create_goals(&self, goals: Vec<NewGoal>, audit: &Audit) -> StoreResult<Vec<Goal>> {
        let mut tx = self.write().await?;
        let created = create_goals_in(&mut tx, goals, audit).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn plan_of(&self, person: trellis_store::PersonId) -> StoreResult<Plan> {
        let mut tx = self.snapshot().await?;
        let goals = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM plan_goals g WHERE g.person_id = $1
             ORDER BY g.closed_at IS NOT NULL, g.id DESC"
        )))
        .bind(person)
        .fetch_all(c))?;
        let actions = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACTION_COLUMNS} FROM plan_actions a
             JOIN plan_goals g ON g.id = a.goal_id WHERE g.person_id = $1 ORDER BY a.id"
        )))
        .bind(person)
        .fetch_all(c))?;
        let comments = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMMENT_SELECT} JOIN plan_goals g ON g.id = c.goal_id
             WHERE g.person_id = $1 ORDER BY c.id"
        )))
        .bind(person)
        .fetch_all(c))?;
        let evidence: Vec<(GoalId, EvidenceId)> = db_run!(tx, |c| sqlx::query_as(
            "SELECT l.goal_id, l.evidence_id FROM plan_goal_evidence l
             JOIN plan_goals g ON g.id = l.goal_id WHERE g.person_id = $1
             ORDER BY l.goal_id, l.evidence_id"
        )
        .bind(person)
        .fetch_all(c))?;
        let milestones = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MILESTONE_COLUMNS} FROM plan_milestones m WHERE m.person_id = $1
             ORDER BY m.due_on, m.role_level, m.position"
        )))
        .bind(person)
        .fetch_all(c))?;
        tx.commit().await?;
        Ok(Plan {
            milestones,
            goals,
            actions,
            comments,
            evidence,
        })
    }

    async fn goals_of(&self, people: &[trellis_store::PersonId]) -> StoreResult<Vec<Goal>> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM plan_goals g WHERE {} ORDER BY g.person_id, g.id",
            Db::in_ids("g.person_id", 1)
        )))
        .bind(Db::ids(people))
        .fetch_all(c))
    }

    async fn goal(&self, id: GoalId) -> StoreResult<Goal> {
        goal_in(&mut self.conn().await?, id).await
    }

    async fn close_goal(&self, goal: GoalId, audit: &Audit) -> StoreResult<Goal> {
        let mut tx = self.write().await?;
        let closed = db_run!(rows tx, |c| sqlx::query(
            "UPDATE plan_goals SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL"
        )
        .bind(audit.at)
        .bind(goal)
        .execute(c))?;
        let current = goal_in(&mut tx, goal).await?;
        if closed == 0 {
            return Err(StoreError::Conflict("the goal was closed already".into()));
        }
        let event = success(
            "plan.goal-close",
            target(&current),
            json!({ "goal_id": goal }),
        );
        tx.commit_audited(audit, event).await?;
        Ok(current)
    }

    async fn add_plan_action(&self, new: NewPlanAction, audit: &Audit) -> StoreResult<PlanAction> {
        let by = actor(audit, "an action")?;
        let body = clean_text("action", &new.body)?;
        let due_on = day("due date", new.due_on)?;
        let mut tx = self.write().await?;
        let goal = goal_in(&mut tx, new.goal_id).await?;
        if goal.closed_at.is_some() {
            return Err(StoreError::Conflict("the goal is closed".into()));
        }
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO plan_actions (goal_id, kind, body, due_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(goal.id)
        .bind(new.kind.as_str())
        .bind(&body)
        .bind(&due_on)
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))?;
        let details = json!({ "goal_id": goal.id, "action_id": id, "kind": new.kind.as_str() });
        append(
            &mut tx,
            audit,
            success("plan.action", target(&goal), details),
        )
        .await?;
        let action = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACTION_COLUMNS} FROM plan_actions a WHERE a.id = $1"
        )))
        .bind(id)
        .fetch_one(c))?;
        tx.commit().await?;
        Ok(action)
    }

    async fn complete_plan_action(
        &self,
        goal: GoalId,
        action: i64,
        audit: &Audit,
    ) -> StoreResult<PlanAction> {
        let mut tx = self.write().await?;
        let g = goal_in(&mut tx, goal).await?;
        let done = db_run!(rows tx, |c| sqlx::query(
            "UPDATE plan_actions SET done_at = $1 WHERE id = $2 AND goal_id = $3 AND done_at IS NULL"
        )
        .bind(audit.at)
        .bind(action)
        .bind(goal)
        .execute(c))?;
        let current: Option<PlanAction> =
            db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ACTION_COLUMNS} FROM plan_actions a WHERE a.id = $1 AND a.goal_id = $2"
            )))
            .bind(action)
            .bind(goal)
            .fetch_optional(c))?;
        let current = current.ok_or_else(|| StoreError::NotFound(format!("action {action}")))?;
        if done == 0 {
            return Err(StoreError::Conflict(
                "the action was marked done already".into(),
            ));
        }
        let details = json!({ "goal_id": goal, "action_id": action });
        tx.commit_audited(audit, success("plan.action-done", target(&g), details))
            .await?;
        Ok(current)
    }

    async fn add_plan_comment(
        &self,
        goal: GoalId,
        kind: CommentKind,
        body: String,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<PlanComment> {
        let author = actor(audit, "a comment")?;
        let body = clean_text(kind.as_str(), &body)?;
        let mut tx = self.write().await?;
        let g = goal_in(&mut tx, goal).await?;
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO plan_comments (goal_id, kind, author_id, body, at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id"
        )
        .bind(goal)
        .bind(kind.as_str())
        .bind(author)
        .bind(&body)
        .bind(audit.at)
        .fetch_one(c))?;
        write_notices(&mut tx, &notices, Some(id), audit).await?;
        let details = json!({ "goal_id": goal, "comment_id": id, "kind": kind.as_str() });
        append(&mut tx, audit, success("plan.comment", target(&g), details)).await?;
        let comment = db_run!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMMENT_SELECT} WHERE c.id = $1"
        )))
        .bind(id)
        .fetch_one(c))?;
        tx.commit().await?;
        Ok(comment)
    }

    async fn open_plan_actions_of(
        &self,
        owner: trellis_store::PersonId,
    ) -> StoreResult<Vec<PlanAction>> {
        db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACTION_COLUMNS} FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id
             WHERE g.person_id = $1 AND g.closed_at IS NULL AND a.done_at IS NULL
             ORDER BY a.due_on IS NULL, a.due_on, a.id"
        )))
        .bind(owner)
        .fetch_all(c))
    }

    async fn plan_actions_due(
        &self,
        on_or_before: &str,
        limit: u32,
    ) -> StoreResult<Vec<(trellis_store::PersonId, PlanAction)>> {
        #[derive(sqlx::FromRow)]
        struct Due {
            owner: i64,
            #[sqlx(flatten)]
            action: PlanAction,
        }
        let limit = i64::from(limit.clamp(1, 1_000));
        let due: Vec<Due> = db_run!(self, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT g.person_id AS owner, {ACTION_COLUMNS} FROM plan_actions a
             JOIN plan_goals g ON g.id = a.goal_id
             WHERE a.done_at IS NULL AND a.reminded_at IS NULL AND g.closed_at IS NULL
               AND a.due_on <= $1
             ORDER BY a.due_on, a.id LIMIT $2"
        )))
        .bind(on_or_before)
        .bind(limit)
        .fetch_all(c))?;
        Ok(due.into_iter().map(|d| (d.owner, d.action)).collect())
    }

    async fn mark_plan_action_reminded(
        &self,
        action: i64,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        remind_once(self, "plan_actions", action, notices, audit).await
    }

    async fn link_goal_evidence(
        &self,
        goal: GoalId,
        evidence: EvidenceId,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let g = goal_in(&mut tx, goal).await?;
        let owner: Option<i64> = db_run!(tx, |c| sqlx::query_scalar(
            "SELECT person_id FROM evidence WHERE id = $1 AND deleted_at IS NULL"
        )
        .bind(evidence)
        .fetch_optional(c))?;
        if owner != Some(g.person_id) {
            return Err(StoreError::Invalid(format!(
                "evidence {evidence} is not in the goal owner's record"
            )));
        }
        let linked = db_run!(rows tx, |c| sqlx::query(
            "INSERT INTO plan_goal_evidence (goal_id, evidence_id) VALUES ($1, $2)
             ON CONFLICT (goal_id, evidence_id) DO NOTHING"
        )
        .bind(goal)
        .bind(evidence)
        .execute(c))?;
        if linked > 0 {
            let details = json!({ "goal_id": goal, "evidence_id": evidence });
            append(
                &mut tx,
                audit,
                success("plan.evidence", target(&g), details),
            )
            .await?;
        }
        tx.commit().await
    }
}

pub(crate) async fn create_milestones_in(
    tx: &mut Tx,
    person: trellis_store::PersonId,
    role_level: &str,
    milestones: Vec<NewMilestone>,
    audit: &Audit,
) -> StoreResult<Vec<Milestone>> {
    let by = actor(audit, "a milestone")?;
    let role_level = clean_text("role level", role_level)?;
    let mut checked = Vec::with_capacity(milestones.len());
    for m in milestones {
        if !MILESTONE_STAGES.contains(&m.stage.as_str()) {
            return Err(StoreError::Invalid(format!("unknown stage {:?}", m.stage)));
        }
        let due_on = day("due date", Some(m.due_on))?
            .ok_or_else(|| StoreError::Invalid("a milestone needs a due date".into()))?;
        checked.push(NewMilestone {
            body: clean_text("milestone", &m.body)?,
            evidence: m.evidence.trim().to_owned(),
            due_on,
            ..m
        });
    }
    require_people(tx, [person, by]).await?;
    let started: Option<i64> = db_run!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM plan_milestones WHERE person_id = $1 AND role_level = $2 LIMIT 1"
    )
    .bind(person)
    .bind(&role_level)
    .fetch_optional(c))?;
    let already = || {
        StoreError::Conflict(format!(
            "the plan has the milestones of {role_level} already"
        ))
    };
    if started.is_some() {
        return Err(already());
    }
    let mut ids = Vec::with_capacity(checked.len());
    for (position, m) in (0_i64..).zip(&checked) {
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO plan_milestones (person_id, role_level, stage, position, body,
               evidence, due_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
        )
        .bind(person)
        .bind(&role_level)
        .bind(&m.stage)
        .bind(position)
        .bind(&m.body)
        .bind(&m.evidence)
        .bind(&m.due_on)
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))
        .map_err(|e| match e {
            StoreError::Conflict(_) => already(),
            other => other,
        })?;
        ids.push(id);
    }
    let details = json!({ "milestones": ids, "role_level": role_level });
    let event = success(
        "plan.milestones-create",
        format!("person:{person}"),
        details,
    );
    append(tx, audit, event).await?;
    let mut created = Vec::with_capacity(ids.len());
    for id in ids {
        created.push(milestone_in(tx, person, id).await?);
    }
    Ok(created)
}

pub(crate) async fn create_goals_in(
    tx: &mut Tx,
    goals: Vec<NewGoal>,
    audit: &Audit,
) -> StoreResult<Vec<Goal>> {
    let by = actor(audit, "a goal")?;
    let Some(person) = goals.first().map(|g| g.person_id) else {
        return Ok(Vec::new());
    };
    if goals.iter().any(|g| g.person_id != person) {
        return Err(StoreError::Invalid("goals of one person at a time".into()));
    }
    let mut checked = Vec::with_capacity(goals.len());
    for g in goals {
        checked.push(NewGoal {
            skill: clean_text("skill", &g.skill)?,
            target_level: clean_text("target level", &g.target_level)?,
            due_on: day("target date", g.due_on)?,
            why: g.why.trim().to_owned(),
            ..g
        });
    }
    require_people(tx, [person, by]).await?;
    let mut ids = Vec::with_capacity(checked.len());
    for g in &checked {
        let id: i64 = db_run!(tx, |c| sqlx::query_scalar(
            "INSERT INTO plan_goals
               (person_id, skill, target_level, role_level, due_on, why, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        )
        .bind(person)
        .bind(&g.skill)
        .bind(&g.target_level)
        .bind(&g.role_level)
        .bind(&g.due_on)
        .bind(&g.why)
        .bind(by)
        .bind(audit.at)
        .fetch_one(c))
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("there is a goal for {} already", g.skill))
            }
            other => other,
        })?;
        ids.push(id);
    }
    let skills: Vec<&str> = checked.iter().map(|g| g.skill.as_str()).collect();
    let details = json!({ "goals": ids, "skills": skills });
    let event = success("plan.goal-create", format!("person:{person}"), details);
    append(tx, audit, event).await?;
    let mut created = Vec::with_capacity(ids.len());
    for id in ids {
        created.push(goal_in(tx, id).await?);
    }
    Ok(created)
}
