package stats

import (
	"math/big"
	"testing"
)

// Hand calculations: scores of three respondents on two items,
// (6,5), (5,4), (6,6): item sums 17 and 15, n = 3, so NRR 17/3 and 5;
// the section index is (17 + 15) / (2·3) = 16/3; proportional on 1–6:
// 16/3 · 4/6 = 32/9; endpoint-linear: 1 + (16/3 − 1)·3/5 = 18/5; the LKE
// score of 32/9 is 32/9 / 4 · 35/2 = 140/9.
func TestExactMeans(t *testing.T) {
	a := NewAccumulator(2)
	for _, s := range [][]int{{6, 5}, {5, 4}, {6, 6}} {
		a.Add(s)
	}
	cases := []struct {
		name      string
		got, want *big.Rat
	}{
		{"item 0", a.ItemMeanRat(0), big.NewRat(17, 3)},
		{"item 1", a.ItemMeanRat(1), big.NewRat(5, 1)},
		{"section", a.SectionMeanRat(), big.NewRat(16, 3)},
		{"proportional", ConvertRat(a.SectionMeanRat(), 6, Proportional), big.NewRat(32, 9)},
		{"endpoint-linear", ConvertRat(a.SectionMeanRat(), 6, EndpointLinear), big.NewRat(18, 5)},
		{"lke", LKEScoreRat(big.NewRat(32, 9), big.NewRat(35, 2)), big.NewRat(140, 9)},
		{"lke capped", LKEScoreRat(big.NewRat(9, 2), big.NewRat(35, 2)), big.NewRat(35, 2)},
	}
	for _, c := range cases {
		if c.got == nil || c.got.Cmp(c.want) != 0 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if NewAccumulator(3).SectionMeanRat() != nil || NewAccumulator(3).ItemMeanRat(0) != nil || ConvertRat(nil, 6, Proportional) != nil {
		t.Error("an empty accumulator has no exact mean")
	}
}
