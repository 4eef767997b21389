package evidence

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"persepsi/survey"
)

// inflight shares the costly part of a check, the walk of a unit's chain,
// between checks that run at the same time for the same unit at the same
// chain head (evaluators uploading one bundle at once): the first computes, the others wait for
// its result. Nothing is kept once the computation ends, so no check ever
// reuses a result computed before it began, and an edit of the database is
// seen by the next check.
type inflight struct {
	mu sync.Mutex
	m  map[string]*shared
}

type shared struct {
	done  chan struct{}
	chain ChainReport
	err   error
}

func newInflight() *inflight { return &inflight{m: map[string]*shared{}} }

// do returns the value for key, computing it with fill unless another
// check is computing it now.
func (f *inflight) do(ctx context.Context, key string, fill func(*shared)) (*shared, error) {
	f.mu.Lock()
	if c, ok := f.m[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &shared{done: make(chan struct{})}
	f.m[key] = c
	f.mu.Unlock()
	fill(c)
	f.mu.Lock()
	delete(f.m, key)
	f.mu.Unlock()
	close(c.done)
	return c, c.err
}

// headKey names a unit's chain head for the cache.
func headKey(ctx context.Context, store Store, unitID int64) (string, error) {
	head, err := store.ChainHead(ctx, unitID)
	if err != nil && !errors.Is(err, survey.ErrNotFound) {
		return "", err
	}
	return fmt.Sprintf("%d@%d:%s", unitID, head.Seq, head.Hash), nil
}

// chain walks a unit's chain (evidence.VerifyChain), or waits for the walk
// of the same head another check is making.
func (f *inflight) chain(ctx context.Context, store Store, unitID int64) (ChainReport, error) {
	key, err := headKey(ctx, store, unitID)
	if err != nil {
		return ChainReport{}, err
	}
	c, err := f.do(ctx, "chain "+key, func(c *shared) { c.chain, c.err = VerifyChain(ctx, store, unitID) })
	if err != nil {
		return ChainReport{}, err
	}
	return c.chain, nil
}
