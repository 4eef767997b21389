package app

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads the text of a QR code PNG. The image is a generated code on
// a white margin, not a photograph, so it is read as a pure barcode: the
// photo detector missed the finder patterns of about one code in 30
// (NotFoundException), which made the tests flaky.
func decodeQR(tb testing.TB, b []byte) (string, int) {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		tb.Fatalf("no QR code in the image: %v", err)
	}
	return res.GetText(), img.Bounds().Dx()
}

func TestCounterQREncodesTheBaseURL(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.BaseURL = "https://survei.example.go.id/" })
	sd := e.seedUnit(t)
	want := "https://survei.example.go.id/s/" + sd.counter.Code
	tests := []struct {
		query string
		size  int
	}{
		{"", qrDefaultSize},
		{"?size=128", 128},
		{"?size=300", 300},
		{"?size=2048", 2048},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code+"/qr.png"+tt.query, nil)
		// A forged Host must not reach the code: it would send respondents
		// elsewhere.
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil.example")
		resp := e.do(t, req)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: status %d, type %q", tt.query, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=86400" {
			t.Errorf("Cache-Control %q", cc)
		}
		text, size := decodeQR(t, []byte(body(t, resp)))
		if text != want || size != tt.size {
			t.Errorf("%s: QR says %q at %d px, want %q at %d px", tt.query, text, size, want, tt.size)
		}
	}
}

func TestCounterQRSizeBounds(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	for _, q := range []string{"127", "2049", "0", "-512", "abc", "1e3", "512px", "99999999999999999999"} {
		resp := e.do(t, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code+"/qr.png?size="+q, nil))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("size=%s: status %d, want 400", q, resp.StatusCode)
		}
	}
}

func TestQRCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := newQRCache()
	first, err := c.get("https://x.example/s/a", 128)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := c.get("https://x.example/s/a", 128)
	if &first[0] != &again[0] {
		t.Error("a second request must be served from the cache")
	}
	for i := range qrCacheMax + 10 {
		if _, err := c.get("https://x.example/s/a", qrMinSize+i); err != nil {
			t.Fatal(err)
		}
		if len(c.png) > qrCacheMax {
			t.Fatalf("cache holds %d images, bound %d", len(c.png), qrCacheMax)
		}
	}
}
