-- Growth conversations: assessments with their ratings, peer input and evidence.
-- Ratings are append-only: the current rating of a skill by a kind of rater is the newest row.

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    role_level TEXT NOT NULL CHECK (role_level <> ''),
    framework_version_id INTEGER NOT NULL REFERENCES framework_versions (id),
    cycle TEXT NOT NULL CHECK (cycle <> ''),
    stage TEXT NOT NULL CHECK (stage IN ('self', 'manager', 'compare', 'agreed')),
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    self_submitted_at INTEGER,
    self_submitted_by INTEGER REFERENCES people (id),
    manager_submitted_at INTEGER,
    manager_submitted_by INTEGER REFERENCES people (id),
    agreed_at INTEGER,
    agreed_by INTEGER REFERENCES people (id),
    revision INTEGER NOT NULL DEFAULT 1
);
-- A person's assessments, newest first (person page, readiness).
CREATE INDEX assessments_person ON assessments (person_id, created_at, id);

CREATE TABLE peer_requests (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    peer_id INTEGER NOT NULL REFERENCES people (id),
    -- The skills asked about, as a JSON array of skill ids.
    skills TEXT NOT NULL CHECK (json_valid(skills) AND json_type(skills) = 'array'),
    requested_by INTEGER NOT NULL REFERENCES people (id),
    requested_at INTEGER NOT NULL,
    submitted_at INTEGER
);
CREATE INDEX peer_requests_assessment ON peer_requests (assessment_id, id);
CREATE INDEX peer_requests_peer ON peer_requests (peer_id, id);

CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    -- The person rated: the assessment's, repeated so that latest-per-skill lookups need no join.
    person_id INTEGER NOT NULL,
    skill TEXT NOT NULL CHECK (skill <> ''),
    rater_kind TEXT NOT NULL CHECK (rater_kind IN ('self', 'manager', 'peer', 'agreed')),
    rater_id INTEGER NOT NULL REFERENCES people (id),
    level TEXT CHECK (level <> ''),
    not_applicable TEXT CHECK (not_applicable <> ''),
    comment TEXT,
    at INTEGER NOT NULL,
    CHECK ((level IS NULL) <> (not_applicable IS NULL))
);
-- Every rating of an assessment, oldest first.
CREATE INDEX ratings_assessment ON ratings (assessment_id, at, id);
-- A person's history, oldest first.
CREATE INDEX ratings_person ON ratings (person_id, at, id);

-- History is never overwritten: the database itself refuses to change or remove a rating.
CREATE TRIGGER ratings_no_update BEFORE UPDATE ON ratings
BEGIN
    SELECT RAISE(ABORT, 'ratings are append-only');
END;

CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings
BEGIN
    SELECT RAISE(ABORT, 'ratings are append-only');
END;

-- The newest rating per (person, skill, rater kind), newest by `at` then id: a copy of that row of
-- `ratings`, brought up to date in the same transaction as every rating written. The person,
-- readiness and team pages read exactly the rows they show, stored together per person, instead of
-- picking the newest out of every cycle's history.
CREATE TABLE current_ratings (
    person_id INTEGER NOT NULL,
    skill TEXT NOT NULL,
    rater_kind TEXT NOT NULL,
    rating_id INTEGER NOT NULL,
    assessment_id INTEGER NOT NULL,
    rater_id INTEGER NOT NULL,
    level TEXT,
    not_applicable TEXT,
    comment TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (person_id, skill, rater_kind)
) WITHOUT ROWID;

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    happened_on TEXT NOT NULL CHECK (happened_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    title TEXT NOT NULL CHECK (title <> ''),
    description TEXT NOT NULL,
    -- JSON arrays of strings.
    links TEXT NOT NULL CHECK (json_valid(links)),
    skills TEXT NOT NULL CHECK (json_valid(skills)),
    corroborators TEXT NOT NULL CHECK (json_valid(corroborators)),
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL
);
-- A person's evidence log, newest first.
CREATE INDEX evidence_person ON evidence (person_id, happened_on, id);

-- The skills each piece of evidence supports, one row each, for counting per (person, skill).
CREATE TABLE evidence_skills (
    person_id INTEGER NOT NULL,
    skill TEXT NOT NULL CHECK (skill <> ''),
    evidence_id INTEGER NOT NULL REFERENCES evidence (id),
    PRIMARY KEY (person_id, skill, evidence_id)
) WITHOUT ROWID;
