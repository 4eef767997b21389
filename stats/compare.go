package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// WelchResult is Welch's unequal-variances t-test of a difference of means.
type WelchResult struct {
	Diff   float64 // mean of a − mean of b
	Lo, Hi float64 // interval of the difference; equal to Diff when undefined
	T      float64 // t statistic
	DF     float64 // Welch–Satterthwaite degrees of freedom
	P      float64 // two-sided p-value

	// Defined is false when the test cannot be computed (n < 2 in either
	// group, or both standard deviations zero); Cause and Reason say why.
	Defined bool
	Cause   Cause
	Reason  string
}

// Welch returns Welch's t-test of a.Mean − b.Mean from the N, Mean and SD of
// two estimates (two periods, counters or services):
//
//	t = (x̄a − x̄b) / √(va + vb),  va = s²a/na,  vb = s²b/nb,
//	df = (va + vb)² / (va²/(na−1) + vb²/(nb−1)),
//
// with a two-sided p-value and the interval Diff ± t(1−(1−level)/2, df)·√(va+vb)
// at a.Level (0.95 when a.Level is not in (0, 1)). It ignores any finite
// population correction: it compares the processes behind two periods, not
// two finite populations.
func Welch(a, b Estimate) WelchResult {
	level := a.Level
	if !(level > 0 && level < 1) {
		level = 0.95
	}
	diff := a.Mean - b.Mean
	r := WelchResult{Diff: diff, Lo: diff, Hi: diff}
	if a.N < 2 || b.N < 2 {
		r.Cause, r.Reason = TooFewRespondents, reasonNBelow2
		return r
	}
	va := a.SD * a.SD / float64(a.N)
	vb := b.SD * b.SD / float64(b.N)
	se := math.Sqrt(va + vb)
	if !(se > 0) || math.IsInf(se, 0) {
		r.Cause, r.Reason = ZeroVariance, reasonZeroVariance
		return r
	}
	r.T = diff / se
	r.DF = (va + vb) * (va + vb) / (va*va/float64(a.N-1) + vb*vb/float64(b.N-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}
	r.P = math.Min(1, 2*t.Survival(math.Abs(r.T)))
	half := studentsTQuantile(level, r.DF) * se
	if math.IsNaN(r.T+r.DF+r.P+half) || math.IsInf(r.T+r.DF+half, 0) {
		return WelchResult{Diff: diff, Lo: diff, Hi: diff, Cause: OutOfRange, Reason: reasonOverflow}
	}
	r.Lo, r.Hi, r.Defined = diff-half, diff+half, true
	return r
}

// DailyPoint is one day of a trend.
type DailyPoint struct {
	Day     string   // the day's label, as given
	Est     Estimate // the day's section estimate
	Rolling Estimate // the section estimate over the window ending that day
}

// Rolling returns, for each day, the section estimate of that day and of the
// window of the last window days ending on it (fewer at the start), both by
// spec without population correction (spec.Population is ignored). days[i] labels accs[i];
// the days must be consecutive, with a nil or empty Accumulator for a day
// without responses. The window estimate is computed from the exactly merged
// Accumulators, so it equals the estimate of the window's raw responses.
// It panics if the lengths differ, window < 1, the spec is invalid or the
// Accumulators have different item counts. accs are not modified.
func Rolling(days []string, accs []*Accumulator, window int, spec IntervalSpec) []DailyPoint {
	if len(days) != len(accs) {
		panic(fmt.Sprintf("stats: %d days for %d accumulators", len(days), len(accs)))
	}
	if window < 1 {
		panic(fmt.Sprintf("stats: rolling window %d below 1", window))
	}
	spec.Population = 0
	empty := MomentEstimate(0, 0, 0, spec)
	out := make([]DailyPoint, len(days))
	var run *Accumulator
	for i, acc := range accs {
		out[i] = DailyPoint{Day: days[i], Est: empty, Rolling: empty}
		if acc != nil {
			out[i].Est = acc.SectionEstimate(spec)
			if run == nil {
				run = NewAccumulator(acc.Items())
			}
			run.Merge(acc)
		}
		if j := i - window; j >= 0 && accs[j] != nil {
			run.unmerge(accs[j])
		}
		if run != nil {
			out[i].Rolling = run.SectionEstimate(spec)
		}
	}
	return out
}
