package stats

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigOf returns x as a math/big integer, built from its two's-complement
// halves independently of int128's own arithmetic: hi·2⁶⁴ + lo.
func bigOf(x int128) *big.Int {
	v := new(big.Int).Lsh(big.NewInt(x.hi), 64)
	return v.Add(v, new(big.Int).SetUint64(x.lo))
}

// TestInt128Float checks float against math/big's correctly rounded
// conversion (big.Float.SetInt with 53 bits, round to nearest even), for
// negative values in particular: the halves-as-two-floats conversion turned
// every negative value above −2¹¹ into 0.
func TestInt128Float(t *testing.T) {
	cases := []int128{
		{hi: -1, lo: math.MaxUint64 - 23}, // −24, the 3-respondent co-moment of the issue
		{hi: -1, lo: math.MaxUint64},      // −1
		{hi: -1, lo: 0},                   // −2⁶⁴
		{hi: math.MinInt64, lo: 0},        // −2¹²⁷
		{hi: math.MaxInt64, lo: math.MaxUint64},
		{hi: 0, lo: math.MaxUint64},
		{hi: 1, lo: 1 << 11},        // tie at 2⁶⁴ + 2¹¹: rounds to even, down
		{hi: 1, lo: 3 << 11},        // tie at 2⁶⁴ + 3·2¹¹: rounds to even, up
		{hi: 1, lo: 1<<11 | 1},      // just above the tie: up
		{hi: -2, lo: 1<<64 - 1<<11}, // −(2⁶⁴ + 2¹¹), the negative tie
		{hi: 0, lo: 0},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		x := int128{hi: int64(rng.Uint64()), lo: rng.Uint64()}
		// Also small magnitudes of both signs, where the old bug lived.
		cases = append(cases, x, int128{hi: x.hi >> rng.IntN(64), lo: x.lo})
	}
	for _, x := range cases {
		want, _ := new(big.Float).SetPrec(53).SetMode(big.ToNearestEven).SetInt(bigOf(x)).Float64()
		if got := x.float(); got != want {
			t.Errorf("int128{%d, %#x}.float() = %g, want %g", x.hi, x.lo, got, want)
		}
	}
}

// TestInt128Neg checks neg against math/big.
func TestInt128Neg(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		x := int128{hi: int64(rng.Uint64()) >> rng.IntN(64), lo: rng.Uint64()}
		want := new(big.Int).Neg(bigOf(x))
		if x.hi == math.MinInt64 && x.lo == 0 {
			continue // −(−2¹²⁷) does not fit; ufloat reads it as 2¹²⁷
		}
		if got := bigOf(x.neg()); got.Cmp(want) != 0 {
			t.Errorf("neg(%v) = %v, want %v", bigOf(x), got, want)
		}
	}
}
