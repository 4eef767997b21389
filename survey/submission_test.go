package survey_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

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
	id, dup, err := s.Submit(ctx, r)
	if err != nil || dup || id == 0 {
		t.Fatalf("first submit: id=%d dup=%v err=%v", id, dup, err)
	}
	r2, _ := sv.Validate(in, time.Now())
	id2, dup2, err := s.Submit(ctx, r2)
	if err != nil || !dup2 || id2 != id {
		t.Fatalf("retry: id=%d dup=%v err=%v, want id %d dup", id2, dup2, err, id)
	}
}

func TestConcurrentSubmitsAllStoredOnce(t *testing.T) {
	s := mustOpen(t)
	sv := mustSurvey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	const n = 400
	ids := make([]int64, n)
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
			id, _, err := s.Submit(ctx, r)
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 {
			t.Fatal("a submission got no id")
		}
		seen[id] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct ids, want %d", len(seen), n)
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
