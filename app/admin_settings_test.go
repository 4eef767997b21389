package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
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
