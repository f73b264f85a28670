-- The first Trellis schema. Times are Unix milliseconds; emails are stored trimmed and lower-cased.
-- JSON is stored as `json`, not `jsonb`, so that a framework's key order survives byte for byte.

CREATE TABLE teams (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    -- The name trimmed and lower-cased: team names are unique case-insensitively.
    name_key TEXT NOT NULL UNIQUE
);

CREATE TABLE framework_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    framework_id TEXT NOT NULL CHECK (framework_id <> ''),
    version TEXT NOT NULL CHECK (version <> ''),
    name TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by BIGINT,
    content JSON NOT NULL,
    UNIQUE (framework_id, version)
);

CREATE TABLE people (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    team_id BIGINT REFERENCES teams (id),
    manager_id BIGINT REFERENCES people (id),
    role_level TEXT,
    role_level_version BIGINT REFERENCES framework_versions (id),
    role_level_since BIGINT,
    system_role TEXT NOT NULL CHECK (system_role IN ('admin', 'people-team', 'member')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT,
    revision BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    CHECK (manager_id IS NULL OR manager_id <> id)
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_team ON people (team_id);

ALTER TABLE framework_versions
    ADD CONSTRAINT framework_versions_published_by_fkey FOREIGN KEY (published_by) REFERENCES people (id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

CREATE TABLE sign_in_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);

-- Append-only (see the next migration). No foreign key on the actor: the log outlives what it names.
CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL CHECK (action <> ''),
    target TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    ip TEXT,
    details JSON NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
