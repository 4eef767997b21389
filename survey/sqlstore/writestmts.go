package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"persepsi/survey"
	"strings"

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
type writeStmts struct {
	st     [nStmts]*sql.Stmt
	rebind func(string) string // the dialect's, for the statements built per batch
}

// prepareWriteStmts prepares the writer's statements on db. It must run
// while no transaction holds the writer's only connection.
func prepareWriteStmts(ctx context.Context, db *sql.DB, rebind func(string) string) (*writeStmts, error) {
	w := writeStmts{rebind: rebind}
	for id, q := range writeSQL {
		st, err := db.PrepareContext(ctx, rebind(q))
		if err != nil {
			_ = w.close()
			return nil, fmt.Errorf("storage: unable to prepare %q: %w", q, err)
		}
		w.st[id] = st
	}
	return &w, nil
}

func (w *writeStmts) close() error {
	var errs []error
	for _, st := range w.st {
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
	return &txStmts{ctx: ctx, tx: tx, src: w, rebind: w.rebind}
}

// txStmts are the writer's statements inside one transaction, each bound
// (Tx.StmtContext) on first use and released when the transaction ends.
type txStmts struct {
	ctx    context.Context
	tx     *sql.Tx
	src    *writeStmts
	bound  [nStmts]*sql.Stmt
	rebind func(string) string
}

func (t *txStmts) stmt(id stmtID) *sql.Stmt {
	if t.bound[id] == nil {
		t.bound[id] = t.tx.StmtContext(t.ctx, t.src.st[id])
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

// insertResponsesEach stores each response with the prepared statements,
// one response at a time: on SQLite every statement is a call into the
// library, not a round trip, and a prepared statement is never compiled
// again (a multi-row statement's text would change with the batch).
func (t *txStmts) insertResponsesEach(rs []*survey.Response) ([]bool, error) {
	ok := make([]bool, len(rs))
	for i, r := range rs {
		var err error
		if ok[i], err = t.insertResponse(r); err != nil {
			return nil, err
		}
	}
	return ok, nil
}

// Rows per multi-row statement: 64 responses × 16 columns and 340 answers ×
// 3 columns stay far below PostgreSQL's 65,535 parameters, and a full
// chunk's text repeats, so the driver's statement cache prepares it once.
const (
	multiResponses = 64
	multiAnswers   = 340
)

const responseInsertCols = `(ref, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel,
 age_band, sex, education, occupation, control, suggestion, idempotency_key, salt)`

// insertResponsesMulti stores the responses with multi-row INSERTs, a chunk
// of responses per statement and their answers in as few more: on a
// server every statement is a round trip, and the per-response statements
// cost 1 + items of them. A response whose idempotency key is already
// stored inserts nothing (ON CONFLICT DO NOTHING) and reports false.
func (t *txStmts) insertResponsesMulti(rs []*survey.Response) ([]bool, error) {
	ok := make([]bool, len(rs))
	type key struct {
		counter int64
		key     string
	}
	var answers []any
	for start := 0; start < len(rs); start += multiResponses {
		chunk := rs[start:min(start+multiResponses, len(rs))]
		args := make([]any, 0, len(chunk)*16)
		at := make(map[key]int, len(chunk))
		for i, r := range chunk {
			at[key{r.CounterID, r.IdempotencyKey}] = start + i
			args = append(args, r.Ref, r.UnitID, r.CounterID, r.ServiceID, r.QuestionnaireID, r.SubmittedAt, r.LocalDay,
				string(r.Channel), r.AgeBand, r.Sex, r.Education, r.Occupation, r.Control, r.Suggestion, r.IdempotencyKey, r.Salt)
		}
		q := t.rebind(`INSERT INTO responses ` + responseInsertCols + ` VALUES ` + rowsOf(16, len(chunk)) +
			` ON CONFLICT (counter_id, idempotency_key) DO NOTHING RETURNING id, counter_id, idempotency_key`)
		rows, err := t.tx.QueryContext(t.ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("storage: unable to insert responses: %w", err)
		}
		for rows.Next() {
			var id int64
			var k key
			if err := rows.Scan(&id, &k.counter, &k.key); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: unable to insert responses: %w", err)
			}
			j, found := at[k]
			if !found {
				rows.Close()
				return nil, fmt.Errorf("storage: insert returned an unknown key")
			}
			ok[j] = true
			rs[j].ID = id
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("storage: unable to insert responses: %w", err)
		}
	}
	for i, r := range rs {
		if !ok[i] {
			continue
		}
		for j := range r.Answers {
			a := &r.Answers[j]
			a.ResponseID = r.ID
			answers = append(answers, a.ResponseID, a.ItemCode, a.Value)
		}
	}
	for start := 0; start < len(answers); start += multiAnswers * 3 {
		chunk := answers[start:min(start+multiAnswers*3, len(answers))]
		q := t.rebind(`INSERT INTO answers (response_id, item_code, value) VALUES ` + rowsOf(3, len(chunk)/3))
		if _, err := t.tx.ExecContext(t.ctx, q, chunk...); err != nil {
			return nil, fmt.Errorf("storage: unable to insert answers: %w", err)
		}
	}
	return ok, nil
}

// rowsOf is the VALUES list of n rows of cols placeholders each.
func rowsOf(cols, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
