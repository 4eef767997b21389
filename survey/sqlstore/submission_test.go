package sqlstore_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"persepsi/data"
	"persepsi/survey"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestSubmitStoresOnceAndChains(t *testing.T) {
	s := mustOpen(t)
	sv := mustSurvey(t, s, "Asia/Jayapura")
	ctx := context.Background()
	in := fullInput(sv, "5")
	r, err := sv.Validate(in, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ref, dup, err := s.Submit(ctx, r)
	if err != nil || dup || !survey.ValidRef(ref) {
		t.Fatalf("first submit: ref=%q dup=%v err=%v", ref, dup, err)
	}
	r2, _ := sv.Validate(in, time.Now())
	ref2, dup2, err := s.Submit(ctx, r2)
	if err != nil || !dup2 || ref2 != ref {
		t.Fatalf("retry: ref=%q dup=%v err=%v, want ref %q dup", ref2, dup2, err, ref)
	}
}

func TestConcurrentSubmitsAllStoredOnce(t *testing.T) {
	s := mustOpen(t)
	sv := mustSurvey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	const n = 400
	refs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := fullInput(sv, strconv.Itoa(1+i%6))
			r, err := sv.Validate(in, time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			ref, _, err := s.Submit(ctx, r)
			if err != nil {
				t.Error(err)
			}
			refs[i] = ref
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, ref := range refs {
		if !survey.ValidRef(ref) {
			t.Fatalf("a submission got reference %q", ref)
		}
		seen[ref] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct references, want %d", len(seen), n)
	}
}

func TestBadResponseDoesNotSinkItsBatch(t *testing.T) {
	s := mustOpen(t)
	sv := mustSurvey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := sv.Validate(fullInput(sv, "4"), time.Now())
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
	sv := mustSurvey(t, s, "Asia/Jakarta")
	r, err := sv.Validate(fullInput(sv, "4"), time.Now())
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

// TestIdempotencyKeyIsPerCounter: a key reused at another counter (another
// unit's, here) is a new submission, not a duplicate of the first; a retry
// at the same counter still is.
func TestIdempotencyKeyIsPerCounter(t *testing.T) {
	t.Parallel()
	s := mustOpen(t)
	a := mustSurvey(t, s, "Asia/Jakarta")
	b := mustSurvey(t, s, "Asia/Makassar")
	ctx := context.Background()
	key := survey.NewIdempotencyKey()
	submit := func(sv *survey.Survey) (string, bool) {
		t.Helper()
		in := fullInput(sv, "3")
		in.Key = key
		r, err := sv.Validate(in, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ref, dup, err := s.Submit(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return ref, dup
	}
	refA, dupA := submit(a)
	refB, dupB := submit(b)
	again, dupAgain := submit(a)
	if dupA || dupB || refA == refB {
		t.Fatalf("same key at two counters: %s dup=%v, %s dup=%v; want two stored responses", refA, dupA, refB, dupB)
	}
	if !dupAgain || again != refA {
		t.Fatalf("retry at the first counter: %s dup=%v, want %s dup", again, dupAgain, refA)
	}
	for _, sv := range []*survey.Survey{a, b} {
		if n, _ := s.CountResponses(ctx, sv.Unit.ID); n != 1 {
			t.Errorf("unit %d stored %d responses, want 1", sv.Unit.ID, n)
		}
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
		sv := mustSurvey(t, s, "Asia/Makassar")
		r, err := sv.Validate(fullInput(sv, "4"), at)
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
