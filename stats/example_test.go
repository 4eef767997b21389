package stats_test

import (
	"fmt"

	"persepsi/stats"
)

// spak is one week of answers to the five SPAK items on the 1–6 scale.
var spak = [][]int{
	{6, 6, 6, 6, 6}, {5, 6, 6, 6, 6}, {6, 5, 6, 6, 5}, {4, 5, 5, 6, 5}, {6, 6, 6, 6, 6},
	{5, 5, 6, 6, 6}, {6, 6, 5, 5, 6}, {3, 4, 4, 5, 4}, {6, 6, 6, 6, 6}, {5, 6, 6, 6, 5},
	{6, 6, 6, 5, 6}, {5, 5, 5, 6, 6}, {6, 6, 6, 6, 6}, {4, 4, 5, 5, 5}, {6, 5, 6, 6, 6},
}

// This example computes the IPAK of a unit with its 95% interval, and states
// whether the WBK minimum of 3.60 is met only when the whole interval clears
// it. The interval is the default WilsonEffective. (Checked with Python,
// statistics module, from the formula of WilsonEffective: mean of the
// per-respondent means 5.52, stdev 0.5632, FPC² = 1185/1199, effective n
// 99.697, t(0.975, 14) = 2.144787 (table): [5.108991; 5.752822] on 1–6,
// ×4/6 = 3.680 [3.406; 3.835]; α = 0.8751. Student's t would give
// [3.469; 3.891].)
func Example() {
	a := stats.NewAccumulator(5)
	for _, r := range spak {
		a.Add(r)
	}
	// 1,200 service users in the period: the finite population correction
	// applies.
	raw := a.SectionEstimate(stats.IntervalSpec{Level: 0.95, Population: 1200, Min: 1, Max: 6})
	ipak := stats.ConvertEstimate(raw, 6, stats.Proportional)
	p := stats.PredicateFor(ipak.Mean, stats.DefaultPredicates())

	fmt.Printf("n = %d, skala 1–6: %.3f\n", raw.N, raw.Mean)
	fmt.Printf("IPAK (skala 4, %s): %.3f [%.3f; %.3f] (%s), %s %s\n", stats.Proportional, ipak.Mean, ipak.Lo, ipak.Hi, ipak.Method, p.Grade, p.Label)
	fmt.Printf("IPAK ≥ 3,60: %s\n", stats.ThresholdVerdict(ipak, 3.60))
	fmt.Printf("nilai LKE: %.2f dari %.1f\n", stats.LKEScore(ipak.Mean, stats.DefaultLKEWeight), stats.DefaultLKEWeight)
	// Reliability needs 30 respondents by default; a week of 15 is too few.
	if r := a.Alpha(stats.DefaultMinN); r.Defined {
		fmt.Printf("Cronbach α: %.3f\n", r.Alpha)
	} else {
		fmt.Printf("Cronbach α: tidak dapat dihitung (%s)\n", r.Reason)
	}
	// Output:
	// n = 15, skala 1–6: 5.520
	// IPAK (skala 4, proportional): 3.680 [3.406; 3.835] (wilson-neff v1), A Sangat baik
	// IPAK ≥ 3,60: belum pasti
	// nilai LKE: 16.10 dari 17.5
	// Cronbach α: tidak dapat dihitung (n = 15, minimum 30)
}

func ExampleIKM() {
	// NRR of the nine unsur of an SKM (PermenPANRB 14/2017).
	nrr := []float64{3.2, 3.1, 2.9, 3.4, 3.0, 3.3, 3.1, 2.8, 3.2}
	r := stats.IKM(nrr)
	fmt.Printf("IKM %.4f, konversi %.2f: %s (%s)\n", r.Raw, r.Converted, r.Grade, r.Label)
	// Output:
	// IKM 3.1111, konversi 77.78: B (Baik)
}

func ExampleKrejcieMorgan() {
	for _, n := range []int64{100, 500, 1000, 10_000} {
		fmt.Printf("N = %d: sampel %d (Slovin 5%%: %d)\n", n, stats.KrejcieMorgan(n), stats.Slovin(n, 0.05))
	}
	// Output:
	// N = 100: sampel 80 (Slovin 5%: 80)
	// N = 500: sampel 217 (Slovin 5%: 223)
	// N = 1000: sampel 278 (Slovin 5%: 286)
	// N = 10000: sampel 370 (Slovin 5%: 385)
}

func ExampleWilson() {
	// 9 of 240 respondents answered "Ya" to the control question (an
	// employee steered their answers).
	e := stats.Wilson(9, 240, 0.95)
	fmt.Printf("%.1f%% [%.1f%%; %.1f%%]\n", 100*e.Mean, 100*e.Lo, 100*e.Hi)
	// Output:
	// 3.8% [2.0%; 7.0%]
}

func ExampleWelch() {
	// IPKP per-respondent means (1–6) of two quarters, as estimates.
	q1 := stats.Estimate{N: 180, Mean: 4.62, SD: 0.91, Level: 0.95}
	q2 := stats.Estimate{N: 210, Mean: 4.85, SD: 0.78, Level: 0.95}
	w := stats.Welch(q2, q1)
	fmt.Printf("selisih %.2f [%.2f; %.2f], t = %.2f, df = %.1f, p = %.4f\n", w.Diff, w.Lo, w.Hi, w.T, w.DF, w.P)
	// Output:
	// selisih 0.23 [0.06; 0.40], t = 2.66, df = 354.9, p = 0.0083
}

func ExampleAccumulator_MarshalBinary() {
	// Daily rollups stored as bytes merge into exactly the statistics of
	// the raw responses.
	var stored [][]byte
	for day := range 3 {
		a := stats.NewAccumulator(5)
		for _, r := range spak[day*5 : day*5+5] {
			a.Add(r)
		}
		p, _ := a.MarshalBinary()
		stored = append(stored, p)
	}
	period := stats.NewAccumulator(5)
	for _, p := range stored {
		day := stats.NewAccumulator(5)
		if err := day.UnmarshalBinary(p); err != nil {
			fmt.Println(err)
			return
		}
		period.Merge(day)
	}
	e := period.SectionEstimate(stats.IntervalSpec{Level: 0.95, Min: 1, Max: 6})
	fmt.Printf("%d bytes/day, n = %d, %.3f [%.3f; %.3f]\n", len(stored[0]), e.N, e.Mean, e.Lo, e.Hi)
	// Output:
	// 38 bytes/day, n = 15, 5.520 [5.106; 5.754]
}

func ExampleAccumulator_ItemValidity() {
	a := stats.NewAccumulator(5)
	for _, r := range spak {
		a.Add(r)
	}
	// A pilot of 15 respondents: the minimum is lowered to 15 on purpose.
	for i, v := range a.ItemValidity(15) {
		fmt.Printf("butir %d: r = %.3f, r tabel = %.3f, valid %t\n", i+1, v.R, v.Critical, v.Valid)
	}
	// Output:
	// butir 1: r = 0.832, r tabel = 0.514, valid true
	// butir 2: r = 0.759, r tabel = 0.514, valid true
	// butir 3: r = 0.824, r tabel = 0.514, valid true
	// butir 4: r = 0.441, r tabel = 0.514, valid false
	// butir 5: r = 0.766, r tabel = 0.514, valid true
}

func ExampleRolling() {
	days := []string{"2025-03-01", "2025-03-02", "2025-03-03"}
	accs := make([]*stats.Accumulator, len(days))
	for d := range accs {
		accs[d] = stats.NewAccumulator(5)
		for _, r := range spak[d*5 : d*5+5] {
			accs[d].Add(r)
		}
	}
	for _, p := range stats.Rolling(days, accs, 2, stats.IntervalSpec{Level: 0.95, Min: 1, Max: 6}) {
		fmt.Printf("%s: %.2f (n = %d), 2 hari: %.2f [%.2f; %.2f]\n", p.Day, p.Est.Mean, p.Est.N, p.Rolling.Mean, p.Rolling.Lo, p.Rolling.Hi)
	}
	// Output:
	// 2025-03-01: 5.68 (n = 5), 2 hari: 5.68 [4.78; 5.93]
	// 2025-03-02: 5.36 (n = 5), 2 hari: 5.52 [4.90; 5.81]
	// 2025-03-03: 5.52 (n = 5), 2 hari: 5.44 [4.82; 5.76]
}
