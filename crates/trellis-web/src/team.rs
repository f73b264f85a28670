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

use crate::auth::{Caller, Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::extract::{PathParams, QueryParams, parse_id};
use crate::html::{Frame, render};
use crate::state::AppState;
use trellis_app::growth::team::{self, Column, Gap, Member, Risk, Row};
use trellis_app::growth::{self, observed_by_person, planning};
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
        Some(c) => team::matrix(c, &members),
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
    on: OnRecord<PersonId>,
    QueryParams(q): QueryParams<ScopeQuery>,
) -> Result<Response, WebError> {
    let id = on.id;
    let (manager, _) = growth::person_for(on.app(), &on.actor, id).await?;
    team_page(&on.state, &on.caller, &on.ctx, manager, q).await
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

/// One person of the team in the what-if form.
#[derive(Debug)]
struct Choice {
    id: PersonId,
    name: String,
    role: String,
    leaves: bool,
    promoted: bool,
    /// The title of their next role level, when there is one.
    next: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "team/what_if.html")]
struct WhatIfPage {
    frame: Frame,
    manager_name: String,
    manager_email: String,
    is_own: bool,
    team_href: String,
    action: String,
    staff: bool,
    choices: Vec<Choice>,
    result: Option<planning::WhatIf>,
}

/// The scenario from the form: repeated `leaves` and `promoted` person ids; anything else is
/// refused by name.
fn scenario_of(fields: &[(String, String)]) -> Result<planning::Scenario, WebError> {
    let mut s = planning::Scenario::default();
    for (key, value) in fields {
        let list = match key.as_str() {
            "leaves" => &mut s.leaves,
            "promoted" => &mut s.promoted,
            _ => {
                return Err(WebError::bad_request(format!(
                    "The query has an unknown field `{key}`: only `leaves` and `promoted` are read."
                )));
            }
        };
        match parse_id(key, Some(value))? {
            Some(id) if !list.contains(&id) => list.push(id),
            _ => {}
        }
    }
    // Someone who leaves is not promoted as well.
    let leaves = s.leaves.clone();
    s.promoted.retain(|p| !leaves.contains(p));
    Ok(s)
}

async fn what_if_page(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    manager: Person,
    fields: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let scenario = scenario_of(&fields)?;
    let is_own = manager.id == caller.id();
    let team_href = if is_own {
        "/team".to_owned()
    } else {
        format!("/team/{}", manager.id)
    };
    let fw = state.current_framework().await?;
    let TeamRecord {
        people,
        observations: seen,
    } = state.store().team_record(manager.id, false).await?;
    let observed = observed_by_person(&seen.latest, &seen.evidence_counts);
    let ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
    let (choices, result) = match &fw {
        Some(current) => {
            let members = team::members(current, people, &observed);
            let choices = members
                .iter()
                .map(|m| Choice {
                    id: m.person.id,
                    name: m.person.name.clone(),
                    role: m.role_title.clone(),
                    leaves: scenario.leaves.contains(&m.person.id),
                    promoted: scenario.promoted.contains(&m.person.id),
                    next: m
                        .person
                        .role_level
                        .as_deref()
                        .and_then(|rl| current.profile(rl))
                        .and_then(|p| p.next.clone())
                        .and_then(|n| current.profile(&n))
                        .map(|p| p.title.clone()),
                })
                .collect();
            let result = (!scenario.is_empty())
                .then(|| planning::what_if(current, members, &observed, &scenario));
            (choices, result)
        }
        None => (Vec::new(), None),
    };
    state.audit_read(
        ctx.audit(),
        "team.what-if",
        format!("team:{}", manager.id),
        json!({ "people": ids, "leaves": scenario.leaves, "promoted": scenario.promoted }),
    );
    let page = WhatIfPage {
        frame: Frame::new(Some(ctx), "What if: team planning".to_owned(), "team"),
        manager_name: manager.name.clone(),
        manager_email: manager.email.clone(),
        is_own,
        action: format!("{team_href}/what-if"),
        team_href,
        staff: trellis_app::access::is_staff(caller.role()),
        choices,
        result,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /team/what-if`: the caller's team if some people left or were promoted.
pub async fn own_what_if(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    QueryParams(fields): QueryParams<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = caller.person.clone();
    what_if_page(&state, &caller, &ctx, me, fields).await
}

/// `GET /team/{id}/what-if`: another manager's team, for whoever may see that manager.
pub async fn what_if_of(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(fields): QueryParams<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (manager, _) = growth::person_for(state.app(), &caller.actor(&ctx), id).await?;
    what_if_page(&state, &caller, &ctx, manager, fields).await
}
