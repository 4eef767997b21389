package sqlstore_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"persepsi/survey/storetest"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
)

// TestSealClosedAndSealUnit: the maintenance seal commits only buckets that
// have ended; an export's seal commits the open bucket too, and a later
// response of that bucket goes into a second segment of it.
func TestSealClosedAndSealUnit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 3, 30, 0, 0, time.UTC) // 10:30 WIB
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "c.db"), survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SyncQuestionnaires(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	submit := func(at time.Time) {
		t.Helper()
		r, err := sv.Validate(storetest.Input(sv, "5"), at)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Submit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	submit(now.Add(-80 * time.Minute)) // 09:10 WIB, an ended bucket
	submit(now.Add(-25 * time.Minute)) // 10:05 WIB, the open bucket
	seal := func(f func(context.Context) (int, error), want int) survey.ChainEntry {
		t.Helper()
		if n, err := f(ctx); err != nil || n != want {
			t.Fatalf("sealed %d, %v; want %d", n, err, want)
		}
		h, err := s.ChainHead(ctx, sv.Unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	closed := func(ctx context.Context) (int, error) { return s.SealClosed(ctx) }
	unit := func(ctx context.Context) (int, error) { return s.SealUnit(ctx, sv.Unit.ID) }
	if h := seal(closed, 1); h.Seq != 1 || !h.Bucket.Equal(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("maintenance seal: head %+v, want the 09:00 WIB bucket", h)
	}
	seal(closed, 0)
	if h := seal(unit, 1); h.Seq != 2 || !h.Bucket.Equal(time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("export seal: head %+v, want the open 10:00 WIB bucket", h)
	}
	submit(now.Add(-10 * time.Minute)) // 10:20 WIB, same open bucket
	if h := seal(unit, 1); h.Seq != 3 || h.Count != 1 || !h.Bucket.Equal(time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("later response: head %+v, want a second segment of the 10:00 WIB bucket", h)
	}
}
