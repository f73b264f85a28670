-- At most one open assessment (any stage before `agreed`) per person and role level. The use case
-- checks first, to say which one is open; this index is what holds when two starts race.
--
-- A database from before this rule may already hold such duplicates. They are closed here, before
-- the index is built, rather than letting the migration fail: per person and role level the one
-- furthest along is kept (the oldest of those), and each other one is moved to `agreed` with no
-- agreement date and no agreer (`agreed_at`/`agreed_by` stay NULL, so it reads as closed, never as
-- agreed), its ratings kept as they are. Each closing is audited.

-- No start may slip in between the closing and the index.
LOCK TABLE assessments IN SHARE ROW EXCLUSIVE MODE;

CREATE TEMPORARY TABLE duplicate_open_assessments AS
SELECT id, person_id, role_level, stage, kept FROM (
    SELECT id, person_id, role_level, stage,
        first_value(id) OVER w AS kept,
        row_number() OVER w AS n
    FROM assessments
    WHERE stage <> 'agreed'
    WINDOW w AS (
        PARTITION BY person_id, role_level
        ORDER BY CASE stage WHEN 'compare' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, id
    )
) ranked
WHERE n > 1;

INSERT INTO audit_events (at, actor_id, action, target, outcome, ip, details)
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT, NULL, 'assessment.close',
    'assessment:' || id, 'success', NULL,
    json_build_object('reason', 'duplicate open assessment, closed by migration 0006',
        'person_id', person_id, 'role_level', role_level, 'stage', stage, 'kept', kept)
FROM duplicate_open_assessments ORDER BY id;

UPDATE assessments SET stage = 'agreed', revision = revision + 1
WHERE id IN (SELECT id FROM duplicate_open_assessments);

DROP TABLE duplicate_open_assessments;

CREATE UNIQUE INDEX assessments_one_open ON assessments (person_id, role_level)
    WHERE stage <> 'agreed';
