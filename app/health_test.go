package app

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"persepsi/survey"
)

// TestPublicHealthIsLivenessOnly: the public /healthz says the server is up
// and nothing else; it once showed the live response counter (= the last
// response id), which someone at a counter could match to a person.
func TestPublicHealthIsLivenessOnly(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	first := body(t, e.do(t, httptest.NewRequest(http.MethodGet, "/healthz", nil)))
	for range 3 {
		if resp := e.do(t, postForm("/s/"+sd.counter.Code, e.validForm(t, sd, "5"))); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submission: %d", resp.StatusCode)
		}
	}
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if got := body(t, resp); resp.StatusCode != 200 || got != `{"status":"ok"}` || got != first {
		t.Fatalf("public health: %d %s (before the submissions: %s)", resp.StatusCode, got, first)
	}
}

// TestDetailedHealthAdminsAndDegraded: the details are for admins only, and
// a store whose writes fail is reported degraded (503) while the public
// liveness answer stays ok. The failure is real: a trigger makes the probe's
// write through the writer connection fail, as a full disk would.
func TestDetailedHealthAdminsAndDegraded(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	for role, want := range map[survey.Role]int{"": 401, survey.RoleViewer: 403, survey.RoleKepalaUnit: 403, survey.RoleAdmin: 200} {
		if resp := e.api(t, e.tokens[role], "/api/v1/health"); resp.StatusCode != want {
			t.Errorf("health as %q: %d, want %d", role, resp.StatusCode, want)
		}
	}
	var h struct {
		Status   string
		Problems []string
		Store    survey.Health
	}
	resp := e.api(t, e.tokens[survey.RoleAdmin], "/api/v1/health")
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Status != "ok" || !h.Store.Writable || h.Store.Units != 2 {
		t.Fatalf("healthy store: %+v %v", h, err)
	}

	if e.store.Dialect().Name() != "sqlite" {
		return // the rest makes SQLite's own "disk full" with a trigger
	}
	db, err := sql.Open("sqlite3", e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, ev := range []string{"INSERT", "UPDATE"} {
		if _, err := db.Exec(`CREATE TRIGGER disk_full_` + ev + ` BEFORE ` + ev + ` ON health_probe BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
			t.Fatal(err)
		}
	}
	resp = e.api(t, e.tokens[survey.RoleAdmin], "/api/v1/health")
	h.Problems = nil
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != 503 || h.Status != "degraded" || h.Store.Writable || len(h.Problems) != 1 || h.Problems[0] != "writes_failing" {
		t.Fatalf("failing writes: %d %+v %v", resp.StatusCode, h, err)
	}
	if resp := e.do(t, httptest.NewRequest(http.MethodGet, "/healthz", nil)); resp.StatusCode != 200 {
		t.Errorf("liveness while degraded: %d", resp.StatusCode)
	}
}
