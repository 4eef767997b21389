package survey

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFormatDecimal(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		d    int
		want string
	}{
		{3.4125, 3, "3,413"}, // 3.4125 = 273/80 is not dyadic; its float64 is 3.41250000000000008882 > the tie
		{3.6, 2, "3,60"},
		{1234567.891, 2, "1.234.567,89"},
		{-0.0001, 2, "0,00"},
		{-12.5, 1, "-12,5"},
		{0.125, 2, "0,13"},   // an exact binary tie goes away from zero (strconv gives 0,12)
		{-0.125, 2, "-0,13"}, // and so does a negative one
		{2.5, 0, "3"},
		{384, 0, "384"},
		{0.5, 0, "1"},
		{999.9996, 3, "1.000,000"},
		{math.NaN(), 2, "–"},
		{math.Inf(1), 2, "–"},
	} {
		if got := FormatDecimal(tc.x, tc.d); got != tc.want {
			t.Errorf("FormatDecimal(%v, %d) = %q, want %q", tc.x, tc.d, got, tc.want)
		}
	}
}

// TestFormatRatTies: exact ratios round ties half up on their exact value,
// where their float64 neighbours fall on either side. 251/80 = 3.1375
// exactly.
func TestFormatRatTies(t *testing.T) {
	for _, tc := range []struct {
		r    *big.Rat
		d    int
		want string
	}{
		{big.NewRat(251, 80), 3, "3,138"},
		{big.NewRat(-251, 80), 3, "-3,138"},
		{big.NewRat(1, 3), 3, "0,333"},
		{big.NewRat(2, 3), 3, "0,667"},
		{big.NewRat(7, 8), 2, "0,88"},       // 0.875
		{big.NewRat(140, 9), 2, "15,56"},    // 15.5555…
		{big.NewRat(35, 2), 2, "17,50"},     // LKE maximum
		{big.NewRat(8831, 100), 2, "88,31"}, // SKM band edge
		{big.NewRat(12345678, 1), 0, "12.345.678"},
		{nil, 3, "–"},
	} {
		if got := FormatRat(tc.r, tc.d); got != tc.want {
			t.Errorf("FormatRat(%v, %d) = %q, want %q", tc.r, tc.d, got, tc.want)
		}
	}
	// A mean computed in floating point can land on either side of the tie
	// (the float64 nearest 251/80 is 3.137500000000000177…, its neighbour
	// below 3.137499999999999733…): only the exact ratio decides.
	if got := FormatDecimal(math.Nextafter(251.0/80, 0), 3); got != "3,137" {
		t.Errorf("a float64 below the tie: got %q", got)
	}
}

// TestFormatBoundsOutward: the example of issue 9 item 4, the interval
// [3.599827; 3.760173] beside "batas 3,60: Belum pasti", prints as
// "3,599 – 3,761", never "3,600 – 3,760".
func TestFormatBoundsOutward(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		d      int
		want   string
	}{
		{3.599827, 3.760173, 3, "3,599 – 3,761"},
		{3.6, 3.7, 2, "3,60 – 3,70"}, // on the grid (as floats: 3.6 is 3.59999…, so 3,59; see below)
		{-0.0004, 0.0004, 3, "-0,001 – 0,001"},
		{2, 2, 3, "2,000 – 2,000"},
	} {
		got := FormatInterval(tc.lo, tc.hi, tc.d)
		if tc.lo == 3.6 {
			// 3.6 and 3.7 are not exact in binary: 3.6 is 3.600000000000000088…
			// (above: floor gives 3,60) and 3.7 is 3.70000000000000017763…
			// (above: ceiling gives 3,71).
			tc.want = "3,60 – 3,71"
		}
		if got != tc.want {
			t.Errorf("FormatInterval(%v, %v, %d) = %q, want %q", tc.lo, tc.hi, tc.d, got, tc.want)
		}
	}
	if got := FormatPercentInterval(0.0312345, 0.1254321, 1); got != "3,1% – 12,6%" {
		t.Errorf("percent interval %q", got)
	}
	if got, want := FormatShare(1, 8, 1), "12,5%"; got != want {
		t.Errorf("FormatShare(1, 8) = %q, want %q", got, want)
	}
	if got := FormatShare(0, 0, 1); got != "–" {
		t.Errorf("a share of nothing is undefined, got %q", got)
	}
}

// parsePrinted reads a number printed by formatRat back as an exact ratio.
func parsePrinted(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", "."))
	if !ok {
		t.Fatalf("cannot read back %q", s)
	}
	return r
}

// TestPrintedIntervalEnclosesComputed is the property of issue 9 item 4:
// for any bounds lo ≤ hi and any number of decimals, the printed interval
// read back exactly contains [lo, hi], and each printed bound is within one
// unit of the last decimal of the computed one.
func TestPrintedIntervalEnclosesComputed(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 4))
	for i := range 20000 {
		var lo, hi float64
		switch i % 4 {
		case 0: // 4-point indices
			lo, hi = 1+3*rng.Float64(), 1+3*rng.Float64()
		case 1: // on or next to a printed grid value
			g := float64(rng.IntN(4000)) / 1000
			lo, hi = math.Nextafter(g, -1), math.Nextafter(g, 5)
		case 2: // correlations and α, negative included
			lo, hi = -50+100*rng.Float64(), -1+2*rng.Float64()
		default: // wide values with thousands separators
			lo, hi = rng.NormFloat64()*1e6, rng.NormFloat64()*1e6
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		d := rng.IntN(5)
		parts := strings.Split(FormatInterval(lo, hi, d), " – ")
		plo, phi := parsePrinted(t, parts[0]), parsePrinted(t, parts[1])
		elo, ehi := new(big.Rat).SetFloat64(lo), new(big.Rat).SetFloat64(hi)
		ulp := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil))
		if plo.Cmp(elo) > 0 || phi.Cmp(ehi) < 0 {
			t.Fatalf("[%v, %v] at %d decimals printed as %q: does not enclose", lo, hi, d, parts)
		}
		if new(big.Rat).Sub(elo, plo).Cmp(ulp) >= 0 || new(big.Rat).Sub(phi, ehi).Cmp(ulp) >= 0 {
			t.Fatalf("[%v, %v] at %d decimals printed as %q: widened by a unit or more", lo, hi, d, parts)
		}
	}
}
