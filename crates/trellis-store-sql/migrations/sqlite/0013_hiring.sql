-- Hiring: openings (a role level's hiring kit as edited for one vacancy: the advert and the stages
-- of the interview plan), candidates with as little personal data as the process needs, and one
-- interview per stage and interviewer holding that interviewer's scorecard.

CREATE TABLE openings (
    id INTEGER PRIMARY KEY,
    role_level TEXT NOT NULL CHECK (role_level <> ''),
    title TEXT NOT NULL CHECK (title <> ''),
    hiring_manager_id INTEGER NOT NULL REFERENCES people (id),
    -- The advert, Markdown.
    advert TEXT NOT NULL,
    -- JSON: [{"name": …, "dimensions": […]}].
    stages TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL
);

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    opening_id INTEGER NOT NULL REFERENCES openings (id),
    -- Personal data: emptied when erased.
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    source TEXT NOT NULL,
    consent_on TEXT NOT NULL CHECK (length(consent_on) = 10),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'hired', 'rejected')),
    decision_reason TEXT,
    decided_by INTEGER REFERENCES people (id),
    decided_at INTEGER,
    -- The account made on hire.
    person_id INTEGER REFERENCES people (id),
    erased_at INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (erased_at IS NULL OR (name = '' AND contact = '' AND source = ''))
);
CREATE INDEX candidates_opening ON candidates (opening_id, id);
CREATE INDEX candidates_erasable ON candidates (decided_at) WHERE status = 'rejected' AND erased_at IS NULL;

CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    stage TEXT NOT NULL CHECK (stage <> ''),
    interviewer_id INTEGER NOT NULL REFERENCES people (id),
    scheduled_on TEXT NOT NULL CHECK (length(scheduled_on) = 10),
    -- JSON: {"dimension": 1..5}.
    scores TEXT NOT NULL DEFAULT '{}',
    notes TEXT NOT NULL DEFAULT '',
    leaning TEXT CHECK (leaning IN ('hire', 'no-hire')),
    submitted_at INTEGER,
    -- When the interviewer first read the others' scorecards: theirs is final from then on.
    revealed_at INTEGER,
    CHECK (revealed_at IS NULL OR submitted_at IS NOT NULL)
);
CREATE UNIQUE INDEX interviews_one_per_stage ON interviews (candidate_id, stage, interviewer_id);
CREATE INDEX interviews_interviewer ON interviews (interviewer_id, id);

-- The organisation's retention period: unsuccessful candidates' personal data and interview notes
-- are erased this many days after the decision (their scores stay, anonymised).
CREATE TABLE hiring_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 3650)
);
INSERT INTO hiring_settings (id, retention_days) VALUES (1, 180);
