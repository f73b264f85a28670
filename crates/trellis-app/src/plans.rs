//! Development plans: a person's goals, each a skill to reach a level of, made in one step from
//! the gaps in their readiness for their role level (or the next), with actions, progress notes,
//! and comments and suggestions from their managers.
//!
//! The person owns their plan: only they add goals, actions and progress, link evidence and close
//! goals. Managers up their line comment and suggest (the person is told). Whoever may see the
//! person's records reads the plan (the read is audited). A goal is **met** when the person's
//! agreed rating of the skill reaches the target level; that is read from the ratings each time,
//! so the plan and the assessments never disagree.

use std::collections::HashMap;

use trellis_model::Framework;
use trellis_model::readiness::ReadinessStatus;
use trellis_store::prelude::*;
use trellis_store::{
    CommentKind, Evidence, Goal, GoalId, Milestone, Millis, NewGoal, NewNotification,
    NewPlanAction, Person, PersonId, PlanAction, PlanActionKind, PlanComment, RaterKind, Rating,
    StoreError,
};

use crate::App;
use crate::access::{self, Actor, Relation};
use crate::error::{AppError, AppResult};
use crate::growth::{audit_refusal, level_label, person_for, rank_of, readiness_for};
use crate::time::{date, day_ms, now_millis, parse_date, today};

/// The longest action, note or reason, in characters.
pub const MAX_TEXT: usize = 2_000;
/// How far ahead a new goal's target date is, unless another is given.
pub const DEFAULT_GOAL_DAYS: i64 = 90;

/// A requirement not met yet, offered as a goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// `role-level:skill`, what the form sends back.
    pub key: String,
    pub skill: String,
    pub skill_name: String,
    pub role_level: String,
    pub role_title: String,
    pub target_level: String,
    pub target_label: String,
    /// The agreed (or else the manager's, or else the self) rating now, as shown.
    pub now: Option<String>,
}

/// A goal with what it takes to show it.
#[derive(Debug, Clone)]
pub struct GoalView {
    pub goal: Goal,
    pub skill_name: String,
    pub target_label: String,
    pub role_title: Option<String>,
    /// The agreed level now, as shown.
    pub agreed: Option<String>,
    /// When the agreed rating reached the target, if it has.
    pub met_at: Option<Millis>,
    pub actions: Vec<PlanAction>,
    pub comments: Vec<PlanComment>,
    pub evidence: Vec<Evidence>,
}

impl GoalView {
    pub fn met(&self) -> bool {
        self.met_at.is_some()
    }

    pub fn open(&self) -> bool {
        self.goal.closed_at.is_none()
    }
}

/// A person's plan as a reader sees it.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub person: Person,
    pub relation: Relation,
    pub goals: Vec<GoalView>,
    /// Requirements not met yet without an open goal: what could become goals.
    pub gaps: Vec<Gap>,
    /// The person's evidence, to link to goals.
    pub evidence: Vec<Evidence>,
    /// Milestones of the person's first year in a role level, soonest due first.
    pub milestones: Vec<Milestone>,
    /// The first-year goals of the person's role level, when the plan has none of them yet and the
    /// reader may start it from them.
    pub onboarding: Option<crate::onboarding::OnboardingOffer>,
}

/// Goals as asked for: the gaps chosen, and what applies to all of them.
#[derive(Debug, Clone, Default)]
pub struct GoalsInput {
    /// [`Gap::key`]s.
    pub gaps: Vec<String>,
    /// `YYYY-MM-DD`, or empty for [`DEFAULT_GOAL_DAYS`] from today.
    pub due_on: String,
    pub why: String,
}

use_case_area!(Plans, plans);

/// Checks typed text (see [`crate::input::typed_text`]).
fn checked_text(
    field: &str,
    value: &str,
    what: &str,
    required: bool,
) -> Result<String, (String, String)> {
    crate::input::typed_text(field, value, what, MAX_TEXT, required)
}

fn checked_day(field: &str, value: &str) -> Result<Option<String>, (String, String)> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match parse_date(value) {
        Some(d) => Ok(Some(date(d))),
        None => Err((
            field.to_owned(),
            "Enter the date as YYYY-MM-DD, for example 2027-03-31.".to_owned(),
        )),
    }
}

/// When the latest agreed rating of the goal's skill reached its target, if it has.
fn met_at(fw: &Framework, goal: &Goal, agreed: Option<&Rating>) -> Option<Millis> {
    let r = agreed?;
    let level = r.level.as_deref()?;
    let (now, _) = rank_of(fw, &goal.skill, level)?;
    let (target, _) = rank_of(fw, &goal.skill, &goal.target_level)?;
    (now >= target).then_some(r.at)
}

impl Plans<'_> {
    /// A person's plan, for whoever may see their records; the read is audited.
    pub async fn view(&self, actor: &Actor, person: PersonId) -> AppResult<PlanView> {
        let (person, relation) = person_for(self.app, actor, person).await?;
        let store = self.app.store();
        let plan = store.plan_of(person.id).await?;
        let evidence = store.evidence_of(person.id).await?;
        let latest = match relation {
            Relation::Myself => {
                crate::sharing::own_latest_ratings(self.app, person.id, &today()).await?
            }
            _ => store.latest_ratings(&[person.id]).await?,
        };
        let agreed: HashMap<String, Rating> = latest
            .into_iter()
            .filter(|r| r.rater_kind == RaterKind::Agreed)
            .map(|r| (r.skill.clone(), r))
            .collect();
        let published = self.app.current_framework().await?;
        let fw = published.as_ref().map(|p| &p.framework);
        let goals =
            plan.goals
                .into_iter()
                .map(|goal| {
                    let id = goal.id;
                    let agreed_now = agreed.get(&goal.skill);
                    GoalView {
                        skill_name: fw
                            .and_then(|f| f.skill(&goal.skill))
                            .map_or_else(|| goal.skill.clone(), |s| s.name.clone()),
                        target_label: fw.map_or_else(
                            || goal.target_level.clone(),
                            |f| level_label(f, &goal.skill, &goal.target_level),
                        ),
                        role_title: goal.role_level.as_ref().map(|rl| {
                            fw.and_then(|f| f.role_level(rl))
                                .map_or_else(|| rl.clone(), |(_, _, l)| l.title.clone())
                        }),
                        agreed: agreed_now.and_then(|r| {
                            let level = r.level.as_deref()?;
                            Some(fw.map_or_else(
                                || level.to_owned(),
                                |f| level_label(f, &r.skill, level),
                            ))
                        }),
                        met_at: fw.and_then(|f| met_at(f, &goal, agreed_now)),
                        actions: plan
                            .actions
                            .iter()
                            .filter(|a| a.goal_id == id)
                            .cloned()
                            .collect(),
                        comments: plan
                            .comments
                            .iter()
                            .filter(|c| c.goal_id == id)
                            .cloned()
                            .collect(),
                        evidence: plan
                            .evidence
                            .iter()
                            .filter(|(g, _)| *g == id)
                            .filter_map(|(_, e)| evidence.iter().find(|x| x.id == *e).cloned())
                            .collect(),
                        goal,
                    }
                })
                .collect::<Vec<_>>();
        let onboarding = match &published {
            Some(p) => crate::onboarding::offer(self.app, p, &person, relation, &plan.milestones),
            None => None,
        };
        let gaps = match (&published, relation) {
            (Some(p), Relation::Myself) => gaps_of(self.app, p, &person, &goals).await?,
            _ => Vec::new(),
        };
        self.app.audit_read(
            actor.audit(),
            "plan.read",
            format!("person:{}", person.id),
            serde_json::json!({ "goals": goals.len() }),
        );
        Ok(PlanView {
            person,
            relation,
            goals,
            gaps,
            evidence,
            milestones: plan.milestones,
            onboarding,
        })
    }

    /// Turns gaps into goals, in one step (the person only).
    pub async fn add_goals(
        &self,
        actor: &Actor,
        person: PersonId,
        input: GoalsInput,
    ) -> AppResult<Vec<Goal>> {
        let added = async {
            let view = self.owned(actor, person).await?;
            let mut problems = Vec::new();
            if input.gaps.is_empty() {
                problems.push((
                    "gaps".to_owned(),
                    "Choose at least one gap to work on.".to_owned(),
                ));
            }
            let chosen: Vec<&Gap> = input
                .gaps
                .iter()
                .filter_map(|k| view.gaps.iter().find(|g| &g.key == k))
                .collect();
            if chosen.len() < input.gaps.len() && problems.is_empty() {
                problems.push((
                    "gaps".to_owned(),
                    "Some of the gaps chosen are no longer open: reload the page.".to_owned(),
                ));
            }
            let mut skills: Vec<&str> = chosen.iter().map(|g| g.skill.as_str()).collect();
            skills.sort_unstable();
            if skills.windows(2).any(|w| w[0] == w[1]) {
                problems.push((
                    "gaps".to_owned(),
                    "Choose each skill once, for one role level.".to_owned(),
                ));
            }
            let due_on = checked_day("due_on", &input.due_on)
                .map_err(|p| problems.push(p))
                .ok();
            let why = checked_text("why", &input.why, "reason", false)
                .map_err(|p| problems.push(p))
                .ok();
            let (Some(due_on), Some(why), true) = (due_on, why, problems.is_empty()) else {
                return Err(AppError::fields(problems));
            };
            let due_on =
                due_on.unwrap_or_else(|| date(now_millis() + DEFAULT_GOAL_DAYS * day_ms()));
            let goals = chosen
                .into_iter()
                .map(|g| NewGoal {
                    person_id: person,
                    skill: g.skill.clone(),
                    target_level: g.target_level.clone(),
                    role_level: Some(g.role_level.clone()),
                    due_on: Some(due_on.clone()),
                    why: if why.is_empty() {
                        format!("Required for {}", g.role_title)
                    } else {
                        why.clone()
                    },
                })
                .collect();
            Ok(self.app.store().create_goals(goals, &actor.audit()).await?)
        }
        .await;
        audited(self.app, actor, "plan.goal-create", person, added)
    }

    /// Adds an action to one of the person's open goals (the person only).
    pub async fn add_action(
        &self,
        actor: &Actor,
        person: PersonId,
        goal: GoalId,
        kind: &str,
        text: &str,
        due_on: &str,
    ) -> AppResult<PlanAction> {
        let added = async {
            let mut problems = Vec::new();
            let kind = PlanActionKind::parse(kind.trim());
            if kind.is_none() {
                problems.push((
                    format!("kind-{goal}"),
                    "Choose what kind of step it is.".to_owned(),
                ));
            }
            let body = checked_text(&format!("action-{goal}"), text, "action", true)
                .map_err(|p| problems.push(p))
                .ok();
            let due = checked_day(&format!("due-{goal}"), due_on)
                .map_err(|p| problems.push(p))
                .ok();
            let (Some(kind), Some(body), Some(due_on)) = (kind, body, due) else {
                return Err(AppError::fields(problems));
            };
            let new = NewPlanAction {
                goal_id: goal,
                kind,
                body,
                due_on,
            };
            Ok(self
                .app
                .store()
                .add_plan_action(new, &actor.audit())
                .await?)
        };
        self.change_own_goal(actor, (person, goal), "plan.action", added)
            .await
    }

    /// Marks an action of a goal done (the person only).
    pub async fn complete_action(
        &self,
        actor: &Actor,
        person: PersonId,
        goal: GoalId,
        action: i64,
    ) -> AppResult<PlanAction> {
        let store = self.app.store();
        let done = async {
            store
                .complete_plan_action(goal, action, &actor.audit())
                .await
        };
        self.change_own_goal(actor, (person, goal), "plan.action-done", done)
            .await
    }

    /// A progress note by the person, or a comment or suggestion by a manager in their line (the
    /// person is told of it).
    pub async fn comment(
        &self,
        actor: &Actor,
        person: PersonId,
        goal: GoalId,
        kind: &str,
        text: &str,
    ) -> AppResult<PlanComment> {
        let commented = async {
            let (owner, relation) = person_for(self.app, actor, person).await?;
            let g = self.goal_of(owner.id, goal).await?;
            let kind = match (relation, CommentKind::parse(kind.trim())) {
                (Relation::Myself, _) => CommentKind::Progress,
                (Relation::Manager, Some(k @ (CommentKind::Comment | CommentKind::Suggestion))) => {
                    k
                }
                (Relation::Manager, _) => {
                    return Err(AppError::field(
                        format!("kind-comment-{goal}"),
                        "Choose a comment or a suggestion.",
                    ));
                }
                _ => {
                    return Err(access::deny(
                        self.app.store(),
                        &actor.audit(),
                        format!("person:{person}"),
                        "Only the person and their managers write on a plan.",
                    )
                    .await);
                }
            };
            let body = checked_text(&format!("comment-{goal}"), text, "note", true)
                .map_err(|(f, m)| AppError::field(f, m))?;
            let notices = if relation == Relation::Myself {
                Vec::new()
            } else {
                vec![NewNotification {
                    person_id: owner.id,
                    kind: format!("plan.{}", kind.as_str()),
                    subject: format!(
                        "{} left a {} on your goal for {}",
                        actor.person.name,
                        kind.as_str(),
                        g.skill
                    ),
                    link: format!("/people/{}/plan#goal-{goal}", owner.id),
                }]
            };
            let store = self.app.store();
            Ok(store
                .add_plan_comment(goal, kind, body, notices, &actor.audit())
                .await?)
        }
        .await;
        audited(self.app, actor, "plan.comment", person, commented)
    }

    /// Links a piece of the person's evidence to a goal (the person only).
    pub async fn link_evidence(
        &self,
        actor: &Actor,
        person: PersonId,
        goal: GoalId,
        evidence: i64,
    ) -> AppResult<()> {
        let store = self.app.store();
        let linked = async {
            match store
                .link_goal_evidence(goal, evidence, &actor.audit())
                .await
            {
                Err(StoreError::Invalid(_)) => Err(AppError::field(
                    format!("evidence-{goal}"),
                    "Choose a piece of your evidence.",
                )),
                other => Ok(other?),
            }
        };
        self.change_own_goal(actor, (person, goal), "plan.evidence", linked)
            .await
    }

    /// Closes a goal: met, or no longer wanted (the person only).
    pub async fn close_goal(
        &self,
        actor: &Actor,
        person: PersonId,
        goal: GoalId,
    ) -> AppResult<Goal> {
        let closed = async { self.app.store().close_goal(goal, &actor.audit()).await };
        self.change_own_goal(actor, (person, goal), "plan.goal-close", closed)
            .await
    }

    /// The plan of the actor themselves; anyone else is refused (and the refusal audited).
    async fn owned(&self, actor: &Actor, person: PersonId) -> AppResult<PlanView> {
        let (p, relation) = person_for(self.app, actor, person).await?;
        if relation != Relation::Myself {
            return Err(not_owner(self.app, actor, p.id).await);
        }
        self.view(actor, person).await
    }

    /// A change to one of the actor's own goals: made only once the goal is found theirs, and
    /// audited as `action` whether made or refused.
    async fn change_own_goal<T, E>(
        &self,
        actor: &Actor,
        (person, goal): (PersonId, GoalId),
        action: &str,
        change: impl Future<Output = Result<T, E>>,
    ) -> AppResult<T>
    where
        AppError: From<E>,
    {
        let done = async {
            self.owned_goal(actor, person, goal).await?;
            Ok(change.await?)
        }
        .await;
        audited(self.app, actor, action, person, done)
    }

    async fn owned_goal(&self, actor: &Actor, person: PersonId, goal: GoalId) -> AppResult<Goal> {
        let (p, relation) = person_for(self.app, actor, person).await?;
        if relation != Relation::Myself {
            return Err(not_owner(self.app, actor, p.id).await);
        }
        self.goal_of(p.id, goal).await
    }

    /// A goal of this person's plan; another's is not found here.
    async fn goal_of(&self, person: PersonId, goal: GoalId) -> AppResult<Goal> {
        match self.app.store().goal(goal).await {
            Ok(g) if g.person_id == person => Ok(g),
            Ok(_) | Err(StoreError::NotFound(_)) => {
                Err(AppError::not_found("There is no such goal in this plan."))
            }
            Err(e) => Err(e.into()),
        }
    }
}

async fn not_owner(app: &App, actor: &Actor, person: PersonId) -> AppError {
    access::deny(
        app.store(),
        &actor.audit(),
        format!("person:{person}"),
        "A development plan is changed by its owner; managers comment and suggest.",
    )
    .await
}

/// The gaps of the person's role level and, after them, the next one's, without those that
/// already have an open goal.
async fn gaps_of(
    app: &App,
    published: &crate::Published,
    person: &Person,
    goals: &[GoalView],
) -> AppResult<Vec<Gap>> {
    let Some(current) = &person.role_level else {
        return Ok(Vec::new());
    };
    // Only the person's own plan has gaps: what they may see of their ratings.
    let observed = crate::sharing::own_observed(app, person.id, &today()).await?;
    let mut levels = vec![current.clone()];
    if let Some(next) = published.profile(current).and_then(|p| p.next.clone()) {
        levels.push(next);
    }
    let open: Vec<&str> = goals
        .iter()
        .filter(|g| g.open())
        .map(|g| g.goal.skill.as_str())
        .collect();
    let mut gaps = Vec::new();
    for rl in levels {
        let Some((profile, readiness)) = readiness_for(published, &rl, &observed) else {
            continue;
        };
        for r in readiness.requirements {
            if r.status != ReadinessStatus::NotMet || open.contains(&r.skill.as_str()) {
                continue;
            }
            gaps.push(Gap {
                key: format!("{rl}:{}", r.skill),
                skill: r.skill.clone(),
                skill_name: r.skill_name.clone(),
                role_level: rl.clone(),
                role_title: profile.title.clone(),
                target_level: r.required.0.clone(),
                target_label: r.required_label.clone(),
                now: r.agreed.or(r.manager).or(r.self_level),
            });
        }
    }
    Ok(gaps)
}

/// Reminds people of the steps of their plans due tomorrow (or overdue and never reminded), once
/// each. Returns how many were reminded.
pub async fn remind_due(app: &App, today: &str) -> AppResult<usize> {
    let Some(day) = parse_date(today) else {
        return Err(AppError::internal(format!("not a day: {today}")));
    };
    let tomorrow = date(day + day_ms());
    let store = app.store();
    let mut reminded = 0;
    for (owner, action) in store.plan_actions_due(&tomorrow, 200).await? {
        let due = action.due_on.clone().unwrap_or_default();
        let when = crate::reminders::when(&due, today, &tomorrow);
        let notice = NewNotification {
            person_id: owner,
            kind: "plan.action-due".into(),
            subject: format!("A step of your plan is due {when}: {}", action.body),
            link: format!("/people/{owner}/plan#goal-{}", action.goal_id),
        };
        let audit = crate::bootstrap::system_audit();
        if store
            .mark_plan_action_reminded(action.id, vec![notice], &audit)
            .await?
        {
            reminded += 1;
        }
    }
    Ok(reminded)
}

pub(crate) fn audited<T>(
    app: &App,
    actor: &Actor,
    action: &str,
    person: PersonId,
    result: AppResult<T>,
) -> AppResult<T> {
    if let Err(refusal) = &result {
        audit_refusal(app, actor, action, format!("person:{person}"), refusal);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_and_days_are_checked() {
        assert_eq!(checked_text("f", "  x ", "note", true).unwrap(), "x");
        assert!(checked_text("f", " ", "note", true).is_err());
        assert_eq!(checked_text("f", " ", "reason", false).unwrap(), "");
        assert!(checked_text("f", "a\u{7}b", "note", true).is_err());
        assert_eq!(checked_day("d", "").unwrap(), None);
        assert_eq!(
            checked_day("d", "2027-02-28").unwrap().as_deref(),
            Some("2027-02-28")
        );
        assert!(checked_day("d", "2027-02-30").is_err());
    }
}
