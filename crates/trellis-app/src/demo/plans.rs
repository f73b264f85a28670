//! Development plans for the demo organisation: every person with a next role level has two goals
//! toward it (some already met by their agreed ratings), a step, and a suggestion from their
//! manager.

use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{CommentKind, NewGoal, NewPlanAction, Person, PlanActionKind};
use trellis_store_sql::Database;

use super::as_person;
use crate::bootstrap::BootstrapError;
use crate::time::{date, day_ms, now_millis};

/// Loads them; returns how many goals were made. People who have a plan already are left as they
/// are.
pub(super) async fn load(
    store: &Database,
    fw: &Framework,
    people: &[Person],
) -> Result<usize, BootstrapError> {
    let now = now_millis();
    let mut made = 0;
    for p in people {
        let (Some(role_level), Some(manager)) = (p.role_level.as_deref(), p.manager_id) else {
            continue;
        };
        let Ok(current) = trellis_model::resolve(fw, role_level) else {
            continue;
        };
        let Some(next) = current
            .next
            .as_deref()
            .and_then(|n| trellis_model::resolve(fw, n).ok())
        else {
            continue;
        };
        if !store.plan_of(p.id).await?.goals.is_empty() {
            continue;
        }
        let goals: Vec<NewGoal> = next
            .requirements
            .iter()
            .take(2)
            .map(|r| NewGoal {
                person_id: p.id,
                skill: r.skill.clone(),
                target_level: r.level.0.clone(),
                role_level: current.next.clone(),
                due_on: Some(date(now + 120 * day_ms())),
                why: format!("Required for {}", next.title),
            })
            .collect();
        let goals = store
            .create_goals(goals, &as_person(p.id, now - 20 * day_ms()))
            .await?;
        let Some(first) = goals.first() else {
            continue;
        };
        let step = NewPlanAction {
            goal_id: first.id,
            kind: PlanActionKind::Project,
            body: "Lead one piece of the next project end to end".into(),
            due_on: Some(date(now + 30 * day_ms())),
        };
        store
            .add_plan_action(step, &as_person(p.id, now - 19 * day_ms()))
            .await?;
        let suggestion = "Ask to run the next retrospective: it is good practice for this.";
        store
            .add_plan_comment(
                first.id,
                CommentKind::Suggestion,
                suggestion.into(),
                Vec::new(),
                &as_person(manager, now - 18 * day_ms()),
            )
            .await?;
        made += goals.len();
    }
    Ok(made)
}
