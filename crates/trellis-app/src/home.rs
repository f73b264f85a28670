//! The home page's overview: the actor's readiness for their role level and the next at a glance,
//! what changed for them since they last looked (their unread notifications), and for managers each
//! direct report's state: last and next check-in, the stage of an open assessment, plan progress
//! and readiness. One read (`home_record`) whatever the number of reports.

use std::collections::HashMap;

use trellis_model::readiness::ObservedSkills;
use trellis_store::prelude::*;
use trellis_store::{Millis, Notification, Person, PersonId, RaterKind, Stage};

use crate::Published;
use crate::access::Actor;
use crate::error::AppResult;
use crate::growth::{observed_by_person, rank_of, readiness_for};

/// How many unread notifications the home page shows.
const CHANGED: u32 = 5;

/// Readiness for one role level, in a few words.
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    pub role_level: String,
    pub title: String,
    /// Nothing rated yet: no verdict to give.
    pub assessed: bool,
    pub ready: bool,
    /// Progress as the framework's readiness policy measures it, 0 to 100.
    pub percent: u32,
}

/// A direct report, as their manager's home page shows them.
#[derive(Debug, Clone)]
pub struct ReportState {
    pub person: Person,
    pub role_title: Option<String>,
    pub last_check_in: Option<Millis>,
    pub next_check_in: Option<String>,
    /// The stage of their open assessment, if one is open.
    pub open_stage: Option<Stage>,
    pub goals_met: usize,
    pub goals: usize,
    pub readiness: Option<Glance>,
}

#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// The names of the actor's manager and team.
    pub manager: Option<String>,
    pub team: Option<String>,
    /// Readiness for the actor's role level and the next.
    pub glance: Vec<Glance>,
    /// What waits for the actor (see [`crate::todo`]).
    pub todo: Vec<crate::todo::Todo>,
    /// Unread notifications, newest first.
    pub changed: Vec<Notification>,
    pub reports: Vec<ReportState>,
    /// How many people are further down the actor's reporting line.
    pub indirect_reports: usize,
}

use_case_area!(Home, home);

fn glance(published: &Published, role_level: &str, observed: &ObservedSkills) -> Option<Glance> {
    let (profile, r) = readiness_for(published, role_level, observed)?;
    Some(Glance {
        role_level: role_level.to_owned(),
        title: profile.title.clone(),
        assessed: r.assessed(),
        ready: r.ready,
        percent: (r.score * 100.0).round().clamp(0.0, 100.0) as u32,
    })
}

impl Home<'_> {
    /// The overview of the actor's home page. Their reports are their direct reports.
    pub async fn overview(&self, actor: &Actor) -> AppResult<Overview> {
        let me = &actor.person;
        let record = self.app.store().home_record(me.id, CHANGED).await?;
        let todo = self.app.todo().among(actor, &record).await?;
        let seen = &record.observations;
        let mut observed = observed_by_person(&seen.latest, &seen.evidence_counts);
        // The actor's own glance leaves out what their cycles have not shared with them yet.
        let withheld =
            crate::sharing::withheld_from(self.app, me.id, &crate::time::today()).await?;
        if !withheld.is_empty() {
            let own = crate::sharing::observed_without(self.app, me.id, &withheld).await?;
            observed.insert(me.id, own);
        }
        let published = self.app.current_framework().await?;
        let no_ratings = ObservedSkills::default();
        let of = |id: PersonId| observed.get(&id).unwrap_or(&no_ratings);

        let mut out = Overview {
            todo,
            indirect_reports: record.below.saturating_sub(record.reports.len()),
            changed: record.unread.clone(),
            manager: record.manager_name.clone(),
            team: record.team_name.clone(),
            ..Overview::default()
        };
        if let (Some(p), Some(rl)) = (&published, &me.role_level) {
            out.glance.extend(glance(p, rl, of(me.id)));
            let next = p.profile(rl).and_then(|prof| prof.next.clone());
            if let Some(next) = next {
                out.glance.extend(glance(p, &next, of(me.id)));
            }
        }
        if record.reports.is_empty() {
            return Ok(out);
        }

        let check_ins: HashMap<PersonId, _> = record
            .check_ins
            .iter()
            .filter(|c| c.partner_id == me.id)
            .map(|c| (c.person_id, c))
            .collect();
        let stages: HashMap<PersonId, Stage> = record
            .open_assessments
            .iter()
            .filter(|a| a.person_id != me.id)
            .map(|a| (a.person_id, a.stage))
            .collect();
        let goals = &record.report_goals;
        let agreed: HashMap<(PersonId, &str), &str> = seen
            .latest
            .iter()
            .filter(|r| r.rater_kind == RaterKind::Agreed)
            .filter_map(|r| Some(((r.person_id, r.skill.as_str()), r.level.as_deref()?)))
            .collect();
        for p in &record.reports {
            let mine: Vec<_> = goals
                .iter()
                .filter(|g| g.person_id == p.id && g.closed_at.is_none())
                .collect();
            let met = match &published {
                Some(pb) => mine
                    .iter()
                    .filter(|g| {
                        let now = agreed
                            .get(&(p.id, g.skill.as_str()))
                            .and_then(|l| rank_of(&pb.framework, &g.skill, l));
                        let target = rank_of(&pb.framework, &g.skill, &g.target_level);
                        matches!((now, target), (Some((n, _)), Some((t, _))) if n >= t)
                    })
                    .count(),
                None => 0,
            };
            let c = check_ins.get(&p.id);
            let readiness = match (&published, &p.role_level) {
                (Some(pb), Some(rl)) => glance(
                    pb,
                    rl,
                    observed.remove(&p.id).as_ref().unwrap_or(&no_ratings),
                ),
                _ => None,
            };
            out.reports.push(ReportState {
                role_title: readiness
                    .as_ref()
                    .map(|g| g.title.clone())
                    .or_else(|| p.role_level.clone()),
                last_check_in: c.and_then(|c| c.last_held_at),
                next_check_in: c.and_then(|c| c.next_on.clone()),
                open_stage: stages.get(&p.id).copied(),
                goals_met: met,
                goals: mine.len(),
                readiness,
                person: p.clone(),
            });
        }
        Ok(out)
    }
}
