package sqlstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"sync"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// TestSealingWhileSubmitting submits from many goroutines while two stores
// on the same file (two processes: the server and a CLI export, say) seal
// the unit over and over: every response ends in exactly one segment, the
// segments of a bucket hold the bucket's responses, and the chain holds.
func TestSealingWhileSubmitting(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "seal.db")
	quiet := survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a, err := sqlite.Open(path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SyncQuestionnaires(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sv := mustSurvey(t, a, "Asia/Jayapura")
	ctx := context.Background()
	const workers, each = 32, 40
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	var submitters, sealers sync.WaitGroup
	errs := make(chan error, workers+4)
	for w := range workers {
		submitters.Go(func() {
			for i := range each {
				r, err := sv.Validate(fullInput(sv, "4"), start.Add(time.Duration(w*each+i)*time.Minute/4)) // ~5 hours of buckets
				if err == nil {
					_, _, err = a.Submit(ctx, r)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	for _, s := range []*sqlstore.Store{a, b, a, b} {
		sealers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.SealUnit(ctx, sv.Unit.ID); err != nil {
					errs <- fmt.Errorf("seal: %w", err)
					return
				}
			}
		})
	}
	submitters.Wait()
	close(done)
	sealers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, err := b.SealUnit(ctx, sv.Unit.ID); err != nil {
		t.Fatal(err)
	}
	prev := survey.ChainEntry{Hash: survey.GenesisHash}
	var leaves int64
	cov, err := a.EachChainEntry(ctx, sv.Unit.ID, func(e survey.ChainEntry, now survey.ChainState) error {
		if e.Seq != prev.Seq+1 || e.PrevHash != prev.Hash || e.ComputeHash() != e.Hash || now != (survey.ChainState{Count: e.Count, Root: e.Root}) {
			return fmt.Errorf("entry %d does not hold: %+v, now %+v", e.Seq, e, now)
		}
		if e.Kind != survey.ChainSegment || e.Count == 0 || e.Bucket.Minute() != 0 {
			return fmt.Errorf("entry %d is not a non-empty segment of an hour: %+v", e.Seq, e)
		}
		leaves += e.Count
		prev = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if leaves != workers*each || cov.Sealed != workers*each {
		t.Fatalf("segments hold %d leaves, %d responses sealed; want %d each", leaves, cov.Sealed, workers*each)
	}
}

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
	sv := mustSurvey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	submit := func(at time.Time) {
		t.Helper()
		r, err := sv.Validate(fullInput(sv, "5"), at)
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
