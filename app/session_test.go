package app

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestSafeNext: only paths on this site survive as the post-login target;
// everything a browser could resolve to another origin becomes the
// dashboard.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/dashboard/units/3?period=2026-01", "/dashboard/units/3?period=2026-01"},
		{"/admin/users#pengguna", "/admin/users#pengguna"},
		{"/s/abc%20def", "/s/abc%20def"},
		{"", "/dashboard"},
		{"dashboard", "/dashboard"},
		{"//evil.example", "/dashboard"},
		{"///evil.example", "/dashboard"},
		{"/\t/evil.example", "/dashboard"},
		{"/\n/evil.example", "/dashboard"},
		{"/\r\n/evil.example", "/dashboard"},
		{"/\x00/evil.example", "/dashboard"},
		{"/\\evil.example", "/dashboard"},
		{"/\\/evil.example", "/dashboard"},
		{"\\\\evil.example", "/dashboard"},
		{" /evil", "/dashboard"},
		{"/ /evil.example", "/dashboard"},
		{"https://evil.example/", "/dashboard"},
		{"javascript:alert(1)", "/dashboard"},
		{"/%2F/evil.example", "/dashboard"},
		{"/%5Cevil.example", "/dashboard"},
		{"/\u3000/evil.example", "/dashboard"},
		{"/\u2028/evil.example", "/dashboard"},
		{"/\x7f/evil.example", "/dashboard"},
		{"/a%zz", "/dashboard"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLoginRedirectStaysOnSite: the finding's request, end to end.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	sc := e.signInClient(t)
	req := postForm("/login", url.Values{"username": {"u-viewer"}, "password": {testPassword}, "csrf": {sc.csrf}, "next": {"/\t/evil.example"}})
	req.AddCookie(&http.Cookie{Name: preCookie, Value: sc.pre})
	resp := e.do(t, req)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/dashboard" {
		t.Fatalf("login with next=/%%09/evil.example: %d Location %q", resp.StatusCode, loc)
	}
}

// TestHSTSWithHTTPSBaseURL: HSTS is sent when the site is served over
// https, and not over plain http (where it would be ignored and wrong).
func TestHSTSWithHTTPSBaseURL(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{"https://survei.example.go.id": "max-age=31536000", "http://localhost:8080": ""} {
		e := newTestEnv(t, func(c *Config) { c.BaseURL = base })
		resp := e.do(t, httptest.NewRequest(http.MethodGet, "/login", nil))
		if got := resp.Header.Get("Strict-Transport-Security"); got != want {
			t.Errorf("%s: Strict-Transport-Security %q, want %q", base, got, want)
		}
	}
}
