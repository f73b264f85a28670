//! Review cycles: the people team opens a cycle for a population (a team, a track or one role
//! level) on the current framework version with a deadline per stage (self → peer → manager →
//! calibration → agreed), launches it (an assessment for each person against their role level,
//! each person told), watches its progress per stage and team with the overdue list and one-click
//! reminders, and closes it, its results shared with each person on a chosen day.
//!
//! A cycle's assessments are ordinary assessments: the people in them rate, ask for input and
//! agree as always; the cycle adds the deadline of each stage. Only the people team and admins
//! see and change cycles; every refusal and every read of a cycle's progress is audited.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{
    Assessment, CycleDeadlines, CycleId, CycleLaunch, CycleStatus, NewCycle, NewNotification,
    Person, PersonId, PopulationKind, ReviewCycle, Stage, Team,
};

use crate::App;
use crate::access::{self, Actor, is_staff};
use crate::error::{AppError, AppResult};
use crate::frameworks::{Published, VersionRef};
use crate::time::{date, day_ms, parse_date, today};

/// The longest cycle name, in characters.
pub const MAX_NAME: usize = 100;

/// A cycle as asked for on the form: every value as typed.
#[derive(Debug, Clone, Default)]
pub struct CycleInput {
    pub name: String,
    /// `team:<id>`, `track:<id>` or `role_level:<track>/<level>`.
    pub population: String,
    pub self_due: String,
    pub peer_due: String,
    pub manager_due: String,
    pub calibration_due: String,
    pub agreed_due: String,
}

/// A population the form offers: its value and how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationChoice {
    pub value: String,
    pub label: String,
}

/// A cycle with how its population reads.
#[derive(Debug, Clone)]
pub struct CycleSummary {
    pub cycle: ReviewCycle,
    pub population: String,
}

/// One stage of a cycle: its deadline, and how many are done, waiting and overdue at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageProgress {
    pub stage: &'static str,
    pub due: String,
    pub done: usize,
    pub waiting: usize,
    pub overdue: usize,
}

/// Where the people of one team are in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamProgress {
    pub team: String,
    pub people: usize,
    pub at_self: usize,
    pub at_manager: usize,
    pub at_agreement: usize,
    pub agreed: usize,
    pub overdue: usize,
}

/// Something of a cycle past its stage's deadline, and who it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueItem {
    /// `a<assessment id>` or `p<peer request id>`: what a reminder names.
    pub key: String,
    pub assessment_id: i64,
    pub person_id: PersonId,
    pub person: String,
    pub team: String,
    pub stage: &'static str,
    pub waiting_on: Option<PersonId>,
    pub waiting_on_name: String,
    pub due: String,
    pub days_late: i64,
}

/// A cycle's progress on a day.
#[derive(Debug, Clone)]
pub struct CycleProgress {
    pub summary: CycleSummary,
    pub today: String,
    pub people: usize,
    pub stages: Vec<StageProgress>,
    pub teams: Vec<TeamProgress>,
    pub overdue: Vec<OverdueItem>,
}

/// What a launch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launched {
    pub assessments: usize,
    /// People of the population left out because they have an open assessment against their
    /// role level already.
    pub already_open: Vec<String>,
    /// People of a team without a role level of the cycle's framework version.
    pub without_role_level: usize,
}

use_case_area!(Cycles, cycles);

/// The deadline of the stage an assessment of the cycle is at (the agreement's once agreed).
pub fn stage_due(d: &CycleDeadlines, stage: Stage) -> &str {
    match stage {
        Stage::SelfRating => &d.self_due,
        Stage::Manager => &d.manager_due,
        Stage::Compare | Stage::Agreed => &d.agreed_due,
    }
}

/// What the stage an assessment is at is called in a cycle.
fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::SelfRating => "self-assessment",
        Stage::Manager => "manager's ratings",
        Stage::Compare => "agreement",
        Stage::Agreed => "agreed",
    }
}

fn days_between(from: &str, to: &str) -> i64 {
    match (parse_date(from), parse_date(to)) {
        (Some(a), Some(b)) => (b - a) / day_ms(),
        _ => 0,
    }
}

/// How a population reads, on the framework given.
fn population_label(
    kind: PopulationKind,
    value: &str,
    fw: Option<&Published>,
    teams: &[Team],
) -> String {
    match kind {
        PopulationKind::Team => {
            let name = value
                .parse::<i64>()
                .ok()
                .and_then(|id| teams.iter().find(|t| t.id == id))
                .map_or_else(|| value.to_owned(), |t| t.name.clone());
            format!("Team {name}")
        }
        PopulationKind::Track => {
            let name = fw
                .and_then(|p| p.framework.track(value))
                .map_or_else(|| value.to_owned(), |t| t.name.clone());
            format!("Track {name}")
        }
        PopulationKind::RoleLevel => {
            let title = fw
                .and_then(|p| p.framework.role_level(value))
                .map_or_else(|| value.to_owned(), |(_, _, l)| l.title.clone());
            format!("Role level {title}")
        }
    }
}

/// Whether a person belongs to a cycle's population.
fn in_population(kind: PopulationKind, value: &str, p: &Person) -> bool {
    match kind {
        PopulationKind::Team => p.team_id.map(|t| t.to_string()).as_deref() == Some(value),
        PopulationKind::Track => p
            .role_level
            .as_deref()
            .and_then(|rl| rl.split_once('/'))
            .is_some_and(|(track, _)| track == value),
        PopulationKind::RoleLevel => p.role_level.as_deref() == Some(value),
    }
}

impl Cycles<'_> {
    async fn require_staff(&self, actor: &Actor, target: String) -> AppResult<()> {
        if is_staff(actor.role()) {
            return Ok(());
        }
        Err(access::deny(
            self.app.store(),
            &actor.audit(),
            target,
            "Review cycles are run by the people team.",
        )
        .await)
    }

    async fn cycle_of(&self, actor: &Actor, id: CycleId) -> AppResult<ReviewCycle> {
        self.require_staff(actor, format!("cycle:{id}")).await?;
        Ok(self.app.store().cycle(id).await?)
    }

    pub(crate) async fn summary(
        &self,
        cycle: ReviewCycle,
        teams: &[Team],
    ) -> AppResult<CycleSummary> {
        let fw = self
            .app
            .framework(VersionRef::Id(cycle.framework_version_id))
            .await
            .ok();
        let population = population_label(
            cycle.population_kind,
            &cycle.population,
            fw.as_deref(),
            teams,
        );
        Ok(CycleSummary { cycle, population })
    }

    /// Every cycle, the newest first.
    pub async fn list(&self, actor: &Actor) -> AppResult<Vec<CycleSummary>> {
        self.require_staff(actor, "cycles".into()).await?;
        let store = self.app.store();
        let teams = store.teams().await?;
        let mut out = Vec::new();
        for c in store.cycles().await? {
            out.push(self.summary(c, &teams).await?);
        }
        Ok(out)
    }

    /// The populations a new cycle may be for: teams, tracks and role levels of the current
    /// framework.
    pub async fn populations(&self, actor: &Actor) -> AppResult<Vec<PopulationChoice>> {
        self.require_staff(actor, "cycles".into()).await?;
        let mut out: Vec<PopulationChoice> = self
            .app
            .store()
            .teams()
            .await?
            .into_iter()
            .map(|t| PopulationChoice {
                value: format!("team:{}", t.id),
                label: format!("Team {}", t.name),
            })
            .collect();
        if let Some(p) = self.app.current_framework().await? {
            for t in &p.framework.tracks {
                out.push(PopulationChoice {
                    value: format!("track:{}", t.id),
                    label: format!("Track {}", t.name),
                });
                for l in &t.levels {
                    out.push(PopulationChoice {
                        value: format!("role_level:{}/{}", t.id, l.id),
                        label: format!("Role level {} ({})", l.title, t.name),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Opens a cycle as a draft on the current framework version.
    pub async fn open(&self, actor: &Actor, input: CycleInput) -> AppResult<ReviewCycle> {
        self.require_staff(actor, "cycles".into()).await?;
        let mut problems: Vec<(String, String)> = Vec::new();
        let name = crate::input::typed_text("name", &input.name, "cycle name", MAX_NAME, true)
            .unwrap_or_else(|p| {
                problems.push(p);
                String::new()
            });
        let Some(published) = self.app.current_framework().await? else {
            return Err(AppError::conflict(
                "No framework is published yet: publish one before opening a cycle.",
            ));
        };
        let choices = self.populations(actor).await?;
        let population = input.population.trim();
        let chosen = choices.iter().find(|c| c.value == population);
        let parsed = population
            .split_once(':')
            .and_then(|(k, v)| Some((PopulationKind::parse(k)?, v.to_owned())));
        let population = match (chosen, parsed) {
            (Some(_), Some(p)) => Some(p),
            _ => {
                problems.push((
                    "population".into(),
                    "Choose the team, track or role level the cycle is for.".into(),
                ));
                None
            }
        };
        let mut days = Vec::new();
        for (field, value, what) in [
            ("self_due", &input.self_due, "self-assessments"),
            ("peer_due", &input.peer_due, "peer input"),
            ("manager_due", &input.manager_due, "managers' ratings"),
            ("calibration_due", &input.calibration_due, "calibration"),
            ("agreed_due", &input.agreed_due, "agreement"),
        ] {
            match parse_date(value.trim()) {
                Some(d) => days.push((field, date(d))),
                None => problems.push((
                    field.into(),
                    format!("Enter the deadline for {what} as YYYY-MM-DD, for example 2027-03-31."),
                )),
            }
        }
        // Order is checked once every deadline is a date.
        if days.len() == 5
            && let Some(w) = days.windows(2).find(|w| w[1].1 < w[0].1)
        {
            problems.push((
                w[1].0.into(),
                format!(
                    "This deadline is before the one of the stage before it ({}): stages \
                     follow each other.",
                    w[0].1
                ),
            ));
        }
        let (Some((population_kind, population)), true) = (population, problems.is_empty()) else {
            return Err(AppError::fields(problems));
        };
        let day = |i: usize| days[i].1.clone();
        let new = NewCycle {
            name,
            framework_version_id: published.summary.id,
            population_kind,
            population,
            deadlines: CycleDeadlines {
                self_due: day(0),
                peer_due: day(1),
                manager_due: day(2),
                calibration_due: day(3),
                agreed_due: day(4),
            },
        };
        match self.app.store().create_cycle(new, &actor.audit()).await {
            Err(trellis_store::StoreError::Conflict(m)) => Err(AppError::Conflict {
                message: format!("{m}: choose another name."),
                field: Some("name".into()),
            }),
            other => Ok(other?),
        }
    }

    /// Launches a draft: an assessment of each active person of the population against their
    /// role level (those with one open against it already are left out and named), each person
    /// told what is due by when.
    pub async fn launch(&self, actor: &Actor, id: CycleId) -> AppResult<Launched> {
        let cycle = self.cycle_of(actor, id).await?;
        if cycle.status != CycleStatus::Draft {
            return Err(AppError::conflict("This cycle has been launched already."));
        }
        let store = self.app.store();
        let published = self
            .app
            .framework(VersionRef::Id(cycle.framework_version_id))
            .await?;
        let people: Vec<Person> = store
            .people()
            .await?
            .into_iter()
            .filter(|p| p.active && in_population(cycle.population_kind, &cycle.population, p))
            .collect();
        let ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
        let open: Vec<Assessment> = store.open_assessments(&ids).await?;
        let mut launched = Launched {
            assessments: 0,
            already_open: Vec::new(),
            without_role_level: 0,
        };
        let mut launch = Vec::new();
        for p in &people {
            let Some((rl, profile)) = p
                .role_level
                .as_deref()
                .and_then(|rl| Some((rl, published.profile(rl)?)))
            else {
                launched.without_role_level += 1;
                continue;
            };
            if open
                .iter()
                .any(|a| a.person_id == p.id && a.role_level == rl)
            {
                launched.already_open.push(p.name.clone());
                continue;
            }
            launch.push(CycleLaunch {
                person_id: p.id,
                role_level: rl.to_owned(),
                notices: vec![NewNotification {
                    person_id: p.id,
                    kind: "cycle.launched".into(),
                    subject: format!(
                        "The review cycle {} has started: your self-assessment against {} is due \
                         by {}",
                        cycle.name, profile.title, cycle.deadlines.self_due
                    ),
                    link: "/assessments/{id}".into(),
                }],
            });
        }
        let made = store.launch_cycle(id, launch, &actor.audit()).await?;
        launched.assessments = made.len();
        Ok(launched)
    }

    /// A cycle's progress today; the read is audited.
    pub async fn progress(&self, actor: &Actor, id: CycleId) -> AppResult<CycleProgress> {
        self.progress_on(actor, id, &today()).await
    }

    /// A cycle's progress as of `today` (`YYYY-MM-DD`).
    pub async fn progress_on(
        &self,
        actor: &Actor,
        id: CycleId,
        today: &str,
    ) -> AppResult<CycleProgress> {
        self.require_staff(actor, format!("cycle:{id}")).await?;
        let records = self.app.store().cycle_records(id).await?;
        self.app.audit_read(
            actor.audit(),
            "cycle.read",
            format!("cycle:{id}"),
            json!({ "assessments": records.assessments.len() }),
        );
        let people: HashMap<PersonId, &Person> = records.people.iter().map(|p| (p.id, p)).collect();
        let team_names: HashMap<i64, &str> = records
            .teams
            .iter()
            .map(|t| (t.id, t.name.as_str()))
            .collect();
        let name_of = |id: PersonId| people.get(&id).map_or_else(String::new, |p| p.name.clone());
        let team_of = |id: PersonId| {
            people
                .get(&id)
                .and_then(|p| p.team_id)
                .and_then(|t| team_names.get(&t).copied())
                .unwrap_or("No team")
                .to_owned()
        };
        let d = &records.cycle.deadlines;
        let late = |due: &str| today > due;
        let mut overdue = Vec::new();
        let mut teams: BTreeMap<String, TeamProgress> = BTreeMap::new();
        let count = |stage: Stage| {
            records
                .assessments
                .iter()
                .filter(|a| a.stage == stage)
                .count()
        };
        let (at_self, at_manager, at_compare, agreed) = (
            count(Stage::SelfRating),
            count(Stage::Manager),
            count(Stage::Compare),
            count(Stage::Agreed),
        );
        for a in &records.assessments {
            let team = team_of(a.person_id);
            let t = teams.entry(team.clone()).or_insert_with(|| TeamProgress {
                team: team.clone(),
                ..TeamProgress::default()
            });
            t.people += 1;
            match a.stage {
                Stage::SelfRating => t.at_self += 1,
                Stage::Manager => t.at_manager += 1,
                Stage::Compare => t.at_agreement += 1,
                Stage::Agreed => t.agreed += 1,
            }
            let due = stage_due(d, a.stage);
            if a.stage == Stage::Agreed || !late(due) {
                continue;
            }
            t.overdue += 1;
            let waiting_on = match a.stage {
                Stage::SelfRating => Some(a.person_id),
                _ => people.get(&a.person_id).and_then(|p| p.manager_id),
            };
            overdue.push(OverdueItem {
                key: format!("a{}", a.id),
                assessment_id: a.id,
                person_id: a.person_id,
                person: name_of(a.person_id),
                team,
                stage: stage_name(a.stage),
                waiting_on,
                waiting_on_name: waiting_on.map(name_of).unwrap_or_default(),
                due: due.to_owned(),
                days_late: days_between(due, today),
            });
        }
        let open_assessments: HashMap<i64, &Assessment> = records
            .assessments
            .iter()
            .filter(|a| a.stage != Stage::Agreed)
            .map(|a| (a.id, a))
            .collect();
        let peers_done = records
            .peer_requests
            .iter()
            .filter(|r| r.submitted_at.is_some())
            .count();
        let peers_waiting = records.peer_requests.len() - peers_done;
        let mut peers_overdue = 0;
        for r in &records.peer_requests {
            let Some(a) = open_assessments.get(&r.assessment_id) else {
                continue;
            };
            if r.submitted_at.is_some() || !late(&d.peer_due) {
                continue;
            }
            peers_overdue += 1;
            overdue.push(OverdueItem {
                key: format!("p{}", r.id),
                assessment_id: a.id,
                person_id: a.person_id,
                person: name_of(a.person_id),
                team: team_of(a.person_id),
                stage: "peer input",
                waiting_on: Some(r.peer_id),
                waiting_on_name: name_of(r.peer_id),
                due: d.peer_due.clone(),
                days_late: days_between(&d.peer_due, today),
            });
        }
        overdue.sort_by(|a, b| {
            (b.days_late, &a.person, &a.key).cmp(&(a.days_late, &b.person, &b.key))
        });
        let total = records.assessments.len();
        let stage = |stage, due: &str, done, waiting, overdue| StageProgress {
            stage,
            due: due.to_owned(),
            done,
            waiting,
            overdue,
        };
        let overdue_at = |s: Stage| {
            let due = stage_due(d, s);
            if late(due) {
                records.assessments.iter().filter(|a| a.stage == s).count()
            } else {
                0
            }
        };
        let stages = vec![
            stage(
                "Self-assessment",
                &d.self_due,
                total - at_self,
                at_self,
                overdue_at(Stage::SelfRating),
            ),
            stage(
                "Peer input",
                &d.peer_due,
                peers_done,
                peers_waiting,
                peers_overdue,
            ),
            stage(
                "Manager's ratings",
                &d.manager_due,
                at_compare + agreed,
                at_self + at_manager,
                overdue_at(Stage::Manager),
            ),
            // Calibration is the people team's session: outcomes waiting to be agreed are its
            // material; nothing is overdue for one person.
            stage("Calibration", &d.calibration_due, agreed, at_compare, 0),
            stage(
                "Agreement",
                &d.agreed_due,
                agreed,
                total - agreed,
                overdue_at(Stage::Compare),
            ),
        ];
        let summary = self.summary(records.cycle.clone(), &records.teams).await?;
        Ok(CycleProgress {
            summary,
            today: today.to_owned(),
            people: total,
            stages,
            teams: teams.into_values().collect(),
            overdue,
        })
    }

    /// Reminds whoever an overdue item waits for: the one named by `key` (see
    /// [`OverdueItem::key`]), or every overdue item with `None`. Returns how many were told.
    pub async fn remind(&self, actor: &Actor, id: CycleId, key: Option<&str>) -> AppResult<usize> {
        self.remind_on(actor, id, key, &today()).await
    }

    pub async fn remind_on(
        &self,
        actor: &Actor,
        id: CycleId,
        key: Option<&str>,
        today: &str,
    ) -> AppResult<usize> {
        let progress = self.progress_on(actor, id, today).await?;
        let cycle = &progress.summary.cycle;
        if cycle.status != CycleStatus::Open {
            return Err(AppError::conflict(
                "Only an open cycle's people are reminded.",
            ));
        }
        let items: Vec<&OverdueItem> = match key {
            Some(k) => {
                let found: Vec<_> = progress.overdue.iter().filter(|i| i.key == k).collect();
                if found.is_empty() {
                    return Err(AppError::Conflict {
                        message: "That is not overdue (any more): nothing to remind of.".into(),
                        field: Some("overdue".into()),
                    });
                }
                found
            }
            None => progress.overdue.iter().collect(),
        };
        let notices: Vec<NewNotification> = items
            .iter()
            .filter_map(|i| {
                let to = i.waiting_on?;
                let whose = if to == i.person_id {
                    "your".to_owned()
                } else {
                    format!("{}'s", i.person)
                };
                let link = match i.key.strip_prefix('p') {
                    Some(request) => format!("/peer-requests/{request}"),
                    None => format!("/assessments/{}", i.assessment_id),
                };
                Some(NewNotification {
                    person_id: to,
                    kind: "cycle.reminder".into(),
                    subject: format!(
                        "Reminder from the review cycle {}: {whose} {} was due on {}",
                        cycle.name, i.stage, i.due
                    ),
                    link,
                })
            })
            .collect();
        let told = notices.len();
        self.app
            .store()
            .remind_cycle(id, notices, &actor.audit())
            .await?;
        Ok(told)
    }

    /// Closes an open cycle; its results are shared with each person on `shares_on` (today's
    /// or an earlier day shares them now).
    pub async fn close(
        &self,
        actor: &Actor,
        id: CycleId,
        shares_on: &str,
    ) -> AppResult<ReviewCycle> {
        let cycle = self.cycle_of(actor, id).await?;
        if cycle.status != CycleStatus::Open {
            return Err(AppError::conflict("Only an open cycle can be closed."));
        }
        let Some(day) = parse_date(shares_on.trim()).map(date) else {
            return Err(AppError::field(
                "shares_on",
                "Enter the day results are shared as YYYY-MM-DD, for example 2027-03-31.",
            ));
        };
        let closed = self
            .app
            .store()
            .close_cycle(id, day.clone(), &actor.audit())
            .await?;
        if day.as_str() <= today().as_str() {
            share(self.app, &closed, &actor.audit()).await?;
        }
        Ok(self.app.store().cycle(id).await?)
    }

    /// The cycle an assessment belongs to and the deadline of the stage it is at, for whoever
    /// sees the assessment (the caller checks that).
    pub async fn deadline_of(&self, a: &Assessment) -> AppResult<Option<(ReviewCycle, String)>> {
        Ok(self.app.store().cycle_of_assessment(a.id).await?.map(|c| {
            let due = stage_due(&c.deadlines, a.stage).to_owned();
            (c, due)
        }))
    }
}

/// Tells each person of a closed cycle that their results are shared.
async fn share(app: &App, cycle: &ReviewCycle, audit: &trellis_store::Audit) -> AppResult<bool> {
    let records = app.store().cycle_records(cycle.id).await?;
    let notices = records
        .assessments
        .iter()
        .map(|a| NewNotification {
            person_id: a.person_id,
            kind: "cycle.shared".into(),
            subject: format!(
                "The results of the review cycle {} are shared with you",
                cycle.name
            ),
            link: format!("/assessments/{}", a.id),
        })
        .collect();
    Ok(app
        .store()
        .mark_cycle_shared(cycle.id, notices, audit)
        .await?)
}

/// Shares the results of closed cycles whose day has come; returns how many cycles were shared.
pub(crate) async fn share_due(app: &App, today: &str) -> AppResult<usize> {
    let mut shared = 0;
    for c in app.store().cycles_to_share(today).await? {
        let audit = trellis_store::Audit {
            actor_id: None,
            ip: None,
            at: crate::time::now_millis(),
        };
        if share(app, &c, &audit).await? {
            shared += 1;
        }
    }
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadlines() -> CycleDeadlines {
        CycleDeadlines {
            self_due: "2027-01-15".into(),
            peer_due: "2027-01-22".into(),
            manager_due: "2027-01-29".into(),
            calibration_due: "2027-02-05".into(),
            agreed_due: "2027-02-12".into(),
        }
    }

    #[test]
    fn each_stage_is_due_by_its_deadline() {
        let d = deadlines();
        assert_eq!(stage_due(&d, Stage::SelfRating), "2027-01-15");
        assert_eq!(stage_due(&d, Stage::Manager), "2027-01-29");
        assert_eq!(stage_due(&d, Stage::Compare), "2027-02-12");
        assert_eq!(stage_due(&d, Stage::Agreed), "2027-02-12");
        assert_eq!(days_between("2027-01-15", "2027-01-18"), 3);
    }
}
