package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"persepsi/survey/sqlite"
	"persepsi/survey/storetest"
	"testing"
	"time"
)

func TestHealthAndCheckpoint(t *testing.T) {
	s := mustOpen(t)
	if s.Dialect().Name() != "sqlite" {
		t.Skip("the WAL file and its upkeep are SQLite's")
	}
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	storetest.Seed(t, s, sv, 50, 3, time.Now(), 3)
	ctx := context.Background()
	h, err := s.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.Responses != 50 || h.Units != 1 || h.Rollups == 0 || h.WALBytes == 0 {
		t.Fatalf("health: %+v", h)
	}
	// Responses is a count, not the highest id: with the first response
	// gone (as whoever holds the file could do), it counted 50 still.
	db, err := sql.Open("sqlite3", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM answers WHERE response_id = (SELECT MIN(id) FROM responses);
		DELETE FROM responses WHERE id = (SELECT MIN(id) FROM responses)`); err != nil {
		t.Fatal(err)
	}
	if h, err = s.Health(ctx); err != nil || h.Responses != 49 {
		t.Fatalf("health after one response is gone: %d responses, %v", h.Responses, err)
	}
	if err := sqlite.Checkpoint(ctx, s.Writer(), s.Path(), -1); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 0 {
		t.Errorf("WAL after a truncating checkpoint: %d bytes", fi.Size())
	}
}
