-- Accounts of the people who read the dashboards: users with one role,
-- their unit assignments, login sessions and API tokens. Secrets (session
-- ids, tokens) are stored only as SHA-256 digests, passwords only as
-- argon2id hashes, so a copy of the database lets no one sign in.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    password_hash        TEXT    NOT NULL,
    role                 TEXT    NOT NULL,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    password_changed_at  TIMESTAMP NOT NULL,
    created_at           TIMESTAMP NOT NULL
);

CREATE TABLE user_units (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE sessions (
    id_hash     TEXT      PRIMARY KEY,
    user_id     INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    prefix        TEXT    NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The number of service users of a unit in a period (N), set by an admin:
-- it drives the Krejcie–Morgan minimum and the finite population correction.
CREATE TABLE unit_populations (
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    from_day    TEXT    NOT NULL,
    to_day      TEXT    NOT NULL,
    population  INTEGER NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, from_day, to_day)
);

-- Instance-wide settings (predicate thresholds, minimum group size), one
-- row per key; a missing key means the built-in default.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
