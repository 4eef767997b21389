package app

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// adminHomeView lists the units the user manages and, for an admin, the
// form to create one.
type adminHomeView struct {
	consolePage
	Units          []unitRow
	Zones          []struct{ Name, Abbr string }
	Questionnaires []*survey.Questionnaire
	Form           map[string]string
	Errors         map[string]string
}

type unitRow struct {
	survey.Unit
	Zone          string
	Questionnaire string
}

// adminHome answers GET /admin.
func (k *console) adminHome(c *fiber.Ctx) error {
	return k.renderAdminHome(c, nil, nil)
}

func (k *console) renderAdminHome(c *fiber.Ctx, form, errs map[string]string) error {
	units, err := k.visibleUnits(c)
	if err != nil {
		return err
	}
	v := adminHomeView{consolePage: k.page(c, "Pengelolaan", "admin"), Zones: survey.TimeZones,
		Questionnaires: k.store.Questionnaires(), Form: form, Errors: errs}
	for _, u := range units {
		v.Units = append(v.Units, k.unitRow(u))
	}
	if v.Form == nil {
		v.Form = map[string]string{"tz": "Asia/Jakarta"}
		// The standard SPKP + SPAK form, as `unit add` picks it: the one
		// with IPAK/IPKP and their verdicts.
		if q, err := k.store.QuestionnaireByRef(survey.DefaultQuestionnaireKey, 0); err == nil {
			v.Form["questionnaire"] = q.Ref()
		}
	}
	return k.render(c, "admin_home", v)
}

func (k *console) unitRow(u survey.Unit) unitRow {
	r := unitRow{Unit: u, Zone: survey.ZoneAbbr(u.TimeZone)}
	if q, err := k.store.Questionnaire(u.QuestionnaireID); err == nil {
		r.Questionnaire = q.Ref()
	}
	return r
}

// formValues copies the named form fields, so a rejected form is shown
// again with every value the user typed.
func formValues(c *fiber.Ctx, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = strings.Clone(c.FormValue(n))
	}
	return m
}

// createUnit answers POST /admin/units (admin only).
func (k *console) createUnit(c *fiber.Ctx) error {
	f := formValues(c, "name", "agency", "tz", "questionnaire")
	u, err := k.store.CreateUnit(c.UserContext(), survey.NewUnit{Name: f["name"], Agency: f["agency"], TimeZone: f["tz"], Questionnaire: f["questionnaire"]})
	if ve, ok := survey.IsValidation(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return k.renderAdminHome(c, f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/units/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}

// unitAdminView is one unit's administration page.
type unitAdminView struct {
	consolePage
	Unit           unitRow
	CanEditUnit    bool
	Zones          []struct{ Name, Abbr string }
	Questionnaires []*survey.Questionnaire
	Services       []survey.Service
	Counters       []counterRow
	Populations    []survey.Population
	// FormID names the form a rejected submission came from; Form and
	// Errors then hold its values and problems.
	FormID string
	Form   map[string]string
	Errors map[string]string
	Saved  bool
}

type counterRow struct {
	survey.Counter
	SvcID     int64 // the fixed service, 0 when the respondent chooses
	Service   string
	SurveyURL string
	QR        string
	Poster    string
	Kiosk     string
	// Lacks says what the unit still lacks before respondents can answer
	// at this counter; empty when it is live.
	Lacks []string
	// NewCode is true right after the code was replaced.
	NewCode bool
}

// managedUnit returns the unit with the given id when the signed-in user may
// manage it, and 403 otherwise.
func (k *console) managedUnit(c *fiber.Ctx, id int64) (*survey.Unit, error) {
	u, err := k.store.Unit(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if !currentUser(c).CanManage(u.ID) {
		return nil, fiber.ErrForbidden
	}
	return u, nil
}

func paramID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, survey.ErrNotFound
	}
	return id, nil
}

// unitAdmin answers GET /admin/units/:id.
func (k *console) unitAdmin(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	return k.renderUnitAdmin(c, id, "", nil, nil)
}

func (k *console) renderUnitAdmin(c *fiber.Ctx, unitID int64, formID string, form, errs map[string]string) error {
	ctx := c.UserContext()
	u, err := k.managedUnit(c, unitID)
	if err != nil {
		return err
	}
	v := unitAdminView{consolePage: k.page(c, "Kelola "+u.Name, "admin"), Unit: k.unitRow(*u),
		CanEditUnit: currentUser(c).Role == survey.RoleAdmin, Zones: survey.TimeZones,
		Questionnaires: k.store.Questionnaires(), FormID: formID, Form: form, Errors: errs, Saved: c.Query("ok") == "1"}
	if v.Services, err = k.store.Services(ctx, u.ID); err != nil {
		return err
	}
	names := map[int64]string{}
	for _, sv := range v.Services {
		names[sv.ID] = sv.Name
	}
	cs, err := k.store.Counters(ctx, u.ID)
	if err != nil {
		return err
	}
	fresh, _ := strconv.ParseInt(c.Query("kode_baru"), 10, 64)
	for _, ct := range cs {
		r := counterRow{Counter: ct, Service: "dipilih responden",
			SurveyURL: k.URL("/s/" + ct.Code), QR: "/s/" + ct.Code + "/qr.png", Poster: "/s/" + ct.Code + "/poster", Kiosk: k.KioskURL(ct.Code),
			Lacks: survey.CounterLacks(ct, v.Services), NewCode: ct.ID == fresh}
		if ct.ServiceID != nil {
			r.SvcID, r.Service = *ct.ServiceID, names[*ct.ServiceID]
		}
		v.Counters = append(v.Counters, r)
	}
	if v.Populations, err = k.store.Populations(ctx, u.ID); err != nil {
		return err
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if errs != nil {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return k.render(c, "admin_unit", v)
}

// unitDone answers a successful unit form: back to the unit page.
func unitDone(c *fiber.Ctx, unitID int64) error {
	return c.Redirect("/admin/units/"+strconv.FormatInt(unitID, 10)+"?ok=1", fiber.StatusSeeOther)
}

// updateUnit answers POST /admin/units/:id (admin only).
func (k *console) updateUnit(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	f := formValues(c, "name", "agency", "tz", "questionnaire")
	_, err = k.store.UpdateUnit(c.UserContext(), id, survey.UnitChange{Name: f["name"], Agency: f["agency"], TimeZone: f["tz"], Questionnaire: f["questionnaire"]})
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUnitAdmin(c, id, "unit", f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return unitDone(c, id)
}

// setPopulation answers POST /admin/units/:id/population (admin only).
func (k *console) setPopulation(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	f := formValues(c, "from", "to", "population")
	n, perr := strconv.ParseInt(strings.TrimSpace(f["population"]), 10, 64)
	if perr != nil {
		return k.renderUnitAdmin(c, id, "population", f, map[string]string{"population": "Isi jumlah pengguna layanan dengan bilangan bulat."})
	}
	err = k.store.SetPopulation(c.UserContext(), id, survey.Period{From: f["from"], To: f["to"]}, n)
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUnitAdmin(c, id, "population", f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return unitDone(c, id)
}

// createService answers POST /admin/units/:id/services.
func (k *console) createService(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := k.managedUnit(c, id); err != nil {
		return err
	}
	f := formValues(c, "name")
	_, err = k.store.CreateService(c.UserContext(), id, f["name"])
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUnitAdmin(c, id, "service", f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return unitDone(c, id)
}

// updateService answers POST /admin/services/:id: rename, (de)activate.
func (k *console) updateService(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	sv, err := k.store.Service(c.UserContext(), id)
	if err != nil {
		return err
	}
	if _, err := k.managedUnit(c, sv.UnitID); err != nil {
		return err
	}
	f := formValues(c, "name", "active")
	_, err = k.store.UpdateService(c.UserContext(), id, f["name"], f["active"] == "1")
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUnitAdmin(c, sv.UnitID, "service-"+strconv.FormatInt(id, 10), f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return unitDone(c, sv.UnitID)
}

// createCounter answers POST /admin/units/:id/counters.
func (k *console) createCounter(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := k.managedUnit(c, id); err != nil {
		return err
	}
	f := formValues(c, "name", "service")
	svc, _ := strconv.ParseInt(f["service"], 10, 64)
	_, err = k.store.CreateCounter(c.UserContext(), survey.NewCounter{UnitID: id, Name: f["name"], ServiceID: svc})
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUnitAdmin(c, id, "counter", f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return unitDone(c, id)
}

// managedCounter reads :id as a counter the user may manage.
func (k *console) managedCounter(c *fiber.Ctx) (*survey.Counter, error) {
	id, err := paramID(c)
	if err != nil {
		return nil, err
	}
	ct, err := k.store.Counter(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if _, err := k.managedUnit(c, ct.UnitID); err != nil {
		return nil, err
	}
	return ct, nil
}

// updateCounter answers POST /admin/counters/:id: rename, set its service,
// (de)activate.
func (k *console) updateCounter(c *fiber.Ctx) error {
	ct, err := k.managedCounter(c)
	if err != nil {
		return err
	}
	f := formValues(c, "name", "service", "active")
	svc, _ := strconv.ParseInt(f["service"], 10, 64)
	_, err = k.store.UpdateCounter(c.UserContext(), ct.ID, f["name"], svc, f["active"] == "1")
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUnitAdmin(c, ct.UnitID, "counter-"+strconv.FormatInt(ct.ID, 10), f, ve.Fields)
	}
	if err != nil {
		return err
	}
	return unitDone(c, ct.UnitID)
}

// regenerateView asks before a counter's code is replaced.
type regenerateView struct {
	consolePage
	Unit    *survey.Unit
	Counter *survey.Counter
}

// confirmRegenerate answers GET /admin/counters/:id/regenerate: what a new
// code does, and the button that does it.
func (k *console) confirmRegenerate(c *fiber.Ctx) error {
	ct, err := k.managedCounter(c)
	if err != nil {
		return err
	}
	u, err := k.store.Unit(c.UserContext(), ct.UnitID)
	if err != nil {
		return err
	}
	return k.render(c, "admin_regenerate", regenerateView{consolePage: k.page(c, "Buat kode baru untuk "+ct.Name, "admin"), Unit: u, Counter: ct})
}

// regenerateCode answers POST /admin/counters/:id/regenerate: with
// confirm=1 (from the confirmation page) the old code and its posters stop
// working; without it, the confirmation page is shown and nothing changes.
func (k *console) regenerateCode(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "1" {
		return k.confirmRegenerate(c)
	}
	ct, err := k.managedCounter(c)
	if err != nil {
		return err
	}
	if _, err := k.store.RegenerateCode(c.UserContext(), ct.ID); err != nil {
		return err
	}
	return c.Redirect("/admin/units/"+strconv.FormatInt(ct.UnitID, 10)+"?kode_baru="+strconv.FormatInt(ct.ID, 10)+"#loket-"+strconv.FormatInt(ct.ID, 10), fiber.StatusSeeOther)
}
