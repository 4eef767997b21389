package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"persepsi/survey"
)

func TestAdminForms(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	a := strconv.FormatInt(e.a.unit.ID, 10)
	admin, kepala := survey.RoleAdmin, survey.RoleKepalaUnit

	// A rejected form comes back as 422 with what was typed.
	resp := e.post(t, admin, "/admin/units", url.Values{"name": {""}, "agency": {"Pemkab Uji Ketik"}, "tz": {"Europe/Paris"}})
	if page := body(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "Pemkab Uji Ketik") || !strings.Contains(page, "Zona waktu harus") {
		t.Errorf("bad unit form: %d", resp.StatusCode)
	}
	// The admin moves unit A to WIT; the kepala unit adds a counter there.
	if resp := e.post(t, admin, "/admin/units/"+a, url.Values{"name": {"Unit A"}, "tz": {"Asia/Jayapura"}, "questionnaire": {"spkp-spak-4@1"}}); resp.StatusCode != 303 {
		t.Fatalf("update unit: %d", resp.StatusCode)
	}
	u, _ := e.store.Unit(ctx, e.a.unit.ID)
	q, _ := e.store.Questionnaire(u.QuestionnaireID)
	if u.Name != "Unit A" || u.TimeZone != "Asia/Jayapura" || q.Ref() != "spkp-spak-4@1" {
		t.Errorf("unit after update: %+v %s", u, q.Ref())
	}
	if resp := e.post(t, kepala, "/admin/units/"+a+"/counters", url.Values{"name": {"Loket Baru"}, "service": {strconv.FormatInt(e.a.service.ID, 10)}}); resp.StatusCode != 303 {
		t.Fatalf("add counter: %d", resp.StatusCode)
	}
	page := body(t, e.get(t, kepala, "/admin/units/"+a))
	if !strings.Contains(page, "Loket Baru") || !strings.Contains(page, "/s/"+e.a.counter.Code+"/qr.png") || !strings.Contains(page, "mode=kiosk") {
		t.Error("unit page lacks the new counter, the QR link or the kiosk link")
	}
	// Settings accept comma decimals and reject out-of-range ones.
	if resp := e.post(t, admin, "/admin/settings", url.Values{"min_group": {"7"}, "min_respondents": {"40"}, "ipak_wbk": {"3,70"}, "ipak_wbbm": {"3,7"}, "ipkp_wbk": {"3.2"}, "ipkp_wbbm": {"3,6"}}); resp.StatusCode != 303 {
		t.Fatalf("settings: %d", resp.StatusCode)
	}
	st, _ := e.store.Settings(ctx)
	if st.MinGroup != 7 || st.MinRespondents != 40 || st.Thresholds.For("IPAK")[0].Min != 3.7 {
		t.Errorf("settings: %+v", st)
	}
	if resp := e.post(t, admin, "/admin/settings", url.Values{"min_group": {"7"}, "min_respondents": {"1"}, "ipak_wbk": {"9"}, "ipak_wbbm": {"x"}, "ipkp_wbk": {"3.2"}, "ipkp_wbbm": {"3,6"}}); resp.StatusCode != 422 {
		t.Errorf("bad settings: %d", resp.StatusCode)
	}
	// An admin cannot lock themselves out.
	me, _ := e.store.UserByName(ctx, "u-admin")
	if resp := e.post(t, admin, "/admin/users/"+strconv.FormatInt(me.ID, 10), url.Values{"role": {"viewer"}, "active": {"1"}}); resp.StatusCode != 422 {
		t.Errorf("self-demotion: %d", resp.StatusCode)
	}
}

// TestAdminPasswordResetEndsAccess: an admin's reset of another user's
// password under Pengguna ends that user's sessions and revokes their API
// tokens (a reset answers a leaked password); the form says so.
func TestAdminPasswordResetEndsAccess(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	kepala, _ := e.store.UserByName(ctx, "u-kepala-unit")
	if !strings.Contains(body(t, e.get(t, survey.RoleAdmin, "/admin/users")), "mencabut token API") {
		t.Error("the user form does not say what a new password ends")
	}
	if resp := e.api(t, e.tokens[survey.RoleKepalaUnit], "/api/v1/units"); resp.StatusCode != 200 {
		t.Fatalf("token before the reset: %d", resp.StatusCode)
	}
	form := url.Values{"role": {string(survey.RoleKepalaUnit)}, "active": {"1"}, "units": {strconv.FormatInt(e.a.unit.ID, 10)}, "password": {"kata-sandi-baru-456"}}
	if resp := e.post(t, survey.RoleAdmin, "/admin/users/"+strconv.FormatInt(kepala.ID, 10), form); resp.StatusCode != 303 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if resp := e.api(t, e.tokens[survey.RoleKepalaUnit], "/api/v1/units"); resp.StatusCode != 401 {
		t.Errorf("token after the reset: %d, want 401", resp.StatusCode)
	}
	if resp := e.get(t, survey.RoleKepalaUnit, "/dashboard"); resp.StatusCode != 303 {
		t.Errorf("session after the reset: %d, want 303 to the login", resp.StatusCode)
	}
}
