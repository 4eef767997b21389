package stats

import (
	"fmt"
	"math"
	"testing"
)

// Student's t critical values t(0.975, df) from the published two-tailed
// table (e.g. Walpole, Table A.4; NIST/SEMATECH e-Handbook 1.3.6.7.2), to
// three decimals.
var tTable975 = map[int64]float64{1: 12.706, 2: 4.303, 4: 2.776, 9: 2.262, 19: 2.093, 29: 2.045, 99: 1.984}

func TestStudentsTAgainstTable(t *testing.T) {
	for df, want := range tTable975 {
		assertClose(t, "t(0.975)", studentsTQuantile(0.95, float64(df)), want, 5e-4)
	}
	// Same table, other columns: t(0.95, 9) = 1.833, t(0.995, 9) = 3.250.
	assertClose(t, "t(0.95, 9)", studentsTQuantile(0.90, 9), 1.833, 5e-4)
	assertClose(t, "t(0.995, 9)", studentsTQuantile(0.99, 9), 3.250, 5e-4)
	// Very large df tends to z(0.975) = 1.95996 (NormalDist().inv_cdf(0.975)).
	assertClose(t, "t(0.975, 1e9)", studentsTQuantile(0.95, 1e9), 1.959964, 1e-6)
}

func TestMeanCI(t *testing.T) {
	// gonum's Example_confidenceInterval data, the first 10 iris sepal
	// widths. By hand: Σx = 33.1, x̄ = 3.31; Σ(x−x̄)² = 0.849, s² = 0.849/9 =
	// 0.094333, s = 0.307137; s/√10 = 0.097125; t(0.975, 9) = 2.262 (table):
	// half-width 0.219697, interval [3.090303, 3.529697].
	x := []float64{3.5, 3.0, 3.2, 3.1, 3.6, 3.9, 3.4, 3.4, 2.9, 3.1}
	orig := append([]float64(nil), x...)
	e := MeanCI(x, 0.95, 0)
	checkEstimate(t, "MeanCI", e)
	assertClose(t, "Mean", e.Mean, 3.31, 1e-12)
	assertClose(t, "SD", e.SD, 0.307137, 1e-6)
	assertClose(t, "Lo", e.Lo, 3.090303, 1e-4)
	assertClose(t, "Hi", e.Hi, 3.529697, 1e-4)
	if !e.Defined || e.N != 10 || e.Level != 0.95 {
		t.Errorf("MeanCI = %+v", e)
	}
	for i := range x {
		if x[i] != orig[i] {
			t.Fatal("MeanCI modified its input")
		}
	}

	// With N = 20 the FPC is √((20−10)/19) = 0.725476; half-width
	// 0.219697 · 0.725476 = 0.159385.
	f := MeanCI(x, 0.95, 20)
	assertClose(t, "FPC half-width", f.Hi-f.Mean, 0.159385, 1e-4)
}

func TestIntervalUndefined(t *testing.T) {
	cases := []struct {
		name       string
		x          []float64
		population int64
		reason     string
	}{
		{"no data", nil, 0, "tidak ada responden"},
		{"one respondent", []float64{4}, 0, "n < 2"},
		{"population below n", []float64{4, 5, 6}, 2, "populasi (N) lebih kecil dari jumlah responden (n)"},
	}
	for _, c := range cases {
		e := MeanCI(c.x, 0.95, c.population)
		checkEstimate(t, c.name, e)
		if e.Defined || e.Reason != c.reason {
			t.Errorf("%s: %+v, want undefined with %q", c.name, e, c.reason)
		}
	}
	mustPanic(t, "level 0", func() { MeanCI([]float64{1, 2}, 0, 0) })
	mustPanic(t, "level 1", func() { MeanCI([]float64{1, 2}, 1, 0) })
	mustPanic(t, "level NaN", func() { MeanCI([]float64{1, 2}, math.NaN(), 0) })
}

// TestFPCShrinksToZero checks the property that the interval from a census
// (n = N) has zero width, and that the width grows with N towards the
// infinite-population width.
func TestFPCShrinksToZero(t *testing.T) {
	a := accumulate(t, spakRows)
	census := a.SectionEstimate(t95(a.N()))
	checkEstimate(t, "census", census)
	if !census.Defined || census.Lo != census.Mean || census.Hi != census.Mean {
		t.Errorf("census interval %+v, want zero width", census)
	}
	prev := 0.0
	for _, pop := range []int64{21, 40, 100, 1000, 1e6} {
		w := a.SectionEstimate(t95(pop))
		if width := w.Hi - w.Lo; !(width > prev) {
			t.Errorf("width at N=%d is %v, not above %v", pop, width, prev)
		} else {
			prev = width
		}
	}
	inf := a.SectionEstimate(t95(0))
	if !(prev < inf.Hi-inf.Lo) {
		t.Errorf("width with N=1e6 %v not below unknown-N width %v", prev, inf.Hi-inf.Lo)
	}
}

func TestSectionAndItemEstimate(t *testing.T) {
	// handRows by hand: per-respondent totals 11, 8, 12, 7, 11; means T/3 =
	// 3.6667, 2.6667, 4, 2.3333, 3.6667; mean 49/15 = 3.266667, equal to
	// the mean of the NRR (3.2 + 3.2 + 3.4)/3. Totals deviate from 9.8 by
	// 1.2, −1.8, 2.2, −2.8, 1.2; squares sum to 18.8, s²_T = 4.7, so the SD
	// of T/3 is √4.7/3 = 0.722649 (Python statistics.stdev agrees). Half
	// width t(0.975, 4)·0.722649/√5 = 2.776 · 0.323179 = 0.897145.
	a := accumulate(t, handRows)
	e := a.SectionEstimate(t95(0))
	checkEstimate(t, "section", e)
	assertClose(t, "section Mean", e.Mean, 49.0/15, 1e-12)
	assertClose(t, "section SD", e.SD, 0.7226494462892933, 1e-12)
	assertClose(t, "section Lo", e.Lo, 49.0/15-0.897145, 2e-4)
	assertClose(t, "section Hi", e.Hi, 49.0/15+0.897145, 2e-4)

	// Item 3 by hand: 4, 2, 4, 3, 4; mean 3.4; deviations 0.6, −1.4, 0.6,
	// −0.4, 0.6, squares 3.2 in all, s² = 0.8, s = 0.894427; half width
	// 2.776 · 0.894427/√5 = 1.110400.
	i3 := a.ItemEstimate(2, t95(0))
	checkEstimate(t, "item 3", i3)
	assertClose(t, "item Mean", i3.Mean, 3.4, 1e-12)
	assertClose(t, "item SD", i3.SD, math.Sqrt(0.8), 1e-12)
	assertClose(t, "item Hi", i3.Hi, 3.4+1.110400, 2e-4)
	mustPanic(t, "ItemEstimate(3)", func() { a.ItemEstimate(3, t95(0)) })

	// spakRows, Python statistics: section mean 4.83, stdev of the
	// per-respondent means 1.139298029490089, standard error 0.254754784;
	// t(0.975, 19) = 2.093 (table): half width 0.533202.
	s := accumulate(t, spakRows).SectionEstimate(t95(0))
	assertClose(t, "spak Mean", s.Mean, 4.83, 1e-12)
	assertClose(t, "spak SD", s.SD, 1.139298029490089, 1e-12)
	assertClose(t, "spak Lo", s.Lo, 4.83-0.533202, 2e-4)
	// Item SDs, Python statistics.stdev.
	for i, want := range []float64{1.1742858972247996, 1.1239029738980328, 1.2396943596157715, 1.3088765773505315, 1.3218806379747876} {
		assertClose(t, "spak item SD", accumulate(t, spakRows).ItemEstimate(i, t95(0)).SD, want, 1e-12)
	}
}

func TestZeroVarianceInterval(t *testing.T) {
	// Every SPAK answer at the top: mean 6, SD 0, a zero-width interval.
	a := accumulate(t, [][]int{{6, 6, 6, 6, 6}, {6, 6, 6, 6, 6}, {6, 6, 6, 6, 6}})
	e := a.SectionEstimate(t95(0))
	checkEstimate(t, "zero variance", e)
	if e.Mean != 6 || e.SD != 0 || e.Lo != 6 || e.Hi != 6 {
		t.Errorf("zero variance estimate %+v", e)
	}
}

func TestMarginOfError(t *testing.T) {
	// t(0.975, 99) = 1.984 (table); SD 0.8, n = 100: 1.984·0.08 = 0.15872.
	assertClose(t, "MoE", MarginOfError(0.8, 100, 0, 0.95), 0.15872, 1e-3)
	// With N = 278: FPC √(178/277) = 0.801622; 0.15872 · 0.801622 = 0.127233.
	assertClose(t, "MoE FPC", MarginOfError(0.8, 100, 278, 0.95), 0.127233, 1e-3)
	if got := MarginOfError(0.8, 100, 100, 0.95); got != 0 {
		t.Errorf("MoE of a census = %v, want 0", got)
	}
	mustPanic(t, "n = 1", func() { MarginOfError(1, 1, 0, 0.95) })
	mustPanic(t, "N < n", func() { MarginOfError(1, 10, 5, 0.95) })
}

func TestThresholdVerdict(t *testing.T) {
	cases := []struct {
		e    Estimate
		min  float64
		want Verdict
		text string
	}{
		{Estimate{Mean: 3.7, Lo: 3.6, Hi: 3.8, Defined: true}, 3.6, Met, "tercapai"},
		{Estimate{Mean: 3.7, Lo: 3.59, Hi: 3.8, Defined: true}, 3.6, Uncertain, "belum pasti"},
		{Estimate{Mean: 3.4, Lo: 3.3, Hi: 3.59, Defined: true}, 3.6, NotMet, "tidak tercapai"},
		{Estimate{Mean: 3.4, Lo: 3.3, Hi: 3.6, Defined: true}, 3.6, Uncertain, "belum pasti"},
		{Estimate{Mean: 3.9, Lo: 3.9, Hi: 3.9, Reason: "n < 2"}, 3.6, Uncertain, "belum pasti"},
	}
	for _, c := range cases {
		got := ThresholdVerdict(c.e, c.min)
		if got != c.want || got.String() != c.text {
			t.Errorf("ThresholdVerdict(%+v, %v) = %v, want %v", c.e, c.min, got, c.text)
		}
	}
	if s := Verdict(7).String(); s != "Verdict(7)" {
		t.Errorf("Verdict(7).String() = %q", s)
	}
}

// TestStudentsTQuantilePrecise checks studentsTQuantile to 1e-9 (relative)
// against
// quantiles computed with Python's mpmath at 40 digits: the root in x of
// betainc(1/2, ν/2, 0, x²/(ν+x²), regularized=True) = level, found with
// mpmath.findroot. (At ν = 99, level 0.999999 gonum's own
// StudentsT.Quantile is off by 7e-10 relative; the Newton path is not.)
func TestStudentsTQuantilePrecise(t *testing.T) {
	levels := []float64{0.5, 0.9, 0.95, 0.99, 0.999999}
	table := []struct {
		df   float64
		want []float64
	}{
		{5, []float64{0.72668684380042265, 2.0150483733330242, 2.5705818356363155, 4.0321429835552281, 28.47847346298421}},
		{9, []float64{0.70272214675132637, 1.8331129326562372, 2.2621571627982055, 3.2498355415921263, 11.63678202732889}},
		{17.776, []float64{0.68854174102855536, 1.7352481910477706, 2.1028213103802217, 2.8826598665420699, 7.2718819160913889}},
		{30, []float64{0.68275569332129255, 1.6972608865939578, 2.0422724563012383, 2.7499956535672253, 6.1190756203842168}},
		{99, []float64{0.67697598554615263, 1.6603911560169909, 1.9842169515864175, 2.6264054572808275, 5.2171642066494653}},
		{1000, []float64{0.67473516460700944, 1.6463788172854647, 1.9623390808264085, 2.5807546980659511, 4.922289523429588}},
		{109499, []float64{0.67449199072478145, 1.6448675428969851, 1.9599856495507574, 2.5758742046738711, 4.8919168924699059}},
		{1e7, []float64{0.67448977472957515, 1.6448537793284017, 1.9599642217672055, 2.575829795203749, 4.8916415241848719}},
	}
	for _, row := range table {
		for i, level := range levels {
			assertClose(t, fmt.Sprintf("t(%v, %v)", level, row.df), studentsTQuantile(level, row.df), row.want[i], 1e-9)
		}
	}
	// Below df = 5 gonum's Quantile answers directly (same mpmath method).
	small := []struct{ df, level, want float64 }{
		{1, 0.5, 1}, {1, 0.95, 12.706204736174705}, {1, 0.99, 63.656741162871581},
		{2, 0.5, 0.81649658092772603}, {2, 0.95, 4.3026527297494639}, {2, 0.99, 9.9248432009182931},
		{4.5, 0.5, 0.7328666862359945}, {4.5, 0.95, 2.6589123472044038}, {4.5, 0.99, 4.272823993011293},
	}
	for _, c := range small {
		assertClose(t, fmt.Sprintf("t(%v, %v)", c.level, c.df), studentsTQuantile(c.level, c.df), c.want, 1e-10)
	}
}
