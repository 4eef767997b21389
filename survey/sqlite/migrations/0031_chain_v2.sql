-- Chain format v2 (docs/EVIDENCE.md §1). The v1 chain had one entry per
-- response, in arrival order, whose digest covered the submission time to
-- the second: it linked rows to people. v2 commits responses per time
-- bucket in Merkle trees of salted leaves and chains one entry per sealed
-- segment, plus one per exclusion. The Go step of this migration
-- (survey/upgrade_v1.go) verifies the v1 chain, records its head as the
-- first v2 entry, truncates stored times to buckets, re-salts every
-- response, seals everything into segments, re-chains the exclusions and
-- drops chain_v1.
DROP INDEX chain_ref;
ALTER TABLE chain RENAME TO chain_v1;
CREATE TABLE chain (
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL,             -- segment | exclusion | v1-head
    bucket     TIMESTAMP,                    -- segment: start of its time bucket (UTC)
    count      INTEGER NOT NULL,             -- segment: leaves; v1-head: last v1 seq; exclusion: 1
    root       TEXT    NOT NULL,             -- segment: Merkle root; exclusion: digest; v1-head: v1 head hash
    ref_id     INTEGER NOT NULL DEFAULT 0,   -- exclusion: its id (not hashed)
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
CREATE INDEX chain_ref ON chain (kind, ref_id);
-- Exports read a day's responses by bucket, then by the random ref: never
-- in arrival (id) order. The longer key serves every (unit_id, local_day)
-- lookup the old index did.
DROP INDEX responses_unit_day;
CREATE INDEX responses_unit_day ON responses (unit_id, local_day, submitted_at, ref);
-- Sealing looks for unsealed responses by time first (every unit's
-- closed buckets), so the partial index leads with the bucket.
DROP INDEX responses_unsealed;
CREATE INDEX responses_unsealed ON responses (submitted_at, unit_id) WHERE segment IS NULL;
