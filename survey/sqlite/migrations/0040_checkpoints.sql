-- A checkpoint is a chain head the instance published on its transparency
-- feed (signed when served). Witnesses on other machines keep copies; a
-- later head must extend every earlier one. published_at is the scheduled
-- publication time (a whole interval, one hour by default), never the time
-- of a response.
CREATE TABLE checkpoints (
    unit_id      INTEGER   NOT NULL REFERENCES units (id),
    seq          INTEGER   NOT NULL,
    hash         TEXT      NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
