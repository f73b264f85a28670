//! Review cycles, for the people team: the list with the form that opens one, and a cycle's page
//! (launch a draft; progress per stage and team, the overdue list with reminders, and closing an
//! open one), and the same in the JSON API (`api`). Who may do what is decided in
//! `trellis_app::cycles`.

pub mod api;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::AppError;
use trellis_app::access::Actor;
use trellis_app::cycles::{
    CycleInput, CycleProgress, CycleSummary, MAX_NAME, OverdueItem, PopulationChoice,
    StageProgress, TeamProgress,
};
use trellis_app::time::{date, day_ms, now_millis};
use trellis_store::{CycleId, CycleStatus};

use crate::auth::{Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, field};
use crate::html::view::FieldErrors;
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

#[derive(Debug)]
struct CycleRow {
    id: CycleId,
    name: String,
    population: String,
    status: &'static str,
    self_due: String,
    agreed_due: String,
}

#[derive(Debug, Template)]
#[template(path = "cycles/list.html")]
struct ListPage {
    frame: Frame,
    cycles: Vec<CycleRow>,
    populations: Vec<PopulationChoice>,
    form: CycleInput,
    errors: FieldErrors,
    max_name: usize,
}

#[derive(Debug, Template)]
#[template(path = "cycles/cycle.html")]
struct CyclePage {
    frame: Frame,
    id: CycleId,
    name: String,
    population: String,
    status: &'static str,
    today: String,
    people: usize,
    stages: Vec<StageProgress>,
    teams: Vec<TeamProgress>,
    overdue: Vec<OverdueItem>,
    shares_on: String,
    errors: FieldErrors,
    notice: Option<String>,
}

pub(crate) fn status_text(s: CycleStatus) -> &'static str {
    match s {
        CycleStatus::Draft => "draft",
        CycleStatus::Open => "open",
        CycleStatus::Closed => "closed",
    }
}

fn row(s: CycleSummary) -> CycleRow {
    CycleRow {
        id: s.cycle.id,
        name: s.cycle.name,
        population: s.population,
        status: status_text(s.cycle.status),
        self_due: s.cycle.deadlines.self_due,
        agreed_due: s.cycle.deadlines.agreed_due,
    }
}

/// A new cycle's deadlines, a week apart from two weeks ahead, until the form says otherwise.
fn suggested() -> CycleInput {
    let week = 7 * day_ms();
    let at = |n: i64| date(now_millis() + (n + 2) * week);
    CycleInput {
        self_due: at(0),
        peer_due: at(1),
        manager_due: at(2),
        calibration_due: at(3),
        agreed_due: at(4),
        ..CycleInput::default()
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    form: CycleInput,
    errors: FieldErrors,
) -> Result<ListPage, WebError> {
    let cycles = state.app().cycles().list(actor).await?;
    let populations = state.app().cycles().populations(actor).await?;
    Ok(ListPage {
        frame: Frame::new(Some(ctx), "Review cycles", "people"),
        cycles: cycles.into_iter().map(row).collect(),
        populations,
        form,
        errors,
        max_name: MAX_NAME,
    })
}

/// `GET /cycles`.
pub async fn list(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let page = list_page(
        &state,
        &ctx,
        &caller.actor(&ctx),
        suggested(),
        FieldErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /cycles`: `name`, `population`, `self_due`, `peer_due`, `manager_due`,
/// `calibration_due`, `agreed_due`.
pub async fn open(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let get = |name: &str| field(&f, name).unwrap_or_default().to_owned();
    let input = CycleInput {
        name: get("name"),
        population: get("population"),
        self_due: get("self_due"),
        peer_due: get("peer_due"),
        manager_due: get("manager_due"),
        calibration_due: get("calibration_due"),
        agreed_due: get("agreed_due"),
    };
    let actor = caller.actor(&ctx);
    let (status, errors) = match state.app().cycles().open(&actor, input.clone()).await {
        Ok(c) => return Ok(Redirect::to(&format!("/cycles/{}?done=opened", c.id)).into_response()),
        Err(e) => FieldErrors::of_refusal(e, "name")?,
    };
    let page = list_page(&state, &ctx, &actor, input, errors).await?;
    render_status(status, &page)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: Option<String>,
    n: Option<usize>,
}

fn cycle_page(
    ctx: &Ctx,
    p: CycleProgress,
    errors: FieldErrors,
    notice: Option<String>,
) -> CyclePage {
    let c = p.summary.cycle;
    CyclePage {
        frame: Frame::new(Some(ctx), format!("Review cycle {}", c.name), "people"),
        id: c.id,
        name: c.name,
        population: p.summary.population,
        status: status_text(c.status),
        shares_on: c.shares_on.unwrap_or_else(|| p.today.clone()),
        today: p.today,
        people: p.people,
        stages: p.stages,
        teams: p.teams,
        overdue: p.overdue,
        errors,
        notice,
    }
}

/// `GET /cycles/{id}`.
pub async fn cycle(
    on: OnRecord<CycleId>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let progress = on.app().cycles().progress(&on.actor, on.id).await?;
    let n = q.n.unwrap_or(0);
    let notice = match q.done.as_deref() {
        Some("opened") => Some("Cycle opened as a draft: launch it when it is ready.".to_owned()),
        Some("launched") => Some(format!(
            "Cycle launched: {n} assessments started, each person told."
        )),
        Some("reminded") => Some(format!("Reminders sent: {n}.")),
        Some("closed") => Some("Cycle closed.".to_owned()),
        _ => None,
    };
    let page = cycle_page(&on.ctx, progress, FieldErrors::default(), notice);
    Ok(render(&page)?.into_response())
}

/// After a change to a cycle: back to its page with what was done, or the page again with the
/// problem next to its field.
async fn after_change(
    on: &OnRecord<CycleId>,
    result: Result<String, AppError>,
    field_at_fault: &str,
) -> Result<Response, WebError> {
    let id = on.id;
    let (status, errors) = match result {
        Ok(done) => return Ok(Redirect::to(&format!("/cycles/{id}?done={done}")).into_response()),
        Err(e) => FieldErrors::of_refusal(e, field_at_fault)?,
    };
    let progress = on.app().cycles().progress(&on.actor, id).await?;
    render_status(status, &cycle_page(&on.ctx, progress, errors, None))
}

/// `POST /cycles/{id}/launch`.
pub async fn launch(on: OnRecord<CycleId>) -> Result<Response, WebError> {
    let launched = on.app().cycles().launch(&on.actor, on.id).await;
    let done = launched.map(|l| format!("launched&n={}", l.assessments));
    after_change(&on, done, "launch").await
}

/// `POST /cycles/{id}/reminders`: `item` (an overdue item's key), or none for every overdue item.
pub async fn remind(
    on: OnRecord<CycleId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let item = field(&f, "item").map(str::trim).filter(|s| !s.is_empty());
    let told = on.app().cycles().remind(&on.actor, on.id, item).await;
    let done = told.map(|n| format!("reminded&n={n}"));
    after_change(&on, done, "overdue").await
}

/// `POST /cycles/{id}/close`: `shares_on`.
pub async fn close(
    on: OnRecord<CycleId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let shares_on = field(&f, "shares_on").unwrap_or_default();
    let closed = on.app().cycles().close(&on.actor, on.id, shares_on).await;
    after_change(&on, closed.map(|_| "closed".into()), "shares_on").await
}
