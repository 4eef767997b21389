package storetest

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"persepsi/survey"
)

// testRollupsEqualRecords is the property test of the rollups: after
// pseudo-random submissions (several counters, services, days and two
// questionnaire versions, through several handles at once) and
// pseudo-random exclusions, Summary and Daily give exactly what plain
// arithmetic over the raw records from EachRecord gives: N, excluded,
// every item's mean and distribution, every section's index, the coached
// share, the per-group N and the version break. The expected numbers are
// computed here, never through the store's or the domain's summary code.
func testRollupsEqualRecords(t *testing.T, o Opener) {
	s := o.open(t)
	hs := o.handles(t, s, 2)
	ctx := t.Context()
	const seed = 20261201
	rng := rand.New(rand.NewPCG(seed, 11))
	t.Logf("seed %d", seed)

	u, err := s.CreateUnit(ctx, survey.NewUnit{Name: "Kantor Acak", Agency: "Pemprov Uji", TimeZone: "Asia/Makassar", Questionnaire: "spkp-spak-4"})
	if err != nil {
		t.Fatal(err)
	}
	var services []*survey.Service
	for _, name := range []string{"Perizinan", "Pengaduan", "Informasi"} {
		svc, err := s.CreateService(ctx, u.ID, name)
		if err != nil {
			t.Fatal(err)
		}
		services = append(services, svc)
	}
	var codes []string
	for _, c := range []survey.NewCounter{{UnitID: u.ID, Name: "Loket 1"}, {UnitID: u.ID, Name: "Loket 2"}, {UnitID: u.ID, Name: "Loket Aduan", ServiceID: services[1].ID}} {
		c, err := s.CreateCounter(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c.Code)
	}
	end := time.Date(2026, 4, 30, 14, 0, 0, 0, time.UTC) // 22:00 WITA
	const days = 12
	whole := survey.Period{From: "2026-04-18", To: "2026-04-30"} // 12 days back from 22:00 WITA

	// submit draws n responses at random counters and times, then submits
	// them from four goroutines through the handles in turn.
	var all []*survey.Response
	submit := func(n int) {
		t.Helper()
		var svs []*survey.Survey
		for _, code := range codes {
			svs = append(svs, surveyOf(t, s, code))
		}
		rs := make([]*survey.Response, n)
		for i := range rs {
			sv := svs[rng.IntN(len(svs))]
			r, err := sv.Validate(RandomInput(rng, sv), end.Add(-time.Duration(rng.IntN(days*24*60))*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			rs[i] = r
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Go(func() {
				for i := g; i < n; i += 4 {
					if _, _, err := hs[(g+i)%len(hs)].Submit(ctx, rs[i]); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		all = append(all, rs...)
	}
	excluded := map[string]bool{}
	exclude := func(h survey.Store) {
		t.Helper()
		var refs []string
		for range 1 + rng.IntN(8) {
			if r := all[rng.IntN(len(all))]; !excluded[r.Ref] && !slices.Contains(refs, r.Ref) {
				refs = append(refs, r.Ref)
			}
		}
		if _, err := h.Exclude(ctx, u.ID, refs, "acak", "penguji"); err != nil {
			t.Fatal(err)
		}
		for _, ref := range refs {
			excluded[ref] = true
		}
	}

	submit(60) // on spkp-spak-4@1
	if _, err := s.UpdateUnit(ctx, u.ID, survey.UnitChange{Name: u.Name, Agency: u.Agency, TimeZone: u.TimeZone, Questionnaire: "spkp-spak-6"}); err != nil {
		t.Fatal(err)
	}
	submit(240)
	exclude(hs[0])
	if _, err := hs[len(hs)-1].SealUnit(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	exclude(hs[len(hs)-1])
	coached, err := s.ExcludeCoached(ctx, u.ID, survey.Period{From: "2026-04-22", To: "2026-04-25"}, "Tim ZI")
	if err != nil || len(coached) == 0 {
		t.Fatalf("ExcludeCoached = %d exclusions, %v; the data should hold coached responses", len(coached), err)
	}
	for _, x := range coached {
		excluded[x.ResponseRef] = true
	}
	submit(60) // added to rollups rebuilt by the exclusions
	exclude(hs[0])

	recs := records(t, hs[len(hs)-1], u.ID, whole, 0)
	want := make([]string, len(all))
	for i, r := range all {
		want[i] = r.Ref
	}
	if got := refsOf(t, recs); !slices.Equal(got, sorted(want)) {
		t.Fatalf("EachRecord yields %d responses, %d were acknowledged", len(got), len(want))
	}
	for _, r := range recs {
		if (r.Exclusion != nil) != excluded[r.Ref] {
			t.Fatalf("record %s carries exclusion %+v; excluded here: %v", r.Ref, r.Exclusion, excluded[r.Ref])
		}
	}
	cur := surveyOf(t, s, codes[0]).Questionnaire
	if cur.Conversion != "proportional" {
		t.Fatalf("the test converts proportionally (x / max × 4); %s converts %s", cur.Ref(), cur.Conversion)
	}

	check := func(name string, h survey.Store, p survey.Period, f survey.Filter) {
		t.Helper()
		sum, err := h.Summary(ctx, u.ID, p, f)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Withheld != "" || sum.Questionnaire.ID != cur.ID {
			t.Fatalf("%s: summary withheld (%q) or on questionnaire %d, not %d; the groups are large", name, sum.Withheld, sum.Questionnaire.ID, cur.ID)
		}
		var kept []survey.Record
		var excl, yes, no, exclYes, oldN, oldExcl int64
		for _, r := range recs {
			if r.LocalDay < p.From || r.LocalDay > p.To || (f.CounterID != 0 && r.CounterID != f.CounterID) || (f.ServiceID != 0 && r.ServiceID != f.ServiceID) {
				continue
			}
			if r.QuestionnaireID != cur.ID {
				if r.Exclusion != nil {
					oldExcl++
				} else {
					oldN++
				}
				continue
			}
			switch r.Control {
			case survey.ControlCoached:
				yes++
			case "Tidak":
				no++
			}
			if r.Exclusion != nil {
				excl++
				if r.Control == survey.ControlCoached {
					exclYes++
				}
				continue
			}
			kept = append(kept, r)
		}
		if sum.N != int64(len(kept)) || sum.Excluded != excl || len(kept) < 20 {
			t.Fatalf("%s: N = %d, excluded %d; the records give %d and %d", name, sum.N, sum.Excluded, len(kept), excl)
		}
		for si, sec := range cur.Sections {
			var total float64
			for _, r := range kept {
				n := 0
				for _, it := range sec.Items {
					n += r.Score(it.Code)
				}
				total += float64(n) / float64(len(sec.Items))
			}
			mean := total / float64(len(kept))
			got := sum.Sections[si]
			if got.Index != sec.Index || !near(got.Est.RawMean, mean) || !near(got.Est.Index, mean/float64(cur.Scale.Max)*4) || got.Est.N != int64(len(kept)) {
				t.Errorf("%s: %s = %v (4-point %v, n %d); the records give %v (%v, n %d)", name, sec.Index, got.Est.RawMean, got.Est.Index, got.Est.N, mean, mean/float64(cur.Scale.Max)*4, len(kept))
			}
			for j, it := range sec.Items {
				dist := make([]int64, cur.Scale.Max-cur.Scale.Min+1)
				n := 0
				for _, r := range kept {
					v := r.Score(it.Code)
					n += v
					dist[v-cur.Scale.Min]++
				}
				mean := float64(n) / float64(len(kept))
				gi := got.Items[j]
				if gi.Code != it.Code || !near(gi.Est.RawMean, mean) || !near(gi.Est.Index, mean/float64(cur.Scale.Max)*4) || !slices.Equal(gi.Distribution, dist) {
					t.Errorf("%s: item %s mean %v (4-point %v), answers %v; the records give %v (%v), %v", name, it.Code, gi.Est.RawMean, gi.Est.Index, gi.Distribution, mean, mean/float64(cur.Scale.Max)*4, dist)
				}
			}
		}
		if c := sum.Control; c == nil || c.Yes != yes || c.No != no || c.ExcludedYes != exclYes || c.Excluded != excl || !near(c.Share, float64(yes)/float64(yes+no)) {
			t.Errorf("%s: coached share %+v; the records give %d yes, %d no, %d excluded (%d of them yes)", name, sum.Control, yes, no, excl, exclYes)
		}
		switch {
		case oldN+oldExcl == 0 && len(sum.VersionBreaks) != 0:
			t.Errorf("%s: version breaks %+v in a period without old responses", name, sum.VersionBreaks)
		case oldN+oldExcl > 0 && (len(sum.VersionBreaks) != 1 || sum.VersionBreaks[0].N != oldN || sum.VersionBreaks[0].Excluded != oldExcl):
			t.Errorf("%s: version breaks %+v; the records give %d counted and %d excluded on the old version", name, sum.VersionBreaks, oldN, oldExcl)
		}
		if f != (survey.Filter{}) {
			return
		}
		for _, g := range sum.Counters {
			n := 0
			for _, r := range kept {
				if r.CounterID == g.ID {
					n++
				}
			}
			if g.N != int64(n) {
				t.Errorf("%s: counter %d has N = %d; the records give %d", name, g.ID, g.N, n)
			}
		}
		for _, g := range sum.Services {
			n := 0
			for _, r := range kept {
				if r.ServiceID == g.ID {
					n++
				}
			}
			if g.N != int64(n) {
				t.Errorf("%s: service %d has N = %d; the records give %d", name, g.ID, g.N, n)
			}
		}
		if len(sum.Counters) != 3 || len(sum.Services) != 3 {
			t.Errorf("%s: %d counters and %d services in the breakdown, want 3 and 3", name, len(sum.Counters), len(sum.Services))
		}
		d, err := h.Daily(ctx, u.ID, p, f)
		if err != nil {
			t.Fatal(err)
		}
		perDay := map[string]int64{}
		for _, r := range kept {
			perDay[r.LocalDay]++
		}
		if len(d.Points) != p.Days() {
			t.Fatalf("%s: Daily has %d points for %d days", name, len(d.Points), p.Days())
		}
		for _, pt := range d.Points {
			if pt.N != perDay[pt.Day] {
				t.Errorf("%s: Daily gives %s N = %d; the records give %d", name, pt.Day, pt.N, perDay[pt.Day])
			}
		}
	}
	for _, h := range hs {
		check("whole period", h, whole, survey.Filter{})
	}
	sv := surveyOf(t, s, codes[1])
	check("four days", s, survey.Period{From: "2026-04-22", To: "2026-04-25"}, survey.Filter{})
	check("one counter", s, whole, survey.Filter{CounterID: sv.Counter.ID})
	check("the fixed counter", s, whole, survey.Filter{CounterID: surveyOf(t, s, codes[2]).Counter.ID})
	check("one service", s, whole, survey.Filter{ServiceID: services[0].ID})
	if err := hs[len(hs)-1].RebuildRollups(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	check("after RebuildRollups", hs[len(hs)-1], whole, survey.Filter{})
	checkChain(t, s, u.ID)
}
