//! Check-ins for the demo organisation: every person with a manager meets them, with a meeting
//! held a fortnight ago (its agenda, a shared note and an action carried over) and the next one
//! coming up within the week, so that a newcomer sees the loop at once.

use trellis_store::prelude::*;
use trellis_store::{
    Cadence, EntryKind, NewAction, NewCheckIn, NewEntry, Person, PersonId, Privacy, StoreError,
};
use trellis_store_sql::Database;

use super::{as_person, mix};
use crate::bootstrap::BootstrapError;
use crate::time::{date, day_ms, now_millis};

const AGENDA: [&str; 6] = [
    "How the last release went",
    "Getting more practice leading design reviews",
    "Feedback from the quarterly planning",
    "Workload over the next month",
    "Conference talk idea",
    "Pairing with the new joiner",
];

const ACTIONS: [&str; 4] = [
    "Write up the incident review and share it with the team",
    "Pick a course for the skill we agreed to work on",
    "Shadow a customer call and bring back one insight",
    "Draft the proposal and ask two peers for comments",
];

/// Loads them; returns how many series were set up.
pub(super) async fn load(store: &Database, people: &[Person]) -> Result<usize, BootstrapError> {
    let now = now_millis();
    let mut made = 0;
    for (i, p) in people.iter().enumerate() {
        let Some(manager) = p.manager_id else {
            continue;
        };
        let seed = mix(p.id as u64, 0xC4EC);
        let cadence = if seed.is_multiple_of(3) {
            Cadence::Weekly
        } else {
            Cadence::Fortnightly
        };
        let new = NewCheckIn {
            person_id: p.id,
            partner_id: manager,
            cadence,
            first_on: date(now - 14 * day_ms()),
        };
        let by_manager = as_person(manager, now - 15 * day_ms());
        let c = match store.create_check_in(new, Vec::new(), &by_manager).await {
            Ok(c) => c,
            // Loaded before: leave it as it is.
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let meeting = store
            .check_in_record(c.id, p.id)
            .await?
            .next_meeting()
            .map(|m| m.id)
            .unwrap_or_default();
        let say = |author: PersonId, kind, privacy, body: &str, days_ago: i64| {
            let entry = NewEntry {
                meeting_id: meeting,
                kind,
                privacy,
                body: body.to_owned(),
            };
            let audit = as_person(author, now - days_ago * day_ms());
            async move { store.add_entry(c.id, entry, Vec::new(), &audit).await }
        };
        say(
            p.id,
            EntryKind::Agenda,
            Privacy::Shared,
            AGENDA[i % AGENDA.len()],
            15,
        )
        .await?;
        let theirs = AGENDA[(i + 3) % AGENDA.len()];
        say(manager, EntryKind::Agenda, Privacy::Shared, theirs, 15).await?;
        let note = "Agreed to look at this again next time, with an example to hand.";
        say(manager, EntryKind::Note, Privacy::Shared, note, 14).await?;
        let action = NewAction {
            check_in_id: c.id,
            raised_in: meeting,
            owner_id: p.id,
            body: ACTIONS[i % ACTIONS.len()].to_owned(),
            due_on: Some(date(now + (2 + (seed % 5) as i64) * day_ms())),
        };
        store
            .add_action(action, Vec::new(), &as_person(manager, now - 14 * day_ms()))
            .await?;
        // The next meeting within the coming week, so it shows on both home pages.
        let next = date(now + (1 + (seed % 6) as i64) * day_ms());
        let held_by = as_person(manager, now - 14 * day_ms());
        store
            .hold_meeting(c.id, meeting, Some(next), &held_by)
            .await?;
        made += 1;
    }
    Ok(made)
}
