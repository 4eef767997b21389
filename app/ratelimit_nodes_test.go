package app

import (
	"net/http"
	"testing"
)

// TestLimitsArePerNode: the submission limits and the sign-in throttle
// count in each node's memory (docs/SECURITY.md, "Several nodes"), so a
// client spread over two app instances on one database gets each node's
// budget: twice the limit. What the statement in SECURITY.md promises is
// exactly this, and a reverse proxy hashing the client's address to one
// node keeps it to one budget.
func TestLimitsArePerNode(t *testing.T) {
	t.Parallel()
	t.Run("submissions", func(t *testing.T) {
		t.Parallel()
		const limit = 3
		opt := func(c *Config) { c.NetworkLimit = limit }
		a := newTestEnv(t, opt)
		b := newTestEnvOn(t, a.store, opt) // a second node on the same database
		sd := a.seedUnit(t)
		path := "/s/" + sd.counter.Code
		for _, n := range []struct {
			name string
			e    *testEnv
		}{{"a", a}, {"b", b}} {
			for i := range limit + 1 {
				want := http.StatusSeeOther
				if i == limit {
					want = http.StatusTooManyRequests
				}
				if got := n.e.do(t, postForm(path, a.validForm(t, sd, "4"))).StatusCode; got != want {
					t.Fatalf("node %s, submission %d from one network: %d, want %d", n.name, i+1, got, want)
				}
			}
		}
		if got := a.count(t, sd.unit.ID); got != 2*limit {
			t.Fatalf("%d stored from one network through two nodes, want %d (each node's limit)", got, 2*limit)
		}
	})
	t.Run("sign-in", func(t *testing.T) {
		t.Parallel()
		opt := func(c *Config) { c.TrustedProxies = []string{"0.0.0.0"} }
		a := newConsoleEnv(t, opt)
		b := &consoleEnv{testEnv: newTestEnvOn(t, a.store, opt)}
		const network = "198.51.100.30"
		for _, n := range []struct {
			name string
			e    *consoleEnv
		}{{"a", a}, {"b", b}} {
			sc := n.e.signInClient(t)
			for i := range signInFreeFailures {
				if code, msg := sc.try(t, network, "u-viewer", "salah-salah-salah"); code != http.StatusUnauthorized {
					t.Fatalf("node %s, free failure %d: %d %q", n.name, i+1, code, msg)
				}
			}
			if code, msg := sc.try(t, network, "u-viewer", "salah-salah-salah"); code != http.StatusTooManyRequests {
				t.Fatalf("node %s, past the free failures: %d %q, want 429", n.name, code, msg)
			}
		}
	})
}
