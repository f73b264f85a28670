//! The team page for managers: the skills matrix heatmap with drill-down to each person's
//! readiness, the team's most common gaps, key-person risk, and the CSV export.
//!
//! `/team` is the caller's own reports (direct and indirect); `/team/{id}` is the team of another
//! manager, for the people team, admins and managers further up the line (the route's rule);
//! `/team.csv?manager_id=` exports either.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use trellis_store::{Person, PersonId, TeamRecord};

use crate::auth::{Caller, Ctx, Me};
use crate::error::WebError;
use crate::extract::{PathParams, QueryParams, parse_id};
use crate::html::{Frame, render};
use crate::state::AppState;
use trellis_app::growth::team::{self, Column, Gap, Member, Risk, Row};
use trellis_app::growth::{self, observed_by_person};
use trellis_store::prelude::*;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScopeQuery {
    /// `direct` for direct reports only; everyone below by default.
    scope: Option<String>,
    /// For the CSV: whose team (default: the caller's).
    manager_id: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "team/team.html")]
struct TeamPage {
    frame: Frame,
    manager_name: String,
    is_own: bool,
    direct_only: bool,
    base_href: String,
    csv_href: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    gaps: Vec<Gap>,
    risks: Vec<Risk>,
    ready: usize,
    framework: Option<String>,
}

/// The team of a manager with everyone's readiness, from one read.
async fn load_team(
    state: &AppState,
    manager: &Person,
    direct_only: bool,
) -> Result<(Vec<Member>, Option<String>), WebError> {
    let Some(current) = state.current_framework().await? else {
        return Ok((Vec::new(), None));
    };
    let TeamRecord {
        people,
        observations: seen,
    } = state.store().team_record(manager.id, direct_only).await?;
    let observed = observed_by_person(&seen.latest, &seen.evidence_counts);
    let members = team::members(&current, people, &observed);
    Ok((
        members,
        Some(format!(
            "{} {}",
            current.summary.name, current.summary.version
        )),
    ))
}

fn audit_team(state: &AppState, ctx: &Ctx, action: &str, manager: PersonId, members: &[Member]) {
    let people: Vec<PersonId> = members.iter().map(|m| m.person.id).collect();
    state.audit_read(
        ctx.audit(),
        action,
        format!("team:{manager}"),
        json!({ "people": people }),
    );
}

async fn team_page(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    manager: Person,
    q: ScopeQuery,
) -> Result<Response, WebError> {
    let direct_only = q.scope.as_deref() == Some("direct");
    let (members, framework) = load_team(state, &manager, direct_only).await?;
    let is_own = manager.id == caller.id();
    let base_href = if is_own {
        "/team".to_owned()
    } else {
        format!("/team/{}", manager.id)
    };
    let fw = state.current_framework().await?;
    let m = match &fw {
        Some(c) => team::matrix(&c.framework, &members),
        None => team::Matrix::empty(),
    };
    audit_team(state, ctx, "team.read", manager.id, &members);
    let page = TeamPage {
        frame: Frame::new(
            Some(ctx),
            if is_own {
                "Your team".to_owned()
            } else {
                format!("{}'s team", manager.name)
            },
            "team",
        ),
        manager_name: manager.name.clone(),
        is_own,
        direct_only,
        csv_href: format!(
            "/team.csv?manager_id={}{}",
            manager.id,
            if direct_only { "&scope=direct" } else { "" }
        ),
        base_href,
        columns: m.columns,
        rows: m.rows,
        gaps: m.gaps,
        risks: m.risks,
        ready: m.ready,
        framework,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /team`: the caller's reports.
pub async fn own(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    QueryParams(q): QueryParams<ScopeQuery>,
) -> Result<Response, WebError> {
    let me = caller.person.clone();
    team_page(&state, &caller, &ctx, me, q).await
}

/// `GET /team/{id}`: another manager's team.
pub async fn of(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<ScopeQuery>,
) -> Result<Response, WebError> {
    let (manager, _) = growth::person_for(state.app(), &caller.actor(&ctx), id).await?;
    team_page(&state, &caller, &ctx, manager, q).await
}

/// `GET /team.csv`: the matrix as CSV, one row per person and requirement, formulas neutralised.
pub async fn csv(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    QueryParams(q): QueryParams<ScopeQuery>,
) -> Result<Response, WebError> {
    let manager = match parse_id("manager_id", q.manager_id.as_deref())? {
        None => caller.person.clone(),
        Some(id) => {
            let (person, _) = growth::person_for(state.app(), &caller.actor(&ctx), id).await?;
            person
        }
    };
    let direct_only = q.scope.as_deref() == Some("direct");
    let (members, _) = load_team(&state, &manager, direct_only).await?;
    let body = match state.current_framework().await? {
        Some(c) => team::csv(&c.framework, &members),
        None => team::csv_header(),
    };
    audit_team(&state, &ctx, "team.export", manager.id, &members);
    let filename = format!("team-{}.csv", manager.id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}
