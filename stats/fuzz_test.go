package stats

import (
	"bytes"
	"math"
	"testing"
)

// checkSummary fails if any statistic of a leaks a NaN or Inf or breaks its
// range: lo ≤ estimate ≤ hi, α ≤ 1, −1 ≤ r ≤ 1, undefined results with a
// reason.
func checkSummary(t *testing.T, a *Accumulator) {
	t.Helper()
	for _, pop := range []int64{0, a.N(), a.N() + 1, 2 * a.N()} {
		for _, level := range []float64{0.5, 0.95, 0.999} {
			for _, m := range []IntervalMethod{StudentT, WilsonEffective} {
				spec := IntervalSpec{Method: m, Level: level, Population: pop, Min: 0, Max: MaxScore}
				for i := range a.Items() {
					checkBounded(t, "ItemEstimate", a.ItemEstimate(i, spec), spec)
				}
				e := a.SectionEstimate(spec)
				checkBounded(t, "SectionEstimate", e, spec)
				if pop == a.N() && e.Defined && e.Lo != e.Hi {
					t.Fatalf("census interval not zero width: %+v", e)
				}
				for _, rule := range []Conversion{Proportional, EndpointLinear} {
					checkEstimate(t, "ConvertEstimate", ConvertEstimate(e, 6, rule))
				}
			}
		}
	}
	r := a.Alpha(0)
	if !finite(r.Alpha) || r.Alpha > 1 || r.Defined == (r.Reason != "") || r.Defined != (r.Cause == Computed) {
		t.Fatalf("Alpha = %+v", r)
	}
	for _, v := range a.ItemValidity(0) {
		if !finite(v.R, v.Critical) || v.R < -1 || v.R > 1 || v.Defined == (v.Reason != "") || v.Defined != (v.Cause == Computed) || (v.Valid && !v.Defined) {
			t.Fatalf("ItemValidity = %+v", v)
		}
	}
	if a.N() > 0 {
		IKM(a.ItemMeans())
	}
}

// FuzzAccumulatorUnmarshal feeds arbitrary bytes to UnmarshalBinary: it must
// return an error or an Accumulator whose statistics are all in range and
// whose encoding decodes to the same Accumulator. It never panics.
func FuzzAccumulatorUnmarshal(f *testing.F) {
	for _, rows := range [][][]int{handRows, spakRows, {{0, MaxScore}, {MaxScore, 0}}, {{6, 6}, {6, 6}}} {
		p, _ := accumulate(f, rows).MarshalBinary()
		f.Add(p)
	}
	empty, _ := NewAccumulator(13).MarshalBinary()
	f.Add(empty)
	f.Add([]byte{1, 3, 5, 16, 16, 17, 54, 53, 56, 54, 56, 61, 0})
	f.Add([]byte{1, 0x81, 0x01})
	f.Fuzz(func(t *testing.T, p []byte) {
		a := NewAccumulator(2)
		if err := a.UnmarshalBinary(p); err != nil {
			if a.Items() != 2 || a.N() != 0 {
				t.Fatal("failed UnmarshalBinary changed the accumulator")
			}
			return
		}
		q, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		b := NewAccumulator(1)
		if err := b.UnmarshalBinary(q); err != nil {
			t.Fatalf("re-encoding rejected: %v", err)
		}
		if r, _ := b.MarshalBinary(); !bytes.Equal(q, r) {
			t.Fatal("encoding not stable")
		}
		checkSummary(t, a)
	})
}

// FuzzAccumulate reads responses from arbitrary bytes and checks every
// statistic, and that two halves merged equal the whole.
func FuzzAccumulate(f *testing.F) {
	f.Add([]byte{4, 5, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6})
	f.Add([]byte{12, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add(bytes.Repeat([]byte{5}, 200))
	f.Fuzz(func(t *testing.T, p []byte) {
		if len(p) < 3 {
			return
		}
		k := 1 + int(p[0])%13
		scale := 2 + int(p[1])%9
		body := p[2:]
		whole, head, tail := NewAccumulator(k), NewAccumulator(k), NewAccumulator(k)
		scores := make([]int, k)
		var flat []float64
		for r := 0; (r+1)*k <= len(body); r++ {
			sum := 0
			for j := range scores {
				scores[j] = 1 + int(body[r*k+j])%scale
				sum += scores[j]
			}
			flat = append(flat, float64(sum)/float64(k))
			whole.Add(scores)
			if r%2 == 0 {
				head.Add(scores)
			} else {
				tail.Add(scores)
			}
		}
		head.Merge(tail)
		wb, _ := whole.MarshalBinary()
		hb, _ := head.MarshalBinary()
		if !bytes.Equal(wb, hb) {
			t.Fatal("merged halves differ from the whole")
		}
		checkSummary(t, whole)
		// The section estimate equals MeanCI of the per-respondent means.
		e, want := whole.SectionEstimate(t95(0)), MeanCI(flat, 0.95, 0)
		if e.Defined != want.Defined || !close(e.Mean, want.Mean, 1e-12) || !close(e.Hi, want.Hi, 1e-9) {
			t.Fatalf("SectionEstimate %+v, MeanCI %+v", e, want)
		}
	})
}

// FuzzIntervals checks Wilson, MeanCI and Welch on arbitrary valid inputs.
func FuzzIntervals(f *testing.F) {
	f.Add(int64(9), int64(240), 0.95, 4.6, 0.9, 4.8, 0.7)
	f.Add(int64(0), int64(1), 0.5, 1.0, 0.0, 1.0, 0.0)
	f.Add(int64(10), int64(10), 0.999999, 6.0, 1e-9, 1.0, 1e9)
	f.Fuzz(func(t *testing.T, x, n int64, level, m1, s1, m2, s2 float64) {
		if n < 0 || x < 0 || x > n || !(level > 0 && level < 1) || !finite(m1, s1, m2, s2) ||
			s1 < 0 || s2 < 0 || math.Abs(m1) > 1e6 || math.Abs(m2) > 1e6 || s1 > 1e6 || s2 > 1e6 {
			return
		}
		w := Wilson(x, n, level)
		checkEstimate(t, "Wilson", w)
		if w.Lo < 0 || w.Hi > 1 {
			t.Fatalf("Wilson outside [0, 1]: %+v", w)
		}
		a := tInterval(n, m1, s1, level, 0)
		checkEstimate(t, "tInterval", a)
		b := tInterval(x, m2, s2, level, n)
		checkEstimate(t, "tInterval FPC", b)
		r := Welch(a, b)
		if !finite(r.Diff, r.Lo, r.Hi, r.T, r.DF, r.P) || r.Lo > r.Diff || r.Diff > r.Hi || r.P < 0 || r.P > 1 {
			t.Fatalf("Welch = %+v", r)
		}

		// The default interval on a 1–6 scale, from any mean on it and any
		// spread a 1–6 score can have (at most 2.5·√(n/(n−1))).
		if mean := 1 + math.Mod(math.Abs(m1), 5); n >= 1 {
			sd := math.Min(s1, 2.5*math.Sqrt(float64(n)/math.Max(1, float64(n-1))))
			for _, pop := range []int64{0, n, n + x} {
				spec := IntervalSpec{Method: WilsonEffective, Level: level, Population: pop, Min: 1, Max: 6}
				checkBounded(t, "MomentEstimate", MomentEstimate(n, mean, sd, spec), spec)
			}
		}
	})
}
