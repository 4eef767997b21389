-- An exclusion takes a response out of the statistics without deleting it.
-- It is an event: who, when and why, recorded in the unit's hash chain too.
CREATE TABLE exclusions (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    response_id  INTEGER NOT NULL REFERENCES responses (id),
    reason       TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (response_id)
);
CREATE INDEX exclusions_unit ON exclusions (unit_id);
