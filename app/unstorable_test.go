package app

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"persepsi/survey"
	"persepsi/survey/storetest"
)

// TestUnstorableTextIsNever500: text no database can hold (NUL, invalid
// UTF-8) in every field a visitor or an admin can send gets an answer, on
// SQLite and on PostgreSQL, never a 500. PostgreSQL refuses such a query
// parameter outright: a NUL in the sign-in form's username gave a 500
// there until the store answered such lookups "not found" itself.
func TestUnstorableTextIsNever500(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		checkUnstorableText(t, newConsoleEnv(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		checkUnstorableText(t, newConsoleEnvOn(t, storetest.MustOpenPostgres(t, storetest.PostgresURL(t))))
	})
}

func checkUnstorableText(t *testing.T, e *consoleEnv) {
	bad := []string{"a\x00b", "\xff\xfe", "kepala\x00", strings.Repeat("\x00", 10), "ok\xc3"}
	for _, b := range bad {
		// sign-in, through the real form (pre-session cookie and CSRF token)
		resp := e.do(t, httptest.NewRequest(http.MethodGet, "/login", nil))
		var pre string
		for _, c := range resp.Cookies() {
			if c.Name == preCookie {
				pre = c.Value
			}
		}
		m := csrfRE.FindStringSubmatch(body(t, resp))
		req := postForm("/login", url.Values{"username": {b}, "password": {b}, "csrf": {m[1]}, "next": {"/dashboard"}})
		req.AddCookie(&http.Cookie{Name: preCookie, Value: pre})
		if resp := e.do(t, req); resp.StatusCode >= 500 || resp.StatusCode == 403 {
			t.Errorf("login %q: %d", b, resp.StatusCode)
		}
		// the respondent form: every field
		in := url.Values{"layanan": {b}, "kunci": {b}, "KONTROL": {b}, "saran": {b}, "usia": {b}, "jenis_kelamin": {b}, "pendidikan": {b}, "pekerjaan": {b}}
		req = httptest.NewRequest(http.MethodPost, "/s/"+e.a.counter.Code, strings.NewReader(in.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp := e.do(t, req); resp.StatusCode >= 500 {
			t.Errorf("submit %q: %d", b, resp.StatusCode)
		}
		for _, p := range []string{"/s/" + url.PathEscape(b), "/verify?ref=" + url.QueryEscape(b), "/api/v1/units/1/summary?from=" + url.QueryEscape(b)} {
			if resp := e.get(t, survey.RoleAdmin, p); resp.StatusCode >= 500 {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		unit := "/admin/units/" + strconv.FormatInt(e.a.unit.ID, 10)
		for _, p := range []string{"/admin/units", "/admin/users", "/admin/settings", unit, unit + "/services", unit + "/counters", unit + "/population",
			"/dashboard/units/" + strconv.FormatInt(e.a.unit.ID, 10) + "/tindak-lanjut", "/account/tokens", "/account/password"} {
			f := url.Values{"name": {b}, "agency": {b}, "username": {b}, "password": {b}, "role": {b}, "base_url": {b}, "time_zone": {b},
				"cause": {b}, "action": {b}, "owner": {b}, "deadline": {b}, "item": {b}, "population": {b}, "from": {b}, "to": {b},
				"current": {b}, "next": {b}, "confirm": {b}}
			// Reached the handler (no 403/404), and answered without a 500.
			if resp := e.post(t, survey.RoleAdmin, p, f); resp.StatusCode >= 500 || resp.StatusCode == 403 || resp.StatusCode == 404 {
				t.Errorf("POST %s %q: %d", p, b, resp.StatusCode)
			}
		}
		req = httptest.NewRequest(http.MethodGet, "/api/v1/units", nil)
		req.Header.Set("Authorization", "Bearer "+survey.TokenPrefix+b)
		if resp := e.do(t, req); resp.StatusCode >= 500 {
			t.Errorf("token %q: %d", b, resp.StatusCode)
		}
	}
}
