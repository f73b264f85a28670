//! From hire to first plan: the hired candidate gets an account at the opening's role level,
//! reporting to the hiring manager, and a development plan started from what the interviews
//! scored lowest (the requirements those dimensions assess, as goals) and the role level's
//! first-year goals (as milestones).

use trellis_formats::render::hiring::assessed_by;
use trellis_store::prelude::*;
use trellis_store::{Candidate, CandidateId, Hire, NewGoal, Person, StoreError, SystemRole};

use super::{Hiring, HiringRole, debrief};
use crate::access::Actor;
use crate::accounts::{self, NewAccount};
use crate::error::{AppError, AppResult};
use crate::plans::DEFAULT_GOAL_DAYS;
use crate::time::{date, day_ms, now_millis};

/// At most this many of the lowest-scored dimensions become goals...
pub const LOWEST: usize = 2;
/// ...of those whose mean score is below this: a dimension scored 4 or 5 needs no goal.
pub const GOAL_BELOW: f64 = 4.0;

/// What a hire made.
#[derive(Debug, Clone)]
pub struct Hired {
    pub candidate: Candidate,
    pub person: Person,
    pub goals: usize,
    pub milestones: usize,
}

/// The lowest-scored dimensions below [`GOAL_BELOW`], lowest first, at most `n`: (name, mean).
pub fn lowest(d: &debrief::Debrief, n: usize) -> Vec<(String, f64)> {
    let mut scored: Vec<(String, f64)> = d
        .dimensions
        .iter()
        .filter_map(|r| r.mean.map(|m| (r.name.clone(), m)))
        .filter(|(_, m)| *m < GOAL_BELOW)
        .collect();
    scored.sort_by(|a, b| a.1.total_cmp(&b.1));
    scored.truncate(n);
    scored
}

impl Hiring<'_> {
    /// Hires the candidate (hiring manager and people team): their account (`email`), the
    /// decision with its reason, and their first plan.
    pub async fn hire(
        &self,
        actor: &Actor,
        candidate: CandidateId,
        email: &str,
        reason: &str,
    ) -> AppResult<Hired> {
        let view = self.view_candidate(actor, candidate).await?;
        if view.role == HiringRole::Interviewer {
            return Err(self.not_running(actor, view.opening.id).await);
        }
        if view.candidate.status != "active" {
            return Err(
                AppError::conflict("The candidate was decided already.").with_field("decision")
            );
        }
        let reason = super::text("reason", reason, "reason", 2_000, true)?;
        let opening = &view.opening;
        let audit = actor.audit();
        let (new_person, _) = accounts::checked(
            self.app,
            NewAccount {
                email: email.to_owned(),
                name: view.candidate.name.clone(),
                role: SystemRole::Member,
                team: None,
                manager_id: Some(opening.hiring_manager_id),
                role_level: Some(opening.role_level.clone()),
                password_hash: None,
            },
        )
        .await?;
        // The first plan: the requirements the lowest-scored dimensions assess, then the
        // first-year goals.
        let published = self.app.current_framework().await?;
        let mut goals = Vec::new();
        let today = now_millis().div_euclid(day_ms()) * day_ms();
        if let (Some(p), Some(d)) = (&published, &view.debrief)
            && let Some(profile) = p.profile(&opening.role_level)
        {
            for (dimension, mean) in lowest(d, LOWEST) {
                for name in assessed_by(&profile, &dimension) {
                    let Some(r) = profile.requirements.iter().find(|r| r.skill_name == name) else {
                        continue;
                    };
                    if goals.iter().any(|g: &NewGoal| g.skill == r.skill) {
                        continue;
                    }
                    goals.push(NewGoal {
                        // Set to the new account's by the store.
                        person_id: 0,
                        skill: r.skill.clone(),
                        target_level: r.level.as_str().to_owned(),
                        role_level: Some(opening.role_level.clone()),
                        due_on: Some(date(today + DEFAULT_GOAL_DAYS * day_ms())),
                        why: format!("The interviews scored “{dimension}” {mean:.1} of 5."),
                    });
                }
            }
        }
        let milestones = published
            .as_ref()
            .and_then(|p| crate::onboarding::onboarding_of(self.app, p, &opening.role_level))
            .map(|o| crate::onboarding::milestones_of(&o, today))
            .unwrap_or_default();
        let counts = (goals.len(), milestones.len());
        let hire = Hire {
            person: new_person,
            reason,
            goals,
            milestones,
        };
        // One transaction: a failure leaves neither an account nor a decision behind.
        let (decided, person) = match self.app.store().hire(candidate, hire, &audit).await {
            Err(StoreError::Conflict(m)) => return Err(AppError::conflict(m)),
            other => other?,
        };
        let (goals, milestones) = counts;
        Ok(Hired {
            candidate: decided,
            person,
            goals,
            milestones,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_come_from_the_lowest_dimensions_below_four() {
        let dims: Vec<(String, u32)> = ["A", "B", "C", "D"]
            .iter()
            .map(|n| ((*n).to_owned(), 25))
            .collect();
        let card = |scores: [u8; 4]| trellis_store::Interview {
            id: 0,
            candidate_id: 1,
            stage: "S".into(),
            interviewer_id: 1,
            interviewer_name: "Ann".into(),
            scheduled_on: "2027-01-01".into(),
            scores: trellis_store::Scores(
                ["A", "B", "C", "D"]
                    .iter()
                    .zip(scores)
                    .map(|(n, s)| ((*n).to_owned(), s))
                    .collect(),
            ),
            notes: String::new(),
            leaning: Some("hire".into()),
            submitted_at: Some(1),
            revealed_at: None,
        };
        let d = debrief::debrief(&dims, &[card([4, 2, 3, 1])]);
        assert_eq!(
            lowest(&d, 2),
            [("D".to_owned(), 1.0), ("B".to_owned(), 2.0)]
        );
        let d = debrief::debrief(&dims, &[card([4, 5, 3, 4])]);
        assert_eq!(lowest(&d, 2), [("C".to_owned(), 3.0)]);
    }
}
