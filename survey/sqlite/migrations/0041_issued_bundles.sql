-- The register of every evidence bundle the instance issued: which unit and
-- period, at which chain position, when and by whom, and the SHA-256 of the
-- zip and of every file in it, so /verify recognises any issued file alone
-- (the PDF included).
CREATE TABLE issued_bundles (
    id          INTEGER   PRIMARY KEY,
    unit_id     INTEGER   NOT NULL REFERENCES units (id),
    period_from TEXT      NOT NULL,
    period_to   TEXT      NOT NULL,
    head_seq    INTEGER   NOT NULL,
    head_hash   TEXT      NOT NULL,
    anon_k      INTEGER   NOT NULL,
    issued_at   TIMESTAMP NOT NULL,
    issued_by   TEXT      NOT NULL
);
CREATE TABLE issued_files (
    bundle_id INTEGER NOT NULL REFERENCES issued_bundles (id),
    name      TEXT    NOT NULL,
    size      INTEGER NOT NULL,
    sha256    TEXT    NOT NULL,
    PRIMARY KEY (bundle_id, name)
);
CREATE INDEX issued_files_sha256 ON issued_files (sha256);
