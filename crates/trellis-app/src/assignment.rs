//! The people team places people: a role level, a manager and a team, from today or from a later
//! day. A change for a later day waits, shown on the person's assignment page and cancellable,
//! and the server's daily run makes it on its day.

use trellis_store::prelude::*;
use trellis_store::{
    Audit, NewNotification, NewScheduledAssignment, Person, PersonId, ScheduledAssignment,
    StoreError,
};

use crate::access::{self, Actor};
use crate::accounts::{self, AccountChanges};
use crate::error::{AppError, AppResult};
use crate::time::{date, parse_date, today};
use crate::use_cases::{Accounts, audited};
use crate::{App, time};

/// A change of someone's place in the organisation, as the people team makes it.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    /// A role level of the current framework (`track/level`), or empty for none.
    pub role_level: String,
    /// Their manager's email, or empty for none.
    pub manager_email: String,
    /// A team's name (made when new), or empty for none.
    pub team: String,
    /// `YYYY-MM-DD`, empty for today. A later day makes the change wait for it; today or an
    /// earlier day makes it now, and a new role level is recorded as held since that day.
    pub effective_on: String,
    pub expected_revision: Option<i64>,
}

/// What an assignment did.
#[derive(Debug, Clone)]
pub enum Assigned {
    /// Changed now.
    Now(Person),
    /// Waits for its day.
    Later(ScheduledAssignment),
}

/// A waiting change with the names to show it by.
#[derive(Debug, Clone)]
pub struct WaitingChange {
    pub change: ScheduledAssignment,
    /// The new manager's name, when the manager changes to someone.
    pub manager_name: Option<String>,
    pub scheduled_by_name: Option<String>,
}

const PEOPLE_TEAM_ONLY: &str = "Role levels, managers and teams are assigned by the people team.";

impl Accounts<'_> {
    async fn staff_only(&self, actor: &Actor, id: PersonId) -> AppResult<()> {
        if access::is_staff(actor.role()) {
            return Ok(());
        }
        let target = format!("person:{id}");
        Err(access::deny(self.app.store(), &actor.audit(), target, PEOPLE_TEAM_ONLY).await)
    }

    /// Someone's current place (with their manager), for the people team's assignment form.
    pub async fn placement(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> AppResult<(Person, Option<Person>)> {
        self.staff_only(actor, id).await?;
        let store = self.app.store();
        let person = match store.person(id).await {
            Ok(p) => p,
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::not_found("There is no such person."));
            }
            Err(e) => return Err(e.into()),
        };
        let manager = match person.manager_id {
            Some(m) => Some(store.person(m).await?),
            None => None,
        };
        Ok((person, manager))
    }

    /// The change waiting for its day for someone, if any: for the people team.
    pub async fn waiting_change(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> AppResult<Option<WaitingChange>> {
        self.staff_only(actor, id).await?;
        let store = self.app.store();
        let Some(change) = store.scheduled_assignment(id).await? else {
            return Ok(None);
        };
        let name = async |p: Option<PersonId>| -> AppResult<Option<String>> {
            Ok(match p {
                Some(p) => Some(store.person(p).await?.name),
                None => None,
            })
        };
        Ok(Some(WaitingChange {
            manager_name: name(change.manager_id.flatten()).await?,
            scheduled_by_name: name(change.scheduled_by).await?,
            change,
        }))
    }

    /// Cancels the change waiting for someone; false when none waited.
    pub async fn cancel_waiting_change(&self, actor: &Actor, id: PersonId) -> AppResult<bool> {
        self.staff_only(actor, id).await?;
        let cancelled = self
            .app
            .store()
            .cancel_scheduled_assignment(id, &actor.audit())
            .await
            .map_err(AppError::from);
        audited(
            self.app,
            actor,
            "person.schedule-cancel",
            format!("person:{id}"),
            cancelled,
        )
    }

    /// Changes someone's role level, manager and team, now or from a later day: the people
    /// team's job, and admins'. Audited as `person.update` with the fields changed, or as
    /// `person.schedule` for a later day.
    pub async fn assign(&self, actor: &Actor, id: PersonId, a: Assignment) -> AppResult<Assigned> {
        self.staff_only(actor, id).await?;
        let assigned = assign(self.app, actor, id, a).await;
        let action = match &assigned {
            Ok(Assigned::Later(_)) => "person.schedule",
            _ => "person.update",
        };
        audited(self.app, actor, action, format!("person:{id}"), assigned)
    }
}

async fn assign(app: &App, actor: &Actor, id: PersonId, a: Assignment) -> AppResult<Assigned> {
    let store = app.store();
    let mut problems = Vec::new();
    let manager_id = match a.manager_email.trim() {
        "" => None,
        email => match store
            .person_by_email(&accounts::normalise_email(email))
            .await?
        {
            Some(m) if !m.active => {
                problems.push((
                    "manager",
                    format!("{} has left: choose someone active as manager.", m.name),
                ));
                None
            }
            Some(m) => Some(m.id),
            None => {
                problems.push((
                    "manager",
                    "No one in Trellis has that email address.".to_owned(),
                ));
                None
            }
        },
    };
    let since = match a.effective_on.trim() {
        "" => None,
        day => match parse_date(day) {
            Some(d) => Some(d),
            None => {
                problems.push((
                    "effective_on",
                    "Enter the date as YYYY-MM-DD, for example 2027-01-01.".to_owned(),
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(AppError::fields(problems));
    }
    let later = since.map(date).filter(|day| *day > today());
    let changes = AccountChanges {
        team: Some(Some(a.team.clone())),
        manager_id: Some(manager_id),
        role_level: Some(Some(a.role_level.clone())),
        // A change for a later day records its day when it is made.
        role_level_since: if later.is_some() { None } else { since },
        expected_revision: a.expected_revision,
        ..AccountChanges::default()
    };
    let Some(day) = later else {
        return accounts::update(app, &actor.audit(), id, changes)
            .await
            .map(Assigned::Now)
            .map_err(manager_by_email);
    };
    // Checked now as well as on the day, so that the people team hears of a problem now.
    let checked = accounts::check(app, id, changes)
        .await
        .map_err(manager_by_email)?;
    let team = if checked.changes_team(app).await? {
        checked.team.clone()
    } else {
        None
    };
    let new = NewScheduledAssignment {
        person_id: id,
        effective_on: day,
        role_level: checked.update.role_level.clone(),
        manager_id: checked.update.manager_id,
        team,
    };
    if new.role_level.is_none() && new.manager_id.is_none() && new.team.is_none() {
        return Err(AppError::field(
            "effective_on",
            "Nothing would change on that day: choose a new role level, manager or team, or \
             leave the date empty.",
        ));
    }
    Ok(Assigned::Later(
        store.schedule_assignment(new, &actor.audit()).await?,
    ))
}

/// The form names the manager by email, the account change by id.
fn manager_by_email(e: AppError) -> AppError {
    match e {
        AppError::Invalid(problems) => AppError::Invalid(
            problems
                .into_iter()
                .map(|mut p| {
                    if p.field == "manager_id" {
                        p.field = "manager".into();
                    }
                    p
                })
                .collect(),
        ),
        other => other,
    }
}

/// Makes the changes whose day is `today` or earlier (`YYYY-MM-DD`); returns how many were made.
/// One that can no longer be made (its manager left, its role level is gone) is marked so, and
/// whoever planned it is told why.
pub(crate) async fn apply_due(app: &App, today: &str) -> AppResult<usize> {
    let store = app.store();
    let mut made = 0;
    for s in store.scheduled_assignments_due(today).await? {
        let audit = Audit {
            actor_id: None,
            ip: None,
            at: time::now_millis(),
        };
        let changes = AccountChanges {
            role_level_since: s
                .role_level
                .is_some()
                .then(|| parse_date(&s.effective_on))
                .flatten(),
            role_level: s.role_level.clone(),
            manager_id: s.manager_id,
            team: s.team.clone(),
            ..AccountChanges::default()
        };
        let leaver = match s.manager_id.flatten() {
            Some(m) => Some(store.person(m).await?).filter(|m| !m.active),
            None => None,
        };
        let applied = match accounts::check(app, s.person_id, changes).await {
            // Checked on the day: the manager may have left since the change was planned.
            Ok(_) if let Some(m) = leaver => Err(StoreError::Invalid(format!(
                "{} has left, so cannot be their manager.",
                m.name
            ))),
            Ok(checked) => {
                let update =
                    accounts::with_team(app, &audit, checked.update, &checked.before, checked.team)
                        .await?;
                store.apply_scheduled_assignment(s.id, update, &audit).await
            }
            Err(AppError::Invalid(problems)) => Err(StoreError::Invalid(
                problems
                    .into_iter()
                    .map(|p| p.message)
                    .collect::<Vec<_>>()
                    .join(" "),
            )),
            Err(e) => return Err(e),
        };
        match applied {
            Ok(_) => made += 1,
            // Made or cancelled meanwhile, by another server or the people team.
            Err(StoreError::NotFound(_)) => {}
            Err(StoreError::Invalid(why) | StoreError::Conflict(why)) => {
                let person = store.person(s.person_id).await?;
                let notices = s
                    .scheduled_by
                    .map(|by| NewNotification {
                        person_id: by,
                        kind: "person.schedule-failed".into(),
                        subject: format!(
                            "The change to {}'s place planned for {} could not be made: {why}",
                            person.name, s.effective_on
                        ),
                        link: format!("/people/{}/assignment", s.person_id),
                    })
                    .into_iter()
                    .collect();
                match store
                    .fail_scheduled_assignment(s.id, &why, notices, &audit)
                    .await
                {
                    Ok(()) | Err(StoreError::NotFound(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(made)
}
