package app

import (
	"sync"
	"time"
)

// Sign-in throttling (docs/SECURITY.md, "Sign-in"). There is no account
// lockout: a lockout is a switch anyone who knows a username can flip.
// Instead each (username, network) pair gets a few free failures and then
// waits, exponentially longer after each further failure, before its next
// attempt is evaluated. A network that has not failed for a username is
// never made to wait for it, so the owner signs in from their own network
// whatever an attacker does from another. When one username collects many
// failures in an hour (a distributed attack), the free failures drop to
// one: every network waits after its first failure for that username.
const (
	// signInFreeFailures is how many wrong passwords in a row a
	// (username, network) may make before it has to wait.
	signInFreeFailures = 3
	// signInBaseDelay is the first wait; each further failure doubles it.
	signInBaseDelay = 5 * time.Second
	// signInMaxDelay caps the wait.
	signInMaxDelay = 15 * time.Minute
	// signInAttackFailures per username per hour, across networks, mark it
	// as under attack.
	signInAttackFailures = 20
	// signInForget drops a pair's record this long after its last failure.
	signInForget = 24 * time.Hour
)

// signInGuard holds the throttle state in memory only: keys are the
// username and a keyed, daily-rotating hash of the network, never an
// address. Attempts of one pair are serialised by the pair's mutex, so
// parallel guesses cannot all be evaluated before the first one counts.
type signInGuard struct {
	mu       sync.Mutex
	pairs    map[signInKey]*signInPair
	accounts *limiter // failures per username per hour, across networks
	max      int
}

type signInKey struct{ username, network string }

// signInPair is the record of one (username, network). mu is held for the
// whole of an attempt; the fields are read and written under it.
type signInPair struct {
	mu       sync.Mutex
	users    int // attempts holding or waiting for mu (guarded by guard.mu)
	failures int
	first    time.Time // first failure of the current run
	next     time.Time // no attempt is evaluated before next
}

func newSignInGuard(maxKeys int) *signInGuard {
	return &signInGuard{pairs: map[signInKey]*signInPair{}, accounts: newLimiter(signInAttackFailures, maxKeys), max: maxKeys}
}

// signInAttempt is one attempt holding its pair: call end exactly once.
type signInAttempt struct {
	g    *signInGuard
	key  signInKey
	pair *signInPair
}

// begin waits for any other attempt of the same pair to finish, then holds
// the pair for this one.
func (g *signInGuard) begin(username, network string, now time.Time) *signInAttempt {
	key := signInKey{username, network}
	g.mu.Lock()
	p, ok := g.pairs[key]
	if !ok {
		g.makeRoom(now)
		p = &signInPair{}
		g.pairs[key] = p
	}
	p.users++
	g.mu.Unlock()
	p.mu.Lock()
	return &signInAttempt{g: g, key: key, pair: p}
}

// wait returns how long the pair must still wait before an attempt is
// evaluated; 0 means go ahead.
func (a *signInAttempt) wait(now time.Time) time.Duration {
	return max(a.pair.next.Sub(now), 0)
}

// resetAt forgets the pair's failures when an admin cleared the username's
// throttle after they began (persepsi user unlock, reset-password).
func (a *signInAttempt) resetAt(at time.Time) {
	if a.pair.failures > 0 && !at.Before(a.pair.first) {
		a.pair.failures, a.pair.next = 0, time.Time{}
	}
}

// failed records a wrong password and sets the pair's next wait.
func (a *signInAttempt) failed(now time.Time) {
	p := a.pair
	if p.failures == 0 {
		p.first = now
	}
	p.failures++
	free := signInFreeFailures
	if !a.g.accounts.take(a.key.username, now) {
		free = 1
	}
	if p.failures >= free {
		p.next = now.Add(backoff(p.failures - free + 1))
	}
}

// succeeded clears the pair.
func (a *signInAttempt) succeeded() {
	a.pair.failures, a.pair.next = 0, time.Time{}
}

// end releases the pair; a clean pair nobody else waits for is dropped.
func (a *signInAttempt) end() {
	clean := a.pair.failures == 0
	a.pair.mu.Unlock()
	a.g.mu.Lock()
	a.pair.users--
	if clean && a.pair.users == 0 && a.g.pairs[a.key] == a.pair {
		delete(a.g.pairs, a.key)
	}
	a.g.mu.Unlock()
}

// backoff is the n-th wait of a pair:
// signInBaseDelay doubled n-1 times, at most signInMaxDelay.
func backoff(n int) time.Duration {
	if n > 20 {
		return signInMaxDelay
	}
	return min(signInBaseDelay<<(n-1), signInMaxDelay)
}

// makeRoom keeps the map under its bound (called with g.mu held): records
// idle for signInForget go first, then idle ones at random. Forgetting a
// record errs towards letting a guesser try sooner; the per-network limit on
// failures still holds.
func (g *signInGuard) makeRoom(now time.Time) {
	if len(g.pairs) < g.max {
		return
	}
	for k, p := range g.pairs {
		if p.users == 0 && now.Sub(p.next) > signInForget {
			delete(g.pairs, k)
		}
	}
	for k, p := range g.pairs {
		if len(g.pairs) <= g.max*3/4 {
			break
		}
		if p.users == 0 {
			delete(g.pairs, k)
		}
	}
}
