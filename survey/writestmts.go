package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// The statements the batching writer runs for every submission. They are
// prepared once, on the writer's *sql.DB while its single connection is
// idle, and every write transaction binds them with Tx.StmtContext, which
// reuses the statement already prepared on that connection.
//
// Why not GORM's PrepareStmt: GORM prepares a statement first seen inside a
// transaction on that transaction, so it is closed at commit and compiled
// again in every later transaction; and a multi-row INSERT's text changes
// with the batch size, so it never repeats anyway. Under `make loadtest`
// 12 % of the server's CPU went to sqlite3_prepare_v2 (docs/PERFORMANCE.md).
//
// The SQL is portable: RETURNING and INSERT … ON CONFLICT … DO UPDATE with
// excluded.* mean the same in SQLite (≥ 3.35) and PostgreSQL; a PostgreSQL
// store rebinds the ? placeholders to $n.
const (
	sqlKeyLookup   = `SELECT id FROM responses WHERE idempotency_key = ?`
	sqlInsResponse = `INSERT INTO responses (unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel,
 age_band, sex, education, occupation, control, suggestion, idempotency_key)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	sqlInsAnswer = `INSERT INTO answers (response_id, item_code, value) VALUES (?, ?, ?)`
	sqlChainTail = `SELECT seq, hash FROM chain WHERE unit_id = ? ORDER BY seq DESC LIMIT 1`
	sqlInsChain  = `INSERT INTO chain (unit_id, seq, kind, ref_id, digest, prev_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlGetRollup = `SELECT payload FROM rollups
 WHERE unit_id = ? AND local_day = ? AND counter_id = ? AND service_id = ? AND questionnaire_id = ?`
	sqlPutRollup = `INSERT INTO rollups (unit_id, local_day, counter_id, service_id, questionnaire_id, n, payload)
 VALUES (?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (unit_id, local_day, counter_id, service_id, questionnaire_id) DO UPDATE SET n = excluded.n, payload = excluded.payload`
)

// writeStmts holds the prepared statements, either on the writer's *sql.DB
// (the store's copy) or bound to one transaction (from bind).
type writeStmts struct {
	ctx                                                    context.Context
	keyLookup, insResponse, insAnswer, chainTail, insChain *sql.Stmt
	getRollup, putRollup                                   *sql.Stmt
}

func (w *writeStmts) all() []**sql.Stmt {
	return []**sql.Stmt{&w.keyLookup, &w.insResponse, &w.insAnswer, &w.chainTail, &w.insChain, &w.getRollup, &w.putRollup}
}

var writeSQL = []string{sqlKeyLookup, sqlInsResponse, sqlInsAnswer, sqlChainTail, sqlInsChain, sqlGetRollup, sqlPutRollup}

// prepareWriteStmts prepares the writer's statements on db. It must run
// while no transaction holds the writer's only connection.
func prepareWriteStmts(ctx context.Context, db *sql.DB) (*writeStmts, error) {
	w := &writeStmts{ctx: ctx}
	for i, p := range w.all() {
		st, err := db.PrepareContext(ctx, writeSQL[i])
		if err != nil {
			_ = w.close()
			return nil, fmt.Errorf("storage: unable to prepare %q: %w", writeSQL[i], err)
		}
		*p = st
	}
	return w, nil
}

func (w *writeStmts) close() error {
	var errs []error
	for _, p := range w.all() {
		if *p != nil {
			errs = append(errs, (*p).Close())
		}
	}
	return errors.Join(errs...)
}

// bind returns the statements bound to the GORM transaction tx; they are
// released when tx ends.
func (w *writeStmts) bind(ctx context.Context, tx *gorm.DB) (*writeStmts, error) {
	stx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("storage: write outside a transaction (%T)", tx.Statement.ConnPool)
	}
	return w.bindSQL(ctx, stx), nil
}

func (w *writeStmts) bindSQL(ctx context.Context, stx *sql.Tx) *writeStmts {
	b := &writeStmts{ctx: ctx}
	src := w.all()
	for i, p := range b.all() {
		*p = stx.StmtContext(ctx, *src[i])
	}
	return b
}

// existing returns the id stored under an idempotency key, if any.
func (w *writeStmts) existing(key string) (int64, bool, error) {
	var id int64
	switch err := w.keyLookup.QueryRowContext(w.ctx, key).Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("storage: unable to check idempotency key: %w", err)
	}
	return id, true, nil
}

// insertResponse stores r and its answers and sets r.ID (and the answers'
// ResponseID).
func (w *writeStmts) insertResponse(r *Response) error {
	err := w.insResponse.QueryRowContext(w.ctx, r.UnitID, r.CounterID, r.ServiceID, r.QuestionnaireID, r.SubmittedAt, r.LocalDay,
		string(r.Channel), r.AgeBand, r.Sex, r.Education, r.Occupation, r.Control, r.Suggestion, r.IdempotencyKey).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("storage: unable to insert response: %w", err)
	}
	for j := range r.Answers {
		a := &r.Answers[j]
		a.ResponseID = r.ID
		if _, err := w.insAnswer.ExecContext(w.ctx, a.ResponseID, a.ItemCode, a.Value); err != nil {
			return fmt.Errorf("storage: unable to insert answer %s: %w", a.ItemCode, err)
		}
	}
	return nil
}

// tail reads the last chain entry of a unit (ok false for an empty chain).
func (w *writeStmts) tail(unitID int64) (ChainEntry, bool, error) {
	e := ChainEntry{UnitID: unitID}
	switch err := w.chainTail.QueryRowContext(w.ctx, unitID).Scan(&e.Seq, &e.Hash); {
	case errors.Is(err, sql.ErrNoRows):
		return ChainEntry{}, false, nil
	case err != nil:
		return ChainEntry{}, false, fmt.Errorf("storage: unable to read chain tail of unit %d: %w", unitID, err)
	}
	return e, true, nil
}

func (w *writeStmts) appendChain(e ChainEntry) error {
	if _, err := w.insChain.ExecContext(w.ctx, e.UnitID, e.Seq, e.Kind, e.RefID, e.Digest, e.PrevHash, e.Hash, e.CreatedAt); err != nil {
		return fmt.Errorf("storage: unable to append to chain of unit %d: %w", e.UnitID, err)
	}
	return nil
}

// rollupPayload reads the stored rollup of k (nil when there is none).
func (w *writeStmts) rollupPayload(k rollupKey) ([]byte, error) {
	var p []byte
	err := w.getRollup.QueryRowContext(w.ctx, k.UnitID, k.LocalDay, k.CounterID, k.ServiceID, k.QuestionnaireID).Scan(&p)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("storage: unable to read rollup: %w", err)
	}
	return p, nil
}

// putRollupRow writes (replacing) the rollup of k.
func (w *writeStmts) putRollupRow(k rollupKey, r *rollup) error {
	payload, err := r.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := w.putRollup.ExecContext(w.ctx, k.UnitID, k.LocalDay, k.CounterID, k.ServiceID, k.QuestionnaireID, r.n, payload); err != nil {
		return fmt.Errorf("storage: unable to write rollup: %w", err)
	}
	return nil
}
