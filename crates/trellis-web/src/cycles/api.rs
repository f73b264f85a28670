//! Review cycles in the JSON API, for reading: every cycle, and one cycle's progress per stage and
//! team with the overdue list, for the people team as on the pages (anyone else is refused with
//! 403, audited). Each read of a cycle's progress is audited as on its page.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use trellis_app::cycles::{CycleProgress, CycleSummary, OverdueItem, StageProgress, TeamProgress};
use trellis_store::{CycleDeadlines, CycleId};
use utoipa::ToSchema;

use super::status_text;
use crate::api::ReadProblems;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::PathParams;
use crate::state::AppState;

/// The deadline of each stage, `YYYY-MM-DD`, in stage order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinesJson {
    pub self_due: String,
    pub peer_due: String,
    pub manager_due: String,
    pub calibration_due: String,
    pub agreed_due: String,
}

impl From<&CycleDeadlines> for DeadlinesJson {
    fn from(d: &CycleDeadlines) -> Self {
        DeadlinesJson {
            self_due: d.self_due.clone(),
            peer_due: d.peer_due.clone(),
            manager_due: d.manager_due.clone(),
            calibration_due: d.calibration_due.clone(),
            agreed_due: d.agreed_due.clone(),
        }
    }
}

/// A review cycle: a population assessed on one framework version, stage by stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleJson {
    pub id: CycleId,
    pub name: String,
    pub framework_version_id: i64,
    /// `team`, `track` or `role_level`.
    pub population_kind: String,
    /// The team id, track id or role level id the population is chosen by.
    pub population: String,
    /// How the population reads: "Team Platform", "Role level Senior engineer".
    pub population_label: String,
    /// `draft`, `open` or `closed`.
    pub status: String,
    pub deadlines: DeadlinesJson,
    /// The day results are shared with each person (`YYYY-MM-DD`), once closed.
    pub shares_on: Option<String>,
    /// When each person was told their results were shared (Unix milliseconds).
    pub shared_at: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub launched_at: Option<i64>,
    pub closed_at: Option<i64>,
}

impl From<&CycleSummary> for CycleJson {
    fn from(s: &CycleSummary) -> Self {
        let c = &s.cycle;
        CycleJson {
            id: c.id,
            name: c.name.clone(),
            framework_version_id: c.framework_version_id,
            population_kind: c.population_kind.as_str().to_owned(),
            population: c.population.clone(),
            population_label: s.population.clone(),
            status: status_text(c.status).to_owned(),
            deadlines: DeadlinesJson::from(&c.deadlines),
            shares_on: c.shares_on.clone(),
            shared_at: c.shared_at,
            created_by: c.created_by,
            created_at: c.created_at,
            launched_at: c.launched_at,
            closed_at: c.closed_at,
        }
    }
}

/// One stage of a cycle: its deadline, and how many are done, waiting and overdue at it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageProgressJson {
    /// "Self-assessment", "Peer input", "Manager's ratings", "Calibration" or "Agreement".
    pub stage: String,
    pub due: String,
    pub done: usize,
    pub waiting: usize,
    pub overdue: usize,
}

impl From<&StageProgress> for StageProgressJson {
    fn from(s: &StageProgress) -> Self {
        StageProgressJson {
            stage: s.stage.to_owned(),
            due: s.due.clone(),
            done: s.done,
            waiting: s.waiting,
            overdue: s.overdue,
        }
    }
}

/// Where the people of one team are in a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamProgressJson {
    pub team: String,
    pub people: usize,
    pub at_self: usize,
    pub at_manager: usize,
    pub at_agreement: usize,
    pub agreed: usize,
    pub overdue: usize,
}

impl From<&TeamProgress> for TeamProgressJson {
    fn from(t: &TeamProgress) -> Self {
        TeamProgressJson {
            team: t.team.clone(),
            people: t.people,
            at_self: t.at_self,
            at_manager: t.at_manager,
            at_agreement: t.at_agreement,
            agreed: t.agreed,
            overdue: t.overdue,
        }
    }
}

/// Something of a cycle past its stage's deadline, and who it waits for.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueJson {
    /// `a<assessment id>` or `p<peer request id>`.
    pub key: String,
    pub assessment_id: i64,
    pub person_id: i64,
    pub person: String,
    pub team: String,
    /// "self-assessment", "peer input", "manager's ratings" or "agreement".
    pub stage: String,
    pub waiting_on: Option<i64>,
    pub waiting_on_name: String,
    pub due: String,
    pub days_late: i64,
}

impl From<&OverdueItem> for OverdueJson {
    fn from(o: &OverdueItem) -> Self {
        OverdueJson {
            key: o.key.clone(),
            assessment_id: o.assessment_id,
            person_id: o.person_id,
            person: o.person.clone(),
            team: o.team.clone(),
            stage: o.stage.to_owned(),
            waiting_on: o.waiting_on,
            waiting_on_name: o.waiting_on_name.clone(),
            due: o.due.clone(),
            days_late: o.days_late,
        }
    }
}

/// A cycle with its progress today.
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleProgressJson {
    pub cycle: CycleJson,
    /// The day the progress is measured on, `YYYY-MM-DD`.
    pub today: String,
    /// People assessed in the cycle.
    pub people: usize,
    pub stages: Vec<StageProgressJson>,
    pub teams: Vec<TeamProgressJson>,
    /// The most days late first.
    pub overdue: Vec<OverdueJson>,
}

impl From<&CycleProgress> for CycleProgressJson {
    fn from(p: &CycleProgress) -> Self {
        CycleProgressJson {
            cycle: CycleJson::from(&p.summary),
            today: p.today.clone(),
            people: p.people,
            stages: p.stages.iter().map(StageProgressJson::from).collect(),
            teams: p.teams.iter().map(TeamProgressJson::from).collect(),
            overdue: p.overdue.iter().map(OverdueJson::from).collect(),
        }
    }
}

/// Every review cycle, the newest first: for the people team.
#[utoipa::path(
    get,
    path = "/api/v1/cycles",
    tag = "cycles",
    responses((status = 200, body = Vec<CycleJson>), ReadProblems)
)]
pub async fn cycles(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Json<Vec<CycleJson>>, WebError> {
    let all = state.app().cycles().list(&caller.actor(&ctx)).await?;
    Ok(Json(all.iter().map(CycleJson::from).collect()))
}

/// One review cycle with its progress per stage and team and the overdue list: for the people
/// team. The read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/cycles/{id}",
    tag = "cycles",
    params(("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = CycleProgressJson), ReadProblems)
)]
pub async fn cycle(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<CycleId>,
) -> Result<Json<CycleProgressJson>, WebError> {
    let p = state
        .app()
        .cycles()
        .progress(&caller.actor(&ctx), id)
        .await?;
    Ok(Json(CycleProgressJson::from(&p)))
}
