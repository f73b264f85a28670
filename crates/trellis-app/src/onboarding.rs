//! A new starter's first year in a role level: the level's 30/60/90-day (and 6- and 12-month)
//! goals become milestones of the person's development plan, each due that many days after they
//! start, with the evidence of success the framework gives for its stage.
//!
//! The person, a manager in their line or the people team starts them (once per role level); the
//! person marks them done. Text from a source that may not be redistributed is left out unless the
//! server is licensed, as everywhere else.

use trellis_model::sections::Onboarding;
use trellis_store::prelude::*;
use trellis_store::{Milestone, Millis, NewMilestone, Person, PersonId};

use crate::access::{self, Actor, Relation};
use crate::error::{AppError, AppResult};
use crate::growth::person_for;
use crate::plans::{Plans, audited};
use crate::time::{date, day_ms, now_millis};
use crate::{App, Published};

/// What the plan page offers: the role level whose first-year goals could start the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingOffer {
    pub role_level: String,
    pub role_title: String,
    /// How many milestones it would make.
    pub goals: usize,
}

/// The stages of a first year, with their stored name, what pages call them and how many days
/// after the start each is due.
pub const STAGES: [(&str, &str, i64); 5] = [
    ("days_30", "First 30 days", 30),
    ("days_60", "First 60 days", 60),
    ("days_90", "First 90 days", 90),
    ("months_6", "First 6 months", 182),
    ("months_12", "First year", 365),
];

/// What a page calls a stage.
pub fn stage_label(stage: &str) -> &'static str {
    STAGES
        .iter()
        .find(|(s, _, _)| *s == stage)
        .map_or("Milestone", |(_, label, _)| label)
}

/// The milestones of a role level's first year, for someone starting on `start` (a day in
/// milliseconds): one per goal, due at the end of its stage, carrying its stage's evidence.
pub fn milestones_of(onboarding: &Onboarding, start: Millis) -> Vec<NewMilestone> {
    let stages = [
        &onboarding.days_30,
        &onboarding.days_60,
        &onboarding.days_90,
        &onboarding.months_6,
        &onboarding.months_12,
    ];
    let mut out = Vec::new();
    for ((stage, _, days), content) in STAGES.iter().zip(stages) {
        let Some(content) = content else { continue };
        let evidence = content.evidence.join("\n");
        for goal in content.goals.iter().filter(|g| !g.trim().is_empty()) {
            out.push(NewMilestone {
                stage: (*stage).to_owned(),
                body: goal.trim().to_owned(),
                evidence: evidence.clone(),
                due_on: date(start + days * day_ms()),
            });
        }
    }
    out
}

/// The first-year goals of a role level as this server may show them.
pub fn onboarding_of(app: &App, published: &Published, role_level: &str) -> Option<Onboarding> {
    let mut profile = (*published.profile(role_level)?).clone();
    if !app.config().licensed {
        profile.withhold_restricted();
    }
    profile.sections.onboarding
}

/// The offer to start the plan from the person's role level, when there is one to make.
pub(crate) fn offer(
    app: &App,
    published: &Published,
    person: &Person,
    relation: Relation,
    milestones: &[Milestone],
) -> Option<OnboardingOffer> {
    if !may_start(relation) {
        return None;
    }
    let rl = person.role_level.as_deref()?;
    if milestones.iter().any(|m| m.role_level == rl) {
        return None;
    }
    let goals = milestones_of(&onboarding_of(app, published, rl)?, 0).len();
    let title = published.profile(rl)?.title.clone();
    (goals > 0).then(|| OnboardingOffer {
        role_level: rl.to_owned(),
        role_title: title,
        goals,
    })
}

fn may_start(relation: Relation) -> bool {
    matches!(
        relation,
        Relation::Myself | Relation::Manager | Relation::Staff
    )
}

impl Plans<'_> {
    /// What the page that assigns a role level offers after the change: the person's plan started
    /// from their new role level's first-year goals, unless it has them already.
    pub async fn onboarding_offer(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> AppResult<Option<OnboardingOffer>> {
        let (p, relation) = person_for(self.app, actor, person).await?;
        let Some(published) = self.app.current_framework().await? else {
            return Ok(None);
        };
        let milestones = self.app.store().plan_of(p.id).await?.milestones;
        Ok(offer(self.app, &published, &p, relation, &milestones))
    }

    /// Starts the person's plan from the first-year goals of their role level (`role_level`, as
    /// the form names it, must be it), due from the day the role level took effect or today,
    /// whichever is later. The person, a manager in their line, or the people team.
    pub async fn start_onboarding(
        &self,
        actor: &Actor,
        person: PersonId,
        role_level: &str,
    ) -> AppResult<Vec<Milestone>> {
        let started = async {
            let (p, relation) = person_for(self.app, actor, person).await?;
            if !may_start(relation) {
                return Err(access::deny(
                    self.app.store(),
                    &actor.audit(),
                    format!("person:{person}"),
                    "A plan is started by the person, their managers or the people team.",
                )
                .await);
            }
            let role_level = role_level.trim();
            if role_level.is_empty() || p.role_level.as_deref() != Some(role_level) {
                return Err(AppError::field(
                    "role_level",
                    "Start the plan from the role level the person holds now.",
                ));
            }
            let published = self.app.current_framework().await?;
            let goals = published
                .as_ref()
                .and_then(|pb| onboarding_of(self.app, pb, role_level))
                .map(|o| {
                    let today = now_millis().div_euclid(day_ms()) * day_ms();
                    let since = p.role_level_since.unwrap_or(today);
                    milestones_of(&o, since.max(today))
                })
                .unwrap_or_default();
            if goals.is_empty() {
                return Err(AppError::field(
                    "role_level",
                    "This role level has no first-year goals to start a plan from.",
                ));
            }
            let store = self.app.store();
            match store
                .create_milestones(p.id, role_level, goals, &actor.audit())
                .await
            {
                Err(trellis_store::StoreError::Conflict(_)) => Err(AppError::conflict(
                    "The plan has this role level's first-year goals already.",
                )
                .with_field("role_level")),
                other => Ok(other?),
            }
        }
        .await;
        audited(self.app, actor, "plan.milestones-create", person, started)
    }

    /// Marks a milestone of the person's plan done (the person only).
    pub async fn complete_milestone(
        &self,
        actor: &Actor,
        person: PersonId,
        milestone: i64,
    ) -> AppResult<Milestone> {
        let done = async {
            let (p, relation) = person_for(self.app, actor, person).await?;
            if relation != Relation::Myself {
                return Err(access::deny(
                    self.app.store(),
                    &actor.audit(),
                    format!("person:{person}"),
                    "A milestone is marked done by the person whose plan it is.",
                )
                .await);
            }
            match self
                .app
                .store()
                .complete_milestone(p.id, milestone, &actor.audit())
                .await
            {
                Err(trellis_store::StoreError::NotFound(_)) => Err(AppError::not_found(
                    "There is no such milestone in this plan.",
                )),
                Err(trellis_store::StoreError::Conflict(m)) => Err(AppError::conflict(m)),
                other => Ok(other?),
            }
        }
        .await;
        audited(self.app, actor, "plan.milestone-done", person, done)
    }
}

#[cfg(test)]
mod tests {
    use trellis_model::sections::OnboardingStage;

    use super::*;

    #[test]
    fn each_goal_is_due_at_the_end_of_its_stage_with_its_evidence() {
        let stage = |goals: &[&str], evidence: &[&str]| {
            Some(OnboardingStage {
                goals: goals.iter().map(|s| (*s).to_owned()).collect(),
                evidence: evidence.iter().map(|s| (*s).to_owned()).collect(),
            })
        };
        let onboarding = Onboarding {
            days_30: stage(&["Ships a change", " "], &["Reviewed", "In production"]),
            days_90: stage(&["Picks up work"], &[]),
            months_12: stage(&["Owns a component"], &["Others ask them"]),
            ..Onboarding::default()
        };
        let start = crate::time::parse_date("2027-01-01").unwrap();
        let made = milestones_of(&onboarding, start);
        let got: Vec<(&str, &str, &str, &str)> = made
            .iter()
            .map(|m| {
                (
                    m.stage.as_str(),
                    m.body.as_str(),
                    m.evidence.as_str(),
                    m.due_on.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "days_30",
                    "Ships a change",
                    "Reviewed\nIn production",
                    "2027-01-31"
                ),
                ("days_90", "Picks up work", "", "2027-04-01"),
                (
                    "months_12",
                    "Owns a component",
                    "Others ask them",
                    "2028-01-01"
                ),
            ]
        );
        assert_eq!(stage_label("days_60"), "First 60 days");
        assert!(milestones_of(&Onboarding::default(), start).is_empty());
    }
}
