package stats

import (
	"fmt"
	"math"
)

// IntervalMethod names and versions the rule that turns the moments of a
// bounded score (n, mean, standard deviation) into a confidence interval for
// its mean. Reports print it beside every interval, as they print the
// Conversion; a change of formula is a new version, never a silent edit.
// The zero value "" means DefaultInterval.
type IntervalMethod string

const (
	// StudentT is the Student's t interval
	//
	//	x̄ ± t(1−(1−level)/2, n−1) · s/√n · √((N−n)/(N−1)),
	//
	// the interval of Persepsi before the simulation of docs/STATISTICS.md.
	// On ceiling-heavy SPAK data its lower bound lies above the true mean
	// about 7 % of the time at n = 30 instead of 2.5 %, its bounds run off
	// the scale, and a zero-variance sample gives a zero-width interval.
	// Kept to reproduce earlier reports.
	StudentT IntervalMethod = "student-t v1"

	// WilsonEffective is the Wilson score interval on the mean rescaled to
	// [0, 1], p̂ = (x̄ − Min)/(Max − Min), with the Kish effective sample
	// size in place of n and Student's t in place of z (Korn & Graubard
	// 1998, Survey Methodology 24(2):193–201; Dean & Pagano 2015, J. Survey
	// Statistics and Methodology 3(4):484–503):
	//
	//	n* = p̂(1−p̂) / v,  v = s²/((Max−Min)²·n) · (N−n)/(N−1),
	//	c  = t(1−(1−level)/2, n−1),
	//	p  = (p̂ + c²/2n* ± c·√(p̂(1−p̂)/n* + c²/4n*²)) / (1 + c²/n*),
	//
	// mapped back to the scale by Min + p·(Max − Min). A [0, 1] variable of
	// mean p has variance at most p(1−p), so n*/n is the inverse of its
	// dispersion; the score form lets the interval widen towards the
	// centre of the scale, which is where the uncertainty of a mean piled up
	// at the ceiling lies. When the sample has zero variance its spread is
	// not estimable and the widest one is assumed (n* = n/fpc², the Wilson
	// interval of a proportion): the interval is never of zero width except
	// for a census (N = n), whose mean is known. The bounds lie in
	// [Min, Max] and contain x̄. Chosen by the simulation of
	// docs/STATISTICS.md (`make stats-sim`).
	WilsonEffective IntervalMethod = "wilson-neff v1"

	// DefaultInterval is the method used when none is named.
	DefaultInterval = WilsonEffective
)

// ParseIntervalMethod returns the IntervalMethod named s; "" gives
// DefaultInterval. It returns an error for any other name.
func ParseIntervalMethod(s string) (IntervalMethod, error) {
	switch m := IntervalMethod(s); m {
	case "":
		return DefaultInterval, nil
	case StudentT, WilsonEffective:
		return m, nil
	}
	return "", fmt.Errorf("stats: unknown interval method %q (want %q or %q)", s, WilsonEffective, StudentT)
}

// IntervalSpec says how an interval is computed: the method, the confidence
// level, the population and the scale every score lies on.
type IntervalSpec struct {
	Method     IntervalMethod // "" means DefaultInterval
	Level      float64        // confidence level in (0, 1), e.g. 0.95
	Population int64          // the period's population N for the FPC; ≤ 0 means unknown
	Min, Max   int            // the answer scale, Min < Max (1 and 6 for a 1–6 scale)
}

// method returns the spec's method, panicking unless the spec is valid.
func (s IntervalSpec) method() IntervalMethod {
	checkLevel(s.Level)
	if s.Min >= s.Max {
		panic(fmt.Sprintf("stats: scale %d–%d is empty", s.Min, s.Max))
	}
	switch s.Method {
	case "":
		return DefaultInterval
	case StudentT, WilsonEffective:
		return s.Method
	}
	panic(fmt.Sprintf("stats: unknown interval method %q", string(s.Method)))
}

// MomentEstimate returns the interval of a mean of scores on the scale of
// spec from its moments: n observations of mean and sample standard
// deviation sd (divisor n − 1), the figures a daily rollup keeps. The
// interval is undefined when n < 2 or 0 < N < n. Estimate.Method records
// the method used. It panics if the spec is invalid, or mean is outside
// [Min, Max] or sd negative.
func MomentEstimate(n int64, mean, sd float64, spec IntervalSpec) Estimate {
	m := spec.method()
	lo, hi := float64(spec.Min), float64(spec.Max)
	if n > 0 && !(mean >= lo && mean <= hi) {
		panic(fmt.Sprintf("stats: mean %v outside the scale %d–%d", mean, spec.Min, spec.Max))
	}
	if !(sd >= 0) {
		panic(fmt.Sprintf("stats: standard deviation %v", sd))
	}
	e := tInterval(n, mean, sd, spec.Level, spec.Population)
	e.Method = m
	if !e.Defined || m == StudentT {
		return e
	}
	return wilsonEffective(e, lo, hi, spec.Population)
}

// wilsonEffective replaces the bounds of the defined t estimate e with the
// WilsonEffective interval on the scale [lo, hi].
func wilsonEffective(e Estimate, lo, hi float64, population int64) Estimate {
	f := fpc(e.N, population)
	if f == 0 {
		return e // a census: the mean is known, t gave zero width
	}
	span := hi - lo
	p := math.Max(0, math.Min(1, (e.Mean-lo)/span))
	nf := float64(e.N)
	neff := nf / (f * f) // zero variance: assume the widest spread
	if e.SD > 0 {
		sd := e.SD / span
		neff = p * (1 - p) / (sd * sd / nf * f * f)
	}
	c := studentsTQuantile(e.Level, nf-1)
	c2 := c * c
	center := (p + c2/(2*neff)) / (1 + c2/neff)
	half := c * math.Sqrt(p*(1-p)/neff+c2/(4*neff*neff)) / (1 + c2/neff)
	if math.IsNaN(half) || math.IsInf(neff, 0) {
		e.Lo, e.Hi, e.Defined, e.Cause, e.Reason = e.Mean, e.Mean, false, OutOfRange, reasonOverflow
		return e
	}
	// The score interval contains p̂ and lies in [0, 1]; clamp only rounding.
	e.Lo = lo + span*math.Max(0, math.Min(p, center-half))
	e.Hi = lo + span*math.Min(1, math.Max(p, center+half))
	e.Lo, e.Hi = math.Min(e.Lo, e.Mean), math.Max(e.Hi, e.Mean)
	return e
}

// BoundedMeanCI returns the mean of the scores x, all on the scale of spec,
// with its interval by spec.Method (see MomentEstimate). x is not modified.
// It panics if the spec is invalid or a value of x is outside [Min, Max].
func BoundedMeanCI(x []float64, spec IntervalSpec) Estimate {
	for _, v := range x {
		if !(v >= float64(spec.Min) && v <= float64(spec.Max)) {
			panic(fmt.Sprintf("stats: value %v outside the scale %d–%d", v, spec.Min, spec.Max))
		}
	}
	mean, sd := meanSD(x)
	return MomentEstimate(int64(len(x)), math.Max(float64(spec.Min), math.Min(float64(spec.Max), mean)), sd, spec)
}
