package survey

import (
	"math"
	"testing"
)

func TestFormatDecimal(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		d    int
		want string
	}{
		{3.4125, 3, "3,413"},
		{3.6, 2, "3,60"},
		{1234567.891, 2, "1.234.567,89"},
		{-0.0001, 2, "0,00"},
		{-12.5, 1, "-12,5"},
		{384, 0, "384"},
		{math.NaN(), 2, "–"},
		{math.Inf(1), 2, "–"},
	} {
		if got := FormatDecimal(tc.x, tc.d); got != tc.want {
			t.Errorf("FormatDecimal(%v, %d) = %q, want %q", tc.x, tc.d, got, tc.want)
		}
	}
}
