package stats

import "math"

// Reliability is the internal-consistency reliability of a section.
type Reliability struct {
	Alpha float64 // Cronbach's α; at most 1, may be negative

	// Defined is false when α cannot be computed (fewer than 2 items,
	// n < 2, zero variance of the section total); Reason says why and
	// Alpha is 0.
	Defined bool
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
func (a *Accumulator) Alpha() Reliability {
	switch {
	case a.k < 2:
		return Reliability{Reason: reasonOneItem}
	case a.n < 2:
		return Reliability{Reason: reasonNBelow2}
	}
	m := a.comoments()
	if m.total.sign() <= 0 {
		return Reliability{Reason: reasonZeroVariance}
	}
	var items int128
	for _, q := range m.diag {
		items = items.add(q)
	}
	k := float64(a.k)
	alpha := k / (k - 1) * m.total.sub(items).float() / m.total.float()
	// α ≤ 1 because s²_T ≤ k·Σs²ᵢ; only rounding could cross it.
	return Reliability{Alpha: math.Min(alpha, 1), Defined: true}
}

// ItemValidity is the validity test of one item.
type ItemValidity struct {
	R        float64 // corrected item–total Pearson correlation
	Critical float64 // critical r at α = 0.05 two-tailed, df = n − 2
	Valid    bool    // R > Critical

	// Defined is false when R cannot be computed (fewer than 2 items,
	// n < 3, zero variance of the item or of the rest of the section);
	// Reason says why, R is 0 and Valid false. Critical is set whenever
	// n ≥ 3.
	Defined bool
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
func (a *Accumulator) ItemValidity() []ItemValidity {
	out := make([]ItemValidity, a.k)
	var crit float64
	if a.n >= 3 {
		crit = CriticalR(a.n-2, 0.05)
	}
	reason := ""
	switch {
	case a.k < 2:
		reason = reasonOneItem
	case a.n < 3:
		reason = reasonNBelow3
	}
	if reason != "" {
		for i := range out {
			out[i] = ItemValidity{Critical: crit, Reason: reason}
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
		if m.diag[i].sign() <= 0 || qrr.sign() <= 0 {
			v.Reason = reasonZeroVariance
			continue
		}
		r := qxr.float() / math.Sqrt(m.diag[i].float()) / math.Sqrt(qrr.float())
		v.R = math.Max(-1, math.Min(1, r))
		v.Valid = v.R > crit
		v.Defined = true
	}
	return out
}
