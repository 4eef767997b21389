package stats

import (
	"math"
	"testing"
)

// The expected WilsonEffective values below were computed in Python
// (statistics.mean/stdev) straight from the formula in the doc comment of
// WilsonEffective, with t quantiles from the published table (NIST/SEMATECH
// e-Handbook 1.3.6.7.2, six decimals): t(0.975, 1) = 12.706205,
// t(0.975, 4) = 2.776445, t(0.975, 19) = 2.093024, t(0.975, 29) = 2.045230.

func TestWilsonEffective(t *testing.T) {
	spec6 := IntervalSpec{Level: 0.95, Min: 1, Max: 6}

	// spakRows, section: mean 4.83, s 1.139298, p̂ = 0.766, n* = 69.046225:
	// [4.227540; 5.273761]. Below the t interval's [4.296798; 5.363202]:
	// the score form moves it towards the centre of the scale.
	a := accumulate(t, spakRows)
	e := a.SectionEstimate(spec6)
	checkBounded(t, "spak section", e, IntervalSpec{Method: WilsonEffective, Min: 1, Max: 6})
	assertClose(t, "spak Lo", e.Lo, 4.227539893727428, 1e-6)
	assertClose(t, "spak Hi", e.Hi, 5.27376101466125, 1e-6)
	if DefaultInterval != WilsonEffective || e.Method != WilsonEffective || !e.Defined {
		t.Errorf("spak section %+v, want the defined default method", e)
	}

	// spakRows, item 1: mean 4.7, s 1.174286, n* = 69.763359:
	// [4.091305; 5.166893].
	i1 := a.ItemEstimate(0, spec6)
	assertClose(t, "item Lo", i1.Lo, 4.091305014353233, 1e-6)
	assertClose(t, "item Hi", i1.Hi, 5.166892764613186, 1e-6)

	// handRows on a 1–4 scale: mean 49/15, s 0.722649, n* = 15.914894:
	// [2.238683; 3.794305].
	h := accumulate(t, handRows).SectionEstimate(IntervalSpec{Level: 0.95, Min: 1, Max: 4})
	assertClose(t, "hand Lo", h.Lo, 2.2386832973110264, 1e-6)
	assertClose(t, "hand Hi", h.Hi, 3.7943048072274097, 1e-6)
}

func TestWilsonEffectiveEdges(t *testing.T) {
	spec6 := IntervalSpec{Level: 0.95, Min: 1, Max: 6}

	// Thirty respondents all at the top: zero variance, so the widest
	// spread is assumed and the interval is the Wilson interval of
	// p̂ = 1 with n = 30: lower 30/(30 + t²) = 0.877630 of the scale,
	// 1 + 5 · 0.877630 = 5.388151 (3.592 on the 4-point index, below 3.60:
	// thirty perfect answers do not prove the minimum); upper 6.
	top := make([][]int, 30)
	for i := range top {
		top[i] = []int{6, 6, 6, 6, 6}
	}
	e := accumulate(t, top).SectionEstimate(spec6)
	checkBounded(t, "all top", e, IntervalSpec{Method: WilsonEffective, Min: 1, Max: 6})
	assertClose(t, "all top Lo", e.Lo, 5.388150738887088, 1e-6)
	if e.Hi != 6 || e.SD != 0 || !e.Defined {
		t.Errorf("all top %+v, want Hi 6, SD 0, defined", e)
	}

	// Two answers 1 and 6: p̂ = 0.5, s² = 12.5, n* = 1, t(0.975, 1) =
	// 12.706205: [1.007707; 5.992293], inside the scale (t gives −26.8 to
	// 33.8).
	two := BoundedMeanCI([]float64{1, 6}, spec6)
	assertClose(t, "n=2 Lo", two.Lo, 1.007706665662561, 1e-6)
	assertClose(t, "n=2 Hi", two.Hi, 5.992293334337439, 1e-6)

	// One respondent: no interval; a census: the mean is known.
	if one := BoundedMeanCI([]float64{5}, spec6); one.Defined || one.Reason != "n < 2" || one.Lo != 5 || one.Hi != 5 {
		t.Errorf("n = 1: %+v", one)
	}
	census := accumulate(t, spakRows).SectionEstimate(IntervalSpec{Level: 0.95, Population: 20, Min: 1, Max: 6})
	if !census.Defined || census.Lo != census.Mean || census.Hi != census.Mean {
		t.Errorf("census %+v, want zero width", census)
	}
	// The FPC narrows the interval towards the census.
	prev := math.Inf(1)
	for _, pop := range []int64{0, 1000, 100, 40, 21} {
		w := accumulate(t, spakRows).SectionEstimate(IntervalSpec{Level: 0.95, Population: pop, Min: 1, Max: 6})
		if width := w.Hi - w.Lo; !(width < prev) {
			t.Errorf("width at N=%d is %v, not below %v", pop, width, prev)
		} else {
			prev = width
		}
	}
}

func TestBoundedMeanCIInput(t *testing.T) {
	x := []float64{4, 5, 6, 6, 3}
	orig := append([]float64(nil), x...)
	e := BoundedMeanCI(x, IntervalSpec{Level: 0.95, Min: 1, Max: 6})
	checkEstimate(t, "BoundedMeanCI", e)
	for i := range x {
		if x[i] != orig[i] {
			t.Fatal("BoundedMeanCI modified its input")
		}
	}
	// Student's t by spec equals MeanCI.
	ts := BoundedMeanCI(x, IntervalSpec{Method: StudentT, Level: 0.95, Min: 1, Max: 6})
	if m := MeanCI(x, 0.95, 0); ts != m {
		t.Errorf("StudentT spec %+v, MeanCI %+v", ts, m)
	}

	spec := IntervalSpec{Level: 0.95, Min: 1, Max: 6}
	mustPanic(t, "value above scale", func() { BoundedMeanCI([]float64{7}, spec) })
	mustPanic(t, "NaN value", func() { BoundedMeanCI([]float64{math.NaN()}, spec) })
	mustPanic(t, "empty scale", func() { BoundedMeanCI(x, IntervalSpec{Level: 0.95, Min: 4, Max: 4}) })
	mustPanic(t, "unknown method", func() { BoundedMeanCI(x, IntervalSpec{Method: "wald", Level: 0.95, Min: 1, Max: 6}) })
	mustPanic(t, "level", func() { BoundedMeanCI(x, IntervalSpec{Level: 1, Min: 1, Max: 6}) })
	mustPanic(t, "mean outside", func() { MomentEstimate(3, 0.5, 1, spec) })
	mustPanic(t, "negative sd", func() { MomentEstimate(3, 2, -1, spec) })
}

func TestParseIntervalMethod(t *testing.T) {
	for s, want := range map[string]IntervalMethod{"": WilsonEffective, "wilson-neff v1": WilsonEffective, "student-t v1": StudentT} {
		if got, err := ParseIntervalMethod(s); err != nil || got != want {
			t.Errorf("ParseIntervalMethod(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseIntervalMethod("logit-t v1"); err == nil {
		t.Error("unknown method accepted")
	}
}
