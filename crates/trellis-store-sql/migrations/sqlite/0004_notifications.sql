-- Notifications: what waits for a person or changed for them, written in the transaction of the
-- change that caused it; shown in the in-app inbox and, by each person's choice, sent by email.

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    at INTEGER NOT NULL,
    -- What happened, e.g. `assessment.waiting`, `peer.asked` (see trellis_app::notifications).
    kind TEXT NOT NULL CHECK (kind <> ''),
    -- One sentence, as the inbox and the email's subject show it.
    subject TEXT NOT NULL CHECK (subject <> ''),
    -- Where to act on it: a path within Trellis, e.g. `/assessments/12`.
    link TEXT NOT NULL CHECK (substr(link, 1, 1) = '/'),
    actor_id INTEGER REFERENCES people (id),
    read_at INTEGER,
    -- When it was emailed (alone or in a digest); also set, without sending, when the person
    -- chose no email.
    emailed_at INTEGER
);
-- A person's inbox, newest first, and their unread count.
CREATE INDEX notifications_person ON notifications (person_id, id);
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;
-- What the mailer has still to send.
CREATE INDEX notifications_unsent ON notifications (id) WHERE emailed_at IS NULL;

-- How each person wants to hear of notifications by email: each one as it happens, a daily
-- digest, or none. A person without a row gets each one.
CREATE TABLE notification_settings (
    person_id INTEGER PRIMARY KEY REFERENCES people (id),
    email TEXT NOT NULL CHECK (email IN ('each', 'daily', 'off')),
    last_digest_at INTEGER
);
