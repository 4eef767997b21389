package app

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"persepsi/survey"
)

// pageBudget is the most the respondent page may weigh, HTML, CSS and
// script together, before compression.
const pageBudget = 25 << 10

func TestSurveyPageShowsTheQuestionnaire(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code, nil))
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	sv, err := e.store.SurveyByCode(context.Background(), sd.counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	q := sv.Questionnaire
	want := []string{
		`<html lang="id">`,
		"Dinas Penanaman Modal", "Pemerintah Kabupaten Contoh", "Loket 1",
		anonymityPromise,
		// The service is required, visibly and for assistive technology;
		// the optional profile fields are not marked.
		`<label class="f" for="layanan">Jenis layanan yang Anda terima <span class="req">(wajib diisi)</span></label>`,
		`<select id="layanan" name="layanan" required aria-required="true">`, "Perizinan Usaha",
		q.Control.Text,
		"Tentang Anda (opsional)",
		`<textarea id="saran" name="saran" maxlength="1000"`,
		`method="post" action="/s/` + sd.counter.Code + `"`,
		`<button type="submit">`,
	}
	for _, it := range q.Items() {
		want = append(want, escaped(it.Text), escaped(it.Help), `name="`+it.Code+`" value="6"`)
	}
	for _, f := range q.Profile {
		want = append(want, `<label class="f" for="`+f.Code+`">`+f.Label+`</label>`)
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if n := strings.Count(page, "aria-required"); n != 1 {
		t.Errorf("%d fields marked required, want only the service", n)
	}
	// One fieldset and legend per item, plus the control question.
	if n, m := strings.Count(page, "<fieldset"), strings.Count(page, "<legend>"); n != len(q.Items())+1 || m != n {
		t.Errorf("%d fieldsets and %d legends, want %d", n, m, len(q.Items())+1)
	}
	// The honeypot is out of sight and out of the tab order.
	if !regexp.MustCompile(`<div class="hp" aria-hidden="true"><label>[^<]*<input type="text" name="website" tabindex="-1" autocomplete="off">`).MatchString(page) {
		t.Error("honeypot missing or reachable")
	}
	key := regexp.MustCompile(`name="kunci" value="([0-9a-f]{32})"`).FindStringSubmatch(page)
	if key == nil {
		t.Fatal("no idempotency key in the form")
	}
	// The form works without JavaScript and loads nothing else.
	for _, banned := range []string{"<script", "<link", "src=", "http://", "https://", "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("page contains %q: it must be self-contained", banned)
		}
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store (the form carries a one-time key)", cc)
	}

	// A fresh key on every load, so two respondents never share one.
	again := body(t, e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code, nil)))
	if strings.Contains(again, key[1]) {
		t.Error("the same idempotency key was printed twice")
	}
}

// escaped escapes s as html/template prints text.
func escaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestSurveyPageSetsADeviceCookie(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code, nil))
	var dev *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			dev = c
		}
	}
	if dev == nil || !deviceFormat.MatchString(dev.Value) || !dev.HttpOnly || !dev.Secure || dev.SameSite != http.SameSiteLaxMode || dev.Path != "/s/" {
		t.Fatalf("device cookie %+v", dev)
	}
	req := httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code, nil)
	req.AddCookie(dev)
	if resp := e.do(t, req); len(resp.Cookies()) != 0 {
		t.Fatal("a device that has a cookie must keep it, not get a new one")
	}

	// Plain http base URL (a LAN install): the cookie cannot be Secure.
	e = newTestEnv(t, func(c *Config) { c.BaseURL = "http://192.168.1.10:8080" })
	sd = e.seedUnit(t)
	resp = e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code, nil))
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].Secure {
		t.Fatalf("cookies %+v", cs)
	}
}

func TestSurveyPageNotFound(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	retired := sd.counter.Code
	if _, err := e.store.RegenerateCode(context.Background(), sd.counter.ID); err != nil {
		t.Fatal(err)
	}
	inactive, err := e.store.CreateCounter(context.Background(), survey.NewCounter{UnitID: sd.unit.ID, Name: "Loket Tutup"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.UpdateCounter(context.Background(), inactive.ID, inactive.Name, 0, false); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"/s/aaaaaaaaaaaaaaaa",              // well-formed, unknown
		"/s/" + inactive.Code,              // switched off
		"/s/" + strings.ToUpper(retired),   // malformed
		"/s/" + url.PathEscape("<b>x</b>"), // malformed, and must not echo
		"/s/aaaaaaaaaaaaaaaa/terima-kasih",
		"/s/aaaaaaaaaaaaaaaa/poster",
		"/s/aaaaaaaaaaaaaaaa/qr.png",
	} {
		resp := e.do(t, httptest.NewRequest(http.MethodGet, path, nil))
		page := body(t, resp)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "Halaman tidak ditemukan") || strings.Contains(page, "<b>x") {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
	}
}

func TestSurveyPageSize(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code
	// The heaviest page is the form shown again with a problem on every
	// field: each message, the summary and a full suggestion.
	worst := url.Values{"kunci": {"x"}, "saran": {strings.Repeat("é", 1001)}, "usia": {"?"}, "jenis_kelamin": {"?"}, "pendidikan": {"?"}, "pekerjaan": {"?"}, "KONTROL": {"?"}}
	pages := map[string]*http.Request{
		"blank":        httptest.NewRequest(http.MethodGet, path, nil),
		"kiosk":        httptest.NewRequest(http.MethodGet, e.kioskPath(sd.counter.Code), nil),
		"every error":  postForm(path, worst),
		"no questions": postForm(path, url.Values{}),
	}
	for name, req := range pages {
		resp := e.do(t, req)
		page := body(t, resp)
		if len(page) > pageBudget {
			t.Errorf("%s page is %d bytes, over the %d budget", name, len(page), pageBudget)
		}
		t.Logf("%s page: %d bytes", name, len(page))
	}

	// On the wire it is compressed.
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp := e.do(t, req)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zipped, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !strings.Contains(string(plain), "</html>") {
		t.Fatalf("gzip body does not hold the page: %v", err)
	}
	t.Logf("blank page: %d bytes gzipped", len(zipped))
}

// kioskPath is the path of a counter's kiosk URL.
func (e *testEnv) kioskPath(code string) string {
	srv, err := newServer(e.cfg, e.store)
	if err != nil {
		panic(err)
	}
	return strings.TrimPrefix(srv.KioskURL(code), strings.TrimRight(e.cfg.BaseURL, "/"))
}
