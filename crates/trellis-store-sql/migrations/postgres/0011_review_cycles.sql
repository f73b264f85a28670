-- Review cycles: a population (a team, a track or one role level) assessed on one framework
-- version, stage by stage with a deadline each, opened as a draft, launched (an assessment for each
-- person) and closed by the people team, its results shared with each person on a given day.

CREATE TABLE review_cycles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    -- Names are unique case-insensitively: the cycle's name labels its assessments.
    name_key TEXT COLLATE "C" NOT NULL UNIQUE,
    framework_version_id BIGINT NOT NULL REFERENCES framework_versions (id),
    population_kind TEXT COLLATE "C" NOT NULL CHECK (population_kind IN ('team', 'track', 'role_level')),
    population TEXT COLLATE "C" NOT NULL CHECK (population <> ''),
    -- Deadlines, `YYYY-MM-DD`, in order.
    self_due TEXT COLLATE "C" NOT NULL CHECK (length(self_due) = 10),
    peer_due TEXT COLLATE "C" NOT NULL CHECK (length(peer_due) = 10 AND peer_due >= self_due),
    manager_due TEXT COLLATE "C" NOT NULL CHECK (length(manager_due) = 10 AND manager_due >= peer_due),
    calibration_due TEXT COLLATE "C" NOT NULL
        CHECK (length(calibration_due) = 10 AND calibration_due >= manager_due),
    agreed_due TEXT COLLATE "C" NOT NULL CHECK (length(agreed_due) = 10 AND agreed_due >= calibration_due),
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    shares_on TEXT COLLATE "C" CHECK (shares_on IS NULL OR length(shares_on) = 10),
    shared_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL,
    launched_at BIGINT,
    closed_at BIGINT
);
CREATE INDEX review_cycles_to_share ON review_cycles (shares_on)
    WHERE status = 'closed' AND shared_at IS NULL;

-- The cycle an assessment was launched by, if any.
ALTER TABLE assessments ADD COLUMN cycle_id BIGINT REFERENCES review_cycles (id);
CREATE INDEX assessments_cycle ON assessments (cycle_id, id) WHERE cycle_id IS NOT NULL;
