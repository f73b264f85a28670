-- A check-in note the person it is about has shared with someone beyond the pair (a skip-level
-- manager, a mentor, the people team). Only the person shares, only notes they may read; the
-- share goes with the note.
CREATE TABLE check_in_note_shares (
    entry_id BIGINT NOT NULL REFERENCES check_in_entries (id) ON DELETE CASCADE,
    shared_with BIGINT NOT NULL REFERENCES people (id),
    shared_by BIGINT NOT NULL REFERENCES people (id),
    at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, shared_with)
);
CREATE INDEX check_in_note_shares_with ON check_in_note_shares (shared_with, at);
