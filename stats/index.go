package stats

import (
	"fmt"
	"math"
)

// Conversion names the rule that maps a raw-scale mean (1–6, 1–10, …) to
// the 4-point index the LKE expects. How a 1–6 mean becomes a 4-point index
// is not documented publicly, so the rule is a named, versioned setting of a
// questionnaire and reports print it. The zero value "" means Proportional.
type Conversion string

const (
	// Proportional reads the scale as a share of its maximum, like the ×25
	// of the SKM: x / max × 4 (6 ↦ 4 on a 1–6 scale). The default.
	Proportional Conversion = "proportional"
	// EndpointLinear maps 1 ↦ 1 and max ↦ 4 linearly:
	// 1 + (x − 1) × 3 / (max − 1).
	EndpointLinear Conversion = "endpoint-linear"
)

// ParseConversion returns the Conversion named s; "" gives the default,
// Proportional. It returns an error for any other name.
func ParseConversion(s string) (Conversion, error) {
	switch c := Conversion(s); c {
	case "", Proportional:
		return Proportional, nil
	case EndpointLinear:
		return c, nil
	}
	return "", fmt.Errorf("stats: unknown conversion %q (want %q or %q)", s, Proportional, EndpointLinear)
}

// affine returns the slope and intercept of the conversion of a 1..scaleMax
// scale to the 4-point index: index = slope·x + intercept. It panics if
// scaleMax < 2 or the rule is unknown.
func affine(scaleMax int, rule Conversion) (slope, intercept float64) {
	if scaleMax < 2 {
		panic(fmt.Sprintf("stats: scale maximum %d below 2", scaleMax))
	}
	m := float64(scaleMax)
	switch rule {
	case "", Proportional:
		return 4 / m, 0
	case EndpointLinear:
		return 3 / (m - 1), 1 - 3/(m-1)
	}
	panic(fmt.Sprintf("stats: unknown conversion %q", string(rule)))
}

// Convert returns the 4-point index of a raw-scale value x on a 1..scaleMax
// scale under the given rule: x/scaleMax×4 (Proportional) or
// 1 + (x−1)×3/(scaleMax−1) (EndpointLinear). Both are the identity on a 1–4
// scale. It panics if scaleMax < 2 or the rule is unknown.
func Convert(x float64, scaleMax int, rule Conversion) float64 {
	slope, intercept := affine(scaleMax, rule)
	return slope*x + intercept
}

// ConvertEstimate returns e on the 4-point index: Mean, Lo and Hi converted
// by Convert and SD multiplied by the rule's slope. Both rules are
// increasing and affine, so the converted interval is the interval of the
// converted mean. Other fields are kept.
func ConvertEstimate(e Estimate, scaleMax int, rule Conversion) Estimate {
	slope, intercept := affine(scaleMax, rule)
	e.Mean = slope*e.Mean + intercept
	e.Lo = slope*e.Lo + intercept
	e.Hi = slope*e.Hi + intercept
	e.SD *= slope
	return e
}

// DefaultLKEWeight is the weight of the IPAK and of the IPKP row in the
// komponen hasil of the LKE (PermenPANRB 90/2021).
const DefaultLKEWeight = 17.5

// LKEScore returns the LKE score implied by a 4-point index,
//
//	min(index4, 4) / 4 × weight,
//
// the linear rule of the LKE tools in use (unconfirmed by regulation).
func LKEScore(index4, weight float64) float64 {
	return math.Min(index4, 4) / 4 * weight
}

// Predicate is one band of a predicate table: an index at or above Min
// (on the 4-point index) and below the next band earns Grade and Label.
type Predicate struct {
	Min   float64
	Grade string
	Label string
}

// skmBands are the bands of PermenPANRB 14/2017 on the converted IKM
// (25–100), in hundredths: A from 88.31, B from 76.61, C from 65.00, D below.
var skmBands = [...]struct {
	minHundredths int64
	grade, label  string
}{
	{8831, "A", "Sangat baik"},
	{7661, "B", "Baik"},
	{6500, "C", "Kurang baik"},
	{0, "D", "Tidak baik"},
}

// DefaultPredicates returns the PermenPANRB 14/2017 bands on the 4-point
// index (the converted bound divided by 25): A Sangat baik from 3.5324,
// B Baik from 3.0644, C Kurang baik from 2.60, D Tidak baik below. Predicate
// labels for IPAK and IPKP are not standardised; this is the default table.
// The slice is new on every call.
func DefaultPredicates() []Predicate {
	t := make([]Predicate, len(skmBands))
	for i, b := range skmBands {
		t[i] = Predicate{Min: float64(b.minHundredths) / 2500, Grade: b.grade, Label: b.label}
	}
	return t
}

// PredicateFor returns the row of table with the highest Min at or below
// index4 (the first such row on ties), or the zero Predicate when no row
// applies. The table need not be sorted and is not modified. index4 is
// compared as given; round it first if the reporting rule says so.
func PredicateFor(index4 float64, table []Predicate) Predicate {
	var best Predicate
	found := false
	for _, p := range table {
		if index4 >= p.Min && (!found || p.Min > best.Min) {
			best, found = p, true
		}
	}
	return best
}

// IKMResult is an Indeks Kepuasan Masyarakat with its grade.
type IKMResult struct {
	Raw       float64 // mean of the NRR, 1–4
	Converted float64 // Raw × 25, 25–100
	Grade     string  // A, B, C or D
	Label     string  // Sangat baik, Baik, Kurang baik, Tidak baik
}

// IKM returns the Indeks Kepuasan Masyarakat of PermenPANRB 14/2017 from the
// NRR of its unsur (9 in the standard form):
//
//	IKM = Σ NRRᵢ × (1/len(nrr)),  converted = IKM × 25,
//
// with the weight exactly 1/len(nrr): reports that round 1/9 to 0.11 are
// wrong and can never reach 100. The grade is read from the converted value
// rounded to 2 decimals (half away from zero, after removing binary noise
// below 1e-9, as a spreadsheet's ROUND would), so no value falls between
// bands. It panics if nrr is empty. nrr is not modified.
func IKM(nrr []float64) IKMResult {
	if len(nrr) == 0 {
		panic("stats: IKM of no unsur")
	}
	var sum float64
	for _, v := range nrr {
		sum += v
	}
	raw := sum / float64(len(nrr))
	conv := raw * 25
	hundredths := int64(math.Round(math.Round(conv*1e9) / 1e7))
	r := IKMResult{Raw: raw, Converted: conv}
	for _, b := range skmBands {
		if hundredths >= b.minHundredths {
			r.Grade, r.Label = b.grade, b.label
			break
		}
	}
	return r
}
