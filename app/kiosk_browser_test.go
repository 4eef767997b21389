package app

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// On the kiosk, a half-filled form left untouched clears itself after the
// configured idle time; an untouched blank form is left alone, and the
// phone page (not a kiosk) carries no script at all.
func TestKioskIdleResetsHalfFilledForm(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.KioskIdle = 1500 * time.Millisecond })
	sd := e.seedUnit(t)
	base := serveLoopback(t, e.app)
	ctx := newBrowser(t)
	kiosk := base + e.kioskPath(sd.counter.Code)
	if err := chromedp.Do(ctx, emulatePhone, chromedp.Navigate(kiosk),
		chromedp.Evaluate[chromedp.Void](`window.mark = 1`),
		chromedp.Sleep(2500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if mark, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.mark || 0`)); err != nil || mark != 1 {
		t.Fatalf("a blank kiosk form reloaded by itself (mark %d, %v)", mark, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label:has(input[name="SPKP1"][value="4"])`)),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('saran').value = 'setengah'`)); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#jawaban input:checked').length`)); err != nil || n != 1 {
		t.Fatalf("%d answers checked before the idle time (%v)", n, err)
	}
	// Poll from Go: the reload ends any poll running inside the page.
	cleared := false
	for deadline := time.Now().Add(10 * time.Second); !cleared && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		cleared, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](
			`!window.mark && document.readyState === 'complete' && document.querySelectorAll('#jawaban input:checked').length === 0 && document.getElementById('saran').value === ''`))
	}
	if !cleared {
		t.Fatal("the half-filled kiosk form was not cleared")
	}
	if url, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`)); err != nil || url != kiosk {
		t.Fatalf("after the reset the tablet shows %q, want the kiosk form %q", url, kiosk)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`)); err != nil || n != 1 {
		t.Fatalf("kiosk page has %d scripts", n)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/s/"+sd.counter.Code)); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`)); err != nil || n != 0 {
		t.Fatalf("the phone page has %d scripts, want none", n)
	}
}
