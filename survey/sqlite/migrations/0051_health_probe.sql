-- One row the health check rewrites through the writer connection, so
-- "healthy" means a write just committed (a full disk, an I/O error or a
-- read-only file show up as a failed probe), not only that reads answer.
CREATE TABLE health_probe (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at  TIMESTAMP NOT NULL
);
