package sqlstore

import (
	"context"
	"fmt"
	"os"
	"persepsi/survey"
	"time"
)

// walSizeLimit is the journal_size_limit: after a checkpoint SQLite
// truncates the WAL file back to at most this size instead of leaving it
// at its high-water mark.
const walSizeLimit = 64 << 20

// Health reads the file sizes and a few counts (SQLite counts on its
// smallest index), and probes writing:
// one row of health_probe is rewritten through the writer connection, the
// path every submission takes. A failed probe is reported as Writable
// false, not as an error; an error means the store could not be read.
func (s *Store) Health(ctx context.Context) (survey.Health, error) {
	h := survey.Health{WALBytes: fileSize(s.path + "-wal"), DBBytes: fileSize(s.path)}
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

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// Maintain seals closed time buckets into the chain and keeps the WAL
// bounded until ctx ends. Sealing: every interval, the responses of every
// bucket that has ended are committed as chain segments (SealClosed); this
// loop is their one routine owner (an export also seals its unit first).
// WAL: whenever the WAL did not grow during the last interval (the server
// is quiet), it runs a TRUNCATE checkpoint, which empties the WAL file. Under steady load SQLite's own automatic
// checkpoints (every 1000 pages) keep recycling the file; this catches the
// WAL left large after a burst. The checkpoint goes through the single
// writer connection, so it queues behind submissions instead of fighting
// them for the lock.
func (s *Store) Maintain(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.SealClosed(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sealing closed buckets failed", "err", err)
		}
		if err := s.Checkpoint(ctx, last); err != nil && ctx.Err() == nil {
			s.log.Warn("wal checkpoint failed", "err", err)
		}
		last = fileSize(s.path + "-wal")
	}
}

// Checkpoint truncates the WAL when it is non-empty and has its size of the
// previous check (prev; -1 forces it). The journal size limit is set on the
// writer connection when it opens (writerDriver).
func (s *Store) Checkpoint(ctx context.Context, prev int64) error {
	db := s.w.WithContext(ctx)
	size := fileSize(s.path + "-wal")
	if size == 0 || (prev >= 0 && size != prev) {
		return nil
	}
	var busy, logPages, done int
	if err := db.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &logPages, &done); err != nil {
		return err
	}
	return nil
}
