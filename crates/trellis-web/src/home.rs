//! The home page: what waits for you, your role level, what the next one asks, and your reports if
//! you manage people.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use trellis_formats::render::name_with_version;
use trellis_store::SystemRole;

use crate::auth::Me;
use crate::error::WebError;
use crate::html::view::{compare_href, profile_href, role_title};
use crate::html::{Frame, render};
use crate::state::AppState;
use trellis_store::prelude::*;

#[derive(Debug)]
pub(crate) struct RoleSummary {
    pub title: String,
    pub track: String,
    pub href: String,
    pub summary: Option<String>,
    pub next: Option<NextLevel>,
}

/// The level after a role level: its profile and what changes on the way to it.
#[derive(Debug)]
pub(crate) struct NextLevel {
    pub title: String,
    pub href: String,
    pub compare_href: String,
}

#[derive(Debug)]
pub(crate) struct PersonLink {
    pub name: String,
    pub href: String,
    pub role: String,
}

#[derive(Debug, Template)]
#[template(path = "home/home.html")]
struct HomePage {
    frame: Frame,
    name: String,
    role: Option<RoleSummary>,
    /// A role level that the current framework no longer has.
    role_missing: Option<String>,
    manager: Option<String>,
    team: Option<String>,
    reports: Vec<PersonLink>,
    indirect: usize,
    sees_everyone: bool,
    framework: Option<String>,
    /// Your person page: assessments, readiness, evidence.
    me_href: String,
    /// Requests for your input not yet answered.
    pending_requests: usize,
    /// What waits for you, oldest first.
    todo: Vec<TodoRow>,
}

#[derive(Debug)]
struct TodoRow {
    text: String,
    href: String,
    /// "since 2026-12-01", "on 2026-12-10", "due 2026-12-12".
    when: String,
}

pub async fn home(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Html<String>, WebError> {
    let store = state.store();
    let me = &caller.person;
    let current = state.current_framework().await?;
    let (role, role_missing) = match (&me.role_level, &current) {
        (Some(id), Some(p)) => match trellis_model::resolve(&p.framework, id) {
            Ok(profile) => {
                let next = profile.next.as_ref().map(|n| NextLevel {
                    title: role_title(&p.framework, n),
                    href: profile_href("current", n),
                    compare_href: compare_href("current", &profile.id, n),
                });
                (
                    Some(RoleSummary {
                        title: profile.title.clone(),
                        track: profile.track_name.clone(),
                        href: profile_href("current", &profile.id),
                        summary: profile.summary.clone(),
                        next,
                    }),
                    None,
                )
            }
            Err(_) => (None, Some(id.clone())),
        },
        (Some(id), None) => (None, Some(id.clone())),
        _ => (None, None),
    };
    let manager = match me.manager_id {
        Some(id) => Some(store.person(id).await?.name),
        None => None,
    };
    let team = match me.team_id {
        Some(id) => store
            .teams()
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .map(|t| t.name),
        None => None,
    };
    let all_reports = store.reports(me.id).await?;
    let reports: Vec<PersonLink> = all_reports
        .iter()
        .filter(|p| p.manager_id == Some(me.id))
        .map(|p| PersonLink {
            name: p.name.clone(),
            href: format!("/people/{}", p.id),
            role: match (&p.role_level, &current) {
                (Some(id), Some(c)) => role_title(&c.framework, id),
                (Some(id), None) => id.clone(),
                (None, _) => "No role level yet".into(),
            },
        })
        .collect();
    let pending_requests = store
        .peer_requests_for(me.id)
        .await?
        .iter()
        .filter(|r| r.submitted_at.is_none())
        .count();
    let todo = state
        .app()
        .todo()
        .of(&caller.actor(&ctx))
        .await?
        .into_iter()
        .map(|t| TodoRow {
            when: match (t.kind, t.due) {
                ("check-in", Some(d)) => format!("on {d}"),
                (_, Some(d)) => format!("due {d}"),
                (_, None) => format!("since {}", trellis_app::time::date(t.since)),
            },
            text: t.text,
            href: t.href,
        })
        .collect();
    let page = HomePage {
        todo,
        frame: Frame::new(Some(&ctx), "Home", "home"),
        me_href: format!("/people/{}", me.id),
        pending_requests,
        name: me.name.clone(),
        role,
        role_missing,
        manager,
        team,
        indirect: all_reports.len() - reports.len(),
        reports,
        sees_everyone: me.system_role != SystemRole::Member,
        framework: current
            .as_ref()
            .map(|c| name_with_version(&c.summary.name, &c.summary.version)),
    };
    render(&page)
}
