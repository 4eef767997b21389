package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"persepsi/survey"
)

// testConcurrentSubmissions: 32 goroutines submitting at once through one
// store; see submitConcurrently.
func testConcurrentSubmissions(t *testing.T, o Opener) {
	s := o.open(t)
	submitConcurrently(t, []survey.Store{s}, 32, 8)
}

// testConcurrentSubmissionsAcrossHandles: the same through three stores on
// one database, as three nodes.
func testConcurrentSubmissionsAcrossHandles(t *testing.T, o Opener) {
	s := o.open(t)
	submitConcurrently(t, o.handles(t, s, 3), 32, 8)
}

// submitConcurrently submits workers×each responses to one unit at once,
// worker w through hs[w%len(hs)], every item of a response scored by a
// known rule. Every acknowledged response must be stored exactly once,
// with its own answers, and the unit's rollups must count every one of
// them (no lost update).
func submitConcurrently(t *testing.T, hs []survey.Store, workers, each int) {
	ctx := t.Context()
	sv := Survey(t, hs[0], "Asia/Jakarta")
	q := sv.Questionnaire
	score := func(w, i int) int { return q.Scale.Min + (w*7+i)%(q.Scale.Max-q.Scale.Min+1) }
	refs := make([][]string, workers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, workers)
	for w := range workers {
		refs[w] = make([]string, each)
		wg.Go(func() {
			s := hs[w%len(hs)]
			<-start
			for i := range each {
				// Spread over two hours, so a batch spans buckets.
				r, err := sv.Validate(Input(sv, strconv.Itoa(score(w, i))), base.Add(time.Duration(w*each+i)*time.Minute/2))
				if err == nil {
					var dup bool
					refs[w][i], dup, err = s.Submit(ctx, r)
					if err == nil && dup {
						err = fmt.Errorf("a fresh key came back as a duplicate of %s", refs[w][i])
					}
				}
				if err != nil {
					errs <- fmt.Errorf("worker %d, submission %d: %w", w, i, err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := workers * each
	want := map[string]int{}
	sumScores := 0
	for w := range workers {
		for i, ref := range refs[w] {
			if !survey.ValidRef(ref) {
				t.Fatalf("worker %d, submission %d: acknowledged with reference %q", w, i, ref)
			}
			want[ref] = score(w, i)
			sumScores += score(w, i)
		}
	}
	if len(want) != total {
		t.Fatalf("%d distinct references for %d acknowledged submissions", len(want), total)
	}
	for i, s := range hs {
		if n, err := s.CountResponses(ctx, sv.Unit.ID); err != nil || n != int64(total) {
			t.Fatalf("handle %d counts %d responses (%v), want %d", i, n, err, total)
		}
	}
	recs := records(t, hs[len(hs)-1], sv.Unit.ID, baseDay, 0)
	if got := refsOf(t, recs); len(got) != total {
		t.Fatalf("EachRecord yields %d responses, want %d", len(got), total)
	}
	for _, r := range recs {
		v, ok := want[r.Ref]
		if !ok {
			t.Fatalf("EachRecord yields %s, which no submission was acknowledged with", r.Ref)
		}
		if len(r.Answers) != len(q.Items()) || r.Score(q.Items()[0].Code) != v || r.Score(q.Items()[len(q.Items())-1].Code) != v {
			t.Fatalf("response %s holds answers %+v, it was submitted with every item at %d", r.Ref, r.Answers, v)
		}
	}
	sum, err := hs[0].Summary(ctx, sv.Unit.ID, baseDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.N != int64(total) {
		t.Fatalf("Summary N = %d, want %d: the rollups lost updates", sum.N, total)
	}
	if wantMean := float64(sumScores) / float64(total); !near(sum.Sections[0].Items[0].Est.RawMean, wantMean) {
		t.Fatalf("first item's mean = %v, want %v", sum.Sections[0].Items[0].Est.RawMean, wantMean)
	}
}

// testRetrySameKey: a retry with the same counter and key returns the
// first reference with dup = true (after sealing and exclusion too); the
// same key at another counter is a new response.
func testRetrySameKey(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Makassar")
	in := Input(sv, "4")
	first, dup := submit(t, s, sv, in, base)
	if dup || !survey.ValidRef(first) {
		t.Fatalf("first submission: %q dup=%v", first, dup)
	}
	in.Answers[sv.Questionnaire.Items()[0].Code] = "1" // a retry may differ: the first one stands
	if ref, dup := submit(t, s, sv, in, base.Add(time.Hour)); ref != first || !dup {
		t.Fatalf("retry: %q dup=%v, want %q dup", ref, dup, first)
	}
	if _, err := s.SealUnit(ctx, sv.Unit.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exclude(ctx, sv.Unit.ID, []string{first}, "uji", "penguji"); err != nil {
		t.Fatal(err)
	}
	if ref, dup := submit(t, s, sv, in, base); ref != first || !dup {
		t.Fatalf("retry after sealing and exclusion: %q dup=%v, want %q dup", ref, dup, first)
	}
	c2, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: sv.Unit.ID, Name: "Loket 2"})
	if err != nil {
		t.Fatal(err)
	}
	sv2 := surveyOf(t, s, c2.Code)
	second, dup := submit(t, s, sv2, in, base)
	if dup || second == first {
		t.Fatalf("same key at another counter: %q dup=%v, want a new response", second, dup)
	}
	if n, err := s.CountResponses(ctx, sv.Unit.ID); err != nil || n != 2 {
		t.Fatalf("stored %d responses (%v), want 2", n, err)
	}
	recs := records(t, s, sv.Unit.ID, baseDay, 0)
	if got := refsOf(t, recs); !slices.Equal(got, sorted([]string{first, second})) {
		t.Fatalf("records %v, want %s and %s", got, first, second)
	}
	for _, r := range recs {
		if r.Ref == first && r.Score(sv.Questionnaire.Items()[0].Code) != 4 {
			t.Fatalf("a retry altered the stored response: %+v", r.Answers)
		}
	}
	sum, err := s.Summary(ctx, sv.Unit.ID, baseDay, survey.Filter{})
	if err != nil || sum.N != 1 || sum.Excluded != 1 {
		t.Fatalf("Summary N = %d, excluded %d (%v); want 1 and 1: retries must not count", sum.N, sum.Excluded, err)
	}
}

// testRetrySameKeyConcurrently: many attempts with the same key arrive at
// once, on several handles: each key is stored once, every attempt gets
// its reference, exactly one of them with dup = false, and the rollups
// count each key once.
func testRetrySameKeyConcurrently(t *testing.T, o Opener) {
	s := o.open(t)
	hs := o.handles(t, s, 3)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	const keys, attempts = 8, 12
	type answer struct {
		ref string
		dup bool
	}
	got := make([][attempts]answer, keys)
	ins := make([]survey.Input, keys)
	for k := range ins {
		ins[k] = Input(sv, "5")
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, keys*attempts)
	for k := range keys {
		for a := range attempts {
			wg.Go(func() {
				r, err := sv.Validate(ins[k], base)
				<-start
				if err == nil {
					got[k][a].ref, got[k][a].dup, err = hs[(k+a)%len(hs)].Submit(ctx, r)
				}
				if err != nil {
					errs <- err
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var refs []string
	for k := range keys {
		fresh := 0
		for a := range attempts {
			if got[k][a].ref != got[k][0].ref || !survey.ValidRef(got[k][a].ref) {
				t.Fatalf("key %d: attempts got references %+v, want one", k, got[k])
			}
			if !got[k][a].dup {
				fresh++
			}
		}
		if fresh != 1 {
			t.Fatalf("key %d: %d attempts answered as the first (dup = false), want exactly 1", k, fresh)
		}
		refs = append(refs, got[k][0].ref)
	}
	if n, err := s.CountResponses(ctx, sv.Unit.ID); err != nil || n != keys {
		t.Fatalf("stored %d responses (%v), want %d", n, err, keys)
	}
	if rs := refsOf(t, records(t, s, sv.Unit.ID, baseDay, 0)); !slices.Equal(rs, sorted(refs)) {
		t.Fatalf("records %v, want %v", rs, sorted(refs))
	}
	if sum, err := s.Summary(ctx, sv.Unit.ID, baseDay, survey.Filter{}); err != nil || sum.N != keys {
		t.Fatalf("Summary N = %d (%v), want %d", sum.N, err, keys)
	}
}

// testSummarySeesOwnWrites: a store may cache summaries, but never across
// a submission or an exclusion it made itself.
func testSummarySeesOwnWrites(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	refs := SubmitAt(t, s, sv, base, 3, "5", "Tidak")
	n := func(f survey.Filter) (int64, int64) {
		t.Helper()
		sum, err := s.Summary(ctx, sv.Unit.ID, baseDay, f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Daily(ctx, sv.Unit.ID, baseDay, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Points) != 1 || d.Points[0].N != sum.N {
			t.Fatalf("Daily %+v disagrees with Summary N = %d", d.Points, sum.N)
		}
		return sum.N, sum.Excluded
	}
	if got, _ := n(survey.Filter{}); got != 3 {
		t.Fatalf("N = %d, want 3", got)
	}
	SubmitAt(t, s, sv, base, 1, "4", "Tidak")
	if got, _ := n(survey.Filter{}); got != 4 {
		t.Fatalf("N = %d right after this store acknowledged a 4th response, want 4", got)
	}
	if _, err := s.Exclude(ctx, sv.Unit.ID, refs[:1], "uji", "penguji"); err != nil {
		t.Fatal(err)
	}
	if got, excl := n(survey.Filter{}); got != 3 || excl != 1 {
		t.Fatalf("N = %d, excluded %d right after an exclusion, want 3 and 1", got, excl)
	}
}

// testExclusions: an exclusion is recorded with who and why, never
// deletes or alters the response, is left out of the statistics but
// counted in the coached share, rejects bad references writing nothing,
// and ExcludeCoached applies the coaching policy once.
func testExclusions(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	other := Survey(t, s, "Asia/Jakarta")
	plain := SubmitAt(t, s, sv, base, 4, "5", "Tidak")
	coached := SubmitAt(t, s, sv, base.Add(time.Hour), 2, "3", survey.ControlCoached)
	foreign := SubmitAt(t, s, other, base, 1, "5", "Tidak")[0]
	unit := sv.Unit.ID
	if _, err := s.SealUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	before := records(t, s, unit, baseDay, 0)

	xs, err := s.Exclude(ctx, unit, []string{plain[0]}, "Hari uji coba", "Kepala Unit")
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 1 || xs[0].ResponseRef != plain[0] || xs[0].UnitID != unit || xs[0].Reason != "Hari uji coba" || xs[0].Actor != "Kepala Unit" || xs[0].Seq == 0 || xs[0].CreatedAt.IsZero() {
		t.Fatalf("Exclude = %+v", xs)
	}
	head := checkHead(t, s, unit)
	if head.Kind != survey.ChainExclusion || head.Seq != xs[0].Seq || head.Root != xs[0].Digest() {
		t.Fatalf("chain head %+v does not record exclusion %+v", head, xs[0])
	}
	bad := []struct {
		name   string
		refs   []string
		reason string
		actor  string
		field  string
	}{
		{"already excluded", []string{plain[1], plain[0]}, "x", "y", "response"},
		{"other unit", []string{plain[1], foreign}, "x", "y", "response"},
		{"unknown", []string{plain[1], survey.NewRef()}, "x", "y", "response"},
		{"not a reference", []string{plain[1], "12"}, "x", "y", "response"},
		{"none", nil, "x", "y", "response"},
		{"no reason", []string{plain[1]}, " ", "y", "reason"},
		{"no actor", []string{plain[1]}, "x", "", "actor"},
	}
	for _, tc := range bad {
		if _, err := s.Exclude(ctx, unit, tc.refs, tc.reason, tc.actor); !isValidation(err, tc.field) {
			t.Errorf("%s: %v, want a validation error on %s", tc.name, err, tc.field)
		}
	}
	if h := checkHead(t, s, unit); h != head {
		t.Fatalf("a rejected exclusion wrote to the chain: head %+v, was %+v", h, head)
	}
	if got, err := s.Exclusions(ctx, unit); err != nil || len(got) != 1 || got[0].ID != xs[0].ID || got[0].Seq != xs[0].Seq {
		t.Fatalf("Exclusions after rejected ones = %+v, %v; want the first alone", got, err)
	}
	if _, err := s.Exclude(ctx, unit+other.Unit.ID+100, []string{plain[1]}, "x", "y"); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("unknown unit: %v, want ErrNotFound", err)
	}

	cx, err := s.ExcludeCoached(ctx, unit, baseDay, "Tim ZI")
	if err != nil || len(cx) != 2 {
		t.Fatalf("ExcludeCoached = %+v, %v; want the 2 coached responses", cx, err)
	}
	for _, x := range cx {
		if !slices.Contains(coached, x.ResponseRef) || x.Reason != survey.CoachedReason || x.Actor != "Tim ZI" {
			t.Fatalf("coaching exclusion %+v", x)
		}
	}
	if again, err := s.ExcludeCoached(ctx, unit, baseDay, "Tim ZI"); err != nil || len(again) != 0 {
		t.Fatalf("ExcludeCoached again = %+v, %v; want nothing", again, err)
	}
	all, err := s.Exclusions(ctx, unit)
	if err != nil || len(all) != 3 || all[0].ID != xs[0].ID || all[1].Seq <= all[0].Seq || all[2].Seq <= all[1].Seq {
		t.Fatalf("Exclusions = %+v, %v; want 3, oldest first", all, err)
	}

	// Nothing was deleted or altered: the same responses, each with its
	// exclusion, and the chain accounts for all of it.
	after := records(t, s, unit, baseDay, 0)
	if n, err := s.CountResponses(ctx, unit); err != nil || n != 6 || len(after) != len(before) {
		t.Fatalf("after exclusions: %d responses counted (%v), %d records; want 6 and %d", n, err, len(after), len(before))
	}
	for i := range after {
		a, b := after[i], before[i]
		if a.Ref != b.Ref || !slices.Equal(a.Answers, b.Answers) || a.Control != b.Control || a.Seq != b.Seq || a.Leaf != b.Leaf {
			t.Fatalf("response %s changed when excluded:\n%+v\n%+v", b.Ref, b, a)
		}
		if excluded := a.Ref == plain[0] || slices.Contains(coached, a.Ref); excluded != (a.Exclusion != nil) {
			t.Fatalf("record %s carries exclusion %+v", a.Ref, a.Exclusion)
		}
	}
	if _, cov := checkChain(t, s, unit); cov.Exclusions != 3 || cov.Sealed != 6 {
		t.Fatalf("coverage %+v, want 6 sealed and 3 exclusions", cov)
	}

	sum, err := s.Summary(ctx, unit, baseDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.N != 3 || sum.Excluded != 3 || !near(sum.Sections[0].Est.RawMean, 5) {
		t.Fatalf("Summary N = %d, excluded %d, first index raw %v; want 3, 3 and 5 (the excluded left out)", sum.N, sum.Excluded, sum.Sections[0].Est.RawMean)
	}
	if c := sum.Control; c == nil || c.Yes != 2 || c.No != 4 || c.ExcludedYes != 2 || c.Excluded != 3 || !near(c.Share, 2.0/6) {
		t.Fatalf("coached share %+v, want 2 of 6 (excluded ones counted), 2 of them excluded, 3 excluded in all", sum.Control)
	}
	if h, err := s.Health(ctx); err != nil || !h.Writable || h.Responses != 7 || h.Exclusions != 3 || h.Units != 2 {
		t.Fatalf("Health = %+v, %v; want writable, 7 responses, 3 exclusions, 2 units", h, err)
	}
}

// testAsOf: EachRecord as of a chain position yields exactly the responses
// and exclusions committed at or before it, whatever came after.
func testAsOf(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	unit := sv.Unit.ID
	first := SubmitAt(t, s, sv, base, 3, "5", "Tidak")
	if _, err := s.SealUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	sealed1 := checkHead(t, s, unit).Seq
	x1, err := s.Exclude(ctx, unit, first[:1], "uji", "penguji")
	if err != nil {
		t.Fatal(err)
	}
	second := SubmitAt(t, s, sv, base, 2, "4", "Tidak") // the same bucket, a later segment
	if _, err := s.SealUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	sealed2 := checkHead(t, s, unit).Seq
	x2, err := s.Exclude(ctx, unit, second[:1], "uji", "penguji")
	if err != nil {
		t.Fatal(err)
	}
	unsealed := SubmitAt(t, s, sv, base, 1, "3", "Tidak")
	if _, err := s.Exclude(ctx, unit, unsealed, "uji", "penguji"); err != nil {
		t.Fatal(err)
	}
	both := append(slices.Clone(first), second...)
	every := append(slices.Clone(both), unsealed...)
	for _, tc := range []struct {
		name     string
		asOf     int64
		refs     []string
		excluded []string
	}{
		{"first segment", sealed1, first, nil},
		{"first exclusion", x1[0].Seq, first, first[:1]},
		{"second segment", sealed2, both, first[:1]},
		{"second exclusion", x2[0].Seq, both, []string{first[0], second[0]}},
		{"now", 0, every, []string{first[0], second[0], unsealed[0]}},
	} {
		recs := records(t, s, unit, baseDay, tc.asOf)
		var excluded []string
		for _, r := range recs {
			if r.Exclusion != nil {
				excluded = append(excluded, r.Ref)
				if tc.asOf > 0 && r.Exclusion.Seq > tc.asOf {
					t.Errorf("%s: exclusion of %s at seq %d, after %d", tc.name, r.Ref, r.Exclusion.Seq, tc.asOf)
				}
			}
			if tc.asOf > 0 && (r.Seq == 0 || r.Seq > tc.asOf) {
				t.Errorf("%s: record %s sealed at %d, not at or before %d", tc.name, r.Ref, r.Seq, tc.asOf)
			}
		}
		if got := refsOf(t, recs); !slices.Equal(got, sorted(tc.refs)) {
			t.Errorf("as of %d (%s): records %v, want %v", tc.asOf, tc.name, got, sorted(tc.refs))
		}
		if slices.Sort(excluded); !slices.Equal(excluded, sorted(tc.excluded)) {
			t.Errorf("as of %d (%s): excluded %v, want %v", tc.asOf, tc.name, excluded, sorted(tc.excluded))
		}
	}
	if n, err := s.CountPeriodResponses(ctx, unit, baseDay); err != nil || n != int64(len(every)) {
		t.Fatalf("CountPeriodResponses = %d, %v; want %d", n, err, len(every))
	}
}

// checkHead returns a unit's chain head.
func checkHead(tb testing.TB, s survey.RecordSource, unitID int64) survey.ChainEntry {
	tb.Helper()
	h, err := s.ChainHead(tb.Context(), unitID)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
