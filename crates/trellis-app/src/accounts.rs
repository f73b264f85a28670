//! Creating and changing accounts, shared by the admin pages and the JSON API so that both check the
//! same things and say the same things about each field.

use trellis_store::prelude::*;
use trellis_store::{Audit, LAST_ADMIN, NewPerson, Person, PersonId, PersonUpdate, SystemRole};
use trellis_store_sql::Database;

use crate::App;
use crate::error::{AppError, AppResult};

/// Problems with an account change, by field.
pub type FieldProblems = Vec<(&'static str, String)>;

/// What a new account is made of, as typed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: SystemRole,
    pub team: Option<String>,
    pub manager_id: Option<PersonId>,
    pub role_level: Option<String>,
    /// The password hash, when one is set at creation.
    pub password_hash: Option<String>,
}

/// Changes to an account; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<SystemRole>,
    pub team: Option<Option<String>>,
    pub manager_id: Option<Option<PersonId>>,
    pub role_level: Option<Option<String>>,
    /// When the role level takes effect (default: now); see `PersonUpdate::role_level_since`.
    pub role_level_since: Option<trellis_store::Millis>,
    pub active: Option<bool>,
    pub expected_revision: Option<i64>,
}

/// Optional text as given, trimmed; `None` when it is blank.
fn non_blank(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn email_problem(email: &str) -> Option<&'static str> {
    let Some((local, domain)) = email.split_once('@') else {
        return Some("Enter an email address like name@example.org.");
    };
    if email.is_empty() {
        Some("Enter an email address.")
    } else if email.len() > 254 {
        Some("Email addresses have at most 254 characters.")
    } else if local.is_empty()
        || domain.is_empty()
        || domain.contains('@')
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Some("Enter an email address like name@example.org.")
    } else {
        None
    }
}

pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("Enter a name.")
    } else if name.chars().count() > 200 {
        Some("Use at most 200 characters.")
    } else if name.chars().any(char::is_control) {
        Some("A name cannot contain control characters.")
    } else {
        None
    }
}

pub(crate) fn team_problem(team: &str) -> Option<&'static str> {
    if team.chars().count() > 100 {
        Some("Use at most 100 characters.")
    } else if team.chars().any(char::is_control) {
        Some("A team name cannot contain control characters.")
    } else {
        None
    }
}

/// Checks a role level against the current framework, returning the version it is assigned on.
async fn role_level_version(
    app: &App,
    role_level: &str,
    problems: &mut FieldProblems,
) -> AppResult<Option<i64>> {
    match app.current_framework().await? {
        Some(c) if c.framework.role_level(role_level).is_some() => Ok(Some(c.summary.id)),
        Some(_) => {
            problems.push((
                "role_level",
                format!("There is no role level `{role_level}` in the current framework."),
            ));
            Ok(None)
        }
        None => {
            problems.push((
                "role_level",
                "No framework is published yet, so no role level can be assigned.".into(),
            ));
            Ok(None)
        }
    }
}

async fn manager_exists(
    store: &Database,
    manager: PersonId,
    problems: &mut FieldProblems,
) -> AppResult<()> {
    match store.person(manager).await {
        Ok(_) => Ok(()),
        Err(trellis_store::StoreError::NotFound(_)) => {
            problems.push((
                "manager_id",
                format!("There is no person with id {manager}."),
            ));
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(app: &App, audit: &Audit, new: NewAccount) -> AppResult<Person> {
    let store = app.store();
    let (person, team) = checked(app, new).await?;
    let team_id = match team {
        Some(t) => Some(store.ensure_team(&t, audit).await?.id),
        None => None,
    };
    Ok(store
        .create_person(NewPerson { team_id, ..person }, audit)
        .await?)
}

/// A new account checked (every problem named by its field), ready to write: the person without
/// their team, and the team's name, which may be new.
pub(crate) async fn checked(app: &App, new: NewAccount) -> AppResult<(NewPerson, Option<String>)> {
    let store = app.store();
    let mut problems = FieldProblems::new();
    let email = normalise_email(&new.email);
    let name = new.name.trim().to_owned();
    if let Some(p) = email_problem(&email) {
        problems.push(("email", p.into()));
    } else if store.person_by_email(&email).await?.is_some() {
        problems.push(("email", "That email address is already in use.".into()));
    }
    if let Some(p) = name_problem(&name) {
        problems.push(("name", p.into()));
    }
    let team = non_blank(new.team.as_deref());
    if let Some(p) = team.as_deref().and_then(team_problem) {
        problems.push(("team", p.into()));
    }
    if let Some(m) = new.manager_id {
        manager_exists(store, m, &mut problems).await?;
    }
    let role_level = non_blank(new.role_level.as_deref());
    let version = match &role_level {
        Some(r) => role_level_version(app, r, &mut problems).await?,
        None => None,
    };
    if !problems.is_empty() {
        return Err(AppError::fields(problems));
    }
    let person = NewPerson {
        email,
        name,
        team_id: None,
        manager_id: new.manager_id,
        role_level,
        role_level_version: version,
        system_role: new.role,
        password_hash: new.password_hash,
    };
    Ok((person, team))
}

/// A change checked against the person as stored, not yet written.
#[derive(Debug)]
pub(crate) struct CheckedChange {
    pub before: Person,
    pub update: PersonUpdate,
    /// The team by name (`Some(None)`: none), made when it is written if new.
    pub team: Option<Option<String>>,
    admin_field: &'static str,
}

impl CheckedChange {
    /// Whether the change moves the person to another team (names compare as the store does).
    pub(crate) async fn changes_team(&self, app: &App) -> AppResult<bool> {
        let Some(team) = &self.team else {
            return Ok(false);
        };
        let now = match self.before.team_id {
            Some(t) => app
                .store()
                .teams()
                .await?
                .into_iter()
                .find(|x| x.id == t)
                .map(|x| x.name),
            None => None,
        };
        let key = |n: &Option<String>| n.as_deref().map(trellis_store::backend::team_key);
        Ok(key(team) != key(&now))
    }
}

pub async fn update(
    app: &App,
    audit: &Audit,
    id: PersonId,
    changes: AccountChanges,
) -> AppResult<Person> {
    let checked = check(app, id, changes).await?;
    let update = with_team(app, audit, checked.update, &checked.before, checked.team).await?;
    let before = checked.before;
    let admin_field = checked.admin_field;
    let store = app.store();
    match store.update_person(id, update, audit).await {
        Ok(after) => Ok(after),
        // Another administrator lost the role meanwhile, and this change would leave none.
        Err(trellis_store::StoreError::Conflict(m)) if m == LAST_ADMIN => {
            Err(AppError::field(admin_field, ONLY_ADMIN))
        }
        // Someone saved in between our read and our write: say so like any stale revision.
        Err(trellis_store::StoreError::Conflict(m)) => match store.person(id).await {
            Ok(now) if now.revision != before.revision => Err(stale(now.revision)),
            _ => Err(AppError::conflict(m)),
        },
        Err(e) => Err(e.into()),
    }
}

/// Checks a change of a person, writing nothing: the field problems, a stale revision, and the
/// store's update it makes (the team aside, by name).
pub(crate) async fn check(
    app: &App,
    id: PersonId,
    changes: AccountChanges,
) -> AppResult<CheckedChange> {
    let store = app.store();
    let before = store.person(id).await.map_err(|e| match e {
        trellis_store::StoreError::NotFound(_) => AppError::not_found("There is no such person."),
        other => other.into(),
    })?;
    if let Some(expected) = changes.expected_revision
        && expected != before.revision
    {
        return Err(stale(before.revision));
    }
    let mut problems = FieldProblems::new();
    let mut update = PersonUpdate {
        expected_revision: changes.expected_revision,
        role_level_since: changes.role_level_since,
        ..PersonUpdate::default()
    };
    if let Some(email) = changes.email.as_deref().map(normalise_email)
        && email != before.email
    {
        if let Some(p) = email_problem(&email) {
            problems.push(("email", p.into()));
        } else if store.person_by_email(&email).await?.is_some() {
            problems.push(("email", "That email address is already in use.".into()));
        }
        update.email = Some(email);
    }
    if let Some(name) = changes.name.as_deref().map(str::trim)
        && name != before.name
    {
        if let Some(p) = name_problem(name) {
            problems.push(("name", p.into()));
        }
        update.name = Some(name.to_owned());
    }
    if let Some(role) = changes.role
        && role != before.system_role
    {
        update.system_role = Some(role);
    }
    if let Some(active) = changes.active
        && active != before.active
    {
        update.active = Some(active);
    }
    // Never leave the organisation without an active administrator.
    let loses_admin = before.system_role == SystemRole::Admin
        && before.active
        && (update.system_role.is_some_and(|r| r != SystemRole::Admin)
            || update.active == Some(false));
    let admin_field = if update.active == Some(false) {
        "active"
    } else {
        "role"
    };
    // Checked here to answer with the other problems; the store checks again in the change's own
    // transaction, which is what holds when two admins change at once.
    if loses_admin && store.count_admins().await? <= 1 {
        problems.push((admin_field, ONLY_ADMIN.into()));
    }
    let mut team_name = None;
    if let Some(team) = &changes.team {
        let team = non_blank(team.as_deref());
        if let Some(p) = team.as_deref().and_then(team_problem) {
            problems.push(("team", p.into()));
        }
        team_name = Some(team);
    }
    if let Some(manager) = changes.manager_id
        && manager != before.manager_id
    {
        if let Some(m) = manager {
            if m == id {
                problems.push(("manager_id", "A person cannot be their own manager.".into()));
            } else {
                manager_exists(store, m, &mut problems).await?;
                if store.reports(id).await?.iter().any(|r| r.id == m) {
                    problems.push((
                        "manager_id",
                        "That person reports to this one, so they cannot also be their manager."
                            .into(),
                    ));
                }
            }
        }
        update.manager_id = Some(manager);
    }
    if let Some(role_level) = &changes.role_level {
        let role_level = non_blank(role_level.as_deref());
        if role_level != before.role_level {
            let version = match &role_level {
                Some(r) => role_level_version(app, r, &mut problems).await?,
                None => None,
            };
            update.role_level_version = Some(version);
            update.role_level = Some(role_level);
        }
    }
    if !problems.is_empty() {
        return Err(AppError::fields(problems));
    }
    Ok(CheckedChange {
        before,
        update,
        team: team_name,
        admin_field,
    })
}

/// The update with the team set by its id, the team made (and audited) when new.
pub(crate) async fn with_team(
    app: &App,
    audit: &Audit,
    mut update: PersonUpdate,
    before: &Person,
    team: Option<Option<String>>,
) -> AppResult<PersonUpdate> {
    if let Some(team) = team {
        let team_id = match team {
            Some(t) => Some(app.store().ensure_team(&t, audit).await?.id),
            None => None,
        };
        if team_id != before.team_id {
            update.team_id = Some(team_id);
        }
    }
    Ok(update)
}

const ONLY_ADMIN: &str =
    "This is the only active administrator; make someone else an administrator first.";

fn stale(current: i64) -> AppError {
    AppError::conflict(format!(
        "Someone else changed this person since you loaded it (it is now at revision {current}). \
         Reload and make your change again."
    ))
    .with_field("revision")
}
