package stats

import (
	"math/rand/v2"
	"testing"
)

func TestWilson(t *testing.T) {
	// Newcombe (1998), Statistics in Medicine 17, 857–872, Table I, method 3
	// (Wilson score): 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605,
	// 0/10 → 0.0000–0.2775. Full precision from Python: z =
	// NormalDist().inv_cdf(0.975), (p + z²/2n ± z√(p(1−p)/n + z²/4n²))/(1 + z²/n).
	cases := []struct {
		x, n   int64
		lo, hi float64
	}{
		{81, 263, 0.2552885198782743, 0.3662095769828001},
		{15, 148, 0.0623863995307363, 0.160487241723308},
		{0, 10, 0, 0.27753279986288915},
	}
	for _, c := range cases {
		e := Wilson(c.x, c.n, 0.95)
		checkEstimate(t, "Wilson", e)
		assertClose(t, "Wilson Lo", e.Lo, c.lo, 1e-9)
		assertClose(t, "Wilson Hi", e.Hi, c.hi, 1e-9)
		assertClose(t, "Wilson Mean", e.Mean, float64(c.x)/float64(c.n), 1e-15)
	}
	// 10/10 mirrors 0/10.
	e := Wilson(10, 10, 0.95)
	assertClose(t, "Wilson 10/10 Lo", e.Lo, 1-0.27753279986288915, 1e-9)
	if e.Hi != 1 || e.SD != 0 {
		t.Errorf("Wilson 10/10 = %+v", e)
	}
	// SD of the 0/1 values of 81/263, Python statistics.stdev of 81 ones
	// and 182 zeros: 0.4625404126728668.
	assertClose(t, "Wilson SD", Wilson(81, 263, 0.95).SD, 0.4625404126728668, 1e-12)

	if e := Wilson(0, 0, 0.95); e.Defined || e.Reason != "tidak ada responden" {
		t.Errorf("Wilson(0, 0) = %+v", e)
	}
	mustPanic(t, "successes > n", func() { Wilson(3, 2, 0.95) })
	mustPanic(t, "negative", func() { Wilson(-1, 2, 0.95) })
}

func TestBootstrapMeanCI(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	x := make([]float64, 400)
	for i := range x {
		x[i] = float64(1 + rng.IntN(6))
	}
	orig := append([]float64(nil), x...)
	lo, hi := BootstrapMeanCI(x, 0.95, 4000, 42)
	for i := range x {
		if x[i] != orig[i] {
			t.Fatal("BootstrapMeanCI modified its input")
		}
	}
	// Reproducible for a seed.
	if lo2, hi2 := BootstrapMeanCI(x, 0.95, 4000, 42); lo2 != lo || hi2 != hi {
		t.Errorf("same seed gave [%v, %v] and [%v, %v]", lo, hi, lo2, hi2)
	}
	// Cross-check against the t interval: for 400 near-uniform scores the
	// sampling distribution of the mean is close to normal, so both bounds
	// agree within a few percent of the half-width.
	e := MeanCI(x, 0.95, 0)
	half := e.Hi - e.Mean
	if !close(lo, e.Lo, 0.05*half) || !close(hi, e.Hi, 0.05*half) {
		t.Errorf("bootstrap [%v, %v] far from t interval [%v, %v]", lo, hi, e.Lo, e.Hi)
	}
	// A constant sample has a degenerate interval.
	if lo, hi := BootstrapMeanCI([]float64{6, 6, 6}, 0.9, 100, 1); lo != 6 || hi != 6 {
		t.Errorf("constant sample: [%v, %v]", lo, hi)
	}
	mustPanic(t, "empty", func() { BootstrapMeanCI(nil, 0.95, 10, 1) })
	mustPanic(t, "no resamples", func() { BootstrapMeanCI([]float64{1}, 0.95, 0, 1) })
}
