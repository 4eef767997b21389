package sqlstore

import (
	"sync"
	"time"
)

// summaryTTL is how long a computed summary or daily series is reused.
// Dashboards are reloaded by many people at once during a ZI review; a few
// seconds of staleness costs nothing and keeps reads off the database while
// the writer is busy. Staleness is only ever another node's submissions: a
// result is never reused across a submission this store committed to its
// unit (summaryCache.gen), nor across an exclusion or a settings change
// made on any node (announced, Store.change).
const summaryTTL = 3 * time.Second

type summaryCache struct {
	mu      sync.Mutex
	entries map[string]summaryEntry
	// gen counts, per unit, the submission batches committed to it, and
	// dropped the invalidations (this store's changes and those other
	// stores announce): an entry computed at an older generation is stale.
	gen     map[int64]uint64
	dropped uint64
}

// summaryGen is what a cached result was computed after.
type summaryGen struct{ unit, dropped uint64 }

type summaryEntry struct {
	v   any
	exp time.Time
	gen summaryGen
}

// generation returns the unit's generation, read before the computation
// whose result put records: a batch that commits or an invalidation that
// happens meanwhile changes it, so that result, which may predate them, is
// never served.
func (c *summaryCache) generation(unit int64) summaryGen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return summaryGen{c.gen[unit], c.dropped}
}

func (c *summaryCache) get(key string, unit int64, now time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.After(e.exp) || e.gen != (summaryGen{c.gen[unit], c.dropped}) {
		return nil, false
	}
	return e.v, true
}

// put keeps v for ttl.
func (c *summaryCache) put(key string, gen summaryGen, v any, now time.Time, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 1000 {
		c.entries = map[string]summaryEntry{}
	}
	c.entries[key] = summaryEntry{v: v, exp: now.Add(ttl), gen: gen}
}

// bump marks the units' cached results stale; the batching writer calls it
// after each commit, before it answers the batch's submitters.
func (c *summaryCache) bump(units []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == nil {
		c.gen = map[int64]uint64{}
	}
	for _, u := range units {
		c.gen[u]++
	}
}

// invalidateSummaries drops every cached summary, after a change that
// alters numbers at once (settings, population, exclusions, the unit).
func (s *Store) invalidateSummaries() {
	s.sums.mu.Lock()
	s.sums.entries = nil
	s.sums.dropped++
	s.sums.mu.Unlock()
}
