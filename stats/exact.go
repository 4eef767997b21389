package stats

import "math/big"

// Exact values. A mean of integer scores is a ratio of integers, and so is
// every conversion of it; printed at 3 decimals, such a ratio can sit
// exactly on a rounding tie (251/80 = 3.1375) that its float64 neighbour
// misses. These functions return the exact ratios, for printing.

// ItemMeanRat returns the NRR of item i exactly, Σxᵢ/n, or nil when the
// Accumulator is empty. It panics if i is out of range.
func (a *Accumulator) ItemMeanRat(i int) *big.Rat {
	a.checkItem(i)
	if a.n == 0 {
		return nil
	}
	return big.NewRat(a.sum[i], a.n)
}

// SectionMeanRat returns the section index exactly: the unweighted mean of
// the item means, ΣᵢΣxᵢ / (k·n), or nil when the Accumulator is empty.
func (a *Accumulator) SectionMeanRat() *big.Rat {
	if a.n == 0 {
		return nil
	}
	total := new(big.Int)
	for _, s := range a.sum {
		total.Add(total, big.NewInt(s))
	}
	den := new(big.Int).Mul(big.NewInt(int64(a.k)), big.NewInt(a.n))
	return new(big.Rat).SetFrac(total, den)
}

// ConvertRat returns Convert(x, scaleMax, rule) exactly: x·4/scaleMax
// (Proportional) or 1 + (x−1)·3/(scaleMax−1) (EndpointLinear); nil for a
// nil x. It panics like Convert.
func ConvertRat(x *big.Rat, scaleMax int, rule Conversion) *big.Rat {
	affine(scaleMax, rule) // validates
	if x == nil {
		return nil
	}
	m := int64(scaleMax)
	if rule == EndpointLinear {
		r := new(big.Rat).Sub(x, big.NewRat(1, 1))
		r.Mul(r, big.NewRat(3, m-1))
		return r.Add(r, big.NewRat(1, 1))
	}
	return new(big.Rat).Mul(x, big.NewRat(4, m))
}

// LKEScoreRat returns LKEScore(index4, weight) exactly for an exact index
// and a weight given as a ratio (17.5 = 35/2); nil for a nil index.
func LKEScoreRat(index4, weight *big.Rat) *big.Rat {
	if index4 == nil {
		return nil
	}
	x := new(big.Rat).Set(index4)
	if four := big.NewRat(4, 1); x.Cmp(four) > 0 {
		x = four
	}
	x.Quo(x, big.NewRat(4, 1))
	return x.Mul(x, weight)
}
