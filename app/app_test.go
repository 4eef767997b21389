package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClosingStoreAnswers503: once the store is closing or closed, reads and
// submissions answer 503 with Retry-After (come back soon), not 500.
func TestClosingStoreAnswers503(t *testing.T) {
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	form := e.validForm(t, sd, "5")
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	for name, req := range map[string]*http.Request{
		"API read": func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/units", nil)
			r.Header.Set("Authorization", "Bearer psp_sembarang")
			return r
		}(),
		"submission": postForm("/s/"+sd.counter.Code, form),
		"JSON submission": func() *http.Request {
			r := postForm("/s/"+sd.counter.Code, form)
			r.Header.Set("Accept", "application/json")
			return r
		}(),
	} {
		resp := e.do(t, req)
		page := body(t, resp)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || strings.Contains(page, "database is closed") {
			t.Errorf("%s on a closed store: %d Retry-After %q %.200q", name, resp.StatusCode, resp.Header.Get("Retry-After"), page)
		}
	}
}
