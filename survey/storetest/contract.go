package storetest

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
)

// Opener opens the stores Run checks.
type Opener struct {
	// Fresh returns a new, empty, migrated store on a database of its own,
	// closed when tb ends. Run stores the shipped questionnaires itself.
	Fresh func(tb testing.TB) survey.Store
	// Again returns another store on s's database with connections of its
	// own, as a second process or node would open it, closed when tb ends.
	// It is nil when a store cannot share its database; the subtests about
	// several connections then run on s alone.
	Again func(tb testing.TB, s survey.Store) survey.Store
}

// Run checks that the stores o opens keep the guarantees written on the
// interfaces of package survey: every behaviour the app relies on. Each
// subtest opens its own database and runs in parallel with the others.
func Run(t *testing.T, o Opener) {
	if o.Fresh == nil {
		t.Fatal("storetest: Opener.Fresh is nil")
	}
	for _, tc := range []struct {
		name string
		run  func(*testing.T, Opener)
	}{
		{"Catalog", testCatalog},
		{"CatalogAcrossHandles", testCatalogAcrossHandles},
		{"Settings", testSettings},
		{"PlanAndPopulations", testPlanAndPopulations},
		{"ConcurrentSubmissions", testConcurrentSubmissions},
		{"ConcurrentSubmissionsAcrossHandles", testConcurrentSubmissionsAcrossHandles},
		{"RetrySameKey", testRetrySameKey},
		{"RetrySameKeyConcurrently", testRetrySameKeyConcurrently},
		{"SummarySeesOwnWrites", testSummarySeesOwnWrites},
		{"Exclusions", testExclusions},
		{"AsOf", testAsOf},
		{"Chain", testChain},
		{"SealClosed", testSealClosed},
		{"SealingWhileSubmitting", testSealingWhileSubmitting},
		{"ConcurrentExclusions", testConcurrentExclusions},
		{"Checkpoints", testCheckpoints},
		{"Accounts", testAccounts},
		{"AccountsAcrossHandles", testAccountsAcrossHandles},
		{"UnstorableLookups", testUnstorableLookups},
		{"RollupsEqualRecords", testRollupsEqualRecords},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, o)
		})
	}
}

// open returns a fresh store holding the shipped questionnaires.
func (o Opener) open(tb testing.TB) survey.Store {
	tb.Helper()
	s := o.Fresh(tb)
	syncQuestionnaires(tb, s)
	return s
}

// handles returns s and n-1 more stores on its database (each synced at
// start as a node is), or s alone when the store cannot share it.
func (o Opener) handles(tb testing.TB, s survey.Store, n int) []survey.Store {
	tb.Helper()
	hs := []survey.Store{s}
	if o.Again == nil {
		tb.Logf("the store opens no second handle on a database: %d handles asked, 1 used", n)
		return hs
	}
	for range n - 1 {
		h := o.Again(tb, s)
		syncQuestionnaires(tb, h)
		hs = append(hs, h)
	}
	return hs
}

// syncQuestionnaires stores the shipped questionnaires in s and loads them.
func syncQuestionnaires(tb testing.TB, s survey.Store) {
	tb.Helper()
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.SyncQuestionnaires(context.Background(), qs); err != nil {
		tb.Fatal(err)
	}
}

// base is 10:05 WIB on 2 March 2026, the time most subtests submit at:
// a fixed past time, so no subtest straddles a local midnight.
var base = time.Date(2026, 3, 2, 3, 5, 0, 0, time.UTC)

// baseDay is base's local day in WIB.
var baseDay = survey.Period{From: "2026-03-02", To: "2026-03-02"}

// submit validates in at time at for sv and submits it to s.
func submit(tb testing.TB, s survey.Store, sv *survey.Survey, in survey.Input, at time.Time) (ref string, dup bool) {
	tb.Helper()
	r, err := sv.Validate(in, at)
	if err != nil {
		tb.Fatal(err)
	}
	ref, dup, err = s.Submit(context.Background(), r)
	if err != nil {
		tb.Fatal(err)
	}
	return ref, dup
}

// surveyOf returns the survey behind a counter code.
func surveyOf(tb testing.TB, s survey.Store, code string) *survey.Survey {
	tb.Helper()
	sv, err := s.SurveyByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return sv
}

// records returns what EachRecord yields, each record copied, and checks
// the order EachRecord promises: by local day, bucket, then reference.
func records(tb testing.TB, s survey.RecordSource, unitID int64, p survey.Period, asOf int64) []survey.Record {
	tb.Helper()
	var out []survey.Record
	err := s.EachRecord(context.Background(), unitID, p, asOf, func(r *survey.Record) error {
		cp := *r
		cp.Answers = slices.Clone(r.Answers)
		cp.Salt = slices.Clone(r.Salt)
		if r.Exclusion != nil {
			x := *r.Exclusion
			cp.Exclusion = &x
		}
		out = append(out, cp)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	order := func(a, b survey.Record) int {
		return cmp.Or(cmp.Compare(a.LocalDay, b.LocalDay), a.SubmittedAt.Compare(b.SubmittedAt), cmp.Compare(a.Ref, b.Ref))
	}
	if !slices.IsSortedFunc(out, order) {
		tb.Errorf("EachRecord(unit %d, as of %d) yields records out of day, bucket, reference order", unitID, asOf)
	}
	for _, r := range out {
		if leaf := r.Response.Leaf(); r.Leaf != hex.EncodeToString(leaf[:]) {
			tb.Errorf("record %s: Leaf %s is not the response's leaf", r.Ref, r.Leaf)
		}
	}
	return out
}

// refsOf returns the references of rs, sorted, and fails when one repeats.
func refsOf(tb testing.TB, rs []survey.Record) []string {
	tb.Helper()
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].Ref
	}
	slices.Sort(out)
	if c := slices.Compact(slices.Clone(out)); len(c) != len(out) {
		tb.Errorf("EachRecord yields a response more than once: %d records, %d references", len(out), len(c))
	}
	return out
}

// sorted returns a sorted copy of refs.
func sorted(refs []string) []string {
	out := slices.Clone(refs)
	slices.Sort(out)
	return out
}

// checkChain walks a unit's chain and checks what every store must keep:
// seqs 1, 2, 3… without a gap, each entry linked to the previous one's
// hash (the first to GenesisHash) and hashed as ComputeHash says, the
// stored data agreeing with every entry, the head being the last entry,
// and the coverage matching the entries. It returns the entries.
func checkChain(tb testing.TB, s survey.RecordSource, unitID int64) ([]survey.ChainEntry, survey.ChainCoverage) {
	tb.Helper()
	ctx := context.Background()
	var es []survey.ChainEntry
	prev := survey.ChainEntry{Hash: survey.GenesisHash}
	var leaves, excls int64
	cov, err := s.EachChainEntry(ctx, unitID, func(e survey.ChainEntry, now survey.ChainState) error {
		switch {
		case e.UnitID != unitID || e.Seq != prev.Seq+1:
			return fmt.Errorf("entry %+v follows seq %d of unit %d", e, prev.Seq, unitID)
		case e.PrevHash != prev.Hash:
			return fmt.Errorf("entry %d links to %s, not to entry %d's hash %s: a fork", e.Seq, e.PrevHash, prev.Seq, prev.Hash)
		case e.Hash != e.ComputeHash():
			return fmt.Errorf("entry %d carries hash %s, its header hashes to %s", e.Seq, e.Hash, e.ComputeHash())
		case now != (survey.ChainState{Count: e.Count, Root: e.Root}):
			return fmt.Errorf("entry %d (%s) commits %d/%s, the stored data give %d/%s", e.Seq, e.Kind, e.Count, e.Root, now.Count, now.Root)
		}
		switch e.Kind {
		case survey.ChainSegment:
			leaves += e.Count
		case survey.ChainExclusion:
			excls++
		}
		es = append(es, e)
		prev = e
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if cov.Sealed != leaves || cov.Exclusions != excls {
		tb.Errorf("coverage %+v, but the segments hold %d leaves and %d entries record exclusions", cov, leaves, excls)
	}
	head, err := s.ChainHead(ctx, unitID)
	switch {
	case len(es) == 0 && !errors.Is(err, survey.ErrNotFound):
		tb.Errorf("ChainHead of an empty chain: %+v, %v; want ErrNotFound", head, err)
	case len(es) > 0 && (err != nil || head != es[len(es)-1]):
		tb.Errorf("ChainHead = %+v, %v; the walk ended at %+v", head, err, es[len(es)-1])
	}
	return es, cov
}

// near reports whether a and b agree to 1e-9 relative to b: two correct
// computations in floating point differ by rounding only.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
