package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// handRows is a 3-item section of 5 respondents small enough to work by
// hand; the comments of the tests that use it show the arithmetic.
var handRows = [][]int{
	{4, 3, 4},
	{3, 3, 2},
	{4, 4, 4},
	{2, 2, 3},
	{3, 4, 4},
}

// spakRows is a 5-item 1–6 section of 20 respondents, piled up at the top of
// the scale as SPAK answers are. Drawn once with Python's random.seed(14);
// the reference values computed from it with Python's statistics module are
// quoted where used.
var spakRows = [][]int{
	{5, 5, 4, 4, 4}, {4, 5, 5, 5, 5}, {5, 6, 6, 6, 6}, {5, 6, 5, 5, 6}, {3, 3, 2, 2, 2},
	{6, 5, 5, 6, 6}, {6, 6, 6, 6, 5}, {2, 4, 4, 3, 3}, {4, 5, 4, 4, 4}, {6, 6, 6, 6, 6},
	{3, 3, 4, 4, 3}, {4, 4, 3, 5, 5}, {4, 4, 4, 5, 4}, {6, 6, 6, 6, 6}, {5, 6, 6, 6, 6},
	{6, 6, 5, 6, 6}, {6, 6, 6, 5, 6}, {5, 6, 6, 6, 6}, {5, 5, 6, 5, 4}, {4, 3, 3, 2, 3},
}

// accumulate returns an Accumulator of rows.
func accumulate(tb testing.TB, rows [][]int) *Accumulator {
	tb.Helper()
	a := NewAccumulator(len(rows[0]))
	for _, r := range rows {
		a.Add(r)
	}
	return a
}

// randomRows returns n responses of k items with scores in [1, scale].
func randomRows(rng *rand.Rand, n, k, scale int) [][]int {
	rows := make([][]int, n)
	for i := range rows {
		rows[i] = make([]int, k)
		for j := range rows[i] {
			rows[i][j] = 1 + rng.IntN(scale)
		}
	}
	return rows
}

// close reports whether got is within tol of want, absolutely or relative
// to want's magnitude, whichever is larger.
func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func assertClose(tb testing.TB, name string, got, want, tol float64) {
	tb.Helper()
	if !close(got, want, tol) {
		tb.Errorf("%s = %.10g, want %.10g (tol %g)", name, got, want, tol)
	}
}

// mustPanic fails unless f panics with a message starting "stats:".
func mustPanic(tb testing.TB, name string, f func()) {
	tb.Helper()
	defer func() {
		tb.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok || len(msg) < 6 || msg[:6] != "stats:" {
			tb.Errorf("%s: recovered %v, want a panic starting \"stats:\"", name, r)
		}
	}()
	f()
}

// finite reports whether every value is neither NaN nor Inf.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// checkEstimate fails if e leaks a NaN or Inf, or its bounds do not contain
// its mean, or an undefined estimate has no reason or a non-degenerate
// interval.
func checkEstimate(tb testing.TB, name string, e Estimate) {
	tb.Helper()
	if !finite(e.Mean, e.SD, e.Lo, e.Hi) {
		tb.Fatalf("%s: non-finite %+v", name, e)
	}
	if !(e.Lo <= e.Mean && e.Mean <= e.Hi) || e.SD < 0 {
		tb.Fatalf("%s: bounds do not contain the mean: %+v", name, e)
	}
	if !e.Defined && (e.Reason == "" || e.Lo != e.Mean || e.Hi != e.Mean) {
		tb.Fatalf("%s: undefined estimate without reason or with an interval: %+v", name, e)
	}
}

// t95 is the spec of today's 95% Student's t interval on any score range,
// with population N (≤ 0 unknown).
func t95(population int64) IntervalSpec {
	return IntervalSpec{Method: StudentT, Level: 0.95, Population: population, Min: 0, Max: MaxScore}
}

// checkBounded is checkEstimate plus the guarantees of a bounded method:
// the interval lies on the scale, and (WilsonEffective) has zero width only
// for a census.
func checkBounded(tb testing.TB, name string, e Estimate, spec IntervalSpec) {
	tb.Helper()
	checkEstimate(tb, name, e)
	if e.Method != spec.Method {
		tb.Fatalf("%s: method %q, want %q", name, e.Method, spec.Method)
	}
	if spec.Method != WilsonEffective || !e.Defined {
		return
	}
	if e.Lo < float64(spec.Min) || e.Hi > float64(spec.Max) {
		tb.Fatalf("%s: %+v outside the scale %d–%d", name, e, spec.Min, spec.Max)
	}
	if e.Lo == e.Hi && e.N != spec.Population {
		tb.Fatalf("%s: zero-width interval from a sample: %+v", name, e)
	}
}
