//! Administration: accounts, framework versions and the audit log. Admins only (see the route table).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trellis_store::{AuditFilter, Outcome, Person, PersonId, SystemRole};

use super::view::{FieldErrors, role_level_options, role_title_with_track};
use super::{Frame, render, render_status};
use crate::auth::{self, Ctx, Me};
use crate::error::WebError;
use crate::extract::{PageForm, PathParams, QueryParams};
use crate::state::AppState;
use trellis_app::AppError;
use trellis_app::accounts::{self, AccountChanges, NewAccount};
use trellis_app::time::{date_time, day_ms, parse_date};
use trellis_store::prelude::*;

const ROLES: [(&str, &str); 3] = [
    (
        "member",
        "Member: sees their own records, and their reports' if they manage people",
    ),
    ("people-team", "People team: sees everyone's records"),
    ("admin", "Administrator: also manages accounts"),
];

/// The account form as shown: what was typed, or what is stored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    email: String,
    name: String,
    role: String,
    team: String,
    manager_id: String,
    role_level: String,
    active: String,
    revision: String,
}

impl AccountForm {
    fn from_person(p: &Person, teams: &HashMap<i64, String>) -> AccountForm {
        AccountForm {
            email: p.email.clone(),
            name: p.name.clone(),
            role: p.system_role.as_str().to_owned(),
            team: p
                .team_id
                .and_then(|t| teams.get(&t).cloned())
                .unwrap_or_default(),
            manager_id: p.manager_id.map(|m| m.to_string()).unwrap_or_default(),
            role_level: p.role_level.clone().unwrap_or_default(),
            active: if p.active { "on".into() } else { String::new() },
            revision: p.revision.to_string(),
        }
    }

    fn is_active(&self) -> bool {
        !self.active.is_empty()
    }
}

/// The choices the account form offers.
#[derive(Debug)]
struct Choices {
    roles: Vec<(&'static str, &'static str)>,
    role_levels: Vec<(String, String)>,
    managers: Vec<(String, String)>,
    teams: Vec<String>,
}

async fn choices(state: &AppState, except: Option<PersonId>) -> Result<Choices, WebError> {
    let store = state.store();
    let role_levels = state
        .current_framework()
        .await?
        .map(|c| role_level_options(&c.framework))
        .unwrap_or_default();
    let managers = store
        .people()
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != except && p.active)
        .map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.email)))
        .collect();
    let teams = store.teams().await?.into_iter().map(|t| t.name).collect();
    Ok(Choices {
        roles: ROLES.to_vec(),
        role_levels,
        managers,
        teams,
    })
}

fn parse_role(role: &str, errors: &mut FieldErrors) -> SystemRole {
    match SystemRole::parse(role.trim()) {
        Some(r) => r,
        None => {
            errors.add("role", "Choose member, people team or administrator.");
            SystemRole::Member
        }
    }
}

fn parse_manager(manager: &str, errors: &mut FieldErrors) -> Option<PersonId> {
    let m = manager.trim();
    if m.is_empty() {
        return None;
    }
    match m.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add("manager_id", "Choose a manager from the list.");
            None
        }
    }
}

fn field_errors(problems: Vec<trellis_app::FieldProblem>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for p in problems {
        errors.add(p.field, p.message);
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// Accounts.

#[derive(Debug)]
struct AccountRow {
    href: String,
    name: String,
    email: String,
    role: &'static str,
    team: String,
    manager: String,
    role_level: String,
    active: bool,
}

#[derive(Debug, Template)]
#[template(path = "admin_accounts.html")]
struct AccountsPage {
    frame: Frame,
    admin_section: &'static str,
    rows: Vec<AccountRow>,
    form: AccountForm,
    errors: FieldErrors,
    choices: Choices,
    /// (name, email, temporary password) of the account just created.
    created: Option<(String, String, String)>,
}

fn role_label(r: SystemRole) -> &'static str {
    match r {
        SystemRole::Admin => "Administrator",
        SystemRole::PeopleTeam => "People team",
        SystemRole::Member => "Member",
    }
}

async fn accounts_page(
    state: &AppState,
    ctx: &Ctx,
    form: AccountForm,
    errors: FieldErrors,
    created: Option<(String, String, String)>,
) -> Result<AccountsPage, WebError> {
    let store = state.store();
    let people = store.people().await?;
    let teams: HashMap<i64, String> = store
        .teams()
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let names: HashMap<PersonId, String> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let current = state.current_framework().await?;
    let rows = people
        .iter()
        .map(|p| AccountRow {
            href: format!("/admin/accounts/{}", p.id),
            name: p.name.clone(),
            email: p.email.clone(),
            role: role_label(p.system_role),
            team: p
                .team_id
                .and_then(|t| teams.get(&t).cloned())
                .unwrap_or_default(),
            manager: p
                .manager_id
                .and_then(|m| names.get(&m).cloned())
                .unwrap_or_default(),
            role_level: match (&p.role_level, &current) {
                (Some(r), Some(c)) => role_title_with_track(&c.framework, r),
                (Some(r), None) => r.clone(),
                (None, _) => String::new(),
            },
            active: p.active,
        })
        .collect();
    Ok(AccountsPage {
        frame: Frame::new(Some(ctx), "Accounts", "admin"),
        admin_section: "accounts",
        rows,
        form,
        errors,
        choices: choices(state, None).await?,
        created,
    })
}

pub async fn accounts(State(state): State<AppState>, Me(_, ctx): Me) -> Result<Response, WebError> {
    let form = AccountForm {
        role: "member".into(),
        active: "on".into(),
        ..AccountForm::default()
    };
    let page = accounts_page(&state, &ctx, form, FieldErrors::default(), None).await?;
    Ok(render(&page)?.into_response())
}

pub async fn account_create(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PageForm(f): PageForm<AccountForm>,
) -> Result<Response, WebError> {
    let mut errors = FieldErrors::default();
    let role = parse_role(&f.role, &mut errors);
    let manager_id = parse_manager(&f.manager_id, &mut errors);
    if !errors.is_empty() {
        let page = accounts_page(&state, &ctx, f, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    // A temporary password, shown once to the administrator to pass on.
    let password = auth::generate_password();
    let hash = auth::hash_blocking(password.clone()).await?;
    let result = accounts::create(
        state.app(),
        &ctx.audit(),
        NewAccount {
            email: f.email.clone(),
            name: f.name.clone(),
            role,
            team: Some(f.team.clone()),
            manager_id,
            role_level: Some(f.role_level.clone()),
            password_hash: Some(hash),
        },
    )
    .await;
    match result {
        Ok(p) => {
            let form = AccountForm {
                role: "member".into(),
                active: "on".into(),
                ..AccountForm::default()
            };
            let page = accounts_page(
                &state,
                &ctx,
                form,
                FieldErrors::default(),
                Some((p.name, p.email, password)),
            )
            .await?;
            render_status(StatusCode::CREATED, &page)
        }
        Err(AppError::Invalid(problems)) => {
            let page = accounts_page(&state, &ctx, f, field_errors(problems), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Template)]
#[template(path = "admin_account.html")]
struct AccountPage {
    frame: Frame,
    admin_section: &'static str,
    id: PersonId,
    title: String,
    form: AccountForm,
    errors: FieldErrors,
    conflict: Option<String>,
    choices: Choices,
    saved: bool,
    new_password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn load_person(state: &AppState, id: PersonId) -> Result<Person, WebError> {
    state.store().person(id).await.map_err(|e| match e {
        trellis_store::StoreError::NotFound(_) => {
            WebError::not_found_because("There is no such account.")
        }
        other => other.into(),
    })
}

async fn team_names(state: &AppState) -> Result<HashMap<i64, String>, WebError> {
    Ok(state
        .store()
        .teams()
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

pub async fn account(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<SavedQuery>,
) -> Result<Response, WebError> {
    let p = load_person(&state, id).await?;
    let page = AccountPage {
        frame: Frame::new(Some(&ctx), format!("Account: {}", p.name), "admin"),
        admin_section: "accounts",
        id,
        title: p.name.clone(),
        form: AccountForm::from_person(&p, &team_names(&state).await?),
        errors: FieldErrors::default(),
        conflict: None,
        choices: choices(&state, Some(id)).await?,
        saved: q.saved.is_some(),
        new_password: None,
    };
    Ok(render(&page)?.into_response())
}

pub async fn account_update(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    PageForm(f): PageForm<AccountForm>,
) -> Result<Response, WebError> {
    let p = load_person(&state, id).await?;
    let mut errors = FieldErrors::default();
    let role = parse_role(&f.role, &mut errors);
    let manager_id = parse_manager(&f.manager_id, &mut errors);
    let revision = f.revision.trim().parse::<i64>().ok();
    let outcome = if errors.is_empty() {
        accounts::update(
            state.app(),
            &ctx.audit(),
            id,
            AccountChanges {
                email: Some(f.email.clone()),
                name: Some(f.name.clone()),
                role: Some(role),
                team: Some(Some(f.team.clone())),
                manager_id: Some(manager_id),
                role_level: Some(Some(f.role_level.clone())),
                active: Some(f.is_active()),
                expected_revision: revision,
            },
        )
        .await
    } else {
        Err(AppError::Invalid(Vec::new()))
    };
    let (status, errors, conflict) = match outcome {
        Ok(_) => {
            // Sessions carry their person (role, active): the next request reads them again.
            state.forget_sessions();
            return Ok(Redirect::to(&format!("/admin/accounts/{id}?saved=1")).into_response());
        }
        Err(AppError::Invalid(problems)) => {
            for p in problems {
                errors.add(p.field, p.message);
            }
            (StatusCode::UNPROCESSABLE_ENTITY, errors, None)
        }
        Err(AppError::Conflict { message, .. }) => (StatusCode::CONFLICT, errors, Some(message)),
        Err(e) => return Err(e.into()),
    };
    // On a conflict, show what is stored now, with its new revision.
    let form = if conflict.is_some() {
        let fresh = load_person(&state, id).await?;
        AccountForm::from_person(&fresh, &team_names(&state).await?)
    } else {
        f
    };
    let page = AccountPage {
        frame: Frame::new(Some(&ctx), format!("Account: {}", p.name), "admin"),
        admin_section: "accounts",
        id,
        title: p.name.clone(),
        form,
        errors,
        conflict,
        choices: choices(&state, Some(id)).await?,
        saved: false,
        new_password: None,
    };
    render_status(status, &page)
}

pub async fn account_reset_password(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Response, WebError> {
    let p = load_person(&state, id).await?;
    let password = auth::generate_password();
    let hash = auth::hash_blocking(password.clone()).await?;
    state.store().set_password(id, &hash, &ctx.audit()).await?;
    state.store().delete_sessions_of(id).await?;
    state.forget_sessions();
    let page = AccountPage {
        frame: Frame::new(Some(&ctx), format!("Account: {}", p.name), "admin"),
        admin_section: "accounts",
        id,
        title: p.name.clone(),
        form: AccountForm::from_person(&p, &team_names(&state).await?),
        errors: FieldErrors::default(),
        conflict: None,
        choices: choices(&state, Some(id)).await?,
        saved: false,
        new_password: Some(password),
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Framework versions.

#[derive(Debug)]
struct VersionRow {
    href: String,
    name: String,
    version: String,
    framework_id: String,
    published: String,
    by: String,
    current: bool,
}

#[derive(Debug, Template)]
#[template(path = "admin_frameworks.html")]
struct FrameworksPage {
    frame: Frame,
    admin_section: &'static str,
    rows: Vec<VersionRow>,
}

pub async fn frameworks(
    State(state): State<AppState>,
    Me(_, ctx): Me,
) -> Result<Response, WebError> {
    let store = state.store();
    let names: HashMap<PersonId, String> = store
        .people()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let current = state.current_framework().await?.map(|c| c.summary.id);
    let mut versions = store.framework_versions().await?;
    versions.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    let rows = versions
        .into_iter()
        .map(|v| VersionRow {
            href: format!("/frameworks/{}", v.id),
            current: Some(v.id) == current,
            name: v.name,
            version: v.version,
            framework_id: v.framework_id,
            published: date_time(v.published_at),
            by: v
                .published_by
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "Command line".into()),
        })
        .collect();
    let page = FrameworksPage {
        frame: Frame::new(Some(&ctx), "Framework versions", "admin"),
        admin_section: "frameworks",
        rows,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Audit log.

const AUDIT_PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
}

#[derive(Debug)]
struct AuditRow {
    at: String,
    actor: String,
    action: String,
    target: String,
    outcome: &'static str,
    ip: String,
    details: String,
}

#[derive(Debug, Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    frame: Frame,
    admin_section: &'static str,
    action: String,
    actor: String,
    outcome: String,
    from: String,
    to: String,
    errors: FieldErrors,
    rows: Vec<AuditRow>,
    older: Option<String>,
    first: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    QueryParams(q): QueryParams<AuditQuery>,
) -> Result<Response, WebError> {
    let store = state.store();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let (action, actor, outcome, from, to) = (
        text(&q.action),
        text(&q.actor),
        text(&q.outcome),
        text(&q.from),
        text(&q.to),
    );
    let mut errors = FieldErrors::default();
    let mut filter = AuditFilter {
        limit: AUDIT_PAGE,
        action_prefix: (!action.is_empty()).then(|| action.clone()),
        ..AuditFilter::default()
    };
    let mut no_match = false;
    if !actor.is_empty() {
        match actor.parse::<PersonId>() {
            Ok(id) => filter.actor_id = Some(id),
            Err(_) => match store.person_by_email(&actor.to_lowercase()).await? {
                Some(p) => filter.actor_id = Some(p.id),
                None => no_match = true,
            },
        }
    }
    if !outcome.is_empty() {
        match Outcome::parse(&outcome) {
            Some(o) => filter.outcome = Some(o),
            None => errors.add("outcome", "Choose success, failure or denied."),
        }
    }
    if !from.is_empty() {
        match parse_date(&from) {
            Some(t) => filter.since = Some(t),
            None => errors.add("from", "Enter a date as YYYY-MM-DD."),
        }
    }
    if !to.is_empty() {
        match parse_date(&to) {
            // Up to the end of that day (`until` is exclusive).
            Some(t) => filter.until = Some(t + day_ms()),
            None => errors.add("to", "Enter a date as YYYY-MM-DD."),
        }
    }
    filter.before_id = crate::extract::parse_id("before", q.before.as_deref())
        .ok()
        .flatten();
    let events = if errors.is_empty() && !no_match {
        store.audit_events(filter).await?
    } else {
        Vec::new()
    };
    let names: HashMap<PersonId, String> = store
        .people()
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} ({})", p.name, p.email)))
        .collect();
    let params = |before: Option<i64>| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("action", &action),
            ("actor", &actor),
            ("outcome", &outcome),
            ("from", &from),
            ("to", &to),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if let Some(b) = before {
            pairs.push(("before", b.to_string()));
        }
        format!(
            "/admin/audit?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let older = (events.len() == AUDIT_PAGE as usize)
        .then(|| events.last().map(|e| params(Some(e.id))))
        .flatten();
    let first = q.before.is_some().then(|| params(None));
    let rows = events
        .into_iter()
        .map(|e| AuditRow {
            at: date_time(e.at),
            actor: e
                .actor_id
                .map(|id| {
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("person {id}"))
                })
                .unwrap_or_else(|| "System or anonymous".into()),
            action: e.action,
            target: e.target,
            outcome: e.outcome.as_str(),
            ip: e.ip.unwrap_or_default(),
            details: if e.details.as_object().is_some_and(|o| o.is_empty()) || e.details.is_null() {
                String::new()
            } else {
                e.details.to_string()
            },
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        frame: Frame::new(Some(&ctx), "Audit log", "admin"),
        admin_section: "audit",
        action,
        actor,
        outcome,
        from,
        to,
        errors,
        rows,
        older,
        first,
    };
    render_status(status, &page)
}
