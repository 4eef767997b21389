-- The follow-up plan (rencana tindak lanjut): for a weak item, what causes
-- it, what the unit will do, by when and who answers for it. The report
-- prints it; unit heads keep it in the console.
CREATE TABLE followups (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    item_code   TEXT    NOT NULL,
    cause       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    deadline    TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX followups_unit ON followups (unit_id);
