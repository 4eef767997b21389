package survey

import (
	"strings"
	"time"
)

// UnitChange is the input for UpdateUnit: the same fields as a new unit.
type UnitChange = NewUnit

// Population is the number of service users of a unit in a period, set by
// an admin.
type Population struct {
	UnitID     int64
	FromDay    string
	ToDay      string
	Population int64
	UpdatedAt  time.Time
}

// CheckPopulation reports p's *ValidationError when p fails
// Period.Validate (n is then not checked), or else one on "population" when
// n lies outside 0 to 1,000,000,000 (0 removes a figure). That n is no smaller than the responses already stored for the period is
// for the store to check.
func CheckPopulation(p Period, n int64) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if n < 0 || n > 1_000_000_000 {
		return &ValidationError{Fields: map[string]string{"population": "Jumlah populasi harus bilangan bulat 0 sampai 1.000.000.000."}}
	}
	return nil
}

// DefaultMinGroup is the smallest counter or service group shown in
// breakdowns: smaller groups could identify respondents.
const DefaultMinGroup = 5

// DefaultMinRespondents is the fewest respondents on which a threshold is
// declared met or not met: "at least 30 respondents", the long-standing rule
// in this field.
const DefaultMinRespondents = 30

// Settings are the instance-wide analysis settings.
type Settings struct {
	Thresholds     Thresholds
	MinGroup       int
	MinRespondents int
	// BaseURL is the public address printed into QR codes, links and
	// evidence ("https://survei.contoh.go.id"); "" when none was recorded.
	// `serve --base-url` records it and Pengaturan edits it.
	BaseURL string
}

// Validate returns st with BaseURL as CheckBaseURL returns it (empty when
// empty or invalid), and nil or a *ValidationError naming every rule st
// breaks: a BaseURL that is not empty passes CheckBaseURL, MinGroup lies
// between 1 and 100, MinRespondents between 2 and 10,000, and every
// threshold's minimum between 1 and 4 (field "<index>_<predicate>" in lower
// case, e.g. "ipak_wbk").
func (st Settings) Validate() (Settings, error) {
	ve := &ValidationError{}
	if st.BaseURL != "" {
		b, err := CheckBaseURL(st.BaseURL)
		ve.Merge(err)
		st.BaseURL = b
	}
	if st.MinGroup < 1 || st.MinGroup > 100 {
		ve.Add("min_group", "Ukuran kelompok minimum harus 1 sampai 100.")
	}
	if st.MinRespondents < 2 || st.MinRespondents > 10_000 {
		ve.Add("min_respondents", "Jumlah responden minimum untuk status memenuhi harus 2 sampai 10.000.")
	}
	for _, t := range st.Thresholds {
		// Written so that NaN, which fails every comparison, is refused.
		if !(t.Min >= 1 && t.Min <= 4) {
			ve.Add(strings.ToLower(t.Index+"_"+t.Predicate), "Batas harus antara 1 dan 4 (skala 4).")
		}
	}
	return st, ve.OrNil()
}

// withDefaults fills what a caller left zero with the defaults.
func (st Settings) withDefaults() Settings {
	if st.Thresholds == nil {
		st.Thresholds = DefaultThresholds()
	}
	if st.MinGroup == 0 {
		st.MinGroup = DefaultMinGroup
	}
	if st.MinRespondents == 0 {
		st.MinRespondents = DefaultMinRespondents
	}
	return st
}

func (Population) TableName() string { return "unit_populations" }
