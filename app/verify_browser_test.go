package app

import (
	"context"
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
	checkFitsPhone(t, ctx)
}

// checkFitsPhone fails the test when an element of the page in ctx reaches
// past the right edge of a 360-px screen (emulatePhone), outside a box that
// scrolls it (the dashboard's wide tables sit in .table-wrap).
func checkFitsPhone(t *testing.T, ctx context.Context) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
	  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
	    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
	  return [...document.querySelectorAll('body *')]
	    .filter(el => el.getBoundingClientRect().right > 360.5 && !scrolls(el))
	    .map(el => el.tagName + ': ' + el.textContent.slice(0, 40)); })()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(over) > 0 {
		t.Errorf("past the right edge of a 360-px screen: %q", over)
	}
}
