//! The people directory (teams and reporting lines), limited to whom the caller may see:
//! themselves and their reports, or everyone for the people team and admins.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use trellis_store::prelude::*;
use trellis_store::{Person, PersonId, SystemRole};
use trellis_store_sql::Database;

use crate::auth::{Caller, Me};
use crate::error::WebError;
use crate::html::view::role_title_with_track;
use crate::html::{Frame, render};
use crate::state::AppState;

/// The people a caller may see, ordered by name.
pub(crate) async fn visible_people(
    store: &Database,
    caller: &Caller,
) -> Result<Vec<Person>, WebError> {
    if caller.role() != SystemRole::Member {
        return Ok(store.people().await?);
    }
    let mut out = store.reports(caller.id()).await?;
    out.push(caller.person.clone());
    out.sort_by_key(|p| p.name.to_lowercase());
    Ok(out)
}

#[derive(Debug)]
struct Row {
    name: String,
    href: String,
    email: String,
    role: String,
    manager: String,
    active: bool,
}

#[derive(Debug)]
struct TeamView {
    name: String,
    people: Vec<Row>,
}

/// The reporting-line tree, flattened into list markup events.
#[derive(Debug)]
enum TreeEvent {
    Open,
    /// Name, page, role level, and the team matrix of those below them when they manage anyone.
    Item(String, String, String, Option<String>),
    EndItem,
    Close,
}

#[derive(Debug, Template)]
#[template(path = "people/directory.html")]
struct DirectoryPage {
    frame: Frame,
    everyone: bool,
    count: usize,
    teams: Vec<TeamView>,
    tree: Vec<TreeEvent>,
}

pub async fn directory(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Html<String>, WebError> {
    let store = state.store();
    let people = visible_people(store, &caller).await?;
    let current = state.current_framework().await?;
    let teams = store.teams().await?;
    let names: HashMap<PersonId, &str> = people.iter().map(|p| (p.id, p.name.as_str())).collect();
    let all_names: HashMap<PersonId, String> = if caller.role() == SystemRole::Member {
        // Managers of visible people who are not visible themselves are named, not linked.
        let mut m = HashMap::new();
        for p in &people {
            if let Some(id) = p.manager_id
                && !names.contains_key(&id)
            {
                m.insert(id, store.person(id).await?.name);
            }
        }
        m
    } else {
        HashMap::new()
    };
    let role = |p: &Person| match (&p.role_level, &current) {
        (Some(id), Some(c)) => role_title_with_track(&c.framework, id),
        (Some(id), None) => id.clone(),
        (None, _) => "No role level".into(),
    };
    let row = |p: &Person| Row {
        name: p.name.clone(),
        href: format!("/people/{}", p.id),
        email: p.email.clone(),
        role: role(p),
        manager: p
            .manager_id
            .and_then(|id| {
                names
                    .get(&id)
                    .map(|n| (*n).to_owned())
                    .or_else(|| all_names.get(&id).cloned())
            })
            .unwrap_or_else(|| "None".into()),
        active: p.active,
    };
    let mut team_views: Vec<TeamView> = teams
        .iter()
        .map(|t| TeamView {
            name: t.name.clone(),
            people: people
                .iter()
                .filter(|p| p.team_id == Some(t.id))
                .map(row)
                .collect(),
        })
        .filter(|t| !t.people.is_empty())
        .collect();
    let no_team: Vec<Row> = people
        .iter()
        .filter(|p| p.team_id.is_none())
        .map(row)
        .collect();
    if !no_team.is_empty() {
        team_views.push(TeamView {
            name: "No team".into(),
            people: no_team,
        });
    }

    // Reporting lines: roots are the visible people whose manager is not visible.
    let visible: HashSet<PersonId> = people.iter().map(|p| p.id).collect();
    let mut children: HashMap<Option<PersonId>, Vec<&Person>> = HashMap::new();
    for p in &people {
        let parent = p.manager_id.filter(|m| visible.contains(m));
        children.entry(parent).or_default().push(p);
    }
    let mut tree = Vec::new();
    fn walk(
        parent: Option<PersonId>,
        children: &HashMap<Option<PersonId>, Vec<&Person>>,
        role: &dyn Fn(&Person) -> String,
        out: &mut Vec<TreeEvent>,
        depth: usize,
    ) {
        let Some(kids) = children.get(&parent) else {
            return;
        };
        // Reporting lines cannot loop (the store refuses it), but stay bounded all the same.
        if depth > 64 {
            return;
        }
        out.push(TreeEvent::Open);
        for p in kids {
            let manages = children.contains_key(&Some(p.id));
            out.push(TreeEvent::Item(
                p.name.clone(),
                format!("/people/{}", p.id),
                role(p),
                manages.then(|| format!("/team/{}", p.id)),
            ));
            walk(Some(p.id), children, role, out, depth + 1);
            out.push(TreeEvent::EndItem);
        }
        out.push(TreeEvent::Close);
    }
    walk(None, &children, &role, &mut tree, 0);

    let page = DirectoryPage {
        frame: Frame::new(Some(&ctx), "People", "people"),
        everyone: caller.role() != SystemRole::Member,
        count: people.len(),
        teams: team_views,
        tree,
    };
    render(&page)
}
