package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"
)

// browserTimeout bounds one browser test, start-up included.
const browserTimeout = 2 * time.Minute

// chromiumPath returns the Chromium binary: $CHROMIUM, else Debian's
// /usr/bin/chromium, else whatever chromium is on PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// TestMain stops the package's shared Chromium after the last test.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil { // nil when no browser test ran (-run subsets)
		shared.stop()
	}
	os.Exit(code)
}

// shared is the one headless Chromium the package's browser tests share:
// starting a browser costs about a second of CPU, more under -race, and
// every test used to start its own.
var shared sharedBrowser

type sharedBrowser struct {
	once sync.Once
	ctx  context.Context // the browser's first tab; its children are new tabs
	err  error
	stop func()
}

// start launches Chromium once per test binary.
func (b *sharedBrowser) start(path string) {
	b.stop = func() {}
	dir, err := os.MkdirTemp("", "persepsi-chromium-")
	if err != nil {
		b.err = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dir),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	b.ctx = bctx
	b.stop = func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	// The browser lives as long as the context of its first Run, so that
	// is bctx itself, not a child with a timeout.
	b.err = chromedp.Do(bctx)
}

// newBrowser returns a chromedp context for one test: a tab of the package's
// shared Chromium in a browser context of its own (like an incognito
// window: its own cookies, storage and cache), closed when the test ends and
// bounded by browserTimeout. Tests using it may run in parallel. Without
// Chromium the test is skipped on a workstation but fails in CI (CI set),
// where .ci/run installs it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not found, and CI needs the browser test: install chromium or set $CHROMIUM")
		}
		t.Skip("chromium not installed; set $CHROMIUM to run the browser tests")
	}
	shared.once.Do(func() { shared.start(path) })
	if shared.err != nil {
		t.Fatalf("start chromium: %v", shared.err)
	}
	ctx, cancelTimeout := context.WithTimeout(shared.ctx, browserTimeout)
	tctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancelTab()
		cancelTimeout()
	})
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tctx
}

// emulatePhone sets a small Android phone's viewport: 360×740 CSS pixels at
// twice the density, portrait, with touch (so chromedp.Tap works).
var emulatePhone = chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)

// serveLoopback serves a over HTTP on 127.0.0.1 on a free port until the test
// ends, and returns its address as "http://127.0.0.1:port".
func serveLoopback(t *testing.T, a *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Listener(ln) }()
	t.Cleanup(func() {
		if err := a.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
