-- Development plans: a person's goals, each a skill to reach a level of (toward a role level, by a
-- day, for a reason), with actions, progress notes, comments and suggestions from their managers,
-- and evidence linked to it. A goal is met when the person's agreed rating of the skill reaches its
-- target level: that is read from the ratings, not stored, so it can never disagree with them.

CREATE TABLE plan_goals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    -- A skill of the framework, and the level of its scale to reach.
    skill TEXT COLLATE "C" NOT NULL CHECK (skill <> ''),
    target_level TEXT COLLATE "C" NOT NULL CHECK (target_level <> ''),
    -- The role level the goal is a step toward, if any.
    role_level TEXT COLLATE "C",
    -- `YYYY-MM-DD`, when there is a target date.
    due_on TEXT COLLATE "C" CHECK (due_on IS NULL OR length(due_on) = 10),
    why TEXT NOT NULL,
    -- Closed goals (met, or dropped) are kept, and make room for a new goal for the skill.
    closed_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
-- One goal per skill at a time.
CREATE UNIQUE INDEX plan_goals_open ON plan_goals (person_id, skill) WHERE closed_at IS NULL;
CREATE INDEX plan_goals_person ON plan_goals (person_id, id);

CREATE TABLE plan_actions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id),
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('course', 'project', 'shadowing', 'mentoring', 'other')),
    body TEXT NOT NULL CHECK (body <> ''),
    due_on TEXT COLLATE "C" CHECK (due_on IS NULL OR length(due_on) = 10),
    done_at BIGINT,
    -- When the owner was reminded that it is due.
    reminded_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_actions_goal ON plan_actions (goal_id, id);
CREATE INDEX plan_actions_due ON plan_actions (due_on) WHERE done_at IS NULL AND reminded_at IS NULL;

-- Progress notes (by the person), comments and suggestions (by their managers).
CREATE TABLE plan_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id),
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('progress', 'comment', 'suggestion')),
    author_id BIGINT NOT NULL REFERENCES people (id),
    body TEXT NOT NULL CHECK (body <> ''),
    at BIGINT NOT NULL
);
CREATE INDEX plan_comments_goal ON plan_comments (goal_id, id);

CREATE TABLE plan_goal_evidence (
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id),
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    PRIMARY KEY (goal_id, evidence_id)
);
