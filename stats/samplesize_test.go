package stats

import "testing"

// krejcieMorganTable is Table 1 of Krejcie & Morgan (1970), "Determining
// sample size for research activities", Educational and Psychological
// Measurement 30, 607–610: population N → sample S.
var krejcieMorganTable = map[int64]int64{
	10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48,
	60: 52, 65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86,
	120: 92, 130: 97, 140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127, 200: 132,
	210: 136, 220: 140, 230: 144, 240: 148, 250: 152, 260: 155, 270: 159, 280: 162, 290: 165,
	300: 169, 320: 175, 340: 181, 360: 186, 380: 191, 400: 196, 420: 201, 440: 205, 460: 210,
	480: 214, 500: 217, 550: 226, 600: 234, 650: 242, 700: 248, 750: 254, 800: 260, 850: 265,
	900: 269, 950: 274, 1000: 278, 1100: 285, 1200: 291, 1300: 297, 1400: 302, 1500: 306,
	1600: 310, 1700: 313, 1800: 317, 1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335,
	2800: 338, 3000: 341, 3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364,
	8000: 367, 9000: 368, 10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380,
	50000: 381, 75000: 382, 1000000: 384,
}

func TestKrejcieMorgan(t *testing.T) {
	for n, want := range krejcieMorganTable {
		if got := KrejcieMorgan(n); got != want {
			t.Errorf("KrejcieMorgan(%d) = %d, want %d", n, got, want)
		}
	}
	// The limit χ²P(1−P)/d² = 3.841·0.25/0.0025 = 384.1.
	if got := KrejcieMorgan(1 << 40); got != 384 {
		t.Errorf("KrejcieMorgan(2⁴⁰) = %d, want 384", got)
	}
	for _, n := range []int64{0, -5} {
		if got := KrejcieMorgan(n); got != 0 {
			t.Errorf("KrejcieMorgan(%d) = %d, want 0", n, got)
		}
	}
	// Never more than the population.
	for n := int64(1); n <= 2000; n++ {
		if s := KrejcieMorgan(n); s > n || s < 1 {
			t.Fatalf("KrejcieMorgan(%d) = %d", n, s)
		}
	}
}

func TestSlovin(t *testing.T) {
	cases := []struct {
		n    int64
		e    float64
		want int64
	}{
		{1000, 0.05, 286}, // 1000/3.5 = 285.71, up
		{400, 0.05, 200},  // 400/2 = 200 exactly
		{100, 0.1, 50},    // 100/2
		{10000, 0.05, 385},
		{0, 0.05, 0},
	}
	for _, c := range cases {
		if got := Slovin(c.n, c.e); got != c.want {
			t.Errorf("Slovin(%d, %v) = %d, want %d", c.n, c.e, got, c.want)
		}
	}
	mustPanic(t, "e = 0", func() { Slovin(100, 0) })
}
