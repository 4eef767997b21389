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

// apiUnitsBody is GET /api/v1/units.
type apiUnitsBody struct {
	Units []apiUnit `json:"units"`
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
	return c.JSON(apiUnitsBody{Units: out})
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

// apiSummary answers GET /api/v1/units/{id}/summary?from=&to=[&counter=][&service=].
func (k *console) apiSummary(c *fiber.Ctx) error {
	sum, err := k.apiSummaryOf(c)
	if err != nil {
		return err
	}
	return c.JSON(summaryJSON(k.apiUnitOf(sum.Unit), sum))
}

// apiGroups answers GET /api/v1/units/{id}/counters and …/services: the
// breakdown by counter or service (small groups hidden, see Summarize).
func (k *console) apiGroups(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sum, err := k.apiSummaryOf(c)
		if err != nil {
			return err
		}
		return c.JSON(groupsPayloadJSON(k.apiUnitOf(sum.Unit), sum, kind))
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
	return c.JSON(dailyJSON(k.apiUnitOf(d.Unit), d))
}
