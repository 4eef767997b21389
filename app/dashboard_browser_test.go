package app

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"persepsi/survey"
)

// addUnitHead creates the account "kepala" (password testPassword), unit
// head of unitID, that the browser tests sign in with.
func (e *testEnv) addUnitHead(tb testing.TB, unitID int64) {
	tb.Helper()
	u := survey.NewUser{Username: "kepala", Password: testPassword, Role: survey.RoleKepalaUnit, Units: []int64{unitID}}
	if _, err := e.store.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
}

// TestDashboardInBrowser signs in through the real login form in headless
// Chromium on a phone-sized screen, and checks the dashboard shows the IPAK card and a trend
// chart that actually loaded (an SVG image with a natural width).
func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := e.seedUnit(t)
	ctx := context.Background()
	e.addUnitHead(t, s.unit.ID)
	sv, err := e.store.SurveyByCode(ctx, s.counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range 30 {
		in := survey.Input{Service: strconv.FormatInt(s.service.ID, 10), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		for j, it := range sv.Questionnaire.Items() {
			in.Answers[it.Code] = strconv.Itoa(3 + (i+j)%4)
		}
		r, err := sv.Validate(in, now.Add(-time.Duration(i)*2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.store.Submit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	base := serveLoopback(t, e.app)
	bctx := newBrowser(t)
	dash := base + "/dashboard/units/" + strconv.FormatInt(s.unit.ID, 10) + "?period=7d"
	err = chromedp.Do(bctx,
		emulatePhone,
		chromedp.Navigate(dash),
		chromedp.SendKeys(chromedp.CSS("#username"), "kepala"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(bctx, chromedp.Tap(chromedp.CSS(`button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	card, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".card")))
	if err != nil {
		t.Fatal(err)
	}
	chartWidth, err := chromedp.Run(bctx, chromedp.Poll[int](
		`(() => { const i = document.querySelector('img.chart'); i.loading = 'eager'; return i.complete && i.naturalWidth; })()`,
		chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	checkFitsPhone(t, bctx)
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	if heading != s.unit.Name {
		t.Errorf("heading %q, want %q", heading, s.unit.Name)
	}
	if want := "IPKP – Indeks Persepsi Kualitas Pelayanan (skala 4)"; !strings.Contains(card, want) {
		t.Errorf("first card %q lacks %q", card, want)
	}
	if chartWidth < 100 {
		t.Errorf("trend chart did not load: natural width %d", chartWidth)
	}
	if dir := os.Getenv("PERSEPSI_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "dashboard.png"), shot, 0o644)
	}
}
