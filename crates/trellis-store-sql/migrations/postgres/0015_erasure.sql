-- When a person left (was deactivated), for retention: set by every deactivation, cleared when they
-- come back. People deactivated before this migration count from now.
ALTER TABLE people ADD COLUMN deactivated_at BIGINT;
UPDATE people SET deactivated_at = (extract(epoch FROM now()) * 1000)::BIGINT WHERE active = FALSE;

-- People whose personal data was erased: the row of `people` stays, pseudonymised, so that what
-- others wrote and the audit log keep their references. Whether their ratings were kept (their
-- comments removed) for anonymised aggregates is the organisation's choice at erasure.
CREATE TABLE erasures (
    person_id BIGINT PRIMARY KEY REFERENCES people (id),
    erased_at BIGINT NOT NULL,
    erased_by BIGINT REFERENCES people (id),
    kept_ratings BOOLEAN NOT NULL
);

-- Ratings and evidence versions stay append-only, except those of a person being erased: the
-- erasure records itself first, in the same transaction, and that record opens them. TRUNCATE is
-- refused as before.
CREATE OR REPLACE FUNCTION ratings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
        AND EXISTS (SELECT 1 FROM erasures WHERE person_id = OLD.person_id) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ratings are append-only';
END
$$;

CREATE OR REPLACE FUNCTION evidence_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM erasures e JOIN evidence v ON v.person_id = e.person_id
        WHERE v.id = OLD.evidence_id
    ) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'evidence versions are append-only';
END
$$;
