-- The first Trellis schema. Times are Unix milliseconds; emails are stored trimmed and lower-cased.

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    -- The name trimmed and lower-cased: team names are unique case-insensitively.
    name_key TEXT NOT NULL UNIQUE
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    team_id INTEGER REFERENCES teams (id),
    manager_id INTEGER REFERENCES people (id),
    role_level TEXT,
    role_level_version INTEGER REFERENCES framework_versions (id),
    role_level_since INTEGER,
    system_role TEXT NOT NULL CHECK (system_role IN ('admin', 'people-team', 'member')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    password_hash TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    CHECK (manager_id IS NULL OR manager_id <> id)
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_team ON people (team_id);

CREATE TABLE framework_versions (
    id INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL CHECK (framework_id <> ''),
    version TEXT NOT NULL CHECK (version <> ''),
    name TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES people (id),
    -- The framework model as JSON text, kept byte for byte so that key order survives.
    content TEXT NOT NULL CHECK (json_valid(content)),
    UNIQUE (framework_id, version)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);

-- Append-only (see the next migration). No foreign key on the actor: the log outlives what it names.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL CHECK (action <> ''),
    target TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    ip TEXT,
    details TEXT NOT NULL CHECK (json_valid(details))
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
