package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCounterPoster(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code+"/poster", nil))
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, w := range []string{
		"Dinas Penanaman Modal", "Pemerintah Kabupaten Contoh", "Loket 1",
		"Pindai setelah selesai dilayani",
		anonymityPromise,
		"@page{size:A4", "@media print",
		`src="/s/` + sd.counter.Code + `/qr.png?size=1200"`,
		"https://survei.example.go.id/s/" + sd.counter.Code,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("poster lacks %q", w)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("the poster must work without JavaScript")
	}
	// The image it points at is a QR code of the survey URL.
	qr := e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code+"/qr.png?size=1200", nil))
	if text, _ := decodeQR(t, []byte(body(t, qr))); text != "https://survei.example.go.id/s/"+sd.counter.Code {
		t.Fatalf("poster QR says %q", text)
	}
}
