package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"persepsi/survey"
	"persepsi/survey/storetest"
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
	if h.Store.Node != e.store.Node() || len(h.Store.Node) != 12 || h.Store.Database != e.store.Dialect().Name() {
		t.Errorf("health names node %q on %q, want %q on %q", h.Store.Node, h.Store.Database, e.store.Node(), e.store.Dialect().Name())
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

// TestHealthPerNode: two nodes on one PostgreSQL database each report
// their own view: distinct node ids, both hearing the other, and only the
// one running the maintenance says so. When the owner closes, the other
// says so after its next try.
func TestHealthPerNode(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	a := newConsoleEnvOn(t, storetest.MustOpenPostgres(t, url))
	b := &consoleEnv{testEnv: newTestEnvOn(t, storetest.MustOpenPostgres(t, url))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.store.Maintain(ctx, time.Hour)
	for deadline := time.Now().Add(5 * time.Second); !a.store.RunsMaintenance(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a does not claim the maintenance")
		}
	}
	go b.store.Maintain(ctx, 20*time.Millisecond) // tries again and again, in vain while a owns
	health := func(e *consoleEnv) survey.Health {
		t.Helper()
		var h struct {
			Status string
			Store  survey.Health
		}
		resp := e.api(t, a.tokens[survey.RoleAdmin], "/api/v1/health")
		if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != 200 {
			t.Fatalf("health: %d %v", resp.StatusCode, err)
		}
		return h.Store
	}
	var ha, hb survey.Health
	deadline := time.Now().Add(5 * time.Second)
	for {
		ha, hb = health(a), health(b)
		if ha.Listener == "connected" && hb.Listener == "connected" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ha.Database != "postgres" || hb.Database != "postgres" || ha.Node == hb.Node {
		t.Errorf("nodes: %q on %s and %q on %s", ha.Node, ha.Database, hb.Node, hb.Database)
	}
	if ha.Listener != "connected" || hb.Listener != "connected" {
		t.Errorf("listeners: %s, %s", ha.Listener, hb.Listener)
	}
	if !ha.MaintenanceOwner || hb.MaintenanceOwner {
		t.Fatalf("maintenance owners: a %v, b %v; want a only", ha.MaintenanceOwner, hb.MaintenanceOwner)
	}
	if err := a.store.Close(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !health(b).MaintenanceOwner; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("b does not report running the maintenance after a closed")
		}
	}
}
