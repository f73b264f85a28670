-- Calibration: a recorded adjustment of one outcome of a review cycle (the agreed rating of a skill,
-- or the manager's while the assessment is not agreed yet), with its level before and after, who made
-- it, when and why. The adjustment itself is an ordinary new rating (`rating_id`): ratings stay
-- append-only and the outcome the pages read is the newest rating.

CREATE TABLE calibration_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES review_cycles (id),
    assessment_id BIGINT NOT NULL REFERENCES assessments (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    skill TEXT COLLATE "C" NOT NULL CHECK (skill <> ''),
    -- The kind of rating moved: the agreed outcome, or the manager's before agreement.
    rater_kind TEXT COLLATE "C" NOT NULL CHECK (rater_kind IN ('manager', 'agreed')),
    before_level TEXT COLLATE "C" CHECK (before_level <> ''),
    after_level TEXT COLLATE "C" NOT NULL CHECK (after_level <> ''),
    reason TEXT NOT NULL CHECK (reason <> ''),
    rating_id BIGINT NOT NULL REFERENCES ratings (id),
    changed_by BIGINT NOT NULL REFERENCES people (id),
    changed_at BIGINT NOT NULL
);
-- A cycle's moved list, newest first.
CREATE INDEX calibration_changes_cycle ON calibration_changes (cycle_id, changed_at, id);
-- Erasure removes a person's changes.
CREATE INDEX calibration_changes_person ON calibration_changes (person_id);

-- The outcome of each skill of an assessment (the newest agreed, else manager, rating) is found in
-- one index range per assessment, without the table: the distribution reads a whole cycle at once.
CREATE INDEX ratings_outcome ON ratings (assessment_id, skill, rater_kind, at, id, level);
