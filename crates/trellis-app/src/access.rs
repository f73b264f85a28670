//! Who may see and do what: the relation rules, in one place, used by every use case, by the web
//! routes' rules and by the command line.
//!
//! - a person's records (assessments, evidence, readiness, their team) are seen by the person,
//!   every manager above them in their reporting line (direct, skip-level and further up), the
//!   people team and admins; never by another member;
//! - the person rates themselves; a manager in their reporting line rates them and records the
//!   agreed outcome; the people team sees everything but does not rate;
//! - a peer sees only the request addressed to them and what they wrote;
//! - accounts are managed by admins; framework content is seen by everyone signed in.

use std::cell::Cell;
use std::future::Future;

use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{
    Audit, Millis, NewAuditEvent, Outcome, Person, PersonId, RaterKind, StoreError, StoreResult,
    SystemRole,
};
use trellis_store_sql::Database;

use crate::error::AppError;
use crate::time::now_millis;

pub use trellis_store::MAX_REPORTING_LINE;

/// Who is acting: a signed-in person, and the address they act from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub person: Person,
    /// The client address as the server saw it, when there is one.
    pub ip: Option<String>,
}

impl Actor {
    pub fn new(person: Person, ip: Option<String>) -> Actor {
        Actor { person, ip }
    }

    pub fn id(&self) -> PersonId {
        self.person.id
    }

    pub fn role(&self) -> SystemRole {
        self.person.system_role
    }

    /// The audit context of something this actor does now.
    pub fn audit(&self) -> Audit {
        Audit {
            actor_id: Some(self.person.id),
            ip: self.ip.clone(),
            at: now_millis(),
        }
    }
}

/// Whether a system role sees every person's records: the people team and admins.
pub fn is_staff(role: SystemRole) -> bool {
    matches!(role, SystemRole::PeopleTeam | SystemRole::Admin)
}

/// How an actor stands to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Myself,
    /// A manager in the person's reporting line, direct or indirect.
    Manager,
    /// The people team or an admin, outside the person's reporting line.
    Staff,
    Unrelated,
}

impl Relation {
    /// The relation of `actor` to `person`, given the managers above the person (nearest first; the
    /// walk may stop at the actor). Every relation decision goes through here, which is how the web
    /// routes know that a use case decided (see [`track_decisions`]).
    pub fn of(actor: &Person, person: &Person, managers: &[PersonId]) -> Relation {
        note_decision();
        if actor.id == person.id {
            Relation::Myself
        } else if managers.contains(&actor.id) {
            Relation::Manager
        } else if is_staff(actor.system_role) {
            Relation::Staff
        } else {
            Relation::Unrelated
        }
    }

    /// Sees the person's assessments, evidence, readiness and team.
    pub fn may_view(self) -> bool {
        self != Relation::Unrelated
    }

    /// Asks a peer for input on the person's assessment.
    pub fn may_request_peers(self) -> bool {
        matches!(self, Relation::Myself | Relation::Manager)
    }

    /// Rates at a stage: the person for `self`, a manager in their line for `manager` and
    /// `agreed`; peers only through a request.
    pub fn may_rate(self, kind: RaterKind) -> bool {
        match kind {
            RaterKind::SelfRater => self == Relation::Myself,
            RaterKind::Manager | RaterKind::Agreed => self == Relation::Manager,
            RaterKind::Peer => false,
        }
    }
}

/// How an actor stands to a series of 1:1 check-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// The person the conversation is about.
    Person,
    /// The other one of the pair: their manager, a mentor.
    Partner,
    /// An administrator who recorded an exception to the pair's privacy, with a reason the person
    /// sees, within [`BREAK_GLASS_FOR`]: reads what the pair shares, writes nothing.
    BrokeGlass,
}

/// How long an administrator's recorded exception lets them read a pair's check-ins.
pub const BREAK_GLASS_FOR: Millis = 24 * 60 * 60 * 1000;

impl Seat {
    /// The seat of `actor` at the check-ins of `person` and `partner`, given when the actor last
    /// recorded an exception to their privacy. Nobody else has one: not managers further up the
    /// line, not the people team, not administrators without a recorded reason.
    pub fn of(
        actor: &Person,
        person: PersonId,
        partner: PersonId,
        broke_glass_at: Option<Millis>,
        now: Millis,
    ) -> Option<Seat> {
        note_decision();
        if actor.id == person {
            Some(Seat::Person)
        } else if actor.id == partner {
            Some(Seat::Partner)
        } else if actor.system_role == SystemRole::Admin
            && broke_glass_at.is_some_and(|at| now - at < BREAK_GLASS_FOR)
        {
            Some(Seat::BrokeGlass)
        } else {
            None
        }
    }

    /// Adds to the agenda, writes notes, raises and closes actions, holds and moves meetings.
    pub fn may_write(self) -> bool {
        self != Seat::BrokeGlass
    }
}

/// A person whose records an actor asked for, with the managers above them, nearest first, up to
/// the actor when the actor is one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub person: Person,
    pub managers: Vec<PersonId>,
}

impl Seen {
    pub fn relation(&self, actor: &Person) -> Relation {
        Relation::of(actor, &self.person, &self.managers)
    }
}

/// The managers above a person, nearest first, stopping after `stop_at` when it is met (the rest of
/// the line does not change what that manager may see).
///
/// Walks up the person's line rather than listing the actor's reports: a few lookups by key
/// whatever the size of the organisation, where the head of a large one has thousands of reports.
pub async fn reporting_line(
    store: &Database,
    person: &Person,
    stop_at: Option<PersonId>,
) -> StoreResult<Vec<PersonId>> {
    let mut managers = Vec::new();
    let mut next = person.manager_id;
    while let Some(m) = next {
        if managers.contains(&m) || managers.len() >= MAX_REPORTING_LINE {
            break;
        }
        managers.push(m);
        if Some(m) == stop_at {
            break;
        }
        next = store.person(m).await?.manager_id;
    }
    Ok(managers)
}

/// A person and the managers above them up to the actor; `None` when there is no such person.
/// People looking at their own records need no walk: nothing above them changes what they see.
pub async fn seen(store: &Database, actor: &Person, id: PersonId) -> StoreResult<Option<Seen>> {
    if id == actor.id {
        return Ok(Some(Seen {
            person: actor.clone(),
            managers: Vec::new(),
        }));
    }
    let person = match store.person(id).await {
        Ok(p) => p,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let managers = reporting_line(store, &person, Some(actor.id)).await?;
    Ok(Some(Seen { person, managers }))
}

tokio::task_local! {
    static DECIDED: Cell<bool>;
}

/// Runs a request's work and says whether a relation decision ([`Relation::of`]) was made in it.
/// Routes whose rule is about a person leave the decision to the use case, which reads the person
/// and their reporting line with the data it returns; the route checks afterwards that it did.
pub async fn track_decisions<F: Future>(work: F) -> (F::Output, bool) {
    DECIDED
        .scope(Cell::new(false), async {
            let out = work.await;
            (out, DECIDED.with(Cell::get))
        })
        .await
}

pub(crate) fn note_decision() {
    let _ = DECIDED.try_with(|d| d.set(true));
}

/// Refuses with [`AppError::Forbidden`], recording the refusal in the audit log first. For a
/// caller who may see the record (or knows it exists) but may not do this; one who may not see it
/// is answered with [`hide`].
pub async fn deny(
    store: &Database,
    audit: &Audit,
    target: String,
    message: impl Into<String>,
) -> AppError {
    let message = message.into();
    let event = NewAuditEvent {
        action: "access.denied".into(),
        target,
        outcome: Outcome::Denied,
        details: json!({ "reason": message }),
    };
    if let Err(e) = store.append_audit(event, audit).await {
        return e.into();
    }
    AppError::Forbidden(message)
}

/// Refuses as if the record did not exist, recording the refusal in the audit log first: a caller
/// who may not see a record gets the answer given for an id that names nothing (`not_found`, the
/// same words), so that "not allowed" cannot tell them which ids exist.
pub async fn hide(
    store: &Database,
    audit: &Audit,
    target: String,
    not_found: impl Into<String>,
) -> AppError {
    let event = NewAuditEvent {
        action: "access.denied".into(),
        target,
        outcome: Outcome::Denied,
        details: json!({ "reason": "may not see it", "answered": "not found" }),
    };
    if let Err(e) = store.append_audit(event, audit).await {
        return e.into();
    }
    AppError::NotFound(not_found.into())
}

/// A person for the tests: `p{id}@example.com`, named `P{id}`, active, with no role level.
#[cfg(test)]
pub(crate) fn test_person(id: PersonId, manager: Option<PersonId>, role: SystemRole) -> Person {
    Person {
        id,
        email: format!("p{id}@example.com"),
        name: format!("P{id}"),
        team_id: None,
        manager_id: manager,
        role_level: None,
        role_level_version: None,
        role_level_since: None,
        system_role: role,
        active: true,
        password_hash: None,
        revision: 1,
        created_at: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: PersonId, manager: Option<PersonId>, role: SystemRole) -> Person {
        test_person(id, manager, role)
    }

    #[test]
    fn relations_follow_the_reporting_line_and_the_role() {
        use SystemRole::{Admin, Member, PeopleTeam};
        // 1 heads 2, who heads 3, who heads 4.
        let target = person(4, Some(3), Member);
        let line = [3, 2, 1];
        let rel = |actor: &Person| Relation::of(actor, &target, &line);
        assert_eq!(rel(&target), Relation::Myself);
        assert_eq!(rel(&person(3, Some(2), Member)), Relation::Manager);
        assert_eq!(
            rel(&person(2, Some(1), Member)),
            Relation::Manager,
            "skip-level"
        );
        assert_eq!(rel(&person(1, None, Member)), Relation::Manager, "three up");
        assert_eq!(
            rel(&person(9, Some(1), Member)),
            Relation::Unrelated,
            "other branch"
        );
        assert_eq!(rel(&person(8, None, PeopleTeam)), Relation::Staff);
        assert_eq!(rel(&person(7, None, Admin)), Relation::Staff);
        // A manager who is also an admin rates as a manager.
        assert_eq!(rel(&person(3, Some(2), Admin)), Relation::Manager);
    }

    #[test]
    fn who_may_do_what() {
        use Relation::*;
        assert!(Myself.may_view() && Manager.may_view() && Staff.may_view());
        assert!(!Unrelated.may_view());
        assert!(Myself.may_request_peers() && Manager.may_request_peers());
        assert!(!Staff.may_request_peers() && !Unrelated.may_request_peers());
        assert!(Myself.may_rate(RaterKind::SelfRater));
        assert!(!Manager.may_rate(RaterKind::SelfRater));
        assert!(Manager.may_rate(RaterKind::Manager) && Manager.may_rate(RaterKind::Agreed));
        assert!(!Myself.may_rate(RaterKind::Manager) && !Myself.may_rate(RaterKind::Agreed));
        assert!(!Staff.may_rate(RaterKind::Manager) && !Staff.may_rate(RaterKind::Agreed));
        for r in [Myself, Manager, Staff, Unrelated] {
            assert!(!r.may_rate(RaterKind::Peer));
        }
        assert!(is_staff(SystemRole::Admin) && is_staff(SystemRole::PeopleTeam));
        assert!(!is_staff(SystemRole::Member));
    }
}

#[cfg(test)]
mod seat_tests {
    use super::*;

    #[test]
    fn only_the_pair_and_a_recent_recorded_exception_have_a_seat() {
        let p = |id, role| test_person(id, None, role);
        use SystemRole::{Admin, Member, PeopleTeam};
        let now = 10 * BREAK_GLASS_FOR;
        let seat = |actor: &Person, glass| Seat::of(actor, 1, 2, glass, now);
        assert_eq!(seat(&p(1, Member), None), Some(Seat::Person));
        assert_eq!(seat(&p(2, Member), None), Some(Seat::Partner));
        // The pair keeps its seat whatever the role.
        assert_eq!(seat(&p(2, Admin), None), Some(Seat::Partner));
        assert_eq!(
            seat(&p(3, Member), Some(now)),
            None,
            "a member cannot break the glass"
        );
        assert_eq!(seat(&p(3, PeopleTeam), Some(now)), None);
        assert_eq!(seat(&p(3, Admin), None), None, "no exception recorded");
        assert_eq!(seat(&p(3, Admin), Some(now - 1)), Some(Seat::BrokeGlass));
        assert_eq!(
            seat(&p(3, Admin), Some(now - BREAK_GLASS_FOR)),
            None,
            "an exception lasts a day"
        );
        assert!(Seat::Person.may_write() && Seat::Partner.may_write());
        assert!(!Seat::BrokeGlass.may_write());
    }
}

#[cfg(test)]
mod decision_tests {
    use super::*;

    #[tokio::test]
    async fn decisions_are_seen_only_inside_their_scope() {
        let p = |id| test_person(id, None, SystemRole::Member);
        let (_, decided) = track_decisions(async {}).await;
        assert!(!decided, "nothing decided");
        let (rel, decided) = track_decisions(async { Relation::of(&p(1), &p(2), &[1]) }).await;
        assert_eq!(rel, Relation::Manager);
        assert!(decided);
        // Outside a scope a decision is simply not recorded.
        assert_eq!(Relation::of(&p(1), &p(1), &[]), Relation::Myself);
    }
}
