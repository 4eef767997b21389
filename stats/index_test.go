package stats

import "testing"

func TestParseConversion(t *testing.T) {
	cases := []struct {
		in   string
		want Conversion
		ok   bool
	}{
		{"", Proportional, true},
		{"proportional", Proportional, true},
		{"endpoint-linear", EndpointLinear, true},
		{"Proportional", "", false},
		{"linear", "", false},
	}
	for _, c := range cases {
		got, err := ParseConversion(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParseConversion(%q) = %q, %v", c.in, got, err)
		}
	}
}

func TestConvert(t *testing.T) {
	cases := []struct {
		x     float64
		scale int
		rule  Conversion
		want  float64 // by hand
	}{
		{6, 6, Proportional, 4},                    // 6/6·4
		{4.83, 6, Proportional, 3.22},              // 4.83/6·4
		{4.83, 6, "", 3.22},                        // zero value is Proportional
		{1, 6, Proportional, 4.0 / 6},              // 1/6·4 = 0.6667
		{4.83, 6, EndpointLinear, 3.298},           // 1 + 3.83·3/5
		{1, 6, EndpointLinear, 1},                  // 1 + 0
		{6, 6, EndpointLinear, 4},                  // 1 + 5·3/5
		{3.1, 4, Proportional, 3.1},                // identity on 1–4
		{3.1, 4, EndpointLinear, 3.1},              // 1 + 2.1·3/3
		{7.5, 10, Proportional, 3},                 // 7.5/10·4
		{7.5, 10, EndpointLinear, 1 + 6.5*3.0/9.0}, // 3.1667
	}
	for _, c := range cases {
		assertClose(t, string(c.rule), Convert(c.x, c.scale, c.rule), c.want, 1e-12)
	}
	mustPanic(t, "scale 1", func() { Convert(1, 1, Proportional) })
	mustPanic(t, "unknown rule", func() { Convert(1, 6, "log") })
}

func TestConvertEstimate(t *testing.T) {
	e := Estimate{N: 20, Mean: 4.83, SD: 1.2, Lo: 4.3, Hi: 5.36, Level: 0.95, Defined: true}
	p := ConvertEstimate(e, 6, Proportional)
	// By hand: ×4/6: 3.22, SD 0.8, [2.866667, 3.573333].
	assertClose(t, "Mean", p.Mean, 3.22, 1e-12)
	assertClose(t, "SD", p.SD, 0.8, 1e-12)
	assertClose(t, "Lo", p.Lo, 4.3*4/6, 1e-12)
	assertClose(t, "Hi", p.Hi, 5.36*4/6, 1e-12)
	if p.N != 20 || p.Level != 0.95 || !p.Defined {
		t.Errorf("ConvertEstimate lost fields: %+v", p)
	}
	l := ConvertEstimate(e, 6, EndpointLinear)
	// By hand: 1 + (x−1)·0.6: 3.298, SD 0.72, [2.98, 3.616].
	assertClose(t, "EL Mean", l.Mean, 3.298, 1e-12)
	assertClose(t, "EL SD", l.SD, 0.72, 1e-12)
	assertClose(t, "EL Lo", l.Lo, 2.98, 1e-12)
	assertClose(t, "EL Hi", l.Hi, 3.616, 1e-12)
}

func TestLKEScore(t *testing.T) {
	cases := []struct{ index, weight, want float64 }{
		{3.6, DefaultLKEWeight, 15.75}, // 3.6/4·17.5
		{4, DefaultLKEWeight, 17.5},
		{4.2, DefaultLKEWeight, 17.5}, // capped at 4
		{3.2, 10, 8},
	}
	for _, c := range cases {
		assertClose(t, "LKEScore", LKEScore(c.index, c.weight), c.want, 1e-12)
	}
}

func TestPredicates(t *testing.T) {
	table := DefaultPredicates()
	// PermenPANRB 14/2017 bands divided by 25: 88.31/25 = 3.5324,
	// 76.61/25 = 3.0644, 65.00/25 = 2.60.
	want := []Predicate{{3.5324, "A", "Sangat baik"}, {3.0644, "B", "Baik"}, {2.60, "C", "Kurang baik"}, {0, "D", "Tidak baik"}}
	for i, p := range table {
		if p.Grade != want[i].Grade || p.Label != want[i].Label {
			t.Errorf("row %d = %+v, want %+v", i, p, want[i])
		}
		assertClose(t, "Min", p.Min, want[i].Min, 1e-15)
	}
	cases := []struct {
		index float64
		grade string
	}{{4, "A"}, {3.6, "A"}, {3.5324, "A"}, {3.53, "B"}, {3.0644, "B"}, {3.06, "C"}, {2.6, "C"}, {2.59, "D"}, {0.67, "D"}}
	for _, c := range cases {
		if got := PredicateFor(c.index, table); got.Grade != c.grade {
			t.Errorf("PredicateFor(%v) = %+v, want %s", c.index, got, c.grade)
		}
	}
	// Unsorted custom table, a value below every row.
	custom := []Predicate{{2, "lulus", "Lulus"}, {3.6, "wbk", "Memenuhi WBK"}}
	if got := PredicateFor(3.7, custom); got.Grade != "wbk" {
		t.Errorf("PredicateFor unsorted = %+v", got)
	}
	if got := PredicateFor(1, custom); got != (Predicate{}) {
		t.Errorf("PredicateFor below table = %+v, want zero", got)
	}
	table[0].Grade = "X"
	if DefaultPredicates()[0].Grade != "A" {
		t.Error("DefaultPredicates shares its slice")
	}
}

func TestIKM(t *testing.T) {
	cases := []struct {
		name      string
		nrr       []float64
		raw, conv float64
		grade     string
	}{
		// All 4: 4 × 25 = 100, A. With 0.11 weights it would be 99.
		{"maximum", []float64{4, 4, 4, 4, 4, 4, 4, 4, 4}, 4, 100, "A"},
		// Nine NRR of 3.54: exact mean 3.54, ×25 = 88.50 ≥ 88.31: A. The
		// 0.11-weight mistake gives 9 · 3.54 · 0.11 = 3.5046, ×25 = 87.615,
		// rounded 87.62: B. TestIKMWrongWeight checks that the grade differs.
		{"0.11 case", []float64{3.54, 3.54, 3.54, 3.54, 3.54, 3.54, 3.54, 3.54, 3.54}, 3.54, 88.5, "A"},
		// Σ = 3.2+3.1+2.9+3.4+3.0+3.3+3.1+2.8+3.2 = 28.0; /9 = 3.111111;
		// ×25 = 77.777778 → 77.78: B.
		{"worked", []float64{3.2, 3.1, 2.9, 3.4, 3.0, 3.3, 3.1, 2.8, 3.2}, 28.0 / 9, 28.0 / 9 * 25, "B"},
		// Band edges on the value rounded to 2 decimals: 88.305 → 88.31 A;
		// 88.3049 → 88.30 B; 76.605 → 76.61 B; 64.995 → 65.00 C; 64.994 D.
		{"A edge", []float64{88.305 / 25}, 3.5322, 88.305, "A"},
		{"B below A", []float64{88.3049 / 25}, 3.532196, 88.3049, "B"},
		{"B edge", []float64{76.605 / 25}, 3.0642, 76.605, "B"},
		{"C edge", []float64{64.995 / 25}, 2.5998, 64.995, "C"},
		{"D", []float64{64.994 / 25}, 2.59976, 64.994, "D"},
		{"minimum", []float64{1, 1}, 1, 25, "D"},
	}
	labels := map[string]string{"A": "Sangat baik", "B": "Baik", "C": "Kurang baik", "D": "Tidak baik"}
	for _, c := range cases {
		r := IKM(c.nrr)
		assertClose(t, c.name+" raw", r.Raw, c.raw, 1e-12)
		assertClose(t, c.name+" converted", r.Converted, c.conv, 1e-12)
		if r.Grade != c.grade || r.Label != labels[c.grade] {
			t.Errorf("%s: grade %s %s, want %s", c.name, r.Grade, r.Label, c.grade)
		}
	}
	mustPanic(t, "IKM(nil)", func() { IKM(nil) })
}

// TestIKMWrongWeight shows the mistake the exact weight avoids: with the
// weight rounded to 0.11 the same nine NRR of 3.54 would be graded B.
func TestIKMWrongWeight(t *testing.T) {
	nrr := []float64{3.54, 3.54, 3.54, 3.54, 3.54, 3.54, 3.54, 3.54, 3.54}
	var wrong float64
	for _, v := range nrr {
		wrong += v * 0.11
	}
	// 9 · 3.54 · 0.11 · 25 = 87.615: the IKM rule on it must give B.
	wrongResult := IKM([]float64{wrong})
	assertClose(t, "0.11 converted", wrongResult.Converted, 87.615, 1e-12)
	if got := IKM(nrr).Grade; got != "A" || wrongResult.Grade != "B" {
		t.Errorf("exact grade %s, 0.11 grade %s; want A and B", got, wrongResult.Grade)
	}
}
