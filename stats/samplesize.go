package stats

import (
	"fmt"
	"math"
)

// KrejcieMorgan returns the sample size for a population of N by the formula
// of Krejcie & Morgan (1970), Educational and Psychological Measurement 30,
// 607–610,
//
//	S = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)),
//
// with χ² = 3.841 (1 degree of freedom, 95%), P = 0.5 and d = 0.05, rounded
// to the nearest integer as in their Table 1: 100 → 80, 500 → 217,
// 1000 → 278, 10 000 → 370, 1 000 000 → 384. It returns 0 for N ≤ 0. Not to
// be confused with Slovin's formula, often mislabelled as Krejcie–Morgan.
func KrejcieMorgan(population int64) int64 {
	if population <= 0 {
		return 0
	}
	const chi2, p, d = 3.841, 0.5, 0.05
	n := float64(population)
	s := chi2 * n * p * (1 - p) / (d*d*(n-1) + chi2*p*(1-p))
	return int64(math.Round(s))
}

// Slovin returns the sample size n = N / (1 + N·e²) for a population of N
// and a margin of error e, rounded up (after removing binary noise below
// 1e-9, so 400 at e = 0.05 gives exactly 200). It returns 0 for N ≤ 0 and
// panics if e is not in (0, 1).
func Slovin(population int64, e float64) int64 {
	if !(e > 0 && e < 1) {
		panic(fmt.Sprintf("stats: Slovin margin %v outside (0, 1)", e))
	}
	if population <= 0 {
		return 0
	}
	n := float64(population)
	return int64(math.Ceil(n/(1+n*e*e) - 1e-9))
}
