//! Accounts: the list, creating one, changing one and resetting its password.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::accounts::{self, AccountChanges, NewAccount};
use trellis_store::prelude::*;
use trellis_store::{Person, PersonId, SystemRole};

use crate::auth::{self, Ctx, Me};
use crate::error::WebError;
use crate::extract::{PageForm, PathParams, QueryParams};
use crate::html::view::{Choice, FieldErrors, role_level_options, role_title_with_track};
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

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
    roles: Vec<Choice>,
    role_levels: Vec<Choice>,
    managers: Vec<Choice>,
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
        .map(|p| Choice::new(p.id.to_string(), format!("{} ({})", p.name, p.email)))
        .collect();
    let teams = store.teams().await?.into_iter().map(|t| t.name).collect();
    Ok(Choices {
        roles: ROLES
            .iter()
            .map(|(value, label)| Choice::new(*value, *label))
            .collect(),
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
    FieldErrors::from(problems)
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

/// The account just created, shown once with its temporary password.
#[derive(Debug)]
struct CreatedAccount {
    name: String,
    email: String,
    password: String,
}

#[derive(Debug, Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    frame: Frame,
    admin_section: &'static str,
    rows: Vec<AccountRow>,
    /// How many accounts match the filters (the list shows at most [`ACCOUNTS_SHOWN`]).
    matching: usize,
    total: usize,
    filter: AccountsFilter,
    form: AccountForm,
    errors: FieldErrors,
    choices: Choices,
    created: Option<CreatedAccount>,
    /// Whether people can reset a forgotten password themselves (email is set up).
    resets_by_email: bool,
}

fn role_label(r: SystemRole) -> &'static str {
    match r {
        SystemRole::Admin => "Administrator",
        SystemRole::PeopleTeam => "People team",
        SystemRole::Member => "Member",
    }
}

/// How many accounts the list shows at once: search to find others.
const ACCOUNTS_SHOWN: usize = 200;

/// The account list's filters: text in the name or email, access, status.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AccountsFilter {
    q: String,
    role: String,
    status: String,
}

impl AccountsFilter {
    fn keeps(&self, p: &trellis_store::Person) -> bool {
        let q = self.q.trim().to_lowercase();
        (q.is_empty() || p.name.to_lowercase().contains(&q) || p.email.contains(&q))
            && (self.role.is_empty() || p.system_role.as_str() == self.role)
            && match self.status.as_str() {
                "active" => p.active,
                "inactive" => !p.active,
                _ => true,
            }
    }
}

async fn accounts_page(
    state: &AppState,
    ctx: &Ctx,
    form: AccountForm,
    errors: FieldErrors,
    created: Option<CreatedAccount>,
    filter: AccountsFilter,
) -> Result<AccountsPage, WebError> {
    let store = state.store();
    let everyone = store.people().await?;
    let total = everyone.len();
    let teams: HashMap<i64, String> = store
        .teams()
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let names: HashMap<PersonId, String> =
        everyone.iter().map(|p| (p.id, p.name.clone())).collect();
    let current = state.current_framework().await?;
    let people: Vec<_> = everyone.iter().filter(|p| filter.keeps(p)).collect();
    let rows = people
        .iter()
        .take(ACCOUNTS_SHOWN)
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
        matching: people.len(),
        total,
        filter,
        form,
        errors,
        choices: choices(state, None).await?,
        created,
        resets_by_email: state.app().password_resets().by_email(),
    })
}

/// `GET /admin/accounts`: `?q=` (name or email), `role`, `status` (`active`, `inactive`).
pub async fn accounts(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    crate::extract::QueryParams(filter): crate::extract::QueryParams<AccountsFilter>,
) -> Result<Response, WebError> {
    let form = AccountForm {
        role: "member".into(),
        active: "on".into(),
        ..AccountForm::default()
    };
    let page = accounts_page(&state, &ctx, form, FieldErrors::default(), None, filter).await?;
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
        let page = accounts_page(&state, &ctx, f, errors, None, AccountsFilter::default()).await?;
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
                Some(CreatedAccount {
                    name: p.name,
                    email: p.email,
                    password,
                }),
                AccountsFilter::default(),
            )
            .await?;
            render_status(StatusCode::CREATED, &page)
        }
        Err(AppError::Invalid(problems)) => {
            let errors = field_errors(problems);
            let page =
                accounts_page(&state, &ctx, f, errors, None, AccountsFilter::default()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Template)]
#[template(path = "admin/account.html")]
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

impl AccountPage {
    /// The page of an account with its form as given, and nothing to report.
    async fn of(
        state: &AppState,
        ctx: &Ctx,
        p: &Person,
        form: AccountForm,
    ) -> Result<AccountPage, WebError> {
        Ok(AccountPage {
            frame: Frame::new(Some(ctx), format!("Account: {}", p.name), "admin"),
            admin_section: "accounts",
            id: p.id,
            title: p.name.clone(),
            form,
            errors: FieldErrors::default(),
            conflict: None,
            choices: choices(state, Some(p.id)).await?,
            saved: false,
            new_password: None,
        })
    }
}

async fn load_person(state: &AppState, id: PersonId) -> Result<Person, WebError> {
    state.store().person(id).await.map_err(|e| match e {
        trellis_store::StoreError::NotFound(_) => {
            WebError::not_found_because("There is no such account.")
        }
        other => other.into(),
    })
}

pub async fn account(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<SavedQuery>,
) -> Result<Response, WebError> {
    let p = load_person(&state, id).await?;
    let form = AccountForm::from_person(&p, &state.team_names().await?);
    let page = AccountPage {
        saved: q.saved.is_some(),
        ..AccountPage::of(&state, &ctx, &p, form).await?
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
                role_level_since: None,
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
        AccountForm::from_person(&fresh, &state.team_names().await?)
    } else {
        f
    };
    let page = AccountPage {
        errors,
        conflict,
        ..AccountPage::of(&state, &ctx, &p, form).await?
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
    let form = AccountForm::from_person(&p, &state.team_names().await?);
    let page = AccountPage {
        new_password: Some(password),
        ..AccountPage::of(&state, &ctx, &p, form).await?
    };
    Ok(render(&page)?.into_response())
}
