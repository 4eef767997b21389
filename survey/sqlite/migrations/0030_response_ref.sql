-- Responses get a public reference and a secret salt, and idempotency keys
-- become per counter. SQLite cannot drop a column's UNIQUE constraint, so
-- the table is rebuilt (the documented 12-step procedure: the migration
-- runner turns foreign keys off and runs foreign_key_check before commit).
--   ref:     16 random bytes in hex, the only id a response shows outside
--            the database (exports, pages, API, CLI); the integer id never
--            leaves it, since it follows arrival order.
--   salt:    32 secret random bytes, never exported, prefixed to the
--            response's leaf in its chain segment so the commitment cannot
--            be brute-forced from exported fields (docs/EVIDENCE.md §1).
--   segment: seq of the chain entry that commits the response, NULL until
--            its time bucket is sealed.
--   (counter_id, idempotency_key): a key reused at another counter is
--            another submission, not a duplicate to drop.
-- The defaults serve rows written by SQL alone (this copy, tools); the
-- server generates ref and salt with crypto/rand.
CREATE TABLE responses_new (
    id                INTEGER PRIMARY KEY,
    ref               TEXT    NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    unit_id           INTEGER NOT NULL REFERENCES units (id),
    counter_id        INTEGER NOT NULL REFERENCES counters (id),
    service_id        INTEGER NOT NULL REFERENCES services (id),
    questionnaire_id  INTEGER NOT NULL REFERENCES questionnaires (id),
    submitted_at      TIMESTAMP NOT NULL,
    local_day         TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    age_band          TEXT    NOT NULL DEFAULT '',
    sex               TEXT    NOT NULL DEFAULT '',
    education         TEXT    NOT NULL DEFAULT '',
    occupation        TEXT    NOT NULL DEFAULT '',
    control           TEXT    NOT NULL DEFAULT '',
    suggestion        TEXT    NOT NULL DEFAULT '',
    idempotency_key   TEXT    NOT NULL,
    salt              BLOB    NOT NULL DEFAULT (randomblob(32)),
    segment           INTEGER,
    UNIQUE (counter_id, idempotency_key)
);
INSERT INTO responses_new (id, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel,
    age_band, sex, education, occupation, control, suggestion, idempotency_key)
SELECT id, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel,
    age_band, sex, education, occupation, control, suggestion, idempotency_key
FROM responses;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
CREATE INDEX responses_unit_day ON responses (unit_id, local_day);
CREATE INDEX responses_unit_day_suggestion ON responses (unit_id, local_day) WHERE suggestion <> '';
-- Sealing finds a unit's unsealed responses by bucket; verification reads a
-- segment's responses. Both partial, so a submission pays for one of them.
CREATE INDEX responses_unsealed ON responses (unit_id, submitted_at) WHERE segment IS NULL;
CREATE INDEX responses_segment ON responses (unit_id, segment) WHERE segment IS NOT NULL;
