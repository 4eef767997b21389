package stats

import (
	"math"
	"math/bits"
)

// int128 is a signed 128-bit integer in two's complement. The Accumulator's
// co-moments n·Σxy − Σx·Σy are formed in it so that they are exact: a
// variance computed this way can be zero but never negative.
type int128 struct {
	hi int64
	lo uint64
}

// mulNonNeg returns a·b for non-negative a and b.
func mulNonNeg(a, b int64) int128 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return int128{hi: int64(hi), lo: lo}
}

func (x int128) add(y int128) int128 {
	lo, carry := bits.Add64(x.lo, y.lo, 0)
	return int128{hi: x.hi + y.hi + int64(carry), lo: lo}
}

func (x int128) sub(y int128) int128 {
	lo, borrow := bits.Sub64(x.lo, y.lo, 0)
	return int128{hi: x.hi - y.hi - int64(borrow), lo: lo}
}

func (x int128) sign() int {
	switch {
	case x.hi < 0:
		return -1
	case x.hi == 0 && x.lo == 0:
		return 0
	}
	return 1
}

// neg returns −x.
func (x int128) neg() int128 {
	return int128{}.sub(x)
}

// float returns x correctly rounded to the nearest float64 (ties to even).
//
// A negative x is converted through its magnitude: its two halves as two
// floats would lose every bit below 2¹¹ when hi = −1 (float64(lo) rounds
// lo ≈ 2⁶⁴ − |x| to 2⁶⁴, and adding −2⁶⁴ cancels it to 0), which turned
// every small negative co-moment into 0. The magnitude is normalised to its
// top 64 bits with a sticky bit for the bits below them, so the one
// rounding of uint64 → float64 is the rounding of the exact value.
func (x int128) float() float64 {
	if x.hi < 0 {
		return -x.neg().ufloat()
	}
	return x.ufloat()
}

// ufloat converts x read as an unsigned 128-bit magnitude (for x = −2¹²⁷
// that is 2¹²⁷, which neg leaves unchanged).
func (x int128) ufloat() float64 {
	hi := uint64(x.hi)
	if hi == 0 {
		return float64(x.lo)
	}
	// shift ∈ [1, 64] bits of lo drop out; Go's shifts by 64 give 0.
	shift := 64 - bits.LeadingZeros64(hi)
	top := hi<<(64-shift) | x.lo>>shift
	if x.lo<<(64-shift) != 0 {
		top |= 1 // sticky: float64 rounds at bit 10 of top, far above bit 0
	}
	return math.Ldexp(float64(top), shift)
}
