package stats

import "fmt"

// Cause says, as a value, why a result is undefined, so that a surface can
// choose what to show without parsing text; Reason beside it is the text to
// print. The zero value Computed means the result is defined.
type Cause uint8

const (
	// Computed: the result is defined.
	Computed Cause = iota
	// NoRespondents: there is no response at all.
	NoRespondents
	// TooFewRespondents: n is below what the statistic needs (2 for a
	// variance, 3 for a correlation test, or the caller's minimum for
	// reliability and validity).
	TooFewRespondents
	// ZeroVariance: the data have no spread (every respondent gave the same
	// answer or the same total), so a ratio of variances is 0/0.
	ZeroVariance
	// TooFewItems: a section of one item has no internal consistency.
	TooFewItems
	// PopulationBelowSample: the population N given is smaller than n.
	PopulationBelowSample
	// OutOfRange: the result does not fit a float64.
	OutOfRange
)

// Reasons carried by undefined results, in Bahasa Indonesia as shown to
// users.
const (
	reasonNoData       = "tidak ada responden"
	reasonNBelow2      = "n < 2"
	reasonPopulation   = "populasi (N) lebih kecil dari jumlah responden (n)"
	reasonZeroVariance = "tidak dapat dihitung (varians nol)"
	reasonOneItem      = "butir kurang dari 2"
	reasonOverflow     = "tidak dapat dihitung (di luar jangkauan numerik)"
)

// String returns the cause's name in Bahasa Indonesia, as short as a table
// cell allows: "varians nol", "responden terlalu sedikit", ….
func (c Cause) String() string {
	switch c {
	case Computed:
		return "dapat dihitung"
	case NoRespondents:
		return reasonNoData
	case TooFewRespondents:
		return "responden terlalu sedikit"
	case ZeroVariance:
		return "varians nol"
	case TooFewItems:
		return reasonOneItem
	case PopulationBelowSample:
		return reasonPopulation
	case OutOfRange:
		return "di luar jangkauan numerik"
	}
	return fmt.Sprintf("Cause(%d)", uint8(c))
}

// belowMinimum is the Reason of TooFewRespondents: "n = 2, minimum 30".
func belowMinimum(n, min int64) string {
	return fmt.Sprintf("n = %d, minimum %d", n, min)
}
