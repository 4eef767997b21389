package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"persepsi/survey"
	"time"
)

// recordPage bounds how many responses one read loads, so an export of a
// million responses holds a page, not the period, in memory.
const recordPage = 2000

// EachRecord calls fn for every response of the unit whose local day lies
// in the period, by local day, then time bucket, then public reference (a
// random order within a bucket: never the order of arrival). With asOfSeq
// > 0 it yields only the responses sealed at or before that chain entry,
// and an exclusion counts only when its entry is at or before it (0: every
// response and exclusion), so an export can be rebuilt exactly as it was
// at a past chain position, whatever is submitted, sealed or excluded
// meanwhile. Records passed to fn are reused: fn must copy what it keeps.
func (s *Store) EachRecord(ctx context.Context, unitID int64, p survey.Period, asOfSeq int64, fn func(*survey.Record) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	rdb, err := s.readDB()
	if err != nil {
		return err
	}
	excl, err := s.Exclusions(ctx, unitID)
	if err != nil {
		return err
	}
	byResp := make(map[string]*survey.Exclusion, len(excl))
	for i := range excl {
		if asOfSeq == 0 || excl[i].Seq <= asOfSeq {
			byResp[excl[i].ResponseRef] = &excl[i]
		}
	}
	buckets, err := periodBuckets(ctx, rdb, unitID, p)
	if err != nil {
		return err
	}
	sealed, args := "", []any{unitID}
	if asOfSeq > 0 {
		sealed, args = ` AND segment <= ?`, []any{unitID, asOfSeq}
	}
	segHash := map[int64]string{}
	rec := &survey.Record{}
	for _, b := range buckets {
		after := ""
		for {
			page, segs, err := queryResponses(ctx, rdb, `SELECT `+responseCols+` FROM responses
 WHERE unit_id = ?`+sealed+` AND local_day = ? AND submitted_at = ? AND ref > ? ORDER BY ref LIMIT ?`,
				append(args[:len(args):len(args)], b.day, b.at.UTC(), after, recordPage)...)
			if err != nil {
				return err
			}
			if err := s.segmentHashes(ctx, rdb, unitID, segs, segHash); err != nil {
				return err
			}
			for i := range page {
				*rec = survey.Record{Response: page[i], Exclusion: byResp[page[i].Ref]}
				leaf := page[i].Leaf()
				rec.Leaf = hex.EncodeToString(leaf[:])
				if seq := segs[i]; seq != 0 {
					rec.Seq, rec.Hash = seq, segHash[seq]
				}
				if err := fn(rec); err != nil {
					return err
				}
			}
			if len(page) < recordPage {
				break
			}
			after = page[len(page)-1].Ref
		}
	}
	return nil
}

// CountPeriodResponses counts the unit's responses whose local day lies in
// the period: an upper bound on what EachRecord yields as of any chain
// position.
func (s *Store) CountPeriodResponses(ctx context.Context, unitID int64, p survey.Period) (int64, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&survey.Response{}).Where("unit_id = ? AND local_day BETWEEN ? AND ?", unitID, p.From, p.To).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("storage: unable to count responses: %w", err)
	}
	return n, nil
}

type dayBucket struct {
	day string
	at  time.Time
}

// periodBuckets lists the (local day, bucket) pairs holding a unit's
// responses in the period, in order. Reading bucket by bucket keeps the
// index on (unit_id, local_day, submitted_at) an append at submission (a
// random ref in it made every insert land on a random page: 0.55 of the
// raw insert rate) while a page of a bucket is sorted by ref.
func periodBuckets(ctx context.Context, q querier, unitID int64, p survey.Period) ([]dayBucket, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT local_day, submitted_at FROM responses
 WHERE unit_id = ? AND local_day BETWEEN ? AND ? ORDER BY local_day, submitted_at`, unitID, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list buckets: %w", err)
	}
	defer rows.Close()
	var out []dayBucket
	for rows.Next() {
		var b dayBucket
		if err := rows.Scan(&b.day, &b.at); err != nil {
			return nil, fmt.Errorf("storage: unable to list buckets: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// segmentHashes adds to known the hashes of the listed segment entries it
// lacks.
func (s *Store) segmentHashes(ctx context.Context, q querier, unitID int64, seqs []int64, known map[int64]string) error {
	var need []int64
	for _, seq := range seqs {
		if _, ok := known[seq]; !ok && seq != 0 {
			known[seq] = ""
			need = append(need, seq)
		}
	}
	for start := 0; start < len(need); start += sqlChunk {
		chunk := need[start:min(start+sqlChunk, len(need))]
		es, err := chainEntries(ctx, q, `WHERE unit_id = ? AND seq IN (`+placeholders(len(chunk))+`)`, append([]any{unitID}, anys(chunk)...)...)
		if err != nil {
			return err
		}
		for _, e := range es {
			known[e.Seq] = e.Hash
		}
	}
	return nil
}

// chainEntries reads the chain entries a WHERE (and ORDER/LIMIT) clause
// selects.
func chainEntries(ctx context.Context, q querier, where string, args ...any) ([]survey.ChainEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id, seq, kind, bucket, count, root, ref_id, prev_hash, hash FROM chain `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read chain: %w", err)
	}
	defer rows.Close()
	var out []survey.ChainEntry
	for rows.Next() {
		var e survey.ChainEntry
		var bucket sql.NullTime
		if err := rows.Scan(&e.UnitID, &e.Seq, &e.Kind, &bucket, &e.Count, &e.Root, &e.RefID, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("storage: unable to read chain: %w", err)
		}
		if bucket.Valid {
			e.Bucket = bucket.Time.UTC()
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChainHead returns the last entry of a unit's chain, or ErrNotFound when
// the chain is empty.
func (s *Store) ChainHead(ctx context.Context, unitID int64) (survey.ChainEntry, error) {
	return s.chainEntry(ctx, `WHERE unit_id = ? AND seq = (SELECT MAX(seq) FROM chain WHERE unit_id = ?)`, unitID, unitID)
}

// ChainEntryAt returns the entry of a unit's chain at seq.
func (s *Store) ChainEntryAt(ctx context.Context, unitID, seq int64) (survey.ChainEntry, error) {
	return s.chainEntry(ctx, `WHERE unit_id = ? AND seq = ?`, unitID, seq)
}

// V1Head returns the entry recording where the unit's chain of format v1
// ended when the database was upgraded to v2 (Count is the last v1 seq,
// Root its hash), or ErrNotFound when the unit had no v1 chain.
func (s *Store) V1Head(ctx context.Context, unitID int64) (survey.ChainEntry, error) {
	return s.chainEntry(ctx, `WHERE unit_id = ? AND kind = ?`, unitID, survey.ChainV1Head)
}

func (s *Store) chainEntry(ctx context.Context, where string, args ...any) (survey.ChainEntry, error) {
	rdb, err := s.readDB()
	if err != nil {
		return survey.ChainEntry{}, err
	}
	es, err := chainEntries(ctx, rdb, where, args...)
	if err != nil {
		return survey.ChainEntry{}, err
	}
	if len(es) == 0 {
		return survey.ChainEntry{}, survey.ErrNotFound
	}
	return es[0], nil
}

// EachChainEntry calls fn for every entry of a unit's chain in seq order,
// with the state the stored data give it now (ChainState), and returns the
// coverage counts; everything is read in one snapshot, so sealing or
// excluding meanwhile cannot make an intact chain look broken. A v1-head
// entry refers to data that no longer exist (the v1 chain); its state is
// the entry's own.
func (s *Store) EachChainEntry(ctx context.Context, unitID int64, fn func(e survey.ChainEntry, now survey.ChainState) error) (survey.ChainCoverage, error) {
	var cov survey.ChainCoverage
	sdb, err := s.r.DB()
	if err != nil {
		return cov, err
	}
	stx, err := sdb.BeginTx(ctx, s.d.ReadTx())
	if err != nil {
		return cov, fmt.Errorf("storage: unable to read chain: %w", err)
	}
	defer func() { _ = stx.Rollback() }()
	tx := s.rq(stx)
	var after int64
	for {
		page, err := chainEntries(ctx, tx, `WHERE unit_id = ? AND seq > ? ORDER BY seq LIMIT ?`, unitID, after, recordPage)
		if err != nil {
			return cov, err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].Seq
		states, err := chainStates(ctx, tx, unitID, page)
		if err != nil {
			return cov, err
		}
		for i, e := range page {
			if err := fn(e, states[i]); err != nil {
				return cov, err
			}
		}
		if len(page) < recordPage {
			break
		}
	}
	row := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM responses WHERE unit_id = ? AND segment IS NOT NULL),
 (SELECT COUNT(*) FROM exclusions WHERE unit_id = ?)`, unitID, unitID)
	if err := row.Scan(&cov.Sealed, &cov.Exclusions); err != nil {
		return cov, fmt.Errorf("storage: unable to count what the chain covers: %w", err)
	}
	return cov, nil
}

// stateBatch bounds the responses one recomputation reads at a time.
const stateBatch = 20000

// chainStates recomputes the state of a page of entries: the segments in
// runs of consecutive seqs holding up to about stateBatch responses, one
// range read each.
func chainStates(ctx context.Context, q querier, unitID int64, page []survey.ChainEntry) ([]survey.ChainState, error) {
	states := make([]survey.ChainState, len(page))
	var exclIDs []int64
	for i := 0; i < len(page); {
		e := page[i]
		switch e.Kind {
		case survey.ChainExclusion:
			exclIDs = append(exclIDs, e.RefID)
			i++
			continue
		case survey.ChainSegment:
		default:
			states[i] = survey.ChainState{Count: e.Count, Root: e.Root}
			i++
			continue
		}
		j, n := i, int64(0)
		for j < len(page) && page[j].Kind == survey.ChainSegment && (j == i || n+page[j].Count <= stateBatch) {
			n += page[j].Count
			j++
		}
		rs, segs, err := queryResponses(ctx, q, `SELECT `+responseCols+` FROM responses WHERE unit_id = ? AND segment BETWEEN ? AND ?`,
			unitID, page[i].Seq, page[j-1].Seq)
		if err != nil {
			return nil, err
		}
		leaves := map[int64][][32]byte{}
		for k := range rs {
			leaves[segs[k]] = append(leaves[segs[k]], rs[k].Leaf())
		}
		for k := i; k < j; k++ {
			l := leaves[page[k].Seq]
			states[k] = survey.ChainState{Count: int64(len(l)), Root: survey.MerkleRoot(l)}
		}
		i = j
	}
	digests, err := exclusionDigests(ctx, q, exclIDs)
	if err != nil {
		return nil, err
	}
	for i, e := range page {
		if e.Kind == survey.ChainExclusion {
			states[i] = survey.ChainState{Count: 1, Root: digests[e.RefID]}
			if states[i].Root == "" {
				states[i].Count = 0
			}
		}
	}
	return states, nil
}

// exclusionDigests returns the current digests of stored exclusions by id.
func exclusionDigests(ctx context.Context, q querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += sqlChunk {
		chunk := ids[start:min(start+sqlChunk, len(ids))]
		xs, err := queryExclusions(ctx, q, `WHERE e.id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for i := range xs {
			out[xs[i].ID] = xs[i].Digest()
		}
	}
	return out, nil
}

// queryExclusions reads the exclusions a WHERE (and ORDER) clause on
// exclusions e selects, with their responses' references.
func queryExclusions(ctx context.Context, q querier, where string, args ...any) ([]survey.Exclusion, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.unit_id, e.response_id, r.ref, e.reason, e.actor, e.created_at
 FROM exclusions e JOIN responses r ON r.id = e.response_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read exclusions: %w", err)
	}
	defer rows.Close()
	var out []survey.Exclusion
	for rows.Next() {
		var x survey.Exclusion
		if err := rows.Scan(&x.ID, &x.UnitID, &x.ResponseID, &x.ResponseRef, &x.Reason, &x.Actor, &x.CreatedAt); err != nil {
			return nil, fmt.Errorf("storage: unable to read exclusions: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// PeriodQuestionnaires returns the questionnaire versions the unit's
// responses in the period were given on, oldest version first, or the
// unit's current questionnaire when the period has no response.
func (s *Store) PeriodQuestionnaires(ctx context.Context, u *survey.Unit, p survey.Period) ([]*survey.Questionnaire, error) {
	var ids []int64
	if err := s.r.WithContext(ctx).Table("responses").Distinct("questionnaire_id").
		Where("unit_id = ? AND local_day BETWEEN ? AND ?", u.ID, p.From, p.To).Order("questionnaire_id").
		Pluck("questionnaire_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list questionnaires of a period: %w", err)
	}
	if len(ids) == 0 {
		ids = []int64{u.QuestionnaireID}
	}
	qs := make([]*survey.Questionnaire, 0, len(ids))
	for _, id := range ids {
		q, err := s.Questionnaire(id)
		if err != nil {
			return nil, fmt.Errorf("storage: questionnaire %d of unit %d is not loaded", id, u.ID)
		}
		qs = append(qs, q)
	}
	return qs, nil
}
