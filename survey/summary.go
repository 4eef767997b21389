package survey

import (
	"fmt"
	"math/big"
	"persepsi/stats"
	"time"
)

// Period is an inclusive range of a unit's local days, each YYYY-MM-DD.
type Period struct {
	From, To string
}

// Validate reports a *ValidationError when the days are malformed or out of
// order.
func (p Period) Validate() error { return checkDayRange(p.From, p.To) }

// ValidateSeries reports p's *ValidationError when p fails Validate, or
// else one on "to" when p spans more than MaxSeriesDays days, the longest
// daily series.
func (p Period) ValidateSeries() error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Days() > MaxSeriesDays {
		return &ValidationError{Fields: map[string]string{"to": fmt.Sprintf("Rentang deret harian paling panjang %d hari.", MaxSeriesDays)}}
	}
	return nil
}

// Days returns the number of local days in the period (0 when invalid).
func (p Period) Days() int {
	from, err1 := time.Parse(time.DateOnly, p.From)
	to, err2 := time.Parse(time.DateOnly, p.To)
	if err1 != nil || err2 != nil || to.Before(from) {
		return 0
	}
	return int(to.Sub(from).Hours()/24) + 1
}

// PeriodKind names the periods the dashboard offers.
type PeriodKind string

// The named periods. Each is computed on the unit's local calendar.
const (
	PeriodToday   PeriodKind = "today"
	Period7Days   PeriodKind = "7d"
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "triwulan"
	PeriodHalf    PeriodKind = "semester"
	PeriodYear    PeriodKind = "year"
	PeriodCustom  PeriodKind = "custom"
)

// PeriodKinds lists the named periods with their Bahasa Indonesia labels,
// in the order the dashboard offers them.
var PeriodKinds = []struct {
	Kind  PeriodKind
	Label string
}{
	{PeriodToday, "Hari ini"},
	{Period7Days, "7 hari"},
	{PeriodMonth, "Bulan ini"},
	{PeriodQuarter, "Triwulan ini"},
	{PeriodHalf, "Semester ini"},
	{PeriodYear, "Tahun ini"},
}

// PeriodFor returns the named period containing now, on the local calendar
// of loc: today; the 7 days ending today; and the month, quarter, half-year
// or year so far (ending today, since later days have no responses yet).
func PeriodFor(kind PeriodKind, now time.Time, loc *time.Location) (Period, bool) {
	t := now.In(loc)
	today := t.Format(time.DateOnly)
	y, m, _ := t.Date()
	first := func(month time.Month) string { return time.Date(y, month, 1, 0, 0, 0, 0, loc).Format(time.DateOnly) }
	switch kind {
	case PeriodToday:
		return Period{today, today}, true
	case Period7Days:
		return Period{t.AddDate(0, 0, -6).Format(time.DateOnly), today}, true
	case PeriodMonth:
		return Period{first(m), today}, true
	case PeriodQuarter:
		return Period{first((m-1)/3*3 + 1), today}, true
	case PeriodHalf:
		return Period{first((m-1)/6*6 + 1), today}, true
	case PeriodYear:
		return Period{first(time.January), today}, true
	}
	return Period{}, false
}

// Filter narrows a summary to one counter and/or one service; zero means all.
type Filter struct {
	CounterID int64
	ServiceID int64
}

// Estimate is an index or item mean with its interval, on the
// questionnaire's own scale (Raw*) and converted to the 4-point scale the LKE
// expects (Index, Lo, Hi). When Defined is false the numbers are not
// meaningful and Reason says why in Bahasa Indonesia (e.g. "n < 2").
type Estimate struct {
	N       int64
	RawMean float64
	RawSD   float64
	RawLo   float64
	RawHi   float64
	Index   float64 // 4-point scale
	Lo      float64 // 4-point scale
	Hi      float64 // 4-point scale
	Level   float64 // confidence level, e.g. 0.95
	Method  string  // interval method and version, e.g. "wilson-neff v1" (stats.IntervalMethod)
	// HasInterval is false when the mean is known but its interval is not
	// (fewer than 2 respondents).
	HasInterval bool
	Defined     bool
	Reason      string
	// Exact and RawExact are Index and RawMean as exact ratios when they
	// are means of integer scores (nil otherwise, e.g. for rolling means),
	// so FormatIndex rounds ties on the exact value.
	Exact, RawExact *big.Rat
}

// Verdict is a threshold verdict: met only when the whole interval clears
// the minimum, not met when the whole interval lies below it.
type Verdict string

// The three threshold verdicts.
const (
	VerdictMet       Verdict = "met"
	VerdictNotMet    Verdict = "not_met"
	VerdictUncertain Verdict = "uncertain"
)

// Label returns the verdict in Bahasa Indonesia.
func (v Verdict) Label() string {
	switch v {
	case VerdictMet:
		return "Memenuhi"
	case VerdictNotMet:
		return "Belum memenuhi"
	}
	return "Belum pasti"
}

// Threshold is one predicate minimum for an index on the 4-point scale,
// e.g. IPAK ≥ 3.60 for WBK.
type Threshold struct {
	Index     string  // "IPAK", "IPKP"
	Predicate string  // "WBK", "WBBM"
	Min       float64 // 4-point scale
}

// Thresholds are the predicate minimums in force. The defaults are
// unconfirmed (secondary sources only): the UI must say so.
type Thresholds []Threshold

// DefaultThresholds returns IPAK ≥ 3.60 for WBK and WBBM, IPKP ≥ 3.20 for
// WBK and ≥ 3.60 for WBBM.
func DefaultThresholds() Thresholds {
	return Thresholds{
		{Index: "IPAK", Predicate: "WBK", Min: 3.60},
		{Index: "IPAK", Predicate: "WBBM", Min: 3.60},
		{Index: "IPKP", Predicate: "WBK", Min: 3.20},
		{Index: "IPKP", Predicate: "WBBM", Min: 3.60},
	}
}

// For returns the thresholds of one index, in order.
func (t Thresholds) For(index string) []Threshold {
	var out []Threshold
	for _, th := range t {
		if th.Index == index {
			out = append(out, th)
		}
	}
	return out
}

// ThresholdResult is an index checked against one threshold.
type ThresholdResult struct {
	Threshold
	Verdict Verdict
	// Reason says, in Bahasa Indonesia, why the verdict is "belum pasti";
	// empty for "memenuhi" and "belum memenuhi".
	Reason string
}

// Predicate is the grade band of a 4-point index (the SKM table applied to
// the 4-point value, a sensible default since IPAK/IPKP bands are not
// standardised).
type Predicate struct {
	Grade string // "A".."D"
	Label string // "Sangat baik" …
}

// Reliability is Cronbach's α of a section. Defined is false when it is not
// computed (fewer respondents than the unit's MinRespondents, or zero total
// variance); Cause and Reason then say why.
type Reliability struct {
	Alpha   float64
	N       int64
	Defined bool
	Cause   stats.Cause // why not Defined, as a value (stats.TooFewRespondents, stats.ZeroVariance, …)
	Reason  string
}

// Validity is the corrected item-total correlation of an item against the
// critical r at α = 0.05 (df = n − 2).
type Validity struct {
	R        float64
	Critical float64
	Valid    bool
	Defined  bool
	Cause    stats.Cause // why not Defined, as a value
	Reason   string
}

// IKMScore is the SKM index: the raw mean of the 9 NRR and its ×25 value
// with the grade of PermenPANRB 14/2017.
type IKMScore struct {
	Raw       float64
	Converted float64
	Lo        float64 // interval of Converted (×25)
	Hi        float64
	Predicate
	// Exact is Converted as an exact ratio.
	Exact *big.Rat
}

// ItemSummary is one scored item over the period.
type ItemSummary struct {
	Code    string
	Name    string // short name (SKM unsur), may be empty
	Text    string
	Section string // section code
	Est     Estimate
	Predicate
	Validity Validity
	// Distribution counts answers per score: Distribution[i] is the number
	// of answers with score Scale.Min + i.
	Distribution []int64
}

// SectionSummary is one scored section and the index it yields.
type SectionSummary struct {
	Code  string // "SPAK"
	Index string // "IPAK"
	Name  string // "Indeks Persepsi Anti Korupsi"
	// Label is the acronym with its expansion and scale, ready to print:
	// "IPAK – Indeks Persepsi Anti Korupsi (skala 4)".
	Label string
	Est   Estimate
	Predicate
	// LKEScore is the implied LKE score, min(index, 4)/4 × 17.5
	// (unconfirmed), meaningful only when Est.Defined; LKEExact is its
	// exact value (nil when undefined).
	LKEScore float64
	LKEExact *big.Rat
	Verdicts []ThresholdResult
	Alpha    Reliability
	IKM      *IKMScore // only for the SKM section (index "IKM")
	Items    []ItemSummary
	// Weakest holds the same items sorted by index, weakest first.
	Weakest []ItemSummary
}

// ControlSummary is the share of "Ya" on the control (coaching) question,
// with its Wilson interval, over every response of the period on the
// version summarised, excluded ones included: it is an integrity indicator
// of the whole collection. Excluded counts those of Yes + No that are
// excluded from the other statistics, ExcludedYes those of Yes. Share, Lo
// and Hi mean something only when Defined (at least one answer).
type ControlSummary struct {
	Text                  string
	Yes, No               int64
	Excluded, ExcludedYes int64
	Share                 float64
	Lo, Hi                float64
	Defined               bool
	HasInterval           bool
}

// Answered returns the number of responses that answered the control
// question, the denominator of Share.
func (c *ControlSummary) Answered() int64 { return c.Yes + c.No }

// OptionCount is how many respondents chose one profile option.
type OptionCount struct {
	Option string
	Label  string
	Count  int64
}

// ProfileSummary counts the answers to one profile field; Unanswered counts
// respondents who declined.
type ProfileSummary struct {
	Code       string
	Label      string
	Options    []OptionCount
	Unanswered int64
}

// GroupSummary is one counter's or service's share of the period, with its
// per-section estimates (same order as Summary.Sections).
type GroupSummary struct {
	ID       int64
	Name     string
	N        int64
	Sections []Estimate
}

// SampleSize compares n with the Krejcie–Morgan minimum for the period's
// population N (when the admin set it), says whether the finite population
// correction was applied and where not (FPCNote, ready to print), and gives
// the margin of error reached by each index.
type SampleSize struct {
	N          int64
	Population int64 // 0: unknown
	Minimum    int64 // Krejcie–Morgan minimum (N unknown or < n: very large population)
	Progress   float64
	FPCApplied bool
	FPCNote    string
	Margins    []Margin // per section, same order as Summary.Sections
}

// Margin is the margin of error reached by one index: the half-width of its
// interval on the 4-point scale, (Hi − Lo) / 2. Reason says why it is
// undefined.
type Margin struct {
	Index, Label string
	Value        float64
	Defined      bool
	Reason       string
}

// Suggestion is a respondent's free-text suggestion. Service is empty when
// the service is hidden from the breakdown (a small group).
type Suggestion struct {
	LocalDay  string
	ServiceID int64
	Service   string
	Text      string
}

// VersionBreak reports responses of the period collected on another
// questionnaire version than the one summarised: they are never mixed in.
// N counts those that would have been counted, Excluded the excluded ones.
type VersionBreak struct {
	QuestionnaireID int64
	Ref             string
	Title           string
	N               int64
	Excluded        int64
	From, To        string // local days with responses on that version
}

// Summary is THE set of numbers of one unit over one period: the dashboard,
// the JSON API and the PDF report all print from it.
type Summary struct {
	Unit          Unit
	Zone          string // WIB, WITA or WIT
	Questionnaire *Questionnaire
	Period        Period
	Filter        Filter
	// Conversion names the rule used for the 4-point scale.
	Conversion string
	// IntervalMethod names and versions the interval of every mean, e.g.
	// "wilson-neff v1" (stats.IntervalMethod); print it beside Conversion.
	IntervalMethod string
	Thresholds     Thresholds
	MinGroup       int
	MinRespondents int
	// Withheld, when not empty, says why the filtered group is not shown
	// (a small group, or one that would reveal another by subtraction):
	// the summary then carries no numbers at all, not even N.
	Withheld string
	// N is the number of responses counted: on the version summarised, not
	// excluded. Excluded counts the excluded ones of that version;
	// VersionBreaks those on other versions. Received adds them up.
	N        int64
	Excluded int64
	Sections []SectionSummary
	Control  *ControlSummary
	Profile  []ProfileSummary
	// Services and Counters are the breakdowns, only of an unfiltered
	// summary (BreakdownNote says why a filtered one has none). Hidden*
	// count the groups left out by the small-group rule of Summarize.
	Services       []GroupSummary
	Counters       []GroupSummary
	HiddenServices int
	HiddenCounters int
	BreakdownNote  string
	Sample         SampleSize
	Suggestions    []Suggestion
	VersionBreaks  []VersionBreak
	GeneratedAt    time.Time
}

// Received returns every response of the period that passes the filter:
// counted, excluded, and on other questionnaire versions.
func (s *Summary) Received() int64 {
	n := s.N + s.Excluded
	for _, b := range s.VersionBreaks {
		n += b.N + b.Excluded
	}
	return n
}

// Section returns the summary of the section yielding index (e.g. "IPAK").
func (s *Summary) Section(index string) (*SectionSummary, bool) {
	for i := range s.Sections {
		if s.Sections[i].Index == index {
			return &s.Sections[i], true
		}
	}
	return nil, false
}

// DayPoint is one local day of a daily series: the day's own estimate per
// section and a rolling estimate over the trailing window, both with
// intervals (same order as Summary.Sections).
type DayPoint struct {
	Day      string
	N        int64
	Sections []Estimate
	Rolling  []Estimate
}

// Daily is a daily series of one unit over a period, every local day of the
// period present (days without responses have N = 0).
type Daily struct {
	Unit          Unit
	Zone          string
	Questionnaire *Questionnaire
	Period        Period
	Filter        Filter
	Window        int // rolling window in days
	// SmallN is the n below which a day is marked as small in charts.
	SmallN        int64
	Indexes       []string // section indices, in the order of each point's Sections
	Labels        []string // printable labels, same order
	Thresholds    Thresholds
	Points        []DayPoint
	VersionBreaks []VersionBreak
	// Withheld, when not empty, says why a filtered series is not shown
	// (see Summary.Withheld); Points is then empty.
	Withheld string
}

// IndexLabel returns the printable name of an index: the acronym, its
// expansion and the scale, e.g. "IPAK – Indeks Persepsi Anti Korupsi
// (skala 4)". IKM is printed on its 25–100 scale.
func IndexLabel(index, name string) string {
	if index == "IKM" {
		return fmt.Sprintf("%s – %s (skala 25–100)", index, name)
	}
	return fmt.Sprintf("%s – %s (skala 4)", index, name)
}
