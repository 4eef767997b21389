package app

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"
)

// signInClient posts the login form as one browser, from the network named
// by X-Forwarded-For (the test app trusts the in-memory peer as its proxy).
type signInClient struct {
	e         *consoleEnv
	pre, csrf string
}

func (e *consoleEnv) signInClient(t *testing.T) *signInClient {
	t.Helper()
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/login", nil))
	sc := &signInClient{e: e}
	for _, c := range resp.Cookies() {
		if c.Name == preCookie {
			sc.pre = c.Value
		}
	}
	sc.csrf = csrfRE.FindStringSubmatch(body(t, resp))[1]
	return sc
}

var loginErrorRE = regexp.MustCompile(`<p class="alert" role="alert">([^<]*)</p>`)

// try posts one attempt and returns the status and the page's error text.
func (sc *signInClient) try(t *testing.T, network, username, password string) (int, string) {
	t.Helper()
	req := postForm("/login", url.Values{"username": {username}, "password": {password}, "csrf": {sc.csrf}})
	req.AddCookie(&http.Cookie{Name: preCookie, Value: sc.pre})
	req.Header.Set("X-Forwarded-For", network)
	resp := sc.e.do(t, req)
	page := body(t, resp)
	msg := ""
	if m := loginErrorRE.FindStringSubmatch(page); m != nil {
		msg = html.UnescapeString(m[1])
	}
	return resp.StatusCode, msg
}

// throttleEnv is a console behind a trusted proxy with a clock the test
// moves.
func throttleEnv(t *testing.T) (*consoleEnv, *time.Time) {
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	e := newConsoleEnv(t, func(c *Config) {
		c.TrustedProxies = []string{"0.0.0.0"}
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	return e, &now
}

// TestSignInParallelGuesses: parallel wrong passwords for one account from
// one network are evaluated one at a time, so only the free failures run;
// before, 24 concurrent attempts were all evaluated.
func TestSignInParallelGuesses(t *testing.T) {
	t.Parallel()
	e, _ := throttleEnv(t)
	sc := e.signInClient(t)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := sc.try(t, "198.51.100.1", "u-viewer", "salah-salah-salah")
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[http.StatusUnauthorized] != signInFreeFailures || codes[http.StatusTooManyRequests] != 24-signInFreeFailures {
		t.Fatalf("24 parallel guesses: %v, want %d evaluated (401) and the rest refused (429)", codes, signInFreeFailures)
	}
}

// TestSignInKnownAndUnknownAlike: a known and an unknown username get the
// same answers, failure after failure, waits included.
func TestSignInKnownAndUnknownAlike(t *testing.T) {
	t.Parallel()
	e, now := throttleEnv(t)
	sc := e.signInClient(t)
	var known, unknown []string
	for i := range 8 {
		c1, m1 := sc.try(t, "198.51.100.2", "u-viewer", "salah-salah-salah")
		c2, m2 := sc.try(t, "198.51.100.3", "tidak-ada-orang", "salah-salah-salah")
		known = append(known, fmt.Sprint(c1, m1))
		unknown = append(unknown, fmt.Sprint(c2, m2))
		if i%2 == 1 {
			*now = now.Add(6 * time.Second)
		}
	}
	if fmt.Sprint(known) != fmt.Sprint(unknown) {
		t.Fatalf("answers differ:\nknown   %q\nunknown %q", known, unknown)
	}
	if known[0] != fmt.Sprint(401, "Nama pengguna atau kata sandi salah.") || known[7][:3] != "429" {
		t.Fatalf("unexpected answers %q", known)
	}
}

// TestSignInOwnerNotLockedOut: an attacker hammering the admin's account
// from one network exhausts only that network; the owner signs in at once
// from theirs, and even from the attacker's network after `user unlock`
// (the network limit aside). Successful sign-ins never count towards the
// network limit.
func TestSignInOwnerNotLockedOut(t *testing.T) {
	t.Parallel()
	e, now := throttleEnv(t)
	sc := e.signInClient(t)
	const attacker, owner = "203.0.113.66", "198.51.100.10"
	for range 40 {
		sc.try(t, attacker, "u-admin", "tebakan-salah-1")
		*now = now.Add(time.Second)
	}
	if code, msg := sc.try(t, attacker, "u-admin", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("attacker's network after 40 guesses: %d %q, want 429", code, msg)
	}
	if code, msg := sc.try(t, owner, "u-admin", testPassword); code != http.StatusSeeOther {
		t.Fatalf("owner from their own network: %d %q, want 303", code, msg)
	}
	// Forty sign-ins from one office address: none refused.
	for i := range 40 {
		if code, msg := sc.try(t, owner, "u-viewer", testPassword); code != http.StatusSeeOther {
			t.Fatalf("sign-in %d from the office: %d %q", i+1, code, msg)
		}
	}
}

// TestSignInBackoffAndUnlock: past the free failures a pair waits 5 s, 10 s,
// 20 s…; an admin's unlock (or password reset) clears the wait at once.
func TestSignInBackoffAndUnlock(t *testing.T) {
	t.Parallel()
	e, now := throttleEnv(t)
	sc := e.signInClient(t)
	const net = "198.51.100.20"
	for range signInFreeFailures {
		if code, _ := sc.try(t, net, "u-kepala-unit", "salah-salah-salah"); code != 401 {
			t.Fatalf("free failure: %d", code)
		}
	}
	if code, msg := sc.try(t, net, "u-kepala-unit", testPassword); code != 429 || msg != "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 5 detik." {
		t.Fatalf("right password during the wait: %d %q", code, msg)
	}
	*now = now.Add(5 * time.Second)
	if code, _ := sc.try(t, net, "u-kepala-unit", "salah-salah-salah"); code != 401 {
		t.Fatalf("after the wait: %d", code)
	}
	if _, msg := sc.try(t, net, "u-kepala-unit", testPassword); msg != "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 10 detik." {
		t.Fatalf("second wait: %q", msg)
	}
	u, _ := e.store.UserByName(context.Background(), "u-kepala-unit")
	*now = now.Add(time.Second)
	if err := e.store.UnlockSignIn(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	if code, msg := sc.try(t, net, "u-kepala-unit", testPassword); code != http.StatusSeeOther {
		t.Fatalf("after unlock: %d %q", code, msg)
	}
}

// TestSignInDistributedGuessing: many networks failing on one account put
// it under attack: every network then waits after its first failure, and a
// network that has not failed still signs in.
func TestSignInDistributedGuessing(t *testing.T) {
	t.Parallel()
	e, _ := throttleEnv(t)
	sc := e.signInClient(t)
	for i := range signInAttackFailures {
		sc.try(t, fmt.Sprintf("203.0.113.%d", i+1), "u-admin", "tebakan-salah-2")
	}
	fresh := "203.0.113.200"
	if code, _ := sc.try(t, fresh, "u-admin", "tebakan-salah-2"); code != 401 {
		t.Fatalf("a fresh network's first guess: %d", code)
	}
	if code, _ := sc.try(t, fresh, "u-admin", "tebakan-salah-2"); code != 429 {
		t.Fatalf("its second guess under attack: %d, want 429", code)
	}
	if code, _ := sc.try(t, "198.51.100.30", "u-admin", testPassword); code != http.StatusSeeOther {
		t.Fatalf("owner under attack: %d", code)
	}
}
