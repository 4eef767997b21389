package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"

	"persepsi/stats"
)

// Sample is one simulated sample: the count of respondents in each category
// of its population, with the moments of the per-respondent means.
type Sample struct {
	Pop    *Population
	Counts []int64
	N      int64
	Mean   float64
	SD     float64 // divisor n − 1
}

func (s *Sample) moments() {
	var n int64
	var sum float64
	for t, c := range s.Counts {
		n += c
		sum += float64(c) * s.Pop.Value(t)
	}
	s.N, s.Mean = n, sum/float64(n)
	var ss float64
	for t, c := range s.Counts {
		d := s.Pop.Value(t) - s.Mean
		ss += float64(c) * d * d
	}
	s.SD = 0
	if n > 1 {
		s.SD = math.Sqrt(ss / float64(n-1))
	}
}

// Candidate is an interval method under test. Interval returns the bounds
// for a 95% interval; rng is for the resampling methods.
type Candidate struct {
	Name     string
	Interval func(s *Sample, rng *rand.Rand) (lo, hi float64)
	// Resampling marks the bootstrap methods, run on fewer replications.
	Resampling bool
}

const level = 0.95

// Resamples is the number of bootstrap resamples of each sample.
const Resamples = 499

// Candidates returns the methods compared: the production methods of
// package stats (called, not copied) and the literature's alternatives.
func Candidates() []Candidate {
	return []Candidate{
		{Name: "t", Interval: production(stats.StudentT)},
		{Name: "t-clamped", Interval: tClamped},
		{Name: "logit-t", Interval: logitT},
		{Name: "wilson-max", Interval: wilsonMax},
		{Name: "hoeffding", Interval: hoeffding},
		{Name: "wilson-neff", Interval: production(stats.WilsonEffective)},
		{Name: "bootstrap-t", Interval: bootstrapT, Resampling: true},
		{Name: "bca", Interval: bca, Resampling: true},
		{Name: "bayes-boot", Interval: bayesBoot, Resampling: true},
	}
}

// production returns the interval of package stats for method m, from the
// same moments the daily rollups store.
func production(m stats.IntervalMethod) func(*Sample, *rand.Rand) (float64, float64) {
	return func(s *Sample, _ *rand.Rand) (float64, float64) {
		e := stats.MomentEstimate(s.N, s.Mean, s.SD, stats.IntervalSpec{
			Method: m, Level: level, Min: s.Pop.Min, Max: s.Pop.Max,
		})
		return e.Lo, e.Hi
	}
}

// tQuantile returns t(1−(1−level)/2, n−1), cached: gonum's Quantile costs
// tens of µs, more than the rest of a replication.
func tQuantile(n int64) float64 {
	tMu.Lock()
	defer tMu.Unlock()
	q, ok := tCache[n]
	if !ok {
		q = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-level)/2)
		tCache[n] = q
	}
	return q
}

var (
	tMu    sync.Mutex
	tCache = map[int64]float64{}
)

func tRaw(s *Sample) (float64, float64) {
	h := tQuantile(s.N) * s.SD / math.Sqrt(float64(s.N))
	return s.Mean - h, s.Mean + h
}

// tClamped is the t interval cut to the scale.
func tClamped(s *Sample, _ *rand.Rand) (float64, float64) {
	lo, hi := tRaw(s)
	return math.Max(lo, s.Pop.Lower()), math.Min(hi, s.Pop.Upper())
}

// rescale maps the scale to [0, 1].
func rescale(s *Sample) (p, sd, span float64) {
	span = s.Pop.Upper() - s.Pop.Lower()
	return (s.Mean - s.Pop.Lower()) / span, s.SD / span, span
}

// logitT is the delta-method interval on the logit of the rescaled mean,
// logit(p̂) ± t·s/(√n·p̂(1−p̂)), mapped back; zero width when p̂ ∈ {0, 1} or
// s = 0, where the delta method has no spread to work with.
func logitT(s *Sample, _ *rand.Rand) (float64, float64) {
	p, sd, span := rescale(s)
	if p <= 0 || p >= 1 || sd == 0 {
		return s.Mean, s.Mean
	}
	l := math.Log(p / (1 - p))
	h := tQuantile(s.N) * sd / math.Sqrt(float64(s.N)) / (p * (1 - p))
	back := func(x float64) float64 { return s.Pop.Lower() + span/(1+math.Exp(-x)) }
	return back(l - h), back(l + h)
}

// wilsonScore is the Wilson score interval of a proportion p̂ from neff
// trials with critical value c.
func wilsonScore(p, neff, c float64) (float64, float64) {
	c2 := c * c
	center := (p + c2/(2*neff)) / (1 + c2/neff)
	half := c * math.Sqrt(p*(1-p)/neff+c2/(4*neff*neff)) / (1 + c2/neff)
	return math.Max(0, center-half), math.Min(1, center+half)
}

// wilsonMax is the Wilson interval of the rescaled mean with n trials: it
// assumes the largest variance p(1−p) a [0, 1] variable of mean p can have.
func wilsonMax(s *Sample, _ *rand.Rand) (float64, float64) {
	p, _, span := rescale(s)
	lo, hi := wilsonScore(p, float64(s.N), tQuantile(s.N))
	return s.Pop.Lower() + span*lo, s.Pop.Lower() + span*hi
}

// hoeffding is the distribution-free interval from Hoeffding's inequality
// (1963) for a mean of [0, 1] variables: p̂ ± √(ln(2/α)/(2n)), cut to [0, 1].
func hoeffding(s *Sample, _ *rand.Rand) (float64, float64) {
	p, _, span := rescale(s)
	h := math.Sqrt(math.Log(2/(1-level)) / (2 * float64(s.N)))
	return s.Pop.Lower() + span*math.Max(0, p-h), s.Pop.Lower() + span*math.Min(1, p+h)
}

// sampleTable returns a draw table of s's own categories (the empirical
// distribution a bootstrap resamples from).
func sampleTable(s *Sample) *drawTable {
	w := make([]float64, len(s.Counts))
	for t, c := range s.Counts {
		w[t] = float64(c) / float64(s.N)
	}
	return newDrawTable(w)
}

// resample draws a bootstrap resample of s as category counts into dst.
func resample(s *Sample, d *drawTable, dst []int64, rng *rand.Rand) {
	clear(dst)
	for range s.N {
		dst[d.draw(rng)]++
	}
}

// bootstrapT is the studentised bootstrap (Efron & Tibshirani 1993, §12.5):
// x̄ − t*₀.₉₇₅·s/√n, x̄ − t*₀.₀₂₅·s/√n with t* = (x̄* − x̄)/(s*/√n). A
// resample with s* = 0 gives t* = ±∞ (or 0 when x̄* = x̄), kept as such.
func bootstrapT(s *Sample, rng *rand.Rand) (float64, float64) {
	if s.SD == 0 {
		return s.Mean, s.Mean
	}
	d := sampleTable(s)
	r := Sample{Pop: s.Pop, Counts: make([]int64, len(s.Counts))}
	ts := make([]float64, Resamples)
	for b := range ts {
		resample(s, d, r.Counts, rng)
		r.moments()
		switch d := r.Mean - s.Mean; {
		case r.SD > 0:
			ts[b] = d / (r.SD / math.Sqrt(float64(r.N)))
		case d > 0:
			ts[b] = math.Inf(1)
		case d < 0:
			ts[b] = math.Inf(-1)
		}
	}
	slices.Sort(ts)
	se := s.SD / math.Sqrt(float64(s.N))
	lo := s.Mean - quantile(ts, 1-(1-level)/2)*se
	hi := s.Mean - quantile(ts, (1-level)/2)*se
	return lo, hi
}

// quantile is the order statistic of sorted x at probability q (type 1).
func quantile(x []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(x)))) - 1
	return x[max(0, min(len(x)-1, i))]
}

// bca is the bias-corrected and accelerated percentile interval (Efron
// 1987; Efron & Tibshirani 1993, §14.3), with the acceleration from the
// jackknife, computed per category in closed form.
func bca(s *Sample, rng *rand.Rand) (float64, float64) {
	if s.SD == 0 {
		return s.Mean, s.Mean
	}
	d := sampleTable(s)
	r := Sample{Pop: s.Pop, Counts: make([]int64, len(s.Counts))}
	means := make([]float64, Resamples)
	below := 0
	for b := range means {
		resample(s, d, r.Counts, rng)
		r.moments()
		means[b] = r.Mean
		if r.Mean < s.Mean {
			below++
		}
	}
	slices.Sort(means)
	norm := distuv.UnitNormal
	z0 := norm.Quantile(math.Max(0.5/Resamples, math.Min(1-0.5/Resamples, float64(below)/Resamples)))
	// Jackknife: leaving out one respondent of value v gives mean
	// (n·x̄ − v)/(n − 1); the acceleration is Σd³/(6(Σd²)^1.5) with
	// d = jackknife mean − leave-one-out mean.
	n := float64(s.N)
	var s2, s3 float64
	for t, c := range s.Counts {
		if c == 0 {
			continue
		}
		d := s.Mean - (n*s.Mean-s.Pop.Value(t))/(n-1)
		s2 += float64(c) * d * d
		s3 += float64(c) * d * d * d
	}
	acc := s3 / (6 * math.Pow(s2, 1.5))
	adj := func(a float64) float64 {
		z := norm.Quantile(a)
		return norm.CDF(z0 + (z0+z)/(1-acc*(z0+z)))
	}
	return quantile(means, adj((1-level)/2)), quantile(means, adj(1-(1-level)/2))
}

// bayesBoot is the Bayesian bootstrap (Rubin 1981): percentiles of the mean
// under Dirichlet(1, …, 1) weights on the respondents, i.e. Dirichlet(count)
// weights on the categories.
func bayesBoot(s *Sample, rng *rand.Rand) (float64, float64) {
	if s.SD == 0 {
		return s.Mean, s.Mean
	}
	means := make([]float64, Resamples)
	for b := range means {
		var w, m float64
		for t, c := range s.Counts {
			if c == 0 {
				continue
			}
			g := gamma(float64(c), rng)
			w += g
			m += g * s.Pop.Value(t)
		}
		means[b] = m / w
	}
	slices.Sort(means)
	return quantile(means, (1-level)/2), quantile(means, 1-(1-level)/2)
}

// gamma draws Gamma(a, 1) for a ≥ 1 (Marsaglia & Tsang 2000).
func gamma(a float64, rng *rand.Rand) float64 {
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
