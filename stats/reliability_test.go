package stats

import (
	"math"
	"testing"
)

func TestAlpha(t *testing.T) {
	// handRows by hand: item variances 2.8/4 = 0.7, 2.8/4 = 0.7 and
	// 3.2/4 = 0.8 (sum 2.2); total variance 18.8/4 = 4.7 (see
	// TestSectionAndItemEstimate); α = 3/2 · (1 − 2.2/4.7) = 1.5 · 2.5/4.7 =
	// 0.797872340.
	r := accumulate(t, handRows).Alpha(0)
	if !r.Defined {
		t.Fatalf("Alpha undefined: %+v", r)
	}
	assertClose(t, "alpha hand", r.Alpha, 1.5*2.5/4.7, 1e-12)

	// spakRows, Python statistics: k/(k−1)·(1 − Σ variance(item)/variance(T))
	// = 0.9557213526883466.
	assertClose(t, "alpha spak", accumulate(t, spakRows).Alpha(0).Alpha, 0.9557213526883466, 1e-12)

	// Identical items: s²_T = k²·s² and Σs²ᵢ = k·s², α = k/(k−1)·(1 − 1/k) = 1
	// exactly.
	same := accumulate(t, [][]int{{1, 1, 1, 1}, {3, 3, 3, 3}, {6, 6, 6, 6}, {2, 2, 2, 2}})
	if r := same.Alpha(0); !r.Defined || r.Alpha != 1 {
		t.Errorf("alpha of identical items = %+v, want exactly 1", r)
	}

	// Two items perfectly opposed (x₂ = 7 − x₁): T = 7 for everyone, total
	// variance zero; α is undefined, not −Inf.
	opposed := accumulate(t, [][]int{{1, 6}, {6, 1}, {3, 4}})
	if r := opposed.Alpha(0); r.Defined || r.Reason != "tidak dapat dihitung (varians nol)" {
		t.Errorf("alpha of constant total = %+v", r)
	}
}

func TestAlphaUndefined(t *testing.T) {
	cases := []struct {
		name   string
		a      *Accumulator
		cause  Cause
		reason string
	}{
		{"one item", accumulate(t, [][]int{{1}, {2}, {3}}), TooFewItems, "butir kurang dari 2"},
		{"one respondent", accumulate(t, [][]int{{1, 2, 3}}), TooFewRespondents, "n = 1, minimum 2"},
		{"all at the top", accumulate(t, [][]int{{6, 6}, {6, 6}, {6, 6}}), ZeroVariance, "tidak dapat dihitung (varians nol)"},
	}
	for _, c := range cases {
		r := c.a.Alpha(0)
		if r.Defined || r.Cause != c.cause || r.Reason != c.reason || r.Alpha != 0 {
			t.Errorf("%s: %+v, want undefined with %q", c.name, r, c.reason)
		}
	}
}

func TestCriticalR(t *testing.T) {
	// Published table of critical values of Pearson's r, two-tailed
	// α = 0.05 (e.g. Fisher & Yates, Statistical Tables, Table VII; the "r
	// tabel" of Indonesian validity reports), three decimals.
	table := map[int64]float64{1: 0.997, 2: 0.950, 3: 0.878, 4: 0.811, 5: 0.754, 10: 0.576, 18: 0.444, 28: 0.361, 30: 0.349, 100: 0.195}
	for df, want := range table {
		assertClose(t, "CriticalR", CriticalR(df, 0.05), want, 6e-4)
	}
	mustPanic(t, "df 0", func() { CriticalR(0, 0.05) })
}

func TestItemValidity(t *testing.T) {
	// handRows, item 1 by hand: x₁ = 4, 3, 4, 2, 3 (deviations 0.8, −0.2,
	// 0.8, −1.2, −0.2; SS 2.8); rest R = x₂ + x₃ = 7, 5, 8, 5, 8 (mean 6.6,
	// deviations 0.4, −1.6, 1.4, −1.6, 1.4; SS 9.2); cross products 0.32 +
	// 0.32 + 1.12 + 1.92 − 0.28 = 3.4; r = 3.4/√(2.8·9.2) = 0.669894.
	// Python statistics.correlation gives 0.6698938453032357,
	// 0.6698938453032357, 0.5897678246195885. Critical r at df = 3: 0.878
	// (table), so no item is valid.
	v := accumulate(t, handRows).ItemValidity(0)
	for i, want := range []float64{0.6698938453032357, 0.6698938453032357, 0.5897678246195885} {
		if !v[i].Defined || v[i].Valid {
			t.Errorf("item %d: %+v, want defined, not valid", i+1, v[i])
		}
		assertClose(t, "r", v[i].R, want, 1e-12)
		assertClose(t, "critical", v[i].Critical, 0.878, 6e-4)
	}

	// spakRows, Python statistics.correlation of each item with the sum of
	// the others; critical r at df = 18 is 0.444 (table): all valid.
	v = accumulate(t, spakRows).ItemValidity(0)
	for i, want := range []float64{0.8179920425919244, 0.9167538515463638, 0.8522571040461145, 0.8933287508178527, 0.9134174192528376} {
		if !v[i].Defined || !v[i].Valid {
			t.Errorf("spak item %d: %+v, want valid", i+1, v[i])
		}
		assertClose(t, "spak r", v[i].R, want, 1e-12)
		assertClose(t, "spak critical", v[i].Critical, 0.444, 6e-4)
	}
}

func TestItemValidityUndefined(t *testing.T) {
	// Item 2 has zero variance; item 1 and 3 are defined (by hand: x₁ = 1,
	// 2, 3, rest = x₂ + x₃ = 6+1, 6+2, 6+3, r = 1; critical at df = 1 is
	// 0.997, so item 1 is valid).
	v := accumulate(t, [][]int{{1, 6, 1}, {2, 6, 2}, {3, 6, 3}}).ItemValidity(0)
	if v[1].Defined || v[1].Reason != "tidak dapat dihitung (varians nol)" || v[1].R != 0 || v[1].Valid {
		t.Errorf("zero-variance item: %+v", v[1])
	}
	if !v[0].Defined || v[0].R != 1 || !v[0].Valid {
		t.Errorf("item 1: %+v, want r = 1, valid", v[0])
	}
	assertClose(t, "critical df=1", v[1].Critical, 0.997, 6e-4)

	cases := []struct {
		name     string
		a        *Accumulator
		reason   string
		critical bool
	}{
		{"n = 2", accumulate(t, [][]int{{1, 2}, {2, 1}}), "n = 2, minimum 3", false},
		{"one item", accumulate(t, [][]int{{1}, {2}, {3}}), "butir kurang dari 2", true},
	}
	for _, c := range cases {
		for i, v := range c.a.ItemValidity(0) {
			if v.Defined || v.Reason != c.reason || v.Valid || math.IsNaN(v.R) || (v.Critical > 0) != c.critical {
				t.Errorf("%s item %d: %+v, want undefined with %q", c.name, i, v, c.reason)
			}
		}
	}
}

// opposedRows are the three SPAK respondents of issue 9, item 1: two answer
// in opposite directions, so α and most item–rest correlations are negative.
var opposedRows = [][]int{{6, 5, 4, 3, 2}, {2, 3, 4, 5, 6}, {4, 4, 4, 4, 5}}

// TestNegativeAlphaAndValidity checks negative results against a hand
// calculation (they were all shown as 0 when negative co-moments lost their
// low bits).
//
// Totals T = 20, 20, 21: mean 61/3, SS = 1/9 + 1/9 + 4/9 = 2/3, s²_T = 1/3.
// Item variances: x₁ = 6, 2, 4 → SS 8, s² 4; x₂ = 5, 3, 4 → 1; x₃ = 4, 4, 4
// → 0; x₄ = 3, 5, 4 → 1; x₅ = 2, 6, 5 → SS 26/3, s² 13/3; Σs²ᵢ = 31/3.
// α = 5/4 · (1 − (31/3)/(1/3)) = 5/4 · (−30) = −37.5.
//
// Item 1 against the rest R = 14, 18, 17 (mean 49/3, deviations −7/3, 5/3,
// 2/3, SS 26/3): cross products with x₁'s deviations 2, −2, 0 give −8, so
// r = −8/√(8 · 26/3) = −√(12/13) = −0.960769. Item 2 (deviations 1, −1, 0)
// against R = 15, 17, 17 (deviations −4/3, 2/3, 2/3, SS 8/3): cross −2,
// r = −2/√(2 · 8/3) = −√3/2 = −0.866025. Item 3 has no variance. Items 4
// and 5 mirror items 2 and 1 (same SS and cross products): −√3/2, −√(12/13).
// Critical r at df = 1 is 0.997 (Fisher & Yates, Table VII).
func TestNegativeAlphaAndValidity(t *testing.T) {
	a := accumulate(t, opposedRows)
	r := a.Alpha(3)
	if !r.Defined {
		t.Fatalf("Alpha undefined: %+v", r)
	}
	assertClose(t, "alpha", r.Alpha, -37.5, 1e-12)

	want := []float64{-math.Sqrt(12.0 / 13), -math.Sqrt(3) / 2, 0, -math.Sqrt(3) / 2, -math.Sqrt(12.0 / 13)}
	for i, v := range a.ItemValidity(3) {
		if i == 2 {
			if v.Defined || v.Reason != "tidak dapat dihitung (varians nol)" {
				t.Errorf("item 3: %+v, want undefined (zero variance)", v)
			}
			continue
		}
		if !v.Defined || v.Valid {
			t.Errorf("item %d: %+v, want defined, not valid", i+1, v)
		}
		assertClose(t, "r", v.R, want[i], 1e-12)
		assertClose(t, "critical", v.Critical, 0.997, 6e-4)
	}
}

// TestMinimumN checks the minimum number of respondents of Alpha and
// ItemValidity (issue 9: two respondents printed α = 0.980). By hand, the
// two rows (1, 1, 2) and (6, 6, 5): item variances 12.5, 12.5, 4.5 (sum
// 29.5), totals 4 and 17, variance 84.5; α = 3/2 · (1 − 29.5/84.5) =
// 0.976331. It is computed when the caller allows n = 2, and refused with
// the default minimum of 30.
func TestMinimumN(t *testing.T) {
	a := accumulate(t, [][]int{{1, 1, 2}, {6, 6, 5}})
	if r := a.Alpha(2); !r.Defined || !close(r.Alpha, 1.5*(1-29.5/84.5), 1e-12) {
		t.Errorf("Alpha(2) = %+v, want 0.976331", r)
	}
	r := a.Alpha(DefaultMinN)
	if r.Defined || r.Cause != TooFewRespondents || r.Reason != "n = 2, minimum 30" || r.MinN != 30 || r.Alpha != 0 {
		t.Errorf("Alpha(DefaultMinN) = %+v", r)
	}

	// spakRows has 20 respondents: below the default minimum, above 20.
	s := accumulate(t, spakRows)
	for _, v := range s.ItemValidity(DefaultMinN) {
		if v.Defined || v.Cause != TooFewRespondents || v.Reason != "n = 20, minimum 30" || v.Valid {
			t.Errorf("ItemValidity(30) on 20: %+v", v)
		}
		// The critical r is defined even when r is not (0.444 at df = 18).
		assertClose(t, "critical", v.Critical, 0.444, 6e-4)
	}
	for _, v := range s.ItemValidity(20) {
		if !v.Defined || v.Cause != Computed {
			t.Errorf("ItemValidity(20) on 20: %+v", v)
		}
	}
	// Zero variance leaves α and r undefined at any n: it is reported
	// before the minimum. Item 2 below has no variance; items 1 and 3 do.
	z := accumulate(t, [][]int{{1, 6, 1}, {2, 6, 2}, {3, 6, 3}, {6, 6, 6}})
	if r := accumulate(t, [][]int{{6, 6}, {6, 6}, {6, 6}}).Alpha(DefaultMinN); r.Cause != ZeroVariance {
		t.Errorf("Alpha(30) of constant rows = %+v, want ZeroVariance", r)
	}
	for i, want := range []Cause{TooFewRespondents, ZeroVariance, TooFewRespondents} {
		if v := z.ItemValidity(DefaultMinN)[i]; v.Cause != want || v.Defined {
			t.Errorf("ItemValidity(30) item %d = %+v, want %v", i+1, v, want)
		}
	}
	// Below the formula's floor the minimum is the floor.
	if v := accumulate(t, [][]int{{1, 2}, {2, 1}}).ItemValidity(-5)[0]; v.Reason != "n = 2, minimum 3" {
		t.Errorf("ItemValidity(−5) on 2: %+v", v)
	}
}
