-- Daily rollups: the statistics of one (unit, local day, counter, service,
-- questionnaire version), kept up to date in the same transaction as the
-- responses, so a dashboard reads a year as ~a thousand small rows instead
-- of a million responses. payload is survey's binary rollup encoding
-- (accumulators per section, answer histograms, control and profile counts).
CREATE TABLE rollups (
    unit_id           INTEGER NOT NULL REFERENCES units (id),
    local_day         TEXT    NOT NULL,
    counter_id        INTEGER NOT NULL REFERENCES counters (id),
    service_id        INTEGER NOT NULL REFERENCES services (id),
    questionnaire_id  INTEGER NOT NULL REFERENCES questionnaires (id),
    n                 INTEGER NOT NULL,
    payload           BLOB    NOT NULL,
    PRIMARY KEY (unit_id, local_day, counter_id, service_id, questionnaire_id)
);

-- Latest suggestions are read newest first per unit; this partial index
-- holds only responses that have one.
CREATE INDEX responses_unit_suggestion ON responses (unit_id, id) WHERE suggestion <> '';
