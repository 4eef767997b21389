package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/storetest"
)

// Pengaturan records the public address; it takes effect at once in the
// console's links, and a loopback address blocks the evidence download
// with a page that says why and what to do.
func TestPublicAddressSetting(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	admin := survey.RoleAdmin
	a := strconv.FormatInt(e.a.unit.ID, 10)
	form := func(base string) url.Values {
		return url.Values{"base_url": {base}, "min_group": {"5"}, "min_respondents": {"30"}, "ipak_wbk": {"3,6"}, "ipak_wbbm": {"3,6"}, "ipkp_wbk": {"3,2"}, "ipkp_wbbm": {"3,6"}}
	}
	if page := body(t, e.get(t, admin, "/admin/settings")); !strings.Contains(page, `value="https://survei.example.go.id"`) {
		t.Fatal("settings page does not show the address in force")
	}
	resp := e.post(t, admin, "/admin/settings", form("survei baru"))
	if page := body(t, resp); resp.StatusCode != 422 || !strings.Contains(page, `value="survei baru"`) || !strings.Contains(page, "diawali http://") {
		t.Fatalf("bad address: %d", resp.StatusCode)
	}
	if resp := e.post(t, admin, "/admin/settings", form("https://baru.contoh.go.id/")); resp.StatusCode != 303 {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if st, _ := e.store.Settings(context.Background()); st.BaseURL != "https://baru.contoh.go.id" {
		t.Fatalf("stored %q", st.BaseURL)
	}
	if page := body(t, e.get(t, admin, "/admin/units/"+a)); !strings.Contains(page, "https://baru.contoh.go.id/s/"+e.a.counter.Code) {
		t.Fatal("unit page still prints the old address")
	}
	if resp := e.post(t, admin, "/admin/settings", form("http://127.0.0.1:8080")); resp.StatusCode != 303 {
		t.Fatalf("save loopback: %d", resp.StatusCode)
	}
	if page := body(t, e.get(t, admin, "/admin/settings")); !strings.Contains(page, "hanya dapat dibuka di komputer server") {
		t.Fatal("no warning on a loopback address")
	}
	day := e.a.unit.LocalDay(time.Now())
	resp = e.get(t, admin, "/dashboard/units/"+a+"/bukti?from="+day+"&to="+day)
	if page := body(t, resp); resp.StatusCode != 409 || !strings.Contains(page, "Alamat publik belum diatur") || !strings.Contains(page, "Pengaturan") {
		t.Fatalf("evidence with a loopback address: %d", resp.StatusCode)
	}
}

// A public address recorded in Pengaturan on one node is in force on every
// node: two app servers on one PostgreSQL database, the address saved
// through a, b's unit page prints it within baseRefresh (plus the time b's
// store takes to hear of the write).
func TestPublicAddressReachesEveryNode(t *testing.T) {
	t.Parallel()
	db := storetest.PostgresURL(t)
	a := newConsoleEnvOn(t, storetest.MustOpenPostgres(t, db))
	b := &consoleEnv{testEnv: newTestEnvOn(t, storetest.MustOpenPostgres(t, db)), a: a.a, b: a.b, sessions: a.sessions, tokens: a.tokens}
	unit := "/admin/units/" + strconv.FormatInt(a.a.unit.ID, 10)
	if page := body(t, b.get(t, survey.RoleAdmin, unit)); !strings.Contains(page, "https://survei.example.go.id/s/"+a.a.counter.Code) {
		t.Fatal("b does not print the configured address before the change")
	}
	form := url.Values{"base_url": {"https://node-a.contoh.go.id"}, "min_group": {"5"}, "min_respondents": {"30"}, "ipak_wbk": {"3,6"}, "ipak_wbbm": {"3,6"}, "ipkp_wbk": {"3,2"}, "ipkp_wbbm": {"3,6"}}
	if resp := a.post(t, survey.RoleAdmin, "/admin/settings", form); resp.StatusCode != 303 {
		t.Fatalf("save on a: %d", resp.StatusCode)
	}
	start := time.Now()
	for !strings.Contains(body(t, b.get(t, survey.RoleAdmin, unit)), "https://node-a.contoh.go.id/s/"+a.a.counter.Code) {
		if time.Since(start) > baseRefresh+2*time.Second {
			t.Fatalf("b still prints the old address %s after the change on a", time.Since(start))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("b prints the new address %s after the change on a", time.Since(start).Round(time.Millisecond))
}
