//! What waits for a person: their own self-assessments, their direct reports' assessments to rate
//! or agree, requests for their input, check-ins in the coming week and the actions they owe from
//! check-ins and their development plan. Read from the records themselves, so the list is right
//! whatever the inbox says.

use std::collections::HashMap;

use trellis_store::prelude::*;
use trellis_store::{FrameworkVersionId, HomeRecord, Millis, Person, PersonId, Stage};

use crate::access::Actor;
use crate::error::AppResult;
use crate::frameworks::VersionRef;
use crate::time::{date, day_ms, now_millis, parse_date};

/// One thing to do, with where to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    /// `self-assessment`, `rate`, `agree`, `discuss`, `peer-input`, `check-in`, `action` (of a check-in), `plan-action`, `promotion-vote` or
    /// `promotion-comment`.
    pub kind: &'static str,
    /// What to do, in a sentence.
    pub text: String,
    pub href: String,
    /// Since when it waits.
    pub since: Millis,
    /// The day it is for (a meeting) or due (an action), `YYYY-MM-DD`, when it has one.
    pub due: Option<String>,
}

/// How far ahead coming check-ins are listed.
const CHECK_INS_AHEAD_DAYS: i64 = 7;

use_case_area!(Todos, todo);

impl Todos<'_> {
    /// What waits for the actor, oldest first.
    pub async fn of(&self, actor: &Actor) -> AppResult<Vec<Todo>> {
        let record = self.app.store().home_record(actor.id(), 0).await?;
        self.among(actor, &record).await
    }

    /// The same, from the actor's home record, read already.
    pub async fn among(&self, actor: &Actor, record: &HomeRecord) -> AppResult<Vec<Todo>> {
        let me = &actor.person;
        let mut whom: HashMap<PersonId, &Person> =
            record.reports.iter().map(|p| (p.id, p)).collect();
        whom.insert(me.id, me);
        let mut todos = Vec::new();
        for a in &record.open_assessments {
            let Some(person) = whom.get(&a.person_id) else {
                continue;
            };
            let title = self
                .role_title(a.framework_version_id, &a.role_level)
                .await?;
            let href = format!("/assessments/{}", a.id);
            let mine = a.person_id == me.id;
            let (kind, text, since) = match a.stage {
                Stage::SelfRating if mine => (
                    "self-assessment",
                    format!("Rate yourself against {title}"),
                    a.created_at,
                ),
                Stage::Compare if mine => (
                    "discuss",
                    format!("Talk through your ratings against {title} with your manager"),
                    a.manager_submitted_at.unwrap_or(a.created_at),
                ),
                Stage::Manager if !mine => (
                    "rate",
                    format!("Rate {} against {title}", person.name),
                    a.self_submitted_at.unwrap_or(a.created_at),
                ),
                Stage::Compare if !mine => (
                    "agree",
                    format!("Agree the outcome with {} against {title}", person.name),
                    a.manager_submitted_at.unwrap_or(a.created_at),
                ),
                _ => continue,
            };
            todos.push(Todo {
                kind,
                text,
                href,
                since,
                due: None,
            });
        }
        for r in &record.asked {
            let title = self
                .role_title(r.framework_version_id, &r.role_level)
                .await?;
            todos.push(Todo {
                kind: "peer-input",
                text: format!("Give your input on {}'s skills for {title}", r.person_name),
                href: format!("/peer-requests/{}", r.request_id),
                since: r.requested_at,
                due: None,
            });
        }
        let now = now_millis();
        let horizon = date(now + CHECK_INS_AHEAD_DAYS * day_ms());
        for c in &record.check_ins {
            let Some(on) = c.next_on.clone().filter(|d| *d <= horizon) else {
                continue;
            };
            todos.push(Todo {
                kind: "check-in",
                text: format!("Check-in with {}: add to the agenda", c.other(me.id).1),
                href: format!("/check-ins/{}", c.id),
                since: parse_date(&on).unwrap_or(now),
                due: Some(on),
            });
        }
        for a in &record.actions {
            let Some(due) = a.due_on.clone().filter(|d| *d <= horizon) else {
                continue;
            };
            todos.push(Todo {
                kind: "action",
                text: a.body.clone(),
                href: format!("/check-ins/{}#action-{}", a.check_in_id, a.id),
                since: parse_date(&due).unwrap_or(now),
                due: Some(due),
            });
        }
        for a in &record.plan_actions {
            let Some(due) = a.due_on.clone().filter(|d| *d <= horizon) else {
                continue;
            };
            todos.push(Todo {
                kind: "plan-action",
                text: a.body.clone(),
                href: format!("/people/{}/plan#goal-{}", me.id, a.goal_id),
                since: parse_date(&due).unwrap_or(now),
                due: Some(due),
            });
        }
        for c in self.app.promotions().waiting_on(actor).await? {
            let (kind, text, since) = match c.waits_on_you {
                Some("vote") => (
                    "promotion-vote",
                    format!(
                        "Vote on the promotion case of {} for {}",
                        c.person, c.target_title
                    ),
                    c.case.submitted_at.unwrap_or(c.case.opened_at),
                ),
                _ => (
                    "promotion-comment",
                    format!(
                        "Read your promotion case for {} and comment before it is submitted",
                        c.target_title
                    ),
                    c.case.written_at.unwrap_or(c.case.opened_at),
                ),
            };
            todos.push(Todo {
                kind,
                text,
                href: format!("/promotions/{}", c.case.id),
                since,
                due: None,
            });
        }
        todos.sort_by_key(|t| t.since);
        Ok(todos)
    }

    async fn role_title(&self, version: FrameworkVersionId, role_level: &str) -> AppResult<String> {
        let published = self.app.framework(VersionRef::Id(version)).await?;
        Ok(published
            .framework
            .role_level(role_level)
            .map_or_else(|| role_level.to_owned(), |(_, _, l)| l.title.clone()))
    }
}
