package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
	"persepsi/survey/storetest"
)

var formKeyRE = regexp.MustCompile(`name="kunci" value="([0-9a-f]{32})"`)

// fetchForm GETs path, with Accept-Encoding when given, and returns the
// status, the decoded page and the Content-Encoding it came with. A gzip
// body is read to its end, which checks its CRC-32 and length.
func fetchForm(tb testing.TB, do func(*http.Request) *http.Response, path, accept string) (int, string, string) {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	resp := do(req)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	enc := resp.Header.Get("Content-Encoding")
	if enc == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			tb.Fatalf("%s: gzip header: %v", path, err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			tb.Fatalf("%s: gzip body: %v", path, err)
		}
	}
	return resp.StatusCode, string(raw), enc
}

// templatePage is the questionnaire as the template renders it for a fresh
// visit, with the given key.
func (e *testEnv) templatePage(tb testing.TB, code string, kiosk, trusted bool, key string) string {
	tb.Helper()
	srv, err := newServer(e.cfg, e.store)
	if err != nil {
		tb.Fatal(err)
	}
	sv, err := e.store.SurveyByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	v := visit{Code: code, Kiosk: kiosk, Trusted: trusted}
	if trusted {
		v.key = srv.kioskKey(code)
	}
	b, err := srv.execute("survey", buildSurveyView(sv, v, survey.Input{Key: key}, nil))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestBlankFormIsTheTemplatePage: the pre-rendered form, plain or gzip, is
// byte for byte the page the template renders with the key it carries, in
// every mode; every view gets a new key; gzip only when accepted.
func TestBlankFormIsTheTemplatePage(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	code := sd.counter.Code
	do := func(r *http.Request) *http.Response { return e.do(t, r) }
	modes := []struct {
		name           string
		path           string
		kiosk, trusted bool
	}{
		{"qr", "/s/" + code, false, false},
		{"kiosk", "/s/" + code + "?mode=kiosk", true, false},
		{"trusted kiosk", e.kioskPath(code), true, true},
	}
	encodings := []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "gzip"},
		{"gzip;q=0, identity", ""},
		{"identity", ""},
	}
	keys := map[string]bool{}
	for _, m := range modes {
		for _, enc := range encodings {
			for range 2 { // the second view is served from the cache
				status, page, got := fetchForm(t, do, m.path, enc.accept)
				if status != http.StatusOK || got != enc.want {
					t.Fatalf("%s, Accept-Encoding %q: status %d, Content-Encoding %q, want 200 %q", m.name, enc.accept, status, got, enc.want)
				}
				k := formKeyRE.FindStringSubmatch(page)
				if k == nil {
					t.Fatalf("%s: no form key in the page", m.name)
				}
				if keys[k[1]] {
					t.Fatalf("%s: key %s served twice", m.name, k[1])
				}
				keys[k[1]] = true
				if want := e.templatePage(t, code, m.kiosk, m.trusted, k[1]); page != want {
					t.Fatalf("%s, Accept-Encoding %q: page differs from the template's (%d vs %d bytes)", m.name, enc.accept, len(page), len(want))
				}
			}
		}
	}
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+code, nil))
	if v := resp.Header.Get("Vary"); !strings.Contains(v, "Accept-Encoding") {
		t.Errorf("Vary %q lacks Accept-Encoding", v)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
}

// TestBlankFormFollowsEveryChange: after each kind of change to what the
// page shows (counter, unit, services, questionnaire) the next view shows
// it, in both encodings, although the views before it filled the cache.
func TestBlankFormFollowsEveryChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	changedQuestionnaire := func(tb testing.TB) *survey.Questionnaire {
		raw, err := data.Questionnaires.ReadFile("questionnaires/" + survey.DefaultQuestionnaireKey + ".json")
		if err != nil {
			tb.Fatal(err)
		}
		raw = bytes.Replace(raw, []byte("Tidak ada pungutan liar (pungli)"), []byte("Tidak ada pungli sama sekali"), 1)
		q, err := survey.ParseQuestionnaire(raw)
		if err != nil {
			tb.Fatal(err)
		}
		return q
	}
	tests := []struct {
		name   string
		change func(tb testing.TB, e *testEnv, sd seed) error
		// shows and lacks are checked on the page after the change; gone
		// means the form is no longer served at all.
		shows, lacks string
		gone         bool
	}{
		{"counter renamed", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.UpdateCounter(ctx, sd.counter.ID, "Loket Prioritas", 0, true)
			return err
		}, "Loket Prioritas", "Loket 1", false},
		{"counter given a fixed service", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.UpdateCounter(ctx, sd.counter.ID, "Loket 1", sd.service.ID, true)
			return err
		}, "Loket 1 · Perizinan Usaha", `<select id="layanan"`, false},
		{"counter deactivated", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.UpdateCounter(ctx, sd.counter.ID, "Loket 1", 0, false)
			return err
		}, "", "", true},
		{"code regenerated", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.RegenerateCode(ctx, sd.counter.ID)
			return err
		}, "", "", true},
		{"unit renamed", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.UpdateUnit(ctx, sd.unit.ID, survey.UnitChange{Name: "Dinas Perizinan Terpadu", Agency: "Pemerintah Kabupaten Contoh", TimeZone: "Asia/Jakarta"})
			return err
		}, "Dinas Perizinan Terpadu", "Dinas Penanaman Modal", false},
		{"unit moved to another questionnaire", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.UpdateUnit(ctx, sd.unit.ID, survey.UnitChange{Name: sd.unit.Name, Agency: sd.unit.Agency, TimeZone: "Asia/Jakarta", Questionnaire: "spkp-spak-4"})
			return err
		}, `value="4"`, `value="6"`, false},
		{"service added", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.CreateService(ctx, sd.unit.ID, "Pengaduan Masyarakat")
			return err
		}, "Pengaduan Masyarakat", "", false},
		{"service renamed", func(_ testing.TB, e *testEnv, sd seed) error {
			_, err := e.store.UpdateService(ctx, sd.service.ID, "Perizinan Berusaha", true)
			return err
		}, "Perizinan Berusaha", "Perizinan Usaha", false},
		{"service deactivated", func(_ testing.TB, e *testEnv, sd seed) error {
			if _, err := e.store.CreateService(ctx, sd.unit.ID, "Non Perizinan"); err != nil {
				return err
			}
			_, err := e.store.UpdateService(ctx, sd.service.ID, "Perizinan Usaha", false)
			return err
		}, "Non Perizinan", "Perizinan Usaha", false},
		{"questionnaire definition changed", func(tb testing.TB, e *testEnv, _ seed) error {
			return e.store.SyncQuestionnaires(ctx, []*survey.Questionnaire{changedQuestionnaire(tb)})
		}, "Tidak ada pungli sama sekali", "Tidak ada pungutan liar (pungli)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t.Run("one node", func(t *testing.T) {
				t.Parallel()
				e := newTestEnv(t)
				checkBlankFormChange(t, e, e, tt.change, 0, tt.shows, tt.lacks, tt.gone)
			})
			// The change is made on one node and the page viewed on
			// another: its store hears the change (LISTEN/NOTIFY) well
			// within a second, where its cache would keep the old survey
			// for 10 s.
			t.Run("two nodes", func(t *testing.T) {
				t.Parallel()
				url := storetest.PostgresURL(t)
				writer := newTestEnvOn(t, storetest.MustOpenPostgres(t, url))
				viewer := newTestEnvOn(t, storetest.MustOpenPostgres(t, url))
				checkBlankFormChange(t, writer, viewer, tt.change, time.Second, tt.shows, tt.lacks, tt.gone)
			})
		})
	}
}

// checkBlankFormChange seeds a unit through writer, fills the viewer's
// blank-form cache, changes what the page shows through writer, and checks
// the viewer's next pages in both encodings: at once (within 0), or
// within the time another node's store may take to hear of it.
func checkBlankFormChange(t *testing.T, writer, viewer *testEnv, change func(testing.TB, *testEnv, seed) error, within time.Duration, shows, lacks string, gone bool) {
	t.Helper()
	sd := writer.seedUnit(t)
	path := "/s/" + sd.counter.Code
	do := func(r *http.Request) *http.Response { return viewer.do(t, r) }
	for _, accept := range []string{"", "gzip"} {
		if status, _, _ := fetchForm(t, do, path, accept); status != http.StatusOK {
			t.Fatalf("before the change: status %d", status)
		}
	}
	if err := change(t, writer, sd); err != nil {
		t.Fatal(err)
	}
	for _, accept := range []string{"", "gzip"} {
		check := func() string {
			status, page, _ := fetchForm(t, do, path, accept)
			switch {
			case gone && status == http.StatusOK:
				return "the form is still served"
			case gone:
			case status != http.StatusOK:
				return fmt.Sprintf("status %d", status)
			case !strings.Contains(page, shows):
				return fmt.Sprintf("page lacks %q", shows)
			case lacks != "" && strings.Contains(page, lacks):
				return fmt.Sprintf("page still has %q", lacks)
			}
			return ""
		}
		problem := check()
		for deadline := time.Now().Add(within); problem != "" && time.Now().Before(deadline); problem = check() {
			time.Sleep(5 * time.Millisecond)
		}
		if problem != "" {
			t.Errorf("Accept-Encoding %q: %s (waited %v)", accept, problem, within)
		}
	}
}

// TestBlankFormConcurrentViews: many clients on a real listener, plain and
// gzip, phone and kiosk: every page is whole, carries its own key and is the
// template's page for that key, so no response shares a buffer with another.
func TestBlankFormConcurrentViews(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	base := serveLoopback(t, e.app)
	code := sd.counter.Code
	want := map[bool]string{} // kiosk → page with the key replaced by K
	for _, kiosk := range []bool{false, true} {
		want[kiosk] = e.templatePage(t, code, kiosk, false, strings.Repeat("0", 32))
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16}}
	do := func(r *http.Request) *http.Response {
		req, _ := http.NewRequest(r.Method, base+r.URL.RequestURI(), nil)
		req.Header = r.Header
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return &http.Response{StatusCode: 599, Body: io.NopCloser(strings.NewReader(""))}
		}
		return resp
	}
	var mu sync.Mutex
	keys := map[string]bool{}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				kiosk := (g+i)%3 == 0
				path := "/s/" + code
				if kiosk {
					path += "?mode=kiosk"
				}
				accept := []string{"", "gzip"}[i%2]
				status, page, _ := fetchForm(t, do, path, accept)
				k := formKeyRE.FindStringSubmatch(page)
				if status != http.StatusOK || k == nil {
					t.Errorf("status %d, key found %v", status, k != nil)
					return
				}
				if got := strings.Replace(page, k[1], strings.Repeat("0", 32), 1); got != want[kiosk] {
					t.Errorf("goroutine %d view %d (kiosk %v, %q): page is not the template's", g, i, kiosk, accept)
					return
				}
				mu.Lock()
				if keys[k[1]] {
					t.Errorf("key %s served twice", k[1])
				}
				keys[k[1]] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(keys) != 16*25 && !t.Failed() {
		t.Errorf("%d distinct keys, want %d", len(keys), 16*25)
	}
}
