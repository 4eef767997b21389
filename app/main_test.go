package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// testEnv is a real application on a fresh temp SQLite file.
type testEnv struct {
	app   *fiber.App
	store *sqlstore.Store
	cfg   Config
	addr  string // set by send: the app on a loopback listener
}

// newTestEnv builds the app on a temp database with the shipped
// questionnaires. Options may adjust the config before the app is built.
func newTestEnv(tb testing.TB, opts ...func(*Config)) *testEnv {
	tb.Helper()
	return newTestEnvOn(tb, storetest.MustOpen(tb), opts...)
}

// newTestEnvOn builds the app on store: two of them on stores of one
// PostgreSQL database (storetest.MustOpenPostgres) are two nodes.
func newTestEnvOn(tb testing.TB, store *sqlstore.Store, opts ...func(*Config)) *testEnv {
	tb.Helper()
	cfg := Config{
		BaseURL: "https://survei.example.go.id",
		Secret:  []byte(strings.Repeat("k", 32)),
		Logger:  storetest.Logger,
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := New(cfg, store)
	if err != nil {
		tb.Fatal(err)
	}
	return &testEnv{app: a, store: store, cfg: cfg}
}

// seed holds what seedUnit creates.
type seed struct {
	unit    *survey.Unit
	service *survey.Service
	counter *survey.Counter // no fixed service: the respondent chooses
}

// seedUnit creates a unit (WIB, default questionnaire) with one service and
// one counter.
func (e *testEnv) seedUnit(tb testing.TB) seed {
	tb.Helper()
	ctx := context.Background()
	u, err := e.store.CreateUnit(ctx, survey.NewUnit{Name: "Dinas Penanaman Modal", Agency: "Pemerintah Kabupaten Contoh", TimeZone: "Asia/Jakarta"})
	if err != nil {
		tb.Fatal(err)
	}
	sv, err := e.store.CreateService(ctx, u.ID, "Perizinan Usaha")
	if err != nil {
		tb.Fatal(err)
	}
	c, err := e.store.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "Loket 1"})
	if err != nil {
		tb.Fatal(err)
	}
	return seed{unit: u, service: sv, counter: c}
}

// do sends a request through app.Test and fails the test on transport errors.
func (e *testEnv) do(tb testing.TB, req *http.Request) *http.Response {
	tb.Helper()
	resp, err := e.app.Test(req, -1)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// postForm builds a form-encoded POST.
func postForm(path string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// body reads a response body as a string.
func body(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestHealthAndUnknownPath(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	if resp := e.do(t, httptest.NewRequest(http.MethodGet, "/healthz", nil)); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/no/such/page", nil))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body(t, resp), "tidak ditemukan") {
		t.Fatalf("unknown path: %d", resp.StatusCode)
	}
}
