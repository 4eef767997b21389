package survey

import (
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
