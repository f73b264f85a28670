//! Rows for 1:1 check-ins: a series between a person and a partner, its meetings, agenda items and
//! notes (with their privacy tier), action items, and the recorded exceptions to the pair's
//! privacy.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{Audit, Millis, NewNotification, PersonId, StoreResult};

crate::parse_from_text!(Cadence, EntryKind, Privacy);

pub type CheckInId = i64;
pub type MeetingId = i64;

/// How often a pair meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cadence {
    Weekly,
    Fortnightly,
    Monthly,
    /// A single meeting: none is planned after it.
    Once,
}

impl Cadence {
    pub const ALL: [Cadence; 4] = [
        Cadence::Weekly,
        Cadence::Fortnightly,
        Cadence::Monthly,
        Cadence::Once,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
            Cadence::Once => "once",
        }
    }

    pub fn parse(s: &str) -> Option<Cadence> {
        Cadence::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// As people say it: "every week", "once".
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Weekly => "every week",
            Cadence::Fortnightly => "every two weeks",
            Cadence::Monthly => "every month",
            Cadence::Once => "once",
        }
    }
}

/// An agenda item (seen by both) or a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Agenda,
    Note,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Agenda => "agenda",
            EntryKind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        match s {
            "agenda" => Some(EntryKind::Agenda),
            "note" => Some(EntryKind::Note),
            _ => None,
        }
    }
}

/// Who reads a note: its author alone, or the pair. Nobody else reads either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Privacy {
    Private,
    Shared,
}

impl Privacy {
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Private => "private",
            Privacy::Shared => "shared",
        }
    }

    pub fn parse(s: &str) -> Option<Privacy> {
        match s {
            "private" => Some(Privacy::Private),
            "shared" => Some(Privacy::Shared),
            _ => None,
        }
    }
}

/// A series of check-ins between two people, with their names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CheckIn {
    pub id: CheckInId,
    pub person_id: PersonId,
    pub person_name: String,
    pub partner_id: PersonId,
    pub partner_name: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub cadence: Cadence,
    pub created_by: PersonId,
    pub created_at: Millis,
    /// The day of the meeting still to be held, if one is planned.
    pub next_on: Option<String>,
    /// When the last meeting was held.
    pub last_held_at: Option<Millis>,
}

impl CheckIn {
    /// Whether `person` is one of the pair.
    pub fn has(&self, person: PersonId) -> bool {
        self.person_id == person || self.partner_id == person
    }

    /// The other one of the pair, seen from `person`.
    pub fn other(&self, person: PersonId) -> (PersonId, &str) {
        if person == self.person_id {
            (self.partner_id, &self.partner_name)
        } else {
            (self.person_id, &self.person_name)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckIn {
    pub person_id: PersonId,
    pub partner_id: PersonId,
    pub cadence: Cadence,
    /// The first meeting's day, `YYYY-MM-DD`.
    pub first_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Meeting {
    pub id: MeetingId,
    pub check_in_id: CheckInId,
    pub on_date: String,
    pub held_at: Option<Millis>,
}

/// An agenda item or a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Entry {
    pub id: i64,
    pub meeting_id: MeetingId,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: EntryKind,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub privacy: Privacy,
    pub author_id: PersonId,
    pub author_name: String,
    pub body: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub meeting_id: MeetingId,
    pub kind: EntryKind,
    pub privacy: Privacy,
    pub body: String,
}

/// An action item: open from the meeting that raised it until done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Action {
    pub id: i64,
    pub check_in_id: CheckInId,
    pub raised_in: MeetingId,
    pub owner_id: PersonId,
    pub owner_name: String,
    pub body: String,
    pub due_on: Option<String>,
    pub created_by: PersonId,
    pub created_at: Millis,
    pub done_at: Option<Millis>,
    pub done_by: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub check_in_id: CheckInId,
    /// The meeting still to be held, where it is raised.
    pub raised_in: MeetingId,
    pub owner_id: PersonId,
    pub body: String,
    pub due_on: Option<String>,
}

/// An administrator's recorded exception to the pair's privacy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct BreakGlass {
    pub id: i64,
    pub check_in_id: CheckInId,
    pub by_id: PersonId,
    pub by_name: String,
    pub reason: String,
    pub at: Millis,
}

/// Everything of a series that `reader` may read, in one read: the series, its meetings (newest
/// first), the agenda and the notes shared by the pair plus the reader's own private notes, the
/// action items, and the exceptions recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRecord {
    pub check_in: CheckIn,
    pub meetings: Vec<Meeting>,
    pub entries: Vec<Entry>,
    pub actions: Vec<Action>,
    pub break_glass: Vec<BreakGlass>,
}

impl CheckInRecord {
    /// The meeting still to be held, if one is planned.
    pub fn next_meeting(&self) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.held_at.is_none())
    }
}

/// Someone beyond the pair a note was shared with, by the person the series is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct NoteShare {
    pub entry_id: i64,
    pub shared_with: PersonId,
    pub shared_with_name: String,
    pub at: Millis,
}

/// A note as shared with its reader: what it says, by whom, from which series and meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct SharedNote {
    pub entry_id: i64,
    pub check_in_id: CheckInId,
    pub person_id: PersonId,
    pub person_name: String,
    pub partner_name: String,
    pub meeting_on: String,
    pub author_name: String,
    pub body: String,
    /// When the note was written, and when it was shared.
    pub written_at: Millis,
    pub shared_at: Millis,
}

/// A meeting due for its reminder, with who meets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct DueMeeting {
    pub meeting_id: MeetingId,
    pub on_date: String,
    #[cfg_attr(feature = "sqlx", sqlx(flatten))]
    pub check_in: CheckIn,
}

/// 1:1 check-ins. Every change appends its audit event (`check_in.create`, `check_in.agenda`,
/// `check_in.note`, `check_in.action`, `check_in.action-done`, `check_in.held`,
/// `check_in.reschedule`, `check_in.break-glass`, `check_in.note-share`,
/// `check_in.note-unshare`; target `check-in:<id>`) in its transaction;
/// the events never copy what was written (notes are the pair's alone).
pub trait CheckInStore: Send + Sync {
    /// Starts a series with its first meeting. `Conflict` when the pair already has one.
    fn create_check_in(
        &self,
        new: NewCheckIn,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<CheckIn>> + Send;
    /// The series `person` is in, on either side, the next meeting first.
    fn check_ins_of(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<CheckIn>>> + Send;
    /// A series with what `reader` may read of it (see [`CheckInRecord`]), in one snapshot.
    /// `NotFound` when there is no such series.
    fn check_in_record(
        &self,
        id: CheckInId,
        reader: PersonId,
    ) -> impl Future<Output = StoreResult<CheckInRecord>> + Send;
    /// The action items `owner` has still to do, in every series, the soonest due first.
    fn open_actions_of(
        &self,
        owner: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<Action>>> + Send;
    /// Adds an agenda item or a note to the series' meeting still to be held. `Conflict` when
    /// that meeting was held meanwhile; `NotFound` when it is not of this series.
    fn add_entry(
        &self,
        check_in: CheckInId,
        new: NewEntry,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Entry>> + Send;
    /// Raises an action item at the meeting still to be held (same refusals as `add_entry`).
    fn add_action(
        &self,
        new: NewAction,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Action>> + Send;
    /// Marks an action item of the series done. `Conflict` when it was done already.
    fn complete_action(
        &self,
        check_in: CheckInId,
        action: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Action>> + Send;
    /// Records that the meeting was held and plans the next one on `next_on`, if given; open
    /// action items carry over by themselves. Returns the next meeting. `Conflict` when it was
    /// held already.
    fn hold_meeting(
        &self,
        check_in: CheckInId,
        meeting: MeetingId,
        next_on: Option<String>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Option<Meeting>>> + Send;
    /// Moves the meeting still to be held to another day (or plans one, after a single meeting).
    fn reschedule(
        &self,
        check_in: CheckInId,
        on_date: String,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Meeting>> + Send;
    /// Records an administrator's exception to the pair's privacy, with its reason.
    fn break_glass(
        &self,
        check_in: CheckInId,
        reason: String,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<BreakGlass>> + Send;
    /// Shares a note of the series with someone beyond the pair, as the person the series is
    /// about (the audit's actor). `NotFound` unless the entry is a note of this series that they
    /// may read (shared by the pair, or their own private note) and the series is about them;
    /// `Invalid` for one of the pair or someone inactive. Returns whether it was new.
    fn share_note(
        &self,
        check_in: CheckInId,
        entry: i64,
        with: PersonId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Takes a share back (the person the series is about); returns whether there was one.
    fn unshare_note(
        &self,
        check_in: CheckInId,
        entry: i64,
        with: PersonId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Who the notes of a series are shared with, by note.
    fn note_shares(
        &self,
        check_in: CheckInId,
    ) -> impl Future<Output = StoreResult<Vec<NoteShare>>> + Send;
    /// The notes shared with `reader`, the latest shared first.
    fn notes_shared_with(
        &self,
        reader: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<SharedNote>>> + Send;
    /// Open action items due on or before `on_or_before` whose owner was not reminded yet, at most
    /// `limit`.
    fn check_in_actions_due(
        &self,
        on_or_before: &str,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Action>>> + Send;
    /// Records the reminder of an action item with its notices, unless another server did first;
    /// says whether this call did.
    fn mark_action_reminded(
        &self,
        action: i64,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Meetings still to be held on or before `on_or_before` (`YYYY-MM-DD`) whose pair was not
    /// reminded yet, at most `limit`.
    fn meetings_due(
        &self,
        on_or_before: &str,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<DueMeeting>>> + Send;
    /// Records the reminder of a meeting with its notices, unless another server did first;
    /// says whether this call did.
    fn mark_reminded(
        &self,
        meeting: MeetingId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}
