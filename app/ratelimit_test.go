package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

func TestLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	hour := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return hour.Add(time.Duration(min) * time.Minute) }
	tests := []struct {
		name  string
		steps []struct {
			min  int
			want bool
		}
	}{
		{"three per hour then refused", []struct {
			min  int
			want bool
		}{{0, true}, {10, true}, {20, true}, {59, false}}},
		// At 90 min the previous window still weighs half: 3 × 0.5 = 1.5,
		// so one more fits (2.5 ≤ 3) and a second does not (3.5).
		{"previous window weighs by its overlap", []struct {
			min  int
			want bool
		}{{0, true}, {1, true}, {2, true}, {90, true}, {91, false}}},
		{"a quiet hour forgets", []struct {
			min  int
			want bool
		}{{0, true}, {1, true}, {2, true}, {121, true}, {122, true}, {123, true}, {124, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiter(3, 100)
			for _, s := range tt.steps {
				if got := l.take("k", at(s.min)); got != s.want {
					t.Fatalf("take at +%d min = %v, want %v", s.min, got, s.want)
				}
			}
		})
	}
}

func TestLimiterRefundAndKeys(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	l := newLimiter(1, 100)
	if !l.take("a", now) || l.take("a", now) {
		t.Fatal("limit 1 must allow one")
	}
	l.refund("a", now)
	if !l.take("a", now) {
		t.Fatal("a refunded event must free its slot")
	}
	if !l.take("b", now) {
		t.Fatal("keys must not share counts")
	}
}

// len returns how many keys l holds.
func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	l := newLimiter(5, 1000)
	for i := range 20_000 {
		l.take(strconv.Itoa(i), now)
		if n := l.len(); n > 1000 {
			t.Fatalf("%d keys held after %d inserts, bound 1000", n, i+1)
		}
	}
	// Expired keys go first: two hours on, a full map is swept clean.
	l = newLimiter(5, 1000)
	for i := range 1000 {
		l.take(strconv.Itoa(i), now)
	}
	l.take("late", now.Add(2*time.Hour))
	if n := l.len(); n != 1 {
		t.Fatalf("%d keys held, want only the live one", n)
	}
}

func TestNetworkKeyRotatesDailyAndHidesTheIP(t *testing.T) {
	t.Parallel()
	h := newNetworkHasher([]byte(strings.Repeat("s", 32)), "network:")
	day := time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC)
	a := h.key("203.0.113.7", day)
	if a != h.key("203.0.113.7", day.Add(30*time.Minute)) {
		t.Fatal("same network, same UTC day: same key")
	}
	if a == h.key("203.0.113.8", day) {
		t.Fatal("different networks must differ")
	}
	if a == h.key("203.0.113.7", day.Add(2*time.Hour)) {
		t.Fatal("the key must rotate with the UTC day")
	}
	if strings.Contains(a, "203") || len(a) != 32 {
		t.Fatalf("key %q", a)
	}
	if a == newNetworkHasher([]byte(strings.Repeat("t", 32)), "network:").key("203.0.113.7", day) {
		t.Fatal("the key must depend on the secret")
	}
	if a == newNetworkHasher([]byte(strings.Repeat("s", 32)), "login:").key("203.0.113.7", day) {
		t.Fatal("the key must depend on its purpose")
	}
}

// device returns a device cookie for e, as the survey page hands it out.
func (e *testEnv) device(tb testing.TB, code string) *http.Cookie {
	tb.Helper()
	resp := e.do(tb, httptest.NewRequest(http.MethodGet, "/s/"+code, nil))
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			return c
		}
	}
	tb.Fatal("no device cookie")
	return nil
}

func TestRateLimitPerDevice(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.DeviceLimit = 2 })
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code
	dev := e.device(t, sd.counter.Code)
	post := func(form map[string][]string, cookie *http.Cookie) *http.Response {
		req := postForm(path, form)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		return e.do(t, req)
	}

	first := e.validForm(t, sd, "5")
	if r := post(first, dev); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("1st: %d", r.StatusCode)
	}
	// Neither a double tap nor a rejected form uses up the allowance.
	if r := post(first, dev); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("double tap: %d", r.StatusCode)
	}
	bad := e.validForm(t, sd, "5")
	bad.Del("SPKP1")
	for range 3 {
		if r := post(bad, dev); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid: %d", r.StatusCode)
		}
	}
	if r := post(e.validForm(t, sd, "5"), dev); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("2nd: %d", r.StatusCode)
	}
	r := post(e.validForm(t, sd, "5"), dev)
	page := body(t, r)
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Terlalu banyak") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("3rd: status %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	// JSON clients with the cookie get JSON.
	jr := postJSON(t, path, asJSON(e.validForm(t, sd, "5")))
	jr.AddCookie(dev)
	resp := e.do(t, jr)
	var out map[string]any
	if resp.StatusCode != http.StatusTooManyRequests || json.NewDecoder(resp.Body).Decode(&out) != nil || out["error"] == nil {
		t.Fatalf("JSON over the limit: %d %v", resp.StatusCode, out)
	}
	// Another device, and the same device at another counter, are free.
	if r := post(e.validForm(t, sd, "5"), e.device(t, sd.counter.Code)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("other device: %d", r.StatusCode)
	}
	if n := e.count(t, sd.unit.ID); n != 3 {
		t.Fatalf("%d stored, want 3", n)
	}
}

func TestRateLimitPerNetwork(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.DeviceLimit = 1; c.NetworkLimit = 3 })
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code
	// Four phones on the office Wi-Fi: the fourth reaches the network
	// ceiling although each phone is within its own limit.
	for i := range 4 {
		req := postForm(path, e.validForm(t, sd, "4"))
		req.AddCookie(e.device(t, sd.counter.Code))
		resp := e.do(t, req)
		want := http.StatusSeeOther
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("phone %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if n := e.count(t, sd.unit.ID); n != 3 {
		t.Fatalf("%d stored, want 3", n)
	}
}

func TestRateLimitKiosk(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.DeviceLimit = 1; c.NetworkLimit = 4 })
	sd := e.seedUnit(t)
	code := sd.counter.Code
	tablet := e.device(t, code)
	post := func(path string) int {
		req := postForm(path, e.validForm(t, sd, "6"))
		req.AddCookie(tablet)
		return e.do(t, req).StatusCode
	}
	// With its key the tablet is one device serving many respondents...
	kiosk := e.kioskPath(code)
	for i := range 3 {
		if s := post(kiosk); s != http.StatusSeeOther {
			t.Fatalf("kiosk submission %d: %d", i+1, s)
		}
	}
	// ...but with a forged key it is an ordinary device, allowed one (the
	// kiosk submissions did not count against it).
	if s := post("/s/" + code + "?mode=kiosk&key=forged"); s != http.StatusSeeOther {
		t.Fatalf("first without a valid key: %d", s)
	}
	if s := post("/s/" + code + "?mode=kiosk&key=forged"); s != http.StatusTooManyRequests {
		t.Fatalf("second without a valid key: %d, want 429", s)
	}
	// The network ceiling holds for the kiosk too.
	if s := post(kiosk); s != http.StatusTooManyRequests {
		t.Fatalf("kiosk over the network limit: %d, want 429", s)
	}
	for _, r := range e.responses(t, sd.unit.ID) {
		if r.Channel != survey.ChannelKiosk {
			t.Fatalf("channel %q, want kiosk", r.Channel)
		}
	}
}

func TestRateLimitOffByDefault(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	dev := e.device(t, sd.counter.Code)
	for i := range 10 {
		req := postForm("/s/"+sd.counter.Code, e.validForm(t, sd, "3"))
		req.AddCookie(dev)
		if resp := e.do(t, req); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submission %d: %d", i+1, resp.StatusCode)
		}
	}
}

// TestClientAddrBehindProxy: the limits key on the address the trusted
// proxy saw, the rightmost X-Forwarded-For hop that is not a trusted proxy;
// whatever the client wrote left of it is ignored.
func TestClientAddrBehindProxy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		trusted []string
		xff     []string
		want    string
	}{
		{"no proxy configured: the header is ignored", nil, []string{"203.0.113.9"}, "0.0.0.0"},
		{"peer not trusted: the header is ignored", []string{"10.0.0.0/8"}, []string{"203.0.113.9"}, "0.0.0.0"},
		{"one proxy appends the client", []string{"0.0.0.0"}, []string{"203.0.113.9"}, "203.0.113.9"},
		{"forged entries left of it", []string{"0.0.0.0"}, []string{"1.2.3.4, 5.6.7.8, 203.0.113.9"}, "203.0.113.9"},
		{"two trusted proxies in a row", []string{"0.0.0.0", "10.0.0.0/8"}, []string{"6.6.6.6, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"headers repeated", []string{"0.0.0.0", "10.0.0.0/8"}, []string{"6.6.6.6", "203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"IPv6 client", []string{"0.0.0.0"}, []string{"2001:db8::1"}, "2001:db8::1"},
		{"garbage at the proxy's place: the proxy", []string{"0.0.0.0"}, []string{"1.2.3.4, bukan-alamat"}, "0.0.0.0"},
		{"only proxies: the leftmost", []string{"0.0.0.0", "10.0.0.0/8"}, []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := newServer(Config{BaseURL: "https://survei.example.go.id", Secret: []byte(strings.Repeat("k", 32)), TrustedProxies: tc.trusted}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			a := fiber.New()
			a.Get("/", func(c *fiber.Ctx) error { got = srv.clientAddr(c); return nil })
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, h := range tc.xff {
				req.Header.Add("X-Forwarded-For", h)
			}
			if _, err := a.Test(req, -1); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("clientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRateLimitBehindProxyIgnoresForgedHops: rotating the leftmost
// X-Forwarded-For entry got 125 of 125 submissions past a limit of 120; now
// the fourth of a limit of 3 is refused.
func TestRateLimitBehindProxyIgnoresForgedHops(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.NetworkLimit = 3; c.TrustedProxies = []string{"0.0.0.0"} })
	sd := e.seedUnit(t)
	for i := range 4 {
		req := postForm("/s/"+sd.counter.Code, e.validForm(t, sd, "4"))
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.9.8.%d, 203.0.113.9", i))
		want := http.StatusSeeOther
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if resp := e.do(t, req); resp.StatusCode != want {
			t.Fatalf("submission %d with a forged hop: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
}
