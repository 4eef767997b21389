package survey

import (
	"math"
	"strconv"
	"strings"
)

// FormatDecimal formats x with the given number of decimals the Indonesian
// way: a comma before the decimals and a dot between thousands
// ("1.234,56"). Dashboard, API text, spreadsheets and the PDF report all
// print through it, so the same value prints the same everywhere. NaN and
// infinities print as "–".
func FormatDecimal(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(intPart+frac, "0") != "" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
