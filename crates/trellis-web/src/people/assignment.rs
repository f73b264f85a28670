//! The people team's form that changes someone's role level (from a date), manager and team.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::AppError;
use trellis_app::assignment::{Assigned, Assignment, WaitingChange};
use trellis_app::time::date;
use trellis_store::PersonId;
use trellis_store::prelude::*;

use crate::auth::OnRecord;
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, field};
use crate::html::view::{Choice, FieldErrors};
use crate::html::{Frame, render, render_status};

#[derive(Debug)]
struct TrackChoices {
    name: String,
    levels: Vec<Choice>,
}

#[derive(Debug, Template)]
#[template(path = "people/assignment.html")]
struct AssignmentPage {
    frame: Frame,
    id: PersonId,
    name: String,
    since: String,
    tracks: Vec<TrackChoices>,
    teams: Vec<String>,
    role_level: String,
    manager: String,
    team: String,
    effective_on: String,
    revision: i64,
    errors: FieldErrors,
    saved: bool,
    /// After a change planned for a later day.
    scheduled: bool,
    /// The change waiting for its day, in words.
    waiting: Option<Waiting>,
    /// After a change: the new role level's first-year goals, to start the plan from.
    onboarding: Option<trellis_app::onboarding::OnboardingOffer>,
}

/// A change waiting for its day, as the page says it.
#[derive(Debug)]
struct Waiting {
    day: String,
    /// "Role level: Senior Engineer", "Manager: none", …
    changes: Vec<String>,
    planned_by: Option<String>,
}

fn waiting(w: WaitingChange, tracks: &[TrackChoices]) -> Waiting {
    let c = w.change;
    let none = || "none".to_owned();
    let mut changes = Vec::new();
    if let Some(r) = c.role_level {
        let title = r.map(|r| {
            tracks
                .iter()
                .flat_map(|t| &t.levels)
                .find(|l| l.value == r)
                .map_or(r, |l| l.label.clone())
        });
        changes.push(format!("Role level: {}", title.unwrap_or_else(none)));
    }
    if let Some(m) = c.manager_id {
        let name = m.and(w.manager_name).unwrap_or_else(none);
        changes.push(format!("Manager: {name}"));
    }
    if let Some(t) = c.team {
        changes.push(format!("Team: {}", t.unwrap_or_else(none)));
    }
    Waiting {
        day: c.effective_on,
        changes,
        planned_by: w.scheduled_by_name,
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
    scheduled: Option<String>,
}

/// What the page says after a change.
#[derive(Debug, Clone, Copy, Default)]
struct Done {
    saved: bool,
    scheduled: bool,
}

async fn page(
    on: &OnRecord<PersonId>,
    typed: Option<Assignment>,
    errors: FieldErrors,
    done: Done,
) -> Result<AssignmentPage, WebError> {
    let OnRecord {
        state,
        ctx,
        actor,
        id,
        ..
    } = on;
    let id = *id;
    let accounts = state.app().accounts();
    let (person, manager) = accounts.placement(actor, id).await?;
    let waiting_change = accounts.waiting_change(actor, id).await?;
    let store = state.store();
    let teams = store.teams().await?;
    let team_now = person
        .team_id
        .and_then(|t| teams.iter().find(|x| x.id == t).map(|x| x.name.clone()))
        .unwrap_or_default();
    let tracks = match state.current_framework().await? {
        Some(c) => c
            .framework
            .tracks
            .iter()
            .map(|t| TrackChoices {
                name: t.name.clone(),
                levels: t
                    .levels
                    .iter()
                    .map(|l| Choice::new(format!("{}/{}", t.id, l.id), l.title.clone()))
                    .collect(),
            })
            .collect(),
        None => Vec::new(),
    };
    let waiting = waiting_change.map(|w| waiting(w, &tracks));
    let onboarding = if done.saved {
        state.app().plans().onboarding_offer(actor, id).await?
    } else {
        None
    };
    let a = typed.unwrap_or_else(|| Assignment {
        role_level: person.role_level.clone().unwrap_or_default(),
        manager_email: manager
            .as_ref()
            .map(|m| m.email.clone())
            .unwrap_or_default(),
        team: team_now,
        // Empty: a new role level takes effect today, and the current one keeps its date.
        effective_on: String::new(),
        expected_revision: Some(person.revision),
    });
    Ok(AssignmentPage {
        frame: Frame::new(
            Some(ctx),
            format!("Role level, manager and team: {}", person.name),
            "people",
        ),
        id: person.id,
        name: person.name.clone(),
        since: person.role_level_since.map(date).unwrap_or_default(),
        tracks,
        teams: teams.into_iter().map(|t| t.name).collect(),
        role_level: a.role_level,
        manager: a.manager_email,
        team: a.team,
        effective_on: a.effective_on,
        revision: a.expected_revision.unwrap_or(person.revision),
        errors,
        saved: done.saved,
        scheduled: done.scheduled,
        waiting,
        onboarding,
    })
}

/// `GET /people/{id}/assignment`.
pub async fn form(
    on: OnRecord<PersonId>,
    QueryParams(q): QueryParams<SavedQuery>,
) -> Result<Response, WebError> {
    let p = page(
        &on,
        None,
        FieldErrors::default(),
        Done {
            saved: q.saved.is_some(),
            scheduled: q.scheduled.is_some(),
        },
    )
    .await?;
    Ok(render(&p)?.into_response())
}

/// `POST /people/{id}/assignment`: `role_level`, `manager` (an email), `team`, `effective_on`,
/// `revision`.
pub async fn submit(
    on: OnRecord<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let a = Assignment {
        role_level: field(&f, "role_level").unwrap_or_default().to_owned(),
        manager_email: field(&f, "manager").unwrap_or_default().to_owned(),
        team: field(&f, "team").unwrap_or_default().to_owned(),
        effective_on: field(&f, "effective_on").unwrap_or_default().to_owned(),
        expected_revision: field(&f, "revision").and_then(|r| r.trim().parse().ok()),
    };
    match on.app().accounts().assign(&on.actor, id, a.clone()).await {
        Ok(Assigned::Now(_)) => {
            // Sessions carry their person (manager, role level): the next request reads them.
            on.state.forget_sessions();
            Ok(Redirect::to(&format!("/people/{id}/assignment?saved=1")).into_response())
        }
        Ok(Assigned::Later(_)) => {
            Ok(Redirect::to(&format!("/people/{id}/assignment?scheduled=1")).into_response())
        }
        Err(AppError::Invalid(problems)) => {
            let errors = FieldErrors::from(problems);
            let p = page(&on, Some(a), errors, Done::default()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict { message, .. }) => {
            let mut errors = FieldErrors::default();
            errors.add("role_level", message);
            // Start again from what is stored now.
            let p = page(&on, None, errors, Done::default()).await?;
            render_status(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /people/{id}/assignment/waiting/delete`: cancels the change waiting for its day.
pub async fn cancel_waiting(
    on: OnRecord<PersonId>,
    PageForm(_): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    on.app()
        .accounts()
        .cancel_waiting_change(&on.actor, id)
        .await?;
    Ok(Redirect::to(&format!("/people/{id}/assignment")).into_response())
}
