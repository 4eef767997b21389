package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"persepsi/survey"
)

// validForm returns a complete, valid form for sd's counter with every item
// scored v, the control answered "Tidak" and a fresh idempotency key.
func (e *testEnv) validForm(tb testing.TB, sd seed, v string) url.Values {
	tb.Helper()
	sv, err := e.store.SurveyByCode(context.Background(), sd.counter.Code)
	if err != nil {
		tb.Fatal(err)
	}
	form := url.Values{
		"layanan": {strconv.FormatInt(sd.service.ID, 10)},
		"KONTROL": {"Tidak"},
		"kunci":   {survey.NewIdempotencyKey()},
	}
	for _, it := range sv.Questionnaire.Items() {
		form.Set(it.Code, v)
	}
	return form
}

// postJSON builds a JSON POST from any value (a string is sent as it is).
func postJSON(tb testing.TB, path string, v any) *http.Request {
	tb.Helper()
	raw, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		raw = string(b)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// asJSON turns a form into the JSON object an API client would send.
func asJSON(form url.Values) map[string]any {
	m := map[string]any{}
	for k := range form {
		m[k] = form.Get(k)
	}
	return m
}

// responses reads every stored response of a unit, answers included.
func (e *testEnv) responses(tb testing.TB, unitID int64) []survey.Response {
	tb.Helper()
	var out []survey.Response
	err := e.store.EachRecord(context.Background(), unitID, survey.Period{From: "2000-01-01", To: "2999-12-31"}, 0, func(r *survey.Record) error {
		resp := r.Response
		resp.Answers = append([]survey.Answer(nil), r.Answers...)
		out = append(out, resp)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func (e *testEnv) count(tb testing.TB, unitID int64) int64 {
	tb.Helper()
	n, err := e.store.CountResponses(context.Background(), unitID)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// checkedValue returns the value of the checked radio of a group in a
// rendered page, or "".
func checkedValue(page, name string) string {
	re := regexp.MustCompile(`<input type="radio" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"[^>]*\bchecked\b`)
	if m := re.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

func TestSubmitValidFormRedirectsAndStoresEverything(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	form := e.validForm(t, sd, "5")
	form.Set("SPAK4", "2")
	form.Set("usia", "30–39 tahun")
	form.Set("jenis_kelamin", "P")
	form.Set("pendidikan", "S1")
	form.Set("pekerjaan", "Wirausaha")
	form.Set("saran", "  Antrean di loket 1 terlalu lama.  ")

	resp := e.do(t, postForm("/s/"+sd.counter.Code, form))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303: %s", resp.StatusCode, body(t, resp))
	}
	if loc := resp.Header.Get("Location"); loc != "/s/"+sd.counter.Code+"/terima-kasih" {
		t.Fatalf("Location %q", loc)
	}
	rs := e.responses(t, sd.unit.ID)
	if len(rs) != 1 {
		t.Fatalf("%d responses stored, want 1", len(rs))
	}
	r := rs[0]
	if r.Channel != survey.ChannelQR || r.CounterID != sd.counter.ID || r.ServiceID != sd.service.ID {
		t.Errorf("stored channel %q counter %d service %d", r.Channel, r.CounterID, r.ServiceID)
	}
	if r.AgeBand != "30–39 tahun" || r.Sex != "P" || r.Education != "S1" || r.Occupation != "Wirausaha" || r.Control != "Tidak" {
		t.Errorf("stored profile %+v", r)
	}
	if r.Suggestion != "Antrean di loket 1 terlalu lama." {
		t.Errorf("stored suggestion %q", r.Suggestion)
	}
	if len(r.Answers) != 13 || r.Score("SPAK4") != 2 || r.Score("SPKP1") != 5 {
		t.Errorf("stored answers %+v", r.Answers)
	}
	if r.IdempotencyKey != form.Get("kunci") {
		t.Errorf("stored key %q, want the form's %q", r.IdempotencyKey, form.Get("kunci"))
	}

	thanks := e.do(t, httptest.NewRequest(http.MethodGet, resp.Header.Get("Location"), nil))
	page := body(t, thanks)
	if thanks.StatusCode != http.StatusOK || !strings.Contains(page, "Terima kasih") || strings.Contains(page, "http-equiv") {
		t.Fatalf("thank-you page: %d %s", thanks.StatusCode, page)
	}
}

func TestSubmitInvalidFormShowsProblemsAndKeepsValues(t *testing.T) {
	t.Parallel()
	other := func(e *testEnv, t *testing.T) string {
		u, err := e.store.CreateUnit(context.Background(), survey.NewUnit{Name: "Unit Lain", Agency: "Lain", TimeZone: "Asia/Jayapura"})
		if err != nil {
			t.Fatal(err)
		}
		sv, err := e.store.CreateService(context.Background(), u.ID, "Layanan Lain")
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(sv.ID, 10)
	}
	tests := []struct {
		name  string
		edit  func(e *testEnv, t *testing.T, f url.Values)
		field string // the field named in the problem
		msg   string // part of the message shown next to it
	}{
		{"item missing", func(_ *testEnv, _ *testing.T, f url.Values) { f.Del("SPKP3") }, "SPKP3", "Mohon pilih salah satu jawaban"},
		{"item empty", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("SPAK5", " ") }, "SPAK5", "Mohon pilih salah satu jawaban"},
		{"item above scale", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("SPKP2", "7") }, "SPKP2", "angka 1 sampai 6"},
		{"item below scale", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("SPKP2", "0") }, "SPKP2", "angka 1 sampai 6"},
		{"item not a number", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("SPAK1", "lima") }, "SPAK1", "angka 1 sampai 6"},
		{"item a fraction", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("SPAK1", "4.5") }, "SPAK1", "angka 1 sampai 6"},
		{"service missing", func(_ *testEnv, _ *testing.T, f url.Values) { f.Del("layanan") }, "layanan", "Mohon pilih jenis layanan"},
		{"service unknown", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("layanan", "99999") }, "layanan", "tidak dikenal"},
		{"service of another unit", func(e *testEnv, t *testing.T, f url.Values) { f.Set("layanan", other(e, t)) }, "layanan", "tidak dikenal"},
		{"age not in the list", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("usia", "17") }, "usia", "Pilihan tidak dikenal"},
		{"sex not in the list", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("jenis_kelamin", "X") }, "jenis_kelamin", "Pilihan tidak dikenal"},
		{"education not in the list", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("pendidikan", "S4") }, "pendidikan", "Pilihan tidak dikenal"},
		{"occupation not in the list", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("pekerjaan", "Presiden") }, "pekerjaan", "Pilihan tidak dikenal"},
		{"control missing", func(_ *testEnv, _ *testing.T, f url.Values) { f.Del("KONTROL") }, "KONTROL", "Mohon jawab pertanyaan ini"},
		{"control neither yes nor no", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("KONTROL", "Mungkin") }, "KONTROL", "harus Ya atau Tidak"},
		{"suggestion too long", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("saran", strings.Repeat("é", 1001)) }, "saran", "paling banyak 1000"},
		{"bad form key", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("kunci", "pendek") }, "kunci", "muat ulang halaman"},
		{"unknown item", func(_ *testEnv, _ *testing.T, f url.Values) { f.Set("SPKP99", "3") }, "SPKP99", "tidak ada dalam kuesioner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			sd := e.seedUnit(t)
			form := e.validForm(t, sd, "4")
			form.Set("SPKP1", "6")
			form.Set("saran", "Tetap di sini")
			form.Set("usia", "40–49 tahun")
			tt.edit(e, t, form)

			resp := e.do(t, postForm("/s/"+sd.counter.Code, form))
			page := body(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			if n := e.count(t, sd.unit.ID); n != 0 {
				t.Fatalf("%d responses stored from an invalid form", n)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
			if !strings.Contains(page, `class="sum"`) || !strings.Contains(page, tt.msg) {
				t.Fatalf("no summary or message %q on the page", tt.msg)
			}
			if strings.Count(page, `<li><a href="#`) != 1 {
				t.Errorf("summary has %d problems, want 1", strings.Count(page, `<li><a href="#`))
			}
			// A field shown on the page carries its message and the
			// attributes that tie them together.
			if tt.field != "kunci" && tt.field != "SPKP99" {
				errID := tt.field + "-e"
				if tt.field == "saran" {
					errID = "saran-e"
				}
				if !strings.Contains(page, `id="`+errID+`"`) || !strings.Contains(page, `aria-describedby="`) || !strings.Contains(page, `aria-invalid="true"`) {
					t.Errorf("field %s lacks its message id %s or aria attributes", tt.field, errID)
				}
			}
			// Every other value is still there.
			if tt.field != "SPKP1" && checkedValue(page, "SPKP1") != "6" {
				t.Errorf("SPKP1 not kept: %q", checkedValue(page, "SPKP1"))
			}
			if tt.field != "SPKP4" && checkedValue(page, "SPKP4") != "4" {
				t.Errorf("SPKP4 not kept")
			}
			if tt.field != "KONTROL" && checkedValue(page, "KONTROL") != "Tidak" {
				t.Errorf("control answer not kept")
			}
			if tt.field != "saran" && !strings.Contains(page, ">Tetap di sini</textarea>") {
				t.Errorf("suggestion not kept")
			}
			if tt.field != "usia" && !strings.Contains(page, `<option value="40–49 tahun" selected>`) {
				t.Errorf("age not kept")
			}
			if tt.field != "layanan" && !strings.Contains(page, fmt.Sprintf(`<option value="%d" selected>`, sd.service.ID)) {
				t.Errorf("service not kept")
			}
			if tt.field != "kunci" && !strings.Contains(page, `name="kunci" value="`+form.Get("kunci")+`"`) {
				t.Errorf("form key not kept, so a corrected resubmission would not be recognised")
			}
		})
	}
}

func TestSubmitEscapesUserText(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	form := e.validForm(t, sd, "3")
	form.Del("SPKP1")
	form.Set("saran", `</textarea><script>alert("x")</script>`)
	form.Set("SPKP2", `"><script>alert(1)</script>`)
	resp := e.do(t, postForm("/s/"+sd.counter.Code, form))
	page := body(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(page, "<script>") {
		t.Fatal("user text came back unescaped")
	}
	if !strings.Contains(page, "&lt;/textarea&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</textarea>") {
		t.Fatal("suggestion not kept escaped in its text box")
	}
}

func TestSubmitFixedServiceCounter(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	c, err := e.store.CreateCounter(context.Background(), survey.NewCounter{UnitID: sd.unit.ID, Name: "Loket Izin", ServiceID: sd.service.ID})
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+c.Code, nil)))
	if strings.Contains(page, `name="layanan"`) || !strings.Contains(page, "Loket Izin · Perizinan Usaha") {
		t.Fatal("a counter with a fixed service must name it and not ask for it")
	}
	form := e.validForm(t, sd, "6")
	form.Del("layanan")
	resp := e.do(t, postForm("/s/"+c.Code, form))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d: %s", resp.StatusCode, body(t, resp))
	}
	if rs := e.responses(t, sd.unit.ID); len(rs) != 1 || rs[0].ServiceID != sd.service.ID || rs[0].CounterID != c.ID {
		t.Fatalf("stored %+v", rs)
	}
}

func TestSubmitIdempotent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	form := e.validForm(t, sd, "5")
	for i := range 3 {
		if resp := e.do(t, postForm("/s/"+sd.counter.Code, form)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("tap %d: status %d", i+1, resp.StatusCode)
		}
	}
	if n := e.count(t, sd.unit.ID); n != 1 {
		t.Fatalf("three taps stored %d responses, want 1", n)
	}

	// JSON: the retry gets the first id back and says so.
	j := asJSON(e.validForm(t, sd, "2"))
	first := decodeCreated(t, e.do(t, postJSON(t, "/s/"+sd.counter.Code, j)))
	again := decodeCreated(t, e.do(t, postJSON(t, "/s/"+sd.counter.Code, j)))
	if first.Duplicate || !again.Duplicate || first.Ref != again.Ref || !survey.ValidRef(first.Ref) {
		t.Fatalf("first %+v, retry %+v", first, again)
	}
	if n := e.count(t, sd.unit.ID); n != 2 {
		t.Fatalf("%d stored, want 2", n)
	}
}

type created struct {
	Ref       string `json:"ref"`
	Duplicate bool   `json:"duplicate"`
}

func decodeCreated(tb testing.TB, resp *http.Response) created {
	tb.Helper()
	b := body(tb, resp)
	if resp.StatusCode != http.StatusCreated {
		tb.Fatalf("status %d, want 201: %s", resp.StatusCode, b)
	}
	var c created
	if err := json.Unmarshal([]byte(b), &c); err != nil {
		tb.Fatalf("%v: %s", err, b)
	}
	return c
}

func TestSubmitJSON(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code

	// Numbers and strings are both accepted; null means unanswered.
	j := asJSON(e.validForm(t, sd, "4"))
	j["SPKP1"] = 6
	j["layanan"] = sd.service.ID
	j["usia"] = nil
	j["saran"] = "Lewat kios"
	c := decodeCreated(t, e.do(t, postJSON(t, path, j)))
	rs := e.responses(t, sd.unit.ID)
	if len(rs) != 1 || rs[0].Ref != c.Ref || rs[0].Channel != survey.ChannelAPI || rs[0].Score("SPKP1") != 6 || rs[0].AgeBand != "" {
		t.Fatalf("stored %+v for %+v", rs, c)
	}

	// Without a key every submission is new.
	delete(j, "kunci")
	decodeCreated(t, e.do(t, postJSON(t, path, j)))
	decodeCreated(t, e.do(t, postJSON(t, path, j)))
	if n := e.count(t, sd.unit.ID); n != 3 {
		t.Fatalf("%d stored, want 3", n)
	}
}

func TestSubmitRejectsBadBodies(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.BodyLimit = 8 << 10 })
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code
	valid := asJSON(e.validForm(t, sd, "4"))
	missing := asJSON(e.validForm(t, sd, "4"))
	delete(missing, "SPKP3")
	nested := asJSON(e.validForm(t, sd, "4"))
	nested["SPKP3"] = map[string]int{"nilai": 4}
	withType := func(ct, b string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(b))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		return req
	}
	gz := postJSON(t, path, valid)
	gz.Header.Set("Content-Encoding", "gzip")

	tests := []struct {
		name   string
		req    *http.Request
		status int
		fields []string // JSON problem fields expected
	}{
		{"json missing item", postJSON(t, path, missing), 422, []string{"SPKP3"}},
		{"json nested value", postJSON(t, path, nested), 422, []string{"SPKP3"}},
		{"json boolean value", postJSON(t, path, `{"SPKP1": true}`), 422, []string{"SPKP1"}},
		{"json empty object", postJSON(t, path, `{}`), 422, []string{"SPKP1", "SPAK5", "layanan", "KONTROL"}},
		{"json malformed", postJSON(t, path, `{"SPKP1": 4,`), 400, nil},
		{"json array", postJSON(t, path, `[1,2,3]`), 400, nil},
		{"json null", postJSON(t, path, `null`), 400, nil},
		{"json two objects", postJSON(t, path, `{} {}`), 400, nil},
		{"json empty body", postJSON(t, path, ``), 400, nil},
		{"json with charset", withType("application/json; charset=utf-8", `{"SPKP1": 9}`), 422, []string{"SPKP1"}},
		{"form bad escape", withType("application/x-www-form-urlencoded", "SPKP1=%zz"), 400, nil},
		{"form with too many names", withType("application/x-www-form-urlencoded", manyNames("&", "x%d=1", 201)), 400, nil},
		{"json with too many names", postJSON(t, path, "{"+manyNames(",", `"x%d":1`, 201)+"}"), 400, nil},
		{"json within the name bound", postJSON(t, path, "{"+manyNames(",", `"x%d":1`, 200)+"}"), 422, []string{"x0", "x199"}},
		{"plain text", withType("text/plain", "SPKP1=4"), 415, nil},
		{"multipart", withType("multipart/form-data; boundary=x", "--x--"), 415, nil},
		{"no content type", withType("", "SPKP1=4"), 415, nil},
		{"garbage content type", withType(";;;", "SPKP1=4"), 415, nil},
		{"compressed body", gz, 415, nil},
		{"body over the limit", withType("application/x-www-form-urlencoded", "saran="+strings.Repeat("a", 9<<10)), 413, nil},
		{"unknown code", postJSON(t, "/s/aaaaaaaaaaaaaaaa", valid), 404, nil},
		{"malformed code", postJSON(t, "/s/..%2F..", valid), 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, tt.req)
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if tt.fields != nil {
				var out struct {
					Error  string            `json:"error"`
					Fields map[string]string `json:"fields"`
				}
				if err := json.Unmarshal([]byte(b), &out); err != nil || out.Error == "" {
					t.Fatalf("422 body %s: %v", b, err)
				}
				for _, f := range tt.fields {
					if out.Fields[f] == "" {
						t.Errorf("no problem reported for %s: %v", f, out.Fields)
					}
				}
			}
		})
	}
	if n := e.count(t, sd.unit.ID); n != 0 {
		t.Fatalf("%d responses stored from bad requests", n)
	}
}

// manyNames joins n copies of format (with %d the index) with sep.
func manyNames(sep, format string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(format, i)
	}
	return strings.Join(parts, sep)
}

func TestSubmitHoneypot(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	form := e.validForm(t, sd, "6")
	form.Set("website", "http://spam.example")
	resp := e.do(t, postForm("/s/"+sd.counter.Code, form))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/s/"+sd.counter.Code+"/terima-kasih" {
		t.Fatalf("a trapped bot must see the normal answer, got %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	j := asJSON(e.validForm(t, sd, "6"))
	j["website"] = "x"
	decodeCreated(t, e.do(t, postJSON(t, "/s/"+sd.counter.Code, j)))
	if n := e.count(t, sd.unit.ID); n != 0 {
		t.Fatalf("%d responses stored from the honeypot", n)
	}
	// An empty honeypot is what people send.
	form = e.validForm(t, sd, "6")
	form.Set("website", "")
	e.do(t, postForm("/s/"+sd.counter.Code, form))
	if n := e.count(t, sd.unit.ID); n != 1 {
		t.Fatalf("%d stored, want 1", n)
	}
}

func TestSubmitInactiveCounter(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	form := e.validForm(t, sd, "4")
	if _, err := e.store.UpdateCounter(context.Background(), sd.counter.ID, sd.counter.Name, 0, false); err != nil {
		t.Fatal(err)
	}
	resp := e.do(t, postForm("/s/"+sd.counter.Code, form))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body(t, resp), "tidak ditemukan") {
		t.Fatalf("status %d, want the friendly 404", resp.StatusCode)
	}
	if n := e.count(t, sd.unit.ID); n != 0 {
		t.Fatalf("%d stored for an inactive counter", n)
	}
}

// TestSubmitConcurrent posts from many goroutines at once, with every
// submission sent twice: each acknowledged reference must be stored,
// exactly once, and each retry must get its first reference back.
func TestSubmitConcurrent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code
	const workers, each = 16, 25
	template := asJSON(e.validForm(t, sd, "5"))

	var mu sync.Mutex
	acked := map[string]string{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				j := map[string]any{}
				for k, v := range template {
					j[k] = v
				}
				j["kunci"] = survey.NewIdempotencyKey()
				j["SPKP1"] = 1 + (w+i)%6
				var ids [2]string
				for try := range 2 {
					req := postJSON(t, path, j)
					resp, err := e.app.Test(req, -1)
					if err != nil {
						errs <- err
						return
					}
					var c created
					if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&c) != nil || c.Duplicate != (try == 1) {
						errs <- fmt.Errorf("worker %d submission %d try %d: status %d, %+v", w, i, try, resp.StatusCode, c)
						return
					}
					ids[try] = c.Ref
				}
				if ids[0] != ids[1] {
					errs <- fmt.Errorf("retry got ref %s, first %s", ids[1], ids[0])
					return
				}
				mu.Lock()
				if prev, ok := acked[ids[0]]; ok {
					errs <- fmt.Errorf("ref %s acknowledged for two keys (%s, %s)", ids[0], prev, j["kunci"])
				}
				acked[ids[0]] = j["kunci"].(string)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(acked) != workers*each {
		t.Fatalf("%d acknowledged, want %d", len(acked), workers*each)
	}
	stored := e.responses(t, sd.unit.ID)
	if len(stored) != len(acked) {
		t.Fatalf("%d stored, %d acknowledged", len(stored), len(acked))
	}
	for _, r := range stored {
		key, ok := acked[r.Ref]
		if !ok || key != r.IdempotencyKey {
			t.Fatalf("stored response %s (key %s) was not acknowledged as such", r.Ref, r.IdempotencyKey)
		}
		delete(acked, r.Ref)
	}
}

// TestSubmitEveryQuestionnaire answers the page of a unit on each shipped
// questionnaire: each item's own answer labels are shown, the scale's range
// is enforced, and a questionnaire without a control question refuses one.
func TestSubmitEveryQuestionnaire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref     string
		max     string
		label   string // an answer label the page must show
		control bool
	}{
		{"spkp-spak-6", "6", "Sangat sesuai", true},
		{"spkp-spak-4", "4", "Sangat sesuai", true},
		{"skm-14-2017", "4", "Sangat mudah", false},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			e := newTestEnv(t)
			ctx := context.Background()
			u, err := e.store.CreateUnit(ctx, survey.NewUnit{Name: "Puskesmas Contoh", Agency: "Dinas Kesehatan", TimeZone: "Asia/Makassar", Questionnaire: tt.ref})
			if err != nil {
				t.Fatal(err)
			}
			sv, err := e.store.CreateService(ctx, u.ID, "Rawat jalan")
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.store.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "Loket A", ServiceID: sv.ID})
			if err != nil {
				t.Fatal(err)
			}
			q, err := e.store.SurveyByCode(ctx, c.Code)
			if err != nil {
				t.Fatal(err)
			}
			page := body(t, e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+c.Code, nil)))
			if !strings.Contains(page, tt.label+"</span>") || strings.Contains(page, `name="KONTROL"`) != tt.control {
				t.Fatalf("page lacks label %q or control question is %v", tt.label, !tt.control)
			}
			form := url.Values{"kunci": {survey.NewIdempotencyKey()}}
			for _, it := range q.Questionnaire.Items() {
				form.Set(it.Code, tt.max)
				if !strings.Contains(page, `name="`+it.Code+`" value="`+tt.max+`"`) {
					t.Fatalf("no option %s for %s", tt.max, it.Code)
				}
			}
			if tt.control {
				form.Set("KONTROL", "Ya")
			}
			over := url.Values{}
			for k, v := range form {
				over[k] = v
			}
			first := q.Questionnaire.Items()[0].Code
			over.Set(first, strconv.Itoa(len(q.Questionnaire.Scale.Labels)+1))
			if !tt.control {
				over.Set("KONTROL", "Tidak")
			}
			resp := e.do(t, postForm("/s/"+c.Code, over))
			page = body(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="`+first+`-e"`) {
				t.Fatalf("out-of-range answer: status %d", resp.StatusCode)
			}
			if !tt.control && !strings.Contains(page, "tidak memiliki pertanyaan kontrol") {
				t.Fatal("a control answer to a questionnaire without one must be refused")
			}
			if resp := e.do(t, postForm("/s/"+c.Code, form)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("valid answers: status %d: %s", resp.StatusCode, body(t, resp))
			}
			if rs := e.responses(t, u.ID); len(rs) != 1 || len(rs[0].Answers) != len(q.Questionnaire.Items()) || rs[0].QuestionnaireID != q.Questionnaire.ID {
				t.Fatalf("stored %+v", rs)
			}
		})
	}
}
