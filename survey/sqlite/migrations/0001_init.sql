-- Foundation schema: questionnaires, units, services, counters, responses,
-- their answers, and the per-unit hash chain that makes edits detectable.
CREATE TABLE questionnaires (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    definition  TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (key, version)
);

CREATE TABLE units (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    agency            TEXT    NOT NULL DEFAULT '',
    time_zone         TEXT    NOT NULL,
    questionnaire_id  INTEGER NOT NULL REFERENCES questionnaires (id),
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    name        TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE counters (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    service_id  INTEGER REFERENCES services (id),
    name        TEXT    NOT NULL,
    code        TEXT    NOT NULL UNIQUE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX counters_unit ON counters (unit_id);

-- A regenerated code is kept here so it can never be handed out again and
-- so an old poster is recognised as retired rather than unknown.
CREATE TABLE retired_codes (
    code        TEXT    PRIMARY KEY,
    counter_id  INTEGER NOT NULL REFERENCES counters (id),
    retired_at  TIMESTAMP NOT NULL
);

-- Responses are append-only. No column identifies a person: no IP address,
-- no user agent, no device id. idempotency_key is a random token printed
-- into the form, used only to store a double-tapped submission once.
CREATE TABLE responses (
    id                INTEGER PRIMARY KEY,
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
    idempotency_key   TEXT    NOT NULL UNIQUE
);
CREATE INDEX responses_unit_day ON responses (unit_id, local_day);

CREATE TABLE answers (
    response_id  INTEGER NOT NULL REFERENCES responses (id),
    item_code    TEXT    NOT NULL,
    value        INTEGER NOT NULL,
    PRIMARY KEY (response_id, item_code)
) WITHOUT ROWID; -- answers are only ever read by response: one b-tree instead of table + index


-- chain holds one entry per event of a unit (a response, an exclusion),
-- each hash covering the previous hash and the event's canonical digest.
CREATE TABLE chain (
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    seq         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    ref_id      INTEGER NOT NULL,
    digest      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
CREATE INDEX chain_ref ON chain (kind, ref_id);
