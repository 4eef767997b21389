package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"persepsi/survey"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// segmentMax bounds the leaves of one segment, and so the work of the
// write transaction that seals it (the batching writer waits meanwhile:
// 4,096 took ~0.3 s under load, 1,024 keeps the wait under ~0.1 s): a busy
// bucket is sealed as several segments, its responses split by their
// random refs (never by arrival).
const segmentMax = 1024

// querier is what both a transaction and a pool can run.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rebound runs the store's queries, written with ? placeholders, on
// database/sql in the dialect's own placeholders.
type rebound struct {
	q      querier
	rebind func(string) string
}

func (r rebound) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, r.rebind(query), args...)
}

func (r rebound) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, r.rebind(query), args...)
}

func (r rebound) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, r.rebind(query), args...)
}

// rq wraps a pool or transaction of database/sql for the store's queries.
func (s *Store) rq(q querier) querier { return rebound{q, s.d.Rebind} }

// readDB returns the read pool on database/sql, for the store's queries.
func (s *Store) readDB() (querier, error) {
	rdb, err := s.r.DB()
	if err != nil {
		return nil, err
	}
	return s.rq(rdb), nil
}

// responseCols are the columns queryResponses reads, in its order: the
// segment that seals the response (NULL until sealed), then the response.
const responseCols = `segment, id, ref, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel,
 age_band, sex, education, occupation, control, suggestion, idempotency_key, salt`

// queryResponses runs a query selecting responseCols and returns the
// responses with their answers, and the seq of each one's segment (0 when
// unsealed).
func queryResponses(ctx context.Context, q querier, query string, args ...any) ([]survey.Response, []int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: unable to read responses: %w", err)
	}
	var out []survey.Response
	var segs []int64
	for rows.Next() {
		var r survey.Response
		var ch string
		var seg sql.NullInt64
		if err := rows.Scan(&seg, &r.ID, &r.Ref, &r.UnitID, &r.CounterID, &r.ServiceID, &r.QuestionnaireID, &r.SubmittedAt, &r.LocalDay, &ch,
			&r.AgeBand, &r.Sex, &r.Education, &r.Occupation, &r.Control, &r.Suggestion, &r.IdempotencyKey, &r.Salt); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("storage: unable to read responses: %w", err)
		}
		r.Channel = survey.Channel(ch)
		out = append(out, r)
		segs = append(segs, seg.Int64)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, fmt.Errorf("storage: unable to read responses: %w", err)
	}
	return out, segs, fillAnswers(ctx, q, out)
}

// fillAnswers fills in the answers of rs.
func fillAnswers(ctx context.Context, q querier, rs []survey.Response) error {
	at := make(map[int64]int, len(rs))
	ids := make([]int64, len(rs))
	for i := range rs {
		at[rs[i].ID], ids[i] = i, rs[i].ID
	}
	for start := 0; start < len(ids); start += sqlChunk {
		chunk := ids[start:min(start+sqlChunk, len(ids))]
		rows, err := q.QueryContext(ctx, `SELECT response_id, item_code, value FROM answers WHERE response_id IN (`+placeholders(len(chunk))+`)
 ORDER BY response_id, item_code`, anys(chunk)...)
		if err != nil {
			return fmt.Errorf("storage: unable to read answers: %w", err)
		}
		for rows.Next() {
			var a survey.Answer
			if err := rows.Scan(&a.ResponseID, &a.ItemCode, &a.Value); err != nil {
				rows.Close()
				return fmt.Errorf("storage: unable to read answers: %w", err)
			}
			r := &rs[at[a.ResponseID]]
			r.Answers = append(r.Answers, a)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("storage: unable to read answers: %w", err)
		}
	}
	return nil
}

// responsesByID reads responses (with answers) by database id.
func responsesByID(ctx context.Context, q querier, ids []int64) ([]survey.Response, error) {
	var out []survey.Response
	for start := 0; start < len(ids); start += sqlChunk {
		chunk := ids[start:min(start+sqlChunk, len(ids))]
		rs, _, err := queryResponses(ctx, q, `SELECT `+responseCols+` FROM responses WHERE id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// tailReader reads a unit's last chain entry through q.
func tailReader(ctx context.Context, q querier) func(unitID int64) (survey.ChainEntry, bool, error) {
	return func(unitID int64) (survey.ChainEntry, bool, error) {
		rows, err := q.QueryContext(ctx, `SELECT seq, hash FROM chain WHERE unit_id = ? ORDER BY seq DESC LIMIT 1`, unitID)
		if err != nil {
			return survey.ChainEntry{}, false, fmt.Errorf("storage: unable to read chain tail of unit %d: %w", unitID, err)
		}
		defer rows.Close()
		if !rows.Next() {
			return survey.ChainEntry{}, false, rows.Err()
		}
		e := survey.ChainEntry{UnitID: unitID}
		if err := rows.Scan(&e.Seq, &e.Hash); err != nil {
			return survey.ChainEntry{}, false, fmt.Errorf("storage: unable to read chain tail of unit %d: %w", unitID, err)
		}
		return e, true, nil
	}
}

// appendChain writes a completed entry.
func appendChain(ctx context.Context, q querier, e survey.ChainEntry) error {
	var bucket any
	if !e.Bucket.IsZero() {
		bucket = e.Bucket.UTC()
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO chain (unit_id, seq, kind, bucket, count, root, ref_id, prev_hash, hash)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.UnitID, e.Seq, e.Kind, bucket, e.Count, e.Root, e.RefID, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("storage: unable to append to chain of unit %d: %w", e.UnitID, err)
	}
	return nil
}

// sealSegmentTx commits up to segmentMax unsealed responses of one unit's
// bucket as one segment: their salted leaves, sorted, under one Merkle
// root, in one new chain entry; each response records the entry's seq. It
// returns how many it sealed (0: nothing was left).
func sealSegmentTx(ctx context.Context, q querier, tail *chainTail, unitID int64, bucket time.Time) (int, error) {
	rs, _, err := queryResponses(ctx, q, `SELECT `+responseCols+` FROM responses
 WHERE unit_id = ? AND submitted_at = ? AND segment IS NULL ORDER BY ref LIMIT ?`, unitID, bucket.UTC(), segmentMax)
	if err != nil || len(rs) == 0 {
		return 0, err
	}
	leaves := make([][32]byte, len(rs))
	ids := make([]int64, len(rs))
	for i := range rs {
		leaves[i], ids[i] = rs[i].Leaf(), rs[i].ID
	}
	e, err := tail.next(survey.ChainEntry{UnitID: unitID, Kind: survey.ChainSegment, Bucket: bucket.UTC(), Count: int64(len(rs)), Root: survey.MerkleRoot(leaves)})
	if err != nil {
		return 0, err
	}
	if err := appendChain(ctx, q, e); err != nil {
		return 0, err
	}
	for start := 0; start < len(ids); start += sqlChunk {
		chunk := ids[start:min(start+sqlChunk, len(ids))]
		if _, err := q.ExecContext(ctx, `UPDATE responses SET segment = ? WHERE id IN (`+placeholders(len(chunk))+`)`,
			append([]any{e.Seq}, anys(chunk)...)...); err != nil {
			return 0, fmt.Errorf("storage: unable to seal responses: %w", err)
		}
	}
	return len(rs), nil
}

// unsealedBuckets lists the (unit, bucket) pairs holding unsealed
// responses whose bucket starts at or before upTo, oldest first; unitID 0
// means every unit.
func unsealedBuckets(ctx context.Context, q querier, unitID int64, upTo time.Time) ([]survey.ChainEntry, error) {
	query := `SELECT DISTINCT unit_id, submitted_at FROM responses WHERE segment IS NULL AND submitted_at <= ?`
	args := []any{upTo.UTC()}
	if unitID != 0 {
		query += ` AND unit_id = ?`
		args = append(args, unitID)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY unit_id, submitted_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list unsealed buckets: %w", err)
	}
	defer rows.Close()
	var out []survey.ChainEntry
	for rows.Next() {
		var e survey.ChainEntry
		if err := rows.Scan(&e.UnitID, &e.Bucket); err != nil {
			return nil, fmt.Errorf("storage: unable to list unsealed buckets: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// sealAllTx seals every unsealed response of the listed buckets inside one
// transaction (the migration's use).
func sealAllTx(ctx context.Context, q querier, tail *chainTail, buckets []survey.ChainEntry) error {
	for _, b := range buckets {
		for {
			n, err := sealSegmentTx(ctx, q, tail, b.UnitID, b.Bucket)
			if err != nil {
				return err
			}
			if n < segmentMax {
				break
			}
		}
	}
	return nil
}

// SealClosed seals, for every unit, the responses of every bucket that has
// ended. The maintenance loop calls it; it is the one routine owner of
// sealing. It returns how many responses it sealed.
func (s *Store) SealClosed(ctx context.Context) (int, error) {
	return s.seal(ctx, 0, s.now().Add(-s.bucket))
}

// SealUnit seals every unsealed response of a unit, the current bucket's
// included (a later response of that bucket goes into another segment of
// it). An export calls it first, so the chain head it certifies commits
// every response it contains.
func (s *Store) SealUnit(ctx context.Context, unitID int64) (int, error) {
	return s.seal(ctx, unitID, s.now().Add(24*time.Hour))
}

// seal seals bucket by bucket, a segment per write transaction so the
// batching writer waits for at most one segment at a time. Each
// transaction selects what is still unsealed under the write lock, so two
// processes sealing at once never commit a response twice.
func (s *Store) seal(ctx context.Context, unitID int64, upTo time.Time) (int, error) {
	rdb, err := s.readDB()
	if err != nil {
		return 0, err
	}
	buckets, err := unsealedBuckets(ctx, rdb, unitID, upTo)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, b := range buckets {
		for {
			var n int
			err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				stx, err := s.lockedTx(ctx, tx, b.UnitID)
				if err != nil {
					return err
				}
				n, err = sealSegmentTx(ctx, stx, newChainTail(tailReader(ctx, stx)), b.UnitID, b.Bucket)
				return err
			})
			if err != nil {
				return total, err
			}
			total += n
			if n < segmentMax {
				break
			}
		}
	}
	return total, nil
}

// lockedTx returns, for the store's queries, the database/sql transaction
// under a GORM write transaction, after taking the dialect's lock of each
// unit: the chain and rollup writes that follow are then serialised per
// unit across connections and processes (Dialect.LockUnits).
func (s *Store) lockedTx(ctx context.Context, tx *gorm.DB, unitIDs ...int64) (querier, error) {
	stx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("storage: write outside a transaction (%T)", tx.Statement.ConnPool)
	}
	if err := s.d.LockUnits(ctx, stx, sortedUnique(unitIDs)); err != nil {
		return nil, fmt.Errorf("storage: unable to lock units: %w", err)
	}
	return s.rq(stx), nil
}

// sortedUnique returns ids ascending, each once.
func sortedUnique(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
