package app

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"persepsi/survey"
)

// wait is checked against take itself: one second before the instant it
// names the event is still refused, at that instant it fits.
func TestLimiterWaitIsWhenTakeSucceeds(t *testing.T) {
	t.Parallel()
	hour := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		limit int
		takes []int // minutes after the hour
		at    int   // minute the refused event comes
	}{
		{"full in this window: wait past the roll", 3, []int{10, 11, 12}, 13},
		{"previous window still weighs", 3, []int{0, 1, 2}, 70},
		{"limit one", 1, []int{30}, 45},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, probe := range []bool{false, true} {
				l := newLimiter(tc.limit, 100)
				for _, m := range tc.takes {
					if !l.take("k", hour.Add(time.Duration(m)*time.Minute)) {
						t.Fatalf("take at +%d refused", m)
					}
				}
				now := hour.Add(time.Duration(tc.at) * time.Minute)
				w := l.wait("k", now)
				if w <= 0 {
					t.Fatalf("wait %v for a refused event", w)
				}
				if probe {
					if !l.take("k", now.Add(w+time.Millisecond)) {
						t.Fatalf("refused at now+wait (%v)", w)
					}
				} else if l.take("k", now.Add(w-time.Second)) {
					t.Fatalf("allowed one second before now+wait (%v)", w)
				}
			}
		})
	}
	if w := newLimiter(3, 10).wait("new", hour); w != 0 {
		t.Fatalf("a fresh key waits %v", w)
	}
}

// Over the limit, the respondent gets the form back with all 13 answers,
// the service, the suggestion and the key kept, told in the unit's zone when
// to send again; sent then, it is stored.
func TestRateLimitedFormKeepsAnswersAndSaysWhen(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Now().Truncate(time.Minute)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	e := newTestEnv(t, func(c *Config) { c.DeviceLimit = 1; c.Now = now })
	sd := e.seedUnit(t)
	path := "/s/" + sd.counter.Code
	dev := e.device(t, sd.counter.Code)
	post := func(form map[string][]string) *http.Response {
		req := postForm(path, form)
		req.AddCookie(dev)
		return e.do(t, req)
	}
	if r := post(e.validForm(t, sd, "5")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("1st: %d", r.StatusCode)
	}
	form := e.validForm(t, sd, "4")
	form.Set("saran", "Ruang tunggu nyaman")
	form.Set("pendidikan", "S1")
	r := post(form)
	page := body(t, r)
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("2nd: %d", r.StatusCode)
	}
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry <= 0 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if n := strings.Count(page, `value="4" checked`); n != 13 {
		t.Errorf("%d of 13 answers kept", n)
	}
	for _, want := range []string{"Ruang tunggu nyaman", `value="S1" selected`, `value="` + form.Get("kunci") + `"`, `value="Tidak" checked`,
		"Semua jawaban Anda masih ada", "setelah pukul " + survey.FormatClock(now().Add(time.Duration(retry)*time.Second), sd.unit.TimeZone)} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`pukul \d\d\.\d\d WIB \(sekitar \d+ menit lagi\)`).MatchString(page) {
		t.Error("no clock time in WIB with the wait")
	}
	mu.Lock()
	clock = clock.Add(time.Duration(retry) * time.Second)
	mu.Unlock()
	if r := post(form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sent again at the time named: %d", r.StatusCode)
	}
}
