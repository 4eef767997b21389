package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"persepsi/survey"
	"time"
)

// PublishCheckpoints records a checkpoint at the chain head of every unit
// whose chain grew past its latest checkpoint, dated at (the caller passes
// the scheduled time, e.g. the hour), and returns the new ones. A unit
// whose head is behind its latest checkpoint (its tail was removed) gets
// none: that is for a witness to notice, and it is logged here.
func (s *Store) PublishCheckpoints(ctx context.Context, at time.Time) ([]survey.Checkpoint, error) {
	// The buckets that ended by now belong in the head published now, not
	// an interval later (the maintenance loop may not have sealed them yet).
	if _, err := s.SealClosed(ctx); err != nil {
		return nil, err
	}
	units, err := s.Units(ctx)
	if err != nil {
		return nil, err
	}
	var out []survey.Checkpoint
	for _, u := range units {
		head, err := s.ChainHead(ctx, u.ID)
		if errors.Is(err, survey.ErrNotFound) {
			continue
		}
		if err != nil {
			return out, err
		}
		last, err := s.LatestCheckpoint(ctx, u.ID)
		switch {
		case errors.Is(err, survey.ErrNotFound):
		case err != nil:
			return out, err
		case head.Seq < last.Seq:
			s.log.Warn("chain head is behind its published checkpoint", "unit", u.ID, "head", head.Seq, "checkpoint", last.Seq)
			continue
		case head.Seq == last.Seq:
			continue
		}
		cp := survey.Checkpoint{UnitID: u.ID, Seq: head.Seq, Hash: head.Hash, PublishedAt: at.UTC()}
		if err := s.w.WithContext(ctx).Create(&cp).Error; err != nil {
			return out, fmt.Errorf("storage: unable to record checkpoint: %w", err)
		}
		out = append(out, cp)
	}
	return out, nil
}

// LatestCheckpoint returns a unit's latest checkpoint, or ErrNotFound.
func (s *Store) LatestCheckpoint(ctx context.Context, unitID int64) (survey.Checkpoint, error) {
	var cp survey.Checkpoint
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("seq DESC").Take(&cp).Error; err != nil {
		return survey.Checkpoint{}, notFound(err, "checkpoint")
	}
	return cp, nil
}

// LatestCheckpointAtOrBefore returns a unit's latest checkpoint at or
// before seq, or ErrNotFound.
func (s *Store) LatestCheckpointAtOrBefore(ctx context.Context, unitID, seq int64) (survey.Checkpoint, error) {
	var cp survey.Checkpoint
	if err := s.r.WithContext(ctx).Where("unit_id = ? AND seq <= ?", unitID, seq).Order("seq DESC").Take(&cp).Error; err != nil {
		return survey.Checkpoint{}, notFound(err, "checkpoint")
	}
	return cp, nil
}

// LatestCheckpoints returns every unit's latest checkpoint, by unit.
func (s *Store) LatestCheckpoints(ctx context.Context) ([]survey.Checkpoint, error) {
	var cps []survey.Checkpoint
	if err := s.r.WithContext(ctx).Raw(`SELECT c.* FROM checkpoints c
		JOIN (SELECT unit_id, MAX(seq) AS seq FROM checkpoints GROUP BY unit_id) m ON m.unit_id = c.unit_id AND m.seq = c.seq
		ORDER BY c.unit_id`).Scan(&cps).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list checkpoints: %w", err)
	}
	return cps, nil
}

// Checkpoints returns a unit's checkpoints after seq since, oldest first,
// at most limit of them.
func (s *Store) Checkpoints(ctx context.Context, unitID, since int64, limit int) ([]survey.Checkpoint, error) {
	var cps []survey.Checkpoint
	if err := s.r.WithContext(ctx).Where("unit_id = ? AND seq > ?", unitID, since).Order("seq").Limit(limit).Find(&cps).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list checkpoints: %w", err)
	}
	return cps, nil
}

// ChainEntries returns the entries of a unit's chain with after < seq <=
// upTo, in seq order, at most limit of them: the body of a consistency
// proof between two heads.
func (s *Store) ChainEntries(ctx context.Context, unitID, after, upTo int64, limit int) ([]survey.ChainEntry, error) {
	rdb, err := s.readDB()
	if err != nil {
		return nil, err
	}
	return chainEntries(ctx, rdb, `WHERE unit_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`, unitID, after, upTo, limit)
}

// PublishEvery publishes checkpoints once at start, then on a fixed schedule
// until ctx ends: at every whole multiple of every (UTC; every hour by
// default), dated at that boundary, so the feed's times say nothing finer
// about when responses came. The start-up checkpoint (dated at the minute
// the node started, which is no respondent's time) lets a witness and a
// bundle anchor data loaded before the first boundary, e.g. a demo or an
// upgrade, instead of waiting up to an interval. Only the store running
// the database's maintenance publishes (see Maintain); the others skip
// each time, so one database's feed has one checkpoint per boundary.
func (s *Store) PublishEvery(ctx context.Context, every time.Duration) {
	publish := func(at time.Time) {
		if !s.leadMaintenance(ctx) {
			return
		}
		if _, err := s.PublishCheckpoints(ctx, at); err != nil && ctx.Err() == nil {
			s.log.Warn("checkpoint publication failed", "err", err)
		}
	}
	publish(s.now().Truncate(time.Minute))
	for {
		now := s.now()
		next := now.Truncate(every).Add(every)
		t := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		publish(next)
	}
}
