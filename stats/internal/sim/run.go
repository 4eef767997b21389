package sim

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Config sets the size of a simulation.
type Config struct {
	Seed     uint64
	Ns       []int64 // sample sizes
	Reps     int     // samples per population and n for the moment methods
	BootReps int     // of those, the first BootReps also run the resampling methods
	Workers  int     // goroutines; cells are seeded independently, so the result does not depend on it
	Pops     []Population
	Methods  []Candidate
}

// DefaultConfig is the configuration of `make stats-sim`.
func DefaultConfig() Config {
	return Config{
		Seed: 20261201, Ns: []int64{10, 20, 30, 50, 100, 400},
		Reps: 20000, BootReps: 1000, Workers: 2,
		Pops: Populations(), Methods: Candidates(),
	}
}

// Cell is the result of one method on one population at one n.
type Cell struct {
	Pop    *Population
	N      int64
	Method string
	Reps   int

	Coverage   float64 // P(lo ≤ μ ≤ hi)
	UpperBelow float64 // P(hi < μ): the interval misses low
	LowerAbove float64 // P(lo > μ): the interval misses high, a false "met"
	Width      float64 // mean hi − lo on the answer scale
	ZeroWidth  float64 // P(hi = lo)
	Outside    float64 // P(lo < Min or hi > Max)
}

type tally struct {
	reps, cover, below, above, zero, outside int
	width                                    float64
}

func (t *tally) add(p *Population, lo, hi float64) {
	t.reps++
	switch {
	case hi < p.Mean:
		t.below++
	case lo > p.Mean:
		t.above++
	default:
		t.cover++
	}
	if hi == lo {
		t.zero++
	}
	if lo < p.Lower() || hi > p.Upper() {
		t.outside++
	}
	t.width += hi - lo
}

// Run simulates every method on every population and n. Each (population,
// n) cell draws its samples from its own generator, seeded from cfg.Seed and
// the cell, and every method sees the same samples.
// With BootReps = 0 the resampling methods are left out.
func Run(cfg Config) []Cell {
	if cfg.BootReps == 0 {
		cfg.Methods = slices.DeleteFunc(slices.Clone(cfg.Methods), func(c Candidate) bool { return c.Resampling })
	}
	type job struct{ pi, ni int }
	jobs := make(chan job)
	cells := make([][]Cell, len(cfg.Pops)*len(cfg.Ns))
	var wg sync.WaitGroup
	for range max(1, cfg.Workers) {
		wg.Go(func() {
			for j := range jobs {
				cells[j.pi*len(cfg.Ns)+j.ni] = runCell(cfg, &cfg.Pops[j.pi], j.pi, cfg.Ns[j.ni])
			}
		})
	}
	for pi := range cfg.Pops {
		for ni := range cfg.Ns {
			jobs <- job{pi, ni}
		}
	}
	close(jobs)
	wg.Wait()
	return slices.Concat(cells...)
}

func runCell(cfg Config, p *Population, pi int, n int64) []Cell {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(pi)<<32|uint64(n)))
	boot := rand.New(rand.NewPCG(cfg.Seed^0x5eed, uint64(pi)<<32|uint64(n)))
	d := newDrawTable(p.P)
	tallies := make([]tally, len(cfg.Methods))
	s := Sample{Pop: p, Counts: make([]int64, len(p.P))}
	for r := range cfg.Reps {
		clear(s.Counts)
		for range n {
			s.Counts[d.draw(rng)]++
		}
		s.moments()
		for m, c := range cfg.Methods {
			if c.Resampling && r >= cfg.BootReps {
				continue
			}
			lo, hi := c.Interval(&s, boot)
			tallies[m].add(p, lo, hi)
		}
	}
	out := make([]Cell, len(cfg.Methods))
	for m, t := range tallies {
		f := float64(t.reps)
		out[m] = Cell{Pop: p, N: n, Method: cfg.Methods[m].Name, Reps: t.reps,
			Coverage: float64(t.cover) / f, UpperBelow: float64(t.below) / f, LowerAbove: float64(t.above) / f,
			Width: t.width / f, ZeroWidth: float64(t.zero) / f, Outside: float64(t.outside) / f}
	}
	return out
}

// Criteria are the acceptance rules of issue 9 for the default interval,
// plus one of ours: no zero-width interval from a sample (a zero width
// claims certainty the sample does not have).
type Criteria struct {
	MinN          int64   // the threshold and coverage rules apply from this n (30)
	MaxFalseMet   float64 // P(lower bound above the true index) at a threshold population (0.030)
	MinCoverage   float64 // two-sided coverage (0.94)
	MaxWidthRatio float64 // mean width / t's where t is honest (1.15)
}

// DefaultCriteria are the rules of issue 9.
var DefaultCriteria = Criteria{MinN: 30, MaxFalseMet: 0.030, MinCoverage: 0.94, MaxWidthRatio: 1.15}

// Verdict is how one method fares against the criteria.
type Verdict struct {
	Method       string
	WorstFalse   float64 // largest P(lo > μ) at a threshold population, n ≥ MinN
	MinCoverage  float64 // smallest coverage, n ≥ MinN
	Outside      float64 // largest share of bounds outside the scale, any n
	ZeroWidth    float64 // largest share of zero-width intervals, any n
	WidthRatio   float64 // largest width / t's width where t is honest
	Pass         bool
	FailedReason string
}

// honest reports whether the t interval is honest in a cell: coverage at
// least MinCoverage and each tail at most MaxFalseMet.
func (c Criteria) honest(t Cell) bool {
	return t.Coverage >= c.MinCoverage && t.UpperBelow <= c.MaxFalseMet && t.LowerAbove <= c.MaxFalseMet
}

// Judge evaluates every method of cells against c, in the order the
// methods appear.
func Judge(cells []Cell, c Criteria) []Verdict {
	tOf := map[[2]any]Cell{}
	var order []string
	byMethod := map[string]*Verdict{}
	for _, x := range cells {
		if x.Method == "t" {
			tOf[[2]any{x.Pop, x.N}] = x
		}
		if byMethod[x.Method] == nil {
			byMethod[x.Method] = &Verdict{Method: x.Method, MinCoverage: 1}
			order = append(order, x.Method)
		}
	}
	for _, x := range cells {
		v := byMethod[x.Method]
		v.Outside = math.Max(v.Outside, x.Outside)
		v.ZeroWidth = math.Max(v.ZeroWidth, x.ZeroWidth)
		if x.N >= c.MinN {
			v.MinCoverage = math.Min(v.MinCoverage, x.Coverage)
			if x.Pop.AtThreshold {
				v.WorstFalse = math.Max(v.WorstFalse, x.LowerAbove)
			}
		}
		if t := tOf[[2]any{x.Pop, x.N}]; c.honest(t) && t.Width > 0 {
			v.WidthRatio = math.Max(v.WidthRatio, x.Width/t.Width)
		}
	}
	out := make([]Verdict, 0, len(order))
	for _, m := range order {
		v := byMethod[m]
		switch {
		case v.WorstFalse > c.MaxFalseMet:
			v.FailedReason = fmt.Sprintf("P(lo > μ) %.1f %% > %.1f %%", 100*v.WorstFalse, 100*c.MaxFalseMet)
		case v.MinCoverage < c.MinCoverage:
			v.FailedReason = fmt.Sprintf("coverage %.1f %% < %.0f %%", 100*v.MinCoverage, 100*c.MinCoverage)
		case v.Outside > 0:
			v.FailedReason = fmt.Sprintf("bounds outside the scale (%.1f %%)", 100*v.Outside)
		case v.WidthRatio > c.MaxWidthRatio:
			v.FailedReason = fmt.Sprintf("width %.2f× t's", v.WidthRatio)
		case v.ZeroWidth > 0:
			v.FailedReason = fmt.Sprintf("zero-width intervals (up to %.1f %%)", 100*v.ZeroWidth)
		default:
			v.Pass = true
		}
		out = append(out, *v)
	}
	return out
}

// pct formats a share as a percentage with one decimal.
func pct(x float64) string { return fmt.Sprintf("%.1f", 100*x) }

// WriteCells writes the per-cell table in Markdown.
func WriteCells(w io.Writer, cells []Cell) {
	fmt.Fprintln(w, "| population | n | method | coverage % | hi < μ % | lo > μ % | mean width | zero width % | outside % |")
	fmt.Fprintln(w, "|---|--:|---|--:|--:|--:|--:|--:|--:|")
	for _, c := range cells {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %.3f | %s | %s |\n", c.Pop.Name, c.N, c.Method,
			pct(c.Coverage), pct(c.UpperBelow), pct(c.LowerAbove), c.Width, pct(c.ZeroWidth), pct(c.Outside))
	}
}

// WriteVerdicts writes the criteria table in Markdown.
func WriteVerdicts(w io.Writer, vs []Verdict, c Criteria) {
	fmt.Fprintf(w, "| method | worst lo > μ at 3.60, n ≥ %d (≤ %s %%) | min coverage, n ≥ %d (≥ %s %%) | outside scale %% | zero width %% | width ÷ t where t honest (≤ %.2f) | meets all |\n",
		c.MinN, pct(c.MaxFalseMet), c.MinN, pct(c.MinCoverage), c.MaxWidthRatio)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|---|")
	for _, v := range vs {
		pass := "yes"
		if !v.Pass {
			pass = "no: " + v.FailedReason
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.2f | %s |\n", v.Method, pct(v.WorstFalse), pct(v.MinCoverage),
			pct(v.Outside), pct(v.ZeroWidth), v.WidthRatio, pass)
	}
}
