package app

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

type settingsView struct {
	consolePage
	F        fmtNum
	Settings survey.Settings
	Form     map[string]string
	Errors   map[string]string
	Saved    bool
	// Loopback is true while the public address in force opens on the
	// server machine only.
	Loopback bool
}

func (k *console) settingsView(c *fiber.Ctx, st survey.Settings, form, errs map[string]string) settingsView {
	return settingsView{consolePage: k.page(c, "Pengaturan", "admin"), Settings: st, Form: form, Errors: errs,
		Loopback: survey.IsLoopbackURL(k.baseURL().String())}
}

func thresholdField(t survey.Threshold) string { return strings.ToLower(t.Index + "_" + t.Predicate) }

// Field names a threshold's form field, for the template.
func (settingsView) Field(t survey.Threshold) string { return thresholdField(t) }

// settings answers GET /admin/settings (admin only): the public address,
// predicate thresholds, the minimum group size and the minimum number of
// respondents for a verdict.
func (k *console) settings(c *fiber.Ctx) error {
	st, err := k.store.Settings(c.UserContext())
	if err != nil {
		return err
	}
	form := map[string]string{"min_group": strconv.Itoa(st.MinGroup), "min_respondents": strconv.Itoa(st.MinRespondents),
		"base_url": k.baseURL().String()}
	for _, t := range st.Thresholds {
		form[thresholdField(t)] = survey.FormatDecimal(t.Min, 2)
	}
	v := k.settingsView(c, st, form, nil)
	v.Saved = c.Query("ok") == "1"
	return k.render(c, "admin_settings", v)
}

// saveSettings answers POST /admin/settings. Decimals may be typed with a
// comma or a dot.
func (k *console) saveSettings(c *fiber.Ctx) error {
	form := formValues(c, "min_group", "min_respondents", "base_url")
	st := survey.Settings{Thresholds: survey.DefaultThresholds(), BaseURL: form["base_url"]}
	errs := map[string]string{}
	var err error
	for name, dst := range map[string]*int{"min_group": &st.MinGroup, "min_respondents": &st.MinRespondents} {
		if *dst, err = strconv.Atoi(strings.TrimSpace(form[name])); err != nil {
			errs[name] = "Isi dengan bilangan bulat."
		}
	}
	for i, t := range st.Thresholds {
		name := thresholdField(t)
		form[name] = strings.Clone(c.FormValue(name))
		x, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(form[name]), ",", "."), 64)
		if err != nil {
			errs[name] = "Isi dengan angka, mis. 3,60."
			continue
		}
		st.Thresholds[i].Min = x
	}
	if len(errs) == 0 {
		err = k.store.SetSettings(c.UserContext(), st)
		if ve, ok := survey.IsValidation(err); ok {
			errs = ve.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) == 0 {
		if err := k.setBaseURL(st.BaseURL); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return k.render(c, "admin_settings", k.settingsView(c, st, form, errs))
	}
	return c.Redirect("/admin/settings?ok=1", fiber.StatusSeeOther)
}
