package sqlstore

import (
	"sync"
	"time"
)

// summaryTTL is how long a computed summary or daily series is reused.
// Dashboards are reloaded by many people at once during a ZI review; a few
// seconds of staleness costs nothing and keeps reads off the database while
// the writer is busy.
const summaryTTL = 3 * time.Second

type summaryCache struct {
	mu      sync.Mutex
	entries map[string]summaryEntry
}

type summaryEntry struct {
	v   any
	exp time.Time
}

func (c *summaryCache) get(key string, now time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.After(e.exp) {
		return nil, false
	}
	return e.v, true
}

func (c *summaryCache) put(key string, v any, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 1000 {
		c.entries = map[string]summaryEntry{}
	}
	c.entries[key] = summaryEntry{v: v, exp: now.Add(summaryTTL)}
}

// invalidateSummaries drops every cached summary, after a change that
// alters numbers at once (settings, population, exclusions, the unit).
func (s *Store) invalidateSummaries() {
	s.sums.mu.Lock()
	s.sums.entries = nil
	s.sums.mu.Unlock()
}
