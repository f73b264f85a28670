-- The outcome of each skill of each assessment in a review cycle (its newest agreed rating, else its
-- newest manager's rating, not-applicable ones included) with its gap to the level the cycle's
-- framework version requires, kept up to date in the transaction of every rating written, as
-- `current_ratings` is. Calibration counts a cycle's outcomes per manager, team, track and skill with
-- indexed GROUP BYs over this table instead of picking each outcome out of the rating history.

-- How each level of each required skill of each role level of a framework version compares with the
-- required level (its place on the skill's scale minus the required level's). A version never
-- changes, so neither do its gaps: they are recorded once, the first time a cycle of the version is
-- calibrated, and from then on give each outcome its gap when it is written.
CREATE TABLE level_gaps (
    framework_version_id INTEGER NOT NULL REFERENCES framework_versions (id),
    role_level TEXT NOT NULL,
    skill TEXT NOT NULL,
    level TEXT NOT NULL,
    gap INTEGER NOT NULL,
    -- The track of the role level, for counting per track.
    track TEXT NOT NULL,
    PRIMARY KEY (framework_version_id, role_level, skill, level)
) WITHOUT ROWID;

-- `gap` and `track` are NULL when the outcome is "not applicable", when its level is not one the
-- version's gaps know, or while the version's gaps are not recorded yet: such outcomes are not
-- counted.
CREATE TABLE cycle_outcomes (
    cycle_id INTEGER NOT NULL,
    assessment_id INTEGER NOT NULL,
    skill TEXT NOT NULL,
    rating_id INTEGER NOT NULL,
    rater_kind TEXT NOT NULL CHECK (rater_kind IN ('manager', 'agreed')),
    at INTEGER NOT NULL,
    level TEXT,
    gap INTEGER,
    track TEXT,
    PRIMARY KEY (cycle_id, assessment_id, skill)
) WITHOUT ROWID;
-- Counts per skill and per track, each one range of an index.
CREATE INDEX cycle_outcomes_skill ON cycle_outcomes (cycle_id, skill, gap);
CREATE INDEX cycle_outcomes_track ON cycle_outcomes (cycle_id, track, gap);
-- Counts per assessment and gap in index order: per manager and team they are summed per assessment.
CREATE INDEX cycle_outcomes_assessment ON cycle_outcomes (cycle_id, assessment_id, gap);

-- The outcomes of the assessments already in cycles; their gaps follow when each version's are
-- recorded.
INSERT INTO cycle_outcomes (cycle_id, assessment_id, skill, rating_id, rater_kind, at, level)
SELECT cycle_id, assessment_id, skill, id, rater_kind, at, level
FROM (SELECT a.cycle_id, r.assessment_id, r.skill, r.id, r.rater_kind, r.at, r.level,
          row_number() OVER (PARTITION BY r.assessment_id, r.skill
              ORDER BY CASE WHEN r.rater_kind = 'agreed' THEN 0 ELSE 1 END, r.at DESC, r.id DESC)
              AS pick
      FROM ratings r
      JOIN assessments a ON a.id = r.assessment_id AND a.cycle_id IS NOT NULL
      WHERE r.rater_kind IN ('manager', 'agreed')) newest
WHERE pick = 1;
