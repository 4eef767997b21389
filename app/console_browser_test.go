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
	t.Parallel()
	e := newTestEnv(t)
	s := e.seedUnit(t)
	ctx := context.Background()
	e.addUnitHead(t, s.unit.ID)
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

// chartTextJS measures, for every chart image on the page, the smallest
// text as rendered: the image's SVG (the source the browser chose) is
// fetched, laid out inline at the image's rendered width, and each text's
// font size is scaled by rendered width over the viewBox width. It returns
// the chart count, the smallest size, and which chart and text it was.
const chartTextJS = `(async () => {
  const imgs = [...document.querySelectorAll('img.chart')];
  let min = 1e9, worst = '', phone = 0;
  for (const img of imgs) {
    img.loading = 'eager';
    if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
    if (img.currentSrc.includes('ukuran=ponsel')) phone++;
    const w = img.getBoundingClientRect().width;
    const box = document.createElement('div');
    box.style.width = w + 'px';
    box.innerHTML = await (await fetch(img.currentSrc)).text();
    document.body.appendChild(box);
    const svg = box.querySelector('svg');
    svg.style.width = '100%'; svg.style.height = 'auto';
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < min) { min = px; worst = img.currentSrc.replace(/.*charts\//, '') + ': ' + t.textContent; }
    }
    box.remove();
  }
  return {charts: imgs.length, phone, min, worst};
})()`

type chartText struct {
	Charts, Phone int
	Min           float64
	Worst         string
}

// On a 360 px phone the dashboard's charts keep their text at 12 px or
// more (the 480-point images used to shrink it to about 6 px), the actions
// sit at the top, and the section index leads to every section.
func TestDashboardOnPhone(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := e.seedUnit(t)
	e.addUnitHead(t, s.unit.ID)
	e.seedResponses(t, s, 40, "5")
	base := serveLoopback(t, e.app)
	bctx := newBrowser(t)
	browserLogin(t, bctx, base, "/dashboard/units/"+strconv.FormatInt(s.unit.ID, 10)+"?period=7d", "kepala")
	got, err := chromedp.Run(bctx, chromedp.Evaluate[chartText](chartTextJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got.Charts < 5 || got.Phone != got.Charts {
		t.Fatalf("%d charts, %d of them phone-sized", got.Charts, got.Phone)
	}
	t.Logf("%d phone charts, smallest text %.1f px (%s)", got.Charts, got.Min, got.Worst)
	if got.Min < 12 {
		t.Errorf("smallest chart text %.1f px (%s), want at least 12 px", got.Min, got.Worst)
	}
	layout, err := chromedp.Run(bctx, chromedp.Evaluate[struct {
		Export, Height, Viewport float64
		Missing                  []string
	}](`(() => {
  const a = document.querySelector('nav.actions a[href*="/bukti"]');
  const missing = [...document.querySelectorAll('nav.toc a')].map(l => l.getAttribute('href')).filter(h => !document.querySelector(h));
  return {Export: a ? a.getBoundingClientRect().top + scrollY : -1, Height: document.documentElement.scrollHeight, Viewport: innerHeight, Missing: missing};
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if layout.Export < 0 || layout.Export > layout.Viewport*1.5 || layout.Height < 3*layout.Viewport {
		t.Errorf("export link at %.0f px of a %.0f px page (viewport %.0f): want it within the first screen and a half", layout.Export, layout.Height, layout.Viewport)
	}
	if len(layout.Missing) > 0 {
		t.Errorf("section index links to missing sections %v", layout.Missing)
	}
}
