//! The calibration session: the people of one population (a manager's reporting lines or a team)
//! side by side, each with their readiness for the role level they are assessed against, their
//! outcomes above, at and below the required levels, the evidence behind them and what was moved.

use std::collections::HashMap;

use serde_json::json;
use trellis_model::readiness::{ObservedSkills, ReadinessStatus};
use trellis_store::prelude::*;
use trellis_store::{
    AssessmentId, CalibrationScope, CycleId, CycleStatus, LatestRating, Person, PersonId, Stage,
};

use super::Calibration;
use crate::access::{self, Actor, Relation};
use crate::cycles::CycleSummary;
use crate::error::{AppError, AppResult};
use crate::growth::{observed_by_person, stage_label};

/// A population a session can be held for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChoice {
    /// `manager:<id>` or `team:<id>`.
    pub value: String,
    pub label: String,
}

/// One requirement of a person in the session.
#[derive(Debug, Clone)]
pub struct SessionSkill {
    pub skill: String,
    pub name: String,
    pub required: String,
    pub self_level: String,
    pub manager: String,
    pub agreed: String,
    /// The outcome's gap to the required level, when there is an outcome.
    pub gap: Option<i64>,
    pub evidence: usize,
}

/// One person in the session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub person_id: PersonId,
    pub name: String,
    pub manager: String,
    pub assessment_id: AssessmentId,
    pub role_title: String,
    pub stage: &'static str,
    /// "Ready", "Not ready (60%)", "Not yet assessed" or "Role level not in this version".
    pub readiness: String,
    pub ready: bool,
    pub above: usize,
    pub at: usize,
    pub below: usize,
    pub evidence: usize,
    pub moved: usize,
    pub skills: Vec<SessionSkill>,
    /// Whether an outcome of theirs can be moved now (manager's ratings in, cycle not closed).
    pub movable: bool,
}

/// The calibration session of a population.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub summary: CycleSummary,
    pub chosen: Option<SessionChoice>,
    pub choices: Vec<SessionChoice>,
    pub rows: Vec<SessionRow>,
}

impl Calibration<'_> {
    /// The populations a session can be held for: teams (and, for a manager, their own lines).
    async fn session_choices(&self, scope: CalibrationScope) -> AppResult<Vec<SessionChoice>> {
        let mut out = Vec::new();
        if let CalibrationScope::Below(m) = scope {
            out.push(SessionChoice {
                value: format!("manager:{m}"),
                label: "Everyone in my reporting lines".into(),
            });
        }
        for t in self.app.store().teams().await? {
            out.push(SessionChoice {
                value: format!("team:{}", t.id),
                label: format!("Team {}", t.name),
            });
        }
        Ok(out)
    }

    /// The calibration session of a population: `manager:<id>` (the people below that manager)
    /// or `team:<id>`; a manager's own lines when they choose nothing. Audited as
    /// `calibration.session`.
    pub async fn session(
        &self,
        actor: &Actor,
        id: CycleId,
        group: Option<&str>,
    ) -> AppResult<SessionView> {
        let scope = self.scope_of(actor, id).await?;
        let (summary, published) = self.summary(id).await?;
        let store = self.app.store();
        let choices = self.session_choices(scope).await?;
        let group = group.map(str::trim).filter(|g| !g.is_empty());
        let parsed = match group {
            None => None,
            Some(g) => {
                let Some((kind, value)) = g
                    .split_once(':')
                    .and_then(|(k, v)| Some((k, v.parse::<i64>().ok()?)))
                    .filter(|(k, _)| matches!(*k, "manager" | "team"))
                else {
                    return Err(AppError::field(
                        "group",
                        "Choose a team or a manager's people for the session.",
                    ));
                };
                Some((kind, value))
            }
        };
        // A manager's choice stays within their lines.
        let (session_scope, team, chosen) = match (parsed, scope) {
            (None, CalibrationScope::Everyone) => {
                return Ok(SessionView {
                    summary,
                    chosen: None,
                    choices,
                    rows: Vec::new(),
                });
            }
            (None, CalibrationScope::Below(m)) => {
                (CalibrationScope::Below(m), None, format!("manager:{m}"))
            }
            (Some(("team", t)), s) => (s, Some(t), format!("team:{t}")),
            (Some((_, m)), CalibrationScope::Everyone) => {
                (CalibrationScope::Below(m), None, format!("manager:{m}"))
            }
            (Some((_, m)), CalibrationScope::Below(me)) => {
                if m != me {
                    let seen = access::seen(store, &actor.person, m).await?;
                    let below = seen.is_some_and(|s| {
                        Relation::of(&actor.person, &s.person, &s.managers) == Relation::Manager
                    });
                    if !below {
                        return Err(access::hide(
                            store,
                            &actor.audit(),
                            format!("person:{m}"),
                            "No such person.",
                        )
                        .await);
                    }
                }
                (CalibrationScope::Below(m), None, format!("manager:{m}"))
            }
        };
        let records = store.calibration_session(id, session_scope, team).await?;
        self.app.audit_read(
            actor.audit(),
            "calibration.session",
            format!("cycle:{id}"),
            json!({ "population": chosen, "people": records.assessments.len() }),
        );
        let chosen_label = match chosen.split_once(':') {
            Some(("team", t)) => choices
                .iter()
                .find(|c| c.value == chosen)
                .map_or_else(|| format!("Team {t}"), |c| c.label.clone()),
            _ => {
                let m: PersonId = chosen[8..].parse().unwrap_or_default();
                let name = records
                    .people
                    .iter()
                    .find(|p| p.id == m)
                    .map(|p| p.name.clone());
                let name = match name {
                    Some(n) => n,
                    None => store.person(m).await.map(|p| p.name).unwrap_or_default(),
                };
                format!("The people below {name}")
            }
        };
        let people: HashMap<PersonId, &Person> = records.people.iter().map(|p| (p.id, p)).collect();
        let latest: Vec<LatestRating> = records.ratings.iter().map(LatestRating::from).collect();
        let observed = observed_by_person(&latest, &records.evidence_counts);
        let moved = store.calibration_changes(id, session_scope).await?;
        let empty = ObservedSkills::default();
        let fw = &published.framework;
        let open = summary.cycle.status != CycleStatus::Closed;
        let mut rows: Vec<SessionRow> = records
            .assessments
            .iter()
            .map(|a| {
                let person = people.get(&a.person_id);
                let manager = person
                    .and_then(|p| p.manager_id)
                    .and_then(|m| people.get(&m))
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                let seen = observed.get(&a.person_id).unwrap_or(&empty);
                let ready = crate::growth::readiness_for(&published, &a.role_level, seen);
                let mut row = SessionRow {
                    person_id: a.person_id,
                    name: person.map(|p| p.name.clone()).unwrap_or_default(),
                    manager,
                    assessment_id: a.id,
                    role_title: a.role_level.clone(),
                    stage: stage_label(a.stage),
                    readiness: "Role level not in this version".into(),
                    ready: false,
                    above: 0,
                    at: 0,
                    below: 0,
                    evidence: 0,
                    moved: moved.iter().filter(|c| c.assessment_id == a.id).count(),
                    skills: Vec::new(),
                    movable: open && a.stage >= Stage::Compare,
                };
                let Some((profile, r)) = ready else {
                    return row;
                };
                row.role_title = profile.title.clone();
                row.ready = r.ready;
                row.readiness = if r.ready {
                    "Ready".into()
                } else if !r.assessed() {
                    "Not yet assessed".into()
                } else {
                    format!("Not ready ({:.0}%)", r.score * 100.0)
                };
                for req in &r.requirements {
                    let gap = crate::growth::team::gap(fw, req);
                    match gap {
                        Some(g) if g > 0 => row.above += 1,
                        Some(0) => row.at += 1,
                        Some(_) => row.below += 1,
                        None => {}
                    }
                    row.evidence += req.evidence_count;
                    let label = |l: &Option<String>| {
                        l.as_deref()
                            .map_or_else(String::new, |l| published.level_label(&req.skill, l))
                    };
                    let na = req.status == ReadinessStatus::NotApplicable;
                    row.skills.push(SessionSkill {
                        skill: req.skill.clone(),
                        name: req.skill_name.clone(),
                        required: req.required_label.clone(),
                        self_level: label(&req.self_level),
                        manager: label(&req.manager),
                        agreed: if na && req.agreed.is_none() {
                            "Not applicable".into()
                        } else {
                            label(&req.agreed)
                        },
                        gap,
                        evidence: req.evidence_count,
                    });
                }
                row
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.manager.to_lowercase(), a.name.to_lowercase(), a.person_id).cmp(&(
                b.manager.to_lowercase(),
                b.name.to_lowercase(),
                b.person_id,
            ))
        });
        Ok(SessionView {
            summary,
            chosen: Some(SessionChoice {
                value: chosen,
                label: chosen_label,
            }),
            choices,
            rows,
        })
    }
}
