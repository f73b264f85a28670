-- 1:1 check-ins: a recurring conversation between a person and a partner (their manager, a
-- mentor), its meetings, the agenda both add to, notes with an explicit privacy tier, and action
-- items that carry over from meeting to meeting until done. The content is the pair's alone: others
-- who may see the person learn only that meetings happened and when.

CREATE TABLE check_ins (
    id INTEGER PRIMARY KEY,
    -- Whose development the conversation is about.
    person_id INTEGER NOT NULL REFERENCES people (id),
    -- The other side: their manager, a mentor.
    partner_id INTEGER NOT NULL REFERENCES people (id),
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly', 'once')),
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    CHECK (person_id <> partner_id)
);
-- One series per pair.
CREATE UNIQUE INDEX check_ins_pair ON check_ins (person_id, partner_id);
CREATE INDEX check_ins_partner ON check_ins (partner_id);

CREATE TABLE check_in_meetings (
    id INTEGER PRIMARY KEY,
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id),
    -- The day it is planned for, `YYYY-MM-DD`.
    on_date TEXT NOT NULL CHECK (length(on_date) = 10),
    held_at INTEGER,
    -- When both were reminded of it the day before.
    reminded_at INTEGER
);
CREATE INDEX check_in_meetings_series ON check_in_meetings (check_in_id, on_date);
-- At most one meeting of a series is still to be held.
CREATE UNIQUE INDEX check_in_meetings_next ON check_in_meetings (check_in_id) WHERE held_at IS NULL;
CREATE INDEX check_in_meetings_due ON check_in_meetings (on_date) WHERE held_at IS NULL AND reminded_at IS NULL;

-- Agenda items (always seen by both) and notes (private to their author, or shared by the pair).
CREATE TABLE check_in_entries (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES check_in_meetings (id),
    kind TEXT NOT NULL CHECK (kind IN ('agenda', 'note')),
    privacy TEXT NOT NULL CHECK (privacy IN ('private', 'shared')),
    author_id INTEGER NOT NULL REFERENCES people (id),
    body TEXT NOT NULL CHECK (body <> ''),
    at INTEGER NOT NULL,
    CHECK (kind = 'note' OR privacy = 'shared')
);
CREATE INDEX check_in_entries_meeting ON check_in_entries (meeting_id, id);

-- Action items: shown at every meeting of the series from the one that raised them until done.
CREATE TABLE check_in_actions (
    id INTEGER PRIMARY KEY,
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id),
    raised_in INTEGER NOT NULL REFERENCES check_in_meetings (id),
    owner_id INTEGER NOT NULL REFERENCES people (id),
    body TEXT NOT NULL CHECK (body <> ''),
    -- `YYYY-MM-DD`, when there is a due date.
    due_on TEXT CHECK (due_on IS NULL OR length(due_on) = 10),
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    done_by INTEGER REFERENCES people (id),
    -- When the owner was reminded that it is due.
    reminded_at INTEGER
);
CREATE INDEX check_in_actions_series ON check_in_actions (check_in_id, id);
CREATE INDEX check_in_actions_due ON check_in_actions (due_on) WHERE done_at IS NULL AND reminded_at IS NULL;

-- An administrator's recorded exception to the pair's privacy, with its reason, which the person
-- sees. It opens the shared content for a day; private notes stay private.
CREATE TABLE check_in_break_glass (
    id INTEGER PRIMARY KEY,
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id),
    by_id INTEGER NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL CHECK (reason <> ''),
    at INTEGER NOT NULL
);
CREATE INDEX check_in_break_glass_series ON check_in_break_glass (check_in_id, at);
