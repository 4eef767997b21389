package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"
	"sync"

	"gorm.io/gorm"
)

// pending is one submission waiting for its batch to commit.
type pending struct {
	resp *survey.Response
	done chan submitResult
}

type submitResult struct {
	ref string
	dup bool
	err error
}

// batchWriter commits submissions in groups: while one transaction commits,
// the next submissions queue, and the next transaction carries them all.
// Each caller is answered only after the transaction holding its response
// has committed, so an acknowledged response is always stored.
type batchWriter struct {
	s    *Store
	max  int
	in   chan *pending
	mu   sync.RWMutex // guards closed against sends racing close
	shut bool
	wg   sync.WaitGroup
}

func newBatchWriter(s *Store, max int) *batchWriter {
	w := &batchWriter{s: s, max: max, in: make(chan *pending, max*4)}
	w.wg.Add(1)
	go w.run()
	return w
}

func (w *batchWriter) submit(ctx context.Context, r *survey.Response) (string, bool, error) {
	p := &pending{resp: r, done: make(chan submitResult, 1)}
	w.mu.RLock()
	if w.shut {
		w.mu.RUnlock()
		return "", false, survey.ErrClosed
	}
	select {
	case w.in <- p:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return "", false, ctx.Err()
	}
	// Once queued the response will be written whatever happens to ctx, so
	// wait for the verdict rather than report a failure that may be false.
	res := <-p.done
	return res.ref, res.dup, res.err
}

// close stops accepting submissions and waits until every queued one has
// been committed and answered.
func (w *batchWriter) close() {
	w.mu.Lock()
	if !w.shut {
		w.shut = true
		close(w.in)
	}
	w.mu.Unlock()
	w.wg.Wait()
}

func (w *batchWriter) run() {
	defer w.wg.Done()
	batch := make([]*pending, 0, w.max)
	for first := range w.in {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < w.max {
			select {
			case p, ok := <-w.in:
				if !ok {
					break fill
				}
				batch = append(batch, p)
			default:
				break fill
			}
		}
		w.commit(batch)
	}
}

// commit writes a batch in one transaction. If the transaction fails, each
// submission is retried alone so one bad response cannot sink the others.
func (w *batchWriter) commit(batch []*pending) {
	results, err := w.s.insertResponses(batch)
	if err != nil && len(batch) > 1 {
		for _, p := range batch {
			w.commit([]*pending{p})
		}
		return
	}
	for i, p := range batch {
		if err != nil {
			p.done <- submitResult{err: err}
			continue
		}
		p.done <- results[i]
	}
}

// insertResponses stores a batch of validated responses and their answers
// (and rollups) in one transaction. No chain entry is written here: a
// response is committed to the chain when its time bucket is sealed
// (seal.go), so the submission path costs no hashing and the chain
// records no arrival order. A response whose idempotency key is
// already stored for its counter (or repeated within the batch) is not
// stored again; its result carries the existing reference and dup=true.
func (s *Store) insertResponses(batch []*pending) ([]submitResult, error) {
	results := make([]submitResult, len(batch))
	ctx := context.Background()
	units := make([]int64, len(batch))
	for i, p := range batch {
		units[i] = p.resp.UnitID
	}
	units = sortedUnique(units)
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := s.ws.bind(ctx, tx)
		if err != nil {
			return err
		}
		if err := s.d.LockUnits(ctx, st.tx, units); err != nil {
			return fmt.Errorf("storage: unable to lock units: %w", err)
		}
		type key struct {
			counter int64
			key     string
		}
		firstOf := map[key]int{}
		var firsts []*survey.Response
		for i, p := range batch {
			k := key{p.resp.CounterID, p.resp.IdempotencyKey}
			if _, ok := firstOf[k]; !ok {
				firstOf[k] = i
				firsts = append(firsts, p.resp)
			}
		}
		var inserted []bool
		if s.d.MultiRow() {
			inserted, err = st.insertResponsesMulti(firsts)
		} else {
			inserted, err = st.insertResponsesEach(firsts)
		}
		if err != nil {
			return err
		}
		var fresh []*survey.Response
		isFresh := make(map[*survey.Response]bool, len(firsts))
		for j, r := range firsts {
			if inserted[j] {
				fresh = append(fresh, r)
				isFresh[r] = true
				continue
			}
			// Stored by an earlier request: answer with its ref.
			ref, found, err := st.existing(r.CounterID, r.IdempotencyKey)
			if err == nil && !found {
				err = fmt.Errorf("storage: idempotency key conflict without a stored response")
			}
			if err != nil {
				return err
			}
			r.Ref = ref
		}
		for i, p := range batch {
			first := batch[firstOf[key{p.resp.CounterID, p.resp.IdempotencyKey}]].resp
			results[i] = submitResult{ref: first.Ref, dup: first != p.resp || !isFresh[first]}
		}
		return s.afterInsertTx(st, fresh)
	})
	if err != nil {
		return nil, err
	}
	s.sums.bump(units)
	return results, nil
}

// afterInsertTx runs, inside the submission transaction, the bookkeeping that
// must commit or fail together with the responses.
func (s *Store) afterInsertTx(st *txStmts, rs []*survey.Response) error {
	return s.addRollupsTx(st, rs)
}
