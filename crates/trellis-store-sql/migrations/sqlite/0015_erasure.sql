-- When a person left (was deactivated), for retention: set by every deactivation, cleared when they
-- come back. People deactivated before this migration count from now.
ALTER TABLE people ADD COLUMN deactivated_at INTEGER;
UPDATE people SET deactivated_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE active = 0;

-- People whose personal data was erased: the row of `people` stays, pseudonymised, so that what
-- others wrote and the audit log keep their references. Whether their ratings were kept (their
-- comments removed) for anonymised aggregates is the organisation's choice at erasure.
CREATE TABLE erasures (
    person_id INTEGER PRIMARY KEY REFERENCES people (id),
    erased_at INTEGER NOT NULL,
    erased_by INTEGER REFERENCES people (id),
    kept_ratings INTEGER NOT NULL CHECK (kept_ratings IN (0, 1))
);

-- Ratings and evidence versions stay append-only, except those of a person being erased: the
-- erasure records itself first, in the same transaction, and that record opens them.
DROP TRIGGER ratings_no_update;
DROP TRIGGER ratings_no_delete;
CREATE TRIGGER ratings_no_update BEFORE UPDATE ON ratings
WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'ratings are append-only');
END;
CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings
WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'ratings are append-only');
END;

DROP TRIGGER evidence_versions_no_update;
DROP TRIGGER evidence_versions_no_delete;
CREATE TRIGGER evidence_versions_no_update BEFORE UPDATE ON evidence_versions
WHEN NOT EXISTS (
    SELECT 1 FROM erasures e JOIN evidence v ON v.person_id = e.person_id WHERE v.id = OLD.evidence_id
)
BEGIN
    SELECT RAISE(ABORT, 'evidence versions are append-only');
END;
CREATE TRIGGER evidence_versions_no_delete BEFORE DELETE ON evidence_versions
WHEN NOT EXISTS (
    SELECT 1 FROM erasures e JOIN evidence v ON v.person_id = e.person_id WHERE v.id = OLD.evidence_id
)
BEGIN
    SELECT RAISE(ABORT, 'evidence versions are append-only');
END;
