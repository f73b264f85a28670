-- Promotion cases: a case for a person to move to a target role level, opened by a manager in
-- their line or the person, written by the manager, commented on by the person before it goes to a
-- panel of named people who each vote with a reason, and decided (approved from a date, or not
-- yet with what is missing). What the case shows of readiness, ratings, evidence and peer input is
-- read from the person's records; the case stores only what was written and decided.

CREATE TABLE promotion_cases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    -- The target, a full role-level id on `framework_version_id`.
    role_level TEXT COLLATE "C" NOT NULL CHECK (role_level <> ''),
    framework_version_id BIGINT NOT NULL REFERENCES framework_versions (id),
    -- The role level the person held when the case was opened, if any.
    from_role_level TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('draft', 'submitted', 'decided')),
    case_text TEXT NOT NULL DEFAULT '',
    written_by BIGINT REFERENCES people (id),
    written_at BIGINT,
    opened_by BIGINT NOT NULL REFERENCES people (id),
    opened_at BIGINT NOT NULL,
    submitted_by BIGINT REFERENCES people (id),
    submitted_at BIGINT,
    outcome TEXT COLLATE "C" CHECK (outcome IS NULL OR outcome IN ('approved', 'not_yet')),
    decision_reason TEXT,
    -- What is missing, for a case decided "not yet".
    missing TEXT,
    -- The day an approved case's role level takes effect, `YYYY-MM-DD`.
    effective_on TEXT COLLATE "C" CHECK (effective_on IS NULL OR length(effective_on) = 10),
    decided_by BIGINT REFERENCES people (id),
    decided_at BIGINT,
    -- When the approved role level was assigned to the person.
    applied_at BIGINT,
    revision BIGINT NOT NULL DEFAULT 1,
    CHECK ((status = 'decided') = (outcome IS NOT NULL)),
    CHECK (outcome IS NULL OR decision_reason <> ''),
    CHECK (outcome IS DISTINCT FROM 'approved' OR effective_on IS NOT NULL)
);
-- One undecided case per person and target at a time.
CREATE UNIQUE INDEX promotion_cases_one_open ON promotion_cases (person_id, role_level)
    WHERE status <> 'decided';
CREATE INDEX promotion_cases_person ON promotion_cases (person_id, id);
CREATE INDEX promotion_cases_to_apply ON promotion_cases (effective_on)
    WHERE outcome = 'approved' AND applied_at IS NULL;

-- Comments on a case before it is submitted: the person's, and their managers' replies.
CREATE TABLE promotion_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES promotion_cases (id),
    author_id BIGINT NOT NULL REFERENCES people (id),
    body TEXT NOT NULL CHECK (body <> ''),
    at BIGINT NOT NULL
);
CREATE INDEX promotion_comments_case ON promotion_comments (case_id, id);

-- The panel: named people, each with their vote and its reason once cast. `others_seen_at` is
-- when the member was first shown another member's vote, after which their own is final.
CREATE TABLE promotion_panel (
    case_id BIGINT NOT NULL REFERENCES promotion_cases (id),
    member_id BIGINT NOT NULL REFERENCES people (id),
    vote TEXT COLLATE "C" CHECK (vote IS NULL OR vote IN ('approve', 'not_yet')),
    reason TEXT,
    voted_at BIGINT,
    others_seen_at BIGINT,
    PRIMARY KEY (case_id, member_id),
    CHECK ((vote IS NULL) = (reason IS NULL) AND (vote IS NULL) = (voted_at IS NULL)),
    CHECK (others_seen_at IS NULL OR vote IS NOT NULL)
);
CREATE INDEX promotion_panel_member ON promotion_panel (member_id, case_id);
