package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Estimate is an estimated mean with its confidence interval.
type Estimate struct {
	N      int64   // number of observations
	Mean   float64 // the estimate
	SD     float64 // sample standard deviation (divisor n−1); 0 when n < 2
	Lo, Hi float64 // interval bounds; equal to Mean when the interval is undefined
	Level  float64 // confidence level of the interval, e.g. 0.95

	// Method is the interval method of a mean (print it beside the
	// interval); empty for a proportion's Wilson interval.
	Method IntervalMethod

	// Defined is false when the interval cannot be computed (n < 2, a
	// population smaller than n, …); Cause then says why as a value and
	// Reason in Bahasa Indonesia, and Lo = Hi = Mean.
	Defined bool
	Cause   Cause
	Reason  string
}

// checkLevel panics unless level is a confidence level in (0, 1).
func checkLevel(level float64) {
	if !(level > 0 && level < 1) {
		panic(fmt.Sprintf("stats: confidence level %v outside (0, 1)", level))
	}
}

// studentsTQuantile returns the two-sided critical value t such that
// P(|T| ≤ t) = level for Student's t with df degrees of freedom, the
// (1−(1−level)/2) quantile.
//
// gonum's StudentsT.Quantile inverts the incomplete beta function, which
// costs 20–90 µs at the degrees of freedom of a month or a year of
// responses: most of the time of a full summary. From df ≥ 5 the quantile is
// instead started from the Cornish–Fisher expansion (Abramowitz & Stegun
// 26.7.5), which alone is exact to double precision at large df, and
// otherwise refined by Newton steps on gonum's StudentsT.Survival: a few µs
// for the same or better accuracy (TestStudentsTQuantilePrecise). Survival is
// convex for t > 0, so from any positive start the steps approach the root
// without overshooting; gonum's Quantile remains the fallback.
func studentsTQuantile(level, df float64) float64 {
	upper := (1 - level) / 2
	d := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	if df < 5 {
		return d.Quantile(1 - upper)
	}
	z := distuv.UnitNormal.Quantile(1 - upper)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	x := z + (g1+(g2+(g3+g4/df)/df)/df)/df
	if math.Abs(g4)/(df*df*df*df) <= 1e-15*x {
		// The expansion has converged beyond what Survival resolves at
		// such df (its rounding noise would only move x away).
		return x
	}
	for range 10 {
		if !(x > 0) || math.IsInf(x, 0) {
			break
		}
		step := (d.Survival(x) - upper) / d.Prob(x)
		x += step
		// Newton converges quadratically: after a step this small the next
		// would be below the rounding noise of Survival (about 1e-12 at
		// df = 10⁵), where steps no longer shrink.
		if math.Abs(step) <= 1e-9*math.Max(1, x) {
			return x
		}
	}
	return d.Quantile(1 - upper)
}

// fpc returns the finite population correction √((N−n)/(N−1)) for a sample
// of n from a population of N ≥ n ≥ 2, or 1 when N ≤ 0 (unknown).
func fpc(n, population int64) float64 {
	if population <= 0 {
		return 1
	}
	return math.Sqrt(float64(population-n) / float64(population-1))
}

// tInterval returns the Student's t interval
//
//	mean ± t(1−(1−level)/2, n−1) · sd/√n · √((N−n)/(N−1))
//
// where the last factor, the finite population correction, applies only when
// population N > 0.
func tInterval(n int64, mean, sd, level float64, population int64) Estimate {
	checkLevel(level)
	e := Estimate{N: n, Mean: mean, SD: sd, Lo: mean, Hi: mean, Level: level, Method: StudentT}
	switch {
	case n == 0:
		e.Cause, e.Reason = NoRespondents, reasonNoData
		return e
	case n < 2:
		e.Cause, e.Reason = TooFewRespondents, reasonNBelow2
		return e
	case population > 0 && population < n:
		e.Cause, e.Reason = PopulationBelowSample, reasonPopulation
		return e
	}
	half := studentsTQuantile(level, float64(n-1)) * sd / math.Sqrt(float64(n)) * fpc(n, population)
	if math.IsInf(half, 0) || math.IsNaN(half) {
		e.Cause, e.Reason = OutOfRange, reasonOverflow
		return e
	}
	e.Lo, e.Hi, e.Defined = mean-half, mean+half, true
	return e
}

// MeanCI returns the mean of x with its Student's t interval at the given
// confidence level,
//
//	x̄ ± t(1−(1−level)/2, n−1) · s/√n · √((N−n)/(N−1)),
//
// where s is the sample standard deviation and the finite population
// correction applies when population N > 0 (population ≤ 0 means unknown).
// The interval is undefined when n < 2 or 0 < N < n. It panics if level is
// not in (0, 1). x is not modified.
func MeanCI(x []float64, level float64, population int64) Estimate {
	mean, sd := meanSD(x)
	return tInterval(int64(len(x)), mean, sd, level, population)
}

// meanSD returns the mean and sample standard deviation (divisor n − 1) of
// x, 0 where undefined.
func meanSD(x []float64) (mean, sd float64) {
	n := len(x)
	if n > 0 {
		for _, v := range x {
			mean += v
		}
		mean /= float64(n)
	}
	if n > 1 {
		var ss float64
		for _, v := range x {
			ss += (v - mean) * (v - mean)
		}
		sd = math.Sqrt(ss / float64(n-1))
	}
	return mean, sd
}

// MarginOfError returns the half-width of the Student's t interval of a
// mean at the given level from a sample of n with standard deviation sd,
//
//	t(1−(1−level)/2, n−1) · sd/√n · √((N−n)/(N−1)),
//
// with the finite population correction when population N > 0. It panics if
// n < 2, if 0 < N < n or if level is not in (0, 1): check Estimate.Defined
// first, or use Estimate.Hi − Estimate.Mean.
func MarginOfError(sd float64, n, population int64, level float64) float64 {
	if n < 2 {
		panic(fmt.Sprintf("stats: margin of error needs n ≥ 2, have %d", n))
	}
	if population > 0 && population < n {
		panic(fmt.Sprintf("stats: population %d smaller than sample %d", population, n))
	}
	e := tInterval(n, 0, sd, level, population)
	return e.Hi
}

// ItemMean returns the NRR (nilai rata-rata) of item i, Σxᵢ/n, or 0 when the
// Accumulator is empty. It panics if i is out of range.
func (a *Accumulator) ItemMean(i int) float64 {
	a.checkItem(i)
	if a.n == 0 {
		return 0
	}
	return float64(a.sum[i]) / float64(a.n)
}

// ItemMeans returns the NRR of every item, in item order.
func (a *Accumulator) ItemMeans() []float64 {
	m := make([]float64, a.k)
	for i := range m {
		m[i] = a.ItemMean(i)
	}
	return m
}

// variance returns the sample variance q/(n(n−1)) from an exact co-moment
// q = n·Σxy − ΣxΣy, as 0 for a non-positive q.
func variance(q int128, n int64) float64 {
	if q.sign() <= 0 {
		return 0
	}
	return q.float() / (float64(n) * float64(n-1))
}

// ItemEstimate returns the mean of item i with its interval by the method
// of spec (see MomentEstimate); spec's scale is the answer scale. It panics
// if i is out of range or the spec is invalid.
func (a *Accumulator) ItemEstimate(i int, spec IntervalSpec) Estimate {
	mean := a.ItemMean(i)
	var sd float64
	if a.n > 1 {
		s, sq := a.sum[i], a.cross[a.tri(i, i)]
		sd = math.Sqrt(variance(mulNonNeg(a.n, sq).sub(mulNonNeg(s, s)), a.n))
	}
	return MomentEstimate(a.n, mean, sd, spec)
}

// SectionEstimate returns the section index with its interval by the
// method of spec. The index is the unweighted mean of the item means,
// which for complete responses equals the mean of the per-respondent
// section means T/k; the interval is built on those per-respondent means,
// which lie on the answer scale of spec (see MomentEstimate). It panics if
// the spec is invalid.
func (a *Accumulator) SectionEstimate(spec IntervalSpec) Estimate {
	var mean, sd float64
	for i := range a.k {
		mean += a.ItemMean(i)
	}
	mean /= float64(a.k)
	if a.n > 1 {
		sd = math.Sqrt(variance(a.comoments().total, a.n)) / float64(a.k)
	}
	return MomentEstimate(a.n, mean, sd, spec)
}

// comoments are the exact co-moments Qᵢⱼ = n·Σxᵢxⱼ − Σxᵢ·Σxⱼ of a section,
// n(n−1) times the sample covariances.
type comoments struct {
	diag  []int128 // Qᵢᵢ
	row   []int128 // Σⱼ Qᵢⱼ, the co-moment of item i with the total T
	total int128   // ΣᵢΣⱼ Qᵢⱼ = n·ΣT² − (ΣT)², the co-moment of T with itself
}

func (a *Accumulator) comoments() comoments {
	m := comoments{diag: make([]int128, a.k), row: make([]int128, a.k)}
	for i := range a.k {
		for j := i; j < a.k; j++ {
			q := mulNonNeg(a.n, a.cross[a.tri(i, j)]).sub(mulNonNeg(a.sum[i], a.sum[j]))
			m.row[i] = m.row[i].add(q)
			if i == j {
				m.diag[i] = q
				m.total = m.total.add(q)
				continue
			}
			m.row[j] = m.row[j].add(q)
			m.total = m.total.add(q).add(q)
		}
	}
	return m
}

// Verdict is the outcome of comparing an interval with a minimum.
type Verdict int

const (
	// Uncertain: the interval straddles the minimum, or is undefined.
	Uncertain Verdict = iota
	// Met: the whole interval is at or above the minimum.
	Met
	// NotMet: the whole interval is below the minimum.
	NotMet
)

// String returns the verdict in Bahasa Indonesia.
func (v Verdict) String() string {
	switch v {
	case Met:
		return "tercapai"
	case NotMet:
		return "tidak tercapai"
	case Uncertain:
		return "belum pasti"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// ThresholdVerdict compares the interval of e with a minimum such as
// IPAK ≥ 3.60: Met when e.Lo ≥ min, NotMet when e.Hi < min, Uncertain
// otherwise and whenever the interval is undefined. A threshold is never
// declared met on a point estimate alone.
func ThresholdVerdict(e Estimate, min float64) Verdict {
	switch {
	case !e.Defined:
		return Uncertain
	case e.Lo >= min:
		return Met
	case e.Hi < min:
		return NotMet
	}
	return Uncertain
}
