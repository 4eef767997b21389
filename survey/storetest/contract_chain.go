package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"persepsi/survey"
)

// testChain: SealUnit commits every unsealed response into segments of
// their buckets, once; the chain reads back alike through ChainHead,
// ChainEntryAt, ChainEntries and EachChainEntry; an exclusion appends an
// entry naming its digest.
func testChain(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	unit := sv.Unit.ID
	if es, _ := checkChain(t, s, unit); len(es) != 0 {
		t.Fatalf("a new unit has chain entries %+v", es)
	}
	if _, err := s.V1Head(ctx, unit); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("V1Head of a unit born on v2: %v, want ErrNotFound", err)
	}
	SubmitAt(t, s, sv, base, 3, "5", "Tidak")
	SubmitAt(t, s, sv, base.Add(time.Hour), 2, "4", "Tidak")
	SubmitAt(t, s, sv, base.Add(26*time.Hour), 4, "3", "Tidak")
	if n, err := s.SealUnit(ctx, unit); err != nil || n != 9 {
		t.Fatalf("SealUnit sealed %d, %v; want 9", n, err)
	}
	if n, err := s.SealUnit(ctx, unit); err != nil || n != 0 {
		t.Fatalf("SealUnit again sealed %d, %v; want 0", n, err)
	}
	es, cov := checkChain(t, s, unit)
	if len(es) < 3 || cov.Sealed != 9 || cov.Exclusions != 0 {
		t.Fatalf("%d entries, coverage %+v; want a segment per bucket (3) covering 9 responses", len(es), cov)
	}
	period := survey.Period{From: baseDay.From, To: "2026-03-03"}
	for _, r := range records(t, s, unit, period, 0) {
		if r.Seq < 1 || r.Seq > int64(len(es)) {
			t.Fatalf("record %s names segment %d of %d entries", r.Ref, r.Seq, len(es))
		}
		e := es[r.Seq-1]
		if e.Kind != survey.ChainSegment || !e.Bucket.Equal(r.SubmittedAt) || r.Hash != e.Hash {
			t.Fatalf("record %s (bucket %s, hash %s) sealed by %+v", r.Ref, r.SubmittedAt, r.Hash, e)
		}
	}
	for _, e := range es {
		if got, err := s.ChainEntryAt(ctx, unit, e.Seq); err != nil || got != e {
			t.Fatalf("ChainEntryAt(%d) = %+v, %v; want %+v", e.Seq, got, err, e)
		}
	}
	if _, err := s.ChainEntryAt(ctx, unit, int64(len(es))+1); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("ChainEntryAt past the head: %v, want ErrNotFound", err)
	}
	if got, err := s.ChainEntries(ctx, unit, 0, int64(len(es)), 100); err != nil || !slices.Equal(got, es) {
		t.Fatalf("ChainEntries(0, head) = %+v, %v", got, err)
	}
	if got, err := s.ChainEntries(ctx, unit, 1, 3, 1); err != nil || len(got) != 1 || got[0] != es[1] {
		t.Fatalf("ChainEntries(1, 3, limit 1) = %+v, %v; want entry 2", got, err)
	}
	ref := records(t, s, unit, baseDay, 0)[0].Ref
	xs, err := s.Exclude(ctx, unit, []string{ref}, "uji", "penguji")
	if err != nil {
		t.Fatal(err)
	}
	es2, cov := checkChain(t, s, unit)
	last := es2[len(es2)-1]
	if len(es2) != len(es)+1 || last.Kind != survey.ChainExclusion || last.Seq != xs[0].Seq || last.Root != xs[0].Digest() || last.Count != 1 || cov.Exclusions != 1 {
		t.Fatalf("after an exclusion the chain ends with %+v (coverage %+v); want the exclusion %+v", last, cov, xs[0])
	}
}

// testSealClosed: the maintenance seal commits the buckets that have ended
// and leaves the open one.
func testSealClosed(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	now := s.Now()
	ended := SubmitAt(t, s, sv, now.Add(-3*s.Bucket()), 2, "5", "Tidak")
	openRef := SubmitAt(t, s, sv, now, 1, "5", "Tidak")[0]
	n, err := s.SealClosed(ctx)
	// The open bucket may have ended while the test ran: only then may
	// SealClosed seal it.
	stillOpen := s.Now().Before(survey.BucketStart(now, s.Bucket(), sv.Unit.Location()).Add(s.Bucket()))
	if err != nil || (n != 2 && (stillOpen || n != 3)) {
		t.Fatalf("SealClosed sealed %d, %v; want the 2 of the ended bucket", n, err)
	}
	p := survey.Period{From: sv.Unit.LocalDay(now.Add(-3 * s.Bucket())), To: sv.Unit.LocalDay(now)}
	for _, r := range records(t, s, sv.Unit.ID, p, 0) {
		switch {
		case slices.Contains(ended, r.Ref) && r.Seq == 0:
			t.Errorf("response %s of an ended bucket is not sealed", r.Ref)
		case r.Ref == openRef && r.Seq != 0 && stillOpen:
			t.Errorf("response %s of the open bucket was sealed by SealClosed", r.Ref)
		}
	}
	checkChain(t, s, sv.Unit.ID)
}

// testSealingWhileSubmitting submits from many goroutines while sealers on
// several handles (the server's maintenance and a CLI export, say) seal the
// unit over and over: every response ends in exactly one segment of its
// own bucket, and the chain never forks.
func testSealingWhileSubmitting(t *testing.T, o Opener) {
	s := o.open(t)
	hs := o.handles(t, s, 2)
	sv := Survey(t, s, "Asia/Jayapura")
	ctx := t.Context()
	const workers, each = 16, 20
	var submitters, sealers sync.WaitGroup
	errs := make(chan error, workers+4)
	for w := range workers {
		submitters.Go(func() {
			for i := range each {
				// ~5 hours of buckets
				r, err := sv.Validate(Input(sv, "4"), base.Add(time.Duration(w*each+i)*time.Minute))
				if err == nil {
					_, _, err = hs[w%len(hs)].Submit(ctx, r)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	for i := range 4 {
		h := hs[i%len(hs)]
		sealers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := h.SealUnit(ctx, sv.Unit.ID); err != nil {
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
	if _, err := hs[len(hs)-1].SealUnit(ctx, sv.Unit.ID); err != nil {
		t.Fatal(err)
	}
	es, cov := checkChain(t, s, sv.Unit.ID)
	if cov.Sealed != workers*each {
		t.Fatalf("%d responses sealed, want %d", cov.Sealed, workers*each)
	}
	for _, e := range es {
		if e.Kind != survey.ChainSegment || e.Count == 0 {
			t.Fatalf("entry %d is not a non-empty segment: %+v", e.Seq, e)
		}
	}
	p := survey.Period{From: baseDay.From, To: "2026-03-03"} // WIT is 2 hours ahead of WIB
	recs := records(t, hs[len(hs)-1], sv.Unit.ID, p, 0)
	if len(recs) != workers*each {
		t.Fatalf("%d records, want %d", len(recs), workers*each)
	}
	for _, r := range recs {
		if r.Seq == 0 || !es[r.Seq-1].Bucket.Equal(r.SubmittedAt) {
			t.Fatalf("response %s of bucket %s sealed by entry %d", r.Ref, r.SubmittedAt, r.Seq)
		}
	}
}

// testCheckpoints: a checkpoint records a unit's head once its chain grew,
// and the register finds an issued file by its digest.
func testCheckpoints(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	Survey(t, s, "Asia/Jakarta") // a unit without a chain gets no checkpoint
	unit := sv.Unit.ID
	if _, err := s.LatestCheckpoint(ctx, unit); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("LatestCheckpoint of a new unit: %v, want ErrNotFound", err)
	}
	SubmitAt(t, s, sv, base, 2, "5", "Tidak")
	if _, err := s.SealUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	h1 := checkHead(t, s, unit)
	at1 := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	cps, err := s.PublishCheckpoints(ctx, at1)
	if err != nil || len(cps) != 1 || cps[0] != (survey.Checkpoint{UnitID: unit, Seq: h1.Seq, Hash: h1.Hash, PublishedAt: at1}) {
		t.Fatalf("PublishCheckpoints = %+v, %v; want one at head %+v", cps, err, h1)
	}
	if again, err := s.PublishCheckpoints(ctx, at1.Add(time.Hour)); err != nil || len(again) != 0 {
		t.Fatalf("PublishCheckpoints without growth = %+v, %v; want none", again, err)
	}
	SubmitAt(t, s, sv, base.Add(time.Hour), 1, "5", "Tidak")
	if _, err := s.SealUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	h2 := checkHead(t, s, unit)
	at2 := at1.Add(2 * time.Hour)
	if cps, err := s.PublishCheckpoints(ctx, at2); err != nil || len(cps) != 1 || cps[0].Seq != h2.Seq || cps[0].Hash != h2.Hash {
		t.Fatalf("PublishCheckpoints after growth = %+v, %v; want one at %+v", cps, err, h2)
	}
	if got, err := s.LatestCheckpoint(ctx, unit); err != nil || got.Seq != h2.Seq || !got.PublishedAt.Equal(at2) {
		t.Fatalf("LatestCheckpoint = %+v, %v", got, err)
	}
	if got, err := s.LatestCheckpointAtOrBefore(ctx, unit, h2.Seq-1); err != nil || got.Seq != h1.Seq {
		t.Fatalf("LatestCheckpointAtOrBefore(%d) = %+v, %v; want the one at %d", h2.Seq-1, got, err, h1.Seq)
	}
	if got, err := s.Checkpoints(ctx, unit, 0, 10); err != nil || len(got) != 2 || got[0].Seq != h1.Seq || got[1].Seq != h2.Seq {
		t.Fatalf("Checkpoints = %+v, %v", got, err)
	}
	if got, err := s.LatestCheckpoints(ctx); err != nil || len(got) != 1 || got[0].Seq != h2.Seq {
		t.Fatalf("LatestCheckpoints = %+v, %v", got, err)
	}

	digest := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	b := &survey.IssuedBundle{UnitID: unit, PeriodFrom: baseDay.From, PeriodTo: baseDay.To, HeadSeq: h2.Seq, HeadHash: h2.Hash, AnonK: 5,
		Responses: 3, IssuedAt: at2, IssuedBy: "Admin Uji", Files: []survey.IssuedFile{
			{Name: "data.csv", Size: 10, SHA256: digest("csv")}, {Name: "laporan.pdf", Size: 20, SHA256: digest("pdf")}}}
	if err := s.RecordIssuedBundle(ctx, b); err != nil {
		t.Fatal(err)
	}
	f, got, err := s.IssuedFileBySHA256(ctx, digest("pdf"))
	if err != nil || f.Name != "laporan.pdf" || got.ID != b.ID || got.HeadSeq != h2.Seq || got.IssuedBy != "Admin Uji" || len(got.Files) != 2 {
		t.Fatalf("IssuedFileBySHA256 = %+v, %+v, %v", f, got, err)
	}
	if _, _, err := s.IssuedFileBySHA256(ctx, digest("lain")); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("unknown digest: %v, want ErrNotFound", err)
	}
}

// testConcurrentExclusions: two handles exclude the same responses at once
// while a third seals and new responses arrive: each response is excluded
// once (the loser is told it already is), and every exclusion and segment
// lands on one unforked chain.
func testConcurrentExclusions(t *testing.T, o Opener) {
	s := o.open(t)
	hs := o.handles(t, s, 3)
	sv := Survey(t, s, "Asia/Jakarta")
	ctx := t.Context()
	refs := SubmitAt(t, s, sv, base, 12, "5", "Tidak")
	var wg sync.WaitGroup
	start := make(chan struct{})
	won := make([][]string, 2)
	errs := make(chan error, 32)
	for w := range 2 {
		wg.Go(func() {
			<-start
			for _, ref := range refs {
				_, err := hs[w%len(hs)].Exclude(ctx, sv.Unit.ID, []string{ref}, "ganda", fmt.Sprintf("penguji %d", w))
				switch {
				case err == nil:
					won[w] = append(won[w], ref)
				case !isValidation(err, "response"):
					errs <- fmt.Errorf("exclusion %d of %s: %w", w, ref, err)
				}
			}
		})
	}
	wg.Go(func() {
		<-start
		for range 6 {
			if _, err := hs[len(hs)-1].SealUnit(ctx, sv.Unit.ID); err != nil {
				errs <- fmt.Errorf("seal: %w", err)
			}
		}
	})
	wg.Go(func() {
		<-start
		for i := range 12 {
			r, err := sv.Validate(Input(sv, "4"), base.Add(time.Duration(i)*10*time.Minute))
			if err == nil {
				_, _, err = hs[i%len(hs)].Submit(ctx, r)
			}
			if err != nil {
				errs <- err
			}
		}
	})
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := sorted(append(slices.Clone(won[0]), won[1]...)); !slices.Equal(got, sorted(refs)) {
		t.Fatalf("exclusions that succeeded: %v; want each of %v once", got, sorted(refs))
	}
	xs, err := s.Exclusions(ctx, sv.Unit.ID)
	if err != nil || len(xs) != len(refs) {
		t.Fatalf("Exclusions = %d, %v; want %d", len(xs), err, len(refs))
	}
	if _, err := s.SealUnit(ctx, sv.Unit.ID); err != nil {
		t.Fatal(err)
	}
	if _, cov := checkChain(t, s, sv.Unit.ID); cov.Exclusions != int64(len(refs)) || cov.Sealed != 24 {
		t.Fatalf("coverage %+v, want %d exclusions and 24 sealed", cov, len(refs))
	}
}
