//! Hiring in the JSON API, for reading: the openings the caller runs, one opening with its
//! candidates, and one candidate with the interviews and the debrief as the caller may see them.
//! The same use cases and rules as the pages: the people team and an opening's hiring manager see
//! it whole; an interviewer sees a candidate, and the other scorecards only once theirs are
//! submitted (reading them makes theirs final, as on the page); nobody else sees anything. Every
//! read is audited.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use trellis_app::hiring::{CandidateView, HiringRole};
use trellis_store::{Candidate, Interview, Opening};
use utoipa::ToSchema;

use crate::api::ReadProblems;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::PathParams;
use crate::state::AppState;

/// One stage of an opening's interview plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageJson {
    pub name: String,
    /// The interview dimensions it scores.
    pub dimensions: Vec<String>,
    /// Who interviews at it, as planned (person ids).
    pub interviewers: Vec<i64>,
}

/// An opening: a role level's hiring kit as edited for one vacancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningJson {
    pub id: i64,
    /// Full role-level id, e.g. `engineering/senior-software-engineer`.
    pub role_level: String,
    pub title: String,
    pub hiring_manager_id: i64,
    /// The job advert, Markdown.
    pub advert: String,
    pub stages: Vec<StageJson>,
    pub created_at: i64,
}

impl From<&Opening> for OpeningJson {
    fn from(o: &Opening) -> Self {
        OpeningJson {
            id: o.id,
            role_level: o.role_level.clone(),
            title: o.title.clone(),
            hiring_manager_id: o.hiring_manager_id,
            advert: o.advert.clone(),
            stages: o
                .stages
                .0
                .iter()
                .map(|s| StageJson {
                    name: s.name.clone(),
                    dimensions: s.dimensions.clone(),
                    interviewers: s.interviewers.clone(),
                })
                .collect(),
            created_at: o.created_at,
        }
    }
}

/// A candidate: as little personal data as the process needs (empty once erased).
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateJson {
    pub id: i64,
    pub opening_id: i64,
    pub name: String,
    /// For those who run the opening only; empty for an interviewer.
    pub contact: String,
    pub source: String,
    /// `YYYY-MM-DD`: when they agreed to their data being kept.
    pub consent_on: String,
    /// `active`, `hired` or `rejected`.
    pub status: String,
    pub decision_reason: Option<String>,
    /// The account made when they were hired.
    pub person_id: Option<i64>,
    /// When their personal data and the interview notes were erased (the scores are kept).
    pub erased_at: Option<i64>,
}

impl CandidateJson {
    fn of(c: &Candidate, runs_it: bool) -> Self {
        CandidateJson {
            id: c.id,
            opening_id: c.opening_id,
            name: c.name.clone(),
            contact: if runs_it {
                c.contact.clone()
            } else {
                String::new()
            },
            source: c.source.clone(),
            consent_on: c.consent_on.clone(),
            status: c.status.clone(),
            decision_reason: c.decision_reason.clone(),
            person_id: c.person_id,
            erased_at: c.erased_at,
        }
    }
}

/// An opening with its candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningRecordJson {
    pub opening: OpeningJson,
    /// Dimensions no stage scores, and critical requirements no stage assesses.
    pub warnings: Vec<String>,
    pub candidates: Vec<CandidateJson>,
}

/// An interview and, once submitted, its scorecard.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterviewJson {
    pub id: i64,
    pub stage: String,
    pub interviewer_id: i64,
    pub interviewer_name: String,
    /// `YYYY-MM-DD`.
    pub scheduled_on: String,
    /// Score 1 to 5 by dimension name.
    pub scores: std::collections::BTreeMap<String, u8>,
    pub notes: String,
    /// `hire` or `no-hire`, once submitted.
    pub leaning: Option<String>,
    pub submitted_at: Option<i64>,
}

impl From<&Interview> for InterviewJson {
    fn from(i: &Interview) -> Self {
        InterviewJson {
            id: i.id,
            stage: i.stage.clone(),
            interviewer_id: i.interviewer_id,
            interviewer_name: i.interviewer_name.clone(),
            scheduled_on: i.scheduled_on.clone(),
            scores: i.scores.0.clone(),
            notes: i.notes.clone(),
            leaning: i.leaning.clone(),
            submitted_at: i.submitted_at,
        }
    }
}

/// One interview dimension of the debrief.
#[derive(Debug, Serialize, ToSchema)]
pub struct DimensionJson {
    pub name: String,
    /// Percent of the overall score.
    pub weight: u32,
    /// The mean of the submitted scores; absent when nobody scored it.
    pub mean: Option<f64>,
    /// Highest minus lowest score.
    pub spread: u8,
    /// The spread is more than one point: to discuss.
    pub disagreement: bool,
}

/// The debrief: weights from the role level, missing dimensions counted as nothing (never scaled
/// up), disagreements flagged.
#[derive(Debug, Serialize, ToSchema)]
pub struct DebriefJson {
    /// Σ weight × mean ÷ 100 over the dimensions scored: out of 5 when every one is.
    pub weighted: f64,
    /// The share of the weights (percent) the scored dimensions carry.
    pub covered_weight: u32,
    pub missing: Vec<String>,
    pub dimensions: Vec<DimensionJson>,
    /// Submitted scorecards leaning to hire, and not to.
    pub hire: usize,
    pub no_hire: usize,
}

/// A candidate as the caller may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateRecordJson {
    pub candidate: CandidateJson,
    /// The caller's own interviews of the candidate.
    pub mine: Vec<InterviewJson>,
    /// Every interview with its scorecard, and the debrief: for those who run the opening, and
    /// for an interviewer once their own scorecards are submitted. Empty and absent otherwise.
    pub interviews: Vec<InterviewJson>,
    pub debrief: Option<DebriefJson>,
}

impl From<&CandidateView> for CandidateRecordJson {
    fn from(v: &CandidateView) -> Self {
        CandidateRecordJson {
            candidate: CandidateJson::of(&v.candidate, v.role != HiringRole::Interviewer),
            mine: v.mine.iter().map(InterviewJson::from).collect(),
            interviews: v.interviews.iter().map(InterviewJson::from).collect(),
            debrief: v.debrief.as_ref().map(|d| DebriefJson {
                weighted: d.weighted,
                covered_weight: d.covered_weight,
                missing: d.missing.clone(),
                dimensions: d
                    .dimensions
                    .iter()
                    .map(|r| DimensionJson {
                        name: r.name.clone(),
                        weight: r.weight,
                        mean: r.mean,
                        spread: r.spread,
                        disagreement: r.disagreement,
                    })
                    .collect(),
                hire: d.hire,
                no_hire: d.no_hire,
            }),
        }
    }
}

/// The openings the caller runs: every one for the people team, their own for a hiring manager.
#[utoipa::path(
    get,
    path = "/api/v1/hiring/openings",
    tag = "hiring",
    responses((status = 200, body = Vec<OpeningJson>))
)]
pub async fn openings(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Json<Vec<OpeningJson>>, WebError> {
    let all = state.app().hiring().openings(&caller.actor(&ctx)).await?;
    Ok(Json(all.iter().map(OpeningJson::from).collect()))
}

/// One opening with its candidates: for its hiring manager and the people team.
#[utoipa::path(
    get,
    path = "/api/v1/hiring/openings/{id}",
    tag = "hiring",
    params(("id" = i64, Path, description = "Opening id")),
    responses((status = 200, body = OpeningRecordJson), ReadProblems)
)]
pub async fn opening(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
) -> Result<Json<OpeningRecordJson>, WebError> {
    let v = state
        .app()
        .hiring()
        .view_opening(&caller.actor(&ctx), id)
        .await?;
    Ok(Json(OpeningRecordJson {
        opening: OpeningJson::from(&v.opening),
        warnings: v.warnings.clone(),
        candidates: v
            .candidates
            .iter()
            .map(|c| CandidateJson::of(c, true))
            .collect(),
    }))
}

/// One candidate: for those who run the opening and the candidate's interviewers, each as the
/// pages show it.
#[utoipa::path(
    get,
    path = "/api/v1/hiring/candidates/{id}",
    tag = "hiring",
    params(("id" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = CandidateRecordJson), ReadProblems)
)]
pub async fn candidate(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
) -> Result<Json<CandidateRecordJson>, WebError> {
    let v = state
        .app()
        .hiring()
        .view_candidate(&caller.actor(&ctx), id)
        .await?;
    Ok(Json(CandidateRecordJson::from(&v)))
}
