package app

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/stats"
	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

const testPassword = "kata-sandi-uji-123"

// console is a test environment with two units and a user of every role:
// the kepala unit and the viewer are assigned to unit A only.
type consoleEnv struct {
	*testEnv
	a, b     seed
	sessions map[survey.Role]string // session cookie per role
	tokens   map[survey.Role]string
}

func newConsoleEnv(t *testing.T, opts ...func(*Config)) *consoleEnv {
	t.Helper()
	return newConsoleEnvOn(t, storetest.MustOpen(t), opts...)
}

// newConsoleEnvOn is newConsoleEnv on store (see newTestEnvOn).
func newConsoleEnvOn(t *testing.T, store *sqlstore.Store, opts ...func(*Config)) *consoleEnv {
	t.Helper()
	e := &consoleEnv{testEnv: newTestEnvOn(t, store, opts...), sessions: map[survey.Role]string{}, tokens: map[survey.Role]string{}}
	e.a = e.seedUnit(t)
	e.b = e.seedUnit(t)
	ctx := context.Background()
	for _, r := range []survey.Role{survey.RoleAdmin, survey.RoleKepalaUnit, survey.RoleViewer} {
		u, err := e.store.CreateUser(ctx, survey.NewUser{Username: "u-" + strings.ReplaceAll(string(r), "_", "-"), Password: testPassword, Role: r, Units: []int64{e.a.unit.ID}})
		if err != nil {
			t.Fatal(err)
		}
		e.sessions[r] = e.login(t, u.Username, testPassword)
		raw, _, err := e.store.CreateToken(ctx, u.ID, "uji", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = raw
	}
	return e
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in through the real form and returns the session cookie.
func (e *consoleEnv) login(t *testing.T, username, password string) string {
	t.Helper()
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/login", nil))
	var pre string
	for _, c := range resp.Cookies() {
		if c.Name == preCookie {
			pre = c.Value
		}
	}
	m := csrfRE.FindStringSubmatch(body(t, resp))
	if pre == "" || m == nil {
		t.Fatal("login page without pre-session cookie or CSRF token")
	}
	req := postForm("/login", url.Values{"username": {username}, "password": {password}, "csrf": {m[1]}, "next": {"/dashboard"}})
	req.AddCookie(&http.Cookie{Name: preCookie, Value: pre})
	resp = e.do(t, req)
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || !c.Secure {
				t.Errorf("session cookie flags: %+v", c)
			}
			return c.Value
		}
	}
	t.Fatalf("login %s: %d, no session", username, resp.StatusCode)
	return ""
}

// get sends a GET as the given role ("" = anonymous).
func (e *consoleEnv) get(t *testing.T, role survey.Role, path string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if role != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: e.sessions[role]})
	}
	return e.do(t, req)
}

// post sends a form as the given role with that session's CSRF token.
func (e *consoleEnv) post(t *testing.T, role survey.Role, path string, form url.Values) *http.Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if role != "" && form.Get("csrf") == "" {
		form.Set("csrf", (&Server{cfg: e.cfg}).csrfToken(e.sessions[role]))
	}
	req := postForm(path, form)
	if role != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: e.sessions[role]})
	}
	return e.do(t, req)
}

func (e *consoleEnv) api(t *testing.T, token, path string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(t, req)
}

// TestAuthorizationMatrix runs every role against every console page and
// API route, on the unit assigned to them (A) and on another (B).
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	a, b := strconv.FormatInt(e.a.unit.ID, 10), strconv.FormatInt(e.b.unit.ID, 10)
	ca := strconv.FormatInt(e.a.counter.ID, 10)
	const anon = survey.Role("")
	admin, kepala, viewer := survey.RoleAdmin, survey.RoleKepalaUnit, survey.RoleViewer
	type want map[survey.Role]int
	html := []struct {
		method, path string
		want         want
	}{
		{"GET", "/dashboard", want{anon: 303, admin: 200, kepala: 200, viewer: 200}},
		{"GET", "/dashboard/units/" + a, want{anon: 303, admin: 200, kepala: 200, viewer: 200}},
		{"GET", "/dashboard/units/" + b, want{anon: 303, admin: 200, kepala: 403, viewer: 403}},
		{"GET", "/dashboard/units/" + a + "/charts/trend-IPAK.svg", want{anon: 303, admin: 200, kepala: 200, viewer: 200}},
		{"GET", "/dashboard/units/" + b + "/charts/items-SPAK.svg", want{anon: 303, admin: 200, kepala: 403, viewer: 403}},
		{"GET", "/account", want{anon: 303, admin: 200, kepala: 200, viewer: 200}},
		{"GET", "/admin", want{anon: 303, admin: 200, kepala: 200, viewer: 200}},
		{"GET", "/admin/units/" + a, want{anon: 303, admin: 200, kepala: 200, viewer: 403}},
		{"GET", "/admin/units/" + b, want{anon: 303, admin: 200, kepala: 403, viewer: 403}},
		{"POST", "/admin/units/" + a + "/services", want{anon: 401, admin: 303, kepala: 303, viewer: 403}},
		{"POST", "/admin/units/" + b + "/services", want{anon: 401, admin: 303, kepala: 403, viewer: 403}},
		{"POST", "/admin/counters/" + ca, want{anon: 401, admin: 303, kepala: 303, viewer: 403}},
		{"POST", "/admin/units/" + a, want{anon: 401, admin: 303, kepala: 403, viewer: 403}},
		{"POST", "/admin/units/" + a + "/population", want{anon: 401, admin: 303, kepala: 403, viewer: 403}},
		{"GET", "/admin/users", want{anon: 303, admin: 200, kepala: 403, viewer: 403}},
		{"GET", "/admin/settings", want{anon: 303, admin: 200, kepala: 403, viewer: 403}},
		{"POST", "/admin/users", want{anon: 401, admin: 303, kepala: 403, viewer: 403}},
	}
	n := 0
	for _, c := range html {
		for _, role := range []survey.Role{anon, admin, kepala, viewer} {
			n++
			var resp *http.Response
			if c.method == "GET" {
				resp = e.get(t, role, c.path)
			} else {
				form := url.Values{"name": {fmt.Sprintf("Nama %d", n)}, "active": {"1"}, "tz": {"Asia/Jakarta"},
					"questionnaire": {"spkp-spak-6@1"}, "from": {"2025-01-01"}, "to": {"2025-12-31"}, "population": {"1000"},
					"username": {fmt.Sprintf("baru%d", n)}, "password": {testPassword}, "role": {"viewer"}}
				resp = e.post(t, role, c.path, form)
			}
			if resp.StatusCode != c.want[role] {
				t.Errorf("%s %s as %q: %d, want %d", c.method, c.path, role, resp.StatusCode, c.want[role])
			}
		}
	}
	api := []struct {
		path string
		want want
	}{
		{"/api/v1/units", want{anon: 401, admin: 200, kepala: 200, viewer: 200}},
		{"/api/v1/units/" + a + "/summary", want{anon: 401, admin: 200, kepala: 200, viewer: 200}},
		{"/api/v1/units/" + b + "/summary", want{anon: 401, admin: 200, kepala: 403, viewer: 403}},
		{"/api/v1/units/" + a + "/daily?from=2025-01-01&to=2025-01-31", want{anon: 401, admin: 200, kepala: 200, viewer: 200}},
		{"/api/v1/units/" + b + "/daily", want{anon: 401, admin: 200, kepala: 403, viewer: 403}},
		{"/api/v1/units/" + a + "/counters", want{anon: 401, admin: 200, kepala: 200, viewer: 200}},
		{"/api/v1/units/" + b + "/services", want{anon: 401, admin: 200, kepala: 403, viewer: 403}},
		{"/api/v1/units/" + b + "/evidence?from=2025-01-01&to=2025-01-31", want{anon: 401, kepala: 403, viewer: 403}},
	}
	for _, c := range api {
		for _, role := range []survey.Role{anon, admin, kepala, viewer} {
			w, ok := c.want[role]
			if !ok {
				continue
			}
			if resp := e.api(t, e.tokens[role], c.path); resp.StatusCode != w {
				t.Errorf("API %s as %q: %d, want %d", c.path, role, resp.StatusCode, w)
			}
		}
	}
	// A kepala unit's viewer list shows only the assigned unit.
	resp := e.api(t, e.tokens[viewer], "/api/v1/units")
	var units struct{ Units []apiUnit }
	if err := json.NewDecoder(resp.Body).Decode(&units); err != nil || len(units.Units) != 1 || units.Units[0].ID != e.a.unit.ID {
		t.Errorf("viewer's units: %+v (%v)", units, err)
	}
	// A wrong or revoked token is 401.
	if resp := e.api(t, survey.TokenPrefix+"nope", "/api/v1/units"); resp.StatusCode != 401 {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
}

func TestCSRFRejected(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	path := "/admin/units/" + strconv.FormatInt(e.a.unit.ID, 10) + "/services"
	for name, token := range map[string]string{"missing": "", "wrong": "AAAA", "other session": (&Server{cfg: e.cfg}).csrfToken(e.sessions[survey.RoleViewer])} {
		form := url.Values{"name": {"Layanan " + name}}
		req := postForm(path, form)
		if token != "" {
			form.Set("csrf", token)
			req = postForm(path, form)
		}
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: e.sessions[survey.RoleAdmin]})
		if resp := e.do(t, req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s token: %d, want 403", name, resp.StatusCode)
		}
	}
	svcs, _ := e.store.Services(context.Background(), e.a.unit.ID)
	if len(svcs) != 1 {
		t.Errorf("a rejected form wrote: %d services", len(svcs))
	}
	// The login form is protected too: no pre-session cookie, no login.
	req := postForm("/login", url.Values{"username": {"u-admin"}, "password": {testPassword}, "csrf": {"x"}})
	if resp := e.do(t, req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without token: %d", resp.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	// Logout ends the session server-side.
	sess := e.sessions[survey.RoleAdmin]
	if resp := e.post(t, survey.RoleAdmin, "/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess})
	if resp := e.do(t, req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("dashboard after logout: %d", resp.StatusCode)
	}
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	r := survey.RoleViewer
	if resp := e.post(t, r, "/account/password", url.Values{"current": {"salah"}, "new": {"baru-sekali-123"}, "confirm": {"baru-sekali-123"}}); resp.StatusCode != 422 {
		t.Errorf("wrong current password: %d", resp.StatusCode)
	}
	if resp := e.post(t, r, "/account/password", url.Values{"current": {testPassword}, "new": {"baru-sekali-123"}, "confirm": {"lain"}}); resp.StatusCode != 422 {
		t.Errorf("confirmation differs: %d", resp.StatusCode)
	}
	if resp := e.post(t, r, "/account/password", url.Values{"current": {testPassword}, "new": {"baru-sekali-123"}, "confirm": {"baru-sekali-123"}}); resp.StatusCode != 303 {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	e.login(t, "u-viewer", "baru-sekali-123")
}

// TestAPINumbersEqualRawStatistics submits responses through the real
// respondent endpoint's store path and checks the API's summary and daily
// numbers against statistics computed here from the raw scores.
func TestAPINumbersEqualRawStatistics(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	sv, err := e.store.SurveyByCode(ctx, e.a.counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	q := sv.Questionnaire
	day := time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC) // 10:00 WIB
	var ipak []float64
	items := map[string][]float64{}
	for i := range 40 {
		in := survey.Input{Service: strconv.FormatInt(e.a.service.ID, 10), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		sec, _ := q.SectionByIndex("IPAK")
		tot := 0
		for j, it := range q.Items() {
			v := 1 + (i*7+j*3)%6
			in.Answers[it.Code] = strconv.Itoa(v)
			items[it.Code] = append(items[it.Code], float64(v))
		}
		for _, it := range sec.Items {
			v, _ := strconv.Atoi(in.Answers[it.Code])
			tot += v
		}
		ipak = append(ipak, float64(tot)/float64(len(sec.Items)))
		r, err := sv.Validate(in, day.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.store.Submit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	resp := e.api(t, e.tokens[survey.RoleViewer], fmt.Sprintf("/api/v1/units/%d/summary?from=2025-05-20&to=2025-05-20", e.a.unit.ID))
	if resp.StatusCode != 200 {
		t.Fatalf("summary: %d %s", resp.StatusCode, body(t, resp))
	}
	var got struct {
		N     int64
		IPAK  apiEstimate `json:"ipak"`
		IPKP  apiEstimate `json:"ipkp"`
		Items []struct {
			Code   string
			Mean   *float64 `json:"mean"`
			CILow  *float64 `json:"ci_low"`
			CIHigh *float64 `json:"ci_high"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := stats.BoundedMeanCI(ipak, stats.IntervalSpec{Level: 0.95, Min: 1, Max: 6})
	close := func(a *float64, b float64) bool { return a != nil && math.Abs(*a-b) < 1e-9 }
	if got.N != 40 || !close(got.IPAK.Index, want.Mean/6*4) || !close(got.IPAK.CILow, want.Lo/6*4) || !close(got.IPAK.CIHigh, want.Hi/6*4) || !close(got.IPAK.RawMean, want.Mean) {
		t.Errorf("IPAK: %+v, want %v [%v, %v] ×4/6", got.IPAK, want.Mean, want.Lo, want.Hi)
	}
	for _, it := range got.Items {
		w := stats.BoundedMeanCI(items[it.Code], stats.IntervalSpec{Level: 0.95, Min: 1, Max: 6})
		if !close(it.Mean, w.Mean/6*4) || !close(it.CILow, w.Lo/6*4) || !close(it.CIHigh, w.Hi/6*4) {
			t.Errorf("%s: %v [%v, %v], want %v", it.Code, *it.Mean, *it.CILow, *it.CIHigh, w.Mean/6*4)
		}
	}
	resp = e.api(t, e.tokens[survey.RoleViewer], fmt.Sprintf("/api/v1/units/%d/daily?from=2025-05-19&to=2025-05-21", e.a.unit.ID))
	var daily struct {
		Days []struct {
			Day  string
			N    int64
			IPAK apiEstimate `json:"ipak"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&daily); err != nil {
		t.Fatal(err)
	}
	if len(daily.Days) != 3 || daily.Days[1].N != 40 || daily.Days[0].N != 0 || !close(daily.Days[1].IPAK.Index, want.Mean/6*4) || daily.Days[0].IPAK.Index != nil {
		t.Errorf("daily: %+v", daily.Days)
	}
	// The dashboard prints the same number with a comma.
	page := body(t, e.get(t, survey.RoleViewer, fmt.Sprintf("/dashboard/units/%d?from=2025-05-20&to=2025-05-20", e.a.unit.ID)))
	if s := survey.FormatDecimal(want.Mean/6*4, 3); !strings.Contains(page, s) {
		t.Errorf("dashboard lacks IPAK %s", s)
	}
	if !strings.Contains(page, "IPAK – Indeks Persepsi Anti Korupsi (skala 4)") || !strings.Contains(page, "charts/trend-IPAK.svg") {
		t.Error("dashboard lacks the labelled index or its chart")
	}
}

// TestDashboardNamesIntervalMethodAndEveryMargin is issue 9 items 2 and 9
// on the dashboard: the intervals are printed with the method that made
// them, named and versioned as in the PDF and the API, and the margin of
// error achieved is given for every index, not the IPKP alone.
func TestDashboardNamesIntervalMethodAndEveryMargin(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	day := time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC)
	e.submitAt(t, e.a.counter, e.a, 10, day, func(i int) int { return 3 + i%4 })
	page := body(t, e.get(t, survey.RoleViewer, fmt.Sprintf("/dashboard/units/%d?from=2025-05-20&to=2025-05-20", e.a.unit.ID)))
	text := strings.Join(strings.Fields(html.UnescapeString(page)), " ")
	for _, want := range []string{
		"Interval kepercayaan 95%: metode wilson-neff v1",
		"Margin kesalahan yang tercapai IPKP – Indeks Persepsi Kualitas Pelayanan (skala 4): ± ",
		"Margin kesalahan yang tercapai IPAK – Indeks Persepsi Anti Korupsi (skala 4): ± ",
	} {
		if !strings.Contains(text, want) {
			i := strings.Index(text, "Ringkasan indeks</h2>")
			t.Errorf("the dashboard lacks %q: …%s…", want, text[max(0, i):min(len(text), i+400)])
		}
	}
}
