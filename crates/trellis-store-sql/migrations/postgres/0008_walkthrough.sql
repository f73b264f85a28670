-- What a walkthrough of the assessment loop asked for: drafts of a stage's ratings, the person's
-- answer to an agreed outcome, and evidence that can be edited (keeping what it said before) and
-- deleted (softly, so the record and its audit trail stay).

-- A rater's unsubmitted ratings of one stage, for them alone until they submit: one per assessment
-- and kind of rater, replaced by each save and removed by the submission. The ratings are a JSON
-- array of {skill, level, not_applicable, comment}, any of them still missing.
CREATE TABLE rating_drafts (
    assessment_id BIGINT NOT NULL REFERENCES assessments (id),
    rater_kind TEXT COLLATE "C" NOT NULL CHECK (rater_kind IN ('self', 'manager', 'agreed')),
    rater_id BIGINT NOT NULL REFERENCES people (id),
    ratings JSON NOT NULL CHECK (json_typeof(ratings) = 'array'),
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, rater_kind)
);

-- The person's answer to the agreed outcome of their assessment: confirmed, or disputed with a
-- comment. Once.
CREATE TABLE outcome_answers (
    assessment_id BIGINT PRIMARY KEY REFERENCES assessments (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    answer TEXT COLLATE "C" NOT NULL CHECK (answer IN ('confirmed', 'disputed')),
    comment TEXT CHECK (comment <> ''),
    at BIGINT NOT NULL,
    CHECK (answer = 'confirmed' OR comment IS NOT NULL)
);

-- Evidence edited keeps each earlier version here; deleted evidence keeps its row, marked.
ALTER TABLE evidence
    ADD COLUMN updated_at BIGINT,
    ADD COLUMN updated_by BIGINT REFERENCES people (id),
    ADD COLUMN deleted_at BIGINT,
    ADD COLUMN deleted_by BIGINT REFERENCES people (id);

CREATE TABLE evidence_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    happened_on TEXT COLLATE "C" NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    links JSON NOT NULL,
    skills JSON NOT NULL,
    corroborators JSON NOT NULL,
    -- When this version was replaced, and by whom.
    replaced_at BIGINT NOT NULL,
    replaced_by BIGINT NOT NULL REFERENCES people (id)
);
CREATE INDEX evidence_versions_evidence ON evidence_versions (evidence_id, id);

-- Earlier versions are history: never changed or removed.
CREATE FUNCTION evidence_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'evidence versions are append-only';
END
$$;

CREATE TRIGGER evidence_versions_no_change BEFORE UPDATE OR DELETE ON evidence_versions
    FOR EACH ROW EXECUTE FUNCTION evidence_versions_append_only();
