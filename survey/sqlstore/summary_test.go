package sqlstore_test

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"persepsi/stats"
	"persepsi/survey"
	"persepsi/survey/storetest"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestSummaryEqualsRawStatistics checks the rollup-based summary against
// statistics computed here directly from the raw responses: per-respondent
// section means through stats.BoundedMeanCI, item means by hand, the proportional
// conversion by hand (x / 6 × 4), and the control share by counting.
func TestSummaryEqualsRawStatistics(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Makassar")
	ctx := context.Background()
	if _, err := s.CreateService(ctx, sv.Unit.ID, "Pengaduan"); err != nil {
		t.Fatal(err)
	}
	sv, err := s.SurveyByCode(ctx, sv.Counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
	all := storetest.Seed(t, s, sv, 300, 20, end, 1)

	// Exclude a few responses: the summary must leave them out.
	excluded := map[int64]bool{all[0].ID: true, all[5].ID: true, all[17].ID: true}
	if _, err := s.Exclude(ctx, sv.Unit.ID, []string{all[0].Ref, all[5].Ref, all[17].Ref}, "uji", "penguji"); err != nil {
		t.Fatal(err)
	}

	p := survey.Period{From: "2025-03-15", To: "2025-03-31"}
	const population = 5000
	if err := s.SetPopulation(ctx, sv.Unit.ID, p, population); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summary(ctx, sv.Unit.ID, p, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var kept []*survey.Response
	for _, r := range all {
		if !excluded[r.ID] && r.LocalDay >= p.From && r.LocalDay <= p.To {
			kept = append(kept, r)
		}
	}
	if sum.N != int64(len(kept)) || len(kept) < 100 {
		t.Fatalf("N = %d, want %d", sum.N, len(kept))
	}
	q := sv.Questionnaire
	for si, sec := range q.Sections {
		var means []float64
		for _, r := range kept {
			tot := 0
			for _, it := range sec.Items {
				tot += r.Score(it.Code)
			}
			means = append(means, float64(tot)/float64(len(sec.Items)))
		}
		want := stats.BoundedMeanCI(means, stats.IntervalSpec{Level: 0.95, Population: population, Min: 1, Max: 6})
		got := sum.Sections[si].Est
		if !near(got.RawMean, want.Mean) || !near(got.RawLo, want.Lo) || !near(got.RawHi, want.Hi) {
			t.Errorf("%s raw: got %.6f [%.6f, %.6f], want %.6f [%.6f, %.6f]", sec.Index, got.RawMean, got.RawLo, got.RawHi, want.Mean, want.Lo, want.Hi)
		}
		if !near(got.Index, want.Mean/6*4) || !near(got.Lo, want.Lo/6*4) || !near(got.Hi, want.Hi/6*4) {
			t.Errorf("%s 4-point: got %.6f [%.6f, %.6f]", sec.Index, got.Index, got.Lo, got.Hi)
		}
		for j, it := range sec.Items {
			var sumv float64
			hist := make([]int64, 6)
			for _, r := range kept {
				sumv += float64(r.Score(it.Code))
				hist[r.Score(it.Code)-1]++
			}
			is := sum.Sections[si].Items[j]
			if !near(is.Est.RawMean, sumv/float64(len(kept))) {
				t.Errorf("%s mean %.6f, want %.6f", it.Code, is.Est.RawMean, sumv/float64(len(kept)))
			}
			if !reflect.DeepEqual(is.Distribution, hist) {
				t.Errorf("%s distribution %v, want %v", it.Code, is.Distribution, hist)
			}
		}
	}
	// The coached share counts every response of the period, the excluded
	// ones included.
	var yes, answered, exclIn int64
	for _, r := range all {
		if r.LocalDay < p.From || r.LocalDay > p.To {
			continue
		}
		answered++
		if r.Control == "Ya" {
			yes++
		}
		if excluded[r.ID] {
			exclIn++
		}
	}
	w := stats.Wilson(yes, answered, 0.95)
	if c := sum.Control; c.Yes != yes || c.Yes+c.No != answered || c.Excluded != exclIn || !near(c.Lo, w.Lo) || !near(c.Hi, w.Hi) {
		t.Errorf("control: %+v, want yes=%d of %d (%d excluded) [%f, %f]", sum.Control, yes, answered, exclIn, w.Lo, w.Hi)
	}
	if sum.Excluded != exclIn || sum.Received() != answered {
		t.Errorf("excluded %d, received %d; want %d, %d", sum.Excluded, sum.Received(), exclIn, answered)
	}
	if sum.Sample.Population != population || sum.Sample.Minimum != stats.KrejcieMorgan(population) {
		t.Errorf("sample: %+v", sum.Sample)
	}
	excludedText := map[string]bool{}
	for _, r := range all {
		if excluded[r.ID] && r.Suggestion != "" {
			excludedText[r.Suggestion] = true
		}
	}
	for _, sg := range sum.Suggestions {
		if excludedText[sg.Text] {
			t.Errorf("suggestion of an excluded response shown: %q", sg.Text)
		}
	}
	if len(sum.Suggestions) != survey.MaxSuggestions {
		t.Errorf("%d suggestions, want %d", len(sum.Suggestions), survey.MaxSuggestions)
	}
	for i := 1; i < len(sum.Suggestions); i++ {
		a, b := sum.Suggestions[i-1], sum.Suggestions[i]
		if a.LocalDay < b.LocalDay || (a.LocalDay == b.LocalDay && a.Text > b.Text) {
			t.Errorf("suggestions not by day, then text, at %d: %+v, %+v", i, a, b)
		}
	}

	// The daily series: each day's estimate equals that day's raw responses.
	d, err := s.Daily(ctx, sv.Unit.ID, p, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Points) != p.Days() {
		t.Fatalf("%d points for %d days", len(d.Points), p.Days())
	}
	for _, pt := range d.Points {
		var means []float64
		for _, r := range kept {
			if r.LocalDay == pt.Day {
				tot := 0
				for _, it := range q.Sections[0].Items {
					tot += r.Score(it.Code)
				}
				means = append(means, float64(tot)/float64(len(q.Sections[0].Items)))
			}
		}
		if pt.N != int64(len(means)) {
			t.Errorf("%s: n = %d, want %d", pt.Day, pt.N, len(means))
		}
		if len(means) >= 2 {
			want := stats.BoundedMeanCI(means, stats.IntervalSpec{Level: 0.95, Min: 1, Max: 6})
			if got := pt.Sections[0]; !near(got.RawMean, want.Mean) || !near(got.RawLo, want.Lo) {
				t.Errorf("%s: %+v, want %+v", pt.Day, got, want)
			}
		}
	}
}

// TestRollupsEqualFullRebuild checks that rollups kept up batch by batch
// (and after exclusions) give exactly the numbers of a rebuild from raw
// responses, and that rebuilding twice changes nothing.
func TestRollupsEqualFullRebuild(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	all := storetest.Seed(t, s, sv, 200, 10, time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC), 2)
	if _, err := s.Exclude(ctx, sv.Unit.ID, []string{all[3].Ref, all[4].Ref}, "uji", "penguji"); err != nil {
		t.Fatal(err)
	}
	p := survey.Period{From: "2025-06-01", To: "2025-06-30"}
	summarise := func() (*survey.Summary, *survey.Daily) {
		// A fresh period string each time defeats the few-seconds cache.
		sum, err := s.Summary(ctx, sv.Unit.ID, p, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Daily(ctx, sv.Unit.ID, p, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		c := *sum
		c.GeneratedAt = time.Time{}
		return &c, d
	}
	before, dBefore := summarise()
	for range 2 {
		if err := s.RebuildRollups(ctx, 0); err != nil {
			t.Fatal(err)
		}
		after, dAfter := summarise()
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("summary changed after rebuild:\nbefore %+v\nafter  %+v", before.Sections[0].Est, after.Sections[0].Est)
		}
		if !reflect.DeepEqual(dBefore.Points, dAfter.Points) {
			t.Fatal("daily series changed after rebuild")
		}
	}
	if before.N != 198 {
		t.Fatalf("N = %d, want 198", before.N)
	}
}

// TestLocalDaysAcrossZones: an instant late in the evening in Jayapura (WIT,
// UTC+9) and the same instant in a WIB unit (UTC+7) land on each unit's own
// local day, and summaries count them there.
func TestLocalDaysAcrossZones(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	wit := storetest.Survey(t, s, "Asia/Jayapura")
	wib := storetest.Survey(t, s, "Asia/Jakarta")
	cases := []struct {
		at             time.Time
		witDay, wibDay string
	}{
		// 23:30 WIT on 10 March = 21:30 WIB the same day.
		{time.Date(2025, 3, 10, 14, 30, 0, 0, time.UTC), "2025-03-10", "2025-03-10"},
		// 00:30 WIT on 11 March = 22:30 WIB on 10 March.
		{time.Date(2025, 3, 10, 15, 30, 0, 0, time.UTC), "2025-03-11", "2025-03-10"},
	}
	for _, c := range cases {
		for _, u := range []struct {
			sv  *survey.Survey
			day string
		}{{wit, c.witDay}, {wib, c.wibDay}} {
			r, err := u.sv.Validate(storetest.Input(u.sv, "4"), c.at)
			if err != nil {
				t.Fatal(err)
			}
			if r.LocalDay != u.day {
				t.Errorf("%s: %s lands on %s, want %s", u.sv.Unit.TimeZone, c.at, r.LocalDay, u.day)
			}
			if _, _, err := s.Submit(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := func(sv *survey.Survey, day string) int64 {
		sum, err := s.Summary(ctx, sv.Unit.ID, survey.Period{From: day, To: day}, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return sum.N
	}
	if n := count(wit, "2025-03-10"); n != 1 {
		t.Errorf("WIT 10 March: n = %d, want 1", n)
	}
	if n := count(wit, "2025-03-11"); n != 1 {
		t.Errorf("WIT 11 March: n = %d, want 1", n)
	}
	if n := count(wib, "2025-03-10"); n != 2 {
		t.Errorf("WIB 10 March: n = %d, want 2", n)
	}
	if n := count(wib, "2025-03-11"); n != 0 {
		t.Errorf("WIB 11 March: n = %d, want 0", n)
	}
}

func TestPeriodFor(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jayapura")
	// 23:30 WIT on 14 August 2025 is still 14 August in Jayapura.
	now := time.Date(2025, 8, 14, 14, 30, 0, 0, time.UTC)
	cases := map[survey.PeriodKind]survey.Period{
		survey.PeriodToday:   {From: "2025-08-14", To: "2025-08-14"},
		survey.Period7Days:   {From: "2025-08-08", To: "2025-08-14"},
		survey.PeriodMonth:   {From: "2025-08-01", To: "2025-08-14"},
		survey.PeriodQuarter: {From: "2025-07-01", To: "2025-08-14"},
		survey.PeriodHalf:    {From: "2025-07-01", To: "2025-08-14"},
		survey.PeriodYear:    {From: "2025-01-01", To: "2025-08-14"},
	}
	for kind, want := range cases {
		got, ok := survey.PeriodFor(kind, now, loc)
		if !ok || got != want {
			t.Errorf("%s: %+v, want %+v", kind, got, want)
		}
	}
}
