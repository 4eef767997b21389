package sqlstore_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"persepsi/survey/storetest"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"persepsi/data"
	"persepsi/survey"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestBadResponseDoesNotSinkItsBatch(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := sv.Validate(storetest.Input(sv, "4"), time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			if i == 7 {
				r.CounterID = 424242 // violates the foreign key: this one must fail alone
			}
			_, _, errs[i] = s.Submit(ctx, r)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 7) {
			t.Errorf("submission %d: err = %v", i, err)
		}
	}
	if got, _ := s.CountResponses(ctx, sv.Unit.ID); got != n-1 {
		t.Fatalf("stored %d, want %d", got, n-1)
	}
}

func TestSubmitAfterCloseFails(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	r, err := sv.Validate(storetest.Input(sv, "4"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Submit(context.Background(), r); err != survey.ErrClosed {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
}

// TestStoredTimeIsBucketed reads the database file itself: the stored time
// of a response is the start of its bucket in the unit's local hours,
// whatever the bucket length.
func TestStoredTimeIsBucketed(t *testing.T) {
	t.Parallel()
	wita := time.FixedZone("WITA", 8*3600)
	at := time.Date(2026, 3, 4, 10, 37, 12, 345, wita)
	for _, tc := range []struct {
		bucket time.Duration
		want   time.Time
	}{
		{0, time.Date(2026, 3, 4, 10, 0, 0, 0, wita)},
		{15 * time.Minute, time.Date(2026, 3, 4, 10, 30, 0, 0, wita)},
		{6 * time.Hour, time.Date(2026, 3, 4, 6, 0, 0, 0, wita)},
	} {
		path := filepath.Join(t.TempDir(), "b.db")
		s, err := sqlite.Open(path, survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Bucket: tc.bucket})
		if err != nil {
			t.Fatal(err)
		}
		qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SyncQuestionnaires(context.Background(), qs); err != nil {
			t.Fatal(err)
		}
		sv := storetest.Survey(t, s, "Asia/Makassar")
		r, err := sv.Validate(storetest.Input(sv, "4"), at)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Submit(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite3", path)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		var day string
		if err := db.QueryRow(`SELECT submitted_at, local_day FROM responses`).Scan(&got, &day); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if !got.Equal(tc.want) || day != "2026-03-04" {
			t.Errorf("bucket %s: stored %s (%s), want %s", tc.bucket, got, day, tc.want)
		}
	}
	if err := survey.CheckBucket(7 * time.Minute); err == nil {
		t.Error("a 7-minute bucket (not dividing an hour) was accepted")
	}
	if _, err := sqlite.Open(filepath.Join(t.TempDir(), "x.db"), survey.Options{Bucket: 5 * time.Hour}); err == nil {
		t.Error("a 5-hour bucket (not dividing a day) was accepted")
	}
}
