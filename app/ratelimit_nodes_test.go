package app

import (
	"net/http"
	"testing"

	"persepsi/survey/storetest"
)

// TestLimitsArePerNode: the submission limits and the sign-in throttle
// count in each node's memory (docs/SECURITY.md, "Several nodes"; README,
// "Menjalankan beberapa node"), so a client spread over two nodes on one
// PostgreSQL database gets each node's budget: twice the limit. That is
// exactly what the statement promises, and why the reverse proxy hashes
// the client's address to one node.
func TestLimitsArePerNode(t *testing.T) {
	t.Parallel()
	const limit = 2
	// twoNodes builds two app nodes on stores of one fresh schema.
	twoNodes := func(t *testing.T, opt func(*Config)) (a, b *testEnv) {
		url := storetest.PostgresURL(t)
		return newTestEnvOn(t, storetest.MustOpenPostgres(t, url), opt), newTestEnvOn(t, storetest.MustOpenPostgres(t, url), opt)
	}
	// submitTwice posts one submission more than the limit to sd's
	// counter through each node, as one client, and checks that each node
	// accepts exactly the limit: 2·limit stored.
	submitTwice := func(t *testing.T, a, b *testEnv, sd seed, client func(*http.Request)) {
		for _, n := range []struct {
			name string
			e    *testEnv
		}{{"a", a}, {"b", b}} {
			for i := range limit + 1 {
				want := http.StatusSeeOther
				if i == limit {
					want = http.StatusTooManyRequests
				}
				req := postForm("/s/"+sd.counter.Code, a.validForm(t, sd, "4"))
				client(req)
				if got := n.e.do(t, req).StatusCode; got != want {
					t.Fatalf("node %s, submission %d of one client: %d, want %d", n.name, i+1, got, want)
				}
			}
		}
		if got := b.count(t, sd.unit.ID); got != 2*limit {
			t.Fatalf("%d stored from one client through two nodes, want %d (each node's limit)", got, 2*limit)
		}
	}
	t.Run("device", func(t *testing.T) {
		t.Parallel()
		a, b := twoNodes(t, func(c *Config) { c.DeviceLimit = limit })
		sd := a.seedUnit(t)
		dev := a.device(t, sd.counter.Code)
		submitTwice(t, a, b, sd, func(r *http.Request) { r.AddCookie(dev) })
	})
	t.Run("network", func(t *testing.T) {
		t.Parallel()
		// Every request of the test comes from one address.
		a, b := twoNodes(t, func(c *Config) { c.NetworkLimit = limit })
		submitTwice(t, a, b, a.seedUnit(t), func(*http.Request) {})
	})
	t.Run("sign-in", func(t *testing.T) {
		t.Parallel()
		url := storetest.PostgresURL(t)
		opt := func(c *Config) { c.TrustedProxies = []string{"0.0.0.0"} }
		a := newConsoleEnvOn(t, storetest.MustOpenPostgres(t, url), opt)
		b := &consoleEnv{testEnv: newTestEnvOn(t, storetest.MustOpenPostgres(t, url), opt)}
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
