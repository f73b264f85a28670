//! 1:1 check-ins: a person and a partner (their manager, or anyone they choose, such as a mentor)
//! meet on a schedule; both add to the agenda before a meeting, write notes that are private to
//! their author or shared by the two, and raise action items that stay on every meeting until done.
//!
//! Privacy, in one place ([`Seat::of`]): what a pair writes is theirs alone. Managers further up
//! the line, the people team and administrators see that the pair meets and when (on the person's
//! page), never what was said. An administrator whose organisation needs an exception records it
//! with a reason ([`CheckIns::break_glass`]): the person is told, sees it on the check-in page, and
//! the administrator reads what the pair shares (never private notes) for a day. The person alone
//! may share a note further ([`sharing`]). Every read of the content is audited (`check_in.read`),
//! every change too.

use trellis_model::readiness::ReadinessStatus;
use trellis_store::prelude::*;
use trellis_store::{
    Action, BreakGlass, Cadence, CheckIn, CheckInId, CheckInRecord, DueMeeting, Entry, EntryKind,
    Meeting, NewAction, NewCheckIn, NewEntry, NewNotification, Person, PersonId, PersonRecord,
    Privacy, StoreError, SystemRole,
};

mod sharing;

use crate::App;
use crate::access::{self, Actor, Relation, Seat};
use crate::bootstrap::system_audit;
use crate::error::{AppError, AppResult};
use crate::growth::{audit_refusal, observed_of, readiness_for};
use crate::time::{add_months, date, day_ms, now_millis, parse_date, today};

/// The longest agenda item, note or action, in characters.
pub const MAX_TEXT: usize = 5_000;
/// The shortest reason an administrator may give for reading a pair's check-ins.
pub const MIN_REASON: usize = 10;
/// How many talking points are suggested at once.
const TALKING_POINTS: usize = 5;

/// What the check-in use cases are called with to set up a series.
#[derive(Debug, Clone, Default)]
pub struct ScheduleInput {
    /// The person the conversation is about.
    pub person: PersonId,
    /// Their manager, a mentor.
    pub partner: PersonId,
    /// `weekly`, `fortnightly`, `monthly` or `once`.
    pub cadence: String,
    /// The first meeting's day, `YYYY-MM-DD`.
    pub first_on: String,
}

/// An action item as typed in.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub owner: PersonId,
    pub text: String,
    /// `YYYY-MM-DD`, or empty for none.
    pub due_on: String,
}

/// A subject worth raising, suggested from the person's readiness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalkingPoint {
    pub text: String,
    /// Where to read more, a path within Trellis.
    pub link: String,
}

/// A series as one of the pair (or an administrator with a recorded exception) reads it.
#[derive(Debug, Clone)]
pub struct CheckInView {
    pub record: CheckInRecord,
    pub seat: Seat,
    /// Suggested from the person's readiness gaps, for the person and a manager in their line
    /// (a mentor does not see the person's ratings through a check-in).
    pub talking_points: Vec<TalkingPoint>,
}

impl CheckInView {
    pub fn check_in(&self) -> &CheckIn {
        &self.record.check_in
    }

    fn target(&self) -> String {
        format!("check-in:{}", self.record.check_in.id)
    }

    /// The meeting still to be held; changes other than moving it need one.
    fn open_meeting(&self) -> AppResult<&Meeting> {
        self.record
            .next_meeting()
            .ok_or_else(|| AppError::conflict("No meeting is planned: plan the next one first."))
    }
}

use_case_area!(CheckIns, check_ins);

/// Checks typed text (see [`crate::input::typed_text`]); every text here is required.
fn text(field: &str, value: &str, what: &str) -> Result<String, (String, String)> {
    crate::input::typed_text(field, value, what, MAX_TEXT, true)
}

fn one<T>(result: Result<T, (String, String)>) -> AppResult<T> {
    result.map_err(|(field, message)| AppError::field(field, message))
}

/// A day typed in: `YYYY-MM-DD`, not before yesterday (a day of slack for time zones).
fn day(field: &str, value: &str, what: &str) -> Result<String, (String, String)> {
    let value = value.trim();
    let problem = match parse_date(value) {
        None if value.is_empty() => format!("Enter the {what}."),
        None => format!("Enter the {what} as YYYY-MM-DD, for example 2026-03-14."),
        Some(d) if d < now_millis() - 2 * day_ms() => format!("The {what} is in the past."),
        Some(d) => return Ok(date(d)),
    };
    Err((field.to_owned(), problem))
}

/// The day of the meeting after one held on `held_on`: a cadence on from it, and after today (a
/// meeting held late does not plan the next one in the past).
pub fn next_meeting_on(cadence: Cadence, held_on: &str, today: &str) -> Option<String> {
    let step = |d: i64| match cadence {
        Cadence::Weekly => Some(d + 7 * day_ms()),
        Cadence::Fortnightly => Some(d + 14 * day_ms()),
        Cadence::Monthly => Some(add_months(d, 1)),
        Cadence::Once => None,
    };
    let today = parse_date(today)?;
    let mut next = step(parse_date(held_on)?)?;
    while next <= today {
        next = step(next)?;
    }
    Some(date(next))
}

fn notice(to: PersonId, kind: &str, subject: String, link: String) -> NewNotification {
    NewNotification {
        person_id: to,
        kind: kind.to_owned(),
        subject,
        link,
    }
}

impl CheckIns<'_> {
    /// The series the actor is in, on either side, the next meeting first.
    pub async fn mine(&self, actor: &Actor) -> AppResult<Vec<CheckIn>> {
        Ok(self.app.store().check_ins_of(actor.id()).await?)
    }

    /// That a person meets whom, how often, when last and when next: no content. Read with their
    /// record (by whoever may see them, which decided `relation`).
    pub fn dates_of<'r>(&self, record: &'r PersonRecord, relation: Relation) -> &'r [CheckIn] {
        if relation.may_view() {
            &record.check_ins
        } else {
            &[]
        }
    }

    /// Sets up a series with its first meeting. The person sets one up with anyone (a mentor, a
    /// peer); a manager in the person's line sets one up with them.
    pub async fn schedule(&self, actor: &Actor, input: ScheduleInput) -> AppResult<CheckIn> {
        let target = format!("person:{}", input.person);
        let scheduled = self.schedule_checked(actor, input).await;
        audited(self.app, actor, "check_in.create", target, scheduled)
    }

    async fn schedule_checked(&self, actor: &Actor, input: ScheduleInput) -> AppResult<CheckIn> {
        let store = self.app.store();
        let person = existing(store, input.person, "person").await?;
        let partner = existing(store, input.partner, "partner").await?;
        if actor.id() != person.id {
            let line = access::reporting_line(store, &person, Some(actor.id())).await?;
            let relation = Relation::of(&actor.person, &person, &line);
            if actor.id() != partner.id || relation != Relation::Manager {
                return Err(access::deny(
                    store,
                    &actor.audit(),
                    format!("person:{}", person.id),
                    "Check-ins are set up by the person, or by their manager with them.",
                )
                .await);
            }
        } else {
            // The person's own decision, about themselves.
            Relation::of(&actor.person, &person, &[]);
        }
        let mut problems = Vec::new();
        if person.id == partner.id {
            problems.push((
                "partner".into(),
                "Choose someone other than yourself.".into(),
            ));
        } else if !partner.active {
            problems.push(("partner".into(), format!("{} has left.", partner.name)));
        }
        let cadence = Cadence::parse(input.cadence.trim());
        if cadence.is_none() {
            problems.push((
                "cadence".into(),
                "Choose how often: every week, every two weeks, every month or once.".into(),
            ));
        }
        let first_on = day("first_on", &input.first_on, "day of the first meeting");
        if let Err(p) = &first_on {
            problems.push(p.clone());
        }
        let (Some(cadence), Ok(first_on), true) = (cadence, first_on, problems.is_empty()) else {
            return Err(AppError::fields(problems));
        };
        let other = if actor.id() == person.id {
            &partner
        } else {
            &person
        };
        let notices = vec![notice(
            other.id,
            "check_in.scheduled",
            format!(
                "{} set up 1:1 check-ins with you, {}, the first on {first_on}",
                actor.person.name,
                cadence.label()
            ),
            "/check-ins/{id}".into(),
        )];
        let new = NewCheckIn {
            person_id: person.id,
            partner_id: partner.id,
            cadence,
            first_on,
        };
        match store.create_check_in(new, notices, &actor.audit()).await {
            Err(StoreError::Conflict(_)) => Err(AppError::Conflict {
                message: format!(
                    "{} and {} already have check-ins together.",
                    person.name, partner.name
                ),
                field: Some("partner".into()),
            }),
            other => Ok(other?),
        }
    }

    /// A series with what the actor may read of it; refused (and audited) unless they are one of
    /// the pair or an administrator with a recorded exception. The read is audited.
    pub async fn open(&self, actor: &Actor, id: CheckInId) -> AppResult<CheckInView> {
        let store = self.app.store();
        let record = match store.check_in_record(id, actor.id()).await {
            Ok(r) => r,
            // Members learn nothing of which series exist: the attempt is audited like a refusal.
            Err(StoreError::NotFound(_)) if !access::is_staff(actor.role()) => {
                return Err(refused(self.app, actor, id).await);
            }
            Err(StoreError::NotFound(_)) => return Err(AppError::not_found(NO_SUCH_CHECK_INS)),
            Err(e) => return Err(e.into()),
        };
        let c = &record.check_in;
        let glass = record
            .break_glass
            .iter()
            .filter(|g| g.by_id == actor.id())
            .map(|g| g.at)
            .max();
        let now = now_millis();
        let Some(seat) = Seat::of(&actor.person, c.person_id, c.partner_id, glass, now) else {
            return Err(refused(self.app, actor, id).await);
        };
        let seat_name = match seat {
            Seat::Person => "person",
            Seat::Partner => "partner",
            Seat::BrokeGlass => "break-glass",
        };
        self.app.audit_read(
            actor.audit(),
            "check_in.read",
            format!("check-in:{id}"),
            serde_json::json!({ "seat": seat_name }),
        );
        let talking_points = match seat {
            Seat::BrokeGlass => Vec::new(),
            _ => self.talking_points(actor, c).await?,
        };
        Ok(CheckInView {
            record,
            seat,
            talking_points,
        })
    }

    /// The open goals of the person's plan, then the gaps in their readiness for their role level
    /// (or, when they are ready, for the next one): for the person, and for a partner who manages
    /// them.
    async fn talking_points(&self, actor: &Actor, c: &CheckIn) -> AppResult<Vec<TalkingPoint>> {
        let store = self.app.store();
        let person = if actor.id() == c.person_id {
            actor.person.clone()
        } else {
            let person = store.person(c.person_id).await?;
            let line = access::reporting_line(store, &person, Some(actor.id())).await?;
            if Relation::of(&actor.person, &person, &line) != Relation::Manager {
                return Ok(Vec::new());
            }
            person
        };
        let (Some(role_level), Some(published)) =
            (&person.role_level, self.app.current_framework().await?)
        else {
            return Ok(Vec::new());
        };
        let observed = if person.id == actor.id() {
            crate::sharing::own_observed(self.app, person.id, &crate::time::today()).await?
        } else {
            observed_of(store, person.id).await?
        };
        let Some((profile, mut readiness)) = readiness_for(&published, role_level, &observed)
        else {
            return Ok(Vec::new());
        };
        let mut toward = profile.title.clone();
        if readiness.ready
            && let Some(next) = &profile.next
            && let Some((next_profile, r)) = readiness_for(&published, next, &observed)
        {
            toward = next_profile.title.clone();
            readiness = r;
        }
        let link = format!("/people/{}", person.id);
        // The plan's open goals first: they are what the two agreed to work on.
        let plan = store.plan_of(person.id).await?;
        let goals = plan
            .goals
            .iter()
            .filter(|g| g.closed_at.is_none())
            .map(|g| TalkingPoint {
                text: format!(
                    "Plan: {} to {}{}",
                    published
                        .framework
                        .skill(&g.skill)
                        .map_or(g.skill.as_str(), |s| s.name.as_str()),
                    crate::growth::level_label(&published.framework, &g.skill, &g.target_level),
                    g.due_on
                        .as_deref()
                        .map(|d| format!(" by {d}"))
                        .unwrap_or_default()
                ),
                link: format!("/people/{}/plan#goal-{}", person.id, g.id),
            });
        let planned: Vec<&str> = plan
            .goals
            .iter()
            .filter(|g| g.closed_at.is_none())
            .map(|g| g.skill.as_str())
            .collect();
        Ok(goals
            .chain(
                readiness
                    .requirements
                    .iter()
                    .filter(|r| !planned.contains(&r.skill.as_str()))
                    .filter(|r| r.status == ReadinessStatus::NotMet)
                    // Rated gaps first: they are what the two can already talk about.
                    .filter(|r| r.rated())
                    .chain(
                        readiness
                            .requirements
                            .iter()
                            .filter(|r| !planned.contains(&r.skill.as_str()))
                            .filter(|r| r.status == ReadinessStatus::NotMet && !r.rated()),
                    )
                    .map(|r| TalkingPoint {
                        text: format!("{} for {toward}: {}", r.skill_name, r.explanation),
                        link: link.clone(),
                    }),
            )
            .take(TALKING_POINTS)
            .collect())
    }

    /// Adds an item to the agenda of the meeting to come; the other one of the pair is told.
    pub async fn add_to_agenda(
        &self,
        actor: &Actor,
        view: &CheckInView,
        item: &str,
    ) -> AppResult<Entry> {
        let added = async {
            let meeting = writer(view)?.open_meeting()?;
            let body = one(text("agenda", item, "agenda item"))?;
            let c = view.check_in();
            let (other, _) = c.other(actor.id());
            let notices = vec![notice(
                other,
                "check_in.agenda",
                format!(
                    "{} added to the agenda of your check-in on {}",
                    actor.person.name, meeting.on_date
                ),
                format!("/check-ins/{}", c.id),
            )];
            let new = NewEntry {
                meeting_id: meeting.id,
                kind: EntryKind::Agenda,
                privacy: Privacy::Shared,
                body,
            };
            store_change(
                self.app
                    .store()
                    .add_entry(c.id, new, notices, &actor.audit())
                    .await,
            )
        }
        .await;
        audited(self.app, actor, "check_in.agenda", view.target(), added)
    }

    /// Writes a note at the meeting to come: `private` (its author alone reads it) or `shared`
    /// (the pair reads it).
    pub async fn add_note(
        &self,
        actor: &Actor,
        view: &CheckInView,
        note: &str,
        privacy: &str,
    ) -> AppResult<Entry> {
        let added = async {
            let meeting = writer(view)?.open_meeting()?;
            let mut problems = Vec::new();
            let body = text("note", note, "note")
                .map_err(|p| problems.push(p))
                .ok();
            let privacy = Privacy::parse(privacy.trim());
            if privacy.is_none() {
                problems.push((
                    "privacy".into(),
                    "Choose who reads the note: only you, or both of you.".into(),
                ));
            }
            let (Some(body), Some(privacy)) = (body, privacy) else {
                return Err(AppError::fields(problems));
            };
            let new = NewEntry {
                meeting_id: meeting.id,
                kind: EntryKind::Note,
                privacy,
                body,
            };
            let c = view.check_in();
            store_change(
                self.app
                    .store()
                    .add_entry(c.id, new, vec![], &actor.audit())
                    .await,
            )
        }
        .await;
        audited(self.app, actor, "check_in.note", view.target(), added)
    }

    /// Raises an action item, owned by one of the pair, at the meeting to come; it stays on every
    /// meeting until done. The owner is told when someone else gives it to them.
    pub async fn add_action(
        &self,
        actor: &Actor,
        view: &CheckInView,
        input: ActionInput,
    ) -> AppResult<Action> {
        let added = async {
            let meeting = writer(view)?.open_meeting()?;
            let c = view.check_in();
            let mut problems = Vec::new();
            let body = text("action", &input.text, "action")
                .map_err(|p| problems.push(p))
                .ok();
            if !c.has(input.owner) {
                problems.push(("owner".into(), "Choose one of the two of you.".into()));
            }
            let due = input.due_on.trim();
            let due_on = if due.is_empty() {
                None
            } else {
                day("due_on", due, "due date")
                    .map_err(|p| problems.push(p))
                    .ok()
            };
            let Some(body) = body.filter(|_| problems.is_empty()) else {
                return Err(AppError::fields(problems));
            };
            let notices = if input.owner == actor.id() {
                Vec::new()
            } else {
                let due = due_on
                    .as_deref()
                    .map(|d| format!(", due {d}"))
                    .unwrap_or_default();
                vec![notice(
                    input.owner,
                    "check_in.action",
                    format!(
                        "{} gave you an action from your check-in{due}",
                        actor.person.name
                    ),
                    format!("/check-ins/{}", c.id),
                )]
            };
            let new = NewAction {
                check_in_id: c.id,
                raised_in: meeting.id,
                owner_id: input.owner,
                body,
                due_on,
            };
            let store = self.app.store();
            store_change(store.add_action(new, notices, &actor.audit()).await)
        }
        .await;
        audited(self.app, actor, "check_in.action", view.target(), added)
    }

    /// Marks an action item done.
    pub async fn complete_action(
        &self,
        actor: &Actor,
        view: &CheckInView,
        action: i64,
    ) -> AppResult<Action> {
        let done = async {
            writer(view)?;
            let store = self.app.store();
            match store
                .complete_action(view.check_in().id, action, &actor.audit())
                .await
            {
                Err(StoreError::NotFound(_)) => Err(AppError::not_found(
                    "There is no such action in these check-ins.",
                )),
                other => store_change(other),
            }
        }
        .await;
        audited(self.app, actor, "check_in.action-done", view.target(), done)
    }

    /// Records that the meeting to come was held, and plans the next one by the series' cadence.
    pub async fn hold(&self, actor: &Actor, view: &CheckInView) -> AppResult<Option<Meeting>> {
        let held = async {
            let meeting = writer(view)?.open_meeting()?;
            let c = view.check_in();
            let next = next_meeting_on(c.cadence, &meeting.on_date, &today());
            let store = self.app.store();
            store_change(
                store
                    .hold_meeting(c.id, meeting.id, next, &actor.audit())
                    .await,
            )
        }
        .await;
        audited(self.app, actor, "check_in.held", view.target(), held)
    }

    /// Moves the meeting to come to another day, or plans one when none is.
    pub async fn reschedule(
        &self,
        actor: &Actor,
        view: &CheckInView,
        on: &str,
    ) -> AppResult<Meeting> {
        let moved = async {
            writer(view)?;
            let on = one(day("on_date", on, "day of the meeting"))?;
            let store = self.app.store();
            store_change(
                store
                    .reschedule(view.check_in().id, on, &actor.audit())
                    .await,
            )
        }
        .await;
        audited(self.app, actor, "check_in.reschedule", view.target(), moved)
    }

    /// Records an administrator's exception to a pair's privacy, with its reason. The person is
    /// told, and sees it on the check-in page; the administrator may then read what the pair
    /// shares for a day.
    pub async fn break_glass(
        &self,
        actor: &Actor,
        id: CheckInId,
        reason: &str,
    ) -> AppResult<BreakGlass> {
        let store = self.app.store();
        let target = format!("check-in:{id}");
        if actor.role() != SystemRole::Admin {
            return Err(access::deny(
                store,
                &actor.audit(),
                target,
                "Only an administrator may record an exception to a pair's privacy.",
            )
            .await);
        }
        let recorded = async {
            let reason = reason.trim();
            let reason = one(text("reason", reason, "reason"))?;
            if reason.chars().count() < MIN_REASON {
                return Err(AppError::field(
                    "reason",
                    "Say why, in a sentence the person will read.",
                ));
            }
            let c = match store.check_in_record(id, actor.id()).await {
                Err(StoreError::NotFound(_)) => {
                    return Err(AppError::not_found(NO_SUCH_CHECK_INS));
                }
                other => other?.check_in,
            };
            let notices = vec![notice(
                c.person_id,
                "check_in.break-glass",
                format!(
                    "{}, an administrator, opened your check-ins with {}: {reason}",
                    actor.person.name, c.partner_name
                ),
                format!("/check-ins/{id}"),
            )];
            store_change(store.break_glass(id, reason, notices, &actor.audit()).await)
        }
        .await;
        audited(self.app, actor, "check_in.break-glass", target, recorded)
    }
}

/// The view's seat may write, or a refusal (recorded by the caller's `audited`).
fn writer(view: &CheckInView) -> AppResult<&CheckInView> {
    if view.seat.may_write() {
        Ok(view)
    } else {
        Err(AppError::forbidden(
            "An exception lets you read what the pair shares; it does not let you write.",
        ))
    }
}

/// A store refusal of a change, as the person reads it.
fn store_change<T>(result: Result<T, StoreError>) -> AppResult<T> {
    result.map_err(|e| match e {
        StoreError::Conflict(m) => {
            let mut chars = m.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            AppError::conflict(format!(
                "{}{}: reload the page to see the latest.",
                first.unwrap_or_default(),
                chars.as_str()
            ))
        }
        other => other.into(),
    })
}

/// Records a refused change and passes the result on. Refusals by [`access::deny`] (setting up a
/// series) are recorded already; one by [`writer`] is recorded here as an access refusal.
fn audited<T>(
    app: &App,
    actor: &Actor,
    action: &str,
    target: String,
    result: AppResult<T>,
) -> AppResult<T> {
    match &result {
        Err(AppError::Forbidden(reason)) if action != "check_in.create" => app.audit_queued(
            actor.audit(),
            "access.denied",
            target,
            trellis_store::Outcome::Denied,
            serde_json::json!({ "reason": reason }),
        ),
        Err(refusal) => audit_refusal(app, actor, action, target, refusal),
        Ok(_) => {}
    }
    result
}

async fn existing(store: &crate::Database, id: PersonId, field: &str) -> AppResult<Person> {
    match store.person(id).await {
        Ok(p) => Ok(p),
        Err(StoreError::NotFound(_)) => {
            Err(AppError::field(field, "Choose someone from the list."))
        }
        Err(e) => Err(e.into()),
    }
}

const NO_SUCH_CHECK_INS: &str = "There are no such check-ins.";

/// A refusal to open a series: members, who may not know which series exist, are told there is
/// no such series; the people team and administrators, who see on a person's page that a pair
/// meets, are told why. Audited either way.
async fn refused(app: &App, actor: &Actor, id: CheckInId) -> AppError {
    let target = format!("check-in:{id}");
    if !access::is_staff(actor.role()) {
        return access::hide(app.store(), &actor.audit(), target, NO_SUCH_CHECK_INS).await;
    }
    access::deny(
        app.store(),
        &actor.audit(),
        target,
        "1:1 check-ins are read by the two people in them only.",
    )
    .await
}

/// Reminds both of a pair the day before each meeting (or on the day, for one planned late), and
/// the owner of each action item the day before it is due, in the inbox and by email as each
/// chose. Safe to run on several servers: each is reminded once. Returns how many reminders went
/// out.
pub async fn remind_due(app: &App, today: &str) -> AppResult<usize> {
    let Some(day) = parse_date(today) else {
        return Err(AppError::internal(format!("not a day: {today}")));
    };
    let tomorrow = date(day + day_ms());
    let store = app.store();
    let due = store.meetings_due(&tomorrow, 200).await?;
    let mut reminded = 0;
    for DueMeeting {
        meeting_id,
        on_date,
        check_in: c,
    } in due
    {
        let when = crate::reminders::when(&on_date, today, &tomorrow);
        let link = format!("/check-ins/{}", c.id);
        let notices = [
            (c.person_id, &c.partner_name),
            (c.partner_id, &c.person_name),
        ]
        .into_iter()
        .map(|(to, other)| {
            notice(
                to,
                "check_in.tomorrow",
                format!("Your check-in with {other} is {when}: add to the agenda"),
                link.clone(),
            )
        })
        .collect();
        if store
            .mark_reminded(meeting_id, notices, &system_audit())
            .await?
        {
            reminded += 1;
        }
    }
    // Action items due tomorrow (or overdue and never reminded), to their owner.
    for action in store.check_in_actions_due(&tomorrow, 200).await? {
        let due = action.due_on.clone().unwrap_or_default();
        let when = crate::reminders::when(&due, today, &tomorrow);
        let notice = notice(
            action.owner_id,
            "check_in.action-due",
            format!(
                "An action from your check-in is due {when}: {}",
                action.body
            ),
            format!("/check-ins/{}#action-{}", action.check_in_id, action.id),
        );
        if store
            .mark_action_reminded(action.id, vec![notice], &system_audit())
            .await?
        {
            reminded += 1;
        }
    }
    Ok(reminded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_meeting_follows_the_cadence_and_is_never_in_the_past() {
        let next = |c, held, today| next_meeting_on(c, held, today);
        assert_eq!(
            next(Cadence::Weekly, "2026-12-01", "2026-12-01").unwrap(),
            "2026-12-08"
        );
        assert_eq!(
            next(Cadence::Fortnightly, "2026-12-01", "2026-12-01").unwrap(),
            "2026-12-15"
        );
        assert_eq!(
            next(Cadence::Monthly, "2026-01-31", "2026-01-31").unwrap(),
            "2026-02-28"
        );
        // Held three weeks late: the next is the first weekly day after today.
        assert_eq!(
            next(Cadence::Weekly, "2026-12-01", "2026-12-22").unwrap(),
            "2026-12-29"
        );
        assert_eq!(next(Cadence::Once, "2026-12-01", "2026-12-01"), None);
    }

    #[test]
    fn typed_text_is_checked() {
        assert_eq!(text("f", "  hi \n there ", "note").unwrap(), "hi \n there");
        assert!(
            text("f", "   ", "note")
                .unwrap_err()
                .1
                .contains("Write the note")
        );
        assert!(
            text("f", "a\u{0}b", "note")
                .unwrap_err()
                .1
                .contains("control")
        );
        assert!(
            text("f", &"x".repeat(MAX_TEXT + 1), "note")
                .unwrap_err()
                .1
                .contains("5000")
        );
        assert!(day("d", "2026-02-30", "day").is_err());
        assert!(
            day("d", "1999-01-01", "day")
                .unwrap_err()
                .1
                .contains("past")
        );
    }
}
