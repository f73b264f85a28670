-- What a walkthrough of the assessment loop asked for: drafts of a stage's ratings, the person's
-- answer to an agreed outcome, and evidence that can be edited (keeping what it said before) and
-- deleted (softly, so the record and its audit trail stay).

-- A rater's unsubmitted ratings of one stage, for them alone until they submit: one per assessment
-- and kind of rater, replaced by each save and removed by the submission. The ratings are a JSON
-- array of {skill, level, not_applicable, comment}, any of them still missing.
CREATE TABLE rating_drafts (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    rater_kind TEXT NOT NULL CHECK (rater_kind IN ('self', 'manager', 'agreed')),
    rater_id INTEGER NOT NULL REFERENCES people (id),
    ratings TEXT NOT NULL CHECK (json_valid(ratings) AND json_type(ratings) = 'array'),
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, rater_kind)
) WITHOUT ROWID;

-- The person's answer to the agreed outcome of their assessment: confirmed, or disputed with a
-- comment. Once.
CREATE TABLE outcome_answers (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    answer TEXT NOT NULL CHECK (answer IN ('confirmed', 'disputed')),
    comment TEXT CHECK (comment <> ''),
    at INTEGER NOT NULL,
    CHECK (answer = 'confirmed' OR comment IS NOT NULL)
);

-- Evidence edited keeps each earlier version here; deleted evidence keeps its row, marked.
ALTER TABLE evidence ADD COLUMN updated_at INTEGER;
ALTER TABLE evidence ADD COLUMN updated_by INTEGER REFERENCES people (id);
ALTER TABLE evidence ADD COLUMN deleted_at INTEGER;
ALTER TABLE evidence ADD COLUMN deleted_by INTEGER REFERENCES people (id);

CREATE TABLE evidence_versions (
    id INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id),
    happened_on TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    links TEXT NOT NULL CHECK (json_valid(links)),
    skills TEXT NOT NULL CHECK (json_valid(skills)),
    corroborators TEXT NOT NULL CHECK (json_valid(corroborators)),
    -- When this version was replaced, and by whom.
    replaced_at INTEGER NOT NULL,
    replaced_by INTEGER NOT NULL REFERENCES people (id)
);
CREATE INDEX evidence_versions_evidence ON evidence_versions (evidence_id, id);

-- Earlier versions are history: never changed or removed.
CREATE TRIGGER evidence_versions_no_update BEFORE UPDATE ON evidence_versions
BEGIN
    SELECT RAISE(ABORT, 'evidence versions are append-only');
END;

CREATE TRIGGER evidence_versions_no_delete BEFORE DELETE ON evidence_versions
BEGIN
    SELECT RAISE(ABORT, 'evidence versions are append-only');
END;
