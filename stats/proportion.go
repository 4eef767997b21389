package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Wilson returns the proportion p̂ = successes/n with its Wilson score
// interval (Wilson 1927; Newcombe 1998, method 3),
//
//	(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),  z = Φ⁻¹(1−(1−level)/2),
//
// which, unlike the Wald interval, stays inside [0, 1] and is not empty at
// p̂ = 0 or 1: use it for the share of "Ya" on the control question or of
// low scores on an item. SD is the sample standard deviation of the 0/1
// values. The interval is undefined when n = 0. It panics if successes is
// not in [0, n] or level not in (0, 1).
func Wilson(successes, n int64, level float64) Estimate {
	checkLevel(level)
	if successes < 0 || successes > n {
		panic(fmt.Sprintf("stats: %d successes out of %d", successes, n))
	}
	if n == 0 {
		return Estimate{Level: level, Cause: NoRespondents, Reason: reasonNoData}
	}
	nf := float64(n)
	p := float64(successes) / nf
	e := Estimate{N: n, Mean: p, Lo: p, Hi: p, Level: level, Defined: true}
	if n > 1 {
		e.SD = math.Sqrt(p * (1 - p) * nf / (nf - 1))
	}
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	z2 := z * z
	center := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / (1 + z2/nf)
	// The bounds contain p̂ and lie in [0, 1]; clamp only rounding.
	e.Lo = math.Max(0, math.Min(p, center-half))
	e.Hi = math.Min(1, math.Max(p, center+half))
	return e
}

// BootstrapMeanCI returns the percentile bootstrap interval of the mean of x
// (Efron & Tibshirani 1993, ch. 13): the (1−level)/2 and 1−(1−level)/2
// empirical quantiles of the means of resamples samples of len(x) drawn from
// x with replacement. The generator is PCG seeded with seed, so a seed gives
// the same interval on every run and platform. Use it as a cross-check of
// the t interval on skewed data. It panics if x is empty, resamples < 1 or
// level not in (0, 1). x is not modified.
func BootstrapMeanCI(x []float64, level float64, resamples int, seed uint64) (lo, hi float64) {
	checkLevel(level)
	if len(x) == 0 {
		panic("stats: bootstrap of an empty sample")
	}
	if resamples < 1 {
		panic("stats: bootstrap needs at least one resample")
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	n := len(x)
	means := make([]float64, resamples)
	for r := range means {
		var s float64
		for range n {
			s += x[rng.IntN(n)]
		}
		means[r] = s / float64(n)
	}
	slices.Sort(means)
	tail := (1 - level) / 2
	return stat.Quantile(tail, stat.Empirical, means, nil), stat.Quantile(1-tail, stat.Empirical, means, nil)
}
