package stats

import "math"

// DefaultMinN is the default minimum number of respondents for Alpha and
// ItemValidity: 30, the minimum Johanson & Brooks (2010, Educational and
// Psychological Measurement 70(3):394–400) recommend for a pilot study of a
// scale, and the "uji coba 30 responden" of Indonesian validity reports.
// Below it both statistics swing widely from sample to sample (Bonett
// 2002, J. Educational and Behavioral Statistics 27(4):335–340, gives
// intervals for α at such n): with 2 respondents α can print as 0.98. The
// caller may lower it, never below what the formula needs (2 for α, 3 for
// the test of r).
const DefaultMinN = 30

// Reliability is the internal-consistency reliability of a section.
type Reliability struct {
	Alpha float64 // Cronbach's α; at most 1, may be negative
	MinN  int64   // the minimum n that applied

	// Defined is false when α is not computed (fewer than 2 items, n below
	// the minimum, zero variance of the section total); Cause says why as
	// a value, Reason in words, and Alpha is 0.
	Defined bool
	Cause   Cause
	Reason  string
}

// Alpha returns Cronbach's α of the section (Cronbach 1951),
//
//	α = k/(k−1) · (1 − Σᵢ s²ᵢ / s²_T),
//
// where s²ᵢ is the sample variance of item i and s²_T that of the
// per-respondent total T. Common cut-offs are 0.6 and 0.7. The variances are
// taken from exact integer co-moments, so α is undefined, never NaN, when the
// total has zero variance (all respondents gave the same total, as happens
// when SPAK answers pile up at the top of the scale).
//
// α is computed only from minN respondents (DefaultMinN is the usual
// choice; a minN below 2 means 2, the least a variance needs): below it
// Cause is TooFewRespondents and Reason says "n = 2, minimum 30". Zero
// variance, which leaves α undefined at any n, is reported first.
func (a *Accumulator) Alpha(minN int64) Reliability {
	minN = max(minN, 2)
	switch {
	case a.k < 2:
		return Reliability{MinN: minN, Cause: TooFewItems, Reason: reasonOneItem}
	case a.n < 2:
		return Reliability{MinN: minN, Cause: TooFewRespondents, Reason: belowMinimum(a.n, 2)}
	}
	m := a.comoments()
	switch {
	case m.total.sign() <= 0:
		return Reliability{MinN: minN, Cause: ZeroVariance, Reason: reasonZeroVariance}
	case a.n < minN:
		return Reliability{MinN: minN, Cause: TooFewRespondents, Reason: belowMinimum(a.n, minN)}
	}
	var items int128
	for _, q := range m.diag {
		items = items.add(q)
	}
	k := float64(a.k)
	alpha := k / (k - 1) * m.total.sub(items).float() / m.total.float()
	// α ≤ 1 because s²_T ≤ k·Σs²ᵢ; only rounding could cross it.
	return Reliability{Alpha: math.Min(alpha, 1), MinN: minN, Defined: true}
}

// ItemValidity is the validity test of one item.
type ItemValidity struct {
	R        float64 // corrected item–total Pearson correlation
	Critical float64 // critical r at α = 0.05 two-tailed, df = n − 2
	Valid    bool    // R > Critical

	// Defined is false when R is not computed (fewer than 2 items, n below
	// the minimum, zero variance of the item or of the rest of the
	// section); Cause says why as a value, Reason in words, R is 0 and
	// Valid false. Critical is set whenever n ≥ 3, defined or not.
	Defined bool
	Cause   Cause
	Reason  string
}

// CriticalR returns the critical value of Pearson's r for a two-tailed test
// at significance level sig with df = n − 2 degrees of freedom,
//
//	r = t / √(df + t²),  t = t(1 − sig/2, df),
//
// the "r tabel" of validity reports (0.361 for n = 30 at sig = 0.05). It
// panics if df < 1 or sig is not in (0, 1).
func CriticalR(df int64, sig float64) float64 {
	if df < 1 {
		panic("stats: critical r needs df ≥ 1")
	}
	t := studentsTQuantile(1-sig, float64(df))
	return t / math.Sqrt(float64(df)+t*t)
}

// ItemValidity returns, for each item i, the corrected item–total
// correlation: Pearson's r between item i and the total of the other items
// R = T − xᵢ,
//
//	r = cov(xᵢ, R) / √(var xᵢ · var R),
//
// tested against the critical r at α = 0.05 two-tailed with df = n − 2
// (see CriticalR); an item is valid when r exceeds it, the rule of the
// validity sections of SKM and ZI survey reports.
//
// r is computed only from minN respondents (DefaultMinN is the usual
// choice; a minN below 3 means 3, the least the test needs): below it
// Cause is TooFewRespondents and Reason says "n = 2, minimum 30". An item
// with zero variance (or whose rest has none) is reported as such first.
func (a *Accumulator) ItemValidity(minN int64) []ItemValidity {
	minN = max(minN, 3)
	out := make([]ItemValidity, a.k)
	var crit float64
	if a.n >= 3 {
		crit = CriticalR(a.n-2, 0.05)
	}
	var cause Cause
	reason := ""
	switch {
	case a.k < 2:
		cause, reason = TooFewItems, reasonOneItem
	case a.n < 3:
		cause, reason = TooFewRespondents, belowMinimum(a.n, 3)
	}
	if reason != "" {
		for i := range out {
			out[i] = ItemValidity{Critical: crit, Cause: cause, Reason: reason}
		}
		return out
	}
	m := a.comoments()
	for i := range out {
		v := &out[i]
		v.Critical = crit
		// cov(xᵢ, T − xᵢ) and var(T − xᵢ), as exact co-moments.
		qxr := m.row[i].sub(m.diag[i])
		qrr := m.total.sub(m.row[i]).sub(m.row[i]).add(m.diag[i])
		switch {
		case m.diag[i].sign() <= 0 || qrr.sign() <= 0:
			v.Cause, v.Reason = ZeroVariance, reasonZeroVariance
			continue
		case a.n < minN:
			v.Cause, v.Reason = TooFewRespondents, belowMinimum(a.n, minN)
			continue
		}
		r := qxr.float() / math.Sqrt(m.diag[i].float()) / math.Sqrt(qrr.float())
		v.R = math.Max(-1, math.Min(1, r))
		v.Valid = v.R > crit
		v.Defined = true
	}
	return out
}
