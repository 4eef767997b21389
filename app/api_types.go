package app

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"persepsi/survey"
)

// The JSON payloads of /api/v1. Every payload is its own snake_case type,
// mapped from the domain here: domain structs carry no JSON tags, so a
// renamed Go field never changes the API. Values that cannot be computed
// are null (never NaN), and a *_reason field beside them says why in Bahasa
// Indonesia. docs/API.md describes every field.

type apiPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
	Zone string `json:"zone"`
}

type apiFilter struct {
	Counter int64 `json:"counter"`
	Service int64 `json:"service"`
}

// apiEstimate is an estimate: index and bounds on the 4-point scale, raw_*
// on the questionnaire's own scale; IntervalMethod names and versions the
// interval's method, present whenever the bounds are.
type apiEstimate struct {
	N              int64    `json:"n"`
	Index          *float64 `json:"index"`
	CILow          *float64 `json:"ci_low"`
	CIHigh         *float64 `json:"ci_high"`
	RawMean        *float64 `json:"raw_mean"`
	RawCILow       *float64 `json:"raw_ci_low"`
	RawCIHigh      *float64 `json:"raw_ci_high"`
	Level          float64  `json:"level"`
	IntervalMethod string   `json:"interval_method,omitempty"`
	Reason         string   `json:"reason,omitempty"`
}

func num(x float64) *float64 { return &x }

func estimateJSON(e survey.Estimate) apiEstimate {
	a := apiEstimate{N: e.N, Level: survey.Level, Reason: e.Reason}
	if e.Defined {
		a.Index, a.RawMean = num(e.Index), num(e.RawMean)
	}
	if e.HasInterval {
		a.CILow, a.CIHigh, a.RawCILow, a.RawCIHigh = num(e.Lo), num(e.Hi), num(e.RawLo), num(e.RawHi)
		a.IntervalMethod = e.Method
	}
	return a
}

type apiIKM struct {
	Raw       float64 `json:"raw"`
	Converted float64 `json:"converted"`
	CILow     float64 `json:"ci_low"`
	CIHigh    float64 `json:"ci_high"`
	Grade     string  `json:"grade"`
	Label     string  `json:"label"`
}

type apiSection struct {
	apiEstimate
	Code      string   `json:"code"`
	IndexName string   `json:"index_name"`
	Label     string   `json:"label"`
	Grade     string   `json:"grade,omitempty"`
	Predicate string   `json:"predicate,omitempty"`
	LKEScore  *float64 `json:"lke_score,omitempty"`
	// Verdicts maps a predicate (WBK, WBBM) to met, not_met or uncertain;
	// VerdictReasons says why for every uncertain one.
	Verdicts       map[string]string `json:"verdicts,omitempty"`
	VerdictReasons map[string]string `json:"verdict_reasons,omitempty"`
	Alpha          *float64          `json:"alpha"`
	AlphaReason    string            `json:"alpha_reason,omitempty"`
	IKM            *apiIKM           `json:"ikm,omitempty"`
}

func sectionJSON(s *survey.SectionSummary) apiSection {
	a := apiSection{apiEstimate: estimateJSON(s.Est), Code: s.Code, IndexName: s.Index, Label: s.Label, Grade: s.Grade,
		Predicate: s.Predicate.Label}
	if s.Est.Defined {
		a.LKEScore = num(s.LKEScore)
	}
	if len(s.Verdicts) > 0 {
		a.Verdicts = map[string]string{}
		for _, v := range s.Verdicts {
			a.Verdicts[v.Predicate] = string(v.Verdict)
			if v.Reason != "" {
				if a.VerdictReasons == nil {
					a.VerdictReasons = map[string]string{}
				}
				a.VerdictReasons[v.Predicate] = v.Reason
			}
		}
	}
	if s.Alpha.Defined {
		a.Alpha = num(s.Alpha.Alpha)
	} else {
		a.AlphaReason = s.Alpha.Reason
	}
	if i := s.IKM; i != nil {
		a.IKM = &apiIKM{Raw: i.Raw, Converted: i.Converted, CILow: i.Lo, CIHigh: i.Hi, Grade: i.Grade, Label: i.Label}
	}
	return a
}

type apiItem struct {
	Code    string `json:"code"`
	Text    string `json:"text"`
	Section string `json:"section"`
	apiEstimate
	Mean           *float64 `json:"mean"`
	Grade          string   `json:"grade,omitempty"`
	Validity       *float64 `json:"validity_r"`
	CriticalR      *float64 `json:"critical_r"`
	Valid          bool     `json:"valid"`
	ValidityReason string   `json:"validity_reason,omitempty"`
	Distribution   []int64  `json:"distribution"`
}

func itemJSON(sec *survey.SectionSummary, it *survey.ItemSummary) apiItem {
	a := apiItem{Code: it.Code, Text: it.Text, Section: sec.Code, apiEstimate: estimateJSON(it.Est), Grade: it.Grade,
		Valid: it.Validity.Valid, Distribution: it.Distribution}
	a.Mean = a.Index
	if it.Validity.Critical > 0 {
		a.CriticalR = num(it.Validity.Critical)
	}
	if it.Validity.Defined {
		a.Validity = num(it.Validity.R)
	} else {
		a.ValidityReason = it.Validity.Reason
	}
	return a
}

type apiGroup struct {
	ID       int64                  `json:"id"`
	Name     string                 `json:"name"`
	N        int64                  `json:"n"`
	Sections map[string]apiEstimate `json:"sections"`
}

func groupsJSON(sum *survey.Summary, gs []survey.GroupSummary) []apiGroup {
	out := make([]apiGroup, 0, len(gs))
	for _, g := range gs {
		ag := apiGroup{ID: g.ID, Name: g.Name, N: g.N, Sections: map[string]apiEstimate{}}
		for i, e := range g.Sections {
			ag.Sections[indexKey(sum.Sections[i].Index)] = estimateJSON(e)
		}
		out = append(out, ag)
	}
	return out
}

// apiControl is the coached share, over every response of the period on the
// version summarised, excluded ones included.
type apiControl struct {
	Yes         int64    `json:"yes"`
	No          int64    `json:"no"`
	Answered    int64    `json:"answered"`
	Excluded    int64    `json:"excluded"`
	ExcludedYes int64    `json:"excluded_yes"`
	Share       *float64 `json:"share"`
	CILow       *float64 `json:"ci_low"`
	CIHigh      *float64 `json:"ci_high"`
}

func controlJSON(cs *survey.ControlSummary) *apiControl {
	if cs == nil {
		return nil
	}
	a := &apiControl{Yes: cs.Yes, No: cs.No, Answered: cs.Answered(), Excluded: cs.Excluded, ExcludedYes: cs.ExcludedYes}
	if cs.Defined {
		a.Share = num(cs.Share)
	}
	if cs.HasInterval {
		a.CILow, a.CIHigh = num(cs.Lo), num(cs.Hi)
	}
	return a
}

type apiOption struct {
	Option string `json:"option"`
	Label  string `json:"label"`
	Count  int64  `json:"count"`
}

type apiProfile struct {
	Code       string      `json:"code"`
	Label      string      `json:"label"`
	Options    []apiOption `json:"options"`
	Unanswered int64       `json:"unanswered"`
}

func profileJSON(ps []survey.ProfileSummary) []apiProfile {
	out := make([]apiProfile, 0, len(ps))
	for _, p := range ps {
		ap := apiProfile{Code: p.Code, Label: p.Label, Unanswered: p.Unanswered, Options: make([]apiOption, 0, len(p.Options))}
		for _, o := range p.Options {
			ap.Options = append(ap.Options, apiOption{Option: o.Option, Label: o.Label, Count: o.Count})
		}
		out = append(out, ap)
	}
	return out
}

type apiMargin struct {
	Index  string   `json:"index"`
	Value  *float64 `json:"value"`
	Reason string   `json:"reason,omitempty"`
}

type apiSample struct {
	N          int64       `json:"n"`
	Population int64       `json:"population"`
	Minimum    int64       `json:"krejcie_morgan_minimum"`
	Progress   float64     `json:"progress"`
	FPCApplied bool        `json:"fpc_applied"`
	FPCNote    string      `json:"fpc_note"`
	Margins    []apiMargin `json:"margins_of_error"`
}

func sampleJSON(s survey.SampleSize) apiSample {
	a := apiSample{N: s.N, Population: s.Population, Minimum: s.Minimum, Progress: s.Progress, FPCApplied: s.FPCApplied,
		FPCNote: s.FPCNote, Margins: make([]apiMargin, 0, len(s.Margins))}
	for _, m := range s.Margins {
		am := apiMargin{Index: m.Index, Reason: m.Reason}
		if m.Defined {
			am.Value = num(m.Value)
		}
		a.Margins = append(a.Margins, am)
	}
	return a
}

type apiVersionBreak struct {
	QuestionnaireID int64  `json:"questionnaire_id"`
	Ref             string `json:"ref"`
	Title           string `json:"title"`
	N               int64  `json:"n"`
	Excluded        int64  `json:"excluded"`
	From            string `json:"from"`
	To              string `json:"to"`
}

func versionBreaksJSON(bs []survey.VersionBreak) []apiVersionBreak {
	out := make([]apiVersionBreak, 0, len(bs))
	for _, b := range bs {
		out = append(out, apiVersionBreak{QuestionnaireID: b.QuestionnaireID, Ref: b.Ref, Title: b.Title, N: b.N, Excluded: b.Excluded, From: b.From, To: b.To})
	}
	return out
}

type apiThreshold struct {
	Index     string  `json:"index"`
	Predicate string  `json:"predicate"`
	Min       float64 `json:"min"`
}

func thresholdsJSON(ts survey.Thresholds) []apiThreshold {
	out := make([]apiThreshold, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiThreshold{Index: t.Index, Predicate: t.Predicate, Min: t.Min})
	}
	return out
}

// apiSummaryBody is GET …/summary. Each index also appears under its own
// lower-case key ("ipak", "ipkp", "ikm"), beside the fixed fields.
type apiSummaryBody struct {
	Unit          apiUnit   `json:"unit"`
	Period        apiPeriod `json:"period"`
	Filter        apiFilter `json:"filter"`
	Questionnaire string    `json:"questionnaire"`
	ScaleMax      int       `json:"scale_max"`
	Conversion    string    `json:"conversion"`
	// IntervalMethod names and versions the method of every mean's
	// interval, e.g. "wilson-neff v1".
	IntervalMethod string `json:"interval_method"`
	// Withheld says why a filtered group is not shown; every count is
	// then null and every list empty.
	Withheld       string            `json:"withheld,omitempty"`
	N              *int64            `json:"n"`
	Excluded       *int64            `json:"excluded"`
	Received       *int64            `json:"received"`
	Sections       []apiSection      `json:"sections"`
	Items          []apiItem         `json:"items"`
	Control        *apiControl       `json:"control"`
	Profile        []apiProfile      `json:"profile"`
	Sample         *apiSample        `json:"sample"`
	Counters       []apiGroup        `json:"counters"`
	Services       []apiGroup        `json:"services"`
	MinGroup       int               `json:"min_group"`
	MinRespondents int               `json:"min_respondents"`
	HiddenCounters int               `json:"hidden_counters"`
	HiddenServices int               `json:"hidden_services"`
	BreakdownNote  string            `json:"breakdown_note,omitempty"`
	VersionBreaks  []apiVersionBreak `json:"version_breaks"`
	Thresholds     []apiThreshold    `json:"thresholds"`
	GeneratedAt    time.Time         `json:"generated_at"`
	byIndex        map[string]apiSection
}

func summaryJSON(u apiUnit, sum *survey.Summary) apiSummaryBody {
	b := apiSummaryBody{Unit: u, Period: apiPeriod{sum.Period.From, sum.Period.To, sum.Zone},
		Filter: apiFilter{sum.Filter.CounterID, sum.Filter.ServiceID}, Questionnaire: sum.Questionnaire.Ref(),
		ScaleMax: sum.Questionnaire.Scale.Max, Conversion: sum.Conversion, IntervalMethod: sum.IntervalMethod, Withheld: sum.Withheld,
		Sections: []apiSection{}, Items: []apiItem{}, Profile: []apiProfile{}, Counters: []apiGroup{}, Services: []apiGroup{},
		MinGroup: sum.MinGroup, MinRespondents: sum.MinRespondents, VersionBreaks: []apiVersionBreak{},
		Thresholds: thresholdsJSON(sum.Thresholds), GeneratedAt: sum.GeneratedAt, byIndex: map[string]apiSection{}}
	if sum.Withheld != "" {
		return b
	}
	n, excl, recv := sum.N, sum.Excluded, sum.Received()
	b.N, b.Excluded, b.Received = &n, &excl, &recv
	for i := range sum.Sections {
		sec := &sum.Sections[i]
		a := sectionJSON(sec)
		b.Sections = append(b.Sections, a)
		b.byIndex[indexKey(sec.Index)] = a
		for j := range sec.Items {
			b.Items = append(b.Items, itemJSON(sec, &sec.Items[j]))
		}
	}
	b.Control, b.Profile = controlJSON(sum.Control), profileJSON(sum.Profile)
	sample := sampleJSON(sum.Sample)
	b.Sample = &sample
	b.Counters, b.Services = groupsJSON(sum, sum.Counters), groupsJSON(sum, sum.Services)
	b.HiddenCounters, b.HiddenServices, b.BreakdownNote = sum.HiddenCounters, sum.HiddenServices, sum.BreakdownNote
	b.VersionBreaks = versionBreaksJSON(sum.VersionBreaks)
	return b
}

// MarshalJSON writes the fixed fields, then each index under its own key.
func (b apiSummaryBody) MarshalJSON() ([]byte, error) {
	type fixed apiSummaryBody
	return withIndexKeys(fixed(b), b.byIndex)
}

// apiGroupsBody is GET …/counters and …/services.
type apiGroupsBody struct {
	Unit           apiUnit    `json:"unit"`
	Period         apiPeriod  `json:"period"`
	Withheld       string     `json:"withheld,omitempty"`
	Counters       []apiGroup `json:"counters,omitempty"`
	Services       []apiGroup `json:"services,omitempty"`
	MinGroup       int        `json:"min_group"`
	HiddenCounters int        `json:"hidden_counters"`
	HiddenServices int        `json:"hidden_services"`
	BreakdownNote  string     `json:"breakdown_note,omitempty"`
}

func groupsPayloadJSON(u apiUnit, sum *survey.Summary, kind string) apiGroupsBody {
	b := apiGroupsBody{Unit: u, Period: apiPeriod{sum.Period.From, sum.Period.To, sum.Zone}, Withheld: sum.Withheld,
		MinGroup: sum.MinGroup, HiddenCounters: sum.HiddenCounters, HiddenServices: sum.HiddenServices, BreakdownNote: sum.BreakdownNote}
	if kind == "services" {
		b.Services = groupsJSON(sum, sum.Services)
	} else {
		b.Counters = groupsJSON(sum, sum.Counters)
	}
	return b
}

// apiDay is one day of GET …/daily: n, each index's estimate under its own
// key, and the rolling estimates.
type apiDay struct {
	Day     string                 `json:"day"`
	N       int64                  `json:"n"`
	Rolling map[string]apiEstimate `json:"rolling"`
	byIndex map[string]apiEstimate
}

// MarshalJSON writes the fixed fields, then each index under its own key.
func (d apiDay) MarshalJSON() ([]byte, error) {
	type fixed apiDay
	return withIndexKeys(fixed(d), d.byIndex)
}

type apiDailyBody struct {
	Unit          apiUnit           `json:"unit"`
	Period        apiPeriod         `json:"period"`
	Questionnaire string            `json:"questionnaire"`
	RollingWindow int               `json:"rolling_window"`
	Withheld      string            `json:"withheld,omitempty"`
	Days          []apiDay          `json:"days"`
	VersionBreaks []apiVersionBreak `json:"version_breaks"`
}

func dailyJSON(u apiUnit, d *survey.Daily) apiDailyBody {
	b := apiDailyBody{Unit: u, Period: apiPeriod{d.Period.From, d.Period.To, d.Zone}, Questionnaire: d.Questionnaire.Ref(),
		RollingWindow: d.Window, Withheld: d.Withheld, Days: make([]apiDay, 0, len(d.Points)), VersionBreaks: versionBreaksJSON(d.VersionBreaks)}
	for _, pt := range d.Points {
		day := apiDay{Day: pt.Day, N: pt.N, Rolling: map[string]apiEstimate{}, byIndex: map[string]apiEstimate{}}
		for i, idx := range d.Indexes {
			day.byIndex[indexKey(idx)] = estimateJSON(pt.Sections[i])
			day.Rolling[indexKey(idx)] = estimateJSON(pt.Rolling[i])
		}
		b.Days = append(b.Days, day)
	}
	return b
}

// indexKey is an index's JSON key: "IPAK" → "ipak".
func indexKey(index string) string { return strings.ToLower(index) }

// withIndexKeys marshals fixed (a struct) and appends the entries of
// byIndex as further members of the same object, in key order. An index
// whose key equals a fixed member is left out there: the fixed member wins,
// and the index stays in "sections".
func withIndexKeys[T any](fixed any, byIndex map[string]T) ([]byte, error) {
	head, err := json.Marshal(fixed)
	if err != nil || len(byIndex) == 0 {
		return head, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(head, &members); err != nil {
		return nil, err
	}
	extra := make(map[string]T, len(byIndex))
	for k, v := range byIndex {
		if _, taken := members[k]; !taken {
			extra[k] = v
		}
	}
	tail, err := json.Marshal(extra)
	if err != nil || len(extra) == 0 {
		return head, err
	}
	out := bytes.TrimSuffix(head, []byte("}"))
	out = append(out, ',')
	return append(out, tail[1:]...), nil
}
