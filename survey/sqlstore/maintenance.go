package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"
	"time"
)

// Health reads the database's sizes and a few counts, and probes writing:
// one row of health_probe is rewritten through the writer connection, the
// path every submission takes. A failed probe is reported as Writable
// false, not as an error; an error means the store could not be read.
func (s *Store) Health(ctx context.Context) (survey.Health, error) {
	h := survey.Health{Database: s.d.Name(), Node: s.node, MaintenanceOwner: s.owner.Load(), Listener: string(s.d.Listener())}
	h.DBBytes, h.WALBytes = s.d.Sizes(ctx, s.r)
	if s.writer != nil {
		h.WriterQueue = len(s.writer.in)
	}
	db := s.r.WithContext(ctx)
	for _, c := range []struct {
		dst *int64
		sql string
	}{
		{&h.Units, `SELECT COUNT(*) FROM units`},
		{&h.Responses, `SELECT COUNT(*) FROM responses`},
		{&h.Exclusions, `SELECT COUNT(*) FROM exclusions`},
		{&h.Rollups, `SELECT COUNT(*) FROM rollups`},
	} {
		if err := db.Raw(c.sql).Scan(c.dst).Error; err != nil {
			return h, fmt.Errorf("storage: unable to read health: %w", err)
		}
	}
	err := s.w.WithContext(ctx).Exec(`INSERT INTO health_probe (id, checked_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, s.now().UTC()).Error
	h.Writable = err == nil
	if err != nil && ctx.Err() != nil {
		return h, fmt.Errorf("storage: unable to probe writing: %w", err)
	}
	return h, nil
}

// Maintain seals closed time buckets into the chain and runs the
// dialect's upkeep, every interval until ctx ends, while this store runs
// the database's maintenance. One store on a database does
// (Dialect.ClaimMaintenance; on SQLite always this one); a store that
// does not tries to take it over at every interval, so when the owner's
// process dies (its session, and the claim with it, ends) another node
// runs it within one interval. Sealing: the responses of every bucket that
// has ended are committed as chain segments (SealClosed); this loop is
// their one routine owner (an export also seals its unit first; sealing
// is serialised per unit by LockUnits, so an owner overlapping another
// for a moment is harmless, only wasted work).
func (s *Store) Maintain(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	s.leadMaintenance(ctx) // so health names the owner from the start
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !s.leadMaintenance(ctx) {
			continue
		}
		if _, err := s.SealClosed(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sealing closed buckets failed", "err", err)
		}
		if err := s.d.Upkeep(ctx, s.w); err != nil && ctx.Err() == nil {
			s.log.Warn("database upkeep failed", "err", err, "database", s.d.Name())
		}
	}
}

// RunsMaintenance reports whether this store held the maintenance claim
// at its last try (Maintain, PublishEvery): false in a process that runs
// neither, such as a CLI command.
func (s *Store) RunsMaintenance() bool { return s.owner.Load() }
