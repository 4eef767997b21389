package survey

import (
	"math"
	"math/big"
	"strings"
)

// Number formatting. Dashboard, API text, spreadsheets and the PDF report
// all print through these functions, so the same value prints the same
// everywhere: the Indonesian way, a comma before the decimals and a dot
// between thousands ("1.234,56"). Values are rounded on their exact value,
// never on a decimal string of a float: a point value half away from zero
// (exact ties up: 251/80 = 3,1375 → "3,138"), an interval outward (lower
// bound down, upper bound up), so a printed interval always encloses the
// computed one and never sits on the other side of a threshold from its
// verdict. NaN and infinities print as "–".

// rounding says which way a value between two printed ones goes.
type rounding int

const (
	halfUp rounding = iota // nearest; a tie away from zero
	down                   // towards −∞ (a lower bound)
	up                     // towards +∞ (an upper bound)
)

// FormatDecimal formats x with the given number of decimals, rounding the
// exact binary value of x to the nearest, ties away from zero.
func FormatDecimal(x float64, decimals int) string { return formatFloat(x, decimals, halfUp) }

// FormatRat formats the exact ratio r with the given number of decimals,
// rounding to the nearest, ties away from zero; nil prints as "–".
func FormatRat(r *big.Rat, decimals int) string {
	if r == nil {
		return "–"
	}
	return formatRat(r, decimals, halfUp)
}

// FormatLower formats a lower bound: x rounded down (towards −∞) at the
// given decimals, so the printed bound is never above x.
func FormatLower(x float64, decimals int) string { return formatFloat(x, decimals, down) }

// FormatUpper formats an upper bound: x rounded up (towards +∞) at the
// given decimals, so the printed bound is never below x.
func FormatUpper(x float64, decimals int) string { return formatFloat(x, decimals, up) }

// FormatInterval formats the interval [lo, hi] outward, "3,599 – 3,761":
// the printed interval encloses [lo, hi].
func FormatInterval(lo, hi float64, decimals int) string {
	return FormatLower(lo, decimals) + " – " + FormatUpper(hi, decimals)
}

// FormatPercent formats a share in [0, 1] as a percentage with the given
// decimals, "12,5%", rounding its exact value ×100 to the nearest.
func FormatPercent(share float64, decimals int) string {
	return formatPercent(share, decimals, halfUp) + "%"
}

// FormatShare formats part/whole as a percentage with the given decimals,
// exactly ("1 of 8" is "12,5%"); "–" when whole is 0: a share of nothing is
// undefined, not 0 %.
func FormatShare(part, whole int64, decimals int) string {
	if whole == 0 {
		return "–"
	}
	return formatRat(big.NewRat(100*part, whole), decimals, halfUp) + "%"
}

// FormatPercentInterval formats an interval of shares in [0, 1] as
// percentages, outward: "3,1% – 12,6%".
func FormatPercentInterval(lo, hi float64, decimals int) string {
	return formatPercent(lo, decimals, down) + "% – " + formatPercent(hi, decimals, up) + "%"
}

// FormatIndex formats an estimate's 4-point index, on its exact value when
// it is a ratio of integers (a mean of scores); "–" when undefined.
func FormatIndex(e Estimate, decimals int) string {
	switch {
	case !e.Defined:
		return "–"
	case e.Exact != nil:
		return FormatRat(e.Exact, decimals)
	}
	return FormatDecimal(e.Index, decimals)
}

// FormatRawMean formats an estimate's mean on the questionnaire's own scale
// (the NRR), exactly when it is a ratio of integers; "–" when undefined.
func FormatRawMean(e Estimate, decimals int) string {
	switch {
	case !e.Defined:
		return "–"
	case e.RawExact != nil:
		return FormatRat(e.RawExact, decimals)
	}
	return FormatDecimal(e.RawMean, decimals)
}

// FormatEstimateInterval formats an estimate's 4-point interval outward, or
// "–" when it has none.
func FormatEstimateInterval(e Estimate, decimals int) string {
	if !e.HasInterval {
		return "–"
	}
	return FormatInterval(e.Lo, e.Hi, decimals)
}

func formatFloat(x float64, decimals int, mode rounding) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return formatRat(new(big.Rat).SetFloat64(x), decimals, mode)
}

func formatPercent(share float64, decimals int, mode rounding) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	r := new(big.Rat).SetFloat64(share)
	return formatRat(r.Mul(r, big.NewRat(100, 1)), decimals, mode)
}

var bigTen = big.NewInt(10)

// formatRat rounds r to decimals (≥ 0) places in the given direction and
// prints it with Indonesian separators.
func formatRat(r *big.Rat, decimals int, mode rounding) string {
	decimals = max(decimals, 0)
	scale := new(big.Int).Exp(bigTen, big.NewInt(int64(decimals)), nil)
	num := new(big.Int).Mul(r.Num(), scale)
	den := r.Denom()
	// q = ⌊num/den⌋ (Euclidean: rem ≥ 0 for den > 0).
	q, rem := new(big.Int).DivMod(num, den, new(big.Int))
	if rem.Sign() != 0 {
		switch mode {
		case up:
			q.Add(q, big.NewInt(1))
		case halfUp:
			// Compare the fraction rem/den with ½: twice rem against den.
			// A tie goes away from zero: up for positive values, and for
			// negative ones (where q is already the floor) it stays.
			c := new(big.Int).Lsh(rem, 1).Cmp(den)
			if c > 0 || (c == 0 && num.Sign() > 0) {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	neg := q.Sign() < 0
	digits := new(big.Int).Abs(q).String()
	if len(digits) <= decimals {
		digits = strings.Repeat("0", decimals-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-decimals], digits[len(digits)-decimals:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
