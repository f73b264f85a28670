-- Growth conversations: assessments with their ratings, peer input and evidence.
-- Ratings are append-only: the current rating of a skill by a kind of rater is the newest row.
-- Skill ids and other short codes compare byte-wise (COLLATE "C"), as in SQLite, whatever the
-- server's locale, so that orderings agree between backends and indexes serve them.

CREATE TABLE assessments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    role_level TEXT NOT NULL CHECK (role_level <> ''),
    framework_version_id BIGINT NOT NULL REFERENCES framework_versions (id),
    cycle TEXT NOT NULL CHECK (cycle <> ''),
    stage TEXT NOT NULL CHECK (stage IN ('self', 'manager', 'compare', 'agreed')),
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL,
    self_submitted_at BIGINT,
    self_submitted_by BIGINT REFERENCES people (id),
    manager_submitted_at BIGINT,
    manager_submitted_by BIGINT REFERENCES people (id),
    agreed_at BIGINT,
    agreed_by BIGINT REFERENCES people (id),
    revision BIGINT NOT NULL DEFAULT 1
);
-- A person's assessments, newest first (person page, readiness).
CREATE INDEX assessments_person ON assessments (person_id, created_at DESC, id DESC);

CREATE TABLE peer_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES assessments (id),
    peer_id BIGINT NOT NULL REFERENCES people (id),
    -- The skills asked about, as a JSON array of skill ids.
    skills JSON NOT NULL CHECK (json_typeof(skills) = 'array'),
    requested_by BIGINT NOT NULL REFERENCES people (id),
    requested_at BIGINT NOT NULL,
    submitted_at BIGINT
);
CREATE INDEX peer_requests_assessment ON peer_requests (assessment_id, id);
CREATE INDEX peer_requests_peer ON peer_requests (peer_id, id);

CREATE TABLE ratings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES assessments (id),
    -- The person rated: the assessment's, repeated so that latest-per-skill lookups need no join.
    person_id BIGINT NOT NULL,
    skill TEXT COLLATE "C" NOT NULL CHECK (skill <> ''),
    rater_kind TEXT COLLATE "C" NOT NULL CHECK (rater_kind IN ('self', 'manager', 'peer', 'agreed')),
    rater_id BIGINT NOT NULL REFERENCES people (id),
    level TEXT CHECK (level <> ''),
    not_applicable TEXT CHECK (not_applicable <> ''),
    comment TEXT,
    at BIGINT NOT NULL,
    CHECK ((level IS NULL) <> (not_applicable IS NULL))
);
-- Every rating of an assessment, oldest first.
CREATE INDEX ratings_assessment ON ratings (assessment_id, at, id);
-- A person's history, oldest first.
CREATE INDEX ratings_person ON ratings (person_id, at, id);

-- History is never overwritten: the database itself refuses to change or remove a rating.
CREATE FUNCTION ratings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ratings are append-only';
END
$$;

CREATE TRIGGER ratings_no_change BEFORE UPDATE OR DELETE ON ratings
    FOR EACH ROW EXECUTE FUNCTION ratings_append_only();

CREATE TRIGGER ratings_no_truncate BEFORE TRUNCATE ON ratings
    FOR EACH STATEMENT EXECUTE FUNCTION ratings_append_only();

-- The newest rating per (person, skill, rater kind), newest by `at` then id: a copy of that row of
-- `ratings`, brought up to date in the same transaction as every rating written. The person,
-- readiness and team pages read exactly the rows they show, in primary-key order, instead of
-- picking the newest out of every cycle's history.
CREATE TABLE current_ratings (
    person_id BIGINT NOT NULL,
    skill TEXT COLLATE "C" NOT NULL,
    rater_kind TEXT COLLATE "C" NOT NULL,
    rating_id BIGINT NOT NULL,
    assessment_id BIGINT NOT NULL,
    rater_id BIGINT NOT NULL,
    level TEXT,
    not_applicable TEXT,
    comment TEXT,
    at BIGINT NOT NULL,
    PRIMARY KEY (person_id, skill, rater_kind)
);

CREATE TABLE evidence (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    happened_on TEXT COLLATE "C" NOT NULL CHECK (happened_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    title TEXT NOT NULL CHECK (title <> ''),
    description TEXT NOT NULL,
    -- JSON arrays of strings.
    links JSON NOT NULL,
    skills JSON NOT NULL,
    corroborators JSON NOT NULL,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
-- A person's evidence log, newest first.
CREATE INDEX evidence_person ON evidence (person_id, happened_on DESC, id DESC);

-- The skills each piece of evidence supports, one row each, for counting per (person, skill).
CREATE TABLE evidence_skills (
    person_id BIGINT NOT NULL,
    skill TEXT COLLATE "C" NOT NULL CHECK (skill <> ''),
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    PRIMARY KEY (person_id, skill, evidence_id)
);
