-- Passwords reset by email: the link carries a random token, of which only a hash is kept. A token
-- is used once, before it expires; using one, or a password set any other way, ends every other
-- token of the account.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    CHECK (expires_at > created_at)
);
CREATE INDEX password_resets_person ON password_resets (person_id);
