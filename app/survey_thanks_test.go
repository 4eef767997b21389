package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"persepsi/survey"
)

func TestKioskRoundTrip(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	kiosk := e.kioskPath(sd.counter.Code)
	if !strings.HasPrefix(kiosk, "/s/"+sd.counter.Code+"?") || !strings.Contains(kiosk, "mode=kiosk") || !strings.Contains(kiosk, "key=") {
		t.Fatalf("kiosk path %q", kiosk)
	}

	resp := e.do(t, httptest.NewRequest(http.MethodGet, kiosk, nil))
	page := body(t, resp)
	action := strings.ReplaceAll(kiosk, "&", "&amp;")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="`+action+`" novalidate autocomplete="off"`) {
		t.Fatalf("kiosk form must post back to the kiosk URL with autocomplete off: %d", resp.StatusCode)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}

	resp = e.do(t, postForm(kiosk, e.validForm(t, sd, "4")))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || loc != strings.Replace(kiosk, "?", "/terima-kasih?", 1) {
		t.Fatalf("status %d, Location %q", resp.StatusCode, loc)
	}
	if rs := e.responses(t, sd.unit.ID); len(rs) != 1 || rs[0].Channel != survey.ChannelKiosk {
		t.Fatalf("stored %+v", rs)
	}

	resp = e.do(t, httptest.NewRequest(http.MethodGet, loc, nil))
	page = body(t, resp)
	refresh := `<meta http-equiv="refresh" content="8;url=` + action + `">`
	if !strings.Contains(page, refresh) || !strings.Contains(page, `href="`+action+`"`) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("kiosk thank-you page must return to a blank form:\n%s", page)
	}
}

func TestKioskWithoutValidKeyStillKiosk(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	resp := e.do(t, postForm("/s/"+sd.counter.Code+"?mode=kiosk&key=forged", e.validForm(t, sd, "4")))
	// The forged key is dropped from the way back.
	if loc := resp.Header.Get("Location"); loc != "/s/"+sd.counter.Code+"/terima-kasih?mode=kiosk" {
		t.Fatalf("Location %q", loc)
	}
	if rs := e.responses(t, sd.unit.ID); len(rs) != 1 || rs[0].Channel != survey.ChannelKiosk {
		t.Fatalf("stored %+v", rs)
	}
}
