package survey_test

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestHealthAndCheckpoint(t *testing.T) {
	s := mustOpen(t)
	sv := mustSurvey(t, s, "Asia/Jakarta")
	seedResponses(t, s, sv, 50, 3, time.Now(), 3)
	ctx := context.Background()
	h, err := s.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.Responses != 50 || h.Units != 1 || h.Rollups == 0 || h.WALBytes == 0 {
		t.Fatalf("health: %+v", h)
	}
	if err := s.Checkpoint(ctx, -1); err != nil {
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
