//! Calibration of a review cycle: how its outcomes (the agreed rating of each skill, else the
//! manager's) sit against the levels the role levels require, per manager, team, track and skill;
//! each manager's leniency against the organisation (see [`stats`] for the rule); the outcomes
//! moved in calibration, with who moved them and why; the calibration session (the people of a
//! population side by side with their readiness, ratings and evidence counts); and moving an
//! outcome, with a reason.
//!
//! The people team and admins calibrate everyone; a manager calibrates the people in their
//! reporting lines (their own ratings are compared with the whole organisation's); members see
//! nothing. Every read is audited, and every change writes its rating, its record and its audit
//! event in one transaction.

mod session;
pub mod stats;

pub use session::{SessionChoice, SessionRow, SessionSkill, SessionView};

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{
    Assessment, AssessmentId, CalibrationChange, CalibrationScope, CycleId, CycleStatus, Dimension,
    LevelGap, NewCalibrationChange, Person, PersonId, RaterKind, Stage, StoreError,
};

use crate::access::{self, Actor, Relation, is_staff};
use crate::cycles::CycleSummary;
use crate::error::{AppError, AppResult};
use crate::frameworks::{Published, VersionRef};
use stats::{Comparison, Moments};

/// The longest reason for a calibration change, in characters.
pub const MAX_REASON: usize = 2000;

/// How the distribution groups gaps: two or more below, one below, at, one above, two or more
/// above the required level.
pub const BUCKETS: [&str; 5] = ["2+ below", "1 below", "At required", "1 above", "2+ above"];

fn bucket(gap: i64) -> usize {
    (gap.clamp(-2, 2) + 2) as usize
}

/// One group of outcomes (a manager, team, track or skill, or everyone).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    pub label: String,
    /// Outcomes in each of [`BUCKETS`].
    pub counts: [i64; 5],
    pub moments: Moments,
    /// The session of this group's people (`manager:<id>` or `team:<id>`), when it has one.
    pub session: Option<String>,
}

impl Group {
    fn new(key: String, label: String, session: Option<String>) -> Group {
        Group {
            key,
            label,
            counts: [0; 5],
            moments: Moments::default(),
            session,
        }
    }

    fn add(&mut self, gap: i64, count: i64) {
        self.counts[bucket(gap)] += count;
        self.moments.add(gap, count);
    }

    pub fn n(&self) -> i64 {
        self.moments.n
    }

    /// The mean gap, written with its sign ("+0.40", "-1.00"), or "–" without outcomes.
    pub fn mean_text(&self) -> String {
        self.moments
            .mean()
            .map_or_else(|| "–".to_owned(), |m| format!("{m:+.2}"))
    }
}

/// The outcomes grouped one way.
#[derive(Debug, Clone)]
pub struct Distribution {
    pub dimension: Dimension,
    pub title: &'static str,
    pub groups: Vec<Group>,
}

/// A manager's outcomes against the rest of the organisation.
#[derive(Debug, Clone)]
pub struct Leniency {
    pub manager_id: Option<PersonId>,
    pub name: String,
    pub group: Group,
    pub comparison: Comparison,
}

/// An outcome moved in calibration, as the moved list shows it.
#[derive(Debug, Clone)]
pub struct Moved {
    pub change: CalibrationChange,
    pub person: String,
    pub skill: String,
    pub before: String,
    pub after: String,
    /// "agreed outcome" or "manager's rating".
    pub outcome: &'static str,
    pub by: String,
    /// When, `YYYY-MM-DD HH:MM` UTC.
    pub at: String,
}

/// The calibration page of a cycle.
#[derive(Debug, Clone)]
pub struct CalibrationView {
    pub summary: CycleSummary,
    /// Whether the caller sees everyone (the people team) or their reporting lines.
    pub everyone: bool,
    /// Every outcome in view.
    pub overall: Group,
    /// Every outcome of the organisation: what leniency is measured against.
    pub organisation: Moments,
    pub distributions: Vec<Distribution>,
    pub leniency: Vec<Leniency>,
    pub moved: Vec<Moved>,
}

/// One requirement on the move form.
#[derive(Debug, Clone)]
pub struct MoveSkill {
    pub skill: String,
    pub name: String,
    pub required: String,
    pub outcome: String,
    pub outcome_level: Option<String>,
    pub gap: Option<i64>,
    pub options: Vec<(String, String)>,
}

/// The form that moves an outcome of one person's assessment in a cycle.
#[derive(Debug, Clone)]
pub struct MoveForm {
    pub summary: CycleSummary,
    pub assessment: Assessment,
    pub person: Person,
    pub role_title: String,
    /// "agreed outcome" or "manager's rating": what a move changes.
    pub outcome: &'static str,
    pub skills: Vec<MoveSkill>,
    /// This person's moves in the cycle, newest first.
    pub moved: Vec<Moved>,
    /// Why nothing can be moved now, when that is so.
    pub closed_because: Option<String>,
}

/// A move as typed on the form.
#[derive(Debug, Clone, Default)]
pub struct MoveInput {
    pub skill: String,
    pub level: String,
    pub reason: String,
}

use_case_area!(Calibration, calibration);

/// The gap of every level of every required skill of every role level of a framework version.
pub fn level_gaps(published: &Published) -> Vec<LevelGap> {
    let fw = &published.framework;
    let mut out = Vec::new();
    for track in &fw.tracks {
        for level in &track.levels {
            let id = format!("{}/{}", track.id, level.id);
            let Some(profile) = published.profile(&id) else {
                continue;
            };
            for req in &profile.requirements {
                let Some(scale) = fw.skill(&req.skill).and_then(|s| fw.scale(&s.scale)) else {
                    continue;
                };
                for (rank, l) in scale.levels.iter().enumerate() {
                    out.push(LevelGap {
                        role_level: id.clone(),
                        skill: req.skill.clone(),
                        level: l.id.to_string(),
                        gap: rank as i64 - req.rank as i64,
                        track: track.id.clone(),
                    });
                }
            }
        }
    }
    out
}

fn at_text(ms: i64) -> String {
    let day = crate::time::date(ms);
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    format!("{day} {:02}:{:02}", minutes / 60, minutes % 60)
}

fn outcome_kind(kind: RaterKind) -> &'static str {
    match kind {
        RaterKind::Agreed => "agreed outcome",
        _ => "manager's rating",
    }
}

fn dimension_title(d: Dimension) -> &'static str {
    match d {
        Dimension::Manager => "By manager",
        Dimension::Team => "By team",
        Dimension::Track => "By track",
        Dimension::Skill => "By skill",
    }
}

impl Calibration<'_> {
    /// Whose outcomes the actor calibrates in a cycle: everyone for the people team and admins,
    /// their reporting lines for a manager; members are refused (audited).
    async fn scope_of(&self, actor: &Actor, id: CycleId) -> AppResult<CalibrationScope> {
        if is_staff(actor.role()) {
            return Ok(CalibrationScope::Everyone);
        }
        if self.app.store().has_reports(actor.id()).await? {
            return Ok(CalibrationScope::Below(actor.id()));
        }
        Err(access::deny(
            self.app.store(),
            &actor.audit(),
            format!("cycle:{id}"),
            "Calibration is for the people team and for managers, of the people they manage.",
        )
        .await)
    }

    async fn summary(&self, id: CycleId) -> AppResult<(CycleSummary, std::sync::Arc<Published>)> {
        let store = self.app.store();
        let cycle = store.cycle(id).await?;
        let published = self
            .app
            .framework(VersionRef::Id(cycle.framework_version_id))
            .await?;
        let teams = store.teams().await?;
        let summary = self.app.cycles().summary(cycle, &teams).await?;
        Ok((summary, published))
    }

    /// Names of people by id, one read for them all.
    async fn names(&self, ids: Vec<PersonId>) -> AppResult<HashMap<PersonId, String>> {
        crate::growth::names(self.app.store(), ids).await
    }

    async fn moved_rows(
        &self,
        published: &Published,
        changes: Vec<CalibrationChange>,
    ) -> AppResult<Vec<Moved>> {
        let mut ids: Vec<PersonId> = changes
            .iter()
            .flat_map(|c| [c.person_id, c.changed_by])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let names = self.names(ids).await?;
        let fw = &published.framework;
        Ok(changes
            .into_iter()
            .map(|c| {
                let name = |id: PersonId| names.get(&id).cloned().unwrap_or_default();
                let skill = fw
                    .skill(&c.skill)
                    .map_or_else(|| c.skill.clone(), |s| s.name.clone());
                Moved {
                    person: name(c.person_id),
                    by: name(c.changed_by),
                    skill,
                    before: c.before_level.as_deref().map_or_else(
                        || "not rated".to_owned(),
                        |l| published.level_label(&c.skill, l),
                    ),
                    after: published.level_label(&c.skill, &c.after_level),
                    outcome: outcome_kind(c.rater_kind),
                    at: at_text(c.changed_at),
                    change: c,
                }
            })
            .collect())
    }

    /// The calibration page of a cycle: distributions, leniency and the moved list. Audited as
    /// `calibration.read`.
    pub async fn overview(&self, actor: &Actor, id: CycleId) -> AppResult<CalibrationView> {
        let scope = self.scope_of(actor, id).await?;
        let (summary, published) = self.summary(id).await?;
        let store = self.app.store();
        let gaps = level_gaps(&published);
        let counts = store.calibration_counts(id, scope, &gaps).await?;
        // Leniency is against the whole organisation's outcomes, whoever looks.
        let organisation_totals = match scope {
            CalibrationScope::Everyone => None,
            CalibrationScope::Below(_) => Some(store.calibration_totals(id, &gaps).await?),
        };
        let moved = store.calibration_changes(id, scope).await?;
        self.app.audit_read(
            actor.audit(),
            "calibration.read",
            format!("cycle:{id}"),
            json!({
                "scope": match scope {
                    CalibrationScope::Everyone => "everyone".to_owned(),
                    CalibrationScope::Below(m) => format!("below:{m}"),
                },
                "changes": moved.len(),
            }),
        );
        let fw = &published.framework;
        let mut groups: BTreeMap<(Dimension, Option<String>), Group> = BTreeMap::new();
        let mut overall = Group::new("all".into(), "Everyone in view".into(), None);
        for c in &counts {
            let label = match c.dimension {
                Dimension::Manager => c.name.clone().unwrap_or_else(|| "No manager".into()),
                Dimension::Team => c.name.clone().unwrap_or_else(|| "No team".into()),
                Dimension::Track => c
                    .key
                    .as_deref()
                    .and_then(|t| fw.track(t))
                    .map_or_else(|| c.key.clone().unwrap_or_default(), |t| t.name.clone()),
                Dimension::Skill => c
                    .key
                    .as_deref()
                    .and_then(|s| fw.skill(s))
                    .map_or_else(|| c.key.clone().unwrap_or_default(), |s| s.name.clone()),
            };
            let session = match (c.dimension, &c.key) {
                (Dimension::Manager, Some(k)) => Some(format!("manager:{k}")),
                (Dimension::Team, Some(k)) => Some(format!("team:{k}")),
                _ => None,
            };
            let key = c.key.clone().unwrap_or_default();
            groups
                .entry((c.dimension, c.key.clone()))
                .or_insert_with(|| Group::new(key, label, session))
                .add(c.gap, c.count);
            // Every outcome is counted once per dimension: the skills give the total.
            if c.dimension == Dimension::Skill {
                overall.add(c.gap, c.count);
            }
        }
        let organisation = match &organisation_totals {
            None => overall.moments,
            Some(all) => {
                let mut m = Moments::default();
                for (gap, count) in all {
                    m.add(*gap, *count);
                }
                m
            }
        };
        let mut distributions: Vec<Distribution> = Dimension::ALL
            .iter()
            .map(|d| Distribution {
                dimension: *d,
                title: dimension_title(*d),
                groups: Vec::new(),
            })
            .collect();
        for ((d, _), g) in groups {
            if let Some(dist) = distributions.iter_mut().find(|x| x.dimension == d) {
                dist.groups.push(g);
            }
        }
        for dist in &mut distributions {
            dist.groups.sort_by_cached_key(|g| g.label.to_lowercase());
        }
        let mut leniency: Vec<Leniency> = distributions
            .iter()
            .find(|d| d.dimension == Dimension::Manager)
            .map(|d| {
                d.groups
                    .iter()
                    .map(|g| Leniency {
                        manager_id: g.key.parse().ok(),
                        name: g.label.clone(),
                        comparison: stats::compare(g.moments, organisation),
                        group: g.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Flagged first, the largest difference first.
        leniency.sort_by(|a, b| {
            b.comparison
                .verdict
                .flagged()
                .cmp(&a.comparison.verdict.flagged())
                .then(
                    b.comparison
                        .difference
                        .abs()
                        .total_cmp(&a.comparison.difference.abs()),
                )
                .then(a.name.cmp(&b.name))
        });
        let moved = self.moved_rows(&published, moved).await?;
        Ok(CalibrationView {
            summary,
            everyone: scope == CalibrationScope::Everyone,
            overall,
            organisation,
            distributions,
            leniency,
            moved,
        })
    }

    /// The person of a cycle's assessment, if the actor may calibrate them: the people team and
    /// admins, and managers in their reporting line; the person themselves is refused, anyone
    /// else answered as if there were no such assessment.
    async fn calibrated(
        &self,
        actor: &Actor,
        id: CycleId,
        assessment: AssessmentId,
    ) -> AppResult<(Assessment, Person)> {
        let store = self.app.store();
        let not_found = "No such assessment in this cycle.";
        let a = match store.assessment(assessment).await {
            Ok(a) => a,
            Err(StoreError::NotFound(_)) => return Err(AppError::not_found(not_found)),
            Err(e) => return Err(e.into()),
        };
        let target = format!("assessment:{assessment}");
        let Some(seen) = access::seen(store, &actor.person, a.person_id).await? else {
            return Err(AppError::not_found(not_found));
        };
        match Relation::of(&actor.person, &seen.person, &seen.managers) {
            Relation::Manager | Relation::Staff => {}
            Relation::Myself => {
                return Err(access::deny(
                    store,
                    &actor.audit(),
                    target,
                    "Your own outcomes are calibrated by your manager and the people team.",
                )
                .await);
            }
            Relation::Unrelated => {
                return Err(access::hide(store, &actor.audit(), target, not_found).await);
            }
        }
        let in_cycle = store.cycle_of_assessment(a.id).await?;
        if in_cycle.map(|c| c.id) != Some(id) {
            return Err(AppError::not_found(not_found));
        }
        Ok((a, seen.person))
    }

    /// The move form of one person's assessment in a cycle. Audited as `calibration.read`.
    pub async fn move_form(
        &self,
        actor: &Actor,
        id: CycleId,
        assessment: AssessmentId,
    ) -> AppResult<MoveForm> {
        let (a, person) = self.calibrated(actor, id, assessment).await?;
        let (summary, published) = self.summary(id).await?;
        let store = self.app.store();
        let ratings = store.ratings(a.id).await?;
        self.app.audit_read(
            actor.audit(),
            "calibration.read",
            format!("assessment:{}", a.id),
            json!({ "cycle": id }),
        );
        let outcome_of = |skill: &str| {
            let newest = |kind: RaterKind| {
                ratings
                    .iter()
                    .filter(|r| r.skill == skill && r.rater_kind == kind)
                    .max_by_key(|r| (r.at, r.id))
            };
            newest(RaterKind::Agreed).or_else(|| newest(RaterKind::Manager))
        };
        let fw = &published.framework;
        let profile = published.profile(&a.role_level);
        let skills = profile
            .as_ref()
            .map(|p| {
                p.requirements
                    .iter()
                    .map(|req| {
                        let outcome = outcome_of(&req.skill);
                        let level = outcome.and_then(|r| r.level.clone());
                        let gap = level.as_deref().and_then(|l| {
                            let (have, _) = crate::growth::rank_of(fw, &req.skill, l)?;
                            Some(have as i64 - req.rank as i64)
                        });
                        MoveSkill {
                            skill: req.skill.clone(),
                            name: req.skill_name.clone(),
                            required: published.level_label(&req.skill, req.level.as_str()),
                            outcome: match outcome {
                                Some(r) => crate::growth::rating_text_by(r, |s, l| {
                                    published.level_label_ref(s, l)
                                })
                                .into_owned(),
                                None => "Not rated".into(),
                            },
                            outcome_level: level,
                            gap,
                            options: crate::growth::scale_options(fw, &req.skill),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let closed_because = if summary.cycle.status == CycleStatus::Closed {
            Some("The cycle is closed: its outcomes were shared and are no longer moved.".into())
        } else if a.stage < Stage::Compare {
            Some("The manager's ratings are not in yet: there is no outcome to move.".into())
        } else {
            None
        };
        let changes = store
            .calibration_changes(id, CalibrationScope::Everyone)
            .await?
            .into_iter()
            .filter(|c| c.assessment_id == a.id)
            .collect();
        let moved = self.moved_rows(&published, changes).await?;
        Ok(MoveForm {
            summary,
            role_title: profile.map_or_else(|| a.role_level.clone(), |p| p.title.clone()),
            outcome: if a.stage == Stage::Agreed {
                "agreed outcome"
            } else {
                "manager's rating"
            },
            assessment: a,
            person,
            skills,
            moved,
            closed_because,
        })
    }

    /// Moves one outcome of a person's assessment in a cycle, with a reason (required).
    pub async fn move_outcome(
        &self,
        actor: &Actor,
        id: CycleId,
        assessment: AssessmentId,
        input: MoveInput,
    ) -> AppResult<CalibrationChange> {
        let (a, _) = self.calibrated(actor, id, assessment).await?;
        let (summary, published) = self.summary(id).await?;
        if summary.cycle.status == CycleStatus::Closed {
            return Err(AppError::conflict(
                "The cycle is closed: its outcomes were shared and are no longer moved.",
            ));
        }
        let mut problems: Vec<(String, String)> = Vec::new();
        let skill = input.skill.trim().to_owned();
        let requirement = published
            .profile(&a.role_level)
            .and_then(|p| p.requirements.iter().find(|r| r.skill == skill).cloned());
        if requirement.is_none() {
            problems.push((
                "skill".into(),
                "Choose one of the skills the role level requires.".into(),
            ));
        }
        let level = input.level.trim().to_owned();
        let known = crate::growth::scale_options(&published.framework, &skill)
            .iter()
            .any(|(id, _)| *id == level);
        if requirement.is_some() && !known {
            problems.push((
                "level".into(),
                "Choose a level of the skill's scale to move the outcome to.".into(),
            ));
        }
        let reason = crate::input::typed_text("reason", &input.reason, "reason", MAX_REASON, true)
            .unwrap_or_else(|p| {
                problems.push((
                    p.0,
                    if input.reason.trim().is_empty() {
                        "Say why the outcome moves: a reason is required.".into()
                    } else {
                        p.1
                    },
                ));
                String::new()
            });
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        let change = NewCalibrationChange {
            assessment_id: a.id,
            skill,
            level,
            reason,
        };
        match self
            .app
            .store()
            .record_calibration_change(id, change, &actor.audit())
            .await
        {
            Err(StoreError::Conflict(m)) => Err(AppError::Conflict {
                message: format!("{m}: choose another level, or leave it."),
                field: Some("level".into()),
            }),
            other => Ok(other?),
        }
    }

    /// The cycles a caller may calibrate (launched ones), the newest first; members are refused.
    pub async fn cycles(&self, actor: &Actor) -> AppResult<Vec<CycleSummary>> {
        self.scope_of(actor, 0).await?;
        let store = self.app.store();
        let teams = store.teams().await?;
        let mut out = Vec::new();
        for c in store.cycles().await? {
            if c.status != CycleStatus::Draft {
                out.push(self.app.cycles().summary(c, &teams).await?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_fall_into_five_buckets() {
        assert_eq!([-4, -2, -1, 0, 1, 2, 3].map(bucket), [0, 0, 1, 2, 3, 4, 4]);
        let mut g = Group::new("k".into(), "K".into(), None);
        g.add(3, 2);
        g.add(-1, 2);
        assert_eq!(g.counts, [0, 2, 0, 0, 2]);
        assert_eq!(g.mean_text(), "+1.00", "the mean keeps the exact gaps");
    }
}
