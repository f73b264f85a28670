//! The people directory (teams and reporting lines) and person pages, limited to whom the caller
//! may see: themselves and their reports, or everyone for the people team and admins.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use trellis_store::{Person, PersonId, Store, SystemRole};

use super::view::{compare_href, profile_href, role_title, role_title_with_track};
use super::{Frame, render};
use crate::auth::{Caller, Me};
use crate::error::WebError;
use crate::extract::PathParams;
use crate::routes::may_see;
use crate::state::AppState;

/// The people a caller may see, ordered by name.
pub(crate) async fn visible_people<S: Store>(
    store: &S,
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
    Item(String, String, String),
    EndItem,
    Close,
}

#[derive(Debug, Template)]
#[template(path = "people.html")]
struct DirectoryPage {
    frame: Frame,
    everyone: bool,
    count: usize,
    teams: Vec<TeamView>,
    tree: Vec<TreeEvent>,
}

pub async fn directory<S: Store>(
    State(state): State<AppState<S>>,
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
            out.push(TreeEvent::Item(
                p.name.clone(),
                format!("/people/{}", p.id),
                role(p),
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

#[derive(Debug)]
struct Link {
    name: String,
    href: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "person.html")]
struct PersonPage {
    frame: Frame,
    name: String,
    email: String,
    is_self: bool,
    team: Option<String>,
    role: Option<(String, String)>,
    role_since: Option<String>,
    next: Option<(String, String)>,
    manager: Option<Link>,
    reports: Vec<(String, String, String)>,
    system_role: &'static str,
    active: bool,
    edit_href: Option<String>,
}

pub async fn person<S: Store>(
    State(state): State<AppState<S>>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Html<String>, WebError> {
    let store = state.store();
    let p = store.person(id).await.map_err(|e| match e {
        trellis_store::StoreError::NotFound(_) => {
            WebError::not_found_because("There is no such person.")
        }
        other => other.into(),
    })?;
    let current = state.current_framework().await?;
    let team = match p.team_id {
        Some(tid) => store
            .teams()
            .await?
            .into_iter()
            .find(|t| t.id == tid)
            .map(|t| t.name),
        None => None,
    };
    let (role, next) = match (&p.role_level, &current) {
        (Some(rid), Some(c)) => {
            let fw = &c.framework;
            let next = trellis_model::resolve(fw, rid)
                .ok()
                .and_then(|prof| prof.next)
                .map(|n| (role_title(fw, &n), compare_href("current", rid, &n)));
            (
                Some((role_title_with_track(fw, rid), profile_href("current", rid))),
                next,
            )
        }
        (Some(rid), None) => (Some((rid.clone(), String::new())), None),
        _ => (None, None),
    };
    let manager = match p.manager_id {
        Some(mid) => {
            let m = store.person(mid).await?;
            let href = may_see(store, &caller, mid)
                .await?
                .then(|| format!("/people/{mid}"));
            Some(Link { name: m.name, href })
        }
        None => None,
    };
    let reports = store
        .reports(p.id)
        .await?
        .into_iter()
        .filter(|r| r.manager_id == Some(p.id))
        .map(|r| {
            let role = match (&r.role_level, &current) {
                (Some(rid), Some(c)) => role_title(&c.framework, rid),
                _ => String::new(),
            };
            (r.name, format!("/people/{}", r.id), role)
        })
        .collect();
    let page = PersonPage {
        frame: Frame::new(Some(&ctx), p.name.clone(), "people"),
        name: p.name.clone(),
        email: p.email.clone(),
        is_self: p.id == caller.id(),
        team,
        role,
        role_since: p.role_level_since.map(crate::time::date),
        next,
        manager,
        reports,
        system_role: match p.system_role {
            SystemRole::Admin => "Administrator",
            SystemRole::PeopleTeam => "People team",
            SystemRole::Member => "Member",
        },
        active: p.active,
        edit_href: (caller.role() == SystemRole::Admin)
            .then(|| format!("/admin/accounts/{}", p.id)),
    };
    render(&page)
}
