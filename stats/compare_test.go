package stats

import (
	"fmt"
	"testing"
)

func TestWelch(t *testing.T) {
	// R's sleep data, t.test(extra ~ group, data = sleep) (R documentation
	// example): t = −1.8608, df = 17.776, p-value = 0.07939, 95 percent
	// confidence interval −3.3654832 0.2054832. Full precision from Python:
	// statistics.mean/stdev, Welch–Satterthwaite df, p by Simpson
	// integration of the t density (math.lgamma) = 0.0793941.
	g1 := MeanCI([]float64{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0}, 0.95, 0)
	g2 := MeanCI([]float64{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4}, 0.95, 0)
	r := Welch(g1, g2)
	if !r.Defined {
		t.Fatalf("Welch undefined: %+v", r)
	}
	assertClose(t, "Diff", r.Diff, -1.58, 1e-12)
	assertClose(t, "T", r.T, -1.860813467486853, 1e-9)
	assertClose(t, "DF", r.DF, 17.776473516178488, 1e-9)
	assertClose(t, "P", r.P, 0.0793941, 1e-6)
	assertClose(t, "Lo", r.Lo, -3.3654832, 1e-7)
	assertClose(t, "Hi", r.Hi, 0.2054832, 1e-7)

	// Symmetric: b − a flips the signs.
	s := Welch(g2, g1)
	assertClose(t, "swapped Lo", s.Lo, -0.2054832, 1e-7)
	assertClose(t, "swapped P", s.P, r.P, 1e-12)

	// A level-less estimate tests at 95%.
	g1.Level = 0
	assertClose(t, "default level Lo", Welch(g1, g2).Lo, -3.3654832, 1e-7)
}

func TestWelchUndefined(t *testing.T) {
	cases := []struct {
		name   string
		a, b   Estimate
		reason string
	}{
		{"n = 1", Estimate{N: 1, Mean: 3}, Estimate{N: 5, Mean: 3, SD: 1}, "n < 2"},
		{"zero variance", Estimate{N: 5, Mean: 6}, Estimate{N: 5, Mean: 6}, "tidak dapat dihitung (varians nol)"},
	}
	for _, c := range cases {
		r := Welch(c.a, c.b)
		if r.Defined || r.Reason != c.reason || r.Lo != r.Diff || r.Hi != r.Diff || !finite(r.T, r.DF, r.P) {
			t.Errorf("%s: %+v, want undefined with %q", c.name, r, c.reason)
		}
	}
	// One group without spread: df = nb − 1 (by the formula with va = 0).
	r := Welch(Estimate{N: 5, Mean: 6}, Estimate{N: 8, Mean: 5, SD: 1})
	assertClose(t, "one-sided df", r.DF, 7, 1e-12)
}

func TestRolling(t *testing.T) {
	// Five days of the 3-item handRows section, one day empty, window 2.
	day := func(rows ...[]int) *Accumulator { return accumulate(t, rows) }
	accs := []*Accumulator{
		day(handRows[0], handRows[1]),
		nil,
		day(handRows[2]),
		day(handRows[3], handRows[4]),
		NewAccumulator(3),
	}
	days := []string{"2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"}
	pts := Rolling(days, accs, 2, t95(0))
	// Window ending each day, by day index; the rolling estimate must equal
	// MeanCI of the per-respondent section means of the window's raw rows.
	windows := [][][]int{
		{handRows[0], handRows[1]},
		{handRows[0], handRows[1]},
		{handRows[2]},
		{handRows[2], handRows[3], handRows[4]},
		{handRows[3], handRows[4]},
	}
	for i, p := range pts {
		if p.Day != days[i] {
			t.Errorf("day %d labelled %q", i, p.Day)
		}
		checkEstimate(t, "Est", p.Est)
		checkEstimate(t, "Rolling", p.Rolling)
		var means []float64
		for _, r := range windows[i] {
			means = append(means, float64(r[0]+r[1]+r[2])/3)
		}
		want := MeanCI(means, 0.95, 0)
		name := fmt.Sprintf("day %d rolling", i)
		if p.Rolling.N != want.N || p.Rolling.Defined != want.Defined {
			t.Errorf("%s = %+v, want %+v", name, p.Rolling, want)
		}
		assertClose(t, name+" Mean", p.Rolling.Mean, want.Mean, 1e-12)
		assertClose(t, name+" Lo", p.Rolling.Lo, want.Lo, 1e-12)
	}
	if pts[1].Est.N != 0 || pts[1].Est.Defined || pts[4].Est.N != 0 {
		t.Errorf("empty days: %+v, %+v", pts[1].Est, pts[4].Est)
	}
	if pts[0].Est.N != 2 || pts[3].Est.N != 2 {
		t.Errorf("daily N: %d, %d", pts[0].Est.N, pts[3].Est.N)
	}
	// Inputs untouched.
	if accs[0].N() != 2 || accs[3].N() != 2 {
		t.Error("Rolling modified its accumulators")
	}

	if got := Rolling(nil, nil, 7, t95(0)); len(got) != 0 {
		t.Errorf("Rolling of nothing = %v", got)
	}
	empty := Rolling([]string{"d"}, []*Accumulator{nil}, 7, t95(0))
	if empty[0].Rolling.Defined || empty[0].Rolling.Reason != "tidak ada responden" {
		t.Errorf("all-nil rolling = %+v", empty[0].Rolling)
	}
	mustPanic(t, "lengths", func() { Rolling([]string{"a"}, nil, 1, t95(0)) })
	mustPanic(t, "window 0", func() { Rolling(nil, nil, 0, t95(0)) })
	mustPanic(t, "mixed items", func() { Rolling([]string{"a", "b"}, []*Accumulator{NewAccumulator(2), NewAccumulator(3)}, 2, t95(0)) })
}
