package sqlstore

import (
	"context"
	"encoding/hex"
	"strings"

	"gorm.io/gorm"

	"persepsi/survey"
)

// Changes names the caches a write made stale. A write announces them to
// the other stores on its database inside its own transaction
// (Dialect.Announce), and drops this store's caches once it has committed.
type Changes uint8

const (
	// ChangedCatalog: a counter, unit or service, i.e. the surveys
	// SurveyByCode hands out (and the app's blank forms rendered from
	// them).
	ChangedCatalog Changes = 1 << iota
	// ChangedSummaries: what a summary shows, other than by a submission
	// (those age out with summaryTTL): settings, populations, exclusions,
	// rebuilt rollups, the unit.
	ChangedSummaries
	// ChangedQuestionnaires: the stored questionnaire versions.
	ChangedQuestionnaires

	// AllChanges is every cache: what a store drops when announcements may
	// have been missed.
	AllChanges = ChangedCatalog | ChangedSummaries | ChangedQuestionnaires
)

var changeNames = []struct {
	c    Changes
	name string
}{{ChangedCatalog, "catalog"}, {ChangedSummaries, "summaries"}, {ChangedQuestionnaires, "questionnaires"}}

// ListenerState is how a store hears of other stores' writes.
type ListenerState string

const (
	// ListenerNone: no other process serves the database (SQLite); a CLI
	// command writing next to the server shows within the caches' TTLs.
	ListenerNone ListenerState = "none"
	// ListenerConnected: announcements arrive; caches are dropped as
	// other nodes commit.
	ListenerConnected ListenerState = "connected"
	// ListenerDisconnected: announcements are being missed; caches keep
	// entries only for shortTTL until the listener is back.
	ListenerDisconnected ListenerState = "disconnected"
)

// announcement is the payload of one: the announcing store's node id and
// the names of what changed, e.g. "3f9a…:catalog,summaries". Names keep it
// readable in psql; a name this version does not know (a newer node's)
// drops everything.
func announcement(node string, c Changes) string {
	var b strings.Builder
	b.WriteString(node)
	b.WriteByte(':')
	for _, n := range changeNames {
		if c&n.c != 0 {
			if b.Len() > len(node)+1 {
				b.WriteByte(',')
			}
			b.WriteString(n.name)
		}
	}
	return b.String()
}

// parseAnnouncement reads a payload; mine reports the store's own.
func parseAnnouncement(payload, node string) (c Changes, mine bool) {
	from, names, ok := strings.Cut(payload, ":")
	if !ok {
		return AllChanges, false
	}
	for name := range strings.SplitSeq(names, ",") {
		known := false
		for _, n := range changeNames {
			if n.name == name {
				c, known = c|n.c, true
			}
		}
		if !known {
			return AllChanges, from == node
		}
	}
	return c, from == node
}

// newNodeID names this store among the others on its database, in health
// and in announcements: random per process (per Open), so two nodes on
// one host, or a restarted node, are never taken for one another.
func newNodeID() string { return hex.EncodeToString(survey.RandomBytes(6)) }

// Node returns the store's node id.
func (s *Store) Node() string { return s.node }

// change runs fn in one write transaction that also announces c to the
// other stores on the database (they hear it only if it commits), then
// drops this store's own caches of c.
func (s *Store) change(ctx context.Context, c Changes, fn func(tx *gorm.DB) error) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.d.Announce(tx, announcement(s.node, c))
	})
	if err != nil {
		return err
	}
	s.drop(ctx, c)
	return nil
}

// hear drops the caches another store's announcement names.
func (s *Store) hear(ctx context.Context, payload string) {
	if c, mine := parseAnnouncement(payload, s.node); !mine {
		s.drop(ctx, c)
	}
}

// drop forgets the cached data c names. Questionnaires are reloaded, not
// forgotten: they are read from memory only.
func (s *Store) drop(ctx context.Context, c Changes) {
	if c&ChangedQuestionnaires != 0 {
		if err := s.loadQuestionnaires(ctx, s.r); err != nil && ctx.Err() == nil {
			// Questionnaire() reloads on a miss, so a unit switched to
			// the new version still finds it.
			s.log.Warn("reloading questionnaires failed", "err", err)
		}
		c |= ChangedCatalog | ChangedSummaries // both hold questionnaires
	}
	if c&ChangedCatalog != 0 {
		s.invalidateCounters()
	}
	if c&ChangedSummaries != 0 {
		s.invalidateSummaries()
	}
}

// leadMaintenance claims (or confirms) this store's ownership of the
// database's maintenance, and logs when that changes.
func (s *Store) leadMaintenance(ctx context.Context) bool {
	owns := s.d.ClaimMaintenance(ctx, s.node)
	if was := s.owner.Swap(owns); was != owns && ctx.Err() == nil {
		if owns {
			s.log.Info("this node now runs maintenance (sealing, checkpoints)", "node", s.node)
		} else {
			s.log.Warn("this node no longer runs maintenance", "node", s.node)
		}
	}
	return owns
}
