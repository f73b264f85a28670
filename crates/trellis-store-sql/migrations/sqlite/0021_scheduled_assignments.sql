-- A change of someone's role level, manager or team that takes effect on a later day: made by the
-- server's daily run on that day, until then shown to the people team and cancellable. A `changes_`
-- flag says whether the field changes (its value may be NULL: to none). At most one change waits
-- per person; a new one replaces it.
CREATE TABLE scheduled_assignments (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    effective_on TEXT NOT NULL,
    changes_role_level BOOLEAN NOT NULL,
    role_level TEXT,
    changes_manager BOOLEAN NOT NULL,
    manager_id INTEGER REFERENCES people (id),
    changes_team BOOLEAN NOT NULL,
    team TEXT,
    scheduled_by INTEGER REFERENCES people (id),
    scheduled_at INTEGER NOT NULL,
    -- Set once: when it was made, cancelled, or could not be made (with why).
    applied_at INTEGER,
    cancelled_at INTEGER,
    failed_at INTEGER,
    failure TEXT
);
CREATE UNIQUE INDEX scheduled_assignments_waiting ON scheduled_assignments (person_id)
    WHERE applied_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
CREATE INDEX scheduled_assignments_due ON scheduled_assignments (effective_on)
    WHERE applied_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
