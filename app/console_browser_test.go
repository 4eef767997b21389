package app

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"persepsi/survey"
)

// contrastJS returns the WCAG 2 contrast ratio of the first element matching
// a selector: its text colour against the first opaque background behind it.
const contrastJS = `((sel) => {
  const lum = c => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let el = document.querySelector(sel);
  if (!el) return -1;
  const fg = lum(getComputedStyle(el).color);
  let bg = 'rgb(255, 255, 255)';
  for (let p = el; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor, v = c.match(/[\d.]+/g);
    if (v && (v.length < 4 || +v[3] > 0)) { bg = c; break; }
  }
  const b = lum(bg);
  return (Math.max(fg, b) + 0.05) / (Math.min(fg, b) + 0.05);
})(%q)`

// browserLogin opens path in Chromium on a phone-sized screen, signs in
// through the real login form and waits for the page it asked for.
func browserLogin(t *testing.T, bctx context.Context, base, path, username string) {
	t.Helper()
	if err := chromedp.Do(bctx, emulatePhone, chromedp.Navigate(base+path),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(bctx, chromedp.Tap(chromedp.CSS(`button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
}

// The follow-up plan's "Hapus" button must be readable: WCAG AA asks 4.5:1
// for its text (it was white on white, 1:1).
func TestFollowUpDeleteButtonContrast(t *testing.T) {
	e := newTestEnv(t)
	s := e.seedUnit(t)
	ctx := context.Background()
	if _, err := e.store.CreateUser(ctx, survey.NewUser{Username: "kepala", Password: testPassword, Role: survey.RoleKepalaUnit, Units: []int64{s.unit.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SaveFollowUp(ctx, s.unit.ID, survey.FollowUpInput{ItemCode: "SPKP4", Cause: "Antrean panjang", Action: "Tambah loket", Deadline: "2026-12-31", Owner: "Kasubag Umum", Status: survey.FollowUpStatuses[0].Code}); err != nil {
		t.Fatal(err)
	}
	base := serveLoopback(t, e.app)
	bctx := newBrowser(t)
	browserLogin(t, bctx, base, "/dashboard/units/"+strconv.FormatInt(s.unit.ID, 10)+"/tindak-lanjut", "kepala")
	ratio, err := chromedp.Run(bctx, chromedp.Evaluate[float64](fmt.Sprintf(contrastJS, "form[action$='/hapus'] button")))
	if err != nil {
		t.Fatal(err)
	}
	if ratio < 4.5 {
		t.Fatalf("Hapus button contrast %.2f:1, want at least 4.5:1", ratio)
	}
}
