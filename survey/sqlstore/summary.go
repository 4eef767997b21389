package sqlstore

import (
	"sync"
	"time"
)

// summaryTTL is how long a computed summary or daily series is reused.
// Dashboards are reloaded by many people at once during a ZI review; a few
// seconds of staleness costs nothing and keeps reads off the database while
// the writer is busy. Staleness is only ever another node's: a result is
// never reused across a submission this store committed to its unit
// (summaryCache.gen), nor across an exclusion or a settings change.
const summaryTTL = 3 * time.Second

type summaryCache struct {
	mu      sync.Mutex
	entries map[string]summaryEntry
	// gen counts, per unit, the submission batches committed to it: an
	// entry computed at an older generation is stale.
	gen map[int64]uint64
}

type summaryEntry struct {
	v   any
	exp time.Time
	gen uint64
}

// generation returns the unit's generation, read before the computation
// whose result put records: a batch that commits meanwhile bumps it, so
// that result, which may predate the batch, is never served.
func (c *summaryCache) generation(unit int64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen[unit]
}

func (c *summaryCache) get(key string, unit int64, now time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.After(e.exp) || e.gen != c.gen[unit] {
		return nil, false
	}
	return e.v, true
}

func (c *summaryCache) put(key string, gen uint64, v any, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 1000 {
		c.entries = map[string]summaryEntry{}
	}
	c.entries[key] = summaryEntry{v: v, exp: now.Add(summaryTTL), gen: gen}
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
	s.sums.mu.Unlock()
}
