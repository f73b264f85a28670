-- Milestones of a development plan: the first-year goals of a role level (30, 60 and 90 days, 6 and
-- 12 months), each a line of text due on a day with the evidence of success, marked done by the
-- person. They are not skills, so they are not plan goals.

CREATE TABLE plan_milestones (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    -- The role level whose onboarding goals they are.
    role_level TEXT COLLATE "C" NOT NULL CHECK (role_level <> ''),
    stage TEXT COLLATE "C" NOT NULL CHECK (stage IN ('days_30', 'days_60', 'days_90', 'months_6', 'months_12')),
    -- The order within the role level's goals: two people starting the same plan at once collide here.
    position BIGINT NOT NULL CHECK (position >= 0),
    body TEXT NOT NULL CHECK (body <> ''),
    -- What shows it is reached; may be empty.
    evidence TEXT NOT NULL,
    due_on TEXT COLLATE "C" NOT NULL CHECK (length(due_on) = 10),
    done_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX plan_milestones_one_start ON plan_milestones (person_id, role_level, position);
