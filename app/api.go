package app

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// apiAuth guards everything under /api/v1: a bearer token (scripts), or the
// session cookie of a signed-in browser (the dashboard's JSON and evidence
// links; GET only, so no CSRF token is needed). No credentials answers 401;
// a unit the user may not read answers 403, for every /api/v1/units/{id}/…
// route, including those other files add.
func (k *console) apiAuth(c *fiber.Ctx) error {
	var u *survey.User
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return fiber.ErrUnauthorized
		}
		user, err := k.store.TokenUser(c.UserContext(), strings.TrimSpace(raw))
		if errors.Is(err, survey.ErrNotFound) {
			return fiber.ErrUnauthorized
		}
		if err != nil {
			return err
		}
		u = user
	} else if c.Method() == fiber.MethodGet {
		sess, err := k.store.SessionByID(c.UserContext(), strings.Clone(c.Cookies(sessionCookie)))
		if errors.Is(err, survey.ErrNotFound) {
			return fiber.ErrUnauthorized
		}
		if err != nil {
			return err
		}
		u = sess.User
	} else {
		return fiber.ErrUnauthorized
	}
	c.Locals(localUser, u)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if rest, ok := strings.CutPrefix(c.Path(), "/api/v1/units/"); ok {
		id, err := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
		if err != nil || id <= 0 {
			return survey.ErrNotFound
		}
		if !u.CanRead(id) {
			return fiber.ErrForbidden
		}
	}
	return c.Next()
}

// apiUnit is a unit as the API lists it.
type apiUnit struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Agency        string `json:"agency"`
	TimeZone      string `json:"time_zone"`
	Zone          string `json:"zone"`
	Questionnaire string `json:"questionnaire"`
}

func (k *console) apiUnitOf(u survey.Unit) apiUnit {
	a := apiUnit{ID: u.ID, Name: u.Name, Agency: u.Agency, TimeZone: u.TimeZone, Zone: survey.ZoneAbbr(u.TimeZone)}
	if q, err := k.store.Questionnaire(u.QuestionnaireID); err == nil {
		a.Questionnaire = q.Ref()
	}
	return a
}

// apiUnits answers GET /api/v1/units: the units the caller may read.
func (k *console) apiUnits(c *fiber.Ctx) error {
	units, err := k.visibleUnits(c)
	if err != nil {
		return err
	}
	out := make([]apiUnit, 0, len(units))
	for _, u := range units {
		out = append(out, k.apiUnitOf(u))
	}
	return c.JSON(fiber.Map{"units": out})
}

// apiEstimate is an estimate in JSON: index and bounds on the 4-point scale,
// raw_* on the questionnaire's own scale. Values that cannot be computed are
// null, never NaN.
type apiEstimate struct {
	N         int64    `json:"n"`
	Index     *float64 `json:"index"`
	CILow     *float64 `json:"ci_low"`
	CIHigh    *float64 `json:"ci_high"`
	RawMean   *float64 `json:"raw_mean"`
	RawCILow  *float64 `json:"raw_ci_low"`
	RawCIHigh *float64 `json:"raw_ci_high"`
	Level     float64  `json:"level"`
	Reason    string   `json:"reason,omitempty"`
}

func num(x float64) *float64 { return &x }

func estimateJSON(e survey.Estimate) apiEstimate {
	a := apiEstimate{N: e.N, Level: survey.Level, Reason: e.Reason}
	if e.Defined {
		a.Index, a.RawMean = num(e.Index), num(e.RawMean)
	}
	if e.HasInterval {
		a.CILow, a.CIHigh, a.RawCILow, a.RawCIHigh = num(e.Lo), num(e.Hi), num(e.RawLo), num(e.RawHi)
	}
	return a
}

type apiSection struct {
	apiEstimate
	Code      string            `json:"code"`
	IndexName string            `json:"index_name"`
	Label     string            `json:"label"`
	Grade     string            `json:"grade,omitempty"`
	Predicate string            `json:"predicate,omitempty"`
	LKEScore  *float64          `json:"lke_score,omitempty"`
	Verdicts  map[string]string `json:"verdicts,omitempty"`
	Alpha     *float64          `json:"alpha"`
	IKM       *survey.IKMScore  `json:"ikm,omitempty"`
}

type apiItem struct {
	Code    string `json:"code"`
	Text    string `json:"text"`
	Section string `json:"section"`
	apiEstimate
	Mean         *float64 `json:"mean"`
	Grade        string   `json:"grade,omitempty"`
	Validity     *float64 `json:"validity_r"`
	Valid        bool     `json:"valid"`
	Distribution []int64  `json:"distribution"`
}

type apiGroup struct {
	ID       int64                  `json:"id"`
	Name     string                 `json:"name"`
	N        int64                  `json:"n"`
	Sections map[string]apiEstimate `json:"sections"`
}

func (k *console) apiSummaryOf(c *fiber.Ctx) (*survey.Summary, error) {
	id, err := paramID(c)
	if err != nil {
		return nil, err
	}
	p := survey.Period{From: strings.Clone(c.Query("from")), To: strings.Clone(c.Query("to"))}
	if p.From == "" && p.To == "" {
		u, err := k.store.Unit(c.UserContext(), id)
		if err != nil {
			return nil, err
		}
		p, _ = survey.PeriodFor(survey.PeriodMonth, k.now(), u.Location())
	}
	return k.store.Summary(c.UserContext(), id, p, filterOf(c))
}

func sectionJSON(s *survey.SectionSummary) apiSection {
	a := apiSection{apiEstimate: estimateJSON(s.Est), Code: s.Code, IndexName: s.Index, Label: s.Label, Grade: s.Grade, IKM: s.IKM}
	a.Predicate = s.Predicate.Label
	if s.Est.Defined {
		a.LKEScore = num(s.LKEScore)
	}
	if len(s.Verdicts) > 0 {
		a.Verdicts = map[string]string{}
		for _, v := range s.Verdicts {
			a.Verdicts[v.Predicate] = string(v.Verdict)
		}
	}
	if s.Alpha.Defined {
		a.Alpha = num(s.Alpha.Alpha)
	}
	return a
}

func groupsJSON(sum *survey.Summary, gs []survey.GroupSummary) []apiGroup {
	out := make([]apiGroup, 0, len(gs))
	for _, g := range gs {
		ag := apiGroup{ID: g.ID, Name: g.Name, N: g.N, Sections: map[string]apiEstimate{}}
		for i, e := range g.Sections {
			ag.Sections[strings.ToLower(sum.Sections[i].Index)] = estimateJSON(e)
		}
		out = append(out, ag)
	}
	return out
}

// apiSummary answers GET /api/v1/units/{id}/summary?from=&to=[&counter=][&service=].
func (k *console) apiSummary(c *fiber.Ctx) error {
	sum, err := k.apiSummaryOf(c)
	if err != nil {
		return err
	}
	body := fiber.Map{
		"unit":          k.apiUnitOf(sum.Unit),
		"period":        fiber.Map{"from": sum.Period.From, "to": sum.Period.To, "zone": sum.Zone},
		"filter":        fiber.Map{"counter": sum.Filter.CounterID, "service": sum.Filter.ServiceID},
		"questionnaire": sum.Questionnaire.Ref(),
		"scale_max":     sum.Questionnaire.Scale.Max,
		"conversion":    sum.Conversion,
		"n":             sum.N,
	}
	var sections []apiSection
	var items []apiItem
	for i := range sum.Sections {
		sec := &sum.Sections[i]
		a := sectionJSON(sec)
		sections = append(sections, a)
		body[strings.ToLower(sec.Index)] = a
		for _, it := range sec.Items {
			ai := apiItem{Code: it.Code, Text: it.Text, Section: sec.Code, apiEstimate: estimateJSON(it.Est), Grade: it.Grade,
				Valid: it.Validity.Valid, Distribution: it.Distribution}
			ai.Mean = ai.Index
			if it.Validity.Defined {
				ai.Validity = num(it.Validity.R)
			}
			items = append(items, ai)
		}
	}
	body["sections"], body["items"] = sections, items
	if cs := sum.Control; cs != nil {
		ctl := fiber.Map{"yes": cs.Yes, "no": cs.No, "share": nil, "ci_low": nil, "ci_high": nil}
		if cs.Yes+cs.No > 0 {
			ctl["share"] = cs.Share
		}
		if cs.HasInterval {
			ctl["ci_low"], ctl["ci_high"] = cs.Lo, cs.Hi
		}
		body["control"] = ctl
	}
	body["profile"] = sum.Profile
	body["sample"] = fiber.Map{"n": sum.Sample.N, "population": sum.Sample.Population, "krejcie_morgan_minimum": sum.Sample.Minimum,
		"progress": sum.Sample.Progress}
	body["counters"], body["services"] = groupsJSON(sum, sum.Counters), groupsJSON(sum, sum.Services)
	body["min_group"], body["hidden_counters"], body["hidden_services"] = sum.MinGroup, sum.HiddenCounters, sum.HiddenServices
	body["version_breaks"] = sum.VersionBreaks
	body["thresholds"] = sum.Thresholds
	return c.JSON(body)
}

// apiGroups answers GET /api/v1/units/{id}/counters and …/services: the
// breakdown by counter or service (groups below the minimum size hidden).
func (k *console) apiGroups(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sum, err := k.apiSummaryOf(c)
		if err != nil {
			return err
		}
		gs := sum.Counters
		if kind == "services" {
			gs = sum.Services
		}
		return c.JSON(fiber.Map{
			"unit":   k.apiUnitOf(sum.Unit),
			"period": fiber.Map{"from": sum.Period.From, "to": sum.Period.To, "zone": sum.Zone},
			kind:     groupsJSON(sum, gs), "min_group": sum.MinGroup, "hidden_counters": sum.HiddenCounters, "hidden_services": sum.HiddenServices,
		})
	}
}

// apiDaily answers GET /api/v1/units/{id}/daily?from=&to=: one object per
// local day with each index's estimate and its rolling estimate.
func (k *console) apiDaily(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	u, err := k.store.Unit(c.UserContext(), id)
	if err != nil {
		return err
	}
	p := survey.Period{From: strings.Clone(c.Query("from")), To: strings.Clone(c.Query("to"))}
	if p.From == "" && p.To == "" {
		p, _ = survey.PeriodFor(survey.PeriodMonth, k.now(), u.Location())
	}
	d, err := k.store.Daily(c.UserContext(), id, p, filterOf(c))
	if err != nil {
		return err
	}
	days := make([]fiber.Map, 0, len(d.Points))
	for _, pt := range d.Points {
		day := fiber.Map{"day": pt.Day, "n": pt.N}
		rolling := fiber.Map{}
		for i, idx := range d.Indexes {
			day[strings.ToLower(idx)] = estimateJSON(pt.Sections[i])
			rolling[strings.ToLower(idx)] = estimateJSON(pt.Rolling[i])
		}
		day["rolling"] = rolling
		days = append(days, day)
	}
	return c.JSON(fiber.Map{
		"unit":           k.apiUnitOf(d.Unit),
		"period":         fiber.Map{"from": p.From, "to": p.To, "zone": d.Zone},
		"questionnaire":  d.Questionnaire.Ref(),
		"rolling_window": d.Window,
		"days":           days,
		"version_breaks": d.VersionBreaks,
	})
}
