package sim

import (
	"math/rand/v2"
	"slices"
)

// drawTable draws category indices with given probabilities by inversion
// with a guide table (Chen & Asau 1974; Devroye 1986, §III.2.4): the table
// points each of G equal slices of [0, 1) at the first category whose
// cumulative probability reaches it, so a draw walks a step or two.
type drawTable struct {
	cdf   []float64
	guide []int32
}

const guideSize = 256

func newDrawTable(p []float64) *drawTable {
	d := &drawTable{cdf: make([]float64, len(p)), guide: make([]int32, guideSize)}
	var acc float64
	for i, v := range p {
		acc += v
		d.cdf[i] = acc
	}
	d.cdf[len(p)-1] = 1 // rounding: every u < 1 finds a category
	for g := range d.guide {
		i, _ := slices.BinarySearch(d.cdf, float64(g)/guideSize)
		d.guide[g] = int32(i)
	}
	return d
}

func (d *drawTable) draw(rng *rand.Rand) int {
	u := rng.Float64()
	i := int(d.guide[int(u*guideSize)])
	for d.cdf[i] <= u {
		i++
	}
	return i
}
