package app

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserVerifyPageFitsPhone: on a 360-px phone nothing on the public
// verification page reaches past the screen's right edge. The key's
// fingerprint (64 hex digits in a <code>, no break opportunity) ran off the
// screen before code elements could wrap anywhere. The edge is the constant
// 360: a mobile viewport widens itself to fit overflowing content, so
// window.innerWidth would hide the fault.
func TestBrowserVerifyPageFitsPhone(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	base := serveLoopback(t, e.app)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, emulatePhone, chromedp.Navigate(base+"/verify")); err != nil {
		t.Fatal(err)
	}
	over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('body *')]
	  .filter(el => el.getBoundingClientRect().right > 360.5)
	  .map(el => el.tagName + ': ' + el.textContent.slice(0, 40))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(over) > 0 {
		t.Errorf("past the right edge of a 360-px screen: %q", over)
	}
}
