//! Hiring pages: openings made from a role level's hiring kit, their candidates, interviews and
//! scorecards, and the debrief with its chart. Who may see what is decided in
//! `trellis_app::hiring`; the routes only check that it was.

pub mod api;
mod chart;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::hiring::{CandidateView, DimensionKit, HiringRole, MAX_NOTES, OpeningView};
use trellis_app::{AppError, AppResult};
use trellis_store::prelude::*;
use trellis_store::{Interview, OpeningStage};

use crate::auth::{Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::extract::PageForm;
use crate::html::form::{Fields, all_of, field};
use crate::html::view::{Choice, FieldErrors};
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

/// Problems of a refused form, by field, and the status to answer with; other errors go up.
fn problems<T>(result: AppResult<T>) -> Result<Result<T, (StatusCode, FieldErrors)>, WebError> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) => FieldErrors::of_refusal(e, "form").map(Err),
    }
}

// ---------------------------------------------------------------------------------------------
// The hiring home: openings and the caller's interviews.

#[derive(Debug)]
struct OpeningRow {
    id: i64,
    title: String,
}

#[derive(Debug)]
struct InterviewRow {
    id: i64,
    candidate_id: i64,
    stage: String,
    on: String,
    submitted: bool,
}

#[derive(Debug, Template)]
#[template(path = "hiring/home.html")]
struct HomePage {
    frame: Frame,
    openings: Vec<OpeningRow>,
    interviews: Vec<InterviewRow>,
    may_open: bool,
    /// The retention period of unsuccessful candidates, for the people team to change.
    retention_days: String,
    role_levels: Vec<Choice>,
    role_level: String,
    hiring_manager: String,
    errors: FieldErrors,
}

async fn home_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &trellis_app::Actor,
    form: (String, String),
    errors: FieldErrors,
) -> Result<HomePage, WebError> {
    let hiring = state.app().hiring();
    let openings = hiring
        .openings(actor)
        .await?
        .into_iter()
        .map(|o| OpeningRow {
            id: o.id,
            title: o.title,
        })
        .collect();
    let interviews = hiring
        .my_interviews(actor)
        .await?
        .into_iter()
        .map(|i| InterviewRow {
            id: i.id,
            candidate_id: i.candidate_id,
            stage: i.stage,
            on: i.scheduled_on,
            submitted: i.submitted_at.is_some(),
        })
        .collect();
    let may_open = trellis_app::access::is_staff(actor.person.system_role);
    let role_levels = match (may_open, state.current_framework().await?) {
        (true, Some(c)) => c
            .framework
            .tracks
            .iter()
            .flat_map(|t| {
                t.levels.iter().map(move |l| {
                    Choice::new(
                        format!("{}/{}", t.id, l.id),
                        format!("{}: {}", t.name, l.title),
                    )
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let retention_days = if may_open {
        state.store().hiring_retention_days().await?.to_string()
    } else {
        String::new()
    };
    Ok(HomePage {
        frame: Frame::new(Some(ctx), "Hiring", "hiring"),
        openings,
        interviews,
        may_open,
        retention_days,
        role_levels,
        role_level: form.0,
        hiring_manager: form.1,
        errors,
    })
}

/// `POST /hiring/retention`: `retention_days`, how long unsuccessful candidates' data is kept.
pub async fn set_retention(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let days = field(&f, "retention_days").unwrap_or_default().to_owned();
    match problems(state.app().hiring().set_retention(&actor, &days).await)? {
        Ok(_) => Ok(Redirect::to("/hiring").into_response()),
        Err((status, errors)) => {
            let mut page = home_page(&state, &ctx, &actor, Default::default(), errors).await?;
            page.retention_days = days;
            render_status(status, &page)
        }
    }
}

/// `GET /hiring/candidates/{id}/data.json`: everything held about a candidate (the people team).
pub async fn candidate_data(on: OnRecord<i64>) -> Result<Response, WebError> {
    let id = on.id;
    let data = on.app().hiring().export_candidate(&on.actor, id).await?;
    let body = serde_json::to_string_pretty(&data)
        .map_err(|e| WebError::internal(format!("the export could not be written: {e}")))?;
    let disposition = format!("attachment; filename=\"trellis-data-candidate-{id}.json\"");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// `GET /hiring`.
pub async fn home(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let page = home_page(
        &state,
        &ctx,
        &actor,
        Default::default(),
        FieldErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /hiring/openings`: `role_level`, `hiring_manager` (an email).
pub async fn create_opening(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let role_level = field(&f, "role_level").unwrap_or_default().to_owned();
    let manager = field(&f, "hiring_manager").unwrap_or_default().to_owned();
    let made = state
        .app()
        .hiring()
        .create_opening(&actor, &role_level, &manager)
        .await;
    match problems(made)? {
        Ok(o) => Ok(Redirect::to(&format!("/hiring/openings/{}", o.id)).into_response()),
        Err((status, errors)) => {
            let page = home_page(&state, &ctx, &actor, (role_level, manager), errors).await?;
            render_status(status, &page)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// An opening: its kit as edited, its candidates.

#[derive(Debug)]
struct StageRow {
    index: usize,
    name: String,
    dimensions: Vec<(String, bool)>,
    /// Who interviews, as planned: email addresses separated by commas, and names.
    interviewers: String,
    names: String,
}

#[derive(Debug)]
struct CandidateRow {
    id: i64,
    name: String,
    status: String,
}

#[derive(Debug, Template)]
#[template(path = "hiring/opening.html")]
struct OpeningPage {
    frame: Frame,
    id: i64,
    title: String,
    role_level: String,
    advert: String,
    stages: Vec<StageRow>,
    dimensions: Vec<DimensionKit>,
    warnings: Vec<String>,
    candidates: Vec<CandidateRow>,
    candidate: [String; 4],
    errors: FieldErrors,
    max_notes: usize,
}

fn opening_page(
    ctx: &Ctx,
    view: OpeningView,
    candidate: [String; 4],
    errors: FieldErrors,
) -> OpeningPage {
    let names: Vec<String> = view.dimensions.iter().map(|d| d.name.clone()).collect();
    let mut stages: Vec<StageRow> = view
        .opening
        .stages
        .0
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let planned = view
                .interviewers
                .get(index)
                .map(Vec::as_slice)
                .unwrap_or_default();
            StageRow {
                index,
                name: s.name.clone(),
                dimensions: names
                    .iter()
                    .map(|n| (n.clone(), s.dimensions.contains(n)))
                    .collect(),
                interviewers: planned
                    .iter()
                    .map(|p| p.email.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                names: planned
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect();
    // One empty stage to add.
    stages.push(StageRow {
        index: stages.len(),
        name: String::new(),
        dimensions: names.iter().map(|n| (n.clone(), false)).collect(),
        interviewers: String::new(),
        names: String::new(),
    });
    OpeningPage {
        frame: Frame::new(
            Some(ctx),
            format!("Opening: {}", view.opening.title),
            "hiring",
        ),
        id: view.opening.id,
        title: view.opening.title.clone(),
        role_level: view.opening.role_level.clone(),
        advert: view.opening.advert.clone(),
        stages,
        dimensions: view.dimensions,
        warnings: view.warnings,
        candidates: view
            .candidates
            .into_iter()
            .map(|c| CandidateRow {
                id: c.id,
                name: if c.erased_at.is_some() {
                    "(erased)".into()
                } else {
                    c.name
                },
                status: c.status,
            })
            .collect(),
        candidate,
        errors,
        max_notes: MAX_NOTES,
    }
}

/// `GET /hiring/openings/{id}`.
pub async fn opening(on: OnRecord<i64>) -> Result<Response, WebError> {
    let id = on.id;
    let view = on.app().hiring().view_opening(&on.actor, id).await?;
    let page = opening_page(&on.ctx, view, Default::default(), FieldErrors::default());
    Ok(render(&page)?.into_response())
}

/// `POST /hiring/openings/{id}`: `advert`, and per stage `stage-N` (its name) with
/// `dimensions-N` (repeated).
pub async fn update_opening(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let mut stages = Vec::new();
    let mut interviewers = Vec::new();
    for i in 0..20 {
        let Some(name) = field(&f, &format!("stage-{i}")) else {
            break;
        };
        stages.push(OpeningStage {
            name: name.to_owned(),
            dimensions: all_of(&f, &format!("dimensions-{i}")),
            interviewers: Vec::new(),
        });
        let emails = field(&f, &format!("interviewers-{i}")).unwrap_or_default();
        interviewers.push(emails.to_owned());
    }
    let advert = field(&f, "advert").unwrap_or_default();
    let hiring = on.app().hiring();
    let changed = hiring
        .update_opening(&on.actor, id, advert, stages, &interviewers)
        .await;
    match problems(changed)? {
        Ok(_) => Ok(Redirect::to(&format!("/hiring/openings/{id}")).into_response()),
        Err((status, errors)) => {
            let view = hiring.view_opening(&on.actor, id).await?;
            render_status(
                status,
                &opening_page(&on.ctx, view, Default::default(), errors),
            )
        }
    }
}

/// `POST /hiring/openings/{id}/candidates`: `name`, `contact`, `source`, `consent_on`.
pub async fn add_candidate(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let typed = ["name", "contact", "source", "consent_on"]
        .map(|k| field(&f, k).unwrap_or_default().to_owned());
    let hiring = on.app().hiring();
    let added = hiring
        .add_candidate(&on.actor, id, &typed[0], &typed[1], &typed[2], &typed[3])
        .await;
    match problems(added)? {
        Ok(c) => Ok(Redirect::to(&format!("/hiring/candidates/{}", c.id)).into_response()),
        Err((status, errors)) => {
            let view = hiring.view_opening(&on.actor, id).await?;
            render_status(status, &opening_page(&on.ctx, view, typed, errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A candidate: interviews, and the debrief for those who may see it.

#[derive(Debug)]
struct ScoreCell {
    text: String,
}

#[derive(Debug)]
struct DebriefRow {
    name: String,
    weight: u32,
    /// One per scorecard column, in order.
    cells: Vec<ScoreCell>,
    mean: String,
    spread: u8,
    flagged: bool,
}

#[derive(Debug)]
struct CardColumn {
    interviewer: String,
    stage: String,
    leaning: String,
    notes: String,
    submitted: bool,
}

#[derive(Debug, Template)]
#[template(path = "hiring/candidate.html")]
struct CandidatePage {
    frame: Frame,
    id: i64,
    name: String,
    contact: String,
    source: String,
    consent_on: String,
    status: String,
    decision_reason: String,
    /// The account made on hire.
    person_id: Option<i64>,
    opening_id: i64,
    opening_title: String,
    runs_it: bool,
    /// The people team: may export the candidate's data.
    staff: bool,
    mine: Vec<InterviewRow>,
    columns: Vec<CardColumn>,
    rows: Vec<DebriefRow>,
    has_debrief: bool,
    weighted: String,
    covered: u32,
    missing: Vec<String>,
    hire: usize,
    no_hire: usize,
    chart: String,
    stages: Vec<String>,
    schedule: [String; 3],
    errors: FieldErrors,
}

fn candidate_page(
    ctx: &Ctx,
    view: CandidateView,
    schedule: [String; 3],
    errors: FieldErrors,
) -> CandidatePage {
    let submitted: Vec<&Interview> = view
        .interviews
        .iter()
        .filter(|i| i.submitted_at.is_some())
        .collect();
    let columns = view
        .interviews
        .iter()
        .map(|i| CardColumn {
            interviewer: i.interviewer_name.clone(),
            stage: i.stage.clone(),
            leaning: match i.leaning.as_deref() {
                Some("hire") => "Hire".into(),
                Some(_) => "No hire".into(),
                None => String::new(),
            },
            notes: i.notes.clone(),
            submitted: i.submitted_at.is_some(),
        })
        .collect();
    let (rows, weighted, covered, missing, hire, no_hire, chart) = match &view.debrief {
        Some(d) => (
            d.dimensions
                .iter()
                .map(|r| DebriefRow {
                    name: r.name.clone(),
                    weight: r.weight,
                    cells: view
                        .interviews
                        .iter()
                        .map(|i| ScoreCell {
                            text: match (i.submitted_at, i.scores.0.get(&r.name)) {
                                (Some(_), Some(s)) => s.to_string(),
                                (Some(_), None) => "–".into(),
                                (None, _) => "not submitted".into(),
                            },
                        })
                        .collect(),
                    mean: r
                        .mean
                        .map_or_else(|| "missing".into(), |m| format!("{m:.1}")),
                    spread: r.spread,
                    flagged: r.disagreement,
                })
                .collect(),
            format!("{:.2}", d.weighted),
            d.covered_weight,
            d.missing.clone(),
            d.hire,
            d.no_hire,
            chart::scores(d, submitted.len()),
        ),
        None => (
            Vec::new(),
            String::new(),
            0,
            Vec::new(),
            0,
            0,
            String::new(),
        ),
    };
    let c = &view.candidate;
    let erased = c.erased_at.is_some();
    CandidatePage {
        frame: Frame::new(
            Some(ctx),
            if erased {
                "Candidate (erased)".to_owned()
            } else {
                format!("Candidate: {}", c.name)
            },
            "hiring",
        ),
        id: c.id,
        name: if erased {
            "(erased)".into()
        } else {
            c.name.clone()
        },
        contact: c.contact.clone(),
        source: c.source.clone(),
        consent_on: c.consent_on.clone(),
        status: c.status.clone(),
        decision_reason: c.decision_reason.clone().unwrap_or_default(),
        person_id: c.person_id,
        opening_id: view.opening.id,
        opening_title: view.opening.title.clone(),
        runs_it: view.role != HiringRole::Interviewer,
        staff: view.role == HiringRole::Staff,
        mine: view
            .mine
            .iter()
            .map(|i| InterviewRow {
                id: i.id,
                candidate_id: i.candidate_id,
                stage: i.stage.clone(),
                on: i.scheduled_on.clone(),
                submitted: i.submitted_at.is_some(),
            })
            .collect(),
        columns,
        has_debrief: view.debrief.is_some(),
        rows,
        weighted,
        covered,
        missing,
        hire,
        no_hire,
        chart,
        stages: view
            .opening
            .stages
            .0
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        schedule,
        errors,
    }
}

/// `GET /hiring/candidates/{id}`.
pub async fn candidate(on: OnRecord<i64>) -> Result<Response, WebError> {
    let id = on.id;
    let view = on.app().hiring().view_candidate(&on.actor, id).await?;
    let page = candidate_page(&on.ctx, view, Default::default(), FieldErrors::default());
    Ok(render(&page)?.into_response())
}

/// `POST /hiring/candidates/{id}/interviews`: `stage`, `interviewer` (an email), `scheduled_on`.
pub async fn schedule(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let typed = ["stage", "interviewer", "scheduled_on"]
        .map(|k| field(&f, k).unwrap_or_default().to_owned());
    let hiring = on.app().hiring();
    let made = hiring
        .schedule_interview(&on.actor, id, &typed[0], &typed[1], &typed[2])
        .await;
    after_candidate_change(&on, made, typed).await
}

/// `POST /hiring/candidates/{id}/decision`: `decision` (`hire` or `reject`), `reason`, and for a
/// hire the new account's `email`.
pub async fn decide(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let reason = field(&f, "reason").unwrap_or_default();
    let hiring = on.app().hiring();
    let decided = match field(&f, "decision") {
        Some("reject") => hiring.reject(&on.actor, id, reason).await.map(|_| ()),
        Some("hire") => {
            let email = field(&f, "email").unwrap_or_default();
            hiring.hire(&on.actor, id, email, reason).await.map(|_| ())
        }
        _ => {
            // The on.caller must be allowed to decide before being told what is missing.
            hiring.may_decide(&on.actor, id).await.and_then(|()| {
                Err(AppError::field(
                    "decision",
                    "Choose whether to hire or not.",
                ))
            })
        }
    };
    after_candidate_change(&on, decided, Default::default()).await
}

async fn after_candidate_change<T>(
    on: &OnRecord<i64>,
    result: AppResult<T>,
    typed: [String; 3],
) -> Result<Response, WebError> {
    let id = on.id;
    match problems(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/hiring/candidates/{id}")).into_response()),
        Err((status, errors)) => {
            let view = on.app().hiring().view_candidate(&on.actor, id).await?;
            render_status(status, &candidate_page(&on.ctx, view, typed, errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// An interview: the interviewer's scorecard.

#[derive(Debug)]
struct ScoreField {
    index: usize,
    name: String,
    anchors: Vec<(u8, String)>,
    questions: Vec<String>,
    /// 1 to 5, and whether it is the score chosen.
    options: Vec<(u8, bool)>,
}

#[derive(Debug, Template)]
#[template(path = "hiring/interview.html")]
struct InterviewPage {
    frame: Frame,
    id: i64,
    candidate_id: i64,
    candidate: String,
    stage: String,
    on: String,
    fields: Vec<ScoreField>,
    notes: String,
    leaning: String,
    submitted: bool,
    final_: bool,
    errors: FieldErrors,
    max_notes: usize,
}

async fn interview_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &trellis_app::Actor,
    id: i64,
    typed: Option<(BTreeMap<String, String>, String, String)>,
    errors: FieldErrors,
) -> Result<InterviewPage, WebError> {
    let (i, c, dims) = state.app().hiring().interview(actor, id).await?;
    let (scores, notes, leaning) = typed.unwrap_or_else(|| {
        (
            i.scores
                .0
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            i.notes.clone(),
            i.leaning.clone().unwrap_or_default(),
        )
    });
    Ok(InterviewPage {
        frame: Frame::new(Some(ctx), format!("Scorecard: {}", i.stage), "hiring"),
        id: i.id,
        candidate_id: c.id,
        candidate: c.name,
        stage: i.stage.clone(),
        on: i.scheduled_on.clone(),
        fields: dims
            .into_iter()
            .enumerate()
            .map(|(index, d)| ScoreField {
                index,
                options: (1..=5u8)
                    .map(|n| {
                        let chosen = scores.get(&d.name).map(|v| v.trim()) == Some(&n.to_string());
                        (n, chosen)
                    })
                    .collect(),
                name: d.name,
                anchors: d.anchors,
                questions: d.questions,
            })
            .collect(),
        notes,
        leaning,
        submitted: i.submitted_at.is_some(),
        final_: i.revealed_at.is_some(),
        errors,
        max_notes: MAX_NOTES,
    })
}

/// `GET /hiring/interviews/{id}`.
pub async fn interview(on: OnRecord<i64>) -> Result<Response, WebError> {
    let id = on.id;
    let page = interview_page(
        &on.state,
        &on.ctx,
        &on.actor,
        id,
        None,
        FieldErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /hiring/interviews/{id}`: `score-N` per dimension of the stage (1 to 5), `notes`,
/// `leaning` (`hire` or `no-hire`).
pub async fn submit(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let hiring = on.app().hiring();
    // The dimensions come from the interview itself (404 for anyone but its interviewer).
    let (_, _, dims) = hiring.interview(&on.actor, id).await?;
    let scores: BTreeMap<String, String> = dims
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            field(&f, &format!("score-{i}")).map(|v| (d.name.clone(), v.to_owned()))
        })
        .collect();
    let notes = field(&f, "notes").unwrap_or_default().to_owned();
    let leaning = field(&f, "leaning").unwrap_or_default().to_owned();
    let done = hiring
        .submit_scorecard(&on.actor, id, &scores, &notes, &leaning)
        .await;
    match problems(done)? {
        Ok(i) => {
            Ok(Redirect::to(&format!("/hiring/candidates/{}", i.candidate_id)).into_response())
        }
        Err((status, errors)) => {
            let page = interview_page(
                &on.state,
                &on.ctx,
                &on.actor,
                id,
                Some((scores, notes, leaning)),
                errors,
            )
            .await?;
            render_status(status, &page)
        }
    }
}
