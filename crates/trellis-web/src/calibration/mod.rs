//! Calibration pages: the cycles a caller calibrates, a cycle's calibration (distributions as
//! charts with their tables, each manager's leniency, the moved list), the calibration session of
//! a population, and the form that moves one person's outcome with a reason; the figures in the
//! JSON API too (`api`). Who sees and moves what is decided in `trellis_app::calibration`.

pub mod api;
mod chart;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::AppError;
use trellis_app::calibration::stats::{MIN_RATINGS, Verdict};
use trellis_app::calibration::{
    BUCKETS, CalibrationView, Group, MAX_REASON, MoveForm, MoveInput, MoveSkill, Moved,
    SessionChoice, SessionRow,
};
use trellis_store::{AssessmentId, CycleId, CycleStatus};

use crate::auth::{Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, field};
use crate::html::view::{DoneQuery, FieldErrors};
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

/// Groups shown per distribution (the most outcomes first): a large organisation has hundreds of
/// managers, and a page of them all helps nobody. The session of any is a link away.
const GROUPS_SHOWN: usize = 30;
/// Managers listed in the leniency table: every flagged one, then the largest differences.
const MANAGERS_SHOWN: usize = 50;

fn status_text(s: CycleStatus) -> &'static str {
    match s {
        CycleStatus::Draft => "draft",
        CycleStatus::Open => "open",
        CycleStatus::Closed => "closed",
    }
}

#[derive(Debug)]
struct CycleRow {
    id: CycleId,
    name: String,
    population: String,
    status: &'static str,
}

#[derive(Debug, Template)]
#[template(path = "calibration/list.html")]
struct ListPage {
    frame: Frame,
    cycles: Vec<CycleRow>,
}

/// `GET /calibration`: the launched cycles, for the people team and managers.
pub async fn list(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let cycles = state
        .app()
        .calibration()
        .cycles(&caller.actor(&ctx))
        .await?;
    let page = ListPage {
        frame: Frame::new(Some(&ctx), "Calibration", "team"),
        cycles: cycles
            .into_iter()
            .map(|s| CycleRow {
                id: s.cycle.id,
                name: s.cycle.name,
                population: s.population,
                status: status_text(s.cycle.status),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug)]
struct Section {
    id: &'static str,
    title: &'static str,
    chart: String,
    groups: Vec<Group>,
    left_off: usize,
}

#[derive(Debug)]
struct LeniencyRow {
    name: String,
    session: Option<String>,
    n: i64,
    mean: String,
    difference: String,
    interval: String,
    verdict: &'static str,
    flagged: bool,
}

#[derive(Debug, Template)]
#[template(path = "calibration/overview.html")]
struct OverviewPage {
    frame: Frame,
    id: CycleId,
    name: String,
    population: String,
    status: &'static str,
    everyone: bool,
    buckets: [&'static str; 5],
    overall: Group,
    organisation_mean: String,
    organisation_n: i64,
    sections: Vec<Section>,
    leniency: Vec<LeniencyRow>,
    leniency_left_off: usize,
    min_ratings: i64,
    moved: Vec<Moved>,
    notice: Option<String>,
}

fn section_id(title: &str) -> &'static str {
    match title {
        "By manager" => "by-manager",
        "By team" => "by-team",
        "By track" => "by-track",
        _ => "by-skill",
    }
}

fn overview_page(ctx: &Ctx, v: CalibrationView, notice: Option<String>) -> OverviewPage {
    let c = &v.summary.cycle;
    let sections = v
        .distributions
        .into_iter()
        .map(|d| {
            let mut groups = d.groups;
            let total = groups.len();
            // The most outcomes first, then by name, as many as are shown.
            groups.sort_by(|a, b| b.n().cmp(&a.n()).then(a.label.cmp(&b.label)));
            groups.truncate(GROUPS_SHOWN);
            let id = section_id(d.title);
            Section {
                id,
                title: d.title,
                chart: chart::distribution(id, d.title, &groups),
                left_off: total - groups.len(),
                groups,
            }
        })
        .collect();
    let total = v.leniency.len();
    let leniency: Vec<LeniencyRow> = v
        .leniency
        .into_iter()
        .take(MANAGERS_SHOWN)
        .map(|l| {
            let c = l.comparison;
            let known = c.verdict != Verdict::TooFew || c.standard_error > 0.0;
            LeniencyRow {
                name: l.name,
                session: l.group.session.clone(),
                n: l.group.n(),
                mean: l.group.mean_text(),
                difference: if known {
                    format!("{:+.2}", c.difference)
                } else {
                    "–".into()
                },
                interval: if known {
                    format!("{:+.2} to {:+.2}", c.low, c.high)
                } else {
                    "–".into()
                },
                verdict: c.verdict.text(),
                flagged: c.verdict.flagged(),
            }
        })
        .collect();
    OverviewPage {
        frame: Frame::new(Some(ctx), format!("Calibration of {}", c.name), "team"),
        id: c.id,
        name: c.name.clone(),
        population: v.summary.population.clone(),
        status: status_text(c.status),
        everyone: v.everyone,
        buckets: BUCKETS,
        organisation_mean: v
            .organisation
            .mean()
            .map_or_else(|| "–".into(), |m| format!("{m:+.2}")),
        organisation_n: v.organisation.n,
        overall: v.overall,
        sections,
        leniency_left_off: total - leniency.len(),
        leniency,
        min_ratings: MIN_RATINGS,
        moved: v.moved,
        notice,
    }
}

/// `GET /cycles/{id}/calibration`.
pub async fn overview(
    on: OnRecord<CycleId>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let view = on.app().calibration().overview(&on.actor, on.id).await?;
    let notice = match q.done.as_deref() {
        Some("moved") => Some("Outcome moved: it is in the moved list with its reason.".to_owned()),
        _ => None,
    };
    Ok(render(&overview_page(&on.ctx, view, notice))?.into_response())
}

#[derive(Debug, Template)]
#[template(path = "calibration/session.html")]
struct SessionPage {
    frame: Frame,
    id: CycleId,
    name: String,
    status: &'static str,
    chosen: Option<SessionChoice>,
    choices: Vec<SessionChoice>,
    rows: Vec<SessionRow>,
    errors: FieldErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SessionQuery {
    group: Option<String>,
}

/// `GET /cycles/{id}/calibration/session?group=manager:<id>|team:<id>`.
pub async fn session(
    on: OnRecord<CycleId>,
    QueryParams(q): QueryParams<SessionQuery>,
) -> Result<Response, WebError> {
    let id = on.id;
    let (view, errors, status) = match on
        .app()
        .calibration()
        .session(&on.actor, id, q.group.as_deref())
        .await
    {
        Ok(v) => (v, FieldErrors::default(), StatusCode::OK),
        Err(AppError::Invalid(problems)) => {
            let v = on.app().calibration().session(&on.actor, id, None).await?;
            (v, problems.into(), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(e.into()),
    };
    let c = &view.summary.cycle;
    let page = SessionPage {
        frame: Frame::new(
            Some(&on.ctx),
            format!("Calibration session of {}", c.name),
            "team",
        ),
        id: c.id,
        name: c.name.clone(),
        status: status_text(c.status),
        chosen: view.chosen,
        choices: view.choices,
        rows: view.rows,
        errors,
    };
    render_status(status, &page)
}

#[derive(Debug, Template)]
#[template(path = "calibration/move.html")]
struct MovePage {
    frame: Frame,
    id: CycleId,
    name: String,
    assessment_id: AssessmentId,
    person_id: i64,
    person: String,
    role_title: String,
    outcome: &'static str,
    skills: Vec<MoveSkill>,
    moved: Vec<Moved>,
    closed_because: Option<String>,
    form: MoveInput,
    errors: FieldErrors,
    max_reason: usize,
}

fn move_page(ctx: &Ctx, f: MoveForm, form: MoveInput, errors: FieldErrors) -> MovePage {
    MovePage {
        frame: Frame::new(
            Some(ctx),
            format!("Calibrate {}'s outcome", f.person.name),
            "team",
        ),
        id: f.summary.cycle.id,
        name: f.summary.cycle.name,
        assessment_id: f.assessment.id,
        person_id: f.person.id,
        person: f.person.name,
        role_title: f.role_title,
        outcome: f.outcome,
        skills: f.skills,
        moved: f.moved,
        closed_because: f.closed_because,
        form,
        errors,
        max_reason: MAX_REASON,
    }
}

/// `GET /cycles/{id}/calibration/assessments/{assessment}`: the move form.
pub async fn move_form(on: OnRecord<(CycleId, AssessmentId)>) -> Result<Response, WebError> {
    let (id, assessment) = on.id;
    let f = on
        .app()
        .calibration()
        .move_form(&on.actor, id, assessment)
        .await?;
    let page = move_page(&on.ctx, f, MoveInput::default(), FieldErrors::default());
    Ok(render(&page)?.into_response())
}

/// `POST /cycles/{id}/calibration/assessments/{assessment}`: `skill`, `level`, `reason`.
pub async fn move_outcome(
    on: OnRecord<(CycleId, AssessmentId)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (id, assessment) = on.id;
    let get = |name: &str| field(&f, name).unwrap_or_default().to_owned();
    let input = MoveInput {
        skill: get("skill"),
        level: get("level"),
        reason: get("reason"),
    };
    let calibration = on.app().calibration();
    let (status, errors) = match calibration
        .move_outcome(&on.actor, id, assessment, input.clone())
        .await
    {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/cycles/{id}/calibration?done=moved#moved")).into_response(),
            );
        }
        Err(e) => FieldErrors::of_refusal(e, "level")?,
    };
    let form = calibration.move_form(&on.actor, id, assessment).await?;
    render_status(status, &move_page(&on.ctx, form, input, errors))
}
