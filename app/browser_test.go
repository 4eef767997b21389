package app

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pageChecksJS measures, on the rendered page, what the respondent page
// promises a phone user: the smallest tap target (radio labels, selects,
// the text box, the button), the widest content (no sideways scrolling), and
// the lowest text contrast against the background actually behind it
// (WCAG 2 relative luminance).
const pageChecksJS = `(() => {
  const lum = c => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const bg = el => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      const p = c.match(/[\d.]+/g);
      if (p && (p.length < 4 || +p[3] > 0)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  let tap = 1e9, contrast = 1e9, worst = '';
  for (const el of document.querySelectorAll('.sc label, select, textarea, button, .btn')) {
    const r = el.getBoundingClientRect();
    tap = Math.min(tap, r.width, r.height);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.closest('.hp') || el.tagName === 'OPTION') continue;
    const a = lum(getComputedStyle(el).color), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < contrast) { contrast = ratio; worst = el.tagName + ' ' + el.textContent.trim().slice(0, 40); }
  }
  return {tap, contrast, worst, width: document.documentElement.scrollWidth};
})()`

type pageChecks struct {
	Tap      float64 `json:"tap"`
	Contrast float64 `json:"contrast"`
	Worst    string  `json:"worst"`
	Width    float64 `json:"width"`
}

// TestBrowserRespondent answers a counter's questionnaire in a real
// Chromium on a phone-sized screen: once completely, then once with an
// answer missing, which must come back with the problem named and every
// other answer kept, and then go through once corrected.
func TestBrowserRespondent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	base := serveLoopback(t, e.app)
	ctx := newBrowser(t)

	// Every request the page causes must go to our own server.
	self, _ := url.Parse(base)
	var mu sync.Mutex
	var foreign []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok {
			if u, err := url.Parse(r.Request.URL); err != nil || u.Host != self.Host {
				mu.Lock()
				foreign = append(foreign, r.Request.URL)
				mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatal(err)
	}

	form := base + "/s/" + sd.counter.Code
	if err := chromedp.Do(ctx, emulatePhone, chromedp.Navigate(form)); err != nil {
		t.Fatal(err)
	}
	checks, err := chromedp.Run(ctx, chromedp.Evaluate[pageChecks](pageChecksJS))
	if err != nil {
		t.Fatal(err)
	}
	if checks.Tap < 44 || checks.Contrast < 4.5 || checks.Width > 360 {
		t.Errorf("smallest tap target %.0f px (want ≥ 44), lowest contrast %.2f:1 at %q (want ≥ 4.5), width %.0f px (want ≤ 360)",
			checks.Tap, checks.Contrast, checks.Worst, checks.Width)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(os.TempDir(), "persepsi-survey-phone.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("phone screenshot: %s; tap ≥ %.0f px, contrast ≥ %.2f:1", shotPath, checks.Tap, checks.Contrast)

	// answer taps every item (5), the control ("Tidak") and the service,
	// skipping one item, and types a suggestion.
	items := []string{}
	for i := 1; i <= 8; i++ {
		items = append(items, "SPKP"+strconv.Itoa(i))
	}
	for i := 1; i <= 5; i++ {
		items = append(items, "SPAK"+strconv.Itoa(i))
	}
	answer := func(skip, suggestion string) chromedp.Action[chromedp.Void] {
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS("#layanan"), strconv.FormatInt(sd.service.ID, 10)),
			chromedp.SetValue(chromedp.CSS("#usia"), "30–39 tahun"),
		}
		for _, code := range items {
			if code != skip {
				steps = append(steps, chromedp.Tap(chromedp.CSS(`input[name="`+code+`"][value="5"]`)))
			}
		}
		steps = append(steps,
			chromedp.Tap(chromedp.CSS(`input[name="KONTROL"][value="Tidak"]`)),
			chromedp.SendKeys(chromedp.CSS("#saran"), suggestion),
		)
		return chromedp.Steps(steps...)
	}
	submit := func() int64 {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, chromedp.Tap(chromedp.CSS(`button[type="submit"]`)))
		if err != nil {
			t.Fatal(err)
		}
		return resp.Status
	}
	heading := func() string {
		t.Helper()
		h, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	// 1. A complete answer lands on the thank-you page.
	if err := chromedp.Do(ctx, answer("", "Pelayanan cepat.")); err != nil {
		t.Fatal(err)
	}
	if status := submit(); status != http.StatusOK || heading() != "Terima kasih" {
		t.Fatalf("after submitting: status %d, heading %q", status, heading())
	}
	if n := e.count(t, sd.unit.ID); n != 1 {
		t.Fatalf("%d stored, want 1", n)
	}

	// 2. With SPKP2 unanswered the form comes back: the problem named at
	// the top and at the item, every other answer still there.
	if err := chromedp.Do(ctx, chromedp.Navigate(form), answer("SPKP2", "Ruang tunggu panas.")); err != nil {
		t.Fatal(err)
	}
	if status := submit(); status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	// autofocus is applied at the page's next rendering update, not at
	// load, so wait (bounded) for focus to reach the summary; if it never
	// does, the comparison below names it.
	_, _ = chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'galat'`,
		chromedp.WithPollingTimeout(5*time.Second)))
	type state struct {
		Summary, ItemErr, Described, Focus          string
		SPKP1, SPAK5, Control, Saran, Usia, Layanan string
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => {
	  const v = s => (document.querySelector(s) || {}).value || '';
	  const fs = document.getElementById('SPKP2-e').closest('fieldset');
	  return {
	    Summary: document.querySelector('.sum').innerText,
	    ItemErr: document.getElementById('SPKP2-e').innerText,
	    Described: fs.getAttribute('aria-describedby'),
	    Focus: document.activeElement.id,
	    SPKP1: v('input[name=SPKP1]:checked'),
	    SPAK5: v('input[name=SPAK5]:checked'),
	    Control: v('input[name=KONTROL]:checked'),
	    Saran: v('#saran'), Usia: v('#usia'), Layanan: v('#layanan'),
	  };
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	want := state{
		Summary: "Pernyataan 2: Mohon pilih salah satu jawaban.", ItemErr: "Mohon pilih salah satu jawaban.",
		Described: "SPKP2-h SPKP2-e", Focus: "galat",
		SPKP1: "5", SPAK5: "5", Control: "Tidak", Saran: "Ruang tunggu panas.", Usia: "30–39 tahun",
		Layanan: strconv.FormatInt(sd.service.ID, 10),
	}
	if !strings.Contains(got.Summary, want.Summary) {
		t.Errorf("summary %q lacks %q", got.Summary, want.Summary)
	}
	got.Summary = want.Summary
	if got != want {
		t.Errorf("after the rejected submission:\n got %+v\nwant %+v", got, want)
	}
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "persepsi-survey-phone-error.png"), shot, 0o644)
	}

	// 3. Answering the one missing item is enough.
	if err := chromedp.Do(ctx, chromedp.Tap(chromedp.CSS(`input[name="SPKP2"][value="3"]`))); err != nil {
		t.Fatal(err)
	}
	if status := submit(); status != http.StatusOK || heading() != "Terima kasih" {
		t.Fatalf("after correcting: status %d, heading %q", status, heading())
	}
	rs := e.responses(t, sd.unit.ID)
	if len(rs) != 2 {
		t.Fatalf("%d stored, want 2", len(rs))
	}
	// Rows come by bucket, then by random reference: find the second one.
	r := rs[0]
	if r.Suggestion != "Ruang tunggu panas." {
		r = rs[1]
	}
	if r.Score("SPKP2") != 3 || r.Score("SPKP1") != 5 || r.Suggestion != "Ruang tunggu panas." || r.AgeBand != "30–39 tahun" || r.Control != "Tidak" {
		t.Errorf("stored %+v", r)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(foreign) > 0 {
		t.Errorf("the page made third-party requests: %s", fmt.Sprint(foreign))
	}
}

// TestBrowserPosterPrintsOnOneA4 prints a counter's poster as Chromium
// would on paper: it must fill exactly one A4 sheet, QR code included.
func TestBrowserPosterPrintsOnOneA4(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	base := serveLoopback(t, e.app)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/s/"+sd.counter.Code+"/poster")); err != nil {
		t.Fatal(err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('img.qr').complete && document.querySelector('img.qr').naturalWidth === 1200`))
	if err != nil || !loaded {
		t.Fatalf("QR image not loaded: %v", err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
		yes := true
		p.PreferCSSPageSize = &yes
	}))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "persepsi-poster.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type\s*/Page\b[^s]`).FindAll(pdf, -1)
	size := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`).FindSubmatch(pdf)
	if len(pages) != 1 || size == nil {
		t.Fatalf("poster printed on %d pages (want 1), media box %q; see %s", len(pages), size, path)
	}
	// A4 is 595.28 × 841.89 points.
	if w, _ := strconv.ParseFloat(string(size[1]), 64); w < 594 || w > 597 {
		t.Errorf("page width %s pt, want A4's 595", size[1])
	}
	if h, _ := strconv.ParseFloat(string(size[2]), 64); h < 840 || h > 843 {
		t.Errorf("page height %s pt, want A4's 842", size[2])
	}
}
