-- Sign-ins through the organisation's OpenID provider that are under way. The browser carries the
-- state (in the provider's redirect and in a cookie); only its hash is kept here, with what the
-- server alone must know to finish: the PKCE verifier and the nonce. Each is taken once, so a
-- replayed or forged callback finds nothing.
CREATE TABLE sso_sign_ins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX sso_sign_ins_expiry ON sso_sign_ins (expires_at);
