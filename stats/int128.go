package stats

import "math/bits"

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

// float returns x rounded to a float64 (relative error below 2⁻⁵²).
func (x int128) float() float64 {
	return float64(x.hi)*0x1p64 + float64(x.lo)
}
