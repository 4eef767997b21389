package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"persepsi/survey"

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
// The SQL is portable: RETURNING, ON CONFLICT … DO NOTHING and ON CONFLICT
// … DO UPDATE with excluded.* mean the same in SQLite (≥ 3.35) and
// PostgreSQL; a PostgreSQL store rebinds the ? placeholders to $n.
type stmtID int

const (
	stKeyLookup stmtID = iota
	stInsResponse
	stInsAnswer
	stGetRollup
	stPutRollup
	nStmts
)

var writeSQL = [nStmts]string{
	stKeyLookup: `SELECT ref FROM responses WHERE counter_id = ? AND idempotency_key = ?`,
	// A retried submission (same idempotency key) inserts nothing and
	// returns no row, so the common case costs one statement, not a lookup
	// and an insert.
	stInsResponse: `INSERT INTO responses (ref, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel,
 age_band, sex, education, occupation, control, suggestion, idempotency_key, salt)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (counter_id, idempotency_key) DO NOTHING RETURNING id`,
	stInsAnswer: `INSERT INTO answers (response_id, item_code, value) VALUES (?, ?, ?)`,
	stGetRollup: `SELECT payload FROM rollups
 WHERE unit_id = ? AND local_day = ? AND counter_id = ? AND service_id = ? AND questionnaire_id = ?`,
	stPutRollup: `INSERT INTO rollups (unit_id, local_day, counter_id, service_id, questionnaire_id, n, payload)
 VALUES (?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (unit_id, local_day, counter_id, service_id, questionnaire_id) DO UPDATE SET n = excluded.n, payload = excluded.payload`,
}

// writeStmts are the statements prepared on the writer's *sql.DB.
type writeStmts [nStmts]*sql.Stmt

// prepareWriteStmts prepares the writer's statements on db. It must run
// while no transaction holds the writer's only connection.
func prepareWriteStmts(ctx context.Context, db *sql.DB, rebind func(string) string) (*writeStmts, error) {
	var w writeStmts
	for id, q := range writeSQL {
		st, err := db.PrepareContext(ctx, rebind(q))
		if err != nil {
			_ = w.close()
			return nil, fmt.Errorf("storage: unable to prepare %q: %w", q, err)
		}
		w[id] = st
	}
	return &w, nil
}

func (w *writeStmts) close() error {
	var errs []error
	for _, st := range w {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// bind returns the statements for use inside the GORM transaction tx.
func (w *writeStmts) bind(ctx context.Context, tx *gorm.DB) (*txStmts, error) {
	stx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("storage: write outside a transaction (%T)", tx.Statement.ConnPool)
	}
	return w.bindSQL(ctx, stx), nil
}

func (w *writeStmts) bindSQL(ctx context.Context, tx *sql.Tx) *txStmts {
	return &txStmts{ctx: ctx, tx: tx, src: w}
}

// txStmts are the writer's statements inside one transaction, each bound
// (Tx.StmtContext) on first use and released when the transaction ends.
type txStmts struct {
	ctx   context.Context
	tx    *sql.Tx
	src   *writeStmts
	bound [nStmts]*sql.Stmt
}

func (t *txStmts) stmt(id stmtID) *sql.Stmt {
	if t.bound[id] == nil {
		t.bound[id] = t.tx.StmtContext(t.ctx, t.src[id])
	}
	return t.bound[id]
}

// existing returns the reference stored under a counter's idempotency key,
// if any.
func (t *txStmts) existing(counterID int64, key string) (string, bool, error) {
	var ref string
	switch err := t.stmt(stKeyLookup).QueryRowContext(t.ctx, counterID, key).Scan(&ref); {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("storage: unable to check idempotency key: %w", err)
	}
	return ref, true, nil
}

// insertResponse stores r and its answers and sets r.ID (and the answers'
// ResponseID). When r's idempotency key is already stored it stores
// nothing and reports false.
func (t *txStmts) insertResponse(r *survey.Response) (bool, error) {
	err := t.stmt(stInsResponse).QueryRowContext(t.ctx, r.Ref, r.UnitID, r.CounterID, r.ServiceID, r.QuestionnaireID, r.SubmittedAt, r.LocalDay,
		string(r.Channel), r.AgeBand, r.Sex, r.Education, r.Occupation, r.Control, r.Suggestion, r.IdempotencyKey, r.Salt).Scan(&r.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("storage: unable to insert response: %w", err)
	}
	ins := t.stmt(stInsAnswer)
	for j := range r.Answers {
		a := &r.Answers[j]
		a.ResponseID = r.ID
		if _, err := ins.ExecContext(t.ctx, a.ResponseID, a.ItemCode, a.Value); err != nil {
			return false, fmt.Errorf("storage: unable to insert answer %s: %w", a.ItemCode, err)
		}
	}
	return true, nil
}

// rollupPayload reads the stored rollup of k (nil when there is none).
func (t *txStmts) rollupPayload(k rollupKey) ([]byte, error) {
	var p []byte
	err := t.stmt(stGetRollup).QueryRowContext(t.ctx, k.UnitID, k.LocalDay, k.CounterID, k.ServiceID, k.QuestionnaireID).Scan(&p)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("storage: unable to read rollup: %w", err)
	}
	return p, nil
}

// putRollupRow writes (replacing) the rollup of k.
func (t *txStmts) putRollupRow(k rollupKey, r *survey.Rollup) error {
	payload, err := r.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := t.stmt(stPutRollup).ExecContext(t.ctx, k.UnitID, k.LocalDay, k.CounterID, k.ServiceID, k.QuestionnaireID, r.N, payload); err != nil {
		return fmt.Errorf("storage: unable to write rollup: %w", err)
	}
	return nil
}
