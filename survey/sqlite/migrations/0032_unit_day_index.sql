-- 0031 put the random ref at the end of responses_unit_day, so every
-- submission inserted into a random page of it (raw insert rate 0.55 of
-- the same schema without: docs/PERFORMANCE.md). Exports read bucket by
-- bucket and sort a bucket's page by ref instead (Store.EachRecord).
DROP INDEX responses_unit_day;
CREATE INDEX responses_unit_day ON responses (unit_id, local_day, submitted_at);
