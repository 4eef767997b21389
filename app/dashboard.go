package app

import (
	"html/template"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// visibleUnits returns the units the signed-in user may read: all of them
// for an admin, the assigned ones for everyone else.
func (k *console) visibleUnits(c *fiber.Ctx) ([]survey.Unit, error) {
	all, err := k.store.Units(c.UserContext())
	if err != nil {
		return nil, err
	}
	u := currentUser(c)
	if u.Role == survey.RoleAdmin {
		return all, nil
	}
	out := make([]survey.Unit, 0, len(u.Units))
	for _, x := range all {
		if u.CanRead(x.ID) {
			out = append(out, x)
		}
	}
	return out, nil
}

// readableUnit reads :id as a unit the signed-in user may read. A unit that
// is not theirs answers 403: its existence is no secret to a signed-in user.
func (k *console) readableUnit(c *fiber.Ctx) (*survey.Unit, error) {
	id, err := paramID(c)
	if err != nil {
		return nil, err
	}
	if !currentUser(c).CanRead(id) {
		return nil, fiber.ErrForbidden
	}
	return k.store.Unit(c.UserContext(), id)
}

// fmtNum formats numbers for templates, the Indonesian way (comma decimals)
// through survey's Format functions, so pages print what the API and the
// report print: point values on their exact value, intervals outward.
type fmtNum struct{}

// Dec formats x with d decimals.
func (fmtNum) Dec(x float64, d int) string { return survey.FormatDecimal(x, d) }

// Rat formats an exact ratio with d decimals.
func (fmtNum) Rat(r *big.Rat, d int) string { return survey.FormatRat(r, d) }

// Index formats an estimate's 4-point index with d decimals.
func (fmtNum) Index(e survey.Estimate, d int) string { return survey.FormatIndex(e, d) }

// Raw formats an estimate's raw-scale mean with d decimals.
func (fmtNum) Raw(e survey.Estimate, d int) string { return survey.FormatRawMean(e, d) }

// Interval formats an estimate's 4-point interval outward.
func (fmtNum) Interval(e survey.Estimate, d int) string { return survey.FormatEstimateInterval(e, d) }

// Up formats x rounded up, for a margin of error: never below the one
// computed.
func (fmtNum) Up(x float64, d int) string { return survey.FormatUpper(x, d) }

// Bounds formats the interval [lo, hi] outward.
func (fmtNum) Bounds(lo, hi float64, d int) string { return survey.FormatInterval(lo, hi, d) }

// Pct formats a share in [0, 1] as a percentage with one decimal.
func (fmtNum) Pct(x float64) string { return survey.FormatPercent(x, 1) }

// Share formats part of whole as a percentage with one decimal, exactly.
func (fmtNum) Share(part, whole int64) string { return survey.FormatShare(part, whole, 1) }

// PctBounds formats an interval of shares as percentages, outward.
func (fmtNum) PctBounds(lo, hi float64) string { return survey.FormatPercentInterval(lo, hi, 1) }

// Int formats a count with thousands separators.
func (fmtNum) Int(n int64) string { return survey.FormatDecimal(float64(n), 0) }

// Whole formats an int setting (e.g. a minimum) like a count.
func (f fmtNum) Whole(n int) string { return f.Int(int64(n)) }

// periodChoice is one link of the period selector.
type periodChoice struct {
	Label   string
	Href    string
	Current bool
}

// periodOf reads the period of a dashboard request: a named one (?period=)
// on the unit's calendar, or a custom range (?from=&to=). The default is
// this month.
func (k *console) periodOf(c *fiber.Ctx, u *survey.Unit) (survey.Period, survey.PeriodKind, error) {
	if from, to := c.Query("from"), c.Query("to"); from != "" || to != "" {
		p := survey.Period{From: strings.Clone(from), To: strings.Clone(to)}
		return p, survey.PeriodCustom, p.Validate()
	}
	kind := survey.PeriodKind(c.Query("period", string(survey.PeriodMonth)))
	p, ok := survey.PeriodFor(kind, k.now(), u.Location())
	if !ok {
		return p, kind, &survey.ValidationError{Fields: map[string]string{"period": "Periode tidak dikenal."}}
	}
	return p, kind, nil
}

func periodChoices(base string, kind survey.PeriodKind) []periodChoice {
	out := make([]periodChoice, 0, len(survey.PeriodKinds))
	for _, pk := range survey.PeriodKinds {
		out = append(out, periodChoice{Label: pk.Label, Href: base + "?period=" + string(pk.Kind), Current: pk.Kind == kind})
	}
	return out
}

// overviewView compares every visible unit over one period.
type overviewView struct {
	consolePage
	F       fmtNum
	Periods []periodChoice
	Kind    survey.PeriodKind
	Rows    []overviewRow
	Indexes []string
}

type overviewRow struct {
	Unit    survey.Unit
	Zone    string
	Period  survey.Period
	Summary *survey.Summary
	Cells   []*survey.SectionSummary // per Indexes; nil when the unit has none
}

// overview answers GET /dashboard: every unit the user may read, side by
// side, each over the chosen named period on its own calendar.
func (k *console) overview(c *fiber.Ctx) error {
	units, err := k.visibleUnits(c)
	if err != nil {
		return err
	}
	kind := survey.PeriodKind(c.Query("period", string(survey.PeriodMonth)))
	if _, ok := survey.PeriodFor(kind, k.now(), time.UTC); !ok {
		return &survey.ValidationError{Fields: map[string]string{"period": "Periode tidak dikenal."}}
	}
	v := overviewView{consolePage: k.page(c, "Dasbor", "dashboard"), Periods: periodChoices("/dashboard", kind), Kind: kind,
		Indexes: []string{"IPAK", "IPKP", "IKM"}}
	used := map[string]bool{}
	for _, u := range units {
		p, _ := survey.PeriodFor(kind, k.now(), u.Location())
		sum, err := k.store.Summary(c.UserContext(), u.ID, p, survey.Filter{})
		if err != nil {
			return err
		}
		row := overviewRow{Unit: u, Zone: survey.ZoneAbbr(u.TimeZone), Period: p, Summary: sum}
		for _, idx := range v.Indexes {
			sec, ok := sum.Section(idx)
			if !ok {
				sec = nil
			}
			used[idx] = used[idx] || ok
			row.Cells = append(row.Cells, sec)
		}
		v.Rows = append(v.Rows, row)
	}
	// Drop index columns no unit has.
	var keep []int
	for i, idx := range v.Indexes {
		if used[idx] {
			keep = append(keep, i)
		}
	}
	idxs := make([]string, 0, len(keep))
	for _, i := range keep {
		idxs = append(idxs, v.Indexes[i])
	}
	for r := range v.Rows {
		cells := make([]*survey.SectionSummary, 0, len(keep))
		for _, i := range keep {
			cells = append(cells, v.Rows[r].Cells[i])
		}
		v.Rows[r].Cells = cells
	}
	v.Indexes = idxs
	return k.render(c, "dash_overview", v)
}

// unitDashView is one unit's dashboard.
type unitDashView struct {
	consolePage
	F        fmtNum
	Unit     survey.Unit
	Zone     string
	Period   survey.Period
	Kind     survey.PeriodKind
	Periods  []periodChoice
	Filter   survey.Filter
	Counters []survey.Counter
	Services []survey.Service
	Sum      *survey.Summary
	// Query is the period and filter, for chart and export URLs; built
	// with url.Values, so it is safe to print unescaped.
	Query      template.URL
	CanManage  bool
	ScaleMax   int
	Conversion string
	// CounterTable and ServiceTable are the breakdowns.
	CounterTable, ServiceTable groupTable
}

// groupTable is one breakdown table of the unit dashboard.
type groupTable struct {
	F      fmtNum
	Title  string
	Groups []survey.GroupSummary
	Sum    *survey.Summary
}

// unitDashboard answers GET /dashboard/units/:id.
func (k *console) unitDashboard(c *fiber.Ctx) error {
	u, err := k.readableUnit(c)
	if err != nil {
		return err
	}
	p, kind, err := k.periodOf(c, u)
	if err != nil {
		return err
	}
	f := filterOf(c)
	ctx := c.UserContext()
	sum, err := k.store.Summary(ctx, u.ID, p, f)
	if err != nil {
		return err
	}
	v := unitDashView{consolePage: k.page(c, u.Name, "dashboard"), Unit: *u, Zone: survey.ZoneAbbr(u.TimeZone),
		Period: p, Kind: kind, Filter: f, Sum: sum, CanManage: currentUser(c).CanManage(u.ID),
		ScaleMax: sum.Questionnaire.Scale.Max, Conversion: conversionLabel(sum.Conversion)}
	v.CounterTable = groupTable{Title: "Per loket", Groups: sum.Counters, Sum: sum}
	v.ServiceTable = groupTable{Title: "Per layanan (jenis layanan)", Groups: sum.Services, Sum: sum}
	base := "/dashboard/units/" + strconv.FormatInt(u.ID, 10)
	v.Periods = periodChoices(base, kind)
	q := url.Values{"from": {p.From}, "to": {p.To}}
	if f.CounterID != 0 {
		q.Set("counter", strconv.FormatInt(f.CounterID, 10))
	}
	if f.ServiceID != 0 {
		q.Set("service", strconv.FormatInt(f.ServiceID, 10))
	}
	v.Query = template.URL(q.Encode())
	if v.Counters, err = k.store.Counters(ctx, u.ID); err != nil {
		return err
	}
	if v.Services, err = k.store.Services(ctx, u.ID); err != nil {
		return err
	}
	return k.render(c, "dash_unit", v)
}

// filterOf reads the optional ?counter= and ?service= filters.
func filterOf(c *fiber.Ctx) survey.Filter {
	var f survey.Filter
	f.CounterID, _ = strconv.ParseInt(c.Query("counter"), 10, 64)
	f.ServiceID, _ = strconv.ParseInt(c.Query("service"), 10, 64)
	return f
}

func conversionLabel(rule string) string {
	if rule == "endpoint-linear" {
		return "linear titik ujung: 1 + (x − 1) × 3 / (maks − 1)"
	}
	return "proporsional: x / maks × 4"
}
