package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"persepsi/survey"
)

// "Tambah unit" preselects the standard SPKP + SPAK 1–6 questionnaire, as
// `unit add` does, not whichever sorts first.
func TestNewUnitFormPreselectsStandardQuestionnaire(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	page := body(t, e.get(t, survey.RoleAdmin, "/admin"))
	q, err := e.store.QuestionnaireByRef(survey.DefaultQuestionnaireKey, 0)
	if err != nil {
		t.Fatal(err)
	}
	sel := regexp.MustCompile(`<option value="([^"]+)" selected>`).FindAllStringSubmatch(page[strings.Index(page, `id="questionnaire"`):], -1)
	if len(sel) != 1 || sel[0][1] != q.Ref() {
		t.Fatalf("selected questionnaire options %v, want only %s", sel, q.Ref())
	}
}

// Regenerating a code asks first (without JavaScript: a page of its own);
// only the confirmed form acts. An old poster then gets a page that says
// the code was replaced and what to do, not a bare 404.
func TestRegenerateCodeConfirmsAndOldPosterExplains(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	kepala := survey.RoleKepalaUnit
	id := strconv.FormatInt(e.a.counter.ID, 10)
	old := e.a.counter.Code
	unitPage := body(t, e.get(t, kepala, "/admin/units/"+strconv.FormatInt(e.a.unit.ID, 10)))
	if strings.Contains(unitPage, `action="/admin/counters/`+id+`/regenerate"`) || !strings.Contains(unitPage, `href="/admin/counters/`+id+`/regenerate"`) {
		t.Fatal("the unit page must link to the confirmation, not post the regeneration")
	}
	resp := e.get(t, kepala, "/admin/counters/"+id+"/regenerate")
	page := body(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, "tidak berlaku lagi") || !strings.Contains(page, `name="confirm" value="1"`) {
		t.Fatalf("confirmation page: %d", resp.StatusCode)
	}
	// One click on an old-style form (no confirm) changes nothing.
	resp = e.post(t, kepala, "/admin/counters/"+id+"/regenerate", nil)
	if resp.StatusCode != 200 || !strings.Contains(body(t, resp), "Ya, buat kode baru") {
		t.Fatalf("unconfirmed post: %d", resp.StatusCode)
	}
	if c, _ := e.store.Counter(ctx, e.a.counter.ID); c.Code != old {
		t.Fatal("an unconfirmed post regenerated the code")
	}
	resp = e.post(t, kepala, "/admin/counters/"+id+"/regenerate", url.Values{"confirm": {"1"}})
	if resp.StatusCode != 303 {
		t.Fatalf("confirmed: %d", resp.StatusCode)
	}
	c, _ := e.store.Counter(ctx, e.a.counter.ID)
	if c.Code == old {
		t.Fatal("code not regenerated")
	}
	if page := body(t, e.get(t, kepala, resp.Header.Get("Location"))); !strings.Contains(page, "Kode baru dibuat") {
		t.Error("no word that the code was replaced")
	}
	for _, path := range []string{"/s/" + old, "/s/" + old + "/poster"} {
		resp = e.do(t, httptest.NewRequest(http.MethodGet, path, nil))
		page = body(t, resp)
		if resp.StatusCode != http.StatusGone || !strings.Contains(page, "Kode QR ini sudah diganti") || !strings.Contains(page, "pindai kode QR terbaru") ||
			!strings.Contains(page, e.a.counter.Name) || strings.Contains(page, c.Code) || strings.Contains(page, "<form") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, page)
		}
	}
	// The form posted from a page opened before the regeneration.
	resp = e.do(t, postForm("/s/"+old, url.Values{"layanan": {"1"}}))
	if resp.StatusCode != http.StatusGone {
		t.Errorf("post to the old code: %d", resp.StatusCode)
	}
}

// A counter whose unit has no service to choose is not live: the
// respondent gets a polite page without questions, the console says what is
// missing, and the counter opens once a service exists.
func TestCounterWithoutServicesIsNotLive(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	u, err := e.store.CreateUnit(ctx, survey.NewUnit{Name: "Unit Kosong", TimeZone: "Asia/Makassar"})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := e.store.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "Loket Baru"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/s/" + ct.Code
	for _, req := range []*http.Request{httptest.NewRequest(http.MethodGet, path, nil), postForm(path, url.Values{"kunci": {"k"}})} {
		resp := e.do(t, req)
		page := body(t, resp)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "Survei di loket ini belum dibuka") || strings.Contains(page, "<form") || strings.Contains(page, "Mohon pilih") {
			t.Errorf("%s %s: %d %s", req.Method, path, resp.StatusCode, page)
		}
	}
	admin := body(t, e.get(t, survey.RoleAdmin, "/admin/units/"+strconv.FormatInt(u.ID, 10)))
	if !strings.Contains(admin, "Belum dapat menerima respons") || !strings.Contains(admin, "belum punya jenis layanan aktif") {
		t.Error("the console does not say what the unit lacks")
	}
	if _, err := e.store.CreateService(ctx, u.ID, "Perizinan"); err != nil {
		t.Fatal(err)
	}
	if resp := e.do(t, httptest.NewRequest(http.MethodGet, path, nil)); resp.StatusCode != 200 {
		t.Fatalf("with a service: %d", resp.StatusCode)
	}
	if admin := body(t, e.get(t, survey.RoleAdmin, "/admin/units/"+strconv.FormatInt(u.ID, 10))); strings.Contains(admin, "Belum dapat menerima respons") {
		t.Error("a live counter is still reported as lacking")
	}
}
